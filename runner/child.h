/* child.h — a child of the front that runs module code (a worker, the check of a module set):
 * forked and set up the same way for both, so nothing of the front leaks into it and nothing of
 * it can reach the front but its own channel.
 *
 * In the child: fd CHILD_FD_IPC is its channel to the front, CHILD_FD_LOG the front's standard
 * error (its log lines), fds 1 and 2 a pipe the front reads (what module code prints), and
 * CHILD_FD_KEEP onwards the descriptors it was told to keep, in order; every other descriptor of
 * the front (listener, connections, other children, the loop's own) is closed. Every signal
 * handler is reset (libuv's and a sanitizer's too), so a SIGSEGV ends it by that signal in every
 * build; SIGINT, SIGTERM, SIGHUP and SIGPIPE are ignored (the front decides when it ends: a
 * Ctrl-C on the process group cannot cut a call short during a drain), and it dies with the
 * front (PR_SET_PDEATHSIG). */
#ifndef HS_CHILD_H
#define HS_CHILD_H

#include <sys/types.h>

#define CHILD_FD_IPC   3
#define CHILD_FD_LOG   4
#define CHILD_FD_KEEP  5
#define CHILD_KEEP_MAX 256
/* The status a child exits with when child_prepare cannot set it up. */
#define CHILD_EXIT_SETUP 71

/* fork() with every signal blocked around it (no handler of the front may run in the child
 * before they are reset). In the child the log forgets the lines the parent had buffered (the
 * parent writes them). Returns as fork() does. */
pid_t child_fork(void);

/* In the child, right after child_fork(): sets up the descriptors and signals described above
 * (out < 0: fds 1 and 2 stay the front's; nkeep <= CHILD_KEEP_MAX). Exits with CHILD_EXIT_SETUP
 * when that cannot be done, and with 0 when the front (parent) is already gone. */
void child_prepare(int ipc, int out, const int *keep, int nkeep, pid_t parent);

#endif
