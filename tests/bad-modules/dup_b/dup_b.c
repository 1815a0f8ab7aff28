/* dup_b.c — registers "clash" in the hooks group for DIY (so does dup_a): loading both is
 * refused, naming both modules. Also checks that registering the same name twice in one module
 * gives HS_ERR_EXISTS. */
#include "hookstack.h"

static hs_status fn(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)ctx;
    (void)options;
    *result = NULL;
    return HS_OK;
}

static hs_status init(const hs_api *api, hs_module *mod)
{
    hs_status st = api->register_fn(mod, "only_b", HS_KIND_UTILITY, fn, NULL);
    if (st != HS_OK)
        return st;
    st = api->register_fn(mod, "clash", HS_KIND_PRE_MAP, fn, NULL);
    if (st != HS_OK)
        return HS_OK; /* the clash: the loader already refuses the module */
    /* A second registration of the same name by the same module. */
    if (api->register_fn(mod, "clash", HS_KIND_PRE_MAP, fn, NULL) != HS_ERR_EXISTS)
        return HS_ERR_INVALID;
    return HS_OK;
}

HS_MODULE("dup_b", "1.0.0", init)
