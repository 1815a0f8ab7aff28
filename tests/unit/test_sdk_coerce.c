/* test_sdk_coerce.c — the hook API's coercions and building calls (since 1.2; runner/sdk_coerce.c
 * and runner/sdk.c), called as a module calls them: String(v) for every kind of value
 * (json_to_string), a field's trimmed text (json_get_trimmed), set-if-present, the context's kept
 * first error (ctx_error) and which calls keep one, the typed settings reads that coerce or fail
 * (never the default for a value that is there), and out-of-memory on each path through an arena
 * with a limit. The last tests go through proto_handle with a module compiled in (HS_MODULE_STATIC)
 * to check the answers: a settings error fails the invocation whatever the function returns, and
 * the kept error starts afresh at each record. */
#define HS_MODULE_STATIC coerce_test_entry
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "proto.h"
#include "registry.h"
#include "sdk_internal.h"
#include "unit/sdk_test_ctx.h"

static const hs_api *api;
static struct arena *arena;
static hs_ctx *ctx;

static int setup_with(const char *options)
{
    api = sdk_api();
    arena = arena_new(64 * 1024, 0);
    ctx = arena ? sdk_test_ctx(arena, sdk_test_json(arena, options)) : NULL;
    return ctx ? 0 : -1;
}

static int setup(void **state)
{
    (void)state;
    return setup_with("{\"settings\":{\"m\":{\"GB\":3,\"US\":\"1\",\"list\":[1,2]},"
                      "\"rate\":2.5,\"rateText\":\" 2.5 \",\"hex\":\"0x10\",\"blank\":\"  \","
                      "\"word\":\"abc\",\"on\":true,\"off\":false,\"offText\":\"false\","
                      "\"one\":1,\"nothing\":null,\"small\":0.1,\"a.b\":{\"c\":7}}}");
}

static int teardown(void **state)
{
    (void)state;
    arena_free(arena);
    return 0;
}

static hs_json *P(const char *text)
{
    hs_json *v = NULL;
    assert_int_equal(api->json_parse(ctx, text, strlen(text), &v), HS_OK);
    return v;
}

static const char *last_error(const char **name)
{
    const char *m = api->ctx_last_error(ctx, name);
    assert_non_null(m);
    return m;
}

/* Uses up the arena, so the next allocation fails as past the invocation's memory limit. */
static void exhaust(void)
{
    while (arena_alloc(arena, 16) != NULL)
        ;
}

static int setup_small(void **state)
{
    (void)state;
    api = sdk_api();
    arena = arena_new(4096, 16 * 1024);
    ctx = arena ? sdk_test_ctx(arena, sdk_test_json(arena, "{\"settings\":{\"n\":12.5}}")) : NULL;
    return ctx ? 0 : -1;
}

/* ---- the table ---------------------------------------------------------------------------- */

static void test_table_has_the_calls(void **state)
{
    (void)state;
    assert_int_equal(api->abi_major, 1);
    assert_int_equal(api->abi_minor, 2);
    assert_true(HS_API_HAS(api, ctx_error));
    assert_true(HS_API_HAS(api, json_to_string));
    assert_true(HS_API_HAS(api, json_get_trimmed));
    assert_true(HS_API_HAS(api, json_set_if_present));
    assert_true(HS_API_HAS(api, json_set_string_if_present));
    /* Appended after the 1.2 money and date calls. */
    assert_true(offsetof(hs_api, ctx_error) > offsetof(hs_api, ctx_now));
    assert_true(offsetof(hs_api, json_set_string_if_present) == sizeof(hs_api) - sizeof(void *));
    assert_non_null(api->ctx_error);
    assert_non_null(api->json_set_string_if_present);
}

/* ---- json_to_string: String(v) -------------------------------------------------------------- */

static void expect_text(const hs_json *v, const char *want)
{
    const char *got = api->json_to_string(ctx, v);
    if (!got || strcmp(got, want) != 0)
        fprintf(stderr, "String(v): want \"%s\", got \"%s\"\n", want, got ? got : "(NULL)");
    assert_non_null(got);
    assert_string_equal(got, want);
}

static void test_to_string_like_javascript(void **state)
{
    (void)state;
    expect_text(P("\"abc\""), "abc");
    expect_text(P("\"\""), "");
    expect_text(P("3"), "3");
    expect_text(P("3.0"), "3");
    expect_text(P("0.1"), "0.1");
    expect_text(P("3333.30"), "3333.3");
    expect_text(P("1e21"), "1e+21");
    expect_text(P("123456789012345680000"), "123456789012345680000");
    expect_text(P("1e-7"), "1e-7");
    expect_text(P("-0"), "0");
    expect_text(api->json_new_number(ctx, NAN), "NaN");
    expect_text(api->json_new_number(ctx, -INFINITY), "-Infinity");
    expect_text(P("true"), "true");
    expect_text(P("false"), "false");
    expect_text(P("null"), "null");
    expect_text(NULL, "undefined");
    expect_text(P("[]"), "");
    expect_text(P("[1,null,[2,3]]"), "1,,2,3");
    expect_text(P("[[],[null],\"x\"]"), ",,x");
    expect_text(P("[\"a\",true,0.5]"), "a,true,0.5");
    expect_text(P("{}"), "[object Object]");
    expect_text(P("{\"GB\":3}"), "[object Object]");
    expect_text(P("[{},1]"), "[object Object],1");
    expect_text(api->json_new_date(ctx, 0), "Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated "
                                            "Universal Time)");
    expect_text(api->json_new_date(ctx, NAN), "Invalid Date");
    /* A string is given back as it is (borrowed). */
    hs_json *s = P("\"  keep  \"");
    assert_ptr_equal(api->json_to_string(ctx, s), api->json_string(ctx, s, NULL, NULL));
    assert_int_equal(api->ctx_error(ctx), HS_OK);
}

static void test_to_string_failures(void **state)
{
    (void)state;
    /* JavaScript cannot convert an object whose toString is not a function either. */
    assert_null(api->json_to_string(ctx, P("{\"toString\":1}")));
    const char *name = NULL;
    assert_string_equal(last_error(&name), "Cannot convert object to primitive value");
    assert_string_equal(name, "TypeError");
    assert_int_equal(api->ctx_error(ctx), HS_ERR_TYPE);
    /* Thrown: the invocation fails with it whatever the function returns. */
    assert_string_equal(ctx->thrown, "Cannot convert object to primitive value");
    assert_null(api->json_to_string(NULL, P("1")));
}

static void test_to_string_out_of_memory(void **state)
{
    (void)state;
    hs_json *n = api->json_new_number(ctx, 12.5);
    hs_json *s = api->json_new_string(ctx, "text");
    assert_non_null(n);
    exhaust();
    assert_int_equal(api->ctx_error(ctx), HS_OK);
    assert_null(api->json_to_string(ctx, n));
    assert_int_equal(api->ctx_error(ctx), HS_ERR_NOMEM);
    const char *name = NULL;
    assert_non_null(strstr(last_error(&name), "memory limit"));
    assert_string_equal(name, "RangeError");
    /* A string and absent need no memory. */
    assert_string_equal(api->json_to_string(ctx, s), "text");
    assert_string_equal(api->json_to_string(ctx, NULL), "undefined");
}

/* ---- json_get_trimmed ----------------------------------------------------------------------- */

static void test_get_trimmed(void **state)
{
    (void)state;
    hs_json *o = P("{\"name\":\"  Acme Corp \\t\\n\",\"nbsp\":\"\\u00a0Acme\\u3000\","
                   "\"plain\":\"Acme\",\"empty\":\"\",\"spaces\":\"  \\t \","
                   "\"others\":\"\\u2028\\ufeff\\u00a0\",\"zip\":94105,\"flag\":true,"
                   "\"nul\":null,\"inner\":\"a  b\"}");
    assert_string_equal(api->json_get_trimmed(ctx, o, "name"), "Acme Corp");
    assert_string_equal(api->json_get_trimmed(ctx, o, "nbsp"), "Acme");
    assert_string_equal(api->json_get_trimmed(ctx, o, "inner"), "a  b");
    /* Nothing to trim: the string itself (borrowed). */
    assert_ptr_equal(api->json_get_trimmed(ctx, o, "plain"),
                     api->json_string(ctx, api->json_get(o, "plain"), NULL, NULL));
    assert_null(api->json_get_trimmed(ctx, o, "empty"));
    assert_null(api->json_get_trimmed(ctx, o, "spaces"));
    assert_null(api->json_get_trimmed(ctx, o, "others"));
    assert_null(api->json_get_trimmed(ctx, o, "nul"));
    assert_null(api->json_get_trimmed(ctx, o, "missing"));
    assert_string_equal(api->json_get_trimmed(ctx, o, "zip"), "94105");
    assert_string_equal(api->json_get_trimmed(ctx, o, "flag"), "true");
    /* Not an object, no key: nothing to read, and nothing wrong. */
    assert_null(api->json_get_trimmed(ctx, P("\"text\""), "name"));
    assert_null(api->json_get_trimmed(ctx, NULL, "name"));
    assert_null(api->json_get_trimmed(ctx, o, NULL));
    assert_null(api->json_get_trimmed(NULL, o, "name"));
    assert_int_equal(api->ctx_error(ctx), HS_OK);
    /* A Date: its ISO text. */
    hs_json *d = api->json_new_object(ctx);
    assert_int_equal(api->json_set(ctx, d, "when", api->json_new_date(ctx, 86400000)), HS_OK);
    assert_string_equal(api->json_get_trimmed(ctx, d, "when"), "1970-01-02T00:00:00.000Z");
    assert_int_equal(api->ctx_error(ctx), HS_OK);
}

static void test_get_trimmed_refuses_containers(void **state)
{
    (void)state;
    hs_json *o = P("{\"BillingAddress\":{\"city\":\"Paris\"},\"Tags\":[\"a\"]}");
    assert_null(api->json_get_trimmed(ctx, o, "BillingAddress"));
    const char *name = NULL;
    assert_string_equal(last_error(&name),
                        "json_get_trimmed: 'BillingAddress' is an object, not text");
    assert_string_equal(name, "TypeError");
    assert_int_equal(api->ctx_error(ctx), HS_ERR_TYPE);
    assert_null(api->json_get_trimmed(ctx, o, "Tags"));
    assert_string_equal(last_error(NULL), "json_get_trimmed: 'Tags' is an array, not text");
    assert_string_equal(ctx->thrown, "json_get_trimmed: 'BillingAddress' is an object, not text");
    /* The first is still the one kept. */
    assert_int_equal(api->ctx_error(ctx), HS_ERR_TYPE);
    assert_string_equal(last_error(NULL),
                        "json_get_trimmed: 'BillingAddress' is an object, not text");
}

static void test_get_trimmed_invalid_date(void **state)
{
    (void)state;
    hs_json *d = api->json_new_object(ctx);
    assert_int_equal(api->json_set(ctx, d, "when", api->json_new_date(ctx, NAN)), HS_OK);
    assert_null(api->json_get_trimmed(ctx, d, "when"));
    assert_int_equal(api->ctx_error(ctx), HS_ERR_TYPE);
    assert_string_equal(last_error(NULL), "json_get_trimmed: 'when' is an invalid Date, not text");
    assert_string_equal(ctx->thrown, "json_get_trimmed: 'when' is an invalid Date, not text");
}

static void test_get_trimmed_out_of_memory(void **state)
{
    (void)state;
    hs_json *o = P("{\"name\":\" Acme \",\"plain\":\"Acme\",\"zip\":94105}");
    exhaust();
    assert_string_equal(api->json_get_trimmed(ctx, o, "plain"), "Acme"); /* no copy needed */
    assert_int_equal(api->ctx_error(ctx), HS_OK);
    assert_null(api->json_get_trimmed(ctx, o, "name"));
    assert_int_equal(api->ctx_error(ctx), HS_ERR_NOMEM);
    assert_null(api->json_get_trimmed(ctx, o, "zip"));
    assert_int_equal(api->ctx_error(ctx), HS_ERR_NOMEM);
    assert_null(ctx->thrown); /* running out of memory is kept, not thrown */
}

/* ---- set if present ------------------------------------------------------------------------- */

static void test_set_if_present(void **state)
{
    (void)state;
    hs_json *acct = P("{\"Phone\":\"555\",\"Fax\":null,\"Website\":\"\"}");
    hs_json *cust = api->json_new_object(ctx);
    assert_int_equal(api->json_set_if_present(ctx, cust, "phone", api->json_get(acct, "Phone")),
                     HS_OK);
    assert_int_equal(api->json_set_if_present(ctx, cust, "fax", api->json_get(acct, "Fax")), HS_OK);
    assert_int_equal(api->json_set_if_present(ctx, cust, "email", api->json_get(acct, "Email")),
                     HS_OK);
    /* Present means not absent and not null: an empty string is a value. */
    assert_int_equal(api->json_set_if_present(ctx, cust, "url", api->json_get(acct, "Website")),
                     HS_OK);
    assert_int_equal(api->json_set_string_if_present(ctx, cust, "name", "Acme"), HS_OK);
    assert_int_equal(api->json_set_string_if_present(ctx, cust, "alias", NULL), HS_OK);
    assert_int_equal(api->json_set_string_if_present(ctx, cust, "site",
                                                     api->json_get_trimmed(ctx, acct, "Website")),
                     HS_OK);
    assert_string_equal(api->json_print(ctx, cust, NULL),
                        "{\"phone\":\"555\",\"url\":\"\",\"name\":\"Acme\"}");
    /* Replaces in place, as json_set. */
    assert_int_equal(api->json_set_string_if_present(ctx, cust, "phone", "556"), HS_OK);
    assert_string_equal(api->json_print(ctx, cust, NULL),
                        "{\"phone\":\"556\",\"url\":\"\",\"name\":\"Acme\"}");
    assert_int_equal(api->ctx_error(ctx), HS_OK);
}

static void test_set_if_present_failures(void **state)
{
    (void)state;
    hs_json *s = P("\"abc\"");
    /* The target is checked even when there is nothing to set. */
    assert_int_equal(api->json_set_if_present(ctx, s, "k", NULL), HS_ERR_TYPE);
    assert_string_equal(last_error(NULL), "Cannot create property 'k' on string 'abc'");
    assert_int_equal(api->ctx_error(ctx), HS_ERR_TYPE);
    assert_int_equal(api->json_set_string_if_present(ctx, NULL, "k", NULL), HS_ERR_TYPE);
    assert_string_equal(last_error(NULL), "Cannot set properties of undefined (setting 'k')");
    assert_int_equal(
        api->json_set_if_present(ctx, api->json_new_object(ctx), NULL, api->json_new_null(ctx)),
        HS_ERR_INVALID);
    assert_int_equal(api->json_set_string_if_present(ctx, api->json_new_object(ctx), NULL, "x"),
                     HS_ERR_INVALID);
    assert_int_equal(api->json_set_if_present(NULL, s, "k", s), HS_ERR_INVALID);
    assert_int_equal(api->json_set_string_if_present(NULL, s, "k", "x"), HS_ERR_INVALID);
    /* The first failure is the one kept. */
    assert_int_equal(api->ctx_error(ctx), HS_ERR_TYPE);
    assert_string_equal(last_error(NULL), "Cannot create property 'k' on string 'abc'");
}

static void test_set_if_present_key_null_kept(void **state)
{
    (void)state;
    assert_int_equal(
        api->json_set_if_present(ctx, api->json_new_object(ctx), NULL, api->json_new_null(ctx)),
        HS_ERR_INVALID);
    assert_int_equal(api->ctx_error(ctx), HS_ERR_INVALID);
    const char *name = NULL;
    assert_string_equal(last_error(&name), "json_set_if_present: the key is NULL");
    assert_string_equal(name, "TypeError");
}

static void test_set_if_present_out_of_memory(void **state)
{
    (void)state;
    hs_json *o = api->json_new_object(ctx);
    hs_json *v = api->json_new_number(ctx, 1);
    exhaust();
    assert_int_equal(api->json_set_if_present(ctx, o, "k", v), HS_ERR_NOMEM);
    assert_int_equal(api->ctx_error(ctx), HS_ERR_NOMEM);
    assert_int_equal(api->json_set_string_if_present(ctx, o, "k", "text"), HS_ERR_NOMEM);
    /* Nothing to set needs no memory. */
    assert_int_equal(api->json_set_if_present(ctx, o, "k", NULL), HS_OK);
    assert_int_equal(api->json_set_string_if_present(ctx, o, "k", NULL), HS_OK);
}

/* ---- the context's error -------------------------------------------------------------------- */

static void test_ctx_error_keeps_the_first(void **state)
{
    (void)state;
    assert_int_equal(api->ctx_error(ctx), HS_OK);
    assert_int_equal(api->ctx_error(NULL), HS_OK);
    hs_json *o = api->json_new_object(ctx);
    assert_int_equal(api->json_set_string(ctx, o, "a", "1"), HS_OK);
    assert_int_equal(api->ctx_error(ctx), HS_OK);
    assert_int_equal(api->json_set_bool(ctx, P("12.5"), "x", 1), HS_ERR_TYPE);
    assert_int_equal(api->json_push(ctx, o, api->json_new_number(ctx, 1)), HS_ERR_TYPE);
    /* The last error is the push's; ctx_error gives the first and makes it the one answered. */
    assert_string_equal(last_error(NULL), "Cannot push: the value is not an array");
    assert_int_equal(api->ctx_error(ctx), HS_ERR_TYPE);
    assert_string_equal(last_error(NULL), "Cannot create property 'x' on number '12.5'");
    /* Later building calls still work and return their own status. */
    assert_int_equal(api->json_set_number(ctx, o, "b", 2), HS_OK);
    assert_string_equal(api->json_print(ctx, o, NULL), "{\"a\":\"1\",\"b\":2}");
    assert_int_equal(api->ctx_error(ctx), HS_ERR_TYPE);
}

static void test_ctx_error_null_values(void **state)
{
    (void)state;
    hs_json *o = api->json_new_object(ctx);
    hs_json *rec = P("{\"Name\":\"Acme\"}");
    /* A value that is absent: HS_ERR_INVALID, kept with a description, without replacing the
     * last recorded one (so an unexplained return answers as before). */
    assert_null(api->ctx_last_error(ctx, NULL));
    assert_int_equal(api->json_set(ctx, o, "phone", api->json_get(rec, "Phone")), HS_ERR_INVALID);
    assert_null(api->ctx_last_error(ctx, NULL));
    assert_int_equal(api->ctx_error(ctx), HS_ERR_INVALID);
    assert_string_equal(last_error(NULL),
                        "json_set: cannot set 'phone': the value is NULL (absent, "
                        "or the call that made it failed)");
}

static void test_ctx_error_null_text_and_items(void **state)
{
    (void)state;
    hs_json *o = api->json_new_object(ctx);
    assert_int_equal(api->json_set_string(ctx, o, "name", NULL), HS_ERR_INVALID);
    assert_int_equal(api->ctx_error(ctx), HS_ERR_INVALID);
    assert_string_equal(last_error(NULL), "json_set_string: cannot set 'name': the string is NULL "
                                          "(absent, or the call that made it failed)");
    assert_int_equal(api->json_push(ctx, api->json_new_array(ctx), NULL), HS_ERR_INVALID);
    assert_int_equal(api->json_path_set(ctx, o, "a.b", NULL), HS_ERR_INVALID);
    assert_int_equal(api->json_path_set(ctx, NULL, "a.b", o), HS_ERR_INVALID);
    assert_int_equal(api->ctx_error(ctx), HS_ERR_INVALID);
    assert_string_equal(last_error(NULL), "json_set_string: cannot set 'name': the string is NULL "
                                          "(absent, or the call that made it failed)");
}

static void test_ctx_error_push_and_path(void **state)
{
    (void)state;
    hs_json *o = api->json_new_object(ctx);
    assert_int_equal(api->json_push(ctx, api->json_new_array(ctx), NULL), HS_ERR_INVALID);
    assert_int_equal(api->ctx_error(ctx), HS_ERR_INVALID);
    assert_string_equal(last_error(NULL),
                        "json_push: the value is NULL (absent, or the call that made it failed)");
    teardown(NULL);
    assert_int_equal(setup(NULL), 0);
    o = api->json_new_object(ctx);
    assert_int_equal(api->json_path_set(ctx, o, "a..b", api->json_new_null(ctx)), HS_ERR_INVALID);
    assert_int_equal(api->json_path_set(ctx, o, "a[3]", api->json_new_null(ctx)), HS_ERR_RANGE);
    assert_int_equal(api->ctx_error(ctx), HS_ERR_INVALID);
    assert_string_equal(last_error(NULL), "invalid path \"a..b\"");
    teardown(NULL);
    assert_int_equal(setup(NULL), 0);
    assert_int_equal(api->json_path_set(ctx, P("[]"), "a", api->json_new_null(ctx)), HS_ERR_TYPE);
    assert_int_equal(api->ctx_error(ctx), HS_ERR_TYPE);
}

/* A maker that failed: its failure is the one kept, not the NULL it gave the next call. */
static void test_ctx_error_maker_failure(void **state)
{
    (void)state;
    hs_json *o = api->json_new_object(ctx);
    /* 19 digits: no exact JSON number. */
    hs_json *amount = api->json_new_decimal(ctx, HS_DECIMAL(INT64_C(1234567890123456789), 2));
    assert_null(amount);
    assert_int_equal(api->json_set(ctx, o, "amount", amount), HS_ERR_INVALID);
    assert_int_equal(api->ctx_error(ctx), HS_ERR_RANGE);
    const char *name = NULL;
    assert_non_null(strstr(last_error(&name), "has no exact JSON number"));
    assert_string_equal(name, "RangeError");
}

static void test_ctx_error_out_of_memory(void **state)
{
    (void)state;
    exhaust();
    hs_json *o = api->json_new_object(ctx);
    assert_null(o);
    assert_int_equal(api->json_set_string(ctx, o, "a", "b"), HS_ERR_TYPE);
    assert_int_equal(api->json_push(ctx, api->json_new_array(ctx), api->json_new_null(ctx)),
                     HS_ERR_INVALID);
    assert_int_equal(api->ctx_error(ctx), HS_ERR_NOMEM);
    assert_non_null(strstr(last_error(NULL), "memory limit"));
}

/* Reading, parsing, deleting and the decimal and date calls answer "not there" or "not this
 * format" as ordinary results: nothing is kept. */
static void test_ctx_error_ignores_reads(void **state)
{
    (void)state;
    hs_json *o = P("{\"a\":1}");
    hs_json *bad = NULL;
    hs_decimal d;
    hs_datetime t;
    assert_int_equal(api->json_delete(ctx, o, "nope"), HS_ERR_NOT_FOUND);
    assert_int_equal(api->json_delete(ctx, P("1"), "a"), HS_ERR_TYPE);
    assert_int_equal(api->json_path_delete(ctx, o, "x.y"), HS_ERR_NOT_FOUND);
    assert_int_equal(api->json_parse(ctx, "[1,", 3, &bad), HS_ERR_PARSE);
    assert_int_equal(api->decimal_from_json(ctx, api->json_get(o, "b"), &d), HS_ERR_NOT_FOUND);
    assert_int_equal(api->date_parse(ctx, "3/5/2024", "YYYY-MM-DD", &t), HS_ERR_PARSE);
    assert_int_equal(api->ctx_now(ctx, 0, &t), HS_ERR_NOT_FOUND);
    assert_null(api->json_print(ctx, api->json_new_date(ctx, 0), NULL));
    assert_int_equal(api->ctx_error(ctx), HS_OK);
}

/* ---- typed settings --------------------------------------------------------------------------*/

/* The bug the issue reports: a subsidiary map {"GB": 3} read as text gave the default, sending
 * GB customers to the default subsidiary. */
static void test_setting_string_coerces_numbers(void **state)
{
    (void)state;
    assert_string_equal(api->setting_string(ctx, "m.GB", "1"), "3");
    assert_string_equal(api->setting_string(ctx, "m.US", "9"), "1");
    assert_string_equal(api->setting_string(ctx, "small", "x"), "0.1");
    assert_string_equal(api->setting_string(ctx, "rate", "x"), "2.5");
    assert_string_equal(api->setting_string(ctx, "on", "x"), "true");
    assert_string_equal(api->setting_string(ctx, "off", "x"), "false");
    assert_string_equal(api->setting_string(ctx, "m.list[1]", "x"), "2");
    assert_string_equal(api->setting_string(ctx, "[\"a.b\"].c", "x"), "7");
    /* Absent or null: the default. */
    assert_string_equal(api->setting_string(ctx, "m.FR", "dflt"), "dflt");
    assert_string_equal(api->setting_string(ctx, "nothing", "dflt"), "dflt");
    assert_null(api->setting_string(ctx, "m.FR", NULL));
    assert_string_equal(api->setting_string(NULL, "m.GB", "dflt"), "dflt");
    assert_int_equal(api->ctx_error(ctx), HS_OK);
}

static void test_setting_string_refuses_containers(void **state)
{
    (void)state;
    assert_null(api->setting_string(ctx, "m", "dflt"));
    const char *name = NULL;
    assert_string_equal(last_error(&name),
                        "setting_string: settings.m is an object, not text (setting_string reads a "
                        "string, a number or a boolean; read an object or an array with "
                        "setting())");
    assert_string_equal(name, "TypeError");
    assert_int_equal(api->ctx_error(ctx), HS_ERR_TYPE);
    assert_null(api->setting_string(ctx, "m.list", "dflt"));
    assert_non_null(strstr(last_error(NULL), "settings.m.list is an array, not text"));
    assert_null(api->setting_string(ctx, "[\"a.b\"]", "dflt"));
    assert_non_null(strstr(last_error(NULL), "settings[\"a.b\"] is an object, not text"));
    assert_null(api->setting_string(ctx, NULL, "dflt"));
    assert_non_null(strstr(last_error(NULL), "settings is an object, not text"));
    assert_true(ctx->thrown != NULL);
    assert_non_null(strstr(ctx->thrown, "settings.m is an object"));
}

static void test_setting_number(void **state)
{
    (void)state;
    assert_true(api->setting_number(ctx, "rate", -1) == 2.5);
    assert_true(api->setting_number(ctx, "rateText", -1) == 2.5);
    assert_true(api->setting_number(ctx, "hex", -1) == 16);
    assert_true(api->setting_number(ctx, "m.GB", -1) == 3);
    assert_true(api->setting_number(ctx, "m.US", -1) == 1);
    assert_true(api->setting_number(ctx, "blank", -1) == -1);
    assert_true(api->setting_number(ctx, "nothing", -1) == -1);
    assert_true(api->setting_number(ctx, "absent", -1) == -1);
    assert_true(api->setting_number(NULL, "rate", -1) == -1);
    assert_int_equal(api->ctx_error(ctx), HS_OK);
    assert_null(ctx->thrown);
}

static void test_setting_number_refuses(void **state)
{
    (void)state;
    assert_true(isnan(api->setting_number(ctx, "word", -1)));
    assert_string_equal(last_error(NULL), "setting_number: settings.word is a string, not a number "
                                          "(the text is not a JavaScript number)");
    assert_int_equal(api->ctx_error(ctx), HS_ERR_TYPE);
    assert_true(isnan(api->setting_number(ctx, "on", -1)));
    assert_string_equal(last_error(NULL),
                        "setting_number: settings.on is a boolean, not a number "
                        "(setting_number reads a number or a string holding one)");
    assert_true(isnan(api->setting_number(ctx, "m", -1)));
    assert_true(isnan(api->setting_number(ctx, "m.list", -1)));
    /* The invocation fails with the first. */
    assert_non_null(strstr(ctx->thrown, "settings.word is a string"));
}

static void test_setting_bool(void **state)
{
    (void)state;
    assert_int_equal(api->setting_bool(ctx, "on", 0), 1);
    assert_int_equal(api->setting_bool(ctx, "off", 1), 0);
    assert_int_equal(api->setting_bool(ctx, "absent", 1), 1);
    assert_int_equal(api->setting_bool(ctx, "nothing", 0), 0);
    assert_int_equal(api->setting_bool(NULL, "on", 0), 0);
    assert_int_equal(api->ctx_error(ctx), HS_OK);
    /* "false" as text would be truthy in JavaScript; 1 is not a flag either. */
    assert_int_equal(api->setting_bool(ctx, "offText", 0), 0);
    assert_string_equal(last_error(NULL),
                        "setting_bool: settings.offText is a string, not a boolean (setting_bool "
                        "reads only true or false; in JavaScript the string \"false\" is truthy)");
    assert_int_equal(api->ctx_error(ctx), HS_ERR_TYPE);
    assert_int_equal(api->setting_bool(ctx, "one", 0), 0);
    assert_non_null(strstr(last_error(NULL), "settings.one is a number, not a boolean"));
    assert_int_equal(api->setting_bool(ctx, "m", 1), 1);
}

static void test_setting_out_of_memory(void **state)
{
    (void)state;
    exhaust();
    assert_null(api->setting_string(ctx, "n", "dflt"));
    assert_int_equal(api->ctx_error(ctx), HS_ERR_NOMEM);
    /* Reading a number needs no memory. */
    assert_true(api->setting_number(ctx, "n", 0) == 12.5);
}

/* ---- through the runner: answers ------------------------------------------------------------ */

static const hs_api *mapi;

/* preMap: the subsidiary of the record's country from settings.subsidiaries, as text. */
static hs_status subsidiary_rec(hs_ctx *c, hs_record *rec)
{
    hs_json *data = mapi->record_data(rec);
    const char *country = mapi->json_get_trimmed(c, data, "BillingCountry");
    const char *path = mapi->sprintf(c, "subsidiaries.%s", country ? country : "-");
    mapi->json_set_string(c, data, "subsidiary", mapi->setting_string(c, path, "1"));
    return mapi->ctx_error(c);
}

/* preMap: reads settings.subsidiaries as text and ignores what it gets (returns HS_OK). */
static hs_status settings_ignored_rec(hs_ctx *c, hs_record *rec)
{
    (void)rec;
    (void)mapi->setting_string(c, "subsidiaries", "1");
    return HS_OK;
}

/* utility: a flag read from a string setting, then HS_OK. */
static hs_status flag_ignored(hs_ctx *c, hs_json *options, hs_json **result)
{
    (void)options;
    *result = mapi->json_new_bool(c, mapi->setting_bool(c, "enabled", 0));
    return HS_OK;
}

/* utility: a settings error, then the function's own fail(), which is answered. */
static hs_status settings_then_fail(hs_ctx *c, hs_json *options, hs_json **result)
{
    (void)options;
    (void)result;
    if (isnan(mapi->setting_number(c, "rate", 0)))
        return (mapi->fail)(c, "bad_rate", "settings.rate must be a number");
    return HS_OK;
}

/* branching: reads a setting of the wrong type and routes anyway. */
static hs_status route_ignored(hs_ctx *c, hs_page *page)
{
    (void)mapi->setting_number(c, "threshold", 0);
    return mapi->page_route(page, 0);
}

/* preMap: a record without text in Name gets an error (NULL is "no text"); an object there is
 * thrown, whatever the function returns. */
static hs_status name_rec(hs_ctx *c, hs_record *rec)
{
    const char *name = mapi->json_get_trimmed(c, mapi->record_data(rec), "Name");
    if (!name)
        return mapi->record_add_error(rec, mapi->error_new(c, "missing_name", "no Name", NULL));
    return HS_OK;
}

/* utility: String(options.v), HS_OK whatever it gives. */
static hs_status stringify(hs_ctx *c, hs_json *options, hs_json **result)
{
    const char *s = mapi->json_to_string(c, mapi->json_get(options, "v"));
    *result = mapi->json_new_string(c, s ? s : "(NULL)");
    return HS_OK;
}

/* postMap: record 0 makes a building call fail and handles it (an error on the record);
 * every record then builds its output and ends with ctx_error, which starts afresh per record. */
static hs_status per_record_rec(hs_ctx *c, hs_record *rec)
{
    hs_json *data = mapi->record_data(rec);
    if (mapi->record_index(rec) == 0 &&
        mapi->json_set_string(c, mapi->json_get(data, "Name"), "x", "y") != HS_OK)
        return mapi->record_add_error(rec, mapi->error_new(c, "handled", "handled", NULL));
    mapi->json_set_string(c, data, "seen", "yes");
    return mapi->ctx_error(c);
}

/* utility: two failures, then ctx_error: the first one is answered. */
static hs_status first_failure(hs_ctx *c, hs_json *options, hs_json **result)
{
    (void)result;
    mapi->json_set_number(c, mapi->json_get(options, "name"), "n", 1);
    mapi->json_push(c, options, mapi->json_new_null(c));
    return mapi->ctx_error(c);
}

static hs_status coerce_init(const hs_api *a, hs_module *mod)
{
    mapi = a;
    hs_status st;
    if ((st = a->register_record_fn(mod, "subsidiaryRec", HS_KIND_PRE_MAP, subsidiary_rec, NULL)) !=
            HS_OK ||
        (st = a->register_record_fn(mod, "settingsIgnoredRec", HS_KIND_PRE_MAP,
                                    settings_ignored_rec, NULL)) != HS_OK ||
        (st = a->register_fn(mod, "flagIgnored", HS_KIND_UTILITY, flag_ignored, NULL)) != HS_OK ||
        (st = a->register_fn(mod, "settingsThenFail", HS_KIND_UTILITY, settings_then_fail, NULL)) !=
            HS_OK ||
        (st = a->register_page_fn(mod, "routeIgnored", HS_KIND_BRANCHING, route_ignored, NULL)) !=
            HS_OK ||
        (st = a->register_record_fn(mod, "perRecordRec", HS_KIND_POST_MAP, per_record_rec, NULL)) !=
            HS_OK)
        return st;
    if ((st = a->register_record_fn(mod, "nameRec", HS_KIND_PRE_MAP, name_rec, NULL)) != HS_OK ||
        (st = a->register_fn(mod, "stringify", HS_KIND_UTILITY, stringify, NULL)) != HS_OK)
        return st;
    return a->register_fn(mod, "firstFailure", HS_KIND_UTILITY, first_failure, NULL);
}

HS_MODULE("coerce_test", "0.1.0", coerce_init)

static struct registry *reg;

static int group_setup(void **state)
{
    (void)state;
    /* Date.prototype.toString prints local time; the expectations are in UTC. */
    setenv("TZ", "UTC", 1);
    tzset();
    reg = registry_new(false);
    char err[512];
    if (!reg ||
        registry_add_static(reg, coerce_test_entry, "test_sdk_coerce", err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    registry_free(reg);
    return 0;
}

static const char *const tokens[] = {"t"};

static void expect(const char *body, int status, const char *want)
{
    struct proto_config cfg = {.reg = reg, .tokens = tokens, .ntokens = 1};
    struct proto_request req = {.authorization = {"Bearer t", 8},
                                .content_type = {"application/json", 16},
                                .body = {body, strlen(body)}};
    struct proto_response resp;
    proto_response_init(&resp);
    struct arena *a = arena_new(64 * 1024, 0);
    assert_non_null(a);
    assert_int_equal(proto_handle(&cfg, &req, &resp, a), 0);
    char got[4096];
    size_t n = resp.body.len < sizeof(got) - 1 ? resp.body.len : sizeof(got) - 1;
    memcpy(got, resp.body.data ? resp.body.data : "", n);
    got[n] = '\0';
    int code = resp.status;
    proto_response_free(&resp);
    arena_free(a);
    if (code != status || strcmp(got, want) != 0)
        fprintf(stderr, "want %d %s\n got %d %s\n", status, want, code, got);
    assert_int_equal(code, status);
    assert_string_equal(got, want);
}

/* The case end to end: {"GB": 3} sends GB customers to subsidiary "3", not the
 * default "1". */
static void test_answer_subsidiary_map(void **state)
{
    (void)state;
    expect("{\"diy\":true,\"function\":\"subsidiaryRec\",\"options\":{\"data\":[{\"Id\":\"A\","
           "\"BillingCountry\":\" GB \"},{\"Id\":\"B\",\"BillingCountry\":\"FR\"}],\"settings\":"
           "{\"subsidiaries\":{\"GB\":3,\"US\":\"2\"}}}}",
           200,
           "[{\"data\":{\"Id\":\"A\",\"BillingCountry\":\" GB \",\"subsidiary\":\"3\"}},"
           "{\"data\":{\"Id\":\"B\",\"BillingCountry\":\"FR\",\"subsidiary\":\"1\"}}]");
}

/* A settings error fails the invocation even when the function returns HS_OK. */
static void test_answer_settings_error_is_loud(void **state)
{
    (void)state;
    expect("{\"diy\":true,\"function\":\"settingsIgnoredRec\",\"options\":{\"data\":[{\"Id\":"
           "\"001A\"},{\"Id\":\"001B\"}],\"settings\":{\"subsidiaries\":{\"GB\":3}}}}",
           500,
           "{\"errors\":[{\"message\":\"setting_string: settings.subsidiaries is an object, not "
           "text (setting_string reads a string, a number or a boolean; read an object or an "
           "array with setting()) (function settingsIgnoredRec at record 1 of 2, id 001A)\","
           "\"code\":\"TypeError\"}]}");
    /* The same settings with a string: no error. */
    expect("{\"diy\":true,\"function\":\"settingsIgnoredRec\",\"options\":{\"data\":[{\"Id\":"
           "\"001A\"}],\"settings\":{\"subsidiaries\":\"3\"}}}",
           200, "[{\"data\":{\"Id\":\"001A\"}}]");
    expect("{\"diy\":true,\"function\":\"flagIgnored\",\"options\":{\"settings\":{\"enabled\":"
           "\"false\"}}}",
           500,
           "{\"errors\":[{\"message\":\"setting_bool: settings.enabled is a string, not a "
           "boolean (setting_bool reads only true or false; in JavaScript the string \\\"false\\\" "
           "is truthy)\",\"code\":\"TypeError\"}]}");
    expect("{\"diy\":true,\"function\":\"flagIgnored\",\"options\":{\"settings\":{\"enabled\":"
           "true}}}",
           200, "true");
    expect("{\"diy\":true,\"function\":\"routeIgnored\",\"options\":{\"record\":{},\"settings\":"
           "{\"threshold\":[1]}}}",
           500,
           "{\"errors\":[{\"message\":\"setting_number: settings.threshold is an array, not a "
           "number (setting_number reads a number or a string holding one)\",\"code\":"
           "\"TypeError\"}]}");
    /* The function's own fail() is answered instead. */
    expect("{\"diy\":true,\"function\":\"settingsThenFail\",\"options\":{\"settings\":{\"rate\":"
           "\"abc\"}}}",
           422,
           "{\"errors\":[{\"message\":\"settings.rate must be a number\",\"code\":"
           "\"bad_rate\"}]}");
}

/* Text read from an object is thrown too: never "no text", never "[object Object]". */
static void test_answer_text_from_object_is_loud(void **state)
{
    (void)state;
    expect("{\"diy\":true,\"function\":\"nameRec\",\"options\":{\"data\":[{\"Id\":\"a\","
           "\"Name\":\" \"},{\"Id\":\"b\",\"Name\":{\"first\":\"Ann\"}}]}}",
           500,
           "{\"errors\":[{\"message\":\"json_get_trimmed: 'Name' is an object, not text (function "
           "nameRec at record 2 of 2, id b)\",\"code\":\"TypeError\"}]}");
    expect("{\"diy\":true,\"function\":\"nameRec\",\"options\":{\"data\":[{\"Id\":\"a\","
           "\"Name\":\" \"},{\"Id\":\"b\",\"Name\":7}]}}",
           200,
           "[{\"data\":{\"Id\":\"a\",\"Name\":\" \"},\"errors\":[{\"code\":\"missing_name\","
           "\"message\":\"no Name\"}]},{\"data\":{\"Id\":\"b\",\"Name\":7}}]");
    expect("{\"diy\":true,\"function\":\"stringify\",\"options\":{\"v\":[1,null,{}]}}", 200,
           "\"1,,[object Object]\"");
    expect("{\"diy\":true,\"function\":\"stringify\",\"options\":{\"v\":{\"toString\":1}}}", 500,
           "{\"errors\":[{\"message\":\"Cannot convert object to primitive value\",\"code\":"
           "\"TypeError\"}]}");
}

static void test_answer_kept_error_per_record(void **state)
{
    (void)state;
    expect("{\"diy\":true,\"function\":\"perRecordRec\",\"options\":{\"postMapData\":[{\"Name\":"
           "\"a\"},{\"Name\":\"b\"}]}}",
           200,
           "[{\"data\":{\"Name\":\"a\"},\"errors\":[{\"code\":\"handled\",\"message\":"
           "\"handled\"}]},{\"data\":{\"Name\":\"b\",\"seen\":\"yes\"}}]");
    expect("{\"diy\":true,\"function\":\"firstFailure\",\"options\":{\"name\":\"abc\"}}", 500,
           "{\"errors\":[{\"message\":\"Cannot create property 'n' on string 'abc'\",\"code\":"
           "\"TypeError\"}]}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_table_has_the_calls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_to_string_like_javascript, setup, teardown),
        cmocka_unit_test_setup_teardown(test_to_string_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_to_string_out_of_memory, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_get_trimmed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_trimmed_refuses_containers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_trimmed_invalid_date, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_trimmed_out_of_memory, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_set_if_present, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_if_present_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_if_present_key_null_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_if_present_out_of_memory, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_ctx_error_keeps_the_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ctx_error_null_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ctx_error_null_text_and_items, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ctx_error_push_and_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ctx_error_maker_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ctx_error_out_of_memory, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_ctx_error_ignores_reads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_setting_string_coerces_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_setting_string_refuses_containers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_setting_number, setup, teardown),
        cmocka_unit_test_setup_teardown(test_setting_number_refuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_setting_bool, setup, teardown),
        cmocka_unit_test_setup_teardown(test_setting_out_of_memory, setup_small, teardown),
        cmocka_unit_test(test_answer_subsidiary_map),
        cmocka_unit_test(test_answer_settings_error_is_loud),
        cmocka_unit_test(test_answer_text_from_object_is_loud),
        cmocka_unit_test(test_answer_kept_error_per_record),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
