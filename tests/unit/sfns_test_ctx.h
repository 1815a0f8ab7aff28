/* sfns_test_ctx.h — unit tests of sfns module files that call the hook API (money, catalog): the
 * module's API table pointer set to the runner's real table, and a real invocation context whose
 * options carry the given settings, so settings readers, decimal and date calls run exactly as
 * in a served call. What a failing reader reports (its fail() code and message) is read back. */
#ifndef SFNS_TEST_CTX_H
#define SFNS_TEST_CTX_H

#include <stdio.h>
#include <string.h>

#include "sdk_internal.h"
#include "unit/sdk_test_ctx.h"

/* The sfns module's table (hooks/sfns/sfns.c defines it in the module; the tests link the files
 * that use it without sfns.c). */
const hs_api *sfns_api;

static struct arena *sfns_test_arena;

/* A context whose options are {"settings": {"sfns": <sfns_json>}} (sfns_json NULL: no settings),
 * in a fresh arena (the previous one is freed). */
static inline hs_ctx *sfns_test_ctx(const char *sfns_json)
{
    sfns_api = sdk_api();
    if (sfns_test_arena)
        arena_free(sfns_test_arena);
    sfns_test_arena = arena_new(256 * 1024, 0);
    char buf[16384];
    if (sfns_json)
        snprintf(buf, sizeof(buf), "{\"settings\": {\"sfns\": %s}}", sfns_json);
    else
        snprintf(buf, sizeof(buf), "{}");
    struct json_value *opts = sdk_test_json(sfns_test_arena, buf);
    if (!opts) {
        fprintf(stderr, "sfns_test_ctx: settings do not parse: %s\n", buf);
        return NULL;
    }
    return sdk_test_ctx(sfns_test_arena, opts);
}

/* A JSON value parsed into the current test arena. */
static inline hs_json *sfns_test_value(const char *text)
{
    return (hs_json *)sdk_test_json(sfns_test_arena, text);
}

/* The message the invocation failed with (fail()), or "" when none. */
static inline const char *sfns_test_failure(hs_ctx *ctx)
{
    return ctx->call->fail_message ? ctx->call->fail_message : "";
}

static inline const char *sfns_test_failure_code(hs_ctx *ctx)
{
    return ctx->call->fail_code ? ctx->call->fail_code : "";
}

static inline void sfns_test_done(void)
{
    if (sfns_test_arena)
        arena_free(sfns_test_arena);
    sfns_test_arena = NULL;
}

#endif
