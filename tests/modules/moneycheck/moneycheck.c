/* moneycheck.c — test-only module for the fixture cases of tests/fixtures/moneycheck/: the hook
 * API's money and date calls (ABI 1.2) used from a built module, as a hook uses them, through the
 * real runner (fixtures run in a forked worker; currentExportDateTime arrives as a Date).
 *
 *   mcLineAmount  per-record preMap: an opportunity line {Quantity, UnitPrice, Discount (percent,
 *                 optional), CurrencyIsoCode} gets amount (a JSON number) and amountText (a
 *                 string) = Quantity x UnitPrice x (100 - Discount) / 100, rounded once to the
 *                 currency's minor units with settings.rounding (default "half-up"); a line
 *                 that cannot be read gets an error {code: bad_line, message: <the description
 *                 the failing call recorded>, source: moneycheck}
 *   mcAllocate    utility: options.total (number or string) split over options.weights at the
 *                 minor units of options.currency: answers the parts as strings
 *   mcOverdue     page preSavePage: each invoice {duedate in settings.dateFormat, amountremaining}
 *                 gets daysOverdue (whole days from duedate to now in settings.timeZone, 0 when
 *                 not overdue or nothing remains) and asOf (now, in Salesforce's form); now is
 *                 options.currentExportDateTime (an error without it) */
#include <stddef.h>

#include "hookstack.h"

static const hs_api *api;

#define TRY(expr)                                                                                  \
    do {                                                                                           \
        hs_status st_ = (expr);                                                                    \
        if (st_ != HS_OK)                                                                          \
            return st_;                                                                            \
    } while (0)

static hs_status line_value(hs_ctx *ctx, hs_json *line, hs_decimal *net)
{
    const char *cur = api->json_string(ctx, api->json_get(line, "CurrencyIsoCode"), NULL, "USD");
    int places = api->currency_minor_units(cur);
    if (places < 0)
        return api->fail(ctx, "bad_currency", "unknown currency %s", cur);
    hs_round mode;
    TRY(api->decimal_round_mode(ctx, api->setting_string(ctx, "rounding", "half-up"), &mode));
    hs_decimal qty, price, disc = HS_DECIMAL(0, 0), gross, keep;
    TRY(api->decimal_from_json(ctx, api->json_get(line, "Quantity"), &qty));
    TRY(api->decimal_from_json(ctx, api->json_get(line, "UnitPrice"), &price));
    if (api->json_get(line, "Discount"))
        TRY(api->decimal_from_json(ctx, api->json_get(line, "Discount"), &disc));
    TRY(api->decimal_mul(ctx, qty, price, &gross));
    TRY(api->decimal_sub(ctx, HS_DECIMAL(100, 0), disc, &keep));
    TRY(api->decimal_mul(ctx, gross, keep, &gross));
    return api->decimal_div(ctx, gross, HS_DECIMAL(100, 0), places, mode, net);
}

static hs_status line_amount(hs_ctx *ctx, hs_record *rec)
{
    hs_json *line = api->record_data(rec);
    hs_decimal net;
    hs_status st = line_value(ctx, line, &net);
    if (st == HS_ERR_FAILED)
        return st;
    if (st != HS_OK)
        return api->record_add_error(
            rec, api->error_new(ctx, "bad_line", api->ctx_last_error(ctx, NULL), "moneycheck"));
    hs_json *number = api->json_new_decimal(ctx, net);
    hs_json *text = api->json_new_decimal_string(ctx, net);
    if (!number || !text)
        return HS_ERR_RANGE;
    TRY(api->json_set(ctx, line, "amount", number));
    return api->json_set(ctx, line, "amountText", text);
}

static hs_status allocate(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    int places = api->currency_minor_units(
        api->json_string(ctx, api->json_get(options, "currency"), NULL, "USD"));
    hs_json *w = api->json_get(options, "weights");
    size_t n = api->json_len(w);
    hs_decimal total, *weights = api->alloc(ctx, (n + 1) * sizeof(*weights)),
                      *parts = api->alloc(ctx, (n + 1) * sizeof(*parts));
    if (!weights || !parts)
        return HS_ERR_NOMEM;
    TRY(api->decimal_from_json(ctx, api->json_get(options, "total"), &total));
    for (size_t i = 0; i < n; i++)
        TRY(api->decimal_from_json(ctx, api->json_at(w, i), &weights[i]));
    TRY(api->decimal_allocate(ctx, total, weights, n, places, parts));
    hs_json *out = api->json_new_array(ctx);
    if (!out)
        return HS_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        TRY(api->json_push(ctx, out, api->json_new_decimal_string(ctx, parts[i])));
    *result = out;
    return HS_OK;
}

static hs_status overdue(hs_ctx *ctx, hs_page *page)
{
    const char *format = api->setting_string(ctx, "dateFormat", "M/D/YYYY");
    const char *tz = api->setting_string(ctx, "timeZone", "UTC");
    hs_datetime now;
    TRY(api->ctx_now(ctx, 0, &now));
    const char *as_of;
    TRY(api->date_format(ctx, &now, HS_DATE_FORMAT_SALESFORCE, &as_of));
    hs_json *data = api->page_data(page);
    for (size_t i = 0; i < api->json_len(data); i++) {
        hs_json *inv = api->json_at(data, i);
        hs_datetime due;
        hs_decimal left;
        int64_t days;
        TRY(api->date_from_json(ctx, api->json_get(inv, "duedate"), format, &due));
        TRY(api->decimal_from_json(ctx, api->json_get(inv, "amountremaining"), &left));
        TRY(api->date_days_between(ctx, &due, &now, tz, &days));
        if (days < 0 || api->decimal_sign(left) <= 0)
            days = 0;
        TRY(api->json_set_number(ctx, inv, "daysOverdue", (double)days));
        TRY(api->json_set_string(ctx, inv, "asOf", as_of));
    }
    return HS_OK;
}

static hs_status init(const hs_api *a, hs_module *mod)
{
    api = a;
    if (!HS_API_HAS(api, ctx_now))
        return HS_ERR_ABI;
    TRY(api->register_record_fn(mod, "mcLineAmount", HS_KIND_PRE_MAP, line_amount, NULL));
    TRY(api->register_fn(mod, "mcAllocate", HS_KIND_UTILITY, allocate, NULL));
    return api->register_page_fn(mod, "mcOverdue", HS_KIND_PRE_SAVE_PAGE, overdue, NULL);
}

HS_MODULE("moneycheck", "1.0.0", init)
