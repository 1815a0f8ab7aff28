/* sfns_accounts_conf.c — settings.sfns.accounts (and the shared integration users) read and
 * checked once per page into an sfns_accounts; docs/sfns-settings.md describes every key. */
#include "sfns_accounts.h"

#include "sfns_geo.h"
#include "sfns_sdk.h"
#include "sfns_sfid.h"

#include <string.h>

const char *const sfns_af_names[SFNS_AF_COUNT + 1] = {
    "name",       "phone",      "fax",      "website",        "industry",        "owner",
    "parent",     "subsidiary", "currency", "billingAddress", "shippingAddress", "terms",
    "creditHold", "netsuiteId", NULL,
};

/* Practice: Salesforce owns relationship data, NetSuite billing address and terms once an order
 * exists, and its own credit data; subsidiary and currency cannot change once a NetSuite customer
 * has transactions, so they are set on create only. */
static const sfns_rule default_rules[SFNS_AF_COUNT] = {
    SFNS_RULE_SALESFORCE,            /* name */
    SFNS_RULE_SALESFORCE,            /* phone */
    SFNS_RULE_SALESFORCE,            /* fax */
    SFNS_RULE_SALESFORCE,            /* website */
    SFNS_RULE_SALESFORCE,            /* industry */
    SFNS_RULE_SALESFORCE,            /* owner */
    SFNS_RULE_SALESFORCE,            /* parent */
    SFNS_RULE_CREATE_ONLY,           /* subsidiary */
    SFNS_RULE_CREATE_ONLY,           /* currency */
    SFNS_RULE_NETSUITE_ONCE_ORDERED, /* billingAddress */
    SFNS_RULE_SALESFORCE,            /* shippingAddress */
    SFNS_RULE_NETSUITE_ONCE_ORDERED, /* terms */
    SFNS_RULE_NETSUITE,              /* creditHold */
    SFNS_RULE_NETSUITE,              /* netsuiteId */
};

static const char *const keys[] = {
    "currentField",
    "ownership",
    "orderedField",
    "integrationUserCheck",
    "hashCheck",
    "salesforceHashField",
    "netsuiteHashField",
    "salesforceLastModifiedByField",
    "netsuiteLastModifiedByField",
    "salesforceLastModifiedField",
    "netsuiteLastModifiedField",
    "netsuiteDateFormat",
    "netsuiteTimeZone",
    "subsidiaryByCountry",
    "regions",
    "subsidiaryByRegion",
    "defaultSubsidiary",
    "subsidiaryAddress",
    "salesRepByOwner",
    "defaultSalesRep",
    "categoryByIndustry",
    "defaultCategory",
    "currencies",
    "defaultCurrency",
    "termsField",
    "termsByName",
    "creditHoldField",
    "netsuiteIdField",
    "urlScheme",
    "splitStreet",
    "defaultCountry",
    "salesforceAddressCodes",
    "reasonsField",
    "unlinkedCustomers",
    NULL,
};

/* A field name setting: a non-empty string, or null to switch the feature off when allowed. */
static const char *field_name(sfns_conf *c, const char *key, const char *def)
{
    const char *s = sfns_conf_string(c, key, def);
    if (s != NULL && s[0] == '\0') {
        sfns_conf_invalid(c, key, "must name a field (a non-empty string)");
        return def;
    }
    return s;
}

/* A Salesforce Id setting, as 18 characters. */
static const char *sf_id(sfns_conf *c, const char *key)
{
    const char *s = sfns_conf_string(c, key, NULL);
    if (s == NULL)
        return NULL;
    char out[19];
    sfns_sfid_status st = sfns_sfid_to18(s, strlen(s), out);
    if (st != SFNS_SFID_OK) {
        sfns_conf_invalid(c, key, "\"%s\" is not a Salesforce Id: it %s", s,
                          sfns_sfid_strerror(st));
        return NULL;
    }
    return sfns_api->strdup(c->ctx, out);
}

static const struct sfns_country *country_or_invalid(sfns_conf *c, const char *key,
                                                     const char *text, size_t len)
{
    const struct sfns_country *k = sfns_country_find(text, len);
    if (k == NULL)
        sfns_conf_invalid(c, key,
                          "\"%.*s\" is not a country (use an ISO 3166 code such as \"US\" or an "
                          "English name such as \"United States\")",
                          (int)len, text);
    return k;
}

/* subsidiaryByCountry, regions and subsidiaryByRegion folded into one answer per country. */
static void read_subsidiaries(sfns_conf *c, sfns_accounts *a)
{
    hs_ctx *ctx = c->ctx;
    a->subsidiary_by_country = sfns_api->alloc(ctx, sfns_country_count * sizeof(const char *));
    if (a->subsidiary_by_country == NULL) {
        sfns_conf_invalid(c, NULL, "out of memory");
        return;
    }
    const hs_json *by_country = sfns_conf_id_map(c, "subsidiaryByCountry");
    const hs_json *by_region = sfns_conf_id_map(c, "subsidiaryByRegion");
    const hs_json *regions = sfns_conf_get(c, "regions");
    a->default_subsidiary = sfns_conf_id(c, "defaultSubsidiary", NULL);
    a->subsidiary_from_shipping =
        strcmp(sfns_conf_enum(c, "subsidiaryAddress",
                              (const char *const[]){"billing", "shipping", NULL}, "billing"),
               "shipping") == 0;
    a->subsidiary_configured =
        by_country != NULL || by_region != NULL || a->default_subsidiary != NULL;
    if (regions != NULL && sfns_api->json_type(regions) != HS_JSON_OBJECT) {
        sfns_conf_invalid(c, "regions", "must be an object of region name -> list of countries");
        return;
    }
    /* Every region's members are countries, used or not. */
    size_t ng = sfns_api->json_len(regions);
    for (size_t g = 0; g < ng; g++) {
        size_t glen = 0;
        const char *region = sfns_api->json_key_at(regions, g, &glen);
        const hs_json *members = sfns_api->json_value_at(regions, g);
        const char *key = sfns_api->sprintf(ctx, "regions.%.*s", (int)glen, region);
        if (sfns_api->json_type(members) != HS_JSON_ARRAY) {
            sfns_conf_invalid(c, key, "must be an array of country names or codes");
            return;
        }
        size_t nm = sfns_api->json_len(members);
        for (size_t m = 0; m < nm; m++) {
            size_t len = 0;
            const char *text =
                sfns_api->json_string(ctx, sfns_api->json_at(members, m), &len, NULL);
            const char *mkey = sfns_api->sprintf(ctx, "%s[%zu]", key, m);
            if (text == NULL) {
                sfns_conf_invalid(c, mkey, "must be a country name or code (a string)");
                return;
            }
            if (country_or_invalid(c, mkey, text, len) == NULL)
                return;
        }
    }
    /* Regions first, so a country's own entry overrides its region's. */
    size_t nr = sfns_api->json_len(by_region);
    for (size_t i = 0; i < nr; i++) {
        size_t klen = 0;
        const char *region = sfns_api->json_key_at(by_region, i, &klen);
        const hs_json *members = sfns_api->json_getn(regions, region, klen);
        if (members == NULL) {
            sfns_conf_invalid(c, "subsidiaryByRegion",
                              "region \"%.*s\" is not defined in settings.sfns.accounts.regions",
                              (int)klen, region);
            return;
        }
        const char *id = sfns_id_text(ctx, sfns_api->json_value_at(by_region, i));
        size_t nm = sfns_api->json_len(members);
        for (size_t m = 0; m < nm; m++) {
            size_t len = 0;
            const char *text =
                sfns_api->json_string(ctx, sfns_api->json_at(members, m), &len, NULL);
            const struct sfns_country *k = sfns_country_find(text, len);
            if (k != NULL)
                a->subsidiary_by_country[k - sfns_countries] = id;
        }
    }
    size_t nc = sfns_api->json_len(by_country);
    for (size_t i = 0; i < nc; i++) {
        size_t klen = 0;
        const char *text = sfns_api->json_key_at(by_country, i, &klen);
        const struct sfns_country *k = country_or_invalid(c, "subsidiaryByCountry", text, klen);
        if (k == NULL)
            return;
        a->subsidiary_by_country[k - sfns_countries] =
            sfns_id_text(ctx, sfns_api->json_value_at(by_country, i));
    }
}

/* salesRepByOwner with its keys as 18-character Ids. */
static void read_sales_reps(sfns_conf *c, sfns_accounts *a)
{
    const hs_json *map = sfns_conf_id_map(c, "salesRepByOwner");
    a->default_sales_rep = sfns_conf_id(c, "defaultSalesRep", NULL);
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
    a->sales_rep_by_owner = norm;
}

static void read_currencies(sfns_conf *c, sfns_accounts *a)
{
    a->currencies = sfns_conf_id_map(c, "currencies");
    size_t n = sfns_api->json_len(a->currencies);
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const char *code = sfns_api->json_key_at(a->currencies, i, &len);
        if (len != 3 || !sfns_currency_known(sfns_api->sprintf(c->ctx, "%.*s", (int)len, code))) {
            sfns_conf_invalid(c, "currencies",
                              "\"%.*s\" is not an ISO 4217 currency code (three upper-case "
                              "letters such as \"USD\")",
                              (int)len, code);
            return;
        }
    }
    a->default_currency = sfns_conf_string(c, "defaultCurrency", NULL);
    if (a->default_currency != NULL && !sfns_currency_known(a->default_currency))
        sfns_conf_invalid(c, "defaultCurrency",
                          "\"%s\" is not an ISO 4217 currency code (three upper-case letters "
                          "such as \"USD\")",
                          a->default_currency);
}

hs_status sfns_accounts_read(hs_ctx *ctx, sfns_accounts *a)
{
    memset(a, 0, sizeof(*a));
    if (!sfns_sdk_ready())
        return sfns_api->fail(ctx, "runner_too_old",
                              "%s needs a runner with hook ABI 1.2 (dates and money); this one "
                              "has %u.%u",
                              sfns_api->ctx_function(ctx), sfns_api->abi_major,
                              sfns_api->abi_minor);
    sfns_conf root, c;
    sfns_conf_open(&root, ctx, NULL, NULL);
    a->sf_user = sf_id(&root, "salesforceIntegrationUserId");
    a->ns_user = sfns_conf_id(&root, "netsuiteIntegrationUserId", NULL);
    if (root.error != NULL)
        return sfns_conf_check(&root);

    sfns_conf_open(&c, ctx, "accounts", keys);
    a->current_field = field_name(&c, "currentField", "_current");
    sfns_own_read(&c, "ownership", sfns_af_names, default_rules, SFNS_AF_COUNT, a->rules);
    a->ordered_field = field_name(&c, "orderedField", "firstorderdate");
    a->user_check = sfns_conf_bool(&c, "integrationUserCheck", 1);
    a->hash_check = sfns_conf_bool(&c, "hashCheck", 1);
    a->sf_hash_field = field_name(&c, "salesforceHashField", "Sfns_Sync_Hash__c");
    a->ns_hash_field = field_name(&c, "netsuiteHashField", "custentity_sfns_sync_hash");
    a->sf_modified_by_field = field_name(&c, "salesforceLastModifiedByField", "LastModifiedById");
    a->ns_modified_by_field = field_name(&c, "netsuiteLastModifiedByField", "lastmodifiedby");
    a->sf_modified_field = field_name(&c, "salesforceLastModifiedField", "LastModifiedDate");
    a->ns_modified_field = field_name(&c, "netsuiteLastModifiedField", "lastmodifieddate");
    a->ns_date_format = sfns_conf_string(&c, "netsuiteDateFormat", NULL);
    if (a->ns_date_format != NULL && !sfns_time_format_valid(ctx, a->ns_date_format))
        sfns_conf_invalid(&c, "netsuiteDateFormat",
                          "\"%s\" is not a date pattern (for example \"M/D/YYYY h:mm a\")",
                          a->ns_date_format);
    a->ns_time_zone = sfns_conf_string(&c, "netsuiteTimeZone", "UTC");
    if (!sfns_time_zone_known(ctx, a->ns_time_zone))
        sfns_conf_invalid(&c, "netsuiteTimeZone",
                          "\"%s\" is not a time zone (an IANA name such as "
                          "\"America/Los_Angeles\", or \"UTC\")",
                          a->ns_time_zone);
    read_subsidiaries(&c, a);
    read_sales_reps(&c, a);
    a->category_by_industry = sfns_conf_id_map(&c, "categoryByIndustry");
    a->default_category = sfns_conf_id(&c, "defaultCategory", NULL);
    read_currencies(&c, a);
    a->terms_field = field_name(&c, "termsField", NULL);
    a->terms_by_name = sfns_conf_id_map(&c, "termsByName");
    a->credit_hold_field = field_name(&c, "creditHoldField", NULL);
    a->netsuite_id_field = field_name(&c, "netsuiteIdField", "NetSuite_Id__c");
    a->url_scheme =
        sfns_conf_enum(&c, "urlScheme", (const char *const[]){"https", "http", NULL}, "https");
    a->address.split_street = sfns_conf_bool(&c, "splitStreet", 1);
    const char *country = sfns_conf_string(&c, "defaultCountry", NULL);
    if (country != NULL) {
        const struct sfns_country *k =
            country_or_invalid(&c, "defaultCountry", country, strlen(country));
        a->address.default_country = k ? k->alpha2 : NULL;
    }
    a->sf_address_codes = sfns_conf_bool(&c, "salesforceAddressCodes", 0);
    a->reasons_field = field_name(&c, "reasonsField", NULL);
    a->unlinked_error = strcmp(sfns_conf_enum(&c, "unlinkedCustomers",
                                              (const char *const[]){"skip", "error", NULL}, "skip"),
                               "error") == 0;
    return sfns_conf_check(&c);
}

const char *sfns_accounts_reverse(hs_ctx *ctx, const hs_json *map, const char *id)
{
    size_t n = sfns_api->json_len(map);
    for (size_t i = 0; i < n && id != NULL; i++) {
        size_t len = 0;
        const char *key = sfns_api->json_key_at(map, i, &len);
        const char *value = sfns_id_text(ctx, sfns_api->json_value_at(map, i));
        if (value != NULL && strcmp(value, id) == 0)
            return sfns_api->sprintf(ctx, "%.*s", (int)len, key);
    }
    return NULL;
}
