/* sfns_items_conf.c — reads settings.sfns.pricebooks strictly for sfnsItemsToPricebook (see
 * docs/sfns-settings.md, "Items and pricing"): the pricebooks and the price levels that feed them,
 * the currencies Salesforce has enabled, conversion of missing currencies, quantity breaks and the
 * external id fields; with the shared settings.sfns.currency (rates, rounding) and
 * settings.sfns.catalog (SKU rules, explicit map) the product code is the inverse of. The
 * deprecated pricebooks.rates, pricebooks.rounding and pricebooks.productCode still work. */
#include "sfns_items.h"

#include "sfns_sdk.h"

#include <string.h>

static const char *const items_keys[] = {
    "standardPricebookId", "baseLevel",    "levels",         "currencies",   "currencyCodes",
    "missingCurrency",     "baseCurrency", "rates",          "rounding",     "quantityBreaks",
    "tierObject",          "breaksField",  "productIdField", "entryIdField", "familyByType",
    "familyField",         "nameField",    "productCode",    NULL,
};
static const char *const code_keys[] = {"map", "stripParent", "case", "prefix", "suffix", NULL};
static const char *const missing_values[] = {"skip", "convert", NULL};
static const char *const breaks_values[] = {"tiers", "serialised", "none", NULL};
static const char *const name_values[] = {"displayname", "itemid", NULL};
static const char *const case_values[] = {"exact", "upper", "lower", NULL};

/* An ISO 4217 code as the runner knows it, or one settings.sfns.currency.minorUnits adds. */
static int iso_code(const sfns_items_conf *c, const char *s)
{
    return s != NULL && strlen(s) == 3 &&
           (sfns_currency_known(s) || sfns_fx_minor_units(&c->fx, s) >= 0);
}

static void read_currencies(sfns_conf *s, sfns_items_conf *c)
{
    const hs_json *v = sfns_conf_get(s, "currencies");
    if (v == NULL)
        return;
    if (sfns_api->json_type(v) != HS_JSON_ARRAY || sfns_api->json_len(v) == 0) {
        sfns_conf_invalid(s, "currencies", "must be a non-empty array of ISO 4217 codes");
        return;
    }
    size_t n = sfns_api->json_len(v);
    c->currencies = sfns_api->alloc(s->ctx, n * sizeof(*c->currencies));
    if (c->currencies == NULL) {
        sfns_conf_invalid(s, "currencies", "out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const char *code = sfns_api->json_string(s->ctx, sfns_api->json_at(v, i), NULL, NULL);
        if (!iso_code(c, code)) {
            sfns_conf_invalid(s, "currencies",
                              "element %zu must be an ISO 4217 code such as \"EUR\"", i);
            return;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(c->currencies[k], code) == 0) {
                sfns_conf_invalid(s, "currencies", "\"%s\" is listed twice", code);
                return;
            }
        c->currencies[i] = code;
    }
    c->ncurrencies = n;
}

static void read_currency_codes(sfns_conf *s, sfns_items_conf *c)
{
    const hs_json *m = sfns_conf_id_map(s, "currencyCodes");
    if (m == NULL)
        return;
    size_t n = sfns_api->json_len(m);
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const char *k = sfns_api->json_key_at(m, i, &len);
        const char *code = sfns_id_text(s->ctx, sfns_api->json_value_at(m, i));
        if (!iso_code(c, code)) {
            sfns_conf_invalid(s, "currencyCodes", "the value of \"%.*s\" must be an ISO 4217 code",
                              (int)len, k);
            return;
        }
    }
    c->currency_codes = m;
}

/* The deprecated pricebooks.rates (ISO code -> units per one baseCurrency) become undated rates of
 * c->fx quoted against baseCurrency, so the shared conversion gives the prices it always gave. */
static void read_rates(sfns_conf *s, sfns_items_conf *c)
{
    const hs_json *m = sfns_conf_get(s, "rates");
    if (m == NULL)
        return;
    if (sfns_api->json_type(m) != HS_JSON_OBJECT) {
        sfns_conf_invalid(s, "rates", "must be an object: ISO code -> rate");
        return;
    }
    if (c->fx.rates.n > 0) {
        sfns_conf_invalid(s, "rates",
                          "is deprecated and settings.sfns.currency.rates is set too: give every "
                          "rate in settings.sfns.currency.rates (units per one corporate currency "
                          "unit) and remove settings.sfns.pricebooks.rates");
        return;
    }
    size_t n = sfns_api->json_len(m);
    sfns_fx_rate *rates = n ? sfns_api->alloc(s->ctx, n * sizeof(*rates)) : NULL;
    if (n && rates == NULL) {
        sfns_conf_invalid(s, "rates", "out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const char *k = sfns_api->json_key_at(m, i, &len);
        const char *key = sfns_api->sprintf(s->ctx, "%.*s", (int)len, k);
        hs_decimal d;
        if (key == NULL || !iso_code(c, key)) {
            sfns_conf_invalid(s, "rates", "\"%.*s\" is not an ISO 4217 code", (int)len, k);
            return;
        }
        if (sfns_api->decimal_from_json(s->ctx, sfns_api->json_value_at(m, i), &d) != HS_OK ||
            sfns_api->decimal_sign(d) <= 0) {
            sfns_conf_invalid(s, "rates",
                              "the rate of \"%s\" must be a decimal above zero (a number or a "
                              "decimal string such as \"0.92\")",
                              key);
            return;
        }
        rates[i] = (sfns_fx_rate){.rate = d};
        memcpy(rates[i].code, key, 4);
    }
    const char *base = c->base_currency ? c->base_currency : c->fx.corporate;
    if (base == NULL)
        return; /* quoted against nothing: unused (converting without a base is refused) */
    c->fx.rates = (sfns_fx_table){rates, n};
    c->fx.corporate = base;
    c->legacy_rates = 1;
}

/* The first string of an array in settings.sfns.catalog.normalise, as configured (the catalog
 * reader keeps them normalised; the code puts back what Salesforce codes carry). "" when none. */
static const char *catalog_affix(hs_ctx *ctx, const char *key)
{
    sfns_conf cat, norm;
    sfns_conf_open(&cat, ctx, "catalog", NULL);
    sfns_conf_open_child(&norm, &cat, "normalise", NULL);
    const hs_json *arr = sfns_conf_get(&norm, key);
    const char *s = sfns_api->json_string(ctx, sfns_api->json_at(arr, 0), NULL, NULL);
    return s ? s : "";
}

/* The code rules: the catalog's inverse; the deprecated productCode, when given, keeps its own
 * rules and defaults (stripParent true, case "exact", no prefix or suffix) as it always had. */
static void read_code(sfns_conf *s, sfns_items_conf *c)
{
    c->code_strip_parent = c->cat.rules.strip_parent;
    c->code_case = c->cat.rules.fold;
    c->code_prefix = catalog_affix(s->ctx, "stripPrefixes");
    c->code_suffix = catalog_affix(s->ctx, "stripSuffixes");
    if (sfns_conf_get(s, "productCode") == NULL)
        return;
    c->legacy_code = 1;
    sfns_conf pc;
    sfns_conf_open_child(&pc, s, "productCode", code_keys);
    c->code_map = sfns_conf_id_map(&pc, "map");
    c->code_strip_parent = sfns_conf_bool(&pc, "stripParent", 1);
    const char *cs = sfns_conf_enum(&pc, "case", case_values, "exact");
    c->code_case = strcmp(cs, "upper") == 0   ? SFNS_SKU_UPPER
                   : strcmp(cs, "lower") == 0 ? SFNS_SKU_LOWER
                                              : SFNS_SKU_EXACT;
    c->code_prefix = sfns_conf_string(&pc, "prefix", "");
    c->code_suffix = sfns_conf_string(&pc, "suffix", "");
    sfns_conf_merge(s, &pc);
}

hs_status sfns_items_conf_read(hs_ctx *ctx, sfns_items_conf *c)
{
    memset(c, 0, sizeof(*c));
    if (!sfns_sdk_ready())
        return sfns_api->fail(ctx, "unsupported_runner",
                              "sfnsItemsToPricebook needs a runner with hook ABI 1.2 (decimals)");
    hs_status st = sfns_fx_read(ctx, &c->fx);
    if (st == HS_OK)
        st = sfns_catalog_read(ctx, &c->cat);
    if (st != HS_OK)
        return st;
    sfns_conf s;
    sfns_conf_open(&s, ctx, "pricebooks", items_keys);
    c->standard_pricebook = sfns_conf_id(&s, "standardPricebookId", NULL);
    if (s.error == NULL && c->standard_pricebook == NULL)
        sfns_conf_invalid(&s, "standardPricebookId",
                          "is required: the Salesforce Id of the standard pricebook "
                          "(Pricebook2 with IsStandard true)");
    c->base_level = sfns_conf_id(&s, "baseLevel", "1");
    c->levels = sfns_conf_id_map(&s, "levels");
    read_currencies(&s, c);
    read_currency_codes(&s, c);
    c->convert =
        strcmp(sfns_conf_enum(&s, "missingCurrency", missing_values, "skip"), "convert") == 0;
    c->base_currency = sfns_conf_string(&s, "baseCurrency", NULL);
    if (c->base_currency != NULL && !iso_code(c, c->base_currency))
        sfns_conf_invalid(&s, "baseCurrency", "\"%s\" is not an ISO 4217 code", c->base_currency);
    read_rates(&s, c);
    if (c->base_currency == NULL)
        c->base_currency = c->fx.corporate;
    if (s.error == NULL && c->convert && c->base_currency == NULL)
        sfns_conf_invalid(&s, "baseCurrency",
                          "is required when missingCurrency is \"convert\" (the NetSuite "
                          "currency prices are converted from), unless "
                          "settings.sfns.currency.corporateCurrency is set (then that one)");
    const char *rounding = sfns_conf_string(&s, "rounding", NULL);
    if (s.error == NULL && rounding != NULL) {
        if (sfns_api->decimal_round_mode(ctx, rounding, &c->fx.mode) != HS_OK)
            sfns_conf_invalid(&s, "rounding",
                              "\"%s\" is not a rounding mode (\"half-up\", \"half-even\", "
                              "\"half-down\", \"down\", \"up\", \"floor\", \"ceiling\")",
                              rounding);
        else
            c->fx.rounding = rounding;
    }
    const char *br = sfns_conf_enum(&s, "quantityBreaks", breaks_values, "tiers");
    c->breaks = strcmp(br, "serialised") == 0 ? SFNS_BREAKS_SERIALISED
                : strcmp(br, "none") == 0     ? SFNS_BREAKS_NONE
                                              : SFNS_BREAKS_TIERS;
    c->tier_object = sfns_conf_string(&s, "tierObject", "Price_Tier__c");
    c->breaks_field = sfns_conf_string(&s, "breaksField", "Quantity_Breaks__c");
    c->product_key = sfns_conf_string(
        &s, "productIdField", c->cat.item_id_field ? c->cat.item_id_field : "NetSuite_Id__c");
    c->entry_key = sfns_conf_string(&s, "entryIdField", "NetSuite_Key__c");
    const char *names[] = {"tierObject", "breaksField", "productIdField", "entryIdField"};
    const char *vals[] = {c->tier_object, c->breaks_field, c->product_key, c->entry_key};
    for (size_t i = 0; i < 4; i++)
        if (vals[i] != NULL && vals[i][0] == '\0')
            sfns_conf_invalid(&s, names[i], "must not be empty");
    c->family_by_type = sfns_conf_get(&s, "familyByType");
    if (c->family_by_type != NULL) {
        size_t n = sfns_api->json_type(c->family_by_type) == HS_JSON_OBJECT
                       ? sfns_api->json_len(c->family_by_type)
                       : 0;
        if (sfns_api->json_type(c->family_by_type) != HS_JSON_OBJECT)
            sfns_conf_invalid(&s, "familyByType", "must be an object: recordType -> Family");
        for (size_t i = 0; i < n; i++)
            if (sfns_api->json_type(sfns_api->json_value_at(c->family_by_type, i)) !=
                HS_JSON_STRING) {
                size_t len = 0;
                const char *k = sfns_api->json_key_at(c->family_by_type, i, &len);
                sfns_conf_invalid(&s, "familyByType", "the value of \"%.*s\" must be a string",
                                  (int)len, k);
            }
    }
    c->family_field = sfns_conf_string(&s, "familyField", NULL);
    c->name_field = sfns_conf_enum(&s, "nameField", name_values, "displayname");
    read_code(&s, c);
    st = sfns_conf_check(&s);
    if (st == HS_OK && (c->legacy_rates || sfns_conf_get(&s, "rounding") || c->legacy_code))
        sfns_api->log(ctx, HS_LOG_WARN,
                      "sfnsItemsToPricebook: settings.sfns.pricebooks.%s deprecated: move it to "
                      "settings.sfns.%s",
                      c->legacy_code ? "productCode is" : "rates and rounding are",
                      c->legacy_code ? "catalog (normalise, map)" : "currency (rates, rounding)");
    return st;
}
