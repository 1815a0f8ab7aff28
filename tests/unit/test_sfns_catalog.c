/* test_sfns_catalog.c — the sfns product catalog (hooks/sfns/sfns_catalog.c): SKU normalisation
 * (case, separators, prefixes and suffixes, leading zeros, NetSuite's "Parent : Child" names),
 * settings.sfns.catalog read strictly (two names the rules make equal, a product both mapped and
 * bundled, bad bundle components: each refused naming its key), and the order in which a product
 * resolves (bundle, explicit map, stored NetSuite id, item name). Also every product code of the
 * real sample Product2 records resolves once its NetSuite item is listed under another spelling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <cmocka.h>

#include "../../hooks/sfns/sfns_catalog.h"
#include "unit/sfns_test_ctx.h"

static const char *norm(const sfns_sku_rules *r, const char *text)
{
    static char out[256];
    sfns_sku_normalise(r, text, strlen(text), out);
    return out;
}

static void test_normalise(void **state)
{
    (void)state;
    sfns_sku_rules r = {.fold = SFNS_SKU_UPPER, .remove = " -_./", .strip_parent = 1};
    assert_string_equal(norm(&r, "pb-762gh"), "PB762GH");
    assert_string_equal(norm(&r, "  PB 762.GH\t"), "PB762GH");
    assert_string_equal(norm(&r, "Sub_E/M"), "SUBEM");
    assert_string_equal(norm(&r, "Hardware : Kits : kit-3"), "KIT3");
    assert_string_equal(norm(&r, "MSP:MPC:Compute:1CPU"), "1CPU");
    assert_string_equal(norm(&r, "0042"), "0042"); /* zeros kept unless asked */
    assert_string_equal(norm(&r, "Caf\xc3\xa9-1"), "CAF\xc3\xa9"
                                                   "1"); /* bytes past ASCII kept */
    r.strip_parent = 0;
    assert_string_equal(norm(&r, "MSP:MPC:1cpu"), "MSP:MPC:1CPU");
    r.strip_leading_zeros = 1;
    assert_string_equal(norm(&r, "00-42"), "42");
    assert_string_equal(norm(&r, "000"), "0");
    r.fold = SFNS_SKU_LOWER;
    assert_string_equal(norm(&r, "AbC"), "abc");
    r.fold = SFNS_SKU_EXACT;
    assert_string_equal(norm(&r, "AbC"), "AbC");
    /* Prefixes and suffixes compare in the normalised alphabet; one of each is dropped, and
     * only when something is left. */
    sfns_sku_rules a = {.fold = SFNS_SKU_UPPER, .remove = "-"};
    char p1[16], p2[16], s1[16];
    sfns_sku_affix(&a, "sf-", 3, p1);
    sfns_sku_affix(&a, "OLD", 3, p2);
    sfns_sku_affix(&a, "-ea", 3, s1);
    assert_string_equal(p1, "SF");
    const char *prefixes[] = {p1, p2}, *suffixes[] = {s1};
    a.prefixes = prefixes, a.nprefixes = 2, a.suffixes = suffixes, a.nsuffixes = 1;
    assert_string_equal(norm(&a, "SF-1001-EA"), "1001");
    assert_string_equal(norm(&a, "old1001"), "1001");
    assert_string_equal(norm(&a, "SFOLD1001"), "OLD1001"); /* one prefix only */
    assert_string_equal(norm(&a, "SF"), "SF");
    assert_string_equal(norm(&a, "EA"), "EA");
    assert_string_equal(norm(&a, ""), "");
}

static void read_refused(const char *sfns_json, const char *prefix)
{
    sfns_catalog cat;
    hs_ctx *ctx = sfns_test_ctx(sfns_json);
    assert_non_null(ctx);
    assert_int_equal(sfns_catalog_read(ctx, &cat), HS_ERR_FAILED);
    assert_string_equal(sfns_test_failure_code(ctx), "invalid_setting");
    if (strncmp(sfns_test_failure(ctx), prefix, strlen(prefix)) != 0)
        fail_msg("settings %s: expected a message starting\n  %s\ngot\n  %s", sfns_json, prefix,
                 sfns_test_failure(ctx));
}

static void test_invalid_settings(void **state)
{
    (void)state;
    read_refused("{\"catalog\": []}", "settings.sfns.catalog: must be an object, got an array");
    read_refused("{\"catalog\": {\"normalize\": {}}}",
                 "settings.sfns.catalog: unknown key \"normalize\"");
    read_refused("{\"catalog\": {\"normalise\": {\"case\": \"title\"}}}",
                 "settings.sfns.catalog.normalise.case: \"title\" is not one of \"upper\", "
                 "\"lower\", \"exact\"");
    read_refused("{\"catalog\": {\"normalise\": {\"stripPrefixes\": \"SF-\"}}}",
                 "settings.sfns.catalog.normalise.stripPrefixes: must be an array");
    read_refused("{\"catalog\": {\"normalise\": {\"stripSuffixes\": [\"-\"]}}}",
                 "settings.sfns.catalog.normalise.stripSuffixes: element 0 must be text that the "
                 "rules leave non-empty");
    read_refused("{\"catalog\": {\"normalise\": {\"stripLeadingZeros\": \"yes\"}}}",
                 "settings.sfns.catalog.normalise.stripLeadingZeros: must be true or false");
    read_refused("{\"catalog\": {\"items\": {\"PB-762\": \"10\", \"pb 762\": \"11\"}}}",
                 "settings.sfns.catalog.items: \"PB-762\" and \"pb 762\" both normalise to "
                 "\"PB762\", so the SKU rules cannot tell them apart");
    read_refused("{\"catalog\": {\"items\": {\"PB-762\": [10]}}}",
                 "settings.sfns.catalog.items: the value of \"PB-762\" must be a non-empty string "
                 "or an integer");
    read_refused("{\"catalog\": {\"items\": {\"--\": \"1\"}}}",
                 "settings.sfns.catalog.items: key \"--\" is empty once normalised");
    read_refused("{\"catalog\": {\"map\": {\"KIT-3\": \"7\"}, \"bundles\": {\"kit3\": "
                 "{\"components\": [{\"item\": \"1\"}]}}}}",
                 "settings.sfns.catalog.bundles: \"kit3\" is also in settings.sfns.catalog.map "
                 "(as \"KIT-3\")");
    read_refused("{\"catalog\": {\"bundles\": {\"KIT\": []}}}",
                 "settings.sfns.catalog.bundles.KIT: must be an object, got an array");
    read_refused("{\"catalog\": {\"bundles\": {\"KIT\": {\"items\": []}}}}",
                 "settings.sfns.catalog.bundles.KIT: unknown key \"items\"");
    read_refused("{\"catalog\": {\"bundles\": {\"KIT\": {\"components\": []}}}}",
                 "settings.sfns.catalog.bundles.KIT.components: is required: a non-empty array");
    read_refused("{\"catalog\": {\"bundles\": {\"KIT\": {\"components\": [{\"quantity\": 2}]}}}}",
                 "settings.sfns.catalog.bundles.KIT.components[0].item: is required");
    read_refused("{\"catalog\": {\"bundles\": {\"KIT\": {\"components\": [{\"item\": \"1\"}, "
                 "{\"item\": \"2\", \"quantity\": 0}]}}}}",
                 "settings.sfns.catalog.bundles.KIT.components[1].quantity: must be above zero");
    read_refused("{\"catalog\": {\"bundles\": {\"KIT\": {\"components\": [{\"item\": \"1\", "
                 "\"weight\": -1}]}}}}",
                 "settings.sfns.catalog.bundles.KIT.components[0].weight: must be zero or above");
    read_refused("{\"catalog\": {\"bundles\": {\"KIT\": {\"components\": [{\"item\": \"1\", "
                 "\"weight\": \"heavy\"}]}}}}",
                 "settings.sfns.catalog.bundles.KIT.components[0].weight: must be a decimal");
    read_refused("{\"catalog\": {\"bundles\": {\"KIT\": {\"components\": [{\"item\": \"1\", "
                 "\"weight\": 0}, {\"item\": \"2\", \"weight\": 0}]}}}}",
                 "settings.sfns.catalog.bundles.KIT.components: weights are all zero");
    read_refused("{\"catalog\": {\"bundles\": {\"KIT\": {\"components\": [{\"item\": \"1\", "
                 "\"qty\": 2}]}}}}",
                 "settings.sfns.catalog.bundles.KIT.components[0]: unknown key \"qty\"");
    read_refused("{\"catalog\": {\"bundles\": {\"KIT-1\": {\"components\": [{\"item\": 1}]}, "
                 "\"kit1\": {\"components\": [{\"item\": 2}]}}}}",
                 "settings.sfns.catalog.bundles: \"KIT-1\" and \"kit1\" both normalise");
    read_refused("{\"catalog\": {\"itemIdField\": \"\"}}",
                 "settings.sfns.catalog.itemIdField: must name a field");
    read_refused("{\"catalog\": {\"roundingItem\": 1.5}}",
                 "settings.sfns.catalog.roundingItem: must be a non-empty string or an integer");
}

static const char *CATALOG =
    "{\"catalog\": {\"normalise\": {\"stripPrefixes\": [\"SF-\"], \"stripLeadingZeros\": true},"
    " \"items\": {\"PB762GH\": \"1043\", \"Hardware : ONETIME\": 17, \"0099\": \"99\"},"
    " \"map\": {\"LEGACY-7\": \"1043\", \"PB-0163JU\": \"2001\"},"
    " \"bundles\": {\"starter-kit\": {\"components\": ["
    "   {\"item\": \"11\", \"quantity\": 2, \"weight\": 3, \"description\": \"Hub\"},"
    "   {\"item\": 12, \"weight\": \"1.5\"}]}},"
    " \"itemIdField\": \"NetSuite_Id__c\", \"roundingItem\": \"900\"}}";

static sfns_item_kind resolve(hs_ctx *ctx, const sfns_catalog *cat, const char *code,
                              const char *id, sfns_item_match *m)
{
    return sfns_catalog_resolve(ctx, cat, code, id, m);
}

static void test_resolve(void **state)
{
    (void)state;
    sfns_catalog cat;
    sfns_item_match m;
    hs_ctx *ctx = sfns_test_ctx(CATALOG);
    if (sfns_catalog_read(ctx, &cat) != HS_OK)
        fail_msg("refused: %s", sfns_test_failure(ctx));
    assert_string_equal(cat.product_code_field, "ProductCode");
    assert_string_equal(cat.item_id_field, "NetSuite_Id__c");
    assert_string_equal(cat.rounding_item, "900");
    /* Item names through the rules. */
    assert_int_equal(resolve(ctx, &cat, "pb-762gh", NULL, &m), SFNS_ITEM);
    assert_string_equal(m.item, "1043");
    assert_string_equal(m.via, "items");
    assert_string_equal(m.key, "PB762GH");
    assert_int_equal(resolve(ctx, &cat, "SF-OneTime", NULL, &m), SFNS_ITEM);
    assert_string_equal(m.item, "17");
    assert_int_equal(resolve(ctx, &cat, "99", NULL, &m), SFNS_ITEM);
    assert_string_equal(m.item, "99");
    /* The explicit map wins over the rules and over a stored id. */
    assert_int_equal(resolve(ctx, &cat, "legacy_7", "555", &m), SFNS_ITEM);
    assert_string_equal(m.item, "1043");
    assert_string_equal(m.via, "map");
    assert_int_equal(resolve(ctx, &cat, "PB0163JU", NULL, &m), SFNS_ITEM);
    assert_string_equal(m.item, "2001");
    /* A stored NetSuite id wins over the item names, and needs no code. */
    assert_int_equal(resolve(ctx, &cat, "PB762GH", "555", &m), SFNS_ITEM);
    assert_string_equal(m.item, "555");
    assert_string_equal(m.via, "itemIdField");
    assert_int_equal(resolve(ctx, &cat, NULL, "556", &m), SFNS_ITEM);
    assert_string_equal(m.item, "556");
    /* Bundles first of all. */
    assert_int_equal(resolve(ctx, &cat, "Starter Kit", "555", &m), SFNS_ITEM_BUNDLE);
    assert_string_equal(m.via, "bundles");
    assert_string_equal(m.bundle->code, "starter-kit");
    assert_int_equal(m.bundle->n, 2);
    assert_string_equal(m.bundle->components[0].item, "11");
    assert_string_equal(m.bundle->components[0].description, "Hub");
    assert_int_equal(sdk_api()->decimal_cmp(m.bundle->components[0].quantity, HS_DECIMAL(2, 0)), 0);
    assert_string_equal(m.bundle->components[1].item, "12");
    assert_int_equal(sdk_api()->decimal_cmp(m.bundle->components[1].quantity, HS_DECIMAL(1, 0)), 0);
    assert_int_equal(sdk_api()->decimal_cmp(m.bundle->components[1].weight, HS_DECIMAL(15, 1)), 0);
    assert_null(m.bundle->components[1].description);
    /* Nothing matches. */
    assert_int_equal(resolve(ctx, &cat, "ZZ-404", NULL, &m), SFNS_ITEM_UNMAPPED);
    assert_string_equal(m.key, "ZZ404");
    assert_int_equal(resolve(ctx, &cat, NULL, NULL, &m), SFNS_ITEM_UNMAPPED);
    assert_null(m.key);
    /* An empty catalog maps nothing. */
    ctx = sfns_test_ctx(NULL);
    assert_int_equal(sfns_catalog_read(ctx, &cat), HS_OK);
    assert_int_equal(resolve(ctx, &cat, "PB762GH", NULL, &m), SFNS_ITEM_UNMAPPED);
    assert_null(cat.item_id_field);
    assert_null(cat.rounding_item);
}

/* The real sample products' codes: listed in NetSuite with other separators and case, each
 * resolves to its own item. */
static void test_sample_product_codes(void **state)
{
    (void)state;
    const char *dir = getenv("HS_SHARED_DIR");
    if (dir == NULL)
        dir = "../shared";
    static const char *const files[] = {"data/sm-quickstart/Product2-template.json",
                                        "data/sm-dev-preview/Product2-template.json"};
    char settings[8192] = "{\"catalog\": {\"items\": {";
    const char *codes[64];
    size_t n = 0;
    cJSON *roots[2];
    for (size_t f = 0; f < 2; f++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, files[f]);
        FILE *fp = fopen(path, "rb");
        if (fp == NULL)
            fail_msg("cannot read %s", path);
        char buf[65536];
        size_t len = fread(buf, 1, sizeof(buf) - 1, fp);
        fclose(fp);
        buf[len] = '\0';
        roots[f] = cJSON_Parse(buf);
        assert_non_null(roots[f]);
        const cJSON *rec;
        cJSON_ArrayForEach(rec, cJSON_GetObjectItem(roots[f], "records"))
        {
            const char *code = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "ProductCode"));
            int seen = 0;
            for (size_t i = 0; code && i < n; i++)
                seen |= strcmp(codes[i], code) == 0;
            if (code == NULL || seen)
                continue;
            assert_true(n < 64);
            codes[n] = code;
            /* NetSuite's spelling: lower case, '-' written as '_', as a sub-item. */
            char ns[128];
            size_t k = 0;
            for (const char *c = code; *c && k < sizeof(ns) - 1; c++)
                ns[k++] = *c == '-' ? '_' : (*c >= 'A' && *c <= 'Z') ? (char)(*c + 32) : *c;
            ns[k] = '\0';
            size_t used = strlen(settings);
            snprintf(settings + used, sizeof(settings) - used, "%s\"Products : %s\": \"%zu\"",
                     n ? ", " : "", ns, 100 + n);
            n++;
        }
    }
    assert_true(n >= 5);
    strcat(settings, "}}}");
    sfns_catalog cat;
    hs_ctx *ctx = sfns_test_ctx(settings);
    if (sfns_catalog_read(ctx, &cat) != HS_OK)
        fail_msg("refused: %s", sfns_test_failure(ctx));
    for (size_t i = 0; i < n; i++) {
        sfns_item_match m;
        char want[16];
        snprintf(want, sizeof(want), "%zu", 100 + i);
        assert_int_equal(sfns_catalog_resolve(ctx, &cat, codes[i], NULL, &m), SFNS_ITEM);
        assert_string_equal(m.item, want);
    }
    cJSON_Delete(roots[0]);
    cJSON_Delete(roots[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalise),
        cmocka_unit_test(test_invalid_settings),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_sample_product_codes),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    sfns_test_done();
    return rc;
}
