/* test_crash.c — where a failure happened, in words (runner/crash.c, crash_scan.c): a record's id
 * (Id, id, internalId, _id, in that order), "record 3 of 20, id 001C", the worker's crash note and
 * backtrace for a fatal signal (in a forked child that really faults), its note for exit(), the
 * sanitizers' notes in sanitizer builds, and how the front and the CLI read a worker's output into
 * one hook_crashed message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "crash.h"
#include "json.h"

static struct arena *arena;

static int setup(void **state)
{
    (void)state;
    arena = arena_new(64 * 1024, 0);
    return arena ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(arena);
    return 0;
}

static struct json_value *parse(const char *s)
{
    struct json_error e;
    struct json_value *v = json_parse(arena, s, strlen(s), NULL, &e);
    if (!v)
        fprintf(stderr, "parse error in test data: %s: %s\n", s, e.message);
    assert_non_null(v);
    return v;
}

/* The words crash_where_format gives for record index of count of the record in JSON text. */
static const char *where_of(const char *record, size_t index, size_t count)
{
    static char buf[CRASH_WHERE_MAX];
    crash_where_format(buf, sizeof(buf), index, count, crash_record_id(parse(record)));
    return buf;
}

static void test_record_id_order(void **state)
{
    (void)state;
    /* The first of Id, id, internalId, _id, whatever the members' order. */
    assert_string_equal(
        where_of("{\"_id\":\"m\",\"internalId\":\"n\",\"id\":\"i\",\"Id\":\"S\"}", 2, 20),
        "record 3 of 20, id S");
    assert_string_equal(where_of("{\"_id\":\"m\",\"internalId\":\"n\",\"id\":\"i\"}", 0, 1),
                        "record 1 of 1, id i");
    assert_string_equal(where_of("{\"_id\":\"m\",\"internalId\":\"n\"}", 0, 1),
                        "record 1 of 1, id n");
    assert_string_equal(where_of("{\"x\":1,\"_id\":\"65aa01\"}", 4, 5), "record 5 of 5, id 65aa01");
    /* Only a non-empty string or an integral number is an id; otherwise the next key counts. */
    assert_string_equal(where_of("{\"Id\":null,\"id\":\"\",\"internalId\":1.5,\"_id\":7}", 0, 2),
                        "record 1 of 2, id 7");
    assert_string_equal(where_of("{\"Id\":{\"a\":1},\"id\":[1]}", 0, 2), "record 1 of 2");
    assert_string_equal(where_of("{\"internalId\":-42}", 1, 2), "record 2 of 2, id -42");
    assert_string_equal(where_of("{\"id\":9007199254740992}", 0, 1),
                        "record 1 of 1, id 9007199254740992");
    assert_string_equal(where_of("{\"id\":1e300}", 0, 1), "record 1 of 1");
    /* Keys are matched exactly. */
    assert_string_equal(
        where_of("{\"ID\":\"x\",\"iD\":\"y\",\"_Id\":\"z\",\"internalid\":\"w\"}", 0, 1),
        "record 1 of 1");
    /* A record that is not an object has no id. */
    assert_string_equal(where_of("[\"Id\",\"x\"]", 0, 3), "record 1 of 3");
    assert_string_equal(where_of("\"001A\"", 1, 3), "record 2 of 3");
    assert_null(crash_record_id(NULL));
}

static void test_where_words(void **state)
{
    (void)state;
    /* Shown as printable ASCII, at most CRASH_ID_SHOWN characters. */
    assert_string_equal(where_of("{\"Id\":\"a b\\u00e9\\n\"}", 0, 1), "record 1 of 1, id a?b???");
    char rec[256], want[256];
    snprintf(rec, sizeof(rec), "{\"Id\":\"%.70s\"}",
             "0123456789012345678901234567890123456789012345678901234567890123456789");
    snprintf(want, sizeof(want), "record 1 of 1, id %.64s...",
             "0123456789012345678901234567890123456789012345678901234567890123456789");
    assert_string_equal(where_of(rec, 0, 1), want);
    /* Bounded by the buffer, always terminated. */
    char small[12];
    size_t n = crash_where_format(small, sizeof(small), 122, 1000, NULL);
    assert_int_equal(n, sizeof(small) - 1);
    assert_string_equal(small, "record 123 ");
    assert_int_equal(crash_where_format(small, 0, 1, 2, NULL), 0);
}

static void test_scan(void **state)
{
    (void)state;
    struct crash_scan s;
    crash_scan_reset(&s);
    const char *lines[] = {
        "hook says hello",
        "hookstack crash: SIGSEGV in function accountPreMap at record 3 of 20, id 001C",
        "==12==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x6020 at pc 0x1",
        "==12==ERROR: LeakSanitizer: detected memory leaks",
        "hookstack crash: SIGABRT in function other at record 9 of 9",
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
        crash_scan_line(&s, lines[i], strlen(lines[i]));
    /* The first of each is kept. */
    assert_string_equal(s.report,
                        "AddressSanitizer: heap-buffer-overflow on address 0x6020 at pc 0x1");
    assert_string_equal(s.where, "record 3 of 20, id 001C");

    /* A function whose name holds the words: the place is the last " at record ". */
    crash_scan_reset(&s);
    const char *odd = "hookstack crash: SIGBUS in function f at record x at record 1 of 2, id 7";
    crash_scan_line(&s, odd, strlen(odd));
    assert_string_equal(s.where, "record 1 of 2, id 7");
    /* No record noted, a line that is not a note, a UBSan report. */
    crash_scan_reset(&s);
    const char *none[] = {"hookstack crash: SIGSEGV in function f",
                          "some text hookstack crash: x at record 1 of 1",
                          "x.c:3:5: runtime error: signed integer overflow\x01"};
    for (size_t i = 0; i < 3; i++)
        crash_scan_line(&s, none[i], strlen(none[i]));
    assert_string_equal(s.where, "");
    assert_string_equal(s.report, "runtime error: signed integer overflow?");
}

static void test_message(void **state)
{
    (void)state;
    char m[CRASH_MESSAGE_MAX];
    crash_message(m, sizeof(m), "crashNow", SIGABRT, 0, NULL, NULL);
    assert_string_equal(m, "The function crashNow crashed: its worker was killed by signal 6 "
                           "(SIGABRT).");
    crash_message(m, sizeof(m), "accountPreMap", SIGSEGV, 0, NULL, "record 3 of 20, id 001C");
    assert_string_equal(m, "The function accountPreMap crashed at record 3 of 20, id 001C: its "
                           "worker was killed by signal 11 (SIGSEGV).");
    crash_message(m, sizeof(m), "f", 0, 1, "AddressSanitizer: heap-buffer-overflow",
                  "record 1 of 2");
    assert_string_equal(m, "The function f crashed at record 1 of 2: its worker exited with status "
                           "1 (AddressSanitizer: heap-buffer-overflow).");
    crash_message(m, sizeof(m), NULL, 0, 3, "", "");
    assert_string_equal(m, "The function crashed: its worker exited with status 3.");
    /* Bounded and terminated. */
    char small[20];
    assert_int_equal(crash_message(small, sizeof(small), "f", SIGSEGV, 0, NULL, NULL),
                     sizeof(small) - 1);
    assert_string_equal(small, "The function f cras");
}

/* ---- the handler, in a forked child ------------------------------------------------------- */

enum how { HOW_FAULT, HOW_ABORT, HOW_SENT_BUS, HOW_EXIT, HOW_ASAN, HOW_UBSAN };

/* Runs the handlers in a child that then fails as told, while "runs" a function (and a record
 * when rec is not NULL); returns its output and its wait status. */
static char *child_output(enum how how, const char *function, const char *rec, int *wstatus)
{
    const struct json_value *id = rec ? crash_record_id(parse(rec)) : NULL;
    int p[2];
    assert_int_equal(pipe(p), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        dup2(p[1], STDERR_FILENO);
        crash_handlers_install();
        crash_where_function(function);
        if (rec)
            crash_where_record(2, 20, id);
        switch (how) {
        case HOW_FAULT: {
            volatile uintptr_t nowhere = 8; /* volatile: the compiler cannot see the fault coming */
            *(volatile int *)nowhere = 1;
            break;
        }
        case HOW_ABORT:
            abort();
        case HOW_SENT_BUS:
            kill(getpid(), SIGBUS);
            break;
        case HOW_EXIT:
            exit(3);
        case HOW_ASAN: {
            volatile char *volatile b = malloc(4); /* volatile: kept, though nothing reads it */
            volatile size_t past = 4;              /* past the end, unseen by the compiler */
            b[past] = 1;
            free((void *)b);
            break;
        }
        case HOW_UBSAN: {
            volatile int big = INT32_MAX;
            volatile int sum = big + 1; /* signed overflow */
            (void)sum;
            break;
        }
        }
        _exit(0); /* not reached when the failure worked */
    }
    close(p[1]);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap + 1);
    assert_non_null(out);
    ssize_t n;
    while ((n = read(p[0], out + len, cap - len)) > 0)
        len += (size_t)n;
    out[len] = '\0';
    close(p[0]);
    assert_int_equal(waitpid(pid, wstatus, 0), pid);
    return out;
}

static void test_handler_notes_and_dies(void **state)
{
    (void)state;
    int st = 0;
    char *out = child_output(HOW_FAULT, "accountPreMap", "{\"Id\":\"001C\"}", &st);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGSEGV);
    /* The note first, then the backtrace's head and its frames (the test binary is in them). */
    static const char note[] =
        "hookstack crash: SIGSEGV in function accountPreMap at record 3 of 20, id 001C\n"
        "hookstack crash: backtrace (";
    if (strncmp(out, note, sizeof(note) - 1) != 0)
        fprintf(stderr, "child said:\n%s\n", out);
    assert_memory_equal(out, note, sizeof(note) - 1);
    assert_non_null(strstr(out, "unit_crash"));
    int lines = 0;
    for (const char *c = out; *c; c++)
        lines += *c == '\n';
    assert_true(lines >= 4);
    /* What the front and the CLI make of that output. */
    struct crash_scan s;
    crash_scan_reset(&s);
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n"))
        crash_scan_line(&s, line, strlen(line));
    assert_string_equal(s.where, "record 3 of 20, id 001C");
    free(out);

    /* abort(): the same, by SIGABRT; no record noted. */
    out = child_output(HOW_ABORT, "crashNow", NULL, &st);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGABRT);
    assert_true(strncmp(out, "hookstack crash: SIGABRT in function crashNow\n", 46) == 0);
    free(out);

    /* A signal sent, not raised by a fault: the worker still dies by it. No function running. */
    out = child_output(HOW_SENT_BUS, NULL, NULL, &st);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGBUS);
    assert_true(strncmp(out, "hookstack crash: SIGBUS\n", 24) == 0);
    free(out);

    /* exit() during a call: the note, no backtrace, the status kept. */
    out = child_output(HOW_EXIT, "quitter", "{\"Id\":\"q\"}", &st);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 3);
    assert_string_equal(out,
                        "hookstack crash: exit() in function quitter at record 3 of 20, id q\n");
    free(out);
}

#if defined(__SANITIZE_ADDRESS__)
/* In a sanitizer build a sanitizer's report comes with the note (the exit status stays). */
static void check_sanitizer(enum how how, const char *mark, bool note_after)
{
    int st = 0;
    char *out = child_output(how, "overflowing", "{\"id\":5}", &st);
    const char *report = strstr(out, mark);
    const char *note =
        strstr(out, "hookstack crash: sanitizer error in function overflowing at record 3 of 20, "
                    "id 5\n");
    bool ok = WIFEXITED(st) && WEXITSTATUS(st) != 0 && report && note &&
              (note_after ? report < note : note < report);
    if (!ok)
        fprintf(stderr, "status %d; child said:\n%s\n", st, out);
    free(out);
    assert_true(ok);
}
#endif

static void test_sanitizer_note(void **state)
{
    (void)state;
#if defined(__SANITIZE_ADDRESS__)
    /* AddressSanitizer: after its report (its death callback). */
    check_sanitizer(HOW_ASAN, "ERROR: AddressSanitizer: heap-buffer-overflow", true);
    /* UBSan: before its report's lines (its report hook). */
    check_sanitizer(HOW_UBSAN, "runtime error: signed integer overflow", false);
#else
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_record_id_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_where_words, setup, teardown),
        cmocka_unit_test(test_scan),
        cmocka_unit_test(test_message),
        cmocka_unit_test_setup_teardown(test_handler_notes_and_dies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sanitizer_note, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
