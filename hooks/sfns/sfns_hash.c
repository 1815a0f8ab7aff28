/* sfns_hash.c — SHA-256 sync hash over length-prefixed field texts (see sfns_hash.h). Version 1
 * of the canonical form: "sfns-sync-hash/1" kind, then per field "<len>:<name><len>:<text>". */
#include "sfns_hash.h"

#include <stdio.h>
#include <string.h>

#if defined(MBEDTLS_VERSION_MAJOR) && MBEDTLS_VERSION_MAJOR >= 3
#define SHA_START(c)        mbedtls_sha256_starts((c), 0)
#define SHA_UPDATE(c, p, n) mbedtls_sha256_update((c), (p), (n))
#define SHA_FINISH(c, out)  mbedtls_sha256_finish((c), (out))
#else
#define SHA_START(c)        mbedtls_sha256_starts_ret((c), 0)
#define SHA_UPDATE(c, p, n) mbedtls_sha256_update_ret((c), (p), (n))
#define SHA_FINISH(c, out)  mbedtls_sha256_finish_ret((c), (out))
#endif

/* "<len>:<bytes>" */
static void put_part(sfns_hash *h, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    char len[24];
    int k = snprintf(len, sizeof(len), "%zu:", n);
    SHA_UPDATE(&h->sha, (const unsigned char *)len, (size_t)k);
    if (n > 0)
        SHA_UPDATE(&h->sha, (const unsigned char *)s, n);
}

void sfns_hash_start(sfns_hash *h, const char *kind)
{
    mbedtls_sha256_init(&h->sha);
    SHA_START(&h->sha);
    put_part(h, "sfns-sync-hash/1");
    put_part(h, kind);
}

void sfns_hash_field(sfns_hash *h, const char *name, const sfns_value *v)
{
    put_part(h, name);
    put_part(h, v->presence == SFNS_TEXT ? v->text : "");
}

void sfns_hash_finish(sfns_hash *h, char hex[SFNS_HASH_HEX])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char out[32];
    SHA_FINISH(&h->sha, out);
    mbedtls_sha256_free(&h->sha);
    for (size_t i = 0; i < 32; i++) {
        hex[2 * i] = digits[out[i] >> 4];
        hex[2 * i + 1] = digits[out[i] & 15];
    }
    hex[64] = '\0';
}
