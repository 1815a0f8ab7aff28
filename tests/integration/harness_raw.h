/* harness_raw.h — raw HTTP/1.1 over a socket for the front's hardening tests (stalls, drain,
 * connection limit): one answer read at a time on a kept-alive connection, with a deadline, and
 * the bits of an answer those tests look at. Built on harness.h's hst_connect. */
#ifndef HS_TEST_HARNESS_RAW_H
#define HS_TEST_HARNESS_RAW_H

#include <stddef.h>

#include "integration/harness.h"

struct hsr_answer {
    int status; /* of the status line; 0 when none was read */
    char *head; /* status line and headers, NUL-terminated (malloc'd) */
    char *body; /* Content-Length bytes, NUL-terminated (malloc'd) */
    size_t body_len;
    int close; /* it said Connection: close */
};

/* Size of the carry buffer of hsr_read_answer. */
#define HSR_CARRY_MAX (64 * 1024)

/* Reads one whole answer (head, then Content-Length bytes) from fd, skipping interim 1xx ones.
 * Bytes read past it stay in the caller's carry buffer (HSR_CARRY_MAX bytes; carry/carry_len may
 * be NULL for a connection used for one answer). Returns 1 with *a filled, 0 when the connection
 * ended before any byte of an answer, -1 on a timeout, a reset or a truncated answer. */
int hsr_read_answer(int fd, int timeout_ms, char *carry, size_t *carry_len, struct hsr_answer *a);
void hsr_answer_free(struct hsr_answer *a);

/* The value of header name (case-insensitive) in a->head, malloc'd; NULL when absent. */
char *hsr_header(const struct hsr_answer *a, const char *name);

/* Sends raw on a new connection and reads one answer within timeout_ms; *took_ms gets the time
 * from connecting to the answer (or to giving up). Returns what hsr_read_answer returns (and -1
 * when it cannot connect or send). The connection is closed afterwards. */
int hsr_exchange(const struct hst_server *s, const char *raw, int timeout_ms, long long *took_ms,
                 struct hsr_answer *a);

/* Milliseconds on the monotonic clock. */
long long hsr_now_ms(void);

#endif
