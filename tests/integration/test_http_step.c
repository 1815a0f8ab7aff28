/* test_http_step.c — POST /v1/hooks/{function} over real HTTP: the front routes it (prefix case-
 * insensitive, one trailing slash, percent-encoded names, 405 with Allow: POST, 404 for other
 * shapes) to a worker that runs proto_handle_step with the name from the path; API tokens from
 * HOOKSTACK_API_TOKEN or --api-token-file, separate from the system token both ways; per-record,
 * object-form and single-record bodies; branching route names; a worker crash answered 500 naming
 * the function from the path; the log line and /metrics see the route. Uses the kindcheck and
 * slow test modules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "integration/harness.h"

#define API_TOKEN "step-api-token-1"

/* A folder holding only the kindcheck and slow test modules. */
static const char *step_modules(void)
{
    const char *d = hst_test_module_dir("kindcheck,slow");
    assert_non_null(d);
    return d;
}

static const char *const api_json[] = {"Authorization: Bearer " API_TOKEN,
                                       "Content-Type: application/json", NULL};

/* POST path with headers and body; checks status and (when want_body) the exact body. */
static void step(const struct hst_server *s, const char *path, const char *const *headers,
                 const char *body, long want_status, const char *want_body)
{
    struct hst_response r;
    assert_int_equal(hst_request(s, "POST", path, headers, body, strlen(body), &r), 0);
    if (r.status != want_status || (want_body != NULL && strcmp(r.body, want_body) != 0))
        fprintf(stderr, "POST %s -> %ld %s\n", path, r.status, r.body);
    assert_int_equal(r.status, want_status);
    if (want_body != NULL)
        assert_string_equal(r.body, want_body);
    hst_response_free(&r);
}

static void start(struct hst_server *s, const char *const *extra, const char *const *env)
{
    const char *args[12] = {"--modules", step_modules(), "--workers", "2"};
    int n = 4;
    for (int i = 0; extra != NULL && extra[i] != NULL && n < 11; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    assert_int_equal(hst_server_start(s, args, env), 0);
}

static void test_records_and_shapes(void **state)
{
    (void)state;
    struct hst_server s;
    const char *const env[] = {"HOOKSTACK_API_TOKEN=other," API_TOKEN, NULL};
    start(&s, NULL, env);
    /* An array of records through a per-record preMap. */
    step(&s, "/v1/hooks/kcPreMapRecords", api_json, "[{\"a\":1},{\"skip\":true},{\"bad\":true}]",
         200,
         "[{\"data\":{\"a\":1,\"seen\":true}},{},{\"data\":{\"bad\":true},\"errors\":[{\"code\":"
         "\"bad_record\",\"message\":\"record 2 is bad\"}]}]");
    /* The object form, with settings and other members. */
    step(&s, "/v1/hooks/kcPreMapRecords", api_json,
         "{\"data\":[{\"a\":1}],\"settings\":{\"x\":1},\"_flowId\":\"f1\"}", 200,
         "[{\"data\":{\"a\":1,\"seen\":true}}]");
    /* One record (an HTTP import with batch size 1): its one result. */
    step(&s, "/v1/hooks/kcPreMapRecords", api_json, "{\"a\":2}", 200,
         "{\"data\":{\"a\":2,\"seen\":true}}");
    /* Branching: route names per record. */
    step(&s, "/v1/hooks/kcBranchingPage", api_json, "[{\"branches\":[1]},{\"branches\":[]}]", 200,
         "[{\"route\":\"1\",\"reason\":null},{\"route\":null,\"reason\":null}]");
    /* The path: case-insensitive prefix, one trailing slash, percent-encoded name. */
    step(&s, "/V1/Hooks/kcPreMap%52ecords/", api_json, "[{\"a\":3}]", 200,
         "[{\"data\":{\"a\":3,\"seen\":true}}]");
    /* The second token of the list works too; the system token does not. */
    const char *const other[] = {"Authorization: Bearer other", "Content-Type: application/json",
                                 NULL};
    step(&s, "/v1/hooks/kcPreMapRecords", other, "[{}]", 200, NULL);
    const char *const sys[] = {"Authorization: Bearer " HS_TEST_TOKEN,
                               "Content-Type: application/json", NULL};
    struct hst_response r;
    assert_int_equal(hst_request(&s, "POST", "/v1/hooks/kcPreMapRecords", sys, "[{}]", 4, &r), 0);
    assert_int_equal(r.status, 401);
    char *www = hst_response_header(&r, "WWW-Authenticate");
    assert_non_null(www);
    assert_string_equal(www, "Bearer realm=\"hookstack\"");
    free(www);
    assert_string_equal(r.body, "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid API "
                                "token.\"}]}");
    hst_response_free(&r);
    /* And the API token is not a system token on /function. */
    const char *fn_body = "{\"diy\":true,\"type\":\"hook\",\"function\":\"sleepMs\",\"options\":"
                          "{\"ms\":0}}";
    step(&s, "/function", api_json, fn_body, 401, NULL);
    step(&s, "/function", sys, fn_body, 200, NULL);
    /* Unknown function, other path shapes, wrong method. */
    step(&s, "/v1/hooks/nope", api_json, "[{}]", 404,
         "{\"errors\":[{\"code\":\"function_not_found\",\"message\":\"No function named "
         "\\\"nope\\\".\"}]}");
    step(&s, "/v1/hooks/a/b", api_json, "[{}]", 404, NULL);
    step(&s, "/v1/hooks/", api_json, "[{}]", 404, NULL);
    assert_int_equal(hst_request(&s, "GET", "/v1/hooks/kcPreMapRecords", api_json, NULL, 0, &r), 0);
    assert_int_equal(r.status, 405);
    char *allow = hst_response_header(&r, "Allow");
    assert_string_equal(allow, "POST");
    free(allow);
    hst_response_free(&r);
    /* Bad bodies are the endpoint's own 400s. */
    step(&s, "/v1/hooks/kcPreMapRecords", api_json, "[{", 400, NULL);
    /* The log line names the function and the step type. */
    char *log = hst_server_log(&s);
    assert_non_null(strstr(log, "path=/v1/hooks/kcPreMapRecords status=200"));
    assert_non_null(strstr(log, "function=kcPreMapRecords type=step"));
    assert_null(strstr(log, API_TOKEN));
    free(log);
    /* /metrics counts the route. */
    const char *const sys_auth[] = {"Authorization: Bearer " HS_TEST_TOKEN, NULL};
    assert_int_equal(hst_request(&s, "GET", "/metrics", sys_auth, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "hookstack_requests_total{route=\"hooks\",status=\"200\"} 6\n"));
    assert_non_null(strstr(r.body, "hookstack_requests_total{route=\"hooks\",status=\"401\"} 1\n"));
    assert_non_null(
        strstr(r.body, "hookstack_function_duration_seconds_count{function=\"kcPreMapRecords\"}"));
    hst_response_free(&r);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

static void test_token_file_and_crash(void **state)
{
    (void)state;
    char path[] = "/tmp/hs-step-tokens-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "\n" API_TOKEN "\n";
    assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
    close(fd);
    struct hst_server s;
    const char *extra[] = {"--api-token-file", path, NULL};
    /* The file wins over the variable. */
    const char *const env[] = {"HOOKSTACK_API_TOKEN=from-env", NULL};
    start(&s, extra, env);
    step(&s, "/v1/hooks/kcPreMapRecords", api_json, "[{}]", 200, "[{\"data\":{\"seen\":true}}]");
    const char *const env_tok[] = {"Authorization: Bearer from-env",
                                   "Content-Type: application/json", NULL};
    step(&s, "/v1/hooks/kcPreMapRecords", env_tok, "[{}]", 401, NULL);
    /* A worker that dies answers 500 naming the function of the path; the next call works. */
    step(&s, "/v1/hooks/crashNow", api_json, "[{}]", 500,
         "{\"errors\":[{\"code\":\"hook_crashed\",\"message\":\"The function crashNow crashed: "
         "its worker was killed by signal 6 (SIGABRT).\"}]}");
    step(&s, "/v1/hooks/kcPreMapRecords", api_json, "[{}]", 200, NULL);
    assert_int_equal(hst_server_stop_clean(&s), 0);
    unlink(path);
}

static void test_no_api_token_configured(void **state)
{
    (void)state;
    struct hst_server s;
    const char *const env[] = {"HOOKSTACK_API_TOKEN", NULL}; /* removed */
    start(&s, NULL, env);
    step(&s, "/v1/hooks/kcPreMapRecords", api_json, "[{}]", 401, NULL);
    assert_int_equal(hst_server_stop_clean(&s), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_and_shapes),
        cmocka_unit_test(test_token_file_and_crash),
        cmocka_unit_test(test_no_api_token_configured),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
