/* sfns_geo.c — lookup of countries and US/Canadian states by code or name over the generated
 * tables (sfns_geo_data.c): normalise the text into a key, then bsearch. */
#include "sfns_geo.h"

#include <stdlib.h>
#include <string.h>

/* ASCII base letters of U+00C0..U+00FF (second byte 0x80..0xBF after 0xC3), lower case; 0 for a
 * character that is not a letter (×, ÷) and "*" for the ones folded to two letters. */
static const char latin1_fold[64] = {
    'a', 'a', 'a', 'a', 'a', 'a', '*', 'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i',
    'd', 'n', 'o', 'o', 'o', 'o', 'o', 0,   'o', 'u', 'u', 'u', 'u', 'y', '*', '*',
    'a', 'a', 'a', 'a', 'a', 'a', '*', 'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i',
    'd', 'n', 'o', 'o', 'o', 'o', 'o', 0,   'o', 'u', 'u', 'u', 'u', 'y', '*', 'y',
};

/* The two-letter folds: Æ æ -> ae, Þ þ -> th, ß -> ss. */
static const char *latin1_fold2(unsigned char second)
{
    switch (second) {
    case 0x86:
    case 0xA6:
        return "ae";
    case 0x9E:
    case 0xBE:
        return "th";
    default:
        return "ss";
    }
}

struct key_out {
    char *buf;
    size_t len;
    int overflow;
    int pending_space;
};

static void put(struct key_out *k, const char *s, size_t n)
{
    if (k->pending_space && k->len > 0) {
        if (k->len + 1 > SFNS_GEO_KEY_MAX) {
            k->overflow = 1;
            return;
        }
        k->buf[k->len++] = ' ';
    }
    k->pending_space = 0;
    if (k->len + n > SFNS_GEO_KEY_MAX) {
        k->overflow = 1;
        return;
    }
    memcpy(k->buf + k->len, s, n);
    k->len += n;
}

int sfns_geo_key(const char *text, size_t len, char out[SFNS_GEO_KEY_MAX + 1])
{
    struct key_out k = {out, 0, 0, 0};
    const unsigned char *p = (const unsigned char *)text;
    for (size_t i = 0; i < len && !k.overflow; i++) {
        unsigned char c = p[i];
        if (c == '.' || c == '\'')
            continue;
        /* U+2018, U+2019: typographic apostrophes. */
        if (c == 0xE2 && i + 2 < len && p[i + 1] == 0x80 &&
            (p[i + 2] == 0x98 || p[i + 2] == 0x99)) {
            i += 2;
            continue;
        }
        if (c == 0xC3 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0xBF) {
            char f = latin1_fold[p[i + 1] - 0x80];
            if (f == '*') {
                put(&k, latin1_fold2(p[i + 1]), 2);
                i++;
                continue;
            }
            if (f != 0) {
                put(&k, &f, 1);
                i++;
                continue;
            }
            k.pending_space = 1;
            i++;
            continue;
        }
        if (c == '&') {
            k.pending_space = 1;
            put(&k, "and", 3);
            k.pending_space = 1;
            continue;
        }
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            char ch = (char)c;
            put(&k, &ch, 1);
        } else if (c >= 'A' && c <= 'Z') {
            char ch = (char)(c - 'A' + 'a');
            put(&k, &ch, 1);
        } else if (c >= 0x80) {
            char ch = (char)c;
            put(&k, &ch, 1);
        } else {
            k.pending_space = 1;
        }
    }
    if (k.overflow || k.len == 0)
        return -1;
    out[k.len] = '\0';
    /* A leading "the" word is dropped ("The Netherlands"); "the" alone stays. */
    if (k.len > 4 && memcmp(out, "the ", 4) == 0) {
        memmove(out, out + 4, k.len - 4 + 1);
        k.len -= 4;
    }
    return (int)k.len;
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(((const struct sfns_geo_key *)a)->key, ((const struct sfns_geo_key *)b)->key);
}

static const struct sfns_geo_key *key_find(const struct sfns_geo_key *keys, size_t n,
                                           const char *key)
{
    struct sfns_geo_key probe = {key, 0};
    return bsearch(&probe, keys, n, sizeof(keys[0]), key_cmp);
}

const struct sfns_country *sfns_country_find(const char *text, size_t len)
{
    char key[SFNS_GEO_KEY_MAX + 1];
    if (text == NULL || sfns_geo_key(text, len, key) < 0)
        return NULL;
    const struct sfns_geo_key *hit = key_find(sfns_country_keys, sfns_country_key_count, key);
    return hit ? &sfns_countries[hit->index] : NULL;
}

const struct sfns_country *sfns_country_by_alpha2(const char *alpha2)
{
    if (alpha2 == NULL || strlen(alpha2) != 2)
        return NULL;
    size_t lo = 0, hi = sfns_country_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(sfns_countries[mid].alpha2, alpha2);
        if (c == 0)
            return &sfns_countries[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int sfns_state_has_codes(const char *alpha2)
{
    return alpha2 != NULL && (strcmp(alpha2, "US") == 0 || strcmp(alpha2, "CA") == 0);
}

const struct sfns_state *sfns_state_find(const char *country, const char *text, size_t len)
{
    if (!sfns_state_has_codes(country) || text == NULL)
        return NULL;
    char key[SFNS_GEO_KEY_MAX + 1];
    int n = sfns_geo_key(text, len, key);
    if (n < 0 || n + 3 > SFNS_GEO_KEY_MAX)
        return NULL;
    char full[SFNS_GEO_KEY_MAX + 1];
    full[0] = (char)(country[0] - 'A' + 'a');
    full[1] = (char)(country[1] - 'A' + 'a');
    full[2] = ':';
    memcpy(full + 3, key, (size_t)n + 1);
    const struct sfns_geo_key *hit = key_find(sfns_state_keys, sfns_state_key_count, full);
    return hit ? &sfns_states[hit->index] : NULL;
}
