/* abi_mismatch.c — a module whose record claims hook ABI 2.0: the loader must refuse it. */
#include "hookstack.h"

static hs_status init(const hs_api *api, hs_module *mod)
{
    (void)api;
    (void)mod;
    return HS_OK;
}

static const hs_module_info info = {(uint32_t)sizeof(hs_module_info),
                                    HS_MODULE_MAGIC,
                                    2,
                                    0,
                                    HS_BUILD_SIGNATURE,
                                    "abi_mismatch",
                                    "1.0.0",
                                    init,
                                    NULL};

const hs_module_info *hs_module_entry(void)
{
    return &info;
}
