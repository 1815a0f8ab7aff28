/* test_sfns_cases.c — sfnsCaseToActivity called over POST /function as integrator.io calls a
 * preMap hook, on every real sample Case under $HS_SHARED_DIR/data (read at run time):
 *
 *  - the sample files are Salesforce data-loader trees (no Id; AccountId as "@ref001…" or
 *    "@AccountRef3" references, or none). As they are, each Case gets the documented per-record
 *    errors (no Id, an AccountId that is no Account Id, no AccountId), never a record;
 *  - turned into the REST query shape an export delivers (the DE-org file's reference ids carry
 *    the real Ids; the others get Ids of the test's making), each Case becomes a support case,
 *    a task and a phone call with the built-in status and priority maps, its Subject and its
 *    Description byte for byte, its Account as the company, and the warranty flag from its Type;
 *  - with Service Cloud off, every Case is skipped ({}) and the runner's log says why, per Case.
 *
 * Every expectation is computed here from the sample record itself, not from the module. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "integration/harness.h"
#include "integration/harness_faults.h"

static struct hst_server srv;
static const char *shared;

/* The sample files holding Cases, and how many each holds. */
static const struct {
    const char *path;
    int count;
} files[] = {
    {"sf-data-loader-examples/Case.json", 26}, {"dcarroll-data-import-test-org/Case.json", 5},
    {"coral-cloud/data-Case.json", 2},         {"ebikes-lwc/Cases.json", 1},
    {"plugin-data/commonChild/Case.json", 1},
};
#define NCASES 35

static int group_setup(void **state)
{
    (void)state;
    shared = getenv("HS_SHARED_DIR");
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

static cJSON *load(const char *name)
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
    cJSON *v = cJSON_Parse(s);
    free(s);
    if (v == NULL)
        fail_msg("%s is not JSON", path);
    return v;
}

/* Every sample Case, as the files hold them (a new array of copies). */
static cJSON *sample_cases(void)
{
    cJSON *all = cJSON_CreateArray();
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        cJSON *doc = load(files[i].path);
        cJSON *recs = cJSON_GetObjectItem(doc, "records");
        assert_int_equal(cJSON_GetArraySize(recs), files[i].count);
        cJSON *r;
        cJSON_ArrayForEach(r, recs) cJSON_AddItemToArray(all, cJSON_Duplicate(r, 1));
        cJSON_Delete(doc);
    }
    assert_int_equal(cJSON_GetArraySize(all), NCASES);
    return all;
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

/* A reference "@ref<18-char Id>" or "ref<Id>" of the prefix's object: its Id; else one of the
 * test's making ("<prefix>Tst" + n), 18 characters. */
static void id_for(const char *ref, const char *prefix, int n, char out[19])
{
    if (ref != NULL && ref[0] == '@')
        ref++;
    if (ref != NULL && strncmp(ref, "ref", 3) == 0 && strlen(ref + 3) == 18 &&
        strncmp(ref + 3, prefix, 3) == 0) {
        memcpy(out, ref + 3, 19);
        return;
    }
    char id15[16];
    snprintf(id15, sizeof(id15), "%sTst%09d", prefix, n);
    to18(id15, out);
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A sample Case in the REST query shape: attributes with a url, Id, AccountId and ContactId. */
static cJSON *as_export(const cJSON *tree, int n)
{
    cJSON *r = cJSON_Duplicate(tree, 1);
    const cJSON *attrs = cJSON_GetObjectItem(tree, "attributes");
    char id[19], account[19], contact[19], url[128];
    id_for(str(attrs, "referenceId"), "500", n, id);
    id_for(str(tree, "AccountId"), "001", 1000 + n, account);
    snprintf(url, sizeof(url), "/services/data/v58.0/sobjects/Case/%s", id);
    cJSON_DeleteItemFromObject(r, "attributes");
    cJSON *a = cJSON_AddObjectToObject(r, "attributes");
    cJSON_AddStringToObject(a, "type", "Case");
    cJSON_AddStringToObject(a, "url", url);
    cJSON_DeleteItemFromObject(r, "Id");
    cJSON_AddStringToObject(r, "Id", id);
    cJSON_DeleteItemFromObject(r, "AccountId");
    cJSON_AddStringToObject(r, "AccountId", account);
    if (str(tree, "ContactId") != NULL) {
        id_for(str(tree, "ContactId"), "003", 2000 + n, contact);
        cJSON_DeleteItemFromObject(r, "ContactId");
        cJSON_AddStringToObject(r, "ContactId", contact);
    }
    return r;
}

/* Calls sfnsCaseToActivity with {data, settings: {sfns: sfns}}; the answer (caller frees), checked
 * against the preMap contract (an array, one element per record). */
static cJSON *call(cJSON *data, const char *sfns)
{
    cJSON *req = cJSON_CreateObject();
    cJSON_AddTrueToObject(req, "diy");
    cJSON_AddStringToObject(req, "function", "sfnsCaseToActivity");
    cJSON *opts = cJSON_AddObjectToObject(req, "options");
    int n = cJSON_GetArraySize(data);
    cJSON_AddItemToObject(opts, "data", data);
    cJSON *settings = cJSON_AddObjectToObject(opts, "settings");
    cJSON_AddItemToObject(settings, "sfns", cJSON_Parse(sfns));
    char *body = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    struct hst_response r;
    assert_int_equal(hst_post_function(&srv, body, &r), 0);
    free(body);
    if (r.status != 200)
        fail_msg("sfnsCaseToActivity answered %ld: %s", r.status, r.body);
    cJSON *out = cJSON_Parse(r.body);
    hst_response_free(&r);
    assert_non_null(out);
    assert_true(cJSON_IsArray(out));
    assert_int_equal(cJSON_GetArraySize(out), n);
    return out;
}

static cJSON *export_page(void)
{
    cJSON *cases = sample_cases(), *page = cJSON_CreateArray();
    int n = 0;
    cJSON *c;
    cJSON_ArrayForEach(c, cases) cJSON_AddItemToArray(page, as_export(c, ++n));
    cJSON_Delete(cases);
    return page;
}

/* ---- Service Cloud off --------------------------------------------------------------------- */

static void off_skips_every_case_and_logs_it(void **state)
{
    (void)state;
    cJSON *page = export_page();
    cJSON *out = call(page, "{\"cases\": {\"activity\": \"task\"}}");
    cJSON *e;
    cJSON_ArrayForEach(e, out)
    {
        assert_true(cJSON_IsObject(e));
        assert_null(e->child); /* {} */
    }
    cJSON_Delete(out);
    /* the log says why, once per Case */
    assert_true(hsf_wait_log(&srv, "skipped: Service Cloud is off", NCASES, 10000));
    assert_int_equal(hsf_log_count(&srv, "skipped: Service Cloud is off"), NCASES);
    /* the first Case of the DE-org file, named by its real Id (the log escapes quotes) */
    assert_int_equal(hsf_log_count(&srv, "Case 5000S000002VXoYQAW \\\"Starting generator after "
                                         "electrical failure\\\" (record 27 of 35) skipped"),
                     1);
}

/* ---- the sample files as they are --------------------------------------------------------- */

static int has_code(const cJSON *elem, const char *code)
{
    const cJSON *err;
    cJSON_ArrayForEach(err, cJSON_GetObjectItem(elem, "errors"))
    {
        if (strcmp(str(err, "code"), code) == 0 && strcmp(str(err, "source"), "sfns") == 0 &&
            str(err, "message") != NULL && strncmp(str(err, "message"), "Case ", 5) == 0)
            return 1;
    }
    return 0;
}

static void tree_records_get_actionable_errors(void **state)
{
    (void)state;
    cJSON *cases = sample_cases();
    cJSON *in = cJSON_Duplicate(cases, 1);
    cJSON *out = call(in, "{\"cases\": {\"serviceCloud\": true}}");
    int i = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cases)
    {
        const cJSON *e = cJSON_GetArrayItem(out, i++);
        assert_null(cJSON_GetObjectItem(e, "data"));
        assert_true(has_code(e, "no_case_id"));
        const char *acct = str(c, "AccountId");
        if (acct == NULL)
            assert_true(has_code(e, "no_account"));
        else
            assert_true(has_code(e, "bad_account_id")); /* "@ref001…", "@AccountRef3" */
    }
    cJSON_Delete(out);
    cJSON_Delete(cases);
}

/* ---- each activity ------------------------------------------------------------------------- */

static const char *mapped(const char *value, const char *const *sf, const char *const *ns)
{
    for (int i = 0; value != NULL && sf[i] != NULL; i++)
        if (strcasecmp(sf[i], value) == 0)
            return ns[i];
    return NULL;
}

static const char *const SF_STATUS[] = {"New", "Working", "Escalated", "Closed", NULL};
static const char *const SF_PRIORITY[] = {"High", "Medium", "Low", NULL};

static void check_activity(const char *activity, const char *const *status,
                           const char *const *priority, const char *message_key)
{
    cJSON *page = export_page();
    cJSON *expect = cJSON_Duplicate(page, 1);
    char sfns[512];
    snprintf(sfns, sizeof(sfns),
             "{\"cases\": {\"serviceCloud\": true, \"activity\": \"%s\", \"warranty\": "
             "{\"types\": [\"Electrical\", \"Mechanical\", \"Electronic\", \"Structural\"]}}}",
             activity);
    cJSON *out = call(page, sfns);
    int i = 0, descriptions = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, expect)
    {
        const cJSON *d = cJSON_GetObjectItem(cJSON_GetArrayItem(out, i++), "data");
        if (d == NULL)
            fail_msg("%s: case %d not mapped: %s", activity, i,
                     cJSON_PrintUnformatted(cJSON_GetArrayItem(out, i - 1)));
        assert_string_equal(str(d, "recordType"), activity);
        assert_string_equal(str(d, "externalid"), str(c, "Id"));
        assert_string_equal(str(d, "company"), str(c, "AccountId"));
        if (str(c, "ContactId") != NULL)
            assert_string_equal(str(d, "contact"), str(c, "ContactId"));
        else
            assert_null(cJSON_GetObjectItem(d, "contact"));
        /* no Subject (the plugin-data Case): "Case <CaseNumber>", else "Case <Id>" */
        char title[64];
        snprintf(title, sizeof(title), "Case %s",
                 str(c, "CaseNumber") ? str(c, "CaseNumber") : str(c, "Id"));
        assert_string_equal(str(d, "title"), str(c, "Subject") ? str(c, "Subject") : title);
        const char *desc = str(c, "Description");
        if (desc != NULL) {
            assert_string_equal(str(d, message_key), desc);
            descriptions++;
        } else {
            assert_null(cJSON_GetObjectItem(d, message_key));
        }
        const char *want = mapped(str(c, "Status"), SF_STATUS, status);
        assert_non_null(want); /* the samples hold New, Escalated, Closed */
        assert_string_equal(str(d, "status"), want);
        const char *prio = mapped(str(c, "Priority"), SF_PRIORITY, priority);
        if (str(c, "Priority") == NULL)
            assert_null(cJSON_GetObjectItem(d, "priority"));
        else
            assert_string_equal(str(d, "priority"), prio);
        const char *type = str(c, "Type");
        int warranty =
            type != NULL && (strcmp(type, "Electrical") == 0 || strcmp(type, "Mechanical") == 0 ||
                             strcmp(type, "Electronic") == 0 || strcmp(type, "Structural") == 0);
        const cJSON *w = cJSON_GetObjectItem(d, "custevent_sfns_warranty");
        assert_true(cJSON_IsBool(w));
        assert_int_equal(cJSON_IsTrue(w), warranty);
        assert_null(cJSON_GetObjectItem(d, "custevent_sfns_billable"));
    }
    assert_int_equal(descriptions, 3); /* coral-cloud 2 (with \r\n), ebikes 1 */
    cJSON_Delete(out);
    cJSON_Delete(expect);
}

static void supportcase_from_every_sample(void **state)
{
    (void)state;
    static const char *const status[] = {"1", "2", "3", "5"};
    static const char *const priority[] = {"1", "2", "3"};
    check_activity("supportcase", status, priority, "incomingmessage");
}

static void task_from_every_sample(void **state)
{
    (void)state;
    static const char *const status[] = {"NOTSTART", "PROGRESS", "PROGRESS", "COMPLETE"};
    static const char *const priority[] = {"HIGH", "MEDIUM", "LOW"};
    check_activity("task", status, priority, "message");
}

static void phonecall_from_every_sample(void **state)
{
    (void)state;
    static const char *const status[] = {"SCHEDULED", "SCHEDULED", "SCHEDULED", "COMPLETE"};
    static const char *const priority[] = {"HIGH", "MEDIUM", "LOW"};
    check_activity("phonecall", status, priority, "message");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(off_skips_every_case_and_logs_it),
        cmocka_unit_test(tree_records_get_actionable_errors),
        cmocka_unit_test(supportcase_from_every_sample),
        cmocka_unit_test(task_from_every_sample),
        cmocka_unit_test(phonecall_from_every_sample),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
