/* sfns_settings.c — strict reading of settings.sfns: typed readers that name the offending key by
 * its full path, unknown-key checks against each object's key list, and one check that fails the
 * page with 422 invalid_setting (see docs/sfns-settings.md, "Conventions"). */
#include "sfns.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Keys settings.sfns may hold: the shared keys, then one section per sync. A new section adds
 * its name here. */
static const char *const sfns_root_keys[] = {
    "salesforceIntegrationUserId",
    "netsuiteIntegrationUserId",
    "accounts",
    "contacts",
    "pricebooks",
    "orders",   /* sfnsOpportunityToSalesOrder (sfns_orders_conf.c) */
    "currency", /* every function that touches money (sfns_fx.c) */
    "catalog",  /* every function that names NetSuite items (sfns_catalog.c) */
    "routing",  /* sfnsOrderRoute (sfns_route_conf.c) */
    "results",  /* sfnsSalesOrderResult (sfns_results_conf.c) */
    "invoices", /* sfnsInvoiceStatus (sfns_invoices_conf.c) */
    "cases",    /* sfnsCaseToActivity (sfns_cases_conf.c) */
    NULL,
};

/* d is an integer JavaScript holds exactly (|d| <= 2^53 - 1). Written without libm. */
static int is_safe_integer(double d)
{
    return isfinite(d) && d >= -9007199254740991.0 && d <= 9007199254740991.0 &&
           d == (double)(int64_t)d;
}

static int key_known(const char *const *known, const char *key, size_t len)
{
    for (size_t i = 0; known[i] != NULL; i++)
        if (strlen(known[i]) == len && memcmp(known[i], key, len) == 0)
            return 1;
    return 0;
}

/* "settings.sfns.accounts.key" (key NULL: the object's own path). */
static const char *key_path(const sfns_conf *c, const char *key)
{
    if (key == NULL)
        return c->path;
    return sfns_api->sprintf(c->ctx, "%s.%s", c->path, key);
}

void sfns_conf_invalid(sfns_conf *c, const char *key, const char *fmt, ...)
{
    if (c->error != NULL)
        return;
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    c->error = sfns_api->sprintf(c->ctx, "%s: %s", key_path(c, key), detail);
    if (c->error == NULL)
        c->error = "settings.sfns: out of memory while reading the settings";
}

void sfns_conf_merge(sfns_conf *parent, const sfns_conf *child)
{
    if (parent->error == NULL)
        parent->error = child->error;
}

static const char *type_name(const hs_json *v)
{
    switch (sfns_api->json_type(v)) {
    case HS_JSON_NULL:
        return "null";
    case HS_JSON_BOOL:
        return "a boolean";
    case HS_JSON_NUMBER:
        return "a number";
    case HS_JSON_STRING:
        return "a string";
    case HS_JSON_ARRAY:
        return "an array";
    case HS_JSON_OBJECT:
        return "an object";
    default:
        return "not plain JSON";
    }
}

/* Opens obj (NULL or null: absent) under `path` and checks its keys. */
static void conf_init(sfns_conf *c, hs_ctx *ctx, const hs_json *obj, const char *path,
                      const char *const *known)
{
    c->ctx = ctx;
    c->path = path;
    c->error = NULL;
    c->obj = NULL;
    hs_json_type t = sfns_api->json_type(obj);
    if (t == HS_JSON_ABSENT || t == HS_JSON_NULL)
        return;
    if (t != HS_JSON_OBJECT) {
        sfns_conf_invalid(c, NULL, "must be an object, got %s", type_name(obj));
        return;
    }
    c->obj = obj;
    if (known == NULL)
        return;
    size_t n = sfns_api->json_len(obj);
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const char *key = sfns_api->json_key_at(obj, i, &len);
        if (!key_known(known, key, len)) {
            sfns_conf_invalid(c, NULL, "unknown key \"%.*s\" (check its spelling)", (int)len, key);
            return;
        }
    }
}

void sfns_conf_open(sfns_conf *c, hs_ctx *ctx, const char *section, const char *const *known)
{
    sfns_conf root;
    conf_init(&root, ctx, sfns_api->setting(ctx, SFNS_SETTINGS_ROOT), "settings.sfns",
              sfns_root_keys);
    if (section == NULL) {
        *c = root;
        return;
    }
    sfns_conf_open_child(c, &root, section, known);
    if (root.error != NULL)
        c->error = root.error;
}

void sfns_conf_open_child(sfns_conf *child, sfns_conf *parent, const char *key,
                          const char *const *known)
{
    conf_init(child, parent->ctx, sfns_conf_get(parent, key), key_path(parent, key), known);
}

void sfns_conf_open_value(sfns_conf *child, sfns_conf *parent, const char *name,
                          const hs_json *value, const char *const *known)
{
    conf_init(child, parent->ctx, value, key_path(parent, name), known);
}

const hs_json *sfns_conf_get(const sfns_conf *c, const char *key)
{
    if (c->obj == NULL)
        return NULL;
    const hs_json *v = sfns_api->json_get(c->obj, key);
    return sfns_api->json_type(v) == HS_JSON_NULL ? NULL : v;
}

const char *sfns_conf_string(sfns_conf *c, const char *key, const char *def)
{
    const hs_json *v = sfns_conf_get(c, key);
    if (v == NULL)
        return def;
    if (sfns_api->json_type(v) != HS_JSON_STRING) {
        sfns_conf_invalid(c, key, "must be a string, got %s", type_name(v));
        return def;
    }
    return sfns_api->json_string(c->ctx, v, NULL, def);
}

const char *sfns_id_text(hs_ctx *ctx, const hs_json *v)
{
    switch (sfns_api->json_type(v)) {
    case HS_JSON_STRING: {
        size_t len = 0;
        const char *s = sfns_api->json_string(ctx, v, &len, NULL);
        return (s != NULL && len > 0 && strlen(s) == len) ? s : NULL;
    }
    case HS_JSON_NUMBER: {
        double d = sfns_api->json_number(v, NAN);
        if (!is_safe_integer(d))
            return NULL;
        char buf[HS_NUMBER_MAX];
        sfns_api->json_number_format(d, buf);
        return sfns_api->strdup(ctx, buf);
    }
    default:
        return NULL;
    }
}

const char *sfns_conf_id(sfns_conf *c, const char *key, const char *def)
{
    const hs_json *v = sfns_conf_get(c, key);
    if (v == NULL)
        return def;
    const char *id = sfns_id_text(c->ctx, v);
    if (id == NULL) {
        sfns_conf_invalid(c, key, "must be a non-empty string or an integer, got %s", type_name(v));
        return def;
    }
    return id;
}

int sfns_conf_bool(sfns_conf *c, const char *key, int def)
{
    const hs_json *v = sfns_conf_get(c, key);
    if (v == NULL)
        return def;
    if (sfns_api->json_type(v) != HS_JSON_BOOL) {
        sfns_conf_invalid(c, key, "must be true or false, got %s", type_name(v));
        return def;
    }
    return sfns_api->json_bool(v, def);
}

long sfns_conf_int(sfns_conf *c, const char *key, long def, long min, long max)
{
    const hs_json *v = sfns_conf_get(c, key);
    if (v == NULL)
        return def;
    double d = sfns_api->json_number(v, NAN);
    if (sfns_api->json_type(v) != HS_JSON_NUMBER || !is_safe_integer(d) || d < (double)min ||
        d > (double)max) {
        sfns_conf_invalid(c, key, "must be an integer from %ld to %ld", min, max);
        return def;
    }
    return (long)d;
}

const char *sfns_conf_enum(sfns_conf *c, const char *key, const char *const *allowed,
                           const char *def)
{
    const char *s = sfns_conf_string(c, key, NULL);
    if (s == NULL)
        return def;
    for (size_t i = 0; allowed[i] != NULL; i++)
        if (strcmp(allowed[i], s) == 0)
            return allowed[i];
    char list[256] = "";
    size_t used = 0;
    for (size_t i = 0; allowed[i] != NULL && used < sizeof(list); i++)
        used += (size_t)snprintf(list + used, sizeof(list) - used, "%s\"%s\"", i ? ", " : "",
                                 allowed[i]);
    sfns_conf_invalid(c, key, "\"%s\" is not one of %s", s, list);
    return def;
}

int sfns_conf_decimal_value(sfns_conf *c, const char *key, const hs_json *v, hs_decimal *out)
{
    hs_json_type t = sfns_api->json_type(v);
    if (t == HS_JSON_ABSENT || t == HS_JSON_NULL)
        return 0;
    if ((t != HS_JSON_NUMBER && t != HS_JSON_STRING) ||
        sfns_api->decimal_from_json(c->ctx, v, out) != HS_OK) {
        sfns_conf_invalid(c, key, "must be a decimal number (such as 0.94 or \"0.94\"), got %s",
                          t == HS_JSON_STRING ? "other text" : type_name(v));
        return -1;
    }
    return 1;
}

int sfns_conf_decimal(sfns_conf *c, const char *key, hs_decimal *out)
{
    return sfns_conf_decimal_value(c, key, sfns_conf_get(c, key), out);
}

const hs_json *sfns_conf_typed(sfns_conf *c, const char *key, hs_json_type type)
{
    const hs_json *v = sfns_conf_get(c, key);
    if (v == NULL || sfns_api->json_type(v) == type)
        return v;
    sfns_conf_invalid(c, key, "must be %s, got %s",
                      type == HS_JSON_ARRAY ? "an array" : "an object", type_name(v));
    return NULL;
}

const hs_json *sfns_conf_id_map(sfns_conf *c, const char *key)
{
    const hs_json *v = sfns_conf_get(c, key);
    if (v == NULL)
        return NULL;
    if (sfns_api->json_type(v) != HS_JSON_OBJECT) {
        sfns_conf_invalid(c, key, "must be an object, got %s", type_name(v));
        return NULL;
    }
    size_t n = sfns_api->json_len(v);
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const char *k = sfns_api->json_key_at(v, i, &len);
        if (sfns_id_text(c->ctx, sfns_api->json_value_at(v, i)) == NULL) {
            sfns_conf_invalid(c, key,
                              "the value of \"%.*s\" must be a non-empty string or an "
                              "integer, got %s",
                              (int)len, k, type_name(sfns_api->json_value_at(v, i)));
            return NULL;
        }
    }
    return v;
}

const char *sfns_map_id(hs_ctx *ctx, const hs_json *map, const char *key)
{
    if (map == NULL || key == NULL)
        return NULL;
    return sfns_id_text(ctx, sfns_api->json_get(map, key));
}

hs_status sfns_conf_check(sfns_conf *c)
{
    if (c->error == NULL)
        return HS_OK;
    return sfns_api->fail(c->ctx, "invalid_setting", "%s", c->error);
}
