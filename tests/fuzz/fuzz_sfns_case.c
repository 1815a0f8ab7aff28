/* fuzz_sfns_case.c — libFuzzer target for sfnsCaseToActivity (hooks/sfns/sfns_case.c), whose
 * input is a page of records from a Salesforce export: untrusted JSON of any shape.
 *
 * Input: a first byte choosing one of the settings below, then JSON text: the page's `data` (an
 * array; another value is wrapped in one). The function runs as the runner runs it (sdk_invoke)
 * and must answer HS_OK (nothing in the records may fail the page) with an answer that keeps the
 * preMap contract (kind_check: one element per record); with Service Cloud off every element is
 * {}; an element with data names the Case by a valid 18-character Case Id and the customer by a
 * valid Account Id (a contact, when written, by a valid Contact Id), and carries a status and a
 * title; an element with errors has no data. Text that is not JSON is skipped. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../hooks/sfns/sfns_case.c"

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
        fprintf(stderr, "fuzz_sfns_case: %s\n", what);
        abort();
    }
}

static const char *const settings[] = {
    "{}",
    "{\"cases\": {\"serviceCloud\": true}}",
    "{\"cases\": {\"serviceCloud\": true, \"activity\": \"task\", \"defaultStatus\": \"PROGRESS\", "
    "\"warranty\": {\"types\": [\"Electrical\", \"Mechanical\"]}, \"billing\": {\"flagField\": "
    "\"Billable__c\"}}}",
    "{\"cases\": {\"serviceCloud\": true, \"activity\": \"phonecall\", \"linkContact\": false, "
    "\"statusMap\": {\"On Hold\": \"SCHEDULED\"}, \"priorityMap\": {\"Critical\": \"HIGH\"}, "
    "\"defaultPriority\": \"LOW\"}}",
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 64 * 1024)
        return 0;
    sfns_api = sdk_api();
    struct arena *a = arena_new(64 * 1024, 1u << 26);
    check(a != NULL, "arena");
    struct json_error err;
    struct json_value *page = json_parse(a, (const char *)data + 1, size - 1, NULL, &err);
    size_t which = data[0] % (sizeof(settings) / sizeof(settings[0]));
    char head[2048];
    snprintf(head, sizeof(head), "{\"settings\": {\"sfns\": %s}, \"data\": []}", settings[which]);
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
        .name = FN, .kind = HS_KIND_PRE_MAP, .form = REGISTRY_FORM_PLAIN};
    fn.u.plain = case_to_activity;
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
        fprintf(stderr, "fuzz_sfns_case: %s %s\n", call->fail_code ? call->fail_code : "-",
                call->fail_message ? call->fail_message
                                   : (call->error_message ? call->error_message : "-"));
    check(st == HS_OK, "the records of a page never fail it");
    char msg[512];
    check(kind_check(HS_KIND_PRE_MAP, FN, options, call->result, msg, sizeof(msg)) == 0,
          "the answer keeps the preMap contract");
    const struct json_value *out = call->result;
    check(out->type == JSON_ARRAY && out->len == page->len, "one element per record");
    for (uint32_t i = 0; i < out->len; i++) {
        const struct json_value *e = out->u.items[i];
        check(e->type == JSON_OBJECT, "elements are objects");
        const struct json_value *d = json_object_get(e, "data", 4);
        const struct json_value *errs = json_object_get(e, "errors", 6);
        if (which == 0) {
            check(e->len == 0, "Service Cloud off: every record skipped");
            continue;
        }
        check((d != NULL) != (errs != NULL), "either data or errors");
        if (errs != NULL) {
            check(errs->type == JSON_ARRAY && errs->len > 0, "errors listed");
            continue;
        }
        check(valid_sfid(json_object_get(d, "externalid", 10), "500"), "Case Id");
        check(valid_sfid(json_object_get(d, "company", 7), "001"), "Account Id");
        const struct json_value *contact = json_object_get(d, "contact", 7);
        check(contact == NULL || (which != 3 && valid_sfid(contact, "003")), "Contact Id");
        const struct json_value *status = json_object_get(d, "status", 6);
        const struct json_value *title = json_object_get(d, "title", 5);
        check(status != NULL && status->type == JSON_STRING && status->len > 0, "a status");
        check(title != NULL && title->type == JSON_STRING && title->len > 0, "a title");
    }
    arena_free(a);
    return 0;
}
