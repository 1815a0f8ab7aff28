/* sfns_hash.h — the sync hash of loop prevention: SHA-256 (mbedTLS) over a canonical form of a
 * record's synced fields, as 64 lower-case hex digits. The last sync stores it on the record it
 * writes; a record whose fields still hash to the stored value only echoes that write. */
#ifndef SFNS_HASH_H
#define SFNS_HASH_H

#include "sfns_own.h"

#include <mbedtls/sha256.h>

/* The canonical text is gathered in buf and hashed a buffer at a time: one SHA-256 update per
 * length prefix would cost more than the hashing itself. */
#define SFNS_HASH_BUF 1024

typedef struct sfns_hash {
    mbedtls_sha256_context sha;
    size_t len;
    unsigned char buf[SFNS_HASH_BUF];
} sfns_hash;

#define SFNS_HASH_HEX 65 /* 64 hex digits and the NUL */

/* Starts a hash; `kind` names what is hashed ("account", "customer") so the two never collide. */
void sfns_hash_start(sfns_hash *h, const char *kind);
/* Adds one field: its name and its canonical text (absent and empty hash alike). Unambiguous:
 * every part is length-prefixed. */
void sfns_hash_field(sfns_hash *h, const char *name, const sfns_value *v);
/* The hex digest; ends the hash. */
void sfns_hash_finish(sfns_hash *h, char hex[SFNS_HASH_HEX]);

#endif
