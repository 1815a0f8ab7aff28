/* fuzz_sfns_invoice.c — libFuzzer target for sfnsInvoiceStatus (hooks/sfns/sfns_invoice*.c), whose
 * input is a page of records from a NetSuite export: untrusted JSON of any shape.
 *
 * Input: a first byte choosing one of the settings below, then JSON text: the page's `data` (an
 * array; another value is wrapped in one). The function runs as the runner runs it (sdk_invoke,
 * with currentExportDateTime set), and must answer HS_OK (nothing in the records may fail the
 * page) with an answer that keeps the preSavePage contract (kind_check), whose records each carry
 * attributes.type and their key, every Opportunity and Account Id a valid 18-character Id of its
 * object, and days overdue whole numbers from 0. Text that is not JSON is skipped. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../hooks/sfns/sfns_invoice.c"

#include "arena.h"
#include "json.h"
#include "kind.h"
#include "registry_internal.h"
#include "sdk.h"

/* The module's table (sfns.c defines it in the module). */
const hs_api *sfns_api;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_sfns_invoice: %s\n", what);
        abort();
    }
}

static const char *const settings[] = {
    "{}",
    "{\"invoices\": {\"invoiceObject\": \"NS_Invoice__c\", \"netsuiteDateFormat\": \"M/D/YYYY\", "
    "\"netsuiteTimeZone\": \"America/Los_Angeles\", \"unlinkedTransactions\": \"error\"}}",
    "{\"invoices\": {\"defaultRecordType\": \"invoice\", \"netsuiteDateFormat\": \"YYYY-MM-DD "
    "H:mm:ss\", \"accountIdFields\": [\"customer_sf_id\", \"entity\"], \"opportunityIdFields\": "
    "\"createdfrom\", \"netUnappliedCredits\": false}}",
    "{\"currency\": {\"corporateCurrency\": \"USD\", \"maxRateAgeDays\": 400, \"netsuiteIds\": "
    "{\"USD\": \"1\", \"EUR\": \"4\", \"JPY\": \"6\"}, \"rates\": [{\"currency\": \"EUR\", "
    "\"rate\": \"0.92\", \"date\": \"2024-01-01\"}, {\"currency\": \"JPY\", \"rate\": 155}]}, "
    "\"invoices\": {\"convertToAccountCurrency\": true, \"accountCurrency\": \"JPY\", "
    "\"invoiceObject\": \"NS_Invoice__c\"}}",
    "{\"currency\": {\"corporateCurrency\": \"EUR\", \"rounding\": \"half-even\"}, \"invoices\": "
    "{\"convertToAccountCurrency\": true, \"conversionDate\": \"run\", \"opportunityRollup\": "
    "false}}",
};

static int valid_sfid(const struct json_value *v, const char *prefix)
{
    static const char map[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    if (v == NULL || v->type != JSON_STRING || v->len != 18 || memcmp(v->u.str, prefix, 3) != 0)
        return 0;
    for (int c = 0; c < 3; c++) {
        int x = 0;
        for (int i = 0; i < 5; i++)
            if (v->u.str[c * 5 + i] >= 'A' && v->u.str[c * 5 + i] <= 'Z')
                x |= 1 << i;
        if (v->u.str[15 + c] != map[x])
            return 0;
    }
    return 1;
}

static void check_days(const struct json_value *rec, const char *field)
{
    const struct json_value *d = json_object_get(rec, field, strlen(field));
    check(d == NULL ||
              (d->type == JSON_NUMBER && d->u.num >= 0 && d->u.num == (double)(long)d->u.num),
          "days overdue are whole numbers from 0");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 64 * 1024)
        return 0;
    sfns_api = sdk_api();
    struct arena *a = arena_new(64 * 1024, 1u << 26);
    check(a != NULL, "arena");
    struct json_error err;
    struct json_value *page = json_parse(a, (const char *)data + 1, size - 1, NULL, &err);
    const char *set = settings[data[0] % (sizeof(settings) / sizeof(settings[0]))];
    char head[2048];
    snprintf(head, sizeof(head),
             "{\"currentExportDateTime\": \"2024-06-15T12:00:00.000Z\", \"settings\": {\"sfns\": "
             "%s}, \"data\": []}",
             set);
    struct json_value *options = json_parse(a, head, strlen(head), NULL, &err);
    check(options != NULL, "options parse");
    if (page == NULL) {
        arena_free(a);
        return 0;
    }
    if (page->type != JSON_ARRAY) {
        struct json_value *arr = json_new_array(a);
        check(arr != NULL && json_array_push(a, arr, page) == 0, "wrap");
        page = arr;
    }
    check(json_object_set(a, options, "data", 4, page) == 0, "set data");

    static struct registry_fn fn = {
        .name = FN, .kind = HS_KIND_PRE_SAVE_PAGE, .form = REGISTRY_FORM_PLAIN};
    fn.u.plain = invoice_status;
    struct sdk_call *call = arena_calloc(a, 1, sizeof(*call));
    check(call != NULL, "call");
    call->fn = &fn;
    call->arena = a;
    call->options = options;
    hs_status st = sdk_invoke(call);
    if (st == HS_ERR_NOMEM) {
        arena_free(a);
        return 0;
    }
    if (st != HS_OK)
        fprintf(stderr, "fuzz_sfns_invoice: %s %s\n", call->fail_code ? call->fail_code : "-",
                call->fail_message ? call->fail_message
                                   : (call->error_message ? call->error_message : "-"));
    check(st == HS_OK, "the records of a page never fail it");
    char msg[512];
    check(kind_check(HS_KIND_PRE_SAVE_PAGE, FN, options, call->result, msg, sizeof(msg)) == 0,
          "the answer keeps the preSavePage contract");
    const struct json_value *out = json_object_get(call->result, "data", 4);
    for (uint32_t i = 0; i < out->len; i++) {
        const struct json_value *r = out->u.items[i];
        check(r->type == JSON_OBJECT, "records are objects");
        const struct json_value *attrs = json_object_get(r, "attributes", 10);
        const struct json_value *type = attrs ? json_object_get(attrs, "type", 4) : NULL;
        check(type != NULL && type->type == JSON_STRING, "attributes.type");
        if (type->len == 11 && memcmp(type->u.str, "Opportunity", 11) == 0) {
            check(valid_sfid(json_object_get(r, "Id", 2), "006"), "Opportunity Id");
            check_days(r, "NetSuite_Days_Overdue__c");
        } else if (type->len == 7 && memcmp(type->u.str, "Account", 7) == 0) {
            check(valid_sfid(json_object_get(r, "Id", 2), "001"), "Account Id");
            check_days(r, "NetSuite_Days_Overdue__c");
        } else {
            const struct json_value *id = json_object_get(r, "NetSuite_Id__c", 14);
            check(id != NULL && id->type == JSON_STRING && id->len > 0, "invoice key");
            check_days(r, "Days_Overdue__c");
        }
    }
    arena_free(a);
    return 0;
}
