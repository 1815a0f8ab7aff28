/* config.h — the options of `hookstack serve`: command-line parsing, defaults and system tokens.
 *
 * config_parse() fills a serve_config from argv (every value bounded and checked), and
 * config_load_tokens() reads the system tokens from HOOKSTACK_SYSTEM_TOKEN (comma-separated) or
 * --system-token-file (one per line), or makes a random development token when neither is set.
 * A serve_config owns its strings; config_free() releases them. */
#ifndef HS_CONFIG_H
#define HS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_MAX_MODULE_DIRS 32
#define CONFIG_MAX_TOKENS      16
#define CONFIG_MAX_WORKERS     256
#define CONFIG_TOKEN_MAX       4096

struct serve_config {
    char host[256];
    int port;                                        /* 0: pick a free port */
    const char *module_dirs[CONFIG_MAX_MODULE_DIRS]; /* owned */
    size_t nmodule_dirs;
    int workers;
    const char *token_file; /* borrowed from argv, or NULL */
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
    int log_level;                   /* enum log_level: LOG_INFO unless --log-level */
    /* System tokens (owned); dev_token is set when one was generated for this run. */
    char *tokens[CONFIG_MAX_TOKENS];
    size_t ntokens;
    bool dev_token;
};

enum config_status {
    CONFIG_OK = 0,
    CONFIG_HELP = 1,     /* --help was given: usage printed, exit 0 */
    CONFIG_E_USAGE = -1, /* bad arguments: message in err, exit 2 */
    CONFIG_E_LOAD = -2,  /* tokens could not be read: message in err, exit 1 */
};

void config_defaults(struct serve_config *c);

/* Parses argv (argv[0] is "serve"). On --help prints the usage to stdout and returns CONFIG_HELP.
 * On a bad argument writes one line into err and returns CONFIG_E_USAGE. */
int config_parse(struct serve_config *c, int argc, char **argv, char *err, size_t errlen);

/* Loads the system tokens (see above). Returns CONFIG_OK or CONFIG_E_LOAD with err filled. */
int config_load_tokens(struct serve_config *c, char *err, size_t errlen);

/* Writes the usage text of `hookstack serve`. */
void config_usage(void *file /* FILE * */);

void config_free(struct serve_config *c);

#endif
