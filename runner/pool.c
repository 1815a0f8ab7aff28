/* pool.c — the pool's requests and answers: dispatching jobs to ready workers (or the queue),
 * reading their frames and notes, deadlines and the memory poll, reloads and the stop (see
 * pool.h). Forking and reaping workers is in pool_proc.c, their output in pool_out.c. */
#include "pool_internal.h"

#include <assert.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "clock.h"
#include "uvx.h"
#include "log.h"
#include "worker.h"

static void pool_on_deadline(uv_timer_t *t);
static void pool_dispatch(struct pool_worker *w, struct pool_job *job);

/* ---- receiving responses ------------------------------------------------------------------ */

bool pool_job_state_legal(enum pool_job_state from, enum pool_job_state to)
{
    switch (from) {
    case POOL_JOB_IDLE: /* submitted: to a worker at once, or queued */
        return to == POOL_JOB_QUEUED || to == POOL_JOB_RUNNING;
    case POOL_JOB_QUEUED: /* a worker took it, or its owner cancelled it */
        return to == POOL_JOB_RUNNING || to == POOL_JOB_IDLE;
    case POOL_JOB_RUNNING: /* answered, failed or cancelled */
        return to == POOL_JOB_IDLE;
    }
    return false;
}

void pool_job_set_state(struct pool_job *job, enum pool_job_state to)
{
    assert(pool_job_state_legal(job->state, to));
    job->state = to;
}

void pool_on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    struct pool_worker *w = h->data;
    if (w->rx == NULL) {
        w->rx = malloc(POOL_RX_INITIAL);
        w->rx_cap = w->rx ? POOL_RX_INITIAL : 0;
        w->rx_len = 0;
        w->rx_need = 0;
    }
    if (w->rx == NULL || w->rx_len >= w->rx_cap) {
        *buf = uv_buf_init(NULL, 0); /* libuv reports UV_ENOBUFS */
        return;
    }
    *buf = uv_buf_init(w->rx + w->rx_len, (unsigned)(w->rx_cap - w->rx_len));
}

static void pool_on_pipe_closed(uv_handle_t *h)
{
    struct pool_worker *w = h->data;
    w->pipe_open = false;
    w->pool->handles_open--;
    pool_worker_finalize(w);
}

/* The worker is gone or misbehaving: stop talking to it and make sure it dies. */
void pool_worker_abandon(struct pool_worker *w)
{
    if (w->pid > 0 && !w->reaped)
        kill(w->pid, SIGKILL);
    if (w->pipe_open && !uv_is_closing((uv_handle_t *)&w->pipe))
        uv_close((uv_handle_t *)&w->pipe, pool_on_pipe_closed);
}

static void pool_on_retire_grace(uv_timer_t *t)
{
    struct pool_worker *w = t->data;
    if (w->pid > 0 && !w->reaped) {
        log_msg(LOG_LEVEL_WARN, "worker_retire",
                "worker %d did not exit after its pipe closed; killing it", (int)w->pid);
        kill(w->pid, SIGKILL);
    }
}

/* Replaces an idle worker on purpose: end of file tells it to exit; a fresh one is forked when
 * it is gone (with the pool's current module set). */
static void pool_worker_retire(struct pool_worker *w, enum restart_cause cause)
{
    w->retiring = true;
    w->retire_after = false;
    w->retire_cause = cause;
    if (w->pipe_open && !uv_is_closing((uv_handle_t *)&w->pipe))
        uv_close((uv_handle_t *)&w->pipe, pool_on_pipe_closed);
    if (w->pid > 0 && !w->reaped)
        uv_timer_start(&w->timer, pool_on_retire_grace, POOL_STOP_GRACE_MS, 0);
}

/* Ready for a job: running its set, idle, and its one write request free. A worker can answer
 * before the write of its frame has called back (a write that completes inside uv_write calls
 * back from the next round's pending phase, and the answer may be read first): the request is
 * reused only once pool_on_written ran, never while libuv still holds it. */
static bool pool_worker_ready(const struct pool_worker *w)
{
    return w->pid > 0 && w->pipe_open && !w->reaped && !w->busy && !w->starting && !w->retiring &&
           !w->retire_after && !w->writing && !uv_is_closing((const uv_handle_t *)&w->pipe);
}

/* A worker still loading its set is not needed any more (a newer set came): it is killed, which
 * is no crash. */
static void pool_worker_cancel_start(struct pool_worker *w)
{
    w->retiring = true;
    w->retire_after = false;
    w->retire_cause = RESTART_RELOAD;
    uv_timer_stop(&w->timer);
    pool_worker_abandon(w);
}

/* The latest set takes over: from now on new jobs go only to its workers; the others are retired
 * (idle ones at once, busy ones once they answer). */
static void pool_switch(struct pool *p)
{
    p->live_gen = p->gen;
    for (int i = 0; i < p->nw; i++) {
        struct pool_worker *w = &p->w[i];
        if (w->pid <= 0 || w->reaped || w->retiring || w->gen == p->gen)
            continue;
        if (w->starting) {
            pool_worker_cancel_start(w);
        } else if (w->busy) {
            w->retire_after = true;
            w->retire_cause = RESTART_RELOAD;
        } else {
            pool_worker_retire(w, RESTART_RELOAD);
        }
    }
    if (p->o.switched != NULL)
        p->o.switched(p);
}

void pool_worker_idle(struct pool_worker *w)
{
    struct pool *p = w->pool;
    /* A callback run just before may already have handed this worker a new job. */
    if (w->busy || w->starting || w->pid <= 0 || w->reaped || !w->pipe_open)
        return;
    if (p->stopping) {
        pool_worker_abandon(w);
        return;
    }
    /* Workers of the set in service keep serving until a newer set has a worker ready. */
    if (w->retire_after || (w->gen != p->live_gen && w->gen != p->gen)) {
        pool_worker_retire(w, w->retire_after ? w->retire_cause : RESTART_RELOAD);
        return;
    }
    if (!pool_worker_ready(w) || w->gen != p->live_gen)
        return;
    struct pool_job *next = p->qhead;
    if (next != NULL) {
        p->qhead = next->next;
        if (p->qhead != NULL)
            p->qhead->prev = NULL;
        else
            p->qtail = NULL;
        p->qlen--;
        pool_dispatch(w, next);
    }
}

static void pool_frame_complete(struct pool_worker *w)
{
    struct pool_result res;
    memset(&res, 0, sizeof(res));
    res.outcome = POOL_DONE;
    res.pid = w->pid;
    res.frame = w->rx;
    res.frame_len = w->rx_len;
    if (ipc_resp_decode(w->rx, w->rx_len, &res.resp) != 0 || res.resp.seq != w->seq) {
        log_msg(LOG_LEVEL_ERROR, "worker_ipc", "worker %d sent a malformed response frame",
                (int)w->pid);
        pool_worker_abandon(w);
        return;
    }
    uv_timer_stop(&w->timer);
    w->rx = NULL;
    w->rx_len = w->rx_cap = w->rx_need = 0;
    w->busy = false;
    w->crashes = 0;
    pool_out_flush(w);
    if (w->timed_out || w->mem_exceeded) {
        /* Killed, but its answer came first: the answer stands; the end is no crash. */
        w->retiring = true;
        w->retire_cause = w->timed_out ? RESTART_TIMEOUT : RESTART_MEMORY;
    } else if (res.resp.wflags & IPC_WF_RECYCLE) {
        w->retire_after = true;
        w->retire_cause = RESTART_RECYCLE;
        log_msg(LOG_LEVEL_INFO, "worker_recycle",
                "worker %d is past its memory high-water mark after a call; replacing it",
                (int)w->pid);
    }
    struct pool_job *job = w->job;
    w->job = NULL;
    if (job != NULL) {
        pool_job_set_state(job, POOL_JOB_IDLE);
        job->worker = NULL;
        job->done(job, &res); /* takes the frame */
    } else {
        free(res.frame);
    }
    pool_worker_idle(w);
}

/* A note before the response: the function's own deadline, counted from the dispatch. */
static int pool_on_note(struct pool_worker *w, const char *buf, size_t len)
{
    struct ipc_note_view n;
    if (ipc_note_decode(buf, len, &n) != 0 || n.seq != w->seq)
        return -1;
    size_t nl = n.name.len < sizeof(w->fn) ? n.name.len : sizeof(w->fn) - 1;
    memcpy(w->fn, n.name.p, nl);
    w->fn[nl] = '\0';
    w->deadline_ms = n.value;
    uint64_t spent = (clock_mono_ns() - w->dispatch_ns) / 1000000u;
    uv_timer_start(&w->timer, pool_on_deadline, n.value > spent ? n.value - spent : 1, 0);
    return 0;
}

/* A starting worker's note: ready (it loaded its set). 0, or -1 when it is not that note. */
static int pool_on_ready(struct pool_worker *w, const char *buf, size_t len)
{
    struct pool *p = w->pool;
    struct ipc_note_view n;
    if (ipc_note_decode(buf, len, &n) != 0 || n.kind != IPC_NOTE_READY || n.seq != 0)
        return -1;
    w->starting = false;
    uv_timer_stop(&w->timer);
    if (w->gen == p->gen && p->live_gen != p->gen)
        pool_switch(p);
    if (p->o.ready != NULL && w->gen == p->live_gen)
        p->o.ready(p);
    return 0;
}

/* A worker did not load its set within start_timeout_ms: stopped; its slot starts another. */
void pool_on_start_deadline(uv_timer_t *t)
{
    struct pool_worker *w = t->data;
    if (!w->starting || w->pid <= 0 || w->reaped)
        return;
    log_msg(LOG_LEVEL_WARN, "worker_start_timeout",
            "worker %d did not load the modules within %llu ms (--module-load-timeout-ms); "
            "killing it",
            (int)w->pid, (unsigned long long)w->pool->o.start_timeout_ms);
    pool_worker_abandon(w);
}

void pool_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    (void)buf;
    struct pool_worker *w = s->data;
    if (nread < 0) {
        uv_read_stop(s);
        pool_worker_abandon(w);
        return;
    }
    if (nread == 0)
        return;
    w->rx_len += (size_t)nread;
    if (!w->busy && !w->starting) {
        log_msg(LOG_LEVEL_ERROR, "worker_ipc", "worker %d wrote while idle", (int)w->pid);
        pool_worker_abandon(w);
        return;
    }
    for (;;) {
        if (w->rx_need == 0) {
            if (w->rx_len < 8)
                return;
            uint32_t magic;
            memcpy(&magic, w->rx, 4);
            w->rx_note = magic == IPC_NOTE_MAGIC;
            w->rx_need =
                w->rx_note
                    ? ipc_frame_len(w->rx, w->rx_len, IPC_NOTE_MAGIC, sizeof(struct ipc_note_head))
                    : ipc_frame_len(w->rx, w->rx_len, IPC_RESP_MAGIC, sizeof(struct ipc_resp_head));
            if (w->rx_need == 0 ||
                (w->rx_note && w->rx_need > sizeof(struct ipc_note_head) + IPC_NOTE_NAME_MAX)) {
                log_msg(LOG_LEVEL_ERROR, "worker_ipc", "worker %d sent a bad frame head",
                        (int)w->pid);
                pool_worker_abandon(w);
                return;
            }
            size_t cap = w->pool->o.max_frame_bytes ? w->pool->o.max_frame_bytes : IPC_FRAME_MAX;
            if (!w->rx_note && w->rx_need > cap) {
                /* Nothing of it is held: the call fails now, the worker is stopped. */
                log_msg(LOG_LEVEL_WARN, "worker_frame_too_large",
                        "worker %d announced a %zu-byte answer frame, past the limit of %zu "
                        "bytes (--max-response-bytes); killing it",
                        (int)w->pid, w->rx_need, cap);
                w->too_large = true;
                w->frame_claim = w->rx_need;
                w->rx_need = 0;
                w->rx_len = 0;
                pool_worker_abandon(w);
                return;
            }
            if (w->rx_need > w->rx_cap) {
                char *nb = realloc(w->rx, w->rx_need);
                if (nb == NULL) {
                    log_msg(LOG_LEVEL_ERROR, "worker_ipc", "out of memory for a %zu-byte response",
                            w->rx_need);
                    pool_worker_abandon(w);
                    return;
                }
                w->rx = nb;
                w->rx_cap = w->rx_need;
            }
        }
        if (w->rx_len < w->rx_need)
            return;
        if (w->starting) {
            /* The one thing a starting worker says: it is ready. */
            if (!w->rx_note || pool_on_ready(w, w->rx, w->rx_need) != 0) {
                log_msg(LOG_LEVEL_ERROR, "worker_ipc", "worker %d wrote before it was ready",
                        (int)w->pid);
                pool_worker_abandon(w);
                return;
            }
            size_t rest = w->rx_len - w->rx_need;
            w->rx_len = 0;
            w->rx_need = 0;
            if (rest > 0) {
                log_msg(LOG_LEVEL_ERROR, "worker_ipc", "worker %d wrote while idle", (int)w->pid);
                pool_worker_abandon(w);
                return;
            }
            pool_worker_idle(w);
            return;
        }
        if (!w->rx_note) {
            if (w->rx_len > w->rx_need) {
                log_msg(LOG_LEVEL_ERROR, "worker_ipc", "worker %d wrote past its frame",
                        (int)w->pid);
                pool_worker_abandon(w);
                return;
            }
            pool_frame_complete(w);
            return;
        }
        if (pool_on_note(w, w->rx, w->rx_need) != 0) {
            log_msg(LOG_LEVEL_ERROR, "worker_ipc", "worker %d sent a malformed note", (int)w->pid);
            pool_worker_abandon(w);
            return;
        }
        memmove(w->rx, w->rx + w->rx_need, w->rx_len - w->rx_need);
        w->rx_len -= w->rx_need;
        w->rx_need = 0;
    }
}

/* ---- sending requests --------------------------------------------------------------------- */

static void pool_on_written(uv_write_t *req, int status)
{
    struct pool_worker *w = req->data;
    w->writing = false;
    if (status < 0 && status != UV_ECANCELED) {
        log_msg(LOG_LEVEL_ERROR, "worker_ipc", "cannot write to worker %d: %s", (int)w->pid,
                uv_strerror(status));
        pool_worker_abandon(w);
        return;
    }
    /* It answered before this callback: it takes the next queued job now (unless its pipe is
     * closing: a stop or a retirement flushed this write). */
    if (status == 0 && !w->busy && !uv_is_closing((uv_handle_t *)&w->pipe))
        pool_worker_idle(w);
}

static void pool_on_deadline(uv_timer_t *t)
{
    struct pool_worker *w = t->data;
    if (!w->busy || w->pid <= 0)
        return;
    w->timed_out = true;
    log_msg(LOG_LEVEL_WARN, "worker_deadline", "worker %d ran past %llu ms%s%s; killing it",
            (int)w->pid, (unsigned long long)w->deadline_ms, w->fn[0] ? " in " : "", w->fn);
    pool_worker_abandon(w);
}

/* Every few ms while a worker is busy or loading its set: its resident memory against the
 * limit. */
static void pool_on_mem_tick(uv_timer_t *t)
{
    struct pool *p = t->data;
    int busy = 0;
    for (int i = 0; i < p->nw; i++) {
        struct pool_worker *w = &p->w[i];
        if (!(w->busy || w->starting) || w->pid <= 0 || w->reaped || w->timed_out ||
            w->mem_exceeded)
            continue;
        busy++;
        size_t rss = worker_rss_bytes(w->statm_fd);
        if (rss > p->o.mem_limit_bytes) {
            w->mem_exceeded = true;
            w->rss = rss;
            log_msg(LOG_LEVEL_WARN, "worker_memory",
                    "worker %d reached %zu MB resident, past the limit of %zu MB; killing it",
                    (int)w->pid, rss >> 20, p->o.mem_limit_bytes >> 20);
            pool_worker_abandon(w);
        }
    }
    if (busy == 0) {
        uv_timer_stop(t);
        p->mem_timer_on = false;
    }
}

/* Starts the memory poll (while some worker is busy or loading). */
void pool_mem_watch(struct pool *p)
{
    if (p->o.mem_limit_bytes > 0 && !p->mem_timer_on) {
        p->mem_timer_on = true;
        uint64_t ms = p->o.mem_poll_ms ? p->o.mem_poll_ms : POOL_MEM_POLL_MS;
        uv_timer_start(&p->mem_timer, pool_on_mem_tick, ms, ms);
    }
}

static void pool_dispatch(struct pool_worker *w, struct pool_job *job)
{
    struct pool *p = w->pool;
    w->busy = true;
    w->timed_out = false;
    w->mem_exceeded = false;
    w->too_large = false;
    w->job = job;
    w->seq = job->seq;
    w->dispatch_ns = clock_mono_ns();
    w->deadline_ms = p->o.deadline_ms;
    w->rss = 0;
    w->fn[0] = '\0';
    crash_scan_reset(&w->scan);
    w->out_relayed = 0;
    job->worker = w;
    pool_job_set_state(job, POOL_JOB_RUNNING);
    job->prev = job->next = NULL;
    assert(!w->writing); /* pool_worker_ready: its write request is free */
    w->wreq.data = w;
    int rc = uvx_write(&w->wreq, (uv_stream_t *)&w->pipe, job->bufs, job->nbufs, pool_on_written);
    if (rc < 0) {
        log_msg(LOG_LEVEL_ERROR, "worker_ipc", "cannot write to worker %d: %s", (int)w->pid,
                uv_strerror(rc));
        pool_worker_abandon(w);
        return;
    }
    w->writing = rc == 0; /* the rest of the frame is queued on the pipe */
    if (w->deadline_ms > 0)
        uv_timer_start(&w->timer, pool_on_deadline, w->deadline_ms, 0);
    pool_mem_watch(p);
}

int pool_start(struct pool *p, uv_loop_t *loop, const struct pool_opts *o, char *err, size_t errlen)
{
    memset(p, 0, sizeof(*p));
    p->loop = loop;
    p->o = *o;
    /* Twice the size: during a reload the new set's workers start beside the old set's. */
    p->target = o->nworkers;
    p->nw = 2 * o->nworkers;
    p->w = calloc((size_t)p->nw, sizeof(*p->w));
    if (p->w == NULL) {
        snprintf(err, errlen, "out of memory");
        return ERR_SYS;
    }
    uv_signal_init(loop, &p->sigchld);
    p->sigchld.data = p;
    p->handles_open++;
    uv_signal_start(&p->sigchld, pool_on_sigchld, SIGCHLD);
    uv_timer_init(loop, &p->stop_timer);
    p->stop_timer.data = p;
    p->handles_open++;
    uv_timer_init(loop, &p->mem_timer);
    p->mem_timer.data = p;
    p->handles_open++;
    for (int i = 0; i < p->nw; i++) {
        struct pool_worker *w = &p->w[i];
        w->pool = p;
        w->statm_fd = -1;
        uv_timer_init(loop, &w->timer);
        w->timer.data = w;
        p->handles_open++;
    }
    for (int i = 0; i < p->target; i++) {
        if (pool_worker_spawn(&p->w[i], err, errlen) != 0)
            return ERR_SYS;
    }
    return 0;
}

int pool_submit(struct pool *p, struct pool_job *job)
{
    if (p->stopping)
        return ERR_STOPPED;
    /* First come, first served: while others wait, a new job queues behind them. */
    for (int k = 0; p->qlen == 0 && k < p->nw; k++) {
        int i = (p->next_pick + k) % p->nw;
        struct pool_worker *w = &p->w[i];
        if (pool_worker_ready(w) && w->gen == p->live_gen) {
            p->next_pick = (i + 1) % p->nw;
            pool_dispatch(w, job);
            return 0;
        }
    }
    if (p->qlen >= p->o.max_queue)
        return ERR_FULL;
    pool_job_set_state(job, POOL_JOB_QUEUED);
    job->worker = NULL;
    job->next = NULL;
    job->prev = p->qtail;
    if (p->qtail != NULL)
        p->qtail->next = job;
    else
        p->qhead = job;
    p->qtail = job;
    p->qlen++;
    return 0;
}

void pool_cancel(struct pool *p, struct pool_job *job)
{
    if (job->state == POOL_JOB_QUEUED) {
        if (job->prev != NULL)
            job->prev->next = job->next;
        else
            p->qhead = job->next;
        if (job->next != NULL)
            job->next->prev = job->prev;
        else
            p->qtail = job->prev;
        p->qlen--;
    } else if (job->state == POOL_JOB_RUNNING && job->worker != NULL) {
        struct pool_worker *w = job->worker;
        w->job = NULL;
        /* Part of the request frame still waits to be written from the owner's buffers, which
         * are about to go: the worker cannot get a whole request any more, so it is replaced. */
        if (w->writing) {
            log_msg(LOG_LEVEL_INFO, "worker_replaced",
                    "client left while its request was still being sent to worker %d", (int)w->pid);
            pool_worker_abandon(w);
        }
    }
    if (job->state != POOL_JOB_IDLE)
        pool_job_set_state(job, POOL_JOB_IDLE);
    job->worker = NULL;
    job->prev = job->next = NULL;
}

void pool_reload(struct pool *p, void *child_arg)
{
    p->o.child_arg = child_arg;
    p->gen++;
    /* Workers still loading a set that never took over are not needed any more, and a slot
     * waiting out the back-off of a failing set starts the new one at once. */
    for (int i = 0; i < p->nw; i++) {
        struct pool_worker *w = &p->w[i];
        if (w->pid > 0 && !w->reaped && !w->retiring && w->starting && w->gen != p->live_gen)
            pool_worker_cancel_start(w);
        if (w->respawn_pending) {
            w->crashes = 0;
            uv_timer_start(&w->timer, pool_on_respawn, 0, 0);
        }
    }
    pool_fill(p);
}

static void pool_on_handle_closed(uv_handle_t *h)
{
    struct pool *p = h->data;
    if (h->type == UV_TIMER && h != (uv_handle_t *)&p->stop_timer &&
        h != (uv_handle_t *)&p->mem_timer)
        p = ((struct pool_worker *)h->data)->pool;
    if (--p->handles_open == 0) {
        free(p->w);
        p->w = NULL;
        if (p->stopped_cb != NULL)
            p->stopped_cb(p);
    }
}

void pool_maybe_stopped(struct pool *p)
{
    for (int i = 0; i < p->nw; i++) {
        if (p->w[i].pid != 0)
            return;
    }
    if (uv_is_closing((uv_handle_t *)&p->sigchld))
        return;
    uv_close((uv_handle_t *)&p->sigchld, pool_on_handle_closed);
    uv_close((uv_handle_t *)&p->stop_timer, pool_on_handle_closed);
    uv_close((uv_handle_t *)&p->mem_timer, pool_on_handle_closed);
    for (int i = 0; i < p->nw; i++)
        uv_close((uv_handle_t *)&p->w[i].timer, pool_on_handle_closed);
}

static void pool_on_stop_grace(uv_timer_t *t)
{
    struct pool *p = t->data;
    for (int i = 0; i < p->nw; i++) {
        if (p->w[i].pid > 0 && !p->w[i].reaped)
            kill(p->w[i].pid, SIGKILL);
    }
}

void pool_stop(struct pool *p, void (*cb)(struct pool *p))
{
    p->stopping = true;
    p->stopped_cb = cb;
    uv_timer_stop(&p->mem_timer);
    for (int i = 0; i < p->nw; i++) {
        struct pool_worker *w = &p->w[i];
        uv_timer_stop(&w->timer);
        if (w->pid == 0)
            continue;
        if (w->busy) {
            pool_worker_abandon(w); /* its request's owner is gone */
        } else if (w->pipe_open && !uv_is_closing((uv_handle_t *)&w->pipe)) {
            /* End of file tells an idle worker to exit. */
            uv_close((uv_handle_t *)&w->pipe, pool_on_pipe_closed);
        }
    }
    uv_timer_start(&p->stop_timer, pool_on_stop_grace, POOL_STOP_GRACE_MS, 0);
    pool_maybe_stopped(p);
}

void pool_abort(struct pool *p)
{
    for (int i = 0; p->w != NULL && i < p->nw; i++) {
        struct pool_worker *w = &p->w[i];
        if (w->pid > 0) {
            kill(w->pid, SIGKILL);
            waitpid(w->pid, NULL, 0);
            w->pid = 0;
        }
        if (w->statm_fd >= 0)
            close(w->statm_fd);
        free(w->rx);
        w->rx = NULL;
    }
    p->stopping = true;
    free(p->w);
    p->w = NULL;
    p->nw = 0;
}

int pool_pids(const struct pool *p, pid_t *pids, int max)
{
    int n = 0;
    for (int i = 0; i < p->nw && n < max; i++) {
        if (p->w[i].pid > 0)
            pids[n++] = p->w[i].pid;
    }
    return n;
}

size_t pool_queue_len(const struct pool *p)
{
    return p->qlen;
}

int pool_size(const struct pool *p)
{
    return p->target;
}

int pool_ready_count(const struct pool *p)
{
    int n = 0;
    for (int i = 0; i < p->nw; i++) {
        const struct pool_worker *w = &p->w[i];
        n += w->pid > 0 && !w->reaped && !w->starting && w->gen == p->live_gen ? 1 : 0;
    }
    return n;
}

int pool_busy_count(const struct pool *p)
{
    int n = 0;
    for (int i = 0; i < p->nw; i++)
        n += p->w[i].busy ? 1 : 0;
    return n;
}
