/* test_json_tree.c — the JSON engine's tree operations: constructors, get/set/delete with order
 * and the key index, push, clone, equality, truthiness, json_len, and a parse/print round trip. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

static struct json_value *parse(struct arena *a, const char *s)
{
    struct json_error e;
    struct json_value *v = json_parse(a, s, strlen(s), NULL, &e);
    if (v == NULL)
        fprintf(stderr, "parse error: %s at %zu\n", e.message, e.offset);
    assert_non_null(v);
    return v;
}

/* Prints v and compares with want (NUL-free expectations). */
static void assert_prints(const struct json_value *v, const char *want)
{
    struct json_buf b;
    json_buf_init(&b, 0);
    assert_int_equal(json_write(&b, v, 0, NULL), 0);
    if (b.len != strlen(want) || memcmp(b.data, want, b.len) != 0)
        fprintf(stderr, "got  %.*s\nwant %s\n", (int)b.len, b.data, want);
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.data, want, b.len);
    json_buf_free(&b);
}

static void test_constructors_and_len(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096, 0);
    struct json_value *s = json_new_string(a, "a\0b", 3);
    assert_int_equal(s->type, JSON_STRING);
    assert_int_equal(json_len(s), 3);
    assert_memory_equal(s->u.str, "a\0b", 4);
    assert_int_equal(json_len(json_new_number(a, 5)), 0);
    assert_int_equal(json_new_null(a)->type, JSON_NULL);
    assert_int_equal(json_new_bool(a, true)->type, JSON_TRUE);
    assert_int_equal(json_new_bool(a, false)->type, JSON_FALSE);
    assert_int_equal(json_new_date(a, 1.0)->type, JSON_DATE);
    assert_int_equal(json_len(NULL), 0);
    arena_free(a);
}

static void test_array_push_get(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096, 0);
    struct json_value *arr = json_new_array(a);
    for (int i = 0; i < 100; i++)
        assert_int_equal(json_array_push(a, arr, json_new_number(a, i)), 0);
    assert_int_equal(json_len(arr), 100);
    assert_true(json_array_get(arr, 42)->u.num == 42.0);
    assert_null(json_array_get(arr, 100));
    assert_int_equal(json_array_push(a, json_new_object(a), json_new_null(a)), -1);
    arena_free(a);
}

static void test_object_set_get_delete_order(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096, 0);
    struct json_value *o = json_new_object(a);
    assert_int_equal(json_object_set(a, o, "b", 1, json_new_number(a, 1)), 0);
    assert_int_equal(json_object_set(a, o, "a", 1, json_new_number(a, 2)), 0);
    assert_int_equal(json_object_set(a, o, "b", 1, json_new_number(a, 3)), 0); /* in place */
    assert_int_equal(json_len(o), 2);
    assert_prints(o, "{\"b\":3,\"a\":2}");
    assert_int_equal(json_object_set(a, o, "k\0z", 3, json_new_bool(a, true)), 0);
    assert_non_null(json_object_get(o, "k\0z", 3));
    assert_null(json_object_get(o, "k", 1));
    assert_int_equal(json_object_delete(o, "b", 1), 0);
    assert_int_equal(json_object_delete(o, "b", 1), -1);
    assert_prints(o, "{\"a\":2,\"k\\u0000z\":true}");
    arena_free(a);
}

static void test_object_index_large(void **state)
{
    (void)state;
    struct arena *a = arena_new(1 << 16, 0);
    struct json_value *o = json_new_object(a);
    char k[32];
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(k, sizeof(k), "key%d", i);
        assert_int_equal(json_object_set(a, o, k, (size_t)n, json_new_number(a, i)), 0);
    }
    for (int i = 0; i < 5000; i += 7) {
        int n = snprintf(k, sizeof(k), "key%d", i);
        struct json_value *v = json_object_get(o, k, (size_t)n);
        assert_non_null(v);
        assert_true(v->u.num == i);
    }
    /* delete keeps order and the index stays right */
    assert_int_equal(json_object_delete(o, "key0", 4), 0);
    assert_int_equal(json_len(o), 4999);
    assert_string_equal(o->u.members[0].key, "key1");
    assert_true(json_object_get(o, "key4999", 7)->u.num == 4999);
    assert_null(json_object_get(o, "key0", 4));
    assert_int_equal(json_object_set(a, o, "key0", 4, json_new_null(a)), 0);
    assert_string_equal(o->u.members[4999].key, "key0");
    arena_free(a);
}

static void test_clone_equal(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096, 0);
    struct arena *b = arena_new(4096, 0);
    struct json_value *v = parse(a, "{\"a\":[1,2,{\"x\":\"y\\u0000\"}],\"b\":null,\"c\":true}");
    struct json_value *c = json_clone(b, v);
    assert_true(json_equal(v, c));
    struct json_value *w = parse(a, "{\"c\":true,\"b\":null,\"a\":[1,2,{\"x\":\"y\\u0000\"}]}");
    assert_true(json_equal(v, w)); /* key order ignored */
    struct json_value *x = parse(a, "{\"c\":true,\"b\":null,\"a\":[1,2,{\"x\":\"y\"}]}");
    assert_false(json_equal(v, x));
    assert_false(json_equal(parse(a, "[1,2]"), parse(a, "[2,1]")));
    assert_true(json_equal(parse(a, "[0]"), parse(a, "[-0]"))); /* numbers by value */
    assert_false(json_equal(parse(a, "{\"a\":1}"), parse(a, "{\"b\":1}")));
    arena_free(a);
    /* the clone lives on alone */
    assert_prints(c, "{\"a\":[1,2,{\"x\":\"y\\u0000\"}],\"b\":null,\"c\":true}");
    arena_free(b);
}

static void test_deep_clone_equal_no_recursion(void **state)
{
    (void)state;
    struct arena *a = arena_new(1 << 20, 0);
    size_t depth = 200000;
    char *s = malloc(depth * 2);
    memset(s, '[', depth);
    memset(s + depth, ']', depth);
    struct json_parse_opts opts = {.max_depth = 300000};
    struct json_value *v = json_parse(a, s, depth * 2, &opts, NULL);
    assert_non_null(v);
    struct json_value *c = json_clone(a, v);
    assert_non_null(c);
    assert_true(json_equal(v, c));
    free(s);
    arena_free(a);
}

static void test_truthy(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096, 0);
    assert_false(json_truthy(NULL));
    assert_false(json_truthy(json_new_null(a)));
    assert_false(json_truthy(json_new_bool(a, false)));
    assert_true(json_truthy(json_new_bool(a, true)));
    assert_false(json_truthy(json_new_number(a, 0.0)));
    assert_false(json_truthy(json_new_number(a, -0.0)));
    assert_false(json_truthy(json_new_number(a, NAN)));
    assert_true(json_truthy(json_new_number(a, 0.5)));
    assert_false(json_truthy(json_new_string(a, "", 0)));
    assert_true(json_truthy(json_new_string(a, "0", 1)));
    assert_true(json_truthy(json_new_array(a)));
    assert_true(json_truthy(json_new_object(a)));
    assert_true(json_truthy(json_new_date(a, NAN)));
    arena_free(a);
}

static void test_round_trip_basic(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096, 0);
    const char *in =
        " {\"a\" : [1, 2.5, -3e-7, true, false, null, \"x\\ny\"], \"b\":{}, \"c\":[]}\r\n";
    struct json_value *v = parse(a, in);
    assert_prints(v, "{\"a\":[1,2.5,-3e-7,true,false,null,\"x\\ny\"],\"b\":{},\"c\":[]}");
    char num[JSON_NUMBER_MAX];
    assert_int_equal(json_number_format(0.1 + 0.2, num), 19);
    assert_string_equal(num, "0.30000000000000004");
    json_number_format(NAN, num);
    assert_string_equal(num, "NaN");
    json_number_format(-INFINITY, num);
    assert_string_equal(num, "-Infinity");
    assert_int_equal(json_utf16_len("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 10), 5);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constructors_and_len),
        cmocka_unit_test(test_array_push_get),
        cmocka_unit_test(test_object_set_get_delete_order),
        cmocka_unit_test(test_object_index_large),
        cmocka_unit_test(test_clone_equal),
        cmocka_unit_test(test_deep_clone_equal_no_recursion),
        cmocka_unit_test(test_truthy),
        cmocka_unit_test(test_round_trip_basic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
