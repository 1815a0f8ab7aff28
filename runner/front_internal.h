/* front_internal.h — what the front's files share: a connection (struct conn), the front
 * (struct front), and the functions one file of the front calls in another. Not for use outside
 * front*.c. */
#ifndef HS_FRONT_INTERNAL_H
#define HS_FRONT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <uv.h>

#include "budget.h"
#include "config.h"
#include "front.h"
#include "front_tls.h"
#include "http.h"
#include "ipc.h"
#include "pool.h"
#include "proto.h"
#include "text.h"

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

#define FRONT_CTYPE_JSON "application/json; charset=utf-8"
#define FRONT_CTYPE_TEXT "text/plain; charset=utf-8"

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

/* ---- front.c: a connection's state machine ---- */
/* Whether a connection may go from state from to state to; conn_set_state asserts it. */
bool conn_state_legal(enum conn_state from, enum conn_state to);
void conn_set_state(struct conn *c, enum conn_state to);
/* (Re)starts c's one timer (its meaning follows c->state: conn_on_timer). */
void conn_timer(struct conn *c, uint64_t ms);
void conn_on_timer(uv_timer_t *t);
/* After the FIN of a closing answer: linger, reading and dropping input, then close. */
void conn_on_shutdown(uv_shutdown_t *req, int status);
/* True when bytes of a next request are already here: read ahead, or waiting in the socket. */
bool conn_has_input(struct conn *c);
/* Closes c's handles; c is freed once they are closed. Safe to call twice. */
void conn_close(struct conn *c);
/* Ends c without an HTTP answer: what is queued goes out, then FIN and a short linger. */
void conn_end(struct conn *c);
void conn_read_start(struct conn *c);
/* After an answer on a kept-alive connection: the next request from pending bytes or the
 * socket. */
void conn_next(struct conn *c);
/* http.h's callback at the end of a request's headers: route, early refusals, body mode. */
enum http_body_mode conn_on_headers(struct http_req *r, void *arg);
void conn_new_req_id(struct conn *c);
/* Hands the complete POST /function or /v1/hooks request to the pool. */
void conn_dispatch(struct conn *c);
/* Parses data; on a complete request keeps any bytes past it and answers. */
void conn_feed(struct conn *c, const char *data, size_t len, bool from_pending);
/* The client ended its side: a request cut short gets a 400, else the connection closes. */
void conn_on_eof(struct conn *c);

/* ---- front_answer.c: writing answers ---- */
/* Refreshes f's "Date: ..." header line (once a second). */
void front_date(struct front *f);
/* {"errors":[{"code":CODE,"message":MSG}]} into c->small_body; returns its length. */
size_t conn_error_body(struct conn *c, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Counts c's request in flight (on) or not any more (the metrics' gauge). */
void conn_inflight(struct conn *c, bool on);
/* Writes the final answer of c's request (body may point into c->owned; rv: a worker's answer,
 * for the log line); the connection goes on once it is written (conn_next or the close). */
void conn_send(struct conn *c, int status, const char *extra, const char *ctype, const char *body,
               size_t blen, const struct ipc_resp_view *rv);
void conn_send_error(struct conn *c, int status, const char *extra, const char *code,
                     const char *msg);
/* An interim answer ("HTTP/1.1 100 Continue\r\n\r\n"), at most one in flight. */
void conn_send_interim(struct conn *c, const char *text);

/* ---- front_route.c: routes ---- */
/* The {function} segment of /v1/hooks/{function}, or p == NULL when path is not of that form. */
struct strv front_route_hooks_segment(struct strv path);
/* The route of path; *post says whether it takes POST (else GET and HEAD). */
enum route front_route_find(struct strv path, bool *post);
/* The token of a POST /function or /v1/hooks request, from its headers alone (proto.h). */
enum proto_auth conn_token_check(struct conn *c, bool has_body);
/* Answers c's complete request: refusals, the front's own routes, or conn_dispatch. */
void conn_handle(struct conn *c);

/* ---- front_bp.c: body memory ---- */
/* Brings c's part of the counts up to date (after every read, answer and state change). */
void conn_bp_account(struct conn *c);
/* Takes c out of the paused FIFO (it is not waiting any more). */
void front_bp_unlink(struct conn *c);
/* Before more of a body is read: true when c must wait (it is then paused). */
bool conn_bp_gate(struct conn *c);
/* Notices the queued jobs the pool has handed to a worker since. */
void front_bp_refresh(struct front *f);
/* The body memory held now, every class. */
size_t front_bp_total(const struct front *f);

/* ---- front_listen.c: listening and accepting ---- */
/* Binds and listens on host:port with l (opt names the option in messages); *bound gets the
 * port. On failure prints one line and returns -1. */
int front_bind(struct front *f, uv_tcp_t *l, const char *opt, const char *host, int port,
               int *bound);
/* Before a listener closes: takes the connections its backlog holds. */
void front_accept_backlog(struct front *f, uv_tcp_t *listener);
/* A connection counted against --max-connections closed. */
void front_limit_release(struct front *f);
/* Raises the soft file descriptor limit to the hard one; says so when --max-connections leaves
 * too few for the rest. */
void front_raise_nofile(void);
void front_check_nofile(const struct front *f);

/* ---- front_drain.c: the drain ---- */
/* Stops accepting and finishes what is open (why: what asked for it, for the log). */
void front_drain(struct front *f, const char *why);
/* Once drained (no connection, listeners closed): stops the workers. */
void front_maybe_done(struct front *f);

/* ---- front_reload.c: SIGHUP's reloads ---- */
void front_tls_reload(struct front *f);
void front_modules_reload(struct front *f);
/* The pool's callback: its newest set has a worker ready. */
void front_on_switched(struct pool *p);

/* ---- front_signal.c: signals ---- */
/* Starts watching SIGTERM, SIGINT and SIGHUP; closes those handles (once the workers stopped). */
void front_signals_start(struct front *f);
void front_signals_close(struct front *f);

#endif
