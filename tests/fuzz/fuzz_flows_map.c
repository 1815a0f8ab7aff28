/* fuzz_flows_map.c — libFuzzer target for the import mapping and router filters that
 * `hookstack flows run` reads from flows/ files and applies to records from an input file
 * (runner/flows_map.c, flows_run_filter.c): all of it is untrusted. The input is up to four JSON
 * texts separated by NUL bytes: a mapping, its lookups, a record, a branch inputFilter. Arbitrary
 * texts never crash; a mapping flows_map_check accepts is never refused as unsupported while
 * mapping a record (the check and the run agree); a mapped record is an object that can be
 * written; every refusal and record error has a message. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flows_map.h"
#include "flows_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_flows_map: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    struct arena *a = arena_new(64 * 1024, 64u << 20);
    if (!a)
        return 0;
    struct json_value *part[4] = {0};
    const char *p = (const char *)data, *end = p + size;
    struct json_parse_opts opts = {.max_depth = 200};
    for (int i = 0; i < 4 && p <= end; i++) {
        const char *nul = memchr(p, '\0', (size_t)(end - p));
        size_t n = nul ? (size_t)(nul - p) : (size_t)(end - p);
        part[i] = json_parse(a, p, n, &opts, NULL);
        if (!nul)
            break;
        p = nul + 1;
    }
    char err[512];
    if (part[0]) {
        err[0] = '\0';
        int crc = flows_map_check(part[0], part[1], err, sizeof(err));
        check(crc == FLOWS_MAP_OK || crc == FLOWS_MAP_UNSUPPORTED, "check: unexpected status");
        check(crc == FLOWS_MAP_OK || err[0] != '\0', "check: refusal without a message");
        if (part[2]) {
            struct json_value *out = NULL;
            err[0] = '\0';
            int rc = flows_map_record(a, part[0], part[1], part[2], &out, err, sizeof(err));
            check(rc != FLOWS_MAP_UNSUPPORTED || crc != FLOWS_MAP_OK,
                  "a checked mapping was refused while mapping");
            check(rc == FLOWS_MAP_OK || rc == FLOWS_MAP_NOMEM || err[0] != '\0',
                  "mapping: error without a message");
            if (rc == FLOWS_MAP_OK) {
                check(out && out->type == JSON_OBJECT, "mapped record is not an object");
                struct json_buf b;
                json_buf_init(&b, 0);
                int w = json_write(&b, out, 0, NULL);
                check(w == ERR_OK || w == ERR_NOMEM || w == ERR_UNSERIALIZABLE,
                      "mapped record: write failed oddly");
                json_buf_free(&b);
            }
        }
    }
    if (part[3]) {
        bool match;
        err[0] = '\0';
        int rc = flows_filter_eval(a, part[3], part[2], &match, err, sizeof(err));
        check(rc == 0 || rc == -2 || err[0] != '\0', "filter: refusal without a message");
    }
    arena_free(a);
    return 0;
}
