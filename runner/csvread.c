/* csvread.c — CSV text to a JSON array of objects (see csvread.h), over libcsv's push parser:
 * field callbacks collect one record, the end-of-record callback turns it into an object. */
#include "csvread.h"

#include <csv.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

struct reader {
    struct arena *a;
    struct json_value *rows;
    /* The header's keys. */
    const char **keys;
    size_t *key_lens;
    bool *dup; /* column repeats an earlier name: ignored */
    size_t nkeys;
    bool have_header;
    /* The record being read. */
    struct json_value **fields;
    size_t nfields, cap;
    size_t line; /* line of the record being read (1-based) */
    size_t record_line;
    char *err;
    size_t errlen;
    bool failed;
};

__attribute__((format(printf, 2, 3))) static void fail(struct reader *r, const char *fmt, ...)
{
    if (r->failed)
        return;
    r->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, r->errlen, fmt, ap);
    va_end(ap);
}

static void on_field(void *s, size_t len, void *arg)
{
    struct reader *r = arg;
    if (r->failed)
        return;
    if (r->nfields == 0)
        r->record_line = r->line;
    if (r->nfields >= CSVREAD_MAX_COLUMNS) {
        fail(r, "line %zu: more than %zu fields", r->record_line, (size_t)CSVREAD_MAX_COLUMNS);
        return;
    }
    if (r->nfields == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        struct json_value **f = realloc(r->fields, cap * sizeof(*f));
        if (!f) {
            fail(r, "out of memory reading line %zu", r->record_line);
            return;
        }
        r->fields = f;
        r->cap = cap;
    }
    struct json_value *v = json_new_string(r->a, s ? s : "", s ? len : 0);
    if (!v) {
        fail(r, "out of memory reading line %zu", r->record_line);
        return;
    }
    r->fields[r->nfields++] = v;
}

static int set_header(struct reader *r)
{
    r->nkeys = r->nfields;
    r->keys = arena_calloc(r->a, r->nkeys ? r->nkeys : 1, sizeof(*r->keys));
    r->key_lens = arena_calloc(r->a, r->nkeys ? r->nkeys : 1, sizeof(*r->key_lens));
    r->dup = arena_calloc(r->a, r->nkeys ? r->nkeys : 1, sizeof(*r->dup));
    if (!r->keys || !r->key_lens || !r->dup)
        return -1;
    for (size_t i = 0; i < r->nkeys; i++) {
        const struct json_value *f = r->fields[i];
        if (f->len == 0) {
            char name[32];
            int n = snprintf(name, sizeof(name), "column %zu", i + 1);
            r->keys[i] = arena_strndup(r->a, name, (size_t)n);
            r->key_lens[i] = (size_t)n;
            if (!r->keys[i])
                return -1;
        } else {
            r->keys[i] = f->u.str;
            r->key_lens[i] = f->len;
        }
        for (size_t j = 0; j < i && !r->dup[i]; j++)
            r->dup[i] = r->key_lens[j] == r->key_lens[i] &&
                        memcmp(r->keys[j], r->keys[i], r->key_lens[i]) == 0;
    }
    r->have_header = true;
    return 0;
}

static void on_record(int c, void *arg)
{
    struct reader *r = arg;
    (void)c;
    if (r->failed)
        return;
    if (!r->have_header) {
        if (set_header(r) != 0)
            fail(r, "out of memory reading the header");
        r->nfields = 0;
        return;
    }
    if (r->nfields > r->nkeys) {
        fail(r, "line %zu: %zu fields, but the header has %zu", r->record_line, r->nfields,
             r->nkeys);
        return;
    }
    struct json_value *o = json_new_object(r->a);
    if (!o) {
        fail(r, "out of memory reading line %zu", r->record_line);
        return;
    }
    for (size_t i = 0; i < r->nfields; i++) {
        if (r->dup[i])
            continue;
        if (json_object_set(r->a, o, r->keys[i], r->key_lens[i], r->fields[i]) != 0) {
            fail(r, "out of memory reading line %zu", r->record_line);
            return;
        }
    }
    if (json_array_push(r->a, r->rows, o) != 0)
        fail(r, "out of memory reading line %zu", r->record_line);
    r->nfields = 0;
}

/* Feeds buf to the parser one line at a time, so that callbacks know the line they are on. */
struct json_value *csvread_parse(struct arena *a, const char *buf, size_t len, char *err,
                                 size_t errlen)
{
    struct reader r = {.a = a, .err = err, .errlen = errlen, .line = 1};
    struct csv_parser p;
    if (errlen > 0)
        err[0] = '\0';
    r.rows = json_new_array(a);
    if (!r.rows || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (len >= 3 && memcmp(buf, STRLIT("\xef\xbb\xbf")) == 0) {
        buf += 3;
        len -= 3;
    }
    size_t off = 0;
    while (off < len && !r.failed) {
        /* r.line is the line the chunk starts on: one more after each line break. */
        if (off > 0 && buf[off - 1] == '\n')
            r.line++;
        const char *nl = memchr(buf + off, '\n', len - off);
        size_t chunk = nl ? (size_t)(nl - (buf + off)) + 1 : len - off;
        if (csv_parse(&p, buf + off, chunk, on_field, on_record, &r) != chunk) {
            if (csv_error(&p) == CSV_EPARSE)
                fail(&r,
                     "line %zu: a quote inside an unquoted field, or text after a closing "
                     "quote",
                     r.line);
            else
                fail(&r, "line %zu: %s", r.line, csv_strerror(csv_error(&p)));
            break;
        }
        off += chunk;
    }
    if (!r.failed && csv_fini(&p, on_field, on_record, &r) != 0)
        fail(&r, "line %zu: a quoted field is not closed before the end of the file", r.line);
    csv_free(&p);
    free(r.fields);
    return r.failed ? NULL : r.rows;
}
