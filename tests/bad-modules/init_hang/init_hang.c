/* init_hang.c — a module whose init never returns (it sleeps forever): only the load deadline
 * (--module-load-timeout-ms) ends it. */
#include <unistd.h>

#include "hookstack.h"

static hs_status fn(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)ctx;
    *result = options;
    return HS_OK;
}

static hs_status init(const hs_api *api, hs_module *mod)
{
    hs_status st = api->register_fn(mod, "initHangFn", HS_KIND_UTILITY, fn, NULL);
    for (;;)
        sleep(3600);
    return st;
}

HS_MODULE("init_hang", "1.0.0", init)
