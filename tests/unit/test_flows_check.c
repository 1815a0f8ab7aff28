/* test_flows_check.c — the checks of `flows validate` on folders built in memory
 * (runner/flows_check.c, flows_set.c) with a fixed table of functions and kinds, and the download
 * layout conversion (runner/flows_layout.c): import, export and import again give the same files,
 * ids become references and back, hostile entries are refused with a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flows_check.h"
#include "flows_layout.h"
#include "flows_set.h"
#include "hookstack.h"

static int fake_kind_of(void *arg, const char *name, size_t n)
{
    (void)arg;
    static const struct {
        const char *name;
        hs_kind kind;
    } fns[] = {{"pre", HS_KIND_PRE_MAP},
               {"post", HS_KIND_POST_SUBMIT},
               {"page", HS_KIND_PRE_SAVE_PAGE},
               {"route", HS_KIND_BRANCHING},
               {"agg", HS_KIND_POST_AGGREGATE}};
    for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
        if (strlen(fns[i].name) == n && memcmp(fns[i].name, name, n) == 0)
            return (int)fns[i].kind;
    return -1;
}

static const struct flows_fns fns = {.kind_of = fake_kind_of};

/* Canonical text of a resource written loosely. */
static char *canon(enum flows_type t, const char *text)
{
    struct arena *a = arena_new(4096, 0);
    struct json_buf b;
    json_buf_init(&b, 0);
    struct json_error err = {0};
    assert_int_equal(flows_canon_text(a, t, text, strlen(text), &b, &err), 0);
    char *out = strndup(b.data, b.len);
    json_buf_free(&b);
    arena_free(a);
    return out;
}

static void add(struct flows_set *s, enum flows_type t, const char *name, const char *text)
{
    char *c = canon(t, text);
    char path[256];
    if (t == FLOWS_INTEGRATION)
        snprintf(path, sizeof(path), "f/integration.json");
    else
        snprintf(path, sizeof(path), "f/%s/%s.json", flows_type_dir(t), name);
    assert_non_null(flows_set_add(s, t, name, path, c, strlen(c)));
    free(c);
}

/* A valid folder: integration, a connection, a stack, an export with preSavePage, an import with
 * preMap and postSubmit, a flow with routers (a script router), an HTTP step. */
static struct flows_set *valid_set(void)
{
    struct flows_set *s = flows_set_new();
    assert_non_null(s);
    add(s, FLOWS_INTEGRATION, "integration",
        "{\"name\":\"I\",\"_registeredConnectionIds\":[\"@connections/c\"]}");
    add(s, FLOWS_CONNECTION, "c", "{\"name\":\"C\",\"type\":\"http\"}");
    add(s, FLOWS_STACK, "hs",
        "{\"name\":\"H\",\"type\":\"server\",\"server\":{\"hostURI\":\"https://h\"}}");
    add(s, FLOWS_EXPORT, "e",
        "{\"name\":\"E\",\"adaptorType\":\"HTTPExport\",\"_connectionId\":\"@connections/c\","
        "\"hooks\":{\"preSavePage\":{\"_stackId\":\"@stacks/hs\",\"function\":\"page\"}}}");
    add(s, FLOWS_IMPORT, "i",
        "{\"name\":\"Imp\",\"adaptorType\":\"HTTPImport\",\"_connectionId\":\"@connections/c\","
        "\"http\":{\"relativeURI\":[\"/v1/hooks/route\"]},"
        "\"hooks\":{\"preMap\":{\"_stackId\":\"@stacks/hs\",\"function\":\"pre\"},"
        "\"postMap\":{\"_stackId\":null,\"function\":null},"
        "\"postSubmit\":{\"_stackId\":\"@stacks/hs\",\"function\":\"post\"}}}");
    add(s, FLOWS_FLOW, "fl",
        "{\"name\":\"F\",\"pageGenerators\":[{\"_exportId\":\"@exports/e\"}],\"routers\":["
        "{\"id\":\"r0\",\"branches\":[{\"name\":\"b\",\"pageProcessors\":[],\"nextRouterId\":"
        "\"r1\"}]},{\"id\":\"r1\",\"routeRecordsUsing\":\"script\",\"script\":{\"_stackId\":"
        "\"@stacks/hs\",\"function\":\"route\"},\"branches\":[{\"name\":\"x\",\"pageProcessors\":"
        "[{\"type\":\"import\",\"_importId\":\"@imports/i\"}]}]}]}");
    add(s, FLOWS_ENVIRONMENT, "sandbox",
        "{\"name\":\"sandbox\",\"region\":\"US\",\"ids\":{\"@integration\":\"a1\","
        "\"@connections/c\":\"c1\"}}");
    return s;
}

static void print_findings(const struct flows_set *s)
{
    for (size_t i = 0; i < s->nfindings; i++)
        print_message("%s:%u:%u: %s\n", s->findings[i].path, s->findings[i].line,
                      s->findings[i].col, s->findings[i].message);
}

static void test_valid(void **state)
{
    (void)state;
    struct flows_set *s = valid_set();
    assert_int_equal(flows_check(s, &fns), 0);
    print_findings(s);
    assert_int_equal(s->nfindings, 0);
    flows_set_free(s);
}

/* Replaces the file of type/name in a valid set by text, checks, and expects exactly one finding
 * in that file whose message contains want (and, when line > 0, at line:col). */
static void expect_one(enum flows_type t, const char *name, const char *text, const char *want,
                       uint32_t line, uint32_t col)
{
    struct flows_set *s = valid_set();
    struct flows_file *f = flows_set_find(s, t, name, strlen(name));
    assert_non_null(f);
    f->type = FLOWS_NTYPES; /* hide the valid one */
    f->name = "hidden";
    add(s, t, name, text);
    assert_int_equal(flows_check(s, &fns), 0);
    print_findings(s);
    assert_int_equal(s->nfindings, 1);
    assert_non_null(strstr(s->findings[0].message, want));
    if (line > 0) {
        assert_int_equal(s->findings[0].line, line);
        assert_int_equal(s->findings[0].col, col);
    }
    flows_set_free(s);
}

static void test_wrong_kind(void **state)
{
    (void)state;
    expect_one(FLOWS_IMPORT, "i",
               "{\"name\":\"Imp\",\"adaptorType\":\"HTTPImport\",\"_connectionId\":\"@connections/"
               "c\",\"hooks\":{\"preMap\":{\"_stackId\":\"@stacks/hs\",\"function\":\"post\"}}}",
               "hook preMap names post, a postSubmit function; this hook point needs a preMap "
               "function",
               8, 7);
    expect_one(FLOWS_EXPORT, "e",
               "{\"name\":\"E\",\"adaptorType\":\"HTTPExport\",\"_connectionId\":\"@connections/"
               "c\",\"hooks\":{\"preSavePage\":{\"_stackId\":\"@stacks/hs\",\"function\":"
               "\"pre\"}}}",
               "needs a preSavePage function", 0, 0);
    expect_one(FLOWS_FLOW, "fl",
               "{\"name\":\"F\",\"pageGenerators\":[{\"_exportId\":\"@exports/e\"}],\"routers\":["
               "{\"id\":\"r1\",\"routeRecordsUsing\":\"script\",\"script\":{\"_stackId\":"
               "\"@stacks/hs\",\"function\":\"pre\"},\"branches\":[{\"name\":\"x\"}]}]}",
               "needs a branching function", 0, 0);
}

static void test_missing_hook(void **state)
{
    (void)state;
    expect_one(FLOWS_IMPORT, "i",
               "{\"name\":\"Imp\",\"adaptorType\":\"HTTPImport\",\"_connectionId\":\"@connections/"
               "c\",\"hooks\":{\"postSubmit\":{\"_stackId\":\"@stacks/hs\",\"function\":"
               "\"gone\"}}}",
               "names gone, which no loaded module registers", 0, 0);
    expect_one(FLOWS_IMPORT, "i",
               "{\"name\":\"Imp\",\"adaptorType\":\"HTTPImport\",\"_connectionId\":\"@connections/"
               "c\",\"http\":{\"relativeURI\":[\"/v1/hooks/nothere?x=1\"]}}",
               "no loaded module registers nothere", 0, 0);
    expect_one(FLOWS_IMPORT, "i",
               "{\"name\":\"Imp\",\"adaptorType\":\"HTTPImport\",\"_connectionId\":\"@connections/"
               "c\",\"http\":{\"relativeURI\":[\"/v1/hooks/agg\"]}}",
               "which /v1/hooks does not serve", 0, 0);
    expect_one(FLOWS_IMPORT, "i",
               "{\"name\":\"Imp\",\"adaptorType\":\"HTTPImport\",\"_connectionId\":\"@connections/"
               "c\",\"hooks\":{\"preSend\":{\"_stackId\":\"@stacks/hs\",\"function\":\"pre\"}}}",
               "not a hook point of an import", 0, 0);
}

static void test_dangling_reference(void **state)
{
    (void)state;
    expect_one(FLOWS_EXPORT, "e",
               "{\"name\":\"E\",\"adaptorType\":\"HTTPExport\",\"_connectionId\":\"@connections/"
               "nope\"}",
               "dangling reference \"@connections/nope\": there is no connections/nope.json", 3, 3);
    expect_one(FLOWS_EXPORT, "e",
               "{\"name\":\"E\",\"adaptorType\":\"HTTPExport\",\"_connectionId\":\"@exports/e\"}",
               "points at exports/, it must point at connections/", 0, 0);
    expect_one(FLOWS_EXPORT, "e",
               "{\"name\":\"E\",\"adaptorType\":\"HTTPExport\",\"_connectionId\":"
               "\"65aa00000000000000000001\"}",
               "not a reference \"@connections/NAME\"", 0, 0);
    expect_one(FLOWS_ENVIRONMENT, "sandbox",
               "{\"name\":\"sandbox\",\"region\":\"US\",\"ids\":{\"@imports/zz\":\"1\"}}",
               "names no resource", 0, 0);
    expect_one(FLOWS_FLOW, "fl",
               "{\"name\":\"F\",\"pageGenerators\":[{\"_exportId\":\"@exports/e\"}],\"routers\":["
               "{\"id\":\"r1\",\"branches\":[{\"name\":\"x\",\"nextRouterId\":\"r9\"}]}]}",
               "nextRouterId names no router", 0, 0);
}

static void test_missing_required(void **state)
{
    (void)state;
    expect_one(FLOWS_EXPORT, "e", "{\"name\":\"E\",\"_connectionId\":\"@connections/c\"}",
               "adaptorType must be a non-empty string", 1, 1);
    expect_one(FLOWS_FLOW, "fl",
               "{\"name\":\"F\",\"pageGenerators\":[{\"_exportId\":\"@exports/e\"}]}",
               "needs pageProcessors or routers", 0, 0);
    expect_one(FLOWS_FLOW, "fl",
               "{\"name\":\"F\",\"pageGenerators\":[{\"_exportId\":\"@exports/e\"}],"
               "\"pageProcessors\":[],\"routers\":[]}",
               "\"pageProcessors\" is not allowed when \"routers\" is present", 0, 0);
    expect_one(FLOWS_IMPORT, "i",
               "{\"name\":\"Imp\",\"adaptorType\":\"NetSuiteDistributedImport\",\"_connectionId\":"
               "\"@connections/c\",\"netsuite_da\":{\"operation\":\"add\"}}",
               "netsuite_da.recordType must be a non-empty string", 0, 0);
    expect_one(FLOWS_IMPORT, "i",
               "{\"name\":\"Imp\",\"adaptorType\":\"NetSuiteDistributedImport\",\"_connectionId\":"
               "\"@connections/c\",\"netsuite_da\":{\"operation\":\"add\",\"recordType\":\"x\","
               "\"lookups\":[{\"name\":\"known\",\"map\":{}}],\"mapping\":{\"fields\":[{"
               "\"extract\":\"a\",\"generate\":\"b\",\"lookupName\":\"known\"}],\"lists\":[{"
               "\"fields\":[{\"extract\":\"a\",\"generate\":\"b\",\"lookupName\":\"gone\"}]}]}}}",
               "lookupName \"gone\" names no lookup of this import", 0, 0);
    expect_one(FLOWS_STACK, "hs", "{\"name\":\"H\",\"type\":\"server\"}",
               "a server stack needs server", 0, 0);
}

static void test_broken_json_and_form(void **state)
{
    (void)state;
    struct flows_set *s = valid_set();
    const char *bad = "{\n  \"name\": \"x\",\n  \"type\": http\n}\n";
    assert_non_null(
        flows_set_add(s, FLOWS_CONNECTION, "bad", "f/connections/bad.json", bad, strlen(bad)));
    const char *loose = "{\"name\":\"L\",\"type\":\"http\"}\n";
    assert_non_null(flows_set_add(s, FLOWS_CONNECTION, "loose", "f/connections/loose.json", loose,
                                  strlen(loose)));
    assert_int_equal(flows_check(s, &fns), 0);
    print_findings(s);
    assert_int_equal(s->nfindings, 2);
    assert_string_equal(s->findings[0].path, "f/connections/bad.json");
    assert_int_equal(s->findings[0].line, 3);
    assert_int_equal(s->findings[0].col, 11);
    assert_non_null(strstr(s->findings[0].message, "invalid JSON"));
    assert_string_equal(s->findings[1].path, "f/connections/loose.json");
    assert_non_null(strstr(s->findings[1].message, "not in canonical form"));
    flows_set_free(s);
}

/* ---- the download layout -------------------------------------------------------------------- */

static struct flows_entries *zip_entries(void)
{
    struct flows_entries *l = flows_entries_new();
    assert_non_null(l);
    static const char *const e[][2] = {
        {"integration.json", "{\"_id\":\"aaa000000000000000000001\",\"name\":\"SF NS\","
                             "\"lastModified\":\"2024\",\"_registeredConnectionIds\":["
                             "\"ccc000000000000000000001\"]}"},
        {"connections/Sales force-ccc000000000000000000001.json",
         "{\"_id\":\"ccc000000000000000000001\",\"name\":\"Sales force\",\"type\":\"salesforce\","
         "\"salesforce\":{\"refreshToken\":\"******\"},\"createdAt\":\"x\"}"},
        {"exports/Accounts-eee000000000000000000001.json",
         "{\"_id\":\"eee000000000000000000001\",\"name\":\"Accounts\",\"adaptorType\":"
         "\"SalesforceExport\",\"_connectionId\":\"ccc000000000000000000001\",\"hooks\":{"
         "\"preSavePage\":{\"_stackId\":\"sss000000000000000000001\",\"function\":\"page\"}},"
         "\"mockOutput\":{\"page_of_records\":[1]}}"},
        {"exports/Accounts-eee000000000000000000002.json",
         "{\"_id\":\"eee000000000000000000002\",\"name\":\"Accounts\",\"adaptorType\":"
         "\"SalesforceExport\",\"_connectionId\":\"ccc000000000000000000009\"}"},
        {"imports/Customers-iii000000000000000000001.json",
         "{\"_id\":\"iii000000000000000000001\",\"name\":\"Customers\",\"adaptorType\":"
         "\"HTTPImport\",\"_connectionId\":\"ccc000000000000000000001\"}"},
        {"flows/Sync-fff000000000000000000001.json",
         "{\"_id\":\"fff000000000000000000001\",\"_integrationId\":\"aaa000000000000000000001\","
         "\"name\":\"Sync\",\"pageGenerators\":[{\"_exportId\":\"eee000000000000000000001\"}],"
         "\"pageProcessors\":[{\"type\":\"import\",\"_importId\":\"iii000000000000000000001\"}],"
         "\"_runNextFlowIds\":[\"fff000000000000000000001\"]}"},
        {"scripts/Helper-ppp000000000000000000001.json",
         "{\"_id\":\"ppp000000000000000000001\",\"name\":\"Helper\",\"lastModified\":\"t\"}"},
        {"scripts/Helper-ppp000000000000000000001.js", "function f(o) { return o; }\n"},
        {"imports/Orders-iii000000000000000000002.json",
         "{\"_id\":\"iii000000000000000000002\",\"name\":\"Orders\",\"adaptorType\":"
         "\"HTTPImport\",\"_connectionId\":\"ccc000000000000000000001\",\"mockResponse\":{"
         "\"hooks\":{\"preMap\":{\"_stackId\":\"sss000000000000000000009\"}}}}"},
        {"README.txt", "not a resource"},
    };
    for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++)
        assert_int_equal(flows_entries_add(l, e[i][0], e[i][1], strlen(e[i][1])), 0);
    return l;
}

static const struct flows_entry *entry(const struct flows_entries *l, const char *path)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->e[i].path, path) == 0)
            return &l->e[i];
    return NULL;
}

/* A set holding the files of an import (paths relative to f/). */
static struct flows_set *set_of(const struct flows_entries *files)
{
    struct flows_set *s = flows_set_new();
    assert_non_null(s);
    for (size_t i = 0; i < files->n; i++) {
        const char *p = files->e[i].path;
        const char *slash = strchr(p, '/');
        char full[512], name[256];
        snprintf(full, sizeof(full), "f/%s", p);
        if (!slash) {
            assert_non_null(flows_set_add(s, FLOWS_INTEGRATION, "integration", full,
                                          files->e[i].data, files->e[i].len));
            continue;
        }
        int t = flows_type_from_dir(p, (size_t)(slash - p));
        assert_true(t >= 0);
        size_t n = strlen(slash + 1);
        if (n > 3 && strcmp(slash + 1 + n - 3, ".js") == 0)
            continue;
        snprintf(name, sizeof(name), "%.*s", (int)(n - 5), slash + 1);
        struct flows_file *f =
            flows_set_add(s, (enum flows_type)t, name, full, files->e[i].data, files->e[i].len);
        assert_non_null(f);
        if (t == FLOWS_SCRIPT) {
            char js[300];
            snprintf(js, sizeof(js), "scripts/%s.js", name);
            const struct flows_entry *e = entry(files, js);
            if (e) {
                f->js = e->data;
                f->js_len = e->len;
            }
        }
    }
    return s;
}

static void test_import_export_round_trip(void **state)
{
    (void)state;
    char err[512];
    struct flows_entries *zip = zip_entries(), *d1 = flows_entries_new(),
                         *notes = flows_entries_new(), *zip2 = flows_entries_new(),
                         *d2 = flows_entries_new();
    struct flows_import_opts o = {.env = "sandbox", .region = "EU"};
    assert_int_equal(flows_layout_import(zip, &o, d1, notes, err, sizeof(err)), 0);
    for (size_t i = 0; i < notes->n; i++)
        print_message("note: %s\n", notes->e[i].data);
    /* README skipped; the second export's connection is not in the download */
    assert_int_equal(notes->n, 2);
    assert_non_null(strstr(notes->e[1].data, "ccc000000000000000000009"));
    const struct flows_entry *e = entry(d1, "exports/accounts.json");
    assert_non_null(e);
    assert_non_null(strstr(e->data, "\"_connectionId\": \"@connections/sales-force\""));
    assert_non_null(strstr(e->data, "\"_stackId\": \"@stacks/stack-sss000000000000000000001\""));
    assert_null(strstr(e->data, "mockOutput"));
    assert_null(strstr(e->data, "_id"));
    assert_non_null(entry(d1, "exports/accounts-2.json"));
    assert_non_null(entry(d1, "stacks/stack-sss000000000000000000001.json"));
    /* a stack named only inside a captured payload is dropped with it */
    assert_null(entry(d1, "stacks/stack-sss000000000000000000009.json"));
    e = entry(d1, "flows/sync.json");
    assert_non_null(e);
    assert_non_null(strstr(e->data, "\"_runNextFlowIds\": [\n    \"@flows/sync\"\n  ]"));
    assert_null(strstr(e->data, "_integrationId"));
    e = entry(d1, "connections/sales-force.json");
    assert_non_null(e);
    assert_non_null(strstr(e->data, "\"refreshToken\": \"<secret>\""));
    e = entry(d1, "scripts/helper.js");
    assert_non_null(e);
    assert_string_equal(e->data, "function f(o) { return o; }\n");
    e = entry(d1, "environments/sandbox.json");
    assert_non_null(e);
    assert_non_null(strstr(e->data, "\"@integration\": \"aaa000000000000000000001\""));
    assert_non_null(strstr(e->data, "\"region\": \"EU\""));

    /* the export of what the import wrote needs every reference resolved: the kept raw id of
     * exports/accounts-2 is refused with a message */
    struct flows_set *s = set_of(d1);
    struct arena *a = arena_new(4096, 0);
    const struct flows_entry *env = entry(d1, "environments/sandbox.json");
    struct json_value *envv = json_parse(a, env->data, env->len, NULL, NULL);
    const struct json_value *ids = json_object_get(envv, "ids", 3);
    assert_int_equal(flows_layout_export(s, ids, zip2, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "ccc000000000000000000009"));
    flows_set_free(s);

    /* without that export, the round trip is exact */
    zip->n = 0;
    flows_entries_free(zip);
    zip = zip_entries();
    zip->e[3] = zip->e[zip->n - 1]; /* drop "Accounts-...002" */
    zip->n--;
    flows_entries_free(d1);
    d1 = flows_entries_new();
    assert_int_equal(flows_layout_import(zip, &o, d1, NULL, err, sizeof(err)), 0);
    s = set_of(d1);
    env = entry(d1, "environments/sandbox.json");
    envv = json_parse(a, env->data, env->len, NULL, NULL);
    ids = json_object_get(envv, "ids", 3);
    assert_int_equal(flows_check(s, &fns), 0);
    print_findings(s);
    /* the only finding: the stack imported by id has no hostURI yet */
    assert_int_equal(s->nfindings, 1);
    assert_non_null(strstr(s->findings[0].message, "hostURI"));
    assert_int_equal(flows_layout_export(s, ids, zip2, err, sizeof(err)), 0);
    assert_non_null(entry(zip2, "exports/Accounts-eee000000000000000000001.json"));
    assert_non_null(entry(zip2, "connections/Sales force-ccc000000000000000000001.json"));
    assert_non_null(entry(zip2, "scripts/Helper-ppp000000000000000000001.js"));
    e = entry(zip2, "flows/Sync-fff000000000000000000001.json");
    assert_non_null(e);
    assert_non_null(strstr(e->data, "\"_integrationId\": \"aaa000000000000000000001\""));
    assert_non_null(strstr(e->data, "\"_importId\": \"iii000000000000000000001\""));
    struct flows_import_opts o2 = {.env = "sandbox", .region = "EU", .known_ids = ids};
    assert_int_equal(flows_layout_import(zip2, &o2, d2, NULL, err, sizeof(err)), 0);
    assert_int_equal(d1->n, d2->n);
    for (size_t i = 0; i < d1->n; i++) {
        const struct flows_entry *x = entry(d2, d1->e[i].path);
        assert_non_null(x);
        assert_int_equal(x->len, d1->e[i].len);
        assert_memory_equal(x->data, d1->e[i].data, x->len);
    }
    flows_set_free(s);
    arena_free(a);
    flows_entries_free(zip);
    flows_entries_free(d1);
    flows_entries_free(d2);
    flows_entries_free(zip2);
    flows_entries_free(notes);
}

static void test_import_refuses(void **state)
{
    (void)state;
    static const char *const cases[][3] = {
        {"exports/a-1.json", "{\"_id\":\"x\",\"name\":", "exports/a-1.json:1:19: invalid JSON"},
        {"exports/a-1.json", "[1]", "not a JSON object"},
        {"exports/a.json", "{\"name\":\"a\"}", "not an integrator.io id"},
        {"exports/a-1.json", "{\"_id\":\"../../etc\",\"name\":\"a\"}", "not an integrator.io id"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct flows_entries *in = flows_entries_new(), *out = flows_entries_new();
        assert_int_equal(flows_entries_add(in, "integration.json", "{\"_id\":\"1\"}", 11), 0);
        assert_int_equal(flows_entries_add(in, cases[i][0], cases[i][1], strlen(cases[i][1])), 0);
        char err[512] = "";
        struct flows_import_opts o = {.env = "production", .region = "US"};
        assert_int_equal(flows_layout_import(in, &o, out, NULL, err, sizeof(err)), -1);
        print_message("%s\n", err);
        assert_non_null(strstr(err, cases[i][2]));
        flows_entries_free(in);
        flows_entries_free(out);
    }
    struct flows_entries *in = flows_entries_new(), *out = flows_entries_new();
    char err[512];
    struct flows_import_opts o = {.env = "production", .region = "US"};
    assert_int_equal(flows_layout_import(in, &o, out, NULL, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "no integration.json"));
    o.env = "../x";
    assert_int_equal(flows_layout_import(in, &o, out, NULL, err, sizeof(err)), -1);
    flows_entries_free(in);
    flows_entries_free(out);
}

/* More resources than the first allocation holds: the tables grow while the integration's entry
 * is still needed (ASan found it used after the move). */
static void test_many_resources(void **state)
{
    (void)state;
    struct flows_entries *in = flows_entries_new(), *d1 = flows_entries_new(),
                         *zip = flows_entries_new();
    assert_int_equal(
        flows_entries_add(in, "integration.json", "{\"_id\":\"a1\",\"name\":\"I\"}", 23), 0);
    for (int i = 0; i < 100; i++) {
        char path[64], body[160];
        snprintf(path, sizeof(path), "flows/F-f%d.json", i);
        int n = snprintf(
            body, sizeof(body),
            "{\"_id\":\"f%d\",\"name\":\"F\",\"_integrationId\":\"a1\",\"pageGenerators\":[]}", i);
        assert_int_equal(flows_entries_add(in, path, body, (size_t)n), 0);
    }
    char err[512];
    struct flows_import_opts o = {.env = "production", .region = "US"};
    int rc = flows_layout_import(in, &o, d1, NULL, err, sizeof(err));
    if (rc != 0)
        print_message("%s\n", err);
    assert_int_equal(rc, 0);
    assert_non_null(entry(d1, "flows/f.json"));
    assert_non_null(entry(d1, "flows/f-100.json"));
    struct flows_set *s = set_of(d1);
    assert_int_equal(flows_layout_export(s, NULL, zip, err, sizeof(err)), 0);
    assert_int_equal(zip->n, 101);
    for (size_t i = 0; i < zip->n; i++)
        if (strncmp(zip->e[i].path, "flows/", 6) == 0)
            assert_non_null(strstr(zip->e[i].data, "\"_integrationId\": \""));
    flows_set_free(s);
    flows_entries_free(in);
    flows_entries_free(d1);
    flows_entries_free(zip);
}

static void test_slug(void **state)
{
    (void)state;
    char out[80];
    flows_slug("Salesforce Accounts (NetSuite-owned)", 36, out, sizeof(out));
    assert_string_equal(out, "salesforce-accounts-netsuite-owned");
    flows_slug("  --  ", 6, out, sizeof(out));
    assert_string_equal(out, "");
    flows_slug("\xc3\xa9t\xc3\xa9 2", 7, out, sizeof(out));
    assert_string_equal(out, "t-2");
    assert_true(flows_name_valid("a-b-1", 5));
    assert_false(flows_name_valid("a--b", 4));
    assert_false(flows_name_valid("A", 1));
    assert_false(flows_name_valid("-a", 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_wrong_kind),
        cmocka_unit_test(test_missing_hook),
        cmocka_unit_test(test_dangling_reference),
        cmocka_unit_test(test_missing_required),
        cmocka_unit_test(test_broken_json_and_form),
        cmocka_unit_test(test_import_export_round_trip),
        cmocka_unit_test(test_import_refuses),
        cmocka_unit_test(test_many_resources),
        cmocka_unit_test(test_slug),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
