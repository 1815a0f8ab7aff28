/* test_cli.c — the local workflow commands of the real binary ($HOOKSTACK_BIN): hooks, invoke,
 * test and new, their --help, exit statuses and error lines.
 *
 * Modules come from $HS_MODULES_DIR (build/protocol-modules/: the conformance module). Cases that
 * need hooks which crash, hang or are freshly scaffolded compile them here with `cc` into a
 * temporary folder (one C file each, well under a second), so the test needs no extra CMake target.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define C1 "9ce44f88a25272b6d9cbb430ebbcfcf1"

static const char *bin, *mods, *src;
static char tmp_root[64];

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

/* Runs bin with args (NULL-terminated) and optional stdin text; captures stdout and stderr. */
static void run_args(struct run *r, const char *input, const char *const *args)
{
    char po[] = "/tmp/hs-cli-out-XXXXXX", pe[] = "/tmp/hs-cli-err-XXXXXX";
    int fo = mkstemp(po), fe = mkstemp(pe);
    assert_true(fo >= 0 && fe >= 0);
    unlink(po);
    unlink(pe);
    int in[2];
    assert_int_equal(pipe(in), 0);
    const char *argv[64];
    int n = 0;
    argv[n++] = bin;
    for (; args[n - 1] && n < 63; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(fo, 1);
        dup2(fe, 2);
        close(in[1]);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    close(in[0]);
    if (input) {
        size_t len = strlen(input), off = 0;
        while (off < len) {
            ssize_t w = write(in[1], input + off, len - off);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
    }
    close(in[1]);
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    r->out = slurp(fo);
    r->err = slurp(fe);
    close(fo);
    close(fe);
}

#define RUN(r, input, ...)                                                                         \
    do {                                                                                           \
        const char *const args_[] = {__VA_ARGS__, NULL};                                           \
        run_args((r), (input), args_);                                                             \
    } while (0)

static void run_free(struct run *r)
{
    free(r->out);
    free(r->err);
}

/* The last line of text (without its newline). */
static const char *last_line(const char *text)
{
    static char line[512];
    size_t n = strlen(text);
    while (n > 0 && text[n - 1] == '\n')
        n--;
    size_t s = n;
    while (s > 0 && text[s - 1] != '\n')
        s--;
    snprintf(line, sizeof(line), "%.*s", (int)(n - s), text + s);
    return line;
}

static void write_file(const char *path, const char *text)
{
    char dir[1024];
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

/* Compiles a module into dir/name.so with the project's public header; `source` may name several
 * files written as "a.c' 'b.c" (each is single-quoted in the command). */
static void compile_module(const char *source, const char *outdir, const char *name)
{
    char cmd[4096];
    mkdir(outdir, 0755);
    snprintf(cmd, sizeof(cmd),
             "cc -std=c11 -Wall -Wextra -Werror -fPIC -shared -I'%s/include' -o '%s/%s.so' '%s'",
             src, outdir, name, source);
    int rc = system(cmd);
    if (rc != 0)
        fail_msg("cannot compile %s (%s)", source, cmd);
}

static int group_setup(void **state)
{
    (void)state;
    bin = getenv("HOOKSTACK_BIN");
    mods = getenv("HS_MODULES_DIR");
    src = getenv("HS_SOURCE_DIR");
    if (!bin || !mods || !src) {
        fprintf(stderr,
                "HOOKSTACK_BIN, HS_MODULES_DIR and HS_SOURCE_DIR must be set (ctest does)\n");
        return -1;
    }
    snprintf(tmp_root, sizeof(tmp_root), "/tmp/hs-cli-XXXXXX");
    return mkdtemp(tmp_root) ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_root);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- help and usage ---------------------------------------------------------------------------
 */

static void test_help_of_every_command(void **state)
{
    (void)state;
    const char *cmds[] = {"hooks", "invoke", "test", "new", "serve"};
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        struct run r;
        RUN(&r, NULL, cmds[i], "--help");
        assert_int_equal(r.status, 0);
        char want[64];
        snprintf(want, sizeof(want), "usage: hookstack %s", cmds[i]);
        if (strncmp(r.out, want, strlen(want)) != 0)
            fail_msg("%s --help printed: %s", cmds[i], r.out);
        assert_string_equal(r.err, "");
        run_free(&r);
        RUN(&r, NULL, cmds[i], "-h");
        assert_int_equal(r.status, 0);
        assert_memory_equal(r.out, want, strlen(want));
        run_free(&r);
    }
}

/* A usage error is one line on stderr naming the command, and exit status 2. */
static void assert_one_line_usage_error(struct run *r, const char *cmd, const char *fragment)
{
    assert_int_equal(r->status, 2);
    assert_string_equal(r->out, "");
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "hookstack %s: ", cmd);
    if (strncmp(r->err, prefix, strlen(prefix)) != 0 || !strstr(r->err, fragment) ||
        strchr(r->err, '\n') != r->err + strlen(r->err) - 1)
        fail_msg("expected one line '%s...%s...', got: %s", prefix, fragment, r->err);
}

static void test_usage_errors(void **state)
{
    (void)state;
    struct run r;
    RUN(&r, NULL, "invoke");
    assert_one_line_usage_error(&r, "invoke", "which function?");
    run_free(&r);
    RUN(&r, NULL, "invoke", "doSomething", "--bogus");
    assert_one_line_usage_error(&r, "invoke", "unknown option '--bogus'");
    run_free(&r);
    RUN(&r, NULL, "invoke", "doSomething", "--type");
    assert_one_line_usage_error(&r, "invoke", "--type needs a value");
    run_free(&r);
    RUN(&r, NULL, "invoke", "doSomething", "--timeout", "soon");
    assert_one_line_usage_error(&r, "invoke", "--timeout: expected seconds");
    run_free(&r);
    RUN(&r, NULL, "test", "a", "b");
    assert_one_line_usage_error(&r, "test", "one folder at a time");
    run_free(&r);
    RUN(&r, NULL, "hooks", "extra");
    assert_one_line_usage_error(&r, "hooks", "unknown argument 'extra'");
    run_free(&r);
    RUN(&r, NULL, "new", "demo");
    assert_one_line_usage_error(&r, "new", "hookstack new MODULE FUNCTION --kind KIND");
    run_free(&r);
    RUN(&r, NULL, "new", "demo", "fn", "--kind", "preLunch");
    assert_one_line_usage_error(&r, "new", "unknown kind 'preLunch'");
    run_free(&r);
    RUN(&r, NULL, "new", "de mo", "fn", "--kind", "preMap");
    assert_one_line_usage_error(&r, "new", "module name 'de mo'");
    run_free(&r);
    RUN(&r, NULL, "new", "demo", "my-fn", "--kind", "preMap");
    assert_one_line_usage_error(&r, "new", "function name 'my-fn'");
    run_free(&r);
}

/* ---- hooks ------------------------------------------------------------------------------------
 */

static void test_hooks_lists_the_conformance_module(void **state)
{
    (void)state;
    struct run r;
    RUN(&r, NULL, "hooks", "--modules", mods);
    assert_int_equal(r.status, 0);
    assert_memory_equal(r.out, "MODULE", 6);
    const char *line = strstr(r.out, "\nconformance ");
    assert_non_null(line);
    const char *fn = strstr(r.out, " doSomething ");
    assert_non_null(fn);
    const char *eol = strchr(fn, '\n');
    char row[1024];
    snprintf(row, sizeof(row), "%.*s", (int)(eol - fn), fn);
    assert_non_null(strstr(row, "diy," C1));
    assert_non_null(strstr(row, "hooks (type hook)"));
    assert_non_null(strstr(r.out, "importOptions"));
    assert_non_null(strstr(r.out, "wrappers (type wrapper)"));
    assert_non_null(strstr(r.out, "installer (type installer)"));
    run_free(&r);

    RUN(&r, NULL, "hooks", "--json", "--modules", mods);
    assert_int_equal(r.status, 0);
    cJSON *root = cJSON_Parse(r.out);
    assert_non_null(root);
    cJSON *fns = cJSON_GetObjectItem(root, "functions");
    assert_true(cJSON_IsArray(fns));
    assert_true(cJSON_GetArraySize(fns) >= 16);
    int found = 0;
    cJSON *f;
    cJSON_ArrayForEach(f, fns)
    {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(f, "function"));
        if (!name || strcmp(name, "persistSettings") != 0)
            continue;
        found++;
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(f, "module")), "conformance");
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(f, "group")), "settings");
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(f, "type")), "setting");
        assert_true(cJSON_IsTrue(cJSON_GetObjectItem(f, "diy")));
        cJSON *conns = cJSON_GetObjectItem(f, "connectors");
        assert_int_equal(cJSON_GetArraySize(conns), 2);
        assert_string_equal(cJSON_GetStringValue(cJSON_GetArrayItem(conns, 0)), C1);
        assert_true(cJSON_IsBool(cJSON_GetObjectItem(f, "topLevel")));
        assert_true(cJSON_IsString(cJSON_GetObjectItem(f, "description")));
        assert_true(cJSON_IsString(cJSON_GetObjectItem(f, "kind")));
    }
    assert_int_equal(found, 1);
    /* $HS_MODULES_DIR is build/protocol-modules/: the conformance module alone, whatever modules
     * hooks/ holds (the project's tests never load build/modules/). */
    cJSON *ms = cJSON_GetObjectItem(root, "modules");
    assert_int_equal(cJSON_GetArraySize(ms), 1);
    assert_string_equal(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(ms, 0), "name")),
        "conformance");
    cJSON_Delete(root);
    run_free(&r);

    /* A folder that does not exist is reported on one line. */
    RUN(&r, NULL, "hooks", "--modules", "/nonexistent/hs-modules");
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err, "hookstack hooks: "));
    assert_non_null(strstr(r.err, "/nonexistent/hs-modules"));
    run_free(&r);
}

/* ---- invoke -----------------------------------------------------------------------------------
 */

static void test_invoke_success_and_error_exit_codes(void **state)
{
    (void)state;
    char opts[256], full[256];
    snprintf(opts, sizeof(opts), "%s/opts.json", tmp_root);
    write_file(opts, "{\"amount\": 12.50, \"b\": [1, 2]}\n");

    struct run r;
    RUN(&r, NULL, "invoke", "doSomething", opts, "--type", "hook", "--modules", mods);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "[{\"amount\":12.5,\"b\":[1,2],\"function\":\"doSomething\"}]\n");
    run_free(&r);

    /* The function's own failure: 422 body on stdout, the status on stderr, exit 1. */
    RUN(&r, NULL, "invoke", "doSomethingError", opts, "--type=hook", "--modules", mods);
    assert_int_equal(r.status, 1);
    assert_string_equal(
        r.out, "{\"errors\":[{\"message\":\"doSomethingError\",\"code\":\"my_error\"}]}\n");
    assert_non_null(strstr(r.err, "hookstack invoke: status 422\n"));
    run_free(&r);

    /* No --type: framework 2.0, the top level, where the conformance module has nothing. */
    RUN(&r, NULL, "invoke", "doSomething", opts, "--modules", mods);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "\"code\":\"invalid_function\""));
    assert_non_null(strstr(r.err, "status 422"));
    assert_non_null(strstr(r.err, "hookstack invoke: doSomething is in the hooks group of module "
                                  "conformance (framework 1.0): add --type hook\n"));
    run_free(&r);

    /* No FILE: options {}; --connector instead of DIY. */
    RUN(&r, NULL, "invoke", "runInstallerSuccessStep", "--type", "installer", "--connector", C1,
        "--modules", mods);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "{\"function\":\"runInstallerSuccessStep\"}\n");
    run_free(&r);

    /* A whole request body on standard input is sent as it is. */
    RUN(&r,
        "{\"diy\":true,\"type\":\"wrapper\",\"function\":\"importOptions\",\"options\":{\"k\":1}}",
        "invoke", "importOptions", "-", "--modules", mods);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "[{\"statusCode\":200,\"id\":{\"k\":1}}]\n");
    run_free(&r);

    /* A whole body whose function is another one is refused. */
    snprintf(full, sizeof(full), "%s/full.json", tmp_root);
    write_file(full,
               "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"options\":{}}");
    RUN(&r, NULL, "invoke", "doSomething", full, "--modules", mods);
    assert_one_line_usage_error(&r, "invoke", "another function than 'doSomething'");
    run_free(&r);

    /* Validation answers come through unchanged: options missing -> 422. */
    RUN(&r, "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\",\"options\":null}",
        "invoke", "doSomething", "-", "--modules", mods);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":"
                               "\"Function options haven't been provided.\"}]}\n");
    run_free(&r);

    /* echoResponse without resp: 200 and an empty body, so nothing on stdout. */
    RUN(&r, "{}", "invoke", "echoResponse", "-", "--type", "hook", "--modules", mods);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    run_free(&r);
}

static void test_invoke_reports_bad_input(void **state)
{
    (void)state;
    char bad[256];
    snprintf(bad, sizeof(bad), "%s/bad.json", tmp_root);
    write_file(bad, "{\n  \"a\": 1,\n  \"b\": tru\n}\n");
    struct run r;
    RUN(&r, NULL, "invoke", "doSomething", bad, "--modules", mods);
    assert_int_equal(r.status, 1);
    char want[512];
    snprintf(want, sizeof(want), "hookstack invoke: %s:3:", bad);
    assert_memory_equal(r.err, want, strlen(want));
    assert_string_equal(r.out, "");
    run_free(&r);
    RUN(&r, "[1,", "invoke", "doSomething", "-", "--modules", mods);
    assert_int_equal(r.status, 1);
    assert_memory_equal(r.err, "hookstack invoke: standard input:1:", 35);
    run_free(&r);
    RUN(&r, NULL, "invoke", "doSomething", "/nonexistent/x.json", "--modules", mods);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.err,
                        "hookstack invoke: /nonexistent/x.json: No such file or directory\n");
    run_free(&r);
}

static const char crash_module[] =
    "#include <stdlib.h>\n"
    "#include \"hookstack.h\"\n"
    "static hs_status crash_now(hs_ctx *ctx, hs_json *options, hs_json **result)\n"
    "{\n"
    "    (void)ctx; (void)options; (void)result;\n"
    "    abort(); /* SIGABRT in every build */\n"
    "    return HS_OK;\n"
    "}\n"
    "static hs_status hang(hs_ctx *ctx, hs_json *options, hs_json **result)\n"
    "{\n"
    "    (void)ctx; (void)options; (void)result;\n"
    "    for (;;)\n"
    "        pause();\n"
    "    return HS_OK;\n"
    "}\n"
    "static hs_status say(hs_ctx *ctx, hs_json *options, hs_json **result)\n"
    "{\n"
    "    (void)ctx; (void)options; (void)result;\n"
    "    puts(\"printed by a hook\");\n"
    "    *result = options;\n"
    "    return HS_OK;\n"
    "}\n"
    "static hs_status init(const hs_api *api, hs_module *mod)\n"
    "{\n"
    "    hs_status st = api->register_fn(mod, \"crashNow\", HS_KIND_UTILITY, crash_now, NULL);\n"
    "    if (st == HS_OK)\n"
    "        st = api->register_fn(mod, \"hangForever\", HS_KIND_UTILITY, hang, NULL);\n"
    "    if (st == HS_OK)\n"
    "        st = api->register_fn(mod, \"sayHello\", HS_KIND_UTILITY, say, NULL);\n"
    "    return st;\n"
    "}\n"
    "HS_MODULE(\"clicrash\", \"1.0.0\", init)\n";

static void test_invoke_survives_crash_and_hang(void **state)
{
    (void)state;
    char source[256], dir[256];
    snprintf(source, sizeof(source), "%s/clicrash.c", tmp_root);
    snprintf(dir, sizeof(dir), "%s/crash-mods", tmp_root);
    /* pause() needs unistd.h; keep the module's includes minimal but complete. */
    char text[sizeof(crash_module) + 64];
    snprintf(text, sizeof(text), "#include <stdio.h>\n#include <unistd.h>\n%s", crash_module);
    write_file(source, text);
    compile_module(source, dir, "clicrash");

    struct run r;
    RUN(&r, NULL, "invoke", "crashNow", "--modules", dir);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "{\"errors\":[{\"code\":\"hook_crashed\",\"message\":\"The function "
                               "crashNow crashed: its worker was killed by signal 6 "
                               "(SIGABRT).\"}]}\n");
    assert_non_null(strstr(r.err, "hookstack invoke: status 500 (the function crashed)\n"));
    run_free(&r);

    RUN(&r, NULL, "invoke", "hangForever", "--timeout", "0.3", "--modules", dir);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "{\"errors\":[{\"code\":\"hook_timeout\",\"message\":\"The function "
                               "hangForever did not finish within 300 ms; its worker was "
                               "stopped.\"}]}\n");
    assert_non_null(strstr(r.err, "status 500 (the function timed out)"));
    run_free(&r);

    /* What a hook prints goes to stderr, never into the answer on stdout. */
    RUN(&r, "{\"x\":1}", "invoke", "sayHello", "-", "--modules", dir);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "{\"x\":1}\n");
    assert_non_null(strstr(r.err, "printed by a hook"));
    run_free(&r);

    /* In test, a crash is a failing case and the run goes on to the next one. */
    char fx[256];
    snprintf(fx, sizeof(fx), "%s/crash-fixtures/clicrash/crashNow/a.request.json", tmp_root);
    write_file(fx, "{\"diy\":true,\"function\":\"crashNow\",\"options\":{}}");
    snprintf(fx, sizeof(fx), "%s/crash-fixtures/clicrash/crashNow/a.response.json", tmp_root);
    write_file(fx, "{}");
    snprintf(fx, sizeof(fx), "%s/crash-fixtures/clicrash/sayHello/b.request.json", tmp_root);
    write_file(fx, "{\"diy\":true,\"function\":\"sayHello\",\"options\":{\"y\":2}}");
    snprintf(fx, sizeof(fx), "%s/crash-fixtures/clicrash/sayHello/b.response.json", tmp_root);
    write_file(fx, "{\"y\":2}");
    snprintf(fx, sizeof(fx), "%s/crash-fixtures", tmp_root);
    RUN(&r, NULL, "test", fx, "--modules", dir);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "FAIL clicrash/crashNow/a ("));
    assert_non_null(strstr(r.out, "  status: expected 200, got 500\n"));
    assert_non_null(strstr(r.out, "hook_crashed"));
    assert_non_null(strstr(r.out, "ok   clicrash/sayHello/b\n"));
    assert_string_equal(last_line(r.out), "1 passed, 1 failed");
    run_free(&r);
}

/* ---- test -------------------------------------------------------------------------------------
 */

static void test_test_passes_on_the_tree(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/tests/fixtures/conformance", src);
    struct run r;
    RUN(&r, NULL, "test", dir, "--modules", mods);
    if (r.status != 0)
        fail_msg("hookstack test failed:\n%s\n%s", r.out, r.err);
    unsigned passed = 0, failed = 1;
    assert_int_equal(sscanf(last_line(r.out), "%u passed, %u failed", &passed, &failed), 2);
    assert_int_equal(failed, 0);
    assert_true(passed >= 40);
    assert_non_null(strstr(r.out, "ok   doSomething/basic\n"));
    run_free(&r);

    /* The conformance cases hold the reference server's exact bytes: --exact holds too. */
    RUN(&r, NULL, "test", dir, "--exact", "-q", "--modules", mods);
    if (r.status != 0)
        fail_msg("hookstack test --exact failed:\n%s\n%s", r.out, r.err);
    run_free(&r);

    /* -q keeps only the summary when all pass. */
    RUN(&r, NULL, "test", dir, "-q", "--modules", mods);
    assert_int_equal(r.status, 0);
    assert_true(strlen(r.out) > 0);
    assert_ptr_equal(strchr(r.out, '\n'), r.out + strlen(r.out) - 1); /* one line */
    assert_int_equal(sscanf(r.out, "%u passed, %u failed", &passed, &failed), 2);
    assert_int_equal(failed, 0);
    run_free(&r);
}

static void test_test_fails_with_path_diff(void **state)
{
    (void)state;
    char p[1024], dir[256];
    snprintf(dir, sizeof(dir), "%s/failing", tmp_root);
    snprintf(p, sizeof(p), "%s/conformance/doSomething/amount.request.json", dir);
    write_file(p, "{\"diy\":true,\"type\":\"hook\",\"function\":\"doSomething\","
                  "\"options\":{\"amount\":12.5,\"currency\":\"EUR\"}}\n");
    snprintf(p, sizeof(p), "%s/conformance/doSomething/amount.response.json", dir);
    /* Key order and number spelling differ but do not matter; only amount does. */
    write_file(p, "[{\"function\":\"doSomething\",\"currency\":\"EUR\",\"amount\":12.50000001}]\n");
    struct run r;
    RUN(&r, NULL, "test", dir, "--modules", mods);
    assert_int_equal(r.status, 1);
    char want[2048];
    snprintf(
        want, sizeof(want),
        "FAIL conformance/doSomething/amount (%s/conformance/doSomething/amount.request.json)\n"
        "  $[0].amount: expected 12.50000001, got 12.5\n"
        "0 passed, 1 failed\n",
        dir);
    assert_string_equal(r.out, want);
    run_free(&r);

    /* A status mismatch, and a response file that is not JSON (named with line and column). */
    snprintf(p, sizeof(p), "%s/conformance/doSomething/amount.response.json", dir);
    write_file(p, "[{\"function\":\"doSomething\",\"currency\":\"EUR\",\"amount\":12.5}]\n");
    snprintf(p, sizeof(p), "%s/conformance/doSomething/amount.status", dir);
    write_file(p, "201\n");
    snprintf(p, sizeof(p), "%s/conformance/echoResponse/x.request.json", dir);
    write_file(p, "{\"diy\":true,\"type\":\"hook\",\"function\":\"echoResponse\",\"options\":{}}");
    snprintf(p, sizeof(p), "%s/conformance/echoResponse/x.response.json", dir);
    write_file(p, "{\n  \"a\": [1, 2,]\n}\n");
    RUN(&r, NULL, "test", dir, "--modules", mods);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "  status: expected 201, got 200\n"));
    snprintf(want, sizeof(want), "FAIL conformance/echoResponse/x\n  %s:2:", p);
    assert_non_null(strstr(r.out, want));
    assert_string_equal(last_line(r.out), "0 passed, 2 failed");
    run_free(&r);

    /* Key order does not matter, except with --exact. */
    char exact_dir[512];
    snprintf(exact_dir, sizeof(exact_dir), "%s/exact", tmp_root);
    snprintf(p, sizeof(p), "%s/conformance/importOptions/k.request.json", exact_dir);
    write_file(p, "{\"diy\":true,\"type\":\"wrapper\",\"function\":\"importOptions\","
                  "\"options\":{\"a\":1}}");
    snprintf(p, sizeof(p), "%s/conformance/importOptions/k.response.json", exact_dir);
    write_file(p, "[{\"id\":{\"a\":1},\"statusCode\":200}]\n");
    RUN(&r, NULL, "test", exact_dir, "--modules", mods);
    assert_int_equal(r.status, 0);
    assert_string_equal(last_line(r.out), "1 passed, 0 failed");
    run_free(&r);
    RUN(&r, NULL, "test", exact_dir, "--exact", "--modules", mods);
    assert_int_equal(r.status, 1);
    assert_non_null(
        strstr(r.out, "  bytes differ at offset 3: expected ...[{\"id\":{\"a\":1},"
                      "\"statusCode\":200}], got ...[{\"statusCode\":200,\"id\":{\"a\":1}}]\n"));
    assert_string_equal(last_line(r.out), "0 passed, 1 failed");
    run_free(&r);

    /* An empty folder has no cases: that fails too. */
    snprintf(p, sizeof(p), "%s/empty", tmp_root);
    mkdir(p, 0755);
    RUN(&r, NULL, "test", p, "--modules", mods);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "0 passed, 0 failed\n");
    assert_non_null(strstr(r.err, "no fixture cases under"));
    run_free(&r);
}

/* ---- new --------------------------------------------------------------------------------------
 */

static void test_new_scaffolds_passing_cases_for_every_kind(void **state)
{
    (void)state;
    static const char *const kinds[] = {
        "preSavePage",   "preMap",    "postMap", "postSubmit", "postResponseMap",
        "postAggregate", "branching", "wrapper", "setting",    "installer",
        "uninstaller",   "utility",   "raw"};
    char root[256], built[256];
    snprintf(root, sizeof(root), "%s/repo", tmp_root);
    snprintf(built, sizeof(built), "%s/repo-modules", tmp_root);
    char hooks[300];
    snprintf(hooks, sizeof(hooks), "%s/hooks", root);
    mkdir(root, 0755);

    struct run r;
    RUN(&r, NULL, "new", "demo", "demoPreMap", "--kind", "preMap", "--root", root);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "no hooks/ folder in"));
    run_free(&r);
    mkdir(hooks, 0755);

    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        char module[64], fn[64], source[512];
        snprintf(module, sizeof(module), "demo%zu", i);
        snprintf(fn, sizeof(fn), "demo%s", kinds[i]);
        RUN(&r, NULL, "new", module, fn, "--kind", kinds[i], "--root", root);
        if (r.status != 0)
            fail_msg("new %s %s: %s", module, fn, r.err);
        assert_non_null(strstr(r.out, "created "));
        run_free(&r);
        snprintf(source, sizeof(source), "%s/hooks/%s/%s.c", root, module, module);
        compile_module(source, built, module);
    }
    char fixtures[300];
    snprintf(fixtures, sizeof(fixtures), "%s/test-fixtures", root);
    RUN(&r, NULL, "test", fixtures, "--modules", built);
    if (r.status != 0)
        fail_msg("scaffolded cases fail:\n%s\n%s", r.out, r.err);
    assert_string_equal(last_line(r.out), "13 passed, 0 failed");
    run_free(&r);

    /* Run again: nothing is overwritten. */
    RUN(&r, NULL, "new", "demo1", "demopreMap", "--kind", "preMap", "--root", root);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "already exists; nothing was written"));
    run_free(&r);

    /* An existing module gets FUNCTION.c and the lines to add to its init; with them added, the
     * module registers both functions and both cases pass. */
    RUN(&r, NULL, "new", "demo1", "second", "--kind", "utility", "--root", root);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "        st = second_register(api, mod);\n"));
    run_free(&r);
    char path[512], text[8192];
    snprintf(path, sizeof(path), "%s/hooks/demo1/demo1.c", root);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    char *inc = strstr(text, "#include \"hookstack.h\"\n");
    char *ret = strstr(text, "    return st;\n}");
    assert_non_null(inc);
    assert_non_null(ret);
    char edited[9000];
    inc += strlen("#include \"hookstack.h\"\n");
    snprintf(edited, sizeof(edited),
             "%.*shs_status second_register(const hs_api *a, hs_module *mod);\n%.*s"
             "    if (st == HS_OK)\n        st = second_register(api, mod);\n%s",
             (int)(inc - text), text, (int)(ret - inc), inc, ret);
    write_file(path, edited);
    char sources[1100], built2[300], fixtures1[300];
    snprintf(sources, sizeof(sources), "%s' '%s/hooks/demo1/second.c", path, root);
    snprintf(built2, sizeof(built2), "%s/repo-modules2", tmp_root);
    compile_module(sources, built2, "demo1");
    snprintf(fixtures1, sizeof(fixtures1), "%s/test-fixtures/demo1", root);
    RUN(&r, NULL, "test", fixtures1, "--modules", built2);
    if (r.status != 0)
        fail_msg("module with an added function fails:\n%s\n%s", r.out, r.err);
    assert_string_equal(last_line(r.out), "2 passed, 0 failed");
    run_free(&r);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* A FUNCTION some module already registers is refused before anything is written: in another
 * module (the two would clash when loaded) and in its own module (a dead duplicate). */
static void test_new_refuses_a_registered_function(void **state)
{
    (void)state;
    char root[256], hooks[300], p[600], want[1024];
    snprintf(root, sizeof(root), "%s/repo-dup", tmp_root);
    mkdir(root, 0755);
    snprintf(hooks, sizeof(hooks), "%s/hooks", root);
    mkdir(hooks, 0755);
    struct run r;
    RUN(&r, NULL, "new", "one", "greetOne", "--kind", "utility", "--root", root);
    assert_int_equal(r.status, 0);
    run_free(&r);

    RUN(&r, NULL, "new", "two", "greetOne", "--kind", "utility", "--root", root);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "");
    /* The scaffold registers the function on line 25 of one.c. */
    snprintf(want, sizeof(want),
             "hookstack new: function 'greetOne' is already registered at %s/hooks/one/one.c:25; "
             "a second registration would stop the modules from loading. Pick another name; "
             "nothing was written\n",
             root);
    assert_string_equal(r.err, want);
    run_free(&r);
    snprintf(p, sizeof(p), "%s/hooks/two", root);
    assert_false(exists(p));
    snprintf(p, sizeof(p), "%s/test-fixtures/two", root);
    assert_false(exists(p));

    /* Its own module, with the fixture case gone: no second greetOne.c. */
    char cmd[700];
    snprintf(cmd, sizeof(cmd), "rm -r '%s/test-fixtures/one/greetOne'", root);
    assert_int_equal(system(cmd), 0);
    RUN(&r, NULL, "new", "one", "greetOne", "--kind", "utility", "--root", root);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "function 'greetOne' is already registered at "));
    run_free(&r);
    snprintf(p, sizeof(p), "%s/hooks/one/greetOne.c", root);
    assert_false(exists(p));
    snprintf(p, sizeof(p), "%s/test-fixtures/one/greetOne", root);
    assert_false(exists(p));

    /* Another name in the same module is fine. */
    RUN(&r, NULL, "new", "one", "greetTwo", "--kind", "utility", "--root", root);
    assert_int_equal(r.status, 0);
    run_free(&r);
}

/* --kind ignores case: premap scaffolds a preMap hook. */
static void test_new_kind_in_any_case(void **state)
{
    (void)state;
    char root[256], hooks[300], path[600], text[8192];
    snprintf(root, sizeof(root), "%s/repo-case", tmp_root);
    mkdir(root, 0755);
    snprintf(hooks, sizeof(hooks), "%s/hooks", root);
    mkdir(hooks, 0755);
    struct run r;
    RUN(&r, NULL, "new", "lower", "lowerPre", "--kind", "premap", "--root", root);
    assert_int_equal(r.status, 0);
    run_free(&r);
    RUN(&r, NULL, "new", "upper", "upperPost", "--kind", "POSTSUBMIT", "--root", root);
    assert_int_equal(r.status, 0);
    run_free(&r);
    snprintf(path, sizeof(path), "%s/hooks/lower/lower.c", root);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_non_null(strstr(text, "HS_KIND_PRE_MAP"));
    assert_non_null(strstr(text, "lowerPre: a preMap hook."));
    RUN(&r, NULL, "new", "--help");
    assert_non_null(strstr(r.out, "KIND is one of (in any case: premap is preMap):"));
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_of_every_command),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_hooks_lists_the_conformance_module),
        cmocka_unit_test(test_invoke_success_and_error_exit_codes),
        cmocka_unit_test(test_invoke_reports_bad_input),
        cmocka_unit_test(test_invoke_survives_crash_and_hang),
        cmocka_unit_test(test_test_passes_on_the_tree),
        cmocka_unit_test(test_test_fails_with_path_diff),
        cmocka_unit_test(test_new_scaffolds_passing_cases_for_every_kind),
        cmocka_unit_test(test_new_refuses_a_registered_function),
        cmocka_unit_test(test_new_kind_in_any_case),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
