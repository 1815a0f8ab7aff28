/* sfns_invoice_read.c — sfnsInvoiceStatus's reading of a page: which records are invoices,
 * customer payments and credit memos, their ids, links to Salesforce, amounts, dates and
 * currency, and the invoices a payment or credit memo applies to (see sfns_invoices.h). Field
 * names are NetSuite's field ids, read in any key case, in every shape NetSuite exports take:
 * saved-search rows, real-time records, SOAP records rendered as JSON, REST records, SuiteQL. */
#include "sfns_invoices.h"

#include "sfns_sdk.h"
#include "sfns_sfid.h"
#include "sfns_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const kind_words[SFNS_TX_KIND_COUNT] = {
    "invoice",
    "customer payment",
    "credit memo",
};

/* ---- the page ------------------------------------------------------------------------------ */

/* The rows of a grouped element ({"rows": [...]} or an array), or NULL for a record. */
static const hs_json *group_rows(const hs_json *e)
{
    hs_json_type t = sfns_api->json_type(e);
    if (t == HS_JSON_ARRAY)
        return e;
    if (t != HS_JSON_OBJECT)
        return NULL;
    const hs_json *rows = sfns_api->json_get(e, "rows");
    return sfns_api->json_type(rows) == HS_JSON_ARRAY ? rows : NULL;
}

hs_status sfns_page_records(hs_ctx *ctx, const hs_json *data, sfns_page_rec **out, size_t *n)
{
    size_t count = sfns_api->json_len(data), total = 0;
    for (size_t i = 0; i < count; i++) {
        const hs_json *rows = group_rows(sfns_api->json_at(data, i));
        total += rows ? sfns_api->json_len(rows) : 1;
    }
    *out = total ? sfns_api->alloc(ctx, total * sizeof(**out)) : NULL;
    if (total && *out == NULL)
        return HS_ERR_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < count; i++) {
        const hs_json *e = sfns_api->json_at(data, i);
        const hs_json *rows = group_rows(e);
        if (rows == NULL) {
            (*out)[k++] = (sfns_page_rec){e, i, -1};
            continue;
        }
        size_t m = sfns_api->json_len(rows);
        for (size_t r = 0; r < m; r++)
            (*out)[k++] = (sfns_page_rec){sfns_api->json_at(rows, r), i, (long)r};
    }
    *n = total;
    return HS_OK;
}

/* ---- errors -------------------------------------------------------------------------------- */

hs_status sfns_tx_error(hs_ctx *ctx, sfns_tx *tx, hs_json **errors, const char *code,
                        const char *fmt, ...)
{
    const char *label = sfns_tx_label(ctx, tx);
    char text[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    sfns_api->log(ctx, HS_LOG_WARN, "%s: %s %s", code, label, text);
    return sfns_errors_add(ctx, errors, code, "%s %s", label, text);
}

/* ---- fields -------------------------------------------------------------------------------- */

const hs_json *sfns_invoice_path(const hs_json *rec, const char *path)
{
    const char *dot = strchr(path, '.');
    if (dot == NULL)
        return sfns_field(rec, path);
    char step[128];
    const hs_json *cur = rec;
    for (const char *p = path; cur != NULL;) {
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (len == 0 || len >= sizeof(step))
            break;
        memcpy(step, p, len);
        step[len] = '\0';
        cur = sfns_field(cur, step);
        if (dot == NULL && cur != NULL)
            return cur;
        if (dot == NULL)
            break;
        p = dot + 1;
        dot = strchr(p, '.');
    }
    return sfns_field(rec, path); /* a column labelled with the dotted path itself */
}

/* The text at path: a scalar, or a reference's external id. */
static const char *path_text(hs_ctx *ctx, const hs_json *rec, const char *path)
{
    const hs_json *v = sfns_invoice_path(rec, path);
    if (sfns_api->json_type(v) == HS_JSON_OBJECT) {
        sfns_ref r;
        return sfns_ref_read(ctx, v, &r) == SFNS_TEXT ? r.external_id : NULL;
    }
    const char *t = NULL;
    return sfns_text(ctx, v, &t) == SFNS_TEXT ? t : NULL;
}

/* The first of names the record holds with a value (not absent, not null, not ""). */
static const hs_json *first_field(hs_ctx *ctx, const hs_json *rec, const char *const *names,
                                  const char **which)
{
    for (size_t i = 0; names[i] != NULL; i++) {
        const hs_json *v = sfns_field(rec, names[i]);
        const char *t = NULL;
        hs_json_type type = sfns_api->json_type(v);
        if (type == HS_JSON_ABSENT || type == HS_JSON_NULL ||
            (type == HS_JSON_STRING && sfns_text(ctx, v, &t) == SFNS_EMPTY))
            continue;
        *which = names[i];
        return v;
    }
    return NULL;
}

/* A value as short text for a message. */
static const char *shown(hs_ctx *ctx, const hs_json *v)
{
    const char *t = NULL;
    if (sfns_text(ctx, v, &t) == SFNS_TEXT)
        return sfns_api->sprintf(ctx, "\"%.60s\"", t);
    switch (sfns_api->json_type(v)) {
    case HS_JSON_OBJECT:
        return "an object";
    case HS_JSON_ARRAY:
        return "an array";
    default:
        return "empty";
    }
}

/* Lower-case letters and digits of s (punctuation, spaces and case dropped) into out. */
static void squash(const char *s, char *out, size_t n)
{
    size_t k = 0;
    for (; s != NULL && *s && k + 1 < n; s++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            out[k++] = c;
    }
    out[k] = '\0';
}

/* The kind a record type names, or -1. */
static int kind_of(const char *type)
{
    static const struct {
        const char *word;
        sfns_tx_kind kind;
    } words[] = {
        {"invoice", SFNS_TX_INVOICE},         {"custinvc", SFNS_TX_INVOICE},
        {"customerpayment", SFNS_TX_PAYMENT}, {"custpymt", SFNS_TX_PAYMENT},
        {"payment", SFNS_TX_PAYMENT},         {"creditmemo", SFNS_TX_CREDIT},
        {"custcred", SFNS_TX_CREDIT},
    };
    char w[32];
    squash(type, w, sizeof(w));
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strcmp(w, words[i].word) == 0)
            return (int)words[i].kind;
    return -1;
}

/* A decimal amount (a JSON number or decimal text). 1 read, 0 absent or empty, -1 not an
 * amount. `absolute`: read without its sign (SuiteQL writes payments and credits negative). */
static int read_amount(hs_ctx *ctx, const hs_json *v, int absolute, hs_decimal *out)
{
    hs_json_type t = sfns_api->json_type(v);
    const char *text = NULL;
    if (t == HS_JSON_ABSENT || t == HS_JSON_NULL ||
        (t == HS_JSON_STRING && sfns_text(ctx, v, &text) == SFNS_EMPTY))
        return 0;
    hs_status st;
    if (t == HS_JSON_STRING)
        st = sfns_api->decimal_parse(ctx, text, strlen(text), out);
    else if (t == HS_JSON_NUMBER)
        st = sfns_api->decimal_from_json(ctx, v, out);
    else
        return -1;
    if (st != HS_OK)
        return -1;
    if (absolute)
        *out = sfns_api->decimal_abs(*out);
    return 1;
}

/* A calendar date from text: ISO 8601 (a time and offset, as SOAP writes date fields, are
 * dropped: the date written is the date meant), or the account's format. 1 read, 0 absent, -1
 * not a date. */
static int read_date(hs_ctx *ctx, const sfns_invoices *s, const hs_json *v, hs_datetime *out)
{
    const char *text = NULL;
    sfns_presence p = sfns_text(ctx, v, &text);
    if (p == SFNS_EMPTY || (p == SFNS_ABSENT && sfns_api->json_type(v) == HS_JSON_ABSENT))
        return 0;
    hs_datetime d;
    if (p != SFNS_TEXT || sfns_api->date_parse(ctx, text, s->date_format, &d) != HS_OK)
        return -1;
    *out = (hs_datetime){.year = d.year, .month = d.month, .day = d.day};
    return 1;
}

/* ---- one record ---------------------------------------------------------------------------- */

struct reader {
    hs_ctx *ctx;
    const sfns_invoices *s;
    sfns_tx *tx;
    hs_json **errors;
    int failed;
    int nomem;
    int problems; /* how many were reported */
};

static void problem(struct reader *r, int fails, const char *code, const char *fmt, ...)
    HS_PRINTF(4, 5);

static void problem(struct reader *r, int fails, const char *code, const char *fmt, ...)
{
    char text[640];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (sfns_tx_error(r->ctx, r->tx, r->errors, code, "%s", text) != HS_OK)
        r->nomem = 1;
    r->problems++;
    if (fails)
        r->failed = 1;
}

const char *sfns_tx_label(hs_ctx *ctx, sfns_tx *tx)
{
    if (tx->label != NULL)
        return tx->label;
    const char *what = tx->kind_read ? kind_words[tx->kind] : "record";
    const char *where = tx->row >= 0
                            ? sfns_api->sprintf(ctx, "record %zu of %zu, row %ld", tx->index + 1,
                                                tx->count, tx->row + 1)
                            : sfns_api->sprintf(ctx, "record %zu of %zu", tx->index + 1, tx->count);
    if (tx->number && tx->id)
        tx->label = sfns_api->sprintf(ctx, "NetSuite %s %s (internal id %s, %s)", what, tx->number,
                                      tx->id, where);
    else if (tx->id)
        tx->label = sfns_api->sprintf(ctx, "NetSuite %s %s (%s)", what, tx->id, where);
    else if (tx->number)
        tx->label = sfns_api->sprintf(ctx, "NetSuite %s %s (%s)", what, tx->number, where);
    else
        tx->label = sfns_api->sprintf(ctx, "NetSuite %s (%s)", what, where);
    return tx->label ? tx->label : "NetSuite record";
}

/* A Salesforce Id of `prefix` found at one of `paths`: its 18-character form, or NULL (a
 * problem when the value is there but is not such an Id). */
static const char *read_link(struct reader *r, const sfns_paths *paths, const char *prefix,
                             const char *object, const char *code)
{
    for (size_t i = 0; i < paths->n; i++) {
        const char *t = path_text(r->ctx, r->tx->rec, paths->paths[i]);
        if (t == NULL)
            continue;
        char id[19];
        sfns_sfid_status st = sfns_sfid_to18(t, strlen(t), id);
        if (st != SFNS_SFID_OK) {
            problem(r, 0, code, "has %s \"%.40s\", which is not a Salesforce %s Id: it %s.",
                    paths->paths[i], t, object, sfns_sfid_strerror(st));
            return NULL;
        }
        if (strncmp(id, prefix, 3) != 0) {
            problem(r, 0, code,
                    "has %s \"%s\", which is not a Salesforce %s Id (those start with %s).",
                    paths->paths[i], t, object, prefix);
            return NULL;
        }
        const char *out = sfns_api->strdup(r->ctx, id);
        if (out == NULL)
            r->nomem = 1;
        return out;
    }
    return NULL;
}

static void read_currency(struct reader *r)
{
    const hs_json *v = sfns_field(r->tx->rec, "currency");
    sfns_ref ref;
    if (sfns_ref_read(r->ctx, v, &ref) != SFNS_TEXT)
        return;
    const char *names[] = {ref.name, ref.id};
    for (size_t i = 0; i < 2; i++)
        if (names[i] != NULL && strlen(names[i]) == 3) {
            char code[4] = {0};
            for (int k = 0; k < 3; k++)
                code[k] = (char)(names[i][k] >= 'a' && names[i][k] <= 'z' ? names[i][k] - 32
                                                                          : names[i][k]);
            if (sfns_currency_known(code)) {
                r->tx->currency_code = sfns_api->strdup(r->ctx, code);
                r->tx->currency = r->tx->currency_code;
                return;
            }
        }
    r->tx->currency = ref.id ? ref.id : ref.name;
}

/* One amount field among names; absent leaves *has 0. */
static void amount_field(struct reader *r, const char *const *names, int absolute, int *has,
                         hs_decimal *out)
{
    const char *which = NULL;
    const hs_json *v = first_field(r->ctx, r->tx->rec, names, &which);
    if (v == NULL)
        return;
    int got = read_amount(r->ctx, v, absolute, out);
    if (got < 0) {
        problem(r, 1, "bad_amount",
                "has %s %s, not an amount (a number, or decimal text such as "
                "\"1234.50\").",
                which, shown(r->ctx, v));
        return;
    }
    if (!absolute && sfns_api->decimal_sign(*out) < 0) {
        problem(r, 1, "bad_amount", "has %s %s, below zero.", which, shown(r->ctx, v));
        return;
    }
    *has = got > 0;
}

static void date_field(struct reader *r, const char *name, int *has, hs_datetime *out)
{
    const hs_json *v = sfns_field(r->tx->rec, name);
    int got = read_date(r->ctx, r->s, v, out);
    if (got < 0) {
        if (r->s->date_format)
            problem(r, 1, "bad_date",
                    "has %s %s, not a date in settings.sfns.invoices.netsuiteDateFormat "
                    "(\"%s\").",
                    name, shown(r->ctx, v), r->s->date_format);
        else
            problem(r, 1, "bad_date",
                    "has %s %s, not an ISO 8601 date (\"2024-03-05\"); set "
                    "settings.sfns.invoices.netsuiteDateFormat to the account's date format "
                    "(\"M/D/YYYY\", ...).",
                    name, shown(r->ctx, v));
        return;
    }
    *has = got > 0;
}

static void read_status(struct reader *r)
{
    sfns_ref ref;
    if (sfns_ref_read(r->ctx, sfns_field(r->tx->rec, "status"), &ref) != SFNS_TEXT)
        return;
    const char *texts[] = {ref.id, ref.name};
    for (size_t i = 0; i < 2; i++) {
        char w[32];
        squash(texts[i], w, sizeof(w));
        if (strcmp(w, "paidinfull") == 0 || strcmp(w, "custinvcb") == 0 || strcmp(w, "b") == 0)
            r->tx->status_paid = 1;
    }
}

/* Adds an application of amount to invoice (summed with one to the same invoice). */
static int add_apply(hs_ctx *ctx, sfns_tx *tx, const char *invoice, hs_decimal amount)
{
    for (size_t i = 0; i < tx->napply; i++)
        if (strcmp(tx->apply[i].invoice, invoice) == 0)
            return sfns_api->decimal_add(ctx, tx->apply[i].amount, amount, &tx->apply[i].amount) ==
                           HS_OK
                       ? 1
                       : -2;
    if (tx->napply == tx->capply) {
        size_t cap = tx->capply ? tx->capply * 2 : 4;
        sfns_apply *a = sfns_api->alloc(ctx, cap * sizeof(*a));
        if (a == NULL)
            return -1;
        if (tx->napply)
            memcpy(a, tx->apply, tx->napply * sizeof(*a));
        tx->apply = a;
        tx->capply = cap;
    }
    tx->apply[tx->napply++] = (sfns_apply){invoice, amount};
    return 1;
}

/* The invoice id of an apply line or an applied-to column. */
static const char *doc_id(hs_ctx *ctx, const hs_json *v)
{
    sfns_ref ref;
    if (sfns_ref_read(ctx, v, &ref) != SFNS_TEXT)
        return NULL;
    return ref.id;
}

static void apply_line(struct reader *r, const hs_json *line, size_t i, size_t n)
{
    if (sfns_api->json_type(line) != HS_JSON_OBJECT) {
        problem(r, 1, "bad_apply_line", "has apply line %zu of %zu that is not an object.", i + 1,
                n);
        return;
    }
    if (sfns_flag(r->ctx, sfns_field(line, "apply")) == 0)
        return; /* listed, not applied */
    static const char *const doc_names[] = {"doc", "internalid", "id", NULL};
    const char *which = NULL;
    const hs_json *doc = first_field(r->ctx, line, doc_names, &which);
    const char *invoice = doc_id(r->ctx, doc);
    if (invoice == NULL) {
        problem(r, 1, "bad_apply_line",
                "has apply line %zu of %zu without the invoice it applies to (doc).", i + 1, n);
        return;
    }
    hs_decimal amount;
    const hs_json *v = sfns_field(line, "amount");
    int got = read_amount(r->ctx, v, 1, &amount);
    if (got <= 0) {
        problem(r, 1, got < 0 ? "bad_amount" : "bad_apply_line",
                "has apply line %zu of %zu (invoice %s) with amount %s, not an amount.", i + 1, n,
                invoice, shown(r->ctx, v));
        return;
    }
    if (sfns_api->decimal_is_zero(amount))
        return;
    int st = add_apply(r->ctx, r->tx, invoice, amount);
    if (st == -1)
        r->nomem = 1;
    else if (st < 0)
        problem(r, 1, "bad_amount", "applies more to invoice %s than an amount can hold.", invoice);
}

/* The apply sublist in its shapes: an array of lines; {"items": [...]} (REST); {"apply": [...]}
 * (SOAP applyList); or, on a saved-search row, the columns appliedtotransaction and
 * appliedtolinkamount. */
static void read_applications(struct reader *r)
{
    const hs_json *list = sfns_field(r->tx->rec, "apply");
    if (sfns_api->json_type(list) != HS_JSON_ARRAY && sfns_api->json_type(list) != HS_JSON_OBJECT)
        list = sfns_field(r->tx->rec, "applyList");
    for (int depth = 0; depth < 2 && sfns_api->json_type(list) == HS_JSON_OBJECT; depth++) {
        const hs_json *inner = sfns_field(list, "items");
        if (inner == NULL)
            inner = sfns_field(list, "apply");
        if (inner == NULL)
            break;
        list = inner;
    }
    hs_json_type t = sfns_api->json_type(list);
    if (t == HS_JSON_ARRAY || t == HS_JSON_OBJECT) {
        size_t n = t == HS_JSON_ARRAY ? sfns_api->json_len(list) : 1;
        for (size_t i = 0; i < n && !r->nomem; i++)
            apply_line(r, t == HS_JSON_ARRAY ? sfns_api->json_at(list, i) : list, i, n);
        return;
    }
    const hs_json *doc = sfns_field(r->tx->rec, "appliedtotransaction");
    const char *invoice = doc_id(r->ctx, doc);
    if (invoice == NULL)
        return;
    hs_decimal amount;
    const hs_json *v = sfns_field(r->tx->rec, "appliedtolinkamount");
    int got = read_amount(r->ctx, v, 1, &amount);
    if (got <= 0) {
        problem(r, 1, got < 0 ? "bad_amount" : "bad_apply_line",
                "applies to invoice %s (appliedtotransaction) with appliedtolinkamount %s, not "
                "an amount.",
                invoice, shown(r->ctx, v));
        return;
    }
    if (!sfns_api->decimal_is_zero(amount) && add_apply(r->ctx, r->tx, invoice, amount) == -1)
        r->nomem = 1;
}

static void read_amounts(struct reader *r)
{
    static const char *const invoice_total[] = {"total", "foreigntotal", "amount", NULL};
    static const char *const payment_total[] = {"payment", "total", "foreigntotal", "amount", NULL};
    static const char *const due[] = {"amountremaining", "foreignamountunpaid", NULL};
    static const char *const paid[] = {"amountpaid", "foreignamountpaid", NULL};
    static const char *const payment_unapplied[] = {"unapplied", "foreignpaymentamountunused",
                                                    NULL};
    static const char *const credit_unapplied[] = {"unapplied", "amountremaining",
                                                   "foreignamountunpaid", NULL};
    sfns_tx *tx = r->tx;
    switch (tx->kind) {
    case SFNS_TX_INVOICE:
        amount_field(r, invoice_total, 0, &tx->has_total, &tx->total);
        amount_field(r, due, 0, &tx->has_due, &tx->due);
        amount_field(r, paid, 0, &tx->has_paid, &tx->paid);
        if (!tx->has_total && !r->failed)
            problem(r, 1, "missing_amount",
                    "has no total (total, foreigntotal or amount): add the invoice total to the "
                    "export.");
        break;
    case SFNS_TX_PAYMENT:
        amount_field(r, payment_total, 1, &tx->has_total, &tx->total);
        amount_field(r, payment_unapplied, 1, &tx->has_unapplied, &tx->unapplied);
        break;
    case SFNS_TX_CREDIT:
        amount_field(r, invoice_total, 1, &tx->has_total, &tx->total);
        amount_field(r, credit_unapplied, 1, &tx->has_unapplied, &tx->unapplied);
        break;
    default:
        break;
    }
}

int sfns_tx_read(hs_ctx *ctx, const sfns_invoices *s, const sfns_page_rec *pr, size_t count,
                 sfns_tx *tx, hs_json **errors)
{
    memset(tx, 0, sizeof(*tx));
    tx->index = pr->index;
    tx->row = pr->row;
    tx->count = count;
    tx->rec = pr->rec;
    struct reader r = {ctx, s, tx, errors, 0, 0, 0};
    if (sfns_api->json_type(pr->rec) != HS_JSON_OBJECT) {
        problem(&r, 1, "invalid_record", "is not an object (a NetSuite record).");
        tx->failed = 1;
        return r.nomem ? -1 : 0;
    }
    static const char *const id_names[] = {"id", "internalid", NULL};
    const char *which = NULL;
    tx->id = sfns_id_text(ctx, first_field(ctx, pr->rec, id_names, &which));
    sfns_text_field(ctx, pr->rec, "tranid", &tx->number);

    const char *type = NULL;
    sfns_text_field(ctx, pr->rec, s->type_field, &type);
    if (type == NULL && strcmp(s->type_field, "type") != 0)
        sfns_text_field(ctx, pr->rec, "type", &type);
    int kind = type ? kind_of(type) : (s->has_default_kind ? (int)s->default_kind : -1);
    if (kind < 0) {
        if (type)
            problem(&r, 1, "unsupported_record_type",
                    "has record type \"%.40s\": sfnsInvoiceStatus reads invoices, customer "
                    "payments and credit memos; leave other records out of the export.",
                    type);
        else
            problem(&r, 1, "missing_record_type",
                    "has no %s (nor type): add the record type to the export, or set "
                    "settings.sfns.invoices.defaultRecordType when it exports one type only.",
                    s->type_field);
        tx->failed = 1;
        return r.nomem ? -1 : 0;
    }
    tx->kind = (sfns_tx_kind)kind;
    tx->kind_read = 1;
    if (tx->id == NULL) {
        problem(&r, 1, "missing_id",
                "has no internal id (id or internalid): add it to the export; payments name "
                "invoices by it.");
        tx->failed = 1;
        return r.nomem ? -1 : 0;
    }

    tx->known = 1;
    if (tx->kind == SFNS_TX_INVOICE)
        tx->opportunity =
            read_link(&r, &s->opportunity_fields, "006", "Opportunity", "bad_opportunity_id");
    int problems_before = r.problems;
    tx->account = read_link(&r, &s->account_fields, "001", "Account", "bad_account_id");
    if (tx->account == NULL && r.problems == problems_before && s->account_rollup &&
        s->unlinked_error)
        problem(&r, 0, "no_account",
                "names no Salesforce Account (settings.sfns.invoices.accountIdFields: %s%s): "
                "the customer has no external id, or the export does not select it.",
                s->account_fields.paths[0], s->account_fields.n > 1 ? ", ..." : "");
    else if (tx->account == NULL && r.problems == problems_before && s->account_rollup)
        sfns_api->log(ctx, HS_LOG_INFO,
                      "%s names no Salesforce Account (settings.sfns.invoices.accountIdFields): "
                      "left out of the Account roll-ups",
                      sfns_tx_label(ctx, tx));
    read_currency(&r);
    read_amounts(&r);
    date_field(&r, "trandate", &tx->has_trandate, &tx->trandate);
    if (tx->kind == SFNS_TX_INVOICE) {
        date_field(&r, "duedate", &tx->has_duedate, &tx->duedate);
        read_status(&r);
    } else {
        read_applications(&r);
        if (!tx->has_total && !r.failed)
            problem(&r, 1, "missing_amount", "has no amount (%s): add it to the export.",
                    tx->kind == SFNS_TX_PAYMENT ? "payment, total or amount"
                                                : "total, foreigntotal or amount");
        if (tx->kind == SFNS_TX_PAYMENT && !tx->has_trandate && !r.failed)
            problem(&r, 1, "missing_date",
                    "has no trandate: a payment's date is its last-payment date.");
    }
    tx->failed = r.failed;
    if (r.nomem)
        return -1;
    return tx->failed ? 0 : 1;
}

/* ---- rows of one transaction --------------------------------------------------------------- */

static int dates_equal(const hs_datetime *a, const hs_datetime *b)
{
    return a->year == b->year && a->month == b->month && a->day == b->day;
}

static const char *date_text(hs_ctx *ctx, const hs_datetime *d)
{
    const char *s = NULL;
    return sfns_api->date_format(ctx, d, HS_DATE_FORMAT_ISO_DATE, &s) == HS_OK && s ? s : "?";
}

static const char *dec_text(hs_ctx *ctx, hs_decimal d)
{
    char buf[HS_DECIMAL_MAX];
    sfns_api->decimal_format(d, buf);
    const char *s = sfns_api->strdup(ctx, buf);
    return s ? s : "?";
}

/* Takes b's value where a has none; 0 when both have one and they differ. */
static int merge_decimal(int *has_a, hs_decimal *a, int has_b, hs_decimal b)
{
    if (!has_b)
        return 1;
    if (!*has_a) {
        *has_a = 1;
        *a = b;
        return 1;
    }
    return sfns_api->decimal_cmp(*a, b) == 0;
}

static int merge_date(int *has_a, hs_datetime *a, int has_b, const hs_datetime *b)
{
    if (!has_b)
        return 1;
    if (!*has_a) {
        *has_a = 1;
        *a = *b;
        return 1;
    }
    return dates_equal(a, b);
}

static int merge_text(const char **a, const char *b)
{
    if (b == NULL)
        return 1;
    if (*a == NULL) {
        *a = b;
        return 1;
    }
    return strcmp(*a, b) == 0;
}

static int disagree(hs_ctx *ctx, sfns_tx *a, const sfns_tx *b, hs_json **errors, const char *what,
                    const char *first, const char *second)
{
    a->failed = 1;
    hs_status st = sfns_tx_error(
        ctx, a, errors, "duplicate_record",
        "appears again at record %zu with another %s (%s, then %s): the export must give one "
        "row per transaction (in a saved search, Main Line true), or for payments one row per "
        "invoice applied.",
        b->index + 1, what, first ? first : "none", second ? second : "none");
    return st == HS_OK ? 0 : -1;
}

int sfns_tx_merge(hs_ctx *ctx, sfns_tx *a, const sfns_tx *b, hs_json **errors)
{
    struct {
        int *has_a;
        hs_decimal *a;
        int has_b;
        hs_decimal b;
        const char *name;
    } decs[] = {
        {&a->has_total, &a->total, b->has_total, b->total, "total"},
        {&a->has_due, &a->due, b->has_due, b->due, "amount remaining"},
        {&a->has_paid, &a->paid, b->has_paid, b->paid, "amount paid"},
        {&a->has_unapplied, &a->unapplied, b->has_unapplied, b->unapplied, "unapplied amount"},
    };
    for (size_t i = 0; i < sizeof(decs) / sizeof(decs[0]); i++)
        if (!merge_decimal(decs[i].has_a, decs[i].a, decs[i].has_b, decs[i].b))
            return disagree(ctx, a, b, errors, decs[i].name, dec_text(ctx, *decs[i].a),
                            dec_text(ctx, decs[i].b));
    if (!merge_date(&a->has_trandate, &a->trandate, b->has_trandate, &b->trandate))
        return disagree(ctx, a, b, errors, "trandate", date_text(ctx, &a->trandate),
                        date_text(ctx, &b->trandate));
    if (!merge_date(&a->has_duedate, &a->duedate, b->has_duedate, &b->duedate))
        return disagree(ctx, a, b, errors, "duedate", date_text(ctx, &a->duedate),
                        date_text(ctx, &b->duedate));
    const char **texts[] = {&a->number, &a->opportunity, &a->account, &a->currency};
    const char *others[] = {b->number, b->opportunity, b->account, b->currency};
    const char *names[] = {"tranid", "Opportunity", "Account", "currency"};
    for (size_t i = 0; i < 4; i++)
        if (!merge_text(texts[i], others[i]))
            return disagree(ctx, a, b, errors, names[i], *texts[i], others[i]);
    if (a->currency_code == NULL)
        a->currency_code = b->currency_code;
    a->status_paid |= b->status_paid;
    for (size_t i = 0; i < b->napply; i++) {
        const sfns_apply *ap = &b->apply[i];
        size_t j = 0;
        while (j < a->napply && strcmp(a->apply[j].invoice, ap->invoice) != 0)
            j++;
        if (j < a->napply) {
            if (sfns_api->decimal_cmp(a->apply[j].amount, ap->amount) != 0)
                return disagree(ctx, a, b, errors,
                                sfns_api->sprintf(ctx, "amount applied to invoice %s", ap->invoice),
                                dec_text(ctx, a->apply[j].amount), dec_text(ctx, ap->amount));
            continue;
        }
        if (add_apply(ctx, a, ap->invoice, ap->amount) == -1)
            return -1;
    }
    if (b->failed)
        a->failed = 1;
    return 1;
}
