/* harness_raw.c — raw HTTP/1.1 answers read off a socket with a deadline (see harness_raw.h). */
#include "integration/harness_raw.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HSR_HEAD_MAX HSR_CARRY_MAX

long long hsr_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void hsr_answer_free(struct hsr_answer *a)
{
    free(a->head);
    free(a->body);
    memset(a, 0, sizeof(*a));
}

/* Appends what one recv gives before the deadline: >0 bytes, 0 at the end, -1 timeout/error. */
static ssize_t hsr_recv(int fd, long long deadline, char *buf, size_t cap)
{
    for (;;) {
        long long left = deadline - hsr_now_ms();
        if (left <= 0)
            return -1;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int pr = poll(&p, 1, (int)left);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            return -1;
        ssize_t n = recv(fd, buf, cap, 0);
        if (n < 0 && errno == EINTR)
            continue;
        return n < 0 ? -1 : n;
    }
}

static char *hsr_find_header(const char *head, const char *name)
{
    size_t nl = strlen(name);
    const char *p = strstr(head, "\r\n");
    while (p != NULL && p[2] != '\0') {
        p += 2;
        if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            const char *e = strstr(v, "\r\n");
            size_t vl = e ? (size_t)(e - v) : strlen(v);
            char *out = malloc(vl + 1);
            if (out != NULL) {
                memcpy(out, v, vl);
                out[vl] = '\0';
            }
            return out;
        }
        p = strstr(p, "\r\n");
    }
    return NULL;
}

char *hsr_header(const struct hsr_answer *a, const char *name)
{
    return a->head != NULL ? hsr_find_header(a->head, name) : NULL;
}

int hsr_read_answer(int fd, int timeout_ms, char *carry, size_t *carry_len, struct hsr_answer *a)
{
    memset(a, 0, sizeof(*a));
    long long deadline = hsr_now_ms() + timeout_ms;
    char *buf = malloc(HSR_HEAD_MAX);
    if (buf == NULL)
        return -1;
    size_t len = 0;
    if (carry != NULL && carry_len != NULL && *carry_len > 0) {
        memcpy(buf, carry, *carry_len);
        len = *carry_len;
        *carry_len = 0;
    }
    int rc = -1;
    for (;;) {
        char *end = len >= 4 ? memmem(buf, len, "\r\n\r\n", 4) : NULL;
        if (end != NULL) {
            size_t hl = (size_t)(end - buf) + 4;
            int status = 0;
            if (len >= 12 && strncmp(buf, "HTTP/1.", 7) == 0)
                status = atoi(buf + 9);
            if (status >= 100 && status < 200) {
                /* an interim answer: drop it and read on */
                memmove(buf, buf + hl, len - hl);
                len -= hl;
                continue;
            }
            a->status = status;
            a->head = malloc(hl + 1);
            if (a->head == NULL)
                break;
            memcpy(a->head, buf, hl);
            a->head[hl] = '\0';
            char *cl = hsr_find_header(a->head, "Content-Length");
            size_t blen = cl != NULL ? strtoul(cl, NULL, 10) : 0;
            free(cl);
            char *conn = hsr_find_header(a->head, "Connection");
            a->close = conn != NULL && strcasecmp(conn, "close") == 0;
            free(conn);
            a->body = malloc(blen + 1);
            if (a->body == NULL)
                break;
            size_t have = len - hl < blen ? len - hl : blen;
            memcpy(a->body, buf + hl, have);
            size_t rest = len - hl - have;
            while (have < blen) {
                ssize_t n = hsr_recv(fd, deadline, a->body + have, blen - have);
                if (n <= 0)
                    break;
                have += (size_t)n;
            }
            a->body[have] = '\0';
            a->body_len = have;
            if (have < blen)
                break; /* truncated */
            if (rest > 0 && carry != NULL && carry_len != NULL) {
                memcpy(carry, buf + hl + blen, rest);
                *carry_len = rest;
            }
            rc = 1;
            break;
        }
        if (len >= HSR_HEAD_MAX)
            break;
        ssize_t n = hsr_recv(fd, deadline, buf + len, HSR_HEAD_MAX - len);
        if (n == 0 && len == 0) {
            rc = 0;
            break;
        }
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    free(buf);
    if (rc != 1) {
        int keep = rc;
        hsr_answer_free(a);
        return keep;
    }
    return 1;
}

int hsr_exchange(const struct hst_server *s, const char *raw, int timeout_ms, long long *took_ms,
                 struct hsr_answer *a)
{
    memset(a, 0, sizeof(*a));
    long long t0 = hsr_now_ms();
    int fd = hst_connect(s);
    int rc = -1;
    if (fd >= 0 && hst_send_all(fd, raw, strlen(raw)) == 0)
        rc = hsr_read_answer(fd, timeout_ms, NULL, NULL, a);
    if (fd >= 0)
        close(fd);
    if (took_ms != NULL)
        *took_ms = hsr_now_ms() - t0;
    return rc;
}
