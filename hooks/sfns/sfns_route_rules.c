/* sfns_route_rules.c — the routing rules of sfnsOrderRoute: one Opportunity, read as the
 * Salesforce export gives it, to one route with a reason (see sfns_route.h). The rules run in a
 * fixed order, documented in docs/sfns-settings.md: already ordered, stage, amount and line
 * items, framework agreements, what asks for a quote, legal sign-off. Amounts are exact decimals
 * compared at the currency's minor units. */
#include "sfns_route.h"

#include "sfns_sdk.h"
#include "sfns_sfid.h"
#include "sfns_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* What the record says about its line items. */
typedef enum lines_known { LINES_UNKNOWN = 0, LINES_NONE = 1, LINES_SOME = 2 } lines_known;

/* One record being decided. */
struct job {
    hs_ctx *ctx;
    const sfns_routing *r;
    const hs_json *rec;
    sfns_route_decision *out;
    hs_status st;
    const char *stage; /* NULL when empty or absent */
    int won, quote_stage;
    const char *won_by; /* "StageName "Closed Won"" or "IsWon" */
    hs_decimal amount;  /* at the currency's minor units when the currency is known */
    const char *amount_text;
    const char *currency; /* NULL: unknown */
    lines_known lines;
    long nlines; /* -1: unknown count */
};

static int decide(struct job *j, sfns_route_name route, const char *code, const char *fmt, ...)
    HS_PRINTF(4, 5);

/* Sets the decision; returns 1 so a rule can `return decide(...)`. */
static int decide(struct job *j, sfns_route_name route, const char *code, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    j->out->route = route;
    j->out->code = code;
    j->out->reason = sfns_api->strdup(j->ctx, text);
    if (j->out->reason == NULL)
        j->st = HS_ERR_NOMEM;
    return 1;
}

/* ---- the facts ------------------------------------------------------------------------------- */

/* The first of orderedFields that holds something (text, a number, true, an object). */
static const char *ordered_by(struct job *j, const char **value)
{
    for (size_t i = 0; i < j->r->ordered_fields.n; i++) {
        const char *name = j->r->ordered_fields.v[i];
        const hs_json *v = sfns_field(j->rec, name);
        const char *t = NULL;
        sfns_presence p = sfns_text(j->ctx, v, &t);
        if (p == SFNS_TEXT && strcmp(t, "false") != 0) {
            *value = t;
            return name;
        }
        hs_json_type type = sfns_api->json_type(v);
        if ((type == HS_JSON_OBJECT || type == HS_JSON_ARRAY) && sfns_api->json_len(v) > 0) {
            *value = NULL;
            return name;
        }
    }
    return NULL;
}

/* Stage: won (IsWon, triggerStages), asks for a quote (quoteStages), or neither. 0 when the
 * record gives neither StageName nor IsWon. */
static int read_stage(struct job *j)
{
    const sfns_routing *r = j->r;
    sfns_presence p = sfns_text_field(j->ctx, j->rec, "StageName", &j->stage);
    const hs_json *is_won = sfns_field(j->rec, "IsWon");
    int won_flag = sfns_flag(j->ctx, is_won);
    if (p != SFNS_TEXT && (won_flag < 0 || !r->use_is_won))
        return 0;
    if (sfns_strings_has(&r->trigger_stages, j->stage)) {
        j->won = 1;
        j->won_by = sfns_api->sprintf(j->ctx, "StageName \"%s\"", j->stage);
    } else if (r->use_is_won && won_flag == 1) {
        j->won = 1;
        j->won_by =
            j->stage ? sfns_api->sprintf(j->ctx, "IsWon, StageName \"%s\"", j->stage) : "IsWon";
    }
    j->quote_stage = sfns_strings_has(&r->quote_stages, j->stage);
    return 1;
}

/* The currency: CurrencyIsoCode, else defaultCurrency. 0 when CurrencyIsoCode is not a code. */
static int read_currency(struct job *j, const char **bad)
{
    const char *code = NULL;
    *bad = NULL;
    if (sfns_text_field(j->ctx, j->rec, "CurrencyIsoCode", &code) == SFNS_TEXT) {
        char up[4] = "";
        if (strlen(code) == 3) {
            for (int i = 0; i < 3; i++)
                up[i] = (char)((code[i] >= 'a' && code[i] <= 'z') ? code[i] - 'a' + 'A' : code[i]);
            up[3] = '\0';
        }
        if (!sfns_currency_known(up)) {
            *bad = code;
            return 0;
        }
        j->currency = sfns_api->strdup(j->ctx, up);
        return 1;
    }
    j->currency = j->r->default_currency;
    return 1;
}

/* The Amount as a decimal: a JSON number or a decimal string (trimmed); null or blank is 0.
 * Rounded half-up to the currency's minor units when the currency is known. 0 with *why when it
 * cannot be read. */
static int read_amount(struct job *j, const char **why)
{
    hs_ctx *ctx = j->ctx;
    const char *field = j->r->amount_field;
    const hs_json *v = sfns_field(j->rec, field);
    const char *text = NULL;
    *why = NULL;
    if (v == NULL) {
        *why = sfns_api->sprintf(ctx, "the record has no %s (select it in the export)", field);
        return 0;
    }
    hs_json_type t = sfns_api->json_type(v);
    sfns_presence p = sfns_text(ctx, v, &text);
    hs_status st = HS_OK;
    if (p == SFNS_EMPTY)
        j->amount = HS_DECIMAL(0, 0);
    else if (t == HS_JSON_NUMBER)
        st = sfns_api->decimal_from_json(ctx, v, &j->amount);
    else if (t == HS_JSON_STRING)
        st = sfns_api->decimal_parse(ctx, text, strlen(text), &j->amount);
    else
        st = HS_ERR_TYPE;
    if (st != HS_OK) {
        *why =
            t == HS_JSON_STRING || t == HS_JSON_NUMBER
                ? sfns_api->sprintf(ctx, "%s \"%s\" %s", field, text,
                                    sfns_not_decimal(ctx, v, "is not an amount"))
                : sfns_api->sprintf(ctx, "%s is not an amount (a number or a decimal text)", field);
        return 0;
    }
    char out[HS_DECIMAL_MAX];
    if (sfns_api->decimal_sign(j->amount) < 0) {
        sfns_api->decimal_format(j->amount, out);
        *why = sfns_api->sprintf(ctx, "%s %s is negative", field, out);
        return 0;
    }
    if (j->currency != NULL) {
        int places = sfns_api->currency_minor_units(j->currency);
        if (sfns_api->decimal_round(ctx, j->amount, places, HS_ROUND_HALF_UP, &j->amount) !=
            HS_OK) {
            *why = sfns_api->sprintf(ctx, "%s cannot be held at %d decimal places", field, places);
            return 0;
        }
        sfns_api->decimal_format(j->amount, out);
        j->amount_text = sfns_api->sprintf(ctx, "%s %s", out, j->currency);
    } else {
        sfns_api->decimal_format(j->amount, out);
        j->amount_text = sfns_api->strdup(ctx, out);
    }
    if (j->amount_text == NULL)
        j->st = HS_ERR_NOMEM;
    return 1;
}

/* Line items: the OpportunityLineItems envelope ({"records": [...]} or an array; null: none),
 * else the HasOpportunityLineItem flag, else unknown. */
static void read_lines(struct job *j)
{
    const hs_json *v = sfns_field(j->rec, "OpportunityLineItems");
    hs_json_type t = sfns_api->json_type(v);
    j->nlines = -1;
    if (t == HS_JSON_OBJECT) {
        const hs_json *recs = sfns_field(v, "records");
        if (sfns_api->json_type(recs) == HS_JSON_ARRAY)
            j->nlines = (long)sfns_api->json_len(recs);
        else if (sfns_api->json_type(sfns_field(v, "totalSize")) == HS_JSON_NUMBER) {
            /* a count: a whole number in range (a cast of 1e300 would be undefined) */
            double d = sfns_api->json_number(sfns_field(v, "totalSize"), -1);
            if (d >= 0 && d <= 1e9 && d == (double)(long)d)
                j->nlines = (long)d;
        }
    } else if (t == HS_JSON_ARRAY) {
        j->nlines = (long)sfns_api->json_len(v);
    } else if (t == HS_JSON_NULL) {
        j->nlines = 0;
    }
    if (j->nlines >= 0) {
        j->lines = j->nlines > 0 ? LINES_SOME : LINES_NONE;
        return;
    }
    int has = sfns_flag(j->ctx, sfns_field(j->rec, "HasOpportunityLineItem"));
    j->lines = has < 0 ? LINES_UNKNOWN : has ? LINES_SOME : LINES_NONE;
}

/* Whether a record type text matches an entry of frameworkRecordTypes: Salesforce Ids compare
 * as 18 characters, names ignoring ASCII case. */
static int record_type_matches(const sfns_strings *l, const char *text)
{
    char a[19], b[19];
    int is_id = text && sfns_sfid_to18(text, strlen(text), a) == SFNS_SFID_OK;
    for (size_t i = 0; text != NULL && i < l->n; i++) {
        if (sfns_streq_nocase(l->v[i], text))
            return 1;
        if (is_id && sfns_sfid_to18(l->v[i], strlen(l->v[i]), b) == SFNS_SFID_OK &&
            strcmp(a, b) == 0)
            return 1;
    }
    return 0;
}

/* Why the record is a framework agreement, "" when only for being empty (no line items and a
 * zero Amount, routing.emptyIsFramework), or NULL. */
static const char *framework_by(struct job *j)
{
    hs_ctx *ctx = j->ctx;
    const sfns_routing *r = j->r;
    const char *type = NULL;
    if (sfns_text_field(ctx, j->rec, r->type_field, &type) == SFNS_TEXT &&
        sfns_strings_has(&r->framework_types, type))
        return sfns_api->sprintf(ctx, "%s \"%s\"", r->type_field, type);
    const hs_json *rt = sfns_field(j->rec, "RecordType");
    static const char *const rt_keys[] = {"DeveloperName", "Name", "Id", NULL};
    for (size_t i = 0; rt_keys[i] != NULL; i++) {
        const char *t = NULL;
        if (sfns_text_field(ctx, rt, rt_keys[i], &t) == SFNS_TEXT &&
            record_type_matches(&r->framework_record_types, t))
            return sfns_api->sprintf(ctx, "record type \"%s\"", t);
    }
    const char *id = NULL;
    if (sfns_text_field(ctx, j->rec, "RecordTypeId", &id) == SFNS_TEXT &&
        record_type_matches(&r->framework_record_types, id))
        return sfns_api->sprintf(ctx, "RecordTypeId %s", id);
    if (r->empty_is_framework && j->lines != LINES_SOME && sfns_api->decimal_is_zero(j->amount))
        return "";
    return NULL;
}

/* "3 line items", "line items", "no line items". */
static const char *lines_text(struct job *j)
{
    if (j->lines == LINES_NONE)
        return "no line items";
    if (j->nlines > 0)
        return sfns_api->sprintf(j->ctx, "%ld line item%s", j->nlines, j->nlines == 1 ? "" : "s");
    return j->lines == LINES_SOME ? "line items" : "no line items given";
}

/* Why the Opportunity asks for a quote, or NULL. */
static const char *quote_by(struct job *j)
{
    hs_ctx *ctx = j->ctx;
    const sfns_routing *r = j->r;
    if (j->quote_stage)
        return sfns_api->sprintf(ctx, "StageName \"%s\" is in routing.quoteStages", j->stage);
    if (r->quote_field != NULL && sfns_flag(ctx, sfns_field(j->rec, r->quote_field)) == 1)
        return sfns_api->sprintf(ctx, "%s is checked", r->quote_field);
    const char *type = NULL;
    if (sfns_text_field(ctx, j->rec, r->type_field, &type) == SFNS_TEXT &&
        sfns_strings_has(&r->quote_types, type))
        return sfns_api->sprintf(ctx, "%s \"%s\" is in routing.quoteTypes", r->type_field, type);
    return NULL;
}

/* ---- legal sign-off -------------------------------------------------------------------------- */

/* Why sign-off is required (a sentence part), NULL when it is not; *error when the rules cannot
 * tell. */
static const char *sign_off_needed(struct job *j, const char **error)
{
    hs_ctx *ctx = j->ctx;
    const sfns_routing *r = j->r;
    *error = NULL;
    const char *type = NULL;
    if (r->sign_off_contract_types.n > 0 &&
        sfns_text_field(ctx, j->rec, r->contract_type_field, &type) == SFNS_TEXT &&
        sfns_strings_has(&r->sign_off_contract_types, type))
        return sfns_api->sprintf(ctx, "%s \"%s\" is in routing.signOffContractTypes",
                                 r->contract_type_field, type);
    if (r->nsign_off_over == 0)
        return NULL;
    if (j->currency == NULL) {
        *error = "cannot tell whether legal sign-off is needed: the record has no "
                 "CurrencyIsoCode and routing.defaultCurrency is not set (set it to the org's "
                 "currency)";
        return NULL;
    }
    for (size_t i = 0; i < r->nsign_off_over; i++) {
        const sfns_threshold *t = &r->sign_off_over[i];
        if (strcmp(t->currency, j->currency) != 0)
            continue;
        if (sfns_api->decimal_cmp(j->amount, t->amount) <= 0)
            return NULL;
        char limit[HS_DECIMAL_MAX];
        sfns_api->decimal_format(t->amount, limit);
        return sfns_api->sprintf(ctx, "%s %s is over %s %s (routing.signOffAmountOver)",
                                 r->amount_field, j->amount_text, limit, t->currency);
    }
    *error = sfns_api->sprintf(ctx,
                               "cannot tell whether legal sign-off is needed: "
                               "routing.signOffAmountOver has no amount for %s (add \"%s\": "
                               "<amount> to it)",
                               j->currency, j->currency);
    return NULL;
}

/* 1 signed off, 0 not, -1 the field is not in the record. *shown: what it holds, as words
 * ("checked", "not checked", "empty", "\"Pending\""). */
static int signed_off(struct job *j, const char **shown)
{
    const sfns_routing *r = j->r;
    const hs_json *v = sfns_field(j->rec, r->sign_off_field);
    *shown = NULL;
    if (v == NULL)
        return -1;
    const char *text = NULL;
    sfns_presence p = sfns_text(j->ctx, v, &text);
    int yes = r->sign_off_values.n > 0 ? sfns_strings_has(&r->sign_off_values, text)
                                       : sfns_flag(j->ctx, v) == 1;
    if (sfns_api->json_type(v) == HS_JSON_BOOL)
        *shown = yes ? "checked" : "not checked";
    else if (p != SFNS_TEXT)
        *shown = "empty";
    else
        *shown = sfns_api->sprintf(j->ctx, "\"%s\"", text);
    return yes;
}

/* ---- the rules, in order --------------------------------------------------------------------- */

static void rules(struct job *j)
{
    hs_ctx *ctx = j->ctx;
    const sfns_routing *r = j->r;
    const char *value = NULL, *why = NULL, *bad = NULL;

    /* 1. NetSuite has the order already: never a second one. */
    const char *field = ordered_by(j, &value);
    if (field != NULL) {
        decide(j, SFNS_ROUTE_SKIP, "already_ordered",
               "already in NetSuite: %s is %s%s%s (routing.orderedFields); nothing to create",
               field, value ? "\"" : "set", value ? value : "", value ? "\"" : "");
        return;
    }
    /* 2. The stage that triggers. */
    if (!read_stage(j)) {
        decide(j, SFNS_ROUTE_ERROR, "missing_stage",
               "cannot decide: the record has no StageName%s (select %s in the export)",
               r->use_is_won ? " or IsWon" : "", r->use_is_won ? "one" : "it");
        return;
    }
    if (!j->won && !j->quote_stage) {
        if (j->stage == NULL) {
            decide(j, SFNS_ROUTE_SKIP, "not_won", "not won: IsWon is false and StageName is empty");
            return;
        }
        decide(j, SFNS_ROUTE_SKIP, "not_won", "not won: StageName \"%s\" is not in %s", j->stage,
               r->quote_stages.n ? sfns_api->sprintf(ctx,
                                                     "routing.triggerStages (%s) or "
                                                     "routing.quoteStages (%s)",
                                                     sfns_strings_text(ctx, &r->trigger_stages),
                                                     sfns_strings_text(ctx, &r->quote_stages))
                                 : sfns_api->sprintf(ctx, "routing.triggerStages (%s)",
                                                     sfns_strings_text(ctx, &r->trigger_stages)));
        return;
    }
    /* 3. Amount (in its currency) and line items. */
    if (!read_currency(j, &bad)) {
        decide(j, SFNS_ROUTE_ERROR, "bad_currency",
               "cannot decide: CurrencyIsoCode \"%s\" is not an ISO 4217 currency code", bad);
        return;
    }
    if (!read_amount(j, &why)) {
        decide(j, SFNS_ROUTE_ERROR,
               sfns_field(j->rec, r->amount_field) ? "bad_amount" : "missing_amount",
               "cannot decide: %s", why);
        return;
    }
    read_lines(j);
    /* 4. Framework agreements. */
    const char *framework = framework_by(j);
    if (framework != NULL) {
        int attached = j->lines == LINES_SOME ||
                       (j->lines == LINES_UNKNOWN && !sfns_api->decimal_is_zero(j->amount));
        if (framework[0] == '\0') {
            decide(j, SFNS_ROUTE_SKIP, "empty",
                   "no order attached: %s and %s %s (routing.emptyIsFramework: a framework "
                   "agreement)",
                   lines_text(j), r->amount_field, j->amount_text);
            return;
        }
        if (!attached) {
            decide(j, SFNS_ROUTE_SKIP, "framework",
                   "a framework agreement (%s) with no order attached (%s, %s %s)", framework,
                   lines_text(j), r->amount_field, j->amount_text);
            return;
        }
        if (r->call_off_route == SFNS_ROUTE_QUOTE) {
            decide(j, SFNS_ROUTE_QUOTE, "call_off",
                   "a framework agreement (%s) with an order attached (%s, %s %s): "
                   "routing.callOffRoute is \"quote\"",
                   framework, lines_text(j), r->amount_field, j->amount_text);
            return;
        }
    } else if (j->lines == LINES_NONE) {
        if (sfns_api->decimal_is_zero(j->amount))
            decide(j, SFNS_ROUTE_ERROR, "nothing_to_order",
                   "cannot decide: no line items and %s %s: nothing to order (add its products, "
                   "or set routing.emptyIsFramework to skip such records)",
                   r->amount_field, j->amount_text);
        else
            decide(j, SFNS_ROUTE_ERROR, "no_line_items",
                   "cannot decide: %s %s but no line items (add its products: the order's lines "
                   "come from them)",
                   r->amount_field, j->amount_text);
        return;
    }
    /* 5. What asks for a quote instead of an order. */
    const char *quote = quote_by(j);
    if (quote != NULL) {
        decide(j, SFNS_ROUTE_QUOTE, "quote", "asks for a quote: %s", quote);
        return;
    }
    /* 6. Legal sign-off, for orders. */
    const char *err = NULL;
    const char *needed = sign_off_needed(j, &err);
    if (err != NULL) {
        decide(j, SFNS_ROUTE_ERROR, "sign_off_unknown", "%s", err);
        return;
    }
    const char *done = NULL;
    if (needed != NULL) {
        int s = signed_off(j, &value);
        if (s < 0) {
            decide(j, SFNS_ROUTE_ERROR, "missing_sign_off",
                   "cannot decide: legal sign-off is needed (%s) but the record has no %s (select "
                   "it in the export)",
                   needed, r->sign_off_field);
            return;
        }
        if (s == 0) {
            decide(j, r->unsigned_route, "unsigned",
                   "waiting for legal sign-off: %s and %s is %s%s", needed, r->sign_off_field,
                   value ? value : "empty",
                   r->sign_off_values.n
                       ? sfns_api->sprintf(ctx, " (routing.signOffValues: %s)",
                                           sfns_strings_text(ctx, &r->sign_off_values))
                       : "");
            return;
        }
        done = sfns_api->sprintf(ctx, "signed off (%s is %s; needed: %s)", r->sign_off_field,
                                 value ? value : "set", needed);
    }
    if (framework != NULL)
        decide(j, SFNS_ROUTE_ORDER, "call_off",
               "a framework agreement (%s) with an order attached, %s %s, %s: %s", framework,
               r->amount_field, j->amount_text, lines_text(j),
               done ? done : "no legal sign-off needed");
    else
        decide(j, SFNS_ROUTE_ORDER, "won", "won (%s), %s %s, %s: %s", j->won_by, r->amount_field,
               j->amount_text, lines_text(j), done ? done : "no legal sign-off needed");
}

hs_status sfns_route_decide(hs_ctx *ctx, const sfns_routing *r, const hs_json *record,
                            sfns_route_decision *out)
{
    struct job j = {.ctx = ctx, .r = r, .rec = record, .out = out, .st = HS_OK};
    memset(out, 0, sizeof(*out));
    if (sfns_api->json_type(record) != HS_JSON_OBJECT)
        decide(&j, SFNS_ROUTE_ERROR, "not_a_record",
               "cannot decide: the record is not an Opportunity object");
    else
        rules(&j);
    return j.st;
}

const char *sfns_route_label(hs_ctx *ctx, const hs_json *record)
{
    const char *id = NULL, *name = NULL;
    char id18[19];
    if (sfns_text_field(ctx, record, "Id", &id) == SFNS_TEXT &&
        sfns_sfid_to18(id, strlen(id), id18) == SFNS_SFID_OK)
        id = id18;
    sfns_text_field(ctx, record, "Name", &name);
    if (id == NULL && name == NULL)
        return "the Opportunity";
    return sfns_api->sprintf(ctx, "Opportunity%s%s%s%s%s", id ? " " : "", id ? id : "",
                             name ? " \"" : "", name ? name : "", name ? "\"" : "");
}
