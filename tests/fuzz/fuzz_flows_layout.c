/* fuzz_flows_layout.c — libFuzzer target for `hookstack flows import` (runner/flows_layout.c):
 * the download zip is untrusted, so its entries are arbitrary. The input is entries separated by
 * NUL bytes, each "PATH\nDATA". Arbitrary entries never crash the conversion; what fails has a
 * message; what converts is canonical (every JSON file written equals its canonical form), and,
 * when it exports, importing that export again gives the same files byte for byte. The locator of
 * `flows validate` runs on every raw entry too. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flows_check.h"
#include "flows_layout.h"
#include "flows_locate.h"
#include "flows_set.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_flows_layout: %s\n", what);
        abort();
    }
}

static int any_kind(void *arg, const char *name, size_t n)
{
    (void)arg;
    return n > 0 && name[0] == 'p' ? 2 /* preMap */ : -1;
}

static const struct flows_entry *find(const struct flows_entries *l, const char *path)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->e[i].path, path) == 0)
            return &l->e[i];
    return NULL;
}

/* The folder of an import as a set; ids: its environment's ids (in a). */
static struct flows_set *as_set(const struct flows_entries *files, struct arena *a,
                                const struct json_value **ids)
{
    struct flows_set *s = flows_set_new();
    check(s != NULL, "set");
    *ids = NULL;
    for (size_t i = 0; i < files->n; i++) {
        const struct flows_entry *e = &files->e[i];
        const char *slash = strchr(e->path, '/');
        size_t n = strlen(e->path);
        if (n > 3 && strcmp(e->path + n - 3, ".js") == 0)
            continue;
        check(n > 5 && strcmp(e->path + n - 5, ".json") == 0, "written file is not .json");
        /* every JSON file written is canonical */
        int t = slash ? flows_type_from_dir(e->path, (size_t)(slash - e->path)) : 0;
        check(t >= 0, "written folder unknown");
        struct json_buf b;
        json_buf_init(&b, 0);
        struct json_error err = {0};
        check(flows_canon_text(a, (enum flows_type)t, e->data, e->len, &b, &err) == 0,
              "written file does not parse");
        check(b.len == e->len && memcmp(b.data, e->data, b.len) == 0, "written file not canonical");
        json_buf_free(&b);
        char name[256];
        snprintf(name, sizeof(name), "%.*s",
                 slash ? (int)(n - 5 - (size_t)(slash + 1 - e->path)) : 11,
                 slash ? slash + 1 : "integration");
        struct flows_file *f = flows_set_add(s, (enum flows_type)t, name, e->path, e->data, e->len);
        check(f != NULL, "set add");
        if (t == FLOWS_SCRIPT) {
            char js[300];
            snprintf(js, sizeof(js), "scripts/%s.js", name);
            const struct flows_entry *c = find(files, js);
            if (c) {
                f->js = c->data;
                f->js_len = c->len;
            }
        }
        if (t == FLOWS_ENVIRONMENT) {
            struct json_value *v = json_parse(a, e->data, e->len, NULL, NULL);
            *ids = v ? json_object_get(v, "ids", 3) : NULL;
        }
    }
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct flows_entries *in = flows_entries_new();
    check(in != NULL, "entries");
    const char *p = (const char *)data, *end = p + size;
    while (p < end && in->n < 64) {
        const char *stop = memchr(p, '\0', (size_t)(end - p));
        if (!stop)
            stop = end;
        const char *nl = memchr(p, '\n', (size_t)(stop - p));
        char path[256];
        const char *d = nl ? nl + 1 : stop;
        snprintf(path, sizeof(path), "%.*s", (int)((nl ? nl : stop) - p), p);
        check(flows_entries_add(in, path, d, (size_t)(stop - d)) == 0, "add");
        struct flows_path fp = {.n = 2};
        fp.seg[0] = (struct flows_seg){.key = "a", .klen = 1};
        fp.seg[1] = (struct flows_seg){.key = NULL, .index = 1};
        uint32_t line, col;
        flows_locate(d, (size_t)(stop - d), &fp, &line, &col);
        check(line >= 1 && col >= 1, "locate");
        p = stop + 1;
    }
    struct flows_entries *d1 = flows_entries_new(), *notes = flows_entries_new();
    check(d1 && notes, "entries");
    char err[1024];
    err[0] = '\0';
    struct flows_import_opts o = {.env = "production", .region = "US"};
    if (flows_layout_import(in, &o, d1, notes, err, sizeof(err)) != 0) {
        check(err[0] != '\0', "failure without a message");
    } else {
        struct arena *a = arena_new(1 << 16, 256u << 20);
        check(a != NULL, "arena");
        const struct json_value *ids;
        struct flows_set *s = as_set(d1, a, &ids);
        struct flows_fns fns = {.kind_of = any_kind};
        check(flows_check(s, &fns) == 0, "check");
        for (size_t i = 0; i < s->nfindings; i++)
            check(strncmp(s->findings[i].message, "not in canonical form", 21) != 0,
                  "import wrote a file validate calls not canonical");
        struct flows_entries *zip2 = flows_entries_new(), *d2 = flows_entries_new();
        check(zip2 && d2, "entries");
        err[0] = '\0';
        if (flows_layout_export(s, ids, zip2, err, sizeof(err)) == 0) {
            struct flows_import_opts o2 = {.env = "production", .region = "US", .known_ids = ids};
            check(flows_layout_import(zip2, &o2, d2, NULL, err, sizeof(err)) == 0,
                  "an export does not import");
            check(d1->n == d2->n, "round trip changed the number of files");
            for (size_t i = 0; i < d1->n; i++) {
                const struct flows_entry *x = find(d2, d1->e[i].path);
                check(x != NULL, "round trip lost a file");
                check(x->len == d1->e[i].len && memcmp(x->data, d1->e[i].data, x->len) == 0,
                      "round trip changed a file");
            }
        } else {
            check(err[0] != '\0', "export failure without a message");
        }
        flows_entries_free(zip2);
        flows_entries_free(d2);
        flows_set_free(s);
        arena_free(a);
    }
    flows_entries_free(in);
    flows_entries_free(d1);
    flows_entries_free(notes);
    return 0;
}
