/* sfns_nserror.c — reading NetSuite's error messages (see sfns_nserror.h). Every read stays
 * within the len bytes given; the text need not be NUL-terminated. */
#include "sfns_nserror.h"

#include <string.h>

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Where needle starts in text (ASCII case ignored), or len when it does not occur. */
static size_t find_nocase(const char *text, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0)
        return 0;
    for (size_t i = 0; i + n <= len; i++) {
        size_t k = 0;
        while (k < n && lower((unsigned char)text[i + k]) == lower((unsigned char)needle[k]))
            k++;
        if (k == n)
            return i;
    }
    return len;
}

int sfns_contains_nocase(const char *text, size_t len, const char *needle)
{
    if (needle[0] == '\0')
        return 1;
    return text != NULL && find_nocase(text, len, needle) < len;
}

/* A word as a span: quotes around it and trailing punctuation dropped, then white space inside
 * the quotes; empty when nothing is left. */
static sfns_span word(const char *p, size_t len)
{
    while (len > 0 && (p[len - 1] == '.' || p[len - 1] == ',' || p[len - 1] == ';' ||
                       p[len - 1] == ':' || p[len - 1] == ')'))
        len--;
    if (len >= 2 && (p[0] == '"' || p[0] == '\'') && p[len - 1] == p[0]) {
        p++;
        len -= 2;
    }
    while (len > 0 && is_space(p[0])) {
        p++;
        len--;
    }
    while (len > 0 && is_space(p[len - 1]))
        len--;
    if (len == 0)
        return (sfns_span){NULL, 0};
    return (sfns_span){p, len};
}

/* The word that starts at or after `at` (after white space). */
static sfns_span word_after(const char *msg, size_t len, size_t at)
{
    while (at < len && is_space(msg[at]))
        at++;
    size_t end = at;
    while (end < len && !is_space(msg[end]))
        end++;
    return word(msg + at, end - at);
}

/* The word that ends just before `at` (before white space). */
static sfns_span word_before(const char *msg, size_t at)
{
    while (at > 0 && is_space(msg[at - 1]))
        at--;
    size_t start = at;
    while (start > 0 && !is_space(msg[start - 1]))
        start--;
    return word(msg + start, at - start);
}

static int span_is(sfns_span s, const char *w)
{
    return s.len == strlen(w) && find_nocase(s.p, s.len, w) == 0;
}

int sfns_nserror_reference(const char *msg, size_t len, sfns_span *field, sfns_span *key)
{
    static const char ref[] = "reference key";
    static const char value[] = "field value";
    static const char following[] = "for the following field:";
    *field = (sfns_span){NULL, 0};
    *key = (sfns_span){NULL, 0};
    if (msg == NULL)
        return 0;
    size_t at = find_nocase(msg, len, ref);
    if (at < len) {
        *key = word_after(msg, len, at + strlen(ref));
        if (key->len == 0)
            return 0;
        sfns_span f = word_before(msg, at);
        if (f.len > 0 && !span_is(f, "invalid"))
            *field = f;
        return 1;
    }
    at = find_nocase(msg, len, value);
    if (at < len) {
        size_t rest = at + strlen(value);
        size_t f = find_nocase(msg + rest, len - rest, following);
        if (f < len - rest) {
            /* The value is all that stands before "for the following field:" (it may hold
             * spaces: "Net 30"). */
            size_t b = rest, e = rest + f;
            while (b < e && is_space(msg[b]))
                b++;
            while (e > b && is_space(msg[e - 1]))
                e--;
            *key = word(msg + b, e - b);
            *field = word_after(msg, len, rest + f + strlen(following));
        } else {
            *key = word_after(msg, len, rest);
        }
        if (key->len == 0) {
            *field = (sfns_span){NULL, 0};
            return 0;
        }
        return 1;
    }
    return 0;
}
