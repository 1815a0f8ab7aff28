/* worker.h — the worker process: reads request frames, runs proto_handle(), writes responses.
 *
 * A worker is forked by the front (pool.c) and loads its module set itself before it serves
 * (reload.h); `hookstack invoke` and `test` fork one after loading the modules. It runs one
 * invocation at a time with plain blocking I/O on its end of a socketpair, and exits when the
 * front closes that end. Hook code runs only here, never in the front.
 *
 * Before its first request a worker installs the crash handlers of crash.h: a fatal signal in a
 * hook writes a note (function, record) and a backtrace on its standard error, then the worker dies
 * by that signal.
 *
 * Served by the front, a worker also: announces a function's own deadline (--hook-timeout
 * FUNCTION=MS) in a note before running it, so the front applies that deadline instead of the
 * default; and asks to be replaced, with its answer, when its resident memory is past the
 * high-water mark after a call (--worker-recycle-mb). */
#ifndef HS_WORKER_H
#define HS_WORKER_H

#include <stddef.h>
#include <stdint.h>

struct proto_config;

/* One function's own deadline. */
struct worker_deadline {
    const char *function;
    uint64_t ms;
};

struct worker_opts {
    const struct proto_config *pcfg;
    const struct worker_deadline *deadlines; /* ndeadlines entries; none: no notes are sent */
    size_t ndeadlines;
    size_t recycle_bytes; /* resident size past which an answer asks for replacement; 0: never */
    /* Largest answer body sent as it is (--max-response-bytes); a larger one is replaced by 500
     * response_too_large. 0: no limit. */
    size_t max_response_bytes;
};

/* Serves frames on fd until end of file; returns the process exit code (0 on a clean end). */
int worker_serve(int fd, const struct worker_opts *o);

/* worker_serve with nothing but the protocol (`hookstack invoke` and `test`). */
int worker_main(int fd, const struct proto_config *cfg);

/* The value of the top-level "function" member of a POST /function body, found by a scan that
 * builds nothing (the last one wins, as with JSON.parse): copies it NUL-terminated into out and
 * returns its length; 0 when the body is not a JSON object text, the member is absent or not a
 * string, holds escapes, or does not fit in cap - 1 bytes. */
size_t worker_function_name(const char *body, size_t len, char *out, size_t cap);

/* Resident memory of the process whose /proc/PID/statm is open on fd, in bytes; 0 when it cannot
 * be read (the process is gone). */
size_t worker_rss_bytes(int statm_fd);

#endif
