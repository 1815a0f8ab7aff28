/* cli_local.c — POST /function run locally in a forked worker, for invoke and test (cli_local.h).
 */
#include "cli_local.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "clock.h"
#include "crash.h"
#include "json.h"
#include "log.h"
#include "text.h"
#include "ipc.h"
#include "worker.h"

#define CLI_LOCAL_MAX_BODY     (50u * 1024u * 1024u)
#define CLI_LOCAL_MAX_RESPONSE 5242880.0
#define JSON_CT                "application/json; charset=utf-8"

int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **val,
                  const char *cmd)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '='))
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
    } else if (*i + 1 < argc) {
        *val = argv[++*i];
    } else {
        *val = NULL;
    }
    if (*val == NULL || (*val)[0] == '\0') {
        fprintf(stderr, "hookstack %s: %s needs a value\n", cmd, name);
        return -1;
    }
    return 1;
}

int cli_modules_arg(struct cli_modules *m, int argc, char **argv, int *i, const char *cmd)
{
    const char *val = NULL;
    int rc = cli_opt_value(argc, argv, i, "--modules", &val, cmd);
    if (rc <= 0)
        return rc;
    if (m->ndirs >= CLI_LOCAL_MAX_DIRS) {
        fprintf(stderr, "hookstack %s: --modules: at most %d folders\n", cmd, CLI_LOCAL_MAX_DIRS);
        return -1;
    }
    m->dirs[m->ndirs++] = val;
    return 1;
}

int cli_modules_default(struct cli_modules *m)
{
    if (m->ndirs > 0)
        return 0;
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    const char *dir = ".", *sub = "modules";
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        const char *base = slash ? slash + 1 : exe;
        size_t blen = strlen(base);
        if (blen > 5 && strcmp(base + blen - 5, "-asan") == 0)
            sub = "modules-asan";
        if (slash) {
            *slash = '\0';
            dir = exe[0] ? exe : "/";
        }
    }
    size_t need = strlen(dir) + 1 + strlen(sub) + 1;
    m->default_dir = malloc(need);
    if (!m->default_dir)
        return -1;
    snprintf(m->default_dir, need, "%s/%s", dir, sub);
    m->dirs[m->ndirs++] = m->default_dir;
    return 0;
}

void cli_modules_free(struct cli_modules *m)
{
    free(m->default_dir);
    m->default_dir = NULL;
}

const char *cli_group_type(const char *group)
{
    return registry_group_type(group);
}

int cli_timeout_parse(const char *s, uint64_t *ms)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v > 0) || v > 86400.0 * 365)
        return -1;
    *ms = (uint64_t)(v * 1000.0 + 0.5);
    if (*ms == 0)
        *ms = 1;
    return 0;
}

struct registry *cli_registry_load(const struct cli_modules *m, char *err, size_t errlen)
{
    /* The loader logs each module it loads or refuses; a command reports the one line itself. */
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (devnull >= 0)
        log_set_fd(devnull);
    struct registry_load_opts o = {.dirs = m->dirs, .ndirs = m->ndirs};
    struct registry *reg = registry_load(&o, err, errlen);
    if (devnull >= 0) {
        log_set_fd(STDERR_FILENO);
        close(devnull);
    }
    return reg;
}

int cli_local_open(struct cli_local *l, const struct cli_modules *m, char *err, size_t errlen)
{
    memset(l, 0, sizeof(*l));
    unsigned char raw[32];
    size_t got = 0;
    while (got < sizeof(raw)) {
        ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(err, errlen, "cannot make a token: %s", strerror(errno));
            return -1;
        }
        got += (size_t)n;
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof(raw); i++) {
        l->token[2 * i] = hex[raw[i] >> 4];
        l->token[2 * i + 1] = hex[raw[i] & 15];
    }
    l->token[2 * sizeof(raw)] = '\0';
    snprintf(l->authorization, sizeof(l->authorization), "Bearer %s", l->token);
    l->tokens[0] = l->token;

    l->reg = cli_registry_load(m, err, errlen);
    if (!l->reg)
        return -1;
    l->cfg = (struct proto_config){.reg = l->reg,
                                   .tokens = l->tokens,
                                   .ntokens = 1,
                                   .max_body = CLI_LOCAL_MAX_BODY,
                                   .default_max_response = CLI_LOCAL_MAX_RESPONSE};
    l->timeout_ms = CLI_LOCAL_DEFAULT_TIMEOUT_MS;
    l->hook_logs = true;
    /* A worker that dies while the request is written must not kill the CLI with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

void cli_local_close(struct cli_local *l)
{
    registry_free(l->reg);
    l->reg = NULL;
    memset(l->token, 0, sizeof(l->token));
    memset(l->authorization, 0, sizeof(l->authorization));
}

void cli_local_result_free(struct cli_local_result *r)
{
    free(r->body);
    r->body = NULL;
    r->body_len = 0;
}

static void req_id_make(char out[32])
{
    static const char b36[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    unsigned char r[4] = {0};
    if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
        memset(r, 7, sizeof(r));
    int n = snprintf(out, 32, "%llu", (unsigned long long)clock_wall_ms());
    for (int i = 0; i < 4 && n + i < 31; i++)
        out[n + i] = b36[r[i] % 36];
    out[n + 4] = '\0';
}

/* A 500 JSON error body in the front's form for failures outside the reference's catalogue:
 * {"errors":[{"code":...,"message":...}]} (front.c answers a crashed or stopped worker so). */
static int result_set_error(struct cli_local_result *out, const char *code, const char *message)
{
    struct arena *a = arena_new(4096, 0);
    struct json_value *root = a ? json_new_object(a) : NULL;
    struct json_value *errs = a ? json_new_array(a) : NULL;
    struct json_value *e = a ? json_new_object(a) : NULL;
    struct json_buf b;
    json_buf_init(&b, 0);
    int rc = root && errs && e ? 0 : -1;
    if (rc == 0)
        rc = json_object_set(a, e, STRLIT("code"), json_new_string(a, code, strlen(code)));
    if (rc == 0)
        rc = json_object_set(a, e, STRLIT("message"), json_new_string(a, message, strlen(message)));
    if (rc == 0)
        rc = json_array_push(a, errs, e);
    if (rc == 0)
        rc = json_object_set(a, root, STRLIT("errors"), errs);
    if (rc == 0)
        rc = json_write(&b, root, 0, NULL) == ERR_OK && json_buf_append(&b, "", 1) == 0 ? 0 : -1;
    arena_free(a);
    if (rc != 0) {
        json_buf_free(&b);
        return -1;
    }
    out->status = 500;
    snprintf(out->content_type, sizeof(out->content_type), "%s", JSON_CT);
    out->body = b.data; /* malloc'd by the buffer, NUL-terminated above */
    out->body_len = b.len - 1;
    return 0;
}

static void child_run(int fd, int other, int outw, int outr, const struct cli_local *l)
{
    close(other);
    close(outr);
    /* stdout carries invoke's answer: what a hook prints (either stream) goes to the relay pipe,
     * as a served worker's goes to the front's capture pipe. */
    if (dup2(outw, STDOUT_FILENO) < 0 || dup2(outw, STDERR_FILENO) < 0)
        _exit(1);
    close(outw);
    /* As in a served worker (pool.c): a write to a closed pipe fails with EPIPE. */
    signal(SIGPIPE, SIG_IGN);
    if (!l->hook_logs) {
        int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (devnull >= 0)
            log_set_fd(devnull);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    int rc = worker_main(fd, &l->cfg);
    fflush(stdout);
    _exit(rc);
}

/* The worker's stdout and stderr: copied to ours as they come and read line by line, as the
 * front's pool reads a served worker's, for a sanitizer report and the crash note (crash.h). */
struct relay {
    int fd; /* the pipe's read end; -1 after end of file */
    char line[CRASH_SCAN_LINE];
    size_t len;
    struct crash_scan scan;
};

static void relay_bytes(struct relay *r, const char *p, size_t n)
{
    for (size_t off = 0; off < n;) {
        ssize_t w = write(STDERR_FILENO, p + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n' || r->len == sizeof(r->line)) {
            crash_scan_line(&r->scan, r->line, r->len);
            r->len = 0;
            if (p[i] == '\n')
                continue;
        }
        r->line[r->len++] = p[i];
    }
}

/* Reads what is there; at end of file (or an error) closes the pipe. */
static void relay_read(struct relay *r)
{
    char buf[16384];
    ssize_t n = read(r->fd, buf, sizeof(buf));
    if (n > 0) {
        relay_bytes(r, buf, (size_t)n);
        return;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (r->len > 0) {
        crash_scan_line(&r->scan, r->line, r->len);
        r->len = 0;
    }
    close(r->fd);
    r->fd = -1;
}

/* Waits for the answer frame until the deadline, relaying the worker's output meanwhile; 1 ready,
 * 0 timed out, -1 error. */
static int wait_readable(int fd, struct relay *r, uint64_t deadline_ns)
{
    for (;;) {
        uint64_t now = clock_mono_ns();
        if (now >= deadline_ns)
            return 0;
        uint64_t left_ms = (deadline_ns - now + 999999) / 1000000;
        struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = r->fd, .events = POLLIN}};
        int rc = poll(p, r->fd >= 0 ? 2 : 1, left_ms > 60000 ? 60000 : (int)left_ms);
        if (rc < 0 && errno != EINTR)
            return -1;
        if (rc <= 0)
            continue;
        if (r->fd >= 0 && p[1].revents != 0)
            relay_read(r);
        if (p[0].revents != 0)
            return 1;
    }
}

/* Relays the worker's output to its end and reaps the worker. The pipe ends when the worker has
 * exited, unless a process it started still holds it: then 2 s after the worker's end. */
static void relay_finish(struct relay *r, pid_t pid, int *wstatus)
{
    bool reaped = false;
    uint64_t reaped_ns = 0;
    while (r->fd >= 0) {
        struct pollfd p = {.fd = r->fd, .events = POLLIN};
        int rc = poll(&p, 1, 100);
        if (rc > 0)
            relay_read(r);
        if (!reaped) {
            pid_t w = waitpid(pid, wstatus, WNOHANG);
            if (w == pid || (w < 0 && errno != EINTR)) {
                reaped = true;
                reaped_ns = clock_mono_ns();
            }
        } else if (rc == 0 && clock_mono_ns() - reaped_ns > 2000000000ull) {
            close(r->fd);
            r->fd = -1;
        }
    }
    if (!reaped)
        while (waitpid(pid, wstatus, 0) < 0 && errno == EINTR)
            ;
}

int cli_local_run(struct cli_local *l, const char *body, size_t len, const char *function,
                  struct cli_local_result *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    char req_id[32];
    req_id_make(req_id);
    struct strv f[IPC_REQ_NFIELDS] = {0};
    f[IPC_REQ_AUTHORIZATION] = (struct strv){l->authorization, strlen(l->authorization)};
    f[IPC_REQ_CONTENT_TYPE] = STRV("application/json");
    f[IPC_REQ_REQ_ID] = (struct strv){req_id, strlen(req_id)};
    f[IPC_REQ_BODY] = (struct strv){body ? body : "", body ? len : 0};
    struct ipc_req_head h;
    if (ipc_req_head_init(&h, 1, f) == 0) {
        snprintf(err, errlen, "request body too large (%zu bytes)", len);
        return -1;
    }
    struct iovec iov[IPC_REQ_NFIELDS + 1];
    int niov = 0;
    iov[niov++] = (struct iovec){.iov_base = &h, .iov_len = sizeof(h)};
    for (int i = 0; i < IPC_REQ_NFIELDS; i++) {
        if (f[i].p && f[i].len > 0)
            iov[niov++] = (struct iovec){.iov_base = (void *)f[i].p, .iov_len = f[i].len};
    }

    size_t cap = 64 * 1024; /* ipc_read_frame grows it; it reads at most cap bytes at first */
    char *frame = malloc(cap);
    if (!frame) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int sv[2], op[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        snprintf(err, errlen, "socketpair: %s", strerror(errno));
        free(frame);
        return -1;
    }
    if (pipe2(op, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        free(frame);
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        free(frame);
        close(sv[0]);
        close(sv[1]);
        close(op[0]);
        close(op[1]);
        return -1;
    }
    if (pid == 0)
        child_run(sv[1], sv[0], op[1], op[0], l);
    close(sv[1]);
    close(op[1]);
    int fd = sv[0];
    struct relay relay = {.fd = op[0]};
    crash_scan_reset(&relay.scan);
    uint64_t deadline = clock_mono_ns() + l->timeout_ms * 1000000ull;

    ssize_t n = -1;
    int wrc = ipc_writev_all(fd, iov, niov);
    /* on a write error, read the EOF */
    int ready = wrc == 0 ? wait_readable(fd, &relay, deadline) : 1;
    if (ready == 1) {
        /* The worker writes its whole frame at once; a stall past 30 s means it is stuck. */
        struct timeval tv = {.tv_sec = 30};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        n = ipc_read_frame(fd, &frame, &cap, IPC_RESP_MAGIC, sizeof(struct ipc_resp_head));
    } else if (ready == 0) {
        out->timed_out = 1;
        kill(pid, SIGKILL);
    }
    close(fd); /* the worker ends at end of file */
    if (n <= 0 && !out->timed_out)
        kill(pid, SIGKILL); /* no answer: never wait on a worker that may be stuck (an exit
                               status already set is kept) */

    int wstatus = 0;
    relay_finish(&relay, pid, &wstatus);

    int rc = 0;
    struct ipc_resp_view v;
    char msg[CRASH_MESSAGE_MAX];
    if (out->timed_out) {
        char what[200];
        if (function)
            snprintf(what, sizeof(what), "The function %.128s", function);
        else
            snprintf(what, sizeof(what), "The function");
        snprintf(msg, sizeof(msg), "%s did not finish within %llu ms; its worker was stopped.",
                 what, (unsigned long long)l->timeout_ms);
        rc = result_set_error(out, "hook_timeout", msg);
    } else if (n > 0 && ipc_resp_decode(frame, (size_t)n, &v) == 0) {
        out->status = v.status;
        const struct strv *b = &v.f[IPC_RESP_BODY], *ct = &v.f[IPC_RESP_CONTENT_TYPE];
        out->body = malloc(b->len + 1);
        if (!out->body) {
            rc = -1;
        } else {
            if (b->len)
                memcpy(out->body, b->p, b->len);
            out->body[b->len] = '\0';
            out->body_len = b->len;
        }
        if (ct->p)
            snprintf(out->content_type, sizeof(out->content_type), "%.*s", (int)ct->len, ct->p);
    } else {
        /* The words the server answers for the same crash (crash_scan.c). */
        out->crashed = 1;
        if (WIFSIGNALED(wstatus))
            out->crashed_signal = WTERMSIG(wstatus);
        crash_message(msg, sizeof(msg), function, out->crashed_signal,
                      WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1, relay.scan.report,
                      relay.scan.where);
        rc = result_set_error(out, "hook_crashed", msg);
    }
    free(frame);
    if (rc != 0)
        snprintf(err, errlen, "out of memory");
    return rc;
}
