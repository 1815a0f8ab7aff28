/* test_flows_run.c — `hookstack flows run`'s engine (runner/flows_run.c, flows_run_filter.c) on
 * folders built in memory, with the hooks answered by a fake that records the options it got: the
 * stages' order and contracts, the settings merge, routers (input filters, branching functions,
 * nextRouterId, dropping branches), responses and proceedOnFailure, response mapping, and the
 * errors that stop a run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flows_run.h"
#include "flows_set.h"

static struct arena *A;
static struct flows_set *S;
static char calls[8192]; /* "FUNCTION;" per call */
static char last_options[8192];

static int setup(void **state)
{
    (void)state;
    A = arena_new(64 * 1024, 0);
    S = flows_set_new();
    calls[0] = last_options[0] = '\0';
    return A && S ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(A);
    flows_set_free(S);
    return 0;
}

static void add(enum flows_type t, const char *name, const char *text)
{
    char path[200];
    snprintf(path, sizeof(path), "flows/%s/%s.json", t == FLOWS_INTEGRATION ? "." : "x", name);
    assert_non_null(flows_set_add(S, t, name, path, text, strlen(text)));
}

static struct json_value *parse(struct arena *a, const char *text, size_t len)
{
    struct json_error e;
    struct json_value *v = json_parse(a, text, len, NULL, &e);
    if (!v)
        fail_msg("JSON does not parse: %s", e.message);
    return v;
}

static char *write(const struct json_value *v)
{
    struct json_buf b;
    json_buf_init(&b, 0);
    assert_int_equal(json_write(&b, v, 0, NULL), 0);
    char *s = arena_strndup(A, b.data, b.len);
    json_buf_free(&b);
    return s;
}

static const char BAD_ERRORS[] = "[{\"code\":\"bad\",\"message\":\"bad record\"}]";

static int answer(int status, const char *text, int *st, char **resp, size_t *len)
{
    *st = status;
    *resp = strdup(text);
    *len = strlen(text);
    return 0;
}

/* The hooks: pre (preMap: adds "pre":true; {} for "skip", errors for "bad"), post (postMap: as
 * is), sub (postSubmit: prefixes error messages), route (branching: the record's "to"), page
 * (preSavePage: drops records with "drop"), fail (422), short (an empty array). */
static int fake_call(void *arg, const char *function, const char *body, size_t len, int *status,
                     char **resp, size_t *resp_len, char *err, size_t errlen)
{
    (void)arg;
    (void)err;
    (void)errlen;
    strncat(calls, function, sizeof(calls) - strlen(calls) - 2);
    strcat(calls, ";");
    struct arena *a = arena_new(16 * 1024, 0);
    struct json_value *b = parse(a, body, len);
    assert_true(json_object_get(b, "diy", 3)->type == JSON_TRUE);
    const struct json_value *o = json_object_get(b, "options", 7);
    struct json_buf w;
    json_buf_init(&w, 0);
    assert_int_equal(json_write(&w, o, 0, NULL), 0);
    snprintf(last_options, sizeof(last_options), "%.*s", (int)w.len, w.data);
    json_buf_free(&w);
    struct json_value *out = json_new_array(a);
    int rc = 0;
    if (strcmp(function, "pre") == 0 || strcmp(function, "post") == 0) {
        const struct json_value *d =
            json_object_get(o, strcmp(function, "pre") == 0 ? "data" : "postMapData",
                            strcmp(function, "pre") == 0 ? 4 : 11);
        for (size_t i = 0; i < d->len; i++) {
            struct json_value *rec = json_clone(a, d->u.items[i]), *e = json_new_object(a);
            if (json_object_get(rec, "skip", 4)) {
            } else if (json_object_get(rec, "bad", 3)) {
                struct json_value *errs = parse(a, BAD_ERRORS, strlen(BAD_ERRORS));
                json_object_set(a, e, "errors", 6, errs);
            } else {
                if (strcmp(function, "pre") == 0)
                    json_object_set(a, rec, "pre", 3, json_new_bool(a, true));
                json_object_set(a, e, "data", 4, rec);
            }
            json_array_push(a, out, e);
        }
    } else if (strcmp(function, "sub") == 0) {
        struct json_value *rd = json_clone(a, json_object_get(o, "responseData", 12));
        for (size_t i = 0; i < rd->len; i++) {
            struct json_value *errs = json_object_get(rd->u.items[i], "errors", 6);
            for (size_t k = 0; errs && k < errs->len; k++) {
                const struct json_value *m = json_object_get(errs->u.items[k], "message", 7);
                char msg[300];
                snprintf(msg, sizeof(msg), "Fix it: %s", m->u.str);
                json_object_set(a, errs->u.items[k], "message", 7,
                                json_new_string(a, msg, strlen(msg)));
            }
        }
        out = rd;
    } else if (strcmp(function, "route") == 0) {
        out = json_clone(a, json_object_get(json_object_get(o, "record", 6), "to", 2));
    } else if (strcmp(function, "page") == 0) {
        const struct json_value *d = json_object_get(o, "data", 4);
        struct json_value *keep = json_new_array(a);
        for (size_t i = 0; i < d->len; i++)
            if (!json_object_get(d->u.items[i], "drop", 4))
                json_array_push(a, keep, json_clone(a, d->u.items[i]));
        out = json_new_object(a);
        json_object_set(a, out, "data", 4, keep);
        json_object_set(a, out, "errors", 6, json_new_array(a));
        const char *retry = "[{\"retryData\":{\"id\":\"r\"},\"errors\":[{\"code\":\"later\","
                            "\"message\":\"not yet\"}]}]";
        if (d->len > 0 && json_object_get(d->u.items[0], "retry", 5))
            json_object_set(a, out, "newErrorsAndRetryData", 21, parse(a, retry, strlen(retry)));
    } else if (strcmp(function, "fail") == 0) {
        rc = answer(422, "{\"errors\":[{\"code\":\"boom\",\"message\":\"it broke\"}]}", status,
                    resp, resp_len);
        arena_free(a);
        return rc;
    }
    if (strcmp(function, "short") == 0)
        rc = answer(200, "[]", status, resp, resp_len);
    else {
        struct json_buf ob;
        json_buf_init(&ob, 0);
        json_write(&ob, out, 0, NULL);
        *status = 200;
        *resp = malloc(ob.len + 1);
        memcpy(*resp, ob.data, ob.len);
        *resp_len = ob.len;
        json_buf_free(&ob);
    }
    arena_free(a);
    return rc;
}

static int run(const char *flow, const char *input, const char *responses, char **out, char *err,
               size_t errlen)
{
    struct flows_run_opts o = {.set = S,
                               .flow = flow,
                               .input = parse(A, input, strlen(input)),
                               .responses =
                                   responses ? parse(A, responses, strlen(responses)) : NULL,
                               .call = fake_call};
    struct json_value *v = NULL;
    int rc = flows_run(A, &o, &v, err, errlen);
    if (rc == 0)
        *out = write(v);
    return rc;
}

static const char *HOOK = "{\"_stackId\":\"@stacks/s\",\"function\":\"%s\"}";

static void add_import(const char *name, const char *pre, const char *post, const char *sub,
                       const char *mapping)
{
    char text[4096], h1[100] = "", h2[100] = "", h3[100] = "";
    if (pre)
        snprintf(h1, sizeof(h1), "\"preMap\":{\"_stackId\":\"@stacks/s\",\"function\":\"%s\"}",
                 pre);
    if (post)
        snprintf(h2, sizeof(h2), "%s\"postMap\":{\"_stackId\":\"@stacks/s\",\"function\":\"%s\"}",
                 pre ? "," : "", post);
    if (sub)
        snprintf(h3, sizeof(h3),
                 "%s\"postSubmit\":{\"_stackId\":\"@stacks/s\",\"function\":\"%s\"}",
                 pre || post ? "," : "", sub);
    snprintf(text, sizeof(text),
             "{\"name\":\"%s\",\"_connectionId\":\"@connections/c\",\"hooks\":{%s%s%s},"
             "\"settings\":{\"step\":1,\"both\":{\"s\":\"import\"}}%s%s}",
             name, h1, h2, h3, mapping ? ",\"mapping\":" : "", mapping ? mapping : "");
    add(FLOWS_IMPORT, name, text);
}

static void base_folder(void)
{
    (void)HOOK;
    add(FLOWS_INTEGRATION, "integration",
        "{\"name\":\"I\",\"settings\":{\"integ\":true,\"both\":{\"i\":1,\"s\":\"integration\"}}}");
    add(FLOWS_EXPORT, "src",
        "{\"name\":\"Src\",\"hooks\":{\"preSavePage\":{\"_stackId\":\"@stacks/s\",\"function\":"
        "\"page\"}}}");
}

static void test_linear_flow(void **state)
{
    (void)state;
    base_folder();
    add_import("dst", "pre", "post", "sub",
               "{\"fields\":[{\"extract\":\"id\",\"generate\":\"Ext__c\"},{\"extract\":\"pre\","
               "\"generate\":\"Pre__c\"}]}");
    add(FLOWS_FLOW, "f",
        "{\"name\":\"F\",\"settings\":{\"flow\":2,\"both\":{\"s\":\"flow\"}},\"pageGenerators\":"
        "[{\"_exportId\":\"@exports/src\"}],\"pageProcessors\":[{\"type\":\"import\","
        "\"_importId\":\"@imports/dst\",\"responseMapping\":{\"fields\":[{\"extract\":\"id\","
        "\"generate\":\"newId\"}],\"lists\":[]}}]}");
    char *out, err[512];
    int rc = run("f",
                 "[{\"id\":\"a\"},{\"id\":\"b\",\"drop\":1},{\"id\":\"c\",\"skip\":1},"
                 "{\"id\":\"d\",\"bad\":1}]",
                 NULL, &out, err, sizeof(err));
    if (rc)
        fail_msg("run failed: %s", err);
    assert_string_equal(calls, "page;pre;post;sub;");
    /* postSubmit got the ids and the integration's, flow's and import's settings merged */
    assert_non_null(strstr(last_options, "\"_flowId\":\"@flows/f\""));
    assert_non_null(strstr(last_options, "\"_importId\":\"@imports/dst\""));
    assert_non_null(strstr(last_options, "\"_connectionId\":\"@connections/c\""));
    assert_non_null(strstr(last_options, "\"settings\":{\"integ\":true,\"both\":{\"i\":1,\"s\":"
                                         "\"import\"},\"flow\":2,\"step\":1}"));
    assert_string_equal(
        out, "{\"flow\":\"f\",\"imports\":[{\"step\":\"0\",\"import\":\"dst\",\"postMapData\":"
             "[{\"Ext__c\":\"a\",\"Pre__c\":true}],\"responseData\":[{\"statusCode\":200,\"id\":"
             "\"dst-1\",\"ignored\":false,\"errors\":[],\"_json\":{\"id\":\"dst-1\"}}]}],"
             "\"errors\":[{\"step\":\"0 imports/dst preMap\",\"record\":2,\"errors\":[{\"code\":"
             "\"bad\",\"message\":\"bad record\"}]}],"
             "\"records\":[{\"id\":\"a\",\"newId\":\"dst-1\"},{\"id\":\"c\",\"skip\":1}]}");
}

static void test_responses_and_failure(void **state)
{
    (void)state;
    base_folder();
    add_import("one", NULL, NULL, "sub", NULL);
    add_import("two", NULL, NULL, NULL, NULL);
    add(FLOWS_FLOW, "f",
        "{\"name\":\"F\",\"pageGenerators\":[{\"_exportId\":\"@exports/src\"}],"
        "\"pageProcessors\":[{\"type\":\"import\",\"_importId\":\"@imports/one\"},"
        "{\"type\":\"import\",\"_importId\":\"@imports/two\"}]}");
    const char *resp = "{\"one\":[{\"statusCode\":422,\"errors\":[{\"code\":\"INVALID\","
                       "\"message\":\"Invalid field\"}]},{\"statusCode\":200,\"id\":\"77\"}]}";
    char *out, err[512];
    int rc = run("f", "[{\"n\":1},{\"n\":2}]", resp, &out, err, sizeof(err));
    if (rc)
        fail_msg("run failed: %s", err);
    /* the failed record stops at "one"; postSubmit's message is what the error shows */
    assert_non_null(strstr(out, "\"errors\":[{\"step\":\"0 imports/one postSubmit\",\"record\":0,"
                                "\"errors\":[{\"code\":\"INVALID\",\"message\":\"Fix it: Invalid "
                                "field\"}]}]"));
    assert_non_null(strstr(out, "{\"step\":\"1\",\"import\":\"two\",\"postMapData\":[{\"n\":2}]"));
    assert_non_null(strstr(out, "\"records\":[{\"n\":2}]"));

    /* with proceedOnFailure both go on */
    teardown(NULL);
    setup(NULL);
    base_folder();
    add_import("one", NULL, NULL, NULL, NULL);
    add_import("two", NULL, NULL, NULL, NULL);
    add(FLOWS_FLOW, "f",
        "{\"name\":\"F\",\"pageGenerators\":[{\"_exportId\":\"@exports/src\"}],"
        "\"pageProcessors\":[{\"type\":\"import\",\"_importId\":\"@imports/one\","
        "\"proceedOnFailure\":true},{\"type\":\"import\",\"_importId\":\"@imports/two\"}]}");
    rc = run("f", "[{\"n\":1},{\"n\":2}]", resp, &out, err, sizeof(err));
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "\"records\":[{\"n\":1},{\"n\":2}]"));
}

static void test_routers(void **state)
{
    (void)state;
    base_folder();
    add_import("a", NULL, NULL, NULL, NULL);
    add_import("b", NULL, NULL, NULL, NULL);
    add(FLOWS_FLOW, "f",
        "{\"name\":\"F\",\"pageGenerators\":[{\"_exportId\":\"@exports/src\"}],\"routers\":["
        "{\"id\":\"r0\",\"branches\":[{\"name\":\"first\",\"nextRouterId\":\"r1\","
        "\"pageProcessors\":[{\"type\":\"import\",\"_importId\":\"@imports/a\"}]}]},"
        "{\"id\":\"r1\",\"routeRecordsTo\":\"first_matching_branch\",\"branches\":["
        "{\"name\":\"big\",\"inputFilter\":{\"version\":\"1\",\"rules\":[\"and\",[\"greaterthan\","
        "[\"number\",[\"extract\",\"n\"]],10],[\"notempty\",[\"extract\",\"k\"]]]},"
        "\"pageProcessors\":[{\"type\":\"import\",\"_importId\":\"@imports/b\"}]},"
        "{\"name\":\"drop\",\"inputFilter\":{\"version\":\"1\",\"rules\":[\"startswith\","
        "[\"string\",[\"extract\",\"k\"]],\"x\"]},\"pageProcessors\":[]},"
        "{\"name\":\"rest\",\"pageProcessors\":[]}]},"
        "{\"id\":\"unused\",\"branches\":[{\"name\":\"u\"}]}]}");
    /* the catch-all "rest" drops too; n=20 without k is neither big nor drop */
    char *out, err[512];
    int rc = run("f", "[{\"n\":\"12\",\"k\":\"y\"},{\"n\":5,\"k\":\"xz\"},{\"n\":20}]", NULL, &out,
                 err, sizeof(err));
    if (rc)
        fail_msg("run failed: %s", err);
    assert_non_null(strstr(out, "{\"step\":\"router r0 branch 0.0\",\"import\":\"a\","
                                "\"postMapData\":[{\"n\":\"12\",\"k\":\"y\"},{\"n\":5,\"k\":"
                                "\"xz\"},{\"n\":20}]"));
    assert_non_null(strstr(out, "{\"step\":\"router r0 branch 0/router r1 branch 0.0\","
                                "\"import\":\"b\",\"postMapData\":[{\"n\":\"12\",\"k\":\"y\"}]"));
    assert_non_null(strstr(out, "\"records\":[{\"n\":\"12\",\"k\":\"y\"}]"));
}

static void test_branching_function(void **state)
{
    (void)state;
    base_folder();
    add_import("a", NULL, NULL, NULL, NULL);
    add_import("b", NULL, NULL, NULL, NULL);
    add(FLOWS_FLOW, "f",
        "{\"name\":\"F\",\"pageGenerators\":[{\"_exportId\":\"@exports/src\"}],\"routers\":["
        "{\"id\":\"r0\",\"routeRecordsUsing\":\"script\",\"routeRecordsTo\":"
        "\"all_matching_branches\",\"script\":{\"_stackId\":\"@stacks/s\",\"function\":"
        "\"route\"},\"branches\":[{\"name\":\"A\",\"pageProcessors\":[{\"type\":\"import\","
        "\"_importId\":\"@imports/a\"}]},{\"name\":\"B\",\"pageProcessors\":[{\"type\":"
        "\"import\",\"_importId\":\"@imports/b\"}]}]}]}");
    char *out, err[512];
    int rc = run("f", "[{\"to\":[0,1]},{\"to\":1},{\"to\":[]}]", NULL, &out, err, sizeof(err));
    if (rc)
        fail_msg("run failed: %s", err);
    assert_string_equal(calls, "page;route;route;route;");
    assert_non_null(strstr(last_options, "\"record\":{\"to\":[]}"));
    assert_non_null(strstr(out, "\"import\":\"a\",\"postMapData\":[{\"to\":[0,1]}]"));
    assert_non_null(strstr(out, "\"import\":\"b\",\"postMapData\":[{\"to\":[0,1]},{\"to\":1}]"));
    /* an index out of range stops the run */
    rc = run("f", "[{\"to\":2}]", NULL, &out, err, sizeof(err));
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "router r0: route must answer a branch index"));
}

static void test_errors_stop_the_run(void **state)
{
    (void)state;
    base_folder();
    add_import("failing", "fail", NULL, NULL, NULL);
    add_import("shorty", "short", NULL, NULL, NULL);
    add_import("mapper2", NULL, NULL, NULL, NULL);
    add_import("badmap", NULL, NULL, NULL,
               "{\"fields\":[{\"extract\":\"a\",\"generate\":\"b\",\"extractDateFormat\":\"X\"}]}");
    const char *names[] = {"failing", "shorty", "badmap"};
    const char *want[] = {
        "0 imports/failing preMap: fail failed (HTTP 422): {\"errors\":[{\"code\":\"boom\"",
        "0 imports/shorty preMap: short must answer an array of 1 elements",
        "imports/badmap: mapping field 0 (generate \"b\"): \"extractDateFormat\" is not "
        "supported"};
    for (size_t i = 0; i < 3; i++) {
        char flow[400];
        snprintf(flow, sizeof(flow),
                 "{\"name\":\"F\",\"pageGenerators\":[{\"_exportId\":\"@exports/src\"}],"
                 "\"pageProcessors\":[{\"type\":\"import\",\"_importId\":\"@imports/%s\"}]}",
                 names[i]);
        char fname[20];
        snprintf(fname, sizeof(fname), "f%zu", i);
        add(FLOWS_FLOW, fname, flow);
        char *out, err[512];
        assert_int_equal(run(fname, "[{\"a\":1}]", NULL, &out, err, sizeof(err)), -1);
        if (!strstr(err, want[i]))
            fail_msg("\"%s\" does not say \"%s\"", err, want[i]);
    }
    char *out, err[512];
    /* an unsupported mapping is refused before any record moves */
    assert_int_equal(run("f2", "[]", NULL, &out, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "imports/badmap: mapping field 0"));
    /* a responses file naming no import (a typo) is refused */
    assert_int_equal(run("f0", "[]", "{\"failng\":[]}", &out, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "responses: \"failng\" names no import or export"));
    assert_int_equal(run("nope", "[]", NULL, &out, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "flows/nope.json: no such flow"));
    assert_int_equal(run("f0", "{\"a\":1}", NULL, &out, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "the input is not a JSON array"));
    assert_int_equal(run("f0", "[1]", NULL, &out, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "input record 0 is not a JSON object"));
    assert_int_equal(run("f0", "[{}]", "{\"failing\":[{\"id\":1}]}", &out, err, sizeof(err)),
                     -1); /* preMap fails before any response is read */
}

static void test_lookup_step(void **state)
{
    (void)state;
    base_folder();
    add(FLOWS_EXPORT, "find", "{\"name\":\"Find\",\"isLookup\":true}");
    add_import("dst", NULL, NULL, NULL,
               "{\"fields\":[{\"extract\":\"match.id\",\"generate\":\"internalid\"}]}");
    add(FLOWS_FLOW, "f",
        "{\"name\":\"F\",\"pageGenerators\":[{\"_exportId\":\"@exports/src\"}],"
        "\"pageProcessors\":[{\"type\":\"export\",\"_exportId\":\"@exports/find\","
        "\"responseMapping\":{\"fields\":[{\"extract\":\"data[0]\",\"generate\":\"match\"}]}},"
        "{\"type\":\"import\",\"_importId\":\"@imports/dst\"}]}");
    const char *resp = "{\"find\":[{\"data\":[{\"id\":\"7\"},{\"id\":\"8\"}]},"
                       "{\"errors\":[{\"code\":\"x\",\"message\":\"search failed\"}]}]}";
    char *out, err[512];
    int rc = run("f", "[{\"n\":1},{\"n\":2},{\"n\":3}]", resp, &out, err, sizeof(err));
    if (rc)
        fail_msg("run failed: %s", err);
    /* record 0 found 7; record 1's lookup failed and stops; record 2 found nothing */
    assert_non_null(strstr(out, "{\"step\":\"0\",\"lookup\":\"find\",\"responseData\":[{\"data\":"
                                "[{\"id\":\"7\"},{\"id\":\"8\"}]},{\"errors\":"));
    assert_non_null(strstr(out, "\"import\":\"dst\",\"postMapData\":[{\"internalid\":\"7\"},{}]"));
    assert_non_null(strstr(out, "{\"step\":\"0 exports/find lookup\",\"record\":1,\"errors\":"
                                "[{\"code\":\"x\",\"message\":\"search failed\"}]}"));
    /* a lookup answer that is not {"data": [...]} is refused */
    rc = run("f", "[{\"n\":1}]", "{\"find\":[{\"data\":3}]}", &out, err, sizeof(err));
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "responses: find[0] must be {\"data\": [...]}"));
    /* preSavePage's newErrorsAndRetryData become errors */
    rc = run("f", "[{\"retry\":1,\"drop\":1}]", NULL, &out, err, sizeof(err));
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "\"errors\":[{\"step\":\"exports/src preSavePage\",\"retryData\":"
                                "{\"id\":\"r\"},\"errors\":[{\"code\":\"later\",\"message\":\"not "
                                "yet\"}]}]"));
}

static void test_filter_operators(void **state)
{
    (void)state;
    struct {
        const char *rules;
        int match;
    } cases[] = {
        {"[\"equals\",[\"string\",[\"extract\",\"s\"]],\"open\"]", 1},
        {"[\"notequals\",[\"extract\",\"s\"],\"open\"]", 0},
        {"[\"equals\",[\"extract\",\"n\"],3]", 1},
        {"[\"lessthan\",[\"number\",[\"extract\",\"n\"]],2.5]", 0},
        {"[\"greaterthanequals\",[\"extract\",\"n\"],3]", 1},
        {"[\"contains\",[\"extract\",\"s\"],\"pe\"]", 1},
        {"[\"doesnotcontain\",[\"extract\",\"s\"],\"pe\"]", 0},
        {"[\"endswith\",[\"extract\",\"s\"],\"en\"]", 1},
        {"[\"empty\",[\"extract\",\"missing\"]]", 1},
        {"[\"isnotempty\",[\"extract\",\"e\"]]", 0},
        {"[\"or\",[\"equals\",[\"extract\",\"s\"],\"x\"],[\"not\",[\"equals\",[\"extract\","
         "\"a.b\"],\"c\"]]]",
         0},
        {"[\"equals\",[\"boolean\",[\"extract\",\"f\"]],false]", 1},
        {"[\"equals\",[\"extract\",\"s\"],3]", 0},
    };
    const char *rtext = "{\"s\":\"open\",\"n\":3,\"e\":\"\",\"a\":{\"b\":\"c\"},\"f\":\"false\"}";
    struct json_value *rec = parse(A, rtext, strlen(rtext));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char f[600], err[300];
        snprintf(f, sizeof(f), "{\"version\":\"1\",\"rules\":%s}", cases[i].rules);
        bool m;
        int rc = flows_filter_eval(A, parse(A, f, strlen(f)), rec, &m, err, sizeof(err));
        if (rc)
            fail_msg("%s: %s", cases[i].rules, err);
        if (m != cases[i].match)
            fail_msg("%s gave %d", cases[i].rules, m);
    }
    char err[300];
    bool m;
    const char *bad = "{\"version\":\"1\",\"rules\":[\"matches\",[\"extract\",\"s\"],\"o.*\"]}";
    assert_int_equal(flows_filter_eval(A, parse(A, bad, strlen(bad)), rec, &m, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "the operator \"matches\" is not supported"));
    const char *script = "{\"type\":\"script\",\"script\":{\"_scriptId\":\"x\"}}";
    assert_int_equal(
        flows_filter_eval(A, parse(A, script, strlen(script)), rec, &m, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "only expression filters"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_linear_flow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_responses_and_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_routers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_branching_function, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_stop_the_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup_step, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filter_operators, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
