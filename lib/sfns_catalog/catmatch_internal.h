/* catmatch_internal.h — the catalog matcher's private pieces: a string pool, a string -> indices
 * multimap, a growable text buffer, and the set itself (catmatch.h is the interface). */
#ifndef CATMATCH_INTERNAL_H
#define CATMATCH_INTERNAL_H

#include <stdint.h>

#include "catmatch.h"

/* ---- string pool: bump allocation in chunks, freed at once --------------------------------- */
struct cm_pool {
    struct cm_chunk *head;
};
void *cm_pool_alloc(struct cm_pool *p, size_t n);
char *cm_pool_strdup(struct cm_pool *p, const char *s, size_t n);
void cm_pool_free(struct cm_pool *p);

/* ---- multimap: string key -> list of uint32 values (in insertion order) -------------------- */
#define CM_NONE UINT32_MAX
struct cm_slot {
    const char *key; /* borrowed (pool or caller) */
    uint64_t hash;
    uint32_t head, tail, count;
};
struct cm_multi {
    struct cm_slot *slots;
    size_t cap, used;
    uint32_t *next, *vals;
    size_t n, ncap;
};
void cm_multi_init(struct cm_multi *m);
void cm_multi_free(struct cm_multi *m);
int cm_multi_add(struct cm_multi *m, const char *key, uint32_t value); /* 0 or -1 (memory) */
const struct cm_slot *cm_multi_find(const struct cm_multi *m, const char *key);
uint64_t cm_hash(const char *s);

/* ---- text buffer --------------------------------------------------------------------------- */
struct cm_buf {
    char *data;
    size_t len, cap;
    int failed;
};
void cm_buf_printf(struct cm_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- the set --------------------------------------------------------------------------------- */
struct cm_component {
    size_t component;
    double quantity;
};
struct cm_product {
    struct catmatch_product p;
    const char *key; /* normalised code, NULL without one */
    struct cm_component *components;
    size_t ncomponents, capcomponents;
    struct catmatch_proposal prop;
    struct cm_buf evidence, conflicts;
    int price_state; /* 1 agrees, -1 differs, 0 nothing to compare */
};
struct cm_item {
    struct catmatch_item it;
    const char *key;     /* normalised item name, NULL without one */
    const char *leaf;    /* item name after the last ':', trimmed */
    const char **tokens; /* name tokens, interned (the token index's keys), NULL-terminated */
    double weight;       /* sum of its name tokens' weights */
};

struct catmatch_set {
    struct catmatch_options o;
    struct cm_pool pool;
    struct cm_product *products;
    size_t nproducts, capproducts;
    struct cm_item *items;
    size_t nitems, capitems;
    struct cm_multi item_by_key, item_by_leaf, item_by_id, item_by_token;
    struct cm_multi product_by_key, product_by_id, product_by_code;
    struct cm_multi map; /* normalised code -> index into map_ids */
    const char **map_ids;
    size_t nmap, capmap;
    int ran;
};

/* Name tokens of a text (lower-case runs of letters and digits) into the pool, NULL-terminated;
 * NULL when out of memory. Repeated tokens appear once. */
const char **cm_tokens(struct cm_pool *pool, const char *text1, const char *text2);
/* The weight of a token with df items among n: rarer is heavier. */
double cm_token_weight(size_t df, size_t n);

/* The bundle pass (catmatch_bundle.c): compares kit members with the Salesforce definition and
 * proposes catalog bundles for Salesforce bundles that have no NetSuite item. */
int cm_bundles(struct catmatch_set *s);
/* Compares a product's list prices with an item's: sets price_state, the evidence, and the
 * price and currency conflicts. */
void cm_prices(struct catmatch_set *s, struct cm_product *p, const struct cm_item *it);
/* A text for messages: the code, else the name, else the Id. */
const char *cm_product_label(const struct cm_product *p);
const char *cm_item_label(const struct cm_item *it);

#endif
