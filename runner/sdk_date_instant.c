/* sdk_date_instant.c — the hook API's dates as instants (hs_datetime, see include/hookstack.h):
 * the calendar, instants as JavaScript time values in an IANA zone (date_to_ms, date_from_ms,
 * through sdk_tz.c), whole calendar days between two values in a zone, adding days, a value from a
 * JSON Date (date_from_json) and "now" from the invocation (options.currentExportDateTime).
 *
 * Calendar arithmetic is proleptic Gregorian on day numbers (days since 1970-01-01), with the
 * civil-from-days conversion of H. Hinnant's "chrono-compatible low-level date algorithms";
 * every value is checked (years 1..9999, real month lengths) before it is used. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "clock.h"
#include "json.h"
#include "sdk_internal.h"
#include "text.h"

#define MS_PER_DAY 86400000LL

/* ---- the calendar --------------------------------------------------------------------------- */

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int sdk_date_month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool sdk_date_valid(const hs_datetime *d)
{
    return d && d->year >= SDK_DATE_YEAR_MIN && d->year <= SDK_DATE_YEAR_MAX && d->month >= 1 &&
           d->month <= 12 && d->day >= 1 && d->day <= sdk_date_month_days(d->year, d->month) &&
           d->hour >= 0 && d->hour <= 23 && d->minute >= 0 && d->minute <= 59 && d->second >= 0 &&
           d->second <= 59 && d->millisecond >= 0 && d->millisecond <= 999 &&
           d->offset_minutes >= -SDK_DATE_OFFSET_MAX && d->offset_minutes <= SDK_DATE_OFFSET_MAX &&
           (d->flags & ~(unsigned)(HS_DATETIME_HAS_TIME | HS_DATETIME_HAS_OFFSET)) == 0;
}

hs_status sdk_date_invalid(hs_ctx *ctx, const char *call)
{
    sdk_ctx_errorf(ctx, "TypeError", "%s: not a valid hs_datetime", call);
    return HS_ERR_INVALID;
}

/* The value's wall-clock time as ms since the epoch, as if it were UTC. */
static int64_t dt_local_ms(const hs_datetime *d)
{
    return days_from_civil(d->year, d->month, d->day) * MS_PER_DAY + d->hour * 3600000LL +
           d->minute * 60000LL + d->second * 1000LL + d->millisecond;
}

/* Fills *out from a wall-clock ms (as if UTC); HS_ERR_RANGE outside the years. */
static hs_status dt_from_local_ms(int64_t ms, int offset_min, unsigned flags, hs_datetime *out)
{
    int64_t day = floor_div(ms, MS_PER_DAY);
    int64_t rest = ms - day * MS_PER_DAY;
    int64_t y;
    int m, d;
    civil_from_days(day, &y, &m, &d);
    if (y < SDK_DATE_YEAR_MIN || y > SDK_DATE_YEAR_MAX)
        return HS_ERR_RANGE;
    *out = (hs_datetime){.year = (int)y,
                         .month = m,
                         .day = d,
                         .hour = (int)(rest / 3600000),
                         .minute = (int)(rest / 60000 % 60),
                         .second = (int)(rest / 1000 % 60),
                         .millisecond = (int)(rest % 1000),
                         .offset_minutes = offset_min,
                         .flags = flags};
    return HS_OK;
}

static hs_status tz_offset(hs_ctx *ctx, const char *tz, int64_t utc_s, int32_t *off_s)
{
    hs_status st = sdk_tz_offset_at(tz, utc_s, off_s);
    if (st != HS_OK)
        sdk_ctx_errorf(ctx, "RangeError", "unknown time zone \"%.64s\" (an IANA name is needed)",
                       tz);
    return st;
}

/* ---- instants ------------------------------------------------------------------------------- */

static hs_status to_ms(hs_ctx *ctx, const hs_datetime *d, const char *tz, int64_t *ms)
{
    int64_t local = dt_local_ms(d);
    if (d->flags & HS_DATETIME_HAS_OFFSET) {
        *ms = local - d->offset_minutes * 60000LL;
        return HS_OK;
    }
    /* Wall time in tz: try the offsets in force a day before and a day after (a zone changes
     * offset at most once in that span); keep a candidate whose offset holds at its instant. */
    int64_t ls = floor_div(local, 1000), frac = local - ls * 1000;
    int32_t o1, o2, c1, c2;
    hs_status st;
    if ((st = tz_offset(ctx, tz, ls - 86400, &o1)) != HS_OK ||
        (st = tz_offset(ctx, tz, ls + 86400, &o2)) != HS_OK ||
        (st = tz_offset(ctx, tz, ls - o1, &c1)) != HS_OK ||
        (st = tz_offset(ctx, tz, ls - o2, &c2)) != HS_OK)
        return st;
    int64_t t1 = ls - o1, t2 = ls - o2, t;
    bool v1 = c1 == o1, v2 = c2 == o2;
    if (v1 && v2)
        t = t1 < t2 ? t1 : t2; /* repeated wall time: the earlier instant */
    else if (v1)
        t = t1;
    else if (v2)
        t = t2;
    else
        t = t1; /* skipped wall time: the offset before the change moves it forward */
    *ms = t * 1000 + frac;
    return HS_OK;
}

hs_status sdk_date_to_ms(hs_ctx *ctx, const hs_datetime *d, const char *tz, int64_t *ms)
{
    if (!ms)
        return HS_ERR_INVALID;
    if (!sdk_date_valid(d))
        return sdk_date_invalid(ctx, "date_to_ms");
    return to_ms(ctx, d, tz, ms);
}

/* Earliest and latest time values of years 1..9999. */
#define MS_MIN (-62135596800000LL)
#define MS_MAX (253402300799999LL)

hs_status sdk_date_from_ms(hs_ctx *ctx, int64_t ms, const char *tz, hs_datetime *out)
{
    if (!out)
        return HS_ERR_INVALID;
    if (ms < MS_MIN - MS_PER_DAY || ms > MS_MAX + MS_PER_DAY) {
        sdk_ctx_errorf(ctx, "RangeError", "time value %lld is outside years 1..9999",
                       (long long)ms);
        return HS_ERR_RANGE;
    }
    int32_t off;
    hs_status st = tz_offset(ctx, tz, floor_div(ms, 1000), &off);
    if (st != HS_OK)
        return st;
    int off_min =
        (int)((off >= 0 ? off + 30 : off - 30) / 60); /* whole minutes, as offsets print */
    hs_datetime r;
    if (dt_from_local_ms(ms + off_min * 60000LL, off_min,
                         HS_DATETIME_HAS_TIME | HS_DATETIME_HAS_OFFSET, &r) != HS_OK) {
        sdk_ctx_errorf(ctx, "RangeError", "time value %lld is outside years 1..9999",
                       (long long)ms);
        return HS_ERR_RANGE;
    }
    *out = r;
    return HS_OK;
}

/* The day number (days since 1970-01-01) of d's calendar date in tz. */
static hs_status day_in(hs_ctx *ctx, const hs_datetime *d, const char *tz, int64_t *day)
{
    if (!(d->flags & HS_DATETIME_HAS_OFFSET)) {
        *day = days_from_civil(d->year, d->month, d->day);
        return HS_OK;
    }
    int64_t ms = dt_local_ms(d) - d->offset_minutes * 60000LL;
    int32_t off;
    hs_status st = tz_offset(ctx, tz, floor_div(ms, 1000), &off);
    if (st != HS_OK)
        return st;
    *day = floor_div(ms + off * 1000LL, MS_PER_DAY);
    return HS_OK;
}

hs_status sdk_date_days_between(hs_ctx *ctx, const hs_datetime *from, const hs_datetime *to,
                                const char *tz, int64_t *days)
{
    if (!days)
        return HS_ERR_INVALID;
    if (!sdk_date_valid(from) || !sdk_date_valid(to))
        return sdk_date_invalid(ctx, "date_days_between");
    /* The zone is checked even when only dates are involved: a bad setting fails every time. */
    int32_t off;
    hs_status st = tz_offset(ctx, tz, 0, &off);
    if (st != HS_OK)
        return st;
    int64_t a, b;
    st = day_in(ctx, from, tz, &a);
    if (st == HS_OK)
        st = day_in(ctx, to, tz, &b);
    if (st != HS_OK)
        return st;
    *days = b - a;
    return HS_OK;
}

hs_status sdk_date_add_days(hs_ctx *ctx, const hs_datetime *d, int64_t days, hs_datetime *out)
{
    if (!out)
        return HS_ERR_INVALID;
    if (!sdk_date_valid(d))
        return sdk_date_invalid(ctx, "date_add_days");
    int64_t day = days_from_civil(d->year, d->month, d->day);
    if (days > 4000000 || days < -4000000) { /* past any year 1..9999 */
        sdk_ctx_errorf(ctx, "RangeError", "date_add_days: %lld days leaves years 1..9999",
                       (long long)days);
        return HS_ERR_RANGE;
    }
    int64_t y;
    int m, dd;
    civil_from_days(day + days, &y, &m, &dd);
    if (y < SDK_DATE_YEAR_MIN || y > SDK_DATE_YEAR_MAX) {
        sdk_ctx_errorf(ctx, "RangeError", "date_add_days: %lld days leaves years 1..9999",
                       (long long)days);
        return HS_ERR_RANGE;
    }
    hs_datetime r = *d;
    r.year = (int)y;
    r.month = m;
    r.day = dd;
    *out = r;
    return HS_OK;
}

/* ---- JSON values and "now" ------------------------------------------------------------------ */

/* A JavaScript time value (a Date's, or a number's) as a UTC instant. */
static hs_status from_time_value(hs_ctx *ctx, double ms, const char *what, hs_datetime *out)
{
    if (!(ms >= (double)MS_MIN && ms <= (double)MS_MAX)) { /* also NaN */
        sdk_ctx_errorf(ctx, "RangeError", "%s is not a valid date in years 1..9999", what);
        return HS_ERR_RANGE;
    }
    return sdk_date_from_ms(ctx, (int64_t)ms, NULL, out);
}

hs_status sdk_date_from_json(hs_ctx *ctx, const hs_json *hv, const char *format, hs_datetime *out)
{
    const struct json_value *v = (const struct json_value *)hv;
    if (!out)
        return HS_ERR_INVALID;
    if (!v) {
        sdk_ctx_errorf(ctx, "TypeError", "date: the value is absent");
        return HS_ERR_NOT_FOUND;
    }
    if (v->type == JSON_DATE)
        return from_time_value(ctx, v->u.num, "the Date", out);
    if (v->type == JSON_STRING) {
        if (strlen(v->u.str) != v->len) {
            sdk_ctx_errorf(ctx, "SyntaxError", "date: the text holds a NUL byte");
            return HS_ERR_PARSE;
        }
        return sdk_date_parse(ctx, v->u.str, format, out);
    }
    sdk_ctx_errorf(ctx, "TypeError", "date: expected a Date or a date string");
    return HS_ERR_TYPE;
}

hs_status sdk_ctx_now(hs_ctx *ctx, unsigned flags, hs_datetime *out)
{
    if (!ctx || !out)
        return HS_ERR_INVALID;
    const struct json_value *o = ctx->call->options, *v = NULL;
    if (o && o->type == JSON_OBJECT)
        v = json_object_get(o, STRLIT("currentExportDateTime"));
    bool absent = !v || v->type == JSON_NULL || (v->type == JSON_STRING && v->len == 0);
    if (!absent) {
        hs_status st;
        hs_datetime r;
        if (v->type == JSON_DATE || v->type == JSON_NUMBER) {
            st = from_time_value(ctx, v->u.num, "options.currentExportDateTime", &r);
        } else if (v->type == JSON_STRING) {
            st = sdk_date_parse(ctx, v->u.str, NULL, &r);
            if (st == HS_OK) { /* a form without an offset is read as UTC */
                r.flags |= HS_DATETIME_HAS_TIME | HS_DATETIME_HAS_OFFSET;
                int64_t ms = dt_local_ms(&r) - r.offset_minutes * 60000LL;
                st = sdk_date_from_ms(ctx, ms, NULL, &r);
            }
        } else {
            st = HS_ERR_RANGE;
        }
        if (st != HS_OK) {
            sdk_ctx_errorf(ctx, "RangeError",
                           "options.currentExportDateTime is not a valid date (ISO 8601 or a "
                           "Date is expected)");
            return HS_ERR_INVALID;
        }
        *out = r;
        return HS_OK;
    }
    if (flags & HS_NOW_WALL_CLOCK)
        return sdk_date_from_ms(ctx, (int64_t)clock_wall_ms(), NULL, out);
    sdk_ctx_errorf(ctx, "RangeError",
                   "no options.currentExportDateTime in this invocation (only delta exports carry "
                   "it); pass HS_NOW_WALL_CLOCK to use the runner's clock");
    return HS_ERR_NOT_FOUND;
}
