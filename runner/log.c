/* log.c — logfmt lines on standard error, one write(2) each (see log.h). */
#include "log.h"
#include "text.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static enum log_level g_level = LOG_LEVEL_INFO;
static int g_buffered;
static char g_buf[64 * 1024];
static size_t g_buf_len;
static int g_fd = 2;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_set_level(enum log_level level)
{
    g_level = level;
}

enum log_level log_get_level(void)
{
    return g_level;
}

void log_set_fd(int fd)
{
    g_fd = fd;
}

static void put(struct log_line *l, const char *s, size_t n)
{
    /* Keep room for "truncated=true\n". */
    size_t room = LOG_LINE_MAX - 32;
    if (l->len >= room) {
        l->truncated = 1;
        return;
    }
    if (n > room - l->len) {
        n = room - l->len;
        l->truncated = 1;
    }
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

int log_begin(struct log_line *l, enum log_level level, const char *event)
{
    l->len = 0;
    l->truncated = 0;
    l->urgent = level >= LOG_LEVEL_WARN;
    if (level < g_level) {
        l->truncated = -1; /* marks a filtered line */
        return 0;
    }
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char ts[40];
    int n = snprintf(ts, sizeof(ts), "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     (int)(tv.tv_usec / 1000));
    put(l, ts, (size_t)n);
    log_str(l, "level", level_names[level]);
    log_str(l, "event", event);
    return 1;
}

static int needs_quotes(const char *v, size_t len)
{
    if (len == 0)
        return 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f)
            return 1;
    }
    return 0;
}

void log_strn(struct log_line *l, const char *key, const char *val, size_t len)
{
    if (l->truncated < 0 || val == NULL)
        return;
    if (l->len != 0)
        put(l, STRLIT(" "));
    put(l, key, strlen(key));
    put(l, STRLIT("="));
    if (!needs_quotes(val, len)) {
        put(l, val, len);
        return;
    }
    put(l, STRLIT("\""));
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)val[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            put(l, esc, 2);
        } else if (c == '\n') {
            put(l, STRLIT("\\n"));
        } else if (c < 0x20 || c == 0x7f) {
            int n = snprintf(esc, sizeof(esc), "\\x%02x", c);
            put(l, esc, (size_t)n);
        } else {
            put(l, (const char *)&val[i], 1);
        }
    }
    put(l, STRLIT("\""));
}

void log_str(struct log_line *l, const char *key, const char *val)
{
    if (val != NULL)
        log_strn(l, key, val, strlen(val));
}

void log_int(struct log_line *l, const char *key, long long val)
{
    char b[32];
    int n = snprintf(b, sizeof(b), "%lld", val);
    log_strn(l, key, b, (size_t)n);
}

void log_ms(struct log_line *l, const char *key, double ms)
{
    char b[48];
    int n = snprintf(b, sizeof(b), "%.3f", ms);
    log_strn(l, key, b, (size_t)n);
}

static void write_all(const char *p, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(g_fd, p + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        off += (size_t)w;
    }
}

void log_flush(void)
{
    if (g_buf_len > 0) {
        write_all(g_buf, g_buf_len);
        g_buf_len = 0;
    }
}

void log_set_buffered(int on)
{
    static int registered;
    if (!on)
        log_flush();
    else if (!registered && atexit(log_flush) == 0)
        registered = 1;
    g_buffered = on;
}

void log_after_fork(void)
{
    g_buf_len = 0;
    g_buffered = 0;
}

void log_end(struct log_line *l)
{
    if (l->truncated < 0)
        return;
    if (l->truncated) {
        const char *t = " truncated=true";
        memcpy(l->buf + l->len, t, strlen(t));
        l->len += strlen(t);
    }
    l->buf[l->len++] = '\n';
    if (g_buffered && !l->urgent) {
        if (g_buf_len + l->len > sizeof(g_buf))
            log_flush();
        memcpy(g_buf + g_buf_len, l->buf, l->len);
        g_buf_len += l->len;
        return;
    }
    log_flush(); /* keep the order of lines */
    write_all(l->buf, l->len);
}

void log_msg(enum log_level level, const char *event, const char *fmt, ...)
{
    struct log_line l;
    if (!log_begin(&l, level, event))
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(msg))
        n = sizeof(msg) - 1;
    log_strn(&l, "msg", msg, (size_t)n);
    log_end(&l);
}
