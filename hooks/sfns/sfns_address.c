/* sfns_address.c — addresses between Salesforce and NetSuite (see sfns_address.h). */
#include "sfns_address.h"

#include "sfns_geo.h"

#include <string.h>

/* ---- countries and states ------------------------------------------------------------------ */

/* NetSuite SOAP writes countries as enum names: "_unitedStates" -> "united States". */
static const char *soap_country_words(hs_ctx *ctx, const char *s)
{
    if (s[0] != '_' || s[1] == '\0')
        return s;
    size_t n = strlen(s);
    char *out = sfns_api->alloc(ctx, 2 * n + 1);
    if (out == NULL)
        return s;
    size_t k = 0;
    for (size_t i = 1; i < n; i++) {
        if (s[i] >= 'A' && s[i] <= 'Z' && k > 0)
            out[k++] = ' ';
        out[k++] = s[i];
    }
    out[k] = '\0';
    return out;
}

static void set_country(hs_ctx *ctx, sfns_address *a, const char *text)
{
    if (text == NULL)
        return;
    a->any = 1;
    const char *words = soap_country_words(ctx, text);
    const struct sfns_country *c = sfns_country_find(words, strlen(words));
    if (c != NULL) {
        a->country = c->alpha2;
        a->country_text = NULL;
    } else {
        a->country = NULL;
        a->country_text = text;
    }
}

/* Normalises a->state for a US or Canadian address (name or code -> code). */
static void settle_state(sfns_address *a)
{
    if (a->state == NULL || a->country == NULL || !sfns_state_has_codes(a->country))
        return;
    const struct sfns_state *s = sfns_state_find(a->country, a->state, strlen(a->state));
    if (s != NULL) {
        a->state = s->code;
        a->state_text = NULL;
    } else {
        a->state_text = a->state;
    }
}

/* ---- Salesforce ---------------------------------------------------------------------------- */

static const char *sf_part(hs_ctx *ctx, const hs_json *rec, const char *prefix, const char *name,
                           int *seen)
{
    char key[64];
    const char *t = NULL;
    sfns_presence p = sfns_text_field(ctx, rec, sfns_key2(key, sizeof(key), prefix, name), &t);
    if (p != SFNS_ABSENT)
        *seen = 1;
    return p == SFNS_TEXT ? t : NULL;
}

/* a and b joined with sep (arena), or whichever is not NULL. */
static const char *join(hs_ctx *ctx, const char *a, const char *sep, const char *b)
{
    if (a == NULL)
        return b;
    if (b == NULL)
        return a;
    return sfns_concat(ctx, (const char *const[]){a, sep, b}, 3);
}

/* Splits a street into at most three lines: each line trimmed, empty lines dropped, lines past
 * the third joined to it with ", " (everything on one line, joined alike, when split is off). */
static void split_street(hs_ctx *ctx, const char *street, int split, sfns_address *a)
{
    size_t nlines = 0;
    const char *p = street;
    while (*p) {
        const char *e = p;
        while (*e && *e != '\n' && *e != '\r')
            e++;
        const char *t = sfns_trim(ctx, p, (size_t)(e - p));
        if (t != NULL && t[0] != '\0') {
            size_t slot = split ? (nlines < 2 ? nlines : 2) : 0;
            a->line[slot] = slot == nlines ? t : join(ctx, a->line[slot], ", ", t);
            nlines++;
        }
        p = e;
        while (*p == '\n' || *p == '\r')
            p++;
    }
}

sfns_presence sfns_address_from_salesforce(hs_ctx *ctx, const hs_json *rec, const char *prefix,
                                           const sfns_address_opts *o, sfns_address *a)
{
    memset(a, 0, sizeof(*a));
    int seen = 0;
    const char *street = sf_part(ctx, rec, prefix, "Street", &seen);
    a->city = sf_part(ctx, rec, prefix, "City", &seen);
    a->zip = sf_part(ctx, rec, prefix, "PostalCode", &seen);
    const char *state_code = sf_part(ctx, rec, prefix, "StateCode", &seen);
    const char *state = sf_part(ctx, rec, prefix, "State", &seen);
    const char *country_code = sf_part(ctx, rec, prefix, "CountryCode", &seen);
    const char *country = sf_part(ctx, rec, prefix, "Country", &seen);
    if (!seen)
        return SFNS_ABSENT;
    if (street != NULL) {
        split_street(ctx, street, o->split_street, a);
        a->any = 1;
    }
    a->state = state_code ? state_code : state;
    a->any |= a->city != NULL || a->zip != NULL || a->state != NULL;
    set_country(ctx, a, country_code ? country_code : country);
    if (a->country == NULL && a->country_text == NULL && a->any && o->default_country != NULL)
        a->country = o->default_country;
    settle_state(a);
    return a->any ? SFNS_TEXT : SFNS_EMPTY;
}

/* ---- NetSuite ------------------------------------------------------------------------------ */

/* The array of addressbook lines, in any of the shapes exports use. */
static const hs_json *addressbook_lines(const hs_json *rec)
{
    static const char *const names[] = {"addressbook", "addressbookList", NULL};
    for (size_t i = 0; names[i] != NULL; i++) {
        const hs_json *v = sfns_field(rec, names[i]);
        for (int depth = 0; depth < 2 && sfns_api->json_type(v) == HS_JSON_OBJECT; depth++) {
            const hs_json *inner = sfns_field(v, "addressbook");
            if (inner == NULL)
                inner = sfns_field(v, "items");
            v = inner;
        }
        if (sfns_api->json_type(v) == HS_JSON_ARRAY)
            return v;
    }
    return NULL;
}

static void ns_parts(hs_ctx *ctx, const hs_json *src, sfns_address *a)
{
    static const char *const lines[] = {"addr1", "addr2", "addr3"};
    size_t k = 0;
    for (size_t i = 0; i < 3; i++) {
        const char *t = NULL;
        if (sfns_text_field(ctx, src, lines[i], &t) == SFNS_TEXT)
            a->line[k++] = t;
    }
    const char *t = NULL;
    if (sfns_text_field(ctx, src, "city", &t) == SFNS_TEXT)
        a->city = t;
    if (sfns_text_field(ctx, src, "state", &t) == SFNS_TEXT)
        a->state = t;
    if (sfns_text_field(ctx, src, "zip", &t) == SFNS_TEXT)
        a->zip = t;
    a->any = k > 0 || a->city != NULL || a->state != NULL || a->zip != NULL;
    sfns_ref country;
    if (sfns_ref_read(ctx, sfns_field(src, "country"), &country) == SFNS_TEXT)
        set_country(ctx, a, country.id ? country.id : country.name);
}

static void ns_flat(hs_ctx *ctx, const hs_json *rec, int billing, sfns_address *a, int *seen)
{
    static const char *const parts[] = {"address1", "address2", "address3",    "city",
                                        "state",    "zipcode",  "countrycode", "country"};
    const char *val[8] = {0};
    for (size_t i = 0; i < 8; i++) {
        char key[32];
        sfns_presence p = sfns_text_field(
            ctx, rec, sfns_key2(key, sizeof(key), billing ? "bill" : "ship", parts[i]), &val[i]);
        if (p != SFNS_ABSENT)
            *seen = 1;
        if (p != SFNS_TEXT)
            val[i] = NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < 3; i++)
        if (val[i] != NULL)
            a->line[k++] = val[i];
    a->city = val[3];
    a->state = val[4];
    a->zip = val[5];
    a->any = k > 0 || a->city != NULL || a->state != NULL || a->zip != NULL;
    set_country(ctx, a, val[6] ? val[6] : val[7]);
}

sfns_presence sfns_address_from_netsuite(hs_ctx *ctx, const hs_json *rec, int billing,
                                         const sfns_address_opts *o, sfns_address *a)
{
    memset(a, 0, sizeof(*a));
    const char *flag = billing ? "defaultbilling" : "defaultshipping";
    const hs_json *lines = addressbook_lines(rec);
    int seen = 0;
    if (lines != NULL) {
        seen = 1;
        size_t n = sfns_api->json_len(lines);
        for (size_t i = 0; i < n; i++) {
            const hs_json *line = sfns_api->json_at(lines, i);
            if (sfns_flag(ctx, sfns_field(line, flag)) != 1)
                continue;
            const hs_json *addr = sfns_field(line, "addressbookaddress");
            ns_parts(ctx, sfns_api->json_type(addr) == HS_JSON_OBJECT ? addr : line, a);
            break;
        }
    } else {
        ns_flat(ctx, rec, billing, a, &seen);
    }
    if (!seen)
        return SFNS_ABSENT;
    if (a->country == NULL && a->country_text == NULL && a->any && o->default_country != NULL)
        a->country = o->default_country;
    settle_state(a);
    return a->any ? SFNS_TEXT : SFNS_EMPTY;
}

/* ---- canonical value and writers ------------------------------------------------------------ */

sfns_value sfns_address_value(hs_ctx *ctx, sfns_presence p, const sfns_address *a)
{
    sfns_value v = {p, NULL, NULL};
    if (p != SFNS_TEXT)
        return v;
    const char *country = a->country ? a->country : (a->country_text ? a->country_text : "");
    const char *state = a->state ? a->state : "";
    const char *parts[] = {a->line[0], "\n",  a->line[1], "\n",   a->line[2], "\x1f", a->city,
                           "\x1f",     state, "\x1f",     a->zip, "\x1f",     country};
    v.text = sfns_concat(ctx, parts, sizeof(parts) / sizeof(parts[0]));
    if (v.text == NULL)
        v.presence = SFNS_EMPTY;
    return v;
}

static hs_status set_text(hs_ctx *ctx, hs_json *obj, const char *key, const char *s)
{
    return sfns_api->json_set_string(ctx, obj, key, s ? s : "");
}

hs_json *sfns_address_to_netsuite(hs_ctx *ctx, const sfns_address *a, int billing)
{
    hs_json *line = sfns_api->json_new_object(ctx);
    if (line == NULL)
        return NULL;
    hs_status st = sfns_api->json_set_bool(ctx, line, "defaultbilling", billing);
    if (st == HS_OK)
        st = sfns_api->json_set_bool(ctx, line, "defaultshipping", !billing);
    if (st == HS_OK)
        st = set_text(ctx, line, "label", billing ? "Billing" : "Shipping");
    if (st == HS_OK)
        st = set_text(ctx, line, "addr1", a->line[0]);
    if (st == HS_OK)
        st = set_text(ctx, line, "addr2", a->line[1]);
    if (st == HS_OK)
        st = set_text(ctx, line, "addr3", a->line[2]);
    if (st == HS_OK)
        st = set_text(ctx, line, "city", a->city);
    if (st == HS_OK)
        st = set_text(ctx, line, "state", a->state);
    if (st == HS_OK)
        st = set_text(ctx, line, "zip", a->zip);
    if (st == HS_OK)
        st = set_text(ctx, line, "country", a->country);
    return st == HS_OK ? line : NULL;
}

hs_status sfns_address_to_salesforce(hs_ctx *ctx, hs_json *out, const char *prefix,
                                     const sfns_address *a, int codes)
{
    const char *street = join(ctx, join(ctx, a->line[0], "\n", a->line[1]), "\n", a->line[2]);
    const struct sfns_country *c = sfns_country_by_alpha2(a->country);
    const char *country = c ? (codes ? c->alpha2 : c->name) : "";
    char key[64];
    struct {
        const char *suffix;
        const char *value;
    } parts[] = {
        {"Street", street},
        {"City", a->city},
        {codes ? "StateCode" : "State", a->state},
        {"PostalCode", a->zip},
        {codes ? "CountryCode" : "Country", country},
    };
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        hs_status st = set_text(ctx, out, sfns_key2(key, sizeof(key), prefix, parts[i].suffix),
                                parts[i].value);
        if (st != HS_OK)
            return st;
    }
    return HS_OK;
}
