/* cli_flows_rest.c — `hookstack flows push|pull|diff ENV [DIR]`: a flows folder against the
 * integrator.io account environments/ENV.json names, through the REST API (flows_api.h); the
 * resource steps are flows_sync.h's. docs/flows.md, "push, pull, diff". */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_flows.h"
#include "flows_api.h"
#include "flows_check.h"
#include "flows_layout.h"
#include "flows_set.h"
#include "flows_sync.h"
#include "jsondiff.h"

/* ---- what the three commands share ---------------------------------------------------------- */

struct rest {
    const char *cmd; /* "flows push" */
    const char *env, *dir;
    char env_path[4096];
    struct arena *a;
    struct json_value *env_doc; /* environments/ENV.json */
    struct json_value *ids;     /* its "ids" (an object of env_doc) */
    const char *region;
    char base[2048];
    struct flows_api api;
    bool api_ok;
};

/* Prints "hookstack CMD: " and the message with the token redacted, to stderr. */
static void say(struct rest *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct rest *r, const char *fmt, ...)
{
    char line[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    flows_api_redact(line, sizeof(line), r->api.token);
    fprintf(stderr, "hookstack %s: %s\n", r->cmd, line);
}

/* Prints one line to stdout with the token redacted. */
static void out(struct rest *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(struct rest *r, const char *fmt, ...)
{
    char line[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    flows_api_redact(line, sizeof(line), r->api.token);
    printf("%s\n", line);
}

static const char *const common_opts =
    "  --base-url URL   the API's base URL instead of the region's (or $" FLOWS_API_URL_ENV ")\n"
    "  -h, --help       show this help\n"
    "\n"
    "The API token is read from $" FLOWS_API_TOKEN_ENV " (integrator.io: Resources > API\n"
    "tokens; a token belongs to one account environment). It is sent only in the\n"
    "Authorization header and never printed. 429 and 5xx answers are retried up to 5 times,\n"
    "waiting Retry-After or $" FLOWS_API_BACKOFF_ENV " (default 500) milliseconds, doubled\n"
    "each time.\n";

/* Parses ENV [DIR] [--base-url URL] [--dry-run]. 0, 1 (help printed), or 2 (bad usage). */
static int parse_args(struct rest *r, int argc, char **argv, bool *dry_run, const char *usage,
                      const char *base_url[1])
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            fputs(common_opts, stdout);
            return 1;
        }
        if (dry_run && strcmp(argv[i], "--dry-run") == 0) {
            *dry_run = true;
            continue;
        }
        if (strcmp(argv[i], "--base-url") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "hookstack %s: --base-url needs a URL\n", r->cmd);
                return 2;
            }
            *base_url = argv[++i];
            continue;
        }
        if (argv[i][0] == '-' || (r->env && r->dir)) {
            fprintf(stderr, "hookstack %s: unexpected argument '%s' (see hookstack %s --help)\n",
                    r->cmd, argv[i], r->cmd);
            return 2;
        }
        if (!r->env)
            r->env = argv[i];
        else
            r->dir = argv[i];
    }
    if (!r->env) {
        fprintf(stderr, "hookstack %s: which environment? (see hookstack %s --help)\n", r->cmd,
                r->cmd);
        return 2;
    }
    if (!flows_name_valid(r->env, strlen(r->env))) {
        fprintf(stderr,
                "hookstack %s: '%s' is not an environment name (lowercase letters and "
                "digits, words joined by '-')\n",
                r->cmd, r->env);
        return 2;
    }
    if (!r->dir)
        r->dir = FLOWS_DEFAULT_DIR;
    return 0;
}

static char *read_all(const char *path, size_t *len)
{
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
    ok = !ferror(fp) && ok;
    fclose(fp);
    if (!ok || json_buf_append(&b, "", 1) != 0) {
        json_buf_free(&b);
        errno = ok ? ENOMEM : EIO;
        return NULL;
    }
    *len = b.len - 1;
    return b.data;
}

/* Loads the environment file, picks the base URL and starts the API client. 0 or -1 (said). */
static int rest_open(struct rest *r, const char *base_url)
{
    r->a = arena_new(256 * 1024, 0);
    if (!r->a) {
        say(r, "out of memory");
        return -1;
    }
    snprintf(r->env_path, sizeof(r->env_path), "%s/environments/%s.json", r->dir, r->env);
    size_t len;
    char *text = read_all(r->env_path, &len);
    if (!text) {
        say(r,
            "%s: cannot read: %s (an environment file says the account's region and ids; "
            "docs/flows.md)",
            r->env_path, strerror(errno));
        return -1;
    }
    struct json_error jerr = {0};
    r->env_doc = json_parse(r->a, text, len, &flows_parse_opts, &jerr);
    free(text);
    if (!r->env_doc || r->env_doc->type != JSON_OBJECT) {
        say(r, "%s:%u:%u: not a JSON object%s%s", r->env_path, jerr.line, jerr.column,
            r->env_doc ? "" : ": ", r->env_doc ? "" : jerr.message);
        return -1;
    }
    r->ids = json_object_get(r->env_doc, "ids", 3);
    if (!r->ids) {
        r->ids = json_new_object(r->a);
        if (!r->ids || json_object_set(r->a, r->env_doc, "ids", 3, r->ids) != 0) {
            say(r, "out of memory");
            return -1;
        }
    }
    if (r->ids->type != JSON_OBJECT) {
        say(r, "%s: \"ids\" is not an object", r->env_path);
        return -1;
    }
    const struct json_value *reg = json_object_get(r->env_doc, "region", 6);
    r->region = reg && reg->type == JSON_STRING ? reg->u.str : "US";
    if (strcmp(r->region, "US") != 0 && strcmp(r->region, "EU") != 0) {
        say(r, "%s: \"region\" is US or EU, not '%s'", r->env_path, r->region);
        return -1;
    }
    if (!base_url || !*base_url)
        base_url = getenv(FLOWS_API_URL_ENV);
    if (!base_url || !*base_url)
        base_url = strcmp(r->region, "EU") == 0 ? FLOWS_API_EU : FLOWS_API_US;
    snprintf(r->base, sizeof(r->base), "%s", base_url);
    size_t bl = strlen(r->base);
    while (bl > 0 && r->base[bl - 1] == '/')
        r->base[--bl] = '\0';
    if (strncmp(r->base, "https://", 8) != 0 && strncmp(r->base, "http://", 7) != 0) {
        say(r, "the API base URL '%s' is not an http(s) URL", r->base);
        return -1;
    }
    const char *token = getenv(FLOWS_API_TOKEN_ENV);
    if (!token || !*token) {
        say(r, "no API token: set %s to an integrator.io API token of the account",
            FLOWS_API_TOKEN_ENV);
        return -1;
    }
    if (strpbrk(token, "\r\n")) {
        say(r, "%s holds a line break: not a token", FLOWS_API_TOKEN_ENV);
        return -1;
    }
    if (flows_api_init(&r->api, r->base, token) != 0) {
        say(r, "cannot start libcurl");
        return -1;
    }
    r->api_ok = true;
    const char *bo = getenv(FLOWS_API_BACKOFF_ENV);
    if (bo && *bo) {
        char *end;
        unsigned long v = strtoul(bo, &end, 10);
        if (*end != '\0' || v > 600000) {
            say(r, "%s is a number of milliseconds (0 to 600000), not '%s'", FLOWS_API_BACKOFF_ENV,
                bo);
            return -1;
        }
        r->api.backoff_ms = (unsigned)v;
    }
    return 0;
}

static void rest_close(struct rest *r)
{
    if (r->api_ok)
        flows_api_cleanup(&r->api);
    arena_free(r->a);
}

static const char *res_path(enum flows_type t)
{
    static const char *const p[FLOWS_NTYPES] = {"integrations", "connections", "exports", "imports",
                                                "flows",        "scripts",     "stacks",  ""};
    return (unsigned)t < FLOWS_NTYPES ? p[t] : "";
}

/* "@integration" or "@TYPE/NAME" for a file. */
static void ref_of(const struct flows_file *f, char *out, size_t cap)
{
    if (f->type == FLOWS_INTEGRATION)
        snprintf(out, cap, "@integration");
    else
        snprintf(out, cap, "@%s/%s", flows_type_dir(f->type), f->name);
}

/* "exports/NAME" or "integration" for messages. */
static void label_of(const struct flows_file *f, char *out, size_t cap)
{
    if (f->type == FLOWS_INTEGRATION)
        snprintf(out, cap, "integration");
    else
        snprintf(out, cap, "%s/%s", flows_type_dir(f->type), f->name);
}

static const char *id_of(const struct rest *r, const char *ref)
{
    const struct json_value *v = json_object_get(r->ids, ref, strlen(ref));
    return v && v->type == JSON_STRING && v->len > 0 ? v->u.str : NULL;
}

/* GETs /TYPE/ID into *live. 0; -1 with the reason in err. */
static int get_live(struct rest *r, struct arena *a, enum flows_type t, const char *id,
                    struct json_value **live, char *err, size_t errlen)
{
    char path[512];
    snprintf(path, sizeof(path), "/%s/%s", res_path(t), id);
    struct flows_api_resp resp;
    int rc = flows_api_call(&r->api, "GET", path, NULL, 0, &resp);
    if (rc != 0) {
        snprintf(err, errlen, "GET %s: %s", path, resp.err);
    } else if (resp.status != 200) {
        char t2[1024];
        flows_api_error_text(resp.status, resp.body.data, resp.body.len, t2, sizeof(t2));
        snprintf(err, errlen, "GET %s: %s", path, t2);
        rc = -1;
    } else {
        *live = flows_api_parse(a, resp.body.data, resp.body.len);
        if (!*live || (*live)->type != JSON_OBJECT) {
            snprintf(err, errlen, "GET %s: the answer is not a JSON object", path);
            rc = -1;
        }
    }
    flows_api_resp_free(&resp);
    return rc;
}

/* The local resource as compared with live: a canonical copy, with a script's code as
 * `content`. NULL when out of memory. */
static struct json_value *local_doc(struct arena *a, const struct flows_file *f)
{
    struct json_value *v = json_clone(a, f->value);
    if (!v || flows_canon(a, f->type, v) != 0)
        return NULL;
    if (f->type == FLOWS_SCRIPT && f->js) {
        struct json_value *c = json_new_string(a, f->js, f->js_len);
        if (!c || json_object_set(a, v, "content", 7, c) != 0)
            return NULL;
    }
    return v;
}

/* The live document in the folder's form with a script's code as `content`, compared with local
 * (local_doc): a placeholder of local where the account holds no value is copied over (*unset
 * counts them; a push cannot send a secret). NULL when out of memory. */
static struct json_value *live_doc(struct rest *r, struct arena *a, enum flows_type t,
                                   const struct json_value *live, const struct json_value *local,
                                   int *unset)
{
    const struct json_value *content;
    struct json_value *v = flows_sync_to_local(a, t, live, r->ids, &content);
    if (v && content && json_object_set(a, v, "content", 7, (struct json_value *)content) != 0)
        return NULL;
    int n = v ? flows_sync_fill_secrets(a, local, v) : -1;
    if (n < 0)
        return NULL;
    if (unset)
        *unset = n;
    return v;
}

static int load_set(struct rest *r, struct flows_set **s)
{
    *s = flows_set_new();
    if (!*s || flows_set_load(*s, r->dir) != 0) {
        say(r, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < (*s)->nfindings; i++)
        fprintf(stderr, "%s:%u:%u: %s\n", (*s)->findings[i].path, (*s)->findings[i].line,
                (*s)->findings[i].col, (*s)->findings[i].message);
    if ((*s)->nfindings > 0) {
        say(r, "%s cannot be read as a flows folder (see hookstack flows validate)", r->dir);
        return -1;
    }
    return 0;
}

/* ---- push ----------------------------------------------------------------------------------- */

static const char push_usage[] =
    "usage: hookstack flows push ENV [DIR] [--dry-run] [--base-url URL]\n"
    "\n"
    "Makes the integrator.io account of DIR/environments/ENV.json (DIR default ./flows)\n"
    "hold the folder's resources. In dependency order (connections, stacks, scripts, the\n"
    "integration, exports, imports, flows), each resource without an id in ENV.json is\n"
    "created (POST; its new id is written into ENV.json at once), each one whose live\n"
    "document differs from its file is updated (GET, the file's fields merged over the live\n"
    "document, PUT of the whole document), and the others are left untouched. References\n"
    "become the ids of ENV.json. A secret placeholder \"<secret>\" is never sent: the\n"
    "account keeps its value. Prints one line per resource: created, updated, unchanged.\n"
    "When a call fails, says which resources were written and which were not.\n"
    "\n"
    "options:\n"
    "  --dry-run        print the plan (create, update, unchanged) and write nothing\n";

static int write_env(struct rest *r)
{
    struct json_buf b;
    json_buf_init(&b, 0);
    int rc = flows_canon_write(&b, r->env_doc);
    if (rc == 0 && cli_flows_write_file(r->env_path, b.data, b.len) != 0)
        rc = -1;
    json_buf_free(&b);
    return rc;
}

static const enum flows_type push_order[] = {FLOWS_CONNECTION,  FLOWS_STACK,  FLOWS_SCRIPT,
                                             FLOWS_INTEGRATION, FLOWS_EXPORT, FLOWS_IMPORT,
                                             FLOWS_FLOW};
#define NORDER (sizeof(push_order) / sizeof(push_order[0]))

/* Pushes one resource. 0 done (*what says which), -1 failed (said; *wrote: whether the account
 * changed). */
static int push_one(struct rest *r, const struct flows_file *f, bool dry_run, const char **what,
                    bool *wrote)
{
    char ref[256], label[256], err[2048], missing[256], path[512];
    ref_of(f, ref, sizeof(ref));
    label_of(f, label, sizeof(label));
    *wrote = false;
    struct arena *a = arena_new(64 * 1024, 0);
    struct json_value *local = a ? local_doc(a, f) : NULL;
    int rc = -1;
    if (!local) {
        say(r, "%s: out of memory", label);
        goto done;
    }
    const char *id = id_of(r, ref);
    if (!id) {
        *what = "create";
        if (dry_run) {
            out(r, "create %s", label);
            rc = 0;
            goto done;
        }
        struct json_value *body = json_clone(a, local);
        int m = body ? flows_sync_to_ids(a, body, r->ids, missing, sizeof(missing)) : -1;
        if (m == 1) {
            say(r, "%s: refers to %s, which has no id in %s", label, missing, r->env_path);
            goto done;
        }
        body = m == 0 ? flows_sync_create_body(a, body) : NULL;
        const char *integ = id_of(r, "@integration");
        if (body && integ &&
            (f->type == FLOWS_EXPORT || f->type == FLOWS_IMPORT || f->type == FLOWS_FLOW) &&
            json_object_set(a, body, "_integrationId", 14,
                            json_new_string(a, integ, strlen(integ))) != 0)
            body = NULL;
        struct json_buf b;
        json_buf_init(&b, 0);
        if (!body || json_write(&b, body, 0, NULL) != 0) {
            json_buf_free(&b);
            say(r, "%s: out of memory", label);
            goto done;
        }
        snprintf(path, sizeof(path), "/%s", res_path(f->type));
        struct flows_api_resp resp;
        int c = flows_api_call(&r->api, "POST", path, b.data, b.len, &resp);
        json_buf_free(&b);
        if (c != 0) {
            say(r,
                "%s: POST %s: %s (whether the account created it is unknown: check before "
                "pushing again)",
                label, path, resp.err);
            *wrote = true;
        } else if (resp.status != 201 && resp.status != 200) {
            flows_api_error_text(resp.status, resp.body.data, resp.body.len, err, sizeof(err));
            *wrote = resp.status >= 500; /* a server error may come after the create */
            say(r, "%s: POST %s: %s%s", label, path, err,
                *wrote ? " (whether the account created it is unknown: check before pushing "
                         "again)"
                       : "");
        } else {
            struct json_value *v = flows_api_parse(a, resp.body.data, resp.body.len);
            const struct json_value *nid =
                v && v->type == JSON_OBJECT ? json_object_get(v, "_id", 3) : NULL;
            *wrote = true;
            if (!nid || nid->type != JSON_STRING || !flows_id_valid(nid->u.str, nid->len)) {
                say(r, "%s: POST %s answered %ld without an _id: created, but its id is unknown",
                    label, path, resp.status);
            } else {
                struct json_value *s = json_new_string(r->a, nid->u.str, nid->len);
                const char *key = arena_strndup(r->a, ref, strlen(ref));
                if (!s || !key || json_object_set(r->a, r->ids, key, strlen(key), s) != 0) {
                    say(r, "%s: created as %s, but out of memory recording it", label, nid->u.str);
                } else if (write_env(r) != 0) {
                    say(r,
                        "%s: created as %s, but %s cannot be written: %s (add \"%s\": \"%s\" "
                        "to its ids)",
                        label, nid->u.str, r->env_path, strerror(errno), ref, nid->u.str);
                } else {
                    out(r, "created %s %s", label, nid->u.str);
                    rc = 0;
                }
            }
        }
        flows_api_resp_free(&resp);
        goto done;
    }
    struct json_value *live = NULL;
    if (get_live(r, a, f->type, id, &live, err, sizeof(err)) != 0) {
        say(r, "%s (id %s in %s): %s", label, id, r->env_path, err);
        goto done;
    }
    struct json_value *lf = live_doc(r, a, f->type, live, local, NULL);
    if (!lf) {
        say(r, "%s: out of memory", label);
        goto done;
    }
    if (json_equal(lf, local)) {
        *what = "unchanged";
        out(r, "unchanged %s", label);
        rc = 0;
        goto done;
    }
    *what = "update";
    if (dry_run) {
        out(r, "update %s", label);
        rc = 0;
        goto done;
    }
    struct json_value *body = json_clone(a, local);
    int m = body ? flows_sync_to_ids(a, body, r->ids, missing, sizeof(missing)) : -1;
    if (m == 1) {
        say(r, "%s: refers to %s, which has no id in %s", label, missing, r->env_path);
        goto done;
    }
    struct json_value *merged = m == 0 ? flows_sync_merge(a, f->type, body, live) : NULL;
    struct json_buf b;
    json_buf_init(&b, 0);
    if (!merged || json_write(&b, merged, 0, NULL) != 0) {
        json_buf_free(&b);
        say(r, "%s: out of memory", label);
        goto done;
    }
    snprintf(path, sizeof(path), "/%s/%s", res_path(f->type), id);
    struct flows_api_resp resp;
    int c = flows_api_call(&r->api, "PUT", path, b.data, b.len, &resp);
    json_buf_free(&b);
    if (c != 0) {
        say(r, "%s: PUT %s: %s (whether the account took the update is unknown)", label, path,
            resp.err);
        *wrote = true;
    } else if (resp.status != 200) {
        flows_api_error_text(resp.status, resp.body.data, resp.body.len, err, sizeof(err));
        say(r, "%s: PUT %s: %s", label, path, err);
    } else {
        out(r, "updated %s", label);
        *wrote = true;
        rc = 0;
    }
    flows_api_resp_free(&resp);
done:
    arena_free(a);
    return rc;
}

int cli_flows_push(int argc, char **argv)
{
    struct rest r = {.cmd = "flows push"};
    bool dry_run = false;
    const char *base_url = NULL;
    int p = parse_args(&r, argc, argv, &dry_run, push_usage, &base_url);
    if (p != 0)
        return p == 1 ? 0 : 2;
    struct flows_set *s = NULL;
    int rc = 1;
    if (rest_open(&r, base_url) != 0 || load_set(&r, &s) != 0)
        goto done;
    /* the journal: what this push wrote, for the message when it stops */
    size_t created = 0, updated = 0, unchanged = 0, ntotal = 0;
    char written[8192] = "", label[256];
    size_t wlen = 0;
    for (size_t i = 0; i < s->nfiles; i++)
        if (s->files[i].type != FLOWS_ENVIRONMENT)
            ntotal++;
    size_t done_n = 0;
    for (size_t o = 0; o < NORDER; o++)
        for (size_t i = 0; i < s->nfiles; i++) {
            const struct flows_file *f = &s->files[i];
            if (f->type != push_order[o])
                continue;
            const char *what = "";
            bool wrote;
            label_of(f, label, sizeof(label));
            if (push_one(&r, f, dry_run, &what, &wrote) != 0) {
                say(&r,
                    "stopped at %s%s; %zu of %zu resources done (%zu created, %zu updated, "
                    "%zu unchanged)%s%s%s",
                    label, wrote ? " (the account may hold part of this step)" : " (not written)",
                    done_n, ntotal, created, updated, unchanged,
                    wlen ? "; written: " : "; nothing was written", written,
                    created ? "; the new ids are in the environment file" : "");
                say(&r, "not pushed: %s and the %zu resources after it in dependency order", label,
                    ntotal - done_n - 1);
                goto done;
            }
            done_n++;
            if (strcmp(what, "unchanged") == 0) {
                unchanged++;
                continue;
            }
            if (strcmp(what, "create") == 0)
                created++;
            else
                updated++;
            if (!dry_run && wlen + strlen(label) + 16 < sizeof(written))
                wlen += (size_t)snprintf(
                    written + wlen, sizeof(written) - wlen, "%s%s %s", wlen ? ", " : "",
                    strcmp(what, "create") == 0 ? "created" : "updated", label);
        }
    if (dry_run)
        say(&r, "dry run: %zu to create, %zu to update, %zu unchanged; nothing written", created,
            updated, unchanged);
    else
        say(&r, "%s: %zu created, %zu updated, %zu unchanged", r.env, created, updated, unchanged);
    rc = 0;
done:
    flows_set_free(s);
    rest_close(&r);
    return rc;
}

/* ---- pull ----------------------------------------------------------------------------------- */

static const char pull_usage[] =
    "usage: hookstack flows pull ENV [DIR] [--base-url URL]\n"
    "\n"
    "Reads the integration DIR/environments/ENV.json names (its \"@integration\" id) from\n"
    "the account: the integration, its registered connections, exports, imports and flows\n"
    "(list calls follow Link rel=\"next\"), the scripts and stacks they name. Writes them into\n"
    "DIR as `flows import` writes a download: canonical files, local names from ENV.json's ids\n"
    "(a new resource gets the slug of its name), references instead of ids, ENV.json's ids\n"
    "rewritten. integration.json and the files of connections/, exports/, imports/, flows/\n"
    "and scripts/ are replaced; a stack the resources name is rewritten from the account.\n"
    "Pulling an account that has not changed leaves every file byte for byte as it was.\n"
    "\n"
    "options:\n";

/* Appends every id under a key of reference type t in v to ids (an array, no duplicates). */
static int collect_ids(struct arena *a, const struct json_value *v, enum flows_type t,
                       struct json_value *ids, unsigned depth)
{
    if (depth > 256)
        return 0;
    if (v->type == JSON_ARRAY) {
        for (size_t i = 0; i < v->len; i++)
            if (collect_ids(a, v->u.items[i], t, ids, depth + 1) != 0)
                return -1;
        return 0;
    }
    if (v->type != JSON_OBJECT)
        return 0;
    for (size_t i = 0; i < v->len; i++) {
        const struct json_member *m = &v->u.members[i];
        if (flows_ref_key_type(m->key, m->key_len) == (int)t && m->value->type == JSON_STRING &&
            flows_id_valid(m->value->u.str, m->value->len)) {
            bool seen = false;
            for (size_t k = 0; k < ids->len && !seen; k++)
                seen = json_equal(ids->u.items[k], m->value);
            if (!seen && json_array_push(a, ids, m->value) != 0)
                return -1;
        } else if (collect_ids(a, m->value, t, ids, depth + 1) != 0) {
            return -1;
        }
    }
    return 0;
}

static int add_entry(struct flows_entries *in, enum flows_type t, const struct json_value *v)
{
    const struct json_value *id = json_object_get(v, "_id", 3);
    const struct json_value *nm = json_object_get(v, "name", 4);
    char slug[80] = "", path[256];
    if (nm && nm->type == JSON_STRING)
        flows_slug(nm->u.str, nm->len, slug, sizeof(slug));
    snprintf(path, sizeof(path), "%s/%s-%.64s.json", flows_type_dir(t), slug[0] ? slug : "x",
             id && id->type == JSON_STRING ? id->u.str : "");
    struct json_buf b;
    json_buf_init(&b, 0);
    int rc =
        json_write(&b, v, 0, NULL) == 0 && flows_entries_add(in, path, b.data, b.len) == 0 ? 0 : -1;
    json_buf_free(&b);
    return rc;
}

int cli_flows_pull(int argc, char **argv)
{
    struct rest r = {.cmd = "flows pull"};
    const char *base_url = NULL;
    int p = parse_args(&r, argc, argv, NULL, pull_usage, &base_url);
    if (p != 0)
        return p == 1 ? 0 : 2;
    int rc = 1;
    char err[2048];
    struct flows_entries *in = flows_entries_new(), *outs = flows_entries_new(),
                         *notes = flows_entries_new();
    if (rest_open(&r, base_url) != 0)
        goto done;
    if (!in || !outs || !notes) {
        say(&r, "out of memory");
        goto done;
    }
    const char *integ = id_of(&r, "@integration");
    if (!integ) {
        say(&r, "%s has no \"@integration\" id: which integration to pull?", r.env_path);
        goto done;
    }
    struct json_value *doc;
    if (get_live(&r, r.a, FLOWS_INTEGRATION, integ, &doc, err, sizeof(err)) != 0) {
        say(&r, "integration (id %s): %s", integ, err);
        goto done;
    }
    struct json_buf b;
    json_buf_init(&b, 0);
    if (json_write(&b, doc, 0, NULL) != 0 ||
        flows_entries_add(in, "integration.json", b.data, b.len) != 0) {
        json_buf_free(&b);
        say(&r, "out of memory");
        goto done;
    }
    json_buf_free(&b);
    struct json_value *all = json_new_array(r.a);
    if (!all || json_array_push(r.a, all, doc) != 0) {
        say(&r, "out of memory");
        goto done;
    }
    static const enum flows_type listed[] = {FLOWS_CONNECTION, FLOWS_EXPORT, FLOWS_IMPORT,
                                             FLOWS_FLOW};
    for (size_t k = 0; k < sizeof(listed) / sizeof(listed[0]); k++) {
        char path[512];
        snprintf(path, sizeof(path), "/integrations/%s/%s", integ, res_path(listed[k]));
        struct json_value *items = json_new_array(r.a);
        long status;
        if (!items || flows_api_list(&r.api, r.a, path, items, &status, err, sizeof(err)) != 0) {
            say(&r, "%s: %s", res_path(listed[k]), items ? err : "out of memory");
            goto done;
        }
        for (size_t i = 0; i < items->len; i++) {
            if (items->u.items[i]->type != JSON_OBJECT) {
                say(&r, "GET %s: item %zu is not an object", path, i);
                goto done;
            }
            const struct json_value *iid = json_object_get(items->u.items[i], "_id", 3);
            if (!iid || iid->type != JSON_STRING || !flows_id_valid(iid->u.str, iid->len)) {
                say(&r, "GET %s: item %zu has no _id that is an integrator.io id", path, i);
                goto done;
            }
            if (add_entry(in, listed[k], items->u.items[i]) != 0 ||
                json_array_push(r.a, all, items->u.items[i]) != 0) {
                say(&r, "out of memory");
                goto done;
            }
        }
    }
    /* scripts by id (a list call has no content) */
    struct json_value *sids = json_new_array(r.a);
    if (!sids || collect_ids(r.a, all, FLOWS_SCRIPT, sids, 0) != 0) {
        say(&r, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < sids->len; i++) {
        struct json_value *sv;
        if (get_live(&r, r.a, FLOWS_SCRIPT, sids->u.items[i]->u.str, &sv, err, sizeof(err)) != 0) {
            say(&r, "script %s: %s", sids->u.items[i]->u.str, err);
            goto done;
        }
        if (add_entry(in, FLOWS_SCRIPT, sv) != 0) {
            say(&r, "out of memory");
            goto done;
        }
    }
    struct flows_import_opts o = {.env = r.env, .region = r.region, .known_ids = r.ids};
    if (flows_layout_import(in, &o, outs, notes, err, sizeof(err)) != 0) {
        say(&r, "%s", err);
        goto done;
    }
    for (size_t i = 0; i < notes->n; i++)
        say(&r, "note: %s", notes->e[i].data);
    /* stacks: the account's own documents in place of the placeholders the conversion makes */
    for (size_t i = 0; i < outs->n; i++) {
        struct flows_entry *e = &outs->e[i];
        if (strncmp(e->path, "environments/", 13) != 0)
            continue;
        struct json_value *env = json_parse(r.a, e->data, e->len, &flows_parse_opts, NULL);
        const struct json_value *ids = env ? json_object_get(env, "ids", 3) : NULL;
        for (size_t k = 0; ids && ids->type == JSON_OBJECT && k < ids->len; k++) {
            const struct json_member *m = &ids->u.members[k];
            if (strncmp(m->key, "@stacks/", 8) != 0 || m->value->type != JSON_STRING)
                continue;
            struct json_value *sv;
            if (get_live(&r, r.a, FLOWS_STACK, m->value->u.str, &sv, err, sizeof(err)) != 0) {
                say(&r, "%s (id %s): %s", m->key + 1, m->value->u.str, err);
                goto done;
            }
            struct json_value *lv = flows_sync_to_local(r.a, FLOWS_STACK, sv, ids, NULL);
            char spath[256];
            snprintf(spath, sizeof(spath), "stacks/%s.json", m->key + 8);
            json_buf_init(&b, 0);
            bool ok = lv && flows_canon_write(&b, lv) == 0;
            for (size_t q = 0; ok && q < outs->n; q++)
                if (strcmp(outs->e[q].path, spath) == 0) {
                    char *d = arena_strndup(outs->arena, b.data, b.len);
                    ok = d != NULL;
                    if (ok) {
                        outs->e[q].data = d;
                        outs->e[q].len = b.len;
                    }
                }
            json_buf_free(&b);
            if (!ok) {
                say(&r, "out of memory");
                goto done;
            }
        }
    }
    size_t written = 0;
    if (cli_flows_write_entries(r.dir, outs, true, r.cmd, &written) != 0)
        goto done;
    say(&r, "%s: wrote %zu files into %s", r.env, written, r.dir);
    rc = 0;
done:
    flows_entries_free(in);
    flows_entries_free(outs);
    flows_entries_free(notes);
    rest_close(&r);
    return rc;
}

/* ---- diff ----------------------------------------------------------------------------------- */

static const char diff_usage[] =
    "usage: hookstack flows diff ENV [DIR] [--base-url URL]\n"
    "\n"
    "Compares each resource of the flows folder DIR (default ./flows) with its live document\n"
    "in the account of DIR/environments/ENV.json, both in the folder's form (canonical,\n"
    "references instead of ids; a script's code as `content`). Prints per resource\n"
    "'= NAME' (same), '~ NAME' and one line per differing field 'PATH: local L, live V', or\n"
    "'+ NAME' (not in the account: a push creates it); then '- TYPE ID \"Name\"' for each\n"
    "resource of the integration that the folder does not have. Writes nothing.\n"
    "\n"
    "Exit status: 0 no difference, 1 differences, 2 bad usage, 3 the comparison failed\n"
    "(an API or folder error).\n"
    "\n"
    "options:\n";

int cli_flows_diff(int argc, char **argv)
{
    struct rest r = {.cmd = "flows diff"};
    const char *base_url = NULL;
    int p = parse_args(&r, argc, argv, NULL, diff_usage, &base_url);
    if (p != 0)
        return p == 1 ? 0 : 2;
    struct flows_set *s = NULL;
    int rc = 3;
    size_t ndiff = 0;
    char err[2048], label[256], ref[256];
    if (rest_open(&r, base_url) != 0 || load_set(&r, &s) != 0)
        goto done;
    for (size_t o = 0; o < NORDER; o++)
        for (size_t i = 0; i < s->nfiles; i++) {
            const struct flows_file *f = &s->files[i];
            if (f->type != push_order[o])
                continue;
            ref_of(f, ref, sizeof(ref));
            label_of(f, label, sizeof(label));
            const char *id = id_of(&r, ref);
            if (!id) {
                out(&r, "+ %s", label);
                ndiff++;
                continue;
            }
            struct arena *a = arena_new(64 * 1024, 0);
            struct json_value *local = a ? local_doc(a, f) : NULL, *live = NULL, *lf = NULL;
            struct jsondiff d = {0};
            if (!local) {
                say(&r, "%s: out of memory", label);
                arena_free(a);
                goto done;
            }
            if (get_live(&r, a, f->type, id, &live, err, sizeof(err)) != 0) {
                say(&r, "%s (id %s in %s): %s", label, id, r.env_path, err);
                arena_free(a);
                goto done;
            }
            int unset = 0;
            lf = live_doc(&r, a, f->type, live, local, &unset);
            if (!lf || jsondiff_compare(a, local, lf, 100, 200, &d) != 0) {
                say(&r, "%s: out of memory", label);
                arena_free(a);
                goto done;
            }
            if (d.total == 0) {
                out(&r, "= %s", label);
            } else {
                ndiff++;
                out(&r, "~ %s (%zu field%s)", label, d.total, d.total == 1 ? "" : "s");
                for (size_t k = 0; k < d.len; k++)
                    out(&r, "    %s: local %s, live %s", d.entries[k].path, d.entries[k].expected,
                        d.entries[k].got);
                if (d.total > d.len)
                    out(&r, "    ... and %zu more", d.total - d.len);
            }
            if (unset > 0)
                out(&r,
                    "    note: %d secret%s not set in the account (a push never sends a "
                    "placeholder: set %s in integrator.io)",
                    unset, unset == 1 ? " is" : "s are", unset == 1 ? "it" : "them");
            arena_free(a);
        }
    /* what the integration has and the folder does not */
    const char *integ = id_of(&r, "@integration");
    static const enum flows_type listed[] = {FLOWS_CONNECTION, FLOWS_EXPORT, FLOWS_IMPORT,
                                             FLOWS_FLOW};
    for (size_t k = 0; integ && k < sizeof(listed) / sizeof(listed[0]); k++) {
        char path[512];
        snprintf(path, sizeof(path), "/integrations/%s/%s", integ, res_path(listed[k]));
        struct json_value *items = json_new_array(r.a);
        long status;
        if (!items || flows_api_list(&r.api, r.a, path, items, &status, err, sizeof(err)) != 0) {
            say(&r, "%s: %s", res_path(listed[k]), items ? err : "out of memory");
            goto done;
        }
        for (size_t i = 0; i < items->len; i++) {
            const struct json_value *it = items->u.items[i];
            const struct json_value *id =
                it->type == JSON_OBJECT ? json_object_get(it, "_id", 3) : NULL;
            if (!id || id->type != JSON_STRING)
                continue;
            bool known = false;
            for (size_t q = 0; q < r.ids->len && !known; q++)
                known = json_equal(r.ids->u.members[q].value, id) &&
                        strncmp(r.ids->u.members[q].key + 1, flows_type_dir(listed[k]),
                                strlen(flows_type_dir(listed[k]))) == 0;
            if (known)
                continue;
            const struct json_value *nm = json_object_get(it, "name", 4);
            char nb[128] = "";
            if (nm && nm->type == JSON_STRING)
                flows_slug(nm->u.str, nm->len, nb, sizeof(nb));
            out(&r, "- %s %.64s %s (in the account, not in %s)", flows_type_dir(listed[k]),
                id->u.str, nb, r.dir);
            ndiff++;
        }
    }
    rc = ndiff ? 1 : 0;
    say(&r, "%s: %zu resource%s differ%s", r.env, ndiff, ndiff == 1 ? "" : "s",
        ndiff == 1 ? "s" : "");
done:
    flows_set_free(s);
    rest_close(&r);
    return rc;
}
