/* match_jw.c — Jaro-Winkler string similarity (Winkler 1990: Jaro's measure plus a bonus of 0.1
 * per common prefix character, at most 4), on bytes of normalised text. */
#include <stdint.h>
#include <string.h>

#include "match.h"

#define JW_MAX 64

double match_jaro_winkler(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen > JW_MAX)
        alen = JW_MAX;
    if (blen > JW_MAX)
        blen = JW_MAX;
    if (alen == 0 || blen == 0)
        return 0.0;
    if (alen == blen && memcmp(a, b, alen) == 0)
        return 1.0;
    size_t longer = alen > blen ? alen : blen;
    size_t window = longer / 2 > 0 ? longer / 2 - 1 : 0;
    /* Matched positions as bit sets (both strings are at most 64 bytes). */
    uint64_t amatch = 0, bmatch = 0;
    size_t m = 0;
    for (size_t i = 0; i < alen; i++) {
        size_t lo = i > window ? i - window : 0;
        size_t hi = i + window + 1 < blen ? i + window + 1 : blen;
        for (size_t j = lo; j < hi; j++) {
            if (!(bmatch >> j & 1) && a[i] == b[j]) {
                amatch |= 1ull << i;
                bmatch |= 1ull << j;
                m++;
                break;
            }
        }
    }
    if (m == 0)
        return 0.0;
    size_t t = 0;
    uint64_t bm = bmatch;
    for (size_t i = 0; i < alen; i++) {
        if (!(amatch >> i & 1))
            continue;
        size_t k = (size_t)__builtin_ctzll(bm);
        bm &= bm - 1;
        if (a[i] != b[k])
            t++;
    }
    double md = (double)m;
    double jaro = (md / (double)alen + md / (double)blen + (md - (double)t / 2.0) / md) / 3.0;
    size_t prefix = 0;
    while (prefix < 4 && prefix < alen && prefix < blen && a[prefix] == b[prefix])
        prefix++;
    return jaro + (double)prefix * 0.1 * (1.0 - jaro);
}
