/* test_flows.c — `hookstack flows` through the real binary ($HOOKSTACK_BIN): --help and usage
 * errors; validate on the repository's flows/ against the sfns module ($HS_HOOK_MODULES_DIR), and
 * on the broken folders of tests/flows-bad/ (wrong hook kind, missing hook, dangling reference,
 * broken JSON, missing required field) with the exact FILE:LINE:COLUMN lines; fmt; and export
 * then import of a copy of flows/ changing no file, byte for byte, with the same zip twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "integration/harness_run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *bin, *mods, *src;
static char tmp_root[64];

static char *slurp_fd_len(int fd, size_t *len)
{
    char *b = hst_fd_read_all(fd, len);
    assert_non_null(b);
    return b;
}

/* Runs the binary with args. */
static void run_args(struct hst_run *r, const char *const *args)
{
    const char *argv[32];
    int n = 0;
    argv[n++] = bin;
    for (; args[n - 1] && n < 31; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    assert_int_equal(hst_run(r, argv, NULL), 0);
}

#define RUN(r, ...)                                                                                \
    do {                                                                                           \
        const char *const args_[] = {__VA_ARGS__, NULL};                                           \
        run_args((r), args_);                                                                      \
    } while (0)

static void shell(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    assert_int_equal(system(cmd), 0);
}

static char *read_all(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    char *b = slurp_fd_len(fd, len);
    close(fd);
    return b;
}

static int setup(void **state)
{
    (void)state;
    bin = getenv("HOOKSTACK_BIN");
    mods = getenv("HS_HOOK_MODULES_DIR");
    src = getenv("HS_SOURCE_DIR");
    if (!bin || !mods || !src)
        return -1;
    snprintf(tmp_root, sizeof(tmp_root), "/tmp/hs-flows-XXXXXX");
    return mkdtemp(tmp_root) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_root);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_help_and_usage(void **state)
{
    (void)state;
    struct hst_run r;
    static const char *const cmds[] = {"validate", "fmt", "import", "export"};
    RUN(&r, "flows", "--help");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "usage: hookstack flows COMMAND"));
    hst_run_free(&r);
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        RUN(&r, "flows", cmds[i], "--help");
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "usage: hookstack flows"));
        assert_non_null(strstr(r.out, cmds[i]));
        hst_run_free(&r);
    }
    RUN(&r, "flows", "bogus");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "unknown command 'bogus'"));
    hst_run_free(&r);
    RUN(&r, "flows", "validate", "a", "b");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "unexpected argument 'b'"));
    hst_run_free(&r);
    RUN(&r, "flows", "export", "only-dir");
    assert_int_equal(r.status, 2);
    hst_run_free(&r);
    RUN(&r, "flows", "import", "x.zip", "--region", "MARS");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--region is US or EU"));
    hst_run_free(&r);
    RUN(&r, "--help");
    assert_non_null(strstr(r.out, "flows"));
    hst_run_free(&r);
}

static void test_validate_repository_flows(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/flows", src);
    struct hst_run r;
    RUN(&r, "flows", "validate", dir, "--modules", mods);
    if (r.status != 0)
        print_message("%s%s", r.out, r.err);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "valid"));
    hst_run_free(&r);
    /* without the sfns module every hook is missing */
    char empty[128];
    snprintf(empty, sizeof(empty), "%s/no-modules", tmp_root);
    assert_int_equal(mkdir(empty, 0700), 0);
    RUN(&r, "flows", "validate", dir, "--modules", empty);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "names sfnsAccountToCustomer, which no loaded module registers"));
    assert_non_null(strstr(r.out, "/v1/hooks/sfnsOrderRoute: no loaded module registers"));
    hst_run_free(&r);
}

/* validate on tests/flows-bad/<name>: exit 1 and exactly the expected stdout. */
static void expect_bad(const char *name, const char *want)
{
    char dir[1024], expect[4096];
    snprintf(dir, sizeof(dir), "%s/tests/flows-bad/%s", src, name);
    snprintf(expect, sizeof(expect), want, dir);
    struct hst_run r;
    RUN(&r, "flows", "validate", dir, "--modules", mods);
    if (strcmp(r.out, expect) != 0)
        print_message("got:\n%s%s", r.out, r.err);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, expect);
    assert_non_null(strstr(r.err, "1 finding"));
    hst_run_free(&r);
}

static void test_validate_broken_folders(void **state)
{
    (void)state;
    expect_bad("wrong-kind",
               "%s/imports/netsuite-sales-orders.json:8:7: hooks.preMap: hook preMap names "
               "sfnsSalesOrderResult, a postSubmit function; this hook point needs a preMap "
               "function\n");
    expect_bad("missing-hook",
               "%s/imports/netsuite-sales-orders.json:8:7: hooks.postSubmit: hook postSubmit "
               "names sfnsNoSuchFunction, which no loaded module registers\n");
    expect_bad("dangling-reference",
               "%s/imports/netsuite-sales-orders.json:3:3: _connectionId: dangling reference "
               "\"@connections/salesforce\": there is no connections/salesforce.json\n");
    expect_bad("broken-json", "%s/imports/netsuite-sales-orders.json:5:3: invalid JSON: "
                              "unexpected character '\"'\n");
    expect_bad("missing-field", "%s/imports/netsuite-sales-orders.json:5:3: "
                                "netsuite_da.recordType must be a non-empty string (required on "
                                "this import)\n");
}

/* Every file under dir, as "relative-path\n<bytes>\n" concatenated in name order. */
static void snapshot(const char *dir, const char *rel, char **acc, size_t *len)
{
    char path[2048];
    snprintf(path, sizeof(path), "%s%s%s", dir, rel[0] ? "/" : "", rel);
    struct dirent **ents;
    int n = scandir(path, &ents, NULL, alphasort);
    assert_true(n >= 0);
    for (int i = 0; i < n; i++) {
        const char *e = ents[i]->d_name;
        char sub[2048], full[4096];
        snprintf(sub, sizeof(sub), "%s%s%s", rel, rel[0] ? "/" : "", e);
        snprintf(full, sizeof(full), "%s/%s", dir, sub);
        struct stat st;
        if (e[0] != '.' && stat(full, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                snapshot(dir, sub, acc, len);
            } else {
                size_t fl;
                char *data = read_all(full, &fl);
                assert_non_null(data);
                *acc = realloc(*acc, *len + strlen(sub) + fl + 3);
                assert_non_null(*acc);
                *len += (size_t)sprintf(*acc + *len, "%s\n", sub);
                memcpy(*acc + *len, data, fl);
                *len += fl;
                (*acc)[(*len)++] = '\n';
                free(data);
            }
        }
        free(ents[i]);
    }
    free(ents);
}

/* Appends "@TYPE/NAME": id for every file of DIR/TYPE to the JSON text at out. */
static void ids_of(const char *dir, const char *type, unsigned *seq, char *out, size_t cap)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, type);
    struct dirent **ents;
    int n = scandir(path, &ents, NULL, alphasort);
    assert_true(n >= 0);
    for (int i = 0; i < n; i++) {
        size_t l = strlen(ents[i]->d_name);
        if (l > 5 && strcmp(ents[i]->d_name + l - 5, ".json") == 0)
            snprintf(out + strlen(out), cap - strlen(out), ",\"@%s/%.*s\":\"65aa%020u\"", type,
                     (int)(l - 5), ents[i]->d_name, ++*seq);
        free(ents[i]);
    }
    free(ents);
}

static void test_export_import_round_trip(void **state)
{
    (void)state;
    char t[256], zip1[256], zip2[256];
    snprintf(t, sizeof(t), "%s/copy", tmp_root);
    snprintf(zip1, sizeof(zip1), "%s/one.zip", tmp_root);
    snprintf(zip2, sizeof(zip2), "%s/two.zip", tmp_root);
    shell("cp -r '%s/flows' '%s'", src, t);
    /* a script: its metadata and its code travel as two files */
    shell("mkdir -p '%s/scripts' && printf '{\\n  \"name\": \"Helper\"\\n}\\n' > "
          "'%s/scripts/helper.json' && printf 'function f(o) {\\n  return o;\\n}\\n' > "
          "'%s/scripts/helper.js'",
          t, t, t);
    /* the environment a pull would have recorded: an id for every resource */
    static char env[16384];
    unsigned seq = 0;
    snprintf(env, sizeof(env),
             "{\"name\":\"production\",\"region\":\"US\",\"ids\":{"
             "\"@integration\":\"65aa00000000000000000000\"");
    static const char *const types[] = {"connections", "exports", "imports",
                                        "flows",       "scripts", "stacks"};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        ids_of(t, types[i], &seq, env, sizeof(env));
    snprintf(env + strlen(env), sizeof(env) - strlen(env), "}}");
    char envpath[512];
    snprintf(envpath, sizeof(envpath), "%s/environments/production.json", t);
    FILE *fp = fopen(envpath, "w");
    assert_non_null(fp);
    fputs(env, fp);
    fclose(fp);
    struct hst_run r;
    RUN(&r, "flows", "fmt", t);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "environments/production.json")); /* the one rewritten */
    hst_run_free(&r);
    RUN(&r, "flows", "validate", t, "--modules", mods);
    if (r.status != 0)
        print_message("%s%s", r.out, r.err);
    assert_int_equal(r.status, 0);
    hst_run_free(&r);
    char *before = NULL, *after = NULL;
    size_t blen = 0, alen = 0;
    snapshot(t, "", &before, &blen);

    RUN(&r, "flows", "export", t, zip1, "--env", "production");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "wrote"));
    hst_run_free(&r);
    RUN(&r, "flows", "export", t, zip2, "--env", "production");
    assert_int_equal(r.status, 0);
    hst_run_free(&r);
    size_t l1, l2;
    char *z1 = read_all(zip1, &l1), *z2 = read_all(zip2, &l2);
    assert_non_null(z1);
    assert_non_null(z2);
    assert_int_equal(l1, l2);
    assert_memory_equal(z1, z2, l1);
    /* the zip holds the download layout with ids (entry names are stored as they are) */
    static const char name[] = "exports/Salesforce Accounts-65aa";
    assert_non_null(memmem(z1, l1, name, sizeof(name) - 1));
    assert_null(memmem(z1, l1, "stacks/", 7));
    free(z1);
    free(z2);

    RUN(&r, "flows", "import", zip1, t, "--env", "production");
    if (r.status != 0)
        print_message("%s", r.err);
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.err, "note:"));
    hst_run_free(&r);
    snapshot(t, "", &after, &alen);
    assert_int_equal(alen, blen);
    assert_memory_equal(after, before, blen);
    assert_non_null(memmem(after, alen, "scripts/helper.js\nfunction f(o) {\n", 34));

    /* a script's code without its metadata is a finding */
    shell("rm '%s/scripts/helper.json'", t);
    RUN(&r, "flows", "validate", t, "--modules", mods);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "/scripts/helper.js:1:1: a script's code needs its helper.json"));
    hst_run_free(&r);

    /* a file that is not a zip: one clear line, nothing written */
    char notzip[256];
    snprintf(notzip, sizeof(notzip), "%s/not.zip", tmp_root);
    fp = fopen(notzip, "w");
    assert_non_null(fp);
    fputs("hello", fp);
    fclose(fp);
    RUN(&r, "flows", "import", notzip, t);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "cannot open the zip"));
    hst_run_free(&r);
    free(before);
    free(after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_and_usage),
        cmocka_unit_test(test_validate_repository_flows),
        cmocka_unit_test(test_validate_broken_folders),
        cmocka_unit_test(test_export_import_round_trip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
