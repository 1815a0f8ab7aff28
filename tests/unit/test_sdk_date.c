/* test_sdk_date.c — the hook API's dates (runner/sdk_date.c, runner/sdk_tz.c), called through the
 * hs_api table as a module calls them: ISO 8601 and Salesforce forms, NetSuite account patterns
 * (month/day order never guessed, 12-hour times, optional parts), writing back, leap years,
 * impossible dates, instants in IANA zones across DST changes (skipped and repeated wall times,
 * past the zone files' last listed transition), whole days between values in a zone, adding
 * days, JSON values, "now" from options.currentExportDateTime, and the descriptions a failure
 * records on the context. Zones come from the system's tz database (tzdata). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sdk_internal.h"
#include "unit/sdk_test_ctx.h"

static const hs_api *api;
static struct arena *arena;
static hs_ctx *ctx;

static int setup(void **state)
{
    (void)state;
    api = sdk_api();
    arena = arena_new(64 * 1024, 0);
    ctx = arena ? sdk_test_ctx(arena, sdk_test_json(arena, "{}")) : NULL;
    return ctx ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(arena);
    return 0;
}

static const char *last_error(const char **name)
{
    const char *m = api->ctx_last_error(ctx, name);
    assert_non_null(m);
    return m;
}

static hs_datetime parse(const char *text, const char *format)
{
    hs_datetime d;
    hs_status st = api->date_parse(ctx, text, format, &d);
    if (st != HS_OK)
        fprintf(stderr, "parse \"%s\" with %s: %s (%s)\n", text, format ? format : "ISO",
                hs_status_name(st), api->ctx_last_error(ctx, NULL));
    assert_int_equal(st, HS_OK);
    return d;
}

static const char *fmt(const hs_datetime *d, const char *format)
{
    const char *out = NULL;
    hs_status st = api->date_format(ctx, d, format, &out);
    if (st != HS_OK)
        fprintf(stderr, "format with %s: %s (%s)\n", format ? format : "ISO", hs_status_name(st),
                api->ctx_last_error(ctx, NULL));
    assert_int_equal(st, HS_OK);
    return out;
}

/* Parses text with format and checks every field through its ISO text. */
static void expect(const char *text, const char *format, const char *iso, unsigned flags)
{
    hs_datetime d = parse(text, format);
    if (strcmp(fmt(&d, NULL), iso) != 0)
        fprintf(stderr, "\"%s\" with %s: %s, want %s\n", text, format ? format : "ISO",
                fmt(&d, NULL), iso);
    assert_string_equal(fmt(&d, NULL), iso);
    assert_int_equal(d.flags, flags);
}

static void expect_fails(const char *text, const char *format, hs_status want)
{
    hs_datetime d = {.year = 1999, .month = 1, .day = 1};
    hs_status st = api->date_parse(ctx, text, format, &d);
    if (st != want)
        fprintf(stderr, "\"%s\" with %s: %s\n", text, format ? format : "ISO", hs_status_name(st));
    assert_int_equal(st, want);
    assert_int_equal(d.year, 1999); /* unchanged */
}

#define TIME   HS_DATETIME_HAS_TIME
#define OFFSET HS_DATETIME_HAS_OFFSET

static void test_iso(void **state)
{
    (void)state;
    expect("2024-03-05", NULL, "2024-03-05", 0);
    expect("2024-03-05T14:03:00.000+0000", NULL, "2024-03-05T14:03:00.000Z", TIME | OFFSET);
    expect("2020-12-22T21:16:01Z", NULL, "2020-12-22T21:16:01.000Z", TIME | OFFSET);
    expect("2011-12-15T16:54:12.000-08:00", NULL, "2011-12-15T16:54:12.000-08:00", TIME | OFFSET);
    expect("2024-03-05T14:03:00.5+01:00", NULL, "2024-03-05T14:03:00.500+01:00", TIME | OFFSET);
    expect("2024-03-05T14:03:00.123456789z", NULL, "2024-03-05T14:03:00.123Z", TIME | OFFSET);
    expect("2024-03-05T14:03:00,25+05", NULL, "2024-03-05T14:03:00.250+05:00", TIME | OFFSET);
    expect("2024-03-05T14:03+0530", NULL, "2024-03-05T14:03:00.000+05:30", TIME | OFFSET);
    expect("2024-03-05T14:03", NULL, "2024-03-05T14:03:00.000", TIME);
    expect("2024-03-05 14:03:09", NULL, "2024-03-05T14:03:09.000", TIME);
    expect("2024-03-05t00:00:00-00:00", NULL, "2024-03-05T00:00:00.000Z", TIME | OFFSET);
    /* Leap years. */
    expect("2024-02-29", NULL, "2024-02-29", 0);
    expect("2000-02-29", NULL, "2000-02-29", 0);
    expect("0001-01-01", NULL, "0001-01-01", 0);
    expect("9999-12-31T23:59:59.999Z", NULL, "9999-12-31T23:59:59.999Z", TIME | OFFSET);
    expect_fails("2023-02-29", NULL, HS_ERR_RANGE);
    const char *name;
    assert_string_equal(last_error(&name), "\"2023-02-29\" is not a real date or time");
    assert_string_equal(name, "RangeError");
    expect_fails("2100-02-29", NULL, HS_ERR_RANGE);
    expect_fails("2024-04-31", NULL, HS_ERR_RANGE);
    expect_fails("2024-13-01", NULL, HS_ERR_RANGE);
    expect_fails("2024-00-10", NULL, HS_ERR_RANGE);
    expect_fails("2024-01-00", NULL, HS_ERR_RANGE);
    expect_fails("0000-01-01", NULL, HS_ERR_RANGE);
    expect_fails("2024-03-05T24:00", NULL, HS_ERR_RANGE);
    expect_fails("2024-03-05T23:60", NULL, HS_ERR_RANGE);
    expect_fails("2024-03-05T10:00:60", NULL, HS_ERR_RANGE);
    /* Not ISO 8601. */
    expect_fails("", NULL, HS_ERR_PARSE);
    assert_string_equal(last_error(&name), "\"\" does not match the date format ISO 8601 "
                                           "(YYYY-MM-DD[THH:mm[:ss[.SSS]]][offset])");
    assert_string_equal(name, "SyntaxError");
    expect_fails("2024-3-5", NULL, HS_ERR_PARSE);
    expect_fails("20240305", NULL, HS_ERR_PARSE);
    expect_fails("2024-03-05T", NULL, HS_ERR_PARSE);
    expect_fails("2024-03-05Z", NULL, HS_ERR_PARSE);
    expect_fails("2024-03-05T10", NULL, HS_ERR_PARSE);
    expect_fails("2024-03-05T10:00:00.Z", NULL, HS_ERR_PARSE);
    expect_fails("2024-03-05T10:00:00.1234567890Z", NULL, HS_ERR_PARSE);
    expect_fails("2024-03-05T10:00+0100x", NULL, HS_ERR_PARSE);
    expect_fails("2024-03-05T10:00+01:75", NULL, HS_ERR_PARSE);
    expect_fails("2024-03-05T10:00+24:00", NULL, HS_ERR_PARSE);
    expect_fails("2024-03-05T10:00+1", NULL, HS_ERR_PARSE);
    expect_fails(" 2024-03-05", NULL, HS_ERR_PARSE);
    expect_fails("2024-03-05 ", NULL, HS_ERR_PARSE);
    expect_fails("+002024-03-05", NULL, HS_ERR_PARSE);
    hs_datetime d;
    assert_int_equal(api->date_parse(ctx, NULL, NULL, &d), HS_ERR_INVALID);
    assert_int_equal(api->date_parse(ctx, "2024-03-05", NULL, NULL), HS_ERR_INVALID);
    /* Without a context nothing is recorded, and the status is the same. */
    assert_int_equal(api->date_parse(NULL, "2024-02-30", NULL, &d), HS_ERR_RANGE);
}

static void test_patterns(void **state)
{
    (void)state;
    /* The same text, two account formats: never guessed. */
    expect("3/5/2024", "M/D/YYYY", "2024-03-05", 0);
    expect("3/5/2024", "D/M/YYYY", "2024-05-03", 0);
    expect("1/15/2024", "M/D/YYYY", "2024-01-15", 0);
    expect_fails("1/15/2024", "D/M/YYYY", HS_ERR_RANGE);
    expect("22/7/2013", "D/M/YYYY", "2013-07-22", 0);
    expect("03/05/2024", "MM/DD/YYYY", "2024-03-05", 0);
    expect("03/05/2024", "M/D/YYYY", "2024-03-05", 0);
    expect_fails("3/5/2024", "MM/DD/YYYY", HS_ERR_PARSE);
    expect("05.03.2024", "DD.MM.YYYY", "2024-03-05", 0);
    expect("5.3.2024", "D.M.YYYY", "2024-03-05", 0);
    expect("2024/03/05", "YYYY/MM/DD", "2024-03-05", 0);
    expect("2024-03-05", "YYYY-MM-DD", "2024-03-05", 0);
    expect("05-Mar-2024", "DD-Mon-YYYY", "2024-03-05", 0);
    expect("05-MAR-2024", "DD-Mon-YYYY", "2024-03-05", 0);
    expect("5-sep-2024", "D-MON-YYYY", "2024-09-05", 0);
    expect("5-March-2024", "D-MONTH-YYYY", "2024-03-05", 0);
    expect("5 may, 2024", "D Month, YYYY", "2024-05-05", 0);
    expect("29-Feb-2024", "DD-Mon-YYYY", "2024-02-29", 0);
    expect_fails("05-Mrz-2024", "DD-Mon-YYYY", HS_ERR_PARSE);
    expect_fails("29-Feb-2023", "DD-Mon-YYYY", HS_ERR_RANGE);
    expect_fails("3/5/24", "M/D/YYYY", HS_ERR_PARSE);
    expect_fails("3/5/2024x", "M/D/YYYY", HS_ERR_PARSE);
    expect_fails("3-5-2024", "M/D/YYYY", HS_ERR_PARSE);
    const char *name;
    assert_string_equal(last_error(&name), "\"3-5-2024\" does not match the date format M/D/YYYY");
    /* Times: 12-hour with am/pm, 24-hour. */
    expect("3/5/2024 2:03 pm", "M/D/YYYY h:mm a", "2024-03-05T14:03:00.000", TIME);
    expect("3/5/2024 2:03 PM", "M/D/YYYY h:mm a", "2024-03-05T14:03:00.000", TIME);
    expect("3/5/2024 2:03 a.m.", "M/D/YYYY h:mm a", "2024-03-05T02:03:00.000", TIME);
    expect("3/5/2024 12:00 am", "M/D/YYYY h:mm a", "2024-03-05T00:00:00.000", TIME);
    expect("3/5/2024 12:30 pm", "M/D/YYYY h:mm a", "2024-03-05T12:30:00.000", TIME);
    expect("3/5/2024    11:59:59 pm", "M/D/YYYY hh:mm:ss A", "2024-03-05T23:59:59.000", TIME);
    expect_fails("3/5/2024 13:00 pm", "M/D/YYYY h:mm a", HS_ERR_RANGE);
    expect_fails("3/5/2024 0:30 am", "M/D/YYYY h:mm a", HS_ERR_RANGE);
    expect_fails("3/5/2024 2:03 xm", "M/D/YYYY h:mm a", HS_ERR_PARSE);
    expect_fails("3/5/2024 2:03", "M/D/YYYY h:mm a", HS_ERR_PARSE);
    expect("22/7/2013 8:05", "D/M/YYYY H:mm", "2013-07-22T08:05:00.000", TIME);
    expect("2017-05-27 8:56:10", "YYYY-MM-DD H:mm:ss", "2017-05-27T08:56:10.000", TIME);
    expect("2017-05-27 0:00:00", "YYYY-MM-DD H:mm:ss", "2017-05-27T00:00:00.000", TIME);
    expect("3/5/2024 at 14:03", "M/D/YYYY 'at' HH:mm", "2024-03-05T14:03:00.000", TIME);
    expect("it's 3/5/2024", "'it''s' M/D/YYYY", "2024-03-05", 0);
    /* An optional part. */
    expect("3/5/2024", "M/D/YYYY[ h:mm a]", "2024-03-05", 0);
    expect("3/5/2024 2:03 pm", "M/D/YYYY[ h:mm a]", "2024-03-05T14:03:00.000", TIME);
    expect_fails("3/5/2024 2:03", "M/D/YYYY[ h:mm a]", HS_ERR_PARSE);
    /* Offsets and the Salesforce pattern. */
    expect("2024-03-05T14:03:00.000+0000", HS_DATE_FORMAT_SALESFORCE, "2024-03-05T14:03:00.000Z",
           TIME | OFFSET);
    expect("2024-03-05T14:03:00.000-08:00", HS_DATE_FORMAT_ISO, "2024-03-05T14:03:00.000-08:00",
           TIME | OFFSET);
    expect("2024-03-05T14:03:00.000Z", HS_DATE_FORMAT_ISO, "2024-03-05T14:03:00.000Z",
           TIME | OFFSET);
    expect_fails("2024-03-05T14:03:00.000", HS_DATE_FORMAT_ISO, HS_ERR_PARSE);
    expect_fails("2024-03-05X14:03:00.000Z", HS_DATE_FORMAT_ISO, HS_ERR_PARSE);
}

static void expect_bad_pattern(const char *format, const char *why)
{
    hs_datetime d;
    assert_int_equal(api->date_parse(ctx, "3/5/2024", format, &d), HS_ERR_INVALID);
    char want[256];
    snprintf(want, sizeof(want), "date format \"%s\" is not usable: %s", format, why);
    const char *name;
    assert_string_equal(last_error(&name), want);
    assert_string_equal(name, "TypeError");
    const char *out = NULL;
    hs_datetime ok = {.year = 2024, .month = 3, .day = 5};
    assert_int_equal(api->date_format(ctx, &ok, format, &out), HS_ERR_INVALID);
    assert_null(out);
}

static void test_bad_patterns(void **state)
{
    (void)state;
    expect_bad_pattern("M/D/YY", "it has a letter that is not a token (quote literal text: 'at')");
    expect_bad_pattern("M/D", "it has no year (YYYY)");
    expect_bad_pattern("D/YYYY", "it has no month (M, MM, Mon or Month)");
    expect_bad_pattern("M/YYYY", "it has no day (D or DD)");
    expect_bad_pattern("M/D/YYYY h:mm",
                       "a 12-hour hour (h) needs am/pm (a): the time would be a guess");
    expect_bad_pattern("M/D/YYYY HH:mm a", "am/pm (a) needs a 12-hour hour (h)");
}

static void test_bad_patterns_more(void **state)
{
    (void)state;
    expect_bad_pattern("M/D/YYYY H:mm a", "am/pm (a) needs a 12-hour hour (h)");
    expect_bad_pattern("M/D/YYYY mm", "minutes (mm) need an hour");
    expect_bad_pattern("M/D/YYYY HH:ss", "seconds (ss) need minutes (mm)");
    expect_bad_pattern("M/D/YYYY HH:mm.SSS", "milliseconds (SSS) need seconds (ss)");
    expect_bad_pattern("[M/D/YYYY", "an optional part is not closed");
    expect_bad_pattern("M/D/YYYY]", "a ']' closes nothing");
    expect_bad_pattern("M/D/YYYY[[ H]]", "optional parts do not nest");
    expect_bad_pattern("M/D/YYYY 'at", "a quote is not closed");
    expect_bad_pattern("M/D/YYYY H h a", "it mixes a 24-hour (H) and a 12-hour (h) hour");
}

static void test_format(void **state)
{
    (void)state;
    hs_datetime date = parse("2024-03-05", NULL);
    hs_datetime pm = parse("3/5/2024 2:03 pm", "M/D/YYYY h:mm a");
    hs_datetime inst = parse("2024-03-05T14:03:09.007+01:00", NULL);
    hs_datetime utc = parse("2024-03-05T14:03:00Z", NULL);
    assert_string_equal(fmt(&date, NULL), "2024-03-05");
    assert_string_equal(fmt(&pm, NULL), "2024-03-05T14:03:00.000");
    assert_string_equal(fmt(&inst, NULL), "2024-03-05T14:03:09.007+01:00");
    assert_string_equal(fmt(&utc, NULL), "2024-03-05T14:03:00.000Z");
    assert_string_equal(fmt(&utc, HS_DATE_FORMAT_SALESFORCE), "2024-03-05T14:03:00.000+0000");
    assert_string_equal(fmt(&inst, HS_DATE_FORMAT_SALESFORCE), "2024-03-05T14:03:09.007+0100");
    assert_string_equal(fmt(&date, "M/D/YYYY"), "3/5/2024");
    assert_string_equal(fmt(&date, "D/M/YYYY"), "5/3/2024");
    assert_string_equal(fmt(&date, "MM/DD/YYYY"), "03/05/2024");
    assert_string_equal(fmt(&date, "DD-Mon-YYYY"), "05-Mar-2024");
    assert_string_equal(fmt(&date, "DD-MON-YYYY"), "05-MAR-2024");
    assert_string_equal(fmt(&date, "D MONTH, YYYY"), "5 MARCH, 2024");
    assert_string_equal(fmt(&date, "D Month YYYY"), "5 March 2024");
    assert_string_equal(fmt(&date, "'day' D 'of' Month YYYY"), "day 5 of March 2024");
    assert_string_equal(fmt(&date, "'it''s' YYYY-MM-DD''"), "it's 2024-03-05'");
    assert_string_equal(fmt(&pm, "M/D/YYYY h:mm a"), "3/5/2024 2:03 pm");
    assert_string_equal(fmt(&pm, "M/D/YYYY hh:mm A"), "3/5/2024 02:03 PM");
    assert_string_equal(fmt(&pm, "M/D/YYYY H:mm"), "3/5/2024 14:03");
    hs_datetime midnight = parse("2024-03-05T00:05", NULL), noon = parse("2024-03-05T12:05", NULL);
    assert_string_equal(fmt(&midnight, "h:mm a M/D/YYYY"), "12:05 am 3/5/2024");
    assert_string_equal(fmt(&noon, "h:mm a M/D/YYYY"), "12:05 pm 3/5/2024");
    /* Optional parts print when the value has what they use. */
    assert_string_equal(fmt(&date, "M/D/YYYY[ h:mm a]"), "3/5/2024");
    assert_string_equal(fmt(&pm, "M/D/YYYY[ h:mm a]"), "3/5/2024 2:03 pm");
    assert_string_equal(fmt(&pm, "YYYY-MM-DDTHH:mm[XXX]"), "2024-03-05T14:03");
    assert_string_equal(fmt(&inst, "YYYY-MM-DDTHH:mm[XXX]"), "2024-03-05T14:03+01:00");
    hs_datetime y5 = {.year = 5, .month = 1, .day = 2};
    assert_string_equal(fmt(&y5, NULL), "0005-01-02");
    hs_datetime neg = parse("2024-03-05T14:03:00-09:30", NULL);
    assert_string_equal(fmt(&neg, "YYYY-MM-DD HH:mm Z XXX"), "2024-03-05 14:03 -0930 -09:30");
    /* What the value lacks. */
    const char *out = NULL;
    assert_int_equal(api->date_format(ctx, &date, "M/D/YYYY h:mm a", &out), HS_ERR_INVALID);
    const char *name;
    assert_string_equal(last_error(&name),
                        "date format \"M/D/YYYY h:mm a\" needs a time, which the value lacks");
    assert_int_equal(api->date_format(ctx, &pm, HS_DATE_FORMAT_SALESFORCE, &out), HS_ERR_INVALID);
    assert_string_equal(last_error(&name), "date format \"YYYY-MM-DDTHH:mm:ss.SSSZ\" needs a UTC "
                                           "offset, which the value lacks");
    assert_null(out);
    /* Invalid values and arguments. */
    hs_datetime bad = {.year = 2023, .month = 2, .day = 29};
    assert_int_equal(api->date_format(ctx, &bad, NULL, &out), HS_ERR_INVALID);
    assert_string_equal(last_error(&name), "date_format: not a valid hs_datetime");
    bad = (hs_datetime){.year = 2024, .month = 3, .day = 5, .flags = 8};
    assert_int_equal(api->date_format(ctx, &bad, NULL, &out), HS_ERR_INVALID);
    bad = (hs_datetime){.year = 2024, .month = 3, .day = 5, .offset_minutes = 24 * 60};
    assert_int_equal(api->date_format(ctx, &bad, NULL, &out), HS_ERR_INVALID);
    assert_int_equal(api->date_format(ctx, NULL, NULL, &out), HS_ERR_INVALID);
    assert_int_equal(api->date_format(NULL, &date, NULL, &out), HS_ERR_INVALID);
    assert_int_equal(api->date_format(ctx, &date, NULL, NULL), HS_ERR_INVALID);
    /* A pattern that writes too much, and one with too many tokens. */
    char longfmt[600];
    memset(longfmt, 'x', sizeof(longfmt));
    longfmt[0] = '\'';
    strcpy(longfmt + 300, "'YYYYMMDD");
    assert_int_equal(api->date_format(ctx, &date, longfmt, &out), HS_ERR_INVALID);
    assert_string_equal(last_error(&name),
                        "date format \"'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                        "xxxxxxxxxxxxxxxxxxxxxx\" writes more than 255 bytes");
    memset(longfmt, '-', 300);
    strcpy(longfmt + 300, "YYYYMMDD");
    assert_int_equal(api->date_format(ctx, &date, longfmt, &out), HS_ERR_INVALID);
    assert_null(out);
}

/* Every pattern writes what it reads back. */
static void test_round_trips(void **state)
{
    (void)state;
    static const char *const formats[] = {"M/D/YYYY",
                                          "D/M/YYYY",
                                          "MM/DD/YYYY",
                                          "DD/MM/YYYY",
                                          "D.M.YYYY",
                                          "DD-Mon-YYYY",
                                          "D-MONTH-YYYY",
                                          "YYYY/MM/DD",
                                          "M/D/YYYY h:mm a",
                                          "D/M/YYYY H:mm",
                                          "M/D/YYYY[ h:mm a]",
                                          HS_DATE_FORMAT_ISO,
                                          HS_DATE_FORMAT_SALESFORCE,
                                          "YYYY-MM-DD H:mm:ss",
                                          "DD MON YYYY hh:mm:ss A"};
    static const char *const values[] = {
        "2024-02-29T00:00:00.000+00:00", "1999-12-31T23:59:00.000-08:00",
        "2024-07-04T12:00:00.000+05:30", "0001-01-01T01:01:00Z", "9999-12-31T11:59:00.000Z"};
    for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++)
        for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
            hs_datetime d = parse(values[v], NULL), back;
            const char *text = fmt(&d, formats[f]);
            assert_int_equal(api->date_parse(ctx, text, formats[f], &back), HS_OK);
            assert_string_equal(fmt(&back, formats[f]), text);
        }
}

static int64_t ms_of(const char *text, const char *tz)
{
    hs_datetime d = parse(text, NULL);
    int64_t ms = 0;
    hs_status st = api->date_to_ms(ctx, &d, tz, &ms);
    if (st != HS_OK)
        fprintf(stderr, "%s in %s: %s\n", text, tz ? tz : "UTC", hs_status_name(st));
    assert_int_equal(st, HS_OK);
    return ms;
}

static const char *in_zone(int64_t ms, const char *tz)
{
    hs_datetime d;
    assert_int_equal(api->date_from_ms(ctx, ms, tz, &d), HS_OK);
    assert_int_equal(d.flags, TIME | OFFSET);
    return fmt(&d, NULL);
}

static void test_instants(void **state)
{
    (void)state;
    assert_true(ms_of("1970-01-01T00:00:00Z", NULL) == 0);
    assert_true(ms_of("2024-03-05T14:03:00.000+0000", NULL) == 1709647380000);
    assert_true(ms_of("2024-03-05T15:03:00.000+01:00", "America/New_York") == 1709647380000);
    assert_true(ms_of("1969-12-31T23:59:59.999Z", NULL) == -1);
    assert_true(ms_of("0001-01-01T00:00:00Z", NULL) == -62135596800000);
    assert_true(ms_of("9999-12-31T23:59:59.999Z", NULL) == 253402300799999);
    /* A date is its midnight; a wall time without offset is read in the zone. */
    assert_string_equal(in_zone(ms_of("2024-07-01", "Europe/Paris"), NULL),
                        "2024-06-30T22:00:00.000Z");
    assert_string_equal(in_zone(ms_of("2024-01-15T09:30", "America/Los_Angeles"), NULL),
                        "2024-01-15T17:30:00.000Z");
    assert_string_equal(in_zone(ms_of("2024-01-15T09:30", "UTC"), NULL),
                        "2024-01-15T09:30:00.000Z");
    /* Spring forward: 02:30 does not exist in New York on 2024-03-10; moved by the gap. */
    assert_string_equal(in_zone(ms_of("2024-03-10T02:30", "America/New_York"), "America/New_York"),
                        "2024-03-10T03:30:00.000-04:00");
    assert_string_equal(in_zone(ms_of("2024-03-31T02:30", "Europe/Paris"), NULL),
                        "2024-03-31T01:30:00.000Z");
    /* Fall back: 01:30 happens twice on 2024-11-03; the earlier (EDT) one. */
    assert_string_equal(in_zone(ms_of("2024-11-03T01:30", "America/New_York"), NULL),
                        "2024-11-03T05:30:00.000Z");
    assert_string_equal(
        in_zone(ms_of("2024-11-03T01:30", "America/New_York") + 3600000, "America/New_York"),
        "2024-11-03T01:30:00.000-05:00");
    /* Past the zone file's listed transitions: the zone's rule goes on. */
    assert_string_equal(in_zone(ms_of("2100-07-01T12:00Z", NULL), "America/New_York"),
                        "2100-07-01T08:00:00.000-04:00");
    assert_string_equal(in_zone(ms_of("2100-01-01T12:00Z", NULL), "America/New_York"),
                        "2100-01-01T07:00:00.000-05:00");
    /* Offsets that are not whole hours; POSIX-style Etc names (sign inverted by convention). */
    assert_string_equal(in_zone(0, "Asia/Kolkata"), "1970-01-01T05:30:00.000+05:30");
    assert_string_equal(in_zone(ms_of("2024-01-01T00:00Z", NULL), "Asia/Kathmandu"),
                        "2024-01-01T05:45:00.000+05:45");
    assert_string_equal(in_zone(0, "Etc/GMT+5"), "1969-12-31T19:00:00.000-05:00");
    assert_string_equal(in_zone(-1, NULL), "1969-12-31T23:59:59.999Z");
    assert_string_equal(in_zone(253402300799999, NULL), "9999-12-31T23:59:59.999Z");
}

static void test_zone_names(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "Mars/Olympus_Mons",
        "/etc/passwd",
        "../../../etc/passwd",
        "Europe/../Europe/Paris",
        "Europe//Paris",
        "Europe/Paris/",
        "",
        "EST5X",
        "Europe/Paris\n",
        "a b",
        "Europe/Paris,M3.5.0",
        "./UTC",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
    hs_datetime d = parse("2024-03-05T10:00", NULL), out = {.year = 7};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t ms = 42;
        assert_int_equal(api->date_to_ms(ctx, &d, bad[i], &ms), HS_ERR_NOT_FOUND);
        assert_true(ms == 42);
        assert_int_equal(api->date_from_ms(ctx, 0, bad[i], &out), HS_ERR_NOT_FOUND);
        assert_int_equal(out.year, 7);
    }
    const char *name;
    assert_string_equal(last_error(&name), "unknown time zone \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" (an IANA name is "
                                           "needed)");
    assert_string_equal(name, "RangeError");
    /* Many zones: more than the cache holds, each still right. */
    static const char *const zones[] = {
        "Europe/London",     "Europe/Berlin",     "Europe/Madrid",       "Europe/Rome",
        "Europe/Warsaw",     "Europe/Athens",     "Europe/Helsinki",     "Europe/Lisbon",
        "Europe/Dublin",     "Europe/Oslo",       "Europe/Stockholm",    "Europe/Vienna",
        "Europe/Prague",     "Europe/Zurich",     "Europe/Brussels",     "Europe/Amsterdam",
        "America/Chicago",   "America/Denver",    "America/Phoenix",     "America/Toronto",
        "America/Vancouver", "America/Sao_Paulo", "America/Mexico_City", "America/Bogota",
        "Asia/Tokyo",        "Asia/Seoul",        "Asia/Singapore",      "Asia/Dubai",
        "Asia/Shanghai",     "Asia/Hong_Kong",    "Australia/Sydney",    "Pacific/Auckland",
        "Africa/Cairo",      "Africa/Lagos",      "Asia/Jakarta",        "Asia/Manila"};
    for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
        hs_datetime z;
        assert_int_equal(
            api->date_from_ms(ctx, 1719835200000 /* 2024-07-01T12:00Z */, zones[i], &z), HS_OK);
        int64_t back = 0;
        assert_int_equal(api->date_to_ms(ctx, &z, zones[i], &back), HS_OK);
        assert_true(back == 1719835200000);
    }
    hs_datetime tokyo;
    assert_int_equal(api->date_from_ms(ctx, 1719835200000, "Asia/Tokyo", &tokyo), HS_OK);
    assert_int_equal(tokyo.offset_minutes, 540);
    hs_datetime phoenix;
    assert_int_equal(api->date_from_ms(ctx, 1719835200000, "America/Phoenix", &phoenix), HS_OK);
    assert_int_equal(phoenix.offset_minutes, -420);
    /* Out of range and bad arguments. */
    assert_int_equal(api->date_from_ms(ctx, 253402300800000 + 86400000LL * 2, NULL, &out),
                     HS_ERR_RANGE);
    assert_int_equal(api->date_from_ms(ctx, 253402300800000, NULL, &out), HS_ERR_RANGE);
    assert_int_equal(api->date_from_ms(ctx, -62135596800001, NULL, &out), HS_ERR_RANGE);
    assert_int_equal(api->date_from_ms(ctx, INT64_MIN, NULL, &out), HS_ERR_RANGE);
    assert_int_equal(api->date_from_ms(ctx, 0, NULL, NULL), HS_ERR_INVALID);
    hs_datetime invalid = {.year = 2024, .month = 2, .day = 30};
    int64_t ms;
    assert_int_equal(api->date_to_ms(ctx, &invalid, NULL, &ms), HS_ERR_INVALID);
    assert_int_equal(api->date_to_ms(ctx, &d, NULL, NULL), HS_ERR_INVALID);
}

static int64_t days(const char *from, const char *to, const char *tz)
{
    hs_datetime a = parse(from, NULL), b = parse(to, NULL);
    int64_t n = 12345;
    hs_status st = api->date_days_between(ctx, &a, &b, tz, &n);
    assert_int_equal(st, HS_OK);
    return n;
}

static void test_days_between(void **state)
{
    (void)state;
    /* Days overdue: a due date against now, counted in the account's zone. */
    assert_true(days("2024-03-01", "2024-03-05T01:00:00Z", "America/Los_Angeles") == 3);
    assert_true(days("2024-03-01", "2024-03-05T01:00:00Z", NULL) == 4);
    assert_true(days("2024-03-01", "2024-03-05T01:00:00Z", "Asia/Tokyo") == 4);
    assert_true(days("2024-03-05", "2024-03-01", NULL) == -4);
    assert_true(days("2024-03-05", "2024-03-05", NULL) == 0);
    /* Across DST changes: calendar days, not 24-hour periods. */
    assert_true(days("2024-03-09", "2024-03-11", "America/New_York") == 2);
    assert_true(
        days("2024-03-09T12:00:00-05:00", "2024-03-11T00:30:00-04:00", "America/New_York") == 2);
    assert_true(
        days("2024-11-02T23:00:00-04:00", "2024-11-03T23:59:00-05:00", "America/New_York") == 1);
    /* A second before and at local midnight. */
    assert_true(days("2024-03-10T04:59:59Z", "2024-03-10T05:00:00Z", "America/New_York") == 1);
    assert_true(days("2024-03-10T05:00:00Z", "2024-03-10T23:59:59Z", "America/New_York") == 0);
    /* A local date-time without offset counts by its own date, whatever the zone. */
    assert_true(days("2024-03-05T23:30", "2024-03-06T00:10", "Asia/Tokyo") == 1);
    /* Leap years and long spans. */
    assert_true(days("2024-02-28", "2024-03-01", NULL) == 2);
    assert_true(days("2023-02-28", "2023-03-01", NULL) == 1);
    assert_true(days("2000-01-01", "2100-01-01", NULL) == 36525);
    assert_true(days("0001-01-01", "9999-12-31", NULL) == 3652058);
    /* Errors: invalid values, unknown zones (also when only dates are involved). */
    hs_datetime a = parse("2024-03-01", NULL), bad = {.year = 2024, .month = 2, .day = 30};
    int64_t n = 7;
    assert_int_equal(api->date_days_between(ctx, &a, &bad, NULL, &n), HS_ERR_INVALID);
    assert_int_equal(api->date_days_between(ctx, NULL, &a, NULL, &n), HS_ERR_INVALID);
    assert_int_equal(api->date_days_between(ctx, &a, &a, NULL, NULL), HS_ERR_INVALID);
    assert_int_equal(api->date_days_between(ctx, &a, &a, "Nowhere/Town", &n), HS_ERR_NOT_FOUND);
    assert_true(n == 7);
}

static void test_add_days(void **state)
{
    (void)state;
    static const struct {
        const char *from;
        int64_t days;
        const char *want;
    } cases[] = {{"2024-01-31", 29, "2024-02-29"},
                 {"2024-01-31", 30, "2024-03-01"},
                 {"2023-01-31", 29, "2023-03-01"},
                 {"2024-03-01", -1, "2024-02-29"},
                 {"2024-12-31", 1, "2025-01-01"},
                 {"2024-03-05T14:03:00.000+01:00", 30, "2024-04-04T14:03:00.000+01:00"},
                 {"2024-03-05T14:03", -365, "2023-03-06T14:03:00.000"},
                 {"0001-01-01", 0, "0001-01-01"},
                 {"9999-12-30", 1, "9999-12-31"}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hs_datetime d = parse(cases[i].from, NULL), r;
        assert_int_equal(api->date_add_days(ctx, &d, cases[i].days, &r), HS_OK);
        assert_string_equal(fmt(&r, NULL), cases[i].want);
        assert_int_equal(r.flags, d.flags);
    }
    hs_datetime last = parse("9999-12-31", NULL), first = parse("0001-01-01", NULL), r = last;
    assert_int_equal(api->date_add_days(ctx, &last, 1, &r), HS_ERR_RANGE);
    assert_int_equal(api->date_add_days(ctx, &first, -1, &r), HS_ERR_RANGE);
    assert_int_equal(api->date_add_days(ctx, &first, INT64_MAX, &r), HS_ERR_RANGE);
    assert_int_equal(api->date_add_days(ctx, &first, INT64_MIN, &r), HS_ERR_RANGE);
    const char *name;
    assert_string_equal(last_error(&name),
                        "date_add_days: -9223372036854775808 days leaves years 1..9999");
    assert_string_equal(fmt(&r, NULL), "9999-12-31");
    hs_datetime bad = {.year = 2024, .month = 2, .day = 30};
    assert_int_equal(api->date_add_days(ctx, &bad, 1, &r), HS_ERR_INVALID);
    assert_int_equal(api->date_add_days(ctx, &first, 1, NULL), HS_ERR_INVALID);
}

static void test_from_json(void **state)
{
    (void)state;
    struct json_value *o =
        sdk_test_json(arena, "{\"sf\":\"2024-03-05T14:03:00.000+0000\",\"ns\":\"3/5/2024\","
                             "\"n\":5,\"z\":null,\"junk\":\"soon\"}");
    assert_non_null(o);
    hs_json *h = (hs_json *)o;
    hs_datetime d;
    assert_int_equal(api->date_from_json(ctx, api->json_get(h, "sf"), NULL, &d), HS_OK);
    assert_string_equal(fmt(&d, NULL), "2024-03-05T14:03:00.000Z");
    assert_int_equal(api->date_from_json(ctx, api->json_get(h, "ns"), "D/M/YYYY", &d), HS_OK);
    assert_string_equal(fmt(&d, NULL), "2024-05-03");
    hs_json *date = api->json_new_date(ctx, 1709647380123.0);
    assert_int_equal(api->date_from_json(ctx, date, "M/D/YYYY", &d), HS_OK);
    assert_string_equal(fmt(&d, NULL), "2024-03-05T14:03:00.123Z");
    assert_int_equal(d.flags, TIME | OFFSET);
    assert_int_equal(api->date_from_json(ctx, api->json_get(h, "missing"), NULL, &d),
                     HS_ERR_NOT_FOUND);
    assert_int_equal(api->date_from_json(ctx, api->json_get(h, "n"), NULL, &d), HS_ERR_TYPE);
    assert_int_equal(api->date_from_json(ctx, api->json_get(h, "z"), NULL, &d), HS_ERR_TYPE);
    const char *name;
    assert_string_equal(last_error(&name), "date: expected a Date or a date string");
    assert_int_equal(api->date_from_json(ctx, api->json_get(h, "junk"), NULL, &d), HS_ERR_PARSE);
    hs_json *invalid = api->json_new_date(ctx, 0.0 / 0.0);
    assert_int_equal(api->date_from_json(ctx, invalid, NULL, &d), HS_ERR_RANGE);
    assert_string_equal(last_error(&name), "the Date is not a valid date in years 1..9999");
    hs_json *nul = api->json_new_stringn(ctx, "2024-03-05\0x", 12);
    assert_int_equal(api->date_from_json(ctx, nul, NULL, &d), HS_ERR_PARSE);
    assert_int_equal(api->date_from_json(ctx, date, NULL, NULL), HS_ERR_INVALID);
    assert_string_equal(fmt(&d, NULL), "2024-03-05T14:03:00.123Z");
}

/* A context whose options are `text`, with currentExportDateTime replaced by a Date of ms when
 * ms is not NaN. */
static hs_ctx *ctx_with(const char *text, double ms)
{
    struct json_value *o = sdk_test_json(arena, text);
    assert_non_null(o);
    if (ms == ms)
        assert_int_equal(
            json_object_set(arena, o, "currentExportDateTime", 21, json_new_date(arena, ms)), 0);
    hs_ctx *c = sdk_test_ctx(arena, o);
    assert_non_null(c);
    return c;
}

static void test_now(void **state)
{
    (void)state;
    hs_datetime now;
    /* As the runner passes it: a Date. */
    hs_ctx *c = ctx_with("{}", 1709647380000.0);
    assert_int_equal(api->ctx_now(c, 0, &now), HS_OK);
    assert_string_equal(fmt(&now, NULL), "2024-03-05T14:03:00.000Z");
    assert_int_equal(now.flags, TIME | OFFSET);
    /* As an HTTP step passes it: ISO text, turned to UTC. */
    c = ctx_with("{\"currentExportDateTime\":\"2024-03-05T15:03:00.000+01:00\"}", 0.0 / 0.0);
    assert_int_equal(api->ctx_now(c, 0, &now), HS_OK);
    assert_string_equal(fmt(&now, NULL), "2024-03-05T14:03:00.000Z");
    c = ctx_with("{\"currentExportDateTime\":\"2024-03-05\"}", 0.0 / 0.0);
    assert_int_equal(api->ctx_now(c, 0, &now), HS_OK);
    assert_string_equal(fmt(&now, NULL), "2024-03-05T00:00:00.000Z");
    c = ctx_with("{\"currentExportDateTime\":\"2024-03-05T10:00\"}", 0.0 / 0.0);
    assert_int_equal(api->ctx_now(c, 0, &now), HS_OK);
    assert_string_equal(fmt(&now, NULL), "2024-03-05T10:00:00.000Z");
    /* Absent: an error unless the wall clock is asked for. */
    c = ctx_with("{\"lastExportDateTime\":\"2024-03-05T10:00:00Z\"}", 0.0 / 0.0);
    hs_datetime before = {.year = 3};
    now = before;
    assert_int_equal(api->ctx_now(c, 0, &now), HS_ERR_NOT_FOUND);
    assert_int_equal(now.year, 3);
    const char *name;
    assert_string_equal(api->ctx_last_error(c, &name),
                        "no options.currentExportDateTime in this invocation (only delta exports "
                        "carry it); pass HS_NOW_WALL_CLOCK to use the runner's clock");
    assert_string_equal(name, "RangeError");
    assert_int_equal(api->ctx_now(c, HS_NOW_WALL_CLOCK, &now), HS_OK);
    assert_true(now.year >= 2024 && now.year <= 9999);
    assert_int_equal(now.offset_minutes, 0);
    c = ctx_with("{\"currentExportDateTime\":null}", 0.0 / 0.0);
    assert_int_equal(api->ctx_now(c, 0, &now), HS_ERR_NOT_FOUND);
    c = ctx_with("{\"currentExportDateTime\":\"\"}", 0.0 / 0.0);
    assert_int_equal(api->ctx_now(c, 0, &now), HS_ERR_NOT_FOUND);
    c = ctx_with("[1]", 0.0 / 0.0);
    assert_int_equal(api->ctx_now(c, 0, &now), HS_ERR_NOT_FOUND);
    /* Present but not a date: an error, and no fallback to the clock. */
    now = before;
    c = ctx_with("{\"currentExportDateTime\":\"yesterday\"}", 0.0 / 0.0);
    assert_int_equal(api->ctx_now(c, HS_NOW_WALL_CLOCK, &now), HS_ERR_INVALID);
    assert_string_equal(api->ctx_last_error(c, NULL),
                        "options.currentExportDateTime is not a valid date (ISO 8601 or a Date "
                        "is expected)");
    c = ctx_with("{}", 0.0 / 0.0);
    assert_int_equal(json_object_set(arena, (struct json_value *)api->ctx_options(c),
                                     "currentExportDateTime", 21, json_new_date(arena, 1e300)),
                     0);
    assert_int_equal(api->ctx_now(c, HS_NOW_WALL_CLOCK, &now), HS_ERR_INVALID);
    c = ctx_with("{\"currentExportDateTime\":{}}", 0.0 / 0.0);
    assert_int_equal(api->ctx_now(c, HS_NOW_WALL_CLOCK, &now), HS_ERR_INVALID);
    assert_int_equal(now.year, 3);
    assert_int_equal(api->ctx_now(NULL, 0, &now), HS_ERR_INVALID);
    assert_int_equal(api->ctx_now(c, 0, NULL), HS_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_iso, setup, teardown),
        cmocka_unit_test_setup_teardown(test_patterns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_patterns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_patterns_more, setup, teardown),
        cmocka_unit_test_setup_teardown(test_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trips, setup, teardown),
        cmocka_unit_test_setup_teardown(test_instants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zone_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_days_between, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_days, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_now, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
