/* sfns_route.c — sfnsOrderRoute (branching): a won Opportunity goes down the router branch named
 * after its route (order, quote, hold, skip, error; names to indexes through settings.branches),
 * with the reason logged; served as an HTTP step (POST /v1/hooks/sfnsOrderRoute) it answers
 * {route, reason} per record. The rules are sfns_route_rules.c. */
#include "sfns_route.h"

#include "sfns_strings.h"
#include "sfns_text.h"

/* The branch names settings.branches lists, quoted and joined (an object's "name"; "?" for an
 * element without one), or NULL when settings.branches is not an array. */
static const char *branch_names(hs_ctx *ctx)
{
    const hs_json *b = sfns_api->setting(ctx, "branches");
    if (sfns_api->json_type(b) != HS_JSON_ARRAY)
        return NULL;
    size_t n = sfns_api->json_len(b);
    const char *out = n ? "" : "none";
    for (size_t i = 0; i < n && out != NULL; i++) {
        const hs_json *e = sfns_api->json_at(b, i);
        const char *name = NULL;
        if (sfns_text(ctx, sfns_api->json_type(e) == HS_JSON_OBJECT ? sfns_field(e, "name") : e,
                      &name) != SFNS_TEXT)
            name = "?";
        out = sfns_api->sprintf(ctx, "%s%s\"%s\"", out, i ? ", " : "", name);
    }
    return out;
}

/* The message for a route that settings.branches does not name. */
static hs_status missing_branch(hs_ctx *ctx, const char *label, const char *route,
                                const sfns_route_decision *d)
{
    const char *names = branch_names(ctx);
    const char *fix =
        names == NULL
            ? "The settings carry no \"branches\": add \"branches\": [\"order\", \"quote\", "
              "\"hold\", \"skip\", \"error\"] to them, in the order of the router's branches "
              "(one branch per route; a branch without steps drops its records)"
            : sfns_api->sprintf(ctx,
                                "settings.branches lists %s: add the router a branch "
                                "for \"%s\" (one without steps drops its records) and put \"%s\" "
                                "into settings.branches at that branch's index",
                                names, route, route);
    return sfns_api->fail(ctx, "missing_branch",
                          "%s was routed \"%s\" (%s), but no router branch is known for "
                          "it. %s.",
                          label, route, d->reason, fix);
}

/* settings.branches, when given, is an array of names or of a router's branch objects: anything
 * else is refused before any record is routed (never read as "no branches"). */
static hs_status check_branches(hs_ctx *ctx)
{
    const hs_json *b = sfns_api->setting(ctx, "branches");
    hs_json_type t = sfns_api->json_type(b);
    if (t == HS_JSON_ABSENT || t == HS_JSON_NULL)
        return HS_OK;
    if (t != HS_JSON_ARRAY)
        return sfns_api->fail(ctx, "invalid_setting",
                              "settings.branches: must be an array of the router's branch names "
                              "in its order (such as [\"order\", \"quote\", \"hold\", \"skip\", "
                              "\"error\"]), got %s",
                              sfns_type_name(b));
    size_t n = sfns_api->json_len(b);
    for (size_t i = 0; i < n; i++) {
        const hs_json *e = sfns_api->json_at(b, i);
        hs_json_type et = sfns_api->json_type(e);
        if (et != HS_JSON_STRING && et != HS_JSON_OBJECT)
            return sfns_api->fail(ctx, "invalid_setting",
                                  "settings.branches[%zu]: must be a branch name (a string) or a "
                                  "router branch (an object with a \"name\"), got %s",
                                  i, sfns_type_name(e));
    }
    return HS_OK;
}

static hs_status order_route(hs_ctx *ctx, hs_page *page)
{
    sfns_routing r;
    hs_status st = check_branches(ctx);
    if (st != HS_OK)
        return st;
    st = sfns_routing_read(ctx, &r);
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
        return missing_branch(ctx, label, route, &d);
    return st;
}

hs_status sfns_route_register(hs_module *mod)
{
    hs_fn_opts o = HS_FN_OPTS_INIT;
    o.description = "Closed Won Opportunity -> route order, quote, hold, skip or error with a "
                    "reason (branching; settings.branches names the router's branches)";
    return sfns_api->register_page_fn(mod, "sfnsOrderRoute", HS_KIND_BRANCHING, order_route, &o);
}
