/* config_opts.c — the table of `hookstack serve` options (see config_internal.h): each option's
 * three names, its field, type, range, default and --help text, and the one function that checks
 * a value of any type whatever its source and stores it. */
#include "config_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "text.h"

#define F(field)  offsetof(struct serve_config, field)
#define MS_MAX    ((uint64_t)1 << 40)
#define FRAME_MAX ((uint64_t)1 << 30) /* a body or an answer crosses in one frame (ipc.h) */
#define MEGS_MAX  ((uint64_t)1 << 24)
#define QUEUE_MAX 1000000

static int derive_workers(struct serve_config *c, char *err, size_t errlen);
static int derive_modules(struct serve_config *c, char *err, size_t errlen);
static int derive_hook_timeout(struct serve_config *c, char *err, size_t errlen);
static int derive_worker_recycle(struct serve_config *c, char *err, size_t errlen);
static int derive_shutdown_timeout(struct serve_config *c, char *err, size_t errlen);

/* In --print-config's order; --help lists the rows that have a flag, in this order too. */
const struct config_option config_options[] = {
    {.name = "config",
     .env = "HOOKSTACK_CONFIG",
     .key = "config",
     .type = CONFIG_T_CONFIG,
     .off = F(config_file),
     .arg = "FILE",
     .help = "JSON config file (or HOOKSTACK_CONFIG)"},
    {.name = "print-config",
     .type = CONFIG_T_PRINT,
     .off = F(print_config),
     .help = "print the effective configuration as JSON (tokens masked) and exit"},
    {.name = "host",
     .env = "HOOKSTACK_HOST",
     .key = "host",
     .type = CONFIG_T_HOST,
     .off = F(host),
     .max = sizeof(((struct serve_config *)0)->host),
     .def = "127.0.0.1",
     .arg = "ADDR",
     .help = "address to listen on"},
    {.name = "port",
     .env = "HOOKSTACK_PORT",
     .key = "port",
     .type = CONFIG_T_PORT,
     .off = F(port),
     .max = 65535,
     .def = "8080",
     .arg = "N",
     .help = "port; 0 picks a free port"},
    {.name = "modules",
     .env = "HOOKSTACK_MODULES",
     .key = "modules",
     .type = CONFIG_T_DIRS,
     .off = F(module_dirs),
     .aux = F(nmodule_dirs),
     .max = CONFIG_MAX_MODULE_DIRS,
     .derive = derive_modules,
     .arg = "DIR",
     .help = "load every *.so of DIR (repeatable; HOOKSTACK_MODULES takes DIR:DIR...)",
     .def_text = "the 'modules' folder beside the binary"},
    {.name = "workers",
     .env = "HOOKSTACK_WORKERS",
     .key = "workers",
     .type = CONFIG_T_INT,
     .off = F(workers),
     .min = 1,
     .max = CONFIG_MAX_WORKERS,
     .derive = derive_workers,
     .arg = "N",
     .help = "worker processes",
     .def_text = "number of cores"},
    {.name = "no-diy",
     .env = "HOOKSTACK_NO_DIY",
     .key = "noDiy",
     .type = CONFIG_T_BOOL,
     .off = F(no_diy),
     .def = "false",
     .help = "serve no DIY scope"},
    {.name = "max-body-bytes",
     .env = "HOOKSTACK_MAX_BODY_BYTES",
     .key = "maxBodyBytes",
     .type = CONFIG_T_SIZE,
     .off = F(max_body_bytes),
     .max = FRAME_MAX,
     .def = "52428800",
     .arg = "N",
     .help = "request body limit"},
    /* Before --queue-limit: the variables are read in table order, so HOOKSTACK_QUEUE_LIMIT wins
     * when both are set. */
    {.name = "max-queue",
     .env = "HOOKSTACK_MAX_QUEUE",
     .key = "maxQueue",
     .type = CONFIG_T_SIZE,
     .off = F(max_queue),
     .max = QUEUE_MAX,
     .arg = "N",
     .help = "old name of --queue-limit",
     .flags = CONFIG_F_ALIAS},
    {.name = "queue-limit",
     .env = "HOOKSTACK_QUEUE_LIMIT",
     .key = "queueLimit",
     .type = CONFIG_T_SIZE,
     .off = F(max_queue),
     .max = QUEUE_MAX,
     .def = "1024",
     .arg = "N",
     .help = "invocations waiting for a worker before 503 with Retry-After"},
    {.name = "request-timeout-ms",
     .env = "HOOKSTACK_REQUEST_TIMEOUT_MS",
     .key = "requestTimeoutMs",
     .type = CONFIG_T_U64,
     .off = F(request_timeout_ms),
     .min = 1,
     .max = MS_MAX,
     .def = "315000",
     .arg = "N",
     .help = "a request must arrive whole within N ms"},
    {.name = "keepalive-timeout-ms",
     .env = "HOOKSTACK_KEEPALIVE_TIMEOUT_MS",
     .key = "keepaliveTimeoutMs",
     .type = CONFIG_T_U64,
     .off = F(keepalive_timeout_ms),
     .min = 1,
     .max = MS_MAX,
     .def = "301000",
     .arg = "N",
     .help = "idle keep-alive connections close after N ms"},
    {.name = "headers-timeout-ms",
     .env = "HOOKSTACK_HEADERS_TIMEOUT_MS",
     .key = "headersTimeoutMs",
     .type = CONFIG_T_U64,
     .off = F(headers_timeout_ms),
     .min = 1,
     .max = MS_MAX,
     .def = "305000",
     .arg = "N",
     .help = "the header block (and a TLS handshake) must arrive within N ms"},
    {.name = "processing-interval-ms",
     .env = "HOOKSTACK_PROCESSING_INTERVAL_MS",
     .key = "processingIntervalMs",
     .type = CONFIG_T_U64,
     .off = F(processing_interval_ms),
     .min = 1,
     .max = MS_MAX,
     .def = "270000",
     .arg = "N",
     .help = "send one '102 Processing' after N ms"},
    {.name = "hook-timeout-ms",
     .env = "HOOKSTACK_HOOK_TIMEOUT_MS",
     .key = "hookTimeoutMs",
     .type = CONFIG_T_U64,
     .off = F(hook_timeout_ms),
     .min = 1,
     .max = MS_MAX,
     .derive = derive_hook_timeout,
     .arg = "N",
     .help = "kill a worker whose call runs longer and answer 504",
     .def_text = "processing interval + request timeout"},
    {.name = "hook-timeout",
     .env = "HOOKSTACK_HOOK_TIMEOUT",
     .key = "hookTimeout",
     .type = CONFIG_T_FN_MS,
     .off = F(hook_timeouts),
     .aux = F(nhook_timeouts),
     .min = 1,
     .max = MS_MAX,
     .arg = "FUNCTION=MS",
     .help = "that function's own deadline (repeatable; the variable takes FN=MS,FN=MS; the "
             "file an array)"},
    {.name = "worker-memory-mb",
     .env = "HOOKSTACK_WORKER_MEMORY_MB",
     .key = "workerMemoryMb",
     .type = CONFIG_T_SIZE,
     .off = F(worker_memory_mb),
     .max = MEGS_MAX,
     .def = "2048",
     .arg = "N",
     .help = "kill a worker whose resident memory passes N MB during a call, answer 500 "
             "hook_memory_exceeded; 0: no limit"},
    {.name = "worker-recycle-mb",
     .env = "HOOKSTACK_WORKER_RECYCLE_MB",
     .key = "workerRecycleMb",
     .type = CONFIG_T_SIZE,
     .off = F(worker_recycle_mb),
     .max = MEGS_MAX,
     .derive = derive_worker_recycle,
     .arg = "N",
     .help = "replace a worker whose resident memory is past N MB after a call; 0: never",
     .def_text = "3/4 of --worker-memory-mb"},
    {.name = "shutdown-timeout-ms",
     .env = "HOOKSTACK_SHUTDOWN_TIMEOUT_MS",
     .key = "shutdownTimeoutMs",
     .type = CONFIG_T_U64,
     .off = F(shutdown_timeout_ms),
     .min = 1,
     .max = MS_MAX,
     .derive = derive_shutdown_timeout,
     .arg = "N",
     .help = "a drain answers what is still running 503 after N ms and exits",
     .def_text = "the longest hook deadline + 5000"},
    {.name = "max-buffered-mb",
     .env = "HOOKSTACK_MAX_BUFFERED_MB",
     .key = "maxBufferedMb",
     .type = CONFIG_T_SIZE,
     .off = F(max_buffered_mb),
     .max = (uint64_t)1 << 20,
     .def = "8",
     .arg = "N",
     .help = "request body memory for requests not yet given to a worker; past it bodies are "
             "read in fair shares and wait in their sockets; 0: no cap"},
    {.name = "max-response-bytes",
     .env = "HOOKSTACK_MAX_RESPONSE_BYTES",
     .key = "maxResponseBytes",
     .type = CONFIG_T_SIZE,
     .off = F(max_response_bytes),
     .max = FRAME_MAX,
     .def = "52428800",
     .arg = "N",
     .help = "answer body limit: a call whose answer is larger gets 500 response_too_large"},
    {.name = "max-connections",
     .env = "HOOKSTACK_MAX_CONNECTIONS",
     .key = "maxConnections",
     .type = CONFIG_T_SIZE,
     .off = F(max_connections),
     .max = MEGS_MAX,
     .arg = "N",
     .help = "client connections served at once; past it a new one is answered 503 and closed",
     .def_text = "the file descriptor limit less some for workers and logs",
     .flags = CONFIG_F_EFFECTIVE},
    {.name = "module-load-timeout-ms",
     .env = "HOOKSTACK_MODULE_LOAD_TIMEOUT_MS",
     .key = "moduleLoadTimeoutMs",
     .type = CONFIG_T_U64,
     .off = F(module_load_timeout_ms),
     .min = 1,
     .max = MS_MAX,
     .def = "10000",
     .arg = "N",
     .help = "loading the modules (constructors, checks, every init) must finish within N ms: "
             "in the check of a set at start and on SIGHUP, and in each new worker"},
    {.name = "log-level",
     .env = "HOOKSTACK_LOG_LEVEL",
     .key = "logLevel",
     .type = CONFIG_T_LEVEL,
     .off = F(log_level),
     .def = "info",
     .arg = "LEVEL",
     .help = "debug, info (one line per request), warn, error"},
    {.name = "tls-cert",
     .env = "HOOKSTACK_TLS_CERT",
     .key = "tlsCert",
     .type = CONFIG_T_PATH,
     .off = F(tls_cert),
     .arg = "FILE",
     .help = "serve HTTPS with this PEM certificate chain (leaf first); needs --tls-key. TLS 1.2 "
             "only: Debian 12's mbedTLS 2.28 has no TLS 1.3. ECDHE with AES-GCM or "
             "ChaCha20-Poly1305, ALPN http/1.1, session tickets. SIGHUP reloads the certificate "
             "and key."},
    {.name = "tls-key",
     .env = "HOOKSTACK_TLS_KEY",
     .key = "tlsKey",
     .type = CONFIG_T_PATH,
     .off = F(tls_key),
     .arg = "FILE",
     .help = "the PEM private key of --tls-cert"},
    {.name = "metrics-listen",
     .env = "HOOKSTACK_METRICS_LISTEN",
     .key = "metricsListen",
     .type = CONFIG_T_LISTEN,
     .off = F(metrics_host),
     .aux = F(metrics_port),
     .max = 65535,
     .arg = "HOST:PORT",
     .help = "serve GET /metrics (Prometheus) only on this address, without a token",
     .def_text = "/metrics on the main port, with the system token"},
    {.name = "system-token-file",
     .env = "HOOKSTACK_SYSTEM_TOKEN_FILE",
     .key = "systemTokenFile",
     .type = CONFIG_T_PATH,
     .off = F(token_file),
     .aux = F(token_file_level),
     .arg = "FILE",
     .help = "system tokens, one per line (else HOOKSTACK_SYSTEM_TOKEN, comma-separated, else "
             "the file's \"systemTokens\"; else a development token is generated and printed "
             "once)",
     .flags = CONFIG_F_LEVEL},
    {.key = "systemTokens",
     .type = CONFIG_T_TOKENS,
     .off = F(file_tokens),
     .aux = F(nfile_tokens),
     .arg = "system",
     .help = "system tokens (a secret never goes on a command line)"},
    {.name = "api-token-file",
     .env = "HOOKSTACK_API_TOKEN_FILE",
     .key = "apiTokenFile",
     .type = CONFIG_T_PATH,
     .off = F(api_token_file),
     .aux = F(api_token_file_level),
     .arg = "FILE",
     .help = "API tokens of POST /v1/hooks/{function}, one per line (else HOOKSTACK_API_TOKEN, "
             "comma-separated, else the file's \"apiTokens\"; none: that route answers 401)",
     .flags = CONFIG_F_LEVEL},
    {.key = "apiTokens",
     .type = CONFIG_T_TOKENS,
     .off = F(file_api_tokens),
     .aux = F(nfile_api_tokens),
     .arg = "API",
     .help = "API tokens of POST /v1/hooks/{function}"},
    {.name = "help", .type = CONFIG_T_HELP, .help = "show this help"},
};

const size_t config_noptions = sizeof(config_options) / sizeof(config_options[0]);

_Static_assert(sizeof(config_options) / sizeof(config_options[0]) <= CONFIG_OPTIONS_MAX,
               "config_options: raise CONFIG_OPTIONS_MAX");

const char *const config_level_names[4] = {"debug", "info", "warn", "error"};

const struct config_option *config_option_by_flag(const char *flag)
{
    if (strcmp(flag, "-h") == 0)
        flag = "--help";
    if (strncmp(flag, STRLIT("--")) != 0)
        return NULL;
    for (size_t i = 0; i < config_noptions; i++) {
        if (config_options[i].name != NULL && strcmp(flag + 2, config_options[i].name) == 0)
            return &config_options[i];
    }
    return NULL;
}

const struct config_option *config_option_by_key(const char *key, size_t len)
{
    for (size_t i = 0; i < config_noptions; i++) {
        const struct config_option *o = &config_options[i];
        if (o->key != NULL && o->type != CONFIG_T_CONFIG && strlen(o->key) == len &&
            memcmp(o->key, key, len) == 0)
            return o;
    }
    return NULL;
}

static int fail_nomem(char *err, size_t errlen)
{
    snprintf(err, errlen, "out of memory");
    return ERR_NOMEM;
}

/* ---- the derived defaults ------------------------------------------------------------------ */

static int derive_workers(struct serve_config *c, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    c->workers = n > 0 ? (int)(n > CONFIG_MAX_WORKERS ? CONFIG_MAX_WORKERS : n) : 1;
    return ERR_OK;
}

/* The default module folder: <folder of the binary>/modules (modules-asan for the ASan build). */
static int derive_modules(struct serve_config *c, char *err, size_t errlen)
{
    char exe[4096], *out = NULL;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0) {
        out = strdup("modules");
    } else {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        const char *base = slash ? slash + 1 : exe;
        size_t blen = strlen(base);
        const char *sub =
            (blen > 5 && strcmp(base + blen - 5, "-asan") == 0) ? "modules-asan" : "modules";
        if (slash != NULL)
            *slash = '\0';
        size_t need = strlen(exe) + 1 + strlen(sub) + 1;
        out = malloc(need);
        if (out != NULL)
            snprintf(out, need, "%s/%s", slash ? exe : ".", sub);
    }
    if (out == NULL)
        return fail_nomem(err, errlen);
    c->module_dirs[c->nmodule_dirs++] = out;
    return ERR_OK;
}

static int derive_hook_timeout(struct serve_config *c, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    c->hook_timeout_ms = c->processing_interval_ms + c->request_timeout_ms;
    return ERR_OK;
}

static int derive_worker_recycle(struct serve_config *c, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    c->worker_recycle_mb = c->worker_memory_mb / 4 * 3;
    return ERR_OK;
}

/* After derive_hook_timeout (the table's order). */
static int derive_shutdown_timeout(struct serve_config *c, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    uint64_t longest = c->hook_timeout_ms;
    for (size_t i = 0; i < c->nhook_timeouts; i++)
        longest = c->hook_timeouts[i].ms > longest ? c->hook_timeouts[i].ms : longest;
    c->shutdown_timeout_ms = longest + 5000;
    return ERR_OK;
}

/* ---- values ------------------------------------------------------------------------------- */

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (s == NULL || *s == '\0' || *s == '-' || *s == '+')
        return ERR_USAGE;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v > max)
        return ERR_USAGE;
    *out = v;
    return ERR_OK;
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

/* One FUNCTION=MS: a later one for the same name wins. */
static int set_fn_ms(struct serve_config *c, const struct config_option *o, const char *v,
                     const char *who, char *err, size_t errlen)
{
    struct config_hook_timeout *list = (struct config_hook_timeout *)((char *)c + o->off);
    size_t *n = (size_t *)((char *)c + o->aux);
    const char *eq = strrchr(v, '=');
    uint64_t ms = 0;
    if (eq == NULL || eq == v || (size_t)(eq - v) > 256 || parse_u64(eq + 1, o->max, &ms) != 0 ||
        ms < o->min) {
        snprintf(err, errlen, "%s: '%s' is not FUNCTION=MS (MS from %llu to %llu)", who, v,
                 (unsigned long long)o->min, (unsigned long long)o->max);
        return ERR_USAGE;
    }
    size_t nl = (size_t)(eq - v), i = 0;
    while (i < *n && !(strlen(list[i].function) == nl && memcmp(list[i].function, v, nl) == 0))
        i++;
    if (i == *n) {
        if (i >= CONFIG_MAX_HOOK_TIMEOUTS) {
            snprintf(err, errlen, "%s: at most %d functions", who, CONFIG_MAX_HOOK_TIMEOUTS);
            return ERR_USAGE;
        }
        if ((list[i].function = strndup(v, nl)) == NULL)
            return fail_nomem(err, errlen);
        (*n)++;
    }
    list[i].ms = ms;
    return ERR_OK;
}

static int set_dir(struct serve_config *c, const struct config_option *o, const char *v,
                   const char *who, char *err, size_t errlen)
{
    const char **list = (const char **)((char *)c + o->off);
    size_t *n = (size_t *)((char *)c + o->aux);
    if (*v == '\0') {
        snprintf(err, errlen, "%s: empty folder name", who);
        return ERR_USAGE;
    }
    if (*n >= o->max) {
        snprintf(err, errlen, "%s: at most %llu folders", who, (unsigned long long)o->max);
        return ERR_USAGE;
    }
    if ((list[*n] = strdup(v)) == NULL)
        return fail_nomem(err, errlen);
    (*n)++;
    return ERR_OK;
}

/* Forgets a list's items (the first value from a higher level replaces them). */
static void list_clear(struct serve_config *c, const struct config_option *o)
{
    size_t *n = (size_t *)((char *)c + o->aux);
    for (size_t i = 0; i < *n; i++) {
        if (o->type == CONFIG_T_DIRS)
            free((void *)((const char **)((char *)c + o->off))[i]);
        else
            free(((struct config_hook_timeout *)((char *)c + o->off))[i].function);
    }
    *n = 0;
}

static int set_listen(struct serve_config *c, const struct config_option *o, const char *v,
                      const char *who, char *err, size_t errlen)
{
    /* HOST:PORT, [V6]:PORT */
    char *host = (char *)c + o->off;
    const char *colon = strrchr(v, ':');
    const char *h = v;
    size_t hl = colon ? (size_t)(colon - v) : 0;
    uint64_t port = 0;
    if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']')
        h++, hl -= 2;
    if (colon == NULL || hl == 0 || hl >= sizeof(c->metrics_host) ||
        parse_u64(colon + 1, o->max, &port) != 0) {
        snprintf(err, errlen, "%s: '%s' is not HOST:PORT", who, v);
        return ERR_USAGE;
    }
    memcpy(host, h, hl);
    host[hl] = '\0';
    *(int *)((char *)c + o->aux) = (int)port;
    return ERR_OK;
}

int config_opt_set(struct serve_config *c, const struct config_option *o, const char *v,
                   const char *who, enum config_level lvl, bool replace, char *err, size_t errlen)
{
    void *field = (char *)c + o->off;
    uint64_t n = 0;
    switch (o->type) {
    case CONFIG_T_HOST:
        if (*v == '\0' || strlen(v) >= o->max) {
            snprintf(err, errlen, "%s: invalid address '%s'", who, v);
            return ERR_USAGE;
        }
        snprintf(field, o->max, "%s", v);
        return ERR_OK;
    case CONFIG_T_PORT:
        if (parse_u64(v, o->max, &n) != 0) {
            snprintf(err, errlen, "%s: '%s' is not a port number (0-%llu)", who, v,
                     (unsigned long long)o->max);
            return ERR_USAGE;
        }
        *(int *)field = (int)n;
        return ERR_OK;
    case CONFIG_T_INT:
        if (parse_u64(v, o->max, &n) != 0 || n < o->min) {
            snprintf(err, errlen, "%s: '%s' is not a number from %llu to %llu", who, v,
                     (unsigned long long)o->min, (unsigned long long)o->max);
            return ERR_USAGE;
        }
        *(int *)field = (int)n;
        return ERR_OK;
    case CONFIG_T_SIZE:
    case CONFIG_T_U64:
        if (parse_u64(v, o->max, &n) != 0) {
            snprintf(err, errlen, "%s: '%s' is not a number from 0 to %llu", who, v,
                     (unsigned long long)o->max);
            return ERR_USAGE;
        }
        if (n < o->min) {
            snprintf(err, errlen, "%s: must be at least %llu", who, (unsigned long long)o->min);
            return ERR_USAGE;
        }
        if (o->type == CONFIG_T_SIZE)
            *(size_t *)field = (size_t)n;
        else
            *(uint64_t *)field = n;
        return ERR_OK;
    case CONFIG_T_BOOL:
        if (!parse_bool(v, (bool *)field)) {
            snprintf(err, errlen, "%s: '%s' is not true or false", who, v);
            return ERR_USAGE;
        }
        return ERR_OK;
    case CONFIG_T_PATH:
    case CONFIG_T_CONFIG: {
        if (*v == '\0') {
            snprintf(err, errlen, "%s: empty file name", who);
            return ERR_USAGE;
        }
        char *d = strdup(v);
        if (d == NULL)
            return fail_nomem(err, errlen);
        free(*(char **)field);
        *(char **)field = d;
        if (o->flags & CONFIG_F_LEVEL)
            *(int *)((char *)c + o->aux) = (int)lvl;
        return ERR_OK;
    }
    case CONFIG_T_LEVEL:
        for (int k = 0; k < 4; k++) {
            if (strcmp(v, config_level_names[k]) == 0) {
                *(int *)field = k;
                return ERR_OK;
            }
        }
        snprintf(err, errlen, "%s: '%s' is not debug, info, warn or error", who, v);
        return ERR_USAGE;
    case CONFIG_T_LISTEN:
        return set_listen(c, o, v, who, err, errlen);
    case CONFIG_T_DIRS:
    case CONFIG_T_FN_MS:
        if (replace)
            list_clear(c, o);
        return o->type == CONFIG_T_DIRS ? set_dir(c, o, v, who, err, errlen)
                                        : set_fn_ms(c, o, v, who, err, errlen);
    case CONFIG_T_TOKENS:
        return config_add_token((char **)field, (size_t *)((char *)c + o->aux), o->arg, v,
                                strlen(v), err, errlen);
    case CONFIG_T_PRINT:
        *(bool *)field = true;
        return ERR_OK;
    case CONFIG_T_HELP:
        return ERR_OK;
    }
    return ERR_OK;
}

int config_opt_apply(struct serve_config *c, enum config_level *levels,
                     const struct config_option *o, const char *v, const char *who,
                     enum config_level lvl, char *err, size_t errlen)
{
    size_t i = (size_t)(o - config_options);
    bool replace = levels[i] < lvl;
    levels[i] = lvl;
    return config_opt_set(c, o, v, who, lvl, replace, err, errlen);
}
