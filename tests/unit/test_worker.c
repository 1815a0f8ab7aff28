/* test_worker.c — the worker's side helpers (runner/worker.c, runner/ipc.c): the scan that names
 * the function of a POST /function body without parsing it (last member wins, nesting skipped,
 * escapes and non-strings refused, bounds respected), the notes a worker sends before its
 * response, a request frame's head fields, and the resident-size reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipc.h"
#include "worker.h"

static const char *scan(const char *body)
{
    static char out[64];
    memset(out, 'X', sizeof(out));
    size_t n = worker_function_name(body, strlen(body), out, sizeof(out));
    if (n == 0)
        return NULL;
    assert_int_equal(strlen(out), n);
    return out;
}

static void test_function_name_found(void **state)
{
    (void)state;
    assert_string_equal(scan("{\"diy\":true,\"function\":\"doSomething\"}"), "doSomething");
    assert_string_equal(scan("  \r\n{ \"function\" : \"a b\" , \"x\":1}"), "a b");
    assert_string_equal(scan("\xEF\xBB\xBF{\"function\":\"bom\"}"), "bom");
    /* Nested objects, arrays and strings holding braces, quotes and "function" are skipped. */
    assert_string_equal(scan("{\"options\":{\"function\":\"inner\",\"a\":[1,{\"b\":\"}]\\\"\"}]},"
                             "\"function\":\"outer\"}"),
                        "outer");
    /* A repeated member: the last one counts, as with JSON.parse. */
    assert_string_equal(scan("{\"function\":\"first\",\"function\":\"second\"}"), "second");
    assert_string_equal(scan("{\"a\":null,\"b\":-1.5e3,\"c\":true,\"function\":\"f\"}"), "f");
}

static void test_function_name_refused(void **state)
{
    (void)state;
    assert_null(scan(""));
    assert_null(scan("[{\"function\":\"x\"}]"));
    assert_null(scan("{}"));
    assert_null(scan("{\"function\":1}"));
    assert_null(scan("{\"function\":\"\"}"));
    assert_null(scan("{\"function\":\"esc\\u0061ped\"}"));
    assert_null(scan("{\"func\\u0074ion\":\"x\"}"));
    assert_null(scan("{\"function\":\"x\",\"function\":null}"));
    assert_null(scan("{\"function\":\"unterminated"));
    assert_null(scan("{\"function\":\""));
    assert_null(scan("{\"function\""));
    assert_null(scan("{\"function\":\"x\" \"y\":1}"));
    assert_null(scan("{\"a\":[1,2,"));
    /* Longer than the output buffer: refused, nothing written past it. */
    char big[200];
    memset(big, 'n', sizeof(big));
    memcpy(big, "{\"function\":\"", 13);
    memcpy(big + sizeof(big) - 3, "\"}", 3);
    char out[16];
    memset(out, 0, sizeof(out));
    assert_int_equal(worker_function_name(big, strlen(big), out, sizeof(out)), 0);
    assert_int_equal(worker_function_name("{\"function\":\"x\"}", 16, out, 0), 0);
    assert_int_equal(worker_function_name(NULL, 0, out, sizeof(out)), 0);
}

/* Every prefix of a body is scanned without reading past it (ASan checks the bounds). */
static void test_function_name_prefixes(void **state)
{
    (void)state;
    const char *body =
        "{\"options\":{\"s\":\"a\\\"}\",\"n\":[[],{}]},\"function\":\"doSomething\"}";
    size_t len = strlen(body);
    for (size_t i = 0; i <= len; i++) {
        char *copy = malloc(i ? i : 1);
        assert_non_null(copy);
        memcpy(copy, body, i);
        char out[32];
        size_t n = worker_function_name(copy, i, out, sizeof(out));
        if (i == len)
            assert_int_equal(n, 11);
        else
            assert_int_equal(n, 0);
        free(copy);
    }
}

static void test_note_round_trip(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    assert_int_equal(ipc_note_write(fds[0], 9, IPC_NOTE_DEADLINE, 1500, "faultSpin", 9), 0);
    char buf[512];
    ssize_t n = read(fds[1], buf, sizeof(buf));
    assert_int_equal(n, sizeof(struct ipc_note_head) + 9);
    assert_int_equal(ipc_frame_len(buf, (size_t)n, IPC_NOTE_MAGIC, sizeof(struct ipc_note_head)),
                     (size_t)n);
    struct ipc_note_view v;
    assert_int_equal(ipc_note_decode(buf, (size_t)n, &v), 0);
    assert_int_equal(v.seq, 9);
    assert_int_equal(v.kind, IPC_NOTE_DEADLINE);
    assert_int_equal(v.value, 1500);
    assert_int_equal(v.name.len, 9);
    assert_memory_equal(v.name.p, "faultSpin", 9);
    /* Cut, of another kind, or with a wrong length: refused. */
    assert_int_equal(ipc_note_decode(buf, (size_t)n - 1, &v), -1);
    struct ipc_note_head h;
    memcpy(&h, buf, sizeof(h));
    h.kind = 99;
    memcpy(buf, &h, sizeof(h));
    assert_int_equal(ipc_note_decode(buf, (size_t)n, &v), -1);
    /* A long name is cut at IPC_NOTE_NAME_MAX. */
    char name[IPC_NOTE_NAME_MAX + 50];
    memset(name, 'f', sizeof(name));
    assert_int_equal(ipc_note_write(fds[0], 1, IPC_NOTE_DEADLINE, 1, name, sizeof(name)), 0);
    n = read(fds[1], buf, sizeof(buf));
    assert_int_equal(n, sizeof(struct ipc_note_head) + IPC_NOTE_NAME_MAX);
    assert_int_equal(ipc_note_decode(buf, (size_t)n, &v), 0);
    assert_int_equal(v.name.len, IPC_NOTE_NAME_MAX);
    /* The ready note a served worker sends once its modules are loaded: seq 0, no name. */
    assert_int_equal(ipc_note_write(fds[0], 0, IPC_NOTE_READY, 0, NULL, 0), 0);
    n = read(fds[1], buf, sizeof(buf));
    assert_int_equal(n, sizeof(struct ipc_note_head));
    assert_int_equal(ipc_note_decode(buf, (size_t)n, &v), 0);
    assert_int_equal(v.kind, IPC_NOTE_READY);
    assert_int_equal(v.seq, 0);
    assert_int_equal(v.name.len, 0);
    close(fds[0]);
    close(fds[1]);
}

static void test_head_field(void **state)
{
    (void)state;
    struct strv f[IPC_REQ_NFIELDS] = {
        [IPC_REQ_AUTHORIZATION] = {"Bearer t", 8},
        [IPC_REQ_CONTENT_ENCODING] = {"gzip", 4},
        [IPC_REQ_STEP_FUNCTION] = {"myFn", 4},
        [IPC_REQ_BODY] = {"{}", 2},
    };
    struct ipc_req_head h;
    assert_true(ipc_req_head_init(&h, 3, f) > 0);
    char part[256];
    size_t pos = sizeof(h);
    memcpy(part, &h, sizeof(h));
    for (int i = 0; i < IPC_REQ_BODY; i++) {
        if (f[i].p != NULL) {
            memcpy(part + pos, f[i].p, f[i].len);
            pos += f[i].len;
        }
    }
    struct strv v;
    assert_int_equal(ipc_req_head_field(part, pos, IPC_REQ_CONTENT_ENCODING, &v), 0);
    assert_int_equal(v.len, 4);
    assert_memory_equal(v.p, "gzip", 4);
    assert_int_equal(ipc_req_head_field(part, pos, IPC_REQ_STEP_FUNCTION, &v), 0);
    assert_memory_equal(v.p, "myFn", 4);
    assert_int_equal(ipc_req_head_field(part, pos, IPC_REQ_QUERY, &v), 0);
    assert_null(v.p);
    /* Cut short, or asking for the body (not in the head part): refused. */
    assert_int_equal(ipc_req_head_field(part, pos - 1, IPC_REQ_STEP_FUNCTION, &v), -1);
    assert_int_equal(ipc_req_head_field(part, pos, IPC_REQ_BODY, &v), -1);
    assert_int_equal(ipc_req_head_field(part, sizeof(h) - 1, IPC_REQ_QUERY, &v), -1);
}

static void test_rss(void **state)
{
    (void)state;
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    size_t before = worker_rss_bytes(fd);
    assert_true(before > 0);
    size_t big = (size_t)64 << 20;
    char *p = malloc(big);
    assert_non_null(p);
    memset(p, 1, big);
    size_t after = worker_rss_bytes(fd);
    assert_true(after >= before + big / 2);
    free(p);
    close(fd);
    assert_int_equal(worker_rss_bytes(-1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_function_name_found),
        cmocka_unit_test(test_function_name_refused),
        cmocka_unit_test(test_function_name_prefixes),
        cmocka_unit_test(test_note_round_trip),
        cmocka_unit_test(test_head_field),
        cmocka_unit_test(test_rss),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
