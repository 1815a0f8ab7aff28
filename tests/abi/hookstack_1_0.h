/* hookstack_1_0.h — a frozen copy of include/hookstack.h as it declared hook ABI 1.0, taken from
 * commit a4accc486236392a7caaf3aed8c695d37173d67d ("hook ABI: hookstack.h, module loader, SDK
 * table, kind contracts, JS coercions, POST /function, conformance module"), the commit that
 * declared HS_ABI_MAJOR 1 / HS_ABI_MINOR 0. Below this comment the text is that file byte for
 * byte.
 *
 * It must never change: tests/modules/abi10/ is built against it, and fixtures/abi10 loads that
 * module into today's runner, proving that a module built for 1.0 still loads and gets the right
 * answers (the promise of docs/internals/hook-abi.md: within a major the table is append-only and
 * the minor is informative). Editing this copy would test the runner against a header no module
 * was ever built with. A new major gets a new frozen copy beside it, not an edit of this one. */
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
 * Rules that hold for every call in the table:
 *   - Ownership. Values a call returns are "borrowed" (valid until the invocation ends; never free
 *     them) unless the comment says "module-owned". Everything made through an hs_ctx (strings,
 *     JSON values, error objects) lives in the invocation's arena and is released in one step
 *     when the invocation ends; attach non-memory resources with on_cleanup. A module never
 *     frees what the runner gave it. `options` is the request's value, handed over mutable: a
 *     function may change it and return it (or parts of it) as its result.
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
 * Build a module with: cc -std=c11 -fPIC -shared -I include -o build/modules/x.so hooks/x/x.c
 * (the project's CMake does this for every hooks/<name>/ folder). Define HS_MODULE_STATIC to a
 * unique identifier to give the entry point that name instead, so the same source can link
 * straight into a test binary next to other modules. */
#ifndef HOOKSTACK_H
#define HOOKSTACK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- versions -------------------------------------------------------------------------------- */

#define HS_ABI_MAJOR 1
#define HS_ABI_MINOR 0

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
    X(HS_ERR_UNSUPPORTED, -12, "not supported for this kind of function")

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
    HS_KIND_BRANCHING = 7,         /* -> 0-based branch index, or an array of them */
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
 * record_* calls. The runner assembles the answer. Failing (fail()) fails the whole page. */
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

    /* One log line. The invocation's bearerToken and every string inside an `encrypted` object
     * of the options are replaced by [redacted] wherever they appear in the text. */
    void (*log)(hs_ctx *ctx, hs_log_level level, const char *fmt, ...) HS_PRINTF(3, 4);
    /* label, then the compact JSON of v with bearerToken values and `encrypted` objects
     * redacted. */
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

    /* preSavePage: options.data (an array, created empty when absent); branching:
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
};

#ifdef __cplusplus
}
#endif

#endif
