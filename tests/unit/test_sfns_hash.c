/* test_sfns_hash.c — the sync hash (hooks/sfns/sfns_hash.c): its digest is SHA-256 of the
 * canonical text "<len>:sfns-sync-hash/1<len>:<kind>" then "<len>:<name><len>:<text>" per field,
 * whatever the lengths of the texts: short ones gathered in the buffer, texts that end exactly at
 * or straddle its size, texts longer than it, empty and absent values (hashed alike). The
 * expected digests come from one mbedTLS call over the text built here, and one fixed digest
 * pins version 1 of the form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../hooks/sfns/sfns_hash.h"

/* Appends "<len>:<s>" to buf at *n. */
static void part(char *buf, size_t *n, const char *s)
{
    *n += (size_t)sprintf(buf + *n, "%zu:", strlen(s));
    memcpy(buf + *n, s, strlen(s));
    *n += strlen(s);
}

/* The hex SHA-256 of the canonical text of kind and the fields, built in one piece. */
static void expected(const char *kind, const char *const *names, const char *const *texts,
                     size_t nf, char hex[SFNS_HASH_HEX])
{
    size_t cap = 64;
    for (size_t i = 0; i < nf; i++)
        cap += strlen(names[i]) + (texts[i] ? strlen(texts[i]) : 0) + 48;
    char *buf = malloc(cap + strlen(kind));
    assert_non_null(buf);
    size_t n = 0;
    part(buf, &n, "sfns-sync-hash/1");
    part(buf, &n, kind);
    for (size_t i = 0; i < nf; i++) {
        part(buf, &n, names[i]);
        part(buf, &n, texts[i] ? texts[i] : "");
    }
    unsigned char out[32];
#if defined(MBEDTLS_VERSION_MAJOR) && MBEDTLS_VERSION_MAJOR >= 3
    assert_int_equal(mbedtls_sha256((const unsigned char *)buf, n, out, 0), 0);
#else
    assert_int_equal(mbedtls_sha256_ret((const unsigned char *)buf, n, out, 0), 0);
#endif
    free(buf);
    for (size_t i = 0; i < 32; i++)
        sprintf(hex + 2 * i, "%02x", out[i]);
}

static void actual(const char *kind, const char *const *names, const char *const *texts, size_t nf,
                   char hex[SFNS_HASH_HEX])
{
    sfns_hash h;
    sfns_hash_start(&h, kind);
    for (size_t i = 0; i < nf; i++) {
        sfns_value v = {texts[i] ? SFNS_TEXT : SFNS_ABSENT, texts[i], NULL};
        sfns_hash_field(&h, names[i], &v);
    }
    sfns_hash_finish(&h, hex);
}

/* A text of n bytes ('a' + i % 26). */
static char *text_of(size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        s[i] = (char)('a' + i % 26);
    s[n] = '\0';
    return s;
}

static void check_lengths(size_t first, size_t second)
{
    char *a = text_of(first), *b = text_of(second);
    const char *names[] = {"name", "phone", "billingAddress"};
    const char *texts[] = {a, NULL, b};
    char want[SFNS_HASH_HEX], got[SFNS_HASH_HEX];
    expected("customer", names, texts, 3, want);
    actual("customer", names, texts, 3, got);
    assert_string_equal(got, want);
    free(a);
    free(b);
}

static void test_short_fields(void **state)
{
    (void)state;
    check_lengths(0, 0);
    check_lengths(1, 12);
    check_lengths(30, 200);
}

/* Texts that fill the 1024-byte buffer exactly, straddle it, or are longer than it. */
static void test_buffer_boundaries(void **state)
{
    (void)state;
    for (size_t n = SFNS_HASH_BUF - 80; n <= SFNS_HASH_BUF + 8; n++)
        check_lengths(n, 5);
    check_lengths(SFNS_HASH_BUF * 3 + 7, 40);
    check_lengths(40, SFNS_HASH_BUF * 2);
    check_lengths(SFNS_HASH_BUF * 5, SFNS_HASH_BUF * 5 + 1);
}

/* Many fields: the buffer is hashed several times within one record. */
static void test_many_fields(void **state)
{
    (void)state;
    enum { N = 90 };
    const char *names[N];
    const char *texts[N];
    char *owned[N];
    for (size_t i = 0; i < N; i++) {
        owned[i] = text_of(i * 7 % 61);
        names[i] = i % 2 ? "website" : "shippingAddress";
        texts[i] = i % 5 == 0 ? NULL : owned[i];
    }
    char want[SFNS_HASH_HEX], got[SFNS_HASH_HEX];
    expected("account", names, texts, N, want);
    actual("account", names, texts, N, got);
    assert_string_equal(got, want);
    for (size_t i = 0; i < N; i++)
        free(owned[i]);
}

/* Version 1 of the canonical form, pinned: stored hashes must keep matching. */
static void test_fixed_digest(void **state)
{
    (void)state;
    const char *names[] = {"name", "phone"};
    const char *texts[] = {"Harbor Freight Lines", "(617) 555-0100"};
    char got[SFNS_HASH_HEX];
    actual("account", names, texts, 2, got);
    char want[SFNS_HASH_HEX];
    expected("account", names, texts, 2, want);
    assert_string_equal(got, want);
    assert_string_equal(got, "9a6581e86ae1ec632f9199b91e4a8680ce4d30e1176626104732af65c4f0c186");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_fields),
        cmocka_unit_test(test_buffer_boundaries),
        cmocka_unit_test(test_many_fields),
        cmocka_unit_test(test_fixed_digest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
