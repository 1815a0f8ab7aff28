/* sdk_page.c — page-level functions (hs_page_fn): the page_* calls of preSavePage (abort, retry
 * data) and branching (route by index or by a settings.branches name, each routing call noted for
 * the HTTP-step answer), and the run that calls the function once and assembles the kind's answer.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kind.h"
#include "sdk_internal.h"
#include "text.h"

#define J(v) ((struct json_value *)(v))
#define H(v) ((hs_json *)(v))

struct hs_page {
    hs_ctx *ctx;
    struct json_value *data;   /* preSavePage: the data array; branching: options.record */
    struct json_value *errors; /* preSavePage */
    bool abort;
    struct json_value *retry;  /* preSavePage: newErrorsAndRetryData */
    struct json_value *routes; /* branching: the indices answered under POST /function */
    struct json_value *named;  /* branching: {index?, name?, reason} per routing call */
};

/* ---- page-level helpers --------------------------------------------------------------------- */

hs_json *sdk_page_data(hs_page *page)
{
    return page ? H(page->data) : NULL;
}

hs_json *sdk_page_errors(hs_page *page)
{
    return page ? H(page->errors) : NULL;
}

hs_status sdk_page_set_abort(hs_page *page, int abort)
{
    if (!page)
        return HS_ERR_INVALID;
    if (page->ctx->fn->kind != HS_KIND_PRE_SAVE_PAGE)
        return HS_ERR_UNSUPPORTED;
    page->abort = abort != 0;
    return HS_OK;
}

hs_status sdk_page_add_retry(hs_page *page, hs_json *retry_data, hs_json *errors)
{
    if (!page || !retry_data)
        return HS_ERR_INVALID;
    if (page->ctx->fn->kind != HS_KIND_PRE_SAVE_PAGE)
        return HS_ERR_UNSUPPORTED;
    struct arena *a = page->ctx->a;
    struct json_value *e = json_new_object(a);
    struct json_value *errs = errors ? J(errors) : json_new_array(a);
    if (!e || !errs || json_object_set(a, e, STRLIT("retryData"), J(retry_data)) != 0 ||
        json_object_set(a, e, STRLIT("errors"), errs) != 0 ||
        json_array_push(a, page->retry, e) != 0)
        return HS_ERR_NOMEM;
    return HS_OK;
}

/* Adds {"index"?: index, "name"?: name, "reason": reason|null} to page->named. index < 0: none. */
static hs_status route_note(hs_page *page, long index, const char *name, const char *reason)
{
    struct arena *a = page->ctx->a;
    struct json_value *e = json_new_object(a);
    if (!e)
        return HS_ERR_NOMEM;
    if (index >= 0) {
        struct json_value *n = json_new_number(a, (double)index);
        if (!n || json_object_set(a, e, STRLIT("index"), n) != 0)
            return HS_ERR_NOMEM;
    }
    if (name) {
        struct json_value *n = json_new_string(a, name, strlen(name));
        if (!n || json_object_set(a, e, STRLIT("name"), n) != 0)
            return HS_ERR_NOMEM;
    }
    struct json_value *r = reason ? json_new_string(a, reason, strlen(reason)) : json_new_null(a);
    if (!r || json_object_set(a, e, STRLIT("reason"), r) != 0 ||
        json_array_push(a, page->named, e) != 0)
        return HS_ERR_NOMEM;
    return HS_OK;
}

hs_status sdk_page_route(hs_page *page, unsigned index)
{
    if (!page)
        return HS_ERR_INVALID;
    if (page->ctx->fn->kind != HS_KIND_BRANCHING)
        return HS_ERR_UNSUPPORTED;
    struct json_value *n = json_new_number(page->ctx->a, (double)index);
    if (!n || json_array_push(page->ctx->a, page->routes, n) != 0)
        return HS_ERR_NOMEM;
    return route_note(page, (long)index, NULL, NULL);
}

/* Records why a branch name has no index: what settings.branches lacks, and what to add. */
static void branch_unknown(hs_ctx *ctx, const char *name)
{
    const char *fn = ctx->fn->name;
    const struct json_value *b =
        sdk_obj_get(sdk_obj_get(ctx->call->options, "settings"), "branches");
    if (!b) {
        sdk_ctx_errorf(
            ctx, "RangeError",
            "Branch \"%.200s\" has no index: the options carry no settings.branches. Add "
            "\"branches\": [\"<name of branch 0>\", \"<name of branch 1>\", ...] (the "
            "router's branch names, in its order) to the settings the function %s gets, "
            "or route by index (page_route)",
            name, fn);
        return;
    }
    if (b->type != JSON_ARRAY) {
        sdk_ctx_errorf(ctx, "RangeError",
                       "Branch \"%.200s\" has no index: settings.branches must be an array of the "
                       "router's branch names (strings, or objects with a \"name\"), in its order; "
                       "the function %s got %s",
                       name, fn,
                       b->type == JSON_OBJECT   ? "an object"
                       : b->type == JSON_STRING ? "a string"
                                                : "another value");
        return;
    }
    /* The names it does list, quoted, as far as 200 bytes go. */
    char names[256];
    size_t n = 0;
    names[0] = '\0';
    for (uint32_t i = 0; i < b->len && n < 200; i++) {
        size_t len = 1;
        const char *s = kind_branch_name(ctx->call->options, i, &len);
        if (s == NULL) /* not a name: shown as ? */
            s = "?";
        int w = snprintf(names + n, sizeof(names) - n, "%s\"%.*s\"", i ? ", " : "",
                         (int)(len > 60 ? 60 : len), s);
        if (w < 0)
            break;
        n += (size_t)w;
        if (n >= sizeof(names))
            n = sizeof(names) - 1;
    }
    sdk_ctx_errorf(
        ctx, "RangeError",
        "Branch \"%.200s\" is not listed in settings.branches (%s): add it there, at its "
        "index in the router, for the function %s",
        name, n ? names : "empty", fn);
}

hs_status sdk_page_route_named(hs_page *page, const char *name, const char *reason)
{
    if (!page || !name || !name[0])
        return HS_ERR_INVALID;
    hs_ctx *ctx = page->ctx;
    if (ctx->fn->kind != HS_KIND_BRANCHING)
        return HS_ERR_UNSUPPORTED;
    long index = kind_branch_index(ctx->call->options, name, strlen(name));
    if (index < 0 && !ctx->call->http_step) {
        branch_unknown(ctx, name);
        return HS_ERR_NOT_FOUND;
    }
    if (index >= 0) {
        struct json_value *n = json_new_number(ctx->a, (double)index);
        if (!n || json_array_push(ctx->a, page->routes, n) != 0)
            return HS_ERR_NOMEM;
    }
    return route_note(page, index, name, reason);
}

hs_status sdk_page_run(hs_ctx *ctx, struct json_value **result)
{
    struct arena *a = ctx->a;
    const struct json_value *opts = ctx->call->options;
    hs_page page = {.ctx = ctx};
    if (ctx->fn->kind == HS_KIND_BRANCHING) {
        page.data = (struct json_value *)sdk_obj_get(opts, "record");
        page.routes = json_new_array(a);
        page.named = json_new_array(a);
        if (!page.routes || !page.named)
            return HS_ERR_NOMEM;
        hs_status st = sdk_ctx_settled(ctx, ctx->fn->u.page(ctx, &page));
        if (st == HS_OK) {
            *result = page.routes;
            ctx->call->routes = page.named;
        }
        return st;
    }
    /* kind_check_input made sure options.data is an array. */
    struct json_value *e = (struct json_value *)sdk_obj_get(opts, "errors");
    page.data = (struct json_value *)sdk_obj_get(opts, "data");
    page.errors = e && e->type == JSON_ARRAY ? e : json_new_array(a);
    page.retry = json_new_array(a);
    if (!page.data || !page.errors || !page.retry)
        return HS_ERR_NOMEM;
    hs_status st = sdk_ctx_settled(ctx, ctx->fn->u.page(ctx, &page));
    if (st != HS_OK)
        return st;
    struct json_value *r = json_new_object(a);
    struct json_value *ab = json_new_bool(a, page.abort);
    if (!r || !ab || json_object_set(a, r, STRLIT("data"), page.data) != 0 ||
        json_object_set(a, r, STRLIT("errors"), page.errors) != 0 ||
        json_object_set(a, r, STRLIT("abort"), ab) != 0 ||
        json_object_set(a, r, STRLIT("newErrorsAndRetryData"), page.retry) != 0)
        return HS_ERR_NOMEM;
    *result = r;
    return HS_OK;
}
