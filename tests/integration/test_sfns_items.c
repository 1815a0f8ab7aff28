/* test_sfns_items.c — sfnsItemsToPricebook called over POST /function as integrator.io calls a
 * preSavePage hook, converting prices with the real Salesforce CurrencyType rows of the sample
 * org ($HS_SHARED_DIR/data/sm-quickstart/CurrencyTypes.json, read at run time) as a lookup puts
 * them on the item (settings.sfns.currency.ratesField): an item priced only in the corporate
 * currency, at three quantity breaks, gets one PricebookEntry and three tiers per currency the
 * org has, each price the corporate price x the currency's ConversionRate rounded half-up to its
 * DecimalPlaces — computed here in integers from the file, not by the module. The same rows with
 * a currency switched off (IsActive false) leave that currency without a rate: the item's
 * missing_rate error names it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integration/harness.h"

static struct hst_server srv;
static const char *shared;

static int group_setup(void **state)
{
    (void)state;
    shared = getenv("HS_SHARED_DIR");
    const char *mods = hst_hook_module_dir("sfns");
    if (shared == NULL || mods == NULL)
        return -1;
    const char *args[] = {"--modules", mods, NULL};
    return hst_server_start_raw(&srv, args, NULL);
}

static int group_teardown(void **state)
{
    (void)state;
    hst_server_stop(&srv, 0, 10000);
    return 0;
}

static cJSON *currency_types(void)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/data/sm-quickstart/CurrencyTypes.json", shared);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    cJSON *v = cJSON_Parse(s);
    free(s);
    assert_non_null(v);
    return v;
}

/* The corporate price breaks (quantity, cents). */
static const long long breaks[3][2] = {{0, 12000}, {10, 11000}, {50, 9950}};

/* The item, priced in `corp` only, with the org's CurrencyType rows at _rates. */
static cJSON *item(const char *corp, const cJSON *types)
{
    cJSON *it = cJSON_CreateObject();
    cJSON_AddStringToObject(it, "id", "1043");
    cJSON_AddStringToObject(it, "recordType", "inventoryitem");
    cJSON_AddStringToObject(it, "itemid", "Hardware : pb-762gh");
    cJSON *row = cJSON_CreateObject();
    cJSON *cur = cJSON_AddObjectToObject(row, "currency");
    cJSON_AddStringToObject(cur, "internalId", "1");
    cJSON_AddStringToObject(cur, "name", corp);
    cJSON *lev = cJSON_AddObjectToObject(row, "priceLevel");
    cJSON_AddStringToObject(lev, "internalId", "1");
    cJSON_AddStringToObject(lev, "name", "Base Price");
    cJSON *prices = cJSON_AddArrayToObject(cJSON_AddObjectToObject(row, "priceList"), "price");
    for (int i = 0; i < 3; i++) {
        char v[32];
        snprintf(v, sizeof(v), "%lld.%02lld", breaks[i][1] / 100, breaks[i][1] % 100);
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "value", v);
        cJSON_AddNumberToObject(p, "quantity", (double)breaks[i][0]);
        cJSON_AddItemToArray(prices, p);
    }
    cJSON *pricing = cJSON_CreateArray();
    cJSON_AddItemToArray(pricing, row);
    cJSON_AddItemToObject(cJSON_AddObjectToObject(it, "pricingMatrix"), "pricing", pricing);
    cJSON_AddItemToObject(it, "_rates", cJSON_Duplicate(types, 1));
    return it;
}

static cJSON *call(cJSON *data, cJSON *sfns)
{
    cJSON *req = cJSON_CreateObject();
    cJSON_AddTrueToObject(req, "diy");
    cJSON_AddStringToObject(req, "function", "sfnsItemsToPricebook");
    cJSON *opts = cJSON_AddObjectToObject(req, "options");
    cJSON_AddStringToObject(opts, "currentExportDateTime", "2024-03-05T12:00:00.000Z");
    cJSON_AddItemToObject(cJSON_AddObjectToObject(opts, "settings"), "sfns", sfns);
    cJSON_AddItemToObject(opts, "data", data);
    char *body = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    struct hst_response r;
    assert_int_equal(hst_post_function(&srv, body, &r), 0);
    free(body);
    if (r.status != 200)
        fail_msg("sfnsItemsToPricebook answered %ld: %s", r.status, r.body);
    cJSON *out = cJSON_Parse(r.body);
    hst_response_free(&r);
    assert_non_null(out);
    return out;
}

/* The settings: corporate currency `corp`, every listed currency enabled, conversion on. */
static cJSON *settings(const char *corp, const cJSON *records)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(cJSON_AddObjectToObject(s, "currency"), "corporateCurrency", corp);
    cJSON *pb = cJSON_AddObjectToObject(s, "pricebooks");
    cJSON_AddStringToObject(pb, "standardPricebookId", "01s5g00000StdPbAAA");
    cJSON_AddStringToObject(pb, "missingCurrency", "convert");
    cJSON *cur = cJSON_AddArrayToObject(pb, "currencies");
    const cJSON *r;
    cJSON_ArrayForEach(r, records) cJSON_AddItemToArray(
        cur, cJSON_CreateString(cJSON_GetObjectItem(r, "IsoCode")->valuestring));
    return s;
}

/* cents x rate rounded half-up to `places` decimals, as text ("103.40"). The rate is read from
 * its JSON text in millionths (the file's rates have at most 6 places). */
static void expected(long long cents, double rate, int places, char *out, size_t n)
{
    long long micro = (long long)(rate * 1e6 + 0.5);
    /* value in 10^-8 units of the currency: cents x micro */
    long long v = cents * micro;
    long long unit = 1;
    for (int i = 0; i < 8 - places; i++)
        unit *= 10;
    long long q = (v + unit / 2) / unit; /* half-up, positive amounts */
    long long scale = 1;
    for (int i = 0; i < places; i++)
        scale *= 10;
    assert_true(places >= 0 && places <= 6);
    char frac[8];
    long long f = q % scale;
    for (int i = places - 1; i >= 0; i--, f /= 10)
        frac[i] = (char)('0' + f % 10);
    frac[places] = '\0';
    snprintf(out, n, places > 0 ? "%lld.%s" : "%lld%s", q / scale, frac);
}

static void corporate_prices_converted_with_the_orgs_rates(void **state)
{
    (void)state;
    cJSON *doc = currency_types();
    cJSON *records = cJSON_GetObjectItem(doc, "records");
    const char *corp = NULL;
    const cJSON *r;
    cJSON_ArrayForEach(r, records) if (cJSON_IsTrue(cJSON_GetObjectItem(r, "IsCorporate"))) corp =
        cJSON_GetObjectItem(r, "IsoCode")->valuestring;
    assert_non_null(corp);
    cJSON *data = cJSON_CreateArray();
    cJSON_AddItemToArray(data, item(corp, doc));
    cJSON *out = call(data, settings(corp, records));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(out, "newErrorsAndRetryData")), 0);
    const cJSON *recs = cJSON_GetObjectItem(out, "data");
    int entries = 0, tiers = 0;
    cJSON_ArrayForEach(r, records)
    {
        const char *code = cJSON_GetObjectItem(r, "IsoCode")->valuestring;
        double rate = cJSON_GetObjectItem(r, "ConversionRate")->valuedouble;
        int places = cJSON_GetObjectItem(r, "DecimalPlaces")->valueint;
        const cJSON *o;
        cJSON_ArrayForEach(o, recs)
        {
            const char *type =
                cJSON_GetObjectItem(cJSON_GetObjectItem(o, "attributes"), "type")->valuestring;
            const cJSON *c = cJSON_GetObjectItem(o, "CurrencyIsoCode");
            if (c == NULL || strcmp(c->valuestring, code) != 0)
                continue;
            char want[32], got[32];
            if (strcmp(type, "PricebookEntry") == 0) {
                expected(breaks[0][1], rate, places, want, sizeof(want));
                snprintf(got, sizeof(got), "%.*f", places,
                         cJSON_GetObjectItem(o, "UnitPrice")->valuedouble);
                assert_string_equal(got, want);
                entries++;
            } else if (strcmp(type, "Price_Tier__c") == 0) {
                double q = cJSON_GetObjectItem(o, "Min_Quantity__c")->valuedouble;
                int k = q == 0 ? 0 : q == 10 ? 1 : 2;
                assert_true(q == (double)breaks[k][0]);
                expected(breaks[k][1], rate, places, want, sizeof(want));
                snprintf(got, sizeof(got), "%.*f", places,
                         cJSON_GetObjectItem(o, "Unit_Price__c")->valuedouble);
                assert_string_equal(got, want);
                tiers++;
            }
        }
    }
    int n = cJSON_GetArraySize(records);
    assert_int_equal(entries, n);
    assert_int_equal(tiers, 3 * n);
    cJSON_Delete(out);
    cJSON_Delete(doc);
}

static void inactive_currency_has_no_rate(void **state)
{
    (void)state;
    cJSON *doc = currency_types();
    cJSON *records = cJSON_GetObjectItem(doc, "records");
    /* the first non-corporate currency switched off */
    const char *off = NULL, *corp = NULL;
    cJSON *r;
    cJSON_ArrayForEach(r, records)
    {
        if (cJSON_IsTrue(cJSON_GetObjectItem(r, "IsCorporate")))
            corp = cJSON_GetObjectItem(r, "IsoCode")->valuestring;
        else if (off == NULL) {
            off = cJSON_GetObjectItem(r, "IsoCode")->valuestring;
            cJSON_ReplaceItemInObject(r, "IsActive", cJSON_CreateFalse());
        }
    }
    assert_non_null(off);
    cJSON *data = cJSON_CreateArray();
    cJSON_AddItemToArray(data, item(corp, doc));
    cJSON *out = call(data, settings(corp, records));
    const cJSON *retry = cJSON_GetObjectItem(out, "newErrorsAndRetryData");
    assert_int_equal(cJSON_GetArraySize(retry), 1);
    const cJSON *err =
        cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(retry, 0), "errors"), 0);
    assert_string_equal(cJSON_GetObjectItem(err, "code")->valuestring, "missing_rate");
    char needle[64];
    snprintf(needle, sizeof(needle), "no %s exchange rate is valid on 2024-03-05", off);
    assert_non_null(strstr(cJSON_GetObjectItem(err, "message")->valuestring, needle));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(out, "data")), 0);
    cJSON_Delete(out);
    cJSON_Delete(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(corporate_prices_converted_with_the_orgs_rates),
        cmocka_unit_test(inactive_currency_has_no_rate),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
