/* test_readme_lists.c — README.md's lists that mirror the tree stay true: the options table of
 * "Configuration" names exactly the options of `hookstack serve` (runner/config_opts.c) with
 * their variables, file keys and defaults, every option follows the naming rule README states
 * (HOOKSTACK_ and the flag in capitals; the key in camelCase), the production section names no
 * flag that does not exist, and the "Documentation" table lists exactly the files under docs/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config_internal.h"

static char *read_text(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", HS_SOURCE_DIR, rel);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* The text from the line starting with `from` to the next line starting with `to` (malloc'd). */
static char *section(const char *text, const char *from, const char *to)
{
    const char *s = strstr(text, from);
    if (s == NULL)
        fail_msg("README.md has no '%s'", from);
    const char *e = strstr(s + strlen(from), to);
    if (e == NULL)
        e = s + strlen(s);
    return strndup(s, (size_t)(e - s));
}

/* Cell i (0-based) of a table line, trimmed, with one pair of backticks around it removed. */
static void cell(const char *line, int i, char *out, size_t outlen)
{
    const char *p = line;
    for (int k = 0; k <= i; k++) {
        p = strchr(p, '|');
        assert_non_null(p);
        p++;
    }
    const char *e = strchr(p, '|');
    assert_non_null(e);
    while (p < e && *p == ' ')
        p++;
    while (e > p && e[-1] == ' ')
        e--;
    if (e - p >= 2 && p[0] == '`' && e[-1] == '`' && memchr(p + 1, '`', (size_t)(e - p - 2)) == 0)
        p++, e--;
    snprintf(out, outlen, "%.*s", (int)(e - p), p);
}

/* The flag a cell names ("--port N" -> "port"; "`-h`, `--help`" -> "help"), or "". */
static void flag_name(const char *c, char *out, size_t outlen)
{
    const char *d = strstr(c, "--");
    size_t n = 0;
    if (d != NULL && islower((unsigned char)d[2])) {
        d += 2;
        while (d[n] != '\0' &&
               (islower((unsigned char)d[n]) || isdigit((unsigned char)d[n]) || d[n] == '-'))
            n++;
    }
    snprintf(out, outlen, "%.*s", (int)n, d ? d : "");
}

static const char *or_empty(const char *s)
{
    return s != NULL ? s : "";
}

static void test_options_table_matches_the_code(void **state)
{
    (void)state;
    char *readme = read_text("README.md");
    char *table = section(readme, "<!-- options:", "<!-- /options -->");
    bool seen[CONFIG_OPTIONS_MAX] = {false};
    int rows = 0;
    for (char *line = strtok(table, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (line[0] != '|' || strncmp(line, "| flag ", 7) == 0 || strncmp(line, "| ---", 5) == 0)
            continue;
        rows++;
        char flag[256], name[64], env[128], key[128], def[256];
        cell(line, 0, flag, sizeof(flag));
        cell(line, 1, env, sizeof(env));
        cell(line, 2, key, sizeof(key));
        cell(line, 3, def, sizeof(def));
        flag_name(flag, name, sizeof(name));
        const struct config_option *o = NULL;
        for (size_t i = 0; i < config_noptions && o == NULL; i++) {
            const struct config_option *r = &config_options[i];
            if (name[0] != '\0' ? r->name != NULL && strcmp(r->name, name) == 0
                                : r->name == NULL && r->key != NULL && strcmp(r->key, key) == 0)
                o = r;
        }
        if (o == NULL)
            fail_msg("README.md's options table names an option that does not exist: %s", line);
        seen[o - config_options] = true;
        /* --config is printed by --print-config as "config", but is no key of the file. */
        const char *file_key = o->type == CONFIG_T_CONFIG ? NULL : o->key;
        char want_def[256];
        if (o->def != NULL)
            snprintf(want_def, sizeof(want_def), "%s", o->def);
        else
            snprintf(want_def, sizeof(want_def), "%s", or_empty(o->def_text));
        if (strcmp(env, or_empty(o->env)) != 0 || strcmp(key, or_empty(file_key)) != 0 ||
            strcmp(def, want_def) != 0)
            fail_msg("README.md's row of %s says variable '%s', key '%s', default '%s'; the code "
                     "says '%s', '%s', '%s'",
                     name[0] ? name : key, env, key, def, or_empty(o->env), or_empty(file_key),
                     want_def);
    }
    for (size_t i = 0; i < config_noptions; i++) {
        if (!seen[i])
            fail_msg("README.md's options table has no row for %s",
                     config_options[i].name ? config_options[i].name : config_options[i].key);
    }
    assert_int_equal(rows, (int)config_noptions);
    free(table);
    free(readme);
}

/* The rule README and --help state: HOOKSTACK_ + the flag in capitals with '_' for '-'; the file
 * key is the flag in camelCase. */
static void test_names_follow_the_rule(void **state)
{
    (void)state;
    for (size_t i = 0; i < config_noptions; i++) {
        const struct config_option *o = &config_options[i];
        if (o->name == NULL)
            continue;
        char env[128] = "HOOKSTACK_", key[128];
        size_t e = strlen(env), k = 0;
        bool up = false;
        for (const char *p = o->name; *p != '\0'; p++) {
            env[e++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
            if (*p == '-') {
                up = true;
                continue;
            }
            key[k++] = up ? (char)toupper((unsigned char)*p) : *p;
            up = false;
        }
        env[e] = '\0';
        key[k] = '\0';
        if (o->env != NULL && strcmp(o->env, env) != 0)
            fail_msg("--%s: variable %s, the rule says %s", o->name, o->env, env);
        if (o->key != NULL && strcmp(o->key, key) != 0)
            fail_msg("--%s: key %s, the rule says %s", o->name, o->key, key);
    }
}

/* Every --flag the "Running in production" section mentions is an option of serve. */
static void test_production_section_names_real_flags(void **state)
{
    (void)state;
    char *readme = read_text("README.md");
    char *prod = section(readme, "\n## Running in production", "\n## ");
    int found = 0;
    for (const char *p = strstr(prod, "--"); p != NULL; p = strstr(p + 2, "--")) {
        if (p > prod && (isalnum((unsigned char)p[-1]) || p[-1] == '-'))
            continue;
        char name[64];
        flag_name(p, name, sizeof(name));
        if (name[0] == '\0')
            continue;
        char flag[80];
        snprintf(flag, sizeof(flag), "--%s", name);
        if (config_option_by_flag(flag) == NULL)
            fail_msg("README.md's production section names %s, which serve does not have", flag);
        found++;
    }
    assert_true(found > 0);
    free(prod);
    free(readme);
}

/* ---- docs/ -------------------------------------------------------------------------------- */

/* Appends every *.md under dir (relative to the source tree) to list, one per line. */
static void list_docs(const char *dir, char *list, size_t cap)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", HS_SOURCE_DIR, dir);
    DIR *d = opendir(path);
    assert_non_null(d);
    for (struct dirent *de = readdir(d); de != NULL; de = readdir(d)) {
        if (de->d_name[0] == '.')
            continue;
        char rel[1024], full[2048];
        snprintf(rel, sizeof(rel), "%s/%s", dir, de->d_name);
        snprintf(full, sizeof(full), "%s/%s", HS_SOURCE_DIR, rel);
        struct stat st;
        assert_int_equal(stat(full, &st), 0);
        size_t n = strlen(rel);
        if (S_ISDIR(st.st_mode))
            list_docs(rel, list, cap);
        else if (n > 3 && strcmp(rel + n - 3, ".md") == 0)
            snprintf(list + strlen(list), cap - strlen(list), "%s\n", rel);
    }
    closedir(d);
}

static void test_documentation_table_matches_docs(void **state)
{
    (void)state;
    char *readme = read_text("README.md");
    char *docs = section(readme, "\n## Documentation", "\n## ");
    static char files[16384];
    files[0] = '\0';
    list_docs("docs", files, sizeof(files));
    /* Each file under docs/ is in the table. */
    int nfiles = 0;
    for (char *f = strtok(files, "\n"); f != NULL; f = strtok(NULL, "\n"), nfiles++) {
        char cite[1100];
        snprintf(cite, sizeof(cite), "`%s`", f);
        if (strstr(docs, cite) == NULL)
            fail_msg("README.md's Documentation table does not list %s", f);
    }
    /* Each docs/ path the table names exists. */
    int named = 0;
    for (const char *p = strstr(docs, "`docs/"); p != NULL; p = strstr(p + 1, "`docs/")) {
        const char *e = strchr(p + 1, '`');
        assert_non_null(e);
        char rel[512], full[1024];
        snprintf(rel, sizeof(rel), "%.*s", (int)(e - p - 1), p + 1);
        snprintf(full, sizeof(full), "%s/%s", HS_SOURCE_DIR, rel);
        struct stat st;
        if (stat(full, &st) != 0 || !S_ISREG(st.st_mode))
            fail_msg("README.md's Documentation table lists %s, which does not exist", rel);
        named++;
    }
    assert_true(nfiles > 0);
    assert_int_equal(named, nfiles);
    free(docs);
    free(readme);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_table_matches_the_code),
        cmocka_unit_test(test_names_follow_the_rule),
        cmocka_unit_test(test_production_section_names_real_flags),
        cmocka_unit_test(test_documentation_table_matches_docs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
