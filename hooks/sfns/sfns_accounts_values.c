/* sfns_accounts_values.c — an Account's and a customer's synced values in their own system's
 * terms, which fields each system holds, the sync hash over them, web address normalisation, the
 * lookup's current record, "has an order", and the log of skipped fields (see sfns_accounts.h). */
#include "sfns_accounts.h"

#include "sfns_sfid.h"
#include "sfns_strings.h"

#include <string.h>

static sfns_value text_value(hs_ctx *ctx, const hs_json *rec, const char *field)
{
    sfns_value v = {SFNS_ABSENT, NULL, NULL};
    if (field != NULL)
        v.presence = sfns_text_field(ctx, rec, field, &v.text);
    return v;
}

/* A Salesforce Id field as 18 characters (as given when it is not a valid Id). */
static sfns_value sf_id_value(hs_ctx *ctx, const hs_json *rec, const char *field)
{
    sfns_value v = text_value(ctx, rec, field);
    char id[19];
    if (v.presence == SFNS_TEXT && sfns_sfid_to18(v.text, strlen(v.text), id) == SFNS_SFID_OK)
        v.text = sfns_api->strdup(ctx, id);
    return v;
}

static sfns_value ref_value(hs_ctx *ctx, const hs_json *rec, const char *field)
{
    sfns_value v = {SFNS_ABSENT, NULL, NULL};
    hs_json *f = sfns_field(rec, field);
    if (f == NULL)
        return v;
    sfns_ref r;
    v.presence = sfns_ref_read(ctx, f, &r);
    v.text = r.id ? r.id : r.name;
    v.alt = r.id ? r.name : NULL;
    if (v.text == NULL)
        v.presence = SFNS_EMPTY;
    return v;
}

static sfns_value url_value(hs_ctx *ctx, const sfns_accounts *a, const hs_json *rec,
                            const char *field)
{
    sfns_value v = text_value(ctx, rec, field);
    if (v.presence == SFNS_TEXT) {
        const char *u = sfns_url_normalise(ctx, v.text, a->url_scheme);
        if (u != NULL)
            v.text = u;
    }
    return v;
}

void sfns_accounts_sf_values(hs_ctx *ctx, const sfns_accounts *a, const hs_json *acc,
                             sfns_account_values *out)
{
    memset(out, 0, sizeof(*out));
    sfns_value *v = out->v;
    v[SFNS_AF_NAME] = text_value(ctx, acc, "Name");
    v[SFNS_AF_PHONE] = text_value(ctx, acc, "Phone");
    v[SFNS_AF_FAX] = text_value(ctx, acc, "Fax");
    v[SFNS_AF_WEBSITE] = url_value(ctx, a, acc, "Website");
    v[SFNS_AF_INDUSTRY] = text_value(ctx, acc, "Industry");
    v[SFNS_AF_OWNER] = sf_id_value(ctx, acc, "OwnerId");
    v[SFNS_AF_PARENT] = sf_id_value(ctx, acc, "ParentId");
    v[SFNS_AF_CURRENCY] = text_value(ctx, acc, "CurrencyIsoCode");
    v[SFNS_AF_BILLING] = sfns_address_value(
        ctx, sfns_address_from_salesforce(ctx, acc, "Billing", &a->address, &out->billing),
        &out->billing);
    v[SFNS_AF_SHIPPING] = sfns_address_value(
        ctx, sfns_address_from_salesforce(ctx, acc, "Shipping", &a->address, &out->shipping),
        &out->shipping);
    v[SFNS_AF_TERMS] = text_value(ctx, acc, a->terms_field);
    if (a->credit_hold_field != NULL) {
        hs_json *f = sfns_field(acc, a->credit_hold_field);
        int flag = sfns_flag(ctx, f);
        v[SFNS_AF_CREDIT_HOLD].presence =
            f == NULL ? SFNS_ABSENT : (flag < 0 ? SFNS_EMPTY : SFNS_TEXT);
        v[SFNS_AF_CREDIT_HOLD].text = flag < 0 ? NULL : (flag ? "true" : "false");
    }
    v[SFNS_AF_NETSUITE_ID] = text_value(ctx, acc, a->netsuite_id_field);
}

/* creditholdoverride as NetSuite's codes ON, OFF, AUTO. */
static sfns_value credit_hold_value(hs_ctx *ctx, const hs_json *rec)
{
    sfns_value v = ref_value(ctx, rec, "creditholdoverride");
    static const char *const codes[] = {"ON", "OFF", "AUTO"};
    for (size_t i = 0; v.presence == SFNS_TEXT && i < 3; i++)
        if (sfns_streq_nocase(v.text, codes[i]) || sfns_streq_nocase(v.alt, codes[i]) ||
            (v.text[0] == '_' && sfns_streq_nocase(v.text + 1, codes[i]))) {
            v.text = codes[i];
            v.alt = NULL;
        }
    return v;
}

void sfns_accounts_ns_values(hs_ctx *ctx, const sfns_accounts *a, const hs_json *cus,
                             sfns_account_values *out)
{
    memset(out, 0, sizeof(*out));
    sfns_value *v = out->v;
    v[SFNS_AF_NAME] = text_value(ctx, cus, "companyname");
    v[SFNS_AF_PHONE] = text_value(ctx, cus, "phone");
    v[SFNS_AF_FAX] = text_value(ctx, cus, "fax");
    v[SFNS_AF_WEBSITE] = url_value(ctx, a, cus, "url");
    v[SFNS_AF_INDUSTRY] = ref_value(ctx, cus, "category");
    v[SFNS_AF_OWNER] = ref_value(ctx, cus, "salesrep");
    /* The parent as the hook writes it: the parent customer's external id (a reference object
     * gives it as externalId; its internal id alone cannot be compared). */
    hs_json *parent = sfns_field(cus, "parent");
    sfns_ref pr;
    v[SFNS_AF_PARENT].presence = parent ? sfns_ref_read(ctx, parent, &pr) : SFNS_ABSENT;
    if (v[SFNS_AF_PARENT].presence == SFNS_TEXT) {
        if (sfns_api->json_type(parent) == HS_JSON_OBJECT)
            v[SFNS_AF_PARENT].text =
                pr.external_id ? pr.external_id
                               : sfns_api->sprintf(ctx, "internal id %s", pr.id ? pr.id : "?");
        else
            v[SFNS_AF_PARENT].text = pr.id;
    }
    v[SFNS_AF_SUBSIDIARY] = ref_value(ctx, cus, "subsidiary");
    v[SFNS_AF_CURRENCY] = ref_value(ctx, cus, "currency");
    v[SFNS_AF_BILLING] = sfns_address_value(
        ctx, sfns_address_from_netsuite(ctx, cus, 1, &a->address, &out->billing), &out->billing);
    v[SFNS_AF_SHIPPING] = sfns_address_value(
        ctx, sfns_address_from_netsuite(ctx, cus, 0, &a->address, &out->shipping), &out->shipping);
    v[SFNS_AF_TERMS] = ref_value(ctx, cus, "terms");
    v[SFNS_AF_CREDIT_HOLD] = credit_hold_value(ctx, cus);
    v[SFNS_AF_NETSUITE_ID] = text_value(ctx, cus, "id");
    if (v[SFNS_AF_NETSUITE_ID].presence != SFNS_TEXT)
        v[SFNS_AF_NETSUITE_ID] = text_value(ctx, cus, "internalid");
}

int sfns_accounts_sf_holds(const sfns_accounts *a, sfns_af f)
{
    switch (f) {
    case SFNS_AF_SUBSIDIARY:
        return 0;
    case SFNS_AF_TERMS:
        return a->terms_field != NULL;
    case SFNS_AF_CREDIT_HOLD:
        return a->credit_hold_field != NULL;
    case SFNS_AF_NETSUITE_ID:
        return a->netsuite_id_field != NULL;
    default:
        return 1;
    }
}

void sfns_accounts_hash(const sfns_accounts *a, sfns_side side, const sfns_account_values *vals,
                        char hex[SFNS_HASH_HEX])
{
    sfns_hash h;
    sfns_hash_start(&h, side == SFNS_SALESFORCE ? "account" : "customer");
    for (int f = 0; f < SFNS_AF_COUNT; f++) {
        /* A customer's own internal id is its identity, not synced content. */
        int held = side == SFNS_SALESFORCE ? sfns_accounts_sf_holds(a, (sfns_af)f)
                                           : f != SFNS_AF_NETSUITE_ID;
        if (held)
            sfns_hash_field(&h, sfns_af_names[f], &vals->v[f]);
    }
    sfns_hash_finish(&h, hex);
}

/* ---- web addresses ------------------------------------------------------------------------- */

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Whether s starts with the lower-case word w, ignoring ASCII case. */
static int prefix_nocase(const char *s, const char *w)
{
    for (; *w; s++, w++)
        if (lower(*s) != *w)
            return 0;
    return 1;
}

const char *sfns_url_normalise(hs_ctx *ctx, const char *url, const char *scheme)
{
    const char *t = sfns_trim(ctx, url, strlen(url));
    if (t == NULL || t[0] == '\0')
        return NULL;
    for (const char *p = t; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return NULL;
    const char *sep = strstr(t, "://");
    const char *given = NULL;
    size_t given_len = 0;
    const char *rest = t;
    if (sep != NULL) {
        given = t;
        given_len = (size_t)(sep - t);
        rest = sep + 3;
        if (!((given_len == 4 && prefix_nocase(t, "http")) ||
              (given_len == 5 && prefix_nocase(t, "https"))))
            return NULL;
    } else if (t[0] == '/' && t[1] == '/') {
        rest = t + 2;
    } else {
        /* "mailto:x", "ftp:x": a scheme without "//" (a host before a port has a dot in it or
         * is followed by digits: "example.com:8080", "localhost:8080"). */
        size_t k = 0;
        while (is_alpha(t[k]) || (t[k] >= '0' && t[k] <= '9') || t[k] == '+' || t[k] == '-')
            k++;
        if (k > 0 && t[k] == ':' && !(t[k + 1] >= '0' && t[k + 1] <= '9'))
            return NULL;
    }
    size_t host_len = strcspn(rest, "/?#");
    if (host_len == 0)
        return NULL;
    char *host = sfns_api->alloc(ctx, host_len + 1);
    if (host == NULL)
        return NULL;
    for (size_t i = 0; i < host_len; i++) {
        char c = rest[i];
        if (!(is_alpha(c) || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' ||
              c == '_' || (unsigned char)c >= 0x80))
            return NULL;
        host[i] = lower(c);
    }
    const char *path = rest + host_len;
    if (strcmp(path, "/") == 0)
        path = "";
    char sch[6];
    size_t n = given ? given_len : strlen(scheme);
    for (size_t i = 0; i < n; i++)
        sch[i] = lower(given ? given[i] : scheme[i]);
    sch[n] = '\0';
    return sfns_concat(ctx, (const char *const[]){sch, "://", host, path}, 4);
}

/* ---- lookup, orders, reasons --------------------------------------------------------------- */

size_t sfns_accounts_current(const sfns_accounts *a, const hs_json *record, const hs_json **out)
{
    *out = NULL;
    const hs_json *v = sfns_api->json_get(record, a->current_field);
    switch (sfns_api->json_type(v)) {
    case HS_JSON_OBJECT:
        *out = v;
        return 1;
    case HS_JSON_ARRAY: {
        size_t n = sfns_api->json_len(v);
        if (n != 1)
            return n;
        if (sfns_api->json_type(sfns_api->json_at(v, 0)) != HS_JSON_OBJECT)
            return SFNS_CURRENT_BAD;
        *out = sfns_api->json_at(v, 0);
        return 1;
    }
    case HS_JSON_NULL:
        return 0;
    default:
        return v == NULL ? 0 : SFNS_CURRENT_BAD;
    }
}

const char *sfns_accounts_current_what(hs_ctx *ctx, const sfns_accounts *a, const hs_json *record)
{
    const hs_json *v = sfns_api->json_get(record, a->current_field);
    if (sfns_api->json_type(v) != HS_JSON_ARRAY)
        return sfns_type_name(v);
    return sfns_api->sprintf(ctx, "an array holding %s", sfns_type_name(sfns_api->json_at(v, 0)));
}

int sfns_accounts_ordered(hs_ctx *ctx, const sfns_accounts *a, const hs_json *customer)
{
    return customer != NULL && sfns_flag(ctx, sfns_field(customer, a->ordered_field)) == 1;
}

hs_status sfns_accounts_reasons(hs_ctx *ctx, const sfns_accounts *a, hs_json *out,
                                const char *record_label, const char *const *reasons)
{
    hs_json *obj = NULL;
    /* One line for the record: formatting and redacting a log line costs more than mapping a
     * field, and a page skips several fields of most records. */
    char line[2048];
    size_t n = 0;
    for (int f = 0; f < SFNS_AF_COUNT; f++) {
        if (reasons[f] == NULL)
            continue;
        const char *parts[] = {n ? "; " : "", sfns_af_names[f], " (", reasons[f], ")"};
        for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
            size_t k = strlen(parts[i]);
            if (k > sizeof(line) - 1 - n)
                k = sizeof(line) - 1 - n;
            memcpy(line + n, parts[i], k);
            n += k;
        }
        if (a->reasons_field == NULL || out == NULL)
            continue;
        if (obj == NULL) {
            obj = sfns_api->json_new_object(ctx);
            if (obj == NULL || sfns_api->json_set(ctx, out, a->reasons_field, obj) != HS_OK)
                return HS_ERR_NOMEM;
        }
        if (sfns_api->json_set_string(ctx, obj, sfns_af_names[f], reasons[f]) != HS_OK)
            return HS_ERR_NOMEM;
    }
    line[n] = '\0';
    if (n > 0)
        sfns_api->log(ctx, HS_LOG_DEBUG, "%s: %s: not written: %s", sfns_api->ctx_function(ctx),
                      record_label, line);
    return HS_OK;
}
