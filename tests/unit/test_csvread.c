/* test_csvread.c — the CSV reader of `hookstack sfns match` (runner/csvread.c): RFC 4180 quoting
 * (commas, line breaks and doubled quotes inside quotes), CRLF, a byte-order mark, blank lines,
 * header edge cases, and errors that name the line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "arena.h"
#include "csvread.h"
#include "json.h"

static struct arena *a;

static int setup(void **state)
{
    (void)state;
    a = arena_new(1 << 16, 0);
    return a ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(a);
    return 0;
}

static struct json_value *parse(const char *text, char *err)
{
    return csvread_parse(a, text, strlen(text), err, 256);
}

/* The compact JSON of v. */
static const char *json(const struct json_value *v)
{
    static char out[4096];
    struct json_buf b;
    json_buf_init(&b, 0);
    assert_int_equal(json_write(&b, v, 0, NULL), 0);
    assert_true(b.len < sizeof(out));
    memcpy(out, b.data, b.len);
    out[b.len] = '\0';
    json_buf_free(&b);
    return out;
}

static void expect(const char *text, const char *want)
{
    char err[256];
    struct json_value *v = parse(text, err);
    if (!v)
        fail_msg("parse failed: %s", err);
    assert_string_equal(json(v), want);
}

static void expect_error(const char *text, const char *want)
{
    char err[256];
    assert_null(parse(text, err));
    if (!strstr(err, want))
        fail_msg("error \"%s\" does not contain \"%s\"", err, want);
}

static void test_quoting(void **state)
{
    (void)state;
    expect(
        "Id,Name,Street\n"
        "1,\"Smith, John\",\"2335 N. Michigan Avenue\nSuite 1500\"\n"
        "2,\"The \"\"Best\"\" Co\",\n",
        "[{\"Id\":\"1\",\"Name\":\"Smith, John\",\"Street\":\"2335 N. Michigan "
        "Avenue\\nSuite 1500\"},{\"Id\":\"2\",\"Name\":\"The \\\"Best\\\" Co\",\"Street\":\"\"}]");
}

static void test_crlf_bom_blank_lines_spaces(void **state)
{
    (void)state;
    expect("\xef\xbb\xbfId,Name\r\n1, Ann \r\n\r\n\r\n2,\" Bo \"\r\n",
           "[{\"Id\":\"1\",\"Name\":\"Ann\"},{\"Id\":\"2\",\"Name\":\" Bo \"}]");
    /* No line break at the end. */
    expect("a,b\n1,2", "[{\"a\":\"1\",\"b\":\"2\"}]");
}

static void test_header_edge_cases(void **state)
{
    (void)state;
    expect("", "[]");
    expect("Id,Name\n", "[]");
    /* An empty header field gets a name; a repeated one keeps its first column. */
    expect("Id,,Id\n1,x,2\n", "[{\"Id\":\"1\",\"column 2\":\"x\"}]");
    /* A short record lacks the missing keys. */
    expect("a,b,c\n1\n", "[{\"a\":\"1\"}]");
}

static void test_errors_name_the_line(void **state)
{
    (void)state;
    expect_error("a,b\n1,2\n3,4,5\n", "line 3: 3 fields, but the header has 2");
    expect_error("a,b\n1,\"x\"y\n", "line 2: a quote inside an unquoted field");
    expect_error("a,b\n1,x\"y\n", "line 2: a quote inside an unquoted field");
    expect_error("a,b\n1,\"open\nstill open\n", "line 3: a quoted field is not closed");
    /* The line of a record that follows a quoted line break. */
    expect_error("a,b\n1,\"two\nlines\"\n2,3,4\n", "line 4: 3 fields");
}

static void test_nul_bytes_are_data(void **state)
{
    (void)state;
    const char text[] = "a,b\n\"x\0y\",z\n";
    char err[256];
    struct json_value *v = csvread_parse(a, text, sizeof(text) - 1, err, sizeof(err));
    assert_non_null(v);
    assert_int_equal(v->len, 1);
    const struct json_value *x = json_object_get(v->u.items[0], "a", 1);
    assert_non_null(x);
    assert_int_equal(x->len, 3);
    assert_memory_equal(x->u.str, "x\0y", 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_quoting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crlf_bom_blank_lines_spaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_edge_cases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_name_the_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nul_bytes_are_data, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
