/* test_sfns_geo.c — the country and state tables of the sfns module (hooks/sfns/sfns_geo.c):
 * every ISO 3166-1 code and name and every US/Canadian ISO 3166-2 code and name (read from
 * Debian's iso-codes at run time) resolves through the C lookup; everyday names and spellings
 * resolve; unknown text does not; every country and state of the real sample Accounts resolves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <cmocka.h>

#include "../../hooks/sfns/sfns_geo.h"

#define ISO_DIR "/usr/share/iso-codes/json"

static const char *country(const char *text)
{
    const struct sfns_country *c = sfns_country_find(text, strlen(text));
    return c ? c->alpha2 : NULL;
}

static const char *state(const char *ctry, const char *text)
{
    const struct sfns_state *s = sfns_state_find(ctry, text, strlen(text));
    return s ? s->code : NULL;
}

static cJSON *load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (Debian package iso-codes)", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    cJSON *root = cJSON_ParseWithLength(buf, (size_t)n);
    free(buf);
    assert_non_null(root);
    return root;
}

static void test_key_normalisation(void **state_)
{
    (void)state_;
    char k[SFNS_GEO_KEY_MAX + 1];
    assert_int_equal(sfns_geo_key("  U.S.A. ", 9, k), 3);
    assert_string_equal(k, "usa");
    assert_true(sfns_geo_key("C\xc3\xb4te d\xe2\x80\x99Ivoire", 16, k) > 0);
    assert_string_equal(k, "cote divoire");
    assert_true(sfns_geo_key("Bosnia & Herzegovina", 20, k) > 0);
    assert_string_equal(k, "bosnia and herzegovina");
    assert_true(sfns_geo_key("The Netherlands", 15, k) > 0);
    assert_string_equal(k, "netherlands");
    assert_true(sfns_geo_key("Virgin Islands, U.S.", 20, k) > 0);
    assert_string_equal(k, "virgin islands us");
    assert_int_equal(sfns_geo_key(" - ", 3, k), -1);
    assert_int_equal(sfns_geo_key("", 0, k), -1);
    char longer[200];
    memset(longer, 'a', sizeof(longer));
    assert_int_equal(sfns_geo_key(longer, sizeof(longer), k), -1);
}

static void test_every_iso_country(void **state_)
{
    (void)state_;
    cJSON *root = load(ISO_DIR "/iso_3166-1.json");
    const cJSON *list = cJSON_GetObjectItem(root, "3166-1");
    int n = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, list)
    {
        const char *a2 = cJSON_GetStringValue(cJSON_GetObjectItem(c, "alpha_2"));
        static const char *const fields[] = {"alpha_2", "alpha_3", "name", "common_name",
                                             "official_name"};
        for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
            const char *text = cJSON_GetStringValue(cJSON_GetObjectItem(c, fields[i]));
            if (!text)
                continue;
            const char *got = country(text);
            if (!got || strcmp(got, a2) != 0)
                fail_msg("%s \"%s\" gave %s, expected %s", fields[i], text, got ? got : "nothing",
                         a2);
        }
        const struct sfns_country *byc = sfns_country_by_alpha2(a2);
        assert_non_null(byc);
        assert_string_equal(byc->alpha3, cJSON_GetStringValue(cJSON_GetObjectItem(c, "alpha_3")));
        n++;
    }
    assert_int_equal((size_t)n, sfns_country_count);
    cJSON_Delete(root);
}

static void test_everyday_country_names(void **state_)
{
    (void)state_;
    static const char *const cases[][2] = {
        {"USA", "US"},
        {"usa", "US"},
        {"U.S.", "US"},
        {"United States", "US"},
        {"united states of america", "US"},
        {"UK", "GB"},
        {"Great Britain", "GB"},
        {"England", "GB"},
        {"Deutschland", "DE"},
        {"Germany", "DE"},
        {"deu", "DE"},
        {"The Netherlands", "NL"},
        {"Holland", "NL"},
        {"C\xc3\xb4te d'Ivoire", "CI"},
        {"Ivory Coast", "CI"},
        {"South Korea", "KR"},
        {"Korea, Republic of", "KR"},
        {"Czech Republic", "CZ"},
        {"Turkey", "TR"},
        {"T\xc3\xbcrkiye", "TR"},
        {"Vietnam", "VN"},
        {"Taiwan", "TW"},
        {"Japan", "JP"},
        {"France", "FR"},
        {"M\xc3\xa9xico", "MX"},
        {"\xc3\x85land Islands", "AX"},
        {"Saint Barth\xc3\xa9lemy", "BL"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = country(cases[i][0]);
        if (!got || strcmp(got, cases[i][1]) != 0)
            fail_msg("\"%s\" gave %s, expected %s", cases[i][0], got ? got : "nothing",
                     cases[i][1]);
    }
    assert_null(country("Narnia"));
    assert_null(country("U"));
    assert_null(country("   "));
    assert_null(country("United"));
    assert_null(sfns_country_find(NULL, 0));
    assert_null(sfns_country_by_alpha2("ZZ"));
    assert_null(sfns_country_by_alpha2("us"));
    assert_string_equal(sfns_country_by_alpha2("BO")->name, "Bolivia");
}

static void test_every_iso_state(void **state_)
{
    (void)state_;
    cJSON *root = load(ISO_DIR "/iso_3166-2.json");
    const cJSON *list = cJSON_GetObjectItem(root, "3166-2");
    int us = 0, ca = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, list)
    {
        const char *code = cJSON_GetStringValue(cJSON_GetObjectItem(s, "code"));
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(s, "name"));
        char ctry[3] = {code[0], code[1], 0};
        if (strcmp(ctry, "US") != 0 && strcmp(ctry, "CA") != 0)
            continue;
        const char *texts[] = {code, code + 3, name};
        for (size_t i = 0; i < 3; i++) {
            const char *got = state(ctry, texts[i]);
            if (!got || strcmp(got, code + 3) != 0)
                fail_msg("%s \"%s\" gave %s, expected %s", ctry, texts[i], got ? got : "nothing",
                         code + 3);
        }
        if (ctry[0] == 'U')
            us++;
        else
            ca++;
    }
    /* 50 states, DC, 6 outlying areas; 10 provinces and 3 territories. */
    assert_int_equal(us, 57);
    assert_int_equal(ca, 13);
    assert_int_equal(sfns_state_count, 70);
    cJSON_Delete(root);
}

static void test_everyday_state_names(void **state_)
{
    (void)state_;
    assert_string_equal(state("US", "Hawaii"), "HI");
    assert_string_equal(state("US", "nc"), "NC");
    assert_string_equal(state("US", "Washington, D.C."), "DC");
    assert_string_equal(state("US", "District of Columbia"), "DC");
    assert_string_equal(state("US", "new york"), "NY");
    assert_string_equal(state("US", "Puerto Rico"), "PR");
    assert_string_equal(state("CA", "Qu\xc3\xa9"
                                    "bec"),
                        "QC");
    assert_string_equal(state("CA", "Newfoundland"), "NL");
    assert_string_equal(state("CA", "PEI"), "PE");
    assert_string_equal(state("CA", "British Columbia"), "BC");
    assert_string_equal(state("CA", "CA-ON"), "ON");
    assert_null(state("US", "Ontario"));
    assert_null(state("CA", "Texas"));
    assert_null(state("US", "Atlantis"));
    assert_null(state("GB", "Kent"));
    assert_null(state(NULL, "NY"));
    assert_true(sfns_state_has_codes("US"));
    assert_true(sfns_state_has_codes("CA"));
    assert_false(sfns_state_has_codes("MX"));
}

/* Every BillingCountry/ShippingCountry and, for US and Canadian addresses, every state of the
 * real sample Accounts resolves. */
static int sample_countries, sample_states;

static const cJSON *field(const cJSON *rec, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, name);
    return v ? v : cJSON_GetObjectItem(rec, name); /* apex-recipes uses lower-case keys */
}

static void check_account_addresses(const cJSON *rec, const char *file)
{
    static const char *const kinds[] = {"Billing", "Shipping"};
    for (int k = 0; k < 2; k++) {
        char cname[32], sname[32];
        snprintf(cname, sizeof(cname), "%sCountry", kinds[k]);
        snprintf(sname, sizeof(sname), "%sState", kinds[k]);
        const char *ctext = cJSON_GetStringValue(field(rec, cname));
        if (!ctext)
            continue;
        const struct sfns_country *c = sfns_country_find(ctext, strlen(ctext));
        if (!c)
            fail_msg("%s: %s \"%s\" is not a known country", file, cname, ctext);
        sample_countries++;
        const char *stext = cJSON_GetStringValue(field(rec, sname));
        if (stext && sfns_state_has_codes(c->alpha2)) {
            if (!sfns_state_find(c->alpha2, stext, strlen(stext)))
                fail_msg("%s: %s \"%s\" is not a state of %s", file, sname, stext, c->alpha2);
            sample_states++;
        }
    }
}

static void test_sample_accounts(void **state_)
{
    (void)state_;
    const char *shared = getenv("HS_SHARED_DIR");
    assert_non_null(shared);
    static const char *const files[] = {
        "sf-data-loader-examples/Account.json",
        "apex-recipes/Accounts.json",
        "lwc-recipes/Accounts.json",
        "dcarroll-data-import-test-org/Account.json",
        "ebikes-lwc/Accounts.json",
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/data/%s", shared, files[i]);
        cJSON *root = load(path);
        const cJSON *records = cJSON_GetObjectItem(root, "records");
        const cJSON *rec;
        const cJSON *all = records ? records : root;
        cJSON_ArrayForEach(rec, all)
        {
            check_account_addresses(rec, files[i]);
        }
        cJSON_Delete(root);
    }
    assert_true(sample_countries >= 50);
    assert_true(sample_states >= 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_normalisation),      cmocka_unit_test(test_every_iso_country),
        cmocka_unit_test(test_everyday_country_names), cmocka_unit_test(test_every_iso_state),
        cmocka_unit_test(test_everyday_state_names),   cmocka_unit_test(test_sample_accounts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
