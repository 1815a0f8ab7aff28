/* route.c — exRoute (branching): sends an order down a router's branches by name (the router's
 * branch names, in order, are settings.branches). The billing country's region
 * (settings.regions, such as {"DE": "eu", "FR": "eu"}; default "us") picks "netsuite-eu" or
 * "netsuite-us"; an Amount of at least settings.reviewThreshold (a number or a decimal string,
 * default 10000) also goes to "review", and so does an order without a readable Amount. Each
 * route carries its reason. */
#include "examples.h"

#define api ex_api

static hs_status route(hs_ctx *ctx, hs_page *page)
{
    hs_json *order = api->page_data(page);
    const char *country = api->json_get_trimmed(ctx, order, "BillingCountry");
    const char *region = api->json_get_trimmed(ctx, api->setting(ctx, "regions"), country);
    region = region ? region : "us";
    hs_status st = api->page_route_named(page, api->sprintf(ctx, "netsuite-%s", region),
                                         api->sprintf(ctx, "billing country %s is in region %s",
                                                      country ? country : "(none)", region));
    if (st != HS_OK)
        return st;

    hs_decimal amount, threshold = HS_DECIMAL(10000, 0);
    char text[HS_DECIMAL_MAX], limit[HS_DECIMAL_MAX];
    hs_json *setting = api->setting(ctx, "reviewThreshold");
    if (setting && (st = api->decimal_from_json(ctx, setting, &threshold)) != HS_OK)
        return api->fail(ctx, "invalid_setting", "settings.reviewThreshold: %s",
                         api->ctx_last_error(ctx, NULL));
    if (api->decimal_from_json(ctx, api->json_get(order, "Amount"), &amount) != HS_OK)
        return api->page_route_named(
            page, "review", api->sprintf(ctx, "Amount: %s", api->ctx_last_error(ctx, NULL)));
    if (api->decimal_cmp(amount, threshold) < 0)
        return HS_OK;
    api->decimal_format(amount, text);
    api->decimal_format(threshold, limit);
    return api->page_route_named(
        page, "review",
        api->sprintf(ctx, "Amount %s is at least the review threshold %s", text, limit));
}

hs_status ex_route_register(hs_module *mod)
{
    hs_fn_opts o = HS_FN_OPTS_INIT;
    o.description = "Example: route an order by region and amount (branch names)";
    return api->register_page_fn(mod, "exRoute", HS_KIND_BRANCHING, route, &o);
}
