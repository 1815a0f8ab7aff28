/* examples.c — the examples module's entry point: an init that registers the four example hooks
 * (account_to_customer.c, opportunity_lines.c, order_write_back.c, route.c). */
#include "examples.h"

const hs_api *ex_api;

static hs_status ex_init(const hs_api *api, hs_module *mod)
{
    hs_status st;
    ex_api = api;
    if ((st = ex_account_register(mod)) != HS_OK || (st = ex_opportunity_register(mod)) != HS_OK ||
        (st = ex_write_back_register(mod)) != HS_OK)
        return st;
    return ex_route_register(mod);
}

HS_MODULE("examples", "1.0.0", ex_init)
