/* sfns_export.h — reading the exports `hookstack sfns match` compares: a whole Salesforce or
 * NetSuite export file (a JSON array as integrator.io's exports produce it, an object holding it
 * under "records" or "data", or CSV with a header row) into records, and reading a record's fields
 * by name whatever the export's spelling ("FirstName", "firstname", "First Name" and "first_name"
 * are one name: compared in lower case without anything but letters and digits). */
#ifndef HS_SFNS_EXPORT_H
#define HS_SFNS_EXPORT_H

#include <stddef.h>

#include "arena.h"
#include "json.h"

/* Largest export file read (bytes). */
#define SFNS_EXPORT_MAX_BYTES (2ull * 1024 * 1024 * 1024)

/* Reads the file at path. JSON when its first non-blank byte is '[' or '{', else CSV. The result
 * is an array of records (objects), arena-owned. NULL with a one-line message in err naming the
 * file ("contacts.json:3:7: unexpected character 'x'", "accounts.csv: line 4: ...", "x.json: the
 * top level must be an array of records, or an object with a \"records\" or \"data\" array");
 * an element that is not an object is an error naming its index. */
struct json_value *sfns_export_read(struct arena *a, const char *path, char *err, size_t errlen);

/* The value of a field: name is a normalised name ("firstname") or a path of them
 * ("account.name"); NULL when absent. */
const struct json_value *sfns_export_get(const struct json_value *rec, const char *name);

/* The text of the first present field of names (NULL-terminated): a string, or a number written
 * as JavaScript would; NULL when none is. Number texts go into buf (cap bytes). */
const char *sfns_export_text(const struct json_value *rec, const char *const *names, char *buf,
                             size_t cap);

/* A string -> record map (exact keys), for accounts by id and customers by internal id. */
struct sfns_map;
struct sfns_map *sfns_map_new(size_t expected);
void sfns_map_free(struct sfns_map *m);
/* Adds key (copied) -> v; a repeated key keeps its first value. 0, or -1 when out of memory. */
int sfns_map_put(struct sfns_map *m, const char *key, const struct json_value *v);
const struct json_value *sfns_map_get(const struct sfns_map *m, const char *key);

#endif
