/* sfns_own.h — the field-ownership engine every sfns sync uses: per field a rule says which system
 * owns it; given what is known about a record pair (which side the record comes from, whether the
 * target exists, whether the NetSuite customer has an order, both last-modified times) the engine
 * says whether the source may write the field, and if not, why (for the log). Values are compared
 * in the target's terms (sfns_value), so a field the target already holds is not written again. */
#ifndef SFNS_OWN_H
#define SFNS_OWN_H

#include "sfns.h"
#include "sfns_text.h"

#include <stdint.h>

typedef enum sfns_side { SFNS_SALESFORCE = 0, SFNS_NETSUITE = 1 } sfns_side;

typedef enum sfns_rule {
    SFNS_RULE_SALESFORCE = 0,            /* "salesforce": Salesforce writes it, always */
    SFNS_RULE_NETSUITE = 1,              /* "netsuite": NetSuite writes it, always */
    SFNS_RULE_NETSUITE_ONCE_ORDERED = 2, /* "netsuite_once_ordered": Salesforce until the
                                            customer has an order, NetSuite from then on */
    SFNS_RULE_NEWEST = 3,                /* "newest": the record modified last wins */
    SFNS_RULE_CREATE_ONLY = 4,           /* "create_only": written when the target is created,
                                            never updated */
    SFNS_RULE_COUNT = 5
} sfns_rule;

/* "salesforce", "netsuite", ... by rule; NULL-terminated (an enum list for settings). */
extern const char *const sfns_rule_names[SFNS_RULE_COUNT + 1];

/* What is known about one record and its target. */
typedef struct sfns_own_facts {
    sfns_side source;      /* the system the record comes from */
    int target_exists;     /* the lookup found the target record */
    int ordered;           /* the NetSuite customer has an order */
    int source_time_known; /* source_ms holds the source's last-modified time */
    int target_time_known; /* target_ms holds the target's */
    int64_t source_ms;     /* milliseconds since the epoch */
    int64_t target_ms;
} sfns_own_facts;

/* Whether the source may write a field owned by `rule`. On 0, *reason is a static sentence for
 * the log ("owned by netsuite", "create_only: the target exists", ...). */
int sfns_own_may_write(sfns_rule rule, const sfns_own_facts *facts, const char **reason);

/* Reads settings <c>.<key>: an object whose keys are among `fields` (n of them) and whose values
 * are rule names; out[i] starts as defaults[i]. Problems are recorded on c. */
void sfns_own_read(sfns_conf *c, const char *key, const char *const *fields,
                   const sfns_rule *defaults, size_t n, sfns_rule *out);

/* A field's value in the terms of one system: canonical text (trimmed, codes normalised) and an
 * alternative (the name of a NetSuite reference whose text is its id). */
typedef struct sfns_value {
    sfns_presence presence;
    const char *text;
    const char *alt;
} sfns_value;

/* Whether the target already holds `want`: the texts are equal, or one side's alternative (a
 * reference's name, compared ignoring ASCII case) equals the other's text. Empty equals empty and
 * absent. */
int sfns_value_same(const sfns_value *want, const sfns_value *have);

#endif
