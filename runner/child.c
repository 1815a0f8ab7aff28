/* child.c — forking and setting up a child that runs module code (see child.h). */
#include "child.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "log.h"

pid_t child_fork(void)
{
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    pid_t pid = fork();
    if (pid != 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        return pid;
    }
    log_after_fork();
    return 0;
}

void child_prepare(int ipc, int out, const int *keep, int nkeep, pid_t parent)
{
    /* Copies above every target first, so no dup2 below overwrites a descriptor still to move.
     * Just above the last target, not above the most there could be: a low descriptor limit
     * (ulimit -n 256) must still leave room for them. */
    int hk[CHILD_KEEP_MAX];
    if (nkeep < 0 || nkeep > CHILD_KEEP_MAX)
        _exit(CHILD_EXIT_SETUP);
    const int high = CHILD_FD_KEEP + nkeep;
    int hi = fcntl(ipc, F_DUPFD_CLOEXEC, high);
    int ho = out >= 0 ? fcntl(out, F_DUPFD_CLOEXEC, high) : -1;
    int hl = fcntl(2, F_DUPFD_CLOEXEC, high);
    if (hi < 0 || hl < 0 || (out >= 0 && ho < 0))
        _exit(CHILD_EXIT_SETUP);
    for (int i = 0; i < nkeep; i++) {
        hk[i] = fcntl(keep[i], F_DUPFD_CLOEXEC, high);
        if (hk[i] < 0)
            _exit(CHILD_EXIT_SETUP);
    }
    if (dup2(hi, CHILD_FD_IPC) < 0 || dup2(hl, CHILD_FD_LOG) < 0)
        _exit(CHILD_EXIT_SETUP);
    if (ho >= 0 && (dup2(ho, 1) < 0 || dup2(ho, 2) < 0))
        _exit(CHILD_EXIT_SETUP);
    for (int i = 0; i < nkeep; i++) {
        if (dup2(hk[i], CHILD_FD_KEEP + i) < 0)
            _exit(CHILD_EXIT_SETUP);
        fcntl(CHILD_FD_KEEP + i, F_SETFD, FD_CLOEXEC);
    }
    close_range((unsigned)(CHILD_FD_KEEP + nkeep), ~0u, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    for (int s = 1; s < NSIG; s++) {
        if (s != SIGKILL && s != SIGSTOP)
            sigaction(s, &sa, NULL);
    }
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(0);
    fcntl(CHILD_FD_IPC, F_SETFD, FD_CLOEXEC);
    fcntl(CHILD_FD_LOG, F_SETFD, FD_CLOEXEC);
    log_set_fd(CHILD_FD_LOG);
    /* What module code prints goes to a pipe now: line-buffered, so lines reach the log as they
     * are printed. */
    setvbuf(stdout, NULL, _IOLBF, 0);
}
