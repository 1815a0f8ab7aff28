/* test_metrics.c — GET /metrics rendering: counters by route and status, histograms, gauges,
 * bounded function labels (only the module set's functions get one) and label escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "metrics.h"

static char *render(struct metrics *m, struct json_buf *b)
{
    json_buf_init(b, 0);
    assert_int_equal(metrics_render(m, b), 0);
    assert_int_equal(json_buf_append(b, "", 1), 0); /* NUL-terminate */
    return b->data;
}

static void test_requests_by_route_and_status(void **state)
{
    (void)state;
    struct metrics *m = metrics_new();
    metrics_request(m, METRICS_ROUTE_FUNCTION, 200, 3.0, 100, 50);
    metrics_request(m, METRICS_ROUTE_FUNCTION, 200, 30.0, 10, 5);
    metrics_request(m, METRICS_ROUTE_FUNCTION, 422, 0.5, 1, 1);
    metrics_request(m, METRICS_ROUTE_OTHER, 404, 0.1, 1, 1);
    struct json_buf b;
    char *t = render(m, &b);
    assert_non_null(strstr(t, "hookstack_requests_total{route=\"function\",status=\"200\"} 2\n"));
    assert_non_null(strstr(t, "hookstack_requests_total{route=\"function\",status=\"422\"} 1\n"));
    assert_non_null(strstr(t, "hookstack_requests_total{route=\"other\",status=\"404\"} 1\n"));
    assert_non_null(strstr(t, "hookstack_bytes_received_total 112\n"));
    assert_non_null(strstr(t, "hookstack_bytes_sent_total 57\n"));
    /* Cumulative buckets: 0.5 and 0.1 ms fall under 1 ms, 3 ms under 5 ms, 30 ms under 50 ms. */
    assert_non_null(strstr(t, "hookstack_request_duration_seconds_bucket{le=\"0.001\"} 2\n"));
    assert_non_null(strstr(t, "hookstack_request_duration_seconds_bucket{le=\"0.005\"} 3\n"));
    assert_non_null(strstr(t, "hookstack_request_duration_seconds_bucket{le=\"0.025\"} 3\n"));
    assert_non_null(strstr(t, "hookstack_request_duration_seconds_bucket{le=\"0.05\"} 4\n"));
    assert_non_null(strstr(t, "hookstack_request_duration_seconds_bucket{le=\"+Inf\"} 4\n"));
    assert_non_null(strstr(t, "hookstack_request_duration_seconds_count 4\n"));
    assert_non_null(strstr(t, "# TYPE hookstack_requests_total counter\n"));
    json_buf_free(&b);
    metrics_free(m);
}

static void test_gauges_and_restarts(void **state)
{
    (void)state;
    struct metrics *m = metrics_new();
    metrics_inflight_add(m, 3);
    metrics_inflight_add(m, -1);
    metrics_queue_depth(m, 7);
    metrics_workers(m, 1, 4);
    metrics_worker_restart(m, RESTART_CRASH);
    metrics_worker_restart(m, RESTART_CRASH);
    metrics_worker_restart(m, RESTART_TIMEOUT);
    metrics_connections(m, 12);
    struct json_buf b;
    char *t = render(m, &b);
    assert_non_null(strstr(t, "hookstack_inflight_requests 2\n"));
    assert_non_null(strstr(t, "hookstack_queue_depth 7\n"));
    assert_non_null(strstr(t, "hookstack_workers{state=\"busy\"} 1\n"));
    assert_non_null(strstr(t, "hookstack_workers{state=\"idle\"} 3\n"));
    assert_non_null(strstr(t, "hookstack_worker_restarts_total{cause=\"crash\"} 2\n"));
    assert_non_null(strstr(t, "hookstack_worker_restarts_total{cause=\"timeout\"} 1\n"));
    assert_non_null(strstr(t, "hookstack_worker_restarts_total{cause=\"memory\"} 0\n"));
    assert_non_null(strstr(t, "hookstack_worker_restarts_total{cause=\"reload\"} 0\n"));
    assert_non_null(strstr(t, "hookstack_open_connections 12\n"));
    json_buf_free(&b);
    /* A worker recycled past its high-water mark counts as "memory", like one killed past the
     * limit. */
    metrics_worker_restart(m, RESTART_MEMORY);
    metrics_worker_restart(m, RESTART_RECYCLE);
    metrics_worker_restart(m, RESTART_RELOAD);
    t = render(m, &b);
    assert_non_null(strstr(t, "hookstack_worker_restarts_total{cause=\"crash\"} 2\n"));
    assert_non_null(strstr(t, "hookstack_worker_restarts_total{cause=\"memory\"} 2\n"));
    assert_non_null(strstr(t, "hookstack_worker_restarts_total{cause=\"reload\"} 1\n"));
    json_buf_free(&b);
    metrics_free(m);
}

static void test_function_labels_bounded_and_escaped(void **state)
{
    (void)state;
    struct metrics *m = metrics_new();
    metrics_function(m, "preMap", 2.0);
    metrics_function(m, "preMap", 4.0);
    metrics_function(m, "we\"ird\\name", 1.0);
    metrics_function(m, NULL, 1.0);
    char name[32];
    for (int i = 0; i < METRICS_MAX_FNS + 10; i++) {
        snprintf(name, sizeof(name), "fn%d", i);
        metrics_function(m, name, 1.0);
    }
    struct json_buf b;
    char *t = render(m, &b);
    assert_non_null(
        strstr(t, "hookstack_function_duration_seconds_count{function=\"preMap\"} 2\n"));
    assert_non_null(strstr(t, "function=\"we\\\"ird\\\\name\""));
    /* 2 names already tracked, so 254 of the fn* names fit and 12 count as "other". */
    assert_non_null(strstr(t, "{function=\"fn253\"}"));
    assert_null(strstr(t, "{function=\"fn254\"}"));
    assert_non_null(
        strstr(t, "hookstack_function_duration_seconds_count{function=\"other\"} 12\n"));
    json_buf_free(&b);
    metrics_free(m);
}

/* Only the module set's functions get a label: names a client makes up count as "other" and
 * never take the label a real function needs. */
static void test_function_labels_only_for_known_functions(void **state)
{
    (void)state;
    struct metrics *m = metrics_new();
    static const char *const known[] = {"preMap", "postMap"};
    assert_int_equal(metrics_set_functions(m, known, 2), 0);
    metrics_function(m, "preMap", 2.0);
    char name[32];
    for (int i = 0; i < METRICS_MAX_FNS + 10; i++) {
        snprintf(name, sizeof(name), "madeUp%d", i);
        metrics_function(m, name, 1.0);
    }
    metrics_function(m, "postMap", 3.0);
    metrics_function(m, "unknown", 3.0);
    struct json_buf b;
    char *t = render(m, &b);
    assert_non_null(
        strstr(t, "hookstack_function_duration_seconds_count{function=\"preMap\"} 1\n"));
    assert_non_null(
        strstr(t, "hookstack_function_duration_seconds_count{function=\"postMap\"} 1\n"));
    assert_null(strstr(t, "madeUp"));
    assert_non_null(strstr(t, "hookstack_function_duration_seconds_count{function=\"other\"} "
                              "267\n"));
    json_buf_free(&b);
    /* A new list (a reload): its functions get labels, the ones made before stay. */
    static const char *const next[] = {"branch"};
    assert_int_equal(metrics_set_functions(m, next, 1), 0);
    metrics_function(m, "branch", 1.0);
    metrics_function(m, "postMap", 1.0);
    metrics_function(m, "madeUp0", 1.0);
    t = render(m, &b);
    assert_non_null(
        strstr(t, "hookstack_function_duration_seconds_count{function=\"branch\"} 1\n"));
    assert_non_null(
        strstr(t, "hookstack_function_duration_seconds_count{function=\"postMap\"} 2\n"));
    assert_non_null(strstr(t, "hookstack_function_duration_seconds_count{function=\"other\"} "
                              "268\n"));
    json_buf_free(&b);
    metrics_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requests_by_route_and_status),
        cmocka_unit_test(test_gauges_and_restarts),
        cmocka_unit_test(test_function_labels_bounded_and_escaped),
        cmocka_unit_test(test_function_labels_only_for_known_functions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
