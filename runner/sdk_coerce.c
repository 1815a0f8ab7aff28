/* sdk_coerce.c — the hook API's JavaScript coercions (include/hookstack.h, since 1.2): String(v)
 * (json_to_string), a field's trimmed text (json_get_trimmed), and the typed settings readers
 * (setting_string, setting_number, setting_bool). A reader coerces where JavaScript's meaning is
 * safe (a number read as text is String(n)) and otherwise throws: the TypeError fails the
 * invocation whatever the function returns (sdk_error.c's sdk_ctx_settled), naming the setting or
 * the key; a setting that is there never gives the default, and an object never reads as text. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jsval.h"
#include "sdk_internal.h"

#define J(v) ((const struct json_value *)(v))

/* The context the table's const promises modules not to change; the object itself never is. */
#define W(ctx) ((hs_ctx *)(ctx))

/* "an object", "a number", ...: what a value is, for messages (never the value: a setting may
 * be a secret). */
static const char *type_text(const struct json_value *v)
{
    switch (v->type) {
    case JSON_NULL:
        return "null";
    case JSON_FALSE:
    case JSON_TRUE:
        return "a boolean";
    case JSON_NUMBER:
        return "a number";
    case JSON_STRING:
        return "a string";
    case JSON_ARRAY:
        return "an array";
    case JSON_DATE:
        return "a Date";
    default:
        return "an object";
    }
}

/* Records a TypeError that fails the invocation like a JavaScript exception (the first one is
 * answered) and keeps it as the context's error. */
static void throw_type_error(hs_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void throw_type_error(hs_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[1024];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    sdk_ctx_errorf(ctx, "TypeError", "%s", buf);
    sdk_ctx_keep_last(ctx, HS_ERR_TYPE);
    if (!ctx->thrown)
        ctx->thrown = ctx->call->error_message;
}

/* String(v) of a non-string value into the arena; NULL (recorded and kept) on failure. */
static const char *to_string(hs_ctx *ctx, const struct json_value *v, size_t *len)
{
    const char *s = NULL;
    int rc = jsval_to_string(ctx->a, v, &s, len);
    if (rc == ERR_OK)
        return s;
    if (rc == ERR_TYPE)
        throw_type_error(ctx, "%s", JSVAL_TYPE_ERROR_MESSAGE);
    else
        sdk_ctx_nomem(ctx);
    return NULL;
}

const char *sdk_json_to_string(hs_ctx *ctx, const hs_json *hv)
{
    const struct json_value *v = J(hv);
    if (!ctx)
        return NULL;
    if (!v)
        return "undefined";
    if (v->type == JSON_STRING)
        return v->u.str;
    return to_string(ctx, v, NULL);
}

const char *sdk_json_get_trimmed(hs_ctx *ctx, const hs_json *obj, const char *key)
{
    const struct json_value *o = J(obj);
    if (!ctx || !key || !o || o->type != JSON_OBJECT)
        return NULL;
    const struct json_value *v = json_object_get(o, key, strlen(key));
    if (!v || v->type == JSON_NULL)
        return NULL;
    const char *s;
    size_t len;
    switch (v->type) {
    case JSON_STRING:
        s = v->u.str;
        len = v->len;
        break;
    case JSON_DATE: {
        char iso[JSVAL_ISO_MAX];
        len = jsval_date_iso(v->u.num, iso);
        if (len == 0) {
            throw_type_error(ctx, "json_get_trimmed: '%.200s' is an invalid Date, not text", key);
            return NULL;
        }
        if (!(s = arena_strndup(ctx->a, iso, len)))
            sdk_ctx_nomem(ctx);
        return s;
    }
    case JSON_ARRAY:
    case JSON_OBJECT:
        throw_type_error(ctx, "json_get_trimmed: '%.200s' is %s, not text", key, type_text(v));
        return NULL;
    default: /* a number or a boolean: String(v), never blank */
        return to_string(ctx, v, NULL);
    }
    size_t start;
    size_t n = jsval_trim(s, len, &start);
    if (n == 0)
        return NULL;
    if (start == 0 && n == len)
        return s;
    char *t = arena_strndup(ctx->a, s + start, n);
    if (!t)
        sdk_ctx_nomem(ctx);
    return t;
}

/* ---- typed settings ------------------------------------------------------------------------- */

/* Throws why a setting cannot be read as `wants`. */
static void setting_refused(const hs_ctx *ctx, const char *call, const char *path,
                            const struct json_value *v, const char *wants, const char *hint)
{
    const char *p = path ? path : "";
    throw_type_error(W(ctx), "%s: settings%s%.200s is %s, not %s (%s)", call,
                     p[0] == '[' || p[0] == '\0' ? "" : ".", p, type_text(v), wants, hint);
}

const char *sdk_setting_string(hs_ctx *ctx, const char *path, const char *def)
{
    if (!ctx)
        return def;
    const struct json_value *v = J(sdk_setting(ctx, path));
    if (!v || v->type == JSON_NULL)
        return def;
    switch (v->type) {
    case JSON_STRING:
        return v->u.str;
    case JSON_DATE: {
        char iso[JSVAL_ISO_MAX];
        size_t n = jsval_date_iso(v->u.num, iso);
        const char *s = n ? arena_strndup(ctx->a, iso, n) : NULL;
        if (!s)
            sdk_ctx_nomem(ctx);
        return s;
    }
    case JSON_ARRAY:
    case JSON_OBJECT:
        setting_refused(ctx, "setting_string", path, v, "text",
                        "setting_string reads a string, a number or a boolean; read an object or "
                        "an array with setting()");
        return NULL;
    default: /* a number or a boolean: String(v) */
        return to_string(ctx, v, NULL);
    }
}

double sdk_setting_number(const hs_ctx *ctx, const char *path, double def)
{
    if (!ctx)
        return def;
    const struct json_value *v = J(sdk_setting(ctx, path));
    if (!v || v->type == JSON_NULL)
        return def;
    if (v->type == JSON_NUMBER)
        return v->u.num;
    if (v->type == JSON_STRING) {
        size_t start;
        if (jsval_trim(v->u.str, v->len, &start) == 0)
            return def; /* a blank field: not set */
        double d = jsval_string_to_number(v->u.str, v->len);
        if (!isnan(d))
            return d;
        setting_refused(ctx, "setting_number", path, v, "a number",
                        "the text is not a JavaScript number");
        return NAN;
    }
    setting_refused(ctx, "setting_number", path, v, "a number",
                    "setting_number reads a number or a string holding one");
    return NAN;
}

int sdk_setting_bool(const hs_ctx *ctx, const char *path, int def)
{
    if (!ctx)
        return def;
    const struct json_value *v = J(sdk_setting(ctx, path));
    if (!v || v->type == JSON_NULL)
        return def;
    if (v->type == JSON_TRUE || v->type == JSON_FALSE)
        return v->type == JSON_TRUE;
    setting_refused(ctx, "setting_bool", path, v, "a boolean",
                    "setting_bool reads only true or false; in JavaScript the string \"false\" "
                    "is truthy");
    return def;
}
