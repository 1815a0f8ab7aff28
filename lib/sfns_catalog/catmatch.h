/* catmatch.h — the catalog matcher of `hookstack sfns catalog`: proposes, for every Salesforce
 * product, the NetSuite item it maps to (by the stored NetSuite id, the settings' explicit map,
 * the exact code, the SKU normalisation rules of settings.sfns.catalog, or name similarity, with
 * price agreement as supporting evidence), a confidence and the conflicts a human must decide
 * (one item for two products, several candidates, a price mismatch, a currency gap, an inactive
 * item, a bundle whose NetSuite members disagree with the Salesforce definition, two products
 * with one code). Pure C; strings handed in are borrowed and must outlive the set. Products and
 * items are indexed by normalised code and by name token, so a run costs about linear time in the
 * catalogs, never all pairs. */
#ifndef CATMATCH_H
#define CATMATCH_H

#include <stddef.h>

#include "sfns_sku.h"

enum catmatch_status {
    CATMATCH_OK = 0,
    CATMATCH_ENOMEM = -1,
    CATMATCH_EINVAL = -2, /* an index out of range, a call after catmatch_run */
};

enum catmatch_item_type {
    CATMATCH_ITEM_OTHER = 0,
    CATMATCH_ITEM_INVENTORY,
    CATMATCH_ITEM_NONINVENTORY,
    CATMATCH_ITEM_SERVICE,
    CATMATCH_ITEM_KIT,   /* kit/package: sold as one line at its own price */
    CATMATCH_ITEM_GROUP, /* item group: NetSuite expands it into its members */
};

/* A list price in one currency (ISO code, upper case). */
struct catmatch_price {
    char currency[4];
    double amount;
};

/* A member of a NetSuite kit or item group: the member's internal id and quantity. */
struct catmatch_member {
    const char *item;
    double quantity;
};

struct catmatch_item {
    const char *id;     /* internal id (required) */
    const char *itemid; /* item name, "Parent : Child" for sub-items (may be NULL) */
    const char *name;   /* display name (may be NULL) */
    enum catmatch_item_type type;
    int inactive;
    const struct catmatch_price *prices; /* copied by catmatch_add_item */
    size_t nprices;
    const struct catmatch_member *members; /* copied */
    size_t nmembers;
};

struct catmatch_product {
    const char *id;          /* Salesforce Id, or the export's reference */
    const char *code;        /* product code (may be NULL) */
    const char *name;        /* may be NULL */
    const char *stored_item; /* the NetSuite id stored on the product (itemIdField), or NULL */
    int inactive;
    const struct catmatch_price *prices; /* copied */
    size_t nprices;
};

struct catmatch_options {
    sfns_sku_rules rules;
    double price_tolerance; /* fraction: 0.01 accepts list prices 1% apart */
    double accept_at;       /* confidence at or above which a conflict-free proposal is accepted */
    double name_threshold;  /* least name similarity (0..1) a name match needs */
};

/* Defaults: the catalog's default rules (upper case, " -_./" removed, parent stripped),
 * 1% price tolerance, acceptance at 0.9, name similarity 0.6. */
void catmatch_options_default(struct catmatch_options *o);

/* How a proposal was found. */
enum catmatch_method {
    CATMATCH_M_NONE = 0,
    CATMATCH_M_STORED_ID,    /* the product's stored NetSuite id names an exported item */
    CATMATCH_M_SETTINGS_MAP, /* the settings' explicit map gives it */
    CATMATCH_M_EXACT,        /* code == item name (or its part after the last ':') */
    CATMATCH_M_RULES,        /* code and item name normalise to one key */
    CATMATCH_M_NAME,         /* product and item names are similar */
    CATMATCH_M_BUNDLE,       /* a Salesforce bundle whose components all map: a catalog bundle */
    CATMATCH_M_DECIDED,      /* a reviewer's decision named the item */
};

/* Conflicts: bits of catmatch_proposal.conflicts. */
enum catmatch_conflict {
    CATMATCH_C_SHARED_ITEM = 1u << 0,   /* another product is proposed the same item */
    CATMATCH_C_SEVERAL = 1u << 1,       /* several items fit equally well */
    CATMATCH_C_PRICE = 1u << 2,         /* list prices differ beyond the tolerance */
    CATMATCH_C_CURRENCY = 1u << 3,      /* currencies with a Salesforce price the item lacks */
    CATMATCH_C_INACTIVE = 1u << 4,      /* the item is inactive in NetSuite */
    CATMATCH_C_BUNDLE = 1u << 5,        /* kit/group members differ from the bundle's */
    CATMATCH_C_DUPLICATE_CODE = 1u << 6 /* another product has a code that normalises equal */
};
#define CATMATCH_NCONFLICTS 7

enum catmatch_decision_status {
    CATMATCH_ACCEPTED = 0, /* goes into the settings */
    CATMATCH_REVIEW,       /* a proposal a human must confirm */
    CATMATCH_UNMATCHED,    /* no proposal: a human must name the item (or reject) */
    CATMATCH_REJECTED,     /* a reviewer rejected it: not in the settings, not reviewed again */
};

/* A proposed bundle component (CATMATCH_M_BUNDLE): an item and its quantity and weight. */
struct catmatch_bundle_part {
    size_t item;
    double quantity;
    double weight;
};

struct catmatch_proposal {
    enum catmatch_method method;
    enum catmatch_decision_status status;
    long item; /* index of the item, -1 for none (and for a bundle) */
    double confidence;
    unsigned conflicts;
    int decided;                              /* a reviewer's decision set the status */
    const size_t *candidates;                 /* items that fit as well, the proposed one first */
    size_t ncandidates;                       /* (only with CATMATCH_C_SEVERAL) */
    const struct catmatch_bundle_part *parts; /* CATMATCH_M_BUNDLE */
    size_t nparts;
    const char *evidence;      /* lines ('\n') in words: how it was found, what supports it */
    const char *conflict_text; /* one line per conflict: "<kind>: what is wrong" */
};

struct catmatch_set;

struct catmatch_set *catmatch_new(const struct catmatch_options *o);
void catmatch_free(struct catmatch_set *s);

/* Adds a record; returns its index (0, 1, ...) or a negative catmatch_status. */
long catmatch_add_item(struct catmatch_set *s, const struct catmatch_item *it);
long catmatch_add_product(struct catmatch_set *s, const struct catmatch_product *p);
/* The settings' explicit map: code -> item internal id (compared after normalisation). */
int catmatch_add_map(struct catmatch_set *s, const char *code, const char *item_id);
/* A Salesforce bundle definition: product `bundle` holds quantity x product `component`. */
int catmatch_add_component(struct catmatch_set *s, size_t bundle, size_t component,
                           double quantity);

/* Proposes and finds the conflicts. progress (may be NULL) is called now and then. */
int catmatch_run(struct catmatch_set *s, void (*progress)(void *, size_t done, size_t total),
                 void *arg);

/* A reviewer's decision, after catmatch_run: accept the proposal, reject the product, or map it
 * to item index `item`. Decided products keep their evidence and are never reviewed again. */
enum catmatch_decision { CATMATCH_DECIDE_ACCEPT, CATMATCH_DECIDE_REJECT, CATMATCH_DECIDE_MAP };
int catmatch_decide(struct catmatch_set *s, size_t product, enum catmatch_decision d, size_t item);

size_t catmatch_count_products(const struct catmatch_set *s);
size_t catmatch_count_items(const struct catmatch_set *s);
const struct catmatch_product *catmatch_product(const struct catmatch_set *s, size_t i);
const struct catmatch_item *catmatch_item(const struct catmatch_set *s, size_t i);
const struct catmatch_proposal *catmatch_proposal(const struct catmatch_set *s, size_t i);
/* Index of the item with this internal id, -1 when none; of the product with this Id (or, when
 * no Id matches, this exact code), -1 when none. */
long catmatch_find_item(const struct catmatch_set *s, const char *id);
long catmatch_find_product(const struct catmatch_set *s, const char *id_or_code);
/* The normalised key of a text under the set's rules (into out: strlen(text) + 1 bytes). */
size_t catmatch_key(const struct catmatch_set *s, const char *text, char *out);

const char *catmatch_method_name(enum catmatch_method m);           /* "exact code", ... */
const char *catmatch_conflict_name(unsigned bit);                   /* "shared_item", ... */
const char *catmatch_status_name(enum catmatch_decision_status st); /* "accepted", ... */

#endif
