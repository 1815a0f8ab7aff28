/* test_modload.c — the module loader (runner/modload.c) and the public header.
 *
 * Modules the loader must refuse live in tests/bad-modules/ (not tests/modules/, whose build
 * output integration tests load as a whole); this test compiles them itself with $CC (default
 * cc) into a temporary folder and loads them by path. The conformance module comes from
 * $HS_MODULES_DIR. The header is also compiled standalone as C11 and as C++17. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "arena.h"
#include "hookstack.h"
#include "proto.h"
#include "registry.h"
#include "registry_internal.h"
#include "sdk.h"

static char tmpdir[256];
static char conformance[4096];

static const char *src_dir(void)
{
    const char *s = getenv("HS_SOURCE_DIR");
    return s ? s : HS_SOURCE_DIR;
}

static const char *cc(void)
{
    const char *c = getenv("CC");
    return c && c[0] ? c : "cc";
}

/* Compiles tests/bad-modules/<name>/<name>.c into tmpdir/<name>.so. */
static int build_module(const char *name)
{
    char cmd[8192];
    snprintf(cmd, sizeof(cmd),
             "%s -std=c11 -Wall -Wextra -Werror -fPIC -shared -I'%s/include' -o '%s/%s.so' "
             "'%s/tests/bad-modules/%s/%s.c'",
             cc(), src_dir(), tmpdir, name, src_dir(), name, name);
    int rc = system(cmd);
    if (rc != 0)
        fprintf(stderr, "failed: %s\n", cmd);
    return rc;
}

static int group_setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/hs-modload-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    const char *mods = getenv("HS_MODULES_DIR");
    snprintf(conformance, sizeof(conformance), "%s/conformance.so",
             mods ? mods : HS_BUILD_DIR "/protocol-modules");
    static const char *const names[] = {"abi_mismatch", "bad_magic",    "bad_signature",
                                        "no_entry",     "init_fails",   "dup_a",
                                        "dup_b",        "late_register"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (build_module(names[i]) != 0)
            return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    DIR *d = opendir(tmpdir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char p[512];
            snprintf(p, sizeof(p), "%s/%s", tmpdir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(tmpdir);
    return 0;
}

static const char *mod_path(const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s.so", tmpdir, name);
    return buf;
}

/* Loads the given files; returns the registry (NULL on refusal, with err filled). */
static struct registry *load_files(const char *const *files, size_t n, char *err, size_t errlen)
{
    struct registry_load_opts o = {.files = files, .nfiles = n};
    return registry_load(&o, err, errlen);
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fprintf(stderr, "\"%s\" does not contain \"%s\"\n", hay, needle);
    assert_non_null(strstr(hay, needle));
}

static void assert_refused(const char *name, const char *const *needles, size_t n)
{
    char p[512], err[1024];
    const char *files[] = {mod_path(name, p, sizeof(p))};
    struct registry *r = load_files(files, 1, err, sizeof(err));
    assert_null(r);
    assert_contains(err, p); /* names the module file */
    for (size_t i = 0; i < n; i++)
        assert_contains(err, needles[i]);
    assert_null(strchr(err, '\n')); /* one line */
}

static void test_conformance_loads(void **state)
{
    (void)state;
    char err[1024];
    const char *files[] = {conformance};
    struct registry *r = load_files(files, 1, err, sizeof(err));
    if (!r)
        fprintf(stderr, "%s\n", err);
    assert_non_null(r);
    assert_int_equal(registry_module_count(r), 1);
    assert_int_equal(registry_fn_count(r), 16);
    assert_true(registry_has_diy(r));
    assert_true(registry_has_connectors(r));
    int s = registry_scope(r, "9ce44f88a25272b6d9cbb430ebbcfcf1", 32);
    assert_true(s > 0);
    assert_int_equal(registry_scope(r, "9ce44f88a25272b6d9cbb430ebbcfcf", 31), -1);
    assert_true(registry_has_group(r, REGISTRY_SCOPE_DIY, "hooks", 5));
    assert_true(registry_has_group(r, s, "installer", 9));
    assert_false(registry_has_group(r, s, "hook", 4));
    const struct registry_fn *fn =
        registry_find(r, REGISTRY_SCOPE_DIY, "hooks", 5, "doSomething", 11);
    assert_non_null(fn);
    assert_string_equal(fn->name, "doSomething");
    assert_int_equal(fn->kind, HS_KIND_RAW);
    assert_false(fn->top_level);
    /* Group-only: nothing at the top level. */
    assert_null(registry_find(r, REGISTRY_SCOPE_DIY, NULL, 0, "doSomething", 11));
    assert_string_equal(registry_fn_module(r, fn)->name, "conformance");
    assert_string_equal(registry_fn_module(r, fn)->version, "1.0.0");

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(registry_list(r, f), 0);
    fclose(f);
    assert_contains(buf, "conformance\tdoSomething\traw\tdiy,9ce44f88a25272b6d9cbb430ebbcfcf1,"
                         "6a4b9e817fb9f522dbd012f642855a03\thooks\t");
    assert_contains(buf, "conformance\timportOptions\twrapper\t");
    size_t lines = 0;
    for (char *p = buf; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 16);
    free(buf);
    registry_free(r);
}

static void test_no_diy(void **state)
{
    (void)state;
    char err[1024];
    const char *files[] = {conformance};
    struct registry_load_opts o = {.files = files, .nfiles = 1, .no_diy = true};
    struct registry *r = registry_load(&o, err, sizeof(err));
    assert_non_null(r);
    assert_false(registry_has_diy(r));
    registry_free(r);
}

static void test_abi_mismatch_refused(void **state)
{
    (void)state;
    char runner_abi[32];
    snprintf(runner_abi, sizeof(runner_abi), "provides ABI %d.%d", HS_ABI_MAJOR, HS_ABI_MINOR);
    const char *needles[] = {"ABI 2.0", runner_abi};
    assert_refused("abi_mismatch", needles, 2);
}

static void test_bad_magic_refused(void **state)
{
    (void)state;
    const char *needles[] = {"not a Hookstack module", "0x12345678"};
    assert_refused("bad_magic", needles, 2);
}

static void test_bad_signature_refused(void **state)
{
    (void)state;
    const char *needles[] = {"another platform", "build signature"};
    assert_refused("bad_signature", needles, 2);
}

static void test_missing_entry_point_refused(void **state)
{
    (void)state;
    const char *needles[] = {"hs_module_entry"};
    assert_refused("no_entry", needles, 1);
}

static void test_init_failure_refused(void **state)
{
    (void)state;
    const char *needles[] = {"init_fails", "HS_ERR_INVALID"};
    assert_refused("init_fails", needles, 2);
}

static void test_duplicate_across_modules_refused(void **state)
{
    (void)state;
    char pa[512], pb[512], err[1024];
    const char *a[] = {mod_path("dup_a", pa, sizeof(pa))};
    const char *b[] = {mod_path("dup_b", pb, sizeof(pb))};
    /* Each alone is fine (and each checked that a same-module duplicate is HS_ERR_EXISTS). */
    struct registry *r = load_files(a, 1, err, sizeof(err));
    assert_non_null(r);
    assert_int_equal(registry_fn_count(r), 2);
    registry_free(r);
    r = load_files(b, 1, err, sizeof(err));
    assert_non_null(r);
    registry_free(r);
    /* Together: refused, naming the function and both modules with their files. */
    const char *both[] = {pa, pb};
    r = load_files(both, 2, err, sizeof(err));
    assert_null(r);
    assert_contains(err, "clash");
    assert_contains(err, "dup_a");
    assert_contains(err, "dup_b");
    assert_contains(err, pa);
    assert_contains(err, pb);
    assert_contains(err, "group hooks");
    assert_contains(err, "DIY");
    assert_null(strchr(err, '\n'));
}

static void test_same_module_twice_refused(void **state)
{
    (void)state;
    char err[1024];
    const char *files[] = {conformance, conformance};
    struct registry *r = load_files(files, 2, err, sizeof(err));
    assert_null(r);
    assert_contains(err, "already loaded");
}

static void test_register_outside_init_refused(void **state)
{
    (void)state;
    char p[512], err[1024];
    const char *files[] = {mod_path("late_register", p, sizeof(p))};
    struct registry *r = load_files(files, 1, err, sizeof(err));
    assert_non_null(r);
    assert_int_equal(registry_fn_count(r), 1);
    /* The function is a utility: top level and group "utilities", DIY. */
    static const char body[] = "{\"diy\":true,\"function\":\"tryLate\",\"options\":{}}";
    static const char *const tokens[] = {"t"};
    struct proto_config cfg = {.reg = r, .tokens = tokens, .ntokens = 1};
    struct proto_request req = {.authorization = {"Bearer t", 8},
                                .content_type = {"application/json", 16},
                                .body = {body, sizeof(body) - 1}};
    struct proto_response resp;
    proto_response_init(&resp);
    struct arena *a = arena_new(16 * 1024, 0);
    assert_int_equal(proto_handle(&cfg, &req, &resp, a), 0);
    assert_int_equal(resp.status, 200);
    static const char want[] = "{\"register\":\"HS_ERR_STATE\",\"state\":false}";
    assert_int_equal(resp.body.len, sizeof(want) - 1);
    assert_memory_equal(resp.body.data, want, sizeof(want) - 1);
    /* Nothing was added. */
    assert_int_equal(registry_fn_count(r), 1);
    proto_response_free(&resp);
    arena_free(a);
    registry_free(r);
}

static void test_folders(void **state)
{
    (void)state;
    char err[1024];
    /* A missing folder is an error naming it. */
    const char *missing[] = {"/nonexistent/hookstack-modules"};
    struct registry_load_opts o = {.dirs = missing, .ndirs = 1};
    assert_null(registry_load(&o, err, sizeof(err)));
    assert_contains(err, "/nonexistent/hookstack-modules");
    /* An empty folder, or no folder at all, is not. Other files are ignored. */
    char empty[300];
    snprintf(empty, sizeof(empty), "%s/empty", tmpdir);
    assert_int_equal(mkdir(empty, 0700), 0);
    char other[400];
    snprintf(other, sizeof(other), "%s/README.txt", empty);
    FILE *f = fopen(other, "w");
    assert_non_null(f);
    fputs("not a module\n", f);
    fclose(f);
    const char *dirs[] = {empty};
    o = (struct registry_load_opts){.dirs = dirs, .ndirs = 1};
    struct registry *r = registry_load(&o, err, sizeof(err));
    assert_non_null(r);
    assert_int_equal(registry_module_count(r), 0);
    assert_int_equal(registry_fn_count(r), 0);
    registry_free(r);
    o = (struct registry_load_opts){0};
    r = registry_load(&o, err, sizeof(err));
    assert_non_null(r);
    registry_free(r);
    unlink(other);
    rmdir(empty);
    /* The modules folder loads conformance.so. */
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s", conformance);
    *strrchr(dir, '/') = '\0';
    const char *mods[] = {dir};
    o = (struct registry_load_opts){.dirs = mods, .ndirs = 1};
    r = registry_load(&o, err, sizeof(err));
    assert_non_null(r);
    assert_true(registry_module_count(r) >= 1);
    registry_free(r);
}

/* The table the runner hands out: size first, ABI version, every 1.0 call present. */
static void test_api_table(void **state)
{
    (void)state;
    struct registry *r = registry_new(false);
    assert_non_null(r);
    registry_free(r);
    const hs_api *api = sdk_api();
    assert_int_equal(api->size, sizeof(hs_api));
    assert_int_equal(api->abi_major, HS_ABI_MAJOR);
    assert_int_equal(api->abi_minor, HS_ABI_MINOR);
    assert_true(HS_API_HAS(api, page_route));
    assert_true(HS_API_HAS(api, status_name));
    /* A table from an older runner (smaller size) lacks the later calls. */
    hs_api old = *api;
    old.size = offsetof(hs_api, page_route);
    assert_false(HS_API_HAS(&old, page_route));
    assert_true(HS_API_HAS(&old, page_add_retry));
    const void *const *fp = (const void *const *)&api->status_name;
    size_t nfn = (sizeof(hs_api) - offsetof(hs_api, status_name)) / sizeof(void *);
    for (size_t i = 0; i < nfn; i++)
        assert_non_null(fp[i]);
    assert_string_equal(api->status_name(HS_ERR_STATE), "HS_ERR_STATE");
    assert_string_equal(hs_status_name(HS_OK), "HS_OK");
    assert_string_equal(hs_status_name((hs_status)-99), "HS_UNKNOWN");
}

/* include/hookstack.h compiles on its own as C11 and as C++17, pedantic, warnings as errors. */
static void test_header_standalone(void **state)
{
    (void)state;
    char src[512];
    snprintf(src, sizeof(src), "%s/only_header.c", tmpdir);
    FILE *f = fopen(src, "w");
    assert_non_null(f);
    fputs("#include \"hookstack.h\"\n", f);
    fclose(f);
    const char *cxx = getenv("CXX");
    char cmd[8192];
    snprintf(cmd, sizeof(cmd),
             "%s -std=c11 -pedantic -Wall -Wextra -Werror -fsyntax-only -I'%s/include' '%s' && "
             "%s -x c++ -std=c++17 -pedantic -Wall -Wextra -Werror -fsyntax-only -I'%s/include' "
             "'%s'",
             cc(), src_dir(), src, cxx && cxx[0] ? cxx : "c++", src_dir(), src);
    int rc = system(cmd);
    if (rc != 0)
        fprintf(stderr, "failed: %s\n", cmd);
    assert_int_equal(rc, 0);
    unlink(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conformance_loads),
        cmocka_unit_test(test_no_diy),
        cmocka_unit_test(test_abi_mismatch_refused),
        cmocka_unit_test(test_bad_magic_refused),
        cmocka_unit_test(test_bad_signature_refused),
        cmocka_unit_test(test_missing_entry_point_refused),
        cmocka_unit_test(test_init_failure_refused),
        cmocka_unit_test(test_duplicate_across_modules_refused),
        cmocka_unit_test(test_same_module_twice_refused),
        cmocka_unit_test(test_register_outside_init_refused),
        cmocka_unit_test(test_folders),
        cmocka_unit_test(test_api_table),
        cmocka_unit_test(test_header_standalone),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
