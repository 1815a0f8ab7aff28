/* ctor_crash.c — a module whose constructor writes to NULL: dlopen itself crashes (SIGSEGV), before
 * the loader sees the module record. A reload that brings it is refused; the front lives on. */
#include "hookstack.h"

/* volatile: the compiler cannot see the NULL coming and keeps the store. */
static volatile int *volatile nowhere;

__attribute__((constructor)) static void ctor_crash_boom(void)
{
    *nowhere = 1;
}

static hs_status fn(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)ctx;
    *result = options;
    return HS_OK;
}

static hs_status init(const hs_api *api, hs_module *mod)
{
    return api->register_fn(mod, "ctorCrashFn", HS_KIND_UTILITY, fn, NULL);
}

HS_MODULE("ctor_crash", "1.0.0", init)
