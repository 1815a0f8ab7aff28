/* soak_client.c — the client of `make soak` (tests/soak/run.sh): THREADS kept-alive libcurl
 * connections send TOTAL POST /function calls between them to one runner and compare every
 * answer byte for byte. The calls take turns: doSomething (conformance module) with a unique
 * payload, faultTag, faultSleep of 0 ms and faultGarbage printing one line (faults test module),
 * each in its framework 1.0 form (type "hook"), the faults also at the top level. Every
 * RELOAD_EVERY calls the runner gets SIGHUP (module reload under load).
 *
 * usage: soak_client PORT TOKEN SERVER_PID TOTAL THREADS RELOAD_EVERY
 * Prints one summary line; exit status 0 when every call answered as expected. */
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct shared {
    int port;
    const char *token;
    long pid;
    long total, reload_every;
    atomic_long next, ok, bad, transfer_errors, reloads;
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

static void *run(void *arg)
{
    struct shared *sh = arg;
    CURL *h = curl_easy_init();
    char url[64], auth[4200];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/function", sh->port);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", sh->token);
    struct curl_slist *hdr = curl_slist_append(NULL, auth);
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    hdr = curl_slist_append(hdr, "Expect:");
    struct buf b = {0};
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    for (;;) {
        long n = atomic_fetch_add(&sh->next, 1);
        if (n >= sh->total)
            break;
        if (sh->reload_every > 0 && n > 0 && n % sh->reload_every == 0) {
            kill((pid_t)sh->pid, SIGHUP);
            atomic_fetch_add(&sh->reloads, 1);
        }
        char body[256], expect[256];
        const char *type = (n / 4) % 2 ? "" : "\"type\":\"hook\",";
        switch (n % 4) {
        case 0:
            snprintf(body, sizeof(body),
                     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\":"
                     "{\"n\":%ld,\"s\":\"caf\\u00e9\"}}",
                     n);
            snprintf(expect, sizeof(expect),
                     "[{\"n\":%ld,\"s\":\"caf\xc3\xa9\",\"function\":\"doSomething\"}]", n);
            break;
        case 1:
            snprintf(body, sizeof(body),
                     "{\"diy\":true,%s\"function\":\"faultTag\",\"options\":{}}", type);
            snprintf(expect, sizeof(expect), "{\"tag\":\"AAAAAAAA\"}");
            break;
        case 2:
            snprintf(
                body, sizeof(body),
                "{\"diy\":true,%s\"function\":\"faultSleep\",\"options\":{\"ms\":0,\"n\":%ld}}",
                type, n);
            snprintf(expect, sizeof(expect), "[{\"ms\":0,\"n\":%ld}]", n);
            break;
        default:
            snprintf(body, sizeof(body),
                     "{\"diy\":true,%s\"function\":\"faultGarbage\",\"options\":{\"lines\":1,"
                     "\"n\":%ld}}",
                     type, n);
            snprintf(expect, sizeof(expect), "[{\"lines\":1,\"n\":%ld}]", n);
            break;
        }
        b.len = 0;
        if (b.p)
            b.p[0] = '\0';
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        CURLcode rc = curl_easy_perform(h);
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        if (rc != CURLE_OK) {
            fprintf(stderr, "soak: call %ld: %s\n", n, curl_easy_strerror(rc));
            atomic_fetch_add(&sh->transfer_errors, 1);
        } else if (status != 200 || b.p == NULL || strcmp(b.p, expect) != 0) {
            fprintf(stderr, "soak: call %ld: %ld %s (expected %s)\n", n, status, b.p ? b.p : "",
                    expect);
            atomic_fetch_add(&sh->bad, 1);
        } else {
            atomic_fetch_add(&sh->ok, 1);
        }
    }
    free(b.p);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: soak_client PORT TOKEN SERVER_PID TOTAL THREADS RELOAD_EVERY\n");
        return 2;
    }
    static struct shared sh;
    sh.port = atoi(argv[1]);
    sh.token = argv[2];
    sh.pid = atol(argv[3]);
    sh.total = atol(argv[4]);
    int threads = atoi(argv[5]);
    sh.reload_every = atol(argv[6]);
    if (threads < 1 || threads > 256 || sh.total < 1)
        return 2;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_t th[256];
    for (int i = 0; i < threads; i++)
        pthread_create(&th[i], NULL, run, &sh);
    for (int i = 0; i < threads; i++)
        pthread_join(th[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("soak: %ld calls in %.1f s (%.0f/s) over %d connections: %ld as expected, %ld wrong, "
           "%ld transfer errors, %ld reloads\n",
           sh.total, secs, (double)sh.total / secs, threads, atomic_load(&sh.ok),
           atomic_load(&sh.bad), atomic_load(&sh.transfer_errors), atomic_load(&sh.reloads));
    curl_global_cleanup();
    return atomic_load(&sh.ok) == sh.total ? 0 : 1;
}
