/* front_reload.c — SIGHUP's reloads: the TLS certificate, and the module set (checked in a
 * child, then handed to the pool, which switches to it once a new worker is ready). */
#include "front_internal.h"

#include <signal.h>
#include <stdlib.h>

#include "clock.h"
#include "log.h"
#include "metrics.h"
#include "modcheck.h"
#include "reload.h"
#include "tls.h"
#include "modset.h"

/* SIGHUP: loads the certificate and key again for new connections; on failure keeps the current
 * ones (and says why). Connections already open keep theirs. */
void front_tls_reload(struct front *f)
{
    if (f->tls_cfg == NULL)
        return;
    char err[512];
    struct tls_config *n = tls_config_load(f->cfg->tls_cert, f->cfg->tls_key, err, sizeof(err));
    if (n == NULL) {
        log_msg(LOG_LEVEL_ERROR, "tls_reload", "%s; keeping the current certificate", err);
        return;
    }
    tls_config_unref(f->tls_cfg);
    f->tls_cfg = n;
    log_msg(LOG_LEVEL_INFO, "tls_reload", "certificate %s reloaded: new connections use it",
            f->cfg->tls_cert);
}

/* The end of a reload's check: a set that passed goes to the pool (its workers load it and take
 * over once one is ready: front_on_switched); a refused one is logged, the current one serves on.
 */
static void front_on_checked(struct modset *ms, const char *why, double took_ms, void *arg)
{
    struct front *f = arg;
    f->check = NULL;
    f->check_ms = took_ms;
    if (ms == NULL) {
        log_msg(LOG_LEVEL_ERROR, "reload_refused",
                "module reload refused; the current modules keep serving: %s", why);
    } else {
        struct reload_set *s = reload_set_new(f->cfg, f->pcfg, ms);
        if (s == NULL) {
            log_msg(LOG_LEVEL_ERROR, "reload_refused",
                    "module reload refused; the current modules keep serving: out of memory");
        } else {
            modset_log_modules(s->ms);
            struct reload_set *old = f->modset;
            f->modset = s;
            pool_reload(&f->pool, s);
            /* Workers of the old set live in their own processes: its copy here can go. */
            reload_set_free(old);
        }
    }
    if (f->check_again && !f->draining) {
        f->check_again = false;
        front_modules_reload(f);
    }
}

/* The pool's newest set has a worker ready: new calls go to it from now on. */
void front_on_switched(struct pool *p)
{
    struct front *f = (struct front *)((char *)p - offsetof(struct front, pool));
    /* Only the set's own functions get a metrics label (a made-up name counts as "other"). */
    if (metrics_set_functions(f->metrics, (const char *const *)f->modset->ms->functions,
                              f->modset->ms->nfunctions) != 0)
        log_msg(LOG_LEVEL_WARN, "metrics",
                "out of memory: the metrics keep the previous functions");
    if (f->reload_t0 == 0)
        return; /* the set of the start */
    log_msg(LOG_LEVEL_INFO, "reloaded",
            "modules reloaded in %.1f ms (checked in %.1f ms): %zu module(s), %zu function(s); "
            "new calls go to new workers, running ones finish on the old modules",
            (double)(clock_mono_ns() - f->reload_t0) / 1e6, f->check_ms, f->modset->ms->nmodules,
            f->modset->ms->nfunctions);
}

/* SIGHUP: checks the module folders as they are now in a child (modcheck.h) while the current set
 * keeps serving; the front itself never loads module code. A SIGHUP during a check starts another
 * once it ends. */
void front_modules_reload(struct front *f)
{
    if (f->draining || f->modset == NULL)
        return;
    if (f->check != NULL) {
        f->check_again = true;
        return;
    }
    f->reload_t0 = clock_mono_ns();
    char err[1024];
    f->check = modcheck_start(&f->loop, f->cfg, front_on_checked, f, err, sizeof(err));
    if (f->check == NULL)
        log_msg(LOG_LEVEL_ERROR, "reload_refused",
                "module reload refused; the current modules keep serving: %s", err);
}
