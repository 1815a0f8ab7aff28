/* test_fixture.c — fixture case discovery (pairing by stem, order, orphans, depth, links) and
 * loading (request bytes, expected body and status, errors naming file, line and column). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "arena.h"
#include "fixture.h"
#include "json.h"

struct fx {
    struct arena *a;
    char root[64];
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    f->a = arena_new(64 * 1024, 0);
    snprintf(f->root, sizeof(f->root), "/tmp/hs-fixture-XXXXXX");
    if (!f->a || !mkdtemp(f->root))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
    int rc = system(cmd);
    arena_free(f->a);
    free(f);
    return rc == 0 ? 0 : -1;
}

/* Writes root/rel (creating its folders) with the given text. */
static void put(const struct fx *f, const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", f->root, rel);
    for (char *p = path + strlen(f->root) + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0755);
            *p = '/';
        }
    }
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    fclose(fp);
}

static const char *rooted(const struct fx *f, const char *rel)
{
    static char path[256];
    snprintf(path, sizeof(path), "%s/%s", f->root, rel);
    return path;
}

static void test_discovers_and_pairs_sorted(void **state)
{
    struct fx *f = *state;
    put(f, "mod/fnB/basic.request.json", "{}");
    put(f, "mod/fnB/basic.response.json", "[]");
    put(f, "mod/fnA/zeta.request.json", "{}");
    put(f, "mod/fnA/zeta.response.json", "{}");
    put(f, "mod/fnA/zeta.status", "422\n");
    put(f, "mod/fnA/alpha.request.json", "{}");
    put(f, "mod/fnA/alpha.response.json", "{}");
    put(f, "mod/fnA/README.md", "not a fixture");
    put(f, "mod/.hidden/x.request.json", "{}");
    put(f, "a.request.json", "{}");
    put(f, "a.response.json", "{}");

    struct fixture_list l;
    char err[256] = "";
    assert_int_equal(fixture_discover(f->a, f->root, &l, err, sizeof(err)), 0);
    assert_int_equal(l.len, 4);
    assert_string_equal(l.cases[0].name, "a");
    assert_string_equal(l.cases[1].name, "mod/fnA/alpha");
    assert_string_equal(l.cases[2].name, "mod/fnA/zeta");
    assert_string_equal(l.cases[3].name, "mod/fnB/basic");
    assert_string_equal(l.cases[2].request_path, rooted(f, "mod/fnA/zeta.request.json"));
    assert_string_equal(l.cases[2].response_path, rooted(f, "mod/fnA/zeta.response.json"));
    assert_string_equal(l.cases[2].status_path, rooted(f, "mod/fnA/zeta.status"));
    assert_null(l.cases[1].status_path);

    /* A trailing slash on the root changes nothing. */
    char slashed[80];
    snprintf(slashed, sizeof(slashed), "%s/", f->root);
    assert_int_equal(fixture_discover(f->a, slashed, &l, err, sizeof(err)), 0);
    assert_int_equal(l.len, 4);
    assert_string_equal(l.cases[3].response_path, rooted(f, "mod/fnB/basic.response.json"));

    /* A sub-folder or one file of a case selects just those cases. */
    assert_int_equal(fixture_discover(f->a, rooted(f, "mod/fnA"), &l, err, sizeof(err)), 0);
    assert_int_equal(l.len, 2);
    assert_string_equal(l.cases[0].name, "alpha");
    assert_int_equal(
        fixture_discover(f->a, rooted(f, "mod/fnA/zeta.response.json"), &l, err, sizeof(err)), 0);
    assert_int_equal(l.len, 1);
    assert_string_equal(l.cases[0].name, "zeta");
    assert_string_equal(l.cases[0].request_path, rooted(f, "mod/fnA/zeta.request.json"));
    assert_string_equal(l.cases[0].status_path, rooted(f, "mod/fnA/zeta.status"));
}

static void test_empty_and_missing_roots(void **state)
{
    struct fx *f = *state;
    struct fixture_list l;
    char err[256] = "";
    assert_int_equal(fixture_discover(f->a, f->root, &l, err, sizeof(err)), 0);
    assert_int_equal(l.len, 0);
    assert_int_equal(fixture_discover(f->a, rooted(f, "nope"), &l, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "nope: No such file or directory"));
    put(f, "notes.txt", "x");
    assert_int_equal(fixture_discover(f->a, rooted(f, "notes.txt"), &l, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "notes.txt: not a fixture file"));
}

static void test_orphans_fail_to_load_and_name_the_file(void **state)
{
    struct fx *f = *state;
    put(f, "m/f/onlyreq.request.json", "{}");
    put(f, "m/f/onlyresp.response.json", "{}");
    put(f, "m/f/onlystatus.status", "200");
    struct fixture_list l;
    char err[512] = "";
    assert_int_equal(fixture_discover(f->a, f->root, &l, err, sizeof(err)), 0);
    assert_int_equal(l.len, 3);
    struct fixture_loaded ld;
    assert_int_equal(fixture_load(f->a, &l.cases[0], &ld, err, sizeof(err)), -1);
    char want[1024];
    snprintf(want, sizeof(want), "%s: no onlyreq.response.json beside it",
             rooted(f, "m/f/onlyreq.request.json"));
    assert_string_equal(err, want);
    assert_int_equal(fixture_load(f->a, &l.cases[1], &ld, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s: no onlyresp.request.json beside it",
             rooted(f, "m/f/onlyresp.response.json"));
    assert_string_equal(err, want);
    assert_int_equal(fixture_load(f->a, &l.cases[2], &ld, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s: no onlystatus.request.json beside it",
             rooted(f, "m/f/onlystatus.status"));
    assert_string_equal(err, want);
}

static void test_load_a_case(void **state)
{
    struct fx *f = *state;
    const char *req =
        "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\":{}}\n";
    put(f, "m/f/c.request.json", req);
    put(f, "m/f/c.response.json", "[ {\"function\": \"doSomething\"} ]");
    put(f, "m/f/c.status", " 422 \n");
    put(f, "m/f/empty.request.json", req);
    put(f, "m/f/empty.response.json", " \n");
    struct fixture_list l;
    char err[256] = "";
    assert_int_equal(fixture_discover(f->a, f->root, &l, err, sizeof(err)), 0);
    assert_int_equal(l.len, 2);
    struct fixture_loaded ld;
    assert_int_equal(fixture_load(f->a, &l.cases[0], &ld, err, sizeof(err)), 0);
    assert_int_equal(ld.request_len, strlen(req));
    assert_memory_equal(ld.request, req, strlen(req));
    assert_int_equal(ld.request_json->type, JSON_OBJECT);
    assert_int_equal(ld.response_json->type, JSON_ARRAY);
    assert_int_equal(ld.response_len, strlen("[ {\"function\": \"doSomething\"} ]"));
    assert_memory_equal(ld.response, "[ {\"function\": \"doSomething\"} ]", ld.response_len);
    assert_int_equal(ld.status, 422);
    assert_int_equal(fixture_load(f->a, &l.cases[1], &ld, err, sizeof(err)), 0);
    assert_null(ld.response_json); /* whitespace only: an empty body is expected */
    assert_int_equal(ld.status, 200);
}

static void test_load_errors_name_file_line_column(void **state)
{
    struct fx *f = *state;
    put(f, "m/f/bad.request.json", "{\n  \"diy\": true,\n  \"function\": x\n}");
    put(f, "m/f/bad.response.json", "{}");
    put(f, "m/f/badresp.request.json", "{}");
    put(f, "m/f/badresp.response.json", "[1,\n2,]");
    put(f, "m/f/badstatus.request.json", "{}");
    put(f, "m/f/badstatus.response.json", "{}");
    put(f, "m/f/badstatus.status", "OK");
    put(f, "m/f/range.request.json", "{}");
    put(f, "m/f/range.response.json", "{}");
    put(f, "m/f/range.status", "99");
    struct fixture_list l;
    char err[512] = "";
    assert_int_equal(fixture_discover(f->a, f->root, &l, err, sizeof(err)), 0);
    assert_int_equal(l.len, 4);
    struct fixture_loaded ld;
    char want[1024];

    assert_int_equal(fixture_load(f->a, &l.cases[0], &ld, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s:3:15: ", rooted(f, "m/f/bad.request.json"));
    assert_memory_equal(err, want, strlen(want));

    assert_int_equal(fixture_load(f->a, &l.cases[1], &ld, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s:2:3: ", rooted(f, "m/f/badresp.response.json"));
    assert_memory_equal(err, want, strlen(want));

    assert_int_equal(fixture_load(f->a, &l.cases[2], &ld, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s: expected an HTTP status (100-599), got 'OK'",
             rooted(f, "m/f/badstatus.status"));
    assert_string_equal(err, want);

    assert_int_equal(fixture_load(f->a, &l.cases[3], &ld, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s: expected an HTTP status (100-599), got '99'",
             rooted(f, "m/f/range.status"));
    assert_string_equal(err, want);
}

static void test_links_to_folders_are_not_followed(void **state)
{
    struct fx *f = *state;
    put(f, "m/f/c.request.json", "{}");
    put(f, "m/f/c.response.json", "{}");
    char target[512], link[512];
    snprintf(target, sizeof(target), "%s", f->root);
    snprintf(link, sizeof(link), "%s/m/loop", f->root);
    assert_int_equal(symlink(target, link), 0);
    /* A link to a case file is read like the file. */
    snprintf(target, sizeof(target), "%s/m/f/c.response.json", f->root);
    snprintf(link, sizeof(link), "%s/m/f/d.response.json", f->root);
    assert_int_equal(symlink(target, link), 0);
    put(f, "m/f/d.request.json", "{}");
    struct fixture_list l;
    char err[256] = "";
    assert_int_equal(fixture_discover(f->a, f->root, &l, err, sizeof(err)), 0);
    assert_int_equal(l.len, 2);
    assert_string_equal(l.cases[1].name, "m/f/d");
    assert_non_null(l.cases[1].response_path);
}

static void test_too_deep_is_an_error(void **state)
{
    struct fx *f = *state;
    char rel[512] = "";
    for (int i = 0; i <= FIXTURE_MAX_DEPTH; i++)
        strcat(rel, "d/");
    strcat(rel, "c.request.json");
    put(f, rel, "{}");
    struct fixture_list l;
    char err[512] = "";
    assert_int_equal(fixture_discover(f->a, f->root, &l, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "folders nested deeper than 16 levels"));
}

static void test_file_read_limit(void **state)
{
    struct fx *f = *state;
    char big[10001];
    memset(big, 'x', 10000);
    big[10000] = '\0';
    put(f, "big.request.json", big);
    size_t n = 0;
    char err[256] = "";
    char *t = fixture_file_read(f->a, rooted(f, "big.request.json"), 10000, &n, err, sizeof(err));
    assert_non_null(t);
    assert_int_equal(n, 10000);
    assert_int_equal(t[n], '\0');
    assert_null(fixture_file_read(f->a, rooted(f, "big.request.json"), 9999, &n, err, sizeof(err)));
    assert_non_null(strstr(err, "larger than 9999 bytes"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_discovers_and_pairs_sorted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_and_missing_roots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_orphans_fail_to_load_and_name_the_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_load_a_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_errors_name_file_line_column, setup, teardown),
        cmocka_unit_test_setup_teardown(test_links_to_folders_are_not_followed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_deep_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_read_limit, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
