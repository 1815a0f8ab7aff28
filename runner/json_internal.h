/* json_internal.h — what the JSON engine's files share and nobody else uses: the key index of large
 * objects, the number converters over double-conversion, and the UTF-8 helpers. */
#ifndef HS_JSON_INTERNAL_H
#define HS_JSON_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Objects with at least this many members keep a hash index (struct json_index in v->index) for
 * json_object_get/set; smaller ones are searched linearly. (The reader detects duplicate keys with
 * its own scratch table from a lower size on.) */
#define JSON_INDEX_MIN 64u

/* Open addressing, linear probing, power-of-two capacity, load at most 1/2. A slot holds the
 * member's position + 1 (0: empty) and the low 32 bits of the key's hash. */
struct json_index_slot {
    uint32_t pos1;
    uint32_t hash;
};

struct json_index {
    uint32_t cap;
    uint32_t count;
    struct json_index_slot slots[];
};

uint32_t json__key_hash(const char *key, size_t len);

/* A new index of capacity for at least `want` keys over members[0..n), or NULL when out of memory.
 */
struct json_index *json__index_build(struct arena *a, const struct json_member *members, uint32_t n,
                                     uint32_t want);

/* Position of key among members (which the index describes), or -1. */
int64_t json__index_find(const struct json_index *idx, const struct json_member *members,
                         const char *key, size_t len, uint32_t hash);

/* Records members position pos under hash; the index must have room (count + 1 <= cap / 2). */
void json__index_add(struct json_index *idx, uint32_t pos, uint32_t hash);

/* Correctly rounded double of a number literal already checked against the JSON grammar. */
double json__num_parse(const char *s, size_t len);

/* Length of the well-formed UTF-8 sequence at s (1..4), or 0 when the bytes there do not start one
 * (n: bytes available, >= 1). Surrogate code points (ED A0..BF xx) are not well formed. */
static inline size_t json__utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c < 0xC2)
        return 0;
    if (c < 0xE0)
        return (n >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c < 0xF0) {
        if (n < 3)
            return 0;
        unsigned lo = 0x80, hi = 0xBF;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
        if (s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80)
            return 0;
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4)
            return 0;
        unsigned lo = 0x80, hi = 0xBF;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
        if (s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        return 4;
    }
    return 0;
}

/* Length of the maximal ill-formed subsequence at s (WHATWG / Unicode "substitution of maximal
 * subparts"), which becomes one U+FFFD; s does not start a well-formed sequence. */
static inline size_t json__utf8_bad(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0xC2 || c > 0xF4 || n < 2)
        return 1;
    unsigned lo = 0x80, hi = 0xBF;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (s[1] < lo || s[1] > hi)
        return 1;
    if (c < 0xE0) /* two-byte lead with a good continuation would have been well formed */
        return 1;
    if (n < 3 || (s[2] & 0xC0) != 0x80)
        return 2;
    return 3; /* four-byte lead, three good bytes, bad or missing fourth */
}

/* SWAR string scanning, 8 bytes at a time (reader and writer). */
#define ONES  0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Non-zero when one of the 8 bytes needs more than a copy: '"', '\\', < 0x20 or >= 0x80. */
static inline uint64_t word_special(uint64_t w)
{
    uint64_t lt = (w - ONES * 0x20) & ~w;
    uint64_t q = w ^ (ONES * 0x22);
    uint64_t bs = w ^ (ONES * 0x5C);
    q = (q - ONES) & ~q;
    bs = (bs - ONES) & ~bs;
    return (lt | q | bs | w) & HIGHS;
}

#ifdef __cplusplus
}
#endif

#endif
