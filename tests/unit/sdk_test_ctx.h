/* sdk_test_ctx.h — a real invocation context for unit tests of the hook API's calls: a plain
 * function is invoked through sdk_invoke() with the given options and hands its hs_ctx out. The
 * context lives in the test's arena (so it stays valid after the call until arena_free), and the
 * table's calls can then be made on it exactly as a module makes them. */
#ifndef HS_SDK_TEST_CTX_H
#define HS_SDK_TEST_CTX_H

#include "arena.h"
#include "hookstack.h"
#include "json.h"
#include "registry_internal.h"
#include "sdk.h"

static hs_ctx *sdk_test_captured;

static hs_status sdk_test_capture(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    (void)result;
    sdk_test_captured = ctx;
    return HS_OK;
}

/* A context whose options are `options` (may be NULL), or NULL when the arena is exhausted. */
static inline hs_ctx *sdk_test_ctx(struct arena *a, struct json_value *options)
{
    static struct registry_fn fn = {
        .name = "test", .kind = HS_KIND_UTILITY, .form = REGISTRY_FORM_PLAIN};
    fn.u.plain = sdk_test_capture;
    struct sdk_call *call = arena_calloc(a, 1, sizeof(*call));
    if (!call)
        return NULL;
    call->fn = &fn;
    call->arena = a;
    call->options = options;
    sdk_test_captured = NULL;
    if (sdk_invoke(call) != HS_OK)
        return NULL;
    return sdk_test_captured;
}

/* Options parsed from JSON text (NULL when it does not parse). */
static inline struct json_value *sdk_test_json(struct arena *a, const char *text)
{
    struct json_error err;
    return json_parse(a, text, strlen(text), NULL, &err);
}

#endif
