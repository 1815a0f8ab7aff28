/* jsondiff.h — semantic comparison of two JSON trees that lists the paths where they differ.
 *
 * `hookstack test` uses it to explain a failing fixture case. Equality is json_equal's: numbers by
 * value (12.5 and 12.50 are the same), objects as maps (key order ignored), arrays in order,
 * strings byte for byte, true/false/null by type. Each difference names one path from the root in
 * JavaScript notation ("$", "$[0].options.amount", "$.a[\"odd key\"]") and both sides as compact
 * JSON, or JSONDIFF_ABSENT where one side has no value at that path. Differences come in document
 * order: the expected side's members first, then the members only the actual side has.
 *
 * The walk is iterative (an explicit stack in the arena), so nesting depth costs heap, never C
 * stack. Everything it returns lives in the arena passed in. */
#ifndef HS_JSONDIFF_H
#define HS_JSONDIFF_H

#include <stddef.h>
#include <stdio.h>

#include "arena.h"
#include "json.h"

#define JSONDIFF_ABSENT "(absent)"

struct jsondiff_entry {
    const char *path;     /* "$..." */
    const char *expected; /* compact JSON, cut past max_value bytes ("..." appended), or ABSENT */
    const char *got;
};

struct jsondiff {
    struct jsondiff_entry *entries; /* the first max_entries differences */
    size_t len;                     /* entries filled */
    size_t total;                   /* differences found in all (>= len); 0: equal */
};

/* Compares expected with got (either may be NULL: absent). Keeps the first max_entries
 * differences; printed values longer than max_value bytes (0: no limit) are cut at a UTF-8
 * character boundary. Returns 0, or -1 when the arena ran out of memory. */
int jsondiff_compare(struct arena *a, const struct json_value *expected,
                     const struct json_value *got, size_t max_entries, size_t max_value,
                     struct jsondiff *out);

/* Writes one line per kept difference, "<indent>PATH: expected E, got G", then
 * "<indent>... and N more differences" when some were not kept. Returns 0 or -1 on write error. */
int jsondiff_print(const struct jsondiff *d, const char *indent, FILE *f);

#endif
