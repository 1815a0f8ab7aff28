/* test_kind.c — each hook kind's result contract (runner/kind.c): good results pass, broken ones
 * fail with a message naming the function, the kind and what is wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "json.h"
#include "kind.h"

static struct arena *arena;

static int setup(void **state)
{
    (void)state;
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
    if (!s)
        return NULL; /* "no value" */
    struct json_error e;
    struct json_value *v = json_parse(arena, s, strlen(s), NULL, &e);
    if (!v)
        fprintf(stderr, "parse error in test data: %s: %s\n", s, e.message);
    assert_non_null(v);
    return v;
}

/* Checks result (JSON text, NULL for no value) against kind; want_ok, and when failing, a message
 * containing `needle` plus the function and kind names. */
static void check(hs_kind kind, const char *options, const char *result, bool want_ok,
                  const char *needle)
{
    char msg[512];
    int rc = kind_check(kind, "myHook", parse(options), parse(result), msg, sizeof(msg));
    if ((rc == 0) != want_ok)
        fprintf(stderr, "kind %s result %s: rc %d msg \"%s\"\n", kind_name(kind),
                result ? result : "(none)", rc, msg);
    assert_int_equal(rc == 0, want_ok);
    if (!want_ok) {
        assert_non_null(strstr(msg, "myHook"));
        assert_non_null(strstr(msg, kind_name(kind)));
        if (needle && !strstr(msg, needle))
            fprintf(stderr, "message \"%s\" lacks \"%s\"\n", msg, needle);
        if (needle)
            assert_non_null(strstr(msg, needle));
    }
}

static void test_names_and_groups(void **state)
{
    (void)state;
    assert_string_equal(kind_name(HS_KIND_PRE_SAVE_PAGE), "preSavePage");
    assert_string_equal(kind_name(HS_KIND_POST_RESPONSE_MAP), "postResponseMap");
    assert_string_equal(kind_name(HS_KIND_RAW), "raw");
    assert_string_equal(kind_name((hs_kind)99), "unknown");
    assert_true(kind_valid(HS_KIND_PRE_SAVE_PAGE) && kind_valid(HS_KIND_RAW));
    assert_false(kind_valid(0) || kind_valid(14));
    assert_string_equal(kind_default_group(HS_KIND_PRE_MAP), "hooks");
    assert_string_equal(kind_default_group(HS_KIND_BRANCHING), "hooks");
    assert_string_equal(kind_default_group(HS_KIND_WRAPPER), "wrappers");
    assert_string_equal(kind_default_group(HS_KIND_SETTING), "settings");
    assert_string_equal(kind_default_group(HS_KIND_UTILITY), "utilities");
    assert_string_equal(kind_default_group(HS_KIND_INSTALLER), "installer");
    assert_string_equal(kind_default_group(HS_KIND_UNINSTALLER), "uninstaller");
    assert_null(kind_default_group(HS_KIND_RAW));
    assert_string_equal(kind_record_array(HS_KIND_PRE_MAP), "data");
    assert_string_equal(kind_record_array(HS_KIND_POST_MAP), "postMapData");
    assert_string_equal(kind_record_array(HS_KIND_POST_SUBMIT), "responseData");
    assert_string_equal(kind_record_array(HS_KIND_POST_RESPONSE_MAP), "postResponseMapData");
    assert_null(kind_record_array(HS_KIND_PRE_SAVE_PAGE));
}

static void test_pre_save_page(void **state)
{
    (void)state;
    const hs_kind k = HS_KIND_PRE_SAVE_PAGE;
    const char *o = "{\"data\":[{\"id\":1},{\"id\":2}],\"errors\":[]}";
    check(k, o, "{\"data\":[],\"errors\":[],\"abort\":false,\"newErrorsAndRetryData\":[]}", true,
          NULL);
    check(k, o, "{\"data\":[{\"id\":1},{\"id\":2},{\"id\":3}]}", true, NULL); /* may add */
    check(k, o,
          "{\"data\":[[1,2]],\"errors\":[{\"code\":\"c\",\"message\":\"m\"}],\"abort\":true,"
          "\"newErrorsAndRetryData\":[{\"retryData\":{\"id\":1},\"errors\":[]}]}",
          true, NULL);
    check(k, o, "[{\"id\":1}]", false, "must return an object");
    check(k, o, NULL, false, "no value");
    check(k, o, "{\"errors\":[]}", false, "no data array");
    check(k, o, "{\"data\":{}}", false, "not an array");
    check(k, o, "{\"data\":[],\"errors\":{}}", false, "errors");
    check(k, o, "{\"data\":[],\"errors\":[\"oops\"]}", false, "errors[0]");
    check(k, o, "{\"data\":[],\"abort\":\"yes\"}", false, "abort");
    check(k, o, "{\"data\":[],\"newErrorsAndRetryData\":[{\"errors\":[]}]}", false,
          "newErrorsAndRetryData[0]");
    check(k, o, "{\"data\":[],\"newErrorsAndRetryData\":[{\"retryData\":1,\"errors\":{}}]}", false,
          "newErrorsAndRetryData[0]");
    check(k, o, "{\"data\":[],\"erors\":[]}", false, "unknown field \"erors\"");
}

static void test_pre_map(void **state)
{
    (void)state;
    const hs_kind k = HS_KIND_PRE_MAP;
    const char *o = "{\"data\":[{\"id\":1},{\"id\":2},{\"id\":3}]}";
    check(k, o,
          "[{\"data\":{\"id\":1}},{},{\"data\":{\"id\":3},\"errors\":[{\"code\":\"x\","
          "\"message\":\"y\"}]}]",
          true, NULL);
    check(k, o, "[{\"errors\":[{\"code\":\"x\"}]},{\"data\":[1,2]},{}]", true, NULL);
    check(k, o, "[{},{}]", false, "of 3 elements");
    check(k, o, "[{},{},{},{}]", false, "it returned 4");
    check(k, o, "{\"data\":[]}", false, "must return an array");
    check(k, o, NULL, false, "no value");
    /* An element is named by its record, counted from 1, with the record's id. */
    check(k, o, "[{},{},5]", false, "returned a number, not an object, for record 3 of 3, id 3.");
    /* The records themselves instead of {data: record}: caught by the unknown field. */
    check(k, o, "[{\"id\":1},{\"id\":2},{\"id\":3}]", false, "unknown field \"id\"");
    check(k, o, "[{\"data\":1,\"errors\":{}},{},{}]", false, "errors");
    check(k, o, "[{\"data\":1,\"errors\":[1]},{},{}]", false, "errors");
    /* The result alone: the options' array is checked before the call (kind_check_input). */
    check(k, "{}", "[]", true, NULL);
    check(k, "{\"data\":5}", "[]", true, NULL);
    check(k, "{}", "[{}]", false, "of 0 elements");
}

static void test_post_map(void **state)
{
    (void)state;
    const hs_kind k = HS_KIND_POST_MAP;
    const char *o = "{\"preMapData\":[{\"a\":1},{\"a\":2}],\"postMapData\":[{\"b\":1},{\"b\":2}]}";
    check(k, o, "[{\"data\":{\"b\":1}},{}]", true, NULL);
    check(k, o, "[{\"data\":{\"b\":1}}]", false, "options.postMapData");
    check(k, "{\"data\":[1,2,3],\"postMapData\":[1]}", "[{}]", true, NULL);
}

static void test_post_submit(void **state)
{
    (void)state;
    const hs_kind k = HS_KIND_POST_SUBMIT;
    const char *o = "{\"responseData\":[{\"statusCode\":200,\"id\":\"1\"},{\"statusCode\":422,"
                    "\"errors\":[{\"code\":\"c\"}]}]}";
    check(k, o, "[{\"statusCode\":200,\"id\":\"1\"},{\"statusCode\":422,\"errors\":[]}]", true,
          NULL);
    check(k, o, "[{\"statusCode\":200}]", false, "options.responseData");
    check(k, o, "[{\"statusCode\":200},null]", false, "null, not an object, for record 2 of 2.");
    check(k, o, "[{},[]]", false, "for record 2 of 2.");
}

static void test_post_response_map(void **state)
{
    (void)state;
    const hs_kind k = HS_KIND_POST_RESPONSE_MAP;
    const char *o = "{\"postResponseMapData\":[{\"x\":1}],\"responseData\":[{\"a\":1},{\"b\":2}]}";
    check(k, o, "[{\"x\":2,\"extra\":true}]", true, NULL);
    check(k, o, "[{\"x\":1},{\"x\":2}]", false, "options.postResponseMapData");
    check(k, o, "[\"x\"]", false, "a string, not an object, for record 1 of 1.");
}

/* Before the call: a per-record kind needs its array, branching its record; others need nothing.
 */
static void check_input(hs_kind kind, const char *options, const char *want_code,
                        const char *needle)
{
    char msg[512];
    const char *code = "unset";
    int rc = kind_check_input(kind, "myHook", parse(options), &code, msg, sizeof(msg));
    if (!want_code) {
        assert_int_equal(rc, 0);
        assert_null(code);
        return;
    }
    if (rc == 0 || !code || strcmp(code, want_code) != 0 || !strstr(msg, needle))
        fprintf(stderr, "kind %s options %s: rc %d code %s msg \"%s\"\n", kind_name(kind), options,
                rc, code ? code : "(null)", msg);
    assert_int_equal(rc, -1);
    assert_string_equal(code, want_code);
    assert_non_null(strstr(msg, needle));
}

static void test_check_input(void **state)
{
    (void)state;
    check_input(HS_KIND_PRE_MAP, "{\"data\":[]}", NULL, NULL);
    check_input(HS_KIND_PRE_MAP, "{\"data\":[{\"id\":1}]}", NULL, NULL);
    check_input(HS_KIND_PRE_MAP, "{\"_importId\":\"i\"}", "missing_required_field",
                "preMap function myHook needs options.data (an array of the page's records); the "
                "request has no options.data.");
    check_input(HS_KIND_PRE_MAP, "{\"data\":{\"id\":1}}", "invalid_field",
                "preMap function myHook needs options.data (an array of the page's records); "
                "options.data is an object.");
    check_input(HS_KIND_PRE_MAP, "{\"data\":null}", "invalid_field", "options.data is null.");
    check_input(HS_KIND_PRE_MAP, "[1,2]", "invalid_field",
                "the options are an array of 2 elements, not an object.");
    check_input(HS_KIND_POST_MAP, "{\"data\":[],\"preMapData\":[]}", "missing_required_field",
                "postMap function myHook needs options.postMapData");
    check_input(HS_KIND_POST_SUBMIT, "{\"responseData\":\"x\"}", "invalid_field",
                "postSubmit function myHook needs options.responseData (an array of the import's "
                "response for each record); options.responseData is a string.");
    check_input(HS_KIND_POST_RESPONSE_MAP, "{\"responseData\":[]}", "missing_required_field",
                "options.postResponseMapData");
    check_input(HS_KIND_BRANCHING, "{\"record\":{}}", NULL, NULL);
    check_input(HS_KIND_BRANCHING, "{\"record\":[1]}", NULL, NULL);
    check_input(HS_KIND_BRANCHING, "{\"settings\":{}}", "missing_required_field",
                "branching function myHook needs options.record (the record to route, an object "
                "or an array); the request has no options.record.");
    check_input(HS_KIND_BRANCHING, "{\"record\":\"r\"}", "invalid_field",
                "options.record is a string.");
    check_input(HS_KIND_PRE_SAVE_PAGE, "{\"data\":[],\"errors\":[]}", NULL, NULL);
    check_input(HS_KIND_PRE_SAVE_PAGE, "{\"errors\":[]}", "missing_required_field",
                "preSavePage function myHook needs options.data (an array of the page's records)");
    check_input(HS_KIND_PRE_SAVE_PAGE, "{\"data\":true}", "invalid_field",
                "options.data is a boolean.");
    /* Free-form kinds read what they like. */
    const hs_kind free_kinds[] = {
        HS_KIND_POST_AGGREGATE, HS_KIND_WRAPPER, HS_KIND_SETTING, HS_KIND_INSTALLER,
        HS_KIND_UNINSTALLER,    HS_KIND_UTILITY, HS_KIND_RAW};
    for (size_t i = 0; i < sizeof(free_kinds) / sizeof(free_kinds[0]); i++) {
        check_input(free_kinds[i], "{}", NULL, NULL);
        check_input(free_kinds[i], "\"text\"", NULL, NULL);
    }
}

static void test_post_aggregate(void **state)
{
    (void)state;
    const hs_kind k = HS_KIND_POST_AGGREGATE;
    const char *o = "{\"postAggregateData\":{\"success\":true}}";
    check(k, o, NULL, true, NULL);
    check(k, o, "null", true, NULL);
    check(k, o, "{}", false, "must return no value");
    check(k, o, "true", false, "a boolean");
}

static void test_branching(void **state)
{
    (void)state;
    const hs_kind k = HS_KIND_BRANCHING;
    const char *o = "{\"record\":{\"id\":1},\"settings\":{}}";
    check(k, o, "0", true, NULL);
    check(k, o, "3", true, NULL);
    check(k, o, "[0,2]", true, NULL);
    check(k, o, "[]", true, NULL);
    check(k, o, "-1", false, "branch index");
    check(k, o, "1.5", false, "branch index");
    check(k, o, "\"route1\"", false, "a string");
    check(k, o, "[0,\"1\"]", false, "element 1");
    check(k, o, "[0,-2]", false, "element 1");
    check(k, o, NULL, false, "no value");
}

/* R-BR-1: with settings.branches, an index must name one of them; names map both ways. */
static void test_branch_names(void **state)
{
    (void)state;
    const hs_kind k = HS_KIND_BRANCHING;
    const char *o = "{\"record\":{},\"settings\":{\"branches\":[\"open\",{\"name\":\"closed\"},"
                    "{\"x\":1},7]}}";
    check(k, o, "3", true, NULL);
    check(k, o, "[0,1,2]", true, NULL);
    check(k, o, "4", false, "returned branch 4; settings.branches lists 4 branches (0 to 3)");
    check(k, o, "[0,9]", false, "returned branch 9");
    check(k, "{\"settings\":{\"branches\":[\"a\"]}}", "1", false, "lists 1 branch (0 to 0)");
    check(k, "{\"settings\":{\"branches\":{}}}", "9", true, NULL); /* not an array: no bound */
    const struct json_value *opts = parse(o);
    size_t len = 0;
    assert_int_equal(kind_branch_count(opts), 4);
    assert_string_equal(kind_branch_name(opts, 0, &len), "open");
    assert_int_equal(len, 4);
    assert_string_equal(kind_branch_name(opts, 1, NULL), "closed");
    assert_null(kind_branch_name(opts, 2, NULL)); /* object without a string name */
    assert_null(kind_branch_name(opts, 3, NULL)); /* a number */
    assert_null(kind_branch_name(opts, 4, NULL));
    assert_int_equal(kind_branch_index(opts, "closed", 6), 1);
    assert_int_equal(kind_branch_index(opts, "clos", 4), -1);
    assert_int_equal(kind_branch_index(opts, "7", 1), -1);
    assert_int_equal(kind_branch_count(parse("{\"settings\":{}}")), -1);
    assert_int_equal(kind_branch_count(parse("[]")), -1);
    assert_int_equal(kind_branch_index(NULL, "a", 1), -1);
}

static void test_free_form_kinds(void **state)
{
    (void)state;
    const hs_kind kinds[] = {HS_KIND_WRAPPER,     HS_KIND_SETTING, HS_KIND_INSTALLER,
                             HS_KIND_UNINSTALLER, HS_KIND_UTILITY, HS_KIND_RAW};
    const char *results[] = {NULL, "null", "5", "\"s\"", "[1]", "{\"a\":[{}]}"};
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        for (size_t j = 0; j < sizeof(results) / sizeof(results[0]); j++)
            check(kinds[i], "{}", results[j], true, NULL);
}

static void test_message_is_bounded(void **state)
{
    (void)state;
    char msg[24];
    int rc = kind_check(HS_KIND_PRE_MAP, "aVeryLongFunctionNameIndeed", parse("{\"data\":[1]}"),
                        parse("[]"), msg, sizeof(msg));
    assert_int_equal(rc, -1);
    assert_int_equal(strlen(msg), sizeof(msg) - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_and_groups),
        cmocka_unit_test_setup_teardown(test_pre_save_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pre_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_post_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_post_submit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_post_response_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_post_aggregate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_branching, setup, teardown),
        cmocka_unit_test_setup_teardown(test_branch_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_form_kinds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_message_is_bounded, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
