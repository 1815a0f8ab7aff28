/* sdk_date.c — the hook API's dates (hs_datetime, see include/hookstack.h): reading ISO 8601 /
 * Salesforce forms and caller-given patterns (NetSuite's account formats such as "M/D/YYYY" or
 * "DD-Mon-YYYY", with an optional "h:mm am" time), writing them back, instants as JavaScript
 * time values in an IANA zone (sdk_tz.c), whole calendar days between two values in a zone,
 * adding days, and "now" from the invocation (options.currentExportDateTime).
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

#define YEAR_MIN   1
#define YEAR_MAX   9999
#define MS_PER_DAY 86400000LL
#define OFFSET_MAX (23 * 60 + 59) /* minutes, as JavaScript accepts */
#define FORMAT_MAX 128            /* tokens in a pattern */
#define FORMAT_OUT 256            /* bytes of a formatted date */
#define TEXT_ECHO  64             /* bytes of the text quoted in an error */

/* ---- the calendar --------------------------------------------------------------------------- */

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
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

static bool dt_valid(const hs_datetime *d)
{
    return d && d->year >= YEAR_MIN && d->year <= YEAR_MAX && d->month >= 1 && d->month <= 12 &&
           d->day >= 1 && d->day <= month_days(d->year, d->month) && d->hour >= 0 &&
           d->hour <= 23 && d->minute >= 0 && d->minute <= 59 && d->second >= 0 &&
           d->second <= 59 && d->millisecond >= 0 && d->millisecond <= 999 &&
           d->offset_minutes >= -OFFSET_MAX && d->offset_minutes <= OFFSET_MAX &&
           (d->flags & ~(unsigned)(HS_DATETIME_HAS_TIME | HS_DATETIME_HAS_OFFSET)) == 0;
}

static hs_status invalid_value(hs_ctx *ctx, const char *call)
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
    if (y < YEAR_MIN || y > YEAR_MAX)
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

/* ---- reading: shared pieces ----------------------------------------------------------------- */

static const char *const month_names[12] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Reads between min and max digits at *p; -1 when fewer than min. */
static int read_digits(const char **p, int min, int max)
{
    int v = 0, n = 0;
    while (n < max && is_digit(**p)) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n >= min ? v : -1;
}

/* "Z", "z", "+hh", "+hhmm", "+hh:mm" (or "-") into minutes; false when none is there. */
static bool read_offset(const char **pp, int *minutes)
{
    const char *p = *pp;
    if (*p == 'Z' || *p == 'z') {
        *minutes = 0;
        *pp = p + 1;
        return true;
    }
    if (*p != '+' && *p != '-')
        return false;
    int sign = *p++ == '-' ? -1 : 1;
    int h = read_digits(&p, 2, 2);
    if (h < 0 || h > 23)
        return false;
    int mi = 0;
    if (*p == ':') {
        p++;
        if ((mi = read_digits(&p, 2, 2)) < 0)
            return false;
    } else if (is_digit(*p)) {
        if ((mi = read_digits(&p, 2, 2)) < 0)
            return false;
    }
    if (mi > 59)
        return false;
    *minutes = sign * (h * 60 + mi);
    *pp = p;
    return true;
}

/* Fields as read, before the checks. */
struct fields {
    int year, month, day, hour, minute, second, ms, offset;
    int ampm; /* 0 none, 1 am, 2 pm */
    bool has_time, has_offset, hour12;
};

/* Checks ranges and builds the value: HS_ERR_RANGE with a RangeError naming the text. */
static hs_status fields_finish(hs_ctx *ctx, const struct fields *f, const char *text,
                               hs_datetime *out)
{
    int hour = f->hour;
    bool ok = f->year >= YEAR_MIN && f->year <= YEAR_MAX && f->month >= 1 && f->month <= 12 &&
              f->day >= 1 && f->day <= month_days(f->year, f->month) && f->minute <= 59 &&
              f->second <= 59 && f->offset >= -OFFSET_MAX && f->offset <= OFFSET_MAX;
    if (f->hour12) {
        ok = ok && hour >= 1 && hour <= 12;
        hour = hour % 12 + (f->ampm == 2 ? 12 : 0);
    } else {
        ok = ok && hour <= 23;
    }
    if (!ok) {
        sdk_ctx_errorf(ctx, "RangeError", "\"%.*s\" is not a real date or time", TEXT_ECHO, text);
        return HS_ERR_RANGE;
    }
    unsigned flags =
        (f->has_time ? HS_DATETIME_HAS_TIME : 0u) | (f->has_offset ? HS_DATETIME_HAS_OFFSET : 0u);
    *out = (hs_datetime){.year = f->year,
                         .month = f->month,
                         .day = f->day,
                         .hour = f->has_time ? hour : 0,
                         .minute = f->has_time ? f->minute : 0,
                         .second = f->has_time ? f->second : 0,
                         .millisecond = f->has_time ? f->ms : 0,
                         .offset_minutes = f->has_offset ? f->offset : 0,
                         .flags = flags};
    return HS_OK;
}

static hs_status no_match(hs_ctx *ctx, const char *text, const char *format)
{
    sdk_ctx_errorf(ctx, "SyntaxError", "\"%.*s\" does not match the date format %s", TEXT_ECHO,
                   text, format ? format : "ISO 8601 (YYYY-MM-DD[THH:mm[:ss[.SSS]]][offset])");
    return HS_ERR_PARSE;
}

/* ---- reading ISO 8601 ----------------------------------------------------------------------- */

static bool iso_read(const char *p, struct fields *f)
{
    if ((f->year = read_digits(&p, 4, 4)) < 0 || *p++ != '-' ||
        (f->month = read_digits(&p, 2, 2)) < 0 || *p++ != '-' ||
        (f->day = read_digits(&p, 2, 2)) < 0)
        return false;
    if (*p == '\0')
        return true;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return false;
    p++;
    f->has_time = true;
    if ((f->hour = read_digits(&p, 2, 2)) < 0 || *p++ != ':' ||
        (f->minute = read_digits(&p, 2, 2)) < 0)
        return false;
    if (*p == ':') {
        p++;
        if ((f->second = read_digits(&p, 2, 2)) < 0)
            return false;
        if (*p == '.' || *p == ',') {
            p++;
            int n = 0, ms = 0;
            while (is_digit(*p)) {
                if (n < 3)
                    ms = ms * 10 + (*p - '0');
                n++;
                p++;
            }
            if (n == 0 || n > 9)
                return false;
            for (; n < 3; n++)
                ms *= 10;
            f->ms = ms;
        }
    }
    if (*p != '\0') {
        if (!read_offset(&p, &f->offset))
            return false;
        f->has_offset = true;
    }
    return *p == '\0';
}

/* ---- patterns ------------------------------------------------------------------------------- */

enum tok {
    T_LIT,   /* text[0..len) */
    T_SPACE, /* one or more spaces */
    T_YYYY,
    T_MM,
    T_M,
    T_DD,
    T_D,
    T_MON,   /* Jan (upper: JAN) */
    T_MONTH, /* January (upper: JANUARY) */
    T_HH,
    T_H,
    T_hh,
    T_h,
    T_mm,
    T_ss,
    T_SSS,
    T_a,   /* am / pm (upper: AM / PM) */
    T_Z,   /* +0100 */
    T_XXX, /* Z or +01:00 */
    T_OPT_BEGIN,
    T_OPT_END
};

struct token {
    enum tok kind;
    bool upper;
    const char *text;
    size_t len;
};

struct pattern {
    struct token t[FORMAT_MAX];
    size_t n;
};

static const struct {
    const char *name;
    enum tok kind;
    bool upper;
} token_names[] = {
    /* longest first where one name starts another */
    {"YYYY", T_YYYY, false}, {"Month", T_MONTH, false}, {"MONTH", T_MONTH, true},
    {"Mon", T_MON, false},   {"MON", T_MON, true},      {"MM", T_MM, false},
    {"M", T_M, false},       {"DD", T_DD, false},       {"D", T_D, false},
    {"HH", T_HH, false},     {"H", T_H, false},         {"hh", T_hh, false},
    {"h", T_h, false},       {"mm", T_mm, false},       {"ss", T_ss, false},
    {"SSS", T_SSS, false},   {"XXX", T_XXX, false},     {"Z", T_Z, false},
    {"a", T_a, false},       {"A", T_a, true},          {"T", T_LIT, false},
};

static bool is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Compiles a pattern and checks that it makes sense; *why says what is wrong. */
static bool pattern_compile(const char *f, struct pattern *pt, const char **why)
{
    bool opt = false, quoted = false, has_y = false, has_m = false, has_d = false, h24 = false,
         h12 = false, ampm = false, min = false, sec = false, msec = false;
    pt->n = 0;
    for (const char *p = f; *p;) {
        if (pt->n == FORMAT_MAX) {
            *why = "it is too long";
            return false;
        }
        struct token *t = &pt->t[pt->n];
        *t = (struct token){.kind = T_LIT, .text = p, .len = 1};
        if (*p == '\'' && p[1] == '\'') { /* '' is a quote, inside quotes or not */
            p += 2;
        } else if (*p == '\'') { /* a quote opens or closes literal text */
            quoted = !quoted;
            p++;
            continue;
        } else if (quoted) {
            const char *q = p;
            while (*q && *q != '\'')
                q++;
            t->len = (size_t)(q - p);
            p = q;
        } else if (*p == '[' || *p == ']') {
            if ((*p == '[') == opt) {
                *why = opt ? "optional parts do not nest" : "a ']' closes nothing";
                return false;
            }
            opt = *p == '[';
            t->kind = opt ? T_OPT_BEGIN : T_OPT_END;
            p++;
        } else if (*p == ' ') {
            t->kind = T_SPACE;
            while (*p == ' ')
                p++;
        } else if (is_alpha(*p)) {
            size_t k = 0, nk = sizeof(token_names) / sizeof(token_names[0]);
            for (; k < nk; k++)
                if (strncmp(p, token_names[k].name, strlen(token_names[k].name)) == 0)
                    break;
            if (k == nk) {
                *why = "it has a letter that is not a token (quote literal text: 'at')";
                return false;
            }
            t->kind = token_names[k].kind;
            t->upper = token_names[k].upper;
            p += strlen(token_names[k].name);
            switch (t->kind) {
            case T_YYYY:
                has_y = true;
                break;
            case T_MM:
            case T_M:
            case T_MON:
            case T_MONTH:
                has_m = true;
                break;
            case T_DD:
            case T_D:
                has_d = true;
                break;
            case T_HH:
            case T_H:
                h24 = true;
                break;
            case T_hh:
            case T_h:
                h12 = true;
                break;
            case T_a:
                ampm = true;
                break;
            case T_mm:
                min = true;
                break;
            case T_ss:
                sec = true;
                break;
            case T_SSS:
                msec = true;
                break;
            default:
                break;
            }
        } else {
            p++;
        }
        pt->n++;
    }
    *why = quoted                ? "a quote is not closed"
           : opt                 ? "an optional part is not closed"
           : !has_y              ? "it has no year (YYYY)"
           : !has_m              ? "it has no month (M, MM, Mon or Month)"
           : !has_d              ? "it has no day (D or DD)"
           : h24 && h12          ? "it mixes a 24-hour (H) and a 12-hour (h) hour"
           : h12 && !ampm        ? "a 12-hour hour (h) needs am/pm (a): the time would be a guess"
           : ampm && !h12        ? "am/pm (a) needs a 12-hour hour (h)"
           : min && !h24 && !h12 ? "minutes (mm) need an hour"
           : sec && !min         ? "seconds (ss) need minutes (mm)"
           : msec && !sec        ? "milliseconds (SSS) need seconds (ss)"
                                 : NULL;
    return *why == NULL;
}

static bool bad_pattern(hs_ctx *ctx, const char *format, const char *why)
{
    sdk_ctx_errorf(ctx, "TypeError", "date format \"%.64s\" is not usable: %s", format, why);
    return false;
}

/* Reads one token at *pp into f; false when the text does not match. */
static bool token_read(const struct token *t, const char **pp, struct fields *f)
{
    const char *p = *pp;
    int v = 0;
    switch (t->kind) {
    case T_LIT:
        for (size_t i = 0; i < t->len; i++) {
            char want = t->text[i], got = p[i];
            if (got == '\0' || (got != want && !(want == 'T' && got == 't')))
                return false;
        }
        p += t->len;
        break;
    case T_SPACE:
        if (*p != ' ')
            return false;
        while (*p == ' ')
            p++;
        break;
    case T_YYYY:
        v = f->year = read_digits(&p, 4, 4);
        break;
    case T_MM:
    case T_M:
        v = f->month = read_digits(&p, t->kind == T_MM ? 2 : 1, 2);
        break;
    case T_DD:
    case T_D:
        v = f->day = read_digits(&p, t->kind == T_DD ? 2 : 1, 2);
        break;
    case T_MON:
    case T_MONTH: {
        int found = 0;
        size_t best = 0;
        for (int m = 0; m < 12; m++) {
            size_t n = t->kind == T_MON ? 3 : strlen(month_names[m]);
            size_t i = 0;
            while (i < n && p[i] && lower(p[i]) == lower(month_names[m][i]))
                i++;
            if (i == n && n > best) {
                best = n;
                found = m + 1;
            }
        }
        if (!found)
            return false;
        f->month = found;
        p += best;
        break;
    }
    case T_HH:
    case T_H:
    case T_hh:
    case T_h:
        v = f->hour = read_digits(&p, t->kind == T_HH || t->kind == T_hh ? 2 : 1, 2);
        f->has_time = true;
        f->hour12 = t->kind == T_hh || t->kind == T_h;
        break;
    case T_mm:
        v = f->minute = read_digits(&p, 2, 2);
        break;
    case T_ss:
        v = f->second = read_digits(&p, 2, 2);
        break;
    case T_SSS:
        v = f->ms = read_digits(&p, 3, 3);
        break;
    case T_a: {
        char c = lower(*p);
        if (c != 'a' && c != 'p')
            return false;
        f->ampm = c == 'a' ? 1 : 2;
        p++;
        if (*p == '.') { /* a.m. */
            if (lower(p[1]) != 'm' || p[2] != '.')
                return false;
            p += 3;
        } else if (lower(*p) == 'm') {
            p++;
        } else {
            return false;
        }
        break;
    }
    case T_Z:
    case T_XXX:
        if (!read_offset(&p, &f->offset))
            return false;
        f->has_offset = true;
        break;
    case T_OPT_BEGIN:
    case T_OPT_END:
        break;
    }
    if (v < 0)
        return false;
    *pp = p;
    return true;
}

static bool pattern_read(const struct pattern *pt, const char *text, struct fields *f)
{
    const char *p = text;
    for (size_t i = 0; i < pt->n; i++) {
        if (pt->t[i].kind != T_OPT_BEGIN) {
            if (!token_read(&pt->t[i], &p, f))
                return false;
            continue;
        }
        /* An optional part: read it whole, or restore and skip it. */
        struct fields saved = *f;
        const char *at = p;
        size_t end = i + 1;
        while (pt->t[end].kind != T_OPT_END)
            end++;
        bool ok = true;
        for (size_t k = i + 1; k < end && ok; k++)
            ok = token_read(&pt->t[k], &p, f);
        if (!ok) {
            *f = saved;
            p = at;
        }
        i = end;
    }
    return *p == '\0';
}

hs_status sdk_date_parse(hs_ctx *ctx, const char *text, const char *format, hs_datetime *out)
{
    if (!text || !out) {
        sdk_ctx_errorf(ctx, "TypeError", "date_parse needs text and a place for the result");
        return HS_ERR_INVALID;
    }
    struct fields f = {0};
    if (!format) {
        if (!iso_read(text, &f))
            return no_match(ctx, text, NULL);
        return fields_finish(ctx, &f, text, out);
    }
    struct pattern pt;
    const char *why;
    if (!pattern_compile(format, &pt, &why)) {
        bad_pattern(ctx, format, why);
        return HS_ERR_INVALID;
    }
    if (!pattern_read(&pt, text, &f))
        return no_match(ctx, text, format);
    return fields_finish(ctx, &f, text, out);
}

/* ---- writing -------------------------------------------------------------------------------- */

struct outbuf {
    char s[FORMAT_OUT];
    size_t n;
    bool full;
};

static void put(struct outbuf *b, const char *s, size_t n)
{
    if (b->n + n >= sizeof(b->s)) {
        b->full = true;
        return;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
}

static void put_num(struct outbuf *b, int v, int width)
{
    char tmp[12];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0 || n < width);
    while (n > 0)
        put(b, &tmp[--n], 1);
}

static void put_offset(struct outbuf *b, int minutes, bool colon, bool zulu)
{
    if (minutes == 0 && zulu) {
        put(b, "Z", 1);
        return;
    }
    put(b, minutes < 0 ? "-" : "+", 1);
    int a = minutes < 0 ? -minutes : minutes;
    put_num(b, a / 60, 2);
    if (colon)
        put(b, ":", 1);
    put_num(b, a % 60, 2);
}

static void put_name(struct outbuf *b, const char *name, size_t n, bool upper)
{
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (upper && c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        put(b, &c, 1);
    }
}

/* What a token needs of the value: 0 nothing, HAS_TIME, HAS_OFFSET. */
static unsigned token_needs(enum tok k)
{
    switch (k) {
    case T_HH:
    case T_H:
    case T_hh:
    case T_h:
    case T_mm:
    case T_ss:
    case T_SSS:
    case T_a:
        return HS_DATETIME_HAS_TIME;
    case T_Z:
    case T_XXX:
        return HS_DATETIME_HAS_OFFSET;
    default:
        return 0;
    }
}

static void token_write(const struct token *t, const hs_datetime *d, struct outbuf *b)
{
    int h12 = d->hour % 12 == 0 ? 12 : d->hour % 12;
    switch (t->kind) {
    case T_LIT:
        put(b, t->text, t->len);
        break;
    case T_SPACE:
        put(b, " ", 1);
        break;
    case T_YYYY:
        put_num(b, d->year, 4);
        break;
    case T_MM:
    case T_M:
        put_num(b, d->month, t->kind == T_MM ? 2 : 1);
        break;
    case T_DD:
    case T_D:
        put_num(b, d->day, t->kind == T_DD ? 2 : 1);
        break;
    case T_MON:
        put_name(b, month_names[d->month - 1], 3, t->upper);
        break;
    case T_MONTH:
        put_name(b, month_names[d->month - 1], strlen(month_names[d->month - 1]), t->upper);
        break;
    case T_HH:
    case T_H:
        put_num(b, d->hour, t->kind == T_HH ? 2 : 1);
        break;
    case T_hh:
    case T_h:
        put_num(b, h12, t->kind == T_hh ? 2 : 1);
        break;
    case T_mm:
        put_num(b, d->minute, 2);
        break;
    case T_ss:
        put_num(b, d->second, 2);
        break;
    case T_SSS:
        put_num(b, d->millisecond, 3);
        break;
    case T_a:
        put(b, d->hour < 12 ? (t->upper ? "AM" : "am") : (t->upper ? "PM" : "pm"), 2);
        break;
    case T_Z:
        put_offset(b, d->offset_minutes, false, false);
        break;
    case T_XXX:
        put_offset(b, d->offset_minutes, true, true);
        break;
    case T_OPT_BEGIN:
    case T_OPT_END:
        break;
    }
}

hs_status sdk_date_format(hs_ctx *ctx, const hs_datetime *d, const char *format, const char **out)
{
    if (!ctx || !out)
        return HS_ERR_INVALID;
    if (!dt_valid(d))
        return invalid_value(ctx, "date_format");
    if (!format)
        format = !(d->flags & HS_DATETIME_HAS_TIME)     ? HS_DATE_FORMAT_ISO_DATE
                 : !(d->flags & HS_DATETIME_HAS_OFFSET) ? "YYYY-MM-DDTHH:mm:ss.SSS"
                                                        : HS_DATE_FORMAT_ISO;
    struct pattern pt;
    const char *why;
    if (!pattern_compile(format, &pt, &why)) {
        bad_pattern(ctx, format, why);
        return HS_ERR_INVALID;
    }
    struct outbuf b = {.n = 0};
    for (size_t i = 0; i < pt.n; i++) {
        if (pt.t[i].kind == T_OPT_BEGIN) {
            size_t end = i + 1;
            unsigned need = 0;
            while (pt.t[end].kind != T_OPT_END)
                need |= token_needs(pt.t[end++].kind);
            if ((d->flags & need) == need)
                for (size_t k = i + 1; k < end; k++)
                    token_write(&pt.t[k], d, &b);
            i = end;
            continue;
        }
        unsigned need = token_needs(pt.t[i].kind);
        if ((d->flags & need) != need) {
            sdk_ctx_errorf(ctx, "TypeError",
                           "date format \"%.64s\" needs %s, which the value lacks", format,
                           need == HS_DATETIME_HAS_TIME ? "a time" : "a UTC offset");
            return HS_ERR_INVALID;
        }
        token_write(&pt.t[i], d, &b);
    }
    if (b.full) {
        sdk_ctx_errorf(ctx, "RangeError", "date format \"%.64s\" writes more than %d bytes", format,
                       FORMAT_OUT - 1);
        return HS_ERR_INVALID;
    }
    char *s = arena_strndup(ctx->a, b.s, b.n);
    if (!s) {
        sdk_ctx_error_set(ctx, "RangeError", NULL);
        return HS_ERR_NOMEM;
    }
    *out = s;
    return HS_OK;
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
    if (!dt_valid(d))
        return invalid_value(ctx, "date_to_ms");
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
    if (!dt_valid(from) || !dt_valid(to))
        return invalid_value(ctx, "date_days_between");
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
    if (!dt_valid(d))
        return invalid_value(ctx, "date_add_days");
    int64_t day = days_from_civil(d->year, d->month, d->day);
    if (days > 4000000 || days < -4000000) { /* past any year 1..9999 */
        sdk_ctx_errorf(ctx, "RangeError", "date_add_days: %lld days leaves years 1..9999",
                       (long long)days);
        return HS_ERR_RANGE;
    }
    int64_t y;
    int m, dd;
    civil_from_days(day + days, &y, &m, &dd);
    if (y < YEAR_MIN || y > YEAR_MAX) {
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
        v = json_object_get(o, "currentExportDateTime", 21);
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
