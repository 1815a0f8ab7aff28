/* front_run.c — the front's start and end: front_open, front_run (the workers, the loop's
 * handles, "listening on"), the pool's callbacks, and freeing it all. */
#include "front_internal.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "budget.h"
#include "clock.h"
#include "ipc.h"
#include "log.h"
#include "metrics.h"
#include "modcheck.h"
#include "reload.h"
#include "tls.h"
#include "worker.h"

static void front_say_listening(struct front *f);

/* A worker replaced without a call to report it: recycled past its memory high-water mark,
 * replaced by a reload, or dead between calls. */
static void front_on_worker_restart(struct pool *p, enum restart_cause cause)
{
    struct front *f = (struct front *)((char *)p - offsetof(struct front, pool));
    metrics_worker_restart(f->metrics, cause);
    /* A worker of the start that failed: say where the server listens all the same. */
    if (cause == RESTART_CRASH)
        front_say_listening(f);
}

/* The development token, and a curl line that calls the first DIY function served (with empty
 * options; a hook whose kind needs records answers with the error that says so), or, when no
 * module serves one, how to make one and a curl line for the health check. */
static void front_print_dev_token(const struct front *f, const struct modset *ms, const char *host,
                                  int port)
{
    const char *tok = f->cfg->tokens[0];
    const char *h = strcmp(host, "0.0.0.0") == 0 ? "127.0.0.1"
                    : strcmp(host, "::") == 0    ? "::1"
                                                 : host;
    bool v6 = strchr(h, ':') != NULL;
    char base[300];
    snprintf(base, sizeof(base), "%s://%s%s%s:%d", f->tls_cfg ? "https" : "http", v6 ? "[" : "", h,
             v6 ? "]" : "", port);
    printf("No system token configured (HOOKSTACK_SYSTEM_TOKEN or --system-token-file); this run "
           "uses a development token:\n  %s\n",
           tok);
    const char *fn = ms->try_fn, *type = ms->try_type;
    if (fn == NULL) {
        printf("No module serves a function yet: scaffold one with `hookstack new MODULE FUNCTION "
               "--kind KIND` (its modules folder is %s), build, and start again.\nTry it:\n  curl "
               "-sS %s/healthCheck\n",
               f->cfg->nmodule_dirs > 0 ? f->cfg->module_dirs[0] : "modules", base);
        return;
    }
    printf("Try it:\n  curl -sS -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' "
           "-d '{\"diy\":true,%s%s%s\"function\":\"%s\",\"options\":{}}' %s/function\n",
           tok, type ? "\"type\":\"" : "", type ? type : "", type ? "\"," : "", fn, base);
}

static void front_on_walk_close(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

/* Closes every handle of a front that will not run (or has failed to) and frees it. */
static void front_discard(struct front *f)
{
    if (f->pool_started)
        pool_abort(&f->pool);
    modcheck_cancel(f->check);
    f->check = NULL;
    reload_set_free(f->modset);
    f->modset = NULL;
    uv_walk(&f->loop, front_on_walk_close, NULL);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    uv_loop_close(&f->loop);
    tls_config_unref(f->tls_cfg);
    metrics_free(f->metrics);
    free(f);
}

struct front *front_open(const struct serve_config *cfg)
{
    struct front *f = calloc(1, sizeof(*f));
    if (f == NULL) {
        fprintf(stderr, "hookstack serve: out of memory\n");
        return NULL;
    }
    f->cfg = cfg;
    f->limits.max_header_bytes = cfg->max_header_bytes;
    f->limits.max_headers = cfg->max_headers;
    f->limits.max_body = cfg->max_body_bytes;
    f->exit_code = 0;
    uint64_t seed = 0;
    if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed) || seed == 0)
        seed = clock_mono_ns() | 1;
    f->rng = seed;
    http_global_init(cfg->max_header_bytes);
    signal(SIGPIPE, SIG_IGN);
    front_raise_nofile();
    f->max_conns = config_max_connections(cfg);
    uv_loop_init(&f->loop);
    if (cfg->tls_cert != NULL) {
        char terr[512];
        f->tls_cfg = tls_config_load(cfg->tls_cert, cfg->tls_key, terr, sizeof(terr));
        if (f->tls_cfg == NULL) {
            fprintf(stderr, "hookstack serve: %s\n", terr);
            front_discard(f);
            return NULL;
        }
    }

    if (front_bind(f, &f->listener, "--host", cfg->host, cfg->port, &f->port) != 0)
        goto fail;
    f->metrics = metrics_new();
    if (f->metrics == NULL) {
        fprintf(stderr, "hookstack serve: out of memory\n");
        goto fail;
    }
    if (cfg->metrics_port >= 0) {
        if (front_bind(f, &f->metrics_listener, "--metrics-listen", cfg->metrics_host,
                       cfg->metrics_port, &f->metrics_port) != 0)
            goto fail;
        f->has_metrics_listener = true;
    }
    return f;

fail:
    front_discard(f);
    return NULL;
}

void front_close(struct front *f)
{
    if (f != NULL)
        front_discard(f);
}

static void front_on_log_check(uv_check_t *h)
{
    (void)h;
    log_flush();
}

static void front_on_log_prepare(uv_prepare_t *h)
{
    (void)h;
    log_flush();
}

/* "listening on HOST:PORT", once every worker of the start has loaded the modules (or one failed
 * to: the log says why). Connections are accepted before, their calls wait for a worker. */
static void front_say_listening(struct front *f)
{
    const struct serve_config *cfg = f->cfg;
    if (f->listening_said)
        return;
    f->listening_said = true;
    bool v6 = strchr(cfg->host, ':') != NULL;
    if (cfg->dev_token)
        front_print_dev_token(f, f->modset->ms, cfg->host, f->port);
    log_msg(LOG_LEVEL_INFO, "listening",
            "listening on %s%s%s:%d%s: %zu module(s), %zu function(s), %d worker(s)", v6 ? "[" : "",
            cfg->host, v6 ? "]" : "", f->port, f->tls_cfg ? " (HTTPS)" : "",
            f->modset->ms->nmodules, f->modset->ms->nfunctions, cfg->workers);
    printf("listening on %s%s%s:%d%s\n", v6 ? "[" : "", cfg->host, v6 ? "]" : "", f->port,
           f->tls_cfg ? " (HTTPS, TLS 1.2)" : "");
    if (f->has_metrics_listener) {
        bool mv6 = strchr(cfg->metrics_host, ':') != NULL;
        log_msg(LOG_LEVEL_INFO, "metrics_listening",
                "metrics on %s%s%s:%d (GET /metrics, no token)", mv6 ? "[" : "", cfg->metrics_host,
                mv6 ? "]" : "", f->metrics_port);
        printf("metrics on %s%s%s:%d\n", mv6 ? "[" : "", cfg->metrics_host, mv6 ? "]" : "",
               f->metrics_port);
    }
    fflush(stdout);
}

static void front_on_worker_ready(struct pool *p)
{
    struct front *f = (struct front *)((char *)p - offsetof(struct front, pool));
    if (pool_ready_count(p) >= pool_size(p))
        front_say_listening(f);
}

int front_run(struct front *f, const struct proto_config *pcfg, struct modset *ms)
{
    const struct serve_config *cfg = f->cfg;
    f->pcfg = pcfg;
    int rc;
    /* Workers are forked now: after the set passed its check, before any connection exists. */
    f->modset = reload_set_new(cfg, pcfg, ms);
    if (f->modset == NULL ||
        metrics_set_functions(f->metrics, (const char *const *)f->modset->ms->functions,
                              f->modset->ms->nfunctions) != 0) {
        fprintf(stderr, "hookstack serve: out of memory\n");
        front_discard(f);
        return 1;
    }
    struct pool_opts po = {
        .nworkers = cfg->workers,
        .max_queue = cfg->max_queue,
        .deadline_ms = cfg->hook_timeout_ms,
        .mem_limit_bytes = cfg->worker_memory_mb << 20,
        .capture_output = true,
        .max_frame_bytes = ipc_resp_frame_max(cfg->max_response_bytes),
        .child_main = reload_worker_main,
        .child_arg = f->modset,
        .child_fds = reload_child_fds,
        .start_timeout_ms = cfg->module_load_timeout_ms,
        .ready = front_on_worker_ready,
        .switched = front_on_switched,
        .restarted = front_on_worker_restart,
    };
    char err[256];
    fflush(stdout);
    fflush(stderr);
    if (pool_start(&f->pool, &f->loop, &po, err, sizeof(err)) != 0) {
        fprintf(stderr, "hookstack serve: cannot start the workers: %s\n", err);
        f->pool_started = true;
        front_discard(f);
        return 1;
    }
    f->pool_started = true;

    front_signals_start(f);
    uv_timer_init(&f->loop, &f->shutdown_timer);
    f->shutdown_timer.data = f;
    f->shutdown_timer_on = true;
    uv_check_init(&f->loop, &f->bp_check);
    f->bp_check.data = f;
    /* Request lines are buffered and written after each round of I/O and before the loop waits
     * (one write(2) for many requests, never held while idle); warnings and errors are written at
     * once. Both handles are unref'd: they never keep the loop alive. */
    uv_check_init(&f->loop, &f->log_check);
    uv_check_start(&f->log_check, front_on_log_check);
    uv_unref((uv_handle_t *)&f->log_check);
    uv_prepare_init(&f->loop, &f->log_prepare);
    uv_prepare_start(&f->log_prepare, front_on_log_prepare);
    uv_unref((uv_handle_t *)&f->log_prepare);
    log_set_buffered(1);
    size_t cap = cfg->max_buffered_mb << 20;
    f->bp[BP_TRUSTED].b.limit = cap;
    f->bp[BP_UNVERIFIED].b.limit =
        cap / 4 > BUDGET_MIN_SHARE || cap == 0 ? cap / 4 : BUDGET_MIN_SHARE;

    front_check_nofile(f);

    uv_run(&f->loop, UV_RUN_DEFAULT);
    log_msg(LOG_LEVEL_INFO, "stopped", "server stopped");
    log_set_buffered(0);
    rc = uv_loop_close(&f->loop);
    if (rc != 0) {
        uv_walk(&f->loop, front_on_walk_close, NULL);
        uv_run(&f->loop, UV_RUN_DEFAULT);
        uv_loop_close(&f->loop);
    }
    int code = f->exit_code;
    reload_set_free(f->modset);
    tls_config_unref(f->tls_cfg);
    metrics_free(f->metrics);
    free(f);
    return code;
}
