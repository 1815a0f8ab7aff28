/* fuzz_sfns_nserror.c — libFuzzer target for the sfns module's reader of NetSuite error messages
 * (hooks/sfns/sfns_nserror.c), which are untrusted text: arbitrary bytes never crash it or make it
 * read past the length given, and what it finds is consistent: a key is non-empty and lies inside
 * the message without surrounding white space, a field lies before the key ("... <field>
 * reference key <key>") or after it ("Field Value <key> for the following field: <field>"), and
 * the message contains every phrase it found. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../hooks/sfns/sfns_nserror.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_sfns_nserror: %s\n", what);
        abort();
    }
}

static int inside(const char *text, size_t len, sfns_span s)
{
    return s.p >= text && s.p + s.len <= text + len;
}

static void check_span(const char *text, size_t len, sfns_span s, const char *what)
{
    if (s.len == 0) {
        check(s.p == NULL, what);
        return;
    }
    check(inside(text, len, s), what);
    check(!is_space(s.p[0]) && !is_space(s.p[s.len - 1]), what);
    /* The phrase found is in the message (the reader and the matcher agree on case). */
    char *phrase = malloc(s.len + 1);
    check(phrase != NULL, "memory");
    memcpy(phrase, s.p, s.len);
    phrase[s.len] = '\0';
    if (memchr(phrase, '\0', s.len) == NULL)
        check(sfns_contains_nocase(text, len, phrase), what);
    free(phrase);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The reader takes exactly len bytes; a copy without a terminator catches over-reads. */
    char *text = malloc(size ? size : 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    sfns_span field, key;
    int found = sfns_nserror_reference(text, size, &field, &key);
    check(found == 0 || found == 1, "a yes or no");
    check(found ? key.len > 0 : key.len == 0 && field.len == 0, "a key exactly when found");
    check_span(text, size, key, "the key lies inside the message");
    check_span(text, size, field, "the field lies inside the message");
    if (found && field.len > 0)
        check(field.p + field.len <= key.p || field.p >= key.p + key.len,
              "field and key do not overlap");
    /* Matching a phrase never reads past the length either. */
    sfns_contains_nocase(text, size, "reference key");
    sfns_contains_nocase(text, size, "");
    free(text);
    return 0;
}
