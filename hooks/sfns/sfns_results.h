/* sfns_results.h — NetSuite's answers for the sales orders and estimates an import created
 * (sfnsSalesOrderResult, postSubmit): the settings of settings.sfns.results with the error rules
 * that say which NetSuite errors mean what (sfns_results_conf.c), and the actionable messages for
 * each (sfns_results_errors.c). The postSubmit function itself is sfns_results.c. */
#ifndef SFNS_RESULTS_H
#define SFNS_RESULTS_H

#include "sfns_strings.h"

#include <stddef.h>

/* What a NetSuite error means, as a rule of settings.sfns.results.errorRules names it. */
typedef enum sfns_error_kind {
    SFNS_ERR_UNKNOWN_ITEM = 0,      /* "unknown_item": an item the order names is not in NetSuite */
    SFNS_ERR_UNKNOWN_REFERENCE = 1, /* "unknown_reference": another select value is unknown */
    SFNS_ERR_CLOSED_PERIOD = 2,     /* "closed_period": the order date's period is closed */
    SFNS_ERR_CREDIT_HOLD = 3,       /* "credit_hold": the customer is on credit hold / over limit */
    SFNS_ERR_DUPLICATE = 4,         /* "duplicate": the order exists already: skipped */
    SFNS_ERR_OTHER = 5,             /* "other": reworded with the rule's advice */
    SFNS_ERR_KIND_COUNT
} sfns_error_kind;

/* "unknown_item", "unknown_reference", ... (NULL-terminated, in enum order). */
extern const char *const sfns_error_kind_names[SFNS_ERR_KIND_COUNT + 1];

/* A rule: an error matches when its code is one of `codes` (none: any code) and its message
 * contains one of `contains` (none: any message), both ignoring ASCII case. */
typedef struct sfns_error_rule {
    sfns_strings codes;
    sfns_strings contains;
    sfns_error_kind kind;
    const char *advice; /* NULL: the kind's own */
} sfns_error_rule;

/* settings.sfns.results, read and checked once per record. */
typedef struct sfns_results {
    const char *netsuite_id_field; /* Opportunity field for the internal id; NULL: not written */
    const char *number_field;      /* ... for the transaction number; NULL: not written */
    const char *sync_error_field;  /* ... for the last error; NULL: not written */
    long sync_error_length;        /* bytes kept of that error */
    sfns_strings number_paths;     /* where NetSuite's answer (_json) holds the number */
    const char *result_key;        /* key of _json receiving the outcome */
    const sfns_error_rule *rules;  /* errorRules, then the defaults (unless switched off) */
    size_t nrules;
} sfns_results;

/* Reads and checks the settings; on a problem the invocation fails (422 invalid_setting naming
 * the key) and that status is returned. */
hs_status sfns_results_read(hs_ctx *ctx, sfns_results *out);

/* The first rule an error (code and message, either may be NULL) matches, or NULL. */
const sfns_error_rule *sfns_results_match(const sfns_results *r, const char *code,
                                          const char *message);

/* The kind a matched rule gives, refined by the message: an unknown reference whose field is
 * "item" is an unknown item. */
sfns_error_kind sfns_results_kind(sfns_error_kind kind, const char *message);

/* What the message for one NetSuite error knows about the record. */
typedef struct sfns_result_facts {
    const char *label;        /* "Opportunity 006..." */
    const char *record_word;  /* "sales order" or "estimate" */
    const hs_json *submitted; /* the record the import sent (postMapData[i]), or NULL */
} sfns_result_facts;

/* The actionable message for a NetSuite error (code and message as NetSuite gave them) of kind
 * `kind`, with the rule's advice when it has one (arena-owned; NULL past the memory limit). */
const char *sfns_results_message(hs_ctx *ctx, const sfns_result_facts *f, sfns_error_kind kind,
                                 const char *advice, const char *code, const char *message);

#endif
