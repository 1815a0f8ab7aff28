/* json_write.c — the JSON engine's writer: JSON.stringify's compact text of an arena tree
 * (json.h; rules in docs/json-fidelity.md §3–§5), iterative, into a growable buffer.
 *
 * Numbers print as JavaScript's Number::toString (integers below 2^53 directly, everything else
 * through json_number_format), strings with JSON.stringify's escaping (WTF-8 lone surrogates as
 * lowercase \udxxx, invalid UTF-8 as U+FFFD), object keys that are array indices first. The
 * JavaScript length of the output is counted on the way (bytes minus the UTF-8 overhead). */
#include "json.h"
#include "json_internal.h"
#include "text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the buffer ----------------------------------------------------------------------------- */

void json_buf_init(struct json_buf *b, size_t limit)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->limit = limit;
}

void json_buf_free(struct json_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

/* Makes room for n more bytes (the limit is checked by the callers on what they wrote). */
static int buf_reserve(struct json_buf *b, size_t n)
{
    if (b->cap - b->len >= n)
        return 0;
    if (n > SIZE_MAX / 2 - b->len)
        return ERR_NOMEM;
    size_t ncap = b->cap ? b->cap : 256;
    while (ncap - b->len < n)
        ncap *= 2;
    char *d = realloc(b->data, ncap);
    if (d == NULL)
        return ERR_NOMEM;
    b->data = d;
    b->cap = ncap;
    return 0;
}

int json_buf_append(struct json_buf *b, const void *p, size_t n)
{
    if (b->limit != 0 && (n > b->limit || b->len > b->limit - n))
        return ERR_NOMEM;
    if (buf_reserve(b, n) != 0)
        return ERR_NOMEM;
    if (n != 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

/* ---- UTF-16 length -------------------------------------------------------------------------- */

size_t json_utf16_len(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((p[i] & 0xC0) != 0x80) + (p[i] >= 0xF0);
    return n;
}

/* ---- numbers -------------------------------------------------------------------------------- */

static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
                                     "25262728293031323334353637383940414243444546474849"
                                     "50515253545556575859606162636465666768697071727374"
                                     "75767778798081828384858687888990919293949596979899";

/* Writes the decimal digits of u (u < 10^20) ending just before e; returns the first digit. */
static inline char *u64_digits(char *e, uint64_t u)
{
    while (u >= 100) {
        unsigned r = (unsigned)(u % 100);
        u /= 100;
        e -= 2;
        memcpy(e, digit_pairs + 2 * r, 2);
    }
    if (u >= 10) {
        e -= 2;
        memcpy(e, digit_pairs + 2 * u, 2);
    } else {
        *--e = (char)('0' + u);
    }
    return e;
}

/* Number::toString of d, or "null" for NaN and infinities (JSON.stringify); returns the length. */
static inline size_t number_write(char *out, double d)
{
    if (d > -9007199254740992.0 && d < 9007199254740992.0) {
        int64_t i = (int64_t)d;
        if ((double)i == d) {
            /* An integer below 2^53 is its own shortest round-trip form; -0 prints 0. */
            char tmp[24];
            char *e = tmp + sizeof(tmp);
            uint64_t u = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
            char *b = u64_digits(e, u);
            if (i < 0)
                *--b = '-';
            size_t n = (size_t)(e - b);
            memcpy(out, b, n);
            return n;
        }
    } else if (!isfinite(d)) {
        memcpy(out, STRLIT("null"));
        return 4;
    }
    return json_number_format(d, out);
}

/* ---- output cursor ------------------------------------------------------------------------ */

/* The writer keeps its position in locals and syncs the buffer only when it grows. */
struct wr {
    char *o, *end;
    struct json_buf *b;
    size_t adjust; /* output bytes that are not UTF-16 code units of their own */
};

static __attribute__((noinline)) int wr_grow(struct wr *w, size_t n)
{
    struct json_buf *b = w->b;
    b->len = (size_t)(w->o - b->data);
    if (b->limit != 0 && b->len > b->limit)
        return ERR_NOMEM;
    if (buf_reserve(b, n) != 0)
        return ERR_NOMEM;
    w->o = b->data + b->len;
    w->end = b->data + b->cap;
    return 0;
}

static inline int wr_need(struct wr *w, size_t n)
{
    if ((size_t)(w->end - w->o) >= n)
        return 0;
    return wr_grow(w, n);
}

/* ---- strings -------------------------------------------------------------------------------- */

/* 0: copied as is; 1: needs an escape; 2: non-ASCII. */
static const unsigned char byte_class[256] = {
#define R16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
    R16(1), R16(1), 0,      0,      1,      0,      0,      0,      0,      0,
    0,      0,      0,      0,      0,      0,      0,      0, /* 0x20: '"' */
    R16(0), R16(0), 0,      0,      0,      0,      0,      0,      0,      0,
    0,      0,      0,      0,      1,      0,      0,      0, /* 0x50: '\\' */
    R16(0), R16(0), R16(2), R16(2), R16(2), R16(2), R16(2), R16(2), R16(2), R16(2),
#undef R16
};

static const char hex_lower[] = "0123456789abcdef";

/* Bytes of input handled per reservation: the output is at most 6 bytes per input byte. */
#define STR_CHUNK 4096

/* Writes the escaped form of one special byte sequence at p (p < end); returns the new p. */
static const unsigned char *special_write(struct wr *w, const unsigned char *p,
                                          const unsigned char *end)
{
    char *o = w->o;
    unsigned c = *p;
    if (byte_class[c] == 1) {
        *o++ = '\\';
        switch (c) {
        case '"':
            *o++ = '"';
            break;
        case '\\':
            *o++ = '\\';
            break;
        case '\b':
            *o++ = 'b';
            break;
        case '\f':
            *o++ = 'f';
            break;
        case '\n':
            *o++ = 'n';
            break;
        case '\r':
            *o++ = 'r';
            break;
        case '\t':
            *o++ = 't';
            break;
        default:
            memcpy(o, STRLIT("u00"));
            o[3] = hex_lower[c >> 4];
            o[4] = hex_lower[c & 15];
            o += 5;
            break;
        }
        w->o = o;
        return p + 1;
    }
    size_t avail = (size_t)(end - p);
    size_t k = json__utf8_seq(p, avail);
    if (k != 0) {
        memcpy(o, p, k);
        w->o = o + k;
        w->adjust += k == 4 ? 2 : k - 1;
        return p + k;
    }
    if (c == 0xED && avail >= 3 && p[1] >= 0xA0 && (p[2] & 0xC0) == 0x80) {
        /* A surrogate code point in WTF-8. A high one followed by a low one is a pair: one
         * character, raw UTF-8 (as a JavaScript string holding both halves). */
        uint32_t hi = 0xD000u | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3Fu);
        if (hi < 0xDC00 && avail >= 6 && p[3] == 0xED && p[4] >= 0xB0 && (p[5] & 0xC0) == 0x80) {
            uint32_t lo = 0xD000u | (uint32_t)(p[4] & 0x3F) << 6 | (p[5] & 0x3Fu);
            uint32_t cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
            o[0] = (char)(0xF0 | cp >> 18);
            o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
            o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
            o[3] = (char)(0x80 | (cp & 0x3F));
            w->o = o + 4;
            w->adjust += 2;
            return p + 6;
        }
        memcpy(o, STRLIT("\\ud"));
        o[3] = hex_lower[(hi >> 8) & 15];
        o[4] = hex_lower[(hi >> 4) & 15];
        o[5] = hex_lower[hi & 15];
        w->o = o + 6;
        return p + 3;
    }
    memcpy(o, STRLIT("\xEF\xBF\xBD"));
    w->o = o + 3;
    w->adjust += 2;
    return p + json__utf8_bad(p, avail);
}

/* Writes the quoted, escaped form of the WTF-8 string s (len bytes). */
static int string_write(struct wr *w, const char *str, size_t len)
{
    const unsigned char *p = (const unsigned char *)str, *end = p + len;
    /* the quotes and one byte more for the caller (a key's colon) */
    if (wr_need(w, (len < STR_CHUNK ? len : STR_CHUNK) * 6 + 3) != 0)
        return ERR_NOMEM;
    *w->o++ = '"';
    for (;;) {
        const unsigned char *stop = end - p > STR_CHUNK ? p + STR_CHUNK : end;
        while (p < stop) {
            char *o = w->o;
            while (stop - p >= 8) {
                uint64_t x;
                memcpy(&x, p, 8);
                uint64_t m = word_special(x);
                memcpy(o, &x, 8); /* the room reserved covers 8 bytes at any point */
                if (m != 0) {
                    /* The lowest flagged byte is exact: copy up to it, then handle it. */
                    size_t k = (size_t)__builtin_ctzll(m) >> 3;
                    o += k;
                    p += k;
                    break;
                }
                o += 8;
                p += 8;
            }
            if (stop - p < 8 && stop - p > 0 && stop == end && len >= 8) {
                /* The last bytes: check the final 8 (overlapping what was done) at once. */
                uint64_t x;
                memcpy(&x, end - 8, 8);
                if (!word_special(x)) {
                    memcpy(o - (8 - (stop - p)), &x, 8);
                    o += stop - p;
                    p = stop;
                    w->o = o;
                    break;
                }
            }
            while (p < stop && byte_class[*p] == 0)
                *o++ = (char)*p++;
            w->o = o;
            if (p < stop)
                p = special_write(w, p, end);
        }
        if (p >= end)
            break;
        size_t rest = (size_t)(end - p);
        if (wr_need(w, (rest < STR_CHUNK ? rest : STR_CHUNK) * 6 + 2) != 0)
            return ERR_NOMEM;
    }
    *w->o++ = '"';
    return 0;
}

/* ---- key order ------------------------------------------------------------------------------ */

/* The array index a key names (0 .. 4294967294), or -1. */
static inline int64_t key_index(const char *k, uint32_t len)
{
    if (len == 0 || len > 10 || (unsigned)(k[0] - '0') > 9 || (k[0] == '0' && len != 1))
        return -1;
    uint64_t v = 0;
    for (uint32_t i = 0; i < len; i++) {
        unsigned d = (unsigned)(k[i] - '0');
        if (d > 9)
            return -1;
        v = v * 10 + d;
    }
    return v <= 4294967294ull ? (int64_t)v : -1;
}

struct idx_key {
    uint32_t value;
    uint32_t pos;
};

static int idx_key_cmp(const void *a, const void *b)
{
    uint32_t x = ((const struct idx_key *)a)->value, y = ((const struct idx_key *)b)->value;
    return x < y ? -1 : x > y;
}

/* The print order of an object's members when some keys are array indices (NULL in *order when
 * none is: insertion order). 0 or ERR_NOMEM. */
static int object_order(const struct json_value *obj, uint32_t **order)
{
    *order = NULL;
    const struct json_member *m = obj->u.members;
    uint32_t n = obj->len, nidx = 0;
    for (uint32_t i = 0; i < n; i++)
        if ((unsigned)(m[i].key[0] - '0') <= 9 && m[i].key_len != 0 &&
            key_index(m[i].key, m[i].key_len) >= 0)
            nidx++;
    if (nidx == 0)
        return 0;
    uint32_t *ord = malloc((size_t)n * sizeof(*ord));
    struct idx_key *ik = malloc((size_t)nidx * sizeof(*ik));
    if (ord == NULL || ik == NULL) {
        free(ord);
        free(ik);
        return ERR_NOMEM;
    }
    uint32_t j = 0, r = nidx;
    for (uint32_t i = 0; i < n; i++) {
        int64_t x = m[i].key_len != 0 ? key_index(m[i].key, m[i].key_len) : -1;
        if (x >= 0)
            ik[j++] = (struct idx_key){(uint32_t)x, i};
        else
            ord[r++] = i;
    }
    qsort(ik, nidx, sizeof(*ik), idx_key_cmp);
    for (uint32_t i = 0; i < nidx; i++)
        ord[i] = ik[i].pos;
    free(ik);
    *order = ord;
    return 0;
}

/* ---- the writer ----------------------------------------------------------------------------- */

struct wframe {
    const struct json_value *v;
    uint32_t i;
    uint32_t *order;
};

#define INLINE_WFRAMES 64

static bool is_has_own_property(const char *k, uint32_t len)
{
    return len == 14 && memcmp(k, STRLIT("hasOwnProperty")) == 0;
}

int json_write(struct json_buf *out, const struct json_value *v, unsigned flags, size_t *utf16_len)
{
    size_t start = out->len;
    struct wframe ist[INLINE_WFRAMES];
    struct wframe *st = ist;
    size_t n = 0, cap = INLINE_WFRAMES;
    int rc = 0;
    const bool reject_hop = (flags & JSON_WRITE_REJECT_HASOWNPROPERTY) != 0;
    const struct json_value *cur = v;
    if (out->data == NULL && buf_reserve(out, 256) != 0)
        return ERR_NOMEM;
    struct wr w = {out->data + out->len, out->data + out->cap, out, 0};

    for (;;) {
        /* Write cur (a scalar, or a container's opening and possibly its whole empty body). */
        if (cur == NULL) {
            rc = ERR_UNSERIALIZABLE;
            goto out;
        }
        if (wr_need(&w, 32) != 0) {
            rc = ERR_NOMEM;
            goto out;
        }
        switch (cur->type) {
        case JSON_NULL:
            memcpy(w.o, STRLIT("null"));
            w.o += 4;
            break;
        case JSON_FALSE:
            memcpy(w.o, STRLIT("false"));
            w.o += 5;
            break;
        case JSON_TRUE:
            memcpy(w.o, STRLIT("true"));
            w.o += 4;
            break;
        case JSON_NUMBER:
            w.o += number_write(w.o, cur->u.num);
            break;
        case JSON_STRING:
            rc = string_write(&w, cur->u.str, cur->len);
            if (rc != 0)
                goto out;
            break;
        case JSON_ARRAY:
        case JSON_OBJECT: {
            bool arr = cur->type == JSON_ARRAY;
            if (cur->len == 0) {
                memcpy(w.o, arr ? "[]" : "{}", 2);
                w.o += 2;
                break;
            }
            if (n >= JSON_MAX_WRITE_DEPTH) {
                rc = ERR_UNSERIALIZABLE;
                goto out;
            }
            if (n == cap) {
                size_t ncap = cap * 2;
                struct wframe *ns =
                    st == ist ? malloc(ncap * sizeof(*ns)) : realloc(st, ncap * sizeof(*ns));
                if (ns == NULL) {
                    rc = ERR_NOMEM;
                    goto out;
                }
                if (st == ist)
                    memcpy(ns, ist, sizeof(ist));
                st = ns;
                cap = ncap;
            }
            uint32_t *order = NULL;
            if (!arr && object_order(cur, &order) != 0) {
                rc = ERR_NOMEM;
                goto out;
            }
            st[n++] = (struct wframe){cur, 0, order};
            *w.o++ = arr ? '[' : '{';
            break;
        }
        default: /* JSON_DATE and anything unknown */
            rc = ERR_UNSERIALIZABLE;
            goto out;
        }

        /* Find the next value to write, closing finished containers. */
        for (;;) {
            if (n == 0)
                goto out;
            struct wframe *f = &st[n - 1];
            const struct json_value *c = f->v;
            if (wr_need(&w, 2) != 0) {
                rc = ERR_NOMEM;
                goto out;
            }
            if (f->i == c->len) {
                *w.o++ = c->type == JSON_ARRAY ? ']' : '}';
                free(f->order);
                n--;
                continue;
            }
            uint32_t i = f->i++;
            if (i != 0)
                *w.o++ = ',';
            if (c->type == JSON_ARRAY) {
                cur = c->u.items[i];
            } else {
                const struct json_member *m = &c->u.members[f->order ? f->order[i] : i];
                if (reject_hop && is_has_own_property(m->key, m->key_len)) {
                    rc = ERR_UNSERIALIZABLE;
                    goto out;
                }
                rc = string_write(&w, m->key, m->key_len);
                if (rc != 0)
                    goto out;
                *w.o++ = ':'; /* string_write leaves room for one more byte */
                cur = m->value;
            }
            break;
        }
    }
out:
    while (n > 0)
        free(st[--n].order);
    if (st != ist)
        free(st);
    if (rc == 0)
        out->len = (size_t)(w.o - out->data);
    if (rc == 0 && out->limit != 0 && out->len > out->limit)
        rc = ERR_NOMEM;
    if (rc != 0) {
        out->len = start;
        return rc;
    }
    if (utf16_len != NULL)
        *utf16_len = out->len - start - w.adjust;
    return 0;
}
