/* test_jsondiff.c — semantic JSON comparison: what counts as equal, the paths and values it
 * reports, their order, the limits, and deep nesting without recursion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "json.h"
#include "jsondiff.h"

static int setup(void **state)
{
    *state = arena_new(64 * 1024, 0);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    arena_free(*state);
    return 0;
}

static struct json_value *parse(struct arena *a, const char *text)
{
    struct json_error err;
    struct json_value *v = json_parse(a, text, strlen(text), NULL, &err);
    if (!v)
        fail_msg("test JSON does not parse: %s (%s)", err.message, text);
    return v;
}

/* Compares two JSON texts, keeping up to 16 differences. */
static struct jsondiff diff(struct arena *a, const char *e, const char *g)
{
    struct jsondiff d;
    assert_int_equal(jsondiff_compare(a, parse(a, e), parse(a, g), 16, 0, &d), 0);
    return d;
}

static void assert_entry(const struct jsondiff *d, size_t i, const char *path, const char *e,
                         const char *g)
{
    assert_true(i < d->len);
    assert_string_equal(d->entries[i].path, path);
    assert_string_equal(d->entries[i].expected, e);
    assert_string_equal(d->entries[i].got, g);
}

static void test_equal_ignores_key_order_and_number_spelling(void **state)
{
    struct arena *a = *state;
    struct jsondiff d = diff(a, "{\"a\":1,\"b\":[12.5,1e2,true,null],\"c\":{\"x\":\"y\"}}",
                             "{\"c\":{\"x\":\"y\"},\"b\":[12.50,100,true,null],\"a\":1.0}");
    assert_int_equal(d.total, 0);
    assert_int_equal(d.len, 0);
    d = diff(a, "[]", "[]");
    assert_int_equal(d.total, 0);
    d = diff(a, "\"a\\u0000b\"", "\"a\\u0000b\"");
    assert_int_equal(d.total, 0);
    d = diff(a, "0", "-0");
    assert_int_equal(d.total, 0);
}

static void test_number_difference_names_the_path(void **state)
{
    struct arena *a = *state;
    struct jsondiff d = diff(a, "[{\"options\":{\"amount\":12.5,\"currency\":\"EUR\"}}]",
                             "[{\"options\":{\"currency\":\"EUR\",\"amount\":12.50000001}}]");
    assert_int_equal(d.total, 1);
    assert_entry(&d, 0, "$[0].options.amount", "12.5", "12.50000001");
}

static void test_root_and_type_differences(void **state)
{
    struct arena *a = *state;
    struct jsondiff d = diff(a, "{\"a\":1}", "[1]");
    assert_int_equal(d.total, 1);
    assert_entry(&d, 0, "$", "{\"a\":1}", "[1]");
    d = diff(a, "{\"a\":\"1\",\"b\":true,\"c\":null}", "{\"a\":1,\"b\":false,\"c\":0}");
    assert_int_equal(d.total, 3);
    assert_entry(&d, 0, "$.a", "\"1\"", "1");
    assert_entry(&d, 1, "$.b", "true", "false");
    assert_entry(&d, 2, "$.c", "null", "0");
}

static void test_missing_and_extra_keys_in_document_order(void **state)
{
    struct arena *a = *state;
    struct jsondiff d = diff(a, "{\"a\":1,\"b\":{\"c\":[1,2]},\"d\":4}",
                             "{\"z\":0,\"b\":{\"c\":[1,3]},\"a\":1,\"y\":[]}");
    assert_int_equal(d.total, 4);
    assert_entry(&d, 0, "$.b.c[1]", "2", "3");
    assert_entry(&d, 1, "$.d", "4", JSONDIFF_ABSENT);
    assert_entry(&d, 2, "$.z", JSONDIFF_ABSENT, "0");
    assert_entry(&d, 3, "$.y", JSONDIFF_ABSENT, "[]");
}

static void test_array_length_differences(void **state)
{
    struct arena *a = *state;
    struct jsondiff d = diff(a, "[1,2,3]", "[1]");
    assert_int_equal(d.total, 2);
    assert_entry(&d, 0, "$[1]", "2", JSONDIFF_ABSENT);
    assert_entry(&d, 1, "$[2]", "3", JSONDIFF_ABSENT);
    d = diff(a, "{\"data\":[]}", "{\"data\":[{\"id\":1}]}");
    assert_int_equal(d.total, 1);
    assert_entry(&d, 0, "$.data[0]", JSONDIFF_ABSENT, "{\"id\":1}");
}

static void test_odd_keys_are_quoted(void **state)
{
    struct arena *a = *state;
    struct jsondiff d = diff(a, "{\"a b\":1,\"0\":{\"$ok_1\":2},\"\":3,\"q\\\"\":4,\"\\u0000\":5}",
                             "{\"a b\":2,\"0\":{\"$ok_1\":3},\"\":4,\"q\\\"\":5,\"\\u0000\":6}");
    assert_int_equal(d.total, 5);
    /* The parser keeps insertion order; the writer would put "0" first, but paths follow the
     * expected tree's member order. */
    assert_entry(&d, 0, "$[\"a b\"]", "1", "2");
    assert_entry(&d, 1, "$[\"0\"].$ok_1", "2", "3");
    assert_entry(&d, 2, "$[\"\"]", "3", "4");
    assert_entry(&d, 3, "$[\"q\\\"\"]", "4", "5");
    assert_entry(&d, 4, "$[\"\\u0000\"]", "5", "6");
}

static void test_strings_compare_bytes(void **state)
{
    struct arena *a = *state;
    struct jsondiff d =
        diff(a, "[\"a\\u0000b\",\"\\u00e9\",\"x\"]", "[\"a\\u0000c\",\"é\",\"x \"]");
    assert_int_equal(d.total, 2);
    assert_entry(&d, 0, "$[0]", "\"a\\u0000b\"", "\"a\\u0000c\"");
    assert_entry(&d, 1, "$[2]", "\"x\"", "\"x \"");
}

static void test_absent_sides(void **state)
{
    struct arena *a = *state;
    struct jsondiff d;
    assert_int_equal(jsondiff_compare(a, NULL, parse(a, "{}"), 4, 0, &d), 0);
    assert_int_equal(d.total, 1);
    assert_entry(&d, 0, "$", JSONDIFF_ABSENT, "{}");
    assert_int_equal(jsondiff_compare(a, parse(a, "[1]"), NULL, 4, 0, &d), 0);
    assert_entry(&d, 0, "$", "[1]", JSONDIFF_ABSENT);
    assert_int_equal(jsondiff_compare(a, NULL, NULL, 4, 0, &d), 0);
    assert_int_equal(d.total, 1);
    assert_entry(&d, 0, "$", JSONDIFF_ABSENT, JSONDIFF_ABSENT);
}

static void test_limits_on_entries_and_value_length(void **state)
{
    struct arena *a = *state;
    struct jsondiff d;
    assert_int_equal(
        jsondiff_compare(a, parse(a, "[1,2,3,4,5]"), parse(a, "[5,4,3,2,1]"), 2, 0, &d), 0);
    assert_int_equal(d.total, 4); /* index 2 is equal */
    assert_int_equal(d.len, 2);
    assert_entry(&d, 0, "$[0]", "1", "5");
    assert_entry(&d, 1, "$[1]", "2", "4");

    /* A value is cut at a character boundary: "é" is two bytes and is never split. */
    assert_int_equal(
        jsondiff_compare(a, parse(a, "{\"s\":\"aéé\"}"), parse(a, "{\"s\":1}"), 4, 3, &d), 0);
    assert_entry(&d, 0, "$.s", "\"a...", "1");
    assert_int_equal(
        jsondiff_compare(a, parse(a, "{\"s\":\"aéé\"}"), parse(a, "{\"s\":1}"), 4, 4, &d), 0);
    assert_entry(&d, 0, "$.s", "\"aé...", "1");

    /* Zero entries kept: the count still says whether they differ. */
    assert_int_equal(jsondiff_compare(a, parse(a, "[1]"), parse(a, "[2]"), 0, 0, &d), 0);
    assert_int_equal(d.total, 1);
    assert_int_equal(d.len, 0);
}

static void test_print_lines(void **state)
{
    struct arena *a = *state;
    struct jsondiff d;
    assert_int_equal(
        jsondiff_compare(a, parse(a, "{\"a\":[1,2,3]}"), parse(a, "{\"a\":[]}"), 2, 0, &d), 0);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(jsondiff_print(&d, "  ", f), 0);
    fclose(f);
    assert_string_equal(text, "  $.a[0]: expected 1, got (absent)\n"
                              "  $.a[1]: expected 2, got (absent)\n"
                              "  ... and 1 more difference\n");
    free(text);
}

/* 200,000 levels of arrays: a recursive walk would overflow the C stack (ASan's especially). */
static void test_deep_nesting_is_iterative(void **state)
{
    (void)state;
    struct arena *a = arena_new(1024 * 1024, 0);
    assert_non_null(a);
    const size_t depth = 200000;
    char *e = malloc(2 * depth + 2), *g = malloc(2 * depth + 2);
    assert_non_null(e);
    assert_non_null(g);
    memset(e, '[', depth);
    memset(e + depth, ']', depth);
    e[2 * depth] = '\0';
    memcpy(g, e, 2 * depth + 1);
    g[depth - 1] = '1'; /* innermost [] becomes 1 */
    g[depth] = ' ';
    struct json_parse_opts opts = {.max_depth = (uint32_t)depth + 1};
    struct json_value *ve = json_parse(a, e, strlen(e), &opts, NULL);
    struct json_value *vg = json_parse(a, g, strlen(g), &opts, NULL);
    assert_non_null(ve);
    assert_non_null(vg);
    struct jsondiff d;
    assert_int_equal(jsondiff_compare(a, ve, vg, 1, 0, &d), 0);
    assert_int_equal(d.total, 1);
    assert_int_equal(strlen(d.entries[0].path), 1 + 3 * (depth - 1));
    assert_string_equal(d.entries[0].expected, "[]");
    assert_string_equal(d.entries[0].got, "1");
    assert_int_equal(jsondiff_compare(a, ve, ve, 1, 0, &d), 0);
    assert_int_equal(d.total, 0);
    free(e);
    free(g);
    arena_free(a);
}

static void test_out_of_memory_is_an_error(void **state)
{
    (void)state;
    struct arena *big = arena_new(64 * 1024, 0);
    struct json_value *e = parse(big, "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]");
    struct json_value *g = parse(big, "[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]");
    struct arena *small = arena_new(256, 512);
    assert_non_null(small);
    struct jsondiff d;
    assert_int_equal(jsondiff_compare(small, e, g, 20, 0, &d), -1);
    arena_free(small);
    arena_free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_equal_ignores_key_order_and_number_spelling, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_number_difference_names_the_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_root_and_type_differences, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_and_extra_keys_in_document_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_array_length_differences, setup, teardown),
        cmocka_unit_test_setup_teardown(test_odd_keys_are_quoted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strings_compare_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_absent_sides, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limits_on_entries_and_value_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_print_lines, setup, teardown),
        cmocka_unit_test(test_deep_nesting_is_iterative),
        cmocka_unit_test(test_out_of_memory_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
