/* sfns_account.c — sfnsAccountToCustomer (preMap): a Salesforce Account becomes the NetSuite
 * customer fields to upsert by external id (the 18-character Account Id), after loop prevention
 * (the integration user's own edits, an unchanged sync hash) and field ownership (only fields
 * Salesforce may write and the customer does not already hold). A record with nothing to write
 * is skipped ({}); bad data is a per-record error naming what to fix. */
#include "sfns_accounts.h"

#include "sfns_geo.h"
#include "sfns_sdk.h"
#include "sfns_sfid.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* One Account being mapped. */
struct job {
    hs_ctx *ctx;
    const sfns_accounts *a;
    const hs_json *rec;
    const char *label;                       /* "Account 001... (Name)" */
    sfns_account_values src;                 /* the Account, in Salesforce terms */
    sfns_account_values cur;                 /* the customer the lookup found, in NetSuite terms */
    sfns_value want[SFNS_AF_COUNT];          /* what to write, in NetSuite terms */
    const sfns_address *addr[SFNS_AF_COUNT]; /* the address to write (billing, shipping) */
    const char *reasons[SFNS_AF_COUNT];
    int write[SFNS_AF_COUNT];
    hs_json *errors;
    int country_reported[2]; /* an unknown billing/shipping country is already an error */
    hs_status st;
};

static void error(struct job *j, const char *code, const char *fmt, ...) HS_PRINTF(3, 4);

/* Adds a per-record error: the record's label, then the message. */
static void error(struct job *j, const char *code, const char *fmt, ...)
{
    char message[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    hs_status st = sfns_errors_add(j->ctx, &j->errors, code, "%s %s", j->label, message);
    if (st != HS_OK)
        j->st = st;
}

/* Looks text up in a settings map: the exact key, else ignoring ASCII case. */
static const char *map_lookup(hs_ctx *ctx, const hs_json *map, const char *text)
{
    return text ? sfns_id_text(ctx, sfns_field(map, text)) : NULL;
}

/* A list value (category, sales rep) from a map with a default. */
static void list_value(struct job *j, sfns_af f, const hs_json *map, const char *def,
                       const char *map_key, const char *what)
{
    const sfns_value *s = &j->src.v[f];
    if (s->presence != SFNS_TEXT) {
        j->want[f] = (sfns_value){def ? SFNS_TEXT : SFNS_EMPTY, def, NULL};
        return;
    }
    const char *id = map_lookup(j->ctx, map, s->text);
    if (id == NULL)
        id = def;
    if (id == NULL) {
        j->reasons[f] =
            map == NULL ? sfns_api->sprintf(j->ctx, "settings.sfns.accounts.%s is not set", map_key)
                        : sfns_api->sprintf(j->ctx, "no NetSuite %s for \"%s\" in %s", what,
                                            s->text, map_key);
        return;
    }
    j->want[f] = (sfns_value){SFNS_TEXT, id, NULL};
}

static void subsidiary_value(struct job *j)
{
    const sfns_accounts *a = j->a;
    if (!a->subsidiary_configured) {
        j->reasons[SFNS_AF_SUBSIDIARY] =
            "no subsidiary settings (subsidiaryByCountry, subsidiaryByRegion, defaultSubsidiary)";
        return;
    }
    const sfns_address *first = a->subsidiary_from_shipping ? &j->src.shipping : &j->src.billing;
    const sfns_address *second = a->subsidiary_from_shipping ? &j->src.billing : &j->src.shipping;
    const sfns_address *used = (first->country || first->country_text) ? first : second;
    const char *which = used == &j->src.billing ? "billing" : "shipping";
    const char *id = NULL;
    if (used->country != NULL) {
        const struct sfns_country *c = sfns_country_by_alpha2(used->country);
        id = c ? a->subsidiary_by_country[c - sfns_countries] : NULL;
    }
    if (id == NULL)
        id = a->default_subsidiary;
    if (id != NULL) {
        j->want[SFNS_AF_SUBSIDIARY] = (sfns_value){SFNS_TEXT, id, NULL};
        return;
    }
    if (used->country_text != NULL) {
        error(j, "unknown_country",
              "has %s country \"%s\", which is not a country, so its NetSuite subsidiary cannot "
              "be chosen: use the country's English name or ISO code (\"United States\", "
              "\"US\").",
              which, used->country_text);
        j->country_reported[used == &j->src.billing ? 0 : 1] = 1;
        return;
    }
    if (used->country == NULL) {
        error(j, "no_subsidiary",
              "has no billing or shipping country, so its NetSuite subsidiary cannot be chosen: "
              "fill in the Account's Billing Country, or set "
              "settings.sfns.accounts.defaultSubsidiary.");
        return;
    }
    const struct sfns_country *c = sfns_country_by_alpha2(used->country);
    error(j, "no_subsidiary",
          "has %s country %s, which no NetSuite subsidiary is set for: add \"%s\" to "
          "settings.sfns.accounts.subsidiaryByCountry (or to a region of subsidiaryByRegion), "
          "or set defaultSubsidiary.",
          which, sfns_api->sprintf(j->ctx, "%s (%s)", c ? c->name : used->country, used->country),
          used->country);
}

static void currency_value(struct job *j)
{
    const sfns_accounts *a = j->a;
    const sfns_value *s = &j->src.v[SFNS_AF_CURRENCY];
    const char *code = s->presence == SFNS_TEXT ? s->text : a->default_currency;
    if (code == NULL) {
        j->reasons[SFNS_AF_CURRENCY] = "the Account has no CurrencyIsoCode and "
                                       "settings.sfns.accounts.defaultCurrency is not set";
        return;
    }
    if (!sfns_currency_known(code)) {
        error(j, "unknown_currency",
              "has currency \"%s\", which is not an ISO 4217 currency code: correct the "
              "Account's currency (CurrencyIsoCode).",
              code);
        return;
    }
    if (a->currencies == NULL) {
        j->want[SFNS_AF_CURRENCY] = (sfns_value){SFNS_TEXT, code, NULL};
        return;
    }
    const char *id = sfns_map_id(j->ctx, a->currencies, code);
    if (id == NULL) {
        error(j, "unknown_currency",
              "has currency %s, which settings.sfns.accounts.currencies does not map to a "
              "NetSuite currency: add \"%s\": <the NetSuite currency's internal id>, or change "
              "the Account's currency.",
              code, code);
        return;
    }
    j->want[SFNS_AF_CURRENCY] = (sfns_value){SFNS_TEXT, id, code};
}

static void address_value(struct job *j, sfns_af f, const sfns_address *addr, const char *which)
{
    const sfns_value *s = &j->src.v[f];
    if (s->presence == SFNS_EMPTY) {
        j->reasons[f] = "empty in Salesforce (an address is not cleared in NetSuite)";
        return;
    }
    if (addr->country_text != NULL) {
        if (j->country_reported[f == SFNS_AF_BILLING ? 0 : 1])
            return;
        error(j, "unknown_country",
              "has %s country \"%s\", which is not a country: use its English name or ISO code "
              "(\"United States\", \"US\", \"USA\").",
              which, addr->country_text);
        return;
    }
    if (addr->state_text != NULL) {
        error(j, "unknown_state",
              "has %s state \"%s\", which is not a state or province of %s: use its name or "
              "two-letter code.",
              which, addr->state_text, addr->country);
        return;
    }
    j->want[f] = *s;
    j->addr[f] = addr;
}

/* The value to write for field f, in NetSuite terms, or a reason or an error. */
static void map_field(struct job *j, sfns_af f)
{
    const sfns_accounts *a = j->a;
    const sfns_value *s = &j->src.v[f];
    if (f != SFNS_AF_SUBSIDIARY && s->presence == SFNS_ABSENT &&
        !(f == SFNS_AF_CURRENCY && a->default_currency != NULL)) {
        j->reasons[f] = "not in the record (the export does not select it)";
        return;
    }
    switch (f) {
    case SFNS_AF_NAME:
        if (s->presence != SFNS_TEXT)
            error(j, "missing_name", "has no Name; a NetSuite customer needs a company name.");
        else
            j->want[f] = *s;
        break;
    case SFNS_AF_WEBSITE: {
        const char *raw = NULL;
        if (s->presence == SFNS_TEXT &&
            sfns_text_field(j->ctx, j->rec, "Website", &raw) == SFNS_TEXT &&
            sfns_url_normalise(j->ctx, raw, a->url_scheme) == NULL) {
            error(j, "bad_website",
                  "has Website \"%s\", which is not a web address (such as "
                  "\"www.example.com\"): correct or clear it.",
                  raw);
            break;
        }
        j->want[f] = *s;
        break;
    }
    case SFNS_AF_INDUSTRY:
        list_value(j, f, a->category_by_industry, a->default_category, "categoryByIndustry",
                   "category");
        break;
    case SFNS_AF_OWNER:
        list_value(j, f, a->sales_rep_by_owner, a->default_sales_rep, "salesRepByOwner",
                   "sales rep");
        break;
    case SFNS_AF_PARENT: {
        char id[19];
        const char *raw = NULL;
        sfns_text_field(j->ctx, j->rec, "ParentId", &raw);
        sfns_sfid_status st = raw ? sfns_sfid_to18(raw, strlen(raw), id) : SFNS_SFID_OK;
        if (st != SFNS_SFID_OK)
            error(j, "bad_parent_id", "has ParentId \"%s\", which is not a Salesforce Id: it %s.",
                  raw, sfns_sfid_strerror(st));
        else
            j->want[f] = *s;
        break;
    }
    case SFNS_AF_SUBSIDIARY:
        subsidiary_value(j);
        break;
    case SFNS_AF_CURRENCY:
        currency_value(j);
        break;
    case SFNS_AF_BILLING:
        address_value(j, f, &j->src.billing, "billing");
        break;
    case SFNS_AF_SHIPPING:
        address_value(j, f, &j->src.shipping, "shipping");
        break;
    case SFNS_AF_TERMS:
        if (s->presence == SFNS_TEXT && a->terms_by_name != NULL) {
            const char *id = map_lookup(j->ctx, a->terms_by_name, s->text);
            if (id == NULL)
                j->reasons[f] = sfns_api->sprintf(
                    j->ctx, "no NetSuite terms for \"%s\" in termsByName", s->text);
            else
                j->want[f] = (sfns_value){SFNS_TEXT, id, s->text};
        } else {
            j->want[f] = *s;
        }
        break;
    default:
        j->want[f] = *s;
        break;
    }
}

/* Fields this leg carries to NetSuite. */
static int carried(const sfns_accounts *a, sfns_af f)
{
    if (f == SFNS_AF_CREDIT_HOLD || f == SFNS_AF_NETSUITE_ID)
        return 0;
    return f != SFNS_AF_TERMS || a->terms_field != NULL;
}

/* ---- the customer record to write ------------------------------------------------------------ */

static const char *const ns_keys[SFNS_AF_COUNT] = {
    "companyname", "phone",    "fax", "url", "category", "salesrep", "parent",
    "subsidiary",  "currency", NULL,  NULL,  "terms",    NULL,       NULL,
};

static hs_json *customer(struct job *j, const char *external_id, const char *hash)
{
    hs_ctx *ctx = j->ctx;
    hs_json *out = sfns_api->json_new_object(ctx);
    hs_json *book = NULL;
    if (out == NULL || sfns_api->json_set_string(ctx, out, "externalid", external_id) != HS_OK)
        return NULL;
    for (int f = 0; f < SFNS_AF_COUNT; f++) {
        if (!j->write[f])
            continue;
        const sfns_value *w = &j->want[f];
        if (f == SFNS_AF_BILLING || f == SFNS_AF_SHIPPING) {
            if (book == NULL && ((book = sfns_api->json_new_array(ctx)) == NULL ||
                                 sfns_api->json_set(ctx, out, "addressbook", book) != HS_OK))
                return NULL;
            hs_json *line = sfns_address_to_netsuite(ctx, j->addr[f], f == SFNS_AF_BILLING);
            if (line == NULL || sfns_api->json_push(ctx, book, line) != HS_OK)
                return NULL;
            continue;
        }
        if (sfns_api->json_set_string(ctx, out, ns_keys[f],
                                      w->presence == SFNS_TEXT ? w->text : "") != HS_OK)
            return NULL;
        /* A person account is an individual customer in NetSuite. */
        if (f == SFNS_AF_NAME && sfns_flag(ctx, sfns_field(j->rec, "IsPersonAccount")) == 1) {
            const char *first = NULL, *last = NULL;
            sfns_text_field(ctx, j->rec, "FirstName", &first);
            sfns_text_field(ctx, j->rec, "LastName", &last);
            if (sfns_api->json_set_bool(ctx, out, "isperson", 1) != HS_OK ||
                sfns_api->json_set_string(ctx, out, "firstname", first ? first : "") != HS_OK ||
                sfns_api->json_set_string(ctx, out, "lastname", last ? last : "") != HS_OK)
                return NULL;
        }
    }
    if (hash != NULL && sfns_api->json_set_string(ctx, out, j->a->ns_hash_field, hash) != HS_OK)
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

static hs_json *account_record(hs_ctx *ctx, void *state, hs_json *rec, size_t index, size_t count)
{
    const sfns_accounts *a = state;
    if (sfns_api->json_type(rec) != HS_JSON_OBJECT)
        return fail_record(ctx, "not_a_record",
                           sfns_api->sprintf(ctx, "Record %zu of %zu is not an Account object.",
                                             index + 1, count));
    struct job j = {.ctx = ctx, .a = a, .rec = rec, .st = HS_OK};

    /* The Id: the external id retries upsert by. */
    const char *raw = NULL, *name = NULL;
    sfns_text_field(ctx, rec, "Name", &name);
    if (sfns_text_field(ctx, rec, "Id", &raw) != SFNS_TEXT)
        return fail_record(
            ctx, "missing_id",
            sfns_api->sprintf(ctx,
                              "Record %zu of %zu%s%s%s has no Salesforce Id: the export must "
                              "select the Account's Id.",
                              index + 1, count, name ? " (" : "", name ? name : "",
                              name ? ")" : ""));
    char id[19];
    sfns_sfid_status ids = sfns_sfid_to18(raw, strlen(raw), id);
    if (ids != SFNS_SFID_OK || strncmp(id, "001", 3) != 0)
        return fail_record(
            ctx, "bad_id",
            sfns_api->sprintf(ctx,
                              "Record %zu of %zu has Id \"%s\", which is not a Salesforce "
                              "Account Id: it %s.",
                              index + 1, count, raw,
                              ids != SFNS_SFID_OK ? sfns_sfid_strerror(ids)
                                                  : "does not start with 001"));
    j.label = name ? sfns_api->sprintf(ctx, "Account %s (%s)", id, name)
                   : sfns_api->sprintf(ctx, "Account %s", id);

    /* Loop prevention, by user: an edit the integration itself made. */
    if (a->user_check && a->sf_user != NULL) {
        const char *by = NULL;
        char by18[19];
        if (sfns_text_field(ctx, rec, a->sf_modified_by_field, &by) == SFNS_TEXT &&
            sfns_sfid_to18(by, strlen(by), by18) == SFNS_SFID_OK && strcmp(by18, a->sf_user) == 0)
            return skip(&j, "last modified by the integration user (an echo of its own write)");
    }
    const hs_json *current = NULL;
    size_t found = sfns_accounts_current(a, rec, &current);
    if (found == SFNS_CURRENT_BAD)
        return fail_record(
            ctx, "bad_lookup",
            sfns_api->sprintf(ctx,
                              "%s: its field \"%s\" holds %s, not the NetSuite customer the "
                              "lookup found: the lookup must put the customer (an object), an "
                              "array of the customers it found, or null there.",
                              j.label, a->current_field, sfns_accounts_current_what(ctx, a, rec)));
    if (found > 1)
        return fail_record(
            ctx, "ambiguous_lookup",
            sfns_api->sprintf(ctx,
                              "%s: the lookup found %zu NetSuite customers for it; merge the "
                              "duplicates in NetSuite (or narrow the lookup) and retry.",
                              j.label, found));

    sfns_accounts_sf_values(ctx, a, rec, &j.src);
    /* Loop prevention, by hash: nothing changed since the last sync wrote the record. */
    const char *stored = NULL;
    char hex[SFNS_HASH_HEX];
    if (a->hash_check && sfns_text_field(ctx, rec, a->sf_hash_field, &stored) == SFNS_TEXT) {
        sfns_accounts_hash(a, SFNS_SALESFORCE, &j.src, hex);
        if (sfns_streq_nocase(hex, stored))
            return skip(&j, "unchanged since the last sync (its sync hash matches)");
    }
    if (current != NULL)
        sfns_accounts_ns_values(ctx, a, current, &j.cur);

    sfns_own_facts facts = {.source = SFNS_SALESFORCE,
                            .target_exists = current != NULL,
                            .ordered = sfns_accounts_ordered(ctx, a, current)};
    facts.source_time_known =
        sfns_time_read(ctx, sfns_field(rec, a->sf_modified_field), NULL, NULL, &facts.source_ms);
    facts.target_time_known =
        current != NULL && sfns_time_read(ctx, sfns_field(current, a->ns_modified_field),
                                          a->ns_date_format, a->ns_time_zone, &facts.target_ms);

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
        if (current == NULL && j.want[f].presence == SFNS_EMPTY) {
            j.reasons[f] = "empty in Salesforce";
            continue;
        }
        if (current != NULL && sfns_value_same(&j.want[f], &j.cur.v[f])) {
            j.reasons[f] = "unchanged";
            continue;
        }
        j.write[f] = 1;
        writes++;
    }
    if (j.st != HS_OK)
        return NULL;
    if (j.errors != NULL) {
        sfns_api->log(ctx, HS_LOG_WARN, "%s: %s not mapped: %zu error(s)",
                      sfns_api->ctx_function(ctx), j.label, sfns_api->json_len(j.errors));
        return sfns_result_errors(ctx, j.errors);
    }
    if (writes == 0) {
        if (sfns_accounts_reasons(ctx, a, NULL, j.label, j.reasons) != HS_OK)
            return NULL;
        return skip(&j, "nothing to write (every field is owned by NetSuite or unchanged)");
    }

    /* The hash the customer will hold after this write: its current values, with ours. */
    const char *hash = NULL;
    if (a->hash_check) {
        sfns_account_values after = j.cur;
        for (int f = 0; f < SFNS_AF_COUNT; f++)
            if (j.write[f])
                after.v[f] = j.want[f];
        sfns_accounts_hash(a, SFNS_NETSUITE, &after, hex);
        hash = hex;
    }
    hs_json *out = customer(&j, id, hash);
    if (out == NULL || sfns_accounts_reasons(ctx, a, out, j.label, j.reasons) != HS_OK)
        return NULL;
    return sfns_result_data(ctx, out);
}

static hs_status account_to_customer(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    sfns_accounts a;
    hs_status st = sfns_accounts_read(ctx, &a);
    if (st != HS_OK)
        return st;
    return sfns_premap_page(ctx, options, account_record, &a, result);
}

hs_status sfns_account_register(hs_module *mod)
{
    hs_fn_opts o = HS_FN_OPTS_INIT;
    o.description = "Salesforce Account -> NetSuite customer fields to upsert by external id, "
                    "with field ownership and loop prevention (preMap)";
    return sfns_api->register_fn(mod, "sfnsAccountToCustomer", HS_KIND_PRE_MAP, account_to_customer,
                                 &o);
}
