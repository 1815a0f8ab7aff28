/* opportunity_lines.c — exOpportunityLines (preMap): a Salesforce Opportunity with its line items
 * (the OpportunityLineItems subquery) becomes a NetSuite sales order. A line's amount is quantity
 * x unit price less its percentage Discount, rounded half-up to the currency's minor unit
 * (exactly: hs_decimal, never a double). The Opportunity's Order_Discount__c, an amount, is
 * spread over the lines in proportion to their amounts, so the lines still sum exactly to the
 * total. CloseDate becomes tranDate in the account's date format (settings.dateFormat, default
 * "M/D/YYYY"). A line whose numbers cannot be read, an unknown currency, a discount above the
 * subtotal or a bad CloseDate keeps the record and adds an error. */
#include "examples.h"

#define api ex_api

/* Present: neither absent nor null. */
static int present(const hs_json *v)
{
    return api->json_type(v) > HS_JSON_NULL;
}

static hs_status order_error(hs_ctx *ctx, hs_record *rec, const char *code, const char *message)
{
    return api->record_add_error(rec, api->error_new(ctx, code, message, "examples"));
}

/* line[key] as a decimal; on failure *why says which field and why. */
static hs_status field(hs_ctx *ctx, hs_json *line, const char *key, hs_decimal *d, const char **why)
{
    hs_status st = api->decimal_from_json(ctx, api->json_get(line, key), d);
    if (st != HS_OK)
        *why = api->sprintf(ctx, "%s: %s", key, api->ctx_last_error(ctx, NULL));
    return st;
}

/* A line's amount before the order discount: quantity x price x (100 - Discount) / 100. */
static hs_status line_amount(hs_ctx *ctx, hs_json *line, int places, hs_decimal *amount,
                             const char **why)
{
    hs_decimal qty, price, gross, pct = HS_DECIMAL(0, 0); /* Discount: a percentage, often null */
    hs_status st;
    *why = NULL;
    if ((st = field(ctx, line, "Quantity", &qty, why)) != HS_OK ||
        (st = field(ctx, line, "UnitPrice", &price, why)) != HS_OK ||
        (present(api->json_get(line, "Discount")) &&
         (st = field(ctx, line, "Discount", &pct, why)) != HS_OK) ||
        (st = api->decimal_mul(ctx, qty, price, &gross)) != HS_OK ||
        (st = api->decimal_sub(ctx, HS_DECIMAL(100, 0), pct, &pct)) != HS_OK ||
        (st = api->decimal_mul(ctx, gross, pct, &gross)) != HS_OK)
        return st;
    return api->decimal_div(ctx, gross, HS_DECIMAL(100, 0), places, HS_ROUND_HALF_UP, amount);
}

static hs_status opportunity_lines(hs_ctx *ctx, hs_record *rec)
{
    hs_json *opp = api->record_data(rec);
    const char *currency = api->json_get_trimmed(ctx, opp, "CurrencyIsoCode");
    currency = currency ? currency : api->setting_string(ctx, "currency", "USD");
    int places = api->currency_minor_units(currency);
    if (places < 0)
        return order_error(ctx, rec, "unknown_currency",
                           api->sprintf(ctx, "Unknown currency \"%s\".", currency));
    hs_json *lines = api->json_path(opp, "OpportunityLineItems.records");
    size_t n = api->json_len(lines);
    if (n == 0)
        return order_error(ctx, rec, "no_lines", "The opportunity has no line items.");

    /* Line amounts, their subtotal, and the order discount spread over them. */
    hs_decimal *amount = api->alloc(ctx, n * sizeof(hs_decimal));
    hs_decimal *share = api->alloc(ctx, n * sizeof(hs_decimal));
    hs_decimal subtotal = HS_DECIMAL(0, places), discount = HS_DECIMAL(0, places), total;
    if (!amount || !share)
        return api->ctx_error(ctx);
    for (size_t i = 0; i < n; i++) {
        hs_json *line = api->json_at(lines, i);
        const char *why = NULL;
        if (line_amount(ctx, line, places, &amount[i], &why) != HS_OK ||
            api->decimal_add(ctx, subtotal, amount[i], &subtotal) != HS_OK)
            return order_error(ctx, rec, "bad_line",
                               api->sprintf(ctx, "Line %s: %s",
                                            api->json_to_string(ctx, api->json_get(line, "Id")),
                                            why ? why : api->ctx_last_error(ctx, NULL)));
    }
    hs_json *od = api->json_get(opp, "Order_Discount__c");
    char max[HS_DECIMAL_MAX];
    api->decimal_format(subtotal, max);
    if ((present(od) &&
         (api->decimal_from_json(ctx, od, &discount) != HS_OK ||
          api->decimal_round(ctx, discount, places, HS_ROUND_HALF_UP, &discount) != HS_OK)) ||
        api->decimal_sign(discount) < 0 || api->decimal_cmp(discount, subtotal) > 0)
        return order_error(ctx, rec, "bad_discount",
                           api->sprintf(ctx, "Order_Discount__c %s is not an amount from 0 to %s.",
                                        api->json_to_string(ctx, od), max));
    hs_status st;
    if (api->decimal_is_zero(discount)) {
        for (size_t i = 0; i < n; i++)
            share[i] = HS_DECIMAL(0, places);
    } else if ((st = api->decimal_allocate(ctx, discount, amount, n, places, share)) != HS_OK) {
        return order_error(ctx, rec, "bad_line", api->ctx_last_error(ctx, NULL));
    }
    hs_datetime close;
    const char *trandate = NULL;
    if (api->date_from_json(ctx, api->json_get(opp, "CloseDate"), NULL, &close) != HS_OK ||
        api->date_format(ctx, &close, api->setting_string(ctx, "dateFormat", "M/D/YYYY"),
                         &trandate) != HS_OK)
        return order_error(ctx, rec, "bad_close_date",
                           api->sprintf(ctx, "CloseDate: %s", api->ctx_last_error(ctx, NULL)));

    hs_json *order = api->json_new_object(ctx);
    hs_json *entity = api->json_new_object(ctx);
    hs_json *items = api->json_new_array(ctx);
    api->json_set_if_present(ctx, order, "externalId", api->json_get(opp, "Id"));
    api->json_set_if_present(ctx, entity, "externalId", api->json_get(opp, "AccountId"));
    api->json_set(ctx, order, "entity", entity);
    api->json_set_string(ctx, order, "currency", currency);
    api->json_set_string(ctx, order, "tranDate", trandate);
    for (size_t i = 0; i < n; i++) {
        hs_json *line = api->json_at(lines, i);
        hs_json *item = api->json_new_object(ctx);
        hs_json *ref = api->json_new_object(ctx);
        hs_decimal net;
        api->json_set_string_if_present(
            ctx, ref, "externalId",
            api->json_get_trimmed(ctx, api->json_get(line, "Product2"), "ProductCode"));
        api->json_set(ctx, item, "item", ref);
        api->json_set(ctx, item, "quantity", api->json_get(line, "Quantity"));
        if ((st = api->decimal_sub(ctx, amount[i], share[i], &net)) != HS_OK)
            return st;
        api->json_set(ctx, item, "amount", api->json_new_decimal(ctx, net));
        api->json_set_string_if_present(ctx, item, "description",
                                        api->json_get_trimmed(ctx, line, "Description"));
        api->json_push(ctx, items, item);
    }
    api->json_set(ctx, order, "item", items);
    if ((st = api->decimal_sub(ctx, subtotal, discount, &total)) != HS_OK)
        return st;
    api->json_set(ctx, order, "discountTotal", api->json_new_decimal(ctx, discount));
    api->json_set(ctx, order, "total", api->json_new_decimal(ctx, total));
    st = api->ctx_error(ctx);
    return st != HS_OK ? st : api->record_replace(rec, order);
}

hs_status ex_opportunity_register(hs_module *mod)
{
    hs_fn_opts o = HS_FN_OPTS_INIT;
    o.description = "Example: Salesforce Opportunity + lines -> NetSuite sales order (to the cent)";
    return api->register_record_fn(mod, "exOpportunityLines", HS_KIND_PRE_MAP, opportunity_lines,
                                   &o);
}
