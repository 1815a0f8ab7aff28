/* test_reload_broken.c — a module that breaks while it loads never reaches the front. A running
 * server (the faults module, tagged AAAAAAAA, in a folder of its own; TMPDIR a fresh folder) gets,
 * one after the other, a module whose constructor writes to NULL, one whose init writes to NULL,
 * one whose init never returns and one whose init calls exit(3) (tests/bad-modules/), each
 * followed by SIGHUP. For each: the reload is refused with one log line naming the module's file
 * and the reason; a call in flight and calls sent during the check are answered by the old set;
 * /healthCheck answers promptly all along (the check runs in a child, with a deadline); the port
 * stays open, no worker dies, and nothing named hookstack-reload-* is left in TMPDIR. A good
 * module then reloads as usual. A set that passes the check but crashes each worker that loads it
 * never takes over: the old set serves on, and the next good set takes over at once. At start, the
 * same modules fail the start with one line naming the module and the reason. (In a sanitizer
 * build, UBSan sees the NULL store first: the check then ends with status 1 and the reason quotes
 * its report.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "integration/harness_faults.h"

#define LOAD_TIMEOUT_MS 4000
/* A /healthCheck during a check must answer well within the check's deadline: a front that waited
 * for the check would take that long. */
#define PROMPT_MS 2000

static const char tag_call[] = "{\"diy\":true,\"type\":\"hook\",\"function\":\"faultTag\","
                               "\"options\":{}}";

/* The built bad module name (.so) from $HS_BAD_MODULES_DIR, copied to dir/name.so. 0 or -1. */
static int install_bad(const char *dir, const char *name)
{
    const char *from = getenv("HS_BAD_MODULES_DIR");
    if (from == NULL) {
        fprintf(stderr, "HS_BAD_MODULES_DIR is not set\n");
        return -1;
    }
    char src[512], tmp[512], dst[512];
    snprintf(src, sizeof(src), "%s/%s.so", from, name);
    snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
    snprintf(dst, sizeof(dst), "%s/%s.so", dir, name);
    FILE *in = fopen(src, "rb"), *out = in ? fopen(tmp, "wb") : NULL;
    if (in == NULL || out == NULL) {
        fprintf(stderr, "cannot copy %s to %s\n", src, tmp);
        if (in != NULL)
            fclose(in);
        return -1;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    if (fclose(out) != 0)
        return -1;
    return rename(tmp, dst);
}

/* How many entries of dir start with prefix. */
static int count_entries(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

/* The nth (from 1) log line holding needle, malloc'd; NULL when there is none. */
static char *log_line(const struct hst_server *s, const char *needle, int nth)
{
    char *log = hst_server_log(s);
    const char *p = log;
    for (int i = 0; p != NULL && i < nth; i++) {
        p = strstr(p, needle);
        if (p != NULL && i + 1 < nth)
            p += strlen(needle);
    }
    char *line = NULL;
    if (p != NULL) {
        const char *start = p, *end = strchr(p, '\n');
        while (start > log && start[-1] != '\n')
            start--;
        line = strndup(start, end ? (size_t)(end - start) : strlen(start));
    }
    free(log);
    return line;
}

static void assert_tag(const struct hst_server *s, const char *want)
{
    struct hst_response r;
    assert_int_equal(hst_post_function(s, tag_call, &r), 0);
    if (r.status != 200 || strstr(r.body, want) == NULL)
        fprintf(stderr, "faultTag answered %ld: %s\n", r.status, r.body);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, want));
    hst_response_free(&r);
}

/* Stops s with SIGTERM: a clean exit 0, and no sanitizer report in the log but the ones the
 * checked modules caused (module_check_output lines, and the refusals quoting them). */
static void stop_ok(struct hst_server *s)
{
    int st = hst_server_stop(s, SIGTERM, 30000);
    char *log = hst_server_log(s);
    assert_non_null(log);
    for (char *p = log; *p != '\0';) {
        char *nl = strchr(p, '\n');
        if (nl != NULL)
            *nl = '\0';
        /* What the broken modules caused: in checks, and in the workers of worker_crash. */
        bool from_check = strstr(p, "event=module_check_output") != NULL ||
                          strstr(p, "event=reload_refused") != NULL ||
                          strstr(p, "event=worker_died") != NULL ||
                          strstr(p, "bad-modules/") != NULL;
        if (!from_check && (strstr(p, "Sanitizer") != NULL || strstr(p, "runtime error:") != NULL))
            fprintf(stderr, "sanitizer report outside a module check: %s\n", p);
        assert_true(from_check || strstr(p, "Sanitizer") == NULL);
        assert_true(from_check || strstr(p, "runtime error:") == NULL);
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    free(log);
    assert_true(st >= 0 && WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

struct slow_call {
    const struct hst_server *s;
    struct hst_response r;
    int rc;
};

static void *slow_run(void *arg)
{
    struct slow_call *c = arg;
    c->rc = hst_post_function(
        c->s,
        "{\"diy\":true,\"type\":\"hook\",\"function\":\"faultTag\",\"options\":{\"ms\":1000}}",
        &c->r);
    return NULL;
}

static const struct {
    const char *name;
    const char *why, *why_asan;
} cases[] = {
    {"ctor_crash", "the module crashed while loading: killed by signal 11 (SIGSEGV)",
     "the module ended the process while loading (exit status 1) (runtime error: store to null "
     "pointer of type 'volatile int')"},
    {"init_crash", "the module crashed while loading: killed by signal 11 (SIGSEGV)",
     "the module ended the process while loading (exit status 1) (runtime error: store to null "
     "pointer of type 'volatile int')"},
    {"init_hang", "the module did not finish loading within 4000 ms (--module-load-timeout-ms)",
     NULL},
    {"init_exit", "the module ended the process while loading (exit status 3)", NULL},
};

/* The reason expected for case k in this build. */
static const char *why(size_t k)
{
    const char *bin = getenv("HOOKSTACK_BIN");
    bool asan = bin != NULL && strlen(bin) > 5 && strcmp(bin + strlen(bin) - 5, "-asan") == 0;
    return asan && cases[k].why_asan != NULL ? cases[k].why_asan : cases[k].why;
}

static void test_reload_refuses_broken_modules(void **state)
{
    (void)state;
    const char *dir = hsf_temp_dir();
    const char *tmp = hsf_temp_dir();
    assert_non_null(dir);
    assert_non_null(tmp);
    assert_int_equal(hsf_install_module(dir, "AAAAAAAA"), 0);
    char tmpenv[600], timeout[32];
    snprintf(tmpenv, sizeof(tmpenv), "TMPDIR=%s", tmp);
    snprintf(timeout, sizeof(timeout), "%d", LOAD_TIMEOUT_MS);
    const char *env[] = {tmpenv, NULL};
    const char *args[] = {"--modules", dir, "--workers", "2", "--module-load-timeout-ms",
                          timeout,     NULL};
    struct hst_server s;
    assert_int_equal(hst_server_start(&s, args, env), 0);
    assert_tag(&s, "AAAAAAAA");

    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        /* A call in flight while the broken module is checked. */
        struct slow_call slow = {.s = &s};
        pthread_t th;
        assert_int_equal(pthread_create(&th, NULL, slow_run, &slow), 0);
        assert_true(hsf_wait_busy(&s, 10000) > 0);
        assert_int_equal(install_bad(dir, cases[k].name), 0);
        long long t0 = hsf_now_ms();
        assert_int_equal(kill(s.pid, SIGHUP), 0);
        /* While it is checked: /healthCheck answers at once and the old set serves. */
        long long worst = 0;
        int polls = 0;
        while (hsf_log_count(&s, "event=reload_refused") < (int)k + 1) {
            assert_true(hsf_now_ms() - t0 < 30000);
            long long h0 = hsf_now_ms();
            struct hst_response r;
            assert_int_equal(hst_request(&s, "GET", "/healthCheck", NULL, NULL, 0, &r), 0);
            assert_int_equal(r.status, 200);
            hst_response_free(&r);
            long long took = hsf_now_ms() - h0;
            worst = took > worst ? took : worst;
            if (polls++ % 4 == 0)
                assert_tag(&s, "AAAAAAAA");
            usleep(50000);
        }
        pthread_join(th, NULL);
        assert_int_equal(slow.rc, 0);
        assert_int_equal(slow.r.status, 200);
        assert_string_equal(slow.r.body, "{\"tag\":\"AAAAAAAA\"}");
        hst_response_free(&slow.r);
        assert_tag(&s, "AAAAAAAA");
        fprintf(stderr, "%s: refused after %lld ms; /healthCheck at worst %lld ms over %d polls\n",
                cases[k].name, hsf_now_ms() - t0, worst, polls);
        assert_true(worst < PROMPT_MS);
        /* One line naming the module's own file and the reason. */
        char *line = log_line(&s, "event=reload_refused", (int)k + 1);
        assert_non_null(line);
        char want[600];
        snprintf(want, sizeof(want), "%s/%s.so: %s", dir, cases[k].name, why(k));
        if (strstr(line, want) == NULL)
            fprintf(stderr, "refusal line: %s\nexpected in it: %s\n", line, want);
        assert_non_null(strstr(line, want));
        assert_non_null(strstr(line, "the current modules keep serving"));
        free(line);
        assert_int_equal(count_entries(tmp, "hookstack-reload-"), 0);
        char so[600];
        snprintf(so, sizeof(so), "%s/%s.so", dir, cases[k].name);
        assert_int_equal(unlink(so), 0);
    }
    assert_int_equal(hsf_log_count(&s, "event=worker_died"), 0);
    assert_int_equal(hsf_log_count(&s, "event=reloaded"), 0);

    /* The server still reloads a good set. */
    assert_int_equal(hsf_install_module(dir, "BBBBBBBB"), 0);
    assert_int_equal(kill(s.pid, SIGHUP), 0);
    assert_true(hsf_wait_log(&s, "event=reloaded", 1, 15000));
    assert_tag(&s, "BBBBBBBB");
    assert_int_equal(count_entries(tmp, "hookstack-reload-"), 0);
    stop_ok(&s);
}

/* A set that passes the check but whose workers cannot load it never takes over: the old set
 * keeps serving while the new workers fail (with a growing delay), and the next good set
 * replaces them at once. */
static void test_set_failing_in_workers(void **state)
{
    (void)state;
    const char *dir = hsf_temp_dir();
    assert_non_null(dir);
    assert_int_equal(hsf_install_module(dir, "AAAAAAAA"), 0);
    const char *args[] = {"--modules", dir, "--workers", "2", NULL};
    struct hst_server s;
    assert_int_equal(hst_server_start(&s, args, NULL), 0);
    pid_t before[8];
    assert_int_equal(hsf_wait_workers(&s, 2, before, 8, 10000), 2);
    assert_int_equal(install_bad(dir, "worker_crash"), 0);
    assert_int_equal(kill(s.pid, SIGHUP), 0);
    long long t0 = hsf_now_ms();
    while (hsf_log_count(&s, "during=start") < 4) {
        assert_true(hsf_now_ms() - t0 < 20000);
        assert_tag(&s, "AAAAAAAA");
        usleep(20000);
    }
    assert_tag(&s, "AAAAAAAA");
    assert_int_equal(hsf_log_count(&s, "event=reloaded"), 0);
    assert_int_equal(hsf_log_count(&s, "event=reload_refused"), 0);
    /* The old workers are the ones serving, untouched. */
    pid_t now[8];
    int n = hst_server_workers(&s, now, 8);
    for (int k = 0; k < 2; k++) {
        bool there = false;
        for (int i = 0; i < n; i++)
            there = there || now[i] == before[k];
        assert_true(there);
    }
    char so[600];
    snprintf(so, sizeof(so), "%s/worker_crash.so", dir);
    assert_int_equal(unlink(so), 0);
    assert_int_equal(hsf_install_module(dir, "BBBBBBBB"), 0);
    t0 = hsf_now_ms();
    assert_int_equal(kill(s.pid, SIGHUP), 0);
    assert_true(hsf_wait_log(&s, "event=reloaded", 1, 15000));
    long long took = hsf_now_ms() - t0;
    fprintf(stderr, "a good set after a failing one took over in %lld ms\n", took);
    assert_tag(&s, "BBBBBBBB");
    stop_ok(&s);
}

static void test_start_refuses_broken_modules(void **state)
{
    (void)state;
    const char *dir = hsf_temp_dir();
    const char *tmp = hsf_temp_dir();
    assert_non_null(dir);
    assert_non_null(tmp);
    assert_int_equal(hsf_install_module(dir, "AAAAAAAA"), 0);
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        assert_int_equal(install_bad(dir, cases[k].name), 0);
        char tmpenv[600], timeout[32];
        snprintf(tmpenv, sizeof(tmpenv), "TMPDIR=%s", tmp);
        snprintf(timeout, sizeof(timeout), "%d", LOAD_TIMEOUT_MS);
        const char *env[] = {tmpenv, NULL};
        const char *args[] = {"--modules", dir, "--module-load-timeout-ms", timeout, NULL};
        struct hst_server s;
        assert_int_not_equal(hst_server_start(&s, args, env), 0);
        char *log = hst_server_log(&s);
        char want[600];
        snprintf(want, sizeof(want), "hookstack serve: %s/%s.so: %s", dir, cases[k].name, why(k));
        if (strstr(log, want) == NULL)
            fprintf(stderr, "start log: %s\nexpected in it: %s\n", log, want);
        assert_non_null(strstr(log, want));
        free(log);
        assert_int_equal(count_entries(tmp, "hookstack-reload-"), 0);
        char so[600];
        snprintf(so, sizeof(so), "%s/%s.so", dir, cases[k].name);
        assert_int_equal(unlink(so), 0);
    }
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reload_refuses_broken_modules),
        cmocka_unit_test(test_set_failing_in_workers),
        cmocka_unit_test(test_start_refuses_broken_modules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
