/* test_flows_rest.c — `hookstack flows push|pull|diff` ($HOOKSTACK_BIN) against a fake
 * integrator.io REST API on loopback (harness_io.h): a push of the repository's flows/ into an
 * empty account and a pull into a fresh folder give the same files byte for byte (lists paginated
 * two items a page); one changed mapping is one PUT of the whole document; a changed connection
 * keeps the account's secret; 429 and 500 are retried (Retry-After honoured); 401, 404 and 422
 * stop with the resource named, what was written and what was not, and a failing exit status;
 * --dry-run writes nothing; the token never appears in any output, not even echoed by the
 * server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "integration/harness_run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "flows_canon.h"
#include "harness_io.h"
#include "json.h"

#define TOKEN "tok-7f3a9c-do-not-print-0d1e"

static const char *bin, *src;
static char tmp_root[64];

static char *slurp_fd(int fd)
{
    char *b = hst_fd_read_all(fd, NULL);
    assert_non_null(b);
    return b;
}

/* Runs the binary with args and, in its environment, the token (NULL: unset) and a tiny
 * backoff. Checks that the token appears in neither output. */
static void run_tok(struct hst_run *r, const char *token, const char *const *args)
{
    const char *argv[32];
    int n = 0;
    argv[n++] = bin;
    for (; args[n - 1] && n < 31; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    char tok[512];
    snprintf(tok, sizeof(tok), "HOOKSTACK_API_TOKEN=%s", token ? token : "");
    const char *env[] = {token ? tok : "HOOKSTACK_API_TOKEN", "HOOKSTACK_API_BACKOFF_MS=1",
                         "HOOKSTACK_API_URL", NULL};
    assert_int_equal(hst_run(r, argv, env), 0);
    if (strstr(r->out, TOKEN) || strstr(r->err, TOKEN)) {
        fprintf(stderr, "the token leaked:\n%s\n%s\n", r->out, r->err);
        fail();
    }
}

#define RUN(r, ...)                                                                                \
    do {                                                                                           \
        const char *const args_[] = {__VA_ARGS__, NULL};                                           \
        run_tok((r), TOKEN, args_);                                                                \
    } while (0)

static void shell(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    assert_int_equal(system(cmd), 0);
}

static char *read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    char *b = slurp_fd(fd);
    close(fd);
    if (len)
        *len = strlen(b);
    return b;
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* Replaces the first occurrence of from by to in the file at path. */
static void edit(const char *path, const char *from, const char *to)
{
    char *t = read_file(path, NULL);
    assert_non_null(t);
    char *p = strstr(t, from);
    assert_non_null(p);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fwrite(t, 1, (size_t)(p - t), fp);
    fputs(to, fp);
    fputs(p + strlen(from), fp);
    fclose(fp);
    free(t);
}

/* ---- one test's account and folder ------------------------------------------------------------
 */

struct fx {
    struct fake_io *io;
    char dir[256];  /* the pushed folder (a copy of flows/ with environments/test.json) */
    char base[128]; /* fake_io_base */
    struct arena *a;
    struct json_value *ids; /* environments/test.json's ids after the push */
};

static int n_fx;

static void fx_open(struct fx *x)
{
    memset(x, 0, sizeof(*x));
    x->io = fake_io_start(TOKEN);
    assert_non_null(x->io);
    snprintf(x->base, sizeof(x->base), "%s", fake_io_base(x->io));
    snprintf(x->dir, sizeof(x->dir), "%s/f%d", tmp_root, ++n_fx);
    shell("cp -r '%s/flows' '%s'", src, x->dir);
    char p[512];
    snprintf(p, sizeof(p), "%s/environments/test.json", x->dir);
    write_text(p, "{\n  \"name\": \"test\",\n  \"ids\": {},\n  \"region\": \"US\"\n}\n");
    x->a = arena_new(1 << 16, 0);
}

static void fx_close(struct fx *x)
{
    fake_io_stop(x->io);
    arena_free(x->a);
}

static void fx_load_ids(struct fx *x)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/environments/test.json", x->dir);
    size_t len = 0;
    char *t = read_file(p, &len);
    assert_non_null(t);
    struct json_value *v = json_parse(x->a, t, len, NULL, NULL);
    free(t);
    assert_non_null(v);
    x->ids = json_object_get(v, "ids", 3);
    assert_non_null(x->ids);
}

static const char *fx_id(struct fx *x, const char *ref)
{
    const struct json_value *v = json_object_get(x->ids, ref, strlen(ref));
    assert_non_null(v);
    return v->u.str;
}

/* Sets, on the account, a real value at every "<secret>" of the file (type/name): what a user
 * types into the UI after the push created the resource without it. */
static void set_secrets_at(struct fx *x, const char *type, const char *id,
                           const struct json_value *v, char *path, size_t plen, int *n)
{
    for (size_t i = 0; v->type == JSON_OBJECT && i < v->len; i++) {
        const struct json_member *m = &v->u.members[i];
        size_t k = plen;
        k += (size_t)snprintf(path + plen, 512 - plen, "%s%s", plen ? "." : "", m->key);
        if (m->value->type == JSON_STRING && strcmp(m->value->u.str, FLOWS_SECRET) == 0) {
            char val[64];
            snprintf(val, sizeof(val), "real-secret-%d", ++*n);
            assert_int_equal(fake_io_set_secret(x->io, type, id, path, val), 0);
        } else if (m->value->type == JSON_OBJECT) {
            set_secrets_at(x, type, id, m->value, path, k, n);
        }
        path[plen] = '\0';
    }
}

static void set_secrets(struct fx *x)
{
    static const char *const types[] = {"connections", "stacks", "exports", "imports", "flows"};
    int n = 0;
    for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
        char d[512];
        snprintf(d, sizeof(d), "%s/%s", x->dir, types[t]);
        DIR *dp = opendir(d);
        assert_non_null(dp);
        struct dirent *e;
        while ((e = readdir(dp)) != NULL) {
            size_t l = strlen(e->d_name);
            if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0)
                continue;
            char p[1024], ref[512], path[512] = "";
            snprintf(p, sizeof(p), "%s/%s", d, e->d_name);
            snprintf(ref, sizeof(ref), "@%s/%.*s", types[t], (int)(l - 5), e->d_name);
            size_t len = 0;
            char *text = read_file(p, &len);
            struct json_value *v = json_parse(x->a, text, len, NULL, NULL);
            free(text);
            assert_non_null(v);
            set_secrets_at(x, types[t], fx_id(x, ref), v, path, 0, &n);
        }
        closedir(dp);
    }
    assert_true(n >= 5); /* the repository's flows hold five placeholders */
}

/* Pushes the folder into the empty account and sets the account's secrets. */
static void fx_push(struct fx *x)
{
    struct hst_run r;
    RUN(&r, "flows", "push", "test", x->dir, "--base-url", x->base);
    if (r.status != 0)
        fprintf(stderr, "%s\n%s\n", r.out, r.err);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "created connections/salesforce "));
    assert_non_null(strstr(r.out, "created integration "));
    assert_int_equal(fake_io_count(x->io, "PUT", NULL), 0);
    assert_int_equal(fake_io_size(x->io, "exports"), 8);
    assert_int_equal(fake_io_size(x->io, "imports"), 14);
    assert_int_equal(fake_io_size(x->io, "flows"), 7);
    /* no placeholder ever reaches the account */
    for (size_t i = 0; i < fake_io_count(x->io, "POST", NULL); i++) {
        char *b = fake_io_body(x->io, "POST", NULL, i);
        assert_null(strstr(b, FLOWS_SECRET));
        free(b);
    }
    hst_run_free(&r);
    fx_load_ids(x);
    set_secrets(x);
    fake_io_clear_log(x->io);
}

/* ---- tests ---------------------------------------------------------------------------------- */

static void test_help(void **state)
{
    (void)state;
    static const char *const cmds[] = {"push", "pull", "diff"};
    for (size_t i = 0; i < 3; i++) {
        struct hst_run r;
        RUN(&r, "flows", cmds[i], "--help");
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "usage: hookstack flows "));
        assert_non_null(strstr(r.out, "HOOKSTACK_API_TOKEN"));
        hst_run_free(&r);
    }
    struct hst_run r;
    RUN(&r, "flows", "push");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "which environment?"));
    hst_run_free(&r);
    RUN(&r, "flows", "--help");
    assert_non_null(strstr(r.out, "push ENV [DIR]"));
    hst_run_free(&r);
}

static void test_no_token(void **state)
{
    (void)state;
    struct fx x;
    fx_open(&x);
    struct hst_run r;
    const char *const args[] = {"flows", "push", "test", x.dir, "--base-url", x.base, NULL};
    run_tok(&r, NULL, args);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "no API token: set HOOKSTACK_API_TOKEN"));
    assert_int_equal(fake_io_count(x.io, NULL, NULL), 0);
    hst_run_free(&r);
    fx_close(&x);
}

static void test_round_trip(void **state)
{
    (void)state;
    struct fx x;
    fx_open(&x);
    /* with a script (its code in a .js beside it) that an export's hook runs */
    char p0[512];
    snprintf(p0, sizeof(p0), "%s/scripts", x.dir);
    assert_int_equal(mkdir(p0, 0777), 0);
    snprintf(p0, sizeof(p0), "%s/scripts/normalize-cases.json", x.dir);
    write_text(p0, "{\n  \"name\": \"Normalize cases\"\n}\n");
    snprintf(p0, sizeof(p0), "%s/scripts/normalize-cases.js", x.dir);
    write_text(p0, "function preSavePage(options) {\n  // \"Cases\" \u00e9\\n\n  return { data: "
                   "options.data, errors: [] };\n}\n");
    snprintf(p0, sizeof(p0), "%s/exports/salesforce-cases.json", x.dir);
    edit(p0, "  \"salesforce\": {\n    \"api\"",
         "  \"hooks\": {\n    \"preSavePage\": {\n      \"_scriptId\": "
         "\"@scripts/normalize-cases\",\n"
         "      \"function\": \"preSavePage\"\n    }\n  },\n  \"salesforce\": {\n    \"api\"");
    fx_push(&x);
    assert_int_equal(fake_io_size(x.io, "scripts"), 1);
    /* a fresh folder with only the environment files pulls the same bytes */
    char fresh[512];
    snprintf(fresh, sizeof(fresh), "%s-pulled", x.dir);
    shell("mkdir -p '%s' && cp -r '%s/environments' '%s/'", fresh, x.dir, fresh);
    struct hst_run r;
    RUN(&r, "flows", "pull", "test", fresh, "--base-url", x.base);
    if (r.status != 0)
        fprintf(stderr, "%s\n%s\n", r.out, r.err);
    assert_int_equal(r.status, 0);
    hst_run_free(&r);
    assert_true(fake_io_count(x.io, "GET", "/integrations/") >= 4);
    /* 8 exports at 2 a page: the Link chain was followed */
    char p[256];
    snprintf(p, sizeof(p), "/integrations/%s/exports", fx_id(&x, "@integration"));
    assert_int_equal(fake_io_count(x.io, "GET", p), 4);
    assert_int_equal(fake_io_count(x.io, "PUT", NULL) + fake_io_count(x.io, "POST", NULL), 0);
    shell("diff -r '%s' '%s'", x.dir, fresh);
    /* and the untouched folder is the repository's (plus the environment file) */
    shell("diff -r -x test.json -x scripts -x salesforce-cases.json '%s/flows' '%s'", src, fresh);
    /* nothing differs, nothing to push */
    RUN(&r, "flows", "diff", "test", x.dir, "--base-url", x.base);
    if (r.status != 0)
        fprintf(stderr, "%s\n%s\n", r.out, r.err);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "= imports/netsuite-customers-upsert\n"));
    hst_run_free(&r);
    fake_io_clear_log(x.io);
    RUN(&r, "flows", "push", "test", x.dir, "--base-url", x.base);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "0 created, 0 updated, 35 unchanged"));
    assert_int_equal(fake_io_count(x.io, "PUT", NULL) + fake_io_count(x.io, "POST", NULL), 0);
    hst_run_free(&r);
    fx_close(&x);
}

static void test_one_mapping(void **state)
{
    (void)state;
    struct fx x;
    fx_open(&x);
    fx_push(&x);
    char p[512];
    snprintf(p, sizeof(p), "%s/imports/netsuite-customers-upsert.json", x.dir);
    edit(p, "\"generate\": \"phone\"", "\"generate\": \"altphone\"");
    struct hst_run r;
    RUN(&r, "flows", "diff", "test", x.dir, "--base-url", x.base);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "~ imports/netsuite-customers-upsert (1 field)\n"));
    assert_non_null(strstr(r.out, "\n    $.netsuite_da.mapping.fields[2].generate: local "
                                  "\"altphone\", live \"phone\"\n"));
    hst_run_free(&r);
    /* dry run: the plan, no write */
    RUN(&r, "flows", "push", "test", x.dir, "--dry-run", "--base-url", x.base);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "update imports/netsuite-customers-upsert\n"));
    assert_non_null(strstr(r.out, "unchanged imports/netsuite-sales-orders\n"));
    assert_non_null(strstr(r.err, "dry run: 0 to create, 1 to update, 33 unchanged"));
    hst_run_free(&r);
    assert_int_equal(fake_io_count(x.io, "PUT", NULL) + fake_io_count(x.io, "POST", NULL), 0);
    RUN(&r, "flows", "push", "test", x.dir, "--base-url", x.base);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "updated imports/netsuite-customers-upsert\n"));
    hst_run_free(&r);
    assert_int_equal(fake_io_count(x.io, "POST", NULL), 0);
    assert_int_equal(fake_io_count(x.io, "PUT", NULL), 1);
    char want[256];
    snprintf(want, sizeof(want), "/imports/%s", fx_id(&x, "@imports/netsuite-customers-upsert"));
    assert_int_equal(fake_io_count(x.io, "PUT", want), 1);
    /* the whole document: the account's bookkeeping, every field, the change */
    char *body = fake_io_body(x.io, "PUT", NULL, 0);
    struct json_value *v = json_parse(x.a, body, strlen(body), NULL, NULL);
    assert_non_null(v);
    assert_non_null(json_object_get(v, "_id", 3));
    assert_non_null(json_object_get(v, "_integrationId", 14));
    assert_non_null(json_object_get(v, "lastModified", 12));
    assert_non_null(json_object_get(v, "name", 4));
    assert_non_null(json_object_get(v, "netsuite_da", 11));
    const struct json_value *c = json_object_get(v, "_connectionId", 13);
    assert_non_null(c);
    assert_string_equal(c->u.str, fx_id(&x, "@connections/netsuite"));
    assert_non_null(strstr(body, "\"generate\":\"altphone\""));
    free(body);
    /* and the account reads back as the folder */
    RUN(&r, "flows", "diff", "test", x.dir, "--base-url", x.base);
    assert_int_equal(r.status, 0);
    hst_run_free(&r);
    fx_close(&x);
}

static void test_secret_kept(void **state)
{
    (void)state;
    struct fx x;
    fx_open(&x);
    fx_push(&x);
    const char *cid = fx_id(&x, "@connections/hookstack-http");
    char *before = fake_io_get(x.io, "connections", cid, "http.auth.token.token");
    assert_non_null(before);
    assert_non_null(strstr(before, "real-secret-"));
    char p[512];
    snprintf(p, sizeof(p), "%s/connections/hookstack-http.json", x.dir);
    edit(p, "\"baseURI\": \"https://hooks.example.com\"",
         "\"baseURI\": \"https://hooks2.example.com\"");
    struct hst_run r;
    RUN(&r, "flows", "push", "test", x.dir, "--base-url", x.base);
    assert_int_equal(r.status, 0);
    hst_run_free(&r);
    assert_int_equal(fake_io_count(x.io, "PUT", NULL), 1);
    char *body = fake_io_body(x.io, "PUT", "/connections/", 0);
    assert_null(strstr(body, FLOWS_SECRET));
    free(body);
    char *after = fake_io_get(x.io, "connections", cid, "http.auth.token.token");
    assert_non_null(after);
    assert_string_equal(after, before);
    char *uri = fake_io_get(x.io, "connections", cid, "http.baseURI");
    assert_string_equal(uri, "https://hooks2.example.com");
    free(before);
    free(after);
    free(uri);
    fx_close(&x);
}

static void test_retry(void **state)
{
    (void)state;
    struct fx x;
    fx_open(&x);
    fx_push(&x);
    char p[256];
    snprintf(p, sizeof(p), "/connections/%s", fx_id(&x, "@connections/netsuite"));
    fake_io_fail(x.io, "GET", p, 1, 429, NULL, "1");
    fake_io_fail(x.io, "GET", "/exports/*", 2, 503, NULL, NULL);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct hst_run r;
    RUN(&r, "flows", "push", "test", x.dir, "--base-url", x.base);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (r.status != 0)
        fprintf(stderr, "%s\n%s\n", r.out, r.err);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "34 unchanged"));
    hst_run_free(&r);
    assert_int_equal(fake_io_count(x.io, "GET", p), 2);
    assert_int_equal(fake_io_count(x.io, "GET", "/exports/"), 8 + 2);
    /* Retry-After: 1 was waited */
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_true(secs >= 0.9);
    /* a call that keeps failing gives up after 5 attempts and names the resource */
    fake_io_clear_log(x.io);
    fake_io_fail(x.io, "GET", p, 100, 500, NULL, NULL);
    RUN(&r, "flows", "push", "test", x.dir, "--base-url", x.base);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "connections/netsuite (id "));
    assert_non_null(strstr(r.err, ": 500 server error"));
    assert_int_equal(fake_io_count(x.io, "GET", p), 5);
    hst_run_free(&r);
    fx_close(&x);
}

static void test_errors(void **state)
{
    (void)state;
    struct fx x;
    fx_open(&x);
    /* 422 on the first export: what was written and what was not */
    fake_io_fail(x.io, "POST", "/exports", 1, 422,
                 "{\"errors\":[{\"code\":\"missing_required_field\",\"message\":\"A value is "
                 "required\",\"field\":\"salesforce.soql.query\"}]}",
                 NULL);
    struct hst_run r;
    RUN(&r, "flows", "push", "test", x.dir, "--base-url", x.base);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "exports/netsuite-contact-candidates: POST /exports: 422 "
                                  "Unprocessable Entity: salesforce.soql.query: A value is "
                                  "required (missing_required_field)"));
    assert_non_null(strstr(r.err, "stopped at exports/netsuite-contact-candidates (not written)"));
    assert_non_null(strstr(r.err, "written: created connections/hookstack-http, created "
                                  "connections/netsuite, created connections/salesforce, created "
                                  "stacks/hookstack, created integration"));
    assert_non_null(strstr(r.err, "not pushed: exports/netsuite-contact-candidates and the 28 "
                                  "resources after it"));
    hst_run_free(&r);
    assert_int_equal(fake_io_size(x.io, "connections"), 3);
    assert_int_equal(fake_io_size(x.io, "exports"), 0);
    fx_load_ids(&x);
    assert_int_equal(x.ids->len, 5); /* the created ones are recorded */
    /* pushing again goes on where it stopped */
    RUN(&r, "flows", "push", "test", x.dir, "--base-url", x.base);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "29 created, 0 updated, 5 unchanged"));
    hst_run_free(&r);
    fx_load_ids(&x);
    set_secrets(&x);
    /* 401, with a server that echoes what it got: the resource named, the token not */
    fake_io_echo_auth(x.io, 1);
    const char *const bad[] = {"flows", "push", "test", x.dir, "--base-url", x.base, NULL};
    run_tok(&r, "wrong-" TOKEN, bad);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "connections/hookstack-http (id "));
    assert_non_null(strstr(r.err, "401 Unauthorized"));
    assert_non_null(strstr(r.err, "[redacted]"));
    assert_null(strstr(r.err, "wrong-"));
    hst_run_free(&r);
    fake_io_echo_auth(x.io, 0);
    /* 404: the environment names an id the account does not have */
    char p[512];
    snprintf(p, sizeof(p), "%s/environments/test.json", x.dir);
    edit(p, fx_id(&x, "@flows/netsuite-invoices-to-salesforce"), "65f00000000000000000dead");
    RUN(&r, "flows", "push", "test", x.dir, "--base-url", x.base);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "flows/netsuite-invoices-to-salesforce (id "
                                  "65f00000000000000000dead in "));
    assert_non_null(strstr(r.err, "GET /flows/65f00000000000000000dead: 404 Not Found: Object "
                                  "not found"));
    hst_run_free(&r);
    RUN(&r, "flows", "diff", "test", x.dir, "--base-url", x.base);
    assert_int_equal(r.status, 3);
    hst_run_free(&r);
    fx_close(&x);
}

/* A next-page link to another host is not followed (the token would go there), and the pull
 * writes nothing. */
static void test_foreign_link(void **state)
{
    (void)state;
    struct fx x;
    fx_open(&x);
    fx_push(&x);
    char p[256];
    snprintf(p, sizeof(p), "/integrations/%s/flows", fx_id(&x, "@integration"));
    fake_io_answer(x.io, "GET", p, 1, 200, "[]",
                   "Link: <http://127.0.0.2:1/v1/flows?page=2>; rel=\"next\"");
    char fresh[512];
    snprintf(fresh, sizeof(fresh), "%s-pulled", x.dir);
    shell("mkdir -p '%s' && cp -r '%s/environments' '%s/'", fresh, x.dir, fresh);
    struct hst_run r;
    RUN(&r, "flows", "pull", "test", fresh, "--base-url", x.base);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "refusing to follow a link outside http://127.0.0.1:"));
    hst_run_free(&r);
    char q[1024];
    snprintf(q, sizeof(q), "%s/integration.json", fresh);
    assert_int_equal(access(q, F_OK), -1);
    fx_close(&x);
}

static int setup(void **state)
{
    (void)state;
    bin = getenv("HOOKSTACK_BIN");
    src = getenv("HS_SOURCE_DIR");
    if (!bin || !src)
        return -1;
    snprintf(tmp_root, sizeof(tmp_root), "/tmp/hs-rest-XXXXXX");
    return mkdtemp(tmp_root) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_root);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),        cmocka_unit_test(test_no_token),
        cmocka_unit_test(test_round_trip),  cmocka_unit_test(test_one_mapping),
        cmocka_unit_test(test_secret_kept), cmocka_unit_test(test_retry),
        cmocka_unit_test(test_errors),      cmocka_unit_test(test_foreign_link),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
