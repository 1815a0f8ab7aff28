/* test_err.c — the runner's internal error table (runner/err.c): every code in err.h has its own
 * name and description in err.h's order, and a value outside the table says so instead of reading
 * past it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"

static const struct {
    int code;
    const char *name;
} err_want[] = {
    {ERR_OK, "ERR_OK"},
    {ERR_NOMEM, "ERR_NOMEM"},
    {ERR_INVALID, "ERR_INVALID"},
    {ERR_TYPE, "ERR_TYPE"},
    {ERR_TOO_LARGE, "ERR_TOO_LARGE"},
    {ERR_AGAIN, "ERR_AGAIN"},
    {ERR_CLOSED, "ERR_CLOSED"},
    {ERR_PROTOCOL, "ERR_PROTOCOL"},
    {ERR_CONFIG, "ERR_CONFIG"},
    {ERR_FULL, "ERR_FULL"},
    {ERR_STOPPED, "ERR_STOPPED"},
    {ERR_SYS, "ERR_SYS"},
    {ERR_UNSUPPORTED, "ERR_UNSUPPORTED"},
    {ERR_IO, "ERR_IO"},
    {ERR_USAGE, "ERR_USAGE"},
    {ERR_UNSERIALIZABLE, "ERR_UNSERIALIZABLE"},
};

#define ERR_NWANT (sizeof err_want / sizeof err_want[0])

static void test_names_in_order(void **state)
{
    (void)state;
    for (size_t i = 0; i < ERR_NWANT; i++) {
        assert_int_equal(err_want[i].code, -(int)i);
        assert_string_equal(err_name(err_want[i].code), err_want[i].name);
    }
}

static void test_texts_distinct(void **state)
{
    (void)state;
    for (size_t i = 0; i < ERR_NWANT; i++) {
        assert_string_not_equal(err_str(err_want[i].code), "unknown error");
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(err_str(err_want[i].code), err_str(err_want[j].code));
    }
}

static void test_outside_table(void **state)
{
    (void)state;
    assert_string_equal(err_name(-(int)ERR_NWANT), "ERR_UNKNOWN");
    assert_string_equal(err_str(-(int)ERR_NWANT), "unknown error");
    assert_string_equal(err_name(1), "ERR_UNKNOWN");
    assert_string_equal(err_name(-1000000), "ERR_UNKNOWN");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_in_order),
        cmocka_unit_test(test_texts_distinct),
        cmocka_unit_test(test_outside_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
