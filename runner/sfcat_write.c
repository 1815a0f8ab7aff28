/* sfcat_write.c — `hookstack sfns catalog`'s settings and review outputs (sfcat.h): the catalog
 * settings with only accepted mappings, written canonically (sorted keys, stable layout) so the
 * same decisions give the same bytes and a change diffs as the lines it changes; and the review
 * CSV, the file a reviewer fills in and gives back with --accept. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sfcat.h"
#include "sfns_export.h"

/* ---- canonical JSON ----------------------------------------------------------------------------
 */

static int put(struct json_buf *b, const char *s)
{
    return json_buf_append(b, s, strlen(s));
}

static int indent(struct json_buf *b, int depth)
{
    for (int i = 0; i < depth; i++)
        if (put(b, "  ") != 0)
            return -1;
    return 0;
}

static int key_cmp(const void *x, const void *y)
{
    const struct json_member *a = *(const struct json_member *const *)x,
                             *b = *(const struct json_member *const *)y;
    uint32_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int c = memcmp(a->key, b->key, n);
    return c ? c : (a->key_len > b->key_len) - (a->key_len < b->key_len);
}

static int is_scalar(const struct json_value *v)
{
    return v->type != JSON_ARRAY && v->type != JSON_OBJECT;
}

/* Small: a scalar, or an object or array of scalars (written on one line). */
static int is_small(const struct json_value *v)
{
    if (is_scalar(v))
        return 1;
    for (uint32_t i = 0; i < v->len; i++)
        if (!is_scalar(v->type == JSON_ARRAY ? v->u.items[i] : v->u.members[i].value))
            return 0;
    return 1;
}

static int write_key(struct json_buf *b, const struct json_member *m)
{
    struct json_value k = {.type = JSON_STRING, .len = m->key_len, .u.str = m->key};
    return json_write(b, &k, 0, NULL) == 0 && put(b, ": ") == 0 ? 0 : -1;
}

/* Objects are one entry a line (so a mapping diffs as one line), except an object of scalars
 * inside an array (a bundle component); arrays of scalars stay on one line. */
static int canon(struct json_buf *b, const struct json_value *v, int depth, int in_array)
{
    if (is_scalar(v))
        return json_write(b, v, 0, NULL) == 0 ? 0 : -1;
    if (v->len == 0)
        return put(b, v->type == JSON_ARRAY ? "[]" : "{}");
    int inline_ = is_small(v) && (v->type == JSON_ARRAY || in_array);
    const char *sep = inline_ ? ", " : ",\n";
    if (put(b, v->type == JSON_ARRAY ? "[" : "{") != 0 || (!inline_ && put(b, "\n") != 0))
        return -1;
    if (v->type == JSON_ARRAY) {
        for (uint32_t i = 0; i < v->len; i++) {
            if ((i && put(b, sep) != 0) || (!inline_ && indent(b, depth + 1) != 0) ||
                canon(b, v->u.items[i], depth + 1, 1) != 0)
                return -1;
        }
    } else {
        const struct json_member **m = malloc(v->len * sizeof(*m));
        if (!m)
            return -1;
        for (uint32_t i = 0; i < v->len; i++)
            m[i] = &v->u.members[i];
        qsort(m, v->len, sizeof(*m), key_cmp);
        int rc = 0;
        for (uint32_t i = 0; i < v->len && rc == 0; i++)
            rc = (i && put(b, sep) != 0) || (!inline_ && indent(b, depth + 1) != 0) ||
                         write_key(b, m[i]) != 0 || canon(b, m[i]->value, depth + 1, 0) != 0
                     ? -1
                     : 0;
        free(m);
        if (rc != 0)
            return -1;
    }
    if ((!inline_ && (put(b, "\n") != 0 || indent(b, depth) != 0)) ||
        put(b, v->type == JSON_ARRAY ? "]" : "}") != 0)
        return -1;
    return 0;
}

int sfcat_json_canonical(struct json_buf *out, const struct json_value *v)
{
    return canon(out, v, 0, 0) == 0 && put(out, "\n") == 0 ? 0 : -1;
}

/* ---- settings ----------------------------------------------------------------------------------
 */

struct builder {
    struct arena *a;
    const struct catmatch_set *set;
    struct json_value *items, *map, *bundles;
    struct sfns_map *item_keys, *map_keys, *bundle_keys; /* normalised key -> id (or bundle) */
    struct sfcat_written *w;
};

static char *key_of(struct builder *b, const char *text)
{
    char *k = arena_alloc(b->a, strlen(text) + 1);
    if (k && catmatch_key(b->set, text, k) == 0)
        return NULL;
    return k;
}

static int set_str(struct arena *a, struct json_value *o, const char *k, const char *v)
{
    struct json_value *s = json_new_string(a, v, strlen(v));
    return s ? json_object_set(a, o, k, strlen(k), s) : -1;
}

static double rounded(double w)
{
    return round(w * 1e6) / 1e6;
}

static struct json_value *component(struct arena *a, const char *item, double qty, double weight)
{
    struct json_value *c = json_new_object(a), *q, *w;
    if (!c || set_str(a, c, "item", item) != 0 || !(q = json_new_number(a, rounded(qty))) ||
        json_object_set(a, c, "quantity", 8, q) != 0 ||
        !(w = json_new_number(a, rounded(weight))) || json_object_set(a, c, "weight", 6, w) != 0)
        return NULL;
    return c;
}

/* bundles[code] = {components}: from a proposal's parts, or an item group's members. */
static int add_bundle(struct builder *b, const char *code, const char *key,
                      const struct catmatch_proposal *pr, const struct catmatch_item *group)
{
    if (sfns_map_get(b->bundle_keys, key) || sfns_map_get(b->map_keys, key)) {
        b->w->skipped++;
        return 0;
    }
    struct json_value *arr = json_new_array(b->a), *obj = json_new_object(b->a);
    if (!arr || !obj || json_object_set(b->a, obj, "components", 10, arr) != 0)
        return -1;
    if (group) {
        /* Weights: the members' own prices in the group's first currency, else equal shares. */
        int priced = 1;
        double *w = calloc(group->nmembers ? group->nmembers : 1, sizeof(*w));
        if (!w)
            return -1;
        for (size_t m = 0; m < group->nmembers; m++) {
            long mi = catmatch_find_item(b->set, group->members[m].item);
            const struct catmatch_item *mit = mi >= 0 ? catmatch_item(b->set, (size_t)mi) : NULL;
            int has = 0;
            for (size_t k = 0; mit && k < mit->nprices && !has; k++)
                if (mit->prices[k].amount >= 0 &&
                    (!group->nprices ||
                     !strcmp(mit->prices[k].currency, group->prices[0].currency)))
                    w[m] = mit->prices[k].amount * group->members[m].quantity, has = 1;
            priced &= has;
        }
        int rc = 0;
        for (size_t m = 0; m < group->nmembers && rc == 0; m++) {
            struct json_value *c = component(b->a, group->members[m].item,
                                             group->members[m].quantity, priced ? w[m] : 1);
            rc = c ? json_array_push(b->a, arr, c) : -1;
        }
        free(w);
        if (rc != 0)
            return -1;
    } else {
        for (size_t i = 0; i < pr->nparts; i++) {
            const struct catmatch_item *it = catmatch_item(b->set, pr->parts[i].item);
            struct json_value *c =
                component(b->a, it->id, pr->parts[i].quantity, pr->parts[i].weight);
            if (!c || json_array_push(b->a, arr, c) != 0)
                return -1;
        }
    }
    if (json_object_set(b->a, b->bundles, code, strlen(code), obj) != 0 ||
        sfns_map_put(b->bundle_keys, key, obj) != 0)
        return -1;
    b->w->bundles++;
    return 0;
}

static int add_single(struct builder *b, const char *code, const char *key,
                      const struct catmatch_item *it)
{
    if (sfns_map_get(b->bundle_keys, key)) {
        b->w->skipped++;
        return 0;
    }
    struct json_value *id = json_new_string(b->a, it->id, strlen(it->id));
    if (!id)
        return -1;
    /* Through the rules (items) when the item's name normalises to the code's key. */
    char *ikey = it->itemid ? key_of(b, it->itemid) : NULL;
    if (ikey && strcmp(ikey, key) == 0) {
        const struct json_value *have = sfns_map_get(b->item_keys, key);
        if (have)
            return 0; /* the same key already leads to an item (the first accepted one) */
        if (json_object_set(b->a, b->items, it->itemid, strlen(it->itemid), id) != 0 ||
            sfns_map_put(b->item_keys, key, id) != 0)
            return -1;
        b->w->items++;
        return 0;
    }
    const struct json_value *have = sfns_map_get(b->map_keys, key);
    if (have) {
        if (strcmp(have->u.str, it->id) != 0)
            b->w->skipped++;
        return 0;
    }
    if (json_object_set(b->a, b->map, code, strlen(code), id) != 0 ||
        sfns_map_put(b->map_keys, key, id) != 0)
        return -1;
    b->w->map++;
    return 0;
}

static int build(struct builder *b, const struct sfcat_settings *cs)
{
    const struct catmatch_set *set = b->set;
    /* Carried over: the settings' bundles, and map entries for codes no product has. */
    for (uint32_t i = 0; cs->bundles && i < cs->bundles->len; i++) {
        const struct json_member *m = &cs->bundles->u.members[i];
        char *key = key_of(b, m->key);
        struct json_value *v = json_clone(b->a, m->value);
        if (!key || !v)
            continue;
        if (json_object_set(b->a, b->bundles, m->key, m->key_len, v) != 0 ||
            sfns_map_put(b->bundle_keys, key, v) != 0)
            return -1;
        b->w->carried++;
    }
    struct sfns_map *product_keys = sfns_map_new(catmatch_count_products(set));
    if (!product_keys)
        return -1;
    struct json_value *one = json_new_null(b->a);
    for (size_t i = 0; i < catmatch_count_products(set); i++) {
        const char *code = catmatch_product(set, i)->code;
        char *key = code ? key_of(b, code) : NULL;
        if (key && sfns_map_put(product_keys, key, one) != 0) {
            sfns_map_free(product_keys);
            return -1;
        }
    }
    for (uint32_t i = 0; cs->map && i < cs->map->len; i++) {
        const struct json_member *m = &cs->map->u.members[i];
        char *key = key_of(b, m->key);
        if (!key || sfns_map_get(product_keys, key) || sfns_map_get(b->bundle_keys, key))
            continue;
        struct json_value *v = json_clone(b->a, m->value);
        char num[JSON_NUMBER_MAX];
        if (v && v->type == JSON_NUMBER) {
            json_number_format(v->u.num, num);
            v = json_new_string(b->a, num, strlen(num));
        }
        if (!v || json_object_set(b->a, b->map, m->key, m->key_len, v) != 0 ||
            sfns_map_put(b->map_keys, key, v) != 0) {
            sfns_map_free(product_keys);
            return -1;
        }
        b->w->carried++;
    }
    sfns_map_free(product_keys);
    for (size_t i = 0; i < catmatch_count_products(set); i++) {
        const struct catmatch_proposal *pr = catmatch_proposal(set, i);
        const struct catmatch_product *p = catmatch_product(set, i);
        if (pr->status != CATMATCH_ACCEPTED)
            continue;
        char *key = p->code ? key_of(b, p->code) : NULL;
        if (!key) {
            /* Without a code the hook finds it only by the stored id (itemIdField). */
            if (pr->method != CATMATCH_M_STORED_ID)
                b->w->skipped++;
            continue;
        }
        const struct catmatch_item *it =
            pr->item >= 0 ? catmatch_item(set, (size_t)pr->item) : NULL;
        int rc;
        if (pr->nparts)
            rc = add_bundle(b, p->code, key, pr, NULL);
        else if (it && it->type == CATMATCH_ITEM_GROUP && it->nmembers)
            rc = add_bundle(b, p->code, key, pr, it);
        else
            rc = it ? add_single(b, p->code, key, it) : 0;
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int write_text(const char *path, const char *data, size_t len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot create", path);
        return -1;
    }
    size_t n = fwrite(data, 1, len, f);
    if (fclose(f) != 0 || n != len) {
        snprintf(err, errlen, "%s: write failed", path);
        return -1;
    }
    return 0;
}

int sfcat_write_settings(const char *path, const struct catmatch_set *set,
                         const struct sfcat_settings *cs, struct sfcat_written *w, char *err,
                         size_t errlen)
{
    memset(w, 0, sizeof(*w));
    struct arena *a = arena_new(1 << 20, 0);
    struct builder b = {.a = a, .set = set, .w = w};
    size_t n = catmatch_count_products(set) + 16;
    b.item_keys = sfns_map_new(n);
    b.map_keys = sfns_map_new(n);
    b.bundle_keys = sfns_map_new(n);
    struct json_buf out;
    json_buf_init(&out, 0);
    int rc = -1;
    struct json_value *root, *sfns, *cat;
    if (!a || !b.item_keys || !b.map_keys || !b.bundle_keys || !(root = json_new_object(a)) ||
        !(sfns = json_new_object(a)) || !(cat = json_new_object(a)) ||
        !(b.items = json_new_object(a)) || !(b.map = json_new_object(a)) ||
        !(b.bundles = json_new_object(a)) || json_object_set(a, root, "sfns", 4, sfns) != 0 ||
        json_object_set(a, sfns, "catalog", 7, cat) != 0 || build(&b, cs) != 0)
        goto nomem;
    if ((b.items->len && json_object_set(a, cat, "items", 5, b.items) != 0) ||
        (b.map->len && json_object_set(a, cat, "map", 3, b.map) != 0) ||
        (b.bundles->len && json_object_set(a, cat, "bundles", 7, b.bundles) != 0) ||
        (cs->normalise && json_object_set(a, cat, "normalise", 9, json_clone(a, cs->normalise))) ||
        (strcmp(cs->product_code_field, "ProductCode") != 0 &&
         set_str(a, cat, "productCodeField", cs->product_code_field) != 0) ||
        (cs->item_id_field && set_str(a, cat, "itemIdField", cs->item_id_field) != 0) ||
        (cs->rounding_item && set_str(a, cat, "roundingItem", cs->rounding_item) != 0) ||
        sfcat_json_canonical(&out, root) != 0)
        goto nomem;
    rc = write_text(path, out.data, out.len, err, errlen);
    goto done;
nomem:
    snprintf(err, errlen, "%s: out of memory", path);
done:
    json_buf_free(&out);
    sfns_map_free(b.item_keys);
    sfns_map_free(b.map_keys);
    sfns_map_free(b.bundle_keys);
    arena_free(a);
    return rc;
}

/* ---- review CSV
 * ---------------------------------------------------------------------------------- */

/* One CSV field (RFC 4180); line breaks inside become " | " so a row stays one line. */
static void csv_field(FILE *f, const char *s, int last)
{
    if (!s)
        s = "";
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '\n')
        n--;
    int quote = 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    quote |= n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    if (quote)
        fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            fputc('"', f);
        if (s[i] == '\n')
            fputs(" | ", f);
        else if (s[i] != '\r')
            fputc(s[i], f);
    }
    if (quote)
        fputc('"', f);
    fputc(last ? '\n' : ',', f);
}

int sfcat_write_review(const char *path, const struct catmatch_set *set, int all, size_t *rows,
                       char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot create", path);
        return -1;
    }
    fputs("product_id,product_code,product_name,status,method,confidence,netsuite_id,"
          "netsuite_item,candidates,conflicts,details,evidence,decision,map_to\n",
          f);
    *rows = 0;
    char conf[32];
    for (size_t i = 0; i < catmatch_count_products(set); i++) {
        const struct catmatch_proposal *pr = catmatch_proposal(set, i);
        if (!all && pr->status != CATMATCH_REVIEW && pr->status != CATMATCH_UNMATCHED)
            continue;
        const struct catmatch_product *p = catmatch_product(set, i);
        const struct catmatch_item *it =
            pr->item >= 0 ? catmatch_item(set, (size_t)pr->item) : NULL;
        char kinds[160] = "", cands[512] = "";
        for (unsigned c = 0; c < CATMATCH_NCONFLICTS; c++)
            if (pr->conflicts & (1u << c)) {
                size_t l = strlen(kinds);
                snprintf(kinds + l, sizeof(kinds) - l, "%s%s", l ? " " : "",
                         catmatch_conflict_name(1u << c));
            }
        for (size_t c = 0; c < pr->ncandidates; c++) {
            size_t l = strlen(cands);
            snprintf(cands + l, sizeof(cands) - l, "%s%s", c ? "|" : "",
                     catmatch_item(set, pr->candidates[c])->id);
        }
        if (pr->nparts) {
            for (size_t c = 0; c < pr->nparts; c++) {
                size_t l = strlen(cands);
                snprintf(cands + l, sizeof(cands) - l, "%s%s*%g",
                         c ? "|" : "bundle:", catmatch_item(set, pr->parts[c].item)->id,
                         pr->parts[c].quantity);
            }
        }
        snprintf(conf, sizeof(conf), "%.2f", pr->confidence);
        csv_field(f, p->id, 0);
        csv_field(f, p->code, 0);
        csv_field(f, p->name, 0);
        csv_field(f, catmatch_status_name(pr->status), 0);
        csv_field(f, pr->method ? catmatch_method_name(pr->method) : "", 0);
        csv_field(f, conf, 0);
        csv_field(f, it ? it->id : "", 0);
        csv_field(f, it ? (it->itemid ? it->itemid : it->name) : "", 0);
        csv_field(f, cands, 0);
        csv_field(f, kinds, 0);
        csv_field(f, pr->conflict_text, 0);
        csv_field(f, pr->evidence, 0);
        csv_field(f, "", 0);
        csv_field(f, "", 1);
        (*rows)++;
    }
    if (fclose(f) != 0) {
        snprintf(err, errlen, "%s: write failed", path);
        return -1;
    }
    return 0;
}
