/* sdk.c — the runner side of the hook API (include/hookstack.h): the hs_api table, the invocation
 * (sdk_invoke: the context, the input check, plain / per-record / page-level forms), and the
 * table's small calls on the context (function, kind, ids, options, module state, fail, memory).
 *
 * The other calls live by topic, sharing the context through sdk_internal.h: errors on the context
 * in sdk_error.c, JSON in sdk_json.c, dotted paths and settings in sdk_path.c, typed settings and
 * coercions in sdk_coerce.c, the log in sdk_log.c (its secrets in sdk_redact.c), per-record and
 * page-level walks in sdk_record.c and sdk_page.c, outbound HTTP in sdk_http.c, money in
 * sdk_decimal.c and sdk_currency.c, dates in sdk_date.c, sdk_date_instant.c and sdk_tz.c.
 *
 * Everything a hook makes through the context comes from the invocation's arena (the request
 * arena proto.c passes in) and is released when the caller resets it. A failing API call records
 * a JavaScript-like error on the call (name + message); proto.c turns an unexplained failure into
 * a 500 with that description. */
#include "sdk.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crash.h"
#include "kind.h"
#include "sdk_internal.h"

#define J(v) ((struct json_value *)(v))
#define H(v) ((hs_json *)(v))

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

static const char *ctx_id(const hs_ctx *ctx, const char *name)
{
    const struct json_value *v = sdk_obj_get(ctx->call->options, name);
    if (v && v->type == JSON_STRING)
        return v->u.str;
    if (ctx->fn->kind == HS_KIND_WRAPPER && name && strcmp(name, "_connectionId") == 0) {
        v = sdk_obj_get(sdk_obj_get(ctx->call->options, "connection"), "_id");
        if (v && v->type == JSON_STRING)
            return v->u.str;
    }
    return NULL;
}

static int ctx_test_mode(const hs_ctx *ctx)
{
    const struct json_value *v = sdk_obj_get(ctx->call->options, "testMode");
    return v && json_truthy(v) ? 1 : 0;
}

static void *ctx_module_state(const hs_ctx *ctx)
{
    return ctx->module ? ctx->module->state : NULL;
}

/* ---- failing -------------------------------------------------------------------------------- */

static hs_status fail(hs_ctx *ctx, const char *code, const char *fmt, ...)
{
    if (!ctx)
        return HS_ERR_FAILED;
    va_list ap;
    va_start(ap, fmt);
    char *msg = fmt ? sdk_vprintf(ctx->a, fmt, ap) : NULL;
    va_end(ap);
    const char *c = code ? arena_strndup(ctx->a, code, strlen(code)) : "Error";
    ctx->call->fail_code = c ? c : "Error";
    ctx->call->fail_message = msg ? msg : (fmt ? "out of memory" : "");
    return HS_ERR_FAILED;
}

/* ---- memory --------------------------------------------------------------------------------- */

static void *sdk_alloc(hs_ctx *ctx, size_t size)
{
    void *p = ctx ? arena_calloc(ctx->a, 1, size ? size : 1) : NULL;
    if (!p)
        sdk_ctx_nomem(ctx);
    return p;
}

static char *sdk_strdup(hs_ctx *ctx, const char *s)
{
    if (!ctx || !s)
        return NULL;
    char *p = arena_strndup(ctx->a, s, strlen(s));
    if (!p)
        sdk_ctx_nomem(ctx);
    return p;
}

static char *sdk_sprintf(hs_ctx *ctx, const char *fmt, ...)
{
    if (!ctx || !fmt)
        return NULL;
    va_list ap;
    va_start(ap, fmt);
    char *s = sdk_vprintf(ctx->a, fmt, ap);
    va_end(ap);
    if (!s)
        sdk_ctx_nomem(ctx);
    return s;
}

static hs_status on_cleanup(hs_ctx *ctx, void (*fn)(void *arg), void *arg)
{
    if (!ctx || !fn)
        return HS_ERR_INVALID;
    return arena_on_cleanup(ctx->a, fn, arg) == 0 ? HS_OK : HS_ERR_NOMEM;
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
    .log = sdk_log_fmt,
    .log_json = sdk_log_json,
    .alloc = sdk_alloc,
    .strdup = sdk_strdup,
    .sprintf = sdk_sprintf,
    .on_cleanup = on_cleanup,
    .json_type = sdk_json_type,
    .json_truthy = sdk_json_truthy,
    .json_bool = sdk_json_bool,
    .json_number = sdk_json_number,
    .json_string = sdk_json_string,
    .json_len = sdk_json_len,
    .json_at = sdk_json_at,
    .json_get = sdk_json_get,
    .json_getn = sdk_json_getn,
    .json_key_at = sdk_json_key_at,
    .json_value_at = sdk_json_value_at,
    .json_path = sdk_json_path,
    .json_equal = sdk_json_equal,
    .json_new_null = sdk_json_new_null,
    .json_new_bool = sdk_json_new_bool,
    .json_new_number = sdk_json_new_number,
    .json_new_string = sdk_json_new_string,
    .json_new_stringn = sdk_json_new_stringn,
    .json_new_array = sdk_json_new_array,
    .json_new_object = sdk_json_new_object,
    .json_new_date = sdk_json_new_date,
    .json_clone = sdk_json_clone,
    .json_set = sdk_json_set,
    .json_set_string = sdk_json_set_string,
    .json_set_number = sdk_json_set_number,
    .json_set_bool = sdk_json_set_bool,
    .json_delete = sdk_json_delete,
    .json_push = sdk_json_push,
    .json_path_set = sdk_json_path_set,
    .json_path_delete = sdk_json_path_delete,
    .json_parse = sdk_json_parse,
    .json_print = sdk_json_print,
    .json_number_format = sdk_json_number_format,
    .json_date_ms = sdk_json_date_ms,
    .json_date_iso = sdk_json_date_iso,
    .json_new_date_parse = sdk_json_new_date_parse,
    .error_new = sdk_record_error_new,
    .record_data = sdk_record_data,
    .record_index = sdk_record_index,
    .record_sibling = sdk_record_sibling,
    .record_replace = sdk_record_replace,
    .record_skip = sdk_record_skip,
    .record_add_error = sdk_record_add_error,
    .page_data = sdk_page_data,
    .page_errors = sdk_page_errors,
    .page_set_abort = sdk_page_set_abort,
    .page_add_retry = sdk_page_add_retry,
    .page_route = sdk_page_route,
    .ctx_last_error = sdk_ctx_last_error,
    .http_request = sdk_http_request,
    .http_status = sdk_http_status,
    .http_header = sdk_http_header,
    .http_body = sdk_http_body,
    .http_json = sdk_http_json,
    .integrator_request = sdk_http_integrator_request,
    .page_route_named = sdk_page_route_named,
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
    .ctx_error = sdk_ctx_error_kept,
    .json_to_string = sdk_json_to_string,
    .json_get_trimmed = sdk_json_get_trimmed,
    .json_set_if_present = sdk_json_set_if_present,
    .json_set_string_if_present = sdk_json_set_string_if_present,
};

/* ---- the table's layout --------------------------------------------------------------------- */

/* struct hs_api is append-only within a major (docs/internals/hook-abi.md): a built module reaches
 * each call at a fixed offset. These fail the runner's build when a field moves, when one is
 * inserted before another, or when one changes size; a new call appends one line here (and the
 * size check moves to the new end). Calls are function pointers, one slot each after the header
 * (size_t size, uint16_t abi_major, uint16_t abi_minor). */
#define SDK_API_SLOT sizeof(void (*)(void))
#define SDK_API_SLOT0                                                                              \
    ((sizeof(size_t) + 2 * sizeof(uint16_t) + SDK_API_SLOT - 1) / SDK_API_SLOT * SDK_API_SLOT)
#define SDK_API_AT(field, i)                                                                       \
    _Static_assert(offsetof(hs_api, field) == SDK_API_SLOT0 + (size_t)(i)*SDK_API_SLOT &&          \
                       sizeof(((const hs_api *)0)->field) == SDK_API_SLOT,                         \
                   "hs_api." #field " is not in slot " #i ": the table is append-only")

_Static_assert(offsetof(hs_api, size) == 0, "hs_api.size is the table's first field forever");
_Static_assert(offsetof(hs_api, abi_major) == sizeof(size_t), "hs_api.abi_major moved");
_Static_assert(offsetof(hs_api, abi_minor) == sizeof(size_t) + sizeof(uint16_t),
               "hs_api.abi_minor moved");
SDK_API_AT(status_name, 0);
SDK_API_AT(register_fn, 1);
SDK_API_AT(register_record_fn, 2);
SDK_API_AT(register_page_fn, 3);
SDK_API_AT(module_state_alloc, 4);
SDK_API_AT(ctx_function, 5);
SDK_API_AT(ctx_kind, 6);
SDK_API_AT(ctx_connector_id, 7);
SDK_API_AT(ctx_options, 8);
SDK_API_AT(ctx_id, 9);
SDK_API_AT(ctx_test_mode, 10);
SDK_API_AT(ctx_module_state, 11);
SDK_API_AT(setting, 12);
SDK_API_AT(setting_string, 13);
SDK_API_AT(setting_number, 14);
SDK_API_AT(setting_bool, 15);
SDK_API_AT(fail, 16);
SDK_API_AT(log, 17);
SDK_API_AT(log_json, 18);
SDK_API_AT(alloc, 19);
SDK_API_AT(strdup, 20);
SDK_API_AT(sprintf, 21);
SDK_API_AT(on_cleanup, 22);
SDK_API_AT(json_type, 23);
SDK_API_AT(json_truthy, 24);
SDK_API_AT(json_bool, 25);
SDK_API_AT(json_number, 26);
SDK_API_AT(json_string, 27);
SDK_API_AT(json_len, 28);
SDK_API_AT(json_at, 29);
SDK_API_AT(json_get, 30);
SDK_API_AT(json_getn, 31);
SDK_API_AT(json_key_at, 32);
SDK_API_AT(json_value_at, 33);
SDK_API_AT(json_path, 34);
SDK_API_AT(json_equal, 35);
SDK_API_AT(json_new_null, 36);
SDK_API_AT(json_new_bool, 37);
SDK_API_AT(json_new_number, 38);
SDK_API_AT(json_new_string, 39);
SDK_API_AT(json_new_stringn, 40);
SDK_API_AT(json_new_array, 41);
SDK_API_AT(json_new_object, 42);
SDK_API_AT(json_new_date, 43);
SDK_API_AT(json_clone, 44);
SDK_API_AT(json_set, 45);
SDK_API_AT(json_set_string, 46);
SDK_API_AT(json_set_number, 47);
SDK_API_AT(json_set_bool, 48);
SDK_API_AT(json_delete, 49);
SDK_API_AT(json_push, 50);
SDK_API_AT(json_path_set, 51);
SDK_API_AT(json_path_delete, 52);
SDK_API_AT(json_parse, 53);
SDK_API_AT(json_print, 54);
SDK_API_AT(json_number_format, 55);
SDK_API_AT(json_date_ms, 56);
SDK_API_AT(json_date_iso, 57);
SDK_API_AT(json_new_date_parse, 58);
SDK_API_AT(error_new, 59);
SDK_API_AT(record_data, 60);
SDK_API_AT(record_index, 61);
SDK_API_AT(record_sibling, 62);
SDK_API_AT(record_replace, 63);
SDK_API_AT(record_skip, 64);
SDK_API_AT(record_add_error, 65);
SDK_API_AT(page_data, 66);
SDK_API_AT(page_errors, 67);
SDK_API_AT(page_set_abort, 68);
SDK_API_AT(page_add_retry, 69);
SDK_API_AT(page_route, 70);
SDK_API_AT(ctx_last_error, 71);
SDK_API_AT(http_request, 72);
SDK_API_AT(http_status, 73);
SDK_API_AT(http_header, 74);
SDK_API_AT(http_body, 75);
SDK_API_AT(http_json, 76);
SDK_API_AT(integrator_request, 77);
SDK_API_AT(page_route_named, 78);
SDK_API_AT(decimal_parse, 79);
SDK_API_AT(decimal_from_number, 80);
SDK_API_AT(decimal_from_json, 81);
SDK_API_AT(decimal_add, 82);
SDK_API_AT(decimal_sub, 83);
SDK_API_AT(decimal_mul, 84);
SDK_API_AT(decimal_mul_round, 85);
SDK_API_AT(decimal_div, 86);
SDK_API_AT(decimal_round, 87);
SDK_API_AT(decimal_allocate, 88);
SDK_API_AT(decimal_cmp, 89);
SDK_API_AT(decimal_sign, 90);
SDK_API_AT(decimal_is_zero, 91);
SDK_API_AT(decimal_neg, 92);
SDK_API_AT(decimal_abs, 93);
SDK_API_AT(decimal_format, 94);
SDK_API_AT(decimal_round_mode, 95);
SDK_API_AT(currency_minor_units, 96);
SDK_API_AT(json_new_decimal, 97);
SDK_API_AT(json_new_decimal_string, 98);
SDK_API_AT(date_parse, 99);
SDK_API_AT(date_format, 100);
SDK_API_AT(date_from_json, 101);
SDK_API_AT(date_to_ms, 102);
SDK_API_AT(date_from_ms, 103);
SDK_API_AT(date_days_between, 104);
SDK_API_AT(date_add_days, 105);
SDK_API_AT(ctx_now, 106);
SDK_API_AT(ctx_error, 107);
SDK_API_AT(json_to_string, 108);
SDK_API_AT(json_get_trimmed, 109);
SDK_API_AT(json_set_if_present, 110);
SDK_API_AT(json_set_string_if_present, 111);
_Static_assert(sizeof(hs_api) == SDK_API_SLOT0 + 112 * SDK_API_SLOT,
               "hs_api has a field these checks do not list: append its SDK_API_AT line");

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

    /* A crash from here on names the function (and the record, sdk_records_run) in its note. */
    crash_where_function(call->fn->name);
    hs_status st;
    struct json_value *result = NULL;
    switch (call->fn->form) {
    case REGISTRY_FORM_RECORD:
        st = sdk_records_run(ctx, &result);
        break;
    case REGISTRY_FORM_PAGE:
        st = sdk_page_run(ctx, &result);
        break;
    default: {
        hs_json *r = NULL;
        st = sdk_ctx_settled(ctx, call->fn->u.plain(ctx, H(call->options), &r));
        result = J(r);
        break;
    }
    }
    crash_where_function(NULL);
    call->status = st;
    call->result = st == HS_OK ? result : NULL;
    return st;
}
