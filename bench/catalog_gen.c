/* catalog_gen.c — test data and scoring for `hookstack sfns catalog` (the catalog workbench).
 *
 *   catalog_gen generate --count N [--seed S] --dir DIR
 *       writes DIR/sf_products.json (Product2), sf_entries.csv (PricebookEntry), sf_bundles.csv
 *       (bundle definitions), ns_items.json (NetSuite items with pricing matrices and kit
 *       members), settings.json (the catalog rules: stripPrefixes SF-) and truth.csv: about N
 *       products and N items with known answers (below).
 *   catalog_gen score --truth DIR/truth.csv --proposals OUT/catalog-proposals.csv
 *       [--min-precision P] [--min-recall R] [--min-accepted-precision A]
 *       [--min-conflict-recall C]
 *       prints precision and recall of the proposals, precision of the accepted ones, and the
 *       share of planted conflicts reported; exit 1 when a minimum is missed, 2 on bad usage or
 *       unreadable files.
 *
 * Planted cases (deterministic for a seed), per product: 40% the item's name is the code (half
 * of them as a sub-item "Category : CODE"); 20% SKU format variants (case, spaces, dots,
 * underscores, a Salesforce "SF-" prefix); 10% renamed (another code, the name's words
 * reordered; always reviewed); price mismatches (25% apart), currency gaps (a EUR price NetSuite
 * lacks) and inactive items; duplicates on the Salesforce side (a second product whose code
 * normalises to the same) and on the NetSuite side (two items whose names normalise to one key,
 * told apart by price or not at all); products NetSuite lacks (with a decoy item of the same words
 * and another model); bundles sold as a NetSuite kit (a quarter of the kits with a member quantity
 * that disagrees) and bundles NetSuite has no kit for (expected: a catalog bundle of the
 * components' items). 10% extra NetSuite items match nothing. Names carry characters an HTML page
 * must escape (&, <, >, '). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "csvread.h"
#include "json.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static unsigned below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

#define PICK(arr) (arr[below(sizeof(arr) / sizeof(arr[0]))])

static const char *const ADJ[] = {"Compact", "Rugged",   "Premium", "Basic",  "Wireless",
                                  "Smart",   "Portable", "Heavy",   "Annual", "Monthly",
                                  "Express", "Pro",      "Ultra",   "Eco",    "Dual"};
static const char *const NOUN[] = {"Router",  "Switch",  "Cable",   "Adapter", "License",
                                   "Support", "Sensor",  "Monitor", "Dock",    "Battery",
                                   "Charger", "Console", "Gateway", "Camera",  "Keyboard"};
static const char *const EXTRA[] = {"& Mount", "<USB-C>", "O'Neil Edition", "Kit", "Plus"};

struct gen {
    FILE *products, *entries, *bundles, *items, *truth;
    unsigned nproducts, nitems;
    bool first_product, first_item;
};

/* A model token unique per product (base 36 of a scrambled counter). */
static void model_of(unsigned i, char out[16])
{
    uint64_t v = (uint64_t)i * 2654435761u % 2176782336u; /* 36^6 */
    char tmp[8];
    int n = 0;
    do {
        tmp[n++] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[v % 36];
        v /= 36;
    } while (v);
    out[0] = 'M';
    for (int k = 0; k < n; k++)
        out[1 + k] = tmp[n - 1 - k];
    out[1 + n] = '\0';
}

static unsigned item_id(struct gen *g)
{
    return 1000 + g->nitems++;
}

static void product_id(unsigned n, char out[24])
{
    snprintf(out, 24, "01t5g%013u", n);
}

/* Writes a product and its entries; returns its index. */
static unsigned product(struct gen *g, const char *code, const char *name, double usd, double eur,
                        bool active)
{
    char id[24];
    unsigned n = g->nproducts++;
    product_id(n, id);
    fprintf(g->products,
            "%s\n {\"Id\": \"%s\", \"ProductCode\": \"%s\", \"Name\": \"%s\", "
            "\"IsActive\": %s}",
            g->first_product ? "" : ",", id, code, name, active ? "true" : "false");
    g->first_product = false;
    fprintf(g->entries, "01u%015u,%s,01s000000000001AAA,%.2f,USD,true\n", 2 * n, id, usd);
    if (eur > 0)
        fprintf(g->entries, "01u%015u,%s,01s000000000001AAA,%.2f,EUR,true\n", 2 * n + 1, id, eur);
    return n;
}

struct member {
    unsigned item;
    unsigned qty;
};

static void item(struct gen *g, unsigned id, const char *type, const char *itemid, const char *name,
                 double usd, double eur, bool inactive, const struct member *m, size_t nm)
{
    fprintf(g->items,
            "%s\n {\"id\": \"%u\", \"recordType\": \"%s\", \"itemid\": \"%s\", \"displayname\": "
            "\"%s\", \"isinactive\": \"%s\", \"pricingMatrix\": {\"pricing\": [",
            g->first_item ? "" : ",", id, type, itemid, name, inactive ? "T" : "F");
    g->first_item = false;
    fprintf(g->items,
            "{\"currency\": {\"internalId\": \"1\", \"name\": \"USD\"}, \"priceLevel\": "
            "{\"internalId\": \"1\", \"name\": \"Base Price\"}, \"priceList\": {\"price\": "
            "[{\"value\": \"%.2f\", \"quantity\": 0}]}}",
            usd);
    if (eur > 0)
        fprintf(g->items,
                ", {\"currency\": {\"internalId\": \"4\", \"name\": \"EUR\"}, \"priceLevel\": "
                "{\"internalId\": \"1\", \"name\": \"Base Price\"}, \"priceList\": {\"price\": "
                "[{\"value\": \"%.2f\", \"quantity\": 0}]}}",
                eur);
    fputs("]}", g->items);
    if (nm) {
        fputs(", \"member\": [", g->items);
        for (size_t k = 0; k < nm; k++)
            fprintf(g->items, "%s{\"item\": {\"internalId\": \"%u\"}, \"quantity\": %u}",
                    k ? ", " : "", m[k].item, m[k].qty);
        fputc(']', g->items);
    }
    fputc('}', g->items);
}

static void truth(struct gen *g, unsigned product, const char *expected, const char *kind,
                  const char *conflicts)
{
    char id[24];
    product_id(product, id);
    fprintf(g->truth, "%s,%s,%s,%s\n", id, expected, kind, conflicts);
}

/* A simple component product with its exact item; returns the item id. */
static unsigned component(struct gen *g, unsigned *product_out)
{
    char code[32], name[96], model[16];
    unsigned k = g->nproducts;
    snprintf(code, sizeof(code), "CMP-%06u", k);
    model_of(k + 7000000, model);
    snprintf(name, sizeof(name), "%s %s %s", PICK(ADJ), PICK(NOUN), model);
    double usd = 5 + below(20000) / 100.0;
    unsigned id = item_id(g);
    *product_out = product(g, code, name, usd, 0, true);
    item(g, id, "inventoryitem", code, name, usd, 0, false, NULL, 0);
    char e[16];
    snprintf(e, sizeof(e), "%u", id);
    truth(g, *product_out, e, "component", "");
    return id;
}

static int generate(unsigned count, uint64_t seed, const char *dir)
{
    rng_state = seed;
    char path[4096];
    struct gen g = {.first_product = true, .first_item = true};
    FILE **files[] = {&g.products, &g.entries, &g.bundles, &g.items, &g.truth};
    const char *names[] = {"sf_products.json", "sf_entries.csv", "sf_bundles.csv", "ns_items.json",
                           "truth.csv"};
    for (int i = 0; i < 5; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        if (!(*files[i] = fopen(path, "w"))) {
            fprintf(stderr, "catalog_gen: %s: cannot create\n", path);
            return 2;
        }
    }
    fputs("[", g.products);
    fputs("[", g.items);
    fputs("Id,Product2Id,Pricebook2Id,UnitPrice,CurrencyIsoCode,IsActive\n", g.entries);
    fputs("ParentProductCode,ComponentProductCode,Quantity\n", g.bundles);
    fputs("product_id,expected,kind,conflicts\n", g.truth);
    unsigned serial = 0;
    while (g.nproducts < count) {
        unsigned s = serial++;
        char code[48], ncode[64], name[128], iname[128], model[16], e[16];
        model_of(s, model);
        const char *adj = PICK(ADJ), *noun = PICK(NOUN);
        snprintf(code, sizeof(code), "PRD-%06u", s);
        const char *extra = below(10) == 0 ? PICK(EXTRA) : NULL;
        snprintf(name, sizeof(name), "%s %s %s%s%s", adj, noun, model, extra ? " " : "",
                 extra ? extra : "");
        double usd = 10 + below(99000) / 100.0;
        double eur = below(10) < 6 ? (double)(long)(usd * 92) / 100.0 : 0;
        unsigned r = below(1000), id, p;
        if (r < 400) { /* exact */
            id = item_id(&g);
            if (r < 200)
                snprintf(ncode, sizeof(ncode), "%s", code);
            else
                snprintf(ncode, sizeof(ncode), "%s : %s", PICK(NOUN), code);
            p = product(&g, code, name, usd, eur, true);
            item(&g, id, "inventoryitem", ncode, name, usd, eur, false, NULL, 0);
            snprintf(e, sizeof(e), "%u", id);
            truth(&g, p, e, "exact", "");
        } else if (r < 600) { /* SKU variants */
            id = item_id(&g);
            const char *pcode = code;
            char sfcode[64];
            switch (below(5)) {
            case 0:
                snprintf(ncode, sizeof(ncode), "prd-%06u", s);
                break;
            case 1:
                snprintf(ncode, sizeof(ncode), "PRD %06u", s);
                break;
            case 2:
                snprintf(ncode, sizeof(ncode), "prd.%06u", s);
                break;
            case 3:
                snprintf(ncode, sizeof(ncode), "PRD_%06u", s);
                break;
            default:
                snprintf(ncode, sizeof(ncode), "%s", code);
                snprintf(sfcode, sizeof(sfcode), "SF-%s", code);
                pcode = sfcode;
            }
            p = product(&g, pcode, name, usd, eur, true);
            item(&g, id, "noninventoryitem", ncode, name, usd, eur, false, NULL, 0);
            snprintf(e, sizeof(e), "%u", id);
            truth(&g, p, e, "rules", "");
        } else if (r < 700) { /* renamed: another code, the name's words reordered */
            id = item_id(&g);
            snprintf(ncode, sizeof(ncode), "LEG-%06u", s);
            snprintf(iname, sizeof(iname), "%s %s %s", noun, model, adj);
            p = product(&g, code, name, usd, eur, true);
            item(&g, id, "serviceitem", ncode, iname, usd, eur, false, NULL, 0);
            snprintf(e, sizeof(e), "%u", id);
            truth(&g, p, e, "renamed", "");
        } else if (r < 750) { /* price mismatch */
            id = item_id(&g);
            p = product(&g, code, name, usd, 0, true);
            item(&g, id, "inventoryitem", code, name, usd * 1.25, 0, false, NULL, 0);
            snprintf(e, sizeof(e), "%u", id);
            truth(&g, p, e, "price", "price_mismatch");
        } else if (r < 780) { /* currency gap */
            id = item_id(&g);
            p = product(&g, code, name, usd, usd * 0.92, true);
            item(&g, id, "inventoryitem", code, name, usd, 0, false, NULL, 0);
            snprintf(e, sizeof(e), "%u", id);
            truth(&g, p, e, "currency", "currency_gap");
        } else if (r < 800) { /* inactive item */
            id = item_id(&g);
            p = product(&g, code, name, usd, eur, true);
            item(&g, id, "inventoryitem", code, name, usd, eur, true, NULL, 0);
            snprintf(e, sizeof(e), "%u", id);
            truth(&g, p, e, "inactive", "inactive_item");
        } else if (r < 830) { /* duplicate on the Salesforce side */
            id = item_id(&g);
            p = product(&g, code, name, usd, eur, true);
            item(&g, id, "inventoryitem", code, name, usd, eur, false, NULL, 0);
            snprintf(e, sizeof(e), "%u", id);
            truth(&g, p, e, "sf-duplicate", "duplicate_code shared_item");
            snprintf(ncode, sizeof(ncode), "prd %06u", s);
            unsigned q = product(&g, ncode, name, usd, eur, true);
            truth(&g, q, e, "sf-duplicate", "duplicate_code shared_item");
        } else if (r < 860) { /* duplicate on the NetSuite side */
            bool by_price = below(2) == 0;
            id = item_id(&g);
            unsigned other = item_id(&g);
            p = product(&g, code, name, usd, 0, true);
            item(&g, id, "inventoryitem", code, name, usd, 0, false, NULL, 0);
            snprintf(ncode, sizeof(ncode), "Old : prd-%06u", s);
            item(&g, other, "inventoryitem", ncode, name, by_price ? usd * 1.5 : usd, 0, false,
                 NULL, 0);
            snprintf(e, sizeof(e), "%u", id);
            truth(&g, p, e, by_price ? "ns-duplicate-priced" : "ns-duplicate",
                  by_price ? "" : "several_candidates");
        } else if (r < 920) { /* NetSuite lacks it */
            p = product(&g, code, name, usd, eur, true);
            truth(&g, p, "", "missing", "");
            /* a decoy: same words, another model, its own code */
            char decoy[16];
            model_of(s + 5000000, decoy);
            snprintf(ncode, sizeof(ncode), "DCY-%06u", s);
            snprintf(iname, sizeof(iname), "%s %s %s", adj, noun, decoy);
            item(&g, item_id(&g), "inventoryitem", ncode, iname, usd, eur, false, NULL, 0);
        } else if (r < 980) { /* bundle */
            bool kit = r < 960, disagree = kit && below(4) == 0;
            struct member m[3];
            unsigned comps[3], nm = 2 + below(2);
            for (unsigned k = 0; k < nm; k++) {
                m[k].item = component(&g, &comps[k]);
                m[k].qty = 1 + below(3);
            }
            snprintf(name, sizeof(name), "%s %s Bundle %s", adj, noun, model);
            p = product(&g, code, name, usd, 0, true);
            for (unsigned k = 0; k < nm; k++) {
                char cc[32];
                snprintf(cc, sizeof(cc), "CMP-%06u", comps[k]);
                fprintf(g.bundles, "%s,%s,%u\n", code, cc, m[k].qty);
            }
            if (kit) {
                id = item_id(&g);
                if (disagree)
                    m[0].qty += 1;
                item(&g, id, below(2) ? "kititem" : "itemgroup", code, name, usd, 0, false, m, nm);
                snprintf(e, sizeof(e), "%u", id);
                truth(&g, p, e, disagree ? "kit-disagrees" : "kit",
                      disagree ? "bundle_mismatch" : "");
            } else {
                truth(&g, p, "bundle", "bundle", "");
            }
        } else { /* exact, as a sub-item two levels down */
            id = item_id(&g);
            snprintf(ncode, sizeof(ncode), "Services : %s : %s", noun, code);
            p = product(&g, code, name, usd, eur, true);
            item(&g, id, "serviceitem", ncode, name, usd, eur, false, NULL, 0);
            snprintf(e, sizeof(e), "%u", id);
            truth(&g, p, e, "exact", "");
        }
    }
    /* NetSuite items no product matches. */
    for (unsigned k = 0; k < count / 10; k++) {
        char ncode[32], iname[96], model[16];
        model_of(9000000 + k, model);
        snprintf(ncode, sizeof(ncode), "NSO-%06u", k);
        snprintf(iname, sizeof(iname), "%s %s %s", PICK(ADJ), PICK(NOUN), model);
        item(&g, item_id(&g), "inventoryitem", ncode, iname, 10 + below(5000), 0, false, NULL, 0);
    }
    fputs("\n]\n", g.products);
    fputs("\n]\n", g.items);
    int rc = 0;
    for (int i = 0; i < 5; i++)
        rc |= fclose(*files[i]) != 0;
    snprintf(path, sizeof(path), "%s/settings.json", dir);
    FILE *f = fopen(path, "w");
    if (!f || fputs("{\"sfns\": {\"catalog\": {\"normalise\": {\"stripPrefixes\": [\"SF-\"]}}}}\n",
                    f) < 0)
        rc = 1;
    if (f)
        rc |= fclose(f) != 0;
    if (rc) {
        fprintf(stderr, "catalog_gen: %s: write failed\n", dir);
        return 2;
    }
    printf("%u products, %u items\n", g.nproducts, g.nitems);
    return 0;
}

/* ---- scoring ----------------------------------------------------------------------------------
 */

static struct json_value *read_csv(struct arena *a, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "catalog_gen: %s: cannot open\n", path);
        return NULL;
    }
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    while (buf && (n += fread(buf + n, 1, cap - n, f)) == cap) {
        char *nb = realloc(buf, cap *= 2);
        if (!nb)
            free(buf);
        buf = nb;
    }
    fclose(f);
    if (!buf)
        return NULL;
    char err[256];
    struct json_value *rows = csvread_parse(a, buf, n, err, sizeof(err));
    free(buf);
    if (!rows)
        fprintf(stderr, "catalog_gen: %s: %s\n", path, err);
    return rows;
}

static const char *col(const struct json_value *row, const char *name)
{
    const struct json_value *v = json_object_get(row, name, strlen(name));
    return v && v->type == JSON_STRING ? v->u.str : "";
}

static int score(int argc, char **argv)
{
    const char *truth_path = NULL, *prop_path = NULL;
    double minp = 0, minr = 0, mina = 0, minc = 0;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--truth"))
            truth_path = argv[i + 1];
        else if (!strcmp(argv[i], "--proposals"))
            prop_path = argv[i + 1];
        else if (!strcmp(argv[i], "--min-precision"))
            minp = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--min-recall"))
            minr = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--min-accepted-precision"))
            mina = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--min-conflict-recall"))
            minc = atof(argv[i + 1]);
        else {
            fprintf(stderr, "catalog_gen score: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (!truth_path || !prop_path) {
        fprintf(stderr, "catalog_gen score: --truth and --proposals are required\n");
        return 2;
    }
    struct arena *a = arena_new(1 << 20, 0);
    struct json_value *t = a ? read_csv(a, truth_path) : NULL;
    struct json_value *pr = t ? read_csv(a, prop_path) : NULL;
    if (!pr) {
        arena_free(a);
        return 2;
    }
    if (pr->len != t->len) {
        fprintf(stderr, "catalog_gen score: %u proposals for %u products\n", pr->len, t->len);
        arena_free(a);
        return 1;
    }
    size_t expected = 0, proposed = 0, correct = 0, accepted = 0, acc_correct = 0;
    size_t planted = 0, found = 0;
    for (uint32_t i = 0; i < t->len; i++) {
        const struct json_value *tr = t->u.items[i], *p = pr->u.items[i];
        if (strcmp(col(tr, "product_id"), col(p, "product_id")) != 0) {
            fprintf(stderr, "catalog_gen score: row %u: product %s, proposal for %s\n", i + 1,
                    col(tr, "product_id"), col(p, "product_id"));
            arena_free(a);
            return 1;
        }
        const char *want = col(tr, "expected");
        const char *got = col(p, "netsuite_id");
        if (!*got && !strncmp(col(p, "candidates"), "bundle:", 7))
            got = "bundle";
        bool ok = *got && !strcmp(got, want);
        expected += *want != '\0';
        proposed += *got != '\0';
        correct += ok;
        if (!strcmp(col(p, "status"), "accepted")) {
            accepted++;
            acc_correct += ok;
        }
        /* Every planted conflict kind must be among the reported ones. */
        char kinds[128];
        snprintf(kinds, sizeof(kinds), "%s", col(tr, "conflicts"));
        char pad[256];
        snprintf(pad, sizeof(pad), " %s ", col(p, "conflicts"));
        for (char *k = strtok(kinds, " "); k; k = strtok(NULL, " ")) {
            char needle[64];
            snprintf(needle, sizeof(needle), " %s ", k);
            planted++;
            found += strstr(pad, needle) != NULL;
        }
    }
    double P = proposed ? (double)correct / proposed : 1,
           R = expected ? (double)correct / expected : 1;
    double A = accepted ? (double)acc_correct / accepted : 1,
           C = planted ? (double)found / planted : 1;
    printf("proposals: precision %.4f recall %.4f (%zu correct, %zu proposed, %zu expected)\n", P,
           R, correct, proposed, expected);
    printf("accepted: precision %.4f (%zu of %zu accepted without review)\n", A, acc_correct,
           accepted);
    printf("conflicts: recall %.4f (%zu of %zu planted conflicts reported)\n", C, found, planted);
    arena_free(a);
    return P < minp || R < minr || A < mina || C < minc ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "generate")) {
        unsigned count = 0;
        uint64_t seed = 7;
        const char *dir = NULL;
        for (int i = 2; i + 1 < argc; i += 2) {
            if (!strcmp(argv[i], "--count"))
                count = (unsigned)strtoul(argv[i + 1], NULL, 10);
            else if (!strcmp(argv[i], "--seed"))
                seed = strtoull(argv[i + 1], NULL, 10);
            else if (!strcmp(argv[i], "--dir"))
                dir = argv[i + 1];
        }
        if (!count || !dir) {
            fprintf(stderr, "usage: catalog_gen generate --count N [--seed S] --dir DIR\n");
            return 2;
        }
        return generate(count, seed, dir);
    }
    if (argc >= 2 && !strcmp(argv[1], "score"))
        return score(argc, argv);
    fprintf(stderr, "usage: catalog_gen generate --count N [--seed S] --dir DIR\n"
                    "       catalog_gen score --truth FILE --proposals FILE [--min-precision P]\n"
                    "                         [--min-recall R] [--min-accepted-precision A]\n"
                    "                         [--min-conflict-recall C]\n");
    return 2;
}
