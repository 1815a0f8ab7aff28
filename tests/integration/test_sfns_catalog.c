/* test_sfns_catalog.c — `hookstack sfns catalog` ($HOOKSTACK_BIN) end to end:
 *   - generated catalogs with known answers (bench/catalog_gen, 2,000 products): precision and
 *     recall of the proposals, precision of what is accepted without review, and the share of
 *     planted conflicts reported, against thresholds (catalog_gen score prints the numbers);
 *     running twice gives the same bytes;
 *   - the accept loop: a decisions file made from the known answers (accept, map, reject) empties
 *     the review file, and applying it again (or twice in one run) gives the same settings;
 *   - the HTML report opened in headless Chromium: the counts its script renders equal the
 *     command's summary, every conflict of every product appears in its row, names are escaped,
 *     and the page names no external resource;
 *   - the generated settings drive sfnsOpportunityToSalesOrder (`hookstack invoke` with the sfns
 *     module of build/modules): each product's order line gets the item (or the bundle's items)
 *     the known answer names;
 *   - the real Product2 / PricebookEntry records under $HS_SHARED_DIR/data (read at run time)
 *     against a NetSuite item list of this folder (catalog/ns-items-quickstart.json), and the
 *     real CSV exports of both systems;
 *   - README.md's "Catalog mapping" walkthrough on examples/catalog/: the summary, the decisions
 *     and the settings blocks of the README (after their readme: markers) are what the command
 *     prints, takes and writes, and the settings order what the README says;
 *   - usage errors and bad decisions files, each message naming what is wrong. */
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
#include "harness.h"
#include "json.h"

static const char *bin, *gen, *shared, *source;
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

static char *read_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        fail_msg("cannot open %s: %s", path, strerror(errno));
    char *b = slurp_fd(fd);
    close(fd);
    return b;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static struct json_value *csv_rows(struct arena *a, const char *path)
{
    char *text = read_file(path), err[256];
    struct json_value *rows = csvread_parse(a, text, strlen(text), err, sizeof(err));
    free(text);
    if (!rows)
        fail_msg("%s: %s", path, err);
    return rows;
}

static struct json_value *json_file(struct arena *a, const char *path)
{
    char *text = read_file(path);
    struct json_error je;
    struct json_value *v = json_parse(a, text, strlen(text), NULL, &je);
    free(text);
    if (!v)
        fail_msg("%s:%u:%u: %s", path, je.line, je.column, je.message);
    return v;
}

static const char *col(const struct json_value *row, const char *name)
{
    const struct json_value *v = json_object_get(row, name, strlen(name));
    return v && v->type == JSON_STRING ? v->u.str : "";
}

/* A count from the summary: the number after "  <label>" at a line start. */
static long summary_count(const char *out, const char *label)
{
    char want[64];
    snprintf(want, sizeof(want), "\n  %s ", label);
    const char *p = strstr(out, want);
    if (!p)
        fail_msg("summary has no '%s':\n%s", label, out);
    return strtol(p + strlen(want), NULL, 10);
}

/* ---- generated catalogs ------------------------------------------------------------------- */

struct gen_dir {
    char dir[128];
    char *products, *entries, *bundles, *items, *settings, *truth;
};

static void generate(struct gen_dir *g, unsigned count, unsigned seed)
{
    char cnt[16], sd[16];
    snprintf(g->dir, sizeof(g->dir), "%s/gen-%u-%u", tmp, count, seed);
    assert_int_equal(mkdir(g->dir, 0700), 0);
    snprintf(cnt, sizeof(cnt), "%u", count);
    snprintf(sd, sizeof(sd), "%u", seed);
    struct hst_run r;
    const char *a[] = {gen, "generate", "--count", cnt, "--seed", sd, "--dir", g->dir, NULL};
    run(&r, a);
    if (r.status != 0)
        fail_msg("catalog_gen generate: %d %s", r.status, r.err);
    hst_run_free(&r);
    g->products = path_in(g->dir, "sf_products.json");
    g->entries = path_in(g->dir, "sf_entries.csv");
    g->bundles = path_in(g->dir, "sf_bundles.csv");
    g->items = path_in(g->dir, "ns_items.json");
    g->settings = path_in(g->dir, "settings.json");
    g->truth = path_in(g->dir, "truth.csv");
}

static void gen_free(struct gen_dir *g)
{
    free(g->products);
    free(g->entries);
    free(g->bundles);
    free(g->items);
    free(g->settings);
    free(g->truth);
}

/* Runs the command on g into g->dir/<out> (with up to two decisions files); returns its summary
 * (malloc'd). */
static char *catalog(const struct gen_dir *g, const char *out, const char *accept1,
                     const char *accept2)
{
    char *o = path_in(g->dir, out);
    const char *argv[24] = {bin,
                            "sfns",
                            "catalog",
                            "--salesforce",
                            g->products,
                            "--pricebook-entries",
                            g->entries,
                            "--salesforce-bundles",
                            g->bundles,
                            "--netsuite",
                            g->items,
                            "--settings",
                            g->settings,
                            "--out",
                            o};
    int n = 15;
    if (accept1) {
        argv[n++] = "--accept";
        argv[n++] = accept1;
    }
    if (accept2) {
        argv[n++] = "--accept";
        argv[n++] = accept2;
    }
    argv[n] = NULL;
    struct hst_run r;
    run(&r, argv);
    if (r.status != 0)
        fail_msg("sfns catalog: %d %s", r.status, r.err);
    free(o);
    free(r.err);
    return r.out;
}

static void assert_same_file(const char *a, const char *b)
{
    char *x = read_file(a), *y = read_file(b);
    if (strcmp(x, y) != 0)
        fail_msg("%s and %s differ", a, b);
    free(x);
    free(y);
}

static void test_generated_precision_recall(void **state)
{
    (void)state;
    struct gen_dir g;
    generate(&g, 2000, 7);
    char *sum = catalog(&g, "out", NULL, NULL);
    long products = strtol(sum, NULL, 10);
    assert_true(products >= 2000 && products < 2010);
    assert_non_null(strstr(sum, " Salesforce products, "));
    long acc = summary_count(sum, "accepted"), rev = summary_count(sum, "review");
    long unm = summary_count(sum, "unmatched");
    assert_int_equal(acc + rev + unm, products);
    assert_true(acc > 1000 && rev > 100 && unm > 50);
    char *props = path_in(g.dir, "out/catalog-proposals.csv");
    struct hst_run r;
    const char *s[] = {gen,
                       "score",
                       "--truth",
                       g.truth,
                       "--proposals",
                       props,
                       "--min-precision",
                       "0.99",
                       "--min-recall",
                       "0.97",
                       "--min-accepted-precision",
                       "0.999",
                       "--min-conflict-recall",
                       "0.98",
                       NULL};
    run(&r, s);
    print_message("%s", r.out);
    if (r.status != 0)
        fail_msg("score below target (%d): %s%s", r.status, r.out, r.err);
    assert_non_null(strstr(r.out, "proposals: precision"));
    hst_run_free(&r);
    /* Twice: the same bytes, every file. */
    char *sum2 = catalog(&g, "again", NULL, NULL);
    const char *files[] = {"catalog-settings.json", "catalog-review.csv", "catalog-report.html",
                           "catalog-proposals.csv"};
    for (int i = 0; i < 4; i++) {
        char a[256], b[256];
        snprintf(a, sizeof(a), "%s/out/%s", g.dir, files[i]);
        snprintf(b, sizeof(b), "%s/again/%s", g.dir, files[i]);
        assert_same_file(a, b);
    }
    free(sum);
    free(sum2);
    free(props);
    gen_free(&g);
}

/* Decisions from the known answers: accept a right proposal, map a wrong or missing one to the
 * right item, reject a product NetSuite lacks. */
static char *decisions_from_truth(struct arena *a, const struct gen_dir *g, const char *review,
                                  size_t *rows)
{
    struct json_value *t = csv_rows(a, g->truth), *rv = csv_rows(a, review);
    char *path = path_in(g->dir, "decisions.csv");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("product_id,decision,map_to\n", f);
    *rows = rv->len;
    for (uint32_t i = 0; i < rv->len; i++) {
        const char *id = col(rv->u.items[i], "product_id");
        const char *want = NULL;
        for (uint32_t k = 0; k < t->len && !want; k++)
            if (!strcmp(col(t->u.items[k], "product_id"), id))
                want = col(t->u.items[k], "expected");
        assert_non_null(want);
        const char *got = col(rv->u.items[i], "netsuite_id");
        if (!*got && !strncmp(col(rv->u.items[i], "candidates"), "bundle:", 7))
            got = "bundle";
        if (!*want)
            fprintf(f, "%s,reject,\n", id);
        else if (!strcmp(got, want))
            fprintf(f, "%s,accept,\n", id);
        else
            fprintf(f, "%s,map,%s\n", id, want);
    }
    assert_int_equal(fclose(f), 0);
    return path;
}

static struct gen_dir loop_gen;
static int loop_ready;

/* The accept loop on 600 generated products; leaves loop_gen/decided for the orders test. */
static void accept_loop(void)
{
    if (loop_ready)
        return;
    struct arena *a = arena_new(1 << 16, 0);
    generate(&loop_gen, 600, 11);
    char *sum = catalog(&loop_gen, "first", NULL, NULL);
    char *review = path_in(loop_gen.dir, "first/catalog-review.csv");
    size_t rows = 0;
    char *dec = decisions_from_truth(a, &loop_gen, review, &rows);
    assert_true(rows > 50);
    char *sum2 = catalog(&loop_gen, "decided", dec, NULL);
    char want[64];
    snprintf(want, sizeof(want), "%zu decisions applied", rows);
    if (!strstr(sum2, want))
        fail_msg("expected '%s' in:\n%s", want, sum2);
    assert_int_equal(summary_count(sum2, "review"), 0);
    assert_int_equal(summary_count(sum2, "unmatched"), 0);
    assert_non_null(strstr(sum2, "(0 rows)"));
    /* Again, and with the same file given twice: the same settings, byte for byte. */
    char *sum3 = catalog(&loop_gen, "decided-again", dec, dec);
    char *s1 = path_in(loop_gen.dir, "decided/catalog-settings.json");
    char *s2 = path_in(loop_gen.dir, "decided-again/catalog-settings.json");
    assert_same_file(s1, s2);
    /* Canonical: the text parses, keys of every object are in byte order. */
    struct json_value *root = json_file(a, s1);
    const struct json_value *cat = json_object_get(json_object_get(root, "sfns", 4), "catalog", 7);
    assert_non_null(cat);
    const char *sections[] = {"items", "map", "bundles"};
    for (int i = 0; i < 3; i++) {
        const struct json_value *o = json_object_get(cat, sections[i], strlen(sections[i]));
        assert_non_null(o);
        for (uint32_t k = 1; k < o->len; k++)
            assert_true(strcmp(o->u.members[k - 1].key, o->u.members[k].key) < 0);
    }
    /* A renamed product the reviewer mapped lands in the explicit map. */
    assert_true(json_object_get(cat, "map", 3)->len > 10);
    free(sum);
    free(sum2);
    free(sum3);
    free(review);
    free(dec);
    free(s1);
    free(s2);
    arena_free(a);
    loop_ready = 1;
}

static void test_accept_loop(void **state)
{
    (void)state;
    accept_loop();
}

/* ---- the HTML report in Chromium ---------------------------------------------------------- */

static long dom_count(const char *dom, const char *id)
{
    char want[64];
    snprintf(want, sizeof(want), "id=\"%s\">", id);
    const char *p = strstr(dom, want);
    if (!p)
        fail_msg("the rendered page has no %s", id);
    p += strlen(want);
    if (*p < '0' || *p > '9')
        fail_msg("%s was not rendered (\"%.10s\")", id, p);
    return strtol(p, NULL, 10);
}

static void test_report_in_chromium(void **state)
{
    (void)state;
    struct gen_dir g;
    generate(&g, 400, 5);
    char *sum = catalog(&g, "out", NULL, NULL);
    char *html = path_in(g.dir, "out/catalog-report.html");
    /* Self-contained: nothing fetched from anywhere. */
    char *text = read_file(html);
    assert_null(strstr(text, "http://"));
    assert_null(strstr(text, "https://"));
    assert_null(strstr(text, " src="));
    assert_null(strstr(text, "<link"));
    free(text);
    char url[300];
    snprintf(url, sizeof(url), "file://%s", html);
    struct hst_run r;
    const char *c[] = {"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                       url,        NULL};
    run(&r, c);
    if (r.status != 0 || !strstr(r.out, "</html>"))
        fail_msg("chromium --headless --dump-dom: status %d\n%s", r.status, r.err);
    const char *dom = r.out;
    assert_non_null(strstr(dom, "data-rendered=\"yes\""));
    long products = strtol(sum, NULL, 10); /* "N Salesforce products, ..." */
    assert_true(products >= 400);
    assert_int_equal(dom_count(dom, "count-all"), products);
    assert_int_equal(dom_count(dom, "count-shown"), products);
    const char *labels[] = {"accepted", "review", "unmatched"};
    for (int i = 0; i < 3; i++) {
        char id[32];
        snprintf(id, sizeof(id), "count-%s", labels[i]);
        assert_int_equal(dom_count(dom, id), summary_count(sum, labels[i]));
    }
    /* Conflict counts as the summary gives them ("conflicts: shared_item N, ..."). */
    const char *kinds[] = {"shared_item",   "several_candidates", "price_mismatch", "currency_gap",
                           "inactive_item", "bundle_mismatch",    "duplicate_code"};
    long total_conflicts = 0;
    for (int i = 0; i < 7; i++) {
        char want[64];
        snprintf(want, sizeof(want), " %s ", kinds[i]);
        const char *p = strstr(strstr(sum, "conflicts:"), want);
        assert_non_null(p);
        long n = strtol(p + strlen(want), NULL, 10);
        snprintf(want, sizeof(want), "data-count-kind=\"%s\">", kinds[i]);
        const char *q = strstr(dom, want);
        assert_non_null(q);
        assert_int_equal(strtol(q + strlen(want), NULL, 10), n);
        total_conflicts += n;
    }
    assert_true(total_conflicts > 20);
    /* Every conflict of every product in its row. */
    struct arena *a = arena_new(1 << 16, 0);
    char *props = path_in(g.dir, "out/catalog-proposals.csv");
    struct json_value *rows = csv_rows(a, props);
    long seen = 0;
    for (uint32_t i = 0; i < rows->len; i++) {
        const char *conf = col(rows->u.items[i], "conflicts");
        if (!*conf)
            continue;
        char want[96];
        snprintf(want, sizeof(want), "data-product=\"%s\"", col(rows->u.items[i], "product_id"));
        const char *row = strstr(dom, want);
        if (!row)
            fail_msg("no row for %s", want);
        const char *end = strstr(row, "</tr>");
        assert_non_null(end);
        char kinds_copy[160];
        snprintf(kinds_copy, sizeof(kinds_copy), "%s", conf);
        for (char *k = strtok(kinds_copy, " "); k; k = strtok(NULL, " ")) {
            char li[96];
            snprintf(li, sizeof(li), "<li class=\"conflict\" data-kind=\"%s\">", k);
            const char *hit = strstr(row, li);
            if (!hit || hit > end)
                fail_msg("the row of %s does not show its %s conflict", want, k);
            seen++;
        }
    }
    assert_true(seen >= total_conflicts);
    /* Names are text, never markup. */
    assert_null(strstr(dom, "<usb-c>"));
    char *sf = read_file(g.products);
    if (strstr(sf, "<USB-C>"))
        assert_non_null(strstr(dom, "&lt;USB-C&gt;"));
    free(sf);
    hst_run_free(&r);
    /* The review filter: ?#review shows the review rows only. */
    snprintf(url, sizeof(url), "file://%s#review", html);
    const char *c2[] = {"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                        url,        NULL};
    run(&r, c2);
    assert_int_equal(r.status, 0);
    assert_int_equal(dom_count(r.out, "count-shown"), summary_count(sum, "review"));
    hst_run_free(&r);
    free(props);
    free(html);
    free(sum);
    arena_free(a);
    gen_free(&g);
}

/* ---- the settings drive sfnsOpportunityToSalesOrder --------------------------------------- */

/* Items of the order lines of the answer's element i, as "id id id". */
static void order_items(const struct json_value *answer, uint32_t i, char *out, size_t cap)
{
    out[0] = '\0';
    const struct json_value *el = json_array_get(answer, i);
    const struct json_value *data = el ? json_object_get(el, "data", 4) : NULL;
    const struct json_value *lines = data ? json_object_get(data, "item", 4) : NULL;
    if (!lines)
        fail_msg("order %u has no lines", i);
    for (uint32_t k = 0; k < lines->len; k++) {
        const struct json_value *it = json_object_get(lines->u.items[k], "item", 4);
        assert_non_null(it);
        size_t l = strlen(out);
        snprintf(out + l, cap - l, "%s%.*s", k ? " " : "", (int)it->len, it->u.str);
    }
}

/* One Opportunity per product code, one line each; invoked with the settings; the answer. */
static struct json_value *invoke_orders(struct arena *a, const char *dir, const char *settings,
                                        const char *const *codes, size_t n)
{
    struct json_value *set = json_file(a, settings);
    struct json_value *sfns = json_object_get(set, "sfns", 4);
    struct json_value *orders = json_new_object(a);
    json_object_set(a, orders, "totalsCheck", 11, json_new_bool(a, false));
    json_object_set(a, sfns, "orders", 6, orders);
    struct json_buf sb;
    json_buf_init(&sb, 0);
    assert_int_equal(json_write(&sb, set, 0, NULL), 0);
    char *req = path_in(dir, "orders.request.json");
    FILE *f = fopen(req, "w");
    assert_non_null(f);
    fputs(
        "{\"diy\": true, \"function\": \"sfnsOpportunityToSalesOrder\", \"options\": {\"data\": [",
        f);
    for (size_t i = 0; i < n; i++)
        fprintf(
            f,
            "%s{\"Id\": \"0065g00000Ca%03zu\", \"Name\": \"Catalog check %zu\", "
            "\"AccountId\": \"0015g00000Q1w2EAAR\", \"CloseDate\": \"2024-03-05\", "
            "\"CurrencyIsoCode\": \"USD\", \"Amount\": 100, \"OpportunityLineItems\": "
            "{\"totalSize\": 1, \"done\": true, \"records\": [{\"Id\": "
            "\"00k5g00000Ct%03zu\", \"SortOrder\": 1, \"Quantity\": 1, \"UnitPrice\": 100, "
            "\"PricebookEntry\": {\"Product2\": {\"Name\": \"P\", \"ProductCode\": \"%s\"}}}]}}",
            i ? ", " : "", i, i, i, codes[i]);
    fprintf(f, "], \"settings\": %.*s}}\n", (int)sb.len, sb.data);
    assert_int_equal(fclose(f), 0);
    json_buf_free(&sb);
    const char *mods = hst_hook_module_dir("sfns");
    assert_non_null(mods);
    struct hst_run r;
    const char *argv[] = {bin,  "invoke", "sfnsOpportunityToSalesOrder", req, "--modules",
                          mods, NULL};
    run(&r, argv);
    if (r.status != 0)
        fail_msg("invoke: %d %s%s", r.status, r.out, r.err);
    struct json_error je;
    struct json_value *ans = json_parse(a, r.out, strlen(r.out), NULL, &je);
    if (!ans || ans->type != JSON_ARRAY || ans->len != n)
        fail_msg("invoke answered: %s", r.out);
    hst_run_free(&r);
    free(req);
    return ans;
}

static void test_settings_drive_orders(void **state)
{
    (void)state;
    accept_loop();
    struct arena *a = arena_new(1 << 16, 0);
    struct json_value *truth = csv_rows(a, loop_gen.truth);
    struct json_value *products = json_file(a, loop_gen.products);
    struct json_value *items = json_file(a, loop_gen.items);
    struct json_value *bundles = csv_rows(a, loop_gen.bundles);
    /* Per kind, a few products: their code (as Salesforce has it) and the items expected. */
    const char *kinds[] = {"exact", "rules", "renamed", "price", "inactive", "kit", "bundle"};
    const char *codes[64];
    char expect[64][256];
    size_t n = 0;
    for (int k = 0; k < 7; k++) {
        int taken = 0;
        for (uint32_t i = 0; i < truth->len && taken < 3 && n < 64; i++) {
            const struct json_value *t = truth->u.items[i];
            if (strcmp(col(t, "kind"), kinds[k]) != 0)
                continue;
            const struct json_value *p = products->u.items[i];
            const char *code = json_object_get(p, "ProductCode", 11)->u.str;
            const char *want = col(t, "expected");
            expect[n][0] = '\0';
            if (!strcmp(want, "bundle")) {
                /* the components' items, in the definition's order */
                for (uint32_t b = 0; b < bundles->len; b++) {
                    if (strcmp(col(bundles->u.items[b], "ParentProductCode"), code) != 0)
                        continue;
                    const char *cc = col(bundles->u.items[b], "ComponentProductCode");
                    for (uint32_t q = 0; q < products->len; q++)
                        if (!strcmp(json_object_get(products->u.items[q], "ProductCode", 11)->u.str,
                                    cc)) {
                            size_t l = strlen(expect[n]);
                            snprintf(expect[n] + l, sizeof(expect[n]) - l, "%s%s", l ? " " : "",
                                     col(truth->u.items[q], "expected"));
                        }
                }
            } else {
                /* an item group becomes its members; any other item itself */
                const struct json_value *it = NULL;
                for (uint32_t q = 0; q < items->len && !it; q++)
                    if (!strcmp(json_object_get(items->u.items[q], "id", 2)->u.str, want))
                        it = items->u.items[q];
                assert_non_null(it);
                const struct json_value *m = json_object_get(it, "member", 6);
                if (m && !strcmp(json_object_get(it, "recordType", 10)->u.str, "itemgroup")) {
                    for (uint32_t q = 0; q < m->len; q++) {
                        const struct json_value *ref = json_object_get(
                            json_object_get(m->u.items[q], "item", 4), "internalId", 10);
                        size_t l = strlen(expect[n]);
                        snprintf(expect[n] + l, sizeof(expect[n]) - l, "%s%s", l ? " " : "",
                                 ref->u.str);
                    }
                } else {
                    snprintf(expect[n], sizeof(expect[n]), "%s", want);
                }
            }
            codes[n++] = code;
            taken++;
        }
        if (taken == 0)
            fail_msg("the generated catalog has no product of kind %s", kinds[k]);
    }
    char *settings = path_in(loop_gen.dir, "decided/catalog-settings.json");
    struct json_value *ans = invoke_orders(a, loop_gen.dir, settings, codes, n);
    for (size_t i = 0; i < n; i++) {
        char got[256];
        order_items(ans, (uint32_t)i, got, sizeof(got));
        if (strcmp(got, expect[i]) != 0)
            fail_msg("product code %s: order lines have items \"%s\", expected \"%s\"", codes[i],
                     got, expect[i]);
    }
    print_message("%zu products ordered through the generated settings\n", n);
    free(settings);
    arena_free(a);
}

/* ---- real records ---------------------------------------------------------------------------- */

static const struct json_value *row_of(const struct json_value *rows, const char *field,
                                       const char *value)
{
    for (uint32_t i = 0; i < rows->len; i++)
        if (!strcmp(col(rows->u.items[i], field), value))
            return rows->u.items[i];
    fail_msg("no row with %s = %s", field, value);
    return NULL;
}

static void test_real_quickstart(void **state)
{
    (void)state;
    struct arena *a = arena_new(1 << 16, 0);
    char dir[128], products[512], entries[512], items[512], out[160];
    snprintf(dir, sizeof(dir), "%s/real", tmp);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(products, sizeof(products), "%s/data/sm-quickstart/Product2-template.json", shared);
    snprintf(entries, sizeof(entries), "%s/data/sm-quickstart/PricebookEntry-template.json",
             shared);
    snprintf(items, sizeof(items), "%s/tests/integration/catalog/ns-items-quickstart.json", source);
    snprintf(out, sizeof(out), "%s/out", dir);
    struct hst_run r;
    const char *argv[] = {
        bin,     "sfns",       "catalog", "--salesforce", products, "--pricebook-entries",
        entries, "--netsuite", items,     "--out",        out,      NULL};
    run(&r, argv);
    if (r.status != 0)
        fail_msg("%d %s", r.status, r.err);
    assert_non_null(strstr(r.out, "6 Salesforce products, 6 NetSuite items"));
    hst_run_free(&r);
    char *props = path_in(out, "catalog-proposals.csv");
    struct json_value *rows = csv_rows(a, props);
    struct {
        const char *code, *item, *status, *method, *conflicts;
    } want[] = {
        {"ONETIME", "17", "accepted", "exact code", ""},
        {"SUB-E-M", "230", "accepted", "normalisation rule", ""},
        {"SUB-T-M", "231", "review", "normalisation rule", "price_mismatch"},
        {"SUB-M", "232", "accepted", "exact code", ""},
        {"SUB-A", "240", "review", "name similarity", ""},
        {"SUB", "250", "review", "exact code", "inactive_item"},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
        const struct json_value *row = row_of(rows, "product_code", want[i].code);
        assert_string_equal(col(row, "netsuite_id"), want[i].item);
        assert_string_equal(col(row, "status"), want[i].status);
        assert_string_equal(col(row, "method"), want[i].method);
        assert_string_equal(col(row, "conflicts"), want[i].conflicts);
    }
    /* The sObject Tree reference is the product's id; the price came from its entry. */
    const struct json_value *sub_t = row_of(rows, "product_code", "SUB-T-M");
    assert_string_equal(col(sub_t, "product_id"), "Product2Ref3");
    assert_non_null(strstr(col(sub_t, "details"), "USD 500 in Salesforce, 450 in NetSuite"));
    /* Decide the three reviews, then order through the settings. */
    char *dec = path_in(dir, "decisions.csv");
    write_file(dec, "product_code,decision,map_to\nSUB-T-M,accept,\nSUB-A,accept,\n"
                    "SUB,map,232\n");
    const char *argv2[] = {
        bin,     "sfns",       "catalog", "--salesforce", products, "--pricebook-entries",
        entries, "--netsuite", items,     "--out",        out,      "--accept",
        dec,     NULL};
    run(&r, argv2);
    if (r.status != 0)
        fail_msg("%d %s", r.status, r.err);
    assert_int_equal(summary_count(r.out, "accepted"), 6);
    hst_run_free(&r);
    char *settings = path_in(out, "catalog-settings.json");
    char *text = read_file(settings);
    assert_string_equal(text, "{\n"
                              "  \"sfns\": {\n"
                              "    \"catalog\": {\n"
                              "      \"items\": {\n"
                              "        \"Hardware : ONETIME\": \"17\",\n"
                              "        \"SUB-M\": \"232\",\n"
                              "        \"SUBTM\": \"231\",\n"
                              "        \"sub-e-m\": \"230\"\n"
                              "      },\n"
                              "      \"map\": {\n"
                              "        \"SUB\": \"232\",\n"
                              "        \"SUB-A\": \"240\"\n"
                              "      }\n"
                              "    }\n"
                              "  }\n"
                              "}\n");
    const char *codes[] = {"ONETIME", "sub-e-m", "SUB-T-M", "SUB-M", "SUB-A", "SUB"};
    const char *items_want[] = {"17", "230", "231", "232", "240", "232"};
    struct json_value *ans = invoke_orders(a, dir, settings, codes, 6);
    for (uint32_t i = 0; i < 6; i++) {
        char got[64];
        order_items(ans, i, got, sizeof(got));
        assert_string_equal(got, items_want[i]);
    }
    free(text);
    free(settings);
    free(dec);
    free(props);
    arena_free(a);
}

static void test_real_csv_exports(void **state)
{
    (void)state;
    char products[512], items[512], out[160];
    snprintf(products, sizeof(products),
             "%s/data/fivetran-dbt-salesforce-source/sf_product_2_data.csv", shared);
    snprintf(items, sizeof(items), "%s/data/fivetran-dbt-netsuite/netsuite2_item_data.csv", shared);
    snprintf(out, sizeof(out), "%s/real-csv", tmp);
    struct hst_run r;
    const char *argv[] = {bin,     "sfns", "catalog", "--salesforce", products, "--netsuite", items,
                          "--out", out,    NULL};
    run(&r, argv);
    if (r.status != 0)
        fail_msg("%d %s", r.status, r.err);
    /* Two products (codes "1" and "2", named "X"), four item rows of three items (628 twice). */
    assert_non_null(strstr(r.out, "2 Salesforce products, 3 NetSuite items"));
    assert_non_null(strstr(r.out, "1 repeated NetSuite item rows"));
    assert_int_equal(summary_count(r.out, "unmatched"), 2);
    hst_run_free(&r);
    /* Products without codes (sm-dev-preview) are found by name. */
    char dev[512], nsq[512];
    snprintf(dev, sizeof(dev), "%s/data/sm-dev-preview/Product2-template.json", shared);
    snprintf(nsq, sizeof(nsq), "%s/tests/integration/catalog/ns-items-quickstart.json", source);
    snprintf(out, sizeof(out), "%s/real-dev", tmp);
    const char *argv2[] = {bin,     "sfns", "catalog", "--salesforce", dev, "--netsuite", nsq,
                           "--out", out,    NULL};
    run(&r, argv2);
    if (r.status != 0)
        fail_msg("%d %s", r.status, r.err);
    assert_int_equal(summary_count(r.out, "review"), 4);
    hst_run_free(&r);
    struct arena *a = arena_new(1 << 16, 0);
    char *props = path_in(out, "catalog-proposals.csv");
    struct json_value *rows = csv_rows(a, props);
    assert_string_equal(col(row_of(rows, "product_name", "One-Time Product"), "netsuite_id"), "17");
    assert_string_equal(col(row_of(rows, "product_name", "Monthly Evergreen"), "netsuite_id"),
                        "230");
    assert_string_equal(col(row_of(rows, "product_name", "Monthly Term"), "method"),
                        "name similarity");
    free(props);
    arena_free(a);
}

/* ---- README.md's walkthrough ---------------------------------------------------------------- */

/* The fenced block after "<!-- readme:NAME -->" of README.md, without its fence lines. */
static char *readme_block(const char *readme, const char *name)
{
    char marker[64];
    snprintf(marker, sizeof(marker), "<!-- readme:%s -->", name);
    const char *m = strstr(readme, marker);
    if (!m)
        fail_msg("README.md has no %s block", marker);
    const char *fence = strstr(m, "```");
    assert_non_null(fence);
    const char *start = strchr(fence, '\n') + 1;
    const char *end = strstr(start, "```");
    assert_non_null(end);
    char *out = strndup(start, (size_t)(end - start));
    assert_non_null(out);
    return out;
}

static void test_readme_walkthrough(void **state)
{
    (void)state;
    struct arena *a = arena_new(1 << 16, 0);
    char *readme_path = path_in(source, "README.md"), *readme = read_file(readme_path);
    char ex[512], products[600], entries[600], bundles[600], items[600], settings[600];
    snprintf(ex, sizeof(ex), "%s/examples/catalog", source);
    snprintf(products, sizeof(products), "%s/salesforce-products.json", ex);
    snprintf(entries, sizeof(entries), "%s/salesforce-pricebook-entries.csv", ex);
    snprintf(bundles, sizeof(bundles), "%s/salesforce-bundles.csv", ex);
    snprintf(items, sizeof(items), "%s/netsuite-items.json", ex);
    snprintf(settings, sizeof(settings), "%s/settings.json", ex);
    char dir[128];
    snprintf(dir, sizeof(dir), "%s/readme", tmp);
    assert_int_equal(mkdir(dir, 0700), 0);
    char *out = path_in(dir, "catalog"), *dec = path_in(dir, "decisions.csv");
    const char *argv[20] = {bin,       "sfns",
                            "catalog", "--salesforce",
                            products,  "--pricebook-entries",
                            entries,   "--salesforce-bundles",
                            bundles,   "--netsuite",
                            items,     "--settings",
                            settings,  "--out",
                            out,       NULL};
    struct hst_run r;
    run(&r, argv);
    if (r.status != 0)
        fail_msg("%d %s", r.status, r.err);
    /* The summary's first line but its time, and its count lines, as the README shows them. */
    char *summary = readme_block(readme, "catalog-summary");
    const char *nl = strchr(summary, '\n');
    const char *time_at = strstr(summary, " decisions applied, ");
    assert_non_null(time_at);
    assert_true(strncmp(r.out, summary, (size_t)(time_at - summary) + 20) == 0);
    for (const char *line = nl + 1; *line; line = strchr(line, '\n') + 1) {
        const char *e = strchr(line, '\n');
        char want[256];
        snprintf(want, sizeof(want), "\n%.*s\n", (int)(e - line), line);
        if (!strstr(r.out, want))
            fail_msg("the summary lacks the README's line '%.*s':\n%s", (int)(e - line), line,
                     r.out);
    }
    hst_run_free(&r);
    char *decisions = readme_block(readme, "catalog-decisions");
    write_file(dec, decisions);
    argv[15] = "--accept";
    argv[16] = dec;
    run(&r, argv);
    if (r.status != 0)
        fail_msg("%d %s", r.status, r.err);
    assert_non_null(strstr(r.out, "5 decisions applied"));
    hst_run_free(&r);
    char *written_path = path_in(out, "catalog-settings.json"), *written = read_file(written_path);
    char *want = readme_block(readme, "catalog-settings");
    assert_string_equal(written, want);
    /* What the README says the order hook then does. */
    const char *codes[] = {"sf-sub-a", "LEGACY-7", "ONETIME"};
    const char *item_want[] = {"230", "2001", "17"};
    struct json_value *ans = invoke_orders(a, dir, written_path, codes, 3);
    for (uint32_t i = 0; i < 3; i++) {
        char got[64];
        order_items(ans, i, got, sizeof(got));
        assert_string_equal(got, item_want[i]);
    }
    free(summary);
    free(decisions);
    free(want);
    free(written);
    free(written_path);
    free(out);
    free(dec);
    free(readme);
    free(readme_path);
    arena_free(a);
}

/* ---- usage and errors --------------------------------------------------------------------------
 */

static void expect_fail(const char *const *argv, int status, const char *msg)
{
    struct hst_run r;
    run(&r, argv);
    if (r.status != status || !strstr(r.err, msg))
        fail_msg("expected status %d and '%s', got %d: %s", status, msg, r.status, r.err);
    hst_run_free(&r);
}

static void test_usage_and_errors(void **state)
{
    (void)state;
    struct hst_run r;
    const char *help[] = {bin, "sfns", "catalog", "--help", NULL};
    run(&r, help);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "--accept FILE"));
    assert_non_null(strstr(r.out, "catalog-settings.json"));
    hst_run_free(&r);
    const char *sfhelp[] = {bin, "sfns", "--help", NULL};
    run(&r, sfhelp);
    assert_non_null(strstr(r.out, "catalog"));
    hst_run_free(&r);
    const char *none[] = {bin, "sfns", "catalog", NULL};
    expect_fail(none, 2, "--salesforce, --netsuite and --out are required");
    const char *bogus[] = {bin, "sfns", "catalog", "--bogus", NULL};
    expect_fail(bogus, 2, "unknown argument '--bogus'");
    char sf[160], ns[160], out[160], set[160], dec[160];
    snprintf(sf, sizeof(sf), "%s/e-sf.csv", tmp);
    snprintf(ns, sizeof(ns), "%s/e-ns.json", tmp);
    snprintf(out, sizeof(out), "%s/e-out", tmp);
    snprintf(set, sizeof(set), "%s/e-settings.json", tmp);
    snprintf(dec, sizeof(dec), "%s/e-dec.csv", tmp);
    write_file(sf, "Id,ProductCode,Name\n01t000000000001AAA,ABC-1,Widget\n");
    write_file(ns, "[{\"id\": \"5\", \"itemid\": \"ABC-1\"}, {\"id\": \"6\", \"itemid\": \"Z\"}]");
    const char *tol[] = {bin, "sfns",  "catalog", "--salesforce",      sf,     "--netsuite",
                         ns,  "--out", out,       "--price-tolerance", "lots", NULL};
    expect_fail(tol, 1, "--price-tolerance must be a number");
    const char *missing[] = {
        bin,     "sfns", "catalog", "--salesforce", "/nonexistent/p.json", "--netsuite", ns,
        "--out", out,    NULL};
    expect_fail(missing, 1, "/nonexistent/p.json");
    write_file(set, "{\"sfns\": {\"catalog\": {\"normalise\": {\"case\": \"title\"}}}}");
    const char *badset[] = {bin, "sfns",  "catalog", "--salesforce", sf,  "--netsuite",
                            ns,  "--out", out,       "--settings",   set, NULL};
    expect_fail(badset, 1, "settings.sfns.catalog.normalise.case");
    write_file(set, "{\"sfns\": {\"catalog\": {\"itmes\": {}}}}");
    expect_fail(badset, 1, "settings.sfns.catalog.itmes: unknown key");
    const char *acc[] = {bin, "sfns",  "catalog", "--salesforce", sf,  "--netsuite",
                         ns,  "--out", out,       "--accept",     dec, NULL};
    write_file(dec, "product_id,decision,map_to\n01t000000000009AAA,accept,\n");
    expect_fail(acc, 1, "row 1: product \"01t000000000009AAA\" is not in the Salesforce export");
    write_file(dec, "product_id,decision,map_to\n01t000000000001AAA,maybe,\n");
    expect_fail(acc, 1, "row 1: decision \"maybe\" is not accept, reject or map");
    write_file(dec, "product_id,decision,map_to\n01t000000000001AAA,map,99\n");
    expect_fail(acc, 1, "map needs map_to, the internal id of an item of the NetSuite export");
    write_file(dec, "product_id,decision\n01t000000000001AAA,\"unterminated\n");
    expect_fail(acc, 1, "e-dec.csv: line");
    /* A good decision: map to item 6 lands in the map. */
    write_file(dec, "product_id,decision,map_to\n01t000000000001AAA,map,6\n");
    run(&r, acc);
    assert_int_equal(r.status, 0);
    hst_run_free(&r);
    char *settings = path_in(out, "catalog-settings.json"), *text = read_file(settings);
    assert_non_null(strstr(text, "\"map\": {\n        \"ABC-1\": \"6\"\n      }"));
    free(text);
    free(settings);
}

static int setup(void **state)
{
    (void)state;
    bin = getenv("HOOKSTACK_BIN");
    const char *build = getenv("HS_BUILD_DIR");
    shared = getenv("HS_SHARED_DIR");
    source = getenv("HS_SOURCE_DIR");
    if (!bin || !build || !shared || !source)
        return -1;
    static char g[4096];
    snprintf(g, sizeof(g), "%s/bench/catalog_gen", build);
    gen = g;
    snprintf(tmp, sizeof(tmp), "/tmp/hs-sfns-catalog-XXXXXX");
    return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    if (loop_ready)
        gen_free(&loop_gen);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generated_precision_recall),
        cmocka_unit_test(test_accept_loop),
        cmocka_unit_test(test_report_in_chromium),
        cmocka_unit_test(test_settings_drive_orders),
        cmocka_unit_test(test_real_quickstart),
        cmocka_unit_test(test_real_csv_exports),
        cmocka_unit_test(test_readme_walkthrough),
        cmocka_unit_test(test_usage_and_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
