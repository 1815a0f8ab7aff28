/* test_sfns_items.c — the price-matrix logic of sfnsItemsToPricebook (hooks/sfns/
 * sfns_items_matrix.c) through the runner's real hook API: quantity breaks read from NetSuite's
 * priceList (numbers and decimal strings, blanks left out, sorted, duplicates and junk refused),
 * the quantity-1 price, conversion from the base currency rounded once to the target's minor
 * units, the matrix's currencies and levels, and the product code rules. */
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

static void convert_rounds_once_to_minor_units(void **state)
{
    (void)state;
    hs_ctx *ctx = ctx_new();
    sfns_break in[3] = {{HS_DECIMAL(0, 0), HS_DECIMAL(12000, 2)},
                        {HS_DECIMAL(10, 0), HS_DECIMAL(11000, 2)},
                        {HS_DECIMAL(50, 0), HS_DECIMAL(9950, 2)}};
    sfns_break out[3];
    hs_decimal jpy = HS_DECIMAL(149875, 3);
    assert_int_equal(sfns_breaks_convert(ctx, in, 3, jpy, 0, HS_ROUND_HALF_UP, out), HS_OK);
    assert_string_equal(S(out[0].price), "17985"); /* 17985.000 */
    assert_string_equal(S(out[1].price), "16486"); /* 16486.25 */
    assert_string_equal(S(out[2].price), "14913"); /* 14912.5625 */
    assert_string_equal(S(out[2].quantity), "50");
    /* a tie: half-up away from zero, half-even to even */
    sfns_break tie = {HS_DECIMAL(0, 0), HS_DECIMAL(125, 2)};
    sfns_break r;
    assert_int_equal(sfns_breaks_convert(ctx, &tie, 1, HS_DECIMAL(1, 0), 1, HS_ROUND_HALF_UP, &r),
                     HS_OK);
    assert_string_equal(S(r.price), "1.3");
    assert_int_equal(sfns_breaks_convert(ctx, &tie, 1, HS_DECIMAL(1, 0), 1, HS_ROUND_HALF_EVEN, &r),
                     HS_OK);
    assert_string_equal(S(r.price), "1.2");
    /* three places (BHD) */
    sfns_break one = {HS_DECIMAL(0, 0), HS_DECIMAL(1999, 2)};
    assert_int_equal(sfns_breaks_convert(ctx, &one, 1, HS_DECIMAL(376, 3), 3, HS_ROUND_HALF_UP, &r),
                     HS_OK);
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
    assert_string_equal(sfns_items_code(ctx, &c, "1", "Hardware : pb-762gh"), "pb-762gh");
    c.code_case = SFNS_CODE_UPPER;
    c.code_prefix = "sf-";
    assert_string_equal(sfns_items_code(ctx, &c, "1", "Hardware : pb-762gh"), "SF-PB-762GH");
    c.code_strip_parent = 0;
    c.code_case = SFNS_CODE_EXACT;
    c.code_prefix = "";
    c.code_suffix = "-EA";
    assert_string_equal(sfns_items_code(ctx, &c, "1", "A : b"), "A : b-EA");
    c.code_map = J("{\"1043\": \"LEGACY-7\", \"ONETIME\": \"ONE-TIME\"}");
    assert_string_equal(sfns_items_code(ctx, &c, "1043", "PB762GH"), "LEGACY-7");
    assert_string_equal(sfns_items_code(ctx, &c, "9", "ONETIME"), "ONE-TIME");
    assert_null(sfns_items_code(ctx, &c, "9", NULL));
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
