/* test_faults.c — one bad hook never costs another request. With the faults test module
 * (tests/modules/faults): a SIGSEGV, SIGBUS, abort and exit each answer 500 hook_crashed naming the
 * function and the signal or status (type "hook" and top level), the worker is replaced and the
 * next call succeeds, and repeated crashes are counted per function in the log; a call past its
 * deadline answers 504 hook_timeout naming the function and the limit (the default, or the
 * function's own from --hook-timeout FN=MS, longer or shorter); a call past --worker-memory-mb
 * answers 500 hook_memory_exceeded; a worker past --worker-recycle-mb after a call is replaced
 * without failing anything; garbage printed by a hook reaches the log as escaped lines and never
 * the IPC channel; --queue-limit (and its alias --max-queue) answers 503 with Retry-After when
 * every worker is busy and the queue is full; an answer past --max-response-bytes is answered 500
 * response_too_large, and a worker whose frame head claims more than that (2 GiB) fails its call
 * at once, without the front growing. */
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

static void call(const struct hst_server *s, const char *fn, const char *opts, int top,
                 struct hst_response *r)
{
    char body[512];
    assert_int_equal(hst_post_function(s, hsf_body(body, sizeof(body), fn, opts, top), r), 0);
}

static void assert_good(const struct hst_server *s)
{
    struct hst_response r;
    call(s, "faultSleep", "{\"ms\":0,\"ok\":1}", 0, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "[{\"ms\":0,\"ok\":1}]");
    hst_response_free(&r);
}

static void assert_error(const struct hst_response *r, long status, const char *code,
                         const char *const *parts)
{
    if (r->status != status)
        fprintf(stderr, "unexpected answer %ld: %s\n", r->status, r->body);
    assert_int_equal(r->status, status);
    char *ct = hst_response_header(r, "Content-Type");
    assert_non_null(ct);
    assert_string_equal(ct, "application/json; charset=utf-8");
    free(ct);
    char prefix[128];
    snprintf(prefix, sizeof(prefix), "{\"errors\":[{\"code\":\"%s\",\"message\":\"", code);
    assert_true(strncmp(r->body, prefix, strlen(prefix)) == 0);
    assert_true(strcmp(r->body + r->body_len - 4, "\"}]}") == 0);
    for (int i = 0; parts[i] != NULL; i++) {
        if (strstr(r->body, parts[i]) == NULL)
            fprintf(stderr, "'%s' not in %s\n", parts[i], r->body);
        assert_non_null(strstr(r->body, parts[i]));
    }
}

static void test_crashes(void **state)
{
    (void)state;
    struct hst_server s;
    start(&s, (const char *[]){"--workers", "2", NULL});
    static const struct {
        const char *fn, *what;
        int top;
    } cases[] = {
        {"faultSegv", "killed by signal 11 (SIGSEGV)", 0},
        {"faultBus", "killed by signal 7 (SIGBUS)", 0},
        {"faultAbort", "killed by signal 6 (SIGABRT)", 0},
        {"faultExit", "exited with status 3", 0},
        {"faultSegv", "(SIGSEGV)", 1},
        {"faultSegv", "(SIGSEGV)", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        pid_t before[4];
        assert_int_equal(hsf_wait_workers(&s, 2, before, 4, 10000), 2);
        struct hst_response r;
        call(&s, cases[i].fn, "{}", cases[i].top, &r);
        char fn[64];
        snprintf(fn, sizeof(fn), "The function %s crashed", cases[i].fn);
        assert_error(&r, 500, "hook_crashed", (const char *[]){fn, cases[i].what, NULL});
        hst_response_free(&r);
        assert_good(&s);
    }
    /* Counted per function: faultSegv cost three workers, and the log says so. */
    assert_true(hsf_wait_log(&s, "function=faultSegv function_failures=3", 1, 5000));
    assert_true(hsf_log_count(&s, "event=function_failing") >= 2);
    assert_int_equal(hsf_log_count(&s, "function faultSegv has cost 3 worker(s)"), 1);
    assert_int_equal(hsf_log_count(&s, "event=worker_died"), 6);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static void test_deadlines(void **state)
{
    (void)state;
    struct hst_server s;
    start(&s, (const char *[]){"--workers", "1", "--hook-timeout-ms", "400", "--hook-timeout",
                               "faultSpin=250", "--hook-timeout", "faultSleep=4000", NULL});
    struct hst_response r;
    /* Shorter than the default: faultSpin's own 250 ms. */
    long long t0 = hsf_now_ms();
    call(&s, "faultSpin", "{}", 0, &r);
    long long took = hsf_now_ms() - t0;
    assert_error(&r, 504, "hook_timeout",
                 (const char *[]){"The function faultSpin did not finish within 250 ms", NULL});
    assert_true(took >= 240 && took < 3000);
    hst_response_free(&r);
    assert_good(&s);
    /* Longer than the default: faultSleep may take 1 s (its own deadline is 4 s). */
    call(&s, "faultSleep", "{\"ms\":1000}", 1, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "[{\"ms\":1000}]");
    hst_response_free(&r);
    /* Any other function: the default 400 ms. */
    call(&s, "faultTag", "{\"ms\":3000}", 0, &r);
    assert_error(&r, 504, "hook_timeout",
                 (const char *[]){"The function faultTag did not finish within 400 ms", NULL});
    hst_response_free(&r);
    assert_good(&s);
    assert_true(hsf_log_count(&s, "cause=timeout") == 2);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static void test_memory_limit(void **state)
{
    (void)state;
    struct hst_server s;
    start(&s, (const char *[]){"--workers", "2", "--worker-memory-mb", "192", NULL});
    pid_t before[4];
    assert_int_equal(hsf_wait_workers(&s, 2, before, 4, 10000), 2);
    struct hst_response r;
    call(&s, "faultAlloc", "{}", 0, &r);
    assert_error(&r, 500, "hook_memory_exceeded",
                 (const char *[]){"The function faultAlloc used more than 192 MB", NULL});
    hst_response_free(&r);
    assert_good(&s);
    assert_good(&s);
    assert_true(hsf_wait_log(&s, "cause=memory", 1, 5000));
    assert_int_equal(hsf_log_count(&s, "event=worker_memory"), 1);
    pid_t after[4];
    assert_int_equal(hsf_wait_workers(&s, 2, after, 4, 10000), 2);
    assert_true(after[0] != before[0] || after[1] != before[1]);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static void test_recycle(void **state)
{
    (void)state;
    struct hst_server s;
    /* A high-water mark of 1 MB: every worker is past it after any call. */
    start(&s, (const char *[]){"--workers", "1", "--worker-recycle-mb", "1", NULL});
    pid_t first[2], later[2];
    assert_int_equal(hsf_wait_workers(&s, 1, first, 2, 10000), 1);
    for (int i = 0; i < 3; i++)
        assert_good(&s);
    assert_true(hsf_wait_log(&s, "event=worker_recycle", 3, 5000));
    assert_int_equal(hsf_wait_workers(&s, 1, later, 2, 10000), 1);
    assert_int_not_equal(later[0], first[0]);
    /* Recycling is no failure. */
    assert_int_equal(hsf_log_count(&s, "event=worker_died"), 0);
    assert_int_equal(hst_server_stop_clean(&s), 0);

    /* The default mark (3/4 of 2048 MB) keeps a worker that serves small calls. */
    start(&s, (const char *[]){"--workers", "1", NULL});
    assert_int_equal(hsf_wait_workers(&s, 1, first, 2, 10000), 1);
    for (int i = 0; i < 3; i++)
        assert_good(&s);
    assert_int_equal(hsf_wait_workers(&s, 1, later, 2, 10000), 1);
    assert_int_equal(later[0], first[0]);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static void test_garbage_output(void **state)
{
    (void)state;
    struct hst_server s;
    start(&s, (const char *[]){"--workers", "1", NULL});
    for (int i = 0; i < 20; i++) {
        struct hst_response r;
        call(&s, "faultGarbage", "{\"n\":1}", i % 2, &r);
        assert_int_equal(r.status, 200);
        assert_string_equal(r.body, "[{\"n\":1}]");
        hst_response_free(&r);
    }
    /* One call's output beyond 64 KB is counted, not logged. */
    struct hst_response r;
    call(&s, "faultGarbage", "{\"lines\":5000}", 0, &r);
    assert_int_equal(r.status, 200);
    hst_response_free(&r);
    assert_good(&s);
    assert_true(hsf_wait_log(&s, "msg=\"garbage line 199 \\x01\\x02\\x03\"", 1, 5000));
    assert_true(hsf_wait_log(&s, "event=worker_output_dropped", 1, 5000));
    /* Every line of the log is a log line: the garbage came through escaped. */
    size_t len = 0;
    char *log = hst_server_log(&s);
    len = strlen(log);
    assert_true(len > 0);
    for (const char *p = log; p < log + len;) {
        assert_true(strncmp(p, "ts=", 3) == 0);
        const char *nl = strchr(p, '\n');
        assert_non_null(nl);
        for (const char *q = p; q < nl; q++)
            assert_true((unsigned char)*q >= 0x20 && *q != 0x7f);
        p = nl + 1;
    }
    assert_null(strstr(log, "garbage line 4999"));
    assert_null(strstr(log, "event=worker_died"));
    free(log);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

/* Under AddressSanitizer a memory error ends the worker with status 1 after a report on its
 * standard error: the answer says so, with the report's first line (else faultSanitizer aborts). */
static void test_sanitizer_report(void **state)
{
    (void)state;
    const char *bin = getenv("HOOKSTACK_BIN");
    int asan = bin != NULL && strlen(bin) > 5 && strcmp(bin + strlen(bin) - 5, "-asan") == 0;
    struct hst_server s;
    start(&s, (const char *[]){"--workers", "1", NULL});
    struct hst_response r;
    call(&s, "faultSanitizer", "{}", 0, &r);
    if (asan)
        assert_error(&r, 500, "hook_crashed",
                     (const char *[]){"The function faultSanitizer crashed: its worker exited with "
                                      "status 1 (AddressSanitizer: heap-buffer-overflow on address",
                                      NULL});
    else
        assert_error(&r, 500, "hook_crashed",
                     (const char *[]){"The function faultSanitizer crashed: its worker was killed "
                                      "by signal 6 (SIGABRT).",
                                      NULL});
    hst_response_free(&r);
    assert_good(&s);
    int st = hst_server_stop(&s, SIGTERM, 30000);
    assert_true(st >= 0 && WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    if (asan) /* the report reached the log, as escaped worker output */
        assert_true(hsf_log_count(&s, "event=worker_output") > 5);
    assert_int_equal(hsf_log_count(&s, "LeakSanitizer"), 0);
}

/* The front's peak resident size (VmHWM) in kB, or -1. */
static long peak_rss_kb(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    long kb = -1;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    }
    fclose(f);
    return kb;
}

static void test_answer_limits(void **state)
{
    (void)state;
    struct hst_server s;
    /* A worker that claims a 2 GiB answer and streams it: stopped at the head, at once. */
    start(&s, (const char *[]){"--workers", "1", "--hook-timeout-ms", "8000", NULL});
    assert_good(&s);
    long before = peak_rss_kb(s.pid);
    assert_true(before > 0);
    struct hst_response r;
    long long t0 = hsf_now_ms();
    call(&s, "faultFrameLie", "{}", 0, &r);
    long long took = hsf_now_ms() - t0;
    assert_error(&r, 500, "hook_crashed",
                 (const char *[]){"The function faultFrameLie crashed: its worker announced an "
                                  "answer frame of 2147483648 bytes, more than the ",
                                  " allowed by --max-response-bytes; its worker was stopped.",
                                  NULL});
    hst_response_free(&r);
    long after = peak_rss_kb(s.pid);
    fprintf(stderr, "front peak RSS %ld kB before, %ld kB after; answered in %lld ms\n", before,
            after, took);
    assert_true(took < 4000);
    assert_true(after < before + 64 * 1024);
    assert_good(&s);
    assert_true(hsf_wait_log(&s, "cause=frame_too_large", 1, 5000));
    assert_int_equal(hsf_log_count(&s, "event=worker_frame_too_large"), 1);
    assert_int_equal(hst_server_stop_clean(&s), 0);

    /* An honest answer past --max-response-bytes: 500 response_too_large; a smaller one passes. */
    start(&s, (const char *[]){"--workers", "1", "--max-response-bytes", "1000", NULL});
    char big[1600], body[1800];
    memset(big, 'x', 1200);
    big[1200] = '\0';
    snprintf(body, sizeof(body),
             "{\"diy\":true,\"type\":\"hook\",\"function\":\"faultSleep\",\"options\":{\"ms\":0,"
             "\"big\":\"%s\"}}",
             big);
    assert_int_equal(hst_post_function(&s, body, &r), 0);
    assert_error(&r, 500, "response_too_large",
                 (const char *[]){"The function faultSleep answered 1219 bytes, more than this "
                                  "server's limit of 1000 bytes (--max-response-bytes).",
                                  NULL});
    hst_response_free(&r);
    assert_good(&s);
    assert_int_equal(hsf_log_count(&s, "event=worker_died"), 0);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

struct bg_call {
    const struct hst_server *s;
    char body[256];
    struct hst_response r;
    int rc;
};

static void *bg_run(void *arg)
{
    struct bg_call *c = arg;
    c->rc = hst_post_function(c->s, c->body, &c->r);
    return NULL;
}

static void test_queue_limit(void **state)
{
    (void)state;
    const char *limit_flags[][2] = {{"--queue-limit", "1"}, {"--max-queue", "1"}};
    for (int v = 0; v < 2; v++) {
        struct hst_server s;
        start(&s, (const char *[]){"--workers", "1", limit_flags[v][0], limit_flags[v][1], NULL});
        struct bg_call running = {.s = &s}, queued = {.s = &s};
        hsf_body(running.body, sizeof(running.body), "faultSleep", "{\"ms\":1500}", 0);
        hsf_body(queued.body, sizeof(queued.body), "faultSleep", "{\"ms\":1}", 0);
        pthread_t t1, t2;
        assert_int_equal(pthread_create(&t1, NULL, bg_run, &running), 0);
        assert_true(hsf_wait_busy(&s, 10000) > 0);
        assert_int_equal(pthread_create(&t2, NULL, bg_run, &queued), 0);
        /* The queued call is accepted: wait until the server counted its connection. */
        usleep(300000);
        struct hst_response r;
        call(&s, "faultSleep", "{\"ms\":1}", 0, &r);
        assert_error(&r, 503, "server_busy", (const char *[]){"queue is full", NULL});
        char *ra = hst_response_header(&r, "Retry-After");
        assert_non_null(ra);
        assert_string_equal(ra, "1");
        free(ra);
        hst_response_free(&r);
        pthread_join(t1, NULL);
        pthread_join(t2, NULL);
        assert_int_equal(running.rc, 0);
        assert_int_equal(running.r.status, 200);
        assert_int_equal(queued.rc, 0);
        assert_int_equal(queued.r.status, 200);
        hst_response_free(&running.r);
        hst_response_free(&queued.r);
        assert_good(&s);
        assert_int_equal(hst_server_stop_clean(&s), 0);
    }
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crashes),          cmocka_unit_test(test_deadlines),
        cmocka_unit_test(test_memory_limit),     cmocka_unit_test(test_recycle),
        cmocka_unit_test(test_garbage_output),   cmocka_unit_test(test_queue_limit),
        cmocka_unit_test(test_sanitizer_report), cmocka_unit_test(test_answer_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
