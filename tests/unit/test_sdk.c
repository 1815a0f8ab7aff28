/* test_sdk.c — the hook API as a module sees it (runner/sdk.c): registration rules, the context
 * (ids, settings, test mode), JSON calls and dotted paths, dates, failing, the log and its
 * redaction, memory and cleanups, module state, and the per-record and page-level helpers.
 *
 * The module under test is compiled into this binary (HS_MODULE_STATIC) and registered with
 * registry_add_static; requests go through proto_handle() like a served request. cmocka.h
 * defines a fail() macro, hence (api->fail)(...) here. */
#define HS_MODULE_STATIC sdk_test_entry
#include "hookstack.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "proto.h"
#include "registry.h"
#include "registry_internal.h"

static const hs_api *api;

/* ---- the module ----------------------------------------------------------------------------- */

/* Registration results collected in init, checked by test_registration_rules. */
static hs_status reg_results[16];
static int cleanup_ran;
static int module_cleanup_ran;

struct mstate {
    int calls;
};

#define CHECK(expr)                                                                                \
    do {                                                                                           \
        hs_status st_ = (expr);                                                                    \
        if (st_ != HS_OK)                                                                          \
            return st_;                                                                            \
    } while (0)

static hs_status nothing(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)ctx;
    (void)options;
    (void)result;
    return HS_OK;
}

/* Reports what the context and the JSON calls give. */
static hs_status probe(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    hs_json *o = api->json_new_object(ctx);
    if (!o)
        return HS_ERR_NOMEM;
    const char *cid = api->ctx_connector_id(ctx);
    CHECK(api->json_set_string(ctx, o, "function", api->ctx_function(ctx)));
    CHECK(api->json_set_number(ctx, o, "kind", api->ctx_kind(ctx)));
    CHECK(api->json_set_string(ctx, o, "connector", cid ? cid : "-"));
    const char *flow = api->ctx_id(ctx, "_flowId");
    const char *conn = api->ctx_id(ctx, "_connectionId");
    CHECK(api->json_set_string(ctx, o, "flow", flow ? flow : "-"));
    CHECK(api->json_set_string(ctx, o, "connection", conn ? conn : "-"));
    CHECK(api->json_set_bool(ctx, o, "testMode", api->ctx_test_mode(ctx)));
    CHECK(api->json_set_bool(ctx, o, "sameOptions", api->ctx_options(ctx) == options));
    CHECK(
        api->json_set_string(ctx, o, "currency", api->setting_string(ctx, "flow.currency", "USD")));
    CHECK(api->json_set_string(ctx, o, "missing", api->setting_string(ctx, "flow.nope", "dflt")));
    CHECK(api->json_set_number(ctx, o, "rate", api->setting_number(ctx, "rates[1].value", -1)));
    /* Absent: the default. (A setting of another type is an error: test_sdk_coerce.) */
    CHECK(api->json_set_number(ctx, o, "rateDefault", api->setting_number(ctx, "flow.rate", 7.5)));
    CHECK(api->json_set_bool(ctx, o, "flag", api->setting_bool(ctx, "[\"a.b\"].on", 0)));
    hs_json *path = api->json_path(options, "settings.rates[0].code");
    CHECK(api->json_set_string(ctx, o, "path", api->json_string(ctx, path, NULL, "-")));
    CHECK(api->json_set_bool(ctx, o, "badPath", api->json_path(options, "settings..x") != NULL));
    char num[HS_NUMBER_MAX];
    api->json_number_format(1e21, num);
    CHECK(api->json_set_string(ctx, o, "big", num));
    api->json_number_format(1000000.5, num);
    CHECK(api->json_set_string(ctx, o, "money", num));
    *result = o;
    return HS_OK;
}

/* Builds and edits values: paths, delete, push, clone, equal, parse and print. */
static hs_status edit(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    hs_json *o = api->json_new_object(ctx);
    CHECK(api->json_path_set(ctx, o, "a.b[0].c", api->json_new_number(ctx, 1)));
    CHECK(api->json_path_set(ctx, o, "a.b[1]", api->json_new_string(ctx, "x")));
    CHECK(api->json_path_set(ctx, o, "a.b[0].d", api->json_new_null(ctx)));
    CHECK(api->json_path_set(ctx, o, "[\"k.e\\\"y\"]", api->json_new_bool(ctx, 1)));
    hs_status past = api->json_path_set(ctx, o, "a.b[5]", api->json_new_number(ctx, 5));
    hs_status through = api->json_path_set(ctx, o, "a.b[1].z", api->json_new_number(ctx, 5));
    CHECK(api->json_set_string(ctx, o, "past", api->status_name(past)));
    CHECK(api->json_set_string(ctx, o, "through", api->status_name(through)));
    hs_json *copy = api->json_clone(ctx, o);
    CHECK(api->json_path_delete(ctx, copy, "a.b[0]"));
    CHECK(api->json_set_bool(ctx, o, "equalAfterDelete", api->json_equal(o, copy)));
    CHECK(api->json_set_string(ctx, o, "deleteMissing",
                               api->status_name(api->json_delete(ctx, o, "nope"))));
    static const char text_in[] = "[1.50, \"\\u0041\", {\"b\":1,\"0\":2}]";
    hs_json *parsed = NULL;
    CHECK(api->json_parse(ctx, text_in, strlen(text_in), &parsed));
    size_t len = 0;
    const char *text = api->json_print(ctx, parsed, &len);
    CHECK(api->json_set_string(ctx, o, "printed", text ? text : "NULL"));
    hs_json *bad = NULL;
    CHECK(api->json_set_string(ctx, o, "parseError",
                               api->status_name(api->json_parse(ctx, "[1,", 3, &bad))));
    CHECK(api->json_push(ctx, api->json_get(options, "list"), api->json_new_number(ctx, 3)));
    CHECK(api->json_set(ctx, o, "list", api->json_get(options, "list")));
    CHECK(api->json_set_number(ctx, o, "keys", (double)api->json_len(o)));
    size_t klen = 0;
    CHECK(api->json_set_string(ctx, o, "firstKey", api->json_key_at(o, 0, &klen)));
    CHECK(api->json_set_string(ctx, o, "sprintf", api->sprintf(ctx, "%s-%d", "n", 42)));
    *result = o;
    return HS_OK;
}

/* Dates: parse, ISO text, the string getter, invalid dates. */
static hs_status dates(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    hs_json *o = api->json_new_object(ctx);
    hs_json *d = api->json_new_date_parse(ctx, "Tue, 01 Jan 2019 10:00:00 GMT+0100");
    const char *iso = NULL;
    CHECK(api->json_date_iso(ctx, d, &iso));
    CHECK(api->json_set_string(ctx, o, "iso", iso));
    CHECK(api->json_set_string(ctx, o, "getter", api->json_string(ctx, d, NULL, "-")));
    double ms = 0;
    CHECK(api->json_date_ms(d, &ms));
    CHECK(api->json_set_number(ctx, o, "ms", ms));
    hs_json *bad = api->json_new_date_parse(ctx, "not a date");
    CHECK(api->json_set_string(ctx, o, "invalidIso",
                               api->status_name(api->json_date_iso(ctx, bad, &iso))));
    CHECK(api->json_set_string(ctx, o, "invalidGetter", api->json_string(ctx, bad, NULL, "dflt")));
    CHECK(api->json_set_string(ctx, o, "notADate", api->status_name(api->json_date_ms(o, &ms))));
    hs_json *big = api->json_new_date(ctx, 8.64e15);
    CHECK(api->json_date_iso(ctx, big, &iso));
    CHECK(api->json_set_string(ctx, o, "max", iso));
    *result = o;
    return HS_OK;
}

static hs_status fail_plain(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    (void)result;
    return (api->fail)(ctx, NULL, "went wrong %d times", 3);
}

static hs_status fail_silent(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)ctx;
    (void)options;
    (void)result;
    return HS_ERR_RANGE;
}

/* Propagates the TypeError of setting a key on a non-object (as JavaScript throws). */
static hs_status set_on_options(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    CHECK(api->json_set_string(ctx, options, "k", "v"));
    *result = options;
    return HS_OK;
}

static hs_status logs(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)result;
    const char *tok = api->json_string(ctx, api->json_get(options, "bearerToken"), NULL, "");
    api->log(ctx, HS_LOG_INFO, "calling with token %s now", tok);
    api->log(
        ctx, HS_LOG_WARN, "password is %s\nsecond line",
        api->json_string(ctx, api->json_path(options, "connection.encrypted.password"), NULL, ""));
    api->log_json(ctx, HS_LOG_DEBUG, "options", options);
    api->log(ctx, HS_LOG_ERROR, "short %s", "ab");
    return HS_OK;
}

/* Secrets a simple redaction would let through: one that starts with another, one with
 * characters JSON escapes (printed by log_json), numbers and a boolean under encrypted. */
static hs_status logs_tricky(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)result;
    hs_json *enc = api->json_get(options, "encrypted");
    api->log(ctx, HS_LOG_INFO, "long %s",
             api->json_string(ctx, api->json_get(enc, "long"), NULL, ""));
    api->log_json(ctx, HS_LOG_INFO, "data", api->json_get(options, "data"));
    char num[HS_NUMBER_MAX];
    api->json_number_format(api->json_number(api->json_get(enc, "pin"), 0), num);
    api->log(ctx, HS_LOG_INFO, "pin %s", num);
    api->log_json(ctx, HS_LOG_INFO, "flag", api->json_get(enc, "flag"));
    api->log_json(ctx, HS_LOG_INFO, "nested", api->json_path(enc, "more.list"));
    api->log_json(ctx, HS_LOG_INFO, "encryptedNumber", api->json_get(options, "other"));
    return HS_OK;
}

static hs_status log_flood(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    (void)result;
    for (int i = 0; i < 10000; i++)
        api->log(ctx, HS_LOG_INFO, "line %d of a long log that goes on and on", i);
    return HS_OK;
}

static void on_end(void *arg)
{
    (*(int *)arg)++;
}

static hs_status memory(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    char *p = api->alloc(ctx, 64);
    if (!p || p[0] != 0 || p[63] != 0)
        return HS_ERR_NOMEM;
    CHECK(api->on_cleanup(ctx, on_end, &cleanup_ran));
    struct mstate *st = api->ctx_module_state(ctx);
    st->calls++;
    *result = api->json_new_number(ctx, st->calls);
    return HS_OK;
}

/* preMap per record: 0 kept, 1 replaced, 2 skipped, 3 kept with an error. */
static hs_status pre_map_record(hs_ctx *ctx, hs_record *rec)
{
    size_t i = api->record_index(rec);
    if (i == 1)
        return api->record_replace(rec, api->json_new_string(ctx, "replaced"));
    if (i == 2)
        return api->record_skip(rec);
    if (i == 3)
        return api->record_add_error(rec, api->error_new(ctx, "bad_record", "record 3", "hook"));
    return HS_OK;
}

/* postMap: copies a field of the pre-map sibling into the record. */
static hs_status post_map_record(hs_ctx *ctx, hs_record *rec)
{
    hs_json *pre = api->record_sibling(rec, "preMapData");
    return api->json_set(ctx, api->record_data(rec), "from", api->json_get(pre, "id"));
}

/* postSubmit: an error on record 0 (appended to its errors), record 1 replaced; skipping is not
 * a postSubmit thing. */
static hs_status post_submit_record(hs_ctx *ctx, hs_record *rec)
{
    if (api->record_index(rec) == 0) {
        if (api->record_skip(rec) != HS_ERR_UNSUPPORTED)
            return HS_ERR_INVALID;
        return api->record_add_error(rec, api->error_new(ctx, "c", "m", NULL));
    }
    hs_json *r = api->json_new_object(ctx);
    CHECK(api->json_set_number(ctx, r, "statusCode", 422));
    return api->record_replace(rec, r);
}

/* postResponseMap: marks each record; errors are not a postResponseMap thing. */
static hs_status post_response_map_record(hs_ctx *ctx, hs_record *rec)
{
    hs_status st = api->record_add_error(rec, api->error_new(ctx, "c", "m", NULL));
    return api->json_set_string(ctx, api->record_data(rec), "addError", api->status_name(st));
}

static hs_status record_fails(hs_ctx *ctx, hs_record *rec)
{
    if (api->record_index(rec) == 1)
        return (api->fail)(ctx, "rec_fail", "record %zu failed", api->record_index(rec));
    return HS_OK;
}

/* Per record, by its "how": "type" returns a TypeError an API call recorded (unexplained),
 * "silent" returns HS_ERR_INVALID with nothing recorded, "ignore" makes an API call fail and
 * carries on; other records are kept. */
static hs_status record_trouble(hs_ctx *ctx, hs_record *rec)
{
    hs_json *data = api->record_data(rec);
    const char *how = api->json_string(ctx, api->json_get(data, "how"), NULL, "");
    if (strcmp(how, "type") == 0)
        return api->json_set_bool(ctx, api->json_get(data, "how"), "x", 1);
    if (strcmp(how, "silent") == 0)
        return HS_ERR_INVALID;
    if (strcmp(how, "ignore") == 0)
        (void)api->json_set_bool(ctx, api->json_get(data, "how"), "x", 1);
    return HS_OK;
}

/* preSavePage: drops records with drop:true, adds an error and a retry entry, aborts. */
static hs_status pre_save_page(hs_ctx *ctx, hs_page *page)
{
    hs_json *data = api->page_data(page);
    for (size_t i = api->json_len(data); i-- > 0;)
        if (api->json_truthy(api->json_get(api->json_at(data, i), "drop")))
            CHECK(api->json_path_delete(ctx, data, api->sprintf(ctx, "[%zu]", i)));
    CHECK(api->json_push(ctx, api->page_errors(page), api->error_new(ctx, "e", "dropped", NULL)));
    hs_json *errs = api->json_new_array(ctx);
    CHECK(api->json_push(ctx, errs, api->error_new(ctx, "r", "retry me", NULL)));
    CHECK(api->page_add_retry(page, api->json_new_number(ctx, 9), errs));
    if (api->page_route(page, 1) != HS_ERR_UNSUPPORTED)
        return HS_ERR_INVALID;
    return api->page_set_abort(page, 1);
}

/* branching: records with x > 1 go to branches 0 and 2, others to 1. */
static hs_status branching(hs_ctx *ctx, hs_page *page)
{
    (void)ctx;
    if (api->page_set_abort(page, 1) != HS_ERR_UNSUPPORTED)
        return HS_ERR_INVALID;
    if (api->json_number(api->json_get(api->page_data(page), "x"), 0) > 1) {
        CHECK(api->page_route(page, 0));
        return api->page_route(page, 2);
    }
    return api->page_route(page, 1);
}

/* A preMap function that breaks its contract (one element for any page). */
static hs_status broken_pre_map(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    hs_json *arr = api->json_new_array(ctx);
    CHECK(api->json_push(ctx, arr, api->json_new_object(ctx)));
    *result = arr;
    return HS_OK;
}

static const char *const conn_ids[] = {"c-one", NULL};

static hs_status sdk_init(const hs_api *a, hs_module *mod)
{
    api = a;
    hs_fn_opts o = HS_FN_OPTS_INIT;
    int n = 0;
    /* Rules: each of these must be refused. */
    reg_results[n++] = api->register_fn(mod, "", HS_KIND_UTILITY, nothing, NULL);
    reg_results[n++] = api->register_fn(mod, "x", (hs_kind)0, nothing, NULL);
    reg_results[n++] = api->register_fn(mod, "x", HS_KIND_UTILITY, NULL, NULL);
    reg_results[n++] =
        api->register_record_fn(mod, "x", HS_KIND_PRE_SAVE_PAGE, pre_map_record, NULL);
    reg_results[n++] = api->register_page_fn(mod, "x", HS_KIND_PRE_MAP, pre_save_page, NULL);
    o.group = "";
    o.flags = HS_FN_GROUP_ONLY;
    reg_results[n++] = api->register_fn(mod, "x", HS_KIND_UTILITY, nothing, &o);
    o = HS_FN_OPTS_INIT;
    o.diy = HS_DIY_NO;
    reg_results[n++] = api->register_fn(mod, "x", HS_KIND_UTILITY, nothing, &o);
    o = HS_FN_OPTS_INIT;
    o.size = 0;
    reg_results[n++] = api->register_fn(mod, "x", HS_KIND_UTILITY, nothing, &o);
    /* Accepted: DIY + top level + group "utilities", then the same name again (refused). */
    reg_results[n++] = api->register_fn(mod, "probe", HS_KIND_UTILITY, probe, NULL);
    reg_results[n++] = api->register_fn(mod, "probe", HS_KIND_UTILITY, probe, NULL);
    /* A wrapper for connector c-one only (not DIY), and the same name for DIY in a custom
     * group: different scopes, no clash. */
    o = HS_FN_OPTS_INIT;
    o.connectors = conn_ids;
    reg_results[n++] = api->register_fn(mod, "wrapProbe", HS_KIND_WRAPPER, probe, &o);
    o = HS_FN_OPTS_INIT;
    o.group = "custom";
    o.flags = HS_FN_GROUP_ONLY;
    reg_results[n++] = api->register_fn(mod, "wrapProbe", HS_KIND_WRAPPER, probe, &o);

    struct mstate *st = api->module_state_alloc(mod, sizeof(struct mstate));
    if (!st || api->module_state_alloc(mod, sizeof(struct mstate)) != st)
        return HS_ERR_NOMEM;

    static const struct {
        const char *name;
        hs_kind kind;
        hs_fn fn;
    } plain[] = {
        {"edit", HS_KIND_UTILITY, edit},
        {"dates", HS_KIND_UTILITY, dates},
        {"failPlain", HS_KIND_UTILITY, fail_plain},
        {"failSilent", HS_KIND_UTILITY, fail_silent},
        {"setOnOptions", HS_KIND_UTILITY, set_on_options},
        {"logs", HS_KIND_UTILITY, logs},
        {"logsTricky", HS_KIND_UTILITY, logs_tricky},
        {"logFlood", HS_KIND_UTILITY, log_flood},
        {"memory", HS_KIND_UTILITY, memory},
        {"brokenPreMap", HS_KIND_PRE_MAP, broken_pre_map},
    };
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
        CHECK(api->register_fn(mod, plain[i].name, plain[i].kind, plain[i].fn, NULL));
    CHECK(api->register_record_fn(mod, "preMapRec", HS_KIND_PRE_MAP, pre_map_record, NULL));
    CHECK(api->register_record_fn(mod, "postMapRec", HS_KIND_POST_MAP, post_map_record, NULL));
    CHECK(api->register_record_fn(mod, "postSubmitRec", HS_KIND_POST_SUBMIT, post_submit_record,
                                  NULL));
    CHECK(api->register_record_fn(mod, "postResponseMapRec", HS_KIND_POST_RESPONSE_MAP,
                                  post_response_map_record, NULL));
    CHECK(api->register_record_fn(mod, "recordFails", HS_KIND_PRE_MAP, record_fails, NULL));
    CHECK(api->register_record_fn(mod, "recordTrouble", HS_KIND_POST_MAP, record_trouble, NULL));
    CHECK(api->register_page_fn(mod, "preSavePage", HS_KIND_PRE_SAVE_PAGE, pre_save_page, NULL));
    CHECK(api->register_page_fn(mod, "branch", HS_KIND_BRANCHING, branching, NULL));
    return HS_OK;
}

static void sdk_cleanup(void *state)
{
    (void)state;
    module_cleanup_ran++;
}

HS_MODULE_EX("sdk_test", "0.1.0", sdk_init, sdk_cleanup)

/* ---- the tests ------------------------------------------------------------------------------ */

static struct registry *reg;

static int group_setup(void **state)
{
    (void)state;
    reg = registry_new(false);
    char err[512];
    if (!reg || registry_add_static(reg, sdk_test_entry, "test_sdk", err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    registry_free(reg);
    return module_cleanup_ran == 1 ? 0 : -1;
}

static const char *const tokens[] = {"t"};

struct answer {
    int status;
    char body[8192];
    char log[70000];
    size_t loglen;
};

static void call(const char *body, struct answer *out)
{
    struct proto_config cfg = {.reg = reg, .tokens = tokens, .ntokens = 1};
    struct proto_request req = {.authorization = {"Bearer t", 8},
                                .content_type = {"application/json", 16},
                                .body = {body, strlen(body)}};
    struct proto_response resp;
    proto_response_init(&resp);
    struct arena *a = arena_new(64 * 1024, 0);
    assert_non_null(a);
    assert_int_equal(proto_handle(&cfg, &req, &resp, a), 0);
    out->status = resp.status;
    size_t n = resp.body.len < sizeof(out->body) - 1 ? resp.body.len : sizeof(out->body) - 1;
    memcpy(out->body, resp.body.data ? resp.body.data : "", n);
    out->body[n] = '\0';
    n = resp.log.len < sizeof(out->log) - 1 ? resp.log.len : sizeof(out->log) - 1;
    memcpy(out->log, resp.log.data ? resp.log.data : "", n);
    out->log[n] = '\0';
    out->loglen = resp.log.len;
    proto_response_free(&resp);
    arena_free(a);
}

static void expect(const char *body, int status, const char *want)
{
    static struct answer a;
    call(body, &a);
    if (a.status != status || strcmp(a.body, want) != 0)
        fprintf(stderr, "want %d %s\n got %d %s\n", status, want, a.status, a.body);
    assert_int_equal(a.status, status);
    assert_string_equal(a.body, want);
}

static void test_registration_rules(void **state)
{
    (void)state;
    const hs_status want[] = {HS_ERR_INVALID, HS_ERR_INVALID, HS_ERR_INVALID, HS_ERR_INVALID,
                              HS_ERR_INVALID, HS_ERR_INVALID, HS_ERR_INVALID, HS_ERR_INVALID,
                              HS_OK,          HS_ERR_EXISTS,  HS_OK,          HS_OK};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        if (reg_results[i] != want[i])
            fprintf(stderr, "registration %zu: %s\n", i, hs_status_name(reg_results[i]));
        assert_int_equal(reg_results[i], want[i]);
    }
    /* probe: top level and group "utilities" for DIY; wrapProbe: connector c-one (wrappers,
     * top level) and DIY (custom only). */
    int c1 = registry_scope(reg, "c-one", 5);
    assert_true(c1 > 0);
    assert_non_null(registry_find(reg, REGISTRY_SCOPE_DIY, NULL, 0, "probe", 5));
    assert_non_null(registry_find(reg, REGISTRY_SCOPE_DIY, "utilities", 9, "probe", 5));
    assert_null(registry_find(reg, c1, NULL, 0, "probe", 5));
    assert_non_null(registry_find(reg, c1, "wrappers", 8, "wrapProbe", 9));
    assert_non_null(registry_find(reg, c1, NULL, 0, "wrapProbe", 9));
    assert_null(registry_find(reg, REGISTRY_SCOPE_DIY, NULL, 0, "wrapProbe", 9));
    assert_non_null(registry_find(reg, REGISTRY_SCOPE_DIY, "custom", 6, "wrapProbe", 9));
}

static void test_context(void **state)
{
    (void)state;
    expect("{\"diy\":true,\"function\":\"probe\",\"options\":{\"_flowId\":\"f1\",\"testMode\":1,"
           "\"settings\":{\"flow\":{\"currency\":\"EUR\"},\"rates\":[{\"code\":\"GBP\"},"
           "{\"value\":1.25}],\"a.b\":{\"on\":true}}}}",
           200,
           "{\"function\":\"probe\",\"kind\":12,\"connector\":\"-\",\"flow\":\"f1\","
           "\"connection\":\"-\",\"testMode\":true,\"sameOptions\":true,\"currency\":\"EUR\","
           "\"missing\":\"dflt\",\"rate\":1.25,\"rateDefault\":7.5,\"flag\":true,"
           "\"path\":\"GBP\",\"badPath\":false,\"big\":\"1e+21\",\"money\":\"1000000.5\"}");
    /* A wrapper for a connector: the connector id, and _connectionId from connection._id. */
    expect("{\"_connectorId\":\"c-one\",\"type\":\"wrapper\",\"function\":\"wrapProbe\","
           "\"options\":{\"connection\":{\"_id\":\"k9\"}}}",
           200,
           "{\"function\":\"wrapProbe\",\"kind\":8,\"connector\":\"c-one\",\"flow\":\"-\","
           "\"connection\":\"k9\",\"testMode\":false,\"sameOptions\":true,\"currency\":\"USD\","
           "\"missing\":\"dflt\",\"rate\":-1,\"rateDefault\":7.5,\"flag\":false,\"path\":\"-\","
           "\"badPath\":false,\"big\":\"1e+21\",\"money\":\"1000000.5\"}");
}

static void test_json_calls(void **state)
{
    (void)state;
    expect("{\"diy\":true,\"function\":\"edit\",\"options\":{\"list\":[1,2]}}", 200,
           "{\"a\":{\"b\":[{\"c\":1,\"d\":null},\"x\"]},\"k.e\\\"y\":true,"
           "\"past\":\"HS_ERR_RANGE\",\"through\":\"HS_ERR_TYPE\",\"equalAfterDelete\":false,"
           "\"deleteMissing\":\"HS_ERR_NOT_FOUND\",\"printed\":\"[1.5,\\\"A\\\",{\\\"0\\\":2,"
           "\\\"b\\\":1}]\",\"parseError\":\"HS_ERR_PARSE\",\"list\":[1,2,3],\"keys\":9,"
           "\"firstKey\":\"a\",\"sprintf\":\"n-42\"}");
}

static void test_dates(void **state)
{
    (void)state;
    expect("{\"diy\":true,\"function\":\"dates\",\"options\":{}}", 200,
           "{\"iso\":\"2019-01-01T09:00:00.000Z\",\"getter\":\"2019-01-01T09:00:00.000Z\","
           "\"ms\":1546333200000,\"invalidIso\":\"HS_ERR_RANGE\",\"invalidGetter\":\"dflt\","
           "\"notADate\":\"HS_ERR_TYPE\",\"max\":\"+275760-09-13T00:00:00.000Z\"}");
}

static void test_failing(void **state)
{
    (void)state;
    /* fail() without a code: "Error", message first. */
    expect("{\"diy\":true,\"function\":\"failPlain\",\"options\":{}}", 422,
           "{\"errors\":[{\"message\":\"went wrong 3 times\",\"code\":\"Error\"}]}");
    /* An error status without fail() or a recorded error: 500. */
    expect("{\"diy\":true,\"function\":\"failSilent\",\"options\":{}}", 500,
           "{\"errors\":[{\"message\":\"The function failSilent failed with HS_ERR_RANGE "
           "without giving a reason.\",\"code\":\"internal_error\"}]}");
    /* A call's recorded TypeError, passed on: 500 with JavaScript's wording. */
    expect("{\"diy\":true,\"function\":\"setOnOptions\",\"options\":\"abc\"}", 500,
           "{\"errors\":[{\"message\":\"Cannot create property 'k' on string 'abc'\","
           "\"code\":\"TypeError\"}]}");
    expect("{\"diy\":true,\"function\":\"setOnOptions\",\"options\":12.5}", 500,
           "{\"errors\":[{\"message\":\"Cannot create property 'k' on number '12.5'\","
           "\"code\":\"TypeError\"}]}");
    /* A kind contract broken by a plain function: 422 invalid_hook_result. */
    expect("{\"diy\":true,\"type\":\"hook\",\"function\":\"brokenPreMap\",\"options\":{\"data\":"
           "[1,2]}}",
           422,
           "{\"errors\":[{\"message\":\"preMap function brokenPreMap must return an array of 2 "
           "elements (one per record of options.data); it returned 1.\","
           "\"code\":\"invalid_hook_result\"}]}");
}

static void test_log_and_redaction(void **state)
{
    (void)state;
    static struct answer a;
    call("{\"diy\":true,\"function\":\"logs\",\"options\":{\"bearerToken\":\"ott-secret-1\","
         "\"connection\":{\"encrypted\":{\"password\":\"hunter2\"},\"unencrypted\":{\"u\":"
         "\"ab\"}}}}",
         &a);
    assert_int_equal(a.status, 200);
    assert_string_equal(a.body, "");
    assert_string_equal(
        a.log, "info calling with token [redacted] now\n"
               "warn password is [redacted]\\nsecond line\n"
               "debug options {\"bearerToken\":\"[redacted]\",\"connection\":{\"encrypted\":"
               "\"[redacted]\",\"unencrypted\":{\"u\":\"ab\"}}}\n"
               "error short ab\n");
    assert_null(strstr(a.log, "ott-secret-1"));
    assert_null(strstr(a.log, "hunter2"));
}

static void test_redaction_tricky_secrets(void **state)
{
    (void)state;
    static struct answer a;
    call("{\"diy\":true,\"function\":\"logsTricky\",\"options\":{"
         "\"bearerToken\":\"tok-abc\","
         "\"encrypted\":{\"long\":\"tok-abc-SECRETTAIL\",\"pin\":12345678,\"flag\":true,"
         "\"quoted\":\"q\\\"u\\\\o\\te<\",\"more\":{\"list\":[false,7]}},"
         "\"data\":{\"copy\":\"q\\\"u\\\\o\\te<\",\"pinCopy\":12345678,"
         "\"longCopy\":\"tok-abc-SECRETTAIL\",\"plain\":\"tok\"},"
         "\"other\":{\"encrypted\":99}}}",
         &a);
    assert_int_equal(a.status, 200);
    assert_string_equal(a.log, "info long [redacted]\n"
                               "info data {\"copy\":\"[redacted]\",\"pinCopy\":[redacted],"
                               "\"longCopy\":\"[redacted]\",\"plain\":\"tok\"}\n"
                               "info pin [redacted]\n"
                               "info flag \"[redacted]\"\n"
                               "info nested \"[redacted]\"\n"
                               "info encryptedNumber {\"encrypted\":\"[redacted]\"}\n");
    assert_null(strstr(a.log, "SECRETTAIL"));
    assert_null(strstr(a.log, "12345678"));
    assert_null(strstr(a.log, "u\\\\o"));
}

static void test_log_is_bounded(void **state)
{
    (void)state;
    static struct answer a;
    call("{\"diy\":true,\"function\":\"logFlood\",\"options\":{}}", &a);
    assert_int_equal(a.status, 200);
    assert_true(a.loglen <= 65536 + 128);
    assert_non_null(strstr(a.log, "warn log truncated"));
    assert_non_null(strstr(a.log, "info line 0 of a long log"));
}

static void test_memory_state_cleanup(void **state)
{
    (void)state;
    int before = cleanup_ran;
    expect("{\"diy\":true,\"function\":\"memory\",\"options\":{}}", 200, "1");
    assert_int_equal(cleanup_ran, before + 1); /* ran when the arena was freed */
    expect("{\"diy\":true,\"function\":\"memory\",\"options\":{}}", 200, "2");
    assert_int_equal(cleanup_ran, before + 2);
}

static void test_record_helpers(void **state)
{
    (void)state;
    expect("{\"diy\":true,\"type\":\"hook\",\"function\":\"preMapRec\",\"options\":{\"data\":"
           "[{\"id\":0},{\"id\":1},{\"id\":2},{\"id\":3}]}}",
           200,
           "[{\"data\":{\"id\":0}},{\"data\":\"replaced\"},{},{\"data\":{\"id\":3},\"errors\":"
           "[{\"code\":\"bad_record\",\"message\":\"record 3\",\"source\":\"hook\"}]}]");
    expect(
        "{\"diy\":true,\"type\":\"hook\",\"function\":\"postMapRec\",\"options\":{"
        "\"preMapData\":[{\"id\":\"p0\"},{\"id\":\"p1\"}],\"postMapData\":[{\"n\":0},{\"n\":1}]}}",
        200, "[{\"data\":{\"n\":0,\"from\":\"p0\"}},{\"data\":{\"n\":1,\"from\":\"p1\"}}]");
    expect("{\"diy\":true,\"type\":\"hook\",\"function\":\"postSubmitRec\",\"options\":{"
           "\"responseData\":[{\"statusCode\":200,\"errors\":[{\"code\":\"old\"}]},"
           "{\"statusCode\":200}]}}",
           200,
           "[{\"statusCode\":200,\"errors\":[{\"code\":\"old\"},{\"code\":\"c\",\"message\":"
           "\"m\"}]},{\"statusCode\":422}]");
    expect("{\"diy\":true,\"type\":\"hook\",\"function\":\"postResponseMapRec\",\"options\":{"
           "\"postResponseMapData\":[{\"r\":1}],\"responseData\":[{}]}}",
           200, "[{\"r\":1,\"addError\":\"HS_ERR_UNSUPPORTED\"}]");
    /* No input array, or not an array: the function is not called; the answer says what is
     * missing (it was 200 [] before). */
    expect("{\"diy\":true,\"type\":\"hook\",\"function\":\"preMapRec\",\"options\":{}}", 422,
           "{\"errors\":[{\"message\":\"preMap function preMapRec needs options.data (an array of "
           "the page's records); the request has no options.data.\",\"code\":"
           "\"missing_required_field\"}]}");
    expect("{\"diy\":true,\"type\":\"hook\",\"function\":\"postSubmitRec\",\"options\":{"
           "\"responseData\":{\"statusCode\":200}}}",
           422,
           "{\"errors\":[{\"message\":\"postSubmit function postSubmitRec needs "
           "options.responseData (an array of the import's response for each record); "
           "options.responseData is an object.\",\"code\":\"invalid_field\"}]}");
    /* A failing record fails the page, and the answer names the function and the record
     * (counted from 1) with its id. */
    expect("{\"diy\":true,\"type\":\"hook\",\"function\":\"recordFails\",\"options\":{\"data\":"
           "[1,2,3]}}",
           422,
           "{\"errors\":[{\"message\":\"record 1 failed (function recordFails at record 2 of 3)\","
           "\"code\":\"rec_fail\"}]}");
    expect("{\"diy\":true,\"type\":\"hook\",\"function\":\"recordFails\",\"options\":{\"data\":"
           "[{\"Id\":\"001A\"},{\"_id\":\"5f0c\",\"internalId\":\"77\",\"id\":12}]}}",
           422,
           "{\"errors\":[{\"message\":\"record 1 failed (function recordFails at record 2 of 2, "
           "id 12)\",\"code\":\"rec_fail\"}]}");
    /* A type error and a failure without a reason, at a record. */
    expect("{\"diy\":true,\"function\":\"recordTrouble\",\"options\":{\"postMapData\":"
           "[{},{\"internalId\":\"77\",\"how\":\"type\"}]}}",
           500,
           "{\"errors\":[{\"message\":\"Cannot create property 'x' on string 'type' (function "
           "recordTrouble at record 2 of 2, id 77)\",\"code\":\"TypeError\"}]}");
    expect("{\"diy\":true,\"function\":\"recordTrouble\",\"options\":{\"postMapData\":"
           "[{\"Id\":\"a\"},{\"how\":\"silent\",\"_id\":\"b\"},{}]}}",
           500,
           "{\"errors\":[{\"message\":\"The function recordTrouble failed with HS_ERR_INVALID at "
           "record 2 of 3, id b without giving a reason.\",\"code\":\"internal_error\"}]}");
    /* An error recorded at an earlier record, which the function went past, explains nothing
     * about a later failure. */
    expect("{\"diy\":true,\"function\":\"recordTrouble\",\"options\":{\"postMapData\":"
           "[{\"how\":\"ignore\"},{\"how\":\"silent\"}]}}",
           500,
           "{\"errors\":[{\"message\":\"The function recordTrouble failed with HS_ERR_INVALID at "
           "record 2 of 2 without giving a reason.\",\"code\":\"internal_error\"}]}");
}

static void test_page_helpers(void **state)
{
    (void)state;
    expect("{\"diy\":true,\"type\":\"hook\",\"function\":\"preSavePage\",\"options\":{\"data\":"
           "[{\"id\":1},{\"id\":2,\"drop\":true},{\"id\":3}],\"errors\":[]}}",
           200,
           "{\"data\":[{\"id\":1},{\"id\":3}],\"errors\":[{\"code\":\"e\",\"message\":"
           "\"dropped\"}],\"abort\":true,\"newErrorsAndRetryData\":[{\"retryData\":9,"
           "\"errors\":[{\"code\":\"r\",\"message\":\"retry me\"}]}]}");
    expect("{\"diy\":true,\"type\":\"hook\",\"function\":\"branch\",\"options\":{\"record\":"
           "{\"x\":5}}}",
           200, "[0,2]");
    expect("{\"diy\":true,\"type\":\"hook\",\"function\":\"branch\",\"options\":{\"record\":"
           "{\"x\":0}}}",
           200, "[1]");
    /* No page or no record: the function is not called (preSavePage made an empty page before). */
    expect("{\"diy\":true,\"type\":\"hook\",\"function\":\"preSavePage\",\"options\":{\"errors\":"
           "[]}}",
           422,
           "{\"errors\":[{\"message\":\"preSavePage function preSavePage needs options.data (an "
           "array of the page's records); the request has no options.data.\",\"code\":"
           "\"missing_required_field\"}]}");
    expect("{\"diy\":true,\"type\":\"hook\",\"function\":\"branch\",\"options\":{\"record\":"
           "7}}",
           422,
           "{\"errors\":[{\"message\":\"branching function branch needs options.record (the record "
           "to route, an object or an array); options.record is a number.\",\"code\":"
           "\"invalid_field\"}]}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registration_rules),
        cmocka_unit_test(test_context),
        cmocka_unit_test(test_json_calls),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_failing),
        cmocka_unit_test(test_log_and_redaction),
        cmocka_unit_test(test_redaction_tricky_secrets),
        cmocka_unit_test(test_log_is_bounded),
        cmocka_unit_test(test_memory_state_cleanup),
        cmocka_unit_test(test_record_helpers),
        cmocka_unit_test(test_page_helpers),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
