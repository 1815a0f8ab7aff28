/* worker.c — one worker process: frame in, proto_handle(), frame out (see worker.h). */
#include "worker.h"

#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "arena.h"
#include "ipc.h"
#include "log.h"

#define WORKER_RBUF_INITIAL (64u * 1024u)
/* A receive buffer grown past this for a big request is given back afterwards. */
#define WORKER_RBUF_KEEP   (1u * 1024u * 1024u)
#define WORKER_ARENA_BLOCK (64u * 1024u)
#define WORKER_ARENA_LIMIT ((size_t)1 << 30)
/* Memory the worker's arena keeps between invocations, so a run of big pages does not pay the
 * kernel's page faults again on every request (measured: ~600 faults per 1,000-record page). */
#define WORKER_ARENA_RETAIN ((size_t)32 << 20)

static enum log_level level_of(const char *w, size_t n)
{
    if (n == 5 && memcmp(w, "debug", 5) == 0)
        return LOG_DEBUG;
    if (n == 4 && memcmp(w, "warn", 4) == 0)
        return LOG_WARN;
    if (n == 5 && memcmp(w, "error", 5) == 0)
        return LOG_ERROR;
    return LOG_INFO;
}

/* Prints the hook's log lines ("level message\n" each), tagged with the request id. */
static void worker_print_hook_log(const struct json_buf *log, struct strv req_id)
{
    const char *p = log->data, *end = log->data + log->len;
    while (p != NULL && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *sp = memchr(p, ' ', (size_t)(eol - p));
        const char *msg = sp ? sp + 1 : eol;
        enum log_level lv = level_of(p, sp ? (size_t)(sp - p) : 0);
        struct log_line l;
        if (log_begin(&l, lv, "hook_log")) {
            log_strn(&l, "req_id", req_id.p ? req_id.p : "", req_id.len);
            log_strn(&l, "msg", msg, (size_t)(eol - msg));
            log_end(&l);
        }
        p = eol + 1;
    }
}

int worker_main(int fd, const struct proto_config *cfg)
{
    size_t cap = WORKER_RBUF_INITIAL;
    char *buf = malloc(cap);
    struct arena *a = arena_new(WORKER_ARENA_BLOCK, WORKER_ARENA_LIMIT);
    int rc = 0;
    if (buf == NULL || a == NULL) {
        rc = 1;
        goto out;
    }
    arena_set_retain(a, WORKER_ARENA_RETAIN);
    for (;;) {
        ssize_t n = ipc_read_frame(fd, &buf, &cap, IPC_REQ_MAGIC, sizeof(struct ipc_req_head));
        if (n == 0)
            break;
        if (n < 0) {
            log_msg(LOG_ERROR, "worker_ipc", "cannot read a request frame; worker exits");
            rc = 1;
            break;
        }
        struct proto_request req;
        uint32_t seq = 0;
        if (ipc_req_decode(buf, (size_t)n, &seq, &req) != 0) {
            log_msg(LOG_ERROR, "worker_ipc", "malformed request frame; worker exits");
            rc = 1;
            break;
        }
        struct proto_response resp;
        proto_response_init(&resp);
        /* A present step_function means POST /v1/hooks/{function} (proto_step.c). */
        int prc = req.step_function.p != NULL
                      ? proto_handle_step(cfg, req.step_function, &req, &resp, a)
                      : proto_handle(cfg, &req, &resp, a);
        if (prc != 0) {
            /* Not even an error body could be built: answer a fixed one. */
            static const char oom[] =
                "{\"errors\":[{\"code\":\"out_of_memory\",\"message\":\"out of memory\"}]}";
            proto_response_free(&resp);
            proto_response_init(&resp);
            resp.status = 500;
            resp.content_type = "application/json; charset=utf-8";
            json_buf_append(&resp.body, oom, sizeof(oom) - 1);
        }
        if (resp.log.len > 0)
            worker_print_hook_log(&resp.log, req.req_id);
        struct ipc_resp_head h;
        struct iovec iov[IPC_RESP_NFIELDS + 1];
        int niov = ipc_resp_encode(&h, iov, seq, &resp);
        int wrc = niov < 0 ? -1 : ipc_writev_all(fd, iov, niov);
        proto_response_free(&resp);
        arena_reset(a);
        if (wrc != 0) {
            rc = 1;
            break;
        }
        if (cap > WORKER_RBUF_KEEP) {
            char *small = realloc(buf, WORKER_RBUF_INITIAL);
            if (small != NULL) {
                buf = small;
                cap = WORKER_RBUF_INITIAL;
            }
        }
    }
out:
    arena_free(a);
    free(buf);
    return rc;
}
