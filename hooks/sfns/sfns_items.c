/* sfns_items.c — sfnsItemsToPricebook (preSavePage): a page of NetSuite items with their price
 * matrices becomes a page of Salesforce records, each marked with attributes.type so a router
 * sends it to its import: Product2, one PricebookEntry per (pricebook, currency), price tiers
 * (one per quantity break) and sfnsBundle (a kit's or item group's components). An item that
 * cannot be converted goes to newErrorsAndRetryData with its errors; the rest of the page goes
 * on. See docs/sfns-settings.md, "Items and pricing". */
#include "sfns_items.h"

#include "sfns_text.h"

#include <string.h>

/* One item being converted. */
typedef struct items_job {
    hs_ctx *ctx;
    const sfns_items_conf *c;
    const char *id;        /* NetSuite internal id */
    const char *label;     /* for messages: "item 1043 (PB762GH)" */
    const hs_json *item;   /* the NetSuite item (rates a lookup put on it) */
    const hs_datetime *on; /* the date whose exchange rates apply */
    int newest;            /* no export time: the newest rate of each currency applies */
    int active;
    hs_json *out;     /* the item's output records */
    const char *code; /* first per-item error */
    const char *detail;
} items_job;

static int job_error(items_job *j, const char *code, const char *detail)
{
    if (j->code == NULL) {
        j->code = code;
        j->detail = detail;
    }
    return 0;
}

/* {"attributes": {"type": type}} */
static hs_json *typed(hs_ctx *ctx, const char *type)
{
    hs_json *o = sfns_api->json_new_object(ctx);
    hs_json *a = sfns_api->json_new_object(ctx);
    if (o == NULL || a == NULL || sfns_api->json_set_string(ctx, a, "type", type) != HS_OK ||
        sfns_api->json_set(ctx, o, "attributes", a) != HS_OK)
        return NULL;
    return o;
}

/* {key: value} (a reference by external id). */
static hs_json *ref_by(hs_ctx *ctx, const char *key, const char *value)
{
    hs_json *o = sfns_api->json_new_object(ctx);
    if (o == NULL || sfns_api->json_set_string(ctx, o, key, value) != HS_OK)
        return NULL;
    return o;
}

static hs_status set_decimal(hs_ctx *ctx, hs_json *o, const char *key, hs_decimal d)
{
    hs_json *v = sfns_api->json_new_decimal(ctx, d);
    return v == NULL ? HS_ERR_RANGE : sfns_api->json_set(ctx, o, key, v);
}

static hs_status set_text(hs_ctx *ctx, hs_json *o, const char *key, const char *s)
{
    return s == NULL ? sfns_api->json_set(ctx, o, key, sfns_api->json_new_null(ctx))
                     : sfns_api->json_set_string(ctx, o, key, s);
}

static const char *field_text(hs_ctx *ctx, const hs_json *item, const char *name)
{
    const char *s = NULL;
    if (sfns_text_field(ctx, item, name, &s) == SFNS_TEXT)
        return s;
    sfns_ref r;
    if (sfns_ref_read(ctx, sfns_field(item, name), &r) == SFNS_TEXT)
        return r.name != NULL ? r.name : r.id;
    return NULL;
}

static hs_json *product(items_job *j, const hs_json *item, const char *code)
{
    hs_ctx *ctx = j->ctx;
    const sfns_items_conf *c = j->c;
    const char *itemid = field_text(ctx, item, "itemid");
    const char *name =
        strcmp(c->name_field, "displayname") == 0 ? field_text(ctx, item, "displayname") : NULL;
    if (name == NULL)
        name = itemid != NULL ? itemid : code;
    const char *family = c->family_field ? field_text(ctx, item, c->family_field) : NULL;
    const char *type = field_text(ctx, item, "recordType");
    if (family == NULL && c->family_by_type != NULL && type != NULL)
        family =
            sfns_api->json_string(ctx, sfns_api->json_get(c->family_by_type, type), NULL, NULL);
    hs_json *p = typed(ctx, "Product2");
    if (p == NULL || sfns_api->json_set_string(ctx, p, c->product_key, j->id) != HS_OK ||
        set_text(ctx, p, "Name", name) != HS_OK || set_text(ctx, p, "ProductCode", code) != HS_OK ||
        set_text(ctx, p, "Description", field_text(ctx, item, "salesdescription")) != HS_OK ||
        set_text(ctx, p, "Family", family) != HS_OK ||
        sfns_api->json_set_bool(ctx, p, "IsActive", j->active) != HS_OK)
        return NULL;
    return p;
}

/* The breaks as JSON text with exact decimals: [{"quantity":10,"price":9.5}, ...]. */
static const char *breaks_text(hs_ctx *ctx, const sfns_break *b, size_t n)
{
    const char *s = "[";
    for (size_t i = 0; i < n && s != NULL; i++) {
        char q[HS_DECIMAL_MAX], p[HS_DECIMAL_MAX];
        sfns_api->decimal_format(b[i].quantity, q);
        sfns_api->decimal_format(b[i].price, p);
        s = sfns_api->sprintf(ctx, "%s%s{\"quantity\":%s,\"price\":%s}", s, i ? "," : "", q, p);
    }
    return s ? sfns_api->sprintf(ctx, "%s]", s) : NULL;
}

/* The entry of one (pricebook, currency) and its tiers. 1 written, 0 a per-item error set, -1 out
 * of memory. */
static int entry(items_job *j, const char *pricebook, const char *currency, const sfns_break *b,
                 size_t n)
{
    hs_ctx *ctx = j->ctx;
    const sfns_items_conf *c = j->c;
    hs_decimal unit;
    if (!sfns_breaks_unit_price(b, n, &unit))
        return job_error(j, "no_unit_price",
                         sfns_api->sprintf(ctx,
                                           "%s has no price for quantity 1 in %s for pricebook "
                                           "%s (its first quantity break starts above 1)",
                                           j->label, currency, pricebook));
    const char *key = sfns_api->sprintf(ctx, "%s:%s:%s", j->id, pricebook, currency);
    hs_json *e = typed(ctx, "PricebookEntry");
    if (key == NULL || e == NULL || sfns_api->json_set_string(ctx, e, c->entry_key, key) != HS_OK ||
        sfns_api->json_set_string(ctx, e, "Pricebook2Id", pricebook) != HS_OK ||
        sfns_api->json_set(ctx, e, "Product2", ref_by(ctx, c->product_key, j->id)) != HS_OK ||
        sfns_api->json_set_string(ctx, e, "CurrencyIsoCode", currency) != HS_OK)
        return -1;
    hs_status st = set_decimal(ctx, e, "UnitPrice", unit);
    if (st == HS_ERR_RANGE)
        return job_error(
            j, "bad_price",
            sfns_api->sprintf(ctx, "%s: a price in %s has too many digits", j->label, currency));
    if (st != HS_OK || sfns_api->json_set_bool(ctx, e, "IsActive", j->active) != HS_OK ||
        sfns_api->json_set_bool(ctx, e, "UseStandardPrice", 0) != HS_OK)
        return -1;
    if (c->breaks == SFNS_BREAKS_SERIALISED) {
        const char *text = breaks_text(ctx, b, n);
        if (text == NULL || sfns_api->json_set_string(ctx, e, c->breaks_field, text) != HS_OK)
            return -1;
    }
    if (sfns_api->json_push(ctx, j->out, e) != HS_OK)
        return -1;
    if (c->breaks != SFNS_BREAKS_TIERS)
        return 1;
    for (size_t i = 0; i < n; i++) {
        char q[HS_DECIMAL_MAX];
        sfns_api->decimal_format(b[i].quantity, q);
        hs_json *t = typed(ctx, c->tier_object);
        const char *tkey = sfns_api->sprintf(ctx, "%s:%s", key, q);
        if (t == NULL || tkey == NULL ||
            sfns_api->json_set_string(ctx, t, c->entry_key, tkey) != HS_OK ||
            sfns_api->json_set_string(ctx, t, "Entry_Key__c", key) != HS_OK ||
            sfns_api->json_set(ctx, t, "Product__r", ref_by(ctx, c->product_key, j->id)) != HS_OK ||
            sfns_api->json_set_string(ctx, t, "Pricebook__c", pricebook) != HS_OK ||
            sfns_api->json_set_string(ctx, t, "CurrencyIsoCode", currency) != HS_OK)
            return -1;
        if (set_decimal(ctx, t, "Min_Quantity__c", b[i].quantity) != HS_OK ||
            set_decimal(ctx, t, "Unit_Price__c", b[i].price) != HS_OK ||
            sfns_api->json_push(ctx, j->out, t) != HS_OK)
            return -1;
    }
    return 1;
}

/* Without an export time no date applies, so the shared message ("valid on <date>") would name
 * none: say which currency has no rate at all (the base or the target) and what to add. */
static const char *newest_missing(items_job *j, const char *to)
{
    hs_ctx *ctx = j->ctx;
    const sfns_items_conf *c = j->c;
    sfns_fx_pair probe;
    const char *why = NULL, *code = to;
    if (sfns_items_pair(ctx, c, j->item, c->fx.corporate, j->on, &probe, &why) == SFNS_FX_MISSING)
        code = c->base_currency;
    return sfns_api->sprintf(
        ctx,
        "no %s exchange rate is set (the call has no currentExportDateTime, so the newest rate "
        "of each currency applies): add {\"currency\": \"%s\", \"rate\": <units of %s per 1 "
        "%s>} to settings.sfns.currency.rates",
        code, code, code, c->fx.corporate);
}

/* The entries of one pricebook fed by `level`. 1 done, 0 per-item error, -1 out of memory. */
static int pricebook(items_job *j, const sfns_price_matrix *m, const char *pb, const char *level)
{
    hs_ctx *ctx = j->ctx;
    const sfns_items_conf *c = j->c;
    if (!sfns_matrix_has_level(m, level))
        return 1;
    const char **cur = c->currencies;
    size_t ncur = c->ncurrencies;
    if (cur == NULL) { /* the currencies the level has prices in */
        cur = sfns_api->alloc(ctx, (m->n ? m->n : 1) * sizeof(*cur));
        if (cur == NULL)
            return -1;
        for (size_t i = 0; i < m->n; i++)
            if (sfns_matrix_find(m, level, m->rows[i].currency) == &m->rows[i])
                cur[ncur++] = m->rows[i].currency;
    }
    for (size_t i = 0; i < ncur; i++) {
        const sfns_price_row *r = sfns_matrix_find(m, level, cur[i]);
        const sfns_break *b = r ? r->b : NULL;
        size_t n = r ? r->n : 0;
        if (n == 0 && c->convert && strcmp(cur[i], c->base_currency) != 0) {
            const sfns_price_row *base = sfns_matrix_find(m, level, c->base_currency);
            if (base != NULL && base->n > 0) {
                sfns_fx_pair pair;
                const char *problem = NULL;
                sfns_fx_status fst =
                    sfns_items_pair(ctx, c, j->item, cur[i], j->on, &pair, &problem);
                if (fst == SFNS_FX_ERROR)
                    return -1;
                if (fst == SFNS_FX_MISSING && j->newest &&
                    (problem = newest_missing(j, cur[i])) == NULL)
                    return -1;
                if (fst != SFNS_FX_OK)
                    return job_error(j, sfns_fx_status_code(fst),
                                     sfns_api->sprintf(ctx,
                                                       "%s has no %s price at level %s and its "
                                                       "%s prices cannot be converted: %s",
                                                       j->label, cur[i], level, c->base_currency,
                                                       problem ? problem : "no rate"));
                sfns_break *conv = sfns_api->alloc(ctx, base->n * sizeof(*conv));
                if (conv == NULL)
                    return -1;
                if (sfns_breaks_convert(ctx, &c->fx, &pair, base->b, base->n, conv) != HS_OK)
                    return job_error(j, "bad_price",
                                     sfns_api->sprintf(ctx,
                                                       "%s: a %s price converted to %s "
                                                       "does not fit 19 digits",
                                                       j->label, c->base_currency, cur[i]));
                sfns_api->log(ctx, HS_LOG_DEBUG, "%s: %s prices at level %s converted from %s",
                              j->label, cur[i], level, c->base_currency);
                b = conv;
                n = base->n;
            }
        }
        if (n == 0) {
            sfns_api->log(ctx, HS_LOG_INFO,
                          "%s: no %s price at level %s: no %s entry in pricebook %s", j->label,
                          cur[i], level, cur[i], pb);
            continue;
        }
        int rc = entry(j, pb, cur[i], b, n);
        if (rc <= 0)
            return rc;
    }
    return 1;
}

/* The component list of a kit or an item group: member[] (record export) or
 * memberList.itemMember[] (SOAP), each {item: reference or id, quantity}. */
static int bundle(items_job *j, const hs_json *item, const char *code)
{
    hs_ctx *ctx = j->ctx;
    const hs_json *members = sfns_field(item, "member");
    if (members == NULL || sfns_api->json_type(members) == HS_JSON_NULL)
        members = sfns_field(sfns_field(item, "memberList"), "itemMember");
    hs_json_type t = sfns_api->json_type(members);
    if (t == HS_JSON_OBJECT && sfns_field(members, "items") != NULL)
        members = sfns_field(members, "items"), t = sfns_api->json_type(members);
    if (t == HS_JSON_ABSENT || t == HS_JSON_NULL)
        return 1;
    size_t n = t == HS_JSON_ARRAY ? sfns_api->json_len(members) : 1;
    if (t != HS_JSON_ARRAY && t != HS_JSON_OBJECT)
        return job_error(
            j, "bad_member",
            sfns_api->sprintf(ctx, "%s: member must be an array of {item, quantity}", j->label));
    hs_json *comps = sfns_api->json_new_array(ctx);
    if (comps == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const hs_json *mb = t == HS_JSON_ARRAY ? sfns_api->json_at(members, i) : members;
        sfns_ref r = {0};
        hs_decimal q = HS_DECIMAL(1, 0);
        const hs_json *qv = sfns_field(mb, "quantity");
        int qok = qv == NULL || sfns_api->json_type(qv) == HS_JSON_NULL ||
                  sfns_api->decimal_from_json(ctx, qv, &q) == HS_OK;
        if (sfns_ref_read(ctx, sfns_field(mb, "item"), &r) != SFNS_TEXT || r.id == NULL || !qok ||
            sfns_api->decimal_sign(q) <= 0)
            return job_error(j, "bad_member",
                             sfns_api->sprintf(ctx,
                                               "%s: member %zu needs an item internal id and a "
                                               "quantity above zero",
                                               j->label, i));
        hs_json *comp = sfns_api->json_new_object(ctx);
        if (comp == NULL || sfns_api->json_set_string(ctx, comp, "item", r.id) != HS_OK ||
            set_decimal(ctx, comp, "quantity", q) != HS_OK ||
            sfns_api->json_push(ctx, comps, comp) != HS_OK)
            return -1;
    }
    if (n == 0)
        return 1;
    const char *type = field_text(ctx, item, "recordType");
    hs_json *b = typed(ctx, "sfnsBundle");
    if (b == NULL || set_text(ctx, b, "code", code) != HS_OK ||
        sfns_api->json_set_string(ctx, b, "item", j->id) != HS_OK ||
        set_text(ctx, b, "recordType", type) != HS_OK ||
        sfns_api->json_set(ctx, b, "components", comps) != HS_OK ||
        sfns_api->json_push(ctx, j->out, b) != HS_OK)
        return -1;
    return 1;
}

/* Converts one item into j->out. 1 done, 0 per-item error in j, -1 out of memory. */
static int item_convert(items_job *j, const hs_json *item)
{
    hs_ctx *ctx = j->ctx;
    const sfns_items_conf *c = j->c;
    j->id = field_text(ctx, item, "id");
    if (j->id == NULL)
        j->id = field_text(ctx, item, "internalId");
    const char *itemid = field_text(ctx, item, "itemid");
    j->label = sfns_api->sprintf(ctx, "item %s (%s)", j->id ? j->id : "without id",
                                 itemid ? itemid : "no itemid");
    if (j->label == NULL)
        return -1;
    if (sfns_api->json_type(item) != HS_JSON_OBJECT || j->id == NULL)
        return job_error(j, "no_item_id",
                         "the record has no NetSuite internal id (id or internalId): select it "
                         "in the export");
    const char *code = sfns_items_code(ctx, c, j->id, itemid);
    if (code == NULL)
        return job_error(j, "no_product_code",
                         sfns_api->sprintf(ctx,
                                           "%s has no itemid: select itemid in the export or "
                                           "give its code in settings.sfns.catalog.map "
                                           "(\"<Salesforce code>\": \"<internal id>\")",
                                           j->label));
    int inactive = sfns_flag(ctx, sfns_field(item, "isinactive"));
    j->active = inactive != 1;
    sfns_price_matrix m;
    const char *ecode = NULL, *why = NULL;
    hs_status st = sfns_matrix_read(ctx, c, item, &m, &ecode, &why);
    if (st == HS_ERR_PARSE)
        return job_error(j, ecode, sfns_api->sprintf(ctx, "%s: %s", j->label, why));
    if (st != HS_OK)
        return -1;
    hs_json *p = product(j, item, code);
    if (p == NULL || sfns_api->json_push(ctx, j->out, p) != HS_OK)
        return -1;
    int rc = pricebook(j, &m, c->standard_pricebook, c->base_level);
    size_t nl = c->levels ? sfns_api->json_len(c->levels) : 0;
    for (size_t i = 0; i < nl && rc == 1; i++) {
        size_t len = 0;
        const char *k = sfns_api->json_key_at(c->levels, i, &len);
        const char *level = sfns_api->sprintf(ctx, "%.*s", (int)len, k);
        const char *pb = sfns_id_text(ctx, sfns_api->json_value_at(c->levels, i));
        if (level == NULL || pb == NULL)
            return -1;
        rc = pricebook(j, &m, pb, level);
    }
    if (rc != 1)
        return rc;
    return bundle(j, item, code);
}

/* The date whose rates convert prices: the export's run time (currentExportDateTime) as a UTC
 * date; without one, the newest rate of each currency (no age limit: there is no date to age it
 * against). */
static hs_status rate_date(hs_ctx *ctx, sfns_items_conf *c, hs_datetime *on, int *newest)
{
    *newest = 0;
    hs_datetime now;
    int64_t ms = 0;
    hs_status st = sfns_api->ctx_now(ctx, 0, &now);
    if (st == HS_ERR_NOT_FOUND) {
        *on = (hs_datetime){.year = 9999, .month = 12, .day = 31};
        *newest = 1;
        c->fx.max_age_days = -1;
        return HS_OK;
    }
    if (st == HS_OK)
        st = sfns_api->date_to_ms(ctx, &now, NULL, &ms);
    if (st == HS_OK)
        st = sfns_api->date_from_ms(ctx, ms, "UTC", &now);
    if (st != HS_OK)
        return sfns_api->fail(ctx, "invalid_export_time", "sfnsItemsToPricebook: %s",
                              sfns_api->ctx_last_error(ctx, NULL));
    *on = (hs_datetime){.year = now.year, .month = now.month, .day = now.day};
    return HS_OK;
}

static hs_status items_page(hs_ctx *ctx, hs_page *page)
{
    sfns_items_conf c;
    hs_datetime on;
    int newest = 0;
    hs_status st = sfns_items_conf_read(ctx, &c);
    if (st == HS_OK)
        st = rate_date(ctx, &c, &on, &newest);
    if (st != HS_OK)
        return st;
    hs_json *data = sfns_api->page_data(page);
    size_t n = sfns_api->json_len(data);
    hs_json *out = sfns_api->json_new_array(ctx);
    if (out == NULL)
        return HS_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        hs_json *item = sfns_api->json_at(data, i);
        items_job j = {.ctx = ctx,
                       .c = &c,
                       .item = item,
                       .on = &on,
                       .newest = newest,
                       .out = sfns_api->json_new_array(ctx)};
        if (j.out == NULL)
            return HS_ERR_NOMEM;
        int rc = item_convert(&j, item);
        if (rc < 0)
            return HS_ERR_NOMEM;
        if (rc == 0) {
            hs_json *errors = NULL;
            if (sfns_errors_add(ctx, &errors, j.code, "%s", j.detail ? j.detail : j.code) !=
                    HS_OK ||
                sfns_api->page_add_retry(page, item, errors) != HS_OK)
                return HS_ERR_NOMEM;
            sfns_api->log(ctx, HS_LOG_WARN, "sfnsItemsToPricebook: %s: %s", j.code,
                          j.detail ? j.detail : "");
            continue;
        }
        for (size_t k = 0; k < sfns_api->json_len(j.out); k++)
            if (sfns_api->json_push(ctx, out, sfns_api->json_at(j.out, k)) != HS_OK)
                return HS_ERR_NOMEM;
    }
    /* The page's data becomes the output records, in order. */
    for (size_t k = n; k > 0; k--) {
        const char *path = sfns_api->sprintf(ctx, "[%zu]", k - 1);
        if (path == NULL || sfns_api->json_path_delete(ctx, data, path) != HS_OK)
            return HS_ERR_NOMEM;
    }
    for (size_t k = 0; k < sfns_api->json_len(out); k++)
        if (sfns_api->json_push(ctx, data, sfns_api->json_at(out, k)) != HS_OK)
            return HS_ERR_NOMEM;
    return HS_OK;
}

hs_status sfns_items_register(hs_module *mod)
{
    hs_fn_opts o = HS_FN_OPTS_INIT;
    o.description = "NetSuite items with price matrices -> Salesforce Product2, PricebookEntry per "
                    "(pricebook, currency), price tiers and kit components (preSavePage)";
    return sfns_api->register_page_fn(mod, "sfnsItemsToPricebook", HS_KIND_PRE_SAVE_PAGE,
                                      items_page, &o);
}
