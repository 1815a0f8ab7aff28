/* hookstack.h — the public hook API of Hookstack: the only header a hook module includes.
 *
 * A module is a shared object that exports one entry point, hs_module_entry(), returning a static
 * hs_module_info (write it with HS_MODULE). The runner dlopen()s the module, reads that record
 * first and refuses the module when the hook ABI major differs or the build signature (pointer
 * and integer sizes) does not match the runner's. It then calls the module's init function with
 * the API table (hs_api) and a module handle; init registers the module's functions by name and
 * kind. Registration is possible only during init.
 *
 * A function runs once per POST /function request:
 *
 *     static const hs_api *api;
 *
 *     static hs_status greet(hs_ctx *ctx, hs_json *options, hs_json **result)
 *     {
 *         const char *who = api->json_string(ctx, api->json_get(options, "who"), NULL, "world");
 *         if (who[0] == '\0')
 *             return api->fail(ctx, "empty_name", "who must not be empty");
 *         *result = api->json_new_string(ctx, api->sprintf(ctx, "hello %s", who));
 *         return *result ? HS_OK : HS_ERR_NOMEM;
 *     }
 *
 *     static hs_status init(const hs_api *a, hs_module *mod)
 *     {
 *         api = a;
 *         return api->register_fn(mod, "greet", HS_KIND_UTILITY, greet, NULL);
 *     }
 *
 *     HS_MODULE("greeter", "1.0.0", init)
 *
 * The same functions can also serve a flow step that calls the runner as a plain HTTP API
 * (integrator.io's HTTP connector): POST /v1/hooks/{function} with its own API token, body a
 * JSON array of records or {"data": [...], "settings": {...}, ...}. The records become the
 * options array the kind reads (preMap data, postMap postMapData, postSubmit responseData,
 * postResponseMap postResponseMapData, preSavePage data), the other members of the object are
 * passed in options as they are, and the answer is the kind's result (the per-record array, the
 * preSavePage object, a utility's or raw function's value). A branching function runs once per
 * record (options.record) and answers per record {"route": NAME, "reason": TEXT|null}: names
 * come from page_route_named, or from settings.branches for an index (see page_route_named).
 * Wrapper, setting, installer, uninstaller and postAggregate functions are not served there.
 *
 * Rules that hold for every module and every call in the table:
 *   - Ownership. Values a call returns are "borrowed" (valid until the invocation ends; never free
 *     them) unless the comment says "module-owned". Everything made through an hs_ctx (strings,
 *     JSON values, error objects) lives in the invocation's arena and is released in one step
 *     when the invocation ends; attach non-memory resources with on_cleanup. A module never
 *     frees what the runner gave it. `options` is the request's value, handed over mutable: a
 *     function may change it and return it (or parts of it) as its result.
 *   - Processes. Module code never runs in the server's front process. `hookstack serve` loads a
 *     module set (at start, and again on every SIGHUP) first in a throw-away check process, then
 *     in every worker: each worker, once forked, dlopen()s the modules and runs every init itself
 *     before it takes a call, and so does each worker started later to replace one. So init runs
 *     many times, once per process, each within --module-load-timeout-ms, and must be cheap and
 *     repeatable (the check process exits without calling cleanup). `hookstack invoke` and
 *     `test` run init once in their own process and fork one child per call.
 *   - Globals are per worker. A module's static variables and its module_state_alloc block belong
 *     to one process: what init or a call leaves there is seen by later calls in the same worker
 *     only, never by another worker, and is gone when the worker is replaced (after a crash, a
 *     deadline or memory kill, past --worker-recycle-mb, on a reload). Keep caches there, never
 *     anything that must last.
 *   - One call at a time per worker. A worker runs calls one after another on one thread; calls
 *     run in parallel only in different workers (--workers).
 *   - Kills skip cleanups. A call past its deadline (--hook-timeout-ms, --hook-timeout F=MS) or
 *     past the memory limit (--worker-memory-mb) ends with SIGKILL of its worker, as a crash ends
 *     it: no on_cleanup callback and no cleanup runs, so leave nothing outside the process that
 *     only a cleanup would undo. cleanup(state) runs in a worker that ends cleanly (drain,
 *     reload, recycle), which is killed if it has not exited 5 s later. atexit handlers never run
 *     in a worker (it ends with _exit).
 *   - Threads a module starts must not call the table: an hs_ctx and everything made through it
 *     belong to the calling thread for the length of the call, and no call in the table is made
 *     to be called from two threads at once. Such a thread ends with its worker.
 *   - Errors are values: every call that can fail returns an hs_status (HS_OK = 0, negative on
 *     error) or NULL. A failing call records a JavaScript-like description on the context
 *     (for example TypeError "Cannot create property 'x' on string 'abc'"); if the function then
 *     returns that status without calling fail(), the runner answers 500 with that description,
 *     like the reference server answers an exception thrown by a hook.
 *   - Opaque handles only: hs_ctx, hs_json, hs_module, hs_record and hs_page are incomplete
 *     types, touched only through the table. No dependency type appears in this header.
 *   - The table is append-only. A field added after ABI 1.0 says "since 1.N"; check it with
 *     HS_API_HAS(api, field) before calling it. The major changes only when something is removed
 *     or reordered.
 *
 * What integrator.io sends each kind and what must come back (options, answers, error shapes,
 * branch names) is in docs/hook-kinds.md. A failure at a record names it "record N of M, id X"
 * (N from 1; the id from the record's Id, id, internalId or _id, in that order).
 *
 * Build a module with (what `make` does for every hooks/<name>/ folder, listing all of the
 * folder's .c files; hooks/README.md tells how a module.cmake adds sources, libraries and flags):
 *   cc -std=c11 -D_GNU_SOURCE -O2 -g -DNDEBUG -Wall -Wextra -Werror -fPIC -shared
 *      -Wl,--no-undefined -I include -o build/modules/x.so hooks/x/x.c -lm
 * Define HS_MODULE_STATIC to a unique identifier to give the entry point that name instead, so
 * the same source can link straight into a test binary next to other modules. */
#ifndef HOOKSTACK_H
#define HOOKSTACK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- versions -------------------------------------------------------------------------------- */

#define HS_ABI_MAJOR 1
/* Minors: 1.0 the first table; 1.1 outbound HTTP (http_request, integrator_request and the
 * http_* response calls), ctx_last_error, page_route_named, statuses HS_ERR_TIMEOUT and
 * HS_ERR_NETWORK; 1.2 money and dates (hs_decimal and the decimal_* calls, currency_minor_units,
 * json_new_decimal*, hs_datetime and the date_* calls, ctx_now). */
#define HS_ABI_MINOR 2

/* First word a loader checks in hs_module_info ("HSM1"). */
#define HS_MODULE_MAGIC 0x48534d31u

/* Name of the one symbol a module exports. */
#define HS_MODULE_ENTRY_SYMBOL "hs_module_entry"

#if defined(__GNUC__) || defined(__clang__)
#define HS_PRINTF(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#define HS_EXPORT                       __attribute__((visibility("default")))
#else
#define HS_PRINTF(fmt_index, first_arg)
#define HS_EXPORT
#endif

/* ---- status codes ---------------------------------------------------------------------------- */

/* X(name, value, description): the one list every status comes from. */
#define HS_STATUS_MAP(X)                                                                           \
    X(HS_OK, 0, "success")                                                                         \
    X(HS_ERR_NOMEM, -1, "out of memory or past the invocation's memory limit")                     \
    X(HS_ERR_INVALID, -2, "invalid argument")                                                      \
    X(HS_ERR_TYPE, -3, "value of the wrong JSON type")                                             \
    X(HS_ERR_NOT_FOUND, -4, "not found")                                                           \
    X(HS_ERR_RANGE, -5, "value out of range")                                                      \
    X(HS_ERR_FAILED, -6, "the function failed (detail given with fail())")                         \
    X(HS_ERR_STATE, -7, "call not allowed at this point (for example registering after init)")     \
    X(HS_ERR_EXISTS, -8, "name already registered")                                                \
    X(HS_ERR_LIMIT, -9, "a size or depth limit was exceeded")                                      \
    X(HS_ERR_PARSE, -10, "text could not be parsed")                                               \
    X(HS_ERR_ABI, -11, "incompatible module or ABI")                                               \
    X(HS_ERR_UNSUPPORTED, -12, "not supported for this kind of function")                          \
    X(HS_ERR_TIMEOUT, -13, "a time limit was reached (since 1.1)")                                 \
    X(HS_ERR_NETWORK, -14, "a network error: connection, name lookup, TLS or transfer (since 1.1)")

typedef enum hs_status {
#define HS__STATUS_ENUM(name, value, text) name = value,
    HS_STATUS_MAP(HS__STATUS_ENUM)
#undef HS__STATUS_ENUM
} hs_status;

/* "HS_ERR_TYPE" for HS_ERR_TYPE; "HS_UNKNOWN" for a value not in the list. Also in the table as
 * api->status_name, for modules that prefer not to inline it. */
static inline const char *hs_status_name(hs_status st)
{
    switch (st) {
#define HS__STATUS_NAME(name, value, text)                                                         \
    case name:                                                                                     \
        return #name;
        HS_STATUS_MAP(HS__STATUS_NAME)
#undef HS__STATUS_NAME
    }
    return "HS_UNKNOWN";
}

/* ---- opaque handles -------------------------------------------------------------------------- */

typedef struct hs_ctx hs_ctx;       /* one invocation of one function */
typedef struct hs_json hs_json;     /* a JSON value (plus JavaScript Dates), arena-owned */
typedef struct hs_module hs_module; /* the module being initialised */
typedef struct hs_record hs_record; /* one record of a page (per-record helpers) */
typedef struct hs_page hs_page;     /* one page (page-level helpers) */
typedef struct hs_api hs_api;

/* ---- kinds ----------------------------------------------------------------------------------- */

/* What a function is for. The runner checks each result against its kind's contract before
 * answering (array lengths, element shapes, required fields) and answers 422
 * invalid_hook_result naming the function when it does not hold. */
typedef enum hs_kind {
    HS_KIND_PRE_SAVE_PAGE = 1,     /* -> {data[], errors[], abort, newErrorsAndRetryData[]} */
    HS_KIND_PRE_MAP = 2,           /* -> array, length of options.data */
    HS_KIND_POST_MAP = 3,          /* -> array, length of options.postMapData */
    HS_KIND_POST_SUBMIT = 4,       /* -> array, length of options.responseData */
    HS_KIND_POST_RESPONSE_MAP = 5, /* -> array, length of options.postResponseMapData */
    HS_KIND_POST_AGGREGATE = 6,    /* -> no value */
    HS_KIND_BRANCHING = 7,         /* options.record -> 0-based branch index, or an array of
                                      them (each below the length of settings.branches when that
                                      is an array) */
    HS_KIND_WRAPPER = 8,           /* custom adaptor: ping, export, import (free form) */
    HS_KIND_SETTING = 9,           /* integration-app settings (free form) */
    HS_KIND_INSTALLER = 10,        /* integration-app installer step (free form) */
    HS_KIND_UNINSTALLER = 11,      /* integration-app uninstaller step (free form) */
    HS_KIND_UTILITY = 12,          /* free form */
    HS_KIND_RAW = 13               /* no contract, no default group */
} hs_kind;

/* ---- functions ------------------------------------------------------------------------------- */

/* A function. `options` is the request's options value (borrowed, mutable). Set *result to the
 * answer (any value made through ctx, or options itself, or part of it); leave it NULL for "no
 * value" (HTTP 200 with an empty body). Return HS_OK, or fail: `return api->fail(ctx, code, ...)`
 * gives 422 {"errors":[{"message":...,"code":...}]}. */
typedef hs_status (*hs_fn)(hs_ctx *ctx, hs_json *options, hs_json **result);

/* A per-record function (preMap, postMap, postSubmit, postResponseMap): called once per record of
 * the page, in order; it keeps, replaces or skips the record and may add errors to it through the
 * record_* calls. The runner assembles the answer. Failing (fail()) fails the whole page; the
 * message then ends " (function F at record N of M, id X)". A call whose options lack the kind's
 * array (options.data, ...: see record_data) is refused before the first record (422
 * missing_required_field, or invalid_field when it is not an array). */
typedef hs_status (*hs_record_fn)(hs_ctx *ctx, hs_record *rec);

/* A page-level function (preSavePage, branching): reads the page through page_data/page_errors,
 * edits it in place, and sets abort / retry data / routes through the page_* calls; the runner
 * assembles the answer. */
typedef hs_status (*hs_page_fn)(hs_ctx *ctx, hs_page *page);

/* Whether the function serves DIY integrations. */
typedef enum hs_diy {
    HS_DIY_DEFAULT = 0, /* yes when no connector ids are given, else no */
    HS_DIY_YES = 1,
    HS_DIY_NO = 2
} hs_diy;

enum hs_fn_flags {
    /* Reachable only through its group (framework 1.0, request with `type`), not at the module's
     * top level (framework 2.0, request without `type`). */
    HS_FN_GROUP_ONLY = 1u << 0
};

/* Registration options; every field may be left zero. Start with HS_FN_OPTS_INIT so `size` is
 * right: hs_fn_opts o = HS_FN_OPTS_INIT; o.description = "...". */
typedef struct hs_fn_opts_v1 {
    size_t size;                   /* sizeof(hs_fn_opts_v1) */
    const char *description;       /* one line, for `hookstack hooks` */
    const char *const *connectors; /* integration-app (_connectorId) ids served, NULL-terminated */
    hs_diy diy;                    /* serves DIY integrations */
    /* Framework 1.0 group (the request's `type` maps hook->hooks, wrapper->wrappers,
     * setting->settings, utility->utilities, others verbatim). NULL: from the kind (hook kinds
     * "hooks", wrapper "wrappers", setting "settings", utility "utilities", installer
     * "installer", uninstaller "uninstaller", raw none); "" : no group. */
    const char *group;
    unsigned flags; /* enum hs_fn_flags */
} hs_fn_opts_v1;
typedef hs_fn_opts_v1 hs_fn_opts;

#ifdef __cplusplus
#define HS_FN_OPTS_INIT                                                                            \
    hs_fn_opts                                                                                     \
    {                                                                                              \
        sizeof(hs_fn_opts), NULL, NULL, HS_DIY_DEFAULT, NULL, 0u                                   \
    }
#else
#define HS_FN_OPTS_INIT                                                                            \
    (hs_fn_opts)                                                                                   \
    {                                                                                              \
        .size = sizeof(hs_fn_opts)                                                                 \
    }
#endif

/* ---- JSON values ----------------------------------------------------------------------------- */

typedef enum hs_json_type {
    HS_JSON_ABSENT = 0, /* a NULL hs_json pointer: missing key, index out of range */
    HS_JSON_NULL = 1,
    HS_JSON_BOOL = 2,
    HS_JSON_NUMBER = 3, /* an IEEE double, as in JavaScript */
    HS_JSON_STRING = 4, /* bytes of explicit length (may hold U+0000) */
    HS_JSON_ARRAY = 5,
    HS_JSON_OBJECT = 6, /* insertion-ordered; a repeated key keeps its first place */
    HS_JSON_DATE = 7    /* a JavaScript Date: not plain JSON; a result holding one is refused */
} hs_json_type;

/* Output size of json_number_format (JavaScript's Number#toString, NUL included). */
#define HS_NUMBER_MAX 32

/* ---- logging --------------------------------------------------------------------------------- */

typedef enum hs_log_level {
    HS_LOG_DEBUG = 0,
    HS_LOG_INFO = 1,
    HS_LOG_WARN = 2,
    HS_LOG_ERROR = 3
} hs_log_level;

/* ---- outbound HTTP (since 1.1) ------------------------------------------------------------- */

/* A response of http_request / integrator_request: opaque, arena-owned (valid until the
 * invocation ends, like every value made through the context). */
typedef struct hs_http_response hs_http_response;

/* One request header. Names are HTTP tokens; values hold no CR, LF or NUL (else HS_ERR_INVALID:
 * no header injection). */
typedef struct hs_http_header {
    const char *name;
    const char *value;
} hs_http_header;

enum hs_http_flags {
    /* Follow 3xx redirects (at most HS_HTTP_MAX_REDIRECTS, http and https only). Off by default:
     * a redirect is answered as it is (status 301/302/..., Location header). The bearer token is
     * never sent to another host than the one the request named. */
    HS_HTTP_FOLLOW_REDIRECTS = 1u << 0
};

#define HS_HTTP_CONNECT_TIMEOUT_MS   10000u                /* default connect timeout */
#define HS_HTTP_TIMEOUT_MS           60000u                /* default total timeout */
#define HS_HTTP_MAX_RESPONSE_DEFAULT (8u * 1024u * 1024u)  /* default response body limit */
#define HS_HTTP_MAX_RESPONSE_LIMIT   (64u * 1024u * 1024u) /* largest limit a request may ask */
#define HS_HTTP_MAX_REDIRECTS        5

/* An outbound request; every field may be left zero but url. Start with HS_HTTP_REQUEST_INIT so
 * `size` is right. Borrowed: the runner reads it during the call only. */
typedef struct hs_http_request_v1 {
    size_t size;        /* sizeof(hs_http_request_v1) */
    const char *method; /* "GET", "POST", "PUT", "PATCH", "DELETE", ...; NULL: GET, or POST with
                           a body */
    const char *url;    /* absolute http:// or https:// URL (integrator_request: a path such as
                           "/tokenInfo" or "/exports?include=name", relative to the API base) */
    const hs_http_header *headers; /* nheaders extra headers (at most 100), or NULL */
    size_t nheaders;
    /* Body: the compact JSON of `json` (with Content-Type: application/json unless a header
     * sets one), else body_len raw bytes of `body` (no Content-Type unless a header sets one),
     * else none. */
    const hs_json *json;
    const void *body;
    size_t body_len;
    /* Sent as "Authorization: Bearer <token>"; never logged, never put in an error message.
     * NULL: none (integrator_request: options.bearerToken). */
    const char *bearer_token;
    unsigned connect_timeout_ms; /* 0: HS_HTTP_CONNECT_TIMEOUT_MS */
    unsigned timeout_ms;         /* whole exchange; 0: HS_HTTP_TIMEOUT_MS */
    /* Largest response body accepted (decoded bytes); 0: HS_HTTP_MAX_RESPONSE_DEFAULT; above
     * HS_HTTP_MAX_RESPONSE_LIMIT: HS_ERR_RANGE. A longer answer fails with HS_ERR_LIMIT. */
    size_t max_response_bytes;
    unsigned flags; /* enum hs_http_flags */
} hs_http_request_v1;
typedef hs_http_request_v1 hs_http_request;

#ifdef __cplusplus
#define HS_HTTP_REQUEST_INIT                                                                       \
    hs_http_request                                                                                \
    {                                                                                              \
        sizeof(hs_http_request), NULL, NULL, NULL, 0, NULL, NULL, 0, NULL, 0u, 0u, 0, 0u           \
    }
#else
#define HS_HTTP_REQUEST_INIT                                                                       \
    (hs_http_request)                                                                              \
    {                                                                                              \
        .size = sizeof(hs_http_request)                                                            \
    }
#endif

/* ---- money: exact decimals (since 1.2) ------------------------------------------------------ */

/* An exact decimal number: units x 10^-scale (3333.33 is {333333, 2}). A small value passed by
 * value; every call that makes one checks for overflow, so units is always within
 * [-INT64_MAX, INT64_MAX] (INT64_MIN is never produced and is refused as input) and scale within
 * [0, HS_DECIMAL_MAX_SCALE]. The scale is kept as written: "1.50" is {150, 2} and prints back as
 * "1.50". No binary floating point is used anywhere on the way in or out. Build a literal with
 * HS_DECIMAL(units, scale): HS_DECIMAL(1999, 2) is 19.99. */
typedef struct hs_decimal {
    int64_t units;
    int32_t scale;
} hs_decimal;

#define HS_DECIMAL_MAX_SCALE 18
/* Output size of decimal_format (sign, 19 digits, point, leading zero, NUL, with room). */
#define HS_DECIMAL_MAX 32

#ifdef __cplusplus
#define HS_DECIMAL(u, s)                                                                           \
    hs_decimal                                                                                     \
    {                                                                                              \
        (int64_t)(u), (int32_t)(s)                                                                 \
    }
#else
#define HS_DECIMAL(u, s) ((hs_decimal){.units = (int64_t)(u), .scale = (int32_t)(s)})
#endif

/* How a result is rounded to fewer decimal places. 0 is not a mode (HS_ERR_INVALID), so a
 * forgotten argument cannot pass as one. decimal_round_mode reads these from a setting's text. */
typedef enum hs_round {
    HS_ROUND_HALF_UP = 1,   /* "half-up": nearest, ties away from zero (2.5 -> 3, -2.5 -> -3) */
    HS_ROUND_HALF_EVEN = 2, /* "half-even" (banker's): nearest, ties to even (2.5 -> 2, 3.5 -> 4) */
    HS_ROUND_HALF_DOWN = 3, /* "half-down": nearest, ties toward zero (2.5 -> 2, -2.5 -> -2) */
    HS_ROUND_DOWN = 4,      /* "down": toward zero, truncation (2.9 -> 2, -2.9 -> -2) */
    HS_ROUND_UP = 5,        /* "up": away from zero (2.1 -> 3, -2.1 -> -3) */
    HS_ROUND_FLOOR = 6,     /* "floor": toward -infinity (-2.1 -> -3) */
    HS_ROUND_CEILING = 7    /* "ceiling": toward +infinity (2.1 -> 3) */
} hs_round;

/* ---- dates and times (since 1.2) --------------------------------------------------------------
 */

enum hs_datetime_flags {
    HS_DATETIME_HAS_TIME = 1u << 0,  /* hour..millisecond were given (else they are 0) */
    HS_DATETIME_HAS_OFFSET = 1u << 1 /* offset_minutes was given: the value is an instant */
};

/* A calendar date, optionally with a wall-clock time, optionally with a UTC offset. Three shapes
 * occur: a date ("2024-03-05", a Salesforce date, a NetSuite date-only field), a local date-time
 * without offset ("3/5/2024 2:03 pm" from a NetSuite saved search, in the account's zone), and an
 * instant ("2024-03-05T14:03:00.000+0000"). Calls that fill one always set every field; fields a
 * form does not carry are 0. */
typedef struct hs_datetime {
    int year;           /* 1..9999 */
    int month;          /* 1..12 */
    int day;            /* 1..31, valid for the month (leap years by the Gregorian rule) */
    int hour;           /* 0..23 */
    int minute;         /* 0..59 */
    int second;         /* 0..59 (no leap seconds) */
    int millisecond;    /* 0..999 */
    int offset_minutes; /* east of UTC: "+01:00" is 60, "-08:00" is -480, "Z" is 0 */
    unsigned flags;     /* enum hs_datetime_flags */
} hs_datetime;

/* Formats for date_parse / date_format (see date_parse for the pattern language). */
#define HS_DATE_FORMAT_ISO_DATE   "YYYY-MM-DD"
#define HS_DATE_FORMAT_ISO        "YYYY-MM-DDTHH:mm:ss.SSSXXX" /* 2024-03-05T14:03:00.000+01:00 */
#define HS_DATE_FORMAT_SALESFORCE "YYYY-MM-DDTHH:mm:ss.SSSZ"   /* 2024-03-05T14:03:00.000+0000 */

enum hs_now_flags {
    /* ctx_now: when the invocation carries no currentExportDateTime, read the runner's clock
     * (UTC) instead of failing. Opt-in, so no hook reads the wall clock without saying so. */
    HS_NOW_WALL_CLOCK = 1u << 0
};

/* ---- the module record ----------------------------------------------------------------------- */

/* Platform facts a module and the runner must agree on (pointer, size_t, int, enum and double
 * sizes, byte order). Versioned structs carry their own size and are not part of it. */
#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) &&                                    \
    __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HS__BIG_ENDIAN 1u
#else
#define HS__BIG_ENDIAN 0u
#endif
#define HS_BUILD_SIGNATURE                                                                         \
    ((uint32_t)(((sizeof(void *) & 0xFu) << 24) | ((sizeof(size_t) & 0xFu) << 20) |                \
                ((sizeof(int) & 0xFu) << 16) | ((sizeof(hs_status) & 0xFu) << 12) |                \
                ((sizeof(double) & 0xFu) << 8) | ((sizeof(long) & 0xFu) << 4) | HS__BIG_ENDIAN))

/* What hs_module_entry() returns; a static object of the module. The first five fields keep their
 * place in every ABI major so any runner can read them and explain a refusal. */
typedef struct hs_module_info_v1 {
    uint32_t size;      /* sizeof(hs_module_info_v1) */
    uint32_t magic;     /* HS_MODULE_MAGIC */
    uint16_t abi_major; /* HS_ABI_MAJOR the module was built with */
    uint16_t abi_minor; /* HS_ABI_MINOR the module was built with */
    uint32_t signature; /* HS_BUILD_SIGNATURE of the module's build */
    const char *name;   /* short module name, e.g. "sfns" */
    const char *version;
    /* Registers the module's functions; any other status refuses the module. */
    hs_status (*init)(const hs_api *api, hs_module *mod);
    /* Optional: releases module-lifetime resources when the runner unloads the module. `state` is
     * what module_state_alloc returned (NULL when never called). */
    void (*cleanup)(void *state);
} hs_module_info_v1;
typedef hs_module_info_v1 hs_module_info;

#ifdef HS_MODULE_STATIC
#define HS_MODULE_ENTRY HS_MODULE_STATIC
#else
#define HS_MODULE_ENTRY hs_module_entry
#endif

/* The module's one exported symbol. */
HS_EXPORT const hs_module_info *HS_MODULE_ENTRY(void);

/* Defines the module record and the entry point. Use once per module, at file scope. */
#define HS_MODULE_EX(name, version, init_fn, cleanup_fn)                                           \
    static const hs_module_info hs_module_info_static_ = {(uint32_t)sizeof(hs_module_info),        \
                                                          HS_MODULE_MAGIC,                         \
                                                          HS_ABI_MAJOR,                            \
                                                          HS_ABI_MINOR,                            \
                                                          HS_BUILD_SIGNATURE,                      \
                                                          name,                                    \
                                                          version,                                 \
                                                          init_fn,                                 \
                                                          cleanup_fn};                             \
    HS_EXPORT const hs_module_info *HS_MODULE_ENTRY(void)                                          \
    {                                                                                              \
        return &hs_module_info_static_;                                                            \
    }
#define HS_MODULE(name, version, init_fn) HS_MODULE_EX(name, version, init_fn, NULL)

/* ---- the API table --------------------------------------------------------------------------- */

/* True when the runner's table has `field` (a module built against a newer minor checks this
 * before using a call marked "since 1.N"). */
#define HS_API_HAS(api, field)                                                                     \
    ((api)->size >= offsetof(hs_api, field) + sizeof(((const hs_api *)0)->field))

struct hs_api {
    size_t size; /* sizeof(hs_api) in the runner; first field forever */
    uint16_t abi_major;
    uint16_t abi_minor;

    /* -- since 1.0: status ---------------------------------------------------------------- */

    /* "HS_ERR_TYPE" for HS_ERR_TYPE (static string). */
    const char *(*status_name)(hs_status st);

    /* -- since 1.0: registration (only inside init; HS_ERR_STATE elsewhere) ---------------- */

    /* Registers fn under `name` (copied) with its kind; opts may be NULL. HS_ERR_EXISTS when the
     * same name is already registered in the same scope and group (or top level) by this
     * module; a clash with another module refuses start-up, naming both modules. */
    hs_status (*register_fn)(hs_module *mod, const char *name, hs_kind kind, hs_fn fn,
                             const hs_fn_opts *opts);
    /* Registers a per-record function; kind is preMap, postMap, postSubmit or postResponseMap
     * (else HS_ERR_INVALID). */
    hs_status (*register_record_fn)(hs_module *mod, const char *name, hs_kind kind, hs_record_fn fn,
                                    const hs_fn_opts *opts);
    /* Registers a page-level function; kind is preSavePage or branching (else HS_ERR_INVALID). */
    hs_status (*register_page_fn)(hs_module *mod, const char *name, hs_kind kind, hs_page_fn fn,
                                  const hs_fn_opts *opts);
    /* Module-lifetime state: size zeroed bytes, module-owned, released after info->cleanup when
     * the module is unloaded. One block per module (a second call returns the same block when
     * the size fits, else NULL). Only inside init. */
    void *(*module_state_alloc)(hs_module *mod, size_t size);

    /* -- since 1.0: the invocation ------------------------------------------------------- */

    /* Name of the function being run (borrowed). */
    const char *(*ctx_function)(const hs_ctx *ctx);
    hs_kind (*ctx_kind)(const hs_ctx *ctx);
    /* The integration-app id of the request, or NULL for a DIY request (borrowed). */
    const char *(*ctx_connector_id)(const hs_ctx *ctx);
    /* The options value (borrowed, mutable). */
    hs_json *(*ctx_options)(const hs_ctx *ctx);
    /* An invocation id from options by name ("_flowId", "_integrationId", "_importId",
     * "_exportId", "_connectionId", "_parentIntegrationId", ...): the string, or NULL when absent
     * or not a string. For a wrapper, "_connectionId" falls back to options.connection._id. */
    const char *(*ctx_id)(const hs_ctx *ctx, const char *name);
    /* options.testMode, JavaScript-truthy: 1 or 0. */
    int (*ctx_test_mode)(const hs_ctx *ctx);
    /* The block module_state_alloc returned (NULL when none). */
    void *(*ctx_module_state)(const hs_ctx *ctx);

    /* -- since 1.0: settings (options.settings, by dotted path such as "flow.rounding.mode"
     *    or "currencies[0].code"; the default when absent or of another type) ------------- */

    hs_json *(*setting)(const hs_ctx *ctx, const char *path);
    const char *(*setting_string)(hs_ctx *ctx, const char *path, const char *def);
    double (*setting_number)(const hs_ctx *ctx, const char *path, double def);
    int (*setting_bool)(const hs_ctx *ctx, const char *path, int def);

    /* -- since 1.0: failing -------------------------------------------------------------- */

    /* Records the function's error and returns HS_ERR_FAILED, so `return api->fail(...)` ends the
     * function with a 422 {"errors":[{"message":<text>,"code":<code>}]}. code NULL means "Error"
     * (what the reference server reports for a plain JavaScript Error). The last call wins. */
    hs_status (*fail)(hs_ctx *ctx, const char *code, const char *fmt, ...) HS_PRINTF(3, 4);

    /* -- since 1.0: logging (into the request's log, never to the client) ----------------- */

    /* One log line. The invocation's bearerToken and every string or number under an `encrypted`
     * member of the options are replaced by [redacted] wherever they appear in the text, as they
     * are or JSON-escaped (longest first; values under 3 bytes are not matched). */
    void (*log)(hs_ctx *ctx, hs_log_level level, const char *fmt, ...) HS_PRINTF(3, 4);
    /* label, then the compact JSON of v with bearerToken values and `encrypted` members
     * redacted ("[redacted]" alone when v is such a value or lies inside one). */
    void (*log_json)(hs_ctx *ctx, hs_log_level level, const char *label, const hs_json *v);

    /* -- since 1.0: memory (arena-owned, released when the invocation ends) ------------------ */

    void *(*alloc)(hs_ctx *ctx, size_t size); /* zeroed; NULL past the memory limit */
    char *(*strdup)(hs_ctx *ctx, const char *s);
    char *(*sprintf)(hs_ctx *ctx, const char *fmt, ...)HS_PRINTF(2, 3);
    /* Runs fn(arg) when the invocation ends (last registered first). On failure fn is not
     * registered and not called. */
    hs_status (*on_cleanup)(hs_ctx *ctx, void (*fn)(void *arg), void *arg);

    /* -- since 1.0: reading JSON (every call accepts NULL as "absent") --------------------- */

    hs_json_type (*json_type)(const hs_json *v);
    /* JavaScript ToBoolean: null, false, 0, NaN and "" are falsy; absent is falsy. */
    int (*json_truthy)(const hs_json *v);
    /* The boolean, or def when v is not a boolean. */
    int (*json_bool)(const hs_json *v, int def);
    /* The number, or def when v is not a number. */
    double (*json_number)(const hs_json *v, double def);
    /* The string (NUL-terminated, may hold NULs: see *len), or def when v is not a string. A Date
     * gives its toISOString() text (arena-owned), or def when the date is invalid. len may be
     * NULL; it receives strlen(def) for the default. */
    const char *(*json_string)(hs_ctx *ctx, const hs_json *v, size_t *len, const char *def);
    /* Items of an array, members of an object, bytes of a string; 0 otherwise. */
    size_t (*json_len)(const hs_json *v);
    /* Item i of an array (borrowed), or NULL. */
    hs_json *(*json_at)(const hs_json *arr, size_t i);
    /* Value of key in an object (borrowed), or NULL. */
    hs_json *(*json_get)(const hs_json *obj, const char *key);
    hs_json *(*json_getn)(const hs_json *obj, const char *key, size_t key_len);
    /* Member i of an object, in insertion order: key (borrowed; *len its length) and value. */
    const char *(*json_key_at)(const hs_json *obj, size_t i, size_t *len);
    hs_json *(*json_value_at)(const hs_json *obj, size_t i);
    /* The value at a dotted path ("a.b[2].c", ["key.with.dots"] quotes a key), or NULL. */
    hs_json *(*json_path)(const hs_json *root, const char *path);
    /* Structural equality (numbers by value, objects as maps, arrays in order). */
    int (*json_equal)(const hs_json *a, const hs_json *b);

    /* -- since 1.0: making JSON (arena-owned; NULL past the memory limit) ------------------- */

    hs_json *(*json_new_null)(hs_ctx *ctx);
    hs_json *(*json_new_bool)(hs_ctx *ctx, int b);
    hs_json *(*json_new_number)(hs_ctx *ctx, double d);
    hs_json *(*json_new_string)(hs_ctx *ctx, const char *s); /* copies */
    hs_json *(*json_new_stringn)(hs_ctx *ctx, const char *s, size_t len);
    hs_json *(*json_new_array)(hs_ctx *ctx);
    hs_json *(*json_new_object)(hs_ctx *ctx);
    /* A JavaScript Date of ms milliseconds since the epoch (NaN: an invalid date). A result that
     * contains a Date is refused with 422 invalid_extension_response, as in the reference. */
    hs_json *(*json_new_date)(hs_ctx *ctx, double ms);
    /* Deep copy. */
    hs_json *(*json_clone)(hs_ctx *ctx, const hs_json *v);

    /* -- since 1.0: changing JSON ----------------------------------------------------------- */

    /* Sets key (copied) to v in an object: replaces in place or appends. HS_ERR_TYPE when obj is
     * not an object (a TypeError is recorded on ctx). */
    hs_status (*json_set)(hs_ctx *ctx, hs_json *obj, const char *key, hs_json *v);
    hs_status (*json_set_string)(hs_ctx *ctx, hs_json *obj, const char *key, const char *s);
    hs_status (*json_set_number)(hs_ctx *ctx, hs_json *obj, const char *key, double d);
    hs_status (*json_set_bool)(hs_ctx *ctx, hs_json *obj, const char *key, int b);
    /* Removes key; HS_ERR_NOT_FOUND when absent, HS_ERR_TYPE when obj is not an object. */
    hs_status (*json_delete)(hs_ctx *ctx, hs_json *obj, const char *key);
    /* Appends v to an array. */
    hs_status (*json_push)(hs_ctx *ctx, hs_json *arr, hs_json *v);
    /* Sets the value at a dotted path, creating missing objects (and arrays for "[n]" steps;
     * an index may be at most the array's length). */
    hs_status (*json_path_set)(hs_ctx *ctx, hs_json *root, const char *path, hs_json *v);
    hs_status (*json_path_delete)(hs_ctx *ctx, hs_json *root, const char *path);

    /* -- since 1.0: text ------------------------------------------------------------------ */

    /* Parses JSON text (JSON.parse rules, any top-level value). HS_ERR_PARSE with the reason
     * recorded on ctx. */
    hs_status (*json_parse)(hs_ctx *ctx, const char *text, size_t len, hs_json **out);
    /* Compact JSON.stringify text of v (arena-owned, NUL-terminated; *len may be NULL). NULL
     * when v holds a Date or is nested too deep. */
    const char *(*json_print)(hs_ctx *ctx, const hs_json *v, size_t *len);
    /* JavaScript's String(d) into out (NUL-terminated): 1000000 -> "1000000", 0.1 -> "0.1",
     * 1e21 -> "1e+21". Returns the length. Use it for amounts: never %g. */
    size_t (*json_number_format)(double d, char out[HS_NUMBER_MAX]);

    /* -- since 1.0: dates ------------------------------------------------------------------ */

    /* A Date's time value in ms (NaN when invalid). HS_ERR_TYPE when v is not a Date. */
    hs_status (*json_date_ms)(const hs_json *v, double *ms);
    /* A Date's toISOString() ("2019-01-01T00:00:00.000Z"), arena-owned. HS_ERR_RANGE for an
     * invalid date (RangeError "Invalid time value" recorded), HS_ERR_TYPE for a non-Date. */
    hs_status (*json_date_iso)(hs_ctx *ctx, const hs_json *v, const char **iso);
    /* JavaScript `new Date(text)`: an invalid Date when the text does not parse. */
    hs_json *(*json_new_date_parse)(hs_ctx *ctx, const char *text);

    /* -- since 1.0: per-record errors ------------------------------------------------------ */

    /* {"code":code,"message":message[,"source":source]}; source may be NULL. */
    hs_json *(*error_new)(hs_ctx *ctx, const char *code, const char *message, const char *source);

    /* -- since 1.0: per-record helpers (inside an hs_record_fn) ---------------------------- */

    /* The record: data[i] (preMap), postMapData[i] (postMap), responseData[i] (postSubmit),
     * postResponseMapData[i] (postResponseMap). Borrowed, mutable: edits are kept. */
    hs_json *(*record_data)(hs_record *rec);
    size_t (*record_index)(const hs_record *rec);
    /* Item i of another array of the options, e.g. "preMapData" or "responseData" (borrowed), or
     * NULL. */
    hs_json *(*record_sibling)(hs_record *rec, const char *array_name);
    /* Answers v instead of the record. */
    hs_status (*record_replace)(hs_record *rec, hs_json *v);
    /* Skips the record (preMap, postMap: the element becomes {}); HS_ERR_UNSUPPORTED otherwise. */
    hs_status (*record_skip)(hs_record *rec);
    /* Adds an error object (see error_new) to the record: preMap/postMap {data, errors:[...]},
     * postSubmit responseData[i].errors; HS_ERR_UNSUPPORTED for postResponseMap. */
    hs_status (*record_add_error)(hs_record *rec, hs_json *err);

    /* -- since 1.0: page-level helpers (inside an hs_page_fn) ------------------------------ */

    /* preSavePage: options.data (an array: a call without one is refused before the function
     * runs, 422 missing_required_field / invalid_field naming the function); branching:
     * options.record. Borrowed, mutable. */
    hs_json *(*page_data)(hs_page *page);
    /* preSavePage: options.errors (an array, created empty when absent). */
    hs_json *(*page_errors)(hs_page *page);
    /* preSavePage: sets abort (stops later pages of the export). */
    hs_status (*page_set_abort)(hs_page *page, int abort);
    /* preSavePage: adds {"retryData":retry_data,"errors":errors} to newErrorsAndRetryData. */
    hs_status (*page_add_retry)(hs_page *page, hs_json *retry_data, hs_json *errors);
    /* branching: sends the record to branch `index` (0-based); the answer is the array of
     * indices added, in order. */
    hs_status (*page_route)(hs_page *page, unsigned index);

    /* -- since 1.1: the last error ---------------------------------------------------------- */

    /* The description the last failing API call recorded on ctx (borrowed), or NULL; *name (may
     * be NULL) receives its JavaScript-like name ("TypeError", "HttpError", ...). Lets a function
     * pass it on: `return api->fail(ctx, "upstream_error", "%s", api->ctx_last_error(ctx, 0));` */
    const char *(*ctx_last_error)(const hs_ctx *ctx, const char **name);

    /* -- since 1.1: outbound HTTP (libcurl in the runner; see hs_http_request_v1) ------------ */

    /* Sends one request and waits for the answer (the function's worker is busy meanwhile; the
     * runner's hook timeout still applies). HS_OK whenever an HTTP answer arrived, whatever its
     * status (check http_status: a 404 or 500 from the server is not an error here); *resp is
     * then arena-owned. On failure *resp is NULL and a description is recorded on ctx (name
     * "HttpError", read it with ctx_last_error; it names the method and the URL without its
     * query, never a token): HS_ERR_INVALID (bad request: URL not http(s), bad method or header),
     * HS_ERR_RANGE (max_response_bytes too large), HS_ERR_TIMEOUT (connect or total timeout),
     * HS_ERR_LIMIT (response body or headers past their limit, too many redirects),
     * HS_ERR_NETWORK (refused, name lookup, TLS, connection lost), HS_ERR_TYPE (json holds a
     * Date), HS_ERR_NOMEM. Connections are kept for the invocation's next requests and closed
     * when it ends. One debug log line per request (method, URL without query, status, bytes,
     * time); headers and tokens are never logged. */
    hs_status (*http_request)(hs_ctx *ctx, const hs_http_request_v1 *req, hs_http_response **resp);
    /* The HTTP status (200, 404, ...) of a response; 0 for NULL. */
    int (*http_status)(const hs_http_response *resp);
    /* A response header by name, case-insensitively (borrowed); repeated headers are joined with
     * ", " as Node does. NULL when absent. */
    const char *(*http_header)(const hs_http_response *resp, const char *name);
    /* The response body (borrowed, NUL-terminated; may hold NULs: see *len, which may be NULL).
     * "" for an empty body. */
    const char *(*http_body)(const hs_http_response *resp, size_t *len);
    /* The body parsed as JSON (JSON.parse rules, any top-level value; arena-owned, parsed once
     * and then returned again). HS_ERR_PARSE (reason recorded on ctx) when the body is not
     * JSON, empty bodies included. */
    hs_status (*http_json)(hs_ctx *ctx, const hs_http_response *resp, hs_json **out);
    /* http_request against integrator.io's REST API with the invocation's one-time token:
     * req->url is a path relative to the API base ("/tokenInfo", "/state/k", "/exports?x=1");
     * req->bearer_token NULL means options.bearerToken (HS_ERR_INVALID when there is none);
     * "Accept: application/json" unless a header sets it. The API base is, first found:
     * settings.integratorApiUrl, settings.integratorRegion ("us" or "eu"), the same two keys
     * at the top level of options, else "https://api.integrator.io/v1" (US; EU is
     * "https://api.eu.integrator.io/v1"). A configured base must be https, or http to a
     * loopback address (a local mock); else HS_ERR_INVALID. */
    hs_status (*integrator_request)(hs_ctx *ctx, const hs_http_request_v1 *req,
                                    hs_http_response **resp);

    /* -- since 1.1: named branches ---------------------------------------------------------- */

    /* branching: sends the record to the branch called `name` (copied), with an optional reason
     * (copied; NULL: none). Names map to 0-based indices through settings.branches: an array
     * whose element i is the name of branch i, as a string or as an object with a string
     * "name" (the shape of a router's `branches`). Under POST /function the answer stays the
     * array of indices, so a name missing from settings.branches fails with HS_ERR_NOT_FOUND
     * (RangeError recorded). Served as an HTTP step (POST /v1/hooks/{function}), the answer per
     * record is {"route": name, "reason": reason|null}; there a name needs no index. page_route
     * (an index) answers settings.branches[index]'s name there, or the index as a string when
     * settings.branches is absent. HS_ERR_UNSUPPORTED for other kinds. */
    hs_status (*page_route_named)(hs_page *page, const char *name, const char *reason);
    /* -- since 1.2: exact decimals (hs_decimal) --------------------------------------------- */
    /* Every decimal call takes a ctx that may be NULL (in init, say); with a ctx, a failure
     * records a description on it (read it with ctx_last_error): RangeError for overflow or
     * precision, TypeError for a wrong JSON type, SyntaxError for text that is not a decimal.
     * Statuses: HS_ERR_PARSE (not a decimal), HS_ERR_RANGE (the result needs more than 19
     * digits or more than HS_DECIMAL_MAX_SCALE places), HS_ERR_INVALID (bad argument: a NULL
     * out, an invalid hs_decimal, a scale outside 0..18, mode 0, division by zero). On failure
     * *out is left unchanged. */

    /* Reads decimal text: an optional sign, digits with an optional point ("3333.33", "-0.5",
     * ".5", "5."), an optional exponent ("1e3", "2.5E-2"); len bytes (the whole text: no
     * surrounding spaces, no thousands separators, no currency sign, no "NaN"/"Infinity", no
     * hex). The scale is kept as written ("1.50" -> {150, 2}; "1e3" -> {1000, 0}; "1.5e-1" ->
     * {15, 2}); trailing zeros past 18 places are dropped. HS_ERR_PARSE for junk, HS_ERR_RANGE
     * for more than 19 significant digits or 18 places. */
    hs_status (*decimal_parse)(hs_ctx *ctx, const char *s, size_t len, hs_decimal *out);
    /* A JavaScript number, through its shortest round-trip text as JavaScript prints it
     * (String(d)): 0.1 -> 0.1 exactly, 3333.33 -> 3333.33, 1e-7 -> {1, 7}. HS_ERR_INVALID for
     * NaN and the infinities; HS_ERR_RANGE past 19 digits (1e21, say). */
    hs_status (*decimal_from_number)(hs_ctx *ctx, double d, hs_decimal *out);
    /* A JSON number (as decimal_from_number) or a decimal string (as decimal_parse: NetSuite
     * sends "3333.33"). HS_ERR_NOT_FOUND when v is NULL (absent), HS_ERR_TYPE for null, a
     * boolean, an object, an array or a Date. */
    hs_status (*decimal_from_json)(hs_ctx *ctx, const hs_json *v, hs_decimal *out);
    /* Exact a + b, a - b, a * b. The result's scale is max(a.scale, b.scale) for + and -, and
     * a.scale + b.scale for * (trailing zeros are dropped only when needed to fit). */
    hs_status (*decimal_add)(hs_ctx *ctx, hs_decimal a, hs_decimal b, hs_decimal *out);
    hs_status (*decimal_sub)(hs_ctx *ctx, hs_decimal a, hs_decimal b, hs_decimal *out);
    hs_status (*decimal_mul)(hs_ctx *ctx, hs_decimal a, hs_decimal b, hs_decimal *out);
    /* a * b rounded once, to `scale` places with `mode` (an amount times a rate or a discount:
     * the exact product is never rounded twice and may have up to 36 places on the way). */
    hs_status (*decimal_mul_round)(hs_ctx *ctx, hs_decimal a, hs_decimal b, int scale,
                                   hs_round mode, hs_decimal *out);
    /* a / b to `scale` places, rounded once with `mode` (exact when the quotient ends within
     * `scale` places). HS_ERR_INVALID for b == 0 (RangeError "Division by zero" recorded). */
    hs_status (*decimal_div)(hs_ctx *ctx, hs_decimal a, hs_decimal b, int scale, hs_round mode,
                             hs_decimal *out);
    /* a to exactly `scale` places: rounded with `mode` when a has more, padded with zeros when
     * it has fewer (2.5 at scale 2 is 2.50). */
    hs_status (*decimal_round)(hs_ctx *ctx, hs_decimal a, int scale, hs_round mode,
                               hs_decimal *out);
    /* Splits `total` over n weights so the n parts (written to parts[0..n-1], each at `scale`
     * places) sum to total exactly: the largest-remainder method. Each part first gets its exact
     * share |total| * w[i] / sum(w) rounded toward zero (in units of 10^-scale); the units left
     * over (fewer than n) go one each to the parts with the largest discarded remainders, ties
     * to the lower index. So every part is within one unit of its exact share, a zero weight
     * gets zero, and the result depends only on the inputs. A negative total gives the negated
     * parts of its absolute value. total must be exact at `scale` (round it first, else
     * HS_ERR_INVALID); weights must be >= 0 with a positive sum (else HS_ERR_INVALID); n >= 1.
     * parts may not overlap weights. Allocation over lines: weights = the line amounts. */
    hs_status (*decimal_allocate)(hs_ctx *ctx, hs_decimal total, const hs_decimal *weights,
                                  size_t n, int scale, hs_decimal *parts);
    /* -1, 0 or 1 as a < b, a == b, a > b, by value (1.5 == 1.50). */
    int (*decimal_cmp)(hs_decimal a, hs_decimal b);
    /* -1, 0 or 1 by the sign of a. */
    int (*decimal_sign)(hs_decimal a);
    /* 1 when a is zero (at any scale), else 0. */
    int (*decimal_is_zero)(hs_decimal a);
    /* -a and |a|, same scale (never overflow: units are within [-INT64_MAX, INT64_MAX]). */
    hs_decimal (*decimal_neg)(hs_decimal a);
    hs_decimal (*decimal_abs)(hs_decimal a);
    /* The text of a with exactly a.scale places ("3333.30", "-0.05", "1000"; never an
     * exponent, never "-0"): round first for a fixed scale. NUL-terminated into out; returns
     * the length, 0 for an invalid hs_decimal (out is then ""). */
    size_t (*decimal_format)(hs_decimal a, char out[HS_DECIMAL_MAX]);
    /* The rounding mode a setting names: "half-up", "half-even", "half-down", "down", "up",
     * "floor", "ceiling" (ASCII case ignored, '_' or ' ' for '-'; "HALF_EVEN" works).
     * HS_ERR_INVALID (TypeError recorded, naming the text) for anything else or NULL. */
    hs_status (*decimal_round_mode)(hs_ctx *ctx, const char *name, hs_round *mode);
    /* ISO 4217 minor units of a currency code (three ASCII letters, case ignored): "USD" 2,
     * "JPY" 0, "KRW" 0, "BHD" 3, "KWD" 3, "TND" 3, "CLF" 4. -1 when the code is unknown or ISO
     * gives no minor unit (XAU, XDR, ...). The table (runner/sdk_currency.c) holds every
     * current code of ISO 4217 List One and recently withdrawn ones (HRK, SLL, ...). */
    int (*currency_minor_units)(const char *code);
    /* A JSON number of the value (arena-owned): 3333.30 -> 3333.3. NULL with a RangeError
     * recorded when the number would not print back as the same value (more than 15 or so
     * significant digits), or past the memory limit. */
    hs_json *(*json_new_decimal)(hs_ctx *ctx, hs_decimal a);
    /* A JSON string of decimal_format's text ("3333.30"; arena-owned), or NULL (invalid
     * hs_decimal: RangeError recorded; memory limit). */
    hs_json *(*json_new_decimal_string)(hs_ctx *ctx, hs_decimal a);

    /* -- since 1.2: dates and times (hs_datetime) -------------------------------------------- */
    /* Every date call takes a ctx that may be NULL (then nothing is recorded, and date_format
     * cannot allocate: HS_ERR_INVALID). A failure leaves *out unchanged and records a
     * description: SyntaxError for text that does not match, RangeError for a field out of
     * range (February 30, hour 24), TypeError for a bad format or a wrong JSON type.
     * Time zones are IANA names ("Europe/Paris", "America/Los_Angeles", "UTC") read from the
     * system's tz database (Debian's tzdata through GLib's GTimeZone); NULL means UTC; an
     * unknown name is HS_ERR_NOT_FOUND. */

    /* Reads `text` (the whole of it) with `format`:
     *   NULL: ISO 8601 as Salesforce and NetSuite SOAP write it: "2024-03-05",
     *     "2024-03-05T14:03", "2024-03-05T14:03:00", with fractions ".5" to ".123456789"
     *     (milliseconds kept, further digits dropped), then optionally "Z", "+01:00", "+0100" or
     *     "+01"; a space may stand for the "T".
     *   else a pattern. Tokens: YYYY (4-digit year), MM / M (month, 2 digits / 1-2 digits), DD /
     *     D (day, likewise), Mon (Jan..Dec), Month (January..December; MON, MONTH also; names
     *     match case-insensitively), HH / H (hour 0-23), hh / h (hour 1-12, needs a or A in the
     *     same pattern), mm (minute), ss (second), SSS (milliseconds, 3 digits), a / A (am / pm,
     *     any case, also "a.m."), Z (offset "+0000"), XXX (offset "Z" or "+00:00"; either token
     *     reads any of Z, +hh:mm, +hhmm, +hh), T (a literal T). Other letters are an error;
     *     '...' quotes literal text ('' is a quote); other characters match themselves, a space
     *     matches one or more spaces. [ ... ] is an optional part, read when it matches
     *     ("M/D/YYYY[ h:mm a]" reads "3/5/2024" and "3/5/2024 2:03 pm").
     * NetSuite account formats are patterns as NetSuite names them: "M/D/YYYY", "D/M/YYYY",
     * "MM/DD/YYYY", "DD/MM/YYYY", "D.M.YYYY", "DD-Mon-YYYY", "D-MONTH-YYYY", "YYYY/MM/DD",
     * "YYYY-MM-DD", with " h:mm a" or " H:mm" for date-times. The format is never guessed:
     * "3/5/2024" is March 5 with "M/D/YYYY" and May 3 with "D/M/YYYY"; read the account's from
     * a setting. HAS_TIME is set when an hour was read, HAS_OFFSET when an offset was.
     * HS_ERR_PARSE (no match), HS_ERR_RANGE (impossible date or time), HS_ERR_INVALID (bad
     * pattern, NULL text or out). */
    hs_status (*date_parse)(hs_ctx *ctx, const char *text, const char *format, hs_datetime *out);
    /* Writes d with `format` (the tokens of date_parse; Mon/Month print "Mar"/"March", MON/MONTH
     * "MAR"/"MARCH", a "am"/"pm", A "AM"/"PM", Z "+0100", XXX "Z" or "+01:00"; an optional part
     * is written when d has what it uses). NULL format: "2024-03-05" for a date,
     * "2024-03-05T14:03:00.000" with a time, plus "Z" or "+01:00" with an offset.
     * HS_DATE_FORMAT_SALESFORCE gives Salesforce's "2024-03-05T14:03:00.000+0000" for an
     * instant in UTC (date_from_ms(ms, NULL) gives one). *out is arena-owned. HS_ERR_INVALID when d
     * is not a valid value, the pattern is bad, or a required token needs a time or an offset
     * that d lacks (TypeError recorded). */
    hs_status (*date_format)(hs_ctx *ctx, const hs_datetime *d, const char *format,
                             const char **out);
    /* A JSON value as a date: a Date (options.lastExportDateTime, say) gives its UTC instant
     * (HAS_TIME | HAS_OFFSET, offset 0); a string is read with date_parse(format).
     * HS_ERR_NOT_FOUND when v is NULL, HS_ERR_TYPE for other types, HS_ERR_RANGE for an invalid
     * Date, else date_parse's statuses. */
    hs_status (*date_from_json)(hs_ctx *ctx, const hs_json *v, const char *format,
                                hs_datetime *out);
    /* Milliseconds since 1970-01-01T00:00:00Z (a JavaScript time value: json_new_date takes
     * it). A value with an offset is that instant; one without is read as wall time in `tz`
     * (a date as its midnight). A wall time that a DST change skips (02:30 on a spring-forward
     * day) is moved forward by the gap; one that occurs twice gives the earlier instant.
     * HS_ERR_INVALID for an invalid d, HS_ERR_NOT_FOUND for an unknown tz. */
    hs_status (*date_to_ms)(hs_ctx *ctx, const hs_datetime *d, const char *tz, int64_t *ms);
    /* The instant ms as wall time in `tz`: every field set, HAS_TIME | HAS_OFFSET, offset the
     * zone's at that instant. HS_ERR_RANGE outside years 1..9999, HS_ERR_NOT_FOUND for an
     * unknown tz. */
    hs_status (*date_from_ms)(hs_ctx *ctx, int64_t ms, const char *tz, hs_datetime *out);
    /* Whole calendar days from `from` to `to` (negative when to is earlier), counted in `tz`:
     * an instant (HAS_OFFSET) counts by its calendar date in tz; a date, or a date-time without
     * offset, by its own date. So "days overdue" is date_days_between(due, now, tz) with due a
     * date and now an instant, and a DST change in between does not shift the count.
     * HS_ERR_INVALID for an invalid value, HS_ERR_NOT_FOUND for an unknown tz. */
    hs_status (*date_days_between)(hs_ctx *ctx, const hs_datetime *from, const hs_datetime *to,
                                   const char *tz, int64_t *days);
    /* d moved by `days` calendar days (negative: back), time, offset and flags unchanged
     * ("Net 30": due = date_add_days(trandate, 30)). HS_ERR_RANGE outside years 1..9999,
     * HS_ERR_INVALID for an invalid d. */
    hs_status (*date_add_days)(hs_ctx *ctx, const hs_datetime *d, int64_t days, hs_datetime *out);
    /* "Now" as the invocation sees it: options.currentExportDateTime (a Date, as the runner
     * makes it, or an ISO 8601 string), as a UTC instant (HAS_TIME | HAS_OFFSET, offset 0).
     * Delta exports carry it; other invocations do not, and then: with HS_NOW_WALL_CLOCK in
     * flags, the runner's clock (UTC); else HS_ERR_NOT_FOUND with a RangeError recorded. So a
     * fixture that sets currentExportDateTime gives the same answer on any day.
     * HS_ERR_INVALID (RangeError) when currentExportDateTime is present but not a valid date
     * (no fallback then). */
    hs_status (*ctx_now)(hs_ctx *ctx, unsigned flags, hs_datetime *out);
};

#ifdef __cplusplus
}
#endif

#endif
