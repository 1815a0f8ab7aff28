/* cli_serve.c — `hookstack serve`: options, tokens, modules, then the front (see front.h). */
#include <stdio.h>

#include "cli.h"
#include "config.h"
#include "front.h"
#include "log.h"
#include "proto.h"
#include "registry.h"

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
    if (rc != CONFIG_OK) {
        fprintf(stderr, "hookstack serve: %s\n", err);
        config_free(&cfg);
        return 2;
    }
    log_set_level((enum log_level)cfg.log_level);
    if (config_load_tokens(&cfg, err, sizeof(err)) != CONFIG_OK) {
        fprintf(stderr, "hookstack serve: %s\n", err);
        config_free(&cfg);
        return 1;
    }
    /* Listen first: a taken port fails before any module is loaded. */
    struct front *f = front_open(&cfg);
    if (f == NULL) {
        config_free(&cfg);
        return 1;
    }
    struct registry_load_opts lo = {
        .dirs = cfg.module_dirs,
        .ndirs = cfg.nmodule_dirs,
        .no_diy = cfg.no_diy,
    };
    err[0] = '\0';
    struct registry *reg = registry_load(&lo, err, sizeof(err));
    if (reg == NULL) {
        fprintf(stderr, "hookstack serve: %s\n", err[0] ? err : "cannot load the modules");
        front_close(f);
        config_free(&cfg);
        return 1;
    }
    struct proto_config pc = {
        .reg = reg,
        .tokens = (const char *const *)cfg.tokens,
        .ntokens = cfg.ntokens,
        .max_body = cfg.max_body_bytes,
        .default_max_response = 5242880,
    };
    rc = front_run(f, &pc);
    registry_free(reg);
    config_free(&cfg);
    return rc;
}
