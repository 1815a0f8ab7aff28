/* kindcheck.c — test-only module for the fixture cases of tests/fixtures/kindcheck/: one function
 * per hook kind whose result the request chooses, so the runner's kind contracts (kind.c) can be
 * fed good and deliberately broken results, plus per-record and page-level functions that use
 * the SDK's helpers (skip, errors, retry data, abort, routes). DIY only, top level and group.
 *
 *   kcPreSavePage kcPreMap kcPostMap kcPostSubmit kcPostResponseMap kcPostAggregate kcBranching
 *       plain functions of that kind answering options.result as it is (no value when absent)
 *   kcPreMapRecords   per-record preMap: records with skip: true are skipped, bad: true get an
 *                     error {code: bad_record, message: "record N is bad"}, fail: true fail the
 *                     page (fail(), code record_failed), typeError: true set a field on their
 *                     string "Name" and return that TypeError unexplained, noReason: true return
 *                     HS_ERR_INVALID with nothing recorded; others get seen: true
 *   kcPostSubmitRecords  per-record postSubmit: a response with statusCode 422 gets an error
 *                     {code: rejected, message: "rejected by the target", source: kindcheck}
 *   kcPreSavePagePage  page preSavePage: records with retry: true move to newErrorsAndRetryData
 *                     with an error {code: retry_later}; options.abortNow sets abort
 *   kcBranchingPage   branching: routes options.record to each index of options.record.branches
 *   kcBranchingNamed  branching: routes options.record to the branch named options.record.route
 *                     (page_route_named), passing its status on */
#include <stddef.h>

#include "hookstack.h"

static const hs_api *api;

static hs_status answer_result(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)ctx;
    *result = api->json_get(options, "result");
    return HS_OK;
}

static hs_status pre_map_records(hs_ctx *ctx, hs_record *rec)
{
    hs_json *data = api->record_data(rec);
    if (api->json_truthy(api->json_get(data, "skip")))
        return api->record_skip(rec);
    if (api->json_truthy(api->json_get(data, "fail")))
        return api->fail(ctx, "record_failed", "this record failed on purpose");
    if (api->json_truthy(api->json_get(data, "typeError")))
        return api->json_set_string(ctx, api->json_get(data, "Name"), "x", "y");
    if (api->json_truthy(api->json_get(data, "noReason")))
        return HS_ERR_INVALID;
    if (api->json_truthy(api->json_get(data, "bad"))) {
        const char *msg = api->sprintf(ctx, "record %zu is bad", api->record_index(rec));
        hs_json *err = msg ? api->error_new(ctx, "bad_record", msg, NULL) : NULL;
        return err ? api->record_add_error(rec, err) : HS_ERR_NOMEM;
    }
    return api->json_set_bool(ctx, data, "seen", 1);
}

static hs_status post_submit_records(hs_ctx *ctx, hs_record *rec)
{
    hs_json *resp = api->record_data(rec);
    if (api->json_number(api->json_get(resp, "statusCode"), 0) != 422)
        return HS_OK;
    hs_json *err = api->error_new(ctx, "rejected", "rejected by the target", "kindcheck");
    return err ? api->record_add_error(rec, err) : HS_ERR_NOMEM;
}

static hs_status pre_save_page_page(hs_ctx *ctx, hs_page *page)
{
    hs_json *data = api->page_data(page);
    hs_json *keep = api->json_new_array(ctx);
    if (!keep)
        return HS_ERR_NOMEM;
    for (size_t i = 0; i < api->json_len(data); i++) {
        hs_json *rec = api->json_at(data, i);
        hs_status st;
        if (api->json_truthy(api->json_get(rec, "retry"))) {
            hs_json *errs = api->json_new_array(ctx);
            hs_json *err = api->error_new(ctx, "retry_later", "the target was busy", NULL);
            if (!errs || !err || api->json_push(ctx, errs, err) != HS_OK)
                return HS_ERR_NOMEM;
            st = api->page_add_retry(page, rec, errs);
        } else {
            st = api->json_push(ctx, keep, rec);
        }
        if (st != HS_OK)
            return st;
    }
    /* Keep the records that stay, in order, in the page's own data array. */
    while (api->json_len(data) > 0) {
        hs_status st = api->json_path_delete(ctx, data, "[0]");
        if (st != HS_OK)
            return st;
    }
    for (size_t i = 0; i < api->json_len(keep); i++) {
        hs_status st = api->json_push(ctx, data, api->json_at(keep, i));
        if (st != HS_OK)
            return st;
    }
    if (api->json_truthy(api->json_get(api->ctx_options(ctx), "abortNow")))
        return api->page_set_abort(page, 1);
    return HS_OK;
}

static hs_status branching_page(hs_ctx *ctx, hs_page *page)
{
    (void)ctx;
    hs_json *branches = api->json_get(api->page_data(page), "branches");
    for (size_t i = 0; i < api->json_len(branches); i++) {
        hs_status st =
            api->page_route(page, (unsigned)api->json_number(api->json_at(branches, i), 0));
        if (st != HS_OK)
            return st;
    }
    return HS_OK;
}

static hs_status branching_named(hs_ctx *ctx, hs_page *page)
{
    const char *name =
        api->json_string(ctx, api->json_get(api->page_data(page), "route"), NULL, "unnamed");
    return api->page_route_named(page, name, NULL);
}

static hs_status reg_plain(hs_module *mod, const char *name, hs_kind kind, const char *what)
{
    hs_fn_opts o = HS_FN_OPTS_INIT;
    o.description = what;
    o.diy = HS_DIY_YES;
    return api->register_fn(mod, name, kind, answer_result, &o);
}

static hs_status kindcheck_init(const hs_api *a, hs_module *mod)
{
    api = a;
    static const struct {
        const char *name;
        hs_kind kind;
    } plain[] = {
        {"kcPreSavePage", HS_KIND_PRE_SAVE_PAGE},
        {"kcPreMap", HS_KIND_PRE_MAP},
        {"kcPostMap", HS_KIND_POST_MAP},
        {"kcPostSubmit", HS_KIND_POST_SUBMIT},
        {"kcPostResponseMap", HS_KIND_POST_RESPONSE_MAP},
        {"kcPostAggregate", HS_KIND_POST_AGGREGATE},
        {"kcBranching", HS_KIND_BRANCHING},
    };
    hs_status st = HS_OK;
    for (size_t i = 0; st == HS_OK && i < sizeof(plain) / sizeof(plain[0]); i++)
        st = reg_plain(mod, plain[i].name, plain[i].kind, "answers options.result (kind tests)");
    hs_fn_opts o = HS_FN_OPTS_INIT;
    o.diy = HS_DIY_YES;
    if (st == HS_OK) {
        o.description = "per-record preMap: skip, bad -> error, else seen (kind tests)";
        st = api->register_record_fn(mod, "kcPreMapRecords", HS_KIND_PRE_MAP, pre_map_records, &o);
    }
    if (st == HS_OK) {
        o.description = "per-record postSubmit: 422 responses get an error (kind tests)";
        st = api->register_record_fn(mod, "kcPostSubmitRecords", HS_KIND_POST_SUBMIT,
                                     post_submit_records, &o);
    }
    if (st == HS_OK) {
        o.description = "page preSavePage: retry records to retry data, abortNow (kind tests)";
        st = api->register_page_fn(mod, "kcPreSavePagePage", HS_KIND_PRE_SAVE_PAGE,
                                   pre_save_page_page, &o);
    }
    if (st == HS_OK) {
        o.description = "branching: routes to options.record.branches (kind tests)";
        st = api->register_page_fn(mod, "kcBranchingPage", HS_KIND_BRANCHING, branching_page, &o);
    }
    if (st == HS_OK) {
        o.description = "branching: routes to the branch named options.record.route (kind tests)";
        st = api->register_page_fn(mod, "kcBranchingNamed", HS_KIND_BRANCHING, branching_named, &o);
    }
    return st;
}

HS_MODULE("kindcheck", "1.0.0", kindcheck_init)
