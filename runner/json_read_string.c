/* json_read_string.c — the JSON reader's string literals: a SWAR scan for the bytes that need a
 * second look, escapes (\uXXXX with surrogate pairs), and with decode_utf8 each maximal
 * ill-formed UTF-8 subsequence read as U+FFFD, as body-parser decodes a body (json_read.c reads
 * the rest of the grammar). */
#include <stdint.h>
#include <string.h>

#include "json_internal.h"
#include "json_reader.h"

/* ---- strings -------------------------------------------------------------------------------- */

/* 1 for bytes a string copies without a second look: ASCII 0x20..0x7F but '"' and '\\'. */
static const unsigned char plain_byte[256] = {
#define R16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
    R16(0), R16(0), 1,      1,      0,      1,      1,      1,      1,      1,
    1,      1,      1,      1,      1,      1,      1,      1, /* 0x20: '"' at 0x22 */
    R16(1), R16(1), 1,      1,      1,      1,      1,      1,      1,      1,
    1,      1,      1,      1,      0,      1,      1,      1, /* 0x50: '\\' at 0x5C */
    R16(1), R16(1), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0),
#undef R16
};

static inline int hex_digit(unsigned c)
{
    if (c >= '0' && c <= '9')
        return (int)(c - '0');
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return (int)(c - 'a' + 10);
    return -1;
}

static int hex4(const unsigned char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(p[i]);
        if (d < 0)
            return -1;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 0;
}

static inline unsigned char *put_cp(unsigned char *o, uint32_t cp)
{
    if (cp < 0x80) {
        *o++ = (unsigned char)cp;
    } else if (cp < 0x800) {
        *o++ = (unsigned char)(0xC0 | cp >> 6);
        *o++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (unsigned char)(0xE0 | cp >> 12);
        *o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (unsigned char)(0xF0 | cp >> 18);
        *o++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (unsigned char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* Reads a string whose opening quote is at p[-1]. On success stores where its decoded bytes are
 * (*out: inside the input when it needed no decoding, else in r->sbuf until the next call) and
 * returns the position after the closing quote; on error sets r->msg / r->at and returns NULL. */
const unsigned char *json__read_string(struct reader *r, const unsigned char *p,
                                       const unsigned char **out, uint32_t *out_len)
{
    const unsigned char *end = r->end, *s = p;
    for (;;) {
        while (end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            uint64_t m = word_special(w);
            if (m != 0) {
                /* The lowest flagged byte is exact (false flags only sit above a true one). */
                p += __builtin_ctzll(m) >> 3;
                goto special;
            }
            p += 8;
        }
        while (p < end && plain_byte[*p])
            p++;
    special:
        if (p >= end) {
            r->msg = JSON_READ_MSG_EOF;
            r->at = end;
            return NULL;
        }
        unsigned c = *p;
        if (c == '"') {
            size_t n = (size_t)(p - s);
            if (n > UINT32_MAX) {
                r->msg = "string too long";
                r->at = s;
                return NULL;
            }
            *out = s;
            *out_len = (uint32_t)n;
            return p + 1;
        }
        if (c == '\\')
            break;
        if (c < 0x20) {
            r->msg = "bad control character in string";
            r->at = p;
            return NULL;
        }
        if (!r->decode) {
            p++;
            continue;
        }
        size_t k = json__utf8_seq(p, (size_t)(end - p));
        if (k == 0)
            break;
        p += k;
    }

    /* Slow path: escapes or replacement characters; decode into the scratch buffer. Output never
     * exceeds 3 bytes per input byte, so reserve per chunk of input. */
    size_t on = (size_t)(p - s);
    if (on + 64 > r->capsbuf &&
        json__scratch_grow((void **)&r->sbuf, &r->capsbuf, 1, r->isbuf, on + 64) != 0)
        goto nomem;
    memcpy(r->sbuf, s, on);
    for (;;) {
        /* Room for the largest single step: 12 input bytes (\uXXXX\uXXXX) give 4, one bad byte
         * gives 3; a run of plain bytes is copied in chunks of at most 32. */
        if (on + 128 > r->capsbuf &&
            json__scratch_grow((void **)&r->sbuf, &r->capsbuf, 1, r->isbuf, on + 128) != 0)
            goto nomem;
        unsigned char *o = r->sbuf + on;
        if (p >= end) {
            r->msg = JSON_READ_MSG_EOF;
            r->at = end;
            return NULL;
        }
        unsigned c = *p;
        if (plain_byte[c]) {
            const unsigned char *q = p;
            while (q < end && q - p < 32 && plain_byte[*q])
                q++;
            memcpy(o, p, (size_t)(q - p));
            on += (size_t)(q - p);
            p = q;
            continue;
        }
        if (c == '"') {
            if (on > UINT32_MAX) {
                r->msg = "string too long";
                r->at = s;
                return NULL;
            }
            *out = r->sbuf;
            *out_len = (uint32_t)on;
            return p + 1;
        }
        if (c == '\\') {
            if (end - p < 2) {
                r->msg = JSON_READ_MSG_EOF;
                r->at = end;
                return NULL;
            }
            unsigned e = p[1];
            unsigned char ch;
            switch (e) {
            case '"':
                ch = '"';
                break;
            case '\\':
                ch = '\\';
                break;
            case '/':
                ch = '/';
                break;
            case 'b':
                ch = '\b';
                break;
            case 'f':
                ch = '\f';
                break;
            case 'n':
                ch = '\n';
                break;
            case 'r':
                ch = '\r';
                break;
            case 't':
                ch = '\t';
                break;
            case 'u': {
                uint32_t cp = 0;
                for (int i = 0; i < 4; i++) {
                    const unsigned char *h = p + 2 + i;
                    int d = h < end ? hex_digit(*h) : -1;
                    if (d < 0) {
                        r->msg = h < end ? "bad unicode escape" : JSON_READ_MSG_EOF;
                        r->at = h < end ? h : end;
                        return NULL;
                    }
                    cp = cp << 4 | (uint32_t)d;
                }
                p += 6;
                if (cp >= 0xD800 && cp <= 0xDBFF && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                    uint32_t lo;
                    if (hex4(p + 2, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        p += 6;
                    }
                }
                /* A lone surrogate is kept as its 3-byte generalised UTF-8 form (WTF-8). */
                on = (size_t)(put_cp(o, cp) - r->sbuf);
                continue;
            }
            default:
                r->msg = "bad escaped character";
                r->at = p + 1;
                return NULL;
            }
            *o = ch;
            on++;
            p += 2;
            continue;
        }
        if (c < 0x20) {
            r->msg = "bad control character in string";
            r->at = p;
            return NULL;
        }
        /* Non-ASCII. */
        if (!r->decode) {
            *o = (unsigned char)c;
            on++;
            p++;
            continue;
        }
        size_t k = json__utf8_seq(p, (size_t)(end - p));
        if (k != 0) {
            memcpy(o, p, k);
            on += k;
            p += k;
        } else {
            p += json__utf8_bad(p, (size_t)(end - p));
            o[0] = 0xEF;
            o[1] = 0xBF;
            o[2] = 0xBD;
            on += 3;
        }
    }
nomem:
    r->msg = JSON_READ_MSG_NOMEM;
    r->at = p;
    return NULL;
}
