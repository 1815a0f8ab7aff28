/* text.h — small byte-string helpers shared by the protocol, the SDK and the front. */
#ifndef HS_TEXT_H
#define HS_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* A borrowed byte string; p == NULL means "absent" (an empty header has p != NULL, len 0). */
struct strv {
    const char *p;
    size_t len;
};

/* A string literal and its length, for calls that take (pointer, length): the compiler counts,
 * so a literal and its length cannot disagree. Only for literals: sizeof of a pointer would lie,
 * and the "" concatenation refuses anything that is not a literal. */
#define STRLIT(s) ("" s ""), (sizeof("" s "") - 1)

/* A struct strv holding a string literal. */
#define STRV(s) ((struct strv){("" s ""), sizeof("" s "") - 1})

/* True when the alen bytes at a equal the NUL-terminated b, ignoring ASCII case. */
bool text_ieq(const char *a, size_t alen, const char *b);

/* The value of a hexadecimal digit, or -1. */
int text_hexval(char c);

/* True for an HTTP token character (RFC 9110 tchar): what header names, methods and media types
 * are made of. */
bool text_tchar(unsigned char c);

/* Copies the n bytes of s into out (room for n bytes) with every byte that is not part of a valid
 * UTF-8 sequence replaced by '?', so a log line stays valid text; returns the bytes written. */
size_t text_utf8_clean(const char *s, size_t n, char *out);

#endif
