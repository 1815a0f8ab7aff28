/* test_pool_write.c — a worker's one write request (pool.c) is reused only after its callback.
 *
 * A frame write that completes inside uv_write calls back from the next round's pending phase,
 * but the worker may have answered by then, and its answer may be read first: libuv's read loop
 * goes on reading while reads fill their buffers, so the answer to a job dispatched from the read
 * callback of the previous answer is read in the same loop on a machine slow enough. The pool
 * used to hand that worker its next queued job at once, queueing the same uv_write_t a second
 * time while libuv still held it: the front aborted in uv__write ("req->handle == stream") under
 * load. This test makes that order happen every time: the test's uvx_write (it replaces uvx.c's
 * in this binary) queues the frame with uv_write and returns only once the worker's whole answer
 * is in the socket, and the answers are larger than the pool's first read buffer, so each read
 * fills its buffer and libuv reads on. It counts write requests handed to uvx_write while
 * still pending. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ipc.h"
#include "pool.h"
#include "proto.h"
#include "uvx.h"

/* The body of every answer: larger than the pool's first read buffer (POOL_RX_INITIAL). */
#define ANSWER_BODY 40000u

/* ---- uvx_write, replaced: the frame's write completes in uv_write, its callback waits ---- */

#define MAX_REQS 4

static struct {
    uv_write_t *req;
    uv_write_cb cb;
} pending[MAX_REQS];
static int reused; /* uvx_write calls with a request libuv still held */
static int writes;

static void test_on_written(uv_write_t *req, int status)
{
    for (int i = 0; i < MAX_REQS; i++) {
        if (pending[i].req == req) {
            uv_write_cb cb = pending[i].cb;
            pending[i].req = NULL;
            cb(req, status);
            return;
        }
    }
    fail_msg("a write called back that was not pending");
}

int uvx_write(uv_write_t *req, uv_stream_t *s, const uv_buf_t *bufs, unsigned n, uv_write_cb cb)
{
    int slot = -1;
    for (int i = 0; i < MAX_REQS; i++) {
        if (pending[i].req == req) {
            reused++;
            return UV_EBUSY; /* queueing it again would corrupt libuv's lists */
        }
        if (pending[i].req == NULL && slot < 0)
            slot = i;
    }
    assert_true(slot >= 0);
    pending[slot].req = req;
    pending[slot].cb = cb;
    writes++;
    int rc = uv_write(req, s, bufs, n, test_on_written);
    if (rc < 0) {
        pending[slot].req = NULL;
        return rc;
    }
    /* The frame is small: uv_write wrote it at once. Wait until the worker's whole answer is in
     * the socket, as a front slowed down by a loaded machine would find it. */
    uv_os_fd_t fd;
    assert_int_equal(uv_fileno((uv_handle_t *)s, &fd), 0);
    for (int waited = 0;; waited++) {
        int avail = 0;
        assert_int_equal(ioctl(fd, FIONREAD, &avail), 0);
        if ((size_t)avail >= sizeof(struct ipc_resp_head) + ANSWER_BODY)
            break;
        assert_true(waited < 10000);
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        poll(&pfd, 1, 1);
    }
    return 0;
}

/* ---- the worker: ready, then answers each request at once with its seq ---- */

static int echo_main(int fd, void *arg)
{
    (void)arg;
    if (ipc_note_write(fd, 0, IPC_NOTE_READY, 0, NULL, 0) != 0)
        return 1;
    size_t cap = 4096;
    char *buf = malloc(cap);
    for (;;) {
        ssize_t n = ipc_read_frame(fd, &buf, &cap, IPC_REQ_MAGIC, sizeof(struct ipc_req_head));
        if (n <= 0)
            break;
        uint32_t seq;
        struct proto_request req;
        if (ipc_req_decode(buf, (size_t)n, &seq, &req) != 0)
            break;
        struct proto_response resp;
        proto_response_init(&resp);
        resp.status = 200;
        char *body = calloc(1, ANSWER_BODY);
        if (body == NULL || json_buf_append(&resp.body, body, ANSWER_BODY) != 0)
            break;
        free(body);
        struct ipc_resp_head h;
        struct iovec iov[IPC_RESP_NFIELDS + 1];
        int k = ipc_resp_encode(&h, iov, seq, &resp);
        int rc = k < 0 ? -1 : ipc_writev_all(fd, iov, k);
        proto_response_free(&resp);
        if (rc != 0)
            break;
    }
    free(buf);
    return 0;
}

/* ---- the test ------------------------------------------------------------------------------ */

#define NJOBS 3

struct tjob {
    struct pool_job job;
    char head[256];
    int status; /* the answer's, 0 until answered */
    int order;  /* 1 for the first job answered */
};

static struct pool pool;
static struct tjob jobs[NJOBS];
static int answered;
static uv_timer_t wait_timer;
static bool submitted, stopped;

static void on_job_done(struct pool_job *job, struct pool_result *res)
{
    struct tjob *t = (struct tjob *)((char *)job - offsetof(struct tjob, job));
    t->status = res->outcome == POOL_DONE ? res->resp.status : -1;
    t->order = ++answered;
    free(res->frame);
    if (answered == NJOBS)
        uv_timer_stop(&wait_timer);
}

static void job_init(struct tjob *t, uint32_t seq)
{
    struct strv f[IPC_REQ_NFIELDS];
    memset(f, 0, sizeof(f));
    struct ipc_req_head h;
    size_t total = ipc_req_head_init(&h, seq, f);
    assert_true(total == sizeof(h) && total <= sizeof(t->head));
    memcpy(t->head, &h, sizeof(h));
    t->job.bufs[0] = uv_buf_init(t->head, (unsigned)sizeof(h));
    t->job.nbufs = 1;
    t->job.seq = seq;
    t->job.done = on_job_done;
}

/* The worker is ready: the first job goes to it, the others wait in the queue. */
static void on_ready(struct pool *p)
{
    if (pool_ready_count(p) < 1 || submitted)
        return;
    submitted = true;
    for (int i = 0; i < NJOBS; i++) {
        job_init(&jobs[i], (uint32_t)i + 1);
        assert_int_equal(pool_submit(p, &jobs[i].job), 0);
    }
    assert_int_equal(pool_queue_len(p), NJOBS - 1);
}

static void on_stopped(struct pool *p)
{
    (void)p;
    stopped = true;
}

static void on_wait_timeout(uv_timer_t *t)
{
    (void)t; /* answered stays below NJOBS: the assertions after the loop say what is missing */
}

static void test_worker_answer_before_write_callback(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct pool_opts o = {
        .nworkers = 1,
        .max_queue = 8,
        .child_main = echo_main,
        .start_timeout_ms = 10000,
        .ready = on_ready,
    };
    char err[256];
    assert_int_equal(pool_start(&pool, &loop, &o, err, sizeof(err)), 0);
    uv_timer_init(&loop, &wait_timer);
    uv_timer_start(&wait_timer, on_wait_timeout, 10000, 0);
    while (answered < NJOBS && uv_is_active((uv_handle_t *)&wait_timer))
        uv_run(&loop, UV_RUN_ONCE);

    assert_int_equal(reused, 0);
    assert_int_equal(answered, NJOBS);
    for (int i = 0; i < NJOBS; i++) {
        assert_int_equal(jobs[i].status, 200);
        assert_int_equal(jobs[i].order, i + 1);
    }
    assert_int_equal(writes, NJOBS);

    pool_stop(&pool, on_stopped);
    uv_close((uv_handle_t *)&wait_timer, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_true(stopped);
    assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_worker_answer_before_write_callback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
