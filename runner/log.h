/* log.h — structured log lines (logfmt: ts=… level=… event=… key=value …) on standard error.
 *
 * A line is built in a bounded buffer and written with one write(2), so lines from the front and
 * the workers never interleave. Values are quoted and escaped when needed; a line that would
 * overflow is cut and ends with truncated=true. Secrets never reach this module: callers pass only
 * what may be printed (see proto.c and sdk.c for the redaction of hook log text). */
#ifndef HS_LOG_H
#define HS_LOG_H

#include <stddef.h>

enum log_level { LOG_LEVEL_DEBUG = 0, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR };

#define LOG_LINE_MAX 4096

struct log_line {
    size_t len;
    int truncated;
    int urgent; /* warn and error lines are written at once, even in buffered mode */
    char buf[LOG_LINE_MAX];
};

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Where lines go (default 2). Tests may point it at a pipe or file. */
void log_set_fd(int fd);

/* Buffered mode, for the front's loop: lines are kept in a 64 KB buffer and written by log_flush()
 * (the loop calls it once per iteration), when the buffer is full, for every warn or error line,
 * and at exit. Saves one write(2) per request. Off by default. */
void log_set_buffered(int on);
void log_flush(void);
/* In a child right after fork(): forget the lines inherited from the parent (the parent writes
 * them) and go back to unbuffered writes. */
void log_after_fork(void);

/* Starts a line with ts, level and event; returns 0 when the level is filtered out (the other
 * calls are then no-ops and log_end writes nothing). */
int log_begin(struct log_line *l, enum log_level level, const char *event);
void log_str(struct log_line *l, const char *key, const char *val); /* NULL val: skipped */
void log_strn(struct log_line *l, const char *key, const char *val, size_t len);
void log_int(struct log_line *l, const char *key, long long val);
void log_ms(struct log_line *l, const char *key, double ms); /* 3 decimals */
void log_end(struct log_line *l);

/* One-shot line with a printf-style msg= field. */
void log_msg(enum log_level level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
