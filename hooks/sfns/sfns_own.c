/* sfns_own.c — the field-ownership engine (see sfns_own.h). */
#include "sfns_own.h"

#include <string.h>

const char *const sfns_rule_names[SFNS_RULE_COUNT + 1] = {
    "salesforce", "netsuite", "netsuite_once_ordered", "newest", "create_only", NULL,
};

int sfns_own_may_write(sfns_rule rule, const sfns_own_facts *f, const char **reason)
{
    int from_sf = f->source == SFNS_SALESFORCE;
    *reason = NULL;
    switch (rule) {
    case SFNS_RULE_SALESFORCE:
        if (!from_sf)
            *reason = "owned by salesforce";
        break;
    case SFNS_RULE_NETSUITE:
        if (from_sf)
            *reason = "owned by netsuite";
        break;
    case SFNS_RULE_NETSUITE_ONCE_ORDERED:
        if (from_sf && f->ordered)
            *reason = "owned by netsuite: the customer has an order";
        else if (!from_sf && !f->ordered)
            *reason = "owned by salesforce until the customer has an order";
        break;
    case SFNS_RULE_NEWEST:
        if (!f->target_exists)
            break;
        if (!f->source_time_known)
            *reason = "newest: the record has no last-modified time";
        else if (f->target_time_known && f->target_ms >= f->source_ms)
            *reason = "newest: the target was modified at the same time or later";
        break;
    case SFNS_RULE_CREATE_ONLY:
        if (f->target_exists)
            *reason = "create_only: the target exists";
        else if (!from_sf)
            *reason = "create_only: this flow updates existing records only";
        break;
    default:
        *reason = "no ownership rule";
        break;
    }
    return *reason == NULL;
}

void sfns_own_read(sfns_conf *c, const char *key, const char *const *fields,
                   const sfns_rule *defaults, size_t n, sfns_rule *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = defaults[i];
    sfns_conf rules;
    /* fields is NULL-terminated by the caller's table: it doubles as the key list. */
    sfns_conf_open_child(&rules, c, key, fields);
    for (size_t i = 0; i < n && rules.obj != NULL; i++) {
        const char *name = sfns_conf_enum(&rules, fields[i], sfns_rule_names, NULL);
        for (size_t r = 0; name != NULL && r < SFNS_RULE_COUNT; r++)
            if (strcmp(name, sfns_rule_names[r]) == 0)
                out[i] = (sfns_rule)r;
    }
    sfns_conf_merge(c, &rules);
}

static int text_eq(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

int sfns_value_same(const sfns_value *want, const sfns_value *have)
{
    int want_empty = want->presence != SFNS_TEXT;
    int have_empty = have->presence != SFNS_TEXT;
    if (want_empty || have_empty)
        return want_empty && have_empty;
    return text_eq(want->text, have->text) ||
           (want->alt != NULL && sfns_streq_nocase(want->alt, have->text)) ||
           (have->alt != NULL && sfns_streq_nocase(have->alt, want->text));
}
