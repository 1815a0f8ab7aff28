/* sdk_record.c — per-record functions (hs_record_fn): the record_* calls, error_new, and the walk
 * over the kind's record array that calls the function once per record and assembles the kind's
 * answer (preMap/postMap {data, errors} elements, postSubmit responses with errors added), naming
 * the record a failure happened at. */
#include <stdint.h>
#include <string.h>

#include "crash.h"
#include "kind.h"
#include "sdk_internal.h"
#include "text.h"

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

/* ---- per-record errors ---------------------------------------------------------------------- */

hs_json *sdk_record_error_new(hs_ctx *ctx, const char *code, const char *message,
                              const char *source)
{
    if (!ctx)
        return NULL;
    hs_json *e = sdk_json_new_object(ctx);
    if (!e)
        return NULL;
    if (sdk_json_set_string(ctx, e, "code", code ? code : "Error") != HS_OK ||
        sdk_json_set_string(ctx, e, "message", message ? message : "") != HS_OK ||
        (source && sdk_json_set_string(ctx, e, "source", source) != HS_OK))
        return NULL;
    return e;
}

/* ---- per-record helpers --------------------------------------------------------------------- */

hs_json *sdk_record_data(hs_record *rec)
{
    return rec ? H(rec->data) : NULL;
}

size_t sdk_record_index(const hs_record *rec)
{
    return rec ? rec->index : 0;
}

hs_json *sdk_record_sibling(hs_record *rec, const char *array_name)
{
    if (!rec || !array_name)
        return NULL;
    const struct json_value *arr = sdk_obj_get(rec->ctx->call->options, array_name);
    return arr && arr->type == JSON_ARRAY ? H(json_array_get(arr, rec->index)) : NULL;
}

hs_status sdk_record_replace(hs_record *rec, hs_json *v)
{
    if (!rec || !v)
        return HS_ERR_INVALID;
    rec->replacement = J(v);
    rec->skipped = false;
    return HS_OK;
}

hs_status sdk_record_skip(hs_record *rec)
{
    if (!rec)
        return HS_ERR_INVALID;
    hs_kind k = rec->ctx->fn->kind;
    if (k != HS_KIND_PRE_MAP && k != HS_KIND_POST_MAP)
        return HS_ERR_UNSUPPORTED;
    rec->skipped = true;
    return HS_OK;
}

hs_status sdk_record_add_error(hs_record *rec, hs_json *err)
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
        if (val && json_object_set(a, e, STRLIT("data"), val) != 0)
            return NULL;
        if (rec->errors && json_object_set(a, e, STRLIT("errors"), rec->errors) != 0)
            return NULL;
        return e;
    }
    case HS_KIND_POST_SUBMIT: {
        if (!val)
            val = json_new_object(a);
        if (!val || !rec->errors)
            return val;
        if (val->type != JSON_OBJECT) {
            sdk_ctx_errorf(ctx, "TypeError",
                           "responseData[%zu] is not an object: cannot add errors", rec->index);
            return NULL;
        }
        struct json_value *errs = json_object_get(val, STRLIT("errors"));
        if (!errs || errs->type != JSON_ARRAY) {
            return json_object_set(a, val, STRLIT("errors"), rec->errors) == 0 ? val : NULL;
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
        char *m = sdk_printf(ctx->a, "%s (function %s at %s)", *msg, ctx->fn->name, where);
        if (m)
            *msg = m;
    }
    return st;
}

hs_status sdk_records_run(hs_ctx *ctx, struct json_value **result)
{
    /* kind_check_input made sure the array is there. */
    const char *key = kind_record_array(ctx->fn->kind);
    const struct json_value *arr = sdk_obj_get(ctx->call->options, key);
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
        hs_status st = sdk_ctx_settled(ctx, ctx->fn->u.record(ctx, &rec));
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
