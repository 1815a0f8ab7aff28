/* test_config.c — `hookstack serve` options (runner/config.c): defaults, every flag in both
 * "--name value" and "--name=value" forms, bad values refused with a message, and the system
 * tokens from the environment (comma-separated), from a file (one per line), or generated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

static int parse(struct serve_config *c, char *err, size_t errlen, ...)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = "serve";
    va_list ap;
    va_start(ap, errlen);
    for (const char *a = va_arg(ap, const char *); a != NULL && argc < 31;
         a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    config_defaults(c);
    err[0] = '\0';
    return config_parse(c, argc, argv, err, errlen);
}

static void test_defaults(void **state)
{
    (void)state;
    struct serve_config c;
    char err[256];
    assert_int_equal(parse(&c, err, sizeof(err), NULL), CONFIG_OK);
    assert_string_equal(c.host, "127.0.0.1");
    assert_int_equal(c.port, 8080);
    assert_true(c.workers >= 1);
    assert_int_equal(c.max_body_bytes, 52428800);
    assert_int_equal(c.request_timeout_ms, 315000);
    assert_int_equal(c.keepalive_timeout_ms, 301000);
    assert_int_equal(c.headers_timeout_ms, 305000);
    assert_int_equal(c.processing_interval_ms, 270000);
    assert_int_equal(c.hook_timeout_ms, 270000 + 315000);
    assert_int_equal(c.max_queue, 1024);
    assert_int_equal(c.max_header_bytes, 65536);
    assert_int_equal(c.max_headers, 100);
    assert_int_equal(c.log_level, LOG_INFO);
    assert_false(c.no_diy);
    /* The default module folder sits beside the binary. */
    assert_int_equal(c.nmodule_dirs, 1);
    size_t n = strlen(c.module_dirs[0]);
    assert_true(n >= 8 && strcmp(c.module_dirs[0] + n - 8, "/modules") == 0);
    config_free(&c);
}

static void test_every_flag(void **state)
{
    (void)state;
    struct serve_config c;
    char err[256];
    assert_int_equal(parse(&c, err, sizeof(err), "--host", "0.0.0.0", "--port=0", "--modules", "a",
                           "--modules=b", "--workers", "3", "--no-diy", "--max-body-bytes", "1000",
                           "--max-queue=5", "--request-timeout-ms", "11", "--keepalive-timeout-ms",
                           "12", "--headers-timeout-ms", "13", "--processing-interval-ms", "14",
                           "--log-level", "warn", NULL),
                     CONFIG_OK);
    assert_string_equal(c.host, "0.0.0.0");
    assert_int_equal(c.port, 0);
    assert_int_equal(c.nmodule_dirs, 2);
    assert_string_equal(c.module_dirs[0], "a");
    assert_string_equal(c.module_dirs[1], "b");
    assert_int_equal(c.workers, 3);
    assert_true(c.no_diy);
    assert_int_equal(c.max_body_bytes, 1000);
    assert_int_equal(c.max_queue, 5);
    assert_int_equal(c.request_timeout_ms, 11);
    assert_int_equal(c.keepalive_timeout_ms, 12);
    assert_int_equal(c.headers_timeout_ms, 13);
    assert_int_equal(c.processing_interval_ms, 14);
    assert_int_equal(c.hook_timeout_ms, 14 + 11);
    assert_int_equal(c.log_level, LOG_WARN);
    config_free(&c);
    assert_int_equal(parse(&c, err, sizeof(err), "--hook-timeout-ms", "99", NULL), CONFIG_OK);
    assert_int_equal(c.hook_timeout_ms, 99);
    config_free(&c);
}

static void test_bad_values(void **state)
{
    (void)state;
    const char *bad[][2] = {
        {"--port", "65536"},
        {"--port", "-1"},
        {"--port", "8x"},
        {"--workers", "0"},
        {"--workers", "100000"},
        {"--max-body-bytes", "2000000000"},
        {"--request-timeout-ms", "0"},
        {"--log-level", "loud"},
        {"--host", ""},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct serve_config c;
        char err[256];
        assert_int_equal(parse(&c, err, sizeof(err), bad[i][0], bad[i][1], NULL), CONFIG_E_USAGE);
        assert_non_null(strstr(err, bad[i][0]));
        config_free(&c);
    }
    struct serve_config c;
    char err[256];
    assert_int_equal(parse(&c, err, sizeof(err), "--port", NULL), CONFIG_E_USAGE);
    assert_non_null(strstr(err, "needs a value"));
    config_free(&c);
    assert_int_equal(parse(&c, err, sizeof(err), "--bogus", NULL), CONFIG_E_USAGE);
    assert_non_null(strstr(err, "--bogus"));
    config_free(&c);
}

static void test_tokens_from_env(void **state)
{
    (void)state;
    struct serve_config c;
    char err[256];
    parse(&c, err, sizeof(err), NULL);
    setenv("HOOKSTACK_SYSTEM_TOKEN", " one ,two,,three ", 1);
    assert_int_equal(config_load_tokens(&c, err, sizeof(err)), CONFIG_OK);
    assert_int_equal(c.ntokens, 3);
    assert_string_equal(c.tokens[0], "one");
    assert_string_equal(c.tokens[1], "two");
    assert_string_equal(c.tokens[2], "three");
    assert_false(c.dev_token);
    config_free(&c);
    unsetenv("HOOKSTACK_SYSTEM_TOKEN");
}

static void test_tokens_from_file(void **state)
{
    (void)state;
    char path[] = "/tmp/hs-config-tokens-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "alpha\r\n\n  beta  \ngamma";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    struct serve_config c;
    char err[256];
    assert_int_equal(parse(&c, err, sizeof(err), "--system-token-file", path, NULL), CONFIG_OK);
    setenv("HOOKSTACK_SYSTEM_TOKEN", "ignored", 1);
    assert_int_equal(config_load_tokens(&c, err, sizeof(err)), CONFIG_OK);
    unsetenv("HOOKSTACK_SYSTEM_TOKEN");
    assert_int_equal(c.ntokens, 3);
    assert_string_equal(c.tokens[0], "alpha");
    assert_string_equal(c.tokens[1], "beta");
    assert_string_equal(c.tokens[2], "gamma");
    config_free(&c);
    /* An empty file, and a missing one, are errors naming the file. */
    fd = open(path, O_WRONLY | O_TRUNC);
    close(fd);
    parse(&c, err, sizeof(err), "--system-token-file", path, NULL);
    assert_int_equal(config_load_tokens(&c, err, sizeof(err)), CONFIG_E_LOAD);
    assert_non_null(strstr(err, path));
    config_free(&c);
    unlink(path);
    parse(&c, err, sizeof(err), "--system-token-file", path, NULL);
    assert_int_equal(config_load_tokens(&c, err, sizeof(err)), CONFIG_E_LOAD);
    assert_non_null(strstr(err, path));
    config_free(&c);
}

static void test_dev_token_generated(void **state)
{
    (void)state;
    unsetenv("HOOKSTACK_SYSTEM_TOKEN");
    struct serve_config a, b;
    char err[256];
    parse(&a, err, sizeof(err), NULL);
    parse(&b, err, sizeof(err), NULL);
    assert_int_equal(config_load_tokens(&a, err, sizeof(err)), CONFIG_OK);
    assert_int_equal(config_load_tokens(&b, err, sizeof(err)), CONFIG_OK);
    assert_true(a.dev_token);
    assert_int_equal(a.ntokens, 1);
    assert_true(strlen(a.tokens[0]) >= 32);
    assert_string_not_equal(a.tokens[0], b.tokens[0]);
    config_free(&a);
    config_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),         cmocka_unit_test(test_every_flag),
        cmocka_unit_test(test_bad_values),       cmocka_unit_test(test_tokens_from_env),
        cmocka_unit_test(test_tokens_from_file), cmocka_unit_test(test_dev_token_generated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
