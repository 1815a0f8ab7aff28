/* sfns_items.h — NetSuite items and their price matrices -> Salesforce Product2, PricebookEntry
 * and price tier records (sfnsItemsToPricebook): the settings of settings.sfns.pricebooks
 * (sfns_items_conf.c), the price matrix as integrator.io's NetSuite export delivers it and the
 * decimal rules over it (sfns_items_matrix.c), and the page function (sfns_items.c). Every price
 * is an hs_decimal; nothing goes through binary floating point. */
#ifndef SFNS_ITEMS_H
#define SFNS_ITEMS_H

#include "sfns.h"
#include "sfns_catalog.h"
#include "sfns_fx.h"

#include <stddef.h>

/* ---- settings.sfns.pricebooks ------------------------------------------------------------ */

typedef enum sfns_items_breaks {
    SFNS_BREAKS_TIERS = 0,      /* "tiers": one tier record per quantity break */
    SFNS_BREAKS_SERIALISED = 1, /* "serialised": the breaks as JSON text on the entry */
    SFNS_BREAKS_NONE = 2        /* "none": only the quantity-1 price */
} sfns_items_breaks;

typedef struct sfns_items_conf {
    const char *standard_pricebook; /* Salesforce Pricebook2 Id of the standard pricebook */
    const char *base_level;         /* NetSuite price level (internal id or name) of that book */
    const hs_json *levels;          /* NetSuite level -> Salesforce Pricebook2 Id; NULL: none */
    const char **currencies;        /* ISO codes Salesforce has enabled; NULL: the item's own */
    size_t ncurrencies;
    const hs_json *currency_codes; /* NetSuite currency (id or name) -> ISO code; NULL: none */
    int convert;                   /* missingCurrency "convert" (else "skip") */
    const char *base_currency;     /* what conversions start from (else the corporate currency) */
    /* settings.sfns.currency: rates, dated rates, triangulation through the corporate currency,
     * rounding and minor units. The deprecated pricebooks.rates (quoted against baseCurrency)
     * and pricebooks.rounding are folded into it when given. */
    sfns_fx fx;
    int legacy_rates; /* the rates are the deprecated pricebooks.rates */
    sfns_catalog cat; /* settings.sfns.catalog: SKU rules and the explicit map */
    sfns_items_breaks breaks;
    const char *tier_object;       /* attributes.type of tier records */
    const char *breaks_field;      /* entry field of serialised breaks */
    const char *product_key;       /* Product2 external id field */
    const char *entry_key;         /* PricebookEntry (and tier) external id field */
    const hs_json *family_by_type; /* NetSuite recordType -> Product2 Family; NULL: none */
    const char *family_field;      /* NetSuite field whose text is the Family; NULL: none */
    const char *name_field;        /* "displayname" or "itemid" */
    /* The product code: the inverse of the catalog rules (its explicit map reversed, the parent
     * dropped, the case folded, its first prefix and suffix put back). The deprecated
     * pricebooks.productCode, when given, replaces them with its own rules and defaults. */
    const hs_json *code_map; /* deprecated productCode.map: internal id or name -> code */
    int code_strip_parent;
    sfns_sku_case code_case;
    const char *code_prefix, *code_suffix;
    int legacy_code; /* productCode was given */
} sfns_items_conf;

/* Reads settings.sfns.pricebooks; on a problem the invocation fails (422 invalid_setting naming
 * the key) and that status is returned. */
hs_status sfns_items_conf_read(hs_ctx *ctx, sfns_items_conf *c);

/* ---- the price matrix --------------------------------------------------------------------- */

/* One quantity break: from `quantity` units on, `price` each. */
typedef struct sfns_break {
    hs_decimal quantity;
    hs_decimal price;
} sfns_break;

/* One row of the matrix: a price level in a currency, its breaks by rising quantity. */
typedef struct sfns_price_row {
    const char *currency; /* ISO code */
    const char *level_id, *level_name;
    sfns_break *b;
    size_t n;
} sfns_price_row;

typedef struct sfns_price_matrix {
    sfns_price_row *rows;
    size_t n;
} sfns_price_matrix;

/* Reads one priceList (an object {"price": [...]} or {"price": {...}}, or the array itself) into
 * breaks sorted by quantity. A price whose value is null or "" is no price (left out). Returns
 * HS_OK, HS_ERR_NOMEM, or HS_ERR_PARSE with *problem (arena) saying which price is wrong (a
 * value or quantity that is not a decimal, a negative one, two breaks at one quantity). */
hs_status sfns_breaks_read(hs_ctx *ctx, const hs_json *price_list, sfns_break **out, size_t *n,
                           const char **problem);

/* The quantity-1 price: the break of the largest quantity not above 1. 0 when there is none
 * (the first break starts above 1). */
int sfns_breaks_unit_price(const sfns_break *b, size_t n, hs_decimal *out);

/* Breaks in the base currency converted through `pair` (sfns_fx_convert: each price rounded once
 * to the target's minor units with settings.sfns.currency.rounding); quantities kept. out may be
 * in. */
hs_status sfns_breaks_convert(hs_ctx *ctx, const sfns_fx *fx, const sfns_fx_pair *pair,
                              const sfns_break *in, size_t n, sfns_break *out);

/* Reads item.pricingMatrix.pricing[] (currency and priceLevel as NetSuite references or scalars,
 * priceList.price[] of {value, quantity}). Absent or null: no rows. Currencies become ISO codes
 * through c->currency_codes, else the reference's name when it is an ISO code. HS_ERR_PARSE with
 * *code ("bad_price", "unknown_currency", "bad_matrix") and *problem (arena) for a row that
 * cannot be read; a level and currency given twice is "bad_matrix". */
hs_status sfns_matrix_read(hs_ctx *ctx, const sfns_items_conf *c, const hs_json *item,
                           sfns_price_matrix *out, const char **code, const char **problem);

/* The row of `level` (an internal id or a name, matched with either) in `currency`, or NULL. */
const sfns_price_row *sfns_matrix_find(const sfns_price_matrix *m, const char *level,
                                       const char *currency);

/* Whether any row is of `level`. */
int sfns_matrix_has_level(const sfns_price_matrix *m, const char *level);

/* The conversion from the base currency to `to` valid on `on` (the date of the export's run time)
 * through settings.sfns.currency, with the rates the item carries at currency.ratesField first.
 * SFNS_FX_OK, or a status with *problem (arena) saying which rate to add where. */
sfns_fx_status sfns_items_pair(hs_ctx *ctx, const sfns_items_conf *c, const hs_json *item,
                               const char *to, const hs_datetime *on, sfns_fx_pair *pair,
                               const char **problem);

/* The Salesforce product code of an item (internal id, item name): settings.sfns.catalog.map
 * reversed (the first code mapped to the internal id); else the item name through the inverse of
 * the catalog rules (parent dropped, case folded, prefix and suffix put back when the code still
 * normalises to the item's key). With the deprecated productCode: its map by internal id, then by
 * item name, else the name through its rules (prefix and suffix added as given). NULL when the
 * item has no name and no map entry. */
const char *sfns_items_code(hs_ctx *ctx, const sfns_items_conf *c, const char *id,
                            const char *itemid);

#endif
