/* cli_invoke.c — `hookstack invoke`: runs one function locally exactly as POST /function would.
 *
 * The input is either a whole request body (a JSON object with both `function` and `options`
 * keys) or the bare `options` value, which is wrapped as
 * {"diy":true,["type":T,]"function":FUNCTION,"options":...} ("_connectorId":ID instead of diy with
 * --connector). Without --type the request has no `type`: the function is looked up at the top
 * level (framework 2.0); --type hook|wrapper|setting|utility|installer|uninstaller|... picks the
 * framework 1.0 group. The request then takes the served path (cli_local.h): a forked worker runs
 * proto_handle() with an in-process system token. The response body goes to stdout; a status
 * other than 200 exits 1 with the status on stderr. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "cli.h"
#include "cli_local.h"
#include "fixture.h"
#include "json.h"
#include "registry_internal.h"
#include "text.h"

#define INVOKE_MAX_INPUT (50u * 1024u * 1024u)

static void invoke_usage(FILE *f)
{
    fprintf(
        f,
        "usage: hookstack invoke FUNCTION [FILE|-] [--type T] [--connector ID] [--modules DIR]...\n"
        "\n"
        "Runs FUNCTION of the loaded modules exactly as POST /function would (same validation,\n"
        "dispatch and result checks, in a forked worker) and prints the response body.\n"
        "\n"
        "FILE (or - for standard input) holds either a whole request body, an object with\n"
        "\"function\" and \"options\" keys, sent as it is, or just the function's options, which\n"
        "are wrapped as {\"diy\":true,\"function\":FUNCTION,\"options\":...}. Without FILE the\n"
        "options are {}.\n"
        "\n"
        "options:\n"
        "  --type T         framework 1.0: find FUNCTION in the group of type T (hook, wrapper,\n"
        "                   setting, utility, installer, uninstaller, ...); without it the\n"
        "                   request has no type and FUNCTION is looked up at the top level\n"
        "                   (framework 2.0)\n"
        "  --connector ID   call it for integration app ID (_connectorId) instead of "
        "DIY\n" CLI_LOCAL_USAGE_MODULES CLI_LOCAL_USAGE_TIMEOUT
        "  -h, --help       show this help\n"
        "\n"
        "The request is authenticated with a random system token made for this run only.\n"
        "Exit status: 0 when the answer is 200, 1 for any other status (printed on stderr)\n"
        "or a failure, 2 for bad usage.\n");
}

struct invoke_args {
    const char *function;
    const char *file;
    const char *type;
    const char *connector;
    struct cli_modules mods;
    uint64_t timeout_ms;
};

static int invoke_parse(struct invoke_args *o, int argc, char **argv)
{
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int m = cli_modules_arg(&o->mods, argc, argv, &i, "invoke");
        if (m < 0)
            return 2;
        if (m > 0)
            continue;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            invoke_usage(stdout);
            return 0;
        }
        const char *val = NULL;
        int t = cli_opt_value(argc, argv, &i, "--type", &o->type, "invoke");
        if (t == 0)
            t = cli_opt_value(argc, argv, &i, "--connector", &o->connector, "invoke");
        if (t == 0) {
            t = cli_opt_value(argc, argv, &i, "--timeout", &val, "invoke");
            if (t > 0 && cli_timeout_parse(val, &o->timeout_ms) != 0) {
                fprintf(stderr, "hookstack invoke: --timeout: expected seconds, got '%s'\n", val);
                return 2;
            }
        }
        if (t < 0)
            return 2;
        if (t > 0)
            continue;
        if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "hookstack invoke: unknown option '%s' (see hookstack invoke --help)\n",
                    a);
            return 2;
        }
        if (npos == 0)
            o->function = a;
        else if (npos == 1)
            o->file = a;
        else {
            fprintf(stderr, "hookstack invoke: unexpected argument '%s'\n", a);
            return 2;
        }
        npos++;
    }
    if (!o->function) {
        fprintf(stderr, "hookstack invoke: which function? (hookstack invoke FUNCTION [FILE])\n");
        return 2;
    }
    return -1; /* go on */
}

static bool is_full_body(const struct json_value *v)
{
    return v && v->type == JSON_OBJECT && json_object_get(v, STRLIT("function")) &&
           json_object_get(v, STRLIT("options"));
}

/* Builds the request body in *out (malloc-owned). Returns 0, 1 (failure, reported), 2 (usage). */
static int invoke_body(struct arena *a, const struct invoke_args *o, struct json_buf *out)
{
    char err[512];
    struct json_value *in = NULL;
    const char *text = NULL;
    size_t len = 0;
    if (o->file) {
        text = fixture_file_read(a, o->file, INVOKE_MAX_INPUT, &len, err, sizeof(err));
        if (!text) {
            fprintf(stderr, "hookstack invoke: %s\n", err);
            return 1;
        }
        const char *shown = strcmp(o->file, "-") == 0 ? "standard input" : o->file;
        in = fixture_json_parse(a, shown, text, len, err, sizeof(err));
        if (!in) {
            fprintf(stderr, "hookstack invoke: %s\n", err);
            return 1;
        }
    } else {
        in = json_new_object(a);
    }
    if (!in)
        goto nomem;

    struct json_value *body = NULL;
    if (is_full_body(in)) {
        const struct json_value *fn = json_object_get(in, STRLIT("function"));
        if (fn->type != JSON_STRING || fn->len != strlen(o->function) ||
            memcmp(fn->u.str, o->function, fn->len) != 0) {
            fprintf(stderr,
                    "hookstack invoke: the request in %s calls another function than '%s'\n",
                    o->file, o->function);
            return 2;
        }
        if (!o->type && !o->connector) {
            /* Sent byte for byte, as integrator.io would have sent it. */
            if (json_buf_append(out, text, len) != 0)
                goto nomem;
            return 0;
        }
        body = in;
    } else {
        body = json_new_object(a);
        if (!body)
            goto nomem;
        int rc = o->connector ? 0 : json_object_set(a, body, STRLIT("diy"), json_new_bool(a, true));
        if (rc == 0 && o->type)
            rc = json_object_set(a, body, STRLIT("type"),
                                 json_new_string(a, o->type, strlen(o->type)));
        if (rc == 0)
            rc = json_object_set(a, body, STRLIT("function"),
                                 json_new_string(a, o->function, strlen(o->function)));
        if (rc == 0)
            rc = json_object_set(a, body, STRLIT("options"), in);
        if (rc != 0)
            goto nomem;
    }
    if (o->type &&
        json_object_set(a, body, STRLIT("type"), json_new_string(a, o->type, strlen(o->type))) != 0)
        goto nomem;
    if (o->connector) {
        json_object_delete(body, STRLIT("diy"));
        if (json_object_set(a, body, STRLIT("_connectorId"),
                            json_new_string(a, o->connector, strlen(o->connector))) != 0)
            goto nomem;
    }
    int wrc = json_write(out, body, 0, NULL);
    if (wrc == ERR_OK)
        return 0;
    if (wrc == ERR_UNSERIALIZABLE) {
        fprintf(stderr, "hookstack invoke: the request nests too deep to be written\n");
        return 1;
    }
nomem:
    fprintf(stderr, "hookstack invoke: out of memory\n");
    return 1;
}

/* After invalid_function for a request without type: where the function does live. */
static void invoke_hint(const struct registry *reg, const char *function)
{
    for (size_t i = 0; i < reg->nfns; i++) {
        const struct registry_fn *fn = reg->fns[i];
        if (strcmp(fn->name, function) != 0 || !fn->group || fn->top_level)
            continue;
        fprintf(stderr,
                "hookstack invoke: %s is in the %s group of module %s (framework 1.0): add "
                "--type %s\n",
                function, fn->group, reg->modules[fn->module]->name, cli_group_type(fn->group));
        return;
    }
}

int cli_invoke(int argc, char **argv)
{
    struct invoke_args o = {.timeout_ms = CLI_LOCAL_DEFAULT_TIMEOUT_MS};
    int rc = invoke_parse(&o, argc, argv);
    if (rc >= 0)
        return rc;

    struct arena *a = arena_new(64 * 1024, 0);
    struct json_buf body;
    json_buf_init(&body, 0);
    struct cli_local l;
    bool opened = false;
    struct cli_local_result res = {0};
    char err[512];
    if (!a || cli_modules_default(&o.mods) != 0) {
        fprintf(stderr, "hookstack invoke: out of memory\n");
        rc = 1;
        goto out;
    }
    rc = invoke_body(a, &o, &body);
    if (rc != 0)
        goto out;
    if (cli_local_open(&l, &o.mods, err, sizeof(err)) != 0) {
        fprintf(stderr, "hookstack invoke: %s\n", err);
        rc = 1;
        goto out;
    }
    opened = true;
    l.timeout_ms = o.timeout_ms;
    if (cli_local_run(&l, body.data, body.len, o.function, &res, err, sizeof(err)) != 0) {
        fprintf(stderr, "hookstack invoke: %s\n", err);
        rc = 1;
        goto out;
    }
    if (res.body_len > 0) {
        fwrite(res.body, 1, res.body_len, stdout);
        fputc('\n', stdout);
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "hookstack invoke: cannot write the answer\n");
        rc = 1;
    } else if (res.status != 200) {
        if (res.crashed || res.timed_out)
            fprintf(stderr, "hookstack invoke: status %d (%s)\n", res.status,
                    res.timed_out ? "the function timed out" : "the function crashed");
        else
            fprintf(stderr, "hookstack invoke: status %d\n", res.status);
        if (res.status == 422 && !o.type && strstr(res.body, "\"invalid_function\""))
            invoke_hint(l.reg, o.function);
        rc = 1;
    } else {
        rc = 0;
    }
out:
    cli_local_result_free(&res);
    if (opened)
        cli_local_close(&l);
    json_buf_free(&body);
    arena_free(a);
    cli_modules_free(&o.mods);
    return rc;
}
