/* front_bp.c — body memory (--max-buffered-mb): counting the body bytes the front holds,
 * pausing the readers past their class's budget and resuming them (budget.h decides). */
#include "front_internal.h"

#include "budget.h"
#include "metrics.h"

static void front_bp_on_check(uv_check_t *h);

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
void conn_bp_account(struct conn *c)
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
void front_bp_refresh(struct front *f)
{
    for (struct conn *c = f->held, *next; c != NULL; c = next) {
        next = c->hnext;
        conn_bp_account(c);
    }
}

/* The body memory held now, every class. */
size_t front_bp_total(const struct front *f)
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

void front_bp_unlink(struct conn *c)
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
bool conn_bp_gate(struct conn *c)
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
