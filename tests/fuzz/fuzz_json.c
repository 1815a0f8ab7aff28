/* fuzz_json.c — libFuzzer target for the JSON reader and writer: arbitrary bytes never crash the
 * reader; whatever parses prints, the printed text re-parses to an equal tree (json_equal) that
 * prints the identical bytes, and the writer's UTF-16 count matches the text it wrote. */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_json: %s\n", what);
        abort();
    }
}

/* JSON.stringify writes a non-finite number as null: make the tree say so, so that the re-parsed
 * text can be compared with it. Iterative, like everything that walks untrusted depth. */
static void nonfinite_to_null(struct json_value *root)
{
    size_t cap = 64, n = 0;
    struct json_value **st = malloc(cap * sizeof(*st));
    check(st != NULL, "malloc");
    st[n++] = root;
    while (n > 0) {
        struct json_value *v = st[--n];
        if (v->type == JSON_NUMBER && !isfinite(v->u.num)) {
            v->type = JSON_NULL;
            continue;
        }
        if (v->type != JSON_ARRAY && v->type != JSON_OBJECT)
            continue;
        for (uint32_t i = 0; i < v->len; i++) {
            if (n == cap) {
                cap *= 2;
                st = realloc(st, cap * sizeof(*st));
                check(st != NULL, "realloc");
            }
            st[n++] = v->type == JSON_ARRAY ? v->u.items[i] : v->u.members[i].value;
        }
    }
    free(st);
}

/* Parses, prints, re-parses and re-prints. `exact` asks for the equal-tree and identical-bytes
 * checks too: with decode_utf8 every string in the tree is one the writer reproduces, while without
 * it raw invalid UTF-8 prints as U+FFFD, so two distinct raw keys can print alike and merge. */
static void round_trip(const uint8_t *data, size_t size, const struct json_parse_opts *opts,
                       bool exact)
{
    struct arena *a = arena_new(1 << 16, 256u << 20);
    check(a != NULL, "arena");
    struct json_error err;
    struct json_value *v = json_parse(a, (const char *)data, size, opts, &err);
    if (v == NULL) {
        check(err.offset <= size, "error offset past the input");
        check(err.line >= 1 && err.column >= 1, "error line/column");
        check(memchr(err.message, '\0', sizeof(err.message)) != NULL && err.message[0] != '\0',
              "error message");
        arena_free(a);
        return;
    }
    struct json_buf b1, b2;
    json_buf_init(&b1, 0);
    json_buf_init(&b2, 0);
    size_t u1 = 0, u2 = 0;
    check(json_write(&b1, v, 0, &u1) == 0, "a parsed tree did not print");
    check(json_utf16_len(b1.data, b1.len) == u1, "utf16 length");
    struct json_parse_opts ro = {.decode_utf8 = true, .max_depth = JSON_MAX_WRITE_DEPTH};
    struct json_value *w = json_parse(a, b1.data, b1.len, &ro, &err);
    check(w != NULL, "printed text did not re-parse");
    check(json_write(&b2, w, 0, &u2) == 0, "re-parsed tree did not print");
    check(json_utf16_len(b2.data, b2.len) == u2, "utf16 length of the second print");
    if (exact) {
        check(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0, "second print differs");
        nonfinite_to_null(v);
        check(json_equal(v, w), "re-parsed tree differs");
        struct json_value *c = json_clone(a, v);
        check(c != NULL && json_equal(c, v), "clone differs");
    }
    json_buf_free(&b1);
    json_buf_free(&b2);
    arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The depth bound keeps every parsed tree printable (deeper trees are refused by design). */
    struct json_parse_opts body = {
        .require_container = true, .decode_utf8 = true, .max_depth = JSON_MAX_WRITE_DEPTH};
    struct json_parse_opts raw = {.max_depth = JSON_MAX_WRITE_DEPTH};
    round_trip(data, size, &body, true);
    round_trip(data, size, &raw, false);
    return 0;
}
