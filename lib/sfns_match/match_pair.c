/* match_pair.c — how alike two normalised contacts are: name, company and phone similarity, and
 * the pair's class (strong / weak / possible / none) and score (see match.h for the rules). */
#include <string.h>

#include "match_internal.h"

/* Below this name similarity an equal e-mail is a shared mailbox, not the same person. */
#define SHARED_MAILBOX_NAME 0.70
/* A weak match also needs first names that do not contradict ("John" vs "Jane"). */
#define WEAK_FIRST_FLOOR 0.80
/* A possible match (review) still needs first names this close: "Nora" and "Ned" Quist of one
 * company are two people, not a question. */
#define POSSIBLE_FIRST_FLOOR 0.75
/* First-name similarity when one side has no first name. */
#define FIRST_UNKNOWN 0.85
/* An initial against a name that starts with it ("J" vs "John"). */
#define FIRST_INITIAL 0.90

static double jw(const char *a, const char *b)
{
    return match_jaro_winkler(a, strlen(a), b, strlen(b));
}

double match_name_sim(const struct match_settings *s, const struct mcontact *a,
                      const struct mcontact *b, double *first_sim)
{
    double f = FIRST_UNKNOWN;
    if (first_sim)
        *first_sim = f;
    if (!a->last[0] || !b->last[0])
        return -1.0;
    double l = jw(a->last, b->last);
    if (a->first[0] && b->first[0]) {
        size_t la = strlen(a->first), lb = strlen(b->first);
        if (strcmp(a->first, b->first) == 0)
            f = 1.0;
        else if (s->nicknames && strcmp(a->first_canon, b->first_canon) == 0)
            f = 1.0;
        else if ((la == 1 || lb == 1) && a->first[0] == b->first[0])
            f = FIRST_INITIAL;
        else {
            f = jw(a->first, b->first);
            if (s->nicknames) {
                double fc = jw(a->first_canon, b->first_canon);
                f = fc > f ? fc : f;
            }
        }
    }
    if (first_sim)
        *first_sim = f;
    return (f + 2.0 * l) / 3.0;
}

double match_company_sim(const struct mcontact *a, const struct mcontact *b)
{
    if (a->company_id[0] && b->company_id[0] && strcmp(a->company_id, b->company_id) == 0)
        return 1.0;
    if (a->company[0] && b->company[0])
        return jw(a->company, b->company);
    if (a->company_id[0] && b->company_id[0])
        return 0.0;
    return -1.0;
}

/* 1: the phones support the match, -1: they contradict it, 0: nothing to say. */
static int phone_cmp(const struct mcontact *a, const struct mcontact *b)
{
    const char *pa[2] = {a->phone, a->mobile}, *pb[2] = {b->phone, b->mobile};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            if (pa[i][0] && pb[j][0] && strcmp(pa[i], pb[j]) == 0)
                return 1;
    /* Contradiction only between numbers of the same kind (office vs mobile is no conflict). */
    for (int i = 0; i < 2; i++)
        if (pa[i][0] && pb[i][0])
            return -1;
    return 0;
}

void match_pair_eval(const struct match_settings *s, const struct mcontact *a,
                     const struct mcontact *b, struct pair_eval *out)
{
    bool email_eq = a->email[0] && b->email[0] && strcmp(a->email, b->email) == 0;
    out->cls = MATCH_NONE;
    out->phone_support = false;
    out->reason = "no match";
    out->score = 0.0;
    /* Most pairs of a block are strangers: when even a perfect first name could not lift the
     * name to reviewThreshold, nothing else is computed. */
    if (!email_eq) {
        if (!a->last[0] || !b->last[0])
            return;
        double l = jw(a->last, b->last);
        if ((1.0 + 2.0 * l) / 3.0 < s->review_threshold)
            return;
    }
    double first = 0.0;
    double name = match_name_sim(s, a, b, &first);
    if (!email_eq && name < s->review_threshold)
        return;
    double company = match_company_sim(a, b);
    int phone = phone_cmp(a, b);
    bool email_diff = a->email[0] && b->email[0] && !email_eq;

    out->phone_support = phone > 0;
    double n = name < 0 ? 0.0 : name, c = company < 0 ? 0.0 : company;
    out->score = 0.6 * n + 0.3 * c + 0.1 * (phone > 0 ? 1.0 : phone < 0 ? 0.0 : 0.5);

    if (email_eq) {
        if (name >= 0 && name < SHARED_MAILBOX_NAME) {
            out->cls = MATCH_POSSIBLE;
            out->reason = "same e-mail, different name";
            return;
        }
        out->cls = MATCH_STRONG;
        out->score = 1.0;
        out->reason = "email";
        return;
    }
    bool name_ok = name >= s->name_threshold && first >= WEAK_FIRST_FLOOR;
    bool company_ok = company >= s->company_threshold;
    if (name_ok && company_ok) {
        if (phone > 0) {
            out->cls = MATCH_WEAK;
            out->reason = "name+company+phone";
        } else if (phone < 0) {
            out->cls = MATCH_POSSIBLE;
            out->reason = "name+company, different phone";
        } else if (email_diff) {
            out->cls = MATCH_POSSIBLE;
            out->reason = "name+company, different e-mail";
        } else {
            out->cls = MATCH_WEAK;
            out->reason = "name+company";
        }
        return;
    }
    if (first >= POSSIBLE_FIRST_FLOOR && (company_ok || phone > 0)) {
        out->cls = MATCH_POSSIBLE;
        out->reason = company_ok ? "similar name, same company" : "similar name, same phone";
        return;
    }
    if (name_ok && company < 0 && phone >= 0) {
        out->cls = MATCH_POSSIBLE;
        out->reason = "same name, company unknown";
    }
}
