/* abi10.c — test-only module built against the frozen hook ABI 1.0 header
 * (tests/abi/hookstack_1_0.h, not include/hookstack.h), for the fixture cases of
 * tests/fixtures/abi10/: a module built for 1.0 loads into today's runner and each 1.0 call it
 * makes still reaches the same function (the table is append-only within a major).
 *
 *   abi10Sum    utility: options.numbers (an array of numbers) -> {"sum", "count", "text"
 *               (json_number_format of the sum), "function" (ctx_function), "stateKept" (the
 *               module_state_alloc block reached through ctx_module_state), "hasRoute"
 *               (HS_API_HAS(api, page_route), 1.0's last call)}
 *   abi10Tag    per-record preMap: sets record.tag to settings.tag (default "none") and
 *               record.index; a record with skip: true is skipped, one with bad: true gets an
 *               error {code: abi10_bad, message: "record <i> is bad", source: abi10}
 *   abi10Route  page branching: options.record.amount above settings.limit (dotted path
 *               "limits.high", default 100) goes to branch 1, else 0
 *   abi10Edit   utility: a deep copy of options with json_path_set("a.b[0]", "x") and "seen"
 *               deleted, printed by json_print and parsed back by json_parse
 *   abi10Fail   utility: fail(ctx, "abi10_failed", "failed with %d", 42) */
#include <stddef.h>

#include "hookstack_1_0.h"

#if HS_ABI_MAJOR != 1 || HS_ABI_MINOR != 0
#error "abi10 must be built against the frozen 1.0 header"
#endif

static const hs_api *api;

struct abi10_state {
    unsigned calls;
};

static hs_status sum(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    hs_json *numbers = api->json_get(options, "numbers");
    if (api->json_type(numbers) != HS_JSON_ARRAY)
        return api->fail(ctx, "abi10_input", "options.numbers is not an array");
    double total = 0;
    size_t n = api->json_len(numbers);
    for (size_t i = 0; i < n; i++)
        total += api->json_number(api->json_at(numbers, i), 0);
    char text[HS_NUMBER_MAX];
    api->json_number_format(total, text);
    struct abi10_state *st = api->ctx_module_state(ctx);
    if (st)
        st->calls++;
    hs_json *out = api->json_new_object(ctx);
    if (!out || api->json_set_number(ctx, out, "sum", total) != HS_OK ||
        api->json_set_number(ctx, out, "count", (double)n) != HS_OK ||
        api->json_set_string(ctx, out, "text", text) != HS_OK ||
        api->json_set_string(ctx, out, "function", api->ctx_function(ctx)) != HS_OK ||
        api->json_set_bool(ctx, out, "stateKept", st && st->calls >= 1) != HS_OK ||
        api->json_set_bool(ctx, out, "hasRoute", HS_API_HAS(api, page_route)) != HS_OK)
        return HS_ERR_NOMEM;
    *result = out;
    return HS_OK;
}

static hs_status tag(hs_ctx *ctx, hs_record *rec)
{
    hs_json *data = api->record_data(rec);
    if (api->json_truthy(api->json_get(data, "skip")))
        return api->record_skip(rec);
    size_t i = api->record_index(rec);
    if (api->json_truthy(api->json_get(data, "bad"))) {
        const char *msg = api->sprintf(ctx, "record %zu is bad", i);
        return api->record_add_error(rec, api->error_new(ctx, "abi10_bad", msg, "abi10"));
    }
    hs_status st = api->json_set_string(ctx, data, "tag", api->setting_string(ctx, "tag", "none"));
    if (st == HS_OK)
        st = api->json_set_number(ctx, data, "index", (double)i);
    return st;
}

static hs_status route(hs_ctx *ctx, hs_page *page)
{
    double limit = api->setting_number(ctx, "limits.high", 100);
    double amount = api->json_number(api->json_get(api->page_data(page), "amount"), 0);
    return api->page_route(page, amount > limit ? 1u : 0u);
}

static hs_status edit(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    hs_json *copy = api->json_clone(ctx, options);
    hs_json *x = api->json_new_string(ctx, "x");
    if (!copy || !x)
        return HS_ERR_NOMEM;
    hs_status st = api->json_path_set(ctx, copy, "a.b[0]", x);
    if (st != HS_OK)
        return st;
    if (api->json_delete(ctx, copy, "seen") != HS_OK)
        return api->fail(ctx, "abi10_input", "options.seen is missing");
    size_t len = 0;
    const char *text = api->json_print(ctx, copy, &len);
    if (!text)
        return HS_ERR_NOMEM;
    return api->json_parse(ctx, text, len, result);
}

static hs_status fail(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    (void)result;
    return api->fail(ctx, "abi10_failed", "failed with %d", 42);
}

static hs_status init(const hs_api *a, hs_module *mod)
{
    api = a;
    if (a->abi_major != 1 || !HS_API_HAS(a, page_route))
        return HS_ERR_ABI;
    if (!api->module_state_alloc(mod, sizeof(struct abi10_state)))
        return HS_ERR_NOMEM;
    hs_status st = api->register_fn(mod, "abi10Sum", HS_KIND_UTILITY, sum, NULL);
    if (st == HS_OK)
        st = api->register_record_fn(mod, "abi10Tag", HS_KIND_PRE_MAP, tag, NULL);
    if (st == HS_OK)
        st = api->register_page_fn(mod, "abi10Route", HS_KIND_BRANCHING, route, NULL);
    if (st == HS_OK)
        st = api->register_fn(mod, "abi10Edit", HS_KIND_UTILITY, edit, NULL);
    if (st == HS_OK)
        st = api->register_fn(mod, "abi10Fail", HS_KIND_UTILITY, fail, NULL);
    return st;
}

HS_MODULE("abi10", "1.0.0", init)
