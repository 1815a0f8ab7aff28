/* fuzz_sfns_post.h — what the sfns fuzz targets that go through the protocol share: their part
 * of the sfns module loaded once as a static module, a POST /function body made of a head, the
 * fuzz bytes and "}}", proto_handle as a worker runs it, and the checks every answer passes (a
 * status, a body on errors). The target checks a 200's body itself. Header-only: each fuzz target
 * stays one translation unit (tests/tests.cmake, tests/fuzz/run.sh). */
#ifndef HS_FUZZ_SFNS_POST_H
#define HS_FUZZ_SFNS_POST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "json.h"
#include "proto.h"
#include "registry_internal.h"

typedef void (*fuzz_sfns_on_200)(struct arena *a, const struct json_buf *body, const void *ud);

static struct registry *fuzz_sfns_reg;

/* Sends head + bytes + "}}" to the functions entry registers, as the system token's caller; on a
 * 200, on_200(ud) checks the body. Aborts (naming who) on a broken answer or an unloadable module;
 * returns quietly when out of memory. */
static void fuzz_sfns_post(const char *who, const hs_module_info *(*entry)(void), const char *head,
                           const uint8_t *bytes, size_t n, fuzz_sfns_on_200 on_200, const void *ud)
{
    if (fuzz_sfns_reg == NULL) {
        char err[512] = "out of memory";
        fuzz_sfns_reg = registry_new(false);
        if (fuzz_sfns_reg == NULL ||
            registry_add_static(fuzz_sfns_reg, entry, "sfns.so", err, sizeof(err)) != 0) {
            fprintf(stderr, "%s: cannot load the module: %s\n", who, err);
            abort();
        }
    }
    static const char *const tokens[] = {"fuzz-token"};
    struct proto_config cfg = {
        .reg = fuzz_sfns_reg,
        .tokens = tokens,
        .ntokens = 1,
        .max_body = 1 << 20,
        .default_max_response = 5242880,
    };
    size_t hlen = strlen(head), len = hlen + n + 2;
    char *body = malloc(len + 1);
    if (body == NULL)
        return;
    memcpy(body, head, hlen);
    memcpy(body + hlen, bytes, n);
    memcpy(body + hlen + n, "}}", 3);
    struct proto_request req;
    memset(&req, 0, sizeof(req));
    req.authorization = STRV("Bearer fuzz-token");
    req.content_type = STRV("application/json");
    req.req_id = STRV("1700000000000fuzz");
    req.body = (struct strv){body, len};
    struct arena *a = arena_new(64 * 1024, (size_t)256 << 20);
    if (a == NULL) {
        free(body);
        return;
    }
    struct proto_response resp;
    proto_response_init(&resp);
    if (proto_handle(&cfg, &req, &resp, a) == 0) {
        if (resp.status < 200 || resp.status > 599 || (resp.status != 200 && resp.body.len == 0)) {
            fprintf(stderr, "%s: status %d with a %zu-byte body\n", who, resp.status,
                    resp.body.len);
            abort();
        }
        if (resp.status == 200)
            on_200(a, &resp.body, ud);
    }
    proto_response_free(&resp);
    arena_free(a);
    free(body);
}

#endif
