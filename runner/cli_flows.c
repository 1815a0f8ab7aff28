/* cli_flows.c — `hookstack flows`: the integration's flows kept as code in a flows/ folder
 * (docs/flows.md). validate checks the folder against itself and the loaded modules, fmt rewrites
 * it in canonical form, import and export convert integrator.io download zips, push, pull and
 * diff talk to an account through the REST API. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_flows.h"
#include "cli_local.h"
#include "flows_check.h"
#include "flows_run_cli.h"
#include "flows_set.h"
#include "registry_internal.h"

static void flows_usage(FILE *f)
{
    fprintf(f, "usage: hookstack flows COMMAND [ARGS]\n"
               "\n"
               "The integration's integrator.io resources kept as code in a flows folder, one\n"
               "canonical JSON file per resource (docs/flows.md).\n"
               "\n"
               "commands:\n"
               "  validate [DIR]       check DIR (default ./flows) against itself and the modules\n"
               "  fmt [DIR]            rewrite DIR's files in canonical form\n"
               "  import ZIP [DIR]     turn an integration download zip into DIR's files\n"
               "  export DIR ZIP       write DIR as an integration download zip\n"
               "  run FLOW --input F   run a flow locally on the records of F\n"
               "  push ENV [DIR]       create and update the account's resources from DIR\n"
               "  pull ENV [DIR]       write the account's resources into DIR\n"
               "  diff ENV [DIR]       show how DIR and the account differ, per field\n"
               "\n"
               "'hookstack flows COMMAND --help' describes each one.\n");
}

static bool is_help(const char *a)
{
    return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0;
}

static void print_findings(const struct flows_set *s)
{
    for (size_t i = 0; i < s->nfindings; i++)
        printf("%s:%u:%u: %s\n", s->findings[i].path, s->findings[i].line, s->findings[i].col,
               s->findings[i].message);
}

/* ---- validate ------------------------------------------------------------------------------- */

static void validate_usage(FILE *f)
{
    fprintf(f, "usage: hookstack flows validate [DIR] [--modules DIR]...\n"
               "\n"
               "Checks the flows folder DIR (default ./flows): every file is JSON in canonical\n"
               "form; each resource has the fields its type requires; every reference\n"
               "\"@TYPE/NAME\" names a file of the folder; every hook a flow, export or import\n"
               "names (a {\"_stackId\", \"function\"} block) is a function the modules register,\n"
               "of the kind its hook point needs (preSavePage on exports; preMap, postMap,\n"
               "postSubmit, postAggregate on imports; postResponseMap on page processors;\n"
               "branching on script routers); every HTTP call to /v1/hooks/FUNCTION names a\n"
               "function the modules register.\n"
               "\n"
               "Prints one line per finding: FILE:LINE:COLUMN: MESSAGE.\n"
               "\n"
               "options:\n" CLI_LOCAL_USAGE_MODULES "  -h, --help       show this help\n"
               "\n"
               "Exit status: 0 when the folder is valid, 1 when there are findings (or the\n"
               "modules do not load), 2 for bad usage.\n");
}

static int registry_kind_of(void *arg, const char *name, size_t n)
{
    const struct registry *reg = arg;
    for (size_t i = 0; i < reg->nfns; i++) {
        const struct registry_fn *fn = reg->fns[i];
        if (fn->diy && strlen(fn->name) == n && memcmp(fn->name, name, n) == 0)
            return (int)fn->kind;
    }
    return -1;
}

static int flows_validate(int argc, char **argv)
{
    struct cli_modules mods = {0};
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        int m = cli_modules_arg(&mods, argc, argv, &i, "flows validate");
        if (m < 0)
            return 2;
        if (m > 0)
            continue;
        if (is_help(argv[i])) {
            validate_usage(stdout);
            return 0;
        }
        if (argv[i][0] == '-' || dir) {
            fprintf(stderr,
                    "hookstack flows validate: unexpected argument '%s' (see hookstack flows "
                    "validate --help)\n",
                    argv[i]);
            return 2;
        }
        dir = argv[i];
    }
    if (!dir)
        dir = FLOWS_DEFAULT_DIR;
    if (cli_modules_default(&mods) != 0) {
        fprintf(stderr, "hookstack flows validate: out of memory\n");
        return 1;
    }
    char err[1024];
    struct registry *reg = cli_registry_load(&mods, err, sizeof(err));
    if (!reg) {
        fprintf(stderr, "hookstack flows validate: the modules do not load: %s\n", err);
        cli_modules_free(&mods);
        return 1;
    }
    struct flows_set *s = flows_set_new();
    struct flows_fns fns = {.kind_of = registry_kind_of, .arg = reg};
    int rc = 1;
    if (!s || flows_set_load(s, dir) != 0 || flows_check(s, &fns) != 0) {
        fprintf(stderr, "hookstack flows validate: out of memory\n");
    } else {
        print_findings(s);
        if (s->nfindings == 0) {
            fprintf(stderr, "hookstack flows validate: %s: %zu files, valid\n", dir, s->nfiles);
            rc = 0;
        } else {
            fprintf(stderr, "hookstack flows validate: %s: %zu finding%s\n", dir, s->nfindings,
                    s->nfindings == 1 ? "" : "s");
        }
    }
    flows_set_free(s);
    registry_free(reg);
    cli_modules_free(&mods);
    return rc;
}

/* ---- fmt ------------------------------------------------------------------------------------ */

static int flows_fmt(int argc, char **argv)
{
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (is_help(argv[i])) {
            printf(
                "usage: hookstack flows fmt [DIR]\n"
                "\n"
                "Rewrites every resource file of the flows folder DIR (default ./flows) that is\n"
                "not in canonical form (docs/flows.md): volatile fields dropped, secrets as\n"
                "placeholders, keys ordered, 2-space indentation, LF, a final newline. Files\n"
                "that are not JSON are left alone and reported.\n"
                "\n"
                "Exit status: 0 when every file is canonical now, 1 when one could not be\n"
                "rewritten, 2 for bad usage.\n");
            return 0;
        }
        if (argv[i][0] == '-' || dir) {
            fprintf(stderr, "hookstack flows fmt: unexpected argument '%s'\n", argv[i]);
            return 2;
        }
        dir = argv[i];
    }
    if (!dir)
        dir = FLOWS_DEFAULT_DIR;
    struct flows_set *s = flows_set_new();
    if (!s || flows_set_load(s, dir) != 0) {
        fprintf(stderr, "hookstack flows fmt: out of memory\n");
        flows_set_free(s);
        return 1;
    }
    int rc = 0;
    for (size_t i = 0; i < s->nfiles; i++) {
        const struct flows_file *f = &s->files[i];
        if (!f->value)
            continue;
        struct arena *a = arena_new(64 * 1024, 0);
        struct json_buf b;
        json_buf_init(&b, 0);
        struct json_error err = {0};
        if (!a || flows_canon_text(a, f->type, f->text, f->len, &b, &err) != 0) {
            fprintf(stderr, "hookstack flows fmt: %s: out of memory\n", f->path);
            rc = 1;
        } else if (b.len != f->len || memcmp(b.data, f->text, b.len) != 0) {
            if (cli_flows_write_file(f->path, b.data, b.len) != 0) {
                fprintf(stderr, "hookstack flows fmt: %s: cannot write: %s\n", f->path,
                        strerror(errno));
                rc = 1;
            } else {
                printf("%s\n", f->path);
            }
        }
        json_buf_free(&b);
        arena_free(a);
    }
    for (size_t i = 0; i < s->nfindings; i++)
        if (strncmp(s->findings[i].message, "invalid JSON", 12) == 0) {
            fprintf(stderr, "%s:%u:%u: %s\n", s->findings[i].path, s->findings[i].line,
                    s->findings[i].col, s->findings[i].message);
            rc = 1;
        }
    flows_set_free(s);
    return rc;
}

int cli_flows(int argc, char **argv)
{
    if (argc < 2) {
        flows_usage(stderr);
        return 2;
    }
    if (is_help(argv[1])) {
        flows_usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "validate") == 0)
        return flows_validate(argc - 1, argv + 1);
    if (strcmp(argv[1], "fmt") == 0)
        return flows_fmt(argc - 1, argv + 1);
    if (strcmp(argv[1], "import") == 0)
        return cli_flows_import(argc - 1, argv + 1);
    if (strcmp(argv[1], "export") == 0)
        return cli_flows_export(argc - 1, argv + 1);
    if (strcmp(argv[1], "run") == 0)
        return cli_flows_run(argc - 1, argv + 1);
    if (strcmp(argv[1], "push") == 0)
        return cli_flows_push(argc - 1, argv + 1);
    if (strcmp(argv[1], "pull") == 0)
        return cli_flows_pull(argc - 1, argv + 1);
    if (strcmp(argv[1], "diff") == 0)
        return cli_flows_diff(argc - 1, argv + 1);
    fprintf(stderr, "hookstack flows: unknown command '%s'\n", argv[1]);
    flows_usage(stderr);
    return 2;
}
