/* test_worker_crash.c — a worker that dies mid-request costs only that request: it gets 500
 * {"errors":[{"code":"hook_crashed",...}]} naming the function and the signal, the worker is
 * replaced (a new pid), and the next request succeeds. Covers kill -9 from outside during a slow
 * call, a hook that aborts, repeated crashes (respawn with backoff still recovers), and a call
 * past --hook-timeout-ms (504 hook_timeout, worker replaced). */
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "integration/harness.h"

#define DO_SOMETHING                                                                               \
    "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\":{\"hello\":"         \
    "\"world\"}}"
#define DO_SOMETHING_RESULT "[{\"hello\":\"world\",\"function\":\"doSomething\"}]"
#define CRASH_NOW           "{\"diy\":true,\"type\":\"hook\",\"function\":\"crashNow\",\"options\":{}}"

/* A folder holding only the slow test module, so these tests do not depend on what other test
 * modules exist. */
static const char *test_modules(void)
{
    const char *d = hst_test_module_dir("slow");
    assert_non_null(d);
    return d;
}

static void start(struct hst_server *s, const char *workers, const char *a1, const char *a2)
{
    const char *args[] = {"--modules", test_modules(), "--workers", workers, a1, a2, NULL};
    assert_int_equal(hst_server_start(s, args, NULL), 0);
}

static void assert_next_succeeds(const struct hst_server *s)
{
    struct hst_response r;
    assert_int_equal(hst_post_function(s, DO_SOMETHING, &r), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, DO_SOMETHING_RESULT);
    hst_response_free(&r);
}

/* Waits until the server has n workers again; returns how many it has. */
static int wait_workers(const struct hst_server *s, int n, pid_t *pids, int max)
{
    int got = 0;
    for (int i = 0; i < 200; i++) {
        got = hst_server_workers(s, pids, max);
        if (got >= n)
            break;
        usleep(25000);
    }
    return got;
}

struct call {
    const struct hst_server *s;
    const char *body;
    struct hst_response r;
    int rc;
};

static void *call_run(void *arg)
{
    struct call *c = arg;
    c->rc = hst_post_function(c->s, c->body, &c->r);
    return NULL;
}

static void test_kill9_during_slow_request(void **state)
{
    (void)state;
    struct hst_server s;
    start(&s, "1", NULL, NULL);
    pid_t before[4];
    assert_int_equal(wait_workers(&s, 1, before, 4), 1);
    struct call c = {
        .s = &s,
        .body =
            "{\"diy\":true,\"type\":\"hook\",\"function\":\"sleepMs\",\"options\":{\"ms\":5000}}",
    };
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, call_run, &c), 0);
    assert_int_equal(hst_server_wait_busy(&s, 10000), before[0]);
    assert_int_equal(kill(before[0], SIGKILL), 0);
    pthread_join(th, NULL);
    assert_int_equal(c.rc, 0);
    assert_int_equal(c.r.status, 500);
    char *ct = hst_response_header(&c.r, "Content-Type");
    assert_non_null(ct);
    assert_string_equal(ct, "application/json; charset=utf-8");
    free(ct);
    assert_non_null(strstr(c.r.body, "{\"errors\":[{\"code\":\"hook_crashed\",\"message\":\""));
    assert_non_null(strstr(c.r.body, "sleepMs"));
    assert_non_null(strstr(c.r.body, "SIGKILL"));
    hst_response_free(&c.r);
    /* Replaced by a new process, and the next request succeeds. */
    pid_t after[4];
    assert_int_equal(wait_workers(&s, 1, after, 4), 1);
    assert_int_not_equal(after[0], before[0]);
    assert_next_succeeds(&s);
    char *log = hst_server_log(&s);
    assert_non_null(strstr(log, "event=worker_died"));
    assert_non_null(strstr(log, "status=500"));
    free(log);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static void test_hook_abort(void **state)
{
    (void)state;
    struct hst_server s;
    start(&s, "2", NULL, NULL);
    struct hst_response r;
    assert_int_equal(hst_post_function(&s, CRASH_NOW, &r), 0);
    assert_int_equal(r.status, 500);
    assert_non_null(strstr(r.body, "\"code\":\"hook_crashed\""));
    assert_non_null(strstr(r.body, "crashNow"));
    assert_non_null(strstr(r.body, "SIGABRT"));
    hst_response_free(&r);
    assert_next_succeeds(&s);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static void test_repeated_crashes_recover(void **state)
{
    (void)state;
    struct hst_server s;
    start(&s, "1", NULL, NULL);
    for (int i = 0; i < 6; i++) {
        struct hst_response r;
        assert_int_equal(hst_post_function(&s, CRASH_NOW, &r), 0);
        assert_int_equal(r.status, 500);
        assert_non_null(strstr(r.body, "hook_crashed"));
        hst_response_free(&r);
    }
    /* The respawn delay grows but stays bounded: the next call waits in the queue and runs. */
    assert_next_succeeds(&s);
    assert_next_succeeds(&s);
    pid_t pids[4];
    assert_int_equal(wait_workers(&s, 1, pids, 4), 1);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static void test_other_requests_unaffected(void **state)
{
    (void)state;
    struct hst_server s;
    start(&s, "2", NULL, NULL);
    /* One worker runs a slow call while the other crashes: the slow call still completes. */
    struct call slow = {
        .s = &s,
        .body =
            "{\"diy\":true,\"type\":\"hook\",\"function\":\"sleepMs\",\"options\":{\"ms\":1000}}",
    };
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, call_run, &slow), 0);
    assert_true(hst_server_wait_busy(&s, 10000) > 0);
    struct hst_response r;
    assert_int_equal(hst_post_function(&s, CRASH_NOW, &r), 0);
    assert_int_equal(r.status, 500);
    hst_response_free(&r);
    pthread_join(th, NULL);
    assert_int_equal(slow.rc, 0);
    assert_int_equal(slow.r.status, 200);
    assert_string_equal(slow.r.body, "[{\"ms\":1000}]");
    hst_response_free(&slow.r);
    assert_next_succeeds(&s);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static void test_hook_timeout(void **state)
{
    (void)state;
    struct hst_server s;
    start(&s, "1", "--hook-timeout-ms", "500");
    pid_t before[4];
    assert_int_equal(wait_workers(&s, 1, before, 4), 1);
    struct hst_response r;
    assert_int_equal(
        hst_post_function(
            &s,
            "{\"diy\":true,\"type\":\"hook\",\"function\":\"sleepMs\",\"options\":{\"ms\":8000}}",
            &r),
        0);
    /* A deadline is a gateway timeout: 504, naming the function and the limit. */
    assert_int_equal(r.status, 504);
    assert_non_null(strstr(r.body, "{\"errors\":[{\"code\":\"hook_timeout\",\"message\":\""));
    assert_non_null(strstr(r.body, "sleepMs"));
    assert_non_null(strstr(r.body, "500 ms"));
    hst_response_free(&r);
    pid_t after[4];
    assert_int_equal(wait_workers(&s, 1, after, 4), 1);
    assert_int_not_equal(after[0], before[0]);
    assert_next_succeeds(&s);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill9_during_slow_request),
        cmocka_unit_test(test_hook_abort),
        cmocka_unit_test(test_repeated_crashes_recover),
        cmocka_unit_test(test_other_requests_unaffected),
        cmocka_unit_test(test_hook_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
