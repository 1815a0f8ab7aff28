/* sfns_orders.h — Opportunity -> Sales Order / Estimate (sfnsOpportunityToSalesOrder): the
 * settings of settings.sfns.orders with the shared currency and catalog sections they use
 * (sfns_orders_conf.c), the order lines built from an Opportunity's line items in its own
 * currency (sfns_order_lines.c), and the record mapping (sfns_opportunity.c). */
#ifndef SFNS_ORDERS_H
#define SFNS_ORDERS_H

#include "sfns_catalog.h"
#include "sfns_fx.h"

#include <stddef.h>

typedef enum sfns_order_type { SFNS_SALES_ORDER = 0, SFNS_ESTIMATE = 1 } sfns_order_type;

/* settings.sfns.orders (+ currency and catalog), read and checked once per page. */
typedef struct sfns_orders {
    sfns_order_type record_type;
    const char *route_field;
    const hs_json *sales_rep_by_owner; /* keys as 18-character User Ids */
    const char *default_sales_rep;
    const char *subsidiary_field, *default_subsidiary;
    const char *po_number_field, *memo_field, *ship_date_field;
    const char *order_currency, *order_currency_field;
    const char *date_format; /* NetSuite date pattern of the dates written */
    const char *time_zone;   /* zone of a CloseDate given as an instant */
    const char *order_status;
    long quote_validity_days;
    const char *estimate_status;
    int discount_lines; /* discountMode "lines" (else "net") */
    const char *discount_item;
    const char *line_discount_amount_field;
    const char *order_discount_percent_field, *order_discount_amount_field;
    int rate_places; /* -1: the order currency's minor units */
    int totals_check;
    sfns_fx fx;
    sfns_catalog catalog;
} sfns_orders;

/* Reads settings.sfns.orders, .currency and .catalog; on a problem the invocation fails (422
 * invalid_setting naming the key) and that status is returned. */
hs_status sfns_orders_read(hs_ctx *ctx, sfns_orders *o);

/* ---- one Opportunity being mapped ---------------------------------------------------------- */

typedef enum sfns_line_kind {
    SFNS_LINE_ITEM = 0,     /* a NetSuite item, or a bundle to expand */
    SFNS_LINE_DISCOUNT = 1, /* discountMode "lines": a discount item line */
} sfns_line_kind;

/* A line of the order before conversion and bundle expansion: amounts in the Opportunity's
 * currency, at its minor units. */
typedef struct sfns_order_line {
    sfns_line_kind kind;
    const char *item;          /* NetSuite internal id (item lines, discount lines) */
    const sfns_bundle *bundle; /* item lines of a bundle product */
    hs_decimal quantity;       /* item lines */
    hs_decimal amount;
    const char *description;
} sfns_order_line;

typedef struct sfns_order_job {
    hs_ctx *ctx;
    const sfns_orders *o;
    const hs_json *rec;
    const char *label;    /* "Opportunity 006... "Name" (record 2 of 5)" */
    hs_json *errors;      /* per-record errors, NULL while none */
    hs_status st;         /* an API failure (the page fails) */
    const char *currency; /* the Opportunity's currency */
    int places;           /* its minor units */
    /* filled by sfns_order_lines_read */
    sfns_order_line *lines;
    size_t nlines;
    hs_decimal order_discount; /* opportunity-level discount, in the Opportunity's currency */
    /* the discounts Salesforce's Amount does not know (custom fields): the opportunity discount
     * and the lines' lineDiscountAmountField amounts */
    hs_decimal unseen_discounts;
} sfns_order_job;

/* Adds a per-record error whose message is the record's label, a space and the text. */
void sfns_order_error(sfns_order_job *j, const char *code, const char *fmt, ...) HS_PRINTF(3, 4);

/* Reads the Opportunity's OpportunityLineItems (a query envelope {"records": [...]}, or an
 * array), in SortOrder, into j->lines: each resolved through the catalog, its amount computed
 * from Quantity, UnitPrice and the discounts, with the opportunity-level discount shared over
 * the lines ("net") or added as a line of its own ("lines"). Problems are per-record errors on
 * j (no_lines, incomplete_lines, bad_line, missing_sku, unmapped_sku, bad_discount). */
void sfns_order_lines_read(sfns_order_job *j);

/* A JSON number of a (a string when it has more digits than a JSON number keeps); NULL past the
 * memory limit. */
hs_json *sfns_order_amount(hs_ctx *ctx, hs_decimal a);

#endif
