/* test_faults_reload.c — SIGHUP reloads the modules with no failed request. The server loads a
 * copy of the faults module tagged AAAAAAAA from a folder of its own; while client threads call
 * faultTag without pause, a call of 1.5 s starts, the module file is replaced on disk by one
 * tagged BBBBBBBB and SIGHUP is sent: no request fails, every call sent after a client saw the
 * new tag answers the new tag, the long call finishes on the old module, and every worker is
 * replaced. Then a broken file replaces the module and SIGHUP is sent again: the reload is
 * refused (the log names the file in its own folder and says why), and the new module keeps
 * serving, under the same load, without a failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "integration/harness_faults.h"

#define CLIENTS 4

struct load {
    const struct hst_server *s;
    atomic_int stop;
    atomic_int failures;
    atomic_int calls;
    atomic_int seen_b; /* calls answered BBBBBBBB */
    atomic_int a_after_b;
};

static void *load_run(void *arg)
{
    struct load *l = arg;
    int saw_b = 0;
    while (!atomic_load(&l->stop)) {
        struct hst_response r;
        int rc = hst_post_function(
            l->s, "{\"diy\":true,\"type\":\"hook\",\"function\":\"faultTag\",\"options\":{}}", &r);
        atomic_fetch_add(&l->calls, 1);
        if (rc != 0 || r.status != 200) {
            fprintf(stderr, "failed call: rc %d status %ld body %s\n", rc, r.status,
                    r.body ? r.body : "");
            atomic_fetch_add(&l->failures, 1);
        } else if (strcmp(r.body, "{\"tag\":\"BBBBBBBB\"}") == 0) {
            saw_b = 1;
            atomic_fetch_add(&l->seen_b, 1);
        } else if (strcmp(r.body, "{\"tag\":\"AAAAAAAA\"}") == 0) {
            if (saw_b)
                atomic_fetch_add(&l->a_after_b, 1);
        } else {
            fprintf(stderr, "unexpected answer: %s\n", r.body);
            atomic_fetch_add(&l->failures, 1);
        }
        hst_response_free(&r);
    }
    return NULL;
}

struct long_call {
    const struct hst_server *s;
    struct hst_response r;
    int rc;
};

static void *long_run(void *arg)
{
    struct long_call *c = arg;
    c->rc = hst_post_function(
        c->s,
        "{\"diy\":true,\"type\":\"hook\",\"function\":\"faultTag\",\"options\":{\"ms\":1500}}",
        &c->r);
    return NULL;
}

static void wait_calls(struct load *l, int more)
{
    int target = atomic_load(&l->calls) + more;
    for (int i = 0; i < 1000 && atomic_load(&l->calls) < target; i++)
        usleep(10000);
}

static void test_reload_under_load(void **state)
{
    (void)state;
    const char *dir = hsf_temp_dir();
    assert_non_null(dir);
    assert_int_equal(hsf_install_module(dir, "AAAAAAAA"), 0);
    struct hst_server s;
    const char *args[] = {"--modules", dir, "--workers", "3", NULL};
    assert_int_equal(hst_server_start(&s, args, NULL), 0);
    pid_t before[8];
    assert_int_equal(hsf_wait_workers(&s, 3, before, 8, 10000), 3);

    struct load l = {.s = &s};
    pthread_t th[CLIENTS];
    for (int i = 0; i < CLIENTS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, load_run, &l), 0);
    wait_calls(&l, 50);

    /* A long call on the old module, running while the reload happens. */
    struct long_call lc = {.s = &s};
    pthread_t lt;
    assert_int_equal(pthread_create(&lt, NULL, long_run, &lc), 0);
    usleep(200000);

    assert_int_equal(hsf_install_module(dir, "BBBBBBBB"), 0);
    assert_int_equal(kill(s.pid, SIGHUP), 0);
    assert_true(hsf_wait_log(&s, "event=reloaded", 1, 15000));
    for (int i = 0; i < 1500 && atomic_load(&l.seen_b) < 50; i++)
        usleep(10000);
    assert_true(atomic_load(&l.seen_b) >= 50);

    pthread_join(lt, NULL);
    assert_int_equal(lc.rc, 0);
    assert_int_equal(lc.r.status, 200);
    assert_string_equal(lc.r.body, "{\"tag\":\"AAAAAAAA\"}");
    hst_response_free(&lc.r);

    /* Every worker was replaced (the busy one once it answered): three workers, none old. The
     * new set's workers start beside the old ones, so a fourth may be seen while the last old
     * one exits. */
    pid_t after[8];
    for (int tries = 0; tries < 100; tries++) {
        int n = hsf_wait_workers(&s, 3, after, 8, 10000);
        assert_true(n >= 3);
        int old = 0;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < 3; k++)
                old += after[i] == before[k];
        if (old == 0 && n == 3)
            break;
        assert_true(tries < 99);
        usleep(50000);
    }
    assert_true(hsf_wait_log(&s, "event=worker_died", 0, 0));
    assert_int_equal(hsf_log_count(&s, "event=worker_died"), 0);

    /* A broken module: refused, the current one keeps serving under load. */
    int calls_before = atomic_load(&l.calls);
    assert_int_equal(hsf_install_garbage(dir), 0);
    assert_int_equal(kill(s.pid, SIGHUP), 0);
    assert_true(hsf_wait_log(&s, "event=reload_refused", 1, 15000));
    wait_calls(&l, 100);
    atomic_store(&l.stop, 1);
    for (int i = 0; i < CLIENTS; i++)
        pthread_join(th[i], NULL);
    assert_true(atomic_load(&l.calls) > calls_before + 50);
    assert_int_equal(atomic_load(&l.failures), 0);
    assert_int_equal(atomic_load(&l.a_after_b), 0);

    struct hst_response r;
    assert_int_equal(
        hst_post_function(
            &s, "{\"diy\":true,\"type\":\"hook\",\"function\":\"faultTag\",\"options\":{}}", &r),
        0);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"tag\":\"BBBBBBBB\"}");
    hst_response_free(&r);

    char *log = hst_server_log(&s);
    char want[256];
    snprintf(want, sizeof(want), "%s/faults.so: cannot load module", dir);
    const char *refused = strstr(log, "event=reload_refused");
    assert_non_null(refused);
    const char *eol = strchr(refused, '\n');
    assert_non_null(eol);
    char *line = strndup(refused, (size_t)(eol - refused));
    if (strstr(line, want) == NULL)
        fprintf(stderr, "refusal line: %s\n", line);
    assert_non_null(strstr(line, want));
    assert_non_null(strstr(line, "the current modules keep serving"));
    free(line);
    free(log);
    fprintf(stderr, "reload: %d calls, none failed\n", atomic_load(&l.calls));
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reload_under_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
