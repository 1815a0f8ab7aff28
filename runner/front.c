/* front.c — a connection's state machine: reading a request, handing it to a worker, the answer's
 * write and what follows it (the next request, a linger, the close), its timer, and HTTPS reads.
 *
 * A connection handles one request at a time. While a request is being answered, what the client
 * sends next (pipelined requests) is kept in conn->pending, at most FRONT_READ_AHEAD bytes: past
 * that the front stops reading from it until the answer is written, so a client that does not read
 * its answers cannot make the front buffer without bound. (Reading stays on otherwise: stopping
 * and restarting it for every request would cost epoll_ctl calls on the hot path.) One
 * timer whose meaning follows its state: headers/keep-alive/request timeouts while reading, the
 * 102 interval while a worker runs its call, a write-stall guard while answering, the linger
 * after a closing answer. The listener, drain, reload and signals live in front_<topic>.c
 * (front_internal.h). */
#include "front_internal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "clock.h"
#include "ipc.h"
#include "log.h"
#include "metrics.h"
#include "worker.h"
#include "crash.h"

static void conn_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);
static void conn_tls_read(struct conn *c, const char *data, size_t len);

/* ---- request ids ------------------------------------------------------------------------- */

static uint64_t front_rand(struct front *f)
{
    /* xorshift64*: request ids need to be varied, not secret. */
    uint64_t x = f->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    f->rng = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* The moves a connection may make (enum conn_state), one bit per state it may go to: a request is
 * read, processed and answered, then the connection waits for the next one, lingers after a closing
 * answer or an end without one (conn_end), or closes from anywhere. */
static const unsigned conn_moves[] = {
    [CS_IDLE] = 1u << CS_READING | 1u << CS_LINGER | 1u << CS_CLOSING,
    /* WRITING from READING: a 408, or a 503 at the drain's deadline */
    [CS_READING] = 1u << CS_PROCESSING | 1u << CS_WRITING | 1u << CS_LINGER | 1u << CS_CLOSING,
    [CS_PROCESSING] = 1u << CS_WRITING | 1u << CS_LINGER | 1u << CS_CLOSING,
    [CS_WRITING] = 1u << CS_IDLE | 1u << CS_LINGER | 1u << CS_CLOSING,
    /* LINGER again: the FIN's callback after conn_end */
    [CS_LINGER] = 1u << CS_LINGER | 1u << CS_CLOSING,
    [CS_CLOSING] = 0,
};

bool conn_state_legal(enum conn_state from, enum conn_state to)
{
    return (unsigned)from < sizeof(conn_moves) / sizeof(conn_moves[0]) &&
           (conn_moves[from] & (1u << to)) != 0;
}

void conn_set_state(struct conn *c, enum conn_state to)
{
    assert(conn_state_legal(c->state, to));
    c->state = to;
}

void conn_timer(struct conn *c, uint64_t ms)
{
    uv_timer_start(&c->timer, conn_on_timer, ms, 0);
}

static void conn_on_linger_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    (void)buf;
    if (nread < 0)
        conn_close(s->data);
}

static void conn_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    struct conn *c = h->data;
    *buf = uv_buf_init(c->f->rbuf, sizeof(c->f->rbuf));
}

void conn_on_shutdown(uv_shutdown_t *req, int status)
{
    struct conn *c = req->data;
    if (status < 0 || c->state == CS_CLOSING) {
        conn_close(c);
        return;
    }
    /* Read (and drop) what the client still sends, so closing does not reset the connection
     * under the answer it has not read yet; close at its end of file or after a short while. */
    conn_set_state(c, CS_LINGER);
    conn_timer(c, FRONT_LINGER_MS);
    if (uv_read_start((uv_stream_t *)&c->tcp, conn_alloc, conn_on_linger_read) != 0)
        conn_close(c);
}

/* True when bytes of a next request are already here: read ahead, or waiting in the socket. */
bool conn_has_input(struct conn *c)
{
    if (c->pending_len > c->pending_off)
        return true;
    if (c->peer_eof)
        return false;
    uv_os_fd_t fd;
    char b;
    return uv_fileno((uv_handle_t *)&c->tcp, &fd) == 0 &&
           recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

/* ---- connection lifecycle ----------------------------------------------------------------- */

static void conn_on_handle_closed(uv_handle_t *h)
{
    struct conn *c = h->data;
    if (--c->handles > 0)
        return;
    struct front *f = c->f;
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        f->conns = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    f->nconns--;
    if (c->counted)
        front_limit_release(f);
    if (c->overflow)
        f->noverflow--;
    front_tls_free(c->tls);
    http_req_free(&c->req);
    free(c->pending);
    free(c->fh);
    free(c->owned);
    free(c);
    front_maybe_done(f);
}

void conn_close(struct conn *c)
{
    if (c->state == CS_CLOSING)
        return;
    conn_set_state(c, CS_CLOSING);
    conn_inflight(c, false);
    if (c->job_active) {
        pool_cancel(&c->f->pool, &c->job);
        c->job_active = false;
    }
    front_bp_unlink(c);
    conn_bp_account(c);
    uv_close((uv_handle_t *)&c->timer, conn_on_handle_closed);
    uv_close((uv_handle_t *)&c->tcp, conn_on_handle_closed);
}

void conn_read_start(struct conn *c)
{
    if (c->reading || c->state == CS_CLOSING)
        return;
    if (uv_read_start((uv_stream_t *)&c->tcp, conn_alloc, conn_on_read) != 0) {
        conn_close(c);
        return;
    }
    c->reading = true;
}

/* After an answer on a kept-alive connection: next request from pending bytes or the socket. */
void conn_next(struct conn *c)
{
    http_req_next(&c->req);
    conn_set_state(c, CS_IDLE);
    c->route = ROUTE_NONE;
    c->early_status = 0;
    c->head_only = false;
    c->processing_sent = false;
    c->req_id_len = 0;
    c->bytes_in = 0;
    conn_timer(c, c->f->draining ? FRONT_DRAIN_IDLE_MS : c->f->cfg->keepalive_timeout_ms);
    if (c->pending_len > c->pending_off) {
        conn_feed(c, c->pending + c->pending_off, c->pending_len - c->pending_off, true);
        return;
    }
    if (c->peer_eof) {
        conn_close(c);
        return;
    }
    conn_read_start(c);
}

void conn_on_timer(uv_timer_t *t)
{
    struct conn *c = t->data;
    switch (c->state) {
    case CS_IDLE:
        if (c->f->draining) {
            /* Between requests: closed in order (FIN, then a short linger), unless a request
             * has just arrived, which is read and answered (with Connection: close). */
            if (conn_has_input(c)) {
                conn_timer(c, FRONT_DRAIN_IDLE_MS);
            } else {
                if (c->tls != NULL)
                    front_tls_close_notify(c->tls);
                conn_end(c);
            }
            break;
        }
        conn_close(c);
        break;
    case CS_READING:
        c->close_after = true;
        conn_send_error(c, 408, NULL, "request_timeout",
                        c->req.headers_done ? "The request body did not arrive in time."
                                            : "The request headers did not arrive in time.");
        break;
    case CS_PROCESSING:
        /* The call runs long: one interim answer so the client keeps waiting (HTTP/1.1 only). */
        if (!c->processing_sent && c->req.parser.http_major == 1 && c->req.parser.http_minor >= 1) {
            c->processing_sent = true;
            conn_send_interim(c, "HTTP/1.1 102 Processing\r\n\r\n");
        }
        break;
    case CS_WRITING:
    case CS_LINGER:
    case CS_CLOSING:
        conn_close(c);
        break;
    }
}

enum http_body_mode conn_on_headers(struct http_req *r, void *arg)
{
    struct conn *c = arg;
    struct front *f = c->f;
    struct strv path, query;
    http_url_split(http_req_url(r), &path, &query);
    bool post = false;
    enum route rt = front_route_find(path, &post);
    /* --metrics-listen: /metrics only there, and nothing else there. */
    if (c->metrics_only ? rt != ROUTE_METRICS : rt == ROUTE_METRICS && f->has_metrics_listener)
        rt = ROUTE_NONE;
    enum http_method m = (enum http_method)r->parser.method;
    c->route = rt;
    c->head_only = m == HTTP_HEAD;
    /* CONNECT (and any switch of protocol) is never granted: answer, then close. */
    if (m == HTTP_CONNECT)
        c->close_after = true;
    if (rt == ROUTE_NONE)
        c->early_status = 404;
    else if (post ? m != HTTP_POST : (m != HTTP_GET && m != HTTP_HEAD))
        c->early_status = 405;
    bool has_body = http_req_has_body(r);
    c->bp_class = BP_TRUSTED;
    if ((rt == ROUTE_FUNCTION || rt == ROUTE_HOOKS) && c->early_status == 0) {
        enum proto_auth a = conn_token_check(c, has_body);
        if (a == PROTO_AUTH_REFUSED)
            c->early_status = 401;
        else if (a == PROTO_AUTH_BODY)
            c->bp_class = BP_UNVERIFIED;
    }
    /* A request that will be refused is answered now, its body unread, and the connection
     * closes after the answer (without a body it is complete already and stays open). */
    if (c->early_status != 0 && has_body) {
        c->close_after = true;
        return HTTP_BODY_REFUSE;
    }
    /* The rest of the request must arrive within the request timeout from its first byte. */
    uint64_t spent = (clock_mono_ns() - c->t_start_ns) / 1000000u;
    uint64_t left = f->cfg->request_timeout_ms > spent ? f->cfg->request_timeout_ms - spent : 1;
    conn_timer(c, left);
    bool keep = (rt == ROUTE_FUNCTION || rt == ROUTE_HOOKS) && c->early_status == 0;
    struct strv expect = http_req_header(r, HTTP_HDR_EXPECT);
    if (has_body && expect.p != NULL && text_ieq(expect.p, expect.len, "100-continue"))
        conn_send_interim(c, "HTTP/1.1 100 Continue\r\n\r\n");
    return keep ? HTTP_BODY_KEEP : HTTP_BODY_DISCARD;
}

void conn_new_req_id(struct conn *c)
{
    static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    int n = snprintf(c->req_id, sizeof(c->req_id), "%llu", (unsigned long long)clock_wall_ms());
    uint64_t r = front_rand(c->f);
    for (int i = 0; i < 4; i++, r >>= 8)
        c->req_id[n++] = alphabet[(r & 0xff) % 36];
    c->req_id[n] = '\0';
    c->req_id_len = (size_t)n;
}

static void conn_on_job_done(struct pool_job *job, struct pool_result *res)
{
    struct conn *c = (struct conn *)((char *)job - offsetof(struct conn, job));
    c->job_active = false;
    /* The worker has read the whole frame (or is gone): the body is not needed any more. */
    http_req_drop_body(&c->req);
    uv_timer_stop(&c->timer);
    double job_ms = (double)(clock_mono_ns() - c->t_dispatch_ns) / 1e6;
    if (res->outcome == POOL_DONE) {
        const struct ipc_resp_view *rv = &res->resp;
        struct strv fv = rv->f[IPC_RESP_FUNCTION];
        if (fv.p != NULL && fv.len > 0) {
            char name[257];
            size_t nl = fv.len < sizeof(name) - 1 ? fv.len : sizeof(name) - 1;
            memcpy(name, fv.p, nl);
            name[nl] = '\0';
            metrics_function(c->f->metrics, name, job_ms);
        }
        char extra[64] = "";
        if (rv->flags & PROTO_RESP_WWW_AUTHENTICATE)
            snprintf(extra, sizeof(extra), "WWW-Authenticate: invalid system token\r\n");
        else if (rv->flags & PROTO_RESP_WWW_AUTHENTICATE_BEARER)
            snprintf(extra, sizeof(extra), "WWW-Authenticate: Bearer realm=\"hookstack\"\r\n");
        char ctype[128];
        const char *ct = FRONT_CTYPE_JSON;
        struct strv ctv = rv->f[IPC_RESP_CONTENT_TYPE];
        if (ctv.p != NULL && ctv.len < sizeof(ctype)) {
            memcpy(ctype, ctv.p, ctv.len);
            ctype[ctv.len] = '\0';
            ct = ctype;
        }
        c->owned = res->frame; /* the body is sent straight from the worker's frame */
        conn_send(c, rv->status, extra[0] ? extra : NULL, ct, rv->f[IPC_RESP_BODY].p,
                  rv->f[IPC_RESP_BODY].len, rv);
        return;
    }
    /* The pool names the function (from the worker's note or the request's frame). */
    const char *fn = res->function;
    metrics_function(c->f->metrics, fn ? fn : "unknown", job_ms);
    metrics_worker_restart(c->f->metrics, res->restart);
    char what[200];
    if (fn != NULL)
        snprintf(what, sizeof(what), "The function %.128s", fn);
    else
        snprintf(what, sizeof(what), "The function");
    size_t n;
    int status = 500;
    if (res->outcome == POOL_TIMED_OUT) {
        status = 504;
        n = conn_error_body(c, "hook_timeout",
                            "%s did not finish within %llu ms; its worker was stopped.", what,
                            (unsigned long long)res->deadline_ms);
    } else if (res->outcome == POOL_MEMORY) {
        n = conn_error_body(c, "hook_memory_exceeded",
                            "%s used more than %zu MB of memory (%zu MB resident); its worker was "
                            "stopped.",
                            what, res->mem_limit_bytes >> 20, res->rss_bytes >> 20);
    } else if (res->outcome == POOL_TOO_LARGE) {
        n = conn_error_body(
            c, "hook_crashed",
            "%s crashed: its worker announced an answer frame of %zu bytes, more than the %zu "
            "allowed by --max-response-bytes; its worker was stopped.",
            what, res->frame_bytes, res->frame_limit);
    } else {
        /* The same words as `hookstack invoke` for the same crash (crash_scan.c). */
        char msg[CRASH_MESSAGE_MAX];
        crash_message(msg, sizeof(msg), fn, res->term_signal, res->exit_status, res->report,
                      res->where);
        n = conn_error_body(c, "hook_crashed", "%s", msg);
    }
    conn_send(c, status, NULL, FRONT_CTYPE_JSON, c->small_body, n, NULL);
}

void conn_dispatch(struct conn *c)
{
    struct front *f = c->f;
    struct strv path, query;
    http_url_split(http_req_url(&c->req), &path, &query);
    struct strv fields[IPC_REQ_NFIELDS] = {
        [IPC_REQ_AUTHORIZATION] = http_req_header(&c->req, HTTP_HDR_AUTHORIZATION),
        [IPC_REQ_QUERY] = query,
        [IPC_REQ_CONTENT_TYPE] = http_req_header(&c->req, HTTP_HDR_CONTENT_TYPE),
        [IPC_REQ_CONTENT_ENCODING] = http_req_header(&c->req, HTTP_HDR_CONTENT_ENCODING),
        [IPC_REQ_TRACE_ID] = http_req_header(&c->req, HTTP_HDR_TRACEID),
        [IPC_REQ_REQ_ID] = {c->req_id, c->req_id_len},
        [IPC_REQ_STEP_FUNCTION] =
            c->route == ROUTE_HOOKS ? front_route_hooks_segment(path) : (struct strv){NULL, 0},
        [IPC_REQ_BODY] = http_req_body(&c->req),
    };
    struct ipc_req_head h;
    size_t total = ipc_req_head_init(&h, ++f->seq, fields);
    size_t small = sizeof(h);
    for (int i = 0; i < IPC_REQ_BODY; i++)
        small += fields[i].p ? fields[i].len : 0;
    if (total == 0 || small > c->fh_cap) {
        char *nb = total ? realloc(c->fh, small) : NULL;
        if (nb == NULL) {
            conn_send_error(c, 503, "Retry-After: 1\r\n", "server_busy", "Out of memory.");
            return;
        }
        c->fh = nb;
        c->fh_cap = small;
    }
    memcpy(c->fh, &h, sizeof(h));
    size_t pos = sizeof(h);
    for (int i = 0; i < IPC_REQ_BODY; i++) {
        if (fields[i].p != NULL && fields[i].len > 0) {
            memcpy(c->fh + pos, fields[i].p, fields[i].len);
            pos += fields[i].len;
        }
    }
    struct strv body = fields[IPC_REQ_BODY];
    c->job.bufs[0] = uv_buf_init(c->fh, (unsigned)pos);
    c->job.bufs[1] = uv_buf_init((char *)body.p, (unsigned)body.len);
    c->job.nbufs = body.len > 0 ? 2 : 1;
    c->job.seq = h.seq;
    c->job.done = conn_on_job_done;
    int rc = pool_submit(&f->pool, &c->job);
    if (rc == ERR_FULL) {
        conn_send_error(c, 503, "Retry-After: 1\r\n", "server_busy",
                        "Every worker is busy and the queue is full; retry later.");
        return;
    }
    if (rc != 0) {
        conn_send_error(c, 503, "Retry-After: 1\r\n", "server_busy", "The server is stopping.");
        return;
    }
    c->job_active = true;
    c->t_dispatch_ns = clock_mono_ns();
    conn_timer(c, f->cfg->processing_interval_ms);
}

static void conn_http_error(struct conn *c)
{
    c->close_after = true;
    conn_set_state(c, CS_PROCESSING);
    conn_inflight(c, true);
    /* http.h: the status each failure is answered with */
    switch (c->req.err_status) {
    case 413: {
        size_t n = conn_error_body(c, "payload_too_large",
                                   "The request body exceeds the limit of %zu bytes.",
                                   c->f->cfg->max_body_bytes);
        conn_send(c, 413, NULL, FRONT_CTYPE_JSON, c->small_body, n, NULL);
        return;
    }
    case 431: {
        size_t n = conn_error_body(c, "request_header_fields_too_large",
                                   "The request line and headers exceed %zu bytes or %zu fields.",
                                   c->f->cfg->max_header_bytes, c->f->cfg->max_headers);
        conn_send(c, 431, NULL, FRONT_CTYPE_JSON, c->small_body, n, NULL);
        return;
    }
    case 503:
        conn_send_error(c, 503, "Retry-After: 1\r\n", "server_busy",
                        "Out of memory for this request.");
        return;
    case 417:
        conn_send_error(c, 417, NULL, "expectation_failed",
                        "The only expectation supported is 100-continue.");
        return;
    default: {
        size_t n = conn_error_body(c, "bad_request", "Malformed HTTP request: %s.",
                                   c->req.err_detail ? c->req.err_detail : "invalid");
        conn_send(c, 400, NULL, FRONT_CTYPE_JSON, c->small_body, n, NULL);
        return;
    }
    }
}

/* Parses data; on a complete request keeps any bytes past it and answers. */
void conn_feed(struct conn *c, const char *data, size_t len, bool from_pending)
{
    if (c->state == CS_IDLE) {
        conn_set_state(c, CS_READING);
        c->t_start_ns = clock_mono_ns();
        /* A new connection's header timer runs since the accept; a kept-alive one starts now. */
        if (!c->fresh)
            conn_timer(c, c->f->cfg->headers_timeout_ms);
        c->fresh = false;
    }
    size_t n = http_req_feed(&c->req, data, len);
    c->bytes_in += n;
    conn_bp_account(c);
    if (from_pending)
        c->pending_off += n;
    if (c->req.err != ERR_OK) {
        conn_http_error(c);
        return;
    }
    if (!c->req.complete) {
        if (from_pending) {
            /* Everything pending was consumed: back to the socket, unless it has ended. */
            c->pending_off = c->pending_len = 0;
            if (c->peer_eof)
                conn_on_eof(c);
            else
                conn_read_start(c);
        }
        return;
    }
    if (c->req.refused) {
        /* Answered unread, then closed: what follows is its body, never parsed. */
        if (from_pending)
            c->pending_off = c->pending_len = 0;
    } else if (!from_pending && n < len) {
        size_t rest = len - n;
        char *p = realloc(c->pending, rest);
        if (p == NULL) {
            conn_close(c);
            return;
        }
        memcpy(p, data + n, rest);
        c->pending = p;
        c->pending_off = 0;
        c->pending_len = rest;
    } else if (from_pending && c->pending_off >= c->pending_len) {
        c->pending_off = c->pending_len = 0;
    }
    conn_handle(c);
    conn_bp_account(c);
}

/* The client ended its side. A request cut short gets a 400 in case it still listens. */
void conn_on_eof(struct conn *c)
{
    if (c->reading) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = false;
    }
    if (c->state == CS_READING && c->req.started) {
        c->close_after = true;
        conn_set_state(c, CS_PROCESSING);
        conn_send_error(c, 400, NULL, "bad_request", "The request ended before it was complete.");
        return;
    }
    conn_close(c);
}

/* Bytes that arrive while the current request is being answered wait in pending. */
static void conn_read_ahead(struct conn *c, const char *data, size_t len)
{
    if (c->pending_off > 0) {
        memmove(c->pending, c->pending + c->pending_off, c->pending_len - c->pending_off);
        c->pending_len -= c->pending_off;
        c->pending_off = 0;
    }
    char *p = realloc(c->pending, c->pending_len + len);
    if (p == NULL) {
        conn_close(c);
        return;
    }
    memcpy(p + c->pending_len, data, len);
    c->pending = p;
    c->pending_len += len;
    if (c->pending_len >= FRONT_READ_AHEAD && c->reading) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = false;
    }
}

static void conn_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    struct conn *c = s->data;
    if (c->tls != NULL && nread > 0 && buf->base == c->f->rbuf) {
        conn_tls_read(c, buf->base, (size_t)nread);
        return;
    }
    bool busy = c->state == CS_PROCESSING || c->state == CS_WRITING;
    if (nread > 0) {
        if (busy)
            conn_read_ahead(c, buf->base, (size_t)nread);
        else if (c->state == CS_READING && conn_bp_gate(c))
            conn_read_ahead(c, buf->base, (size_t)nread); /* body bytes past the budget */
        else if (c->state == CS_IDLE || c->state == CS_READING)
            conn_feed(c, buf->base, (size_t)nread, false);
        return;
    }
    if (nread == 0)
        return;
    if (nread == UV_EOF && c->bp_paused) {
        /* Half-closed with a request waiting for the pause to end: read it then. */
        c->peer_eof = true;
        return;
    }
    if (nread == UV_EOF && busy) {
        /* Half-closed after sending its request(s): answer them first, then close. */
        c->peer_eof = true;
        uv_read_stop(s);
        c->reading = false;
        return;
    }
    if (nread == UV_EOF) {
        conn_on_eof(c);
        return;
    }
    conn_close(c);
}

/* ---- TLS ---------------------------------------------------------------------------------- */

/* Ends a connection without an HTTP answer: what is queued (a TLS alert, a plain 400) goes out,
 * then FIN, then the input is drained briefly, so the client sees an orderly close, not a reset. */
void conn_end(struct conn *c)
{
    if (c->state == CS_CLOSING || c->state == CS_LINGER)
        return;
    if (c->job_active) {
        pool_cancel(&c->f->pool, &c->job);
        c->job_active = false;
    }
    if (c->reading) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = false;
    }
    conn_set_state(c, CS_LINGER);
    front_bp_unlink(c);
    conn_bp_account(c);
    conn_timer(c, FRONT_LINGER_MS);
    c->sreq.data = c;
    if (uv_shutdown(&c->sreq, (uv_stream_t *)&c->tcp, conn_on_shutdown) != 0)
        conn_close(c);
}

static bool conn_tls_deliver(void *arg, const char *data, size_t len)
{
    struct conn *c = arg;
    uv_buf_t b = uv_buf_init((char *)data, (unsigned)len);
    conn_on_read((uv_stream_t *)&c->tcp, (ssize_t)len, &b);
    return c->state != CS_CLOSING && c->state != CS_LINGER;
}

/* Ciphertext from an HTTPS client: plaintext goes through conn_on_read like a plain read. */
static void conn_tls_read(struct conn *c, const char *data, size_t len)
{
    struct front *f = c->f;
    int rc = front_tls_on_read(c->tls, data, len, f->tls_plain, sizeof(f->tls_plain),
                               conn_tls_deliver, c);
    if (rc == 0 || c->state == CS_CLOSING || c->state == CS_LINGER)
        return;
    if (rc == ERR_CLOSED) {
        conn_on_read((uv_stream_t *)&c->tcp, UV_EOF, NULL);
        return;
    }
    if (rc == ERR_UNSUPPORTED) {
        /* Plain HTTP on the HTTPS port: one plain answer saying so, then an orderly close. */
        static char plain_400[] = "HTTP/1.1 400 Bad Request\r\n"
                                  "Content-Type: text/plain; charset=utf-8\r\n"
                                  "Content-Length: 59\r\n"
                                  "Connection: close\r\n\r\n"
                                  "This port speaks HTTPS: the request was sent as plain HTTP.";
        log_msg(LOG_LEVEL_INFO, "tls", "plain HTTP on the HTTPS port: answered 400 and closed");
        uv_buf_t b = uv_buf_init(plain_400, sizeof(plain_400) - 1);
        c->wreq.data = c;
        if (uv_write(&c->wreq, (uv_stream_t *)&c->tcp, &b, 1, NULL) != 0) {
            conn_close(c);
            return;
        }
        conn_end(c);
        return;
    }
    /* A failed handshake (old protocol version, no common suite, bad record): its alert goes
     * out, then the connection ends; the loop and other clients never wait on it. */
    log_msg(LOG_LEVEL_INFO, "tls", "TLS %s failed: %s",
            front_tls_version(c->tls) != NULL ? "connection" : "handshake",
            front_tls_error(c->tls)[0] ? front_tls_error(c->tls) : "error");
    front_tls_flush(c->tls);
    conn_end(c);
}
