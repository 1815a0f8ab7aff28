/* pool_out.c — workers' stdout and stderr: read from their pipe into the log one escaped line at
 * a time (bounded per call), scanned for a crash report (crash.h). */
#include "pool_internal.h"

#include <errno.h>
#include <unistd.h>

#include "log.h"
#include "text.h"

/* ---- workers' output ---------------------------------------------------------------------- */

static void pool_out_line(struct pool_worker *w, const char *s, size_t n)
{
    crash_scan_line(&w->scan, s, n);
    if (w->out_relayed >= POOL_OUT_BUDGET) {
        w->out_dropped += n + 1;
        return;
    }
    w->out_relayed += n + 1;
    char clean[POOL_OUT_LINE];
    struct log_line l;
    if (log_begin(&l, LOG_LEVEL_WARN, "worker_output")) {
        log_int(&l, "pid", (long long)w->pid);
        log_strn(&l, "msg", clean,
                 text_utf8_clean(s, n < sizeof(clean) ? n : sizeof(clean), clean));
        log_end(&l);
    }
}

static void pool_out_feed(struct pool_worker *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n' || w->line_len == sizeof(w->line)) {
            pool_out_line(w, w->line, w->line_len);
            w->line_len = 0;
            if (s[i] == '\n')
                continue;
        }
        w->line[w->line_len++] = s[i];
    }
}

void pool_out_flush(struct pool_worker *w)
{
    if (w->line_len > 0) {
        pool_out_line(w, w->line, w->line_len);
        w->line_len = 0;
    }
    if (w->out_dropped > 0) {
        log_msg(LOG_LEVEL_WARN, "worker_output_dropped",
                "worker %d printed %zu more byte(s) of output during one call; not logged",
                (int)w->pid, w->out_dropped);
        w->out_dropped = 0;
    }
}

void pool_on_out_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    struct pool_worker *w = h->data;
    *buf = uv_buf_init(w->pool->obuf, sizeof(w->pool->obuf));
}

static void pool_on_out_closed(uv_handle_t *h)
{
    struct pool_worker *w = h->data;
    w->out_open = false;
    w->pool->handles_open--;
    pool_worker_finalize(w);
}

static void pool_out_close(struct pool_worker *w)
{
    if (w->out_open && !uv_is_closing((uv_handle_t *)&w->out)) {
        pool_out_flush(w);
        uv_close((uv_handle_t *)&w->out, pool_on_out_closed);
    }
}

void pool_on_out_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    struct pool_worker *w = s->data;
    if (nread > 0) {
        pool_out_feed(w, buf->base, (size_t)nread);
        return;
    }
    if (nread < 0) {
        /* End of file: the worker (and anything it started) closed its output. */
        uv_read_stop(s);
        pool_out_flush(w);
        if (w->reaped)
            pool_out_close(w);
    }
}

/* The worker was reaped: whatever it wrote is in the pipe; read it now (a process it started may
 * keep the pipe open, so end of file is not awaited), then close. */
void pool_out_drain(struct pool_worker *w)
{
    if (!w->out_open || uv_is_closing((uv_handle_t *)&w->out))
        return;
    uv_os_fd_t fd;
    if (uv_fileno((uv_handle_t *)&w->out, &fd) == 0) {
        for (int i = 0; i < 64; i++) {
            ssize_t n = read(fd, w->pool->obuf, sizeof(w->pool->obuf));
            if (n > 0) {
                pool_out_feed(w, w->pool->obuf, (size_t)n);
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            break;
        }
    }
    pool_out_close(w);
}
