/* harness_run.c — a command-line tool run from an integration test (harness_run.h). */
#include "integration/harness_run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

char *hst_fd_read_all(int fd, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    if (b == NULL || lseek(fd, 0, SEEK_SET) < 0) {
        free(b);
        return NULL;
    }
    for (;;) {
        if (n + 1 == cap) {
            char *nb = realloc(b, cap * 2);
            if (nb == NULL) {
                free(b);
                return NULL;
            }
            b = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, b + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(b);
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    b[n] = '\0';
    if (len)
        *len = n;
    return b;
}

static void run_child(const char *const *argv, const char *const *env, int fo, int fe)
{
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0)
        dup2(devnull, 0);
    dup2(fo, 1);
    dup2(fe, 2);
    for (size_t i = 0; env && env[i]; i++) {
        const char *eq = strchr(env[i], '=');
        if (eq == NULL) {
            unsetenv(env[i]);
            continue;
        }
        char name[256];
        size_t n = (size_t)(eq - env[i]);
        if (n >= sizeof(name))
            _exit(126);
        memcpy(name, env[i], n);
        name[n] = '\0';
        setenv(name, eq + 1, 1);
    }
    execvp(argv[0], (char *const *)argv);
    _exit(127);
}

int hst_run(struct hst_run *r, const char *const *argv, const char *const *env)
{
    memset(r, 0, sizeof(*r));
    char po[] = "/tmp/hst-run-out-XXXXXX", pe[] = "/tmp/hst-run-err-XXXXXX";
    int fo = mkstemp(po), fe = fo < 0 ? -1 : mkstemp(pe);
    if (fo >= 0)
        unlink(po);
    if (fe >= 0)
        unlink(pe);
    int rc = -1;
    if (fo < 0 || fe < 0)
        goto out;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        goto out;
    if (pid == 0)
        run_child(argv, env, fo, fe);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r->out = hst_fd_read_all(fo, &r->out_len);
    r->err = hst_fd_read_all(fe, &r->err_len);
    rc = r->out && r->err ? 0 : -1;
out:
    if (fo >= 0)
        close(fo);
    if (fe >= 0)
        close(fe);
    return rc;
}

void hst_run_free(struct hst_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}
