/* cli_local.h — POST /function run locally, for `hookstack invoke` and `hookstack test`.
 *
 * Local runs take the server's own path: the modules are loaded into a registry once, and each
 * request is framed (ipc.h) and handed to a freshly forked worker process running worker_main(),
 * which runs proto_handle() — the same validation, dispatch and result checks as a served request.
 * A hook that crashes or hangs therefore kills only that child: the run gets a 500 error body
 * (hook_crashed naming the signal, or hook_timeout) instead of taking the CLI down.
 *
 * Tokens: a local run has no client to authenticate, so cli_local_open() makes a random system
 * token that lives only in this process, accepts only that token, and sends it as
 * "Authorization: Bearer" with every request. A body's own access_token is therefore ignored (as
 * the reference ignores it whenever an Authorization header is present). */
#ifndef HS_CLI_LOCAL_H
#define HS_CLI_LOCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proto.h"
#include "registry.h"

#define CLI_LOCAL_MAX_DIRS           32
#define CLI_LOCAL_DEFAULT_TIMEOUT_MS 300000u /* about the platform's own limit for a call */

/* The --modules folders of a command. */
struct cli_modules {
    const char *dirs[CLI_LOCAL_MAX_DIRS];
    size_t ndirs;
    char *default_dir; /* malloc'd when the default was taken */
};

/* If argv[*i] is "NAME VALUE" or "NAME=VALUE", sets *val, advances *i past the value and returns 1;
 * returns 0 for any other argument, -1 (message on stderr, naming cmd) when the value is missing
 * or empty. */
int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **val,
                  const char *cmd);

/* If argv[*i] is "--modules DIR" or "--modules=DIR", records DIR, advances *i past the value and
 * returns 1; returns 0 for any other argument, -1 (message on stderr, naming cmd) when the value
 * is missing or there are too many folders. */
int cli_modules_arg(struct cli_modules *m, int argc, char **argv, int *i, const char *cmd);

/* When no --modules was given: the 'modules' folder beside the binary ('modules-asan' for
 * hookstack-asan), as `hookstack serve` does. 0, or -1 when out of memory. */
int cli_modules_default(struct cli_modules *m);
void cli_modules_free(struct cli_modules *m);

/* Parses a --timeout value in seconds (a positive number, fractions allowed) into ms. 0 / -1. */
int cli_timeout_parse(const char *s, uint64_t *ms);

/* registry_load() of the folders of m, without the loader's own log lines (the caller prints the
 * one error line). NULL with err filled on failure. */
struct registry *cli_registry_load(const struct cli_modules *m, char *err, size_t errlen);

struct cli_local {
    struct registry *reg;
    char token[65]; /* the in-process system token (hex) */
    char authorization[80];
    const char *tokens[1];
    struct proto_config cfg;
    uint64_t timeout_ms;
    bool hook_logs; /* the hooks' log lines go to stderr (default); false: dropped */
};

/* Loads the modules of m and makes the token. 0, or -1 with one line in err. */
int cli_local_open(struct cli_local *l, const struct cli_modules *m, char *err, size_t errlen);
void cli_local_close(struct cli_local *l);

struct cli_local_result {
    int status;
    char *body; /* malloc'd, NUL-terminated, body_len bytes */
    size_t body_len;
    char content_type[128];
    int crashed_signal; /* the worker died by this signal (the body says hook_crashed) */
    int crashed;        /* the worker died without answering (signal or exit) */
    int timed_out;      /* the worker ran past timeout_ms and was killed (hook_timeout) */
};

/* Runs one request body (sent as Content-Type application/json with the local token) in a forked
 * worker and waits for its answer. Returns 0 with out filled — also for a crash or a timeout,
 * which come back as 500 error bodies — or -1 with err filled when the run itself failed (fork,
 * socket). function (may be NULL) names the function in those error messages, as the server's
 * do: "The function F crashed: its worker was killed by signal 11 (SIGSEGV)." */
int cli_local_run(struct cli_local *l, const char *body, size_t len, const char *function,
                  struct cli_local_result *out, char *err, size_t errlen);
void cli_local_result_free(struct cli_local_result *r);

/* The request `type` that selects a framework 1.0 group: hooks -> hook, wrappers -> wrapper,
 * settings -> setting, utilities -> utility; any other group is its own type. */
const char *cli_group_type(const char *group);

/* Usage lines shared by the commands that run requests. */
#define CLI_LOCAL_USAGE_MODULES                                                                    \
    "  --modules DIR    load every *.so of DIR (repeatable; default: the 'modules'\n"              \
    "                   folder beside the binary)\n"
#define CLI_LOCAL_USAGE_TIMEOUT                                                                    \
    "  --timeout SECS   kill a function that runs longer (default 300)\n"

#endif
