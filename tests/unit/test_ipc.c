/* test_ipc.c — the front<->worker frames (runner/ipc.c): request and response round trips
 * through a real socketpair (absent, empty and present fields), a frame larger than the
 * reader's first buffer, a clean end of file, and malformed frames refused; a response frame
 * stays within ipc_resp_frame_max() of its body whatever the length of its other fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipc.h"
#include "proto.h"

static struct strv sv(const char *s)
{
    struct strv v = {.p = s, .len = s ? strlen(s) : 0};
    return v;
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

/* Writes a request frame on one end of a socketpair and reads it back on the other. */
static void test_request_round_trip(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    struct strv f[IPC_REQ_NFIELDS] = {
        [IPC_REQ_AUTHORIZATION] = sv("Bearer t"),
        [IPC_REQ_QUERY] = sv(NULL),
        [IPC_REQ_CONTENT_TYPE] = sv("application/json"),
        [IPC_REQ_CONTENT_ENCODING] = sv(""),
        [IPC_REQ_TRACE_ID] = sv(NULL),
        [IPC_REQ_REQ_ID] = sv("1700000000000abcd"),
        [IPC_REQ_BODY] = sv("{\"diy\":true}"),
    };
    struct ipc_req_head h;
    size_t total = ipc_req_head_init(&h, 42, f);
    assert_true(total > sizeof(h));
    /* The way the front sends it: the head plus each field from where it lies. */
    struct iovec iov[1 + IPC_REQ_NFIELDS];
    int n = 0;
    iov[n++] = (struct iovec){&h, sizeof(h)};
    for (int i = 0; i < IPC_REQ_NFIELDS; i++) {
        if (f[i].p != NULL && f[i].len > 0)
            iov[n++] = (struct iovec){(void *)f[i].p, f[i].len};
    }
    assert_int_equal(ipc_writev_all(fds[0], iov, n), 0);
    size_t cap = 16; /* smaller than the frame: the reader grows its buffer */
    char *buf = malloc(cap);
    ssize_t got = ipc_read_frame(fds[1], &buf, &cap, IPC_REQ_MAGIC, sizeof(struct ipc_req_head));
    assert_int_equal(got, (ssize_t)total);
    struct proto_request req;
    uint32_t seq = 0;
    assert_int_equal(ipc_req_decode(buf, (size_t)got, &seq, &req), 0);
    assert_int_equal(seq, 42);
    assert_strv(req.authorization, "Bearer t");
    assert_strv(req.query, NULL);
    assert_strv(req.content_type, "application/json");
    assert_strv(req.content_encoding, "");
    assert_strv(req.trace_id, NULL);
    assert_strv(req.req_id, "1700000000000abcd");
    assert_strv(req.body, "{\"diy\":true}");
    /* The writer closes: a clean end of file. */
    close(fds[0]);
    assert_int_equal(ipc_read_frame(fds[1], &buf, &cap, IPC_REQ_MAGIC, sizeof(h)), 0);
    close(fds[1]);
    free(buf);
}

static void test_response_round_trip(void **state)
{
    (void)state;
    struct proto_response r;
    memset(&r, 0, sizeof(r));
    r.status = 401;
    r.flags = PROTO_RESP_WWW_AUTHENTICATE;
    r.content_type = "application/json; charset=utf-8";
    char body[] = "{\"errors\":[]}";
    r.body.data = body;
    r.body.len = strlen(body);
    r.function = "doSomething";
    r.flow_id = "f1";
    struct ipc_resp_head h;
    struct iovec iov[IPC_RESP_NFIELDS + 1];
    int n = ipc_resp_encode(&h, iov, 7, &r);
    assert_true(n > 1);
    /* Flatten and decode. */
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += iov[i].iov_len;
    assert_int_equal(total, h.frame_len);
    char *flat = malloc(total);
    size_t pos = 0;
    for (int i = 0; i < n; i++) {
        memcpy(flat + pos, iov[i].iov_base, iov[i].iov_len);
        pos += iov[i].iov_len;
    }
    assert_int_equal(ipc_frame_len(flat, total, IPC_RESP_MAGIC, sizeof(h)), total);
    struct ipc_resp_view v;
    assert_int_equal(ipc_resp_decode(flat, total, &v), 0);
    assert_int_equal(v.seq, 7);
    assert_int_equal(v.status, 401);
    assert_int_equal(v.flags, PROTO_RESP_WWW_AUTHENTICATE);
    assert_strv(v.f[IPC_RESP_BODY], body);
    assert_strv(v.f[IPC_RESP_CONTENT_TYPE], "application/json; charset=utf-8");
    assert_strv(v.f[IPC_RESP_FUNCTION], "doSomething");
    assert_strv(v.f[IPC_RESP_FLOW_ID], "f1");
    assert_strv(v.f[IPC_RESP_TYPE], NULL);
    assert_strv(v.f[IPC_RESP_CONNECTION_ID], NULL);
    free(flat);

    /* An empty body is present with length 0. */
    r.body.data = NULL;
    r.body.len = 0;
    n = ipc_resp_encode(&h, iov, 8, &r);
    total = 0;
    for (int i = 0; i < n; i++)
        total += iov[i].iov_len;
    flat = malloc(total);
    pos = 0;
    for (int i = 0; i < n; i++) {
        memcpy(flat + pos, iov[i].iov_base, iov[i].iov_len);
        pos += iov[i].iov_len;
    }
    assert_int_equal(ipc_resp_decode(flat, total, &v), 0);
    assert_non_null(v.f[IPC_RESP_BODY].p);
    assert_int_equal(v.f[IPC_RESP_BODY].len, 0);
    free(flat);
}

static void test_response_frame_bound(void **state)
{
    (void)state;
    /* Every field but the body is cut at IPC_RESP_FIELD_MAX bytes: a function name of 5000 bytes
     * (a request may name any function) cannot push a frame past the cap the front applies. */
    char *name = malloc(5001);
    memset(name, 'f', 5000);
    name[5000] = '\0';
    struct proto_response r;
    memset(&r, 0, sizeof(r));
    r.status = 404;
    r.content_type = "application/json; charset=utf-8";
    char body[] = "{}";
    r.body.data = body;
    r.body.len = 2;
    r.function = name;
    r.type = name;
    r.connector_id = name;
    r.integration_id = name;
    r.flow_id = name;
    r.export_id = name;
    r.import_id = name;
    r.connection_id = name;
    struct ipc_resp_head h;
    struct iovec iov[IPC_RESP_NFIELDS + 1];
    int n = ipc_resp_encode(&h, iov, 1, &r);
    assert_true(n > 1);
    assert_int_equal(h.len[IPC_RESP_FUNCTION], IPC_RESP_FIELD_MAX);
    assert_int_equal(h.len[IPC_RESP_CONNECTION_ID], IPC_RESP_FIELD_MAX);
    assert_int_equal(h.len[IPC_RESP_BODY], 2);
    assert_true(h.frame_len <= ipc_resp_frame_max(2));
    assert_true(ipc_resp_frame_max(2) < ipc_resp_frame_max(3));
    assert_int_equal(ipc_resp_frame_max((size_t)1 << 31), IPC_FRAME_MAX);
    free(name);
}

static void test_malformed_frames(void **state)
{
    (void)state;
    struct strv f[IPC_REQ_NFIELDS] = {[IPC_REQ_BODY] = sv("abc")};
    for (int i = 0; i < IPC_REQ_BODY; i++)
        f[i] = sv(NULL);
    struct ipc_req_head h;
    size_t total = ipc_req_head_init(&h, 1, f);
    char frame[256];
    memcpy(frame, &h, sizeof(h));
    memcpy(frame + sizeof(h), "abc", 3);
    struct proto_request req;
    uint32_t seq;
    assert_int_equal(ipc_req_decode(frame, total, &seq, &req), 0);
    /* Truncated, wrong magic, a field longer than the frame, lengths that leave bytes over. */
    assert_int_equal(ipc_req_decode(frame, total - 1, &seq, &req), -1);
    struct ipc_req_head bad = h;
    bad.magic ^= 1;
    memcpy(frame, &bad, sizeof(bad));
    assert_int_equal(ipc_req_decode(frame, total, &seq, &req), -1);
    assert_int_equal(ipc_frame_len(frame, total, IPC_REQ_MAGIC, sizeof(h)), 0);
    bad = h;
    bad.len[IPC_REQ_BODY] = 4;
    memcpy(frame, &bad, sizeof(bad));
    assert_int_equal(ipc_req_decode(frame, total, &seq, &req), -1);
    bad = h;
    bad.len[IPC_REQ_BODY] = 2;
    memcpy(frame, &bad, sizeof(bad));
    assert_int_equal(ipc_req_decode(frame, total, &seq, &req), -1);
    /* A response frame is not a request frame. */
    struct ipc_resp_view v;
    memcpy(frame, &h, sizeof(h));
    assert_int_equal(ipc_resp_decode(frame, total, &v), -1);
}

static void test_read_frame_cut_short(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    struct strv f[IPC_REQ_NFIELDS];
    for (int i = 0; i < IPC_REQ_NFIELDS; i++)
        f[i] = sv(NULL);
    f[IPC_REQ_BODY] = sv("0123456789");
    struct ipc_req_head h;
    ipc_req_head_init(&h, 1, f);
    assert_int_equal(write(fds[0], &h, sizeof(h)), (ssize_t)sizeof(h));
    assert_int_equal(write(fds[0], "01234", 5), 5);
    close(fds[0]);
    size_t cap = 64;
    char *buf = malloc(cap);
    assert_int_equal(ipc_read_frame(fds[1], &buf, &cap, IPC_REQ_MAGIC, sizeof(h)), -1);
    close(fds[1]);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_round_trip),   cmocka_unit_test(test_response_round_trip),
        cmocka_unit_test(test_response_frame_bound), cmocka_unit_test(test_malformed_frames),
        cmocka_unit_test(test_read_frame_cut_short),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
