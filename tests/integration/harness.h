/* harness.h — integration-test support: start the real hookstack binary on a loopback port and
 * talk to it over real HTTP (libcurl) or raw sockets.
 *
 * The binary is $HOOKSTACK_BIN (ctest sets it: build/hookstack, or build/hookstack-asan for the
 * asan/ tests); modules come from $HS_MODULES_DIR (the conformance module alone),
 * $HS_TEST_MODULES_DIR (test-only modules) and $HS_HOOK_MODULES_DIR (modules of hooks/). The server
 * is started with --port 0 and the harness reads the "listening on HOST:PORT" line it prints on
 * stdout, so tests never collide on ports. Its stderr (the log) is kept in a temporary file for
 * assertions. */
#ifndef HS_TEST_HARNESS_H
#define HS_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define HS_TEST_TOKEN "INTEGRATOR_EXTENSION_SYSTEM_TOKEN"

struct hst_server {
    pid_t pid;
    int port;
    char host[64];
    char log_path[256]; /* the server's stderr */
    int exited;         /* set by hst_server_stop / hst_server_wait */
    int exit_status;    /* as from waitpid */
};

/* Starts `$HOOKSTACK_BIN serve --host 127.0.0.1 --port 0 --modules $HS_MODULES_DIR` followed by
 * extra_args (NULL-terminated, may be NULL), with HOOKSTACK_SYSTEM_TOKEN=HS_TEST_TOKEN unless env
 * (NULL-terminated "NAME=value" list, may be NULL) sets it. Waits up to 30 s for the listening
 * line. Returns 0, or -1 with a message on stderr. An env entry without '=' removes that variable.
 * The server runs in its own process group and dies with the test process (PR_SET_PDEATHSIG). */
int hst_server_start(struct hst_server *s, const char *const *extra_args, const char *const *env);

/* Like hst_server_start but without the default --modules argument: runs
 * `$HOOKSTACK_BIN serve --host 127.0.0.1 --port 0` followed by args. */
int hst_server_start_raw(struct hst_server *s, const char *const *args, const char *const *env);

/* Sends sig (0: SIGTERM), waits up to timeout_ms for the exit, kills it with SIGKILL after that.
 * Returns the exit status as from waitpid, or -1 when it had to be killed. */
int hst_server_stop(struct hst_server *s, int sig, int timeout_ms);

/* Reads the whole server log so far into a malloc'd NUL-terminated string. */
char *hst_server_log(const struct hst_server *s);

/* True when the server's log holds no sanitizer report (AddressSanitizer, LeakSanitizer, UBSan's
 * "runtime error:"); otherwise prints the log on stderr and returns false. */
bool hst_server_log_clean(const struct hst_server *s);

/* What every test wants of a stop: SIGTERM, an exit with status 0 within 30 s, and a log without
 * a sanitizer report. 0 when so; else -1 with why (and the log) on stderr. Tests call
 * assert_int_equal(hst_server_stop_clean(&s), 0). */
int hst_server_stop_clean(struct hst_server *s);

/* Pids of the server's worker processes (children), up to max; returns the count. */
int hst_server_workers(const struct hst_server *s, pid_t *pids, int max);

struct hst_response {
    long status;
    char *headers; /* raw header block of the final response, NUL-terminated */
    char *body;    /* NUL-terminated; body_len bytes (may contain NULs) */
    size_t body_len;
    int curl_code; /* CURLcode; nonzero when the transfer failed */
    char *interim; /* raw header blocks of 1xx responses before the final one (e.g. 102), or NULL */
};

/* One request with libcurl: method, path (with query), extra header lines ("Name: value",
 * NULL-terminated, may be NULL), body (may be NULL). Returns 0 when a response was read.
 * Sends exactly those headers (plus Host, Accept, Content-Length): libcurl's default form
 * Content-Type and its Expect: 100-continue are suppressed unless the caller gives them. */
int hst_request(const struct hst_server *s, const char *method, const char *path,
                const char *const *headers, const char *body, size_t body_len,
                struct hst_response *out);

/* POST /function with Authorization: Bearer HS_TEST_TOKEN and Content-Type: application/json. */
int hst_post_function(const struct hst_server *s, const char *json, struct hst_response *out);

void hst_response_free(struct hst_response *r);

/* Value of header name (case-insensitive) in r->headers, malloc'd; NULL when absent. */
char *hst_response_header(const struct hst_response *r, const char *name);

/* A raw TCP connection to the server (blocking socket), or -1. */
int hst_connect(const struct hst_server *s);

/* Writes all of buf on fd; 0 or -1. Reads until the peer closes or timeout_ms passes, into a
 * malloc'd NUL-terminated buffer (*len bytes). */
int hst_send_all(int fd, const void *buf, size_t len);
char *hst_recv_all(int fd, int timeout_ms, size_t *len);

/* ---- added by the protocol suite (append-only) ---- */

/* Waits up to timeout_ms (-1: forever) for the server to exit by itself (e.g. after
 * GET /stopServer). Returns the waitpid status and sets s->exited, or -1 when it is still running
 * (it is left running; hst_server_stop still applies). */
int hst_server_wait(struct hst_server *s, int timeout_ms);

/* Per-request timeout of hst_request and friends for the whole process (default 30000 ms). */
void hst_request_set_timeout(long timeout_ms);

/* Fills buf with up to max next bytes of a streamed body; returns the count, 0 at the end. */
typedef size_t (*hst_body_fill)(char *buf, size_t max, void *ud);

/* Like hst_request, but the body (body_len bytes, sent as Content-Length) is produced by fill on
 * the fly, so huge bodies are never held in memory. A response that arrives before the body is
 * fully sent (e.g. 413 then close) still counts: the return is 0 when a status line was read. */
int hst_request_stream(const struct hst_server *s, const char *method, const char *path,
                       const char *const *headers, hst_body_fill fill, void *ud, size_t body_len,
                       struct hst_response *out);

/* A temporary folder holding links to the named test modules ($HS_TEST_MODULES_DIR/<name>.so),
 * names separated by commas ("slow" or "kindcheck,slow"), so a server loads only those. Made on
 * first use per name list, removed at exit; NULL (with a message) when a module is missing. */
const char *hst_test_module_dir(const char *names);

/* The same for modules of hooks/ ($HS_HOOK_MODULES_DIR: build/modules/ or build/modules-asan/):
 * a test of a product module (sfns) loads that module alone, so the user's other modules in
 * hooks/ cannot change its result. */
const char *hst_hook_module_dir(const char *names);

/* Waits until one of the server's workers is running a call (it no longer waits in a read on its
 * socket, per /proc/PID/wchan), so a test acts while the call is surely in flight. Returns that
 * worker's pid, or 0 after timeout_ms. */
pid_t hst_server_wait_busy(const struct hst_server *s, int timeout_ms);

#endif
