/* fuzz_sfns_items.c — libFuzzer target for the price-matrix reader of sfnsItemsToPricebook
 * (hooks/sfns/sfns_items_matrix.c) on untrusted item records: the input is JSON text of an item;
 * when it parses, pricingMatrix is read through the runner's real hook API. Whatever the record,
 * reading either succeeds with every row's breaks strictly rising in quantity, non-negative, and
 * a quantity-1 price that is one of them, or refuses with a problem text; the conversion of a
 * row (through the shared currency code, sfns_fx.c, linked beside this file with the catalog it
 * reads codes from) never crashes. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../hooks/sfns/sfns_items_matrix.c"
#include "../../hooks/sfns/sfns_sdk.c"
#include "../../hooks/sfns/sfns_settings.c"
#include "../../hooks/sfns/sfns_text.c"
#include "sdk_internal.h"
#include "unit/sdk_test_ctx.h"

const hs_api *sfns_api;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_sfns_items: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sfns_api = sdk_api();
    struct arena *a = arena_new(1024 * 1024, 0);
    if (a == NULL)
        return 0;
    hs_ctx *ctx = sdk_test_ctx(a, sdk_test_json(a, "{}"));
    struct json_error err;
    struct json_value *item = json_parse(a, (const char *)data, size, NULL, &err);
    if (ctx != NULL && item != NULL) {
        sfns_items_conf c = {0};
        c.currency_codes = (hs_json *)sdk_test_json(a, "{\"2\": \"GBP\", \"Yen\": \"JPY\"}");
        sfns_price_matrix m;
        const char *code = NULL, *why = NULL;
        hs_status st = sfns_matrix_read(ctx, &c, (hs_json *)item, &m, &code, &why);
        check(st == HS_OK || st == HS_ERR_PARSE || st == HS_ERR_NOMEM, "a known status");
        if (st == HS_ERR_PARSE)
            check(code != NULL && why != NULL, "a refusal says why");
        for (size_t i = 0; st == HS_OK && i < m.n; i++) {
            const sfns_price_row *r = &m.rows[i];
            check(r->currency != NULL && strlen(r->currency) == 3, "an ISO code");
            for (size_t k = 0; k < r->n; k++) {
                check(sfns_api->decimal_sign(r->b[k].price) >= 0, "no negative price");
                check(k == 0 || sfns_api->decimal_cmp(r->b[k - 1].quantity, r->b[k].quantity) < 0,
                      "breaks rise strictly");
            }
            hs_decimal unit;
            if (sfns_breaks_unit_price(r->b, r->n, &unit))
                check(sfns_api->decimal_cmp(r->b[0].quantity, HS_DECIMAL(1, 0)) <= 0,
                      "a quantity-1 price comes from a break at most 1");
            sfns_break *conv = r->n ? sfns_api->alloc(ctx, r->n * sizeof(*conv)) : NULL;
            sfns_fx fx = {.mode = HS_ROUND_HALF_EVEN};
            sfns_fx_pair pair = {.from = "USD", .to = "JPY", .to_places = 0};
            pair.from_rate.rate = HS_DECIMAL(79, 2);
            pair.to_rate.rate = HS_DECIMAL(149875, 3);
            if (conv != NULL)
                (void)sfns_breaks_convert(ctx, &fx, &pair, r->b, r->n, conv);
        }
    }
    arena_free(a);
    return 0;
}
