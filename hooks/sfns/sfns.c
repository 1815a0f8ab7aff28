/* sfns.c — the sfns hook module (Salesforce <-> NetSuite syncs): its entry point and an init that
 * calls the registration function of each function file. A new function file adds one line to
 * sfns_files[] and declares its registration function in sfns.h. */
#include "sfns.h"

const hs_api *sfns_api;

/* One registration function per function file, in catalog order. */
static const sfns_register_fn sfns_files[] = {
    sfns_account_register,     /* sfnsAccountToCustomer */
    sfns_customer_register,    /* sfnsCustomerToAccount */
    sfns_contact_register,     /* sfnsContactToContact */
    sfns_items_register,       /* sfnsItemsToPricebook */
    sfns_opportunity_register, /* sfnsOpportunityToSalesOrder */
    sfns_route_register,       /* sfnsOrderRoute */
    sfns_results_register,     /* sfnsSalesOrderResult */
    sfns_invoice_register,     /* sfnsInvoiceStatus */
    sfns_case_register,        /* sfnsCaseToActivity */
    NULL,
};

static hs_status sfns_init(const hs_api *api, hs_module *mod)
{
    sfns_api = api;
    for (size_t i = 0; sfns_files[i] != NULL; i++) {
        hs_status st = sfns_files[i](mod);
        if (st != HS_OK)
            return st;
    }
    return HS_OK;
}

HS_MODULE("sfns", "0.1.0", sfns_init)
