/* bad_signature.c — a module built "for another platform": its build signature differs. */
#include "hookstack.h"

static hs_status init(const hs_api *api, hs_module *mod)
{
    (void)api;
    (void)mod;
    return HS_OK;
}

static const hs_module_info info = {(uint32_t)sizeof(hs_module_info),
                                    HS_MODULE_MAGIC,
                                    HS_ABI_MAJOR,
                                    HS_ABI_MINOR,
                                    HS_BUILD_SIGNATURE ^ 0x04000000u,
                                    "bad_signature",
                                    "1.0.0",
                                    init,
                                    NULL};

const hs_module_info *hs_module_entry(void)
{
    return &info;
}
