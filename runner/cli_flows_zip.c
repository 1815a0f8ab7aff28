/* cli_flows_zip.c — `hookstack flows import ZIP [DIR]` and `flows export DIR ZIP`: integration
 * download zips to and from a flows folder (flows_layout.h does the conversion, flows_zip.h the
 * zip), and the file helpers of the flows commands. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_flows.h"
#include "cli_local.h"
#include "flows_layout.h"
#include "flows_set.h"
#include "flows_zip.h"

int cli_flows_mkdirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

int cli_flows_write_file(const char *path, const char *data, size_t len)
{
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
    FILE *fp = fopen(tmp, "wb");
    if (!fp)
        return -1;
    bool ok = fwrite(data, 1, len, fp) == len;
    ok = fclose(fp) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        errno = e;
        return -1;
    }
    return 0;
}

/* ---- import --------------------------------------------------------------------------------- */

static void import_usage(FILE *f)
{
    fprintf(f, "usage: hookstack flows import ZIP [DIR] [--env ENV] [--region US|EU]\n"
               "\n"
               "Reads an integration download zip (integration.json, connections/, exports/,\n"
               "imports/, flows/, scripts/; each resource as Name-ID.json, a script's code as\n"
               "Name-ID.js) and writes its resources into the flows folder DIR (default ./flows)\n"
               "as canonical files named by local names, with references \"@TYPE/NAME\" instead\n"
               "of ids. The ids go to DIR/environments/ENV.json (default ENV: production, region\n"
               "US); an id that file already maps keeps its local name. integration.json and the\n"
               "files of connections/, exports/, imports/, flows/ and scripts/ are replaced;\n"
               "stacks/ and the other environments are kept (a stack the zip names by id gets a\n"
               "stacks/ file when it has none: fill in its server.hostURI). Notes about skipped\n"
               "entries and ids the zip does not define go to stderr.\n"
               "\n"
               "options:\n"
               "  --env ENV        the environment the zip was downloaded from\n"
               "  --region US|EU   its integrator.io region (written into ENV.json)\n"
               "  -h, --help       show this help\n"
               "\n"
               "Exit status: 0 written, 1 the zip cannot be read or converted (nothing is written\n"
               "then) or a file cannot be written, 2 for bad usage.\n");
}

/* Reads DIR/environments/ENV.json's ids into a (NULL when absent or not an object). */
static const struct json_value *env_ids(struct arena *a, const char *dir, const char *env)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/environments/%s.json", dir, env);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    struct json_buf b;
    json_buf_init(&b, 64u << 20);
    char chunk[8192];
    size_t n;
    bool ok = true;
    while (ok && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        ok = json_buf_append(&b, chunk, n) == 0;
    fclose(fp);
    struct json_value *v = ok ? json_parse(a, b.data ? b.data : "", b.len, NULL, NULL) : NULL;
    json_buf_free(&b);
    const struct json_value *ids =
        v && v->type == JSON_OBJECT ? json_object_get(v, "ids", 3) : NULL;
    return ids && ids->type == JSON_OBJECT ? ids : NULL;
}

/* Removes the *.json and *.js files of DIR/SUB. 0, or -1 (errno). */
static int clear_dir(const char *dir, const char *sub)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, sub);
    DIR *d = opendir(path);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        bool ours = (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0) ||
                    (n > 3 && strcmp(e->d_name + n - 3, ".js") == 0);
        if (!ours || e->d_name[0] == '.')
            continue;
        char f[8192];
        snprintf(f, sizeof(f), "%s/%s", path, e->d_name);
        if (unlink(f) != 0)
            rc = -1;
    }
    closedir(d);
    return rc;
}

int cli_flows_write_entries(const char *dir, const struct flows_entries *out, bool stacks,
                            const char *cmd, size_t *written)
{
    static const char *const subs[] = {"connections", "exports", "imports", "flows", "scripts"};
    char path[4096];
    *written = 0;
    snprintf(path, sizeof(path), "%s/integration.json", dir);
    if (cli_flows_mkdirs(dir) != 0 || (unlink(path) != 0 && errno != ENOENT)) {
        fprintf(stderr, "hookstack %s: %s: %s\n", cmd, dir, strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
        if (clear_dir(dir, subs[i]) != 0) {
            fprintf(stderr, "hookstack %s: %s/%s: cannot clear: %s\n", cmd, dir, subs[i],
                    strerror(errno));
            return -1;
        }
    for (size_t i = 0; i < out->n; i++) {
        const struct flows_entry *e = &out->e[i];
        snprintf(path, sizeof(path), "%s/%s", dir, e->path);
        if (!stacks && strncmp(e->path, "stacks/", 7) == 0 && access(path, F_OK) == 0)
            continue; /* the folder's own description of the stack */
        char *slash = strrchr(path, '/');
        *slash = '\0';
        int mk = cli_flows_mkdirs(path);
        *slash = '/';
        if (mk != 0 || cli_flows_write_file(path, e->data, e->len) != 0) {
            fprintf(stderr, "hookstack %s: %s: cannot write: %s\n", cmd, path, strerror(errno));
            return -1;
        }
        (*written)++;
    }
    return 0;
}

int cli_flows_import(int argc, char **argv)
{
    const char *zip = NULL, *dir = NULL, *env = FLOWS_DEFAULT_ENV, *region = "US";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            import_usage(stdout);
            return 0;
        }
        int m = cli_opt_value(argc, argv, &i, "--env", &env, "flows import");
        if (m == 0)
            m = cli_opt_value(argc, argv, &i, "--region", &region, "flows import");
        if (m < 0)
            return 2;
        if (m > 0)
            continue;
        if (argv[i][0] == '-' || (zip && dir)) {
            fprintf(stderr,
                    "hookstack flows import: unexpected argument '%s' (see hookstack flows import "
                    "--help)\n",
                    argv[i]);
            return 2;
        }
        if (!zip)
            zip = argv[i];
        else
            dir = argv[i];
    }
    if (!zip) {
        fprintf(stderr, "hookstack flows import: which zip? (see hookstack flows import --help)\n");
        return 2;
    }
    if (strcmp(region, "US") != 0 && strcmp(region, "EU") != 0) {
        fprintf(stderr, "hookstack flows import: --region is US or EU, not '%s'\n", region);
        return 2;
    }
    if (!flows_name_valid(env, strlen(env))) {
        fprintf(stderr,
                "hookstack flows import: --env '%s' is not a local name (lowercase letters and "
                "digits, words joined by '-')\n",
                env);
        return 2;
    }
    if (!dir)
        dir = FLOWS_DEFAULT_DIR;
    char err[1024];
    struct flows_entries *in = flows_entries_new(), *out = flows_entries_new(),
                         *notes = flows_entries_new();
    struct arena *a = arena_new(64 * 1024, 0);
    int rc = 1;
    if (!in || !out || !notes || !a) {
        fprintf(stderr, "hookstack flows import: out of memory\n");
        goto done;
    }
    if (flows_zip_read(zip, in, err, sizeof(err)) != 0) {
        fprintf(stderr, "hookstack flows import: %s\n", err);
        goto done;
    }
    struct flows_import_opts o = {.env = env, .region = region, .known_ids = env_ids(a, dir, env)};
    if (flows_layout_import(in, &o, out, notes, err, sizeof(err)) != 0) {
        fprintf(stderr, "hookstack flows import: %s: %s\n", zip, err);
        goto done;
    }
    for (size_t i = 0; i < notes->n; i++)
        fprintf(stderr, "hookstack flows import: note: %s\n", notes->e[i].data);
    size_t written = 0;
    if (cli_flows_write_entries(dir, out, false, "flows import", &written) != 0)
        goto done;
    fprintf(stderr, "hookstack flows import: %s: wrote %zu files into %s (environment %s)\n", zip,
            written, dir, env);
    rc = 0;
done:
    arena_free(a);
    flows_entries_free(in);
    flows_entries_free(out);
    flows_entries_free(notes);
    return rc;
}

/* ---- export --------------------------------------------------------------------------------- */

static void export_usage(FILE *f)
{
    fprintf(f,
            "usage: hookstack flows export DIR ZIP [--env ENV]\n"
            "\n"
            "Writes the flows folder DIR as an integration download zip, the layout\n"
            "integrator.io's download gives and `flows import` reads: integration.json and\n"
            "TYPE/Name-ID.json per connection, export, import, flow and script (a script's code\n"
            "as scripts/Name-ID.js). References become the ids of DIR/environments/ENV.json\n"
            "(default ENV: production, when that file exists); a resource without an id there\n"
            "gets a stable one made from its type and name. Stacks are not part of a download.\n"
            "The same folder always gives the same zip, byte for byte.\n"
            "\n"
            "options:\n"
            "  --env ENV        whose ids to use\n"
            "  -h, --help       show this help\n"
            "\n"
            "Exit status: 0 written, 1 the folder has invalid JSON or a dangling reference, or\n"
            "the zip cannot be written, 2 for bad usage.\n");
}

int cli_flows_export(int argc, char **argv)
{
    const char *zip = NULL, *dir = NULL, *env = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            export_usage(stdout);
            return 0;
        }
        int m = cli_opt_value(argc, argv, &i, "--env", &env, "flows export");
        if (m < 0)
            return 2;
        if (m > 0)
            continue;
        if (argv[i][0] == '-' || (zip && dir)) {
            fprintf(stderr,
                    "hookstack flows export: unexpected argument '%s' (see hookstack flows export "
                    "--help)\n",
                    argv[i]);
            return 2;
        }
        if (!dir)
            dir = argv[i];
        else
            zip = argv[i];
    }
    if (!dir || !zip) {
        fprintf(stderr, "hookstack flows export: needs DIR and ZIP (see hookstack flows export "
                        "--help)\n");
        return 2;
    }
    char err[1024];
    struct flows_set *s = flows_set_new();
    struct flows_entries *out = flows_entries_new();
    struct arena *a = arena_new(64 * 1024, 0);
    int rc = 1;
    if (!s || !out || !a || flows_set_load(s, dir) != 0) {
        fprintf(stderr, "hookstack flows export: out of memory\n");
        goto done;
    }
    for (size_t i = 0; i < s->nfindings; i++)
        fprintf(stderr, "%s:%u:%u: %s\n", s->findings[i].path, s->findings[i].line,
                s->findings[i].col, s->findings[i].message);
    if (s->nfindings > 0) {
        fprintf(stderr, "hookstack flows export: %s cannot be read as a flows folder\n", dir);
        goto done;
    }
    const struct json_value *ids = env_ids(a, dir, env ? env : FLOWS_DEFAULT_ENV);
    if (env && !ids) {
        fprintf(stderr, "hookstack flows export: %s/environments/%s.json has no \"ids\" object\n",
                dir, env);
        goto done;
    }
    if (flows_layout_export(s, ids, out, err, sizeof(err)) != 0) {
        fprintf(stderr, "hookstack flows export: %s\n", err);
        goto done;
    }
    if (flows_zip_write(zip, out, err, sizeof(err)) != 0) {
        fprintf(stderr, "hookstack flows export: %s\n", err);
        goto done;
    }
    fprintf(stderr, "hookstack flows export: wrote %s (%zu entries)\n", zip, out->n);
    rc = 0;
done:
    arena_free(a);
    flows_entries_free(out);
    flows_set_free(s);
    return rc;
}
