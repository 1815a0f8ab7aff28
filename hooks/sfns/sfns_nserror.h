/* sfns_nserror.h — reading NetSuite's error messages, which are untrusted text: whether a message
 * contains a phrase (ASCII case ignored), and which reference it names. NetSuite writes an unknown
 * select value as "Invalid item reference key 1234 for subsidiary 2." or "You have entered an
 * Invalid Field Value 1234 for the following field: item". Pure C (no hook API), so unit tests
 * and the fuzz target link it directly. */
#ifndef SFNS_NSERROR_H
#define SFNS_NSERROR_H

#include <stddef.h>

/* A part of a message: len bytes at p (p NULL and len 0: none). */
typedef struct sfns_span {
    const char *p;
    size_t len;
} sfns_span;

/* Whether the len bytes at text contain needle (a NUL-terminated phrase), ASCII case ignored.
 * An empty needle is contained in anything. */
int sfns_contains_nocase(const char *text, size_t len, const char *needle);

/* The reference an error message names: *field the field ("item", "entity", "customer",
 * "custbody_x"; none when the message gives none) and *key the value NetSuite could not find
 * ("1234", "GEN-1000"), without surrounding quotes and trailing punctuation. Reads the first of
 * "<field> reference key <key>" and "Field Value <key> for the following field: <field>".
 * Returns 1 when a key was found, else 0 (both spans empty). */
int sfns_nserror_reference(const char *msg, size_t len, sfns_span *field, sfns_span *key);

#endif
