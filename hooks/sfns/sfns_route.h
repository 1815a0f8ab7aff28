/* sfns_route.h — which won Opportunities become what (sfnsOrderRoute): the settings of
 * settings.sfns.routing (sfns_route_conf.c), and the rules that give each Opportunity one route
 * with a reason (sfns_route_rules.c): order (a Sales Order), quote (an Estimate), hold (waiting
 * for legal sign-off), skip (nothing to do: not won, a framework agreement with no order
 * attached, an order NetSuite already has) or error (the record lacks what the decision needs).
 * The branching function itself is sfns_route.c. */
#ifndef SFNS_ROUTE_H
#define SFNS_ROUTE_H

#include "sfns_strings.h"

#include <stddef.h>

/* The routes, in the order docs/sfns-settings.md lists them. */
typedef enum sfns_route_name {
    SFNS_ROUTE_ORDER = 0,
    SFNS_ROUTE_QUOTE = 1,
    SFNS_ROUTE_HOLD = 2,
    SFNS_ROUTE_SKIP = 3,
    SFNS_ROUTE_ERROR = 4,
} sfns_route_name;

/* "order", "quote", "hold", "skip", "error". */
const char *sfns_route_text(sfns_route_name r);

/* An amount threshold of one currency (signOffAmountOver). */
typedef struct sfns_threshold {
    const char *currency; /* ISO 4217, upper case */
    hs_decimal amount;    /* at most the currency's minor units */
} sfns_threshold;

/* settings.sfns.routing, read and checked once per call. */
typedef struct sfns_routing {
    sfns_strings ordered_fields; /* any of them set: NetSuite has the order already */
    sfns_strings trigger_stages; /* StageName values that mean won */
    int use_is_won;              /* IsWon true also means won */
    sfns_strings quote_stages;   /* StageName values that ask for a quote */
    const char *quote_field;     /* a checkbox that asks for a quote; NULL: none */
    const char *type_field;      /* the Opportunity's type (framework and quote types) */
    sfns_strings quote_types;
    sfns_strings framework_types;
    sfns_strings framework_record_types; /* RecordType Name, DeveloperName or Id */
    int empty_is_framework;              /* no line items and a zero Amount: a framework */
    sfns_route_name call_off_route;      /* a framework agreement with an order attached */
    const char *amount_field;
    const char *default_currency; /* NULL: none */
    const char *sign_off_field;
    sfns_strings sign_off_values; /* n == 0: checked, or text other than false words */
    sfns_threshold *sign_off_over;
    size_t nsign_off_over;
    const char *contract_type_field;
    sfns_strings sign_off_contract_types;
    sfns_route_name unsigned_route; /* hold or quote */
} sfns_routing;

/* Reads and checks settings.sfns.routing; on a problem the invocation fails (422
 * invalid_setting naming the key) and that status is returned. */
hs_status sfns_routing_read(hs_ctx *ctx, sfns_routing *r);

/* The decision for one record. */
typedef struct sfns_route_decision {
    sfns_route_name route;
    const char *code;   /* why, as a short word: "won", "not_won", "already_ordered", ... */
    const char *reason; /* a sentence (arena-owned) */
} sfns_route_decision;

/* Decides the route of one Opportunity (any JSON value: a non-object is an error route).
 * HS_OK with *out filled, or HS_ERR_NOMEM past the memory limit. */
hs_status sfns_route_decide(hs_ctx *ctx, const sfns_routing *r, const hs_json *record,
                            sfns_route_decision *out);

/* "Opportunity 0065g00000AbCdEAAZ "Name"", "Opportunity "Name"" or "the Opportunity", for
 * logs and messages. */
const char *sfns_route_label(hs_ctx *ctx, const hs_json *record);

#endif
