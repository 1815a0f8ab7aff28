/* json_reader.h — the JSON reader's state, shared by json_read.c (the grammar, containers, keys)
 * and json_read_string.c (string literals); nothing else includes it. */
#ifndef HS_JSON_READER_H
#define HS_JSON_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

#define INLINE_VALS   256
#define INLINE_MEMS   128
#define INLINE_FRAMES 64
#define INLINE_SBUF   512

#define PARSE_HASH_MIN 12u  /* keys searched linearly before an object uses the table */
#define KEY_CACHE      256u /* interned keys (direct-mapped by hash) */
#define KEY_CACHE_MAX  64u  /* longer keys are not interned */

struct frame {
    struct json_value *node;
    uint32_t base;    /* first child on the scratch stack */
    uint32_t pending; /* object: the member whose value is being read */
    bool hashed;      /* object: its members are in the scratch hash table */
};

/* The scratch hash table of keys of open objects: a slot is live when its epoch is the table's;
 * idx is the member's position on the scratch stack (r->mems). Entries of closed objects are not
 * removed: a lookup checks that idx is inside the object's range and compares the key itself, and
 * the table is emptied (epoch + 1) whenever no open object uses it. */
struct ptab_slot {
    uint32_t epoch;
    uint32_t hash;
    uint32_t idx;
};

struct key_cache_entry {
    const char *key;
    uint32_t len;
    uint32_t hash;
};

struct reader {
    const unsigned char *start, *end;
    struct arena *a;
    bool decode;
    const char *msg; /* set on error */
    const unsigned char *at;

    struct json_value **vals;
    size_t nvals, capvals;
    struct json_member *mems;
    size_t nmems, capmems;
    struct frame *frames;
    size_t nframes, capframes;
    unsigned char *sbuf;
    size_t capsbuf;

    struct ptab_slot *ptab;
    uint32_t pcap, pused, epoch, hashed_frames;
    struct key_cache_entry keys[KEY_CACHE];

    struct json_value *ivals[INLINE_VALS];
    struct json_member imems[INLINE_MEMS];
    struct frame iframes[INLINE_FRAMES];
    unsigned char isbuf[INLINE_SBUF];
};

#define JSON_READ_MSG_NOMEM "out of memory"
#define JSON_READ_MSG_EOF   "unexpected end of input"

/* Grows a scratch array that starts in the reader's inline storage (json_read.c). 0, or -1 when
 * out of memory. */
int json__scratch_grow(void **buf, size_t *cap, size_t elem, const void *inline_buf, size_t need);

/* Reads the string literal whose opening quote is just before p: *out and *out_len receive its
 * bytes (in the input when nothing needed decoding, else in r->sbuf), and the return value points
 * after the closing quote; NULL with r->msg and r->at set on an error (json_read_string.c). */
const unsigned char *json__read_string(struct reader *r, const unsigned char *p,
                                       const unsigned char **out, uint32_t *out_len);

#endif
