/* sfns_results.c — sfnsSalesOrderResult (postSubmit): NetSuite's answer for each sales order or
 * estimate the import sent. A success gets the write-back for its Opportunity (the NetSuite
 * internal id and transaction number); NetSuite's errors are reworded into messages a person can
 * act on (sfns_results_errors.c), and a duplicate external id becomes "already created, skipped"
 * instead of an error. The outcome goes to _json.<resultKey> for the response mapping. */
#include "sfns_results.h"

#include "sfns_sfid.h"
#include "sfns_text.h"

#include <string.h>

typedef enum outcome { CREATED, ALREADY_CREATED, FAILED } outcome;

/* One response being read. */
struct job {
    hs_ctx *ctx;
    const sfns_results *r;
    hs_json *resp;           /* responseData[i] */
    const hs_json *sent;     /* postMapData[i] (else preMapData[i]) */
    const hs_json *pre;      /* preMapData[i] */
    char opportunity[19];    /* "" when unknown */
    const char *record_type; /* "salesorder" or "estimate" */
    sfns_result_facts facts;
};

/* ---- reading ------------------------------------------------------------------------------- */

/* The Opportunity: the external id the order was sent with, else the record's own Id. */
static void read_opportunity(struct job *j)
{
    const hs_json *from[] = {j->sent, j->pre, j->pre};
    const char *names[] = {"externalid", "externalid", "Id"};
    for (size_t i = 0; i < 3; i++) {
        const char *t = NULL;
        char id[19];
        if (sfns_text_field(j->ctx, from[i], names[i], &t) == SFNS_TEXT &&
            sfns_sfid_to18(t, strlen(t), id) == SFNS_SFID_OK && strncmp(id, "006", 3) == 0) {
            memcpy(j->opportunity, id, sizeof(id));
            return;
        }
    }
}

static void read_record_type(struct job *j)
{
    const char *t = NULL;
    if (sfns_text_field(j->ctx, j->sent, "recordType", &t) != SFNS_TEXT)
        sfns_text_field(j->ctx, j->pre, "recordType", &t);
    j->record_type = t != NULL && sfns_streq_nocase(t, "estimate") ? "estimate" : "salesorder";
}

/* statusCode as a number (a JSON number or digits), 0 when absent. */
static long status_code(hs_ctx *ctx, const hs_json *resp)
{
    const char *t = NULL;
    if (sfns_text_field(ctx, resp, "statusCode", &t) != SFNS_TEXT)
        return 0;
    long v = 0;
    for (const char *p = t; *p; p++) {
        if (*p < '0' || *p > '9' || v > 9999)
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v;
}

/* The NetSuite internal id: the response's id, else _json.id or _json.internalId. */
static const char *netsuite_id(struct job *j)
{
    const hs_json *json = sfns_api->json_get(j->resp, "_json");
    const hs_json *cands[] = {sfns_api->json_get(j->resp, "id"), sfns_api->json_get(json, "id"),
                              sfns_api->json_get(json, "internalId")};
    for (size_t i = 0; i < 3; i++) {
        const char *id = sfns_id_text(j->ctx, cands[i]);
        if (id != NULL)
            return id;
    }
    return NULL;
}

/* The transaction number: the first of transactionNumberPaths in _json, else the tranid the
 * import sent. */
static const char *transaction_number(struct job *j)
{
    const hs_json *json = sfns_api->json_get(j->resp, "_json");
    const char *t = NULL;
    for (size_t i = 0; i < j->r->number_paths.n; i++)
        if (sfns_text(j->ctx, sfns_api->json_path(json, j->r->number_paths.v[i]), &t) == SFNS_TEXT)
            return t;
    if (sfns_text_field(j->ctx, j->sent, "tranid", &t) == SFNS_TEXT)
        return t;
    return NULL;
}

/* ---- answering ----------------------------------------------------------------------------- */

/* text cut to at most max bytes (max >= 20), ending "..." when cut, never inside a UTF-8
 * sequence. */
static const char *cut(hs_ctx *ctx, const char *text, long max)
{
    size_t len = strlen(text);
    if ((long)len <= max)
        return text;
    size_t n = (size_t)max - 3;
    while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
        n--;
    return sfns_api->sprintf(ctx, "%.*s...", (int)n, text);
}

static int set_text(hs_ctx *ctx, hs_json *obj, const char *key, const char *text)
{
    hs_json *v = text ? sfns_api->json_new_string(ctx, text) : sfns_api->json_new_null(ctx);
    return v != NULL && sfns_api->json_set(ctx, obj, key, v) == HS_OK;
}

/* The Opportunity update, or JSON null when the Opportunity is unknown or nothing is written. */
static hs_json *write_back(struct job *j, const char *id, const char *number, const char *error)
{
    hs_ctx *ctx = j->ctx;
    const sfns_results *r = j->r;
    hs_json *wb = sfns_api->json_new_object(ctx);
    if (wb == NULL)
        return NULL;
    if (j->opportunity[0] == '\0')
        return sfns_api->json_new_null(ctx);
    int ok = set_text(ctx, wb, "Id", j->opportunity);
    if (ok && id != NULL && r->netsuite_id_field != NULL)
        ok = set_text(ctx, wb, r->netsuite_id_field, id);
    if (ok && number != NULL && r->number_field != NULL)
        ok = set_text(ctx, wb, r->number_field, number);
    if (ok && r->sync_error_field != NULL) {
        /* On the Opportunity itself the label "Opportunity 006...: " says nothing. */
        size_t skip = strlen(j->facts.label);
        if (error != NULL && strncmp(error, j->facts.label, skip) == 0 && error[skip] == ':' &&
            error[skip + 1] == ' ')
            error += skip + 2;
        ok = set_text(ctx, wb, r->sync_error_field,
                      error ? cut(ctx, error, r->sync_error_length) : NULL);
    }
    if (!ok)
        return NULL;
    return sfns_api->json_len(wb) > 1 ? wb : sfns_api->json_new_null(ctx);
}

/* Puts {outcome, recordType, opportunityId, netsuiteId, transactionNumber, message, writeBack}
 * at _json.<resultKey>. */
static hs_status put_outcome(struct job *j, outcome o, const char *id, const char *number,
                             const char *message, const char *error)
{
    static const char *const names[] = {"created", "already_created", "failed"};
    hs_ctx *ctx = j->ctx;
    hs_json *json = sfns_api->json_get(j->resp, "_json");
    hs_json_type t = sfns_api->json_type(json);
    if (t != HS_JSON_OBJECT) {
        hs_json *wrap = sfns_api->json_new_object(ctx);
        if (wrap == NULL ||
            (t != HS_JSON_ABSENT && t != HS_JSON_NULL &&
             sfns_api->json_set(ctx, wrap, "value", json) != HS_OK) ||
            sfns_api->json_set(ctx, j->resp, "_json", wrap) != HS_OK)
            return HS_ERR_NOMEM;
        json = wrap;
    }
    hs_json *out = sfns_api->json_new_object(ctx);
    hs_json *wb = write_back(j, id, number, error);
    if (out == NULL || wb == NULL || !set_text(ctx, out, "outcome", names[o]) ||
        !set_text(ctx, out, "recordType", j->record_type) ||
        !set_text(ctx, out, "opportunityId", j->opportunity[0] ? j->opportunity : NULL) ||
        !set_text(ctx, out, "netsuiteId", id) || !set_text(ctx, out, "transactionNumber", number) ||
        !set_text(ctx, out, "message", message) ||
        sfns_api->json_set(ctx, out, "writeBack", wb) != HS_OK ||
        sfns_api->json_set(ctx, json, j->r->result_key, out) != HS_OK)
        return HS_ERR_NOMEM;
    return HS_OK;
}

static hs_status succeeded(struct job *j, hs_json *errors)
{
    hs_ctx *ctx = j->ctx;
    const char *id = netsuite_id(j), *number = transaction_number(j);
    const char *message = sfns_api->sprintf(
        ctx, "created %s%s%s%s%s%s", j->facts.record_word, number ? " " : "", number ? number : "",
        id ? " (internal id " : "", id ? id : "", id ? ")" : "");
    if (id == NULL)
        message = sfns_api->sprintf(ctx, "%s; NetSuite's answer carries no internal id", message);
    if (number == NULL)
        message = sfns_api->sprintf(ctx,
                                    "%s; NetSuite's answer carries no transaction number "
                                    "(settings.sfns.results.transactionNumberPaths)",
                                    message);
    if (message == NULL)
        return HS_ERR_NOMEM;
    sfns_api->log(ctx, HS_LOG_INFO, "sfnsSalesOrderResult: %s: %s", j->facts.label, message);
    if (errors != NULL && sfns_api->json_set(ctx, j->resp, "errors", errors) != HS_OK)
        return HS_ERR_NOMEM;
    return put_outcome(j, CREATED, id, number, message, NULL);
}

static hs_status already_created(struct job *j, const char *message)
{
    hs_ctx *ctx = j->ctx;
    hs_json *none = sfns_api->json_new_array(ctx);
    hs_json *code = sfns_api->json_new_number(ctx, 200);
    hs_json *yes = sfns_api->json_new_bool(ctx, 1);
    if (none == NULL || code == NULL || yes == NULL ||
        sfns_api->json_set(ctx, j->resp, "statusCode", code) != HS_OK ||
        sfns_api->json_set(ctx, j->resp, "errors", none) != HS_OK ||
        sfns_api->json_set(ctx, j->resp, "ignored", yes) != HS_OK)
        return HS_ERR_NOMEM;
    sfns_api->log(ctx, HS_LOG_INFO, "sfnsSalesOrderResult: %s: %s", j->facts.label, message);
    return put_outcome(j, ALREADY_CREATED, netsuite_id(j), transaction_number(j), message, NULL);
}

/* A reworded error {code, message, source: "sfns"}, or NetSuite's own code and source for an
 * error no rule knows (and for "other" rules). */
static hs_json *error_object(struct job *j, const char *code, const char *source,
                             const char *message)
{
    return sfns_api->error_new(j->ctx, code ? code : "netsuite_error", message,
                               source ? source : SFNS_ERROR_SOURCE);
}

static hs_status sales_order_result(hs_ctx *ctx, hs_record *rec)
{
    sfns_results r;
    hs_status st = sfns_results_read(ctx, &r);
    if (st != HS_OK)
        return st;
    struct job j = {.ctx = ctx, .r = &r, .resp = sfns_api->record_data(rec)};
    size_t index = sfns_api->record_index(rec);
    size_t count =
        sfns_api->json_len(sfns_api->json_get(sfns_api->ctx_options(ctx), "responseData"));
    if (sfns_api->json_type(j.resp) != HS_JSON_OBJECT)
        return sfns_api->fail(ctx, "invalid_response",
                              "responseData[%zu] is not an object: NetSuite's import answers one "
                              "{statusCode, errors, id, _json} per record",
                              index);
    j.pre = sfns_api->record_sibling(rec, "preMapData");
    j.sent = sfns_api->record_sibling(rec, "postMapData");
    if (sfns_api->json_type(j.sent) != HS_JSON_OBJECT)
        j.sent = j.pre;
    read_opportunity(&j);
    read_record_type(&j);
    j.facts.record_word = strcmp(j.record_type, "estimate") == 0 ? "estimate" : "sales order";
    j.facts.submitted = j.sent;
    j.facts.label =
        j.opportunity[0]
            ? sfns_api->sprintf(ctx, "Opportunity %s", j.opportunity)
            : sfns_api->sprintf(ctx, "Record %zu of %zu (no Opportunity Id)", index + 1, count);
    if (j.facts.label == NULL)
        return HS_ERR_NOMEM;

    long status = status_code(ctx, j.resp);
    /* errors: an array; a lone error object or text (not integrator.io's shape, but what a
     * hand-made response or another connector may give) counts as an array of that one. */
    const hs_json *errors = sfns_api->json_get(j.resp, "errors");
    hs_json_type et = sfns_api->json_type(errors);
    const char *lone = NULL;
    size_t nerr = et == HS_JSON_ARRAY    ? sfns_api->json_len(errors)
                  : et == HS_JSON_OBJECT ? 1
                  : et == HS_JSON_STRING && sfns_text(ctx, errors, &lone) == SFNS_TEXT ? 1
                                                                                       : 0;
    hs_json *reworded = nerr ? sfns_api->json_new_array(ctx) : NULL;
    const char *first = NULL, *duplicate = NULL;
    for (size_t i = 0; i < nerr; i++) {
        hs_json *e = et == HS_JSON_ARRAY ? sfns_api->json_at(errors, i) : (hs_json *)errors;
        const char *code = NULL, *message = NULL, *source = NULL;
        sfns_text_field(ctx, e, "code", &code);
        sfns_text_field(ctx, e, "message", &message);
        sfns_text_field(ctx, e, "source", &source);
        if (sfns_api->json_type(e) == HS_JSON_STRING) /* an error given as its text alone */
            sfns_text(ctx, e, &message);
        const sfns_error_rule *rule = sfns_results_match(&r, code, message);
        sfns_error_kind kind = sfns_results_kind(rule ? rule->kind : SFNS_ERR_OTHER, message);
        const char *text =
            sfns_results_message(ctx, &j.facts, kind, rule ? rule->advice : NULL, code, message);
        if (text == NULL || reworded == NULL)
            return HS_ERR_NOMEM;
        if (rule != NULL && kind == SFNS_ERR_DUPLICATE) {
            duplicate = duplicate ? duplicate : text;
            continue;
        }
        int own = rule != NULL && kind != SFNS_ERR_OTHER;
        hs_json *out = error_object(&j, own ? sfns_error_kind_names[kind] : code,
                                    own ? SFNS_ERROR_SOURCE : source, text);
        if (out == NULL || sfns_api->json_push(ctx, reworded, out) != HS_OK)
            return HS_ERR_NOMEM;
        first = first ? first : text;
    }
    if (duplicate != NULL)
        return already_created(&j, duplicate);
    int ok = status == 0 ? nerr == 0 : status >= 200 && status < 300; /* 0: no statusCode */
    if (ok && (first == NULL || netsuite_id(&j) != NULL)) {
        if (first == NULL && sfns_api->json_truthy(sfns_api->json_get(j.resp, "ignored")))
            return already_created(
                &j, sfns_api->sprintf(ctx,
                                      "already created, skipped: the import ignored the %s (it "
                                      "exists in NetSuite)",
                                      j.facts.record_word));
        return succeeded(&j, reworded);
    }
    if (first == NULL) {
        first = sfns_api->sprintf(ctx,
                                  "%s: NetSuite's import answered status %ld without an error: "
                                  "check the NetSuite connection (it may be offline), then retry.",
                                  j.facts.label, status);
        hs_json *e =
            first ? sfns_api->error_new(ctx, "netsuite_status", first, SFNS_ERROR_SOURCE) : NULL;
        if (reworded == NULL)
            reworded = sfns_api->json_new_array(ctx);
        if (e == NULL || reworded == NULL || sfns_api->json_push(ctx, reworded, e) != HS_OK)
            return HS_ERR_NOMEM;
    }
    if (sfns_api->json_set(ctx, j.resp, "errors", reworded) != HS_OK)
        return HS_ERR_NOMEM;
    size_t n = sfns_api->json_len(reworded);
    for (size_t i = 0; i < n; i++)
        sfns_api->log(
            ctx, HS_LOG_WARN, "sfnsSalesOrderResult: %s",
            sfns_api->json_string(
                ctx, sfns_api->json_get(sfns_api->json_at(reworded, i), "message"), NULL, ""));
    const char *error = n > 1 ? sfns_api->sprintf(ctx, "%s (and %zu more)", first, n - 1) : first;
    return put_outcome(&j, FAILED, NULL, NULL, error, error);
}

hs_status sfns_results_register(hs_module *mod)
{
    hs_fn_opts o = HS_FN_OPTS_INIT;
    o.description = "NetSuite's answers for sales orders / estimates -> write-back fields for the "
                    "Opportunity, actionable errors, duplicates skipped (postSubmit)";
    return sfns_api->register_record_fn(mod, "sfnsSalesOrderResult", HS_KIND_POST_SUBMIT,
                                        sales_order_result, &o);
}
