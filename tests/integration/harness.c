/* harness.c — integration-test support (see harness.h): runs the real hookstack binary as a child
 * in its own process group, finds its port from the "listening on HOST:PORT" line on stdout, keeps
 * its stderr in a temporary log file, and talks to it with libcurl or raw sockets.
 *
 * Robustness rules: a missing or non-executable $HOOKSTACK_BIN, an exec failure, a server that
 * exits before listening and one that never prints the line within the start timeout each give a
 * one-line error plus the server's output on stderr, and never leave a process behind. The child
 * gets PR_SET_PDEATHSIG so it dies with a crashed test; hst_server_stop reaps it and kills anything
 * left in its process group (workers included). Temporary files are removed at exit unless
 * HS_TEST_KEEP_LOGS is set. */
#include "harness.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define HS_START_TIMEOUT_MS 30000
#define HS_LOG_TAIL_MAX     8192

static long harness_timeout_ms = 30000;

/* ---- small utilities ---------------------------------------------------------------------- */

static long long harness_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void harness_sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Reads a whole file into a malloc'd NUL-terminated buffer (empty string when unreadable). */
static char *harness_read_file(const char *path, size_t *len_out)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (buf == NULL)
        return NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        for (;;) {
            if (cap - len < 4096) {
                char *nb = realloc(buf, cap * 2);
                if (nb == NULL)
                    break;
                buf = nb;
                cap *= 2;
            }
            ssize_t n = read(fd, buf + len, cap - len - 1);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            len += (size_t)n;
        }
        close(fd);
    }
    buf[len] = '\0';
    if (len_out != NULL)
        *len_out = len;
    return buf;
}

/* Temporary files made by the harness, removed at exit (HS_TEST_KEEP_LOGS keeps them). */
static pthread_mutex_t harness_tmp_lock = PTHREAD_MUTEX_INITIALIZER;
static char (*harness_tmp_paths)[256];
static size_t harness_tmp_count, harness_tmp_cap;

static void harness_tmp_cleanup(void)
{
    const char *keep = getenv("HS_TEST_KEEP_LOGS");
    pthread_mutex_lock(&harness_tmp_lock);
    for (size_t i = 0; i < harness_tmp_count; i++) {
        if (keep == NULL || *keep == '\0')
            unlink(harness_tmp_paths[i]);
    }
    free(harness_tmp_paths);
    harness_tmp_paths = NULL;
    harness_tmp_count = harness_tmp_cap = 0;
    pthread_mutex_unlock(&harness_tmp_lock);
}

static void harness_tmp_register(void)
{
    atexit(harness_tmp_cleanup);
}

/* Remembers path for removal at exit. */
static void harness_tmp_track(const char *path)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, harness_tmp_register);
    pthread_mutex_lock(&harness_tmp_lock);
    if (harness_tmp_count == harness_tmp_cap) {
        size_t ncap = harness_tmp_cap ? harness_tmp_cap * 2 : 16;
        void *np = realloc(harness_tmp_paths, ncap * sizeof(*harness_tmp_paths));
        if (np != NULL) {
            harness_tmp_paths = np;
            harness_tmp_cap = ncap;
        }
    }
    if (harness_tmp_count < harness_tmp_cap) {
        snprintf(harness_tmp_paths[harness_tmp_count], sizeof(*harness_tmp_paths), "%s", path);
        harness_tmp_count++;
    }
    pthread_mutex_unlock(&harness_tmp_lock);
}

/* Creates $TMPDIR/hs-server-<pid>-XXXXXX.<suffix> (suffix is 3 letters); returns its fd. */
static int harness_tmp_make(char *path, size_t size, const char *suffix)
{
    const char *dir = getenv("TMPDIR");
    if (dir == NULL || *dir == '\0')
        dir = "/tmp";
    int n = snprintf(path, size, "%s/hs-server-%ld-XXXXXX.%s", dir, (long)getpid(), suffix);
    if (n < 0 || (size_t)n >= size)
        return -1;
    int fd = mkostemps(path, (int)strlen(suffix) + 1, O_CLOEXEC);
    if (fd < 0)
        return -1;
    harness_tmp_track(path);
    return fd;
}

/* Prints the last part of a file to stderr, framed, for a failure message. */
static void harness_print_tail(const char *label, const char *path)
{
    size_t len = 0;
    char *text = harness_read_file(path, &len);
    if (text == NULL)
        return;
    const char *start = text;
    if (len > HS_LOG_TAIL_MAX)
        start = text + len - HS_LOG_TAIL_MAX;
    fprintf(stderr, "---- %s (%s, %zu bytes%s) ----\n%s%s---- end of %s ----\n", label, path, len,
            len > HS_LOG_TAIL_MAX ? ", last 8 KiB" : "", start,
            (len > 0 && text[len - 1] != '\n') ? "\n" : "", label);
    free(text);
}

static int harness_stdout_path(const struct hst_server *s, char *out, size_t size)
{
    /* The stdout capture sits beside the log: same name with ".out" for ".log". */
    size_t n = strlen(s->log_path);
    if (n < 4 || n + 1 > size)
        return -1;
    memcpy(out, s->log_path, n - 4);
    memcpy(out + n - 4, ".out", 5);
    return 0;
}

/* ---- starting the server ------------------------------------------------------------------ */

/* Builds the child's environment: the parent's, then HOOKSTACK_SYSTEM_TOKEN=HS_TEST_TOKEN, then
 * env's entries ("NAME=value" sets, a bare "NAME" removes). Done before fork so the child only
 * calls async-signal-safe functions. */
static char **harness_env_build(const char *const *env)
{
    size_t n_parent = 0, n_env = 0;
    while (environ != NULL && environ[n_parent] != NULL)
        n_parent++;
    while (env != NULL && env[n_env] != NULL)
        n_env++;
    char **out = calloc(n_parent + n_env + 2, sizeof(char *));
    if (out == NULL)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < n_parent; i++)
        out[n++] = environ[i];
    const char *token_entry = "HOOKSTACK_SYSTEM_TOKEN=" HS_TEST_TOKEN;
    const char *const *sources[2] = {&token_entry, env};
    size_t counts[2] = {1, n_env};
    for (int src = 0; src < 2; src++) {
        for (size_t i = 0; i < counts[src]; i++) {
            const char *e = sources[src][i];
            const char *eq = strchr(e, '=');
            size_t name_len = eq != NULL ? (size_t)(eq - e) : strlen(e);
            size_t w = 0;
            for (size_t r = 0; r < n; r++) {
                if (strncmp(out[r], e, name_len) == 0 && out[r][name_len] == '=')
                    continue;
                out[w++] = out[r];
            }
            n = w;
            if (eq != NULL)
                out[n++] = (char *)e;
        }
    }
    out[n] = NULL;
    return out;
}

/* Looks for "listening on HOST:PORT" in text; fills s->host and s->port. */
static int harness_parse_listening(const char *text, struct hst_server *s)
{
    const char *p = strstr(text, "listening on ");
    if (p == NULL)
        return -1;
    p += strlen("listening on ");
    const char *eol = strchr(p, '\n');
    if (eol == NULL)
        return -1; /* the line is not complete yet */
    if (strncmp(p, "http://", 7) == 0)
        p += 7;
    const char *end = p;
    while (end < eol && *end != ' ' && *end != '\t' && *end != '\r' && *end != '/')
        end++;
    const char *colon = NULL;
    for (const char *c = p; c < end; c++) {
        if (*c == ':')
            colon = c;
    }
    if (colon == NULL || colon == p)
        return -1;
    char *stop = NULL;
    long port = strtol(colon + 1, &stop, 10);
    if (stop != end || port <= 0 || port > 65535)
        return -1;
    const char *h = p, *he = colon;
    if (*h == '[' && he > h && he[-1] == ']') {
        h++;
        he--;
    }
    size_t hl = (size_t)(he - h);
    if (hl == 0 || hl >= sizeof(s->host))
        return -1;
    memcpy(s->host, h, hl);
    s->host[hl] = '\0';
    s->port = (int)port;
    return 0;
}

/* Reads the state, ppid and process group of /proc/<pid>/stat (fields 3, 4 and 5). */
static int harness_proc_stat(pid_t pid, char *state, pid_t *ppid, pid_t *pgrp)
{
    char path[64], buf[512];
    snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *rp = strrchr(buf, ')'); /* comm may contain spaces and parentheses */
    if (rp == NULL || rp[1] != ' ')
        return -1;
    char st = 0;
    long pp = 0, pg = 0;
    if (sscanf(rp + 2, "%c %ld %ld", &st, &pp, &pg) != 3)
        return -1;
    *state = st;
    *ppid = (pid_t)pp;
    *pgrp = (pid_t)pg;
    return 0;
}

/* Counts live (not zombie) processes in process group pgid. */
static int harness_group_live(pid_t pgid)
{
    DIR *d = opendir("/proc");
    if (d == NULL)
        return kill(-pgid, 0) == 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char *end;
        long c = strtol(e->d_name, &end, 10);
        if (*end != '\0' || c <= 0)
            continue;
        char st;
        pid_t pp, pg;
        if (harness_proc_stat((pid_t)c, &st, &pp, &pg) == 0 && pg == pgid && st != 'Z' && st != 'X')
            n++;
    }
    closedir(d);
    return n;
}

/* After the server exited: gives what is left of its process group (workers) up to grace_ms to
 * exit, then kills it. Returns the number of processes that had to be killed. */
static int harness_kill_group(pid_t pgid, int grace_ms)
{
    if (pgid <= 0 || kill(-pgid, 0) != 0)
        return 0;
    long long deadline = harness_now_ms() + grace_ms;
    int live;
    while ((live = harness_group_live(pgid)) > 0 && harness_now_ms() < deadline)
        harness_sleep_ms(10);
    if (live > 0)
        kill(-pgid, SIGKILL);
    return live;
}

/* Waits up to timeout_ms (-1: forever) for pid; returns 1 when reaped (status in *st). */
static int harness_reap(pid_t pid, int timeout_ms, int *st)
{
    long long deadline = harness_now_ms() + (timeout_ms < 0 ? 0 : timeout_ms);
    for (;;) {
        pid_t r = waitpid(pid, st, timeout_ms < 0 ? 0 : WNOHANG);
        if (r == pid)
            return 1;
        if (r < 0 && errno != EINTR)
            return errno == ECHILD ? 1 : 0;
        if (timeout_ms >= 0 && harness_now_ms() >= deadline)
            return 0;
        if (r == 0)
            harness_sleep_ms(5);
    }
}

static void harness_describe_status(int st, char *buf, size_t size)
{
    if (WIFEXITED(st))
        snprintf(buf, size, "exited with code %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(buf, size, "was killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
    else
        snprintf(buf, size, "ended with status 0x%x", st);
}

static int harness_start(struct hst_server *s, const char *const *pre, size_t npre,
                         const char *const *extra, const char *const *env)
{
    memset(s, 0, sizeof(*s));
    s->pid = -1;
    const char *bin = getenv("HOOKSTACK_BIN");
    if (bin == NULL || *bin == '\0') {
        fprintf(stderr, "harness: HOOKSTACK_BIN is not set (ctest sets it to build/hookstack)\n");
        return -1;
    }
    struct stat sb;
    if (stat(bin, &sb) != 0) {
        fprintf(stderr, "harness: server binary %s is missing: %s (build the hookstack target)\n",
                bin, strerror(errno));
        return -1;
    }
    if (!S_ISREG(sb.st_mode) || access(bin, X_OK) != 0) {
        fprintf(stderr, "harness: server binary %s is not an executable file\n", bin);
        return -1;
    }

    size_t nextra = 0;
    while (extra != NULL && extra[nextra] != NULL)
        nextra++;
    const char **argv = calloc(npre + nextra + 2, sizeof(char *));
    char **envp = harness_env_build(env);
    char out_path[256];
    int log_fd = -1, out_fd = -1, errpipe[2] = {-1, -1}, rc = -1;
    if (argv == NULL || envp == NULL)
        goto out;
    argv[0] = bin;
    for (size_t i = 0; i < npre; i++)
        argv[1 + i] = pre[i];
    for (size_t i = 0; i < nextra; i++)
        argv[1 + npre + i] = extra[i];

    log_fd = harness_tmp_make(s->log_path, sizeof(s->log_path), "log");
    if (log_fd < 0 || harness_stdout_path(s, out_path, sizeof(out_path)) != 0) {
        fprintf(stderr, "harness: cannot create a temporary log file: %s\n", strerror(errno));
        goto out;
    }
    out_fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out_fd < 0) {
        fprintf(stderr, "harness: cannot create %s: %s\n", out_path, strerror(errno));
        goto out;
    }
    harness_tmp_track(out_path);
    if (pipe2(errpipe, O_CLOEXEC) != 0) {
        fprintf(stderr, "harness: pipe: %s\n", strerror(errno));
        goto out;
    }
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "harness: fork: %s\n", strerror(errno));
        goto out;
    }
    if (pid == 0) {
        /* Child: async-signal-safe calls only. */
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        dup2(out_fd, 1);
        dup2(log_fd, 2);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);
        execve(bin, (char *const *)argv, envp);
        int e = errno;
        ssize_t w = write(errpipe[1], &e, sizeof(e));
        (void)w;
        _exit(127);
    }
    setpgid(pid, pid); /* also from the parent, so the group exists before we may signal it */
    close(errpipe[1]);
    errpipe[1] = -1;
    int exec_errno = 0;
    ssize_t got;
    do {
        got = read(errpipe[0], &exec_errno, sizeof(exec_errno));
    } while (got < 0 && errno == EINTR);
    if (got == (ssize_t)sizeof(exec_errno)) {
        int st;
        harness_reap(pid, -1, &st);
        fprintf(stderr, "harness: cannot execute %s: %s\n", bin, strerror(exec_errno));
        goto out;
    }
    s->pid = pid;

    const char *tmo = getenv("HS_TEST_START_TIMEOUT_MS");
    long timeout = tmo != NULL ? strtol(tmo, NULL, 10) : HS_START_TIMEOUT_MS;
    if (timeout <= 0)
        timeout = HS_START_TIMEOUT_MS;
    long long deadline = harness_now_ms() + timeout;
    for (;;) {
        char *text = harness_read_file(out_path, NULL);
        int found = text != NULL && harness_parse_listening(text, s) == 0;
        free(text);
        if (found) {
            rc = 0;
            break;
        }
        int st;
        if (harness_reap(pid, 0, &st)) {
            char how[96];
            harness_describe_status(st, how, sizeof(how));
            s->exited = 1;
            s->exit_status = st;
            fprintf(stderr, "harness: %s serve %s before printing 'listening on HOST:PORT'\n", bin,
                    how);
            harness_print_tail("server stdout", out_path);
            harness_print_tail("server log", s->log_path);
            harness_kill_group(pid, 0);
            break;
        }
        if (harness_now_ms() >= deadline) {
            fprintf(stderr,
                    "harness: %s serve printed no 'listening on HOST:PORT' line on stdout within "
                    "%ld ms; killing it\n",
                    bin, timeout);
            kill(pid, SIGKILL);
            harness_kill_group(pid, 0);
            harness_reap(pid, -1, &st);
            s->exited = 1;
            s->exit_status = st;
            harness_print_tail("server stdout", out_path);
            harness_print_tail("server log", s->log_path);
            break;
        }
        harness_sleep_ms(10);
    }
out:
    if (errpipe[0] >= 0)
        close(errpipe[0]);
    if (errpipe[1] >= 0)
        close(errpipe[1]);
    if (log_fd >= 0)
        close(log_fd);
    if (out_fd >= 0)
        close(out_fd);
    free(argv);
    free(envp);
    return rc;
}

int hst_server_start(struct hst_server *s, const char *const *extra_args, const char *const *env)
{
    const char *mods = getenv("HS_MODULES_DIR");
    char fallback[512];
    if (mods == NULL || *mods == '\0') {
        const char *build = getenv("HS_BUILD_DIR");
        if (build == NULL || *build == '\0') {
            memset(s, 0, sizeof(*s));
            s->pid = -1;
            fprintf(stderr, "harness: neither HS_MODULES_DIR nor HS_BUILD_DIR is set\n");
            return -1;
        }
        snprintf(fallback, sizeof(fallback), "%s/protocol-modules", build);
        mods = fallback;
    }
    const char *pre[] = {"serve", "--host", "127.0.0.1", "--port", "0", "--modules", mods};
    return harness_start(s, pre, sizeof(pre) / sizeof(pre[0]), extra_args, env);
}

int hst_server_start_raw(struct hst_server *s, const char *const *args, const char *const *env)
{
    const char *pre[] = {"serve", "--host", "127.0.0.1", "--port", "0"};
    return harness_start(s, pre, sizeof(pre) / sizeof(pre[0]), args, env);
}

static void harness_warn_leftovers(pid_t pgid)
{
    int n = harness_kill_group(pgid, 1000);
    if (n > 0)
        fprintf(stderr,
                "harness: %d process(es) of server %ld's group were still alive 1 s after it "
                "exited; killed them\n",
                n, (long)pgid);
}

int hst_server_wait(struct hst_server *s, int timeout_ms)
{
    if (s->exited)
        return s->exit_status;
    if (s->pid <= 0)
        return -1;
    int st;
    if (!harness_reap(s->pid, timeout_ms, &st))
        return -1;
    s->exited = 1;
    s->exit_status = st;
    harness_warn_leftovers(s->pid);
    return st;
}

int hst_server_stop(struct hst_server *s, int sig, int timeout_ms)
{
    if (s->exited)
        return s->exit_status;
    if (s->pid <= 0)
        return -1;
    kill(s->pid, sig == 0 ? SIGTERM : sig);
    int st;
    if (harness_reap(s->pid, timeout_ms < 0 ? 0 : timeout_ms, &st)) {
        s->exited = 1;
        s->exit_status = st;
        harness_warn_leftovers(s->pid);
        return st;
    }
    fprintf(stderr, "harness: server %ld did not exit within %d ms of signal %d; SIGKILL\n",
            (long)s->pid, timeout_ms, sig == 0 ? SIGTERM : sig);
    kill(-s->pid, SIGKILL);
    kill(s->pid, SIGKILL);
    harness_reap(s->pid, -1, &st);
    harness_kill_group(s->pid, 0);
    s->exited = 1;
    s->exit_status = st;
    return -1;
}

char *hst_server_log(const struct hst_server *s)
{
    return harness_read_file(s->log_path, NULL);
}

bool hst_server_log_clean(const struct hst_server *s)
{
    char *log = hst_server_log(s);
    if (log == NULL) {
        fprintf(stderr, "harness: cannot read the server log %s\n", s->log_path);
        return false;
    }
    bool clean = strstr(log, "ERROR: AddressSanitizer") == NULL &&
                 strstr(log, "LeakSanitizer") == NULL && strstr(log, "runtime error:") == NULL;
    if (!clean || strstr(log, "Sanitizer") != NULL)
        fprintf(stderr, "%s\n", log);
    free(log);
    return clean;
}

int hst_server_stop_clean(struct hst_server *s)
{
    int st = hst_server_stop(s, SIGTERM, 30000);
    bool clean = hst_server_log_clean(s);
    if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "harness: server %ld did not exit with status 0 (wait status %d)\n",
                (long)s->pid, st);
        return -1;
    }
    return clean ? 0 : -1;
}

/* ---- workers ------------------------------------------------------------------------------ */

static int harness_add_child(pid_t *pids, int n, int max, pid_t parent, pid_t child)
{
    char st;
    pid_t pp, pg;
    if (harness_proc_stat(child, &st, &pp, &pg) != 0 || pp != parent || st == 'Z' || st == 'X')
        return n;
    for (int i = 0; i < n; i++) {
        if (pids[i] == child)
            return n;
    }
    if (n < max)
        pids[n] = child;
    return n + 1;
}

int hst_server_workers(const struct hst_server *s, pid_t *pids, int max)
{
    if (s->pid <= 0 || s->exited)
        return 0;
    int n = 0, used_children_files = 0;
    char path[96];
    snprintf(path, sizeof(path), "/proc/%ld/task", (long)s->pid);
    DIR *d = opendir(path);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char cpath[384];
            snprintf(cpath, sizeof(cpath), "%s/%s/children", path, e->d_name);
            FILE *f = fopen(cpath, "re");
            if (f == NULL)
                continue;
            used_children_files = 1;
            long c;
            while (fscanf(f, "%ld", &c) == 1)
                n = harness_add_child(pids, n, max, s->pid, (pid_t)c);
            fclose(f);
        }
        closedir(d);
    }
    if (!used_children_files) {
        d = opendir("/proc");
        if (d == NULL)
            return 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            char *end;
            long c = strtol(e->d_name, &end, 10);
            if (*end != '\0' || c <= 0)
                continue;
            n = harness_add_child(pids, n, max, s->pid, (pid_t)c);
        }
        closedir(d);
    }
    return n < max ? n : max;
}

/* ---- HTTP with libcurl -------------------------------------------------------------------- */

static void harness_curl_global(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    atexit(curl_global_cleanup);
}

void hst_request_set_timeout(long timeout_ms)
{
    harness_timeout_ms = timeout_ms > 0 ? timeout_ms : 30000;
}

struct harness_buf {
    char *p;
    size_t len, cap;
    int failed;
};

static int harness_buf_append(struct harness_buf *b, const char *data, size_t n)
{
    if (b->failed)
        return -1;
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap : 1024;
        while (ncap < b->len + n + 1)
            ncap *= 2;
        char *np = realloc(b->p, ncap);
        if (np == NULL) {
            b->failed = 1;
            return -1;
        }
        b->p = np;
        b->cap = ncap;
    }
    if (n > 0)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

static char *harness_buf_take(struct harness_buf *b)
{
    if (b->p == NULL) {
        b->p = malloc(1);
        if (b->p != NULL)
            b->p[0] = '\0';
    }
    char *p = b->p;
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

struct harness_xfer {
    struct harness_buf body, headers, interim;
    int in_interim; /* the current header block is a 1xx response */
    hst_body_fill fill;
    void *fill_ud;
};

static size_t harness_on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    struct harness_xfer *x = ud;
    return harness_buf_append(&x->body, data, size * nmemb) == 0 ? size * nmemb : 0;
}

static size_t harness_on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    struct harness_xfer *x = ud;
    size_t n = size * nmemb;
    if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        /* A new response starts: 1xx blocks go to interim, the last one is the final. */
        const char *sp = memchr(data, ' ', n);
        x->in_interim = sp != NULL && (size_t)(sp - data) + 1 < n && sp[1] == '1';
        if (!x->in_interim) {
            x->headers.len = 0;
            if (x->headers.p != NULL)
                x->headers.p[0] = '\0';
        }
    }
    struct harness_buf *b = x->in_interim ? &x->interim : &x->headers;
    return harness_buf_append(b, data, n) == 0 ? n : 0;
}

static size_t harness_on_read(char *buf, size_t size, size_t nitems, void *ud)
{
    struct harness_xfer *x = ud;
    return x->fill(buf, size * nitems, x->fill_ud);
}

static int harness_has_header(const char *const *headers, const char *name)
{
    size_t nl = strlen(name);
    for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
        if (strncasecmp(headers[i], name, nl) == 0 &&
            (headers[i][nl] == ':' || headers[i][nl] == ';'))
            return 1;
    }
    return 0;
}

static int harness_perform(const struct hst_server *s, const char *method, const char *path,
                           const char *const *headers, const char *body, size_t body_len,
                           hst_body_fill fill, void *fill_ud, struct hst_response *out)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, harness_curl_global);
    memset(out, 0, sizeof(*out));
    out->curl_code = CURLE_FAILED_INIT;

    struct harness_xfer x;
    memset(&x, 0, sizeof(x));
    x.fill = fill;
    x.fill_ud = fill_ud;
    CURL *h = curl_easy_init();
    if (h == NULL)
        return -1;
    char url[1024];
    int un = snprintf(url, sizeof(url), "http://%s%s%s:%d%s", strchr(s->host, ':') ? "[" : "",
                      s->host, strchr(s->host, ':') ? "]" : "", s->port, path);
    struct curl_slist *hl = NULL;
    int ok = un > 0 && (size_t)un < sizeof(url);
    for (size_t i = 0; ok && headers != NULL && headers[i] != NULL; i++) {
        struct curl_slist *n = curl_slist_append(hl, headers[i]);
        ok = n != NULL;
        if (ok)
            hl = n;
    }
    /* Send exactly the caller's headers: no default form Content-Type, no Expect unless asked. */
    const char *suppress[] = {"Content-Type:", "Expect:"};
    for (size_t i = 0; ok && i < 2; i++) {
        char name[32];
        snprintf(name, sizeof(name), "%.*s", (int)strlen(suppress[i]) - 1, suppress[i]);
        if (!harness_has_header(headers, name)) {
            struct curl_slist *n = curl_slist_append(hl, suppress[i]);
            ok = n != NULL;
            if (ok)
                hl = n;
        }
    }
    if (!ok) {
        curl_slist_free_all(hl);
        curl_easy_cleanup(h);
        return -1;
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, harness_timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, harness_on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, harness_on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(h, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    curl_easy_setopt(h, CURLOPT_HTTP_TRANSFER_DECODING, 1L);
    int is_head = strcmp(method, "HEAD") == 0;
    if (fill != NULL) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_READFUNCTION, harness_on_read);
        curl_easy_setopt(h, CURLOPT_READDATA, &x);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
        if (strcmp(method, "POST") != 0)
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    } else if (body != NULL) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
        if (strcmp(method, "POST") != 0)
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    } else if (is_head) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    }
    CURLcode cc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hl);
    curl_easy_cleanup(h);

    out->curl_code = (int)cc;
    out->status = status;
    out->body_len = x.body.len;
    out->body = harness_buf_take(&x.body);
    out->headers = harness_buf_take(&x.headers);
    out->interim = x.interim.len > 0 ? harness_buf_take(&x.interim) : NULL;
    free(x.interim.p);
    if (out->body == NULL || out->headers == NULL || x.body.failed || x.headers.failed)
        return -1;
    /* A failed transfer that still produced a final status line counts as a response (e.g. the
     * server answered 413 and closed while the body was still being sent). */
    return (cc == CURLE_OK || status != 0) ? 0 : -1;
}

int hst_request(const struct hst_server *s, const char *method, const char *path,
                const char *const *headers, const char *body, size_t body_len,
                struct hst_response *out)
{
    return harness_perform(s, method, path, headers, body, body_len, NULL, NULL, out);
}

int hst_request_stream(const struct hst_server *s, const char *method, const char *path,
                       const char *const *headers, hst_body_fill fill, void *ud, size_t body_len,
                       struct hst_response *out)
{
    return harness_perform(s, method, path, headers, NULL, body_len, fill, ud, out);
}

int hst_post_function(const struct hst_server *s, const char *json, struct hst_response *out)
{
    const char *headers[] = {"Authorization: Bearer " HS_TEST_TOKEN,
                             "Content-Type: application/json", NULL};
    return hst_request(s, "POST", "/function", headers, json, strlen(json), out);
}

void hst_response_free(struct hst_response *r)
{
    if (r == NULL)
        return;
    free(r->headers);
    free(r->body);
    free(r->interim);
    r->headers = r->body = r->interim = NULL;
    r->body_len = 0;
}

char *hst_response_header(const struct hst_response *r, const char *name)
{
    if (r == NULL || r->headers == NULL)
        return NULL;
    size_t nl = strlen(name);
    const char *line = r->headers;
    while (*line != '\0') {
        const char *eol = strchr(line, '\n');
        size_t ll = eol != NULL ? (size_t)(eol - line) : strlen(line);
        if (ll > nl && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            const char *v = line + nl + 1;
            const char *ve = line + ll;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            char *out = malloc((size_t)(ve - v) + 1);
            if (out == NULL)
                return NULL;
            memcpy(out, v, (size_t)(ve - v));
            out[ve - v] = '\0';
            return out;
        }
        if (eol == NULL)
            break;
        line = eol + 1;
    }
    return NULL;
}

/* ---- raw sockets -------------------------------------------------------------------------- */

int hst_connect(const struct hst_server *s)
{
    int v6 = strchr(s->host, ':') != NULL;
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int rc;
    if (v6) {
        struct sockaddr_in6 a6;
        memset(&a6, 0, sizeof(a6));
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)s->port);
        rc = inet_pton(AF_INET6, s->host, &a6.sin6_addr) == 1
                 ? connect(fd, (struct sockaddr *)&a6, sizeof(a6))
                 : -1;
    } else {
        struct sockaddr_in a4;
        memset(&a4, 0, sizeof(a4));
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)s->port);
        const char *host = strcmp(s->host, "localhost") == 0 ? "127.0.0.1" : s->host;
        rc = inet_pton(AF_INET, host, &a4.sin_addr) == 1
                 ? connect(fd, (struct sockaddr *)&a4, sizeof(a4))
                 : -1;
    }
    if (rc != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int hst_send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

char *hst_recv_all(int fd, int timeout_ms, size_t *len)
{
    struct harness_buf b;
    memset(&b, 0, sizeof(b));
    long long deadline = harness_now_ms() + timeout_ms;
    char chunk[16384];
    for (;;) {
        long long left = deadline - harness_now_ms();
        if (left <= 0)
            break;
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int pr = poll(&pfd, 1, (int)left);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            break;
        ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (harness_buf_append(&b, chunk, (size_t)n) != 0)
            break;
    }
    if (len != NULL)
        *len = b.len;
    return harness_buf_take(&b);
}

/* ---- module folders for tests ------------------------------------------------------------ */

#define HS_MODDIRS_MAX 8

struct hst_moddir {
    const char *env; /* the variable naming the folder the links point into */
    char names[128];
    char dir[64];
    char links[8][160];
    int nlinks;
};

static struct hst_moddir hst_moddirs[HS_MODDIRS_MAX];
static int hst_nmoddirs;
static pthread_mutex_t hst_moddir_lock = PTHREAD_MUTEX_INITIALIZER;

static void hst_moddirs_remove(void)
{
    for (int i = 0; i < hst_nmoddirs; i++) {
        for (int k = 0; k < hst_moddirs[i].nlinks; k++)
            unlink(hst_moddirs[i].links[k]);
        rmdir(hst_moddirs[i].dir);
    }
    hst_nmoddirs = 0;
}

/* A folder of links to the named modules of the folder $env (fallback when unset). */
static const char *hst_module_links(const char *env_name, const char *fallback, const char *names)
{
    pthread_mutex_lock(&hst_moddir_lock);
    const char *out = NULL;
    for (int i = 0; i < hst_nmoddirs; i++) {
        if (hst_moddirs[i].env == env_name && strcmp(hst_moddirs[i].names, names) == 0) {
            out = hst_moddirs[i].dir;
            goto done;
        }
    }
    if (hst_nmoddirs == HS_MODDIRS_MAX || strlen(names) >= sizeof(hst_moddirs[0].names)) {
        fprintf(stderr, "harness: too many module folders or names too long: %s\n", names);
        goto done;
    }
    if (hst_nmoddirs == 0)
        atexit(hst_moddirs_remove);
    struct hst_moddir *m = &hst_moddirs[hst_nmoddirs];
    memset(m, 0, sizeof(*m));
    m->env = env_name;
    snprintf(m->names, sizeof(m->names), "%s", names);
    snprintf(m->dir, sizeof(m->dir), "/tmp/hs-mods-XXXXXX");
    if (mkdtemp(m->dir) == NULL) {
        fprintf(stderr, "harness: mkdtemp: %s\n", strerror(errno));
        goto done;
    }
    hst_nmoddirs++;
    char dir[sizeof(m->dir)];
    memcpy(dir, m->dir, sizeof(dir));
    const char *env = getenv(env_name);
    const char *base = env ? env : fallback;
    const char *p = names;
    while (*p != '\0' && m->nlinks < 8) {
        size_t n = strcspn(p, ",");
        char target[600], real[4096];
        snprintf(target, sizeof(target), "%s/%.*s.so", base, (int)n, p);
        if (realpath(target, real) == NULL) {
            fprintf(stderr, "harness: test module %s: %s\n", target, strerror(errno));
            goto done;
        }
        char link[sizeof(m->links[0])];
        snprintf(link, sizeof(link), "%s/%.*s.so", dir, (int)n, p);
        memcpy(m->links[m->nlinks], link, sizeof(link));
        if (symlink(real, m->links[m->nlinks]) != 0) {
            fprintf(stderr, "harness: symlink %s: %s\n", m->links[m->nlinks], strerror(errno));
            goto done;
        }
        m->nlinks++;
        p += n;
        if (*p == ',')
            p++;
    }
    out = m->dir;
done:
    pthread_mutex_unlock(&hst_moddir_lock);
    return out;
}

const char *hst_test_module_dir(const char *names)
{
    return hst_module_links("HS_TEST_MODULES_DIR", "build/test-modules", names);
}

const char *hst_hook_module_dir(const char *names)
{
    return hst_module_links("HS_HOOK_MODULES_DIR", "build/modules", names);
}

pid_t hst_server_wait_busy(const struct hst_server *s, int timeout_ms)
{
    for (int waited = 0; waited <= timeout_ms; waited += 10) {
        pid_t pids[64];
        int n = hst_server_workers(s, pids, 64);
        for (int i = 0; i < n; i++) {
            char path[64], wchan[128] = "";
            snprintf(path, sizeof(path), "/proc/%d/wchan", (int)pids[i]);
            FILE *f = fopen(path, "r");
            if (f == NULL)
                continue;
            size_t len = fread(wchan, 1, sizeof(wchan) - 1, f);
            fclose(f);
            wchan[len] = '\0';
            if (len > 1 && strstr(wchan, "unix_stream_read") == NULL)
                return pids[i];
        }
        usleep(10000);
    }
    return 0;
}
