/* test_config_forms.c — pins what `hookstack serve` accepts, option by option: every option set
 * in each of its three forms (flag, HOOKSTACK_* variable, config file key) lands in the same
 * field (checked through --print-config's whole output), the exact error line for a bad value of
 * each option and each form, the defaults, and that --help names every option with its default.
 * Written before the options became one table (runner/config_opts.c), so that change is proven
 * to keep behaviour. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "err.h"

/* Every variable the options read, cleared around each case. */
static const char *const every_env[] = {
    "HOOKSTACK_CONFIG",
    "HOOKSTACK_HOST",
    "HOOKSTACK_PORT",
    "HOOKSTACK_MODULES",
    "HOOKSTACK_WORKERS",
    "HOOKSTACK_SYSTEM_TOKEN_FILE",
    "HOOKSTACK_API_TOKEN_FILE",
    "HOOKSTACK_NO_DIY",
    "HOOKSTACK_MAX_BODY_BYTES",
    "HOOKSTACK_MAX_QUEUE",
    "HOOKSTACK_QUEUE_LIMIT",
    "HOOKSTACK_REQUEST_TIMEOUT_MS",
    "HOOKSTACK_KEEPALIVE_TIMEOUT_MS",
    "HOOKSTACK_HEADERS_TIMEOUT_MS",
    "HOOKSTACK_PROCESSING_INTERVAL_MS",
    "HOOKSTACK_HOOK_TIMEOUT_MS",
    "HOOKSTACK_HOOK_TIMEOUT",
    "HOOKSTACK_WORKER_MEMORY_MB",
    "HOOKSTACK_WORKER_RECYCLE_MB",
    "HOOKSTACK_SHUTDOWN_TIMEOUT_MS",
    "HOOKSTACK_MAX_BUFFERED_MB",
    "HOOKSTACK_MAX_RESPONSE_BYTES",
    "HOOKSTACK_MAX_CONNECTIONS",
    "HOOKSTACK_MODULE_LOAD_TIMEOUT_MS",
    "HOOKSTACK_LOG_LEVEL",
    "HOOKSTACK_TLS_CERT",
    "HOOKSTACK_TLS_KEY",
    "HOOKSTACK_METRICS_LISTEN",
    "HOOKSTACK_SYSTEM_TOKEN",
    "HOOKSTACK_API_TOKEN",
};

static void clear_env(void)
{
    for (size_t i = 0; i < sizeof(every_env) / sizeof(every_env[0]); i++)
        unsetenv(every_env[i]);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* config_parse on "serve" + argv (NULL-terminated); the rest of the environment as set. */
static int parse_argv(struct serve_config *c, const char *const *args, char *err, size_t errlen)
{
    char *argv[64];
    int argc = 0;
    argv[argc++] = "serve";
    for (size_t i = 0; args != NULL && args[i] != NULL && argc < 63; i++)
        argv[argc++] = (char *)args[i];
    argv[argc] = NULL;
    config_defaults(c);
    err[0] = '\0';
    return config_parse(c, argc, argv, err, errlen);
}

/* The --print-config output (malloc'd). */
static char *print_config(const struct serve_config *c)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    assert_non_null(mem);
    assert_int_equal(config_print(c, mem), 0);
    fclose(mem);
    return text;
}

/* ---- every option, three forms, one result --------------------------------------------------
 * One value per option, all different, so a value landing in the wrong field shows. */

#define SYS_TOKENS "/tmp/hs-config-forms-sys"
#define API_TOKENS "/tmp/hs-config-forms-api"

static const char *const every_flag[] = {
    "--host",
    "10.1.2.3",
    "--port",
    "4321",
    "--modules",
    "m1",
    "--modules=m2",
    "--workers",
    "7",
    "--system-token-file",
    SYS_TOKENS,
    "--api-token-file",
    API_TOKENS,
    "--no-diy",
    "--max-body-bytes",
    "1001",
    "--queue-limit",
    "1002",
    "--request-timeout-ms",
    "2001",
    "--keepalive-timeout-ms",
    "2002",
    "--headers-timeout-ms",
    "2003",
    "--processing-interval-ms",
    "2004",
    "--hook-timeout-ms",
    "2005",
    "--hook-timeout",
    "fnA=3001",
    "--hook-timeout=fnB=3002",
    "--worker-memory-mb",
    "4001",
    "--worker-recycle-mb",
    "4002",
    "--shutdown-timeout-ms",
    "4003",
    "--max-buffered-mb",
    "4004",
    "--max-response-bytes",
    "4005",
    "--max-connections",
    "4006",
    "--module-load-timeout-ms",
    "4007",
    "--log-level",
    "warn",
    "--tls-cert",
    "c.pem",
    "--tls-key",
    "k.pem",
    "--metrics-listen",
    "[::1]:9101",
    NULL,
};

static const char *const every_env_value[][2] = {
    {"HOOKSTACK_HOST", "10.1.2.3"},
    {"HOOKSTACK_PORT", "4321"},
    {"HOOKSTACK_MODULES", "m1:m2"},
    {"HOOKSTACK_WORKERS", "7"},
    {"HOOKSTACK_SYSTEM_TOKEN_FILE", SYS_TOKENS},
    {"HOOKSTACK_API_TOKEN_FILE", API_TOKENS},
    {"HOOKSTACK_NO_DIY", "yes"},
    {"HOOKSTACK_MAX_BODY_BYTES", "1001"},
    {"HOOKSTACK_QUEUE_LIMIT", "1002"},
    {"HOOKSTACK_REQUEST_TIMEOUT_MS", "2001"},
    {"HOOKSTACK_KEEPALIVE_TIMEOUT_MS", "2002"},
    {"HOOKSTACK_HEADERS_TIMEOUT_MS", "2003"},
    {"HOOKSTACK_PROCESSING_INTERVAL_MS", "2004"},
    {"HOOKSTACK_HOOK_TIMEOUT_MS", "2005"},
    {"HOOKSTACK_HOOK_TIMEOUT", "fnA=3001,fnB=3002"},
    {"HOOKSTACK_WORKER_MEMORY_MB", "4001"},
    {"HOOKSTACK_WORKER_RECYCLE_MB", "4002"},
    {"HOOKSTACK_SHUTDOWN_TIMEOUT_MS", "4003"},
    {"HOOKSTACK_MAX_BUFFERED_MB", "4004"},
    {"HOOKSTACK_MAX_RESPONSE_BYTES", "4005"},
    {"HOOKSTACK_MAX_CONNECTIONS", "4006"},
    {"HOOKSTACK_MODULE_LOAD_TIMEOUT_MS", "4007"},
    {"HOOKSTACK_LOG_LEVEL", "warn"},
    {"HOOKSTACK_TLS_CERT", "c.pem"},
    {"HOOKSTACK_TLS_KEY", "k.pem"},
    {"HOOKSTACK_METRICS_LISTEN", "[::1]:9101"},
};

static const char every_key[] =
    "{\"host\": \"10.1.2.3\", \"port\": 4321, \"modules\": [\"m1\", \"m2\"], \"workers\": 7,\n"
    " \"systemTokenFile\": \"" SYS_TOKENS "\", \"apiTokenFile\": \"" API_TOKENS "\",\n"
    " \"noDiy\": true, \"maxBodyBytes\": 1001, \"queueLimit\": 1002,\n"
    " \"requestTimeoutMs\": 2001, \"keepaliveTimeoutMs\": 2002, \"headersTimeoutMs\": 2003,\n"
    " \"processingIntervalMs\": 2004, \"hookTimeoutMs\": 2005,\n"
    " \"hookTimeout\": [\"fnA=3001\", \"fnB=3002\"], \"workerMemoryMb\": 4001,\n"
    " \"workerRecycleMb\": 4002, \"shutdownTimeoutMs\": 4003, \"maxBufferedMb\": 4004,\n"
    " \"maxResponseBytes\": 4005, \"maxConnections\": 4006, \"moduleLoadTimeoutMs\": 4007,\n"
    " \"logLevel\": \"warn\", \"tlsCert\": \"c.pem\", \"tlsKey\": \"k.pem\",\n"
    " \"metricsListen\": \"[::1]:9101\"}\n";

/* What --print-config shows for all of the above; %s: the config file or null. */
static const char every_printed[] =
    "{\"config\":%s,\"host\":\"10.1.2.3\",\"port\":4321,\"modules\":[\"m1\",\"m2\"],"
    "\"workers\":7,\"noDiy\":true,\"maxBodyBytes\":1001,\"queueLimit\":1002,"
    "\"requestTimeoutMs\":2001,\"keepaliveTimeoutMs\":2002,\"headersTimeoutMs\":2003,"
    "\"processingIntervalMs\":2004,\"hookTimeoutMs\":2005,"
    "\"hookTimeout\":[\"fnA=3001\",\"fnB=3002\"],\"workerMemoryMb\":4001,"
    "\"workerRecycleMb\":4002,\"shutdownTimeoutMs\":4003,\"maxBufferedMb\":4004,"
    "\"maxResponseBytes\":4005,\"maxConnections\":4006,\"moduleLoadTimeoutMs\":4007,"
    "\"logLevel\":\"warn\",\"tlsCert\":\"c.pem\",\"tlsKey\":\"k.pem\","
    "\"metricsListen\":\"[::1]:9101\",\"systemTokenFile\":\"" SYS_TOKENS "\","
    "\"systemTokens\":[\"******\",\"******\"],\"developmentToken\":false,"
    "\"apiTokenFile\":\"" API_TOKENS "\",\"apiTokens\":[\"******\"]}\n";

static void check_every_option(const char *const *args, const char *config_json)
{
    struct serve_config c;
    char err[512], want[2048];
    assert_int_equal(parse_argv(&c, args, err, sizeof(err)), ERR_OK);
    assert_int_equal(config_load_tokens(&c, err, sizeof(err)), ERR_OK);
    char *text = print_config(&c);
    snprintf(want, sizeof(want), every_printed, config_json);
    assert_string_equal(text, want);
    free(text);
    config_free(&c);
}

static void test_every_option_in_every_form(void **state)
{
    (void)state;
    clear_env();
    write_file(SYS_TOKENS, "s-one\ns-two\n");
    write_file(API_TOKENS, "a-one\n");
    /* Flags. */
    check_every_option(every_flag, "null");
    /* Variables. */
    for (size_t i = 0; i < sizeof(every_env_value) / sizeof(every_env_value[0]); i++)
        setenv(every_env_value[i][0], every_env_value[i][1], 1);
    check_every_option(NULL, "null");
    clear_env();
    /* The config file, named by the flag and by HOOKSTACK_CONFIG. */
    char path[] = "/tmp/hs-config-forms-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_file(path, every_key);
    char quoted[64];
    snprintf(quoted, sizeof(quoted), "\"%s\"", path);
    const char *with_config[] = {"--config", path, NULL};
    check_every_option(with_config, quoted);
    setenv("HOOKSTACK_CONFIG", path, 1);
    check_every_option(NULL, quoted);
    clear_env();
    unlink(path);
    unlink(SYS_TOKENS);
    unlink(API_TOKENS);
}

/* --max-queue is the old name of --queue-limit, in all three forms. */
static void test_queue_alias(void **state)
{
    (void)state;
    clear_env();
    struct serve_config c;
    char err[512];
    const char *flag[] = {"--max-queue", "33", NULL};
    assert_int_equal(parse_argv(&c, flag, err, sizeof(err)), ERR_OK);
    assert_int_equal(c.max_queue, 33);
    config_free(&c);
    setenv("HOOKSTACK_MAX_QUEUE", "34", 1);
    assert_int_equal(parse_argv(&c, NULL, err, sizeof(err)), ERR_OK);
    assert_int_equal(c.max_queue, 34);
    config_free(&c);
    /* Both variables: the new name wins. */
    setenv("HOOKSTACK_QUEUE_LIMIT", "36", 1);
    assert_int_equal(parse_argv(&c, NULL, err, sizeof(err)), ERR_OK);
    assert_int_equal(c.max_queue, 36);
    config_free(&c);
    clear_env();
    char path[] = "/tmp/hs-config-forms-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_file(path, "{\"maxQueue\": 35}");
    const char *file[] = {"--config", path, NULL};
    assert_int_equal(parse_argv(&c, file, err, sizeof(err)), ERR_OK);
    assert_int_equal(c.max_queue, 35);
    config_free(&c);
    unlink(path);
}

/* ---- defaults ----------------------------------------------------------------------------- */

static void test_defaults_of_every_option(void **state)
{
    (void)state;
    clear_env();
    struct serve_config c;
    char err[512];
    assert_int_equal(parse_argv(&c, NULL, err, sizeof(err)), ERR_OK);
    assert_string_equal(c.host, "127.0.0.1");
    assert_int_equal(c.port, 8080);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    assert_int_equal(c.workers, cores > 256 ? 256 : cores);
    assert_null(c.token_file);
    assert_null(c.api_token_file);
    assert_null(c.tls_cert);
    assert_null(c.tls_key);
    assert_null(c.config_file);
    assert_false(c.no_diy);
    assert_false(c.print_config);
    assert_int_equal(c.max_body_bytes, 52428800);
    assert_int_equal(c.max_queue, 1024);
    assert_int_equal(c.request_timeout_ms, 315000);
    assert_int_equal(c.keepalive_timeout_ms, 301000);
    assert_int_equal(c.headers_timeout_ms, 305000);
    assert_int_equal(c.processing_interval_ms, 270000);
    assert_int_equal(c.hook_timeout_ms, 585000);
    assert_int_equal(c.nhook_timeouts, 0);
    assert_int_equal(c.worker_memory_mb, 2048);
    assert_int_equal(c.worker_recycle_mb, 1536);
    assert_int_equal(c.shutdown_timeout_ms, 590000);
    assert_int_equal(c.max_buffered_mb, 8);
    assert_int_equal(c.max_response_bytes, 52428800);
    assert_int_equal(c.max_connections, 0);
    assert_int_equal(c.module_load_timeout_ms, 10000);
    assert_int_equal(c.max_header_bytes, 65536);
    assert_int_equal(c.max_headers, 100);
    assert_int_equal(c.metrics_port, -1);
    assert_int_equal(c.nmodule_dirs, 1);
    config_free(&c);
    /* The derived defaults follow what they derive from; a longer per-function deadline moves
     * the drain's. */
    const char *args[] = {"--worker-memory-mb",
                          "1000",
                          "--hook-timeout",
                          "slow=900000",
                          "--request-timeout-ms",
                          "1000",
                          NULL};
    assert_int_equal(parse_argv(&c, args, err, sizeof(err)), ERR_OK);
    assert_int_equal(c.worker_recycle_mb, 750);
    assert_int_equal(c.hook_timeout_ms, 271000);
    assert_int_equal(c.shutdown_timeout_ms, 905000);
    config_free(&c);
}

/* ---- error lines -------------------------------------------------------------------------- */

struct bad_case {
    const char *arg1, *arg2; /* argv after "serve" (arg2 may be NULL) */
    int rc;
    const char *err;
};

static const struct bad_case bad_flags[] = {
    {"--host=", NULL, ERR_USAGE, "--host: invalid address ''"},
    {"--port", "x", ERR_USAGE, "--port: 'x' is not a port number (0-65535)"},
    {"--port", "65536", ERR_USAGE, "--port: '65536' is not a port number (0-65535)"},
    {"--modules=", NULL, ERR_USAGE, "--modules: empty folder name"},
    {"--workers", "0", ERR_USAGE, "--workers: '0' is not a number from 1 to 256"},
    {"--workers", "257", ERR_USAGE, "--workers: '257' is not a number from 1 to 256"},
    {"--system-token-file=", NULL, ERR_USAGE, "--system-token-file: empty file name"},
    {"--api-token-file=", NULL, ERR_USAGE, "--api-token-file: empty file name"},
    {"--no-diy=maybe", NULL, ERR_USAGE, "--no-diy: 'maybe' is not true or false"},
    {"--max-body-bytes", "1073741825", ERR_USAGE,
     "--max-body-bytes: '1073741825' is not a number from 0 to 1073741824"},
    {"--max-queue", "1000001", ERR_USAGE,
     "--max-queue: '1000001' is not a number from 0 to 1000000"},
    {"--queue-limit", "-1", ERR_USAGE, "--queue-limit: '-1' is not a number from 0 to 1000000"},
    {"--request-timeout-ms", "0", ERR_USAGE, "--request-timeout-ms: must be at least 1"},
    {"--keepalive-timeout-ms", "1e3", ERR_USAGE,
     "--keepalive-timeout-ms: '1e3' is not a number from 0 to 1099511627776"},
    {"--headers-timeout-ms", "0", ERR_USAGE, "--headers-timeout-ms: must be at least 1"},
    {"--processing-interval-ms", "", ERR_USAGE,
     "--processing-interval-ms: '' is not a number from 0 to 1099511627776"},
    {"--hook-timeout-ms", "1099511627777", ERR_USAGE,
     "--hook-timeout-ms: '1099511627777' is not a number from 0 to 1099511627776"},
    {"--hook-timeout", "fn", ERR_USAGE,
     "--hook-timeout: 'fn' is not FUNCTION=MS (MS from 1 to 1099511627776)"},
    {"--hook-timeout", "fn=0", ERR_USAGE,
     "--hook-timeout: 'fn=0' is not FUNCTION=MS (MS from 1 to 1099511627776)"},
    {"--hook-timeout", "=5", ERR_USAGE,
     "--hook-timeout: '=5' is not FUNCTION=MS (MS from 1 to 1099511627776)"},
    {"--worker-memory-mb", "16777217", ERR_USAGE,
     "--worker-memory-mb: '16777217' is not a number from 0 to 16777216"},
    {"--worker-recycle-mb", "x", ERR_USAGE,
     "--worker-recycle-mb: 'x' is not a number from 0 to 16777216"},
    {"--shutdown-timeout-ms", "0", ERR_USAGE, "--shutdown-timeout-ms: must be at least 1"},
    {"--max-buffered-mb", "1048577", ERR_USAGE,
     "--max-buffered-mb: '1048577' is not a number from 0 to 1048576"},
    {"--max-response-bytes", "+5", ERR_USAGE,
     "--max-response-bytes: '+5' is not a number from 0 to 1073741824"},
    {"--max-connections", "16777217", ERR_USAGE,
     "--max-connections: '16777217' is not a number from 0 to 16777216"},
    {"--module-load-timeout-ms", "0", ERR_USAGE, "--module-load-timeout-ms: must be at least 1"},
    {"--log-level", "INFO", ERR_USAGE, "--log-level: 'INFO' is not debug, info, warn or error"},
    {"--tls-cert=", NULL, ERR_USAGE, "--tls-cert: empty file name"},
    {"--tls-key=", NULL, ERR_USAGE, "--tls-key: empty file name"},
    {"--tls-key", "k.pem", ERR_USAGE,
     "--tls-key is set but not --tls-cert: a TLS certificate needs its key"},
    {"--metrics-listen", "9100", ERR_USAGE, "--metrics-listen: '9100' is not HOST:PORT"},
    {"--metrics-listen", ":9100", ERR_USAGE, "--metrics-listen: ':9100' is not HOST:PORT"},
    {"--metrics-listen", "h:70000", ERR_USAGE, "--metrics-listen: 'h:70000' is not HOST:PORT"},
    {"--port", NULL, ERR_USAGE, "option --port needs a value"},
    {"--bogus=1", NULL, ERR_USAGE, "unknown option '--bogus=1' (see hookstack serve --help)"},
    {"systemTokens", NULL, ERR_USAGE, "unknown option 'systemTokens' (see hookstack serve --help)"},
    {"--config=", NULL, ERR_USAGE, "--config: empty file name"},
    {"--config", "/nonexistent/serve.json", ERR_CONFIG,
     "cannot read config file /nonexistent/serve.json: No such file or directory"},
};

static void test_error_line_of_every_flag(void **state)
{
    (void)state;
    clear_env();
    for (size_t i = 0; i < sizeof(bad_flags) / sizeof(bad_flags[0]); i++) {
        const struct bad_case *b = &bad_flags[i];
        const char *args[] = {b->arg1, b->arg2, NULL};
        struct serve_config c;
        char err[512];
        int rc = parse_argv(&c, args, err, sizeof(err));
        if (rc != b->rc || strcmp(err, b->err) != 0)
            fail_msg("%s %s: got %d '%s', want %d '%s'", b->arg1, b->arg2 ? b->arg2 : "", rc, err,
                     b->rc, b->err);
        config_free(&c);
    }
}

static const char *const bad_env[][3] = {
    {"HOOKSTACK_HOST", "", "HOOKSTACK_HOST: invalid address ''"},
    {"HOOKSTACK_PORT", "http", "HOOKSTACK_PORT: 'http' is not a port number (0-65535)"},
    {"HOOKSTACK_MODULES", "a:b:c:d:e:f:g:h:i:j:k:l:m:n:o:p:q:r:s:t:u:v:w:x:y:z:1:2:3:4:5:6:7",
     "HOOKSTACK_MODULES: at most 32 folders"},
    {"HOOKSTACK_WORKERS", "0", "HOOKSTACK_WORKERS: '0' is not a number from 1 to 256"},
    {"HOOKSTACK_SYSTEM_TOKEN_FILE", "", "HOOKSTACK_SYSTEM_TOKEN_FILE: empty file name"},
    {"HOOKSTACK_NO_DIY", "2", "HOOKSTACK_NO_DIY: '2' is not true or false"},
    {"HOOKSTACK_MAX_QUEUE", "x", "HOOKSTACK_MAX_QUEUE: 'x' is not a number from 0 to 1000000"},
    {"HOOKSTACK_REQUEST_TIMEOUT_MS", "0", "HOOKSTACK_REQUEST_TIMEOUT_MS: must be at least 1"},
    {"HOOKSTACK_HOOK_TIMEOUT", "a=1,b",
     "HOOKSTACK_HOOK_TIMEOUT: 'b' is not FUNCTION=MS (MS from 1 to 1099511627776)"},
    {"HOOKSTACK_LOG_LEVEL", "trace",
     "HOOKSTACK_LOG_LEVEL: 'trace' is not debug, info, warn or error"},
    {"HOOKSTACK_TLS_CERT", "c.pem",
     "--tls-cert is set but not --tls-key: a TLS certificate needs its key"},
    {"HOOKSTACK_METRICS_LISTEN", "[]:1", "HOOKSTACK_METRICS_LISTEN: '[]:1' is not HOST:PORT"},
    {"HOOKSTACK_CONFIG", "/nonexistent/serve.json",
     "cannot read config file /nonexistent/serve.json: No such file or directory"},
};

static void test_error_line_of_variables(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_env) / sizeof(bad_env[0]); i++) {
        clear_env();
        setenv(bad_env[i][0], bad_env[i][1], 1);
        struct serve_config c;
        char err[512];
        int rc = parse_argv(&c, NULL, err, sizeof(err));
        int want = strcmp(bad_env[i][0], "HOOKSTACK_CONFIG") == 0 ? ERR_CONFIG : ERR_USAGE;
        if (rc != want || strcmp(err, bad_env[i][2]) != 0)
            fail_msg("%s=%s: got %d '%s', want %d '%s'", bad_env[i][0], bad_env[i][1], rc, err,
                     want, bad_env[i][2]);
        config_free(&c);
    }
    clear_env();
}

/* The file's text, the code and the error after "PATH:" (%s: nothing, the line names the file). */
static const struct {
    const char *text;
    int rc;
    const char *err;
} bad_files[] = {
    {"{\"port\": true}", ERR_USAGE, "1:2: key \"port\": expected a number"},
    {"{\"workers\": [1]}", ERR_USAGE, "1:2: key \"workers\": expected a number"},
    {"{\"maxBodyBytes\": {}}", ERR_USAGE, "1:2: key \"maxBodyBytes\": expected a number"},
    {"{\"requestTimeoutMs\": 1.5}", ERR_USAGE,
     "1:2: key \"requestTimeoutMs\": '1.5' is not a number from 0 to 1099511627776"},
    {"{\"noDiy\": 1}", ERR_USAGE, "1:2: key \"noDiy\": expected true or false"},
    {"{\"host\": \"\"}", ERR_USAGE, "1:2: key \"host\": invalid address ''"},
    {"{\"port\": \"81\", \"workers\": \"x\"}", ERR_USAGE,
     "1:16: key \"workers\": 'x' is not a number from 1 to 256"},
    {"{\"tlsCert\": false}", ERR_USAGE, "1:2: key \"tlsCert\": expected a string"},
    {"{\"logLevel\": [\"info\"]}", ERR_USAGE, "1:2: key \"logLevel\": expected a string"},
    {"{\"modules\": {}}", ERR_USAGE,
     "1:2: key \"modules\": expected a string or an array of strings"},
    {"{\"modules\": [\"a\", null]}", ERR_USAGE, "1:2: key \"modules\": item 1 is not a string"},
    {"{\"hookTimeout\": {\"a\": 1}}", ERR_USAGE,
     "1:2: key \"hookTimeout\": expected a string or an array of strings"},
    {"{\"systemTokens\": true}", ERR_USAGE,
     "1:2: key \"systemTokens\": expected a string or an array of strings"},
    {"{\"config\": \"x\"}", ERR_USAGE,
     "1:2: key \"config\": unknown key (see hookstack serve --help)"},
    {"{\"print-config\": true}", ERR_USAGE,
     "1:2: key \"print-config\": unknown key (see hookstack serve --help)"},
    {"{\"port\": 1,\n \"port\": \"x\"}", ERR_USAGE,
     "2:2: key \"port\": 'x' is not a port number (0-65535)"},
    {"", ERR_CONFIG, "1:1: unexpected end of input"},
    {"\"x\"", ERR_CONFIG, "1:1: the config must be a JSON object"},
};

static void test_error_line_of_file_keys(void **state)
{
    (void)state;
    clear_env();
    char path[] = "/tmp/hs-config-forms-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
        write_file(path, bad_files[i].text);
        const char *args[] = {"--config", path, NULL};
        struct serve_config c;
        char err[512], want[600];
        snprintf(want, sizeof(want), "%s:%s", path, bad_files[i].err);
        int rc = parse_argv(&c, args, err, sizeof(err));
        if (rc != bad_files[i].rc || strcmp(err, want) != 0)
            fail_msg("%s: got %d '%s', want %d '%s'", bad_files[i].text, rc, err, bad_files[i].rc,
                     want);
        config_free(&c);
    }
    unlink(path);
}

/* ---- --help ------------------------------------------------------------------------------- */

/* The usage entry of flag: from its line to the next line starting with "  -", with every run of
 * spaces and newlines made one space (malloc'd), or NULL. */
static char *usage_entry(const char *usage, const char *flag)
{
    char at[64];
    snprintf(at, sizeof(at), "\n  %s ", flag);
    const char *s = strstr(usage, at);
    if (s == NULL) {
        snprintf(at, sizeof(at), ", %s ", flag); /* "-h, --help" */
        s = strstr(usage, at);
    }
    if (s == NULL)
        return NULL;
    s++;
    const char *e = strstr(s + 1, "\n  -");
    if (e == NULL)
        e = strstr(s, "\n\n");
    if (e == NULL)
        e = s + strlen(s);
    char *out = malloc((size_t)(e - s) + 1);
    size_t n = 0;
    for (const char *p = s; p < e; p++) {
        bool space = *p == ' ' || *p == '\n';
        if (space && (n == 0 || out[n - 1] == ' '))
            continue;
        out[n++] = space ? ' ' : *p;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return out;
}

/* Each flag and what its entry must say (its default). */
static const char *const usage_wants[][2] = {
    {"--config", "HOOKSTACK_CONFIG"},
    {"--print-config", "tokens masked"},
    {"--host", "default 127.0.0.1"},
    {"--port", "default 8080"},
    {"--modules", "'modules' folder beside the binary"},
    {"--workers", "number of cores"},
    {"--system-token-file", "development token"},
    {"--api-token-file", "401"},
    {"--no-diy", "DIY"},
    {"--max-body-bytes", "default 52428800"},
    {"--max-response-bytes", "default 52428800"},
    {"--queue-limit", "default 1024"},
    {"--max-buffered-mb", "default 8"},
    {"--max-connections", "file descriptor limit"},
    {"--request-timeout-ms", "default 315000"},
    {"--keepalive-timeout-ms", "default 301000"},
    {"--headers-timeout-ms", "default 305000"},
    {"--processing-interval-ms", "default 270000"},
    {"--hook-timeout-ms", "processing interval + request timeout"},
    {"--hook-timeout", "repeatable"},
    {"--worker-memory-mb", "default 2048"},
    {"--worker-recycle-mb", "3/4 of --worker-memory-mb"},
    {"--shutdown-timeout-ms", "longest hook deadline + 5000"},
    {"--module-load-timeout-ms", "default 10000"},
    {"--log-level", "info"},
    {"--tls-cert", "--tls-key"},
    {"--tls-key", "private key"},
    {"--metrics-listen", "HOST:PORT"},
    {"--help", "-h"},
};

static void test_usage_names_every_option(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    assert_non_null(mem);
    config_usage(mem);
    fclose(mem);
    assert_true(strncmp(text, "usage: hookstack serve [OPTIONS]\n", 33) == 0);
    for (size_t i = 0; i < sizeof(usage_wants) / sizeof(usage_wants[0]); i++) {
        char *e = usage_entry(text, usage_wants[i][0]);
        if (e == NULL)
            fail_msg("--help does not list %s:\n%s", usage_wants[i][0], text);
        if (strstr(e, usage_wants[i][1]) == NULL)
            fail_msg("--help on %s does not say '%s': %s", usage_wants[i][0], usage_wants[i][1], e);
        free(e);
    }
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_option_in_every_form),
        cmocka_unit_test(test_queue_alias),
        cmocka_unit_test(test_defaults_of_every_option),
        cmocka_unit_test(test_error_line_of_every_flag),
        cmocka_unit_test(test_error_line_of_variables),
        cmocka_unit_test(test_error_line_of_file_keys),
        cmocka_unit_test(test_usage_names_every_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
