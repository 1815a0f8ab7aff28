/* sfcat_read.c — `hookstack sfns catalog`'s readers: Salesforce Product2 (+ PricebookEntry,
 * + bundle definitions) and NetSuite item exports, JSON or CSV, into the catalog matcher
 * (sfcat.h). Field names are read in any case and spacing, as sfns_export.h does. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "sfcat.h"
#include "sfns_export.h"

static const char *const PRODUCT_ID[] = {"id", "attributes.referenceid", NULL};
static const char *const NAME[] = {"name", NULL};
static const char *const ENTRY_PRODUCT[] = {"product2id", "product2.id", "productid", NULL};
static const char *const ENTRY_CODE[] = {"product2.productcode", "productcode", NULL};
static const char *const ENTRY_PRICE[] = {"unitprice", "listprice", "price", NULL};
static const char *const CURRENCY[] = {"currencyisocode", "currency", "currencycode", NULL};
static const char *const PRICEBOOK[] = {"pricebook2id", "pricebook2.id", "pricebookid", NULL};
static const char *const BUNDLE_PARENT[] = {
    "sbqqconfiguredskuc", "parentproductid", "bundleproductid", "parentproductcode",
    "bundleproductcode",  "bundle",          "parent",          NULL};
static const char *const BUNDLE_CHILD[] = {"sbqqoptionalskuc",
                                           "childproductid",
                                           "componentproductid",
                                           "childproductcode",
                                           "componentproductcode",
                                           "component",
                                           "child",
                                           NULL};
static const char *const BUNDLE_QTY[] = {"sbqqquantityc", "quantity", NULL};
static const char *const ITEM_ID[] = {"internalid", "id", NULL};
static const char *const ITEM_NAME[] = {"itemid", "fullname", "name", NULL};
static const char *const ITEM_DISPLAY[] = {"displayname", NULL};
static const char *const ITEM_TYPE[] = {"recordtype", "type", "itemtype", NULL};
static const char *const MEMBER_ITEM[] = {"memberitem.internalid", "memberitem.id",    "memberitem",
                                          "member.item",           "memberinternalid", NULL};
static const char *const MEMBER_QTY[] = {"memberquantity", "member.quantity", NULL};
static const char *const REF_ID[] = {"internalid", "id", "value", NULL};

/* "Product Code" -> "productcode": a settings field name as sfns_export_get compares it. */
static char *field_key(struct arena *a, const char *name)
{
    size_t n = strlen(name), j = 0;
    char *out = arena_alloc(a, n + 1);
    for (size_t i = 0; out && i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (isalnum(c) || c == '.')
            out[j++] = (char)tolower(c);
    }
    if (out)
        out[j] = '\0';
    return out;
}

/* A number, or a decimal string ("99.50"); 0, or -1 when it is neither. */
static int number_of(const struct json_value *v, double *out)
{
    if (!v)
        return -1;
    if (v->type == JSON_NUMBER) {
        *out = v->u.num;
        return isfinite(*out) ? 0 : -1;
    }
    if (v->type != JSON_STRING || v->len == 0 || v->len > 40)
        return -1;
    char buf[48], *end;
    memcpy(buf, v->u.str, v->len);
    buf[v->len] = '\0';
    *out = strtod(buf, &end);
    while (*end == ' ')
        end++;
    return *end == '\0' && end != buf && isfinite(*out) ? 0 : -1;
}

/* true / false, "T" / "F", "true" / "false", "yes" / "no", 1 / 0; -1 when unknown or absent. */
static int flag_of(const struct json_value *v)
{
    if (!v)
        return -1;
    if (v->type == JSON_TRUE || v->type == JSON_FALSE)
        return v->type == JSON_TRUE;
    if (v->type == JSON_NUMBER)
        return v->u.num != 0;
    if (v->type != JSON_STRING)
        return -1;
    const char *s = v->u.str;
    if (!strcasecmp(s, "t") || !strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcmp(s, "1"))
        return 1;
    if (!strcasecmp(s, "f") || !strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcmp(s, "0"))
        return 0;
    return -1;
}

/* An ISO currency code from a text or a reference ({name} / {internalId}); 0 or -1. */
static int currency_of(const struct json_value *v, char out[4])
{
    if (v && v->type == JSON_OBJECT) {
        const struct json_value *n = sfns_export_get(v, "name");
        v = n ? n : sfns_export_get(v, "refname");
    }
    if (!v || v->type != JSON_STRING || v->len != 3)
        return -1;
    for (int i = 0; i < 3; i++) {
        if (!isalpha((unsigned char)v->u.str[i]))
            return -1;
        out[i] = (char)toupper((unsigned char)v->u.str[i]);
    }
    out[3] = '\0';
    return 0;
}

static void iso_copy(char out[4], const char *s)
{
    for (int i = 0; i < 3; i++)
        out[i] = (char)toupper((unsigned char)s[i]);
    out[3] = '\0';
}

/* The records of a nested relationship: an array or a query result {"records": [...]}. */
static const struct json_value *nested_records(const struct json_value *v)
{
    if (v && v->type == JSON_OBJECT)
        v = sfns_export_get(v, "records");
    return v && v->type == JSON_ARRAY ? v : NULL;
}

/* An id from a reference object or a scalar. */
static const char *ref_id(const struct json_value *v, char *num, size_t cap)
{
    if (!v)
        return NULL;
    if (v->type == JSON_OBJECT)
        return sfns_export_text(v, REF_ID, num, cap);
    if (v->type == JSON_STRING)
        return v->len ? v->u.str : NULL;
    if (v->type == JSON_NUMBER && cap >= JSON_NUMBER_MAX) {
        json_number_format(v->u.num, num);
        return num;
    }
    return NULL;
}

static struct json_value *read_rows(struct arena *a, const char *path, char *err, size_t errlen)
{
    return sfns_export_read(a, path, err, errlen);
}

/* ---- Salesforce -------------------------------------------------------------------------------
 */

struct price_list {
    struct catmatch_price *v;
    size_t n, cap;
};

/* Adds a price unless the currency already has one (the first wins). 0 or -1 (memory). */
static int price_add(struct price_list *l, const char cur[4], double amount)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].currency, cur) == 0)
            return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        struct catmatch_price *nv = realloc(l->v, cap * sizeof(*nv));
        if (!nv)
            return -1;
        l->v = nv;
        l->cap = cap;
    }
    memcpy(l->v[l->n].currency, cur, 4);
    l->v[l->n++].amount = amount;
    return 0;
}

/* An entry's price and currency; 1 when it has a usable price, 0 when not. */
static int entry_price(const struct json_value *e, const char *pricebook, const char *currency,
                       char cur[4], double *amount)
{
    if (flag_of(sfns_export_get(e, "isactive")) == 0)
        return 0;
    if (pricebook) {
        char num[JSON_NUMBER_MAX];
        const char *pb = sfns_export_text(e, PRICEBOOK, num, sizeof(num));
        if (!pb || strcmp(pb, pricebook) != 0)
            return 0;
    }
    const struct json_value *pv = NULL;
    for (const char *const *n = ENTRY_PRICE; *n && !pv; n++)
        pv = sfns_export_get(e, *n);
    if (number_of(pv, amount) != 0)
        return 0;
    const struct json_value *cv = NULL;
    for (const char *const *n = CURRENCY; *n && !cv; n++)
        cv = sfns_export_get(e, *n);
    if (!cv || cv->type == JSON_NULL || (cv->type == JSON_STRING && cv->len == 0))
        iso_copy(cur, currency);
    else if (currency_of(cv, cur) != 0)
        return 0;
    return 1;
}

int sfcat_read_salesforce(struct catmatch_set *set, struct arena *a,
                          const struct sfcat_settings *cs, const char *products,
                          const char *entries, const char *pricebook, const char *bundles,
                          const char *currency, struct sfcat_counts *k, char *err, size_t errlen)
{
    struct json_value *rows = read_rows(a, products, err, errlen);
    if (!rows)
        return -1;
    const char *code_names[] = {field_key(a, cs->product_code_field), NULL};
    const char *stored_names[] = {cs->item_id_field ? field_key(a, cs->item_id_field) : NULL, NULL};
    if (!code_names[0] || (cs->item_id_field && !stored_names[0]))
        goto nomem;
    /* Entries of another file are collected per product first (they come after the products). */
    struct price_list *lists = calloc(rows->len ? rows->len : 1, sizeof(*lists));
    if (!lists)
        goto nomem;
    char num[JSON_NUMBER_MAX], idbuf[32], cur[4];
    double amount;
    int rc = -1;
    for (uint32_t i = 0; i < rows->len; i++) {
        const struct json_value *pe =
            nested_records(sfns_export_get(rows->u.items[i], "pricebookentries"));
        for (uint32_t j = 0; pe && j < pe->len; j++)
            if (entry_price(pe->u.items[j], pricebook, currency, cur, &amount) &&
                price_add(&lists[i], cur, amount) != 0)
                goto nomem_lists;
    }
    struct json_value *erows = NULL;
    if (entries && !(erows = read_rows(a, entries, err, errlen)))
        goto done;
    /* Products are looked up by Id (or reference) and by code, before the set knows them. */
    struct sfns_map *by_id = sfns_map_new(rows->len), *by_code = sfns_map_new(rows->len);
    struct json_value *idx = json_new_array(a);
    if (!by_id || !by_code || !idx) {
        sfns_map_free(by_id);
        sfns_map_free(by_code);
        goto nomem_lists;
    }
    for (uint32_t i = 0; i < rows->len; i++) {
        struct json_value *n = json_new_number(a, i);
        const char *id = sfns_export_text(rows->u.items[i], PRODUCT_ID, num, sizeof(num));
        const char *code = sfns_export_text(rows->u.items[i], code_names, idbuf, sizeof(idbuf));
        if (!n || (id && sfns_map_put(by_id, id, n) != 0) ||
            (code && sfns_map_put(by_code, code, n) != 0)) {
            sfns_map_free(by_id);
            sfns_map_free(by_code);
            goto nomem_lists;
        }
    }
    for (uint32_t j = 0; erows && j < erows->len; j++) {
        const struct json_value *e = erows->u.items[j];
        k->entries++;
        const char *pid = sfns_export_text(e, ENTRY_PRODUCT, num, sizeof(num));
        if (pid && *pid == '@') /* sObject Tree reference "@Product2Ref1" */
            pid++;
        const struct json_value *hit = pid ? sfns_map_get(by_id, pid) : NULL;
        const char *code = hit ? NULL : sfns_export_text(e, ENTRY_CODE, idbuf, sizeof(idbuf));
        if (!hit && code)
            hit = sfns_map_get(by_code, code);
        if (!hit) {
            k->entries_unknown_product++;
            continue;
        }
        if (entry_price(e, pricebook, currency, cur, &amount) &&
            price_add(&lists[(size_t)hit->u.num], cur, amount) != 0) {
            sfns_map_free(by_id);
            sfns_map_free(by_code);
            goto nomem_lists;
        }
    }
    sfns_map_free(by_id);
    sfns_map_free(by_code);
    for (uint32_t i = 0; i < rows->len; i++) {
        const struct json_value *r = rows->u.items[i];
        struct catmatch_product p = {0};
        p.id = sfns_export_text(r, PRODUCT_ID, num, sizeof(num));
        if (!p.id || !*p.id) {
            snprintf(idbuf, sizeof(idbuf), "#%u", i + 1);
            p.id = idbuf;
        }
        char cnum[JSON_NUMBER_MAX], snum[JSON_NUMBER_MAX];
        p.code = sfns_export_text(r, code_names, cnum, sizeof(cnum));
        p.name = sfns_export_text(r, NAME, NULL, 0);
        p.stored_item =
            stored_names[0] ? sfns_export_text(r, stored_names, snum, sizeof(snum)) : NULL;
        p.inactive = flag_of(sfns_export_get(r, "isactive")) == 0;
        p.prices = lists[i].v;
        p.nprices = lists[i].n;
        long got = catmatch_add_product(set, &p);
        if (got < 0) {
            snprintf(err, errlen, "%s: record %u: %s", products, i + 1,
                     got == CATMATCH_ENOMEM ? "out of memory" : "cannot be added");
            goto done;
        }
    }
    if (bundles) {
        struct json_value *brows = read_rows(a, bundles, err, errlen);
        if (!brows)
            goto done;
        for (uint32_t j = 0; j < brows->len; j++) {
            const struct json_value *b = brows->u.items[j];
            char n1[JSON_NUMBER_MAX], n2[JSON_NUMBER_MAX];
            const char *parent = sfns_export_text(b, BUNDLE_PARENT, n1, sizeof(n1));
            const char *child = sfns_export_text(b, BUNDLE_CHILD, n2, sizeof(n2));
            double qty = 1;
            const struct json_value *qv = NULL;
            for (const char *const *n = BUNDLE_QTY; *n && !qv; n++)
                qv = sfns_export_get(b, *n);
            k->bundle_rows++;
            if (qv && qv->type != JSON_NULL && !(qv->type == JSON_STRING && qv->len == 0) &&
                (number_of(qv, &qty) != 0 || !(qty > 0))) {
                snprintf(err, errlen, "%s: record %u: the quantity must be a number above zero",
                         bundles, j + 1);
                goto done;
            }
            long pi =
                parent ? catmatch_find_product(set, parent[0] == '@' ? parent + 1 : parent) : -1;
            long ci = child ? catmatch_find_product(set, child[0] == '@' ? child + 1 : child) : -1;
            if (pi < 0 || ci < 0 || pi == ci) {
                k->bundle_rows_unknown++;
                continue;
            }
            if (catmatch_add_component(set, (size_t)pi, (size_t)ci, qty) != CATMATCH_OK)
                goto nomem_lists;
        }
    }
    rc = 0;
    goto done;
nomem_lists:
    snprintf(err, errlen, "out of memory");
done:
    for (uint32_t i = 0; i < rows->len; i++)
        free(lists[i].v);
    free(lists);
    return rc;
nomem:
    snprintf(err, errlen, "out of memory");
    return -1;
}

/* ---- NetSuite ---------------------------------------------------------------------------------
 */

static enum catmatch_item_type type_of(const char *t)
{
    if (!t)
        return CATMATCH_ITEM_OTHER;
    char k[64];
    size_t j = 0;
    for (; *t && j + 1 < sizeof(k); t++)
        if (isalnum((unsigned char)*t))
            k[j++] = (char)tolower((unsigned char)*t);
    k[j] = '\0';
    if (strstr(k, "kit"))
        return CATMATCH_ITEM_KIT;
    if (strstr(k, "group"))
        return CATMATCH_ITEM_GROUP;
    if (strstr(k, "noninv"))
        return CATMATCH_ITEM_NONINVENTORY;
    if (strstr(k, "inv"))
        return CATMATCH_ITEM_INVENTORY;
    if (strstr(k, "service"))
        return CATMATCH_ITEM_SERVICE;
    return CATMATCH_ITEM_OTHER;
}

/* The quantity-1 price of a price list: the break of the largest quantity not above 1. */
static int unit_price(const struct json_value *list, double *out)
{
    const struct json_value *pl = sfns_export_get(list, "price");
    double best_q = -1;
    int found = 0;
    size_t n = pl && pl->type == JSON_ARRAY ? pl->len : pl ? 1 : 0;
    for (size_t i = 0; i < n; i++) {
        const struct json_value *b = pl->type == JSON_ARRAY ? pl->u.items[i] : pl;
        double q = 0, v;
        const struct json_value *qv = sfns_export_get(b, "quantity");
        if (qv && number_of(qv, &q) != 0)
            continue;
        if (q <= 1 && q > best_q && number_of(sfns_export_get(b, "value"), &v) == 0) {
            best_q = q;
            *out = v;
            found = 1;
        }
    }
    return found;
}

/* The base price level: internal id "1" or the name "Base Price"; no level counts as base. */
static int base_level(const struct json_value *row)
{
    const struct json_value *lv = sfns_export_get(row, "pricelevel");
    if (!lv || lv->type == JSON_NULL)
        return 1;
    char num[JSON_NUMBER_MAX];
    const char *id = ref_id(lv, num, sizeof(num));
    const char *name = lv->type == JSON_OBJECT ? sfns_export_text(lv, NAME, NULL, 0) : NULL;
    return (id && strcmp(id, "1") == 0) || (name && strcasecmp(name, "Base Price") == 0) ||
           (lv->type == JSON_STRING && strcasecmp(lv->u.str, "Base Price") == 0);
}

static int item_prices(const struct json_value *r, const char *currency, struct price_list *l)
{
    char cur[4];
    double v;
    const struct json_value *pm = sfns_export_get(r, "pricingmatrix.pricing");
    size_t n = pm && pm->type == JSON_ARRAY ? pm->len : pm && pm->type == JSON_OBJECT ? 1 : 0;
    for (size_t i = 0; i < n; i++) {
        const struct json_value *row = pm->type == JSON_ARRAY ? pm->u.items[i] : pm;
        if (!base_level(row) || !unit_price(sfns_export_get(row, "pricelist"), &v))
            continue;
        const struct json_value *cv = sfns_export_get(row, "currency");
        if (!cv)
            iso_copy(cur, currency);
        else if (currency_of(cv, cur) != 0)
            continue;
        if (price_add(l, cur, v) != 0)
            return -1;
    }
    /* Flat columns: basePrice (+ currency), price, or "Price EUR" / price_eur. */
    const struct json_value *bp = sfns_export_get(r, "baseprice");
    if (!bp)
        bp = sfns_export_get(r, "price");
    if (bp && number_of(bp, &v) == 0) {
        const struct json_value *cv = NULL;
        for (const char *const *c = CURRENCY; *c && !cv; c++)
            cv = sfns_export_get(r, *c);
        if (!cv || currency_of(cv, cur) != 0)
            iso_copy(cur, currency);
        if (price_add(l, cur, v) != 0)
            return -1;
    }
    for (uint32_t i = 0; r->type == JSON_OBJECT && i < r->len; i++) {
        const struct json_member *m = &r->u.members[i];
        char k[16];
        size_t j = 0;
        for (uint32_t c = 0; c < m->key_len && j < sizeof(k) - 1; c++)
            if (isalnum((unsigned char)m->key[c]))
                k[j++] = (char)tolower((unsigned char)m->key[c]);
        k[j] = '\0';
        if (j == 8 && strncmp(k, "price", 5) == 0 && isalpha((unsigned char)k[5]) &&
            isalpha((unsigned char)k[6]) && isalpha((unsigned char)k[7]) &&
            number_of(m->value, &v) == 0) {
            iso_copy(cur, k + 5);
            if (price_add(l, cur, v) != 0)
                return -1;
        }
    }
    return 0;
}

struct member_list {
    struct catmatch_member *v;
    size_t n, cap;
};

static int member_add(struct member_list *l, const char *item, double qty)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        struct catmatch_member *nv = realloc(l->v, cap * sizeof(*nv));
        if (!nv)
            return -1;
        l->v = nv;
        l->cap = cap;
    }
    l->v[l->n++] = (struct catmatch_member){item, qty};
    return 0;
}

/* Members from member[] / memberList.itemMember[] or a CSV row's member columns. */
static int item_members(struct arena *a, const struct json_value *r, struct member_list *l)
{
    const struct json_value *arr = sfns_export_get(r, "member");
    if (!arr || arr->type != JSON_ARRAY)
        arr = sfns_export_get(r, "memberlist.itemmember");
    size_t n = arr && arr->type == JSON_ARRAY ? arr->len : arr && arr->type == JSON_OBJECT ? 1 : 0;
    char num[JSON_NUMBER_MAX];
    for (size_t i = 0; i < n; i++) {
        const struct json_value *m = arr->type == JSON_ARRAY ? arr->u.items[i] : arr;
        const char *id = ref_id(sfns_export_get(m, "item"), num, sizeof(num));
        double q = 1;
        const struct json_value *qv = sfns_export_get(m, "quantity");
        if (!id || (qv && (number_of(qv, &q) != 0 || !(q > 0))))
            continue;
        char *copy = arena_strndup(a, id, strlen(id));
        if (!copy || member_add(l, copy, q) != 0)
            return -1;
    }
    const char *id = sfns_export_text(r, MEMBER_ITEM, num, sizeof(num));
    if (id && *id) {
        double q = 1;
        const struct json_value *qv = NULL;
        for (const char *const *c = MEMBER_QTY; *c && !qv; c++)
            qv = sfns_export_get(r, *c);
        if (qv && (qv->type != JSON_STRING || qv->len) && (number_of(qv, &q) != 0 || !(q > 0)))
            return 0;
        char *copy = arena_strndup(a, id, strlen(id));
        if (!copy || member_add(l, copy, q) != 0)
            return -1;
    }
    return 0;
}

int sfcat_read_netsuite(struct catmatch_set *set, struct arena *a, const char *path,
                        const char *currency, struct sfcat_counts *k, char *err, size_t errlen)
{
    struct json_value *rows = read_rows(a, path, err, errlen);
    if (!rows)
        return -1;
    size_t n = rows->len;
    struct price_list *prices = calloc(n ? n : 1, sizeof(*prices));
    struct member_list *members = calloc(n ? n : 1, sizeof(*members));
    uint32_t *owner = malloc((n ? n : 1) * sizeof(*owner));
    struct sfns_map *by_id = sfns_map_new(n);
    int rc = -1;
    char num[JSON_NUMBER_MAX];
    if (!prices || !members || !owner || !by_id)
        goto nomem;
    /* Rows of one internal id make one item: the first row gives its fields, every row may add
     * a member (a saved search with the member join has a row per member). */
    for (uint32_t i = 0; i < n; i++) {
        const struct json_value *r = rows->u.items[i];
        k->item_rows++;
        const char *id = sfns_export_text(r, ITEM_ID, num, sizeof(num));
        if (!id || !*id) {
            snprintf(err, errlen, "%s: record %u has no internal id (internalId or id)", path,
                     i + 1);
            goto done;
        }
        const struct json_value *first = sfns_map_get(by_id, id);
        uint32_t o = first ? (uint32_t)first->u.num : i;
        owner[i] = o;
        if (!first) {
            struct json_value *nv = json_new_number(a, i);
            if (!nv || sfns_map_put(by_id, id, nv) != 0 || item_prices(r, currency, &prices[i]))
                goto nomem;
        }
        size_t before = members[o].n;
        if (item_members(a, r, &members[o]) != 0)
            goto nomem;
        if (first && members[o].n == before)
            k->duplicate_item_rows++;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (owner[i] != i)
            continue;
        const struct json_value *r = rows->u.items[i];
        struct catmatch_item it = {0};
        it.id = sfns_export_text(r, ITEM_ID, num, sizeof(num));
        it.itemid = sfns_export_text(r, ITEM_NAME, NULL, 0);
        it.name = sfns_export_text(r, ITEM_DISPLAY, NULL, 0);
        it.type = type_of(sfns_export_text(r, ITEM_TYPE, NULL, 0));
        int inactive = flag_of(sfns_export_get(r, "isinactive"));
        int active = flag_of(sfns_export_get(r, "isactive"));
        it.inactive = inactive == 1 || active == 0;
        it.prices = prices[i].v;
        it.nprices = prices[i].n;
        it.members = members[i].v;
        it.nmembers = members[i].n;
        long got = catmatch_add_item(set, &it);
        if (got < 0) {
            snprintf(err, errlen, "%s: record %u: %s", path, i + 1,
                     got == CATMATCH_ENOMEM ? "out of memory" : "cannot be added");
            goto done;
        }
    }
    rc = 0;
    goto done;
nomem:
    snprintf(err, errlen, "out of memory");
done:
    for (uint32_t i = 0; prices && members && i < n; i++) {
        free(prices[i].v);
        free(members[i].v);
    }
    free(prices);
    free(members);
    free(owner);
    sfns_map_free(by_id);
    return rc;
}

/* ---- rows in memory ---------------------------------------------------------------------------
 */

struct json_value *sfcat_rows_parse(struct arena *a, const char *buf, size_t len, char *err,
                                    size_t errlen)
{
    size_t i = 0;
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    struct json_value *rows = NULL;
    if (i < len && (buf[i] == '[' || buf[i] == '{')) {
        struct json_error je;
        struct json_parse_opts opts = {.decode_utf8 = true};
        struct json_value *root = json_parse(a, buf, len, &opts, &je);
        if (!root) {
            snprintf(err, errlen, "%u:%u: %s", je.line, je.column, je.message);
            return NULL;
        }
        rows = root;
        if (root->type == JSON_OBJECT) {
            rows = json_object_get(root, "records", 7);
            if (!rows)
                rows = json_object_get(root, "data", 4);
        }
        if (!rows || rows->type != JSON_ARRAY) {
            snprintf(err, errlen,
                     "the top level must be an array of records, or an object with a "
                     "\"records\" or \"data\" array");
            return NULL;
        }
    } else {
        char msg[256];
        rows = csvread_parse(a, buf, len, msg, sizeof(msg));
        if (!rows) {
            snprintf(err, errlen, "%s", msg);
            return NULL;
        }
    }
    for (uint32_t k = 0; k < rows->len; k++)
        if (rows->u.items[k]->type != JSON_OBJECT) {
            snprintf(err, errlen, "record %u is not an object", k + 1);
            return NULL;
        }
    return rows;
}
