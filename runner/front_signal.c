/* front_signal.c — the front's signals: SIGHUP reloads, a first SIGTERM/SIGINT drains, a second
 * one exits at once. */
#include "front_internal.h"

#include <signal.h>
#include <unistd.h>

#include "log.h"

static void front_on_signal(uv_signal_t *s, int signum)
{
    struct front *f = s->data;
    if (signum == SIGHUP) {
        front_tls_reload(f);
        front_modules_reload(f);
        return;
    }
    if (++f->signals_seen > 1) {
        log_msg(LOG_LEVEL_WARN, "signal", "second %s: exiting without finishing requests",
                signum == SIGINT ? "SIGINT" : "SIGTERM");
        for (int i = 0; i < f->pool.nw; i++) {
            if (f->pool.w != NULL && f->pool.w[i].pid > 0)
                kill(f->pool.w[i].pid, SIGKILL);
        }
        _exit(1);
    }
    front_drain(f, signum == SIGINT ? "SIGINT" : "SIGTERM");
}

void front_signals_start(struct front *f)
{
    uv_signal_init(&f->loop, &f->sigterm);
    uv_signal_init(&f->loop, &f->sigint);
    f->sigterm.data = f->sigint.data = f;
    uv_signal_start(&f->sigterm, front_on_signal, SIGTERM);
    uv_signal_start(&f->sigint, front_on_signal, SIGINT);
    uv_signal_init(&f->loop, &f->sighup);
    f->sighup.data = f;
    uv_signal_start(&f->sighup, front_on_signal, SIGHUP);
}

void front_signals_close(struct front *f)
{
    if (!uv_is_closing((uv_handle_t *)&f->sigterm)) {
        uv_close((uv_handle_t *)&f->sigterm, NULL);
        uv_close((uv_handle_t *)&f->sigint, NULL);
        uv_close((uv_handle_t *)&f->sighup, NULL);
    }
}
