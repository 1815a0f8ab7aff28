/* test_jsval.c — JavaScript coercions of JSON values (runner/jsval.c): ToString, ToNumber,
 * StringToNumber, new Date(x), Date.parse and toISOString. Every expected value was printed by
 * Node 20 (the reference server's engine) for the same input, with TZ unset (UTC). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "json.h"
#include "jsval.h"

static struct arena *arena;

static int setup(void **state)
{
    (void)state;
    setenv("TZ", "UTC", 1); /* local-time forms read as UTC, as on the reference run */
    arena = arena_new(64 * 1024, 0);
    return arena ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(arena);
    return 0;
}

static struct json_value *parse(const char *s)
{
    struct json_value *v = json_parse(arena, s, strlen(s), NULL, NULL);
    assert_non_null(v);
    return v;
}

/* String(v) of a JSON text and Number(v) printed with Number#toString. */
static void check_value(const char *json, const char *want_string, const char *want_number)
{
    struct json_value *v = parse(json);
    const char *s = NULL;
    size_t len = 0;
    assert_int_equal(jsval_to_string(arena, v, &s, &len), ERR_OK);
    if (strcmp(s, want_string) != 0)
        fprintf(stderr, "String(%s): want \"%s\" got \"%s\"\n", json, want_string, s);
    assert_string_equal(s, want_string);
    assert_int_equal(len, strlen(want_string));
    double d = 0;
    assert_int_equal(jsval_to_number(arena, v, &d), ERR_OK);
    char num[JSON_NUMBER_MAX];
    json_number_format(d, num);
    if (strcmp(num, want_number) != 0)
        fprintf(stderr, "Number(%s): want %s got %s\n", json, want_number, num);
    assert_string_equal(num, want_number);
}

static void test_to_string_and_number(void **state)
{
    (void)state;
    check_value("null", "null", "0");
    check_value("true", "true", "1");
    check_value("false", "false", "0");
    check_value("-0", "0", "0");
    check_value("1e21", "1e+21", "1e+21");
    check_value("1e-7", "1e-7", "1e-7");
    check_value("123.456", "123.456", "123.456");
    check_value("\"s\"", "s", "NaN");
    check_value("[]", "", "0");
    check_value("[1,[2,null]]", "1,2,", "NaN");
    check_value("[null]", "", "0");
    check_value("[[],[]]", ",", "NaN");
    check_value("{}", "[object Object]", "NaN");
    check_value("[{}]", "[object Object]", "NaN");
    check_value("{\"valueOf\":1}", "[object Object]", "NaN");
    check_value("[\"a\",\"b\"]", "a,b", "NaN");
    check_value("[\" 5 \"]", " 5 ", "5");
    check_value("[[[\"0x10\"]]]", "0x10", "16");
}

static void test_own_to_string_throws(void **state)
{
    (void)state;
    const char *s;
    size_t len;
    double d;
    assert_int_equal(jsval_to_string(arena, parse("{\"toString\":1}"), &s, &len), ERR_TYPE);
    assert_int_equal(jsval_to_string(arena, parse("[1,[{\"toString\":null}]]"), &s, &len),
                     ERR_TYPE);
    assert_int_equal(jsval_to_number(arena, parse("{\"toString\":\"x\"}"), &d), ERR_TYPE);
    assert_int_equal(jsval_date_from_value(arena, parse("{\"toString\":1}"), &d), ERR_TYPE);
}

static void test_deep_array_join(void **state)
{
    (void)state;
    /* 20,000 nested arrays around one number: joined iteratively. */
    size_t depth = 20000;
    char *text = malloc(2 * depth + 2);
    assert_non_null(text);
    memset(text, '[', depth);
    text[depth] = '7';
    memset(text + depth + 1, ']', depth);
    text[2 * depth + 1] = '\0';
    struct arena *big = arena_new(1 << 20, 0);
    struct json_value *v = json_parse(big, text, 2 * depth + 1, NULL, NULL);
    assert_non_null(v);
    const char *s;
    size_t len;
    assert_int_equal(jsval_to_string(big, v, &s, &len), ERR_OK);
    assert_string_equal(s, "7");
    arena_free(big);
    free(text);
}

static void test_string_to_number(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *out;
    } t[] = {
        {"", "0"},
        {" ", "0"},
        {"12", "12"},
        {" 12 ", "12"},
        {"\xc2\xa0"
         "12\xe2\x80\xa8",
         "12"},
        {"\xef\xbb\xbf"
         "7",
         "7"},
        {"0x10", "16"},
        {"0X1f", "31"},
        {"0o17", "15"},
        {"0b101", "5"},
        {"-0x10", "NaN"},
        {"1e3", "1000"},
        {"1E-2", "0.01"},
        {".5", "0.5"},
        {"5.", "5"},
        {"+.5", "0.5"},
        {"-5", "-5"},
        {"Infinity", "Infinity"},
        {"-Infinity", "-Infinity"},
        {"+Infinity", "Infinity"},
        {"infinity", "NaN"},
        {"1_000", "NaN"},
        {"12abc", "NaN"},
        {"0x", "NaN"},
        {"1e", "NaN"},
        {"00012", "12"},
        {"1.7976931348623157e308", "1.7976931348623157e+308"},
        {"1e400", "Infinity"},
        {"0.1e1", "1"},
        {"--1", "NaN"},
        {"0b2", "NaN"},
        {"0o8", "NaN"},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        char num[JSON_NUMBER_MAX];
        json_number_format(jsval_string_to_number(t[i].in, strlen(t[i].in)), num);
        if (strcmp(num, t[i].out) != 0)
            fprintf(stderr, "Number(\"%s\"): want %s got %s\n", t[i].in, t[i].out, num);
        assert_string_equal(num, t[i].out);
    }
}

static void check_date(const char *text, const char *want)
{
    char iso[JSVAL_ISO_MAX];
    size_t n = jsval_date_iso(jsval_date_parse(text, strlen(text)), iso);
    const char *got = n ? iso : "Invalid";
    if (strcmp(got, want) != 0)
        fprintf(stderr, "new Date(\"%s\"): want %s got %s\n", text, want, got);
    assert_string_equal(got, want);
}

static void test_date_parse(void **state)
{
    (void)state;
    check_date("2019-01-01T00:00:00.000Z", "2019-01-01T00:00:00.000Z");
    check_date("2019-01-01T00:00:00Z", "2019-01-01T00:00:00.000Z");
    check_date("2019-01-01", "2019-01-01T00:00:00.000Z");
    check_date("2019-01", "2019-01-01T00:00:00.000Z");
    check_date("2019", "2019-01-01T00:00:00.000Z");
    check_date("+002019-01-01T00:00:00Z", "2019-01-01T00:00:00.000Z");
    check_date("-000000-01-01T00:00:00Z", "Invalid");
    check_date("2019-02-30", "2019-03-02T00:00:00.000Z");
    check_date("2019-13-01", "Invalid");
    check_date("2019-01-01T24:00:00Z", "2019-01-02T00:00:00.000Z");
    check_date("2019-01-01T24:00:01Z", "Invalid");
    check_date("2019-01-01T10:00", "2019-01-01T10:00:00.000Z");
    check_date("2019-01-01T10:00:00.1234567Z", "2019-01-01T10:00:00.123Z");
    check_date("2019-01-01T10:00:00+0100", "2019-01-01T09:00:00.000Z");
    check_date("2019-01-01T10:00:00+01:00", "2019-01-01T09:00:00.000Z");
    check_date("2019-01-01T10:00:00.5+01:00", "2019-01-01T09:00:00.500Z");
    check_date("2019-01-01 10:00:00", "2019-01-01T10:00:00.000Z");
    check_date("2019/01/01", "2019-01-01T00:00:00.000Z");
    check_date("Jan 1 2019", "2019-01-01T00:00:00.000Z");
    check_date("Tue, 01 Jan 2019 00:00:00 GMT", "2019-01-01T00:00:00.000Z");
    check_date("1 January 2019 10:00 GMT+0100", "2019-01-01T09:00:00.000Z");
    check_date("12", "2001-12-01T00:00:00.000Z");
    check_date("1546300800000", "Invalid");
    check_date("garbage", "Invalid");
    check_date("2019-1-1", "2019-01-01T00:00:00.000Z");
    check_date(" 2019-01-01", "2019-01-01T00:00:00.000Z");
    check_date("2019-01-01t00:00:00.000z", "2019-01-01T00:00:00.000Z");
    check_date("275760-09-13", "+275760-09-13T00:00:00.000Z");
    check_date("+275760-09-13T00:00:00.001Z", "Invalid");
    check_date("2019-01-01T00:00:60Z", "Invalid");
    check_date("2019-01-01T00:00:00.Z", "Invalid");
    check_date("2019-01-01T00Z", "Invalid");
    check_date("Mon Jan 01 2019 00:00:00 GMT+0000 (Coordinated Universal Time)",
               "2019-01-01T00:00:00.000Z");
    check_date("20190101", "Invalid");
    check_date("1/2/2019", "2019-01-02T00:00:00.000Z");
    check_date("2019,1", "2019-01-01T00:00:00.000Z");
    check_date("2019-06-15T12:00:00-07:00", "2019-06-15T19:00:00.000Z");
    check_date("0000-01-01T00:00:00Z", "0000-01-01T00:00:00.000Z");
    check_date("-271821-04-20T00:00:00Z", "-271821-04-20T00:00:00.000Z");
    check_date("-271821-04-19T23:59:59.999Z", "Invalid");
    check_date("-0000012019-01-01", "+012019-01-01T00:00:00.000Z");
    check_date("2019-01-01\xc2\xa0"
               "10:00",
               "2019-01-01T10:00:00.000Z");
    check_date("2019-01-01 10:00 PM", "2019-01-01T22:00:00.000Z");
    check_date("12:30 am Jan 5 2020", "2020-01-05T00:30:00.000Z");
    check_date("Jan 5 2020 (note) 10:00 EST", "2020-01-05T15:00:00.000Z");
}

static void check_value_date(const char *json, const char *want)
{
    double ms = 0;
    assert_int_equal(jsval_date_from_value(arena, parse(json), &ms), ERR_OK);
    char iso[JSVAL_ISO_MAX];
    size_t n = jsval_date_iso(ms, iso);
    const char *got = n ? iso : "Invalid";
    if (strcmp(got, want) != 0)
        fprintf(stderr, "new Date(%s): want %s got %s\n", json, want, got);
    assert_string_equal(got, want);
}

static void test_new_date_of_values(void **state)
{
    (void)state;
    check_value_date("true", "1970-01-01T00:00:00.001Z");
    check_value_date("1546300800000", "2019-01-01T00:00:00.000Z");
    check_value_date("8640000000000000", "+275760-09-13T00:00:00.000Z");
    check_value_date("8640000000000001", "Invalid");
    check_value_date("-1.5", "1969-12-31T23:59:59.999Z");
    check_value_date("1.9", "1970-01-01T00:00:00.001Z");
    check_value_date("[2019]", "2019-01-01T00:00:00.000Z");
    check_value_date("[[1546300800000]]", "Invalid");
    check_value_date("{}", "Invalid");
    check_value_date("{\"valueOf\":1}", "Invalid");
}

static void test_iso_and_clip(void **state)
{
    (void)state;
    char iso[JSVAL_ISO_MAX];
    assert_int_equal(jsval_date_iso(NAN, iso), 0);
    assert_int_equal(jsval_date_iso(0, iso), 24);
    assert_string_equal(iso, "1970-01-01T00:00:00.000Z");
    jsval_date_iso(-1, iso);
    assert_string_equal(iso, "1969-12-31T23:59:59.999Z");
    jsval_date_iso(-8.64e15, iso);
    assert_string_equal(iso, "-271821-04-20T00:00:00.000Z");
    jsval_date_iso(253402300800000.0, iso); /* year 10000 */
    assert_string_equal(iso, "+010000-01-01T00:00:00.000Z");
    assert_true(isnan(jsval_time_clip(8.64e15 + 1)));
    assert_true(isnan(jsval_time_clip(INFINITY)));
    assert_true(jsval_time_clip(-0.5) == 0 && !signbit(jsval_time_clip(-0.5)));
    assert_true(jsval_time_clip(-1.5) == -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_to_string_and_number, setup, teardown),
        cmocka_unit_test_setup_teardown(test_own_to_string_throws, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_array_join, setup, teardown),
        cmocka_unit_test_setup_teardown(test_string_to_number, setup, teardown),
        cmocka_unit_test_setup_teardown(test_date_parse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_date_of_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_iso_and_clip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
