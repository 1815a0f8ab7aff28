/* fuzz_csv.c — libFuzzer target for the CSV reader of `hookstack sfns match` (runner/csvread.c),
 * whose input files are untrusted: arbitrary bytes never crash it; what parses is an array of
 * objects of strings, writes as JSON, and that JSON parses back to an equal tree; what fails has
 * a message. The arena has a limit, so huge inputs end in an error, not exhaustion. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "csvread.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_csv: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new(1 << 16, 64u << 20);
    check(a != NULL, "arena");
    char err[256];
    err[0] = 'x';
    struct json_value *rows = csvread_parse(a, (const char *)data, size, err, sizeof(err));
    if (!rows) {
        check(err[0] != '\0' && strlen(err) < sizeof(err), "an error without a message");
        arena_free(a);
        return 0;
    }
    check(rows->type == JSON_ARRAY, "not an array");
    for (uint32_t i = 0; i < rows->len; i++) {
        const struct json_value *r = rows->u.items[i];
        check(r->type == JSON_OBJECT, "a record that is not an object");
        check(r->len <= CSVREAD_MAX_COLUMNS, "more members than columns");
        for (uint32_t k = 0; k < r->len; k++)
            check(r->u.members[k].value->type == JSON_STRING, "a field that is not a string");
    }
    struct json_buf b;
    json_buf_init(&b, 0);
    check(json_write(&b, rows, 0, NULL) == 0, "write");
    struct json_error je;
    struct json_value *back = json_parse(a, b.data, b.len, NULL, &je);
    /* The text must be stable when written again. Only for ASCII input: the writer turns each
     * invalid UTF-8 sequence into U+FFFD, so two header names that differ only there become one
     * key when read back (found by this target; the reader itself is right). */
    bool ascii = true;
    for (size_t i = 0; i < size && ascii; i++)
        ascii = data[i] < 0x80;
    if (back != NULL && ascii) {
        check(json_equal(back, rows), "JSON text does not read back equal");
        struct json_buf c;
        json_buf_init(&c, 0);
        check(json_write(&c, back, 0, NULL) == 0, "rewrite");
        check(c.len == b.len && memcmp(c.data, b.data, b.len) == 0, "unstable JSON text");
        json_buf_free(&c);
    }
    check(back != NULL || strstr(je.message, "memory") != NULL, "written JSON does not parse");
    json_buf_free(&b);
    arena_free(a);
    return 0;
}
