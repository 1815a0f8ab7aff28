/* cli_serve.c — `hookstack serve`: options, tokens, the check of the modules, then the front (see
 * front.h). */
#include <stdio.h>

#include "cli.h"
#include "config.h"
#include "err.h"
#include "front.h"
#include "log.h"
#include "modcheck.h"
#include "proto.h"

int cli_serve(int argc, char **argv)
{
    struct serve_config cfg;
    config_defaults(&cfg);
    char err[1024];
    int rc = config_parse(&cfg, argc, argv, err, sizeof(err));
    if (rc == CONFIG_HELP) {
        config_free(&cfg);
        return 0;
    }
    if (rc != ERR_OK) {
        fprintf(stderr, "hookstack serve: %s\n", err);
        config_free(&cfg);
        /* An unreadable config file exits 1; a bad argument (and running out of memory while
         * reading them) 2. */
        return rc == ERR_CONFIG ? 1 : 2;
    }
    log_set_level((enum log_level)cfg.log_level);
    if (config_load_tokens(&cfg, err, sizeof(err)) != ERR_OK) {
        fprintf(stderr, "hookstack serve: %s\n", err);
        config_free(&cfg);
        return 1;
    }
    if (cfg.print_config) {
        rc = config_print(&cfg, stdout);
        config_free(&cfg);
        return rc == 0 ? 0 : 1;
    }
    /* Listen first: a taken port fails before any module is loaded. */
    struct front *f = front_open(&cfg);
    if (f == NULL) {
        config_free(&cfg);
        return 1;
    }
    /* The modules are checked in a child (modcheck.h): this process never loads module code. A
     * set that fails its check fails the start with one line naming the module and why. */
    struct modset *ms = modcheck_run(&cfg, err, sizeof(err));
    if (ms == NULL) {
        fprintf(stderr, "hookstack serve: %s\n", err[0] ? err : "cannot load the modules");
        front_close(f);
        config_free(&cfg);
        return 1;
    }
    modset_log_modules(ms);
    struct proto_config pc = {
        .tokens = (const char *const *)cfg.tokens,
        .ntokens = cfg.ntokens,
        .max_body = cfg.max_body_bytes,
        .default_max_response = 5242880,
        .api_tokens = (const char *const *)cfg.api_tokens,
        .napi_tokens = cfg.napi_tokens,
    };
    rc = front_run(f, &pc, ms);
    config_free(&cfg);
    return rc;
}
