/* test_proto_auth.c — proto_auth_headers(), the token decision the front takes at the end of a
 * POST /function request's headers (before reading the body), against proto_handle()'s own
 * decision with the body: a request classified REFUSED gets 401 from proto_handle whatever token
 * its body carries, one classified OK is never refused by proto_handle for want of a token, and
 * one classified BODY is decided by the body's access_token. The only difference allowed is the
 * documented deviation: a body proto_handle rejects first (400 malformed JSON) under a refused
 * Authorization header. Also the step endpoint's rule, proto_step_authorized(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "proto.h"
#include "registry.h"

#define TOKEN "sys-token"

static const char *const tokens[] = {"old-token", TOKEN};
static const char *const api_tokens[] = {"api-token"};

struct hcase {
    const char *auth;  /* NULL: no Authorization header */
    const char *query; /* NULL: no query */
    const char *ctype; /* NULL: no Content-Type */
    bool has_body;
    enum proto_auth want;
};

static const struct hcase cases[] = {
    /* The Authorization header decides alone. */
    {"Bearer " TOKEN, NULL, "application/json", true, PROTO_AUTH_OK},
    {"bearer old-token", NULL, NULL, false, PROTO_AUTH_OK},
    {"  Bearer " TOKEN "  ", NULL, "text/plain", true, PROTO_AUTH_OK},
    {"Bearer wrong", NULL, "application/json", true, PROTO_AUTH_REFUSED},
    {"Basic " TOKEN, "access_token=" TOKEN, "application/json", true, PROTO_AUTH_REFUSED},
    {"Bearer " TOKEN " extra", NULL, "application/json", true, PROTO_AUTH_REFUSED},
    {"Bearer  " TOKEN, NULL, "application/json", true, PROTO_AUTH_REFUSED},
    /* An empty (or blank) header counts as absent: the body or the query may carry it. */
    {"", NULL, "application/json", true, PROTO_AUTH_BODY},
    {"   ", "access_token=" TOKEN, NULL, false, PROTO_AUTH_OK},
    /* No header: the query's token. */
    {NULL, "access_token=" TOKEN, NULL, false, PROTO_AUTH_OK},
    {NULL, "a=1&access_token=sys%2Dtoken", "text/plain", true, PROTO_AUTH_OK},
    {NULL, "access_token=" TOKEN "&access_token=" TOKEN, NULL, false, PROTO_AUTH_REFUSED},
    {NULL, "access_token=wrong", NULL, true, PROTO_AUTH_REFUSED},
    /* No header and no query token: the body can hold one only if it is read as JSON. */
    {NULL, NULL, "application/json", true, PROTO_AUTH_BODY},
    {NULL, NULL, "application/json; charset=utf-8", true, PROTO_AUTH_BODY},
    {NULL, "access_token=wrong", "Application/JSON", true, PROTO_AUTH_BODY},
    {NULL, NULL, "application/json", false, PROTO_AUTH_REFUSED},
    {NULL, NULL, NULL, true, PROTO_AUTH_REFUSED},
    {NULL, NULL, "text/plain", true, PROTO_AUTH_REFUSED},
    {NULL, NULL, "application/vnd.api+json", true, PROTO_AUTH_REFUSED},
    {NULL, NULL, "application/json; charset", true, PROTO_AUTH_REFUSED},
};

static struct strv sv(const char *s)
{
    struct strv v = {s, s ? strlen(s) : 0};
    return v;
}

static struct registry *reg;

static int handle_status(const struct proto_config *cfg, const struct hcase *c, const char *body)
{
    struct proto_request req = {
        .authorization = sv(c->auth),
        .query = sv(c->query),
        .content_type = sv(c->ctype),
        .body = c->has_body ? sv(body) : sv(NULL),
    };
    struct arena *a = arena_new(64 * 1024, 0);
    assert_non_null(a);
    struct proto_response resp;
    proto_response_init(&resp);
    assert_int_equal(proto_handle(cfg, &req, &resp, a), 0);
    int status = resp.status;
    proto_response_free(&resp);
    arena_free(a);
    return status;
}

static void test_headers_decide_like_the_body(void **state)
{
    (void)state;
    struct proto_config cfg = {.reg = reg, .tokens = tokens, .ntokens = 2};
    const char *bodies[] = {
        "{\"access_token\":\"" TOKEN "\"}",
        "{\"access_token\":\"wrong\"}",
        "{}",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct hcase *c = &cases[i];
        struct proto_request req = {
            .authorization = sv(c->auth), .query = sv(c->query), .content_type = sv(c->ctype)};
        enum proto_auth got = proto_auth_headers(&cfg, &req, c->has_body);
        if (got != c->want)
            fail_msg("case %zu (auth %s, query %s, type %s): %d, want %d", i,
                     c->auth ? c->auth : "-", c->query ? c->query : "-", c->ctype ? c->ctype : "-",
                     (int)got, (int)c->want);
        int st[3];
        for (int b = 0; b < 3; b++)
            st[b] = handle_status(&cfg, c, bodies[b]);
        if (got == PROTO_AUTH_REFUSED) {
            /* Nothing in the body can change the answer. */
            for (int b = 0; b < 3; b++)
                assert_int_equal(st[b], 401);
        } else if (got == PROTO_AUTH_OK && c->auth != NULL && c->auth[0] != ' ' && c->auth[0]) {
            for (int b = 0; b < 3; b++)
                assert_int_not_equal(st[b], 401);
        } else if (got == PROTO_AUTH_OK) {
            /* The query's token: a body token still wins over it (proto_handle decides). */
            assert_int_not_equal(st[0], 401);
            assert_int_not_equal(st[2], 401);
        } else {
            /* The body decides. */
            assert_int_not_equal(st[0], 401);
            assert_int_equal(st[1], 401);
        }
    }
}

static void test_deviation_body_error_first(void **state)
{
    (void)state;
    /* The reference reads the body first: a malformed one is 400 even under a wrong token. The
     * front answers 401 at the headers instead (docs/internals/protocol.md, README). */
    struct proto_config cfg = {.reg = reg, .tokens = tokens, .ntokens = 2};
    struct hcase c = {"Bearer wrong", NULL, "application/json", true, PROTO_AUTH_REFUSED};
    struct proto_request req = {.authorization = sv(c.auth), .content_type = sv(c.ctype)};
    assert_int_equal(proto_auth_headers(&cfg, &req, true), PROTO_AUTH_REFUSED);
    assert_int_equal(handle_status(&cfg, &c, "{\"diy\":"), 400);
}

static void test_step_rule(void **state)
{
    (void)state;
    struct proto_config cfg = {
        .reg = reg, .tokens = tokens, .ntokens = 2, .api_tokens = api_tokens, .napi_tokens = 1};
    assert_true(proto_step_authorized(&cfg, sv("Bearer api-token")));
    assert_true(proto_step_authorized(&cfg, sv("BEARER api-token")));
    assert_false(proto_step_authorized(&cfg, sv("Bearer " TOKEN)));
    assert_false(proto_step_authorized(&cfg, sv("Bearer api-token x")));
    assert_false(proto_step_authorized(&cfg, sv(NULL)));
    cfg.napi_tokens = 0;
    assert_false(proto_step_authorized(&cfg, sv("Bearer api-token")));
}

static int setup(void **state)
{
    (void)state;
    char err[256];
    struct registry_load_opts o = {.dirs = NULL, .ndirs = 0};
    reg = registry_load(&o, err, sizeof(err));
    return reg != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    registry_free(reg);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headers_decide_like_the_body),
        cmocka_unit_test(test_deviation_body_error_first),
        cmocka_unit_test(test_step_rule),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
