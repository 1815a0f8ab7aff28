/* sfns_strings.h — lists of strings in settings (stage names, field names, error codes): the
 * strict reader and the case-insensitive lookups the rules make in them. */
#ifndef SFNS_STRINGS_H
#define SFNS_STRINGS_H

#include "sfns.h"

#include <stddef.h>

typedef struct sfns_strings {
    const char *const *v;
    size_t n;
} sfns_strings;

/* An array of non-empty strings at key; {def, ndef} when absent or null ([] is an empty list).
 * Anything else is a problem recorded on c, naming the key (and the item). */
sfns_strings sfns_conf_strings(sfns_conf *c, const char *key, const char *const *def, size_t ndef);

/* Whether text is one of the list's items, ignoring ASCII case (text NULL: no). */
int sfns_strings_has(const sfns_strings *l, const char *text);

/* The items quoted and joined ("\"Closed Won\", \"Won\""), or "none" (arena-owned). */
const char *sfns_strings_text(hs_ctx *ctx, const sfns_strings *l);

/* What a JSON value is, for messages ("a string", "an object", ...). */
const char *sfns_type_name(const hs_json *v);

#endif
