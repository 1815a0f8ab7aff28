/* main.c — the hookstack binary: dispatches to a subcommand (serve, hooks, invoke, test, new,
 * sfns, flows). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {.name = "serve", .run = cli_serve, .summary = "run the HTTP server integrator.io calls"},
    {.name = "hooks", .run = cli_hooks, .summary = "list every loaded hook function"},
    {.name = "invoke", .run = cli_invoke, .summary = "run one function locally, as POST /function"},
    {.name = "test", .run = cli_test, .summary = "run the fixture cases under test-fixtures/"},
    {.name = "new", .run = cli_new, .summary = "scaffold a module, a function and a fixture"},
    {.name = "sfns", .run = cli_sfns, .summary = "Salesforce <-> NetSuite tools (sfns match)"},
    {.name = "flows", .run = cli_flows, .summary = "flows as code: validate, fmt, import, export"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: hookstack COMMAND [ARGS]\n\n"
               "Runs compiled C hooks for Celigo integrator.io flows.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'hookstack COMMAND --help' describes each command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("hookstack %s\n", HS_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "hookstack: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
