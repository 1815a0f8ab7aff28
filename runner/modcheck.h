/* modcheck.h — the check a module set passes before `hookstack serve` serves it, at start and on
 * SIGHUP: a child of the front (child.h) loads the set's copies (modset.h) — dlopen with the
 * modules' constructors, the ABI checks, every init and its registrations — and reports over a
 * pipe, one JSON line at a time: which module it is loading, then what it found or why a module
 * was refused. The front never loads module code itself: it waits for that child on its loop, with
 * a deadline (--module-load-timeout-ms), and keeps serving meanwhile.
 *
 * A module whose constructor or init crashes, exits, fails or does not return before the deadline
 * refuses the whole set, with one line naming the module's file and the reason ("...: the module
 * crashed while loading: killed by signal 11 (SIGSEGV)"). What module code prints during the
 * check reaches the log as escaped module_check_output lines (64 KB at most). The child is killed
 * past the deadline and always reaped; nothing of it stays on disk (the copies are memfds). */
#ifndef HS_MODCHECK_H
#define HS_MODCHECK_H

#include <stdint.h>
#include <uv.h>

#include "config.h"
#include "modset.h"

struct modcheck;

/* The check's end: ms is the checked set (the callee owns it) with its modules and functions
 * filled in, or NULL when refused, with why naming the module and the reason (valid during the
 * call); took_ms is the check's duration. */
typedef void (*modcheck_done_cb)(struct modset *ms, const char *why, double took_ms, void *arg);

/* Copies cfg's module folders (modset_snapshot) and starts checking them on loop, with cfg's
 * deadline and no_diy. NULL with one line in err when the copy or the fork fails (nothing is then
 * called back). Otherwise done runs once on loop (unless modcheck_cancel comes first) and the
 * check frees itself once its handles are closed. */
struct modcheck *modcheck_start(uv_loop_t *loop, const struct serve_config *cfg,
                                modcheck_done_cb done, void *arg, char *err, size_t errlen);

/* Stops a check: kills and reaps its child, closes its handles; done is not called. */
void modcheck_cancel(struct modcheck *c);

/* A check child's report as it wrote it (len bytes; see modcheck.c), read: *loading gets the index
 * of the set's file it was loading last (-1: none). MODCHECK_REPORT_PASSED after filling ms's
 * modules and functions from the final line, MODCHECK_REPORT_REFUSED with the child's reason in
 * why, or MODCHECK_REPORT_NONE when no final line is well formed. Never trusts the bytes (the
 * child runs module code). */
enum { MODCHECK_REPORT_NONE = -1, MODCHECK_REPORT_REFUSED = 0, MODCHECK_REPORT_PASSED = 1 };
int modcheck_report_read(const char *rep, size_t len, struct modset *ms, long *loading, char *why,
                         size_t cap);

/* The whole check on a loop of its own, for the start of the server: the checked set, or NULL
 * with the reason in err. */
struct modset *modcheck_run(const struct serve_config *cfg, char *err, size_t errlen);

#endif
