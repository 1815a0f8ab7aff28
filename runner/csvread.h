/* csvread.h — reads CSV text (RFC 4180: quoted fields may hold commas, line breaks and doubled
 * quotes) into the JSON engine's tree: an array with one object per record, keyed by the header
 * row. Built on libcsv (Debian libcsv-dev) in strict mode; used for the exports that
 * `hookstack sfns match` reads, which are untrusted input (tests/fuzz/fuzz_csv.c). */
#ifndef HS_CSVREAD_H
#define HS_CSVREAD_H

#include <stddef.h>

#include "arena.h"
#include "json.h"

/* Largest number of columns a header may have. */
#define CSVREAD_MAX_COLUMNS 4096u

/* Parses len bytes of buf (a UTF-8 byte-order mark at the start is skipped). The first record is
 * the header: its fields become the keys (an empty header field becomes "column N", 1-based; a
 * repeated name keeps its first column). Every later record becomes an object of string values;
 * a record with fewer fields than the header lacks the missing keys, one with more is an error.
 * Blank lines are skipped. Returns the array (arena-owned), or NULL with a one-line message in err
 * that gives the line ("line 7: a quote inside an unquoted field, or text after a closing
 * quote"). No header at all (empty input) gives an empty array. */
struct json_value *csvread_parse(struct arena *a, const char *buf, size_t len, char *err,
                                 size_t errlen);

#endif
