/* sfns_sfid.c — Salesforce Id checks and the 15 -> 18 conversion (see sfns_sfid.h). */
#include "sfns_sfid.h"

#include <string.h>

static const char suffix_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

static int is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static int is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The 0..31 value of a suffix character (any case), or -1. */
static int suffix_value(char c)
{
    if (is_lower(c))
        c = (char)(c - 'a' + 'A');
    const char *p = strchr(suffix_chars, c);
    return (c != '\0' && p != NULL) ? (int)(p - suffix_chars) : -1;
}

sfns_sfid_status sfns_sfid_to18(const char *text, size_t len, char out[19])
{
    if (text == NULL || (len != 15 && len != 18))
        return SFNS_SFID_LENGTH;
    for (size_t i = 0; i < len; i++)
        if (!is_upper(text[i]) && !is_lower(text[i]) && !is_digit(text[i]))
            return SFNS_SFID_CHARS;
    memcpy(out, text, 15);
    if (len == 15) {
        for (int chunk = 0; chunk < 3; chunk++) {
            int v = 0;
            for (int i = 0; i < 5; i++)
                if (is_upper(text[chunk * 5 + i]))
                    v |= 1 << i;
            out[15 + chunk] = suffix_chars[v];
        }
        out[18] = '\0';
        return SFNS_SFID_OK;
    }
    int agrees = 1, has_upper = 0, has_lower = 0;
    for (int chunk = 0; chunk < 3; chunk++) {
        int v = suffix_value(text[15 + chunk]);
        if (v < 0)
            return SFNS_SFID_CHECKSUM;
        for (int i = 0; i < 5; i++) {
            char c = text[chunk * 5 + i];
            int upper = (v >> i) & 1;
            if (is_digit(c)) {
                if (upper)
                    return SFNS_SFID_CHECKSUM;
                continue;
            }
            has_upper |= is_upper(c);
            has_lower |= is_lower(c);
            if (upper != is_upper(c))
                agrees = 0;
            /* The case the suffix encodes. */
            char base = is_upper(c) ? (char)(c - 'A' + 'a') : c;
            out[chunk * 5 + i] = upper ? (char)(base - 'a' + 'A') : base;
        }
        out[15 + chunk] = suffix_chars[v];
    }
    if (!agrees && has_upper && has_lower)
        return SFNS_SFID_CHECKSUM;
    out[18] = '\0';
    return SFNS_SFID_OK;
}

const char *sfns_sfid_strerror(sfns_sfid_status st)
{
    switch (st) {
    case SFNS_SFID_OK:
        return "is a valid Id";
    case SFNS_SFID_LENGTH:
        return "must be 15 or 18 characters";
    case SFNS_SFID_CHARS:
        return "may hold only the letters A-Z, a-z and the digits 0-9";
    case SFNS_SFID_CHECKSUM:
        return "has a checksum (its last 3 characters) that does not match its first 15 "
               "characters";
    }
    return "is not a Salesforce Id";
}
