/* reload.h — module sets for `hookstack serve`: what workers are forked with, and SIGHUP's
 * reload of the modules.
 *
 * A module set is a registry plus what a worker needs to serve it (proto_config, worker_opts
 * with the per-function deadlines and the recycle mark). The front keeps the current one; the
 * pool forks new workers with it. reload_load() loads the module folders again as they are on
 * disk now: the .so files are first copied into a fresh temporary folder and loaded from there,
 * because the dynamic loader hands back the already loaded object for a path it knows (a file
 * replaced on disk under the same name would not be read again), and a copy cannot change while
 * it is being loaded. The copies are removed once loaded (the mappings stay). A set that fails to
 * load is refused with one line naming the original file and the reason. */
#ifndef HS_RELOAD_H
#define HS_RELOAD_H

#include <stddef.h>

#include "config.h"
#include "proto.h"
#include "registry.h"
#include "worker.h"

struct reload_set {
    struct registry *reg; /* owned, or NULL when the set borrows the start-up registry */
    struct proto_config pc;
    struct worker_opts wo; /* wo.pcfg == &pc */
    struct worker_deadline deadlines[CONFIG_MAX_HOOK_TIMEOUTS];
};

/* A set serving reg (owned when own_reg, else borrowed) with base's tokens and limits and cfg's
 * per-function deadlines and recycle mark. NULL when out of memory (reg is then freed when
 * owned). */
struct reload_set *reload_set_new(const struct serve_config *cfg, const struct proto_config *base,
                                  struct registry *reg, int own_reg);

void reload_set_free(struct reload_set *s);

/* Loads cfg's module folders anew (see above). The registry, or NULL with one line in err. */
struct registry *reload_load(const struct serve_config *cfg, char *err, size_t errlen);

#endif
