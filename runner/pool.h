/* pool.h — the front's supervised pool of worker processes.
 *
 * The front forks N workers (after the modules are loaded, so they inherit them) and hands each
 * one request at a time over a socketpair (uv_pipe_t on the front's side, blocking I/O in the
 * worker). Requests that find every worker busy wait in a bounded FIFO queue; past its bound
 * pool_submit() refuses (the front answers 503). A worker that dies, by a signal or an exit, fails
 * its request with POOL_CRASHED; one that runs past the deadline is killed and fails it with
 * POOL_TIMED_OUT. Either way it is replaced by a new fork, with a growing delay when workers keep
 * dying. All callbacks run on the front's loop. */
#ifndef HS_POOL_H
#define HS_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

#include "ipc.h"

struct pool;
struct pool_job;
struct pool_worker;

enum pool_outcome {
    POOL_DONE = 0,  /* the worker answered: res->resp is valid */
    POOL_CRASHED,   /* the worker died (res->term_signal or res->exit_status) */
    POOL_TIMED_OUT, /* the worker ran past the deadline and was killed */
};

struct pool_result {
    enum pool_outcome outcome;
    pid_t pid;
    int term_signal; /* POOL_CRASHED by a signal: its number, else 0 */
    int exit_status; /* POOL_CRASHED by exit: the exit code */
    /* POOL_DONE: the response frame, malloc'd; the callback takes ownership (free()). */
    char *frame;
    size_t frame_len;
    struct ipc_resp_view resp; /* points into frame */
};

typedef void (*pool_done_cb)(struct pool_job *job, struct pool_result *res);

enum pool_job_state { POOL_JOB_IDLE = 0, POOL_JOB_QUEUED, POOL_JOB_RUNNING };

/* One invocation; embedded in its owner (the connection), which fills bufs, nbufs, seq and done.
 * bufs must stay valid until done is called or pool_cancel() returns. */
struct pool_job {
    uv_buf_t bufs[2];
    unsigned nbufs;
    uint32_t seq;
    pool_done_cb done;
    /* owned by the pool */
    enum pool_job_state state;
    struct pool_job *prev, *next;
    struct pool_worker *worker;
};

struct pool_opts {
    int nworkers;
    size_t max_queue;
    uint64_t deadline_ms; /* per invocation, from dispatch to a worker */
    /* Runs in each forked worker with its end of the socketpair; returns the exit code. */
    int (*child_main)(int fd, void *arg);
    void *child_arg;
};

struct pool_worker {
    struct pool *pool;
    pid_t pid; /* 0: not running */
    uv_pipe_t pipe;
    uv_timer_t timer; /* the deadline while busy, the respawn delay while dead */
    uv_write_t wreq;
    bool pipe_open, reaped, busy, timed_out;
    bool writing; /* a request frame is partly queued on the pipe */
    int wait_status;
    struct pool_job *job; /* NULL while idle, or when the job was cancelled */
    uint32_t seq;
    char *rx; /* response frame being received */
    size_t rx_len, rx_cap, rx_need;
    unsigned crashes; /* consecutive deaths, for the respawn delay */
};

struct pool {
    uv_loop_t *loop;
    struct pool_opts o;
    struct pool_worker *w;
    int nw;
    int next_pick;
    struct pool_job *qhead, *qtail;
    size_t qlen;
    uv_signal_t sigchld;
    uv_timer_t stop_timer;
    bool stopping;
    int handles_open;
    void (*stopped_cb)(struct pool *p);
    uint64_t restarts;
};

enum pool_status { POOL_OK = 0, POOL_E_FULL = -1, POOL_E_STOPPED = -2, POOL_E_SYS = -3 };

/* Forks the workers. Returns POOL_OK, or POOL_E_SYS with err filled. */
int pool_start(struct pool *p, uv_loop_t *loop, const struct pool_opts *o, char *err,
               size_t errlen);

/* Hands job to an idle worker or queues it. POOL_E_FULL when the queue is at its bound,
 * POOL_E_STOPPED after pool_stop(). job->done is called exactly once after POOL_OK, unless the
 * job is cancelled first. */
int pool_submit(struct pool *p, struct pool_job *job);

/* Forgets job: a queued one leaves the queue; a running one's answer will be dropped (the worker
 * finishes it). done is not called afterwards. */
void pool_cancel(struct pool *p, struct pool_job *job);

/* Ends every worker (closing its pipe; a busy one is killed), then closes the pool's handles and
 * calls cb. Queued jobs must have been cancelled by their owners. */
void pool_stop(struct pool *p, void (*cb)(struct pool *p));

/* For a failed start only: kills and reaps every worker at once and frees the pool's memory; the
 * caller closes the loop's handles (uv_walk) itself. */
void pool_abort(struct pool *p);

/* Pids of the running workers, up to max; returns the count. */
int pool_pids(const struct pool *p, pid_t *pids, int max);
size_t pool_queue_len(const struct pool *p);
int pool_busy_count(const struct pool *p);

#endif
