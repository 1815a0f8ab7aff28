/* flows_sync.c — references, live documents and merges for push, pull and diff (flows_sync.h). */
#include "flows_sync.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "flows_check.h"

#define MAX_DEPTH 256u

typedef int (*ref_fn)(struct arena *a, enum flows_type t, struct json_value **slot, void *arg);

/* Calls fn on each string under a reference key of v (fn may replace *slot). */
static int walk_refs(struct arena *a, struct json_value *v, ref_fn fn, void *arg, unsigned depth)
{
    if (depth > MAX_DEPTH)
        return 0;
    if (v->type == JSON_ARRAY) {
        for (size_t i = 0; i < v->len; i++) {
            int rc = walk_refs(a, v->u.items[i], fn, arg, depth + 1);
            if (rc != 0)
                return rc;
        }
        return 0;
    }
    if (v->type != JSON_OBJECT)
        return 0;
    for (size_t i = 0; i < v->len; i++) {
        struct json_member *m = &v->u.members[i];
        int t = flows_ref_key_type(m->key, m->key_len);
        int rc = 0;
        if (t < 0) {
            rc = walk_refs(a, m->value, fn, arg, depth + 1);
        } else if (m->value->type == JSON_STRING) {
            rc = fn(a, (enum flows_type)t, &m->value, arg);
        } else if (m->value->type == JSON_ARRAY) {
            for (size_t k = 0; rc == 0 && k < m->value->len; k++)
                if (m->value->u.items[k]->type == JSON_STRING)
                    rc = fn(a, (enum flows_type)t, &m->value->u.items[k], arg);
        }
        if (rc != 0)
            return rc;
    }
    return 0;
}

struct to_ids {
    const struct json_value *ids;
    char *missing;
    size_t cap;
};

static int ref_to_id(struct arena *a, enum flows_type t, struct json_value **slot, void *arg)
{
    (void)t;
    struct to_ids *x = arg;
    struct json_value *v = *slot;
    enum flows_type rt;
    const char *name;
    size_t nlen;
    if (flows_ref_parse(v->u.str, v->len, &rt, &name, &nlen) != 0)
        return 0; /* not a reference: validate reports it */
    const struct json_value *id =
        x->ids && x->ids->type == JSON_OBJECT ? json_object_get(x->ids, v->u.str, v->len) : NULL;
    if (!id || id->type != JSON_STRING || id->len == 0) {
        snprintf(x->missing, x->cap, "%.*s", (int)(v->len > 200 ? 200 : v->len), v->u.str);
        return 1;
    }
    struct json_value *s = json_new_string(a, id->u.str, id->len);
    if (!s)
        return -1;
    *slot = s;
    return 0;
}

int flows_sync_to_ids(struct arena *a, struct json_value *v, const struct json_value *env_ids,
                      char *missing, size_t cap)
{
    struct to_ids x = {.ids = env_ids, .missing = missing, .cap = cap};
    if (cap)
        missing[0] = '\0';
    return walk_refs(a, v, ref_to_id, &x, 0);
}

static int id_to_ref(struct arena *a, enum flows_type t, struct json_value **slot, void *arg)
{
    const struct json_value *ids = arg;
    struct json_value *v = *slot;
    if (!ids || ids->type != JSON_OBJECT || v->len == 0)
        return 0;
    const char *dir = flows_type_dir(t);
    size_t dl = strlen(dir);
    for (size_t i = 0; i < ids->len; i++) {
        const struct json_member *m = &ids->u.members[i];
        if (m->value->type == JSON_STRING && m->value->len == v->len &&
            memcmp(m->value->u.str, v->u.str, v->len) == 0 && m->key_len > dl + 2 &&
            m->key[0] == '@' && memcmp(m->key + 1, dir, dl) == 0 && m->key[dl + 1] == '/') {
            struct json_value *s = json_new_string(a, m->key, m->key_len);
            if (!s)
                return -1;
            *slot = s;
            return 0;
        }
    }
    return 0;
}

struct json_value *flows_sync_to_local(struct arena *a, enum flows_type t,
                                       const struct json_value *live,
                                       const struct json_value *env_ids,
                                       const struct json_value **content)
{
    if (content)
        *content = NULL;
    struct json_value *v = json_clone(a, live);
    if (!v)
        return NULL;
    if (t == FLOWS_SCRIPT && v->type == JSON_OBJECT) {
        const struct json_value *c = json_object_get(v, "content", 7);
        if (c && c->type == JSON_STRING && content)
            *content = c;
        json_object_delete(v, "content", 7);
    }
    if (flows_canon(a, t, v) != 0)
        return NULL;
    if (walk_refs(a, v, id_to_ref, (void *)env_ids, 0) != 0)
        return NULL;
    return v;
}

static bool is_placeholder(const struct json_value *v)
{
    return v && v->type == JSON_STRING && v->len == sizeof(FLOWS_SECRET) - 1 &&
           memcmp(v->u.str, FLOWS_SECRET, v->len) == 0;
}

/* *out: the merged value, or NULL to leave the key out. 0, or -1 when out of memory. */
static int merge(struct arena *a, const struct json_value *local, const struct json_value *live,
                 const struct json_value *clive, struct json_value **out, unsigned depth)
{
    *out = NULL;
    if (is_placeholder(local)) {
        if (!live || live->type == JSON_OBJECT || live->type == JSON_ARRAY ||
            live->type == JSON_NULL)
            return 0; /* nothing to keep: left out */
        *out = json_clone(a, live);
        return *out ? 0 : -1;
    }
    if (depth > MAX_DEPTH || (local->type != JSON_OBJECT && local->type != JSON_ARRAY)) {
        *out = json_clone(a, local);
        return *out ? 0 : -1;
    }
    if (live && live->type != local->type)
        live = clive = NULL;
    struct json_value *r;
    if (local->type == JSON_ARRAY) {
        r = json_new_array(a);
        if (!r)
            return -1;
        for (size_t i = 0; i < local->len; i++) {
            const struct json_value *li = live && i < live->len ? live->u.items[i] : NULL;
            const struct json_value *ci =
                clive && clive->type == JSON_ARRAY && i < clive->len ? clive->u.items[i] : NULL;
            struct json_value *m;
            if (merge(a, local->u.items[i], li, ci, &m, depth + 1) != 0)
                return -1;
            if (!m && !(m = json_new_null(a))) /* keep positions */
                return -1;
            if (json_array_push(a, r, m) != 0)
                return -1;
        }
        *out = r;
        return 0;
    }
    r = json_new_object(a);
    if (!r)
        return -1;
    for (size_t i = 0; i < local->len; i++) {
        const struct json_member *m = &local->u.members[i];
        const struct json_value *lv = live ? json_object_get(live, m->key, m->key_len) : NULL;
        const struct json_value *cv =
            clive && clive->type == JSON_OBJECT ? json_object_get(clive, m->key, m->key_len) : NULL;
        struct json_value *x;
        if (merge(a, m->value, lv, cv, &x, depth + 1) != 0)
            return -1;
        if (x && json_object_set(a, r, m->key, m->key_len, x) != 0)
            return -1;
    }
    for (size_t i = 0; live && i < live->len; i++) {
        const struct json_member *m = &live->u.members[i];
        if (json_object_get(local, m->key, m->key_len))
            continue;
        /* kept only when the canonical form drops it: the folder never holds such a key */
        bool dropped =
            !clive || clive->type != JSON_OBJECT || !json_object_get(clive, m->key, m->key_len);
        if (!dropped)
            continue;
        struct json_value *x = json_clone(a, m->value);
        if (!x || json_object_set(a, r, m->key, m->key_len, x) != 0)
            return -1;
    }
    *out = r;
    return 0;
}

struct json_value *flows_sync_merge(struct arena *a, enum flows_type t,
                                    const struct json_value *local, const struct json_value *live)
{
    struct json_value *clive = json_clone(a, live);
    if (!clive || flows_canon(a, t, clive) != 0)
        return NULL;
    struct json_value *out;
    if (merge(a, local, live, clive, &out, 0) != 0)
        return NULL;
    return out;
}

struct json_value *flows_sync_create_body(struct arena *a, const struct json_value *local)
{
    struct json_value *out;
    if (merge(a, local, NULL, NULL, &out, 0) != 0)
        return NULL;
    return out ? out : json_new_object(a);
}

static int fill(struct arena *a, const struct json_value *local, struct json_value *live,
                unsigned depth)
{
    if (depth > MAX_DEPTH || local->type != live->type)
        return 0;
    int n = 0;
    if (local->type == JSON_ARRAY) {
        for (size_t i = 0; i < local->len && i < live->len; i++) {
            int k = fill(a, local->u.items[i], live->u.items[i], depth + 1);
            if (k < 0)
                return -1;
            n += k;
        }
        return n;
    }
    if (local->type != JSON_OBJECT)
        return 0;
    for (size_t i = 0; i < local->len; i++) {
        const struct json_member *m = &local->u.members[i];
        struct json_value *lv = json_object_get(live, m->key, m->key_len);
        if (is_placeholder(m->value) && (!lv || lv->type == JSON_NULL)) {
            struct json_value *p = json_new_string(a, FLOWS_SECRET, sizeof(FLOWS_SECRET) - 1);
            if (!p || json_object_set(a, live, m->key, m->key_len, p) != 0)
                return -1;
            n++;
        } else if (lv) {
            int k = fill(a, m->value, lv, depth + 1);
            if (k < 0)
                return -1;
            n += k;
        }
    }
    return n;
}

int flows_sync_fill_secrets(struct arena *a, const struct json_value *local,
                            struct json_value *live_local)
{
    return fill(a, local, live_local, 0);
}
