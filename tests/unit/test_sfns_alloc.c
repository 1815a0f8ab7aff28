/* test_sfns_alloc.c — splitting money in the sfns module (hooks/sfns/sfns_alloc.c) through the
 * runner's real decimal calls: a bundle price over three components whose prices do not divide
 * (the rounding on one line, which keeps rate x quantity when it holds one unit), zero- and
 * three-decimal currencies, a separate rounding line, credits, zero weights, a seeded sweep that
 * the parts always sum exactly, and an amount shared over lines in proportion to them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../hooks/sfns/sfns_alloc.h"
#include "unit/sfns_test_ctx.h"

static hs_decimal D(const char *text)
{
    hs_decimal d = HS_DECIMAL(0, 0);
    assert_int_equal(sdk_api()->decimal_parse(NULL, text, strlen(text), &d), HS_OK);
    return d;
}

static const char *S(hs_decimal d)
{
    static char buf[8][HS_DECIMAL_MAX];
    static int i;
    i = (i + 1) % 8;
    sdk_api()->decimal_format(d, buf[i]);
    return buf[i];
}

/* Splits and checks the invariants: amounts (+ residual when separate) sum to the amount, every
 * amount and rate at its places, quantity = bundles x per_bundle, and every line but the
 * rounding one has amount = quantity x rate. Returns the rounding index. */
static size_t split(hs_ctx *ctx, const char *amount, const char *bundles, sfns_alloc_part *p,
                    size_t n, int places, int rate_places, hs_round mode, int separate,
                    hs_decimal *residual)
{
    const hs_api *api = sdk_api();
    size_t at = 99;
    hs_status st = sfns_alloc_bundle(ctx, D(amount), D(bundles), p, n, places, rate_places, mode,
                                     separate, residual, &at);
    if (st != HS_OK)
        fail_msg("split %s: %s", amount, api->ctx_last_error(ctx, NULL));
    assert_true(at < n);
    hs_decimal sum = separate ? *residual : HS_DECIMAL(0, 0);
    for (size_t i = 0; i < n; i++) {
        hs_decimal q, line;
        assert_int_equal(api->decimal_mul(NULL, D(bundles), p[i].per_bundle, &q), HS_OK);
        assert_int_equal(api->decimal_cmp(q, p[i].quantity), 0);
        assert_int_equal(p[i].amount.scale, places);
        assert_int_equal(p[i].rate.scale, rate_places);
        assert_int_equal(api->decimal_add(NULL, sum, p[i].amount, &sum), HS_OK);
        assert_int_equal(
            api->decimal_mul_round(NULL, p[i].quantity, p[i].rate, places, mode, &line), HS_OK);
        int unit = api->decimal_cmp(api->decimal_abs(p[i].quantity), HS_DECIMAL(1, 0)) == 0;
        if (i != at || separate || unit)
            if (api->decimal_cmp(line, p[i].amount) != 0)
                fail_msg("component %zu: %s x %s = %s, amount %s", i, S(p[i].quantity),
                         S(p[i].rate), S(line), S(p[i].amount));
    }
    if (api->decimal_cmp(sum, D(amount)) != 0)
        fail_msg("parts sum to %s, not %s", S(sum), amount);
    return at;
}

static void set(sfns_alloc_part *p, const char *per_bundle, const char *weight)
{
    memset(p, 0, sizeof(*p));
    p->per_bundle = D(per_bundle);
    p->weight = D(weight);
}

static void test_three_components_that_do_not_divide(void **state)
{
    (void)state;
    hs_ctx *ctx = sfns_test_ctx(NULL);
    sfns_alloc_part p[3];
    hs_decimal residual;
    /* 100.00 over three equal weights, one of each: 33.34, 33.33, 33.33, no residual. */
    set(&p[0], "1", "1"), set(&p[1], "1", "1"), set(&p[2], "1", "1");
    split(ctx, "100.00", "1", p, 3, 2, 2, HS_ROUND_HALF_UP, 0, &residual);
    assert_string_equal(S(p[0].amount), "33.34");
    assert_string_equal(S(p[1].amount), "33.33");
    assert_string_equal(S(p[2].amount), "33.33");
    assert_string_equal(S(residual), "0.00");
    /* Quantities 1, 2, 3: shares 33.34, 33.33, 33.33; rates 33.34, 16.67 (16.665), 11.11;
     * amounts 33.34 + 33.34 + 33.33 = 100.01: the single unit takes -0.01 in rate and amount. */
    set(&p[0], "1", "1"), set(&p[1], "2", "1"), set(&p[2], "3", "1");
    size_t at = split(ctx, "100.00", "1", p, 3, 2, 2, HS_ROUND_HALF_UP, 0, &residual);
    assert_int_equal(at, 0);
    assert_string_equal(S(residual), "-0.01");
    assert_string_equal(S(p[0].rate), "33.33");
    assert_string_equal(S(p[0].amount), "33.33");
    assert_string_equal(S(p[1].rate), "16.67");
    assert_string_equal(S(p[1].amount), "33.34");
    assert_string_equal(S(p[2].rate), "11.11");
    assert_string_equal(S(p[2].amount), "33.33");
    /* Half-even: 16.665 -> 16.66; the sum 99.99 leaves +0.01 for the single unit. */
    set(&p[0], "1", "1"), set(&p[1], "2", "1"), set(&p[2], "3", "1");
    split(ctx, "100.00", "1", p, 3, 2, 2, HS_ROUND_HALF_EVEN, 0, &residual);
    assert_string_equal(S(residual), "0.01");
    assert_string_equal(S(p[0].amount), "33.35");
    assert_string_equal(S(p[1].amount), "33.32");
    /* No single unit: 3 bundles of (2, 3, 4) weighted 5:3:2 for 99.99. Shares 49.99, 30.00,
     * 20.00 (the two cents left go to the largest remainders); rates 8.33, 3.33, 1.67 give
     * 49.98 + 29.97 + 20.04 = 99.99: nothing left to put on the largest share's line. */
    set(&p[0], "2", "5"), set(&p[1], "3", "3"), set(&p[2], "4", "2");
    at = split(ctx, "99.99", "3", p, 3, 2, 2, HS_ROUND_HALF_UP, 0, &residual);
    assert_int_equal(at, 0);
    assert_string_equal(S(p[0].quantity), "6");
    assert_string_equal(S(p[1].quantity), "9");
    assert_string_equal(S(p[2].quantity), "12");
    assert_string_equal(S(p[0].rate), "8.33");
    assert_string_equal(S(p[1].rate), "3.33");
    assert_string_equal(S(p[2].rate), "1.67");
    assert_string_equal(S(p[2].amount), "20.04");
    assert_string_equal(S(residual), "0.00");
    /* Rates to four places leave less to round. */
    set(&p[0], "2", "5"), set(&p[1], "3", "3"), set(&p[2], "4", "2");
    split(ctx, "99.99", "3", p, 3, 2, 4, HS_ROUND_HALF_UP, 0, &residual);
}

static void test_zero_and_three_decimals(void **state)
{
    (void)state;
    hs_ctx *ctx = sfns_test_ctx(NULL);
    sfns_alloc_part p[3];
    hs_decimal residual;
    /* JPY: 1000 over three: 334, 333, 333. */
    set(&p[0], "1", "1"), set(&p[1], "1", "1"), set(&p[2], "1", "1");
    split(ctx, "1000", "1", p, 3, 0, 0, HS_ROUND_HALF_UP, 0, &residual);
    assert_string_equal(S(p[0].amount), "334");
    assert_string_equal(S(p[1].amount), "333");
    assert_string_equal(S(p[2].amount), "333");
    /* JPY, quantities 3, 7, 11 for 10000 weighted 1:1:1: rates 1111 (3333.33.. -> 3334/3),
     * 476 (3333/7), 303 (3333/11); the residual lands on the largest share. */
    set(&p[0], "3", "1"), set(&p[1], "7", "1"), set(&p[2], "11", "1");
    size_t at = split(ctx, "10000", "1", p, 3, 0, 0, HS_ROUND_HALF_UP, 0, &residual);
    assert_int_equal(at, 0);
    assert_string_equal(S(p[0].rate), "1111");
    assert_string_equal(S(p[1].rate), "476");
    assert_string_equal(S(p[2].rate), "303");
    assert_string_equal(S(p[1].amount), "3332");
    assert_string_equal(S(p[2].amount), "3333");
    assert_string_equal(S(p[0].amount), "3335"); /* 3333 + the residual 2 */
    assert_string_equal(S(residual), "2");
    /* BHD: 10.000 over three of three each: 3.334 / 3 = 1.111; the residual 0.001 goes on the
     * first (largest share) line, whose rate stays 1.111. */
    set(&p[0], "3", "1"), set(&p[1], "3", "1"), set(&p[2], "3", "1");
    at = split(ctx, "10.000", "1", p, 3, 3, 3, HS_ROUND_HALF_UP, 0, &residual);
    assert_int_equal(at, 0);
    assert_string_equal(S(residual), "0.001");
    assert_string_equal(S(p[0].amount), "3.334");
    assert_string_equal(S(p[0].rate), "1.111");
    assert_string_equal(S(p[1].amount), "3.333");
    /* The same with a separate rounding line: amounts untouched, the residual returned. */
    set(&p[0], "3", "1"), set(&p[1], "3", "1"), set(&p[2], "3", "1");
    split(ctx, "10.000", "1", p, 3, 3, 3, HS_ROUND_HALF_UP, 1, &residual);
    assert_string_equal(S(residual), "0.001");
    assert_string_equal(S(p[0].amount), "3.333");
}

static void test_credits_and_zero_weights(void **state)
{
    (void)state;
    hs_ctx *ctx = sfns_test_ctx(NULL);
    sfns_alloc_part p[3];
    hs_decimal residual;
    set(&p[0], "1", "1"), set(&p[1], "2", "1"), set(&p[2], "3", "1");
    split(ctx, "-100.00", "1", p, 3, 2, 2, HS_ROUND_HALF_UP, 0, &residual);
    assert_string_equal(S(p[2].amount), "-33.33");
    /* A returned bundle: a negative quantity. */
    set(&p[0], "1", "1"), set(&p[1], "2", "1"), set(&p[2], "3", "1");
    split(ctx, "-100.00", "-1", p, 3, 2, 2, HS_ROUND_HALF_UP, 0, &residual);
    assert_string_equal(S(p[1].quantity), "-2");
    /* A zero-weight component comes free. */
    set(&p[0], "1", "3"), set(&p[1], "5", "0"), set(&p[2], "1", "1");
    split(ctx, "40.00", "2", p, 3, 2, 2, HS_ROUND_HALF_UP, 0, &residual);
    assert_string_equal(S(p[1].amount), "0.00");
    assert_string_equal(S(p[1].rate), "0.00");
    assert_string_equal(S(p[0].amount), "30.00");
    assert_string_equal(S(p[0].rate), "15.00");
    /* Refusals: no component, zero bundles, all weights zero. */
    size_t at;
    assert_int_equal(
        sfns_alloc_bundle(ctx, D("1.00"), D("1"), p, 0, 2, 2, HS_ROUND_HALF_UP, 0, &residual, &at),
        HS_ERR_INVALID);
    set(&p[0], "1", "1");
    assert_int_equal(
        sfns_alloc_bundle(ctx, D("1.00"), D("0"), p, 1, 2, 2, HS_ROUND_HALF_UP, 0, &residual, &at),
        HS_ERR_INVALID);
    set(&p[0], "1", "0");
    assert_int_equal(
        sfns_alloc_bundle(ctx, D("1.00"), D("1"), p, 1, 2, 2, HS_ROUND_HALF_UP, 0, &residual, &at),
        HS_ERR_INVALID);
}

static void test_sweep(void **state)
{
    (void)state;
    hs_ctx *ctx = sfns_test_ctx(NULL);
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    static const char *const per[] = {"1", "2", "3", "0.5", "7", "12", "1.25"};
    static const char *const weights[] = {"1", "0", "3", "19.99", "0.01", "250", "7"};
    for (int round = 0; round < 2000; round++) {
        sfns_alloc_part p[6];
        hs_decimal residual;
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        size_t n = 1 + (size_t)(seed >> 61) % 6;
        int places = (int)((seed >> 8) % 4);
        int rate_places = places + (int)((seed >> 12) % 3);
        int nonzero = 0;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            const char *w = weights[(seed >> 20) % 7];
            if (i == n - 1 && !nonzero)
                w = "2";
            nonzero |= strcmp(w, "0") != 0;
            set(&p[i], per[(seed >> 40) % 7], w);
        }
        char amount[40], bundles[8];
        int64_t units = (int64_t)((seed >> 16) % 10000000ull) - 1000000;
        hs_decimal a = HS_DECIMAL(units, places);
        sdk_api()->decimal_format(a, amount);
        snprintf(bundles, sizeof(bundles), "%d", 1 + (int)((seed >> 4) % 5));
        split(ctx, amount, bundles, p, n, places, rate_places,
              (seed & 1) ? HS_ROUND_HALF_UP : HS_ROUND_HALF_EVEN, (int)((seed >> 2) & 1),
              &residual);
    }
}

static void test_by_amounts(void **state)
{
    (void)state;
    hs_ctx *ctx = sfns_test_ctx(NULL);
    hs_decimal lines[4] = {D("19.99"), D("5.01"), D("75.00"), D("-3.00")}, parts[4];
    assert_int_equal(sfns_alloc_by_amounts(ctx, D("10.00"), lines, 4, 2, parts), HS_OK);
    assert_string_equal(S(parts[0]), "2.00");
    assert_string_equal(S(parts[1]), "0.50");
    assert_string_equal(S(parts[2]), "7.50");
    assert_string_equal(S(parts[3]), "0.00"); /* a credit line takes no share */
    hs_decimal thirds[3] = {D("1"), D("1"), D("1")};
    assert_int_equal(sfns_alloc_by_amounts(ctx, D("100"), thirds, 3, 0, parts), HS_OK);
    assert_string_equal(S(parts[0]), "34");
    assert_string_equal(S(parts[2]), "33");
    hs_decimal none[2] = {D("0.00"), D("-1.00")};
    assert_int_equal(sfns_alloc_by_amounts(ctx, D("1.00"), none, 2, 2, parts), HS_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_components_that_do_not_divide),
        cmocka_unit_test(test_zero_and_three_decimals),
        cmocka_unit_test(test_credits_and_zero_weights),
        cmocka_unit_test(test_sweep),
        cmocka_unit_test(test_by_amounts),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    sfns_test_done();
    return rc;
}
