/* test_sfns_route.c — the routing rules of sfnsOrderRoute (hooks/sfns/sfns_route_rules.c) and
 * their settings (sfns_route_conf.c), through the runner's real API table: every route and every
 * rule that leads to it (already ordered, stage and IsWon, amount and line items, framework
 * agreements by type, record type and emptiness, what asks for a quote, legal sign-off by amount
 * per currency at its minor units and by contract type), the reasons naming what decided, and
 * every invalid setting refused with a message naming its key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../hooks/sfns/sfns_route.h"
#include "unit/sfns_test_ctx.h"

/* Decides record under settings (settings.sfns JSON, NULL: none) and checks the route, the code
 * and that the reason contains `part` (NULL: not checked). */
static void expect_at(int line, const char *settings, const char *record, sfns_route_name want,
                      const char *code, const char *part)
{
    hs_ctx *ctx = sfns_test_ctx(settings);
    assert_non_null(ctx);
    sfns_routing r;
    hs_status st = sfns_routing_read(ctx, &r);
    if (st != HS_OK)
        fail_msg("line %d: settings refused: %s", line, sfns_test_failure(ctx));
    sfns_route_decision d;
    assert_int_equal(sfns_route_decide(ctx, &r, sfns_test_value(record), &d), HS_OK);
    assert_non_null(d.reason);
    if (d.route != want || strcmp(d.code, code) != 0 || (part && !strstr(d.reason, part)))
        fail_msg("line %d: got %s/%s \"%s\", want %s/%s with \"%s\"", line,
                 sfns_route_text(d.route), d.code, d.reason, sfns_route_text(want), code,
                 part ? part : "");
    assert_true(strlen(d.reason) > 10);
}
#define expect(s, rec, want, code, part) expect_at(__LINE__, s, rec, want, code, part)

/* The settings are refused with invalid_setting and a message starting with `path`. */
static void refused_at(int line, const char *settings, const char *path, const char *part)
{
    hs_ctx *ctx = sfns_test_ctx(settings);
    assert_non_null(ctx);
    sfns_routing r;
    if (sfns_routing_read(ctx, &r) != HS_ERR_FAILED)
        fail_msg("line %d: settings %s were accepted", line, settings);
    const char *msg = sfns_test_failure(ctx);
    assert_string_equal(sfns_test_failure_code(ctx), "invalid_setting");
    if (strncmp(msg, path, strlen(path)) != 0 || (part && !strstr(msg, part)))
        fail_msg("line %d: message \"%s\", want it to start with %s and hold \"%s\"", line, msg,
                 path, part ? part : "");
}
#define refused(s, path, part) refused_at(__LINE__, s, path, part)

#define WON "\"StageName\": \"Closed Won\", \"HasOpportunityLineItem\": true, "

static void test_won_is_an_order(void **state)
{
    (void)state;
    expect(NULL, "{\"Id\": \"0065g00000AbCdE\", " WON "\"Amount\": 235000}", SFNS_ROUTE_ORDER,
           "won", "won (StageName \"Closed Won\"), Amount 235000, line items: no legal sign-off");
    /* Stage names compare ignoring case; the amount at the currency's minor units. */
    expect(NULL,
           "{\"StageName\": \"closed won\", \"Amount\": 5, \"CurrencyIsoCode\": \"usd\", "
           "\"OpportunityLineItems\": {\"totalSize\": 2, \"done\": true, \"records\": [{}, {}]}}",
           SFNS_ROUTE_ORDER, "won", "Amount 5.00 USD, 2 line items");
    /* An envelope without records counts by totalSize, when that is a count; a totalSize out
     * of range or not whole (1e300, -2, 2.5) says nothing (casting 1e300 to long would be
     * undefined behaviour). */
    expect(NULL, "{" WON "\"Amount\": 5, \"OpportunityLineItems\": {\"totalSize\": 3}}",
           SFNS_ROUTE_ORDER, "won", "Amount 5, 3 line items");
    expect(NULL,
           "{\"StageName\": \"Closed Won\", \"Amount\": 5, "
           "\"OpportunityLineItems\": {\"totalSize\": 1e300}}",
           SFNS_ROUTE_ORDER, "won", "no line items given");
    expect(NULL,
           "{\"StageName\": \"Closed Won\", \"Amount\": 5, "
           "\"OpportunityLineItems\": {\"totalSize\": -2}}",
           SFNS_ROUTE_ORDER, "won", "no line items given");
    expect(NULL,
           "{\"StageName\": \"Closed Won\", \"Amount\": 5, "
           "\"OpportunityLineItems\": {\"totalSize\": 2.5}}",
           SFNS_ROUTE_ORDER, "won", "no line items given");
    /* Line items not given at all: the amount alone says there is something to order. */
    expect(NULL, "{\"StageName\": \"Closed Won\", \"Amount\": 125000}", SFNS_ROUTE_ORDER, "won",
           "no line items given");
}

static void test_already_ordered_is_skipped(void **state)
{
    (void)state;
    expect(NULL, "{\"NetSuite_Id__c\": \"5512\", \"Amount\": 1}", SFNS_ROUTE_SKIP,
           "already_ordered", "NetSuite_Id__c is \"5512\"");
    expect(NULL, "{" WON "\"Amount\": 1, \"NetSuite_Sales_Order__c\": 4711}", SFNS_ROUTE_SKIP,
           "already_ordered", "NetSuite_Sales_Order__c is \"4711\"");
    /* Empty, null or false is not an order. */
    expect(NULL,
           "{" WON "\"Amount\": 1, \"NetSuite_Id__c\": \" \", \"NetSuite_Sales_Order__c\": null}",
           SFNS_ROUTE_ORDER, "won", NULL);
    expect("{\"routing\": {\"orderedFields\": [\"Order__c\"]}}",
           "{" WON "\"Amount\": 1, \"NetSuite_Id__c\": \"9\", \"Order__c\": false}",
           SFNS_ROUTE_ORDER, "won", NULL);
    expect("{\"routing\": {\"orderedFields\": [\"Order__c\"]}}",
           "{" WON "\"Amount\": 1, \"order__c\": {\"Id\": \"801\"}}", SFNS_ROUTE_SKIP,
           "already_ordered", "Order__c is set");
}

static void test_stage(void **state)
{
    (void)state;
    expect(NULL, "{\"StageName\": \"Negotiation/Review\", \"Amount\": 1}", SFNS_ROUTE_SKIP,
           "not_won",
           "not won: StageName \"Negotiation/Review\" is not in routing.triggerStages "
           "(\"Closed Won\")");
    expect(NULL, "{\"StageName\": \"Closed Lost\", \"IsWon\": false, \"Amount\": 1}",
           SFNS_ROUTE_SKIP, "not_won", NULL);
    /* A customised won stage: IsWon decides. */
    expect(NULL, "{\"StageName\": \"Closed/Won\", \"IsWon\": true, \"Amount\": 3}",
           SFNS_ROUTE_ORDER, "won", "IsWon, StageName \"Closed/Won\"");
    expect("{\"routing\": {\"useIsWon\": false}}",
           "{\"StageName\": \"Closed/Won\", \"IsWon\": true, \"Amount\": 3}", SFNS_ROUTE_SKIP,
           "not_won", NULL);
    expect("{\"routing\": {\"triggerStages\": [\"Closed/Won\", \"Won\"]}}",
           "{\"StageName\": \"Closed/Won\", \"Amount\": 3}", SFNS_ROUTE_ORDER, "won", NULL);
    expect(NULL, "{\"IsWon\": \"true\", \"Amount\": 3}", SFNS_ROUTE_ORDER, "won", "(IsWon)");
    expect(NULL, "{\"IsWon\": false, \"Amount\": 3}", SFNS_ROUTE_SKIP, "not_won", "IsWon is false");
    /* Neither StageName nor IsWon: cannot decide. */
    expect(NULL, "{\"Amount\": 3, \"Name\": \"x\"}", SFNS_ROUTE_ERROR, "missing_stage",
           "no StageName or IsWon (select one in the export)");
    expect(NULL, "{\"StageName\": null, \"Amount\": 3}", SFNS_ROUTE_ERROR, "missing_stage", NULL);
    expect(NULL, "[1, 2]", SFNS_ROUTE_ERROR, "not_a_record", "not an Opportunity object");
}

static void test_amount(void **state)
{
    (void)state;
    expect(NULL, "{\"StageName\": \"Closed Won\"}", SFNS_ROUTE_ERROR, "missing_amount",
           "no Amount (select it in the export)");
    expect(NULL, "{\"StageName\": \"Closed Won\", \"Amount\": \"12,000\"}", SFNS_ROUTE_ERROR,
           "bad_amount", "Amount \"12,000\" is not an amount");
    expect(NULL, "{\"StageName\": \"Closed Won\", \"Amount\": true}", SFNS_ROUTE_ERROR,
           "bad_amount", NULL);
    /* Too many digits for an exact decimal: said so, not "not an amount". */
    expect(NULL, "{\"StageName\": \"Closed Won\", \"Amount\": 1e38}", SFNS_ROUTE_ERROR,
           "bad_amount", "Amount \"1e+38\" has more digits than an exact amount holds");
    expect(NULL, "{\"StageName\": \"Closed Won\", \"Amount\": \"123456789012345678901.5\"}",
           SFNS_ROUTE_ERROR, "bad_amount", "has more digits than an exact amount holds");
    expect(NULL, "{\"StageName\": \"Closed Won\", \"Amount\": -5}", SFNS_ROUTE_ERROR, "bad_amount",
           "negative");
    expect(NULL, "{\"StageName\": \"Closed Won\", \"Amount\": \" 119373.34 \"}", SFNS_ROUTE_ORDER,
           "won", "Amount 119373.34,");
    expect("{\"routing\": {\"amountField\": \"Total__c\"}}",
           "{\"StageName\": \"Closed Won\", \"total__c\": 7}", SFNS_ROUTE_ORDER, "won",
           "Total__c 7");
    expect(NULL, "{\"StageName\": \"Closed Won\", \"Amount\": 1, \"CurrencyIsoCode\": \"XYZ\"}",
           SFNS_ROUTE_ERROR, "bad_currency", "\"XYZ\" is not an ISO 4217");
    /* No line items with an amount: the products are missing. */
    expect(NULL,
           "{\"StageName\": \"Closed Won\", \"Amount\": 500, \"HasOpportunityLineItem\": false}",
           SFNS_ROUTE_ERROR, "no_line_items", "Amount 500 but no line items");
    expect(NULL, "{\"StageName\": \"Closed Won\", \"Amount\": 500, \"OpportunityLineItems\": null}",
           SFNS_ROUTE_ERROR, "no_line_items", NULL);
    expect(NULL,
           "{\"StageName\": \"Closed Won\", \"Amount\": 500, \"OpportunityLineItems\": "
           "{\"records\": []}}",
           SFNS_ROUTE_ERROR, "no_line_items", NULL);
}

static void test_framework(void **state)
{
    (void)state;
    /* By type, with nothing attached: skipped. */
    expect(NULL,
           "{\"StageName\": \"Closed Won\", \"Type\": \"Framework Agreement\", \"Amount\": 0, "
           "\"HasOpportunityLineItem\": false}",
           SFNS_ROUTE_SKIP, "framework",
           "a framework agreement (Type \"Framework Agreement\") with no order attached (no line "
           "items, Amount 0)");
    /* With an order attached (line items): a quote by default, an order when configured. */
    expect(NULL,
           "{\"StageName\": \"Closed Won\", \"Type\": \"framework agreement\", \"Amount\": 9, "
           "\"OpportunityLineItems\": [{}]}",
           SFNS_ROUTE_QUOTE, "call_off", "routing.callOffRoute is \"quote\"");
    expect("{\"routing\": {\"callOffRoute\": \"order\"}}",
           "{\"StageName\": \"Closed Won\", \"Type\": \"Framework Agreement\", \"Amount\": 9, "
           "\"OpportunityLineItems\": [{}]}",
           SFNS_ROUTE_ORDER, "call_off", "with an order attached, Amount 9, 1 line item");
    /* Line items unknown: an amount means something is attached. */
    expect(NULL,
           "{\"StageName\": \"Closed Won\", \"Type\": \"Framework Agreement\", \"Amount\": 9}",
           SFNS_ROUTE_QUOTE, "call_off", NULL);
    /* By record type: DeveloperName, Name, or the Id (15 or 18 characters). */
    expect(NULL,
           "{\"StageName\": \"Closed Won\", \"Amount\": 0, \"RecordType\": {\"DeveloperName\": "
           "\"Framework_Agreement\", \"Name\": \"Rahmenvertrag\"}}",
           SFNS_ROUTE_SKIP, "framework", "record type \"Framework_Agreement\"");
    expect("{\"routing\": {\"frameworkRecordTypes\": [\"0125g000000AbCd\"]}}",
           "{\"StageName\": \"Closed Won\", \"Amount\": 0, \"RecordTypeId\": "
           "\"0125g000000AbCdAAK\"}",
           SFNS_ROUTE_SKIP, "framework", "RecordTypeId 0125g000000AbCdAAK");
    /* Empty (no line items, zero or empty Amount): a framework agreement by default. */
    expect(NULL,
           "{\"StageName\": \"Closed Won\", \"Amount\": null, \"HasOpportunityLineItem\": false}",
           SFNS_ROUTE_SKIP, "empty",
           "no order attached: no line items and Amount 0 (routing.emptyIsFramework: a "
           "framework agreement)");
    expect(NULL, "{\"StageName\": \"Closed Won\", \"Amount\": 0}", SFNS_ROUTE_SKIP, "empty",
           "no order attached: no line items given and Amount 0");
    expect("{\"routing\": {\"emptyIsFramework\": false}}",
           "{\"StageName\": \"Closed Won\", \"Amount\": 0, \"HasOpportunityLineItem\": false}",
           SFNS_ROUTE_ERROR, "nothing_to_order", "nothing to order");
    /* Other types are not framework agreements; line items with a zero amount still order. */
    expect(NULL,
           "{\"StageName\": \"Closed Won\", \"Type\": \"New Customer\", \"Amount\": 0, "
           "\"HasOpportunityLineItem\": true}",
           SFNS_ROUTE_ORDER, "won", NULL);
    expect("{\"routing\": {\"frameworkTypes\": [], \"frameworkRecordTypes\": []}}",
           "{\"StageName\": \"Closed Won\", \"Type\": \"Framework Agreement\", \"Amount\": 10}",
           SFNS_ROUTE_ORDER, "won", NULL);
}

static void test_quote(void **state)
{
    (void)state;
    const char *s = "{\"routing\": {\"quoteField\": \"Quote_Requested__c\", \"quoteTypes\": "
                    "[\"Renewal\"], \"quoteStages\": [\"Proposal/Price Quote\"]}}";
    expect(s, "{" WON "\"Amount\": 10, \"Quote_Requested__c\": true}", SFNS_ROUTE_QUOTE, "quote",
           "asks for a quote: Quote_Requested__c is checked");
    expect(s, "{" WON "\"Amount\": 10, \"Quote_Requested__c\": false}", SFNS_ROUTE_ORDER, "won",
           NULL);
    expect(s, "{" WON "\"Amount\": 10, \"Type\": \"renewal\"}", SFNS_ROUTE_QUOTE, "quote",
           "Type \"renewal\" is in routing.quoteTypes");
    /* A quote stage routes although the Opportunity is not won. */
    expect(s, "{\"StageName\": \"Proposal/Price Quote\", \"Amount\": 10}", SFNS_ROUTE_QUOTE,
           "quote", "StageName \"Proposal/Price Quote\" is in routing.quoteStages");
    expect(s, "{\"StageName\": \"Prospecting\", \"Amount\": 10}", SFNS_ROUTE_SKIP, "not_won",
           "routing.triggerStages (\"Closed Won\") or routing.quoteStages (\"Proposal/Price "
           "Quote\")");
}

#define SIGN "\"signOffAmountOver\": {\"USD\": 100000, \"jpy\": \"1000000\", \"EUR\": \"90000.00\"}"

static void test_sign_off_by_amount(void **state)
{
    (void)state;
    const char *s = "{\"routing\": {" SIGN "}}";
    /* Compared at the currency's minor units: 100000.004 USD is 100000.00, not over. */
    expect(s,
           "{" WON "\"Amount\": 100000.004, \"CurrencyIsoCode\": \"USD\", \"Legal_Sign_Off__c\": "
           "false}",
           SFNS_ROUTE_ORDER, "won", "Amount 100000.00 USD");
    expect(s,
           "{" WON "\"Amount\": \"100000.005\", \"CurrencyIsoCode\": \"USD\", "
           "\"Legal_Sign_Off__c\": false}",
           SFNS_ROUTE_HOLD, "unsigned",
           "waiting for legal sign-off: Amount 100000.01 USD is over 100000.00 USD "
           "(routing.signOffAmountOver) and Legal_Sign_Off__c is not checked");
    /* JPY has no minor unit: 1000000.4 is 1000000, 1000000.5 is 1000001. */
    expect(s,
           "{" WON "\"Amount\": 1000000.4, \"CurrencyIsoCode\": \"JPY\", \"Legal_Sign_Off__c\": "
           "null}",
           SFNS_ROUTE_ORDER, "won", "Amount 1000000 JPY");
    expect(s,
           "{" WON "\"Amount\": 1000000.5, \"CurrencyIsoCode\": \"JPY\", \"Legal_Sign_Off__c\": "
           "null}",
           SFNS_ROUTE_HOLD, "unsigned", "1000001 JPY is over 1000000 JPY");
    /* Signed off: an order. */
    expect(s,
           "{" WON "\"Amount\": 250000, \"CurrencyIsoCode\": \"USD\", \"Legal_Sign_Off__c\": "
           "true}",
           SFNS_ROUTE_ORDER, "won", "signed off (Legal_Sign_Off__c is checked; needed: Amount");
    /* The field not selected: cannot decide. */
    expect(s, "{" WON "\"Amount\": 250000, \"CurrencyIsoCode\": \"EUR\"}", SFNS_ROUTE_ERROR,
           "missing_sign_off", "the record has no Legal_Sign_Off__c");
    /* A currency without a threshold, or no currency at all: cannot decide. */
    expect(s, "{" WON "\"Amount\": 5, \"CurrencyIsoCode\": \"CHF\"}", SFNS_ROUTE_ERROR,
           "sign_off_unknown", "has no amount for CHF (add \"CHF\": <amount> to it)");
    expect(s, "{" WON "\"Amount\": 5}", SFNS_ROUTE_ERROR, "sign_off_unknown",
           "routing.defaultCurrency is not set");
    expect("{\"routing\": {\"defaultCurrency\": \"eur\", " SIGN "}}",
           "{" WON "\"Amount\": 90000.01, \"Legal_Sign_Off__c\": \"\"}", SFNS_ROUTE_HOLD,
           "unsigned",
           "90000.01 EUR is over 90000.00 EUR (routing.signOffAmountOver) and Legal_Sign_Off__c "
           "is empty");
    /* Unsigned deals may go to a quote instead. */
    expect("{\"routing\": {\"unsignedRoute\": \"quote\", " SIGN "}}",
           "{" WON "\"Amount\": 250000, \"CurrencyIsoCode\": \"USD\", \"Legal_Sign_Off__c\": 0}",
           SFNS_ROUTE_QUOTE, "unsigned", NULL);
}

static void test_sign_off_values_and_types(void **state)
{
    (void)state;
    const char *s = "{\"routing\": {\"signOffField\": \"Legal_Status__c\", \"signOffValues\": "
                    "[\"Approved\", \"Signed\"], \"contractTypeField\": \"Contract_Type__c\", "
                    "\"signOffContractTypes\": [\"Enterprise MSA\"]}}";
    expect(s,
           "{" WON "\"Amount\": 10, \"Contract_Type__c\": \"Enterprise MSA\", \"Legal_Status__c\": "
           "\"Pending\"}",
           SFNS_ROUTE_HOLD, "unsigned",
           "Contract_Type__c \"Enterprise MSA\" is in routing.signOffContractTypes and "
           "Legal_Status__c is \"Pending\" (routing.signOffValues: \"Approved\", \"Signed\")");
    expect(s,
           "{" WON "\"Amount\": 10, \"Contract_Type__c\": \"enterprise msa\", "
           "\"Legal_Status__c\": \"approved\"}",
           SFNS_ROUTE_ORDER, "won", "signed off (Legal_Status__c is \"approved\"");
    /* Other contract types need no sign-off, whatever the field says. */
    expect(s,
           "{" WON "\"Amount\": 10, \"Contract_Type__c\": \"Standard\", \"Legal_Status__c\": "
           "\"Pending\"}",
           SFNS_ROUTE_ORDER, "won", "no legal sign-off needed");
    /* Without signOffValues, text other than a false word counts as signed (a date, a name). */
    expect("{\"routing\": {\"signOffContractTypes\": [\"MSA\"]}}",
           "{" WON "\"Amount\": 10, \"Type\": \"MSA\", \"Legal_Sign_Off__c\": \"2024-03-01\"}",
           SFNS_ROUTE_ORDER, "won", "Legal_Sign_Off__c is \"2024-03-01\"");
    expect("{\"routing\": {\"signOffContractTypes\": [\"MSA\"]}}",
           "{" WON "\"Amount\": 10, \"Type\": \"MSA\", \"Legal_Sign_Off__c\": \"F\"}",
           SFNS_ROUTE_HOLD, "unsigned", NULL);
}

/* The rules run in order: already ordered beats everything, a framework without an order beats
 * sign-off, a quote beats sign-off. */
static void test_order_of_rules(void **state)
{
    (void)state;
    const char *s = "{\"routing\": {\"quoteTypes\": [\"Renewal\"], " SIGN "}}";
    expect(s, "{\"NetSuite_Id__c\": \"1\", \"StageName\": \"Closed Lost\"}", SFNS_ROUTE_SKIP,
           "already_ordered", NULL);
    expect(s,
           "{\"StageName\": \"Closed Won\", \"Type\": \"Framework Agreement\", \"Amount\": 0, "
           "\"CurrencyIsoCode\": \"USD\"}",
           SFNS_ROUTE_SKIP, "framework", NULL);
    expect(s,
           "{" WON "\"Type\": \"Renewal\", \"Amount\": 500000, \"CurrencyIsoCode\": \"USD\", "
           "\"Legal_Sign_Off__c\": false}",
           SFNS_ROUTE_QUOTE, "quote", NULL);
}

static void test_invalid_settings(void **state)
{
    (void)state;
    refused("{\"routing\": {\"triggerStage\": [\"Won\"]}}",
            "settings.sfns.routing:", "unknown key \"triggerStage\"");
    refused("{\"routing\": {\"triggerStages\": \"Closed Won\"}}",
            "settings.sfns.routing.triggerStages:", "must be an array of strings, got a string");
    refused("{\"routing\": {\"quoteTypes\": [\"A\", 3]}}",
            "settings.sfns.routing.quoteTypes:", "item 1 must be a non-empty string, got a number");
    refused("{\"routing\": {\"frameworkTypes\": [\"\"]}}",
            "settings.sfns.routing.frameworkTypes:", "an empty string");
    refused("{\"routing\": {\"useIsWon\": \"yes\"}}",
            "settings.sfns.routing.useIsWon:", "true or false");
    refused("{\"routing\": {\"callOffRoute\": \"hold\"}}",
            "settings.sfns.routing.callOffRoute:", "\"hold\" is not one of \"order\", \"quote\"");
    refused("{\"routing\": {\"unsignedRoute\": \"skip\"}}",
            "settings.sfns.routing.unsignedRoute:", "\"hold\", \"quote\"");
    refused("{\"routing\": {\"signOffField\": \"\"}}",
            "settings.sfns.routing.signOffField:", "must name a field");
    refused("{\"routing\": {\"defaultCurrency\": \"Dollar\"}}",
            "settings.sfns.routing.defaultCurrency:", "not an ISO 4217");
    refused("{\"routing\": {\"signOffAmountOver\": 100000}}",
            "settings.sfns.routing.signOffAmountOver:", "must be an object");
    refused("{\"routing\": {\"signOffAmountOver\": {\"US\": 100}}}",
            "settings.sfns.routing.signOffAmountOver:", "\"US\" is not an ISO 4217");
    refused("{\"routing\": {\"signOffAmountOver\": {\"USD\": \"1e5x\"}}}",
            "settings.sfns.routing.signOffAmountOver:", "the amount of \"USD\" must be a decimal");
    refused("{\"routing\": {\"signOffAmountOver\": {\"USD\": -1}}}",
            "settings.sfns.routing.signOffAmountOver:", "of at least 0");
    refused("{\"routing\": {\"signOffAmountOver\": {\"JPY\": 100.5}}}",
            "settings.sfns.routing.signOffAmountOver:",
            "is 100.5, which has more decimal places than JPY has (0)");
    refused("{\"routing\": {\"signOffAmountOver\": {\"USD\": 1, \"usd\": 2}}}",
            "settings.sfns.routing.signOffAmountOver:", "USD is given twice");
    refused("{\"routing\": []}", "settings.sfns.routing:", "must be an object, got an array");
    refused("{\"routng\": {}}", "settings.sfns:", "unknown key \"routng\"");
}

/* Trailing zeros within the minor units are exact ("100000.00" for USD, "1000000.00" for JPY). */
static void test_thresholds_exact(void **state)
{
    (void)state;
    expect("{\"routing\": {\"signOffAmountOver\": {\"JPY\": \"1000.00\"}}}",
           "{" WON "\"Amount\": 1001, \"CurrencyIsoCode\": \"JPY\", \"Legal_Sign_Off__c\": false}",
           SFNS_ROUTE_HOLD, "unsigned", "1001 JPY is over 1000 JPY");
    expect("{\"routing\": {\"signOffAmountOver\": {\"KWD\": 10.125}}}",
           "{" WON
           "\"Amount\": 10.1254, \"CurrencyIsoCode\": \"KWD\", \"Legal_Sign_Off__c\": false}",
           SFNS_ROUTE_ORDER, "won", "10.125 KWD");
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
        cmocka_unit_test(test_won_is_an_order),
        cmocka_unit_test(test_already_ordered_is_skipped),
        cmocka_unit_test(test_stage),
        cmocka_unit_test(test_amount),
        cmocka_unit_test(test_framework),
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_sign_off_by_amount),
        cmocka_unit_test(test_sign_off_values_and_types),
        cmocka_unit_test(test_order_of_rules),
        cmocka_unit_test(test_invalid_settings),
        cmocka_unit_test(test_thresholds_exact),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
