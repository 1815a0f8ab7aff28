/* fixture.h — the fixture cases `hookstack test` runs: discovery under a folder, loading of one
 * case.
 *
 * A case is three files with one stem, normally under test-fixtures/<module>/<function>/:
 *   <case>.request.json   a full POST /function body ({"diy":true,"type":...,"function":...,...})
 *   <case>.response.json  the expected response body; an empty file (or whitespace only) means
 *                         the response body must be empty (a function that returns nothing)
 *   <case>.status         optional: the expected HTTP status as a decimal number (default 200)
 * Discovery walks the folder (any depth up to FIXTURE_MAX_DEPTH, symbolic links to folders are not
 * followed), pairs the files by stem and sorts the cases by name, so runs are reproducible. A
 * stem with a .response.json or .status but no .request.json is still a case: loading it fails
 * and names the missing file, so a misspelt file never passes silently. */
#ifndef HS_FIXTURE_H
#define HS_FIXTURE_H

#include <stddef.h>

#include "arena.h"
#include "json.h"

#define FIXTURE_MAX_DEPTH       16
#define FIXTURE_MAX_FILE        (64u * 1024u * 1024u) /* bytes read from one file */
#define FIXTURE_SUFFIX_REQUEST  ".request.json"
#define FIXTURE_SUFFIX_RESPONSE ".response.json"
#define FIXTURE_SUFFIX_STATUS   ".status"

struct fixture_case {
    const char *name;         /* stem relative to the root: "conformance/doSomething/basic" */
    const char *request_path; /* root-prefixed paths; NULL when that file does not exist */
    const char *response_path;
    const char *status_path;
};

struct fixture_list {
    struct fixture_case *cases; /* sorted by name */
    size_t len;
};

/* Finds every case under root. Returns 0 (an empty list is not an error), or -1 with one line in
 * err (root unreadable, too deep, out of memory). Everything lives in a. */
int fixture_discover(struct arena *a, const char *root, struct fixture_list *out, char *err,
                     size_t errlen);

struct fixture_loaded {
    const char *request; /* the request file's bytes, as sent to POST /function */
    size_t request_len;
    struct json_value *request_json;
    const char *response; /* the response file's bytes */
    size_t response_len;
    struct json_value *response_json; /* NULL: the response body must be empty */
    int status;                       /* expected HTTP status */
};

/* Reads and parses one case. Returns 0, or -1 with one line in err naming the file and, for JSON,
 * line and column: "test-fixtures/m/f/c.response.json:3:7: unexpected character '}'". */
int fixture_load(struct arena *a, const struct fixture_case *c, struct fixture_loaded *out,
                 char *err, size_t errlen);

/* Reads a whole file ("-": standard input) of at most max bytes into a, NUL-terminated. Returns
 * the bytes, or NULL with "PATH: reason" in err. */
char *fixture_file_read(struct arena *a, const char *path, size_t max, size_t *len, char *err,
                        size_t errlen);

/* Parses text as JSON; on failure writes "PATH:LINE:COLUMN: message" into err. */
struct json_value *fixture_json_parse(struct arena *a, const char *path, const char *text,
                                      size_t len, char *err, size_t errlen);

#endif
