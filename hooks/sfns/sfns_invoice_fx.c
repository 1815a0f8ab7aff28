/* sfns_invoice_fx.c — sfnsInvoiceStatus's amounts in the account's currency: which currency a
 * transaction is in and which its customer (the Salesforce Account) keeps its balance in, and the
 * conversion between them through the module's shared currency code (sfns_fx: rates from
 * settings.sfns.currency or from the record, dated rates, missing and stale rates). Without
 * convertToAccountCurrency amounts stay in the transaction's currency. */
#include "sfns_invoices.h"

#include "sfns_text.h"

#include <string.h>

/* The ISO code a currency value names: a code itself (any case), a reference whose name or id is
 * one, or a NetSuite currency id listed in settings.sfns.currency.netsuiteIds. NULL otherwise. */
static const char *currency_code(hs_ctx *ctx, const sfns_invoices *s, const hs_json *v)
{
    sfns_ref ref;
    if (sfns_ref_read(ctx, v, &ref) != SFNS_TEXT)
        return NULL;
    const char *texts[] = {ref.name, ref.id};
    for (size_t i = 0; i < 2; i++) {
        const char *code = sfns_fx_code(ctx, texts[i]);
        if (code != NULL && sfns_fx_minor_units(&s->fx, code) >= 0)
            return code;
    }
    const hs_json *ids = s->fx.netsuite_ids;
    size_t n = sfns_api->json_len(ids);
    for (size_t i = 0; ref.id != NULL && i < n; i++) {
        const char *id = sfns_id_text(ctx, sfns_api->json_value_at(ids, i));
        if (id != NULL && strcmp(id, ref.id) == 0) {
            size_t len = 0;
            const char *key = sfns_api->json_key_at(ids, i, &len);
            return sfns_api->sprintf(ctx, "%.*s", (int)len, key);
        }
    }
    return NULL;
}

static const char *listed(hs_ctx *ctx, const sfns_paths *paths)
{
    const char *out = "";
    for (size_t i = 0; i < paths->n; i++)
        out = sfns_api->sprintf(ctx, "%s%s%s", out, i ? ", " : "", paths->paths[i]);
    return out ? out : "?";
}

int sfns_invoice_fx_setup(hs_ctx *ctx, const sfns_invoices *s, const hs_datetime *now, sfns_tx *tx,
                          hs_json **errors)
{
    tx->out_currency = tx->currency;
    tx->pair = NULL;
    if (!s->convert)
        return 1;
    const char *from = tx->currency_code;
    if (from == NULL && tx->currency != NULL)
        from = currency_code(ctx, s, sfns_field(tx->rec, "currency"));
    if (from == NULL && tx->currency == NULL)
        from = s->fx.default_currency;
    if (from == NULL) {
        tx->failed = 1;
        if (tx->currency != NULL)
            return sfns_tx_error(ctx, tx, errors, "unknown_currency",
                                 "has currency \"%s\", which is neither an ISO 4217 code nor a "
                                 "NetSuite currency id listed in "
                                 "settings.sfns.currency.netsuiteIds.",
                                 tx->currency) == HS_OK
                       ? 0
                       : -1;
        return sfns_tx_error(ctx, tx, errors, "unknown_currency",
                             "names no currency: add currency to the export, or set "
                             "settings.sfns.currency.defaultCurrency.") == HS_OK
                   ? 0
                   : -1;
    }
    const char *to = NULL;
    for (size_t i = 0; to == NULL && i < s->account_currency_fields.n; i++)
        to = currency_code(ctx, s, sfns_invoice_path(tx->rec, s->account_currency_fields.paths[i]));
    if (to == NULL)
        to = s->account_currency;
    if (to == NULL) {
        tx->failed = 1;
        return sfns_tx_error(ctx, tx, errors, "no_account_currency",
                             "does not say the currency of its customer's balance "
                             "(settings.sfns.invoices.accountCurrencyFields: %s): add it to the "
                             "export, or set settings.sfns.invoices.accountCurrency.",
                             listed(ctx, &s->account_currency_fields)) == HS_OK
                   ? 0
                   : -1;
    }
    hs_datetime on;
    if (s->on_run_date) {
        int64_t ms = 0;
        hs_datetime local;
        if (sfns_api->date_to_ms(ctx, now, NULL, &ms) != HS_OK ||
            sfns_api->date_from_ms(ctx, ms, s->time_zone, &local) != HS_OK)
            return -1;
        on = (hs_datetime){.year = local.year, .month = local.month, .day = local.day};
    } else if (tx->has_trandate) {
        on = tx->trandate;
    } else {
        tx->failed = 1;
        return sfns_tx_error(ctx, tx, errors, "missing_date",
                             "has no trandate, the date its amounts are converted on "
                             "(settings.sfns.invoices.conversionDate is \"transaction\").") == HS_OK
                   ? 0
                   : -1;
    }
    sfns_fx_table rates;
    const char *problem = NULL;
    sfns_fx_pair *pair = sfns_api->alloc(ctx, sizeof(*pair));
    if (pair == NULL)
        return -1;
    sfns_fx_status fst = sfns_fx_record_rates(ctx, &s->fx, tx->rec, &rates, &problem);
    if (fst == SFNS_FX_OK)
        fst = sfns_fx_pair_find(ctx, &s->fx, &rates, from, to, &on, pair, &problem);
    if (fst == SFNS_FX_ERROR)
        return -1;
    if (fst != SFNS_FX_OK) {
        tx->failed = 1;
        return sfns_tx_error(ctx, tx, errors, sfns_fx_status_code(fst),
                             "cannot be converted into its customer's currency %s: %s.", to,
                             problem ? problem : "no rate") == HS_OK
                   ? 0
                   : -1;
    }
    tx->pair = pair;
    tx->out_currency = to;
    return 1;
}

hs_status sfns_invoice_fx_amount(hs_ctx *ctx, const sfns_invoices *s, const sfns_tx *tx,
                                 hs_decimal in, hs_decimal *out)
{
    if (tx->pair == NULL) {
        *out = in;
        return HS_OK;
    }
    return sfns_fx_convert(ctx, &s->fx, tx->pair, in, out);
}
