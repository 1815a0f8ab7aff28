/* test_sfns_fx.c — the sfns module's currency code (hooks/sfns/sfns_fx.c) through the runner's
 * real hook API: ISO 4217 minor units and their overrides, rounding half-up and half-even,
 * settings.sfns.currency read strictly (every refusal names its key), rates from the settings and
 * from a record (dated rates: the one valid on the date; NextStartDate; undated fallback; age),
 * conversion through the corporate currency into zero- and three-decimal currencies, and the
 * conversion of a set of lines that keeps their converted total (also on a seeded sweep). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../hooks/sfns/sfns_fx.h"
#include "unit/sfns_test_ctx.h"

static hs_decimal D(const char *text)
{
    hs_decimal d = HS_DECIMAL(0, 0);
    assert_int_equal(sdk_api()->decimal_parse(NULL, text, strlen(text), &d), HS_OK);
    return d;
}

static const char *S(hs_decimal d)
{
    static char buf[8][HS_DECIMAL_MAX];
    static int i;
    i = (i + 1) % 8;
    sdk_api()->decimal_format(d, buf[i]);
    return buf[i];
}

static hs_datetime day(int y, int m, int d)
{
    return (hs_datetime){.year = y, .month = m, .day = d};
}

/* Reads settings.sfns.currency from sfns_json; asserts it is accepted. */
static hs_ctx *read_ok(const char *sfns_json, sfns_fx *fx)
{
    hs_ctx *ctx = sfns_test_ctx(sfns_json);
    assert_non_null(ctx);
    hs_status st = sfns_fx_read(ctx, fx);
    if (st != HS_OK)
        fail_msg("refused %s: %s", sfns_json, sfns_test_failure(ctx));
    return ctx;
}

/* Asserts settings are refused with a message starting with `prefix`. */
static void read_refused(const char *sfns_json, const char *prefix)
{
    sfns_fx fx;
    hs_ctx *ctx = sfns_test_ctx(sfns_json);
    assert_non_null(ctx);
    assert_int_equal(sfns_fx_read(ctx, &fx), HS_ERR_FAILED);
    assert_string_equal(sfns_test_failure_code(ctx), "invalid_setting");
    if (strncmp(sfns_test_failure(ctx), prefix, strlen(prefix)) != 0)
        fail_msg("settings %s: expected a message starting\n  %s\ngot\n  %s", sfns_json, prefix,
                 sfns_test_failure(ctx));
}

static void test_codes_and_minor_units(void **state)
{
    (void)state;
    sfns_fx fx;
    hs_ctx *ctx = read_ok("{\"currency\": {\"minorUnits\": {\"XAU\": 3, \"JPY\": 1}}}", &fx);
    assert_string_equal(sfns_fx_code(ctx, "eur"), "EUR");
    assert_null(sfns_fx_code(ctx, "EU"));
    assert_null(sfns_fx_code(ctx, "E1R"));
    assert_null(sfns_fx_code(ctx, "EURO"));
    assert_int_equal(sfns_fx_minor_units(&fx, "USD"), 2);
    assert_int_equal(sfns_fx_minor_units(&fx, "BHD"), 3);
    assert_int_equal(sfns_fx_minor_units(&fx, "KWD"), 3);
    assert_int_equal(sfns_fx_minor_units(&fx, "CLF"), 4);
    assert_int_equal(sfns_fx_minor_units(&fx, "JPY"), 1); /* overridden */
    assert_int_equal(sfns_fx_minor_units(&fx, "XAU"), 3); /* ISO gives none; the setting does */
    assert_int_equal(sfns_fx_minor_units(&fx, "XYZ"), -1);
    ctx = read_ok(NULL, &fx);
    assert_int_equal(sfns_fx_minor_units(&fx, "JPY"), 0);
    assert_int_equal(sfns_fx_minor_units(&fx, "KRW"), 0);
    assert_int_equal(sfns_fx_minor_units(&fx, "XAU"), -1);
    /* Without netsuiteIds the code itself is written; with it, only mapped codes. */
    assert_string_equal(sfns_fx_netsuite_id(ctx, &fx, "EUR"), "EUR");
    ctx = read_ok("{\"currency\": {\"netsuiteIds\": {\"USD\": 1, \"EUR\": \"4\"}}}", &fx);
    assert_string_equal(sfns_fx_netsuite_id(ctx, &fx, "USD"), "1");
    assert_string_equal(sfns_fx_netsuite_id(ctx, &fx, "EUR"), "4");
    assert_null(sfns_fx_netsuite_id(ctx, &fx, "GBP"));
}

static void test_rounding_modes(void **state)
{
    (void)state;
    sfns_fx fx;
    hs_decimal r;
    hs_ctx *ctx = read_ok(NULL, &fx); /* default: half-up, as Salesforce rounds */
    assert_int_equal(fx.mode, HS_ROUND_HALF_UP);
    assert_int_equal(sfns_fx_round(ctx, &fx, D("2.345"), 2, &r), HS_OK);
    assert_string_equal(S(r), "2.35");
    assert_int_equal(sfns_fx_round(ctx, &fx, D("-2.345"), 2, &r), HS_OK);
    assert_string_equal(S(r), "-2.35");
    assert_int_equal(sfns_fx_round(ctx, &fx, D("2.5"), 0, &r), HS_OK);
    assert_string_equal(S(r), "3");
    ctx = read_ok("{\"currency\": {\"rounding\": \"half-even\"}}", &fx);
    assert_int_equal(fx.mode, HS_ROUND_HALF_EVEN);
    assert_int_equal(sfns_fx_round(ctx, &fx, D("2.345"), 2, &r), HS_OK);
    assert_string_equal(S(r), "2.34");
    assert_int_equal(sfns_fx_round(ctx, &fx, D("2.355"), 2, &r), HS_OK);
    assert_string_equal(S(r), "2.36");
    assert_int_equal(sfns_fx_round(ctx, &fx, D("2.5"), 0, &r), HS_OK);
    assert_string_equal(S(r), "2");
    assert_int_equal(sfns_fx_round(ctx, &fx, D("1.2"), 3, &r), HS_OK); /* padded */
    assert_string_equal(S(r), "1.200");
    ctx = read_ok("{\"currency\": {\"rounding\": \"HALF_EVEN\"}}", &fx);
    assert_int_equal(fx.mode, HS_ROUND_HALF_EVEN);
}

static void test_invalid_settings(void **state)
{
    (void)state;
    read_refused("{\"currency\": 5}", "settings.sfns.currency: must be an object");
    read_refused("{\"currency\": {\"maxAge\": 3}}",
                 "settings.sfns.currency: unknown key \"maxAge\"");
    read_refused("{\"currency\": {\"rounding\": \"nearest\"}}",
                 "settings.sfns.currency.rounding: \"nearest\" is not a rounding mode");
    read_refused("{\"currency\": {\"rounding\": 2}}",
                 "settings.sfns.currency.rounding: must be a string");
    read_refused("{\"currency\": {\"corporateCurrency\": \"US Dollar\"}}",
                 "settings.sfns.currency.corporateCurrency: \"US Dollar\" is not an ISO 4217");
    read_refused("{\"currency\": {\"defaultCurrency\": \"XYZ\"}}",
                 "settings.sfns.currency.defaultCurrency: \"XYZ\" is not an ISO 4217");
    read_refused("{\"currency\": {\"ratesField\": \"\"}}",
                 "settings.sfns.currency.ratesField: must name a field");
    read_refused("{\"currency\": {\"maxRateAgeDays\": -1}}",
                 "settings.sfns.currency.maxRateAgeDays: must be an integer from 0 to 36500");
    read_refused("{\"currency\": {\"maxRateAgeDays\": 1.5}}",
                 "settings.sfns.currency.maxRateAgeDays: must be an integer");
    read_refused("{\"currency\": {\"minorUnits\": {\"usd\": 2}}}",
                 "settings.sfns.currency.minorUnits: key \"usd\" is not a currency code");
    read_refused("{\"currency\": {\"minorUnits\": {\"XAU\": 9}}}",
                 "settings.sfns.currency.minorUnits: the value of \"XAU\" must be an integer "
                 "from 0 to 6");
    read_refused("{\"currency\": {\"netsuiteIds\": {\"EURO\": \"4\"}}}",
                 "settings.sfns.currency.netsuiteIds: key \"EURO\" is not an ISO 4217");
    read_refused("{\"currency\": {\"netsuiteIds\": {\"EUR\": true}}}",
                 "settings.sfns.currency.netsuiteIds: the value of \"EUR\" must be a non-empty "
                 "string or an integer");
    read_refused("{\"currency\": {\"rates\": {\"EUR\": 0.94}}}",
                 "settings.sfns.currency.rates: must be an array, got an object");
    read_refused("{\"currency\": {\"rates\": [5]}}",
                 "settings.sfns.currency.rates[0]: must be an object");
    read_refused("{\"currency\": {\"rates\": [{\"currency\": \"EUR\", \"rate\": 1, \"from\": "
                 "\"2024-01-01\"}]}}",
                 "settings.sfns.currency.rates[0]: unknown key \"from\"");
    read_refused("{\"currency\": {\"rates\": [{\"currency\": \"EUR\", \"rate\": 0.9}, {\"rate\": "
                 "1}]}}",
                 "settings.sfns.currency.rates[1].currency: is required");
    read_refused("{\"currency\": {\"rates\": [{\"currency\": \"Euro\", \"rate\": 1}]}}",
                 "settings.sfns.currency.rates[0].currency: \"Euro\" is not an ISO 4217");
    read_refused("{\"currency\": {\"rates\": [{\"currency\": \"EUR\"}]}}",
                 "settings.sfns.currency.rates[0].rate: is required");
    read_refused("{\"currency\": {\"rates\": [{\"currency\": \"EUR\", \"rate\": \"0,94\"}]}}",
                 "settings.sfns.currency.rates[0].rate: must be a decimal number");
    read_refused("{\"currency\": {\"rates\": [{\"currency\": \"EUR\", \"rate\": 0}]}}",
                 "settings.sfns.currency.rates[0].rate: must be above zero");
    read_refused("{\"currency\": {\"rates\": [{\"currency\": \"EUR\", \"rate\": 1, \"date\": "
                 "\"3/5/2024\"}]}}",
                 "settings.sfns.currency.rates[0].date: \"3/5/2024\" is not a date written "
                 "YYYY-MM-DD");
    read_refused("{\"currency\": {\"rates\": [{\"currency\": \"EUR\", \"rate\": 1, \"date\": "
                 "\"2024-02-30\"}]}}",
                 "settings.sfns.currency.rates[0].date: \"2024-02-30\" is not a date");
    read_refused("{\"currency\": {\"rates\": [{\"currency\": \"EUR\", \"rate\": 0.9, \"date\": "
                 "\"2024-01-01\"}, {\"currency\": \"EUR\", \"rate\": 0.8, \"date\": "
                 "\"2024-01-01\"}]}}",
                 "settings.sfns.currency.rates[1]: repeats rates[0]: two EUR rates from "
                 "2024-01-01");
    read_refused("{\"currency\": {\"corporateCurrency\": \"USD\", \"rates\": [{\"currency\": "
                 "\"USD\", \"rate\": 1.1}]}}",
                 "settings.sfns.currency.rates[0]: is a rate of the corporate currency USD");
    read_refused("{\"currency\": {}, \"orderz\": {}}", "settings.sfns: unknown key \"orderz\"");
}

static const char *RATES = "{\"currency\": {\"corporateCurrency\": \"USD\", \"rates\": ["
                           "{\"currency\": \"EUR\", \"rate\": 0.90, \"date\": \"2024-01-01\"},"
                           "{\"currency\": \"EUR\", \"rate\": \"0.95\", \"date\": \"2024-03-01\"},"
                           "{\"currency\": \"EUR\", \"rate\": 0.97, \"date\": \"2024-04-01\"},"
                           "{\"currency\": \"GBP\", \"rate\": 0.81},"
                           "{\"currency\": \"JPY\", \"rate\": \"149.875\"},"
                           "{\"currency\": \"BHD\", \"rate\": \"0.3765\"}]}}";

/* Converts amount from -> to on the date with the settings' rates; returns the text. */
static const char *convert(hs_ctx *ctx, const sfns_fx *fx, const sfns_fx_table *record,
                           const char *amount, const char *from, const char *to, hs_datetime on)
{
    sfns_fx_pair pair;
    const char *problem = NULL;
    sfns_fx_status st = sfns_fx_pair_find(ctx, fx, record, from, to, &on, &pair, &problem);
    if (st != SFNS_FX_OK)
        fail_msg("%s -> %s: %s", from, to, problem ? problem : "(no problem given)");
    hs_decimal out;
    assert_int_equal(sfns_fx_convert(ctx, fx, &pair, D(amount), &out), HS_OK);
    assert_int_equal(out.scale, sfns_fx_minor_units(fx, to));
    return S(out);
}

static void test_conversion(void **state)
{
    (void)state;
    sfns_fx fx;
    hs_ctx *ctx = read_ok(RATES, &fx);
    hs_datetime mar5 = day(2024, 3, 5);
    /* Same currency: rounded only, no rate needed. */
    assert_string_equal(convert(ctx, &fx, NULL, "10.005", "CHF", "CHF", mar5), "10.01");
    /* From the corporate currency: the rate valid on the date (0.95 from March 1). */
    assert_string_equal(convert(ctx, &fx, NULL, "100.00", "USD", "EUR", mar5), "95.00");
    assert_string_equal(convert(ctx, &fx, NULL, "100.00", "USD", "EUR", day(2024, 2, 29)), "90.00");
    assert_string_equal(convert(ctx, &fx, NULL, "100.00", "USD", "EUR", day(2024, 4, 1)), "97.00");
    /* Into the corporate currency, and triangulated through it: 100 GBP = 100 / 0.81 USD. */
    assert_string_equal(convert(ctx, &fx, NULL, "95.00", "EUR", "USD", mar5), "100.00");
    assert_string_equal(convert(ctx, &fx, NULL, "100.00", "GBP", "USD", mar5), "123.46");
    assert_string_equal(convert(ctx, &fx, NULL, "100.00", "GBP", "EUR", mar5), "117.28");
    assert_string_equal(convert(ctx, &fx, NULL, "81.00", "GBP", "EUR", mar5), "95.00");
    /* Zero decimals: 1234.56 x 149.875 = 185029.68 -> 185030; and back. */
    assert_string_equal(convert(ctx, &fx, NULL, "1234.56", "USD", "JPY", mar5), "185030");
    assert_string_equal(convert(ctx, &fx, NULL, "185030", "JPY", "USD", mar5), "1234.56");
    /* Three decimals: 1 USD = 0.3765 BHD: a tie at the third place. */
    assert_string_equal(convert(ctx, &fx, NULL, "1.00", "USD", "BHD", mar5), "0.377");
    assert_string_equal(convert(ctx, &fx, NULL, "10.00", "USD", "BHD", mar5), "3.765");
    assert_string_equal(convert(ctx, &fx, NULL, "3.765", "BHD", "JPY", mar5), "1499");
    ctx = read_ok("{\"currency\": {\"corporateCurrency\": \"USD\", \"rounding\": \"half-even\", "
                  "\"rates\": [{\"currency\": \"BHD\", \"rate\": \"0.3765\"}, {\"currency\": "
                  "\"JPY\", \"rate\": \"150.5\"}]}}",
                  &fx);
    assert_string_equal(convert(ctx, &fx, NULL, "1.00", "USD", "BHD", mar5), "0.376");
    assert_string_equal(convert(ctx, &fx, NULL, "1.00", "USD", "JPY", mar5), "150");
    assert_string_equal(convert(ctx, &fx, NULL, "3.00", "USD", "JPY", mar5), "452");
}

static void test_missing_and_stale_rates(void **state)
{
    (void)state;
    sfns_fx fx;
    sfns_fx_pair pair;
    const char *problem = NULL;
    hs_datetime on = day(2023, 12, 31);
    hs_ctx *ctx = read_ok(RATES, &fx);
    /* Before the first dated EUR rate, and no undated one. */
    assert_int_equal(sfns_fx_pair_find(ctx, &fx, NULL, "USD", "EUR", &on, &pair, &problem),
                     SFNS_FX_MISSING);
    assert_string_equal(sfns_fx_status_code(SFNS_FX_MISSING), "missing_rate");
    assert_string_equal(
        problem, "no EUR exchange rate is valid on 2023-12-31: add {\"currency\": \"EUR\", "
                 "\"rate\": <units of EUR per 1 USD>, \"date\": \"<on or before 2023-12-31>\"} to "
                 "settings.sfns.currency.rates, or have the flow's lookup put Salesforce's "
                 "DatedConversionRate rows on the record at \"_rates\"");
    /* A currency without any rate. */
    on = day(2024, 3, 5);
    assert_int_equal(sfns_fx_pair_find(ctx, &fx, NULL, "CHF", "USD", &on, &pair, &problem),
                     SFNS_FX_MISSING);
    assert_non_null(strstr(problem, "no CHF exchange rate is valid on 2024-03-05"));
    /* No corporate currency. */
    ctx = read_ok("{\"currency\": {\"rates\": [{\"currency\": \"EUR\", \"rate\": 0.9}]}}", &fx);
    assert_int_equal(sfns_fx_pair_find(ctx, &fx, NULL, "USD", "EUR", &on, &pair, &problem),
                     SFNS_FX_NO_CORPORATE);
    assert_string_equal(sfns_fx_status_code(SFNS_FX_NO_CORPORATE), "missing_rate");
    assert_string_equal(problem, "converting USD to EUR needs the currency the exchange rates "
                                 "are quoted against: set settings.sfns.currency.corporateCurrency "
                                 "(Salesforce's corporate currency, such as \"USD\")");
    /* ... which the same currency does not need. */
    assert_int_equal(sfns_fx_pair_find(ctx, &fx, NULL, "EUR", "EUR", &on, &pair, &problem),
                     SFNS_FX_OK);
    assert_true(pair.identity);
    /* An undated rate stands in where no dated one is valid, and is never stale. */
    ctx = read_ok("{\"currency\": {\"corporateCurrency\": \"USD\", \"maxRateAgeDays\": 31, "
                  "\"rates\": [{\"currency\": \"EUR\", \"rate\": 0.93}, {\"currency\": \"EUR\", "
                  "\"rate\": 0.9, \"date\": \"2024-01-01\"}]}}",
                  &fx);
    assert_string_equal(convert(ctx, &fx, NULL, "100.00", "USD", "EUR", day(2023, 12, 31)),
                        "93.00");
    assert_string_equal(convert(ctx, &fx, NULL, "100.00", "USD", "EUR", day(2024, 1, 31)), "90.00");
    assert_string_equal(convert(ctx, &fx, NULL, "100.00", "USD", "EUR", day(2024, 2, 1)), "90.00");
    /* 2024-01-01 to 2024-03-05 is 64 days: older than 31. */
    assert_int_equal(sfns_fx_pair_find(ctx, &fx, NULL, "USD", "EUR", &on, &pair, &problem),
                     SFNS_FX_STALE);
    assert_string_equal(sfns_fx_status_code(SFNS_FX_STALE), "stale_rate");
    assert_string_equal(
        problem, "the EUR exchange rate 0.9 from 2024-01-01 is 64 days old on 2024-03-05, older "
                 "than settings.sfns.currency.maxRateAgeDays (31): add a newer EUR rate to "
                 "settings.sfns.currency.rates or to the rates the lookup puts at \"_rates\"");
    on = day(2024, 2, 2); /* 32 days */
    assert_int_equal(sfns_fx_pair_find(ctx, &fx, NULL, "EUR", "USD", &on, &pair, &problem),
                     SFNS_FX_STALE);
}

static void test_record_rates(void **state)
{
    (void)state;
    sfns_fx fx;
    sfns_fx_table t;
    const char *problem = NULL;
    hs_ctx *ctx = read_ok(RATES, &fx);
    /* Salesforce DatedConversionRate rows in a query envelope; an inactive row is left out. */
    hs_json *rec = sfns_test_value(
        "{\"_rates\": {\"totalSize\": 3, \"done\": true, \"records\": ["
        "{\"attributes\": {\"type\": \"DatedConversionRate\"}, \"IsoCode\": \"EUR\", "
        "\"ConversionRate\": 0.99, \"StartDate\": \"2024-03-01\", \"NextStartDate\": "
        "\"2024-04-01\"},"
        "{\"IsoCode\": \"EUR\", \"ConversionRate\": 0.5, \"StartDate\": \"2024-03-02\", "
        "\"IsActive\": false},"
        "{\"isocode\": \"gbp\", \"conversionrate\": \"0.8\"}]}}");
    assert_int_equal(sfns_fx_record_rates(ctx, &fx, rec, &t, &problem), SFNS_FX_OK);
    assert_int_equal(t.n, 2);
    /* The record's rate wins on its dates; after its NextStartDate the settings' apply. */
    assert_string_equal(convert(ctx, &fx, &t, "100.00", "USD", "EUR", day(2024, 3, 5)), "99.00");
    assert_string_equal(convert(ctx, &fx, &t, "100.00", "USD", "EUR", day(2024, 4, 2)), "97.00");
    assert_string_equal(convert(ctx, &fx, &t, "100.00", "USD", "EUR", day(2024, 2, 2)), "90.00");
    assert_string_equal(convert(ctx, &fx, &t, "80.00", "GBP", "USD", day(2024, 2, 2)), "100.00");
    /* The settings' own shape, one row, under a configured field. */
    ctx = read_ok("{\"currency\": {\"corporateCurrency\": \"USD\", \"ratesField\": \"fx\"}}", &fx);
    rec = sfns_test_value("{\"fx\": {\"currency\": \"EUR\", \"rate\": \"0.9\", \"date\": "
                          "\"2024-03-01T00:00:00.000+0000\"}}");
    assert_int_equal(sfns_fx_record_rates(ctx, &fx, rec, &t, &problem), SFNS_FX_OK);
    assert_int_equal(t.n, 1);
    assert_string_equal(convert(ctx, &fx, &t, "10.00", "EUR", "USD", day(2024, 3, 1)), "11.11");
    /* Absent or null: none. */
    rec = sfns_test_value("{\"fx\": null}");
    assert_int_equal(sfns_fx_record_rates(ctx, &fx, rec, &t, &problem), SFNS_FX_OK);
    assert_int_equal(t.n, 0);
    /* Rows that cannot be read name the row and the field. */
    rec = sfns_test_value("{\"fx\": [{\"IsoCode\": \"EUR\", \"ConversionRate\": 1}, "
                          "{\"IsoCode\": \"EUR\", \"ConversionRate\": \"abc\"}]}");
    assert_int_equal(sfns_fx_record_rates(ctx, &fx, rec, &t, &problem), SFNS_FX_BAD_RATE);
    assert_string_equal(sfns_fx_status_code(SFNS_FX_BAD_RATE), "bad_rate");
    assert_string_equal(
        problem, "rate 2 of 2 at \"fx\" has ConversionRate \"abc\", not a decimal above zero");
    rec = sfns_test_value("{\"fx\": [{\"ConversionRate\": 1}]}");
    assert_int_equal(sfns_fx_record_rates(ctx, &fx, rec, &t, &problem), SFNS_FX_BAD_RATE);
    assert_string_equal(problem, "rate 1 of 1 at \"fx\" has no IsoCode");
    rec = sfns_test_value("{\"fx\": [{\"IsoCode\": \"EUR\", \"ConversionRate\": -2}]}");
    assert_int_equal(sfns_fx_record_rates(ctx, &fx, rec, &t, &problem), SFNS_FX_BAD_RATE);
    rec = sfns_test_value("{\"fx\": [{\"IsoCode\": \"EUR\", \"ConversionRate\": 2, "
                          "\"StartDate\": \"soon\"}]}");
    assert_int_equal(sfns_fx_record_rates(ctx, &fx, rec, &t, &problem), SFNS_FX_BAD_RATE);
    assert_string_equal(problem, "rate 1 of 1 at \"fx\" has StartDate \"soon\", not a date");
    rec = sfns_test_value("{\"fx\": [7]}");
    assert_int_equal(sfns_fx_record_rates(ctx, &fx, rec, &t, &problem), SFNS_FX_BAD_RATE);
    assert_string_equal(problem, "rate 1 of 1 at \"fx\" is not an object");
}

/* Checks a converted set of lines: they sum to the total, which is the sum converted once, and
 * only the adjusted line differs from its own conversion. */
static void check_lines(hs_ctx *ctx, const sfns_fx *fx, const sfns_fx_pair *pair,
                        const hs_decimal *in, size_t n)
{
    const hs_api *api = sdk_api();
    hs_decimal out[16], total, sum_in = HS_DECIMAL(0, 0), sum_out = HS_DECIMAL(0, 0), once;
    size_t adjusted = 99;
    assert_true(n <= 16);
    assert_int_equal(sfns_fx_convert_lines(ctx, fx, pair, in, out, n, &total, &adjusted), HS_OK);
    assert_true(adjusted < n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(api->decimal_add(NULL, sum_in, in[i], &sum_in), HS_OK);
        assert_int_equal(api->decimal_add(NULL, sum_out, out[i], &sum_out), HS_OK);
        assert_int_equal(out[i].scale, pair->to_places);
        hs_decimal own;
        assert_int_equal(sfns_fx_convert(ctx, fx, pair, in[i], &own), HS_OK);
        if (i != adjusted)
            assert_int_equal(api->decimal_cmp(own, out[i]), 0);
        /* the largest line (the first of equals) takes the difference */
        assert_true(api->decimal_cmp(api->decimal_abs(in[adjusted]), api->decimal_abs(in[i])) >= 0);
        if (i < adjusted)
            assert_true(api->decimal_cmp(api->decimal_abs(in[adjusted]), api->decimal_abs(in[i])) >
                        0);
    }
    assert_int_equal(sfns_fx_convert(ctx, fx, pair, sum_in, &once), HS_OK);
    assert_int_equal(api->decimal_cmp(once, total), 0);
    if (api->decimal_cmp(sum_out, total) != 0)
        fail_msg("lines sum to %s, total %s", S(sum_out), S(total));
}

static void test_convert_lines(void **state)
{
    (void)state;
    sfns_fx fx;
    sfns_fx_pair pair;
    const char *problem = NULL;
    hs_datetime on = day(2024, 3, 5);
    hs_ctx *ctx = read_ok(RATES, &fx);
    assert_int_equal(sfns_fx_pair_find(ctx, &fx, NULL, "USD", "JPY", &on, &pair, &problem),
                     SFNS_FX_OK);
    /* 33.33 x 149.875 = 4995.33 -> 4995 each; 99.99 x 149.875 = 14986.00 -> 14986: the yen left
     * over goes on line 0. */
    hs_decimal in[3] = {D("33.33"), D("33.33"), D("33.33")}, out[3], total;
    size_t adjusted = 9;
    assert_int_equal(sfns_fx_convert_lines(ctx, &fx, &pair, in, out, 3, &total, &adjusted), HS_OK);
    assert_string_equal(S(total), "14986");
    assert_int_equal(adjusted, 0);
    assert_string_equal(S(out[0]), "4996");
    assert_string_equal(S(out[1]), "4995");
    assert_string_equal(S(out[2]), "4995");
    check_lines(ctx, &fx, &pair, in, 3);
    /* With a discount line (negative) and the largest line last. */
    hs_decimal mixed[4] = {D("10.01"), D("-1.50"), D("0.33"), D("250.00")};
    check_lines(ctx, &fx, &pair, mixed, 4);
    /* Into three decimals, and triangulated. */
    assert_int_equal(sfns_fx_pair_find(ctx, &fx, NULL, "GBP", "BHD", &on, &pair, &problem),
                     SFNS_FX_OK);
    check_lines(ctx, &fx, &pair, mixed, 4);
    /* Identity: the sum is exact already. */
    assert_int_equal(sfns_fx_pair_find(ctx, &fx, NULL, "USD", "USD", &on, &pair, &problem),
                     SFNS_FX_OK);
    check_lines(ctx, &fx, &pair, mixed, 4);
    /* A seeded sweep over amounts and pairs. */
    static const char *const codes[] = {"USD", "EUR", "GBP", "JPY", "BHD"};
    uint64_t seed = 0x5f3759df;
    for (int round = 0; round < 400; round++) {
        hs_decimal lines[8];
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        size_t n = 1 + (size_t)(seed >> 60) % 8;
        const char *from = codes[(seed >> 20) % 5], *to = codes[(seed >> 30) % 5];
        int places = sfns_fx_minor_units(&fx, from);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            int64_t units = (int64_t)((seed >> 24) % 100000000ull) - 5000000;
            lines[i] = HS_DECIMAL(units, places);
        }
        assert_int_equal(sfns_fx_pair_find(ctx, &fx, NULL, from, to, &on, &pair, &problem),
                         SFNS_FX_OK);
        check_lines(ctx, &fx, &pair, lines, n);
    }
}

static void test_overflow(void **state)
{
    (void)state;
    sfns_fx fx;
    sfns_fx_pair pair;
    const char *problem = NULL;
    hs_datetime on = day(2024, 3, 5);
    hs_ctx *ctx = read_ok(RATES, &fx);
    assert_int_equal(sfns_fx_pair_find(ctx, &fx, NULL, "USD", "JPY", &on, &pair, &problem),
                     SFNS_FX_OK);
    hs_decimal out;
    assert_int_equal(sfns_fx_convert(ctx, &fx, &pair, D("90000000000000000.00"), &out),
                     HS_ERR_RANGE);
    assert_non_null(sdk_api()->ctx_last_error(ctx, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codes_and_minor_units),   cmocka_unit_test(test_rounding_modes),
        cmocka_unit_test(test_invalid_settings),        cmocka_unit_test(test_conversion),
        cmocka_unit_test(test_missing_and_stale_rates), cmocka_unit_test(test_record_rates),
        cmocka_unit_test(test_convert_lines),           cmocka_unit_test(test_overflow),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    sfns_test_done();
    return rc;
}
