/* test_flows_map.c — the import mapping of `hookstack flows run` (runner/flows_map.c), one test
 * per Mapper 1.0 feature: extract paths, generate paths, hard-coded values, data types, static
 * lookups, discardIfEmpty and defaults, conditionals, lists, and what is refused by name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flows_map.h"

static struct arena *A;

static int setup(void **state)
{
    (void)state;
    A = arena_new(64 * 1024, 0);
    return A ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(A);
    return 0;
}

static struct json_value *parse(const char *text)
{
    struct json_error e;
    struct json_value *v = json_parse(A, text, strlen(text), NULL, &e);
    if (!v)
        fail_msg("test JSON does not parse: %s: %s", e.message, text);
    return v;
}

/* Maps record through mapping (with lookups, may be NULL); returns the status, the compact
 * output in out (or the error message). */
static int map(const char *mapping, const char *lookups, const char *record, char *out,
               size_t outlen)
{
    struct json_value *m = parse(mapping), *l = lookups ? parse(lookups) : NULL;
    struct json_value *res = NULL;
    char err[512] = "";
    int rc = flows_map_record(A, m, l, parse(record), &res, err, sizeof(err));
    if (rc == FLOWS_MAP_OK) {
        struct json_buf b;
        json_buf_init(&b, 0);
        assert_int_equal(json_write(&b, res, 0, NULL), 0);
        snprintf(out, outlen, "%.*s", (int)b.len, b.data);
        json_buf_free(&b);
        /* a mapping that runs also passes the check */
        assert_int_equal(flows_map_check(m, l, err, sizeof(err)), FLOWS_MAP_OK);
    } else {
        snprintf(out, outlen, "%s", err);
    }
    return rc;
}

#define MAPS_TO(mapping, lookups, record, expected)                                                \
    do {                                                                                           \
        char out_[2048];                                                                           \
        int rc_ = map(mapping, lookups, record, out_, sizeof(out_));                               \
        if (rc_ != FLOWS_MAP_OK)                                                                   \
            fail_msg("mapping failed (%d): %s", rc_, out_);                                        \
        assert_string_equal(out_, expected);                                                       \
    } while (0)

#define FAILS(status, mapping, lookups, record, needle)                                            \
    do {                                                                                           \
        char out_[2048];                                                                           \
        assert_int_equal(map(mapping, lookups, record, out_, sizeof(out_)), status);               \
        if (!strstr(out_, needle))                                                                 \
            fail_msg("message \"%s\" does not say \"%s\"", out_, needle);                          \
    } while (0)

static void test_extract_paths(void **state)
{
    (void)state;
    MAPS_TO("{\"fields\":[{\"extract\":\"a\",\"generate\":\"x\"},"
            "{\"extract\":\"b.c\",\"generate\":\"y\"},"
            "{\"extract\":\"arr[1].v\",\"generate\":\"z\"},"
            "{\"extract\":\"[Ship To].City\",\"generate\":\"city\"},"
            "{\"extract\":\"nope.deeper\",\"generate\":\"gone\"}]}",
            NULL,
            "{\"a\":1,\"b\":{\"c\":\"two\"},\"arr\":[{\"v\":0},{\"v\":true}],"
            "\"Ship To\":{\"City\":\"Lyon\"}}",
            "{\"x\":1,\"y\":\"two\",\"z\":true,\"city\":\"Lyon\"}");
    /* objects and arrays are copied as they are */
    MAPS_TO("{\"fields\":[{\"extract\":\"o\",\"generate\":\"o\"}]}", NULL,
            "{\"o\":{\"k\":[1,{\"m\":null}]}}", "{\"o\":{\"k\":[1,{\"m\":null}]}}");
}

static void test_generate_paths(void **state)
{
    (void)state;
    MAPS_TO("{\"fields\":[{\"extract\":\"id\",\"generate\":\"Product__r.Ext_Id__c\"},"
            "{\"extract\":\"n\",\"generate\":\"Product__r.Name\"},"
            "{\"extract\":\"n\",\"generate\":\"top\"}]}",
            NULL, "{\"id\":\"A-1\",\"n\":\"Widget\"}",
            "{\"Product__r\":{\"Ext_Id__c\":\"A-1\",\"Name\":\"Widget\"},\"top\":\"Widget\"}");
    /* the later field wins */
    MAPS_TO("{\"fields\":[{\"extract\":\"a\",\"generate\":\"x\"},{\"extract\":\"b\",\"generate\":"
            "\"x\"}]}",
            NULL, "{\"a\":1,\"b\":2}", "{\"x\":2}");
}

static void test_hard_coded(void **state)
{
    (void)state;
    MAPS_TO("{\"fields\":[{\"hardCodedValue\":\"5\",\"generate\":\"subsidiary\",\"internalId\":"
            "true,\"immutable\":true},"
            "{\"hardCodedValue\":\"false\",\"generate\":\"flag\",\"dataType\":\"boolean\"},"
            "{\"hardCodedValue\":\"12.50\",\"generate\":\"n\",\"dataType\":\"number\"}]}",
            NULL, "{}", "{\"subsidiary\":\"5\",\"flag\":false,\"n\":12.5}");
}

static void test_data_types(void **state)
{
    (void)state;
    MAPS_TO("{\"fields\":[{\"extract\":\"s\",\"generate\":\"n1\",\"dataType\":\"number\"},"
            "{\"extract\":\"i\",\"generate\":\"s1\",\"dataType\":\"string\"},"
            "{\"extract\":\"t\",\"generate\":\"s2\",\"dataType\":\"string\"},"
            "{\"extract\":\"b\",\"generate\":\"b1\",\"dataType\":\"boolean\"},"
            "{\"extract\":\"one\",\"generate\":\"b2\",\"dataType\":\"boolean\"},"
            "{\"extract\":\"zero\",\"generate\":\"b3\",\"dataType\":\"boolean\"},"
            "{\"extract\":\"nul\",\"generate\":\"n2\",\"dataType\":\"number\"},"
            "{\"extract\":\"blank\",\"generate\":\"n3\",\"dataType\":\"number\"}]}",
            NULL,
            "{\"s\":\" 1e3 \",\"i\":0.1,\"t\":true,\"b\":\"TRUE\",\"one\":\"1\",\"zero\":0,"
            "\"nul\":null,\"blank\":\"\"}",
            "{\"n1\":1000,\"s1\":\"0.1\",\"s2\":\"true\",\"b1\":true,\"b2\":true,\"b3\":false,"
            "\"n2\":null,\"n3\":null}");
    FAILS(FLOWS_MAP_RECORD,
          "{\"fields\":[{\"extract\":\"s\",\"generate\":\"amount\",\"dataType\":"
          "\"number\"}]}",
          NULL, "{\"s\":\"12 EUR\"}", "generate \"amount\"): \"12 EUR\" is not a number");
    FAILS(FLOWS_MAP_RECORD,
          "{\"fields\":[{\"extract\":\"s\",\"generate\":\"x\",\"dataType\":"
          "\"number\"}]}",
          NULL, "{\"s\":\"0x1A\"}", "is not a number");
    FAILS(FLOWS_MAP_RECORD,
          "{\"fields\":[{\"extract\":\"s\",\"generate\":\"x\",\"dataType\":"
          "\"boolean\"}]}",
          NULL, "{\"s\":\"yes\"}", "\"yes\" is not a boolean");
    FAILS(FLOWS_MAP_RECORD,
          "{\"fields\":[{\"extract\":\"o\",\"generate\":\"x\",\"dataType\":"
          "\"string\"}]}",
          NULL, "{\"o\":{}}", "cannot convert an object to string");
    FAILS(FLOWS_MAP_UNSUPPORTED,
          "{\"fields\":[{\"extract\":\"d\",\"generate\":\"x\",\"dataType\":"
          "\"date\"}]}",
          NULL, "{}", "dataType date is not supported");
}

static const char *LOOKUPS =
    "[{\"name\":\"terms\",\"map\":{\"Net 30\":\"2\",\"1\":\"one\"}},"
    "{\"name\":\"withDefault\",\"map\":{\"US\":\"1\"},\"default\":\"9\"},"
    "{\"name\":\"lenient\",\"map\":{},\"allowFailures\":true},"
    "{\"name\":\"live\",\"recordType\":\"customer\",\"searchField\":\"email\"}]";

static void test_static_lookups(void **state)
{
    (void)state;
    MAPS_TO("{\"fields\":[{\"extract\":\"t\",\"generate\":\"terms\",\"lookupName\":\"terms\"},"
            "{\"extract\":\"n\",\"generate\":\"num\",\"lookupName\":\"terms\"},"
            "{\"extract\":\"c\",\"generate\":\"country\",\"lookupName\":\"withDefault\"},"
            "{\"extract\":\"c\",\"generate\":\"soft\",\"lookupName\":\"lenient\"},"
            "{\"extract\":\"c\",\"generate\":\"soft2\",\"lookupName\":\"lenient\","
            "\"discardIfEmpty\":true},"
            "{\"extract\":\"missing\",\"generate\":\"none\",\"lookupName\":\"terms\"}]}",
            LOOKUPS, "{\"t\":\"Net 30\",\"n\":1,\"c\":\"FR\"}",
            "{\"terms\":\"2\",\"num\":\"one\",\"country\":\"9\"}");
    FAILS(FLOWS_MAP_RECORD,
          "{\"fields\":[{\"extract\":\"t\",\"generate\":\"terms\",\"lookupName\":\"terms\"}]}",
          LOOKUPS, "{\"t\":\"Net 90\"}", "lookup \"terms\" has no value for \"Net 90\"");
    FAILS(FLOWS_MAP_UNSUPPORTED,
          "{\"fields\":[{\"extract\":\"e\",\"generate\":\"entity\",\"lookupName\":\"live\"}]}",
          LOOKUPS, "{}", "lookup \"live\" queries live records");
    FAILS(FLOWS_MAP_UNSUPPORTED,
          "{\"fields\":[{\"extract\":\"e\",\"generate\":\"entity\",\"lookupName\":\"nope\"}]}",
          LOOKUPS, "{}", "field 0 (generate \"entity\"): lookupName names no lookup");
}

static void test_discard_if_empty(void **state)
{
    (void)state;
    const char *m = "{\"fields\":["
                    "{\"extract\":\"e\",\"generate\":\"e1\",\"discardIfEmpty\":true},"
                    "{\"extract\":\"n\",\"generate\":\"n1\",\"discardIfEmpty\":true},"
                    "{\"extract\":\"m\",\"generate\":\"m1\",\"discardIfEmpty\":true},"
                    "{\"extract\":\"z\",\"generate\":\"z1\",\"discardIfEmpty\":true},"
                    "{\"extract\":\"e\",\"generate\":\"e2\"},"
                    "{\"extract\":\"n\",\"generate\":\"n2\"},"
                    "{\"extract\":\"m\",\"generate\":\"m2\"},"
                    "{\"extract\":\"m\",\"generate\":\"d\",\"default\":\"none\"}]}";
    MAPS_TO(m, NULL, "{\"e\":\"\",\"n\":null,\"z\":0}",
            "{\"z1\":0,\"e2\":\"\",\"n2\":null,\"d\":\"none\"}");
}

static void test_conditionals(void **state)
{
    (void)state;
    MAPS_TO("{\"fields\":[{\"extract\":\"s\",\"generate\":\"subsidiary\",\"conditional\":"
            "{\"when\":\"record_created\"}},"
            "{\"extract\":\"e\",\"generate\":\"e\",\"conditional\":{\"when\":"
            "\"extract_not_empty\"}},"
            "{\"extract\":\"f\",\"generate\":\"f\",\"conditional\":{\"when\":"
            "\"extract_not_empty\"}}]}",
            NULL, "{\"s\":\"3\",\"e\":\"\",\"f\":\"x\"}", "{\"subsidiary\":\"3\",\"f\":\"x\"}");
    FAILS(FLOWS_MAP_UNSUPPORTED,
          "{\"fields\":[{\"extract\":\"s\",\"generate\":\"x\",\"conditional\":{\"when\":"
          "\"lookup_empty\"}}]}",
          NULL, "{}", "this conditional is not supported");
}

static void test_lists(void **state)
{
    (void)state;
    const char *m = "{\"fields\":[{\"extract\":\"id\",\"generate\":\"externalid\"}],"
                    "\"lists\":[{\"generate\":\"item\",\"jsonPath\":\"lines\",\"fields\":["
                    "{\"extract\":\"sku\",\"generate\":\"item\",\"isKey\":true,"
                    "\"lookupName\":\"items\"},"
                    "{\"extract\":\"lines[*].qty\",\"generate\":\"quantity\",\"dataType\":"
                    "\"number\"},"
                    "{\"extract\":\"memo\",\"generate\":\"description\",\"discardIfEmpty\":true}"
                    "]}]}";
    const char *l = "[{\"name\":\"items\",\"map\":{\"W-1\":\"101\",\"W-2\":\"102\"}}]";
    MAPS_TO(m, l,
            "{\"id\":\"SO-1\",\"lines\":[{\"sku\":\"W-1\",\"qty\":\"2\",\"memo\":\"\"},"
            "{\"sku\":\"W-2\",\"qty\":1,\"memo\":\"gift\"}]}",
            "{\"externalid\":\"SO-1\",\"item\":[{\"item\":\"101\",\"quantity\":2},"
            "{\"item\":\"102\",\"quantity\":1,\"description\":\"gift\"}]}");
    /* no lines: no list */
    MAPS_TO(m, l, "{\"id\":\"SO-2\"}", "{\"externalid\":\"SO-2\"}");
    /* without jsonPath the record itself is the one element */
    MAPS_TO("{\"lists\":[{\"generate\":\"addressbook\",\"fields\":[{\"extract\":\"city\","
            "\"generate\":\"city\"}]}]}",
            NULL, "{\"city\":\"Oslo\"}", "{\"addressbook\":[{\"city\":\"Oslo\"}]}");
    /* a list element that fails fails the record */
    FAILS(FLOWS_MAP_RECORD, m, l, "{\"id\":\"SO-3\",\"lines\":[{\"sku\":\"W-9\",\"qty\":1}]}",
          "list \"item\" field 0 (generate \"item\"): lookup \"items\" has no value for \"W-9\"");
}

static void test_refused(void **state)
{
    (void)state;
    FAILS(FLOWS_MAP_UNSUPPORTED,
          "{\"fields\":[{\"extract\":\"d\",\"generate\":\"trandate\",\"extractDateFormat\":"
          "\"YYYY-MM-DD\"}]}",
          NULL, "{}", "field 0 (generate \"trandate\"): \"extractDateFormat\" is not supported");
    FAILS(FLOWS_MAP_UNSUPPORTED, "{\"fields\":[{\"extract\":\"{{a}}\",\"generate\":\"x\"}]}", NULL,
          "{}", "is not a plain field path");
    FAILS(FLOWS_MAP_UNSUPPORTED, "{\"fields\":[{\"extract\":\"a\",\"generate\":\"x[0]\"}]}", NULL,
          "{}", "\"generate\" must be a dotted path");
    FAILS(FLOWS_MAP_UNSUPPORTED,
          "{\"fields\":[{\"extract\":\"a\",\"hardCodedValue\":\"b\",\"generate\":\"x\"}]}", NULL,
          "{}", "exactly one of");
    FAILS(FLOWS_MAP_UNSUPPORTED, "{\"fields\":[],\"format\":\"x\"}", NULL, "{}",
          "mapping: \"format\" is not supported");
    FAILS(FLOWS_MAP_UNSUPPORTED,
          "{\"lists\":[{\"generate\":\"a\",\"fields\":[]},{\"generate\":\"a\",\"fields\":[]}]}",
          NULL, "{}", "two lists generate the same field");
    FAILS(FLOWS_MAP_UNSUPPORTED, "{\"fields\":[{\"extract\":\"a..b\",\"generate\":\"x\"}]}", NULL,
          "{}", "not a plain field path");
}

static void test_extract_function(void **state)
{
    (void)state;
    struct json_value *v = parse("{\"a\":[[1,2],{\"b\":3}]}");
    int bad = 0;
    const struct json_value *r = flows_map_extract(v, "a[0][1]", 7, &bad);
    assert_int_equal(bad, 0);
    assert_non_null(r);
    assert_true(r->type == JSON_NUMBER && r->u.num == 2);
    assert_null(flows_map_extract(v, "a[5].b", 6, &bad));
    assert_int_equal(bad, 0);
    assert_null(flows_map_extract(v, "a.", 2, &bad));
    assert_int_equal(bad, -1);
    assert_null(flows_map_extract(v, "", 0, &bad));
    assert_int_equal(bad, -1);
    assert_null(flows_map_extract(v, "a[", 2, &bad));
    assert_int_equal(bad, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_extract_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_generate_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hard_coded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_data_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_static_lookups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_discard_if_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conditionals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_extract_function, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
