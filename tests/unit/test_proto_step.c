/* test_proto_step.c — POST /v1/hooks/{function} through proto_handle_step() (runner/proto_step.c):
 * API tokens (401), function lookup (404), body shapes and decoding (400/413/415), function and
 * contract errors (422), and the 200 answer of every kind served there, with the module below
 * compiled into this binary (HS_MODULE_STATIC). Branching is checked in both modes: route names
 * over the HTTP step, and page_route_named's indices (and the settings.branches range check)
 * under POST /function. Every expected body is written out byte for byte. cmocka.h defines a
 * fail() macro, hence (api->fail)(...) here. */
#define HS_MODULE_STATIC proto_step_test_entry
#include "hookstack.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "arena.h"
#include "proto.h"
#include "registry.h"
#include "registry_internal.h"

static const hs_api *api;

#define CHECK(expr)                                                                                \
    do {                                                                                           \
        hs_status st_ = (expr);                                                                    \
        if (st_ != HS_OK)                                                                          \
            return st_;                                                                            \
    } while (0)

/* ---- the module ----------------------------------------------------------------------------- */

/* preMap: {name} -> {name: NAME, prefix: settings.prefix}; "bad" records get an error, "skip"
 * records are skipped. */
static hs_status upper(hs_ctx *ctx, hs_record *rec)
{
    hs_json *d = api->record_data(rec);
    if (api->json_truthy(api->json_get(d, "skip")))
        return api->record_skip(rec);
    if (api->json_truthy(api->json_get(d, "bad")))
        return api->record_add_error(rec, api->error_new(ctx, "bad_record", "marked bad", NULL));
    const char *name = api->json_string(ctx, api->json_get(d, "name"), NULL, "");
    char *up = api->strdup(ctx, name);
    for (char *p = up; p && *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 32);
    hs_json *o = api->json_new_object(ctx);
    CHECK(api->json_set_string(ctx, o, "name", up));
    const char *prefix = api->setting_string(ctx, "prefix", NULL);
    if (prefix)
        CHECK(api->json_set_string(ctx, o, "prefix", prefix));
    return api->record_replace(rec, o);
}

/* postMap / postSubmit / postResponseMap: marks the record with the array it came from. */
static hs_status mark(hs_ctx *ctx, hs_record *rec)
{
    hs_json *d = api->record_data(rec);
    static const char *const arrays[] = {[HS_KIND_POST_MAP] = "postMapData",
                                         [HS_KIND_POST_SUBMIT] = "responseData",
                                         [HS_KIND_POST_RESPONSE_MAP] = "postResponseMapData"};
    CHECK(api->json_set_string(ctx, d, "from", arrays[api->ctx_kind(ctx)]));
    CHECK(api->json_set_number(ctx, d, "i", (double)api->record_index(rec)));
    return HS_OK;
}

/* preSavePage: drops records with drop:true, aborts when settings.abort. */
static hs_status save_page(hs_ctx *ctx, hs_page *page)
{
    hs_json *data = api->page_data(page);
    for (size_t i = api->json_len(data); i-- > 0;) {
        char path[32];
        snprintf(path, sizeof(path), "[%zu]", i);
        if (api->json_truthy(api->json_get(api->json_at(data, i), "drop")))
            CHECK(api->json_path_delete(ctx, data, path));
    }
    return api->page_set_abort(page, api->setting_bool(ctx, "abort", 0));
}

/* branching by name: record.status names the branch (reason given); record.also adds an index;
 * record.boom fails. */
static hs_status route(hs_ctx *ctx, hs_page *page)
{
    hs_json *r = api->page_data(page);
    if (api->json_truthy(api->json_get(r, "boom")))
        return (api->fail)(ctx, "boom", "record exploded");
    const char *status = api->json_string(ctx, api->json_get(r, "status"), NULL, NULL);
    if (status) {
        hs_status st =
            api->page_route_named(page, status, api->sprintf(ctx, "status is %s", status));
        if (st != HS_OK)
            return st;
    }
    hs_json *also = api->json_get(r, "also");
    if (api->json_type(also) == HS_JSON_NUMBER)
        CHECK(api->page_route(page, (unsigned)api->json_number(also, 0)));
    return HS_OK;
}

/* branching, plain: returns record.n (any value). */
static hs_status route_plain(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)ctx;
    *result = api->json_get(api->json_get(options, "record"), "n");
    return HS_OK;
}

/* utility: {count: data.length, settings, flow: _flowId}. */
static hs_status summary(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    hs_json *o = api->json_new_object(ctx);
    CHECK(api->json_set_number(ctx, o, "count",
                               (double)api->json_len(api->json_get(options, "data"))));
    hs_json *s = api->setting(ctx, NULL);
    CHECK(api->json_set(ctx, o, "settings", s ? s : api->json_new_null(ctx)));
    const char *flow = api->ctx_id(ctx, "_flowId");
    CHECK(api->json_set_string(ctx, o, "flow", flow ? flow : "-"));
    *result = o;
    return HS_OK;
}

static hs_status nothing(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)ctx;
    (void)options;
    (void)result;
    return HS_OK;
}

static hs_status failing(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    (void)result;
    return (api->fail)(ctx, "bad_thing", "it broke on %d records", 2);
}

/* Fails without fail(): the SDK's TypeError is what gets answered. */
static hs_status silent(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    (void)result;
    return api->json_set_number(ctx, api->json_new_string(ctx, "abc"), "x", 1);
}

/* preMap that answers one element whatever the page. */
static hs_status broken(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    hs_json *arr = api->json_new_array(ctx);
    CHECK(api->json_push(ctx, arr, api->json_new_object(ctx)));
    *result = arr;
    return HS_OK;
}

static hs_status date_result(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    *result = api->json_new_date(ctx, 0);
    return HS_OK;
}

static const char *const connectors[] = {"conn-1", NULL};

static hs_status step_init(const hs_api *a, hs_module *mod)
{
    api = a;
    CHECK(api->register_record_fn(mod, "upper", HS_KIND_PRE_MAP, upper, NULL));
    CHECK(api->register_record_fn(mod, "postMapMark", HS_KIND_POST_MAP, mark, NULL));
    CHECK(api->register_record_fn(mod, "postSubmitMark", HS_KIND_POST_SUBMIT, mark, NULL));
    CHECK(
        api->register_record_fn(mod, "postResponseMapMark", HS_KIND_POST_RESPONSE_MAP, mark, NULL));
    CHECK(api->register_page_fn(mod, "savePage", HS_KIND_PRE_SAVE_PAGE, save_page, NULL));
    CHECK(api->register_page_fn(mod, "route", HS_KIND_BRANCHING, route, NULL));
    CHECK(api->register_fn(mod, "routePlain", HS_KIND_BRANCHING, route_plain, NULL));
    CHECK(api->register_fn(mod, "summary", HS_KIND_UTILITY, summary, NULL));
    CHECK(api->register_fn(mod, "nothing", HS_KIND_UTILITY, nothing, NULL));
    CHECK(api->register_fn(mod, "failing", HS_KIND_PRE_MAP, failing, NULL));
    CHECK(api->register_fn(mod, "silent", HS_KIND_UTILITY, silent, NULL));
    CHECK(api->register_fn(mod, "broken", HS_KIND_PRE_MAP, broken, NULL));
    CHECK(api->register_fn(mod, "dateResult", HS_KIND_RAW, date_result, NULL));
    CHECK(api->register_fn(mod, "wrap", HS_KIND_WRAPPER, summary, NULL));
    hs_fn_opts o = HS_FN_OPTS_INIT;
    o.flags = HS_FN_GROUP_ONLY;
    CHECK(api->register_fn(mod, "grouped", HS_KIND_UTILITY, summary, &o));
    o = HS_FN_OPTS_INIT;
    o.connectors = connectors;
    CHECK(api->register_fn(mod, "connOnly", HS_KIND_UTILITY, summary, &o));
    return HS_OK;
}

HS_MODULE("proto_step_test", "0.1.0", step_init)

/* ---- calling it ----------------------------------------------------------------------------- */

static struct registry *reg;
static const char *const api_tokens[] = {"api-token-old", "api-token-new"};
static const char *const sys_tokens[] = {"system-token"};

struct req {
    const char *fn;    /* raw path segment */
    const char *auth;  /* NULL: "Bearer api-token-new"; "" : no header */
    const char *ctype; /* NULL: application/json; "" : no header */
    const char *body;
    size_t body_len; /* 0: strlen(body) */
    const char *cenc;
    bool no_api_tokens; /* configure no API token */
    size_t max_body;
};

struct got {
    int status;
    unsigned flags;
    char body[8192];
    char function[64], type[16], flow[64];
};

static void run(const struct req *r, struct got *g)
{
    struct proto_config cfg = {.reg = reg,
                               .tokens = sys_tokens,
                               .ntokens = 1,
                               .max_body = r->max_body,
                               .api_tokens = r->no_api_tokens ? NULL : api_tokens,
                               .napi_tokens = r->no_api_tokens ? 0 : 2};
    const char *auth = r->auth ? r->auth : "Bearer api-token-new";
    const char *ct = r->ctype ? r->ctype : "application/json";
    struct proto_request req = {
        .authorization = {auth[0] ? auth : NULL, strlen(auth)},
        .content_type = {ct[0] ? ct : NULL, strlen(ct)},
        .content_encoding = {r->cenc, r->cenc ? strlen(r->cenc) : 0},
        .body = {r->body, r->body ? (r->body_len ? r->body_len : strlen(r->body)) : 0},
        .step_function = {r->fn, strlen(r->fn)},
    };
    struct proto_response resp;
    proto_response_init(&resp);
    struct arena *a = arena_new(64 * 1024, 0);
    assert_non_null(a);
    assert_int_equal(proto_handle_step(&cfg, req.step_function, &req, &resp, a), 0);
    g->status = resp.status;
    g->flags = resp.flags;
    size_t n = resp.body.len < sizeof(g->body) - 1 ? resp.body.len : sizeof(g->body) - 1;
    memcpy(g->body, resp.body.data ? resp.body.data : "", n);
    g->body[n] = '\0';
    snprintf(g->function, sizeof(g->function), "%s", resp.function ? resp.function : "-");
    snprintf(g->type, sizeof(g->type), "%s", resp.type ? resp.type : "-");
    snprintf(g->flow, sizeof(g->flow), "%s", resp.flow_id ? resp.flow_id : "-");
    assert_string_equal(resp.content_type, "application/json; charset=utf-8");
    proto_response_free(&resp);
    arena_free(a);
}

static void expect(const struct req *r, int status, const char *body)
{
    struct got g;
    run(r, &g);
    if (g.status != status || strcmp(g.body, body) != 0)
        fprintf(stderr, "%s: want %d %s\n  got %d %s\n", r->fn, status, body, g.status, g.body);
    assert_int_equal(g.status, status);
    assert_string_equal(g.body, body);
}

/* A POST /function request for the branching functions' POST /function mode. */
static void expect_function(const char *body, int status, const char *want)
{
    struct proto_config cfg = {.reg = reg, .tokens = sys_tokens, .ntokens = 1};
    struct proto_request req = {.authorization = {"Bearer system-token", 19},
                                .content_type = {"application/json", 16},
                                .body = {body, strlen(body)}};
    struct proto_response resp;
    proto_response_init(&resp);
    struct arena *a = arena_new(64 * 1024, 0);
    assert_non_null(a);
    assert_int_equal(proto_handle(&cfg, &req, &resp, a), 0);
    char got[4096];
    size_t n = resp.body.len < sizeof(got) - 1 ? resp.body.len : sizeof(got) - 1;
    memcpy(got, resp.body.data ? resp.body.data : "", n);
    got[n] = '\0';
    if (resp.status != status || strcmp(got, want) != 0)
        fprintf(stderr, "want %d %s\n got %d %s\n", status, want, resp.status, got);
    assert_int_equal(resp.status, status);
    assert_string_equal(got, want);
    proto_response_free(&resp);
    arena_free(a);
}

static const char UNAUTHORIZED[] =
    "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid API token.\"}]}";

/* ---- the tests ------------------------------------------------------------------------------ */

static void test_api_token(void **state)
{
    (void)state;
    const char *bad[] = {
        "",                       /* no header */
        "Bearer system-token",    /* the stack's system token is not an API token */
        "Bearer api-token",       /* a prefix */
        "Bearer api-token-new2",  /* longer */
        "Basic api-token-new",    /* another scheme */
        "Bearer  api-token-new",  /* two spaces: three parts */
        "Bearer api-token-new x", /* three parts */
        "Bearerapi-token-new",    /* no space */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct req r = {.fn = "summary", .auth = bad[i], .body = "[]"};
        struct got g;
        run(&r, &g);
        assert_int_equal(g.status, 401);
        assert_string_equal(g.body, UNAUTHORIZED);
        assert_true(g.flags & PROTO_RESP_WWW_AUTHENTICATE_BEARER);
        assert_false(g.flags & PROTO_RESP_WWW_AUTHENTICATE);
    }
    /* 401 comes before the lookup: an unknown function does not show without a token. */
    struct req r = {.fn = "nope", .auth = "", .body = "[]"};
    expect(&r, 401, UNAUTHORIZED);
    /* No API token configured: nothing is accepted. */
    r = (struct req){.fn = "summary", .body = "[]", .no_api_tokens = true};
    expect(&r, 401, UNAUTHORIZED);
    /* Both configured tokens (rotation), any case of the scheme, surrounding white space. */
    r = (struct req){.fn = "nothing", .auth = "bearer api-token-old", .body = "[]"};
    expect(&r, 200, "");
    r = (struct req){.fn = "nothing", .auth = " BEARER api-token-new\t", .body = "[]"};
    expect(&r, 200, "");
}

static void test_unknown_function(void **state)
{
    (void)state;
    struct req r = {.fn = "nope", .body = "[]"};
    expect(&r, 404,
           "{\"errors\":[{\"code\":\"function_not_found\",\"message\":\"No function named "
           "\\\"nope\\\".\"}]}");
    /* Connector-only functions are not DIY functions. */
    r.fn = "connOnly";
    expect(&r, 404,
           "{\"errors\":[{\"code\":\"function_not_found\",\"message\":\"No function named "
           "\\\"connOnly\\\".\"}]}");
    static const char nothing_named[] =
        "{\"errors\":[{\"code\":\"function_not_found\",\"message\":\"The path does not name a "
        "function (/v1/hooks/<function name>).\"}]}";
    const char *bad[] = {"", "%", "%4", "%zz", "a%2Fb", "a/b", "a%00b", "a%0Ab"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r.fn = bad[i];
        expect(&r, 404, nothing_named);
    }
    char longname[300];
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    r.fn = longname;
    expect(&r, 404, nothing_named);
    /* Percent-encoded names decode; a group-only function is found through its group. */
    r.fn = "%6Eothing";
    expect(&r, 200, "");
    r = (struct req){.fn = "grouped", .body = "[1]"};
    expect(&r, 200, "{\"count\":1,\"settings\":null,\"flow\":\"-\"}");
    /* A served kind only. */
    r = (struct req){.fn = "wrap", .body = "[]"};
    expect(&r, 422,
           "{\"errors\":[{\"code\":\"unsupported_kind\",\"message\":\"The function wrap is a "
           "wrapper function; an HTTP step serves preSavePage, preMap, postMap, postSubmit, "
           "postResponseMap, branching, utility and raw functions.\"}]}");
}

static void test_bad_body(void **state)
{
    (void)state;
    static const char shape[] =
        "{\"errors\":[{\"code\":\"invalid_body\",\"message\":\"The body must be a JSON array of "
        "records, one record object, or an object {\\\"data\\\": [...], \\\"settings\\\": "
        "{...}}.\"}]}";
    const char *not_shape[] = {"{\"data\":{}}", "{\"data\":\"x\"}", "{\"data\":null}"};
    for (size_t i = 0; i < sizeof(not_shape) / sizeof(not_shape[0]); i++) {
        struct req r = {.fn = "upper", .body = not_shape[i]};
        expect(&r, 400, shape);
    }
    struct req r = {.fn = "upper", .body = "{\"data\":[],\"settings\":[]}"};
    expect(&r, 400,
           "{\"errors\":[{\"code\":\"invalid_body\",\"message\":\"settings must be an "
           "object.\"}]}");
    r = (struct req){.fn = "upper", .body = "[{\"name\":\"a\"},"};
    expect(&r, 400,
           "{\"errors\":[{\"code\":\"invalid_json\",\"message\":\"Invalid JSON: unexpected end of "
           "input at line 1 column 15\"}]}");
    r = (struct req){.fn = "upper", .body = "1"};
    struct got g;
    run(&r, &g);
    assert_int_equal(g.status, 400);
    assert_non_null(strstr(g.body, "\"code\":\"invalid_json\""));
    r = (struct req){.fn = "upper", .body = ""};
    expect(&r, 400,
           "{\"errors\":[{\"code\":\"invalid_body\",\"message\":\"The request body is empty.\"}]}");
    r = (struct req){.fn = "upper", .body = NULL};
    expect(&r, 400,
           "{\"errors\":[{\"code\":\"invalid_body\",\"message\":\"The request body is empty.\"}]}");
    /* Media type, charset, size: as POST /function decodes them, but JSON is required. */
    r = (struct req){.fn = "upper", .ctype = "text/plain", .body = "[]"};
    expect(&r, 415,
           "{\"errors\":[{\"code\":\"unsupported_media_type\",\"message\":\"Content-Type must be "
           "application/json, not \\\"text/plain\\\"\"}]}");
    r = (struct req){.fn = "upper", .ctype = "application/json; charset=latin1", .body = "[]"};
    expect(&r, 415,
           "{\"errors\":[{\"code\":\"unsupported_charset\",\"message\":\"unsupported charset "
           "\\\"LATIN1\\\"\"}]}");
    r = (struct req){.fn = "upper", .body = "[{\"name\":\"abcdef\"}]", .max_body = 8};
    expect(&r, 413,
           "{\"errors\":[{\"code\":\"request_entity_too_large\",\"message\":\"request entity too "
           "large (limit 8 bytes)\"}]}");
    /* No Content-Type at all reads as JSON. */
    r = (struct req){.fn = "upper", .ctype = "", .body = "[{\"name\":\"x\"}]"};
    expect(&r, 200, "[{\"data\":{\"name\":\"X\"}}]");
}

static void test_gzip_body(void **state)
{
    (void)state;
    static const char plain[] = "[{\"name\":\"zip\"}]";
    unsigned char out[256];
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (Bytef *)plain;
    zs.avail_in = sizeof(plain) - 1;
    zs.next_out = out;
    zs.avail_out = sizeof(out);
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t n = sizeof(out) - zs.avail_out;
    deflateEnd(&zs);
    struct req r = {.fn = "upper", .body = (const char *)out, .body_len = n, .cenc = "gzip"};
    expect(&r, 200, "[{\"data\":{\"name\":\"ZIP\"}}]");
}

static void test_function_errors(void **state)
{
    (void)state;
    struct req r = {.fn = "failing", .body = "[{},{}]"};
    expect(&r, 422,
           "{\"errors\":[{\"code\":\"bad_thing\",\"message\":\"it broke on 2 records\"}]}");
    r = (struct req){.fn = "silent", .body = "[]"};
    expect(&r, 422,
           "{\"errors\":[{\"code\":\"TypeError\",\"message\":\"Cannot create property 'x' on "
           "string 'abc'\"}]}");
    r = (struct req){.fn = "broken", .body = "[{},{},{}]"};
    expect(&r, 422,
           "{\"errors\":[{\"code\":\"invalid_hook_result\",\"message\":\"preMap function broken "
           "must return an array of 3 elements (one per record of options.data); it returned "
           "1.\"}]}");
    r = (struct req){.fn = "dateResult", .body = "[]"};
    expect(&r, 422,
           "{\"errors\":[{\"code\":\"invalid_extension_response\",\"message\":\"The result of "
           "dateResult is not plain JSON (it holds a Date or is nested too deep).\"}]}");
}

static void test_per_record_kinds(void **state)
{
    (void)state;
    /* preMap, both body forms; the object's settings and ids reach the function. */
    struct req r = {.fn = "upper", .body = "[{\"name\":\"ada\"},{\"skip\":true},{\"bad\":1}]"};
    expect(&r, 200,
           "[{\"data\":{\"name\":\"ADA\"}},{},{\"data\":{\"bad\":1},\"errors\":[{\"code\":\"bad_"
           "record\",\"message\":\"marked bad\"}]}]");
    r = (struct req){.fn = "upper",
                     .body = "{\"data\":[{\"name\":\"bo\"}],\"settings\":{\"prefix\":\"p-\"},"
                             "\"_flowId\":\"f-9\"}"};
    struct got g;
    run(&r, &g);
    assert_int_equal(g.status, 200);
    assert_string_equal(g.body, "[{\"data\":{\"name\":\"BO\",\"prefix\":\"p-\"}}]");
    assert_string_equal(g.function, "upper");
    assert_string_equal(g.type, "step");
    assert_string_equal(g.flow, "f-9");
    /* The records go where each kind reads them. */
    r = (struct req){.fn = "postMapMark", .body = "[{\"a\":1},{\"a\":2}]"};
    expect(&r, 200,
           "[{\"data\":{\"a\":1,\"from\":\"postMapData\",\"i\":0}},{\"data\":{\"a\":2,\"from\":"
           "\"postMapData\",\"i\":1}}]");
    r = (struct req){.fn = "postSubmitMark", .body = "{\"data\":[{\"id\":\"x\"}]}"};
    expect(&r, 200, "[{\"id\":\"x\",\"from\":\"responseData\",\"i\":0}]");
    r = (struct req){.fn = "postResponseMapMark", .body = "[{\"id\":\"y\"}]"};
    expect(&r, 200, "[{\"id\":\"y\",\"from\":\"postResponseMapData\",\"i\":0}]");
    r = (struct req){.fn = "upper", .body = "[]"};
    expect(&r, 200, "[]");
    /* One record object (an HTTP import with batch size 1): one result, not an array. */
    r = (struct req){.fn = "upper", .body = "{\"name\":\"cy\"}"};
    expect(&r, 200, "{\"data\":{\"name\":\"CY\"}}");
    r = (struct req){.fn = "upper", .body = "{\"skip\":true}"};
    expect(&r, 200, "{}");
    r = (struct req){.fn = "postSubmitMark", .body = "{\"id\":\"z\"}"};
    expect(&r, 200, "{\"id\":\"z\",\"from\":\"responseData\",\"i\":0}");
}

static void test_page_and_free_form(void **state)
{
    (void)state;
    struct req r = {.fn = "savePage", .body = "[{\"k\":1},{\"k\":2,\"drop\":true},{\"k\":3}]"};
    expect(&r, 200,
           "{\"data\":[{\"k\":1},{\"k\":3}],\"errors\":[],\"abort\":false,"
           "\"newErrorsAndRetryData\":[]}");
    r = (struct req){.fn = "savePage", .body = "{\"data\":[],\"settings\":{\"abort\":true}}"};
    expect(&r, 200, "{\"data\":[],\"errors\":[],\"abort\":true,\"newErrorsAndRetryData\":[]}");
    r = (struct req){.fn = "summary",
                     .body = "{\"data\":[1,2],\"settings\":{\"a\":{\"b\":1}},\"_flowId\":\"f1\"}"};
    expect(&r, 200, "{\"count\":2,\"settings\":{\"a\":{\"b\":1}},\"flow\":\"f1\"}");
    r = (struct req){.fn = "nothing", .body = "[]"};
    expect(&r, 200, "");
}

static void test_branching_names(void **state)
{
    (void)state;
    /* By name (no settings needed), by index without settings.branches (the index as the
     * name), several routes, none. */
    struct req r = {.fn = "route",
                    .body =
                        "[{\"status\":\"open\"},{\"also\":2},{\"status\":\"closed\",\"also\":0},"
                        "{}]"};
    expect(
        &r, 200,
        "[{\"route\":\"open\",\"reason\":\"status is open\"},{\"route\":\"2\",\"reason\":null},"
        "{\"route\":\"closed\",\"reason\":\"status is closed\",\"routes\":[{\"route\":\"closed\","
        "\"reason\":\"status is closed\"},{\"route\":\"0\",\"reason\":null}]},"
        "{\"route\":null,\"reason\":null}]");
    /* settings.branches names an index (strings or router-style objects). */
    r = (struct req){.fn = "route",
                     .body = "{\"data\":[{\"also\":1},{\"also\":0}],\"settings\":{\"branches\":["
                             "\"first\",{\"name\":\"second\"}]}}"};
    expect(&r, 200,
           "[{\"route\":\"second\",\"reason\":null},{\"route\":\"first\",\"reason\":null}]");
    /* Plain functions answer indices. */
    r = (struct req){.fn = "routePlain",
                     .body = "{\"data\":[{\"n\":0},{\"n\":[1,0]}],\"settings\":{\"branches\":["
                             "\"a\",\"b\"]}}"};
    expect(&r, 200,
           "[{\"route\":\"a\",\"reason\":null},{\"route\":\"b\",\"reason\":null,\"routes\":[{"
           "\"route\":\"b\",\"reason\":null},{\"route\":\"a\",\"reason\":null}]}]");
    /* R-BR-1: an index past settings.branches, a non-index, a failing record; each named by its
     * record, counted from 1, with its id when it has one. */
    r = (struct req){.fn = "routePlain",
                     .body = "{\"data\":[{\"n\":0},{\"n\":2,\"Id\":\"r2\"}],\"settings\":{"
                             "\"branches\":[\"a\",\"b\"]}}"};
    expect(&r, 422,
           "{\"errors\":[{\"code\":\"invalid_hook_result\",\"message\":\"record 2 of 2, id r2: "
           "branching "
           "function routePlain returned branch 2; settings.branches lists 2 branches (0 to "
           "1).\"}]}");
    r = (struct req){.fn = "routePlain", .body = "[{\"n\":\"x\"}]"};
    expect(&r, 422,
           "{\"errors\":[{\"code\":\"invalid_hook_result\",\"message\":\"record 1 of 1: branching "
           "function routePlain must return a 0-based branch index or an array of them; it "
           "returned a string.\"}]}");
    r = (struct req){.fn = "route", .body = "[{\"status\":\"a\"},{\"boom\":true}]"};
    expect(&r, 422,
           "{\"errors\":[{\"code\":\"boom\",\"message\":\"record 2 of 2: record exploded\"}]}");
}

/* The same branching function under POST /function: names become indices through
 * settings.branches; a name it does not list fails (RangeError, 500 like any exception). */
static void test_branching_function_mode(void **state)
{
    (void)state;
    expect_function("{\"diy\":true,\"function\":\"route\",\"options\":{\"record\":{\"status\":"
                    "\"closed\",\"also\":0},\"settings\":{\"branches\":[\"open\",{\"name\":"
                    "\"closed\"}]}}}",
                    200, "[1,0]");
    expect_function("{\"diy\":true,\"function\":\"route\",\"options\":{\"record\":{\"status\":"
                    "\"lost\"},\"settings\":{\"branches\":[\"open\"]}}}",
                    500,
                    "{\"errors\":[{\"message\":\"Branch \\\"lost\\\" is not listed in "
                    "settings.branches (\\\"open\\\"): add it there, at its index in the router, "
                    "for the function route\",\"code\":\"RangeError\"}]}");
    /* Without settings.branches a name has no index: the message says what to add. */
    expect_function("{\"diy\":true,\"function\":\"route\",\"options\":{\"record\":{\"status\":"
                    "\"open\"},\"settings\":{}}}",
                    500,
                    "{\"errors\":[{\"message\":\"Branch \\\"open\\\" has no index: the options "
                    "carry no settings.branches. Add \\\"branches\\\": [\\\"<name of branch "
                    "0>\\\", \\\"<name of branch 1>\\\", ...] (the router's branch names, in its "
                    "order) to the settings the function route gets, or route by index "
                    "(page_route)\",\"code\":\"RangeError\"}]}");
    expect_function("{\"diy\":true,\"function\":\"routePlain\",\"options\":{\"record\":{\"n\":"
                    "[0,3]},\"settings\":{\"branches\":[\"a\"]}}}",
                    422,
                    "{\"errors\":[{\"message\":\"branching function routePlain returned branch 3; "
                    "settings.branches lists 1 branch (0 to 0).\",\"code\":\"invalid_hook_"
                    "result\"}]}");
    /* Without settings.branches any index stands, as before. */
    expect_function("{\"diy\":true,\"function\":\"routePlain\",\"options\":{\"record\":{\"n\":"
                    "[0,3]}}}",
                    200, "[0,3]");
}

/* A runner serving no DIY scope (connectors mode) has no function for an HTTP step. */
static void test_no_diy(void **state)
{
    (void)state;
    struct registry *diy_reg = reg;
    reg = registry_new(true);
    char err[512];
    assert_non_null(reg);
    assert_int_equal(registry_add_static(reg, proto_step_test_entry, "no_diy", err, sizeof(err)),
                     0);
    struct req r = {.fn = "summary", .body = "[]"};
    expect(&r, 404,
           "{\"errors\":[{\"code\":\"function_not_found\",\"message\":\"No function named "
           "\\\"summary\\\".\"}]}");
    registry_free(reg);
    reg = diy_reg;
}

static int group_setup(void **state)
{
    (void)state;
    reg = registry_new(false);
    char err[512];
    if (!reg ||
        registry_add_static(reg, proto_step_test_entry, "test_proto_step", err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    registry_free(reg);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_token),
        cmocka_unit_test(test_unknown_function),
        cmocka_unit_test(test_bad_body),
        cmocka_unit_test(test_gzip_body),
        cmocka_unit_test(test_function_errors),
        cmocka_unit_test(test_per_record_kinds),
        cmocka_unit_test(test_page_and_free_form),
        cmocka_unit_test(test_branching_names),
        cmocka_unit_test(test_branching_function_mode),
        cmocka_unit_test(test_no_diy),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
