/* cli_test.c — `hookstack test`: runs every fixture case (fixture.h) through the served path
 * (cli_local.h) and compares status and body with the expected ones (jsondiff.h).
 *
 * For each case it prints "ok   NAME" or "FAIL NAME (request file)" followed by what differs,
 * one line each: the status, then the JSON paths with both values. The last line is always
 * "N passed, M failed"; the exit status is 0 only when every case passed (and there was one). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "cli.h"
#include "cli_local.h"
#include "fixture.h"
#include "json.h"
#include "jsondiff.h"
#include "text.h"

#define TEST_MAX_DIFFS 20
#define TEST_MAX_VALUE 200

static void test_usage(FILE *f)
{
    fprintf(
        f,
        "usage: hookstack test [DIR|FILE] [--modules DIR]... [--timeout SECS] [--exact] [-q] [-v]\n"
        "\n"
        "Runs every fixture case under DIR (default: ./test-fixtures, else the source tree's)\n"
        "through the same path as POST /function, in a forked worker per case, and compares\n"
        "the answer with the expected one. A case is three files with one stem:\n"
        "  <case>.request.json   the whole request body\n"
        "  <case>.response.json  the expected body (an empty file: an empty body)\n"
        "  <case>.status         the expected HTTP status (optional, default 200)\n"
        "normally as test-fixtures/<module>/<function>/<case>.*; FILE runs one case.\n"
        "Bodies are compared as JSON values: key order and number spelling do not matter. A\n"
        "failing case lists each differing path with both values.\n"
        "\n"
        "options:\n" CLI_LOCAL_USAGE_MODULES CLI_LOCAL_USAGE_TIMEOUT
        "  -q, --quiet      print only failing cases and the summary\n"
        "  --exact          also require the body byte for byte as in the response file\n"
        "                   (less one final newline): key order, number spelling\n"
        "  -v, --verbose    also show the hooks' log lines (on stderr)\n"
        "  -h, --help       show this help\n"
        "\n"
        "The last line is 'N passed, M failed'. Exit status: 0 when every case passed, 1 when\n"
        "one failed or none was found, 2 for bad usage.\n");
}

struct test_args {
    const char *dir;
    struct cli_modules mods;
    uint64_t timeout_ms;
    bool quiet;
    bool verbose;
    bool exact;
};

static int test_parse(struct test_args *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int m = cli_modules_arg(&o->mods, argc, argv, &i, "test");
        if (m < 0)
            return 2;
        if (m > 0)
            continue;
        const char *val = NULL;
        m = cli_opt_value(argc, argv, &i, "--timeout", &val, "test");
        if (m < 0)
            return 2;
        if (m > 0) {
            if (cli_timeout_parse(val, &o->timeout_ms) != 0) {
                fprintf(stderr, "hookstack test: --timeout: expected seconds, got '%s'\n", val);
                return 2;
            }
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            test_usage(stdout);
            return 0;
        }
        if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = true;
            continue;
        }
        if (strcmp(a, "--exact") == 0) {
            o->exact = true;
            continue;
        }
        if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            o->verbose = true;
            continue;
        }
        if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "hookstack test: unknown option '%s' (see hookstack test --help)\n", a);
            return 2;
        }
        if (o->dir) {
            fprintf(stderr, "hookstack test: one folder at a time ('%s' and '%s')\n", o->dir, a);
            return 2;
        }
        o->dir = a;
    }
    if (!o->dir) {
        struct stat st;
        o->dir = stat("test-fixtures", &st) == 0 && S_ISDIR(st.st_mode) ? "test-fixtures"
                                                                        : HS_SOURCE_DIR
                     "/test-fixtures";
    }
    return -1;
}

/* The start of a body for a message: at most 200 bytes, control bytes shown as '.'. */
static void print_excerpt(FILE *f, const char *s, size_t n)
{
    size_t k = n > TEST_MAX_VALUE ? TEST_MAX_VALUE : n;
    for (size_t i = 0; i < k; i++)
        fputc((unsigned char)s[i] < 0x20 ? '.' : s[i], f);
    if (k < n)
        fputs("...", f);
}

/* Compares one answer with the case; prints the differences under the FAIL line. */
/* --exact: the body must be the response file's bytes, less one final newline. */
static void exact_compare(FILE *f, bool *ok, const struct fixture_loaded *want,
                          const struct cli_local_result *got)
{
    size_t n = want->response_len;
    if (n > 0 && want->response[n - 1] == '\n')
        n--;
    if (n > 0 && want->response[n - 1] == '\r')
        n--;
    if (n == got->body_len && memcmp(want->response, got->body, n) == 0)
        return;
    size_t at = 0;
    while (at < n && at < got->body_len && want->response[at] == got->body[at])
        at++;
    size_t from = at > 20 ? at - 20 : 0;
    fprintf(f, "  bytes differ at offset %zu: expected ...", at);
    print_excerpt(f, want->response + from, n - from > 60 ? 60 : n - from);
    fputs(", got ...", f);
    print_excerpt(f, got->body + from, got->body_len - from > 60 ? 60 : got->body_len - from);
    fputc('\n', f);
    *ok = false;
}

static bool case_compare(struct arena *a, const struct fixture_case *c,
                         const struct fixture_loaded *want, const struct cli_local_result *got,
                         bool exact)
{
    bool ok = true;
    char *lines = NULL;
    size_t lines_len = 0;
    FILE *f = open_memstream(&lines, &lines_len);
    if (!f) {
        printf("FAIL %s (%s)\n  out of memory\n", c->name, c->request_path);
        return false;
    }
    if (got->status != want->status) {
        fprintf(f, "  status: expected %d, got %d\n", want->status, got->status);
        ok = false;
    }
    if (!want->response_json) {
        if (got->body_len > 0) {
            fputs("  body: expected an empty body, got ", f);
            print_excerpt(f, got->body, got->body_len);
            fputc('\n', f);
            ok = false;
        }
    } else if (got->body_len == 0) {
        fputs("  body: expected ", f);
        struct jsondiff d;
        if (jsondiff_compare(a, want->response_json, NULL, 1, TEST_MAX_VALUE, &d) == 0 && d.len)
            fputs(d.entries[0].expected, f);
        fputs(", got an empty body\n", f);
        ok = false;
    } else {
        struct json_parse_opts po = {.decode_utf8 = true};
        struct json_error je;
        memset(&je, 0, sizeof(je));
        struct json_value *v = json_parse(a, got->body, got->body_len, &po, &je);
        struct jsondiff d;
        if (!v) {
            fprintf(f, "  body: not JSON (%u:%u: %s): ", (unsigned)je.line, (unsigned)je.column,
                    je.message);
            print_excerpt(f, got->body, got->body_len);
            fputc('\n', f);
            ok = false;
        } else if (jsondiff_compare(a, want->response_json, v, TEST_MAX_DIFFS, TEST_MAX_VALUE,
                                    &d) != 0) {
            fputs("  body: out of memory while comparing\n", f);
            ok = false;
        } else if (d.total > 0) {
            jsondiff_print(&d, "  ", f);
            ok = false;
        }
    }
    if (exact && ok)
        exact_compare(f, &ok, want, got);
    fclose(f);
    if (!ok)
        printf("FAIL %s (%s)\n%s", c->name, c->request_path, lines ? lines : "");
    free(lines);
    return ok;
}

/* The request's function name for error messages (NULL when not a string). */
static const char *request_function(struct arena *a, const struct json_value *req)
{
    const struct json_value *fn =
        req && req->type == JSON_OBJECT ? json_object_get(req, STRLIT("function")) : NULL;
    return fn && fn->type == JSON_STRING ? arena_strndup(a, fn->u.str, fn->len) : NULL;
}

int cli_test(int argc, char **argv)
{
    struct test_args o = {.timeout_ms = CLI_LOCAL_DEFAULT_TIMEOUT_MS};
    int rc = test_parse(&o, argc, argv);
    if (rc >= 0)
        return rc;

    struct arena *list_arena = arena_new(64 * 1024, 0);
    struct arena *a = arena_new(256 * 1024, 0);
    struct cli_local l;
    bool opened = false;
    char err[1024];
    size_t passed = 0, failed = 0;
    rc = 1;
    if (!list_arena || !a || cli_modules_default(&o.mods) != 0) {
        fprintf(stderr, "hookstack test: out of memory\n");
        goto out;
    }
    struct fixture_list cases;
    if (fixture_discover(list_arena, o.dir, &cases, err, sizeof(err)) != 0) {
        fprintf(stderr, "hookstack test: %s\n", err);
        goto out;
    }
    if (cases.len == 0) {
        fprintf(stderr, "hookstack test: no fixture cases under %s\n", o.dir);
        printf("0 passed, 0 failed\n");
        goto out;
    }
    if (cli_local_open(&l, &o.mods, err, sizeof(err)) != 0) {
        /* Nothing can run: every case counts as failed. */
        fprintf(stderr, "hookstack test: %s\n", err);
        printf("0 passed, %zu failed\n", cases.len);
        goto out;
    }
    opened = true;
    l.timeout_ms = o.timeout_ms;
    l.hook_logs = o.verbose;

    for (size_t i = 0; i < cases.len; i++) {
        const struct fixture_case *c = &cases.cases[i];
        arena_reset(a);
        struct fixture_loaded want;
        struct cli_local_result got = {0};
        bool ok = false;
        if (fixture_load(a, c, &want, err, sizeof(err)) != 0) {
            printf("FAIL %s\n  %s\n", c->name, err);
        } else if (cli_local_run(&l, want.request, want.request_len,
                                 request_function(a, want.request_json), &got, err,
                                 sizeof(err)) != 0) {
            printf("FAIL %s (%s)\n  cannot run: %s\n", c->name, c->request_path, err);
        } else {
            ok = case_compare(a, c, &want, &got, o.exact);
        }
        cli_local_result_free(&got);
        if (ok) {
            passed++;
            if (!o.quiet)
                printf("ok   %s\n", c->name);
        } else {
            failed++;
        }
        fflush(stdout);
    }
    printf("%zu passed, %zu failed\n", passed, failed);
    rc = failed == 0 ? 0 : 1;
out:
    fflush(stdout);
    if (opened)
        cli_local_close(&l);
    arena_free(a);
    arena_free(list_arena);
    cli_modules_free(&o.mods);
    return rc;
}
