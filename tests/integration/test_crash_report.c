/* test_crash_report.c — a crash says the same whether served or invoked, and says where: with the
 * faults test module (tests/modules/faults), a per-record preMap that faults at record 3 of 5
 * (SIGSEGV, SIGBUS, abort, exit, and a heap overflow that AddressSanitizer reports in sanitizer
 * builds) answers 500 hook_crashed naming the function, the signal or status, the sanitizer's
 * report and the record with its id; `hookstack invoke` prints the very same body (addresses
 * aside, which differ from process to process), and both logs carry the worker's crash note and,
 * for a signal, a backtrace through the module. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "integration/harness_faults.h"

static bool asan_build(void)
{
    const char *bin = getenv("HOOKSTACK_BIN");
    return bin != NULL && strlen(bin) > 5 && strcmp(bin + strlen(bin) - 5, "-asan") == 0;
}

struct run {
    int status; /* exit status, or 128 + signal */
    char *out, *err;
};

static char *slurp(int fd)
{
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    assert_non_null(b);
    lseek(fd, 0, SEEK_SET);
    for (;;) {
        if (n + 1 == cap) {
            cap *= 2;
            b = realloc(b, cap);
            assert_non_null(b);
        }
        ssize_t r = read(fd, b + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        assert_true(r >= 0);
        if (r == 0)
            break;
        n += (size_t)r;
    }
    b[n] = '\0';
    return b;
}

/* `$HOOKSTACK_BIN invoke FUNCTION FILE --modules <the faults folder>` with FILE holding body. */
static void invoke(const char *function, const char *body, struct run *r)
{
    char pin[] = "/tmp/hs-crash-in-XXXXXX", po[] = "/tmp/hs-crash-out-XXXXXX",
         pe[] = "/tmp/hs-crash-err-XXXXXX";
    int fi = mkstemp(pin), fo = mkstemp(po), fe = mkstemp(pe);
    assert_true(fi >= 0 && fo >= 0 && fe >= 0);
    assert_int_equal(write(fi, body, strlen(body)), (ssize_t)strlen(body));
    close(fi);
    unlink(po);
    unlink(pe);
    const char *bin = getenv("HOOKSTACK_BIN");
    assert_non_null(bin);
    const char *argv[] = {bin, "invoke", function, pin, "--modules", hsf_module_dir(), NULL};
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fo, 1);
        dup2(fe, 2);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    unlink(pin);
    r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    r->out = slurp(fo);
    r->err = slurp(fe);
    close(fo);
    close(fe);
}

/* Every "0x" and the hex digits after it become "0x?": a sanitizer's report names addresses. */
static void normalize(char *s)
{
    char *o = s;
    for (const char *p = s; *p;) {
        if (p[0] == '0' && p[1] == 'x' && isxdigit((unsigned char)p[2])) {
            for (p += 2; isxdigit((unsigned char)*p); p++) /* skip first: o stays behind p */
                ;
            memcpy(o, "0x?", 3);
            o += 3;
            continue;
        }
        *o++ = *p++;
    }
    *o = '\0';
}

static const char *page_body(char *buf, size_t cap, const char *how)
{
    snprintf(buf, cap,
             "{\"diy\":true,\"function\":\"faultRecords\",\"options\":{\"data\":[{\"Id\":\"001A\"},"
             "{\"Id\":\"001B\"},{\"Id\":\"001C\",\"crash\":\"%s\"},{\"Id\":\"001D\"},{\"Id\":"
             "\"001E\"}]}}",
             how);
    return buf;
}

/* Serves body and invokes it; asserts both answers are the same 500 hook_crashed body and that it
 * holds want; returns the served body (malloc'd) and leaves invoke's stderr in *err. */
static char *serve_and_invoke(const struct hst_server *s, const char *function, const char *body,
                              const char *want, char **err)
{
    struct hst_response r;
    assert_int_equal(hst_post_function(s, body, &r), 0);
    struct run inv;
    invoke(function, body, &inv);
    char *served = strdup(r.body);
    assert_non_null(served);
    if (r.status != 500 || strstr(served, want) == NULL)
        fprintf(stderr, "served %ld: %s\n", r.status, served);
    assert_int_equal(r.status, 500);
    assert_non_null(strstr(served, "{\"errors\":[{\"code\":\"hook_crashed\",\"message\":\""));
    assert_non_null(strstr(served, want));
    hst_response_free(&r);

    /* invoke: the body and a newline on stdout, exit status 1. */
    assert_int_equal(inv.status, 1);
    size_t n = strlen(inv.out);
    assert_true(n > 0 && inv.out[n - 1] == '\n');
    inv.out[n - 1] = '\0';
    char *a = strdup(served), *b = strdup(inv.out);
    assert_non_null(a);
    assert_non_null(b);
    normalize(a);
    normalize(b);
    if (strcmp(a, b) != 0)
        fprintf(stderr, "serve:  %s\ninvoke: %s\ninvoke's stderr:\n%s\n", served, inv.out, inv.err);
    assert_string_equal(a, b);
    free(a);
    free(b);
    free(inv.out);
    *err = inv.err;
    return served;
}

static void test_served_and_invoked_alike(void **state)
{
    (void)state;
    bool asan = asan_build();
    struct hst_server s;
    assert_int_equal(
        hst_server_start(
            &s, (const char *[]){"--modules", hsf_module_dir(), "--workers", "2", NULL}, NULL),
        0);
    static const char at[] = "The function faultRecords crashed at record 3 of 5, id 001C: ";
    const struct {
        const char *how;
        const char *what; /* after "its worker " */
        const char *note; /* the worker's note on its standard error */
        bool backtrace;
    } cases[] = {
        {"segv", "was killed by signal 11 (SIGSEGV).\"", "SIGSEGV", true},
        {"bus", "was killed by signal 7 (SIGBUS).\"", "SIGBUS", true},
        {"abort", "was killed by signal 6 (SIGABRT).\"", "SIGABRT", true},
        {"exit", "exited with status 3.\"", "exit()", false},
        {"sanitizer",
         asan ? "exited with status 1 (AddressSanitizer: heap-buffer-overflow on address 0x"
              : "was killed by signal 6 (SIGABRT).\"",
         asan ? "sanitizer error" : "SIGABRT", !asan},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char body[512], want[512], note[256];
        page_body(body, sizeof(body), cases[i].how);
        snprintf(want, sizeof(want), "%sits worker %s", at, cases[i].what);
        char *err = NULL;
        char *served = serve_and_invoke(&s, "faultRecords", body, want, &err);
        /* invoke relays the worker's output: the note, and a backtrace through the module. */
        if (cases[i].note) {
            snprintf(note, sizeof(note),
                     "hookstack crash: %s in function faultRecords at record 3 of 5, id 001C\n",
                     cases[i].note);
            if (!strstr(err, note))
                fprintf(stderr, "'%s' not in invoke's stderr:\n%s\n", note, err);
            assert_non_null(strstr(err, note));
        }
        if (cases[i].backtrace)
            assert_non_null(strstr(err, "faults.so("));
        assert_non_null(strstr(err, "hookstack invoke: status 500 (the function crashed)\n"));
        free(err);
        free(served);
    }

    /* A function that is not per-record: no record, and still the same words. */
    char *err = NULL;
    char *served = serve_and_invoke(&s, "faultSegv",
                                    "{\"diy\":true,\"function\":\"faultSegv\",\"options\":{}}",
                                    "\"The function faultSegv crashed: its worker was killed by "
                                    "signal 11 (SIGSEGV).\"",
                                    &err);
    assert_non_null(strstr(err, "hookstack crash: SIGSEGV in function faultSegv\n"));
    free(err);
    free(served);

    /* The server's log: the note and the backtrace as worker output, the place in worker_died. */
    assert_true(hsf_wait_log(&s, "function=faultSegv", 1, 10000));
    char *log = hst_server_log(&s);
    assert_non_null(log);
    bool ok = strstr(log, "event=worker_output") &&
              strstr(log, "msg=\"hookstack crash: SIGSEGV in function faultRecords at record 3 "
                          "of 5, id 001C\"") &&
              strstr(log, "msg=\"hookstack crash: backtrace (") && strstr(log, "faults.so(") &&
              strstr(log, "event=worker_died") && strstr(log, "at=\"record 3 of 5, id 001C\"");
    if (!ok)
        fprintf(stderr, "%s\n", log);
    free(log);
    assert_true(ok);
    int st = hst_server_stop(&s, SIGTERM, 30000);
    assert_true(st >= 0 && WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

/* A failing record (not a crash) is named the same way: by the function, "record N of M" and
 * its id, served and invoked alike. */
static void test_record_failure_served_and_invoked(void **state)
{
    (void)state;
    struct hst_server s;
    const char *mods = hst_test_module_dir("kindcheck");
    assert_non_null(mods);
    assert_int_equal(hst_server_start(&s, (const char *[]){"--modules", mods, NULL}, NULL), 0);
    static const char body[] =
        "{\"diy\":true,\"function\":\"kcPreMapRecords\",\"options\":{\"data\":[{\"Id\":\"001A\"},"
        "{\"Id\":\"001B\",\"fail\":true}]}}";
    static const char want[] =
        "{\"errors\":[{\"message\":\"this record failed on purpose (function kcPreMapRecords at "
        "record 2 of 2, id 001B)\",\"code\":\"record_failed\"}]}";
    struct hst_response r;
    assert_int_equal(hst_post_function(&s, body, &r), 0);
    assert_int_equal(r.status, 422);
    assert_string_equal(r.body, want);
    hst_response_free(&r);
    /* invoke with the kindcheck module: its own folder this time. */
    char pin[] = "/tmp/hs-crash-in-XXXXXX";
    int fi = mkstemp(pin);
    assert_true(fi >= 0);
    assert_int_equal(write(fi, body, sizeof(body) - 1), (ssize_t)sizeof(body) - 1);
    close(fi);
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "'%s' invoke kcPreMapRecords '%s' --modules '%s' 2>/dev/null",
             getenv("HOOKSTACK_BIN"), pin, mods);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char out[1024] = "";
    size_t n = fread(out, 1, sizeof(out) - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    unlink(pin);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    assert_true(n > 0 && out[n - 1] == '\n');
    out[n - 1] = '\0';
    assert_string_equal(out, want);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_served_and_invoked_alike),
        cmocka_unit_test(test_record_failure_served_and_invoked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
