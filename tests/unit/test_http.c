/* test_http.c — the front's request parser (runner/http.c): headers kept and matched
 * case-insensitively, the first of duplicates, bodies by Content-Length and chunked, byte-by-byte
 * feeding, pipelined requests stopping at each end, reuse, and every limit (413, 431, 400). */
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
    assert_int_equal(r->err, HTTP_OK);
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
    const char *req = "POST /function HTTP/1.1\r\nauthorization: Bearer abc\r\n"
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
    const char *req = "GET / HTTP/1.1\r\nAuthorization: first\r\nAuthorization: second\r\n"
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
    const char *two = "GET /a HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi";
    size_t first = strlen("GET /a HTTP/1.1\r\n\r\n");
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
    const char *req = "POST /function HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nTrailer: x\r\n\r\n";
    http_req_feed(r, req, strlen(req));
    assert_true(r->complete);
    assert_strv(http_req_body(r), "abcdefg");
}

static void test_discarded_body(void **state)
{
    struct http_req *r = *state;
    mode_to_return = HTTP_BODY_DISCARD;
    const char *req = "GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
    http_req_feed(r, req, strlen(req));
    assert_true(r->complete);
    assert_int_equal(http_req_body(r).len, 0);
}

static void test_body_limit_content_length(void **state)
{
    struct http_req *r = *state;
    const char *req = "POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n";
    http_req_feed(r, req, strlen(req));
    assert_int_equal(r->err, HTTP_E_BODY_TOO_LARGE);
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
    snprintf(
        req, sizeof(req),
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3c\r\n%s\r\n3c\r\n%s\r\n0\r\n\r\n",
        chunk, chunk);
    http_req_feed(r, req, strlen(req));
    assert_int_equal(r->err, HTTP_E_BODY_TOO_LARGE);
    assert_false(r->complete);
}

static void test_body_exactly_at_limit(void **state)
{
    struct http_req *r = *state;
    char req[512];
    char body[101];
    memset(body, 'b', 100);
    body[100] = '\0';
    snprintf(req, sizeof(req), "POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n%s", body);
    http_req_feed(r, req, strlen(req));
    assert_int_equal(r->err, HTTP_OK);
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
    snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nX-Big: %s\r\n\r\n", big);
    http_req_feed(r, req, strlen(req));
    assert_int_equal(r->err, HTTP_E_HEADERS_TOO_LARGE);

    http_req_free(r);
    http_req_init(r, &limits, on_headers, NULL);
    size_t pos = (size_t)snprintf(req, sizeof(req), "GET / HTTP/1.1\r\n");
    for (int i = 0; i < 9; i++)
        pos += (size_t)snprintf(req + pos, sizeof(req) - pos, "H%d: v\r\n", i);
    snprintf(req + pos, sizeof(req) - pos, "\r\n");
    http_req_feed(r, req, strlen(req));
    assert_int_equal(r->err, HTTP_E_HEADERS_TOO_LARGE);

    /* A long URL counts too. */
    http_req_free(r);
    http_req_init(r, &limits, on_headers, NULL);
    snprintf(req, sizeof(req), "GET /%s HTTP/1.1\r\n\r\n", big);
    http_req_feed(r, req, strlen(req));
    assert_int_equal(r->err, HTTP_E_HEADERS_TOO_LARGE);
}

static void test_malformed(void **state)
{
    struct http_req *r = *state;
    const char *bad[] = {
        "HELLO\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        "GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        http_req_free(r);
        http_req_init(r, &limits, on_headers, NULL);
        http_req_feed(r, bad[i], strlen(bad[i]));
        assert_int_equal(r->err, HTTP_E_BAD_REQUEST);
        assert_non_null(r->err_detail);
    }
}

static void test_connection_close_and_http10(void **state)
{
    struct http_req *r = *state;
    const char *req = "GET / HTTP/1.1\r\nConnection: close\r\n\r\n";
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_simple_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_byte_by_byte_post, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicates_and_empty_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipelined_and_reuse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chunked_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_discarded_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_limit_content_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_limit_chunked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_exactly_at_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connection_close_and_http10, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
