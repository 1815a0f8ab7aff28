/* conformance.c — the protocol test module (specified in docs/conformance-module.md): the functions
 * of Celigo's reference test module, so the runner's POST /function answers can be compared
 * byte for byte with express-integrator-extension's. Test-only: built into
 * build/protocol-modules/, never served by `make run` nor shipped; its cases are
 * tests/fixtures/conformance/. Every function is group-only (framework 1.0): a request without
 * `type` finds nothing and gets invalid_function, as on the reference.
 * Served for DIY and for the two connector ids of the reference tests.
 *
 * Written on the public hook API only. A function that needs to change `options` behaves as the
 * JavaScript original does with `options.function = name`: an object gets the key, an array is
 * left as it is (a named property of an array is not serialized), and anything else fails the
 * way JavaScript's TypeError does (the SDK records it and the runner answers 500). */
#include "hookstack.h"

static const hs_api *api;

/* options.function = name; returns HS_OK, or the SDK's status for a non-object. */
static hs_status set_function(hs_ctx *ctx, hs_json *options, const char *name)
{
    if (api->json_type(options) == HS_JSON_ARRAY)
        return HS_OK;
    return api->json_set_string(ctx, options, "function", name);
}

/* Returns options with `function` set to the running function's name. */
static hs_status return_options(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    hs_status st = set_function(ctx, options, api->ctx_function(ctx));
    if (st != HS_OK)
        return st;
    *result = options;
    return HS_OK;
}

/* [options] with `function` set. */
static hs_status return_options_in_array(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    hs_status st = set_function(ctx, options, api->ctx_function(ctx));
    if (st != HS_OK)
        return st;
    hs_json *arr = api->json_new_array(ctx);
    if (!arr || api->json_push(ctx, arr, options) != HS_OK)
        return HS_ERR_NOMEM;
    *result = arr;
    return HS_OK;
}

/* ---- hooks ---------------------------------------------------------------------------------- */

static hs_status do_something(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    return return_options_in_array(ctx, options, result);
}

static hs_status do_something_error(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    (void)result;
    return api->fail(ctx, "my_error", "doSomethingError");
}

static hs_status echo_response(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)ctx;
    *result = api->json_get(options, "resp"); /* NULL (no value) when absent */
    return HS_OK;
}

static hs_status respond_with_non_serializable(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    hs_json *o = api->json_new_object(ctx);
    hs_json *date = api->json_new_date(ctx, 0);
    if (!o || !date || api->json_set_string(ctx, o, "a", "b") != HS_OK ||
        api->json_set(ctx, o, "date", date) != HS_OK)
        return HS_ERR_NOMEM;
    *result = o;
    return HS_OK;
}

/* Turns the two export dates (Dates by the time the function runs) back into ISO strings. An
 * invalid date fails like JavaScript's toISOString (RangeError: Invalid time value). */
static hs_status stringify_date_object(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    static const char *const keys[] = {"lastExportDateTime", "currentExportDateTime"};
    for (int i = 0; i < 2; i++) {
        hs_json *v = api->json_get(options, keys[i]);
        if (api->json_type(v) != HS_JSON_DATE)
            continue;
        const char *iso = NULL;
        hs_status st = api->json_date_iso(ctx, v, &iso);
        if (st != HS_OK)
            return st;
        st = api->json_set_string(ctx, options, keys[i], iso);
        if (st != HS_OK)
            return st;
    }
    hs_json *arr = api->json_new_array(ctx);
    if (!arr || api->json_push(ctx, arr, options) != HS_OK)
        return HS_ERR_NOMEM;
    *result = arr;
    return HS_OK;
}

/* ---- wrappers ------------------------------------------------------------------------------- */

static hs_status import_options(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    hs_json *arr = api->json_new_array(ctx);
    hs_json *o = api->json_new_object(ctx);
    if (!arr || !o || api->json_set_number(ctx, o, "statusCode", 200) != HS_OK ||
        api->json_set(ctx, o, "id", options) != HS_OK || api->json_push(ctx, arr, o) != HS_OK)
        return HS_ERR_NOMEM;
    *result = arr;
    return HS_OK;
}

static hs_status ping_error(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    (void)result;
    return api->fail(ctx, "pingCode", "pingMessage");
}

/* ---- installer, uninstaller ----------------------------------------------------------------- */

/* Fails with a plain Error whose message is the function's name. */
static hs_status fail_with_name(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    (void)result;
    return api->fail(ctx, NULL, "%s", api->ctx_function(ctx));
}

/* ---- settings, utilities -------------------------------------------------------------------- */

static hs_status persist_settings(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    if (api->json_truthy(api->json_get(options, "error")))
        return api->fail(ctx, NULL, "persistSettings");
    return return_options(ctx, options, result);
}

static hs_status my_utility(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    if (api->json_truthy(api->json_get(options, "error")))
        return api->fail(ctx, NULL, "myUtility error");
    return return_options(ctx, options, result);
}

/* ---- registration --------------------------------------------------------------------------- */

static const char *const connectors[] = {"9ce44f88a25272b6d9cbb430ebbcfcf1",
                                         "6a4b9e817fb9f522dbd012f642855a03", NULL};

static const struct {
    const char *name;
    const char *group;
    hs_kind kind;
    hs_fn fn;
    const char *description;
} functions[] = {
    {"doSomething", "hooks", HS_KIND_RAW, do_something, "returns [options + function]"},
    {"doSomethingError", "hooks", HS_KIND_RAW, do_something_error, "fails: my_error"},
    {"echoResponse", "hooks", HS_KIND_RAW, echo_response, "returns options.resp"},
    {"respondWithNonSearializableObject", "hooks", HS_KIND_RAW, respond_with_non_serializable,
     "returns a value holding a Date"},
    {"stringifyDateObject", "hooks", HS_KIND_RAW, stringify_date_object,
     "returns [options] with the export dates as ISO strings"},
    {"importOptions", "wrappers", HS_KIND_WRAPPER, import_options,
     "returns [{statusCode: 200, id: options}]"},
    {"pingError", "wrappers", HS_KIND_WRAPPER, ping_error, "fails: pingCode"},
    {"connectorInstallerFunction", "installer", HS_KIND_INSTALLER, return_options,
     "returns options + function"},
    {"runInstallerSuccessStep", "installer", HS_KIND_INSTALLER, return_options,
     "returns options + function"},
    {"runInstallerErrorStep", "installer", HS_KIND_INSTALLER, fail_with_name, "fails: Error"},
    {"connectorUninstallerFunction", "uninstaller", HS_KIND_UNINSTALLER, return_options,
     "returns options + function"},
    {"runUninstallerSuccessStep", "uninstaller", HS_KIND_UNINSTALLER, return_options,
     "returns options + function"},
    {"runUninstallerErrorStep", "uninstaller", HS_KIND_UNINSTALLER, fail_with_name, "fails: Error"},
    {"persistSettings", "settings", HS_KIND_SETTING, persist_settings,
     "fails when options.error, else returns options + function"},
    {"refreshMetadata", "settings", HS_KIND_SETTING, return_options, "returns options + function"},
    {"myUtility", "utilities", HS_KIND_UTILITY, my_utility,
     "fails when options.error, else returns options + function"},
};

static hs_status conformance_init(const hs_api *a, hs_module *mod)
{
    api = a;
    for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++) {
        hs_fn_opts o = HS_FN_OPTS_INIT;
        o.description = functions[i].description;
        o.connectors = connectors;
        o.diy = HS_DIY_YES;
        o.group = functions[i].group;
        o.flags = HS_FN_GROUP_ONLY;
        hs_status st =
            api->register_fn(mod, functions[i].name, functions[i].kind, functions[i].fn, &o);
        if (st != HS_OK)
            return st;
    }
    return HS_OK;
}

HS_MODULE("conformance", "1.0.0", conformance_init)
