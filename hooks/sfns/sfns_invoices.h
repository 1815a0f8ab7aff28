/* sfns_invoices.h — sfnsInvoiceStatus (preSavePage): a page of NetSuite invoices, customer
 * payments and credit memos becomes Salesforce Opportunity and Account updates (status, amount
 * due, days overdue, last payment, roll-ups) and, when configured, one record per invoice.
 *
 *   sfns_invoices_conf.c   settings.sfns.invoices, read and checked once per page
 *   sfns_invoice_read.c    a page's records -> transactions (type, ids, links, amounts, dates,
 *                          the invoices a payment or credit memo applies to)
 *   sfns_invoice_fx.c      amounts into the account's currency (sfns_fx, the module's shared
 *                          currency code), when settings ask for it
 *   sfns_invoice_calc.c    status and days overdue of an invoice, roll-ups per Opportunity and
 *                          per Account (no JSON: unit tests call it directly)
 *   sfns_invoice.c         the function: reads, computes, answers {data, errors, ...}
 *
 * docs/sfns-settings.md, "sfnsInvoiceStatus", is the user-facing description. */
#ifndef SFNS_INVOICES_H
#define SFNS_INVOICES_H

#include "sfns.h"
#include "sfns_fx.h"

#include <stddef.h>
#include <stdint.h>

/* ---- settings ------------------------------------------------------------------------------ */

typedef enum sfns_tx_kind {
    SFNS_TX_INVOICE = 0, /* recordType "invoice", SuiteQL type "CustInvc" */
    SFNS_TX_PAYMENT = 1, /* "customerpayment", "CustPymt" */
    SFNS_TX_CREDIT = 2,  /* "creditmemo", "CustCred" */
    SFNS_TX_KIND_COUNT = 3
} sfns_tx_kind;

/* An invoice's status, in the order a roll-up prefers them (see sfns_rollup_status). */
typedef enum sfns_inv_status {
    SFNS_INV_OPEN = 0,    /* "open": nothing paid or credited, not past due */
    SFNS_INV_PARTIAL = 1, /* "partiallyPaid": part paid or credited, the rest not past due */
    SFNS_INV_OVERDUE = 2, /* "overdue": something due and the due date has passed */
    SFNS_INV_PAID = 3,    /* "paid": nothing due (paid or credited in full) */
    SFNS_INV_STATUS_COUNT = 4
} sfns_inv_status;

/* Keys of statusLabels, by status. */
extern const char *const sfns_inv_status_keys[SFNS_INV_STATUS_COUNT + 1];

/* Output fields of an Opportunity update (keys of opportunityOutput). */
typedef enum sfns_oo {
    SFNS_OO_STATUS,
    SFNS_OO_INVOICED,
    SFNS_OO_DUE,
    SFNS_OO_DAYS,
    SFNS_OO_PAY_DATE,
    SFNS_OO_PAY_AMOUNT,
    SFNS_OO_COUNT
} sfns_oo;
/* Output fields of an Account update (keys of accountOutput). */
typedef enum sfns_ao {
    SFNS_AO_BALANCE,
    SFNS_AO_OVERDUE,
    SFNS_AO_DAYS,
    SFNS_AO_PAY_DATE,
    SFNS_AO_PAY_AMOUNT,
    SFNS_AO_COUNT
} sfns_ao;
/* Output fields of a per-invoice record (keys of invoiceOutput). */
typedef enum sfns_io {
    SFNS_IO_NETSUITE_ID,
    SFNS_IO_NUMBER,
    SFNS_IO_STATUS,
    SFNS_IO_TOTAL,
    SFNS_IO_DUE,
    SFNS_IO_DUE_DATE,
    SFNS_IO_DAYS,
    SFNS_IO_PAY_DATE,
    SFNS_IO_PAY_AMOUNT,
    SFNS_IO_OPPORTUNITY,
    SFNS_IO_ACCOUNT,
    SFNS_IO_CURRENCY,
    SFNS_IO_COUNT
} sfns_io;

extern const char *const sfns_oo_keys[SFNS_OO_COUNT + 1];
extern const char *const sfns_ao_keys[SFNS_AO_COUNT + 1];
extern const char *const sfns_io_keys[SFNS_IO_COUNT + 1];

/* A list of field paths (settings such as opportunityIdFields). */
typedef struct sfns_paths {
    const char **paths;
    size_t n;
} sfns_paths;

/* settings.sfns.invoices. Output field names are Salesforce API names; NULL leaves the field
 * out. */
typedef struct sfns_invoices {
    const char *type_field;
    int has_default_kind;
    sfns_tx_kind default_kind;
    sfns_paths opportunity_fields, account_fields;
    const char *date_format; /* NULL: ISO 8601 */
    const char *time_zone;
    const char *labels[SFNS_INV_STATUS_COUNT];
    int opportunity_rollup, account_rollup, net_unapplied;
    int unlinked_error; /* unlinkedTransactions is "error" (else "skip") */
    const char *opportunity_out[SFNS_OO_COUNT];
    const char *account_out[SFNS_AO_COUNT];
    const char *invoice_object; /* NULL: no per-invoice records */
    const char *invoice_out[SFNS_IO_COUNT];
    int convert;                        /* convertToAccountCurrency */
    sfns_paths account_currency_fields; /* accountCurrencyFields */
    const char *account_currency;       /* accountCurrency (ISO code), or NULL */
    int on_run_date;                    /* conversionDate is "run" (else "transaction") */
    sfns_fx fx;                         /* settings.sfns.currency */
} sfns_invoices;

/* Reads settings.sfns.invoices; on a problem the page fails (422 invalid_setting naming the key)
 * and that status is returned. */
hs_status sfns_invoices_read(hs_ctx *ctx, sfns_invoices *s);

/* ---- transactions (sfns_invoice_read.c) ---------------------------------------------------- */

/* One application of a payment or credit memo to an invoice. */
typedef struct sfns_apply {
    const char *invoice; /* the invoice's internal id */
    hs_decimal amount;   /* in the transaction's currency */
} sfns_apply;

/* A transaction of the page, as read from its record (several rows of one transaction, as a
 * saved search gives them, are merged into one). */
typedef struct sfns_tx {
    sfns_tx_kind kind;
    size_t index;              /* record index in the page (0-based) */
    long row;                  /* row of a grouped record, -1 for none */
    size_t count;              /* records in the page */
    const hs_json *rec;        /* the (first) record */
    const char *id;            /* internal id */
    const char *label;         /* made by sfns_tx_label when first needed */
    const char *number;        /* tranid, or NULL */
    const char *opportunity;   /* 18-character Opportunity Id, or NULL */
    const char *account;       /* 18-character Account Id, or NULL */
    const char *currency;      /* as the record names it (an ISO code when it is one, else the
                                  NetSuite currency's id or name), NULL when it names none */
    const char *currency_code; /* ISO 4217 code, or NULL when the record gives none */
    int has_trandate, has_duedate;
    hs_datetime trandate, duedate; /* calendar dates (no time) */
    int has_total, has_due, has_paid, has_unapplied;
    hs_decimal total;     /* invoice / credit memo total, payment amount */
    hs_decimal due;       /* invoice amountremaining */
    hs_decimal paid;      /* invoice amountpaid */
    hs_decimal unapplied; /* payment / credit memo amount not applied yet */
    int status_paid;      /* the record's status says "Paid In Full" */
    sfns_apply *apply;
    size_t napply, capply;
    const char *out_currency; /* the currency of the amounts written: `currency`, or, converted,
                                 the account's ISO code */
    const sfns_fx_pair *pair; /* amounts are converted with it; NULL: not converted */
    int kind_read;            /* kind holds its type */
    int known;                /* its kind and id were read (else the record is left out entirely) */
    int failed;               /* an error was reported: its amounts cannot be used */
} sfns_tx;

/* One record of a page: data[index], or row `row` of a grouped export's data[index] (row -1:
 * the element itself). */
typedef struct sfns_page_rec {
    const hs_json *rec;
    size_t index;
    long row;
} sfns_page_rec;

/* The records of a page, flattened: data's elements, and the rows of grouped exports (an element
 * {"rows": [...]} or an array of rows). Sets *out (arena) and *n. */
hs_status sfns_page_records(hs_ctx *ctx, const hs_json *data, sfns_page_rec **out, size_t *n);

/* Reads one record (of `count` in data) into *tx (zeroed first). Problems are added to *errors
 * (made on first use; {code, message, source: "sfns"}) and logged. Returns 1 when the record is
 * read (a problem with its links alone, such as no Account Id, leaves it usable), 0 when its
 * amounts or dates cannot be used (tx->failed is set; the kind, id and links read so far are
 * kept, so roll-ups it belongs to are known to be incomplete), -1 when out of memory. */
int sfns_tx_read(hs_ctx *ctx, const sfns_invoices *s, const sfns_page_rec *pr, size_t count,
                 sfns_tx *tx, hs_json **errors);

/* Merges tx b, another row of the same transaction (same kind and id), into a: values only one
 * row has are taken, values both have must agree, and applications are joined (one per
 * invoice). Returns 1 when merged, 0 when the rows disagree (the problem is added to *errors
 * and a->failed set), -1 when out of memory. */
int sfns_tx_merge(hs_ctx *ctx, sfns_tx *a, const sfns_tx *b, hs_json **errors);

/* The value at a field path of a record: its dot-separated steps, each read in any key case
 * ("entity.externalId"), else the whole path as one key (a saved-search column may be labelled
 * "createdfrom.externalid"). NULL when absent. */
const hs_json *sfns_invoice_path(const hs_json *rec, const char *path);

/* How messages name tx: "NetSuite invoice INV-7 (internal id 439, record 3 of 20)" (made on
 * first use and kept; a record that is not read as a transaction is a "NetSuite record"). */
const char *sfns_tx_label(hs_ctx *ctx, sfns_tx *tx);

/* Adds a problem of tx to *errors and logs it: the message is tx's label, a space, then the
 * formatted text. */
hs_status sfns_tx_error(hs_ctx *ctx, sfns_tx *tx, hs_json **errors, const char *code,
                        const char *fmt, ...) HS_PRINTF(5, 6);

/* ---- conversion (sfns_invoice_fx.c) -------------------------------------------------------- */

/* Sets tx->out_currency, and with convertToAccountCurrency the conversion from tx's currency into
 * its account's on the conversion date (`now` is the run time). Returns 1 when set, 0 when the
 * currencies or the rate are missing (the problem is added to *errors, tx->failed set), -1 when
 * an API call failed. */
int sfns_invoice_fx_setup(hs_ctx *ctx, const sfns_invoices *s, const hs_datetime *now, sfns_tx *tx,
                          hs_json **errors);
/* An amount of tx in the currency written: converted and rounded to that currency's minor units
 * when tx has a conversion, else as it is. */
hs_status sfns_invoice_fx_amount(hs_ctx *ctx, const sfns_invoices *s, const sfns_tx *tx,
                                 hs_decimal in, hs_decimal *out);

/* ---- computing (sfns_invoice_calc.c) ------------------------------------------------------- */

/* Whole days from the due date to `now` counted in tz (negative: not due yet). */
hs_status sfns_days_past_due(hs_ctx *ctx, const hs_datetime *due_date, const hs_datetime *now,
                             const char *tz, int64_t *days);

/* The status of an invoice of `total` with `due` left, `days_past_due` days after its due date;
 * *days_overdue is days_past_due when overdue, else 0. */
sfns_inv_status sfns_invoice_classify(hs_decimal total, hs_decimal due, int64_t days_past_due,
                                      int64_t *days_overdue);

/* The amount due of an invoice: amountremaining; else total - amountpaid; else 0 when its status
 * says paid in full; else total - what the page's payments and credit memos apply to it
 * (`applied`). HS_ERR_RANGE when that is below zero (nothing recorded: the caller says which
 * amounts disagree) or does not fit (recorded by the decimal call). */
hs_status sfns_invoice_due(hs_ctx *ctx, const sfns_tx *inv, hs_decimal applied, hs_decimal *due);

/* The status of a roll-up from the counts of its invoices' statuses: overdue when one is
 * overdue; else paid when all are paid; else open when all are open; else partially paid. */
sfns_inv_status sfns_rollup_status(const size_t counts[SFNS_INV_STATUS_COUNT]);

/* A payment seen from an invoice or roll-up: which payment (its page index breaks ties between
 * payments of one date: the later record wins), its date, and the amount concerned. */
typedef struct sfns_payment_ref {
    int has;
    size_t index;
    hs_datetime date;
    hs_decimal amount;
} sfns_payment_ref;

/* Whether payment (date, index) is later than *cur. */
int sfns_payment_later(const sfns_payment_ref *cur, const hs_datetime *date, size_t index);

/* A roll-up (one Opportunity or one Account). */
typedef struct sfns_rollup {
    const char *id;             /* the 18-character Salesforce Id */
    size_t first;               /* page index of its first transaction (output order) */
    const char *currency;       /* the currency of its amounts (NULL: none named yet) */
    const char *other_currency; /* a second currency met (mixed), or NULL */
    const char *incomplete;     /* label of a transaction that failed, or NULL */
    size_t counts[SFNS_INV_STATUS_COUNT];
    size_t invoices;
    hs_decimal invoiced, due, overdue, unapplied;
    int64_t days_overdue;
    sfns_payment_ref last_payment;
} sfns_rollup;

/* Starts a roll-up. */
void sfns_rollup_init(sfns_rollup *r, const char *id, size_t first);
/* Notes the currency of an amount added (NULL: unknown, compatible with any). */
void sfns_rollup_currency(sfns_rollup *r, const char *currency);
/* Adds an invoice: its total, amount due (and to the overdue total when overdue), status and
 * days overdue. */
hs_status sfns_rollup_add_invoice(hs_ctx *ctx, sfns_rollup *r, hs_decimal total, hs_decimal due,
                                  sfns_inv_status status, int64_t days_overdue);
/* Adds an amount not applied yet (a credit memo's or a payment's). */
hs_status sfns_rollup_add_unapplied(hs_ctx *ctx, sfns_rollup *r, hs_decimal amount);
/* The open balance: amounts due less, with net_unapplied, the amounts not applied. */
hs_status sfns_rollup_balance(hs_ctx *ctx, const sfns_rollup *r, int net_unapplied,
                              hs_decimal *out);

#endif
