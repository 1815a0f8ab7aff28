/* sfns_sku.c — SKU normalisation (see sfns_sku.h): trim, parent, case, removed characters,
 * one prefix, one suffix, leading zeros. */
#include "sfns_sku.h"

#include <string.h>

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Trims, folds and drops `remove` bytes: text -> out, returns the length. */
static size_t fold(const sfns_sku_rules *r, const char *text, size_t len, char *out)
{
    size_t b = 0, e = len;
    while (b < e && is_space(text[b]))
        b++;
    while (e > b && is_space(text[e - 1]))
        e--;
    size_t n = 0;
    for (size_t i = b; i < e; i++) {
        char c = text[i];
        if (c == '\0' || (r->remove != NULL && strchr(r->remove, c) != NULL))
            continue;
        if (r->fold == SFNS_SKU_UPPER && c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        else if (r->fold == SFNS_SKU_LOWER && c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        out[n++] = c;
    }
    out[n] = '\0';
    return n;
}

size_t sfns_sku_affix(const sfns_sku_rules *r, const char *text, size_t len, char *out)
{
    return fold(r, text, len, out);
}

size_t sfns_sku_normalise(const sfns_sku_rules *r, const char *text, size_t len, char *out)
{
    if (r->strip_parent) {
        const char *colon = memchr(text, ':', len);
        while (colon != NULL) {
            size_t used = (size_t)(colon - text) + 1;
            text += used;
            len -= used;
            colon = memchr(text, ':', len);
        }
    }
    size_t n = fold(r, text, len, out);
    for (size_t i = 0; i < r->nprefixes; i++) {
        size_t p = strlen(r->prefixes[i]);
        if (p > 0 && p < n && memcmp(out, r->prefixes[i], p) == 0) {
            memmove(out, out + p, n - p + 1);
            n -= p;
            break;
        }
    }
    for (size_t i = 0; i < r->nsuffixes; i++) {
        size_t s = strlen(r->suffixes[i]);
        if (s > 0 && s < n && memcmp(out + n - s, r->suffixes[i], s) == 0) {
            n -= s;
            out[n] = '\0';
            break;
        }
    }
    if (r->strip_leading_zeros) {
        size_t z = 0;
        while (z + 1 < n && out[z] == '0')
            z++;
        memmove(out, out + z, n - z + 1);
        n -= z;
    }
    return n;
}
