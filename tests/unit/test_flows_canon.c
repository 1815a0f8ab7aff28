/* test_flows_canon.c — the canonical form of flows/ resources (runner/flows_canon.c): the exact
 * text for a known input, what is dropped and masked, key order, idempotence
 * (canonical(canonical(x)) == canonical(x)) over varied inputs, and the locator that gives
 * validate's line and column (runner/flows_locate.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "flows_canon.h"
#include "flows_locate.h"
#include "json.h"

/* The canonical text of text (type t) as a malloc'd string; NULL when it does not parse. */
static char *canon(enum flows_type t, const char *text)
{
    struct arena *a = arena_new(4096, 0);
    assert_non_null(a);
    struct json_buf b;
    json_buf_init(&b, 0);
    struct json_error err = {0};
    int rc = flows_canon_text(a, t, text, strlen(text), &b, &err);
    char *out = NULL;
    if (rc == 0) {
        out = malloc(b.len + 1);
        assert_non_null(out);
        memcpy(out, b.data, b.len);
        out[b.len] = '\0';
    }
    json_buf_free(&b);
    arena_free(a);
    return out;
}

static void test_exact_text(void **state)
{
    (void)state;
    char *out = canon(FLOWS_EXPORT,
                      "{\"zeta\":[1,{\"b\":true,\"a\":null}],\"_connectionId\":\"@connections/x\","
                      "\"name\":\"N\",\"Zed\":{},\"adaptorType\":\"HTTPExport\",\"list\":[],"
                      "\"_id\":\"65aa\",\"lastModified\":\"2024-01-01\",\"n\":1.50}");
    assert_non_null(out);
    assert_string_equal(out, "{\n"
                             "  \"name\": \"N\",\n"
                             "  \"Zed\": {},\n"
                             "  \"_connectionId\": \"@connections/x\",\n"
                             "  \"adaptorType\": \"HTTPExport\",\n"
                             "  \"list\": [],\n"
                             "  \"n\": 1.5,\n"
                             "  \"zeta\": [\n"
                             "    1,\n"
                             "    {\n"
                             "      \"a\": null,\n"
                             "      \"b\": true\n"
                             "    }\n"
                             "  ]\n"
                             "}\n");
    free(out);
}

static void test_dropped_and_masked(void **state)
{
    (void)state;
    char *out = canon(
        FLOWS_CONNECTION,
        "{\"name\":\"c\",\"type\":\"http\",\"_integrationId\":\"i\",\"sandbox\":false,"
        "\"apiIdentifier\":\"c1\",\"createdAt\":\"t\",\"http\":{\"auth\":{\"token\":{\"token\":"
        "\"abc\",\"location\":\"header\"}},\"encrypted\":{\"k\":\"v\",\"deep\":{\"x\":\"y\"},"
        "\"n\":3},\"mockResponse\":{\"set-cookie\":\"s\"},\"headers\":[{\"name\":\"a\","
        "\"value\":\"******\"}],\"lastModified\":1}}");
    assert_non_null(out);
    assert_string_equal(out, "{\n"
                             "  \"name\": \"c\",\n"
                             "  \"http\": {\n"
                             "    \"auth\": {\n"
                             "      \"token\": {\n"
                             "        \"location\": \"header\",\n"
                             "        \"token\": \"<secret>\"\n"
                             "      }\n"
                             "    },\n"
                             "    \"encrypted\": {\n"
                             "      \"deep\": {\n"
                             "        \"x\": \"<secret>\"\n"
                             "      },\n"
                             "      \"k\": \"<secret>\",\n"
                             "      \"n\": 3\n"
                             "    },\n"
                             "    \"headers\": [\n"
                             "      {\n"
                             "        \"name\": \"a\",\n"
                             "        \"value\": \"<secret>\"\n"
                             "      }\n"
                             "    ]\n"
                             "  },\n"
                             "  \"type\": \"http\"\n"
                             "}\n");
    assert_null(strstr(out, "******"));
    free(out);
}

static void test_environment_keeps_ids(void **state)
{
    (void)state;
    char *out = canon(FLOWS_ENVIRONMENT, "{\"region\":\"EU\",\"ids\":{\"@integration\":\"1\"},"
                                         "\"name\":\"sandbox\",\"_id\":\"kept\"}");
    assert_non_null(out);
    assert_string_equal(out, "{\n  \"name\": \"sandbox\",\n  \"_id\": \"kept\",\n  \"ids\": {\n"
                             "    \"@integration\": \"1\"\n  },\n  \"region\": \"EU\"\n}\n");
    free(out);
}

static void test_not_an_object(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096, 0);
    struct json_buf b;
    json_buf_init(&b, 0);
    struct json_error err = {0};
    assert_int_equal(flows_canon_text(a, FLOWS_FLOW, "[1]", 3, &b, &err), -1);
    assert_non_null(strstr(err.message, "object"));
    assert_int_equal(flows_canon_text(a, FLOWS_FLOW, "{\n  \"a\": tru\n}", 14, &b, &err), -1);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 11); /* where "tru" stops being a literal */
    json_buf_free(&b);
    arena_free(a);
}

static void test_idempotent(void **state)
{
    (void)state;
    static const char *const inputs[] = {
        "{}",
        "{\"name\":\"x\"}",
        "{\"b\":1e21,\"a\":0.1,\"c\":-0,\"d\":1e-7,\"e\":123456789012345680000}",
        "{\"k\":\"\\u00e9\\ud83d\\ude00\\n\\t\\\"\\\\\\/\\u0000\",\"\\u00e9\":1,\"e\":2,\"E\":3}",
        "{\"10\":1,\"2\":2,\"a\":{\"1\":[],\"0\":{}}}",
        "{\"name\":\"n\",\"hooks\":{\"preMap\":{\"_stackId\":null,\"function\":null}},"
        "\"mapping\":{\"fields\":[{\"extract\":\"a\",\"generate\":\"b\"}],\"lists\":[]}}",
        "{\"x\":[[[[[]]]]],\"password\":\"p\",\"encrypted\":[\"a\",{\"b\":\"c\"}]}",
        "  {\"name\" : \"sp\" , \"v\" : [ 1 , 2 ] }  ",
        "{\"a\":{\"rawData\":{\"x\":1},\"sampleData\":[1],\"keep\":true},\"lastExecutedAt\":0}",
        /* ill-formed UTF-8: keys must sort the same once written as U+FFFD (fuzz_flows_layout) */
        "{\"\xec\xec\":1,\"\xec\x8d\":2,\"\xed\xa0\":3,\"\xef\xbf\xbd\":4,\"z\xff\":\"\xc3\"}",
        "\xef\xbb\xbf{\"bom\":true}",
        "{\"\\ud800\":1,\"\\udc00\\ud800\":2,\"\\uffff\":3}",
    };
    for (int t = 0; t < FLOWS_NTYPES; t++) {
        for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
            char *once = canon((enum flows_type)t, inputs[i]);
            assert_non_null(once);
            char *twice = canon((enum flows_type)t, once);
            assert_non_null(twice);
            assert_string_equal(once, twice);
            size_t n = strlen(once);
            assert_true(n > 0 && once[n - 1] == '\n' && (n < 2 || once[n - 2] != '\n'));
            assert_null(strchr(once, '\r'));
            free(once);
            free(twice);
        }
    }
}

static struct flows_path path_of(int n, ...)
{
    struct flows_path p = {.n = 0};
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        const char *k = va_arg(ap, const char *);
        if (k[0] == '#')
            p.seg[p.n++] = (struct flows_seg){.key = NULL, .index = (size_t)atoi(k + 1)};
        else
            p.seg[p.n++] = (struct flows_seg){.key = k, .klen = strlen(k)};
    }
    va_end(ap);
    return p;
}

static void test_locate(void **state)
{
    (void)state;
    const char *text = "{\n"
                       "  \"name\": \"a\",\n"
                       "  \"pageProcessors\": [\n"
                       "    {\"type\": \"import\", \"x\": {\"y\": [1, 2]}},\n"
                       "    {\"_importId\": \"@imports/b\"}\n"
                       "  ],\n"
                       "  \"k\\u00e9y\": 1, \"name\": \"again\"\n"
                       "}\n";
    size_t len = strlen(text);
    uint32_t line, col;
    struct flows_path p = path_of(3, "pageProcessors", "#1", "_importId");
    flows_locate(text, len, &p, &line, &col);
    assert_int_equal(line, 5);
    assert_int_equal(col, 6);
    p = path_of(4, "pageProcessors", "#0", "x", "y");
    flows_locate(text, len, &p, &line, &col);
    assert_int_equal(line, 4);
    assert_int_equal(col, 30);
    p = path_of(1, "k\xc3\xa9y");
    flows_locate(text, len, &p, &line, &col);
    assert_int_equal(line, 7);
    assert_int_equal(col, 3);
    /* a repeated key: the last one, which the parser keeps */
    p = path_of(1, "name");
    flows_locate(text, len, &p, &line, &col);
    assert_int_equal(line, 7);
    assert_int_equal(col, 18);
    /* what is not there: the deepest step found */
    p = path_of(3, "pageProcessors", "#7", "x");
    flows_locate(text, len, &p, &line, &col);
    assert_int_equal(line, 3);
    assert_int_equal(col, 3);
    p = path_of(0);
    flows_locate(text, len, &p, &line, &col);
    assert_int_equal(line, 1);
    assert_int_equal(col, 1);
    /* text that is not JSON at all never reads past its end */
    const char *junk[] = {"", "{", "{\"a", "{\"a\":", "[\"\\", "{\"a\":[1,", "\"\\u12"};
    p = path_of(2, "a", "#1");
    for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        flows_locate(junk[i], strlen(junk[i]), &p, &line, &col);
        assert_int_equal(line, 1);
    }
}

static void test_type_dirs(void **state)
{
    (void)state;
    for (int t = FLOWS_CONNECTION; t < FLOWS_NTYPES; t++) {
        const char *d = flows_type_dir((enum flows_type)t);
        assert_int_equal(flows_type_from_dir(d, strlen(d)), t);
    }
    assert_int_equal(flows_type_from_dir("integration", 11), -1);
    assert_int_equal(flows_type_from_dir("export", 6), -1);
    assert_true(flows_secret_key("systemToken", 11));
    assert_false(flows_secret_key("tokens", 6));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_text),
        cmocka_unit_test(test_dropped_and_masked),
        cmocka_unit_test(test_environment_keeps_ids),
        cmocka_unit_test(test_not_an_object),
        cmocka_unit_test(test_idempotent),
        cmocka_unit_test(test_locate),
        cmocka_unit_test(test_type_dirs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
