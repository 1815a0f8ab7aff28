/* flows_layout.h — Celigo's integration download layout (docs/protocol.md §7.7) to and from a
 * flows/ folder (docs/flows.md), on entries in memory: `flows import` and `flows export` read and
 * write the zip itself (flows_zip.h). The download's resources name each other by integrator.io
 * ids; the folder by local references "@TYPE/NAME", with the ids kept per environment in
 * environments/ENV.json.
 *
 * The download is untrusted input: any entry may be anything. Entries are limited in number and
 * size (FLOWS_LAYOUT_MAX_*), output paths are built from local names only (never from entry
 * names), and every failure is one line naming the entry. */
#ifndef HS_FLOWS_LAYOUT_H
#define HS_FLOWS_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "flows_set.h"

#define FLOWS_LAYOUT_MAX_ENTRIES 10000u
#define FLOWS_LAYOUT_MAX_ENTRY   (32u << 20) /* bytes of one entry */

/* A file: a zip entry (path inside the zip) or a file of the folder (path relative to it). */
struct flows_entry {
    const char *path;
    const char *data;
    size_t len;
};

struct flows_entries {
    struct arena *arena; /* every path and data */
    struct flows_entry *e;
    size_t n, cap;
};

/* An empty list with its own arena (NULL when out of memory); _free frees it all. */
struct flows_entries *flows_entries_new(void);
void flows_entries_free(struct flows_entries *l);
/* Appends a copy of path and data. 0, or -1 when out of memory. */
int flows_entries_add(struct flows_entries *l, const char *path, const char *data, size_t len);

struct flows_import_opts {
    const char *env;    /* the environment whose ids the download holds: environments/ENV.json */
    const char *region; /* "US" or "EU", written into that file */
    /* Optional: the folder's current environments/ENV.json ids ({"@TYPE/NAME": id}); an id found
     * there keeps its local name, so a re-import renames nothing. */
    const struct json_value *known_ids;
};

/* Converts the entries of a download into the files of a flows/ folder (paths relative to it:
 * integration.json, TYPE/NAME.json, scripts/NAME.js, stacks/NAME.json for a stack the resources
 * name by id, environments/ENV.json), each in canonical form, into out. Ids the download does not
 * define are kept as they are, and one line per such id is added to notes (may be NULL). 0, or -1
 * with one line in err. */
int flows_layout_import(const struct flows_entries *in, const struct flows_import_opts *o,
                        struct flows_entries *out, struct flows_entries *notes, char *err,
                        size_t errlen);

/* Converts a loaded folder (no findings about JSON) into download entries: integration.json,
 * TYPE/Name-ID.json and scripts/Name-ID.js, references replaced by the ids of env_ids (the
 * "ids" of environments/ENV.json; may be NULL) or, for a resource without one, a stable id made
 * from its type and name. Stacks are not part of a download: references to them become their ids.
 * 0, or -1 with one line in err. */
int flows_layout_export(const struct flows_set *s, const struct json_value *env_ids,
                        struct flows_entries *out, char *err, size_t errlen);

/* True when the n bytes of s can be an integrator.io id here: 1 to 64 ASCII letters, digits and
 * '_' (real ids are 24 hex digits), so an id is safe in an entry name. */
bool flows_id_valid(const char *s, size_t n);

/* The local name made of a display name: lowercase ASCII letters and digits, other runs of
 * bytes as one '-', no '-' at either end, at most 64 bytes; "" when nothing is left. */
void flows_slug(const char *name, size_t n, char *out, size_t cap);

#endif
