/* config.c — `hookstack serve` options: flags, HOOKSTACK_* variables, the JSON config file,
 * defaults, system and API tokens, and --print-config (see config.h). One table names every
 * option in its three forms; one function checks a value whatever its source. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <unistd.h>

#include "arena.h"
#include "json.h"
#include "log.h"

void config_defaults(struct serve_config *c)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->host, sizeof(c->host), "%s", "127.0.0.1");
    c->port = 8080;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    c->workers = n > 0 ? (int)(n > CONFIG_MAX_WORKERS ? CONFIG_MAX_WORKERS : n) : 1;
    c->max_body_bytes = 52428800;
    c->request_timeout_ms = 315000;
    c->keepalive_timeout_ms = 301000;
    c->headers_timeout_ms = 305000;
    c->processing_interval_ms = 270000;
    c->hook_timeout_ms = 0; /* derived in config_parse */
    c->max_queue = 1024;
    c->max_header_bytes = 65536;
    c->max_headers = 100;
    c->log_level = LOG_LEVEL_INFO;
    c->metrics_port = -1;
    c->worker_memory_mb = 2048;
    c->max_buffered_mb = 8;
    c->max_response_bytes = 52428800;
    c->module_load_timeout_ms = 10000;
}

void config_usage(void *file)
{
    FILE *f = file;
    fprintf(f,
            "usage: hookstack serve [OPTIONS]\n"
            "\n"
            "Runs the HTTP server integrator.io calls (POST /function), with hooks in worker "
            "processes.\n"
            "\n"
            "options (each also as an environment variable, HOOKSTACK_ and the name in capitals\n"
            "with '_' for '-', e.g. HOOKSTACK_MAX_BODY_BYTES, and as a key of the --config file\n"
            "in camelCase, e.g. \"maxBodyBytes\"; flags win over the environment, which wins over\n"
            "the file):\n"
            "  --config FILE               JSON config file (or HOOKSTACK_CONFIG)\n"
            "  --print-config              print the effective configuration as JSON (tokens\n"
            "                              masked) and exit\n"
            "  --host ADDR                 address to listen on (default 127.0.0.1)\n"
            "  --port N                    port (default 8080; 0 picks a free port)\n"
            "  --modules DIR               load every *.so of DIR (repeatable; HOOKSTACK_MODULES\n"
            "                              takes DIR:DIR...; default: the 'modules' folder beside\n"
            "                              the binary)\n"
            "  --workers N                 worker processes (default: number of cores)\n"
            "  --system-token-file FILE    system tokens, one per line (else\n"
            "                              HOOKSTACK_SYSTEM_TOKEN, comma-separated, else the\n"
            "                              file's \"systemTokens\"; else a development token is\n"
            "                              generated and printed once)\n"
            "  --api-token-file FILE       API tokens of POST /v1/hooks/{function}, one per line\n"
            "                              (else HOOKSTACK_API_TOKEN, comma-separated, else the\n"
            "                              file's \"apiTokens\"; none: that route answers 401)\n"
            "  --no-diy                    serve no DIY scope\n"
            "  --max-body-bytes N          request body limit (default 52428800)\n"
            "  --max-response-bytes N      answer body limit: a call whose answer is larger\n"
            "                              gets 500 response_too_large (default 52428800)\n"
            "  --queue-limit N             invocations waiting for a worker before 503 with\n"
            "                              Retry-After (default 1024; alias --max-queue)\n"
            "  --max-buffered-mb N         request body memory for requests not yet given to a\n"
            "                              worker; past it bodies are read in fair shares and\n"
            "                              wait in their sockets (default 8; 0: no cap)\n"
            "  --max-connections N         client connections served at once; past it a new one\n"
            "                              is answered 503 and closed (default: the file\n"
            "                              descriptor limit less some for workers and logs)\n"
            "  --request-timeout-ms N      a request must arrive whole within N ms (default "
            "315000)\n"
            "  --keepalive-timeout-ms N    idle keep-alive connections close after N ms (default "
            "301000)\n"
            "  --headers-timeout-ms N      the header block (and a TLS handshake) must arrive "
            "within\n"
            "                              N ms (default 305000)\n"
            "  --processing-interval-ms N  send one '102 Processing' after N ms (default 270000)\n"
            "  --hook-timeout-ms N         kill a worker whose call runs longer and answer 504\n"
            "                              (default: processing interval + request timeout)\n"
            "  --hook-timeout FUNCTION=MS  that function's own deadline (repeatable; the\n"
            "                              variable takes FN=MS,FN=MS; the file an array)\n"
            "  --worker-memory-mb N        kill a worker whose resident memory passes N MB during\n"
            "                              a call, answer 500 hook_memory_exceeded (default 2048;\n"
            "                              0: no limit)\n"
            "  --worker-recycle-mb N       replace a worker whose resident memory is past N MB\n"
            "                              after a call (default 3/4 of --worker-memory-mb; 0:\n"
            "                              never)\n"
            "  --shutdown-timeout-ms N     a drain answers what is still running 503 after N ms\n"
            "                              and exits (default: the longest hook deadline + 5000)\n"
            "  --module-load-timeout-ms N  loading the modules (constructors, checks, every\n"
            "                              init) must finish within N ms: in the check of a set\n"
            "                              at start and on SIGHUP, and in each new worker\n"
            "                              (default 10000)\n"
            "  --log-level LEVEL           debug, info (default: one line per request), warn,\n"
            "                              error\n"
            "  --tls-cert FILE             serve HTTPS with this PEM certificate chain (leaf\n"
            "                              first); needs --tls-key. TLS 1.2 only: Debian 12's\n"
            "                              mbedTLS 2.28 has no TLS 1.3. ECDHE with AES-GCM or\n"
            "                              ChaCha20-Poly1305, ALPN http/1.1, session tickets.\n"
            "                              SIGHUP reloads the certificate and key.\n"
            "  --tls-key FILE              the PEM private key of --tls-cert\n"
            "  --metrics-listen HOST:PORT  serve GET /metrics (Prometheus) only on this address,\n"
            "                              without a token; unset: /metrics on the main port,\n"
            "                              with the system token\n"
            "  -h, --help                  show this help\n"
            "\n"
            "Prints 'listening on HOST:PORT' once it accepts connections. SIGTERM or SIGINT\n"
            "stops accepting, finishes every accepted request and exits 0 (a second one exits\n"
            "at once with status 1). SIGHUP reloads the modules: new calls go to new workers,\n"
            "running ones finish on the old set; a set that fails its check (loaded in a child\n"
            "process first, the server never runs module code itself) is refused.\n"
            "GET /openConnections and GET /stopServer need the system token, like POST\n"
            "/function.\n");
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (s == NULL || *s == '\0' || *s == '-' || *s == '+')
        return -1;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v > max)
        return -1;
    *out = v;
    return 0;
}

/* The default module folder: <folder of the binary>/modules (modules-asan for the ASan build). */
static char *default_module_dir(void)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return strdup("modules");
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    const char *base = slash ? slash + 1 : exe;
    size_t blen = strlen(base);
    const char *sub =
        (blen > 5 && strcmp(base + blen - 5, "-asan") == 0) ? "modules-asan" : "modules";
    if (slash != NULL)
        *slash = '\0';
    size_t need = strlen(exe) + 1 + strlen(sub) + 1;
    char *out = malloc(need);
    if (out != NULL)
        snprintf(out, need, "%s/%s", slash ? exe : ".", sub);
    return out;
}

/* ---- the options, in their three forms ---------------------------------------------------- */

enum opt_type {
    OPT_HOST,
    OPT_PORT,
    OPT_DIRS,
    OPT_WORKERS,
    OPT_PATH,
    OPT_BOOL,
    OPT_NUM, /* bytes or counts */
    OPT_MS,  /* milliseconds, at least 1 */
    OPT_LEVEL,
    OPT_LISTEN,
    OPT_TOKENS, /* config file only: a secret never goes on a command line */
    OPT_FN_MS,  /* FUNCTION=MS, repeatable */
};

enum opt_id {
    O_HOST = 0,
    O_PORT,
    O_MODULES,
    O_WORKERS,
    O_SYSTEM_TOKEN_FILE,
    O_API_TOKEN_FILE,
    O_NO_DIY,
    O_MAX_BODY_BYTES,
    O_MAX_QUEUE,
    O_REQUEST_TIMEOUT,
    O_KEEPALIVE_TIMEOUT,
    O_HEADERS_TIMEOUT,
    O_PROCESSING_INTERVAL,
    O_HOOK_TIMEOUT,
    O_LOG_LEVEL,
    O_TLS_CERT,
    O_TLS_KEY,
    O_METRICS_LISTEN,
    O_SYSTEM_TOKENS,
    O_API_TOKENS,
    O_QUEUE_LIMIT,
    O_HOOK_TIMEOUT_FN,
    O_WORKER_MEMORY,
    O_WORKER_RECYCLE,
    O_SHUTDOWN_TIMEOUT,
    O_MAX_BUFFERED,
    O_MAX_RESPONSE_BYTES,
    O_MAX_CONNECTIONS,
    O_MODULE_LOAD_TIMEOUT,
    O_COUNT
};

/* Levels, by precedence. */
enum { LVL_NONE = 0, LVL_FILE = 1, LVL_ENV = 2, LVL_FLAG = 3 };

static const struct opt_def {
    const char *flag; /* NULL: no flag */
    const char *env;  /* NULL: no variable (tokens are read by config_load_tokens) */
    const char *key;  /* in the config file */
    enum opt_type type;
    uint64_t max;
} opts[O_COUNT] = {
    [O_HOST] = {"--host", "HOOKSTACK_HOST", "host", OPT_HOST, 0},
    [O_PORT] = {"--port", "HOOKSTACK_PORT", "port", OPT_PORT, 65535},
    [O_MODULES] = {"--modules", "HOOKSTACK_MODULES", "modules", OPT_DIRS, 0},
    [O_WORKERS] = {"--workers", "HOOKSTACK_WORKERS", "workers", OPT_WORKERS, CONFIG_MAX_WORKERS},
    [O_SYSTEM_TOKEN_FILE] = {"--system-token-file", "HOOKSTACK_SYSTEM_TOKEN_FILE",
                             "systemTokenFile", OPT_PATH, 0},
    [O_API_TOKEN_FILE] = {"--api-token-file", "HOOKSTACK_API_TOKEN_FILE", "apiTokenFile", OPT_PATH,
                          0},
    [O_NO_DIY] = {"--no-diy", "HOOKSTACK_NO_DIY", "noDiy", OPT_BOOL, 0},
    /* A body travels to a worker in one frame (ipc.h): at most 1 GiB. */
    [O_MAX_BODY_BYTES] = {"--max-body-bytes", "HOOKSTACK_MAX_BODY_BYTES", "maxBodyBytes", OPT_NUM,
                          (uint64_t)1 << 30},
    [O_MAX_QUEUE] = {"--max-queue", "HOOKSTACK_MAX_QUEUE", "maxQueue", OPT_NUM, 1000000},
    [O_REQUEST_TIMEOUT] = {"--request-timeout-ms", "HOOKSTACK_REQUEST_TIMEOUT_MS",
                           "requestTimeoutMs", OPT_MS, (uint64_t)1 << 40},
    [O_KEEPALIVE_TIMEOUT] = {"--keepalive-timeout-ms", "HOOKSTACK_KEEPALIVE_TIMEOUT_MS",
                             "keepaliveTimeoutMs", OPT_MS, (uint64_t)1 << 40},
    [O_HEADERS_TIMEOUT] = {"--headers-timeout-ms", "HOOKSTACK_HEADERS_TIMEOUT_MS",
                           "headersTimeoutMs", OPT_MS, (uint64_t)1 << 40},
    [O_PROCESSING_INTERVAL] = {"--processing-interval-ms", "HOOKSTACK_PROCESSING_INTERVAL_MS",
                               "processingIntervalMs", OPT_MS, (uint64_t)1 << 40},
    [O_HOOK_TIMEOUT] = {"--hook-timeout-ms", "HOOKSTACK_HOOK_TIMEOUT_MS", "hookTimeoutMs", OPT_MS,
                        (uint64_t)1 << 40},
    [O_LOG_LEVEL] = {"--log-level", "HOOKSTACK_LOG_LEVEL", "logLevel", OPT_LEVEL, 0},
    [O_TLS_CERT] = {"--tls-cert", "HOOKSTACK_TLS_CERT", "tlsCert", OPT_PATH, 0},
    [O_TLS_KEY] = {"--tls-key", "HOOKSTACK_TLS_KEY", "tlsKey", OPT_PATH, 0},
    [O_METRICS_LISTEN] = {"--metrics-listen", "HOOKSTACK_METRICS_LISTEN", "metricsListen",
                          OPT_LISTEN, 0},
    [O_SYSTEM_TOKENS] = {NULL, NULL, "systemTokens", OPT_TOKENS, 0},
    [O_API_TOKENS] = {NULL, NULL, "apiTokens", OPT_TOKENS, 0},
    [O_QUEUE_LIMIT] = {"--queue-limit", "HOOKSTACK_QUEUE_LIMIT", "queueLimit", OPT_NUM, 1000000},
    [O_HOOK_TIMEOUT_FN] = {"--hook-timeout", "HOOKSTACK_HOOK_TIMEOUT", "hookTimeout", OPT_FN_MS,
                           (uint64_t)1 << 40},
    [O_WORKER_MEMORY] = {"--worker-memory-mb", "HOOKSTACK_WORKER_MEMORY_MB", "workerMemoryMb",
                         OPT_NUM, (uint64_t)1 << 24},
    [O_WORKER_RECYCLE] = {"--worker-recycle-mb", "HOOKSTACK_WORKER_RECYCLE_MB", "workerRecycleMb",
                          OPT_NUM, (uint64_t)1 << 24},
    [O_SHUTDOWN_TIMEOUT] = {"--shutdown-timeout-ms", "HOOKSTACK_SHUTDOWN_TIMEOUT_MS",
                            "shutdownTimeoutMs", OPT_MS, (uint64_t)1 << 40},
    [O_MAX_BUFFERED] = {"--max-buffered-mb", "HOOKSTACK_MAX_BUFFERED_MB", "maxBufferedMb", OPT_NUM,
                        (uint64_t)1 << 20},
    /* An answer travels back in one frame too (ipc.h). */
    [O_MAX_RESPONSE_BYTES] = {"--max-response-bytes", "HOOKSTACK_MAX_RESPONSE_BYTES",
                              "maxResponseBytes", OPT_NUM, (uint64_t)1 << 30},
    [O_MAX_CONNECTIONS] = {"--max-connections", "HOOKSTACK_MAX_CONNECTIONS", "maxConnections",
                           OPT_NUM, (uint64_t)1 << 24},
    [O_MODULE_LOAD_TIMEOUT] = {"--module-load-timeout-ms", "HOOKSTACK_MODULE_LOAD_TIMEOUT_MS",
                               "moduleLoadTimeoutMs", OPT_MS, (uint64_t)1 << 40},
};

static const char *const level_names[] = {"debug", "info", "warn", "error"};

static int add_token(char **arr, size_t *n, const char *what, const char *s, size_t len, char *err,
                     size_t errlen);

/* Replaces *slot with a copy of v. */
static int set_string(char **slot, const char *v, char *err, size_t errlen)
{
    char *d = strdup(v);
    if (d == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    free(*slot);
    *slot = d;
    return 0;
}

static char **opt_path_slot(struct serve_config *c, int id)
{
    switch (id) {
    case O_SYSTEM_TOKEN_FILE:
        return &c->token_file;
    case O_API_TOKEN_FILE:
        return &c->api_token_file;
    case O_TLS_CERT:
        return &c->tls_cert;
    default:
        return &c->tls_key;
    }
}

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on"}, *const no[] = {"0", "false", "no",
                                                                                "off", ""};
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strcasecmp(v, yes[i]) == 0)
            return *out = true, true;
    }
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
        if (strcasecmp(v, no[i]) == 0)
            return *out = false, true;
    }
    return false;
}

/* One FUNCTION=MS of --hook-timeout; replace: forget what lower levels gave first. */
static int opt_set_hook_timeout(struct serve_config *c, bool replace, const char *v,
                                const char *who, uint64_t max, char *err, size_t errlen)
{
    if (replace) {
        for (size_t i = 0; i < c->nhook_timeouts; i++)
            free(c->hook_timeouts[i].function);
        c->nhook_timeouts = 0;
    }
    const char *eq = strrchr(v, '=');
    uint64_t ms = 0;
    if (eq == NULL || eq == v || (size_t)(eq - v) > 256 || parse_u64(eq + 1, max, &ms) != 0 ||
        ms == 0) {
        snprintf(err, errlen, "%s: '%s' is not FUNCTION=MS (MS from 1 to %llu)", who, v,
                 (unsigned long long)max);
        return -1;
    }
    size_t nl = (size_t)(eq - v);
    size_t i = 0;
    while (i < c->nhook_timeouts && !(strlen(c->hook_timeouts[i].function) == nl &&
                                      memcmp(c->hook_timeouts[i].function, v, nl) == 0))
        i++;
    if (i == c->nhook_timeouts) {
        if (i >= CONFIG_MAX_HOOK_TIMEOUTS) {
            snprintf(err, errlen, "%s: at most %d functions", who, CONFIG_MAX_HOOK_TIMEOUTS);
            return -1;
        }
        char *name = strndup(v, nl);
        if (name == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        c->hook_timeouts[c->nhook_timeouts++].function = name;
    }
    c->hook_timeouts[i].ms = ms;
    return 0;
}

/* Applies one value of option id coming from who ("--port", "HOOKSTACK_PORT" or
 * "FILE:LINE:COLUMN: key \"port\"") at level lvl. Values of a list (modules, tokens) are applied
 * one at a time: the first one from a higher level replaces what lower levels gave. */
static int opt_set(struct serve_config *c, int *levels, int id, const char *v, const char *who,
                   int lvl, char *err, size_t errlen)
{
    const struct opt_def *o = &opts[id];
    bool replace = levels[id] < lvl;
    levels[id] = lvl;
    uint64_t n = 0;
    switch (o->type) {
    case OPT_HOST:
        if (*v == '\0' || strlen(v) >= sizeof(c->host)) {
            snprintf(err, errlen, "%s: invalid address '%s'", who, v);
            return -1;
        }
        snprintf(c->host, sizeof(c->host), "%s", v);
        return 0;
    case OPT_PORT:
        if (parse_u64(v, 65535, &n) != 0) {
            snprintf(err, errlen, "%s: '%s' is not a port number (0-65535)", who, v);
            return -1;
        }
        c->port = (int)n;
        return 0;
    case OPT_DIRS: {
        if (replace) {
            for (size_t i = 0; i < c->nmodule_dirs; i++)
                free((void *)c->module_dirs[i]);
            c->nmodule_dirs = 0;
        }
        if (*v == '\0') {
            snprintf(err, errlen, "%s: empty folder name", who);
            return -1;
        }
        if (c->nmodule_dirs >= CONFIG_MAX_MODULE_DIRS) {
            snprintf(err, errlen, "%s: at most %d folders", who, CONFIG_MAX_MODULE_DIRS);
            return -1;
        }
        char *d = strdup(v);
        if (d == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        c->module_dirs[c->nmodule_dirs++] = d;
        return 0;
    }
    case OPT_WORKERS:
        if (parse_u64(v, CONFIG_MAX_WORKERS, &n) != 0 || n == 0) {
            snprintf(err, errlen, "%s: '%s' is not a number from 1 to %d", who, v,
                     CONFIG_MAX_WORKERS);
            return -1;
        }
        c->workers = (int)n;
        return 0;
    case OPT_PATH:
        if (*v == '\0') {
            snprintf(err, errlen, "%s: empty file name", who);
            return -1;
        }
        if (id == O_SYSTEM_TOKEN_FILE)
            c->token_file_level = lvl;
        else if (id == O_API_TOKEN_FILE)
            c->api_token_file_level = lvl;
        return set_string(opt_path_slot(c, id), v, err, errlen);
    case OPT_BOOL: {
        bool b = false;
        if (!parse_bool(v, &b)) {
            snprintf(err, errlen, "%s: '%s' is not true or false", who, v);
            return -1;
        }
        c->no_diy = b;
        return 0;
    }
    case OPT_NUM:
    case OPT_MS:
        if (parse_u64(v, o->max, &n) != 0) {
            snprintf(err, errlen, "%s: '%s' is not a number from 0 to %llu", who, v,
                     (unsigned long long)o->max);
            return -1;
        }
        if (o->type == OPT_MS && n == 0) {
            snprintf(err, errlen, "%s: must be at least 1", who);
            return -1;
        }
        switch (id) {
        case O_MAX_BODY_BYTES:
            c->max_body_bytes = (size_t)n;
            break;
        case O_MAX_QUEUE:
        case O_QUEUE_LIMIT:
            c->max_queue = (size_t)n;
            break;
        case O_WORKER_MEMORY:
            c->worker_memory_mb = (size_t)n;
            break;
        case O_WORKER_RECYCLE:
            c->worker_recycle_mb = (size_t)n;
            break;
        case O_MAX_BUFFERED:
            c->max_buffered_mb = (size_t)n;
            break;
        case O_MAX_RESPONSE_BYTES:
            c->max_response_bytes = (size_t)n;
            break;
        case O_MAX_CONNECTIONS:
            c->max_connections = (size_t)n;
            break;
        case O_MODULE_LOAD_TIMEOUT:
            c->module_load_timeout_ms = n;
            break;
        case O_SHUTDOWN_TIMEOUT:
            c->shutdown_timeout_ms = n;
            break;
        case O_REQUEST_TIMEOUT:
            c->request_timeout_ms = n;
            break;
        case O_KEEPALIVE_TIMEOUT:
            c->keepalive_timeout_ms = n;
            break;
        case O_HEADERS_TIMEOUT:
            c->headers_timeout_ms = n;
            break;
        case O_PROCESSING_INTERVAL:
            c->processing_interval_ms = n;
            break;
        default:
            c->hook_timeout_ms = n;
            break;
        }
        return 0;
    case OPT_LEVEL: {
        int found = -1;
        for (int k = 0; k < 4; k++)
            found = strcmp(v, level_names[k]) == 0 ? k : found;
        if (found < 0) {
            snprintf(err, errlen, "%s: '%s' is not debug, info, warn or error", who, v);
            return -1;
        }
        c->log_level = found;
        return 0;
    }
    case OPT_LISTEN: {
        /* HOST:PORT, [V6]:PORT */
        const char *colon = strrchr(v, ':');
        const char *h = v;
        size_t hl = colon ? (size_t)(colon - v) : 0;
        if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']')
            h++, hl -= 2;
        if (colon == NULL || hl == 0 || hl >= sizeof(c->metrics_host) ||
            parse_u64(colon + 1, 65535, &n) != 0) {
            snprintf(err, errlen, "%s: '%s' is not HOST:PORT", who, v);
            return -1;
        }
        memcpy(c->metrics_host, h, hl);
        c->metrics_host[hl] = '\0';
        c->metrics_port = (int)n;
        return 0;
    }
    case OPT_FN_MS:
        return opt_set_hook_timeout(c, replace, v, who, o->max, err, errlen);
    case OPT_TOKENS:
        if (id == O_SYSTEM_TOKENS)
            return add_token(c->file_tokens, &c->nfile_tokens, "system", v, strlen(v), err, errlen);
        return add_token(c->file_api_tokens, &c->nfile_api_tokens, "API", v, strlen(v), err,
                         errlen);
    }
    return 0;
}

/* ---- the config file ---------------------------------------------------------------------- */

#define CONFIG_FILE_MAX (1u << 20)

/* Where each top-level key of a (valid) JSON object text starts: its line and column, for error
 * messages. Keys are matched by their raw bytes between the quotes; the last occurrence wins, as
 * it does for the value. Iterative: the depth of the text does not matter. */
static void file_key_position(const char *text, size_t len, const char *key, uint32_t *line,
                              uint32_t *col)
{
    size_t klen = strlen(key);
    uint32_t ln = 1, cl = 1, best_ln = 1, best_cl = 1;
    int depth = 0;
    bool expect_key = false;
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];
        if (ch == '"') {
            size_t start = i;
            uint32_t sl = ln, sc = cl;
            i++, cl++;
            while (i < len && text[i] != '"') {
                if (text[i] == '\\' && i + 1 < len)
                    i++, cl++;
                if (text[i] == '\n')
                    ln++, cl = 0;
                i++, cl++;
            }
            if (depth == 1 && expect_key && i - start - 1 == klen &&
                memcmp(text + start + 1, key, klen) == 0) {
                best_ln = sl;
                best_cl = sc;
            }
            expect_key = false;
        } else if (ch == '{' || ch == '[') {
            depth++;
            expect_key = ch == '{' && depth == 1;
        } else if (ch == '}' || ch == ']') {
            depth--;
        } else if (ch == ',' && depth == 1) {
            expect_key = true;
        }
        if (ch == '\n')
            ln++, cl = 0;
        cl++;
    }
    *line = best_ln;
    *col = best_cl;
}

/* The value of a file member as option text (numbers as JavaScript prints them). NULL when it
 * is not a string, number or boolean. */
static const char *file_scalar(const struct json_value *v, char num[JSON_NUMBER_MAX])
{
    switch (v->type) {
    case JSON_STRING:
        return strlen(v->u.str) == v->len ? v->u.str : NULL;
    case JSON_NUMBER:
        json_number_format(v->u.num, num);
        return num;
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    default:
        return NULL;
    }
}

static int config_file_apply(struct serve_config *c, int *levels, const char *path, char *err,
                             size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        snprintf(err, errlen, "cannot read config file %s: %s", path, strerror(errno));
        return CONFIG_E_LOAD;
    }
    char *text = malloc(CONFIG_FILE_MAX + 1);
    size_t len = text ? fread(text, 1, CONFIG_FILE_MAX + 1, fp) : 0;
    bool read_err = ferror(fp) != 0;
    fclose(fp);
    if (text == NULL || read_err || len > CONFIG_FILE_MAX) {
        snprintf(err, errlen, "cannot read config file %s: %s", path,
                 text == NULL ? "out of memory"
                 : read_err   ? "read error"
                              : "larger than 1 MiB");
        free(text);
        return CONFIG_E_LOAD;
    }
    struct arena *a = arena_new(16 * 1024, 64u * CONFIG_FILE_MAX);
    int rc = CONFIG_OK;
    struct json_error je;
    memset(&je, 0, sizeof(je));
    struct json_parse_opts po = {.require_container = false, .decode_utf8 = false, .max_depth = 64};
    struct json_value *root = a ? json_parse(a, text, len, &po, &je) : NULL;
    if (root == NULL) {
        snprintf(err, errlen, "%s:%u:%u: %s", path, je.line, je.column,
                 a ? je.message : "out of memory");
        rc = CONFIG_E_LOAD;
        goto out;
    }
    if (root->type != JSON_OBJECT) {
        snprintf(err, errlen, "%s:1:1: the config must be a JSON object", path);
        rc = CONFIG_E_LOAD;
        goto out;
    }
    for (uint32_t m = 0; m < root->len && rc == CONFIG_OK; m++) {
        const struct json_member *mb = &root->u.members[m];
        uint32_t line = 1, col = 1;
        file_key_position(text, len, mb->key, &line, &col);
        char who[600];
        snprintf(who, sizeof(who), "%s:%u:%u: key \"%.*s\"", path, line, col,
                 (int)(mb->key_len > 64 ? 64 : mb->key_len), mb->key);
        int id = -1;
        for (int k = 0; k < O_COUNT && id < 0; k++) {
            if (strlen(opts[k].key) == mb->key_len && strcmp(opts[k].key, mb->key) == 0)
                id = k;
        }
        if (id < 0) {
            snprintf(err, errlen, "%s: unknown key (see hookstack serve --help)", who);
            rc = CONFIG_E_USAGE;
            break;
        }
        const struct json_value *v = mb->value;
        if (v->type == JSON_NULL)
            continue; /* null: the default */
        bool list =
            opts[id].type == OPT_DIRS || opts[id].type == OPT_TOKENS || opts[id].type == OPT_FN_MS;
        char num[JSON_NUMBER_MAX];
        if (list && v->type == JSON_ARRAY) {
            for (uint32_t i = 0; i < v->len && rc == CONFIG_OK; i++) {
                const struct json_value *item = v->u.items[i];
                if (item->type != JSON_STRING || strlen(item->u.str) != item->len) {
                    snprintf(err, errlen, "%s: item %u is not a string", who, i);
                    rc = CONFIG_E_USAGE;
                } else if (opt_set(c, levels, id, item->u.str, who, LVL_FILE, err, errlen) != 0) {
                    rc = CONFIG_E_USAGE;
                }
            }
            continue;
        }
        const char *s = file_scalar(v, num);
        if (s == NULL ||
            (opts[id].type == OPT_BOOL) != (v->type == JSON_TRUE || v->type == JSON_FALSE)) {
            snprintf(err, errlen, "%s: expected %s", who,
                     list                        ? "a string or an array of strings"
                     : opts[id].type == OPT_BOOL ? "true or false"
                     : opts[id].type == OPT_PORT || opts[id].type == OPT_WORKERS ||
                             opts[id].type == OPT_NUM || opts[id].type == OPT_MS
                         ? "a number"
                         : "a string");
            rc = CONFIG_E_USAGE;
            break;
        }
        if (opt_set(c, levels, id, s, who, LVL_FILE, err, errlen) != 0)
            rc = CONFIG_E_USAGE;
    }
out:
    arena_free(a);
    free(text);
    return rc;
}

/* ---- environment -------------------------------------------------------------------------- */

static int config_env_apply(struct serve_config *c, int *levels, char *err, size_t errlen)
{
    for (int id = 0; id < O_COUNT; id++) {
        if (opts[id].env == NULL)
            continue;
        const char *v = getenv(opts[id].env);
        if (v == NULL)
            continue;
        if (opts[id].type != OPT_DIRS && opts[id].type != OPT_FN_MS) {
            if (opt_set(c, levels, id, v, opts[id].env, LVL_ENV, err, errlen) != 0)
                return CONFIG_E_USAGE;
            continue;
        }
        /* DIR:DIR:... like PATH (FN=MS,FN=MS for hook timeouts); empty entries are skipped. */
        char sep = opts[id].type == OPT_FN_MS ? ',' : ':';
        for (const char *p = v; *p != '\0';) {
            const char *colon = strchr(p, sep);
            size_t n = colon ? (size_t)(colon - p) : strlen(p);
            if (n > 0) {
                char dir[4096];
                if (n >= sizeof(dir)) {
                    snprintf(err, errlen, "%s: a folder name is too long", opts[id].env);
                    return CONFIG_E_USAGE;
                }
                memcpy(dir, p, n);
                dir[n] = '\0';
                if (opt_set(c, levels, id, dir, opts[id].env, LVL_ENV, err, errlen) != 0)
                    return CONFIG_E_USAGE;
            }
            p += n + (colon ? 1 : 0);
        }
    }
    return CONFIG_OK;
}

/* ---- command line ------------------------------------------------------------------------- */

int config_parse(struct serve_config *c, int argc, char **argv, char *err, size_t errlen)
{
    int levels[O_COUNT] = {0};
    /* First pass: split "--name value" / "--name=value", check the names, find --help and
     * --config; the values are applied last (flags win). */
    struct flag_arg {
        int id;
        const char *name, *value;
    } *args = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*args));
    if (args == NULL) {
        snprintf(err, errlen, "out of memory");
        return CONFIG_E_USAGE;
    }
    int nargs = 0, rc = CONFIG_OK;
    char names[64][64];
    const char *config_path = NULL;
    for (int i = 1; i < argc && rc == CONFIG_OK; i++) {
        const char *a = argv[i];
        const char *v = NULL;
        /* --name=value and --name value both work. */
        const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
        if (eq != NULL && (size_t)(eq - a) < sizeof(names[0]) && nargs < 64) {
            memcpy(names[nargs], a, (size_t)(eq - a));
            names[nargs][eq - a] = '\0';
            v = eq + 1;
            a = names[nargs];
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            config_usage(stdout);
            free(args);
            return CONFIG_HELP;
        }
        if (strcmp(a, "--print-config") == 0) {
            c->print_config = true;
            continue;
        }
        int id = -1;
        for (int k = 0; k < O_COUNT && id < 0; k++) {
            if (opts[k].flag != NULL && strcmp(a, opts[k].flag) == 0)
                id = k;
        }
        bool is_config = strcmp(a, "--config") == 0;
        if (id < 0 && !is_config) {
            snprintf(err, errlen, "unknown option '%s' (see hookstack serve --help)", argv[i]);
            rc = CONFIG_E_USAGE;
            break;
        }
        if (v == NULL && id >= 0 && opts[id].type == OPT_BOOL) {
            v = "true";
        } else if (v == NULL) {
            if (i + 1 >= argc) {
                snprintf(err, errlen, "option %s needs a value", a);
                rc = CONFIG_E_USAGE;
                break;
            }
            v = argv[++i];
        }
        if (is_config) {
            config_path = v;
            continue;
        }
        args[nargs].id = id;
        args[nargs].name = opts[id].flag;
        args[nargs].value = v;
        nargs++;
    }
    if (rc == CONFIG_OK && config_path == NULL) {
        const char *e = getenv("HOOKSTACK_CONFIG");
        if (e != NULL && *e != '\0')
            config_path = e;
    }
    if (rc == CONFIG_OK && config_path != NULL) {
        if (*config_path == '\0') {
            snprintf(err, errlen, "--config: empty file name");
            rc = CONFIG_E_USAGE;
        } else if (set_string(&c->config_file, config_path, err, errlen) != 0) {
            rc = CONFIG_E_USAGE;
        } else {
            rc = config_file_apply(c, levels, config_path, err, errlen);
        }
    }
    if (rc == CONFIG_OK)
        rc = config_env_apply(c, levels, err, errlen);
    for (int i = 0; i < nargs && rc == CONFIG_OK; i++) {
        if (opt_set(c, levels, args[i].id, args[i].value, args[i].name, LVL_FLAG, err, errlen) != 0)
            rc = CONFIG_E_USAGE;
    }
    free(args);
    if (rc != CONFIG_OK)
        return rc;
    if ((c->tls_cert == NULL) != (c->tls_key == NULL)) {
        snprintf(err, errlen, "%s is set but not %s: a TLS certificate needs its key",
                 c->tls_cert ? "--tls-cert" : "--tls-key",
                 c->tls_cert ? "--tls-key" : "--tls-cert");
        return CONFIG_E_USAGE;
    }
    if (levels[O_HOOK_TIMEOUT] == LVL_NONE)
        c->hook_timeout_ms = c->processing_interval_ms + c->request_timeout_ms;
    if (levels[O_WORKER_RECYCLE] == LVL_NONE)
        c->worker_recycle_mb = c->worker_memory_mb / 4 * 3;
    if (levels[O_SHUTDOWN_TIMEOUT] == LVL_NONE) {
        uint64_t longest = c->hook_timeout_ms;
        for (size_t i = 0; i < c->nhook_timeouts; i++)
            longest = c->hook_timeouts[i].ms > longest ? c->hook_timeouts[i].ms : longest;
        c->shutdown_timeout_ms = longest + 5000;
    }
    if (c->nmodule_dirs == 0) {
        char *d = default_module_dir();
        if (d == NULL) {
            snprintf(err, errlen, "out of memory");
            return CONFIG_E_USAGE;
        }
        c->module_dirs[c->nmodule_dirs++] = d;
    }
    return CONFIG_OK;
}

/* Adds one token (trimmed of spaces, tabs and CR) to arr; empty ones are skipped. what names the
 * kind of token ("system", "API") in messages. */
static int add_token(char **arr, size_t *n, const char *what, const char *s, size_t len, char *err,
                     size_t errlen)
{
    while (len > 0 && (*s == ' ' || *s == '\t' || *s == '\r'))
        s++, len--;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
        len--;
    if (len == 0)
        return 0;
    if (*n >= CONFIG_MAX_TOKENS) {
        snprintf(err, errlen, "at most %d %s tokens", CONFIG_MAX_TOKENS, what);
        return -1;
    }
    if (len > CONFIG_TOKEN_MAX) {
        snprintf(err, errlen, "a%s %s token is longer than %d bytes", what[0] == 'A' ? "n" : "",
                 what, CONFIG_TOKEN_MAX);
        return -1;
    }
    char *t = malloc(len + 1);
    if (t == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(t, s, len);
    t[len] = '\0';
    arr[(*n)++] = t;
    return 0;
}

static int load_token_file(const char *path, char **arr, size_t *n, const char *what, char *err,
                           size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "cannot read %s token file %s: %s", what, path, strerror(errno));
        return CONFIG_E_LOAD;
    }
    char line[CONFIG_TOKEN_MAX + 8];
    int rc = CONFIG_OK;
    while (fgets(line, sizeof(line), f) != NULL) {
        size_t len = strlen(line);
        if (len > 0 && line[len - 1] == '\n')
            len--;
        else if (!feof(f)) {
            snprintf(err, errlen, "%s token file %s: a line is longer than %d bytes", what, path,
                     CONFIG_TOKEN_MAX);
            rc = CONFIG_E_LOAD;
            break;
        }
        if (add_token(arr, n, what, line, len, err, errlen) != 0) {
            rc = CONFIG_E_LOAD;
            break;
        }
    }
    explicit_bzero(line, sizeof(line));
    fclose(f);
    if (rc == CONFIG_OK && *n == 0) {
        snprintf(err, errlen, "%s token file %s holds no token", what, path);
        rc = CONFIG_E_LOAD;
    }
    return rc;
}

/* Loads one set of tokens by precedence: a token file given by a flag or the environment, else
 * the comma-separated variable env, else a token file named by the config file, else the config
 * file's list. */
static int load_token_set(const char *file, int file_level, const char *env, char *const *listed,
                          size_t nlisted, char **arr, size_t *n, const char *what, char *err,
                          size_t errlen)
{
    if (file != NULL && file_level >= LVL_ENV)
        return load_token_file(file, arr, n, what, err, errlen);
    const char *e = getenv(env);
    if (e != NULL && *e != '\0') {
        const char *p = e;
        for (;;) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            if (add_token(arr, n, what, p, len, err, errlen) != 0)
                return CONFIG_E_LOAD;
            if (comma == NULL)
                break;
            p = comma + 1;
        }
        if (*n > 0)
            return CONFIG_OK;
    }
    if (file != NULL)
        return load_token_file(file, arr, n, what, err, errlen);
    for (size_t i = 0; i < nlisted; i++) {
        if (add_token(arr, n, what, listed[i], strlen(listed[i]), err, errlen) != 0)
            return CONFIG_E_LOAD;
    }
    return CONFIG_OK;
}

int config_load_tokens(struct serve_config *c, char *err, size_t errlen)
{
    int rc = load_token_set(c->api_token_file, c->api_token_file_level, "HOOKSTACK_API_TOKEN",
                            c->file_api_tokens, c->nfile_api_tokens, c->api_tokens, &c->napi_tokens,
                            "API", err, errlen);
    if (rc != CONFIG_OK)
        return rc;
    rc =
        load_token_set(c->token_file, c->token_file_level, "HOOKSTACK_SYSTEM_TOKEN", c->file_tokens,
                       c->nfile_tokens, c->tokens, &c->ntokens, "system", err, errlen);
    if (rc != CONFIG_OK || c->ntokens > 0)
        return rc;
    /* No token configured: a random development token for this run only. */
    unsigned char raw[24];
    size_t got = 0;
    while (got < sizeof(raw)) {
        ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errlen, "cannot generate a development token: %s", strerror(errno));
            return CONFIG_E_LOAD;
        }
        got += (size_t)n;
    }
    char hex[2 * sizeof(raw) + 8];
    static const char digits[] = "0123456789abcdef";
    memcpy(hex, "dev-", 4);
    for (size_t i = 0; i < sizeof(raw); i++) {
        hex[4 + 2 * i] = digits[raw[i] >> 4];
        hex[4 + 2 * i + 1] = digits[raw[i] & 15];
    }
    if (add_token(c->tokens, &c->ntokens, "system", hex, 4 + 2 * sizeof(raw), err, errlen) != 0)
        return CONFIG_E_LOAD;
    c->dev_token = true;
    return CONFIG_OK;
}

/* ---- --print-config ----------------------------------------------------------------------- */

static int print_set(struct arena *a, struct json_value *obj, const char *key, struct json_value *v)
{
    return v == NULL ? -1 : json_object_set(a, obj, key, strlen(key), v);
}

static struct json_value *print_str(struct arena *a, const char *s)
{
    return s != NULL ? json_new_string(a, s, strlen(s)) : json_new_null(a);
}

/* Tokens are secrets: only their number shows, each as "******". */
static struct json_value *print_masked(struct arena *a, size_t n)
{
    struct json_value *arr = json_new_array(a);
    for (size_t i = 0; arr != NULL && i < n; i++) {
        if (json_array_push(a, arr, json_new_string(a, "******", 6)) != 0)
            return NULL;
    }
    return arr;
}

int config_print(const struct serve_config *c, void *file)
{
    struct arena *a = arena_new(16 * 1024, 0);
    struct json_value *o = a ? json_new_object(a) : NULL;
    struct json_value *dirs = a ? json_new_array(a) : NULL;
    if (o == NULL || dirs == NULL) {
        arena_free(a);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < c->nmodule_dirs; i++)
        rc |= json_array_push(a, dirs, print_str(a, c->module_dirs[i]));
    char listen[300];
    bool v6 = strchr(c->metrics_host, ':') != NULL;
    snprintf(listen, sizeof(listen), "%s%s%s:%d", v6 ? "[" : "", c->metrics_host, v6 ? "]" : "",
             c->metrics_port);
    rc |= print_set(a, o, "config", print_str(a, c->config_file));
    rc |= print_set(a, o, "host", print_str(a, c->host));
    rc |= print_set(a, o, "port", json_new_number(a, c->port));
    rc |= print_set(a, o, "modules", dirs);
    rc |= print_set(a, o, "workers", json_new_number(a, c->workers));
    rc |= print_set(a, o, "noDiy", json_new_bool(a, c->no_diy));
    rc |= print_set(a, o, "maxBodyBytes", json_new_number(a, (double)c->max_body_bytes));
    rc |= print_set(a, o, "queueLimit", json_new_number(a, (double)c->max_queue));
    rc |= print_set(a, o, "requestTimeoutMs", json_new_number(a, (double)c->request_timeout_ms));
    rc |=
        print_set(a, o, "keepaliveTimeoutMs", json_new_number(a, (double)c->keepalive_timeout_ms));
    rc |= print_set(a, o, "headersTimeoutMs", json_new_number(a, (double)c->headers_timeout_ms));
    rc |= print_set(a, o, "processingIntervalMs",
                    json_new_number(a, (double)c->processing_interval_ms));
    rc |= print_set(a, o, "hookTimeoutMs", json_new_number(a, (double)c->hook_timeout_ms));
    struct json_value *fn_ms = json_new_array(a);
    for (size_t i = 0; fn_ms != NULL && i < c->nhook_timeouts; i++) {
        char item[300];
        snprintf(item, sizeof(item), "%.256s=%llu", c->hook_timeouts[i].function,
                 (unsigned long long)c->hook_timeouts[i].ms);
        rc |= json_array_push(a, fn_ms, print_str(a, item));
    }
    rc |= print_set(a, o, "hookTimeout", fn_ms);
    rc |= print_set(a, o, "workerMemoryMb", json_new_number(a, (double)c->worker_memory_mb));
    rc |= print_set(a, o, "workerRecycleMb", json_new_number(a, (double)c->worker_recycle_mb));
    rc |= print_set(a, o, "shutdownTimeoutMs", json_new_number(a, (double)c->shutdown_timeout_ms));
    rc |= print_set(a, o, "maxBufferedMb", json_new_number(a, (double)c->max_buffered_mb));
    rc |= print_set(a, o, "maxResponseBytes", json_new_number(a, (double)c->max_response_bytes));
    rc |= print_set(a, o, "maxConnections", json_new_number(a, (double)config_max_connections(c)));
    rc |= print_set(a, o, "moduleLoadTimeoutMs",
                    json_new_number(a, (double)c->module_load_timeout_ms));
    rc |= print_set(
        a, o, "logLevel",
        print_str(a, level_names[c->log_level >= 0 && c->log_level < 4 ? c->log_level : 1]));
    rc |= print_set(a, o, "tlsCert", print_str(a, c->tls_cert));
    rc |= print_set(a, o, "tlsKey", print_str(a, c->tls_key));
    rc |= print_set(a, o, "metricsListen", print_str(a, c->metrics_port >= 0 ? listen : NULL));
    rc |= print_set(a, o, "systemTokenFile", print_str(a, c->token_file));
    rc |= print_set(a, o, "systemTokens", print_masked(a, c->dev_token ? 0 : c->ntokens));
    rc |= print_set(a, o, "developmentToken", json_new_bool(a, c->dev_token));
    rc |= print_set(a, o, "apiTokenFile", print_str(a, c->api_token_file));
    rc |= print_set(a, o, "apiTokens", print_masked(a, c->napi_tokens));
    struct json_buf b;
    json_buf_init(&b, 0);
    if (rc == 0)
        rc = json_write(&b, o, 0, NULL) == JSON_W_OK ? json_buf_append(&b, "\n", 1) : -1;
    if (rc == 0) {
        fwrite(b.data, 1, b.len, (FILE *)file);
        fflush((FILE *)file);
    }
    json_buf_free(&b);
    arena_free(a);
    return rc == 0 ? 0 : -1;
}

size_t config_max_connections(const struct serve_config *c)
{
    if (c->max_connections > 0)
        return c->max_connections;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 1024;
    rlim_t fds = rl.rlim_max == RLIM_INFINITY ? rl.rlim_cur : rl.rlim_max;
    if (fds == RLIM_INFINITY || fds > ((rlim_t)1 << 24))
        fds = (rlim_t)1 << 24;
    size_t reserve = CONFIG_FD_RESERVE + CONFIG_FD_PER_WORKER * (size_t)c->workers;
    return (size_t)fds > reserve ? (size_t)fds - reserve : 1;
}

static void free_tokens(char **arr, size_t *n)
{
    for (size_t i = 0; i < *n; i++) {
        /* Tokens are secrets: clear them before release. */
        explicit_bzero(arr[i], strlen(arr[i]));
        free(arr[i]);
        arr[i] = NULL;
    }
    *n = 0;
}

void config_free(struct serve_config *c)
{
    for (size_t i = 0; i < c->nmodule_dirs; i++)
        free((void *)c->module_dirs[i]);
    c->nmodule_dirs = 0;
    for (size_t i = 0; i < c->nhook_timeouts; i++)
        free(c->hook_timeouts[i].function);
    c->nhook_timeouts = 0;
    free_tokens(c->tokens, &c->ntokens);
    free_tokens(c->api_tokens, &c->napi_tokens);
    free_tokens(c->file_tokens, &c->nfile_tokens);
    free_tokens(c->file_api_tokens, &c->nfile_api_tokens);
    char **owned[] = {&c->token_file, &c->api_token_file, &c->tls_cert, &c->tls_key,
                      &c->config_file};
    for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++) {
        free(*owned[i]);
        *owned[i] = NULL;
    }
}
