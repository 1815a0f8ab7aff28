/* sfns_catalog.h — the product catalog of the sfns module: how a Salesforce product (its
 * ProductCode, or the NetSuite id stored on it) becomes NetSuite items. settings.sfns.catalog
 * holds SKU normalisation rules, the NetSuite items by item name, an explicit map for what the
 * rules cannot bridge, and bundles (a Salesforce product sold as several NetSuite items, each with
 * a quantity and a price weight). One canonical JSON shape, documented in docs/sfns-settings.md
 * ("Catalog"), shared by every sfns function that names NetSuite items. */
#ifndef SFNS_CATALOG_H
#define SFNS_CATALOG_H

#include "sfns.h"
#include "sfns_sku.h"

#include <stddef.h>

/* ---- the catalog --------------------------------------------------------------------------- */

/* A component of a bundle: a NetSuite item, how many one bundle holds, its price weight. */
typedef struct sfns_bundle_component {
    const char *item; /* NetSuite item internal id */
    hs_decimal quantity;
    hs_decimal weight;
    const char *description; /* NULL: the bundle line's description */
} sfns_bundle_component;

typedef struct sfns_bundle {
    const char *code; /* the product code as configured */
    sfns_bundle_component *components;
    size_t n;
} sfns_bundle;

/* A normalised key and what it leads to. */
typedef struct sfns_catalog_entry {
    const char *key;           /* normalised */
    const char *raw;           /* as configured */
    const char *id;            /* NetSuite item internal id (items, map) */
    const sfns_bundle *bundle; /* bundles */
} sfns_catalog_entry;

typedef struct sfns_catalog_index {
    sfns_catalog_entry *e; /* sorted by key */
    size_t n;
} sfns_catalog_index;

/* settings.sfns.catalog, read and checked once per page. */
typedef struct sfns_catalog {
    sfns_sku_rules rules;
    sfns_catalog_index items;       /* NetSuite item name -> internal id, by normalised name */
    sfns_catalog_index map;         /* Salesforce product code -> internal id */
    sfns_catalog_index bundles;     /* Salesforce product code -> bundle */
    const char *product_code_field; /* "ProductCode" */
    const char *item_id_field;      /* NULL: not read */
    const char *rounding_item;      /* NULL: bundle rounding on the largest component */
} sfns_catalog;

/* Reads settings.sfns.catalog; on a problem the invocation fails (422 invalid_setting naming the
 * key: a bad value, or two names the rules make equal) and that status is returned. */
hs_status sfns_catalog_read(hs_ctx *ctx, sfns_catalog *cat);

/* How a product resolved. */
typedef enum sfns_item_kind {
    SFNS_ITEM_UNMAPPED = 0, /* nothing matched: a per-record error */
    SFNS_ITEM = 1,          /* one NetSuite item (match->item) */
    SFNS_ITEM_BUNDLE = 2    /* a bundle (match->bundle) */
} sfns_item_kind;

typedef struct sfns_item_match {
    const char *item;          /* NetSuite internal id */
    const sfns_bundle *bundle; /* for SFNS_ITEM_BUNDLE */
    const char *key;           /* the code normalised (NULL without a code) */
    const char *via;           /* "bundles", "map", "itemIdField", "items": which rule matched */
} sfns_item_match;

/* Resolves a product: `code` its product code (NULL when it has none), `item_id` the NetSuite id
 * stored on it (itemIdField; NULL when none). The first that matches wins: a bundle of that code,
 * the explicit map, the stored NetSuite id, a NetSuite item whose name normalises to the same
 * key. *out is always filled (key NULL without a code, or past the memory limit). */
sfns_item_kind sfns_catalog_resolve(hs_ctx *ctx, const sfns_catalog *cat, const char *code,
                                    const char *item_id, sfns_item_match *out);

#endif
