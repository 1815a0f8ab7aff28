/* sfns_cases.h — Salesforce Cases -> NetSuite activities (sfnsCaseToActivity): the settings of
 * settings.sfns.cases (sfns_cases_conf.c: Service Cloud on or off, the activity record type, the
 * status and priority maps over built-in defaults, the billing and warranty flags) and the lookups
 * the page function (sfns_case.c) makes with them. docs/sfns-settings.md, "Cases", is the
 * user-facing description. */
#ifndef SFNS_CASES_H
#define SFNS_CASES_H

#include "sfns.h"

#include <stddef.h>

/* The NetSuite record a Case becomes. */
typedef enum sfns_activity {
    SFNS_ACTIVITY_SUPPORTCASE = 0, /* "supportcase" (the default) */
    SFNS_ACTIVITY_TASK = 1,        /* "task" */
    SFNS_ACTIVITY_PHONECALL = 2    /* "phonecall" */
} sfns_activity;

/* A billing or warranty flag: written to `field` as true when the Case's Type is one of `types`
 * or the Case's `flag_field` is true. */
typedef struct sfns_case_flag {
    int on;                   /* the group is configured: the flag is written */
    const char *field;        /* NetSuite field written */
    const char *const *types; /* Case Type values that set it (ASCII case ignored), ntypes */
    size_t ntypes;
    const char *flag_field; /* Salesforce Case field (a checkbox) that sets it; NULL: none */
} sfns_case_flag;

typedef struct sfns_cases_conf {
    int service_cloud;            /* serviceCloud: off (0) skips every record */
    sfns_activity activity;       /* activity */
    const char *record_type;      /* its NetSuite record type id ("supportcase") */
    const hs_json *status_map;    /* statusMap: Salesforce Status -> NetSuite status; NULL: none */
    const char *default_status;   /* defaultStatus; NULL: an unmapped Status is an error */
    const hs_json *priority_map;  /* priorityMap; NULL: none */
    const char *default_priority; /* defaultPriority; NULL: an unmapped Priority is an error */
    int link_contact;             /* linkContact: ContactId -> contact */
    sfns_case_flag billing, warranty;
} sfns_cases_conf;

/* Reads settings.sfns.cases; on a problem the invocation fails (422 invalid_setting naming the
 * key) and that status is returned. */
hs_status sfns_cases_conf_read(hs_ctx *ctx, sfns_cases_conf *c);

/* The NetSuite status for a Salesforce Status: statusMap, then the built-in map of the activity
 * (both matched ignoring ASCII case), then defaultStatus; NULL when none gives one. *via says
 * which ("statusMap", "built-in", "defaultStatus"). */
const char *sfns_cases_status(hs_ctx *ctx, const sfns_cases_conf *c, const char *status,
                              const char **via);

/* The same for Priority (priorityMap, built-in, defaultPriority). */
const char *sfns_cases_priority(hs_ctx *ctx, const sfns_cases_conf *c, const char *priority,
                                const char **via);

#endif
