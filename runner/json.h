/* json.h — the JSON engine: a strict reader with JSON.parse's rules and a writer with
 * JSON.stringify's output, over an arena-allocated tree (rules in docs/json-fidelity.md).
 *
 * Strings are byte strings of explicit length in WTF-8: UTF-8 where a lone surrogate (only ever
 * made by a \uD800-\uDFFF escape) is kept as its 3-byte generalised UTF-8 form, so U+0000 and lone
 * surrogates survive a round trip. Objects keep insertion order; a repeated key keeps its first
 * position and takes the last value. The writer prints array-index keys first, ascending, like
 * JavaScript. Every node lives in the arena it was made in; nothing here frees a node. */
#ifndef HS_JSON_H
#define HS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "err.h"

enum json_type {
    JSON_NULL = 0,
    JSON_FALSE,
    JSON_TRUE,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT,
    /* Not plain JSON: a JavaScript Date (milliseconds since the epoch, NaN for an invalid date).
     * The reference turns lastExportDateTime/currentExportDateTime into Dates before a call; a
     * result that contains one is "not serializable". */
    JSON_DATE,
};

struct json_value;

struct json_member {
    const char *key; /* NUL-terminated for convenience; may contain NULs (use key_len) */
    uint32_t key_len;
    struct json_value *value;
};

struct json_value {
    uint8_t type; /* enum json_type */
    uint32_t len; /* string: bytes; array: items; object: members */
    uint32_t cap; /* allocated items/members */
    void *index;  /* object: optional key index for large objects (owned by the arena) */
    union {
        double num;      /* JSON_NUMBER, JSON_DATE */
        const char *str; /* JSON_STRING, NUL-terminated, len bytes */
        struct json_value **items;
        struct json_member *members;
    } u;
};

/* ---- reading -------------------------------------------------------------------------------- */

struct json_parse_opts {
    /* body-parser's strict mode: the first non-whitespace character must be '{' or '['. */
    bool require_container;
    /* Decode the input as UTF-8 first, replacing each maximal ill-formed subsequence with U+FFFD,
     * and strip one leading BOM (what body-parser does before JSON.parse). */
    bool decode_utf8;
    /* Maximum nesting depth; 0 means the default (JSON_MAX_PARSE_DEPTH). The parser itself is
     * iterative, so this is a memory bound, not a stack bound. */
    uint32_t max_depth;
};

#define JSON_MAX_PARSE_DEPTH 100000u

struct json_error {
    size_t offset;     /* byte offset of the error in the input as given */
    uint32_t line;     /* 1-based */
    uint32_t column;   /* 1-based, in bytes */
    char message[128]; /* e.g. "unexpected character 'x'", "unexpected end of input" */
};

/* Parses len bytes of buf (NULs allowed inside, no terminator needed). Returns the root, or NULL
 * with *err filled (err may be NULL). Out of memory (the arena's limit) is reported as an error
 * whose message says so. */
struct json_value *json_parse(struct arena *a, const char *buf, size_t len,
                              const struct json_parse_opts *opts, struct json_error *err);

/* ---- writing -------------------------------------------------------------------------------- */

/* A growable output buffer with a hard limit; data is malloc-owned (json_buf_free). */
struct json_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t limit; /* 0: no limit */
};

void json_buf_init(struct json_buf *b, size_t limit);
void json_buf_free(struct json_buf *b);
/* 0, or ERR_NOMEM: out of memory or past the buffer's limit. */
int json_buf_append(struct json_buf *b, const void *p, size_t n);

/* The reference answers 422 invalid_extension_response past about 4,100 levels. */
#define JSON_MAX_WRITE_DEPTH 4100u

enum json_write_flags {
    /* Reject an own key "hasOwnProperty" anywhere, as the reference's validator does. */
    JSON_WRITE_REJECT_HASOWNPROPERTY = 1u << 0,
};

/* Appends the compact JSON.stringify text of v to out. *utf16_len (may be NULL) receives the
 * JavaScript string length of what was written (UTF-16 code units), for the maxResponseSize rule.
 * Invalid UTF-8 in a string is written as U+FFFD per maximal ill-formed subsequence; a lone
 * surrogate as a lowercase \udxxx escape. Returns 0; ERR_NOMEM when out of memory or past the
 * buffer's limit; ERR_UNSERIALIZABLE for a JSON_DATE, a key "hasOwnProperty" (with
 * JSON_WRITE_REJECT_HASOWNPROPERTY) or nesting deeper than JSON_MAX_WRITE_DEPTH (cycles end
 * there). */
int json_write(struct json_buf *out, const struct json_value *v, unsigned flags, size_t *utf16_len);

/* JavaScript's Number.prototype.toString(10) of d into out (NUL-terminated); returns the length.
 * NaN and infinities give "NaN", "Infinity", "-Infinity" (json_write prints them as null). */
#define JSON_NUMBER_MAX 32
size_t json_number_format(double d, char out[JSON_NUMBER_MAX]);

/* UTF-16 code units of a valid UTF-8 text (JavaScript's .length of it). */
size_t json_utf16_len(const char *s, size_t len);

/* ---- building and reading trees ------------------------------------------------------------- */

struct json_value *json_new_null(struct arena *a);
struct json_value *json_new_bool(struct arena *a, bool b);
struct json_value *json_new_number(struct arena *a, double d);
struct json_value *json_new_string(struct arena *a, const char *s, size_t len); /* copies */
struct json_value *json_new_array(struct arena *a);
struct json_value *json_new_object(struct arena *a);
struct json_value *json_new_date(struct arena *a, double ms);

/* Array: count, item i (NULL when out of range), append (0, or -1 when out of memory). */
size_t json_len(const struct json_value *v); /* items, members, string bytes; 0 otherwise */
struct json_value *json_array_get(const struct json_value *arr, size_t i);
int json_array_push(struct arena *a, struct json_value *arr, struct json_value *v);

/* Object: the value of key (NULL when absent); set replaces in place or appends (0 / -1);
 * delete removes and keeps the order of the rest (0, or -1 when absent). */
struct json_value *json_object_get(const struct json_value *obj, const char *key, size_t key_len);
int json_object_set(struct arena *a, struct json_value *obj, const char *key, size_t key_len,
                    struct json_value *v);
int json_object_delete(struct json_value *obj, const char *key, size_t key_len);

/* Deep copy into a (which may be another arena). NULL when out of memory. */
struct json_value *json_clone(struct arena *a, const struct json_value *v);

/* Semantic equality: numbers by value, objects as maps (key order ignored), arrays in order. */
bool json_equal(const struct json_value *x, const struct json_value *y);

/* JavaScript ToBoolean of a value (null, false, 0, -0, NaN and "" are falsy; dates are truthy). */
bool json_truthy(const struct json_value *v);

#endif
