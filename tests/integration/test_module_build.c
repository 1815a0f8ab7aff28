/* test_module_build.c — a user's modules in a copy of the tree build and pass the project's tests,
 * and the build output follows the source tree. The "clean clone plus a new module passes
 * `make test`" promise, done the way make does it (CMake, then ctest) in a copy, because running
 * make from inside make test would recurse.
 *
 * The copy is the tree without its build folders and .git (with the modules hooks/ already holds,
 * such as sfns). In it:
 *   - hookstack new scaffolds module calc; its function calls floor() and pow() from libm, which
 *     the default build links (a module that used libm failed to link before; gcc inlines floor()
 *     at -O2, pow() with a variable exponent stays a libm call);
 *   - module tally has a module.cmake: a source in a subfolder with its include folder, zlib by
 *     pkg-config name, a compile flag, and a lib/ library that the runner links too;
 *   - CMake configures the copy; the runner, the modules and the cli test are built; ctest runs
 *     every fixture test and the cli test (plain, or the asan/ twins under the ASan variant of
 *     this test), which must all pass: the user's modules break none of them;
 *   - build/modules/ holds calc.so, tally.so and the tree's other hooks/ modules, and nothing
 *     else (no test module is served);
 *   - deleting hooks/calc/ and building again removes calc.so from build/modules/.
 * The header's "Build a module with" line, run as written, builds calc too, and fails without its
 * -lm (so calc really needs libm and the checks above mean something). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64]; /* the temporary folder; the copy is root/repo */
static char repo[128], build[160];
static const char *src, *bin;
static bool asan; /* the asan/ variant: build and run the sanitized twins */

/* Inner builds and tests must not see the outer make's job server or the outer test's paths. */
#define CLEAN_ENV                                                                                  \
    "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u HOOKSTACK_BIN -u HS_MODULES_DIR "                  \
    "-u HS_TEST_MODULES_DIR -u HS_SOURCE_DIR -u HS_BUILD_DIR "

static void write_file(const char *path, const char *text)
{
    char dir[512];
    snprintf(dir, sizeof(dir), "%s", path);
    for (char *p = dir + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(dir, 0755);
            *p = '/';
        }
    }
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Runs a shell command with its output in root/log; on failure prints the log's end. */
static int sh(const char *cmd)
{
    char full[8192], log[128];
    snprintf(log, sizeof(log), "%s/log", root);
    snprintf(full, sizeof(full), "(%s) >'%s' 2>&1", cmd, log);
    int rc = system(full);
    if (rc != 0) {
        char tail[512];
        snprintf(tail, sizeof(tail), "tail -n 40 '%s' >&2", log);
        fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
        if (system(tail) != 0)
            fprintf(stderr, "(no log)\n");
    }
    return rc;
}

static int group_setup(void **state)
{
    (void)state;
    src = getenv("HS_SOURCE_DIR");
    bin = getenv("HOOKSTACK_BIN");
    if (!src || !bin) {
        fprintf(stderr, "HS_SOURCE_DIR and HOOKSTACK_BIN must be set (ctest does)\n");
        return -1;
    }
    size_t n = strlen(bin);
    asan = n > 5 && strcmp(bin + n - 5, "-asan") == 0;
    snprintf(root, sizeof(root), "/tmp/hs-modbuild-XXXXXX");
    if (mkdtemp(root) == NULL)
        return -1;
    snprintf(repo, sizeof(repo), "%s/repo", root);
    snprintf(build, sizeof(build), "%s/repo/build", root);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

/* The tree without build output and .git; the tests read the shared sample data beside the
 * repository, so the copy gets it beside it too. */
static void copy_tree(void)
{
    char cmd[4096];
    snprintf(
        cmd, sizeof(cmd),
        "mkdir -p '%s' && tar -C '%s' --exclude=./.git --exclude=./build --exclude='./build-*' "
        "--exclude=./tests/fuzz/artifacts -cf - . | tar -C '%s' -xf - && "
        "{ [ ! -d '%s/../shared' ] || ln -s '%s/../shared' '%s/shared'; }",
        repo, src, repo, src, src, root);
    assert_int_equal(sh(cmd), 0);
}

/* hookstack new calc roundDown, then the function made to call floor(). */
static void add_calc(void)
{
    char cmd[1024], path[512];
    snprintf(cmd, sizeof(cmd), "'%s' new calc roundDown --kind utility --root '%s'", bin, repo);
    assert_int_equal(sh(cmd), 0);
    snprintf(path, sizeof(path), "%s/hooks/calc/calc.c", repo);
    char *code = read_file(path);
    assert_non_null(code);
    const char *body = "{\n    (void)ctx;\n    *result = options;\n    return HS_OK;\n}\n";
    char *at = strstr(code, body);
    assert_non_null(at);
    const char *inc = "#include \"hookstack.h\"\n";
    char *ip = strstr(code, inc);
    assert_non_null(ip);
    char out[16384];
    snprintf(out, sizeof(out),
             "%.*s#include <math.h>\n\n%.*s"
             "{\n"
             "    double amount = api->json_number(api->json_get(options, \"amount\"), NAN);\n"
             "    double places = api->json_number(api->json_get(options, \"places\"), 0);\n"
             "    if (isnan(amount))\n"
             "        return api->fail(ctx, \"no_amount\", \"options.amount is not a number\");\n"
             "    /* Rounded down to `places` decimals. */\n"
             "    double scale = pow(10.0, places);\n"
             "    *result = api->json_new_number(ctx, floor(amount * scale) / scale);\n"
             "    return *result ? HS_OK : HS_ERR_NOMEM;\n"
             "}\n%s",
             (int)(ip - code), code, (int)(at - ip), ip, at + strlen(body));
    write_file(path, out);
    free(code);
    snprintf(path, sizeof(path), "%s/test-fixtures/calc/roundDown/basic.request.json", repo);
    write_file(path,
               "{\"diy\": true, \"function\": \"roundDown\", \"options\": {\"amount\": 12.759, "
               "\"places\": 2}}\n");
    snprintf(path, sizeof(path), "%s/test-fixtures/calc/roundDown/basic.response.json", repo);
    write_file(path, "12.75\n");
}

/* A module that needs a module.cmake, and a lib/ library shared with the runner. */
static void add_tally(void)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/lib/halve/halve.h", repo);
    write_file(p, "/* halve.h — test library shared by the runner and a module. */\n"
                  "double halve_value(double v);\n");
    snprintf(p, sizeof(p), "%s/lib/halve/halve.c", repo);
    write_file(p, "/* halve.c — test library shared by the runner and a module. */\n"
                  "#include \"halve.h\"\n"
                  "double halve_value(double v) { return v / 2; }\n");
    snprintf(p, sizeof(p), "%s/hooks/tally/module.cmake", repo);
    write_file(p, "hookstack_module(\n"
                  "  SOURCES *.c part/*.c\n"
                  "  INCLUDE_DIRS part\n"
                  "  PKG_CONFIG zlib\n"
                  "  PROJECT_LIBRARIES halve\n"
                  "  COMPILE_OPTIONS -DTALLY_SEED=7)\n");
    snprintf(p, sizeof(p), "%s/hooks/tally/part/crc.h", repo);
    write_file(p, "/* crc.h — the CRC-32 of a text, plus TALLY_SEED. */\n"
                  "#include <stddef.h>\n"
                  "double tally_crc(const char *s, size_t n);\n");
    snprintf(p, sizeof(p), "%s/hooks/tally/part/crc.c", repo);
    write_file(p, "/* crc.c — the CRC-32 of a text (zlib), plus TALLY_SEED. */\n"
                  "#include <zlib.h>\n"
                  "#include \"crc.h\"\n"
                  "double tally_crc(const char *s, size_t n)\n"
                  "{\n"
                  "    return (double)crc32(0L, (const Bytef *)s, (uInt)n) + TALLY_SEED;\n"
                  "}\n");
    snprintf(p, sizeof(p), "%s/hooks/tally/tally.c", repo);
    write_file(p, "/* tally.c — test module: tallyCrc answers {crc, half}. */\n"
                  "#include <string.h>\n"
                  "#include \"crc.h\"\n"
                  "#include \"halve.h\"\n"
                  "#include \"hookstack.h\"\n"
                  "static const hs_api *api;\n"
                  "static hs_status tally(hs_ctx *ctx, hs_json *options, hs_json **result)\n"
                  "{\n"
                  "    size_t n = 0;\n"
                  "    const char *s = api->json_string(ctx, api->json_get(options, \"text\"), "
                  "&n, \"\");\n"
                  "    hs_json *o = api->json_new_object(ctx);\n"
                  "    double crc = tally_crc(s, n);\n"
                  "    if (!o || api->json_set_number(ctx, o, \"crc\", crc) != HS_OK ||\n"
                  "        api->json_set_number(ctx, o, \"half\", halve_value(crc)) != HS_OK)\n"
                  "        return HS_ERR_NOMEM;\n"
                  "    *result = o;\n"
                  "    return HS_OK;\n"
                  "}\n"
                  "static hs_status init(const hs_api *a, hs_module *mod)\n"
                  "{\n"
                  "    api = a;\n"
                  "    return api->register_fn(mod, \"tallyCrc\", HS_KIND_UTILITY, tally, NULL);\n"
                  "}\n"
                  "HS_MODULE(\"tally\", \"1.0.0\", init)\n");
    snprintf(p, sizeof(p), "%s/test-fixtures/tally/tallyCrc/basic.request.json", repo);
    write_file(
        p, "{\"diy\": true, \"function\": \"tallyCrc\", \"options\": {\"text\": \"hookstack\"}}\n");
    /* zlib.crc32(b"hookstack") = 2420034279, + 7. */
    snprintf(p, sizeof(p), "%s/test-fixtures/tally/tallyCrc/basic.response.json", repo);
    write_file(p, "{\"crc\": 2420034286, \"half\": 1210017143}\n");
}

/* The header's build line, as written, with x replaced by calc and the output in dir. */
static int build_with_header_line(const char *dir, bool without_lm)
{
    char hdr[512];
    snprintf(hdr, sizeof(hdr), "%s/include/hookstack.h", repo);
    char *text = read_file(hdr);
    assert_non_null(text);
    const char *m = strstr(text, "Build a module with");
    assert_non_null(m);
    const char *l1 = strstr(m, "\n *   cc ");
    assert_non_null(l1);
    const char *l2 = strchr(l1 + 1, '\n');
    const char *end = strchr(l2 + 1, '\n');
    char line[1024];
    snprintf(line, sizeof(line), "%.*s %.*s", (int)(l2 - l1 - 4), l1 + 4, (int)(end - l2 - 3),
             l2 + 3);
    free(text);
    /* "-o build/modules/x.so hooks/x/x.c" becomes dir/calc.so and hooks/calc/calc.c. */
    char cmd[2048] = "";
    const char *p = line;
    size_t len = 0;
    while (*p) {
        if (strncmp(p, "build/modules/x.so", 18) == 0) {
            len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, "'%s/calc.so'", dir);
            p += 18;
        } else if (strncmp(p, "hooks/x/x.c", 11) == 0) {
            len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, "hooks/calc/calc.c");
            p += 11;
        } else if (without_lm && strncmp(p, " -lm", 4) == 0 && (p[4] == '\0' || p[4] == ' ')) {
            p += 4;
        } else {
            cmd[len++] = *p++;
        }
        assert_true(len < sizeof(cmd) - 1);
    }
    cmd[len] = '\0';
    assert_non_null(strstr(line, " -lm"));
    char full[4096];
    snprintf(full, sizeof(full), "mkdir -p '%s' && cd '%s' && %s", dir, repo, cmd);
    return sh(full);
}

static void test_user_modules_build_and_pass_the_tests(void **state)
{
    (void)state;
    copy_tree();
    add_calc();
    add_tally();

    const char *type = getenv("HS_BUILD_TYPE");
    const char *sfx = asan ? "_asan" : "";
    const char *mods = asan ? "modules-asan" : "modules";
    char cmd[4096];
    snprintf(cmd, sizeof(cmd),
             CLEAN_ENV
             "cmake -S '%s' -B '%s' -DCMAKE_BUILD_TYPE=%s -DHS_SANITIZERS=%s && " CLEAN_ENV
             "cmake --build '%s' -j2 --target %s hs_modules%s integration_cli%s",
             repo, build, type && *type ? type : "RelWithDebInfo", asan ? "ON" : "OFF", build,
             asan ? "hookstack-asan" : "hookstack", sfx, sfx);
    assert_int_equal(sh(cmd), 0);

    /* What production serves: one module per folder of hooks/, nothing else. */
    char p[512];
    snprintf(cmd, sizeof(cmd),
             "cd '%s/%s' && ls *.so > '%s/served' && cd '%s/hooks' && "
             "for d in */; do echo \"${d%%/}.so\"; done > '%s/folders'",
             build, mods, root, repo, root);
    assert_int_equal(sh(cmd), 0);
    snprintf(p, sizeof(p), "%s/served", root);
    char *served = read_file(p);
    snprintf(p, sizeof(p), "%s/folders", root);
    char *folders = read_file(p);
    assert_non_null(served);
    assert_non_null(folders);
    assert_string_equal(served, folders);
    assert_non_null(strstr(served, "calc.so\n"));
    assert_non_null(strstr(served, "tally.so\n"));
    assert_null(strstr(served, "conformance.so"));
    free(served);
    free(folders);

    /* Every fixture test (the user's, the conformance and kind cases) and the cli test. */
    snprintf(cmd, sizeof(cmd),
             "cd '%s' && " CLEAN_ENV
             "ctest --output-on-failure -R '^%s(fixtures/|integration/cli$)' "
             "> '%s/ctest.out' 2>&1",
             build, asan ? "asan/" : "", root);
    int rc = sh(cmd);
    snprintf(p, sizeof(p), "%s/ctest.out", root);
    char *out = read_file(p);
    assert_non_null(out);
    if (rc != 0 || !strstr(out, "100% tests passed"))
        fail_msg("ctest in the copy failed:\n%s", out);
    const char *want[] = {"fixtures/hooks/calc ", "fixtures/hooks/tally ", "fixtures/conformance ",
                          "fixtures/kinds ", "integration/cli "};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        char name[128];
        snprintf(name, sizeof(name), "%s%s", asan ? "asan/" : "", want[i]);
        if (!strstr(out, name))
            fail_msg("ctest did not run %s:\n%s", name, out);
    }
    free(out);

    /* The header's line builds calc as the build does; without -lm it cannot link pow(). */
    char dir[256];
    snprintf(dir, sizeof(dir), "%s/by-hand", root);
    assert_int_equal(build_with_header_line(dir, false), 0);
    snprintf(cmd, sizeof(cmd), "'%s' test '%s/test-fixtures/calc' --modules '%s'", bin, repo, dir);
    assert_int_equal(sh(cmd), 0);
    snprintf(dir, sizeof(dir), "%s/by-hand-without-lm", root);
    assert_int_not_equal(build_with_header_line(dir, true), 0);

    /* Deleting a module folder removes its module from what is served at the next build. */
    snprintf(cmd, sizeof(cmd),
             "rm -r '%s/hooks/calc' '%s/test-fixtures/calc' && " CLEAN_ENV
             "cmake --build '%s' -j2 --target hs_modules%s",
             repo, repo, build, sfx);
    assert_int_equal(sh(cmd), 0);
    snprintf(p, sizeof(p), "%s/%s/calc.so", build, mods);
    assert_false(exists(p));
    snprintf(p, sizeof(p), "%s/%s/tally.so", build, mods);
    assert_true(exists(p));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_modules_build_and_pass_the_tests),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
