/* examples.h — the example hook module: four Salesforce -> NetSuite hooks written with the hook
 * API's coercions and building calls (README, "Text, settings and building records"). Each
 * function file registers its own function; examples.c calls them. */
#ifndef EX_EXAMPLES_H
#define EX_EXAMPLES_H

#include "hookstack.h"

extern const hs_api *ex_api;

hs_status ex_account_register(hs_module *mod);
hs_status ex_opportunity_register(hs_module *mod);
hs_status ex_write_back_register(hs_module *mod);
hs_status ex_route_register(hs_module *mod);

#endif
