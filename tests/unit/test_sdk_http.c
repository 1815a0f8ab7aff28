/* test_sdk_http.c — outbound HTTP from a hook (runner/sdk_http.c), called through the hook API
 * table exactly as a module calls it: a module compiled into this binary (HS_MODULE_STATIC)
 * whose functions make requests and report what the table gave back, invoked through
 * proto_handle() like a served POST /function.
 *
 * The other end is a small HTTP/1.1 server on a thread of this test, on 127.0.0.1 with a port
 * the kernel picks; nothing leaves loopback (proxy variables are cleared first). It answers by
 * path (JSON, a 404, a redirect, a response that never comes, bodies past the limit with and
 * without Content-Length, integrator.io's /v1/tokenInfo) and keeps the last request's head and
 * body so tests can check what was sent (the Bearer token among it) — and that the hook log never
 * shows the token. */
#define HS_MODULE_STATIC sdk_http_test_entry
#include "hookstack.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>
#include <cmocka.h>

#include "arena.h"
#include "json.h"
#include "proto.h"
#include "registry.h"
#include "registry_internal.h"
#include "sdk_internal.h"

#define TOKEN "ott-0123456789abcdef-secret"

static const hs_api *api;

/* ---- the loopback server -------------------------------------------------------------------- */

struct server {
    int lfd;
    int port;
    int stop[2];
    pthread_t thread;
    pthread_mutex_t mu;
    int requests;
    char head[16384];
    char body[8192];
    size_t body_len;
};

static struct server srv;

static void send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void respond(int fd, const char *status, const char *extra, const char *ctype,
                    const char *body)
{
    char head[1024];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %s\r\n%sContent-Type: %s\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     status, extra, ctype, strlen(body));
    send_all(fd, head, (size_t)n);
    send_all(fd, body, strlen(body));
}

/* Waits until the client closes its side (or 5 s pass), answering nothing. */
static void wait_for_close(int fd)
{
    char b[256];
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (poll(&p, 1, 5000) > 0 && recv(fd, b, sizeof(b), 0) > 0)
        ;
}

static void serve_big(int fd, bool chunked)
{
    static char chunk[65536];
    memset(chunk, 'x', sizeof(chunk));
    char head[256];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n%s\r\n"
                     "Connection: close\r\n\r\n",
                     chunked ? "Transfer-Encoding: chunked" : "Content-Length: 2097152");
    send_all(fd, head, (size_t)n);
    for (int i = 0; i < 32; i++) {
        if (chunked) {
            static const char size_line[] = "10000\r\n";
            if (send(fd, size_line, sizeof(size_line) - 1, MSG_NOSIGNAL) <= 0)
                return;
        }
        if (send(fd, chunk, sizeof(chunk), MSG_NOSIGNAL) <= 0)
            return;
        if (chunked && send(fd, "\r\n", 2, MSG_NOSIGNAL) <= 0)
            return;
    }
    if (chunked)
        send_all(fd, "0\r\n\r\n", 5);
}

static size_t content_length(const char *head)
{
    for (const char *p = head; (p = strchr(p, '\n')) != NULL;) {
        p++;
        if (strncasecmp(p, "content-length:", 15) == 0)
            return (size_t)strtoul(p + 15, NULL, 10);
    }
    return 0;
}

static void serve_one(int fd)
{
    struct timeval tv = {.tv_sec = 5};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    char buf[16384 + 8192];
    size_t have = 0;
    char *end = NULL;
    while (have < sizeof(buf) - 1) {
        ssize_t r = recv(fd, buf + have, sizeof(buf) - 1 - have, 0);
        if (r <= 0)
            return;
        have += (size_t)r;
        buf[have] = '\0';
        if ((end = strstr(buf, "\r\n\r\n")) != NULL)
            break;
    }
    if (!end)
        return;
    size_t head_len = (size_t)(end - buf) + 4;
    size_t want = content_length(buf);
    while (have - head_len < want && have < sizeof(buf) - 1) {
        ssize_t r = recv(fd, buf + have, sizeof(buf) - 1 - have, 0);
        if (r <= 0)
            break;
        have += (size_t)r;
    }
    pthread_mutex_lock(&srv.mu);
    srv.requests++;
    size_t hl = head_len < sizeof(srv.head) ? head_len : sizeof(srv.head) - 1;
    memcpy(srv.head, buf, hl);
    srv.head[hl] = '\0';
    srv.body_len = have - head_len < sizeof(srv.body) - 1 ? have - head_len : sizeof(srv.body) - 1;
    memcpy(srv.body, buf + head_len, srv.body_len);
    srv.body[srv.body_len] = '\0';
    pthread_mutex_unlock(&srv.mu);

    char path[256] = "";
    sscanf(buf, "%*s %255s", path);
    path[strcspn(path, "?")] = '\0';
    if (strcmp(path, "/json") == 0)
        respond(fd, "200 OK", "X-Multi: a\r\nX-Multi: b\r\n", "application/json",
                "{\"ok\":true,\"n\":[1,2.5],\"s\":\"caf\\u00e9\"}");
    else if (strcmp(path, "/status/404") == 0)
        respond(fd, "404 Not Found", "", "application/json",
                "{\"errors\":[{\"code\":\"not_found\",\"message\":\"no such thing\"}]}");
    else if (strcmp(path, "/redirect") == 0)
        respond(fd, "302 Found", "Location: /json\r\n", "text/plain", "moved");
    else if (strcmp(path, "/slow") == 0)
        wait_for_close(fd);
    else if (strcmp(path, "/big") == 0)
        serve_big(fd, false);
    else if (strcmp(path, "/bigchunked") == 0)
        serve_big(fd, true);
    else if (strcmp(path, "/text") == 0)
        respond(fd, "200 OK", "", "text/plain", "plain words");
    else if (strcmp(path, "/empty") == 0)
        respond(fd, "200 OK", "", "application/json", "");
    else if (strcmp(path, "/v1/tokenInfo") == 0)
        respond(fd, "200 OK", "", "application/json", "{\"_userId\":\"u-1\"}");
    else
        respond(fd, "200 OK", "", "application/json", "{\"echo\":true}");
}

static void *server_main(void *arg)
{
    (void)arg;
    for (;;) {
        struct pollfd p[2] = {{.fd = srv.lfd, .events = POLLIN},
                              {.fd = srv.stop[0], .events = POLLIN}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents)
            break;
        int fd = accept(srv.lfd, NULL, NULL);
        if (fd < 0)
            continue;
        serve_one(fd);
        close(fd);
    }
    return NULL;
}

static int server_start(void)
{
    srv.lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof(sa);
    if (srv.lfd < 0 || bind(srv.lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        listen(srv.lfd, 16) != 0 || getsockname(srv.lfd, (struct sockaddr *)&sa, &sl) != 0 ||
        pipe(srv.stop) != 0)
        return -1;
    srv.port = ntohs(sa.sin_port);
    pthread_mutex_init(&srv.mu, NULL);
    return pthread_create(&srv.thread, NULL, server_main, NULL) == 0 ? 0 : -1;
}

static void server_stop(void)
{
    if (write(srv.stop[1], "x", 1) != 1)
        return;
    pthread_join(srv.thread, NULL);
    close(srv.lfd);
    close(srv.stop[0]);
    close(srv.stop[1]);
    pthread_mutex_destroy(&srv.mu);
}

static int server_requests(void)
{
    pthread_mutex_lock(&srv.mu);
    int n = srv.requests;
    pthread_mutex_unlock(&srv.mu);
    return n;
}

/* A port nothing listens on (bound, then closed). */
static int closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof(sa);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    close(fd);
    return ntohs(sa.sin_port);
}

/* ---- the module ----------------------------------------------------------------------------- */

/* {st, status, contentType, multi, location, body, json, jsonSt, errorName, error} */
static hs_status report(hs_ctx *ctx, hs_status st, hs_http_response *resp, hs_json **result)
{
    hs_json *o = api->json_new_object(ctx);
    if (!o)
        return HS_ERR_NOMEM;
    const char *ename = NULL;
    const char *emsg = api->ctx_last_error(ctx, &ename);
    api->json_set_string(ctx, o, "st", api->status_name(st));
    api->json_set_number(ctx, o, "status", api->http_status(resp));
    api->json_set_bool(ctx, o, "resp", resp != NULL);
    api->json_set_string(ctx, o, "errorName", ename ? ename : "-");
    api->json_set_string(ctx, o, "error", emsg ? emsg : "-");
    if (resp) {
        const char *ct = api->http_header(resp, "content-type");
        const char *multi = api->http_header(resp, "X-MULTI");
        const char *loc = api->http_header(resp, "Location");
        api->json_set_string(ctx, o, "contentType", ct ? ct : "-");
        api->json_set_string(ctx, o, "multi", multi ? multi : "-");
        api->json_set_string(ctx, o, "location", loc ? loc : "-");
        api->json_set_bool(ctx, o, "absentHeader", api->http_header(resp, "X-Nope") != NULL);
        size_t len = 0;
        const char *body = api->http_body(resp, &len);
        api->json_set_number(ctx, o, "bodyLen", (double)len);
        if (len < 4096)
            api->json_set(ctx, o, "body", api->json_new_stringn(ctx, body, len));
        hs_json *j = NULL;
        hs_status jst = api->http_json(ctx, resp, &j);
        hs_json *again = NULL;
        api->http_json(ctx, resp, &again);
        api->json_set_string(ctx, o, "jsonSt", api->status_name(jst));
        api->json_set_bool(ctx, o, "jsonCached", j == again);
        api->json_set(ctx, o, "json", j ? j : api->json_new_null(ctx));
        if (jst != HS_OK)
            api->json_set_string(ctx, o, "jsonError", api->ctx_last_error(ctx, NULL));
    }
    *result = o;
    return HS_OK;
}

/* Builds a request from options: url, method, token, json, body, headers {name: value},
 * timeoutMs, connectTimeoutMs, maxBytes, follow, structSize. */
static hs_status build(hs_ctx *ctx, hs_json *o, hs_http_request *rq)
{
    *rq = HS_HTTP_REQUEST_INIT;
    rq->url = api->json_string(ctx, api->json_get(o, "url"), NULL, NULL);
    rq->method = api->json_string(ctx, api->json_get(o, "method"), NULL, NULL);
    rq->bearer_token = api->json_string(ctx, api->json_get(o, "token"), NULL, NULL);
    rq->json = api->json_get(o, "json");
    size_t blen = 0;
    rq->body = api->json_string(ctx, api->json_get(o, "body"), &blen, NULL);
    rq->body_len = rq->body ? blen : 0;
    hs_json *h = api->json_get(o, "headers");
    size_t nh = api->json_len(h);
    if (api->json_type(h) == HS_JSON_OBJECT && nh > 0) {
        hs_http_header *hs = api->alloc(ctx, nh * sizeof(*hs));
        if (!hs)
            return HS_ERR_NOMEM;
        for (size_t i = 0; i < nh; i++) {
            hs[i].name = api->json_key_at(h, i, NULL);
            hs[i].value = api->json_string(ctx, api->json_value_at(h, i), NULL, "");
        }
        rq->headers = hs;
        rq->nheaders = nh;
    }
    rq->timeout_ms = (unsigned)api->json_number(api->json_get(o, "timeoutMs"), 0);
    rq->connect_timeout_ms = (unsigned)api->json_number(api->json_get(o, "connectTimeoutMs"), 0);
    rq->max_response_bytes = (size_t)api->json_number(api->json_get(o, "maxBytes"), 0);
    if (api->json_truthy(api->json_get(o, "follow")))
        rq->flags |= HS_HTTP_FOLLOW_REDIRECTS;
    double size = api->json_number(api->json_get(o, "structSize"), -1);
    if (size >= 0)
        rq->size = (size_t)size;
    return HS_OK;
}

static hs_status call_http(hs_ctx *ctx, hs_json *o, hs_json **result)
{
    hs_http_request rq;
    hs_status st = build(ctx, o, &rq);
    if (st != HS_OK)
        return st;
    hs_http_response *resp = (hs_http_response *)1; /* must be reset to NULL on failure */
    st = api->http_request(ctx, &rq, &resp);
    return report(ctx, st, resp, result);
}

static hs_status call_integrator(hs_ctx *ctx, hs_json *o, hs_json **result)
{
    hs_http_request rq;
    hs_status st = build(ctx, o, &rq);
    if (st != HS_OK)
        return st;
    hs_http_response *resp = NULL;
    st = api->integrator_request(ctx, &rq, &resp);
    return report(ctx, st, resp, result);
}

/* Returns the request's status as it is: an unexplained failure the runner must describe. */
static hs_status call_raw(hs_ctx *ctx, hs_json *o, hs_json **result)
{
    hs_http_request rq;
    hs_status st = build(ctx, o, &rq);
    if (st != HS_OK)
        return st;
    hs_http_response *resp = NULL;
    st = api->http_request(ctx, &rq, &resp);
    if (st == HS_OK)
        *result = api->json_new_number(ctx, api->http_status(resp));
    return st;
}

/* Two requests in one invocation (the handle is reset and reused between them). */
static hs_status call_twice(hs_ctx *ctx, hs_json *o, hs_json **result)
{
    hs_http_request rq;
    hs_status st = build(ctx, o, &rq);
    if (st != HS_OK)
        return st;
    hs_json *arr = api->json_new_array(ctx);
    for (int i = 0; i < 2; i++) {
        hs_http_response *resp = NULL;
        st = api->http_request(ctx, &rq, &resp);
        if (st != HS_OK)
            return st;
        api->json_push(ctx, arr, api->json_new_number(ctx, api->http_status(resp)));
        rq.url = api->json_string(ctx, api->json_get(o, "url2"), NULL, rq.url);
        rq.method = "POST";
        rq.json = arr;
    }
    *result = arr;
    return HS_OK;
}

static hs_status sdk_http_init(const hs_api *a, hs_module *mod)
{
    api = a;
    hs_status st = api->register_fn(mod, "http", HS_KIND_UTILITY, call_http, NULL);
    if (st == HS_OK)
        st = api->register_fn(mod, "integrator", HS_KIND_UTILITY, call_integrator, NULL);
    if (st == HS_OK)
        st = api->register_fn(mod, "raw", HS_KIND_UTILITY, call_raw, NULL);
    if (st == HS_OK)
        st = api->register_fn(mod, "twice", HS_KIND_UTILITY, call_twice, NULL);
    return st;
}

HS_MODULE("sdk_http_test", "0.1.0", sdk_http_init)

/* ---- calling it ----------------------------------------------------------------------------- */

static struct registry *reg;

struct answer {
    int status;
    char *body; /* malloc */
    char *log;  /* malloc */
    cJSON *json;
    double ms;
};

static void answer_free(struct answer *a)
{
    free(a->body);
    free(a->log);
    cJSON_Delete(a->json);
    memset(a, 0, sizeof(*a));
}

/* POST /function {"diy":true,"function":fn,"options":<options_fmt>} (every %d is the server's
 * port). */
static void invoke(const char *fn, const char *options, struct answer *out)
{
    static const char *const tokens[] = {"t"};
    char body[8192];
    snprintf(body, sizeof(body), "{\"diy\":true,\"function\":\"%s\",\"options\":%s}", fn, options);
    struct proto_config cfg = {.reg = reg, .tokens = tokens, .ntokens = 1};
    struct proto_request req = {.authorization = {"Bearer t", 8},
                                .content_type = {"application/json", 16},
                                .body = {body, strlen(body)}};
    struct proto_response resp;
    proto_response_init(&resp);
    struct arena *a = arena_new(64 * 1024, 256u * 1024u * 1024u);
    assert_non_null(a);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(proto_handle(&cfg, &req, &resp, a), 0);
    arena_free(a); /* runs the cleanups: the curl handle goes here */
    clock_gettime(CLOCK_MONOTONIC, &t1);
    out->ms = (double)(t1.tv_sec - t0.tv_sec) * 1000.0 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    out->status = resp.status;
    out->body = strndup(resp.body.data ? resp.body.data : "", resp.body.len);
    out->log = strndup(resp.log.data ? resp.log.data : "", resp.log.len);
    out->json = cJSON_Parse(out->body);
    proto_response_free(&resp);
    if (out->status != 200)
        fprintf(stderr, "answer %d: %s\n", out->status, out->body);
}

static const char *jstr(const struct answer *a, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(a->json, key);
    return cJSON_IsString(v) ? v->valuestring : "(absent)";
}

static double jnum(const struct answer *a, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(a->json, key);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static bool jtrue(const struct answer *a, const char *key)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a->json, key));
}

static void last_request(char *head, size_t hn, char *body, size_t bn)
{
    pthread_mutex_lock(&srv.mu);
    snprintf(head, hn, "%s", srv.head);
    if (body)
        snprintf(body, bn, "%s", srv.body);
    pthread_mutex_unlock(&srv.mu);
}

/* True when the head has the header line (case-insensitive name, exact value). */
static bool head_has(const char *head, const char *name, const char *value)
{
    size_t nl = strlen(name), vl = strlen(value);
    for (const char *p = strstr(head, "\r\n"); p; p = strstr(p + 2, "\r\n")) {
        const char *h = p + 2;
        if (strncasecmp(h, name, nl) == 0 && h[nl] == ':' && h[nl + 1] == ' ' &&
            strncmp(h + nl + 2, value, vl) == 0 && h[nl + 2 + vl] == '\r')
            return true;
    }
    return false;
}

static bool head_names(const char *head, const char *name)
{
    char want[256];
    snprintf(want, sizeof(want), "\r\n%s:", name);
    for (const char *p = head; *p; p++)
        if (strncasecmp(p, want, strlen(want)) == 0)
            return true;
    return false;
}

/* ---- the tests ------------------------------------------------------------------------------ */

static void test_get_json_with_bearer(void **state)
{
    (void)state;
    char opts[512];
    snprintf(opts, sizeof(opts),
             "{\"url\":\"http://127.0.0.1:%d/json\",\"token\":\"" TOKEN "\",\"bearerToken\":\"x\"}",
             srv.port);
    struct answer a;
    invoke("http", opts, &a);
    assert_int_equal(a.status, 200);
    assert_string_equal(jstr(&a, "st"), "HS_OK");
    assert_int_equal((int)jnum(&a, "status"), 200);
    assert_string_equal(jstr(&a, "contentType"), "application/json");
    assert_string_equal(jstr(&a, "multi"), "a, b"); /* repeated headers joined, like Node */
    assert_false(jtrue(&a, "absentHeader"));
    assert_string_equal(jstr(&a, "jsonSt"), "HS_OK");
    assert_true(jtrue(&a, "jsonCached"));
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(a.json, "json");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "ok")));
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(j, "s")->valuestring, "caf\xc3\xa9");
    assert_true(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "n"), 1)->valuedouble ==
                2.5);
    char head[16384];
    last_request(head, sizeof(head), NULL, 0);
    assert_true(strncmp(head, "GET /json HTTP/1.1\r\n", 20) == 0);
    assert_true(head_has(head, "Authorization", "Bearer " TOKEN));
    assert_true(head_names(head, "User-Agent"));
    assert_false(head_names(head, "Expect"));
    /* One debug line, naming the request; the token appears nowhere in the log. */
    char want[256];
    snprintf(want, sizeof(want), "debug http GET http://127.0.0.1:%d/json -> 200, ", srv.port);
    assert_non_null(strstr(a.log, want));
    assert_null(strstr(a.log, TOKEN));
    assert_null(strstr(a.log, "Authorization"));
    answer_free(&a);
}

static void test_post_json_and_headers(void **state)
{
    (void)state;
    char opts[512];
    snprintf(opts, sizeof(opts),
             "{\"url\":\"http://127.0.0.1:%d/anything\",\"json\":{\"a\":[1,\"two\"],\"b\":null},"
             "\"headers\":{\"X-Test\":\"yes\",\"X-Empty\":\"\"}}",
             srv.port);
    struct answer a;
    invoke("http", opts, &a);
    assert_string_equal(jstr(&a, "st"), "HS_OK");
    char head[16384], body[8192];
    last_request(head, sizeof(head), body, sizeof(body));
    assert_true(strncmp(head, "POST /anything HTTP/1.1\r\n", 25) == 0);
    assert_string_equal(body, "{\"a\":[1,\"two\"],\"b\":null}");
    assert_true(head_has(head, "Content-Type", "application/json"));
    assert_true(head_has(head, "X-Test", "yes"));
    assert_true(head_names(head, "X-Empty"));
    assert_false(head_names(head, "Authorization")); /* no token given, none sent */
    answer_free(&a);

    /* A raw body with another method: no Content-Type unless one is given. */
    snprintf(opts, sizeof(opts),
             "{\"url\":\"http://127.0.0.1:%d/raw\",\"method\":\"PUT\",\"body\":\"hello raw\"}",
             srv.port);
    invoke("http", opts, &a);
    assert_string_equal(jstr(&a, "st"), "HS_OK");
    last_request(head, sizeof(head), body, sizeof(body));
    assert_true(strncmp(head, "PUT /raw HTTP/1.1\r\n", 19) == 0);
    assert_string_equal(body, "hello raw");
    assert_false(head_names(head, "Content-Type"));
    assert_true(head_has(head, "Content-Length", "9"));
    answer_free(&a);

    /* DELETE without a body. */
    snprintf(opts, sizeof(opts), "{\"url\":\"http://127.0.0.1:%d/thing\",\"method\":\"DELETE\"}",
             srv.port);
    invoke("http", opts, &a);
    assert_string_equal(jstr(&a, "st"), "HS_OK");
    last_request(head, sizeof(head), body, sizeof(body));
    assert_true(strncmp(head, "DELETE /thing HTTP/1.1\r\n", 24) == 0);
    assert_string_equal(body, "");
    answer_free(&a);
}

static void test_non_2xx_is_an_answer(void **state)
{
    (void)state;
    char opts[256];
    snprintf(opts, sizeof(opts), "{\"url\":\"http://127.0.0.1:%d/status/404\"}", srv.port);
    struct answer a;
    invoke("http", opts, &a);
    assert_string_equal(jstr(&a, "st"), "HS_OK");
    assert_int_equal((int)jnum(&a, "status"), 404);
    assert_string_equal(jstr(&a, "errorName"), "-");
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(a.json, "json");
    const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "errors"), 0);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(e, "code")->valuestring, "not_found");
    answer_free(&a);
}

static void test_timeout(void **state)
{
    (void)state;
    char opts[256];
    snprintf(opts, sizeof(opts),
             "{\"url\":\"http://127.0.0.1:%d/slow?q=1\",\"timeoutMs\":300,\"token\":\"" TOKEN "\"}",
             srv.port);
    struct answer a;
    invoke("http", opts, &a);
    assert_string_equal(jstr(&a, "st"), "HS_ERR_TIMEOUT");
    assert_false(jtrue(&a, "resp"));
    assert_string_equal(jstr(&a, "errorName"), "HttpError");
    char want[128];
    snprintf(want, sizeof(want), "GET http://127.0.0.1:%d/slow timed out after ", srv.port);
    assert_non_null(strstr(jstr(&a, "error"), want));
    assert_null(strstr(jstr(&a, "error"), TOKEN));
    assert_null(strstr(jstr(&a, "error"), "q=1")); /* no query in messages */
    assert_true(a.ms < 3000);
    assert_non_null(strstr(a.log, "warn http GET"));
    assert_null(strstr(a.log, TOKEN));
    answer_free(&a);
}

static void test_oversized_response_refused(void **state)
{
    (void)state;
    static const char *const paths[] = {"big", "bigchunked"};
    for (size_t i = 0; i < 2; i++) {
        char opts[256];
        snprintf(opts, sizeof(opts), "{\"url\":\"http://127.0.0.1:%d/%s\",\"maxBytes\":1048576}",
                 srv.port, paths[i]);
        struct answer a;
        invoke("http", opts, &a);
        assert_string_equal(jstr(&a, "st"), "HS_ERR_LIMIT");
        assert_non_null(strstr(jstr(&a, "error"), "exceeds max_response_bytes (1048576 bytes)"));
        assert_false(jtrue(&a, "resp"));
        answer_free(&a);
    }
    /* The same body fits a larger limit. */
    char opts[256];
    snprintf(opts, sizeof(opts), "{\"url\":\"http://127.0.0.1:%d/bigchunked\",\"maxBytes\":3e6}",
             srv.port);
    struct answer a;
    invoke("http", opts, &a);
    assert_string_equal(jstr(&a, "st"), "HS_OK");
    assert_int_equal((int)jnum(&a, "bodyLen"), 2097152);
    answer_free(&a);
    /* A limit above HS_HTTP_MAX_RESPONSE_LIMIT is refused before anything is sent. */
    int before = server_requests();
    snprintf(opts, sizeof(opts), "{\"url\":\"http://127.0.0.1:%d/json\",\"maxBytes\":1e9}",
             srv.port);
    invoke("http", opts, &a);
    assert_string_equal(jstr(&a, "st"), "HS_ERR_RANGE");
    assert_int_equal(server_requests(), before);
    answer_free(&a);
}

static void test_connection_refused(void **state)
{
    (void)state;
    char opts[256];
    int port = closed_port();
    snprintf(opts, sizeof(opts), "{\"url\":\"http://127.0.0.1:%d/x\"}", port);
    struct answer a;
    invoke("http", opts, &a);
    assert_string_equal(jstr(&a, "st"), "HS_ERR_NETWORK");
    assert_string_equal(jstr(&a, "errorName"), "HttpError");
    char want[128];
    snprintf(want, sizeof(want), "GET http://127.0.0.1:%d/x failed: ", port);
    assert_non_null(strstr(jstr(&a, "error"), want));
    answer_free(&a);

    /* Returned unexplained, the runner answers 500 with that description. */
    snprintf(opts, sizeof(opts), "{\"url\":\"http://127.0.0.1:%d/x\",\"token\":\"" TOKEN "\"}",
             port);
    invoke("raw", opts, &a);
    assert_int_equal(a.status, 500);
    const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(a.json, "errors"), 0);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(e, "code")->valuestring, "HttpError");
    assert_non_null(strstr(cJSON_GetObjectItemCaseSensitive(e, "message")->valuestring, want));
    assert_null(strstr(a.body, TOKEN));
    answer_free(&a);
}

static void test_redirects(void **state)
{
    (void)state;
    char opts[256];
    snprintf(opts, sizeof(opts), "{\"url\":\"http://127.0.0.1:%d/redirect\"}", srv.port);
    struct answer a;
    invoke("http", opts, &a);
    assert_string_equal(jstr(&a, "st"), "HS_OK");
    assert_int_equal((int)jnum(&a, "status"), 302);
    assert_string_equal(jstr(&a, "location"), "/json");
    answer_free(&a);
    snprintf(opts, sizeof(opts), "{\"url\":\"http://127.0.0.1:%d/redirect\",\"follow\":true}",
             srv.port);
    invoke("http", opts, &a);
    assert_string_equal(jstr(&a, "st"), "HS_OK");
    assert_int_equal((int)jnum(&a, "status"), 200);
    assert_string_equal(jstr(&a, "multi"), "a, b"); /* the last response's headers only */
    assert_string_equal(jstr(&a, "location"), "-");
    answer_free(&a);
}

static void test_refused_requests(void **state)
{
    (void)state;
    int before = server_requests();
    char opts[512];
    const char *bad[] = {
        "{\"url\":\"ftp://127.0.0.1:%d/x\"}",
        "{\"url\":\"file:///etc/passwd\"}",
        "{\"url\":\"not a url\"}",
        "{}",
        "{\"url\":\"http://127.0.0.1:%d/x\",\"method\":\"GE T\"}",
        "{\"url\":\"http://127.0.0.1:%d/x\",\"headers\":{\"X-A\":\"1\\r\\nX-Injected: 1\"}}",
        "{\"url\":\"http://127.0.0.1:%d/x\",\"headers\":{\"Bad Name\":\"1\"}}",
        "{\"url\":\"http://127.0.0.1:%d/x\",\"token\":\"a\\nb\"}",
        "{\"url\":\"http://127.0.0.1:%d/x\",\"structSize\":0}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(opts, sizeof(opts), bad[i], srv.port);
        struct answer a;
        invoke("http", opts, &a);
        if (strcmp(jstr(&a, "st"), "HS_ERR_INVALID") != 0)
            fprintf(stderr, "case %zu: %s\n", i, a.body);
        assert_string_equal(jstr(&a, "st"), "HS_ERR_INVALID");
        assert_false(jtrue(&a, "resp")); /* *resp reset to NULL */
        assert_string_not_equal(jstr(&a, "error"), "-");
        answer_free(&a);
    }
    assert_int_equal(server_requests(), before);
}

static void test_body_not_json(void **state)
{
    (void)state;
    char opts[256];
    snprintf(opts, sizeof(opts), "{\"url\":\"http://127.0.0.1:%d/text\"}", srv.port);
    struct answer a;
    invoke("http", opts, &a);
    assert_string_equal(jstr(&a, "st"), "HS_OK");
    assert_string_equal(jstr(&a, "body"), "plain words");
    assert_string_equal(jstr(&a, "jsonSt"), "HS_ERR_PARSE");
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(a.json, "json")));
    assert_non_null(strstr(jstr(&a, "jsonError"), "not JSON"));
    answer_free(&a);
    snprintf(opts, sizeof(opts), "{\"url\":\"http://127.0.0.1:%d/empty\"}", srv.port);
    invoke("http", opts, &a);
    assert_string_equal(jstr(&a, "body"), "");
    assert_string_equal(jstr(&a, "jsonSt"), "HS_ERR_PARSE");
    assert_non_null(strstr(jstr(&a, "jsonError"), "empty"));
    answer_free(&a);
}

static void test_older_request_struct(void **state)
{
    (void)state;
    /* A module built against a shorter request struct (ending before connect_timeout_ms) still
     * works: the fields it does not have read as zero, the defaults. */
    char opts[256];
    snprintf(opts, sizeof(opts), "{\"url\":\"http://127.0.0.1:%d/json\",\"structSize\":%zu}",
             srv.port, offsetof(hs_http_request_v1, connect_timeout_ms));
    struct answer a;
    invoke("http", opts, &a);
    assert_string_equal(jstr(&a, "st"), "HS_OK");
    assert_int_equal((int)jnum(&a, "status"), 200);
    answer_free(&a);
}

static void test_two_requests_one_invocation(void **state)
{
    (void)state;
    char opts[256];
    snprintf(opts, sizeof(opts),
             "{\"url\":\"http://127.0.0.1:%d/json\",\"url2\":\"http://127.0.0.1:%d/second\"}",
             srv.port, srv.port);
    struct answer a;
    invoke("twice", opts, &a);
    assert_int_equal(a.status, 200);
    assert_string_equal(a.body, "[200,200]");
    char head[16384], body[8192];
    last_request(head, sizeof(head), body, sizeof(body));
    assert_true(strncmp(head, "POST /second HTTP/1.1\r\n", 23) == 0);
    assert_string_equal(body, "[200]");
    answer_free(&a);
}

static void test_integrator_request(void **state)
{
    (void)state;
    char opts[512];
    snprintf(opts, sizeof(opts),
             "{\"url\":\"/tokenInfo\",\"bearerToken\":\"" TOKEN
             "\",\"settings\":{\"integratorApiUrl\":\"http://127.0.0.1:%d/v1/\"}}",
             srv.port);
    struct answer a;
    invoke("integrator", opts, &a);
    assert_string_equal(jstr(&a, "st"), "HS_OK");
    assert_int_equal((int)jnum(&a, "status"), 200);
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(a.json, "json");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(j, "_userId")->valuestring, "u-1");
    char head[16384];
    last_request(head, sizeof(head), NULL, 0);
    assert_true(strncmp(head, "GET /v1/tokenInfo HTTP/1.1\r\n", 28) == 0);
    assert_true(head_has(head, "Authorization", "Bearer " TOKEN));
    assert_true(head_has(head, "Accept", "application/json"));
    assert_null(strstr(a.log, TOKEN));
    answer_free(&a);

    /* Refusals: no token, a relative path that is not one, plain http to another host. */
    int before = server_requests();
    const char *bad[] = {
        "{\"url\":\"/tokenInfo\",\"settings\":{\"integratorApiUrl\":\"http://127.0.0.1:%d/v1\"}}",
        "{\"url\":\"tokenInfo\",\"bearerToken\":\"b\",\"settings\":{\"integratorApiUrl\":"
        "\"http://127.0.0.1:%d/v1\"}}",
        "{\"url\":\"//evil.example/x\",\"bearerToken\":\"b\",\"settings\":{"
        "\"integratorApiUrl\":\"http://127.0.0.1:%d/v1\"}}",
        "{\"url\":\"/tokenInfo\",\"bearerToken\":\"b\",\"settings\":{\"integratorApiUrl\":"
        "\"http://api.integrator.example:%d/v1\"}}",
        "{\"url\":\"/tokenInfo\",\"bearerToken\":\"b\",\"integratorRegion\":\"mars%d\"}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(opts, sizeof(opts), bad[i], srv.port);
        invoke("integrator", opts, &a);
        if (strcmp(jstr(&a, "st"), "HS_ERR_INVALID") != 0)
            fprintf(stderr, "case %zu: %s\n", i, a.body);
        assert_string_equal(jstr(&a, "st"), "HS_ERR_INVALID");
        answer_free(&a);
    }
    assert_int_equal(server_requests(), before);
}

/* The API base chosen for given options (sdk_http_integrator_base, no network). */
static void expect_base(const char *options, hs_status want, const char *base)
{
    struct arena *a = arena_new(4096, 0);
    assert_non_null(a);
    struct json_value *o = json_parse(a, options, strlen(options), NULL, NULL);
    assert_non_null(o);
    const char *got = NULL, *why = NULL;
    hs_status st = sdk_http_integrator_base(o, a, &got, &why);
    if (st != want || (base && (!got || strcmp(got, base) != 0)))
        fprintf(stderr, "%s: %s %s %s\n", options, hs_status_name(st), got ? got : "-",
                why ? why : "-");
    assert_int_equal(st, want);
    if (base)
        assert_string_equal(got, base);
    else
        assert_non_null(why);
    arena_free(a);
}

static void test_integrator_base(void **state)
{
    (void)state;
    const char *us = "https://api.integrator.io/v1", *eu = "https://api.eu.integrator.io/v1";
    expect_base("{}", HS_OK, us);
    expect_base("{\"settings\":{}}", HS_OK, us);
    expect_base("{\"settings\":{\"integratorRegion\":\"eu\"}}", HS_OK, eu);
    expect_base("{\"settings\":{\"integratorRegion\":\"EU\"}}", HS_OK, eu);
    expect_base("{\"integratorRegion\":\"eu\"}", HS_OK, eu);
    expect_base("{\"integratorRegion\":\"eu\",\"settings\":{\"integratorRegion\":\"us\"}}", HS_OK,
                us);
    expect_base("{\"settings\":{\"integratorApiUrl\":\"https://api.eu.integrator.io/v1//\"}}",
                HS_OK, eu);
    expect_base("{\"integratorApiUrl\":\"http://localhost:9/v1\"}", HS_OK, "http://localhost:9/v1");
    expect_base("{\"settings\":{\"integratorApiUrl\":\"http://api.integrator.io/v1\"}}",
                HS_ERR_INVALID, NULL);
    expect_base("{\"settings\":{\"integratorApiUrl\":\"https://u:p@api.integrator.io/v1\"}}",
                HS_ERR_INVALID, NULL);
    expect_base("{\"settings\":{\"integratorApiUrl\":\"https://api.integrator.io/v1?x=1\"}}",
                HS_ERR_INVALID, NULL);
    expect_base("{\"settings\":{\"integratorApiUrl\":5}}", HS_ERR_INVALID, NULL);
    expect_base("{\"settings\":{\"integratorRegion\":\"ap\"}}", HS_ERR_INVALID, NULL);
}

static void test_status_names(void **state)
{
    (void)state;
    assert_string_equal(api->status_name(HS_ERR_TIMEOUT), "HS_ERR_TIMEOUT");
    assert_string_equal(hs_status_name(HS_ERR_NETWORK), "HS_ERR_NETWORK");
    assert_true(HS_API_HAS(api, page_route_named));
    assert_true(HS_API_HAS(api, http_request));
    assert_true(api->abi_minor >= 1); /* the HTTP calls came with 1.1 */
}

static int group_setup(void **state)
{
    (void)state;
    /* Loopback only: no proxy may be consulted. */
    static const char *const proxies[] = {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                                          "all_proxy",  "ALL_PROXY",  "no_proxy",    "NO_PROXY"};
    for (size_t i = 0; i < sizeof(proxies) / sizeof(proxies[0]); i++)
        unsetenv(proxies[i]);
    reg = registry_new(false);
    char err[512];
    if (!reg || registry_add_static(reg, sdk_http_test_entry, "test_sdk_http", err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return server_start();
}

static int group_teardown(void **state)
{
    (void)state;
    server_stop();
    registry_free(reg);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_json_with_bearer),
        cmocka_unit_test(test_post_json_and_headers),
        cmocka_unit_test(test_non_2xx_is_an_answer),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_oversized_response_refused),
        cmocka_unit_test(test_connection_refused),
        cmocka_unit_test(test_redirects),
        cmocka_unit_test(test_refused_requests),
        cmocka_unit_test(test_body_not_json),
        cmocka_unit_test(test_older_request_struct),
        cmocka_unit_test(test_two_requests_one_invocation),
        cmocka_unit_test(test_integrator_request),
        cmocka_unit_test(test_integrator_base),
        cmocka_unit_test(test_status_names),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
