/* catmatch_set.c — the catalog matcher's set: adding products and items (indexed by normalised
 * code, item name, id and name token) and the lookups (catmatch.h). */
#include <stdlib.h>
#include <string.h>

#include "catmatch_internal.h"

void catmatch_options_default(struct catmatch_options *o)
{
    memset(o, 0, sizeof(*o));
    o->rules.fold = SFNS_SKU_UPPER;
    o->rules.remove = " -_./";
    o->rules.strip_parent = 1;
    o->price_tolerance = 0.01;
    o->accept_at = 0.9;
    o->name_threshold = 0.6;
}

struct catmatch_set *catmatch_new(const struct catmatch_options *o)
{
    struct catmatch_set *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->o = *o;
    return s;
}

void catmatch_free(struct catmatch_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nproducts; i++) {
        free(s->products[i].components);
        free(s->products[i].evidence.data);
        free(s->products[i].conflicts.data);
    }
    free(s->products);
    free(s->items);
    free(s->map_ids);
    struct cm_multi *m[] = {
        &s->item_by_key,    &s->item_by_leaf,  &s->item_by_id,      &s->item_by_token,
        &s->product_by_key, &s->product_by_id, &s->product_by_code, &s->map};
    for (size_t i = 0; i < sizeof(m) / sizeof(*m); i++)
        cm_multi_free(m[i]);
    cm_pool_free(&s->pool);
    free(s);
}

size_t catmatch_key(const struct catmatch_set *s, const char *text, char *out)
{
    return sfns_sku_normalise(&s->o.rules, text, strlen(text), out);
}

/* The normalised key of text in the pool; NULL for no text or an empty key; *oom on failure. */
static const char *pool_key(struct catmatch_set *s, const char *text, int *oom)
{
    if (!text)
        return NULL;
    size_t n = strlen(text);
    char *k = cm_pool_alloc(&s->pool, n + 1);
    if (!k) {
        *oom = 1;
        return NULL;
    }
    return sfns_sku_normalise(&s->o.rules, text, n, k) ? k : NULL;
}

static const char *pool_str(struct catmatch_set *s, const char *text, int *oom)
{
    if (!text)
        return NULL;
    char *r = cm_pool_strdup(&s->pool, text, strlen(text));
    if (!r)
        *oom = 1;
    return r;
}

static void *pool_copy(struct catmatch_set *s, const void *p, size_t n, int *oom)
{
    if (!n)
        return NULL;
    void *r = cm_pool_alloc(&s->pool, n);
    if (!r)
        *oom = 1;
    else
        memcpy(r, p, n);
    return r;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The part of an item name after its last ':', trimmed (the whole name when it has none). */
static const char *leaf_of(struct catmatch_set *s, const char *name, int *oom)
{
    if (!name)
        return NULL;
    const char *b = strrchr(name, ':');
    b = b ? b + 1 : name;
    while (is_space(*b))
        b++;
    size_t n = strlen(b);
    while (n > 0 && is_space(b[n - 1]))
        n--;
    if (n == 0)
        return NULL;
    char *r = cm_pool_strdup(&s->pool, b, n);
    if (!r)
        *oom = 1;
    return r;
}

/* The same text trimmed (for exact comparison of a code). */
static const char *trimmed(struct catmatch_set *s, const char *t, int *oom)
{
    if (!t)
        return NULL;
    while (is_space(*t))
        t++;
    size_t n = strlen(t);
    while (n > 0 && is_space(t[n - 1]))
        n--;
    if (n == 0)
        return NULL;
    char *r = cm_pool_strdup(&s->pool, t, n);
    if (!r)
        *oom = 1;
    return r;
}

long catmatch_add_item(struct catmatch_set *s, const struct catmatch_item *it)
{
    if (s->ran || !it->id || s->nitems >= CM_NONE - 1)
        return CATMATCH_EINVAL;
    if (s->nitems == s->capitems) {
        size_t cap = s->capitems ? s->capitems * 2 : 256;
        struct cm_item *n = realloc(s->items, cap * sizeof(*n));
        if (!n)
            return CATMATCH_ENOMEM;
        s->items = n;
        s->capitems = cap;
    }
    int oom = 0;
    struct cm_item *c = &s->items[s->nitems];
    memset(c, 0, sizeof(*c));
    c->it = *it;
    c->it.id = pool_str(s, it->id, &oom);
    c->it.itemid = pool_str(s, it->itemid, &oom);
    c->it.name = pool_str(s, it->name, &oom);
    c->it.prices = pool_copy(s, it->prices, it->nprices * sizeof(*it->prices), &oom);
    struct catmatch_member *members =
        pool_copy(s, it->members, it->nmembers * sizeof(*it->members), &oom);
    for (size_t i = 0; members && i < it->nmembers; i++)
        members[i].item = pool_str(s, it->members[i].item, &oom);
    c->it.members = members;
    c->key = pool_key(s, it->itemid, &oom);
    c->leaf = leaf_of(s, it->itemid, &oom);
    /* Names compare with names: the display name, else the item name (a code, usually). */
    c->tokens = cm_tokens(&s->pool, it->name ? it->name : c->leaf, NULL);
    if (oom || !c->tokens)
        return CATMATCH_ENOMEM;
    uint32_t idx = (uint32_t)s->nitems;
    if (cm_multi_add(&s->item_by_id, c->it.id, idx) != 0 ||
        (c->key && cm_multi_add(&s->item_by_key, c->key, idx) != 0) ||
        (c->leaf && cm_multi_add(&s->item_by_leaf, c->leaf, idx) != 0))
        return CATMATCH_ENOMEM;
    for (const char **t = c->tokens; *t; t++) {
        if (cm_multi_add(&s->item_by_token, *t, idx) != 0)
            return CATMATCH_ENOMEM;
        *t = cm_multi_find(&s->item_by_token, *t)->key; /* interned */
    }
    s->nitems++;
    return (long)idx;
}

long catmatch_add_product(struct catmatch_set *s, const struct catmatch_product *p)
{
    if (s->ran || s->nproducts >= CM_NONE - 1)
        return CATMATCH_EINVAL;
    if (s->nproducts == s->capproducts) {
        size_t cap = s->capproducts ? s->capproducts * 2 : 256;
        struct cm_product *n = realloc(s->products, cap * sizeof(*n));
        if (!n)
            return CATMATCH_ENOMEM;
        s->products = n;
        s->capproducts = cap;
    }
    int oom = 0;
    struct cm_product *c = &s->products[s->nproducts];
    memset(c, 0, sizeof(*c));
    c->p = *p;
    c->p.id = pool_str(s, p->id, &oom);
    c->p.code = trimmed(s, p->code, &oom);
    c->p.name = pool_str(s, p->name, &oom);
    c->p.stored_item = trimmed(s, p->stored_item, &oom);
    c->p.prices = pool_copy(s, p->prices, p->nprices * sizeof(*p->prices), &oom);
    c->key = pool_key(s, c->p.code, &oom);
    c->prop.item = -1;
    if (oom)
        return CATMATCH_ENOMEM;
    uint32_t idx = (uint32_t)s->nproducts;
    if ((c->p.id && cm_multi_add(&s->product_by_id, c->p.id, idx) != 0) ||
        (c->p.code && cm_multi_add(&s->product_by_code, c->p.code, idx) != 0) ||
        (c->key && cm_multi_add(&s->product_by_key, c->key, idx) != 0))
        return CATMATCH_ENOMEM;
    s->nproducts++;
    return (long)idx;
}

int catmatch_add_map(struct catmatch_set *s, const char *code, const char *item_id)
{
    int oom = 0;
    const char *key = pool_key(s, code, &oom);
    const char *id = pool_str(s, item_id, &oom);
    if (oom)
        return CATMATCH_ENOMEM;
    if (s->ran || !key || !id)
        return CATMATCH_EINVAL;
    if (s->nmap == s->capmap) {
        size_t cap = s->capmap ? s->capmap * 2 : 64;
        const char **n = realloc(s->map_ids, cap * sizeof(*n));
        if (!n)
            return CATMATCH_ENOMEM;
        s->map_ids = n;
        s->capmap = cap;
    }
    s->map_ids[s->nmap] = id;
    if (cm_multi_add(&s->map, key, (uint32_t)s->nmap) != 0)
        return CATMATCH_ENOMEM;
    s->nmap++;
    return CATMATCH_OK;
}

int catmatch_add_component(struct catmatch_set *s, size_t bundle, size_t component, double quantity)
{
    if (s->ran || bundle >= s->nproducts || component >= s->nproducts || bundle == component ||
        !(quantity > 0))
        return CATMATCH_EINVAL;
    struct cm_product *p = &s->products[bundle];
    if (p->ncomponents == p->capcomponents) {
        size_t cap = p->capcomponents ? p->capcomponents * 2 : 4;
        struct cm_component *n = realloc(p->components, cap * sizeof(*n));
        if (!n)
            return CATMATCH_ENOMEM;
        p->components = n;
        p->capcomponents = cap;
    }
    p->components[p->ncomponents++] = (struct cm_component){component, quantity};
    return CATMATCH_OK;
}

size_t catmatch_count_products(const struct catmatch_set *s)
{
    return s->nproducts;
}

size_t catmatch_count_items(const struct catmatch_set *s)
{
    return s->nitems;
}

const struct catmatch_product *catmatch_product(const struct catmatch_set *s, size_t i)
{
    return i < s->nproducts ? &s->products[i].p : NULL;
}

const struct catmatch_item *catmatch_item(const struct catmatch_set *s, size_t i)
{
    return i < s->nitems ? &s->items[i].it : NULL;
}

const struct catmatch_proposal *catmatch_proposal(const struct catmatch_set *s, size_t i)
{
    if (i >= s->nproducts || !s->ran)
        return NULL;
    struct cm_product *p = &s->products[i];
    p->prop.evidence = p->evidence.data ? p->evidence.data : "";
    p->prop.conflict_text = p->conflicts.data ? p->conflicts.data : "";
    return &p->prop;
}

long catmatch_find_item(const struct catmatch_set *s, const char *id)
{
    const struct cm_slot *sl = cm_multi_find(&s->item_by_id, id);
    return sl ? (long)s->item_by_id.vals[sl->head] : -1;
}

long catmatch_find_product(const struct catmatch_set *s, const char *id_or_code)
{
    const struct cm_slot *sl = cm_multi_find(&s->product_by_id, id_or_code);
    if (sl)
        return (long)s->product_by_id.vals[sl->head];
    sl = cm_multi_find(&s->product_by_code, id_or_code);
    return sl ? (long)s->product_by_code.vals[sl->head] : -1;
}

const char *cm_product_label(const struct cm_product *p)
{
    return p->p.code ? p->p.code : p->p.name ? p->p.name : p->p.id ? p->p.id : "(no code)";
}

const char *cm_item_label(const struct cm_item *it)
{
    return it->it.itemid ? it->it.itemid : it->it.name ? it->it.name : it->it.id;
}

const char *catmatch_method_name(enum catmatch_method m)
{
    static const char *const names[] = {"none",
                                        "stored NetSuite id",
                                        "settings map",
                                        "exact code",
                                        "normalisation rule",
                                        "name similarity",
                                        "bundle components",
                                        "reviewer decision"};
    return (unsigned)m < sizeof(names) / sizeof(*names) ? names[m] : "none";
}

const char *catmatch_conflict_name(unsigned bit)
{
    static const char *const names[CATMATCH_NCONFLICTS] = {
        "shared_item",   "several_candidates", "price_mismatch", "currency_gap",
        "inactive_item", "bundle_mismatch",    "duplicate_code"};
    for (unsigned i = 0; i < CATMATCH_NCONFLICTS; i++)
        if (bit == 1u << i)
            return names[i];
    return "unknown";
}

const char *catmatch_status_name(enum catmatch_decision_status st)
{
    static const char *const names[] = {"accepted", "review", "unmatched", "rejected"};
    return (unsigned)st < 4 ? names[st] : "review";
}
