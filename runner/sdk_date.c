/* sdk_date.c — the hook API's dates as text (hs_datetime, see include/hookstack.h): reading ISO
 * 8601 / Salesforce forms and caller-given patterns (NetSuite's account formats such as
 * "M/D/YYYY" or "DD-Mon-YYYY", with an optional "h:mm am" time), and writing them back
 * (date_parse, date_format). The calendar, instants in a zone, day counts and "now" are
 * sdk_date_instant.c's. Every value is checked (years 1..9999, real month lengths) before it is
 * used. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "clock.h"
#include "json.h"
#include "sdk_internal.h"
#include "text.h"

#define FORMAT_MAX 128 /* tokens in a pattern */
#define FORMAT_OUT 256 /* bytes of a formatted date */
#define TEXT_ECHO  64  /* bytes of the text quoted in an error */

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
    bool ok = f->year >= SDK_DATE_YEAR_MIN && f->year <= SDK_DATE_YEAR_MAX && f->month >= 1 &&
              f->month <= 12 && f->day >= 1 && f->day <= sdk_date_month_days(f->year, f->month) &&
              f->minute <= 59 && f->second <= 59 && f->offset >= -SDK_DATE_OFFSET_MAX &&
              f->offset <= SDK_DATE_OFFSET_MAX;
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
        put(b, STRLIT("Z"));
        return;
    }
    put(b, minutes < 0 ? "-" : "+", 1);
    int a = minutes < 0 ? -minutes : minutes;
    put_num(b, a / 60, 2);
    if (colon)
        put(b, STRLIT(":"));
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
        put(b, STRLIT(" "));
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
    if (!sdk_date_valid(d))
        return sdk_date_invalid(ctx, "date_format");
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
