/* sfns_sdk.c — record dates and currency codes through the runner's calls (see sfns_sdk.h). */
#include "sfns_sdk.h"

#include "sfns_text.h"

#include <math.h>

#if HS_ABI_MINOR >= 2

int sfns_time_read(hs_ctx *ctx, const hs_json *v, const char *format, const char *tz, int64_t *ms)
{
    if (!HS_API_HAS(sfns_api, ctx_now))
        return 0;
    const char *text = NULL;
    hs_json_type t = sfns_api->json_type(v);
    if (t == HS_JSON_STRING && sfns_text(ctx, v, &text) != SFNS_TEXT)
        return 0;
    hs_datetime d;
    if (sfns_api->date_from_json(ctx, v, t == HS_JSON_STRING ? format : NULL, &d) != HS_OK)
        return 0;
    return sfns_api->date_to_ms(ctx, &d, tz, ms) == HS_OK;
}

int sfns_time_zone_known(hs_ctx *ctx, const char *tz)
{
    hs_datetime d = {.year = 2000, .month = 1, .day = 1};
    int64_t ms = 0;
    return HS_API_HAS(sfns_api, ctx_now) && sfns_api->date_to_ms(ctx, &d, tz, &ms) == HS_OK;
}

int sfns_time_format_valid(hs_ctx *ctx, const char *format)
{
    hs_datetime d = {
        .year = 2000, .month = 1, .day = 1, .flags = HS_DATETIME_HAS_TIME | HS_DATETIME_HAS_OFFSET};
    const char *out = NULL;
    return HS_API_HAS(sfns_api, ctx_now) && sfns_api->date_format(ctx, &d, format, &out) == HS_OK;
}

int sfns_currency_known(const char *code)
{
    return HS_API_HAS(sfns_api, currency_minor_units) && code != NULL &&
           sfns_api->currency_minor_units(code) >= 0 && code[0] >= 'A' && code[0] <= 'Z';
}

#else

/* Before the runner's date calls (hook ABI 1.2): JavaScript's Date parsing, ISO 8601 only. */
int sfns_time_read(hs_ctx *ctx, const hs_json *v, const char *format, const char *tz, int64_t *ms)
{
    (void)tz;
    const char *text = NULL;
    if (format != NULL || sfns_text(ctx, v, &text) != SFNS_TEXT)
        return 0;
    double d = NAN;
    if (sfns_api->json_date_ms(sfns_api->json_new_date_parse(ctx, text), &d) != HS_OK ||
        !isfinite(d))
        return 0;
    *ms = (int64_t)d;
    return 1;
}

int sfns_time_zone_known(hs_ctx *ctx, const char *tz)
{
    (void)ctx;
    return tz != NULL && (tz[0] == 'U' && tz[1] == 'T' && tz[2] == 'C' && tz[3] == '\0');
}

int sfns_time_format_valid(hs_ctx *ctx, const char *format)
{
    (void)ctx;
    return format == NULL;
}

/* Before the runner's currency table: three upper-case letters. */
int sfns_currency_known(const char *code)
{
    if (code == NULL)
        return 0;
    for (int i = 0; i < 3; i++)
        if (code[i] < 'A' || code[i] > 'Z')
            return 0;
    return code[3] == '\0';
}

#endif
