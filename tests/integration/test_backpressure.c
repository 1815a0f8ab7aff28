/* test_backpressure.c — the front's memory stays bounded while many large requests wait for a
 * worker (--max-buffered-mb, front.c "backpressure"): 32 clients each POST a 1 MB body to one
 * worker running a slow hook; the front's resident memory, sampled from /proc while they wait,
 * must stay far below the 32 MB it would take to hold every body, and every client must still
 * get its own answer (paused clients wait in their socket buffers, nothing is lost). */
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

#define BP_CLIENTS   32 /* at most */
#define BP_PAD_BYTES (1024u * 1024u)
/* Growth of the front's RSS over its idle size that the test allows. With --max-buffered-mb 4
 * the front holds at most ~4 MB of bodies plus the oldest body past its fair share, the body its
 * worker is reading, one answer being written and one read (64 KB) per paused client: about
 * 9 MB. Without the cap it holds every waiting body: 30+ MB. 16 MB sits between, with room
 * for allocator slack (and for ASan's redzones and quarantine, which make the unbounded front
 * grow even more). */
#define BP_GROWTH_LIMIT_KB (16L * 1024L)

struct bp_client {
    const struct hst_server *s;
    int id;
    char *options; /* the request's options object, as sent */
    long status;
    int answer_ok;
    int finished;
};

static long rss_kb(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return -1;
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof(line), fp) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kb = strtol(line + 6, NULL, 10);
            break;
        }
    }
    fclose(fp);
    return kb;
}

static void *bp_client_run(void *arg)
{
    struct bp_client *cl = arg;
    size_t olen = strlen(cl->options);
    size_t cap = olen + 128;
    char *body = malloc(cap);
    if (body == NULL) {
        __atomic_store_n(&cl->finished, 1, __ATOMIC_RELEASE);
        return NULL;
    }
    int blen = snprintf(body, cap,
                        "{\"diy\":true,\"type\":\"hook\",\"function\":\"sleepMs\",\"options\":%s}",
                        cl->options);
    char head[512];
    int hlen = snprintf(head, sizeof(head),
                        "POST /function HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                        "Content-Type: application/json\r\nContent-Length: %d\r\n"
                        "Connection: close\r\n\r\n",
                        HS_TEST_TOKEN, blen);
    int fd = hst_connect(cl->s);
    if (fd >= 0 && hst_send_all(fd, head, (size_t)hlen) == 0 &&
        hst_send_all(fd, body, (size_t)blen) == 0) {
        size_t n = 0;
        char *resp = hst_recv_all(fd, 60000, &n);
        if (resp != NULL) {
            sscanf(resp, "HTTP/1.1 %ld", &cl->status);
            char *sep = strstr(resp, "\r\n\r\n");
            /* the answer of sleepMs is [options], byte for byte */
            if (sep != NULL) {
                const char *ans = sep + 4;
                size_t alen = n - (size_t)(ans - resp);
                cl->answer_ok = alen == olen + 2 && ans[0] == '[' && ans[alen - 1] == ']' &&
                                memcmp(ans + 1, cl->options, olen) == 0;
            }
            free(resp);
        }
    }
    if (fd >= 0)
        close(fd);
    free(body);
    __atomic_store_n(&cl->finished, 1, __ATOMIC_RELEASE);
    return NULL;
}

/* nclients clients at once against one worker with the cap given (MB); checks every answer and
 * the front's RSS growth. */
static void bp_run(const char *cap_mb, int nclients)
{
    const char *tm = getenv("HS_TEST_MODULES_DIR");
    char mods[512];
    snprintf(mods, sizeof(mods), "%s", tm ? tm : "build/test-modules");
    /* The cap through its variable (the flag and the config key share the option table); a
     * binary without the option ignores it, so this test also shows the unbounded front fail. */
    const char *args[] = {"--modules", mods, "--workers", "1", NULL};
    /* Under AddressSanitizer, freed blocks wait in its quarantine (256 MB by default), so the
     * resident size would count every body ever received, not the ones held: a small quarantine
     * makes it count what is live, as in a plain build. */
    char asan[512];
    const char *ao = getenv("ASAN_OPTIONS");
    snprintf(asan, sizeof(asan), "ASAN_OPTIONS=%s%squarantine_size_mb=1", ao ? ao : "",
             ao && ao[0] ? ":" : "");
    char cap[64];
    snprintf(cap, sizeof(cap), "HOOKSTACK_MAX_BUFFERED_MB=%s", cap_mb);
    const char *env[] = {cap, asan, NULL};
    struct hst_server s;
    assert_int_equal(hst_server_start(&s, args, env), 0);

    struct bp_client cl[BP_CLIENTS];
    pthread_t th[BP_CLIENTS];
    for (int i = 0; i < nclients; i++) {
        cl[i].s = &s;
        cl[i].id = i;
        cl[i].status = 0;
        cl[i].answer_ok = 0;
        cl[i].finished = 0;
        cl[i].options = malloc(BP_PAD_BYTES + 64);
        assert_non_null(cl[i].options);
        int n = snprintf(cl[i].options, 64, "{\"ms\":20,\"id\":%d,\"pad\":\"", i);
        memset(cl[i].options + n, 'a' + (char)(i % 26), BP_PAD_BYTES);
        memcpy(cl[i].options + n + BP_PAD_BYTES, "\"}", 3);
    }
    /* A first small call warms the front and its worker; its RSS then is the baseline. */
    struct hst_response r;
    assert_int_equal(
        hst_post_function(
            &s, "{\"diy\":true,\"type\":\"hook\",\"function\":\"sleepMs\",\"options\":{}}", &r),
        0);
    assert_int_equal(r.status, 200);
    hst_response_free(&r);
    long base = rss_kb(s.pid);
    assert_true(base > 0);

    for (int i = 0; i < nclients; i++)
        assert_int_equal(pthread_create(&th[i], NULL, bp_client_run, &cl[i]), 0);
    /* Sample the front while the clients wait, until all are answered. */
    long peak = base;
    int rounds = 0;
    for (;;) {
        long kb = rss_kb(s.pid);
        if (kb > peak)
            peak = kb;
        int done = 0;
        for (int i = 0; i < nclients; i++)
            done += __atomic_load_n(&cl[i].finished, __ATOMIC_ACQUIRE);
        if (done == nclients)
            break;
        struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep(&ts, NULL);
        if (++rounds > 60 * 500) /* 60 s at most */
            break;
    }
    int ok = 0;
    for (int i = 0; i < nclients; i++) {
        pthread_join(th[i], NULL);
        if (cl[i].status == 200 && cl[i].answer_ok)
            ok++;
        else
            fprintf(stderr, "client %d: status %ld, answer %s\n", i, cl[i].status,
                    cl[i].answer_ok ? "ok" : "wrong");
        free(cl[i].options);
    }
    fprintf(stderr,
            "cap %s MB, %d clients: front RSS: %ld kB idle, %ld kB peak (+%ld kB; limit +%ld kB)\n",
            cap_mb, nclients, base, peak, peak - base, BP_GROWTH_LIMIT_KB);
    assert_int_equal(ok, nclients);
    assert_true(peak - base < BP_GROWTH_LIMIT_KB);
    int st = hst_server_stop(&s, SIGTERM, 20000);
    assert_true(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_bounded_front_memory(void **state)
{
    (void)state;
    bp_run("4", 32);
}

/* Each body (1 MB and some) is larger than the cap: the oldest one always reads on, and every
 * request is still read and answered (no deadlock). */
static void test_body_larger_than_cap(void **state)
{
    (void)state;
    bp_run("1", 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bounded_front_memory),
        cmocka_unit_test(test_body_larger_than_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
