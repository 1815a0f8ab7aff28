/* sfns_sdk.c — record dates and currency codes through the runner's calls of hook ABI 1.2 (see
 * sfns_sdk.h). */
#include "sfns_sdk.h"

#include "sfns_text.h"

int sfns_sdk_ready(void)
{
    return HS_API_HAS(sfns_api, ctx_now) && HS_API_HAS(sfns_api, currency_minor_units);
}

int sfns_time_read(hs_ctx *ctx, const hs_json *v, const char *format, const char *tz, int64_t *ms)
{
    const char *text = NULL;
    hs_json_type t = sfns_api->json_type(v);
    if (t == HS_JSON_STRING && sfns_text(ctx, v, &text) != SFNS_TEXT)
        return 0;
    hs_datetime d;
    if (t == HS_JSON_STRING) {
        if (sfns_api->date_parse(ctx, text, format, &d) != HS_OK)
            return 0;
    } else if (sfns_api->date_from_json(ctx, v, NULL, &d) != HS_OK) {
        return 0;
    }
    return sfns_api->date_to_ms(ctx, &d, tz, ms) == HS_OK;
}

int sfns_time_zone_known(hs_ctx *ctx, const char *tz)
{
    hs_datetime d = {.year = 2000, .month = 1, .day = 1};
    int64_t ms = 0;
    return sfns_api->date_to_ms(ctx, &d, tz, &ms) == HS_OK;
}

int sfns_time_format_valid(hs_ctx *ctx, const char *format)
{
    hs_datetime d = {
        .year = 2000, .month = 1, .day = 1, .flags = HS_DATETIME_HAS_TIME | HS_DATETIME_HAS_OFFSET};
    const char *out = NULL;
    return sfns_api->date_format(ctx, &d, format, &out) == HS_OK;
}

int sfns_currency_known(const char *code)
{
    return code != NULL && code[0] >= 'A' && code[0] <= 'Z' &&
           sfns_api->currency_minor_units(code) >= 0;
}
