/* order_write_back.c — exOrderWriteBack (postSubmit): after the sales orders reach NetSuite,
 * prepares what the flow writes back to each Salesforce Opportunity: `_json.writeBack` on the
 * response, which the next step (a Salesforce import) maps. It holds the Opportunity's Id, the
 * NetSuite internal id as text (NetSuite may answer it as a number) and order number under the
 * Salesforce field names the settings give (settings.idField, default NetSuite_Order_Id__c;
 * settings.numberField, default NetSuite_Order_Number__c), a synced flag, and the sync time
 * (options.currentExportDateTime, when the export is a delta export). A record NetSuite refused
 * keeps its errors, each message prefixed with the Opportunity's Id and name and given the source
 * "netsuite"; a success without an id gets an error. */
#include "examples.h"

#define api ex_api

/* A refused record: its errors name the Opportunity. */
static hs_status explain_refusal(hs_ctx *ctx, hs_json *resp, const char *opp_id, hs_json *opp)
{
    hs_json *errors = api->json_get(resp, "errors");
    const char *name = api->json_get_trimmed(ctx, opp, "Name");
    const char *who = name ? api->sprintf(ctx, "Opportunity %s (%s)", opp_id, name)
                           : api->sprintf(ctx, "Opportunity %s", opp_id);
    for (size_t i = 0; i < api->json_len(errors); i++) {
        hs_json *e = api->json_at(errors, i);
        const char *message = api->json_to_string(ctx, api->json_get(e, "message"));
        api->json_set_string(ctx, e, "message", api->sprintf(ctx, "%s: %s", who, message));
        if (!api->json_get_trimmed(ctx, e, "source"))
            api->json_set_string(ctx, e, "source", "netsuite");
    }
    return api->ctx_error(ctx);
}

static hs_status order_write_back(hs_ctx *ctx, hs_record *rec)
{
    hs_json *resp = api->record_data(rec);
    hs_json *opp = api->record_sibling(rec, "preMapData");
    const char *opp_id = api->json_get_trimmed(ctx, opp, "Id");
    opp_id = opp_id ? opp_id : "(no Id)";
    if (api->json_number(api->json_get(resp, "statusCode"), 0) != 200)
        return explain_refusal(ctx, resp, opp_id, opp);
    const char *ns_id = api->json_get_trimmed(ctx, resp, "id");
    if (!ns_id)
        return api->record_add_error(
            rec, api->error_new(
                     ctx, "no_netsuite_id",
                     api->sprintf(ctx, "NetSuite created no order id for Opportunity %s.", opp_id),
                     "examples"));

    hs_json *json = api->json_get(resp, "_json");
    hs_json *back = api->json_new_object(ctx);
    api->json_set_string(ctx, back, "Id", opp_id);
    api->json_set_string(ctx, back, api->setting_string(ctx, "idField", "NetSuite_Order_Id__c"),
                         ns_id);
    api->json_set_string_if_present(
        ctx, back, api->setting_string(ctx, "numberField", "NetSuite_Order_Number__c"),
        api->json_get_trimmed(ctx, json, "tranId"));
    api->json_set_bool(ctx, back, "NetSuite_Synced__c", 1);
    hs_datetime now;
    const char *when;
    if (api->ctx_now(ctx, 0, &now) == HS_OK &&
        api->date_format(ctx, &now, HS_DATE_FORMAT_SALESFORCE, &when) == HS_OK)
        api->json_set_string(ctx, back, "NetSuite_Sync_Date__c", when);
    if (api->json_type(json) != HS_JSON_OBJECT) {
        json = api->json_new_object(ctx);
        api->json_set(ctx, resp, "_json", json);
    }
    api->json_set(ctx, json, "writeBack", back);
    return api->ctx_error(ctx);
}

hs_status ex_write_back_register(hs_module *mod)
{
    hs_fn_opts o = HS_FN_OPTS_INIT;
    o.description = "Example: NetSuite order ids written back to Salesforce Opportunities";
    return api->register_record_fn(mod, "exOrderWriteBack", HS_KIND_POST_SUBMIT, order_write_back,
                                   &o);
}
