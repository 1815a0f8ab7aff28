/* front.c — the listener, connections, routing, limits, timeouts and drain (see front.h).
 *
 * A connection handles one request at a time. While a request is being answered, what the client
 * sends next (pipelined requests) is kept in conn->pending, at most FRONT_READ_AHEAD bytes: past
 * that the front stops reading from it until the answer is written, so a client that does not read
 * its answers cannot make the front buffer without bound. (Reading stays on otherwise: stopping
 * and restarting it for every request would cost epoll_ctl calls on the hot path.) One
 * timer whose meaning follows its state: headers/keep-alive/request timeouts while reading, the
 * 102 interval while a worker runs its call, a write-stall guard while answering, the linger
 * after a closing answer. */
#include "front.h"

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "arena.h"
#include "budget.h"
#include "clock.h"
#include "front_tls.h"
#include "http.h"
#include "ipc.h"
#include "json.h"
#include "text.h"
#include "uvx.h"
#include "log.h"
#include "metrics.h"
#include "modcheck.h"
#include "pool.h"
#include "registry.h"
#include "reload.h"
#include "tls.h"
#include "worker.h"

#define FRONT_READ_BUF     (64u * 1024u)
#define FRONT_READ_AHEAD   (64u * 1024u)
#define FRONT_SYNC_DEPTH   8
#define FRONT_HEAD_MAX     1024u
#define FRONT_SMALL_BODY   768u
#define FRONT_LINGER_MS    2000u
#define FRONT_BACKLOG      4096
#define FRONT_PATH_IN_MSG  200u
#define FRONT_TRACE_IN_LOG 256u

/* Draining: how long an idle connection stays open for a request its client may be sending. */
#define FRONT_DRAIN_IDLE_MS 2000u

static const char ctype_json[] = "application/json; charset=utf-8";
static const char ctype_text[] = "text/plain; charset=utf-8";

enum route {
    ROUTE_NONE = 0,
    ROUTE_ROOT,
    ROUTE_HEALTH,
    ROUTE_LIVEZ,
    ROUTE_READYZ,
    ROUTE_OPEN_CONNECTIONS,
    ROUTE_STOP_SERVER,
    ROUTE_FUNCTION,
    ROUTE_HOOKS,   /* POST /v1/hooks/{function}: the HTTP-step endpoint (proto_handle_step) */
    ROUTE_METRICS, /* GET /metrics: Prometheus text */
};

static const struct {
    const char *path;
    enum route route;
    bool post; /* POST only, else GET (and HEAD) */
} routes[] = {
    {"/", ROUTE_ROOT, false},
    {"/healthCheck", ROUTE_HEALTH, false},
    {"/livez", ROUTE_LIVEZ, false},
    {"/readyz", ROUTE_READYZ, false},
    {"/openConnections", ROUTE_OPEN_CONNECTIONS, false},
    {"/stopServer", ROUTE_STOP_SERVER, false},
    {"/function", ROUTE_FUNCTION, true},
    {"/metrics", ROUTE_METRICS, false},
};

#define FRONT_HOOKS_PREFIX     "/v1/hooks/"
#define FRONT_HOOKS_PREFIX_LEN 10

/* The {function} segment of /v1/hooks/{function} (as received, one trailing slash dropped), or
 * p == NULL when path is not of that form. */
static struct strv route_hooks_segment(struct strv path)
{
    struct strv seg = {NULL, 0};
    size_t len = path.len;
    if (len > FRONT_HOOKS_PREFIX_LEN + 1 && path.p[len - 1] == '/')
        len--;
    if (len <= FRONT_HOOKS_PREFIX_LEN ||
        strncasecmp(path.p, FRONT_HOOKS_PREFIX, FRONT_HOOKS_PREFIX_LEN) != 0 ||
        memchr(path.p + FRONT_HOOKS_PREFIX_LEN, '/', len - FRONT_HOOKS_PREFIX_LEN) != NULL)
        return seg;
    seg.p = path.p + FRONT_HOOKS_PREFIX_LEN;
    seg.len = len - FRONT_HOOKS_PREFIX_LEN;
    return seg;
}

enum conn_state {
    CS_IDLE = 0,   /* waiting for the first byte of a request */
    CS_READING,    /* a request is arriving */
    CS_PROCESSING, /* complete; a worker (or the queue) has it */
    CS_WRITING,    /* the answer is being written */
    CS_LINGER,     /* answered with Connection: close; draining input before closing */
    CS_CLOSING,
};

struct front;
struct conn;

/* Classes of request bodies, each with its own memory budget (see "body memory" below). */
enum { BP_TRUSTED = 0, BP_UNVERIFIED, BP_NCLASSES };

struct bp_class {
    struct budget b;
    struct conn *rhead, *rtail; /* its readers, oldest first */
};

struct conn {
    uv_tcp_t tcp;
    uv_timer_t timer;
    uv_write_t wreq;         /* the final answer */
    uv_write_t wreq_interim; /* 100 Continue / 102 Processing */
    uv_shutdown_t sreq;
    struct front *f;
    struct conn *prev, *next;
    enum conn_state state;
    int handles; /* open libuv handles (tcp, timer) */
    bool fresh;  /* no request yet on this connection */
    bool reading;
    bool peer_eof; /* the client ended its side while its request was being answered */
    bool interim_busy, processing_sent;
    bool close_after;
    bool head_only;
    bool job_active;
    enum route route;
    int early_status; /* 401/404/405 decided at the headers */
    struct http_req req;
    /* pipelined bytes read past the current request */
    char *pending;
    size_t pending_off, pending_len;
    /* the request's frame head for the worker: ipc_req_head + small fields */
    char *fh;
    size_t fh_cap;
    struct pool_job job;
    /* the answer */
    char head[FRONT_HEAD_MAX];
    char small_body[FRONT_SMALL_BODY];
    char *owned; /* response frame from the worker, freed after the write */
    uint64_t t_start_ns;
    size_t bytes_in;
    char req_id[24];
    size_t req_id_len;
    struct front_tls *tls; /* HTTPS: the TLS layer of this connection, else NULL */
    bool metrics_only;     /* accepted on --metrics-listen: GET /metrics only, no token */
    bool counted;          /* counts against --max-connections */
    bool overflow;         /* accepted past --max-connections: answered 503, closing */
    bool inflight;         /* a complete request not answered yet (counted in the metrics) */
    uint64_t t_dispatch_ns;
    /* Body memory (--max-buffered-mb): the class of the current request (token seen in its
     * headers or not), the bytes it counts and where (reading or queued; linked in f->held
     * meanwhile), its place among its class's readers (oldest first), and in the paused FIFO. */
    int bp_class;
    int bp_where;
    size_t held;
    struct conn *hprev, *hnext;
    struct conn *rprev, *rnext;
    bool bp_paused;
    struct conn *pprev, *pnext;
};

struct front {
    uv_loop_t loop;
    uv_tcp_t listener;
    uv_signal_t sigterm, sigint, sighup;
    const struct serve_config *cfg;
    const struct proto_config *pcfg;
    struct http_limits limits;
    struct pool pool;
    bool pool_started, pool_stopped;
    struct conn *conns;
    size_t nconns;
    /* --max-connections: the limit, the connections counted against it, those answered 503 and
     * lingering, whether the limit is reached now (logged once) and how many were refused since,
     * and when an accept error was last logged. */
    size_t max_conns, nclients, noverflow;
    bool at_limit;
    uint64_t limit_refused;
    uint64_t accept_err_ns;
    bool draining, terminating, listener_closed;
    int signals_seen;
    int sync_depth; /* answers completed synchronously, nested */
    uint32_t seq;
    uint64_t rng;
    char date_line[64];
    size_t date_len;
    time_t date_sec;
    char rbuf[FRONT_READ_BUF];
    int exit_code;
    int port; /* the bound port */
    /* HTTPS: the certificate and key new connections use (SIGHUP loads a new one; a connection
     * keeps the one it started with). NULL: plain HTTP. */
    struct tls_config *tls_cfg;
    struct metrics *metrics;
    /* --metrics-listen: a second, plain listener serving only GET /metrics */
    uv_tcp_t metrics_listener;
    bool has_metrics_listener, metrics_listener_closed;
    int metrics_port;                /* the bound port */
    char tls_plain[FRONT_TLS_CHUNK]; /* decrypted bytes, handed to the parser at once */
    /* The module set new workers are forked with (reload.h; SIGHUP checks a new one: check is that
     * check while it runs, check_again a SIGHUP that came meanwhile), when the last reload began,
     * whether "listening" was said, and the drain's deadline (--shutdown-timeout-ms). */
    struct reload_set *modset;
    struct modcheck *check;
    bool check_again, listening_said;
    uint64_t reload_t0;
    double check_ms;
    uv_timer_t shutdown_timer;
    bool shutdown_timer_on;
    /* Body memory: per class, its budget, counts and readers (oldest first); the connections
     * holding body bytes; the paused FIFO; and a check handle (active while something is paused)
     * that resumes readers and notices queued jobs the pool has handed to a worker. */
    struct bp_class bp[BP_NCLASSES];
    struct conn *held;
    struct conn *paused_head, *paused_tail;
    size_t npaused;
    uv_check_t bp_check;
    uv_check_t log_check;     /* flushes the buffered log after each round of I/O */
    uv_prepare_t log_prepare; /* ... and before the loop waits for I/O */
    bool bp_check_on;
};

static void conn_close(struct conn *c);
static void front_bp_unlink(struct conn *c);
static void conn_bp_account(struct conn *c);
static void conn_feed(struct conn *c, const char *data, size_t len, bool from_pending);
static void conn_next(struct conn *c);
static void front_drain(struct front *f, const char *why);
static void front_maybe_done(struct front *f);
static void front_say_listening(struct front *f);

/* ---- small helpers ------------------------------------------------------------------------ */

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

/* "Date: <IMF-fixdate>\r\n", refreshed once a second. */
static void front_date(struct front *f)
{
    time_t now = time(NULL);
    if (now == f->date_sec && f->date_len > 0)
        return;
    struct tm tm;
    gmtime_r(&now, &tm);
    f->date_len =
        strftime(f->date_line, sizeof(f->date_line), "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
    f->date_sec = now;
}

static const char *status_text(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 102:
        return "Processing";
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 417:
        return "Expectation Failed";
    case 422:
        return "Unprocessable Entity";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return status < 300 ? "OK" : status < 500 ? "Bad Request" : "Internal Server Error";
    }
}

/* Appends s (n bytes) as the inside of a JSON string: escapes quotes, backslashes and controls;
 * bytes outside printable ASCII are percent-encoded (they only come from request paths). */
static size_t json_escape_into(char *out, size_t cap, size_t pos, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n && pos + 7 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            out[pos++] = '\\';
            out[pos++] = (char)ch;
        } else if (ch < 0x20 || ch >= 0x7f) {
            out[pos++] = '%';
            out[pos++] = hex[ch >> 4];
            out[pos++] = hex[ch & 15];
        } else {
            out[pos++] = (char)ch;
        }
    }
    return pos;
}

/* {"errors":[{"code":CODE,"message":MSG}]} into c->small_body; msg is printf-formatted, then
 * escaped. Returns the length. */
static size_t conn_error_body(struct conn *c, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static size_t conn_error_body(struct conn *c, const char *code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(msg))
        n = sizeof(msg) - 1;
    char *b = c->small_body;
    size_t cap = sizeof(c->small_body);
    size_t pos = (size_t)snprintf(b, cap, "{\"errors\":[{\"code\":\"%s\",\"message\":\"", code);
    pos = json_escape_into(b, cap - 8, pos, msg, (size_t)n);
    memcpy(b + pos, "\"}]}", 4);
    return pos + 4;
}

static bool strv_eq_ci(struct strv a, const char *b)
{
    size_t n = strlen(b);
    return a.p != NULL && a.len == n && strncasecmp(a.p, b, n) == 0;
}

/* The value of a query parameter, percent-decoded into out (NUL-terminated). -1 when absent. */
static int query_param(struct strv q, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    const char *p = q.p, *end = q.p + q.len;
    while (p != NULL && p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        if ((size_t)(stop - p) >= nl && memcmp(p, name, nl) == 0 &&
            (p + nl == stop || p[nl] == '=')) {
            const char *v = p + nl + (p + nl < stop ? 1 : 0);
            size_t o = 0;
            while (v < stop && o + 1 < cap) {
                if (*v == '%' && stop - v >= 3 && text_hexval(v[1]) >= 0 &&
                    text_hexval(v[2]) >= 0) {
                    out[o++] = (char)(text_hexval(v[1]) * 16 + text_hexval(v[2]));
                    v += 3;
                } else {
                    out[o++] = *v == '+' ? ' ' : *v;
                    v++;
                }
            }
            out[o] = '\0';
            return (int)o;
        }
        p = stop + 1;
    }
    return -1;
}

/* Splits the URL into path and query (query.p == NULL without '?'), like Node's URL parsing:
 * absolute-form ("http://host/path") gives its path, and a fragment is dropped. */
static void url_split(struct strv url, struct strv *path, struct strv *query)
{
    const char *p = url.p, *end = url.p + url.len;
    size_t skip = 0;
    if (url.len >= 7 && strncasecmp(p, "http://", 7) == 0)
        skip = 7;
    else if (url.len >= 8 && strncasecmp(p, "https://", 8) == 0)
        skip = 8;
    if (skip > 0) {
        const char *slash = memchr(p + skip, '/', url.len - skip);
        p = slash ? slash : end;
    }
    const char *hash = memchr(p, '#', (size_t)(end - p));
    if (hash != NULL)
        end = hash;
    const char *q = memchr(p, '?', (size_t)(end - p));
    path->p = p == end && skip > 0 ? "/" : p;
    path->len = p == end && skip > 0 ? 1 : (size_t)((q ? q : end) - p);
    query->p = q ? q + 1 : NULL;
    query->len = q ? (size_t)(end - q - 1) : 0;
}

/* The admin routes take the system token like POST /function: "Bearer T" in Authorization, or,
 * only without that header, access_token in the query. */
static bool conn_authorized(struct conn *c)
{
    struct strv auth = http_req_header(&c->req, HTTP_HDR_AUTHORIZATION);
    if (auth.p != NULL) {
        const char *tok;
        size_t tlen;
        return proto_bearer(auth, &tok, &tlen) &&
               proto_tokens_match((const char *const *)c->f->cfg->tokens, c->f->cfg->ntokens, tok,
                                  tlen);
    }
    struct strv path, query;
    url_split(http_req_url(&c->req), &path, &query);
    char tok[CONFIG_TOKEN_MAX + 1];
    int n = query.p ? query_param(query, "access_token", tok, sizeof(tok)) : -1;
    bool ok = n >= 0 && proto_tokens_match((const char *const *)c->f->cfg->tokens,
                                           c->f->cfg->ntokens, tok, (size_t)n);
    explicit_bzero(tok, sizeof(tok));
    return ok;
}

/* ---- logging ------------------------------------------------------------------------------ */

static void log_strv(struct log_line *l, const char *key, struct strv v, size_t max)
{
    if (v.p != NULL)
        log_strn(l, key, v.p, v.len > max ? max : v.len);
}

static void conn_log(struct conn *c, int status, size_t bytes_out, const struct ipc_resp_view *rv)
{
    if (c->route == ROUTE_LIVEZ || c->route == ROUTE_READYZ)
        return;
    struct log_line l;
    if (!log_begin(&l, status >= 500 ? LOG_LEVEL_WARN : LOG_LEVEL_INFO, "request"))
        return;
    struct strv path, query;
    url_split(http_req_url(&c->req), &path, &query);
    /* The method is known once the URL has started (a request cut earlier has none). */
    log_str(&l, "method", c->req.url.present ? http_req_method(&c->req) : "-");
    log_strv(&l, "path", path, FRONT_PATH_IN_MSG);
    log_int(&l, "status", status);
    log_ms(&l, "dur_ms", (double)(clock_mono_ns() - c->t_start_ns) / 1e6);
    if (rv != NULL) {
        log_strv(&l, "function", rv->f[IPC_RESP_FUNCTION], 256);
        log_strv(&l, "type", rv->f[IPC_RESP_TYPE], 64);
        log_strv(&l, "connector_id", rv->f[IPC_RESP_CONNECTOR_ID], 64);
        log_strv(&l, "integration_id", rv->f[IPC_RESP_INTEGRATION_ID], 64);
        log_strv(&l, "flow_id", rv->f[IPC_RESP_FLOW_ID], 64);
        log_strv(&l, "export_id", rv->f[IPC_RESP_EXPORT_ID], 64);
        log_strv(&l, "import_id", rv->f[IPC_RESP_IMPORT_ID], 64);
        log_strv(&l, "connection_id", rv->f[IPC_RESP_CONNECTION_ID], 64);
    }
    if (c->req_id_len > 0)
        log_strn(&l, "req_id", c->req_id, c->req_id_len);
    log_strv(&l, "trace_id", http_req_header(&c->req, HTTP_HDR_TRACEID), FRONT_TRACE_IN_LOG);
    log_int(&l, "bytes_in", (long long)c->bytes_in);
    log_int(&l, "bytes_out", (long long)bytes_out);
    log_end(&l);
}

/* ---- metrics ------------------------------------------------------------------------------ */

static enum metrics_route front_metrics_route(enum route r)
{
    switch (r) {
    case ROUTE_FUNCTION:
        return METRICS_ROUTE_FUNCTION;
    case ROUTE_HOOKS:
        return METRICS_ROUTE_HOOKS;
    case ROUTE_ROOT:
    case ROUTE_HEALTH:
    case ROUTE_LIVEZ:
    case ROUTE_READYZ:
        return METRICS_ROUTE_HEALTH;
    case ROUTE_OPEN_CONNECTIONS:
    case ROUTE_STOP_SERVER:
    case ROUTE_METRICS:
        return METRICS_ROUTE_ADMIN;
    case ROUTE_NONE:
        break;
    }
    return METRICS_ROUTE_OTHER;
}

/* A request is in flight from its last byte (or the error that ends it) to its answer. */
static void conn_inflight(struct conn *c, bool on)
{
    if (c->inflight == on)
        return;
    c->inflight = on;
    metrics_inflight_add(c->f->metrics, on ? 1 : -1);
}

/* One answered request: route, status, time since its first byte, bytes (plaintext with TLS). */
static void front_metrics_request(struct conn *c, int status, size_t bytes_out)
{
    conn_inflight(c, false);
    metrics_request(c->f->metrics, front_metrics_route(c->route), status,
                    (double)(clock_mono_ns() - c->t_start_ns) / 1e6, c->bytes_in, bytes_out);
}

/* ---- writing answers ---------------------------------------------------------------------- */

static void conn_on_timer(uv_timer_t *t);
static void conn_end(struct conn *c);
static void front_limit_release(struct front *f);

static void conn_timer(struct conn *c, uint64_t ms)
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

static void conn_on_shutdown(uv_shutdown_t *req, int status)
{
    struct conn *c = req->data;
    if (status < 0 || c->state == CS_CLOSING) {
        conn_close(c);
        return;
    }
    /* Read (and drop) what the client still sends, so closing does not reset the connection
     * under the answer it has not read yet; close at its end of file or after a short while. */
    c->state = CS_LINGER;
    conn_timer(c, FRONT_LINGER_MS);
    if (uv_read_start((uv_stream_t *)&c->tcp, conn_alloc, conn_on_linger_read) != 0)
        conn_close(c);
}

static void conn_on_written(uv_write_t *req, int status)
{
    struct conn *c = req->data;
    free(c->owned);
    c->owned = NULL;
    if (c->state == CS_CLOSING)
        return;
    if (status < 0) {
        conn_close(c);
        return;
    }
    /* A connection closes only after an answer that said so: one that said keep-alive (written
     * before a drain began) is followed by the drain's idle wait, so a request the client sends
     * on the strength of it is still answered. */
    if (c->close_after) {
        uv_timer_stop(&c->timer);
        if (c->reading) {
            uv_read_stop((uv_stream_t *)&c->tcp);
            c->reading = false;
        }
        if (c->tls != NULL)
            front_tls_close_notify(c->tls);
        c->sreq.data = c;
        if (uv_shutdown(&c->sreq, (uv_stream_t *)&c->tcp, conn_on_shutdown) != 0)
            conn_close(c);
        return;
    }
    conn_next(c);
}

/* True when bytes of a next request are already here: read ahead, or waiting in the socket. */
static bool conn_has_input(struct conn *c)
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

/* Writes the final answer: status line, headers, body (body may point into c->owned). */
static void conn_send(struct conn *c, int status, const char *extra, const char *ctype,
                      const char *body, size_t blen, const struct ipc_resp_view *rv)
{
    struct front *f = c->f;
    if (c->job_active) {
        pool_cancel(&f->pool, &c->job);
        c->job_active = false;
    }
    /* Draining: the last answer says close; one with more of the client's requests already
     * arrived (pipelined) says keep-alive, so those are answered too. */
    if (!c->close_after && ((f->draining && !conn_has_input(c)) || !http_req_keep_alive(&c->req)))
        c->close_after = true;
    if (c->close_after && c->reading) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = false;
    }
    front_date(f);
    /* Header order as Node writes it: what the application set (Content-Type, and Content-Length
     * when Express's res.send set it), then Date, Connection, Keep-Alive; a Content-Length Node
     * computes itself (res.end(text) on the admin routes, an empty /function answer) comes last. */
    bool cl_last = ctype == NULL || (rv != NULL && blen == 0);
    char cl[48];
    snprintf(cl, sizeof(cl), "Content-Length: %zu\r\n", blen);
    char conn_hdr[96];
    if (c->close_after)
        snprintf(conn_hdr, sizeof(conn_hdr), "Connection: close\r\n");
    else
        snprintf(conn_hdr, sizeof(conn_hdr),
                 "Connection: keep-alive\r\nKeep-Alive: timeout=%llu\r\n",
                 (unsigned long long)(f->cfg->keepalive_timeout_ms / 1000));
    int n = snprintf(c->head, sizeof(c->head), "HTTP/1.1 %d %s\r\n%s%s%s%s%s%.*s%s%s\r\n", status,
                     status_text(status), extra ? extra : "", ctype ? "Content-Type: " : "",
                     ctype ? ctype : "", ctype ? "\r\n" : "", cl_last ? "" : cl, (int)f->date_len,
                     f->date_line, conn_hdr, cl_last ? cl : "");
    size_t pos = n > 0 ? (size_t)n : 0;
    if (pos >= sizeof(c->head))
        pos = sizeof(c->head) - 1;
    uv_buf_t bufs[2] = {uv_buf_init(c->head, (unsigned)pos),
                        uv_buf_init((char *)body, (unsigned)blen)};
    unsigned nbufs = (blen > 0 && !c->head_only) ? 2 : 1;
    conn_log(c, status, pos + (nbufs == 2 ? blen : 0), rv);
    front_metrics_request(c, status, pos + (nbufs == 2 ? blen : 0));
    c->state = CS_WRITING;
    front_bp_unlink(c);
    conn_bp_account(c);
    conn_timer(c, f->cfg->request_timeout_ms);
    c->wreq.data = c;
    /* Answers written at once complete here; past a few nested ones (a client pipelining many
     * requests), the write goes through the loop so the stack stays flat. */
    int rc = c->tls != NULL ? front_tls_write(c->tls, &c->wreq, bufs, nbufs, conn_on_written,
                                              f->sync_depth < FRONT_SYNC_DEPTH)
             : f->sync_depth < FRONT_SYNC_DEPTH
                 ? uvx_write(&c->wreq, (uv_stream_t *)&c->tcp, bufs, nbufs, conn_on_written)
                 : uv_write(&c->wreq, (uv_stream_t *)&c->tcp, bufs, nbufs, conn_on_written);
    if (rc < 0) {
        free(c->owned);
        c->owned = NULL;
        conn_close(c);
        return;
    }
    if (rc == 1) {
        f->sync_depth++;
        conn_on_written(&c->wreq, 0);
        f->sync_depth--;
    }
}

static void conn_send_error(struct conn *c, int status, const char *extra, const char *code,
                            const char *msg)
{
    size_t n = conn_error_body(c, code, "%s", msg);
    conn_send(c, status, extra, ctype_json, c->small_body, n, NULL);
}

static void conn_on_interim_written(uv_write_t *req, int status)
{
    (void)status;
    struct conn *c = req->data;
    c->interim_busy = false;
}

static void conn_send_interim(struct conn *c, const char *text)
{
    if (c->tls != NULL) {
        /* Encrypted in order with the rest; nothing to wait for. */
        front_tls_send(c->tls, text, strlen(text));
        return;
    }
    if (c->interim_busy)
        return;
    c->interim_busy = true;
    c->wreq_interim.data = c;
    uv_buf_t b = uv_buf_init((char *)text, (unsigned)strlen(text));
    if (uv_write(&c->wreq_interim, (uv_stream_t *)&c->tcp, &b, 1, conn_on_interim_written) != 0)
        c->interim_busy = false;
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

static void conn_close(struct conn *c)
{
    if (c->state == CS_CLOSING)
        return;
    c->state = CS_CLOSING;
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

static void conn_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);
static void conn_on_eof(struct conn *c);

static void conn_read_start(struct conn *c)
{
    if (c->reading || c->state == CS_CLOSING)
        return;
    if (uv_read_start((uv_stream_t *)&c->tcp, conn_alloc, conn_on_read) != 0) {
        conn_close(c);
        return;
    }
    c->reading = true;
}

/* ---- body memory (--max-buffered-mb) -----------------------------------------------------
 *
 * What counts: the body bytes received for requests the front holds for no worker yet, being
 * read or complete and waiting in the pool's queue (a declared Content-Length reserves nothing:
 * http.c grows the buffer with the bytes). Once a worker has the job its bytes leave the count
 * (workers are bounded by --workers, not by clients). Two classes, each with its own budget and
 * FIFO of readers (budget.h): requests whose token was checked in their headers (the whole cap),
 * and requests whose token can only be in their body (a quarter of it), so a sender that showed
 * no token never takes memory from one that did.
 *
 * Only the reading of bodies pauses, never header parsing: a request's headers are always read,
 * so health checks, refusals (401/404/405/413, answered at the end of the headers) and requests
 * without a body never wait on anyone's body. Before each read of a body, budget_may_read()
 * decides; a reader that may not is paused: not read (the bytes of the read that found it paused
 * wait in conn->pending, the rest in the socket and the client), in a FIFO, and a check handle
 * (active while anything is paused) resumes whoever may read again after each round of I/O.
 *
 * No deadlock: the oldest reader of a class always reads while the queue leaves room, and the
 * queue drains by itself as workers finish their jobs.
 *
 * Timeouts: a paused reader that showed a token has its timer stopped (the wait is the server's),
 * and its request timeout starts over when it resumes; one that showed none keeps its timer (it
 * gets 408 if it is kept waiting past the request timeout, so it cannot hold its share forever). */

enum { BP_NONE = 0, BP_READING, BP_QUEUED };

static bool conn_bp_trusted(const struct conn *c)
{
    return c->bp_class == BP_TRUSTED;
}

/* Where c's body counts now (BP_NONE: nowhere). */
static int conn_bp_where(const struct conn *c)
{
    if (c->state == CS_CLOSING || c->req.discard)
        return BP_NONE;
    if (c->state == CS_READING && c->req.headers_done && !c->req.complete)
        return BP_READING;
    if (c->state == CS_PROCESSING && c->job_active && c->job.state == POOL_JOB_QUEUED)
        return BP_QUEUED;
    return BP_NONE;
}

static void bp_readers_unlink(struct front *f, struct conn *c)
{
    struct bp_class *k = &f->bp[c->bp_class];
    if (c->rprev != NULL)
        c->rprev->rnext = c->rnext;
    else
        k->rhead = c->rnext;
    if (c->rnext != NULL)
        c->rnext->rprev = c->rprev;
    else
        k->rtail = c->rprev;
    c->rprev = c->rnext = NULL;
    k->b.nreaders--;
}

static void bp_readers_append(struct front *f, struct conn *c)
{
    struct bp_class *k = &f->bp[c->bp_class];
    c->rnext = NULL;
    c->rprev = k->rtail;
    if (k->rtail != NULL)
        k->rtail->rnext = c;
    else
        k->rhead = c;
    k->rtail = c;
    k->b.nreaders++;
}

/* Brings c's part of the counts up to date (after every read, answer and state change). */
static void conn_bp_account(struct conn *c)
{
    struct front *f = c->f;
    int where = conn_bp_where(c);
    size_t want = where != BP_NONE ? c->req.body_len : 0;
    if (where == c->bp_where && want == c->held)
        return;
    struct bp_class *k = &f->bp[c->bp_class];
    /* out of the old place */
    if (c->bp_where == BP_READING)
        k->b.reading -= c->held;
    else if (c->bp_where == BP_QUEUED)
        k->b.queued -= c->held;
    if (c->bp_where == BP_READING && where != BP_READING)
        bp_readers_unlink(f, c);
    if (c->bp_where != BP_NONE && where == BP_NONE) {
        if (c->hprev != NULL)
            c->hprev->hnext = c->hnext;
        else
            f->held = c->hnext;
        if (c->hnext != NULL)
            c->hnext->hprev = c->hprev;
        c->hprev = c->hnext = NULL;
    }
    /* into the new one */
    if (c->bp_where == BP_NONE && where != BP_NONE) {
        c->hprev = NULL;
        c->hnext = f->held;
        if (f->held != NULL)
            f->held->hprev = c;
        f->held = c;
    }
    if (where == BP_READING && c->bp_where != BP_READING)
        bp_readers_append(f, c);
    if (where == BP_READING)
        k->b.reading += want;
    else if (where == BP_QUEUED)
        k->b.queued += want;
    c->bp_where = where;
    c->held = want;
}

/* Jobs the pool took from its queue since (it tells only when they are answered). */
static void front_bp_refresh(struct front *f)
{
    for (struct conn *c = f->held, *next; c != NULL; c = next) {
        next = c->hnext;
        conn_bp_account(c);
    }
}

/* The body memory held now, every class. */
static size_t front_bp_total(const struct front *f)
{
    size_t n = 0;
    for (int i = 0; i < BP_NCLASSES; i++)
        n += f->bp[i].b.reading + f->bp[i].b.queued;
    return n;
}

static bool conn_bp_may_read(const struct conn *c)
{
    const struct bp_class *k = &c->f->bp[c->bp_class];
    struct budget b = k->b;
    b.head_held = k->rhead != NULL ? k->rhead->held : 0;
    return budget_may_read(&b, k->rhead == c, c->held);
}

static void front_bp_on_check(uv_check_t *h);

static void front_bp_unlink(struct conn *c)
{
    struct front *f = c->f;
    if (!c->bp_paused)
        return;
    if (c->pprev != NULL)
        c->pprev->pnext = c->pnext;
    else
        f->paused_head = c->pnext;
    if (c->pnext != NULL)
        c->pnext->pprev = c->pprev;
    else
        f->paused_tail = c->pprev;
    c->pprev = c->pnext = NULL;
    c->bp_paused = false;
    f->npaused--;
    if (f->paused_head == NULL && f->bp_check_on) {
        uv_check_stop(&f->bp_check);
        f->bp_check_on = false;
    }
}

/* Before more of a body is read: true when c must wait (it is then paused: not read, queued,
 * its timer stopped if it showed a token). */
static bool conn_bp_gate(struct conn *c)
{
    struct front *f = c->f;
    if (c->bp_paused)
        return true;
    if (c->bp_where != BP_READING || conn_bp_may_read(c))
        return false;
    front_bp_refresh(f);
    if (c->bp_where != BP_READING || conn_bp_may_read(c))
        return false;
    if (c->reading) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = false;
    }
    if (conn_bp_trusted(c))
        uv_timer_stop(&c->timer);
    c->bp_paused = true;
    c->pnext = NULL;
    c->pprev = f->paused_tail;
    if (f->paused_tail != NULL)
        f->paused_tail->pnext = c;
    else
        f->paused_head = c;
    f->paused_tail = c;
    f->npaused++;
    metrics_body_paused(f->metrics);
    if (!f->bp_check_on && f->bp_check.loop != NULL &&
        !uv_is_closing((uv_handle_t *)&f->bp_check)) {
        uv_check_start(&f->bp_check, front_bp_on_check);
        f->bp_check_on = true;
    }
    return true;
}

static void conn_bp_resume(struct conn *c)
{
    struct front *f = c->f;
    front_bp_unlink(c);
    if (conn_bp_trusted(c))
        conn_timer(c, f->cfg->request_timeout_ms);
    if (c->pending_len > c->pending_off)
        conn_feed(c, c->pending + c->pending_off, c->pending_len - c->pending_off, true);
    else if (c->peer_eof)
        conn_on_eof(c);
    else
        conn_read_start(c);
}

/* Resumes the paused readers that may read again, oldest first. */
static void front_bp_resume(struct front *f)
{
    if (f->paused_head == NULL)
        return;
    front_bp_refresh(f);
    for (struct conn *c = f->paused_head, *next; c != NULL; c = next) {
        next = c->pnext;
        if (c->bp_where == BP_READING && !conn_bp_may_read(c))
            continue;
        conn_bp_resume(c);
        /* Feeding c may have answered and closed others: start over if next left the list. */
        if (next != NULL && !next->bp_paused)
            next = f->paused_head;
    }
}

static void front_bp_on_check(uv_check_t *h)
{
    front_bp_resume(h->data);
}

/* After an answer on a kept-alive connection: next request from pending bytes or the socket. */
static void conn_next(struct conn *c)
{
    http_req_next(&c->req);
    c->state = CS_IDLE;
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

static void conn_on_timer(uv_timer_t *t)
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

/* ---- requests ----------------------------------------------------------------------------- */

static enum route route_find(struct strv path, bool *post)
{
    /* Like Express's defaults: case-insensitive, one trailing slash allowed. */
    size_t len = path.len;
    if (len > 1 && path.p[len - 1] == '/')
        len--;
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        size_t rl = strlen(routes[i].path);
        if (rl == len && strncasecmp(path.p, routes[i].path, rl) == 0) {
            *post = routes[i].post;
            return routes[i].route;
        }
    }
    if (route_hooks_segment(path).p != NULL) {
        *post = true;
        return ROUTE_HOOKS;
    }
    return ROUTE_NONE;
}

/* The token of a POST /function or /v1/hooks request, from its headers alone (proto.h): a
 * refused one is answered by the front before the body is read. */
static enum proto_auth conn_token_check(struct conn *c, bool has_body)
{
    const struct proto_config *pcfg = c->f->pcfg;
    struct strv auth = http_req_header(&c->req, HTTP_HDR_AUTHORIZATION);
    if (c->route == ROUTE_HOOKS)
        return proto_step_authorized(pcfg, auth) ? PROTO_AUTH_OK : PROTO_AUTH_REFUSED;
    struct strv path, query;
    url_split(http_req_url(&c->req), &path, &query);
    struct proto_request pr = {
        .authorization = auth,
        .query = query,
        .content_type = http_req_header(&c->req, HTTP_HDR_CONTENT_TYPE),
    };
    return proto_auth_headers(pcfg, &pr, has_body);
}

static enum http_body_mode conn_on_headers(struct http_req *r, void *arg)
{
    struct conn *c = arg;
    struct front *f = c->f;
    struct strv path, query;
    url_split(http_req_url(r), &path, &query);
    bool post = false;
    enum route rt = route_find(path, &post);
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
    if (has_body && strv_eq_ci(http_req_header(r, HTTP_HDR_EXPECT), "100-continue"))
        conn_send_interim(c, "HTTP/1.1 100 Continue\r\n\r\n");
    return keep ? HTTP_BODY_KEEP : HTTP_BODY_DISCARD;
}

static void conn_new_req_id(struct conn *c)
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
        const char *ct = ctype_json;
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
    metrics_worker_restart(c->f->metrics, res->outcome == POOL_TIMED_OUT ? METRICS_RESTART_TIMEOUT
                                          : res->outcome == POOL_MEMORY  ? METRICS_RESTART_MEMORY
                                                                         : METRICS_RESTART_CRASH);
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
    conn_send(c, status, NULL, ctype_json, c->small_body, n, NULL);
}

static void conn_dispatch(struct conn *c)
{
    struct front *f = c->f;
    struct strv path, query;
    url_split(http_req_url(&c->req), &path, &query);
    struct strv fields[IPC_REQ_NFIELDS] = {
        [IPC_REQ_AUTHORIZATION] = http_req_header(&c->req, HTTP_HDR_AUTHORIZATION),
        [IPC_REQ_QUERY] = query,
        [IPC_REQ_CONTENT_TYPE] = http_req_header(&c->req, HTTP_HDR_CONTENT_TYPE),
        [IPC_REQ_CONTENT_ENCODING] = http_req_header(&c->req, HTTP_HDR_CONTENT_ENCODING),
        [IPC_REQ_TRACE_ID] = http_req_header(&c->req, HTTP_HDR_TRACEID),
        [IPC_REQ_REQ_ID] = {c->req_id, c->req_id_len},
        [IPC_REQ_STEP_FUNCTION] =
            c->route == ROUTE_HOOKS ? route_hooks_segment(path) : (struct strv){NULL, 0},
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
    if (rc == POOL_E_FULL) {
        conn_send_error(c, 503, "Retry-After: 1\r\n", "server_busy",
                        "Every worker is busy and the queue is full; retry later.");
        return;
    }
    if (rc != POOL_OK) {
        conn_send_error(c, 503, "Retry-After: 1\r\n", "server_busy", "The server is stopping.");
        return;
    }
    c->job_active = true;
    c->t_dispatch_ns = clock_mono_ns();
    conn_timer(c, f->cfg->processing_interval_ms);
}

static void conn_handle(struct conn *c)
{
    struct front *f = c->f;
    c->state = CS_PROCESSING;
    conn_inflight(c, true);
    conn_new_req_id(c);
    struct strv path, query;
    url_split(http_req_url(&c->req), &path, &query);
    if (c->early_status == 404) {
        size_t n = conn_error_body(
            c, "not_found", "Cannot %s %.*s", http_req_method(&c->req),
            (int)(path.len > FRONT_PATH_IN_MSG ? FRONT_PATH_IN_MSG : path.len), path.p);
        conn_send(c, 404, NULL, ctype_json, c->small_body, n, NULL);
        return;
    }
    if (c->early_status == 405) {
        bool post = c->route == ROUTE_FUNCTION || c->route == ROUTE_HOOKS;
        size_t n = conn_error_body(
            c, "method_not_allowed", "Cannot %s %.*s", http_req_method(&c->req),
            (int)(path.len > FRONT_PATH_IN_MSG ? FRONT_PATH_IN_MSG : path.len), path.p);
        conn_send(c, 405, post ? "Allow: POST\r\n" : "Allow: GET, HEAD\r\n", ctype_json,
                  c->small_body, n, NULL);
        return;
    }
    static const char success[] = "{\"success\":true}";
    static const char unauthorized[] =
        "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid system token.\"}]}";
    static const char www_auth[] = "WWW-Authenticate: invalid system token\r\n";
    if (c->early_status == 401 && c->route == ROUTE_HOOKS) {
        /* proto_handle_step's answer, byte for byte */
        static const char api_unauthorized[] =
            "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid API token.\"}]}";
        conn_send(c, 401, "WWW-Authenticate: Bearer realm=\"hookstack\"\r\n", ctype_json,
                  api_unauthorized, sizeof(api_unauthorized) - 1, NULL);
        return;
    }
    if (c->early_status == 401) {
        /* proto_handle's answer, byte for byte */
        conn_send(c, 401, www_auth, ctype_json, unauthorized, sizeof(unauthorized) - 1, NULL);
        return;
    }
    switch (c->route) {
    case ROUTE_ROOT:
    case ROUTE_HEALTH:
        conn_send(c, 200, NULL, ctype_json, success, sizeof(success) - 1, NULL);
        return;
    case ROUTE_LIVEZ:
    case ROUTE_READYZ:
        if (f->terminating || f->draining)
            conn_send(c, 503, NULL, ctype_text, "Service Unavailable", 19, NULL);
        else
            conn_send(c, 200, NULL, ctype_text, "OK", 2, NULL);
        return;
    case ROUTE_OPEN_CONNECTIONS: {
        if (!conn_authorized(c)) {
            conn_send(c, 401, www_auth, ctype_json, unauthorized, sizeof(unauthorized) - 1, NULL);
            return;
        }
        char v[16];
        if (query.p != NULL && query_param(query, "terminate", v, sizeof(v)) >= 0 &&
            strcmp(v, "true") == 0 && !f->terminating) {
            f->terminating = true;
            log_msg(LOG_LEVEL_INFO, "terminating",
                    "terminate=true: /livez and /readyz now answer 503");
        }
        size_t n = (size_t)snprintf(c->small_body, sizeof(c->small_body), "%zu", f->nconns - 1);
        conn_send(c, 200, NULL, NULL, c->small_body, n, NULL);
        return;
    }
    case ROUTE_STOP_SERVER: {
        if (!conn_authorized(c)) {
            conn_send(c, 401, www_auth, ctype_json, unauthorized, sizeof(unauthorized) - 1, NULL);
            return;
        }
        size_t others = f->nconns - 1;
        if (others > 1) {
            size_t n = conn_error_body(c, "connections_still_open", "%zu connection(s) still open.",
                                       others);
            conn_send(c, 422, NULL, ctype_json, c->small_body, n, NULL);
            return;
        }
        /* The drain begins before the answer, so the answer says Connection: close (or, with
         * requests pipelined behind it, those are answered first and the last one says it). */
        front_drain(f, "stopServer");
        conn_send(c, 200, NULL, NULL, "preparing to shut down.", 23, NULL);
        return;
    }
    case ROUTE_FUNCTION:
    case ROUTE_HOOKS:
        conn_dispatch(c);
        return;
    case ROUTE_METRICS: {
        /* The main port asks for the system token; --metrics-listen's address asks none (it
         * is meant for a private network or loopback). */
        if (!c->metrics_only && !conn_authorized(c)) {
            conn_send(c, 401, www_auth, ctype_json, unauthorized, sizeof(unauthorized) - 1, NULL);
            return;
        }
        metrics_queue_depth(f->metrics, pool_queue_len(&f->pool));
        metrics_workers(f->metrics, (size_t)pool_busy_count(&f->pool), (size_t)pool_size(&f->pool));
        metrics_connections(f->metrics, f->nconns);
        front_bp_refresh(f);
        metrics_front_state(f->metrics, front_bp_total(f), f->npaused, f->max_conns);
        struct json_buf b;
        json_buf_init(&b, 0);
        if (metrics_render(f->metrics, &b) != 0) {
            json_buf_free(&b);
            conn_send_error(c, 503, "Retry-After: 1\r\n", "server_busy", "Out of memory.");
            return;
        }
        c->owned = b.data; /* freed once written */
        conn_send(c, 200, NULL, METRICS_CONTENT_TYPE, b.data, b.len, NULL);
        return;
    }
    case ROUTE_NONE:
        break;
    }
    conn_send_error(c, 404, NULL, "not_found", "Not found.");
}

static void conn_http_error(struct conn *c)
{
    c->close_after = true;
    c->state = CS_PROCESSING;
    conn_inflight(c, true);
    switch (c->req.err) {
    case HTTP_E_BODY_TOO_LARGE: {
        size_t n = conn_error_body(c, "payload_too_large",
                                   "The request body exceeds the limit of %zu bytes.",
                                   c->f->cfg->max_body_bytes);
        conn_send(c, 413, NULL, ctype_json, c->small_body, n, NULL);
        return;
    }
    case HTTP_E_HEADERS_TOO_LARGE: {
        size_t n = conn_error_body(c, "request_header_fields_too_large",
                                   "The request line and headers exceed %zu bytes or %zu fields.",
                                   c->f->cfg->max_header_bytes, c->f->cfg->max_headers);
        conn_send(c, 431, NULL, ctype_json, c->small_body, n, NULL);
        return;
    }
    case HTTP_E_NOMEM:
        conn_send_error(c, 503, "Retry-After: 1\r\n", "server_busy",
                        "Out of memory for this request.");
        return;
    case HTTP_E_EXPECTATION:
        conn_send_error(c, 417, NULL, "expectation_failed",
                        "The only expectation supported is 100-continue.");
        return;
    case HTTP_E_BAD_REQUEST:
    case HTTP_OK: {
        size_t n = conn_error_body(c, "bad_request", "Malformed HTTP request: %s.",
                                   c->req.err_detail ? c->req.err_detail : "invalid");
        conn_send(c, 400, NULL, ctype_json, c->small_body, n, NULL);
        return;
    }
    }
}

/* Parses data; on a complete request keeps any bytes past it and answers. */
static void conn_feed(struct conn *c, const char *data, size_t len, bool from_pending)
{
    if (c->state == CS_IDLE) {
        c->state = CS_READING;
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
    if (c->req.err != HTTP_OK) {
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
static void conn_on_eof(struct conn *c)
{
    if (c->reading) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = false;
    }
    if (c->state == CS_READING && c->req.started) {
        c->close_after = true;
        c->state = CS_PROCESSING;
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

static void conn_tls_read(struct conn *c, const char *data, size_t len);

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
static void conn_end(struct conn *c)
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
    c->state = CS_LINGER;
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
    if (rc == FRONT_TLS_OK || c->state == CS_CLOSING || c->state == CS_LINGER)
        return;
    if (rc == FRONT_TLS_EOF) {
        conn_on_read((uv_stream_t *)&c->tcp, UV_EOF, NULL);
        return;
    }
    if (rc == FRONT_TLS_E_NOT_TLS) {
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

/* SIGHUP: loads the certificate and key again for new connections; on failure keeps the current
 * ones (and says why). Connections already open keep theirs. */
static void front_tls_reload(struct front *f)
{
    if (f->tls_cfg == NULL)
        return;
    char err[512];
    struct tls_config *n = tls_config_load(f->cfg->tls_cert, f->cfg->tls_key, err, sizeof(err));
    if (n == NULL) {
        log_msg(LOG_LEVEL_ERROR, "tls_reload", "%s; keeping the current certificate", err);
        return;
    }
    tls_config_unref(f->tls_cfg);
    f->tls_cfg = n;
    log_msg(LOG_LEVEL_INFO, "tls_reload", "certificate %s reloaded: new connections use it",
            f->cfg->tls_cert);
}

/* ---- the connection limit (--max-connections) ----------------------------------------------
 *
 * Past the limit a new connection on the main port is still accepted, answered "503 server_busy"
 * with Retry-After and Connection: close, and closed after a short linger (so the client reads
 * the answer rather than a reset): a load balancer sees the refusal at once instead of a server
 * that silently stopped accepting. At most FRONT_OVERFLOW_MAX such connections linger at a time;
 * beyond them (and on the HTTPS port, where a handshake would cost more than the answer) a new
 * connection is closed at once. The limit's default leaves file descriptors for all of this
 * (config_max_connections). Reaching it is logged once, and its end with the number refused;
 * /metrics counts every refusal. Connections of --metrics-listen do not count. */

#define FRONT_OVERFLOW_MAX 32u

static void front_on_tmp_closed(uv_handle_t *h)
{
    free(h);
}

/* Accepts a connection (fd >= 0: accepted already) and closes it at once. */
static void front_accept_drop(struct front *f, uv_stream_t *server, int fd)
{
    if (fd >= 0) {
        close(fd);
        return;
    }
    uv_tcp_t *tmp = malloc(sizeof(*tmp));
    if (tmp == NULL || uv_tcp_init(&f->loop, tmp) != 0) {
        free(tmp);
        return;
    }
    (void)uv_accept(server, (uv_stream_t *)tmp);
    uv_close((uv_handle_t *)tmp, front_on_tmp_closed);
}

static void front_limit_reached(struct front *f)
{
    metrics_connection_refused(f->metrics);
    f->limit_refused++;
    if (f->at_limit)
        return;
    f->at_limit = true;
    log_msg(LOG_LEVEL_WARN, "connection_limit",
            "%zu connections open (--max-connections %zu): new connections are answered 503 and "
            "closed until some close",
            f->nclients, f->max_conns);
}

/* A counted connection closed: the episode at the limit ends once a tenth of it is free. */
static void front_limit_release(struct front *f)
{
    f->nclients--;
    if (f->at_limit && f->nclients <= f->max_conns - f->max_conns / 10) {
        f->at_limit = false;
        log_msg(LOG_LEVEL_INFO, "connection_limit_cleared",
                "%zu connections open: accepting again (%llu refused at the limit)", f->nclients,
                (unsigned long long)f->limit_refused);
        f->limit_refused = 0;
    }
}

/* The answer of a connection refused at the limit, into c->head. */
static size_t conn_overflow_answer(struct conn *c)
{
    static const char body[] = "{\"errors\":[{\"code\":\"server_busy\",\"message\":\"Too many "
                               "open connections; retry later.\"}]}";
    front_date(c->f);
    int n = snprintf(c->head, sizeof(c->head),
                     "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: "
                     "%s\r\nContent-Length: %zu\r\n%.*sConnection: close\r\n\r\n%s",
                     ctype_json, sizeof(body) - 1, (int)c->f->date_len, c->f->date_line, body);
    return n > 0 && (size_t)n < sizeof(c->head) ? (size_t)n : 0;
}

/* Takes a new connection of server: from uv_accept (fd < 0), or the descriptor fd that the drain
 * accepted by hand. */
static void front_accept(struct front *f, uv_stream_t *server, int fd)
{
    bool metrics_only = server == (uv_stream_t *)&f->metrics_listener;
    bool overflow = !metrics_only && f->nclients >= f->max_conns;
    if (overflow) {
        front_limit_reached(f);
        if (f->noverflow >= FRONT_OVERFLOW_MAX || f->tls_cfg != NULL) {
            front_accept_drop(f, server, fd);
            return;
        }
    }
    struct conn *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        /* Accept and drop: nothing else can be done without memory. */
        front_accept_drop(f, server, fd);
        return;
    }
    c->f = f;
    uv_tcp_init(&f->loop, &c->tcp);
    c->tcp.data = c;
    uv_timer_init(&f->loop, &c->timer);
    c->timer.data = c;
    c->handles = 2;
    http_req_init(&c->req, &f->limits, conn_on_headers, c);
    c->next = f->conns;
    if (f->conns != NULL)
        f->conns->prev = c;
    f->conns = c;
    f->nconns++;
    c->fresh = true;
    c->state = CS_IDLE;
    if ((fd >= 0 ? uv_tcp_open(&c->tcp, fd) : uv_accept(server, (uv_stream_t *)&c->tcp)) != 0) {
        if (fd >= 0)
            close(fd);
        conn_close(c);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    c->metrics_only = metrics_only;
    if (overflow) {
        c->overflow = true;
        f->noverflow++;
        uv_buf_t b = uv_buf_init(c->head, (unsigned)conn_overflow_answer(c));
        c->wreq.data = c;
        if (b.len == 0 || uv_write(&c->wreq, (uv_stream_t *)&c->tcp, &b, 1, NULL) != 0) {
            conn_close(c);
            return;
        }
        conn_end(c);
        return;
    }
    if (!metrics_only) {
        c->counted = true;
        f->nclients++;
    }
    if (f->tls_cfg != NULL && !c->metrics_only) {
        c->tls = front_tls_new(f->tls_cfg, (uv_stream_t *)&c->tcp);
        if (c->tls == NULL) {
            conn_close(c);
            return;
        }
    }
    /* The header timeout runs from the accept: it also bounds a TLS handshake. */
    conn_timer(c, f->cfg->headers_timeout_ms);
    conn_read_start(c);
}

static void front_on_connection(uv_stream_t *server, int status)
{
    struct front *f = server->data;
    if (status < 0) {
        /* Out of descriptors (EMFILE) and the like: said once a minute, not once per attempt. */
        uint64_t now = clock_mono_ns();
        if (f->accept_err_ns == 0 || now - f->accept_err_ns > 60ull * 1000000000ull) {
            f->accept_err_ns = now;
            log_msg(LOG_LEVEL_WARN, "accept", "accept failed: %s (%zu connections open)",
                    uv_strerror(status), f->nconns);
        }
        return;
    }
    front_accept(f, server, -1);
}

/* Before a listener closes: the connections its backlog holds (their clients may have sent a
 * request already) are taken and served like the others, not reset. */
static void front_accept_backlog(struct front *f, uv_tcp_t *listener)
{
    uv_os_fd_t lfd;
    if (uv_fileno((uv_handle_t *)listener, &lfd) != 0)
        return;
    for (int i = 0; i < FRONT_BACKLOG; i++) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            break;
        front_accept(f, (uv_stream_t *)listener, fd);
    }
}

/* ---- start, drain, stop ------------------------------------------------------------------- */

static void front_on_pool_stopped(struct pool *p)
{
    struct front *f = (struct front *)((char *)p - offsetof(struct front, pool));
    f->pool_stopped = true;
    if (f->shutdown_timer_on && !uv_is_closing((uv_handle_t *)&f->shutdown_timer))
        uv_close((uv_handle_t *)&f->shutdown_timer, NULL);
    if (!uv_is_closing((uv_handle_t *)&f->bp_check))
        uv_close((uv_handle_t *)&f->bp_check, NULL);
    if (!uv_is_closing((uv_handle_t *)&f->sigterm)) {
        uv_close((uv_handle_t *)&f->sigterm, NULL);
        uv_close((uv_handle_t *)&f->sigint, NULL);
        uv_close((uv_handle_t *)&f->sighup, NULL);
    }
}

static void front_maybe_done(struct front *f)
{
    if (!f->draining || f->nconns > 0 || !f->listener_closed || !f->pool_started ||
        (f->has_metrics_listener && !f->metrics_listener_closed))
        return;
    if (f->pool.stopping)
        return;
    log_msg(LOG_LEVEL_INFO, "drained", "every connection is closed; stopping the workers");
    pool_stop(&f->pool, front_on_pool_stopped);
}

static void front_on_listener_closed(uv_handle_t *h)
{
    struct front *f = h->data;
    if (h == (uv_handle_t *)&f->metrics_listener)
        f->metrics_listener_closed = true;
    else
        f->listener_closed = true;
    front_maybe_done(f);
}

/* The drain's second step, a second after its deadline: whatever is still open is closed. */
static void front_on_shutdown_close(uv_timer_t *t)
{
    struct front *f = t->data;
    for (struct conn *c = f->conns, *next; c != NULL; c = next) {
        next = c->next;
        conn_close(c);
    }
}

/* --shutdown-timeout-ms after a drain began: what still runs or arrives is answered 503 (with
 * Connection: close), what is being written or idles is closed, and a second later anything left
 * is closed; then the workers stop and the server exits 0. */
static void front_on_shutdown_deadline(uv_timer_t *t)
{
    struct front *f = t->data;
    size_t cut = 0;
    for (struct conn *c = f->conns, *next; c != NULL; c = next) {
        next = c->next;
        if ((c->state == CS_PROCESSING && c->job_active) || c->state == CS_READING) {
            c->close_after = true;
            cut++;
            conn_send_error(c, 503, "Retry-After: 1\r\n", "server_stopping",
                            "The server is shutting down and stopped this call; retry it.");
        } else if (c->state != CS_PROCESSING) {
            conn_close(c);
        }
    }
    log_msg(LOG_LEVEL_WARN, "shutdown_deadline",
            "the drain ran past %llu ms: %zu request(s) answered 503, closing the rest",
            (unsigned long long)f->cfg->shutdown_timeout_ms, cut);
    uv_timer_start(t, front_on_shutdown_close, 1000, 0);
}

static void front_drain(struct front *f, const char *why)
{
    if (f->draining)
        return;
    f->draining = true;
    f->terminating = true;
    if (f->shutdown_timer_on)
        uv_timer_start(&f->shutdown_timer, front_on_shutdown_deadline, f->cfg->shutdown_timeout_ms,
                       0);
    log_msg(LOG_LEVEL_INFO, "draining", "%s: no new connections; finishing %zu open one(s)", why,
            f->nconns);
    front_accept_backlog(f, &f->listener);
    modcheck_cancel(f->check); /* a reload being checked will not be served */
    f->check = NULL;
    uv_close((uv_handle_t *)&f->listener, front_on_listener_closed);
    if (f->has_metrics_listener)
        uv_close((uv_handle_t *)&f->metrics_listener, front_on_listener_closed);
    /* Idle connections are closed between requests, after a short wait in which a request the
     * client may already be sending is still answered (conn_on_timer). */
    for (struct conn *c = f->conns; c != NULL; c = c->next) {
        if (c->state == CS_IDLE)
            conn_timer(c, FRONT_DRAIN_IDLE_MS);
    }
    front_maybe_done(f);
}

static void front_modules_reload(struct front *f);

/* The end of a reload's check: a set that passed goes to the pool (its workers load it and take
 * over once one is ready: front_on_switched); a refused one is logged, the current one serves on.
 */
static void front_on_checked(struct modset *ms, const char *why, double took_ms, void *arg)
{
    struct front *f = arg;
    f->check = NULL;
    f->check_ms = took_ms;
    if (ms == NULL) {
        log_msg(LOG_LEVEL_ERROR, "reload_refused",
                "module reload refused; the current modules keep serving: %s", why);
    } else {
        struct reload_set *s = reload_set_new(f->cfg, f->pcfg, ms);
        if (s == NULL) {
            log_msg(LOG_LEVEL_ERROR, "reload_refused",
                    "module reload refused; the current modules keep serving: out of memory");
        } else {
            modset_log_modules(s->ms);
            struct reload_set *old = f->modset;
            f->modset = s;
            pool_reload(&f->pool, s);
            /* Workers of the old set live in their own processes: its copy here can go. */
            reload_set_free(old);
        }
    }
    if (f->check_again && !f->draining) {
        f->check_again = false;
        front_modules_reload(f);
    }
}

/* The pool's newest set has a worker ready: new calls go to it from now on. */
static void front_on_switched(struct pool *p)
{
    struct front *f = (struct front *)((char *)p - offsetof(struct front, pool));
    /* Only the set's own functions get a metrics label (a made-up name counts as "other"). */
    if (metrics_set_functions(f->metrics, (const char *const *)f->modset->ms->functions,
                              f->modset->ms->nfunctions) != 0)
        log_msg(LOG_LEVEL_WARN, "metrics",
                "out of memory: the metrics keep the previous functions");
    if (f->reload_t0 == 0)
        return; /* the set of the start */
    log_msg(LOG_LEVEL_INFO, "reloaded",
            "modules reloaded in %.1f ms (checked in %.1f ms): %zu module(s), %zu function(s); "
            "new calls go to new workers, running ones finish on the old modules",
            (double)(clock_mono_ns() - f->reload_t0) / 1e6, f->check_ms, f->modset->ms->nmodules,
            f->modset->ms->nfunctions);
}

/* SIGHUP: checks the module folders as they are now in a child (modcheck.h) while the current set
 * keeps serving; the front itself never loads module code. A SIGHUP during a check starts another
 * once it ends. */
static void front_modules_reload(struct front *f)
{
    if (f->draining || f->modset == NULL)
        return;
    if (f->check != NULL) {
        f->check_again = true;
        return;
    }
    f->reload_t0 = clock_mono_ns();
    char err[1024];
    f->check = modcheck_start(&f->loop, f->cfg, front_on_checked, f, err, sizeof(err));
    if (f->check == NULL)
        log_msg(LOG_LEVEL_ERROR, "reload_refused",
                "module reload refused; the current modules keep serving: %s", err);
}

static void front_on_signal(uv_signal_t *s, int signum)
{
    struct front *f = s->data;
    if (signum == SIGHUP) {
        front_tls_reload(f);
        front_modules_reload(f);
        return;
    }
    if (++f->signals_seen > 1) {
        log_msg(LOG_LEVEL_WARN, "signal", "second %s: exiting without finishing requests",
                signum == SIGINT ? "SIGINT" : "SIGTERM");
        for (int i = 0; i < f->pool.nw; i++) {
            if (f->pool.w != NULL && f->pool.w[i].pid > 0)
                kill(f->pool.w[i].pid, SIGKILL);
        }
        _exit(1);
    }
    front_drain(f, signum == SIGINT ? "SIGINT" : "SIGTERM");
}

/* A worker replaced without a call to report it: recycled past its memory high-water mark,
 * replaced by a reload, or dead between calls. */
static void front_on_worker_restart(struct pool *p, enum pool_restart_cause cause)
{
    struct front *f = (struct front *)((char *)p - offsetof(struct front, pool));
    enum metrics_restart_cause m = METRICS_RESTART_CRASH;
    if (cause == POOL_RESTART_RELOAD)
        m = METRICS_RESTART_RELOAD;
    else if (cause == POOL_RESTART_RECYCLE || cause == POOL_RESTART_MEMORY)
        m = METRICS_RESTART_MEMORY;
    else if (cause == POOL_RESTART_TIMEOUT)
        m = METRICS_RESTART_TIMEOUT;
    metrics_worker_restart(f->metrics, m);
    /* A worker of the start that failed: say where the server listens all the same. */
    if (cause == POOL_RESTART_CRASH)
        front_say_listening(f);
}

/* The development token, and a curl line that calls the first DIY function served (with empty
 * options; a hook whose kind needs records answers with the error that says so), or, when no
 * module serves one, how to make one and a curl line for the health check. */
static void front_print_dev_token(const struct front *f, const struct modset *ms,
                                  const char *host, int port)
{
    const char *tok = f->cfg->tokens[0];
    const char *h = strcmp(host, "0.0.0.0") == 0 ? "127.0.0.1"
                    : strcmp(host, "::") == 0    ? "::1"
                                                 : host;
    bool v6 = strchr(h, ':') != NULL;
    char base[300];
    snprintf(base, sizeof(base), "%s://%s%s%s:%d", f->tls_cfg ? "https" : "http", v6 ? "[" : "", h,
             v6 ? "]" : "", port);
    printf("No system token configured (HOOKSTACK_SYSTEM_TOKEN or --system-token-file); this run "
           "uses a development token:\n  %s\n",
           tok);
    const char *fn = ms->try_fn, *type = ms->try_type;
    if (fn == NULL) {
        printf("No module serves a function yet: scaffold one with `hookstack new MODULE FUNCTION "
               "--kind KIND` (its modules folder is %s), build, and start again.\nTry it:\n  curl "
               "-sS %s/healthCheck\n",
               f->cfg->nmodule_dirs > 0 ? f->cfg->module_dirs[0] : "modules", base);
        return;
    }
    printf("Try it:\n  curl -sS -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' "
           "-d '{\"diy\":true,%s%s%s\"function\":\"%s\",\"options\":{}}' %s/function\n",
           tok, type ? "\"type\":\"" : "", type ? type : "", type ? "\"," : "", fn, base);
}

static void front_raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* Says so when --max-connections leaves the front too few file descriptors for the rest. */
static void front_check_nofile(const struct front *f)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
        return;
    size_t reserve = CONFIG_FD_RESERVE + CONFIG_FD_PER_WORKER * (size_t)f->cfg->workers;
    if (f->max_conns + reserve > (size_t)rl.rlim_cur)
        log_msg(LOG_LEVEL_WARN, "max_connections",
                "--max-connections %zu with a file descriptor limit of %llu leaves fewer than %zu "
                "for workers and logs: accepting may fail before the limit is reached",
                f->max_conns, (unsigned long long)rl.rlim_cur, reserve);
}

static void front_on_walk_close(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

/* Closes every handle of a front that will not run (or has failed to) and frees it. */
static void front_discard(struct front *f)
{
    if (f->pool_started)
        pool_abort(&f->pool);
    modcheck_cancel(f->check);
    f->check = NULL;
    reload_set_free(f->modset);
    f->modset = NULL;
    uv_walk(&f->loop, front_on_walk_close, NULL);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    uv_loop_close(&f->loop);
    tls_config_unref(f->tls_cfg);
    metrics_free(f->metrics);
    free(f);
}

/* Binds and listens on host:port with l (opt names the option in messages); *bound gets the
 * port (the one picked for 0). On failure prints one line and returns -1. */
static int front_bind(struct front *f, uv_tcp_t *l, const char *opt, const char *host, int port,
                      int *bound)
{
    int rc = 0;
    char where[300];
    bool v6 = strchr(host, ':') != NULL;
    snprintf(where, sizeof(where), "%s%s%s:%d", v6 ? "[" : "", host, v6 ? "]" : "", port);
    struct sockaddr_storage addr;
    if (v6)
        rc = uv_ip6_addr(host, port, (struct sockaddr_in6 *)&addr);
    else
        rc = uv_ip4_addr(host, port, (struct sockaddr_in *)&addr);
    if (rc != 0) {
        /* A name (localhost, a host name): its first address. */
        struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai = NULL;
        if (getaddrinfo(host, NULL, &hints, &ai) != 0 || ai == NULL) {
            fprintf(stderr, "hookstack serve: %s %s: not an address or a known name\n", opt, host);
            return -1;
        }
        memcpy(&addr, ai->ai_addr, ai->ai_addrlen);
        if (addr.ss_family == AF_INET6)
            ((struct sockaddr_in6 *)&addr)->sin6_port = htons((uint16_t)port);
        else
            ((struct sockaddr_in *)&addr)->sin_port = htons((uint16_t)port);
        freeaddrinfo(ai);
    }
    uv_tcp_init(&f->loop, l);
    l->data = f;
    rc = uv_tcp_bind(l, (const struct sockaddr *)&addr, 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)l, FRONT_BACKLOG, front_on_connection);
    if (rc != 0) {
        if (rc == UV_EADDRINUSE)
            fprintf(stderr, "hookstack serve: cannot listen on %s: port %d is in use\n", where,
                    port);
        else
            fprintf(stderr, "hookstack serve: cannot listen on %s: %s\n", where, uv_strerror(rc));
        return -1;
    }
    struct sockaddr_storage b;
    int blen = sizeof(b);
    *bound = port;
    if (uv_tcp_getsockname(l, (struct sockaddr *)&b, &blen) == 0)
        *bound = ntohs(b.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&b)->sin6_port
                                               : ((struct sockaddr_in *)&b)->sin_port);
    return 0;
}

struct front *front_open(const struct serve_config *cfg)
{
    struct front *f = calloc(1, sizeof(*f));
    if (f == NULL) {
        fprintf(stderr, "hookstack serve: out of memory\n");
        return NULL;
    }
    f->cfg = cfg;
    f->limits.max_header_bytes = cfg->max_header_bytes;
    f->limits.max_headers = cfg->max_headers;
    f->limits.max_body = cfg->max_body_bytes;
    f->exit_code = 0;
    uint64_t seed = 0;
    if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed) || seed == 0)
        seed = clock_mono_ns() | 1;
    f->rng = seed;
    http_global_init(cfg->max_header_bytes);
    signal(SIGPIPE, SIG_IGN);
    front_raise_nofile();
    f->max_conns = config_max_connections(cfg);
    uv_loop_init(&f->loop);
    if (cfg->tls_cert != NULL) {
        char terr[512];
        f->tls_cfg = tls_config_load(cfg->tls_cert, cfg->tls_key, terr, sizeof(terr));
        if (f->tls_cfg == NULL) {
            fprintf(stderr, "hookstack serve: %s\n", terr);
            front_discard(f);
            return NULL;
        }
    }

    if (front_bind(f, &f->listener, "--host", cfg->host, cfg->port, &f->port) != 0)
        goto fail;
    f->metrics = metrics_new();
    if (f->metrics == NULL) {
        fprintf(stderr, "hookstack serve: out of memory\n");
        goto fail;
    }
    if (cfg->metrics_port >= 0) {
        if (front_bind(f, &f->metrics_listener, "--metrics-listen", cfg->metrics_host,
                       cfg->metrics_port, &f->metrics_port) != 0)
            goto fail;
        f->has_metrics_listener = true;
    }
    return f;

fail:
    front_discard(f);
    return NULL;
}

void front_close(struct front *f)
{
    if (f != NULL)
        front_discard(f);
}

static void front_on_log_check(uv_check_t *h)
{
    (void)h;
    log_flush();
}

static void front_on_log_prepare(uv_prepare_t *h)
{
    (void)h;
    log_flush();
}

/* "listening on HOST:PORT", once every worker of the start has loaded the modules (or one failed
 * to: the log says why). Connections are accepted before, their calls wait for a worker. */
static void front_say_listening(struct front *f)
{
    const struct serve_config *cfg = f->cfg;
    if (f->listening_said)
        return;
    f->listening_said = true;
    bool v6 = strchr(cfg->host, ':') != NULL;
    if (cfg->dev_token)
        front_print_dev_token(f, f->modset->ms, cfg->host, f->port);
    log_msg(LOG_LEVEL_INFO, "listening",
            "listening on %s%s%s:%d%s: %zu module(s), %zu function(s), %d worker(s)", v6 ? "[" : "",
            cfg->host, v6 ? "]" : "", f->port, f->tls_cfg ? " (HTTPS)" : "",
            f->modset->ms->nmodules, f->modset->ms->nfunctions, cfg->workers);
    printf("listening on %s%s%s:%d%s\n", v6 ? "[" : "", cfg->host, v6 ? "]" : "", f->port,
           f->tls_cfg ? " (HTTPS, TLS 1.2)" : "");
    if (f->has_metrics_listener) {
        bool mv6 = strchr(cfg->metrics_host, ':') != NULL;
        log_msg(LOG_LEVEL_INFO, "metrics_listening",
                "metrics on %s%s%s:%d (GET /metrics, no token)", mv6 ? "[" : "", cfg->metrics_host,
                mv6 ? "]" : "", f->metrics_port);
        printf("metrics on %s%s%s:%d\n", mv6 ? "[" : "", cfg->metrics_host, mv6 ? "]" : "",
               f->metrics_port);
    }
    fflush(stdout);
}

static void front_on_worker_ready(struct pool *p)
{
    struct front *f = (struct front *)((char *)p - offsetof(struct front, pool));
    if (pool_ready_count(p) >= pool_size(p))
        front_say_listening(f);
}

int front_run(struct front *f, const struct proto_config *pcfg, struct modset *ms)
{
    const struct serve_config *cfg = f->cfg;
    f->pcfg = pcfg;
    int rc;
    /* Workers are forked now: after the set passed its check, before any connection exists. */
    f->modset = reload_set_new(cfg, pcfg, ms);
    if (f->modset == NULL ||
        metrics_set_functions(f->metrics, (const char *const *)f->modset->ms->functions,
                              f->modset->ms->nfunctions) != 0) {
        fprintf(stderr, "hookstack serve: out of memory\n");
        front_discard(f);
        return 1;
    }
    struct pool_opts po = {
        .nworkers = cfg->workers,
        .max_queue = cfg->max_queue,
        .deadline_ms = cfg->hook_timeout_ms,
        .mem_limit_bytes = cfg->worker_memory_mb << 20,
        .capture_output = true,
        .max_frame_bytes = ipc_resp_frame_max(cfg->max_response_bytes),
        .child_main = reload_worker_main,
        .child_arg = f->modset,
        .child_fds = reload_child_fds,
        .start_timeout_ms = cfg->module_load_timeout_ms,
        .ready = front_on_worker_ready,
        .switched = front_on_switched,
        .restarted = front_on_worker_restart,
    };
    char err[256];
    fflush(stdout);
    fflush(stderr);
    if (pool_start(&f->pool, &f->loop, &po, err, sizeof(err)) != POOL_OK) {
        fprintf(stderr, "hookstack serve: cannot start the workers: %s\n", err);
        f->pool_started = true;
        front_discard(f);
        return 1;
    }
    f->pool_started = true;

    uv_signal_init(&f->loop, &f->sigterm);
    uv_signal_init(&f->loop, &f->sigint);
    f->sigterm.data = f->sigint.data = f;
    uv_signal_start(&f->sigterm, front_on_signal, SIGTERM);
    uv_signal_start(&f->sigint, front_on_signal, SIGINT);
    uv_signal_init(&f->loop, &f->sighup);
    f->sighup.data = f;
    uv_signal_start(&f->sighup, front_on_signal, SIGHUP);
    uv_timer_init(&f->loop, &f->shutdown_timer);
    f->shutdown_timer.data = f;
    f->shutdown_timer_on = true;
    uv_check_init(&f->loop, &f->bp_check);
    f->bp_check.data = f;
    /* Request lines are buffered and written after each round of I/O and before the loop waits
     * (one write(2) for many requests, never held while idle); warnings and errors are written at
     * once. Both handles are unref'd: they never keep the loop alive. */
    uv_check_init(&f->loop, &f->log_check);
    uv_check_start(&f->log_check, front_on_log_check);
    uv_unref((uv_handle_t *)&f->log_check);
    uv_prepare_init(&f->loop, &f->log_prepare);
    uv_prepare_start(&f->log_prepare, front_on_log_prepare);
    uv_unref((uv_handle_t *)&f->log_prepare);
    log_set_buffered(1);
    size_t cap = cfg->max_buffered_mb << 20;
    f->bp[BP_TRUSTED].b.limit = cap;
    f->bp[BP_UNVERIFIED].b.limit =
        cap / 4 > BUDGET_MIN_SHARE || cap == 0 ? cap / 4 : BUDGET_MIN_SHARE;

    front_check_nofile(f);

    uv_run(&f->loop, UV_RUN_DEFAULT);
    log_msg(LOG_LEVEL_INFO, "stopped", "server stopped");
    log_set_buffered(0);
    rc = uv_loop_close(&f->loop);
    if (rc != 0) {
        uv_walk(&f->loop, front_on_walk_close, NULL);
        uv_run(&f->loop, UV_RUN_DEFAULT);
        uv_loop_close(&f->loop);
    }
    int code = f->exit_code;
    reload_set_free(f->modset);
    tls_config_unref(f->tls_cfg);
    metrics_free(f->metrics);
    free(f);
    return code;
}
