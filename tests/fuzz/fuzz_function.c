/* fuzz_function.c — POST /function (and POST /v1/hooks/{function}) as a worker runs them:
 * proto_handle / proto_handle_step with the conformance module linked in
 * (tests/modules/conformance, registered statically), on arbitrary bytes as the body and as the
 * header values.
 *
 * Input: one flags byte, then up to four NUL-separated fields, then the body (the rest):
 *   flags bit 0: Authorization is "Bearer fuzz-token" (a valid system token), else field 0
 *         bit 1: Content-Type is "application/json", else field 1 (absent when empty)
 *         bit 2: Content-Encoding is field 2 (else absent)
 *         bit 3: the query string is field 3 (else absent)
 *         bit 4: POST /v1/hooks/{field 3} (proto_handle_step; Authorization "Bearer api-token"
 *                when bit 0) instead of POST /function
 * A missing field is empty. Every answer must be a status with a body that fits its promise: a
 * JSON body for every status but a 200 without result. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HS_MODULE_STATIC fuzz_conformance_entry
#include "../modules/conformance/conformance.c"

#include "arena.h"
#include "json.h"
#include "proto.h"
#include "registry_internal.h"

static struct registry *fuzzfn_reg;

static void fuzzfn_setup(void)
{
    if (fuzzfn_reg != NULL)
        return;
    char err[512];
    fuzzfn_reg = registry_new(false);
    if (fuzzfn_reg == NULL || registry_add_static(fuzzfn_reg, fuzz_conformance_entry,
                                                  "conformance.so", err, sizeof(err)) != 0) {
        fprintf(stderr, "fuzz_function: cannot load the conformance module: %s\n", err);
        abort();
    }
}

/* The next NUL-terminated field of [*p, end): its bytes (p == NULL when the input has ended). */
static struct strv fuzzfn_field(const uint8_t **p, const uint8_t *end)
{
    struct strv v = {NULL, 0};
    if (*p >= end)
        return v;
    const uint8_t *nul = memchr(*p, 0, (size_t)(end - *p));
    const uint8_t *stop = nul ? nul : end;
    v.p = (const char *)*p;
    v.len = (size_t)(stop - *p);
    *p = nul ? nul + 1 : end;
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    fuzzfn_setup();
    static const char *const tokens[] = {"fuzz-token"};
    static const char *const api_tokens[] = {"api-token"};
    struct proto_config cfg = {
        .reg = fuzzfn_reg,
        .tokens = tokens,
        .ntokens = 1,
        .max_body = 1 << 20,
        .default_max_response = 5242880,
        .api_tokens = api_tokens,
        .napi_tokens = 1,
    };
    unsigned flags = data[0];
    const uint8_t *p = data + 1, *end = data + size;
    /* The body is what follows the fourth NUL; fields are only split off when all four exist. */
    const uint8_t *q = p;
    int nuls = 0;
    while (nuls < 4 && q < end) {
        const uint8_t *nul = memchr(q, 0, (size_t)(end - q));
        if (nul == NULL)
            break;
        q = nul + 1;
        nuls++;
    }
    struct strv f[4] = {{NULL, 0}};
    if (nuls == 4) {
        for (int i = 0; i < 4; i++)
            f[i] = fuzzfn_field(&p, end);
    }
    struct proto_request req;
    memset(&req, 0, sizeof(req));
    bool step = (flags & 16) != 0;
    if (flags & 1)
        req.authorization =
            step ? (struct strv){"Bearer api-token", 16} : (struct strv){"Bearer fuzz-token", 17};
    else
        req.authorization = f[0];
    if (flags & 2)
        req.content_type = (struct strv){"application/json", 16};
    else if (f[1].p != NULL && f[1].len > 0)
        req.content_type = f[1];
    if (flags & 4)
        req.content_encoding = f[2];
    if ((flags & 8) && !step)
        req.query = f[3];
    req.req_id = (struct strv){"1700000000000fuzz", 17};
    req.body = (struct strv){(const char *)p, (size_t)(end - p)};
    struct arena *a = arena_new(64 * 1024, (size_t)256 << 20);
    if (a == NULL)
        return 0;
    struct proto_response resp;
    proto_response_init(&resp);
    int rc;
    if (step) {
        struct strv name = f[3].p != NULL ? f[3] : (struct strv){"", 0};
        req.step_function = name;
        rc = proto_handle_step(&cfg, name, &req, &resp, a);
    } else {
        rc = proto_handle(&cfg, &req, &resp, a);
    }
    if (rc == 0) {
        if (resp.status < 200 || resp.status > 599)
            abort();
        if (resp.status != 200 && resp.body.len == 0)
            abort();
    }
    proto_response_free(&resp);
    arena_free(a);
    return 0;
}
