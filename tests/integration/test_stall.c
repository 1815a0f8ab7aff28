/* test_stall.c — one client cannot stall the others through the front's body memory
 * (--max-buffered-mb; front.c "body memory", runner/budget.c).
 *
 * Each case opens 50 hostile connections, then checks that /healthCheck, authorised calls and
 * /metrics keep answering within 2 s (a stall lasts until the 315 s request timeout):
 *   - the connection that declares an 8 MB body without a token, and sends nothing more: answered
 *     401 with Connection: close at the end of its headers (and /v1/hooks likewise);
 *   - the same line with a valid token: a declared length holds no memory;
 *   - bodies sent partly by clients whose token could only be in the body (no Authorization
 *     header): they share a quarter of the budget and their reading pauses, visibly in /metrics;
 *   - clients with a token each holding 2 MB of a 4 MB body: a newcomer's body still gets its
 *     fair share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "integration/harness_raw.h"

#define HOSTILE      50
#define PROMPT_MS    2000 /* "answered within its usual time"; a stall lasts minutes */
#define API_TOKEN    "stall-api-token"
#define DECLARED_8MB "8388609"

static void start(struct hst_server *s, const char *cap_mb)
{
    const char *args[] = {"--workers", "2", "--max-buffered-mb", cap_mb, NULL};
    const char *env[] = {"HOOKSTACK_API_TOKEN=" API_TOKEN, NULL};
    assert_int_equal(hst_server_start(s, args, env), 0);
    hst_request_set_timeout(10000);
}

/* Sends up to n bytes of 'a' without blocking for more than max_ms (the server may pause). */
static size_t send_some(int fd, size_t n, int max_ms)
{
    static char pad[64 * 1024];
    memset(pad, 'a', sizeof(pad));
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    size_t sent = 0;
    long long end = hsr_now_ms() + max_ms;
    while (sent < n && hsr_now_ms() < end) {
        size_t chunk = n - sent < sizeof(pad) ? n - sent : sizeof(pad);
        ssize_t w = send(fd, pad, chunk, MSG_NOSIGNAL);
        if (w > 0) {
            sent += (size_t)w;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            break;
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        poll(&p, 1, 20);
    }
    fcntl(fd, F_SETFL, fl);
    return sent;
}

/* Opens HOSTILE connections, each sending the head of a POST to path with the extra headers and
 * a declared length, then body_bytes of its body; they stay open. */
static void open_hostile(const struct hst_server *s, int *fds, const char *path, const char *extra,
                         const char *declared, size_t body_bytes)
{
    char head[512];
    snprintf(head, sizeof(head), "POST %s HTTP/1.1\r\nHost: x\r\n%sContent-Length: %s\r\n\r\n%s",
             path, extra, declared, body_bytes > 0 ? "{\"pad\":\"" : "");
    for (int i = 0; i < HOSTILE; i++) {
        fds[i] = hst_connect(s);
        assert_true(fds[i] >= 0);
        assert_int_equal(hst_send_all(fds[i], head, strlen(head)), 0);
        if (body_bytes > 0)
            send_some(fds[i], body_bytes, 200);
    }
}

static void close_all(int *fds, int n)
{
    for (int i = 0; i < n; i++)
        close(fds[i]);
}

/* GET /healthCheck on a new connection: 200 within PROMPT_MS. Returns the time taken. */
static long long health_ok(const struct hst_server *s)
{
    struct hsr_answer a;
    long long took = 0;
    int rc = hsr_exchange(s, "GET /healthCheck HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                          PROMPT_MS * 5, &took, &a);
    if (rc != 1 || a.status != 200 || took >= PROMPT_MS)
        fail_msg("healthCheck: rc %d, status %d after %lld ms", rc, a.status, took);
    hsr_answer_free(&a);
    return took;
}

/* An authorised POST /function whose options carry pad bytes: 200 with them echoed, within
 * PROMPT_MS. Returns the time taken. */
static long long call_ok(const struct hst_server *s, size_t pad)
{
    char *body = malloc(pad + 128);
    assert_non_null(body);
    int n = snprintf(body, 128,
                     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\","
                     "\"options\":{\"pad\":\"");
    memset(body + n, 'p', pad);
    memcpy(body + n + pad, "\"}}", 4);
    long long t0 = hsr_now_ms();
    struct hst_response r;
    int rc = hst_post_function(s, body, &r);
    long long took = hsr_now_ms() - t0;
    if (rc != 0 || r.status != 200 || took >= PROMPT_MS || r.body_len < pad)
        fail_msg("authorised call with %zu bytes: rc %d, status %ld after %lld ms", pad, rc,
                 r.status, took);
    hst_response_free(&r);
    free(body);
    return took;
}

/* The value of one /metrics line (the main port, with the token), or -1. */
static long long metric(const struct hst_server *s, const char *name)
{
    const char *h[] = {"Authorization: Bearer " HS_TEST_TOKEN, NULL};
    struct hst_response r;
    if (hst_request(s, "GET", "/metrics", h, NULL, 0, &r) != 0 || r.status != 200)
        return -1;
    char key[128];
    snprintf(key, sizeof(key), "\n%s ", name);
    const char *p = strstr(r.body, key);
    long long v = p != NULL ? strtoll(p + strlen(key), NULL, 10) : -1;
    hst_response_free(&r);
    return v;
}

static void test_no_token_answered_at_headers(void **state)
{
    (void)state;
    struct hst_server s;
    start(&s, "64");
    int fds[HOSTILE], hooks[HOSTILE];
    long long t0 = hsr_now_ms();
    open_hostile(&s, fds, "/function", "", DECLARED_8MB, 0);
    open_hostile(&s, hooks, "/v1/hooks/doSomething", "Content-Type: application/json\r\n",
                 DECLARED_8MB, 0);
    long long health = health_ok(&s);
    long long call = 0;
    for (int i = 0; i < 10; i++) {
        long long t = call_ok(&s, 100);
        call = t > call ? t : call;
    }
    /* Each was refused at its headers, its body never awaited. */
    for (int i = 0; i < HOSTILE; i++) {
        char carry[HSR_CARRY_MAX];
        size_t cl = 0;
        struct hsr_answer a;
        assert_int_equal(hsr_read_answer(fds[i], PROMPT_MS, carry, &cl, &a), 1);
        assert_int_equal(a.status, 401);
        assert_true(a.close);
        char *wa = hsr_header(&a, "WWW-Authenticate");
        assert_non_null(wa);
        assert_string_equal(wa, "invalid system token");
        free(wa);
        assert_string_equal(a.body,
                            "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid system "
                            "token.\"}]}");
        hsr_answer_free(&a);
        assert_int_equal(hsr_read_answer(hooks[i], PROMPT_MS, carry, &cl, &a), 1);
        assert_int_equal(a.status, 401);
        assert_true(a.close);
        wa = hsr_header(&a, "WWW-Authenticate");
        assert_non_null(wa);
        assert_string_equal(wa, "Bearer realm=\"hookstack\"");
        free(wa);
        hsr_answer_free(&a);
    }
    long long all = hsr_now_ms() - t0;
    assert_int_equal(metric(&s, "hookstack_body_buffered_bytes"), 0);
    fprintf(stderr,
            "%d connections declaring 8 MB without a token (and %d on /v1/hooks): healthCheck in "
            "%lld ms, slowest of 10 calls %lld ms, all refused 401 within %lld ms\n",
            HOSTILE, HOSTILE, health, call, all);
    close_all(fds, HOSTILE);
    close_all(hooks, HOSTILE);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static void test_declared_length_holds_nothing(void **state)
{
    (void)state;
    struct hst_server s;
    start(&s, "8");
    int fds[HOSTILE];
    open_hostile(&s, fds, "/function",
                 "Authorization: Bearer " HS_TEST_TOKEN "\r\nContent-Type: application/json\r\n",
                 DECLARED_8MB, 0);
    long long health = health_ok(&s);
    long long call = 0;
    for (int i = 0; i < 5; i++) {
        long long t = call_ok(&s, 100);
        call = t > call ? t : call;
    }
    long long big = call_ok(&s, 1u << 20);
    assert_int_equal(metric(&s, "hookstack_body_buffered_bytes"), 0);
    assert_int_equal(metric(&s, "hookstack_body_reads_paused"), 0);
    fprintf(stderr,
            "%d connections declaring 8 MB with a token: healthCheck in %lld ms, slowest of 5 "
            "calls %lld ms, a 1 MB call %lld ms\n",
            HOSTILE, health, call, big);
    close_all(fds, HOSTILE);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static void test_body_token_senders_share_a_quarter(void **state)
{
    (void)state;
    struct hst_server s;
    start(&s, "8");
    int fds[HOSTILE];
    /* No Authorization header and a JSON body: the token could be in the body, so it is read. */
    open_hostile(&s, fds, "/function", "Content-Type: application/json\r\n", DECLARED_8MB,
                 256 * 1024);
    long long health = health_ok(&s);
    long long call = 0;
    for (int i = 0; i < 5; i++) {
        long long t = call_ok(&s, 1u << 20);
        call = t > call ? t : call;
    }
    long long paused = metric(&s, "hookstack_body_reads_paused");
    long long pauses = metric(&s, "hookstack_body_pauses_total");
    long long held = metric(&s, "hookstack_body_buffered_bytes");
    fprintf(stderr,
            "%d tokenless clients sending 256 KB each: healthCheck in %lld ms, slowest of 5 1 MB "
            "calls %lld ms; /metrics: %lld paused, %lld pauses, %lld bytes held\n",
            HOSTILE, health, call, paused, pauses, held);
    /* They could hold 12.5 MB; they share a quarter of the 8 MB (plus a read each). */
    assert_true(paused >= 1);
    assert_true(pauses >= paused);
    assert_true(held > 0 && held <= 6 * 1024 * 1024);
    close_all(fds, HOSTILE);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static void test_fair_share_among_token_holders(void **state)
{
    (void)state;
    struct hst_server s;
    start(&s, "8");
    enum { HOLDERS = 8 };
    int fds[HOLDERS];
    char head[512];
    snprintf(head, sizeof(head),
             "POST /function HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: "
             "application/json\r\nContent-Length: %u\r\n\r\n{\"pad\":\"",
             HS_TEST_TOKEN, 4u << 20);
    for (int i = 0; i < HOLDERS; i++) {
        fds[i] = hst_connect(&s);
        assert_true(fds[i] >= 0);
        assert_int_equal(hst_send_all(fds[i], head, strlen(head)), 0);
        send_some(fds[i], 2u << 20, 300);
    }
    long long health = health_ok(&s);
    long long call = call_ok(&s, 300 * 1024);
    long long paused = metric(&s, "hookstack_body_reads_paused");
    long long held = metric(&s, "hookstack_body_buffered_bytes");
    fprintf(stderr,
            "%d token holders sending 2 MB of 4 MB each: healthCheck in %lld ms, a 300 KB call "
            "%lld ms; /metrics: %lld paused, %lld bytes held\n",
            HOLDERS, health, call, paused, held);
    assert_true(paused >= 1);
    /* The budget, plus the oldest body past its share, plus a read per connection. */
    assert_true(held <= 12 * 1024 * 1024);
    close_all(fds, HOLDERS);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_token_answered_at_headers),
        cmocka_unit_test(test_declared_length_holds_nothing),
        cmocka_unit_test(test_body_token_senders_share_a_quarter),
        cmocka_unit_test(test_fair_share_among_token_holders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
