/* test_metrics.c — GET /metrics (Prometheus text) scraped from a running server: on the main port
 * it asks for the system token; requests by route and status, bytes and the latency histogram of
 * the called function move after calls; a worker that crashes (crashNow) or runs past its deadline
 * is counted by cause; with --metrics-listen the metrics are served only there, without a token,
 * and nothing else is; function names a client makes up count as "other" and never take the label
 * of a function the modules registered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "integration/harness.h"

#define DO_SOMETHING                                                                               \
    "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\":{\"hello\":"         \
    "\"world\"}}"
#define CRASH_NOW "{\"diy\":true,\"type\":\"hook\",\"function\":\"crashNow\",\"options\":{}}"
#define SLEEP_2S                                                                                   \
    "{\"diy\":true,\"type\":\"hook\",\"function\":\"sleepMs\",\"options\":{\"ms\":2000}}"

/* A folder holding only the slow test module. */
static const char *slow_modules(void)
{
    const char *d = hst_test_module_dir("slow");
    assert_non_null(d);
    return d;
}

static const char *const auth[] = {"Authorization: Bearer " HS_TEST_TOKEN, NULL};

/* GET /metrics with the token; the body (malloc'd). */
static char *scrape(const struct hst_server *s, const char *const *headers)
{
    struct hst_response r;
    assert_int_equal(hst_request(s, "GET", "/metrics", headers, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    char *ct = hst_response_header(&r, "Content-Type");
    assert_non_null(ct);
    assert_string_equal(ct, "text/plain; version=0.0.4; charset=utf-8");
    free(ct);
    char *body = r.body;
    r.body = NULL;
    hst_response_free(&r);
    return body;
}

/* The value of the sample "name{labels}" (exactly), or -1 when absent. */
static double sample(const char *text, const char *series)
{
    size_t n = strlen(series);
    for (const char *p = text; p != NULL && *p != '\0';) {
        if (strncmp(p, series, n) == 0 && p[n] == ' ')
            return strtod(p + n + 1, NULL);
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    return -1;
}

static double value0(const char *text, const char *series)
{
    double v = sample(text, series);
    return v < 0 ? 0 : v;
}

static void post(const struct hst_server *s, const char *body, long want)
{
    struct hst_response r;
    assert_int_equal(hst_post_function(s, body, &r), 0);
    assert_int_equal(r.status, want);
    hst_response_free(&r);
}

static void test_main_port_scrape(void **state)
{
    (void)state;
    struct hst_server s;
    const char *args[] = {"--modules",         slow_modules(), "--workers", "2",
                          "--hook-timeout-ms", "500",          NULL};
    assert_int_equal(hst_server_start(&s, args, NULL), 0);
    /* The system token is required on the main port. */
    struct hst_response r;
    assert_int_equal(hst_request(&s, "GET", "/metrics", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 401);
    hst_response_free(&r);
    const char *const bad[] = {"Authorization: Bearer nope", NULL};
    assert_int_equal(hst_request(&s, "GET", "/metrics", bad, NULL, 0, &r), 0);
    assert_int_equal(r.status, 401);
    hst_response_free(&r);

    char *before = scrape(&s, auth);
    /* Every family is there from the start. */
    const char *families[] = {
        "# TYPE hookstack_requests_total counter",
        "# TYPE hookstack_request_duration_seconds histogram",
        "# TYPE hookstack_function_duration_seconds histogram",
        "# TYPE hookstack_bytes_received_total counter",
        "# TYPE hookstack_bytes_sent_total counter",
        "# TYPE hookstack_inflight_requests gauge",
        "# TYPE hookstack_queue_depth gauge",
        "# TYPE hookstack_worker_restarts_total counter",
    };
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
        assert_non_null(strstr(before, families[i]));
    assert_true(sample(before, "hookstack_queue_depth") >= 0);
    assert_true(sample(before, "hookstack_inflight_requests") >= 1); /* this scrape */
    assert_int_equal(sample(before, "hookstack_workers{state=\"idle\"}") +
                         sample(before, "hookstack_workers{state=\"busy\"}"),
                     2);
    assert_int_equal(sample(before, "hookstack_worker_restarts_total{cause=\"crash\"}"), 0);
    /* The two refused scrapes are counted as admin 401s. */
    assert_int_equal(sample(before, "hookstack_requests_total{route=\"admin\",status=\"401\"}"), 2);

    for (int i = 0; i < 3; i++)
        post(&s, DO_SOMETHING, 200);
    assert_int_equal(hst_request(&s, "GET", "/nowhere", NULL, NULL, 0, &r), 0);
    hst_response_free(&r);
    char *after = scrape(&s, auth);
    const char *ok = "hookstack_requests_total{route=\"function\",status=\"200\"}";
    assert_int_equal(value0(after, ok) - value0(before, ok), 3);
    assert_int_equal(sample(after, "hookstack_requests_total{route=\"other\",status=\"404\"}"), 1);
    assert_true(sample(after, "hookstack_bytes_received_total") >
                sample(before, "hookstack_bytes_received_total") + 3 * strlen(DO_SOMETHING));
    assert_true(sample(after, "hookstack_bytes_sent_total") >
                sample(before, "hookstack_bytes_sent_total"));
    assert_true(sample(after, "hookstack_request_duration_seconds_count") >=
                sample(before, "hookstack_request_duration_seconds_count") + 4);
    /* The histogram of the function called. */
    assert_int_equal(
        sample(after, "hookstack_function_duration_seconds_count{function=\"doSomething\"}"), 3);
    assert_int_equal(
        sample(after,
               "hookstack_function_duration_seconds_bucket{function=\"doSomething\",le=\"+Inf\"}"),
        3);
    assert_true(sample(after, "hookstack_function_duration_seconds_sum{function=\"doSomething\"}") >
                0);
    assert_non_null(strstr(after, "hookstack_function_duration_seconds_bucket{function="
                                  "\"doSomething\",le=\"0.001\"}"));
    free(before);
    free(after);

    /* A worker that crashes, and one killed past its deadline, counted by cause. */
    post(&s, CRASH_NOW, 500);
    struct hst_response tr;
    assert_int_equal(hst_post_function(&s, SLEEP_2S, &tr), 0);
    assert_true(tr.status >= 500);
    hst_response_free(&tr);
    post(&s, DO_SOMETHING, 200);
    char *later = scrape(&s, auth);
    assert_int_equal(sample(later, "hookstack_worker_restarts_total{cause=\"crash\"}"), 1);
    assert_int_equal(sample(later, "hookstack_worker_restarts_total{cause=\"timeout\"}"), 1);
    assert_int_equal(
        sample(later, "hookstack_function_duration_seconds_count{function=\"crashNow\"}"), 1);
    assert_int_equal(
        sample(later, "hookstack_requests_total{route=\"function\",status=\"500\"}") +
            value0(later, "hookstack_requests_total{route=\"function\",status=\"504\"}"),
        2);
    free(later);
    /* A worker killed between calls has no call to report it; it is counted all the same. */
    pid_t pids[8];
    int nw = hst_server_workers(&s, pids, 8);
    assert_true(nw >= 1);
    assert_int_equal(kill(pids[0], SIGKILL), 0);
    double crashes = 0;
    for (int i = 0; i < 100 && crashes < 2; i++) {
        usleep(20 * 1000);
        char *t = scrape(&s, auth);
        crashes = sample(t, "hookstack_worker_restarts_total{cause=\"crash\"}");
        free(t);
    }
    assert_int_equal(crashes, 2);
    post(&s, DO_SOMETHING, 200);
    /* HEAD works too (no body). */
    assert_int_equal(hst_request(&s, "HEAD", "/metrics", auth, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, 0);
    hst_response_free(&r);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

/* The metrics port from the log line "metrics on HOST:PORT". */
static int metrics_port(const struct hst_server *s)
{
    char *log = hst_server_log(s);
    const char *p = log ? strstr(log, "metrics on 127.0.0.1:") : NULL;
    int port = p ? atoi(p + strlen("metrics on 127.0.0.1:")) : -1;
    free(log);
    return port;
}

static void test_separate_metrics_address(void **state)
{
    (void)state;
    struct hst_server s;
    const char *args[] = {"--workers", "1", "--metrics-listen", "127.0.0.1:0", NULL};
    assert_int_equal(hst_server_start(&s, args, NULL), 0);
    struct hst_server m = s;
    m.port = metrics_port(&s);
    assert_true(m.port > 0 && m.port != s.port);
    post(&s, DO_SOMETHING, 200);
    /* There: no token needed. */
    char *text = scrape(&m, NULL);
    assert_int_equal(sample(text, "hookstack_requests_total{route=\"function\",status=\"200\"}"),
                     1);
    assert_int_equal(
        sample(text, "hookstack_function_duration_seconds_count{function=\"doSomething\"}"), 1);
    free(text);
    /* Nothing else is served there... */
    struct hst_response r;
    assert_int_equal(hst_request(&m, "GET", "/healthCheck", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 404);
    hst_response_free(&r);
    assert_int_equal(
        hst_request(&m, "POST", "/function", auth, DO_SOMETHING, strlen(DO_SOMETHING), &r), 0);
    assert_int_equal(r.status, 404);
    hst_response_free(&r);
    /* ...and /metrics is not served on the main port, even with the token. */
    assert_int_equal(hst_request(&s, "GET", "/metrics", auth, NULL, 0, &r), 0);
    assert_int_equal(r.status, 404);
    hst_response_free(&r);
    /* A drain closes both listeners and exits 0. */
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static void test_made_up_function_names(void **state)
{
    (void)state;
    struct hst_server s;
    const char *args[] = {"--modules", slow_modules(), "--workers", "1", NULL};
    assert_int_equal(hst_server_start(&s, args, NULL), 0);
    /* More made-up names than there are labels, then a real function. */
    for (int i = 0; i < 300; i++) {
        char body[160];
        snprintf(body, sizeof(body),
                 "{\"diy\":true,\"type\":\"hook\",\"function\":\"madeUp%d\",\"options\":{}}", i);
        struct hst_response r;
        assert_int_equal(hst_post_function(&s, body, &r), 0);
        assert_true(r.status >= 400 && r.status < 500);
        hst_response_free(&r);
    }
    post(&s, DO_SOMETHING, 200);
    char *text = scrape(&s, auth);
    assert_int_equal(
        sample(text, "hookstack_function_duration_seconds_count{function=\"doSomething\"}"), 1);
    assert_int_equal(sample(text, "hookstack_function_duration_seconds_count{function=\"other\"}"),
                     300);
    assert_null(strstr(text, "madeUp"));
    free(text);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_main_port_scrape),
        cmocka_unit_test(test_separate_metrics_address),
        cmocka_unit_test(test_made_up_function_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
