/* test_sfns_invoices.c — sfnsInvoiceStatus called over POST /function as integrator.io calls a
 * preSavePage hook, on the real NetSuite sample records under $HS_SHARED_DIR/data (read at run
 * time, converted into the JSON shapes NetSuite exports take):
 *
 *  - the two SOAP invoices (get_invoice.xml, initialize_invoice_from_customer.xml) as SOAP
 *    records rendered as JSON: amount due, status and days overdue as of a fixed run time, checked
 *    against the XML's own amountRemaining / total and a day count the test makes itself, and the
 *    Account roll-up adding them up;
 *  - the SOAP-schema JSON invoice and credit memo of the Python SDK sample (no internal id, no
 *    amounts): each gets the documented per-record error naming it, and nothing is written;
 *  - the SuiteQL transaction rows (VendBill): refused as a type this function does not read, and,
 *    relabelled as customer invoices with a test total, read with the SuiteQL date format: the
 *    status letters B (paid in full) and A (open), days overdue from their due dates, and the
 *    row the sample repeats (two versions of transaction 302) merged into one invoice.
 *
 * The sample customers carry no Salesforce Ids, so the test gives each NetSuite customer id an
 * Account Id of its own making; every Id written is then checked as a valid 18-character Id of
 * the right object. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integration/harness.h"

static struct hst_server srv;
static const char *shared;

static int group_setup(void **state)
{
    (void)state;
    shared = getenv("HS_SHARED_DIR");
    /* The sfns module alone (build/modules/sfns.so), whatever else hooks/ holds. */
    const char *mods = hst_hook_module_dir("sfns");
    if (shared == NULL || mods == NULL)
        return -1;
    const char *args[] = {"--modules", mods, NULL};
    return hst_server_start_raw(&srv, args, NULL);
}

static int group_teardown(void **state)
{
    (void)state;
    hst_server_stop(&srv, 0, 10000);
    return 0;
}

static char *slurp(const char *name)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/data/%s", shared, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* Calls sfnsInvoiceStatus with options {currentExportDateTime, settings: {sfns: sfns}, data};
 * returns the answer (caller frees), checked against the preSavePage contract. */
static cJSON *call(const char *now, cJSON *sfns, cJSON *data)
{
    cJSON *req = cJSON_CreateObject();
    cJSON_AddTrueToObject(req, "diy");
    cJSON_AddStringToObject(req, "function", "sfnsInvoiceStatus");
    cJSON *opts = cJSON_AddObjectToObject(req, "options");
    cJSON_AddStringToObject(opts, "currentExportDateTime", now);
    cJSON *settings = cJSON_AddObjectToObject(opts, "settings");
    cJSON_AddItemToObject(settings, "sfns", sfns);
    cJSON_AddItemToObject(opts, "data", data);
    char *body = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    struct hst_response r;
    assert_int_equal(hst_post_function(&srv, body, &r), 0);
    free(body);
    if (r.status != 200)
        fail_msg("sfnsInvoiceStatus answered %ld: %s", r.status, r.body);
    cJSON *out = cJSON_Parse(r.body);
    hst_response_free(&r);
    assert_non_null(out);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(out, "data")));
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(out, "errors")));
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(out, "abort")));
    return out;
}

/* ---- checks made without the module ------------------------------------------------------- */

static int sfid_valid18(const char *id, const char *prefix)
{
    static const char map[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    if (id == NULL || strlen(id) != 18 || strncmp(id, prefix, 3) != 0)
        return 0;
    for (int c = 0; c < 3; c++) {
        int v = 0;
        for (int i = 0; i < 5; i++)
            if (id[c * 5 + i] >= 'A' && id[c * 5 + i] <= 'Z')
                v |= 1 << i;
        if (id[15 + c] != map[v])
            return 0;
    }
    return 1;
}

/* The 18-character form of a 15-character Id. */
static void to18(const char *id15, char out[19])
{
    static const char map[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    memcpy(out, id15, 15);
    for (int c = 0; c < 3; c++) {
        int v = 0;
        for (int i = 0; i < 5; i++)
            if (id15[c * 5 + i] >= 'A' && id15[c * 5 + i] <= 'Z')
                v |= 1 << i;
        out[15 + c] = map[v];
    }
    out[18] = '\0';
}

/* An Account Id the test gives NetSuite customer `n` ("001" + 12 digits of n, 18 characters). */
static void account_for(const char *customer, char out[19])
{
    char id15[16];
    unsigned long n = strtoul(customer, NULL, 10);
    snprintf(id15, sizeof(id15), "001Tst%09lu", n % 1000000000ul);
    to18(id15, out);
}

/* Days from the civil date y-m-d to 1970-01-01 (Howard Hinnant's days_from_civil). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

/* Days from the date that text starts with ("2011-01-01T00:00:00.000-08:00" -> 2011-01-01) to
 * the date (y, m, d). */
static long days_between(const char *text, long y, unsigned m, unsigned d)
{
    long ty = 0;
    unsigned tm = 0, td = 0;
    assert_int_equal(sscanf(text, "%ld-%u-%u", &ty, &tm, &td), 3);
    return days_from_civil(y, m, d) - days_from_civil(ty, tm, td);
}

/* The record of `type` whose field `key` is `value`, or NULL. */
static cJSON *find(cJSON *answer, const char *type, const char *key, const char *value)
{
    cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(answer, "data"))
    {
        const char *t =
            cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "attributes"), "type"));
        const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(r, key));
        if (t && v && strcmp(t, type) == 0 && strcmp(v, value) == 0)
            return r;
    }
    return NULL;
}

static double num(const cJSON *r, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(r, key);
    if (!cJSON_IsNumber(v))
        fail_msg("%s is not a number", key);
    return v->valuedouble;
}

static const char *str(const cJSON *r, const char *key)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(r, key));
    if (s == NULL)
        fail_msg("%s is not a string", key);
    return s;
}

/* Every Opportunity and Account written has a valid Id of its object and sane values. */
static void check_written(cJSON *answer)
{
    static const char *const labels[] = {"Open", "Partially Paid", "Overdue", "Paid In Full"};
    cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(answer, "data"))
    {
        const char *t =
            cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "attributes"), "type"));
        assert_non_null(t);
        if (strcmp(t, "Opportunity") == 0) {
            assert_true(sfid_valid18(str(r, "Id"), "006"));
            const char *st = str(r, "NetSuite_Invoice_Status__c");
            int known = 0;
            for (int i = 0; i < 4; i++)
                known |= strcmp(st, labels[i]) == 0;
            assert_true(known);
            assert_true(num(r, "NetSuite_Amount_Due__c") >= 0);
            assert_true(num(r, "NetSuite_Days_Overdue__c") >= 0);
        } else if (strcmp(t, "Account") == 0) {
            assert_true(sfid_valid18(str(r, "Id"), "001"));
            assert_true(num(r, "NetSuite_Overdue_Balance__c") >= 0);
            assert_true(num(r, "NetSuite_Days_Overdue__c") >= 0);
        }
    }
}

/* ---- the SOAP invoices -------------------------------------------------------------------- */

/* The text of the first <tranSales:tag>...</tranSales:tag> in xml (malloc'd), or NULL. */
static char *xml_text(const char *xml, const char *tag)
{
    char open[96], close[96];
    snprintf(open, sizeof(open), "<tranSales:%s>", tag);
    snprintf(close, sizeof(close), "</tranSales:%s>", tag);
    const char *a = strstr(xml, open);
    if (a == NULL)
        return NULL;
    a += strlen(open);
    const char *b = strstr(a, close);
    assert_non_null(b);
    return strndup(a, (size_t)(b - a));
}

/* An attribute of the first element <tranSales:tag ...> (malloc'd), or NULL. */
static char *xml_attr(const char *xml, const char *element, const char *attr)
{
    const char *a = strstr(xml, element);
    if (a == NULL)
        return NULL;
    const char *end = strchr(a, '>');
    char key[64];
    snprintf(key, sizeof(key), "%s=\"", attr);
    const char *k = strstr(a, key);
    if (k == NULL || k > end)
        return NULL;
    k += strlen(key);
    return strndup(k, (size_t)(strchr(k, '"') - k));
}

/* The name inside <tranSales:tag ...><platformCore:name>NAME</...> (malloc'd). */
static char *xml_ref_name(const char *xml, const char *tag)
{
    char open[96];
    snprintf(open, sizeof(open), "<tranSales:%s ", tag);
    const char *a = strstr(xml, open);
    if (a == NULL)
        return NULL;
    const char *n = strstr(a, "<platformCore:name>");
    assert_non_null(n);
    n += strlen("<platformCore:name>");
    return strndup(n, (size_t)(strstr(n, "</platformCore:name>") - n));
}

/* A SOAP invoice as a zeep-style JSON record: camelCase fields, references as objects. The
 * customer gets an external id (the Account Id the test gives it). */
static cJSON *soap_invoice(const char *xml, const char *fallback_id)
{
    cJSON *r = cJSON_CreateObject();
    char *id = xml_attr(xml, "<record ", "internalId");
    cJSON_AddStringToObject(r, "internalId", id ? id : fallback_id);
    free(id);
    static const char *const fields[] = {"tranId",   "tranDate",        "dueDate",    "total",
                                         "subTotal", "amountRemaining", "amountPaid", "status"};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        char *v = xml_text(xml, fields[i]);
        if (v == NULL)
            continue;
        int numeric = strcmp(fields[i], "total") == 0 || strcmp(fields[i], "subTotal") == 0 ||
                      strncmp(fields[i], "amount", 6) == 0;
        if (numeric)
            cJSON_AddNumberToObject(r, fields[i], strtod(v, NULL));
        else
            cJSON_AddStringToObject(r, fields[i], v);
        free(v);
    }
    char *cust = xml_attr(xml, "<tranSales:entity ", "internalId");
    char *name = xml_ref_name(xml, "entity");
    assert_non_null(cust);
    char account[19];
    account_for(cust, account);
    cJSON *entity = cJSON_AddObjectToObject(r, "entity");
    cJSON_AddStringToObject(entity, "internalId", cust);
    cJSON_AddStringToObject(entity, "name", name);
    cJSON_AddStringToObject(entity, "externalId", account);
    cJSON_AddStringToObject(entity, "type", "customer");
    free(cust);
    free(name);
    return r;
}

static void test_soap_invoices(void **state)
{
    (void)state;
    char *get = slurp("netsweet-netsuite/get_invoice.xml");
    char *init = slurp("netsweet-netsuite/initialize_invoice_from_customer.xml");
    cJSON *data = cJSON_CreateArray();
    cJSON_AddItemToArray(data, soap_invoice(get, "1"));
    cJSON_AddItemToArray(data, soap_invoice(init, "9001"));
    cJSON *sfns = cJSON_Parse("{\"invoices\": {\"defaultRecordType\": \"invoice\", "
                              "\"netsuiteTimeZone\": \"America/Los_Angeles\", \"invoiceObject\": "
                              "\"NetSuite_Invoice__c\"}}");
    /* Run at 2012-01-06 12:00 in Los Angeles (20:00 UTC). */
    cJSON *answer = call("2012-01-06T20:00:00.000Z", sfns, data);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(answer, "errors")), 0);
    check_written(answer);

    /* get_invoice.xml: open, amountRemaining 15993.6, due 2011-01-01 */
    char *remaining = xml_text(get, "amountRemaining");
    char *due = xml_text(get, "dueDate");
    char *status = xml_text(get, "status");
    assert_string_equal(status, "Open");
    long late = days_between(due, 2012, 1, 6);
    assert_true(late > 300);
    cJSON *inv = find(answer, "NetSuite_Invoice__c", "NetSuite_Id__c", "439");
    assert_non_null(inv);
    assert_true(num(inv, "Amount_Due__c") == strtod(remaining, NULL));
    assert_true(num(inv, "Total__c") == strtod(remaining, NULL));
    assert_string_equal(str(inv, "Status__c"), "Overdue");
    assert_int_equal((long)num(inv, "Days_Overdue__c"), late);
    assert_string_equal(str(inv, "Due_Date__c"), "2011-01-01"); /* the date written, not UTC's */
    assert_string_equal(str(inv, "Name"), "2187");

    /* initialize_invoice_from_customer.xml: a total of 0 and no amount remaining: nothing due */
    char *total0 = xml_text(init, "total");
    assert_true(strtod(total0, NULL) == 0);
    cJSON *inv2 = find(answer, "NetSuite_Invoice__c", "NetSuite_Id__c", "9001");
    assert_non_null(inv2);
    assert_string_equal(str(inv2, "Status__c"), "Paid In Full");
    assert_true(num(inv2, "Amount_Due__c") == 0);
    assert_int_equal((long)num(inv2, "Days_Overdue__c"), 0);

    /* two customers (854 and 988): one Account each; 854 owes the open invoice */
    char a854[19];
    account_for("854", a854);
    cJSON *acct = find(answer, "Account", "Id", a854);
    assert_non_null(acct);
    assert_true(num(acct, "NetSuite_Open_Balance__c") == strtod(remaining, NULL));
    assert_true(num(acct, "NetSuite_Overdue_Balance__c") == strtod(remaining, NULL));
    assert_int_equal((long)num(acct, "NetSuite_Days_Overdue__c"), late);
    char a988[19];
    account_for("988", a988);
    cJSON *acct2 = find(answer, "Account", "Id", a988);
    assert_non_null(acct2);
    assert_true(num(acct2, "NetSuite_Open_Balance__c") == 0);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(answer, "data")), 4);

    /* A day later the invoice is a day later; days are counted in the account's zone:
     * 2012-01-07 05:00 UTC is still the 6th in Los Angeles. */
    cJSON_Delete(answer);
    data = cJSON_CreateArray();
    cJSON_AddItemToArray(data, soap_invoice(get, "1"));
    answer = call("2012-01-07T05:00:00.000Z",
                  cJSON_Parse("{\"invoices\": {\"defaultRecordType\": \"invoice\", "
                              "\"netsuiteTimeZone\": \"America/Los_Angeles\"}}"),
                  data);
    acct = find(answer, "Account", "Id", a854);
    assert_non_null(acct);
    assert_int_equal((long)num(acct, "NetSuite_Days_Overdue__c"), late);
    cJSON_Delete(answer);
    data = cJSON_CreateArray();
    cJSON_AddItemToArray(data, soap_invoice(get, "1"));
    answer = call("2012-01-07T05:00:00.000Z",
                  cJSON_Parse("{\"invoices\": {\"defaultRecordType\": \"invoice\"}}"), data);
    acct = find(answer, "Account", "Id", a854);
    assert_int_equal((long)num(acct, "NetSuite_Days_Overdue__c"), late + 1);

    cJSON_Delete(answer);
    free(remaining);
    free(due);
    free(status);
    free(total0);
    free(get);
    free(init);
}

/* ---- the SOAP-schema JSON of the Python SDK -------------------------------------------------- */

static void test_sdk_json_records(void **state)
{
    (void)state;
    char *inv_text = slurp("fylein-netsuite-sdk-py/invoices/data.json");
    char *cm_text = slurp("fylein-netsuite-sdk-py/credit_memo/data.json");
    cJSON *inv = cJSON_Parse(inv_text), *cm = cJSON_Parse(cm_text);
    assert_non_null(inv);
    assert_non_null(cm);
    /* As they are (no record type, no internal id): the type is missing. */
    cJSON *data = cJSON_CreateArray();
    cJSON_AddItemToArray(data, cJSON_Duplicate(inv, 1));
    cJSON_AddItemToArray(data, cJSON_Duplicate(cm, 1));
    cJSON *answer = call("2024-06-15T12:00:00.000Z", cJSON_Parse("{}"), data);
    cJSON *errors = cJSON_GetObjectItem(answer, "errors");
    assert_int_equal(cJSON_GetArraySize(errors), 2);
    for (int i = 0; i < 2; i++) {
        cJSON *e = cJSON_GetArrayItem(errors, i);
        assert_string_equal(str(e, "code"), "missing_record_type");
        assert_string_equal(str(e, "source"), "sfns");
        char where[32];
        snprintf(where, sizeof(where), "record %d of 2", i + 1);
        assert_non_null(strstr(str(e, "message"), where));
    }
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(answer, "data")), 0);
    cJSON_Delete(answer);

    /* Typed: the invoice still lacks an internal id; given one, it lacks a total (its line has
     * none either), as does the credit memo, whose amounts are all null. */
    data = cJSON_CreateArray();
    cJSON *a = cJSON_Duplicate(inv, 1), *b = cJSON_Duplicate(inv, 1), *c = cJSON_Duplicate(cm, 1);
    cJSON_AddStringToObject(a, "recordType", "invoice");
    cJSON_AddStringToObject(b, "recordType", "invoice");
    cJSON_AddStringToObject(b, "internalId", "5001");
    cJSON_AddStringToObject(c, "recordType", "creditmemo");
    cJSON_AddStringToObject(c, "internalId", "5002");
    cJSON_AddItemToArray(data, a);
    cJSON_AddItemToArray(data, b);
    cJSON_AddItemToArray(data, c);
    answer = call("2024-06-15T12:00:00.000Z", cJSON_Parse("{}"), data);
    errors = cJSON_GetObjectItem(answer, "errors");
    assert_int_equal(cJSON_GetArraySize(errors), 3);
    assert_string_equal(str(cJSON_GetArrayItem(errors, 0), "code"), "missing_id");
    assert_string_equal(str(cJSON_GetArrayItem(errors, 1), "code"), "missing_amount");
    assert_non_null(strstr(str(cJSON_GetArrayItem(errors, 1), "message"),
                           "NetSuite invoice 5001 (record 2 of 3)"));
    assert_string_equal(str(cJSON_GetArrayItem(errors, 2), "code"), "missing_amount");
    assert_non_null(strstr(str(cJSON_GetArrayItem(errors, 2), "message"),
                           "NetSuite credit memo 5002 (record 3 of 3)"));
    /* the entity is a vendor without an external id: no Account, so nothing is written */
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(answer, "data")), 0);
    cJSON_Delete(answer);
    cJSON_Delete(inv);
    cJSON_Delete(cm);
    free(inv_text);
    free(cm_text);
}

/* ---- SuiteQL transaction rows ------------------------------------------------------------ */

/* The rows of a simple CSV (no quotes: asserted) as objects keyed by the header. */
static cJSON *csv_rows(char *text)
{
    assert_null(strchr(text, '"'));
    cJSON *rows = cJSON_CreateArray();
    char *save = NULL;
    char *line = strtok_r(text, "\r\n", &save);
    assert_non_null(line);
    char *header[64];
    int ncol = 0;
    for (char *p = line;; ncol++) {
        assert_true(ncol < 64);
        header[ncol] = p;
        char *comma = strchr(p, ',');
        if (comma == NULL) {
            ncol++;
            break;
        }
        *comma = '\0';
        p = comma + 1;
    }
    while ((line = strtok_r(NULL, "\r\n", &save)) != NULL) {
        cJSON *row = cJSON_CreateObject();
        char *p = line;
        for (int i = 0; i < ncol && p != NULL; i++) {
            char *comma = strchr(p, ',');
            if (comma)
                *comma = '\0';
            if (*p)
                cJSON_AddStringToObject(row, header[i], p);
            p = comma ? comma + 1 : NULL;
        }
        cJSON_AddItemToArray(rows, row);
    }
    return rows;
}

static void test_suiteql_transactions(void **state)
{
    (void)state;
    char *text = slurp("fivetran-dbt-netsuite/netsuite2_transaction_data.csv");
    cJSON *rows = csv_rows(text);
    int n = cJSON_GetArraySize(rows);
    assert_true(n >= 3);
    /* As they are: vendor bills are not read. */
    cJSON *answer = call("2017-06-01T00:00:00.000Z", cJSON_Parse("{}"), cJSON_Duplicate(rows, 1));
    cJSON *errors = cJSON_GetObjectItem(answer, "errors");
    assert_int_equal(cJSON_GetArraySize(errors), n);
    cJSON *e;
    cJSON_ArrayForEach(e, errors)
    {
        assert_string_equal(str(e, "code"), "unsupported_record_type");
        assert_non_null(strstr(str(e, "message"), "\"VendBill\""));
    }
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(answer, "data")), 0);
    cJSON_Delete(answer);

    /* Relabelled as customer invoices of 100.00 each, for a customer the test links. The
     * sample repeats transaction 302 (two versions of one row): it must count once. */
    cJSON *r;
    int distinct = 0, open = 0;
    cJSON_ArrayForEach(r, rows)
    {
        cJSON_ReplaceItemInObject(r, "type", cJSON_CreateString("CustInvc"));
        cJSON_AddStringToObject(r, "foreigntotal", "100.00");
        char account[19];
        account_for(str(r, "entity"), account);
        cJSON_AddStringToObject(r, "customer_sf_id", account);
    }
    for (int i = 0; i < n; i++) {
        const char *id = str(cJSON_GetArrayItem(rows, i), "id");
        int seen = 0;
        for (int j = 0; j < i; j++)
            seen |= strcmp(id, str(cJSON_GetArrayItem(rows, j), "id")) == 0;
        distinct += !seen;
        open += !seen && strcmp(str(cJSON_GetArrayItem(rows, i), "status"), "A") == 0;
    }
    assert_true(distinct < n); /* the repeat is there */
    assert_true(open >= 1);
    answer = call("2017-06-01T00:00:00.000Z",
                  cJSON_Parse("{\"invoices\": {\"netsuiteDateFormat\": \"YYYY-MM-DD H:mm:ss\", "
                              "\"accountIdFields\": \"customer_sf_id\", \"invoiceObject\": "
                              "\"NetSuite_Invoice__c\"}}"),
                  cJSON_Duplicate(rows, 1));
    errors = cJSON_GetObjectItem(answer, "errors");
    if (cJSON_GetArraySize(errors) != 0)
        fail_msg("errors: %s", cJSON_PrintUnformatted(errors));
    check_written(answer);
    int invoices = 0;
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(answer, "data"))
    {
        const char *t = str(cJSON_GetObjectItem(r, "attributes"), "type");
        if (strcmp(t, "NetSuite_Invoice__c") != 0)
            continue;
        invoices++;
        cJSON *row = NULL;
        for (int i = 0; i < n && row == NULL; i++)
            if (strcmp(str(cJSON_GetArrayItem(rows, i), "id"), str(r, "NetSuite_Id__c")) == 0)
                row = cJSON_GetArrayItem(rows, i);
        assert_non_null(row);
        if (strcmp(str(row, "status"), "B") == 0) {
            assert_string_equal(str(r, "Status__c"), "Paid In Full");
            assert_true(num(r, "Amount_Due__c") == 0);
        } else {
            long late = days_between(str(row, "duedate"), 2017, 6, 1);
            assert_true(num(r, "Amount_Due__c") == 100);
            assert_string_equal(str(r, "Status__c"), late > 0 ? "Overdue" : "Open");
            assert_int_equal((long)num(r, "Days_Overdue__c"), late > 0 ? late : 0);
        }
        char due[11];
        snprintf(due, sizeof(due), "%s", str(row, "duedate"));
        assert_string_equal(str(r, "Due_Date__c"), due);
    }
    assert_int_equal(invoices, distinct);
    /* each customer's balance is 100.00 per open invoice, counted once */
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(answer, "data"))
    {
        if (strcmp(str(cJSON_GetObjectItem(r, "attributes"), "type"), "Account") != 0)
            continue;
        double want = 0;
        for (int i = 0; i < n; i++) {
            cJSON *row = cJSON_GetArrayItem(rows, i);
            int seen = 0;
            for (int j = 0; j < i; j++)
                seen |= strcmp(str(row, "id"), str(cJSON_GetArrayItem(rows, j), "id")) == 0;
            if (!seen && strcmp(str(row, "customer_sf_id"), str(r, "Id")) == 0 &&
                strcmp(str(row, "status"), "A") == 0)
                want += 100;
        }
        assert_true(num(r, "NetSuite_Open_Balance__c") == want);
    }
    cJSON_Delete(answer);
    cJSON_Delete(rows);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_soap_invoices),
        cmocka_unit_test(test_sdk_json_records),
        cmocka_unit_test(test_suiteql_transactions),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
