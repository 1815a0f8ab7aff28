/* flows_map.h — integrator.io's import mapping (Mapper 1.0: "mapping": {"fields", "lists"}) run
 * locally by `hookstack flows run` (docs/flows.md, "What the mapping engine does"): one record in,
 * the record the import would submit out. The mapping and the records are untrusted input
 * (tests/fuzz/fuzz_flows_map.c). */
#ifndef HS_FLOWS_MAP_H
#define HS_FLOWS_MAP_H

#include <stddef.h>

#include "arena.h"
#include "json.h"

enum flows_map_status {
    FLOWS_MAP_OK = 0,
    FLOWS_MAP_NOMEM = -1,
    FLOWS_MAP_UNSUPPORTED = -2, /* the mapping uses what the engine does not run: refuse the run */
    FLOWS_MAP_RECORD = -3,      /* this record cannot be mapped (a lookup without a value) */
};

/* Checks that every field and list of mapping (the import's "mapping" object) is one the engine
 * runs, and that every lookupName names a static lookup of lookups (an array of lookup objects;
 * NULL: none). FLOWS_MAP_OK, or FLOWS_MAP_UNSUPPORTED with a message naming the field in err. */
int flows_map_check(const struct json_value *mapping, const struct json_value *lookups, char *err,
                    size_t errlen);

/* Maps record through mapping (checked by flows_map_check) into a new object *out built in a.
 * FLOWS_MAP_OK; FLOWS_MAP_RECORD with the record's error message in err; FLOWS_MAP_UNSUPPORTED
 * (same messages as flows_map_check, which this repeats per field); FLOWS_MAP_NOMEM. */
int flows_map_record(struct arena *a, const struct json_value *mapping,
                     const struct json_value *lookups, const struct json_value *record,
                     struct json_value **out, char *err, size_t errlen);

/* The value at a Mapper 1.0 extract path in v ("a.b", "a[0].b", "[Name with spaces].c"), or
 * NULL when the path leads nowhere. -1 in *bad when the path is not one the engine reads. */
const struct json_value *flows_map_extract(const struct json_value *v, const char *path, size_t len,
                                           int *bad);

#endif
