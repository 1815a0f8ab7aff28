/* flows_set.h — a flows/ folder read into memory (docs/flows.md): one entry per resource file with
 * its text and parsed tree, and the findings a command reports as "file:line:col: message" lines.
 * Read by `flows validate` and `flows export`, written by `flows import`. */
#ifndef HS_FLOWS_SET_H
#define HS_FLOWS_SET_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "flows_canon.h"
#include "flows_locate.h"
#include "json.h"

struct flows_file {
    enum flows_type type;
    const char *name; /* local name: the file's stem ("integration" for the integration) */
    const char *path; /* as findings name it: DIR/exports/NAME.json */
    const char *text; /* the file's bytes (len), NUL-terminated */
    size_t len;
    struct json_value *value; /* NULL when the text is not JSON */
    const char *js;           /* scripts: the content of NAME.js (js_len bytes), or NULL */
    size_t js_len;
};

struct flows_finding {
    const char *path;
    uint32_t line, col;
    const char *message;
};

struct flows_set {
    struct arena *arena; /* every string and tree of the set */
    struct flows_file *files;
    size_t nfiles, cap_files;
    struct flows_finding *findings;
    size_t nfindings, cap_findings;
    bool nomem;
};

/* An empty set (its own arena). NULL when out of memory. */
struct flows_set *flows_set_new(void);
void flows_set_free(struct flows_set *s);

/* Adds a file of type and name whose bytes are text (copied); parses it, and records a finding
 * with the parser's line and column when it is not JSON or not an object. The entry, or NULL when
 * out of memory. */
struct flows_file *flows_set_add(struct flows_set *s, enum flows_type type, const char *name,
                                 const char *path, const char *text, size_t len);

/* The file of type and name (n bytes), or NULL. */
struct flows_file *flows_set_find(const struct flows_set *s, enum flows_type type, const char *name,
                                  size_t n);

/* Records a finding at path in f (NULL path: line 1 column 1; NULL f: a finding about dir_path
 * itself, at 1:1). */
void flows_report(struct flows_set *s, const struct flows_file *f, const struct flows_path *path,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void flows_report_at(struct flows_set *s, const char *file, uint32_t line, uint32_t col,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Reads the folder dir: integration.json, then every TYPE/NAME.json (and scripts/NAME.js) of the
 * type folders, in name order. What cannot be read or does not belong (an unknown folder or file,
 * a name that is not a local name) becomes a finding. 0, or -1 when out of memory. */
int flows_set_load(struct flows_set *s, const char *dir);

/* True when the n bytes of s form a local name: lowercase letters and digits in words joined by
 * single '-', at most 100 bytes. */
bool flows_name_valid(const char *s, size_t n);

#endif
