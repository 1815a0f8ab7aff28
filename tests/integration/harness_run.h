/* harness_run.h — running a command-line tool from an integration test: argv in, exit status,
 * stdout and stderr out (whole, NUL-terminated), with environment changes in the child only. What
 * the tests of `hookstack sfns match|catalog` and `hookstack flows` share instead of a copy each.
 */
#ifndef HS_TEST_HARNESS_RUN_H
#define HS_TEST_HARNESS_RUN_H

#include <stddef.h>

struct hst_run {
    int status; /* exit status, or 128 + the signal that ended it */
    char *out, *err;
    size_t out_len, err_len;
};

/* Runs argv[0] (searched in PATH when it has no slash) with argv (stdin /dev/null). env: NULL, or
 * NULL-terminated entries applied in the child before exec: "NAME=VALUE" sets, "NAME" unsets.
 * Returns 0, or -1 when the run could not be made (temp files, fork). Free with hst_run_free. */
int hst_run(struct hst_run *r, const char *const *argv, const char *const *env);
void hst_run_free(struct hst_run *r);

/* Everything from fd's offset 0 to its end, NUL-terminated (malloc'd; *len when not NULL); NULL on
 * a read error or out of memory. */
char *hst_fd_read_all(int fd, size_t *len);

#endif
