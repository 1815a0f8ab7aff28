/* sfns_hash.c — SHA-256 sync hash over length-prefixed field texts (see sfns_hash.h). Version 1
 * of the canonical form: "sfns-sync-hash/1" kind, then per field "<len>:<name><len>:<text>". */
#include "sfns_hash.h"

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

/* Appends n bytes to the buffer, hashing it whenever it fills (and long texts directly). */
static void put_bytes(sfns_hash *h, const void *p, size_t n)
{
    if (h->len + n > sizeof(h->buf)) {
        SHA_UPDATE(&h->sha, h->buf, h->len);
        h->len = 0;
        if (n > sizeof(h->buf)) {
            SHA_UPDATE(&h->sha, (const unsigned char *)p, n);
            return;
        }
    }
    memcpy(h->buf + h->len, p, n);
    h->len += n;
}

/* "<len>:<bytes>", the length in decimal digits. */
static void put_part(sfns_hash *h, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    char digits[24];
    size_t k = sizeof(digits);
    digits[--k] = ':';
    size_t v = n;
    do {
        digits[--k] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    put_bytes(h, digits + k, sizeof(digits) - k);
    if (n > 0)
        put_bytes(h, s, n);
}

void sfns_hash_start(sfns_hash *h, const char *kind)
{
    mbedtls_sha256_init(&h->sha);
    SHA_START(&h->sha);
    h->len = 0;
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
    if (h->len > 0)
        SHA_UPDATE(&h->sha, h->buf, h->len);
    SHA_FINISH(&h->sha, out);
    mbedtls_sha256_free(&h->sha);
    for (size_t i = 0; i < 32; i++) {
        hex[2 * i] = digits[out[i] >> 4];
        hex[2 * i + 1] = digits[out[i] & 15];
    }
    hex[64] = '\0';
}
