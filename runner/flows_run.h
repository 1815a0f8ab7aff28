/* flows_run.h — `hookstack flows run`: one flow of a flows/ folder run locally on a page of
 * records, no integrator.io (docs/flows.md, "Running a flow locally"). The export's preSavePage,
 * the routers (input filters and branching functions), and per import preMap, the mapping
 * (flows_map.h), postMap, the responses (given, or success with generated ids), postSubmit and the
 * step's response mapping. Hooks are called through a callback that takes a POST /function body,
 * so the CLI runs them the way `hookstack invoke` does and tests can run them any way. */
#ifndef HS_FLOWS_RUN_H
#define HS_FLOWS_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "arena.h"
#include "flows_set.h"
#include "json.h"

/* Calls function with the POST /function body (len bytes). 0 with *status and *resp (malloc'd,
 * *resp_len bytes, freed by the caller), or -1 with err filled when the call could not be made. */
typedef int (*flows_run_call_fn)(void *arg, const char *function, const char *body, size_t len,
                                 int *status, char **resp, size_t *resp_len, char *err,
                                 size_t errlen);

struct flows_run_opts {
    const struct flows_set *set;    /* the loaded folder */
    const char *flow;               /* local name of the flow */
    const char *export_name;        /* the page generator to run (local name); NULL: the first */
    const struct json_value *input; /* the page: an array of records */
    const struct json_value *responses; /* {"IMPORT": [response, ...]} or NULL */
    const struct json_value *settings;  /* merged over every hook's settings, or NULL */
    const char *export_time; /* preSavePage's currentExportDateTime (ISO 8601), or NULL */
    FILE *trace;             /* "[trace] STAGE JSON" lines, or NULL */
    flows_run_call_fn call;
    void *call_arg;
};

/* Runs the flow. 0 with *out = {"flow", "imports": [{"step", "import", "postMapData",
 * "responseData"}], "errors": [{"step", "record", "errors"}], "records": [...]}; -1 with a message
 * in err (the flow or a resource is not runnable, a mapping is not supported, a hook failed or
 * answered outside its contract); -2 when out of memory. */
int flows_run(struct arena *a, const struct flows_run_opts *o, struct json_value **out, char *err,
              size_t errlen);

/* Evaluates a router branch's inputFilter ({"version": "1", "rules": [...]}, or the same under
 * {"type": "expression", "expression": ...}) on record. 0 with *match, or -1 with a message in err
 * naming what is not supported; -2 when out of memory. */
int flows_filter_eval(struct arena *a, const struct json_value *filter,
                      const struct json_value *record, bool *match, char *err, size_t errlen);

#endif
