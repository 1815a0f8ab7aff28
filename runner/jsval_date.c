/* jsval_date.c — JavaScript Dates on time values (see jsval.h): calendar arithmetic in the
 * process's local time zone, TimeClip, toISOString, Date.prototype.toString, and Date.parse.
 *
 * Date.parse follows the behaviour of V8 (Node 20), which the reference server runs on: first the
 * ECMAScript date-time string format ([+-YY]YYYY[-MM[-DD]][THH:mm[:ss[.s+]][Z|+hh:mm|+hhmm]]),
 * then, for whatever the strict reading leaves over, V8's lenient "legacy" reading: words before
 * the first number are ignored, parenthesised text is skipped, month names are recognised by
 * their first three letters, "n:" starts a time, AM/PM and a few zone names (UT, UTC, GMT, Z, EST,
 * EDT, CST, CDT, MST, MDT, PST, PDT) are understood, and up to three plain numbers are read as
 * month-day-year or year-month-day. Written from the behaviour, checked against node. */
#include "jsval.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- calendar arithmetic -------------------------------------------------------------------- */

static const double MS_PER_DAY = 86400000.0;

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t mp = (m + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

double jsval_time_clip(double t)
{
    if (!isfinite(t) || fabs(t) > 8.64e15)
        return NAN;
    t = trunc(t);
    return t == 0 ? 0.0 : t;
}

/* ECMAScript MakeDay (month 0-based, may overflow into years) then MakeDate. */
static double make_date(double year, double month, double day, double ms_in_day)
{
    if (!isfinite(year) || !isfinite(month) || !isfinite(day) || !isfinite(ms_in_day))
        return NAN;
    double ym = year + floor(month / 12.0);
    if (fabs(ym) > 400000.0)
        return NAN;
    double mn = fmod(month, 12.0);
    if (mn < 0)
        mn += 12.0;
    double days = (double)days_from_civil((int64_t)ym, (int64_t)mn + 1, 1) + day - 1;
    return days * MS_PER_DAY + ms_in_day;
}

/* Offset of local time from UTC at the UTC instant t (ms). */
static double local_offset_ms(double t)
{
    time_t s = (time_t)floor(t / 1000.0);
    struct tm tm;
    if (!localtime_r(&s, &tm))
        return 0;
    return (double)tm.tm_gmtoff * 1000.0;
}

/* UTC instant of a local wall-clock time. */
static double local_to_utc(double t_local)
{
    double off = local_offset_ms(t_local);
    double t = t_local - off;
    double off2 = local_offset_ms(t);
    if (off2 != off)
        t = t_local - off2;
    return t;
}

size_t jsval_date_iso(double ms, char out[JSVAL_ISO_MAX])
{
    if (isnan(ms) || !isfinite(ms)) {
        out[0] = '\0';
        return 0;
    }
    int64_t t = (int64_t)ms;
    int64_t days = floor_div(t, 86400000);
    int64_t rem = t - days * 86400000;
    int64_t y;
    int mo, d;
    civil_from_days(days, &y, &mo, &d);
    int h = (int)(rem / 3600000), mi = (int)(rem / 60000 % 60), s = (int)(rem / 1000 % 60),
        msec = (int)(rem % 1000);
    int n;
    if (y >= 0 && y <= 9999)
        n = snprintf(out, JSVAL_ISO_MAX, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int)y, mo, d, h,
                     mi, s, msec);
    else
        n = snprintf(out, JSVAL_ISO_MAX, "%c%06lld-%02d-%02dT%02d:%02d:%02d.%03dZ",
                     y < 0 ? '-' : '+', (long long)(y < 0 ? -y : y), mo, d, h, mi, s, msec);
    return n > 0 && n < JSVAL_ISO_MAX ? (size_t)n : 0;
}

/* Date.prototype.toString: "Tue Jan 01 2019 00:00:00 GMT+0000 (Coordinated Universal Time)". */
size_t jsval_date_string(double ms, char *out, size_t cap)
{
    static const char *wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *mn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (isnan(ms))
        return (size_t)snprintf(out, cap, "Invalid Date");
    double off = local_offset_ms(ms);
    int64_t t = (int64_t)(ms + off);
    int64_t days = floor_div(t, 86400000);
    int64_t rem = t - days * 86400000;
    int64_t y;
    int mo, d;
    civil_from_days(days, &y, &mo, &d);
    int wday = (int)(((days % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
    long offm = (long)(off / 60000.0);
    long aoff = offm < 0 ? -offm : offm;
    char year[24];
    if (y < 0)
        snprintf(year, sizeof(year), "-%06lld", (long long)-y);
    else
        snprintf(year, sizeof(year), "%04lld", (long long)y);
    return (size_t)snprintf(out, cap, "%s %s %02d %s %02d:%02d:%02d GMT%c%02ld%02ld%s", wd[wday],
                            mn[mo - 1], d, year, (int)(rem / 3600000), (int)(rem / 60000 % 60),
                            (int)(rem / 1000 % 60), offm < 0 ? '-' : '+', aoff / 60, aoff % 60,
                            offm == 0 ? " (Coordinated Universal Time)" : "");
}

/* ---- Date.parse ------------------------------------------------------------------------------ */

#define DP_NONE       INT32_MAX
#define DP_MAX_DIGITS 9 /* digits of a numeral that count; the rest are skipped */

enum dp_tok {
    DP_END,
    DP_NUMBER,
    DP_SYMBOL, /* ':' '-' '+' '.' ')' */
    DP_WORD,
    DP_SPACE,
    DP_UNKNOWN,
    DP_INVALID
};

enum dp_word { DP_W_OTHER, DP_W_MONTH, DP_W_ZONE, DP_W_T, DP_W_AMPM };

struct dp_token {
    enum dp_tok tag;
    int len;   /* characters */
    int value; /* number, symbol char, or keyword value */
    enum dp_word word;
};

struct dp_reader {
    const unsigned char *s;
    size_t len, pos;
    uint32_t ch; /* current code point, 0 at the end (a U+0000 also ends the text, as in V8) */
    bool astral; /* ch stands for a surrogate pair (two UTF-16 units) */
    size_t next; /* byte offset after ch */
};

static void dp_advance(struct dp_reader *r)
{
    r->pos = r->next;
    if (r->pos >= r->len) {
        r->ch = 0;
        r->next = r->pos;
        return;
    }
    const unsigned char *p = r->s + r->pos;
    size_t left = r->len - r->pos;
    uint32_t c = p[0];
    size_t n = 1;
    if (c >= 0xF0 && left >= 4) {
        c = ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
        n = 4;
    } else if (c >= 0xE0 && left >= 3) {
        c = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        n = 3;
    } else if (c >= 0xC0 && left >= 2) {
        c = ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
        n = 2;
    }
    r->astral = c > 0xFFFF; /* JavaScript sees a surrogate pair: two code units, both >= 'A' */
    if (c > 0xFFFF)
        c = 0xD800;
    r->ch = c;
    r->next = r->pos + n;
}

/* JavaScript WhiteSpace (line terminators excluded). */
static bool dp_is_white(uint32_t c)
{
    return c == 0x09 || c == 0x0B || c == 0x0C || c == 0x20 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

static void dp_word_lookup(const uint32_t pre[3], int len, struct dp_token *t)
{
    static const struct {
        char k[4];
        enum dp_word type;
        int value;
    } table[] = {
        {"jan", DP_W_MONTH, 1},  {"feb", DP_W_MONTH, 2},  {"mar", DP_W_MONTH, 3},
        {"apr", DP_W_MONTH, 4},  {"may", DP_W_MONTH, 5},  {"jun", DP_W_MONTH, 6},
        {"jul", DP_W_MONTH, 7},  {"aug", DP_W_MONTH, 8},  {"sep", DP_W_MONTH, 9},
        {"oct", DP_W_MONTH, 10}, {"nov", DP_W_MONTH, 11}, {"dec", DP_W_MONTH, 12},
        {"am", DP_W_AMPM, 0},    {"pm", DP_W_AMPM, 12},   {"ut", DP_W_ZONE, 0},
        {"utc", DP_W_ZONE, 0},   {"z", DP_W_ZONE, 0},     {"gmt", DP_W_ZONE, 0},
        {"cdt", DP_W_ZONE, -5},  {"cst", DP_W_ZONE, -6},  {"edt", DP_W_ZONE, -4},
        {"est", DP_W_ZONE, -5},  {"mdt", DP_W_ZONE, -6},  {"mst", DP_W_ZONE, -7},
        {"pdt", DP_W_ZONE, -7},  {"pst", DP_W_ZONE, -8},  {"t", DP_W_T, 0},
    };
    t->word = DP_W_OTHER;
    t->value = 0;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        int j = 0;
        while (j < 3 && pre[j] == (uint32_t)(unsigned char)table[i].k[j])
            j++;
        if (j == 3 && (len <= 3 || table[i].type == DP_W_MONTH)) {
            t->word = table[i].type;
            t->value = table[i].value;
            return;
        }
    }
}

static struct dp_token dp_scan(struct dp_reader *r)
{
    struct dp_token t = {.tag = DP_END, .len = 0, .value = -1, .word = DP_W_OTHER};
    if (r->ch == 0)
        return t;
    if (r->ch >= '0' && r->ch <= '9') {
        /* Leading zeros are not significant; the length counts every digit. */
        int n = 0, i = 0, len = 0;
        while (r->ch == '0') {
            len++;
            dp_advance(r);
        }
        while (r->ch >= '0' && r->ch <= '9') {
            if (i < DP_MAX_DIGITS)
                n = n * 10 + (int)(r->ch - '0');
            i++;
            len++;
            dp_advance(r);
        }
        t.tag = DP_NUMBER;
        t.len = len;
        t.value = n;
        return t;
    }
    if (r->ch == ':' || r->ch == '-' || r->ch == '+' || r->ch == '.' || r->ch == ')') {
        t.tag = DP_SYMBOL;
        t.len = 1;
        t.value = (int)r->ch;
        dp_advance(r);
        return t;
    }
    if (r->ch >= 'A' && !dp_is_white(r->ch)) {
        uint32_t pre[3] = {0, 0, 0};
        int len = 0;
        for (; r->ch >= 'A' && !dp_is_white(r->ch); dp_advance(r)) {
            if (len < 3)
                pre[len] = r->ch | 0x20u;
            len += r->astral ? 2 : 1;
        }
        t.tag = DP_WORD;
        t.len = len;
        dp_word_lookup(pre, len, &t);
        return t;
    }
    if (jsval_is_space(r->ch)) {
        t.tag = DP_SPACE;
        t.len = 1;
        dp_advance(r);
        return t;
    }
    if (r->ch == '(') {
        int balance = 0;
        do {
            if (r->ch == ')')
                balance--;
            else if (r->ch == '(')
                balance++;
            dp_advance(r);
        } while (balance > 0 && r->ch);
        t.tag = DP_UNKNOWN;
        t.len = 1;
        return t;
    }
    dp_advance(r);
    t.tag = DP_UNKNOWN;
    t.len = 1;
    return t;
}

struct dp_scanner {
    struct dp_reader r;
    struct dp_token next;
};

static struct dp_token dp_next(struct dp_scanner *sc)
{
    struct dp_token t = sc->next;
    sc->next = dp_scan(&sc->r);
    return t;
}

static bool dp_is_symbol(struct dp_token t, char c)
{
    return t.tag == DP_SYMBOL && t.value == c;
}

static bool dp_skip_symbol(struct dp_scanner *sc, char c)
{
    if (dp_is_symbol(sc->next, c)) {
        sc->next = dp_scan(&sc->r);
        return true;
    }
    return false;
}

static bool dp_fixed(struct dp_token t, int len)
{
    return t.tag == DP_NUMBER && t.len == len;
}

static bool dp_sign(struct dp_token t)
{
    return t.tag == DP_SYMBOL && (t.value == '-' || t.value == '+');
}

static bool dp_is_z(struct dp_token t)
{
    return t.tag == DP_WORD && t.word == DP_W_ZONE && t.len == 1 && t.value == 0;
}

static bool between(int x, int lo, int hi)
{
    return x >= lo && x <= hi;
}

struct dp_day {
    int comp[3];
    int n;
    int named_month;
    bool iso;
};

struct dp_time {
    int comp[4];
    int n;
    int hour_offset;
};

struct dp_zone {
    int sign, hour, minute;
};

static bool day_add(struct dp_day *d, int v)
{
    if (d->n >= 3)
        return false;
    d->comp[d->n++] = v;
    return true;
}

static bool time_add(struct dp_time *t, int v)
{
    if (t->n >= 4)
        return false;
    t->comp[t->n++] = v;
    return true;
}

static bool time_add_final(struct dp_time *t, int v)
{
    if (!time_add(t, v))
        return false;
    while (t->n < 4)
        t->comp[t->n++] = 0;
    return true;
}

static bool time_expecting(const struct dp_time *t, int v)
{
    return (t->n == 1 && between(v, 0, 59)) || (t->n == 2 && between(v, 0, 59)) ||
           (t->n == 3 && between(v, 0, 999));
}

static void zone_set(struct dp_zone *z, int hours)
{
    z->sign = hours < 0 ? -1 : 1;
    z->hour = hours * z->sign;
    z->minute = 0;
}

static bool zone_expecting(const struct dp_zone *z, int v)
{
    return z->hour != DP_NONE && z->minute == DP_NONE && between(v, 0, 59);
}

/* Fraction digits to milliseconds: the first three significant digits. */
static int dp_millis(struct dp_token t)
{
    int n = t.value, len = t.len;
    if (len == 1)
        return n * 100;
    if (len == 2)
        return n * 10;
    if (len > DP_MAX_DIGITS)
        len = DP_MAX_DIGITS;
    while (len > 3) {
        n /= 10;
        len--;
    }
    return n;
}

/* The strict ECMAScript form. Returns the first token it did not use (END when the whole text was
 * read, INVALID when the text cannot be a date at all). */
static struct dp_token dp_iso(struct dp_scanner *sc, struct dp_day *day, struct dp_time *time,
                              struct dp_zone *tz)
{
    if (dp_sign(sc->next)) {
        struct dp_token sign = dp_next(sc);
        if (!dp_fixed(sc->next, 6))
            return sign;
        int s = sign.value == '-' ? -1 : 1;
        int year = dp_next(sc).value;
        if (s < 0 && year == 0)
            return sign;
        day_add(day, s * year);
    } else if (dp_fixed(sc->next, 4)) {
        day_add(day, dp_next(sc).value);
    } else {
        return dp_next(sc);
    }
    if (dp_skip_symbol(sc, '-')) {
        if (!dp_fixed(sc->next, 2) || !between(sc->next.value, 1, 12))
            return dp_next(sc);
        day_add(day, dp_next(sc).value);
        if (dp_skip_symbol(sc, '-')) {
            if (!dp_fixed(sc->next, 2) || !between(sc->next.value, 1, 31))
                return dp_next(sc);
            day_add(day, dp_next(sc).value);
        }
    }
    struct dp_token invalid = {.tag = DP_INVALID};
    if (!(sc->next.tag == DP_WORD && sc->next.word == DP_W_T)) {
        if (sc->next.tag != DP_END)
            return dp_next(sc);
    } else {
        dp_next(sc);
        if (!dp_fixed(sc->next, 2) || !between(sc->next.value, 0, 24))
            return invalid;
        bool h24 = sc->next.value == 24;
        time_add(time, dp_next(sc).value);
        if (!dp_skip_symbol(sc, ':'))
            return invalid;
        if (!dp_fixed(sc->next, 2) || !between(sc->next.value, 0, 59) ||
            (h24 && sc->next.value > 0))
            return invalid;
        time_add(time, dp_next(sc).value);
        if (dp_skip_symbol(sc, ':')) {
            if (!dp_fixed(sc->next, 2) || !between(sc->next.value, 0, 59) ||
                (h24 && sc->next.value > 0))
                return invalid;
            time_add(time, dp_next(sc).value);
            if (dp_skip_symbol(sc, '.')) {
                if (sc->next.tag != DP_NUMBER || (h24 && sc->next.value > 0))
                    return invalid;
                time_add(time, dp_millis(dp_next(sc)));
            }
        }
        if (dp_is_z(sc->next)) {
            dp_next(sc);
            zone_set(tz, 0);
        } else if (dp_sign(sc->next)) {
            tz->sign = dp_next(sc).value == '+' ? 1 : -1;
            if (dp_fixed(sc->next, 4)) {
                int hm = dp_next(sc).value;
                if (!between(hm / 100, 0, 23) || !between(hm % 100, 0, 59))
                    return invalid;
                tz->hour = hm / 100;
                tz->minute = hm % 100;
            } else {
                if (!dp_fixed(sc->next, 2) || !between(sc->next.value, 0, 23))
                    return invalid;
                tz->hour = dp_next(sc).value;
                if (!dp_skip_symbol(sc, ':'))
                    return invalid;
                if (!dp_fixed(sc->next, 2) || !between(sc->next.value, 0, 59))
                    return invalid;
                tz->minute = dp_next(sc).value;
            }
        }
        if (sc->next.tag != DP_END)
            return invalid;
    }
    /* Date-only forms without an offset are UTC; date-time forms are local time. */
    if (tz->hour == DP_NONE && time->n == 0)
        zone_set(tz, 0);
    day->iso = true;
    struct dp_token end = {.tag = DP_END};
    return end;
}

static bool day_write(struct dp_day *d, int *year_out, int *month_out, int *day_out)
{
    if (d->n < 1)
        return false;
    while (d->n < 3)
        d->comp[d->n++] = 1;
    int year = 0, month, day;
    if (d->named_month == DP_NONE) {
        if (d->iso || (d->n == 3 && !between(d->comp[0], 1, 31))) {
            year = d->comp[0];
            month = d->comp[1];
            day = d->comp[2];
        } else {
            month = d->comp[0];
            day = d->comp[1];
            year = d->comp[2];
        }
    } else {
        month = d->named_month;
        if (!between(d->comp[0], 1, 31)) {
            year = d->comp[0];
            day = d->comp[1];
        } else {
            day = d->comp[0];
            year = d->comp[1];
        }
    }
    if (!d->iso) {
        if (between(year, 0, 49))
            year += 2000;
        else if (between(year, 50, 99))
            year += 1900;
    }
    if (!between(month, 1, 12) || !between(day, 1, 31))
        return false;
    *year_out = year;
    *month_out = month - 1;
    *day_out = day;
    return true;
}

static bool time_write(struct dp_time *t, int out[4])
{
    while (t->n < 4)
        t->comp[t->n++] = 0;
    int h = t->comp[0], m = t->comp[1], s = t->comp[2], ms = t->comp[3];
    if (t->hour_offset != DP_NONE) {
        if (!between(h, 0, 12))
            return false;
        h %= 12;
        h += t->hour_offset;
    }
    if (!between(h, 0, 23) || !between(m, 0, 59) || !between(s, 0, 59) || !between(ms, 0, 999)) {
        if (h != 24 || m != 0 || s != 0 || ms != 0)
            return false;
    }
    out[0] = h;
    out[1] = m;
    out[2] = s;
    out[3] = ms;
    return true;
}

/* Offset in seconds; *has = false when the text gave none. */
static bool zone_write(struct dp_zone *z, double *offset_s, bool *has)
{
    if (z->sign == DP_NONE) {
        *has = false;
        return true;
    }
    if (z->hour == DP_NONE)
        z->hour = 0;
    if (z->minute == DP_NONE)
        z->minute = 0;
    double total = (double)z->hour * 3600.0 + (double)z->minute * 60.0;
    if (total > 1073741823.0)
        return false;
    *offset_s = z->sign < 0 ? -total : total;
    *has = true;
    return true;
}

double jsval_date_parse(const char *s, size_t len)
{
    struct dp_scanner sc;
    memset(&sc, 0, sizeof(sc));
    sc.r.s = (const unsigned char *)s;
    sc.r.len = len;
    sc.r.next = 0;
    dp_advance(&sc.r);
    sc.next = dp_scan(&sc.r);

    struct dp_day day = {.n = 0, .named_month = DP_NONE, .iso = false};
    struct dp_time time = {.n = 0, .hour_offset = DP_NONE};
    struct dp_zone tz = {.sign = DP_NONE, .hour = DP_NONE, .minute = DP_NONE};

    struct dp_token tok = dp_iso(&sc, &day, &time, &tz);
    if (tok.tag == DP_INVALID)
        return NAN;
    bool has_number = day.n > 0;
    for (; tok.tag != DP_END; tok = dp_next(&sc)) {
        if (tok.tag == DP_NUMBER) {
            has_number = true;
            int n = tok.value;
            if (dp_skip_symbol(&sc, ':')) {
                if (dp_skip_symbol(&sc, ':')) {
                    if (time.n != 0)
                        return NAN;
                    time_add(&time, n);
                    time_add(&time, 0);
                } else {
                    if (!time_add(&time, n))
                        return NAN;
                    if (dp_is_symbol(sc.next, '.'))
                        dp_next(&sc);
                }
            } else if (dp_is_symbol(sc.next, '.') && time_expecting(&time, n)) {
                dp_next(&sc);
                time_add(&time, n);
                if (sc.next.tag != DP_NUMBER)
                    return NAN;
                int ms = dp_millis(dp_next(&sc));
                if (ms < 0)
                    return NAN;
                time_add_final(&time, ms);
            } else if (dp_is_symbol(sc.next, '.')) {
                /* V8 consumes the '.' even when it does not start milliseconds. */
                dp_next(&sc);
                if (zone_expecting(&tz, n)) {
                    tz.minute = n;
                } else if (time_expecting(&time, n)) {
                    time_add_final(&time, n);
                    struct dp_token p = sc.next;
                    if (p.tag != DP_END && p.tag != DP_SPACE && !dp_is_z(p) && !dp_sign(p))
                        return NAN;
                } else {
                    if (!day_add(&day, n))
                        return NAN;
                    dp_skip_symbol(&sc, '-');
                }
            } else if (zone_expecting(&tz, n)) {
                tz.minute = n;
            } else if (time_expecting(&time, n)) {
                time_add_final(&time, n);
                struct dp_token p = sc.next;
                if (p.tag != DP_END && p.tag != DP_SPACE && !dp_is_z(p) && !dp_sign(p))
                    return NAN;
            } else {
                if (!day_add(&day, n))
                    return NAN;
                dp_skip_symbol(&sc, '-');
            }
        } else if (tok.tag == DP_WORD) {
            if (tok.word == DP_W_AMPM && time.n != 0) {
                time.hour_offset = tok.value;
            } else if (tok.word == DP_W_MONTH) {
                day.named_month = tok.value;
                dp_skip_symbol(&sc, '-');
            } else if (tok.word == DP_W_ZONE && has_number) {
                zone_set(&tz, tok.value);
            } else {
                if (has_number)
                    return NAN;
                if (sc.next.tag == DP_NUMBER)
                    return NAN;
            }
        } else if (dp_sign(tok) && ((tz.hour == 0 && tz.minute == 0) || time.n != 0)) {
            tz.sign = tok.value == '-' ? -1 : 1;
            int n = 0, l = 0;
            if (sc.next.tag == DP_NUMBER) {
                struct dp_token num = dp_next(&sc);
                l = num.len;
                n = num.value;
            }
            has_number = true;
            if (dp_is_symbol(sc.next, ':')) {
                tz.hour = n;
                tz.minute = DP_NONE;
            } else if (l == 1 || l == 2) {
                tz.hour = n;
                tz.minute = 0;
            } else if (l == 3 || l == 4) {
                tz.hour = n / 100;
                tz.minute = n % 100;
            } else {
                return NAN;
            }
        } else if ((dp_sign(tok) || dp_is_symbol(tok, ')')) && has_number) {
            return NAN;
        }
    }

    int y, mo, d, t[4];
    double off = 0;
    bool has_off = false;
    if (!day_write(&day, &y, &mo, &d) || !time_write(&time, t) || !zone_write(&tz, &off, &has_off))
        return NAN;
    double ms_in_day = t[0] * 3600000.0 + t[1] * 60000.0 + t[2] * 1000.0 + t[3];
    double date = make_date(y, mo, d, ms_in_day);
    const double max_ms = 8.64e15;
    if (!has_off) {
        if (!(date >= -(max_ms + 864000000.0) && date <= max_ms + 864000000.0))
            return NAN;
        date = local_to_utc(date);
    } else {
        date -= off * 1000.0;
        if (!(date >= -max_ms && date <= max_ms))
            return NAN;
    }
    return jsval_time_clip(date);
}
