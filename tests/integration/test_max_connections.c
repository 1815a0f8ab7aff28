/* test_max_connections.c — the connection limit (--max-connections, front.c "the connection
 * limit"): past it a new connection is answered 503 server_busy with Retry-After and
 * Connection: close, at once, instead of waiting unanswered; reaching it is logged once and its
 * end once; /metrics counts the refusals. With a low file descriptor limit (ulimit -n 256) and no
 * flag, the default limit keeps descriptors for the workers and logs: every connection is
 * answered, 200 or 503, never left waiting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "integration/harness_faults.h"
#include "integration/harness_raw.h"

#define PROMPT_MS 2000

static const char health[] = "GET /healthCheck HTTP/1.1\r\nHost: x\r\n\r\n";

/* Sends GET /healthCheck on fd and reads the answer: its status, 0 at end of file, -1 when none
 * came within PROMPT_MS. Checks a 503's headers and body. */
static int health_on(int fd)
{
    if (hst_send_all(fd, health, sizeof(health) - 1) != 0)
        return 0;
    struct hsr_answer a;
    int rc = hsr_read_answer(fd, PROMPT_MS, NULL, NULL, &a);
    if (rc != 1)
        return rc;
    int st = a.status;
    if (st == 503) {
        char *ra = hsr_header(&a, "Retry-After");
        int ok = ra != NULL && strcmp(ra, "1") == 0 && a.close &&
                 strcmp(a.body, "{\"errors\":[{\"code\":\"server_busy\",\"message\":\"Too many "
                                "open connections; retry later.\"}]}") == 0;
        free(ra);
        if (!ok)
            st = -503;
    }
    hsr_answer_free(&a);
    return st;
}

static long long metric_on(int fd, const char *name)
{
    static const char req[] =
        "GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " HS_TEST_TOKEN "\r\n\r\n";
    if (hst_send_all(fd, req, sizeof(req) - 1) != 0)
        return -1;
    struct hsr_answer a;
    if (hsr_read_answer(fd, PROMPT_MS, NULL, NULL, &a) != 1)
        return -1;
    char key[128];
    snprintf(key, sizeof(key), "\n%s ", name);
    const char *p = strstr(a.body, key);
    long long v = p != NULL ? strtoll(p + strlen(key), NULL, 10) : -1;
    hsr_answer_free(&a);
    return v;
}

static void test_limit_answers_503(void **state)
{
    (void)state;
    struct hst_server s;
    const char *args[] = {"--workers", "1", "--max-connections", "8", NULL};
    assert_int_equal(hst_server_start(&s, args, NULL), 0);
    enum { LIMIT = 8, EXTRA = 5 };
    int fds[LIMIT];
    for (int i = 0; i < LIMIT; i++) {
        fds[i] = hst_connect(&s);
        assert_true(fds[i] >= 0);
        assert_int_equal(health_on(fds[i]), 200);
    }
    for (int i = 0; i < EXTRA; i++) {
        int fd = hst_connect(&s);
        assert_true(fd >= 0);
        long long t0 = hsr_now_ms();
        assert_int_equal(health_on(fd), 503);
        assert_true(hsr_now_ms() - t0 < PROMPT_MS);
        /* ... and the connection ends. */
        struct hsr_answer a;
        assert_int_equal(hsr_read_answer(fd, PROMPT_MS, NULL, NULL, &a), 0);
        close(fd);
    }
    /* The connections inside the limit are served as before. */
    assert_int_equal(health_on(fds[1]), 200);
    assert_int_equal(metric_on(fds[0], "hookstack_connections_refused_total"), EXTRA);
    assert_int_equal(metric_on(fds[0], "hookstack_max_connections"), LIMIT);
    assert_int_equal(hsf_log_count(&s, "event=connection_limit "), 1);
    for (int i = 1; i < LIMIT; i++)
        close(fds[i]);
    assert_true(hsf_wait_log(&s, "event=connection_limit_cleared", 1, 5000));
    char *log = hst_server_log(&s);
    assert_non_null(strstr(log, "(5 refused at the limit)"));
    free(log);
    int fd = hst_connect(&s);
    assert_true(fd >= 0);
    assert_int_equal(health_on(fd), 200);
    close(fd);
    close(fds[0]);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

/* In a child with ulimit -n 256: opens up to 240 connections one after another, each asking
 * /healthCheck; every one must be answered within PROMPT_MS, 200 (kept open) or 503 (closed).
 * Exit status 0 when so, 1 otherwise; prints what it saw. */
static int low_ulimit_child(void)
{
    struct rlimit rl = {256, 256};
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 2;
    struct hst_server s;
    const char *args[] = {"--workers", "2", NULL};
    if (hst_server_start(&s, args, NULL) != 0)
        return 2;
    enum { TRIES = 240 };
    static int open_fds[TRIES];
    int nopen = 0, ok = 0, busy = 0, other = 0;
    long long slowest = 0;
    for (int i = 0; i < TRIES; i++) {
        int fd = hst_connect(&s);
        if (fd < 0) {
            other++;
            break;
        }
        long long t0 = hsr_now_ms();
        int st = health_on(fd);
        long long took = hsr_now_ms() - t0;
        slowest = took > slowest ? took : slowest;
        if (st == 200) {
            ok++;
            open_fds[nopen++] = fd;
            continue;
        }
        close(fd);
        if (st == 503) {
            busy++;
            continue;
        }
        fprintf(stderr, "connection %d: %s after %lld ms\n", i,
                st == -1  ? "no answer"
                : st == 0 ? "closed without an answer"
                          : "wrong answer",
                took);
        other++;
        break;
    }
    int limit_logs = hsf_log_count(&s, "event=connection_limit ");
    fprintf(stderr,
            "ulimit -n 256, 2 workers: %d connections served, %d answered 503, %d failed; slowest "
            "answer %lld ms; limit logged %d time(s)\n",
            ok, busy, other, slowest, limit_logs);
    for (int i = 0; i < nopen; i++)
        close(open_fds[i]);
    int st = hst_server_stop(&s, SIGTERM, 20000);
    /* 256 descriptors less 96 and 6 per worker: 148 served at once. */
    bool good = other == 0 && ok == 148 && busy == TRIES - 148 && limit_logs == 1 && st >= 0 &&
                WIFEXITED(st) && WEXITSTATUS(st) == 0;
    return good ? 0 : 1;
}

static void test_low_fd_limit(void **state)
{
    (void)state;
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(low_ulimit_child());
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limit_answers_503),
        cmocka_unit_test(test_low_fd_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
