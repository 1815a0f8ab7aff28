/* fuzz_sfns_accounts.c — libFuzzer target for the preMap hooks sfnsAccountToCustomer,
 * sfnsCustomerToAccount and sfnsContactToContact on untrusted records: POST /function as a worker
 * runs it (proto_handle), with their sfns files linked in as a static module (the files
 * tests/tests.cmake and run.sh list for this target). The input's first byte picks the function
 * (its value mod 3) and one of two settings (bit 2: none, or maps, ownership, the integration
 * users and a lookup field); the rest is options.data as JSON text. Any bytes give an answer with
 * a status; a 200 is one element per record, each {"data"}, {"errors"} or {}. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HS_MODULE_STATIC fuzz_sfns_accounts_entry
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
    hs_status st = sfns_account_register(mod);
    if (st == HS_OK)
        st = sfns_customer_register(mod);
    return st == HS_OK ? sfns_contact_register(mod) : st;
}

HS_MODULE("sfns", "fuzz", fuzz_init)

static const char *const functions[3] = {"sfnsAccountToCustomer", "sfnsCustomerToAccount",
                                         "sfnsContactToContact"};

static const char *const settings[2] = {
    "{}",
    "{\"sfns\":{\"salesforceIntegrationUserId\":\"0055g00000IntegAAB\","
    "\"netsuiteIntegrationUserId\":\"-5\",\"accounts\":{\"subsidiaryByCountry\":{\"US\":\"1\","
    "\"CA\":2},\"regions\":{\"EU\":[\"DE\",\"France\"]},\"subsidiaryByRegion\":{\"EU\":\"4\"},"
    "\"salesRepByOwner\":{\"0055g00000AbCdE\":\"42\"},\"categoryByIndustry\":{\"Technology\":9},"
    "\"currencies\":{\"USD\":\"1\",\"EUR\":\"4\"},\"defaultCurrency\":\"USD\",\"termsField\":"
    "\"Terms__c\",\"termsByName\":{\"Net 30\":\"2\"},\"creditHoldField\":\"Hold__c\","
    "\"ownership\":{\"phone\":\"newest\",\"shippingAddress\":\"netsuite_once_ordered\"},"
    "\"netsuiteDateFormat\":\"M/D/YYYY h:mm a\",\"netsuiteTimeZone\":\"America/Los_Angeles\","
    "\"reasonsField\":\"_why\",\"unlinkedCustomers\":\"error\",\"salesforceAddressCodes\":true},"
    "\"contacts\":{\"weakMatch\":\"review\",\"nameThreshold\":0.9,\"reviewThreshold\":0.8,"
    "\"minPhoneDigits\":5,\"emailPlusAddressing\":false}}}",
};

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_sfns_accounts: %s\n", what);
        abort();
    }
}

/* A 200 answer: an array of objects, each {"data": object}, {"errors": array} or {}. */
static void check_answer(struct arena *a, const struct json_buf *body)
{
    const hs_api *api = sdk_api();
    struct json_error err;
    hs_json *answer = (hs_json *)json_parse(a, body->data, body->len, NULL, &err);
    check(answer != NULL && api->json_type(answer) == HS_JSON_ARRAY, "a 200 answers an array");
    for (size_t i = 0; i < api->json_len(answer); i++) {
        hs_json *e = api->json_at(answer, i);
        check(api->json_type(e) == HS_JSON_OBJECT, "each element is an object");
        hs_json *d = api->json_get(e, "data"), *errors = api->json_get(e, "errors");
        check(d == NULL || errors == NULL, "data or errors, not both");
        check(d == NULL || api->json_type(d) == HS_JSON_OBJECT, "data is an object");
        check(errors == NULL ||
                  (api->json_type(errors) == HS_JSON_ARRAY && api->json_len(errors) > 0),
              "errors is a non-empty array");
        check(d != NULL || errors != NULL || api->json_len(e) == 0, "else {}");
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
    const char *fn = functions[data[0] % 3];
    const char *s = settings[(data[0] >> 2) & 1];
    char head[4096];
    snprintf(head, sizeof(head),
             "{\"diy\":true,\"function\":\"%s\",\"options\":{\"settings\":%s,\"data\":", fn, s);
    fuzz_sfns_post("fuzz_sfns_accounts", fuzz_sfns_accounts_entry, head, data + 1, size - 1, on_200,
                   NULL);
    return 0;
}
