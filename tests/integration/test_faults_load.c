/* test_faults_load.c — proof under load that one bad hook never costs another request: 64
 * client threads, each with its own kept-alive libcurl connection, send a fixed schedule of
 * good calls (doSomething with a unique payload, faultTag, faultSleep, faultGarbage: every
 * answer compared byte for byte) mixed with every fault of the faults module (SIGSEGV, SIGBUS,
 * abort, exit, a spin past its 200 ms deadline, an allocation past the 128 MB limit). Checked:
 * every good call answers 200 with its exact body, every fault its own error (500 hook_crashed
 * naming the function and the signal or status, 504 hook_timeout, 500 hook_memory_exceeded),
 * no transfer fails and no connection is reset or closed (64 connections for the whole run),
 * the front's VmRSS stays flat, all workers are back at the end, and the server stops cleanly.
 * Bounded: 64 x 48 calls, and a 50 s cap. The numbers are printed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "integration/harness_faults.h"

#define THREADS     64
#define PER_THREAD  48
#define TIME_CAP_MS 50000

enum kind {
    K_GOOD_DO = 0,
    K_GOOD_TAG,
    K_GOOD_SLEEP,
    K_GOOD_GARBAGE,
    K_SEGV,
    K_BUS,
    K_ABORT,
    K_EXIT,
    K_SPIN,
    K_ALLOC,
    K_COUNT
};

static const char *const kind_names[K_COUNT] = {
    "doSomething", "faultTag",   "faultSleep", "faultGarbage", "faultSegv",
    "faultBus",    "faultAbort", "faultExit",  "faultSpin",    "faultAlloc"};

/* One in eight calls is a fault, at a different moment on each thread; the faults take turns. */
static enum kind schedule(int t, int i)
{
    if ((i + t) % 8 == 5)
        return (enum kind)(K_SEGV + (t + i / 8) % (K_COUNT - K_SEGV));
    return (enum kind)((t + i) % 4);
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

struct stats {
    atomic_int sent[K_COUNT];
    atomic_int ok[K_COUNT];
    atomic_int wrong;
    atomic_int transfer_errors;
    atomic_long connects;
    atomic_int timed_out;
};

struct client {
    const struct hst_server *s;
    struct stats *st;
    int t;
    long long deadline;
};

struct buf {
    char *p;
    size_t len, cap;
};

static size_t on_data(char *d, size_t sz, size_t n, void *ud)
{
    struct buf *b = ud;
    size_t len = sz * n;
    if (b->len + len + 1 > b->cap) {
        size_t cap = (b->len + len + 1) * 2;
        char *np = realloc(b->p, cap);
        if (np == NULL)
            return 0;
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, d, len);
    b->len += len;
    b->p[b->len] = '\0';
    return len;
}

/* The exact answer of a good call, or the parts a fault's error must hold. */
static int check(enum kind k, long status, const char *body, const char *expect)
{
    char want[256];
    switch (k) {
    case K_GOOD_DO:
    case K_GOOD_TAG:
    case K_GOOD_SLEEP:
    case K_GOOD_GARBAGE:
        return status == 200 && strcmp(body, expect) == 0;
    case K_SPIN:
        return status == 504 &&
               starts_with(body, "{\"errors\":[{\"code\":\"hook_timeout\",\"message\":\"") &&
               strstr(body, "The function faultSpin did not finish within 200 ms") != NULL;
    case K_ALLOC:
        return status == 500 &&
               starts_with(body,
                           "{\"errors\":[{\"code\":\"hook_memory_exceeded\",\"message\":\"") &&
               strstr(body, "The function faultAlloc used more than 128 MB") != NULL;
    default: {
        static const char *const what[] = {[K_SEGV] = "(SIGSEGV)",
                                           [K_BUS] = "(SIGBUS)",
                                           [K_ABORT] = "(SIGABRT)",
                                           [K_EXIT] = "exited with status 3"};
        snprintf(want, sizeof(want), "The function %s crashed: its worker ", kind_names[k]);
        return status == 500 &&
               starts_with(body, "{\"errors\":[{\"code\":\"hook_crashed\",\"message\":\"") &&
               strstr(body, want) != NULL && strstr(body, what[k]) != NULL;
    }
    }
}

static void *client_run(void *arg)
{
    struct client *c = arg;
    CURL *h = curl_easy_init();
    if (h == NULL) {
        atomic_fetch_add(&c->st->transfer_errors, PER_THREAD);
        return NULL;
    }
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/function", c->s->port);
    struct curl_slist *hdr = curl_slist_append(NULL, "Authorization: Bearer " HS_TEST_TOKEN);
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    hdr = curl_slist_append(hdr, "Expect:");
    struct buf b = {0};
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 40000L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    for (int i = 0; i < PER_THREAD; i++) {
        if (hsf_now_ms() > c->deadline) {
            atomic_fetch_add(&c->st->timed_out, 1);
            break;
        }
        enum kind k = schedule(c->t, i);
        char body[256], opts[96], expect[160];
        switch (k) {
        case K_GOOD_DO:
            snprintf(opts, sizeof(opts), "{\"t\":%d,\"i\":%d}", c->t, i);
            snprintf(expect, sizeof(expect), "[{\"t\":%d,\"i\":%d,\"function\":\"doSomething\"}]",
                     c->t, i);
            break;
        case K_GOOD_TAG:
            snprintf(opts, sizeof(opts), "{}");
            snprintf(expect, sizeof(expect), "{\"tag\":\"AAAAAAAA\"}");
            break;
        case K_GOOD_SLEEP:
            snprintf(opts, sizeof(opts), "{\"ms\":5,\"t\":%d,\"i\":%d}", c->t, i);
            snprintf(expect, sizeof(expect), "[{\"ms\":5,\"t\":%d,\"i\":%d}]", c->t, i);
            break;
        case K_GOOD_GARBAGE:
            snprintf(opts, sizeof(opts), "{\"lines\":3,\"t\":%d,\"i\":%d}", c->t, i);
            snprintf(expect, sizeof(expect), "[{\"lines\":3,\"t\":%d,\"i\":%d}]", c->t, i);
            break;
        default:
            snprintf(opts, sizeof(opts), "{}");
            expect[0] = '\0';
            break;
        }
        /* The faults module's hooks are also reachable at the top level; doSomething is not. */
        hsf_body(body, sizeof(body), kind_names[k], opts, k != K_GOOD_DO && (c->t + i) % 3 == 0);
        b.len = 0;
        if (b.p != NULL)
            b.p[0] = '\0';
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        atomic_fetch_add(&c->st->sent[k], 1);
        CURLcode rc = curl_easy_perform(h);
        long status = 0, conns = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &conns);
        atomic_fetch_add(&c->st->connects, conns);
        if (rc != CURLE_OK) {
            fprintf(stderr, "thread %d call %d (%s): %s\n", c->t, i, kind_names[k],
                    curl_easy_strerror(rc));
            atomic_fetch_add(&c->st->transfer_errors, 1);
            continue;
        }
        if (check(k, status, b.p ? b.p : "", expect)) {
            atomic_fetch_add(&c->st->ok[k], 1);
        } else {
            fprintf(stderr, "thread %d call %d (%s): %ld %s\n", c->t, i, kind_names[k], status,
                    b.p ? b.p : "");
            atomic_fetch_add(&c->st->wrong, 1);
        }
    }
    free(b.p);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    return NULL;
}

static void warm_up(const struct hst_server *s)
{
    static const char *const opts[4] = {"{}", "{}", "{\"ms\":0}", "{\"lines\":0}"};
    for (int i = 0; i < 200; i++) {
        struct hst_response r;
        char body[256];
        assert_int_equal(
            hst_post_function(s, hsf_body(body, sizeof(body), kind_names[i % 4], opts[i % 4], 0),
                              &r),
            0);
        assert_int_equal(r.status, 200);
        hst_response_free(&r);
    }
}

static void test_faults_under_load(void **state)
{
    (void)state;
    struct hst_server s;
    const char *args[] = {"--modules",     hsf_module_dir(),     "--workers", "4", "--hook-timeout",
                          "faultSpin=200", "--worker-memory-mb", "128",       NULL};
    assert_int_equal(hst_server_start(&s, args, hsf_small_quarantine_env()), 0);
    pid_t pids[8];
    assert_int_equal(hsf_wait_workers(&s, 4, pids, 8, 10000), 4);
    warm_up(&s);
    long rss0 = hsf_rss_kb(s.pid);
    assert_true(rss0 > 0);

    struct stats st;
    memset(&st, 0, sizeof(st));
    struct client cl[THREADS];
    pthread_t th[THREADS];
    long long t0 = hsf_now_ms();
    for (int t = 0; t < THREADS; t++) {
        cl[t] = (struct client){.s = &s, .st = &st, .t = t, .deadline = t0 + TIME_CAP_MS};
        assert_int_equal(pthread_create(&th[t], NULL, client_run, &cl[t]), 0);
    }
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    long long took = hsf_now_ms() - t0;

    /* The workers come back; then the front's memory is read again. */
    assert_int_equal(hsf_wait_workers(&s, 4, pids, 8, 15000), 4);
    warm_up(&s);
    long rss1 = hsf_rss_kb(s.pid);

    int sent = 0, ok = 0, faults = 0;
    fprintf(stderr, "load: %d threads x %d calls in %lld ms\n", THREADS, PER_THREAD, took);
    for (int k = 0; k < K_COUNT; k++) {
        fprintf(stderr, "  %-13s sent %4d  answered as expected %4d\n", kind_names[k],
                atomic_load(&st.sent[k]), atomic_load(&st.ok[k]));
        sent += atomic_load(&st.sent[k]);
        ok += atomic_load(&st.ok[k]);
        faults += k >= K_SEGV ? atomic_load(&st.sent[k]) : 0;
    }
    fprintf(stderr,
            "  total %d (%d faults), wrong %d, transfer errors %d, connections opened %ld, "
            "front VmRSS %ld kB -> %ld kB (%+ld kB)\n",
            sent, faults, atomic_load(&st.wrong), atomic_load(&st.transfer_errors),
            atomic_load(&st.connects), rss0, rss1, rss1 - rss0);
    assert_int_equal(atomic_load(&st.timed_out), 0);
    assert_int_equal(sent, THREADS * PER_THREAD);
    assert_int_equal(atomic_load(&st.transfer_errors), 0);
    assert_int_equal(atomic_load(&st.wrong), 0);
    assert_int_equal(ok, sent);
    for (int k = 0; k < K_COUNT; k++)
        assert_true(atomic_load(&st.sent[k]) > 0);
    /* No connection was reset or closed: one per client for the whole run. */
    assert_int_equal(atomic_load(&st.connects), THREADS);
    assert_true(rss1 - rss0 < 12 * 1024);
    assert_true(hsf_log_count(&s, "event=function_failing") > 0);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_faults_under_load),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
