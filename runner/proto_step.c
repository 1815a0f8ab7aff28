/* proto_step.c — POST /v1/hooks/{function} as a pure function (see proto.h): a registered
 * function serving a flow step that calls the runner as a plain HTTP API (integrator.io's HTTP
 * connector) instead of the stack protocol.
 *
 * Order: API token (401) -> the function, by name among DIY functions (404; 422 for a kind not
 * served here) -> the body (413/415/400) -> the call through the SDK, as POST /function makes it
 * -> the kind's contract -> 200 with the kind's result. Every error is
 * {"errors":[{"code":...,"message":...}]}, code first: there is no reference server to match
 * here, so one shape for all.
 *
 * The body is an array of records, one record object (no "data" key: an HTTP import with batch
 * size 1; the answer is then that record's result, not an array), or
 * {"data": [...], "settings": {...}, ...} whose other
 * members are passed in options as they are. Per-record kinds get the records under the array
 * their kind reads (data, postMapData, responseData, postResponseMapData), preSavePage, utility
 * and raw functions under `data`. A branching function runs once per record with
 * options.record, and its routes become names (hookstack.h, page_route_named). */
#include "proto.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "crash.h"
#include "json.h"
#include "kind.h"
#include "proto_internal.h"
#include "registry_internal.h"
#include "sdk.h"
#include "text.h"

#define STEP_JSON_TYPE "application/json; charset=utf-8"
#define STEP_NAME_MAX  256

/* One code-first error; 0, or what proto_answer_nomem gives when even that fails. */
#define step_fail(resp, a, status, code, ...)                                                      \
    (proto_answer_fmt((resp), (a), (status), (code), __VA_ARGS__) == 0                             \
         ? 0                                                                                       \
         : proto_answer_nomem((resp), (a)))

/* The function name of the path segment: percent-decoded, 1 to STEP_NAME_MAX bytes, no '/' and
 * no control character. Returns its length, or 0 when the segment names nothing. */
static size_t name_decode(struct strv seg, char out[STEP_NAME_MAX + 1])
{
    size_t n = 0;
    for (size_t i = 0; seg.p && i < seg.len; i++) {
        unsigned char c = (unsigned char)seg.p[i];
        if (c == '%') {
            if (i + 2 >= seg.len)
                return 0;
            int h = text_hexval(seg.p[i + 1]), l = text_hexval(seg.p[i + 2]);
            if (h < 0 || l < 0)
                return 0;
            c = (unsigned char)(h << 4 | l);
            i += 2;
        }
        if (c < 0x20 || c == 0x7f || c == '/' || n == STEP_NAME_MAX)
            return 0;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return n;
}

/* A DIY function by name: its top-level registration, else the one reachable in its group. */
static const struct registry_fn *step_find(const struct registry *reg, const char *name, size_t len)
{
    if (!reg || !registry_has_diy(reg))
        return NULL;
    const struct registry_fn *fn = registry_find(reg, REGISTRY_SCOPE_DIY, NULL, 0, name, len);
    if (fn)
        return fn;
    for (size_t i = 0; i < reg->nfns; i++) {
        const struct registry_fn *f = reg->fns[i];
        if (f->group && strlen(f->name) == len && memcmp(f->name, name, len) == 0 &&
            registry_find(reg, REGISTRY_SCOPE_DIY, f->group, strlen(f->group), name, len) == f)
            return f;
    }
    return NULL;
}

static bool kind_served(hs_kind k)
{
    switch (k) {
    case HS_KIND_PRE_SAVE_PAGE:
    case HS_KIND_PRE_MAP:
    case HS_KIND_POST_MAP:
    case HS_KIND_POST_SUBMIT:
    case HS_KIND_POST_RESPONSE_MAP:
    case HS_KIND_BRANCHING:
    case HS_KIND_UTILITY:
    case HS_KIND_RAW:
        return true;
    default:
        return false;
    }
}

static const char *str_member(const struct json_value *o, const char *key)
{
    const struct json_value *v =
        o && o->type == JSON_OBJECT ? json_object_get(o, key, strlen(key)) : NULL;
    return v && v->type == JSON_STRING ? v->u.str : NULL;
}

/* A shallow copy of base with key set to v (base's own `data` left out). NULL: out of memory. */
static struct json_value *options_with(struct arena *a, const struct json_value *base,
                                       const char *key, struct json_value *v)
{
    struct json_value *o = json_new_object(a);
    if (!o)
        return NULL;
    for (uint32_t i = 0; base && i < base->len; i++) {
        const struct json_member *m = &base->u.members[i];
        if (m->key_len == 4 && memcmp(m->key, STRLIT("data")) == 0)
            continue;
        if (json_object_set(a, o, m->key, m->key_len, m->value) != 0)
            return NULL;
    }
    return json_object_set(a, o, key, strlen(key), v) == 0 ? o : NULL;
}

/* Answers a failed call: the function's own code and message, else what the SDK recorded. */
static int call_failed(struct proto_response *resp, struct arena *a, const struct sdk_call *call,
                       const char *prefix)
{
    if (call->fail_code)
        return step_fail(resp, a, 422, call->fail_code, "%s%s", prefix, call->fail_message);
    if (call->error_name)
        return step_fail(resp, a, 422, call->error_name, "%s%s", prefix, call->error_message);
    return step_fail(resp, a, 422, "function_failed",
                     "%sThe function %s failed with %s%s%s without giving a reason.", prefix,
                     call->fn->name, hs_status_name(call->status), call->where ? " at " : "",
                     call->where ? call->where : "");
}

/* {"route": name|null, "reason": text|null} from one index or name (kind_branch_name maps an
 * index through settings.branches; without it the index's decimal text is the name). */
static struct json_value *route_object(struct arena *a, const struct json_value *options,
                                       const struct json_value *index,
                                       const struct json_value *name,
                                       const struct json_value *reason)
{
    struct json_value *o = json_new_object(a);
    struct json_value *r = NULL;
    if (!o)
        return NULL;
    if (name && name->type == JSON_STRING) {
        r = json_new_string(a, name->u.str, name->len);
    } else if (index && index->type == JSON_NUMBER) {
        size_t len = 0;
        const char *s = kind_branch_name(options, (size_t)index->u.num, &len);
        char num[JSON_NUMBER_MAX];
        if (!s) {
            len = json_number_format(index->u.num, num);
            s = num;
        }
        r = json_new_string(a, s, len);
    } else {
        r = json_new_null(a);
    }
    struct json_value *why = reason && reason->type == JSON_STRING
                                 ? json_new_string(a, reason->u.str, reason->len)
                                 : json_new_null(a);
    if (!r || !why || json_object_set(a, o, STRLIT("route"), r) != 0 ||
        json_object_set(a, o, STRLIT("reason"), why) != 0)
        return NULL;
    return o;
}

/* One record's answer from its routes (objects made by route_object): the first as
 * {"route","reason"}, every one under "routes" when there are several, {"route":null,
 * "reason":null} when none. */
static struct json_value *record_routes(struct arena *a, struct json_value *routes)
{
    if (routes->len == 0) {
        struct json_value *o = json_new_object(a);
        struct json_value *n1 = json_new_null(a), *n2 = json_new_null(a);
        if (!o || !n1 || !n2 || json_object_set(a, o, STRLIT("route"), n1) != 0 ||
            json_object_set(a, o, STRLIT("reason"), n2) != 0)
            return NULL;
        return o;
    }
    const struct json_value *first = routes->u.items[0];
    struct json_value *o = json_new_object(a);
    if (!o ||
        json_object_set(a, o, STRLIT("route"), json_object_get(first, STRLIT("route"))) != 0 ||
        json_object_set(a, o, STRLIT("reason"), json_object_get(first, STRLIT("reason"))) != 0 ||
        (routes->len > 1 && json_object_set(a, o, STRLIT("routes"), routes) != 0))
        return NULL;
    return o;
}

/* Runs a branching function once per record; fills *out with the per-record route objects.
 * Returns 0 (answered or *out set), or -1 (no answer could be built). */
static int run_branching(const struct proto_config *cfg, const struct registry_fn *fn,
                         const struct json_value *base, const struct json_value *records,
                         struct proto_response *resp, struct arena *a, struct json_value **out)
{
    *out = NULL;
    struct json_value *list = json_new_array(a);
    if (!list)
        return proto_answer_nomem(resp, a);
    for (uint32_t i = 0; i < records->len; i++) {
        struct json_value *options = options_with(a, base, "record", records->u.items[i]);
        if (!options)
            return proto_answer_nomem(resp, a);
        struct sdk_call call = {.reg = cfg->reg,
                                .fn = fn,
                                .arena = a,
                                .options = options,
                                .log = &resp->log,
                                .http_step = true};
        /* "record 2 of 5, id 001B: " (crash.h), as the per-record kinds name a record. */
        char prefix[CRASH_WHERE_MAX + 2];
        size_t pl = crash_where_format(prefix, sizeof(prefix) - 2, i, records->len,
                                       crash_record_id(records->u.items[i]));
        memcpy(prefix + pl, ": ", 3);
        if (sdk_invoke(&call) != HS_OK)
            return call_failed(resp, a, &call, prefix);
        /* Indices are checked as under POST /function (names need no index here). */
        char kmsg[512];
        if (kind_check(fn->kind, fn->name, options, call.result, kmsg, sizeof(kmsg)) != 0)
            return step_fail(resp, a, 422, "invalid_hook_result", "%s%s", prefix, kmsg);
        struct json_value *routes = json_new_array(a);
        if (!routes)
            return proto_answer_nomem(resp, a);
        if (call.routes) {
            for (uint32_t k = 0; k < call.routes->len; k++) {
                const struct json_value *e = call.routes->u.items[k];
                struct json_value *r = route_object(a, options, json_object_get(e, STRLIT("index")),
                                                    json_object_get(e, STRLIT("name")),
                                                    json_object_get(e, STRLIT("reason")));
                if (!r || json_array_push(a, routes, r) != 0)
                    return proto_answer_nomem(resp, a);
            }
        } else {
            const struct json_value *res = call.result;
            uint32_t n = res->type == JSON_ARRAY ? res->len : 1;
            for (uint32_t k = 0; k < n; k++) {
                const struct json_value *idx = res->type == JSON_ARRAY ? res->u.items[k] : res;
                struct json_value *r = route_object(a, options, idx, NULL, NULL);
                if (!r || json_array_push(a, routes, r) != 0)
                    return proto_answer_nomem(resp, a);
            }
        }
        struct json_value *rec = record_routes(a, routes);
        if (!rec || json_array_push(a, list, rec) != 0)
            return proto_answer_nomem(resp, a);
    }
    *out = list;
    return 0;
}

bool proto_step_authorized(const struct proto_config *cfg, struct strv authorization)
{
    const char *tok;
    size_t toklen;
    return proto_bearer(authorization, &tok, &toklen) &&
           proto_tokens_match(cfg->api_tokens, cfg->napi_tokens, tok, toklen);
}

int proto_handle_step(const struct proto_config *cfg, struct strv fn_name,
                      const struct proto_request *req, struct proto_response *resp, struct arena *a)
{
    resp->status = 200;
    resp->flags = 0;
    resp->content_type = STEP_JSON_TYPE;
    resp->body.len = 0;
    resp->type = "step";

    if (!proto_step_authorized(cfg, req->authorization)) {
        resp->flags |= PROTO_RESP_WWW_AUTHENTICATE_BEARER;
        return step_fail(resp, a, 401, "unauthorized", "Invalid API token.");
    }

    char name[STEP_NAME_MAX + 1];
    size_t nlen = name_decode(fn_name, name);
    const struct registry_fn *fn = nlen ? step_find(cfg->reg, name, nlen) : NULL;
    if (nlen == 0)
        return step_fail(resp, a, 404, "function_not_found",
                         "The path does not name a function (/v1/hooks/<function name>).");
    if (!fn)
        return step_fail(resp, a, 404, "function_not_found", "No function named \"%s\".", name);
    resp->function = fn->name;
    if (!kind_served(fn->kind))
        return step_fail(resp, a, 422, "unsupported_kind",
                         "The function %s is a %s function; an HTTP step serves preSavePage, "
                         "preMap, postMap, postSubmit, postResponseMap, branching, utility and raw "
                         "functions.",
                         fn->name, kind_name(fn->kind));

    int failed = 0;
    struct json_value *body = proto_body_read(cfg, req, resp, a, true, &failed);
    if (failed)
        return failed > 0 ? 0 : -1;
    static const char shape[] =
        "The body must be a JSON array of records, one record object, or an "
        "object {\"data\": [...], \"settings\": {...}}.";
    const struct json_value *records = NULL, *base = NULL;
    bool single = false; /* one record object (an HTTP import with batch size 1): answer one */
    const struct json_value *d =
        body->type == JSON_OBJECT ? json_object_get(body, STRLIT("data")) : NULL;
    if (body->type == JSON_ARRAY) {
        records = body;
    } else if (d == NULL) {
        struct json_value *one = json_new_array(a);
        if (!one || json_array_push(a, one, body) != 0)
            return proto_answer_nomem(resp, a);
        records = one;
        single = true;
    } else {
        if (d->type != JSON_ARRAY)
            return step_fail(resp, a, 400, "invalid_body", "%s", shape);
        const struct json_value *s = json_object_get(body, STRLIT("settings"));
        if (s && s->type != JSON_OBJECT)
            return step_fail(resp, a, 400, "invalid_body", "settings must be an object.");
        records = d;
        base = body;
    }
    resp->integration_id = str_member(base, "_integrationId");
    resp->flow_id = str_member(base, "_flowId");
    resp->export_id = str_member(base, "_exportId");
    resp->import_id = str_member(base, "_importId");
    resp->connection_id = str_member(base, "_connectionId");

    struct json_value *result = NULL;
    if (fn->kind == HS_KIND_BRANCHING) {
        int rc = run_branching(cfg, fn, base, records, resp, a, &result);
        if (!result)
            return rc;
    } else {
        const char *key = kind_record_array(fn->kind);
        struct json_value *options =
            options_with(a, base, key ? key : "data", (struct json_value *)records);
        if (!options)
            return proto_answer_nomem(resp, a);
        struct sdk_call call = {.reg = cfg->reg,
                                .fn = fn,
                                .arena = a,
                                .options = options,
                                .log = &resp->log,
                                .http_step = true};
        if (sdk_invoke(&call) != HS_OK)
            return call_failed(resp, a, &call, "");
        char kmsg[512];
        if (kind_check(fn->kind, fn->name, options, call.result, kmsg, sizeof(kmsg)) != 0)
            return step_fail(resp, a, 422, "invalid_hook_result", "%s", kmsg);
        result = call.result;
    }

    /* One record in, one result out, for the per-record kinds and branching. */
    if (single && result && result->type == JSON_ARRAY && result->len == 1 &&
        (fn->kind == HS_KIND_BRANCHING || kind_record_array(fn->kind) != NULL))
        result = result->u.items[0];

    resp->body.len = 0;
    if (result) {
        int rc = json_write(&resp->body, result, 0, NULL);
        if (rc == ERR_UNSERIALIZABLE)
            return step_fail(resp, a, 422, "invalid_extension_response",
                             "The result of %s is not plain JSON (it holds a Date or is nested "
                             "too deep).",
                             fn->name);
        if (rc != 0)
            return proto_answer_nomem(resp, a);
    }
    resp->status = 200;
    resp->content_type = STEP_JSON_TYPE;
    return 0;
}
