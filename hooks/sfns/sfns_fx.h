/* sfns_fx.h — money in the sfns module, shared by every function that touches amounts: the
 * settings of settings.sfns.currency (rounding, minor units, rates, NetSuite currency ids), ISO
 * 4217 minor units, rounding to a currency's unit, exchange rates from the settings or from the
 * record (dated rates: the rate valid on a date, its age checked), conversion between two
 * currencies through the corporate currency the rates are quoted against, and the conversion of a
 * set of line amounts that keeps their total. Every amount is an hs_decimal and every step an
 * exact decimal call of the hook API (ABI 1.2): nothing goes through binary floating point. */
#ifndef SFNS_FX_H
#define SFNS_FX_H

#include "sfns.h"

#include <stddef.h>

/* One exchange rate: `rate` units of `code` buy one unit of the corporate currency (Salesforce's
 * ConversionRate: EUR 0.94 with a USD corporate currency). A dated rate is valid from `start`
 * (a date) until the next dated rate of the same currency, or until `end` when given
 * (Salesforce's NextStartDate, exclusive); an undated rate is valid on every date. */
typedef struct sfns_fx_rate {
    char code[4];
    hs_decimal rate; /* > 0 */
    int dated;       /* start is set */
    int has_end;     /* end is set */
    hs_datetime start, end;
} sfns_fx_rate;

/* A list of rates (from the settings, or read from one record). */
typedef struct sfns_fx_table {
    sfns_fx_rate *rates;
    size_t n;
} sfns_fx_table;

/* settings.sfns.currency, read and checked once per page (sfns_fx_read). */
typedef struct sfns_fx {
    hs_round mode;                /* rounding: every amount is rounded once, with this mode */
    const char *rounding;         /* its name as configured ("half-up") */
    const char *corporate;        /* the currency rates are quoted against; NULL: not set */
    sfns_fx_table rates;          /* settings.sfns.currency.rates */
    const char *rates_field;      /* record key where a lookup puts rates */
    long max_age_days;            /* a dated rate older than this is refused; -1: no limit */
    const hs_json *minor_units;   /* code -> places, overriding ISO 4217; NULL: none */
    const hs_json *netsuite_ids;  /* code -> NetSuite currency internal id; NULL: none */
    const char *default_currency; /* currency of records that carry none; NULL: none */
} sfns_fx;

/* Reads settings.sfns.currency into *fx. On a problem the invocation fails (422 invalid_setting
 * naming the key) and that status is returned. */
hs_status sfns_fx_read(hs_ctx *ctx, sfns_fx *fx);

/* The currency code text names: three ASCII letters in any case, as an upper-case arena copy
 * ("eur" -> "EUR"); NULL when text is not three letters. Whether the currency is known is
 * sfns_fx_minor_units' answer. */
const char *sfns_fx_code(hs_ctx *ctx, const char *text);

/* Decimal places of a currency: settings.sfns.currency.minorUnits, else ISO 4217 (USD 2, JPY 0,
 * BHD 3); -1 when neither knows the code. */
int sfns_fx_minor_units(const sfns_fx *fx, const char *code);

/* a rounded to `places` with the configured mode. */
hs_status sfns_fx_round(hs_ctx *ctx, const sfns_fx *fx, hs_decimal a, int places, hs_decimal *out);

/* The NetSuite currency for code: its id in netsuiteIds, or the code itself when netsuiteIds is
 * not set; NULL when netsuiteIds is set but lacks the code. */
const char *sfns_fx_netsuite_id(hs_ctx *ctx, const sfns_fx *fx, const char *code);

/* Why a conversion could not be set up (sfns_fx_pair_find) or a record's rates not read. */
typedef enum sfns_fx_status {
    SFNS_FX_OK = 0,
    SFNS_FX_NO_CORPORATE =
        1,                /* currencies differ and settings.sfns.currency.corporate is not set */
    SFNS_FX_MISSING = 2,  /* no rate of the currency is valid on the date */
    SFNS_FX_STALE = 3,    /* the valid rate is older than maxRateAgeDays */
    SFNS_FX_BAD_RATE = 4, /* a rate the record carries cannot be read */
    SFNS_FX_ERROR = 5     /* an API call failed (out of memory): fail the page */
} sfns_fx_status;

/* The per-record error code of a status: "missing_rate", "stale_rate", "bad_rate". */
const char *sfns_fx_status_code(sfns_fx_status st);

/* Reads the rates a lookup put on a record at settings.sfns.currency.ratesField: an array of
 * rows, a Salesforce query envelope {"records": [...]}, or one row. A row is a Salesforce
 * DatedConversionRate or CurrencyType (IsoCode, ConversionRate, StartDate, NextStartDate; rows
 * with IsActive false are left out) or the settings' own shape (currency, rate, date). Absent or
 * null: no rates (*out empty). SFNS_FX_BAD_RATE with *problem (arena) naming the row and field. */
sfns_fx_status sfns_fx_record_rates(hs_ctx *ctx, const sfns_fx *fx, const hs_json *record,
                                    sfns_fx_table *out, const char **problem);

/* A conversion from one currency to another on one date. */
typedef struct sfns_fx_pair {
    const char *from, *to;
    int identity;           /* same currency: amounts are only rounded */
    sfns_fx_rate from_rate; /* rates against the corporate currency (1 for the corporate one) */
    sfns_fx_rate to_rate;
    int to_places; /* minor units of `to` */
} sfns_fx_pair;

/* Sets up the conversion from `from` to `to` (codes whose minor units are known) valid on the
 * date `on`: the rate of each against the corporate currency, taken first from `record` (a
 * record's rates, may be NULL) and then from the settings; for each, the dated rate with the
 * latest start on or before `on` (and whose end, when given, is after it), else an undated rate.
 * A dated rate whose start is more than maxRateAgeDays before `on` is SFNS_FX_STALE. On a
 * problem *problem (arena) says what is missing and which setting to add it to. */
sfns_fx_status sfns_fx_pair_find(hs_ctx *ctx, const sfns_fx *fx, const sfns_fx_table *record,
                                 const char *from, const char *to, const hs_datetime *on,
                                 sfns_fx_pair *out, const char **problem);

/* amount in `from` as `to`, rounded once to to's minor units: amount x to_rate / from_rate.
 * HS_ERR_RANGE when the result does not fit in 19 digits (described on ctx). */
hs_status sfns_fx_convert(hs_ctx *ctx, const sfns_fx *fx, const sfns_fx_pair *pair,
                          hs_decimal amount, hs_decimal *out);

/* Converts n line amounts so that they sum to the converted sum: each line is converted on its
 * own, the sum is converted once (*total), and the difference left by rounding the lines one by
 * one is added to one line, the one of largest absolute amount (the first of equals), whose index
 * is *adjusted. in and out may be the same array. */
hs_status sfns_fx_convert_lines(hs_ctx *ctx, const sfns_fx *fx, const sfns_fx_pair *pair,
                                const hs_decimal *in, hs_decimal *out, size_t n, hs_decimal *total,
                                size_t *adjusted);

/* The text of a decimal (arena-owned; "?" past the memory limit), for messages and audit fields. */
const char *sfns_fx_text(hs_ctx *ctx, hs_decimal a);

#endif
