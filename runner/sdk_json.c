/* sdk_json.c — the hook API's JSON calls on hs_json handles: reading (types, truthiness, numbers,
 * strings, members, elements), making values in the invocation's arena, changing objects and
 * arrays (json_set*, json_delete, json_push, with JavaScript's TypeErrors for a non-object
 * target), parsing and printing text, and Date values. Dotted paths are sdk_path.c's. */
#include <string.h>

#include "jsval.h"
#include "sdk_internal.h"

#define J(v) ((struct json_value *)(v))
#define H(v) ((hs_json *)(v))

const struct json_value *sdk_obj_get(const struct json_value *o, const char *key)
{
    if (!o || o->type != JSON_OBJECT || !key)
        return NULL;
    return json_object_get(o, key, strlen(key));
}

/* ---- reading JSON --------------------------------------------------------------------------- */

hs_json_type sdk_json_type(const hs_json *hv)
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

int sdk_json_truthy(const hs_json *v)
{
    return v && json_truthy(J(v)) ? 1 : 0;
}

int sdk_json_bool(const hs_json *hv, int def)
{
    const struct json_value *v = J(hv);
    if (v && v->type == JSON_TRUE)
        return 1;
    if (v && v->type == JSON_FALSE)
        return 0;
    return def;
}

double sdk_json_number(const hs_json *hv, double def)
{
    const struct json_value *v = J(hv);
    return v && v->type == JSON_NUMBER ? v->u.num : def;
}

const char *sdk_json_string(hs_ctx *ctx, const hs_json *hv, size_t *len, const char *def)
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

size_t sdk_json_len(const hs_json *v)
{
    return v ? json_len(J(v)) : 0;
}

hs_json *sdk_json_at(const hs_json *arr, size_t i)
{
    const struct json_value *v = J(arr);
    return v && v->type == JSON_ARRAY ? H(json_array_get(v, i)) : NULL;
}

hs_json *sdk_json_getn(const hs_json *obj, const char *key, size_t key_len)
{
    const struct json_value *v = J(obj);
    if (!v || v->type != JSON_OBJECT || !key)
        return NULL;
    return H(json_object_get(v, key, key_len));
}

hs_json *sdk_json_get(const hs_json *obj, const char *key)
{
    return key ? sdk_json_getn(obj, key, strlen(key)) : NULL;
}

const char *sdk_json_key_at(const hs_json *obj, size_t i, size_t *len)
{
    const struct json_value *v = J(obj);
    if (!v || v->type != JSON_OBJECT || i >= v->len)
        return NULL;
    if (len)
        *len = v->u.members[i].key_len;
    return v->u.members[i].key;
}

hs_json *sdk_json_value_at(const hs_json *obj, size_t i)
{
    const struct json_value *v = J(obj);
    if (!v || v->type != JSON_OBJECT || i >= v->len)
        return NULL;
    return H(v->u.members[i].value);
}

int sdk_json_equal(const hs_json *a, const hs_json *b)
{
    if (!a || !b)
        return a == b;
    return json_equal(J(a), J(b)) ? 1 : 0;
}

/* ---- making JSON ---------------------------------------------------------------------------- */

hs_json *sdk_json_made(hs_ctx *ctx, struct json_value *v)
{
    if (!v)
        sdk_ctx_nomem(ctx);
    return H(v);
}

hs_json *sdk_json_new_null(hs_ctx *ctx)
{
    return ctx ? sdk_json_made(ctx, json_new_null(ctx->a)) : NULL;
}

hs_json *sdk_json_new_bool(hs_ctx *ctx, int b)
{
    return ctx ? sdk_json_made(ctx, json_new_bool(ctx->a, b != 0)) : NULL;
}

hs_json *sdk_json_new_number(hs_ctx *ctx, double d)
{
    return ctx ? sdk_json_made(ctx, json_new_number(ctx->a, d)) : NULL;
}

hs_json *sdk_json_new_stringn(hs_ctx *ctx, const char *s, size_t len)
{
    return ctx && s ? sdk_json_made(ctx, json_new_string(ctx->a, s, len)) : NULL;
}

hs_json *sdk_json_new_string(hs_ctx *ctx, const char *s)
{
    return s ? sdk_json_new_stringn(ctx, s, strlen(s)) : NULL;
}

hs_json *sdk_json_new_array(hs_ctx *ctx)
{
    return ctx ? sdk_json_made(ctx, json_new_array(ctx->a)) : NULL;
}

hs_json *sdk_json_new_object(hs_ctx *ctx)
{
    return ctx ? sdk_json_made(ctx, json_new_object(ctx->a)) : NULL;
}

hs_json *sdk_json_new_date(hs_ctx *ctx, double ms)
{
    return ctx ? sdk_json_made(ctx, json_new_date(ctx->a, jsval_time_clip(ms))) : NULL;
}

hs_json *sdk_json_clone(hs_ctx *ctx, const hs_json *v)
{
    return ctx && v ? sdk_json_made(ctx, json_clone(ctx->a, J(v))) : NULL;
}

/* ---- changing JSON -------------------------------------------------------------------------- */

/* Records the TypeError JavaScript throws for `target[key] = ...` in strict mode, and keeps it
 * as the context's error. */
static hs_status set_type_error(hs_ctx *ctx, const struct json_value *t, const char *key)
{
    const char *k = key ? key : "";
    if (!t) {
        sdk_ctx_errorf(ctx, "TypeError", "Cannot set properties of undefined (setting '%s')", k);
    } else {
        switch (t->type) {
        case JSON_NULL:
            sdk_ctx_errorf(ctx, "TypeError", "Cannot set properties of null (setting '%s')", k);
            break;
        case JSON_STRING:
            sdk_ctx_errorf(ctx, "TypeError", "Cannot create property '%s' on string '%.200s'", k,
                           t->u.str);
            break;
        case JSON_NUMBER: {
            char num[JSON_NUMBER_MAX];
            json_number_format(t->u.num, num);
            sdk_ctx_errorf(ctx, "TypeError", "Cannot create property '%s' on number '%s'", k, num);
            break;
        }
        case JSON_TRUE:
        case JSON_FALSE:
            sdk_ctx_errorf(ctx, "TypeError", "Cannot create property '%s' on boolean '%s'", k,
                           t->type == JSON_TRUE ? "true" : "false");
            break;
        default:
            sdk_ctx_errorf(ctx, "TypeError",
                           "Cannot set key '%s': the value is an %s, not an object", k,
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
hs_status sdk_json_set_missing(hs_ctx *ctx, const char *call, const char *key, const char *what)
{
    if (ctx && ctx->kept == HS_OK) {
        const char *m = key ? sdk_printf(ctx->a,
                                         "%s: cannot set '%.200s': the %s is NULL (absent, or the "
                                         "call that made it failed)",
                                         call, key, what)
                            : sdk_printf(ctx->a, "%s: the key is NULL", call);
        sdk_ctx_keep(ctx, HS_ERR_INVALID, "TypeError", m ? m : "out of memory");
    }
    return HS_ERR_INVALID;
}

static bool is_object(const hs_json *v)
{
    return v && J(v)->type == JSON_OBJECT;
}

hs_status sdk_json_set(hs_ctx *ctx, hs_json *obj, const char *key, hs_json *v)
{
    if (!ctx)
        return HS_ERR_INVALID;
    if (!key || !v)
        return sdk_json_set_missing(ctx, "json_set", key, "value");
    if (!is_object(obj))
        return set_type_error(ctx, J(obj), key);
    if (json_object_set(ctx->a, J(obj), key, strlen(key), J(v)) != 0) {
        sdk_ctx_nomem(ctx);
        return HS_ERR_NOMEM;
    }
    return HS_OK;
}

hs_status sdk_json_set_string(hs_ctx *ctx, hs_json *obj, const char *key, const char *s)
{
    if (!ctx)
        return HS_ERR_INVALID;
    if (!s)
        return sdk_json_set_missing(ctx, "json_set_string", key, "string");
    if (!is_object(obj))
        return set_type_error(ctx, J(obj), key);
    hs_json *v = sdk_json_new_string(ctx, s);
    return v ? sdk_json_set(ctx, obj, key, v) : HS_ERR_NOMEM;
}

hs_status sdk_json_set_number(hs_ctx *ctx, hs_json *obj, const char *key, double d)
{
    if (!ctx)
        return HS_ERR_INVALID;
    if (!is_object(obj))
        return set_type_error(ctx, J(obj), key);
    hs_json *v = sdk_json_new_number(ctx, d);
    return v ? sdk_json_set(ctx, obj, key, v) : HS_ERR_NOMEM;
}

hs_status sdk_json_set_bool(hs_ctx *ctx, hs_json *obj, const char *key, int b)
{
    if (!ctx)
        return HS_ERR_INVALID;
    if (!is_object(obj))
        return set_type_error(ctx, J(obj), key);
    hs_json *v = sdk_json_new_bool(ctx, b);
    return v ? sdk_json_set(ctx, obj, key, v) : HS_ERR_NOMEM;
}

hs_status sdk_json_set_if_present(hs_ctx *ctx, hs_json *obj, const char *key, hs_json *v)
{
    if (!ctx)
        return HS_ERR_INVALID;
    if (!key)
        return sdk_json_set_missing(ctx, "json_set_if_present", NULL, "key");
    if (!is_object(obj))
        return set_type_error(ctx, J(obj), key);
    if (!v || J(v)->type == JSON_NULL)
        return HS_OK;
    return sdk_json_set(ctx, obj, key, v);
}

hs_status sdk_json_set_string_if_present(hs_ctx *ctx, hs_json *obj, const char *key, const char *s)
{
    if (!ctx)
        return HS_ERR_INVALID;
    if (!key)
        return sdk_json_set_missing(ctx, "json_set_string_if_present", NULL, "key");
    if (!is_object(obj))
        return set_type_error(ctx, J(obj), key);
    return s ? sdk_json_set_string(ctx, obj, key, s) : HS_OK;
}

hs_status sdk_json_delete(hs_ctx *ctx, hs_json *obj, const char *key)
{
    struct json_value *o = J(obj);
    if (!key)
        return HS_ERR_INVALID;
    if (!o || o->type != JSON_OBJECT) {
        if (ctx)
            sdk_ctx_errorf(ctx, "TypeError", "Cannot delete key '%s': the value is not an object",
                           key);
        return HS_ERR_TYPE;
    }
    return json_object_delete(o, key, strlen(key)) == 0 ? HS_OK : HS_ERR_NOT_FOUND;
}

hs_status sdk_json_push(hs_ctx *ctx, hs_json *arr, hs_json *v)
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
        sdk_ctx_fault(ctx, HS_ERR_TYPE, "TypeError", "Cannot push: the value is not an array");
        return HS_ERR_TYPE;
    }
    if (json_array_push(ctx->a, a, J(v)) != 0) {
        sdk_ctx_nomem(ctx);
        return HS_ERR_NOMEM;
    }
    return HS_OK;
}

/* ---- text ----------------------------------------------------------------------------------- */

hs_status sdk_json_parse(hs_ctx *ctx, const char *text, size_t len, hs_json **out)
{
    if (!ctx || !text || !out)
        return HS_ERR_INVALID;
    struct json_parse_opts o = {.require_container = false, .decode_utf8 = true, .max_depth = 0};
    struct json_error e;
    memset(&e, 0, sizeof(e));
    struct json_value *v = json_parse(ctx->a, text, len, &o, &e);
    if (!v) {
        sdk_ctx_errorf(ctx, "SyntaxError", "%s at line %u column %u", e.message, (unsigned)e.line,
                       (unsigned)e.column);
        *out = NULL;
        return HS_ERR_PARSE;
    }
    *out = H(v);
    return HS_OK;
}

const char *sdk_json_print(hs_ctx *ctx, const hs_json *v, size_t *len)
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
            sdk_ctx_nomem(ctx);
    } else if (rc == ERR_UNSERIALIZABLE) {
        sdk_ctx_errorf(ctx, "TypeError", "the value holds a Date or is nested too deep");
    } else {
        sdk_ctx_nomem(ctx);
    }
    json_buf_free(&b);
    return s;
}

size_t sdk_json_number_format(double d, char out[HS_NUMBER_MAX])
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

hs_status sdk_json_date_ms(const hs_json *hv, double *ms)
{
    const struct json_value *v = J(hv);
    if (!v || v->type != JSON_DATE || !ms)
        return HS_ERR_TYPE;
    *ms = v->u.num;
    return HS_OK;
}

hs_status sdk_json_date_iso(hs_ctx *ctx, const hs_json *hv, const char **iso)
{
    const struct json_value *v = J(hv);
    if (!ctx || !iso)
        return HS_ERR_INVALID;
    *iso = NULL;
    if (!v || v->type != JSON_DATE) {
        sdk_ctx_errorf(ctx, "TypeError", "toISOString: the value is not a Date");
        return HS_ERR_TYPE;
    }
    char buf[JSVAL_ISO_MAX];
    size_t n = jsval_date_iso(v->u.num, buf);
    if (n == 0) {
        sdk_ctx_errorf(ctx, "RangeError", "Invalid time value");
        return HS_ERR_RANGE;
    }
    char *s = arena_strndup(ctx->a, buf, n);
    if (!s) {
        sdk_ctx_nomem(ctx);
        return HS_ERR_NOMEM;
    }
    *iso = s;
    return HS_OK;
}

hs_json *sdk_json_new_date_parse(hs_ctx *ctx, const char *text)
{
    if (!ctx || !text)
        return NULL;
    return sdk_json_made(ctx, json_new_date(ctx->a, jsval_date_parse(text, strlen(text))));
}
