/* jsondiff.c — semantic JSON comparison with a list of differing paths (see jsondiff.h). */
#include "jsondiff.h"
#include "text.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* One step of a path: an object key or an array index, linked to its parent. */
struct seg {
    const struct seg *parent;
    const char *key; /* NULL: array index */
    uint32_t key_len;
    size_t index;
};

struct frame {
    const struct json_value *e, *g; /* NULL: absent on that side */
    const struct seg *seg;          /* NULL: the root */
};

struct walk {
    struct arena *a;
    struct frame *stack;
    size_t len, cap;
    struct jsondiff *out;
    size_t max_entries, max_value;
};

static int walk_push(struct walk *w, const struct json_value *e, const struct json_value *g,
                     const struct seg *seg)
{
    if (w->len == w->cap) {
        size_t ncap = w->cap ? w->cap * 2 : 64;
        struct frame *n = arena_realloc(w->a, w->stack, w->cap * sizeof(*n), ncap * sizeof(*n));
        if (!n)
            return -1;
        w->stack = n;
        w->cap = ncap;
    }
    w->stack[w->len++] = (struct frame){.e = e, .g = g, .seg = seg};
    return 0;
}

static struct seg *seg_new(struct arena *a, const struct seg *parent, const char *key,
                           uint32_t key_len, size_t index)
{
    struct seg *s = arena_alloc(a, sizeof(*s));
    if (s)
        *s = (struct seg){.parent = parent, .key = key, .key_len = key_len, .index = index};
    return s;
}

static bool key_is_identifier(const char *k, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)k[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
        if (!alpha && !(i > 0 && c >= '0' && c <= '9'))
            return false;
    }
    return true;
}

/* Appends the JSON text of v (cut at max bytes when max > 0) and a NUL to b. */
static int buf_append_value(struct json_buf *b, const struct json_value *v, size_t max)
{
    struct json_buf t;
    json_buf_init(&t, 0);
    int rc = json_write(&t, v, 0, NULL);
    if (rc == ERR_UNSERIALIZABLE) {
        t.len = 0;
        rc = json_buf_append(&t, STRLIT("(not serializable)"));
    }
    if (rc != 0) {
        json_buf_free(&t);
        return -1;
    }
    size_t n = t.len;
    bool cut = max > 0 && n > max;
    if (cut) {
        n = max;
        while (n > 0 && ((unsigned char)t.data[n] & 0xC0) == 0x80)
            n--;
    }
    rc = json_buf_append(b, t.data, n);
    if (rc == 0 && cut)
        rc = json_buf_append(b, STRLIT("..."));
    json_buf_free(&t);
    return rc == 0 ? 0 : -1;
}

static const char *value_text(struct walk *w, const struct json_value *v)
{
    if (!v)
        return JSONDIFF_ABSENT;
    struct json_buf b;
    json_buf_init(&b, 0);
    const char *s = NULL;
    if (buf_append_value(&b, v, w->max_value) == 0)
        s = arena_strndup(w->a, b.data ? b.data : "", b.len);
    json_buf_free(&b);
    return s;
}

static const char *path_text(struct walk *w, const struct seg *seg)
{
    size_t depth = 0;
    for (const struct seg *s = seg; s; s = s->parent)
        depth++;
    const struct seg **chain = NULL;
    if (depth > 0) {
        chain = arena_alloc(w->a, depth * sizeof(*chain));
        if (!chain)
            return NULL;
    }
    size_t i = depth;
    for (const struct seg *s = seg; s; s = s->parent)
        chain[--i] = s;

    struct json_buf b;
    json_buf_init(&b, 0);
    int rc = json_buf_append(&b, STRLIT("$"));
    for (i = 0; i < depth && rc == 0; i++) {
        const struct seg *s = chain[i];
        if (!s->key) {
            char num[32];
            int n = snprintf(num, sizeof(num), "[%zu]", s->index);
            rc = json_buf_append(&b, num, (size_t)n);
        } else if (key_is_identifier(s->key, s->key_len)) {
            rc = json_buf_append(&b, STRLIT("."));
            if (rc == 0)
                rc = json_buf_append(&b, s->key, s->key_len);
        } else {
            struct json_value *k = json_new_string(w->a, s->key, s->key_len);
            rc = k ? json_buf_append(&b, STRLIT("[")) : -1;
            if (rc == 0)
                rc = buf_append_value(&b, k, 0);
            if (rc == 0)
                rc = json_buf_append(&b, STRLIT("]"));
        }
    }
    const char *out = rc == 0 ? arena_strndup(w->a, b.data, b.len) : NULL;
    json_buf_free(&b);
    return out;
}

static int walk_report(struct walk *w, const struct frame *f)
{
    struct jsondiff *d = w->out;
    d->total++;
    if (d->len >= w->max_entries)
        return 0;
    struct jsondiff_entry *en = &d->entries[d->len];
    en->path = path_text(w, f->seg);
    en->expected = value_text(w, f->e);
    en->got = value_text(w, f->g);
    if (!en->path || !en->expected || !en->got)
        return -1;
    d->len++;
    return 0;
}

static int walk_array(struct walk *w, const struct frame *f)
{
    size_t ne = json_len(f->e), ng = json_len(f->g);
    size_t n = ne > ng ? ne : ng;
    for (size_t i = n; i-- > 0;) {
        struct seg *s = seg_new(w->a, f->seg, NULL, 0, i);
        if (!s || walk_push(w, json_array_get(f->e, i), json_array_get(f->g, i), s) != 0)
            return -1;
    }
    return 0;
}

/* Children in document order once popped: the expected members in their order, then the members
 * only the actual side has. The stack is last-in first-out, so they are pushed in reverse. */
static int walk_object(struct walk *w, const struct frame *f)
{
    const struct json_value *e = f->e, *g = f->g;
    for (size_t i = g->len; i-- > 0;) {
        const struct json_member *m = &g->u.members[i];
        if (json_object_get(e, m->key, m->key_len))
            continue;
        struct seg *s = seg_new(w->a, f->seg, m->key, m->key_len, 0);
        if (!s || walk_push(w, NULL, m->value, s) != 0)
            return -1;
    }
    for (size_t i = e->len; i-- > 0;) {
        const struct json_member *m = &e->u.members[i];
        struct seg *s = seg_new(w->a, f->seg, m->key, m->key_len, 0);
        if (!s || walk_push(w, m->value, json_object_get(g, m->key, m->key_len), s) != 0)
            return -1;
    }
    return 0;
}

static bool scalar_equal(const struct json_value *x, const struct json_value *y)
{
    switch (x->type) {
    case JSON_NUMBER:
    case JSON_DATE:
        return x->u.num == y->u.num || (x->u.num != x->u.num && y->u.num != y->u.num);
    case JSON_STRING:
        return x->len == y->len && memcmp(x->u.str, y->u.str, x->len) == 0;
    default:
        return true; /* null, false, true: the type says it all */
    }
}

int jsondiff_compare(struct arena *a, const struct json_value *expected,
                     const struct json_value *got, size_t max_entries, size_t max_value,
                     struct jsondiff *out)
{
    *out = (struct jsondiff){0};
    if (max_entries > 0) {
        out->entries = arena_calloc(a, max_entries, sizeof(*out->entries));
        if (!out->entries)
            return -1;
    }
    struct walk w = {.a = a, .out = out, .max_entries = max_entries, .max_value = max_value};
    if (walk_push(&w, expected, got, NULL) != 0)
        return -1;
    while (w.len > 0) {
        struct frame f = w.stack[--w.len];
        int rc = 0;
        if (!f.e || !f.g || f.e->type != f.g->type)
            rc = walk_report(&w, &f);
        else if (f.e->type == JSON_ARRAY)
            rc = walk_array(&w, &f);
        else if (f.e->type == JSON_OBJECT)
            rc = walk_object(&w, &f);
        else if (!scalar_equal(f.e, f.g))
            rc = walk_report(&w, &f);
        if (rc != 0)
            return -1;
    }
    return 0;
}

int jsondiff_print(const struct jsondiff *d, const char *indent, FILE *f)
{
    for (size_t i = 0; i < d->len; i++) {
        const struct jsondiff_entry *en = &d->entries[i];
        if (fprintf(f, "%s%s: expected %s, got %s\n", indent, en->path, en->expected, en->got) < 0)
            return -1;
    }
    if (d->total > d->len) {
        size_t more = d->total - d->len;
        if (fprintf(f, "%s... and %zu more difference%s\n", indent, more, more == 1 ? "" : "s") < 0)
            return -1;
    }
    return 0;
}
