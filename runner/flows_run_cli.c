/* flows_run_cli.c — `hookstack flows run FLOW --input FILE`: a flow of the flows folder run
 * locally on records from a file (flows_run.h). The hooks run as `hookstack invoke` runs them:
 * each call is a POST /function body handed to a forked worker (cli_local.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_flows.h"
#include "cli_local.h"
#include "fixture.h"
#include "flows_run.h"
#include "flows_run_cli.h"
#include "flows_set.h"

#define RUN_MAX_INPUT (64u * 1024 * 1024)

static void run_usage(FILE *f)
{
    fprintf(
        f, "usage: hookstack flows run FLOW --input FILE [--responses FILE] [--settings FILE]\n"
           "                           [--export NAME] [--export-time T] [--trace] [--dir DIR]\n"
           "                           [--modules DIR]...\n"
           "\n"
           "Runs the flow flows/FLOW.json of the flows folder locally on the records of FILE\n"
           "(a JSON array of objects: one page as the page generator's export gives it), with\n"
           "no integrator.io: the export's preSavePage, the routers (input filters, branching\n"
           "functions), and per import step preMap, the import's mapping, postMap, the\n"
           "responses and postSubmit, then the step's response mapping (docs/flows.md).\n"
           "Hooks get the options integrator.io sends, the integration's, flow's and step's\n"
           "settings merged, and run in a worker process as 'hookstack invoke' runs them.\n"
           "\n"
           "Prints {\"flow\", \"imports\": [{\"step\", \"import\", \"postMapData\",\n"
           "\"responseData\"}], \"errors\": [...], \"records\": [...]} on standard output.\n"
           "\n"
           "options:\n"
           "  --input FILE     the records ('-': standard input)\n"
           "  --responses FILE what each import answers: {\"IMPORT\": [{\"statusCode\": 200,\n"
           "                   \"id\": ..., \"_json\": {...}, \"errors\": [...]}, ...]}, taken in\n"
           "                   order per import; without one, success with a generated id\n"
           "  --settings FILE  an object merged over every hook's settings\n"
           "  --export NAME    the page generator to run (default: the flow's first)\n"
           "  --trace          print the records after each stage on standard error, one\n"
           "                   line each: [trace] STAGE JSON\n"
           "  --dir DIR        the flows folder (default ./flows)\n" CLI_LOCAL_USAGE_MODULES
           "  -h, --help       show this help\n"
           "\n"
           "Exit status: 0 when the flow ran (records may have failed: see \"errors\"), 1 when\n"
           "it could not run (a file, a hook failing its page, an unsupported mapping), 2 for\n"
           "bad usage.\n");
}

static int local_call(void *arg, const char *function, const char *body, size_t len, int *status,
                      char **resp, size_t *resp_len, char *err, size_t errlen)
{
    struct cli_local_result res;
    if (cli_local_run(arg, body, len, function, &res, err, errlen) != 0)
        return -1;
    *status = res.status;
    *resp = res.body;
    *resp_len = res.body_len;
    res.body = NULL;
    cli_local_result_free(&res);
    return 0;
}

static const struct json_value *read_json(struct arena *a, const char *what, const char *path,
                                          char *err, size_t errlen)
{
    size_t len = 0;
    char *text = fixture_file_read(a, path, RUN_MAX_INPUT, &len, err, errlen);
    if (!text)
        return NULL;
    const char *shown = strcmp(path, "-") == 0 ? "standard input" : path;
    char perr[512];
    const struct json_value *v = fixture_json_parse(a, shown, text, len, perr, sizeof(perr));
    if (!v)
        snprintf(err, errlen, "%s: %s", what, perr);
    return v;
}

int cli_flows_run(int argc, char **argv)
{
    struct cli_modules mods = {0};
    const char *flow = NULL, *input = NULL, *responses = NULL, *settings = NULL, *dir = NULL,
               *export_name = NULL, *export_time = NULL;
    int trace = 0;
    for (int i = 1; i < argc; i++) {
        const char *val;
        int m = cli_modules_arg(&mods, argc, argv, &i, "flows run");
        if (m == 0) {
            struct {
                const char *name;
                const char **dst;
            } opts[] = {{"--input", &input},        {"--responses", &responses},
                        {"--settings", &settings},  {"--dir", &dir},
                        {"--export", &export_name}, {"--export-time", &export_time}};
            for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]) && m == 0; k++) {
                m = cli_opt_value(argc, argv, &i, opts[k].name, &val, "flows run");
                if (m > 0)
                    *opts[k].dst = val;
            }
        }
        if (m < 0) {
            cli_modules_free(&mods);
            return 2;
        }
        if (m > 0)
            continue;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            run_usage(stdout);
            cli_modules_free(&mods);
            return 0;
        }
        if (strcmp(argv[i], "--trace") == 0) {
            trace = 1;
            continue;
        }
        if (argv[i][0] == '-' || flow) {
            fprintf(stderr,
                    "hookstack flows run: unexpected argument '%s' (see hookstack flows run "
                    "--help)\n",
                    argv[i]);
            cli_modules_free(&mods);
            return 2;
        }
        flow = argv[i];
    }
    if (!flow || !input) {
        fprintf(stderr, "hookstack flows run: %s (hookstack flows run FLOW --input FILE)\n",
                !flow ? "which flow?" : "--input FILE is required");
        cli_modules_free(&mods);
        return 2;
    }
    if (!dir)
        dir = FLOWS_DEFAULT_DIR;
    int rc = 1;
    char err[2048] = "";
    struct arena *a = arena_new(256 * 1024, 0);
    struct flows_set *s = flows_set_new();
    struct cli_local l;
    bool opened = false;
    const struct json_value *in = NULL, *resp = NULL, *set = NULL;
    if (!a || !s || cli_modules_default(&mods) != 0) {
        fprintf(stderr, "hookstack flows run: out of memory\n");
        goto out;
    }
    if (!(in = read_json(a, "--input", input, err, sizeof(err))) ||
        (responses && !(resp = read_json(a, "--responses", responses, err, sizeof(err)))) ||
        (settings && !(set = read_json(a, "--settings", settings, err, sizeof(err))))) {
        fprintf(stderr, "hookstack flows run: %s\n", err);
        goto out;
    }
    if (in->type != JSON_ARRAY) {
        fprintf(stderr, "hookstack flows run: --input %s: must be a JSON array of records\n",
                input);
        goto out;
    }
    if ((resp && resp->type != JSON_OBJECT) || (set && set->type != JSON_OBJECT)) {
        fprintf(stderr, "hookstack flows run: %s %s: must be a JSON object\n",
                resp && resp->type != JSON_OBJECT ? "--responses" : "--settings",
                resp && resp->type != JSON_OBJECT ? responses : settings);
        goto out;
    }
    if (flows_set_load(s, dir) != 0) {
        fprintf(stderr, "hookstack flows run: out of memory\n");
        goto out;
    }
    if (!flows_set_find(s, FLOWS_FLOW, flow, strlen(flow))) {
        fprintf(stderr, "hookstack flows run: %s has no flow '%s' (flows/%s.json)\n", dir, flow,
                flow);
        goto out;
    }
    if (cli_local_open(&l, &mods, err, sizeof(err)) != 0) {
        fprintf(stderr, "hookstack flows run: the modules do not load: %s\n", err);
        goto out;
    }
    opened = true;
    struct flows_run_opts o = {.set = s,
                               .flow = flow,
                               .export_name = export_name,
                               .export_time = export_time,
                               .input = in,
                               .responses = resp,
                               .settings = set,
                               .trace = trace ? stderr : NULL,
                               .call = local_call,
                               .call_arg = &l};
    struct json_value *outv = NULL;
    int frc = flows_run(a, &o, &outv, err, sizeof(err));
    if (frc == -2) {
        fprintf(stderr, "hookstack flows run: out of memory\n");
    } else if (frc != 0) {
        fprintf(stderr, "hookstack flows run: %s: %s\n", flow, err);
    } else {
        struct json_buf b;
        json_buf_init(&b, 0);
        if (json_write(&b, outv, 0, NULL) != 0) {
            fprintf(stderr, "hookstack flows run: out of memory\n");
        } else {
            fwrite(b.data, 1, b.len, stdout);
            fputc('\n', stdout);
            rc = 0;
        }
        json_buf_free(&b);
    }
out:
    if (opened)
        cli_local_close(&l);
    flows_set_free(s);
    arena_free(a);
    cli_modules_free(&mods);
    return rc;
}
