/* test_sdk_decimal.c — the hook API's exact decimals and currency table (runner/sdk_decimal.c,
 * runner/sdk_currency.c), called through the hs_api table as a module calls them: reading text
 * and JavaScript numbers, exact arithmetic, every rounding mode on ties and on negative values,
 * division, overflow and invalid input, allocation that sums exactly (also on a seeded sweep of
 * random totals and weights), comparison, output as text and as JSON, and the descriptions a
 * failure records on the context. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sdk_internal.h"
#include "unit/sdk_test_ctx.h"

static const hs_api *api;
static struct arena *arena;
static hs_ctx *ctx;

static int setup(void **state)
{
    (void)state;
    api = sdk_api();
    arena = arena_new(64 * 1024, 0);
    ctx = arena ? sdk_test_ctx(arena, sdk_test_json(arena, "{}")) : NULL;
    return ctx ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(arena);
    return 0;
}

/* The text of d (a few rotating buffers, so several fit in one assertion). */
static const char *S(hs_decimal d)
{
    static char buf[8][HS_DECIMAL_MAX];
    static int i;
    i = (i + 1) % 8;
    api->decimal_format(d, buf[i]);
    return buf[i];
}

static hs_decimal P(const char *text)
{
    hs_decimal d = HS_DECIMAL(-777, 3);
    hs_status st = api->decimal_parse(NULL, text, strlen(text), &d);
    if (st != HS_OK)
        fprintf(stderr, "parse %s: %s\n", text, hs_status_name(st));
    assert_int_equal(st, HS_OK);
    return d;
}

static void expect_parse(const char *text, int64_t units, int scale)
{
    hs_decimal d = P(text);
    if (d.units != units || d.scale != scale)
        fprintf(stderr, "%s -> {%lld, %d}\n", text, (long long)d.units, (int)d.scale);
    assert_true(d.units == units);
    assert_int_equal(d.scale, scale);
}

static void expect_parse_fails(const char *text, hs_status want)
{
    hs_decimal d = HS_DECIMAL(42, 0);
    assert_int_equal(api->decimal_parse(ctx, text, strlen(text), &d), want);
    assert_true(d.units == 42 && d.scale == 0); /* left unchanged */
}

static const char *last_error(const char **name)
{
    const char *m = api->ctx_last_error(ctx, name);
    assert_non_null(m);
    return m;
}

static void test_parse(void **state)
{
    (void)state;
    expect_parse("3333.33", 333333, 2);
    expect_parse("-0.5", -5, 1);
    expect_parse("+7", 7, 0);
    expect_parse(".5", 5, 1);
    expect_parse("5.", 5, 0);
    expect_parse("1.50", 150, 2);
    expect_parse("0", 0, 0);
    expect_parse("-0", 0, 0);
    expect_parse("0.00", 0, 2);
    expect_parse("007.10", 710, 2);
    expect_parse("1e3", 1000, 0);
    expect_parse("1E+3", 1000, 0);
    expect_parse("2.5E-2", 25, 3);
    expect_parse("1.5e1", 15, 0);
    expect_parse("1.50e1", 150, 1);
    expect_parse("1e-18", 1, 18);
    expect_parse("0e-40", 0, 18);
    expect_parse("9223372036854775807", INT64_MAX, 0);
    expect_parse("-9223372036854775807", -INT64_MAX, 0);
    expect_parse("9.223372036854775807", INT64_MAX, 18);
    /* Trailing zeros past 18 places are dropped, keeping the value. */
    expect_parse("1.0000000000000000000000", 1000000000000000000, 18);
    expect_parse("0.1000000000000000000000", 100000000000000000, 18);
    /* Past 19 significant digits only zeros may follow before the point. */
    expect_parse("92233720368547758.070", 9223372036854775807, 2);

    expect_parse_fails("", HS_ERR_PARSE);
    expect_parse_fails("-", HS_ERR_PARSE);
    expect_parse_fails(".", HS_ERR_PARSE);
    expect_parse_fails("1e", HS_ERR_PARSE);
    expect_parse_fails("1e+", HS_ERR_PARSE);
    expect_parse_fails(" 1", HS_ERR_PARSE);
    expect_parse_fails("1 ", HS_ERR_PARSE);
    expect_parse_fails("1,000.00", HS_ERR_PARSE);
    expect_parse_fails("$5", HS_ERR_PARSE);
    expect_parse_fails("0x10", HS_ERR_PARSE);
    expect_parse_fails("Infinity", HS_ERR_PARSE);
    expect_parse_fails("NaN", HS_ERR_PARSE);
    expect_parse_fails("1.2.3", HS_ERR_PARSE);
    expect_parse_fails("--1", HS_ERR_PARSE);
    expect_parse_fails("1_000", HS_ERR_PARSE);
    const char *name;
    assert_string_equal(last_error(&name), "\"1_000\" is not a decimal number");
    assert_string_equal(name, "SyntaxError");

    expect_parse_fails("9223372036854775808", HS_ERR_RANGE);
    expect_parse_fails("12345678901234567890123", HS_ERR_RANGE);
    expect_parse_fails("1e19", HS_ERR_RANGE);
    expect_parse_fails("1e-19", HS_ERR_RANGE);
    expect_parse_fails("0.0000000000000000001", HS_ERR_RANGE);
    expect_parse_fails("1e99999999999", HS_ERR_RANGE);
    expect_parse_fails("1.00000000000000000001", HS_ERR_RANGE);
    assert_string_equal(last_error(&name), "decimal \"1.00000000000000000001\" does not fit (19 "
                                           "digits, at most 18 decimal places)");
    assert_string_equal(name, "RangeError");

    /* len is honoured: a longer buffer is read only as far as len. */
    hs_decimal d;
    assert_int_equal(api->decimal_parse(NULL, "12.5xyz", 4, &d), HS_OK);
    assert_string_equal(S(d), "12.5");
    assert_int_equal(api->decimal_parse(NULL, NULL, 0, &d), HS_ERR_INVALID);
    assert_int_equal(api->decimal_parse(NULL, "1", 1, NULL), HS_ERR_INVALID);
}

static void expect_number(double v, const char *text, int scale)
{
    hs_decimal d;
    assert_int_equal(api->decimal_from_number(NULL, v, &d), HS_OK);
    assert_string_equal(S(d), text);
    assert_int_equal(d.scale, scale);
}

static void test_from_number(void **state)
{
    (void)state;
    /* Through JavaScript's shortest text: never the binary expansion. */
    expect_number(0.1, "0.1", 1);
    expect_number(3333.33, "3333.33", 2);
    expect_number(0.1 + 0.2, "0.30000000000000004", 17); /* what JavaScript prints too */
    expect_number(-0.0, "0", 0);
    expect_number(1e-7, "0.0000001", 7);
    expect_number(100, "100", 0);
}

static void test_from_number_limits(void **state)
{
    (void)state;
    hs_decimal d = HS_DECIMAL(1, 0);
    assert_int_equal(api->decimal_from_number(ctx, 1e19, &d), HS_ERR_RANGE);
    assert_int_equal(api->decimal_from_number(ctx, 1e20, &d), HS_ERR_RANGE); /* 21 digits */
    assert_int_equal(api->decimal_from_number(ctx, 1e21, &d), HS_ERR_RANGE);
    assert_int_equal(api->decimal_from_number(ctx, 0.0 / 0.0, &d), HS_ERR_INVALID);
    const char *name;
    assert_string_equal(last_error(&name), "decimal: NaN is not a decimal number");
    assert_int_equal(api->decimal_from_number(ctx, 1.0 / 0.0, &d), HS_ERR_INVALID);
    assert_int_equal(api->decimal_from_number(ctx, -1.0 / 0.0, &d), HS_ERR_INVALID);
    assert_string_equal(last_error(&name), "decimal: -Infinity is not a decimal number");
    assert_true(d.units == 1 && d.scale == 0);
    assert_int_equal(api->decimal_from_number(ctx, 1e-19, &d), HS_ERR_RANGE);
}

static void test_from_json(void **state)
{
    (void)state;
    struct json_value *o = sdk_test_json(
        arena, "{\"n\":3333.33,\"s\":\"3333.33\",\"z\":null,\"b\":true,\"a\":[1],\"o\":{},"
               "\"bad\":\"3,333\",\"e\":1e-7}");
    assert_non_null(o);
    hs_json *h = (hs_json *)o;
    hs_decimal d;
    assert_int_equal(api->decimal_from_json(ctx, api->json_get(h, "n"), &d), HS_OK);
    assert_string_equal(S(d), "3333.33");
    assert_int_equal(api->decimal_from_json(ctx, api->json_get(h, "s"), &d), HS_OK);
    assert_string_equal(S(d), "3333.33");
    assert_int_equal(api->decimal_from_json(ctx, api->json_get(h, "e"), &d), HS_OK);
    assert_string_equal(S(d), "0.0000001");
    assert_int_equal(api->decimal_from_json(ctx, api->json_get(h, "missing"), &d),
                     HS_ERR_NOT_FOUND);
    const char *name;
    assert_int_equal(api->decimal_from_json(ctx, api->json_get(h, "z"), &d), HS_ERR_TYPE);
    assert_string_equal(last_error(&name),
                        "decimal: expected a number or a decimal string, got null");
    assert_string_equal(name, "TypeError");
    assert_int_equal(api->decimal_from_json(ctx, api->json_get(h, "b"), &d), HS_ERR_TYPE);
    assert_int_equal(api->decimal_from_json(ctx, api->json_get(h, "a"), &d), HS_ERR_TYPE);
    assert_int_equal(api->decimal_from_json(ctx, api->json_get(h, "o"), &d), HS_ERR_TYPE);
    assert_string_equal(last_error(NULL),
                        "decimal: expected a number or a decimal string, got an object");
    assert_int_equal(api->decimal_from_json(ctx, api->json_get(h, "bad"), &d), HS_ERR_PARSE);
    hs_json *date = api->json_new_date(ctx, 0);
    assert_int_equal(api->decimal_from_json(ctx, date, &d), HS_ERR_TYPE);
    /* A string holding a NUL is not a decimal. */
    hs_json *nul = api->json_new_stringn(ctx, "1\0002", 3);
    assert_int_equal(api->decimal_from_json(ctx, nul, &d), HS_ERR_PARSE);
    assert_string_equal(S(d), "0.0000001"); /* unchanged by the failures */
}

static void test_add_sub(void **state)
{
    (void)state;
    hs_decimal r;
    assert_int_equal(api->decimal_add(NULL, P("0.1"), P("0.2"), &r), HS_OK);
    assert_string_equal(S(r), "0.3");
    assert_int_equal(api->decimal_cmp(r, P("0.3")), 0);
    assert_int_equal(api->decimal_add(NULL, P("1.5"), P("2.25"), &r), HS_OK);
    assert_string_equal(S(r), "3.75");
    assert_int_equal(api->decimal_sub(NULL, P("1.5"), P("2.25"), &r), HS_OK);
    assert_string_equal(S(r), "-0.75");
    assert_int_equal(api->decimal_sub(NULL, P("-10"), P("-10.00"), &r), HS_OK);
    assert_string_equal(S(r), "0.00");
    assert_int_equal(api->decimal_add(NULL, P("0.000000000000000001"), P("1"), &r), HS_OK);
    assert_string_equal(S(r), "1.000000000000000001");
    /* 20 digits: 10.000000000000000001 */
    assert_int_equal(api->decimal_add(ctx, P("0.000000000000000001"), P("10"), &r), HS_ERR_RANGE);
    /* The largest magnitudes, and one past them. */
    hs_decimal max = HS_DECIMAL(INT64_MAX, 2), min = HS_DECIMAL(-INT64_MAX, 2);
    assert_int_equal(api->decimal_add(NULL, max, min, &r), HS_OK);
    assert_string_equal(S(r), "0.00");
    r = HS_DECIMAL(5, 0);
    assert_int_equal(api->decimal_add(ctx, max, P("0.01"), &r), HS_ERR_RANGE);
    assert_string_equal(S(r), "5"); /* unchanged */
    const char *name;
    assert_string_equal(last_error(&name), "decimal: 92233720368547758.07 + 0.01 does not fit (19 "
                                           "digits, at most 18 decimal places)");
    assert_string_equal(name, "RangeError");
    assert_int_equal(api->decimal_sub(ctx, min, P("0.01"), &r), HS_ERR_RANGE);
    /* Aligning scales can overflow too: 92233720368547758.07 at 3 places needs 20 digits. */
    assert_int_equal(api->decimal_add(ctx, max, P("0.001"), &r), HS_ERR_RANGE);
    /* Invalid operands and outputs. */
    assert_int_equal(api->decimal_add(ctx, HS_DECIMAL(INT64_MIN, 0), P("1"), &r), HS_ERR_INVALID);
    assert_int_equal(api->decimal_add(ctx, HS_DECIMAL(1, 19), P("1"), &r), HS_ERR_INVALID);
    assert_int_equal(api->decimal_add(ctx, HS_DECIMAL(1, -1), P("1"), &r), HS_ERR_INVALID);
    assert_int_equal(api->decimal_add(ctx, P("1"), P("1"), NULL), HS_ERR_INVALID);
}

static void test_mul(void **state)
{
    (void)state;
    hs_decimal r;
    assert_int_equal(api->decimal_mul(NULL, P("1.5"), P("1.5"), &r), HS_OK);
    assert_string_equal(S(r), "2.25");
    assert_int_equal(api->decimal_mul(NULL, P("-19.99"), P("3"), &r), HS_OK);
    assert_string_equal(S(r), "-59.97");
    assert_int_equal(api->decimal_mul(NULL, P("33.33"), P("0.875"), &r), HS_OK);
    assert_string_equal(S(r), "29.16375");
    /* 19 places only when the trailing zeros can go. */
    assert_int_equal(api->decimal_mul(NULL, P("1.000000000"), P("1.0000000000"), &r), HS_OK);
    assert_string_equal(S(r), "1.000000000000000000");
    assert_int_equal(api->decimal_mul(ctx, P("0.000000001"), P("0.0000000001"), &r), HS_ERR_RANGE);
    /* A product past 19 digits. */
    assert_int_equal(api->decimal_mul(ctx, P("10000000000"), P("1000000000"), &r), HS_ERR_RANGE);
    assert_int_equal(api->decimal_mul(NULL, P("1000000000"), P("1000000000"), &r), HS_OK);
    assert_string_equal(S(r), "1000000000000000000");
    assert_string_equal(last_error(NULL), "decimal: 10000000000 * 1000000000 does not fit (19 "
                                          "digits, at most 18 decimal places)");
}

struct round_case {
    const char *in;
    int scale;
    hs_round mode;
    const char *want;
};

static void test_round_modes(void **state)
{
    (void)state;
    static const struct round_case cases[] = {
        /* ties */
        {"2.5", 0, HS_ROUND_HALF_UP, "3"},
        {"-2.5", 0, HS_ROUND_HALF_UP, "-3"},
        {"2.5", 0, HS_ROUND_HALF_EVEN, "2"},
        {"3.5", 0, HS_ROUND_HALF_EVEN, "4"},
        {"-2.5", 0, HS_ROUND_HALF_EVEN, "-2"},
        {"-3.5", 0, HS_ROUND_HALF_EVEN, "-4"},
        {"2.5", 0, HS_ROUND_HALF_DOWN, "2"},
        {"-2.5", 0, HS_ROUND_HALF_DOWN, "-2"},
        {"0.125", 2, HS_ROUND_HALF_EVEN, "0.12"},
        {"0.135", 2, HS_ROUND_HALF_EVEN, "0.14"},
        {"0.125", 2, HS_ROUND_HALF_UP, "0.13"},
        {"-0.125", 2, HS_ROUND_HALF_UP, "-0.13"},
        {"2.345", 2, HS_ROUND_HALF_EVEN, "2.34"},
        {"2.355", 2, HS_ROUND_HALF_EVEN, "2.36"},
        /* not ties */
        {"2.5001", 0, HS_ROUND_HALF_EVEN, "3"},
        {"2.4999", 0, HS_ROUND_HALF_UP, "2"},
        {"2.5001", 0, HS_ROUND_HALF_DOWN, "3"},
        /* directed */
        {"2.9", 0, HS_ROUND_DOWN, "2"},
        {"-2.9", 0, HS_ROUND_DOWN, "-2"},
        {"2.1", 0, HS_ROUND_UP, "3"},
        {"-2.1", 0, HS_ROUND_UP, "-3"},
        {"2.9", 0, HS_ROUND_FLOOR, "2"},
        {"-2.1", 0, HS_ROUND_FLOOR, "-3"},
        {"2.1", 0, HS_ROUND_CEILING, "3"},
        {"-2.9", 0, HS_ROUND_CEILING, "-2"},
        {"2.000", 0, HS_ROUND_UP, "2"},
        {"-0.001", 2, HS_ROUND_HALF_UP, "0.00"},
        {"-0.001", 2, HS_ROUND_FLOOR, "-0.01"},
        /* padding */
        {"2.5", 2, HS_ROUND_HALF_EVEN, "2.50"},
        {"-7", 3, HS_ROUND_DOWN, "-7.000"},
        {"0.000000000000000005", 17, HS_ROUND_HALF_EVEN, "0.00000000000000000"},
        {"0.000000000000000015", 17, HS_ROUND_HALF_EVEN, "0.00000000000000002"},
        {"9.223372036854775807", 0, HS_ROUND_CEILING, "10"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hs_decimal r;
        assert_int_equal(
            api->decimal_round(NULL, P(cases[i].in), cases[i].scale, cases[i].mode, &r), HS_OK);
        if (strcmp(S(r), cases[i].want) != 0)
            fprintf(stderr, "round %s to %d (mode %d): %s, want %s\n", cases[i].in, cases[i].scale,
                    (int)cases[i].mode, S(r), cases[i].want);
        assert_string_equal(S(r), cases[i].want);
        assert_int_equal(r.scale, cases[i].scale);
    }
    hs_decimal r = HS_DECIMAL(1, 0);
    assert_int_equal(api->decimal_round(ctx, P("1.5"), -1, HS_ROUND_HALF_UP, &r), HS_ERR_INVALID);
    assert_string_equal(last_error(NULL), "decimal: scale -1 is outside 0..18");
    assert_int_equal(api->decimal_round(ctx, P("1.5"), 19, HS_ROUND_HALF_UP, &r), HS_ERR_INVALID);
    assert_int_equal(api->decimal_round(ctx, P("1.5"), 0, (hs_round)0, &r), HS_ERR_INVALID);
    assert_string_equal(last_error(NULL), "decimal: 0 is not a rounding mode (hs_round)");
    assert_int_equal(api->decimal_round(ctx, P("1.5"), 0, (hs_round)8, &r), HS_ERR_INVALID);
    /* Padding past 19 digits. */
    assert_int_equal(api->decimal_round(ctx, HS_DECIMAL(INT64_MAX, 0), 1, HS_ROUND_HALF_UP, &r),
                     HS_ERR_RANGE);
    /* Rounding up past 19 digits. */
    assert_int_equal(api->decimal_round(ctx, HS_DECIMAL(INT64_MAX, 1), 0, HS_ROUND_UP, &r), HS_OK);
    assert_string_equal(S(r), "922337203685477581");
    assert_string_equal(S(HS_DECIMAL(1, 0)), "1");
    assert_true(r.units == 922337203685477581);
}

static void test_mul_round(void **state)
{
    (void)state;
    hs_decimal r;
    /* A line: 3 x 33.33 with a 12.5 % discount, to the cent, rounded once. */
    hs_decimal line;
    assert_int_equal(api->decimal_mul(NULL, P("3"), P("33.33"), &line), HS_OK);
    assert_int_equal(api->decimal_mul_round(NULL, line, P("0.875"), 2, HS_ROUND_HALF_UP, &r),
                     HS_OK);
    assert_string_equal(S(r), "87.49"); /* 87.49125 */
    /* A tie decided by the mode. */
    assert_int_equal(api->decimal_mul_round(NULL, P("0.25"), P("0.5"), 2, HS_ROUND_HALF_UP, &r),
                     HS_OK);
    assert_string_equal(S(r), "0.13");
    assert_int_equal(api->decimal_mul_round(NULL, P("0.25"), P("0.5"), 2, HS_ROUND_HALF_EVEN, &r),
                     HS_OK);
    assert_string_equal(S(r), "0.12");
    assert_int_equal(api->decimal_mul_round(NULL, P("-0.25"), P("0.5"), 2, HS_ROUND_HALF_UP, &r),
                     HS_OK);
    assert_string_equal(S(r), "-0.13");
    /* An exact product with 36 places, rounded once. */
    assert_int_equal(api->decimal_mul_round(NULL, P("0.123456789012345678"),
                                            P("0.987654321098765432"), 18, HS_ROUND_HALF_EVEN, &r),
                     HS_OK);
    assert_string_equal(S(r), "0.121932631137021794");
    /* Rate conversion: 1,000,000.00 EUR at 1.0873 to USD cents. */
    assert_int_equal(
        api->decimal_mul_round(NULL, P("1000000.00"), P("1.0873"), 2, HS_ROUND_HALF_EVEN, &r),
        HS_OK);
    assert_string_equal(S(r), "1087300.00");
    /* Fewer places than the result, padded. */
    assert_int_equal(api->decimal_mul_round(NULL, P("2"), P("3"), 2, HS_ROUND_HALF_EVEN, &r),
                     HS_OK);
    assert_string_equal(S(r), "6.00");
    assert_int_equal(
        api->decimal_mul_round(ctx, HS_DECIMAL(INT64_MAX, 0), P("2"), 0, HS_ROUND_HALF_EVEN, &r),
        HS_ERR_RANGE);
    assert_int_equal(api->decimal_mul_round(ctx, P("1"), P("1"), 0, (hs_round)0, &r),
                     HS_ERR_INVALID);
}

static void test_div(void **state)
{
    (void)state;
    hs_decimal r;
    assert_int_equal(api->decimal_div(NULL, P("1"), P("3"), 2, HS_ROUND_HALF_UP, &r), HS_OK);
    assert_string_equal(S(r), "0.33");
    assert_int_equal(api->decimal_div(NULL, P("2"), P("3"), 2, HS_ROUND_HALF_UP, &r), HS_OK);
    assert_string_equal(S(r), "0.67");
    assert_int_equal(api->decimal_div(NULL, P("2"), P("3"), 2, HS_ROUND_DOWN, &r), HS_OK);
    assert_string_equal(S(r), "0.66");
    assert_int_equal(api->decimal_div(NULL, P("10"), P("4"), 0, HS_ROUND_HALF_EVEN, &r), HS_OK);
    assert_string_equal(S(r), "2");
    assert_int_equal(api->decimal_div(NULL, P("14"), P("4"), 0, HS_ROUND_HALF_EVEN, &r), HS_OK);
    assert_string_equal(S(r), "4");
    assert_int_equal(api->decimal_div(NULL, P("-10"), P("4"), 0, HS_ROUND_HALF_UP, &r), HS_OK);
    assert_string_equal(S(r), "-3");
    assert_int_equal(api->decimal_div(NULL, P("-10"), P("4"), 0, HS_ROUND_FLOOR, &r), HS_OK);
    assert_string_equal(S(r), "-3");
    assert_int_equal(api->decimal_div(NULL, P("-10"), P("4"), 0, HS_ROUND_CEILING, &r), HS_OK);
    assert_string_equal(S(r), "-2");
    assert_int_equal(api->decimal_div(NULL, P("10"), P("-4"), 1, HS_ROUND_HALF_UP, &r), HS_OK);
    assert_string_equal(S(r), "-2.5");
    assert_int_equal(api->decimal_div(NULL, P("7.50"), P("2.5"), 4, HS_ROUND_HALF_UP, &r), HS_OK);
    assert_string_equal(S(r), "3.0000");
    /* Fewer places than the dividend: the divisor's scale and the result's both matter. */
    assert_int_equal(api->decimal_div(NULL, P("1234.5678"), P("0.01"), 0, HS_ROUND_HALF_UP, &r),
                     HS_OK);
    assert_string_equal(S(r), "123457");
    assert_int_equal(
        api->decimal_div(NULL, P("0.000000000000000001"), P("1000000000"), 18, HS_ROUND_UP, &r),
        HS_OK);
    assert_string_equal(S(r), "0.000000000000000001");
    /* 36 digit steps, exact. */
    assert_int_equal(
        api->decimal_div(NULL, P("1"), P("0.000000000000000001"), 0, HS_ROUND_HALF_UP, &r), HS_OK);
    assert_string_equal(S(r), "1000000000000000000");
    assert_int_equal(
        api->decimal_div(ctx, P("1"), P("0.000000000000000001"), 1, HS_ROUND_HALF_UP, &r),
        HS_ERR_RANGE);
    assert_int_equal(
        api->decimal_div(ctx, HS_DECIMAL(INT64_MAX, 0), P("0.5"), 0, HS_ROUND_HALF_UP, &r),
        HS_ERR_RANGE);
    assert_int_equal(api->decimal_div(NULL, HS_DECIMAL(INT64_MAX, 0), HS_DECIMAL(INT64_MAX, 0), 18,
                                      HS_ROUND_HALF_UP, &r),
                     HS_OK);
    assert_string_equal(S(r), "1.000000000000000000");
    r = HS_DECIMAL(9, 0);
    assert_int_equal(api->decimal_div(ctx, P("1"), P("0.00"), 2, HS_ROUND_HALF_UP, &r),
                     HS_ERR_INVALID);
    const char *name;
    assert_string_equal(last_error(&name), "Division by zero");
    assert_string_equal(name, "RangeError");
    assert_string_equal(S(r), "9");
}

/* Checks parts: each at `scale`, summing to total, each within one unit of its exact share. */
static void check_allocation(hs_decimal total, const hs_decimal *w, size_t n, int scale,
                             const hs_decimal *parts)
{
    hs_decimal sum = HS_DECIMAL(0, scale);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(parts[i].scale, scale);
        assert_int_equal(api->decimal_add(NULL, sum, parts[i], &sum), HS_OK);
    }
    assert_int_equal(api->decimal_cmp(sum, total), 0);
    /* |part x W - total x w| < W, in units: compare through exact products. */
    hs_decimal wsum = HS_DECIMAL(0, 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(api->decimal_add(NULL, wsum, w[i], &wsum), HS_OK);
    hs_decimal unit = HS_DECIMAL(1, scale);
    for (size_t i = 0; i < n; i++) {
        hs_decimal pw, tw, diff, bound;
        assert_int_equal(api->decimal_mul(NULL, parts[i], wsum, &pw), HS_OK);
        assert_int_equal(api->decimal_mul(NULL, total, w[i], &tw), HS_OK);
        assert_int_equal(api->decimal_sub(NULL, pw, tw, &diff), HS_OK);
        assert_int_equal(api->decimal_mul(NULL, unit, wsum, &bound), HS_OK);
        assert_true(api->decimal_cmp(api->decimal_abs(diff), bound) < 0);
    }
}

static void expect_allocation(const char *total, const char *const *weights, size_t n, int scale,
                              const char *const *want)
{
    hs_decimal w[16], parts[16], t = P(total);
    for (size_t i = 0; i < n; i++)
        w[i] = P(weights[i]);
    assert_int_equal(api->decimal_allocate(ctx, t, w, n, scale, parts), HS_OK);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(S(parts[i]), want[i]) != 0)
            fprintf(stderr, "allocate %s: part %zu is %s, want %s\n", total, i, S(parts[i]),
                    want[i]);
        assert_string_equal(S(parts[i]), want[i]);
    }
    check_allocation(t, w, n, scale, parts);
}

static void test_allocate(void **state)
{
    (void)state;
    /* Thirds: the one cent left goes to the first of the equal remainders. */
    expect_allocation("100.00", (const char *[]){"1", "1", "1"}, 3, 2,
                      (const char *[]){"33.34", "33.33", "33.33"});
    expect_allocation("-100.00", (const char *[]){"1", "1", "1"}, 3, 2,
                      (const char *[]){"-33.34", "-33.33", "-33.33"});
    expect_allocation("0.02", (const char *[]){"1", "1", "1"}, 3, 2,
                      (const char *[]){"0.01", "0.01", "0.00"});
    /* The largest remainder wins, wherever it is. */
    expect_allocation("10.01", (const char *[]){"0.25", "0.5", "0.25"}, 3, 2,
                      (const char *[]){"2.50", "5.01", "2.50"});
    /* Weights that do not divide: line amounts 19.99, 5.01, 75.00 share a 10.00 discount. */
    expect_allocation("10.00", (const char *[]){"19.99", "5.01", "75.00"}, 3, 2,
                      (const char *[]){"2.00", "0.50", "7.50"});
    expect_allocation("1.00", (const char *[]){"3", "3", "3", "1"}, 4, 2,
                      (const char *[]){"0.30", "0.30", "0.30", "0.10"});
    expect_allocation("1.00", (const char *[]){"1", "1", "1", "1", "1", "1", "1"}, 7, 2,
                      (const char *[]){"0.15", "0.15", "0.14", "0.14", "0.14", "0.14", "0.14"});
    /* Currencies without and with three places. */
    expect_allocation("1000", (const char *[]){"1", "1", "1"}, 3, 0,
                      (const char *[]){"334", "333", "333"});
    expect_allocation("10.000", (const char *[]){"1", "2"}, 2, 3,
                      (const char *[]){"3.333", "6.667"});
    /* A zero weight gets zero; a total given with fewer places is exact at the scale. */
    expect_allocation("5", (const char *[]){"0", "2", "0"}, 3, 2,
                      (const char *[]){"0.00", "5.00", "0.00"});
    expect_allocation("0.00", (const char *[]){"1", "2"}, 2, 2, (const char *[]){"0.00", "0.00"});
    expect_allocation("7.00", (const char *[]){"1"}, 1, 2, (const char *[]){"7.00"});

    hs_decimal w[3] = {P("1"), P("1"), P("1")}, parts[3] = {P("9"), P("9"), P("9")};
    assert_int_equal(api->decimal_allocate(ctx, P("10.005"), w, 3, 2, parts), HS_ERR_INVALID);
    assert_string_equal(last_error(NULL), "decimal_allocate: the total 10.005 is not exact at 2 "
                                          "places: round it first");
    assert_string_equal(S(parts[0]), "9");
    hs_decimal zero[2] = {P("0"), P("0.00")};
    assert_int_equal(api->decimal_allocate(ctx, P("1"), zero, 2, 2, parts), HS_ERR_INVALID);
    assert_string_equal(last_error(NULL), "decimal_allocate: the weights sum to zero");
    hs_decimal neg[2] = {P("2"), P("-1")};
    assert_int_equal(api->decimal_allocate(ctx, P("1"), neg, 2, 2, parts), HS_ERR_INVALID);
    assert_string_equal(last_error(NULL), "decimal_allocate: weight 1 is negative (-1)");
    assert_int_equal(api->decimal_allocate(ctx, P("1"), w, 0, 2, parts), HS_ERR_INVALID);
    assert_int_equal(api->decimal_allocate(ctx, P("1"), NULL, 3, 2, parts), HS_ERR_INVALID);
    assert_int_equal(api->decimal_allocate(ctx, P("1"), w, 3, 19, parts), HS_ERR_INVALID);
    hs_decimal badw[1] = {HS_DECIMAL(INT64_MIN, 0)};
    assert_int_equal(api->decimal_allocate(ctx, P("1"), badw, 1, 2, parts), HS_ERR_INVALID);
    /* total x weight past 128 bits. */
    hs_decimal huge[2] = {HS_DECIMAL(INT64_MAX, 0), HS_DECIMAL(1, 18)};
    assert_int_equal(api->decimal_allocate(ctx, HS_DECIMAL(INT64_MAX, 0), huge, 2, 0, parts),
                     HS_ERR_RANGE);
}

/* A seeded sweep: random totals (both signs, 0..3 places) over 1..16 random weights. */
static void test_allocate_sweep(void **state)
{
    (void)state;
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (int round = 0; round < 2000; round++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int scale = (int)(x % 4);
        size_t n = 1 + (size_t)((x >> 8) % 16);
        int64_t units = (int64_t)((x >> 16) % 100000000) - 50000000;
        hs_decimal total = HS_DECIMAL(units, scale), w[16], parts[16];
        bool positive = false;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            w[i] = HS_DECIMAL((int64_t)(x % 1000000) * ((x >> 40) % 3 == 0 ? 0 : 1),
                              (int)((x >> 20) % 5));
            positive = positive || w[i].units > 0;
        }
        if (!positive)
            w[0] = HS_DECIMAL(1, 0);
        assert_int_equal(api->decimal_allocate(NULL, total, w, n, scale, parts), HS_OK);
        check_allocation(total, w, n, scale, parts);
    }
}

static void test_compare_and_signs(void **state)
{
    (void)state;
    assert_int_equal(api->decimal_cmp(P("1.5"), P("1.50")), 0);
    assert_int_equal(api->decimal_cmp(P("-0.01"), P("0")), -1);
    assert_int_equal(api->decimal_cmp(P("0.1"), P("0.09")), 1);
    assert_int_equal(api->decimal_cmp(HS_DECIMAL(INT64_MAX, 0), HS_DECIMAL(INT64_MAX, 18)), 1);
    assert_int_equal(api->decimal_cmp(HS_DECIMAL(-INT64_MAX, 0), HS_DECIMAL(INT64_MAX, 18)), -1);
    assert_int_equal(api->decimal_sign(P("-0.0001")), -1);
    assert_int_equal(api->decimal_sign(P("0.000")), 0);
    assert_int_equal(api->decimal_sign(P("3")), 1);
    assert_int_equal(api->decimal_is_zero(P("0.000")), 1);
    assert_int_equal(api->decimal_is_zero(P("0.001")), 0);
    assert_string_equal(S(api->decimal_neg(P("1.50"))), "-1.50");
    assert_string_equal(S(api->decimal_neg(P("-1.50"))), "1.50");
    assert_string_equal(S(api->decimal_neg(P("0.0"))), "0.0");
    assert_string_equal(S(api->decimal_abs(P("-7.25"))), "7.25");
    assert_string_equal(S(api->decimal_abs(P("7.25"))), "7.25");
    assert_true(api->decimal_neg(HS_DECIMAL(-INT64_MAX, 0)).units == INT64_MAX);
}

static void test_format(void **state)
{
    (void)state;
    char out[HS_DECIMAL_MAX];
    assert_int_equal(api->decimal_format(HS_DECIMAL(0, 2), out), 4);
    assert_string_equal(out, "0.00");
    assert_string_equal(S(HS_DECIMAL(-5, 2)), "-0.05");
    assert_string_equal(S(HS_DECIMAL(1000, 0)), "1000");
    assert_string_equal(S(HS_DECIMAL(INT64_MAX, 18)), "9.223372036854775807");
    assert_string_equal(S(HS_DECIMAL(-INT64_MAX, 18)), "-9.223372036854775807");
    assert_string_equal(S(HS_DECIMAL(-INT64_MAX, 0)), "-9223372036854775807");
    assert_string_equal(S(HS_DECIMAL(1, 18)), "0.000000000000000001");
    assert_string_equal(S(HS_DECIMAL(-1, 18)), "-0.000000000000000001");
    assert_int_equal(api->decimal_format(HS_DECIMAL(1, 19), out), 0);
    assert_string_equal(out, "");
    assert_int_equal(api->decimal_format(HS_DECIMAL(INT64_MIN, 0), out), 0);
}

static void expect_json_number(const char *dec, const char *printed)
{
    hs_json *j = api->json_new_decimal(ctx, P(dec));
    assert_non_null(j);
    assert_int_equal(api->json_type(j), HS_JSON_NUMBER);
    assert_string_equal(api->json_print(ctx, j, NULL), printed);
}

static void test_json_output(void **state)
{
    (void)state;
    expect_json_number("3333.30", "3333.3");
    expect_json_number("0.1", "0.1");
    expect_json_number("-0.05", "-0.05");
    expect_json_number("0.00", "0");
    expect_json_number("0.000000000000000001", "1e-18");
    expect_json_number("123456789012345", "123456789012345");
    expect_json_number("9007199254740992", "9007199254740992");
    /* Past what a double carries: refused, never sent as another amount. */
    assert_null(api->json_new_decimal(ctx, P("9007199254740993")));
    const char *name;
    assert_string_equal(last_error(&name),
                        "json_new_decimal: 9007199254740993 has no exact JSON number (it would "
                        "be sent as 9007199254740992); send it as a string "
                        "(json_new_decimal_string)");
    assert_string_equal(name, "RangeError");
    assert_null(api->json_new_decimal(ctx, P("1234567890123456.78")));
    assert_null(api->json_new_decimal(ctx, HS_DECIMAL(1, 19)));
    assert_null(api->json_new_decimal(NULL, P("1")));

    hs_json *s = api->json_new_decimal_string(ctx, P("3333.30"));
    assert_non_null(s);
    assert_string_equal(api->json_print(ctx, s, NULL), "\"3333.30\"");
    s = api->json_new_decimal_string(ctx, P("1234567890123456.78"));
    assert_string_equal(api->json_string(ctx, s, NULL, "-"), "1234567890123456.78");
    assert_null(api->json_new_decimal_string(ctx, HS_DECIMAL(INT64_MIN, 2)));
    assert_null(api->json_new_decimal_string(NULL, P("1")));
}

static void test_round_mode_names(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        hs_round mode;
    } good[] = {{"half-up", HS_ROUND_HALF_UP},
                {"HALF_EVEN", HS_ROUND_HALF_EVEN},
                {"Half Down", HS_ROUND_HALF_DOWN},
                {"down", HS_ROUND_DOWN},
                {"UP", HS_ROUND_UP},
                {"floor", HS_ROUND_FLOOR},
                {"Ceiling", HS_ROUND_CEILING}};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        hs_round m = (hs_round)0;
        assert_int_equal(api->decimal_round_mode(ctx, good[i].name, &m), HS_OK);
        assert_int_equal(m, good[i].mode);
    }
    hs_round m = HS_ROUND_UP;
    assert_int_equal(api->decimal_round_mode(ctx, "bankers", &m), HS_ERR_INVALID);
    assert_string_equal(last_error(NULL), "rounding mode \"bankers\" is not one of half-up, "
                                          "half-even, half-down, down, up, floor, ceiling");
    assert_int_equal(api->decimal_round_mode(ctx, "half-evenxxxxxxxxxxxxxxx", &m), HS_ERR_INVALID);
    assert_int_equal(api->decimal_round_mode(ctx, "", &m), HS_ERR_INVALID);
    assert_int_equal(api->decimal_round_mode(ctx, NULL, &m), HS_ERR_INVALID);
    assert_int_equal(api->decimal_round_mode(ctx, "up", NULL), HS_ERR_INVALID);
    assert_int_equal(m, HS_ROUND_UP);
}

static void test_currencies(void **state)
{
    (void)state;
    /* The table is sorted (the lookup is a binary search) and has every current code. */
    size_t n = sdk_currency_count();
    assert_true(n >= 180);
    for (size_t i = 1; i < n; i++)
        assert_true(strcmp(sdk_currency_code_at(i - 1), sdk_currency_code_at(i)) < 0);
    assert_null(sdk_currency_code_at(n));
    for (size_t i = 0; i < n; i++) {
        const char *c = sdk_currency_code_at(i);
        assert_int_equal(strlen(c), 3);
        int m = api->currency_minor_units(c);
        assert_true(m >= -1 && m <= 4);
    }
    static const struct {
        const char *code;
        int minor;
    } cases[] = {{"USD", 2},  {"EUR", 2},  {"GBP", 2}, {"JPY", 0},   {"KRW", 0},  {"VND", 0},
                 {"CLP", 0},  {"ISK", 0},  {"XOF", 0}, {"BHD", 3},   {"KWD", 3},  {"TND", 3},
                 {"JOD", 3},  {"OMR", 3},  {"IQD", 3}, {"LYD", 3},   {"CLF", 4},  {"UYW", 4},
                 {"AED", 2},  {"ZWG", 2},  {"XCG", 2}, {"SLE", 2},   {"VED", 2},  {"HRK", 2},
                 {"AFN", 2},  {"ZMW", 2},  {"usd", 2}, {"jPy", 0},   {"XAU", -1}, {"XDR", -1},
                 {"XXX", -1}, {"ABC", -1}, {"US", -1}, {"USDX", -1}, {"", -1},    {"U1D", -1}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (api->currency_minor_units(cases[i].code) != cases[i].minor)
            fprintf(stderr, "%s\n", cases[i].code);
        assert_int_equal(api->currency_minor_units(cases[i].code), cases[i].minor);
    }
    assert_int_equal(api->currency_minor_units(NULL), -1);
}

static void test_table(void **state)
{
    (void)state;
    assert_int_equal(api->abi_minor, 2);
    assert_true(HS_API_HAS(api, ctx_now));
    assert_true(HS_API_HAS(api, decimal_parse));
    assert_non_null(api->decimal_allocate);
    assert_non_null(api->json_new_decimal_string);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_parse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_number, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_number_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_sub, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mul, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mul_round, setup, teardown),
        cmocka_unit_test_setup_teardown(test_div, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocate_sweep, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compare_and_signs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_output, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_mode_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_currencies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
