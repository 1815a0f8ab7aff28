/* sfns_invoices_conf.c — settings.sfns.invoices (sfnsInvoiceStatus) read and checked once per
 * page into an sfns_invoices; docs/sfns-settings.md, "sfnsInvoiceStatus", describes every key. */
#include "sfns_invoices.h"

#include "sfns_sdk.h"

#include <string.h>

const char *const sfns_inv_status_keys[SFNS_INV_STATUS_COUNT + 1] = {
    "open", "partiallyPaid", "overdue", "paid", NULL,
};
static const char *const default_labels[SFNS_INV_STATUS_COUNT] = {
    "Open",
    "Partially Paid",
    "Overdue",
    "Paid In Full",
};

const char *const sfns_oo_keys[SFNS_OO_COUNT + 1] = {
    "status",          "amountInvoiced",    "amountDue", "daysOverdue",
    "lastPaymentDate", "lastPaymentAmount", NULL,
};
static const char *const default_oo[SFNS_OO_COUNT] = {
    "NetSuite_Invoice_Status__c",    "NetSuite_Amount_Invoiced__c",
    "NetSuite_Amount_Due__c",        "NetSuite_Days_Overdue__c",
    "NetSuite_Last_Payment_Date__c", "NetSuite_Last_Payment_Amount__c",
};

const char *const sfns_ao_keys[SFNS_AO_COUNT + 1] = {
    "openBalance", "overdueBalance", "daysOverdue", "lastPaymentDate", "lastPaymentAmount", NULL,
};
static const char *const default_ao[SFNS_AO_COUNT] = {
    "NetSuite_Open_Balance__c",      "NetSuite_Overdue_Balance__c",     "NetSuite_Days_Overdue__c",
    "NetSuite_Last_Payment_Date__c", "NetSuite_Last_Payment_Amount__c",
};

const char *const sfns_io_keys[SFNS_IO_COUNT + 1] = {
    "netsuiteId",  "number",          "status",
    "total",       "amountDue",       "dueDate",
    "daysOverdue", "lastPaymentDate", "lastPaymentAmount",
    "opportunity", "account",         "currency",
    NULL,
};
static const char *const default_io[SFNS_IO_COUNT] = {
    "NetSuite_Id__c",         "Name",           "Status__c",       "Total__c",
    "Amount_Due__c",          "Due_Date__c",    "Days_Overdue__c", "Last_Payment_Date__c",
    "Last_Payment_Amount__c", "Opportunity__c", "Account__c",      "",
};

static const char *const kind_names[SFNS_TX_KIND_COUNT + 1] = {
    "invoice",
    "customerpayment",
    "creditmemo",
    NULL,
};

static const char *const keys[] = {
    "recordTypeField",       "defaultRecordType",
    "opportunityIdFields",   "accountIdFields",
    "netsuiteDateFormat",    "netsuiteTimeZone",
    "statusLabels",          "opportunityRollup",
    "accountRollup",         "netUnappliedCredits",
    "opportunityOutput",     "accountOutput",
    "invoiceObject",         "invoiceOutput",
    "unlinkedTransactions",  "convertToAccountCurrency",
    "accountCurrencyFields", "accountCurrency",
    "conversionDate",        NULL,
};

/* A field name: a non-empty string (def when absent or null). */
static const char *field_name(sfns_conf *c, const char *key, const char *def)
{
    const char *s = sfns_conf_string(c, key, def);
    if (s != NULL && s[0] == '\0' && c->error == NULL) {
        sfns_conf_invalid(c, key, "must name a field (a non-empty string)");
        return def;
    }
    return s;
}

/* A list of field paths: an array of non-empty strings, or one string (def when absent). */
static void read_paths(sfns_conf *c, const char *key, const char *const *def, sfns_paths *out)
{
    const hs_json *v = sfns_conf_get(c, key);
    if (v == NULL) {
        size_t n = 0;
        while (def[n] != NULL)
            n++;
        out->paths = (const char **)def;
        out->n = n;
        return;
    }
    hs_json_type t = sfns_api->json_type(v);
    size_t n = t == HS_JSON_ARRAY ? sfns_api->json_len(v) : 1;
    if (t != HS_JSON_ARRAY && t != HS_JSON_STRING) {
        sfns_conf_invalid(c, key, "must be an array of field names (or one field name)");
        return;
    }
    if (n == 0) {
        sfns_conf_invalid(c, key, "must name at least one field");
        return;
    }
    out->paths = sfns_api->alloc(c->ctx, n * sizeof(*out->paths));
    if (out->paths == NULL) {
        sfns_conf_invalid(c, key, "out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const hs_json *e = t == HS_JSON_ARRAY ? sfns_api->json_at(v, i) : v;
        size_t len = 0;
        const char *s = sfns_api->json_string(c->ctx, e, &len, NULL);
        if (sfns_api->json_type(e) != HS_JSON_STRING || s == NULL || len == 0 || strlen(s) != len) {
            sfns_conf_invalid(c, key, "element %zu must be a field name (a non-empty string)", i);
            return;
        }
        out->paths[i] = s;
    }
    out->n = n;
}

/* An object of output field names: keys among `names`, values Salesforce field names or ""
 * (left out). out[i] starts as defaults[i] ("" : NULL). */
static void read_output(sfns_conf *parent, const char *key, const char *const *names,
                        const char *const *defaults, size_t n, const char **out)
{
    sfns_conf c;
    sfns_conf_open_child(&c, parent, key, names);
    for (size_t i = 0; i < n; i++) {
        const char *s = sfns_conf_string(&c, names[i], defaults[i]);
        out[i] = (s != NULL && s[0] != '\0') ? s : NULL;
    }
    sfns_conf_merge(parent, &c);
}

static void read_labels(sfns_conf *parent, sfns_invoices *s)
{
    sfns_conf c;
    sfns_conf_open_child(&c, parent, "statusLabels", sfns_inv_status_keys);
    for (size_t i = 0; i < SFNS_INV_STATUS_COUNT; i++) {
        s->labels[i] = sfns_conf_string(&c, sfns_inv_status_keys[i], default_labels[i]);
        if (c.error == NULL && s->labels[i][0] == '\0')
            sfns_conf_invalid(&c, sfns_inv_status_keys[i], "must be a non-empty text");
    }
    sfns_conf_merge(parent, &c);
}

static void read_conversion(sfns_conf *c, sfns_invoices *s)
{
    static const char *const default_currency_fields[] = {"customer.currency", NULL};
    s->convert = sfns_conf_bool(c, "convertToAccountCurrency", 0);
    read_paths(c, "accountCurrencyFields", default_currency_fields, &s->account_currency_fields);
    s->account_currency = sfns_conf_string(c, "accountCurrency", NULL);
    const char *code = sfns_fx_code(c->ctx, s->account_currency);
    if (c->error == NULL && s->account_currency != NULL &&
        (code == NULL || strcmp(code, s->account_currency) != 0 ||
         sfns_fx_minor_units(&s->fx, code) < 0))
        sfns_conf_invalid(c, "accountCurrency",
                          "\"%s\" is not an ISO 4217 currency code (three upper-case letters "
                          "such as \"USD\"; give other codes their places in "
                          "settings.sfns.currency.minorUnits)",
                          s->account_currency);
    s->on_run_date =
        strcmp(sfns_conf_enum(c, "conversionDate",
                              (const char *const[]){"transaction", "run", NULL}, "transaction"),
               "run") == 0;
}

hs_status sfns_invoices_read(hs_ctx *ctx, sfns_invoices *s)
{
    static const char *const default_opportunity[] = {"custbody_sf_opportunity_id",
                                                      "createdfrom.externalId", NULL};
    static const char *const default_account[] = {"entity.externalId", "customer.externalId", NULL};
    memset(s, 0, sizeof(*s));
    if (!sfns_sdk_ready())
        return sfns_api->fail(ctx, "runner_too_old",
                              "%s needs a runner with hook ABI 1.2 (dates and money); this one "
                              "has %u.%u",
                              sfns_api->ctx_function(ctx), sfns_api->abi_major,
                              sfns_api->abi_minor);
    hs_status st = sfns_fx_read(ctx, &s->fx);
    if (st != HS_OK)
        return st;
    sfns_conf c;
    sfns_conf_open(&c, ctx, "invoices", keys);
    s->type_field = field_name(&c, "recordTypeField", "recordType");
    const char *kind = sfns_conf_enum(&c, "defaultRecordType", kind_names, NULL);
    for (int k = 0; kind != NULL && k < SFNS_TX_KIND_COUNT; k++)
        if (strcmp(kind, kind_names[k]) == 0) {
            s->has_default_kind = 1;
            s->default_kind = (sfns_tx_kind)k;
        }
    read_paths(&c, "opportunityIdFields", default_opportunity, &s->opportunity_fields);
    read_paths(&c, "accountIdFields", default_account, &s->account_fields);
    s->date_format = sfns_conf_string(&c, "netsuiteDateFormat", NULL);
    if (c.error == NULL && s->date_format != NULL && !sfns_time_format_valid(ctx, s->date_format))
        sfns_conf_invalid(&c, "netsuiteDateFormat",
                          "\"%s\" is not a date pattern (for example \"M/D/YYYY\" or "
                          "\"D.M.YYYY\")",
                          s->date_format);
    s->time_zone = sfns_conf_string(&c, "netsuiteTimeZone", "UTC");
    if (c.error == NULL && !sfns_time_zone_known(ctx, s->time_zone))
        sfns_conf_invalid(&c, "netsuiteTimeZone",
                          "\"%s\" is not a time zone (an IANA name such as "
                          "\"America/Los_Angeles\", or \"UTC\")",
                          s->time_zone);
    read_labels(&c, s);
    s->opportunity_rollup = sfns_conf_bool(&c, "opportunityRollup", 1);
    s->account_rollup = sfns_conf_bool(&c, "accountRollup", 1);
    s->net_unapplied = sfns_conf_bool(&c, "netUnappliedCredits", 1);
    s->unlinked_error = strcmp(sfns_conf_enum(&c, "unlinkedTransactions",
                                              (const char *const[]){"skip", "error", NULL}, "skip"),
                               "error") == 0;
    read_output(&c, "opportunityOutput", sfns_oo_keys, default_oo, SFNS_OO_COUNT,
                s->opportunity_out);
    read_output(&c, "accountOutput", sfns_ao_keys, default_ao, SFNS_AO_COUNT, s->account_out);
    s->invoice_object = field_name(&c, "invoiceObject", NULL);
    read_output(&c, "invoiceOutput", sfns_io_keys, default_io, SFNS_IO_COUNT, s->invoice_out);
    if (c.error == NULL && s->invoice_object != NULL && s->invoice_out[SFNS_IO_NETSUITE_ID] == NULL)
        sfns_conf_invalid(&c, "invoiceOutput.netsuiteId",
                          "must name the field the per-invoice records are upserted by, since "
                          "invoiceObject is set");
    read_conversion(&c, s);
    return sfns_conf_check(&c);
}
