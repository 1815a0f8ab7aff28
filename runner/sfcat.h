/* sfcat.h — the pieces of `hookstack sfns catalog` (runner/cli_sfns_catalog.c) around the catalog
 * matcher (lib/sfns_catalog/catmatch.h): reading the exports and the catalog settings into a
 * matcher set, reading and applying a reviewer's decisions file, and writing the three outputs
 * (the canonical catalog settings, the review CSV, the self-contained HTML report). */
#ifndef HS_SFCAT_H
#define HS_SFCAT_H

#include <stddef.h>

#include "arena.h"
#include "catmatch.h"
#include "json.h"

/* settings.sfns.catalog as the command reads it (the rules, the explicit map, the fields). */
struct sfcat_settings {
    struct catmatch_options opts;
    const struct json_value *normalise; /* as given (written back as given), or NULL */
    const struct json_value *map;       /* object code -> id, or NULL */
    const struct json_value *bundles;   /* as given (carried over), or NULL */
    const char *product_code_field;     /* "ProductCode" */
    const char *item_id_field;          /* NULL: not read */
    const char *rounding_item;          /* NULL */
};

/* Reads a settings file: {"sfns": {"catalog": {...}}}, {"catalog": {...}} or the section itself.
 * Defaults without a path. The keys and checks of docs/sfns-settings.md ("Catalog"); 0, or -1
 * with a message naming the file and the key in err. */
int sfcat_settings_read(struct arena *a, const char *path, struct sfcat_settings *cs, char *err,
                        size_t errlen);

/* What the readers met that is worth a line in the summary. */
struct sfcat_counts {
    size_t entries, entries_unknown_product, bundle_rows, bundle_rows_unknown;
    size_t item_rows, duplicate_item_rows;
};

/* Adds the Salesforce products of `products` (with nested PricebookEntries when present), then
 * the price book entries of `entries` (may be NULL; `pricebook` NULL takes every price book, the
 * first entry of a product and currency wins), then the bundle definitions of `bundles` (may be
 * NULL). currency: the ISO code of an entry without one. 0, or -1 with a message. */
int sfcat_read_salesforce(struct catmatch_set *set, struct arena *a,
                          const struct sfcat_settings *cs, const char *products,
                          const char *entries, const char *pricebook, const char *bundles,
                          const char *currency, struct sfcat_counts *k, char *err, size_t errlen);

/* Adds the NetSuite items of path (rows of one internal id are one item: later rows add kit or
 * group members). currency: the ISO code of a price without one. */
int sfcat_read_netsuite(struct catmatch_set *set, struct arena *a, const char *path,
                        const char *currency, struct sfcat_counts *k, char *err, size_t errlen);

/* Rows of an export held in memory (JSON array / {"records"|"data": [...]} or CSV), as
 * sfns_export_read reads files; NULL with a message. */
struct json_value *sfcat_rows_parse(struct arena *a, const char *buf, size_t len, char *err,
                                    size_t errlen);

/* ---- decisions ------------------------------------------------------------------------------ */

/* Applies the decisions of buf (the review CSV with `decision` filled in, or JSON rows
 * {"product_id", "decision", "map_to"}): accept, reject, or map with map_to naming a NetSuite
 * internal id. A row without a decision is skipped. Returns the number applied, or -1 with a
 * message naming the row (an unknown product or item, an unknown decision, accepting a product
 * without a proposal). `name` names the input in messages. */
long sfcat_decisions_apply(struct catmatch_set *set, struct arena *a, const char *name,
                           const char *buf, size_t len, char *err, size_t errlen);

/* ---- outputs -------------------------------------------------------------------------------- */

struct sfcat_written {
    size_t items, map, bundles, carried, skipped; /* skipped: a key another entry holds */
};

/* The catalog settings with only accepted mappings, canonical: keys sorted, one entry a line, so
 * the same decisions give the same bytes. 0, or -1 (message in err). */
int sfcat_write_settings(const char *path, const struct catmatch_set *set,
                         const struct sfcat_settings *cs, struct sfcat_written *w, char *err,
                         size_t errlen);

/* Every product with status review or unmatched (all: every product), a row each, with empty
 * decision columns. */
int sfcat_write_review(const char *path, const struct catmatch_set *set, int all, size_t *rows,
                       char *err, size_t errlen);

/* The HTML report: counts, filters, every proposal with its evidence; no external asset. */
int sfcat_write_html(const char *path, const struct catmatch_set *set, const char *title, char *err,
                     size_t errlen);

/* Writes the canonical JSON text of v (object keys sorted by bytes, two-space indentation,
 * arrays of scalars and small objects kept on one line) into out. 0 or -1 (memory). */
int sfcat_json_canonical(struct json_buf *out, const struct json_value *v);

#endif
