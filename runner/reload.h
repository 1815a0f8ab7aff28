/* reload.h — the module set workers serve, and the worker side of loading it.
 *
 * A set is a checked module set (modset.h: sealed copies of the .so files, accepted by the check
 * of modcheck.h) plus what a worker needs to serve it: the proto_config base (tokens, limits) and
 * the worker_opts (per-function deadlines, recycle mark, answer limit). The front keeps the
 * current set and the pool forks workers with it; on SIGHUP a new set is checked and, once it
 * passed, handed to the pool (pool_reload). The front never loads it: each worker does, in
 * reload_worker_main, before it tells the pool it is ready (IPC_NOTE_READY). */
#ifndef HS_RELOAD_H
#define HS_RELOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "modset.h"
#include "proto.h"
#include "worker.h"

/* The status a worker exits with when it cannot load its set (logged as worker_load_failed). */
#define RELOAD_EXIT_LOAD 78

struct reload_set {
    struct modset *ms; /* owned */
    bool no_diy;
    struct proto_config pc; /* reg is set by each worker to the registry it loaded */
    struct worker_opts wo;
    struct worker_deadline deadlines[CONFIG_MAX_HOOK_TIMEOUTS];
};

/* A set serving ms (taken over: freed with the set, or here when out of memory) with base's
 * tokens and limits and cfg's per-function deadlines, recycle mark and answer limit. NULL when
 * out of memory. */
struct reload_set *reload_set_new(const struct serve_config *cfg, const struct proto_config *base,
                                  struct modset *ms);

void reload_set_free(struct reload_set *s);

/* The pool's child_fds: the set's files, kept by a forked worker at CHILD_FD_KEEP onwards. */
int reload_child_fds(void *set, int *fds, int max);

/* The pool's child_main: loads the set, says it is ready, serves frames on fd until end of file,
 * then runs the modules' cleanup. Its exit code (RELOAD_EXIT_LOAD when the set cannot load). */
int reload_worker_main(int fd, void *set);

#endif
