/* sdk_internal.h — the invocation context shared by the SDK's files, and the calls each of them
 * puts into the table: sdk.c (the table, the invocation), sdk_error.c (errors on the context),
 * sdk_json.c (JSON), sdk_path.c (dotted paths, settings), sdk_coerce.c (String(v), trimmed reads,
 * typed settings), sdk_log.c and sdk_redact.c (the log, its secrets), sdk_record.c and sdk_page.c
 * (per-record and page-level walks), sdk_http.c (outbound HTTP), sdk_decimal.c and sdk_currency.c
 * (money), sdk_date.c and sdk_tz.c (dates). Not part of the hook API; nothing outside the SDK
 * includes it but its unit tests. */
#ifndef HS_SDK_INTERNAL_H
#define HS_SDK_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "registry_internal.h"
#include "sdk.h"

struct sdk_secret {
    const char *p;
    size_t len;
};

struct sdk_http; /* sdk_http.c: the invocation's curl handle, made on the first request */

struct hs_ctx {
    struct sdk_call *call;
    struct arena *a;
    const struct registry_fn *fn;
    const struct registry_module *module;
    bool secrets_ready;
    struct sdk_secret *secrets; /* longest first (sdk_redact.c) */
    size_t nsecrets;
    const struct json_value **secret_roots; /* values of bearerToken and encrypted members */
    size_t nsecret_roots;
    bool log_full;
    struct sdk_http *http;
    /* The context's error (ctx_error, since 1.2): the first failure of a building call since the
     * record (or the invocation) started, with its description. HS_OK when none. */
    hs_status kept;
    const char *kept_name;
    const char *kept_message;
    /* The first failure that is answered like a JavaScript exception (sdk_coerce.c: a typed
     * settings read of the wrong type, text read from an object): its TypeError's message. The
     * invocation fails with it whatever the function returns, unless it called fail(). */
    const char *thrown;
};

/* ---- sdk_error.c: errors recorded on the context -------------------------------------------- */

/* printf into the arena; NULL when out of memory. */
char *sdk_vprintf(struct arena *a, const char *fmt, va_list ap);
char *sdk_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records an error on the context (name static, msg arena-owned or static), as the table's
 * failing calls do; proto answers it when the function returns the status unexplained. */
void sdk_ctx_error_set(hs_ctx *ctx, const char *name, const char *msg);
/* The same with a printf-style message (formatted into the arena); nothing when ctx is NULL. */
void sdk_ctx_errorf(hs_ctx *ctx, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Records a failure's description and keeps it (with st) as the context's error. */
void sdk_ctx_fault(hs_ctx *ctx, hs_status st, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Records "out of memory" (RangeError) and keeps HS_ERR_NOMEM as the context's error. */
void sdk_ctx_nomem(hs_ctx *ctx);
/* Keeps st with its description (name static; msg arena-owned or static) as the context's
 * error when none is kept yet (see ctx_error in hookstack.h); nothing when ctx is NULL. */
void sdk_ctx_keep(hs_ctx *ctx, hs_status st, const char *name, const char *msg);
/* The same with the description the last failing call recorded. */
void sdk_ctx_keep_last(hs_ctx *ctx, hs_status st);
/* The table's ctx_last_error and ctx_error. */
const char *sdk_ctx_last_error(const hs_ctx *ctx, const char **name);
hs_status sdk_ctx_error_kept(const hs_ctx *ctx);
/* What a function's status st becomes: a failure answered like a JavaScript exception (a settings
 * read of the wrong type, text read from an object: sdk_coerce.c) fails the invocation with its
 * TypeError whatever the function returned, unless it failed with fail() itself. */
hs_status sdk_ctx_settled(hs_ctx *ctx, hs_status st);

/* ---- sdk_json.c: the table's JSON calls (see include/hookstack.h) -------------------------- */

/* Member key of o when o is an object (borrowed), else NULL. */
const struct json_value *sdk_obj_get(const struct json_value *o, const char *key);
hs_json_type sdk_json_type(const hs_json *hv);
int sdk_json_truthy(const hs_json *v);
int sdk_json_bool(const hs_json *hv, int def);
double sdk_json_number(const hs_json *hv, double def);
const char *sdk_json_string(hs_ctx *ctx, const hs_json *hv, size_t *len, const char *def);
size_t sdk_json_len(const hs_json *v);
hs_json *sdk_json_at(const hs_json *arr, size_t i);
hs_json *sdk_json_getn(const hs_json *obj, const char *key, size_t key_len);
hs_json *sdk_json_get(const hs_json *obj, const char *key);
const char *sdk_json_key_at(const hs_json *obj, size_t i, size_t *len);
hs_json *sdk_json_value_at(const hs_json *obj, size_t i);
int sdk_json_equal(const hs_json *a, const hs_json *b);
/* v as a handle, recording "out of memory" on ctx when v is NULL. */
hs_json *sdk_json_made(hs_ctx *ctx, struct json_value *v);
hs_json *sdk_json_new_null(hs_ctx *ctx);
hs_json *sdk_json_new_bool(hs_ctx *ctx, int b);
hs_json *sdk_json_new_number(hs_ctx *ctx, double d);
hs_json *sdk_json_new_stringn(hs_ctx *ctx, const char *s, size_t len);
hs_json *sdk_json_new_string(hs_ctx *ctx, const char *s);
hs_json *sdk_json_new_array(hs_ctx *ctx);
hs_json *sdk_json_new_object(hs_ctx *ctx);
hs_json *sdk_json_new_date(hs_ctx *ctx, double ms);
hs_json *sdk_json_clone(hs_ctx *ctx, const hs_json *v);
/* A building call (named `call`) given NULL for its key, value or text (`what`): HS_ERR_INVALID,
 * kept as the context's error unless one is kept already, without replacing the last recorded
 * description. */
hs_status sdk_json_set_missing(hs_ctx *ctx, const char *call, const char *key, const char *what);
/* Sets key (copied) to v in obj, as the table's json_set (recording and keeping failures). */
hs_status sdk_json_set(hs_ctx *ctx, hs_json *obj, const char *key, hs_json *v);
hs_status sdk_json_set_string(hs_ctx *ctx, hs_json *obj, const char *key, const char *s);
hs_status sdk_json_set_number(hs_ctx *ctx, hs_json *obj, const char *key, double d);
hs_status sdk_json_set_bool(hs_ctx *ctx, hs_json *obj, const char *key, int b);
hs_status sdk_json_set_if_present(hs_ctx *ctx, hs_json *obj, const char *key, hs_json *v);
hs_status sdk_json_set_string_if_present(hs_ctx *ctx, hs_json *obj, const char *key, const char *s);
hs_status sdk_json_delete(hs_ctx *ctx, hs_json *obj, const char *key);
hs_status sdk_json_push(hs_ctx *ctx, hs_json *arr, hs_json *v);
hs_status sdk_json_parse(hs_ctx *ctx, const char *text, size_t len, hs_json **out);
const char *sdk_json_print(hs_ctx *ctx, const hs_json *v, size_t *len);
size_t sdk_json_number_format(double d, char out[HS_NUMBER_MAX]);
hs_status sdk_json_date_ms(const hs_json *hv, double *ms);
hs_status sdk_json_date_iso(hs_ctx *ctx, const hs_json *hv, const char **iso);
hs_json *sdk_json_new_date_parse(hs_ctx *ctx, const char *text);

/* ---- sdk_path.c: dotted paths and settings -------------------------------------------------- */

hs_json *sdk_json_path(const hs_json *root, const char *path);
hs_status sdk_json_path_set(hs_ctx *ctx, hs_json *root, const char *path, hs_json *v);
hs_status sdk_json_path_delete(hs_ctx *ctx, hs_json *root, const char *path);
/* The setting at path (borrowed), as the table's setting. */
hs_json *sdk_setting(const hs_ctx *ctx, const char *path);

/* ---- sdk_log.c: the hook's log -------------------------------------------------------------- */

/* One hook log line of len bytes, with the invocation's secrets redacted. */
void sdk_ctx_log(hs_ctx *ctx, hs_log_level level, const char *text, size_t len);
/* The table's log and log_json. */
void sdk_log_fmt(hs_ctx *ctx, hs_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sdk_log_json(hs_ctx *ctx, hs_log_level level, const char *label, const hs_json *v);

/* ---- sdk_record.c: per-record functions ----------------------------------------------------- */

hs_json *sdk_record_error_new(hs_ctx *ctx, const char *code, const char *message,
                              const char *source);
hs_json *sdk_record_data(hs_record *rec);
size_t sdk_record_index(const hs_record *rec);
hs_json *sdk_record_sibling(hs_record *rec, const char *array_name);
hs_status sdk_record_replace(hs_record *rec, hs_json *v);
hs_status sdk_record_skip(hs_record *rec);
hs_status sdk_record_add_error(hs_record *rec, hs_json *err);
/* Calls the per-record function once per element of its kind's record array (there: checked by
 * kind_check_input) and assembles the kind's answer in *result. */
hs_status sdk_records_run(hs_ctx *ctx, struct json_value **result);

/* ---- sdk_page.c: page-level functions ------------------------------------------------------- */

hs_json *sdk_page_data(hs_page *page);
hs_json *sdk_page_errors(hs_page *page);
hs_status sdk_page_set_abort(hs_page *page, int abort);
hs_status sdk_page_add_retry(hs_page *page, hs_json *retry_data, hs_json *errors);
hs_status sdk_page_route(hs_page *page, unsigned index);
hs_status sdk_page_route_named(hs_page *page, const char *name, const char *reason);
/* Calls the page-level function once and assembles its kind's answer in *result (branching: the
 * indices, and call->routes). */
hs_status sdk_page_run(hs_ctx *ctx, struct json_value **result);

/* ---- sdk_coerce.c: JavaScript coercions, trimmed reads, typed settings (since 1.2) ---------- */

const char *sdk_json_to_string(hs_ctx *ctx, const hs_json *v);
const char *sdk_json_get_trimmed(hs_ctx *ctx, const hs_json *obj, const char *key);
const char *sdk_setting_string(hs_ctx *ctx, const char *path, const char *def);
double sdk_setting_number(const hs_ctx *ctx, const char *path, double def);
int sdk_setting_bool(const hs_ctx *ctx, const char *path, int def);

/* ---- sdk_redact.c: the secrets a hook's log must not show ----------------------------------- */

/* Collects the invocation's secrets from its options, once (later calls return at once). */
void sdk_secrets_collect(hs_ctx *ctx);
/* Length of the secret that text (len bytes) starts with, longest first; 0 when none. */
size_t sdk_secret_at(const hs_ctx *ctx, const char *text, size_t len);
/* A copy of v for log_json: bearerToken and encrypted members' values replaced by "[redacted]",
 * or "[redacted]" itself when v is such a value or lies inside one. NULL when out of memory. */
struct json_value *sdk_redacted_copy(hs_ctx *ctx, const struct json_value *v);

/* ---- sdk_http.c: the table's outbound HTTP calls (see include/hookstack.h) ---------------- */

hs_status sdk_http_request(hs_ctx *ctx, const hs_http_request_v1 *req, hs_http_response **resp);
hs_status sdk_http_integrator_request(hs_ctx *ctx, const hs_http_request_v1 *req,
                                      hs_http_response **resp);
int sdk_http_status(const hs_http_response *resp);
const char *sdk_http_header(const hs_http_response *resp, const char *name);
const char *sdk_http_body(const hs_http_response *resp, size_t *len);
hs_status sdk_http_json(hs_ctx *ctx, const hs_http_response *resp, hs_json **out);

/* The integrator.io API base for these options (see integrator_request in hookstack.h), without
 * a trailing slash: HS_OK with *base (borrowed from options, static, or arena-owned), or
 * HS_ERR_INVALID with *why (static or arena-owned) when a configured value is unusable. */
hs_status sdk_http_integrator_base(const struct json_value *options, struct arena *a,
                                   const char **base, const char **why);

/* ---- sdk_decimal.c, sdk_currency.c: money (see include/hookstack.h, since 1.2) ------------- */

hs_status sdk_decimal_parse(hs_ctx *ctx, const char *s, size_t len, hs_decimal *out);
hs_status sdk_decimal_from_number(hs_ctx *ctx, double d, hs_decimal *out);
hs_status sdk_decimal_from_json(hs_ctx *ctx, const hs_json *v, hs_decimal *out);
hs_status sdk_decimal_add(hs_ctx *ctx, hs_decimal a, hs_decimal b, hs_decimal *out);
hs_status sdk_decimal_sub(hs_ctx *ctx, hs_decimal a, hs_decimal b, hs_decimal *out);
hs_status sdk_decimal_mul(hs_ctx *ctx, hs_decimal a, hs_decimal b, hs_decimal *out);
hs_status sdk_decimal_mul_round(hs_ctx *ctx, hs_decimal a, hs_decimal b, int scale, hs_round mode,
                                hs_decimal *out);
hs_status sdk_decimal_div(hs_ctx *ctx, hs_decimal a, hs_decimal b, int scale, hs_round mode,
                          hs_decimal *out);
hs_status sdk_decimal_round(hs_ctx *ctx, hs_decimal a, int scale, hs_round mode, hs_decimal *out);
hs_status sdk_decimal_allocate(hs_ctx *ctx, hs_decimal total, const hs_decimal *weights, size_t n,
                               int scale, hs_decimal *parts);
int sdk_decimal_cmp(hs_decimal a, hs_decimal b);
int sdk_decimal_sign(hs_decimal a);
int sdk_decimal_is_zero(hs_decimal a);
hs_decimal sdk_decimal_neg(hs_decimal a);
hs_decimal sdk_decimal_abs(hs_decimal a);
size_t sdk_decimal_format(hs_decimal a, char out[HS_DECIMAL_MAX]);
hs_status sdk_decimal_round_mode(hs_ctx *ctx, const char *name, hs_round *mode);
hs_json *sdk_json_new_decimal(hs_ctx *ctx, hs_decimal a);
hs_json *sdk_json_new_decimal_string(hs_ctx *ctx, hs_decimal a);
int sdk_currency_minor_units(const char *code);
/* The currency table's size and its row i's code (NULL past the end), for its unit test. */
size_t sdk_currency_count(void);
const char *sdk_currency_code_at(size_t i);

/* ---- sdk_date.c, sdk_date_instant.c, sdk_tz.c: dates (see include/hookstack.h, since 1.2)
 * ---------------------- */

hs_status sdk_date_parse(hs_ctx *ctx, const char *text, const char *format, hs_datetime *out);
hs_status sdk_date_format(hs_ctx *ctx, const hs_datetime *d, const char *format, const char **out);
hs_status sdk_date_from_json(hs_ctx *ctx, const hs_json *v, const char *format, hs_datetime *out);
hs_status sdk_date_to_ms(hs_ctx *ctx, const hs_datetime *d, const char *tz, int64_t *ms);
hs_status sdk_date_from_ms(hs_ctx *ctx, int64_t ms, const char *tz, hs_datetime *out);
hs_status sdk_date_days_between(hs_ctx *ctx, const hs_datetime *from, const hs_datetime *to,
                                const char *tz, int64_t *days);
hs_status sdk_date_add_days(hs_ctx *ctx, const hs_datetime *d, int64_t days, hs_datetime *out);
hs_status sdk_ctx_now(hs_ctx *ctx, unsigned flags, hs_datetime *out);

/* The range every hs_datetime keeps: years, and UTC offsets in minutes (as JavaScript accepts). */
#define SDK_DATE_YEAR_MIN   1
#define SDK_DATE_YEAR_MAX   9999
#define SDK_DATE_OFFSET_MAX (23 * 60 + 59)
/* Days in month m (1..12) of year y (sdk_date_instant.c). */
int sdk_date_month_days(int y, int m);
/* True when d is a valid value: fields in range, a real date, known flags. */
bool sdk_date_valid(const hs_datetime *d);
/* Records "<call>: not a valid hs_datetime" (TypeError); returns HS_ERR_INVALID. */
hs_status sdk_date_invalid(hs_ctx *ctx, const char *call);

/* The UTC offset of zone `tz` (an IANA name; NULL: UTC) at the instant utc_s (seconds since
 * the epoch), in seconds east of UTC. HS_ERR_NOT_FOUND for an unknown or malformed name. */
hs_status sdk_tz_offset_at(const char *tz, int64_t utc_s, int32_t *offset_s);

#endif
