/* sfns_items_matrix.c — a NetSuite item's price matrix as integrator.io's NetSuite export
 * delivers it (pricingMatrix.pricing[] of currency, priceLevel and priceList.price[] of
 * {value, quantity}), read into decimal quantity breaks; the quantity-1 price; conversion of a
 * row from the base currency through the shared currency code (sfns_fx); and the Salesforce
 * product code of an item, the inverse of the shared catalog rules (sfns_catalog). */
#include "sfns_items.h"

#include "sfns_sdk.h"
#include "sfns_text.h"

#include <string.h>

/* A decimal field of a price: absent, null or "" -> 0 (no value); 1 read; -1 not a decimal. */
static int price_decimal(hs_ctx *ctx, const hs_json *v, hs_decimal *out)
{
    hs_json_type t = sfns_api->json_type(v);
    if (t == HS_JSON_ABSENT || t == HS_JSON_NULL)
        return 0;
    if (t == HS_JSON_STRING) {
        const char *text = NULL;
        sfns_presence p = sfns_text(ctx, v, &text);
        if (p == SFNS_EMPTY)
            return 0;
        if (p != SFNS_TEXT || sfns_api->decimal_parse(ctx, text, strlen(text), out) != HS_OK)
            return -1;
        return 1;
    }
    return sfns_api->decimal_from_json(ctx, v, out) == HS_OK ? 1 : -1;
}

hs_status sfns_breaks_read(hs_ctx *ctx, const hs_json *price_list, sfns_break **out, size_t *n,
                           const char **problem)
{
    *out = NULL;
    *n = 0;
    const hs_json *prices = price_list;
    if (sfns_api->json_type(price_list) == HS_JSON_OBJECT)
        prices = sfns_field(price_list, "price");
    hs_json_type t = sfns_api->json_type(prices);
    if (t == HS_JSON_ABSENT || t == HS_JSON_NULL)
        return HS_OK;
    size_t count = t == HS_JSON_ARRAY ? sfns_api->json_len(prices) : 1;
    if (t != HS_JSON_ARRAY && t != HS_JSON_OBJECT) {
        *problem = "priceList.price must be an array of {value, quantity}";
        return HS_ERR_PARSE;
    }
    sfns_break *b = sfns_api->alloc(ctx, (count ? count : 1) * sizeof(*b));
    if (b == NULL)
        return HS_ERR_NOMEM;
    size_t used = 0;
    for (size_t i = 0; i < count; i++) {
        const hs_json *p = t == HS_JSON_ARRAY ? sfns_api->json_at(prices, i) : prices;
        sfns_break br;
        int has_v = price_decimal(ctx, sfns_field(p, "value"), &br.price);
        int has_q = price_decimal(ctx, sfns_field(p, "quantity"), &br.quantity);
        if (sfns_api->json_type(p) != HS_JSON_OBJECT || has_v < 0 || has_q < 0) {
            *problem = sfns_api->sprintf(ctx, "price %zu: value and quantity must be decimals", i);
            return HS_ERR_PARSE;
        }
        if (has_v == 0)
            continue; /* a blank cell of the matrix: no price at this break */
        if (has_q == 0)
            br.quantity = HS_DECIMAL(0, 0);
        if (sfns_api->decimal_sign(br.price) < 0 || sfns_api->decimal_sign(br.quantity) < 0) {
            *problem =
                sfns_api->sprintf(ctx, "price %zu: value and quantity must not be negative", i);
            return HS_ERR_PARSE;
        }
        /* insertion by quantity */
        size_t k = used;
        while (k > 0 && sfns_api->decimal_cmp(b[k - 1].quantity, br.quantity) > 0) {
            b[k] = b[k - 1];
            k--;
        }
        if (k > 0 && sfns_api->decimal_cmp(b[k - 1].quantity, br.quantity) == 0) {
            char q[HS_DECIMAL_MAX];
            sfns_api->decimal_format(br.quantity, q);
            *problem = sfns_api->sprintf(ctx, "two prices for quantity %s", q);
            return HS_ERR_PARSE;
        }
        b[k] = br;
        used++;
    }
    *out = b;
    *n = used;
    return HS_OK;
}

int sfns_breaks_unit_price(const sfns_break *b, size_t n, hs_decimal *out)
{
    int found = 0;
    for (size_t i = 0; i < n; i++)
        if (sfns_api->decimal_cmp(b[i].quantity, HS_DECIMAL(1, 0)) <= 0) {
            *out = b[i].price;
            found = 1;
        }
    return found;
}

hs_status sfns_breaks_convert(hs_ctx *ctx, const sfns_fx *fx, const sfns_fx_pair *pair,
                              const sfns_break *in, size_t n, sfns_break *out)
{
    for (size_t i = 0; i < n; i++) {
        hs_decimal p;
        hs_status st = sfns_fx_convert(ctx, fx, pair, in[i].price, &p);
        if (st != HS_OK)
            return st;
        out[i].quantity = in[i].quantity;
        out[i].price = p;
    }
    return HS_OK;
}

/* The ISO code of a NetSuite currency reference: currencyCodes by id, then by name, then the
 * name (or a scalar) when it is an ISO code itself, then settings.sfns.currency.netsuiteIds read
 * backwards (the code whose NetSuite id is the reference's). */
static const char *currency_code(hs_ctx *ctx, const sfns_items_conf *c, const sfns_ref *r)
{
    const char *code = NULL;
    if (c->currency_codes != NULL) {
        if (r->id != NULL)
            code = sfns_map_id(ctx, c->currency_codes, r->id);
        if (code == NULL && r->name != NULL)
            code = sfns_map_id(ctx, c->currency_codes, r->name);
        if (code != NULL)
            return code;
    }
    const char *cands[] = {r->name, r->id};
    for (size_t i = 0; i < 2; i++)
        if (cands[i] != NULL && strlen(cands[i]) == 3 &&
            (sfns_currency_known(cands[i]) || sfns_fx_minor_units(&c->fx, cands[i]) >= 0))
            return cands[i];
    const hs_json *ids = c->fx.netsuite_ids;
    size_t n = sfns_api->json_len(ids);
    for (size_t i = 0; r->id != NULL && i < n; i++) {
        const char *id = sfns_id_text(ctx, sfns_api->json_value_at(ids, i));
        if (id != NULL && strcmp(id, r->id) == 0) {
            size_t len = 0;
            const char *key = sfns_api->json_key_at(ids, i, &len);
            return sfns_api->sprintf(ctx, "%.*s", (int)len, key);
        }
    }
    return NULL;
}

static int level_is(const sfns_price_row *r, const char *level)
{
    return (r->level_id != NULL && strcmp(r->level_id, level) == 0) ||
           (r->level_name != NULL && strcmp(r->level_name, level) == 0);
}

hs_status sfns_matrix_read(hs_ctx *ctx, const sfns_items_conf *c, const hs_json *item,
                           sfns_price_matrix *out, const char **code, const char **problem)
{
    out->rows = NULL;
    out->n = 0;
    const hs_json *pm = sfns_field(item, "pricingMatrix");
    hs_json_type pt = sfns_api->json_type(pm);
    if (pt == HS_JSON_ABSENT || pt == HS_JSON_NULL)
        return HS_OK;
    const hs_json *pricing = pt == HS_JSON_OBJECT ? sfns_field(pm, "pricing") : NULL;
    hs_json_type t = sfns_api->json_type(pricing);
    if (t == HS_JSON_ABSENT || t == HS_JSON_NULL)
        return HS_OK;
    if (t != HS_JSON_ARRAY && t != HS_JSON_OBJECT) {
        *code = "bad_matrix";
        *problem = "pricingMatrix.pricing must be an array of {currency, priceLevel, priceList}";
        return HS_ERR_PARSE;
    }
    size_t count = t == HS_JSON_ARRAY ? sfns_api->json_len(pricing) : 1;
    sfns_price_row *rows = sfns_api->alloc(ctx, (count ? count : 1) * sizeof(*rows));
    if (rows == NULL)
        return HS_ERR_NOMEM;
    size_t used = 0;
    for (size_t i = 0; i < count; i++) {
        const hs_json *p = t == HS_JSON_ARRAY ? sfns_api->json_at(pricing, i) : pricing;
        sfns_ref cur = {0}, lev = {0};
        if (sfns_api->json_type(p) != HS_JSON_OBJECT ||
            sfns_ref_read(ctx, sfns_field(p, "currency"), &cur) != SFNS_TEXT ||
            sfns_ref_read(ctx, sfns_field(p, "priceLevel"), &lev) != SFNS_TEXT) {
            *code = "bad_matrix";
            *problem = sfns_api->sprintf(
                ctx, "pricingMatrix.pricing[%zu] must have a currency and a priceLevel", i);
            return HS_ERR_PARSE;
        }
        sfns_price_row *r = &rows[used];
        r->currency = currency_code(ctx, c, &cur);
        if (r->currency == NULL) {
            *code = "unknown_currency";
            *problem = sfns_api->sprintf(
                ctx,
                "pricingMatrix.pricing[%zu]: NetSuite currency \"%s\" (internal id %s) is not "
                "an ISO 4217 code; add it to settings.sfns.currency.netsuiteIds (or "
                "settings.sfns.pricebooks.currencyCodes)",
                i, cur.name ? cur.name : "", cur.id ? cur.id : "none");
            return HS_ERR_PARSE;
        }
        r->level_id = lev.id;
        r->level_name = lev.name;
        const char *why = NULL;
        hs_status st = sfns_breaks_read(ctx, sfns_field(p, "priceList"), &r->b, &r->n, &why);
        if (st == HS_ERR_PARSE) {
            *code = "bad_price";
            *problem = sfns_api->sprintf(ctx, "pricingMatrix.pricing[%zu] (%s, level %s): %s", i,
                                         r->currency, lev.name ? lev.name : lev.id, why);
            return st;
        }
        if (st != HS_OK)
            return st;
        for (size_t k = 0; k < used; k++)
            if (strcmp(rows[k].currency, r->currency) == 0 &&
                ((r->level_id && level_is(&rows[k], r->level_id)) ||
                 (r->level_name && level_is(&rows[k], r->level_name)))) {
                *code = "bad_matrix";
                *problem = sfns_api->sprintf(
                    ctx, "pricingMatrix.pricing[%zu]: level %s in %s is given twice", i,
                    lev.name ? lev.name : lev.id, r->currency);
                return HS_ERR_PARSE;
            }
        used++;
    }
    out->rows = rows;
    out->n = used;
    return HS_OK;
}

const sfns_price_row *sfns_matrix_find(const sfns_price_matrix *m, const char *level,
                                       const char *currency)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->rows[i].currency, currency) == 0 && level_is(&m->rows[i], level))
            return &m->rows[i];
    return NULL;
}

int sfns_matrix_has_level(const sfns_price_matrix *m, const char *level)
{
    for (size_t i = 0; i < m->n; i++)
        if (level_is(&m->rows[i], level))
            return 1;
    return 0;
}

sfns_fx_status sfns_items_pair(hs_ctx *ctx, const sfns_items_conf *c, const hs_json *item,
                               const char *to, const hs_datetime *on, sfns_fx_pair *pair,
                               const char **problem)
{
    sfns_fx_table rates = {NULL, 0};
    sfns_fx_status st =
        c->legacy_rates ? SFNS_FX_OK : sfns_fx_record_rates(ctx, &c->fx, item, &rates, problem);
    if (st == SFNS_FX_OK)
        st = sfns_fx_pair_find(ctx, &c->fx, &rates, c->base_currency, to, on, pair, problem);
    return st;
}

/* The first code settings.sfns.catalog.map gives the internal id (in settings order), or NULL. */
static const char *catalog_code(hs_ctx *ctx, const char *id)
{
    sfns_conf cat;
    sfns_conf_open(&cat, ctx, "catalog", NULL);
    const hs_json *map = sfns_conf_get(&cat, "map");
    size_t n = sfns_api->json_type(map) == HS_JSON_OBJECT ? sfns_api->json_len(map) : 0;
    for (size_t k = 0; k < n; k++) {
        const char *v = sfns_id_text(ctx, sfns_api->json_value_at(map, k));
        if (v != NULL && strcmp(v, id) == 0) {
            size_t len = 0;
            const char *key = sfns_api->json_key_at(map, k, &len);
            return sfns_api->sprintf(ctx, "%.*s", (int)len, key);
        }
    }
    return NULL;
}

/* The key the catalog rules make of text (arena), or NULL. */
static const char *catalog_key(hs_ctx *ctx, const sfns_items_conf *c, const char *text)
{
    size_t len = strlen(text);
    char *out = sfns_api->alloc(ctx, len + 1);
    if (out != NULL)
        sfns_sku_normalise(&c->cat.rules, text, len, out);
    return out;
}

static char *fold_case(char *out, sfns_sku_case fold)
{
    for (char *p = out; *p; p++) {
        if (fold == SFNS_SKU_UPPER && *p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
        else if (fold == SFNS_SKU_LOWER && *p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    }
    return out;
}

const char *sfns_items_code(hs_ctx *ctx, const sfns_items_conf *c, const char *id,
                            const char *itemid)
{
    const char *mapped = NULL;
    if (c->code_map != NULL && id != NULL)
        mapped = sfns_map_id(ctx, c->code_map, id);
    if (mapped == NULL && c->code_map != NULL && itemid != NULL)
        mapped = sfns_map_id(ctx, c->code_map, itemid);
    if (mapped == NULL && id != NULL && !c->legacy_code)
        mapped = catalog_code(ctx, id);
    if (mapped != NULL)
        return mapped;
    if (itemid == NULL)
        return NULL;
    const char *name = itemid;
    if (c->code_strip_parent) {
        const char *colon = strrchr(name, ':');
        if (colon != NULL)
            name = sfns_trim(ctx, colon + 1, strlen(colon + 1));
        if (name == NULL)
            return NULL;
    }
    name = sfns_trim(ctx, name, strlen(name));
    char *plain = name ? sfns_api->strdup(ctx, name) : NULL;
    char *out =
        name ? sfns_api->sprintf(ctx, "%s%s%s", c->code_prefix, name, c->code_suffix) : NULL;
    if (plain == NULL || out == NULL)
        return NULL;
    fold_case(plain, c->code_case);
    fold_case(out, c->code_case);
    if (c->legacy_code || (c->code_prefix[0] == '\0' && c->code_suffix[0] == '\0'))
        return out;
    /* The prefix and suffix are put back only when the catalog still matches the code to the
     * item (a name that already carries the prefix keeps its own). */
    const char *want = catalog_key(ctx, c, itemid), *got = catalog_key(ctx, c, out);
    if (want == NULL || got == NULL)
        return NULL;
    return strcmp(want, got) == 0 ? out : plain;
}
