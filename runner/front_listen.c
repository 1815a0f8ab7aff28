/* front_listen.c — listening and accepting: binding the listeners, taking new connections,
 * the connection limit (--max-connections) and the file descriptor limit. */
#include "front_internal.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "metrics.h"

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
void front_limit_release(struct front *f)
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
    int n =
        snprintf(c->head, sizeof(c->head),
                 "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: "
                 "%s\r\nContent-Length: %zu\r\n%.*sConnection: close\r\n\r\n%s",
                 FRONT_CTYPE_JSON, sizeof(body) - 1, (int)c->f->date_len, c->f->date_line, body);
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
    c->state = CS_IDLE; /* the first state (not a move: conn_set_state) */
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
void front_accept_backlog(struct front *f, uv_tcp_t *listener)
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

void front_raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* Says so when --max-connections leaves the front too few file descriptors for the rest. */
void front_check_nofile(const struct front *f)
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

/* Binds and listens on host:port with l (opt names the option in messages); *bound gets the
 * port (the one picked for 0). On failure prints one line and returns -1. */
int front_bind(struct front *f, uv_tcp_t *l, const char *opt, const char *host, int port,
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
