/* sfns_sku.h — SKU normalisation of the sfns catalog (settings.sfns.catalog.normalise): the
 * rules that turn a Salesforce product code or a NetSuite item name into the key both are
 * compared by. Pure C (no hook API), shared by the sfns module's catalog (hooks/sfns/
 * sfns_catalog.c) and `hookstack sfns catalog` (runner/cli_sfns_catalog.c), so the proposals the
 * command makes match what the order hooks resolve. */
#ifndef SFNS_SKU_H
#define SFNS_SKU_H

#include <stddef.h>

typedef enum sfns_sku_case {
    SFNS_SKU_UPPER = 0, /* "upper": ASCII letters to upper case */
    SFNS_SKU_LOWER = 1, /* "lower" */
    SFNS_SKU_EXACT = 2  /* "exact": case kept (and compared) */
} sfns_sku_case;

typedef struct sfns_sku_rules {
    sfns_sku_case fold;
    const char *remove;          /* bytes dropped anywhere ("-_. /"); "" none */
    const char *const *prefixes; /* dropped from the start (already normalised), nprefixes */
    size_t nprefixes;
    const char *const *suffixes; /* dropped from the end (already normalised) */
    size_t nsuffixes;
    int strip_leading_zeros; /* "007" -> "7" (a lone "0" stays) */
    int strip_parent;        /* NetSuite's "Parent : Child" item names -> "Child" */
} sfns_sku_rules;

/* Normalises the len bytes of text into out (room for len + 1 bytes; NUL-terminated) and returns
 * the length. In order: surrounding white space trimmed; with strip_parent, only what follows
 * the last ':' (trimmed) kept; case folded; `remove` bytes dropped; the first listed prefix that
 * the text starts with dropped, then the first listed suffix it ends with, each only when
 * something is left; leading zeros dropped (one character is always left). Bytes past ASCII are
 * kept as they are. Prefixes and suffixes must themselves be normalised (sfns_sku_affix). */
size_t sfns_sku_normalise(const sfns_sku_rules *r, const char *text, size_t len, char *out);

/* A prefix or suffix as the rules compare it (trimmed, folded, `remove` bytes dropped). */
size_t sfns_sku_affix(const sfns_sku_rules *r, const char *text, size_t len, char *out);

#endif
