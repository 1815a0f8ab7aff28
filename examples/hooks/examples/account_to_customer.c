/* account_to_customer.c — exAccountToCustomer (preMap): a Salesforce Account becomes a NetSuite
 * customer: its company name, phone and web site, the subsidiary of its billing country
 * (settings.subsidiaries, such as {"GB": 3, "US": "1"}, else settings.defaultSubsidiary), and an
 * address book with the billing and the shipping address. An account without a Name, or whose
 * country has no subsidiary, keeps its data and gets an error. */
#include "examples.h"

#define api ex_api

/* Salesforce address fields (after "Billing" or "Shipping") and their NetSuite names. */
static const char *const address_fields[][2] = {{"Street", "addr1"},
                                                {"City", "city"},
                                                {"State", "state"},
                                                {"PostalCode", "zip"},
                                                {"Country", "country"}};

/* Appends the address whose fields start with prefix to book, unless it has none. */
static void add_address(hs_ctx *ctx, hs_json *acct, const char *prefix, int billing, hs_json *book)
{
    hs_json *addr = api->json_new_object(ctx);
    for (size_t i = 0; i < sizeof(address_fields) / sizeof(address_fields[0]); i++) {
        const char *key = api->sprintf(ctx, "%s%s", prefix, address_fields[i][0]);
        api->json_set_string_if_present(ctx, addr, address_fields[i][1],
                                        api->json_get_trimmed(ctx, acct, key));
    }
    if (api->json_len(addr) == 0)
        return;
    hs_json *entry = api->json_new_object(ctx);
    api->json_set_bool(ctx, entry, "defaultBilling", billing);
    api->json_set_bool(ctx, entry, "defaultShipping", !billing);
    api->json_set_string(ctx, entry, "label", prefix);
    api->json_set(ctx, entry, "addressbookAddress", addr);
    api->json_push(ctx, book, entry);
}

static hs_status account_to_customer(hs_ctx *ctx, hs_record *rec)
{
    hs_json *acct = api->record_data(rec);
    const char *name = api->json_get_trimmed(ctx, acct, "Name");
    if (!name)
        return api->record_add_error(
            rec, api->error_new(ctx, "missing_name", "The account has no Name.", "examples"));
    /* {"GB": 3} and {"GB": "3"} both give "3"; {"GB": {...}} is an error, never the default. */
    const char *country = api->json_get_trimmed(ctx, acct, "BillingCountry");
    const char *sub = api->json_get_trimmed(ctx, api->setting(ctx, "subsidiaries"), country);
    if (!sub)
        sub = api->setting_string(ctx, "defaultSubsidiary", NULL);
    if (!sub)
        return api->record_add_error(
            rec, api->error_new(ctx, "no_subsidiary",
                                api->sprintf(ctx, "No subsidiary for the billing country \"%s\".",
                                             country ? country : ""),
                                "examples"));

    hs_json *cust = api->json_new_object(ctx);
    hs_json *subsidiary = api->json_new_object(ctx);
    hs_json *book = api->json_new_array(ctx);
    api->json_set_if_present(ctx, cust, "externalId", api->json_get(acct, "Id"));
    api->json_set_string(ctx, cust, "companyName", name);
    api->json_set_string(ctx, subsidiary, "internalId", sub);
    api->json_set(ctx, cust, "subsidiary", subsidiary);
    api->json_set_string_if_present(ctx, cust, "phone", api->json_get_trimmed(ctx, acct, "Phone"));
    api->json_set_string_if_present(ctx, cust, "url", api->json_get_trimmed(ctx, acct, "Website"));
    add_address(ctx, acct, "Billing", 1, book);
    add_address(ctx, acct, "Shipping", 0, book);
    if (api->json_len(book) > 0)
        api->json_set(ctx, cust, "addressbook", book);
    hs_status st = api->ctx_error(ctx);
    return st != HS_OK ? st : api->record_replace(rec, cust);
}

hs_status ex_account_register(hs_module *mod)
{
    hs_fn_opts o = HS_FN_OPTS_INIT;
    o.description = "Example: Salesforce Account -> NetSuite customer (subsidiary map, addresses)";
    return api->register_record_fn(mod, "exAccountToCustomer", HS_KIND_PRE_MAP, account_to_customer,
                                   &o);
}
