/* flows_canon.h — the resource types of a flows/ folder and their canonical form (docs/flows.md):
 * volatile and captured fields removed, secrets as placeholders, keys in a fixed order, 2-space
 * indentation, LF line ends and a final newline. `flows validate` checks files against it,
 * `flows fmt` and `flows import` write it, a pull will write it. */
#ifndef HS_FLOWS_CANON_H
#define HS_FLOWS_CANON_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "json.h"

enum flows_type {
    FLOWS_INTEGRATION = 0,
    FLOWS_CONNECTION,
    FLOWS_EXPORT,
    FLOWS_IMPORT,
    FLOWS_FLOW,
    FLOWS_SCRIPT,
    FLOWS_STACK,
    FLOWS_ENVIRONMENT,
    FLOWS_NTYPES
};

/* The placeholder a secret is written as; never sent to integrator.io (a push keeps what the
 * account holds). */
#define FLOWS_SECRET "<secret>"

/* How every resource text is read: as UTF-8, each ill-formed sequence becoming U+FFFD and one
 * leading BOM dropped (so keys sort the same before and after writing), nesting at most 256. */
extern const struct json_parse_opts flows_parse_opts;

/* The folder of a type ("connections", ...; "" for the integration, which is one file). */
const char *flows_type_dir(enum flows_type t);
/* The type whose folder is the n bytes of s, or -1. */
int flows_type_from_dir(const char *s, size_t n);

/* Puts v, a resource of type t, into canonical form in place: drops the volatile fields (top level
 * and anywhere, see flows_canon.c) and replaces secrets with FLOWS_SECRET. 0, or -1 when out of
 * memory. Environments are left as they are (their ids are their point). */
int flows_canon(struct arena *a, enum flows_type t, struct json_value *v);

/* Appends the canonical text of v (already canonical in content) to out: keys ordered ("name"
 * first, then byte order), two spaces per level, LF, a final newline. 0, or ERR_NOMEM. */
int flows_canon_write(struct json_buf *out, const struct json_value *v);

/* Both steps on the len bytes of text: parses (NULL err fields on success), canonicalizes and
 * writes. 0; -1 with *err filled when the text is not JSON or not an object; -2 when out of
 * memory. */
int flows_canon_text(struct arena *a, enum flows_type t, const char *text, size_t len,
                     struct json_buf *out, struct json_error *err);

/* True when key (klen bytes) names a secret whose string value is never kept. */
bool flows_secret_key(const char *key, size_t klen);

#endif
