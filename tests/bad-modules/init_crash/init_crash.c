/* init_crash.c — a module whose init registers a function, then writes to NULL (SIGSEGV). */
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
    hs_status st = api->register_fn(mod, "initCrashFn", HS_KIND_UTILITY, fn, NULL);
    *nowhere = 1;
    return st;
}

HS_MODULE("init_crash", "1.0.0", init)
