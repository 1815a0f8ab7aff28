/* fuzz_sfns_ids.c — libFuzzer target for the sfns module's parsers of untrusted record text that
 * need no hook API: Salesforce Ids (hooks/sfns/sfns_sfid.c) and country/state names
 * (hooks/sfns/sfns_geo.c). Arbitrary bytes never crash them, and what they accept is consistent:
 * a converted Id is 18 valid characters that convert to themselves and whose first 15 give the
 * same Id; a country found by name is found again by its alpha-2 and alpha-3 codes; a state found
 * is found again by its code. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../hooks/sfns/sfns_geo.c"
#include "../../hooks/sfns/sfns_geo_data.c"
#include "../../hooks/sfns/sfns_sfid.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_sfns_ids: %s\n", what);
        abort();
    }
}

static void check_id(const char *text, size_t len)
{
    char out[19], again[19], from15[19];
    if (sfns_sfid_to18(text, len, out) != SFNS_SFID_OK)
        return;
    check(strlen(out) == 18, "an Id is 18 characters");
    check(sfns_sfid_to18(out, 18, again) == SFNS_SFID_OK && strcmp(again, out) == 0,
          "an 18-character Id converts to itself");
    check(sfns_sfid_to18(out, 15, from15) == SFNS_SFID_OK && strcmp(from15, out) == 0,
          "the first 15 characters give the same Id");
}

static void check_geo(const char *text, size_t len)
{
    char key[SFNS_GEO_KEY_MAX + 1];
    int n = sfns_geo_key(text, len, key);
    check(n < 0 || (size_t)n == strlen(key), "the key's length");
    const struct sfns_country *c = sfns_country_find(text, len);
    if (c != NULL) {
        check(sfns_country_find(c->alpha2, 2) == c, "found again by alpha-2");
        check(sfns_country_find(c->alpha3, 3) == c, "found again by alpha-3");
        check(sfns_country_by_alpha2(c->alpha2) == c, "by_alpha2");
    }
    static const char *const countries[] = {"US", "CA"};
    for (size_t i = 0; i < 2; i++) {
        const struct sfns_state *s = sfns_state_find(countries[i], text, len);
        if (s != NULL)
            check(sfns_state_find(countries[i], s->code, strlen(s->code)) == s,
                  "a state found again by its code");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The functions read exactly len bytes; a copy without a terminator catches over-reads. */
    char *text = malloc(size ? size : 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    check_id(text, size);
    check_geo(text, size);
    free(text);
    return 0;
}
