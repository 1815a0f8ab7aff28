/* crash.h — what a failing call says about where it failed: the one wording of a record's place
 * ("record 3 of 20, id 001C") that every per-record diagnostic uses, the worker's note of the
 * function and record it is running, and the worker's fatal-signal handler that prints that note
 * and a backtrace on its standard error before the worker dies by the same signal.
 *
 * The reading side (crash_scan.c) is in the front's pool and in `hookstack invoke`/`test`: both
 * scan a worker's output for that note and for a sanitizer report, and word the hook_crashed
 * message with crash_message(), so the server and the CLI say the same for the same crash.
 *
 * Records count from 1 in these words ("record 1 of 20" is options.data[0]); the id is the first
 * of the record's members Id, id, internalId, _id (in that order) that holds a non-empty string or
 * an integral number; a string id is shown as at most CRASH_ID_SHOWN printable ASCII characters
 * (others become '?', a longer one ends in "..."). */
#ifndef HS_CRASH_H
#define HS_CRASH_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"

/* The worker's note line starts with this (then the signal, the function and the place). */
#define CRASH_NOTE_PREFIX   "hookstack crash: "
#define CRASH_ID_SHOWN      64
#define CRASH_WHERE_MAX     128  /* "record N of M, id X", NUL included */
#define CRASH_REPORT_MAX    256  /* first line of a sanitizer report, NUL included */
#define CRASH_MESSAGE_MAX   512  /* what the front's error bodies hold */
#define CRASH_BACKTRACE_MAX 64   /* frames */
#define CRASH_SCAN_LINE     1024 /* a worker's output is scanned in lines of at most this */

/* ---- a record's place ------------------------------------------------------------------------ */

/* The id member of record (see above), or NULL (no such member, or record is not an object). */
const struct json_value *crash_record_id(const struct json_value *record);

/* "record <index+1> of <count>[, id <id>]" into out (always NUL-terminated when cap > 0); id as
 * crash_record_id gives it, or NULL. Returns the length written. Async-signal-safe. */
size_t crash_where_format(char *out, size_t cap, size_t index, size_t count,
                          const struct json_value *id);

/* ---- the worker's note of what it runs (read by its crash handler) ------------------------- */

/* The function now running (borrowed; it must stay valid while it runs), or NULL when none;
 * either way no record is noted. */
void crash_where_function(const char *name);
/* The record now being processed: index (0-based) of count, and its id (crash_record_id, or
 * NULL). */
void crash_where_record(size_t index, size_t count, const struct json_value *id);

/* ---- the worker's handlers ----------------------------------------------------------------- */

/* In a worker process, once, before any call: on SIGSEGV, SIGBUS, SIGABRT, SIGFPE and SIGILL
 * (on an alternate stack, so a stack overflow is reported too) writes one note line to standard
 * error — CRASH_NOTE_PREFIX, the signal's name, "in function F" and " at record ..." while a
 * call runs — then the backtrace (glibc backtrace_symbols_fd, loaded here so the handler does not
 * load it), then dies by the same signal. A hook that calls exit() during a call leaves the same
 * note ("exit()"), and in a sanitizer build so does a sanitizer's fatal report ("sanitizer
 * error"; no backtrace: the report has one). */
void crash_handlers_install(void);

/* ---- the reading side (crash_scan.c) ------------------------------------------------------- */

struct crash_scan {
    char report[CRASH_REPORT_MAX]; /* first line of a sanitizer report ("" none) */
    char where[CRASH_WHERE_MAX];   /* the place the worker's note gave ("" none) */
};

void crash_scan_reset(struct crash_scan *s);
/* One line of a worker's output (without its newline). Keeps the first sanitizer report line
 * (from "AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer" or "runtime error:"
 * on) and the place of the first note line, as printable ASCII. */
void crash_scan_line(struct crash_scan *s, const char *line, size_t n);

/* The hook_crashed message for a worker that died without answering: "The function F crashed[ at
 * <where>]: its worker was killed by signal N (SIGNAME)[ (<report>)]." or "...: its worker exited
 * with status N[ (<report>)]." (term_signal 0). function, report and where may be NULL or "".
 * Returns the length (out always NUL-terminated when cap > 0). */
size_t crash_message(char *out, size_t cap, const char *function, int term_signal, int exit_status,
                     const char *report, const char *where);

#endif
