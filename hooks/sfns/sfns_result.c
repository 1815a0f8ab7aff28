/* sfns_result.c — the elements of a preMap answer: {data}, {} (skip) and a per-record error
 * {errors:[{code, message, source:"sfns"}]} that fails one record and never the page. */
#include "sfns.h"

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
