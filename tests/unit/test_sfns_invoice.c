/* test_sfns_invoice.c — the rules of sfnsInvoiceStatus (hooks/sfns/sfns_invoice_calc.c,
 * sfns_invoice_read.c, sfns_invoices_conf.c) through the runner's real hook API: an invoice's
 * status and days overdue as of a given run time (time zones, leap years, the due day itself),
 * its amount due from each source, roll-up statuses and balances, the latest payment, and the
 * reading of NetSuite records in their shapes (saved search, SuiteQL, SOAP as JSON, REST),
 * their links to Salesforce, apply lists, rows of one transaction, and the errors of each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../hooks/sfns/sfns_invoices.h"
#include "sdk_internal.h"
#include "unit/sdk_test_ctx.h"

/* The module's table (sfns.c defines it in the module; these tests link its files without it). */
const hs_api *sfns_api;

static struct arena *arena;

/* A context whose options are `options_json` (a JSON object), in a fresh arena. */
static hs_ctx *ctx_with(const char *options_json)
{
    sfns_api = sdk_api();
    if (arena)
        arena_free(arena);
    arena = arena_new(256 * 1024, 0);
    struct json_value *opts = sdk_test_json(arena, options_json);
    assert_non_null(opts);
    hs_ctx *ctx = sdk_test_ctx(arena, opts);
    assert_non_null(ctx);
    return ctx;
}

static hs_json *value(const char *text)
{
    hs_json *v = (hs_json *)sdk_test_json(arena, text);
    if (v == NULL)
        fail_msg("does not parse: %s", text);
    return v;
}

static int teardown(void **state)
{
    (void)state;
    if (arena)
        arena_free(arena);
    arena = NULL;
    return 0;
}

static hs_decimal D(const char *text)
{
    hs_decimal d = HS_DECIMAL(0, 0);
    assert_int_equal(sdk_api()->decimal_parse(NULL, text, strlen(text), &d), HS_OK);
    return d;
}

static const char *S(hs_decimal d)
{
    static char buf[8][HS_DECIMAL_MAX];
    static int i;
    i = (i + 1) % 8;
    sdk_api()->decimal_format(d, buf[i]);
    return buf[i];
}

static void assert_dec(hs_decimal got, const char *want)
{
    if (sdk_api()->decimal_cmp(got, D(want)) != 0)
        fail_msg("expected %s, got %s", want, S(got));
}

static hs_datetime day(int y, int m, int d)
{
    return (hs_datetime){.year = y, .month = m, .day = d};
}

static hs_datetime instant(hs_ctx *ctx, const char *iso)
{
    hs_datetime d;
    assert_int_equal(sfns_api->date_parse(ctx, iso, NULL, &d), HS_OK);
    return d;
}

/* ---- days overdue -------------------------------------------------------------------------- */

static int64_t past_due(hs_ctx *ctx, hs_datetime due, const char *now, const char *tz)
{
    hs_datetime n = instant(ctx, now);
    int64_t days = -999;
    assert_int_equal(sfns_days_past_due(ctx, &due, &n, tz, &days), HS_OK);
    return days;
}

static void test_days_past_due(void **state)
{
    (void)state;
    hs_ctx *ctx = ctx_with("{}");
    const char *now = "2024-06-15T12:00:00.000Z";
    assert_int_equal(past_due(ctx, day(2024, 6, 14), now, NULL), 1);
    assert_int_equal(past_due(ctx, day(2024, 6, 15), now, NULL), 0); /* due today: not late */
    assert_int_equal(past_due(ctx, day(2024, 7, 15), now, NULL), -30);
    /* 2023-05-12 -> 2024-05-12 crosses 29 February 2024: 366 days, then 34 more. */
    assert_int_equal(past_due(ctx, day(2023, 5, 12), now, NULL), 400);
    assert_int_equal(past_due(ctx, day(2023, 2, 28), "2023-03-01T00:00:00Z", NULL), 1);
    assert_int_equal(past_due(ctx, day(2024, 2, 28), "2024-03-01T00:00:00Z", NULL), 2);
    /* 02:00 UTC on the 15th is still the 14th in Los Angeles: a day less there. */
    assert_int_equal(past_due(ctx, day(2024, 6, 14), "2024-06-15T02:00:00Z", NULL), 1);
    assert_int_equal(past_due(ctx, day(2024, 6, 14), "2024-06-15T02:00:00Z", "America/Los_Angeles"),
                     0);
    /* Across a DST change the count stays in calendar days. */
    assert_int_equal(
        past_due(ctx, day(2024, 3, 9), "2024-03-11T12:00:00-07:00", "America/Los_Angeles"), 2);
    /* ... and in Tokyo it is already the 16th. */
    assert_int_equal(past_due(ctx, day(2024, 6, 14), "2024-06-15T16:00:00Z", "Asia/Tokyo"), 2);
}

/* ---- status -------------------------------------------------------------------------------- */

static void test_classify(void **state)
{
    (void)state;
    ctx_with("{}");
    int64_t days = -1;
    assert_int_equal(sfns_invoice_classify(D("100"), D("0"), 30, &days), SFNS_INV_PAID);
    assert_int_equal(days, 0); /* paid late is not overdue */
    assert_int_equal(sfns_invoice_classify(D("100"), D("0.00"), -5, &days), SFNS_INV_PAID);
    assert_int_equal(sfns_invoice_classify(D("100.00"), D("100"), 0, &days), SFNS_INV_OPEN);
    assert_int_equal(days, 0);
    assert_int_equal(sfns_invoice_classify(D("100.00"), D("99.99"), -3, &days), SFNS_INV_PARTIAL);
    assert_int_equal(sfns_invoice_classify(D("100.00"), D("0.01"), 0, &days), SFNS_INV_PARTIAL);
    assert_int_equal(sfns_invoice_classify(D("100.00"), D("100.00"), 1, &days), SFNS_INV_OVERDUE);
    assert_int_equal(days, 1);
    assert_int_equal(sfns_invoice_classify(D("100.00"), D("40"), 400, &days), SFNS_INV_OVERDUE);
    assert_int_equal(days, 400);
    /* nothing invoiced, nothing due */
    assert_int_equal(sfns_invoice_classify(D("0"), D("0"), 10, &days), SFNS_INV_PAID);
}

static void test_amount_due(void **state)
{
    (void)state;
    hs_ctx *ctx = ctx_with("{}");
    sfns_tx inv;
    hs_decimal due;
    memset(&inv, 0, sizeof(inv));
    inv.has_total = 1;
    inv.total = D("1000.00");
    /* nothing but the total: what the page applies */
    assert_int_equal(sfns_invoice_due(ctx, &inv, D("0"), &due), HS_OK);
    assert_dec(due, "1000");
    assert_int_equal(sfns_invoice_due(ctx, &inv, D("400"), &due), HS_OK);
    assert_dec(due, "600");
    assert_int_equal(sfns_invoice_due(ctx, &inv, D("1000.01"), &due), HS_ERR_RANGE);
    /* the status says paid in full */
    inv.status_paid = 1;
    assert_int_equal(sfns_invoice_due(ctx, &inv, D("0"), &due), HS_OK);
    assert_dec(due, "0");
    /* amountpaid wins over the status */
    inv.has_paid = 1;
    inv.paid = D("250.50");
    assert_int_equal(sfns_invoice_due(ctx, &inv, D("0"), &due), HS_OK);
    assert_dec(due, "749.50");
    inv.paid = D("1000.02");
    assert_int_equal(sfns_invoice_due(ctx, &inv, D("0"), &due), HS_ERR_RANGE);
    /* amountremaining wins over everything */
    inv.has_due = 1;
    inv.due = D("12.34");
    assert_int_equal(sfns_invoice_due(ctx, &inv, D("999"), &due), HS_OK);
    assert_dec(due, "12.34");
}

static void test_rollup_status(void **state)
{
    (void)state;
    size_t c[SFNS_INV_STATUS_COUNT];
#define COUNTS(o, pa, ov, pd)                                                                      \
    (c[SFNS_INV_OPEN] = (o), c[SFNS_INV_PARTIAL] = (pa), c[SFNS_INV_OVERDUE] = (ov),               \
     c[SFNS_INV_PAID] = (pd), c)
    assert_int_equal(sfns_rollup_status(COUNTS(1, 0, 0, 0)), SFNS_INV_OPEN);
    assert_int_equal(sfns_rollup_status(COUNTS(3, 0, 0, 0)), SFNS_INV_OPEN);
    assert_int_equal(sfns_rollup_status(COUNTS(0, 0, 0, 2)), SFNS_INV_PAID);
    assert_int_equal(sfns_rollup_status(COUNTS(1, 0, 0, 1)), SFNS_INV_PARTIAL); /* one of two */
    assert_int_equal(sfns_rollup_status(COUNTS(0, 1, 0, 0)), SFNS_INV_PARTIAL);
    assert_int_equal(sfns_rollup_status(COUNTS(2, 1, 0, 5)), SFNS_INV_PARTIAL);
    assert_int_equal(sfns_rollup_status(COUNTS(0, 0, 1, 9)), SFNS_INV_OVERDUE);
    assert_int_equal(sfns_rollup_status(COUNTS(4, 4, 1, 4)), SFNS_INV_OVERDUE);
#undef COUNTS
}

static void test_rollup_sums(void **state)
{
    (void)state;
    hs_ctx *ctx = ctx_with("{}");
    sfns_rollup r;
    sfns_rollup_init(&r, "0015g00000Hrb1QAAR", 3);
    assert_int_equal(sfns_rollup_add_invoice(ctx, &r, D("1000.00"), D("0"), SFNS_INV_PAID, 0),
                     HS_OK);
    assert_int_equal(
        sfns_rollup_add_invoice(ctx, &r, D("250.00"), D("250.00"), SFNS_INV_OVERDUE, 1), HS_OK);
    assert_int_equal(
        sfns_rollup_add_invoice(ctx, &r, D("5000"), D("4999.99"), SFNS_INV_OVERDUE, 400), HS_OK);
    assert_int_equal(sfns_rollup_add_invoice(ctx, &r, D("300"), D("200"), SFNS_INV_PARTIAL, 0),
                     HS_OK);
    assert_int_equal(sfns_rollup_add_unapplied(ctx, &r, D("50.00")), HS_OK);
    assert_int_equal(r.invoices, 4);
    assert_dec(r.invoiced, "6550");
    assert_dec(r.due, "5449.99");
    assert_dec(r.overdue, "5249.99");
    assert_int_equal(r.days_overdue, 400);
    assert_int_equal(sfns_rollup_status(r.counts), SFNS_INV_OVERDUE);
    hs_decimal b;
    assert_int_equal(sfns_rollup_balance(ctx, &r, 1, &b), HS_OK);
    assert_dec(b, "5399.99");
    assert_int_equal(sfns_rollup_balance(ctx, &r, 0, &b), HS_OK);
    assert_dec(b, "5449.99");
    /* a customer in credit */
    sfns_rollup c;
    sfns_rollup_init(&c, "x", 0);
    assert_int_equal(sfns_rollup_add_unapplied(ctx, &c, D("75.5")), HS_OK);
    assert_int_equal(sfns_rollup_balance(ctx, &c, 1, &b), HS_OK);
    assert_dec(b, "-75.5");
    /* sums never wrap */
    sfns_rollup big;
    sfns_rollup_init(&big, "y", 0);
    hs_decimal huge = HS_DECIMAL(INT64_MAX / 2 + 1, 2);
    assert_int_equal(sfns_rollup_add_invoice(ctx, &big, huge, huge, SFNS_INV_OPEN, 0), HS_OK);
    assert_int_equal(sfns_rollup_add_invoice(ctx, &big, huge, huge, SFNS_INV_OPEN, 0),
                     HS_ERR_RANGE);
}

static void test_rollup_currency(void **state)
{
    (void)state;
    sfns_rollup r;
    sfns_rollup_init(&r, "x", 0);
    sfns_rollup_currency(&r, NULL);
    assert_null(r.currency);
    sfns_rollup_currency(&r, "USD");
    sfns_rollup_currency(&r, NULL); /* unknown goes with any */
    sfns_rollup_currency(&r, "USD");
    assert_string_equal(r.currency, "USD");
    assert_null(r.other_currency);
    sfns_rollup_currency(&r, "EUR");
    sfns_rollup_currency(&r, "GBP");
    assert_string_equal(r.other_currency, "EUR");
}

static void test_payment_later(void **state)
{
    (void)state;
    sfns_payment_ref cur = {0};
    hs_datetime may2 = day(2024, 5, 2), apr10 = day(2024, 4, 10);
    assert_true(sfns_payment_later(&cur, &apr10, 5));
    cur = (sfns_payment_ref){1, 5, apr10, HS_DECIMAL(0, 0)};
    assert_true(sfns_payment_later(&cur, &may2, 1));   /* later date, earlier record */
    assert_false(sfns_payment_later(&cur, &apr10, 4)); /* same date, earlier record */
    assert_true(sfns_payment_later(&cur, &apr10, 6));  /* same date, later record */
    assert_false(sfns_payment_later(&cur, &(hs_datetime){.year = 2023, .month = 12, .day = 31}, 9));
}

/* ---- reading records ----------------------------------------------------------------------- */

static sfns_invoices read_settings(hs_ctx *ctx)
{
    sfns_invoices s;
    hs_status st = sfns_invoices_read(ctx, &s);
    if (st != HS_OK)
        fail_msg("settings refused: %s", sfns_api->ctx_last_error(ctx, NULL));
    return s;
}

/* Reads `record` with the settings of ctx; *errors gets the problems. */
static int read_one(hs_ctx *ctx, const sfns_invoices *s, const char *record, sfns_tx *tx,
                    hs_json **errors)
{
    sfns_page_rec pr = {value(record), 2, -1};
    *errors = NULL;
    return sfns_tx_read(ctx, s, &pr, 20, tx, errors);
}

/* The code and message of error i. */
static const char *err_code(hs_json *errors, size_t i)
{
    return sfns_api->json_string(NULL, sfns_api->json_get(sfns_api->json_at(errors, i), "code"),
                                 NULL, "");
}

static const char *err_msg(hs_json *errors, size_t i)
{
    return sfns_api->json_string(NULL, sfns_api->json_get(sfns_api->json_at(errors, i), "message"),
                                 NULL, "");
}

static void test_read_saved_search_invoice(void **state)
{
    (void)state;
    hs_ctx *ctx = ctx_with("{}");
    sfns_invoices s = read_settings(ctx);
    sfns_tx tx;
    hs_json *errors;
    assert_int_equal(
        read_one(ctx, &s,
                 "{\"id\": \"439\", \"recordType\": \"invoice\", \"tranid\": \"2187\","
                 " \"entity\": {\"internalId\": \"854\", \"externalId\": \"0015g00000Hrb1Q\"},"
                 " \"createdFrom\": {\"internalId\": \"77\", \"externalId\": "
                 "\"0065g00000AbC1dAAF\"},"
                 " \"trandate\": \"2011-01-01T00:00:00.000-08:00\", \"dueDate\": \"2011-01-31\","
                 " \"total\": 15993.6, \"amountRemaining\": \"15993.60\", \"amountPaid\": 0.0,"
                 " \"currency\": {\"internalId\": \"1\", \"name\": \"usd\"}, \"status\": "
                 "\"Open\"}",
                 &tx, &errors),
        1);
    assert_null(errors);
    assert_int_equal(tx.kind, SFNS_TX_INVOICE);
    assert_string_equal(tx.id, "439");
    assert_string_equal(tx.number, "2187");
    assert_string_equal(sfns_tx_label(ctx, &tx),
                        "NetSuite invoice 2187 (internal id 439, record 3 of 20)");
    assert_string_equal(tx.account, "0015g00000Hrb1QAAR"); /* 15 -> 18 characters */
    assert_string_equal(tx.opportunity, "0065g00000AbC1dAAF");
    assert_string_equal(tx.currency_code, "USD");
    /* the SOAP date-time of a date field keeps the date written, not its UTC date */
    assert_int_equal(tx.trandate.year, 2011);
    assert_int_equal(tx.trandate.month, 1);
    assert_int_equal(tx.trandate.day, 1);
    assert_int_equal(tx.duedate.day, 31);
    assert_dec(tx.total, "15993.6");
    assert_dec(tx.due, "15993.6");
    assert_dec(tx.paid, "0");
    assert_false(tx.status_paid);
}

static void test_read_suiteql_and_settings(void **state)
{
    (void)state;
    hs_ctx *ctx = ctx_with(
        "{\"settings\": {\"sfns\": {\"invoices\": {"
        "\"netsuiteDateFormat\": \"YYYY-MM-DD H:mm:ss\","
        " \"opportunityIdFields\": \"custbody_opp\", \"accountIdFields\": [\"Customer : SF "
        "Id\"]}}}}");
    sfns_invoices s = read_settings(ctx);
    sfns_tx tx;
    hs_json *errors;
    /* SuiteQL: type letters, lower-case columns, foreign amounts, single-digit hours */
    assert_int_equal(read_one(ctx, &s,
                              "{\"id\": 5914, \"type\": \"CustInvc\", \"trandate\": \"2017-05-07 "
                              "0:00:00\", \"duedate\": \"2017-05-05 0:00:00\", \"foreigntotal\": "
                              "\"120.5\", \"foreignamountunpaid\": \"20.5\", \"status\": \"B\","
                              " \"custbody_opp\": \"0065g00000AbC1d\", \"Customer : SF Id\": "
                              "\"0015g00000Kt7ZpAAJ\"}",
                              &tx, &errors),
                     1);
    assert_null(errors);
    assert_int_equal(tx.kind, SFNS_TX_INVOICE);
    assert_string_equal(tx.id, "5914");
    assert_string_equal(tx.opportunity, "0065g00000AbC1dAAF");
    assert_string_equal(tx.account, "0015g00000Kt7ZpAAJ");
    assert_int_equal(tx.duedate.day, 5);
    assert_dec(tx.total, "120.5");
    assert_dec(tx.due, "20.5");
    assert_true(tx.status_paid); /* "B" is Paid In Full */
    assert_null(tx.currency);

    /* the account's date format: D/M/YYYY reads 3/5/2024 as 3 May */
    ctx = ctx_with("{\"settings\": {\"sfns\": {\"invoices\": {\"netsuiteDateFormat\": "
                   "\"D/M/YYYY\", \"defaultRecordType\": \"creditmemo\"}}}}");
    s = read_settings(ctx);
    assert_int_equal(read_one(ctx, &s,
                              "{\"internalId\": \"9\", \"trandate\": \"3/5/2024\", \"total\": "
                              "\"-40.00\", \"unapplied\": \"-15\", \"entity\": {\"externalId\": "
                              "\"0015g00000Kt7ZpAAJ\"}, \"apply\": {\"items\": [{\"doc\": "
                              "{\"id\": \"12\"}, \"amount\": 25, \"apply\": \"T\"}]}}",
                              &tx, &errors),
                     1);
    assert_null(errors);
    assert_int_equal(tx.kind, SFNS_TX_CREDIT); /* defaultRecordType */
    assert_int_equal(tx.trandate.month, 5);
    assert_int_equal(tx.trandate.day, 3);
    assert_dec(tx.total, "40"); /* SuiteQL's negative credits read without their sign */
    assert_dec(tx.unapplied, "15");
    assert_int_equal(tx.napply, 1);
    assert_string_equal(tx.apply[0].invoice, "12");
    assert_dec(tx.apply[0].amount, "25");
}

static void test_read_payment_shapes(void **state)
{
    (void)state;
    hs_ctx *ctx = ctx_with("{}");
    sfns_invoices s = read_settings(ctx);
    sfns_tx tx;
    hs_json *errors;
    /* SOAP applyList rendered as JSON: {"apply": [...]}; lines not applied are left out; two
     * lines to one invoice are added up */
    assert_int_equal(
        read_one(ctx, &s,
                 "{\"internalId\": \"501\", \"recordType\": \"customerPayment\", \"tranId\": "
                 "\"P-7\", \"customer\": {\"internalId\": \"854\", \"externalId\": "
                 "\"0015g00000Hrb1QAAR\"}, \"tranDate\": \"2024-04-10T00:00:00.000-07:00\", "
                 "\"payment\": 700.0, \"unapplied\": 0.0, \"applyList\": {\"apply\": ["
                 "{\"apply\": true, \"doc\": 439, \"amount\": 400.0},"
                 "{\"apply\": false, \"doc\": 440, \"amount\": 300.0},"
                 "{\"apply\": true, \"doc\": 441, \"amount\": 250.0},"
                 "{\"apply\": true, \"doc\": \"439\", \"amount\": \"50.25\"},"
                 "{\"apply\": true, \"doc\": 442, \"amount\": 0}], \"replaceAll\": false}}",
                 &tx, &errors),
        1);
    assert_null(errors);
    assert_int_equal(tx.kind, SFNS_TX_PAYMENT);
    assert_string_equal(sfns_tx_label(ctx, &tx),
                        "NetSuite customer payment P-7 (internal id 501, record 3 of 20)");
    assert_string_equal(tx.account, "0015g00000Hrb1QAAR");
    assert_null(tx.opportunity);
    assert_dec(tx.total, "700");
    assert_int_equal(tx.napply, 2);
    assert_string_equal(tx.apply[0].invoice, "439");
    assert_dec(tx.apply[0].amount, "450.25");
    assert_string_equal(tx.apply[1].invoice, "441");

    /* a saved-search row per application: appliedtotransaction / appliedtolinkamount */
    assert_int_equal(read_one(ctx, &s,
                              "{\"id\": \"502\", \"recordType\": \"customerpayment\", "
                              "\"trandate\": \"2024-05-02\", \"amount\": \"600.00\", "
                              "\"appliedToTransaction\": {\"internalId\": \"439\", \"name\": "
                              "\"Invoice #2187\"}, \"appliedToLinkAmount\": \"600.00\"}",
                              &tx, &errors),
                     1);
    assert_int_equal(tx.napply, 1);
    assert_string_equal(tx.apply[0].invoice, "439");
    assert_dec(tx.apply[0].amount, "600");
    /* no account: skipped by default, no error */
    assert_null(errors);
    assert_null(tx.account);
}

static void test_read_errors(void **state)
{
    (void)state;
    hs_ctx *ctx = ctx_with("{\"settings\": {\"sfns\": {\"invoices\": {\"unlinkedTransactions\": "
                           "\"error\"}}}}");
    sfns_invoices s = read_settings(ctx);
    sfns_tx tx;
    hs_json *errors;
    struct {
        const char *record;
        int result;
        const char *code;
        const char *message;
    } cases[] = {
        {"[1, 2]", 0, "invalid_record",
         "NetSuite record (record 3 of 20) is not an object (a NetSuite record)."},
        {"{\"id\": \"1\", \"recordType\": \"salesorder\"}", 0, "unsupported_record_type",
         "NetSuite record 1 (record 3 of 20) has record type \"salesorder\": sfnsInvoiceStatus "
         "reads invoices, customer payments and credit memos; leave other records out of the "
         "export."},
        {"{\"id\": \"1\", \"total\": 5}", 0, "missing_record_type",
         "NetSuite record 1 (record 3 of 20) has no recordType (nor type): add the record type "
         "to the export, or set settings.sfns.invoices.defaultRecordType when it exports one "
         "type only."},
        {"{\"recordType\": \"invoice\", \"tranid\": \"INV-9\"}", 0, "missing_id",
         "NetSuite invoice INV-9 (record 3 of 20) has no internal id (id or internalid): add it "
         "to the export; payments name invoices by it."},
        {"{\"id\": \"7\", \"recordType\": \"invoice\", \"total\": \"12,50\", \"entity\": "
         "{\"externalId\": \"0015g00000Hrb1QAAR\"}}",
         0, "bad_amount",
         "NetSuite invoice 7 (record 3 of 20) has total \"12,50\", not an amount (a number, or "
         "decimal text such as \"1234.50\")."},
        {"{\"id\": \"7\", \"recordType\": \"invoice\", \"total\": -3, \"entity\": "
         "{\"externalId\": \"0015g00000Hrb1QAAR\"}}",
         0, "bad_amount", "NetSuite invoice 7 (record 3 of 20) has total \"-3\", below zero."},
        {"{\"id\": \"7\", \"recordType\": \"invoice\", \"amountremaining\": 3, \"entity\": "
         "{\"externalId\": \"0015g00000Hrb1QAAR\"}}",
         0, "missing_amount",
         "NetSuite invoice 7 (record 3 of 20) has no total (total, foreigntotal or amount): add "
         "the invoice total to the export."},
        {"{\"id\": \"7\", \"recordType\": \"invoice\", \"total\": 3, \"duedate\": \"3/5/2024\", "
         "\"entity\": {\"externalId\": \"0015g00000Hrb1QAAR\"}}",
         0, "bad_date",
         "NetSuite invoice 7 (record 3 of 20) has duedate \"3/5/2024\", not an ISO 8601 date "
         "(\"2024-03-05\"); set settings.sfns.invoices.netsuiteDateFormat to the account's date "
         "format (\"M/D/YYYY\", ...)."},
        {"{\"id\": \"7\", \"recordType\": \"invoice\", \"total\": 3, \"entity\": "
         "{\"externalId\": \"0015g00000Hrb1QAAR\"}, \"custbody_sf_opportunity_id\": "
         "\"0015g00000Hrb1QAAR\"}",
         1, "bad_opportunity_id",
         "NetSuite invoice 7 (record 3 of 20) has custbody_sf_opportunity_id "
         "\"0015g00000Hrb1QAAR\", which is not a Salesforce Opportunity Id (those start with "
         "006)."},
        {"{\"id\": \"7\", \"recordType\": \"invoice\", \"total\": 3, \"entity\": "
         "{\"externalId\": \"0015g00000Hrb1qAAR\"}}",
         1, "bad_account_id",
         "NetSuite invoice 7 (record 3 of 20) has entity.externalId \"0015g00000Hrb1qAAR\", "
         "which is not a Salesforce Account Id: it has a checksum (its last 3 characters) that "
         "does not match its first 15 characters."},
        {"{\"id\": \"7\", \"recordType\": \"invoice\", \"total\": 3}", 1, "no_account",
         "NetSuite invoice 7 (record 3 of 20) names no Salesforce Account "
         "(settings.sfns.invoices.accountIdFields: entity.externalId, ...): the customer has no "
         "external id, or the export does not select it."},
        {"{\"id\": \"8\", \"recordType\": \"customerpayment\", \"payment\": 5, \"entity\": "
         "{\"externalId\": \"0015g00000Hrb1QAAR\"}}",
         0, "missing_date",
         "NetSuite customer payment 8 (record 3 of 20) has no trandate: a payment's date is its "
         "last-payment date."},
        {"{\"id\": \"8\", \"recordType\": \"customerpayment\", \"trandate\": \"2024-01-01\", "
         "\"entity\": {\"externalId\": \"0015g00000Hrb1QAAR\"}}",
         0, "missing_amount",
         "NetSuite customer payment 8 (record 3 of 20) has no amount (payment, total or "
         "amount): add it to the export."},
        {"{\"id\": \"8\", \"recordType\": \"customerpayment\", \"trandate\": \"2024-01-01\", "
         "\"payment\": 1, \"entity\": {\"externalId\": \"0015g00000Hrb1QAAR\"}, \"apply\": "
         "[{\"amount\": 1}]}",
         0, "bad_apply_line",
         "NetSuite customer payment 8 (record 3 of 20) has apply line 1 of 1 without the "
         "invoice it applies to (doc)."},
        {"{\"id\": \"8\", \"recordType\": \"customerpayment\", \"trandate\": \"2024-01-01\", "
         "\"payment\": 1, \"entity\": {\"externalId\": \"0015g00000Hrb1QAAR\"}, \"apply\": "
         "[{\"doc\": \"5\", \"amount\": true}]}",
         0, "bad_amount",
         "NetSuite customer payment 8 (record 3 of 20) has apply line 1 of 1 (invoice 5) with "
         "amount \"true\", not an amount."},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got = read_one(ctx, &s, cases[i].record, &tx, &errors);
        if (got != cases[i].result || sfns_api->json_len(errors) < 1)
            fail_msg("case %zu: result %d (expected %d), %zu errors", i, got, cases[i].result,
                     sfns_api->json_len(errors));
        assert_string_equal(err_code(errors, 0), cases[i].code);
        if (strcmp(err_msg(errors, 0), cases[i].message) != 0)
            fail_msg("case %zu:\n  expected %s\n  got      %s", i, cases[i].message,
                     err_msg(errors, 0));
        assert_string_equal(
            sfns_api->json_string(NULL, sfns_api->json_get(sfns_api->json_at(errors, 0), "source"),
                                  NULL, ""),
            "sfns");
        assert_int_equal(tx.failed, cases[i].result == 0);
    }
}

static void test_merge_rows(void **state)
{
    (void)state;
    hs_ctx *ctx = ctx_with("{}");
    sfns_invoices s = read_settings(ctx);
    sfns_tx a, b;
    hs_json *errors = NULL;
    const char *row1 = "{\"id\": \"502\", \"recordType\": \"customerpayment\", \"trandate\": "
                       "\"2024-05-02\", \"payment\": \"900.00\", \"appliedtotransaction\": "
                       "\"439\", \"appliedtolinkamount\": \"600.00\"}";
    const char *row2 = "{\"id\": \"502\", \"recordType\": \"customerpayment\", \"trandate\": "
                       "\"2024-05-02\", \"payment\": \"900\", \"appliedtotransaction\": "
                       "\"440\", \"appliedtolinkamount\": \"300.00\", \"customer\": "
                       "{\"externalId\": \"0015g00000Hrb1QAAR\"}}";
    assert_int_equal(read_one(ctx, &s, row1, &a, &errors), 1);
    assert_int_equal(read_one(ctx, &s, row2, &b, &errors), 1);
    assert_int_equal(sfns_tx_merge(ctx, &a, &b, &errors), 1);
    assert_null(errors);
    assert_int_equal(a.napply, 2);
    assert_string_equal(a.apply[1].invoice, "440");
    assert_string_equal(a.account, "0015g00000Hrb1QAAR"); /* taken from the second row */
    /* the same row again changes nothing */
    assert_int_equal(sfns_tx_merge(ctx, &a, &b, &errors), 1);
    assert_int_equal(a.napply, 2);
    assert_false(a.failed);
    /* a row with another total: the rows disagree */
    const char *row3 = "{\"id\": \"502\", \"recordType\": \"customerpayment\", \"trandate\": "
                       "\"2024-05-02\", \"payment\": \"300\"}";
    sfns_tx c;
    c.index = 0;
    assert_int_equal(read_one(ctx, &s, row3, &c, &errors), 1);
    c.index = 6;
    assert_int_equal(sfns_tx_merge(ctx, &a, &c, &errors), 0);
    assert_true(a.failed);
    assert_string_equal(err_code(errors, 0), "duplicate_record");
    assert_string_equal(err_msg(errors, 0),
                        "NetSuite customer payment 502 (record 3 of 20) appears again at record "
                        "7 with another total (900.00, then 300): the export must give one row "
                        "per transaction (in a saved search, Main Line true), or for payments "
                        "one row per invoice applied.");
}

static void test_field_paths(void **state)
{
    (void)state;
    ctx_with("{}");
    hs_json *rec = value("{\"Entity\": {\"externalId\": \"A\", \"currency\": null}, "
                         "\"customer\": {\"internalId\": \"7\"}, \"customer.currency\": \"EUR\", "
                         "\"createdfrom.externalid\": \"B\", \"x.y\": \"literal\", \"x\": {\"y\": "
                         "\"nested\"}}");
    const char *t = NULL;
    /* steps, in any key case */
    t = sfns_api->json_string(NULL, sfns_invoice_path(rec, "entity.externalId"), NULL, "(absent)");
    assert_string_equal(t, "A");
    /* steps win over a key spelt with the dots */
    t = sfns_api->json_string(NULL, sfns_invoice_path(rec, "x.y"), NULL, "(absent)");
    assert_string_equal(t, "nested");
    /* the last step missing: the dotted key */
    t = sfns_api->json_string(NULL, sfns_invoice_path(rec, "customer.currency"), NULL, "(absent)");
    assert_string_equal(t, "EUR");
    /* the first step missing: the dotted key, in any case */
    t = sfns_api->json_string(NULL, sfns_invoice_path(rec, "createdFrom.externalId"), NULL,
                              "(absent)");
    assert_string_equal(t, "B");
    /* a step holding null is there: it is not replaced by a dotted key */
    assert_int_equal(sfns_api->json_type(sfns_invoice_path(rec, "entity.currency")), HS_JSON_NULL);
    assert_null(sfns_invoice_path(rec, "entity.name"));
    assert_null(sfns_invoice_path(rec, "nothing"));
}

static void test_page_records(void **state)
{
    (void)state;
    hs_ctx *ctx = ctx_with("{}");
    sfns_page_rec *recs = NULL;
    size_t n = 0;
    hs_json *data = value("[{\"id\": \"1\"}, {\"rows\": [{\"id\": \"2\"}, {\"id\": \"3\"}]},"
                          " [{\"id\": \"4\"}], 7, {\"rows\": []}]");
    assert_int_equal(sfns_page_records(ctx, data, &recs, &n), HS_OK);
    assert_int_equal(n, 5);
    assert_int_equal(recs[0].index, 0);
    assert_int_equal(recs[0].row, -1);
    assert_int_equal(recs[2].index, 1);
    assert_int_equal(recs[2].row, 1);
    assert_int_equal(recs[3].index, 2);
    assert_int_equal(recs[3].row, 0);
    assert_int_equal(recs[4].index, 3);
    assert_int_equal(sfns_api->json_type(recs[4].rec), HS_JSON_NUMBER);
    sfns_invoices s = read_settings(ctx);
    sfns_tx tx;
    hs_json *errors = NULL;
    assert_int_equal(sfns_tx_read(ctx, &s, &recs[2], 5, &tx, &errors), 0);
    assert_string_equal(err_msg(errors, 0), "NetSuite record 3 (record 2 of 5, row 2) has no "
                                            "recordType (nor type): add the record type to the "
                                            "export, or set "
                                            "settings.sfns.invoices.defaultRecordType when it "
                                            "exports one type only.");
}

/* ---- conversion into the account's currency ------------------------------------------------ */

#define FX_SETTINGS                                                                                \
    "{\"settings\": {\"sfns\": {\"currency\": {\"corporateCurrency\": \"USD\", \"netsuiteIds\": "  \
    "{\"USD\": \"1\", \"EUR\": 4}, \"maxRateAgeDays\": 90, \"rates\": [{\"currency\": \"EUR\", "   \
    "\"rate\": \"0.92\", \"date\": \"2024-01-01\"}, {\"currency\": \"EUR\", \"rate\": \"0.90\", "  \
    "\"date\": \"2024-06-01\"}, {\"currency\": \"JPY\", \"rate\": 150}]}, \"invoices\": "          \
    "{\"convertToAccountCurrency\": true, \"accountCurrencyFields\": [\"custbody_acct_cur\"] "     \
    "%s}}}}"

static hs_ctx *fx_ctx(const char *extra)
{
    char buf[2048];
    snprintf(buf, sizeof(buf), FX_SETTINGS, extra);
    return ctx_with(buf);
}

/* Reads `record` and sets up its conversion; returns what the setup returned. */
static int fx_one(hs_ctx *ctx, const sfns_invoices *s, const char *record, sfns_tx *tx,
                  hs_json **errors)
{
    assert_true(read_one(ctx, s, record, tx, errors) >= 0);
    hs_datetime now = instant(ctx, "2024-06-15T02:00:00Z");
    return sfns_invoice_fx_setup(ctx, s, &now, tx, errors);
}

static hs_decimal converted(hs_ctx *ctx, const sfns_invoices *s, const sfns_tx *tx,
                            const char *amount)
{
    hs_decimal out = HS_DECIMAL(0, 0);
    assert_int_equal(sfns_invoice_fx_amount(ctx, s, tx, D(amount), &out), HS_OK);
    return out;
}

static void test_conversion(void **state)
{
    (void)state;
    hs_ctx *ctx = fx_ctx("");
    sfns_invoices s = read_settings(ctx);
    sfns_tx tx;
    hs_json *errors;
    /* the invoice's currency by NetSuite id (netsuiteIds), the customer's by ISO code; the rate
     * of the transaction date */
    assert_int_equal(fx_one(ctx, &s,
                            "{\"id\": \"1\", \"recordType\": \"invoice\", \"total\": 1000, "
                            "\"trandate\": \"2024-03-01\", \"currency\": {\"internalId\": "
                            "\"4\", \"name\": \"Euro\"}, \"custbody_acct_cur\": \"usd\"}",
                            &tx, &errors),
                     1);
    assert_null(errors);
    assert_string_equal(tx.out_currency, "USD");
    assert_dec(converted(ctx, &s, &tx, "1000.00"), "1086.96"); /* 1000 / 0.92 */
    assert_dec(converted(ctx, &s, &tx, "0"), "0");
    /* a payment in June: the June rate */
    assert_int_equal(fx_one(ctx, &s,
                            "{\"id\": \"2\", \"recordType\": \"customerpayment\", "
                            "\"payment\": 600, \"trandate\": \"2024-06-10\", \"currency\": "
                            "\"EUR\", \"custbody_acct_cur\": {\"internalId\": \"1\"}}",
                            &tx, &errors),
                     1);
    assert_dec(converted(ctx, &s, &tx, "600"), "666.67");
    /* into a currency without minor units */
    assert_int_equal(fx_one(ctx, &s,
                            "{\"id\": \"3\", \"recordType\": \"invoice\", \"total\": 10, "
                            "\"trandate\": \"2024-06-10\", \"currency\": \"USD\", "
                            "\"custbody_acct_cur\": \"JPY\"}",
                            &tx, &errors),
                     1);
    assert_dec(converted(ctx, &s, &tx, "10.01"), "1502");
    /* same currency: nothing converted */
    assert_int_equal(fx_one(ctx, &s,
                            "{\"id\": \"4\", \"recordType\": \"invoice\", \"total\": 10, "
                            "\"trandate\": \"2024-06-10\", \"currency\": \"USD\", "
                            "\"custbody_acct_cur\": \"USD\"}",
                            &tx, &errors),
                     1);
    assert_dec(converted(ctx, &s, &tx, "10.01"), "10.01");

    /* errors: each names what to add */
    struct {
        const char *record;
        const char *code;
        const char *message;
    } cases[] = {
        {"{\"id\": \"5\", \"recordType\": \"invoice\", \"total\": 1, \"trandate\": "
         "\"2024-06-10\", \"currency\": \"9\", \"custbody_acct_cur\": \"USD\"}",
         "unknown_currency",
         "NetSuite invoice 5 (record 3 of 20) has currency \"9\", which is neither an ISO 4217 "
         "code nor a NetSuite currency id listed in settings.sfns.currency.netsuiteIds."},
        {"{\"id\": \"5\", \"recordType\": \"invoice\", \"total\": 1, \"trandate\": "
         "\"2024-06-10\", \"custbody_acct_cur\": \"USD\"}",
         "unknown_currency",
         "NetSuite invoice 5 (record 3 of 20) names no currency: add currency to the export, or "
         "set settings.sfns.currency.defaultCurrency."},
        {"{\"id\": \"5\", \"recordType\": \"invoice\", \"total\": 1, \"trandate\": "
         "\"2024-06-10\", \"currency\": \"EUR\"}",
         "no_account_currency",
         "NetSuite invoice 5 (record 3 of 20) does not say the currency of its customer's "
         "balance (settings.sfns.invoices.accountCurrencyFields: custbody_acct_cur): add it to "
         "the export, or set settings.sfns.invoices.accountCurrency."},
        {"{\"id\": \"5\", \"recordType\": \"invoice\", \"total\": 1, \"currency\": "
         "\"EUR\", \"custbody_acct_cur\": \"USD\"}",
         "missing_date",
         "NetSuite invoice 5 (record 3 of 20) has no trandate, the date its amounts are "
         "converted on (settings.sfns.invoices.conversionDate is \"transaction\")."},
        {"{\"id\": \"5\", \"recordType\": \"invoice\", \"total\": 1, \"trandate\": "
         "\"2023-12-31\", \"currency\": \"EUR\", \"custbody_acct_cur\": \"USD\"}",
         "missing_rate", NULL},
        {"{\"id\": \"5\", \"recordType\": \"invoice\", \"total\": 1, \"trandate\": "
         "\"2024-05-31\", \"currency\": \"EUR\", \"custbody_acct_cur\": \"USD\"}",
         "stale_rate", NULL},
        {"{\"id\": \"5\", \"recordType\": \"invoice\", \"total\": 1, \"trandate\": "
         "\"2024-06-10\", \"currency\": \"EUR\", \"custbody_acct_cur\": \"GBP\"}",
         "missing_rate", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (fx_one(ctx, &s, cases[i].record, &tx, &errors) != 0)
            fail_msg("case %zu was converted", i);
        assert_true(tx.failed);
        assert_string_equal(err_code(errors, 0), cases[i].code);
        if (cases[i].message && strcmp(err_msg(errors, 0), cases[i].message) != 0)
            fail_msg("case %zu:\n  expected %s\n  got      %s", i, cases[i].message,
                     err_msg(errors, 0));
        if (!cases[i].message &&
            strncmp(err_msg(errors, 0),
                    "NetSuite invoice 5 (record 3 of 20) cannot be converted into its customer's "
                    "currency ",
                    80) != 0)
            fail_msg("case %zu: %s", i, err_msg(errors, 0));
    }

    /* accountCurrency for every customer; the run date (in netsuiteTimeZone) instead of the
     * transaction's: 2024-06-15T02:00Z is 14 June in Los Angeles, on the June rate */
    ctx = fx_ctx(", \"accountCurrency\": \"USD\", \"conversionDate\": \"run\", "
                 "\"netsuiteTimeZone\": \"America/Los_Angeles\"");
    s = read_settings(ctx);
    assert_int_equal(fx_one(ctx, &s,
                            "{\"id\": \"6\", \"recordType\": \"invoice\", \"total\": 90, "
                            "\"trandate\": \"2023-01-01\", \"currency\": \"EUR\"}",
                            &tx, &errors),
                     1);
    assert_dec(converted(ctx, &s, &tx, "90"), "100");
    /* without convertToAccountCurrency nothing is converted and the record's currency stays */
    ctx = ctx_with("{}");
    s = read_settings(ctx);
    assert_int_equal(fx_one(ctx, &s,
                            "{\"id\": \"7\", \"recordType\": \"invoice\", \"total\": 90, "
                            "\"currency\": {\"internalId\": \"4\"}}",
                            &tx, &errors),
                     1);
    assert_string_equal(tx.out_currency, "4");
    assert_dec(converted(ctx, &s, &tx, "90.005"), "90.005");
}

/* ---- settings ------------------------------------------------------------------------------ */

static void refused(const char *invoices_json, const char *message)
{
    char buf[2048];
    snprintf(buf, sizeof(buf), "{\"settings\": {\"sfns\": {\"invoices\": %s}}}", invoices_json);
    hs_ctx *ctx = ctx_with(buf);
    sfns_invoices s;
    assert_int_equal(sfns_invoices_read(ctx, &s), HS_ERR_FAILED);
    const char *got = ctx->call->fail_message ? ctx->call->fail_message : "";
    assert_string_equal(ctx->call->fail_code ? ctx->call->fail_code : "", "invalid_setting");
    if (strcmp(got, message) != 0)
        fail_msg("settings %s:\n  expected %s\n  got      %s", invoices_json, message, got);
}

static void test_settings(void **state)
{
    (void)state;
    hs_ctx *ctx = ctx_with("{}");
    sfns_invoices s = read_settings(ctx);
    assert_string_equal(s.type_field, "recordType");
    assert_int_equal(s.opportunity_fields.n, 2);
    assert_string_equal(s.opportunity_fields.paths[1], "createdfrom.externalId");
    assert_string_equal(s.time_zone, "UTC");
    assert_string_equal(s.labels[SFNS_INV_PARTIAL], "Partially Paid");
    assert_string_equal(s.opportunity_out[SFNS_OO_DUE], "NetSuite_Amount_Due__c");
    assert_null(s.invoice_object);
    assert_null(s.invoice_out[SFNS_IO_CURRENCY]);
    assert_true(s.opportunity_rollup && s.account_rollup && s.net_unapplied);

    ctx = ctx_with("{\"settings\": {\"sfns\": {\"invoices\": {\"statusLabels\": {\"paid\": "
                   "\"Paid\"}, \"opportunityOutput\": {\"amountInvoiced\": \"\", \"status\": "
                   "\"Invoice_Status__c\"}, \"invoiceObject\": \"NS_Invoice__c\", "
                   "\"accountRollup\": false, \"netsuiteTimeZone\": \"Europe/Paris\"}}}}");
    s = read_settings(ctx);
    assert_string_equal(s.labels[SFNS_INV_PAID], "Paid");
    assert_string_equal(s.labels[SFNS_INV_OPEN], "Open");
    assert_null(s.opportunity_out[SFNS_OO_INVOICED]); /* "" leaves it out */
    assert_string_equal(s.opportunity_out[SFNS_OO_STATUS], "Invoice_Status__c");
    assert_string_equal(s.invoice_object, "NS_Invoice__c");
    assert_false(s.account_rollup);

    refused("{\"recordTypeFeild\": \"x\"}",
            "settings.sfns.invoices: unknown key \"recordTypeFeild\" (check its spelling)");
    refused("[]", "settings.sfns.invoices: must be an object, got an array");
    refused("{\"recordTypeField\": \"\"}",
            "settings.sfns.invoices.recordTypeField: must name a field (a non-empty string)");
    refused("{\"defaultRecordType\": \"salesorder\"}",
            "settings.sfns.invoices.defaultRecordType: \"salesorder\" is not one of \"invoice\", "
            "\"customerpayment\", \"creditmemo\"");
    refused("{\"opportunityIdFields\": []}",
            "settings.sfns.invoices.opportunityIdFields: must name at least one field");
    refused("{\"accountIdFields\": [\"entity.externalId\", 3]}",
            "settings.sfns.invoices.accountIdFields: element 1 must be a field name (a "
            "non-empty string)");
    refused("{\"accountIdFields\": {}}",
            "settings.sfns.invoices.accountIdFields: must be an array of field names (or one "
            "field name)");
    refused("{\"netsuiteDateFormat\": \"M/D/YY\"}",
            "settings.sfns.invoices.netsuiteDateFormat: \"M/D/YY\" is not a date pattern (for "
            "example \"M/D/YYYY\" or \"D.M.YYYY\")");
    refused("{\"netsuiteTimeZone\": \"Mars/Olympus\"}",
            "settings.sfns.invoices.netsuiteTimeZone: \"Mars/Olympus\" is not a time zone (an "
            "IANA name such as \"America/Los_Angeles\", or \"UTC\")");
    refused("{\"statusLabels\": {\"late\": \"Late\"}}",
            "settings.sfns.invoices.statusLabels: unknown key \"late\" (check its spelling)");
    refused("{\"statusLabels\": {\"overdue\": \"\"}}",
            "settings.sfns.invoices.statusLabels.overdue: must be a non-empty text");
    refused("{\"opportunityRollup\": \"yes\"}",
            "settings.sfns.invoices.opportunityRollup: must be true or false, got a string");
    refused("{\"accountOutput\": {\"openBalance\": 5}}",
            "settings.sfns.invoices.accountOutput.openBalance: must be a string, got a number");
    refused("{\"invoiceObject\": \"X__c\", \"invoiceOutput\": {\"netsuiteId\": \"\"}}",
            "settings.sfns.invoices.invoiceOutput.netsuiteId: must name the field the "
            "per-invoice records are upserted by, since invoiceObject is set");
    refused("{\"accountCurrency\": \"usd\"}",
            "settings.sfns.invoices.accountCurrency: \"usd\" is not an ISO 4217 currency code "
            "(three upper-case letters such as \"USD\"; give other codes their places in "
            "settings.sfns.currency.minorUnits)");
    refused("{\"conversionDate\": \"today\"}",
            "settings.sfns.invoices.conversionDate: \"today\" is not one of \"transaction\", "
            "\"run\"");
    refused("{\"accountCurrencyFields\": \"\"}",
            "settings.sfns.invoices.accountCurrencyFields: element 0 must be a field name (a "
            "non-empty string)");
    refused("{\"unlinkedTransactions\": \"ignore\"}",
            "settings.sfns.invoices.unlinkedTransactions: \"ignore\" is not one of \"skip\", "
            "\"error\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_days_past_due, teardown),
        cmocka_unit_test_teardown(test_classify, teardown),
        cmocka_unit_test_teardown(test_amount_due, teardown),
        cmocka_unit_test(test_rollup_status),
        cmocka_unit_test_teardown(test_rollup_sums, teardown),
        cmocka_unit_test(test_rollup_currency),
        cmocka_unit_test(test_payment_later),
        cmocka_unit_test_teardown(test_read_saved_search_invoice, teardown),
        cmocka_unit_test_teardown(test_read_suiteql_and_settings, teardown),
        cmocka_unit_test_teardown(test_read_payment_shapes, teardown),
        cmocka_unit_test_teardown(test_read_errors, teardown),
        cmocka_unit_test_teardown(test_merge_rows, teardown),
        cmocka_unit_test_teardown(test_field_paths, teardown),
        cmocka_unit_test_teardown(test_page_records, teardown),
        cmocka_unit_test_teardown(test_conversion, teardown),
        cmocka_unit_test_teardown(test_settings, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
