/* sfns_route_conf.c — settings.sfns.routing read and checked once per call into an sfns_routing;
 * docs/sfns-settings.md ("Which Opportunities become what") describes every key. */
#include "sfns_route.h"

#include "sfns_sdk.h"

#include <string.h>

static const char *const keys[] = {
    "orderedFields",
    "triggerStages",
    "useIsWon",
    "quoteStages",
    "quoteField",
    "typeField",
    "quoteTypes",
    "frameworkTypes",
    "frameworkRecordTypes",
    "emptyIsFramework",
    "callOffRoute",
    "amountField",
    "defaultCurrency",
    "signOffField",
    "signOffValues",
    "signOffAmountOver",
    "contractTypeField",
    "signOffContractTypes",
    "unsignedRoute",
    NULL,
};

static const char *const default_ordered[] = {"NetSuite_Id__c", "NetSuite_Sales_Order__c"};
static const char *const default_trigger[] = {"Closed Won"};
static const char *const default_framework_types[] = {"Framework Agreement"};
static const char *const default_framework_record_types[] = {"Framework_Agreement",
                                                             "Framework Agreement"};
static const char *const call_off_routes[] = {"order", "quote", NULL};
static const char *const unsigned_routes[] = {"hold", "quote", NULL};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *sfns_route_text(sfns_route_name r)
{
    static const char *const names[] = {"order", "quote", "hold", "skip", "error"};
    return (unsigned)r < COUNT(names) ? names[r] : "error";
}

/* A field name: a non-empty string (def when absent or null). */
static const char *field_name(sfns_conf *c, const char *key, const char *def)
{
    const char *s = sfns_conf_string(c, key, def);
    if (s != NULL && s[0] == '\0') {
        sfns_conf_invalid(c, key, "must name a field (a non-empty string)");
        return def;
    }
    return s;
}

static sfns_route_name route_enum(sfns_conf *c, const char *key, const char *const *allowed,
                                  const char *def)
{
    const char *s = sfns_conf_enum(c, key, allowed, def);
    for (int r = SFNS_ROUTE_ORDER; r <= SFNS_ROUTE_ERROR; r++)
        if (strcmp(s, sfns_route_text((sfns_route_name)r)) == 0)
            return (sfns_route_name)r;
    return SFNS_ROUTE_ERROR;
}

/* An ISO 4217 code in any case as upper case, or NULL when it is not one. */
static const char *currency_code(hs_ctx *ctx, const char *text, size_t len)
{
    if (len != 3)
        return NULL;
    char code[4];
    for (size_t i = 0; i < 3; i++) {
        char ch = text[i];
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        code[i] = ch;
    }
    code[3] = '\0';
    return sfns_currency_known(code) ? sfns_api->strdup(ctx, code) : NULL;
}

/* signOffAmountOver: {"USD": 100000, "EUR": "90000.00"}; each amount >= 0 and exact at the
 * currency's minor units. */
static void read_thresholds(sfns_conf *c, sfns_routing *r)
{
    static const char key[] = "signOffAmountOver";
    const hs_json *v = sfns_conf_get(c, key);
    if (v == NULL)
        return;
    if (sfns_api->json_type(v) != HS_JSON_OBJECT) {
        sfns_conf_invalid(c, key, "must be an object of ISO 4217 code -> amount, got %s",
                          sfns_type_name(v));
        return;
    }
    size_t n = sfns_api->json_len(v);
    r->sign_off_over = sfns_api->alloc(c->ctx, (n ? n : 1) * sizeof(*r->sign_off_over));
    if (r->sign_off_over == NULL) {
        sfns_conf_invalid(c, key, "out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const char *k = sfns_api->json_key_at(v, i, &len);
        const char *code = currency_code(c->ctx, k, len);
        if (code == NULL) {
            sfns_conf_invalid(c, key,
                              "\"%.*s\" is not an ISO 4217 currency code (three letters such as "
                              "\"USD\")",
                              (int)len, k);
            return;
        }
        const hs_json *e = sfns_api->json_value_at(v, i);
        hs_decimal d, exact;
        hs_json_type t = sfns_api->json_type(e);
        int places = sfns_api->currency_minor_units(code);
        if ((t != HS_JSON_NUMBER && t != HS_JSON_STRING) ||
            sfns_api->decimal_from_json(c->ctx, e, &d) != HS_OK || sfns_api->decimal_sign(d) < 0) {
            sfns_conf_invalid(c, key,
                              "the amount of \"%s\" must be a decimal number of at least 0 (such "
                              "as 100000 or \"100000.00\"), got %s",
                              code, t == HS_JSON_STRING ? "other text" : sfns_type_name(e));
            return;
        }
        if (sfns_api->decimal_round(c->ctx, d, places, HS_ROUND_HALF_UP, &exact) != HS_OK ||
            sfns_api->decimal_cmp(exact, d) != 0) {
            char text[HS_DECIMAL_MAX];
            sfns_api->decimal_format(d, text);
            sfns_conf_invalid(c, key,
                              "the amount of \"%s\" is %s, which has more decimal places than %s "
                              "has (%d)",
                              code, text, code, places);
            return;
        }
        for (size_t j = 0; j < r->nsign_off_over; j++)
            if (strcmp(r->sign_off_over[j].currency, code) == 0) {
                sfns_conf_invalid(c, key, "%s is given twice", code);
                return;
            }
        r->sign_off_over[r->nsign_off_over++] = (sfns_threshold){code, exact};
    }
}

hs_status sfns_routing_read(hs_ctx *ctx, sfns_routing *r)
{
    memset(r, 0, sizeof(*r));
    if (!sfns_sdk_ready())
        return sfns_api->fail(ctx, "unsupported_runner",
                              "%s needs the hook API's money calls (ABI 1.2): upgrade the runner",
                              sfns_api->ctx_function(ctx));
    sfns_conf c;
    sfns_conf_open(&c, ctx, "routing", keys);
    r->ordered_fields =
        sfns_conf_strings(&c, "orderedFields", default_ordered, COUNT(default_ordered));
    r->trigger_stages =
        sfns_conf_strings(&c, "triggerStages", default_trigger, COUNT(default_trigger));
    r->use_is_won = sfns_conf_bool(&c, "useIsWon", 1);
    r->quote_stages = sfns_conf_strings(&c, "quoteStages", NULL, 0);
    r->quote_field = field_name(&c, "quoteField", NULL);
    r->type_field = field_name(&c, "typeField", "Type");
    r->quote_types = sfns_conf_strings(&c, "quoteTypes", NULL, 0);
    r->framework_types = sfns_conf_strings(&c, "frameworkTypes", default_framework_types,
                                           COUNT(default_framework_types));
    r->framework_record_types =
        sfns_conf_strings(&c, "frameworkRecordTypes", default_framework_record_types,
                          COUNT(default_framework_record_types));
    r->empty_is_framework = sfns_conf_bool(&c, "emptyIsFramework", 1);
    r->call_off_route = route_enum(&c, "callOffRoute", call_off_routes, "quote");
    r->amount_field = field_name(&c, "amountField", "Amount");
    const char *cur = sfns_conf_string(&c, "defaultCurrency", NULL);
    if (cur != NULL) {
        r->default_currency = currency_code(ctx, cur, strlen(cur));
        if (r->default_currency == NULL)
            sfns_conf_invalid(&c, "defaultCurrency",
                              "\"%s\" is not an ISO 4217 currency code (three letters such as "
                              "\"USD\")",
                              cur);
    }
    r->sign_off_field = field_name(&c, "signOffField", "Legal_Sign_Off__c");
    r->sign_off_values = sfns_conf_strings(&c, "signOffValues", NULL, 0);
    read_thresholds(&c, r);
    r->contract_type_field = field_name(&c, "contractTypeField", "Type");
    r->sign_off_contract_types = sfns_conf_strings(&c, "signOffContractTypes", NULL, 0);
    r->unsigned_route = route_enum(&c, "unsignedRoute", unsigned_routes, "hold");
    return sfns_conf_check(&c);
}
