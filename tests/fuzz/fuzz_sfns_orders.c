/* fuzz_sfns_orders.c — libFuzzer target for sfnsOpportunityToSalesOrder on untrusted records:
 * POST /function as a worker runs it (proto_handle), with the sfns order files linked in as a
 * static module (the files tests/tests.cmake and run.sh list for this target). The input's first
 * byte picks one of four settings (catalog with bundles and a map, conversions into zero- and
 * three-decimal currencies, discount lines and a rounding item, half-even with fixed rate places
 * and a rate age; or none); the rest is the page, options.data, as JSON text. Any bytes give an
 * answer with a status; a 200 is one element per record, each {"data"} or {"errors"}, and every
 * order's lines add up exactly to the total it reports. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HS_MODULE_STATIC fuzz_sfns_orders_entry
#include "hookstack.h"

#include "../../hooks/sfns/sfns.h"

#include "arena.h"
#include "json.h"
#include "proto.h"
#include "registry_internal.h"

#include "fuzz_sfns_post.h"
#include "sdk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The module table the sfns files use (sfns.c, which defines it in the module, is not linked). */
const hs_api *sfns_api;

static hs_status fuzz_init(const hs_api *api, hs_module *mod)
{
    sfns_api = api;
    return sfns_opportunity_register(mod);
}

HS_MODULE("sfns", "fuzz", fuzz_init)

static const char *const settings[4] = {
    "{\"sfns\":{\"currency\":{\"corporateCurrency\":\"USD\",\"netsuiteIds\":{\"USD\":1,\"EUR\":2,"
    "\"JPY\":3,\"BHD\":4,\"GBP\":5},\"rates\":[{\"currency\":\"EUR\",\"rate\":0.92},{\"currency\":"
    "\"GBP\",\"rate\":\"0.79\",\"date\":\"2024-03-01\"},{\"currency\":\"JPY\",\"rate\":\"149.875\"}"
    ","
    "{\"currency\":\"BHD\",\"rate\":\"0.3765\"}]},\"catalog\":{\"items\":{\"PB762GH\":\"1043\","
    "\"Hardware : ONETIME\":17,\"SUB-A\":\"230\"},\"map\":{\"LEGACY-7\":\"1043\"},\"bundles\":{"
    "\"KIT-3\":{\"components\":[{\"item\":\"311\"},{\"item\":\"312\",\"quantity\":2,\"weight\":3},"
    "{\"item\":\"313\",\"quantity\":\"0.5\",\"weight\":0}]}},\"itemIdField\":\"NetSuite_Id__c\"},"
    "\"orders\":{\"orderCurrencyField\":\"_oc\",\"subsidiaryField\":\"Account.Sub\","
    "\"poNumberField\":\"PO\",\"shipDateField\":\"Ship\"}}}",
    "{\"sfns\":{\"currency\":{\"corporateCurrency\":\"USD\",\"rates\":[{\"currency\":\"JPY\","
    "\"rate\":150.5}]},\"catalog\":{\"normalise\":{\"stripPrefixes\":[\"SF-\"],"
    "\"stripLeadingZeros\":true},\"items\":{\"PB762GH\":\"1043\",\"ONETIME\":\"17\"},\"bundles\":{"
    "\"TRIO\":{\"components\":[{\"item\":\"321\",\"quantity\":3},{\"item\":\"322\",\"quantity\":7},"
    "{\"item\":\"323\",\"quantity\":11}]}},\"roundingItem\":\"900\"},\"orders\":{\"discountMode\":"
    "\"lines\",\"discountItem\":\"88\",\"orderDiscountPercentField\":\"Pct\","
    "\"orderDiscountAmountField\":\"Off\",\"lineDiscountAmountField\":\"Off\",\"orderCurrency\":"
    "\"JPY\",\"recordType\":\"estimate\"}}}",
    "{\"sfns\":{\"currency\":{\"corporateCurrency\":\"USD\",\"rounding\":\"half-even\","
    "\"maxRateAgeDays\":30,\"ratesField\":\"_rates\",\"defaultCurrency\":\"BHD\"},\"catalog\":{"
    "\"items\":{\"PB762GH\":\"1043\",\"ONETIME\":\"17\"},\"bundles\":{\"KIT-3\":{\"components\":["
    "{\"item\":\"311\",\"quantity\":1},{\"item\":\"312\",\"quantity\":2},{\"item\":\"313\","
    "\"quantity\":3}]}}},\"orders\":{\"ratePlaces\":3,\"orderCurrency\":\"EUR\","
    "\"orderDiscountPercentField\":\"Pct\",\"dateFormat\":\"DD-Mon-YYYY\",\"timeZone\":"
    "\"Asia/Tokyo\"}}}",
    "{}",
};

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_sfns_orders: %s\n", what);
        abort();
    }
}

/* A 200 answer: one object per record, each data or errors; an order's lines sum to its total. */
static void check_answer(struct arena *a, const struct json_buf *body)
{
    const hs_api *api = sdk_api();
    struct json_error err;
    hs_json *answer = (hs_json *)json_parse(a, body->data, body->len, NULL, &err);
    check(answer != NULL && api->json_type(answer) == HS_JSON_ARRAY, "a 200 answers an array");
    for (size_t i = 0; i < api->json_len(answer); i++) {
        hs_json *e = api->json_at(answer, i);
        check(api->json_type(e) == HS_JSON_OBJECT, "each element is an object");
        hs_json *d = api->json_get(e, "data");
        check((d != NULL) != (api->json_get(e, "errors") != NULL), "data or errors");
        if (d == NULL)
            continue;
        hs_decimal sum = HS_DECIMAL(0, 0), total, x;
        hs_json *items = api->json_get(d, "item");
        for (size_t k = 0; k < api->json_len(items); k++) {
            check(api->decimal_from_json(NULL, api->json_get(api->json_at(items, k), "amount"),
                                         &x) == HS_OK,
                  "every line has an amount");
            check(api->decimal_add(NULL, sum, x, &sum) == HS_OK, "amounts add up");
        }
        size_t len = 0;
        const char *t =
            api->json_string(NULL, api->json_get(api->json_get(d, "_sfns"), "total"), &len, NULL);
        check(t != NULL && api->decimal_parse(NULL, t, len, &total) == HS_OK, "a total");
        check(api->decimal_cmp(sum, total) == 0, "the lines sum to the order's total");
    }
}

static void on_200(struct arena *a, const struct json_buf *body, const void *ud)
{
    (void)ud;
    check_answer(a, body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    char head[4096];
    snprintf(head, sizeof(head),
             "{\"diy\":true,\"function\":\"sfnsOpportunityToSalesOrder\",\"options\":{"
             "\"settings\":%s,\"data\":",
             settings[data[0] % 4]);
    fuzz_sfns_post("fuzz_sfns_orders", fuzz_sfns_orders_entry, head, data + 1, size - 1, on_200,
                   NULL);
    return 0;
}
