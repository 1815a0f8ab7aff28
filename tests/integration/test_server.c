/* test_server.c — `hookstack serve` as a server: start-up line and --help, a taken port and a
 * module that fails to load (one clear line, non-zero exit), the health and admin routes with
 * their exact bytes, the token on /openConnections and /stopServer, keep-alive reuse, pipelining,
 * a chunked body, the interim 102 Processing, the request log line, and a SIGTERM drain with a
 * request in flight. Runs the real binary (HOOKSTACK_BIN) on loopback through the harness. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "integration/harness.h"

#define AUTH    "Authorization: Bearer " HS_TEST_TOKEN
#define JSON_CT "application/json; charset=utf-8"
#define DO_SOMETHING                                                                               \
    "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\":{\"hello\":"         \
    "\"world\"}}"
#define DO_SOMETHING_RESULT "[{\"hello\":\"world\",\"function\":\"doSomething\"}]"
#define UNAUTHORIZED                                                                               \
    "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid system token.\"}]}"

static struct hst_server shared; /* one server for the read-only route tests */

/* ---- helpers ------------------------------------------------------------------------------ */

/* A folder holding only the slow test module, so these tests do not depend on what other test
 * modules exist. */
static const char *test_modules(void)
{
    const char *d = hst_test_module_dir("slow");
    assert_non_null(d);
    return d;
}

/* Starts a server with the conformance and test modules plus extra (NULL-terminated) args. */
static void start(struct hst_server *s, const char *a1, const char *a2, const char *a3,
                  const char *a4)
{
    const char *args[] = {"--modules", test_modules(), "--workers", "2", a1, a2, a3, a4, NULL};
    assert_int_equal(hst_server_start(s, args, NULL), 0);
}

/* Sends req on a new connection and reads until the server closes or timeout_ms passes. */
static char *exchange(const struct hst_server *s, const char *req, int timeout_ms)
{
    int fd = hst_connect(s);
    assert_true(fd >= 0);
    assert_int_equal(hst_send_all(fd, req, strlen(req)), 0);
    size_t len = 0;
    char *out = hst_recv_all(fd, timeout_ms, &len);
    close(fd);
    assert_non_null(out);
    return out;
}

static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void assert_header(const struct hst_response *r, const char *name, const char *value)
{
    char *v = hst_response_header(r, name);
    if (value == NULL) {
        assert_null(v);
        return;
    }
    assert_non_null(v);
    assert_string_equal(v, value);
    free(v);
}

/* Runs the binary with args, capturing its stderr; returns the exit status (waitpid form). */
static int run_capture(const char *const *args, char *err, size_t errlen, int timeout_ms)
{
    const char *bin = getenv("HOOKSTACK_BIN");
    assert_non_null(bin);
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(pfd[1], 2);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        close(pfd[0]);
        char *argv[32];
        int n = 0;
        argv[n++] = (char *)bin;
        for (int i = 0; args[i] != NULL && n < 31; i++)
            argv[n++] = (char *)args[i];
        argv[n] = NULL;
        setenv("HOOKSTACK_SYSTEM_TOKEN", HS_TEST_TOKEN, 1);
        execv(bin, argv);
        _exit(127);
    }
    close(pfd[1]);
    size_t len = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    fcntl(pfd[0], F_SETFL, O_NONBLOCK);
    int st = -1;
    for (;;) {
        ssize_t r = read(pfd[0], err + len, errlen - 1 - len);
        if (r > 0)
            len += (size_t)r;
        pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid) {
            while ((r = read(pfd[0], err + len, errlen - 1 - len)) > 0)
                len += (size_t)r;
            break;
        }
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 > timeout_ms) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            st = -1;
            break;
        }
        usleep(10000);
    }
    close(pfd[0]);
    err[len] = '\0';
    return st;
}

/* ---- start-up ----------------------------------------------------------------------------- */

static void test_startup_line_and_port(void **state)
{
    (void)state;
    assert_true(shared.port > 0);
    assert_string_equal(shared.host, "127.0.0.1");
    char *log = hst_server_log(&shared);
    assert_non_null(strstr(log, "event=listening"));
    /* The system token is never printed. */
    assert_null(strstr(log, HS_TEST_TOKEN));
    free(log);
}

static void test_help(void **state)
{
    (void)state;
    const char *bin = getenv("HOOKSTACK_BIN");
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "'%s' serve --help", bin);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof(buf) - 1, p);
    buf[n] = '\0';
    int st = pclose(p);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_non_null(strstr(buf, "usage: hookstack serve"));
    const char *flags[] = {"--host",
                           "--port",
                           "--modules",
                           "--workers",
                           "--system-token-file",
                           "--no-diy",
                           "--max-body-bytes",
                           "--request-timeout-ms",
                           "--keepalive-timeout-ms",
                           "--headers-timeout-ms",
                           "--processing-interval-ms"};
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        assert_non_null(strstr(buf, flags[i]));
}

static void test_port_taken(void **state)
{
    (void)state;
    char port[16];
    snprintf(port, sizeof(port), "%d", shared.port);
    const char *args[] = {
        "serve", "--host", "127.0.0.1", "--port", port, "--modules", getenv("HS_MODULES_DIR"),
        NULL};
    char err[4096];
    int st = run_capture(args, err, sizeof(err), 20000);
    assert_true(st != -1 && WIFEXITED(st));
    assert_int_not_equal(WEXITSTATUS(st), 0);
    char want[64];
    snprintf(want, sizeof(want), "port %d is in use", shared.port);
    assert_non_null(strstr(err, want));
    /* One clear line. */
    assert_int_equal(count_of(err, "\n"), 1);
}

static void test_bad_module_fails_start(void **state)
{
    (void)state;
    char dir[] = "/tmp/hs-badmod-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char so[128];
    snprintf(so, sizeof(so), "%s/broken.so", dir);
    FILE *f = fopen(so, "w");
    assert_non_null(f);
    fputs("this is not an ELF file\n", f);
    fclose(f);
    const char *args[] = {"serve", "--host", "127.0.0.1", "--port", "0", "--modules", dir, NULL};
    char err[4096];
    int st = run_capture(args, err, sizeof(err), 20000);
    unlink(so);
    rmdir(dir);
    assert_true(st != -1 && WIFEXITED(st));
    assert_int_not_equal(WEXITSTATUS(st), 0);
    /* One clear line, naming the module. */
    assert_int_equal(count_of(err, "\n"), 1);
    assert_int_equal(strncmp(err, "hookstack serve: ", 17), 0);
    assert_non_null(strstr(err, "broken.so"));
}

static void test_bad_option(void **state)
{
    (void)state;
    const char *args[] = {"serve", "--port", "99999", NULL};
    char err[4096];
    int st = run_capture(args, err, sizeof(err), 20000);
    assert_true(st != -1 && WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 2);
    assert_non_null(strstr(err, "--port"));
}

/* The exit statuses of serve's configuration errors: a bad value 2, a config file or token file
 * that cannot be read 1, each with one line naming what is wrong. */
static void test_config_error_exit_statuses(void **state)
{
    (void)state;
    const struct {
        const char *args[4];
        int status;
        const char *says;
    } cases[] = {
        {{"serve", "--workers", "0", NULL}, 2, "--workers: '0' is not a number from 1 to 256"},
        {{"serve", "--bogus", NULL}, 2, "unknown option '--bogus'"},
        {{"serve", "--config", "/nonexistent/serve.json", NULL},
         1,
         "cannot read config file /nonexistent/serve.json"},
        {{"serve", "--system-token-file", "/nonexistent/tokens", NULL},
         1,
         "cannot read system token file /nonexistent/tokens"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char err[4096];
        int st = run_capture(cases[i].args, err, sizeof(err), 20000);
        assert_true(st != -1 && WIFEXITED(st));
        if (WEXITSTATUS(st) != cases[i].status || strstr(err, cases[i].says) == NULL)
            fail_msg("%s %s: status %d, stderr: %s", cases[i].args[1],
                     cases[i].args[2] ? cases[i].args[2] : "", WEXITSTATUS(st), err);
        assert_int_equal(count_of(err, "\n"), 1);
    }
}

/* ---- tokens ------------------------------------------------------------------------------- */

static void test_several_tokens_and_token_file(void **state)
{
    (void)state;
    /* Comma-separated in the environment: each one is accepted (rotation). */
    struct hst_server s;
    const char *env[] = {"HOOKSTACK_SYSTEM_TOKEN=first-token, " HS_TEST_TOKEN, NULL};
    const char *args[] = {"--workers", "1", NULL};
    assert_int_equal(hst_server_start(&s, args, env), 0);
    const char *tokens[] = {"Authorization: Bearer first-token", AUTH};
    for (int i = 0; i < 2; i++) {
        const char *h[] = {tokens[i], "Content-Type: application/json", NULL};
        struct hst_response r;
        assert_int_equal(hst_request(&s, "GET", "/openConnections", h, NULL, 0, &r), 0);
        assert_int_equal(r.status, 200);
        hst_response_free(&r);
        assert_int_equal(
            hst_request(&s, "POST", "/function", h, DO_SOMETHING, strlen(DO_SOMETHING), &r), 0);
        assert_int_equal(r.status, 200);
        hst_response_free(&r);
    }
    char *log = hst_server_log(&s);
    assert_null(strstr(log, "first-token"));
    free(log);
    assert_int_equal(hst_server_stop_clean(&s), 0);

    /* One per line in --system-token-file (blank lines and CRs ignored); it wins over the env. */
    char path[] = "/tmp/hs-tokens-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "file-token-1\r\n\nfile-token-2\n";
    assert_int_equal(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    const char *fargs[] = {"--workers", "1", "--system-token-file", path, NULL};
    assert_int_equal(hst_server_start(&s, fargs, NULL), 0);
    const char *fh[] = {"Authorization: Bearer file-token-2", NULL};
    const char *envh[] = {AUTH, NULL};
    struct hst_response r;
    assert_int_equal(hst_request(&s, "GET", "/openConnections", fh, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    hst_response_free(&r);
    assert_int_equal(hst_request(&s, "GET", "/openConnections", envh, NULL, 0, &r), 0);
    assert_int_equal(r.status, 401);
    hst_response_free(&r);
    assert_int_equal(hst_server_stop_clean(&s), 0);
    unlink(path);
}

/* Starts `serve` without a system token over the modules folder mods and reads its stdout up to
 * the listening line into text. Returns the pid; *out_fd stays open for reading the rest. */
static pid_t dev_serve(const char *mods, char *text, size_t cap, int *out_fd)
{
    const char *bin = getenv("HOOKSTACK_BIN");
    int out[2];
    assert_int_equal(pipe(out), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        unsetenv("HOOKSTACK_SYSTEM_TOKEN");
        execl(bin, bin, "serve", "--host", "127.0.0.1", "--port", "0", "--workers", "1",
              "--modules", mods, (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    size_t len = 0;
    text[0] = '\0';
    while (len < cap - 1) {
        ssize_t r = read(out[0], text + len, cap - 1 - len);
        if (r <= 0)
            break;
        len += (size_t)r;
        text[len] = '\0';
        if (strstr(text, "listening on ") != NULL && strchr(strstr(text, "listening on "), '\n'))
            break;
    }
    *out_fd = out[0];
    return pid;
}

static void dev_stop(pid_t pid, int out_fd)
{
    kill(pid, SIGTERM);
    int st = 0;
    waitpid(pid, &st, 0);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    close(out_fd);
}

/* The server behind a dev_serve() text, for hst_request. */
static void dev_server(const char *text, struct hst_server *s)
{
    const char *listen = strstr(text, "listening on 127.0.0.1:");
    if (listen == NULL)
        fail_msg("no listening line in: %s", text);
    memset(s, 0, sizeof(*s));
    snprintf(s->host, sizeof(s->host), "127.0.0.1");
    s->port = atoi(listen + strlen("listening on 127.0.0.1:"));
}

/* The development token printed in text (token: at least 128 bytes). */
static void dev_token(const char *text, char *token)
{
    const char *bearer = strstr(text, "Authorization: Bearer ");
    if (bearer == NULL)
        fail_msg("no development token in: %s", text);
    size_t tl = strcspn(bearer + 22, "'\n");
    assert_true(tl > 16 && tl < 128);
    memcpy(token, bearer + 22, tl);
    token[tl] = '\0';
}

static void test_dev_token_printed_once(void **state)
{
    (void)state;
    char text[8192];
    int out_fd;
    pid_t pid = dev_serve(getenv("HS_MODULES_DIR"), text, sizeof(text), &out_fd);
    struct hst_server s;
    dev_server(text, &s);
    char token[128];
    dev_token(text, token);
    /* A copy-paste curl line calling the module's first function, doSomething (group hooks). */
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/function", s.port);
    assert_non_null(strstr(text, url));
    assert_non_null(strstr(text, "\"type\":\"hook\",\"function\":\"doSomething\""));
    char auth[256];
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
    const char *h[] = {auth, "Content-Type: application/json", NULL};
    struct hst_response r;
    assert_int_equal(
        hst_request(&s, "POST", "/function", h, DO_SOMETHING, strlen(DO_SOMETHING), &r), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, DO_SOMETHING_RESULT);
    hst_response_free(&r);
    kill(pid, SIGTERM);
    int st = 0;
    waitpid(pid, &st, 0);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    /* Printed once: nothing more on stdout after the start. */
    char rest[256];
    ssize_t more = read(out_fd, rest, sizeof(rest));
    close(out_fd);
    assert_true(more <= 0);
    assert_int_equal(count_of(text, token), 2); /* the token line and the curl line */
}

/* The printed curl line works as printed: its body, sent with its token, answers 200. */
static void test_dev_curl_line_calls_a_served_function(void **state)
{
    (void)state;
    char text[8192];
    int out_fd;
    pid_t pid = dev_serve(test_modules(), text, sizeof(text), &out_fd);
    struct hst_server s;
    dev_server(text, &s);
    char token[128], auth[256];
    dev_token(text, token);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
    const char *d = strstr(text, " -d '");
    assert_non_null(d);
    d += 5;
    char body[512];
    size_t bl = strcspn(d, "'");
    assert_true(bl < sizeof(body));
    memcpy(body, d, bl);
    body[bl] = '\0';
    /* The slow module's first function is sleepMs, reachable at the top level (no type). */
    assert_string_equal(body, "{\"diy\":true,\"function\":\"sleepMs\",\"options\":{}}");
    const char *h[] = {auth, "Content-Type: application/json", NULL};
    struct hst_response r;
    assert_int_equal(hst_request(&s, "POST", "/function", h, body, strlen(body), &r), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "[{}]");
    hst_response_free(&r);
    dev_stop(pid, out_fd);
}

/* With no module, the start says how to make one and offers the health check instead of a call
 * that could only fail. */
static void test_dev_line_without_modules(void **state)
{
    (void)state;
    char empty[] = "/tmp/hs-nomods-XXXXXX";
    assert_non_null(mkdtemp(empty));
    char text[8192];
    int out_fd;
    pid_t pid = dev_serve(empty, text, sizeof(text), &out_fd);
    struct hst_server s;
    dev_server(text, &s);
    char want[600];
    snprintf(want, sizeof(want),
             "No module serves a function yet: scaffold one with `hookstack new MODULE FUNCTION "
             "--kind KIND` (its modules folder is %s), build, and start again.\nTry it:\n"
             "  curl -sS http://127.0.0.1:%d/healthCheck\n",
             empty, s.port);
    if (strstr(text, want) == NULL)
        fail_msg("expected:\n%s\nin:\n%s", want, text);
    assert_null(strstr(text, "/function"));
    dev_stop(pid, out_fd);
    rmdir(empty);
}

/* ---- routes ------------------------------------------------------------------------------- */

static void test_root_and_health(void **state)
{
    (void)state;
    const char *paths[] = {"/", "/healthCheck"};
    for (int i = 0; i < 2; i++) {
        struct hst_response r;
        assert_int_equal(hst_request(&shared, "GET", paths[i], NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, 200);
        assert_string_equal(r.body, "{\"success\":true}");
        assert_header(&r, "Content-Type", JSON_CT);
        assert_header(&r, "Content-Length", "16");
        assert_header(&r, "Connection", "keep-alive");
        assert_header(&r, "Keep-Alive", "timeout=301");
        hst_response_free(&r);
    }
}

static void test_livez_readyz(void **state)
{
    (void)state;
    const char *paths[] = {"/livez", "/readyz"};
    for (int i = 0; i < 2; i++) {
        struct hst_response r;
        assert_int_equal(hst_request(&shared, "GET", paths[i], NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, 200);
        assert_string_equal(r.body, "OK");
        assert_header(&r, "Content-Type", "text/plain; charset=utf-8");
        hst_response_free(&r);
    }
    /* Health probes are not logged, like the reference. */
    char *log = hst_server_log(&shared);
    assert_null(strstr(log, "path=/livez"));
    assert_null(strstr(log, "path=/readyz"));
    free(log);
}

static void test_unknown_path_and_wrong_method(void **state)
{
    (void)state;
    struct hst_response r;
    assert_int_equal(hst_request(&shared, "GET", "/nope", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 404);
    assert_string_equal(r.body,
                        "{\"errors\":[{\"code\":\"not_found\",\"message\":\"Cannot GET /nope\"}]}");
    assert_header(&r, "Content-Type", JSON_CT);
    hst_response_free(&r);

    assert_int_equal(hst_request(&shared, "POST", "/healthCheck", NULL, "{}", 2, &r), 0);
    assert_int_equal(r.status, 405);
    assert_non_null(strstr(r.body, "\"code\":\"method_not_allowed\""));
    assert_header(&r, "Allow", "GET, HEAD");
    hst_response_free(&r);

    const char *h[] = {AUTH, NULL};
    assert_int_equal(hst_request(&shared, "GET", "/function", h, NULL, 0, &r), 0);
    assert_int_equal(r.status, 405);
    assert_header(&r, "Allow", "POST");
    hst_response_free(&r);

    /* The server is unharmed. */
    assert_int_equal(hst_request(&shared, "GET", "/", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    hst_response_free(&r);
}

static void test_open_connections_needs_token(void **state)
{
    (void)state;
    struct hst_response r;
    assert_int_equal(hst_request(&shared, "GET", "/openConnections", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 401);
    assert_string_equal(r.body, UNAUTHORIZED);
    assert_header(&r, "WWW-Authenticate", "invalid system token");
    assert_header(&r, "Content-Type", JSON_CT);
    hst_response_free(&r);

    const char *bad[] = {"Authorization: Bearer wrong", NULL};
    assert_int_equal(hst_request(&shared, "GET", "/openConnections", bad, NULL, 0, &r), 0);
    assert_int_equal(r.status, 401);
    hst_response_free(&r);

    assert_int_equal(hst_request(&shared, "GET", "/stopServer", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 401);
    assert_string_equal(r.body, UNAUTHORIZED);
    assert_header(&r, "WWW-Authenticate", "invalid system token");
    hst_response_free(&r);
}

/* Polls GET /openConnections until it reports want (the server accepts and closes connections
 * on its own schedule); returns the last count seen. */
static int wait_open_connections(const struct hst_server *s, int want)
{
    const char *h[] = {AUTH, NULL};
    int n = -1;
    for (int i = 0; i < 300 && n != want; i++) {
        if (i > 0)
            usleep(10000);
        struct hst_response r;
        if (hst_request(s, "GET", "/openConnections", h, NULL, 0, &r) == 0 && r.status == 200)
            n = atoi(r.body);
        hst_response_free(&r);
    }
    return n;
}

static void test_open_connections_counts_others(void **state)
{
    (void)state;
    int idle[3];
    for (int i = 0; i < 3; i++) {
        idle[i] = hst_connect(&shared);
        assert_true(idle[i] >= 0);
    }
    assert_int_equal(wait_open_connections(&shared, 3), 3);
    const char *h[] = {AUTH, NULL};
    struct hst_response r;
    assert_int_equal(hst_request(&shared, "GET", "/openConnections", h, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "3");
    /* Like the reference: a bare number, no Content-Type. */
    assert_header(&r, "Content-Type", NULL);
    hst_response_free(&r);
    for (int i = 0; i < 3; i++)
        close(idle[i]);
    assert_int_equal(wait_open_connections(&shared, 0), 0);
    assert_int_equal(hst_request(&shared, "GET", "/openConnections?access_token=" HS_TEST_TOKEN,
                                 NULL, NULL, 0, &r),
                     0);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "0");
    hst_response_free(&r);
}

static void test_terminate_flips_probes(void **state)
{
    (void)state;
    struct hst_server s;
    start(&s, NULL, NULL, NULL, NULL);
    const char *h[] = {AUTH, NULL};
    struct hst_response r;
    assert_int_equal(hst_request(&s, "GET", "/openConnections?terminate=true", h, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "0");
    hst_response_free(&r);
    const char *probes[] = {"/livez", "/readyz"};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(hst_request(&s, "GET", probes[i], NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, 503);
        assert_string_equal(r.body, "Service Unavailable");
        hst_response_free(&r);
    }
    /* Still serving: terminating only takes it out of a load balancer's rotation. */
    assert_int_equal(hst_post_function(&s, DO_SOMETHING, &r), 0);
    assert_int_equal(r.status, 200);
    hst_response_free(&r);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static void test_stop_server(void **state)
{
    (void)state;
    struct hst_server s;
    start(&s, NULL, NULL, NULL, NULL);
    int a = hst_connect(&s), b = hst_connect(&s);
    assert_true(a >= 0 && b >= 0);
    assert_int_equal(wait_open_connections(&s, 2), 2);
    const char *h[] = {AUTH, NULL};
    struct hst_response r;
    assert_int_equal(hst_request(&s, "GET", "/stopServer", h, NULL, 0, &r), 0);
    assert_int_equal(r.status, 422);
    assert_string_equal(r.body, "{\"errors\":[{\"code\":\"connections_still_open\",\"message\":\"2 "
                                "connection(s) still open.\"}]}");
    hst_response_free(&r);
    close(a);
    close(b);
    assert_int_equal(wait_open_connections(&s, 0), 0);
    assert_int_equal(hst_request(&s, "GET", "/stopServer", h, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "preparing to shut down.");
    hst_response_free(&r);
    int st = hst_server_wait(&s, 20000);
    assert_true(st != -1 && WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

/* ---- connections -------------------------------------------------------------------------- */

static void test_keep_alive_reuse_and_pipelining(void **state)
{
    (void)state;
    int fd = hst_connect(&shared);
    assert_true(fd >= 0);
    const char *req = "GET /healthCheck HTTP/1.1\r\nHost: t\r\n\r\n";
    for (int i = 0; i < 3; i++) {
        assert_int_equal(hst_send_all(fd, req, strlen(req)), 0);
        size_t len = 0;
        char *out = hst_recv_all(fd, 300, &len);
        assert_non_null(out);
        assert_int_equal(count_of(out, "HTTP/1.1 200 OK\r\n"), 1);
        assert_non_null(strstr(out, "Connection: keep-alive\r\n"));
        assert_non_null(strstr(out, "\r\n\r\n{\"success\":true}"));
        free(out);
    }
    /* Three requests in one write: three answers, in order, on the same connection. */
    char body[] = DO_SOMETHING;
    char buf[2048];
    snprintf(buf, sizeof(buf),
             "GET /readyz HTTP/1.1\r\nHost: t\r\n\r\n"
             "POST /function HTTP/1.1\r\nHost: t\r\n" AUTH "\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\n\r\n%s"
             "GET / HTTP/1.1\r\nHost: t\r\n\r\n",
             strlen(body), body);
    assert_int_equal(hst_send_all(fd, buf, strlen(buf)), 0);
    size_t len = 0;
    char *out = hst_recv_all(fd, 2000, &len);
    assert_non_null(out);
    char *a = strstr(out, "\r\n\r\nOK");
    char *b = strstr(out, DO_SOMETHING_RESULT);
    char *c = strstr(out, "{\"success\":true}");
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_true(a < b && b < c);
    assert_int_equal(count_of(out, "HTTP/1.1 200 OK\r\n"), 3);
    free(out);
    close(fd);
}

static void test_connection_close_honoured(void **state)
{
    (void)state;
    char *out = exchange(&shared, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 3000);
    assert_non_null(strstr(out, "Connection: close\r\n"));
    assert_non_null(strstr(out, "{\"success\":true}"));
    free(out);
    /* HTTP/1.0 without keep-alive closes too. */
    out = exchange(&shared, "GET / HTTP/1.0\r\n\r\n", 3000);
    assert_non_null(strstr(out, "HTTP/1.1 200 OK\r\n"));
    assert_non_null(strstr(out, "Connection: close\r\n"));
    free(out);
}

static void test_url_forms(void **state)
{
    (void)state;
    /* Like the reference (Express): absolute-form, a fragment, case and a trailing slash. */
    const char *ok[] = {
        "GET http://example.com/healthCheck HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
        "GET /healthCheck#frag HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
        "GET /HEALTHCHECK/ HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        char *out = exchange(&shared, ok[i], 3000);
        assert_non_null(strstr(out, "HTTP/1.1 200 OK\r\n"));
        assert_non_null(strstr(out, "{\"success\":true}"));
        free(out);
    }
    char *out = exchange(
        &shared, "GET //healthCheck HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 3000);
    assert_non_null(strstr(out, "HTTP/1.1 404 Not Found\r\n"));
    free(out);
    /* CONNECT is answered and the connection closed. */
    out = exchange(&shared, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n", 3000);
    assert_non_null(strstr(out, "HTTP/1.1 404 Not Found\r\n"));
    assert_non_null(strstr(out, "Connection: close\r\n"));
    free(out);
}

static void test_function_and_chunked_body(void **state)
{
    (void)state;
    struct hst_response r;
    assert_int_equal(hst_post_function(&shared, DO_SOMETHING, &r), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, DO_SOMETHING_RESULT);
    assert_header(&r, "Content-Type", JSON_CT);
    assert_header(&r, "Connection", "keep-alive");
    assert_header(&r, "Keep-Alive", "timeout=301");
    hst_response_free(&r);

    const char *body = DO_SOMETHING;
    size_t n = strlen(body), half = n / 2;
    char req[2048];
    snprintf(req, sizeof(req),
             "POST /function HTTP/1.1\r\nHost: t\r\n" AUTH "\r\n"
             "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
             "\r\n%zx\r\n%.*s\r\n%zx;ext=1\r\n%s\r\n0\r\n\r\n",
             half, (int)half, body, n - half, body + half);
    char *out = exchange(&shared, req, 5000);
    assert_non_null(strstr(out, "HTTP/1.1 200 OK\r\n"));
    assert_non_null(strstr(out, "\r\n\r\n" DO_SOMETHING_RESULT));
    free(out);
}

static void test_unauthorized_function(void **state)
{
    (void)state;
    const char *h[] = {"Content-Type: application/json", NULL};
    struct hst_response r;
    assert_int_equal(
        hst_request(&shared, "POST", "/function", h, DO_SOMETHING, strlen(DO_SOMETHING), &r), 0);
    assert_int_equal(r.status, 401);
    assert_string_equal(r.body, UNAUTHORIZED);
    assert_header(&r, "WWW-Authenticate", "invalid system token");
    assert_header(&r, "Content-Type", JSON_CT);
    hst_response_free(&r);
}

static void test_request_log_line(void **state)
{
    (void)state;
    const char *h[] = {AUTH, "Content-Type: application/json", "TraceId: trace-abc-123", NULL};
    struct hst_response r;
    assert_int_equal(
        hst_request(&shared, "POST", "/function?x=1", h, DO_SOMETHING, strlen(DO_SOMETHING), &r),
        0);
    assert_int_equal(r.status, 200);
    hst_response_free(&r);
    usleep(100000);
    char *log = hst_server_log(&shared);
    const char *line = strstr(log, "trace_id=trace-abc-123");
    assert_non_null(line);
    const char *start = line;
    while (start > log && start[-1] != '\n')
        start--;
    const char *end = strchr(line, '\n');
    assert_non_null(end);
    char l[4096];
    snprintf(l, sizeof(l), "%.*s", (int)(end - start), start);
    assert_non_null(strstr(l, "event=request"));
    assert_non_null(strstr(l, "method=POST"));
    assert_non_null(strstr(l, "path=/function "));
    assert_non_null(strstr(l, "status=200"));
    assert_non_null(strstr(l, "dur_ms="));
    assert_non_null(strstr(l, "function=doSomething"));
    assert_non_null(strstr(l, "type=hook"));
    assert_non_null(strstr(l, "bytes_in="));
    assert_non_null(strstr(l, "bytes_out="));
    /* _reqId: a millisecond timestamp and 4 characters of [0-9a-z]. */
    const char *rid = strstr(l, "req_id=");
    assert_non_null(rid);
    rid += 7;
    assert_int_equal(strspn(rid, "0123456789") >= 13, 1);
    assert_int_equal(strspn(rid, "0123456789abcdefghijklmnopqrstuvwxyz"), 17);
    assert_true(rid[17] == ' ' || rid[17] == '\0');
    /* Neither the token nor the query string is logged. */
    assert_null(strstr(log, HS_TEST_TOKEN));
    assert_null(strstr(l, "x=1"));
    free(log);
}

/* ---- long calls and drain ----------------------------------------------------------------- */

static void test_processing_102(void **state)
{
    (void)state;
    struct hst_server s;
    start(&s, "--processing-interval-ms", "200", NULL, NULL);
    struct hst_response r;
    assert_int_equal(
        hst_post_function(&s,
                          "{\"diy\":true,\"type\":\"hook\",\"function\":\"sleepMs\",\"options\":{"
                          "\"ms\":900}}",
                          &r),
        0);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "[{\"ms\":900}]");
    assert_non_null(r.interim);
    assert_non_null(strstr(r.interim, "102 Processing"));
    /* Exactly one interim answer. */
    assert_int_equal(count_of(r.interim, "102"), 1);
    hst_response_free(&r);
    /* A quick call gets none. */
    assert_int_equal(hst_post_function(&s, DO_SOMETHING, &r), 0);
    assert_int_equal(r.status, 200);
    assert_true(r.interim == NULL || strstr(r.interim, "102") == NULL);
    hst_response_free(&r);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

struct slow_call {
    struct hst_server *s;
    int ms;
    struct hst_response r;
    int rc;
};

static void *slow_call_run(void *arg)
{
    struct slow_call *c = arg;
    char body[256];
    snprintf(body, sizeof(body),
             "{\"diy\":true,\"type\":\"hook\",\"function\":\"sleepMs\",\"options\":{\"ms\":%d}}",
             c->ms);
    c->rc = hst_post_function(c->s, body, &c->r);
    return NULL;
}

static void test_sigterm_drains_in_flight(void **state)
{
    (void)state;
    struct hst_server s;
    start(&s, NULL, NULL, NULL, NULL);
    /* A connection with half a request: it is accepted, so it is finished after SIGTERM. */
    int half = hst_connect(&s);
    assert_true(half >= 0);
    const char *part = "GET /readyz HTTP/1.1\r\nHost: t\r\n";
    assert_int_equal(hst_send_all(half, part, strlen(part)), 0);
    struct slow_call c = {.s = &s, .ms = 1200};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, slow_call_run, &c), 0);
    assert_true(hst_server_wait_busy(&s, 10000) > 0);
    assert_int_equal(kill(s.pid, SIGTERM), 0);
    usleep(200000);
    /* No new connections once draining. */
    int late = hst_connect(&s);
    assert_true(late < 0);
    /* The half-sent request completes with 503 from /readyz, and the connection closes. */
    assert_int_equal(hst_send_all(half, "\r\n", 2), 0);
    size_t len = 0;
    char *out = hst_recv_all(half, 5000, &len);
    assert_non_null(out);
    assert_non_null(strstr(out, "HTTP/1.1 503 Service Unavailable\r\n"));
    assert_non_null(strstr(out, "Connection: close\r\n"));
    assert_non_null(strstr(out, "\r\n\r\nService Unavailable"));
    free(out);
    close(half);
    pthread_join(th, NULL);
    assert_int_equal(c.rc, 0);
    assert_int_equal(c.r.status, 200);
    assert_string_equal(c.r.body, "[{\"ms\":1200}]");
    hst_response_free(&c.r);
    int st = hst_server_wait(&s, 20000);
    assert_true(st != -1 && WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static int group_setup(void **state)
{
    (void)state;
    const char *args[] = {"--modules", test_modules(), "--workers", "2", NULL};
    return hst_server_start(&shared, args, NULL);
}

static int group_teardown(void **state)
{
    (void)state;
    int st = hst_server_stop(&shared, SIGTERM, 20000);
    char *log = hst_server_log(&shared);
    int bad = log == NULL || strstr(log, "Sanitizer") != NULL || strstr(log, "runtime error:");
    free(log);
    return (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 && !bad) ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_startup_line_and_port),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_port_taken),
        cmocka_unit_test(test_bad_module_fails_start),
        cmocka_unit_test(test_bad_option),
        cmocka_unit_test(test_config_error_exit_statuses),
        cmocka_unit_test(test_several_tokens_and_token_file),
        cmocka_unit_test(test_dev_token_printed_once),
        cmocka_unit_test(test_dev_curl_line_calls_a_served_function),
        cmocka_unit_test(test_dev_line_without_modules),
        cmocka_unit_test(test_root_and_health),
        cmocka_unit_test(test_livez_readyz),
        cmocka_unit_test(test_unknown_path_and_wrong_method),
        cmocka_unit_test(test_open_connections_needs_token),
        cmocka_unit_test(test_open_connections_counts_others),
        cmocka_unit_test(test_keep_alive_reuse_and_pipelining),
        cmocka_unit_test(test_connection_close_honoured),
        cmocka_unit_test(test_url_forms),
        cmocka_unit_test(test_function_and_chunked_body),
        cmocka_unit_test(test_unauthorized_function),
        cmocka_unit_test(test_request_log_line),
        cmocka_unit_test(test_terminate_flips_probes),
        cmocka_unit_test(test_stop_server),
        cmocka_unit_test(test_processing_102),
        cmocka_unit_test(test_sigterm_drains_in_flight),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
