/* sfns_results_errors.c — NetSuite's errors for an order, turned into messages a person can act
 * on: which record, what NetSuite said (code and message, kept word for word), what it means for
 * this order (the item on which line and the product code the catalog maps to it, the customer,
 * the order date) and what to change. */
#include "sfns_results.h"

#include "sfns_nserror.h"
#include "sfns_text.h"

#include <string.h>

/* "(CODE: message)", "(CODE)" or "(message)": what NetSuite said. */
static const char *said(hs_ctx *ctx, const char *code, const char *message)
{
    int c = code != NULL && code[0] != '\0';
    int m = message != NULL && message[0] != '\0';
    if (c && m)
        return sfns_api->sprintf(ctx, "(%s: %s)", code, message);
    if (c || m)
        return sfns_api->sprintf(ctx, "(%s)", c ? code : message);
    return "(no code or message)";
}

static const char *span_text(hs_ctx *ctx, sfns_span s)
{
    return s.len ? sfns_api->sprintf(ctx, "%.*s", (int)s.len, s.p) : NULL;
}

/* A select field of the submitted record as text (its id, else its name), or NULL. */
static const char *ref_text(hs_ctx *ctx, const hs_json *rec, const char *field)
{
    sfns_ref ref;
    if (sfns_ref_read(ctx, sfns_field(rec, field), &ref) != SFNS_TEXT)
        return NULL;
    return ref.id ? ref.id : ref.name ? ref.name : ref.external_id;
}

/* The item lines of the submitted order: "item" as an array, or as {"items": [...]} (REST) or
 * {"item": [...]} (SOAP's itemList). NULL when there are none. */
static const hs_json *item_lines(const hs_json *rec)
{
    const hs_json *v = sfns_field(rec, "item");
    if (v == NULL)
        v = sfns_field(rec, "itemList");
    if (sfns_api->json_type(v) == HS_JSON_ARRAY)
        return v;
    if (sfns_api->json_type(v) == HS_JSON_OBJECT) {
        const hs_json *in = sfns_field(v, "items");
        if (in == NULL)
            in = sfns_field(v, "item");
        if (sfns_api->json_type(in) == HS_JSON_ARRAY)
            return in;
    }
    return NULL;
}

/* " The sales order names it on line 2 (\"Generator\")." for the lines whose item is key. */
static const char *lines_naming(hs_ctx *ctx, const sfns_result_facts *f, const char *key)
{
    const hs_json *lines = item_lines(f->submitted);
    size_t n = sfns_api->json_len(lines), hits = 0;
    const char *list = "";
    for (size_t i = 0; i < n && list != NULL; i++) {
        const hs_json *line = sfns_api->json_at(lines, i);
        sfns_ref ref;
        if (sfns_ref_read(ctx, sfns_field(line, "item"), &ref) != SFNS_TEXT)
            continue;
        if (!sfns_streq_nocase(ref.id, key) && !sfns_streq_nocase(ref.name, key) &&
            !sfns_streq_nocase(ref.external_id, key))
            continue;
        const char *desc = NULL;
        sfns_text_field(ctx, line, "description", &desc);
        list = sfns_api->sprintf(ctx, "%s%s%zu%s%s%s", list, hits ? ", " : "", i + 1,
                                 desc ? " (\"" : "", desc ? desc : "", desc ? "\")" : "");
        hits++;
    }
    if (hits == 0 || list == NULL)
        return "";
    return sfns_api->sprintf(ctx, " The %s names it on line%s %s.", f->record_word,
                             hits > 1 ? "s" : "", list);
}

/* The keys of the catalog map at settings.sfns.<path> whose value is the item id (the product
 * codes or item names that lead to it), quoted and joined; NULL when none. */
static const char *catalog_keys(hs_ctx *ctx, const char *path, const char *item, size_t *count)
{
    const hs_json *map = sfns_api->setting(ctx, path);
    size_t n = sfns_api->json_type(map) == HS_JSON_OBJECT ? sfns_api->json_len(map) : 0;
    const char *out = NULL;
    *count = 0;
    for (size_t i = 0; i < n; i++) {
        const char *id = sfns_id_text(ctx, sfns_api->json_value_at(map, i));
        if (id == NULL || strcmp(id, item) != 0)
            continue;
        size_t len = 0;
        const char *k = sfns_api->json_key_at(map, i, &len);
        out = sfns_api->sprintf(ctx, "%s%s\"%.*s\"", out ? out : "", out ? ", " : "", (int)len, k);
        (*count)++;
    }
    return out;
}

/* The bundles of settings.sfns.catalog.bundles that have the item as a component, quoted and
 * joined; NULL when none. */
static const char *bundle_codes(hs_ctx *ctx, const char *item, size_t *count)
{
    const hs_json *bundles = sfns_api->setting(ctx, "sfns.catalog.bundles");
    size_t n = sfns_api->json_type(bundles) == HS_JSON_OBJECT ? sfns_api->json_len(bundles) : 0;
    const char *out = NULL;
    *count = 0;
    for (size_t i = 0; i < n; i++) {
        const hs_json *parts =
            sfns_api->json_get(sfns_api->json_value_at(bundles, i), "components");
        size_t np = sfns_api->json_type(parts) == HS_JSON_ARRAY ? sfns_api->json_len(parts) : 0;
        for (size_t k = 0; k < np; k++) {
            const char *id =
                sfns_id_text(ctx, sfns_api->json_get(sfns_api->json_at(parts, k), "item"));
            if (id == NULL || strcmp(id, item) != 0)
                continue;
            size_t len = 0;
            const char *code = sfns_api->json_key_at(bundles, i, &len);
            out = sfns_api->sprintf(ctx, "%s%s\"%.*s\"", out ? out : "", out ? ", " : "", (int)len,
                                    code);
            (*count)++;
            break;
        }
    }
    return out;
}

static const char *unknown_item(hs_ctx *ctx, const sfns_result_facts *f, const char *advice,
                                const char *what, const char *key)
{
    if (key == NULL)
        return sfns_api->sprintf(
            ctx, "%s: NetSuite does not know an item the %s names %s. %s", f->label, f->record_word,
            what,
            advice ? advice
                   : "Check each product's NetSuite item in settings.sfns.catalog (map, items) "
                     "and the NetSuite id stored on the Salesforce products, then retry.");
    size_t nmap = 0, nitems = 0, nbundles = 0;
    const char *codes = catalog_keys(ctx, "sfns.catalog.map", key, &nmap);
    const char *names = catalog_keys(ctx, "sfns.catalog.items", key, &nitems);
    const char *bundles = bundle_codes(ctx, key, &nbundles);
    const char *origin, *todo;
    if (codes != NULL) {
        origin = sfns_api->sprintf(ctx,
                                   " It is what settings.sfns.catalog.map gives for product "
                                   "code%s %s.",
                                   nmap > 1 ? "s" : "", codes);
        todo = sfns_api->sprintf(ctx,
                                 "Map %s in settings.sfns.catalog.map to the internal id of an "
                                 "existing NetSuite item, or create the item in NetSuite, then "
                                 "retry.",
                                 codes);
    } else if (bundles != NULL) {
        origin = sfns_api->sprintf(ctx,
                                   " It is a component of the bundle%s %s "
                                   "(settings.sfns.catalog.bundles).",
                                   nbundles > 1 ? "s" : "", bundles);
        todo = sfns_api->sprintf(ctx,
                                 "Give the component of %s in settings.sfns.catalog.bundles the "
                                 "internal id of an existing NetSuite item, or create the item in "
                                 "NetSuite, then retry.",
                                 bundles);
    } else if (names != NULL) {
        origin = sfns_api->sprintf(ctx,
                                   " It is what settings.sfns.catalog.items gives for the "
                                   "item name%s %s.",
                                   nitems > 1 ? "s" : "", names);
        todo = sfns_api->sprintf(ctx,
                                 "Correct %s in settings.sfns.catalog.items (the item's internal "
                                 "id in NetSuite), or map the product code in "
                                 "settings.sfns.catalog.map, then retry.",
                                 names);
    } else {
        origin = " No entry of settings.sfns.catalog gives it: it may be the NetSuite id stored on "
                 "the Salesforce product, or the product code itself.";
        todo = "Map the product code to the internal id of an existing NetSuite item in "
               "settings.sfns.catalog.map ({\"<product code>\": \"<item internal id>\"}), or "
               "correct the NetSuite id on the Salesforce product, or create the item in "
               "NetSuite, then retry.";
    }
    return sfns_api->sprintf(ctx, "%s: NetSuite has no item %s %s.%s%s %s", f->label, key, what,
                             lines_naming(ctx, f, key), origin ? origin : "",
                             advice ? advice : todo);
}

static const char *unknown_reference(hs_ctx *ctx, const sfns_result_facts *f, const char *advice,
                                     const char *what, const char *field, const char *key)
{
    if (field != NULL && sfns_streq_nocase(field, "item"))
        return unknown_item(ctx, f, advice, what, key);
    if (field != NULL &&
        (sfns_streq_nocase(field, "entity") || sfns_streq_nocase(field, "customer"))) {
        const char *entity = ref_text(ctx, f->submitted, "entity");
        return sfns_api->sprintf(
            ctx, "%s: NetSuite has no customer %s %s. %s", f->label, key ? key : "", what,
            advice ? advice
                   : sfns_api->sprintf(ctx,
                                       "The %s's customer is the Account's NetSuite customer%s%s; "
                                       "sync the Account to NetSuite first "
                                       "(sfnsAccountToCustomer), then retry.",
                                       f->record_word, entity ? ", external id " : "",
                                       entity ? entity : ""));
    }
    if (key == NULL)
        return sfns_api->sprintf(ctx, "%s: the %s names a record NetSuite does not know %s. %s",
                                 f->label, f->record_word, what,
                                 advice ? advice
                                        : "Check the ids the order's fields get (settings.sfns."
                                          "orders, or the import's mapping), then retry.");
    if (field == NULL)
        return sfns_api->sprintf(ctx, "%s: NetSuite does not know the value %s %s. %s", f->label,
                                 key, what,
                                 advice ? advice
                                        : "Check the ids the order's fields get (settings.sfns."
                                          "orders, or the import's mapping), then retry.");
    return sfns_api->sprintf(
        ctx, "%s: NetSuite has no %s %s %s. %s", f->label, field, key, what,
        advice ? advice
               : sfns_api->sprintf(ctx,
                                   "Check what the %s's %s field gets (settings.sfns.orders, or "
                                   "the import's mapping) against NetSuite's list, then retry.",
                                   f->record_word, field));
}

sfns_error_kind sfns_results_kind(sfns_error_kind kind, const char *message)
{
    sfns_span field, key;
    if (kind == SFNS_ERR_UNKNOWN_REFERENCE &&
        sfns_nserror_reference(message, message ? strlen(message) : 0, &field, &key) &&
        field.len == 4 && sfns_contains_nocase(field.p, field.len, "item"))
        return SFNS_ERR_UNKNOWN_ITEM;
    return kind;
}

const char *sfns_results_message(hs_ctx *ctx, const sfns_result_facts *f, sfns_error_kind kind,
                                 const char *advice, const char *code, const char *message)
{
    const char *what = said(ctx, code, message);
    sfns_span fs, ks;
    sfns_nserror_reference(message, message ? strlen(message) : 0, &fs, &ks);
    const char *field = span_text(ctx, fs), *key = span_text(ctx, ks);
    switch (kind) {
    case SFNS_ERR_UNKNOWN_ITEM:
        return unknown_item(ctx, f, advice, what, key);
    case SFNS_ERR_UNKNOWN_REFERENCE:
        return unknown_reference(ctx, f, advice, what, field, key);
    case SFNS_ERR_CLOSED_PERIOD: {
        const char *date = NULL;
        sfns_text_field(ctx, f->submitted, "trandate", &date);
        return sfns_api->sprintf(
            ctx,
            "%s: the %s's date%s%s falls in an accounting period that is closed in NetSuite "
            "%s. %s",
            f->label, f->record_word, date ? " " : "", date ? date : "", what,
            advice ? advice
                   : "Reopen the period in NetSuite (Setup > Accounting > Manage Accounting "
                     "Periods), or give the order a date in an open period (the Opportunity's "
                     "CloseDate), then retry.");
    }
    case SFNS_ERR_CREDIT_HOLD: {
        const char *entity = ref_text(ctx, f->submitted, "entity");
        return sfns_api->sprintf(
            ctx,
            "%s: NetSuite refused the %s: the customer%s%s is on credit hold or over its "
            "credit limit %s. %s",
            f->label, f->record_word, entity ? " " : "", entity ? entity : "", what,
            advice ? advice
                   : "Release the hold or raise the credit limit on the customer in NetSuite "
                     "(its Financial tab), or have finance approve the order, then retry.");
    }
    case SFNS_ERR_DUPLICATE: {
        const char *ext = NULL;
        sfns_text_field(ctx, f->submitted, "externalid", &ext);
        return sfns_api->sprintf(ctx,
                                 "already created, skipped: NetSuite already has this %s%s%s%s "
                                 "%s.%s%s",
                                 f->record_word, ext ? " (external id " : "", ext ? ext : "",
                                 ext ? ")" : "", what, advice ? " " : "", advice ? advice : "");
    }
    case SFNS_ERR_OTHER:
    default:
        return sfns_api->sprintf(ctx, "%s: NetSuite refused the %s %s.%s%s", f->label,
                                 f->record_word, what, advice ? " " : "", advice ? advice : "");
    }
}
