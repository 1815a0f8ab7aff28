/* fuzz_crash_scan.c — what a worker's output and a request's records become in crash and failure
 * messages (runner/crash.c, crash_scan.c): any bytes, split into lines as the pool and the CLI
 * split a worker's output, go through crash_scan_line and crash_message; the same bytes, when they
 * parse as JSON, are records whose id and place are put into words (crash_record_id,
 * crash_where_format). Everything produced must be NUL-terminated printable ASCII within its
 * bounds. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "crash.h"
#include "json.h"

static void fuzzcs_check(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    if (n >= cap)
        abort(); /* not terminated within its buffer */
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
            abort();
}

static void fuzzcs_where(const struct json_value *rec, size_t index, size_t count)
{
    char where[CRASH_WHERE_MAX];
    size_t n = crash_where_format(where, sizeof(where), index, count, crash_record_id(rec));
    if (n != strlen(where))
        abort();
    fuzzcs_check(where, sizeof(where));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct crash_scan s;
    crash_scan_reset(&s);
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        size_t n = (size_t)(eol - p);
        crash_scan_line(&s, p, n < CRASH_SCAN_LINE ? n : CRASH_SCAN_LINE);
        p = eol + 1;
    }
    fuzzcs_check(s.report, sizeof(s.report));
    fuzzcs_check(s.where, sizeof(s.where));
    char msg[CRASH_MESSAGE_MAX];
    int sig = size > 0 ? data[0] % 40 : 0;
    crash_message(msg, sizeof(msg), "fuzzedFunction", sig, size > 1 ? data[1] : 0, s.report,
                  s.where);
    if (strnlen(msg, sizeof(msg)) >= sizeof(msg))
        abort();

    struct arena *a = arena_new(64 * 1024, 64u << 20);
    if (a == NULL)
        abort();
    struct json_error e;
    struct json_value *v = json_parse(a, (const char *)data, size, NULL, &e);
    if (v != NULL) {
        fuzzcs_where(v, 0, 1);
        if (v->type == JSON_ARRAY)
            for (uint32_t i = 0; i < v->len; i++)
                fuzzcs_where(v->u.items[i], i, v->len);
    }
    arena_free(a);
    return 0;
}
