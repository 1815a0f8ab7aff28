/* pool_proc.c — workers' processes: forking one (with its pipes), respawning with back-off,
 * keeping the set at its size, reaping the dead and reporting a failed call (per function
 * failure counts, the log line, the job's done callback). */
#include "pool_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "log.h"
#include "worker.h"
#include "text.h"

/* ---- per-function failure counts ---------------------------------------------------------- */

/* Counts one more failure of function fn; returns its count. The table is bounded: a new name
 * takes the slot of the least failing one. */
static unsigned pool_fn_failed(struct pool *p, const char *fn)
{
    struct pool_fn_stat *slot = NULL, *least = &p->fstats[0];
    for (int i = 0; i < POOL_FN_STATS; i++) {
        struct pool_fn_stat *s = &p->fstats[i];
        if (s->failures > 0 && strncmp(s->name, fn, sizeof(s->name) - 1) == 0) {
            slot = s;
            break;
        }
        if (s->failures < least->failures)
            least = s;
    }
    if (slot == NULL) {
        slot = least;
        size_t n = strnlen(fn, sizeof(slot->name) - 1);
        memcpy(slot->name, fn, n);
        slot->name[n] = '\0';
        slot->failures = 0;
    }
    return ++slot->failures;
}

/* The function a job calls, from its frame (the step route's path segment, else the body's
 * "function" member when the body is not compressed). 0 when unknown. */
static size_t pool_job_function(const struct pool_job *job, char *out, size_t cap)
{
    struct strv step, enc;
    const char *head = job->bufs[0].base;
    size_t hlen = job->bufs[0].len;
    if (ipc_req_head_field(head, hlen, IPC_REQ_STEP_FUNCTION, &step) != 0 ||
        ipc_req_head_field(head, hlen, IPC_REQ_CONTENT_ENCODING, &enc) != 0)
        return 0;
    if (step.p != NULL) {
        size_t n = step.len < cap - 1 ? step.len : cap - 1;
        memcpy(out, step.p, n);
        out[n] = '\0';
        return n;
    }
    if ((enc.p != NULL && enc.len > 0 &&
         !(enc.len == 8 && strncasecmp(enc.p, STRLIT("identity")) == 0)) ||
        job->nbufs < 2)
        return 0;
    return worker_function_name(job->bufs[1].base, job->bufs[1].len, out, cap);
}

/* ---- process lifecycle -------------------------------------------------------------------- */

int pool_worker_spawn(struct pool_worker *w, char *err, size_t errlen)
{
    struct pool *p = w->pool;
    int sv[2], op[2] = {-1, -1};
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        snprintf(err, errlen, "socketpair: %s", strerror(errno));
        return -1;
    }
    if (p->o.capture_output && pipe2(op, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    pid_t parent = getpid();
    int keep[CHILD_KEEP_MAX];
    int nkeep = p->o.child_fds != NULL ? p->o.child_fds(p->o.child_arg, keep, CHILD_KEEP_MAX) : 0;
    pid_t pid = child_fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(sv[0]);
        close(sv[1]);
        if (op[0] >= 0) {
            close(op[0]);
            close(op[1]);
        }
        return -1;
    }
    if (pid == 0) {
        child_prepare(sv[1], op[1], keep, nkeep, parent);
        _exit(p->o.child_main(CHILD_FD_IPC, p->o.child_arg));
    }
    close(sv[1]);
    if (op[1] >= 0)
        close(op[1]);
    w->pid = pid;
    w->gen = p->gen;
    w->reaped = false;
    w->busy = false;
    w->timed_out = false;
    w->mem_exceeded = false;
    w->too_large = false;
    w->retiring = false;
    w->retire_after = false;
    w->writing = false;
    w->starting = true;
    w->job = NULL;
    w->line_len = 0;
    w->out_relayed = w->out_dropped = 0;
    w->fn[0] = '\0';
    crash_scan_reset(&w->scan);
    w->statm_fd = -1;
    if (p->o.mem_limit_bytes > 0) {
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
        w->statm_fd = open(path, O_RDONLY | O_CLOEXEC);
    }
    uv_pipe_init(p->loop, &w->pipe, 0);
    w->pipe.data = w;
    p->handles_open++;
    w->pipe_open = true;
    int rc = uv_pipe_open(&w->pipe, sv[0]);
    if (rc == 0)
        rc = uv_read_start((uv_stream_t *)&w->pipe, pool_on_alloc, pool_on_read);
    if (rc == 0 && op[0] >= 0) {
        uv_pipe_init(p->loop, &w->out, 0);
        w->out.data = w;
        p->handles_open++;
        w->out_open = true;
        rc = uv_pipe_open(&w->out, op[0]);
        if (rc == 0)
            rc = uv_read_start((uv_stream_t *)&w->out, pool_on_out_alloc, pool_on_out_read);
    } else if (op[0] >= 0) {
        close(op[0]);
    }
    if (rc != 0) {
        snprintf(err, errlen, "worker pipe: %s", uv_strerror(rc));
        pool_worker_abandon(w);
        return -1;
    }
    if (w->starting && p->o.start_timeout_ms > 0)
        uv_timer_start(&w->timer, pool_on_start_deadline, p->o.start_timeout_ms, 0);
    pool_mem_watch(p);
    return 0;
}

void pool_on_respawn(uv_timer_t *t)
{
    struct pool_worker *w = t->data;
    struct pool *p = w->pool;
    if (p->stopping || w->pid != 0) {
        w->respawn_pending = false;
        return;
    }
    char err[256];
    if (pool_worker_spawn(w, err, sizeof(err)) != 0) {
        log_msg(LOG_LEVEL_ERROR, "worker_respawn", "cannot start a worker: %s", err);
        w->crashes++;
        /* Still pending (it counts toward the pool's size) until a fork works. */
        w->respawn_pending = w->pid == 0;
        if (w->pid == 0)
            uv_timer_start(&w->timer, pool_on_respawn, POOL_RESPAWN_MAX_MS, 0);
        return;
    }
    w->respawn_pending = false;
    p->restarts++;
    log_msg(LOG_LEVEL_INFO, "worker_started", "worker %d started (replacement)", (int)w->pid);
    pool_worker_idle(w);
}

/* Workers that count toward the pool's size for the latest set: its workers (starting or
 * running) that are not being replaced, and slots about to start one. */
static int pool_current(const struct pool *p)
{
    int n = 0;
    for (int i = 0; i < p->nw; i++) {
        const struct pool_worker *w = &p->w[i];
        if (w->respawn_pending ||
            (w->pid > 0 && !w->reaped && w->gen == p->gen && !w->retiring && !w->retire_after))
            n++;
    }
    return n;
}

/* Starts workers of the latest set in free slots until it has its size (after a reload, the
 * old set's workers still hold their slots: they serve until the new set is ready). */
void pool_fill(struct pool *p)
{
    if (p->stopping)
        return;
    int need = p->target - pool_current(p);
    for (int i = 0; i < p->nw && need > 0; i++) {
        struct pool_worker *w = &p->w[i];
        if (w->pid != 0 || w->respawn_pending)
            continue;
        w->respawn_pending = true;
        uv_timer_start(&w->timer, pool_on_respawn, 0, 0);
        need--;
    }
}

/* Logs a failed worker: what ended it, what it was doing (request, start or idle), the function
 * and how often it failed so far. */
static void pool_log_failure(const struct pool_result *res, const char *during)
{
    struct log_line l;
    if (!log_begin(&l, LOG_LEVEL_WARN, "worker_died"))
        return;
    log_int(&l, "pid", (long long)res->pid);
    const char *cause = res->outcome == POOL_TIMED_OUT   ? "timeout"
                        : res->outcome == POOL_MEMORY    ? "memory"
                        : res->outcome == POOL_TOO_LARGE ? "frame_too_large"
                        : res->term_signal != 0          ? "signal"
                                                         : "exit";
    log_str(&l, "cause", cause);
    if (res->term_signal != 0) {
        const char *abbrev = sigabbrev_np(res->term_signal);
        char sig[32];
        snprintf(sig, sizeof(sig), "SIG%s", abbrev ? abbrev : "?");
        log_str(&l, "signal", sig);
    } else {
        log_int(&l, "status", res->exit_status);
    }
    if (res->outcome == POOL_TIMED_OUT)
        log_int(&l, "deadline_ms", (long long)res->deadline_ms);
    if (res->outcome == POOL_MEMORY) {
        log_int(&l, "rss_mb", (long long)(res->rss_bytes >> 20));
        log_int(&l, "limit_mb", (long long)(res->mem_limit_bytes >> 20));
    }
    log_str(&l, "during", during);
    log_str(&l, "function", res->function);
    if (res->function != NULL)
        log_int(&l, "function_failures", res->fn_failures);
    log_str(&l, "at", res->where);
    log_str(&l, "report", res->report);
    log_end(&l);
}

/* Called when the process is reaped and its pipes are closed: the worker is fully gone. */
void pool_worker_finalize(struct pool_worker *w)
{
    if (!w->reaped || w->pipe_open || w->out_open || w->pid == 0)
        return;
    struct pool *p = w->pool;
    uv_timer_stop(&w->timer);
    if (w->statm_fd >= 0) {
        close(w->statm_fd);
        w->statm_fd = -1;
    }
    struct pool_result res;
    memset(&res, 0, sizeof(res));
    res.pid = w->pid;
    res.outcome = w->timed_out      ? POOL_TIMED_OUT
                  : w->mem_exceeded ? POOL_MEMORY
                  : w->too_large    ? POOL_TOO_LARGE
                                    : POOL_CRASHED;
    res.deadline_ms = w->deadline_ms;
    res.frame_bytes = w->frame_claim;
    res.frame_limit = p->o.max_frame_bytes ? p->o.max_frame_bytes : IPC_FRAME_MAX;
    res.mem_limit_bytes = p->o.mem_limit_bytes;
    res.rss_bytes = w->rss;
    if (WIFSIGNALED(w->wait_status))
        res.term_signal = WTERMSIG(w->wait_status);
    else if (WIFEXITED(w->wait_status))
        res.exit_status = WEXITSTATUS(w->wait_status);
    bool was_busy = w->busy, was_starting = w->starting;
    bool planned = w->retiring && !was_busy;
    enum restart_cause cause = w->retire_cause;
    struct pool_job *job = w->job;
    char fn[POOL_FN_NAME];
    snprintf(fn, sizeof(fn), "%s", w->fn);
    struct crash_scan scan = w->scan;
    w->job = NULL;
    w->busy = false;
    w->starting = false;
    w->retiring = false;
    w->retire_after = false;
    w->pid = 0;
    free(w->rx);
    w->rx = NULL;
    w->rx_len = w->rx_cap = w->rx_need = 0;
    if (p->stopping) {
        pool_maybe_stopped(p);
        return;
    }
    if (planned) {
        /* A worker stopped while loading a set that was superseded was killed on purpose. */
        if ((res.term_signal != 0 || res.exit_status != 0) && !was_starting)
            log_msg(LOG_LEVEL_WARN, "worker_exit", "worker %d, being replaced, ended with %s %d",
                    (int)res.pid, res.term_signal ? "signal" : "status",
                    res.term_signal ? res.term_signal : res.exit_status);
        p->restarts_by[cause]++;
        if (p->o.restarted != NULL && (cause == RESTART_RECYCLE || cause == RESTART_RELOAD))
            p->o.restarted(p, cause);
        /* Replaced at once, unless the latest set has its workers already (a reload). */
        if (pool_current(p) < p->target) {
            w->respawn_pending = true;
            uv_timer_start(&w->timer, pool_on_respawn, 0, 0);
        }
        pool_fill(p);
        return;
    }
    if (fn[0] == '\0' && job != NULL)
        pool_job_function(job, fn, sizeof(fn));
    res.function = fn[0] ? fn : NULL;
    res.report = scan.report[0] ? scan.report : NULL;
    res.where = scan.where[0] ? scan.where : NULL;
    if (res.function != NULL && (job != NULL || was_busy))
        res.fn_failures = pool_fn_failed(p, res.function);
    if (was_busy || res.term_signal != 0 || res.exit_status != 0)
        pool_log_failure(&res, was_busy ? "request" : was_starting ? "start" : "idle");
    if (res.fn_failures >= 2)
        log_msg(LOG_LEVEL_WARN, "function_failing", "function %s has cost %u worker(s) so far",
                res.function, res.fn_failures);
    enum restart_cause why = res.outcome == POOL_TIMED_OUT ? RESTART_TIMEOUT
                             : res.outcome == POOL_MEMORY  ? RESTART_MEMORY
                                                           : RESTART_CRASH;
    res.restart = why;
    p->restarts_by[why]++;
    /* A worker that died between calls has no call to carry the news: tell the owner here. */
    if (job == NULL && p->o.restarted != NULL)
        p->o.restarted(p, why);
    if (job != NULL) {
        pool_job_set_state(job, POOL_JOB_IDLE);
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
    if (pool_current(p) < p->target) {
        w->respawn_pending = true;
        uv_timer_start(&w->timer, pool_on_respawn, delay, 0);
    }
    pool_fill(p);
}

void pool_on_sigchld(uv_signal_t *s, int signum)
{
    (void)signum;
    struct pool *p = s->data;
    /* Each worker by its pid: other children of the front (a module check) are not ours. */
    for (int i = 0; p->w != NULL && i < p->nw; i++) {
        struct pool_worker *w = &p->w[i];
        int st = 0;
        if (w->pid <= 0 || w->reaped || waitpid(w->pid, &st, WNOHANG) != w->pid)
            continue;
        w->reaped = true;
        w->wait_status = st;
        /* Anything it wrote on its socket before dying is lost with it (its request fails);
         * what it printed is read now. */
        pool_out_drain(w);
        pool_worker_abandon(w);
        pool_worker_finalize(w);
    }
}
