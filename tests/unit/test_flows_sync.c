/* test_flows_sync.c — the pieces of `hookstack flows push|pull|diff` without a server:
 * Link rel="next" parsing, error texts (422 errors arrays), token redaction (flows_api.c), and
 * references, the folder form of a live document and the merge a push PUTs (flows_sync.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "flows_api.h"
#include "flows_canon.h"
#include "flows_sync.h"

static struct json_value *parse(struct arena *a, const char *s)
{
    struct json_value *v = json_parse(a, s, strlen(s), NULL, NULL);
    assert_non_null(v);
    return v;
}

static char *compact(struct arena *a, const struct json_value *v)
{
    struct json_buf b;
    json_buf_init(&b, 0);
    assert_int_equal(json_write(&b, v, 0, NULL), 0);
    char *s = arena_strndup(a, b.data, b.len);
    json_buf_free(&b);
    return s;
}

static void test_link_next(void **state)
{
    (void)state;
    char out[256];
    const char *h = "<https://api.integrator.io/v1/exports?page=1>; rel=\"prev\", "
                    "<https://api.integrator.io/v1/exports?page=3>; rel=\"next\"";
    assert_int_equal(flows_api_link_next(h, strlen(h), out, sizeof(out)), 1);
    assert_string_equal(out, "https://api.integrator.io/v1/exports?page=3");
    h = "<http://127.0.0.1:9/v1/x?a=b>;rel=next";
    assert_int_equal(flows_api_link_next(h, strlen(h), out, sizeof(out)), 1);
    assert_string_equal(out, "http://127.0.0.1:9/v1/x?a=b");
    h = "<https://a/v1/x>; title=\"rel=next, no\"; rel=\"prev next\"";
    assert_int_equal(flows_api_link_next(h, strlen(h), out, sizeof(out)), 1);
    assert_string_equal(out, "https://a/v1/x");
    h = "<https://a/v1/x>; rel=\"prev\"";
    assert_int_equal(flows_api_link_next(h, strlen(h), out, sizeof(out)), 0);
    h = "<ftp://a/x>; rel=\"next\""; /* not http(s) */
    assert_int_equal(flows_api_link_next(h, strlen(h), out, sizeof(out)), 0);
    h = "<https://a/x y>; rel=\"next\""; /* a space in the URL */
    assert_int_equal(flows_api_link_next(h, strlen(h), out, sizeof(out)), 0);
    h = "<https://a/v1/a-long-one>; rel=next";
    assert_int_equal(flows_api_link_next(h, strlen(h), out, 10), 0); /* too long: not cut */
    assert_int_equal(flows_api_link_next("", 0, out, sizeof(out)), 0);
}

static void test_error_text(void **state)
{
    (void)state;
    char out[512];
    const char *b = "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"A value is "
                    "required\",\"field\":\"expires\"},{\"code\":\"invalid_ref\",\"message\":"
                    "\"Invalid reference: _exportId\"}]}";
    flows_api_error_text(422, b, strlen(b), out, sizeof(out));
    assert_string_equal(out, "422 Unprocessable Entity: expires: A value is required "
                             "(missing_required_field); Invalid reference: _exportId "
                             "(invalid_ref)");
    flows_api_error_text(404, "{\"message\":\"Object not found\"}", 30, out, sizeof(out));
    assert_string_equal(out, "404 Not Found: Object not found");
    flows_api_error_text(502, "<html>\nbad\tgateway", 18, out, sizeof(out));
    assert_string_equal(out, "502 server error: <html>?bad?gateway");
    flows_api_error_text(401, NULL, 0, out, 16); /* cut to fit */
    assert_int_equal(strlen(out), 15);
}

static void test_redact(void **state)
{
    (void)state;
    char s[64] = "Bearer tok123 and tok123!";
    flows_api_redact(s, sizeof(s), "tok123");
    assert_string_equal(s, "Bearer [redacted] and [redacted]!");
    char t[16] = "xx tok123";
    flows_api_redact(t, sizeof(t), "tok123");
    assert_null(strstr(t, "tok123"));
    char u[32] = "d]xx";
    flows_api_redact(u, sizeof(u), "d]x"); /* the marker would spell it again */
    assert_null(strstr(u, "d]x"));
    char v[32] = "no secret here";
    flows_api_redact(v, sizeof(v), "");
    assert_string_equal(v, "no secret here");
}

static void test_refs(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096, 0);
    struct json_value *ids =
        parse(a, "{\"@connections/sf\":\"c1\",\"@exports/acc\":\"e1\",\"@stacks/hs\":\"s1\"}");
    struct json_value *v = parse(
        a, "{\"_connectionId\":\"@connections/sf\",\"pageGenerators\":[{\"_exportId\":"
           "\"@exports/acc\"}],\"hooks\":{\"preMap\":{\"_stackId\":\"@stacks/hs\",\"function\":"
           "\"f\"}},\"note\":\"@connections/sf\"}");
    char missing[64];
    assert_int_equal(flows_sync_to_ids(a, v, ids, missing, sizeof(missing)), 0);
    assert_string_equal(compact(a, v),
                        "{\"_connectionId\":\"c1\",\"pageGenerators\":[{\"_exportId\":\"e1\"}],"
                        "\"hooks\":{\"preMap\":{\"_stackId\":\"s1\",\"function\":\"f\"}},"
                        "\"note\":\"@connections/sf\"}");
    struct json_value *w = parse(a, "{\"_importId\":\"@imports/nope\"}");
    assert_int_equal(flows_sync_to_ids(a, w, ids, missing, sizeof(missing)), 1);
    assert_string_equal(missing, "@imports/nope");
    /* and back, from a live document: ids it does not map stay */
    struct json_value *live = parse(
        a, "{\"_id\":\"e1\",\"_integrationId\":\"i1\",\"name\":\"A\",\"_connectionId\":\"c1\","
           "\"lastModified\":\"x\",\"password\":\"******\",\"_exportId\":\"e9\"}");
    struct json_value *l = flows_sync_to_local(a, FLOWS_EXPORT, live, ids, NULL);
    assert_non_null(l);
    assert_string_equal(compact(a, l), "{\"name\":\"A\",\"_connectionId\":\"@connections/sf\","
                                       "\"password\":\"<secret>\",\"_exportId\":\"e9\"}");
    const struct json_value *content;
    struct json_value *sc =
        parse(a, "{\"_id\":\"x\",\"name\":\"S\",\"content\":\"function f(){}\"}");
    l = flows_sync_to_local(a, FLOWS_SCRIPT, sc, ids, &content);
    assert_string_equal(compact(a, l), "{\"name\":\"S\"}");
    assert_string_equal(content->u.str, "function f(){}");
    arena_free(a);
}

static void test_merge(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096, 0);
    /* live: bookkeeping, a captured payload, masked secrets, a field the folder removed */
    struct json_value *live = parse(
        a, "{\"_id\":\"i1\",\"_integrationId\":\"g\",\"lastModified\":\"t\",\"name\":\"Old\","
           "\"gone\":1,\"mockOutput\":{\"x\":1},\"http\":{\"baseURI\":\"a\",\"auth\":{\"token\":"
           "{\"token\":\"******\",\"scheme\":\"Bearer\"}},\"old\":true},\"list\":[{\"password\":"
           "\"******\",\"k\":1},{\"k\":2}]}");
    struct json_value *local =
        parse(a, "{\"name\":\"New\",\"http\":{\"baseURI\":\"b\",\"auth\":{\"token\":{\"token\":"
                 "\"<secret>\",\"scheme\":\"Bearer\"}},\"apiKey\":\"<secret>\"},\"list\":[{"
                 "\"password\":\"<secret>\",\"k\":1}]}");
    struct json_value *m = flows_sync_merge(a, FLOWS_CONNECTION, local, live);
    assert_non_null(m);
    assert_string_equal(compact(a, m),
                        "{\"name\":\"New\",\"http\":{\"baseURI\":\"b\",\"auth\":{\"token\":{"
                        "\"token\":\"******\",\"scheme\":\"Bearer\"}}},\"list\":[{\"password\":"
                        "\"******\",\"k\":1}],\"_id\":\"i1\",\"_integrationId\":\"g\","
                        "\"lastModified\":\"t\",\"mockOutput\":{\"x\":1}}");
    struct json_value *c = flows_sync_create_body(a, local);
    assert_string_equal(compact(a, c), "{\"name\":\"New\",\"http\":{\"baseURI\":\"b\",\"auth\":{"
                                       "\"token\":{\"scheme\":\"Bearer\"}}},\"list\":[{\"k\":1}]}");
    /* a placeholder where the account holds nothing is no difference */
    struct json_value *ll = parse(a, "{\"name\":\"N\",\"s\":{\"a\":1}}");
    struct json_value *lo = parse(a, "{\"name\":\"N\",\"s\":{\"a\":1,\"token\":\"<secret>\"}}");
    assert_int_equal(flows_sync_fill_secrets(a, lo, ll), 1);
    assert_true(json_equal(lo, ll));
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_link_next), cmocka_unit_test(test_error_text),
        cmocka_unit_test(test_redact),    cmocka_unit_test(test_refs),
        cmocka_unit_test(test_merge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
