/* http_url.c — reading a request target: its path and query (http_url_split) and one query
 * parameter, percent-decoded (http_query_param). */
#include "http.h"

#include <string.h>
#include <strings.h>

#include "text.h"

/* The value of a query parameter, percent-decoded into out (NUL-terminated). -1 when absent. */
int http_query_param(struct strv q, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    const char *p = q.p, *end = q.p + q.len;
    while (p != NULL && p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        if ((size_t)(stop - p) >= nl && memcmp(p, name, nl) == 0 &&
            (p + nl == stop || p[nl] == '=')) {
            const char *v = p + nl + (p + nl < stop ? 1 : 0);
            size_t o = 0;
            while (v < stop && o + 1 < cap) {
                if (*v == '%' && stop - v >= 3 && text_hexval(v[1]) >= 0 &&
                    text_hexval(v[2]) >= 0) {
                    out[o++] = (char)(text_hexval(v[1]) * 16 + text_hexval(v[2]));
                    v += 3;
                } else {
                    out[o++] = *v == '+' ? ' ' : *v;
                    v++;
                }
            }
            out[o] = '\0';
            return (int)o;
        }
        p = stop + 1;
    }
    return -1;
}

/* Splits the URL into path and query (query.p == NULL without '?'), like Node's URL parsing:
 * absolute-form ("http://host/path") gives its path, and a fragment is dropped. */
void http_url_split(struct strv url, struct strv *path, struct strv *query)
{
    const char *p = url.p, *end = url.p + url.len;
    size_t skip = 0;
    if (url.len >= 7 && strncasecmp(p, STRLIT("http://")) == 0)
        skip = 7;
    else if (url.len >= 8 && strncasecmp(p, STRLIT("https://")) == 0)
        skip = 8;
    if (skip > 0) {
        const char *slash = memchr(p + skip, '/', url.len - skip);
        p = slash ? slash : end;
    }
    const char *hash = memchr(p, '#', (size_t)(end - p));
    if (hash != NULL)
        end = hash;
    const char *q = memchr(p, '?', (size_t)(end - p));
    path->p = p == end && skip > 0 ? "/" : p;
    path->len = p == end && skip > 0 ? 1 : (size_t)((q ? q : end) - p);
    query->p = q ? q + 1 : NULL;
    query->len = q ? (size_t)(end - q - 1) : 0;
}
