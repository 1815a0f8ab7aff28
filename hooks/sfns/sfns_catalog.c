/* sfns_catalog.c — settings.sfns.catalog: NetSuite items by normalised name, the explicit map,
 * bundles, and resolving a Salesforce product (see sfns_catalog.h; the SKU normalisation itself is
 * lib/sfns_catalog/sfns_sku.c, shared with `hookstack sfns catalog`). */
#include "sfns_catalog.h"

#include <stdlib.h>
#include <string.h>

static const char *const keys[] = {
    "normalise", "items", "map", "bundles", "productCodeField", "itemIdField", "roundingItem", NULL,
};
static const char *const normalise_keys[] = {
    "case",
    "removeCharacters",
    "stripPrefixes",
    "stripSuffixes",
    "stripParent",
    "stripLeadingZeros",
    NULL,
};
static const char *const bundle_keys[] = {"components", NULL};
static const char *const component_keys[] = {"item", "quantity", "weight", "description", NULL};
static const char *const cases[] = {"upper", "lower", "exact", NULL};

/* text normalised, as an arena string (NULL past the memory limit). */
static const char *key_of(hs_ctx *ctx, const sfns_sku_rules *r, const char *text)
{
    size_t len = strlen(text);
    char *out = sfns_api->alloc(ctx, len + 1);
    if (out != NULL)
        sfns_sku_normalise(r, text, len, out);
    return out;
}

/* ---- settings ------------------------------------------------------------------------------ */

/* An array of strings, normalised as affixes. */
static const char *const *affixes(sfns_conf *c, const sfns_sku_rules *r, const char *key,
                                  size_t *count)
{
    *count = 0;
    const hs_json *arr = sfns_conf_typed(c, key, HS_JSON_ARRAY);
    size_t n = sfns_api->json_len(arr);
    if (arr == NULL || n == 0)
        return NULL;
    const char **out = sfns_api->alloc(c->ctx, n * sizeof(char *));
    if (out == NULL) {
        sfns_conf_invalid(c, key, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const hs_json *v = sfns_api->json_at(arr, i);
        const char *s = sfns_api->json_string(c->ctx, v, &len, NULL);
        char *norm = s ? sfns_api->alloc(c->ctx, len + 1) : NULL;
        if (s == NULL || norm == NULL || sfns_sku_affix(r, s, len, norm) == 0) {
            sfns_conf_invalid(c, key,
                              "element %zu must be text that the rules leave non-empty (it is "
                              "compared after case folding and removeCharacters)",
                              i);
            return NULL;
        }
        out[i] = norm;
    }
    *count = n;
    return out;
}

static void read_rules(sfns_conf *parent, sfns_sku_rules *r)
{
    sfns_conf c;
    sfns_conf_open_child(&c, parent, "normalise", normalise_keys);
    const char *fold_name = sfns_conf_enum(&c, "case", cases, "upper");
    r->fold = fold_name[0] == 'u'   ? SFNS_SKU_UPPER
              : fold_name[0] == 'l' ? SFNS_SKU_LOWER
                                    : SFNS_SKU_EXACT;
    r->remove = sfns_conf_string(&c, "removeCharacters", " -_./");
    r->strip_parent = sfns_conf_bool(&c, "stripParent", 1);
    r->strip_leading_zeros = sfns_conf_bool(&c, "stripLeadingZeros", 0);
    r->prefixes = affixes(&c, r, "stripPrefixes", &r->nprefixes);
    r->suffixes = affixes(&c, r, "stripSuffixes", &r->nsuffixes);
    sfns_conf_merge(parent, &c);
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const sfns_catalog_entry *)a)->key, ((const sfns_catalog_entry *)b)->key);
}

/* By key, then as configured (so a message naming two of them is the same on every run). */
static int entry_sort_cmp(const void *a, const void *b)
{
    int c = entry_cmp(a, b);
    return c ? c
             : strcmp(((const sfns_catalog_entry *)a)->raw, ((const sfns_catalog_entry *)b)->raw);
}

/* Sorts an index and refuses two names with one key. */
static void index_finish(sfns_conf *c, const char *key, sfns_catalog_index *ix)
{
    if (ix->n > 1)
        qsort(ix->e, ix->n, sizeof(*ix->e), entry_sort_cmp);
    for (size_t i = 1; i < ix->n; i++)
        if (strcmp(ix->e[i - 1].key, ix->e[i].key) == 0) {
            sfns_conf_invalid(c, key,
                              "\"%s\" and \"%s\" both normalise to \"%s\", so the SKU rules "
                              "cannot tell them apart: keep one, or change settings.sfns.catalog."
                              "normalise",
                              ix->e[i - 1].raw, ix->e[i].raw, ix->e[i].key);
            return;
        }
}

/* Opens an object setting whose keys are product codes or item names; fills the index keys. */
static const hs_json *index_start(sfns_conf *c, const sfns_sku_rules *r, const char *key,
                                  sfns_catalog_index *ix)
{
    const hs_json *m = sfns_conf_typed(c, key, HS_JSON_OBJECT);
    size_t n = sfns_api->json_len(m);
    if (m == NULL || n == 0)
        return NULL;
    ix->e = sfns_api->alloc(c->ctx, n * sizeof(*ix->e));
    if (ix->e == NULL) {
        sfns_conf_invalid(c, key, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const char *k = sfns_api->json_key_at(m, i, &len);
        const char *raw = sfns_api->strdup(c->ctx, k);
        const char *norm = raw ? key_of(c->ctx, r, raw) : NULL;
        if (norm == NULL || norm[0] == '\0' || strlen(raw) != len) {
            sfns_conf_invalid(c, key, "key \"%.*s\" is empty once normalised", (int)len, k);
            return NULL;
        }
        ix->e[i] = (sfns_catalog_entry){.key = norm, .raw = raw};
    }
    ix->n = n;
    return m;
}

static void read_id_index(sfns_conf *c, const sfns_sku_rules *r, const char *key,
                          sfns_catalog_index *ix)
{
    if (sfns_conf_id_map(c, key) == NULL)
        return;
    const hs_json *m = index_start(c, r, key, ix);
    for (size_t i = 0; m != NULL && i < ix->n; i++)
        ix->e[i].id = sfns_id_text(c->ctx, sfns_api->json_value_at(m, i));
    index_finish(c, key, ix);
}

static void read_component(sfns_conf *c, sfns_bundle_component *comp)
{
    comp->item = sfns_conf_id(c, "item", NULL);
    if (c->error == NULL && comp->item == NULL)
        sfns_conf_invalid(c, "item", "is required: the NetSuite item's internal id");
    comp->quantity = HS_DECIMAL(1, 0);
    comp->weight = HS_DECIMAL(1, 0);
    if (sfns_conf_decimal(c, "quantity", &comp->quantity) > 0 &&
        sfns_api->decimal_sign(comp->quantity) <= 0)
        sfns_conf_invalid(c, "quantity", "must be above zero");
    if (sfns_conf_decimal(c, "weight", &comp->weight) > 0 &&
        sfns_api->decimal_sign(comp->weight) < 0)
        sfns_conf_invalid(c, "weight", "must be zero or above");
    comp->description = sfns_conf_string(c, "description", NULL);
}

static void read_bundles(sfns_conf *c, const sfns_sku_rules *r, sfns_catalog_index *ix)
{
    const hs_json *m = index_start(c, r, "bundles", ix);
    for (size_t i = 0; m != NULL && i < ix->n && c->error == NULL; i++) {
        sfns_conf b;
        sfns_conf bundles;
        sfns_conf_open_child(&bundles, c, "bundles", NULL);
        sfns_conf_open_value(&b, &bundles, sfns_api->sprintf(c->ctx, "%s", ix->e[i].raw),
                             sfns_api->json_value_at(m, i), bundle_keys);
        const hs_json *arr = sfns_conf_typed(&b, "components", HS_JSON_ARRAY);
        size_t n = sfns_api->json_len(arr);
        if (b.error == NULL && (b.obj == NULL || n == 0))
            sfns_conf_invalid(&b, "components",
                              "is required: a non-empty array of {\"item\", \"quantity\", "
                              "\"weight\"}");
        sfns_bundle *bundle = sfns_api->alloc(c->ctx, sizeof(*bundle));
        if (bundle != NULL && n > 0)
            bundle->components = sfns_api->alloc(c->ctx, n * sizeof(sfns_bundle_component));
        if (b.error == NULL && (bundle == NULL || bundle->components == NULL))
            sfns_conf_invalid(&b, NULL, "out of memory");
        int weighted = 0;
        for (size_t j = 0; j < n && b.error == NULL; j++) {
            sfns_conf comp;
            sfns_conf_open_value(&comp, &b, sfns_api->sprintf(c->ctx, "components[%zu]", j),
                                 sfns_api->json_at(arr, j), component_keys);
            if (comp.error == NULL && comp.obj == NULL)
                sfns_conf_invalid(&comp, NULL,
                                  "must be an object {\"item\", \"quantity\", "
                                  "\"weight\"}");
            else
                read_component(&comp, &bundle->components[j]);
            weighted |= comp.error == NULL && sfns_api->decimal_sign(bundle->components[j].weight);
            sfns_conf_merge(&b, &comp);
        }
        if (b.error == NULL && !weighted)
            sfns_conf_invalid(&b, "components",
                              "weights are all zero: at least one component must carry a share "
                              "of the price");
        sfns_conf_merge(c, &b);
        if (c->error != NULL)
            return;
        bundle->code = ix->e[i].raw;
        bundle->n = n;
        ix->e[i].bundle = bundle;
    }
    if (m != NULL)
        index_finish(c, "bundles", ix);
}

static const sfns_catalog_entry *index_find(const sfns_catalog_index *ix, const char *key)
{
    if (ix->n == 0 || key == NULL)
        return NULL;
    sfns_catalog_entry probe = {.key = key};
    return bsearch(&probe, ix->e, ix->n, sizeof(*ix->e), entry_cmp);
}

static const char *field_name(sfns_conf *c, const char *key, const char *def)
{
    const char *s = sfns_conf_string(c, key, def);
    if (s != NULL && s[0] == '\0') {
        sfns_conf_invalid(c, key, "must name a field (a non-empty string)");
        return def;
    }
    return s;
}

hs_status sfns_catalog_read(hs_ctx *ctx, sfns_catalog *cat)
{
    memset(cat, 0, sizeof(*cat));
    sfns_conf c;
    sfns_conf_open(&c, ctx, "catalog", keys);
    read_rules(&c, &cat->rules);
    if (c.error == NULL)
        read_id_index(&c, &cat->rules, "items", &cat->items);
    if (c.error == NULL)
        read_id_index(&c, &cat->rules, "map", &cat->map);
    if (c.error == NULL)
        read_bundles(&c, &cat->rules, &cat->bundles);
    for (size_t i = 0; c.error == NULL && i < cat->bundles.n; i++) {
        const sfns_catalog_entry *m = index_find(&cat->map, cat->bundles.e[i].key);
        if (m != NULL)
            sfns_conf_invalid(&c, "bundles",
                              "\"%s\" is also in settings.sfns.catalog.map (as \"%s\"): a product "
                              "is either one item or a bundle; remove one of them",
                              cat->bundles.e[i].raw, m->raw);
    }
    cat->product_code_field = field_name(&c, "productCodeField", "ProductCode");
    cat->item_id_field = field_name(&c, "itemIdField", NULL);
    cat->rounding_item = sfns_conf_id(&c, "roundingItem", NULL);
    return sfns_conf_check(&c);
}

sfns_item_kind sfns_catalog_resolve(hs_ctx *ctx, const sfns_catalog *cat, const char *code,
                                    const char *item_id, sfns_item_match *out)
{
    memset(out, 0, sizeof(*out));
    const char *key = code ? key_of(ctx, &cat->rules, code) : NULL;
    out->key = key;
    const sfns_catalog_entry *e = index_find(&cat->bundles, key);
    if (e != NULL) {
        out->bundle = e->bundle;
        out->via = "bundles";
        return SFNS_ITEM_BUNDLE;
    }
    if ((e = index_find(&cat->map, key)) != NULL) {
        out->item = e->id;
        out->via = "map";
        return SFNS_ITEM;
    }
    if (item_id != NULL) {
        out->item = item_id;
        out->via = "itemIdField";
        return SFNS_ITEM;
    }
    if ((e = index_find(&cat->items, key)) != NULL) {
        out->item = e->id;
        out->via = "items";
        return SFNS_ITEM;
    }
    return SFNS_ITEM_UNMAPPED;
}
