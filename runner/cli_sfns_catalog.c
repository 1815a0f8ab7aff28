/* cli_sfns_catalog.c — `hookstack sfns catalog`: the catalog workbench. Reads a Salesforce
 * Product2 export (with PricebookEntries, and bundle definitions when given) and a NetSuite item
 * export, proposes per product the NetSuite item it maps to with the catalog matcher
 * (lib/sfns_catalog/catmatch.h, under the SKU rules the order hooks use), applies a reviewer's
 * decisions (--accept), and writes the catalog settings the order hooks read (accepted mappings
 * only, canonical), the review file, and a self-contained HTML report. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "catmatch.h"
#include "cli.h"
#include "cli_local.h"
#include "sfcat.h"

#define CMD        "hookstack sfns catalog"
#define MAX_ACCEPT 16

static void usage(FILE *f)
{
    fputs(
        "usage: hookstack sfns catalog --salesforce PRODUCTS --netsuite ITEMS --out DIR\n"
        "                              [--pricebook-entries FILE] [--pricebook ID]\n"
        "                              [--salesforce-bundles FILE] [--settings FILE]\n"
        "                              [--accept DECISIONS]... [--currency ISO]\n"
        "                              [--price-tolerance PERCENT] [--accept-at CONFIDENCE]\n"
        "\n"
        "Proposes, per Salesforce product, the NetSuite item it maps to (stored NetSuite id,\n"
        "the settings' map, exact code, the SKU normalisation rules of settings.sfns.catalog,\n"
        "name similarity; list prices as supporting evidence), with a confidence and the\n"
        "conflicts a human must decide, and writes into DIR:\n"
        "  catalog-settings.json  {\"sfns\":{\"catalog\":{...}}} with the accepted mappings only,\n"
        "                         canonical (sorted keys): the same decisions give the same bytes\n"
        "  catalog-review.csv     every proposal that needs a decision; fill in `decision`\n"
        "                         (accept, reject, or map with `map_to` = a NetSuite internal id)\n"
        "                         and give the file back with --accept\n"
        "  catalog-report.html    the report: counts, filters, every proposal with its evidence\n"
        "                         (self-contained: no network, no external file)\n"
        "  catalog-proposals.csv  every product's proposal, in the review file's columns\n"
        "\n"
        "Files are JSON (an array of records, or an object with a \"records\" or \"data\" array)\n"
        "or CSV with a header row; field names are read in any case and spacing.\n"
        "\n"
        "options:\n"
        "  --salesforce FILE          Product2: Id, ProductCode (settings productCodeField),\n"
        "                             Name, IsActive, the itemIdField when set, and nested\n"
        "                             PricebookEntries when the query has them\n"
        "  --pricebook-entries FILE   PricebookEntry: Product2Id (or Product2.ProductCode),\n"
        "                             UnitPrice, CurrencyIsoCode, IsActive, Pricebook2Id\n"
        "  --pricebook ID             use only the entries of this Pricebook2Id\n"
        "  --salesforce-bundles FILE  bundle definitions, a row per component: the bundle and\n"
        "                             the component product (Id or code; SBQQ__ConfiguredSKU__c /\n"
        "                             SBQQ__OptionalSKU__c, or ParentProductCode /\n"
        "                             ComponentProductCode) and SBQQ__Quantity__c / Quantity\n"
        "  --netsuite FILE            items (inventory, non-inventory, service, kit, item group):\n"
        "                             internalId (or id), itemId, displayName, recordType,\n"
        "                             isInactive, pricingMatrix (base price level) or basePrice +\n"
        "                             currency or \"price EUR\" columns, member[] (or a row per\n"
        "                             member: memberItem, memberQuantity)\n"
        "  --settings FILE            the current settings ({\"sfns\":{\"catalog\":{...}}} or the\n"
        "                             section): its normalise rules, fields and map are used\n"
        "  --accept FILE              a reviewed decisions file (the review CSV filled in); may "
        "be\n"
        "                             given several times, later files win\n"
        "  --currency ISO             currency of prices that name none (default USD)\n"
        "  --price-tolerance PERCENT  list prices further apart are a conflict (default 1)\n"
        "  --accept-at CONFIDENCE     conflict-free proposals at or above it are accepted\n"
        "                             without review (default 0.9; 1.01 reviews everything)\n"
        "  --out DIR                  where the three files go (created when missing)\n"
        "  -h, --help                 show this help\n"
        "\n"
        "A summary goes to standard output, progress to the terminal. Exit status: 0 done, 1 a\n"
        "file cannot be read or is invalid (the message names it), 2 bad usage.\n",
        f);
}

struct args {
    const char *salesforce, *entries, *pricebook, *bundles, *netsuite, *settings, *out;
    const char *currency, *tolerance, *accept_at;
    const char *accept[MAX_ACCEPT];
    int naccept;
};

static int parse_args(int argc, char **argv, struct args *a)
{
    for (int i = 1; i < argc; i++) {
        int r;
        const char *acc = NULL;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--salesforce", &a->salesforce, "sfns catalog")) ||
            (r = cli_opt_value(argc, argv, &i, "--pricebook-entries", &a->entries,
                               "sfns catalog")) ||
            (r = cli_opt_value(argc, argv, &i, "--pricebook", &a->pricebook, "sfns catalog")) ||
            (r = cli_opt_value(argc, argv, &i, "--salesforce-bundles", &a->bundles,
                               "sfns catalog")) ||
            (r = cli_opt_value(argc, argv, &i, "--netsuite", &a->netsuite, "sfns catalog")) ||
            (r = cli_opt_value(argc, argv, &i, "--settings", &a->settings, "sfns catalog")) ||
            (r = cli_opt_value(argc, argv, &i, "--out", &a->out, "sfns catalog")) ||
            (r = cli_opt_value(argc, argv, &i, "--currency", &a->currency, "sfns catalog")) ||
            (r = cli_opt_value(argc, argv, &i, "--price-tolerance", &a->tolerance,
                               "sfns catalog")) ||
            (r = cli_opt_value(argc, argv, &i, "--accept-at", &a->accept_at, "sfns catalog"))) {
            if (r < 0)
                return 2;
            continue;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--accept", &acc, "sfns catalog"))) {
            if (r < 0)
                return 2;
            if (a->naccept == MAX_ACCEPT) {
                fprintf(stderr, CMD ": at most %d --accept files\n", MAX_ACCEPT);
                return 2;
            }
            a->accept[a->naccept++] = acc;
            continue;
        }
        fprintf(stderr, CMD ": unknown argument '%s' (see --help)\n", argv[i]);
        return 2;
    }
    if (!a->salesforce || !a->netsuite || !a->out) {
        fprintf(stderr, CMD ": --salesforce, --netsuite and --out are required (see --help)\n");
        return 2;
    }
    if (!a->currency)
        a->currency = "USD";
    if (strlen(a->currency) != 3) {
        fprintf(stderr, CMD ": --currency must be a three-letter ISO code, got '%s'\n",
                a->currency);
        return 2;
    }
    return -1;
}

/* A number from an option; 0, or -1 with a message. */
static int number_arg(const char *opt, const char *text, double lo, double hi, double *out)
{
    if (!text)
        return 0;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || !(v >= lo && v <= hi)) {
        fprintf(stderr, CMD ": %s must be a number from %g to %g, got '%s'\n", opt, lo, hi, text);
        return -1;
    }
    *out = v;
    return 0;
}

struct progress {
    int tty, last;
};

static void on_progress(void *arg, size_t done, size_t total)
{
    struct progress *p = arg;
    int pct = total ? (int)(done * 100 / total) : 100;
    if (!p->tty || pct == p->last)
        return;
    p->last = pct;
    fprintf(stderr, "\r\033[K" CMD ": matching %d%%", pct);
    fflush(stderr);
}

static void phase(struct progress *p, const char *what)
{
    if (p->tty) {
        fprintf(stderr, "\r\033[K" CMD ": %s", what);
        fflush(stderr);
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || cap >= (256u << 20))
            break;
        char *nb = realloc(buf, cap * 2);
        if (!nb)
            free(buf);
        buf = nb;
        cap *= 2;
    }
    int bad = ferror(f) || n == cap;
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static int add_settings_map(struct catmatch_set *set, const struct sfcat_settings *cs)
{
    for (uint32_t i = 0; cs->map && i < cs->map->len; i++) {
        const struct json_member *m = &cs->map->u.members[i];
        char num[JSON_NUMBER_MAX];
        const struct json_value *v = m->value;
        const char *id = v->type == JSON_STRING ? v->u.str : num;
        if (v->type == JSON_NUMBER)
            json_number_format(v->u.num, num);
        int rc = catmatch_add_map(set, m->key, id);
        if (rc == CATMATCH_ENOMEM)
            return -1;
    }
    return 0;
}

static int run(const struct args *args)
{
    char err[768];
    double t0 = now_s();
    struct progress prog = {.tty = isatty(STDERR_FILENO) == 1, .last = -1};
    struct arena *a = arena_new(1 << 20, 0);
    struct catmatch_set *set = NULL;
    struct sfcat_settings cs;
    struct sfcat_counts k = {0};
    char *paths[4] = {NULL, NULL, NULL, NULL};
    int rc = 1;
    if (!a) {
        fprintf(stderr, CMD ": out of memory\n");
        return 1;
    }
    if (sfcat_settings_read(a, args->settings, &cs, err, sizeof(err)) != 0)
        goto fail;
    if (number_arg("--price-tolerance", args->tolerance, 0, 100, &cs.opts.price_tolerance) != 0 ||
        number_arg("--accept-at", args->accept_at, 0, 1.01, &cs.opts.accept_at) != 0)
        goto done;
    if (args->tolerance)
        cs.opts.price_tolerance /= 100;
    set = catmatch_new(&cs.opts);
    if (!set) {
        snprintf(err, sizeof(err), "out of memory");
        goto fail;
    }
    phase(&prog, "reading the NetSuite items");
    if (sfcat_read_netsuite(set, a, args->netsuite, args->currency, &k, err, sizeof(err)) != 0)
        goto fail;
    phase(&prog, "reading the Salesforce products");
    if (sfcat_read_salesforce(set, a, &cs, args->salesforce, args->entries, args->pricebook,
                              args->bundles, args->currency, &k, err, sizeof(err)) != 0)
        goto fail;
    if (add_settings_map(set, &cs) != 0 || catmatch_run(set, on_progress, &prog) != CATMATCH_OK) {
        snprintf(err, sizeof(err), "out of memory");
        goto fail;
    }
    long decided = 0;
    for (int i = 0; i < args->naccept; i++) {
        size_t len = 0;
        char *buf = read_file(args->accept[i], &len);
        if (!buf) {
            snprintf(err, sizeof(err), "%s: cannot read", args->accept[i]);
            goto fail;
        }
        long n = sfcat_decisions_apply(set, a, args->accept[i], buf, len, err, sizeof(err));
        free(buf);
        if (n < 0)
            goto fail;
        decided += n;
    }
    if (mkdir(args->out, 0777) != 0 && errno != EEXIST) {
        snprintf(err, sizeof(err), "%s: cannot create the folder: %s", args->out, strerror(errno));
        goto fail;
    }
    const char *names[4] = {"catalog-settings.json", "catalog-review.csv", "catalog-report.html",
                            "catalog-proposals.csv"};
    for (int i = 0; i < 4; i++) {
        size_t n = strlen(args->out) + strlen(names[i]) + 2;
        if (!(paths[i] = malloc(n))) {
            snprintf(err, sizeof(err), "out of memory");
            goto fail;
        }
        snprintf(paths[i], n, "%s/%s", args->out, names[i]);
    }
    phase(&prog, "writing");
    struct sfcat_written w;
    size_t review_rows = 0, all_rows = 0;
    if (sfcat_write_settings(paths[0], set, &cs, &w, err, sizeof(err)) != 0 ||
        sfcat_write_review(paths[1], set, 0, &review_rows, err, sizeof(err)) != 0 ||
        sfcat_write_review(paths[3], set, 1, &all_rows, err, sizeof(err)) != 0 ||
        sfcat_write_html(paths[2], set, "Catalog mapping: Salesforce products to NetSuite items",
                         err, sizeof(err)) != 0)
        goto fail;
    if (prog.tty)
        fprintf(stderr, "\r\033[K");
    size_t st[4] = {0}, kinds[CATMATCH_NCONFLICTS] = {0};
    for (size_t i = 0; i < catmatch_count_products(set); i++) {
        const struct catmatch_proposal *pr = catmatch_proposal(set, i);
        st[pr->status]++;
        for (unsigned c = 0; c < CATMATCH_NCONFLICTS; c++)
            kinds[c] += (pr->conflicts >> c) & 1u;
    }
    printf("%zu Salesforce products, %zu NetSuite items, %ld decisions applied, %.1f s\n"
           "  accepted   %zu\n  review     %zu\n  unmatched  %zu\n  rejected   %zu\n"
           "  conflicts:",
           catmatch_count_products(set), catmatch_count_items(set), decided, now_s() - t0,
           st[CATMATCH_ACCEPTED], st[CATMATCH_REVIEW], st[CATMATCH_UNMATCHED],
           st[CATMATCH_REJECTED]);
    for (unsigned c = 0; c < CATMATCH_NCONFLICTS; c++)
        printf(" %s %zu%s", catmatch_conflict_name(1u << c), kinds[c],
               c + 1 < CATMATCH_NCONFLICTS ? "," : "\n");
    if (k.entries_unknown_product || k.bundle_rows_unknown || k.duplicate_item_rows)
        printf("  skipped: %zu price book entries of unknown products, %zu bundle rows naming "
               "unknown products, %zu repeated NetSuite item rows\n",
               k.entries_unknown_product, k.bundle_rows_unknown, k.duplicate_item_rows);
    printf("settings: %s (items %zu, map %zu, bundles %zu, carried over %zu, not written %zu)\n"
           "review:   %s (%zu rows)\nreport:   %s\nall:      %s (%zu rows)\n",
           paths[0], w.items, w.map, w.bundles, w.carried, w.skipped, paths[1], review_rows,
           paths[2], paths[3], all_rows);
    rc = fflush(stdout) == 0 ? 0 : 1;
    goto done;
fail:
    if (prog.tty)
        fprintf(stderr, "\r\033[K");
    fprintf(stderr, CMD ": %s\n", err);
done:
    for (int i = 0; i < 4; i++)
        free(paths[i]);
    catmatch_free(set);
    arena_free(a);
    return rc;
}

int cli_sfns_catalog(int argc, char **argv)
{
    struct args args = {0};
    int rc = parse_args(argc, argv, &args);
    return rc >= 0 ? rc : run(&args);
}
