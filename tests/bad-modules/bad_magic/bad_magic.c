/* bad_magic.c — a module whose record does not start with HS_MODULE_MAGIC. */
#include "hookstack.h"

static hs_status init(const hs_api *api, hs_module *mod)
{
    (void)api;
    (void)mod;
    return HS_OK;
}

static const hs_module_info info = {(uint32_t)sizeof(hs_module_info),
                                    0x12345678u,
                                    HS_ABI_MAJOR,
                                    HS_ABI_MINOR,
                                    HS_BUILD_SIGNATURE,
                                    "bad_magic",
                                    "1.0.0",
                                    init,
                                    NULL};

const hs_module_info *hs_module_entry(void)
{
    return &info;
}
