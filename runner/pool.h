/* pool.h — the front's supervised pool of worker processes.
 *
 * The front forks N workers (child.h) and hands each one request at a time over a socketpair
 * (uv_pipe_t on the front's side, blocking I/O in the worker). A new worker first loads its module
 * set (child_main) and says so with an IPC_NOTE_READY note; until then it gets no request, and
 * one that does not say it within start_timeout_ms is killed and replaced. Requests that find
 * every ready worker busy wait in a bounded FIFO queue; past its bound
 * pool_submit() refuses (the front answers 503). One bad call costs only itself:
 *   - a worker that dies (signal or exit) fails its request with POOL_CRASHED;
 *   - one that runs past its deadline (the default, or the function's own, announced by the
 *     worker in a note before the call) is killed: POOL_TIMED_OUT;
 *   - one whose resident memory passes the limit during a call (read from /proc every few ms,
 *     which works the same under AddressSanitizer, whose reserved address space makes
 *     RLIMIT_AS/RLIMIT_DATA useless) is killed: POOL_MEMORY;
 * and is replaced by a new fork, with a growing delay when a slot's workers keep dying. A worker
 * whose memory is past the high-water mark after a call asks to be replaced with its answer
 * (recycled). Workers' stdout and stderr come through a pipe into the log, one escaped line at a
 * time, so nothing a hook prints can corrupt a frame or a log line; the first line of a
 * sanitizer report found there, and the record named by the worker's crash note (crash.h), are
 * kept for the failed request's message. pool_reload() hands over a new module set: its workers
 * start beside the old set's (the pool has twice N slots), the old ones keep taking requests until
 * the first new one is ready, then new jobs go only to the new set and the old workers are retired
 * (idle ones at once, busy ones after they answer); a set whose workers never get ready never takes
 * over. Failures are counted per function and logged with their counts. All callbacks run on the
 * front's loop. */
#ifndef HS_POOL_H
#define HS_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

#include "crash.h"
#include "err.h"
#include "ipc.h"
#include "restart.h"

struct pool;
struct pool_job;
struct pool_worker;

enum pool_outcome {
    POOL_DONE = 0,  /* the worker answered: res->resp is valid */
    POOL_CRASHED,   /* the worker died (res->term_signal or res->exit_status) */
    POOL_TIMED_OUT, /* the worker ran past the deadline (res->deadline_ms) and was killed */
    POOL_MEMORY,    /* the worker's resident memory passed res->mem_limit_bytes; killed */
    /* the worker's response frame claimed res->frame_bytes, more than res->frame_limit; killed
     * at the frame's head, before the front holds any of it */
    POOL_TOO_LARGE,
};

struct pool_result {
    enum pool_outcome outcome;
    pid_t pid;
    int term_signal;        /* POOL_CRASHED by a signal: its number, else 0 */
    int exit_status;        /* POOL_CRASHED by exit: the exit code */
    uint64_t deadline_ms;   /* POOL_TIMED_OUT: the deadline that applied */
    size_t mem_limit_bytes; /* POOL_MEMORY: the limit, and the resident size seen */
    size_t rss_bytes;
    size_t frame_bytes, frame_limit; /* POOL_TOO_LARGE */
    /* Failures: the function called when known (NUL-terminated, valid during the callback), the
     * first line of a sanitizer report the worker printed (or NULL), and how many workers this
     * function has cost so far. */
    const char *function;
    const char *report;
    const char *where; /* the record the worker was on when it died ("record 3 of 20, id X") */
    unsigned fn_failures;
    enum restart_cause restart; /* a failure: why its worker is replaced */
    /* POOL_DONE: the response frame, malloc'd; the callback takes ownership (free()). */
    char *frame;
    size_t frame_len;
    struct ipc_resp_view resp; /* points into frame */
};

typedef void (*pool_done_cb)(struct pool_job *job, struct pool_result *res);

enum pool_job_state { POOL_JOB_IDLE = 0, POOL_JOB_QUEUED, POOL_JOB_RUNNING };

/* One invocation; embedded in its owner (the connection), which fills bufs, nbufs, seq and done.
 * bufs[0] is the request frame's head part (head and fields before the body), bufs[1] the body;
 * they must stay valid until done is called or pool_cancel() returns. */
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
    uint64_t deadline_ms;   /* per invocation, from dispatch to a worker; 0: none */
    size_t mem_limit_bytes; /* resident memory a busy worker may reach; 0: no limit */
    uint64_t mem_poll_ms;   /* how often busy workers' memory is read; 0: 10 ms */
    bool capture_output;    /* workers' stdout/stderr into the log (else inherited) */
    /* A response frame whose head claims more fails its call at once (POOL_TOO_LARGE) and stops
     * the worker; 0: IPC_FRAME_MAX. */
    size_t max_frame_bytes;
    /* Runs in each forked worker with its end of the socketpair; returns the exit code. It must
     * write an IPC_NOTE_READY note (seq 0) before it takes requests. */
    int (*child_main)(int fd, void *arg);
    void *child_arg;
    /* Optional: the descriptors a worker keeps (child.h: CHILD_FD_KEEP onwards, in this order),
     * asked for child_arg at each fork; returns how many it put in fds (at most max). */
    int (*child_fds)(void *child_arg, int *fds, int max);
    /* A worker that has not said it is ready after this long is killed; 0: no limit. */
    uint64_t start_timeout_ms;
    /* Optional: a worker of the set in service became ready (pool_ready_count counts them). */
    void (*ready)(struct pool *p);
    /* Optional: the set of the last pool_reload took over (its first worker is ready). */
    void (*switched)(struct pool *p);
    /* Optional: a worker was replaced with no call to report it: on purpose (RESTART_RECYCLE or
     * RESTART_RELOAD) or by dying between calls (its cause). A failure during a call reaches that
     * job's done callback instead (pool_result.restart). */
    void (*restarted)(struct pool *p, enum restart_cause cause);
};

#define POOL_FN_NAME  (IPC_NOTE_NAME_MAX + 1)
#define POOL_OUT_LINE CRASH_SCAN_LINE
#define POOL_FN_STATS 64
#define POOL_OUT_RBUF (16u * 1024u)

struct pool_worker {
    struct pool *pool;
    pid_t pid; /* 0: not running */
    uv_pipe_t pipe;
    uv_pipe_t out;    /* its stdout and stderr (capture_output) */
    uv_timer_t timer; /* the deadline while busy, the respawn delay while dead, a retire grace */
    uv_write_t wreq;
    bool pipe_open, out_open, reaped, busy, timed_out, mem_exceeded, too_large;
    bool writing;         /* a request frame is partly queued on the pipe */
    bool starting;        /* forked, loading its set: not ready for requests */
    bool respawn_pending; /* its timer will fork a worker in this slot */
    bool retiring;        /* being replaced on purpose: its end is no crash */
    bool retire_after;    /* busy on an old module set (or recycled): replaced once it answers */
    enum restart_cause retire_cause;
    int wait_status;
    unsigned gen;         /* module set (pool.gen) it was forked with */
    struct pool_job *job; /* NULL while idle, or when the job was cancelled */
    uint32_t seq;
    uint64_t dispatch_ns;
    uint64_t deadline_ms; /* of the running call */
    char *rx;             /* frame being received */
    size_t rx_len, rx_cap, rx_need;
    bool rx_note;
    unsigned crashes; /* consecutive deaths, for the respawn delay */
    int statm_fd;     /* /proc/PID/statm, or -1 */
    size_t rss;
    size_t frame_claim;     /* too_large: what the frame's head claimed */
    char fn[POOL_FN_NAME];  /* the running call's function, from a note ("" unknown) */
    struct crash_scan scan; /* what its output said of a crash, for the running call */
    char line[POOL_OUT_LINE];
    size_t line_len;
    size_t out_relayed, out_dropped; /* output bytes of the current call */
};

struct pool_fn_stat {
    char name[64];
    unsigned failures;
};

struct pool {
    uv_loop_t *loop;
    struct pool_opts o;
    struct pool_worker *w;
    int nw;     /* slots: twice target */
    int target; /* workers of the latest set: opts.nworkers */
    int next_pick;
    struct pool_job *qhead, *qtail;
    size_t qlen;
    uv_signal_t sigchld;
    uv_timer_t stop_timer;
    uv_timer_t mem_timer;
    bool mem_timer_on;
    bool stopping;
    int handles_open;
    void (*stopped_cb)(struct pool *p);
    unsigned gen;      /* the latest set: bumped by pool_reload */
    unsigned live_gen; /* the set new jobs go to (gen once its first worker is ready) */
    uint64_t restarts;
    uint64_t restarts_by[RESTART_COUNT]; /* why workers were replaced (restart.h) */
    struct pool_fn_stat fstats[POOL_FN_STATS];
    char obuf[POOL_OUT_RBUF]; /* reads of workers' output */
};

/* Forks the workers. Returns 0, or ERR_SYS (err.h) with err filled. */
int pool_start(struct pool *p, uv_loop_t *loop, const struct pool_opts *o, char *err,
               size_t errlen);

/* Hands job to an idle worker or queues it. Returns 0, or an err.h code: ERR_FULL when the queue
 * is at its bound, ERR_STOPPED after pool_stop(). job->done is called exactly once after 0, unless
 * the job is cancelled first. */
int pool_submit(struct pool *p, struct pool_job *job);

/* Forgets job: a queued one leaves the queue; a running one's answer will be dropped (the worker
 * finishes it). done is not called afterwards. */
void pool_cancel(struct pool *p, struct pool_job *job);

/* From now on workers are forked with child_arg (a new module set): they start beside the
 * current ones, which keep taking jobs until one of the new set is ready; then new jobs go only to
 * the new set and the old workers are replaced (idle ones at once, busy ones once they answer).
 * The previous child_arg is not used any more once this returns. */
void pool_reload(struct pool *p, void *child_arg);

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
/* The number of workers asked for (opts.nworkers), and how many of the set in service are
 * ready (busy or idle). */
int pool_size(const struct pool *p);
int pool_ready_count(const struct pool *p);

#endif
