/* modcheck.c — a module set loaded in a disposable child before it is served (see modcheck.h).
 *
 * The report, child to front, is one JSON object per line: {"loading":I} before the set's file I
 * is opened, then {"ok":true,"modules":[{"name","version","file"}...],"functions":[...]} or
 * {"ok":false,"error":"<file>: <reason>"}. A child that dies or hangs sends no final line: the
 * last "loading" names the module it died in. The front reads the report and the child's output
 * as they come (a full pipe never blocks the child), and finishes once the child is reaped; what
 * is left in the pipes then is read at once, not awaited (a process the module started may hold
 * them open). */
#include "modcheck.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "child.h"
#include "clock.h"
#include "crash.h"
#include "json.h"
#include "log.h"
#include "registry_internal.h"
#include "text.h"

#define MODCHECK_REPORT_MAX (4u << 20) /* bytes of report kept; past it the check fails */
#define MODCHECK_OUT_BUDGET (64u * 1024u)
#define MODCHECK_OUT_LINE   1024u
#define MODCHECK_WHY        1024u

struct modcheck {
    uv_loop_t *loop;
    struct modset *ms;
    bool no_diy;
    uint64_t timeout_ms, t0;
    modcheck_done_cb done;
    void *arg;
    pid_t pid;
    bool reaped, timed_out, finished, cancelled;
    int wait_status;
    uv_pipe_t report, out;
    bool report_open, out_open;
    uv_timer_t timer;
    uv_signal_t sigchld;
    int handles; /* initialised and not yet closed */
    char *rep;   /* the report so far */
    size_t rep_len, rep_cap;
    bool rep_overflow;
    char line[MODCHECK_OUT_LINE]; /* the child's output line being gathered */
    size_t line_len, out_relayed, out_dropped;
    struct crash_scan scan; /* the first line of a sanitizer report it printed */
    char rbuf[16384];
};

/* ---- the child ------------------------------------------------------------------------------ */

static void modcheck_write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(CHILD_FD_IPC, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            _exit(1);
        p += w;
        n -= (size_t)w;
    }
}

static void modcheck_on_loading(void *arg, size_t index)
{
    (void)arg;
    char line[64];
    int n = snprintf(line, sizeof(line), "{\"loading\":%zu}\n", index);
    modcheck_write_all(line, (size_t)n);
}

/* What the loaded registry holds, as the final report line's members. 0, or -1 (out of memory). */
static int modcheck_describe(struct arena *a, struct json_value *o, const struct registry *reg)
{
    struct json_value *mods = json_new_array(a), *fns = json_new_array(a);
    if (mods == NULL || fns == NULL)
        return -1;
    for (size_t i = 0; i < reg->nmodules; i++) {
        const struct registry_module *m = reg->modules[i];
        struct json_value *mo = json_new_object(a);
        if (mo == NULL ||
            json_object_set(a, mo, STRLIT("name"), json_new_string(a, m->name, strlen(m->name))) !=
                0 ||
            json_object_set(a, mo, STRLIT("version"),
                            json_new_string(a, m->version, strlen(m->version))) != 0 ||
            json_object_set(a, mo, STRLIT("file"), json_new_string(a, m->path, strlen(m->path))) !=
                0 ||
            json_array_push(a, mods, mo) != 0)
            return -1;
    }
    for (size_t i = 0; i < reg->nfns; i++) {
        const char *name = reg->fns[i]->name;
        if (json_array_push(a, fns, json_new_string(a, name, strlen(name))) != 0)
            return -1;
    }
    if (json_object_set(a, o, STRLIT("modules"), mods) != 0 ||
        json_object_set(a, o, STRLIT("functions"), fns) != 0)
        return -1;
    const char *try_fn = NULL, *try_type = NULL;
    if (registry_first_diy(reg, &try_fn, &try_type) &&
        (json_object_set(a, o, STRLIT("tryFunction"), json_new_string(a, try_fn, strlen(try_fn))) !=
             0 ||
         (try_type != NULL &&
          json_object_set(a, o, STRLIT("tryType"),
                          json_new_string(a, try_type, strlen(try_type))) != 0)))
        return -1;
    return 0;
}

/* Loads the set (its files on CHILD_FD_KEEP...), writes the final report line, exits. The
 * registry is not freed: no module's cleanup runs in the check. */
static void modcheck_child(const struct modset *ms, bool no_diy)
{
    char err[MODCHECK_WHY];
    err[0] = '\0';
    struct registry *reg = modset_load(ms, no_diy, modcheck_on_loading, NULL, err, sizeof(err));
    struct arena *a = arena_new(64 * 1024, 0);
    struct json_value *o = a ? json_new_object(a) : NULL;
    if (o == NULL)
        _exit(1);
    int rc = json_object_set(a, o, STRLIT("ok"), json_new_bool(a, reg != NULL));
    if (reg == NULL)
        rc |= json_object_set(a, o, STRLIT("error"),
                              json_new_string(a, err[0] ? err : "cannot load the modules",
                                              err[0] ? strlen(err) : 23));
    else
        rc |= modcheck_describe(a, o, reg);
    struct json_buf b;
    json_buf_init(&b, 0);
    if (rc != 0 || json_write(&b, o, 0, NULL) != 0 || json_buf_append(&b, STRLIT("\n")) != 0)
        _exit(1);
    modcheck_write_all(b.data, b.len);
    _exit(0);
}

/* ---- the front's side ----------------------------------------------------------------------- */

static void modcheck_maybe_finish(struct modcheck *c);

static void modcheck_on_closed(uv_handle_t *h)
{
    struct modcheck *c = h->data;
    if (--c->handles == 0) {
        modset_free(c->ms);
        free(c->rep);
        free(c);
    }
}

static void modcheck_close(uv_handle_t *h)
{
    if (!uv_is_closing(h))
        uv_close(h, modcheck_on_closed);
}

static void modcheck_report_feed(struct modcheck *c, const char *p, size_t n)
{
    if (c->rep_overflow)
        return;
    if (c->rep_len + n > MODCHECK_REPORT_MAX) {
        c->rep_overflow = true;
        if (c->pid > 0 && !c->reaped)
            kill(c->pid, SIGKILL);
        return;
    }
    if (c->rep_len + n > c->rep_cap) {
        size_t cap = c->rep_cap ? c->rep_cap : 4096;
        while (cap < c->rep_len + n)
            cap *= 2;
        char *nr = realloc(c->rep, cap);
        if (nr == NULL) {
            c->rep_overflow = true;
            return;
        }
        c->rep = nr;
        c->rep_cap = cap;
    }
    memcpy(c->rep + c->rep_len, p, n);
    c->rep_len += n;
}

static void modcheck_out_line(struct modcheck *c, const char *s, size_t n)
{
    crash_scan_line(&c->scan, s, n);
    if (c->out_relayed >= MODCHECK_OUT_BUDGET) {
        c->out_dropped += n + 1;
        return;
    }
    c->out_relayed += n + 1;
    char clean[MODCHECK_OUT_LINE];
    struct log_line l;
    if (log_begin(&l, LOG_LEVEL_WARN, "module_check_output")) {
        log_int(&l, "pid", (long long)c->pid);
        log_strn(&l, "msg", clean, text_utf8_clean(s, n, clean));
        log_end(&l);
    }
}

static void modcheck_out_feed(struct modcheck *c, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n' || c->line_len == sizeof(c->line)) {
            modcheck_out_line(c, c->line, c->line_len);
            c->line_len = 0;
            if (s[i] == '\n')
                continue;
        }
        c->line[c->line_len++] = s[i];
    }
}

static void modcheck_on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    struct modcheck *c = h->data;
    *buf = uv_buf_init(c->rbuf, sizeof(c->rbuf));
}

static void modcheck_pipe_done(struct modcheck *c, uv_pipe_t *p)
{
    if (p == &c->out) {
        if (c->line_len > 0)
            modcheck_out_line(c, c->line, c->line_len);
        c->line_len = 0;
        c->out_open = false;
    } else {
        c->report_open = false;
    }
    modcheck_close((uv_handle_t *)p);
}

static void modcheck_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    struct modcheck *c = s->data;
    if (nread > 0) {
        if (s == (uv_stream_t *)&c->report)
            modcheck_report_feed(c, buf->base, (size_t)nread);
        else
            modcheck_out_feed(c, buf->base, (size_t)nread);
        return;
    }
    if (nread < 0) {
        modcheck_pipe_done(c, (uv_pipe_t *)s);
        modcheck_maybe_finish(c);
    }
}

/* After the child is reaped: what is in a pipe now is all it wrote; read it, then close. */
static void modcheck_drain(struct modcheck *c, uv_pipe_t *p, bool open)
{
    if (!open)
        return;
    uv_os_fd_t fd;
    if (uv_fileno((uv_handle_t *)p, &fd) == 0) {
        for (int i = 0; i < 1024; i++) {
            ssize_t n = read(fd, c->rbuf, sizeof(c->rbuf));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            if (p == &c->report)
                modcheck_report_feed(c, c->rbuf, (size_t)n);
            else
                modcheck_out_feed(c, c->rbuf, (size_t)n);
        }
    }
    modcheck_pipe_done(c, p);
}

static void modcheck_reap(struct modcheck *c)
{
    if (c->reaped || c->pid <= 0)
        return;
    int st = 0;
    if (waitpid(c->pid, &st, WNOHANG) != c->pid)
        return;
    c->reaped = true;
    c->wait_status = st;
    modcheck_drain(c, &c->report, c->report_open);
    modcheck_drain(c, &c->out, c->out_open);
    modcheck_maybe_finish(c);
}

static void modcheck_on_sigchld(uv_signal_t *s, int signum)
{
    (void)signum;
    modcheck_reap(s->data);
}

static void modcheck_on_deadline(uv_timer_t *t)
{
    struct modcheck *c = t->data;
    if (c->reaped || c->pid <= 0)
        return;
    c->timed_out = true;
    kill(c->pid, SIGKILL);
}

/* Fills ms from the final report line. 0, or -1 when it is not what the child writes. */
static int modcheck_fill(struct modset *ms, const struct json_value *fin)
{
    const struct json_value *mods = json_object_get(fin, STRLIT("modules"));
    const struct json_value *fns = json_object_get(fin, STRLIT("functions"));
    if (mods == NULL || fns == NULL || mods->type != JSON_ARRAY || fns->type != JSON_ARRAY)
        return -1;
    for (size_t i = 0; i < json_len(mods); i++) {
        const struct json_value *m = json_array_get(mods, i);
        const struct json_value *name = json_object_get(m, STRLIT("name"));
        const struct json_value *version = json_object_get(m, STRLIT("version"));
        const struct json_value *file = json_object_get(m, STRLIT("file"));
        if (name == NULL || version == NULL || file == NULL || name->type != JSON_STRING ||
            version->type != JSON_STRING || file->type != JSON_STRING ||
            modset_add_module(ms, name->u.str, version->u.str, file->u.str) != 0)
            return -1;
    }
    for (size_t i = 0; i < json_len(fns); i++) {
        const struct json_value *f = json_array_get(fns, i);
        if (f->type != JSON_STRING || modset_add_function(ms, f->u.str) != 0)
            return -1;
    }
    const struct json_value *try_fn = json_object_get(fin, STRLIT("tryFunction"));
    const struct json_value *try_type = json_object_get(fin, STRLIT("tryType"));
    if (try_fn != NULL && try_fn->type == JSON_STRING) {
        ms->try_fn = strdup(try_fn->u.str);
        if (ms->try_fn == NULL)
            return -1;
        if (try_type != NULL && try_type->type == JSON_STRING &&
            (ms->try_type = strdup(try_type->u.str)) == NULL)
            return -1;
    }
    return 0;
}

int modcheck_report_read(const char *rep, size_t len, struct modset *ms, long *loading, char *why,
                         size_t cap)
{
    *loading = -1;
    struct arena *a = arena_new(64 * 1024, (size_t)64 << 20);
    if (a == NULL)
        return MODCHECK_REPORT_NONE;
    const struct json_value *fin = NULL;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(rep + at, '\n', len - at);
        if (nl == NULL)
            break; /* an unfinished line: the child died writing it */
        size_t n = (size_t)(nl - (rep + at));
        struct json_value *v = json_parse(a, rep + at, n, NULL, NULL);
        at += n + 1;
        if (v == NULL || v->type != JSON_OBJECT)
            continue;
        const struct json_value *l = json_object_get(v, STRLIT("loading"));
        if (l != NULL && l->type == JSON_NUMBER && l->u.num >= 0 && l->u.num < (double)ms->nfiles)
            *loading = (long)l->u.num;
        if (json_object_get(v, STRLIT("ok")) != NULL)
            fin = v;
    }
    int r = MODCHECK_REPORT_NONE;
    const struct json_value *ok = fin ? json_object_get(fin, STRLIT("ok")) : NULL;
    if (ok != NULL && ok->type == JSON_FALSE) {
        const struct json_value *e = json_object_get(fin, STRLIT("error"));
        snprintf(why, cap, "%s",
                 e && e->type == JSON_STRING ? e->u.str : "the modules could not be loaded");
        r = MODCHECK_REPORT_REFUSED;
    } else if (ok != NULL && ok->type == JSON_TRUE && modcheck_fill(ms, fin) == 0) {
        r = MODCHECK_REPORT_PASSED;
    }
    arena_free(a);
    return r;
}

/* The reason a set is refused, into why. Returns true when it passed instead. */
static bool modcheck_verdict(struct modcheck *c, char *why, size_t cap)
{
    long loading = -1;
    char child_why[MODCHECK_WHY] = "";
    int r = c->rep_overflow ? MODCHECK_REPORT_NONE
                            : modcheck_report_read(c->rep, c->rep_len, c->ms, &loading, child_why,
                                                   sizeof(child_why));
    bool clean_exit = WIFEXITED(c->wait_status) && WEXITSTATUS(c->wait_status) == 0;
    const char *label = loading >= 0 ? c->ms->labels[loading] : NULL;
    char what[600];
    if (label != NULL)
        snprintf(what, sizeof(what), "%s: the module", label);
    else
        snprintf(what, sizeof(what), "the module check");
    if (c->rep_overflow) {
        snprintf(why, cap, "the check of the modules reported more than %u bytes",
                 MODCHECK_REPORT_MAX);
    } else if (c->timed_out) {
        snprintf(why, cap,
                 "%s did not finish loading within %llu ms (--module-load-timeout-ms): its "
                 "constructor or init does not return; the check was stopped",
                 what, (unsigned long long)c->timeout_ms);
    } else if (WIFSIGNALED(c->wait_status)) {
        int sig = WTERMSIG(c->wait_status);
        const char *abbrev = sigabbrev_np(sig);
        snprintf(why, cap, "%s crashed while loading: killed by signal %d (SIG%s)%s%s%s", what, sig,
                 abbrev ? abbrev : "?", c->scan.report[0] ? " (" : "", c->scan.report,
                 c->scan.report[0] ? ")" : "");
    } else if (r == MODCHECK_REPORT_REFUSED && clean_exit) {
        snprintf(why, cap, "%s", child_why);
    } else if (r == MODCHECK_REPORT_PASSED && clean_exit) {
        return true;
    } else if (WIFEXITED(c->wait_status) && WEXITSTATUS(c->wait_status) == CHILD_EXIT_SETUP &&
               loading < 0) {
        snprintf(why, cap, "the module check could not set up its process (status %d)",
                 CHILD_EXIT_SETUP);
    } else if (!clean_exit) {
        snprintf(why, cap, "%s ended the process while loading (exit status %d)%s%s%s", what,
                 WEXITSTATUS(c->wait_status), c->scan.report[0] ? " (" : "", c->scan.report,
                 c->scan.report[0] ? ")" : "");
    } else {
        snprintf(why, cap, "%s ended the check without a usable report", what);
    }
    return false;
}

static void modcheck_maybe_finish(struct modcheck *c)
{
    if (c->finished || !c->reaped || c->report_open || c->out_open)
        return;
    c->finished = true;
    modcheck_close((uv_handle_t *)&c->timer);
    modcheck_close((uv_handle_t *)&c->sigchld);
    if (c->out_dropped > 0)
        log_msg(LOG_LEVEL_WARN, "module_check_output_dropped",
                "the module check printed %zu more byte(s) of output; not logged", c->out_dropped);
    char why[MODCHECK_WHY];
    bool passed = modcheck_verdict(c, why, sizeof(why));
    double took = (double)(clock_mono_ns() - c->t0) / 1e6;
    struct modset *ms = passed ? c->ms : NULL;
    if (passed)
        c->ms = NULL; /* the callee's now */
    if (!c->cancelled)
        c->done(ms, passed ? NULL : why, took, c->arg);
}

static struct modcheck *modcheck_start_set(uv_loop_t *loop, struct modset *ms, bool no_diy,
                                           uint64_t timeout_ms, modcheck_done_cb done, void *arg,
                                           char *err, size_t errlen)
{
    struct modcheck *c = calloc(1, sizeof(*c));
    int rp[2] = {-1, -1}, op[2] = {-1, -1};
    if (c == NULL || pipe2(rp, O_CLOEXEC) != 0 || pipe2(op, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "cannot start the module check: %s",
                 c == NULL ? "out of memory" : strerror(errno));
        if (rp[0] >= 0) {
            close(rp[0]);
            close(rp[1]);
        }
        free(c);
        modset_free(ms);
        return NULL;
    }
    c->loop = loop;
    c->ms = ms;
    c->no_diy = no_diy;
    c->timeout_ms = timeout_ms;
    c->done = done;
    c->arg = arg;
    c->t0 = clock_mono_ns();
    /* The SIGCHLD handler comes first, so the child's end cannot pass unseen; its callback (and
     * so done) only ever runs from the loop, never from here. */
    uv_signal_init(loop, &c->sigchld);
    c->sigchld.data = c;
    c->handles = 1;
    int rc = uv_signal_start(&c->sigchld, modcheck_on_sigchld, SIGCHLD);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the module check: %s", uv_strerror(rc));
        close(rp[0]);
        close(rp[1]);
        close(op[0]);
        close(op[1]);
        c->ms = NULL;
        modset_free(ms);
        modcheck_close((uv_handle_t *)&c->sigchld);
        return NULL;
    }
    fflush(stdout);
    fflush(stderr);
    log_flush();
    pid_t parent = getpid();
    pid_t pid = child_fork();
    if (pid == 0) {
        child_prepare(rp[1], op[1], ms->fds, (int)ms->nfiles, parent);
        modcheck_child(ms, no_diy);
    }
    close(rp[1]);
    close(op[1]);
    if (pid < 0) {
        snprintf(err, errlen, "cannot start the module check: fork: %s", strerror(errno));
        close(rp[0]);
        close(op[0]);
        c->ms = NULL;
        modset_free(ms);
        modcheck_close((uv_handle_t *)&c->sigchld);
        return NULL;
    }
    c->pid = pid;
    uv_pipe_init(loop, &c->report, 0);
    uv_pipe_init(loop, &c->out, 0);
    uv_timer_init(loop, &c->timer);
    c->report.data = c->out.data = c->timer.data = c;
    c->handles = 4;
    c->report_open = c->out_open = true;
    rc = uv_pipe_open(&c->report, rp[0]);
    if (rc == 0)
        rc = uv_pipe_open(&c->out, op[0]);
    if (rc == 0)
        rc = uv_read_start((uv_stream_t *)&c->report, modcheck_on_alloc, modcheck_on_read);
    if (rc == 0)
        rc = uv_read_start((uv_stream_t *)&c->out, modcheck_on_alloc, modcheck_on_read);
    if (rc == 0)
        rc = uv_timer_start(&c->timer, modcheck_on_deadline, timeout_ms, 0);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the module check: %s", uv_strerror(rc));
        modcheck_cancel(c);
        return NULL;
    }
    return c;
}

struct modcheck *modcheck_start(uv_loop_t *loop, const struct serve_config *cfg,
                                modcheck_done_cb done, void *arg, char *err, size_t errlen)
{
    struct modset *ms = modset_snapshot(cfg->module_dirs, cfg->nmodule_dirs, err, errlen);
    if (ms == NULL)
        return NULL;
    return modcheck_start_set(loop, ms, cfg->no_diy, cfg->module_load_timeout_ms, done, arg, err,
                              errlen);
}

void modcheck_cancel(struct modcheck *c)
{
    if (c == NULL || c->cancelled)
        return;
    c->cancelled = true;
    if (c->pid > 0 && !c->reaped) {
        kill(c->pid, SIGKILL);
        while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR) {
        }
        c->reaped = true;
    }
    c->report_open = c->out_open = false;
    c->finished = true;
    modcheck_close((uv_handle_t *)&c->report);
    modcheck_close((uv_handle_t *)&c->out);
    modcheck_close((uv_handle_t *)&c->timer);
    modcheck_close((uv_handle_t *)&c->sigchld);
}

struct modcheck_run_result {
    struct modset *ms;
    char *err;
    size_t errlen;
};

static void modcheck_run_done(struct modset *ms, const char *why, double took_ms, void *arg)
{
    (void)took_ms;
    struct modcheck_run_result *r = arg;
    r->ms = ms;
    if (ms == NULL)
        snprintf(r->err, r->errlen, "%s", why);
}

struct modset *modcheck_run(const struct serve_config *cfg, char *err, size_t errlen)
{
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0) {
        snprintf(err, errlen, "cannot start the module check: no event loop");
        return NULL;
    }
    struct modcheck_run_result r = {.err = err, .errlen = errlen};
    if (modcheck_start(&loop, cfg, modcheck_run_done, &r, err, errlen) != NULL)
        uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    return r.ms;
}
