/* test_json_fidelity.c — one test per category of docs/json-fidelity.md (the 20 rows of §2
 * with their minimal examples, §3–§5 details) and the §8 list of malformed bodies. Each case runs
 * what the reference does for doSomething: body-parser's reading of the body (UTF-8 decoding,
 * strict mode), options with "function":"doSomething" set, the answer [options] printed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

#define S(lit) lit, sizeof(lit) - 1

static const struct json_parse_opts body_opts = {.require_container = true, .decode_utf8 = true};

/* The answer the reference gives a doSomething body, or NULL (with a printed reason) when the body
 * does not parse. *utf16 receives the answer's JavaScript length. */
static char *answer(const char *body, size_t len, size_t *out_len, size_t *utf16)
{
    struct arena *a = arena_new(1 << 16, 0);
    struct json_error e;
    struct json_value *root = json_parse(a, body, len, &body_opts, &e);
    if (root == NULL) {
        arena_free(a);
        return NULL;
    }
    struct json_value *opts = json_object_get(root, "options", 7);
    assert_non_null(opts);
    if (opts->type == JSON_OBJECT)
        assert_int_equal(
            json_object_set(a, opts, "function", 8, json_new_string(a, S("doSomething"))), 0);
    struct json_value *arr = json_new_array(a);
    assert_int_equal(json_array_push(a, arr, opts), 0);
    struct json_buf b;
    json_buf_init(&b, 0);
    assert_int_equal(json_write(&b, arr, JSON_WRITE_REJECT_HASOWNPROPERTY, utf16), 0);
    char *out = malloc(b.len + 1);
    memcpy(out, b.data, b.len);
    out[b.len] = '\0';
    *out_len = b.len;
    json_buf_free(&b);
    arena_free(a);
    return out;
}

/* Asserts the answer to {"options":<options>} (options given as bytes). */
static void check_len(const char *options, size_t olen, const char *want, size_t wlen)
{
    char *body = malloc(olen + 16);
    memcpy(body, "{\"options\":", 11);
    memcpy(body + 11, options, olen);
    body[11 + olen] = '}';
    size_t n = 0, u16 = 0;
    char *got = answer(body, olen + 12, &n, &u16);
    if (got == NULL)
        fail_msg("body did not parse: %.*s", (int)(olen + 12), body);
    if (n != wlen || memcmp(got, want, n) != 0)
        fail_msg("options %.*s\n  got  %.*s\n  want %.*s", (int)olen, options, (int)n, got,
                 (int)wlen, want);
    free(got);
    free(body);
}
#define CHECK(opts, want) check_len(S(opts), S(want))

/* Asserts that a whole body is refused (JSON.parse or body-parser strict mode would answer 400). */
static void refuse_len(const char *body, size_t len)
{
    struct arena *a = arena_new(4096, 0);
    struct json_error e;
    struct json_value *v = json_parse(a, body, len, &body_opts, &e);
    if (v != NULL)
        fail_msg("accepted malformed body [%.*s]", (int)len, body);
    assert_true(e.offset <= len);
    assert_true(e.message[0] != '\0');
    arena_free(a);
}
#define REFUSE(lit) refuse_len(S(lit))

static void refuse_options(const char *opts)
{
    char body[256];
    int n = snprintf(body, sizeof(body), "{\"options\":%s}", opts);
    refuse_len(body, (size_t)n);
}

/* ---- §2 rows -------------------------------------------------------------------------------- */

static void test_row01_shortest_digits(void **state)
{
    (void)state;
    CHECK(
        "{\"a\":2.225073858507201e-308,\"b\":5e-324,\"c\":4.94065645841247e-324}",
        "[{\"a\":2.225073858507201e-308,\"b\":5e-324,\"c\":5e-324,\"function\":\"doSomething\"}]");
    CHECK("{\"a\":2.2250738585072009e-308}",
          "[{\"a\":2.225073858507201e-308,\"function\":\"doSomething\"}]");
}

static void test_row02_plain_digits_big(void **state)
{
    (void)state;
    CHECK("{\"a\":576460752303423488,\"b\":1e20,\"c\":123456789012345678901}",
          "[{\"a\":576460752303423500,\"b\":100000000000000000000,\"c\":123456789012345680000,"
          "\"function\":\"doSomething\"}]");
}

static void test_row03_lone_surrogate(void **state)
{
    (void)state;
    CHECK("{\"s\":\"\\uDAD2x\"}", "[{\"s\":\"\\udad2x\",\"function\":\"doSomething\"}]");
    CHECK("{\"s\":\"\\udc00\\uD800\",\"t\":\"\\uD800\\uD800\",\"u\":\"\\uDFFF\"}",
          "[{\"s\":\"\\udc00\\ud800\",\"t\":\"\\ud800\\ud800\",\"u\":\"\\udfff\","
          "\"function\":\"doSomething\"}]");
    /* a pair written as escapes, any case, is one character in raw UTF-8 */
    CHECK("{\"s\":\"\\uD83D\\uDE00\\ud83d\\ude00\"}",
          "[{\"s\":\"\xF0\x9F\x98\x80\xF0\x9F\x98\x80\",\"function\":\"doSomething\"}]");
}

static void test_row04_precision(void **state)
{
    (void)state;
    CHECK("{\"a\":0.30000000000000004,\"b\":9007199254740991,\"c\":1.2000000000000002}",
          "[{\"a\":0.30000000000000004,\"b\":9007199254740991,\"c\":1.2000000000000002,"
          "\"function\":\"doSomething\"}]");
    CHECK("{\"a\":9007199254740993,\"b\":1.50,\"c\":1E2,\"d\":100e-2,\"e\":0.0}",
          "[{\"a\":9007199254740992,\"b\":1.5,\"c\":100,\"d\":1,\"e\":0,"
          "\"function\":\"doSomething\"}]");
}

static void test_row05_duplicate_keys(void **state)
{
    (void)state;
    CHECK("{\"0\":\"\\t\",\"0\":\"\"}", "[{\"0\":\"\",\"function\":\"doSomething\"}]");
    CHECK("{\"a\":1,\"b\":2,\"a\":3}", "[{\"a\":3,\"b\":2,\"function\":\"doSomething\"}]");
    CHECK("{\"x\":{\"a\":1,\"b\":2,\"a\":{\"c\":1,\"c\":[2]}}}",
          "[{\"x\":{\"a\":{\"c\":[2]},\"b\":2},\"function\":\"doSomething\"}]");
}

static void test_row05_duplicate_keys_big_object(void **state)
{
    (void)state;
    /* 50,000 keys, each written twice: one key each, first position, last value; linear time */
    size_t cap = 4 << 20, n = 0;
    char *body = malloc(cap);
    n += (size_t)snprintf(body + n, cap - n, "{\"options\":{");
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < 50000; i++)
            n += (size_t)snprintf(body + n, cap - n, "%s\"k%d\":%d", (pass || i) ? "," : "", i,
                                  pass * 100000 + i);
    n += (size_t)snprintf(body + n, cap - n, "}}");
    struct arena *a = arena_new(1 << 20, 0);
    struct json_value *root = json_parse(a, body, n, &body_opts, NULL);
    assert_non_null(root);
    struct json_value *o = json_object_get(root, "options", 7);
    assert_int_equal(json_len(o), 50000);
    assert_string_equal(o->u.members[0].key, "k0");
    assert_true(o->u.members[0].value->u.num == 100000);
    assert_string_equal(o->u.members[49999].key, "k49999");
    assert_true(json_object_get(o, "k12345", 6)->u.num == 112345);
    free(body);
    arena_free(a);
}

static void test_row06_index_keys_first(void **state)
{
    (void)state;
    CHECK("{\"errors839\":1e+21,\"42\":\"\"}",
          "[{\"42\":\"\",\"errors839\":1e+21,\"function\":\"doSomething\"}]");
    CHECK("{\"b\":1,\"4294967295\":2,\"1\":3,\"0\":4}",
          "[{\"0\":4,\"1\":3,\"b\":1,\"4294967295\":2,\"function\":\"doSomething\"}]");
    CHECK("{\"z\":0,\"01\":1,\"00\":2,\"-1\":3,\"-0\":4,\"+1\":5,\"1.0\":6,\"1e3\":7,\" 1\":8,"
          "\"4294967295\":9,\"9007199254740993\":10,\"4294967294\":11,\"10\":12,\"9\":13}",
          "[{\"9\":13,\"10\":12,\"4294967294\":11,\"z\":0,\"01\":1,\"00\":2,\"-1\":3,\"-0\":4,"
          "\"+1\":5,\"1.0\":6,\"1e3\":7,\" 1\":8,\"4294967295\":9,\"9007199254740993\":10,"
          "\"function\":\"doSomething\"}]");
}

static void test_row07_nul_in_string(void **state)
{
    (void)state;
    CHECK("{\"s\":\"\\u0000\",\"t\":\"a\\u0000b\"}",
          "[{\"s\":\"\\u0000\",\"t\":\"a\\u0000b\",\"function\":\"doSomething\"}]");
}

static void test_row08_plain_digits_small(void **state)
{
    (void)state;
    CHECK("{\"a\":1.3767606650326269e-05,\"b\":0.000001,\"c\":1e-7,\"d\":0.0000001}",
          "[{\"a\":0.000013767606650326269,\"b\":0.000001,\"c\":1e-7,\"d\":1e-7,"
          "\"function\":\"doSomething\"}]");
}

static void test_row09_exponent_layout(void **state)
{
    (void)state;
    CHECK("{\"a\":-1.5E-07,\"b\":1e21,\"c\":1000000000000000000000,\"d\":1.5e300}",
          "[{\"a\":-1.5e-7,\"b\":1e+21,\"c\":1e+21,\"d\":1.5e+300,\"function\":\"doSomething\"}]");
}

static void test_row10_negative_zero(void **state)
{
    (void)state;
    CHECK("{\"a\":-0,\"b\":-0.0,\"c\":-1e-400,\"d\":[-0]}",
          "[{\"a\":0,\"b\":0,\"c\":0,\"d\":[0],\"function\":\"doSomething\"}]");
}

static void test_row11_near_max(void **state)
{
    (void)state;
    CHECK("{\"a\":1.7976931348623157e308,\"b\":1e400,\"c\":-1e400}",
          "[{\"a\":1.7976931348623157e+308,\"b\":null,\"c\":null,\"function\":\"doSomething\"}]");
}

static void test_row12_invalid_utf8_in_strings(void **state)
{
    (void)state;
#define FFFD "\xEF\xBF\xBD"
    CHECK("{\"s\":\"\xC0\x80\"}", "[{\"s\":\"" FFFD FFFD "\",\"function\":\"doSomething\"}]");
    CHECK("{\"s\":\"\xFF\"}", "[{\"s\":\"" FFFD "\",\"function\":\"doSomething\"}]");
    CHECK("{\"s\":\"\xED\xA0\x80\"}",
          "[{\"s\":\"" FFFD FFFD FFFD "\",\"function\":\"doSomething\"}]");
    CHECK("{\"s\":\"\xF0\x9F\x98\"}", "[{\"s\":\"" FFFD "\",\"function\":\"doSomething\"}]");
    CHECK("{\"s\":\"\xF4\x90\x80\x80\"}",
          "[{\"s\":\"" FFFD FFFD FFFD FFFD "\",\"function\":\"doSomething\"}]");
    CHECK("{\"s\":\"\xE0\x80\xAF\"}",
          "[{\"s\":\"" FFFD FFFD FFFD "\",\"function\":\"doSomething\"}]");
    /* valid multi-byte text is kept as is */
    CHECK("{\"s\":\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"}",
          "[{\"s\":\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\",\"function\":\"doSomething\"}]");
    /* outside a string it is a syntax error */
    REFUSE("{\"options\":{}\xFF}");
    REFUSE("{\"options\":{\xC0\x80}}");
}

static void test_row13_strict_grammar(void **state)
{
    (void)state;
    /* the ones cJSON accepts and the reference refuses */
    REFUSE("{\"options\":{}}x");
    refuse_options("01");
    refuse_options("-01");
    refuse_options("00");
    refuse_options("1.");
    refuse_options("-.5");
    refuse_options("\"\x01\"");
    refuse_options("\"\\u12G4\"");
    REFUSE("{\"options\":\f{}}");
    REFUSE("{\"options\":\v{}}");
}

static void test_row14_nul_in_key(void **state)
{
    (void)state;
    CHECK("{\"\\u0000\":\"/\"}", "[{\"\\u0000\":\"/\",\"function\":\"doSomething\"}]");
    CHECK("{\"\\u0000\":1,\"\\u0000a\":2,\"\\u0000\":3}",
          "[{\"\\u0000\":3,\"\\u0000a\":2,\"function\":\"doSomething\"}]");
}

static void test_row15_utf16_length(void **state)
{
    (void)state;
    size_t n = 0, u16 = 0;
    /* [{"s":"é€😀","function":"doSomething"}]: 35 ASCII bytes and 3 characters (1+1+2 units) */
    char *got =
        answer(S("{\"options\":{\"s\":\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"}}"), &n, &u16);
    assert_non_null(got);
    assert_int_equal(n, 35 + 9);
    assert_int_equal(u16, 35 + 4);
    assert_int_equal(json_utf16_len(got, n), u16);
    free(got);
    /* escapes count as written; a replacement character is one unit */
    got = answer(S("{\"options\":{\"s\":\"\\u0001\\n\xFF\"}}"), &n, &u16);
    assert_non_null(got);
    assert_int_equal(u16, n - 2);
    free(got);
}

static void test_row16_not_serializable(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096, 0);
    struct json_buf b;
    json_buf_init(&b, 0);
    struct json_value *v = json_parse(a, S("[{\"x\":{\"hasOwnProperty\":1}}]"), &body_opts, NULL);
    assert_non_null(v);
    assert_int_equal(json_write(&b, v, JSON_WRITE_REJECT_HASOWNPROPERTY, NULL), ERR_UNSERIALIZABLE);
    assert_int_equal(b.len, 0); /* nothing left behind */
    assert_int_equal(json_write(&b, v, 0, NULL), 0);
    assert_int_equal(b.len, strlen("[{\"x\":{\"hasOwnProperty\":1}}]"));
    b.len = 0;
    /* ordinary data: __proto__, constructor, toString, valueOf, toJSON */
    v = json_parse(
        a, S("{\"__proto__\":1,\"constructor\":2,\"toString\":3,\"valueOf\":4,\"toJSON\":5}"),
        &body_opts, NULL);
    assert_int_equal(json_write(&b, v, JSON_WRITE_REJECT_HASOWNPROPERTY, NULL), 0);
    assert_int_equal(b.len, strlen("{\"__proto__\":1,\"constructor\":2,\"toString\":3,"
                                   "\"valueOf\":4,\"toJSON\":5}"));
    b.len = 0;
    /* a Date anywhere */
    struct json_value *o = json_new_object(a);
    assert_int_equal(json_object_set(a, o, "d", 1, json_new_date(a, 0)), 0);
    assert_int_equal(json_write(&b, o, 0, NULL), ERR_UNSERIALIZABLE);
    assert_int_equal(b.len, 0);
    json_buf_free(&b);
    arena_free(a);
}

static void test_row17_top_level_duplicates(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096, 0);
    struct json_value *v = json_parse(
        a,
        S("{\"function\":\"echoResponse\",\"options\":{\"a\":1},\"function\":\"doSomething\","
          "\"options\":{\"b\":2},\"maxResponseSize\":5,\"maxResponseSize\":9}"),
        &body_opts, NULL);
    assert_non_null(v);
    assert_int_equal(json_len(v), 3);
    assert_string_equal(v->u.members[0].key, "function");
    assert_string_equal(json_object_get(v, "function", 8)->u.str, "doSomething");
    assert_non_null(json_object_get(json_object_get(v, "options", 7), "b", 1));
    assert_true(json_object_get(v, "maxResponseSize", 15)->u.num == 9);
    arena_free(a);
}

/* n nested arrays around 1 */
static char *nested(size_t n, size_t *len)
{
    char *s = malloc(2 * n + 2);
    memset(s, '[', n);
    s[n] = '1';
    memset(s + n + 1, ']', n);
    *len = 2 * n + 1;
    return s;
}

static void test_row18_deep_nesting(void **state)
{
    (void)state;
    struct arena *a = arena_new(1 << 20, 0);
    struct json_buf b;
    json_buf_init(&b, 0);
    size_t len;
    const size_t ok_depths[] = {1099, 4100};
    for (size_t i = 0; i < 2; i++) {
        char *s = nested(ok_depths[i], &len);
        struct json_value *v = json_parse(a, s, len, &body_opts, NULL);
        assert_non_null(v);
        b.len = 0;
        assert_int_equal(json_write(&b, v, 0, NULL), 0);
        assert_int_equal(b.len, len);
        assert_memory_equal(b.data, s, len);
        free(s);
    }
    /* deeper than the writer's limit: parsed, but not serializable */
    char *s = nested(JSON_MAX_WRITE_DEPTH + 1, &len);
    struct json_value *v = json_parse(a, s, len, &body_opts, NULL);
    assert_non_null(v);
    b.len = 0;
    assert_int_equal(json_write(&b, v, 0, NULL), ERR_UNSERIALIZABLE);
    free(s);
    /* the reader's own bound, default and explicit */
    s = nested(JSON_MAX_PARSE_DEPTH, &len);
    assert_non_null(json_parse(a, s, len, &body_opts, NULL));
    free(s);
    s = nested(JSON_MAX_PARSE_DEPTH + 1, &len);
    struct json_error e;
    assert_null(json_parse(a, s, len, &body_opts, &e));
    assert_int_equal(e.offset, JSON_MAX_PARSE_DEPTH);
    free(s);
    struct json_parse_opts small = {.max_depth = 10};
    s = nested(11, &len);
    assert_null(json_parse(a, s, len, &small, NULL));
    free(s);
    s = nested(10, &len);
    assert_non_null(json_parse(a, s, len, &small, NULL));
    free(s);
    json_buf_free(&b);
    arena_free(a);
}

static void test_row19_options_array(void **state)
{
    (void)state;
    CHECK("[]", "[[]]");
    CHECK("[1,{\"a\":2}]", "[[1,{\"a\":2}]]");
}

static void test_row20_keys_merged_by_decoding(void **state)
{
    (void)state;
    CHECK("{\"\xC1\xBF\":[],\"\xFE\xE2\x82\":1}",
          "[{\"" FFFD FFFD "\":1,\"function\":\"doSomething\"}]");
}

/* ---- §4 strings, §5 function key, whitespace and BOM ---------------------------------------- */

static void test_string_escaping(void **state)
{
    (void)state;
    CHECK("{\"s\":\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001F\\u007f/\\/\x7F\\u0041\"}",
          "[{\"s\":\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\x7F//\x7F"
          "A\","
          "\"function\":\"doSomething\"}]");
    CHECK("{\"s\":\"\\u2028\\u2029\\uFEFF\xE2\x80\xA8\"}",
          "[{\"s\":\"\xE2\x80\xA8\xE2\x80\xA9\xEF\xBB\xBF\xE2\x80\xA8\",\"function\":"
          "\"doSomething\"}]");
    /* a long string crosses the writer's chunks */
    size_t n = 20000;
    char *o = malloc(n + 8), *w = malloc(3 * n + 64);
    memcpy(o, "\"", 1);
    for (size_t i = 0; i < n; i++)
        o[1 + i] = (char)(i % 3 == 0 ? 0x01 : 'a');
    o[1 + n] = '"';
    size_t wl = (size_t)sprintf(w, "[\"");
    for (size_t i = 0; i < n; i++)
        wl += (size_t)sprintf(w + wl, "%s", i % 3 == 0 ? "\\u0001" : "a");
    wl += (size_t)sprintf(w + wl, "\"]");
    /* raw control characters are refused in input; build the value by hand instead */
    struct arena *a = arena_new(4096, 0);
    struct json_value *arr = json_new_array(a);
    json_array_push(a, arr, json_new_string(a, o + 1, n));
    struct json_buf b;
    json_buf_init(&b, 0);
    assert_int_equal(json_write(&b, arr, 0, NULL), 0);
    assert_int_equal(b.len, wl);
    assert_memory_equal(b.data, w, wl);
    json_buf_free(&b);
    arena_free(a);
    free(o);
    free(w);
}

static void test_function_key_position(void **state)
{
    (void)state;
    CHECK("{\"a\":1,\"function\":\"x\",\"b\":2}",
          "[{\"a\":1,\"function\":\"doSomething\",\"b\":2}]");
}

static void test_whitespace_and_bom(void **state)
{
    (void)state;
    size_t n, u;
    char *got =
        answer(S("\xEF\xBB\xBF \t\r\n{ \"options\" :\n{ \"a\" : [ ] , \"b\" : { } } }\n"), &n, &u);
    assert_non_null(got);
    assert_string_equal(got, "[{\"a\":[],\"b\":{},\"function\":\"doSomething\"}]");
    free(got);
    REFUSE("\xEF\xBB\xBF\xEF\xBB\xBF{\"options\":{}}");
    /* without decode_utf8 a BOM is not whitespace */
    struct arena *a = arena_new(4096, 0);
    assert_null(json_parse(a, S("\xEF\xBB\xBF{}"), NULL, NULL));
    assert_non_null(json_parse(a, S("[]"), &body_opts, NULL)); /* array at top: parses */
    arena_free(a);
}

/* ---- §8 malformed bodies -------------------------------------------------------------------- */

static void test_malformed_bodies(void **state)
{
    (void)state;
    /* truncation */
    REFUSE("{");
    REFUSE("{\"options\"");
    REFUSE("{\"options\":");
    REFUSE("{\"options\":{\"a\":[1,2");
    REFUSE("{\"options\":\"abc");
    REFUSE("{\"options\":\"abc\\");
    REFUSE("{\"options\":\"\\u12");
    REFUSE("{\"options\":tru");
    REFUSE("{\"options\":1e");
    /* trailing data */
    REFUSE("{}\0");
    REFUSE("{}}");
    REFUSE("{},");
    REFUSE("{}//c");
    REFUSE("{}/*c*/");
    REFUSE("{} {}");
    REFUSE("[] []");
    /* numbers */
    const char *bad_numbers[] = {"NaN",          "Infinity", "-Infinity", "+1",   ".5",   "01",
                                 "-01",          "00",       "1.",        "1.e3", "0.e1", "-0.",
                                 "1e",           "1e+",      "-",         "--1",  "0x10", "1_000",
                                 "\xEF\xBC\x91", "1e-",      "-a",        "2.]"};
    for (size_t i = 0; i < sizeof(bad_numbers) / sizeof(bad_numbers[0]); i++)
        refuse_options(bad_numbers[i]);
    /* comments, quotes, keys, commas */
    refuse_options("/*c*/1");
    refuse_options("1//c");
    refuse_options("'a'");
    refuse_options("{'a':1}");
    refuse_options("{a:1}");
    refuse_options("[1,]");
    refuse_options("{\"a\":1,}");
    refuse_options("[,]");
    refuse_options("[,1]");
    refuse_options("{,}");
    refuse_options("{\"a\" 1}");
    refuse_options("{\"a\":1 \"b\":2}");
    refuse_options("[1 2]");
    refuse_options("{1:2}");
    refuse_options("[}");
    refuse_options("{]");
    refuse_options("True");
    refuse_options("nul");
    refuse_options("nulll");
    /* raw control characters inside strings */
    REFUSE("{\"options\":\"a\tb\"}");
    REFUSE("{\"options\":\"a\nb\"}");
    REFUSE("{\"options\":\"a\0b\"}");
    REFUSE("{\"options\":\"a\x1F\"}");
    REFUSE("{\"\x01\":1}");
    /* bad escapes */
    const char *bad_escapes[] = {"\"\\x41\"",   "\"\\a\"",          "\"\\U0041\"", "\"\\'\"",
                                 "\"\\0\"",     "\"\\v\"",          "\"\\u12G4\"", "\"\\u12\"",
                                 "\"\\u{41}\"", "\"\\uD800\\u12\"", "\"\\ \""};
    for (size_t i = 0; i < sizeof(bad_escapes) / sizeof(bad_escapes[0]); i++)
        refuse_options(bad_escapes[i]);
    /* whitespace other than space, tab, LF, CR */
    REFUSE("{\"options\":\f1}");
    REFUSE("{\"options\":\v1}");
    REFUSE("{\"options\":\xC2\xA0{}}");
    REFUSE("{\"options\":\xEF\xBB\xBF{}}");
    REFUSE("{\"options\":\xE2\x80\xA8{}}");
    REFUSE("{\"options\":\xE3\x80\x80{}}");
    REFUSE("{\"options\":\x1C{}}");
    REFUSE("{\"options\":\0{}}");
    REFUSE("\f{}");
    /* raw invalid UTF-8 outside strings */
    REFUSE("{\"options\":{}}\xFF");
    REFUSE("\xFF{}");
    /* strict mode: the first non-whitespace character must open a container */
    REFUSE("5");
    REFUSE("\"x\"");
    REFUSE("null");
    REFUSE("true");
    REFUSE(" -1");
    /* whitespace only, empty */
    REFUSE(" \t\r\n");
    REFUSE("");
}

static void test_error_position(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096, 0);
    struct json_error e;
    assert_null(json_parse(a, S("{\"a\":1}x"), &body_opts, &e));
    assert_int_equal(e.offset, 7);
    assert_int_equal(e.line, 1);
    assert_int_equal(e.column, 8);
    assert_string_equal(e.message, "unexpected data after the JSON value");
    assert_null(json_parse(a, S("{\n  \"a\": [1,\n  ]\n}"), &body_opts, &e));
    assert_int_equal(e.offset, 15);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 3);
    assert_string_equal(e.message, "unexpected character ']'");
    assert_null(json_parse(a, S("[\"abc"), &body_opts, &e));
    assert_string_equal(e.message, "unexpected end of input");
    assert_int_equal(e.offset, 5);
    /* offsets count bytes of the input as given (BOM and invalid UTF-8 included) */
    assert_null(json_parse(a, S("\xEF\xBB\xBF[\"\xFF\",x]"), &body_opts, &e));
    assert_int_equal(e.offset, 8);
    assert_null(json_parse(a, S("[\"\\q\"]"), &body_opts, &e));
    assert_int_equal(e.offset, 3);
    assert_null(json_parse(a, S("[\"\x01\"]"), &body_opts, &e));
    assert_int_equal(e.offset, 2);
    arena_free(a);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    struct arena *a = arena_new(256, 2048);
    struct json_error e;
    static char body[16384];
    size_t n = 0;
    body[n++] = '[';
    for (int i = 0; i < 1000; i++)
        n += (size_t)sprintf(body + n, "%s\"str%d\"", i ? "," : "", i);
    body[n++] = ']';
    assert_null(json_parse(a, body, n, &body_opts, &e));
    assert_string_equal(e.message, "out of memory");
    arena_free(a);
    /* the writer's buffer limit */
    a = arena_new(4096, 0);
    struct json_value *v = json_parse(a, body, n, &body_opts, NULL);
    assert_non_null(v);
    struct json_buf b;
    json_buf_init(&b, 100);
    assert_int_equal(json_write(&b, v, 0, NULL), ERR_NOMEM);
    assert_int_equal(b.len, 0);
    json_buf_free(&b);
    json_buf_init(&b, n);
    assert_int_equal(json_write(&b, v, 0, NULL), 0); /* exactly the limit */
    assert_int_equal(b.len, n);
    json_buf_free(&b);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_row01_shortest_digits),
        cmocka_unit_test(test_row02_plain_digits_big),
        cmocka_unit_test(test_row03_lone_surrogate),
        cmocka_unit_test(test_row04_precision),
        cmocka_unit_test(test_row05_duplicate_keys),
        cmocka_unit_test(test_row05_duplicate_keys_big_object),
        cmocka_unit_test(test_row06_index_keys_first),
        cmocka_unit_test(test_row07_nul_in_string),
        cmocka_unit_test(test_row08_plain_digits_small),
        cmocka_unit_test(test_row09_exponent_layout),
        cmocka_unit_test(test_row10_negative_zero),
        cmocka_unit_test(test_row11_near_max),
        cmocka_unit_test(test_row12_invalid_utf8_in_strings),
        cmocka_unit_test(test_row13_strict_grammar),
        cmocka_unit_test(test_row14_nul_in_key),
        cmocka_unit_test(test_row15_utf16_length),
        cmocka_unit_test(test_row16_not_serializable),
        cmocka_unit_test(test_row17_top_level_duplicates),
        cmocka_unit_test(test_row18_deep_nesting),
        cmocka_unit_test(test_row19_options_array),
        cmocka_unit_test(test_row20_keys_merged_by_decoding),
        cmocka_unit_test(test_string_escaping),
        cmocka_unit_test(test_function_key_position),
        cmocka_unit_test(test_whitespace_and_bom),
        cmocka_unit_test(test_malformed_bodies),
        cmocka_unit_test(test_error_position),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
