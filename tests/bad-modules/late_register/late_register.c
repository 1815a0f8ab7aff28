/* late_register.c — keeps the module handle past init and tries to register and to allocate
 * module state from inside a function call: both must be refused. The function answers
 * {"register":"<status name>","state":<bool: state block returned>}. */
#include "hookstack.h"

static const hs_api *api;
static hs_module *saved;

static hs_status late(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    hs_status st = api->register_fn(saved, "registeredLate", HS_KIND_UTILITY, late, NULL);
    void *state = api->module_state_alloc(saved, 16);
    hs_json *o = api->json_new_object(ctx);
    if (!o || api->json_set_string(ctx, o, "register", api->status_name(st)) != HS_OK ||
        api->json_set_bool(ctx, o, "state", state != NULL) != HS_OK)
        return HS_ERR_NOMEM;
    *result = o;
    return HS_OK;
}

static hs_status init(const hs_api *a, hs_module *mod)
{
    api = a;
    saved = mod;
    return api->register_fn(mod, "tryLate", HS_KIND_UTILITY, late, NULL);
}

HS_MODULE("late_register", "1.0.0", init)
