/* fuzz_money_dates.c — libFuzzer target for the hook API's decimal and date readers
 * (runner/sdk_decimal.c, runner/sdk_date.c), which read text straight from records and settings.
 *
 * Input: a first byte choosing the reader, then the text. 'd' (and any byte not below): a decimal
 * (decimal_parse); whatever reads must be a valid value that prints and reads back identically,
 * compares equal to itself, and survives a few operations. 'i': an ISO 8601 date (date_parse
 * without a pattern); whatever reads must print (date_format) and read back to the same fields.
 * 'p': a pattern, a newline, then the text (date_parse with that pattern); whatever reads must
 * be a valid value, and if it prints, the text must be within the output limit. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "registry_internal.h"
#include "sdk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_money_dates: %s\n", what);
        abort();
    }
}

static hs_ctx *fuzz_ctx;

static hs_status fuzz_capture(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    (void)result;
    fuzz_ctx = ctx;
    return HS_OK;
}

static void fuzz_decimal(const hs_api *api, hs_ctx *ctx, const char *s, size_t n)
{
    hs_decimal d;
    if (api->decimal_parse(ctx, s, n, &d) != HS_OK)
        return;
    check(d.scale >= 0 && d.scale <= HS_DECIMAL_MAX_SCALE && d.units != INT64_MIN, "valid");
    char text[HS_DECIMAL_MAX];
    size_t len = api->decimal_format(d, text);
    check(len > 0 && len < HS_DECIMAL_MAX && strlen(text) == len, "format");
    hs_decimal back;
    check(api->decimal_parse(ctx, text, len, &back) == HS_OK, "printed text reads back");
    check(back.units == d.units && back.scale == d.scale, "identical after a round trip");
    check(api->decimal_cmp(d, d) == 0 && api->decimal_cmp(d, back) == 0, "compares equal");
    hs_decimal z, r;
    check(api->decimal_add(ctx, d, api->decimal_neg(d), &z) == HS_OK && api->decimal_is_zero(z),
          "d + -d is zero");
    if (!api->decimal_is_zero(d)) {
        check(api->decimal_div(ctx, d, d, 0, HS_ROUND_HALF_EVEN, &r) == HS_OK &&
                  api->decimal_cmp(r, HS_DECIMAL(1, 0)) == 0,
              "d / d is one");
    }
    if (api->decimal_round(ctx, d, 2, HS_ROUND_HALF_EVEN, &r) == HS_OK)
        check(r.scale == 2, "rounded scale");
    hs_decimal w[2] = {api->decimal_abs(d), HS_DECIMAL(1, 0)}, parts[2];
    if (api->decimal_round(ctx, d, d.scale, HS_ROUND_DOWN, &r) == HS_OK &&
        api->decimal_allocate(ctx, r, w, 2, r.scale, parts) == HS_OK) {
        hs_decimal sum;
        check(api->decimal_add(ctx, parts[0], parts[1], &sum) == HS_OK &&
                  api->decimal_cmp(sum, r) == 0,
              "allocation sums to the total");
    }
    (void)api->json_new_decimal(ctx, d);
}

static bool same_fields(const hs_datetime *a, const hs_datetime *b)
{
    return a->year == b->year && a->month == b->month && a->day == b->day && a->hour == b->hour &&
           a->minute == b->minute && a->second == b->second && a->millisecond == b->millisecond &&
           a->offset_minutes == b->offset_minutes && a->flags == b->flags;
}

static void fuzz_date(const hs_api *api, hs_ctx *ctx, const char *format, const char *text)
{
    hs_datetime d;
    if (api->date_parse(ctx, text, format, &d) != HS_OK)
        return;
    check(d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
              d.day <= 31 && d.hour >= 0 && d.hour <= 23 && d.minute >= 0 && d.minute <= 59 &&
              d.second >= 0 && d.second <= 59 && d.millisecond >= 0 && d.millisecond <= 999,
          "fields in range");
    const char *out = NULL;
    hs_status st = api->date_format(ctx, &d, format, &out);
    if (st == HS_OK)
        check(out != NULL && strlen(out) < 256, "formatted text within the limit");
    if (!format) {
        check(st == HS_OK, "an ISO value prints");
        hs_datetime back;
        check(api->date_parse(ctx, out, NULL, &back) == HS_OK, "printed ISO text reads back");
        check(same_fields(&d, &back), "same fields after a round trip");
    }
    int64_t ms, days;
    if (api->date_to_ms(ctx, &d, "America/New_York", &ms) == HS_OK) {
        hs_datetime again;
        check(api->date_from_ms(ctx, ms, NULL, &again) == HS_OK || ms < -62135596800000 ||
                  ms > 253402300799999,
              "an instant converts back");
    }
    check(api->date_days_between(ctx, &d, &d, "Europe/Paris", &days) == HS_OK && days == 0,
          "zero days from a value to itself");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 4096)
        return 0;
    const hs_api *api = sdk_api();
    struct arena *a = arena_new(16 * 1024, 1u << 24);
    check(a != NULL, "arena");
    static struct registry_fn fn = {.name = "fuzz", .kind = HS_KIND_UTILITY};
    fn.u.plain = fuzz_capture;
    struct sdk_call *call = arena_calloc(a, 1, sizeof(*call));
    check(call != NULL, "call");
    call->fn = &fn;
    call->arena = a;
    check(sdk_invoke(call) == HS_OK && fuzz_ctx != NULL, "context");
    /* NUL-terminated copy of the text after the selector. */
    char *text = arena_alloc(a, size);
    check(text != NULL, "copy");
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    switch (data[0]) {
    case 'i':
        fuzz_date(api, fuzz_ctx, NULL, text);
        break;
    case 'p': {
        char *nl = strchr(text, '\n');
        if (nl) {
            *nl = '\0';
            fuzz_date(api, fuzz_ctx, text, nl + 1);
        }
        break;
    }
    default:
        fuzz_decimal(api, fuzz_ctx, text, size - 1);
        break;
    }
    arena_free(a);
    return 0;
}
