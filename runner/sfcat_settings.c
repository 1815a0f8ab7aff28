/* sfcat_settings.c — reads settings.sfns.catalog for `hookstack sfns catalog` (sfcat.h): the
 * normalisation rules the proposals use, the explicit map (taken as decided), the fields, and what
 * is carried into the written settings. The checks are the order hooks' (docs/sfns-settings.md,
 * "Catalog"), so a file the command accepts is one the hooks accept. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sfcat.h"

#define SECTION "settings.sfns.catalog"

static const char *const KEYS[] = {"normalise",        "items",       "map",          "bundles",
                                   "productCodeField", "itemIdField", "roundingItem", NULL};
static const char *const NORMALISE_KEYS[] = {"case",
                                             "removeCharacters",
                                             "stripPrefixes",
                                             "stripSuffixes",
                                             "stripParent",
                                             "stripLeadingZeros",
                                             NULL};

static int known(const char *const *keys, const char *k)
{
    for (; *keys; keys++)
        if (strcmp(*keys, k) == 0)
            return 1;
    return 0;
}

static const struct json_value *get(const struct json_value *o, const char *k)
{
    const struct json_value *v = json_object_get(o, k, strlen(k));
    return v && v->type != JSON_NULL ? v : NULL;
}

static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open", path);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        if (cap >= (64u << 20)) {
            snprintf(err, errlen, "%s: larger than 64 MB", path);
            free(buf);
            fclose(f);
            return NULL;
        }
        char *nb = realloc(buf, cap * 2);
        if (!nb)
            free(buf);
        buf = nb;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        snprintf(err, errlen, "%s: %s", path, buf ? "read error" : "out of memory");
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* An array of affixes, normalised as the hook does (sfns_sku_affix); NULL on an error. */
static const char *const *affixes(struct arena *a, const sfns_sku_rules *r,
                                  const struct json_value *arr, size_t *n, const char *key,
                                  char *err, size_t errlen, const char *path)
{
    static const char *const none[1] = {NULL};
    *n = 0;
    if (!arr)
        return none;
    if (arr->type != JSON_ARRAY) {
        snprintf(err, errlen, "%s: " SECTION ".normalise.%s: must be an array of strings", path,
                 key);
        return NULL;
    }
    const char **out = arena_alloc(a, (arr->len + 1) * sizeof(*out));
    for (uint32_t i = 0; out && i < arr->len; i++) {
        const struct json_value *v = arr->u.items[i];
        char *norm = v->type == JSON_STRING ? arena_alloc(a, v->len + 1) : NULL;
        if (!norm || sfns_sku_affix(r, v->u.str, v->len, norm) == 0) {
            snprintf(err, errlen,
                     "%s: " SECTION ".normalise.%s: element %u must be text that the rules leave "
                     "non-empty",
                     path, key, i);
            return NULL;
        }
        out[i] = norm;
    }
    if (!out) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    *n = arr->len;
    return out;
}

static int read_rules(struct arena *a, const struct json_value *nz, sfns_sku_rules *r,
                      const char *path, char *err, size_t errlen)
{
    if (!nz)
        return 0;
    if (nz->type != JSON_OBJECT) {
        snprintf(err, errlen, "%s: " SECTION ".normalise: must be an object", path);
        return -1;
    }
    for (uint32_t i = 0; i < nz->len; i++)
        if (!known(NORMALISE_KEYS, nz->u.members[i].key)) {
            snprintf(err, errlen, "%s: " SECTION ".normalise.%s: unknown key", path,
                     nz->u.members[i].key);
            return -1;
        }
    const struct json_value *v;
    if ((v = get(nz, "case"))) {
        if (v->type == JSON_STRING && strcmp(v->u.str, "upper") == 0)
            r->fold = SFNS_SKU_UPPER;
        else if (v->type == JSON_STRING && strcmp(v->u.str, "lower") == 0)
            r->fold = SFNS_SKU_LOWER;
        else if (v->type == JSON_STRING && strcmp(v->u.str, "exact") == 0)
            r->fold = SFNS_SKU_EXACT;
        else {
            snprintf(err, errlen,
                     "%s: " SECTION ".normalise.case: must be \"upper\", \"lower\" or \"exact\"",
                     path);
            return -1;
        }
    }
    if ((v = get(nz, "removeCharacters"))) {
        if (v->type != JSON_STRING) {
            snprintf(err, errlen, "%s: " SECTION ".normalise.removeCharacters: must be a string",
                     path);
            return -1;
        }
        r->remove = v->u.str;
    }
    const char *flags[] = {"stripParent", "stripLeadingZeros"};
    int *dest[] = {&r->strip_parent, &r->strip_leading_zeros};
    for (int i = 0; i < 2; i++)
        if ((v = get(nz, flags[i]))) {
            if (v->type != JSON_TRUE && v->type != JSON_FALSE) {
                snprintf(err, errlen, "%s: " SECTION ".normalise.%s: must be true or false", path,
                         flags[i]);
                return -1;
            }
            *dest[i] = v->type == JSON_TRUE;
        }
    r->prefixes =
        affixes(a, r, get(nz, "stripPrefixes"), &r->nprefixes, "stripPrefixes", err, errlen, path);
    if (!r->prefixes)
        return -1;
    r->suffixes =
        affixes(a, r, get(nz, "stripSuffixes"), &r->nsuffixes, "stripSuffixes", err, errlen, path);
    return r->suffixes ? 0 : -1;
}

static int field(const struct json_value *sec, const char *key, const char **out, const char *path,
                 char *err, size_t errlen)
{
    const struct json_value *v = get(sec, key);
    if (!v)
        return 0;
    if (v->type != JSON_STRING || v->len == 0) {
        snprintf(err, errlen, "%s: " SECTION ".%s: must name a field (a non-empty string)", path,
                 key);
        return -1;
    }
    *out = v->u.str;
    return 0;
}

/* An object whose values are ids (strings or integers). */
static int id_map(const struct json_value *sec, const char *key, const struct json_value **out,
                  const char *path, char *err, size_t errlen)
{
    const struct json_value *v = get(sec, key);
    if (!v)
        return 0;
    if (v->type != JSON_OBJECT) {
        snprintf(err, errlen, "%s: " SECTION ".%s: must be an object", path, key);
        return -1;
    }
    for (uint32_t i = 0; i < v->len; i++) {
        const struct json_value *id = v->u.members[i].value;
        if (!((id->type == JSON_STRING && id->len > 0) ||
              (id->type == JSON_NUMBER && id->u.num == (double)(long long)id->u.num))) {
            snprintf(err, errlen,
                     "%s: " SECTION ".%s: the value of \"%s\" must be a non-empty string or an "
                     "integer",
                     path, key, v->u.members[i].key);
            return -1;
        }
    }
    *out = v;
    return 0;
}

int sfcat_settings_read(struct arena *a, const char *path, struct sfcat_settings *cs, char *err,
                        size_t errlen)
{
    memset(cs, 0, sizeof(*cs));
    catmatch_options_default(&cs->opts);
    cs->product_code_field = "ProductCode";
    if (!path)
        return 0;
    size_t len = 0;
    char *text = read_file(path, &len, err, errlen);
    if (!text)
        return -1;
    struct json_error je;
    struct json_value *root = json_parse(a, text, len, NULL, &je);
    free(text);
    if (!root) {
        snprintf(err, errlen, "%s:%u:%u: %s", path, je.line, je.column, je.message);
        return -1;
    }
    const struct json_value *sec = root;
    if (root->type == JSON_OBJECT && get(root, "sfns")) {
        const struct json_value *sfns = get(root, "sfns");
        if (sfns->type != JSON_OBJECT) {
            snprintf(err, errlen, "%s: settings.sfns: must be an object", path);
            return -1;
        }
        sec = get(sfns, "catalog");
    } else if (root->type == JSON_OBJECT && get(root, "catalog")) {
        sec = get(root, "catalog");
    }
    if (!sec)
        return 0;
    if (sec->type != JSON_OBJECT) {
        snprintf(err, errlen, "%s: " SECTION ": must be an object", path);
        return -1;
    }
    for (uint32_t i = 0; i < sec->len; i++)
        if (!known(KEYS, sec->u.members[i].key)) {
            snprintf(err, errlen,
                     "%s: " SECTION ".%s: unknown key (known keys: see docs/sfns-settings.md)",
                     path, sec->u.members[i].key);
            return -1;
        }
    cs->normalise = get(sec, "normalise");
    if (read_rules(a, cs->normalise, &cs->opts.rules, path, err, errlen) != 0 ||
        field(sec, "productCodeField", &cs->product_code_field, path, err, errlen) != 0 ||
        field(sec, "itemIdField", &cs->item_id_field, path, err, errlen) != 0 ||
        id_map(sec, "map", &cs->map, path, err, errlen) != 0)
        return -1;
    const struct json_value *ri = get(sec, "roundingItem");
    if (ri) {
        if (ri->type != JSON_STRING && ri->type != JSON_NUMBER) {
            snprintf(err, errlen, "%s: " SECTION ".roundingItem: must be an id", path);
            return -1;
        }
        char num[JSON_NUMBER_MAX];
        if (ri->type == JSON_NUMBER)
            json_number_format(ri->u.num, num);
        cs->rounding_item = arena_strndup(a, ri->type == JSON_STRING ? ri->u.str : num,
                                          ri->type == JSON_STRING ? ri->len : strlen(num));
    }
    const struct json_value *b = get(sec, "bundles");
    if (b && b->type != JSON_OBJECT) {
        snprintf(err, errlen, "%s: " SECTION ".bundles: must be an object", path);
        return -1;
    }
    cs->bundles = b;
    return 0;
}
