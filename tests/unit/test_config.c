/* test_config.c — `hookstack serve` options (runner/config.c): defaults, every flag in both
 * "--name value" and "--name=value" forms, bad values refused with a message, and the system
 * tokens from the environment (comma-separated), from a file (one per line), or generated;
 * precedence flags > HOOKSTACK_* > config file > defaults, errors naming their source (the file
 * with line, column and key), token precedence, --print-config with tokens masked, and the
 * default of --max-connections taken from the file descriptor limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "arena.h"
#include "config.h"
#include "json.h"
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
    assert_int_equal(parse(&c, err, sizeof(err), NULL), ERR_OK);
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
    assert_int_equal(c.log_level, LOG_LEVEL_INFO);
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
                     ERR_OK);
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
    assert_int_equal(c.log_level, LOG_LEVEL_WARN);
    config_free(&c);
    assert_int_equal(parse(&c, err, sizeof(err), "--hook-timeout-ms", "99", NULL), ERR_OK);
    assert_int_equal(c.hook_timeout_ms, 99);
    config_free(&c);
}

static void test_max_connections(void **state)
{
    (void)state;
    struct serve_config c;
    char err[256];
    /* Default: the hard file descriptor limit less the reserve for workers and logs. */
    assert_int_equal(parse(&c, err, sizeof(err), "--workers", "4", NULL), ERR_OK);
    assert_int_equal(c.max_connections, 0);
    struct rlimit rl;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < ((rlim_t)1 << 24) &&
        rl.rlim_max > CONFIG_FD_RESERVE + 4 * CONFIG_FD_PER_WORKER)
        assert_int_equal(config_max_connections(&c),
                         (size_t)rl.rlim_max - CONFIG_FD_RESERVE - 4 * CONFIG_FD_PER_WORKER);
    config_free(&c);
    assert_int_equal(parse(&c, err, sizeof(err), "--max-connections", "500", NULL), ERR_OK);
    assert_int_equal(config_max_connections(&c), 500);
    config_free(&c);
    setenv("HOOKSTACK_MAX_CONNECTIONS", "70", 1);
    assert_int_equal(parse(&c, err, sizeof(err), NULL), ERR_OK);
    unsetenv("HOOKSTACK_MAX_CONNECTIONS");
    assert_int_equal(config_max_connections(&c), 70);
    config_free(&c);
    assert_int_equal(parse(&c, err, sizeof(err), "--max-connections", "lots", NULL), ERR_USAGE);
    assert_non_null(strstr(err, "--max-connections"));
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
        assert_int_equal(parse(&c, err, sizeof(err), bad[i][0], bad[i][1], NULL), ERR_USAGE);
        assert_non_null(strstr(err, bad[i][0]));
        config_free(&c);
    }
    struct serve_config c;
    char err[256];
    assert_int_equal(parse(&c, err, sizeof(err), "--port", NULL), ERR_USAGE);
    assert_non_null(strstr(err, "needs a value"));
    config_free(&c);
    assert_int_equal(parse(&c, err, sizeof(err), "--bogus", NULL), ERR_USAGE);
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
    assert_int_equal(config_load_tokens(&c, err, sizeof(err)), ERR_OK);
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
    assert_int_equal(parse(&c, err, sizeof(err), "--system-token-file", path, NULL), ERR_OK);
    setenv("HOOKSTACK_SYSTEM_TOKEN", "ignored", 1);
    assert_int_equal(config_load_tokens(&c, err, sizeof(err)), ERR_OK);
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
    assert_int_equal(config_load_tokens(&c, err, sizeof(err)), ERR_CONFIG);
    assert_non_null(strstr(err, path));
    config_free(&c);
    unlink(path);
    parse(&c, err, sizeof(err), "--system-token-file", path, NULL);
    assert_int_equal(config_load_tokens(&c, err, sizeof(err)), ERR_CONFIG);
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
    assert_int_equal(config_load_tokens(&a, err, sizeof(err)), ERR_OK);
    assert_int_equal(config_load_tokens(&b, err, sizeof(err)), ERR_OK);
    assert_true(a.dev_token);
    assert_int_equal(a.ntokens, 1);
    assert_true(strlen(a.tokens[0]) >= 32);
    assert_string_not_equal(a.tokens[0], b.tokens[0]);
    config_free(&a);
    config_free(&b);
}

/* ---- precedence: flags > HOOKSTACK_* > config file > defaults --------------------------- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char *const all_env[] = {
    "HOOKSTACK_CONFIG",         "HOOKSTACK_HOST",           "HOOKSTACK_PORT",
    "HOOKSTACK_WORKERS",        "HOOKSTACK_MODULES",        "HOOKSTACK_MAX_QUEUE",
    "HOOKSTACK_LOG_LEVEL",      "HOOKSTACK_NO_DIY",         "HOOKSTACK_TLS_CERT",
    "HOOKSTACK_TLS_KEY",        "HOOKSTACK_SYSTEM_TOKEN",   "HOOKSTACK_API_TOKEN",
    "HOOKSTACK_API_TOKEN_FILE", "HOOKSTACK_METRICS_LISTEN", "HOOKSTACK_REQUEST_TIMEOUT_MS",
};

static void clear_env(void)
{
    for (size_t i = 0; i < sizeof(all_env) / sizeof(all_env[0]); i++)
        unsetenv(all_env[i]);
}

static void test_precedence(void **state)
{
    (void)state;
    clear_env();
    char path[] = "/tmp/hs-config-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_file(path, "{\n  \"host\": \"10.0.0.1\",\n  \"port\": 1111,\n  \"workers\": 2,\n"
                     "  \"modules\": [\"f1\", \"f2\"],\n  \"maxQueue\": 7,\n"
                     "  \"logLevel\": \"debug\",\n  \"noDiy\": true,\n"
                     "  \"requestTimeoutMs\": 5000,\n  \"metricsListen\": \"127.0.0.1:9100\",\n"
                     "  \"tlsCert\": \"file.crt\", \"tlsKey\": \"file.key\"\n}\n");
    struct serve_config c;
    char err[512];
    /* The file alone. */
    assert_int_equal(parse(&c, err, sizeof(err), "--config", path, NULL), ERR_OK);
    assert_string_equal(c.host, "10.0.0.1");
    assert_int_equal(c.port, 1111);
    assert_int_equal(c.workers, 2);
    assert_int_equal(c.nmodule_dirs, 2);
    assert_string_equal(c.module_dirs[1], "f2");
    assert_int_equal(c.max_queue, 7);
    assert_int_equal(c.log_level, LOG_LEVEL_DEBUG);
    assert_true(c.no_diy);
    assert_int_equal(c.request_timeout_ms, 5000);
    assert_int_equal(c.hook_timeout_ms, 270000 + 5000); /* derived from the file's value */
    assert_int_equal(c.keepalive_timeout_ms, 301000);   /* default */
    assert_string_equal(c.metrics_host, "127.0.0.1");
    assert_int_equal(c.metrics_port, 9100);
    assert_string_equal(c.tls_cert, "file.crt");
    assert_string_equal(c.config_file, path);
    config_free(&c);
    /* The environment over the file (HOOKSTACK_CONFIG names it), flags over both. */
    setenv("HOOKSTACK_CONFIG", path, 1);
    setenv("HOOKSTACK_PORT", "2222", 1);
    setenv("HOOKSTACK_WORKERS", "3", 1);
    setenv("HOOKSTACK_MODULES", "e1::e2", 1);
    setenv("HOOKSTACK_NO_DIY", "false", 1);
    setenv("HOOKSTACK_TLS_CERT", "env.crt", 1);
    assert_int_equal(parse(&c, err, sizeof(err), "--port", "3333", NULL), ERR_OK);
    assert_int_equal(c.port, 3333);          /* flag */
    assert_int_equal(c.workers, 3);          /* env */
    assert_string_equal(c.host, "10.0.0.1"); /* file */
    assert_int_equal(c.nmodule_dirs, 2);     /* env replaces the file's list */
    assert_string_equal(c.module_dirs[0], "e1");
    assert_string_equal(c.module_dirs[1], "e2");
    assert_false(c.no_diy);
    assert_string_equal(c.tls_cert, "env.crt");
    assert_string_equal(c.tls_key, "file.key");
    assert_int_equal(c.log_level, LOG_LEVEL_DEBUG);
    config_free(&c);
    /* Repeated --modules flags replace the environment's list, and add up among themselves. */
    assert_int_equal(parse(&c, err, sizeof(err), "--modules", "x", "--modules=y", "--no-diy",
                           "--config", "/nonexistent-but-overridden-by-flag", NULL),
                     ERR_CONFIG);
    assert_non_null(strstr(err, "/nonexistent-but-overridden-by-flag"));
    config_free(&c);
    assert_int_equal(parse(&c, err, sizeof(err), "--modules", "x", "--modules=y", "--no-diy", NULL),
                     ERR_OK);
    assert_int_equal(c.nmodule_dirs, 2);
    assert_string_equal(c.module_dirs[0], "x");
    assert_string_equal(c.module_dirs[1], "y");
    assert_true(c.no_diy);
    config_free(&c);
    clear_env();
    unlink(path);
}

/* Errors say where the value came from: the flag, the variable, or FILE:LINE:COLUMN and key. */
static void test_source_in_errors(void **state)
{
    (void)state;
    clear_env();
    char path[] = "/tmp/hs-config-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct serve_config c;
    char err[512], want[600];
    write_file(path, "{\n  \"host\": \"h\",\n    \"port\": \"http\"\n}\n");
    assert_int_equal(parse(&c, err, sizeof(err), "--config", path, NULL), ERR_USAGE);
    snprintf(want, sizeof(want), "%s:3:5: key \"port\"", path);
    assert_non_null(strstr(err, want));
    assert_non_null(strstr(err, "not a port number"));
    config_free(&c);
    write_file(path, "{\"workers\": 2,\n \"wrokers\": 3}");
    assert_int_equal(parse(&c, err, sizeof(err), "--config", path, NULL), ERR_USAGE);
    snprintf(want, sizeof(want), "%s:2:2: key \"wrokers\": unknown key", path);
    assert_non_null(strstr(err, want));
    config_free(&c);
    write_file(path, "{\"noDiy\": \"yes\"}");
    assert_int_equal(parse(&c, err, sizeof(err), "--config", path, NULL), ERR_USAGE);
    assert_non_null(strstr(err, "key \"noDiy\": expected true or false"));
    config_free(&c);
    write_file(path, "{\"modules\": [\"a\", 3]}");
    assert_int_equal(parse(&c, err, sizeof(err), "--config", path, NULL), ERR_USAGE);
    assert_non_null(strstr(err, "key \"modules\": item 1 is not a string"));
    config_free(&c);
    /* A syntax error: the position from the JSON reader. */
    write_file(path, "{\n  \"port\": 80,\n  \"host\" \"x\"\n}");
    assert_int_equal(parse(&c, err, sizeof(err), "--config", path, NULL), ERR_CONFIG);
    snprintf(want, sizeof(want), "%s:3:", path);
    assert_non_null(strstr(err, want));
    config_free(&c);
    write_file(path, "[1]");
    assert_int_equal(parse(&c, err, sizeof(err), "--config", path, NULL), ERR_CONFIG);
    assert_non_null(strstr(err, "must be a JSON object"));
    config_free(&c);
    setenv("HOOKSTACK_PORT", "99999", 1);
    assert_int_equal(parse(&c, err, sizeof(err), NULL), ERR_USAGE);
    assert_non_null(strstr(err, "HOOKSTACK_PORT: '99999' is not a port number"));
    config_free(&c);
    unsetenv("HOOKSTACK_PORT");
    setenv("HOOKSTACK_METRICS_LISTEN", "9100", 1);
    assert_int_equal(parse(&c, err, sizeof(err), NULL), ERR_USAGE);
    assert_non_null(strstr(err, "HOOKSTACK_METRICS_LISTEN: '9100' is not HOST:PORT"));
    config_free(&c);
    unsetenv("HOOKSTACK_METRICS_LISTEN");
    /* A certificate without its key. */
    assert_int_equal(parse(&c, err, sizeof(err), "--tls-cert", "a.pem", NULL), ERR_USAGE);
    assert_non_null(strstr(err, "--tls-key"));
    config_free(&c);
    unlink(path);
}

static void test_token_precedence(void **state)
{
    (void)state;
    clear_env();
    char path[] = "/tmp/hs-config-XXXXXX", tok[] = "/tmp/hs-config-tok-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    fd = mkstemp(tok);
    close(fd);
    write_file(tok, "from-flag-file\n");
    write_file(path, "{\"systemTokens\": [\"file-a\", \"file-b\"], \"apiTokens\": \"file-api\"}");
    struct serve_config c;
    char err[512];
    /* The file's lists alone. */
    parse(&c, err, sizeof(err), "--config", path, NULL);
    assert_int_equal(config_load_tokens(&c, err, sizeof(err)), ERR_OK);
    assert_int_equal(c.ntokens, 2);
    assert_string_equal(c.tokens[1], "file-b");
    assert_false(c.dev_token);
    assert_int_equal(c.napi_tokens, 1);
    assert_string_equal(c.api_tokens[0], "file-api");
    config_free(&c);
    /* The environment's lists win over the file's. */
    setenv("HOOKSTACK_SYSTEM_TOKEN", "env-s", 1);
    setenv("HOOKSTACK_API_TOKEN", "env-a1,env-a2", 1);
    parse(&c, err, sizeof(err), "--config", path, NULL);
    assert_int_equal(config_load_tokens(&c, err, sizeof(err)), ERR_OK);
    assert_int_equal(c.ntokens, 1);
    assert_string_equal(c.tokens[0], "env-s");
    assert_int_equal(c.napi_tokens, 2);
    assert_string_equal(c.api_tokens[1], "env-a2");
    config_free(&c);
    /* A token file from a flag wins over the environment. */
    parse(&c, err, sizeof(err), "--config", path, "--api-token-file", tok, NULL);
    assert_int_equal(config_load_tokens(&c, err, sizeof(err)), ERR_OK);
    assert_int_equal(c.napi_tokens, 1);
    assert_string_equal(c.api_tokens[0], "from-flag-file");
    assert_string_equal(c.tokens[0], "env-s");
    config_free(&c);
    /* No API token anywhere: none (the route answers 401), and no generated one. */
    clear_env();
    parse(&c, err, sizeof(err), NULL);
    assert_int_equal(config_load_tokens(&c, err, sizeof(err)), ERR_OK);
    assert_int_equal(c.napi_tokens, 0);
    assert_true(c.dev_token);
    config_free(&c);
    unlink(path);
    unlink(tok);
}

static void test_print_config_masks_secrets(void **state)
{
    (void)state;
    clear_env();
    setenv("HOOKSTACK_SYSTEM_TOKEN", "very-secret-1,very-secret-2", 1);
    setenv("HOOKSTACK_API_TOKEN", "api-secret", 1);
    struct serve_config c;
    char err[512];
    assert_int_equal(parse(&c, err, sizeof(err), "--port", "4242", "--modules", "m",
                           "--metrics-listen", "[::1]:9100", "--print-config", NULL),
                     ERR_OK);
    assert_true(c.print_config);
    assert_int_equal(config_load_tokens(&c, err, sizeof(err)), ERR_OK);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    assert_non_null(mem);
    assert_int_equal(config_print(&c, mem), 0);
    fclose(mem);
    config_free(&c);
    clear_env();
    assert_null(strstr(text, "secret"));
    assert_non_null(strstr(text, "\"systemTokens\":[\"******\",\"******\"]"));
    assert_non_null(strstr(text, "\"apiTokens\":[\"******\"]"));
    assert_non_null(strstr(text, "\"port\":4242"));
    assert_non_null(strstr(text, "\"modules\":[\"m\"]"));
    assert_non_null(strstr(text, "\"metricsListen\":\"[::1]:9100\""));
    assert_non_null(strstr(text, "\"tlsCert\":null"));
    assert_non_null(strstr(text, "\"developmentToken\":false"));
    assert_true(len > 0 && text[len - 1] == '\n');
    /* It is JSON. */
    struct arena *a = arena_new(4096, 0);
    struct json_parse_opts o = {0};
    struct json_value *v = json_parse(a, text, len, &o, NULL);
    assert_non_null(v);
    assert_int_equal(v->type, JSON_OBJECT);
    arena_free(a);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_every_flag),
        cmocka_unit_test(test_max_connections),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_tokens_from_env),
        cmocka_unit_test(test_tokens_from_file),
        cmocka_unit_test(test_dev_token_generated),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_source_in_errors),
        cmocka_unit_test(test_token_precedence),
        cmocka_unit_test(test_print_config_masks_secrets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
