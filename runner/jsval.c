/* jsval.c — JavaScript coercions of JSON values (see jsval.h): ToString (String(x), Array's join),
 * ToNumber (StringToNumber, trim), and `new Date(v)` on a JSON value. The Date arithmetic,
 * toString and Date.parse they use are jsval_date.c's. */
#include "jsval.h"
#include "text.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- a small arena string builder ------------------------------------------------------------ */

struct sbuf {
    struct arena *a;
    char *p;
    size_t len, cap;
    int err;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
    if (b->err)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = arena_realloc(b->a, b->p, b->cap, cap);
        if (!p) {
            b->err = ERR_NOMEM;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

/* ---- ToString ------------------------------------------------------------------------------- */

static bool has_own_tostring(const struct json_value *o)
{
    return json_object_get(o, STRLIT("toString")) != NULL;
}

/* Appends String(v) for a value that is not an array. */
static int scalar_string(struct sbuf *b, const struct json_value *v, bool in_array)
{
    char num[JSON_NUMBER_MAX];
    switch (v->type) {
    case JSON_NULL:
        if (!in_array)
            sb_add(b, STRLIT("null"));
        return 0;
    case JSON_FALSE:
        sb_add(b, STRLIT("false"));
        return 0;
    case JSON_TRUE:
        sb_add(b, STRLIT("true"));
        return 0;
    case JSON_NUMBER: {
        size_t n = json_number_format(v->u.num, num);
        sb_add(b, num, n);
        return 0;
    }
    case JSON_STRING:
        sb_add(b, v->u.str, v->len);
        return 0;
    case JSON_OBJECT:
        if (has_own_tostring(v))
            return ERR_TYPE;
        sb_add(b, STRLIT("[object Object]"));
        return 0;
    case JSON_DATE: {
        char buf[96];
        size_t n = jsval_date_string(v->u.num, buf, sizeof(buf));
        sb_add(b, buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
        return 0;
    }
    default:
        return 0;
    }
}

struct join_frame {
    const struct json_value *arr;
    size_t i;
};

int jsval_to_string(struct arena *a, const struct json_value *v, const char **out, size_t *len)
{
    struct sbuf b = {.a = a};
    sb_add(&b, STRLIT(""));
    int rc = 0;
    if (v->type != JSON_ARRAY) {
        rc = scalar_string(&b, v, false);
    } else {
        /* Array.prototype.join(","), iteratively; null elements are empty. */
        size_t cap = 16, n = 0;
        struct join_frame *st = arena_alloc(a, cap * sizeof(*st));
        if (!st)
            return ERR_NOMEM;
        st[n++] = (struct join_frame){.arr = v, .i = 0};
        while (n > 0 && rc == 0 && !b.err) {
            struct join_frame *f = &st[n - 1];
            if (f->i >= f->arr->len) {
                n--;
                continue;
            }
            if (f->i > 0)
                sb_add(&b, STRLIT(","));
            const struct json_value *e = f->arr->u.items[f->i++];
            if (e->type == JSON_ARRAY) {
                if (n == cap) {
                    struct join_frame *ns =
                        arena_realloc(a, st, cap * sizeof(*st), cap * 2 * sizeof(*st));
                    if (!ns)
                        return ERR_NOMEM;
                    st = ns;
                    cap *= 2;
                }
                st[n++] = (struct join_frame){.arr = e, .i = 0};
            } else {
                rc = scalar_string(&b, e, true);
            }
        }
    }
    if (rc != 0)
        return rc;
    if (b.err)
        return b.err;
    *out = b.p;
    if (len)
        *len = b.len;
    return 0;
}

/* ---- ToNumber ------------------------------------------------------------------------------- */

/* WhiteSpace or LineTerminator. */
bool jsval_is_space(uint32_t c)
{
    return c == 0x09 || c == 0x0A || c == 0x0B || c == 0x0C || c == 0x0D || c == 0x20 ||
           c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
           c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

/* Decodes the code point at s[*i] (WTF-8) and advances. */
static uint32_t cp_at(const unsigned char *s, size_t len, size_t *i)
{
    uint32_t c = s[*i];
    size_t n = 1;
    if (c >= 0xF0 && *i + 4 <= len) {
        c = ((c & 0x07u) << 18) | ((s[*i + 1] & 0x3Fu) << 12) | ((s[*i + 2] & 0x3Fu) << 6) |
            (s[*i + 3] & 0x3Fu);
        n = 4;
    } else if (c >= 0xE0 && *i + 3 <= len) {
        c = ((c & 0x0Fu) << 12) | ((s[*i + 1] & 0x3Fu) << 6) | (s[*i + 2] & 0x3Fu);
        n = 3;
    } else if (c >= 0xC0 && *i + 2 <= len) {
        c = ((c & 0x1Fu) << 6) | (s[*i + 1] & 0x3Fu);
        n = 2;
    }
    *i += n;
    return c;
}

/* Byte length of the JavaScript white space (and line terminator) at s[i], or 0. */
static size_t space_at(const unsigned char *s, size_t len, size_t i)
{
    size_t j = i;
    uint32_t c = cp_at(s, len, &j);
    return jsval_is_space(c) ? j - i : 0;
}

static double radix_value(const char *s, size_t len, int bits)
{
    if (len == 0)
        return NAN;
    double v = 0;
    for (size_t i = 0; i < len; i++) {
        int d;
        char c = s[i];
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return NAN;
        if (d >= (1 << bits))
            return NAN;
        v = v * (double)(1 << bits) + d;
    }
    return v;
}

static double decimal_value(const char *s, size_t len)
{
    size_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        i++;
    }
    if (len - i == 8 && memcmp(s + i, STRLIT("Infinity")) == 0)
        return neg ? -INFINITY : INFINITY;
    size_t digits = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        i++;
        digits++;
    }
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            i++;
            digits++;
        }
    }
    if (digits == 0)
        return NAN;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t ed = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            i++;
            ed++;
        }
        if (ed == 0)
            return NAN;
    }
    if (i != len)
        return NAN;
    /* The text is a complete decimal literal followed by white space or the terminating NUL, so
     * strtod (correctly rounded in glibc, C locale) reads exactly it. */
    return strtod(s, NULL);
}

size_t jsval_trim(const char *str, size_t len, size_t *start)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t b = 0, e = len, n;
    while (b < e && (n = space_at(s, e, b)) > 0)
        b += n;
    /* Trailing space: scan forward, remembering where the last non-space ended. */
    size_t end = b;
    for (size_t i = b; i < e;) {
        size_t sp = space_at(s, e, i);
        if (sp) {
            i += sp;
        } else {
            cp_at(s, e, &i);
            end = i;
        }
    }
    *start = b;
    return end - b;
}

double jsval_string_to_number(const char *str, size_t len)
{
    size_t b;
    size_t l = jsval_trim(str, len, &b);
    const char *p = str + b;
    if (l == 0)
        return 0;
    if (l > 2 && p[0] == '0') {
        if (p[1] == 'x' || p[1] == 'X')
            return radix_value(p + 2, l - 2, 4);
        if (p[1] == 'o' || p[1] == 'O')
            return radix_value(p + 2, l - 2, 3);
        if (p[1] == 'b' || p[1] == 'B')
            return radix_value(p + 2, l - 2, 1);
    }
    return decimal_value(p, l);
}

int jsval_to_number(struct arena *a, const struct json_value *v, double *out)
{
    switch (v->type) {
    case JSON_NULL:
    case JSON_FALSE:
        *out = 0;
        return 0;
    case JSON_TRUE:
        *out = 1;
        return 0;
    case JSON_NUMBER:
    case JSON_DATE:
        *out = v->u.num;
        return 0;
    case JSON_STRING:
        *out = jsval_string_to_number(v->u.str, v->len);
        return 0;
    default: {
        const char *s;
        size_t len;
        int rc = jsval_to_string(a, v, &s, &len);
        if (rc != 0)
            return rc;
        *out = jsval_string_to_number(s, len);
        return 0;
    }
    }
}

int jsval_date_from_value(struct arena *a, const struct json_value *v, double *ms)
{
    switch (v->type) {
    case JSON_DATE:
        *ms = v->u.num;
        return 0;
    case JSON_STRING:
        *ms = jsval_date_parse(v->u.str, v->len);
        return 0;
    case JSON_ARRAY:
    case JSON_OBJECT: {
        const char *s;
        size_t len;
        int rc = jsval_to_string(a, v, &s, &len);
        if (rc != 0)
            return rc;
        *ms = jsval_date_parse(s, len);
        return 0;
    }
    default: {
        double d = 0;
        int rc = jsval_to_number(a, v, &d);
        if (rc != 0)
            return rc;
        *ms = jsval_time_clip(d);
        return 0;
    }
    }
}
