/* sfns.h — what the files of the sfns module (Salesforce <-> NetSuite hooks) share: the API table,
 * one registration function per function file, strict settings reading (sfns_settings.c) and the
 * preMap answer elements (sfns_result.c). Internal to the module; docs/sfns-settings.md is the
 * user-facing description of the settings and conventions. */
#ifndef SFNS_H
#define SFNS_H

#include "hookstack.h"

/* The runner's API table, set by the module's init before any registration function runs. */
extern const hs_api *sfns_api;

/* ---- registration: one function per function file, called by init (sfns.c) ---------------- */

typedef hs_status (*sfns_register_fn)(hs_module *mod);

hs_status sfns_account_register(hs_module *mod);  /* sfns_account.c: sfnsAccountToCustomer */
hs_status sfns_customer_register(hs_module *mod); /* sfns_customer.c: sfnsCustomerToAccount */
hs_status sfns_contact_register(hs_module *mod);  /* sfns_contact.c: sfnsContactToContact */
hs_status sfns_items_register(hs_module *mod);    /* sfns_items.c: sfnsItemsToPricebook */
/* sfns_opportunity.c: sfnsOpportunityToSalesOrder */
hs_status sfns_opportunity_register(hs_module *mod);
hs_status sfns_route_register(hs_module *mod);   /* sfns_route.c: sfnsOrderRoute */
hs_status sfns_results_register(hs_module *mod); /* sfns_results.c: sfnsSalesOrderResult */
hs_status sfns_invoice_register(hs_module *mod); /* sfns_invoice.c: sfnsInvoiceStatus */
hs_status sfns_case_register(hs_module *mod);    /* sfns_case.c: sfnsCaseToActivity */

/* ---- settings (sfns_settings.c) ----------------------------------------------------------- */

/* Where the settings of the module live: options.settings.sfns. */
#define SFNS_SETTINGS_ROOT "sfns"

/* Reads one settings object strictly. Every reader records the first problem it meets (a value
 * of the wrong type, an unknown key, a value outside its set) as a message that names the key by
 * its full path ("settings.sfns.accounts.subsidiaryByCountry.XX: ..."); later readers then
 * return their defaults and record nothing. sfns_conf_check ends the reading: HS_OK, or the
 * page fails with 422 invalid_setting and that message. */
typedef struct sfns_conf {
    hs_ctx *ctx;
    const hs_json *obj; /* the object read; NULL when absent (every key at its default) */
    const char *path;   /* its path for messages, e.g. "settings.sfns.accounts" */
    const char *error;  /* the first problem (arena-owned), NULL while there is none */
} sfns_conf;

/* Opens settings.sfns.<section>, or settings.sfns itself when section is NULL. `known` is the
 * NULL-terminated list of keys the section may hold; any other key is a problem (a typo must not
 * fall back to a default silently). settings.sfns is always checked against the module-wide list
 * of shared keys and section names (sfns_settings.c), whatever `known` says. Absent or null:
 * every key at its default. Not an object: a problem. */
void sfns_conf_open(sfns_conf *c, hs_ctx *ctx, const char *section, const char *const *known);
/* Opens the object at `key` of an open object (a nested group of settings), with its own key
 * list (known NULL: any key). */
void sfns_conf_open_child(sfns_conf *child, sfns_conf *parent, const char *key,
                          const char *const *known);
/* Opens `value` (an element of an array setting, say) as a child object called `name` under
 * parent: messages name it "<parent path>.<name>" ("settings.sfns.currency.rates[2]"). */
void sfns_conf_open_value(sfns_conf *child, sfns_conf *parent, const char *name,
                          const hs_json *value, const char *const *known);
/* The raw value of key (borrowed), NULL when absent or null. */
const hs_json *sfns_conf_get(const sfns_conf *c, const char *key);
/* A string (def when absent or null; a non-string is a problem). */
const char *sfns_conf_string(sfns_conf *c, const char *key, const char *def);
/* A NetSuite internal id or other identifier: a non-empty string, or an integer number written
 * as its decimal digits (def when absent or null). */
const char *sfns_conf_id(sfns_conf *c, const char *key, const char *def);
/* A boolean (def when absent or null). */
int sfns_conf_bool(sfns_conf *c, const char *key, int def);
/* An integer in [min, max] (def when absent or null). */
long sfns_conf_int(sfns_conf *c, const char *key, long def, long min, long max);
/* One of the NULL-terminated `allowed` strings (def when absent or null); the message lists them.
 */
const char *sfns_conf_enum(sfns_conf *c, const char *key, const char *const *allowed,
                           const char *def);
/* An exact decimal: a JSON number (read through its shortest text, so 0.94 is exactly 0.94) or a
 * decimal string ("0.94"). 1 when read into *out, 0 when absent or null (*out untouched), -1 on a
 * problem (recorded). The _value form reads v and names it `key` in a message. */
int sfns_conf_decimal(sfns_conf *c, const char *key, hs_decimal *out);
int sfns_conf_decimal_value(sfns_conf *c, const char *key, const hs_json *v, hs_decimal *out);
/* The value of key when it has `type` (HS_JSON_ARRAY or HS_JSON_OBJECT); NULL when absent or null,
 * and on a problem (recorded). */
const hs_json *sfns_conf_typed(sfns_conf *c, const char *key, hs_json_type type);
/* An object whose every value is an identifier as sfns_conf_id reads it (a map such as Salesforce
 * owner id -> NetSuite employee id). NULL when absent or null (and on a problem). Read a value
 * with sfns_map_id. */
const hs_json *sfns_conf_id_map(sfns_conf *c, const char *key);
/* The identifier v holds (a non-empty string, or an integer number as its digits), or NULL. */
const char *sfns_id_text(hs_ctx *ctx, const hs_json *v);
/* The identifier a map read with sfns_conf_id_map gives for key, or NULL. */
const char *sfns_map_id(hs_ctx *ctx, const hs_json *map, const char *key);
/* Records a problem with key (NULL: the object itself) unless one is already recorded. */
void sfns_conf_invalid(sfns_conf *c, const char *key, const char *fmt, ...) HS_PRINTF(3, 4);
/* Copies a child's problem into its parent (the first one wins). */
void sfns_conf_merge(sfns_conf *parent, const sfns_conf *child);
/* HS_OK when nothing was wrong; else fails the invocation with code "invalid_setting". */
hs_status sfns_conf_check(sfns_conf *c);

/* ---- preMap answer elements (sfns_result.c) ----------------------------------------------- */

/* The source every per-record error carries. */
#define SFNS_ERROR_SOURCE "sfns"

/* {"data": data}. NULL when out of memory. */
hs_json *sfns_result_data(hs_ctx *ctx, hs_json *data);
/* {} : the record is skipped. */
hs_json *sfns_result_skip(hs_ctx *ctx);
/* {"errors":[{"code":code,"message":message,"source":"sfns"}]}: the record is not imported and
 * integrator.io shows the message. */
hs_json *sfns_result_error(hs_ctx *ctx, const char *code, const char *message);

/* Adds {"code","message","source":"sfns"} to *errors (the array made on first use). */
hs_status sfns_errors_add(hs_ctx *ctx, hs_json **errors, const char *code, const char *fmt, ...)
    HS_PRINTF(4, 5);
/* {"errors": errors}. */
hs_json *sfns_result_errors(hs_ctx *ctx, hs_json *errors);

/* The answer element for one record of a preMap page: data[index] of count. Return NULL only
 * when out of memory (the page then fails). */
typedef hs_json *(*sfns_record_fn)(hs_ctx *ctx, void *state, hs_json *record, size_t index,
                                   size_t count);
/* Runs fn over options.data and sets *result to the array of its elements (same length as
 * data). Fails the page (422 invalid_options) when options.data is not an array. */
hs_status sfns_premap_page(hs_ctx *ctx, hs_json *options, sfns_record_fn fn, void *state,
                           hs_json **result);

#endif
