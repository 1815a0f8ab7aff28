/* sfns_opportunity.c — sfnsOpportunityToSalesOrder (preMap): a Salesforce Opportunity with its
 * OpportunityLineItems becomes a NetSuite sales order or estimate to upsert by external id (the
 * 18-character Opportunity Id): header (customer by the Account's external id, dates, currency,
 * subsidiary, PO number, memo, sales rep), item lines through the catalog (bundles expanded into
 * their components, discounts as net rates or discount lines), amounts converted into the order's
 * currency with the line total kept, and a totals check against the Opportunity's Amount. A
 * record that cannot be mapped gets per-record errors naming what to fix; the page goes on. */
#include "sfns_orders.h"

#include "sfns_alloc.h"
#include "sfns_sdk.h"
#include "sfns_sfid.h"
#include "sfns_text.h"

#include <string.h>

/* The Opportunity's values the order needs, read before any amount is computed. */
struct header {
    char id[19], account[19];
    sfns_order_type type;
    hs_datetime close;
    const char *order_currency;
    const char *netsuite_currency;
    sfns_fx_table record_rates;
    sfns_fx_pair pair;
    int has_amount;
    hs_decimal amount;
};

/* ---- reading the header ---------------------------------------------------------------------- */

static void read_route(sfns_order_job *j, struct header *h)
{
    h->type = j->o->record_type;
    const char *route = NULL;
    if (sfns_text_field(j->ctx, j->rec, j->o->route_field, &route) != SFNS_TEXT)
        return;
    if (sfns_streq_nocase(route, "order") || sfns_streq_nocase(route, "salesorder"))
        h->type = SFNS_SALES_ORDER;
    else if (sfns_streq_nocase(route, "quote") || sfns_streq_nocase(route, "estimate"))
        h->type = SFNS_ESTIMATE;
    else
        sfns_order_error(j, "bad_route",
                         "has %s \"%s\", which this step does not write: it writes \"order\" "
                         "records (sales orders) and \"quote\" records (estimates); send the "
                         "others down another branch of the router.",
                         j->o->route_field, route);
}

static void read_account(sfns_order_job *j, struct header *h)
{
    const char *raw = NULL;
    if (sfns_text_field(j->ctx, j->rec, "AccountId", &raw) != SFNS_TEXT)
        sfns_text(j->ctx, sfns_field_path(j->rec, "Account.Id"), &raw);
    if (raw == NULL) {
        sfns_order_error(j, "missing_account",
                         "has no AccountId: the order's customer is the Account's NetSuite "
                         "customer; select AccountId in the export and sync the Account first.");
        return;
    }
    sfns_sfid_status st = sfns_sfid_to18(raw, strlen(raw), h->account);
    if (st != SFNS_SFID_OK || strncmp(h->account, "001", 3) != 0)
        sfns_order_error(j, "bad_account_id",
                         "has AccountId \"%s\", which is not an Account Id: it %s.", raw,
                         st != SFNS_SFID_OK ? sfns_sfid_strerror(st) : "does not start with 001");
}

/* CloseDate as a calendar date (an instant counts by its date in settings.sfns.orders.timeZone). */
static void read_close_date(sfns_order_job *j, struct header *h)
{
    hs_ctx *ctx = j->ctx;
    const char *text = NULL;
    if (sfns_text_field(ctx, j->rec, "CloseDate", &text) != SFNS_TEXT) {
        sfns_order_error(j, "missing_close_date",
                         "has no CloseDate: it is the order's date and chooses the exchange rate; "
                         "select CloseDate in the export.");
        return;
    }
    hs_datetime d;
    int64_t ms = 0;
    if (sfns_api->date_parse(ctx, text, NULL, &d) != HS_OK ||
        ((d.flags & HS_DATETIME_HAS_OFFSET) &&
         (sfns_api->date_to_ms(ctx, &d, NULL, &ms) != HS_OK ||
          sfns_api->date_from_ms(ctx, ms, j->o->time_zone, &d) != HS_OK))) {
        sfns_order_error(j, "bad_close_date",
                         "has CloseDate \"%s\", which is not a date (Salesforce writes "
                         "\"2024-03-05\").",
                         text);
        return;
    }
    h->close = (hs_datetime){.year = d.year, .month = d.month, .day = d.day};
}

/* A currency field's code: 1 read, 0 absent, -1 not a known currency (reported). */
static int currency_of(sfns_order_job *j, const hs_json *v, const char *what, const char **out)
{
    const char *text = NULL;
    sfns_ref ref;
    if (sfns_ref_read(j->ctx, v, &ref) != SFNS_TEXT)
        return 0;
    text = ref.name && strlen(ref.name) == 3 ? ref.name : ref.id ? ref.id : ref.name;
    *out = sfns_fx_code(j->ctx, text);
    if (*out == NULL || sfns_fx_minor_units(&j->o->fx, *out) < 0) {
        sfns_order_error(j, "unknown_currency",
                         "has %s \"%s\", which is not an ISO 4217 currency code: correct it, or "
                         "give the code its decimal places in settings.sfns.currency.minorUnits.",
                         what, text);
        return -1;
    }
    return 1;
}

static void read_currencies(sfns_order_job *j, struct header *h)
{
    const sfns_orders *o = j->o;
    int got =
        currency_of(j, sfns_field(j->rec, "CurrencyIsoCode"), "CurrencyIsoCode", &j->currency);
    if (got == 0 && (j->currency = o->fx.default_currency) == NULL) {
        sfns_order_error(j, "missing_currency",
                         "has no CurrencyIsoCode: select it in the export (multi-currency orgs), "
                         "or set settings.sfns.currency.defaultCurrency (single-currency orgs).");
        return;
    }
    if (got < 0)
        return;
    j->places = sfns_fx_minor_units(&o->fx, j->currency);
    h->order_currency = NULL;
    if (o->order_currency_field != NULL &&
        currency_of(j, sfns_field_path(j->rec, o->order_currency_field), o->order_currency_field,
                    &h->order_currency) < 0)
        return;
    if (h->order_currency == NULL)
        h->order_currency = o->order_currency ? o->order_currency : j->currency;
    h->netsuite_currency = sfns_fx_netsuite_id(j->ctx, &o->fx, h->order_currency);
    if (h->netsuite_currency == NULL)
        sfns_order_error(
            j, "unknown_currency",
            "is to be ordered in %s, which has no NetSuite currency: add \"%s\": "
            "\"<NetSuite currency internal id>\" to settings.sfns.currency.netsuiteIds.",
            h->order_currency, h->order_currency);
}

/* The conversion into the order's currency on the close date (needs the date and currencies). */
static void read_conversion(sfns_order_job *j, struct header *h)
{
    const char *problem = NULL;
    sfns_fx_status st = SFNS_FX_OK;
    if (strcmp(j->currency, h->order_currency) != 0)
        st = sfns_fx_record_rates(j->ctx, &j->o->fx, j->rec, &h->record_rates, &problem);
    if (st == SFNS_FX_OK)
        st = sfns_fx_pair_find(j->ctx, &j->o->fx, &h->record_rates, j->currency, h->order_currency,
                               &h->close, &h->pair, &problem);
    if (st == SFNS_FX_ERROR)
        j->st = HS_ERR_NOMEM;
    else if (st != SFNS_FX_OK)
        sfns_order_error(j, sfns_fx_status_code(st), "is in %s and its order in %s, but %s.",
                         j->currency, h->order_currency, problem);
}

static void read_amount(sfns_order_job *j, struct header *h)
{
    const hs_json *v = sfns_field(j->rec, "Amount");
    hs_json_type t = sfns_api->json_type(v);
    if (t == HS_JSON_ABSENT || t == HS_JSON_NULL) {
        if (j->o->totals_check)
            sfns_order_error(j, "missing_amount",
                             "has no Amount to check the order's total against: select Amount in "
                             "the export (or set settings.sfns.orders.totalsCheck to false).");
        return;
    }
    if (sfns_api->decimal_from_json(j->ctx, v, &h->amount) != HS_OK) {
        const char *t = NULL;
        sfns_text(j->ctx, v, &t);
        sfns_order_error(j, "bad_amount", "has Amount \"%s\", which %s.", t ? t : "(not text)",
                         sfns_not_decimal(j->ctx, v, "is not an amount"));
        return;
    }
    h->has_amount = 1;
}

/* ---- writing the order ---------------------------------------------------------------------- */

/* Sets key to a decimal number; 0 past the memory limit. */
static int set_amount(hs_ctx *ctx, hs_json *obj, const char *key, hs_decimal a)
{
    hs_json *v = sfns_order_amount(ctx, a);
    return v != NULL && sfns_api->json_set(ctx, obj, key, v) == HS_OK;
}

static int set_text(hs_ctx *ctx, hs_json *obj, const char *key, const char *s)
{
    return s == NULL || sfns_api->json_set_string(ctx, obj, key, s) == HS_OK;
}

/* Appends one item sublist line. */
static int push_line(hs_ctx *ctx, hs_json *items, const char *item, const hs_decimal *quantity,
                     hs_decimal rate, hs_decimal amount, const char *description, int custom_price)
{
    hs_json *l = sfns_api->json_new_object(ctx);
    return l != NULL && set_text(ctx, l, "item", item) &&
           (quantity == NULL || set_amount(ctx, l, "quantity", *quantity)) &&
           (!custom_price || set_text(ctx, l, "price", "-1")) && set_amount(ctx, l, "rate", rate) &&
           set_amount(ctx, l, "amount", amount) && set_text(ctx, l, "description", description) &&
           sfns_api->json_push(ctx, items, l) == HS_OK;
}

/* A bundle line as its components; returns the status of the decimal calls (0 past memory). */
static hs_status push_bundle(sfns_order_job *j, const struct header *h, hs_json *items,
                             const sfns_order_line *l, hs_decimal amount, int rate_places)
{
    hs_ctx *ctx = j->ctx;
    const sfns_bundle *b = l->bundle;
    sfns_alloc_part *parts = sfns_api->alloc(ctx, b->n * sizeof(*parts));
    if (parts == NULL)
        return HS_ERR_NOMEM;
    for (size_t i = 0; i < b->n; i++)
        parts[i] = (sfns_alloc_part){.per_bundle = b->components[i].quantity,
                                     .weight = b->components[i].weight};
    const char *rounding_item = j->o->catalog.rounding_item;
    hs_decimal residual;
    size_t at = 0;
    hs_status st =
        sfns_alloc_bundle(ctx, amount, l->quantity, parts, b->n, h->pair.to_places, rate_places,
                          j->o->fx.mode, rounding_item != NULL, &residual, &at);
    if (st != HS_OK)
        return st;
    for (size_t i = 0; i < b->n; i++) {
        const char *d =
            b->components[i].description ? b->components[i].description : l->description;
        if (!push_line(ctx, items, b->components[i].item, &parts[i].quantity, parts[i].rate,
                       parts[i].amount, d, 1))
            return HS_ERR_NOMEM;
    }
    if (rounding_item != NULL && !sfns_api->decimal_is_zero(residual)) {
        hs_decimal one = HS_DECIMAL(1, 0);
        if (!push_line(ctx, items, rounding_item, &one, residual, residual,
                       sfns_api->sprintf(ctx, "Rounding of bundle %s", b->code), 1))
            return HS_ERR_NOMEM;
    }
    return HS_OK;
}

/* The item sublist from the converted amounts. */
static hs_json *item_lines(sfns_order_job *j, const struct header *h, const hs_decimal *amounts)
{
    hs_ctx *ctx = j->ctx;
    /* bundle components are priced at the currency's unit unless ratePlaces says otherwise */
    int rate_places = j->o->rate_places >= 0 ? j->o->rate_places : h->pair.to_places;
    hs_json *items = sfns_api->json_new_array(ctx);
    hs_status st = items ? HS_OK : HS_ERR_NOMEM;
    for (size_t k = 0; k < j->nlines && st == HS_OK; k++) {
        const sfns_order_line *l = &j->lines[k];
        hs_decimal rate = amounts[k];
        if (l->kind == SFNS_LINE_ITEM && l->bundle != NULL) {
            st = push_bundle(j, h, items, l, amounts[k], rate_places);
            continue;
        }
        if (l->kind == SFNS_LINE_ITEM)
            st = sfns_alloc_rate(ctx, amounts[k], l->quantity, h->pair.to_places, j->o->rate_places,
                                 j->o->fx.mode, &rate);
        if (st == HS_OK &&
            !push_line(ctx, items, l->item, l->kind == SFNS_LINE_ITEM ? &l->quantity : NULL, rate,
                       amounts[k], l->description, l->kind == SFNS_LINE_ITEM))
            st = HS_ERR_NOMEM;
    }
    if (st != HS_OK) {
        sfns_order_error(j, "bad_amount", "has amounts the order cannot hold: %s.",
                         sfns_api->ctx_last_error(ctx, NULL));
        return NULL;
    }
    return items;
}

static const char *date_out(sfns_order_job *j, const hs_datetime *d)
{
    const char *s = NULL;
    if (sfns_api->date_format(j->ctx, d, j->o->date_format, &s) != HS_OK)
        j->st = HS_ERR_NOMEM;
    return s;
}

/* A text field by settings path, or NULL. */
static const char *path_text(hs_ctx *ctx, const hs_json *rec, const char *path)
{
    const char *t = NULL;
    if (path == NULL)
        return NULL;
    sfns_ref ref;
    if (sfns_ref_read(ctx, sfns_field_path(rec, path), &ref) != SFNS_TEXT)
        return NULL;
    t = ref.id ? ref.id : ref.name;
    return t;
}

static const char *sales_rep(sfns_order_job *j)
{
    const char *owner = NULL;
    char id[19];
    const sfns_orders *o = j->o;
    if (sfns_text_field(j->ctx, j->rec, "OwnerId", &owner) == SFNS_TEXT &&
        sfns_sfid_to18(owner, strlen(owner), id) == SFNS_SFID_OK) {
        const char *rep = sfns_map_id(j->ctx, o->sales_rep_by_owner, id);
        if (rep != NULL)
            return rep;
    }
    if (o->default_sales_rep == NULL && o->sales_rep_by_owner != NULL)
        sfns_api->log(j->ctx, HS_LOG_DEBUG, "%s: %s: no sales rep for owner %s",
                      sfns_api->ctx_function(j->ctx), j->label, owner ? owner : "(none)");
    return o->default_sales_rep;
}

/* An amount of the Opportunity's currency as text, at its minor units when it has no more. */
static const char *amount_text(sfns_order_job *j, hs_decimal a)
{
    hs_decimal r;
    if (a.scale < j->places && sfns_fx_round(j->ctx, &j->o->fx, a, j->places, &r) == HS_OK)
        a = r;
    return sfns_fx_text(j->ctx, a);
}

/* The audit member _sfns: the order's total and, when converted, the rates used. */
static hs_json *audit(sfns_order_job *j, const struct header *h, hs_decimal total)
{
    hs_ctx *ctx = j->ctx;
    hs_json *a = sfns_api->json_new_object(ctx);
    if (a == NULL || !set_text(ctx, a, "total", sfns_fx_text(ctx, total)) ||
        !set_text(ctx, a, "currency", h->order_currency) ||
        (h->has_amount && !set_text(ctx, a, "opportunityAmount", amount_text(j, h->amount))) ||
        !set_text(ctx, a, "opportunityCurrency", j->currency))
        return NULL;
    if (!sfns_api->decimal_is_zero(j->order_discount) &&
        !set_text(ctx, a, "opportunityDiscount", sfns_fx_text(ctx, j->order_discount)))
        return NULL;
    if (h->pair.identity)
        return a;
    hs_json *rates = sfns_api->json_new_object(ctx);
    if (rates == NULL || !set_text(ctx, a, "corporateCurrency", j->o->fx.corporate) ||
        !set_text(ctx, rates, h->pair.from, sfns_fx_text(ctx, h->pair.from_rate.rate)) ||
        !set_text(ctx, rates, h->pair.to, sfns_fx_text(ctx, h->pair.to_rate.rate)) ||
        sfns_api->json_set(ctx, a, "rates", rates) != HS_OK ||
        !set_text(ctx, a, "ratesOn", date_out(j, &h->close)))
        return NULL;
    return a;
}

/* The totals check; 1 when it passes (or is off). */
static int totals_match(sfns_order_job *j, const struct header *h, hs_decimal total)
{
    hs_ctx *ctx = j->ctx;
    if (!j->o->totals_check)
        return 1;
    hs_decimal expected, want, lines = HS_DECIMAL(0, 0);
    hs_status st = sfns_api->decimal_sub(ctx, h->amount, j->unseen_discounts, &expected);
    if (st == HS_OK)
        st = sfns_fx_convert(ctx, &j->o->fx, &h->pair, expected, &want);
    for (size_t k = 0; k < j->nlines && st == HS_OK; k++)
        st = sfns_api->decimal_add(ctx, lines, j->lines[k].amount, &lines);
    if (st != HS_OK) {
        sfns_order_error(j, "bad_amount", "has an Amount the order cannot hold: %s.",
                         sfns_api->ctx_last_error(ctx, NULL));
        return 0;
    }
    if (sfns_api->decimal_cmp(total, want) == 0)
        return 1;
    const char *unit = sfns_fx_text(ctx, HS_DECIMAL(1, h->pair.to_places));
    const char *less =
        sfns_api->decimal_is_zero(j->unseen_discounts)
            ? ""
            : sfns_api->sprintf(ctx, " less the discounts it does not include (%s %s)",
                                sfns_fx_text(ctx, j->unseen_discounts), j->currency);
    if (h->pair.identity)
        sfns_order_error(j, "totals_mismatch",
                         "has line items that total %s %s after discounts, but its Amount%s is "
                         "%s %s: the order's total must equal the opportunity's to %s %s. Correct "
                         "the line items or the Amount in Salesforce.",
                         sfns_fx_text(ctx, total), h->order_currency, less, sfns_fx_text(ctx, want),
                         h->order_currency, unit, h->order_currency);
    else
        sfns_order_error(j, "totals_mismatch",
                         "has line items that total %s %s after discounts (%s %s), but its "
                         "Amount%s is %s %s (%s %s) at the exchange rates per 1 %s of %s %s and "
                         "%s %s: the order's total must equal the opportunity's to %s %s. Correct "
                         "the line items or the Amount in Salesforce.",
                         sfns_fx_text(ctx, lines), j->currency, sfns_fx_text(ctx, total),
                         h->order_currency, less, sfns_fx_text(ctx, expected), j->currency,
                         sfns_fx_text(ctx, want), h->order_currency, j->o->fx.corporate,
                         j->currency, sfns_fx_text(ctx, h->pair.from_rate.rate), h->order_currency,
                         sfns_fx_text(ctx, h->pair.to_rate.rate), unit, h->order_currency);
    return 0;
}

static hs_json *order(sfns_order_job *j, struct header *h)
{
    hs_ctx *ctx = j->ctx;
    const sfns_orders *o = j->o;
    hs_decimal *amounts = sfns_api->alloc(ctx, (j->nlines + 1) * sizeof(hs_decimal));
    hs_decimal *in = sfns_api->alloc(ctx, (j->nlines + 1) * sizeof(hs_decimal));
    if (amounts == NULL || in == NULL) {
        j->st = HS_ERR_NOMEM;
        return NULL;
    }
    for (size_t k = 0; k < j->nlines; k++)
        in[k] = j->lines[k].amount;
    hs_decimal total;
    size_t adjusted;
    if (sfns_fx_convert_lines(ctx, &o->fx, &h->pair, in, amounts, j->nlines, &total, &adjusted) !=
        HS_OK) {
        sfns_order_error(j, "bad_amount", "has amounts that cannot be converted into %s: %s.",
                         h->order_currency, sfns_api->ctx_last_error(ctx, NULL));
        return NULL;
    }
    if (!totals_match(j, h, total))
        return NULL;
    hs_json *items = item_lines(j, h, amounts);
    if (items == NULL)
        return NULL;

    hs_json *out = sfns_api->json_new_object(ctx);
    int ok = out != NULL;
    ok = ok &&
         set_text(ctx, out, "recordType", h->type == SFNS_ESTIMATE ? "estimate" : "salesorder");
    ok = ok && set_text(ctx, out, "externalid", h->id);
    ok = ok && set_text(ctx, out, "entity", h->account);
    ok = ok && set_text(ctx, out, "trandate", date_out(j, &h->close));
    if (ok && h->type == SFNS_ESTIMATE) {
        hs_datetime due;
        ok = sfns_api->date_add_days(ctx, &h->close, o->quote_validity_days, &due) == HS_OK &&
             set_text(ctx, out, "duedate", date_out(j, &due));
    }
    ok = ok && set_text(ctx, out, "currency", h->netsuite_currency);
    const char *subsidiary = path_text(ctx, j->rec, o->subsidiary_field);
    ok = ok && set_text(ctx, out, "subsidiary", subsidiary ? subsidiary : o->default_subsidiary);
    ok = ok && set_text(ctx, out, "otherrefnum", path_text(ctx, j->rec, o->po_number_field));
    ok = ok && set_text(ctx, out, "memo", path_text(ctx, j->rec, o->memo_field));
    ok = ok && set_text(ctx, out, "salesrep", sales_rep(j));
    if (ok && h->type == SFNS_SALES_ORDER)
        ok = set_text(ctx, out, "orderstatus", o->order_status);
    if (ok && h->type == SFNS_ESTIMATE) {
        hs_decimal p;
        ok = set_text(ctx, out, "entitystatus", o->estimate_status);
        if (ok && sfns_api->decimal_from_json(ctx, sfns_field(j->rec, "Probability"), &p) == HS_OK)
            ok = set_amount(ctx, out, "probability", p);
    }
    const char *ship = path_text(ctx, j->rec, o->ship_date_field);
    if (ok && ship != NULL) {
        hs_datetime d;
        if (sfns_api->date_parse(ctx, ship, NULL, &d) != HS_OK) {
            sfns_order_error(j, "bad_ship_date", "has %s \"%s\", which is not a date.",
                             o->ship_date_field, ship);
            return NULL;
        }
        d = (hs_datetime){.year = d.year, .month = d.month, .day = d.day};
        ok = set_text(ctx, out, "shipdate", date_out(j, &d));
    }
    ok = ok && sfns_api->json_set(ctx, out, "item", items) == HS_OK;
    hs_json *a = ok ? audit(j, h, total) : NULL;
    ok = a != NULL && sfns_api->json_set(ctx, out, "_sfns", a) == HS_OK;
    if (!ok || j->st != HS_OK) {
        j->st = HS_ERR_NOMEM;
        return NULL;
    }
    return out;
}

/* ---- the page -------------------------------------------------------------------------------- */

static hs_json *errors_result(sfns_order_job *j)
{
    sfns_api->log(j->ctx, HS_LOG_WARN, "%s: %s not mapped: %zu error(s)",
                  sfns_api->ctx_function(j->ctx), j->label, sfns_api->json_len(j->errors));
    return sfns_result_errors(j->ctx, j->errors);
}

/* The answer element of one record; NULL when an API call failed (the page fails). */
static hs_json *opportunity_record(const sfns_orders *o, hs_ctx *ctx, hs_json *rec, size_t index,
                                   size_t count, hs_status *st)
{
    sfns_order_job j = {.ctx = ctx, .o = o, .rec = rec, .st = HS_OK};
    struct header h;
    memset(&h, 0, sizeof(h));
    const char *where = sfns_api->sprintf(ctx, "(record %zu of %zu)", index + 1, count);
    if (sfns_api->json_type(rec) != HS_JSON_OBJECT)
        return sfns_result_error(
            ctx, "not_a_record",
            sfns_api->sprintf(ctx, "Record %zu of %zu is not an Opportunity object.", index + 1,
                              count));
    const char *raw = NULL, *name = NULL;
    sfns_text_field(ctx, rec, "Name", &name);
    if (sfns_text_field(ctx, rec, "Id", &raw) != SFNS_TEXT)
        return sfns_result_error(
            ctx, "missing_id",
            sfns_api->sprintf(ctx,
                              "Opportunity %s%s%s%s has no Id: the order's external id is the "
                              "Opportunity Id; select Id in the export.",
                              name ? "\"" : "", name ? name : "", name ? "\" " : "", where));
    sfns_sfid_status ids = sfns_sfid_to18(raw, strlen(raw), h.id);
    if (ids != SFNS_SFID_OK || strncmp(h.id, "006", 3) != 0)
        return sfns_result_error(
            ctx, "bad_id",
            sfns_api->sprintf(
                ctx, "Record %zu of %zu has Id \"%s\", which is not an Opportunity Id: it %s.",
                index + 1, count, raw,
                ids != SFNS_SFID_OK ? sfns_sfid_strerror(ids) : "does not start with 006"));
    j.label = name ? sfns_api->sprintf(ctx, "Opportunity %s \"%s\" %s", h.id, name, where)
                   : sfns_api->sprintf(ctx, "Opportunity %s %s", h.id, where);

    read_route(&j, &h);
    read_account(&j, &h);
    read_close_date(&j, &h);
    read_currencies(&j, &h);
    if (j.currency != NULL && h.order_currency != NULL && h.close.year != 0)
        read_conversion(&j, &h);
    if (j.currency != NULL)
        sfns_order_lines_read(&j);
    read_amount(&j, &h);
    hs_json *out = NULL;
    if (j.errors == NULL && j.st == HS_OK)
        out = order(&j, &h);
    if (j.st != HS_OK) {
        *st = j.st;
        return NULL;
    }
    if (j.errors != NULL)
        return errors_result(&j);
    return sfns_result_data(ctx, out);
}

static hs_status opportunity_to_sales_order(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    if (!sfns_sdk_ready())
        return sfns_api->fail(ctx, "unsupported_runner",
                              "sfnsOpportunityToSalesOrder needs the hook API's money and date "
                              "calls (ABI 1.2): upgrade the runner");
    sfns_orders o;
    hs_status st = sfns_orders_read(ctx, &o);
    if (st != HS_OK)
        return st;
    hs_json *data = sfns_api->json_get(options, "data");
    if (sfns_api->json_type(data) != HS_JSON_ARRAY)
        return sfns_api->fail(ctx, "invalid_options",
                              "%s: options.data must be the array of records of the page (the "
                              "function is a preMap hook)",
                              sfns_api->ctx_function(ctx));
    size_t n = sfns_api->json_len(data);
    hs_json *out = sfns_api->json_new_array(ctx);
    if (out == NULL)
        return HS_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        hs_json *rec = sfns_api->json_at(data, i);
        st = HS_ERR_NOMEM;
        hs_json *elem = opportunity_record(&o, ctx, rec, i, n, &st);
        if (elem == NULL || sfns_api->json_push(ctx, out, elem) != HS_OK) {
            const char *id = NULL;
            sfns_text_field(ctx, rec, "Id", &id);
            const char *why = sfns_api->ctx_last_error(ctx, NULL);
            return sfns_api->fail(ctx, "internal_error",
                                  "%s (function %s at record %zu of %zu%s%s)",
                                  why ? why : hs_status_name(st), sfns_api->ctx_function(ctx),
                                  i + 1, n, id ? ", id " : "", id ? id : "");
        }
    }
    *result = out;
    return HS_OK;
}

hs_status sfns_opportunity_register(hs_module *mod)
{
    hs_fn_opts opts = HS_FN_OPTS_INIT;
    opts.description = "Salesforce Opportunity with line items -> NetSuite sales order or "
                       "estimate to upsert by external id: catalog, bundles, discounts, currency "
                       "conversion and a totals check (preMap)";
    return sfns_api->register_fn(mod, "sfnsOpportunityToSalesOrder", HS_KIND_PRE_MAP,
                                 opportunity_to_sales_order, &opts);
}
