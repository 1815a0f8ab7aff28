/* test_sfns_orders.c — sfnsOpportunityToSalesOrder over POST /function, as integrator.io calls it:
 *
 *  - every real sample Opportunity (sf-data-loader-examples, lwc-recipes, dcarroll, ebikes, and
 *    apex-recipes with its lower-case keys, amounts as text and close dates as instants; read from
 *    ../shared/data at run time) gets line items built here from the real sample products and
 *    pricebook prices (the data has none), priced so they add up to its Amount, in five
 *    currencies and ordered in five (yen and dinars among them), with the real CurrencyType rates
 *    on the record, in pages of 20. Every record is mapped, and the answer is checked without the
 *    module's code: external ids and customers, the lines' total equal to the Amount converted
 *    (computed here in integer arithmetic), amounts at the order currency's minor units, every
 *    item from the catalog, bundles expanded with their quantities, quantity x rate = amount on
 *    every line but bundle rounding lines. Every seventh Opportunity also has a product missing
 *    from the catalog: it alone gets unmapped_sku naming the code, the rest of its page goes on;
 *  - the complete example of docs/sfns-settings.md answers what the page says, and the currency
 *    and catalog examples there are accepted settings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cJSON.h>
#include <math.h>
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

static cJSON *load(const char *dir, const char *rel)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    char *text = slurp(path);
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (root == NULL)
        fail_msg("%s does not parse", path);
    return root;
}

static const char *shared_dir(void)
{
    const char *d = getenv("HS_SHARED_DIR");
    return d ? d : "../shared";
}

/* POSTs {"diy", "function", "options": {"data", "settings"}}; returns the parsed answer and
 * the status. */
static cJSON *call(const cJSON *data, const cJSON *settings, long *status)
{
    cJSON *req = cJSON_CreateObject();
    cJSON_AddTrueToObject(req, "diy");
    cJSON_AddStringToObject(req, "function", "sfnsOpportunityToSalesOrder");
    cJSON *opts = cJSON_AddObjectToObject(req, "options");
    cJSON_AddItemToObject(opts, "data", cJSON_Duplicate(data, 1));
    cJSON_AddItemToObject(opts, "settings", cJSON_Duplicate(settings, 1));
    char *body = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    struct hst_response r;
    assert_int_equal(hst_post_function(&srv, body, &r), 0);
    free(body);
    *status = r.status;
    cJSON *out = cJSON_Parse(r.body);
    if (out == NULL)
        fail_msg("answer %ld does not parse: %s", r.status, r.body);
    hst_response_free(&r);
    return out;
}

/* ---- Salesforce Ids ------------------------------------------------------------------------- */

/* An 18-character Id: prefix + 12 base-62 digits from n + the checksum. */
static void make_id(const char *prefix, unsigned n, char out[19])
{
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static const char map[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    memcpy(out, prefix, 3);
    unsigned long long x = 0x0A11ull * 1000003ull + (unsigned long long)n * 104729ull;
    for (int i = 14; i >= 3; i--) {
        out[i] = digits[x % 62];
        x /= 62;
    }
    for (int c = 0; c < 3; c++) {
        int v = 0;
        for (int i = 0; i < 5; i++)
            if (out[c * 5 + i] >= 'A' && out[c * 5 + i] <= 'Z')
                v |= 1 << i;
        out[15 + c] = map[v];
    }
    out[18] = '\0';
}

/* ---- exact amounts, independently of the module ------------------------------------------- */

/* Decimal text ("235000", "119373.3", "0.94") as an integer scaled by 10^places; 0 when it has
 * more places or is not decimal text. */
static int scaled(const char *text, int places, __int128 *out)
{
    __int128 v = 0;
    int neg = 0, frac = -1;
    const char *p = text;
    if (*p == '-')
        neg = 1, p++;
    for (; *p; p++) {
        if (*p == '.' && frac < 0) {
            frac = 0;
            continue;
        }
        if (*p < '0' || *p > '9')
            return 0;
        if (frac >= 0 && ++frac > places)
            return 0;
        v = v * 10 + (*p - '0');
    }
    for (int f = frac < 0 ? 0 : frac; f < places; f++)
        v *= 10;
    *out = neg ? -v : v;
    return 1;
}

/* A JSON number or decimal string as text (cJSON prints numbers as %1.15g or %1.17g). */
static const char *number_text(const cJSON *v, char buf[64])
{
    if (cJSON_IsString(v))
        return v->valuestring;
    double d = v->valuedouble;
    snprintf(buf, 64, "%1.15g", d);
    if (strtod(buf, NULL) != d)
        snprintf(buf, 64, "%1.17g", d);
    return buf;
}

/* Half-up a / b for b > 0. */
static __int128 div_half_up(__int128 a, __int128 b)
{
    __int128 m = a < 0 ? -a : a;
    __int128 q = (2 * m + b) / (2 * b);
    return a < 0 ? -q : q;
}

static void format_scaled(__int128 v, int places, char out[64])
{
    char digits[64];
    int neg = v < 0;
    unsigned long long m = (unsigned long long)(neg ? -v : v);
    snprintf(digits, sizeof(digits), "%0*llu", places + 1, m);
    size_t len = strlen(digits);
    if (places == 0)
        snprintf(out, 64, "%s%s", neg ? "-" : "", digits);
    else
        snprintf(out, 64, "%s%.*s.%s", neg ? "-" : "", (int)(len - (size_t)places), digits,
                 digits + len - places);
}

/* ---- the catalog: real sample products ------------------------------------------------------ */

struct product {
    const char *code, *name;
    int priced;     /* a pricebook entry gives its list price */
    __int128 cents; /* the list price */
};

#define MAX_PRODUCTS 16
static struct product products[MAX_PRODUCTS];
static size_t nproducts;
static cJSON *catalog_roots[4];

static void load_products(void)
{
    static const char *const dirs[] = {"data/sm-quickstart", "data/sm-dev-preview"};
    for (size_t d = 0; d < 2; d++) {
        char rel[256];
        snprintf(rel, sizeof(rel), "%s/Product2-template.json", dirs[d]);
        cJSON *prods = catalog_roots[2 * d] = load(shared_dir(), rel);
        snprintf(rel, sizeof(rel), "%s/PricebookEntry-template.json", dirs[d]);
        cJSON *entries = catalog_roots[2 * d + 1] = load(shared_dir(), rel);
        const cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItem(prods, "records"))
        {
            const char *code = cJSON_GetStringValue(cJSON_GetObjectItem(p, "ProductCode"));
            const char *ref = cJSON_GetStringValue(
                cJSON_GetObjectItem(cJSON_GetObjectItem(p, "attributes"), "referenceId"));
            int seen = 0;
            for (size_t i = 0; code && i < nproducts; i++)
                seen |= strcmp(products[i].code, code) == 0;
            if (code == NULL || ref == NULL || seen)
                continue;
            const cJSON *e;
            cJSON_ArrayForEach(e, cJSON_GetObjectItem(entries, "records"))
            {
                const char *pid = cJSON_GetStringValue(cJSON_GetObjectItem(e, "Product2Id"));
                if (pid && pid[0] == '@' && strcmp(pid + 1, ref) == 0)
                    break;
            }
            char buf[64];
            struct product *out = &products[nproducts];
            assert_true(nproducts < MAX_PRODUCTS);
            out->priced = e != NULL;
            if (e != NULL)
                assert_true(
                    scaled(number_text(cJSON_GetObjectItem(e, "UnitPrice"), buf), 2, &out->cents));
            out->code = code;
            out->name = cJSON_GetStringValue(cJSON_GetObjectItem(p, "Name"));
            nproducts++;
        }
    }
    size_t priced = 0;
    for (size_t i = 0; i < nproducts; i++)
        priced += products[i].priced;
    assert_true(nproducts >= 5 && priced >= 3);
}

/* The k-th product with a list price (cycling). */
static size_t priced_product(unsigned k)
{
    size_t priced = 0;
    for (size_t i = 0; i < nproducts; i++)
        priced += products[i].priced;
    k %= (unsigned)priced;
    for (size_t i = 0; i < nproducts; i++)
        if (products[i].priced && k-- == 0)
            return i;
    return 0;
}

#define BUNDLE_CODE   "SUB-A"
#define MAPPED_CODE   "ONETIME"
#define MAPPED_ID     "777"
#define UNMAPPED_CODE "ZZ-NOT-IN-CATALOG"
static const char *const bundle_items[3] = {"9001", "9002", "9003"};
static const int bundle_quantities[3] = {2, 3, 7};

/* NetSuite's spelling of an item: lower case, '_' for '-', as a sub-item of "Products". */
static void netsuite_name(const char *code, char out[96])
{
    size_t k = snprintf(out, 96, "Products : ");
    for (const char *c = code; *c && k < 94; c++)
        out[k++] = *c == '-' ? '_' : (*c >= 'A' && *c <= 'Z') ? (char)(*c + 32) : *c;
    out[k] = '\0';
}

/* The item id the catalog gives product i (bundles: none). */
static void product_item(size_t i, char out[16])
{
    if (strcmp(products[i].code, MAPPED_CODE) == 0)
        snprintf(out, 16, "%s", MAPPED_ID);
    else
        snprintf(out, 16, "%zu", 100 + i);
}

static cJSON *settings_json(void)
{
    cJSON *s = cJSON_CreateObject();
    cJSON *sfns = cJSON_AddObjectToObject(s, "sfns");
    cJSON *cur = cJSON_AddObjectToObject(sfns, "currency");
    cJSON_AddStringToObject(cur, "corporateCurrency", "USD");
    cJSON *rates = cJSON_AddArrayToObject(cur, "rates");
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "currency", "JPY");
    cJSON_AddStringToObject(r, "rate", "149.875");
    cJSON_AddItemToArray(rates, r);
    r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "currency", "BHD");
    cJSON_AddStringToObject(r, "rate", "0.376");
    cJSON_AddItemToArray(rates, r);
    cJSON *ids = cJSON_AddObjectToObject(cur, "netsuiteIds");
    static const char *const codes[] = {"USD", "EUR", "GBP", "CAD", "CHF", "JPY", "BHD"};
    for (int i = 0; i < 7; i++) {
        char id[8];
        snprintf(id, sizeof(id), "%d", i + 1);
        cJSON_AddStringToObject(ids, codes[i], id);
    }
    cJSON *cat = cJSON_AddObjectToObject(sfns, "catalog");
    cJSON *items = cJSON_AddObjectToObject(cat, "items");
    for (size_t i = 0; i < nproducts; i++) {
        if (strcmp(products[i].code, BUNDLE_CODE) == 0 ||
            strcmp(products[i].code, MAPPED_CODE) == 0)
            continue;
        char name[96], id[16];
        netsuite_name(products[i].code, name);
        product_item(i, id);
        cJSON_AddStringToObject(items, name, id);
    }
    cJSON_AddStringToObject(cJSON_AddObjectToObject(cat, "map"), "one-time", MAPPED_ID);
    cJSON *bundle = cJSON_AddObjectToObject(cJSON_AddObjectToObject(cat, "bundles"), BUNDLE_CODE);
    cJSON *comps = cJSON_AddArrayToObject(bundle, "components");
    static const int weights[3] = {5, 3, 2};
    for (int i = 0; i < 3; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "item", bundle_items[i]);
        cJSON_AddNumberToObject(c, "quantity", bundle_quantities[i]);
        cJSON_AddNumberToObject(c, "weight", weights[i]);
        cJSON_AddItemToArray(comps, c);
    }
    cJSON *orders = cJSON_AddObjectToObject(sfns, "orders");
    cJSON_AddStringToObject(orders, "orderCurrencyField", "_customer.currency");
    return s;
}

/* ---- the sample Opportunities with line items -------------------------------------------- */

static const char *const from_currencies[5] = {"USD", "EUR", "GBP", "CAD", "CHF"};
static const char *const order_currencies[5] = {NULL, "JPY", "BHD", "EUR", "USD"};

/* What the test built into one Opportunity, to check its answer against. */
struct built {
    char id[19], account[19];
    const char *from, *to;
    __int128 amount_cents; /* the Amount, in cents of `from` */
    char close[11];
    int unmapped;
    int bundles;       /* bundle lines */
    int bundle_qty[4]; /* their quantities */
    int item_lines;    /* lines expected in the order */
};

static int places_of(const char *code)
{
    return strcmp(code, "JPY") == 0 ? 0 : strcmp(code, "BHD") == 0 ? 3 : 2;
}

/* Rate of code per 1 USD, scaled by 10^6, from the CurrencyType rows and the settings' two. */
static __int128 rate_of(const cJSON *types, const char *code)
{
    if (strcmp(code, "JPY") == 0)
        return 149875000;
    if (strcmp(code, "BHD") == 0)
        return 376000;
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItem(types, "records"))
    {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(t, "IsoCode")), code) == 0) {
            char buf[64];
            __int128 v;
            assert_true(scaled(number_text(cJSON_GetObjectItem(t, "ConversionRate"), buf), 6, &v));
            return v;
        }
    }
    fail_msg("no CurrencyType for %s", code);
    return 0;
}

/* A key in the record's own case style (apex-recipes writes every key in lower case). */
static const char *key(int lower, const char *name, char buf[64])
{
    if (!lower)
        return name;
    size_t i = 0;
    for (; name[i] && i < 63; i++)
        buf[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] + 32) : name[i];
    buf[i] = '\0';
    return buf;
}

static cJSON *line_item(unsigned n, int lower, size_t product, int qty, const char *price,
                        const char *discount, const char *code)
{
    char id[19], k[64];
    make_id("00k", n, id);
    cJSON *l = cJSON_CreateObject();
    cJSON *attrs = cJSON_AddObjectToObject(l, "attributes");
    cJSON_AddStringToObject(attrs, "type", "OpportunityLineItem");
    cJSON_AddStringToObject(l, key(lower, "Id", k), id);
    cJSON_AddNumberToObject(l, key(lower, "Quantity", k), qty);
    cJSON_AddItemToObject(l, key(lower, "UnitPrice", k), cJSON_CreateRaw(price));
    cJSON_AddItemToObject(l, key(lower, "Discount", k),
                          discount ? cJSON_CreateRaw(discount) : cJSON_CreateNull());
    cJSON *pbe = cJSON_AddObjectToObject(l, key(lower, "PricebookEntry", k));
    cJSON *p2 = cJSON_AddObjectToObject(pbe, key(lower, "Product2", k));
    cJSON_AddStringToObject(p2, key(lower, "Name", k),
                            code ? "Not in the catalog" : products[product].name);
    cJSON_AddStringToObject(p2, key(lower, "ProductCode", k), code ? code : products[product].code);
    return l;
}

/* Turns a sample Opportunity into what the export gives, with line items summing to its Amount. */
static void build(cJSON *rec, unsigned i, const cJSON *types, struct built *b)
{
    int lower = cJSON_GetObjectItemCaseSensitive(rec, "amount") != NULL;
    char k[64], buf[64];
    memset(b, 0, sizeof(*b));
    make_id("006", i, b->id);
    make_id("001", i / 3, b->account);
    b->from = from_currencies[i % 5];
    b->to = order_currencies[(i / 5) % 5] ? order_currencies[(i / 5) % 5] : b->from;
    const char *close = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "CloseDate"));
    assert_non_null(close);
    memcpy(b->close, close, 10);
    assert_true(scaled(number_text(cJSON_GetObjectItem(rec, "Amount"), buf), 2, &b->amount_cents));
    cJSON_AddStringToObject(rec, key(lower, "Id", k), b->id);
    cJSON_DeleteItemFromObject(rec, "AccountId");
    cJSON_AddStringToObject(rec, key(lower, "AccountId", k), b->account);
    cJSON_AddStringToObject(rec, key(lower, "CurrencyIsoCode", k), b->from);
    cJSON_AddItemToObject(rec, "_rates", cJSON_Duplicate(types, 1));
    if (order_currencies[(i / 5) % 5]) {
        cJSON *cust = cJSON_AddObjectToObject(rec, "_customer");
        cJSON *ref = cJSON_AddObjectToObject(cust, "currency");
        cJSON_AddStringToObject(ref, "name", b->to);
    }
    /* Lines: some priced from the pricebook (one with a 12.5% discount), the last one taking
     * what is left of the Amount. */
    cJSON *records = cJSON_CreateArray();
    __int128 left = b->amount_cents;
    int extra = (int)(i % 3);
    for (int j = 0; j < extra; j++) {
        size_t p = priced_product(i + (unsigned)j);
        int qty = 1 + (int)((i + (unsigned)j) % 3);
        __int128 net = qty * products[p].cents;
        int discounted = j == 0 && i % 4 == 0;
        if (discounted)
            net = div_half_up(net * 875, 1000);
        if (net >= left)
            break;
        char price[64];
        format_scaled(products[p].cents, 2, price);
        cJSON_AddItemToArray(records, line_item(i * 8 + (unsigned)j, lower, p, qty, price,
                                                discounted ? "12.5" : NULL, NULL));
        left -= net;
        if (strcmp(products[p].code, BUNDLE_CODE) == 0)
            b->bundle_qty[b->bundles++] = qty;
        b->item_lines += strcmp(products[p].code, BUNDLE_CODE) == 0 ? 3 : 1;
    }
    size_t last = (i + 7) % nproducts;
    char price[64];
    format_scaled(left, 2, price);
    cJSON_AddItemToArray(records, line_item(i * 8 + 5, lower, last, 1, price, NULL, NULL));
    if (strcmp(products[last].code, BUNDLE_CODE) == 0)
        b->bundle_qty[b->bundles++] = 1;
    b->item_lines += strcmp(products[last].code, BUNDLE_CODE) == 0 ? 3 : 1;
    if (i % 7 == 3) {
        cJSON_AddItemToArray(records, line_item(i * 8 + 6, lower, 0, 1, "0", NULL, UNMAPPED_CODE));
        b->unmapped = 1;
    }
    cJSON *env = cJSON_AddObjectToObject(rec, key(lower, "OpportunityLineItems", k));
    cJSON_AddNumberToObject(env, "totalSize", cJSON_GetArraySize(records));
    cJSON_AddTrueToObject(env, "done");
    cJSON_AddItemToObject(env, "records", records);
}

/* A JSON number as an integer of 10^-places units; fails when it has more places. */
static __int128 units(const cJSON *v, int places, const char *what)
{
    assert_true(cJSON_IsNumber(v));
    double x = v->valuedouble * pow(10, places);
    double r = nearbyint(x);
    if (fabs(x - r) > 1e-6 * (fabs(x) > 1 ? fabs(x) : 1))
        fail_msg("%s %.17g has more than %d decimal places", what, v->valuedouble, places);
    return (__int128)r;
}

struct tally {
    int mapped, unmapped, converted, bundles, zero_places, three_places;
};

static void check(const struct built *b, const cJSON *answer, const cJSON *types, struct tally *t)
{
    const cJSON *errors = cJSON_GetObjectItem(answer, "errors");
    const cJSON *data = cJSON_GetObjectItem(answer, "data");
    if (b->unmapped) {
        if (errors == NULL)
            fail_msg("%s: a line with an unmapped product, but no error", b->id);
        assert_int_equal(cJSON_GetArraySize(errors), 1);
        const cJSON *e = cJSON_GetArrayItem(errors, 0);
        const char *msg = cJSON_GetStringValue(cJSON_GetObjectItem(e, "message"));
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(e, "code")), "unmapped_sku");
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(e, "source")), "sfns");
        assert_non_null(strstr(msg, b->id));
        assert_non_null(strstr(msg, "\"" UNMAPPED_CODE "\""));
        assert_non_null(strstr(msg, "settings.sfns.catalog.map"));
        t->unmapped++;
        return;
    }
    if (data == NULL) {
        char *text = cJSON_PrintUnformatted(answer);
        fail_msg("%s: not mapped: %s", b->id, text);
    }
    t->mapped++;
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(data, "recordType")),
                        "salesorder");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(data, "externalid")), b->id);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(data, "entity")), b->account);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(data, "trandate")), b->close);
    static const char *const codes[] = {"USD", "EUR", "GBP", "CAD", "CHF", "JPY", "BHD"};
    int idx = 0;
    while (strcmp(codes[idx], b->to) != 0)
        idx++;
    char want_id[8];
    snprintf(want_id, sizeof(want_id), "%d", idx + 1);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(data, "currency")), want_id);

    /* The Amount converted, here: amount x rate(to) / rate(from), half-up, at to's places. */
    int places = places_of(b->to);
    __int128 want = b->amount_cents;
    if (strcmp(b->from, b->to) != 0) {
        __int128 num = b->amount_cents * rate_of(types, b->to), den = rate_of(types, b->from);
        for (int p = 0; p < places; p++)
            num *= 10;
        den *= 100;
        want = div_half_up(num, den);
        t->converted++;
    } else {
        for (int p = 2; p < places; p++)
            want *= 10;
    }
    t->zero_places += places == 0;
    t->three_places += places == 3;

    const cJSON *items = cJSON_GetObjectItem(data, "item"), *l;
    __int128 sum = 0;
    int off = 0, seen_bundle_lines = 0;
    assert_int_equal(cJSON_GetArraySize(items), b->item_lines);
    cJSON_ArrayForEach(l, items)
    {
        const char *item = cJSON_GetStringValue(cJSON_GetObjectItem(l, "item"));
        assert_non_null(item);
        int known = 0;
        for (size_t p = 0; p < nproducts; p++) {
            char id[16];
            product_item(p, id);
            known |= strcmp(id, item) == 0 && strcmp(products[p].code, BUNDLE_CODE) != 0;
        }
        for (int c = 0; c < 3; c++)
            if (strcmp(item, bundle_items[c]) == 0) {
                known = 1;
                seen_bundle_lines++;
                /* the component's quantity: the bundle line's times the component's */
                int q = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(l, "quantity"));
                int found = 0;
                for (int k = 0; k < b->bundles; k++)
                    found |= q == b->bundle_qty[k] * bundle_quantities[c];
                if (!found)
                    fail_msg("%s: component %s has quantity %d", b->id, item, q);
            }
        if (!known)
            fail_msg("%s: item %s is not from the catalog", b->id, item);
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(l, "price")), "-1");
        __int128 a = units(cJSON_GetObjectItem(l, "amount"), places, "amount");
        sum += a;
        double qr = cJSON_GetNumberValue(cJSON_GetObjectItem(l, "quantity")) *
                    cJSON_GetNumberValue(cJSON_GetObjectItem(l, "rate")) * pow(10, places);
        if (fabs(qr - (double)a) > 0.5 + 1e-6)
            off++;
    }
    assert_int_equal(seen_bundle_lines, 3 * b->bundles);
    t->bundles += b->bundles;
    /* quantity x rate is the amount on every line but, per bundle, its rounding line */
    if (off > b->bundles)
        fail_msg("%s: %d lines where quantity x rate is not the amount", b->id, off);
    char got[64], expected[64];
    format_scaled(sum, places, got);
    format_scaled(want, places, expected);
    if (sum != want)
        fail_msg("%s: lines total %s %s, the Amount converted is %s", b->id, got, b->to, expected);
    const cJSON *audit = cJSON_GetObjectItem(data, "_sfns");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(audit, "total")), expected);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(audit, "currency")), b->to);
}

static void test_real_opportunities(void **state)
{
    (void)state;
    static const char *const files[] = {"data/sf-data-loader-examples/Opportunity.json",
                                        "data/lwc-recipes/Opportunities.json",
                                        "data/apex-recipes/Opportunities.json",
                                        "data/dcarroll-data-import-test-org/Opportunity.json",
                                        "data/ebikes-lwc/Opportunities.json"};
    load_products();
    cJSON *types = load(shared_dir(), "data/sm-quickstart/CurrencyTypes.json");
    cJSON *settings = settings_json();
    cJSON *all = cJSON_CreateArray();
    for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        cJSON *root = load(shared_dir(), files[f]);
        cJSON *recs = cJSON_DetachItemFromObject(root, "records");
        while (cJSON_GetArraySize(recs) > 0)
            cJSON_AddItemToArray(all, cJSON_DetachItemFromArray(recs, 0));
        cJSON_Delete(recs);
        cJSON_Delete(root);
    }
    int n = cJSON_GetArraySize(all);
    assert_true(n >= 100);
    struct built *b = calloc((size_t)n, sizeof(*b));
    assert_non_null(b);
    for (int i = 0; i < n; i++)
        build(cJSON_GetArrayItem(all, i), (unsigned)i, types, &b[i]);
    struct tally t = {0};
    for (int start = 0; start < n; start += 20) {
        cJSON *page = cJSON_CreateArray();
        for (int i = start; i < n && i < start + 20; i++)
            cJSON_AddItemReferenceToArray(page, cJSON_GetArrayItem(all, i));
        long status = 0;
        cJSON *answer = call(page, settings, &status);
        if (status != 200) {
            char *text = cJSON_PrintUnformatted(answer);
            fail_msg("page at %d answered %ld: %s", start, status, text);
        }
        assert_int_equal(cJSON_GetArraySize(answer), cJSON_GetArraySize(page));
        for (int i = start; i < n && i < start + 20; i++)
            check(&b[i], cJSON_GetArrayItem(answer, i - start), types, &t);
        cJSON_Delete(answer);
        cJSON_Delete(page);
    }
    fprintf(stderr,
            "sfns real opportunities: %d records, %d mapped (%d converted, %d in yen, %d in "
            "dinars, %d bundle lines), %d with an unmapped product\n",
            n, t.mapped, t.converted, t.zero_places, t.three_places, t.bundles, t.unmapped);
    assert_int_equal(t.mapped + t.unmapped, n);
    assert_true(t.unmapped >= 10);
    assert_true(t.converted >= 50);
    assert_true(t.zero_places >= 10 && t.three_places >= 10);
    assert_true(t.bundles >= 5);
    free(b);
    cJSON_Delete(all);
    cJSON_Delete(settings);
    cJSON_Delete(types);
    for (int i = 0; i < 4; i++)
        cJSON_Delete(catalog_roots[i]);
}

/* ---- docs/sfns-settings.md ------------------------------------------------------------------- */

/* The json blocks of the section starting at `heading`, up to the next "\n## ". */
static int doc_blocks(const char *doc, const char *heading, cJSON **out, int max)
{
    const char *s = strstr(doc, heading);
    if (s == NULL) {
        fail_msg("docs/sfns-settings.md has no section %s", heading);
        return 0;
    }
    const char *end = strstr(s + 1, "\n## ");
    int n = 0;
    while (n < max) {
        const char *b = strstr(s, "```json\n");
        if (b == NULL || (end && b > end))
            break;
        b += 8;
        const char *e = strstr(b, "```");
        assert_non_null(e);
        char *text = strndup(b, (size_t)(e - b));
        out[n] = cJSON_Parse(text);
        if (out[n] == NULL)
            fail_msg("a json block of %s does not parse:\n%s", heading, text);
        free(text);
        n++;
        s = e + 3;
    }
    return n;
}

static char *docs(void)
{
    char path[1024];
    const char *src = getenv("HS_SOURCE_DIR");
    snprintf(path, sizeof(path), "%s/docs/sfns-settings.md", src ? src : ".");
    return slurp(path);
}

static void test_docs_example(void **state)
{
    (void)state;
    char *doc = docs();
    cJSON *blocks[3];
    assert_int_equal(doc_blocks(doc, "## Opportunities → Sales Orders", blocks, 3), 3);
    cJSON *data = cJSON_CreateArray();
    cJSON_AddItemReferenceToArray(data, blocks[1]);
    long status = 0;
    cJSON *answer = call(data, blocks[0], &status);
    assert_int_equal(status, 200);
    if (!cJSON_Compare(cJSON_GetArrayItem(answer, 0), blocks[2], 1)) {
        char *got = cJSON_Print(cJSON_GetArrayItem(answer, 0));
        fail_msg("the documented example answers\n%s", got);
    }
    cJSON_Delete(answer);
    cJSON_Delete(data);
    for (int i = 0; i < 3; i++)
        cJSON_Delete(blocks[i]);
    free(doc);
}

static void test_docs_settings_examples(void **state)
{
    (void)state;
    char *doc = docs();
    cJSON *opp[3];
    assert_int_equal(doc_blocks(doc, "## Opportunities → Sales Orders", opp, 3), 3);
    static const char *const sections[] = {"## Currency: ", "## Catalog: "};
    for (int s = 0; s < 2; s++) {
        cJSON *blocks[1];
        assert_int_equal(doc_blocks(doc, sections[s], blocks, 1), 1);
        /* The example record with the one product both examples know. */
        cJSON *rec = cJSON_Duplicate(opp[1], 1);
        cJSON_ReplaceItemInObject(rec, "CurrencyIsoCode", cJSON_CreateString("USD"));
        cJSON_ReplaceItemInObject(rec, "Amount", cJSON_CreateNumber(20));
        cJSON *lines =
            cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "OpportunityLineItems"), "records");
        while (cJSON_GetArraySize(lines) > 1)
            cJSON_DeleteItemFromArray(lines, 1);
        cJSON *l = cJSON_GetArrayItem(lines, 0);
        cJSON_ReplaceItemInObject(l, "Discount", cJSON_CreateNull());
        cJSON_ReplaceItemInObject(l, "UnitPrice", cJSON_CreateNumber(10));
        cJSON *p2 = cJSON_GetObjectItem(cJSON_GetObjectItem(l, "PricebookEntry"), "Product2");
        cJSON_ReplaceItemInObject(p2, "ProductCode", cJSON_CreateString("pb-762gh"));
        cJSON *settings = cJSON_Duplicate(blocks[0], 1);
        if (s == 0)
            cJSON_AddItemToObject(cJSON_GetObjectItem(settings, "sfns"), "catalog",
                                  cJSON_Parse("{\"items\": {\"PB762GH\": \"1043\"}}"));
        cJSON *data = cJSON_CreateArray();
        cJSON_AddItemToArray(data, rec);
        long status = 0;
        cJSON *answer = call(data, settings, &status);
        char *text = cJSON_PrintUnformatted(answer);
        if (status != 200 || cJSON_GetObjectItem(cJSON_GetArrayItem(answer, 0), "data") == NULL)
            fail_msg("the %s example: %ld %s", sections[s], status, text);
        free(text);
        cJSON_Delete(answer);
        cJSON_Delete(data);
        cJSON_Delete(settings);
        cJSON_Delete(blocks[0]);
    }
    for (int i = 0; i < 3; i++)
        cJSON_Delete(opp[i]);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_opportunities),
        cmocka_unit_test(test_docs_example),
        cmocka_unit_test(test_docs_settings_examples),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
