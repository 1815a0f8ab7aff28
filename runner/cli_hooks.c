/* cli_hooks.c — `hookstack hooks`: lists every function the modules register, with its module,
 * kind, scope (DIY and/or connector ids), how a request reaches it (framework 1.0 group and/or the
 * framework 2.0 top level) and its description; as a table, or as JSON with --json. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "cli.h"
#include "cli_local.h"
#include "json.h"
#include "kind.h"
#include "registry.h"
#include "registry_internal.h"

static void hooks_usage(FILE *f)
{
    fprintf(f,
            "usage: hookstack hooks [--modules DIR]... [--json]\n"
            "\n"
            "Loads the modules as `hookstack serve` would and lists every function: module,\n"
            "function, kind, scope (diy and/or integration-app connector ids), how a request\n"
            "reaches it (its framework 1.0 group, selected by the request's type, and/or the\n"
            "top level, for requests without type) and its description.\n"
            "\n"
            "options:\n" CLI_LOCAL_USAGE_MODULES
            "  --json           print {\"modules\":[...],\"functions\":[...]} instead of a table\n"
            "  -h, --help       show this help\n");
}

static int scope_text(const struct registry_fn *fn, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    if (fn->diy)
        len += (size_t)snprintf(out, n, "diy");
    for (size_t i = 0; i < fn->nconnectors && len < n; i++)
        len += (size_t)snprintf(out + len, n - len, "%s%s", len ? "," : "", fn->connectors[i]);
    return len < n ? 0 : -1;
}

static void reach_text(const struct registry_fn *fn, char *out, size_t n)
{
    if (fn->group && fn->top_level)
        snprintf(out, n, "%s (type %s), top level", fn->group, cli_group_type(fn->group));
    else if (fn->group)
        snprintf(out, n, "%s (type %s)", fn->group, cli_group_type(fn->group));
    else if (fn->top_level)
        snprintf(out, n, "top level");
    else
        snprintf(out, n, "-");
}

static int hooks_table(const struct registry *reg)
{
    const char *head[] = {"MODULE", "FUNCTION", "KIND", "SCOPE", "REACHED AS"};
    size_t w[5];
    for (int k = 0; k < 5; k++)
        w[k] = strlen(head[k]);
    char scope[2048], reach[256];
    for (size_t i = 0; i < reg->nfns; i++) {
        const struct registry_fn *fn = reg->fns[i];
        scope_text(fn, scope, sizeof(scope));
        reach_text(fn, reach, sizeof(reach));
        size_t l[5] = {strlen(reg->modules[fn->module]->name), strlen(fn->name),
                       strlen(kind_name(fn->kind)), strlen(scope), strlen(reach)};
        for (int k = 0; k < 5; k++)
            w[k] = l[k] > w[k] ? l[k] : w[k];
    }
    printf("%-*s  %-*s  %-*s  %-*s  %-*s  DESCRIPTION\n", (int)w[0], head[0], (int)w[1], head[1],
           (int)w[2], head[2], (int)w[3], head[3], (int)w[4], head[4]);
    for (size_t i = 0; i < reg->nfns; i++) {
        const struct registry_fn *fn = reg->fns[i];
        scope_text(fn, scope, sizeof(scope));
        reach_text(fn, reach, sizeof(reach));
        printf("%-*s  %-*s  %-*s  %-*s  %-*s  %s\n", (int)w[0], reg->modules[fn->module]->name,
               (int)w[1], fn->name, (int)w[2], kind_name(fn->kind), (int)w[3], scope, (int)w[4],
               reach, fn->description ? fn->description : "");
    }
    return 0;
}

static struct json_value *str(struct arena *a, const char *s)
{
    return s ? json_new_string(a, s, strlen(s)) : json_new_null(a);
}

static int set(struct arena *a, struct json_value *o, const char *k, struct json_value *v)
{
    return v ? json_object_set(a, o, k, strlen(k), v) : -1;
}

static int hooks_json(struct arena *a, const struct registry *reg)
{
    struct json_value *root = json_new_object(a), *mods = json_new_array(a),
                      *fns = json_new_array(a);
    if (!root || !mods || !fns)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < reg->nmodules; i++) {
        const struct registry_module *m = reg->modules[i];
        struct json_value *o = json_new_object(a);
        rc = o ? 0 : -1;
        if (rc == 0)
            rc = set(a, o, "name", str(a, m->name));
        if (rc == 0)
            rc = set(a, o, "version", str(a, m->version));
        if (rc == 0)
            rc = set(a, o, "path", str(a, m->path));
        if (rc == 0)
            rc = json_array_push(a, mods, o);
    }
    for (size_t i = 0; rc == 0 && i < reg->nfns; i++) {
        const struct registry_fn *fn = reg->fns[i];
        struct json_value *o = json_new_object(a), *conns = json_new_array(a);
        rc = o && conns ? 0 : -1;
        for (size_t k = 0; rc == 0 && k < fn->nconnectors; k++)
            rc = json_array_push(a, conns, str(a, fn->connectors[k]));
        if (rc == 0)
            rc = set(a, o, "module", str(a, reg->modules[fn->module]->name));
        if (rc == 0)
            rc = set(a, o, "function", str(a, fn->name));
        if (rc == 0)
            rc = set(a, o, "kind", str(a, kind_name(fn->kind)));
        if (rc == 0)
            rc = set(a, o, "diy", json_new_bool(a, fn->diy));
        if (rc == 0)
            rc = set(a, o, "connectors", conns);
        if (rc == 0)
            rc = set(a, o, "group", str(a, fn->group));
        if (rc == 0)
            rc =
                set(a, o, "type", fn->group ? str(a, cli_group_type(fn->group)) : json_new_null(a));
        if (rc == 0)
            rc = set(a, o, "topLevel", json_new_bool(a, fn->top_level));
        if (rc == 0)
            rc = set(a, o, "description", str(a, fn->description ? fn->description : ""));
        if (rc == 0)
            rc = json_array_push(a, fns, o);
    }
    if (rc == 0)
        rc = set(a, root, "modules", mods);
    if (rc == 0)
        rc = set(a, root, "functions", fns);
    if (rc != 0)
        return -1;
    struct json_buf b;
    json_buf_init(&b, 0);
    rc = json_write(&b, root, 0, NULL);
    if (rc == 0) {
        fwrite(b.data, 1, b.len, stdout);
        fputc('\n', stdout);
    }
    json_buf_free(&b);
    return rc == 0 ? 0 : -1;
}

int cli_hooks(int argc, char **argv)
{
    struct cli_modules mods = {0};
    bool as_json = false;
    for (int i = 1; i < argc; i++) {
        int m = cli_modules_arg(&mods, argc, argv, &i, "hooks");
        if (m < 0)
            return 2;
        if (m > 0)
            continue;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            hooks_usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--json") == 0) {
            as_json = true;
            continue;
        }
        fprintf(stderr, "hookstack hooks: unknown argument '%s' (see hookstack hooks --help)\n",
                argv[i]);
        return 2;
    }
    if (cli_modules_default(&mods) != 0) {
        fprintf(stderr, "hookstack hooks: out of memory\n");
        return 1;
    }
    int rc = 1;
    char err[1024];
    struct registry *reg = cli_registry_load(&mods, err, sizeof(err));
    struct arena *a = arena_new(64 * 1024, 0);
    if (!reg) {
        fprintf(stderr, "hookstack hooks: %s\n", err);
    } else if (!a) {
        fprintf(stderr, "hookstack hooks: out of memory\n");
    } else if ((as_json ? hooks_json(a, reg) : hooks_table(reg)) != 0) {
        fprintf(stderr, "hookstack hooks: out of memory\n");
    } else if (fflush(stdout) != 0) {
        fprintf(stderr, "hookstack hooks: cannot write the list\n");
    } else {
        if (!as_json && reg->nfns == 0)
            fprintf(stderr, "hookstack hooks: no function registered by the modules in %s%s\n",
                    mods.dirs[0], mods.ndirs > 1 ? " and the other folders" : "");
        rc = 0;
    }
    arena_free(a);
    registry_free(reg);
    cli_modules_free(&mods);
    return rc;
}
