/* test_sfns_results.c — how sfnsSalesOrderResult reads NetSuite's errors: the reference an error
 * message names (hooks/sfns/sfns_nserror.c), the settings of settings.sfns.results with the error
 * rules (sfns_results_conf.c: the defaults for each meaning, custom rules first, every invalid
 * rule refused naming it), and the actionable message for each meaning (sfns_results_errors.c:
 * the item's line and the product code the catalog maps to it, the customer, the order date, the
 * credit hold, a duplicate skipped), through the runner's real API table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../hooks/sfns/sfns_nserror.h"
#include "../../hooks/sfns/sfns_results.h"
#include "unit/sfns_test_ctx.h"

/* ---- the reference a message names ---------------------------------------------------------- */

static void expect_ref_at(int line, const char *msg, const char *field, const char *key)
{
    sfns_span f, k;
    int found = sfns_nserror_reference(msg, strlen(msg), &f, &k);
    char fb[128] = "", kb[128] = "";
    snprintf(fb, sizeof(fb), "%.*s", (int)f.len, f.p ? f.p : "");
    snprintf(kb, sizeof(kb), "%.*s", (int)k.len, k.p ? k.p : "");
    if (found != (key != NULL) || strcmp(fb, field ? field : "") != 0 ||
        strcmp(kb, key ? key : "") != 0)
        fail_msg("line %d: \"%s\" gave %d field \"%s\" key \"%s\"", line, msg, found, fb, kb);
}
#define expect_ref(m, f, k) expect_ref_at(__LINE__, m, f, k)

static void test_reference_in_message(void **state)
{
    (void)state;
    expect_ref("Invalid item reference key 1234 for subsidiary 2.", "item", "1234");
    expect_ref("Invalid item reference key 88231 for order R628489275", "item", "88231");
    expect_ref("Invalid customer reference key 99999.", "customer", "99999");
    expect_ref("Invalid custrecord_region reference key 12345", "custrecord_region", "12345");
    expect_ref("INVALID ENTITY REFERENCE KEY \"0015g00000Q1w2EAAR\".", "ENTITY",
               "0015g00000Q1w2EAAR");
    expect_ref("Invalid reference key 7.", NULL, "7");
    expect_ref("You have entered an Invalid Field Value Net 30 for the following field: terms",
               "terms", "Net 30");
    expect_ref("You have entered an Invalid Field Value 'GEN-1000' for the following field: item.",
               "item", "GEN-1000");
    expect_ref("Invalid Field Value 42", NULL, "42");
    /* White space inside quotes is not part of the value (found by fuzz_sfns_nserror). */
    expect_ref("Invalid Field Value ' Net 60 ' for the following field: terms", "terms", "Net 60");
    expect_ref("Invalid item reference key", NULL, NULL);
    expect_ref("Invalid item reference key ...", NULL, NULL);
    expect_ref("Please enter value(s) for: Item", NULL, NULL);
    expect_ref("", NULL, NULL);
    /* Only the given bytes are read: a key cut by the length ends there. */
    sfns_span f, k;
    const char *m = "Invalid item reference key 123456";
    assert_int_equal(sfns_nserror_reference(m, strlen(m) - 3, &f, &k), 1);
    assert_int_equal(k.len, 3);
    assert_memory_equal(k.p, "123", 3);
    assert_true(sfns_contains_nocase("The Period Is Closed", 20, "period is closed"));
    assert_false(sfns_contains_nocase("The Period Is Closed", 19, "period is closed"));
    assert_true(sfns_contains_nocase("x", 1, ""));
    assert_false(sfns_contains_nocase(NULL, 0, "a"));
}

/* ---- settings and rules --------------------------------------------------------------------- */

static sfns_results read_ok(hs_ctx *ctx)
{
    sfns_results r;
    if (sfns_results_read(ctx, &r) != HS_OK)
        fail_msg("settings refused: %s", sfns_test_failure(ctx));
    return r;
}

static const char *kind_of(const sfns_results *r, const char *code, const char *message)
{
    const sfns_error_rule *rule = sfns_results_match(r, code, message);
    return rule ? sfns_error_kind_names[rule->kind] : "none";
}

static void test_default_rules(void **state)
{
    (void)state;
    hs_ctx *ctx = sfns_test_ctx(NULL);
    sfns_results r = read_ok(ctx);
    assert_string_equal(r.netsuite_id_field, "NetSuite_Id__c");
    assert_string_equal(r.number_field, "NetSuite_Sales_Order__c");
    assert_string_equal(r.sync_error_field, "NetSuite_Sync_Error__c");
    assert_int_equal(r.sync_error_length, 255);
    assert_string_equal(r.result_key, "sfns");
    assert_string_equal(kind_of(&r, "DUP_RCRD", "This record already exists"), "duplicate");
    assert_string_equal(kind_of(&r, "dup_record", NULL), "duplicate");
    assert_string_equal(
        kind_of(&r, "USER_ERROR", "A sales order with the same External ID already exists."),
        "duplicate");
    assert_string_equal(
        kind_of(&r, "INVALID_KEY_OR_REF", "Invalid item reference key 1234 for subsidiary 2."),
        "unknown_item");
    assert_string_equal(kind_of(&r, "USER_ERROR", "Invalid item reference key GX-1."),
                        "unknown_item");
    assert_string_equal(kind_of(&r, "INVALID_KEY_OR_REF", "Invalid entity reference key 12."),
                        "unknown_reference");
    assert_string_equal(kind_of(&r, "INVALID_FLD_VALUE",
                                "You have entered an Invalid Field Value 9 for the following "
                                "field: currency"),
                        "unknown_reference");
    assert_string_equal(kind_of(&r, "CLOSED_TRAN_PRD", "x"), "closed_period");
    assert_string_equal(
        kind_of(&r, "USER_ERROR", "The transaction date you specified is within a closed period."),
        "closed_period");
    assert_string_equal(kind_of(&r, NULL, "Posting period is locked"), "closed_period");
    assert_string_equal(kind_of(&r, "BALANCE_EXCEEDS_CREDIT_LIMIT", NULL), "credit_hold");
    assert_string_equal(kind_of(&r, "USER_ERROR", "Customer Harbor Freight is on Credit Hold."),
                        "credit_hold");
    assert_string_equal(kind_of(&r, "USER_ERROR", "This order exceeds the customer's credit limit"),
                        "credit_hold");
    assert_string_equal(kind_of(&r, "USER_ERROR", "Please enter value(s) for: Item"), "none");
    assert_string_equal(kind_of(&r, NULL, NULL), "none");
}

static void test_custom_rules(void **state)
{
    (void)state;
    hs_ctx *ctx = sfns_test_ctx(
        "{\"results\": {\"errorRules\": [{\"codes\": [\"USER_ERROR\"], \"messageContains\": "
        "[\"enter value(s) for: Item\", \"no items\"], \"kind\": \"other\", \"advice\": \"Add "
        "products to the Opportunity.\"}, {\"codes\": [\"CUST_HOLD\"], \"kind\": "
        "\"credit_hold\"}], \"netsuiteIdField\": false, \"transactionNumberField\": \"SO__c\", "
        "\"syncErrorLength\": 40, \"transactionNumberPaths\": [\"record.tranid\"], "
        "\"resultKey\": \"out\"}}");
    sfns_results r = read_ok(ctx);
    assert_null(r.netsuite_id_field);
    assert_string_equal(r.number_field, "SO__c");
    assert_int_equal(r.sync_error_length, 40);
    assert_int_equal(r.number_paths.n, 1);
    assert_string_equal(r.result_key, "out");
    const sfns_error_rule *rule =
        sfns_results_match(&r, "user_error", "Please ENTER value(s) for: Item");
    assert_non_null(rule);
    assert_int_equal(rule->kind, SFNS_ERR_OTHER);
    assert_string_equal(rule->advice, "Add products to the Opportunity.");
    assert_string_equal(kind_of(&r, "CUST_HOLD", "anything"), "credit_hold");
    /* The code must match as well as the message. */
    assert_string_equal(kind_of(&r, "OTHER", "Please enter value(s) for: Item"), "none");
    /* The defaults still follow. */
    assert_string_equal(kind_of(&r, "DUP_RCRD", NULL), "duplicate");

    ctx = sfns_test_ctx("{\"results\": {\"defaultErrorRules\": false, \"errorRules\": "
                        "[{\"kind\": \"other\", \"advice\": \"Call finance.\"}]}}");
    r = read_ok(ctx);
    assert_int_equal(r.nrules, 1);
    assert_string_equal(kind_of(&r, "DUP_RCRD", NULL), "other"); /* a catch-all */
    ctx = sfns_test_ctx("{\"results\": {\"defaultErrorRules\": false}}");
    r = read_ok(ctx);
    assert_string_equal(kind_of(&r, "DUP_RCRD", NULL), "none");
}

static void refused_at(int line, const char *settings, const char *path, const char *part)
{
    hs_ctx *ctx = sfns_test_ctx(settings);
    sfns_results r;
    if (sfns_results_read(ctx, &r) != HS_ERR_FAILED)
        fail_msg("line %d: settings %s were accepted", line, settings);
    const char *msg = sfns_test_failure(ctx);
    assert_string_equal(sfns_test_failure_code(ctx), "invalid_setting");
    if (strncmp(msg, path, strlen(path)) != 0 || !strstr(msg, part))
        fail_msg("line %d: message \"%s\", want %s ... \"%s\"", line, msg, path, part);
}
#define refused(s, path, part) refused_at(__LINE__, s, path, part)

static void test_invalid_settings(void **state)
{
    (void)state;
    refused("{\"results\": {\"netsuiteId\": \"X\"}}",
            "settings.sfns.results:", "unknown key \"netsuiteId\"");
    refused("{\"results\": {\"netsuiteIdField\": true}}",
            "settings.sfns.results.netsuiteIdField:", "a field name, or false");
    refused("{\"results\": {\"syncErrorField\": \"\"}}",
            "settings.sfns.results.syncErrorField:", "must name a field");
    refused("{\"results\": {\"syncErrorLength\": 5}}",
            "settings.sfns.results.syncErrorLength:", "from 20 to 131072");
    refused("{\"results\": {\"transactionNumberPaths\": \"tranid\"}}",
            "settings.sfns.results.transactionNumberPaths:", "array of strings");
    refused("{\"results\": {\"resultKey\": \"\"}}",
            "settings.sfns.results.resultKey:", "non-empty");
    refused("{\"results\": {\"errorRules\": {\"kind\": \"other\"}}}",
            "settings.sfns.results.errorRules:", "must be an array of rules, got an object");
    refused("{\"results\": {\"errorRules\": [\"DUP\"]}}",
            "settings.sfns.results.errorRules[0]:", "must be an object");
    refused("{\"results\": {\"errorRules\": [{\"kind\": \"other\"}, {\"codes\": [\"X\"]}]}}",
            "settings.sfns.results.errorRules[1].kind:", "is required");
    refused("{\"results\": {\"errorRules\": [{\"kind\": \"unknown\"}]}}",
            "settings.sfns.results.errorRules[0].kind:",
            "\"unknown\" is not one of \"unknown_item\", \"unknown_reference\"");
    refused("{\"results\": {\"errorRules\": [{\"kind\": \"other\", \"code\": [\"X\"]}]}}",
            "settings.sfns.results.errorRules[0]:", "unknown key \"code\"");
    refused("{\"results\": {\"errorRules\": [{\"kind\": \"other\", \"messageContains\": \"x\"}]}}",
            "settings.sfns.results.errorRules[0].messageContains:", "array of strings");
    refused("{\"results\": {\"errorRules\": [{\"kind\": \"other\", \"advice\": 3}]}}",
            "settings.sfns.results.errorRules[0].advice:", "must be a string");
    refused("{\"results\": {\"defaultErrorRules\": \"no\"}}",
            "settings.sfns.results.defaultErrorRules:", "true or false");
}

/* ---- messages ------------------------------------------------------------------------------- */

#define ORDER                                                                                      \
    "{\"externalid\": \"0065g00000AbCdEAAV\", \"recordType\": \"salesorder\", \"entity\": "        \
    "\"0015g00000Q1w2EAAR\", \"trandate\": \"3/31/2024\", \"item\": [{\"item\": \"41\", "          \
    "\"description\": \"Install\"}, {\"item\": {\"internalId\": \"1234\", \"name\": \"GX\"}, "     \
    "\"description\": \"Generator GX-100\"}, {\"item\": 1234}]}"

static const char *message(const char *settings, sfns_error_kind kind, const char *advice,
                           const char *code, const char *text)
{
    hs_ctx *ctx = sfns_test_ctx(settings);
    sfns_result_facts f = {.label = "Opportunity 0065g00000AbCdEAAV",
                           .record_word = "sales order",
                           .submitted = sfns_test_value(ORDER)};
    const char *m = sfns_results_message(ctx, &f, kind, advice, code, text);
    assert_non_null(m);
    return m;
}

static void has_at(int line, const char *m, const char *part)
{
    if (strstr(m, part) == NULL)
        fail_msg("line %d: \"%s\" lacks \"%s\"", line, m, part);
}
#define has(m, part) has_at(__LINE__, m, part)

static void test_unknown_item_message(void **state)
{
    (void)state;
    const char *m = message("{\"catalog\": {\"map\": {\"GEN-1000\": \"1234\", \"GEN-2000\": 77}}}",
                            SFNS_ERR_UNKNOWN_ITEM, NULL, "INVALID_KEY_OR_REF",
                            "Invalid item reference key 1234 for subsidiary 2.");
    has(m, "Opportunity 0065g00000AbCdEAAV: NetSuite has no item 1234 (INVALID_KEY_OR_REF: "
           "Invalid item reference key 1234 for subsidiary 2.).");
    has(m, "The sales order names it on lines 2 (\"Generator GX-100\"), 3.");
    has(m, "It is what settings.sfns.catalog.map gives for product code \"GEN-1000\".");
    has(m, "Map \"GEN-1000\" in settings.sfns.catalog.map to the internal id of an existing "
           "NetSuite item, or create the item in NetSuite, then retry.");
    /* From the item names of the catalog. */
    m = message("{\"catalog\": {\"items\": {\"Generators : GX-100\": 1234}}}",
                SFNS_ERR_UNKNOWN_ITEM, NULL, "INVALID_KEY_OR_REF",
                "Invalid item reference key 1234.");
    has(m, "settings.sfns.catalog.items gives for the item name \"Generators : GX-100\"");
    has(m, "Correct \"Generators : GX-100\" in settings.sfns.catalog.items");
    /* A component of a bundle. */
    m = message("{\"catalog\": {\"bundles\": {\"STARTER-KIT\": {\"components\": [{\"item\": "
                "41}, {\"item\": \"1234\", \"quantity\": 2}]}}}}",
                SFNS_ERR_UNKNOWN_ITEM, NULL, "INVALID_KEY_OR_REF",
                "Invalid item reference key 1234.");
    has(m, "It is a component of the bundle \"STARTER-KIT\" (settings.sfns.catalog.bundles).");
    has(m,
        "Give the component of \"STARTER-KIT\" in settings.sfns.catalog.bundles the internal id");
    /* Nothing in the catalog: where it may come from and where to map it. */
    m = message(NULL, SFNS_ERR_UNKNOWN_ITEM, NULL, "INVALID_KEY_OR_REF",
                "Invalid item reference key 1234.");
    has(m, "No entry of settings.sfns.catalog gives it");
    has(m, "settings.sfns.catalog.map ({\"<product code>\": \"<item internal id>\"})");
    /* An unknown reference of field item is an unknown item. */
    m = message(NULL, SFNS_ERR_UNKNOWN_REFERENCE, NULL, "INVALID_FLD_VALUE",
                "You have entered an Invalid Field Value 41 for the following field: item");
    has(m, "NetSuite has no item 41 (INVALID_FLD_VALUE:");
    has(m, "names it on line 1 (\"Install\").");
    /* No key in the message. */
    m = message(NULL, SFNS_ERR_UNKNOWN_ITEM, NULL, NULL, "Unknown item");
    has(m, "NetSuite does not know an item the sales order names (Unknown item).");
}

static void test_other_messages(void **state)
{
    (void)state;
    const char *m = message(NULL, SFNS_ERR_UNKNOWN_REFERENCE, NULL, "INVALID_KEY_OR_REF",
                            "Invalid entity reference key 0015g00000Q1w2EAAR.");
    has(m, "NetSuite has no customer 0015g00000Q1w2EAAR (INVALID_KEY_OR_REF:");
    has(m, "external id 0015g00000Q1w2EAAR; sync the Account to NetSuite first "
           "(sfnsAccountToCustomer), then retry.");
    m = message(NULL, SFNS_ERR_UNKNOWN_REFERENCE, NULL, "INVALID_FLD_VALUE",
                "You have entered an Invalid Field Value Net 30 for the following field: terms");
    has(m, "NetSuite has no terms Net 30 (");
    has(m, "Check what the sales order's terms field gets");
    m = message(NULL, SFNS_ERR_UNKNOWN_REFERENCE, NULL, "INVALID_KEY_OR_REF", "Invalid reference");
    has(m, "the sales order names a record NetSuite does not know (INVALID_KEY_OR_REF: Invalid "
           "reference).");
    m = message(NULL, SFNS_ERR_CLOSED_PERIOD, NULL, "CLOSED_TRAN_PRD",
                "The accounting period is closed.");
    has(m, "the sales order's date 3/31/2024 falls in an accounting period that is closed in "
           "NetSuite (CLOSED_TRAN_PRD: The accounting period is closed.). Reopen the period");
    m = message(NULL, SFNS_ERR_CREDIT_HOLD, NULL, "USER_ERROR", "Customer is on credit hold.");
    has(m, "NetSuite refused the sales order: the customer 0015g00000Q1w2EAAR is on credit hold "
           "or over its credit limit (USER_ERROR: Customer is on credit hold.). Release the hold");
    m = message(NULL, SFNS_ERR_DUPLICATE, NULL, "DUP_RCRD", "This record already exists");
    has(m, "already created, skipped: NetSuite already has this sales order (external id "
           "0065g00000AbCdEAAV) (DUP_RCRD: This record already exists).");
    m = message(NULL, SFNS_ERR_OTHER, "Add products to the Opportunity.", "USER_ERROR",
                "Please enter value(s) for: Item");
    assert_string_equal(m, "Opportunity 0065g00000AbCdEAAV: NetSuite refused the sales order "
                           "(USER_ERROR: Please enter value(s) for: Item). Add products to the "
                           "Opportunity.");
    /* A rule's advice replaces the kind's own. */
    m = message(NULL, SFNS_ERR_CLOSED_PERIOD, "Ask accounting to reopen March.", "CLOSED_TRAN_PRD",
                NULL);
    has(m, "(CLOSED_TRAN_PRD). Ask accounting to reopen March.");
    assert_null(strstr(m, "Manage Accounting Periods"));
    m = message(NULL, SFNS_ERR_OTHER, NULL, NULL, NULL);
    has(m, "NetSuite refused the sales order (no code or message).");
}

static int teardown(void **state)
{
    (void)state;
    sfns_test_done();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_in_message), cmocka_unit_test(test_default_rules),
        cmocka_unit_test(test_custom_rules),         cmocka_unit_test(test_invalid_settings),
        cmocka_unit_test(test_unknown_item_message), cmocka_unit_test(test_other_messages),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
