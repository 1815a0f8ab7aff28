/* test_sfns_route.c — sfnsOrderRoute over real HTTP, both ways integrator.io can call it:
 *
 *  - as an HTTP step, POST /v1/hooks/sfnsOrderRoute with an API token: a bare array of records,
 *    the object form with settings, one record alone; the answer is {route, reason} per record,
 *    and an invalid setting is refused naming its key;
 *  - as a router's branching function, POST /function with settings.branches: the branch index
 *    of the same route, and a route without a branch refused with what to add;
 *  - every real sample Opportunity (read from ../shared/data at run time, given an Id as a
 *    Salesforce export would) is routed with a reason, the route the one the rules give for its
 *    stage and amount (checked here independently, amounts compared as decimal text), under the
 *    default settings and under a legal sign-off threshold; the HTTP step and the router agree on
 *    every record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

#include "integration/harness.h"

#define API_TOKEN "sfns-route-api-token"

static struct hst_server srv;

static int group_setup(void **state)
{
    (void)state;
    const char *const env[] = {"HOOKSTACK_API_TOKEN=" API_TOKEN, NULL};
    /* The sfns module alone (build/modules/sfns.so), whatever else hooks/ holds. */
    const char *mods = hst_hook_module_dir("sfns");
    if (mods == NULL)
        return -1;
    const char *args[] = {"--modules", mods, NULL};
    return hst_server_start_raw(&srv, args, env);
}

static int group_teardown(void **state)
{
    (void)state;
    int st = hst_server_stop(&srv, SIGTERM, 20000);
    char *log = hst_server_log(&srv);
    if (log && (strstr(log, "Sanitizer") || strstr(log, "runtime error:")))
        fprintf(stderr, "%s\n", log);
    int clean = log && !strstr(log, "Sanitizer") && !strstr(log, "runtime error:");
    free(log);
    return clean && st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static const char *const api_json[] = {"Authorization: Bearer " API_TOKEN,
                                       "Content-Type: application/json", NULL};

/* POST /v1/hooks/sfnsOrderRoute with body; checks the status; returns the parsed answer. */
static cJSON *step(const char *body, long want_status)
{
    struct hst_response r;
    assert_int_equal(
        hst_request(&srv, "POST", "/v1/hooks/sfnsOrderRoute", api_json, body, strlen(body), &r), 0);
    if (r.status != want_status)
        fail_msg("/v1/hooks/sfnsOrderRoute answered %ld: %s", r.status, r.body);
    cJSON *out = cJSON_Parse(r.body);
    hst_response_free(&r);
    assert_non_null(out);
    return out;
}

/* POST /function calling sfnsOrderRoute for one record; the parsed answer (status in *status). */
static cJSON *route_fn(const cJSON *record, const cJSON *settings, long *status)
{
    cJSON *req = cJSON_CreateObject();
    cJSON_AddTrueToObject(req, "diy");
    cJSON_AddStringToObject(req, "function", "sfnsOrderRoute");
    cJSON *opts = cJSON_AddObjectToObject(req, "options");
    cJSON_AddItemToObject(opts, "record", cJSON_Duplicate(record, 1));
    cJSON_AddItemToObject(opts, "settings", cJSON_Duplicate(settings, 1));
    char *body = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    struct hst_response r;
    assert_int_equal(hst_post_function(&srv, body, &r), 0);
    free(body);
    *status = r.status;
    cJSON *out = cJSON_Parse(r.body);
    hst_response_free(&r);
    assert_non_null(out);
    return out;
}

static const char *route_of(const cJSON *answer)
{
    return cJSON_GetStringValue(cJSON_GetObjectItem(answer, "route"));
}

static const char *reason_of(const cJSON *answer)
{
    return cJSON_GetStringValue(cJSON_GetObjectItem(answer, "reason"));
}

#define OPP(fields)                                                                                \
    "{\"attributes\": {\"type\": \"Opportunity\", \"url\": "                                       \
    "\"/services/data/v58.0/sobjects/Opportunity/0065g00000Rt001AAB\"}, \"Id\": "                  \
    "\"0065g00000Rt001AAB\", \"Name\": \"Harbor Freight Dock Cranes\", " fields "}"

static void test_http_step(void **state)
{
    (void)state;
    /* A bare array: default settings, one answer per record, in order. */
    cJSON *a = step(
        "[" OPP(
            "\"StageName\": \"Closed Won\", \"Amount\": 48000, "
            "\"CurrencyIsoCode\": \"USD\", \"HasOpportunityLineItem\": true") "," OPP("\"StageName"
                                                                                      "\": "
                                                                                      "\"Negotiatio"
                                                                                      "n/Review\", "
                                                                                      "\"Amount\": "
                                                                                      "1") "," OPP("\"StageName\": \"Closed Won\", \"Amount\": 1, \"NetSuite_Id__c\": \"88\"") "," OPP("\"StageName\": \"Closed Won\", \"Type\": \"Framework Agreement\", "
                                                                                                                                                                                       "\"Amount\": 0") "," OPP("\"Amount\": 1") "]",
        200);
    assert_int_equal(cJSON_GetArraySize(a), 5);
    static const char *const want[][2] = {
        {"order", "won (StageName \"Closed Won\"), Amount 48000.00 USD, line items: no legal "
                  "sign-off needed"},
        {"skip", "not won: StageName \"Negotiation/Review\" is not in routing.triggerStages "
                 "(\"Closed Won\")"},
        {"skip", "already in NetSuite: NetSuite_Id__c is \"88\" (routing.orderedFields); nothing "
                 "to create"},
        {"skip", "a framework agreement (Type \"Framework Agreement\") with no order attached (no "
                 "line items given, Amount 0)"},
        {"error", "cannot decide: the record has no StageName or IsWon (select one in the export)"},
    };
    for (int i = 0; i < 5; i++) {
        const cJSON *e = cJSON_GetArrayItem(a, i);
        assert_int_equal(cJSON_GetArraySize(e), 2); /* exactly route and reason */
        assert_string_equal(route_of(e), want[i][0]);
        assert_string_equal(reason_of(e), want[i][1]);
    }
    cJSON_Delete(a);

    /* The object form carries the settings: a hold and a quote. */
    a = step("{\"data\": [" OPP(
                 "\"StageName\": \"Closed Won\", \"Amount\": \"250000.00\", "
                 "\"CurrencyIsoCode\": \"EUR\", \"Legal_Sign_Off__c\": false") "," OPP("\"StageName"
                                                                                       "\": "
                                                                                       "\"Closed "
                                                                                       "Won\", "
                                                                                       "\"Amount\":"
                                                                                       " 10, "
                                                                                       "\"Type\": "
                                                                                       "\"Renewal"
                                                                                       "\"") "], "
                                                                                             "\"set"
                                                                                             "tings"
                                                                                             "\": "
                                                                                             "{\"sf"
                                                                                             "ns\":"
                                                                                             " {"
                                                                                             "\"rou"
                                                                                             "ting"
                                                                                             "\": "
                                                                                             "{\"si"
                                                                                             "gnOff"
                                                                                             "Amoun"
                                                                                             "tOver"
                                                                                             "\": "
                                                                                             "{\"EU"
                                                                                             "R\": "
                                                                                             "90000"
                                                                                             "}, "
                                                                                             "\"quo"
                                                                                             "teTyp"
                                                                                             "es\":"
                                                                                             " ["
                                                                                             "\"Ren"
                                                                                             "ewal"
                                                                                             "\"]}}"
                                                                                             "}, "
                                                                                             "\"_"
                                                                                             "flowI"
                                                                                             "d\": "
                                                                                             "\"f1"
                                                                                             "\"}",
             200);
    assert_string_equal(route_of(cJSON_GetArrayItem(a, 0)), "hold");
    assert_string_equal(reason_of(cJSON_GetArrayItem(a, 0)),
                        "waiting for legal sign-off: Amount 250000.00 EUR is over 90000.00 EUR "
                        "(routing.signOffAmountOver) and Legal_Sign_Off__c is not checked");
    assert_string_equal(route_of(cJSON_GetArrayItem(a, 1)), "quote");
    assert_string_equal(reason_of(cJSON_GetArrayItem(a, 1)),
                        "asks for a quote: Type \"Renewal\" is in routing.quoteTypes");
    cJSON_Delete(a);

    /* One record alone (an HTTP step with batch size 1): its one answer. */
    a = step(OPP("\"StageName\": \"Closed Won\", \"Amount\": 0, \"HasOpportunityLineItem\": false"),
             200);
    assert_true(cJSON_IsObject(a));
    assert_string_equal(route_of(a), "skip");
    assert_string_equal(reason_of(a), "no order attached: no line items and Amount 0 "
                                      "(routing.emptyIsFramework: a framework agreement)");
    cJSON_Delete(a);

    /* An invalid setting fails the call, naming the key. */
    a = step("{\"data\": [" OPP(
                 "\"StageName\": \"Closed Won\", \"Amount\": 1") "], \"settings\": "
                                                                 "{\"sfns\": {\"routing\": "
                                                                 "{\"signOffAmountOver\": "
                                                                 "{\"JPY\": 0.5}}}}}",
             422);
    const char *msg = cJSON_GetStringValue(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(a, "errors"), 0), "message"));
    assert_non_null(msg);
    assert_non_null(strstr(msg, "settings.sfns.routing.signOffAmountOver: the amount of \"JPY\" is "
                                "0.5, which has more decimal places than JPY has (0)"));
    cJSON_Delete(a);

    /* The system token is not an API token. */
    struct hst_response r;
    const char *const sys[] = {"Authorization: Bearer " HS_TEST_TOKEN,
                               "Content-Type: application/json", NULL};
    assert_int_equal(hst_request(&srv, "POST", "/v1/hooks/sfnsOrderRoute", sys, "[]", 2, &r), 0);
    assert_int_equal(r.status, 401);
    hst_response_free(&r);
}

static void test_router(void **state)
{
    (void)state;
    cJSON *rec = cJSON_Parse(OPP("\"StageName\": \"Closed Won\", \"Amount\": 400000, "
                                 "\"CurrencyIsoCode\": \"USD\", \"Legal_Sign_Off__c\": null"));
    cJSON *settings = cJSON_Parse("{\"branches\": [{\"name\": \"order\"}, {\"name\": \"quote\"}, "
                                  "{\"name\": \"hold\"}, {\"name\": \"skip\"}, {\"name\": "
                                  "\"error\"}], \"sfns\": {\"routing\": {\"signOffAmountOver\": "
                                  "{\"USD\": 100000}}}}");
    long status = 0;
    cJSON *a = route_fn(rec, settings, &status);
    assert_int_equal(status, 200);
    char *text = cJSON_PrintUnformatted(a);
    assert_string_equal(text, "[2]");
    free(text);
    cJSON_Delete(a);
    /* Without a "hold" branch: refused with what to add. */
    cJSON_DeleteItemFromArray(cJSON_GetObjectItem(settings, "branches"), 2);
    a = route_fn(rec, settings, &status);
    assert_int_equal(status, 422);
    const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(a, "errors"), 0);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(e, "code")), "missing_branch");
    assert_non_null(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(e, "message")),
                           "was routed \"hold\" (waiting for legal sign-off: Amount 400000.00 USD "
                           "is over 100000.00 USD (routing.signOffAmountOver) and "
                           "Legal_Sign_Off__c is empty), but no router branch is known for it. "
                           "settings.branches lists \"order\", \"quote\", \"skip\", \"error\": add "
                           "the router a branch for \"hold\""));
    cJSON_Delete(a);
    cJSON_Delete(rec);
    cJSON_Delete(settings);
}

/* ---- the real sample Opportunities ---------------------------------------------------------- */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* An 18-character Opportunity Id made from n (checksum computed here, independently). */
static void make_id(unsigned n, char out[19])
{
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static const char map[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    memcpy(out, "006", 3);
    unsigned long long x = 0x0A77ull * 1000003ull + (unsigned long long)n * 7919ull;
    for (int i = 14; i >= 3; i--) {
        out[i] = digits[x % 62];
        x /= 62;
    }
    for (int c = 0; c < 3; c++) {
        int v = 0;
        for (int i = 0; i < 5; i++)
            if (out[c * 5 + i] >= 'A' && out[c * 5 + i] <= 'Z')
                v |= 1 << i;
        out[15 + c] = map[v];
    }
    out[18] = '\0';
}

/* The amount's text compared with a whole number, exactly: -1, 0 or 1, at 2 decimal places
 * rounded half-up (the records' currency, USD). The text is a JSON number or string. */
static int amount_cmp(const cJSON *v, long whole)
{
    char buf[64];
    const char *t = cJSON_IsString(v) ? v->valuestring : NULL;
    if (cJSON_IsNumber(v)) {
        char *p = cJSON_PrintUnformatted(v);
        snprintf(buf, sizeof(buf), "%s", p);
        free(p);
        t = buf;
    }
    if (t == NULL)
        return -2;
    long ip = 0;
    const char *p = t;
    while (*p == ' ')
        p++;
    for (; *p >= '0' && *p <= '9'; p++)
        ip = ip * 10 + (*p - '0');
    int cents = 0, digits = 0, up = 0;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
            if (digits < 2)
                cents = cents * 10 + (*p - '0');
            else if (digits == 2)
                up = *p >= '5';
        }
    if (digits == 1)
        cents *= 10;
    long long total = (long long)ip * 100 + cents + up;
    long long w = (long long)whole * 100;
    return total < w ? -1 : total > w;
}

struct tally {
    int records, order, quote, hold, skip, error;
};

static void count(struct tally *t, const char *route)
{
    t->records++;
    if (strcmp(route, "order") == 0)
        t->order++;
    else if (strcmp(route, "quote") == 0)
        t->quote++;
    else if (strcmp(route, "hold") == 0)
        t->hold++;
    else if (strcmp(route, "skip") == 0)
        t->skip++;
    else if (strcmp(route, "error") == 0)
        t->error++;
    else
        fail_msg("route %s is not one of the five", route);
}

static int stage_is(const cJSON *rec, const char *stage)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "StageName"));
    return s != NULL && strcasecmp(s, stage) == 0;
}

/* What the rules must give a sample record (which has no line items, currency, type or IsWon):
 * with signoff, won means "Closed Won" or "Closed/Won" and sign-off is needed over 100000 USD. */
static void expected(const cJSON *rec, int signoff, const char **route, const char **start)
{
    const cJSON *amount = cJSON_GetObjectItem(rec, "Amount");
    int won = stage_is(rec, "Closed Won") || (signoff && stage_is(rec, "Closed/Won"));
    if (!won) {
        *route = "skip", *start = "not won: StageName";
    } else if (amount_cmp(amount, 0) == 0) {
        *route = "skip", *start = "no order attached";
    } else if (signoff && amount_cmp(amount, 100000) > 0) {
        const cJSON *legal = cJSON_GetObjectItem(rec, "Legal_Sign_Off__c");
        if (legal == NULL)
            *route = "error", *start = "cannot decide: legal sign-off is needed";
        else if (cJSON_IsTrue(legal))
            *route = "order", *start = "won (StageName";
        else
            *route = "hold", *start = "waiting for legal sign-off: Amount";
    } else {
        *route = "order", *start = "won (StageName";
    }
}

static void route_file(const char *shared, const char *file, unsigned *counter, struct tally *t,
                       struct tally *ts)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/data/%s", shared, file);
    char *text = slurp(path);
    cJSON *doc = cJSON_Parse(text);
    free(text);
    assert_non_null(doc);
    cJSON *records = cJSON_IsArray(doc) ? doc : cJSON_GetObjectItem(doc, "records");
    assert_true(cJSON_IsArray(records));
    int n = cJSON_GetArraySize(records);
    /* As an export gives them: an Id, the url; every third without the sign-off field, the others
     * with it unchecked or checked. */
    for (int i = 0; i < n; i++) {
        cJSON *rec = cJSON_GetArrayItem(records, i);
        char id[19], url[96];
        make_id((*counter)++, id);
        cJSON_AddStringToObject(rec, "Id", id);
        snprintf(url, sizeof(url), "/services/data/v58.0/sobjects/Opportunity/%s", id);
        cJSON_AddStringToObject(cJSON_GetObjectItem(rec, "attributes"), "url", url);
        if (i % 3 != 2)
            cJSON_AddBoolToObject(rec, "Legal_Sign_Off__c", i % 3 == 1);
    }
    static const char *const settings_json[2] = {
        "{}", "{\"sfns\": {\"routing\": {\"triggerStages\": [\"Closed Won\", \"Closed/Won\"], "
              "\"defaultCurrency\": \"USD\", \"signOffAmountOver\": {\"USD\": 100000}}}}"};
    for (int signoff = 0; signoff < 2; signoff++) {
        cJSON *settings = cJSON_Parse(settings_json[signoff]);
        cJSON *body = cJSON_CreateObject();
        cJSON_AddItemReferenceToObject(body, "data", records);
        cJSON_AddItemReferenceToObject(body, "settings", settings);
        char *b = cJSON_PrintUnformatted(body);
        cJSON_Delete(body);
        cJSON *answers = step(b, 200);
        free(b);
        assert_int_equal(cJSON_GetArraySize(answers), n);
        cJSON_AddItemToObject(settings, "branches",
                              cJSON_Parse("[\"order\", \"quote\", \"hold\", \"skip\", \"error\"]"));
        for (int i = 0; i < n; i++) {
            const cJSON *rec = cJSON_GetArrayItem(records, i);
            const cJSON *ans = cJSON_GetArrayItem(answers, i);
            const char *route = route_of(ans), *reason = reason_of(ans);
            const char *want, *start;
            assert_non_null(route);
            assert_non_null(reason);
            assert_true(strlen(reason) > 20);
            expected(rec, signoff, &want, &start);
            if (strcmp(route, want) != 0 || strncmp(reason, start, strlen(start)) != 0)
                fail_msg("%s record %d (%s): got %s \"%s\", want %s \"%s...\"", file, i,
                         cJSON_GetStringValue(cJSON_GetObjectItem(rec, "Name")), route, reason,
                         want, start);
            count(signoff ? ts : t, route);
            /* The router gives the same route as its branch index. */
            long status = 0;
            cJSON *idx = route_fn(rec, settings, &status);
            assert_int_equal(status, 200);
            static const char *const names[] = {"order", "quote", "hold", "skip", "error"};
            assert_int_equal(cJSON_GetArraySize(idx), 1);
            assert_string_equal(names[cJSON_GetArrayItem(idx, 0)->valueint], route);
            cJSON_Delete(idx);
        }
        cJSON_Delete(answers);
        cJSON_Delete(settings);
    }
    cJSON_Delete(doc);
}

static void test_real_opportunities(void **state)
{
    (void)state;
    const char *shared = getenv("HS_SHARED_DIR");
    if (shared == NULL)
        shared = "../shared";
    static const char *const files[] = {
        "apex-recipes/Opportunities.json",
        "sf-data-loader-examples/Opportunity.json",
        "lwc-recipes/Opportunities.json",
        "dcarroll-data-import-test-org/Opportunity.json",
        "plugin-data/commonChild/Opportunity.json",
        "ebikes-lwc/Opportunities.json",
    };
    struct tally t = {0}, ts = {0};
    unsigned counter = 0;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        route_file(shared, files[i], &counter, &t, &ts);
    fprintf(stderr,
            "sfns real opportunities: %d records; default settings: %d order, %d skip; with a "
            "sign-off threshold: %d order, %d hold, %d skip, %d error\n",
            t.records, t.order, t.skip, ts.order, ts.hold, ts.skip, ts.error);
    assert_int_equal(t.records, 112);
    assert_int_equal(t.order + t.skip, t.records); /* no quote, hold or error by default */
    assert_true(t.order > 20 && t.skip > 50);
    assert_int_equal(ts.records, 112);
    assert_int_equal(ts.quote, 0);
    assert_true(ts.hold > 0 && ts.error > 0 && ts.order > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_http_step),
        cmocka_unit_test(test_router),
        cmocka_unit_test(test_real_opportunities),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
