/* test_catmatch.c — the catalog matcher (lib/sfns_catalog/catmatch.h) case by case: the order of
 * the ways a proposal is found, price evidence at the tolerance's edge, each conflict, bundles
 * (members checked, a catalog bundle proposed with price weights), and reviewers' decisions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catmatch.h"

static struct catmatch_set *new_set(void)
{
    struct catmatch_options o;
    catmatch_options_default(&o);
    struct catmatch_set *s = catmatch_new(&o);
    assert_non_null(s);
    return s;
}

static long item(struct catmatch_set *s, const char *id, const char *itemid, const char *name,
                 const char *cur, double price)
{
    struct catmatch_price p = {"", price};
    if (cur)
        memcpy(p.currency, cur, 4);
    struct catmatch_item it = {.id = id, .itemid = itemid, .name = name};
    if (cur) {
        it.prices = &p;
        it.nprices = 1;
    }
    long i = catmatch_add_item(s, &it);
    assert_true(i >= 0);
    return i;
}

static long product(struct catmatch_set *s, const char *id, const char *code, const char *name,
                    const char *cur, double price)
{
    struct catmatch_price p = {"", price};
    if (cur)
        memcpy(p.currency, cur, 4);
    struct catmatch_product pr = {.id = id, .code = code, .name = name};
    if (cur) {
        pr.prices = &p;
        pr.nprices = 1;
    }
    long i = catmatch_add_product(s, &pr);
    assert_true(i >= 0);
    return i;
}

static void test_methods_in_order(void **state)
{
    (void)state;
    struct catmatch_set *s = new_set();
    item(s, "1", "Parent : AB-1", "Alpha", NULL, 0);
    item(s, "2", "cd 2", "Charlie delta", NULL, 0);
    item(s, "3", "OTHER", "Echo foxtrot golf", NULL, 0);
    struct catmatch_product stored = {.id = "P0", .code = "ZZZ", .stored_item = "3"};
    assert_int_equal(catmatch_add_product(s, &stored), 0);
    product(s, "P1", "AB-1", NULL, NULL, 0);                 /* exact (after the parent) */
    product(s, "P2", "CD-2", NULL, NULL, 0);                 /* rules */
    product(s, "P3", "NEW-9", "Foxtrot echo golf", NULL, 0); /* name */
    product(s, "P4", "MAPPED", NULL, NULL, 0);               /* settings map */
    product(s, "P5", "NOPE", "Nothing alike", NULL, 0);
    assert_int_equal(catmatch_add_map(s, "mapped", "2"), CATMATCH_OK);
    assert_int_equal(catmatch_run(s, NULL, NULL), CATMATCH_OK);
    const enum catmatch_method want[] = {CATMATCH_M_STORED_ID,    CATMATCH_M_EXACT,
                                         CATMATCH_M_RULES,        CATMATCH_M_NAME,
                                         CATMATCH_M_SETTINGS_MAP, CATMATCH_M_NONE};
    const long items[] = {2, 0, 1, 2, 1, -1};
    for (size_t i = 0; i < 6; i++) {
        const struct catmatch_proposal *p = catmatch_proposal(s, i);
        assert_int_equal(p->method, want[i]);
        assert_int_equal(p->item, items[i]);
    }
    /* P3 is found by name only: reviewed, even with a perfect name. */
    assert_int_equal(catmatch_proposal(s, 3)->status, CATMATCH_REVIEW);
    assert_int_equal(catmatch_proposal(s, 5)->status, CATMATCH_UNMATCHED);
    /* Items 2 and 3 are each proposed twice. */
    assert_true(catmatch_proposal(s, 0)->conflicts & CATMATCH_C_SHARED_ITEM);
    assert_true(catmatch_proposal(s, 4)->conflicts & CATMATCH_C_SHARED_ITEM);
    assert_non_null(strstr(catmatch_proposal(s, 2)->evidence, "both normalise to \"CD2\""));
    catmatch_free(s);
}

static void test_price_tolerance_edge(void **state)
{
    (void)state;
    struct catmatch_set *s = new_set();
    item(s, "1", "A", NULL, "USD", 100);
    item(s, "2", "B", NULL, "USD", 100);
    item(s, "3", "C", NULL, "EUR", 100);
    product(s, "P1", "A", NULL, "USD", 101);   /* 0.99% apart: agrees */
    product(s, "P2", "B", NULL, "USD", 101.2); /* 1.19%: a conflict */
    product(s, "P3", "C", NULL, "USD", 100);   /* no EUR in Salesforce, no USD in NetSuite */
    assert_int_equal(catmatch_run(s, NULL, NULL), CATMATCH_OK);
    assert_int_equal(catmatch_proposal(s, 0)->conflicts, 0);
    assert_int_equal(catmatch_proposal(s, 0)->status, CATMATCH_ACCEPTED);
    assert_true(catmatch_proposal(s, 0)->confidence > 0.98);
    assert_int_equal(catmatch_proposal(s, 1)->conflicts, CATMATCH_C_PRICE);
    assert_int_equal(catmatch_proposal(s, 2)->conflicts, CATMATCH_C_CURRENCY);
    assert_non_null(strstr(catmatch_proposal(s, 2)->conflict_text, "in USD"));
    catmatch_free(s);
}

static void test_several_and_duplicates(void **state)
{
    (void)state;
    struct catmatch_set *s = new_set();
    item(s, "1", "X-1", NULL, "USD", 10);
    item(s, "2", "x 1", NULL, "USD", 10);
    item(s, "3", "Y-1", NULL, "USD", 10);
    item(s, "4", "y.1", NULL, "USD", 15);
    product(s, "P1", "X1", NULL, "USD", 10); /* both agree on price: several */
    product(s, "P2", "Y1", NULL, "USD", 10); /* only item 3 agrees: no conflict */
    product(s, "P3", "Z-9", NULL, NULL, 0);
    product(s, "P4", "z9", NULL, NULL, 0); /* same key as P3 */
    assert_int_equal(catmatch_run(s, NULL, NULL), CATMATCH_OK);
    const struct catmatch_proposal *p = catmatch_proposal(s, 0);
    assert_true(p->conflicts & CATMATCH_C_SEVERAL);
    assert_int_equal(p->ncandidates, 2);
    assert_int_equal(catmatch_proposal(s, 1)->item, 2);
    assert_int_equal(catmatch_proposal(s, 1)->conflicts, 0);
    assert_true(catmatch_proposal(s, 2)->conflicts & CATMATCH_C_DUPLICATE_CODE);
    assert_true(catmatch_proposal(s, 3)->conflicts & CATMATCH_C_DUPLICATE_CODE);
    catmatch_free(s);
}

static void test_bundles(void **state)
{
    (void)state;
    struct catmatch_set *s = new_set();
    item(s, "1", "A", NULL, NULL, 0);
    item(s, "2", "B", NULL, NULL, 0);
    struct catmatch_member m[] = {{"1", 1}, {"2", 1}};
    struct catmatch_item kit = {
        .id = "9", .itemid = "KIT", .type = CATMATCH_ITEM_KIT, .members = m, .nmembers = 2};
    assert_int_equal(catmatch_add_item(s, &kit), 2);
    product(s, "PA", "A", NULL, "USD", 30);
    product(s, "PB", "B", NULL, "USD", 10);
    long k = product(s, "PK", "KIT", NULL, NULL, 0);
    long b = product(s, "PN", "NEWBUNDLE", NULL, "USD", 50);
    assert_int_equal(catmatch_add_component(s, (size_t)k, 0, 1), CATMATCH_OK);
    assert_int_equal(catmatch_add_component(s, (size_t)k, 1, 2), CATMATCH_OK); /* kit has 1 */
    assert_int_equal(catmatch_add_component(s, (size_t)b, 0, 1), CATMATCH_OK);
    assert_int_equal(catmatch_add_component(s, (size_t)b, 1, 2), CATMATCH_OK);
    assert_int_equal(catmatch_add_component(s, (size_t)b, (size_t)b, 1), CATMATCH_EINVAL);
    assert_int_equal(catmatch_run(s, NULL, NULL), CATMATCH_OK);
    const struct catmatch_proposal *pk = catmatch_proposal(s, (size_t)k);
    assert_int_equal(pk->conflicts, CATMATCH_C_BUNDLE);
    assert_non_null(strstr(pk->conflict_text, "quantity 2 in Salesforce, 1 in NetSuite 9"));
    const struct catmatch_proposal *pn = catmatch_proposal(s, (size_t)b);
    assert_int_equal(pn->method, CATMATCH_M_BUNDLE);
    assert_int_equal(pn->nparts, 2);
    /* weights: list price x quantity (30 x 1, 10 x 2) */
    assert_true(pn->parts[0].weight == 30 && pn->parts[1].weight == 20);
    assert_int_equal(pn->status, CATMATCH_REVIEW);
    catmatch_free(s);
}

/* A name that shares its rare model word with one item and its moderately rare extra words with
 * hundreds of others: the candidates are ranked by partial similarity, so the one item is
 * scored (ranked by shared weight alone it fell out of the 16 scored and a decoy was proposed;
 * found by the 25,000-product benchmark). */
static void test_name_rare_word_wins(void **state)
{
    (void)state;
    struct catmatch_set *s = new_set();
    char id[32], name[64];
    unsigned n = 0;
    for (unsigned k = 0; k < 19000; k++, n++) {
        snprintf(id, sizeof(id), "%u", n);
        snprintf(name, sizeof(name), "Filler F%u", k);
        item(s, id, NULL, name, NULL, 0);
    }
    for (unsigned k = 0; k < 2000; k++, n++) {
        snprintf(id, sizeof(id), "%u", n);
        snprintf(name, sizeof(name), "Annual Monitor A%u", k);
        item(s, id, NULL, name, NULL, 0);
    }
    for (unsigned k = 0; k < 600; k++, n++) {
        snprintf(id, sizeof(id), "%u", n);
        snprintf(name, sizeof(name), "Annual Monitor D%u O'Neil Edition", k);
        item(s, id, NULL, name, NULL, 0);
    }
    long truth = item(s, "TRUE", NULL, "Monitor MTRUE Annual", NULL, 0);
    product(s, "P1", "NO-SUCH-CODE", "Annual Monitor MTRUE O'Neil Edition", NULL, 0);
    assert_int_equal(catmatch_run(s, NULL, NULL), CATMATCH_OK);
    const struct catmatch_proposal *p = catmatch_proposal(s, 0);
    assert_int_equal(p->method, CATMATCH_M_NAME);
    assert_int_equal(p->item, truth);
    catmatch_free(s);
}

static void test_decisions(void **state)
{
    (void)state;
    struct catmatch_set *s = new_set();
    item(s, "1", "A", NULL, NULL, 0);
    product(s, "P1", "NOTHING", NULL, NULL, 0);
    product(s, "P2", "A", NULL, NULL, 0);
    assert_int_equal(catmatch_decide(s, 0, CATMATCH_DECIDE_REJECT, 0),
                     CATMATCH_EINVAL); /* not run */
    assert_int_equal(catmatch_run(s, NULL, NULL), CATMATCH_OK);
    assert_int_equal(catmatch_decide(s, 0, CATMATCH_DECIDE_ACCEPT, 0), CATMATCH_EINVAL);
    assert_int_equal(catmatch_decide(s, 0, CATMATCH_DECIDE_MAP, 7), CATMATCH_EINVAL);
    assert_int_equal(catmatch_decide(s, 0, CATMATCH_DECIDE_MAP, 0), CATMATCH_OK);
    assert_int_equal(catmatch_proposal(s, 0)->status, CATMATCH_ACCEPTED);
    assert_int_equal(catmatch_proposal(s, 0)->method, CATMATCH_M_DECIDED);
    assert_int_equal(catmatch_decide(s, 1, CATMATCH_DECIDE_REJECT, 0), CATMATCH_OK);
    assert_int_equal(catmatch_proposal(s, 1)->status, CATMATCH_REJECTED);
    assert_non_null(strstr(catmatch_proposal(s, 1)->evidence, "rejected"));
    assert_int_equal(catmatch_find_product(s, "NOTHING"), 0);
    assert_int_equal(catmatch_find_product(s, "P2"), 1);
    assert_int_equal(catmatch_find_item(s, "2"), -1);
    assert_int_equal(catmatch_add_product(s, &(struct catmatch_product){.id = "late"}),
                     CATMATCH_EINVAL);
    catmatch_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_methods_in_order),       cmocka_unit_test(test_price_tolerance_edge),
        cmocka_unit_test(test_several_and_duplicates), cmocka_unit_test(test_bundles),
        cmocka_unit_test(test_name_rare_word_wins),    cmocka_unit_test(test_decisions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
