/* sfns_invoice.c — sfnsInvoiceStatus (preSavePage on a NetSuite export): the page's invoices,
 * customer payments and credit memos become Salesforce updates — one per Opportunity (status,
 * amounts invoiced and due, days overdue, last payment), one per Account (open and overdue
 * balance, oldest days overdue, last payment), and with invoiceObject one record per invoice —
 * computed as of the export's run time (currentExportDateTime). A record that cannot be read gets
 * an error in the answer's errors, and no roll-up it belongs to is written (a total without it
 * would be wrong). docs/sfns-settings.md, "sfnsInvoiceStatus", is the user's description. */
#include "sfns_invoices.h"

#include "sfns_text.h"

#include <string.h>

#define FN "sfnsInvoiceStatus"

/* ---- text keys to indices (open addressing, arena-owned) ------------------------------------ */

struct map {
    const char **keys;
    size_t *vals;
    size_t mask;
};

static int map_init(hs_ctx *ctx, struct map *m, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n + 1)
        cap *= 2;
    m->keys = sfns_api->alloc(ctx, cap * sizeof(*m->keys));
    m->vals = sfns_api->alloc(ctx, cap * sizeof(*m->vals));
    m->mask = cap - 1;
    return m->keys != NULL && m->vals != NULL;
}

static size_t map_slot(const struct map *m, const char *key)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    size_t i = (size_t)h & m->mask;
    while (m->keys[i] != NULL && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & m->mask;
    return i;
}

/* The value of key, or NULL. */
static size_t *map_get(const struct map *m, const char *key)
{
    size_t i = map_slot(m, key);
    return m->keys[i] ? &m->vals[i] : NULL;
}

/* Adds key (not present; the map holds fewer than half its slots). */
static void map_put(struct map *m, const char *key, size_t val)
{
    size_t i = map_slot(m, key);
    m->keys[i] = key;
    m->vals[i] = val;
}

/* ---- the page ------------------------------------------------------------------------------ */

/* A payment applied to an invoice. */
struct payapp {
    size_t payment; /* index in page.txs */
    hs_decimal amount;
};

/* An invoice and what the page says about it. */
struct inv {
    sfns_tx *tx;
    int ok; /* its values below were computed */
    hs_decimal total, due;
    sfns_inv_status status;
    int64_t days_overdue;
    hs_decimal applied; /* what the page's payments and credit memos apply to it */
    struct payapp *apps;
    size_t napps, capps;
    sfns_payment_ref last;
    const char *spoiled; /* label of a payment or credit memo naming it that could not be read */
    long opp;            /* its Opportunity roll-up, -1 for none */
};

struct rollups {
    sfns_rollup *r;
    size_t n;
    struct map by_id;
};

struct page {
    hs_ctx *ctx;
    const sfns_invoices *s;
    hs_json *errors;
    hs_datetime now;
    sfns_tx *txs;
    size_t ntx;
    struct inv *invs;
    size_t ninv;
    struct map inv_by_id;
    struct rollups opps, accs;
};

static hs_status add_error(struct page *p, const char *code, const char *message)
{
    sfns_api->log(p->ctx, HS_LOG_WARN, "%s: %s", code, message);
    return sfns_errors_add(p->ctx, &p->errors, code, "%s", message);
}

static const char *dec_text(hs_ctx *ctx, hs_decimal d)
{
    char buf[HS_DECIMAL_MAX];
    sfns_api->decimal_format(d, buf);
    const char *s = sfns_api->strdup(ctx, buf);
    return s ? s : "?";
}

/* Reads the page's records into distinct transactions (rows of one transaction merged). */
static hs_status read_transactions(struct page *p, const sfns_page_rec *recs, size_t n,
                                   size_t count)
{
    hs_ctx *ctx = p->ctx;
    struct map by_id[SFNS_TX_KIND_COUNT]; /* internal ids are unique per record type */
    p->txs = sfns_api->alloc(ctx, n * sizeof(*p->txs));
    if (p->txs == NULL)
        return HS_ERR_NOMEM;
    for (int k = 0; k < SFNS_TX_KIND_COUNT; k++)
        if (!map_init(ctx, &by_id[k], n))
            return HS_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        sfns_tx *tx = &p->txs[p->ntx];
        int got = sfns_tx_read(ctx, p->s, &recs[i], count, tx, &p->errors);
        if (got < 0)
            return HS_ERR_NOMEM;
        if (!tx->known)
            continue;
        size_t *at = map_get(&by_id[tx->kind], tx->id);
        if (at != NULL) {
            if (sfns_tx_merge(ctx, &p->txs[*at], tx, &p->errors) < 0)
                return HS_ERR_NOMEM;
            continue;
        }
        map_put(&by_id[tx->kind], tx->id, p->ntx);
        p->ntx++;
    }
    return HS_OK;
}

static hs_status index_invoices(struct page *p)
{
    hs_ctx *ctx = p->ctx;
    p->invs = sfns_api->alloc(ctx, (p->ntx ? p->ntx : 1) * sizeof(*p->invs));
    if (p->invs == NULL || !map_init(ctx, &p->inv_by_id, p->ntx))
        return HS_ERR_NOMEM;
    for (size_t i = 0; i < p->ntx; i++) {
        if (p->txs[i].kind != SFNS_TX_INVOICE)
            continue;
        struct inv *v = &p->invs[p->ninv];
        memset(v, 0, sizeof(*v));
        v->tx = &p->txs[i];
        v->applied = HS_DECIMAL(0, 0);
        v->opp = -1;
        map_put(&p->inv_by_id, v->tx->id, p->ninv);
        p->ninv++;
    }
    return HS_OK;
}

static hs_status push_payapp(hs_ctx *ctx, struct inv *v, size_t payment, hs_decimal amount)
{
    if (v->napps == v->capps) {
        size_t cap = v->capps ? v->capps * 2 : 2;
        struct payapp *a = sfns_api->alloc(ctx, cap * sizeof(*a));
        if (a == NULL)
            return HS_ERR_NOMEM;
        if (v->napps)
            memcpy(a, v->apps, v->napps * sizeof(*a));
        v->apps = a;
        v->capps = cap;
    }
    v->apps[v->napps++] = (struct payapp){payment, amount};
    return HS_OK;
}

/* The currency each transaction's amounts are written in, and their conversion. */
static hs_status set_up_conversions(struct page *p)
{
    for (size_t i = 0; i < p->ntx; i++) {
        sfns_tx *tx = &p->txs[i];
        if (!tx->failed && sfns_invoice_fx_setup(p->ctx, p->s, &p->now, tx, &p->errors) < 0)
            return sfns_api->ctx_last_error(p->ctx, NULL) ? HS_ERR_FAILED : HS_ERR_NOMEM;
    }
    return HS_OK;
}

/* What the page's payments and credit memos apply to its invoices. */
static hs_status apply_payments(struct page *p)
{
    hs_ctx *ctx = p->ctx;
    for (size_t i = 0; i < p->ntx; i++) {
        sfns_tx *tx = &p->txs[i];
        if (tx->kind == SFNS_TX_INVOICE)
            continue;
        for (size_t k = 0; k < tx->napply; k++) {
            const sfns_apply *a = &tx->apply[k];
            size_t *at = map_get(&p->inv_by_id, a->invoice);
            if (at == NULL) {
                sfns_api->log(ctx, HS_LOG_DEBUG,
                              "%s applies %s to invoice %s, which is not on this page",
                              sfns_tx_label(ctx, tx), dec_text(ctx, a->amount), a->invoice);
                continue;
            }
            struct inv *v = &p->invs[*at];
            if (tx->failed) {
                if (v->spoiled == NULL)
                    v->spoiled = sfns_tx_label(ctx, tx);
                continue;
            }
            hs_decimal written;
            hs_status st = sfns_api->decimal_add(ctx, v->applied, a->amount, &v->applied);
            if (st == HS_OK && tx->kind == SFNS_TX_PAYMENT)
                st = sfns_invoice_fx_amount(ctx, p->s, tx, a->amount, &written);
            if (st == HS_OK && tx->kind == SFNS_TX_PAYMENT)
                st = push_payapp(ctx, v, i, written);
            if (st != HS_OK)
                return st;
        }
    }
    return HS_OK;
}

/* Amount due, status, days overdue and last payment of one invoice. */
static hs_status compute_invoice(struct page *p, struct inv *v)
{
    hs_ctx *ctx = p->ctx;
    sfns_tx *tx = v->tx;
    if (tx->failed)
        return HS_OK;
    hs_status st = sfns_invoice_due(ctx, tx, v->applied, &v->due);
    if (st == HS_ERR_RANGE) {
        tx->failed = 1;
        if (tx->has_paid)
            return sfns_tx_error(ctx, tx, &p->errors, "bad_amount",
                                 "has amountpaid %s, more than its total %s.",
                                 dec_text(ctx, tx->paid), dec_text(ctx, tx->total));
        return sfns_tx_error(ctx, tx, &p->errors, "bad_amount",
                             "is applied %s by the payments and credit memos of this page, more "
                             "than its total %s (add amountremaining to the export).",
                             dec_text(ctx, v->applied), dec_text(ctx, tx->total));
    }
    if (st != HS_OK)
        return st;
    int64_t days = 0;
    if (sfns_api->decimal_sign(v->due) > 0) {
        const hs_datetime *due_date = tx->has_duedate    ? &tx->duedate
                                      : tx->has_trandate ? &tx->trandate
                                                         : NULL;
        if (due_date == NULL) {
            tx->failed = 1;
            return sfns_tx_error(ctx, tx, &p->errors, "missing_date",
                                 "has %s due but no duedate (nor trandate): add the due date to "
                                 "the export.",
                                 dec_text(ctx, v->due));
        }
        if ((st = sfns_days_past_due(ctx, due_date, &p->now, p->s->time_zone, &days)) != HS_OK)
            return st;
    }
    v->status = sfns_invoice_classify(tx->total, v->due, days, &v->days_overdue);
    if ((st = sfns_invoice_fx_amount(ctx, p->s, tx, tx->total, &v->total)) != HS_OK ||
        (st = sfns_invoice_fx_amount(ctx, p->s, tx, v->due, &v->due)) != HS_OK)
        return st;
    for (size_t k = 0; k < v->napps; k++) {
        const sfns_tx *pay = &p->txs[v->apps[k].payment];
        if (sfns_payment_later(&v->last, &pay->trandate, v->apps[k].payment))
            v->last = (sfns_payment_ref){1, v->apps[k].payment, pay->trandate, v->apps[k].amount};
    }
    v->ok = 1;
    return HS_OK;
}

/* ---- roll-ups ------------------------------------------------------------------------------ */

static hs_status rollups_init(hs_ctx *ctx, struct rollups *r, size_t n)
{
    r->r = sfns_api->alloc(ctx, (n ? n : 1) * sizeof(*r->r));
    r->n = 0;
    return r->r != NULL && map_init(ctx, &r->by_id, n) ? HS_OK : HS_ERR_NOMEM;
}

static sfns_rollup *rollup_for(struct rollups *r, const char *id, size_t first, long *index)
{
    size_t *at = map_get(&r->by_id, id);
    if (at == NULL) {
        sfns_rollup_init(&r->r[r->n], id, first);
        map_put(&r->by_id, id, r->n);
        at = map_get(&r->by_id, id);
        r->n++;
    }
    if (index)
        *index = (long)*at;
    return &r->r[*at];
}

/* Adds invoice v to roll-up r, or notes why r cannot be written. */
static hs_status rollup_invoice(hs_ctx *ctx, sfns_rollup *r, const struct inv *v)
{
    if (!v->ok || v->spoiled) {
        if (r->incomplete == NULL)
            r->incomplete = v->ok ? v->spoiled : sfns_tx_label(ctx, v->tx);
        return HS_OK;
    }
    sfns_rollup_currency(r, v->tx->out_currency);
    return sfns_rollup_add_invoice(ctx, r, v->total, v->due, v->status, v->days_overdue);
}

static hs_status build_rollups(struct page *p)
{
    hs_ctx *ctx = p->ctx;
    const sfns_invoices *s = p->s;
    hs_status st = rollups_init(ctx, &p->opps, p->ninv);
    if (st == HS_OK)
        st = rollups_init(ctx, &p->accs, p->ntx);
    for (size_t i = 0; st == HS_OK && i < p->ninv; i++) {
        struct inv *v = &p->invs[i];
        if (s->opportunity_rollup && v->tx->opportunity)
            st = rollup_invoice(ctx,
                                rollup_for(&p->opps, v->tx->opportunity, v->tx->index, &v->opp), v);
    }
    /* The last payment of an Opportunity: the latest payment applied to one of its invoices,
     * and what that payment applied to them. */
    for (size_t i = 0; st == HS_OK && i < p->ninv; i++) {
        const struct inv *v = &p->invs[i];
        if (v->opp < 0 || !v->ok)
            continue;
        sfns_rollup *r = &p->opps.r[v->opp];
        for (size_t k = 0; k < v->napps; k++) {
            const sfns_tx *pay = &p->txs[v->apps[k].payment];
            if (sfns_payment_later(&r->last_payment, &pay->trandate, v->apps[k].payment))
                r->last_payment =
                    (sfns_payment_ref){1, v->apps[k].payment, pay->trandate, HS_DECIMAL(0, 0)};
        }
    }
    for (size_t i = 0; st == HS_OK && i < p->ninv; i++) {
        const struct inv *v = &p->invs[i];
        if (v->opp < 0 || !v->ok)
            continue;
        sfns_rollup *r = &p->opps.r[v->opp];
        for (size_t k = 0; st == HS_OK && k < v->napps; k++)
            if (r->last_payment.has && v->apps[k].payment == r->last_payment.index)
                st = sfns_api->decimal_add(ctx, r->last_payment.amount, v->apps[k].amount,
                                           &r->last_payment.amount);
    }
    if (!s->account_rollup)
        return st;
    size_t next_inv = 0;
    for (size_t i = 0; st == HS_OK && i < p->ntx; i++) {
        sfns_tx *tx = &p->txs[i];
        struct inv *v = tx->kind == SFNS_TX_INVOICE ? &p->invs[next_inv++] : NULL;
        if (tx->account == NULL)
            continue;
        sfns_rollup *r = rollup_for(&p->accs, tx->account, tx->index, NULL);
        if (v != NULL) {
            st = rollup_invoice(ctx, r, v);
            continue;
        }
        if (tx->failed) {
            if (r->incomplete == NULL)
                r->incomplete = sfns_tx_label(ctx, tx);
            continue;
        }
        sfns_rollup_currency(r, tx->out_currency);
        hs_decimal amount;
        if (s->net_unapplied && tx->has_unapplied &&
            (st = sfns_invoice_fx_amount(ctx, s, tx, tx->unapplied, &amount)) == HS_OK)
            st = sfns_rollup_add_unapplied(ctx, r, amount);
        if (st == HS_OK && tx->kind == SFNS_TX_PAYMENT &&
            sfns_payment_later(&r->last_payment, &tx->trandate, i) &&
            (st = sfns_invoice_fx_amount(ctx, s, tx, tx->total, &amount)) == HS_OK)
            r->last_payment = (sfns_payment_ref){1, i, tx->trandate, amount};
    }
    return st;
}

/* ---- the answer ---------------------------------------------------------------------------- */

static int set_decimal(hs_ctx *ctx, hs_json *obj, const char *field, hs_decimal d)
{
    if (field == NULL)
        return 1;
    hs_json *v = sfns_api->json_new_decimal(ctx, d);
    if (v == NULL)
        v = sfns_api->json_new_decimal_string(ctx, d);
    return v != NULL && sfns_api->json_set(ctx, obj, field, v) == HS_OK;
}

static int set_int(hs_ctx *ctx, hs_json *obj, const char *field, int64_t n)
{
    return field == NULL || sfns_api->json_set_number(ctx, obj, field, (double)n) == HS_OK;
}

static int set_text(hs_ctx *ctx, hs_json *obj, const char *field, const char *text)
{
    return field == NULL || text == NULL ||
           sfns_api->json_set_string(ctx, obj, field, text) == HS_OK;
}

static int set_date(hs_ctx *ctx, hs_json *obj, const char *field, const hs_datetime *d)
{
    const char *text = NULL;
    if (field == NULL)
        return 1;
    return sfns_api->date_format(ctx, d, HS_DATE_FORMAT_ISO_DATE, &text) == HS_OK &&
           set_text(ctx, obj, field, text);
}

/* {"attributes": {"type": type}} plus `key`: id. */
static hs_json *record_new(hs_ctx *ctx, const char *type, const char *key, const char *id)
{
    hs_json *out = sfns_api->json_new_object(ctx);
    hs_json *attrs = sfns_api->json_new_object(ctx);
    if (out == NULL || attrs == NULL ||
        sfns_api->json_set_string(ctx, attrs, "type", type) != HS_OK ||
        sfns_api->json_set(ctx, out, "attributes", attrs) != HS_OK ||
        sfns_api->json_set_string(ctx, out, key, id) != HS_OK)
        return NULL;
    return out;
}

/* 1 when r may be written; else its error is added (0), -1 out of memory. */
static int rollup_writable(struct page *p, const sfns_rollup *r, const char *object)
{
    const char *msg = NULL, *code = NULL;
    if (r->incomplete) {
        code = "incomplete_rollup";
        msg = sfns_api->sprintf(p->ctx,
                                "%s %s is not updated: %s could not be used (see its error), and "
                                "the %s's totals without it would be wrong.",
                                object, r->id, r->incomplete, object);
    } else if (r->other_currency) {
        code = "mixed_currencies";
        msg = sfns_api->sprintf(p->ctx,
                                "%s %s is not updated: its transactions on this page are in %s "
                                "and %s, and amounts in different currencies are not added up.",
                                object, r->id, r->currency, r->other_currency);
    } else {
        return 1;
    }
    if (msg == NULL || add_error(p, code, msg) != HS_OK)
        return -1;
    return 0;
}

static hs_status write_opportunities(struct page *p, hs_json *data)
{
    hs_ctx *ctx = p->ctx;
    const char *const *f = p->s->opportunity_out;
    for (size_t i = 0; i < p->opps.n; i++) {
        const sfns_rollup *r = &p->opps.r[i];
        int ok = rollup_writable(p, r, "Opportunity");
        if (ok < 0)
            return HS_ERR_NOMEM;
        if (ok == 0)
            continue;
        hs_json *o = record_new(ctx, "Opportunity", "Id", r->id);
        ok = o != NULL &&
             set_text(ctx, o, f[SFNS_OO_STATUS], p->s->labels[sfns_rollup_status(r->counts)]) &&
             set_decimal(ctx, o, f[SFNS_OO_INVOICED], r->invoiced) &&
             set_decimal(ctx, o, f[SFNS_OO_DUE], r->due) &&
             set_int(ctx, o, f[SFNS_OO_DAYS], r->days_overdue);
        if (ok && r->last_payment.has)
            ok = set_date(ctx, o, f[SFNS_OO_PAY_DATE], &r->last_payment.date) &&
                 set_decimal(ctx, o, f[SFNS_OO_PAY_AMOUNT], r->last_payment.amount);
        if (!ok || sfns_api->json_push(ctx, data, o) != HS_OK)
            return HS_ERR_NOMEM;
    }
    return HS_OK;
}

static hs_status write_accounts(struct page *p, hs_json *data)
{
    hs_ctx *ctx = p->ctx;
    const char *const *f = p->s->account_out;
    for (size_t i = 0; i < p->accs.n; i++) {
        const sfns_rollup *r = &p->accs.r[i];
        int ok = rollup_writable(p, r, "Account");
        if (ok < 0)
            return HS_ERR_NOMEM;
        if (ok == 0)
            continue;
        hs_decimal balance;
        hs_status st = sfns_rollup_balance(ctx, r, p->s->net_unapplied, &balance);
        if (st != HS_OK)
            return st;
        hs_json *o = record_new(ctx, "Account", "Id", r->id);
        ok = o != NULL && set_decimal(ctx, o, f[SFNS_AO_BALANCE], balance) &&
             set_decimal(ctx, o, f[SFNS_AO_OVERDUE], r->overdue) &&
             set_int(ctx, o, f[SFNS_AO_DAYS], r->days_overdue);
        if (ok && r->last_payment.has)
            ok = set_date(ctx, o, f[SFNS_AO_PAY_DATE], &r->last_payment.date) &&
                 set_decimal(ctx, o, f[SFNS_AO_PAY_AMOUNT], r->last_payment.amount);
        if (!ok || sfns_api->json_push(ctx, data, o) != HS_OK)
            return HS_ERR_NOMEM;
    }
    return HS_OK;
}

static hs_status write_invoices(struct page *p, hs_json *data)
{
    hs_ctx *ctx = p->ctx;
    const char *const *f = p->s->invoice_out;
    for (size_t i = 0; i < p->ninv; i++) {
        const struct inv *v = &p->invs[i];
        if (!v->ok)
            continue;
        const sfns_tx *tx = v->tx;
        hs_json *o = record_new(ctx, p->s->invoice_object, f[SFNS_IO_NETSUITE_ID], tx->id);
        int ok =
            o != NULL && set_text(ctx, o, f[SFNS_IO_NUMBER], tx->number) &&
            set_text(ctx, o, f[SFNS_IO_STATUS], p->s->labels[v->status]) &&
            set_decimal(ctx, o, f[SFNS_IO_TOTAL], v->total) &&
            set_decimal(ctx, o, f[SFNS_IO_DUE], v->due) &&
            set_int(ctx, o, f[SFNS_IO_DAYS], v->days_overdue) &&
            set_text(ctx, o, f[SFNS_IO_OPPORTUNITY], tx->opportunity) &&
            set_text(ctx, o, f[SFNS_IO_ACCOUNT], tx->account) &&
            set_text(ctx, o, f[SFNS_IO_CURRENCY], tx->pair ? tx->out_currency : tx->currency_code);
        if (ok && tx->has_duedate)
            ok = set_date(ctx, o, f[SFNS_IO_DUE_DATE], &tx->duedate);
        if (ok && v->last.has)
            ok = set_date(ctx, o, f[SFNS_IO_PAY_DATE], &v->last.date) &&
                 set_decimal(ctx, o, f[SFNS_IO_PAY_AMOUNT], v->last.amount);
        if (!ok || sfns_api->json_push(ctx, data, o) != HS_OK)
            return HS_ERR_NOMEM;
    }
    return HS_OK;
}

static hs_json *answer(hs_ctx *ctx, hs_json *data, hs_json *errors)
{
    hs_json *out = sfns_api->json_new_object(ctx);
    hs_json *retry = sfns_api->json_new_array(ctx);
    if (errors == NULL)
        errors = sfns_api->json_new_array(ctx);
    if (out == NULL || retry == NULL || errors == NULL ||
        sfns_api->json_set(ctx, out, "data", data) != HS_OK ||
        sfns_api->json_set(ctx, out, "errors", errors) != HS_OK ||
        sfns_api->json_set_bool(ctx, out, "abort", 0) != HS_OK ||
        sfns_api->json_set(ctx, out, "newErrorsAndRetryData", retry) != HS_OK)
        return NULL;
    return out;
}

static hs_status read_now(hs_ctx *ctx, hs_datetime *now)
{
    hs_status st = sfns_api->ctx_now(ctx, 0, now);
    if (st == HS_ERR_NOT_FOUND)
        return sfns_api->fail(ctx, "missing_export_time",
                              FN " needs options.currentExportDateTime, the time the export "
                                 "runs, to count days overdue (it never reads the clock): make "
                                 "the export a delta export, which integrator.io calls with it, "
                                 "or pass it in the options");
    if (st != HS_OK)
        return sfns_api->fail(ctx, "invalid_export_time", FN ": %s",
                              sfns_api->ctx_last_error(ctx, NULL));
    return HS_OK;
}

static hs_status invoice_status(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    sfns_invoices s;
    hs_status st = sfns_invoices_read(ctx, &s);
    if (st != HS_OK)
        return st;
    struct page p = {.ctx = ctx, .s = &s};
    hs_json *given = sfns_api->json_get(options, "errors");
    if (sfns_api->json_type(given) == HS_JSON_ARRAY)
        p.errors = given;
    const hs_json *data = sfns_api->json_get(options, "data");
    sfns_page_rec *recs = NULL;
    size_t n = 0;
    if ((st = sfns_page_records(ctx, data, &recs, &n)) != HS_OK)
        return st;
    hs_json *out = sfns_api->json_new_array(ctx);
    if (out == NULL)
        return HS_ERR_NOMEM;
    if (n > 0) {
        if ((st = read_now(ctx, &p.now)) != HS_OK)
            return st;
        if ((st = read_transactions(&p, recs, n, sfns_api->json_len(data))) != HS_OK ||
            (st = index_invoices(&p)) != HS_OK || (st = set_up_conversions(&p)) != HS_OK ||
            (st = apply_payments(&p)) != HS_OK)
            return st;
        for (size_t i = 0; i < p.ninv; i++)
            if ((st = compute_invoice(&p, &p.invs[i])) != HS_OK)
                return st;
        if ((st = build_rollups(&p)) != HS_OK || (st = write_opportunities(&p, out)) != HS_OK ||
            (st = write_accounts(&p, out)) != HS_OK)
            return st;
        if (s.invoice_object != NULL && (st = write_invoices(&p, out)) != HS_OK)
            return st;
    }
    *result = answer(ctx, out, p.errors);
    return *result ? HS_OK : HS_ERR_NOMEM;
}

hs_status sfns_invoice_register(hs_module *mod)
{
    hs_fn_opts o = HS_FN_OPTS_INIT;
    o.description = "NetSuite invoices, payments and credit memos -> Salesforce Opportunity and "
                    "Account updates (status, amount due, days overdue, last payment, roll-ups)";
    return sfns_api->register_fn(mod, FN, HS_KIND_PRE_SAVE_PAGE, invoice_status, &o);
}
