/* sfns_sfid.h — Salesforce record Ids: validation and the 15 -> 18 character conversion with its
 * checksum. Pure C (no hook API), so unit tests link it directly. */
#ifndef SFNS_SFID_H
#define SFNS_SFID_H

#include <stddef.h>

/* What is wrong with an Id (0: nothing). */
typedef enum sfns_sfid_status {
    SFNS_SFID_OK = 0,
    SFNS_SFID_LENGTH = -1,   /* not 15 or 18 characters */
    SFNS_SFID_CHARS = -2,    /* a character other than 0-9, A-Z, a-z */
    SFNS_SFID_CHECKSUM = -3, /* 18 characters whose last three do not match the first 15 */
} sfns_sfid_status;

/* The 18-character form of a 15- or 18-character Id (text of len bytes) into out.
 *
 * A 15-character Id is case-sensitive: its checksum suffix is computed (each 5-character chunk
 * gives one character of "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", bit i set when the chunk's
 * character i is an upper-case letter). An 18-character Id is case-insensitive: its suffix
 * (read in any case) says which of the first 15 characters are upper case. When their case
 * agrees, or when the 15 were folded to one case by a case-insensitive system, the Id is given
 * back with the case the suffix encodes and the suffix in upper case; a suffix that marks a
 * digit as upper case, or letters of mixed case that disagree with it, is SFNS_SFID_CHECKSUM. */
sfns_sfid_status sfns_sfid_to18(const char *text, size_t len, char out[19]);

/* A sentence saying what is wrong, for messages ("must be 15 or 18 characters"). */
const char *sfns_sfid_strerror(sfns_sfid_status st);

#endif
