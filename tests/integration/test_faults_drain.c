/* test_faults_drain.c — stopping and slow clients under load.
 *   - SIGTERM with calls running and queued: every accepted request is answered (200, with
 *     Connection: close), an idle kept-alive connection is closed, new connections are refused,
 *     and the server exits 0 once the last answer is written.
 *   - --shutdown-timeout-ms: calls still running at the deadline are answered 503
 *     server_stopping with Retry-After, and the server exits 0 right after.
 *   - Backpressure: clients that pipeline requests without ever reading the answers cannot grow
 *     the front's memory (VmRSS before and after), and the server keeps answering others. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "integration/harness_faults.h"

static void start(struct hst_server *s, const char *const *args)
{
    const char *argv[32];
    int n = 0;
    argv[n++] = "--modules";
    argv[n++] = hsf_module_dir();
    for (int i = 0; args[i] != NULL && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    assert_int_equal(hst_server_start(s, argv, NULL), 0);
}

struct bg_call {
    const struct hst_server *s;
    const char *body;
    struct hst_response r;
    int rc;
    long long done_ms;
};

static void *bg_run(void *arg)
{
    struct bg_call *c = arg;
    c->rc = hst_post_function(c->s, c->body, &c->r);
    c->done_ms = hsf_now_ms();
    return NULL;
}

/* Open connections the server counts besides the one asking. */
static int open_connections(const struct hst_server *s)
{
    struct hst_response r;
    const char *h[] = {"Authorization: Bearer " HS_TEST_TOKEN, NULL};
    if (hst_request(s, "GET", "/openConnections", h, NULL, 0, &r) != 0)
        return -1;
    int n = r.status == 200 ? atoi(r.body) : -1;
    hst_response_free(&r);
    return n;
}

static int wait_open_connections(const struct hst_server *s, int n)
{
    for (int i = 0; i < 500; i++) {
        if (open_connections(s) >= n)
            return 1;
        usleep(10000);
    }
    return 0;
}

/* Waits for the server to exit; its status, or -1 after timeout_ms. */
static int wait_exit(struct hst_server *s, int timeout_ms)
{
    return hst_server_wait(s, timeout_ms);
}

static void test_sigterm_under_load(void **state)
{
    (void)state;
    struct hst_server s;
    start(&s, (const char *[]){"--workers", "2", NULL});
    enum { N = 8 };
    struct bg_call calls[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        calls[i] = (struct bg_call){
            .s = &s,
            .body = "{\"diy\":true,\"type\":\"hook\",\"function\":\"faultSleep\",\"options\":"
                    "{\"ms\":400}}"};
        assert_int_equal(pthread_create(&th[i], NULL, bg_run, &calls[i]), 0);
    }
    int idle = hst_connect(&s);
    assert_true(idle >= 0);
    assert_true(wait_open_connections(&s, N + 1));
    long long t0 = hsf_now_ms();
    assert_int_equal(kill(s.pid, SIGTERM), 0);
    assert_true(hsf_wait_log(&s, "event=draining", 1, 5000));
    /* The listener is closed: a new connection is refused. */
    assert_int_equal(hst_connect(&s), -1);
    /* The idle connection is closed by the server. */
    size_t len = 0;
    char *rest = hst_recv_all(idle, 5000, &len);
    assert_int_equal(len, 0);
    free(rest);
    close(idle);
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(calls[i].rc, 0);
        assert_int_equal(calls[i].r.status, 200);
        assert_string_equal(calls[i].r.body, "[{\"ms\":400}]");
        char *conn = hst_response_header(&calls[i].r, "Connection");
        assert_non_null(conn);
        assert_string_equal(conn, "close");
        free(conn);
        hst_response_free(&calls[i].r);
    }
    int st = wait_exit(&s, 10000);
    long long took = hsf_now_ms() - t0;
    assert_true(st >= 0 && WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    /* Four rounds of 400 ms on two workers, then the exit. */
    assert_true(took >= 700 && took < 8000);
    fprintf(stderr, "drain: %d calls answered, exit 0 after %lld ms\n", N, took);
    assert_true(hst_server_log_clean(&s));
}

static void test_shutdown_deadline(void **state)
{
    (void)state;
    struct hst_server s;
    start(&s, (const char *[]){"--workers", "2", "--shutdown-timeout-ms", "600", NULL});
    enum { N = 3 };
    struct bg_call calls[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        calls[i] = (struct bg_call){
            .s = &s,
            .body = "{\"diy\":true,\"type\":\"hook\",\"function\":\"faultSleep\",\"options\":"
                    "{\"ms\":20000}}"};
        assert_int_equal(pthread_create(&th[i], NULL, bg_run, &calls[i]), 0);
    }
    assert_true(wait_open_connections(&s, N));
    long long t0 = hsf_now_ms();
    assert_int_equal(kill(s.pid, SIGTERM), 0);
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(calls[i].rc, 0);
        assert_int_equal(calls[i].r.status, 503);
        assert_non_null(strstr(calls[i].r.body, "{\"errors\":[{\"code\":\"server_stopping\""));
        char *ra = hst_response_header(&calls[i].r, "Retry-After");
        assert_non_null(ra);
        free(ra);
        assert_true(calls[i].done_ms - t0 >= 550 && calls[i].done_ms - t0 < 5000);
        hst_response_free(&calls[i].r);
    }
    int st = wait_exit(&s, 10000);
    assert_true(st >= 0 && WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_true(hsf_now_ms() - t0 < 8000);
    assert_int_equal(hsf_log_count(&s, "event=shutdown_deadline"), 1);
    assert_true(hst_server_log_clean(&s));
}

struct flood {
    const struct hst_server *s;
    size_t sent;
    int fd;
};

/* Pipelines requests without reading, until the server stops taking them for 500 ms (or 3 s
 * pass). The socket stays open (and unread) afterwards. */
static void *flood_run(void *arg)
{
    struct flood *f = arg;
    static const char body[] = "{\"diy\":true,\"type\":\"hook\",\"function\":\"faultTag\","
                               "\"options\":{}}";
    char req[512];
    int n = snprintf(req, sizeof(req),
                     "POST /function HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                     HS_TEST_TOKEN, sizeof(body) - 1, body);
    char batch[64 * 1024];
    size_t blen = 0;
    while (blen + (size_t)n <= sizeof(batch)) {
        memcpy(batch + blen, req, (size_t)n);
        blen += (size_t)n;
    }
    f->fd = hst_connect(f->s);
    if (f->fd < 0)
        return NULL;
    fcntl(f->fd, F_SETFL, fcntl(f->fd, F_GETFL) | O_NONBLOCK);
    long long end = hsf_now_ms() + 3000, stalled_since = 0;
    size_t off = 0;
    while (hsf_now_ms() < end) {
        ssize_t w = send(f->fd, batch + off, blen - off, MSG_NOSIGNAL);
        if (w > 0) {
            f->sent += (size_t)w;
            off = (off + (size_t)w) % blen;
            stalled_since = 0;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            break;
        if (stalled_since == 0)
            stalled_since = hsf_now_ms();
        else if (hsf_now_ms() - stalled_since > 500)
            break;
        struct pollfd p = {.fd = f->fd, .events = POLLOUT};
        poll(&p, 1, 50);
    }
    return NULL;
}

static void test_slow_readers(void **state)
{
    (void)state;
    struct hst_server s;
    const char *args[] = {"--modules", hsf_module_dir(), "--workers", "2", NULL};
    assert_int_equal(hst_server_start(&s, args, hsf_small_quarantine_env()), 0);
    for (int i = 0; i < 300; i++) {
        struct hst_response r;
        assert_int_equal(
            hst_post_function(
                &s, "{\"diy\":true,\"type\":\"hook\",\"function\":\"faultTag\",\"options\":{}}",
                &r),
            0);
        assert_int_equal(r.status, 200);
        hst_response_free(&r);
    }
    long rss0 = hsf_rss_kb(s.pid);
    assert_true(rss0 > 0);
    enum { F = 8 };
    struct flood fl[F];
    pthread_t th[F];
    for (int i = 0; i < F; i++) {
        fl[i] = (struct flood){.s = &s, .fd = -1};
        assert_int_equal(pthread_create(&th[i], NULL, flood_run, &fl[i]), 0);
    }
    /* Others are still served while the flood runs. */
    for (int i = 0; i < 20; i++) {
        struct hst_response r;
        assert_int_equal(
            hst_post_function(
                &s, "{\"diy\":true,\"type\":\"hook\",\"function\":\"faultTag\",\"options\":{}}",
                &r),
            0);
        assert_int_equal(r.status, 200);
        hst_response_free(&r);
    }
    size_t total = 0, most = 0;
    for (int i = 0; i < F; i++) {
        pthread_join(th[i], NULL);
        assert_true(fl[i].fd >= 0);
        total += fl[i].sent;
        most = fl[i].sent > most ? fl[i].sent : most;
    }
    long rss1 = hsf_rss_kb(s.pid);
    fprintf(stderr,
            "slow readers: %d connections pipelined %zu bytes (at most %zu on one) without "
            "reading; front VmRSS %ld kB -> %ld kB\n",
            F, total, most, rss0, rss1);
    /* The server stopped reading them: what one connection could push is bounded by the socket
     * buffers and the front's 64 KB of read-ahead, and the front's memory did not follow. */
    assert_true(most < (size_t)32 << 20);
    assert_true(rss1 - rss0 < 16 * 1024);
    for (int i = 0; i < F; i++)
        close(fl[i].fd);
    struct hst_response r;
    assert_int_equal(
        hst_post_function(
            &s, "{\"diy\":true,\"type\":\"hook\",\"function\":\"faultTag\",\"options\":{}}", &r),
        0);
    assert_int_equal(r.status, 200);
    hst_response_free(&r);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigterm_under_load),
        cmocka_unit_test(test_shutdown_deadline),
        cmocka_unit_test(test_slow_readers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
