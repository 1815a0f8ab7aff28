/* config.c — `hookstack serve` options: parsing, defaults and system tokens (see config.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

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
    c->log_level = LOG_INFO;
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
            "options:\n"
            "  --host ADDR                 address to listen on (default 127.0.0.1)\n"
            "  --port N                    port (default 8080; 0 picks a free port)\n"
            "  --modules DIR               load every *.so of DIR (repeatable; default: the\n"
            "                              'modules' folder beside the binary)\n"
            "  --workers N                 worker processes (default: number of cores)\n"
            "  --system-token-file FILE    system tokens, one per line (else\n"
            "                              HOOKSTACK_SYSTEM_TOKEN, comma-separated; else a\n"
            "                              development token is generated and printed once)\n"
            "  --no-diy                    serve no DIY scope\n"
            "  --max-body-bytes N          request body limit (default 52428800)\n"
            "  --max-queue N               invocations waiting for a worker before 503 (default "
            "1024)\n"
            "  --request-timeout-ms N      a request must arrive whole within N ms (default "
            "315000)\n"
            "  --keepalive-timeout-ms N    idle keep-alive connections close after N ms (default "
            "301000)\n"
            "  --headers-timeout-ms N      the header block must arrive within N ms (default "
            "305000)\n"
            "  --processing-interval-ms N  send one '102 Processing' after N ms (default 270000)\n"
            "  --hook-timeout-ms N         kill a worker whose call runs longer (default:\n"
            "                              processing interval + request timeout)\n"
            "  --log-level LEVEL           debug, info (default: one line per request), warn,\n"
            "                              error\n"
            "  -h, --help                  show this help\n"
            "\n"
            "Prints 'listening on HOST:PORT' once it accepts connections. SIGTERM or SIGINT\n"
            "stops accepting, finishes every accepted request and exits 0 (a second one exits\n"
            "at once with status 1). GET /openConnections and GET /stopServer need the system\n"
            "token, like POST /function.\n");
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

int config_parse(struct serve_config *c, int argc, char **argv, char *err, size_t errlen)
{
    bool hook_timeout_set = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = NULL;
        char name[64];
        /* --name=value and --name value both work. */
        const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
        if (eq != NULL && (size_t)(eq - a) < sizeof(name)) {
            memcpy(name, a, (size_t)(eq - a));
            name[eq - a] = '\0';
            v = eq + 1;
            a = name;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            config_usage(stdout);
            return CONFIG_HELP;
        }
        if (strcmp(a, "--no-diy") == 0) {
            c->no_diy = true;
            continue;
        }
        static const char *const with_value[] = {"--host",
                                                 "--port",
                                                 "--modules",
                                                 "--workers",
                                                 "--system-token-file",
                                                 "--max-body-bytes",
                                                 "--max-queue",
                                                 "--request-timeout-ms",
                                                 "--keepalive-timeout-ms",
                                                 "--headers-timeout-ms",
                                                 "--processing-interval-ms",
                                                 "--hook-timeout-ms",
                                                 "--log-level"};
        bool known = false;
        for (size_t k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++)
            known = known || strcmp(a, with_value[k]) == 0;
        if (!known) {
            snprintf(err, errlen, "unknown option '%s' (see hookstack serve --help)", argv[i]);
            return CONFIG_E_USAGE;
        }
        if (v == NULL) {
            if (i + 1 >= argc) {
                snprintf(err, errlen, "option %s needs a value", a);
                return CONFIG_E_USAGE;
            }
            v = argv[++i];
        }
        uint64_t n = 0;
        if (strcmp(a, "--host") == 0) {
            if (*v == '\0' || strlen(v) >= sizeof(c->host)) {
                snprintf(err, errlen, "--host: invalid address '%s'", v);
                return CONFIG_E_USAGE;
            }
            snprintf(c->host, sizeof(c->host), "%s", v);
        } else if (strcmp(a, "--port") == 0) {
            if (parse_u64(v, 65535, &n) != 0) {
                snprintf(err, errlen, "--port: '%s' is not a port number (0-65535)", v);
                return CONFIG_E_USAGE;
            }
            c->port = (int)n;
        } else if (strcmp(a, "--modules") == 0) {
            if (c->nmodule_dirs >= CONFIG_MAX_MODULE_DIRS) {
                snprintf(err, errlen, "--modules: at most %d folders", CONFIG_MAX_MODULE_DIRS);
                return CONFIG_E_USAGE;
            }
            char *d = strdup(v);
            if (d == NULL) {
                snprintf(err, errlen, "out of memory");
                return CONFIG_E_USAGE;
            }
            c->module_dirs[c->nmodule_dirs++] = d;
        } else if (strcmp(a, "--workers") == 0) {
            if (parse_u64(v, CONFIG_MAX_WORKERS, &n) != 0 || n == 0) {
                snprintf(err, errlen, "--workers: '%s' is not a number from 1 to %d", v,
                         CONFIG_MAX_WORKERS);
                return CONFIG_E_USAGE;
            }
            c->workers = (int)n;
        } else if (strcmp(a, "--system-token-file") == 0) {
            c->token_file = v;
        } else if (strcmp(a, "--log-level") == 0) {
            static const char *const levels[] = {"debug", "info", "warn", "error"};
            int found = -1;
            for (int k = 0; k < 4; k++)
                found = strcmp(v, levels[k]) == 0 ? k : found;
            if (found < 0) {
                snprintf(err, errlen, "--log-level: '%s' is not debug, info, warn or error", v);
                return CONFIG_E_USAGE;
            }
            c->log_level = found;
        } else {
            /* A body travels to a worker in one frame (ipc.h): at most 1 GiB. */
            uint64_t max = strcmp(a, "--max-body-bytes") == 0 ? (uint64_t)1 << 30
                           : strcmp(a, "--max-queue") == 0    ? 1000000
                                                              : (uint64_t)1 << 40;
            if (parse_u64(v, max, &n) != 0) {
                snprintf(err, errlen, "%s: '%s' is not a number from 0 to %llu", a, v,
                         (unsigned long long)max);
                return CONFIG_E_USAGE;
            }
            bool is_ms = strstr(a, "-ms") != NULL;
            if (is_ms && n == 0) {
                snprintf(err, errlen, "%s: must be at least 1", a);
                return CONFIG_E_USAGE;
            }
            if (strcmp(a, "--max-body-bytes") == 0)
                c->max_body_bytes = (size_t)n;
            else if (strcmp(a, "--max-queue") == 0)
                c->max_queue = (size_t)n;
            else if (strcmp(a, "--request-timeout-ms") == 0)
                c->request_timeout_ms = n;
            else if (strcmp(a, "--keepalive-timeout-ms") == 0)
                c->keepalive_timeout_ms = n;
            else if (strcmp(a, "--headers-timeout-ms") == 0)
                c->headers_timeout_ms = n;
            else if (strcmp(a, "--processing-interval-ms") == 0)
                c->processing_interval_ms = n;
            else {
                c->hook_timeout_ms = n;
                hook_timeout_set = true;
            }
        }
    }
    if (!hook_timeout_set)
        c->hook_timeout_ms = c->processing_interval_ms + c->request_timeout_ms;
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

/* Adds one token (trimmed of spaces, tabs and CR); empty ones are skipped. */
static int add_token(struct serve_config *c, const char *s, size_t len, char *err, size_t errlen)
{
    while (len > 0 && (*s == ' ' || *s == '\t' || *s == '\r'))
        s++, len--;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
        len--;
    if (len == 0)
        return 0;
    if (c->ntokens >= CONFIG_MAX_TOKENS) {
        snprintf(err, errlen, "at most %d system tokens", CONFIG_MAX_TOKENS);
        return -1;
    }
    if (len > CONFIG_TOKEN_MAX) {
        snprintf(err, errlen, "a system token is longer than %d bytes", CONFIG_TOKEN_MAX);
        return -1;
    }
    char *t = malloc(len + 1);
    if (t == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(t, s, len);
    t[len] = '\0';
    c->tokens[c->ntokens++] = t;
    return 0;
}

static int load_token_file(struct serve_config *c, char *err, size_t errlen)
{
    FILE *f = fopen(c->token_file, "r");
    if (f == NULL) {
        snprintf(err, errlen, "cannot read system token file %s: %s", c->token_file,
                 strerror(errno));
        return CONFIG_E_LOAD;
    }
    char line[CONFIG_TOKEN_MAX + 8];
    int rc = CONFIG_OK;
    while (fgets(line, sizeof(line), f) != NULL) {
        size_t len = strlen(line);
        if (len > 0 && line[len - 1] == '\n')
            len--;
        else if (!feof(f)) {
            snprintf(err, errlen, "system token file %s: a line is longer than %d bytes",
                     c->token_file, CONFIG_TOKEN_MAX);
            rc = CONFIG_E_LOAD;
            break;
        }
        if (add_token(c, line, len, err, errlen) != 0) {
            rc = CONFIG_E_LOAD;
            break;
        }
    }
    fclose(f);
    if (rc == CONFIG_OK && c->ntokens == 0) {
        snprintf(err, errlen, "system token file %s holds no token", c->token_file);
        rc = CONFIG_E_LOAD;
    }
    return rc;
}

int config_load_tokens(struct serve_config *c, char *err, size_t errlen)
{
    if (c->token_file != NULL)
        return load_token_file(c, err, errlen);
    const char *env = getenv("HOOKSTACK_SYSTEM_TOKEN");
    if (env != NULL && *env != '\0') {
        const char *p = env;
        for (;;) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            if (add_token(c, p, len, err, errlen) != 0)
                return CONFIG_E_LOAD;
            if (comma == NULL)
                break;
            p = comma + 1;
        }
        if (c->ntokens > 0)
            return CONFIG_OK;
    }
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
    if (add_token(c, hex, 4 + 2 * sizeof(raw), err, errlen) != 0)
        return CONFIG_E_LOAD;
    c->dev_token = true;
    return CONFIG_OK;
}

void config_free(struct serve_config *c)
{
    for (size_t i = 0; i < c->nmodule_dirs; i++)
        free((void *)c->module_dirs[i]);
    for (size_t i = 0; i < c->ntokens; i++) {
        /* Tokens are secrets: clear them before release. */
        explicit_bzero(c->tokens[i], strlen(c->tokens[i]));
        free(c->tokens[i]);
    }
    c->nmodule_dirs = 0;
    c->ntokens = 0;
}
