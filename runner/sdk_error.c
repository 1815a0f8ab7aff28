/* sdk_error.c — errors recorded on the invocation context: the description a failing call leaves
 * for ctx_last_error and for proto.c's 500 answer, the context's kept error (ctx_error, since 1.2),
 * out of memory, and what a function's status becomes when a coercion threw (sdk_ctx_settled). */
#include <stdarg.h>
#include <stdio.h>

#include "sdk_internal.h"

char *sdk_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *s = arena_alloc(a, (size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *sdk_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = sdk_vprintf(a, fmt, ap);
    va_end(ap);
    return s;
}

void sdk_ctx_nomem(hs_ctx *ctx)
{
    if (ctx) {
        ctx->call->error_name = "RangeError";
        ctx->call->error_message = "Out of memory: the invocation's memory limit was reached";
        sdk_ctx_keep_last(ctx, HS_ERR_NOMEM);
    }
}

void sdk_ctx_keep(hs_ctx *ctx, hs_status st, const char *name, const char *msg)
{
    if (!ctx || ctx->kept != HS_OK || st == HS_OK)
        return;
    ctx->kept = st;
    ctx->kept_name = name ? name : "Error";
    ctx->kept_message = msg ? msg : "";
}

void sdk_ctx_keep_last(hs_ctx *ctx, hs_status st)
{
    if (ctx)
        sdk_ctx_keep(ctx, st, ctx->call->error_name, ctx->call->error_message);
}

void sdk_ctx_fault(hs_ctx *ctx, hs_status st, const char *name, const char *fmt, ...)
{
    if (!ctx)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = sdk_vprintf(ctx->a, fmt, ap);
    va_end(ap);
    sdk_ctx_error_set(ctx, name, msg);
    sdk_ctx_keep_last(ctx, st);
}

void sdk_ctx_error_set(hs_ctx *ctx, const char *name, const char *msg)
{
    if (ctx) {
        ctx->call->error_name = name;
        ctx->call->error_message = msg ? msg : "out of memory";
    }
}

void sdk_ctx_errorf(hs_ctx *ctx, const char *name, const char *fmt, ...)
{
    if (!ctx)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = sdk_vprintf(ctx->a, fmt, ap);
    va_end(ap);
    sdk_ctx_error_set(ctx, name, msg);
}

const char *sdk_ctx_last_error(const hs_ctx *ctx, const char **name)
{
    const char *n = ctx ? ctx->call->error_name : NULL;
    if (name)
        *name = n;
    return n ? ctx->call->error_message : NULL;
}

/* The context's error: its status, and its description made the one answered. */
hs_status sdk_ctx_error_kept(const hs_ctx *ctx)
{
    if (!ctx || ctx->kept == HS_OK)
        return HS_OK;
    ctx->call->error_name = ctx->kept_name;
    ctx->call->error_message = ctx->kept_message;
    return ctx->kept;
}

/* What the function's status becomes: a failure answered like a JavaScript exception (a settings
 * read of the wrong type, text read from an object: sdk_coerce.c) fails the invocation with its
 * TypeError whatever the function returned, unless it failed with fail() itself. */
hs_status sdk_ctx_settled(hs_ctx *ctx, hs_status st)
{
    if (!ctx->thrown || ctx->call->fail_code)
        return st;
    ctx->call->error_name = "TypeError";
    ctx->call->error_message = ctx->thrown;
    return st != HS_OK ? st : HS_ERR_TYPE;
}
