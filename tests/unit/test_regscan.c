/* test_regscan.c — runner/regscan.c: which string literals count as a registration of a function
 * name (register calls and tables with an HS_KIND_ constant, across line breaks) and which do not
 * (other literals, comments, other names), the line reported, and the folder walk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "regscan.h"

static int found_at(const char *text, const char *fn)
{
    unsigned line = 0;
    int rc = regscan_text(text, strlen(text), fn, &line);
    return rc == 1 ? (int)line : 0;
}

static void test_register_calls_count(void **state)
{
    (void)state;
    assert_int_equal(found_at("return api->register_fn(mod, \"greet\", HS_KIND_UTILITY, greet, "
                              "NULL);\n",
                              "greet"),
                     1);
    /* clang-format wraps long calls; the kind may be on the next line. */
    assert_int_equal(found_at("#include \"hookstack.h\"\n\n"
                              "    return api->register_record_fn(mod, \"accountPreMap\",\n"
                              "                                   HS_KIND_PRE_MAP,\n"
                              "                                   fn_accountPreMap, &opts);\n",
                              "accountPreMap"),
                     3);
    /* A cast around the kind. */
    assert_int_equal(
        found_at("st = api->register_fn(mod, \"x\", (hs_kind)HS_KIND_RAW, f, &o);", "x"), 1);
    /* A table of names, groups and kinds. */
    assert_int_equal(
        found_at("static const struct fns functions[] = {\n"
                 "    {\"doSomething\", \"hooks\", HS_KIND_RAW, do_something, \"d\"},\n"
                 "    {\"echoResponse\", \"hooks\", HS_KIND_RAW, echo, \"e\"},\n"
                 "};\n",
                 "echoResponse"),
        3);
}

static void test_other_literals_do_not_count(void **state)
{
    (void)state;
    /* A JSON key equal to the name. */
    assert_int_equal(found_at("const char *s = api->json_string(ctx, api->json_get(o, \"status\"), "
                              "NULL, NULL);\nreturn HS_KIND_RAW;\n",
                              "status"),
                     0);
    /* A statement ends before the kind. */
    assert_int_equal(found_at("log(\"greet\"); k = HS_KIND_RAW;", "greet"), 0);
    /* Another name, a prefix, a longer name. */
    assert_int_equal(
        found_at("api->register_fn(mod, \"greeting\", HS_KIND_RAW, g, NULL);", "greet"), 0);
    assert_int_equal(found_at("api->register_fn(mod, \"gre\", HS_KIND_RAW, g, NULL);", "greet"), 0);
    /* Commented out, in both comment forms. */
    assert_int_equal(found_at("// api->register_fn(mod, \"greet\", HS_KIND_RAW, g, NULL);\n"
                              "/* api->register_fn(mod, \"greet\", HS_KIND_RAW, g, NULL); */\n",
                              "greet"),
                     0);
    /* The name inside a longer literal, or next to an escaped quote. */
    assert_int_equal(found_at("f(\"say \\\"greet\\\"\", HS_KIND_RAW);", "greet"), 0);
    /* A kind-like identifier that is not HS_KIND_ itself. */
    assert_int_equal(found_at("f(\"greet\", MY_HS_KIND_RAW);", "greet"), 0);
    /* Unterminated text does not run past the end. */
    assert_int_equal(found_at("f(\"greet\", HS_KIN", "greet"), 0);
    assert_int_equal(found_at("/* open comment \"greet\", HS_KIND_RAW", "greet"), 0);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_folder_walk(void **state)
{
    (void)state;
    char root[] = "/tmp/hs-regscan-XXXXXX";
    assert_non_null(mkdtemp(root));
    char p[512], where[1024];
    /* A folder that does not exist holds no registration. */
    snprintf(p, sizeof(p), "%s/hooks", root);
    assert_int_equal(regscan_find(p, "greet", where, sizeof(where)), 0);

    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/hooks/a", root);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/hooks/a/sub", root);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/hooks/a/a.c", root);
    write_text(p, "static int x;\n");
    snprintf(p, sizeof(p), "%s/hooks/a/notes.txt", root);
    write_text(p, "register_fn(mod, \"greet\", HS_KIND_RAW, g, NULL);\n");
    snprintf(p, sizeof(p), "%s/hooks", root);
    assert_int_equal(regscan_find(p, "greet", where, sizeof(where)), 0); /* .txt is not read */

    /* In a subfolder, in a header. */
    snprintf(p, sizeof(p), "%s/hooks/a/sub/table.h", root);
    write_text(p, "\n\n{\"greet\", HS_KIND_UTILITY, g},\n");
    snprintf(p, sizeof(p), "%s/hooks", root);
    assert_int_equal(regscan_find(p, "greet", where, sizeof(where)), 1);
    char want[600];
    snprintf(want, sizeof(want), "%s/hooks/a/sub/table.h:3", root);
    assert_string_equal(where, want);
    assert_int_equal(regscan_find(p, "other", where, sizeof(where)), 0);

    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_calls_count),
        cmocka_unit_test(test_other_literals_do_not_count),
        cmocka_unit_test(test_folder_walk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
