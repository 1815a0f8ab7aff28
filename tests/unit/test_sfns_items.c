/* test_sfns_items.c — the price-matrix logic of sfnsItemsToPricebook (hooks/sfns/
 * sfns_items_matrix.c) through the runner's real hook API: quantity breaks read from NetSuite's
 * priceList (numbers and decimal strings, blanks left out, sorted, duplicates and junk refused),
 * the quantity-1 price, conversion from the base currency through the shared currency code
 * (settings.sfns.currency: corporate currency, dated rates, rounding; the deprecated
 * pricebooks.rates) rounded once to the target's minor units, the matrix's currencies and levels,
 * and the product code as the inverse of settings.sfns.catalog (and the deprecated productCode). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../hooks/sfns/sfns_items.h"
#include "sdk_internal.h"
#include "unit/sdk_test_ctx.h"

/* The sfns module's table (sfns.c defines it in the module; this test links the files alone). */
const hs_api *sfns_api;

static struct arena *arena;

static hs_ctx *ctx_new(void)
{
    sfns_api = sdk_api();
    if (arena)
        arena_free(arena);
    arena = arena_new(256 * 1024, 0);
    hs_ctx *ctx = sdk_test_ctx(arena, sdk_test_json(arena, "{}"));
    assert_non_null(ctx);
    return ctx;
}

static int teardown(void **state)
{
    (void)state;
    if (arena)
        arena_free(arena);
    arena = NULL;
    return 0;
}

static hs_json *J(const char *text)
{
    hs_json *v = (hs_json *)sdk_test_json(arena, text);
    assert_non_null(v);
    return v;
}

static const char *S(hs_decimal d)
{
    static char buf[8][HS_DECIMAL_MAX];
    static int i;
    i = (i + 1) % 8;
    sfns_api->decimal_format(d, buf[i]);
    return buf[i];
}

static void breaks_sorted_blanks_dropped(void **state)
{
    (void)state;
    hs_ctx *ctx = ctx_new();
    sfns_break *b = NULL;
    size_t n = 0;
    const char *why = NULL;
    hs_json *pl = J("{\"price\": [{\"value\": \"91.25\", \"quantity\": 50}, {\"value\": 110.5, "
                    "\"quantity\": \"0\"}, {\"value\": \"\", \"quantity\": 25}, {\"value\": 101, "
                    "\"quantity\": 10}, {\"value\": null, \"quantity\": 5}]}");
    assert_int_equal(sfns_breaks_read(ctx, pl, &b, &n, &why), HS_OK);
    assert_int_equal(n, 3);
    assert_string_equal(S(b[0].quantity), "0");
    assert_string_equal(S(b[0].price), "110.5");
    assert_string_equal(S(b[1].quantity), "10");
    assert_string_equal(S(b[1].price), "101");
    assert_string_equal(S(b[2].quantity), "50");
    assert_string_equal(S(b[2].price), "91.25");
    hs_decimal unit;
    assert_true(sfns_breaks_unit_price(b, n, &unit));
    assert_string_equal(S(unit), "110.5");
    /* one price object instead of an array, no quantity: from the first unit */
    assert_int_equal(sfns_breaks_read(ctx, J("{\"price\": {\"value\": \"7.10\"}}"), &b, &n, &why),
                     HS_OK);
    assert_int_equal(n, 1);
    assert_string_equal(S(b[0].price), "7.10");
    assert_string_equal(S(b[0].quantity), "0");
}

static void unit_price_rules(void **state)
{
    (void)state;
    hs_ctx *ctx = ctx_new();
    sfns_break *b = NULL;
    size_t n = 0;
    const char *why = NULL;
    /* breaks at 0 and 1: the one at 1 is the quantity-1 price */
    assert_int_equal(
        sfns_breaks_read(ctx,
                         J("[{\"value\":\"9\",\"quantity\":0},{\"value\":\"8\",\"quantity\":1},"
                           "{\"value\":\"7\",\"quantity\":2}]"),
                         &b, &n, &why),
        HS_OK);
    hs_decimal unit;
    assert_true(sfns_breaks_unit_price(b, n, &unit));
    assert_string_equal(S(unit), "8");
    /* the first break above 1: no quantity-1 price */
    assert_int_equal(sfns_breaks_read(ctx, J("[{\"value\":\"9\",\"quantity\":5}]"), &b, &n, &why),
                     HS_OK);
    assert_false(sfns_breaks_unit_price(b, n, &unit));
    assert_false(sfns_breaks_unit_price(b, 0, &unit));
}

static void breaks_refused(void **state)
{
    (void)state;
    hs_ctx *ctx = ctx_new();
    sfns_break *b = NULL;
    size_t n = 0;
    const char *why = NULL;
    assert_int_equal(sfns_breaks_read(ctx,
                                      J("[{\"value\":\"9\",\"quantity\":10},{\"value\":\"8\","
                                        "\"quantity\":\"10.0\"}]"),
                                      &b, &n, &why),
                     HS_ERR_PARSE);
    assert_string_equal(why, "two prices for quantity 10.0");
    why = NULL;
    assert_int_equal(
        sfns_breaks_read(ctx, J("[{\"value\":\"12,50\",\"quantity\":0}]"), &b, &n, &why),
        HS_ERR_PARSE);
    assert_string_equal(why, "price 0: value and quantity must be decimals");
    assert_int_equal(sfns_breaks_read(ctx, J("[{\"value\":\"-1\",\"quantity\":0}]"), &b, &n, &why),
                     HS_ERR_PARSE);
    assert_string_equal(why, "price 0: value and quantity must not be negative");
    assert_int_equal(sfns_breaks_read(ctx, J("{\"price\": 5}"), &b, &n, &why), HS_ERR_PARSE);
}

/* A conversion from one unit of the base currency to `rate` units of the target, as
 * sfns_fx_pair_find sets it up when the base currency is the corporate one. */
static sfns_fx_pair pair_of(hs_decimal rate, int places)
{
    sfns_fx_pair p = {.from = "USD", .to = "XXX", .to_places = places};
    p.from_rate.rate = HS_DECIMAL(1, 0);
    p.to_rate.rate = rate;
    return p;
}

static void convert_rounds_once_to_minor_units(void **state)
{
    (void)state;
    hs_ctx *ctx = ctx_new();
    sfns_break in[3] = {{HS_DECIMAL(0, 0), HS_DECIMAL(12000, 2)},
                        {HS_DECIMAL(10, 0), HS_DECIMAL(11000, 2)},
                        {HS_DECIMAL(50, 0), HS_DECIMAL(9950, 2)}};
    sfns_break out[3];
    sfns_fx fx = {.mode = HS_ROUND_HALF_UP};
    sfns_fx_pair jpy = pair_of(HS_DECIMAL(149875, 3), 0);
    assert_int_equal(sfns_breaks_convert(ctx, &fx, &jpy, in, 3, out), HS_OK);
    assert_string_equal(S(out[0].price), "17985"); /* 17985.000 */
    assert_string_equal(S(out[1].price), "16486"); /* 16486.25 */
    assert_string_equal(S(out[2].price), "14913"); /* 14912.5625 */
    assert_string_equal(S(out[2].quantity), "50");
    /* a tie: half-up away from zero, half-even to even */
    sfns_break tie = {HS_DECIMAL(0, 0), HS_DECIMAL(125, 2)};
    sfns_break r;
    sfns_fx_pair one_place = pair_of(HS_DECIMAL(1, 0), 1);
    assert_int_equal(sfns_breaks_convert(ctx, &fx, &one_place, &tie, 1, &r), HS_OK);
    assert_string_equal(S(r.price), "1.3");
    fx.mode = HS_ROUND_HALF_EVEN;
    assert_int_equal(sfns_breaks_convert(ctx, &fx, &one_place, &tie, 1, &r), HS_OK);
    assert_string_equal(S(r.price), "1.2");
    /* three places (BHD) */
    fx.mode = HS_ROUND_HALF_UP;
    sfns_break one = {HS_DECIMAL(0, 0), HS_DECIMAL(1999, 2)};
    sfns_fx_pair bhd = pair_of(HS_DECIMAL(376, 3), 3);
    assert_int_equal(sfns_breaks_convert(ctx, &fx, &bhd, &one, 1, &r), HS_OK);
    assert_string_equal(S(r.price), "7.516"); /* 7.51624 */
}

static void matrix_levels_and_currencies(void **state)
{
    (void)state;
    hs_ctx *ctx = ctx_new();
    sfns_items_conf c = {0};
    c.currency_codes = J("{\"2\": \"GBP\"}");
    hs_json *item = J("{\"pricingMatrix\": {\"pricing\": ["
                      "{\"currency\": {\"internalId\": \"1\", \"name\": \"USD\"},"
                      " \"priceLevel\": {\"internalId\": \"1\", \"name\": \"Base Price\"},"
                      " \"priceList\": {\"price\": [{\"value\": \"10\", \"quantity\": 0}]}},"
                      "{\"currency\": {\"internalId\": \"2\", \"name\": \"British pound\"},"
                      " \"priceLevel\": {\"internalId\": \"1\", \"name\": \"Base Price\"},"
                      " \"priceList\": {\"price\": [{\"value\": \"8\", \"quantity\": 0}]}},"
                      "{\"currency\": \"EUR\", \"priceLevel\": \"5\","
                      " \"priceList\": {\"price\": [{\"value\": \"9\", \"quantity\": 0}]}}]}}");
    sfns_price_matrix m;
    const char *code = NULL, *why = NULL;
    assert_int_equal(sfns_matrix_read(ctx, &c, item, &m, &code, &why), HS_OK);
    assert_int_equal(m.n, 3);
    assert_string_equal(m.rows[1].currency, "GBP");
    assert_non_null(sfns_matrix_find(&m, "Base Price", "USD"));
    assert_ptr_equal(sfns_matrix_find(&m, "1", "GBP"), &m.rows[1]);
    assert_ptr_equal(sfns_matrix_find(&m, "5", "EUR"), &m.rows[2]);
    assert_null(sfns_matrix_find(&m, "5", "USD"));
    assert_true(sfns_matrix_has_level(&m, "5"));
    assert_false(sfns_matrix_has_level(&m, "Wholesale"));

    /* a currency no setting names and that is no ISO code */
    c.currency_codes = NULL;
    assert_int_equal(sfns_matrix_read(ctx, &c, item, &m, &code, &why), HS_ERR_PARSE);
    assert_string_equal(code, "unknown_currency");
    assert_non_null(strstr(why, "\"British pound\" (internal id 2)"));
    /* one level twice in one currency */
    hs_json *twice = J("{\"pricingMatrix\": {\"pricing\": ["
                       "{\"currency\": \"USD\", \"priceLevel\": \"1\", \"priceList\": null},"
                       "{\"currency\": \"USD\", \"priceLevel\": {\"internalId\": \"1\"},"
                       " \"priceList\": null}]}}");
    assert_int_equal(sfns_matrix_read(ctx, &c, twice, &m, &code, &why), HS_ERR_PARSE);
    assert_string_equal(code, "bad_matrix");
    /* no matrix at all: no rows */
    assert_int_equal(sfns_matrix_read(ctx, &c, J("{\"pricingMatrix\": null}"), &m, &code, &why),
                     HS_OK);
    assert_int_equal(m.n, 0);
}

static void product_code_inverse_rules(void **state)
{
    (void)state;
    hs_ctx *ctx = ctx_new();
    sfns_items_conf c = {0};
    c.code_prefix = "";
    c.code_suffix = "";
    c.code_strip_parent = 1;
    c.code_case = SFNS_SKU_EXACT;
    assert_string_equal(sfns_items_code(ctx, &c, "1", "Hardware : pb-762gh"), "pb-762gh");
    c.legacy_code = 1; /* the deprecated productCode: prefix and suffix added as given */
    c.code_case = SFNS_SKU_UPPER;
    c.code_prefix = "sf-";
    assert_string_equal(sfns_items_code(ctx, &c, "1", "Hardware : pb-762gh"), "SF-PB-762GH");
    c.code_strip_parent = 0;
    c.code_case = SFNS_SKU_EXACT;
    c.code_prefix = "";
    c.code_suffix = "-EA";
    assert_string_equal(sfns_items_code(ctx, &c, "1", "A : b"), "A : b-EA");
    c.code_map = J("{\"1043\": \"LEGACY-7\", \"ONETIME\": \"ONE-TIME\"}");
    assert_string_equal(sfns_items_code(ctx, &c, "1043", "PB762GH"), "LEGACY-7");
    assert_string_equal(sfns_items_code(ctx, &c, "9", "ONETIME"), "ONE-TIME");
    assert_null(sfns_items_code(ctx, &c, "9", NULL));
}

/* A context whose options carry settings {"sfns": sfns}. */
static hs_ctx *ctx_with(const char *sfns)
{
    hs_ctx *ctx = ctx_new();
    char buf[4096];
    snprintf(buf, sizeof(buf), "{\"settings\": {\"sfns\": %s}}", sfns);
    ctx = sdk_test_ctx(arena, sdk_test_json(arena, buf));
    assert_non_null(ctx);
    return ctx;
}

/* The product code is the inverse of settings.sfns.catalog: its map reversed (the first code of
 * an id, in settings order), the parent dropped, the case folded and the first prefix put back
 * when the catalog still matches the code to the item. */
static void product_code_from_catalog(void **state)
{
    (void)state;
    hs_ctx *ctx = ctx_with("{\"pricebooks\": {\"standardPricebookId\": \"01s5g00000StdPbAAA\"},"
                           " \"catalog\": {\"normalise\": {\"stripPrefixes\": [\"SF-\"]},"
                           " \"map\": {\"LEGACY-7\": \"1043\", \"ALT-7\": 1043, \"KIT\": \"9\"}}}");
    sfns_items_conf c;
    assert_int_equal(sfns_items_conf_read(ctx, &c), HS_OK);
    assert_false(c.legacy_code);
    assert_string_equal(sfns_items_code(ctx, &c, "1043", "Hardware : PB762GH"), "LEGACY-7");
    assert_string_equal(sfns_items_code(ctx, &c, "9", "starter kit"), "KIT");
    assert_string_equal(sfns_items_code(ctx, &c, "1", "Hardware : pb-762gh"), "SF-PB-762GH");
    /* a name that already carries the prefix keeps its own (SF-SF-X would not match back) */
    assert_string_equal(sfns_items_code(ctx, &c, "2", "sf-x1"), "SF-X1");
    assert_null(sfns_items_code(ctx, &c, "3", NULL));

    /* case "exact", parent kept */
    ctx = ctx_with("{\"pricebooks\": {\"standardPricebookId\": \"01s5g00000StdPbAAA\"},"
                   " \"catalog\": {\"normalise\": {\"case\": \"exact\", \"stripParent\": false}}}");
    assert_int_equal(sfns_items_conf_read(ctx, &c), HS_OK);
    assert_string_equal(sfns_items_code(ctx, &c, "1", "Hardware : pb-762gh"),
                        "Hardware : pb-762gh");

    /* the deprecated productCode keeps its own rules and defaults (case "exact"), whatever the
     * catalog says */
    ctx = ctx_with("{\"pricebooks\": {\"standardPricebookId\": \"01s5g00000StdPbAAA\","
                   " \"productCode\": {\"suffix\": \"-EA\", \"map\": {\"1043\": \"OLD\"}}},"
                   " \"catalog\": {\"normalise\": {\"stripPrefixes\": [\"SF-\"]},"
                   " \"map\": {\"LEGACY-7\": \"1043\", \"KIT\": \"9\"}}}");
    assert_int_equal(sfns_items_conf_read(ctx, &c), HS_OK);
    assert_true(c.legacy_code);
    assert_string_equal(sfns_items_code(ctx, &c, "1043", "PB762GH"), "OLD");
    assert_string_equal(sfns_items_code(ctx, &c, "9", "starter kit"), "starter kit-EA");
    assert_string_equal(sfns_items_code(ctx, &c, "1", "Hardware : pb-762gh"), "pb-762gh-EA");
}

static const char *pair_rate(hs_ctx *ctx, const sfns_items_conf *c, const char *to,
                             const hs_datetime *on, hs_decimal price)
{
    sfns_fx_pair p;
    const char *problem = NULL;
    if (sfns_items_pair(ctx, c, NULL, to, on, &p, &problem) != SFNS_FX_OK)
        return problem;
    sfns_break in = {HS_DECIMAL(0, 0), price}, out;
    assert_int_equal(sfns_breaks_convert(ctx, &c->fx, &p, &in, 1, &out), HS_OK);
    return S(out.price);
}

/* Conversions go through settings.sfns.currency: the base currency defaults to the corporate
 * one, dated rates apply by the export's date, a base other than the corporate currency converts
 * through it, and its rounding is used. */
static void conversion_through_shared_currency(void **state)
{
    (void)state;
    hs_ctx *ctx = ctx_with(
        "{\"pricebooks\": {\"standardPricebookId\": \"01s5g00000StdPbAAA\","
        " \"missingCurrency\": \"convert\"},"
        " \"currency\": {\"corporateCurrency\": \"USD\", \"rounding\": \"half-even\","
        " \"rates\": [{\"currency\": \"EUR\", \"rate\": \"0.90\", \"date\": \"2024-01-01\"},"
        " {\"currency\": \"EUR\", \"rate\": \"0.92\", \"date\": \"2024-03-01\"},"
        " {\"currency\": \"GBP\", \"rate\": 0.79}, {\"currency\": \"JPY\", \"rate\": "
        "\"149.875\"}]}}");
    sfns_items_conf c;
    assert_int_equal(sfns_items_conf_read(ctx, &c), HS_OK);
    assert_string_equal(c.base_currency, "USD");
    assert_false(c.legacy_rates);
    hs_datetime feb = {.year = 2024, .month = 2, .day = 15},
                mar = {.year = 2024, .month = 3, .day = 5};
    assert_string_equal(pair_rate(ctx, &c, "EUR", &feb, HS_DECIMAL(12000, 2)), "108.00");
    assert_string_equal(pair_rate(ctx, &c, "EUR", &mar, HS_DECIMAL(12000, 2)), "110.40");
    /* 0.125 x 0.92 = 0.115: half-even keeps 0.12 (half-up would give 0.12 too; 0.0125 shows it) */
    assert_string_equal(pair_rate(ctx, &c, "JPY", &mar, HS_DECIMAL(1, 2)), "1");      /* 1.49875 */
    assert_string_equal(pair_rate(ctx, &c, "EUR", &mar, HS_DECIMAL(125, 4)), "0.01"); /* 0.0115 */
    /* before any dated EUR rate: the error says what to add */
    hs_datetime old = {.year = 2023, .month = 6, .day = 1};
    assert_non_null(strstr(pair_rate(ctx, &c, "EUR", &old, HS_DECIMAL(1, 0)),
                           "no EUR exchange rate is valid on 2023-06-01"));

    /* a base currency other than the corporate one: GBP -> EUR is x 0.92 / 0.79 */
    ctx = ctx_with("{\"pricebooks\": {\"standardPricebookId\": \"01s5g00000StdPbAAA\","
                   " \"missingCurrency\": \"convert\", \"baseCurrency\": \"GBP\"},"
                   " \"currency\": {\"corporateCurrency\": \"USD\","
                   " \"rates\": [{\"currency\": \"EUR\", \"rate\": \"0.92\"}, {\"currency\": "
                   "\"GBP\", \"rate\": 0.79}]}}");
    assert_int_equal(sfns_items_conf_read(ctx, &c), HS_OK);
    assert_string_equal(pair_rate(ctx, &c, "EUR", &mar, HS_DECIMAL(8000, 2)), "93.16"); /* 93.164 */
    assert_string_equal(pair_rate(ctx, &c, "USD", &mar, HS_DECIMAL(7900, 2)), "100.00");
}

/* The deprecated pricebooks.rates (per one baseCurrency) give the prices they always gave, and are
 * refused beside settings.sfns.currency.rates. */
static void deprecated_rates_still_work(void **state)
{
    (void)state;
    hs_ctx *ctx = ctx_with(
        "{\"pricebooks\": {\"standardPricebookId\": \"01s5g00000StdPbAAA\","
        " \"missingCurrency\": \"convert\", \"baseCurrency\": \"USD\", \"rounding\": \"down\","
        " \"rates\": {\"JPY\": \"149.875\", \"EUR\": 0.92}}}");
    sfns_items_conf c;
    assert_int_equal(sfns_items_conf_read(ctx, &c), HS_OK);
    assert_true(c.legacy_rates);
    hs_datetime on = {.year = 2024, .month = 3, .day = 5};
    assert_string_equal(pair_rate(ctx, &c, "JPY", &on, HS_DECIMAL(11000, 2)), "16486"); /* down */
    assert_string_equal(pair_rate(ctx, &c, "EUR", &on, HS_DECIMAL(9950, 2)), "91.54");
    assert_non_null(
        strstr(pair_rate(ctx, &c, "GBP", &on, HS_DECIMAL(1, 0)), "no GBP exchange rate"));

    ctx = ctx_with("{\"pricebooks\": {\"standardPricebookId\": \"01s5g00000StdPbAAA\","
                   " \"baseCurrency\": \"USD\", \"rates\": {\"EUR\": 0.92}},"
                   " \"currency\": {\"corporateCurrency\": \"USD\","
                   " \"rates\": [{\"currency\": \"EUR\", \"rate\": 0.93}]}}");
    assert_int_not_equal(sfns_items_conf_read(ctx, &c), HS_OK);
    const char *msg = ctx->call->fail_message;
    assert_non_null(msg);
    assert_non_null(strstr(msg, "settings.sfns.pricebooks.rates: is deprecated"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(breaks_sorted_blanks_dropped, teardown),
        cmocka_unit_test_teardown(unit_price_rules, teardown),
        cmocka_unit_test_teardown(breaks_refused, teardown),
        cmocka_unit_test_teardown(convert_rounds_once_to_minor_units, teardown),
        cmocka_unit_test_teardown(matrix_levels_and_currencies, teardown),
        cmocka_unit_test_teardown(product_code_inverse_rules, teardown),
        cmocka_unit_test_teardown(product_code_from_catalog, teardown),
        cmocka_unit_test_teardown(conversion_through_shared_currency, teardown),
        cmocka_unit_test_teardown(deprecated_rates_still_work, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
