/* sfns_orders_conf.c — settings.sfns.orders read and checked once per page, with the shared
 * settings.sfns.currency (sfns_fx.c) and settings.sfns.catalog (sfns_catalog.c); every key is in
 * docs/sfns-settings.md ("Opportunities -> Sales Orders / Estimates"). */
#include "sfns_orders.h"

#include "sfns_sdk.h"
#include "sfns_sfid.h"

#include <string.h>

static const char *const keys[] = {
    "recordType",
    "routeField",
    "salesRepByOwner",
    "defaultSalesRep",
    "subsidiaryField",
    "defaultSubsidiary",
    "poNumberField",
    "memoField",
    "shipDateField",
    "orderCurrency",
    "orderCurrencyField",
    "dateFormat",
    "timeZone",
    "orderStatus",
    "quoteValidityDays",
    "estimateStatus",
    "discountMode",
    "discountItem",
    "lineDiscountAmountField",
    "orderDiscountPercentField",
    "orderDiscountAmountField",
    "ratePlaces",
    "totalsCheck",
    NULL,
};

static const char *const record_types[] = {"salesorder", "estimate", NULL};
static const char *const discount_modes[] = {"net", "lines", NULL};

/* A field name (or dotted path) setting: a non-empty string, or null. */
static const char *field_name(sfns_conf *c, const char *key, const char *def)
{
    const char *s = sfns_conf_string(c, key, def);
    if (s != NULL &&
        (s[0] == '\0' || s[0] == '.' || s[strlen(s) - 1] == '.' || strstr(s, "..") != NULL)) {
        sfns_conf_invalid(c, key,
                          "must name a field (\"Field__c\" or a path such as "
                          "\"Account.Field__c\")");
        return def;
    }
    return s;
}

/* salesRepByOwner with its keys as 18-character Ids. */
static void read_sales_reps(sfns_conf *c, sfns_orders *o)
{
    const hs_json *map = sfns_conf_id_map(c, "salesRepByOwner");
    o->default_sales_rep = sfns_conf_id(c, "defaultSalesRep", NULL);
    if (map == NULL)
        return;
    hs_json *norm = sfns_api->json_new_object(c->ctx);
    size_t n = sfns_api->json_len(map);
    for (size_t i = 0; i < n && norm != NULL; i++) {
        size_t len = 0;
        const char *key = sfns_api->json_key_at(map, i, &len);
        char id[19];
        sfns_sfid_status st = sfns_sfid_to18(key, len, id);
        if (st != SFNS_SFID_OK) {
            sfns_conf_invalid(c, "salesRepByOwner", "\"%.*s\" is not a Salesforce User Id: it %s",
                              (int)len, key, sfns_sfid_strerror(st));
            return;
        }
        if (sfns_api->json_set(c->ctx, norm, id, sfns_api->json_value_at(map, i)) != HS_OK)
            norm = NULL;
    }
    if (norm == NULL)
        sfns_conf_invalid(c, NULL, "out of memory");
    o->sales_rep_by_owner = norm;
}

static void read_dates(sfns_conf *c, sfns_orders *o)
{
    o->date_format = sfns_conf_string(c, "dateFormat", HS_DATE_FORMAT_ISO_DATE);
    hs_datetime d = {.year = 2000, .month = 1, .day = 1};
    const char *out = NULL;
    if (c->error == NULL && sfns_api->date_format(c->ctx, &d, o->date_format, &out) != HS_OK)
        sfns_conf_invalid(c, "dateFormat",
                          "\"%s\" is not a date pattern for dates without a time (use NetSuite's "
                          "names: \"M/D/YYYY\", \"D/M/YYYY\", \"DD-Mon-YYYY\", \"YYYY-MM-DD\"...)",
                          o->date_format);
    o->time_zone = sfns_conf_string(c, "timeZone", "UTC");
    if (c->error == NULL && !sfns_time_zone_known(c->ctx, o->time_zone))
        sfns_conf_invalid(c, "timeZone", "\"%s\" is not an IANA time zone (\"Europe/Paris\")",
                          o->time_zone);
}

static void read_discounts(sfns_conf *c, sfns_orders *o)
{
    o->discount_lines =
        strcmp(sfns_conf_enum(c, "discountMode", discount_modes, "net"), "lines") == 0;
    o->discount_item = sfns_conf_id(c, "discountItem", NULL);
    if (c->error == NULL && o->discount_lines && o->discount_item == NULL)
        sfns_conf_invalid(c, "discountItem",
                          "is required when discountMode is \"lines\": the internal id of the "
                          "NetSuite discount item the discount lines use");
    o->line_discount_amount_field = field_name(c, "lineDiscountAmountField", NULL);
    o->order_discount_percent_field = field_name(c, "orderDiscountPercentField", NULL);
    o->order_discount_amount_field = field_name(c, "orderDiscountAmountField", NULL);
}

hs_status sfns_orders_read(hs_ctx *ctx, sfns_orders *o)
{
    memset(o, 0, sizeof(*o));
    hs_status st = sfns_fx_read(ctx, &o->fx);
    if (st == HS_OK)
        st = sfns_catalog_read(ctx, &o->catalog);
    if (st != HS_OK)
        return st;
    sfns_conf c;
    sfns_conf_open(&c, ctx, "orders", keys);
    o->record_type =
        strcmp(sfns_conf_enum(&c, "recordType", record_types, "salesorder"), "estimate") == 0
            ? SFNS_ESTIMATE
            : SFNS_SALES_ORDER;
    o->route_field = field_name(&c, "routeField", "_sfnsRoute");
    read_sales_reps(&c, o);
    o->subsidiary_field = field_name(&c, "subsidiaryField", NULL);
    o->default_subsidiary = sfns_conf_id(&c, "defaultSubsidiary", NULL);
    o->po_number_field = field_name(&c, "poNumberField", NULL);
    o->memo_field = field_name(&c, "memoField", "Description");
    o->ship_date_field = field_name(&c, "shipDateField", NULL);
    const char *cur = sfns_conf_string(&c, "orderCurrency", NULL);
    if (cur != NULL) {
        o->order_currency = sfns_fx_code(ctx, cur);
        if (o->order_currency == NULL || sfns_fx_minor_units(&o->fx, o->order_currency) < 0)
            sfns_conf_invalid(&c, "orderCurrency",
                              "\"%s\" is not an ISO 4217 currency code (three letters such as "
                              "\"EUR\")",
                              cur);
    }
    o->order_currency_field = field_name(&c, "orderCurrencyField", NULL);
    read_dates(&c, o);
    o->order_status = sfns_conf_id(&c, "orderStatus", NULL);
    o->quote_validity_days = sfns_conf_int(&c, "quoteValidityDays", 30, 0, 3650);
    o->estimate_status = sfns_conf_id(&c, "estimateStatus", NULL);
    read_discounts(&c, o);
    o->rate_places = (int)sfns_conf_int(&c, "ratePlaces", -1, 0, 8);
    o->totals_check = sfns_conf_bool(&c, "totalsCheck", 1);
    return sfns_conf_check(&c);
}
