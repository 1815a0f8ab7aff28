/* init_fails.c — a module whose init registers a function and then fails: refused. */
#include "hookstack.h"

static hs_status fn(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)ctx;
    *result = options;
    return HS_OK;
}

static hs_status init(const hs_api *api, hs_module *mod)
{
    hs_status st = api->register_fn(mod, "initFailsFn", HS_KIND_UTILITY, fn, NULL);
    return st != HS_OK ? st : HS_ERR_INVALID;
}

HS_MODULE("init_fails", "1.0.0", init)
