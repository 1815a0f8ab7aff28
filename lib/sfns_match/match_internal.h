/* match_internal.h — what the matcher's own files share: a normalised contact and the pair
 * evaluation (match_pair.c), used by the set (match_set.c) and by the unit tests. */
#ifndef SFNS_MATCH_INTERNAL_H
#define SFNS_MATCH_INTERNAL_H

#include "match.h"

#define MATCH_MAX_KEYS 6

/* A contact after normalisation; strings live in the set's string pool ("" = absent). */
struct mcontact {
    const char *id;
    const char *email;
    const char *first;       /* normalised first name */
    const char *first_canon; /* its formal form when a nickname (else == first) */
    const char *last;
    const char *phone;  /* office phone digits */
    const char *mobile; /* mobile phone digits */
    const char *company_id;
    const char *company;
    uint64_t keys[MATCH_MAX_KEYS]; /* blocking key hashes, in key-type order */
    uint8_t nkeys;
};

struct pair_eval {
    enum match_class cls;
    double score;
    bool phone_support;
    const char *reason; /* static text */
};

/* Fills a normalised contact from raw fields; strings are written into buf (cap bytes, split as
 * needed) — the set copies them into its pool afterwards. Used by tests through match_set_add. */
void match_pair_eval(const struct match_settings *s, const struct mcontact *a,
                     const struct mcontact *b, struct pair_eval *out);

/* Similarities used by match_pair_eval (-1 when unknown on either side). */
double match_name_sim(const struct match_settings *s, const struct mcontact *a,
                      const struct mcontact *b, double *first_sim);
double match_company_sim(const struct mcontact *a, const struct mcontact *b);

#endif
