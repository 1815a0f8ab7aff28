/* sdk_decimal.c — the hook API's exact decimals (hs_decimal, see include/hookstack.h): reading
 * decimal text and JavaScript numbers (through their shortest round-trip text), exact add,
 * subtract and multiply, division and rounding to a stated scale with a stated mode, allocation
 * of an amount over weights by largest remainder, comparison, and output as text or as a JSON
 * number.
 *
 * A value is units x 10^-scale with units an int64_t (|units| <= INT64_MAX) and scale 0..18.
 * Intermediates are 128-bit integers (GCC/Clang __int128): an aligned operand is below
 * 2^63 x 10^18 < 2^123 and a product below 2^126, so no intermediate of add, subtract, multiply
 * or compare can overflow; division runs digit by digit so its numerator never grows past
 * 2^67. No binary floating point is used except at the JSON number boundary, where the runner's
 * number path (double-conversion: shortest text out, correctly rounded text in) is the one
 * JavaScript uses. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "jsval.h"
#include "sdk_internal.h"

typedef __int128 i128;
typedef unsigned __int128 u128;

#define MAX_SCALE  HS_DECIMAL_MAX_SCALE
#define UNITS_MAX  ((u128)INT64_MAX)
#define EXP_LIMIT  1000 /* |exponent| accepted in text, far past anything representable */
#define MAX_DIGITS 19   /* significant digits an int64_t holds (INT64_MAX has 19) */

/* 10^0 .. 10^38 as 128-bit values (10^38 < 2^127). */
static u128 pow10_u128(int n)
{
    u128 p = 1;
    for (int i = 0; i < n; i++)
        p *= 10;
    return p;
}

static bool dec_valid(hs_decimal a)
{
    return a.scale >= 0 && a.scale <= MAX_SCALE && a.units != INT64_MIN;
}

static bool mode_valid(hs_round mode)
{
    return mode >= HS_ROUND_HALF_UP && mode <= HS_ROUND_CEILING;
}

static u128 mag(int64_t u)
{
    return u < 0 ? (u128)(-(i128)u) : (u128)u;
}

/* Writes |v| with sign into *out when it fits at scale s, dropping trailing zeros only when
 * needed (s past 18 or units past INT64_MAX). */
static hs_status dec_fit(bool neg, u128 m, int s, hs_decimal *out)
{
    while ((s > MAX_SCALE || m > UNITS_MAX) && s > 0 && m % 10 == 0) {
        m /= 10;
        s--;
    }
    if (s > MAX_SCALE || m > UNITS_MAX)
        return HS_ERR_RANGE;
    int64_t u = (int64_t)m;
    out->units = neg ? -u : u;
    out->scale = s;
    return HS_OK;
}

/* q (the magnitude of a quotient rounded toward zero) adjusted by mode, given the remainder r of
 * divisor d (0 <= r < d) and the sign of the exact value. */
static u128 round_mag(u128 q, u128 r, u128 d, bool neg, hs_round mode)
{
    if (r == 0)
        return q;
    u128 rest = d - r; /* compare r with d/2 without computing 2r */
    bool above = r > rest, tie = r == rest;
    switch (mode) {
    case HS_ROUND_HALF_UP:
        return above || tie ? q + 1 : q;
    case HS_ROUND_HALF_DOWN:
        return above ? q + 1 : q;
    case HS_ROUND_HALF_EVEN:
        return above || (tie && (q & 1)) ? q + 1 : q;
    case HS_ROUND_DOWN:
        return q;
    case HS_ROUND_UP:
        return q + 1;
    case HS_ROUND_FLOOR:
        return neg ? q + 1 : q;
    case HS_ROUND_CEILING:
        return neg ? q : q + 1;
    }
    return q;
}

/* The exact value (neg, m) x 10^-s rescaled to `scale` places with mode. */
static hs_status dec_rescale(bool neg, u128 m, int s, int scale, hs_round mode, hs_decimal *out)
{
    if (scale >= s) {
        u128 p = pow10_u128(scale - s);
        if (m > UNITS_MAX / p)
            return HS_ERR_RANGE;
        m *= p;
    } else {
        u128 d = pow10_u128(s - scale);
        m = round_mag(m / d, m % d, d, neg, mode);
    }
    if (m > UNITS_MAX)
        return HS_ERR_RANGE;
    int64_t u = (int64_t)m;
    out->units = neg ? -u : u;
    out->scale = scale;
    return HS_OK;
}

/* ---- errors --------------------------------------------------------------------------------- */

static hs_status bad_arg(hs_ctx *ctx, const char *what)
{
    sdk_ctx_errorf(ctx, "TypeError", "decimal: %s", what);
    return HS_ERR_INVALID;
}

static hs_status check_args(hs_ctx *ctx, hs_decimal a, hs_decimal b, const hs_decimal *out)
{
    if (!out)
        return bad_arg(ctx, "no place for the result (out is NULL)");
    if (!dec_valid(a) || !dec_valid(b))
        return bad_arg(ctx, "not a valid hs_decimal (scale outside 0..18 or units INT64_MIN)");
    return HS_OK;
}

static hs_status check_scale_mode(hs_ctx *ctx, int scale, hs_round mode)
{
    if (scale < 0 || scale > MAX_SCALE) {
        sdk_ctx_errorf(ctx, "RangeError", "decimal: scale %d is outside 0..%d", scale, MAX_SCALE);
        return HS_ERR_INVALID;
    }
    if (!mode_valid(mode)) {
        sdk_ctx_errorf(ctx, "TypeError", "decimal: %d is not a rounding mode (hs_round)",
                       (int)mode);
        return HS_ERR_INVALID;
    }
    return HS_OK;
}

static hs_status overflow2(hs_ctx *ctx, const char *op, hs_decimal a, hs_decimal b)
{
    char x[HS_DECIMAL_MAX], y[HS_DECIMAL_MAX];
    sdk_decimal_format(a, x);
    sdk_decimal_format(b, y);
    sdk_ctx_errorf(ctx, "RangeError",
                   "decimal: %s %s %s does not fit (19 digits, at most 18 decimal places)", x, op,
                   y);
    return HS_ERR_RANGE;
}

/* ---- reading -------------------------------------------------------------------------------- */

/* The grammar of decimal_parse over s[0..len): sign? digits* ('.' digits*)? ([eE] sign?
 * digits+)?, with at least one mantissa digit. */
static hs_status parse_text(const char *s, size_t len, hs_decimal *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    /* Significant digits (leading zeros skipped) go into m; past 19 of them only zeros may
     * follow, counted in `dropped` (they scale the value without changing its digits). */
    u128 m = 0;
    long sig = 0, dropped = 0, frac = 0, mant_digits = 0; /* long: texts of any length */
    bool seen_point = false, nonzero_dropped = false;
    for (; i < len; i++) {
        char c = s[i];
        if (c == '.' && !seen_point) {
            seen_point = true;
            continue;
        }
        if (c < '0' || c > '9')
            break;
        mant_digits++;
        if (seen_point)
            frac++;
        if (sig == 0 && c == '0')
            continue;
        if (sig < MAX_DIGITS + 1) {
            m = m * 10 + (u128)(c - '0');
            sig++;
        } else {
            dropped++;
            if (c != '0')
                nonzero_dropped = true;
        }
    }
    if (mant_digits == 0)
        return HS_ERR_PARSE;
    long exp = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        size_t start = i;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            if (exp <= EXP_LIMIT)
                exp = exp * 10 + (s[i] - '0');
        if (i == start)
            return HS_ERR_PARSE;
        if (eneg)
            exp = -exp;
    }
    if (i != len)
        return HS_ERR_PARSE;
    if (m == 0) {
        long sc = frac - exp;
        out->units = 0;
        out->scale = sc < 0 ? 0 : sc > MAX_SCALE ? MAX_SCALE : (int32_t)sc;
        return HS_OK;
    }
    if (nonzero_dropped || exp > EXP_LIMIT || exp < -EXP_LIMIT)
        return HS_ERR_RANGE;
    /* value = m x 10^(dropped - frac + exp) */
    long sc = frac - dropped - exp;
    if (sc < 0) {
        if (sc < -MAX_DIGITS)
            return HS_ERR_RANGE;
        u128 p = pow10_u128((int)-sc);
        if (m > UNITS_MAX / p)
            return HS_ERR_RANGE;
        m *= p;
        sc = 0;
    }
    if (sc > 2 * MAX_DIGITS + MAX_SCALE)
        return HS_ERR_RANGE;
    return dec_fit(neg, m, (int)sc, out);
}

hs_status sdk_decimal_parse(hs_ctx *ctx, const char *s, size_t len, hs_decimal *out)
{
    if (!s || !out)
        return bad_arg(ctx, "decimal_parse needs text and a place for the result");
    hs_decimal r;
    hs_status st = parse_text(s, len, &r);
    if (st == HS_ERR_PARSE)
        sdk_ctx_errorf(ctx, "SyntaxError", "\"%.*s\" is not a decimal number",
                       len > 64 ? 64 : (int)len, s);
    else if (st == HS_ERR_RANGE)
        sdk_ctx_errorf(ctx, "RangeError",
                       "decimal \"%.*s\" does not fit (19 digits, at most 18 decimal places)",
                       len > 64 ? 64 : (int)len, s);
    if (st == HS_OK)
        *out = r;
    return st;
}

hs_status sdk_decimal_from_number(hs_ctx *ctx, double d, hs_decimal *out)
{
    if (!out)
        return bad_arg(ctx, "decimal_from_number needs a place for the result");
    if (d != d || d - d != 0) { /* NaN or an infinity */
        sdk_ctx_errorf(ctx, "RangeError", "decimal: %s is not a decimal number",
                       d != d  ? "NaN"
                       : d > 0 ? "Infinity"
                               : "-Infinity");
        return HS_ERR_INVALID;
    }
    char text[JSON_NUMBER_MAX];
    size_t n = json_number_format(d, text);
    return sdk_decimal_parse(ctx, text, n, out);
}

hs_status sdk_decimal_from_json(hs_ctx *ctx, const hs_json *hv, hs_decimal *out)
{
    const struct json_value *v = (const struct json_value *)hv;
    if (!out)
        return bad_arg(ctx, "decimal_from_json needs a place for the result");
    if (!v) {
        sdk_ctx_errorf(ctx, "TypeError", "decimal: the value is absent");
        return HS_ERR_NOT_FOUND;
    }
    if (v->type == JSON_NUMBER)
        return sdk_decimal_from_number(ctx, v->u.num, out);
    if (v->type == JSON_STRING)
        return sdk_decimal_parse(ctx, v->u.str, v->len, out);
    static const char *const names[] = {
        [JSON_NULL] = "null",      [JSON_FALSE] = "a boolean",  [JSON_TRUE] = "a boolean",
        [JSON_ARRAY] = "an array", [JSON_OBJECT] = "an object", [JSON_DATE] = "a Date"};
    const char *what = (size_t)v->type < sizeof(names) / sizeof(names[0]) && names[v->type]
                           ? names[v->type]
                           : "not a number";
    sdk_ctx_errorf(ctx, "TypeError", "decimal: expected a number or a decimal string, got %s",
                   what);
    return HS_ERR_TYPE;
}

/* ---- arithmetic ----------------------------------------------------------------------------- */

static hs_status add_signed(hs_ctx *ctx, hs_decimal a, hs_decimal b, bool negate_b, hs_decimal *out)
{
    hs_status st = check_args(ctx, a, b, out);
    if (st != HS_OK)
        return st;
    int s = a.scale > b.scale ? a.scale : b.scale;
    i128 x = (i128)a.units * (i128)pow10_u128(s - a.scale);
    i128 y = (i128)b.units * (i128)pow10_u128(s - b.scale);
    i128 v = negate_b ? x - y : x + y;
    st = dec_fit(v < 0, v < 0 ? (u128)-v : (u128)v, s, out);
    if (st != HS_OK)
        return overflow2(ctx, negate_b ? "-" : "+", a, b);
    return HS_OK;
}

hs_status sdk_decimal_add(hs_ctx *ctx, hs_decimal a, hs_decimal b, hs_decimal *out)
{
    return add_signed(ctx, a, b, false, out);
}

hs_status sdk_decimal_sub(hs_ctx *ctx, hs_decimal a, hs_decimal b, hs_decimal *out)
{
    return add_signed(ctx, a, b, true, out);
}

hs_status sdk_decimal_mul(hs_ctx *ctx, hs_decimal a, hs_decimal b, hs_decimal *out)
{
    hs_status st = check_args(ctx, a, b, out);
    if (st != HS_OK)
        return st;
    bool neg = (a.units < 0) != (b.units < 0);
    st = dec_fit(neg, mag(a.units) * mag(b.units), a.scale + b.scale, out);
    if (st != HS_OK)
        return overflow2(ctx, "*", a, b);
    return HS_OK;
}

hs_status sdk_decimal_mul_round(hs_ctx *ctx, hs_decimal a, hs_decimal b, int scale, hs_round mode,
                                hs_decimal *out)
{
    hs_status st = check_args(ctx, a, b, out);
    if (st == HS_OK)
        st = check_scale_mode(ctx, scale, mode);
    if (st != HS_OK)
        return st;
    bool neg = (a.units < 0) != (b.units < 0);
    u128 m = mag(a.units) * mag(b.units);
    hs_decimal r;
    st = dec_rescale(neg, m, a.scale + b.scale, scale, mode, &r);
    if (st != HS_OK)
        return overflow2(ctx, "*", a, b);
    *out = r;
    return HS_OK;
}

hs_status sdk_decimal_div(hs_ctx *ctx, hs_decimal a, hs_decimal b, int scale, hs_round mode,
                          hs_decimal *out)
{
    hs_status st = check_args(ctx, a, b, out);
    if (st == HS_OK)
        st = check_scale_mode(ctx, scale, mode);
    if (st != HS_OK)
        return st;
    if (b.units == 0) {
        sdk_ctx_errorf(ctx, "RangeError", "Division by zero");
        return HS_ERR_INVALID;
    }
    /* a/b = (ua / ub) x 10^(sb - sa); wanted: q = ua x 10^(scale + sb - sa) / ub. */
    bool neg = (a.units < 0) != (b.units < 0);
    u128 na = mag(a.units), nb = mag(b.units);
    int e = scale + b.scale - a.scale; /* -18 .. 36 */
    u128 q, r, d;
    if (e < 0) {
        d = nb * pow10_u128(-e); /* < 2^63 x 10^18 */
        q = na / d;
        r = na % d;
    } else {
        d = nb;
        q = na / nb;
        r = na % nb;
        for (int i = 0; i < e; i++) {
            if (q > UNITS_MAX) /* already too large: more digits only grow it */
                return overflow2(ctx, "/", a, b);
            r *= 10; /* r < nb < 2^63, so r x 10 < 2^67 */
            q = q * 10 + r / nb;
            r %= nb;
        }
    }
    q = round_mag(q, r, d, neg, mode);
    if (q > UNITS_MAX)
        return overflow2(ctx, "/", a, b);
    out->units = neg ? -(int64_t)q : (int64_t)q;
    out->scale = scale;
    return HS_OK;
}

hs_status sdk_decimal_round(hs_ctx *ctx, hs_decimal a, int scale, hs_round mode, hs_decimal *out)
{
    hs_status st = check_args(ctx, a, a, out);
    if (st == HS_OK)
        st = check_scale_mode(ctx, scale, mode);
    if (st != HS_OK)
        return st;
    st = dec_rescale(a.units < 0, mag(a.units), a.scale, scale, mode, out);
    if (st != HS_OK) {
        char x[HS_DECIMAL_MAX];
        sdk_decimal_format(a, x);
        sdk_ctx_errorf(ctx, "RangeError", "decimal: %s at %d places does not fit in 19 digits", x,
                       scale);
    }
    return st;
}

/* ---- allocation ----------------------------------------------------------------------------- */

struct alloc_rem {
    u128 rem;
    size_t index;
};

static int rem_cmp(const void *pa, const void *pb)
{
    const struct alloc_rem *a = pa, *b = pb;
    if (a->rem != b->rem)
        return a->rem > b->rem ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

hs_status sdk_decimal_allocate(hs_ctx *ctx, hs_decimal total, const hs_decimal *weights, size_t n,
                               int scale, hs_decimal *parts)
{
    if (!weights || !parts || n == 0)
        return bad_arg(ctx, "decimal_allocate needs n >= 1 weights and as many parts");
    if (!dec_valid(total))
        return bad_arg(ctx, "the total is not a valid hs_decimal");
    hs_status st = check_scale_mode(ctx, scale, HS_ROUND_DOWN);
    if (st != HS_OK)
        return st;
    /* The total in units of 10^-scale, exactly. */
    hs_decimal t;
    if (dec_rescale(total.units < 0, mag(total.units), total.scale, scale, HS_ROUND_DOWN, &t) !=
            HS_OK ||
        sdk_decimal_cmp(t, total) != 0) {
        char x[HS_DECIMAL_MAX];
        sdk_decimal_format(total, x);
        sdk_ctx_errorf(ctx, "RangeError",
                       "decimal_allocate: the total %s is not exact at %d places: round it first",
                       x, scale);
        return HS_ERR_INVALID;
    }
    int ws = 0;
    for (size_t i = 0; i < n; i++) {
        if (!dec_valid(weights[i]))
            return bad_arg(ctx, "a weight is not a valid hs_decimal");
        if (weights[i].units < 0) {
            char x[HS_DECIMAL_MAX];
            sdk_decimal_format(weights[i], x);
            sdk_ctx_errorf(ctx, "RangeError", "decimal_allocate: weight %zu is negative (%s)", i,
                           x);
            return HS_ERR_INVALID;
        }
        if (weights[i].scale > ws)
            ws = weights[i].scale;
    }
    u128 wsum = 0;
    for (size_t i = 0; i < n; i++) {
        u128 w = mag(weights[i].units) * pow10_u128(ws - weights[i].scale); /* < 2^123 */
        if (__builtin_add_overflow(wsum, w, &wsum)) {
            sdk_ctx_errorf(ctx, "RangeError", "decimal_allocate: the weights' sum is too large");
            return HS_ERR_RANGE;
        }
    }
    if (wsum == 0) {
        sdk_ctx_errorf(ctx, "RangeError", "decimal_allocate: the weights sum to zero");
        return HS_ERR_INVALID;
    }
    struct alloc_rem *rems = malloc(n * sizeof(*rems));
    u128 *shares = malloc(n * sizeof(*shares));
    if (!rems || !shares) {
        free(rems);
        free(shares);
        sdk_ctx_errorf(ctx, "RangeError", "decimal_allocate: out of memory for %zu parts", n);
        return HS_ERR_NOMEM;
    }
    u128 tm = mag(t.units), given = 0;
    st = HS_OK;
    for (size_t i = 0; i < n && st == HS_OK; i++) {
        u128 w = mag(weights[i].units) * pow10_u128(ws - weights[i].scale), prod;
        if (__builtin_mul_overflow(tm, w, &prod)) {
            sdk_ctx_errorf(ctx, "RangeError",
                           "decimal_allocate: total x weight %zu is past 128 bits", i);
            st = HS_ERR_RANGE;
            break;
        }
        shares[i] = prod / wsum;
        rems[i] = (struct alloc_rem){.rem = prod % wsum, .index = i};
        given += shares[i];
    }
    if (st == HS_OK) {
        u128 left = tm - given; /* < n: the fractional parts sum to it */
        qsort(rems, n, sizeof(*rems), rem_cmp);
        for (size_t k = 0; k < n && left > 0; k++, left--)
            shares[rems[k].index]++;
        bool neg = t.units < 0;
        for (size_t i = 0; i < n; i++)
            parts[i] = (hs_decimal){.units = neg ? -(int64_t)shares[i] : (int64_t)shares[i],
                                    .scale = scale};
    }
    free(rems);
    free(shares);
    return st;
}

/* ---- comparing and signs -------------------------------------------------------------------- */

int sdk_decimal_cmp(hs_decimal a, hs_decimal b)
{
    if (!dec_valid(a) || !dec_valid(b)) /* a defined answer for invalid input: by raw fields */
        return a.units < b.units ? -1 : a.units > b.units;
    int s = a.scale > b.scale ? a.scale : b.scale;
    i128 x = (i128)a.units * (i128)pow10_u128(s - a.scale);
    i128 y = (i128)b.units * (i128)pow10_u128(s - b.scale);
    return x < y ? -1 : x > y;
}

int sdk_decimal_sign(hs_decimal a)
{
    return a.units < 0 ? -1 : a.units > 0;
}

int sdk_decimal_is_zero(hs_decimal a)
{
    return a.units == 0;
}

hs_decimal sdk_decimal_neg(hs_decimal a)
{
    if (a.units != INT64_MIN)
        a.units = -a.units;
    return a;
}

hs_decimal sdk_decimal_abs(hs_decimal a)
{
    return a.units < 0 ? sdk_decimal_neg(a) : a;
}

/* ---- output --------------------------------------------------------------------------------- */

size_t sdk_decimal_format(hs_decimal a, char out[HS_DECIMAL_MAX])
{
    if (!dec_valid(a)) {
        out[0] = '\0';
        return 0;
    }
    char digits[24];
    size_t nd = 0;
    u128 m = mag(a.units);
    do {
        digits[nd++] = (char)('0' + (int)(m % 10));
        m /= 10;
    } while (m > 0);
    while (nd <= (size_t)a.scale) /* at least one digit before the point */
        digits[nd++] = '0';
    size_t o = 0;
    if (a.units < 0)
        out[o++] = '-';
    for (size_t i = nd; i-- > 0;) {
        out[o++] = digits[i];
        if (i == (size_t)a.scale && a.scale > 0)
            out[o++] = '.';
    }
    out[o] = '\0';
    return o;
}

hs_json *sdk_json_new_decimal(hs_ctx *ctx, hs_decimal a)
{
    if (!ctx)
        return NULL;
    char text[HS_DECIMAL_MAX];
    size_t n = sdk_decimal_format(a, text);
    if (n == 0) {
        sdk_ctx_errorf(ctx, "RangeError", "json_new_decimal: not a valid hs_decimal");
        sdk_ctx_keep_last(ctx, HS_ERR_RANGE);
        return NULL;
    }
    /* Correctly rounded text -> double, then checked: the number must print back (as JavaScript
     * prints it) as the same value, else the JSON would carry another amount. */
    double d = jsval_string_to_number(text, n);
    char back[JSON_NUMBER_MAX];
    size_t bn = json_number_format(d, back);
    hs_decimal again;
    if (parse_text(back, bn, &again) != HS_OK || sdk_decimal_cmp(again, a) != 0) {
        sdk_ctx_errorf(ctx, "RangeError",
                       "json_new_decimal: %s has no exact JSON number (it would be sent as %s); "
                       "send it as a string (json_new_decimal_string)",
                       text, back);
        sdk_ctx_keep_last(ctx, HS_ERR_RANGE);
        return NULL;
    }
    return sdk_json_made(ctx, json_new_number(ctx->a, d));
}

hs_json *sdk_json_new_decimal_string(hs_ctx *ctx, hs_decimal a)
{
    if (!ctx)
        return NULL;
    char text[HS_DECIMAL_MAX];
    size_t n = sdk_decimal_format(a, text);
    if (n == 0) {
        sdk_ctx_errorf(ctx, "RangeError", "json_new_decimal_string: not a valid hs_decimal");
        sdk_ctx_keep_last(ctx, HS_ERR_RANGE);
        return NULL;
    }
    return sdk_json_made(ctx, json_new_string(ctx->a, text, n));
}

/* ---- rounding modes by name ----------------------------------------------------------------- */

hs_status sdk_decimal_round_mode(hs_ctx *ctx, const char *name, hs_round *mode)
{
    static const struct {
        const char *name;
        hs_round mode;
    } modes[] = {{"half-up", HS_ROUND_HALF_UP},
                 {"half-even", HS_ROUND_HALF_EVEN},
                 {"half-down", HS_ROUND_HALF_DOWN},
                 {"down", HS_ROUND_DOWN},
                 {"up", HS_ROUND_UP},
                 {"floor", HS_ROUND_FLOOR},
                 {"ceiling", HS_ROUND_CEILING}};
    if (!mode)
        return bad_arg(ctx, "decimal_round_mode needs a place for the result");
    if (!name) {
        sdk_ctx_errorf(ctx, "TypeError", "rounding mode: none given");
        return HS_ERR_INVALID;
    }
    char norm[16];
    size_t n = strlen(name);
    if (n < sizeof(norm)) {
        for (size_t i = 0; i <= n; i++) {
            char c = name[i];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            else if (c == '_' || c == ' ')
                c = '-';
            norm[i] = c;
        }
        for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
            if (strcmp(norm, modes[i].name) == 0) {
                *mode = modes[i].mode;
                return HS_OK;
            }
    }
    sdk_ctx_errorf(ctx, "TypeError",
                   "rounding mode \"%.40s\" is not one of half-up, half-even, half-down, down, up, "
                   "floor, ceiling",
                   name);
    return HS_ERR_INVALID;
}
