/* sfns_contact.c — sfnsContactToContact (preMap): Salesforce Contacts to NetSuite contacts linked
 * to their company (the customer's external id = the Salesforce AccountId), each with the matcher's
 * decision (lib/sfns_match/): update an existing NetSuite contact (internalid set), create one,
 * or a per-record error listing the candidates for review. Candidates come from a lookup step,
 * on the record under settings.sfns.contacts.candidatesField; the page's own records are matched
 * with each other too, and the Salesforce duplicates of one person are merged into the first of
 * them (the others answer {} and are logged). docs/sfns-settings.md describes it for users. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "match.h"
#include "sfns.h"
#include "sfns_sfid.h"

#define FN "sfnsContactToContact"

/* ---- reading records whatever the key spelling -------------------------------------------- */

/* Does key, in lower case and without anything but letters and digits, equal want? */
static bool key_is(const char *key, size_t klen, const char *want)
{
    size_t j = 0;
    for (size_t i = 0; i < klen; i++) {
        unsigned char c = (unsigned char)key[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            continue;
        if (want[j] != (char)c)
            return false;
        j++;
    }
    return want[j] == '\0';
}

/* The member of obj called name (a normalised name, or "a.b" for a nested one), or NULL. */
static hs_json *field(const hs_json *obj, const char *name)
{
    char part[64];
    while (sfns_api->json_type(obj) == HS_JSON_OBJECT) {
        const char *dot = strchr(name, '.');
        size_t len = dot ? (size_t)(dot - name) : strlen(name);
        if (len >= sizeof(part))
            return NULL;
        memcpy(part, name, len);
        part[len] = '\0';
        hs_json *found = NULL;
        size_t n = sfns_api->json_len(obj);
        for (size_t i = 0; i < n && !found; i++) {
            size_t klen = 0;
            const char *key = sfns_api->json_key_at(obj, i, &klen);
            if (key_is(key, klen, part))
                found = sfns_api->json_value_at(obj, i);
        }
        if (!dot || !found)
            return found;
        obj = found;
        name = dot + 1;
    }
    return NULL;
}

/* The text of the first present field of names: a non-empty string, or an integer number. */
static const char *text(hs_ctx *ctx, const hs_json *obj, const char *const *names)
{
    for (; *names; names++) {
        hs_json *v = field(obj, *names);
        if (sfns_api->json_type(v) == HS_JSON_STRING) {
            size_t len = 0;
            const char *s = sfns_api->json_string(ctx, v, &len, NULL);
            if (s && len > 0)
                return s;
        } else if (sfns_api->json_type(v) == HS_JSON_NUMBER) {
            char buf[HS_NUMBER_MAX];
            sfns_api->json_number_format(sfns_api->json_number(v, 0), buf);
            return sfns_api->strdup(ctx, buf);
        }
    }
    return NULL;
}

static const char *const SF_ID[] = {"id", NULL};
static const char *const SF_ACCOUNT_ID[] = {"accountid", NULL};
static const char *const SF_ACCOUNT_NAME[] = {"account.name", NULL};
static const char *const FIRST[] = {"firstname", NULL};
static const char *const LAST[] = {"lastname", NULL};
static const char *const EMAIL[] = {"email", NULL};
static const char *const PHONE[] = {"phone", NULL};
static const char *const MOBILE[] = {"mobilephone", NULL};
static const char *const TITLE[] = {"title", NULL};
static const char *const SF_MODIFIED_BY[] = {"lastmodifiedbyid", NULL};
static const char *const NS_ID[] = {"internalid", "id", NULL};
static const char *const NS_COMPANY_EXT[] = {"company.externalid", "companyexternalid", NULL};
static const char *const NS_COMPANY_NAME[] = {"company.name", "company.refname", "companyname",
                                              NULL};

/* A Salesforce Id in its 18-character form (sfns_sfid.c), or NULL when it is not a valid one. */
static const char *sfid18(hs_ctx *ctx, const char *id)
{
    char out[19];
    if (!id || sfns_sfid_to18(id, strlen(id), out) != SFNS_SFID_OK)
        return NULL;
    return sfns_api->strdup(ctx, out);
}

/* ---- settings ------------------------------------------------------------------------------ */

static int conf_lookup(void *arg, const char *key, struct match_value *out)
{
    const sfns_conf *c = arg;
    const hs_json *v = sfns_conf_get(c, key);
    switch (sfns_api->json_type(v)) {
    case HS_JSON_ABSENT:
    case HS_JSON_NULL:
        return -1;
    case HS_JSON_NUMBER:
        *out = (struct match_value){.type = MATCH_V_NUMBER, .number = sfns_api->json_number(v, 0)};
        return 0;
    case HS_JSON_BOOL:
        *out = (struct match_value){.type = MATCH_V_BOOL, .boolean = sfns_api->json_bool(v, 0)};
        return 0;
    case HS_JSON_STRING:
        *out = (struct match_value){.type = MATCH_V_STRING,
                                    .string = sfns_api->json_string(c->ctx, v, NULL, "")};
        return 0;
    default:
        *out = (struct match_value){.type = MATCH_V_OTHER};
        return 0;
    }
}

struct contact_conf {
    struct match_settings match;
    const char *candidates_field;
    const char *integration_user; /* 18-character Salesforce User Id, or NULL */
};

static hs_status read_conf(hs_ctx *ctx, struct contact_conf *cc)
{
    sfns_conf root;
    sfns_conf_open(&root, ctx, NULL, NULL);
    const char *user = sfns_conf_id(&root, "salesforceIntegrationUserId", NULL);
    cc->integration_user = user ? sfid18(ctx, user) : NULL;
    if (user && !cc->integration_user)
        sfns_conf_invalid(&root, "salesforceIntegrationUserId",
                          "must be a Salesforce User Id (15 or 18 letters and digits)");
    if (sfns_conf_check(&root) != HS_OK)
        return HS_ERR_FAILED;
    sfns_conf c;
    sfns_conf_open(&c, ctx, "contacts", match_contact_keys);
    cc->candidates_field = sfns_conf_string(&c, "candidatesField", "netsuiteMatches");
    if (c.error == NULL && cc->candidates_field[0] == '\0')
        sfns_conf_invalid(&c, "candidatesField", "must not be empty");
    match_settings_default(&cc->match);
    char err[512];
    if (c.error == NULL &&
        match_settings_load(&cc->match, c.path, conf_lookup, &c, err, sizeof(err)) != MATCH_OK) {
        c.error = sfns_api->strdup(ctx, err);
        if (c.error == NULL)
            c.error = "settings.sfns.contacts: out of memory while reading the settings";
    }
    return sfns_conf_check(&c);
}

/* ---- one page ------------------------------------------------------------------------------ */

/* What the page holds, per record. */
struct rec {
    hs_json *data;
    const char *id;      /* 18-character Salesforce Id */
    const char *account; /* 18-character AccountId */
    hs_json *error;      /* a per-record error answer (or {} for an echo), or NULL */
    long sf;             /* index in the match set, -1 when not matched */
};

/* A NetSuite candidate of the page (one per internal id). */
struct cand {
    const char *id;
    const hs_json *data;
};

struct page {
    hs_ctx *ctx;
    struct contact_conf conf;
    struct rec *recs;
    size_t nrecs;
    struct cand *cands;
    size_t ncands, capcands;
    size_t *by_sf; /* match-set Salesforce index -> record index */
    struct match_set *set;
};

static void page_cleanup(void *arg)
{
    struct page *p = arg;
    match_set_free(p->set);
    free(p->cands);
    free(p->by_sf);
}

/* A per-record error answer; msg NULL (out of memory) gives NULL. */
static hs_json *record_error(hs_ctx *ctx, const char *code, const char *msg)
{
    return msg ? sfns_result_error(ctx, code, msg) : NULL;
}

/* Adds candidate c (by internal id, once per page) to the set; -1 out of memory. */
static int add_candidate(struct page *p, const char *id, const hs_json *c)
{
    for (size_t i = 0; i < p->ncands; i++)
        if (strcmp(p->cands[i].id, id) == 0)
            return 0;
    if (p->ncands == p->capcands) {
        size_t cap = p->capcands ? p->capcands * 2 : 16;
        struct cand *n = realloc(p->cands, cap * sizeof(*n));
        if (!n)
            return -1;
        p->cands = n;
        p->capcands = cap;
    }
    struct match_contact m = {.id = id,
                              .first_name = text(p->ctx, c, FIRST),
                              .last_name = text(p->ctx, c, LAST),
                              .email = text(p->ctx, c, EMAIL),
                              .phone = text(p->ctx, c, PHONE),
                              .mobile_phone = text(p->ctx, c, MOBILE),
                              .company_id = text(p->ctx, c, NS_COMPANY_EXT),
                              .company_name = text(p->ctx, c, NS_COMPANY_NAME)};
    if (match_set_add(p->set, MATCH_NS, &m) < 0)
        return -1;
    p->cands[p->ncands++] = (struct cand){.id = id, .data = c};
    return 0;
}

/* Checks record i and adds it (and its candidates) to the set; sets r->error instead when the
 * record cannot be processed. HS_ERR_NOMEM when out of memory. */
static hs_status read_record(struct page *p, size_t i)
{
    hs_ctx *ctx = p->ctx;
    struct rec *r = &p->recs[i];
    r->sf = -1;
    if (sfns_api->json_type(r->data) != HS_JSON_OBJECT) {
        r->error = record_error(ctx, "invalid_record",
                                sfns_api->sprintf(ctx,
                                                  "Record %zu is not an object: a Salesforce "
                                                  "Contact was expected.",
                                                  i + 1));
        return r->error ? HS_OK : HS_ERR_NOMEM;
    }
    const char *raw = text(ctx, r->data, SF_ID);
    r->id = sfid18(ctx, raw);
    if (!r->id) {
        r->error = record_error(
            ctx, "missing_id",
            raw ? sfns_api->sprintf(ctx,
                                    "Record %zu: the contact's Id \"%s\" is not a Salesforce Id "
                                    "(15 or 18 letters and digits).",
                                    i + 1, raw)
                : sfns_api->sprintf(ctx,
                                    "Record %zu: the contact has no Id; export the Salesforce "
                                    "Contact with its Id field.",
                                    i + 1));
        return r->error ? HS_OK : HS_ERR_NOMEM;
    }
    const char *by = sfid18(ctx, text(ctx, r->data, SF_MODIFIED_BY));
    if (by && p->conf.integration_user && strcasecmp(by, p->conf.integration_user) == 0) {
        sfns_api->log(ctx, HS_LOG_INFO,
                      FN ": record %zu (contact %s) was last modified by the integration user "
                         "(settings.sfns.salesforceIntegrationUserId): an echo of its own write; "
                         "answered {}",
                      i + 1, r->id);
        r->error = sfns_result_skip(ctx);
        return r->error ? HS_OK : HS_ERR_NOMEM;
    }
    const char *last = text(ctx, r->data, LAST);
    if (!last) {
        r->error = record_error(ctx, "missing_name",
                                sfns_api->sprintf(ctx,
                                                  "Contact %s has no LastName: NetSuite needs a "
                                                  "name for the contact; add LastName to the "
                                                  "export.",
                                                  r->id));
        return r->error ? HS_OK : HS_ERR_NOMEM;
    }
    const char *acct = text(ctx, r->data, SF_ACCOUNT_ID);
    r->account = sfid18(ctx, acct);
    if (!r->account) {
        r->error = record_error(
            ctx, "no_account",
            acct ? sfns_api->sprintf(ctx,
                                     "Contact %s has AccountId \"%s\", which is not a "
                                     "Salesforce Id.",
                                     r->id, acct)
                 : sfns_api->sprintf(ctx,
                                     "Contact %s has no AccountId: a NetSuite contact belongs to "
                                     "a company, so only contacts of an account are synced. "
                                     "Link the contact to an account.",
                                     r->id));
        return r->error ? HS_OK : HS_ERR_NOMEM;
    }
    hs_json *cands = sfns_api->json_get(r->data, p->conf.candidates_field);
    hs_json_type ct = sfns_api->json_type(cands);
    if (ct != HS_JSON_ABSENT && ct != HS_JSON_NULL && ct != HS_JSON_ARRAY) {
        r->error = record_error(ctx, "invalid_candidates",
                                sfns_api->sprintf(ctx,
                                                  "Contact %s: its field \"%s\" must be an "
                                                  "array of NetSuite contacts (what the lookup "
                                                  "step returns).",
                                                  r->id, p->conf.candidates_field));
        return r->error ? HS_OK : HS_ERR_NOMEM;
    }
    size_t nc = sfns_api->json_len(cands);
    for (size_t k = 0; ct == HS_JSON_ARRAY && k < nc; k++) {
        hs_json *c = sfns_api->json_at(cands, k);
        const char *cid = sfns_api->json_type(c) == HS_JSON_OBJECT ? text(ctx, c, NS_ID) : NULL;
        if (!cid) {
            r->error = record_error(ctx, "invalid_candidates",
                                    sfns_api->sprintf(ctx,
                                                      "Contact %s: element %zu of \"%s\" is not "
                                                      "a NetSuite contact with an internalId (or "
                                                      "id).",
                                                      r->id, k, p->conf.candidates_field));
            return r->error ? HS_OK : HS_ERR_NOMEM;
        }
    }
    struct match_contact m = {.id = r->id,
                              .first_name = text(ctx, r->data, FIRST),
                              .last_name = last,
                              .email = text(ctx, r->data, EMAIL),
                              .phone = text(ctx, r->data, PHONE),
                              .mobile_phone = text(ctx, r->data, MOBILE),
                              .company_id = r->account,
                              .company_name = text(ctx, r->data, SF_ACCOUNT_NAME)};
    r->sf = match_set_add(p->set, MATCH_SF, &m);
    if (r->sf < 0)
        return HS_ERR_NOMEM;
    p->by_sf[r->sf] = i;
    for (size_t k = 0; ct == HS_JSON_ARRAY && k < nc; k++) {
        hs_json *c = sfns_api->json_at(cands, k);
        if (add_candidate(p, text(ctx, c, NS_ID), c) != 0)
            return HS_ERR_NOMEM;
    }
    return HS_OK;
}

/* Sets key to the first non-empty text of names in the group's records (the first record's own
 * value first). */
static hs_status set_merged(struct page *p, hs_json *out, const char *key, const char *const *names,
                            const size_t *members, size_t nmembers)
{
    for (size_t m = 0; m < nmembers; m++) {
        const char *v = text(p->ctx, p->recs[members[m]].data, names);
        if (!v)
            continue;
        /* Written without the spaces around it (a pasted "ann@x.org " is ann@x.org). */
        while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
            v++;
        size_t len = strlen(v);
        while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t' || v[len - 1] == '\r' ||
                           v[len - 1] == '\n'))
            len--;
        if (len == 0)
            continue;
        hs_json *s = sfns_api->json_new_stringn(p->ctx, v, len);
        return s ? sfns_api->json_set(p->ctx, out, key, s) : HS_ERR_NOMEM;
    }
    return HS_OK;
}

static const char *const decision_names[] = {"create", "update", "review"};

/* The NetSuite contact for a group whose first record is members[0]. */
static hs_json *contact_out(struct page *p, const struct match_result *res, const size_t *members,
                            size_t nmembers)
{
    hs_ctx *ctx = p->ctx;
    const struct rec *r = &p->recs[members[0]];
    hs_json *out = sfns_api->json_new_object(ctx), *company = sfns_api->json_new_object(ctx);
    hs_json *match = sfns_api->json_new_object(ctx), *merged = sfns_api->json_new_array(ctx);
    if (!out || !company || !match || !merged)
        return NULL;
    hs_status st = sfns_api->json_set_string(ctx, out, "externalid", r->id);
    if (st == HS_OK && res->decision == MATCH_UPDATE)
        st = sfns_api->json_set_string(ctx, out, "internalid", p->cands[res->candidates[0]].id);
    if (st == HS_OK)
        st = set_merged(p, out, "firstname", FIRST, members, nmembers);
    if (st == HS_OK)
        st = set_merged(p, out, "lastname", LAST, members, nmembers);
    if (st == HS_OK)
        st = set_merged(p, out, "email", EMAIL, members, nmembers);
    if (st == HS_OK)
        st = set_merged(p, out, "phone", PHONE, members, nmembers);
    if (st == HS_OK)
        st = set_merged(p, out, "mobilephone", MOBILE, members, nmembers);
    if (st == HS_OK)
        st = set_merged(p, out, "title", TITLE, members, nmembers);
    if (st == HS_OK)
        st = sfns_api->json_set_string(ctx, company, "externalid", r->account);
    if (st == HS_OK)
        st = sfns_api->json_set(ctx, out, "company", company);
    if (st == HS_OK)
        st = sfns_api->json_set_string(ctx, match, "decision", decision_names[res->decision]);
    if (st == HS_OK)
        st = res->decision == MATCH_UPDATE
                 ? sfns_api->json_set_string(ctx, match, "netsuiteId",
                                             p->cands[res->candidates[0]].id)
                 : sfns_api->json_set(ctx, match, "netsuiteId", sfns_api->json_new_null(ctx));
    if (st == HS_OK)
        st = sfns_api->json_set_number(ctx, match, "score",
                                       (double)(long)(res->score * 1000 + 0.5) / 1000);
    if (st == HS_OK)
        st = sfns_api->json_set_string(ctx, match, "reason", res->reason);
    for (size_t m = 1; st == HS_OK && m < nmembers; m++)
        st = sfns_api->json_push(ctx, merged,
                                 sfns_api->json_new_string(ctx, p->recs[members[m]].id));
    if (st == HS_OK)
        st = sfns_api->json_set(ctx, match, "mergedSalesforceIds", merged);
    if (st == HS_OK)
        st = sfns_api->json_set(ctx, out, "sfnsMatch", match);
    return st == HS_OK ? sfns_result_data(ctx, out) : NULL;
}

/* The per-record error of a group held for review. */
static hs_json *review_error(struct page *p, const struct rec *r, const struct match_result *res)
{
    hs_ctx *ctx = p->ctx;
    const char *list = "";
    for (size_t k = 0; k < res->ncandidates && list; k++) {
        const struct cand *c = &p->cands[res->candidates[k]];
        const char *first = text(ctx, c->data, FIRST), *last = text(ctx, c->data, LAST);
        const char *email = text(ctx, c->data, EMAIL);
        list = sfns_api->sprintf(ctx, "%s%s%s (%s%s%s%s%s)", list, k ? ", " : "", c->id,
                                 first ? first : "", first && last ? " " : "", last ? last : "",
                                 email ? ", " : "", email ? email : "");
    }
    if (!list)
        return NULL;
    const char *msg = sfns_api->sprintf(
        ctx,
        "Contact %s needs a decision (%s): NetSuite candidates %s. Link the right one by hand "
        "(or merge the NetSuite duplicates), then retry; nothing was written.",
        r->id, res->reason, list);
    return msg ? sfns_result_error(ctx, "ambiguous_match", msg) : NULL;
}

static hs_status answer(struct page *p, hs_json *result)
{
    hs_ctx *ctx = p->ctx;
    size_t *members = calloc(p->nrecs ? p->nrecs : 1, sizeof(*members));
    if (!members)
        return HS_ERR_NOMEM;
    hs_status st = HS_OK;
    for (size_t i = 0; i < p->nrecs && st == HS_OK; i++) {
        struct rec *r = &p->recs[i];
        hs_json *el = r->error;
        if (!el) {
            struct match_result res;
            if (match_set_result(p->set, (size_t)r->sf, &res) != MATCH_OK) {
                st = HS_ERR_FAILED;
                break;
            }
            size_t first = p->by_sf[res.group];
            if (res.decision == MATCH_REVIEW) {
                el = review_error(p, r, &res);
            } else if (first != i) {
                sfns_api->log(ctx, HS_LOG_INFO,
                              FN ": record %zu (contact %s) is the same person as record %zu "
                                 "(contact %s) and is merged into it; answered {}",
                              i + 1, r->id, first + 1, p->recs[first].id);
                el = sfns_result_skip(ctx);
            } else {
                size_t n = 0;
                for (size_t j = i; j < p->nrecs; j++) {
                    struct match_result o;
                    if (!p->recs[j].error &&
                        match_set_result(p->set, (size_t)p->recs[j].sf, &o) == MATCH_OK &&
                        o.group == res.group)
                        members[n++] = j;
                }
                el = contact_out(p, &res, members, n);
            }
        }
        if (!el || sfns_api->json_push(ctx, result, el) != HS_OK)
            st = HS_ERR_NOMEM;
    }
    free(members);
    return st;
}

static hs_status contact_to_contact(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    struct page *p = sfns_api->alloc(ctx, sizeof(*p));
    if (!p)
        return HS_ERR_NOMEM;
    p->ctx = ctx;
    hs_status st = read_conf(ctx, &p->conf);
    if (st != HS_OK)
        return st;
    hs_json *data = sfns_api->json_get(options, "data");
    p->nrecs = sfns_api->json_len(data);
    p->recs = sfns_api->alloc(ctx, (p->nrecs ? p->nrecs : 1) * sizeof(*p->recs));
    p->by_sf = calloc(p->nrecs ? p->nrecs : 1, sizeof(*p->by_sf));
    p->set = match_set_new(&p->conf.match);
    if (sfns_api->on_cleanup(ctx, page_cleanup, p) != HS_OK) {
        page_cleanup(p);
        return HS_ERR_NOMEM;
    }
    hs_json *out = sfns_api->json_new_array(ctx);
    if (!p->recs || !p->by_sf || !p->set || !out)
        return HS_ERR_NOMEM;
    for (size_t i = 0; i < p->nrecs && st == HS_OK; i++) {
        p->recs[i].data = sfns_api->json_at(data, i);
        st = read_record(p, i);
    }
    if (st == HS_OK && match_set_run(p->set, NULL, NULL) != MATCH_OK)
        st = HS_ERR_NOMEM;
    if (st == HS_OK)
        st = answer(p, out);
    if (st == HS_ERR_NOMEM)
        return sfns_api->fail(ctx, "out_of_memory", FN ": out of memory");
    if (st != HS_OK)
        return st;
    *result = out;
    return HS_OK;
}

hs_status sfns_contact_register(hs_module *mod)
{
    hs_fn_opts o = HS_FN_OPTS_INIT;
    o.description = "Salesforce Contact -> NetSuite contact, matched before create "
                    "(update / create / review)";
    return sfns_api->register_fn(mod, FN, HS_KIND_PRE_MAP, contact_to_contact, &o);
}
