/* test_tls.c — `hookstack serve --tls-cert --tls-key` against libcurl (OpenSSL) as the client, with
 * certificates made at test time by the openssl command: a verified HTTPS call (TLS 1.2, ALPN
 * http/1.1, keep-alive, a 3 MB answer encrypted piece by piece), a wrong host name and an expired
 * certificate refused by the client, TLS 1.0/1.1 refused by the server (its protocol_version
 * alert reaches the client), clients that stop mid-handshake neither block the loop nor other
 * clients and are closed after the headers timeout, plain HTTP on the TLS port answered 400 and
 * closed in order (FIN, no reset), and SIGHUP loading a new certificate for new connections while
 * an open connection keeps its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "integration/harness.h"

#define DO_SOMETHING                                                                               \
    "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\":{\"hello\":"         \
    "\"world\"}}"
#define DO_SOMETHING_RESULT "[{\"hello\":\"world\",\"function\":\"doSomething\"}]"

static char dir[64];
static char cert_a[128], key_a[128], cert_b[128], key_b[128], expired[128], expired_key[128];
static char live_cert[128], live_key[128]; /* what the SIGHUP test's server reads */

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    if (rc != 0)
        fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
    return rc;
}

/* A self-signed P-256 certificate for localhost and 127.0.0.1. */
static int make_cert(const char *cert, const char *key)
{
    return sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
              "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 "
              "-keyout %s -out %s >/dev/null 2>&1",
              key, cert);
}

static int group_setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/hs-tls-it-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(cert_a, sizeof(cert_a), "%s/a.crt", dir);
    snprintf(key_a, sizeof(key_a), "%s/a.key", dir);
    snprintf(cert_b, sizeof(cert_b), "%s/b.crt", dir);
    snprintf(key_b, sizeof(key_b), "%s/b.key", dir);
    snprintf(expired, sizeof(expired), "%s/expired.crt", dir);
    snprintf(expired_key, sizeof(expired_key), "%s/expired.key", dir);
    snprintf(live_cert, sizeof(live_cert), "%s/live.crt", dir);
    snprintf(live_key, sizeof(live_key), "%s/live.key", dir);
    if (make_cert(cert_a, key_a) != 0 || make_cert(cert_b, key_b) != 0)
        return -1;
    /* Expired: `openssl ca` takes explicit dates (req -x509 cannot go back in time). */
    if (sh("cd %s && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
           "-keyout %s -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 "
           "-out req.csr >/dev/null 2>&1 && touch index.txt && echo 01 > serial && "
           "printf '[ca]\\ndefault_ca=d\\n[d]\\ndatabase=%s/index.txt\\nnew_certs_dir=%s\\n"
           "serial=%s/serial\\ndefault_md=sha256\\npolicy=p\\ncopy_extensions=copy\\n[p]\\n"
           "commonName=supplied\\n' > ca.cnf && openssl ca -batch -config ca.cnf -selfsign "
           "-keyfile %s -in req.csr -startdate 20200101000000Z -enddate 20210101000000Z "
           "-out %s >/dev/null 2>&1",
           dir, expired_key, dir, dir, dir, expired_key, expired) != 0)
        return -1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    sh("rm -rf %s", dir);
    curl_global_cleanup();
    return 0;
}

static void start_tls(struct hst_server *s, const char *cert, const char *key,
                      const char *headers_timeout)
{
    const char *args[] = {"--workers", "2", "--tls-cert",           cert,
                          "--tls-key", key, "--headers-timeout-ms", headers_timeout,
                          NULL};
    assert_int_equal(hst_server_start(s, args, NULL), 0);
}

/* ---- libcurl over HTTPS --------------------------------------------------------------------- */

struct tls_resp {
    CURLcode code;
    long status;
    long http_version;
    long connects;
    char err[CURL_ERROR_SIZE];
    char *body;
    size_t len;
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct tls_resp *r = ud;
    size_t add = size * n;
    char *nb = realloc(r->body, r->len + add + 1);
    if (nb == NULL)
        return 0;
    memcpy(nb + r->len, p, add);
    r->body = nb;
    r->len += add;
    r->body[r->len] = '\0';
    return add;
}

/* One request on handle h (a connection it holds is reused). host is what the URL names (it
 * resolves to 127.0.0.1); ca is the only trusted certificate; body NULL means GET. */
static void tls_request(CURL *h, const struct hst_server *s, const char *host, const char *path,
                        const char *ca, const char *body, long sslversion, struct tls_resp *r)
{
    memset(r, 0, sizeof(*r));
    char url[256], resolve[128];
    snprintf(url, sizeof(url), "https://%s:%d%s", host, s->port, path);
    snprintf(resolve, sizeof(resolve), "%s:%d:127.0.0.1", host, s->port);
    struct curl_slist *res = curl_slist_append(NULL, resolve);
    struct curl_slist *hdrs = curl_slist_append(NULL, "Authorization: Bearer " HS_TEST_TOKEN);
    hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    hdrs = curl_slist_append(hdrs, "Expect:");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_RESOLVE, res);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_CAINFO, ca);
    curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
    curl_easy_setopt(h, CURLOPT_SSLVERSION, sslversion);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, r->err);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 20000L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    if (body != NULL) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
    r->code = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &r->http_version);
    curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &r->connects);
    curl_easy_setopt(h, CURLOPT_RESOLVE, NULL);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(res);
    curl_slist_free_all(hdrs);
}

static void tls_resp_free(struct tls_resp *r)
{
    free(r->body);
    r->body = NULL;
}

/* A fresh handle, one request, handle gone. */
static void tls_once(const struct hst_server *s, const char *host, const char *path, const char *ca,
                     const char *body, long sslversion, struct tls_resp *r)
{
    CURL *h = curl_easy_init();
    assert_non_null(h);
    tls_request(h, s, host, path, ca, body, sslversion, r);
    curl_easy_cleanup(h);
}

static void assert_served(const struct hst_server *s, const char *ca)
{
    struct tls_resp r;
    tls_once(s, "localhost", "/function", ca, DO_SOMETHING, CURL_SSLVERSION_DEFAULT, &r);
    if (r.code != CURLE_OK)
        fprintf(stderr, "curl: %s\n", r.err);
    assert_int_equal(r.code, CURLE_OK);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, DO_SOMETHING_RESULT);
    tls_resp_free(&r);
}

/* ---- tests ---------------------------------------------------------------------------------- */

static void test_verified_call(void **state)
{
    (void)state;
    struct hst_server s;
    start_tls(&s, cert_a, key_a, "305000");
    char *log = hst_server_log(&s);
    assert_non_null(strstr(log, "(HTTPS)"));
    free(log);
    CURL *h = curl_easy_init();
    struct tls_resp r;
    tls_request(h, &s, "localhost", "/function", cert_a, DO_SOMETHING,
                CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2, &r);
    assert_int_equal(r.code, CURLE_OK);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.http_version, CURL_HTTP_VERSION_1_1); /* ALPN http/1.1 */
    assert_string_equal(r.body, DO_SOMETHING_RESULT);
    assert_int_equal(r.connects, 1);
    tls_resp_free(&r);
    /* The same connection again (keep-alive over TLS; same TLS options, or curl opens another). */
    tls_request(h, &s, "localhost", "/healthCheck", cert_a, NULL,
                CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2, &r);
    assert_int_equal(r.code, CURLE_OK);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"success\":true}");
    assert_int_equal(r.connects, 0);
    tls_resp_free(&r);
    /* A 3 MB answer, encrypted and sent in pieces, arrives whole. */
    size_t big = 3u << 20;
    char *body = malloc(big + 200);
    assert_non_null(body);
    int n = snprintf(body, 200,
                     "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\","
                     "\"maxResponseSize\":10000000,\"options\":{\"s\":\"");
    memset(body + n, 'x', big);
    strcpy(body + n + big, "\"}}");
    tls_request(h, &s, "localhost", "/function", cert_a, body, CURL_SSLVERSION_DEFAULT, &r);
    assert_int_equal(r.code, CURLE_OK);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, big + strlen("[{\"s\":\"\",\"function\":\"doSomething\"}]"));
    assert_memory_equal(r.body, "[{\"s\":\"xxxx", 10);
    const char *tail = "x\",\"function\":\"doSomething\"}]";
    assert_string_equal(r.body + r.len - strlen(tail), tail);
    tls_resp_free(&r);
    free(body);
    curl_easy_cleanup(h);
    /* 127.0.0.1 is in the certificate's names too. */
    tls_once(&s, "127.0.0.1", "/healthCheck", cert_a, NULL, CURL_SSLVERSION_DEFAULT, &r);
    assert_int_equal(r.code, CURLE_OK);
    tls_resp_free(&r);
    /* TLS 1.3 only: this server (mbedTLS 2.28) has TLS 1.2 at most, so the handshake fails. */
    tls_once(&s, "localhost", "/healthCheck", cert_a, NULL, CURL_SSLVERSION_TLSv1_3, &r);
    assert_int_not_equal(r.code, CURLE_OK);
    tls_resp_free(&r);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static void test_wrong_hostname(void **state)
{
    (void)state;
    struct hst_server s;
    start_tls(&s, cert_a, key_a, "305000");
    struct tls_resp r;
    tls_once(&s, "wrong.example", "/healthCheck", cert_a, NULL, CURL_SSLVERSION_DEFAULT, &r);
    assert_int_equal(r.code, CURLE_PEER_FAILED_VERIFICATION);
    assert_null(r.body);
    tls_resp_free(&r);
    /* The failure is the name: with the name check off, the same request succeeds. */
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    tls_request(h, &s, "wrong.example", "/healthCheck", cert_a, NULL, CURL_SSLVERSION_DEFAULT, &r);
    curl_easy_cleanup(h);
    assert_int_equal(r.code, CURLE_OK);
    assert_int_equal(r.status, 200);
    tls_resp_free(&r);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static void test_expired_certificate(void **state)
{
    (void)state;
    struct hst_server s;
    start_tls(&s, expired, expired_key, "305000");
    struct tls_resp r;
    tls_once(&s, "localhost", "/healthCheck", expired, NULL, CURL_SSLVERSION_DEFAULT, &r);
    assert_int_equal(r.code, CURLE_PEER_FAILED_VERIFICATION);
    assert_non_null(strstr(r.err, "expired"));
    tls_resp_free(&r);
    /* The failure is the date: without verification the same server answers. */
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    tls_request(h, &s, "localhost", "/healthCheck", expired, NULL, CURL_SSLVERSION_DEFAULT, &r);
    curl_easy_cleanup(h);
    assert_int_equal(r.code, CURLE_OK);
    assert_int_equal(r.status, 200);
    tls_resp_free(&r);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static void test_old_protocols_refused(void **state)
{
    (void)state;
    struct hst_server s;
    start_tls(&s, cert_a, key_a, "305000");
    long versions[] = {CURL_SSLVERSION_TLSv1_0 | CURL_SSLVERSION_MAX_TLSv1_1,
                       CURL_SSLVERSION_TLSv1_0 | CURL_SSLVERSION_MAX_TLSv1_0,
                       CURL_SSLVERSION_TLSv1_1 | CURL_SSLVERSION_MAX_TLSv1_1};
    for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
        CURL *h = curl_easy_init();
        /* Let the client offer them at all (OpenSSL 3's default level forbids TLS < 1.2). */
        curl_easy_setopt(h, CURLOPT_SSL_CIPHER_LIST, "DEFAULT:@SECLEVEL=0");
        struct tls_resp r;
        tls_request(h, &s, "localhost", "/healthCheck", cert_a, NULL, versions[i], &r);
        curl_easy_cleanup(h);
        assert_int_equal(r.code, CURLE_SSL_CONNECT_ERROR);
        /* The server said no (its alert), not the client. */
        if (strstr(r.err, "protocol version") == NULL)
            fprintf(stderr, "curl: %s\n", r.err);
        assert_non_null(strstr(r.err, "protocol version"));
        tls_resp_free(&r);
    }
    char *log = hst_server_log(&s);
    assert_non_null(strstr(log, "TLS handshake failed"));
    free(log);
    assert_served(&s, cert_a);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits up to timeout_ms for fd to end. 1: orderly end of file; -1: reset; 0: still open. */
static int wait_closed(int fd, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    char buf[4096];
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0)
            return 0;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, (int)left) <= 0)
            continue;
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n == 0)
            return 1;
        if (n < 0 && errno != EINTR)
            return errno == ECONNRESET ? -1 : -2;
    }
}

static void test_stalled_handshakes(void **state)
{
    (void)state;
    struct hst_server s;
    start_tls(&s, cert_a, key_a, "1500");
    /* Half a ClientHello: a record header announcing 512 bytes, then a few of them. */
    static const unsigned char half[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00,
                                         0x01, 0xfc, 0x03, 0x03, 0x11, 0x22, 0x33};
    int fds[20];
    for (int i = 0; i < 20; i++) {
        fds[i] = hst_connect(&s);
        assert_true(fds[i] >= 0);
        assert_int_equal(hst_send_all(fds[i], half, sizeof(half)), 0);
    }
    /* Another client is served at once meanwhile. */
    long long t0 = now_ms();
    assert_served(&s, cert_a);
    assert_true(now_ms() - t0 < 1000);
    /* The stalled ones end after the headers timeout (not before, and in order). */
    for (int i = 0; i < 20; i++) {
        struct pollfd p = {.fd = fds[i], .events = POLLIN};
        assert_int_equal(poll(&p, 1, 0), 0); /* still open right now */
    }
    for (int i = 0; i < 20; i++) {
        assert_int_equal(wait_closed(fds[i], 5000), 1);
        close(fds[i]);
    }
    assert_true(now_ms() - t0 >= 1000);
    /* A client that connects and sends nothing is ended the same way. */
    int idle = hst_connect(&s);
    t0 = now_ms();
    assert_int_equal(wait_closed(idle, 5000), 1);
    assert_true(now_ms() - t0 >= 1000);
    close(idle);
    assert_served(&s, cert_a);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static void test_plain_http_on_tls_port(void **state)
{
    (void)state;
    struct hst_server s;
    start_tls(&s, cert_a, key_a, "305000");
    int fd = hst_connect(&s);
    assert_true(fd >= 0);
    const char req[] = "GET /healthCheck HTTP/1.1\r\nHost: localhost\r\n\r\n";
    assert_int_equal(hst_send_all(fd, req, sizeof(req) - 1), 0);
    char got[1024];
    size_t len = 0;
    int end = 0;
    long long deadline = now_ms() + 5000;
    while (now_ms() < deadline) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 100) <= 0)
            continue;
        ssize_t n = recv(fd, got + len, sizeof(got) - 1 - len, 0);
        if (n > 0) {
            len += (size_t)n;
            continue;
        }
        end = n == 0 ? 1 : -1; /* -1: reset */
        break;
    }
    got[len] = '\0';
    close(fd);
    assert_int_equal(end, 1);
    assert_memory_equal(got, "HTTP/1.1 400 Bad Request\r\n", 26);
    assert_non_null(strstr(got, "Connection: close\r\n"));
    assert_non_null(
        strstr(got, "\r\n\r\nThis port speaks HTTPS: the request was sent as plain HTTP."));
    /* libcurl speaking plain HTTP to it gets that answer too. */
    struct hst_response hr;
    assert_int_equal(hst_request(&s, "GET", "/healthCheck", NULL, NULL, 0, &hr), 0);
    assert_int_equal(hr.status, 400);
    hst_response_free(&hr);
    assert_served(&s, cert_a);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static int copy_file(const char *from, const char *to)
{
    return sh("cp %s %s.tmp && mv %s.tmp %s", from, to, to, to);
}

/* Waits until the server log holds needle (count occurrences at least n). */
static int wait_log(const struct hst_server *s, const char *needle, int n, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    do {
        char *log = hst_server_log(s);
        int count = 0;
        for (const char *p = log; p != NULL && (p = strstr(p, needle)) != NULL; p++)
            count++;
        free(log);
        if (count >= n)
            return 0;
        usleep(20000);
    } while (now_ms() < deadline);
    return -1;
}

static void test_sighup_reloads_certificate(void **state)
{
    (void)state;
    assert_int_equal(copy_file(cert_a, live_cert), 0);
    assert_int_equal(copy_file(key_a, live_key), 0);
    struct hst_server s;
    start_tls(&s, live_cert, live_key, "305000");
    /* An open connection, made with certificate A. */
    CURL *old = curl_easy_init();
    struct tls_resp r;
    tls_request(old, &s, "localhost", "/healthCheck", cert_a, NULL, CURL_SSLVERSION_DEFAULT, &r);
    assert_int_equal(r.code, CURLE_OK);
    assert_int_equal(r.connects, 1);
    tls_resp_free(&r);
    /* Certificate B on disk, then SIGHUP. */
    assert_int_equal(copy_file(cert_b, live_cert), 0);
    assert_int_equal(copy_file(key_b, live_key), 0);
    assert_int_equal(kill(s.pid, SIGHUP), 0);
    assert_int_equal(wait_log(&s, "event=tls_reload", 1, 10000), 0);
    /* New connections get B: trusting only A fails, trusting only B works. */
    tls_once(&s, "localhost", "/healthCheck", cert_a, NULL, CURL_SSLVERSION_DEFAULT, &r);
    assert_int_equal(r.code, CURLE_PEER_FAILED_VERIFICATION);
    tls_resp_free(&r);
    assert_served(&s, cert_b);
    /* The connection opened before keeps its session and works on. */
    tls_request(old, &s, "localhost", "/function", cert_a, DO_SOMETHING, CURL_SSLVERSION_DEFAULT,
                &r);
    assert_int_equal(r.code, CURLE_OK);
    assert_int_equal(r.connects, 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, DO_SOMETHING_RESULT);
    tls_resp_free(&r);
    curl_easy_cleanup(old);
    /* A broken key on disk: the reload is refused, B stays in use. */
    assert_int_equal(sh("echo garbage > %s", live_key), 0);
    assert_int_equal(kill(s.pid, SIGHUP), 0);
    assert_int_equal(wait_log(&s, "keeping the current certificate", 1, 10000), 0);
    assert_served(&s, cert_b);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static void test_bad_certificate_fails_start(void **state)
{
    (void)state;
    struct hst_server s;
    const char *args[] = {"--tls-cert", cert_a, "--tls-key", key_b, NULL};
    assert_int_not_equal(hst_server_start(&s, args, NULL), 0);
    char *log = hst_server_log(&s);
    assert_non_null(strstr(log, "does not match"));
    free(log);
    const char *args2[] = {"--tls-cert", "/nonexistent.crt", "--tls-key", key_a, NULL};
    assert_int_not_equal(hst_server_start(&s, args2, NULL), 0);
    log = hst_server_log(&s);
    assert_non_null(strstr(log, "/nonexistent.crt"));
    free(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verified_call),
        cmocka_unit_test(test_wrong_hostname),
        cmocka_unit_test(test_expired_certificate),
        cmocka_unit_test(test_old_protocols_refused),
        cmocka_unit_test(test_stalled_handshakes),
        cmocka_unit_test(test_plain_http_on_tls_port),
        cmocka_unit_test(test_sighup_reloads_certificate),
        cmocka_unit_test(test_bad_certificate_fails_start),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
