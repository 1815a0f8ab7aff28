/* pool.c — worker supervision in the front: fork, dispatch, deadlines, respawn (see pool.h). */
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

#define POOL_RX_INITIAL      (16u * 1024u)
#define POOL_RESPAWN_BASE_MS 50u
#define POOL_RESPAWN_MAX_MS  5000u
#define POOL_STOP_GRACE_MS   5000u

static void pool_dispatch(struct pool_worker *w, struct pool_job *job);
static void pool_worker_finalize(struct pool_worker *w);

/* ---- the child side of a fork ------------------------------------------------------------- */

/* Puts the worker's socket on fd 3, closes every other descriptor the front had (listener,
 * connections, other workers, the loop's own), and resets what libuv changed in signal
 * handling. The worker ignores SIGINT and SIGTERM: the front decides when it ends (it closes the
 * pipe), so a Ctrl-C on the process group cannot cut a request short during a drain. */
static void pool_child_prepare(int fd, pid_t parent)
{
    if (fd != 3) {
        if (dup2(fd, 3) < 0)
            _exit(1);
    }
    close_range(4, ~0u, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    for (int s = 1; s < NSIG; s++) {
        if (s != SIGKILL && s != SIGSTOP)
            sigaction(s, &sa, NULL);
    }
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(0);
    fcntl(3, F_SETFD, FD_CLOEXEC);
}

/* ---- receiving responses ------------------------------------------------------------------ */

static void pool_on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
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
static void pool_worker_abandon(struct pool_worker *w)
{
    if (w->pid > 0 && !w->reaped)
        kill(w->pid, SIGKILL);
    if (w->pipe_open && !uv_is_closing((uv_handle_t *)&w->pipe))
        uv_close((uv_handle_t *)&w->pipe, pool_on_pipe_closed);
}

static void pool_worker_idle(struct pool_worker *w)
{
    struct pool *p = w->pool;
    /* A callback run just before may already have handed this worker a new job. */
    if (w->busy || w->pid <= 0 || w->reaped || !w->pipe_open)
        return;
    if (p->stopping) {
        pool_worker_abandon(w);
        return;
    }
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
        log_msg(LOG_ERROR, "worker_ipc", "worker %d sent a malformed response frame", (int)w->pid);
        pool_worker_abandon(w);
        return;
    }
    uv_timer_stop(&w->timer);
    w->rx = NULL;
    w->rx_len = w->rx_cap = w->rx_need = 0;
    w->busy = false;
    w->crashes = 0;
    struct pool_job *job = w->job;
    w->job = NULL;
    if (job != NULL) {
        job->state = POOL_JOB_IDLE;
        job->worker = NULL;
        job->done(job, &res); /* takes the frame */
    } else {
        free(res.frame);
    }
    pool_worker_idle(w);
}

static void pool_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
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
    if (!w->busy) {
        log_msg(LOG_ERROR, "worker_ipc", "worker %d wrote while idle", (int)w->pid);
        pool_worker_abandon(w);
        return;
    }
    if (w->rx_need == 0 && w->rx_len >= 8) {
        w->rx_need = ipc_frame_len(w->rx, w->rx_len, IPC_RESP_MAGIC, sizeof(struct ipc_resp_head));
        if (w->rx_need == 0) {
            log_msg(LOG_ERROR, "worker_ipc", "worker %d sent a bad frame head", (int)w->pid);
            pool_worker_abandon(w);
            return;
        }
        if (w->rx_need > w->rx_cap) {
            char *nb = realloc(w->rx, w->rx_need);
            if (nb == NULL) {
                log_msg(LOG_ERROR, "worker_ipc", "out of memory for a %zu-byte response",
                        w->rx_need);
                pool_worker_abandon(w);
                return;
            }
            w->rx = nb;
            w->rx_cap = w->rx_need;
        }
    }
    if (w->rx_need != 0 && w->rx_len > w->rx_need) {
        log_msg(LOG_ERROR, "worker_ipc", "worker %d wrote past its frame", (int)w->pid);
        pool_worker_abandon(w);
        return;
    }
    if (w->rx_need != 0 && w->rx_len == w->rx_need)
        pool_frame_complete(w);
}

/* ---- sending requests --------------------------------------------------------------------- */

/* Writes bufs without waking the loop when the socket takes them at once (uv_try_write), else
 * queues the rest with uv_write. Returns 1 when everything was written (cb will not be called),
 * 0 when cb will be called, or a negative libuv error. (uv_write alone would re-arm the
 * descriptor in epoll for every answer.) */
static int pool_write(uv_write_t *req, uv_stream_t *s, const uv_buf_t *bufs, unsigned n,
                      uv_write_cb cb)
{
    int w = uv_try_write(s, bufs, n);
    if (w < 0 && w != UV_EAGAIN)
        return w;
    size_t done = w > 0 ? (size_t)w : 0;
    uv_buf_t rest[4];
    unsigned k = 0;
    for (unsigned i = 0; i < n; i++) {
        if (done >= bufs[i].len) {
            done -= bufs[i].len;
            continue;
        }
        if (k == 4)
            return UV_EINVAL;
        rest[k] = uv_buf_init(bufs[i].base + done, (unsigned)(bufs[i].len - done));
        done = 0;
        k++;
    }
    if (k == 0)
        return 1;
    int rc = uv_write(req, s, rest, k, cb);
    return rc < 0 ? rc : 0;
}

static void pool_on_written(uv_write_t *req, int status)
{
    struct pool_worker *w = req->data;
    w->writing = false;
    if (status < 0 && status != UV_ECANCELED) {
        log_msg(LOG_ERROR, "worker_ipc", "cannot write to worker %d: %s", (int)w->pid,
                uv_strerror(status));
        pool_worker_abandon(w);
    }
}

static void pool_on_deadline(uv_timer_t *t)
{
    struct pool_worker *w = t->data;
    if (!w->busy || w->pid <= 0)
        return;
    w->timed_out = true;
    log_msg(LOG_WARN, "worker_deadline", "worker %d ran past %llu ms; killing it", (int)w->pid,
            (unsigned long long)w->pool->o.deadline_ms);
    pool_worker_abandon(w);
}

static void pool_dispatch(struct pool_worker *w, struct pool_job *job)
{
    w->busy = true;
    w->timed_out = false;
    w->job = job;
    w->seq = job->seq;
    job->worker = w;
    job->state = POOL_JOB_RUNNING;
    job->prev = job->next = NULL;
    w->wreq.data = w;
    int rc = pool_write(&w->wreq, (uv_stream_t *)&w->pipe, job->bufs, job->nbufs, pool_on_written);
    if (rc < 0) {
        log_msg(LOG_ERROR, "worker_ipc", "cannot write to worker %d: %s", (int)w->pid,
                uv_strerror(rc));
        pool_worker_abandon(w);
        return;
    }
    w->writing = rc == 0; /* the rest of the frame is queued on the pipe */
    if (w->pool->o.deadline_ms > 0)
        uv_timer_start(&w->timer, pool_on_deadline, w->pool->o.deadline_ms, 0);
}

/* ---- process lifecycle -------------------------------------------------------------------- */

static int pool_worker_spawn(struct pool_worker *w, char *err, size_t errlen)
{
    struct pool *p = w->pool;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        snprintf(err, errlen, "socketpair: %s", strerror(errno));
        return -1;
    }
    pid_t parent = getpid();
    /* No signal handler may run in the child before it resets them: libuv's would write into the
     * front's signal pipe. */
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    pid_t pid = fork();
    if (pid != 0)
        sigprocmask(SIG_SETMASK, &old, NULL);
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    if (pid == 0) {
        pool_child_prepare(sv[1], parent);
        _exit(p->o.child_main(3, p->o.child_arg));
    }
    close(sv[1]);
    w->pid = pid;
    w->reaped = false;
    w->busy = false;
    w->timed_out = false;
    w->writing = false;
    w->job = NULL;
    uv_pipe_init(p->loop, &w->pipe, 0);
    w->pipe.data = w;
    p->handles_open++;
    w->pipe_open = true;
    int rc = uv_pipe_open(&w->pipe, sv[0]);
    if (rc == 0)
        rc = uv_read_start((uv_stream_t *)&w->pipe, pool_on_alloc, pool_on_read);
    if (rc != 0) {
        snprintf(err, errlen, "worker pipe: %s", uv_strerror(rc));
        pool_worker_abandon(w);
        return -1;
    }
    return 0;
}

static void pool_on_respawn(uv_timer_t *t)
{
    struct pool_worker *w = t->data;
    struct pool *p = w->pool;
    if (p->stopping || w->pid != 0)
        return;
    char err[256];
    if (pool_worker_spawn(w, err, sizeof(err)) != 0) {
        log_msg(LOG_ERROR, "worker_respawn", "cannot start a worker: %s", err);
        w->crashes++;
        uv_timer_start(&w->timer, pool_on_respawn, POOL_RESPAWN_MAX_MS, 0);
        return;
    }
    p->restarts++;
    log_msg(LOG_INFO, "worker_started", "worker %d started (replacement)", (int)w->pid);
    pool_worker_idle(w);
}

static void pool_maybe_stopped(struct pool *p);

/* Called when the process is reaped and its pipe is closed: the worker is fully gone. */
static void pool_worker_finalize(struct pool_worker *w)
{
    if (!w->reaped || w->pipe_open || w->pid == 0)
        return;
    struct pool *p = w->pool;
    uv_timer_stop(&w->timer);
    struct pool_result res;
    memset(&res, 0, sizeof(res));
    res.pid = w->pid;
    if (w->timed_out) {
        res.outcome = POOL_TIMED_OUT;
    } else {
        res.outcome = POOL_CRASHED;
    }
    if (WIFSIGNALED(w->wait_status))
        res.term_signal = WTERMSIG(w->wait_status);
    else if (WIFEXITED(w->wait_status))
        res.exit_status = WEXITSTATUS(w->wait_status);
    bool was_busy = w->busy;
    struct pool_job *job = w->job;
    w->job = NULL;
    w->busy = false;
    w->pid = 0;
    free(w->rx);
    w->rx = NULL;
    w->rx_len = w->rx_cap = w->rx_need = 0;
    if (p->stopping) {
        pool_maybe_stopped(p);
        return;
    }
    if (was_busy || res.term_signal != 0 || res.exit_status != 0) {
        log_msg(LOG_WARN, "worker_died", "worker %d %s %d%s", (int)res.pid,
                res.term_signal ? "killed by signal" : "exited with status",
                res.term_signal ? res.term_signal : res.exit_status,
                job ? " during a request" : "");
    }
    if (job != NULL) {
        job->state = POOL_JOB_IDLE;
        job->worker = NULL;
        job->done(job, &res);
    }
    /* Respawn: at once after a first death, then with a doubling delay while deaths repeat. */
    unsigned delay = 0;
    if (w->crashes > 0) {
        unsigned shift = w->crashes > 7 ? 7 : w->crashes - 1;
        delay = POOL_RESPAWN_BASE_MS << shift;
        if (delay > POOL_RESPAWN_MAX_MS)
            delay = POOL_RESPAWN_MAX_MS;
    }
    w->crashes++;
    uv_timer_start(&w->timer, pool_on_respawn, delay, 0);
}

static void pool_on_sigchld(uv_signal_t *s, int signum)
{
    (void)signum;
    struct pool *p = s->data;
    for (;;) {
        int st = 0;
        pid_t pid = waitpid(-1, &st, WNOHANG);
        if (pid <= 0)
            break;
        for (int i = 0; i < p->nw; i++) {
            struct pool_worker *w = &p->w[i];
            if (w->pid == pid && !w->reaped) {
                w->reaped = true;
                w->wait_status = st;
                /* Anything it wrote before dying is lost with it; its request fails. */
                pool_worker_abandon(w);
                pool_worker_finalize(w);
                break;
            }
        }
    }
}

int pool_start(struct pool *p, uv_loop_t *loop, const struct pool_opts *o, char *err, size_t errlen)
{
    memset(p, 0, sizeof(*p));
    p->loop = loop;
    p->o = *o;
    p->nw = o->nworkers;
    p->w = calloc((size_t)p->nw, sizeof(*p->w));
    if (p->w == NULL) {
        snprintf(err, errlen, "out of memory");
        return POOL_E_SYS;
    }
    uv_signal_init(loop, &p->sigchld);
    p->sigchld.data = p;
    p->handles_open++;
    uv_signal_start(&p->sigchld, pool_on_sigchld, SIGCHLD);
    uv_timer_init(loop, &p->stop_timer);
    p->stop_timer.data = p;
    p->handles_open++;
    for (int i = 0; i < p->nw; i++) {
        struct pool_worker *w = &p->w[i];
        w->pool = p;
        uv_timer_init(loop, &w->timer);
        w->timer.data = w;
        p->handles_open++;
    }
    for (int i = 0; i < p->nw; i++) {
        if (pool_worker_spawn(&p->w[i], err, errlen) != 0)
            return POOL_E_SYS;
    }
    return POOL_OK;
}

int pool_submit(struct pool *p, struct pool_job *job)
{
    if (p->stopping)
        return POOL_E_STOPPED;
    /* First come, first served: while others wait, a new job queues behind them. */
    for (int k = 0; p->qlen == 0 && k < p->nw; k++) {
        int i = (p->next_pick + k) % p->nw;
        struct pool_worker *w = &p->w[i];
        if (w->pid > 0 && w->pipe_open && !w->reaped && !w->busy) {
            p->next_pick = (i + 1) % p->nw;
            pool_dispatch(w, job);
            return POOL_OK;
        }
    }
    if (p->qlen >= p->o.max_queue)
        return POOL_E_FULL;
    job->state = POOL_JOB_QUEUED;
    job->worker = NULL;
    job->next = NULL;
    job->prev = p->qtail;
    if (p->qtail != NULL)
        p->qtail->next = job;
    else
        p->qhead = job;
    p->qtail = job;
    p->qlen++;
    return POOL_OK;
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
            log_msg(LOG_INFO, "worker_replaced",
                    "client left while its request was still being sent to worker %d", (int)w->pid);
            pool_worker_abandon(w);
        }
    }
    job->state = POOL_JOB_IDLE;
    job->worker = NULL;
    job->prev = job->next = NULL;
}

static void pool_on_handle_closed(uv_handle_t *h)
{
    struct pool *p = h->data;
    if (h->type == UV_TIMER && h != (uv_handle_t *)&p->stop_timer)
        p = ((struct pool_worker *)h->data)->pool;
    if (--p->handles_open == 0) {
        free(p->w);
        p->w = NULL;
        if (p->stopped_cb != NULL)
            p->stopped_cb(p);
    }
}

static void pool_maybe_stopped(struct pool *p)
{
    for (int i = 0; i < p->nw; i++) {
        if (p->w[i].pid != 0)
            return;
    }
    if (uv_is_closing((uv_handle_t *)&p->sigchld))
        return;
    uv_close((uv_handle_t *)&p->sigchld, pool_on_handle_closed);
    uv_close((uv_handle_t *)&p->stop_timer, pool_on_handle_closed);
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

int pool_busy_count(const struct pool *p)
{
    int n = 0;
    for (int i = 0; i < p->nw; i++)
        n += p->w[i].busy ? 1 : 0;
    return n;
}
