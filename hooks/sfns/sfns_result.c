/* sfns_result.c — the elements of a preMap answer: {data}, {} (skip) and per-record errors
 * {errors:[{code, message, source:"sfns"}]} that fail one record and never the page; and the
 * loop over a page's records. */
#include "sfns.h"

#include <stdarg.h>
#include <stdio.h>

hs_json *sfns_result_data(hs_ctx *ctx, hs_json *data)
{
    hs_json *out = sfns_api->json_new_object(ctx);
    if (out == NULL || sfns_api->json_set(ctx, out, "data", data) != HS_OK)
        return NULL;
    return out;
}

hs_json *sfns_result_skip(hs_ctx *ctx)
{
    return sfns_api->json_new_object(ctx);
}

hs_json *sfns_result_error(hs_ctx *ctx, const char *code, const char *message)
{
    hs_json *out = sfns_api->json_new_object(ctx);
    hs_json *errors = sfns_api->json_new_array(ctx);
    hs_json *err = sfns_api->error_new(ctx, code, message, SFNS_ERROR_SOURCE);
    if (out == NULL || errors == NULL || err == NULL ||
        sfns_api->json_push(ctx, errors, err) != HS_OK ||
        sfns_api->json_set(ctx, out, "errors", errors) != HS_OK)
        return NULL;
    return out;
}

hs_status sfns_errors_add(hs_ctx *ctx, hs_json **errors, const char *code, const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    if (*errors == NULL && (*errors = sfns_api->json_new_array(ctx)) == NULL)
        return HS_ERR_NOMEM;
    hs_json *err = sfns_api->error_new(ctx, code, message, SFNS_ERROR_SOURCE);
    if (err == NULL)
        return HS_ERR_NOMEM;
    return sfns_api->json_push(ctx, *errors, err);
}

hs_json *sfns_result_errors(hs_ctx *ctx, hs_json *errors)
{
    hs_json *out = sfns_api->json_new_object(ctx);
    if (out == NULL || sfns_api->json_set(ctx, out, "errors", errors) != HS_OK)
        return NULL;
    return out;
}

hs_status sfns_premap_page(hs_ctx *ctx, hs_json *options, sfns_record_fn fn, void *state,
                           hs_json **result)
{
    hs_json *data = sfns_api->json_get(options, "data");
    if (sfns_api->json_type(data) != HS_JSON_ARRAY)
        return sfns_api->fail(ctx, "invalid_options",
                              "%s: options.data must be the array of records of the page (the "
                              "function is a preMap hook)",
                              sfns_api->ctx_function(ctx));
    size_t n = sfns_api->json_len(data);
    hs_json *out = sfns_api->json_new_array(ctx);
    if (out == NULL)
        return HS_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        hs_json *elem = fn(ctx, state, sfns_api->json_at(data, i), i, n);
        if (elem == NULL || sfns_api->json_push(ctx, out, elem) != HS_OK)
            return HS_ERR_NOMEM;
    }
    *result = out;
    return HS_OK;
}
