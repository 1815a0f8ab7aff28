/* sdk_internal.h — the invocation context shared by the SDK's files: sdk.c (the table, JSON,
 * helpers) and sdk_http.c (outbound HTTP). Not part of the hook API; nothing outside the SDK
 * includes it but its unit tests. */
#ifndef HS_SDK_INTERNAL_H
#define HS_SDK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

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
};

/* Records an error on the context (name static, msg arena-owned or static), as the table's
 * failing calls do; proto answers it when the function returns the status unexplained. */
void sdk_ctx_error_set(hs_ctx *ctx, const char *name, const char *msg);
/* One hook log line of len bytes, with the invocation's secrets redacted. */
void sdk_ctx_log(hs_ctx *ctx, hs_log_level level, const char *text, size_t len);

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

#endif
