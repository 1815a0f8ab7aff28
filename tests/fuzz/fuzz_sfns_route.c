/* fuzz_sfns_route.c — libFuzzer target for sfnsOrderRoute (branching) and sfnsSalesOrderResult
 * (postSubmit) on untrusted records: POST /function as a worker runs it (proto_handle), with
 * their sfns files linked in as a static module (the files tests/tests.cmake and run.sh list for
 * this target). The input's first byte picks the function (bit 0) and one of two settings (bit
 * 1); the rest is options.record (the router's record) or options.responseData (NetSuite's
 * answers, beside a fixed postMapData) as JSON text. Any bytes give an answer with a status; a
 * 200 of the router is one branch index of settings.branches, and a 200 of the postSubmit is one
 * object per response with _json.sfns.outcome. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HS_MODULE_STATIC fuzz_sfns_route_entry
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
    hs_status st = sfns_route_register(mod);
    return st == HS_OK ? sfns_results_register(mod) : st;
}

HS_MODULE("sfns", "fuzz", fuzz_init)

#define BRANCHES "\"branches\":[\"order\",\"quote\",\"hold\",\"skip\",\"error\"]"

static const char *const route_settings[2] = {
    "{" BRANCHES "}",
    "{" BRANCHES ",\"sfns\":{\"routing\":{\"quoteField\":\"Quote__c\",\"quoteTypes\":[\"Renewal\"],"
    "\"signOffAmountOver\":{\"USD\":100000,\"EUR\":\"90000.00\",\"JPY\":15000000,\"BHD\":"
    "\"1.125\"},\"contractTypeField\":\"Contract__c\",\"signOffContractTypes\":[\"MSA\"],"
    "\"signOffValues\":[\"Approved\"],\"defaultCurrency\":\"USD\",\"callOffRoute\":\"order\","
    "\"unsignedRoute\":\"quote\",\"frameworkRecordTypes\":[\"012000000000001AAA\"]}}}",
};

static const char *const result_settings[2] = {
    "{}",
    "{\"sfns\":{\"catalog\":{\"map\":{\"IK-7\":\"1234\"},\"items\":{\"Kit : IK-8\":\"1235\"},"
    "\"bundles\":{\"KIT\":{\"components\":[{\"item\":\"1236\"}]}}},\"results\":{"
    "\"syncErrorLength\":20,\"transactionNumberPaths\":[\"record.tranid\",\"tranid\"],"
    "\"resultKey\":\"r\",\"errorRules\":[{\"codes\":[\"USER_ERROR\"],\"messageContains\":["
    "\"value(s) for\"],\"kind\":\"other\",\"advice\":\"Add products.\"},{\"kind\":\"credit_hold\","
    "\"codes\":[\"CUST_ON_HOLD\"]}]}}}",
};

static const char post_map[] =
    "[{\"recordType\":\"salesorder\",\"externalid\":\"0065g00000Rs001AAB\",\"entity\":"
    "\"0015g00000Q1w2EAAR\",\"item\":[{\"item\":\"1234\",\"quantity\":1,\"description\":\"Kit\"},"
    "{\"item\":\"1236\"}]},{\"recordType\":\"estimate\",\"externalid\":\"0065g00000Rs005\"},"
    "7]";

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_sfns_route: %s\n", what);
        abort();
    }
}

/* A 200 answer: the router's one branch index, or the postSubmit's responses with an outcome. */
static void check_answer(struct arena *a, const struct json_buf *body, int results, const char *key)
{
    const hs_api *api = sdk_api();
    struct json_error err;
    hs_json *answer = (hs_json *)json_parse(a, body->data, body->len, NULL, &err);
    check(answer != NULL && api->json_type(answer) == HS_JSON_ARRAY, "a 200 answers an array");
    size_t n = api->json_len(answer);
    if (!results) {
        check(n == 1, "the router answers one branch");
        double d = api->json_number(api->json_at(answer, 0), -1);
        check(d == 0 || d == 1 || d == 2 || d == 3 || d == 4, "a branch of settings.branches");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        hs_json *e = api->json_at(answer, i);
        check(api->json_type(e) == HS_JSON_OBJECT, "each response is an object");
        hs_json *out = api->json_get(api->json_get(e, "_json"), key);
        check(api->json_type(api->json_get(out, "outcome")) == HS_JSON_STRING, "an outcome");
    }
}

struct route_case {
    int results;
    const char *key;
};

static void on_200(struct arena *a, const struct json_buf *body, const void *ud)
{
    const struct route_case *c = ud;
    check_answer(a, body, c->results, c->key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int results = data[0] & 1, variant = (data[0] >> 1) & 1;
    const char *s = results ? result_settings[variant] : route_settings[variant];
    const char *fn = results ? "sfnsSalesOrderResult" : "sfnsOrderRoute";
    const char *field = results ? "responseData" : "record";
    const char *extra = results ? ",\"postMapData\":" : "";
    const char *extra_value = results ? post_map : "";
    char head[4096];
    snprintf(head, sizeof(head),
             "{\"diy\":true,\"function\":\"%s\",\"options\":{\"settings\":%s%s%s,\"%s\":", fn, s,
             extra, extra_value, field);
    struct route_case c = {results, results && variant ? "r" : "sfns"};
    fuzz_sfns_post("fuzz_sfns_route", fuzz_sfns_route_entry, head, data + 1, size - 1, on_200, &c);
    return 0;
}
