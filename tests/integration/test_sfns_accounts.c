/* test_sfns_accounts.c — the Accounts <-> Customers hooks of the sfns module, called over
 * POST /function as integrator.io calls them:
 *
 *  - every real sample Account (read from ../shared/data at run time, turned into the shape a
 *    Salesforce export gives: an Id on each, parent references resolved) is mapped or gets an
 *    actionable per-record error; external ids are valid 18-character Ids of the same record,
 *    countries ISO 3166 alpha-2 (the ones named in the data checked by name), US states codes,
 *    street lines without line breaks, a 64-hex sync hash;
 *  - a record driven around the loop (Salesforce -> NetSuite -> Salesforce -> NetSuite) stops
 *    after one round trip with the sync hash, and with the integration-user check; without loop
 *    prevention and without a lookup it would not stop (the test shows that too). */
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

static int group_setup(void **state)
{
    (void)state;
    /* The sfns module alone (build/modules/sfns.so), whatever else hooks/ holds. */
    const char *mods = hst_hook_module_dir("sfns");
    if (mods == NULL)
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

/* Calls fn with options {data, settings}; returns the answer array (caller frees). */
static cJSON *call(const char *fn, cJSON *data, const cJSON *settings)
{
    cJSON *req = cJSON_CreateObject();
    cJSON_AddTrueToObject(req, "diy");
    cJSON_AddStringToObject(req, "function", fn);
    cJSON *opts = cJSON_AddObjectToObject(req, "options");
    cJSON_AddItemReferenceToObject(opts, "data", data);
    cJSON_AddItemToObject(opts, "settings", cJSON_Duplicate(settings, 1));
    char *body = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    struct hst_response r;
    assert_int_equal(hst_post_function(&srv, body, &r), 0);
    free(body);
    if (r.status != 200)
        fail_msg("%s answered %ld: %s", fn, r.status, r.body);
    cJSON *out = cJSON_Parse(r.body);
    hst_response_free(&r);
    assert_non_null(out);
    assert_true(cJSON_IsArray(out));
    assert_int_equal(cJSON_GetArraySize(out), cJSON_GetArraySize(data));
    return out;
}

/* ---- Salesforce Ids, checked independently of the module ------------------------------------ */

static int sfid_valid18(const char *id)
{
    static const char map[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    if (id == NULL || strlen(id) != 18)
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

/* A 15-character Account Id made from n ("001" + 12 base-62 digits). */
static void make_id(unsigned n, char out[16])
{
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    memcpy(out, "001", 3);
    unsigned long long x = 0x5A17ull * 1000003ull + (unsigned long long)n * 7919ull;
    for (int i = 14; i >= 3; i--) {
        out[i] = digits[x % 62];
        x /= 62;
    }
    out[15] = '\0';
}

/* ---- the sample Accounts ------------------------------------------------------------------------
 */

static char *slurp(const char *path)
{
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

/* A field by name ignoring ASCII case (apex-recipes writes "billingcountry"). */
static const cJSON *field(const cJSON *rec, const char *name)
{
    return cJSON_GetObjectItem(rec, name); /* cJSON_GetObjectItem ignores case */
}

/* Turns sObject-tree records into what a Salesforce export delivers: an Id on each (the original
 * when the reference id carries one, as "ref0010S00000C1t1vQAB" does), the attributes' url, and
 * "@AccountRefN" parent references resolved to the parents' Ids. */
static void as_export(cJSON *records, unsigned *counter)
{
    int n = cJSON_GetArraySize(records);
    char(*ids)[19] = calloc((size_t)n, sizeof(*ids));
    const char **refs = calloc((size_t)n, sizeof(*refs));
    assert_true(ids != NULL && refs != NULL);
    for (int i = 0; i < n; i++) {
        cJSON *rec = cJSON_GetArrayItem(records, i);
        cJSON *attrs = cJSON_GetObjectItem(rec, "attributes");
        const char *ref = cJSON_GetStringValue(cJSON_GetObjectItem(attrs, "referenceId"));
        refs[i] = ref;
        if (ref && strncmp(ref, "ref001", 6) == 0 && strlen(ref) == 21)
            memcpy(ids[i], ref + 3, 18);
        else
            make_id((*counter)++, ids[i]);
    }
    for (int i = 0; i < n; i++) {
        cJSON *rec = cJSON_GetArrayItem(records, i);
        if (cJSON_GetObjectItem(rec, "Id") == NULL)
            cJSON_AddStringToObject(rec, "Id", ids[i]);
        cJSON *attrs = cJSON_GetObjectItem(rec, "attributes");
        char url[96];
        snprintf(url, sizeof(url), "/services/data/v58.0/sobjects/Account/%s", ids[i]);
        if (attrs)
            cJSON_AddStringToObject(attrs, "url", url);
        cJSON *parent = cJSON_GetObjectItem(rec, "ParentId");
        const char *pref = cJSON_GetStringValue(parent);
        if (pref && pref[0] == '@') {
            int k = 0;
            while (k < n && !(refs[k] && strcmp(refs[k], pref + 1) == 0))
                k++;
            assert_true(k < n);
            cJSON_SetValuestring(parent, ids[k]);
        }
    }
    free(ids);
    free(refs);
}

/* The country a sample spells, as ISO alpha-2 (the spellings the samples use). */
static const char *expected_country(const char *text)
{
    static const char *const known[][2] = {
        {"United States", "US"}, {"USA", "US"},    {"US", "US"},
        {"France", "FR"},        {"Taiwan", "TW"}, {"Japan", "JP"},
    };
    for (size_t i = 0; text && i < sizeof(known) / sizeof(known[0]); i++)
        if (strcmp(text, known[i][0]) == 0)
            return known[i][1];
    return NULL;
}

static int is_code(const char *s, size_t len)
{
    if (s == NULL || strlen(s) != len)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return 0;
    return 1;
}

struct tally {
    int mapped, errors, records;
};

static void check_answer(const cJSON *rec, const cJSON *answer, struct tally *t)
{
    const char *id = cJSON_GetStringValue(field(rec, "Id"));
    const cJSON *errors = cJSON_GetObjectItem(answer, "errors");
    const cJSON *data = cJSON_GetObjectItem(answer, "data");
    t->records++;
    if (errors != NULL) {
        fprintf(
            stderr, "sfns real accounts: %s: %s\n", id,
            cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(errors, 0), "message")));
        /* Actionable: a known code, the source, and a message naming the record. */
        const cJSON *e;
        cJSON_ArrayForEach(e, errors)
        {
            const char *code = cJSON_GetStringValue(cJSON_GetObjectItem(e, "code"));
            const char *msg = cJSON_GetStringValue(cJSON_GetObjectItem(e, "message"));
            assert_non_null(code);
            assert_non_null(msg);
            assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(e, "source")), "sfns");
            assert_true(strstr(msg, "Account ") == msg || strstr(msg, "Record ") == msg);
            assert_true(strlen(msg) > 40);
        }
        t->errors++;
        return;
    }
    if (data == NULL)
        fail_msg("record %s: neither mapped nor an error", id);
    t->mapped++;
    const char *ext = cJSON_GetStringValue(cJSON_GetObjectItem(data, "externalid"));
    if (!sfid_valid18(ext))
        fail_msg("record %s: external id %s is not a valid 18-character Id", id, ext);
    assert_memory_equal(ext, id, 15);
    const char *hash = cJSON_GetStringValue(cJSON_GetObjectItem(data, "custentity_sfns_sync_hash"));
    assert_non_null(hash);
    assert_int_equal(strspn(hash, "0123456789abcdef"), 64);
    assert_int_equal(strlen(hash), 64);
    const char *name = cJSON_GetStringValue(field(rec, "Name"));
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(data, "companyname")), name);
    const cJSON *parent = cJSON_GetObjectItem(data, "parent");
    if (parent)
        assert_true(sfid_valid18(cJSON_GetStringValue(parent)));
    const cJSON *line;
    cJSON_ArrayForEach(line, cJSON_GetObjectItem(data, "addressbook"))
    {
        const char *prefix = cJSON_IsTrue(cJSON_GetObjectItem(line, "defaultbilling"))
                                 ? "BillingCountry"
                                 : "ShippingCountry";
        const char *country = cJSON_GetStringValue(cJSON_GetObjectItem(line, "country"));
        const char *given = cJSON_GetStringValue(field(rec, prefix));
        if (given != NULL) {
            assert_true(is_code(country, 2));
            const char *want = expected_country(given);
            if (want)
                assert_string_equal(country, want);
        }
        const char *state = cJSON_GetStringValue(cJSON_GetObjectItem(line, "state"));
        if (country && strcmp(country, "US") == 0 && state && state[0])
            assert_true(is_code(state, 2));
        for (int k = 1; k <= 3; k++) {
            char key[8];
            snprintf(key, sizeof(key), "addr%d", k);
            const char *l = cJSON_GetStringValue(cJSON_GetObjectItem(line, key));
            assert_non_null(l);
            assert_null(strchr(l, '\n'));
        }
    }
}

static void test_real_accounts(void **state)
{
    (void)state;
    static const char *const files[] = {
        "sf-data-loader-examples/Account.json",
        "apex-recipes/Accounts.json",
        "lwc-recipes/Accounts.json",
        "dcarroll-data-import-test-org/Account.json",
        "ebikes-lwc/Accounts.json",
        "plugin-data/self-referencing/Account.json",
        "plugin-data/junction/Account.json",
        "plugin-data/commonChild/Account.json",
        "plugin-data/moreThan200/Account.json",
    };
    cJSON *settings = cJSON_Parse(
        "{\"sfns\":{\"accounts\":{\"subsidiaryByCountry\":{\"US\":\"1\",\"FR\":\"2\",\"TW\":\"3\"},"
        "\"currencies\":{\"USD\":\"1\"},\"defaultCurrency\":\"USD\","
        "\"categoryByIndustry\":{\"Technology\":\"9\",\"Apparel\":\"7\",\"Electronics\":\"8\"},"
        "\"defaultSubsidiary\":\"1\"}}}");
    assert_non_null(settings);
    const char *shared = getenv("HS_SHARED_DIR");
    assert_non_null(shared);
    struct tally t = {0, 0, 0};
    unsigned counter = 1;
    for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/data/%s", shared, files[f]);
        char *text = slurp(path);
        cJSON *root = cJSON_Parse(text);
        free(text);
        assert_non_null(root);
        cJSON *records = cJSON_GetObjectItem(root, "records");
        assert_non_null(records);
        as_export(records, &counter);
        /* Pages of at most 200 records, as integrator.io sends them. */
        int n = cJSON_GetArraySize(records);
        for (int start = 0; start < n; start += 200) {
            cJSON *page = cJSON_CreateArray();
            for (int i = start; i < n && i < start + 200; i++)
                cJSON_AddItemReferenceToArray(page, cJSON_GetArrayItem(records, i));
            cJSON *answer = call("sfnsAccountToCustomer", page, settings);
            for (int i = 0; i < cJSON_GetArraySize(page); i++)
                check_answer(cJSON_GetArrayItem(page, i), cJSON_GetArrayItem(answer, i), &t);
            cJSON_Delete(answer);
            cJSON_Delete(page);
        }
        cJSON_Delete(root);
    }
    cJSON_Delete(settings);
    fprintf(stderr, "sfns real accounts: %d records, %d mapped, %d with actionable errors\n",
            t.records, t.mapped, t.errors);
    /* The samples hold over 10,000 Accounts; nearly all of them map. */
    assert_true(t.records > 10000);
    assert_true(t.mapped > t.records - 100);
}

/* ---- the loop
 * ------------------------------------------------------------------------------------ */

#define SF_INTEGRATION "0055g00000IntegAAB"
#define NS_INTEGRATION "-5"

struct loop {
    cJSON *sf; /* the Account as Salesforce holds it */
    cJSON *ns; /* the customer as NetSuite holds it (NULL until created) */
    cJSON *settings;
    int lookups;     /* the flows have lookups (record._current) */
    int stamp_users; /* a write sets last-modified-by to the integration user */
};

/* An import writing `data` to NetSuite: fields set, addressbook lines replaced by flag. */
static void apply_to_netsuite(struct loop *l, const cJSON *data)
{
    if (l->ns == NULL) {
        l->ns = cJSON_Parse("{\"id\":\"812\",\"recordType\":\"customer\","
                            "\"creditholdoverride\":\"AUTO\",\"firstorderdate\":null,"
                            "\"lastmodifiedby\":\"311\",\"addressbook\":[]}");
        assert_non_null(l->ns);
    }
    const cJSON *f;
    cJSON_ArrayForEach(f, data)
    {
        if (f->string[0] == '_')
            continue;
        if (strcmp(f->string, "addressbook") != 0) {
            cJSON_DeleteItemFromObject(l->ns, f->string);
            cJSON_AddItemToObject(l->ns, f->string, cJSON_Duplicate(f, 1));
            continue;
        }
        cJSON *book = cJSON_GetObjectItem(l->ns, "addressbook");
        const cJSON *line;
        cJSON_ArrayForEach(line, f)
        {
            const char *flag = cJSON_IsTrue(cJSON_GetObjectItem(line, "defaultbilling"))
                                   ? "defaultbilling"
                                   : "defaultshipping";
            for (int i = cJSON_GetArraySize(book) - 1; i >= 0; i--)
                if (cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(book, i), flag)))
                    cJSON_DeleteItemFromArray(book, i);
            cJSON_AddItemToArray(book, cJSON_Duplicate(line, 1));
        }
    }
    cJSON_DeleteItemFromObject(l->ns, "lastmodifiedby");
    cJSON_AddStringToObject(l->ns, "lastmodifiedby", l->stamp_users ? NS_INTEGRATION : "311");
}

/* An import writing `data` to Salesforce. */
static void apply_to_salesforce(struct loop *l, const cJSON *data)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, data)
    {
        if (f->string[0] == '_')
            continue;
        cJSON_DeleteItemFromObject(l->sf, f->string);
        cJSON_AddItemToObject(l->sf, f->string, cJSON_Duplicate(f, 1));
    }
    if (l->stamp_users) {
        cJSON_DeleteItemFromObject(l->sf, "LastModifiedById");
        cJSON_AddStringToObject(l->sf, "LastModifiedById", SF_INTEGRATION);
    }
}

/* One leg: the source record (with the target as _current when there are lookups) through the
 * hook, its answer applied to the target. Returns 1 when something was written. */
static int leg(struct loop *l, int from_salesforce)
{
    cJSON *src = cJSON_Duplicate(from_salesforce ? l->sf : l->ns, 1);
    if (l->lookups) {
        cJSON *cur = cJSON_AddArrayToObject(src, "_current");
        cJSON *target = from_salesforce ? l->ns : l->sf;
        if (target != NULL)
            cJSON_AddItemToArray(cur, cJSON_Duplicate(target, 1));
    }
    cJSON *page = cJSON_CreateArray();
    cJSON_AddItemToArray(page, src);
    cJSON *answer = call(from_salesforce ? "sfnsAccountToCustomer" : "sfnsCustomerToAccount", page,
                         l->settings);
    const cJSON *elem = cJSON_GetArrayItem(answer, 0);
    assert_null(cJSON_GetObjectItem(elem, "errors"));
    const cJSON *data = cJSON_GetObjectItem(elem, "data");
    if (data != NULL) {
        if (from_salesforce)
            apply_to_netsuite(l, data);
        else
            apply_to_salesforce(l, data);
    }
    cJSON_Delete(answer);
    cJSON_Delete(page);
    return data != NULL;
}

static const char account_json[] =
    "{\"attributes\":{\"type\":\"Account\"},\"Id\":\"0015g00000Hx7A1AAJ\","
    "\"Name\":\"Harbor Freight Lines\",\"Phone\":\"(617) 555-0100\",\"Fax\":null,"
    "\"Website\":\"harborfreight.example\",\"Industry\":\"Technology\","
    "\"OwnerId\":\"0055g00000AbCdEAAV\",\"ParentId\":null,\"CurrencyIsoCode\":\"USD\","
    "\"BillingStreet\":\"12 Dock Road\\nUnit 4\",\"BillingCity\":\"Boston\","
    "\"BillingState\":\"Massachusetts\",\"BillingPostalCode\":\"02110\","
    "\"BillingCountry\":\"United States\",\"ShippingStreet\":null,\"ShippingCity\":null,"
    "\"ShippingState\":null,\"ShippingPostalCode\":null,\"ShippingCountry\":null,"
    "\"Credit_Hold__c\":false,\"NetSuite_Id__c\":null,\"Sfns_Sync_Hash__c\":null,"
    "\"LastModifiedById\":\"0055g00000AbCdEAAV\","
    "\"LastModifiedDate\":\"2024-03-05T14:03:00.000+0000\"}";

static void loop_init(struct loop *l, int lookups, int hash, int users)
{
    char s[1024];
    snprintf(s, sizeof(s),
             "{\"sfns\":{%s\"accounts\":{\"subsidiaryByCountry\":{\"US\":\"1\"},"
             "\"salesRepByOwner\":{\"0055g00000AbCdE\":\"42\"},"
             "\"categoryByIndustry\":{\"Technology\":\"9\"},\"currencies\":{\"USD\":\"1\"},"
             "\"creditHoldField\":\"Credit_Hold__c\",\"hashCheck\":%s,"
             "\"integrationUserCheck\":%s}}}",
             users ? "\"salesforceIntegrationUserId\":\"" SF_INTEGRATION
                     "\",\"netsuiteIntegrationUserId\":\"" NS_INTEGRATION "\","
                   : "",
             hash ? "true" : "false", users ? "true" : "false");
    l->settings = cJSON_Parse(s);
    l->sf = cJSON_Parse(account_json);
    assert_true(l->settings != NULL && l->sf != NULL);
    l->ns = NULL;
    l->lookups = lookups;
    l->stamp_users = users;
}

static void loop_free(struct loop *l)
{
    cJSON_Delete(l->settings);
    cJSON_Delete(l->sf);
    cJSON_Delete(l->ns);
}

/* A change on one side starts the loop: that side's export sends the record, the hook's write
 * changes the other side, whose export sends it back, and so on while a leg writes something (an
 * export sends only records that changed). Fills writes[] (0 after the loop stopped) and returns
 * the number of legs that ran, at most max. */
static int drive(struct loop *l, int first_from_salesforce, int max, int *writes)
{
    int ran = 0, from_sf = first_from_salesforce, wrote = 1;
    for (int i = 0; i < max; i++) {
        writes[i] = wrote ? leg(l, from_sf) : 0;
        ran += wrote;
        wrote = writes[i];
        from_sf = !from_sf;
    }
    return ran;
}

static void test_loop_stops_with_the_sync_hash(void **state)
{
    (void)state;
    struct loop l;
    loop_init(&l, 1, 1, 0);
    int w[6];
    /* A new Account: the customer is created (Salesforce -> NetSuite); its echo writes the
     * NetSuite id and credit hold back with the Account's hash (NetSuite -> Salesforce); the
     * Account's echo matches that hash and writes nothing: one round trip. */
    assert_int_equal(drive(&l, 1, 6, w), 3);
    int want[6] = {1, 1, 0, 0, 0, 0};
    assert_memory_equal(w, want, sizeof(want));
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(l.sf, "NetSuite_Id__c")), "812");
    /* A scheduled full export of either side finds nothing to write either. */
    assert_int_equal(leg(&l, 1), 0);
    assert_int_equal(leg(&l, 0), 0);

    /* A person edits the Account: one write to NetSuite; its echo writes nothing. */
    cJSON_ReplaceItemInObject(l.sf, "Phone", cJSON_CreateString("(617) 555-0199"));
    assert_int_equal(drive(&l, 1, 6, w), 2);
    int want2[6] = {1, 0, 0, 0, 0, 0};
    assert_memory_equal(w, want2, sizeof(want2));
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(l.ns, "phone")), "(617) 555-0199");

    /* The customer gets its first order and a person moves its billing address in NetSuite: one
     * write to Salesforce; its echo writes nothing. */
    cJSON_ReplaceItemInObject(l.ns, "firstorderdate", cJSON_CreateString("2024-04-01"));
    cJSON *book = cJSON_GetObjectItem(l.ns, "addressbook");
    cJSON *billing = NULL;
    cJSON *line;
    cJSON_ArrayForEach(line, book)
    {
        if (cJSON_IsTrue(cJSON_GetObjectItem(line, "defaultbilling")))
            billing = line;
    }
    assert_non_null(billing);
    cJSON_ReplaceItemInObject(billing, "addr1", cJSON_CreateString("77 Atlantic Avenue"));
    assert_int_equal(drive(&l, 0, 6, w), 2);
    assert_memory_equal(w, want2, sizeof(want2));
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(l.sf, "BillingStreet")),
                        "77 Atlantic Avenue\nUnit 4");
    assert_int_equal(leg(&l, 1), 0);
    assert_int_equal(leg(&l, 0), 0);
    loop_free(&l);
}

static void test_loop_stops_with_the_integration_user(void **state)
{
    (void)state;
    struct loop l;
    loop_init(&l, 0, 0, 1);
    int w[6];
    /* No lookups and no hash: each write is stamped with the integration user, so its echo is
     * skipped. */
    assert_int_equal(drive(&l, 1, 6, w), 2);
    int want[6] = {1, 0, 0, 0, 0, 0};
    assert_memory_equal(w, want, sizeof(want));
    loop_free(&l);
}

static void test_without_loop_prevention_the_loop_goes_on(void **state)
{
    (void)state;
    struct loop l;
    loop_init(&l, 0, 0, 0);
    int w[6];
    /* What the two mechanisms prevent: without them (and without lookups to compare against)
     * every echo writes again, for ever. */
    assert_int_equal(drive(&l, 1, 6, w), 6);
    int want[6] = {1, 1, 1, 1, 1, 1};
    assert_memory_equal(w, want, sizeof(want));
    loop_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_accounts),
        cmocka_unit_test(test_loop_stops_with_the_sync_hash),
        cmocka_unit_test(test_loop_stops_with_the_integration_user),
        cmocka_unit_test(test_without_loop_prevention_the_loop_goes_on),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
