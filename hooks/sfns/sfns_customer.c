/* sfns_customer.c — sfnsCustomerToAccount (preMap), the return leg: a NetSuite customer becomes
 * the update of its Salesforce Account (the customer's external id) carrying only the fields
 * NetSuite may write under the same ownership rules — by default the billing address and terms
 * once the customer has an order, the credit hold and the NetSuite id — after the same loop
 * prevention (the integration user's own edits, an unchanged sync hash). Nothing to write: {}. */
#include "sfns_accounts.h"

#include "sfns_sdk.h"
#include "sfns_sfid.h"

#include <string.h>

/* One customer being mapped. */
struct job {
    hs_ctx *ctx;
    const sfns_accounts *a;
    const hs_json *rec;
    const char *label;              /* "Customer 123 (Acme) of Account 001..." */
    sfns_account_values src;        /* the customer, in NetSuite terms */
    sfns_account_values cur;        /* the Account the lookup found, in Salesforce terms */
    sfns_value want[SFNS_AF_COUNT]; /* what to write, in Salesforce terms */
    const char *reasons[SFNS_AF_COUNT];
    int write[SFNS_AF_COUNT];
};

/* A NetSuite list value (category, sales rep, currency, terms) back to its Salesforce value
 * through a settings map read in reverse. */
static void reverse_value(struct job *j, sfns_af f, const hs_json *map, const char *map_key)
{
    const sfns_value *s = &j->src.v[f];
    if (s->presence != SFNS_TEXT) {
        j->want[f] = (sfns_value){SFNS_EMPTY, NULL, NULL};
        return;
    }
    const char *back = sfns_accounts_reverse(j->ctx, map, s->text);
    if (back == NULL) {
        j->reasons[f] =
            sfns_api->sprintf(j->ctx, "NetSuite value %s%s%s%s is not in %s", s->text,
                              s->alt ? " (" : "", s->alt ? s->alt : "", s->alt ? ")" : "", map_key);
        return;
    }
    j->want[f] = (sfns_value){SFNS_TEXT, back, NULL};
}

static void map_field(struct job *j, sfns_af f)
{
    const sfns_accounts *a = j->a;
    const sfns_value *s = &j->src.v[f];
    if (s->presence == SFNS_ABSENT) {
        j->reasons[f] = "not in the record (the export does not select it)";
        return;
    }
    switch (f) {
    case SFNS_AF_NAME:
        if (s->presence != SFNS_TEXT)
            j->reasons[f] = "empty in NetSuite (an Account keeps its Name)";
        else
            j->want[f] = *s;
        break;
    case SFNS_AF_INDUSTRY:
        reverse_value(j, f, a->category_by_industry, "categoryByIndustry");
        break;
    case SFNS_AF_OWNER:
        reverse_value(j, f, a->sales_rep_by_owner, "salesRepByOwner");
        break;
    case SFNS_AF_PARENT: {
        char id[19];
        if (s->presence != SFNS_TEXT) {
            j->want[f] = *s;
        } else if (sfns_sfid_to18(s->text, strlen(s->text), id) == SFNS_SFID_OK) {
            j->want[f] = (sfns_value){SFNS_TEXT, sfns_api->strdup(j->ctx, id), NULL};
        } else {
            j->reasons[f] = "the export gives the parent without its external id (the parent "
                            "Account's Id)";
        }
        break;
    }
    case SFNS_AF_CURRENCY:
        if (s->presence == SFNS_TEXT && a->currencies == NULL && sfns_currency_known(s->text))
            j->want[f] = *s;
        else if (s->presence == SFNS_TEXT && a->currencies == NULL && s->alt != NULL &&
                 sfns_currency_known(s->alt))
            j->want[f] = (sfns_value){SFNS_TEXT, s->alt, NULL};
        else
            reverse_value(j, f, a->currencies, "currencies");
        break;
    case SFNS_AF_BILLING:
    case SFNS_AF_SHIPPING:
        if (s->presence != SFNS_TEXT)
            j->reasons[f] = "empty in NetSuite (an address is not cleared in Salesforce)";
        else
            j->want[f] = *s;
        break;
    case SFNS_AF_TERMS:
        if (s->presence != SFNS_TEXT) {
            j->want[f] = *s;
        } else {
            const char *name = sfns_accounts_reverse(j->ctx, a->terms_by_name, s->text);
            if (name == NULL && a->terms_by_name == NULL)
                name = s->alt ? s->alt : s->text;
            if (name == NULL)
                name = s->alt;
            if (name == NULL)
                j->reasons[f] = sfns_api->sprintf(
                    j->ctx, "NetSuite terms %s are not in termsByName and have no name", s->text);
            else
                j->want[f] = (sfns_value){SFNS_TEXT, name, NULL};
        }
        break;
    case SFNS_AF_CREDIT_HOLD:
        j->want[f] = (sfns_value){
            SFNS_TEXT, s->presence == SFNS_TEXT && strcmp(s->text, "ON") == 0 ? "true" : "false",
            NULL};
        break;
    default:
        j->want[f] = *s;
        break;
    }
}

/* Fields this leg carries to Salesforce. */
static int carried(const sfns_accounts *a, sfns_af f)
{
    return f != SFNS_AF_SUBSIDIARY && sfns_accounts_sf_holds(a, f);
}

/* ---- the Account update ---------------------------------------------------------------------- */

static const char *sf_key(const sfns_accounts *a, sfns_af f)
{
    static const char *const keys[SFNS_AF_COUNT] = {
        "Name", "Phone",           "Fax", "Website", "Industry", "OwnerId", "ParentId",
        NULL,   "CurrencyIsoCode", NULL,  NULL,      NULL,       NULL,      NULL,
    };
    switch (f) {
    case SFNS_AF_TERMS:
        return a->terms_field;
    case SFNS_AF_CREDIT_HOLD:
        return a->credit_hold_field;
    case SFNS_AF_NETSUITE_ID:
        return a->netsuite_id_field;
    default:
        return keys[f];
    }
}

static hs_json *account(struct job *j, const char *id, const char *hash)
{
    hs_ctx *ctx = j->ctx;
    const sfns_accounts *a = j->a;
    hs_json *out = sfns_api->json_new_object(ctx);
    if (out == NULL || sfns_api->json_set_string(ctx, out, "Id", id) != HS_OK)
        return NULL;
    for (int f = 0; f < SFNS_AF_COUNT; f++) {
        if (!j->write[f])
            continue;
        const sfns_value *w = &j->want[f];
        hs_status st;
        if (f == SFNS_AF_BILLING)
            st = sfns_address_to_salesforce(ctx, out, "Billing", &j->src.billing,
                                            a->sf_address_codes);
        else if (f == SFNS_AF_SHIPPING)
            st = sfns_address_to_salesforce(ctx, out, "Shipping", &j->src.shipping,
                                            a->sf_address_codes);
        else if (f == SFNS_AF_CREDIT_HOLD)
            st = sfns_api->json_set_bool(ctx, out, sf_key(a, (sfns_af)f),
                                         strcmp(w->text, "true") == 0);
        else if (w->presence != SFNS_TEXT) /* Salesforce clears a field set to null */
            st = sfns_api->json_set(ctx, out, sf_key(a, (sfns_af)f), sfns_api->json_new_null(ctx));
        else
            st = sfns_api->json_set_string(ctx, out, sf_key(a, (sfns_af)f), w->text);
        if (st != HS_OK)
            return NULL;
    }
    if (hash != NULL && sfns_api->json_set_string(ctx, out, a->sf_hash_field, hash) != HS_OK)
        return NULL;
    return out;
}

/* ---- one record ------------------------------------------------------------------------------ */

static hs_json *skip(struct job *j, const char *why)
{
    sfns_api->log(j->ctx, HS_LOG_INFO, "%s: %s skipped: %s", sfns_api->ctx_function(j->ctx),
                  j->label, why);
    return sfns_result_skip(j->ctx);
}

static hs_json *fail_record(hs_ctx *ctx, const char *code, const char *message)
{
    sfns_api->log(ctx, HS_LOG_WARN, "%s: %s", sfns_api->ctx_function(ctx), message);
    return sfns_result_error(ctx, code, message);
}

static hs_json *customer_record(hs_ctx *ctx, void *state, hs_json *rec, size_t index, size_t count)
{
    const sfns_accounts *a = state;
    if (sfns_api->json_type(rec) != HS_JSON_OBJECT)
        return fail_record(ctx, "not_a_record",
                           sfns_api->sprintf(ctx, "Record %zu of %zu is not a customer object.",
                                             index + 1, count));
    struct job j = {.ctx = ctx, .a = a, .rec = rec};
    const char *nsid = NULL, *name = NULL, *ext = NULL;
    if (sfns_text_field(ctx, rec, "id", &nsid) != SFNS_TEXT)
        sfns_text_field(ctx, rec, "internalid", &nsid);
    sfns_text_field(ctx, rec, "companyname", &name);
    const char *who = sfns_api->sprintf(ctx, "Customer %s%s%s%s",
                                        nsid ? nsid : sfns_api->sprintf(ctx, "#%zu", index + 1),
                                        name ? " (" : "", name ? name : "", name ? ")" : "");
    j.label = who;

    /* The Account to update: the customer's external id. */
    if (sfns_text_field(ctx, rec, "externalid", &ext) != SFNS_TEXT) {
        if (a->unlinked_error)
            return fail_record(
                ctx, "not_linked",
                sfns_api->sprintf(ctx,
                                  "%s has no external id, so it is linked to no Salesforce "
                                  "Account: sync it from Salesforce first, or leave NetSuite-only "
                                  "customers out of this flow's export.",
                                  who));
        return skip(&j, "no external id: not linked to a Salesforce Account");
    }
    char id[19];
    sfns_sfid_status ids = sfns_sfid_to18(ext, strlen(ext), id);
    if (ids != SFNS_SFID_OK || strncmp(id, "001", 3) != 0)
        return fail_record(
            ctx, "bad_external_id",
            sfns_api->sprintf(ctx,
                              "%s has external id \"%s\", which is not a Salesforce Account Id: "
                              "it %s. Correct the customer's External ID in NetSuite.",
                              who, ext,
                              ids != SFNS_SFID_OK ? sfns_sfid_strerror(ids)
                                                  : "does not start with 001"));
    j.label = sfns_api->sprintf(ctx, "%s of Account %s", who, id);

    /* Loop prevention, by user. */
    if (a->user_check && a->ns_user != NULL) {
        sfns_ref by;
        if (sfns_ref_read(ctx, sfns_field(rec, a->ns_modified_by_field), &by) == SFNS_TEXT &&
            ((by.id && strcmp(by.id, a->ns_user) == 0) ||
             (by.name && strcmp(by.name, a->ns_user) == 0)))
            return skip(&j, "last modified by the integration user (an echo of its own write)");
    }
    const hs_json *current = NULL;
    size_t found = sfns_accounts_current(a, rec, &current);
    if (found == SFNS_CURRENT_BAD)
        return fail_record(
            ctx, "bad_lookup",
            sfns_api->sprintf(ctx,
                              "%s: its field \"%s\" holds %s, not the Salesforce Account the "
                              "lookup found: the lookup must put the Account (an object), an "
                              "array of the Accounts it found, or null there.",
                              j.label, a->current_field, sfns_accounts_current_what(ctx, a, rec)));
    if (found > 1)
        return fail_record(ctx, "ambiguous_lookup",
                           sfns_api->sprintf(ctx,
                                             "%s: the lookup found %zu Salesforce Accounts for "
                                             "it; fix the lookup (by Id) and retry.",
                                             j.label, found));

    sfns_accounts_ns_values(ctx, a, rec, &j.src);
    const char *stored = NULL;
    char hex[SFNS_HASH_HEX];
    if (a->hash_check && sfns_text_field(ctx, rec, a->ns_hash_field, &stored) == SFNS_TEXT) {
        sfns_accounts_hash(a, SFNS_NETSUITE, &j.src, hex);
        if (sfns_streq_nocase(hex, stored))
            return skip(&j, "unchanged since the last sync (its sync hash matches)");
    }
    if (current != NULL)
        sfns_accounts_sf_values(ctx, a, current, &j.cur);

    sfns_own_facts facts = {.source = SFNS_NETSUITE,
                            .target_exists = current != NULL,
                            .ordered = sfns_accounts_ordered(ctx, a, rec)};
    facts.source_time_known = sfns_time_read(ctx, sfns_field(rec, a->ns_modified_field),
                                             a->ns_date_format, a->ns_time_zone, &facts.source_ms);
    facts.target_time_known =
        current != NULL && sfns_time_read(ctx, sfns_field(current, a->sf_modified_field), NULL,
                                          NULL, &facts.target_ms);

    int writes = 0;
    for (int f = 0; f < SFNS_AF_COUNT; f++) {
        if (!carried(a, (sfns_af)f))
            continue;
        const char *why = NULL;
        if (!sfns_own_may_write(a->rules[f], &facts, &why)) {
            j.reasons[f] = why;
            continue;
        }
        map_field(&j, (sfns_af)f);
        if (j.reasons[f] != NULL || j.want[f].presence == SFNS_ABSENT)
            continue;
        if (current != NULL && sfns_value_same(&j.want[f], &j.cur.v[f])) {
            j.reasons[f] = "unchanged";
            continue;
        }
        j.write[f] = 1;
        writes++;
    }
    if (writes == 0) {
        if (sfns_accounts_reasons(ctx, a, NULL, j.label, j.reasons) != HS_OK)
            return NULL;
        return skip(&j, "nothing to write (every field is owned by Salesforce or unchanged)");
    }
    const char *hash = NULL;
    if (a->hash_check) {
        sfns_account_values after = j.cur;
        for (int f = 0; f < SFNS_AF_COUNT; f++)
            if (j.write[f])
                after.v[f] = j.want[f];
        sfns_accounts_hash(a, SFNS_SALESFORCE, &after, hex);
        hash = hex;
    }
    hs_json *out = account(&j, id, hash);
    if (out == NULL || sfns_accounts_reasons(ctx, a, out, j.label, j.reasons) != HS_OK)
        return NULL;
    return sfns_result_data(ctx, out);
}

static hs_status customer_to_account(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    sfns_accounts a;
    hs_status st = sfns_accounts_read(ctx, &a);
    if (st != HS_OK)
        return st;
    return sfns_premap_page(ctx, options, customer_record, &a, result);
}

hs_status sfns_customer_register(hs_module *mod)
{
    hs_fn_opts o = HS_FN_OPTS_INIT;
    o.description = "NetSuite customer -> update of its Salesforce Account with the fields "
                    "NetSuite owns, with the same ownership and loop prevention (preMap)";
    return sfns_api->register_fn(mod, "sfnsCustomerToAccount", HS_KIND_PRE_MAP, customer_to_account,
                                 &o);
}
