/* sfns_text.h — reading record fields as integrator.io's exports deliver them: keys in any ASCII
 * case (Salesforce sample files use "billingstreet", NetSuite SOAP "companyName"), text trimmed,
 * numbers and booleans as JavaScript prints them, NetSuite select fields as a scalar id or a
 * reference object ({internalId|id|value, name|refName|text, externalId}). */
#ifndef SFNS_TEXT_H
#define SFNS_TEXT_H

#include "sfns.h"

/* A field of obj by name: the exact key, else the first key equal to it ignoring ASCII case.
 * NULL when obj is not an object or has no such key. */
hs_json *sfns_field(const hs_json *obj, const char *name);

/* A field by a dotted path of names, each step as sfns_field reads it: "Account.Name",
 * "PricebookEntry.Product2.ProductCode". NULL when a step is missing or not an object. */
hs_json *sfns_field_path(const hs_json *obj, const char *path);

/* What a field holds. */
typedef enum sfns_presence {
    SFNS_ABSENT = 0, /* no such key (the export did not select it) */
    SFNS_EMPTY = 1,  /* null, or text that is blank once trimmed */
    SFNS_TEXT = 2    /* text (*out, trimmed, arena-owned or borrowed) */
} sfns_presence;

/* A scalar as text: a string trimmed of ASCII white space, a number as JavaScript's String(),
 * a boolean "true"/"false". Objects and arrays are SFNS_ABSENT (not a scalar). */
sfns_presence sfns_text(hs_ctx *ctx, const hs_json *v, const char **out);
/* sfns_text of field `name` of obj. */
sfns_presence sfns_text_field(hs_ctx *ctx, const hs_json *obj, const char *name, const char **out);

/* A NetSuite select value: id and name (either may be NULL) and, for a reference object, its
 * externalId. A scalar is an id. SFNS_EMPTY for null, "" or an object with neither. */
typedef struct sfns_ref {
    const char *id;
    const char *name;
    const char *external_id;
} sfns_ref;
sfns_presence sfns_ref_read(hs_ctx *ctx, const hs_json *v, sfns_ref *out);

/* JavaScript truthiness of a NetSuite flag, also reading "T"/"F", "true"/"false", "yes"/"no"
 * (any case) as booleans: 1, 0, or -1 when v is absent or null. */
int sfns_flag(hs_ctx *ctx, const hs_json *v);

/* ASCII case-insensitive equality of two NUL-terminated strings. */
int sfns_streq_nocase(const char *a, const char *b);

/* The len bytes at s without their leading and trailing ASCII white space, NUL-terminated (s
 * itself when nothing changes and s[len] is its NUL, else an arena copy; NULL past the memory
 * limit). s[len] must be readable. */
const char *sfns_trim(hs_ctx *ctx, const char *s, size_t len);

/* What follows "which" in a message about a value decimal_from_json refused: a JSON number, or
 * text written as a number, "has more digits than an exact amount holds (...)"; anything else
 * `otherwise` ("is not a number"). */
const char *sfns_not_decimal(hs_ctx *ctx, const hs_json *v, const char *otherwise);

/* The n strings of parts joined (a NULL part is ""), as an arena string; NULL past the memory
 * limit. What the per-record paths use instead of sprintf, whose format parsing costs more than
 * the copying on a page of records. */
const char *sfns_concat(hs_ctx *ctx, const char *const *parts, size_t n);

/* a then b into buf (size bytes, NUL-terminated, cut to fit): a field name from a prefix and a
 * suffix ("Billing" "Street"). Returns buf. */
const char *sfns_key2(char *buf, size_t size, const char *a, const char *b);

#endif
