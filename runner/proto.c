/* proto.c — POST /function as a pure function (see proto.h): what Celigo's reference server
 * (express-integrator-extension 0.3.2 on integrator-extension 0.3.12, body-parser 1.20.3, Node 20)
 * answers, byte for byte where the reference answers JSON.
 *
 * Order, as on the reference: body (Content-Type, charset, Content-Encoding, size, JSON strict
 * mode) -> token -> validation (all errors, in order) -> object and function lookup -> export
 * dates turned into Dates -> the call -> result checks (plain JSON, then the kind's contract, then
 * maxResponseSize in UTF-16 units) -> 200.
 *
 * Documented deviations (the reference answers an HTML error page or never answers):
 *   - 400/413/415 from body handling answer JSON {"errors":[{"code":...,"message":...}]}.
 *   - A TypeError the reference would throw (a hook failing without fail(), String() of an object
 *     with an own "toString" key, an invalid date given to toISOString) answers 500 JSON
 *     {"errors":[{"message":...,"code":"TypeError"}]} instead of Express's HTML page.
 *   - A function name or `type` that names an inherited JavaScript property (constructor,
 *     toString, __proto__, ...) answers invalid_function; the reference calls the inherited
 *     method, which never calls back, and the request hangs.
 *   - charset utf-7 answers 415 (the reference decodes it); lone surrogates in a UTF-16 body
 *     become U+FFFD (the reference keeps them). */
#include "proto.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jsval.h"
#include "kind.h"
#include "proto_internal.h"
#include "text.h"
#include "registry_internal.h"
#include "sdk.h"

#define PROTO_JSON_TYPE            "application/json; charset=utf-8"
#define PROTO_DEFAULT_MAX_RESPONSE 5242880.0

static const char MSG_NEED_DIY_OR_CONNECTOR[] =
    "Need to set either the diy or _connectorId field in extension options.";
static const char MSG_DIY_MISSING[] = "DIY is not configured in the extension configuration.";
static const char MSG_CONNECTOR_UNKNOWN[] =
    "The _connectorId set in the extension options does't match any of the _connectorId's "
    "present in extension configuration.";
static const char MSG_FUNCTION_MISSING[] =
    "Missing required field function in the extension options.";
static const char MSG_FUNCTION_NOT_STRING[] =
    "The function field in the extension options must be of type string.";
static const char MSG_OPTIONS_MISSING[] = "Function options haven't been provided.";
static const char MSG_INCORRECT_FUNCTION[] =
    "The function passed in the extension options doesn't map to a function.";
static const char MSG_NOT_SERIALIZABLE[] = "Extension response is not serializable.";

/* Properties every plain JavaScript object inherits: as a group or function name they are
 * "found" on the reference (and are not hook functions). */
static const char *const inherited_names[] = {
    "constructor",          "__proto__",        "hasOwnProperty",   "isPrototypeOf",
    "propertyIsEnumerable", "toString",         "valueOf",          "toLocaleString",
    "__defineGetter__",     "__defineSetter__", "__lookupGetter__", "__lookupSetter__",
};

static bool is_inherited(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof(inherited_names) / sizeof(inherited_names[0]); i++)
        if (strlen(inherited_names[i]) == len && memcmp(inherited_names[i], s, len) == 0)
            return true;
    return false;
}

void proto_response_init(struct proto_response *r)
{
    memset(r, 0, sizeof(*r));
    json_buf_init(&r->body, 0);
    json_buf_init(&r->log, 0);
}

void proto_response_free(struct proto_response *r)
{
    json_buf_free(&r->body);
    json_buf_free(&r->log);
}

/* ---- answers -------------------------------------------------------------------------------- */

struct err_item {
    const char *k1, *v1;
    size_t v1len;
    const char *k2, *v2; /* k2 NULL: one field */
    size_t v2len;
};

/* {"errors":[{k1:v1,k2:v2},...]} with the JSON engine's escaping. Returns 0 or -1. */
static int answer_errors(struct proto_response *resp, struct arena *a, int status,
                         const struct err_item *items, size_t n)
{
    struct json_value *root = json_new_object(a);
    struct json_value *list = json_new_array(a);
    if (!root || !list || json_object_set(a, root, STRLIT("errors"), list) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        struct json_value *e = json_new_object(a);
        struct json_value *v1 = json_new_string(a, items[i].v1, items[i].v1len);
        if (!e || !v1 || json_object_set(a, e, items[i].k1, strlen(items[i].k1), v1) != 0)
            return -1;
        if (items[i].k2) {
            struct json_value *v2 = json_new_string(a, items[i].v2, items[i].v2len);
            if (!v2 || json_object_set(a, e, items[i].k2, strlen(items[i].k2), v2) != 0)
                return -1;
        }
        if (json_array_push(a, list, e) != 0)
            return -1;
    }
    resp->status = status;
    resp->content_type = PROTO_JSON_TYPE;
    resp->body.len = 0;
    return json_write(&resp->body, root, 0, NULL) == 0 ? 0 : -1;
}

/* One error with "code" first (validation, 401, body errors). */
static int answer_code_first(struct proto_response *resp, struct arena *a, int status,
                             const char *code, const char *msg, size_t msglen)
{
    struct err_item it = {.k1 = "code",
                          .v1 = code,
                          .v1len = strlen(code),
                          .k2 = "message",
                          .v2 = msg,
                          .v2len = msglen};
    return answer_errors(resp, a, status, &it, 1);
}

/* One error with "message" first (function errors, lookup and response errors). */
static int answer_message_first(struct proto_response *resp, struct arena *a, int status,
                                const char *msg, size_t msglen, const char *code)
{
    struct err_item it = {.k1 = "message",
                          .v1 = msg,
                          .v1len = msglen,
                          .k2 = code ? "code" : NULL,
                          .v2 = code,
                          .v2len = code ? strlen(code) : 0};
    return answer_errors(resp, a, status, &it, 1);
}

static int answer_type_error(struct proto_response *resp, struct arena *a)
{
    return answer_message_first(resp, a, 500, JSVAL_TYPE_ERROR_MESSAGE,
                                strlen(JSVAL_TYPE_ERROR_MESSAGE), "TypeError");
}

static int answer_nomem(struct proto_response *resp, struct arena *a)
{
    static const char m[] = "out of memory while handling the request";
    return answer_code_first(resp, a, 500, "out_of_memory", m, sizeof(m) - 1);
}

int proto_answer_fmt(struct proto_response *resp, struct arena *a, int status, const char *code,
                     const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(msg))
        n = (int)sizeof(msg) - 1;
    return answer_code_first(resp, a, status, code, msg, (size_t)n);
}

/* ---- the call ------------------------------------------------------------------------------- */

static const struct json_value *field(const struct json_value *body, const char *name)
{
    if (!body || body->type != JSON_OBJECT)
        return NULL;
    return json_object_get(body, name, strlen(name));
}

static bool truthy(const struct json_value *v)
{
    return v && json_truthy(v);
}

static const char *str_or_null(const struct json_value *v)
{
    return v && v->type == JSON_STRING ? v->u.str : NULL;
}

static void log_fields(struct proto_response *resp, const struct json_value *body,
                       const struct json_value *options)
{
    resp->function = str_or_null(field(body, "function"));
    resp->type = str_or_null(field(body, "type"));
    resp->connector_id = str_or_null(field(body, "_connectorId"));
    resp->integration_id = str_or_null(field(options, "_integrationId"));
    resp->flow_id = str_or_null(field(options, "_flowId"));
    resp->export_id = str_or_null(field(options, "_exportId"));
    resp->import_id = str_or_null(field(options, "_importId"));
    resp->connection_id = str_or_null(field(options, "_connectionId"));
    if (resp->type && strcmp(resp->type, "wrapper") == 0) {
        const char *c = str_or_null(field(field(options, "connection"), "_id"));
        if (c)
            resp->connection_id = c;
    }
}

/* `new Date(options[key])` when truthy. Returns 0, or ERR_TYPE / ERR_NOMEM. */
static int date_field(struct arena *a, struct json_value *options, const char *key)
{
    struct json_value *v = json_object_get(options, key, strlen(key));
    if (!truthy(v))
        return 0;
    double ms;
    int rc = jsval_date_from_value(a, v, &ms);
    if (rc != 0)
        return rc;
    struct json_value *d = json_new_date(a, ms);
    if (!d || json_object_set(a, options, key, strlen(key), d) != 0)
        return ERR_NOMEM;
    return 0;
}

/* The maxResponseSize rule: `size > (maxResponseSize || default)` with JavaScript's comparison.
 * Returns 1 (exceeded; *text is the limit as JavaScript prints it), 0, or an ERR_* code. */
static int size_exceeded(struct arena *a, const struct json_value *ms, double def, size_t size,
                         const char **text, size_t *textlen)
{
    if (!truthy(ms)) {
        if ((double)size > def) {
            char *defbuf = arena_alloc(a, JSON_NUMBER_MAX);
            if (!defbuf)
                return ERR_NOMEM;
            *textlen = json_number_format(def, defbuf);
            *text = defbuf;
            return 1;
        }
        return 0;
    }
    double limit;
    int rc = jsval_to_number(a, ms, &limit);
    if (rc != 0)
        return rc;
    if (!((double)size > limit))
        return 0;
    rc = jsval_to_string(a, ms, text, textlen);
    return rc != 0 ? rc : 1;
}

int proto_handle(const struct proto_config *cfg, const struct proto_request *req,
                 struct proto_response *resp, struct arena *a)
{
    resp->status = 200;
    resp->flags = 0;
    resp->content_type = PROTO_JSON_TYPE;
    resp->body.len = 0;

    int failed = 0;
    struct json_value *body = proto_body_read(cfg, req, resp, a, false, &failed);
    if (failed)
        return failed > 0 ? 0 : -1;
    if (!body)
        return answer_nomem(resp, a);

    if (!proto_authorized(cfg, req, body, a)) {
        resp->flags |= PROTO_RESP_WWW_AUTHENTICATE;
        static const char m[] = "Invalid system token.";
        return answer_code_first(resp, a, 401, "unauthorized", m, sizeof(m) - 1);
    }

    const struct registry *reg = cfg->reg;
    const struct json_value *diy = field(body, "diy");
    const struct json_value *cid = field(body, "_connectorId");
    const struct json_value *fname = field(body, "function");
    struct json_value *options = (struct json_value *)field(body, "options");
    log_fields(resp, body, options);

    /* Validation: every error, in the reference's order. */
    struct err_item errs[3];
    size_t nerr = 0;
    int scope = -1;
    bool inherited_scope = false;
    const char *cid_text = NULL;
    if (truthy(diy)) {
        if (!registry_has_diy(reg))
            errs[nerr++] = (struct err_item){"code", STRLIT("missing_required_field"), "message",
                                             MSG_DIY_MISSING, sizeof(MSG_DIY_MISSING) - 1};
        else
            scope = REGISTRY_SCOPE_DIY;
    } else if (truthy(cid)) {
        size_t cidlen = 0;
        if (registry_has_connectors(reg)) {
            if (jsval_to_string(a, cid, &cid_text, &cidlen) == ERR_TYPE)
                return answer_type_error(resp, a);
            if (!cid_text)
                return answer_nomem(resp, a);
            scope = registry_scope(reg, cid_text, cidlen);
            inherited_scope = scope < 0 && is_inherited(cid_text, cidlen);
        }
        if (scope < 0 && !inherited_scope)
            errs[nerr++] =
                (struct err_item){"code", STRLIT("invalid_field"), "message", MSG_CONNECTOR_UNKNOWN,
                                  sizeof(MSG_CONNECTOR_UNKNOWN) - 1};
        else if (scope >= 0)
            resp->connector_id = reg->scopes[scope];
    } else {
        errs[nerr++] =
            (struct err_item){"code", STRLIT("missing_required_field"), "message",
                              MSG_NEED_DIY_OR_CONNECTOR, sizeof(MSG_NEED_DIY_OR_CONNECTOR) - 1};
    }
    if (!truthy(fname))
        errs[nerr++] = (struct err_item){"code", STRLIT("missing_required_field"), "message",
                                         MSG_FUNCTION_MISSING, sizeof(MSG_FUNCTION_MISSING) - 1};
    else if (fname->type != JSON_STRING)
        errs[nerr++] =
            (struct err_item){"code", STRLIT("invalid_field"), "message", MSG_FUNCTION_NOT_STRING,
                              sizeof(MSG_FUNCTION_NOT_STRING) - 1};
    if (!truthy(options))
        errs[nerr++] = (struct err_item){"code", STRLIT("missing_required_field"), "message",
                                         MSG_OPTIONS_MISSING, sizeof(MSG_OPTIONS_MISSING) - 1};
    if (nerr > 0)
        return answer_errors(resp, a, 422, errs, nerr) == 0 ? 0 : answer_nomem(resp, a);

    /* The object: a group when `type` is truthy, else the module's top level. */
    const struct json_value *type = field(body, "type");
    const struct registry_fn *fn = NULL;
    if (truthy(type)) {
        const char *key = NULL;
        size_t keylen = 0;
        if (jsval_to_string(a, type, &key, &keylen) == ERR_TYPE)
            return answer_type_error(resp, a);
        if (!key)
            return answer_nomem(resp, a);
        const char *tstr = key; /* String(type), for the message */
        size_t tlen = keylen;
        if (type->type == JSON_STRING) {
            static const char *const map[][2] = {{"hook", "hooks"},
                                                 {"wrapper", "wrappers"},
                                                 {"setting", "settings"},
                                                 {"utility", "utilities"}};
            for (size_t i = 0; i < 4; i++)
                if (keylen == strlen(map[i][0]) && memcmp(key, map[i][0], keylen) == 0) {
                    key = map[i][1];
                    keylen = strlen(key);
                }
        }
        bool group = !inherited_scope && registry_has_group(reg, scope, key, keylen);
        bool found = group || is_inherited(key, keylen) ||
                     (!inherited_scope && registry_find(reg, scope, NULL, 0, key, keylen));
        if (!found) {
            char *msg = arena_alloc(a, tlen + 64);
            if (!msg)
                return answer_nomem(resp, a);
            memcpy(msg, STRLIT("The object "));
            memcpy(msg + 11, tstr, tlen);
            memcpy(msg + 11 + tlen, STRLIT(" doesn't exist in the module."));
            return answer_message_first(resp, a, 422, msg, tlen + 40, "object_not_found");
        }
        if (group)
            fn = registry_find(reg, scope, key, keylen, fname->u.str, fname->len);
    } else if (!inherited_scope) {
        fn = registry_find(reg, scope, NULL, 0, fname->u.str, fname->len);
    }
    if (!fn)
        return answer_message_first(resp, a, 422, MSG_INCORRECT_FUNCTION,
                                    sizeof(MSG_INCORRECT_FUNCTION) - 1, "invalid_function");

    /* The export dates become Dates (new Date(x)); a conversion that throws is reported like a
     * function error whose code is undefined. */
    if (options->type == JSON_OBJECT) {
        int rc = date_field(a, options, "lastExportDateTime");
        if (rc == 0)
            rc = date_field(a, options, "currentExportDateTime");
        if (rc == ERR_TYPE)
            return answer_message_first(resp, a, 422, JSVAL_TYPE_ERROR_MESSAGE,
                                        strlen(JSVAL_TYPE_ERROR_MESSAGE), NULL);
        if (rc != 0)
            return answer_nomem(resp, a);
    }

    struct sdk_call call = {.reg = reg,
                            .fn = fn,
                            .arena = a,
                            .options = options,
                            .connector_id = scope > 0 ? reg->scopes[scope] : NULL,
                            .log = &resp->log};
    hs_status st = sdk_invoke(&call);
    if (st != HS_OK) {
        if (call.fail_code)
            return answer_message_first(resp, a, 422, call.fail_message, strlen(call.fail_message),
                                        call.fail_code);
        if (call.error_name)
            return answer_message_first(resp, a, 500, call.error_message,
                                        strlen(call.error_message), call.error_name);
        char m[512];
        int n = snprintf(
            m, sizeof(m), "The function %s failed with %s%s%s without giving a reason.", fn->name,
            hs_status_name(st), call.where ? " at " : "", call.where ? call.where : "");
        if (n >= (int)sizeof(m))
            n = (int)sizeof(m) - 1;
        return answer_message_first(resp, a, 500, m, (size_t)(n > 0 ? n : 0), "internal_error");
    }

    /* Plain JSON only (no Date, no own "hasOwnProperty", not too deep); the size in UTF-16
     * units comes with the text. */
    size_t size = 0;
    resp->body.len = 0;
    if (call.result) {
        int rc = json_write(&resp->body, call.result, JSON_WRITE_REJECT_HASOWNPROPERTY, &size);
        if (rc == ERR_UNSERIALIZABLE)
            return answer_message_first(resp, a, 422, MSG_NOT_SERIALIZABLE,
                                        sizeof(MSG_NOT_SERIALIZABLE) - 1,
                                        "invalid_extension_response");
        if (rc != 0)
            return answer_nomem(resp, a);
    }
    char kmsg[512];
    if (kind_check(fn->kind, fn->name, options, call.result, kmsg, sizeof(kmsg)) != 0)
        return answer_message_first(resp, a, 422, kmsg, strlen(kmsg), "invalid_hook_result");

    const char *limit_text = NULL;
    size_t limit_len = 0;
    double def =
        cfg->default_max_response > 0 ? cfg->default_max_response : PROTO_DEFAULT_MAX_RESPONSE;
    int ex = size_exceeded(a, field(body, "maxResponseSize"), def, size, &limit_text, &limit_len);
    if (ex == ERR_TYPE)
        return answer_type_error(resp, a);
    if (ex < 0)
        return answer_nomem(resp, a);
    if (ex == 1) {
        char *msg = arena_alloc(a, limit_len + 64);
        if (!msg)
            return answer_nomem(resp, a);
        int n = snprintf(msg, limit_len + 64, "response stream exceeded limit of ");
        memcpy(msg + n, limit_text, limit_len);
        memcpy(msg + n + limit_len, STRLIT(" bytes."));
        return answer_message_first(resp, a, 422, msg, (size_t)n + limit_len + 7,
                                    "response_size_exceeded");
    }
    resp->status = 200;
    resp->content_type = PROTO_JSON_TYPE;
    return 0;
}

/* ---- shared with proto_step.c (proto_internal.h) ------------------------------------------- */

int proto_answer_code_first(struct proto_response *resp, struct arena *a, int status,
                            const char *code, const char *msg, size_t msglen)
{
    return answer_code_first(resp, a, status, code, msg, msglen);
}

int proto_answer_nomem(struct proto_response *resp, struct arena *a)
{
    return answer_nomem(resp, a);
}
