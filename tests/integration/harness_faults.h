/* harness_faults.h — helpers shared by the fault, reload, drain and load tests
 * (tests/integration/test_faults*.c) on top of harness.h: a private module folder holding only
 * the faults test module, a patched copy of it (to tell a reloaded module from the old one), the
 * /proc readings the tests assert on, and waits for observable states instead of fixed sleeps. */
#ifndef HS_TEST_HARNESS_FAULTS_H
#define HS_TEST_HARNESS_FAULTS_H

#include <stddef.h>
#include <sys/types.h>

#include "integration/harness.h"

/* A folder holding only a link to $HS_TEST_MODULES_DIR/faults.so (made once, removed at exit). */
const char *hsf_module_dir(void);

/* A new empty folder (removed with its files at exit); NULL on failure. */
const char *hsf_temp_dir(void);

/* Writes dir/faults.so as a copy of the built faults module whose tag (faultTag's answer) is tag
 * (8 characters), through a temporary file renamed over it, as a deployment would. 0 or -1. */
int hsf_install_module(const char *dir, const char *tag);

/* Writes dir/faults.so with bytes that are not a module (renamed over it). 0 or -1. */
int hsf_install_garbage(const char *dir);

/* VmRSS of pid in kB, or -1. */
long hsf_rss_kb(pid_t pid);

/* Waits until a worker of s runs a call (it no longer sleeps reading its socket, per
 * /proc/PID/wchan); its pid, or 0 after timeout_ms. */
pid_t hsf_wait_busy(const struct hst_server *s, int timeout_ms);

/* Waits until s has at least n workers; how many it has. */
int hsf_wait_workers(const struct hst_server *s, int n, pid_t *pids, int max, int timeout_ms);

/* Waits until the server log holds needle count times; 1 when it does, 0 after timeout_ms. */
int hsf_wait_log(const struct hst_server *s, const char *needle, int count, int timeout_ms);

/* How many times needle occurs in the server log. */
int hsf_log_count(const struct hst_server *s, const char *needle);

/* A POST /function body for a DIY hook: {"diy":true,"type":"hook","function":fn,"options":opts}
 * (type left out when top_level), into buf. */
const char *hsf_body(char *buf, size_t cap, const char *fn, const char *opts, int top_level);

/* An environment list for hst_server_start whose ASAN_OPTIONS (the test's, if any) also sets a
 * small quarantine (8 MB): freed memory an ASan build keeps aside would otherwise read as growth
 * of the server's resident memory (up to 256 MB). */
const char *const *hsf_small_quarantine_env(void);

/* Milliseconds on the monotonic clock. */
long long hsf_now_ms(void);

#endif
