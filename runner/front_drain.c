/* front_drain.c — the drain (SIGTERM, SIGINT, GET /stopServer): stop accepting, finish what is
 * open, the --shutdown-timeout-ms deadline, then stop the workers. */
#include "front_internal.h"

#include "log.h"
#include "metrics.h"
#include "modcheck.h"

static void front_on_pool_stopped(struct pool *p)
{
    struct front *f = (struct front *)((char *)p - offsetof(struct front, pool));
    f->pool_stopped = true;
    if (f->shutdown_timer_on && !uv_is_closing((uv_handle_t *)&f->shutdown_timer))
        uv_close((uv_handle_t *)&f->shutdown_timer, NULL);
    if (!uv_is_closing((uv_handle_t *)&f->bp_check))
        uv_close((uv_handle_t *)&f->bp_check, NULL);
    front_signals_close(f);
}

void front_maybe_done(struct front *f)
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

void front_drain(struct front *f, const char *why)
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
