/* kind.h — hook kinds: their names, default framework 1.0 groups, and the contract every result
 * is checked against before the runner answers (array lengths, element shapes, required fields). */
#ifndef HS_KIND_H
#define HS_KIND_H

#include <stdbool.h>
#include <stddef.h>

#include "hookstack.h"
#include "json.h"

/* "preSavePage", "preMap", ..., "raw"; "unknown" for a value outside the enum. */
const char *kind_name(hs_kind kind);
/* True for the values of enum hs_kind. */
bool kind_valid(int kind);
/* The group a kind's functions join by default: "hooks", "wrappers", "settings", "utilities",
 * "installer", "uninstaller", or NULL (raw). */
const char *kind_default_group(hs_kind kind);
/* The options array a per-record kind walks ("data", "postMapData", "responseData",
 * "postResponseMapData"), NULL for other kinds. */
const char *kind_record_array(hs_kind kind);

/* Checks result (NULL: the function gave no value) against the contract of kind, given the
 * options the function was called with. Returns 0 when it holds; else -1 and one sentence naming
 * the function, the kind and what is wrong in msg (always NUL-terminated). */
int kind_check(hs_kind kind, const char *fn_name, const struct json_value *options,
               const struct json_value *result, char *msg, size_t msglen);

#endif
