/* sfns_order_lines.c — an Opportunity's line items as order lines in its own currency: read in
 * SortOrder, each product resolved through the catalog (a NetSuite item, or a bundle to expand
 * later), amounts from Quantity x UnitPrice less the line's discounts, and the opportunity-level
 * discount shared over the lines or written as a discount line (see sfns_orders.h). */
#include "sfns_orders.h"

#include "sfns_alloc.h"
#include "sfns_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sfns_order_error(sfns_order_job *j, const char *code, const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    hs_status st = sfns_errors_add(j->ctx, &j->errors, code, "%s %s", j->label, message);
    if (st != HS_OK)
        j->st = st;
}

hs_json *sfns_order_amount(hs_ctx *ctx, hs_decimal a)
{
    hs_json *v = sfns_api->json_new_decimal(ctx, a);
    return v ? v : sfns_api->json_new_decimal_string(ctx, a);
}

/* One line item as read. */
struct item {
    const hs_json *rec;
    size_t index;     /* in the export's order */
    int has_sort;     /* SortOrder is a number */
    hs_decimal sort;  /* SortOrder */
    const char *name; /* "line 2 (00k...)" for messages */
    hs_decimal quantity, gross, net;
    hs_decimal percent; /* Discount (0 when none) */
    const char *description;
    sfns_item_match match;
    sfns_item_kind kind;
};

static int item_cmp(const void *pa, const void *pb)
{
    const struct item *a = pa, *b = pb;
    if (a->has_sort != b->has_sort)
        return a->has_sort ? -1 : 1;
    if (a->has_sort) {
        int c = sfns_api->decimal_cmp(a->sort, b->sort);
        if (c != 0)
            return c;
    }
    return a->index < b->index ? -1 : a->index > b->index;
}

/* A field of the line item, else of its product (PricebookEntry.Product2, Product2), else of its
 * pricebook entry, as text. */
static const char *product_text(hs_ctx *ctx, const hs_json *line, const char *field)
{
    static const char *const owners[] = {"", "PricebookEntry.Product2", "Product2",
                                         "PricebookEntry", NULL};
    for (size_t i = 0; owners[i] != NULL; i++) {
        const hs_json *o = owners[i][0] ? sfns_field_path(line, owners[i]) : line;
        const char *t = NULL;
        if (o != NULL && sfns_text(ctx, sfns_field_path(o, field), &t) == SFNS_TEXT)
            return t;
    }
    return NULL;
}

/* A decimal field: 1 read, 0 absent or null, -1 not a decimal. */
static int decimal_field(hs_ctx *ctx, const hs_json *obj, const char *path, hs_decimal *out)
{
    const hs_json *v = sfns_field_path(obj, path);
    hs_json_type t = sfns_api->json_type(v);
    if (t == HS_JSON_ABSENT || t == HS_JSON_NULL)
        return 0;
    if (t == HS_JSON_STRING) {
        const char *s = NULL;
        if (sfns_text(ctx, v, &s) != SFNS_TEXT)
            return 0;
    }
    return sfns_api->decimal_from_json(ctx, v, out) == HS_OK ? 1 : -1;
}

/* The field's value as written, for messages. */
static const char *shown(hs_ctx *ctx, const hs_json *obj, const char *path)
{
    const hs_json *v = sfns_field_path(obj, path);
    const char *t = NULL;
    sfns_text(ctx, v, &t);
    if (t == NULL)
        return "(not text)";
    return sfns_api->json_type(v) == HS_JSON_STRING ? sfns_api->sprintf(ctx, "\"%s\"", t) : t;
}

/* Reads one line item into it; 0 when it has a problem (reported). */
static int item_read(sfns_order_job *j, struct item *it)
{
    hs_ctx *ctx = j->ctx;
    const sfns_orders *o = j->o;
    const hs_json *line = it->rec;
    const char *id = NULL;
    sfns_text_field(ctx, line, "Id", &id);
    it->name = id ? sfns_api->sprintf(ctx, "line %zu (%s)", it->index + 1, id)
                  : sfns_api->sprintf(ctx, "line %zu", it->index + 1);
    if (sfns_api->json_type(line) != HS_JSON_OBJECT) {
        sfns_order_error(j, "bad_line", "has %s, which is not an OpportunityLineItem object.",
                         it->name);
        return 0;
    }
    hs_decimal price, gross_exact;
    int q = decimal_field(ctx, line, "Quantity", &it->quantity);
    int p = decimal_field(ctx, line, "UnitPrice", &price);
    if (q <= 0 || sfns_api->decimal_is_zero(it->quantity)) {
        sfns_order_error(
            j, "bad_line", "has %s with %s.", it->name,
            q == 0  ? "no Quantity: select Quantity in the export"
            : q < 0 ? sfns_api->sprintf(ctx, "Quantity %s, which %s", shown(ctx, line, "Quantity"),
                                        sfns_not_decimal(ctx, sfns_field_path(line, "Quantity"),
                                                         "is not a number"))
                    : "Quantity 0: an order line needs a quantity other than 0");
        return 0;
    }
    if (p <= 0) {
        sfns_order_error(
            j, "bad_line", "has %s with %s.", it->name,
            p == 0 ? "no UnitPrice: select UnitPrice in the export"
                   : sfns_api->sprintf(ctx, "UnitPrice %s, which %s", shown(ctx, line, "UnitPrice"),
                                       sfns_not_decimal(ctx, sfns_field_path(line, "UnitPrice"),
                                                        "is not an amount")));
        return 0;
    }
    it->percent = HS_DECIMAL(0, 0);
    int d = decimal_field(ctx, line, "Discount", &it->percent);
    if (d < 0 || (d > 0 && (sfns_api->decimal_sign(it->percent) < 0 ||
                            sfns_api->decimal_cmp(it->percent, HS_DECIMAL(100, 0)) > 0))) {
        sfns_order_error(j, "bad_line",
                         "has %s with Discount %s, which is not a percentage from 0 to 100.",
                         it->name, shown(ctx, line, "Discount"));
        return 0;
    }
    hs_status st = sfns_api->decimal_mul(ctx, it->quantity, price, &gross_exact);
    if (st == HS_OK)
        st = sfns_fx_round(ctx, &o->fx, gross_exact, j->places, &it->gross);
    it->net = it->gross;
    if (st == HS_OK && d > 0 && !sfns_api->decimal_is_zero(it->percent)) {
        hs_decimal keep, t;
        st = sfns_api->decimal_sub(ctx, HS_DECIMAL(100, 0), it->percent, &keep);
        if (st == HS_OK)
            st = sfns_api->decimal_mul(ctx, gross_exact, keep, &t);
        if (st == HS_OK)
            st = sfns_api->decimal_div(ctx, t, HS_DECIMAL(100, 0), j->places, o->fx.mode, &it->net);
    }
    if (st == HS_OK && o->line_discount_amount_field != NULL) {
        hs_decimal amt;
        int a = decimal_field(ctx, line, o->line_discount_amount_field, &amt);
        if (a < 0 || (a > 0 && sfns_api->decimal_sign(amt) < 0)) {
            sfns_order_error(
                j, "bad_line", "has %s with %s %s, which %s.", it->name,
                o->line_discount_amount_field, shown(ctx, line, o->line_discount_amount_field),
                a < 0 ? sfns_not_decimal(ctx, sfns_field_path(line, o->line_discount_amount_field),
                                         "is not an amount of 0 or more")
                      : "is not an amount of 0 or more");
            return 0;
        }
        if (a > 0 && (st = sfns_fx_round(ctx, &o->fx, amt, j->places, &amt)) == HS_OK &&
            (st = sfns_api->decimal_sub(ctx, it->net, amt, &it->net)) == HS_OK)
            st = sfns_api->decimal_add(ctx, j->unseen_discounts, amt, &j->unseen_discounts);
    }
    if (st != HS_OK) {
        sfns_order_error(j, "bad_line", "has %s whose amount cannot be computed: %s.", it->name,
                         sfns_api->ctx_last_error(ctx, NULL));
        return 0;
    }
    it->description = NULL;
    sfns_text_field(ctx, line, "Description", &it->description);
    if (it->description == NULL)
        it->description = product_text(ctx, line, "Name");

    /* The product. */
    const char *code = product_text(ctx, line, o->catalog.product_code_field);
    const char *item_id =
        o->catalog.item_id_field ? product_text(ctx, line, o->catalog.item_id_field) : NULL;
    it->kind = sfns_catalog_resolve(ctx, &o->catalog, code, item_id, &it->match);
    if (it->kind != SFNS_ITEM_UNMAPPED)
        return 1;
    if (code == NULL)
        sfns_order_error(
            j, "missing_sku",
            "has %s%s%s%s without a product code: select %s on the line or on its product "
            "(PricebookEntry.Product2.%s) in the export, or store the NetSuite item's internal "
            "id on the product and name that field in settings.sfns.catalog.itemIdField.",
            it->name, it->description ? ", \"" : "", it->description ? it->description : "",
            it->description ? "\"," : "", o->catalog.product_code_field,
            o->catalog.product_code_field);
    else
        sfns_order_error(
            j, "unmapped_sku",
            "has %s with product code \"%s\" (normalised \"%s\"), which matches no NetSuite "
            "item: add \"%s\": \"<NetSuite item internal id>\" to settings.sfns.catalog.map, or "
            "the NetSuite item (by its name) to settings.sfns.catalog.items.",
            it->name, code, it->match.key ? it->match.key : code, code);
    return 0;
}

/* The envelope's records: 1 with *arr set (may be empty), 0 when incomplete (reported). */
static int line_array(sfns_order_job *j, const hs_json **arr)
{
    const hs_json *v = sfns_field(j->rec, "OpportunityLineItems");
    *arr = NULL;
    if (sfns_api->json_type(v) == HS_JSON_ARRAY) {
        *arr = v;
        return 1;
    }
    if (sfns_api->json_type(v) != HS_JSON_OBJECT)
        return 1;
    *arr = sfns_field(v, "records");
    const hs_json *done = sfns_field(v, "done");
    if (sfns_api->json_type(done) == HS_JSON_BOOL && !sfns_api->json_bool(done, 1)) {
        const char *total = NULL;
        sfns_text(j->ctx, sfns_field(v, "totalSize"), &total);
        sfns_order_error(j, "incomplete_lines",
                         "came with only %zu of its %s line items (the query's \"done\" is "
                         "false): export fewer line items per Opportunity, or fetch the rest "
                         "(nextRecordsUrl) before this step.",
                         sfns_api->json_len(*arr), total ? total : "?");
        return 0;
    }
    if (*arr != NULL && sfns_api->json_type(*arr) != HS_JSON_ARRAY)
        *arr = NULL;
    return 1;
}

/* The opportunity-level discount: percent of the lines' sum plus an amount. */
static int order_discount(sfns_order_job *j, const struct item *items, size_t n, hs_decimal *out)
{
    hs_ctx *ctx = j->ctx;
    const sfns_orders *o = j->o;
    *out = HS_DECIMAL(0, j->places);
    hs_decimal pct, amt, sum = HS_DECIMAL(0, 0);
    hs_status st = HS_OK;
    if (o->order_discount_percent_field != NULL) {
        int got = decimal_field(ctx, j->rec, o->order_discount_percent_field, &pct);
        if (got < 0 || (got > 0 && (sfns_api->decimal_sign(pct) < 0 ||
                                    sfns_api->decimal_cmp(pct, HS_DECIMAL(100, 0)) > 0))) {
            sfns_order_error(j, "bad_discount",
                             "has %s %s, which is not a percentage from 0 to 100.",
                             o->order_discount_percent_field,
                             shown(ctx, j->rec, o->order_discount_percent_field));
            return 0;
        }
        for (size_t i = 0; got > 0 && i < n && st == HS_OK; i++)
            st = sfns_api->decimal_add(ctx, sum, items[i].net, &sum);
        hs_decimal t;
        if (got > 0 && st == HS_OK && (st = sfns_api->decimal_mul(ctx, sum, pct, &t)) == HS_OK)
            st = sfns_api->decimal_div(ctx, t, HS_DECIMAL(100, 0), j->places, o->fx.mode, out);
    }
    if (st == HS_OK && o->order_discount_amount_field != NULL) {
        int got = decimal_field(ctx, j->rec, o->order_discount_amount_field, &amt);
        if (got < 0 || (got > 0 && sfns_api->decimal_sign(amt) < 0)) {
            sfns_order_error(
                j, "bad_discount", "has %s %s, which %s.", o->order_discount_amount_field,
                shown(ctx, j->rec, o->order_discount_amount_field),
                got < 0
                    ? sfns_not_decimal(ctx, sfns_field_path(j->rec, o->order_discount_amount_field),
                                       "is not an amount of 0 or more")
                    : "is not an amount of 0 or more");
            return 0;
        }
        if (got > 0 && (st = sfns_fx_round(ctx, &o->fx, amt, j->places, &amt)) == HS_OK)
            st = sfns_api->decimal_add(ctx, *out, amt, out);
    }
    if (st != HS_OK) {
        sfns_order_error(j, "bad_discount",
                         "has an opportunity discount that cannot be computed: %s.",
                         sfns_api->ctx_last_error(ctx, NULL));
        return 0;
    }
    return 1;
}

/* Shares the opportunity discount over the lines' net amounts (discountMode "net"). */
static int share_discount(sfns_order_job *j, struct item *items, size_t n)
{
    hs_ctx *ctx = j->ctx;
    hs_decimal *nets = sfns_api->alloc(ctx, 2 * n * sizeof(hs_decimal));
    if (nets == NULL) {
        j->st = HS_ERR_NOMEM;
        return 0;
    }
    hs_decimal *parts = nets + n;
    int positive = 0;
    for (size_t i = 0; i < n; i++) {
        nets[i] = items[i].net;
        positive |= sfns_api->decimal_sign(nets[i]) > 0;
    }
    if (!positive) {
        sfns_order_error(j, "bad_discount",
                         "has an opportunity discount of %s %s but no line with a positive "
                         "amount to take it from.",
                         sfns_fx_text(ctx, j->order_discount), j->currency);
        return 0;
    }
    hs_status st = sfns_alloc_by_amounts(ctx, j->order_discount, nets, n, j->places, parts);
    for (size_t i = 0; i < n && st == HS_OK; i++)
        st = sfns_api->decimal_sub(ctx, items[i].net, parts[i], &items[i].net);
    if (st != HS_OK) {
        sfns_order_error(j, "bad_discount",
                         "has an opportunity discount that cannot be shared: %s.",
                         sfns_api->ctx_last_error(ctx, NULL));
        return 0;
    }
    return 1;
}

static const char *percent_text(hs_ctx *ctx, hs_decimal pct)
{
    return sfns_api->decimal_is_zero(pct)
               ? ""
               : sfns_api->sprintf(ctx, " (%s%%)", sfns_fx_text(ctx, pct));
}

void sfns_order_lines_read(sfns_order_job *j)
{
    hs_ctx *ctx = j->ctx;
    const sfns_orders *o = j->o;
    const hs_json *arr = NULL;
    if (!line_array(j, &arr))
        return;
    size_t n = sfns_api->json_len(arr);
    if (n == 0) {
        sfns_order_error(j, "no_lines",
                         "has no line items (OpportunityLineItems is empty or not selected): add "
                         "products to the Opportunity, or select its line items in the export "
                         "(a subquery on OpportunityLineItems).");
        return;
    }
    struct item *items = sfns_api->alloc(ctx, n * sizeof(*items));
    /* at most: an item line and a discount line per line item, and the opportunity discount */
    j->lines = sfns_api->alloc(ctx, (2 * n + 1) * sizeof(sfns_order_line));
    if (items == NULL || j->lines == NULL) {
        j->st = HS_ERR_NOMEM;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        items[i].rec = sfns_api->json_at(arr, i);
        items[i].index = i;
        items[i].has_sort = decimal_field(ctx, items[i].rec, "SortOrder", &items[i].sort) > 0;
    }
    qsort(items, n, sizeof(*items), item_cmp);
    int ok = 1;
    j->unseen_discounts = HS_DECIMAL(0, j->places);
    for (size_t i = 0; i < n; i++)
        ok &= item_read(j, &items[i]);
    if (!ok || j->st != HS_OK || !order_discount(j, items, n, &j->order_discount))
        return;
    if (sfns_api->decimal_add(ctx, j->unseen_discounts, j->order_discount, &j->unseen_discounts) !=
        HS_OK) {
        j->st = HS_ERR_NOMEM;
        return;
    }
    int shared = !o->discount_lines && !sfns_api->decimal_is_zero(j->order_discount);
    if (shared && !share_discount(j, items, n))
        return;

    hs_decimal pct = HS_DECIMAL(0, 0);
    if (o->order_discount_percent_field != NULL)
        decimal_field(ctx, j->rec, o->order_discount_percent_field, &pct);
    for (size_t i = 0; i < n; i++) {
        const struct item *it = &items[i];
        j->lines[j->nlines++] = (sfns_order_line){
            .kind = SFNS_LINE_ITEM,
            .item = it->match.item,
            .bundle = it->kind == SFNS_ITEM_BUNDLE ? it->match.bundle : NULL,
            .quantity = it->quantity,
            .amount = o->discount_lines ? it->gross : it->net,
            .description = it->description,
        };
        hs_decimal off;
        if (!o->discount_lines || sfns_api->decimal_sub(ctx, it->net, it->gross, &off) != HS_OK ||
            sfns_api->decimal_is_zero(off))
            continue;
        j->lines[j->nlines++] = (sfns_order_line){
            .kind = SFNS_LINE_DISCOUNT,
            .item = o->discount_item,
            .amount = off,
            .description =
                sfns_api->sprintf(ctx, "Discount%s on %s", percent_text(ctx, it->percent),
                                  it->description ? it->description : it->name),
        };
    }
    if (o->discount_lines && !sfns_api->decimal_is_zero(j->order_discount))
        j->lines[j->nlines++] = (sfns_order_line){
            .kind = SFNS_LINE_DISCOUNT,
            .item = o->discount_item,
            .amount = sfns_api->decimal_neg(j->order_discount),
            .description = sfns_api->sprintf(ctx, "Opportunity discount%s", percent_text(ctx, pct)),
        };
}
