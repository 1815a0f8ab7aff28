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

/* Branch names of a branching function: settings.branches of options, an array whose element i
 * names branch i as a string or as an object with a string "name" (a router's `branches`).
 * kind_branch_count: its length, or -1 when options.settings.branches is not an array.
 * kind_branch_name: the name of branch index (borrowed, *len its length), or NULL.
 * kind_branch_index: the first index whose name is name, or -1. */
long kind_branch_count(const struct json_value *options);
const char *kind_branch_name(const struct json_value *options, size_t index, size_t *len);
long kind_branch_index(const struct json_value *options, const char *name, size_t len);

/* Checks the options a function of kind is called with, before the call: a per-record kind needs
 * its array (options.data for preMap, ...: kind_record_array), preSavePage the array
 * options.data, and branching options.record (an object or an array). Returns 0 when they hold (and for every other kind); else -1, *code
 * "missing_required_field" (absent) or "invalid_field" (of another type, or options not an
 * object), and one sentence naming the kind, the function and what is missing in msg. */
int kind_check_input(hs_kind kind, const char *fn_name, const struct json_value *options,
                     const char **code, char *msg, size_t msglen);

/* Checks result (NULL: the function gave no value) against the contract of kind, given the
 * options the function was called with. Returns 0 when it holds; else -1 and one sentence naming
 * the function, the kind and what is wrong in msg (always NUL-terminated); an element of a
 * per-record answer is named by its record ("record 3 of 20, id 001C", crash.h). */
int kind_check(hs_kind kind, const char *fn_name, const struct json_value *options,
               const struct json_value *result, char *msg, size_t msglen);

#endif
