/* test_sfns_match.c — `hookstack sfns match` ($HOOKSTACK_BIN) end to end:
 *   - on generated exports with planted duplicates (bench/sfns_gen, 2,000 x 2,000 with the
 *     NetSuite side as JSON, 800 x 800 as CSV): precision >= 0.98 and recall >= 0.95 of the
 *     NetSuite matches and of the Salesforce duplicate groups, as sfns_gen score computes them;
 *   - on the real sample contacts under $HS_SHARED_DIR/data (read at run time): the CSV's shape,
 *     and every contact the test copied into a NetSuite-shaped export (e-mail in other case, the
 *     NetSuite SOAP contact of the samples converted to JSON beside them) found as an update;
 *   - usage errors, --help, an invalid settings file naming the key, a malformed CSV naming the
 *     line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "integration/harness_run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "csvread.h"
#include "json.h"

static const char *bin, *gen, *shared;
static char tmp[64];

static char *slurp_fd(int fd)
{
    char *b = hst_fd_read_all(fd, NULL);
    assert_non_null(b);
    return b;
}

/* Runs argv[0] with argv; captures stdout and stderr. */
static void run(struct hst_run *r, const char *const *argv)
{
    assert_int_equal(hst_run(r, argv, NULL), 0);
}

static char *path_in(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    assert_non_null(p);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

static char *read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        fail_msg("cannot open %s: %s", path, strerror(errno));
    char *b = slurp_fd(fd);
    close(fd);
    if (len)
        *len = strlen(b);
    return b;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* ---- generated data ------------------------------------------------------------------------ */

static void generated(unsigned count, const char *ns_format, unsigned seed)
{
    char dir[128], cnt[16], sd[16];
    snprintf(dir, sizeof(dir), "%s/gen-%u-%s", tmp, count, ns_format);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(cnt, sizeof(cnt), "%u", count);
    snprintf(sd, sizeof(sd), "%u", seed);
    struct hst_run r;
    const char *g[] = {gen,           "generate", "--count", cnt, "--seed", sd,
                       "--ns-format", ns_format,  "--dir",   dir, NULL};
    run(&r, g);
    if (r.status != 0)
        fail_msg("sfns_gen generate: %d %s", r.status, r.err);
    hst_run_free(&r);
    char *sf = path_in(dir, "sf_contacts.json"), *acc = path_in(dir, "sf_accounts.json");
    char *ns = path_in(dir, strcmp(ns_format, "csv") == 0 ? "ns_contacts.csv" : "ns_contacts.json");
    char *cus = path_in(dir, "ns_customers.json"), *out = path_in(dir, "report.csv");
    char *truth = path_in(dir, "truth.csv");
    const char *m[] = {bin,     "sfns",
                       "match", "--salesforce",
                       sf,      "--netsuite",
                       ns,      "--salesforce-accounts",
                       acc,     "--netsuite-customers",
                       cus,     "--out",
                       out,     NULL};
    run(&r, m);
    if (r.status != 0)
        fail_msg("sfns match: %d %s", r.status, r.err);
    /* The summary names the counts. */
    char want[64];
    snprintf(want, sizeof(want), "%u Salesforce contacts, %u NetSuite contacts", count, count);
    assert_non_null(strstr(r.out, want));
    assert_non_null(strstr(r.out, "  update  "));
    hst_run_free(&r);
    const char *s[] = {gen,    "score",        "--truth", truth, "--report", out, "--min-precision",
                       "0.98", "--min-recall", "0.95",    NULL};
    run(&r, s);
    print_message("%s", r.out);
    if (r.status != 0)
        fail_msg("score below target (%d): %s%s", r.status, r.out, r.err);
    assert_non_null(strstr(r.out, "netsuite matches: precision"));
    hst_run_free(&r);
    free(sf);
    free(acc);
    free(ns);
    free(cus);
    free(out);
    free(truth);
}

static void test_generated_2000_json(void **state)
{
    (void)state;
    generated(2000, "json", 7);
}

static void test_generated_800_csv(void **state)
{
    (void)state;
    generated(800, "csv", 3);
}

/* ---- real sample contacts ------------------------------------------------------------------ */

static struct json_value *parse(struct arena *a, const char *path)
{
    size_t len = 0;
    char *text = read_file(path, &len);
    struct json_error je;
    struct json_value *v = json_parse(a, text, len, NULL, &je);
    if (!v)
        fail_msg("%s:%u:%u: %s", path, je.line, je.column, je.message);
    free(text);
    return v;
}

/* A member by name, ignoring case. */
static const char *str_ci(const struct json_value *o, const char *name)
{
    for (uint32_t i = 0; o && o->type == JSON_OBJECT && i < o->len; i++)
        if (strcasecmp(o->u.members[i].key, name) == 0 &&
            o->u.members[i].value->type == JSON_STRING)
            return o->u.members[i].value->u.str;
    return NULL;
}

static void set_str(struct arena *a, struct json_value *o, const char *k, const char *v)
{
    if (!v)
        return;
    struct json_value *s = json_new_string(a, v, strlen(v));
    assert_non_null(s);
    assert_int_equal(json_object_set(a, o, k, strlen(k), s), 0);
}

/* The one NetSuite contact of the samples (a SOAP search result), as a NetSuite JSON export
 * gives it: internalId, entityId, title, phone, email and the company reference. */
static struct json_value *soap_contact(struct arena *a)
{
    char *p = path_in(shared, "data/netsweet-netsuite/basic_search_contact.xml");
    char *xml = read_file(p, NULL);
    free(p);
    struct json_value *o = json_new_object(a), *company = json_new_object(a);
    char buf[256];
    const char *rec = strstr(xml, "<platformCore:record");
    assert_non_null(rec);
    assert_int_equal(sscanf(strstr(rec, "internalId=\"") + 12, "%255[^\"]", buf), 1);
    set_str(a, o, "internalId", buf);
    static const char *const tags[][2] = {{"entityId", "entityId"},   {"title", "title"},
                                          {"phone", "phone"},         {"email", "email"},
                                          {"firstName", "firstName"}, {"lastName", "lastName"}};
    for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
        char open[64];
        snprintf(open, sizeof(open), "<listRel:%s>", tags[i][0]);
        const char *t = strstr(rec, open);
        if (t && sscanf(t + strlen(open), "%255[^<]", buf) == 1)
            set_str(a, o, tags[i][1], buf);
    }
    const char *c = strstr(rec, "<listRel:company internalId=\"");
    assert_non_null(c);
    assert_int_equal(sscanf(c + 29, "%255[^\"]", buf), 1);
    set_str(a, company, "internalId", buf);
    assert_int_equal(sscanf(strstr(c, "<platformCore:name>") + 19, "%255[^<]", buf), 1);
    set_str(a, company, "name", buf);
    assert_int_equal(json_object_set(a, o, "company", 7, company), 0);
    free(xml);
    return o;
}

struct copied {
    char sf_id[64];
    char ns_id[32];
};

/* Writes a NetSuite-shaped export of every `every`-th contact of the Salesforce file (upper-case
 * e-mail, lower-camel keys, company by name), plus the SOAP sample contact. */
static size_t netsuite_copy(struct arena *a, const struct json_value *sf, const char *out,
                            unsigned every, struct copied *copies, size_t max)
{
    struct json_value *arr = json_new_array(a);
    size_t n = 0;
    for (uint32_t i = 0; i < sf->len && n < max; i += every) {
        const struct json_value *r = sf->u.items[i];
        const char *email = str_ci(r, "email");
        if (!email || !*email)
            continue;
        struct json_value *o = json_new_object(a), *company = json_new_object(a);
        char id[32], up[256];
        snprintf(id, sizeof(id), "%u", 9000 + i);
        snprintf(up, sizeof(up), "%s", email);
        for (char *p = up; *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - 32);
        set_str(a, o, "internalId", id);
        set_str(a, o, "firstName", str_ci(r, "firstname"));
        set_str(a, o, "lastName", str_ci(r, "lastname"));
        set_str(a, o, "email", up);
        set_str(a, o, "phone", str_ci(r, "phone"));
        set_str(a, company, "name", "Sample Customer");
        assert_int_equal(json_object_set(a, o, "company", 7, company), 0);
        assert_int_equal(json_array_push(a, arr, o), 0);
        const struct json_value *attrs = json_object_get(r, "attributes", 10);
        const char *ref = str_ci(attrs, "referenceId");
        assert_non_null(ref);
        snprintf(copies[n].sf_id, sizeof(copies[n].sf_id), "%s", ref);
        snprintf(copies[n].ns_id, sizeof(copies[n].ns_id), "%s", id);
        n++;
    }
    assert_int_equal(json_array_push(a, arr, soap_contact(a)), 0);
    struct json_buf b;
    json_buf_init(&b, 0);
    assert_int_equal(json_write(&b, arr, 0, NULL), 0);
    assert_int_equal(json_buf_append(&b, "", 1), 0);
    write_file(out, b.data);
    json_buf_free(&b);
    return n;
}

static const char *col(const struct json_value *row, const char *name)
{
    const struct json_value *v = json_object_get(row, name, strlen(name));
    return v && v->type == JSON_STRING ? v->u.str : NULL;
}

/* Checks the report's shape and that every copied contact is an update of its copy. */
static void check_report(const char *report, size_t nsf, const struct copied *copies,
                         size_t ncopies)
{
    size_t len = 0;
    char *text = read_file(report, &len);
    assert_true(strncmp(text, "salesforce_id,decision,netsuite_id,score,reason,group,", 54) == 0);
    struct arena *a = arena_new(1 << 16, 0);
    char err[256];
    struct json_value *rows = csvread_parse(a, text, len, err, sizeof(err));
    if (!rows)
        fail_msg("report: %s", err);
    assert_int_equal(rows->len, nsf);
    size_t updates = 0;
    for (uint32_t i = 0; i < rows->len; i++) {
        const struct json_value *r = rows->u.items[i];
        const char *id = col(r, "salesforce_id"), *d = col(r, "decision");
        const char *ns = col(r, "netsuite_id"), *score = col(r, "score"), *why = col(r, "reason");
        assert_non_null(id);
        assert_true(*id);
        assert_non_null(d);
        assert_non_null(ns);
        assert_non_null(why);
        assert_non_null(col(r, "group"));
        double sc = strtod(score, NULL);
        assert_true(sc >= 0 && sc <= 1);
        if (strcmp(d, "create") == 0) {
            assert_string_equal(ns, "");
        } else if (strcmp(d, "update") == 0) {
            updates++;
            assert_true(*ns && !strchr(ns, '|'));
        } else {
            assert_string_equal(d, "review");
            assert_true(*ns);
        }
        for (size_t k = 0; k < ncopies; k++) {
            if (strcmp(copies[k].sf_id, id) != 0)
                continue;
            if (strcmp(d, "update") != 0 || strcmp(ns, copies[k].ns_id) != 0)
                fail_msg("%s: expected update of %s, got %s %s (%s)", id, copies[k].ns_id, d, ns,
                         why);
        }
    }
    assert_true(updates >= ncopies);
    arena_free(a);
    free(text);
}

static void real(const char *contacts, const char *accounts, unsigned every)
{
    struct arena *a = arena_new(1 << 16, 0);
    char *sf = path_in(shared, contacts);
    struct json_value *root = parse(a, sf);
    const struct json_value *recs = json_object_get(root, "records", 7);
    assert_non_null(recs);
    struct copied copies[1024];
    char name[128];
    snprintf(name, sizeof(name), "ns-%s.json", strrchr(contacts, '/') + 1);
    char *ns = path_in(tmp, name);
    size_t n = netsuite_copy(a, recs, ns, every, copies, 1024);
    assert_true(n >= 10);
    snprintf(name, sizeof(name), "report-%s.csv", strrchr(contacts, '/') + 1);
    char *out = path_in(tmp, name);
    char *acc = accounts ? path_in(shared, accounts) : NULL;
    const char *m[] = {bin,     "sfns",
                       "match", "--salesforce",
                       sf,      "--netsuite",
                       ns,      "--out",
                       out,     acc ? "--salesforce-accounts" : NULL,
                       acc,     NULL};
    struct hst_run r;
    run(&r, m);
    if (r.status != 0)
        fail_msg("sfns match: %d %s", r.status, r.err);
    print_message("%s: %s", contacts, r.out);
    hst_run_free(&r);
    check_report(out, recs->len, copies, n);
    free(sf);
    free(ns);
    free(out);
    free(acc);
    arena_free(a);
}

static void test_real_apex_recipes(void **state)
{
    (void)state;
    real("data/apex-recipes/Contacts.json", "data/apex-recipes/Accounts.json", 3);
}

static void test_real_coral_cloud_large(void **state)
{
    (void)state;
    real("data/coral-cloud/data-Contact-large.json", NULL, 5);
}

static void test_real_data_loader_examples(void **state)
{
    (void)state;
    real("data/sf-data-loader-examples/Contact.json", NULL, 1);
}

static void test_real_csv_export(void **state)
{
    (void)state;
    /* The apex-recipes contacts as their CSV (no Id column: rows are named #1, #2, ...). */
    char *sf = path_in(shared, "data/apex-recipes/Contacts.csv");
    char *ns = path_in(tmp, "ns-empty.json"), *out = path_in(tmp, "report-csv.csv");
    write_file(ns, "[]");
    const char *m[] = {bin,     "sfns", "match", "--salesforce", sf, "--netsuite", ns,
                       "--out", out,    NULL};
    struct hst_run r;
    run(&r, m);
    if (r.status != 0)
        fail_msg("sfns match: %d %s", r.status, r.err);
    assert_non_null(strstr(r.out, "150 Salesforce contacts, 0 NetSuite contacts"));
    assert_non_null(strstr(r.out, "  create  150"));
    hst_run_free(&r);
    char *text = read_file(out, NULL);
    assert_non_null(strstr(text, "\n#1,create,,0.000,no match,#1,1,Lianna,Sinisbury,"));
    free(text);
    free(sf);
    free(ns);
    free(out);
}

/* ---- errors -------------------------------------------------------------------------------- */

static void expect(const char *const *argv, int status, const char *needle)
{
    struct hst_run r;
    run(&r, argv);
    if (r.status != status || !strstr(r.err, needle))
        fail_msg("status %d (want %d), stderr: %s (want \"%s\")", r.status, status, r.err, needle);
    hst_run_free(&r);
}

static void test_usage_and_errors(void **state)
{
    (void)state;
    struct hst_run r;
    const char *help[] = {bin, "sfns", "match", "--help", NULL};
    run(&r, help);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "usage: hookstack sfns match --salesforce CONTACTS"));
    hst_run_free(&r);
    const char *sfns_help[] = {bin, "sfns", "--help", NULL};
    run(&r, sfns_help);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "match"));
    hst_run_free(&r);

    const char *missing[] = {bin, "sfns", "match", "--salesforce", "x.json", NULL};
    expect(missing, 2, "--salesforce and --netsuite are required");
    const char *unknown[] = {bin, "sfns", "match", "--frobnicate", NULL};
    expect(unknown, 2, "unknown argument '--frobnicate'");
    const char *nocmd[] = {bin, "sfns", "merge", NULL};
    expect(nocmd, 2, "unknown command 'merge'");

    char *sf = path_in(tmp, "e-sf.csv"), *ns = path_in(tmp, "e-ns.json");
    char *set = path_in(tmp, "e-settings.json"), *nofile = path_in(tmp, "nope.json");
    write_file(sf, "Id,LastName,Email\n0035g00000Ss1AaAAJ,Lee,\"ann@x.org\"\n"
                   "0035g00000Ss1AbAAJ,Kim,\"bad\"quote\n");
    write_file(ns, "[]");
    const char *badcsv[] = {bin, "sfns", "match", "--salesforce", sf, "--netsuite", ns, NULL};
    expect(badcsv, 1, "e-sf.csv: line 3: a quote inside an unquoted field");
    const char *nf[] = {bin, "sfns", "match", "--salesforce", nofile, "--netsuite", ns, NULL};
    expect(nf, 1, "nope.json: No such file or directory");
    write_file(sf, "Id,LastName\n0035g00000Ss1AaAAJ,Lee\n");
    write_file(set, "{\"sfns\": {\"contacts\": {\"companyThreshold\": \"high\"}}}");
    const char *bad[] = {bin,          "sfns", "match", "--salesforce", sf, "--netsuite", ns,
                         "--settings", set,    NULL};
    expect(bad, 1,
           "settings.sfns.contacts.companyThreshold: must be a number from 0 to 1, got the "
           "string \"high\"");
    write_file(set, "{\"nameTreshold\": 0.9}");
    expect(bad, 1, "settings.sfns.contacts.nameTreshold: unknown key");
    write_file(set, "{\"weakMatch\": \"review\", \"candidatesField\": \"x\"}");
    const char *good[] = {bin,          "sfns", "match", "--salesforce", sf, "--netsuite", ns,
                          "--settings", set,    NULL};
    run(&r, good);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "0035g00000Ss1AaAAJ,create,,0.000,no match,"));
    assert_non_null(strstr(r.err, "1 Salesforce contacts, 0 NetSuite contacts"));
    hst_run_free(&r);
    write_file(ns, "{\"rows\": []}");
    const char *shape[] = {bin, "sfns", "match", "--salesforce", sf, "--netsuite", ns, NULL};
    expect(shape, 1, "the top level must be an array of records");
    free(sf);
    free(ns);
    free(set);
    free(nofile);
}

static int setup(void **state)
{
    (void)state;
    bin = getenv("HOOKSTACK_BIN");
    const char *build = getenv("HS_BUILD_DIR");
    shared = getenv("HS_SHARED_DIR");
    if (!bin || !build || !shared)
        return -1;
    static char g[4096];
    snprintf(g, sizeof(g), "%s/bench/sfns_gen", build);
    gen = g;
    snprintf(tmp, sizeof(tmp), "/tmp/hs-sfns-match-XXXXXX");
    return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generated_2000_json),
        cmocka_unit_test(test_generated_800_csv),
        cmocka_unit_test(test_real_apex_recipes),
        cmocka_unit_test(test_real_coral_cloud_large),
        cmocka_unit_test(test_real_data_loader_examples),
        cmocka_unit_test(test_real_csv_export),
        cmocka_unit_test(test_usage_and_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
