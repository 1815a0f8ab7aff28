/* sfns_alloc.c — bundle prices over components and amounts over lines, summing exactly (see
 * sfns_alloc.h). */
#include "sfns_alloc.h"

/* Whether q is 1 or -1. */
static int unit(hs_decimal q)
{
    return sfns_api->decimal_cmp(sfns_api->decimal_abs(q), HS_DECIMAL(1, 0)) == 0;
}

/* Whether component i makes a better rounding line than component best: a single unit before
 * several (its rate can absorb the residual exactly), then the larger share, then the first. */
static int bigger(const sfns_alloc_part *parts, const hs_decimal *shares, size_t i, size_t best)
{
    int ui = unit(parts[i].quantity), ub = unit(parts[best].quantity);
    if (ui != ub)
        return ui;
    return sfns_api->decimal_cmp(sfns_api->decimal_abs(shares[i]),
                                 sfns_api->decimal_abs(shares[best])) > 0;
}

hs_status sfns_alloc_bundle(hs_ctx *ctx, hs_decimal amount, hs_decimal bundles,
                            sfns_alloc_part *parts, size_t n, int places, int rate_places,
                            hs_round mode, int separate, hs_decimal *residual, size_t *rounding)
{
    if (n == 0)
        return HS_ERR_INVALID;
    hs_decimal *weights = sfns_api->alloc(ctx, 2 * n * sizeof(hs_decimal));
    if (weights == NULL)
        return HS_ERR_NOMEM;
    hs_decimal *shares = weights + n;
    for (size_t i = 0; i < n; i++)
        weights[i] = parts[i].weight;
    hs_status st = sfns_api->decimal_allocate(ctx, amount, weights, n, places, shares);
    hs_decimal sum = HS_DECIMAL(0, places);
    size_t big = 0;
    for (size_t i = 0; i < n && st == HS_OK; i++) {
        sfns_alloc_part *p = &parts[i];
        st = sfns_api->decimal_mul(ctx, bundles, p->per_bundle, &p->quantity);
        if (st == HS_OK)
            st = sfns_api->decimal_div(ctx, shares[i], p->quantity, rate_places, mode, &p->rate);
        if (st == HS_OK)
            st = sfns_api->decimal_mul_round(ctx, p->quantity, p->rate, places, mode, &p->amount);
        if (st == HS_OK)
            st = sfns_api->decimal_add(ctx, sum, p->amount, &sum);
        if (st == HS_OK && bigger(parts, shares, i, big))
            big = i;
    }
    hs_decimal left;
    if (st == HS_OK)
        st = sfns_api->decimal_sub(ctx, amount, sum, &left);
    if (st == HS_OK)
        st = sfns_api->decimal_round(ctx, left, places, mode, &left);
    if (st == HS_OK && !separate)
        st = sfns_api->decimal_add(ctx, parts[big].amount, left, &parts[big].amount);
    if (st == HS_OK && !separate)
        st = sfns_api->decimal_round(ctx, parts[big].amount, places, mode, &parts[big].amount);
    /* A single unit absorbs the residual in its rate too, so its line stays rate x quantity. */
    if (st == HS_OK && !separate && unit(parts[big].quantity))
        st = sfns_api->decimal_div(ctx, parts[big].amount, parts[big].quantity, rate_places, mode,
                                   &parts[big].rate);
    if (st != HS_OK)
        return st;
    *residual = left;
    *rounding = big;
    return HS_OK;
}

hs_status sfns_alloc_by_amounts(hs_ctx *ctx, hs_decimal total, const hs_decimal *amounts, size_t n,
                                int places, hs_decimal *parts)
{
    hs_decimal *weights = n ? sfns_api->alloc(ctx, n * sizeof(hs_decimal)) : NULL;
    if (n && weights == NULL)
        return HS_ERR_NOMEM;
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        weights[i] = sfns_api->decimal_sign(amounts[i]) > 0 ? amounts[i] : HS_DECIMAL(0, 0);
        any |= sfns_api->decimal_sign(amounts[i]) > 0;
    }
    if (!any)
        return HS_ERR_INVALID;
    return sfns_api->decimal_allocate(ctx, total, weights, n, places, parts);
}
