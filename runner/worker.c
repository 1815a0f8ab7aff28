/* worker.c — one worker process: frame in, proto_handle(), frame out (see worker.h); a crash
 * handler (crash.c) reports a fatal signal before the worker dies by it. */
#include "worker.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "arena.h"
#include "crash.h"
#include "ipc.h"
#include "log.h"
#include "proto.h"
#include "text.h"

#define WORKER_RBUF_INITIAL (64u * 1024u)
/* A receive buffer grown past this for a big request is given back afterwards. */
#define WORKER_RBUF_KEEP   (1u * 1024u * 1024u)
#define WORKER_ARENA_BLOCK (64u * 1024u)
#define WORKER_ARENA_LIMIT ((size_t)1 << 30)
/* Memory the worker's arena keeps between invocations, so a run of big pages does not pay the
 * kernel's page faults again on every request (measured: ~600 faults per 1,000-record page). */
#define WORKER_ARENA_RETAIN ((size_t)32 << 20)
/* When the worker reads its resident memory for the recycle mark (see worker_serve). */
#define WORKER_RSS_CHECK_BYTES ((size_t)1 << 20)
#define WORKER_RSS_EVERY       16u

/* In sanitizer builds: a leak check on a clean exit (a worker ends with _exit, which skips the
 * one LeakSanitizer runs at exit). Absent (NULL) in plain builds. */
extern int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

static enum log_level level_of(const char *w, size_t n)
{
    if (n == 5 && memcmp(w, STRLIT("debug")) == 0)
        return LOG_LEVEL_DEBUG;
    if (n == 4 && memcmp(w, STRLIT("warn")) == 0)
        return LOG_LEVEL_WARN;
    if (n == 5 && memcmp(w, STRLIT("error")) == 0)
        return LOG_LEVEL_ERROR;
    return LOG_LEVEL_INFO;
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

/* An answer larger than --max-response-bytes: 500 response_too_large instead (the front would stop
 * a worker whose frame is larger than that). */
static void worker_too_large(struct proto_response *resp, size_t limit, struct arena *a)
{
    char msg[512];
    snprintf(msg, sizeof(msg),
             "The function %.256s answered %zu bytes, more than this server's limit of %zu bytes "
             "(--max-response-bytes).",
             resp->function != NULL ? resp->function : "", resp->body.len, limit);
    struct json_value *item = json_new_object(a), *errs = json_new_array(a), *root = NULL;
    if (item != NULL && errs != NULL &&
        json_object_set(a, item, STRLIT("code"),
                        json_new_string(a, STRLIT("response_too_large"))) == 0 &&
        json_object_set(a, item, STRLIT("message"), json_new_string(a, msg, strlen(msg))) == 0 &&
        json_array_push(a, errs, item) == 0) {
        root = json_new_object(a);
        if (root != NULL && json_object_set(a, root, STRLIT("errors"), errs) != 0)
            root = NULL;
    }
    resp->status = 500;
    resp->content_type = "application/json; charset=utf-8";
    resp->body.len = 0;
    if (root == NULL || json_write(&resp->body, root, 0, NULL) != 0) {
        static const char fixed[] = "{\"errors\":[{\"code\":\"response_too_large\",\"message\":"
                                    "\"The answer is larger than this server's limit.\"}]}";
        resp->body.len = 0;
        json_buf_append(&resp->body, fixed, sizeof(fixed) - 1);
    }
}

/* ---- the function a body names ------------------------------------------------------------ */

static size_t scan_ws(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* s[i] is '"': returns the index just past the closing quote (n when unterminated); *esc tells
 * whether the string holds a backslash. */
static size_t scan_string(const char *s, size_t i, size_t n, bool *esc)
{
    *esc = false;
    for (i++; i < n; i++) {
        if (s[i] == '\\') {
            *esc = true;
            i++;
        } else if (s[i] == '"') {
            return i + 1;
        }
    }
    return n;
}

/* Skips one value starting at s[i] (nesting counted, not recursed); returns the index past it. */
static size_t scan_value(const char *s, size_t i, size_t n)
{
    bool esc;
    if (i < n && s[i] == '"')
        return scan_string(s, i, n, &esc);
    if (i < n && (s[i] == '{' || s[i] == '[')) {
        size_t depth = 0;
        while (i < n) {
            char ch = s[i];
            if (ch == '"') {
                i = scan_string(s, i, n, &esc);
                continue;
            }
            if (ch == '{' || ch == '[')
                depth++;
            else if ((ch == '}' || ch == ']') && --depth == 0)
                return i + 1;
            i++;
        }
        return n;
    }
    while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\t' &&
           s[i] != '\n' && s[i] != '\r')
        i++;
    return i;
}

size_t worker_function_name(const char *body, size_t len, char *out, size_t cap)
{
    size_t i = 0, found = 0;
    if (len >= 3 && memcmp(body, STRLIT("\xEF\xBB\xBF")) == 0)
        i = 3;
    i = scan_ws(body, i, len);
    if (cap == 0 || i >= len || body[i] != '{')
        return 0;
    i = scan_ws(body, i + 1, len);
    if (i < len && body[i] == '}')
        return 0;
    while (i < len) {
        if (body[i] != '"')
            return 0;
        bool esc;
        size_t kstart = i + 1;
        i = scan_string(body, i, len, &esc);
        if (i >= len)
            return 0;
        bool is_fn = !esc && i - 1 - kstart == 8 && memcmp(body + kstart, STRLIT("function")) == 0;
        i = scan_ws(body, i, len);
        if (i >= len || body[i] != ':')
            return 0;
        i = scan_ws(body, i + 1, len);
        if (i >= len)
            return 0;
        size_t vstart = i;
        i = scan_value(body, i, len);
        if (is_fn) {
            bool vesc = false;
            found = 0;
            if (body[vstart] == '"') {
                scan_string(body, vstart, len, &vesc);
                size_t vlen = i - vstart >= 2 ? i - vstart - 2 : 0;
                if (!vesc && vlen > 0 && body[i - 1] == '"' && vlen < cap) {
                    memcpy(out, body + vstart + 1, vlen);
                    out[vlen] = '\0';
                    found = vlen;
                }
            }
        }
        i = scan_ws(body, i, len);
        if (i < len && body[i] == ',') {
            i = scan_ws(body, i + 1, len);
            continue;
        }
        if (i < len && body[i] == '}')
            return found;
        return 0;
    }
    return 0;
}

size_t worker_rss_bytes(int statm_fd)
{
    char buf[128];
    ssize_t n = statm_fd >= 0 ? pread(statm_fd, buf, sizeof(buf) - 1, 0) : -1;
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    /* "size resident shared text lib data dt", in pages */
    const char *sp = strchr(buf, ' ');
    if (sp == NULL)
        return 0;
    unsigned long long pages = strtoull(sp + 1, NULL, 10);
    long psz = sysconf(_SC_PAGESIZE);
    return (size_t)pages * (size_t)(psz > 0 ? psz : 4096);
}

/* Before the call: the function's own deadline, when it has one, goes to the front. */
static int worker_announce(int fd, uint32_t seq, const struct worker_opts *o,
                           const struct proto_request *req)
{
    char name[IPC_NOTE_NAME_MAX + 1];
    size_t n = 0;
    if (req->step_function.p != NULL) {
        n = req->step_function.len < sizeof(name) ? req->step_function.len : 0;
        if (n > 0)
            memcpy(name, req->step_function.p, n);
    } else if (req->content_encoding.p == NULL || req->content_encoding.len == 0 ||
               (req->content_encoding.len == 8 &&
                strncmp(req->content_encoding.p, STRLIT("identity")) == 0)) {
        n = worker_function_name(req->body.p, req->body.len, name, sizeof(name));
    }
    for (size_t i = 0; n > 0 && i < o->ndeadlines; i++) {
        const char *fn = o->deadlines[i].function;
        if (strlen(fn) == n && memcmp(fn, name, n) == 0)
            return ipc_note_write(fd, seq, IPC_NOTE_DEADLINE, o->deadlines[i].ms, name, n);
    }
    return 0;
}

int worker_serve(int fd, const struct worker_opts *o)
{
    const struct proto_config *cfg = o->pcfg;
    size_t cap = WORKER_RBUF_INITIAL;
    char *buf = malloc(cap);
    struct arena *a = arena_new(WORKER_ARENA_BLOCK, WORKER_ARENA_LIMIT);
    int statm = o->recycle_bytes > 0 ? open("/proc/self/statm", O_RDONLY | O_CLOEXEC) : -1;
    unsigned calls_since_rss = WORKER_RSS_EVERY - 1; /* the first call is always checked */
    int rc = 0;
    if (buf == NULL || a == NULL) {
        rc = 1;
        goto out;
    }
    arena_set_retain(a, WORKER_ARENA_RETAIN);
    /* A crash names the function and record in a note and logs a backtrace (crash.h). */
    crash_handlers_install();
    for (;;) {
        ssize_t n = ipc_read_frame(fd, &buf, &cap, IPC_REQ_MAGIC, sizeof(struct ipc_req_head));
        if (n == 0)
            break;
        if (n < 0) {
            log_msg(LOG_LEVEL_ERROR, "worker_ipc", "cannot read a request frame; worker exits");
            rc = 1;
            break;
        }
        struct proto_request req;
        uint32_t seq = 0;
        if (ipc_req_decode(buf, (size_t)n, &seq, &req) != 0) {
            log_msg(LOG_LEVEL_ERROR, "worker_ipc", "malformed request frame; worker exits");
            rc = 1;
            break;
        }
        if (o->ndeadlines > 0 && worker_announce(fd, seq, o, &req) != 0) {
            rc = 1;
            break;
        }
        struct proto_response resp;
        proto_response_init(&resp);
        /* A present step_function means POST /v1/hooks/{function} (proto_step.c). */
        int prc = req.step_function.p != NULL
                      ? proto_handle_step(cfg, req.step_function, &req, &resp, a)
                      : proto_handle(cfg, &req, &resp, a);
        /* What a hook printed reaches the front's log now, not at some later call. */
        fflush(stdout);
        fflush(stderr);
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
        if (o->max_response_bytes > 0 && resp.body.len > o->max_response_bytes)
            worker_too_large(&resp, o->max_response_bytes, a);
        if (resp.log.len > 0)
            worker_print_hook_log(&resp.log, req.req_id);
        struct ipc_resp_head h;
        struct iovec iov[IPC_RESP_NFIELDS + 1];
        int niov = ipc_resp_encode(&h, iov, seq, &resp);
        /* Resident memory grows through big calls or small leaks: read it after the first call,
         * after a call that used a lot of arena, and every WORKER_RSS_EVERY calls, not on every
         * call (one /proc read each). Slow growth is thus seen within 16 calls. */
        if (statm >= 0 &&
            (arena_used(a) >= WORKER_RSS_CHECK_BYTES || ++calls_since_rss >= WORKER_RSS_EVERY)) {
            calls_since_rss = 0;
            if (worker_rss_bytes(statm) >= o->recycle_bytes)
                h.wflags |= IPC_WF_RECYCLE;
        }
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
    if (statm >= 0)
        close(statm);
    arena_free(a);
    free(buf);
    if (rc == 0 && __lsan_do_recoverable_leak_check != NULL && __lsan_do_recoverable_leak_check())
        rc = 23;
    return rc;
}

int worker_main(int fd, const struct proto_config *cfg)
{
    struct worker_opts o = {.pcfg = cfg};
    return worker_serve(fd, &o);
}
