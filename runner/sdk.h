/* sdk.h — the runner side of the hook API: the hs_api table handed to modules, and one
 * invocation of a registered function with its context (arena, options, log, failure record). */
#ifndef HS_SDK_H
#define HS_SDK_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "hookstack.h"
#include "json.h"
#include "registry.h"

/* The table every module's init receives (static, lives for the process). */
const hs_api *sdk_api(void);

/* One call of one function. The caller fills the inputs; sdk_invoke fills the outputs. Everything
 * allocated comes from `arena` (results, strings, the context itself). */
struct sdk_call {
    /* in */
    const struct registry *reg;
    const struct registry_fn *fn;
    struct arena *arena;
    struct json_value *options; /* the request's options (any JSON value), mutable */
    const char *connector_id;   /* NULL for DIY */
    struct json_buf *log;       /* hook log lines go here ("level message\n"); may be NULL */
    size_t log_limit;           /* bytes of log kept per invocation; 0: 65536 */
    /* Served as an HTTP step (POST /v1/hooks/{fn}): page_route_named accepts a name that
     * settings.branches does not list (the step answers names, not indices). */
    bool http_step;
    /* out */
    hs_status status;          /* what the function returned */
    struct json_value *result; /* NULL: no value */
    const char *fail_code;     /* set when the function called fail() (never NULL then) */
    const char *fail_message;
    const char *error_name; /* last error an API call recorded ("TypeError"), or NULL */
    const char *error_message;
    /* Per-record functions: the record a failure happened at ("record 3 of 20, id 001C", see
     * crash.h), else NULL. The failure's message (fail_message, or error_message) already ends
     * with " (function F at <where>)". */
    const char *where;
    /* Page-level branching functions: one {"index"?: n, "name"?: s, "reason": s|null} per
     * page_route / page_route_named call, in order (NULL for other functions). */
    struct json_value *routes;
};

/* Runs the function (for per-record and page-level functions: walks the page and assembles the
 * answer). Returns call->status. A function whose kind reads an array of records (preMap
 * options.data, ...) or one record (branching options.record) that the options do not carry is
 * not called: HS_ERR_INVALID with fail_code "missing_required_field" or "invalid_field" and a
 * message naming the function, its kind and what is missing (kind_check_input). */
hs_status sdk_invoke(struct sdk_call *call);

#endif
