/* sfns_fx.c — currencies, rates and conversion for every sfns function that touches money (see
 * sfns_fx.h; docs/sfns-settings.md, "Currency", describes the settings). */
#include "sfns_fx.h"

#include "sfns_text.h"

#include <string.h>

static const char *const keys[] = {
    "rounding",   "corporateCurrency", "rates",           "ratesField", "maxRateAgeDays",
    "minorUnits", "netsuiteIds",       "defaultCurrency", NULL,
};

static const char *const rate_keys[] = {"currency", "rate", "date", NULL};

#define MINOR_UNITS_MAX 6

/* ---- codes and places ------------------------------------------------------------------------ */

const char *sfns_fx_code(hs_ctx *ctx, const char *text)
{
    if (text == NULL || strlen(text) != 3)
        return NULL;
    char code[4];
    for (int i = 0; i < 3; i++) {
        char c = text[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c < 'A' || c > 'Z')
            return NULL;
        code[i] = c;
    }
    code[3] = '\0';
    return sfns_api->strdup(ctx, code);
}

int sfns_fx_minor_units(const sfns_fx *fx, const char *code)
{
    if (code == NULL)
        return -1;
    if (fx != NULL && fx->minor_units != NULL) {
        const hs_json *v = sfns_api->json_get(fx->minor_units, code);
        if (sfns_api->json_type(v) == HS_JSON_NUMBER)
            return (int)sfns_api->json_number(v, -1);
    }
    return sfns_api->currency_minor_units(code);
}

hs_status sfns_fx_round(hs_ctx *ctx, const sfns_fx *fx, hs_decimal a, int places, hs_decimal *out)
{
    return sfns_api->decimal_round(ctx, a, places, fx->mode, out);
}

const char *sfns_fx_netsuite_id(hs_ctx *ctx, const sfns_fx *fx, const char *code)
{
    if (fx->netsuite_ids == NULL)
        return code;
    return sfns_map_id(ctx, fx->netsuite_ids, code);
}

const char *sfns_fx_text(hs_ctx *ctx, hs_decimal a)
{
    char buf[HS_DECIMAL_MAX];
    sfns_api->decimal_format(a, buf);
    const char *s = sfns_api->strdup(ctx, buf);
    return s ? s : "?";
}

static const char *date_text(hs_ctx *ctx, const hs_datetime *d)
{
    const char *s = NULL;
    if (sfns_api->date_format(ctx, d, HS_DATE_FORMAT_ISO_DATE, &s) != HS_OK || s == NULL)
        return "?";
    return s;
}

/* y * 10000 + m * 100 + d: dates compare as integers. */
static long date_key(const hs_datetime *d)
{
    return (long)d->year * 10000L + d->month * 100L + d->day;
}

/* Reads a date (ISO 8601, with or without a time: the calendar date written is kept). */
static int read_date(hs_ctx *ctx, const char *text, hs_datetime *out)
{
    hs_datetime d;
    if (text == NULL || sfns_api->date_parse(ctx, text, NULL, &d) != HS_OK)
        return 0;
    *out = (hs_datetime){.year = d.year, .month = d.month, .day = d.day};
    return 1;
}

/* ---- settings -------------------------------------------------------------------------------- */

static const char *code_setting(sfns_conf *c, const sfns_fx *fx, const char *key)
{
    const char *s = sfns_conf_string(c, key, NULL);
    if (s == NULL)
        return NULL;
    const char *code = sfns_fx_code(c->ctx, s);
    if (code == NULL || sfns_fx_minor_units(fx, code) < 0) {
        sfns_conf_invalid(c, key,
                          "\"%s\" is not an ISO 4217 currency code (three letters such as "
                          "\"USD\"; give other codes their places in minorUnits)",
                          s);
        return NULL;
    }
    return code;
}

static void read_minor_units(sfns_conf *c, sfns_fx *fx)
{
    const hs_json *m = sfns_conf_typed(c, "minorUnits", HS_JSON_OBJECT);
    if (m == NULL)
        return;
    size_t n = sfns_api->json_len(m);
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const char *k = sfns_api->json_key_at(m, i, &len);
        const char *code = len == 3 ? sfns_fx_code(c->ctx, k) : NULL;
        if (code == NULL || strcmp(code, k) != 0) {
            sfns_conf_invalid(c, "minorUnits",
                              "key \"%.*s\" is not a currency code (three upper-case letters)",
                              (int)len, k);
            return;
        }
        const hs_json *v = sfns_api->json_value_at(m, i);
        double d = sfns_api->json_number(v, -1);
        if (sfns_api->json_type(v) != HS_JSON_NUMBER || d < 0 || d > MINOR_UNITS_MAX ||
            d != (double)(int)d) {
            sfns_conf_invalid(c, "minorUnits",
                              "the value of \"%s\" must be an integer from 0 to %d", code,
                              MINOR_UNITS_MAX);
            return;
        }
    }
    fx->minor_units = m;
}

static void read_netsuite_ids(sfns_conf *c, sfns_fx *fx)
{
    const hs_json *m = sfns_conf_id_map(c, "netsuiteIds");
    if (m == NULL)
        return;
    size_t n = sfns_api->json_len(m);
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const char *k = sfns_api->json_key_at(m, i, &len);
        const char *code = len == 3 ? sfns_fx_code(c->ctx, k) : NULL;
        if (code == NULL || strcmp(code, k) != 0 || sfns_fx_minor_units(fx, code) < 0) {
            sfns_conf_invalid(c, "netsuiteIds",
                              "key \"%.*s\" is not an ISO 4217 currency code (three upper-case "
                              "letters such as \"EUR\")",
                              (int)len, k);
            return;
        }
    }
    fx->netsuite_ids = m;
}

static void read_rates(sfns_conf *c, sfns_fx *fx)
{
    const hs_json *arr = sfns_conf_typed(c, "rates", HS_JSON_ARRAY);
    if (arr == NULL)
        return;
    size_t n = sfns_api->json_len(arr);
    fx->rates.rates = n ? sfns_api->alloc(c->ctx, n * sizeof(sfns_fx_rate)) : NULL;
    if (n && fx->rates.rates == NULL) {
        sfns_conf_invalid(c, "rates", "out of memory");
        return;
    }
    for (size_t i = 0; i < n && c->error == NULL; i++) {
        sfns_conf e;
        const char *name = sfns_api->sprintf(c->ctx, "rates[%zu]", i);
        sfns_conf_open_value(&e, c, name, sfns_api->json_at(arr, i), rate_keys);
        sfns_fx_rate *r = &fx->rates.rates[i];
        const char *cur = sfns_conf_string(&e, "currency", NULL);
        const char *code = sfns_fx_code(c->ctx, cur);
        if (e.error == NULL && e.obj == NULL)
            sfns_conf_invalid(&e, NULL, "must be an object {\"currency\", \"rate\", \"date\"}");
        else if (e.error == NULL && cur == NULL)
            sfns_conf_invalid(&e, "currency", "is required (an ISO 4217 code such as \"EUR\")");
        else if (e.error == NULL && (code == NULL || sfns_fx_minor_units(fx, code) < 0))
            sfns_conf_invalid(&e, "currency", "\"%s\" is not an ISO 4217 currency code", cur);
        if (e.error == NULL) {
            memcpy(r->code, code, 4);
            int got = sfns_conf_decimal(&e, "rate", &r->rate);
            if (got == 0)
                sfns_conf_invalid(&e, "rate",
                                  "is required: the units of %s that buy one unit of the "
                                  "corporate currency",
                                  code);
            else if (got > 0 && sfns_api->decimal_sign(r->rate) <= 0)
                sfns_conf_invalid(&e, "rate", "must be above zero, got %s",
                                  sfns_fx_text(c->ctx, r->rate));
        }
        const char *date = sfns_conf_string(&e, "date", NULL);
        if (e.error == NULL && date != NULL) {
            hs_datetime d;
            if (sfns_api->date_parse(c->ctx, date, HS_DATE_FORMAT_ISO_DATE, &d) != HS_OK)
                sfns_conf_invalid(&e, "date", "\"%s\" is not a date written YYYY-MM-DD", date);
            r->start = d;
            r->dated = 1;
        }
        sfns_conf_merge(c, &e);
        if (c->error != NULL)
            return;
        if (fx->corporate != NULL && strcmp(r->code, fx->corporate) == 0 &&
            sfns_api->decimal_cmp(r->rate, HS_DECIMAL(1, 0)) != 0) {
            sfns_conf_invalid(c, name,
                              "is a rate of the corporate currency %s, which is 1 by definition",
                              r->code);
            return;
        }
        for (size_t j = 0; j < i; j++) {
            const sfns_fx_rate *o = &fx->rates.rates[j];
            if (strcmp(o->code, r->code) == 0 && o->dated == r->dated &&
                (!r->dated || date_key(&o->start) == date_key(&r->start))) {
                sfns_conf_invalid(c, name, "repeats rates[%zu]: two %s rates %s%s (keep one)", j,
                                  r->code, r->dated ? "from " : "without a date",
                                  r->dated ? date_text(c->ctx, &r->start) : "");
                return;
            }
        }
        fx->rates.n = i + 1;
    }
}

hs_status sfns_fx_read(hs_ctx *ctx, sfns_fx *fx)
{
    memset(fx, 0, sizeof(*fx));
    sfns_conf c;
    sfns_conf_open(&c, ctx, "currency", keys);
    fx->rounding = sfns_conf_string(&c, "rounding", "half-up");
    if (c.error == NULL && sfns_api->decimal_round_mode(ctx, fx->rounding, &fx->mode) != HS_OK)
        sfns_conf_invalid(&c, "rounding",
                          "\"%s\" is not a rounding mode (use \"half-up\" or \"half-even\"; also "
                          "\"half-down\", \"down\", \"up\", \"floor\", \"ceiling\")",
                          fx->rounding);
    read_minor_units(&c, fx);
    fx->corporate = code_setting(&c, fx, "corporateCurrency");
    fx->default_currency = code_setting(&c, fx, "defaultCurrency");
    fx->rates_field = sfns_conf_string(&c, "ratesField", "_rates");
    if (c.error == NULL && fx->rates_field[0] == '\0')
        sfns_conf_invalid(&c, "ratesField", "must name a field (a non-empty string)");
    fx->max_age_days = sfns_conf_int(&c, "maxRateAgeDays", -1, 0, 36500);
    read_netsuite_ids(&c, fx);
    read_rates(&c, fx);
    return sfns_conf_check(&c);
}

/* ---- rates on a record ----------------------------------------------------------------------- */

const char *sfns_fx_status_code(sfns_fx_status st)
{
    switch (st) {
    case SFNS_FX_NO_CORPORATE:
    case SFNS_FX_MISSING:
        return "missing_rate";
    case SFNS_FX_STALE:
        return "stale_rate";
    case SFNS_FX_BAD_RATE:
        return "bad_rate";
    default:
        return "internal_error";
    }
}

/* One row of a record's rates; 0 (and *why) when it cannot be read, -1 to leave it out. */
static int record_row(hs_ctx *ctx, const hs_json *row, sfns_fx_rate *r, const char **why)
{
    if (sfns_api->json_type(row) != HS_JSON_OBJECT) {
        *why = "is not an object";
        return 0;
    }
    if (sfns_flag(ctx, sfns_field(row, "IsActive")) == 0)
        return -1;
    const char *cur = NULL, *start = NULL, *end = NULL;
    if (sfns_text_field(ctx, row, "IsoCode", &cur) != SFNS_TEXT)
        sfns_text_field(ctx, row, "currency", &cur);
    const char *code = sfns_fx_code(ctx, cur);
    if (code == NULL) {
        *why = cur ? sfns_api->sprintf(ctx, "has IsoCode \"%s\", not a currency code", cur)
                   : "has no IsoCode";
        return 0;
    }
    memset(r, 0, sizeof(*r));
    memcpy(r->code, code, 4);
    const hs_json *rate = sfns_field(row, "ConversionRate");
    if (rate == NULL)
        rate = sfns_field(row, "rate");
    if (sfns_api->decimal_from_json(ctx, rate, &r->rate) != HS_OK ||
        sfns_api->decimal_sign(r->rate) <= 0) {
        const char *t = NULL;
        sfns_text(ctx, rate, &t);
        *why = sfns_api->sprintf(ctx, "has ConversionRate %s%s%s, not a decimal above zero",
                                 t ? "\"" : "", t ? t : "(none)", t ? "\"" : "");
        return 0;
    }
    if (sfns_text_field(ctx, row, "StartDate", &start) != SFNS_TEXT)
        sfns_text_field(ctx, row, "date", &start);
    if (start != NULL) {
        if (!read_date(ctx, start, &r->start)) {
            *why = sfns_api->sprintf(ctx, "has StartDate \"%s\", not a date", start);
            return 0;
        }
        r->dated = 1;
    }
    if (sfns_text_field(ctx, row, "NextStartDate", &end) == SFNS_TEXT) {
        if (!read_date(ctx, end, &r->end)) {
            *why = sfns_api->sprintf(ctx, "has NextStartDate \"%s\", not a date", end);
            return 0;
        }
        r->has_end = 1;
    }
    return 1;
}

sfns_fx_status sfns_fx_record_rates(hs_ctx *ctx, const sfns_fx *fx, const hs_json *record,
                                    sfns_fx_table *out, const char **problem)
{
    *out = (sfns_fx_table){NULL, 0};
    const hs_json *v = sfns_field(record, fx->rates_field);
    hs_json_type t = sfns_api->json_type(v);
    if (t == HS_JSON_ABSENT || t == HS_JSON_NULL)
        return SFNS_FX_OK;
    if (t == HS_JSON_OBJECT && sfns_api->json_type(sfns_field(v, "records")) == HS_JSON_ARRAY) {
        v = sfns_field(v, "records");
        t = HS_JSON_ARRAY;
    }
    size_t n = t == HS_JSON_ARRAY ? sfns_api->json_len(v) : 1;
    if (n == 0)
        return SFNS_FX_OK;
    out->rates = sfns_api->alloc(ctx, n * sizeof(sfns_fx_rate));
    if (out->rates == NULL)
        return SFNS_FX_ERROR;
    for (size_t i = 0; i < n; i++) {
        const hs_json *row = t == HS_JSON_ARRAY ? sfns_api->json_at(v, i) : v;
        const char *why = NULL;
        int got = record_row(ctx, row, &out->rates[out->n], &why);
        if (got == 0) {
            *problem = sfns_api->sprintf(ctx, "rate %zu of %zu at \"%s\" %s", i + 1, n,
                                         fx->rates_field, why);
            return SFNS_FX_BAD_RATE;
        }
        if (got > 0)
            out->n++;
    }
    return SFNS_FX_OK;
}

/* ---- finding a rate and converting ----------------------------------------------------------- */

/* The rate of code valid on `on` in table t: the dated one with the latest start on or before
 * `on` (and its end, when given, after `on`), else an undated one; NULL when none. */
static const sfns_fx_rate *rate_on(const sfns_fx_table *t, const char *code, long on)
{
    const sfns_fx_rate *best = NULL, *undated = NULL;
    for (size_t i = 0; t != NULL && i < t->n; i++) {
        const sfns_fx_rate *r = &t->rates[i];
        if (strcmp(r->code, code) != 0)
            continue;
        if (!r->dated) {
            if (undated == NULL)
                undated = r;
            continue;
        }
        if (date_key(&r->start) > on || (r->has_end && date_key(&r->end) <= on))
            continue;
        if (best == NULL || date_key(&r->start) > date_key(&best->start))
            best = r;
    }
    return best ? best : undated;
}

static sfns_fx_status find_rate(hs_ctx *ctx, const sfns_fx *fx, const sfns_fx_table *record,
                                const char *code, const hs_datetime *on, sfns_fx_rate *out,
                                const char **problem)
{
    if (strcmp(code, fx->corporate) == 0) {
        *out = (sfns_fx_rate){.rate = HS_DECIMAL(1, 0)};
        memcpy(out->code, code, 4);
        return SFNS_FX_OK;
    }
    long day = date_key(on);
    const sfns_fx_rate *r = rate_on(record, code, day);
    if (r == NULL)
        r = rate_on(&fx->rates, code, day);
    if (r == NULL) {
        *problem = sfns_api->sprintf(
            ctx,
            "no %s exchange rate is valid on %s: add {\"currency\": \"%s\", \"rate\": <units of %s "
            "per 1 %s>, \"date\": \"<on or before %s>\"} to settings.sfns.currency.rates, or have "
            "the flow's lookup put Salesforce's DatedConversionRate rows on the record at \"%s\"",
            code, date_text(ctx, on), code, code, fx->corporate, date_text(ctx, on),
            fx->rates_field);
        return SFNS_FX_MISSING;
    }
    if (r->dated && fx->max_age_days >= 0) {
        int64_t days = 0;
        if (sfns_api->date_days_between(ctx, &r->start, on, NULL, &days) != HS_OK)
            return SFNS_FX_ERROR;
        if (days > fx->max_age_days) {
            *problem = sfns_api->sprintf(
                ctx,
                "the %s exchange rate %s from %s is %lld days old on %s, older than "
                "settings.sfns.currency.maxRateAgeDays (%ld): add a newer %s rate to "
                "settings.sfns.currency.rates or to the rates the lookup puts at \"%s\"",
                code, sfns_fx_text(ctx, r->rate), date_text(ctx, &r->start), (long long)days,
                date_text(ctx, on), fx->max_age_days, code, fx->rates_field);
            return SFNS_FX_STALE;
        }
    }
    *out = *r;
    return SFNS_FX_OK;
}

sfns_fx_status sfns_fx_pair_find(hs_ctx *ctx, const sfns_fx *fx, const sfns_fx_table *record,
                                 const char *from, const char *to, const hs_datetime *on,
                                 sfns_fx_pair *out, const char **problem)
{
    memset(out, 0, sizeof(*out));
    out->from = from;
    out->to = to;
    out->to_places = sfns_fx_minor_units(fx, to);
    out->from_rate.rate = out->to_rate.rate = HS_DECIMAL(1, 0);
    if (strcmp(from, to) == 0) {
        out->identity = 1;
        return SFNS_FX_OK;
    }
    if (fx->corporate == NULL) {
        *problem = sfns_api->sprintf(
            ctx,
            "converting %s to %s needs the currency the exchange rates are quoted against: set "
            "settings.sfns.currency.corporateCurrency (Salesforce's corporate currency, such as "
            "\"USD\")",
            from, to);
        return SFNS_FX_NO_CORPORATE;
    }
    sfns_fx_status st = find_rate(ctx, fx, record, from, on, &out->from_rate, problem);
    if (st == SFNS_FX_OK)
        st = find_rate(ctx, fx, record, to, on, &out->to_rate, problem);
    return st;
}

hs_status sfns_fx_convert(hs_ctx *ctx, const sfns_fx *fx, const sfns_fx_pair *pair,
                          hs_decimal amount, hs_decimal *out)
{
    if (pair->identity)
        return sfns_fx_round(ctx, fx, amount, pair->to_places, out);
    hs_decimal p;
    hs_status st = sfns_api->decimal_mul(ctx, amount, pair->to_rate.rate, &p);
    if (st != HS_OK)
        return st;
    return sfns_api->decimal_div(ctx, p, pair->from_rate.rate, pair->to_places, fx->mode, out);
}

hs_status sfns_fx_convert_lines(hs_ctx *ctx, const sfns_fx *fx, const sfns_fx_pair *pair,
                                const hs_decimal *in, hs_decimal *out, size_t n, hs_decimal *total,
                                size_t *adjusted)
{
    hs_decimal sum_in = HS_DECIMAL(0, 0), sum_out = HS_DECIMAL(0, 0);
    size_t big = 0;
    hs_status st = HS_OK;
    for (size_t i = 0; i < n && st == HS_OK; i++) {
        st = sfns_api->decimal_add(ctx, sum_in, in[i], &sum_in);
        if (st == HS_OK &&
            sfns_api->decimal_cmp(sfns_api->decimal_abs(in[i]), sfns_api->decimal_abs(in[big])) > 0)
            big = i;
        if (st == HS_OK)
            st = sfns_fx_convert(ctx, fx, pair, in[i], &out[i]);
        if (st == HS_OK)
            st = sfns_api->decimal_add(ctx, sum_out, out[i], &sum_out);
    }
    hs_decimal t, residual;
    if (st == HS_OK)
        st = sfns_fx_convert(ctx, fx, pair, sum_in, &t);
    if (st == HS_OK)
        st = sfns_api->decimal_sub(ctx, t, sum_out, &residual);
    if (st == HS_OK && n > 0)
        st = sfns_api->decimal_add(ctx, out[big], residual, &out[big]);
    if (st == HS_OK && n > 0)
        st = sfns_fx_round(ctx, fx, out[big], pair->to_places, &out[big]);
    if (st != HS_OK)
        return st;
    *total = t;
    *adjusted = big;
    return HS_OK;
}
