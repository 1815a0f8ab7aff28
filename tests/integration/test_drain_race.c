/* test_drain_race.c — SIGTERM while clients keep sending on kept-alive connections, repeated:
 * every request that reached the server is answered, and a connection ends only after an answer
 * that said Connection: close (front.c "drain"). Clients send their next request the moment an
 * answer arrives, a third of the time two at once (pipelined); none may see the connection end
 * with a request unanswered. Also GET /stopServer: its answer says Connection: close, and a
 * request pipelined behind it is answered before the connection closes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "integration/harness_raw.h"

#define RUNS    8
#define CLIENTS 24

static const char call_body[] = "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\","
                                "\"options\":{\"k\":\"v\"}}";

struct client {
    const struct hst_server *s;
    int id;
    long sent, answered;
    int lost;      /* requests sent and never answered */
    int closed_ok; /* the last answer said Connection: close */
    int bad;       /* an answer other than 200 */
};

static void *client_run(void *arg)
{
    struct client *c = arg;
    char req[1024];
    int n = snprintf(req, sizeof(req),
                     "POST /function HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                     HS_TEST_TOKEN, sizeof(call_body) - 1, call_body);
    char two[2048];
    memcpy(two, req, (size_t)n);
    memcpy(two + n, req, (size_t)n);
    int fd = hst_connect(c->s);
    if (fd < 0) {
        c->bad = 1;
        return NULL;
    }
    char *carry = malloc(HSR_CARRY_MAX);
    size_t carry_len = 0;
    long outstanding = 0;
    for (long i = 0;; i++) {
        int batch = i % 3 == 2 ? 2 : 1;
        if (send(fd, two, (size_t)n * (size_t)batch, MSG_NOSIGNAL) != (ssize_t)(n * batch)) {
            /* The server ended the connection although its last answer said keep-alive. */
            outstanding += batch;
            break;
        }
        c->sent += batch;
        outstanding += batch;
        int closed = 0;
        while (outstanding > 0) {
            struct hsr_answer a;
            int rc = hsr_read_answer(fd, 30000, carry, &carry_len, &a);
            if (rc != 1)
                break;
            outstanding--;
            __atomic_add_fetch(&c->answered, 1, __ATOMIC_RELAXED);
            if (a.status != 200)
                c->bad = 1;
            closed = a.close;
            hsr_answer_free(&a);
            if (closed)
                break;
        }
        if (closed || outstanding > 0)
            break;
    }
    c->lost = (int)outstanding;
    /* A close answer must be the last thing on the connection. */
    struct hsr_answer a;
    int tail = outstanding == 0 ? hsr_read_answer(fd, 5000, carry, &carry_len, &a) : 0;
    if (tail == 1) {
        c->bad = 1;
        hsr_answer_free(&a);
    }
    c->closed_ok = outstanding == 0 && tail == 0;
    free(carry);
    close(fd);
    return NULL;
}

static void test_sigterm_race(void **state)
{
    (void)state;
    long total_sent = 0, total_answered = 0;
    int total_lost = 0;
    for (int run = 0; run < RUNS; run++) {
        struct hst_server s;
        const char *args[] = {"--workers", "2", NULL};
        assert_int_equal(hst_server_start(&s, args, NULL), 0);
        struct client cl[CLIENTS];
        pthread_t th[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            cl[i] = (struct client){.s = &s, .id = i};
            assert_int_equal(pthread_create(&th[i], NULL, client_run, &cl[i]), 0);
        }
        /* Let every client get going, then stop the server in the middle of the traffic (at a
         * different moment each run). */
        long long deadline = hsr_now_ms() + 20000;
        for (;;) {
            long least = -1;
            for (int i = 0; i < CLIENTS; i++) {
                long a = __atomic_load_n(&cl[i].answered, __ATOMIC_RELAXED);
                least = least < 0 || a < least ? a : least;
            }
            if (least >= 10 + run || hsr_now_ms() > deadline)
                break;
            usleep(1000);
        }
        assert_int_equal(kill(s.pid, SIGTERM), 0);
        int lost = 0, unclosed = 0, bad = 0;
        for (int i = 0; i < CLIENTS; i++) {
            pthread_join(th[i], NULL);
            total_sent += cl[i].sent;
            total_answered += cl[i].answered;
            lost += cl[i].lost;
            unclosed += !cl[i].closed_ok;
            bad += cl[i].bad;
        }
        int st = hst_server_wait(&s, 20000);
        if (st < 0)
            st = hst_server_stop(&s, SIGKILL, 5000);
        if (lost != 0 || unclosed != 0 || bad != 0)
            fail_msg("run %d: %d request(s) without an answer, %d connection(s) ended without a "
                     "close answer, %d wrong answer(s)",
                     run, lost, unclosed, bad);
        assert_true(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
        total_lost += lost;
    }
    fprintf(stderr,
            "%d runs x %d kept-alive clients, SIGTERM mid-traffic: %ld requests sent, %ld "
            "answered, %d without an answer\n",
            RUNS, CLIENTS, total_sent, total_answered, total_lost);
    assert_int_equal(total_lost, 0);
    assert_int_equal(total_sent, total_answered);
}

static void test_stop_server_pipelined(void **state)
{
    (void)state;
    static const char stop[] =
        "GET /stopServer HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " HS_TEST_TOKEN "\r\n\r\n";
    static const char health[] = "GET /healthCheck HTTP/1.1\r\nHost: x\r\n\r\n";
    for (int pipelined = 0; pipelined < 2; pipelined++) {
        struct hst_server s;
        assert_int_equal(hst_server_start(&s, NULL, NULL), 0);
        int fd = hst_connect(&s);
        assert_true(fd >= 0);
        char both[512];
        snprintf(both, sizeof(both), "%s%s", stop, pipelined ? health : "");
        assert_int_equal(hst_send_all(fd, both, strlen(both)), 0);
        char carry[HSR_CARRY_MAX];
        size_t cl = 0;
        struct hsr_answer a;
        assert_int_equal(hsr_read_answer(fd, 10000, carry, &cl, &a), 1);
        assert_int_equal(a.status, 200);
        assert_string_equal(a.body, "preparing to shut down.");
        /* Without anything behind it, the answer says close; with a request behind it, that one
         * is answered too and the last answer says close. */
        assert_int_equal(a.close, !pipelined);
        hsr_answer_free(&a);
        if (pipelined) {
            assert_int_equal(hsr_read_answer(fd, 10000, carry, &cl, &a), 1);
            assert_int_equal(a.status, 200);
            assert_string_equal(a.body, "{\"success\":true}");
            assert_true(a.close);
            hsr_answer_free(&a);
        }
        /* Then the connection ends, and so does the server. */
        assert_int_equal(hsr_read_answer(fd, 10000, carry, &cl, &a), 0);
        close(fd);
        int st = hst_server_wait(&s, 20000);
        assert_true(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stop_server_pipelined),
        cmocka_unit_test(test_sigterm_race),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
