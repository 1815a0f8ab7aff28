/* worker_crash.c — a module that passes the server's check of a new set but crashes when a worker
 * loads it: its init writes to NULL only when descriptor 3 is a socket (a worker's channel to the
 * front; the check's is a pipe). Stands for an init that fails now and then: the set never takes
 * over, the old one keeps serving. */
#include <sys/stat.h>

#include "hookstack.h"

static volatile int *volatile nowhere;

static hs_status fn(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)ctx;
    *result = options;
    return HS_OK;
}

static hs_status init(const hs_api *api, hs_module *mod)
{
    struct stat st;
    if (fstat(3, &st) == 0 && S_ISSOCK(st.st_mode))
        *nowhere = 1;
    return api->register_fn(mod, "workerCrashFn", HS_KIND_UTILITY, fn, NULL);
}

HS_MODULE("worker_crash", "1.0.0", init)
