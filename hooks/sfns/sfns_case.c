/* sfns_case.c — sfnsCaseToActivity (preMap): a Salesforce Case becomes the NetSuite activity
 * settings.sfns.cases chooses (support case, task or phone call), upserted by external id (the
 * Case Id) and linked to its customer by the customer's external id (the Case's AccountId), with
 * title, message, status and priority mapped and the billing and warranty flags set from the
 * Case's Type or fields. With Service Cloud off every record is skipped ({}) and logged. A Case
 * that cannot be mapped gets every problem it has as per-record errors. See
 * docs/sfns-settings.md, "Cases". */
#include "sfns_cases.h"

#include "sfns_sfid.h"
#include "sfns_text.h"

#include <string.h>

#define FN "sfnsCaseToActivity"

/* One Case being mapped. */
struct case_job {
    hs_ctx *ctx;
    const sfns_cases_conf *c;
    const hs_json *rec;
    const char *label; /* "Case 00001029 (500...) \"Subject\" (record 1 of 5)" */
    hs_json *errors;   /* per-record errors, NULL while there is none */
    hs_status st;      /* HS_ERR_NOMEM once memory ran out */
};

static void case_error(struct case_job *j, const char *code, const char *what)
{
    if (j->st == HS_OK &&
        sfns_errors_add(j->ctx, &j->errors, code, "%s %s", j->label, what ? what : code) != HS_OK)
        j->st = HS_ERR_NOMEM;
}

static const char *text_of(struct case_job *j, const char *name)
{
    const char *t = NULL;
    return sfns_text_field(j->ctx, j->rec, name, &t) == SFNS_TEXT ? t : NULL;
}

/* An Id field in its 18-character form; NULL (and an error) when it is missing or not an Id of
 * the object whose key prefix is `prefix`. `required`: a missing value is an error too. */
static const char *read_id(struct case_job *j, const char *field, const char *alt,
                           const char *prefix, const char *object, int required,
                           const char *missing_code, const char *missing_why, const char *bad_code)
{
    const char *raw = NULL;
    sfns_presence p = sfns_text_field(j->ctx, j->rec, field, &raw);
    if (p != SFNS_TEXT && alt != NULL)
        p = sfns_text(j->ctx, sfns_field_path(j->rec, alt), &raw);
    if (p != SFNS_TEXT) {
        if (required)
            case_error(j, missing_code, missing_why);
        return NULL;
    }
    char *out = sfns_api->alloc(j->ctx, 19);
    if (out == NULL) {
        j->st = HS_ERR_NOMEM;
        return NULL;
    }
    sfns_sfid_status st = sfns_sfid_to18(raw, strlen(raw), out);
    if (st != SFNS_SFID_OK || strncmp(out, prefix, 3) != 0) {
        case_error(
            j, bad_code,
            sfns_api->sprintf(j->ctx,
                              "has %s \"%s\", which is not a%s %s Id: it %s. Correct the "
                              "value in Salesforce (or the export's mapping) and retry.",
                              field, raw, strchr("AEIOU", object[0]) ? "n" : "", object,
                              st != SFNS_SFID_OK
                                  ? sfns_sfid_strerror(st)
                                  : sfns_api->sprintf(j->ctx, "does not start with %s", prefix)));
        return NULL;
    }
    return out;
}

/* A flag of the Case: its Type is one of the group's types, or its flagField is true. */
static int flag_value(struct case_job *j, const sfns_case_flag *f, const char *type,
                      const char *name)
{
    for (size_t i = 0; type != NULL && i < f->ntypes; i++)
        if (sfns_streq_nocase(f->types[i], type))
            return 1;
    if (f->flag_field == NULL)
        return 0;
    const hs_json *v = sfns_field(j->rec, f->flag_field);
    if (v == NULL) {
        case_error(j, "missing_field",
                   sfns_api->sprintf(j->ctx,
                                     "has no field %s, which settings.sfns.cases.%s.flagField "
                                     "reads to set the %s flag: select %s in the export.",
                                     f->flag_field, name, name, f->flag_field));
        return 0;
    }
    int on = sfns_flag(j->ctx, v);
    if (on < 0)
        return 0; /* null: not set */
    return on;
}

static int set_text(hs_ctx *ctx, hs_json *o, const char *key, const char *s)
{
    return s == NULL || sfns_api->json_set_string(ctx, o, key, s) == HS_OK;
}

/* The Case's creation date (a date-time, counted by its date in UTC), or NULL. */
static const char *start_date(struct case_job *j)
{
    const char *text = text_of(j, "CreatedDate");
    if (text == NULL)
        return NULL;
    hs_datetime d;
    int64_t ms = 0;
    if (sfns_api->date_parse(j->ctx, text, NULL, &d) != HS_OK ||
        ((d.flags & HS_DATETIME_HAS_OFFSET) &&
         (sfns_api->date_to_ms(j->ctx, &d, NULL, &ms) != HS_OK ||
          sfns_api->date_from_ms(j->ctx, ms, "UTC", &d) != HS_OK))) {
        case_error(j, "bad_date",
                   sfns_api->sprintf(j->ctx,
                                     "has CreatedDate \"%s\", which is not a date-time "
                                     "(Salesforce writes \"2024-03-05T14:03:00.000+0000\").",
                                     text));
        return NULL;
    }
    hs_datetime day = {.year = d.year, .month = d.month, .day = d.day};
    const char *s = NULL;
    if (sfns_api->date_format(j->ctx, &day, HS_DATE_FORMAT_ISO_DATE, &s) != HS_OK)
        j->st = HS_ERR_NOMEM;
    return s;
}

static hs_json *case_record(hs_ctx *ctx, void *state, hs_json *rec, size_t index, size_t count)
{
    const sfns_cases_conf *c = state;
    struct case_job j = {.ctx = ctx, .c = c, .rec = rec};
    const char *raw_id = NULL, *number = text_of(&j, "CaseNumber"),
               *subject = text_of(&j, "Subject");
    sfns_text_field(ctx, rec, "Id", &raw_id);
    j.label = sfns_api->sprintf(
        ctx, "Case %s%s%s%s%s%s%s (record %zu of %zu)", number ? number : "", number ? " (" : "",
        raw_id ? raw_id : "without Id", number ? ")" : "", subject ? " \"" : "",
        subject ? subject : "", subject ? "\"" : "", index + 1, count);
    if (j.label == NULL)
        return NULL;
    if (!c->service_cloud) {
        sfns_api->log(ctx, HS_LOG_INFO,
                      FN ": %s skipped: Service Cloud is off (settings.sfns.cases.serviceCloud "
                         "is not true), so no Case becomes a NetSuite activity",
                      j.label);
        return sfns_result_skip(ctx);
    }
    if (sfns_api->json_type(rec) != HS_JSON_OBJECT)
        return sfns_result_error(
            ctx, "not_a_case",
            sfns_api->sprintf(ctx, "Record %zu of %zu is not a Salesforce Case (not an object).",
                              index + 1, count));
    const char *id =
        read_id(&j, "Id", NULL, "500", "Case", 1, "no_case_id",
                "has no Id: the Case Id is the activity's external id; select Id in the export.",
                "bad_case_id");
    const char *account =
        read_id(&j, "AccountId", "Account.Id", "001", "Account", 1, "no_account",
                "has no AccountId: NetSuite needs the customer the activity belongs to. Link the "
                "Case to an Account in Salesforce (or select AccountId in the export) and retry.",
                "bad_account_id");
    const char *contact = c->link_contact ? read_id(&j, "ContactId", "Contact.Id", "003", "Contact",
                                                    0, NULL, NULL, "bad_contact_id")
                                          : NULL;
    const char *status_text = text_of(&j, "Status"), *via = NULL;
    const char *status = sfns_cases_status(ctx, c, status_text, &via);
    if (status == NULL)
        case_error(
            &j, "unknown_status",
            status_text == NULL
                ? "has no Status and settings.sfns.cases.defaultStatus is not set: select "
                  "Status in the export, or set defaultStatus."
                : sfns_api->sprintf(ctx,
                                    "has Status \"%s\", which settings.sfns.cases.statusMap does "
                                    "not map to a NetSuite %s status and there is no "
                                    "defaultStatus: add \"%s\": \"<NetSuite status>\" to "
                                    "statusMap, or set defaultStatus.",
                                    status_text, c->record_type, status_text));
    const char *priority_text = text_of(&j, "Priority"), *pvia = NULL;
    const char *priority = sfns_cases_priority(ctx, c, priority_text, &pvia);
    if (priority == NULL && priority_text != NULL)
        case_error(&j, "unknown_priority",
                   sfns_api->sprintf(ctx,
                                     "has Priority \"%s\", which settings.sfns.cases.priorityMap "
                                     "does not map to a NetSuite %s priority and there is no "
                                     "defaultPriority: add \"%s\": \"<NetSuite priority>\" to "
                                     "priorityMap, or set defaultPriority.",
                                     priority_text, c->record_type, priority_text));
    const char *type = text_of(&j, "Type");
    int billable = c->billing.on ? flag_value(&j, &c->billing, type, "billing") : 0;
    int warranty = c->warranty.on ? flag_value(&j, &c->warranty, type, "warranty") : 0;
    const char *start = start_date(&j);
    if (j.st != HS_OK)
        return NULL;
    if (j.errors != NULL) {
        sfns_api->log(ctx, HS_LOG_WARN, FN ": %s not mapped (%zu error%s)", j.label,
                      sfns_api->json_len(j.errors), sfns_api->json_len(j.errors) == 1 ? "" : "s");
        return sfns_result_errors(ctx, j.errors);
    }
    const char *title = subject;
    if (title == NULL)
        title = sfns_api->sprintf(ctx, "Case %s", number ? number : id);
    hs_json *out = sfns_api->json_new_object(ctx);
    int ok = out != NULL && title != NULL;
    ok = ok && set_text(ctx, out, "recordType", c->record_type);
    ok = ok && set_text(ctx, out, "externalid", id);
    ok = ok && set_text(ctx, out, "title", title);
    ok = ok && set_text(ctx, out, "company", account);
    ok = ok && set_text(ctx, out, "contact", contact);
    ok = ok && set_text(ctx, out,
                        c->activity == SFNS_ACTIVITY_SUPPORTCASE ? "incomingmessage" : "message",
                        text_of(&j, "Description"));
    ok = ok && set_text(ctx, out, "status", status);
    ok = ok && set_text(ctx, out, "priority", priority);
    ok = ok && set_text(ctx, out, "startdate", start);
    if (ok && c->billing.on)
        ok = sfns_api->json_set_bool(ctx, out, c->billing.field, billable) == HS_OK;
    if (ok && c->warranty.on)
        ok = sfns_api->json_set_bool(ctx, out, c->warranty.field, warranty) == HS_OK;
    if (!ok)
        return NULL;
    sfns_api->log(ctx, HS_LOG_DEBUG, FN ": %s -> %s (status %s by %s, priority %s by %s)", j.label,
                  c->record_type, status, via, priority ? priority : "left out",
                  pvia ? pvia : "none");
    return sfns_result_data(ctx, out);
}

static hs_status case_to_activity(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    sfns_cases_conf c;
    hs_status st = sfns_cases_conf_read(ctx, &c);
    if (st != HS_OK)
        return st;
    return sfns_premap_page(ctx, options, case_record, &c, result);
}

hs_status sfns_case_register(hs_module *mod)
{
    hs_fn_opts o = HS_FN_OPTS_INIT;
    o.description = "Salesforce Case -> NetSuite support case, task or phone call linked to the "
                    "customer by external id, or skipped when Service Cloud is off (preMap)";
    return sfns_api->register_fn(mod, FN, HS_KIND_PRE_MAP, case_to_activity, &o);
}
