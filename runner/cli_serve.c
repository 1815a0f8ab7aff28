/* cli_serve.c — `hookstack serve`: options, tokens, modules, then the front (see front.h). */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "front.h"
#include "log.h"
#include "proto.h"
#include "registry.h"

/* Copies what was written to fd (from its start) to standard error. */
static void serve_replay(int fd)
{
    char buf[8192];
    off_t off = 0;
    for (;;) {
        ssize_t n = pread(fd, buf, sizeof(buf), off);
        if (n <= 0)
            break;
        off += n;
        for (ssize_t w = 0; w < n;) {
            ssize_t k = write(2, buf + w, (size_t)(n - w));
            if (k <= 0)
                return;
            w += k;
        }
    }
}

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
        return rc == CONFIG_E_LOAD ? 1 : 2;
    }
    log_set_level((enum log_level)cfg.log_level);
    if (config_load_tokens(&cfg, err, sizeof(err)) != CONFIG_OK) {
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
    struct registry_load_opts lo = {
        .dirs = cfg.module_dirs,
        .ndirs = cfg.nmodule_dirs,
        .no_diy = cfg.no_diy,
    };
    err[0] = '\0';
    /* The loader's own log lines are held back: shown when the modules load, dropped when one
     * fails, so a failed start says one thing once. */
    int held = memfd_create("hookstack-load-log", MFD_CLOEXEC);
    if (held >= 0)
        log_set_fd(held);
    struct registry *reg = registry_load(&lo, err, sizeof(err));
    if (held >= 0) {
        log_set_fd(2);
        if (reg != NULL)
            serve_replay(held);
        close(held);
    }
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
        .api_tokens = (const char *const *)cfg.api_tokens,
        .napi_tokens = cfg.napi_tokens,
    };
    rc = front_run(f, &pc);
    registry_free(reg);
    config_free(&cfg);
    return rc;
}
