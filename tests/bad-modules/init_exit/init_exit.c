/* init_exit.c — a module whose init ends the process with exit(3). */
#include <stdlib.h>

#include "hookstack.h"

static hs_status fn(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)ctx;
    *result = options;
    return HS_OK;
}

static hs_status init(const hs_api *api, hs_module *mod)
{
    (void)api->register_fn(mod, "initExitFn", HS_KIND_UTILITY, fn, NULL);
    exit(3);
}

HS_MODULE("init_exit", "1.0.0", init)
