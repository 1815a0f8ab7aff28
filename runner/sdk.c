/* sdk.c — the runner side of the hook API (include/hookstack.h): the hs_api table, the invocation
 * context (arena, options, ids, settings, log, failure record), the JSON
 * calls on hs_json, and the per-record / page-level helpers that walk a page and assemble the
 * kind's answer.
 *
 * Outbound HTTP (http_request, integrator_request, the http_* calls) lives in sdk_http.c, the
 * log's secret redaction in sdk_redact.c, money in sdk_decimal.c and sdk_currency.c, dates in
 * sdk_date.c and sdk_tz.c; they share the context through sdk_internal.h. Branching functions may
 * route by name (page_route_named, names from settings.branches); each routing call is also noted
 * in call->routes for the HTTP-step answer (proto_step.c).
 *
 * Everything a hook makes through the context comes from the invocation's arena (the request
 * arena proto.c passes in) and is released when the caller resets it. A failing API call records
 * a JavaScript-like error on the call (name + message); proto.c turns an unexplained failure into
 * a 500 with that description. */
#include "sdk.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "crash.h"
#include "jsval.h"
#include "kind.h"
#include "sdk_internal.h"

#define SDK_LOG_DEFAULT_LIMIT 65536
#define SDK_LOG_LINE_MAX      8192
#define SDK_PATH_KEY_MAX      512

#define J(v) ((struct json_value *)(v))
#define H(v) ((hs_json *)(v))

struct hs_record {
    hs_ctx *ctx;
    size_t index;
    struct json_value *data;
    struct json_value *replacement;
    bool skipped;
    struct json_value *errors; /* array, made on the first record_add_error */
};

struct hs_page {
    hs_ctx *ctx;
    struct json_value *data;   /* preSavePage: the data array; branching: options.record */
    struct json_value *errors; /* preSavePage */
    bool abort;
    struct json_value *retry;  /* preSavePage: newErrorsAndRetryData */
    struct json_value *routes; /* branching: the indices answered under POST /function */
    struct json_value *named;  /* branching: {index?, name?, reason} per routing call */
};

/* ---- errors recorded on the context --------------------------------------------------------- */

static void ctx_error(hs_ctx *ctx, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *s = arena_alloc(a, (size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return s;
}

static void ctx_error(hs_ctx *ctx, const char *name, const char *fmt, ...)
{
    if (!ctx)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = arena_vprintf(ctx->a, fmt, ap);
    va_end(ap);
    ctx->call->error_name = name;
    ctx->call->error_message = msg ? msg : "out of memory";
}

static void ctx_nomem(hs_ctx *ctx)
{
    if (ctx) {
        ctx->call->error_name = "RangeError";
        ctx->call->error_message = "Out of memory: the invocation's memory limit was reached";
        sdk_ctx_keep_last(ctx, HS_ERR_NOMEM);
    }
}

void sdk_ctx_nomem(hs_ctx *ctx)
{
    ctx_nomem(ctx);
}

void sdk_ctx_keep(hs_ctx *ctx, hs_status st, const char *name, const char *msg)
{
    if (!ctx || ctx->kept != HS_OK || st == HS_OK)
        return;
    ctx->kept = st;
    ctx->kept_name = name ? name : "Error";
    ctx->kept_message = msg ? msg : "";
}

void sdk_ctx_keep_last(hs_ctx *ctx, hs_status st)
{
    if (ctx)
        sdk_ctx_keep(ctx, st, ctx->call->error_name, ctx->call->error_message);
}

/* Records a failure's description and keeps it as the context's error. */
static void ctx_fault(hs_ctx *ctx, hs_status st, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void ctx_fault(hs_ctx *ctx, hs_status st, const char *name, const char *fmt, ...)
{
    if (!ctx)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = arena_vprintf(ctx->a, fmt, ap);
    va_end(ap);
    sdk_ctx_error_set(ctx, name, msg);
    sdk_ctx_keep_last(ctx, st);
}

void sdk_ctx_error_set(hs_ctx *ctx, const char *name, const char *msg)
{
    if (ctx) {
        ctx->call->error_name = name;
        ctx->call->error_message = msg ? msg : "out of memory";
    }
}

void sdk_ctx_errorf(hs_ctx *ctx, const char *name, const char *fmt, ...)
{
    if (!ctx)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = arena_vprintf(ctx->a, fmt, ap);
    va_end(ap);
    sdk_ctx_error_set(ctx, name, msg);
}

static const char *ctx_last_error(const hs_ctx *ctx, const char **name)
{
    const char *n = ctx ? ctx->call->error_name : NULL;
    if (name)
        *name = n;
    return n ? ctx->call->error_message : NULL;
}

/* The context's error: its status, and its description made the one answered. */
static hs_status ctx_error_kept(const hs_ctx *ctx)
{
    if (!ctx || ctx->kept == HS_OK)
        return HS_OK;
    ctx->call->error_name = ctx->kept_name;
    ctx->call->error_message = ctx->kept_message;
    return ctx->kept;
}

static const char *status_name(hs_status st)
{
    return hs_status_name(st);
}

/* ---- context -------------------------------------------------------------------------------- */

static const char *ctx_function(const hs_ctx *ctx)
{
    return ctx->fn->name;
}

static hs_kind ctx_kind(const hs_ctx *ctx)
{
    return ctx->fn->kind;
}

static const char *ctx_connector_id(const hs_ctx *ctx)
{
    return ctx->call->connector_id;
}

static hs_json *ctx_options(const hs_ctx *ctx)
{
    return H(ctx->call->options);
}

static const struct json_value *obj_get(const struct json_value *o, const char *key)
{
    if (!o || o->type != JSON_OBJECT || !key)
        return NULL;
    return json_object_get(o, key, strlen(key));
}

static const char *ctx_id(const hs_ctx *ctx, const char *name)
{
    const struct json_value *v = obj_get(ctx->call->options, name);
    if (v && v->type == JSON_STRING)
        return v->u.str;
    if (ctx->fn->kind == HS_KIND_WRAPPER && name && strcmp(name, "_connectionId") == 0) {
        v = obj_get(obj_get(ctx->call->options, "connection"), "_id");
        if (v && v->type == JSON_STRING)
            return v->u.str;
    }
    return NULL;
}

static int ctx_test_mode(const hs_ctx *ctx)
{
    const struct json_value *v = obj_get(ctx->call->options, "testMode");
    return v && json_truthy(v) ? 1 : 0;
}

static void *ctx_module_state(const hs_ctx *ctx)
{
    return ctx->module ? ctx->module->state : NULL;
}

/* ---- dotted paths --------------------------------------------------------------------------- */

struct path_step {
    bool is_index;
    size_t index;
    const char *key;
    size_t key_len;
};

/* Reads the next step of *pp into st (quoted keys unescaped into buf). Returns 1 for a step, 0 at
 * the end, -1 on a syntax error. */
static int path_next(const char **pp, bool first, struct path_step *st, char *buf, size_t bufsz)
{
    const char *p = *pp;
    if (*p == '\0')
        return 0;
    if (!first && *p == '.')
        p++;
    else if (!first && *p != '[')
        return -1;
    if (*p == '[') {
        p++;
        if (*p == '"') {
            size_t n = 0;
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    p++;
                if (n + 1 >= bufsz)
                    return -1;
                buf[n++] = *p++;
            }
            if (*p != '"' || p[1] != ']')
                return -1;
            buf[n] = '\0';
            st->is_index = false;
            st->key = buf;
            st->key_len = n;
            *pp = p + 2;
            return 1;
        }
        if (*p < '0' || *p > '9')
            return -1;
        size_t idx = 0;
        while (*p >= '0' && *p <= '9') {
            if (idx > (SIZE_MAX - 9) / 10)
                return -1;
            idx = idx * 10 + (size_t)(*p++ - '0');
        }
        if (*p != ']')
            return -1;
        st->is_index = true;
        st->index = idx;
        *pp = p + 1;
        return 1;
    }
    const char *k = p;
    while (*p && *p != '.' && *p != '[')
        p++;
    if (p == k)
        return -1;
    st->is_index = false;
    st->key = k;
    st->key_len = (size_t)(p - k);
    *pp = p;
    return 1;
}

static struct json_value *step_get(const struct json_value *v, const struct path_step *st)
{
    if (!v)
        return NULL;
    if (st->is_index)
        return v->type == JSON_ARRAY ? json_array_get(v, st->index) : NULL;
    return v->type == JSON_OBJECT ? json_object_get(v, st->key, st->key_len) : NULL;
}

static hs_json *json_path(const hs_json *root, const char *path)
{
    if (!root || !path)
        return NULL;
    struct json_value *v = J(root);
    char buf[SDK_PATH_KEY_MAX];
    struct path_step st;
    const char *p = path;
    int r;
    for (bool first = true; (r = path_next(&p, first, &st, buf, sizeof(buf))) == 1; first = false) {
        v = step_get(v, &st);
        if (!v)
            return NULL;
    }
    return r == 0 ? H(v) : NULL;
}

/* Sets parent[st] = v (object key or array index <= length). */
static hs_status step_set(hs_ctx *ctx, struct json_value *parent, const struct path_step *st,
                          struct json_value *v)
{
    if (st->is_index) {
        if (parent->type != JSON_ARRAY)
            return HS_ERR_TYPE;
        if (st->index < parent->len) {
            parent->u.items[st->index] = v;
            return HS_OK;
        }
        if (st->index > parent->len)
            return HS_ERR_RANGE;
        return json_array_push(ctx->a, parent, v) == 0 ? HS_OK : HS_ERR_NOMEM;
    }
    if (parent->type != JSON_OBJECT)
        return HS_ERR_TYPE;
    return json_object_set(ctx->a, parent, st->key, st->key_len, v) == 0 ? HS_OK : HS_ERR_NOMEM;
}

static hs_status path_set(hs_ctx *ctx, hs_json *root, const char *path, hs_json *v)
{
    char buf[2][SDK_PATH_KEY_MAX];
    struct path_step cur, next;
    const char *p = path;
    int r = path_next(&p, true, &cur, buf[0], sizeof(buf[0]));
    if (r != 1) {
        ctx_error(ctx, "SyntaxError", "invalid path \"%s\"", path);
        return HS_ERR_INVALID;
    }
    struct json_value *node = J(root);
    for (int b = 1;; b ^= 1) {
        r = path_next(&p, false, &next, buf[b], sizeof(buf[b]));
        if (r < 0) {
            ctx_error(ctx, "SyntaxError", "invalid path \"%s\"", path);
            return HS_ERR_INVALID;
        }
        if (r == 0) {
            hs_status st = step_set(ctx, node, &cur, J(v));
            if (st == HS_ERR_TYPE)
                ctx_error(ctx, "TypeError", "Cannot set \"%s\": a step is not an %s", path,
                          cur.is_index ? "array" : "object");
            else if (st == HS_ERR_RANGE)
                ctx_error(ctx, "RangeError", "Cannot set \"%s\": index past the array's end", path);
            return st;
        }
        struct json_value *child = step_get(node, &cur);
        if (!child) {
            child = next.is_index ? json_new_array(ctx->a) : json_new_object(ctx->a);
            if (!child)
                return HS_ERR_NOMEM;
            hs_status st = step_set(ctx, node, &cur, child);
            if (st != HS_OK) {
                if (st == HS_ERR_TYPE || st == HS_ERR_RANGE)
                    ctx_error(ctx, "TypeError", "Cannot set \"%s\": a step does not fit the value",
                              path);
                return st;
            }
        }
        node = child;
        /* cur's key may live in buf[b ^ 1]; next (in buf[b]) becomes cur, and the following step
         * is read into buf[b ^ 1]. */
        cur = next;
    }
}

static hs_status set_missing(hs_ctx *ctx, const char *call, const char *key, const char *what);

static hs_status json_path_set(hs_ctx *ctx, hs_json *root, const char *path, hs_json *v)
{
    if (!ctx)
        return HS_ERR_INVALID;
    if (!root || !path || !v)
        return set_missing(ctx, "json_path_set", path, root ? "value" : "root");
    hs_status st = path_set(ctx, root, path, v);
    if (st == HS_ERR_NOMEM)
        ctx_nomem(ctx);
    else if (st != HS_OK)
        sdk_ctx_keep_last(ctx, st);
    return st;
}

static hs_status json_path_delete(hs_ctx *ctx, hs_json *root, const char *path)
{
    if (!ctx || !root || !path)
        return HS_ERR_INVALID;
    char buf[2][SDK_PATH_KEY_MAX];
    struct path_step cur, next;
    const char *p = path;
    if (path_next(&p, true, &cur, buf[0], sizeof(buf[0])) != 1)
        return HS_ERR_INVALID;
    struct json_value *node = J(root);
    for (int b = 1;; b ^= 1) {
        int r = path_next(&p, false, &next, buf[b], sizeof(buf[b]));
        if (r < 0)
            return HS_ERR_INVALID;
        if (r == 0)
            break;
        node = step_get(node, &cur);
        if (!node)
            return HS_ERR_NOT_FOUND;
        cur = next;
    }
    if (cur.is_index) {
        if (node->type != JSON_ARRAY)
            return HS_ERR_TYPE;
        if (cur.index >= node->len)
            return HS_ERR_NOT_FOUND;
        memmove(&node->u.items[cur.index], &node->u.items[cur.index + 1],
                (node->len - cur.index - 1) * sizeof(node->u.items[0]));
        node->len--;
        return HS_OK;
    }
    if (node->type != JSON_OBJECT)
        return HS_ERR_TYPE;
    return json_object_delete(node, cur.key, cur.key_len) == 0 ? HS_OK : HS_ERR_NOT_FOUND;
}

/* ---- settings ------------------------------------------------------------------------------- */

hs_json *sdk_setting(const hs_ctx *ctx, const char *path)
{
    const struct json_value *s = obj_get(ctx->call->options, "settings");
    if (!s)
        return NULL;
    if (!path || !path[0])
        return H(s);
    return json_path(H(s), path);
}

/* The typed readers (setting_string, ...) are in sdk_coerce.c. */

/* ---- failing -------------------------------------------------------------------------------- */

static hs_status fail(hs_ctx *ctx, const char *code, const char *fmt, ...)
{
    if (!ctx)
        return HS_ERR_FAILED;
    va_list ap;
    va_start(ap, fmt);
    char *msg = fmt ? arena_vprintf(ctx->a, fmt, ap) : NULL;
    va_end(ap);
    const char *c = code ? arena_strndup(ctx->a, code, strlen(code)) : "Error";
    ctx->call->fail_code = c ? c : "Error";
    ctx->call->fail_message = msg ? msg : (fmt ? "out of memory" : "");
    return HS_ERR_FAILED;
}

/* ---- logging -------------------------------------------------------------------------------- */

static void log_append(hs_ctx *ctx, const char *s, size_t n)
{
    struct json_buf *out = ctx->call->log;
    size_t limit = ctx->call->log_limit ? ctx->call->log_limit : SDK_LOG_DEFAULT_LIMIT;
    if (ctx->log_full)
        return;
    if (out->len + n > limit) {
        static const char note[] = "warn log truncated: this invocation's log limit was reached\n";
        json_buf_append(out, note, sizeof(note) - 1);
        ctx->log_full = true;
        return;
    }
    json_buf_append(out, s, n);
}

/* Writes "<level> <text>\n" with secrets replaced and line breaks escaped. */
static void log_text(hs_ctx *ctx, hs_log_level level, const char *text, size_t len)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    if (!ctx->call->log)
        return;
    sdk_secrets_collect(ctx);
    char line[SDK_LOG_LINE_MAX + 64];
    size_t o = 0;
    const char *lv = names[(unsigned)level < 4 ? level : 1];
    o += (size_t)snprintf(line, sizeof(line), "%s ", lv);
    for (size_t i = 0; i < len && o < SDK_LOG_LINE_MAX;) {
        size_t hit = sdk_secret_at(ctx, text + i, len - i);
        if (hit) {
            memcpy(line + o, "[redacted]", 10);
            o += 10;
            i += hit;
            continue;
        }
        char c = text[i++];
        if (c == '\n' || c == '\r') {
            line[o++] = '\\';
            line[o++] = c == '\n' ? 'n' : 'r';
        } else {
            line[o++] = c;
        }
    }
    line[o++] = '\n';
    log_append(ctx, line, o);
}

void sdk_ctx_log(hs_ctx *ctx, hs_log_level level, const char *text, size_t len)
{
    if (ctx && text)
        log_text(ctx, level, text, len);
}

static void log_fmt(hs_ctx *ctx, hs_log_level level, const char *fmt, ...)
{
    if (!ctx || !fmt)
        return;
    va_list ap;
    va_start(ap, fmt);
    char buf[SDK_LOG_LINE_MAX];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    log_text(ctx, level, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static void log_json(hs_ctx *ctx, hs_log_level level, const char *label, const hs_json *v)
{
    if (!ctx || !ctx->call->log)
        return;
    struct json_value *c = v ? sdk_redacted_copy(ctx, J(v)) : NULL;
    struct json_buf b;
    json_buf_init(&b, SDK_LOG_LINE_MAX);
    if (label) {
        json_buf_append(&b, label, strlen(label));
        json_buf_append(&b, " ", 1);
    }
    if (!v)
        json_buf_append(&b, "undefined", 9);
    else if (!c || json_write(&b, c, 0, NULL) != 0)
        json_buf_append(&b, "(not printable)", 15);
    log_text(ctx, level, b.data ? b.data : "", b.len);
    json_buf_free(&b);
}

/* ---- memory --------------------------------------------------------------------------------- */

static void *sdk_alloc(hs_ctx *ctx, size_t size)
{
    void *p = ctx ? arena_calloc(ctx->a, 1, size ? size : 1) : NULL;
    if (!p)
        ctx_nomem(ctx);
    return p;
}

static char *sdk_strdup(hs_ctx *ctx, const char *s)
{
    if (!ctx || !s)
        return NULL;
    char *p = arena_strndup(ctx->a, s, strlen(s));
    if (!p)
        ctx_nomem(ctx);
    return p;
}

static char *sdk_sprintf(hs_ctx *ctx, const char *fmt, ...)
{
    if (!ctx || !fmt)
        return NULL;
    va_list ap;
    va_start(ap, fmt);
    char *s = arena_vprintf(ctx->a, fmt, ap);
    va_end(ap);
    if (!s)
        ctx_nomem(ctx);
    return s;
}

static hs_status on_cleanup(hs_ctx *ctx, void (*fn)(void *arg), void *arg)
{
    if (!ctx || !fn)
        return HS_ERR_INVALID;
    return arena_on_cleanup(ctx->a, fn, arg) == 0 ? HS_OK : HS_ERR_NOMEM;
}

/* ---- reading JSON --------------------------------------------------------------------------- */

static hs_json_type json_type(const hs_json *hv)
{
    const struct json_value *v = J(hv);
    if (!v)
        return HS_JSON_ABSENT;
    switch (v->type) {
    case JSON_NULL:
        return HS_JSON_NULL;
    case JSON_FALSE:
    case JSON_TRUE:
        return HS_JSON_BOOL;
    case JSON_NUMBER:
        return HS_JSON_NUMBER;
    case JSON_STRING:
        return HS_JSON_STRING;
    case JSON_ARRAY:
        return HS_JSON_ARRAY;
    case JSON_OBJECT:
        return HS_JSON_OBJECT;
    case JSON_DATE:
        return HS_JSON_DATE;
    default:
        return HS_JSON_ABSENT;
    }
}

static int sdk_json_truthy(const hs_json *v)
{
    return v && json_truthy(J(v)) ? 1 : 0;
}

static int json_bool(const hs_json *hv, int def)
{
    const struct json_value *v = J(hv);
    if (v && v->type == JSON_TRUE)
        return 1;
    if (v && v->type == JSON_FALSE)
        return 0;
    return def;
}

static double json_number(const hs_json *hv, double def)
{
    const struct json_value *v = J(hv);
    return v && v->type == JSON_NUMBER ? v->u.num : def;
}

static const char *json_string(hs_ctx *ctx, const hs_json *hv, size_t *len, const char *def)
{
    const struct json_value *v = J(hv);
    if (v && v->type == JSON_STRING) {
        if (len)
            *len = v->len;
        return v->u.str;
    }
    if (v && v->type == JSON_DATE && ctx) {
        char iso[JSVAL_ISO_MAX];
        size_t n = jsval_date_iso(v->u.num, iso);
        char *s = n ? arena_strndup(ctx->a, iso, n) : NULL;
        if (s) {
            if (len)
                *len = n;
            return s;
        }
    }
    if (len)
        *len = def ? strlen(def) : 0;
    return def;
}

static size_t sdk_json_len(const hs_json *v)
{
    return v ? json_len(J(v)) : 0;
}

static hs_json *json_at(const hs_json *arr, size_t i)
{
    const struct json_value *v = J(arr);
    return v && v->type == JSON_ARRAY ? H(json_array_get(v, i)) : NULL;
}

static hs_json *json_getn(const hs_json *obj, const char *key, size_t key_len)
{
    const struct json_value *v = J(obj);
    if (!v || v->type != JSON_OBJECT || !key)
        return NULL;
    return H(json_object_get(v, key, key_len));
}

static hs_json *json_get(const hs_json *obj, const char *key)
{
    return key ? json_getn(obj, key, strlen(key)) : NULL;
}

static const char *json_key_at(const hs_json *obj, size_t i, size_t *len)
{
    const struct json_value *v = J(obj);
    if (!v || v->type != JSON_OBJECT || i >= v->len)
        return NULL;
    if (len)
        *len = v->u.members[i].key_len;
    return v->u.members[i].key;
}

static hs_json *json_value_at(const hs_json *obj, size_t i)
{
    const struct json_value *v = J(obj);
    if (!v || v->type != JSON_OBJECT || i >= v->len)
        return NULL;
    return H(v->u.members[i].value);
}

static int sdk_json_equal(const hs_json *a, const hs_json *b)
{
    if (!a || !b)
        return a == b;
    return json_equal(J(a), J(b)) ? 1 : 0;
}

/* ---- making JSON ---------------------------------------------------------------------------- */

static hs_json *made(hs_ctx *ctx, struct json_value *v)
{
    if (!v)
        ctx_nomem(ctx);
    return H(v);
}

hs_json *sdk_json_made(hs_ctx *ctx, struct json_value *v)
{
    return made(ctx, v);
}

static hs_json *new_null(hs_ctx *ctx)
{
    return ctx ? made(ctx, json_new_null(ctx->a)) : NULL;
}

static hs_json *new_bool(hs_ctx *ctx, int b)
{
    return ctx ? made(ctx, json_new_bool(ctx->a, b != 0)) : NULL;
}

static hs_json *new_number(hs_ctx *ctx, double d)
{
    return ctx ? made(ctx, json_new_number(ctx->a, d)) : NULL;
}

static hs_json *new_stringn(hs_ctx *ctx, const char *s, size_t len)
{
    return ctx && s ? made(ctx, json_new_string(ctx->a, s, len)) : NULL;
}

static hs_json *new_string(hs_ctx *ctx, const char *s)
{
    return s ? new_stringn(ctx, s, strlen(s)) : NULL;
}

static hs_json *new_array(hs_ctx *ctx)
{
    return ctx ? made(ctx, json_new_array(ctx->a)) : NULL;
}

static hs_json *new_object(hs_ctx *ctx)
{
    return ctx ? made(ctx, json_new_object(ctx->a)) : NULL;
}

static hs_json *new_date(hs_ctx *ctx, double ms)
{
    return ctx ? made(ctx, json_new_date(ctx->a, jsval_time_clip(ms))) : NULL;
}

static hs_json *sdk_json_clone(hs_ctx *ctx, const hs_json *v)
{
    return ctx && v ? made(ctx, json_clone(ctx->a, J(v))) : NULL;
}

/* ---- changing JSON -------------------------------------------------------------------------- */

/* Records the TypeError JavaScript throws for `target[key] = ...` in strict mode, and keeps it
 * as the context's error. */
static hs_status set_type_error(hs_ctx *ctx, const struct json_value *t, const char *key)
{
    const char *k = key ? key : "";
    if (!t) {
        ctx_error(ctx, "TypeError", "Cannot set properties of undefined (setting '%s')", k);
    } else {
        switch (t->type) {
        case JSON_NULL:
            ctx_error(ctx, "TypeError", "Cannot set properties of null (setting '%s')", k);
            break;
        case JSON_STRING:
            ctx_error(ctx, "TypeError", "Cannot create property '%s' on string '%.200s'", k,
                      t->u.str);
            break;
        case JSON_NUMBER: {
            char num[JSON_NUMBER_MAX];
            json_number_format(t->u.num, num);
            ctx_error(ctx, "TypeError", "Cannot create property '%s' on number '%s'", k, num);
            break;
        }
        case JSON_TRUE:
        case JSON_FALSE:
            ctx_error(ctx, "TypeError", "Cannot create property '%s' on boolean '%s'", k,
                      t->type == JSON_TRUE ? "true" : "false");
            break;
        default:
            ctx_error(ctx, "TypeError", "Cannot set key '%s': the value is an %s, not an object", k,
                      t->type == JSON_ARRAY ? "array" : "a Date");
            break;
        }
    }
    sdk_ctx_keep_last(ctx, HS_ERR_TYPE);
    return HS_ERR_TYPE;
}

/* A building call given NULL for its key, value or text: HS_ERR_INVALID, kept as the context's
 * error (unless one is kept already: the call that made the value failed) without replacing the
 * last recorded description. */
static hs_status set_missing(hs_ctx *ctx, const char *call, const char *key, const char *what)
{
    if (ctx && ctx->kept == HS_OK) {
        const char *m =
            key ? arena_printf(ctx->a,
                               "%s: cannot set '%.200s': the %s is NULL (absent, or the "
                               "call that made it failed)",
                               call, key, what)
                : arena_printf(ctx->a, "%s: the key is NULL", call);
        sdk_ctx_keep(ctx, HS_ERR_INVALID, "TypeError", m ? m : "out of memory");
    }
    return HS_ERR_INVALID;
}

static bool is_object(const hs_json *v)
{
    return v && J(v)->type == JSON_OBJECT;
}

static hs_status json_set(hs_ctx *ctx, hs_json *obj, const char *key, hs_json *v)
{
    if (!ctx)
        return HS_ERR_INVALID;
    if (!key || !v)
        return set_missing(ctx, "json_set", key, "value");
    if (!is_object(obj))
        return set_type_error(ctx, J(obj), key);
    if (json_object_set(ctx->a, J(obj), key, strlen(key), J(v)) != 0) {
        ctx_nomem(ctx);
        return HS_ERR_NOMEM;
    }
    return HS_OK;
}

hs_status sdk_json_set(hs_ctx *ctx, hs_json *obj, const char *key, hs_json *v)
{
    return json_set(ctx, obj, key, v);
}

static hs_status json_set_string(hs_ctx *ctx, hs_json *obj, const char *key, const char *s)
{
    if (!ctx)
        return HS_ERR_INVALID;
    if (!s)
        return set_missing(ctx, "json_set_string", key, "string");
    if (!is_object(obj))
        return set_type_error(ctx, J(obj), key);
    hs_json *v = new_string(ctx, s);
    return v ? json_set(ctx, obj, key, v) : HS_ERR_NOMEM;
}

static hs_status json_set_number(hs_ctx *ctx, hs_json *obj, const char *key, double d)
{
    if (!ctx)
        return HS_ERR_INVALID;
    if (!is_object(obj))
        return set_type_error(ctx, J(obj), key);
    hs_json *v = new_number(ctx, d);
    return v ? json_set(ctx, obj, key, v) : HS_ERR_NOMEM;
}

static hs_status json_set_bool(hs_ctx *ctx, hs_json *obj, const char *key, int b)
{
    if (!ctx)
        return HS_ERR_INVALID;
    if (!is_object(obj))
        return set_type_error(ctx, J(obj), key);
    hs_json *v = new_bool(ctx, b);
    return v ? json_set(ctx, obj, key, v) : HS_ERR_NOMEM;
}

static hs_status json_set_if_present(hs_ctx *ctx, hs_json *obj, const char *key, hs_json *v)
{
    if (!ctx)
        return HS_ERR_INVALID;
    if (!key)
        return set_missing(ctx, "json_set_if_present", NULL, "key");
    if (!is_object(obj))
        return set_type_error(ctx, J(obj), key);
    if (!v || J(v)->type == JSON_NULL)
        return HS_OK;
    return json_set(ctx, obj, key, v);
}

static hs_status json_set_string_if_present(hs_ctx *ctx, hs_json *obj, const char *key,
                                            const char *s)
{
    if (!ctx)
        return HS_ERR_INVALID;
    if (!key)
        return set_missing(ctx, "json_set_string_if_present", NULL, "key");
    if (!is_object(obj))
        return set_type_error(ctx, J(obj), key);
    return s ? json_set_string(ctx, obj, key, s) : HS_OK;
}

static hs_status json_delete(hs_ctx *ctx, hs_json *obj, const char *key)
{
    struct json_value *o = J(obj);
    if (!key)
        return HS_ERR_INVALID;
    if (!o || o->type != JSON_OBJECT) {
        if (ctx)
            ctx_error(ctx, "TypeError", "Cannot delete key '%s': the value is not an object", key);
        return HS_ERR_TYPE;
    }
    return json_object_delete(o, key, strlen(key)) == 0 ? HS_OK : HS_ERR_NOT_FOUND;
}

static hs_status json_push(hs_ctx *ctx, hs_json *arr, hs_json *v)
{
    if (!ctx)
        return HS_ERR_INVALID;
    if (!v) {
        if (ctx->kept == HS_OK)
            sdk_ctx_keep(ctx, HS_ERR_INVALID, "TypeError",
                         "json_push: the value is NULL (absent, or the call that made it failed)");
        return HS_ERR_INVALID;
    }
    struct json_value *a = J(arr);
    if (!a || a->type != JSON_ARRAY) {
        ctx_fault(ctx, HS_ERR_TYPE, "TypeError", "Cannot push: the value is not an array");
        return HS_ERR_TYPE;
    }
    if (json_array_push(ctx->a, a, J(v)) != 0) {
        ctx_nomem(ctx);
        return HS_ERR_NOMEM;
    }
    return HS_OK;
}

/* ---- text ----------------------------------------------------------------------------------- */

static hs_status sdk_json_parse(hs_ctx *ctx, const char *text, size_t len, hs_json **out)
{
    if (!ctx || !text || !out)
        return HS_ERR_INVALID;
    struct json_parse_opts o = {.require_container = false, .decode_utf8 = true, .max_depth = 0};
    struct json_error e;
    memset(&e, 0, sizeof(e));
    struct json_value *v = json_parse(ctx->a, text, len, &o, &e);
    if (!v) {
        ctx_error(ctx, "SyntaxError", "%s at line %u column %u", e.message, (unsigned)e.line,
                  (unsigned)e.column);
        *out = NULL;
        return HS_ERR_PARSE;
    }
    *out = H(v);
    return HS_OK;
}

static const char *sdk_json_print(hs_ctx *ctx, const hs_json *v, size_t *len)
{
    if (!ctx || !v)
        return NULL;
    struct json_buf b;
    json_buf_init(&b, 0);
    int rc = json_write(&b, J(v), 0, NULL);
    char *s = NULL;
    if (rc == 0) {
        s = arena_strndup(ctx->a, b.data ? b.data : "", b.len);
        if (s && len)
            *len = b.len;
        if (!s)
            ctx_nomem(ctx);
    } else if (rc == JSON_E_NOT_SERIALIZABLE) {
        ctx_error(ctx, "TypeError", "the value holds a Date or is nested too deep");
    } else {
        ctx_nomem(ctx);
    }
    json_buf_free(&b);
    return s;
}

static size_t sdk_number_format(double d, char out[HS_NUMBER_MAX])
{
    char buf[JSON_NUMBER_MAX];
    size_t n = json_number_format(d, buf);
    if (n >= HS_NUMBER_MAX)
        n = HS_NUMBER_MAX - 1;
    memcpy(out, buf, n);
    out[n] = '\0';
    return n;
}

/* ---- dates ---------------------------------------------------------------------------------- */

static hs_status json_date_ms(const hs_json *hv, double *ms)
{
    const struct json_value *v = J(hv);
    if (!v || v->type != JSON_DATE || !ms)
        return HS_ERR_TYPE;
    *ms = v->u.num;
    return HS_OK;
}

static hs_status json_date_iso(hs_ctx *ctx, const hs_json *hv, const char **iso)
{
    const struct json_value *v = J(hv);
    if (!ctx || !iso)
        return HS_ERR_INVALID;
    *iso = NULL;
    if (!v || v->type != JSON_DATE) {
        ctx_error(ctx, "TypeError", "toISOString: the value is not a Date");
        return HS_ERR_TYPE;
    }
    char buf[JSVAL_ISO_MAX];
    size_t n = jsval_date_iso(v->u.num, buf);
    if (n == 0) {
        ctx_error(ctx, "RangeError", "Invalid time value");
        return HS_ERR_RANGE;
    }
    char *s = arena_strndup(ctx->a, buf, n);
    if (!s) {
        ctx_nomem(ctx);
        return HS_ERR_NOMEM;
    }
    *iso = s;
    return HS_OK;
}

static hs_json *new_date_parse(hs_ctx *ctx, const char *text)
{
    if (!ctx || !text)
        return NULL;
    return made(ctx, json_new_date(ctx->a, jsval_date_parse(text, strlen(text))));
}

/* ---- per-record errors ---------------------------------------------------------------------- */

static hs_json *error_new(hs_ctx *ctx, const char *code, const char *message, const char *source)
{
    if (!ctx)
        return NULL;
    hs_json *e = new_object(ctx);
    if (!e)
        return NULL;
    if (json_set_string(ctx, e, "code", code ? code : "Error") != HS_OK ||
        json_set_string(ctx, e, "message", message ? message : "") != HS_OK ||
        (source && json_set_string(ctx, e, "source", source) != HS_OK))
        return NULL;
    return e;
}

/* ---- per-record helpers --------------------------------------------------------------------- */

static hs_json *record_data(hs_record *rec)
{
    return rec ? H(rec->data) : NULL;
}

static size_t record_index(const hs_record *rec)
{
    return rec ? rec->index : 0;
}

static hs_json *record_sibling(hs_record *rec, const char *array_name)
{
    if (!rec || !array_name)
        return NULL;
    const struct json_value *arr = obj_get(rec->ctx->call->options, array_name);
    return arr && arr->type == JSON_ARRAY ? H(json_array_get(arr, rec->index)) : NULL;
}

static hs_status record_replace(hs_record *rec, hs_json *v)
{
    if (!rec || !v)
        return HS_ERR_INVALID;
    rec->replacement = J(v);
    rec->skipped = false;
    return HS_OK;
}

static hs_status record_skip(hs_record *rec)
{
    if (!rec)
        return HS_ERR_INVALID;
    hs_kind k = rec->ctx->fn->kind;
    if (k != HS_KIND_PRE_MAP && k != HS_KIND_POST_MAP)
        return HS_ERR_UNSUPPORTED;
    rec->skipped = true;
    return HS_OK;
}

static hs_status record_add_error(hs_record *rec, hs_json *err)
{
    if (!rec || !err || J(err)->type != JSON_OBJECT)
        return HS_ERR_INVALID;
    if (rec->ctx->fn->kind == HS_KIND_POST_RESPONSE_MAP)
        return HS_ERR_UNSUPPORTED;
    if (!rec->errors && !(rec->errors = json_new_array(rec->ctx->a)))
        return HS_ERR_NOMEM;
    return json_array_push(rec->ctx->a, rec->errors, J(err)) == 0 ? HS_OK : HS_ERR_NOMEM;
}

/* The answer element of one record. */
static struct json_value *record_element(hs_ctx *ctx, hs_record *rec)
{
    struct arena *a = ctx->a;
    struct json_value *val = rec->replacement ? rec->replacement : rec->data;
    switch (ctx->fn->kind) {
    case HS_KIND_PRE_MAP:
    case HS_KIND_POST_MAP: {
        struct json_value *e = json_new_object(a);
        if (!e || rec->skipped)
            return e;
        if (val && json_object_set(a, e, "data", 4, val) != 0)
            return NULL;
        if (rec->errors && json_object_set(a, e, "errors", 6, rec->errors) != 0)
            return NULL;
        return e;
    }
    case HS_KIND_POST_SUBMIT: {
        if (!val)
            val = json_new_object(a);
        if (!val || !rec->errors)
            return val;
        if (val->type != JSON_OBJECT) {
            ctx_error(ctx, "TypeError", "responseData[%zu] is not an object: cannot add errors",
                      rec->index);
            return NULL;
        }
        struct json_value *errs = json_object_get(val, "errors", 6);
        if (!errs || errs->type != JSON_ARRAY) {
            return json_object_set(a, val, "errors", 6, rec->errors) == 0 ? val : NULL;
        }
        for (uint32_t i = 0; i < rec->errors->len; i++)
            if (json_array_push(a, errs, rec->errors->u.items[i]) != 0)
                return NULL;
        return val;
    }
    default:
        return val ? val : json_new_object(a);
    }
}

/* What the function's status becomes: a failure answered like a JavaScript exception (a settings
 * read of the wrong type, text read from an object: sdk_coerce.c) fails the invocation with its
 * TypeError whatever the function returned, unless it failed with fail() itself. */
static hs_status settled(hs_ctx *ctx, hs_status st)
{
    if (!ctx->thrown || ctx->call->fail_code)
        return st;
    ctx->call->error_name = "TypeError";
    ctx->call->error_message = ctx->thrown;
    return st != HS_OK ? st : HS_ERR_TYPE;
}

/* A record's failure names the function and the record: call->where is set, and the failure's
 * message (the function's own, else the one an API call recorded) gets " (function F at
 * record 3 of 20, id 001C)". Returns st. */
static hs_status record_failed(hs_ctx *ctx, size_t i, size_t n, const struct json_value *id,
                               hs_status st)
{
    struct sdk_call *c = ctx->call;
    char where[CRASH_WHERE_MAX];
    size_t wl = crash_where_format(where, sizeof(where), i, n, id);
    c->where = arena_strndup(ctx->a, where, wl);
    const char **msg = c->fail_code ? &c->fail_message : c->error_name ? &c->error_message : NULL;
    if (msg && *msg) {
        char *m = arena_printf(ctx->a, "%s (function %s at %s)", *msg, ctx->fn->name, where);
        if (m)
            *msg = m;
    }
    return st;
}

static hs_status run_records(hs_ctx *ctx, struct json_value **result)
{
    /* kind_check_input made sure the array is there. */
    const char *key = kind_record_array(ctx->fn->kind);
    const struct json_value *arr = obj_get(ctx->call->options, key);
    size_t n = arr->len;
    struct json_value *out = json_new_array(ctx->a);
    if (!out)
        return HS_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        hs_record rec = {.ctx = ctx, .index = i, .data = arr->u.items[i]};
        const struct json_value *id = crash_record_id(rec.data);
        crash_where_record(i, n, id);
        /* An error recorded or kept at an earlier record explains nothing here. */
        ctx->call->error_name = ctx->call->error_message = NULL;
        ctx->kept = HS_OK;
        hs_status st = settled(ctx, ctx->fn->u.record(ctx, &rec));
        if (st != HS_OK)
            return record_failed(ctx, i, n, id, st);
        struct json_value *e = record_element(ctx, &rec);
        if (!e)
            return record_failed(ctx, i, n, id, ctx->call->error_name ? HS_ERR_TYPE : HS_ERR_NOMEM);
        if (json_array_push(ctx->a, out, e) != 0)
            return HS_ERR_NOMEM;
    }
    *result = out;
    return HS_OK;
}

/* ---- page-level helpers --------------------------------------------------------------------- */

static hs_json *page_data(hs_page *page)
{
    return page ? H(page->data) : NULL;
}

static hs_json *page_errors(hs_page *page)
{
    return page ? H(page->errors) : NULL;
}

static hs_status page_set_abort(hs_page *page, int abort)
{
    if (!page)
        return HS_ERR_INVALID;
    if (page->ctx->fn->kind != HS_KIND_PRE_SAVE_PAGE)
        return HS_ERR_UNSUPPORTED;
    page->abort = abort != 0;
    return HS_OK;
}

static hs_status page_add_retry(hs_page *page, hs_json *retry_data, hs_json *errors)
{
    if (!page || !retry_data)
        return HS_ERR_INVALID;
    if (page->ctx->fn->kind != HS_KIND_PRE_SAVE_PAGE)
        return HS_ERR_UNSUPPORTED;
    struct arena *a = page->ctx->a;
    struct json_value *e = json_new_object(a);
    struct json_value *errs = errors ? J(errors) : json_new_array(a);
    if (!e || !errs || json_object_set(a, e, "retryData", 9, J(retry_data)) != 0 ||
        json_object_set(a, e, "errors", 6, errs) != 0 || json_array_push(a, page->retry, e) != 0)
        return HS_ERR_NOMEM;
    return HS_OK;
}

/* Adds {"index"?: index, "name"?: name, "reason": reason|null} to page->named. index < 0: none. */
static hs_status route_note(hs_page *page, long index, const char *name, const char *reason)
{
    struct arena *a = page->ctx->a;
    struct json_value *e = json_new_object(a);
    if (!e)
        return HS_ERR_NOMEM;
    if (index >= 0) {
        struct json_value *n = json_new_number(a, (double)index);
        if (!n || json_object_set(a, e, "index", 5, n) != 0)
            return HS_ERR_NOMEM;
    }
    if (name) {
        struct json_value *n = json_new_string(a, name, strlen(name));
        if (!n || json_object_set(a, e, "name", 4, n) != 0)
            return HS_ERR_NOMEM;
    }
    struct json_value *r = reason ? json_new_string(a, reason, strlen(reason)) : json_new_null(a);
    if (!r || json_object_set(a, e, "reason", 6, r) != 0 || json_array_push(a, page->named, e) != 0)
        return HS_ERR_NOMEM;
    return HS_OK;
}

static hs_status page_route(hs_page *page, unsigned index)
{
    if (!page)
        return HS_ERR_INVALID;
    if (page->ctx->fn->kind != HS_KIND_BRANCHING)
        return HS_ERR_UNSUPPORTED;
    struct json_value *n = json_new_number(page->ctx->a, (double)index);
    if (!n || json_array_push(page->ctx->a, page->routes, n) != 0)
        return HS_ERR_NOMEM;
    return route_note(page, (long)index, NULL, NULL);
}

/* Records why a branch name has no index: what settings.branches lacks, and what to add. */
static void branch_unknown(hs_ctx *ctx, const char *name)
{
    const char *fn = ctx->fn->name;
    const struct json_value *b = obj_get(obj_get(ctx->call->options, "settings"), "branches");
    if (!b) {
        ctx_error(ctx, "RangeError",
                  "Branch \"%.200s\" has no index: the options carry no settings.branches. Add "
                  "\"branches\": [\"<name of branch 0>\", \"<name of branch 1>\", ...] (the "
                  "router's branch names, in its order) to the settings the function %s gets, "
                  "or route by index (page_route)",
                  name, fn);
        return;
    }
    if (b->type != JSON_ARRAY) {
        ctx_error(ctx, "RangeError",
                  "Branch \"%.200s\" has no index: settings.branches must be an array of the "
                  "router's branch names (strings, or objects with a \"name\"), in its order; "
                  "the function %s got %s",
                  name, fn,
                  b->type == JSON_OBJECT   ? "an object"
                  : b->type == JSON_STRING ? "a string"
                                           : "another value");
        return;
    }
    /* The names it does list, quoted, as far as 200 bytes go. */
    char names[256];
    size_t n = 0;
    names[0] = '\0';
    for (uint32_t i = 0; i < b->len && n < 200; i++) {
        size_t len = 1;
        const char *s = kind_branch_name(ctx->call->options, i, &len);
        if (s == NULL) /* not a name: shown as ? */
            s = "?";
        int w = snprintf(names + n, sizeof(names) - n, "%s\"%.*s\"", i ? ", " : "",
                         (int)(len > 60 ? 60 : len), s);
        if (w < 0)
            break;
        n += (size_t)w;
        if (n >= sizeof(names))
            n = sizeof(names) - 1;
    }
    ctx_error(ctx, "RangeError",
              "Branch \"%.200s\" is not listed in settings.branches (%s): add it there, at its "
              "index in the router, for the function %s",
              name, n ? names : "empty", fn);
}

static hs_status page_route_named(hs_page *page, const char *name, const char *reason)
{
    if (!page || !name || !name[0])
        return HS_ERR_INVALID;
    hs_ctx *ctx = page->ctx;
    if (ctx->fn->kind != HS_KIND_BRANCHING)
        return HS_ERR_UNSUPPORTED;
    long index = kind_branch_index(ctx->call->options, name, strlen(name));
    if (index < 0 && !ctx->call->http_step) {
        branch_unknown(ctx, name);
        return HS_ERR_NOT_FOUND;
    }
    if (index >= 0) {
        struct json_value *n = json_new_number(ctx->a, (double)index);
        if (!n || json_array_push(ctx->a, page->routes, n) != 0)
            return HS_ERR_NOMEM;
    }
    return route_note(page, index, name, reason);
}

static hs_status run_page(hs_ctx *ctx, struct json_value **result)
{
    struct arena *a = ctx->a;
    const struct json_value *opts = ctx->call->options;
    hs_page page = {.ctx = ctx};
    if (ctx->fn->kind == HS_KIND_BRANCHING) {
        page.data = (struct json_value *)obj_get(opts, "record");
        page.routes = json_new_array(a);
        page.named = json_new_array(a);
        if (!page.routes || !page.named)
            return HS_ERR_NOMEM;
        hs_status st = settled(ctx, ctx->fn->u.page(ctx, &page));
        if (st == HS_OK) {
            *result = page.routes;
            ctx->call->routes = page.named;
        }
        return st;
    }
    /* kind_check_input made sure options.data is an array. */
    struct json_value *e = (struct json_value *)obj_get(opts, "errors");
    page.data = (struct json_value *)obj_get(opts, "data");
    page.errors = e && e->type == JSON_ARRAY ? e : json_new_array(a);
    page.retry = json_new_array(a);
    if (!page.data || !page.errors || !page.retry)
        return HS_ERR_NOMEM;
    hs_status st = settled(ctx, ctx->fn->u.page(ctx, &page));
    if (st != HS_OK)
        return st;
    struct json_value *r = json_new_object(a);
    struct json_value *ab = json_new_bool(a, page.abort);
    if (!r || !ab || json_object_set(a, r, "data", 4, page.data) != 0 ||
        json_object_set(a, r, "errors", 6, page.errors) != 0 ||
        json_object_set(a, r, "abort", 5, ab) != 0 ||
        json_object_set(a, r, "newErrorsAndRetryData", 21, page.retry) != 0)
        return HS_ERR_NOMEM;
    *result = r;
    return HS_OK;
}

/* ---- the table ------------------------------------------------------------------------------ */

static const hs_api api_table = {
    .size = sizeof(hs_api),
    .abi_major = HS_ABI_MAJOR,
    .abi_minor = HS_ABI_MINOR,
    .status_name = status_name,
    .register_fn = registry_register_fn,
    .register_record_fn = registry_register_record_fn,
    .register_page_fn = registry_register_page_fn,
    .module_state_alloc = registry_module_state_alloc,
    .ctx_function = ctx_function,
    .ctx_kind = ctx_kind,
    .ctx_connector_id = ctx_connector_id,
    .ctx_options = ctx_options,
    .ctx_id = ctx_id,
    .ctx_test_mode = ctx_test_mode,
    .ctx_module_state = ctx_module_state,
    .setting = sdk_setting,
    .setting_string = sdk_setting_string,
    .setting_number = sdk_setting_number,
    .setting_bool = sdk_setting_bool,
    .fail = fail,
    .log = log_fmt,
    .log_json = log_json,
    .alloc = sdk_alloc,
    .strdup = sdk_strdup,
    .sprintf = sdk_sprintf,
    .on_cleanup = on_cleanup,
    .json_type = json_type,
    .json_truthy = sdk_json_truthy,
    .json_bool = json_bool,
    .json_number = json_number,
    .json_string = json_string,
    .json_len = sdk_json_len,
    .json_at = json_at,
    .json_get = json_get,
    .json_getn = json_getn,
    .json_key_at = json_key_at,
    .json_value_at = json_value_at,
    .json_path = json_path,
    .json_equal = sdk_json_equal,
    .json_new_null = new_null,
    .json_new_bool = new_bool,
    .json_new_number = new_number,
    .json_new_string = new_string,
    .json_new_stringn = new_stringn,
    .json_new_array = new_array,
    .json_new_object = new_object,
    .json_new_date = new_date,
    .json_clone = sdk_json_clone,
    .json_set = json_set,
    .json_set_string = json_set_string,
    .json_set_number = json_set_number,
    .json_set_bool = json_set_bool,
    .json_delete = json_delete,
    .json_push = json_push,
    .json_path_set = json_path_set,
    .json_path_delete = json_path_delete,
    .json_parse = sdk_json_parse,
    .json_print = sdk_json_print,
    .json_number_format = sdk_number_format,
    .json_date_ms = json_date_ms,
    .json_date_iso = json_date_iso,
    .json_new_date_parse = new_date_parse,
    .error_new = error_new,
    .record_data = record_data,
    .record_index = record_index,
    .record_sibling = record_sibling,
    .record_replace = record_replace,
    .record_skip = record_skip,
    .record_add_error = record_add_error,
    .page_data = page_data,
    .page_errors = page_errors,
    .page_set_abort = page_set_abort,
    .page_add_retry = page_add_retry,
    .page_route = page_route,
    .ctx_last_error = ctx_last_error,
    .http_request = sdk_http_request,
    .http_status = sdk_http_status,
    .http_header = sdk_http_header,
    .http_body = sdk_http_body,
    .http_json = sdk_http_json,
    .integrator_request = sdk_http_integrator_request,
    .page_route_named = page_route_named,
    .decimal_parse = sdk_decimal_parse,
    .decimal_from_number = sdk_decimal_from_number,
    .decimal_from_json = sdk_decimal_from_json,
    .decimal_add = sdk_decimal_add,
    .decimal_sub = sdk_decimal_sub,
    .decimal_mul = sdk_decimal_mul,
    .decimal_mul_round = sdk_decimal_mul_round,
    .decimal_div = sdk_decimal_div,
    .decimal_round = sdk_decimal_round,
    .decimal_allocate = sdk_decimal_allocate,
    .decimal_cmp = sdk_decimal_cmp,
    .decimal_sign = sdk_decimal_sign,
    .decimal_is_zero = sdk_decimal_is_zero,
    .decimal_neg = sdk_decimal_neg,
    .decimal_abs = sdk_decimal_abs,
    .decimal_format = sdk_decimal_format,
    .decimal_round_mode = sdk_decimal_round_mode,
    .currency_minor_units = sdk_currency_minor_units,
    .json_new_decimal = sdk_json_new_decimal,
    .json_new_decimal_string = sdk_json_new_decimal_string,
    .date_parse = sdk_date_parse,
    .date_format = sdk_date_format,
    .date_from_json = sdk_date_from_json,
    .date_to_ms = sdk_date_to_ms,
    .date_from_ms = sdk_date_from_ms,
    .date_days_between = sdk_date_days_between,
    .date_add_days = sdk_date_add_days,
    .ctx_now = sdk_ctx_now,
    .ctx_error = ctx_error_kept,
    .json_to_string = sdk_json_to_string,
    .json_get_trimmed = sdk_json_get_trimmed,
    .json_set_if_present = json_set_if_present,
    .json_set_string_if_present = json_set_string_if_present,
};

const hs_api *sdk_api(void)
{
    return &api_table;
}

hs_status sdk_invoke(struct sdk_call *call)
{
    call->result = NULL;
    call->fail_code = call->fail_message = NULL;
    call->error_name = call->error_message = NULL;
    call->routes = NULL;
    hs_ctx *ctx = arena_calloc(call->arena, 1, sizeof(*ctx));
    if (!ctx) {
        call->status = HS_ERR_NOMEM;
        return call->status;
    }
    ctx->call = call;
    ctx->a = call->arena;
    ctx->fn = call->fn;
    ctx->module = call->reg ? registry_fn_module(call->reg, call->fn) : NULL;
    call->where = NULL;

    const char *code = NULL;
    char why[512];
    if (kind_check_input(call->fn->kind, call->fn->name, call->options, &code, why, sizeof(why)) !=
        0) {
        call->fail_code = code;
        call->fail_message = arena_strndup(call->arena, why, strlen(why));
        if (!call->fail_message)
            call->fail_message = "out of memory";
        call->status = HS_ERR_INVALID;
        return call->status;
    }

    /* A crash from here on names the function (and the record, run_records) in its note. */
    crash_where_function(call->fn->name);
    hs_status st;
    struct json_value *result = NULL;
    switch (call->fn->form) {
    case REGISTRY_FORM_RECORD:
        st = run_records(ctx, &result);
        break;
    case REGISTRY_FORM_PAGE:
        st = run_page(ctx, &result);
        break;
    default: {
        hs_json *r = NULL;
        st = settled(ctx, call->fn->u.plain(ctx, H(call->options), &r));
        result = J(r);
        break;
    }
    }
    crash_where_function(NULL);
    call->status = st;
    call->result = st == HS_OK ? result : NULL;
    return st;
}
