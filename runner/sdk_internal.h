/* sdk_internal.h — the invocation context shared by the SDK's files: sdk.c (the table, JSON,
 * helpers), sdk_coerce.c (String(v), trimmed reads, typed settings), sdk_http.c (outbound HTTP),
 * sdk_decimal.c and sdk_currency.c (money), sdk_date.c and sdk_tz.c (dates). Not part of the hook
 * API; nothing outside the SDK includes it but its unit tests. */
#ifndef HS_SDK_INTERNAL_H
#define HS_SDK_INTERNAL_H

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

/* Records an error on the context (name static, msg arena-owned or static), as the table's
 * failing calls do; proto answers it when the function returns the status unexplained. */
void sdk_ctx_error_set(hs_ctx *ctx, const char *name, const char *msg);
/* The same with a printf-style message (formatted into the arena); nothing when ctx is NULL. */
void sdk_ctx_errorf(hs_ctx *ctx, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* v as a handle, recording "out of memory" on ctx when v is NULL. */
hs_json *sdk_json_made(hs_ctx *ctx, struct json_value *v);
/* Records "out of memory" (RangeError) and keeps HS_ERR_NOMEM as the context's error. */
void sdk_ctx_nomem(hs_ctx *ctx);
/* Keeps st with its description (name static; msg arena-owned or static) as the context's
 * error when none is kept yet (see ctx_error in hookstack.h); nothing when ctx is NULL. */
void sdk_ctx_keep(hs_ctx *ctx, hs_status st, const char *name, const char *msg);
/* The same with the description the last failing call recorded. */
void sdk_ctx_keep_last(hs_ctx *ctx, hs_status st);
/* Sets key (copied) to v in obj, as the table's json_set (recording and keeping failures). */
hs_status sdk_json_set(hs_ctx *ctx, hs_json *obj, const char *key, hs_json *v);
/* The setting at path (borrowed), as the table's setting. */
hs_json *sdk_setting(const hs_ctx *ctx, const char *path);
/* One hook log line of len bytes, with the invocation's secrets redacted. */
void sdk_ctx_log(hs_ctx *ctx, hs_log_level level, const char *text, size_t len);

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

/* ---- sdk_date.c, sdk_tz.c: dates (see include/hookstack.h, since 1.2) ---------------------- */

hs_status sdk_date_parse(hs_ctx *ctx, const char *text, const char *format, hs_datetime *out);
hs_status sdk_date_format(hs_ctx *ctx, const hs_datetime *d, const char *format, const char **out);
hs_status sdk_date_from_json(hs_ctx *ctx, const hs_json *v, const char *format, hs_datetime *out);
hs_status sdk_date_to_ms(hs_ctx *ctx, const hs_datetime *d, const char *tz, int64_t *ms);
hs_status sdk_date_from_ms(hs_ctx *ctx, int64_t ms, const char *tz, hs_datetime *out);
hs_status sdk_date_days_between(hs_ctx *ctx, const hs_datetime *from, const hs_datetime *to,
                                const char *tz, int64_t *days);
hs_status sdk_date_add_days(hs_ctx *ctx, const hs_datetime *d, int64_t days, hs_datetime *out);
hs_status sdk_ctx_now(hs_ctx *ctx, unsigned flags, hs_datetime *out);

/* The UTC offset of zone `tz` (an IANA name; NULL: UTC) at the instant utc_s (seconds since
 * the epoch), in seconds east of UTC. HS_ERR_NOT_FOUND for an unknown or malformed name. */
hs_status sdk_tz_offset_at(const char *tz, int64_t utc_s, int32_t *offset_s);

#endif
