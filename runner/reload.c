/* reload.c — module sets for workers, and a worker's loading of its set (see reload.h). */
#include "reload.h"

#include <stdlib.h>
#include <unistd.h>

#include "ipc.h"
#include "log.h"

struct reload_set *reload_set_new(const struct serve_config *cfg, const struct proto_config *base,
                                  struct modset *ms)
{
    struct reload_set *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        modset_free(ms);
        return NULL;
    }
    s->ms = ms;
    s->no_diy = cfg->no_diy;
    s->pc = *base;
    s->pc.reg = NULL;
    size_t n = cfg->nhook_timeouts < CONFIG_MAX_HOOK_TIMEOUTS ? cfg->nhook_timeouts
                                                              : CONFIG_MAX_HOOK_TIMEOUTS;
    for (size_t i = 0; i < n; i++) {
        s->deadlines[i].function = cfg->hook_timeouts[i].function;
        s->deadlines[i].ms = cfg->hook_timeouts[i].ms;
    }
    s->wo.pcfg = &s->pc;
    s->wo.deadlines = s->deadlines;
    s->wo.ndeadlines = n;
    s->wo.recycle_bytes = cfg->worker_recycle_mb << 20;
    s->wo.max_response_bytes = cfg->max_response_bytes;
    return s;
}

void reload_set_free(struct reload_set *s)
{
    if (s == NULL)
        return;
    modset_free(s->ms);
    free(s);
}

int reload_child_fds(void *set, int *fds, int max)
{
    const struct reload_set *s = set;
    int n = 0;
    for (size_t i = 0; i < s->ms->nfiles && n < max; i++)
        fds[n++] = s->ms->fds[i];
    return n;
}

int reload_worker_main(int fd, void *set)
{
    const struct reload_set *s = set;
    char err[1024];
    err[0] = '\0';
    struct registry *reg = modset_load(s->ms, s->no_diy, NULL, NULL, err, sizeof(err));
    if (reg == NULL) {
        log_msg(LOG_LEVEL_ERROR, "worker_load_failed", "worker %d cannot load the modules: %s",
                (int)getpid(), err[0] ? err : "unknown error");
        return RELOAD_EXIT_LOAD;
    }
    if (ipc_note_write(fd, 0, IPC_NOTE_READY, 0, NULL, 0) != 0) {
        registry_free(reg);
        return 1;
    }
    struct proto_config pc = s->pc;
    pc.reg = reg;
    struct worker_opts wo = s->wo;
    wo.pcfg = &pc;
    int rc = worker_serve(fd, &wo);
    /* The end of a worker is the end of its modules: their cleanup runs here. */
    registry_free(reg);
    return rc;
}
