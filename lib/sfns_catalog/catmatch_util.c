/* catmatch_util.c — the catalog matcher's string pool, multimap, text buffer and name tokens
 * (catmatch_internal.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catmatch_internal.h"

/* ---- pool ---------------------------------------------------------------------------------- */
struct cm_chunk {
    struct cm_chunk *next;
    size_t used, cap;
    _Alignas(16) char data[];
};

void *cm_pool_alloc(struct cm_pool *p, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    struct cm_chunk *c = p->head;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > (1u << 20) ? n : (1u << 20);
        c = malloc(sizeof(*c) + cap);
        if (!c)
            return NULL;
        c->used = 0;
        c->cap = cap;
        c->next = p->head;
        p->head = c;
    }
    void *r = c->data + c->used;
    c->used += n;
    return r;
}

char *cm_pool_strdup(struct cm_pool *p, const char *s, size_t n)
{
    char *r = cm_pool_alloc(p, n + 1);
    if (r) {
        memcpy(r, s, n);
        r[n] = '\0';
    }
    return r;
}

void cm_pool_free(struct cm_pool *p)
{
    while (p->head) {
        struct cm_chunk *n = p->head->next;
        free(p->head);
        p->head = n;
    }
}

/* ---- multimap (open addressing, FNV-1a) ------------------------------------------------------ */
uint64_t cm_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

void cm_multi_init(struct cm_multi *m)
{
    memset(m, 0, sizeof(*m));
}

void cm_multi_free(struct cm_multi *m)
{
    free(m->slots);
    free(m->next);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

static struct cm_slot *slot_of(struct cm_slot *slots, size_t cap, const char *key, uint64_t h)
{
    size_t i = (size_t)h & (cap - 1);
    while (slots[i].key && (slots[i].hash != h || strcmp(slots[i].key, key) != 0))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static int grow(struct cm_multi *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    struct cm_slot *ns = calloc(cap, sizeof(*ns));
    if (!ns)
        return -1;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            *slot_of(ns, cap, m->slots[i].key, m->slots[i].hash) = m->slots[i];
    free(m->slots);
    m->slots = ns;
    m->cap = cap;
    return 0;
}

int cm_multi_add(struct cm_multi *m, const char *key, uint32_t value)
{
    if ((m->used + 1) * 2 > m->cap && grow(m) != 0)
        return -1;
    if (m->n == m->ncap) {
        size_t nc = m->ncap ? m->ncap * 2 : 64;
        uint32_t *nn = realloc(m->next, nc * sizeof(*nn));
        if (!nn)
            return -1;
        m->next = nn;
        uint32_t *nv = realloc(m->vals, nc * sizeof(*nv));
        if (!nv)
            return -1;
        m->vals = nv;
        m->ncap = nc;
    }
    uint64_t h = cm_hash(key);
    struct cm_slot *s = slot_of(m->slots, m->cap, key, h);
    uint32_t e = (uint32_t)m->n++;
    m->vals[e] = value;
    m->next[e] = CM_NONE;
    if (!s->key) {
        *s = (struct cm_slot){.key = key, .hash = h, .head = e, .tail = e, .count = 1};
        m->used++;
    } else {
        m->next[s->tail] = e;
        s->tail = e;
        s->count++;
    }
    return 0;
}

const struct cm_slot *cm_multi_find(const struct cm_multi *m, const char *key)
{
    if (!m->cap || !key)
        return NULL;
    const struct cm_slot *s = slot_of(m->slots, m->cap, key, cm_hash(key));
    return s->key ? s : NULL;
}

/* ---- text buffer ----------------------------------------------------------------------------- */
void cm_buf_printf(struct cm_buf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n =
            vsnprintf(b->data ? b->data + b->len : NULL, b->data ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
            return;
        }
        if (b->data && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap : 128;
        while (cap <= b->len + (size_t)n)
            cap *= 2;
        char *nd = realloc(b->data, cap);
        if (!nd) {
            b->failed = 1;
            return;
        }
        b->data = nd;
        b->cap = cap;
    }
}

/* ---- tokens ---------------------------------------------------------------------------------- */
static int is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

const char **cm_tokens(struct cm_pool *pool, const char *text1, const char *text2)
{
    size_t cap = 8, n = 0;
    const char **out = cm_pool_alloc(pool, (cap + 1) * sizeof(*out));
    const char *texts[2] = {text1, text2};
    char word[64];
    for (int t = 0; t < 2 && out; t++) {
        const char *s = texts[t];
        while (s && *s) {
            while (*s && !is_alnum((unsigned char)*s))
                s++;
            size_t w = 0;
            while (*s && is_alnum((unsigned char)*s)) {
                unsigned char c = (unsigned char)*s++;
                if (w + 1 < sizeof(word))
                    word[w++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
            if (w == 0)
                continue;
            word[w] = '\0';
            int seen = 0;
            for (size_t k = 0; k < n && !seen; k++)
                seen = strcmp(out[k], word) == 0;
            if (seen)
                continue;
            if (n == cap) {
                const char **nb = cm_pool_alloc(pool, (cap * 2 + 1) * sizeof(*nb));
                if (!nb)
                    return NULL;
                memcpy(nb, out, n * sizeof(*nb));
                out = nb;
                cap *= 2;
            }
            if (!(out[n++] = cm_pool_strdup(pool, word, w)))
                return NULL;
        }
    }
    if (out)
        out[n] = NULL;
    return out;
}

double cm_token_weight(size_t df, size_t n)
{
    return log(1.0 + (double)(n + 1) / (double)(df ? df : 1));
}
