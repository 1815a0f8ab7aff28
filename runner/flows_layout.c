/* flows_layout.c — download layout <-> flows/ folder (flows_layout.h, docs/flows.md). */
#include "flows_layout.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flows_check.h"

#define WORK_ARENA_LIMIT (1024u << 20) /* bytes the parsed download may take */

struct flows_entries *flows_entries_new(void)
{
    struct flows_entries *l = calloc(1, sizeof(*l));
    if (!l)
        return NULL;
    l->arena = arena_new(64 * 1024, 0);
    if (!l->arena) {
        free(l);
        return NULL;
    }
    return l;
}

void flows_entries_free(struct flows_entries *l)
{
    if (!l)
        return;
    arena_free(l->arena);
    free(l->e);
    free(l);
}

int flows_entries_add(struct flows_entries *l, const char *path, const char *data, size_t len)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        struct flows_entry *e = realloc(l->e, cap * sizeof(*e));
        if (!e)
            return -1;
        l->e = e;
        l->cap = cap;
    }
    const char *p = arena_strndup(l->arena, path, strlen(path));
    const char *d = arena_strndup(l->arena, data ? data : "", data ? len : 0);
    if (!p || !d)
        return -1;
    l->e[l->n++] = (struct flows_entry){.path = p, .data = d, .len = data ? len : 0};
    return 0;
}

bool flows_id_valid(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

void flows_slug(const char *name, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    bool dash = false;
    for (size_t i = 0; i < n && k + 1 < cap && k < 64; i++) {
        char c = name[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && k > 0 && k + 2 < cap && k < 63)
                out[k++] = '-';
            dash = false;
            out[k++] = c;
        } else {
            dash = true;
        }
    }
    out[k] = '\0';
}

/* ---- resources of a conversion -------------------------------------------------------------- */

struct res {
    enum flows_type type;
    const char *id;    /* NUL-terminated */
    const char *local; /* local name */
    const char *entry; /* the download entry (messages) */
    const char *stem;  /* the entry's file name without extension (scripts' .js) */
    struct json_value *v;
    const char *js;
    size_t js_len;
};

struct conv {
    struct arena *a;
    struct res *r;
    size_t n, cap;
    struct flows_entries *notes;
    char *err;
    size_t errlen;
    /* Per (type, base name): the next suffix to try, so n resources of one name take O(n) tries,
     * not O(n^2). */
    struct base_next {
        enum flows_type type;
        const char *base;
        unsigned next;
    } * bases;
    size_t nbases, cap_bases;
};

/* The suffix counter of base for type (created at 2). NULL when out of memory. */
static struct base_next *base_next(struct conv *c, enum flows_type t, const char *base)
{
    for (size_t i = 0; i < c->nbases; i++)
        if (c->bases[i].type == t && strcmp(c->bases[i].base, base) == 0)
            return &c->bases[i];
    if (c->nbases == c->cap_bases) {
        size_t cap = c->cap_bases ? c->cap_bases * 2 : 32;
        struct base_next *b = realloc(c->bases, cap * sizeof(*b));
        if (!b)
            return NULL;
        c->bases = b;
        c->cap_bases = cap;
    }
    const char *copy = arena_strndup(c->a, base, strlen(base));
    if (!copy)
        return NULL;
    c->bases[c->nbases] = (struct base_next){.type = t, .base = copy, .next = 2};
    return &c->bases[c->nbases++];
}

static struct res *res_add(struct conv *c)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        struct res *r = realloc(c->r, cap * sizeof(*r));
        if (!r)
            return NULL;
        c->r = r;
        c->cap = cap;
    }
    memset(&c->r[c->n], 0, sizeof(c->r[0]));
    return &c->r[c->n++];
}

static struct res *res_by_id(struct conv *c, enum flows_type t, const char *id, size_t n)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->r[i].type == t && strlen(c->r[i].id) == n && memcmp(c->r[i].id, id, n) == 0)
            return &c->r[i];
    return NULL;
}

static struct res *res_by_local(struct conv *c, enum flows_type t, const char *name, size_t n)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->r[i].type == t && c->r[i].local && strlen(c->r[i].local) == n &&
            memcmp(c->r[i].local, name, n) == 0)
            return &c->r[i];
    return NULL;
}

static const char *type_singular(enum flows_type t)
{
    static const char *const s[FLOWS_NTYPES] = {
        "integration", "connection", "export", "import", "flow", "script", "stack", "environment"};
    return (unsigned)t < FLOWS_NTYPES ? s[t] : "resource";
}

/* ---- walking references --------------------------------------------------------------------- */

/* Calls fn on each string under a reference key of v (fn may replace *slot). */
typedef int (*ref_fn)(struct conv *c, struct res *owner, enum flows_type t, const char *key,
                      struct json_value **slot);

static int walk(struct conv *c, struct res *owner, struct json_value *v, ref_fn fn, unsigned depth)
{
    if (depth > 256)
        return 0;
    if (v->type == JSON_ARRAY) {
        for (size_t i = 0; i < v->len; i++)
            if (walk(c, owner, v->u.items[i], fn, depth + 1) != 0)
                return -1;
        return 0;
    }
    if (v->type != JSON_OBJECT)
        return 0;
    for (size_t i = 0; i < v->len; i++) {
        struct json_member *m = &v->u.members[i];
        int t = flows_ref_key_type(m->key, m->key_len);
        if (t < 0) {
            if (walk(c, owner, m->value, fn, depth + 1) != 0)
                return -1;
        } else if (m->value->type == JSON_STRING) {
            if (fn(c, owner, (enum flows_type)t, m->key, &m->value) != 0)
                return -1;
        } else if (m->value->type == JSON_ARRAY) {
            for (size_t k = 0; k < m->value->len; k++)
                if (m->value->u.items[k]->type == JSON_STRING &&
                    fn(c, owner, (enum flows_type)t, m->key, &m->value->u.items[k]) != 0)
                    return -1;
        }
    }
    return 0;
}

/* ---- import --------------------------------------------------------------------------------- */

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* The known local name of id for type, from opts->known_ids, or NULL. */
static const char *known_name(const struct flows_import_opts *o, enum flows_type t, const char *id,
                              size_t *nlen)
{
    const struct json_value *k = o->known_ids;
    if (!k || k->type != JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < k->len; i++) {
        const struct json_member *m = &k->u.members[i];
        enum flows_type mt;
        const char *name;
        if (m->value->type == JSON_STRING && strcmp(m->value->u.str, id) == 0 &&
            flows_ref_parse(m->key, m->key_len, &mt, &name, nlen) == 0 && mt == t)
            return name;
    }
    return NULL;
}

static int fail(struct conv *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct conv *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, c->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static int note(struct conv *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int note(struct conv *c, const char *fmt, ...)
{
    if (!c->notes)
        return 0;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    return flows_entries_add(c->notes, "", line, strlen(line));
}

/* Classifies one entry; adds a resource, a script's content, or a note. */
/* *integ: the index of the integration in c->r once found (-1 before): an index, since c->r
 * moves as it grows. */
static int import_entry(struct conv *c, const struct flows_entry *e, long *integ)
{
    const char *path = e->path;
    size_t n = strlen(path);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t blen = n - (size_t)(base - path);
    int t = -1;
    if (base > path) {
        const char *pe = base - 1, *ps = pe;
        while (ps > path && ps[-1] != '/')
            ps--;
        t = flows_type_from_dir(ps, (size_t)(pe - ps));
        if (t == FLOWS_STACK || t == FLOWS_ENVIRONMENT)
            t = -1; /* not part of a download */
    }
    bool json = ends_with(base, blen, ".json");
    if (t < 0 && strcmp(base, "integration.json") == 0) {
        t = FLOWS_INTEGRATION;
    } else if (t == FLOWS_SCRIPT && ends_with(base, blen, ".js")) {
        struct res *r = res_add(c);
        if (!r)
            return fail(c, "out of memory");
        r->type = FLOWS_NTYPES; /* a script's content, matched by stem below */
        r->stem = arena_strndup(c->a, base, blen - 3);
        r->entry = path;
        r->js = e->data;
        r->js_len = e->len;
        r->id = "";
        return r->stem ? 0 : fail(c, "out of memory");
    } else if (t < 0 || !json) {
        return note(c, "%s: skipped (not a resource of the download layout)", path);
    }
    if (e->len > FLOWS_LAYOUT_MAX_ENTRY)
        return fail(c, "%s: larger than %u bytes", path, FLOWS_LAYOUT_MAX_ENTRY);
    struct json_error jerr = {0};
    struct json_value *v = json_parse(c->a, e->data, e->len, &flows_parse_opts, &jerr);
    if (!v)
        return fail(c, "%s:%u:%u: invalid JSON: %s", path, jerr.line, jerr.column, jerr.message);
    if (v->type != JSON_OBJECT)
        return fail(c, "%s: not a JSON object", path);
    if (t == FLOWS_INTEGRATION && *integ >= 0)
        return fail(c, "%s: a second integration.json (the first is %s)", path, c->r[*integ].entry);
    struct res *r = res_add(c);
    if (!r)
        return fail(c, "out of memory");
    r->type = (enum flows_type)t;
    r->entry = path;
    r->v = v;
    r->stem = arena_strndup(c->a, base, blen - 5);
    const struct json_value *id = json_object_get(v, "_id", 3);
    if (id && id->type == JSON_STRING) {
        r->id = id->u.str;
    } else {
        const char *dash = r->stem ? strrchr(r->stem, '-') : NULL;
        r->id = dash ? dash + 1 : "";
    }
    if (!flows_id_valid(r->id, strlen(r->id)) || (id && id->len != strlen(r->id)))
        return fail(c, "%s: %s is not an integrator.io id (1 to 64 letters, digits, '_')", path,
                    id ? "_id" : "the resource has no _id and the file name's suffix");
    if (t == FLOWS_INTEGRATION)
        *integ = (long)(r - c->r);
    /* canonical before anything reads its references: an id inside a captured payload is dropped
     * with it, and names no stack */
    if (!r->stem || flows_canon(c->a, r->type, v) != 0)
        return fail(c, "out of memory");
    return 0;
}

static int cmp_res(const void *x, const void *y)
{
    const struct res *a = x, *b = y;
    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    int k = strcmp(a->stem ? a->stem : "", b->stem ? b->stem : "");
    return k ? k : strcmp(a->id, b->id);
}

/* Gives every resource its local name: a known one, else the slug of its name, unique. */
static int assign_names(struct conv *c, const struct flows_import_opts *o)
{
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < c->n; i++) {
            struct res *r = &c->r[i];
            if (r->local || r->type == FLOWS_NTYPES)
                continue;
            if (r->type == FLOWS_INTEGRATION) {
                r->local = "integration";
                continue;
            }
            size_t kn;
            const char *known = known_name(o, r->type, r->id, &kn);
            if (pass == 0) {
                if (known && !res_by_local(c, r->type, known, kn)) {
                    r->local = arena_strndup(c->a, known, kn);
                    if (!r->local)
                        return fail(c, "out of memory");
                }
                continue;
            }
            char base[80], cand[96];
            const struct json_value *nm = r->v ? json_object_get(r->v, "name", 4) : NULL;
            base[0] = '\0';
            if (nm && nm->type == JSON_STRING)
                flows_slug(nm->u.str, nm->len, base, sizeof(base));
            if (!base[0] && r->stem)
                flows_slug(r->stem, strlen(r->stem), base, sizeof(base));
            if (!base[0])
                snprintf(base, sizeof(base), "%s", type_singular(r->type));
            snprintf(cand, sizeof(cand), "%s", base);
            struct base_next *bn = NULL;
            while (res_by_local(c, r->type, cand, strlen(cand))) {
                if (!bn && !(bn = base_next(c, r->type, base)))
                    return fail(c, "out of memory");
                snprintf(cand, sizeof(cand), "%s-%u", base, bn->next++);
            }
            r->local = arena_strndup(c->a, cand, strlen(cand));
            if (!r->local)
                return fail(c, "out of memory");
        }
    }
    return 0;
}

static struct json_value *ref_value(struct conv *c, enum flows_type t, const char *local)
{
    char ref[160];
    int n = snprintf(ref, sizeof(ref), "@%s/%s", flows_type_dir(t), local);
    return json_new_string(c->a, ref, (size_t)n);
}

/* Adds a stack for each _stackId the download does not define. */
static int stack_ids(struct conv *c, struct res *owner, enum flows_type t, const char *key,
                     struct json_value **slot)
{
    (void)owner;
    (void)key;
    struct json_value *v = *slot;
    if (t != FLOWS_STACK || v->len == 0 || res_by_id(c, t, v->u.str, v->len))
        return 0;
    struct res *r = res_add(c);
    if (!r)
        return fail(c, "out of memory");
    r->type = FLOWS_STACK;
    r->id = arena_strndup(c->a, v->u.str, v->len);
    r->entry = "(a stack named by id)";
    char slug[80], stem[96];
    flows_slug(v->u.str, v->len, slug, sizeof(slug));
    snprintf(stem, sizeof(stem), "stack-%s", slug[0] ? slug : "unnamed");
    r->stem = arena_strndup(c->a, stem, strlen(stem));
    return r->id && r->stem ? 0 : fail(c, "out of memory");
}

static int to_local(struct conv *c, struct res *owner, enum flows_type t, const char *key,
                    struct json_value **slot)
{
    struct json_value *v = *slot;
    struct res *target = res_by_id(c, t, v->u.str, v->len);
    if (!target)
        return note(c, "%s: %s \"%.*s\" is not a %s of the download; kept as it is", owner->entry,
                    key, (int)(v->len > 64 ? 64 : v->len), v->u.str, type_singular(t));
    struct json_value *ref = ref_value(c, t, target->local);
    if (!ref)
        return fail(c, "out of memory");
    *slot = ref;
    return 0;
}

static int emit(struct conv *c, struct flows_entries *out, const char *path,
                const struct json_value *v)
{
    struct json_buf b;
    json_buf_init(&b, 0);
    int rc = flows_canon_write(&b, v);
    if (rc == 0)
        rc = flows_entries_add(out, path, b.data, b.len);
    json_buf_free(&b);
    return rc == 0 ? 0 : fail(c, "out of memory");
}

static int import_write(struct conv *c, const struct flows_import_opts *o,
                        struct flows_entries *out)
{
    struct json_value *ids = json_new_object(c->a);
    if (!ids)
        return fail(c, "out of memory");
    for (size_t i = 0; i < c->n; i++) {
        struct res *r = &c->r[i];
        if (r->type == FLOWS_NTYPES)
            continue;
        char path[256], ref[160];
        if (r->type == FLOWS_INTEGRATION) {
            snprintf(path, sizeof(path), "integration.json");
            snprintf(ref, sizeof(ref), "@integration");
        } else {
            snprintf(path, sizeof(path), "%s/%s.json", flows_type_dir(r->type), r->local);
            snprintf(ref, sizeof(ref), "@%s/%s", flows_type_dir(r->type), r->local);
        }
        struct json_value *idv = json_new_string(c->a, r->id, strlen(r->id));
        if (!idv || json_object_set(c->a, ids, ref, strlen(ref), idv) != 0)
            return fail(c, "out of memory");
        if (r->type == FLOWS_STACK) {
            struct json_value *s = json_new_object(c->a), *srv = json_new_object(c->a);
            if (!s || !srv ||
                json_object_set(c->a, s, "name", 4,
                                json_new_string(c->a, r->local, strlen(r->local))) != 0 ||
                json_object_set(c->a, s, "type", 4, json_new_string(c->a, "server", 6)) != 0 ||
                json_object_set(c->a, s, "server", 6, srv) != 0)
                return fail(c, "out of memory");
            if (emit(c, out, path, s) != 0)
                return -1;
            continue;
        }
        if (r->type == FLOWS_SCRIPT) {
            const struct json_value *content = json_object_get(r->v, "content", 7);
            if (!r->js && content && content->type == JSON_STRING) {
                r->js = content->u.str;
                r->js_len = content->len;
            }
            json_object_delete(r->v, "content", 7);
        }
        if (flows_canon(c->a, r->type, r->v) != 0 || emit(c, out, path, r->v) != 0)
            return fail(c, "out of memory");
        if (r->type == FLOWS_SCRIPT && r->js) {
            snprintf(path, sizeof(path), "scripts/%s.js", r->local);
            if (flows_entries_add(out, path, r->js, r->js_len) != 0)
                return fail(c, "out of memory");
        }
    }
    struct json_value *env = json_new_object(c->a);
    if (!env ||
        json_object_set(c->a, env, "name", 4, json_new_string(c->a, o->env, strlen(o->env))) != 0 ||
        json_object_set(c->a, env, "region", 6,
                        json_new_string(c->a, o->region, strlen(o->region))) != 0 ||
        json_object_set(c->a, env, "ids", 3, ids) != 0)
        return fail(c, "out of memory");
    char path[256];
    snprintf(path, sizeof(path), "environments/%s.json", o->env);
    return emit(c, out, path, env);
}

int flows_layout_import(const struct flows_entries *in, const struct flows_import_opts *o,
                        struct flows_entries *out, struct flows_entries *notes, char *err,
                        size_t errlen)
{
    struct conv c = {.notes = notes, .err = err, .errlen = errlen};
    if (!flows_name_valid(o->env, strlen(o->env))) {
        snprintf(err, errlen, "'%s' is not an environment name (lowercase letters and digits)",
                 o->env);
        return -1;
    }
    if (in->n > FLOWS_LAYOUT_MAX_ENTRIES) {
        snprintf(err, errlen, "the download has %zu entries, more than %u", in->n,
                 FLOWS_LAYOUT_MAX_ENTRIES);
        return -1;
    }
    c.a = arena_new(256 * 1024, WORK_ARENA_LIMIT);
    if (!c.a) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    long integ = -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < in->n; i++)
        rc = import_entry(&c, &in->e[i], &integ);
    if (rc == 0 && integ < 0)
        rc = fail(&c, "the download has no integration.json");
    if (rc == 0) {
        qsort(c.r, c.n, sizeof(c.r[0]), cmp_res);
        for (size_t i = 0; rc == 0 && i < c.n; i++)
            for (size_t k = 0; rc == 0 && k < i; k++)
                if (c.r[i].type != FLOWS_NTYPES && c.r[k].type == c.r[i].type &&
                    strcmp(c.r[k].id, c.r[i].id) == 0)
                    rc = fail(&c, "%s: _id %s is also the id of %s", c.r[i].entry, c.r[i].id,
                              c.r[k].entry);
    }
    size_t nres = c.n;
    for (size_t i = 0; rc == 0 && i < nres; i++)
        if (c.r[i].v)
            rc = walk(&c, &c.r[i], c.r[i].v, stack_ids, 0);
    /* scripts' .js entries join their .json by stem */
    for (size_t i = 0; rc == 0 && i < c.n; i++) {
        if (c.r[i].type != FLOWS_NTYPES)
            continue;
        bool matched = false;
        for (size_t k = 0; k < c.n && !matched; k++)
            if (c.r[k].type == FLOWS_SCRIPT && c.r[k].stem &&
                strcmp(c.r[k].stem, c.r[i].stem) == 0) {
                c.r[k].js = c.r[i].js;
                c.r[k].js_len = c.r[i].js_len;
                matched = true;
            }
        if (!matched)
            rc = note(&c, "%s: skipped (no scripts/%s.json beside it)", c.r[i].entry, c.r[i].stem);
    }
    if (rc == 0)
        rc = assign_names(&c, o);
    for (size_t i = 0; rc == 0 && i < c.n; i++)
        if (c.r[i].v)
            rc = walk(&c, &c.r[i], c.r[i].v, to_local, 0);
    if (rc == 0)
        rc = import_write(&c, o, out);
    free(c.r);
    free(c.bases);
    arena_free(c.a);
    return rc;
}

/* ---- export --------------------------------------------------------------------------------- */

/* A stable 24-hex id for a resource without one: two FNV-1a hashes of "TYPE/NAME". */
static void made_id(enum flows_type t, const char *name, char out[25])
{
    uint64_t h1 = 1469598103934665603ull, h2 = 0x9e3779b97f4a7c15ull;
    char key[256];
    int n = snprintf(key, sizeof(key), "%s/%s", flows_type_dir(t), name);
    for (int i = 0; i < n && i < (int)sizeof(key); i++) {
        h1 = (h1 ^ (unsigned char)key[i]) * 1099511628211ull;
        h2 = (h2 ^ (unsigned char)key[i]) * 0x100000001b3ull + 0x5bd1e995u;
    }
    snprintf(out, 25, "%016llx%08llx", (unsigned long long)h1,
             (unsigned long long)(h2 & 0xffffffffu));
}

static const char *id_of(struct conv *c, const struct json_value *env_ids, enum flows_type t,
                         const char *name)
{
    char ref[160];
    if (t == FLOWS_INTEGRATION)
        snprintf(ref, sizeof(ref), "@integration");
    else
        snprintf(ref, sizeof(ref), "@%s/%s", flows_type_dir(t), name);
    const struct json_value *v =
        env_ids && env_ids->type == JSON_OBJECT ? json_object_get(env_ids, ref, strlen(ref)) : NULL;
    if (v && v->type == JSON_STRING && flows_id_valid(v->u.str, v->len))
        return v->u.str;
    if (v) {
        fail(c, "environment id of %s is not an integrator.io id (1 to 64 letters, digits, '_')",
             ref);
        return NULL;
    }
    char id[25];
    made_id(t, name, id);
    const char *out = arena_strndup(c->a, id, 24);
    if (!out)
        fail(c, "out of memory");
    return out;
}

static int to_id(struct conv *c, struct res *owner, enum flows_type t, const char *key,
                 struct json_value **slot)
{
    struct json_value *v = *slot;
    enum flows_type rt;
    const char *name;
    size_t nlen;
    if (flows_ref_parse(v->u.str, v->len, &rt, &name, &nlen) != 0 || rt != t)
        return fail(c, "%s: %s \"%.*s\" is not a reference \"@%s/NAME\"", owner->entry, key,
                    (int)(v->len > 64 ? 64 : v->len), v->u.str, flows_type_dir(t));
    struct res *target = res_by_local(c, t, name, nlen);
    if (!target)
        return fail(c, "%s: dangling reference %s", owner->entry, v->u.str);
    struct json_value *id = json_new_string(c->a, target->id, strlen(target->id));
    if (!id)
        return fail(c, "out of memory");
    *slot = id;
    return 0;
}

/* The display name as a file name: '/', '\\', control bytes and a leading '.' become '_'. */
static void file_name(const char *name, const char *fallback, char *out, size_t cap)
{
    snprintf(out, cap, "%s", name && name[0] ? name : fallback);
    for (size_t i = 0; out[i]; i++)
        if (out[i] == '/' || out[i] == '\\' || (unsigned char)out[i] < 0x20 || out[i] == 0x7f ||
            (i == 0 && out[i] == '.'))
            out[i] = '_';
}

int flows_layout_export(const struct flows_set *s, const struct json_value *env_ids,
                        struct flows_entries *out, char *err, size_t errlen)
{
    struct conv c = {.err = err, .errlen = errlen};
    c.a = arena_new(256 * 1024, 0);
    if (!c.a) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0;
    const char *integ_id = NULL;
    for (size_t i = 0; rc == 0 && i < s->nfiles; i++) {
        const struct flows_file *f = &s->files[i];
        if (f->type == FLOWS_ENVIRONMENT)
            continue;
        if (!f->value) {
            rc = fail(&c, "%s: not a JSON object (run hookstack flows validate)", f->path);
            break;
        }
        struct res *r = res_add(&c);
        if (!r) {
            rc = fail(&c, "out of memory");
            break;
        }
        r->type = f->type;
        r->local = f->name;
        r->entry = f->path;
        r->js = f->js;
        r->js_len = f->js_len;
        r->v = json_clone(c.a, f->value);
        r->id = id_of(&c, env_ids, f->type, f->name);
        if (!r->id)
            rc = -1; /* id_of said why */
        else if (!r->v)
            rc = fail(&c, "out of memory");
        if (f->type == FLOWS_INTEGRATION)
            integ_id = r->id;
    }
    if (rc == 0 && !integ_id)
        rc = fail(&c, "the folder has no integration.json");
    for (size_t i = 0; rc == 0 && i < c.n; i++)
        rc = walk(&c, &c.r[i], c.r[i].v, to_id, 0);
    for (size_t i = 0; rc == 0 && i < c.n; i++) {
        struct res *r = &c.r[i];
        if (r->type == FLOWS_STACK)
            continue;
        struct json_value *idv = json_new_string(c.a, r->id, strlen(r->id));
        if (!idv || json_object_set(c.a, r->v, "_id", 3, idv) != 0) {
            rc = fail(&c, "out of memory");
            break;
        }
        if (r->type == FLOWS_FLOW &&
            json_object_set(c.a, r->v, "_integrationId", 14,
                            json_new_string(c.a, integ_id, strlen(integ_id))) != 0) {
            rc = fail(&c, "out of memory");
            break;
        }
        char path[512], fname[200];
        const struct json_value *nm = json_object_get(r->v, "name", 4);
        file_name(nm && nm->type == JSON_STRING ? nm->u.str : NULL, r->local, fname, sizeof(fname));
        if (r->type == FLOWS_INTEGRATION)
            snprintf(path, sizeof(path), "integration.json");
        else
            snprintf(path, sizeof(path), "%s/%s-%s.json", flows_type_dir(r->type), fname, r->id);
        rc = emit(&c, out, path, r->v);
        if (rc == 0 && r->type == FLOWS_SCRIPT && r->js) {
            snprintf(path, sizeof(path), "scripts/%s-%s.js", fname, r->id);
            if (flows_entries_add(out, path, r->js, r->js_len) != 0)
                rc = fail(&c, "out of memory");
        }
    }
    free(c.r);
    arena_free(c.a);
    return rc;
}
