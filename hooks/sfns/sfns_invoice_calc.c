/* sfns_invoice_calc.c — the rules of sfnsInvoiceStatus: an invoice's amount due, status and days
 * overdue as of the export's run time, the last payment, and the roll-ups per Opportunity and
 * per Account (see sfns_invoices.h). Amounts are hs_decimal through the runner's exact decimal
 * calls and days come from its calendar calls; nothing here reads JSON or the clock. */
#include "sfns_invoices.h"

#include <string.h>

hs_status sfns_days_past_due(hs_ctx *ctx, const hs_datetime *due_date, const hs_datetime *now,
                             const char *tz, int64_t *days)
{
    return sfns_api->date_days_between(ctx, due_date, now, tz, days);
}

sfns_inv_status sfns_invoice_classify(hs_decimal total, hs_decimal due, int64_t days_past_due,
                                      int64_t *days_overdue)
{
    *days_overdue = 0;
    if (sfns_api->decimal_sign(due) <= 0)
        return SFNS_INV_PAID;
    if (days_past_due > 0) {
        *days_overdue = days_past_due;
        return SFNS_INV_OVERDUE;
    }
    return sfns_api->decimal_cmp(due, total) < 0 ? SFNS_INV_PARTIAL : SFNS_INV_OPEN;
}

hs_status sfns_invoice_due(hs_ctx *ctx, const sfns_tx *inv, hs_decimal applied, hs_decimal *due)
{
    hs_decimal d;
    hs_status st = HS_OK;
    if (inv->has_due)
        d = inv->due;
    else if (inv->has_paid)
        st = sfns_api->decimal_sub(ctx, inv->total, inv->paid, &d);
    else if (inv->status_paid)
        d = HS_DECIMAL(0, 0);
    else
        st = sfns_api->decimal_sub(ctx, inv->total, applied, &d);
    if (st != HS_OK)
        return st;
    if (sfns_api->decimal_sign(d) < 0)
        return HS_ERR_RANGE;
    *due = d;
    return HS_OK;
}

sfns_inv_status sfns_rollup_status(const size_t counts[SFNS_INV_STATUS_COUNT])
{
    size_t all = 0;
    for (int i = 0; i < SFNS_INV_STATUS_COUNT; i++)
        all += counts[i];
    if (counts[SFNS_INV_OVERDUE] > 0)
        return SFNS_INV_OVERDUE;
    if (counts[SFNS_INV_PAID] == all)
        return SFNS_INV_PAID;
    if (counts[SFNS_INV_OPEN] == all)
        return SFNS_INV_OPEN;
    return SFNS_INV_PARTIAL;
}

static long date_key(const hs_datetime *d)
{
    return (long)d->year * 10000L + d->month * 100L + d->day;
}

int sfns_payment_later(const sfns_payment_ref *cur, const hs_datetime *date, size_t index)
{
    if (!cur->has)
        return 1;
    long a = date_key(date), b = date_key(&cur->date);
    return a > b || (a == b && index > cur->index);
}

void sfns_rollup_init(sfns_rollup *r, const char *id, size_t first)
{
    memset(r, 0, sizeof(*r));
    r->id = id;
    r->first = first;
    r->invoiced = r->due = r->overdue = r->unapplied = HS_DECIMAL(0, 0);
}

void sfns_rollup_currency(sfns_rollup *r, const char *currency)
{
    if (currency == NULL)
        return;
    if (r->currency == NULL)
        r->currency = currency;
    else if (strcmp(r->currency, currency) != 0 && r->other_currency == NULL)
        r->other_currency = currency;
}

hs_status sfns_rollup_add_invoice(hs_ctx *ctx, sfns_rollup *r, hs_decimal total, hs_decimal due,
                                  sfns_inv_status status, int64_t days_overdue)
{
    hs_status st = sfns_api->decimal_add(ctx, r->invoiced, total, &r->invoiced);
    if (st == HS_OK)
        st = sfns_api->decimal_add(ctx, r->due, due, &r->due);
    if (st == HS_OK && status == SFNS_INV_OVERDUE)
        st = sfns_api->decimal_add(ctx, r->overdue, due, &r->overdue);
    if (st != HS_OK)
        return st;
    r->counts[status]++;
    r->invoices++;
    if (days_overdue > r->days_overdue)
        r->days_overdue = days_overdue;
    return HS_OK;
}

hs_status sfns_rollup_add_unapplied(hs_ctx *ctx, sfns_rollup *r, hs_decimal amount)
{
    return sfns_api->decimal_add(ctx, r->unapplied, amount, &r->unapplied);
}

hs_status sfns_rollup_balance(hs_ctx *ctx, const sfns_rollup *r, int net_unapplied, hs_decimal *out)
{
    if (!net_unapplied) {
        *out = r->due;
        return HS_OK;
    }
    return sfns_api->decimal_sub(ctx, r->due, r->unapplied, out);
}
