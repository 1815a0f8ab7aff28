/* test_hostile.c — clients that misbehave must get a clear answer (or be cut off) while the
 * server stays unharmed: truncated requests, bodies over the limit (Content-Length and chunked),
 * bad chunk sizes, malformed request lines, header blocks too large or with too many fields, a
 * client sending one byte a second, 1,000 idle connections, a client that disconnects in the
 * middle of its answer, and a full queue (503 + Retry-After). After each, a normal request must
 * still succeed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "integration/harness.h"

#define AUTH "Authorization: Bearer " HS_TEST_TOKEN
#define DO_SOMETHING                                                                               \
    "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\":{\"hello\":"         \
    "\"world\"}}"

static struct hst_server srv;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A folder holding only the slow test module, so these tests do not depend on what other test
 * modules exist. */
static const char *test_modules(void)
{
    const char *d = hst_test_module_dir("slow");
    assert_non_null(d);
    return d;
}

static int count_of_http(const char *s)
{
    int n = 0;
    for (const char *p = strstr(s, "HTTP/1.1 "); p != NULL; p = strstr(p + 1, "HTTP/1.1 "))
        n++;
    return n;
}

/* A normal request succeeds, quickly. */
static void assert_healthy(const struct hst_server *s)
{
    long long t0 = now_ms();
    struct hst_response r;
    assert_int_equal(hst_post_function(s, DO_SOMETHING, &r), 0);
    assert_int_equal(r.status, 200);
    hst_response_free(&r);
    assert_int_equal(hst_request(s, "GET", "/healthCheck", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    hst_response_free(&r);
    assert_true(now_ms() - t0 < 5000);
}

static char *exchange(const struct hst_server *s, const void *req, size_t len, int timeout_ms)
{
    int fd = hst_connect(s);
    assert_true(fd >= 0);
    assert_int_equal(hst_send_all(fd, req, len), 0);
    size_t n = 0;
    char *out = hst_recv_all(fd, timeout_ms, &n);
    close(fd);
    assert_non_null(out);
    return out;
}

/* The answer is `status` with a JSON error body of `code`, and the connection was closed. */
static void assert_error_close(const char *out, const char *status, const char *code)
{
    assert_non_null(strstr(out, status));
    assert_non_null(strstr(out, "Content-Type: application/json; charset=utf-8\r\n"));
    assert_non_null(strstr(out, "Connection: close\r\n"));
    char want[128];
    snprintf(want, sizeof(want), "\r\n\r\n{\"errors\":[{\"code\":\"%s\",\"message\":\"", code);
    assert_non_null(strstr(out, want));
}

static void test_truncated_request(void **state)
{
    (void)state;
    /* Cut inside the header block, then inside the body: the client closes its side. */
    const char *cuts[] = {
        "POST /function HTTP/1.1\r\nHost: t\r\nContent-Le",
        "POST /function HTTP/1.1\r\nHost: t\r\n" AUTH "\r\nContent-Length: 100\r\n\r\n{\"diy\":",
    };
    for (int i = 0; i < 2; i++) {
        int fd = hst_connect(&srv);
        assert_true(fd >= 0);
        assert_int_equal(hst_send_all(fd, cuts[i], strlen(cuts[i])), 0);
        shutdown(fd, SHUT_WR);
        size_t n = 0;
        char *out = hst_recv_all(fd, 5000, &n);
        close(fd);
        assert_non_null(out);
        assert_error_close(out, "HTTP/1.1 400 Bad Request\r\n", "bad_request");
        free(out);
    }
    /* And a client that just vanishes mid-request. */
    int fd = hst_connect(&srv);
    assert_true(fd >= 0);
    assert_int_equal(hst_send_all(fd, cuts[1], strlen(cuts[1])), 0);
    close(fd);
    assert_healthy(&srv);
}

static void test_body_over_limit_content_length(void **state)
{
    (void)state;
    /* Refused from the Content-Length alone, before any body byte is read. */
    const char *req = "POST /function HTTP/1.1\r\nHost: t\r\n" AUTH
                      "\r\nContent-Type: application/json\r\nContent-Length: 52428801\r\n\r\n";
    char *out = exchange(&srv, req, strlen(req), 5000);
    assert_error_close(out, "HTTP/1.1 413 Payload Too Large\r\n", "payload_too_large");
    assert_non_null(strstr(out, "52428800"));
    free(out);
    assert_healthy(&srv);
}

static void test_body_over_limit_chunked(void **state)
{
    (void)state;
    struct hst_server s;
    const char *args[] = {"--modules", test_modules(), "--max-body-bytes", "1000", NULL};
    assert_int_equal(hst_server_start(&s, args, NULL), 0);
    int fd = hst_connect(&s);
    assert_true(fd >= 0);
    const char *head = "POST /function HTTP/1.1\r\nHost: t\r\n" AUTH
                       "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    assert_int_equal(hst_send_all(fd, head, strlen(head)), 0);
    char chunk[700];
    memset(chunk, ' ', sizeof(chunk));
    char line[16];
    /* Two chunks of 600: the running total passes 1000 in the second. */
    for (int i = 0; i < 2; i++) {
        snprintf(line, sizeof(line), "%x\r\n", 600);
        assert_int_equal(hst_send_all(fd, line, strlen(line)), 0);
        if (hst_send_all(fd, chunk, 600) != 0 || hst_send_all(fd, "\r\n", 2) != 0)
            break;
    }
    size_t n = 0;
    char *out = hst_recv_all(fd, 5000, &n);
    close(fd);
    assert_non_null(out);
    assert_error_close(out, "HTTP/1.1 413 Payload Too Large\r\n", "payload_too_large");
    free(out);
    /* A body just under the limit is fine (it reaches the function: 200). */
    char body[1000];
    int len = snprintf(body, sizeof(body),
                       "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\":{"
                       "\"pad\":\"%0*d\"}}",
                       900, 0);
    assert_true(len > 900 && len <= 1000);
    struct hst_response r;
    assert_int_equal(hst_post_function(&s, body, &r), 0);
    assert_int_equal(r.status, 200);
    hst_response_free(&r);
    int st = hst_server_stop(&s, SIGTERM, 20000);
    assert_true(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_bad_chunk_size(void **state)
{
    (void)state;
    const char *req = "POST /function HTTP/1.1\r\nHost: t\r\n" AUTH
                      "\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n";
    char *out = exchange(&srv, req, strlen(req), 5000);
    assert_error_close(out, "HTTP/1.1 400 Bad Request\r\n", "bad_request");
    free(out);
    assert_healthy(&srv);
}

static void test_malformed_request_line(void **state)
{
    (void)state;
    const char *reqs[] = {
        "HELLO WORLD\r\n\r\n", "GET / HTTP/9.9.9\r\n\r\n",
        "GET / HTTP/1.1\r\nBad Header Without Colon\r\n\r\n",
        "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", /* a TLS ClientHello on the plain port */
    };
    for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
        char *out = exchange(&srv, reqs[i], strlen(reqs[i]), 5000);
        assert_error_close(out, "HTTP/1.1 400 Bad Request\r\n", "bad_request");
        free(out);
    }
    assert_healthy(&srv);
}

static void test_headers_too_large(void **state)
{
    (void)state;
    /* One header value past 64 KB. */
    size_t big = 70 * 1024;
    char *req = malloc(big + 128);
    assert_non_null(req);
    int n = snprintf(req, 128, "GET / HTTP/1.1\r\nHost: t\r\nX-Big: ");
    memset(req + n, 'a', big);
    memcpy(req + n + big, "\r\n\r\n", 4);
    char *out = exchange(&srv, req, (size_t)n + big + 4, 5000);
    free(req);
    assert_error_close(out, "HTTP/1.1 431 Request Header Fields Too Large\r\n",
                       "request_header_fields_too_large");
    free(out);
    /* 101 small header fields (Host and 100 more). */
    char many[8192];
    size_t pos = (size_t)snprintf(many, sizeof(many), "GET / HTTP/1.1\r\nHost: t\r\n");
    for (int i = 0; i < 100; i++)
        pos += (size_t)snprintf(many + pos, sizeof(many) - pos, "X-H%d: v\r\n", i);
    pos += (size_t)snprintf(many + pos, sizeof(many) - pos, "\r\n");
    out = exchange(&srv, many, pos, 5000);
    assert_error_close(out, "HTTP/1.1 431 Request Header Fields Too Large\r\n",
                       "request_header_fields_too_large");
    free(out);
    /* 100 fields are fine (Host, 98 more and Connection). */
    pos = (size_t)snprintf(many, sizeof(many), "GET / HTTP/1.1\r\nHost: t\r\n");
    for (int i = 0; i < 98; i++)
        pos += (size_t)snprintf(many + pos, sizeof(many) - pos, "X-H%d: v\r\n", i);
    pos += (size_t)snprintf(many + pos, sizeof(many) - pos, "Connection: close\r\n\r\n");
    out = exchange(&srv, many, pos, 5000);
    assert_non_null(strstr(out, "HTTP/1.1 200 OK\r\n"));
    free(out);
    assert_healthy(&srv);
}

struct trickle {
    const struct hst_server *s;
    int interval_ms;
    int sent;
    char *answer;
};

static void *trickle_run(void *arg)
{
    struct trickle *t = arg;
    int fd = hst_connect(t->s);
    if (fd < 0)
        return NULL;
    const char *req = "GET /healthCheck HTTP/1.1\r\nHost: t\r\nX-Slow: yes\r\n\r\n";
    for (size_t i = 0; i < strlen(req); i++) {
        if (send(fd, req + i, 1, MSG_NOSIGNAL) != 1)
            break;
        t->sent++;
        struct timespec ts = {.tv_sec = t->interval_ms / 1000,
                              .tv_nsec = (t->interval_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    size_t n = 0;
    t->answer = hst_recv_all(fd, 3000, &n);
    close(fd);
    return NULL;
}

static void test_one_byte_a_second(void **state)
{
    (void)state;
    struct hst_server s;
    const char *args[] = {"--modules", test_modules(), "--headers-timeout-ms", "3000", NULL};
    assert_int_equal(hst_server_start(&s, args, NULL), 0);
    struct trickle t = {.s = &s, .interval_ms = 1000};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, trickle_run, &t), 0);
    /* While it trickles, everyone else is served at once. */
    for (int i = 0; i < 5; i++) {
        long long t0 = now_ms();
        struct hst_response r;
        assert_int_equal(hst_post_function(&s, DO_SOMETHING, &r), 0);
        assert_int_equal(r.status, 200);
        hst_response_free(&r);
        assert_true(now_ms() - t0 < 1000);
        usleep(300000);
    }
    pthread_join(th, NULL);
    /* The header block did not arrive within 3 s: 408 and closed. */
    assert_non_null(t.answer);
    assert_true(t.sent < 10);
    assert_error_close(t.answer, "HTTP/1.1 408 Request Timeout\r\n", "request_timeout");
    free(t.answer);
    int st = hst_server_stop(&s, SIGTERM, 20000);
    assert_true(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_body_and_keepalive_timeouts(void **state)
{
    (void)state;
    struct hst_server s;
    const char *args[] = {"--modules", test_modules(),           "--request-timeout-ms",
                          "1000",      "--keepalive-timeout-ms", "1500",
                          NULL};
    assert_int_equal(hst_server_start(&s, args, NULL), 0);
    /* A body that stops halfway: 408 once the request timeout has passed since its first byte. */
    int fd = hst_connect(&s);
    assert_true(fd >= 0);
    const char *part =
        "POST /function HTTP/1.1\r\nHost: t\r\n" AUTH "\r\nContent-Length: 100\r\n\r\n{\"diy\":";
    long long t0 = now_ms();
    assert_int_equal(hst_send_all(fd, part, strlen(part)), 0);
    size_t n = 0;
    char *out = hst_recv_all(fd, 5000, &n);
    long long took = now_ms() - t0;
    close(fd);
    assert_non_null(out);
    assert_error_close(out, "HTTP/1.1 408 Request Timeout\r\n", "request_timeout");
    assert_true(took >= 900 && took < 4000);
    free(out);
    /* An idle kept-alive connection is closed after the keep-alive timeout, silently. */
    fd = hst_connect(&s);
    assert_true(fd >= 0);
    const char *req = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
    assert_int_equal(hst_send_all(fd, req, strlen(req)), 0);
    t0 = now_ms();
    out = hst_recv_all(fd, 5000, &n);
    took = now_ms() - t0;
    close(fd);
    assert_non_null(out);
    assert_non_null(strstr(out, "Keep-Alive: timeout=1\r\n"));
    assert_int_equal(strstr(out, "HTTP/1.1 200 OK\r\n") == out, 1);
    assert_int_equal(count_of_http(out), 1);
    assert_true(took >= 1300 && took < 4500);
    free(out);
    assert_healthy(&s);
    int st = hst_server_stop(&s, SIGTERM, 20000);
    assert_true(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_thousand_idle_connections(void **state)
{
    (void)state;
    int N = 1000;
    struct rlimit rl;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
    if (rl.rlim_cur < (rlim_t)N + 200) {
        rl.rlim_cur = rl.rlim_max < (rlim_t)N + 200 ? rl.rlim_max : (rlim_t)N + 200;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur < (rlim_t)N + 200) {
        /* The machine's hard limit is lower: as many as it allows, and say so. */
        N = (int)rl.rlim_cur - 200;
        fprintf(stderr, "RLIMIT_NOFILE hard limit %llu: %d idle connections instead of 1000\n",
                (unsigned long long)rl.rlim_max, N);
        assert_true(N >= 100);
    }
    int *fds = calloc(N, sizeof(int));
    assert_non_null(fds);
    for (int i = 0; i < N; i++) {
        fds[i] = hst_connect(&srv);
        assert_true(fds[i] >= 0);
    }
    /* Half of them sent part of a request and stalled. */
    for (int i = 0; i < N; i += 2)
        assert_int_equal(hst_send_all(fds[i], "GET / HT", 8), 0);
    usleep(200000);
    long long t0 = now_ms();
    assert_healthy(&srv);
    assert_true(now_ms() - t0 < 2000);
    const char *h[] = {AUTH, NULL};
    struct hst_response r;
    assert_int_equal(hst_request(&srv, "GET", "/openConnections", h, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_true(atoi(r.body) >= N);
    hst_response_free(&r);
    for (int i = 0; i < N; i++)
        close(fds[i]);
    free(fds);
    assert_healthy(&srv);
}

static void test_disconnect_mid_response(void **state)
{
    (void)state;
    /* A 4 MB answer (echoResponse returns options.resp), abandoned after a few bytes. */
    size_t big = 4u * 1024u * 1024u;
    const char *pre = "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"options\":{"
                      "\"resp\":\"";
    const char *post = "\"}}";
    size_t blen = strlen(pre) + big + strlen(post);
    char *body = malloc(blen);
    assert_non_null(body);
    memcpy(body, pre, strlen(pre));
    memset(body + strlen(pre), 'x', big);
    memcpy(body + strlen(pre) + big, post, strlen(post));
    char head[512];
    int hl = snprintf(head, sizeof(head),
                      "POST /function HTTP/1.1\r\nHost: t\r\n" AUTH
                      "\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                      blen);
    for (int round = 0; round < 3; round++) {
        int fd = hst_connect(&srv);
        assert_true(fd >= 0);
        int small = 4096;
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
        assert_int_equal(hst_send_all(fd, head, (size_t)hl), 0);
        assert_int_equal(hst_send_all(fd, body, blen), 0);
        char buf[1024];
        ssize_t got = recv(fd, buf, sizeof(buf), 0);
        assert_true(got > 0);
        assert_memory_equal(buf, "HTTP/1.1 200 OK\r\n", 17);
        /* Reset instead of a clean close, the rudest way to leave. */
        struct linger lg = {.l_onoff = 1, .l_linger = 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        close(fd);
    }
    free(body);
    assert_healthy(&srv);
}

static void test_reset_after_big_body(void **state)
{
    (void)state;
    /* A 30 MB body, then a reset at once: the front may still be handing it to a worker. */
    size_t big = 30u * 1024u * 1024u;
    const char *pre = "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\":{"
                      "\"pad\":\"";
    const char *post = "\"}}";
    size_t blen = strlen(pre) + big + strlen(post);
    char *body = malloc(blen);
    assert_non_null(body);
    memcpy(body, pre, strlen(pre));
    memset(body + strlen(pre), 'p', big);
    memcpy(body + strlen(pre) + big, post, strlen(post));
    char head[512];
    int hl = snprintf(head, sizeof(head),
                      "POST /function HTTP/1.1\r\nHost: t\r\n" AUTH
                      "\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                      blen);
    for (int round = 0; round < 3; round++) {
        int fd = hst_connect(&srv);
        assert_true(fd >= 0);
        assert_int_equal(hst_send_all(fd, head, (size_t)hl), 0);
        assert_int_equal(hst_send_all(fd, body, blen), 0);
        usleep((useconds_t)(round * 20000));
        struct linger lg = {.l_onoff = 1, .l_linger = 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        close(fd);
    }
    free(body);
    assert_healthy(&srv);
}

struct slow_call {
    const struct hst_server *s;
    struct hst_response r;
    int rc;
};

static void *slow_call_run(void *arg)
{
    struct slow_call *c = arg;
    c->rc = hst_post_function(
        c->s, "{\"diy\":true,\"type\":\"hook\",\"function\":\"sleepMs\",\"options\":{\"ms\":1500}}",
        &c->r);
    return NULL;
}

static void test_queue_full_503(void **state)
{
    (void)state;
    struct hst_server s;
    const char *args[] = {"--modules", test_modules(), "--workers", "1", "--max-queue", "1", NULL};
    assert_int_equal(hst_server_start(&s, args, NULL), 0);
    struct slow_call calls[2] = {{.s = &s}, {.s = &s}};
    pthread_t th[2];
    /* The first runs (its worker is seen busy), the second waits in the queue. */
    assert_int_equal(pthread_create(&th[0], NULL, slow_call_run, &calls[0]), 0);
    assert_true(hst_server_wait_busy(&s, 10000) > 0);
    assert_int_equal(pthread_create(&th[1], NULL, slow_call_run, &calls[1]), 0);
    usleep(300000);
    struct hst_response r;
    assert_int_equal(hst_post_function(&s, DO_SOMETHING, &r), 0);
    assert_int_equal(r.status, 503);
    char *ra = hst_response_header(&r, "Retry-After");
    assert_non_null(ra);
    assert_string_equal(ra, "1");
    free(ra);
    assert_non_null(strstr(r.body, "\"code\":\"server_busy\""));
    hst_response_free(&r);
    for (int i = 0; i < 2; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(calls[i].rc, 0);
        assert_int_equal(calls[i].r.status, 200);
        hst_response_free(&calls[i].r);
    }
    assert_healthy(&s);
    int st = hst_server_stop(&s, SIGTERM, 20000);
    assert_true(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static int group_setup(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    const char *args[] = {"--modules", test_modules(), "--workers", "2", NULL};
    return hst_server_start(&srv, args, NULL);
}

static int group_teardown(void **state)
{
    (void)state;
    return hst_server_stop_clean(&srv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_truncated_request),
        cmocka_unit_test(test_body_over_limit_content_length),
        cmocka_unit_test(test_body_over_limit_chunked),
        cmocka_unit_test(test_bad_chunk_size),
        cmocka_unit_test(test_malformed_request_line),
        cmocka_unit_test(test_headers_too_large),
        cmocka_unit_test(test_one_byte_a_second),
        cmocka_unit_test(test_body_and_keepalive_timeouts),
        cmocka_unit_test(test_thousand_idle_connections),
        cmocka_unit_test(test_disconnect_mid_response),
        cmocka_unit_test(test_reset_after_big_body),
        cmocka_unit_test(test_queue_full_503),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
