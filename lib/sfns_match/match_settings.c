/* match_settings.c — the matcher's settings: defaults and validation of each key, shared by the
 * sfns module (integrator.io settings) and `hookstack sfns match --settings FILE`. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "match.h"

const char *const match_settings_keys[] = {
    "nameThreshold", "companyThreshold", "reviewThreshold", "emailPlusAddressing",
    "useNicknames",  "weakMatch",        "minPhoneDigits",  NULL};

const char *const match_contact_keys[] = {
    "candidatesField", "nameThreshold",       "companyThreshold",
    "reviewThreshold", "emailPlusAddressing", "useNicknames",
    "weakMatch",       "minPhoneDigits",      NULL};

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
        return "an array or an object";
    }
}

struct load {
    match_lookup_fn lookup;
    void *arg;
    const char *prefix;
    char *err;
    size_t errlen;
};

static int bad(struct load *l, const char *key, const char *want, const struct match_value *v)
{
    if (v->type == MATCH_V_NUMBER)
        snprintf(l->err, l->errlen, "%s.%s: must be %s, got %g", l->prefix, key, want, v->number);
    else if (v->type == MATCH_V_STRING)
        snprintf(l->err, l->errlen, "%s.%s: must be %s, got the string \"%.40s\"", l->prefix, key,
                 want, v->string);
    else
        snprintf(l->err, l->errlen, "%s.%s: must be %s, got %s", l->prefix, key, want,
                 type_name(v->type));
    return MATCH_E_INVALID;
}

static int get_unit(struct load *l, const char *key, double *dst)
{
    struct match_value v = {0};
    if (l->lookup(l->arg, key, &v) != 0)
        return MATCH_OK;
    if (v.type != MATCH_V_NUMBER || !isfinite(v.number) || v.number < 0 || v.number > 1)
        return bad(l, key, "a number from 0 to 1", &v);
    *dst = v.number;
    return MATCH_OK;
}

static int get_bool(struct load *l, const char *key, bool *dst)
{
    struct match_value v = {0};
    if (l->lookup(l->arg, key, &v) != 0)
        return MATCH_OK;
    if (v.type != MATCH_V_BOOL)
        return bad(l, key, "true or false", &v);
    *dst = v.boolean;
    return MATCH_OK;
}

int match_settings_load(struct match_settings *s, const char *prefix, match_lookup_fn lookup,
                        void *arg, char *err, size_t errlen)
{
    struct load l = {.lookup = lookup, .arg = arg, .prefix = prefix, .err = err, .errlen = errlen};
    int rc;
    if ((rc = get_unit(&l, "nameThreshold", &s->name_threshold)) ||
        (rc = get_unit(&l, "companyThreshold", &s->company_threshold)) ||
        (rc = get_unit(&l, "reviewThreshold", &s->review_threshold)) ||
        (rc = get_bool(&l, "emailPlusAddressing", &s->email_plus)) ||
        (rc = get_bool(&l, "useNicknames", &s->nicknames)))
        return rc;
    struct match_value v = {0};
    if (lookup(arg, "weakMatch", &v) == 0) {
        if (v.type == MATCH_V_STRING && strcmp(v.string, "update") == 0)
            s->weak_review = false;
        else if (v.type == MATCH_V_STRING && strcmp(v.string, "review") == 0)
            s->weak_review = true;
        else
            return bad(&l, "weakMatch", "\"update\" or \"review\"", &v);
    }
    if (lookup(arg, "minPhoneDigits", &v) == 0) {
        if (v.type != MATCH_V_NUMBER || v.number != floor(v.number) || v.number < 5 ||
            v.number > 10)
            return bad(&l, "minPhoneDigits", "a whole number from 5 to 10", &v);
        s->min_phone_digits = (unsigned)v.number;
    }
    if (s->review_threshold > s->name_threshold) {
        snprintf(err, errlen, "%s.reviewThreshold: must not be above nameThreshold (%g > %g)",
                 prefix, s->review_threshold, s->name_threshold);
        return MATCH_E_INVALID;
    }
    return MATCH_OK;
}
