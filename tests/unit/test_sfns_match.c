/* test_sfns_match.c — the sfns contact matcher (lib/sfns_match/): normalisers, Jaro-Winkler,
 * settings validation, pair classes and the update / create / review decisions with grouping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "match.h"
#include "match_internal.h"

/* ---- Jaro-Winkler ------------------------------------------------------------------------- */

static double jw(const char *a, const char *b)
{
    return match_jaro_winkler(a, strlen(a), b, strlen(b));
}

static void test_jaro_winkler_known_values(void **state)
{
    (void)state;
    /* Winkler's published examples. */
    assert_float_equal(jw("martha", "marhta"), 0.961, 0.001);
    assert_float_equal(jw("dwayne", "duane"), 0.840, 0.001);
    assert_float_equal(jw("dixon", "dicksonx"), 0.813, 0.001);
    assert_float_equal(jw("abc", "abc"), 1.0, 0.0);
    assert_float_equal(jw("", "abc"), 0.0, 0.0);
    assert_float_equal(jw("abc", "xyz"), 0.0, 0.0);
    /* Symmetric. */
    assert_float_equal(jw("johnson", "jonhson"), jw("jonhson", "johnson"), 1e-12);
    /* Long strings are compared on their first 64 bytes, without reading past them. */
    char a[200], b[200];
    memset(a, 'x', sizeof(a) - 1);
    a[sizeof(a) - 1] = '\0';
    memcpy(b, a, sizeof(b));
    b[150] = 'y';
    assert_float_equal(jw(a, b), 1.0, 0.0);
}

/* ---- normalisers -------------------------------------------------------------------------- */

static const char *email(const char *in, bool plus)
{
    static char out[128];
    match_norm_email(in, plus, out, sizeof(out));
    return out;
}

static void test_norm_email(void **state)
{
    (void)state;
    assert_string_equal(email("  John.Doe+CRM@Example.COM \n", true), "john.doe@example.com");
    assert_string_equal(email("John.Doe+CRM@Example.COM", false), "john.doe+crm@example.com");
    assert_string_equal(email("a+b+c@x.org", true), "a@x.org");
    /* A leading '+' is the address, not a tag. */
    assert_string_equal(email("+1@x.org", true), "+1@x.org");
    assert_string_equal(email("no-at-sign", true), "");
    assert_string_equal(email("a@b@c", true), "");
    assert_string_equal(email("@x.org", true), "");
    assert_string_equal(email("ann@", true), "");
    assert_string_equal(email("ann smith@x.org", true), "");
    assert_string_equal(email(NULL, true), "");
    /* Never past the buffer. */
    char small[8];
    assert_int_equal(match_norm_email("abcdefghij@x.org", true, small, sizeof(small)), 7);
    assert_string_equal(small, "abcdefg");
}

static const char *name(const char *in)
{
    static char out[128];
    match_norm_name(in, out, sizeof(out));
    return out;
}

static void test_norm_name(void **state)
{
    (void)state;
    assert_string_equal(name("O'Brien"), "obrien");
    assert_string_equal(name("Jos\xc3\xa9"), "jose");
    assert_string_equal(name("M\xc3\x9cLLER"), "muller");
    assert_string_equal(name("Smith Jr."), "smith");
    assert_string_equal(name("King III"), "king");
    assert_string_equal(name("Jr"), "jr");
    assert_string_equal(name("Mary-Jane"), "maryjane");
    assert_string_equal(name("  van der  Berg "), "vanderberg");
    assert_string_equal(name(NULL), "");
}

static const char *company(const char *in)
{
    static char out[128];
    match_norm_company(in, out, sizeof(out));
    return out;
}

static void test_norm_company(void **state)
{
    (void)state;
    assert_string_equal(company("The ACME Corp."), "acme");
    assert_string_equal(company("Acme Corporation"), "acme");
    assert_string_equal(company("ACME, Inc"), "acme");
    assert_string_equal(company("Smith & Sons, LLC"), "smithandsons");
    assert_string_equal(company("M\xc3\xbcller GmbH"), "muller");
    assert_string_equal(company("Theatre Co"), "theatre");
    assert_string_equal(company("Inc"), "");
}

static const char *phone(const char *in)
{
    static char out[32];
    match_norm_phone(in, 7, out, sizeof(out));
    return out;
}

static void test_norm_phone(void **state)
{
    (void)state;
    assert_string_equal(phone("(312) 596-1000"), "3125961000");
    assert_string_equal(phone("+1 312.596.1000"), "3125961000");
    assert_string_equal(phone("312-596-1000 x55"), "3125961000");
    assert_string_equal(phone("+44 20 7946 0958"), phone("020 7946 0958"));
    assert_string_equal(phone("0044 20 7946 0958"), "2079460958");
    assert_string_equal(phone("123-45"), "");
    assert_string_equal(phone("n/a"), "");
}

static const char *sfid(const char *in)
{
    static char out[64];
    match_norm_sfid(in, out, sizeof(out));
    return out;
}

static void test_norm_sfid(void **state)
{
    (void)state;
    /* The checksum examples: 0019000000B98de -> AAB, a0D30000001n7Pi -> EAI. */
    assert_string_equal(sfid("0019000000B98de"), "0019000000b98deaab");
    assert_string_equal(sfid("a0D30000001n7Pi"), "a0d30000001n7pieai");
    assert_string_equal(sfid("0019000000B98deAAB"), "0019000000b98deaab");
    /* Two 15-character ids that differ only in case stay different. */
    char lower[64];
    snprintf(lower, sizeof(lower), "%s", sfid("0019000000b98de"));
    assert_string_equal(lower, "0019000000b98deaaa");
    assert_string_not_equal(lower, sfid("0019000000B98de"));
    assert_string_equal(sfid(" 42 "), "42");
}

static void test_nicknames(void **state)
{
    (void)state;
    size_t n = match_nickname_count();
    assert_true(n > 100);
    for (size_t i = 1; i < n; i++)
        assert_true(strcmp(match_nickname_at(i - 1), match_nickname_at(i)) < 0);
    assert_null(match_nickname_at(n));
    for (size_t i = 0; i < n; i++)
        assert_non_null(match_nickname(match_nickname_at(i)));
    assert_string_equal(match_nickname("bob"), "robert");
    assert_string_equal(match_nickname("bill"), "william");
    assert_null(match_nickname("robert"));
    assert_null(match_nickname(""));
}

/* ---- settings ----------------------------------------------------------------------------- */

struct kv {
    const char *key;
    struct match_value v;
};

static int kv_lookup(void *arg, const char *key, struct match_value *out)
{
    for (const struct kv *p = arg; p->key; p++) {
        if (strcmp(p->key, key) == 0) {
            *out = p->v;
            return 0;
        }
    }
    return -1;
}

static int load(struct kv *kv, struct match_settings *s, char *err, size_t errlen)
{
    match_settings_default(s);
    err[0] = '\0';
    return match_settings_load(s, "settings.sfns.contacts", kv_lookup, kv, err, errlen);
}

static void test_settings_defaults_and_values(void **state)
{
    (void)state;
    struct match_settings s;
    char err[256];
    struct kv none[] = {{NULL, {0}}};
    assert_int_equal(load(none, &s, err, sizeof(err)), MATCH_OK);
    assert_float_equal(s.name_threshold, 0.92, 0);
    assert_float_equal(s.company_threshold, 0.90, 0);
    assert_float_equal(s.review_threshold, 0.85, 0);
    assert_true(s.email_plus);
    assert_true(s.nicknames);
    assert_false(s.weak_review);
    assert_int_equal(s.min_phone_digits, 7);

    struct kv all[] = {{"nameThreshold", {.type = MATCH_V_NUMBER, .number = 0.95}},
                       {"companyThreshold", {.type = MATCH_V_NUMBER, .number = 0.8}},
                       {"reviewThreshold", {.type = MATCH_V_NUMBER, .number = 0.9}},
                       {"emailPlusAddressing", {.type = MATCH_V_BOOL, .boolean = false}},
                       {"useNicknames", {.type = MATCH_V_BOOL, .boolean = false}},
                       {"weakMatch", {.type = MATCH_V_STRING, .string = "review"}},
                       {"minPhoneDigits", {.type = MATCH_V_NUMBER, .number = 9}},
                       {NULL, {0}}};
    assert_int_equal(load(all, &s, err, sizeof(err)), MATCH_OK);
    assert_float_equal(s.name_threshold, 0.95, 0);
    assert_float_equal(s.company_threshold, 0.8, 0);
    assert_float_equal(s.review_threshold, 0.9, 0);
    assert_false(s.email_plus);
    assert_false(s.nicknames);
    assert_true(s.weak_review);
    assert_int_equal(s.min_phone_digits, 9);
    /* Every key the loader reads is in the published list. */
    size_t nkeys = 0;
    while (match_settings_keys[nkeys])
        nkeys++;
    assert_int_equal(nkeys, sizeof(all) / sizeof(all[0]) - 1);
}

static void expect_invalid(struct kv *kv, const char *needle)
{
    struct match_settings s;
    char err[256];
    assert_int_equal(load(kv, &s, err, sizeof(err)), MATCH_E_INVALID);
    if (!strstr(err, needle))
        fail_msg("message \"%s\" does not contain \"%s\"", err, needle);
}

static void test_settings_invalid_name_the_key(void **state)
{
    (void)state;
    struct kv a[] = {{"nameThreshold", {.type = MATCH_V_NUMBER, .number = 1.5}}, {NULL, {0}}};
    expect_invalid(a,
                   "settings.sfns.contacts.nameThreshold: must be a number from 0 to 1, got 1.5");
    struct kv b[] = {{"companyThreshold", {.type = MATCH_V_STRING, .string = "high"}}, {NULL, {0}}};
    expect_invalid(b, "settings.sfns.contacts.companyThreshold: must be a number from 0 to 1, got "
                      "the string \"high\"");
    struct kv c[] = {{"emailPlusAddressing", {.type = MATCH_V_STRING, .string = "yes"}},
                     {NULL, {0}}};
    expect_invalid(
        c, "settings.sfns.contacts.emailPlusAddressing: must be true or false, got the string");
    struct kv d[] = {{"weakMatch", {.type = MATCH_V_STRING, .string = "maybe"}}, {NULL, {0}}};
    expect_invalid(d, "settings.sfns.contacts.weakMatch: must be \"update\" or \"review\", got the "
                      "string \"maybe\"");
    struct kv e[] = {{"minPhoneDigits", {.type = MATCH_V_NUMBER, .number = 7.5}}, {NULL, {0}}};
    expect_invalid(
        e, "settings.sfns.contacts.minPhoneDigits: must be a whole number from 5 to 10, got 7.5");
    struct kv f[] = {{"reviewThreshold", {.type = MATCH_V_NUMBER, .number = 0.95}}, {NULL, {0}}};
    expect_invalid(
        f, "settings.sfns.contacts.reviewThreshold: must not be above nameThreshold (0.95 > 0.92)");
    struct kv g[] = {{"useNicknames", {.type = MATCH_V_OTHER}}, {NULL, {0}}};
    expect_invalid(
        g, "settings.sfns.contacts.useNicknames: must be true or false, got an array or an object");
}

/* ---- decisions ---------------------------------------------------------------------------- */

struct fixture {
    struct match_set *set;
};

static int setup(void **state)
{
    static struct fixture f;
    f.set = match_set_new(NULL);
    *state = &f;
    return f.set ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    match_set_free(f->set);
    return 0;
}

static long add(struct match_set *set, enum match_side side, const char *id, const char *first,
                const char *last, const char *mail, const char *tel, const char *company_id,
                const char *company_name)
{
    struct match_contact c = {.id = id,
                              .first_name = first,
                              .last_name = last,
                              .email = mail,
                              .phone = tel,
                              .company_id = company_id,
                              .company_name = company_name};
    long i = match_set_add(set, side, &c);
    assert_true(i >= 0);
    return i;
}

static struct match_result result(struct match_set *set, long i)
{
    struct match_result r;
    assert_int_equal(match_set_result(set, (size_t)i, &r), MATCH_OK);
    return r;
}

static const char *ns_id(struct match_set *set, const struct match_result *r, size_t k)
{
    assert_true(k < r->ncandidates);
    return match_set_id(set, MATCH_NS, r->candidates[k]);
}

#define ACCT "0015g00000AbCdEfGh"

static void test_update_by_email_variants(void **state)
{
    struct match_set *set = ((struct fixture *)*state)->set;
    long a = add(set, MATCH_SF, "003A", "Ann", "Lee", " Ann.Lee+crm@Example.com", NULL, ACCT, NULL);
    add(set, MATCH_NS, "101", "Anne", "Lee", "ann.lee@example.COM", NULL, NULL, NULL);
    add(set, MATCH_NS, "102", "Bob", "Stone", "bob@example.com", NULL, NULL, NULL);
    assert_int_equal(match_set_run(set, NULL, NULL), MATCH_OK);
    struct match_result r = result(set, a);
    assert_int_equal(r.decision, MATCH_UPDATE);
    assert_int_equal(r.ncandidates, 1);
    assert_string_equal(ns_id(set, &r, 0), "101");
    assert_string_equal(r.reason, "email");
    assert_float_equal(r.score, 1.0, 0);
    assert_int_equal(r.group, a);
    assert_int_equal(r.group_size, 1);
}

static void test_create_when_nothing_matches(void **state)
{
    struct match_set *set = ((struct fixture *)*state)->set;
    long a = add(set, MATCH_SF, "003A", "Ann", "Lee", "ann@x.org", "312 555 0100", ACCT, "Acme");
    add(set, MATCH_NS, "101", "Zed", "Quill", "zed@y.org", "312 555 0199", ACCT, "Acme");
    assert_int_equal(match_set_run(set, NULL, NULL), MATCH_OK);
    struct match_result r = result(set, a);
    assert_int_equal(r.decision, MATCH_CREATE);
    assert_int_equal(r.ncandidates, 0);
    assert_string_equal(r.reason, "no match");
}

static void test_review_when_email_is_shared_by_two(void **state)
{
    struct match_set *set = ((struct fixture *)*state)->set;
    long a = add(set, MATCH_SF, "003A", "Ann", "Lee", "ann@x.org", NULL, NULL, NULL);
    add(set, MATCH_NS, "101", "Ann", "Lee", "ANN@x.org", NULL, NULL, NULL);
    add(set, MATCH_NS, "102", "Ann", "Lee", "ann@x.org ", NULL, NULL, NULL);
    assert_int_equal(match_set_run(set, NULL, NULL), MATCH_OK);
    struct match_result r = result(set, a);
    assert_int_equal(r.decision, MATCH_REVIEW);
    assert_int_equal(r.ncandidates, 2);
    assert_string_equal(ns_id(set, &r, 0), "101");
    assert_string_equal(ns_id(set, &r, 1), "102");
    assert_string_equal(r.reason, "several NetSuite contacts have this e-mail");
}

static void test_weak_update_by_name_company_phone(void **state)
{
    struct match_set *set = ((struct fixture *)*state)->set;
    /* A 15-character AccountId on one side and its 18-character form on the other; nickname,
     * typo in the last name and another phone format. */
    long a = add(set, MATCH_SF, "003A", "Bob", "Johnson", NULL, "(312) 596-1000", "0019000000B98de",
                 NULL);
    add(set, MATCH_NS, "101", "Robert", "Jonhson", "rj@home.example", "+1 312 596 1000",
        "0019000000B98deAAB", NULL);
    assert_int_equal(match_set_run(set, NULL, NULL), MATCH_OK);
    struct match_result r = result(set, a);
    assert_int_equal(r.decision, MATCH_UPDATE);
    assert_string_equal(ns_id(set, &r, 0), "101");
    assert_string_equal(r.reason, "name+company+phone");
    assert_true(r.score > 0.9 && r.score < 1.0);
}

static void test_weak_by_company_name_suffix_variant(void **state)
{
    struct match_set *set = ((struct fixture *)*state)->set;
    long a = add(set, MATCH_SF, "003A", "Maria", "Garcia", NULL, NULL, NULL, "Acme Corporation");
    add(set, MATCH_NS, "101", "Maria", "Garcia", NULL, NULL, NULL, "ACME, Inc.");
    assert_int_equal(match_set_run(set, NULL, NULL), MATCH_OK);
    struct match_result r = result(set, a);
    assert_int_equal(r.decision, MATCH_UPDATE);
    assert_string_equal(r.reason, "name+company");
}

static void test_weak_match_review_setting(void **state)
{
    (void)state;
    struct match_settings s;
    match_settings_default(&s);
    s.weak_review = true;
    struct match_set *set = match_set_new(&s);
    long a = add(set, MATCH_SF, "003A", "Maria", "Garcia", NULL, "5551234567", ACCT, NULL);
    add(set, MATCH_NS, "101", "Maria", "Garcia", NULL, "555-123-4567", ACCT, NULL);
    assert_int_equal(match_set_run(set, NULL, NULL), MATCH_OK);
    struct match_result r = result(set, a);
    assert_int_equal(r.decision, MATCH_REVIEW);
    assert_string_equal(r.reason, "weak match (weakMatch is review)");
    assert_int_equal(r.ncandidates, 1);
    match_set_free(set);
}

static void test_weak_ambiguous_and_phone_tie_break(void **state)
{
    struct match_set *set = ((struct fixture *)*state)->set;
    long a = add(set, MATCH_SF, "003A", "Maria", "Garcia", NULL, NULL, ACCT, NULL);
    long b = add(set, MATCH_SF, "003B", "Tom", "Baker", NULL, "555 123 4567", "001X", NULL);
    add(set, MATCH_NS, "101", "Maria", "Garcia", NULL, NULL, ACCT, NULL);
    add(set, MATCH_NS, "102", "Maria", "Garcia", NULL, NULL, ACCT, NULL);
    add(set, MATCH_NS, "201", "Tom", "Baker", NULL, NULL, "001X", NULL);
    add(set, MATCH_NS, "202", "Thomas", "Baker", NULL, "5551234567", "001X", NULL);
    assert_int_equal(match_set_run(set, NULL, NULL), MATCH_OK);
    struct match_result r = result(set, a);
    assert_int_equal(r.decision, MATCH_REVIEW);
    assert_int_equal(r.ncandidates, 2);
    assert_string_equal(r.reason, "several NetSuite contacts match by name and company");
    r = result(set, b);
    assert_int_equal(r.decision, MATCH_UPDATE);
    assert_string_equal(ns_id(set, &r, 0), "202");
}

static void test_possible_matches_go_to_review(void **state)
{
    struct match_set *set = ((struct fixture *)*state)->set;
    /* Same name and company, different office phones. */
    long a = add(set, MATCH_SF, "003A", "Maria", "Garcia", NULL, "555 123 4567", ACCT, NULL);
    add(set, MATCH_NS, "101", "Maria", "Garcia", NULL, "555 999 0000", ACCT, NULL);
    /* One e-mail, two people (a shared mailbox). */
    long b = add(set, MATCH_SF, "003B", "Tom", "Baker", "info@shop.example", NULL, NULL, NULL);
    add(set, MATCH_NS, "201", "Wilhelmina", "Ostrowski", "info@shop.example", NULL, NULL, NULL);
    /* Same name and company, different e-mails and no phone. */
    long c = add(set, MATCH_SF, "003C", "Li", "Wong", "li@a.example", NULL, "001Q", NULL);
    add(set, MATCH_NS, "301", "Li", "Wong", "li.wong@b.example", NULL, "001Q", NULL);
    assert_int_equal(match_set_run(set, NULL, NULL), MATCH_OK);
    struct match_result r = result(set, a);
    assert_int_equal(r.decision, MATCH_REVIEW);
    assert_string_equal(r.reason, "name+company, different phone");
    r = result(set, b);
    assert_int_equal(r.decision, MATCH_REVIEW);
    assert_string_equal(r.reason, "same e-mail, different name");
    r = result(set, c);
    assert_int_equal(r.decision, MATCH_REVIEW);
    assert_string_equal(r.reason, "name+company, different e-mail");
    assert_string_equal(ns_id(set, &r, 0), "301");
}

static void test_different_people_are_not_matched(void **state)
{
    struct match_set *set = ((struct fixture *)*state)->set;
    /* Same company, same last name, other first name; same name, other company. */
    long a = add(set, MATCH_SF, "003A", "John", "Smith", NULL, NULL, ACCT, NULL);
    add(set, MATCH_NS, "101", "Jane", "Smith", NULL, NULL, ACCT, NULL);
    long b = add(set, MATCH_SF, "003B", "Peter", "Novak", NULL, NULL, "001P", "Pine Ltd");
    add(set, MATCH_NS, "201", "Peter", "Novak", NULL, NULL, "001Q", "Oak Ltd");
    assert_int_equal(match_set_run(set, NULL, NULL), MATCH_OK);
    assert_int_not_equal(result(set, a).decision, MATCH_UPDATE);
    assert_int_equal(result(set, b).decision, MATCH_CREATE);
}

static void test_salesforce_duplicates_share_a_group(void **state)
{
    struct match_set *set = ((struct fixture *)*state)->set;
    long a = add(set, MATCH_SF, "003A", "Ann", "Lee", "ann@x.org", NULL, ACCT, NULL);
    long other = add(set, MATCH_SF, "003B", "Zed", "Quill", "zed@x.org", NULL, ACCT, NULL);
    long b = add(set, MATCH_SF, "003C", "Annie", "Lee", "ANN+old@x.org", NULL, ACCT, NULL);
    long c = add(set, MATCH_SF, "003D", "Ann", "Lee", NULL, NULL, ACCT, NULL);
    add(set, MATCH_NS, "101", "Ann", "Lee", NULL, "555 123 4567", "001OTHER", "Elsewhere");
    assert_int_equal(match_set_run(set, NULL, NULL), MATCH_OK);
    struct match_result ra = result(set, a), rb = result(set, b), rc = result(set, c),
                        ro = result(set, other);
    assert_int_equal(ra.group, a);
    assert_int_equal(rb.group, a);
    assert_int_equal(rc.group, a);
    assert_int_equal(ra.group_size, 3);
    assert_int_equal(ro.group, other);
    assert_int_equal(ro.group_size, 1);
    assert_int_equal(ra.decision, MATCH_CREATE);
    assert_int_equal(rb.decision, MATCH_CREATE);
}

static void test_group_strong_beats_weak(void **state)
{
    struct match_set *set = ((struct fixture *)*state)->set;
    /* One person in Salesforce twice (same name, company and phone); one copy matches NetSuite
     * 101 by e-mail, the other NetSuite 102 by name and company only: e-mail wins. */
    long a = add(set, MATCH_SF, "003A", "Ann", "Lee", "ann@x.org", "555 123 4567", ACCT, NULL);
    long b = add(set, MATCH_SF, "003B", "Ann", "Lee", NULL, "5551234567", ACCT, NULL);
    add(set, MATCH_NS, "101", "Ann", "Lee", "ann@x.org", NULL, NULL, NULL);
    add(set, MATCH_NS, "102", "Ann", "Lee", NULL, NULL, ACCT, NULL);
    assert_int_equal(match_set_run(set, NULL, NULL), MATCH_OK);
    struct match_result ra = result(set, a), rb = result(set, b);
    assert_int_equal(ra.group, a);
    assert_int_equal(rb.group, a);
    assert_int_equal(ra.decision, MATCH_UPDATE);
    assert_string_equal(ns_id(set, &ra, 0), "101");
    assert_int_equal(rb.decision, MATCH_UPDATE);
    assert_string_equal(ns_id(set, &rb, 0), "101");
}

static void test_group_with_two_strong_targets_is_review(void **state)
{
    struct match_set *set = ((struct fixture *)*state)->set;
    /* The two Salesforce copies carry different e-mails, each found in NetSuite: NetSuite has
     * the person twice, so the group goes to review with both. */
    long a = add(set, MATCH_SF, "003A", "Ann", "Lee", "ann@x.org", "555 123 4567", ACCT, NULL);
    long b = add(set, MATCH_SF, "003B", "Ann", "Lee", "ann.lee@y.org", "5551234567", ACCT, NULL);
    add(set, MATCH_NS, "101", "Ann", "Lee", "ann@x.org", NULL, NULL, NULL);
    add(set, MATCH_NS, "102", "Ann", "Lee", "ann.lee@y.org", NULL, NULL, NULL);
    assert_int_equal(match_set_run(set, NULL, NULL), MATCH_OK);
    struct match_result ra = result(set, a), rb = result(set, b);
    assert_int_equal(rb.group, a);
    assert_int_equal(ra.decision, MATCH_REVIEW);
    assert_int_equal(ra.ncandidates, 2);
    assert_string_equal(ra.reason, "several NetSuite contacts have this e-mail");
    assert_int_equal(rb.decision, MATCH_REVIEW);
}

static void test_nicknames_setting(void **state)
{
    (void)state;
    struct match_settings s;
    match_settings_default(&s);
    for (int on = 0; on < 2; on++) {
        s.nicknames = on;
        struct match_set *set = match_set_new(&s);
        long a = add(set, MATCH_SF, "003A", "Bill", "Turner", NULL, NULL, ACCT, NULL);
        add(set, MATCH_NS, "101", "William", "Turner", NULL, NULL, ACCT, NULL);
        assert_int_equal(match_set_run(set, NULL, NULL), MATCH_OK);
        assert_int_equal(result(set, a).decision, on ? MATCH_UPDATE : MATCH_CREATE);
        match_set_free(set);
    }
}

static void test_big_block_is_windowed(void **state)
{
    struct match_set *set = ((struct fixture *)*state)->set;
    /* 2,000 contacts on one switchboard number with distinct names: the phone block is compared
     * in name order within a window, not as 2 million pairs, and nobody matches. */
    char first[32], last[32], id[32];
    for (int i = 0; i < 2000; i++) {
        snprintf(id, sizeof(id), "SF%d", i);
        snprintf(first, sizeof(first), "F%c%c", 'a' + i % 26, 'a' + (i / 26) % 26);
        snprintf(last, sizeof(last), "L%c%c%c", 'a' + i % 7, 'a' + (i / 7) % 26,
                 'a' + (i / 182) % 26);
        add(set, i % 2 ? MATCH_NS : MATCH_SF, id, first, last, NULL, "312 555 0100", ACCT, NULL);
    }
    assert_int_equal(match_set_run(set, NULL, NULL), MATCH_OK);
    assert_true(match_set_pairs(set) < 2000u * 40u);
    for (size_t i = 0; i < match_set_count(set, MATCH_SF); i++)
        assert_int_equal(result(set, (long)i).decision, MATCH_CREATE);
}

static void progress_count(void *arg, size_t done, size_t total)
{
    size_t *calls = arg;
    assert_true(done <= total);
    (*calls)++;
}

static void test_state_errors_and_progress(void **state)
{
    struct match_set *set = ((struct fixture *)*state)->set;
    struct match_result r;
    long a = add(set, MATCH_SF, "003A", "Ann", "Lee", "ann@x.org", NULL, NULL, NULL);
    assert_int_equal(match_set_result(set, (size_t)a, &r), MATCH_E_STATE);
    struct match_contact c = {.id = "x"};
    assert_int_equal(match_set_add(set, (enum match_side)7, &c), MATCH_E_INVALID);
    size_t calls = 0;
    assert_int_equal(match_set_run(set, progress_count, &calls), MATCH_OK);
    assert_true(calls >= 1);
    assert_int_equal(match_set_run(set, NULL, NULL), MATCH_E_STATE);
    assert_int_equal(match_set_add(set, MATCH_NS, &c), MATCH_E_STATE);
    assert_int_equal(match_set_result(set, 5, &r), MATCH_E_INVALID);
    assert_string_equal(match_set_id(set, MATCH_SF, 0), "003A");
    assert_null(match_set_id(set, MATCH_SF, 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jaro_winkler_known_values),
        cmocka_unit_test(test_norm_email),
        cmocka_unit_test(test_norm_name),
        cmocka_unit_test(test_norm_company),
        cmocka_unit_test(test_norm_phone),
        cmocka_unit_test(test_norm_sfid),
        cmocka_unit_test(test_nicknames),
        cmocka_unit_test(test_settings_defaults_and_values),
        cmocka_unit_test(test_settings_invalid_name_the_key),
        cmocka_unit_test_setup_teardown(test_update_by_email_variants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_when_nothing_matches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_review_when_email_is_shared_by_two, setup, teardown),
        cmocka_unit_test_setup_teardown(test_weak_update_by_name_company_phone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_weak_by_company_name_suffix_variant, setup, teardown),
        cmocka_unit_test(test_weak_match_review_setting),
        cmocka_unit_test_setup_teardown(test_weak_ambiguous_and_phone_tie_break, setup, teardown),
        cmocka_unit_test_setup_teardown(test_possible_matches_go_to_review, setup, teardown),
        cmocka_unit_test_setup_teardown(test_different_people_are_not_matched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_salesforce_duplicates_share_a_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_strong_beats_weak, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_with_two_strong_targets_is_review, setup,
                                        teardown),
        cmocka_unit_test(test_nicknames_setting),
        cmocka_unit_test_setup_teardown(test_big_block_is_windowed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_errors_and_progress, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
