/* match_settings.c — the matcher's settings: defaults and validation of each key, shared by the
 * sfns module (integrator.io settings) and `hookstack sfns match --settings FILE`. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "match.h"

const char *const match_settings_keys[] = {
    "nameThreshold", "companyThreshold", "reviewThreshold", "emailPlusAddressing",
    "useNicknames",  "weakMatch",        "minPhoneDigits",  NULL};

void match_settings_default(struct match_settings *s)
{
    s->name_threshold = 0.92;
    s->company_threshold = 0.90;
    s->review_threshold = 0.85;
    s->email_plus = true;
    s->nicknames = true;
    s->weak_review = false;
    s->min_phone_digits = 7;
}

static const char *type_name(enum match_value_type t)
{
    switch (t) {
    case MATCH_V_NUMBER:
        return "a number";
    case MATCH_V_BOOL:
        return "a boolean";
    case MATCH_V_STRING:
        return "a string";
    default:
        return "null, an array or an object";
    }
}

static int bad(char *err, size_t errlen, const char *key, const char *want,
               const struct match_value *v)
{
    if (v->type == MATCH_V_NUMBER)
        snprintf(err, errlen, "settings.%s must be %s, got %g", key, want, v->number);
    else if (v->type == MATCH_V_STRING)
        snprintf(err, errlen, "settings.%s must be %s, got the string \"%.40s\"", key, want,
                 v->string);
    else
        snprintf(err, errlen, "settings.%s must be %s, got %s", key, want, type_name(v->type));
    return MATCH_E_INVALID;
}

static int get_unit(match_lookup_fn lookup, void *arg, const char *key, double *dst, char *err,
                    size_t errlen)
{
    struct match_value v = {0};
    if (lookup(arg, key, &v) != 0)
        return MATCH_OK;
    if (v.type != MATCH_V_NUMBER || !isfinite(v.number) || v.number < 0 || v.number > 1)
        return bad(err, errlen, key, "a number from 0 to 1", &v);
    *dst = v.number;
    return MATCH_OK;
}

static int get_bool(match_lookup_fn lookup, void *arg, const char *key, bool *dst, char *err,
                    size_t errlen)
{
    struct match_value v = {0};
    if (lookup(arg, key, &v) != 0)
        return MATCH_OK;
    if (v.type != MATCH_V_BOOL)
        return bad(err, errlen, key, "true or false", &v);
    *dst = v.boolean;
    return MATCH_OK;
}

int match_settings_load(struct match_settings *s, match_lookup_fn lookup, void *arg, char *err,
                        size_t errlen)
{
    int rc;
    if ((rc = get_unit(lookup, arg, "nameThreshold", &s->name_threshold, err, errlen)) ||
        (rc = get_unit(lookup, arg, "companyThreshold", &s->company_threshold, err, errlen)) ||
        (rc = get_unit(lookup, arg, "reviewThreshold", &s->review_threshold, err, errlen)) ||
        (rc = get_bool(lookup, arg, "emailPlusAddressing", &s->email_plus, err, errlen)) ||
        (rc = get_bool(lookup, arg, "useNicknames", &s->nicknames, err, errlen)))
        return rc;
    struct match_value v = {0};
    if (lookup(arg, "weakMatch", &v) == 0) {
        if (v.type == MATCH_V_STRING && strcmp(v.string, "update") == 0)
            s->weak_review = false;
        else if (v.type == MATCH_V_STRING && strcmp(v.string, "review") == 0)
            s->weak_review = true;
        else
            return bad(err, errlen, "weakMatch", "\"update\" or \"review\"", &v);
    }
    if (lookup(arg, "minPhoneDigits", &v) == 0) {
        if (v.type != MATCH_V_NUMBER || v.number != floor(v.number) || v.number < 5 ||
            v.number > 10)
            return bad(err, errlen, "minPhoneDigits", "a whole number from 5 to 10", &v);
        s->min_phone_digits = (unsigned)v.number;
    }
    if (s->review_threshold > s->name_threshold) {
        snprintf(err, errlen,
                 "settings.reviewThreshold (%g) must not be above settings.nameThreshold (%g)",
                 s->review_threshold, s->name_threshold);
        return MATCH_E_INVALID;
    }
    return MATCH_OK;
}
