/* json.c — the JSON engine's tree: constructors, accessors, the key index of large objects, deep
 * copy, semantic equality and JavaScript truthiness (json.h). Clone and equality walk the tree with
 * an explicit stack, so a parsed tree of any depth is safe. */
#include "json.h"
#include "json_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

/* ---- key index ------------------------------------------------------------------------------ */

static inline uint64_t hash_r4(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline uint64_t hash_r8(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint64_t hash_mix(uint64_t a, uint64_t b)
{
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* A per-process random seed, so that nobody can prepare keys that collide in our tables (a
 * quadratic parse). Nothing depends on the hash values beyond one process. */
static uint64_t hash_seed = 0x8bb84b93962eacc9ull;

__attribute__((constructor)) static void hash_seed_init(void)
{
    uint64_t s;
    if (getrandom(&s, sizeof(s), GRND_NONBLOCK) == (ssize_t)sizeof(s))
        hash_seed ^= s;
    else
        hash_seed ^= (uint64_t)(uintptr_t)&s * 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
}

uint32_t json__key_hash(const char *key, size_t len)
{
    /* wyhash's structure: short keys read as two overlapping words, longer ones 16 bytes a step;
     * every byte is read exactly within [key, key + len). */
    const unsigned char *p = (const unsigned char *)key;
    const uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull;
    uint64_t seed = hash_seed ^ len, a, b;
    if (len <= 16) {
        if (len >= 4) {
            size_t d = (len >> 3) << 2;
            a = hash_r4(p) << 32 | hash_r4(p + d);
            b = hash_r4(p + len - 4) << 32 | hash_r4(p + len - 4 - d);
        } else if (len > 0) {
            a = (uint64_t)p[0] << 16 | (uint64_t)p[len >> 1] << 8 | p[len - 1];
            b = 0;
        } else {
            a = b = 0;
        }
    } else {
        size_t i = len;
        while (i > 16) {
            seed = hash_mix(hash_r8(p) ^ k0, hash_r8(p + 8) ^ seed);
            p += 16;
            i -= 16;
        }
        a = hash_r8(p + i - 16);
        b = hash_r8(p + i - 8);
    }
    uint64_t h = hash_mix(a ^ k0, b ^ seed ^ k1);
    return (uint32_t)(h ^ (h >> 32));
}

struct json_index *json__index_build(struct arena *a, const struct json_member *members, uint32_t n,
                                     uint32_t want)
{
    uint32_t cap = 32;
    while (cap / 2 < want || cap / 2 < n) {
        if (cap > (UINT32_MAX >> 2))
            return NULL;
        cap <<= 1;
    }
    struct json_index *idx =
        arena_alloc(a, sizeof(struct json_index) + (size_t)cap * sizeof(struct json_index_slot));
    if (idx == NULL)
        return NULL;
    idx->cap = cap;
    idx->count = 0;
    memset(idx->slots, 0, (size_t)cap * sizeof(struct json_index_slot));
    for (uint32_t i = 0; i < n; i++)
        json__index_add(idx, i, json__key_hash(members[i].key, members[i].key_len));
    return idx;
}

int64_t json__index_find(const struct json_index *idx, const struct json_member *members,
                         const char *key, size_t len, uint32_t hash)
{
    uint32_t mask = idx->cap - 1;
    for (uint32_t i = hash & mask;; i = (i + 1) & mask) {
        const struct json_index_slot *s = &idx->slots[i];
        if (s->pos1 == 0)
            return -1;
        if (s->hash == hash) {
            const struct json_member *m = &members[s->pos1 - 1];
            if (m->key_len == len && memcmp(m->key, key, len) == 0)
                return (int64_t)s->pos1 - 1;
        }
    }
}

void json__index_add(struct json_index *idx, uint32_t pos, uint32_t hash)
{
    uint32_t mask = idx->cap - 1;
    uint32_t i = hash & mask;
    while (idx->slots[i].pos1 != 0)
        i = (i + 1) & mask;
    idx->slots[i].pos1 = pos + 1;
    idx->slots[i].hash = hash;
    idx->count++;
}

/* ---- constructors --------------------------------------------------------------------------- */

static struct json_value *value_new(struct arena *a, enum json_type t)
{
    struct json_value *v = arena_alloc(a, sizeof(*v));
    if (v == NULL)
        return NULL;
    memset(v, 0, sizeof(*v));
    v->type = (uint8_t)t;
    return v;
}

struct json_value *json_new_null(struct arena *a)
{
    return value_new(a, JSON_NULL);
}

struct json_value *json_new_bool(struct arena *a, bool b)
{
    return value_new(a, b ? JSON_TRUE : JSON_FALSE);
}

struct json_value *json_new_number(struct arena *a, double d)
{
    struct json_value *v = value_new(a, JSON_NUMBER);
    if (v != NULL)
        v->u.num = d;
    return v;
}

struct json_value *json_new_date(struct arena *a, double ms)
{
    struct json_value *v = value_new(a, JSON_DATE);
    if (v != NULL)
        v->u.num = ms;
    return v;
}

struct json_value *json_new_string(struct arena *a, const char *s, size_t len)
{
    if (len > UINT32_MAX)
        return NULL;
    struct json_value *v = value_new(a, JSON_STRING);
    if (v == NULL)
        return NULL;
    char *p = arena_strndup(a, s, len);
    if (p == NULL)
        return NULL;
    v->u.str = p;
    v->len = (uint32_t)len;
    return v;
}

struct json_value *json_new_array(struct arena *a)
{
    return value_new(a, JSON_ARRAY);
}

struct json_value *json_new_object(struct arena *a)
{
    return value_new(a, JSON_OBJECT);
}

/* ---- arrays --------------------------------------------------------------------------------- */

size_t json_len(const struct json_value *v)
{
    if (v == NULL)
        return 0;
    switch (v->type) {
    case JSON_STRING:
    case JSON_ARRAY:
    case JSON_OBJECT:
        return v->len;
    default:
        return 0;
    }
}

struct json_value *json_array_get(const struct json_value *arr, size_t i)
{
    if (arr == NULL || arr->type != JSON_ARRAY || i >= arr->len)
        return NULL;
    return arr->u.items[i];
}

int json_array_push(struct arena *a, struct json_value *arr, struct json_value *v)
{
    if (arr == NULL || arr->type != JSON_ARRAY || v == NULL)
        return -1;
    if (arr->len == arr->cap) {
        if (arr->cap > UINT32_MAX / 2)
            return -1;
        uint32_t ncap = arr->cap ? arr->cap * 2 : 4;
        void *n = arena_realloc(a, arr->u.items, (size_t)arr->cap * sizeof(*arr->u.items),
                                (size_t)ncap * sizeof(*arr->u.items));
        if (n == NULL)
            return -1;
        arr->u.items = n;
        arr->cap = ncap;
    }
    arr->u.items[arr->len++] = v;
    return 0;
}

/* ---- objects -------------------------------------------------------------------------------- */

static int64_t object_find(const struct json_value *obj, const char *key, size_t len,
                           uint32_t *hash)
{
    if (obj->index != NULL) {
        uint32_t h = json__key_hash(key, len);
        if (hash != NULL)
            *hash = h;
        return json__index_find(obj->index, obj->u.members, key, len, h);
    }
    const struct json_member *m = obj->u.members;
    for (uint32_t i = 0; i < obj->len; i++)
        if (m[i].key_len == len && memcmp(m[i].key, key, len) == 0)
            return i;
    return -1;
}

struct json_value *json_object_get(const struct json_value *obj, const char *key, size_t key_len)
{
    if (obj == NULL || obj->type != JSON_OBJECT)
        return NULL;
    int64_t i = object_find(obj, key, key_len, NULL);
    return i < 0 ? NULL : obj->u.members[i].value;
}

int json_object_set(struct arena *a, struct json_value *obj, const char *key, size_t key_len,
                    struct json_value *v)
{
    if (obj == NULL || obj->type != JSON_OBJECT || v == NULL || key_len > UINT32_MAX)
        return -1;
    uint32_t hash = 0;
    int64_t i = object_find(obj, key, key_len, &hash);
    if (i >= 0) {
        obj->u.members[i].value = v;
        return 0;
    }
    char *k = arena_strndup(a, key, key_len);
    if (k == NULL)
        return -1;
    if (obj->len == obj->cap) {
        if (obj->cap > UINT32_MAX / 2)
            return -1;
        uint32_t ncap = obj->cap ? obj->cap * 2 : 4;
        void *n = arena_realloc(a, obj->u.members, (size_t)obj->cap * sizeof(*obj->u.members),
                                (size_t)ncap * sizeof(*obj->u.members));
        if (n == NULL)
            return -1;
        obj->u.members = n;
        obj->cap = ncap;
    }
    uint32_t pos = obj->len;
    obj->u.members[pos].key = k;
    obj->u.members[pos].key_len = (uint32_t)key_len;
    obj->u.members[pos].value = v;
    struct json_index *idx = obj->index;
    if (idx != NULL && (idx->count + 1) * 2 <= idx->cap) {
        json__index_add(idx, pos, hash);
    } else if (idx != NULL || pos + 1 >= JSON_INDEX_MIN) {
        idx = json__index_build(a, obj->u.members, pos + 1, (pos + 1) * 2);
        if (idx == NULL)
            return -1; /* the member is not counted: the object is unchanged */
        obj->index = idx;
    }
    obj->len = pos + 1;
    return 0;
}

int json_object_delete(struct json_value *obj, const char *key, size_t key_len)
{
    if (obj == NULL || obj->type != JSON_OBJECT)
        return -1;
    int64_t i = object_find(obj, key, key_len, NULL);
    if (i < 0)
        return -1;
    struct json_member *m = obj->u.members;
    memmove(&m[i], &m[i + 1], (size_t)(obj->len - (uint32_t)i - 1) * sizeof(*m));
    obj->len--;
    struct json_index *idx = obj->index;
    if (idx != NULL) {
        /* Positions after i moved: rebuild in place (same capacity, fewer keys). */
        memset(idx->slots, 0, (size_t)idx->cap * sizeof(idx->slots[0]));
        idx->count = 0;
        for (uint32_t j = 0; j < obj->len; j++)
            json__index_add(idx, j, json__key_hash(m[j].key, m[j].key_len));
    }
    return 0;
}

/* ---- clone ---------------------------------------------------------------------------------- */

struct clone_frame {
    const struct json_value *src;
    struct json_value *dst;
    uint32_t i;
};

/* Copies everything of src but its children into a new node (children slots are filled later). */
static struct json_value *clone_shallow(struct arena *a, const struct json_value *src)
{
    struct json_value *d = value_new(a, (enum json_type)src->type);
    if (d == NULL)
        return NULL;
    switch (src->type) {
    case JSON_NUMBER:
    case JSON_DATE:
        d->u.num = src->u.num;
        break;
    case JSON_STRING: {
        char *p = arena_strndup(a, src->u.str, src->len);
        if (p == NULL)
            return NULL;
        d->u.str = p;
        d->len = src->len;
        break;
    }
    case JSON_ARRAY:
        if (src->len != 0) {
            d->u.items = arena_alloc(a, (size_t)src->len * sizeof(*d->u.items));
            if (d->u.items == NULL)
                return NULL;
        }
        d->len = d->cap = src->len;
        break;
    case JSON_OBJECT:
        if (src->len != 0) {
            d->u.members = arena_alloc(a, (size_t)src->len * sizeof(*d->u.members));
            if (d->u.members == NULL)
                return NULL;
            for (uint32_t i = 0; i < src->len; i++) {
                const struct json_member *sm = &src->u.members[i];
                char *k = arena_strndup(a, sm->key, sm->key_len);
                if (k == NULL)
                    return NULL;
                d->u.members[i].key = k;
                d->u.members[i].key_len = sm->key_len;
                d->u.members[i].value = NULL;
            }
        }
        d->len = d->cap = src->len;
        if (src->len >= JSON_INDEX_MIN) {
            d->index = json__index_build(a, d->u.members, d->len, d->len);
            if (d->index == NULL)
                return NULL;
        }
        break;
    default:
        break;
    }
    return d;
}

struct json_value *json_clone(struct arena *a, const struct json_value *v)
{
    if (v == NULL)
        return NULL;
    struct json_value *root = clone_shallow(a, v);
    if (root == NULL || (v->type != JSON_ARRAY && v->type != JSON_OBJECT))
        return root;
    size_t cap = 64, n = 0;
    struct clone_frame *st = malloc(cap * sizeof(*st));
    if (st == NULL)
        return NULL;
    st[n++] = (struct clone_frame){v, root, 0};
    while (n > 0) {
        struct clone_frame *f = &st[n - 1];
        if (f->i == f->src->len) {
            n--;
            continue;
        }
        uint32_t i = f->i++;
        const struct json_value *child =
            f->src->type == JSON_ARRAY ? f->src->u.items[i] : f->src->u.members[i].value;
        struct json_value *c = clone_shallow(a, child);
        if (c == NULL) {
            free(st);
            return NULL;
        }
        if (f->src->type == JSON_ARRAY)
            f->dst->u.items[i] = c;
        else
            f->dst->u.members[i].value = c;
        if ((c->type == JSON_ARRAY || c->type == JSON_OBJECT) && c->len != 0) {
            if (n == cap) {
                struct clone_frame *ns = realloc(st, cap * 2 * sizeof(*st));
                if (ns == NULL) {
                    free(st);
                    return NULL;
                }
                st = ns;
                cap *= 2;
            }
            st[n++] = (struct clone_frame){child, c, 0};
        }
    }
    free(st);
    return root;
}

/* ---- equality ------------------------------------------------------------------------------- */

struct eq_frame {
    const struct json_value *x, *y;
    uint32_t i;
};

/* Compares the nodes themselves; for containers only their type and size. */
static bool equal_shallow(const struct json_value *x, const struct json_value *y)
{
    if (x == NULL || y == NULL)
        return x == y;
    if (x->type != y->type)
        return false;
    switch (x->type) {
    case JSON_NUMBER:
    case JSON_DATE:
        return x->u.num == y->u.num;
    case JSON_STRING:
        return x->len == y->len && memcmp(x->u.str, y->u.str, x->len) == 0;
    case JSON_ARRAY:
    case JSON_OBJECT:
        return x->len == y->len;
    default:
        return true;
    }
}

bool json_equal(const struct json_value *x, const struct json_value *y)
{
    if (!equal_shallow(x, y))
        return false;
    if (x == NULL || (x->type != JSON_ARRAY && x->type != JSON_OBJECT) || x->len == 0)
        return true;
    size_t cap = 64, n = 0;
    struct eq_frame *st = malloc(cap * sizeof(*st));
    if (st == NULL)
        return false;
    bool ok = true;
    st[n++] = (struct eq_frame){x, y, 0};
    while (ok && n > 0) {
        struct eq_frame *f = &st[n - 1];
        if (f->i == f->x->len) {
            n--;
            continue;
        }
        uint32_t i = f->i++;
        const struct json_value *cx, *cy;
        if (f->x->type == JSON_ARRAY) {
            cx = f->x->u.items[i];
            cy = f->y->u.items[i];
        } else {
            const struct json_member *m = &f->x->u.members[i];
            cx = m->value;
            int64_t j;
            if (f->y->len > i && f->y->u.members[i].key_len == m->key_len &&
                memcmp(f->y->u.members[i].key, m->key, m->key_len) == 0)
                j = i; /* same order: the common case */
            else
                j = object_find(f->y, m->key, m->key_len, NULL);
            if (j < 0) {
                ok = false;
                break;
            }
            cy = f->y->u.members[j].value;
        }
        if (!equal_shallow(cx, cy)) {
            ok = false;
            break;
        }
        if ((cx->type == JSON_ARRAY || cx->type == JSON_OBJECT) && cx->len != 0) {
            if (n == cap) {
                struct eq_frame *ns = realloc(st, cap * 2 * sizeof(*st));
                if (ns == NULL) {
                    ok = false;
                    break;
                }
                st = ns;
                cap *= 2;
            }
            st[n++] = (struct eq_frame){cx, cy, 0};
        }
    }
    free(st);
    return ok;
}

bool json_truthy(const struct json_value *v)
{
    if (v == NULL)
        return false;
    switch (v->type) {
    case JSON_NULL:
    case JSON_FALSE:
        return false;
    case JSON_NUMBER:
        return v->u.num != 0 && !isnan(v->u.num);
    case JSON_STRING:
        return v->len != 0;
    default:
        return true;
    }
}
