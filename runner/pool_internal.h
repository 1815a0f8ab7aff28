/* pool_internal.h — what pool.c, pool_proc.c and pool_out.c share. Not for use outside pool*.c. */
#ifndef HS_POOL_INTERNAL_H
#define HS_POOL_INTERNAL_H

#include "pool.h"

#define POOL_RX_INITIAL      (16u * 1024u)
#define POOL_RESPAWN_BASE_MS 50u
#define POOL_RESPAWN_MAX_MS  5000u
#define POOL_STOP_GRACE_MS   5000u
#define POOL_MEM_POLL_MS     10u
/* Output bytes of one call relayed into the log; the rest is counted and dropped. */
#define POOL_OUT_BUDGET (64u * 1024u)

/* ---- pool.c ---- */
/* Whether a job may go from state from to state to; pool_job_set_state asserts it. */
bool pool_job_state_legal(enum pool_job_state from, enum pool_job_state to);
void pool_job_set_state(struct pool_job *job, enum pool_job_state to);
/* libuv callbacks of a worker's socket: its frame buffer, and what it says (frames, notes). */
void pool_on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
void pool_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);
/* The worker is gone or misbehaving: stop talking to it and make sure it dies. */
void pool_worker_abandon(struct pool_worker *w);
/* A worker free for a job: retired if its set is out of service, else given the queue's head. */
void pool_worker_idle(struct pool_worker *w);
/* The timer callback of a worker that did not load its set within start_timeout_ms. */
void pool_on_start_deadline(uv_timer_t *t);
/* Starts the memory poll (while some worker is busy or loading). */
void pool_mem_watch(struct pool *p);
/* While stopping: once every worker is gone, closes the pool's handles (then stopped_cb). */
void pool_maybe_stopped(struct pool *p);

/* ---- pool_proc.c ---- */
/* Forks a worker of the latest set into slot w with its socket and output pipe. 0, or -1 with
 * err filled. */
int pool_worker_spawn(struct pool_worker *w, char *err, size_t errlen);
/* The timer callback that forks a worker into an empty slot. */
void pool_on_respawn(uv_timer_t *t);
/* Starts workers of the latest set in free slots until it has its size. */
void pool_fill(struct pool *p);
/* Once the process is reaped and its pipes closed: reports its end and refills its slot. */
void pool_worker_finalize(struct pool_worker *w);
/* SIGCHLD: reaps the pool's workers (only them). */
void pool_on_sigchld(uv_signal_t *s, int signum);

/* ---- pool_out.c ---- */
/* Logs the partial line a worker printed and what was dropped past the budget of a call. */
void pool_out_flush(struct pool_worker *w);
/* libuv callbacks of a worker's output pipe. */
void pool_on_out_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
void pool_on_out_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);
/* The worker was reaped: reads what is left in its output pipe, then closes it. */
void pool_out_drain(struct pool_worker *w);

#endif
