/* test_readme.c — runs README.md's "Write your first hook" as a user would: `hookstack new`, the
 * README's hook code pasted over the skeleton, the README's fixture case, `hookstack test`,
 * `hookstack invoke`, then the server answering the README's curl request with the README's answer.
 * The code and JSON come from README.md itself (the blocks after <!-- readme:NAME --> markers), so
 * the section cannot drift from the product. `make test` and `make run` are this file's build and
 * serve steps done directly (running make from inside make test would recurse). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "integration/harness.h"

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        fclose(f);
        return NULL;
    }
    s[n] = '\0';
    fclose(f);
    return s;
}

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
}

/* The fenced block after "<!-- readme:NAME -->", without its fence lines (malloc'd). */
static char *readme_block(const char *readme, const char *name)
{
    char marker[64];
    snprintf(marker, sizeof(marker), "<!-- readme:%s -->", name);
    const char *m = strstr(readme, marker);
    if (m == NULL)
        fail_msg("README.md has no %s block", marker);
    const char *fence = strstr(m, "```");
    const char *start = strchr(fence, '\n') + 1;
    const char *end = strstr(start, "```");
    assert_non_null(end);
    return strndup(start, (size_t)(end - start));
}

/* Runs argv (NULL-terminated) with stdout captured into *out; returns the exit status. */
static int run(char *const argv[], char **out)
{
    char path[] = "/tmp/hs-readme-out-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd, 1);
        execvp(argv[0], argv);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    close(fd);
    *out = read_file(path);
    unlink(path);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void test_first_hook_section(void **state)
{
    (void)state;
    const char *bin = getenv("HOOKSTACK_BIN");
    const char *src = getenv("HS_SOURCE_DIR");
    assert_non_null(bin);
    assert_non_null(src);
    char path[512];
    snprintf(path, sizeof(path), "%s/README.md", src);
    char *readme = read_file(path);
    assert_non_null(readme);
    char *hook = readme_block(readme, "hook");
    char *request = readme_block(readme, "request");
    char *response = readme_block(readme, "response");
    char *answer = readme_block(readme, "answer");

    char root[] = "/tmp/hs-readme-XXXXXX";
    assert_non_null(mkdtemp(root));
    char dir[600], out_dir[600];
    snprintf(dir, sizeof(dir), "%s/hooks", root);
    mkdir(dir, 0755);

    /* 1. hookstack new acme accountPreMap --kind preMap */
    char *out = NULL;
    char *const new_argv[] = {(char *)bin, "new", "acme", "accountPreMap", "--kind", "preMap",
                              "--root",    root,  NULL};
    assert_int_equal(run(new_argv, &out), 0);
    free(out);

    /* Paste the README's function over the skeleton's. */
    char source[600];
    snprintf(source, sizeof(source), "%s/hooks/acme/acme.c", root);
    char *code = read_file(source);
    assert_non_null(code);
    char *a = strstr(code, "static hs_status fn_accountPreMap");
    assert_non_null(a);
    char *b = strstr(a, "\n}\n"); /* the end of the skeleton's function */
    assert_non_null(b);
    b += 3;
    size_t len = (size_t)(a - code) + strlen(hook) + 1 + strlen(b);
    char *edited = malloc(len + 1);
    snprintf(edited, len + 1, "%.*s%s%s", (int)(a - code), code, hook, b);
    write_file(source, edited, strlen(edited));
    free(edited);
    free(code);

    /* 2. The README's fixture case; build the module; hookstack test. */
    char fx[700];
    snprintf(fx, sizeof(fx), "%s/test-fixtures/acme/accountPreMap/basic.request.json", root);
    write_file(fx, request, strlen(request));
    snprintf(fx, sizeof(fx), "%s/test-fixtures/acme/accountPreMap/basic.response.json", root);
    write_file(fx, response, strlen(response));
    snprintf(out_dir, sizeof(out_dir), "%s/built", root);
    mkdir(out_dir, 0755);
    char cmd[2048];
    snprintf(cmd, sizeof(cmd),
             "cc -std=c11 -Wall -Wextra -Werror -fPIC -shared -I'%s/include' -o '%s/acme.so' '%s'",
             src, out_dir, source);
    assert_int_equal(system(cmd), 0);
    char fixtures[600];
    snprintf(fixtures, sizeof(fixtures), "%s/test-fixtures/acme", root);
    char *const test_argv[] = {(char *)bin, "test", fixtures, "--modules", out_dir, NULL};
    int st = run(test_argv, &out);
    if (st != 0)
        fail_msg("hookstack test failed:\n%s", out);
    assert_non_null(strstr(out, "1 passed, 0 failed\n"));
    free(out);

    /* hookstack invoke prints the answer the README shows. */
    snprintf(fx, sizeof(fx), "%s/test-fixtures/acme/accountPreMap/basic.request.json", root);
    char *const invoke_argv[] = {(char *)bin, "invoke", "accountPreMap", fx, "--modules",
                                 out_dir,     NULL};
    assert_int_equal(run(invoke_argv, &out), 0);
    char want[4096];
    snprintf(want, sizeof(want), "%s", answer);
    assert_string_equal(out, want);
    free(out);

    /* 3. Serve it and send the README's curl request. */
    struct hst_server s;
    const char *args[] = {"--modules", out_dir, NULL};
    assert_int_equal(hst_server_start_raw(&s, args, NULL), 0);
    struct hst_response r;
    assert_int_equal(hst_post_function(&s, request, &r), 0);
    assert_int_equal(r.status, 200);
    want[strcspn(want, "\n")] = '\0';
    assert_string_equal(r.body, want);
    hst_response_free(&r);
    assert_int_equal(hst_server_stop(&s, 0, 10000), 0);

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
    free(hook);
    free(request);
    free(response);
    free(answer);
    free(readme);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_hook_section),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
