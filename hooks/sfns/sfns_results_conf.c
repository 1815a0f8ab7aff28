/* sfns_results_conf.c — settings.sfns.results read and checked into an sfns_results: the
 * write-back fields, where NetSuite's answer holds the transaction number, and the error rules
 * (errorRules first, then the defaults below); docs/sfns-settings.md ("Results back") describes
 * every key and lists the default rules. */
#include "sfns_results.h"

#include "sfns_nserror.h"

#include <string.h>

const char *const sfns_error_kind_names[SFNS_ERR_KIND_COUNT + 1] = {
    "unknown_item", "unknown_reference", "closed_period", "credit_hold", "duplicate", "other", NULL,
};

static const char *const keys[] = {
    "netsuiteIdField", "transactionNumberField", "syncErrorField",
    "syncErrorLength", "transactionNumberPaths", "resultKey",
    "errorRules",      "defaultErrorRules",      NULL,
};
static const char *const rule_keys[] = {"codes", "messageContains", "kind", "advice", NULL};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define LIST(a)                                                                                    \
    {                                                                                              \
        a, COUNT(a)                                                                                \
    }
#define NONE                                                                                       \
    {                                                                                              \
        NULL, 0                                                                                    \
    }

static const char *const default_paths[] = {"tranid", "tranId", "transactionNumber"};

/* NetSuite's codes and phrases for each meaning. SOAP's fault codes (DUP_RCRD, CLOSED_TRAN_PRD,
 * INVALID_KEY_OR_REF, ...) and the words of its messages; RESTlet and SuiteScript answers carry
 * the same codes, or only the message. */
static const char *const dup_codes[] = {"DUP_RCRD", "DUP_RECORD"};
static const char *const dup_words[] = {"same external id", "external id already exists",
                                        "duplicate external id"};
static const char *const item_words[] = {"item reference key"};
static const char *const ref_codes[] = {"INVALID_KEY_OR_REF", "INVALID_FLD_VALUE",
                                        "INVALID_REF_KEY"};
static const char *const period_codes[] = {"CLOSED_TRAN_PRD", "INVALID_ACCT_PRD"};
static const char *const period_words[] = {"closed period", "period is closed", "period closed",
                                           "locked period", "period is locked"};
static const char *const credit_codes[] = {"BALANCE_EXCEEDS_CREDIT_LIMIT"};
static const char *const credit_words[] = {"credit hold", "credit limit"};

static const sfns_error_rule default_rules[] = {
    {LIST(dup_codes), NONE, SFNS_ERR_DUPLICATE, NULL},
    {NONE, LIST(dup_words), SFNS_ERR_DUPLICATE, NULL},
    {NONE, LIST(item_words), SFNS_ERR_UNKNOWN_ITEM, NULL},
    {LIST(ref_codes), NONE, SFNS_ERR_UNKNOWN_REFERENCE, NULL},
    {LIST(period_codes), NONE, SFNS_ERR_CLOSED_PERIOD, NULL},
    {NONE, LIST(period_words), SFNS_ERR_CLOSED_PERIOD, NULL},
    {LIST(credit_codes), NONE, SFNS_ERR_CREDIT_HOLD, NULL},
    {NONE, LIST(credit_words), SFNS_ERR_CREDIT_HOLD, NULL},
};

/* A field name: a non-empty string, false to write nothing there (def when absent or null). */
static const char *field_or_off(sfns_conf *c, const char *key, const char *def)
{
    const hs_json *v = sfns_conf_get(c, key);
    if (sfns_api->json_type(v) == HS_JSON_BOOL && !sfns_api->json_bool(v, 1))
        return NULL;
    if (v != NULL && sfns_api->json_type(v) != HS_JSON_STRING) {
        sfns_conf_invalid(c, key, "must be a field name, or false to write none, got %s",
                          sfns_type_name(v));
        return def;
    }
    const char *s = sfns_conf_string(c, key, def);
    if (s != NULL && s[0] == '\0') {
        sfns_conf_invalid(c, key, "must name a field (a non-empty string), or be false");
        return def;
    }
    return s;
}

/* One element of errorRules. */
static int read_rule(sfns_conf *c, size_t i, const hs_json *v, sfns_error_rule *out)
{
    sfns_conf e = {.ctx = c->ctx,
                   .obj = v,
                   .path = sfns_api->sprintf(c->ctx, "%s.errorRules[%zu]", c->path, i),
                   .error = NULL};
    if (e.path == NULL) {
        sfns_conf_invalid(c, "errorRules", "out of memory");
        return 0;
    }
    if (sfns_api->json_type(v) != HS_JSON_OBJECT) {
        sfns_conf_invalid(&e, NULL,
                          "must be an object {\"codes\", \"messageContains\", \"kind\", "
                          "\"advice\"}, got %s",
                          sfns_type_name(v));
        sfns_conf_merge(c, &e);
        return 0;
    }
    size_t n = sfns_api->json_len(v);
    for (size_t k = 0; k < n; k++) {
        size_t len = 0;
        const char *key = sfns_api->json_key_at(v, k, &len);
        int known = 0;
        for (size_t m = 0; rule_keys[m] != NULL; m++)
            known |= strlen(rule_keys[m]) == len && memcmp(rule_keys[m], key, len) == 0;
        if (!known) {
            sfns_conf_invalid(&e, NULL, "unknown key \"%.*s\" (check its spelling)", (int)len, key);
            sfns_conf_merge(c, &e);
            return 0;
        }
    }
    out->codes = sfns_conf_strings(&e, "codes", NULL, 0);
    out->contains = sfns_conf_strings(&e, "messageContains", NULL, 0);
    if (sfns_conf_get(&e, "kind") == NULL)
        sfns_conf_invalid(&e, "kind",
                          "is required: one of \"unknown_item\", "
                          "\"unknown_reference\", \"closed_period\", \"credit_hold\", "
                          "\"duplicate\", \"other\"");
    const char *kind = sfns_conf_enum(&e, "kind", sfns_error_kind_names, "other");
    for (int k = 0; k < SFNS_ERR_KIND_COUNT; k++)
        if (strcmp(kind, sfns_error_kind_names[k]) == 0)
            out->kind = (sfns_error_kind)k;
    out->advice = sfns_conf_string(&e, "advice", NULL);
    if (out->advice != NULL && out->advice[0] == '\0')
        sfns_conf_invalid(&e, "advice", "must be a non-empty string");
    sfns_conf_merge(c, &e);
    return e.error == NULL;
}

static void read_rules(sfns_conf *c, sfns_results *r)
{
    const hs_json *list = sfns_conf_get(c, "errorRules");
    int defaults = sfns_conf_bool(c, "defaultErrorRules", 1);
    if (list != NULL && sfns_api->json_type(list) != HS_JSON_ARRAY) {
        sfns_conf_invalid(c, "errorRules", "must be an array of rules, got %s",
                          sfns_type_name(list));
        list = NULL;
    }
    size_t n = sfns_api->json_len(list);
    size_t total = n + (defaults ? COUNT(default_rules) : 0);
    sfns_error_rule *rules = sfns_api->alloc(c->ctx, (total ? total : 1) * sizeof(*rules));
    if (rules == NULL) {
        sfns_conf_invalid(c, "errorRules", "out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (!read_rule(c, i, sfns_api->json_at(list, i), &rules[i]))
            return;
    for (size_t i = 0; defaults && i < COUNT(default_rules); i++)
        rules[n + i] = default_rules[i];
    r->rules = rules;
    r->nrules = total;
}

hs_status sfns_results_read(hs_ctx *ctx, sfns_results *r)
{
    memset(r, 0, sizeof(*r));
    sfns_conf c;
    sfns_conf_open(&c, ctx, "results", keys);
    r->netsuite_id_field = field_or_off(&c, "netsuiteIdField", "NetSuite_Id__c");
    r->number_field = field_or_off(&c, "transactionNumberField", "NetSuite_Sales_Order__c");
    r->sync_error_field = field_or_off(&c, "syncErrorField", "NetSuite_Sync_Error__c");
    r->sync_error_length = sfns_conf_int(&c, "syncErrorLength", 255, 20, 131072);
    r->number_paths =
        sfns_conf_strings(&c, "transactionNumberPaths", default_paths, COUNT(default_paths));
    for (size_t i = 0; i < r->number_paths.n; i++) {
        const char *p = r->number_paths.v[i];
        if (p[0] == '.' || p[strlen(p) - 1] == '.' || strstr(p, "..") != NULL) {
            sfns_conf_invalid(&c, "transactionNumberPaths",
                              "item %zu (\"%s\") has an empty step: a path is member names "
                              "joined with \".\" (\"tranid\", \"record.tranid\")",
                              i, p);
            break;
        }
    }
    r->result_key = sfns_conf_string(&c, "resultKey", "sfns");
    if (r->result_key[0] == '\0')
        sfns_conf_invalid(&c, "resultKey", "must be a non-empty string");
    read_rules(&c, r);
    return sfns_conf_check(&c);
}

const sfns_error_rule *sfns_results_match(const sfns_results *r, const char *code,
                                          const char *message)
{
    size_t mlen = message ? strlen(message) : 0;
    for (size_t i = 0; i < r->nrules; i++) {
        const sfns_error_rule *rule = &r->rules[i];
        if (rule->codes.n > 0 && !sfns_strings_has(&rule->codes, code))
            continue;
        int hit = rule->contains.n == 0;
        for (size_t k = 0; !hit && k < rule->contains.n; k++)
            hit = sfns_contains_nocase(message, mlen, rule->contains.v[k]);
        if (hit)
            return rule;
    }
    return NULL;
}
