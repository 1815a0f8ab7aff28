/* sfns_alloc.h — splitting money over lines so that the parts add up exactly, with the hook API's
 * exact decimals: a bundle's price over its component items by weight (the rounding on one line),
 * and an amount over lines in proportion to their amounts (an order-level discount). Shared by
 * every sfns function that writes transaction lines. */
#ifndef SFNS_ALLOC_H
#define SFNS_ALLOC_H

#include "sfns.h"

#include <stddef.h>

/* One component of a bundle. */
typedef struct sfns_alloc_part {
    hs_decimal per_bundle; /* in: how many of the component one bundle holds (not zero) */
    hs_decimal weight;     /* in: its share of the bundle's price (>= 0; the sum above 0) */
    hs_decimal quantity;   /* out: bundles x per_bundle */
    hs_decimal rate;       /* out: the component's unit price, share / quantity, to rate_places */
    hs_decimal amount;     /* out: quantity x rate to `places` (the rounding line: plus the
                              residual, unless the caller writes it on a line of its own) */
} sfns_alloc_part;

/* Splits `amount` (exact at `places`) of `bundles` bundles over n components:
 *   1. shares by weight that sum to amount exactly (decimal_allocate, largest remainder);
 *   2. rate = share / quantity, rounded to rate_places with `mode`;
 *   3. amount = quantity x rate, rounded to `places` with `mode`;
 *   4. the residual, amount - sum of the amounts (what rounding the rates left over), goes on one
 *      line, *rounding: the component with the largest share among those whose quantity is 1 (or
 *      -1), else among all (the first of equals). Its amount absorbs the residual, and with a
 *      quantity of 1 its rate too, unless `separate` is set (the caller then writes the residual
 *      as a rounding line of its own).
 * So the amounts (plus *residual when separate) sum to `amount` exactly, and every line has
 * amount = quantity x rate except the rounding line when its quantity is not 1. HS_ERR_INVALID for
 * n == 0, and (described on ctx) for a zero quantity, negative weights or weights summing to zero:
 * check them first. */
hs_status sfns_alloc_bundle(hs_ctx *ctx, hs_decimal amount, hs_decimal bundles,
                            sfns_alloc_part *parts, size_t n, int places, int rate_places,
                            hs_round mode, int separate, hs_decimal *residual, size_t *rounding);

/* Splits `total` (exact at `places`) over n lines in proportion to their amounts: parts sum to
 * total exactly (decimal_allocate); lines whose amount is zero or negative get nothing.
 * HS_ERR_INVALID (nothing described) when no line has a positive amount: check it first. */
hs_status sfns_alloc_by_amounts(hs_ctx *ctx, hs_decimal total, const hs_decimal *amounts, size_t n,
                                int places, hs_decimal *parts);

#endif
