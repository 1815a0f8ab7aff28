/* sfns_route.c — sfnsOrderRoute (branching): a won Opportunity goes down the router branch named
 * after its route (order, quote, hold, skip, error; names to indexes through settings.branches),
 * with the reason logged; served as an HTTP step (POST /v1/hooks/sfnsOrderRoute) it answers
 * {route, reason} per record. The rules are sfns_route_rules.c. */
#include "sfns_route.h"

static hs_status order_route(hs_ctx *ctx, hs_page *page)
{
    sfns_routing r;
    hs_status st = sfns_routing_read(ctx, &r);
    if (st != HS_OK)
        return st;
    const hs_json *record = sfns_api->page_data(page);
    sfns_route_decision d;
    st = sfns_route_decide(ctx, &r, record, &d);
    if (st != HS_OK)
        return st;
    const char *route = sfns_route_text(d.route);
    const char *label = sfns_route_label(ctx, record);
    sfns_api->log(ctx, d.route == SFNS_ROUTE_ERROR ? HS_LOG_WARN : HS_LOG_INFO,
                  "sfnsOrderRoute: %s -> %s (%s): %s", label, route, d.code, d.reason);
    st = sfns_api->page_route_named(page, route, d.reason);
    if (st == HS_ERR_NOT_FOUND)
        return sfns_api->fail(ctx, "missing_branch",
                              "%s was routed \"%s\" (%s), but the router has no branch for it. %s",
                              label, route, d.reason, sfns_api->ctx_last_error(ctx, NULL));
    return st;
}

hs_status sfns_route_register(hs_module *mod)
{
    hs_fn_opts o = HS_FN_OPTS_INIT;
    o.description = "Closed Won Opportunity -> route order, quote, hold, skip or error with a "
                    "reason (branching; settings.branches names the router's branches)";
    return sfns_api->register_page_fn(mod, "sfnsOrderRoute", HS_KIND_BRANCHING, order_route, &o);
}
