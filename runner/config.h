/* config.h — the options of `hookstack serve`: flags, HOOKSTACK_* environment variables, a JSON
 * config file, defaults, and the system and API tokens.
 *
 * config_parse() fills a serve_config (every value bounded and checked), and
 * config_load_tokens() reads the system tokens from HOOKSTACK_SYSTEM_TOKEN (comma-separated) or
 * --system-token-file (one per line), or makes a random development token when neither is set.
 * A serve_config owns its strings; config_free() releases them. */
#ifndef HS_CONFIG_H
#define HS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

#define CONFIG_MAX_MODULE_DIRS   32
#define CONFIG_MAX_TOKENS        16
#define CONFIG_MAX_WORKERS       256
#define CONFIG_TOKEN_MAX         4096
#define CONFIG_MAX_HOOK_TIMEOUTS 64

/* One --hook-timeout FUNCTION=MS: the deadline of every function of that name. */
struct config_hook_timeout {
    char *function; /* owned */
    uint64_t ms;
};

struct serve_config {
    char host[256];
    int port;                                        /* 0: pick a free port */
    const char *module_dirs[CONFIG_MAX_MODULE_DIRS]; /* owned */
    size_t nmodule_dirs;
    int workers;
    char *token_file; /* owned, or NULL */
    bool no_diy;
    size_t max_body_bytes;           /* 52428800 */
    uint64_t request_timeout_ms;     /* 315000: a request must arrive whole within this */
    uint64_t keepalive_timeout_ms;   /* 301000: idle time between requests */
    uint64_t headers_timeout_ms;     /* 305000: the header block must arrive within this */
    uint64_t processing_interval_ms; /* 270000: then one interim 102 Processing */
    uint64_t hook_timeout_ms;        /* processing interval + request timeout: worker killed */
    size_t max_queue;                /* 1024 invocations waiting for a worker */
    size_t max_header_bytes;         /* 65536: request line + header block */
    size_t max_headers;              /* 100 */
    int log_level;                   /* enum log_level: LOG_LEVEL_INFO unless --log-level */
    /* System tokens (owned); dev_token is set when one was generated for this run. */
    char *tokens[CONFIG_MAX_TOKENS];
    size_t ntokens;
    bool dev_token;
    /* TLS: PEM certificate chain and key (owned); both NULL: plain HTTP. */
    char *tls_cert, *tls_key;
    /* --metrics-listen HOST:PORT: GET /metrics only there, without a token (metrics_port < 0:
     * not set, /metrics on the main port with the system token). */
    char metrics_host[256];
    int metrics_port;
    /* API tokens of POST /v1/hooks/{function} (owned): --api-token-file, else HOOKSTACK_API_TOKEN
     * (comma-separated), else the config file's apiTokens; none: every such request gets 401. */
    char *api_token_file;
    char *api_tokens[CONFIG_MAX_TOKENS];
    size_t napi_tokens;
    char *config_file; /* --config / HOOKSTACK_CONFIG (owned), or NULL */
    bool print_config; /* --print-config: print the effective config as JSON and exit */
    /* Where the token settings came from (internal to config.c): 0 none, 1 file, 2 env, 3 flag. */
    int token_file_level, api_token_file_level;
    char *file_tokens[CONFIG_MAX_TOKENS], *file_api_tokens[CONFIG_MAX_TOKENS];
    size_t nfile_tokens, nfile_api_tokens;
    /* Faults and load (pool.c): per-function deadlines overriding hook_timeout_ms (a later one for
     * the same name wins); the resident memory a worker may reach during a call (0: no limit);
     * the resident memory past which a worker is replaced after a call (0: never); how long a
     * drain may take before what is left is answered 503 and the server exits. */
    struct config_hook_timeout hook_timeouts[CONFIG_MAX_HOOK_TIMEOUTS];
    size_t nhook_timeouts;
    size_t worker_memory_mb;      /* 2048 */
    size_t worker_recycle_mb;     /* 3/4 of worker_memory_mb */
    uint64_t shutdown_timeout_ms; /* the longest hook deadline + 5000 */
    /* Request body bytes (received) the front may hold for requests not yet handed to a worker;
     * past half of it bodies are read in fair shares (front.c "body memory", budget.h); 0: no
     * cap. */
    size_t max_buffered_mb; /* 8 */
    /* Largest answer body a worker may send (a larger one is answered 500 response_too_large;
     * a frame claiming more makes the front stop that worker). */
    size_t max_response_bytes; /* 52428800 */
    /* Client connections served at once; past it a new connection is answered 503 and closed
     * (front.c). 0: from the file descriptor limit (config_max_connections). */
    size_t max_connections;
    /* Loading the module set (constructors, checks, every init) must finish within this, in the
     * check before a set is served (modcheck.h) and in each new worker (pool.h). */
    uint64_t module_load_timeout_ms; /* 10000 */
};

/* File descriptors the default of --max-connections leaves for the rest: listeners, the loop,
 * logs, module reloads and the connections answered 503 at the limit (CONFIG_FD_RESERVE), and per
 * worker its socket, output pipe and /proc file, twice (old and new workers overlap in a
 * reload). */
#define CONFIG_FD_RESERVE    96
#define CONFIG_FD_PER_WORKER 6

/* config_parse's one success that is not ERR_OK: --help was given, the usage is printed, exit 0.
 * Failures are err.h codes: ERR_USAGE (a bad argument: exit 2), ERR_CONFIG (the config file or
 * a token file cannot be read or parsed: exit 1), ERR_NOMEM. */
#define CONFIG_HELP 1

void config_defaults(struct serve_config *c);

/* Fills c from, by precedence: argv (argv[0] is "serve") > HOOKSTACK_* environment variables >
 * the JSON config file (--config FILE or HOOKSTACK_CONFIG) > defaults. Every option has all three
 * forms: --max-body-bytes, HOOKSTACK_MAX_BODY_BYTES, "maxBodyBytes". On --help prints the usage to
 * stdout and returns CONFIG_HELP. On a bad value writes one line into err naming where it came
 * from (the flag, the variable, or FILE:LINE:COLUMN and the key) and returns ERR_USAGE; a config
 * file that cannot be read or parsed gives ERR_CONFIG. ERR_OK otherwise. */
int config_parse(struct serve_config *c, int argc, char **argv, char *err, size_t errlen);

/* Loads the system tokens and the API tokens (see above). Returns ERR_OK, or ERR_CONFIG (or
 * ERR_NOMEM) with err filled. */
int config_load_tokens(struct serve_config *c, char *err, size_t errlen);

/* Writes the effective configuration as one JSON object (compact, then a newline) to file, with
 * every token replaced by "******". 0, or -1 when out of memory. */
int config_print(const struct serve_config *c, FILE *file);

/* Writes the usage text of `hookstack serve`. */
void config_usage(FILE *file);

/* The connection limit in effect: --max-connections, or when 0 the hard file descriptor limit
 * (the server raises its soft limit to it) less the reserve above; at least 1. */
size_t config_max_connections(const struct serve_config *c);

void config_free(struct serve_config *c);

#endif
