/* front_answer.c — writing a connection's answers: the status line and headers, JSON error
 * bodies, interim 100/102 answers, and the request's log line and metrics. */
#include "front_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "ipc.h"
#include "log.h"
#include "metrics.h"
#include "uvx.h"
#include "text.h"

/* "Date: <IMF-fixdate>\r\n", refreshed once a second. */
void front_date(struct front *f)
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
size_t conn_error_body(struct conn *c, const char *code, const char *fmt, ...)
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
    memcpy(b + pos, STRLIT("\"}]}"));
    return pos + 4;
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
    http_url_split(http_req_url(&c->req), &path, &query);
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
void conn_inflight(struct conn *c, bool on)
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

static void conn_on_written(uv_write_t *req, int status)
{
    struct conn *c = req->data;
    free(c->owned);
    c->owned = NULL;
    /* LINGER: conn_end (a TLS failure on bytes read while the answer was being written) already
     * shut the connection down; starting a next request here would undo that. */
    if (c->state == CS_CLOSING || c->state == CS_LINGER)
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

/* Writes the final answer: status line, headers, body (body may point into c->owned). */
void conn_send(struct conn *c, int status, const char *extra, const char *ctype, const char *body,
               size_t blen, const struct ipc_resp_view *rv)
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
                     http_status_text(status), extra ? extra : "", ctype ? "Content-Type: " : "",
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
    conn_set_state(c, CS_WRITING);
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

void conn_send_error(struct conn *c, int status, const char *extra, const char *code,
                     const char *msg)
{
    size_t n = conn_error_body(c, code, "%s", msg);
    conn_send(c, status, extra, FRONT_CTYPE_JSON, c->small_body, n, NULL);
}

static void conn_on_interim_written(uv_write_t *req, int status)
{
    (void)status;
    struct conn *c = req->data;
    c->interim_busy = false;
}

void conn_send_interim(struct conn *c, const char *text)
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
