/* json_read.c — the JSON engine's reader: JSON.parse's grammar (RFC 8259, strict) over a byte
 * buffer, iterative, into an arena tree (json.h; rules in docs/json-fidelity.md).
 *
 * Containers being read keep their children on scratch stacks (malloc'd, freed before returning)
 * and get an exact-size arena array when they close. Duplicate keys keep the first position and the
 * last value: small objects are searched linearly, objects past PARSE_HASH_MIN keys through one
 * scratch hash table shared by all open objects, so a big object is not quadratic; objects of
 * JSON_INDEX_MIN keys or more also keep an index in the tree. Keys are interned per parse (a small
 * cache of recent keys), so the records of a page share their key strings. With decode_utf8 the
 * input is taken as body-parser decodes it: one BOM stripped, and inside strings each maximal
 * ill-formed UTF-8 subsequence read as U+FFFD (outside strings any non-ASCII byte is a syntax error
 * either way, so no separate decoding pass is needed and error offsets stay offsets into the input
 * as given). String literals are read by json_read_string.c. */
#include "json.h"
#include "json_internal.h"
#include "json_reader.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int json__scratch_grow(void **buf, size_t *cap, size_t elem, const void *inline_buf, size_t need)
{
    size_t ncap = *cap;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem)
            return -1;
        ncap *= 2;
    }
    void *n;
    if (*buf == inline_buf) {
        n = malloc(ncap * elem);
        if (n != NULL)
            memcpy(n, *buf, *cap * elem);
    } else {
        n = realloc(*buf, ncap * elem);
    }
    if (n == NULL)
        return -1;
    *buf = n;
    *cap = ncap;
    return 0;
}

static void reader_release(struct reader *r)
{
    if ((void *)r->vals != (void *)r->ivals)
        free(r->vals);
    if ((void *)r->mems != (void *)r->imems)
        free(r->mems);
    if ((void *)r->frames != (void *)r->iframes)
        free(r->frames);
    if ((void *)r->sbuf != (void *)r->isbuf)
        free(r->sbuf);
    free(r->ptab);
}

/* ---- numbers -------------------------------------------------------------------------------- */

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Reads a number at p; returns the position after it (NULL on error, r->msg set). */
static const unsigned char *read_number(struct reader *r, const unsigned char *p, double *out)
{
    const unsigned char *end = r->end, *s = p;
    bool neg = false;
    if (*p == '-') {
        neg = true;
        p++;
    }
    uint64_t m = 0;
    int ndig = 0;      /* digits accumulated into m */
    bool lost = false; /* digits beyond 19 were not accumulated */
    int64_t e10 = 0;   /* value = m * 10^e10 when !lost */
    if (p >= end)
        goto eof;
    if (*p == '0') {
        p++;
    } else if (*p >= '1' && *p <= '9') {
        while (p < end && (unsigned)(*p - '0') < 10) {
            if (ndig < 19) {
                m = m * 10 + (unsigned)(*p - '0');
                ndig++;
            } else {
                lost = true;
            }
            p++;
        }
    } else {
        r->msg = "no digit after minus sign";
        r->at = p;
        return NULL;
    }
    bool simple = true;
    if (p < end && *p == '.') {
        simple = false;
        p++;
        if (p >= end)
            goto eof;
        if ((unsigned)(*p - '0') >= 10) {
            r->msg = "unterminated fractional number";
            r->at = p;
            return NULL;
        }
        while (p < end && (unsigned)(*p - '0') < 10) {
            if (ndig < 19) {
                m = m * 10 + (unsigned)(*p - '0');
                if (m != 0)
                    ndig++;
                e10--;
            } else {
                lost = true;
            }
            p++;
        }
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        simple = false;
        p++;
        bool eneg = false;
        if (p < end && (*p == '+' || *p == '-')) {
            eneg = *p == '-';
            p++;
        }
        if (p >= end)
            goto eof;
        if ((unsigned)(*p - '0') >= 10) {
            r->msg = "exponent part is missing a number";
            r->at = p;
            return NULL;
        }
        int64_t ev = 0;
        while (p < end && (unsigned)(*p - '0') < 10) {
            if (ev < 100000)
                ev = ev * 10 + (*p - '0');
            p++;
        }
        e10 += eneg ? -ev : ev;
    }
    double d;
    if (!lost && simple) {
        d = (double)m; /* one rounding of an exact integer: correctly rounded */
    } else if (!lost && m <= (1ull << 53) && e10 >= -22 && e10 <= 22) {
        d = e10 < 0 ? (double)m / pow10_exact[-e10] : (double)m * pow10_exact[e10];
    } else {
        d = json__num_parse((const char *)s, (size_t)(p - s));
        *out = d; /* the literal carries its own sign */
        return p;
    }
    *out = neg ? -d : d;
    return p;
eof:
    r->msg = JSON_READ_MSG_EOF;
    r->at = end;
    return NULL;
}

/* ---- the reader ----------------------------------------------------------------------------- */

static inline const unsigned char *skip_ws(const unsigned char *p, const unsigned char *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    return p;
}

static void error_fill(const struct reader *r, struct json_error *err)
{
    if (err == NULL)
        return;
    const unsigned char *at = r->at;
    err->offset = (size_t)(at - r->start);
    uint32_t line = 1;
    const unsigned char *ls = r->start;
    for (const unsigned char *q = r->start; q < at; q++)
        if (*q == '\n') {
            line++;
            ls = q + 1;
        }
    err->line = line;
    err->column = (uint32_t)(at - ls) + 1;
    if (r->msg != NULL) {
        snprintf(err->message, sizeof(err->message), "%s", r->msg);
    } else if (at >= r->end) {
        snprintf(err->message, sizeof(err->message), "%s", JSON_READ_MSG_EOF);
    } else if (*at >= 0x20 && *at < 0x7F) {
        snprintf(err->message, sizeof(err->message), "unexpected character '%c'", *at);
    } else {
        snprintf(err->message, sizeof(err->message), "unexpected byte 0x%02x", *at);
    }
}

static struct json_value *node_new(struct reader *r, enum json_type t)
{
    struct json_value *v = arena_alloc(r->a, sizeof(*v));
    if (v != NULL) {
        memset(v, 0, sizeof(*v));
        v->type = (uint8_t)t;
    }
    return v;
}

/* Adds member position idx (absolute, on r->mems) to the scratch table; it has room. */
static void ptab_put(struct reader *r, uint32_t hash, uint32_t idx)
{
    uint32_t mask = r->pcap - 1;
    uint32_t i = hash & mask;
    while (r->ptab[i].epoch == r->epoch)
        i = (i + 1) & mask;
    r->ptab[i] = (struct ptab_slot){r->epoch, hash, idx};
    r->pused++;
}

/* Makes room for one more entry: a fresh epoch holding only the members of open hashed objects,
 * in a table grown when those fill more than a quarter of it. 0 or -1. */
static int ptab_reserve(struct reader *r)
{
    if (r->ptab != NULL && (r->pused + 1) * 2 <= r->pcap)
        return 0;
    size_t live = 0;
    for (size_t i = 0; i < r->nframes; i++)
        if (r->frames[i].hashed)
            live += r->nmems - r->frames[i].base; /* an upper bound (nested ranges overlap) */
    uint32_t cap = r->pcap ? r->pcap : 256;
    while ((live + 1) * 4 > cap) {
        if (cap > (UINT32_MAX >> 2))
            return -1;
        cap <<= 1;
    }
    if (cap != r->pcap) {
        free(r->ptab);
        r->ptab = calloc(cap, sizeof(*r->ptab));
        if (r->ptab == NULL) {
            r->pcap = 0;
            return -1;
        }
        r->pcap = cap;
        r->epoch = 1;
    } else if (++r->epoch == 0) {
        memset(r->ptab, 0, (size_t)cap * sizeof(*r->ptab));
        r->epoch = 1;
    }
    r->pused = 0;
    /* Each member belongs to its innermost object: walk the frames and re-add each object's own
     * range (up to the next open object's base, which is where its pending nested value began). */
    for (size_t i = 0; i < r->nframes; i++) {
        struct frame *f = &r->frames[i];
        if (!f->hashed)
            continue;
        size_t stop = r->nmems;
        for (size_t j = i + 1; j < r->nframes; j++)
            if (r->frames[j].node->type == JSON_OBJECT) {
                stop = r->frames[j].base;
                break;
            }
        for (size_t k = f->base; k < stop; k++)
            ptab_put(r, json__key_hash(r->mems[k].key, r->mems[k].key_len), (uint32_t)k);
    }
    return 0;
}

/* Finds or adds key (hash: json__key_hash of it) in the open object f; sets f->pending. 0, or -1
 * when out of memory. */
static int object_key(struct reader *r, struct frame *f, const char *key, uint32_t len,
                      uint32_t hash)
{
    uint32_t cnt = (uint32_t)(r->nmems - f->base);
    struct json_member *fm = r->mems + f->base;
    if (!f->hashed && cnt < PARSE_HASH_MIN) {
        for (uint32_t i = 0; i < cnt; i++) {
            if (fm[i].key == key || (fm[i].key_len == len && memcmp(fm[i].key, key, len) == 0)) {
                f->pending = i;
                return 0;
            }
        }
    } else {
        if (!f->hashed) {
            f->hashed = true;
            r->hashed_frames++;
            for (uint32_t i = 0; i < cnt; i++) {
                if (ptab_reserve(r) != 0)
                    return -1;
                ptab_put(r, json__key_hash(fm[i].key, fm[i].key_len), f->base + i);
            }
        }
        uint32_t mask = r->pcap - 1;
        for (uint32_t i = hash & mask; r->ptab[i].epoch == r->epoch; i = (i + 1) & mask) {
            const struct ptab_slot *sl = &r->ptab[i];
            if (sl->hash != hash || sl->idx < f->base || sl->idx >= r->nmems)
                continue;
            const struct json_member *m = &r->mems[sl->idx];
            if (m->key == key || (m->key_len == len && memcmp(m->key, key, len) == 0)) {
                f->pending = sl->idx - f->base;
                return 0;
            }
        }
    }
    if (cnt == UINT32_MAX - 1)
        return -1;
    if (r->nmems == r->capmems && json__scratch_grow((void **)&r->mems, &r->capmems,
                                                     sizeof(*r->mems), r->imems, r->nmems + 1))
        return -1;
    fm = r->mems + f->base;
    fm[cnt].key = key;
    fm[cnt].key_len = len;
    fm[cnt].value = NULL;
    r->nmems++;
    f->pending = cnt;
    if (f->hashed) {
        if (ptab_reserve(r) != 0)
            return -1;
        ptab_put(r, hash, f->base + cnt);
    }
    return 0;
}

/* The arena copy of a key, shared with earlier equal keys of this parse when the cache has one. */
static const char *key_intern(struct reader *r, const unsigned char *s, uint32_t len, uint32_t hash)
{
    struct key_cache_entry *e = &r->keys[hash & (KEY_CACHE - 1)];
    if (e->key != NULL && e->hash == hash && e->len == len && memcmp(e->key, s, len) == 0)
        return e->key;
    char *k = arena_alloc(r->a, (size_t)len + 1);
    if (k == NULL)
        return NULL;
    memcpy(k, s, len);
    k[len] = '\0';
    if (len <= KEY_CACHE_MAX)
        *e = (struct key_cache_entry){k, len, hash};
    return k;
}

/* Gives the container of frame f its children (exact-size arena copies). 0 or -1. */
static int frame_close(struct reader *r, struct frame *f)
{
    struct json_value *node = f->node;
    if (node->type == JSON_ARRAY) {
        size_t n = r->nvals - f->base;
        if (n > UINT32_MAX)
            return -1;
        if (n != 0) {
            node->u.items = arena_alloc(r->a, n * sizeof(*node->u.items));
            if (node->u.items == NULL)
                return -1;
            memcpy(node->u.items, r->vals + f->base, n * sizeof(*node->u.items));
        }
        node->len = node->cap = (uint32_t)n;
        r->nvals = f->base;
    } else {
        size_t n = r->nmems - f->base;
        if (n != 0) {
            node->u.members = arena_alloc(r->a, n * sizeof(*node->u.members));
            if (node->u.members == NULL)
                return -1;
            memcpy(node->u.members, r->mems + f->base, n * sizeof(*node->u.members));
        }
        node->len = node->cap = (uint32_t)n;
        if (n >= JSON_INDEX_MIN) {
            node->index = json__index_build(r->a, node->u.members, (uint32_t)n, (uint32_t)n);
            if (node->index == NULL)
                return -1;
        }
        r->nmems = f->base;
        if (f->hashed && --r->hashed_frames == 0) {
            /* No open object uses the table: empty it in O(1). */
            if (++r->epoch == 0) {
                memset(r->ptab, 0, (size_t)r->pcap * sizeof(*r->ptab));
                r->epoch = 1;
            }
            r->pused = 0;
        }
    }
    return 0;
}

struct json_value *json_parse(struct arena *a, const char *buf, size_t len,
                              const struct json_parse_opts *opts, struct json_error *err)
{
    struct reader rd;
    struct reader *r = &rd;
    r->start = (const unsigned char *)buf;
    r->end = r->start + len;
    r->a = a;
    r->decode = opts != NULL && opts->decode_utf8;
    r->msg = NULL;
    r->at = r->start;
    r->vals = r->ivals;
    r->nvals = 0;
    r->capvals = INLINE_VALS;
    r->mems = r->imems;
    r->nmems = 0;
    r->capmems = INLINE_MEMS;
    r->frames = r->iframes;
    r->nframes = 0;
    r->capframes = INLINE_FRAMES;
    r->sbuf = r->isbuf;
    r->capsbuf = INLINE_SBUF;
    r->ptab = NULL;
    r->pcap = r->pused = r->hashed_frames = 0;
    r->epoch = 1;
    memset(r->keys, 0, sizeof(r->keys));
    uint32_t max_depth =
        opts != NULL && opts->max_depth != 0 ? opts->max_depth : JSON_MAX_PARSE_DEPTH;

    const unsigned char *p = r->start, *end = r->end;
    struct json_value *v = NULL, *root = NULL;
    struct frame *f = NULL;

    if (r->decode && len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        p += 3;
    p = skip_ws(p, end);
    if (p < end && opts != NULL && opts->require_container && *p != '{' && *p != '[')
        goto fail_at;

value:
    if (p >= end)
        goto fail_at;
    switch (*p) {
    case '{':
    case '[': {
        if (r->nframes >= max_depth) {
            r->msg = "nesting too deep";
            goto fail_at;
        }
        if (r->nframes == r->capframes &&
            json__scratch_grow((void **)&r->frames, &r->capframes, sizeof(*r->frames), r->iframes,
                               r->nframes + 1))
            goto nomem;
        bool is_obj = *p == '{';
        struct json_value *node = node_new(r, is_obj ? JSON_OBJECT : JSON_ARRAY);
        if (node == NULL)
            goto nomem;
        f = &r->frames[r->nframes++];
        f->node = node;
        f->base = (uint32_t)(is_obj ? r->nmems : r->nvals);
        f->pending = 0;
        f->hashed = false;
        p = skip_ws(p + 1, end);
        if (p < end && *p == (is_obj ? '}' : ']')) {
            p++;
            r->nframes--;
            v = node;
            goto have_value;
        }
        if (!is_obj)
            goto value;
        if (p < end && *p == '"')
            goto key;
        goto fail_at;
    }
    case '"': {
        const unsigned char *data;
        uint32_t n;
        const unsigned char *q = json__read_string(r, p + 1, &data, &n);
        if (q == NULL)
            goto fail;
        /* The node and its bytes in one allocation. */
        char *blk = arena_alloc(r->a, sizeof(struct json_value) + (size_t)n + 1);
        if (blk == NULL)
            goto nomem;
        p = q;
        v = (struct json_value *)(void *)blk;
        memset(v, 0, sizeof(*v));
        v->type = JSON_STRING;
        v->len = n;
        memcpy(blk + sizeof(struct json_value), data, n);
        blk[sizeof(struct json_value) + n] = '\0';
        v->u.str = blk + sizeof(struct json_value);
        goto have_value;
    }
    case 't':
        if (end - p >= 4 && memcmp(p, STRLIT("true")) == 0) {
            v = node_new(r, JSON_TRUE);
            p += 4;
            goto have_literal;
        }
        goto fail_literal;
    case 'f':
        if (end - p >= 5 && memcmp(p, STRLIT("false")) == 0) {
            v = node_new(r, JSON_FALSE);
            p += 5;
            goto have_literal;
        }
        goto fail_literal;
    case 'n':
        if (end - p >= 4 && memcmp(p, STRLIT("null")) == 0) {
            v = node_new(r, JSON_NULL);
            p += 4;
            goto have_literal;
        }
        goto fail_literal;
    case '-':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9': {
        double d;
        const unsigned char *q = read_number(r, p, &d);
        if (q == NULL)
            goto fail;
        v = node_new(r, JSON_NUMBER);
        if (v == NULL)
            goto nomem;
        v->u.num = d;
        p = q;
        goto have_value;
    }
    default:
        goto fail_at;
    }

fail_literal : {
    /* Point at the first byte that differs from the literal it started. */
    const char *lit = *p == 't' ? "true" : *p == 'f' ? "false" : "null";
    size_t i = 0;
    while (lit[i] != '\0' && p + i < end && p[i] == (unsigned char)lit[i])
        i++;
    p += i;
    goto fail_at;
}

have_literal:
    if (v == NULL)
        goto nomem;
    goto have_value;

key : {
    /* p at the opening quote of a key in the open object f. */
    const unsigned char *data;
    uint32_t n;
    const unsigned char *q = json__read_string(r, p + 1, &data, &n);
    if (q == NULL)
        goto fail;
    uint32_t h = json__key_hash((const char *)data, n);
    const char *k = key_intern(r, data, n, h);
    if (k == NULL || object_key(r, f, k, n, h) != 0)
        goto nomem;
    p = skip_ws(q, end);
    if (p >= end || *p != ':')
        goto fail_at;
    p = skip_ws(p + 1, end);
    goto value;
}

have_value:
    if (r->nframes == 0) {
        root = v;
        goto done;
    }
    f = &r->frames[r->nframes - 1];
    if (f->node->type == JSON_ARRAY) {
        if (r->nvals == r->capvals && json__scratch_grow((void **)&r->vals, &r->capvals,
                                                         sizeof(*r->vals), r->ivals, r->nvals + 1))
            goto nomem;
        r->vals[r->nvals++] = v;
    } else {
        r->mems[f->base + f->pending].value = v;
    }
    p = skip_ws(p, end);
    if (p >= end)
        goto fail_at;
    if (*p == ',') {
        p = skip_ws(p + 1, end);
        if (f->node->type == JSON_ARRAY)
            goto value;
        if (p < end && *p == '"')
            goto key;
        goto fail_at;
    }
    if (*p == (f->node->type == JSON_ARRAY ? ']' : '}')) {
        p++;
        if (frame_close(r, f) != 0)
            goto nomem;
        v = f->node;
        r->nframes--;
        goto have_value;
    }
    goto fail_at;

done:
    p = skip_ws(p, end);
    if (p != end) {
        r->msg = "unexpected data after the JSON value";
        goto fail_at;
    }
    reader_release(r);
    return root;

nomem:
    r->msg = JSON_READ_MSG_NOMEM;
fail_at:
    r->at = p;
fail:
    error_fill(r, err);
    reader_release(r);
    return NULL;
}
