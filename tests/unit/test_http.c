/* test_http.c — the front's request parser (runner/http.c): headers kept and matched
 * case-insensitively, the first of duplicates, bodies by Content-Length and chunked, byte-by-byte
 * feeding, pipelined requests stopping at each end, reuse, every limit (413, 431, 400), body
 * memory that follows the bytes received (not the declared length) and a request refused at its
 * headers with its body unread. Then
 * the strict rules (http_scan.c and the callbacks): every form Node 20 refuses is refused with its
 * reason, fed whole, in two pieces at every split point and byte by byte; the valid forms next to
 * them still parse; trailers never stand in for headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

static const struct http_limits limits = {
    .max_header_bytes = 1024, .max_headers = 8, .max_body = 100};

static int headers_seen;
static enum http_body_mode mode_to_return;

static enum http_body_mode on_headers(struct http_req *r, void *arg)
{
    (void)r;
    (void)arg;
    headers_seen++;
    return mode_to_return;
}

static int setup(void **state)
{
    struct http_req *r = calloc(1, sizeof(*r));
    http_global_init(limits.max_header_bytes);
    http_req_init(r, &limits, on_headers, NULL);
    headers_seen = 0;
    mode_to_return = HTTP_BODY_KEEP;
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    http_req_free(*state);
    free(*state);
    return 0;
}

static void assert_strv(struct strv v, const char *want)
{
    if (want == NULL) {
        assert_null(v.p);
        return;
    }
    assert_non_null(v.p);
    assert_int_equal(v.len, strlen(want));
    assert_memory_equal(v.p, want, v.len);
}

static void test_simple_get(void **state)
{
    struct http_req *r = *state;
    const char *req = "GET /healthCheck?a=1 HTTP/1.1\r\nHost: x\r\n\r\n";
    assert_int_equal(http_req_feed(r, req, strlen(req)), strlen(req));
    assert_true(r->complete);
    assert_int_equal(r->err, ERR_OK);
    assert_strv(http_req_url(r), "/healthCheck?a=1");
    assert_string_equal(http_req_method(r), "GET");
    assert_true(http_req_keep_alive(r));
    assert_strv(http_req_header(r, HTTP_HDR_AUTHORIZATION), NULL);
    assert_int_equal(http_req_body(r).len, 0);
    assert_int_equal(headers_seen, 1);
}

static void test_byte_by_byte_post(void **state)
{
    struct http_req *r = *state;
    const char *req = "POST /function HTTP/1.1\r\nHost: x\r\nauthorization: Bearer abc\r\n"
                      "CONTENT-TYPE: application/json\r\nTraceId: t-1\r\n"
                      "Content-Encoding: gzip\r\nX-Other: 1\r\nContent-Length: 7\r\n\r\n{\"a\":1}";
    size_t n = strlen(req);
    for (size_t i = 0; i < n; i++) {
        assert_false(r->complete);
        assert_int_equal(http_req_feed(r, req + i, 1), 1);
    }
    assert_true(r->complete);
    assert_strv(http_req_url(r), "/function");
    assert_strv(http_req_header(r, HTTP_HDR_AUTHORIZATION), "Bearer abc");
    assert_strv(http_req_header(r, HTTP_HDR_CONTENT_TYPE), "application/json");
    assert_strv(http_req_header(r, HTTP_HDR_TRACEID), "t-1");
    assert_strv(http_req_header(r, HTTP_HDR_CONTENT_ENCODING), "gzip");
    assert_strv(http_req_body(r), "{\"a\":1}");
    assert_int_equal(r->bytes_in, n);
}

static void test_duplicates_and_empty_value(void **state)
{
    struct http_req *r = *state;
    const char *req =
        "GET / HTTP/1.1\r\nHost: x\r\nAuthorization: first\r\nAuthorization: second\r\n"
        "traceid:\r\n\r\n";
    http_req_feed(r, req, strlen(req));
    assert_true(r->complete);
    assert_strv(http_req_header(r, HTTP_HDR_AUTHORIZATION), "first");
    /* Present but empty. */
    assert_strv(http_req_header(r, HTTP_HDR_TRACEID), "");
}

static void test_pipelined_and_reuse(void **state)
{
    struct http_req *r = *state;
    const char *two = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: "
                      "x\r\nContent-Length: 2\r\n\r\nhi";
    size_t first = strlen("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
    size_t n = http_req_feed(r, two, strlen(two));
    assert_int_equal(n, first);
    assert_true(r->complete);
    assert_strv(http_req_url(r), "/a");
    /* Nothing more is parsed until the caller moves on. */
    assert_int_equal(http_req_feed(r, two + n, strlen(two) - n), 0);
    http_req_next(r);
    assert_false(r->complete);
    size_t m = http_req_feed(r, two + n, strlen(two) - n);
    assert_int_equal(m, strlen(two) - n);
    assert_true(r->complete);
    assert_strv(http_req_url(r), "/b");
    assert_strv(http_req_body(r), "hi");
    assert_strv(http_req_header(r, HTTP_HDR_AUTHORIZATION), NULL);
}

static void test_chunked_body(void **state)
{
    struct http_req *r = *state;
    const char *req = "POST /function HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nTrailer: x\r\n\r\n";
    http_req_feed(r, req, strlen(req));
    assert_true(r->complete);
    assert_strv(http_req_body(r), "abcdefg");
}

static void test_discarded_body(void **state)
{
    struct http_req *r = *state;
    mode_to_return = HTTP_BODY_DISCARD;
    const char *req = "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
    http_req_feed(r, req, strlen(req));
    assert_true(r->complete);
    assert_int_equal(http_req_body(r).len, 0);
}

static void test_declared_length_reserves_nothing(void **state)
{
    struct http_req *r = *state;
    static const struct http_limits big = {
        .max_header_bytes = 1024, .max_headers = 8, .max_body = 16u << 20};
    http_req_free(r);
    http_req_init(r, &big, on_headers, NULL);
    const char *head = "POST /function HTTP/1.1\r\nHost: x\r\nContent-Length: 8388609\r\n\r\n";
    assert_int_equal(http_req_feed(r, head, strlen(head)), strlen(head));
    assert_true(r->headers_done);
    /* 8 MB declared, nothing sent: nothing allocated. */
    assert_int_equal(r->body_cap, 0);
    static char chunk[100 * 1024];
    memset(chunk, 'x', sizeof(chunk));
    assert_int_equal(http_req_feed(r, chunk, 10), 10);
    assert_true(r->body_cap >= 10 && r->body_cap <= 4096);
    size_t got = 10;
    for (int i = 0; i < 30; i++) {
        assert_int_equal(http_req_feed(r, chunk, sizeof(chunk)), sizeof(chunk));
        got += sizeof(chunk);
        /* The buffer follows what arrived: at most twice it. */
        assert_int_equal(r->body_len, got);
        assert_true(r->body_cap >= got && r->body_cap <= 2 * got);
    }
    assert_false(r->complete);
}

static void test_refused_unread(void **state)
{
    struct http_req *r = *state;
    mode_to_return = HTTP_BODY_REFUSE;
    const char *req = "POST /function HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
    size_t n = http_req_feed(r, req, strlen(req));
    assert_int_equal(r->err, ERR_OK);
    assert_true(r->complete);
    assert_true(r->refused);
    /* The body is left unread and nothing was allocated for it. */
    assert_true(n <= strlen(req) - 5);
    assert_int_equal(http_req_body(r).len, 0);
    assert_int_equal(r->body_cap, 0);
    assert_int_equal(http_req_feed(r, req + n, strlen(req) - n), 0);
}

static void test_body_limit_content_length(void **state)
{
    struct http_req *r = *state;
    const char *req = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n";
    http_req_feed(r, req, strlen(req));
    assert_int_equal(r->err, ERR_TOO_LARGE);
    assert_int_equal(r->err_status, 413);
    /* Refused at the headers: the front was never asked what to do with the body. */
    assert_int_equal(headers_seen, 0);
}

static void test_body_limit_chunked(void **state)
{
    struct http_req *r = *state;
    char req[512];
    char chunk[61];
    memset(chunk, 'x', 60);
    chunk[60] = '\0';
    snprintf(req, sizeof(req),
             "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
             "chunked\r\n\r\n3c\r\n%s\r\n3c\r\n%s\r\n0\r\n\r\n",
             chunk, chunk);
    http_req_feed(r, req, strlen(req));
    assert_int_equal(r->err, ERR_TOO_LARGE);
    assert_int_equal(r->err_status, 413);
    assert_false(r->complete);
}

static void test_body_exactly_at_limit(void **state)
{
    struct http_req *r = *state;
    char req[512];
    char body[101];
    memset(body, 'b', 100);
    body[100] = '\0';
    snprintf(req, sizeof(req), "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n%s", body);
    http_req_feed(r, req, strlen(req));
    assert_int_equal(r->err, ERR_OK);
    assert_true(r->complete);
    assert_int_equal(http_req_body(r).len, 100);
}

static void test_header_limits(void **state)
{
    struct http_req *r = *state;
    char req[2048];
    char big[1100];
    memset(big, 'v', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n", big);
    http_req_feed(r, req, strlen(req));
    assert_int_equal(r->err, ERR_TOO_LARGE);
    assert_int_equal(r->err_status, 431);

    http_req_free(r);
    http_req_init(r, &limits, on_headers, NULL);
    size_t pos = (size_t)snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 8; i++)
        pos += (size_t)snprintf(req + pos, sizeof(req) - pos, "H%d: v\r\n", i);
    snprintf(req + pos, sizeof(req) - pos, "\r\n");
    http_req_feed(r, req, strlen(req));
    assert_int_equal(r->err, ERR_TOO_LARGE);
    assert_int_equal(r->err_status, 431);

    /* A long URL counts too. */
    http_req_free(r);
    http_req_init(r, &limits, on_headers, NULL);
    snprintf(req, sizeof(req), "GET /%s HTTP/1.1\r\nHost: x\r\n\r\n", big);
    http_req_feed(r, req, strlen(req));
    assert_int_equal(r->err, ERR_TOO_LARGE);
    assert_int_equal(r->err_status, 431);
}

static void test_malformed(void **state)
{
    struct http_req *r = *state;
    const char *bad[] = {
        "HELLO\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        http_req_free(r);
        http_req_init(r, &limits, on_headers, NULL);
        http_req_feed(r, bad[i], strlen(bad[i]));
        assert_int_equal(r->err, ERR_INVALID);
        assert_int_equal(r->err_status, 400);
        assert_non_null(r->err_detail);
    }
}

static void test_connection_close_and_http10(void **state)
{
    struct http_req *r = *state;
    const char *req = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    http_req_feed(r, req, strlen(req));
    assert_true(r->complete);
    assert_false(http_req_keep_alive(r));
    http_req_free(r);
    http_req_init(r, &limits, on_headers, NULL);
    req = "GET / HTTP/1.0\r\n\r\n";
    http_req_feed(r, req, strlen(req));
    assert_true(r->complete);
    assert_false(http_req_keep_alive(r));
}

/* Feeds req in pieces of `step` bytes (the last may be shorter), after a first piece of `first`
 * bytes, the way a socket may deliver it; stops at the end of the request or at an error. */
static void feed_split(struct http_req *r, const char *req, size_t len, size_t first, size_t step)
{
    size_t off = 0;
    while (off < len && r->err == ERR_OK && !r->complete) {
        size_t n = off == 0 && first > 0 ? first : step;
        if (n > len - off)
            n = len - off;
        size_t used = http_req_feed(r, req + off, n);
        off += used;
        if (used < n)
            break;
    }
}

/* The outcome of parsing req split every way there is: whole, two pieces at each offset, one
 * byte at a time. Every way must end the same; returns it (err, detail, complete). */
struct outcome {
    int err; /* the HTTP status of the failure (http.h), 0 when none */
    const char *detail;
    bool complete;
    size_t body_len;
};

static struct outcome parse_every_split(const char *req)
{
    size_t len = strlen(req);
    struct outcome first = {0};
    for (size_t split = 0; split <= len + 1; split++) {
        struct http_req r;
        http_req_init(&r, &limits, on_headers, NULL);
        if (split <= len)
            feed_split(&r, req, len, split, len); /* split 0: whole */
        else
            feed_split(&r, req, len, 0, 1);
        struct outcome o = {r.err_status, r.err_detail, r.complete, http_req_body(&r).len};
        if (split == 0) {
            first = o;
        } else {
            if (o.err != first.err || o.complete != first.complete ||
                o.body_len != first.body_len || (o.detail == NULL) != (first.detail == NULL) ||
                (o.detail != NULL && strcmp(o.detail, first.detail) != 0))
                fail_msg("split at %zu of %s: err %d (%s) complete %d, whole: err %d (%s) "
                         "complete %d",
                         split, req, o.err, o.detail ? o.detail : "-", o.complete, first.err,
                         first.detail ? first.detail : "-", first.complete);
        }
        http_req_free(&r);
    }
    return first;
}

#define CHUNKED_HEAD "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"

static void test_strict_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *req;
        int err; /* the HTTP status of the failure */
        const char *why;
    } cases[] = {
        /* The list: each got 200 before, Node 20 answers 400 (417 for Expect). */
        {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello", 400,
         "whitespace in a header name or before its colon"},
        {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
         400, "whitespace in a header name or before its colon"},
        {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n\r\n5\r\nhello\r\n0\r\n"
         "\r\n",
         400, "obsolete line folding (a field line starts with whitespace)"},
        {"GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer\r\n abc\r\n\r\n", 400,
         "obsolete line folding (a field line starts with whitespace)"},
        {"GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer\r\n\tabc\r\n\r\n", 400,
         "obsolete line folding (a field line starts with whitespace)"},
        {CHUNKED_HEAD "5\r\nhelloXX0\r\n\r\n", 400, "chunk data not followed by CRLF"},
        {CHUNKED_HEAD "5\r\nhello\rX0\r\n\r\n", 400, "chunk data not followed by CRLF"},
        {CHUNKED_HEAD "5\r\nhello\n0\r\n\r\n", 400, "chunk data not followed by CRLF"},
        {"GET / HTTP/1.1\r\nHost: x\r\nX Foo: bar\r\n\r\n", 400,
         "whitespace in a header name or before its colon"},
        {"GET / HTTP/1.1\r\n\r\n", 400, "HTTP/1.1 request without a Host header"},
        {"GET / HTTP/9.9\r\nHost: x\r\n\r\n", 400, "unsupported HTTP version"},
        {"GET / HTTP/1.2\r\nHost: x\r\n\r\n", 400, "unsupported HTTP version"},
        {"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 400, "unsupported HTTP version"},
        {"GET / HTTP/0.9\r\nHost: x\r\n\r\n", 400, "unsupported HTTP version"},
        {"GET / HTTP/1.1\nHost: x\n\n", 400, "bare LF in the request line"},
        {"GET / HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n", 400, "bare LF in the header section"},
        {"GET / HTTP/1.1\r\nHost: x\r\n\n", 400, "bare LF in the header section"},
        {"GET / HTTP/1.1\r\nHost: x\r\nExpect: foo\r\n\r\n", 417,
         "only the expectation 100-continue is supported"},
        {"POST / HTTP/1.1\r\nHost: x\r\nExpect: foo\r\nContent-Length: 5\r\n\r\nhello", 417,
         "only the expectation 100-continue is supported"},
        {"GET / HTTP/1.1\r\nHost: x\r\nExpect:\r\n\r\n", 417,
         "only the expectation 100-continue is supported"},
        {CHUNKED_HEAD "fffffffffffffffff\r\nabc\r\n0\r\n\r\n", 400, "chunk size overflow"},
        {CHUNKED_HEAD "ffffffffffffffff\r\nabc\r\n0\r\n\r\n", 400, "chunk size overflow"},
        /* Their neighbours, refused by Node 20 too. */
        {"GET / HTTP/1.1\r\n Host: x\r\n\r\n", 400,
         "obsolete line folding (a field line starts with whitespace)"},
        {"GET / HTTP/1.1\r\nHost: x\r\n: x\r\n\r\n", 400, "empty header name"},
        {"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400,
         "CR not followed by LF in the header section"},
        {"GET / HTTP/1.1\r\nHost: x\r\n\rX", 400, "CR not followed by LF in the header section"},
        {"GET / HTTP/1.1\r\rHost: x\r\n\r\n", 400, "CR not followed by LF in the request line"},
        {"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x01"
         "b\r\n\r\n",
         400, "invalid character in a header value"},
        {"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x7f"
         "b\r\n\r\n",
         400, "invalid character in a header value"},
        {"GET / HTTP/1.1\r\nHost: x\r\nX-\xc3\xa9: a\r\n\r\n", 400,
         "invalid character in a header name"},
        {CHUNKED_HEAD "5 \r\nhello\r\n0\r\n\r\n", 400, "invalid character in a chunk size"},
        {CHUNKED_HEAD "5\nhello\r\n0\r\n\r\n", 400, "bare LF after a chunk size"},
        {CHUNKED_HEAD "x\r\nhello\r\n0\r\n\r\n", 400, "invalid chunk size"},
        {CHUNKED_HEAD "5 ;a=b\r\nhello\r\n0\r\n\r\n", 400, "invalid character in a chunk size"},
        {CHUNKED_HEAD "5;\r\nhello\r\n0\r\n\r\n", 400, "invalid chunk extension"},
        {CHUNKED_HEAD "5; a\r\nhello\r\n0\r\n\r\n", 400, "invalid chunk extension"},
        {CHUNKED_HEAD "5;a b\r\nhello\r\n0\r\n\r\n", 400, "invalid chunk extension"},
        {CHUNKED_HEAD "5;a = b\r\nhello\r\n0\r\n\r\n", 400, "invalid chunk extension"},
        {CHUNKED_HEAD "5;a=b=c\r\nhello\r\n0\r\n\r\n", 400, "invalid chunk extension"},
        {CHUNKED_HEAD "5;a=\"b\r\nhello\r\n0\r\n\r\n", 400, "invalid chunk extension"},
        {CHUNKED_HEAD "5;a=\"b\"c\r\nhello\r\n0\r\n\r\n", 400, "invalid chunk extension"},
        {CHUNKED_HEAD "5;a=\xe9\r\nhello\r\n0\r\n\r\n", 400, "invalid chunk extension"},
        {CHUNKED_HEAD "5;a\rb\r\nhello\r\n0\r\n\r\n", 400,
         "CR not followed by LF after a chunk size"},
        {CHUNKED_HEAD "5\r\nhello\r\n0\r\nX-T: a\r\n b\r\n\r\n", 400,
         "obsolete line folding (a field line starts with whitespace)"},
        {CHUNKED_HEAD "5\r\nhello\r\n0\r\nX-T : a\r\n\r\n", 400,
         "whitespace in a header name or before its colon"},
        {CHUNKED_HEAD "5\r\nhello\r\n0\r\nX-T: a\n\r\n", 400, "bare LF in the header section"},
        {CHUNKED_HEAD "5\r\nhello\r\n0\n\n", 400, "bare LF after a chunk size"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct outcome o = parse_every_split(cases[i].req);
        if (o.err != cases[i].err || o.detail == NULL || strcmp(o.detail, cases[i].why) != 0)
            fail_msg("case %zu (%s): err %d (%s), expected %d (%s)", i, cases[i].req, o.err,
                     o.detail ? o.detail : "-", cases[i].err, cases[i].why);
        assert_false(o.complete);
    }
}

static void test_strict_accepts_valid_forms(void **state)
{
    (void)state;
    static const struct {
        const char *req;
        size_t body_len;
    } cases[] = {
        {"\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", 0}, /* empty lines before: skipped */
        {"\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", 0},
        {"GET / HTTP/1.0\r\n\r\n", 0},                /* HTTP/1.0 needs no Host */
        {"GET / HTTP/1.0\r\nExpect: foo\r\n\r\n", 0}, /* nor understands Expect */
        {"GET / HTTP/1.1\r\nhOsT:\r\n\r\n", 0},       /* an empty Host is a Host */
        {"GET / HTTP/1.1\r\nHost: x\r\nX-A:\t a\tb \t\r\nX-B:c\r\nX-C:   \r\n\r\n", 0},
        {"GET / HTTP/1.1\r\nHost: x\r\nX-A: caf\xc3\xa9\r\n\r\n", 0}, /* obs-text */
        {"POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nContent-Length: 5\r\n\r\nhello", 5},
        {"POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue \r\nContent-Length: 5\r\n\r\nhello",
         5},
        {CHUNKED_HEAD "5;a\r\nhello\r\n0\r\n\r\n", 5},
        {CHUNKED_HEAD "5;a=\r\nhello\r\n0\r\n\r\n", 5},
        {CHUNKED_HEAD "5;a=b;c=d\r\nhello\r\n0\r\n\r\n", 5},
        {CHUNKED_HEAD "5;a;b\r\nhello\r\n0\r\n\r\n", 5},
        {CHUNKED_HEAD "5;a=\"b\\\"c\"\r\nhello\r\n0\r\n\r\n", 5},
        {CHUNKED_HEAD "5;a=\"b\tc \xe9\"\r\nhello\r\n0\r\n\r\n", 5},
        {CHUNKED_HEAD "0005\r\nhello\r\n3\r\nabc\r\n0;last=1\r\nX-T: a\r\nX-U: b\r\n\r\n", 8},
        {CHUNKED_HEAD "A\r\n0123456789\r\n0\r\n\r\n", 10},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct outcome o = parse_every_split(cases[i].req);
        if (o.err != 0 || !o.complete || o.body_len != cases[i].body_len)
            fail_msg("case %zu (%s): err %d (%s), complete %d, body %zu", i, cases[i].req, o.err,
                     o.detail ? o.detail : "-", o.complete, o.body_len);
    }
}

static void test_trailers_are_not_headers(void **state)
{
    struct http_req *r = *state;
    /* A trailer cannot supply (or replace) a header the front reads after the body. */
    const char *req = CHUNKED_HEAD "5\r\nhello\r\n0\r\nAuthorization: Bearer abc\r\n"
                                   "Content-Type: text/plain\r\ntraceid: t\r\n\r\n";
    http_req_feed(r, req, strlen(req));
    assert_true(r->complete);
    assert_int_equal(r->err, ERR_OK);
    assert_strv(http_req_header(r, HTTP_HDR_AUTHORIZATION), NULL);
    assert_strv(http_req_header(r, HTTP_HDR_CONTENT_TYPE), NULL);
    assert_strv(http_req_header(r, HTTP_HDR_TRACEID), NULL);
    assert_strv(http_req_body(r), "hello");
}

static void test_values_lose_trailing_whitespace(void **state)
{
    struct http_req *r = *state;
    const char *req = "GET / HTTP/1.1\r\nHost: x\r\nAuthorization:  Bearer abc \t\r\n"
                      "Content-Type: \t\r\ntraceid: t 1\r\n\r\n";
    http_req_feed(r, req, strlen(req));
    assert_true(r->complete);
    assert_strv(http_req_header(r, HTTP_HDR_AUTHORIZATION), "Bearer abc");
    assert_strv(http_req_header(r, HTTP_HDR_CONTENT_TYPE), "");
    assert_strv(http_req_header(r, HTTP_HDR_TRACEID), "t 1");
}

static void test_chunk_over_limit_at_its_size(void **state)
{
    struct http_req *r = *state;
    /* 0x65 = 101 bytes > 100: refused at the size line, before any of its bytes. */
    const char *req = CHUNKED_HEAD "65\r\n";
    http_req_feed(r, req, strlen(req));
    assert_int_equal(r->err, ERR_TOO_LARGE);
    assert_int_equal(r->err_status, 413);
    /* After 60 bytes, a chunk of 41 passes the limit too; one of 40 does not. */
    http_req_free(r);
    http_req_init(r, &limits, on_headers, NULL);
    char big[256];
    snprintf(big, sizeof(big), CHUNKED_HEAD "3c\r\n%060d\r\n29\r\n", 0);
    http_req_feed(r, big, strlen(big));
    assert_int_equal(r->err, ERR_TOO_LARGE);
    assert_int_equal(r->err_status, 413);
    http_req_free(r);
    http_req_init(r, &limits, on_headers, NULL);
    snprintf(big, sizeof(big), CHUNKED_HEAD "3c\r\n%060d\r\n28\r\n%040d\r\n0\r\n\r\n", 0, 0);
    http_req_feed(r, big, strlen(big));
    assert_int_equal(r->err, ERR_OK);
    assert_true(r->complete);
    assert_int_equal(http_req_body(r).len, 100);
}

static void test_pipelined_strict_requests(void **state)
{
    struct http_req *r = *state;
    /* Chunked, then Content-Length, then none, in one buffer: each stops at its own end and the
     * scanner starts again with the next. */
    const char *all = CHUNKED_HEAD "3\r\nabc\r\n0\r\n\r\n"
                                   "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
                                   "GET /c HTTP/1.1\r\nHost: x\r\n\r\n";
    size_t len = strlen(all), off = 0;
    const char *urls[] = {"/", "/b", "/c"};
    const char *bodies[] = {"abc", "hi", ""};
    for (int i = 0; i < 3; i++) {
        off += http_req_feed(r, all + off, len - off);
        assert_int_equal(r->err, ERR_OK);
        assert_true(r->complete);
        assert_strv(http_req_url(r), urls[i]);
        assert_strv(http_req_body(r), bodies[i]);
        http_req_next(r);
    }
    assert_int_equal(off, len);
    /* A bad second request is refused with its own reason. */
    const char *two = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\nY: z\r\n\r\n";
    size_t n = http_req_feed(r, two, strlen(two));
    assert_true(r->complete);
    http_req_next(r);
    http_req_feed(r, two + n, strlen(two) - n);
    assert_int_equal(r->err, ERR_INVALID);
    assert_int_equal(r->err_status, 400);
    assert_string_equal(r->err_detail, "bare LF in the header section");
}

/* The request-target helpers the front routes with (http_url.c) and the reason phrases. */
static void test_url_split_and_query(void **state)
{
    (void)state;
    struct strv path, query;
    http_url_split(STRV("/function?a=1#frag"), &path, &query);
    assert_int_equal(path.len, 9);
    assert_memory_equal(path.p, "/function", 9);
    assert_int_equal(query.len, 3);
    assert_memory_equal(query.p, "a=1", 3);
    http_url_split(STRV("/healthCheck"), &path, &query);
    assert_int_equal(path.len, 12);
    assert_null(query.p);
    /* absolute-form: its path, or "/" */
    http_url_split(STRV("HTTP://example.com/x/y?q"), &path, &query);
    assert_int_equal(path.len, 4);
    assert_memory_equal(path.p, "/x/y", 4);
    assert_int_equal(query.len, 1);
    http_url_split(STRV("https://example.com"), &path, &query);
    assert_int_equal(path.len, 1);
    assert_memory_equal(path.p, "/", 1);
    char v[16];
    struct strv q = STRV("terminate=true&access_token=a%2Bb+c&empty&x=");
    assert_int_equal(http_query_param(q, "terminate", v, sizeof(v)), 4);
    assert_string_equal(v, "true");
    assert_int_equal(http_query_param(q, "access_token", v, sizeof(v)), 5);
    assert_string_equal(v, "a+b c");
    assert_int_equal(http_query_param(q, "empty", v, sizeof(v)), 0);
    assert_int_equal(http_query_param(q, "x", v, sizeof(v)), 0);
    assert_int_equal(http_query_param(q, "term", v, sizeof(v)), -1);
    assert_int_equal(http_query_param(q, "missing", v, sizeof(v)), -1);
    /* cut to fit, NUL-terminated */
    char small[4];
    assert_int_equal(http_query_param(q, "terminate", small, sizeof(small)), 3);
    assert_string_equal(small, "tru");
}

static void test_status_text(void **state)
{
    (void)state;
    assert_string_equal(http_status_text(200), "OK");
    assert_string_equal(http_status_text(102), "Processing");
    assert_string_equal(http_status_text(413), "Payload Too Large");
    assert_string_equal(http_status_text(431), "Request Header Fields Too Large");
    assert_string_equal(http_status_text(503), "Service Unavailable");
    /* not in the table: its class */
    assert_string_equal(http_status_text(299), "OK");
    assert_string_equal(http_status_text(418), "Bad Request");
    assert_string_equal(http_status_text(599), "Internal Server Error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_simple_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_byte_by_byte_post, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicates_and_empty_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipelined_and_reuse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chunked_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_discarded_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_declared_length_reserves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_unread, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_limit_content_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_limit_chunked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_exactly_at_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connection_close_and_http10, setup, teardown),
        cmocka_unit_test(test_strict_refusals),
        cmocka_unit_test(test_strict_accepts_valid_forms),
        cmocka_unit_test_setup_teardown(test_trailers_are_not_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_values_lose_trailing_whitespace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chunk_over_limit_at_its_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipelined_strict_requests, setup, teardown),
        cmocka_unit_test(test_url_split_and_query),
        cmocka_unit_test(test_status_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
