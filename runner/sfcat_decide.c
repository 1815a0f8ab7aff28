/* sfcat_decide.c — a reviewer's decisions file for `hookstack sfns catalog --accept` (sfcat.h):
 * the review CSV with its `decision` column filled in (or JSON rows of the same names), applied
 * to the matcher set. Untrusted input (tests/fuzz/fuzz_sfcat_decisions.c): every problem is a
 * message naming the row. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "sfcat.h"
#include "sfns_export.h"

static const char *const PRODUCT[] = {"productid", "id", NULL};
static const char *const CODE[] = {"productcode", "code", NULL};
static const char *const DECISION[] = {"decision", NULL};
static const char *const MAP_TO[] = {"mapto", "netsuiteid", NULL};

/* The decision word, in any case and spacing: accept, reject, map (map-to, map-to-other). */
static int decision_of(const char *s, enum catmatch_decision *d)
{
    char k[32];
    size_t j = 0;
    for (; *s && j + 1 < sizeof(k); s++)
        if (isalpha((unsigned char)*s))
            k[j++] = (char)tolower((unsigned char)*s);
    k[j] = '\0';
    if (j == 0)
        return 1; /* undecided */
    if (!strcmp(k, "accept") || !strcmp(k, "accepted") || !strcmp(k, "yes"))
        *d = CATMATCH_DECIDE_ACCEPT;
    else if (!strcmp(k, "reject") || !strcmp(k, "rejected") || !strcmp(k, "no"))
        *d = CATMATCH_DECIDE_REJECT;
    else if (!strcmp(k, "map") || !strcmp(k, "mapto") || !strcmp(k, "maptoother"))
        *d = CATMATCH_DECIDE_MAP;
    else
        return -1;
    return 0;
}

long sfcat_decisions_apply(struct catmatch_set *set, struct arena *a, const char *name,
                           const char *buf, size_t len, char *err, size_t errlen)
{
    char msg[256];
    struct json_value *rows = sfcat_rows_parse(a, buf, len, msg, sizeof(msg));
    if (!rows) {
        snprintf(err, errlen, "%s: %s", name, msg);
        return -1;
    }
    long applied = 0;
    char n1[JSON_NUMBER_MAX], n2[JSON_NUMBER_MAX], n3[JSON_NUMBER_MAX];
    for (uint32_t i = 0; i < rows->len; i++) {
        const struct json_value *r = rows->u.items[i];
        const char *word = sfns_export_text(r, DECISION, NULL, 0);
        enum catmatch_decision d = CATMATCH_DECIDE_ACCEPT;
        int st = word ? decision_of(word, &d) : 1;
        if (st > 0)
            continue;
        if (st < 0) {
            snprintf(err, errlen,
                     "%s: row %u: decision \"%.40s\" is not accept, reject or map (with map_to)",
                     name, i + 1, word);
            return -1;
        }
        const char *pid = sfns_export_text(r, PRODUCT, n1, sizeof(n1));
        const char *code = sfns_export_text(r, CODE, n2, sizeof(n2));
        long p = pid && *pid ? catmatch_find_product(set, pid) : -1;
        if (p < 0 && code && *code)
            p = catmatch_find_product(set, code);
        if (p < 0) {
            snprintf(err, errlen,
                     "%s: row %u: product \"%.60s\" is not in the Salesforce export (product_id "
                     "or product_code must name one)",
                     name, i + 1,
                     pid && *pid ? pid
                     : code      ? code
                                 : "");
            return -1;
        }
        size_t item = 0;
        if (d == CATMATCH_DECIDE_MAP) {
            const char *to = sfns_export_text(r, MAP_TO, n3, sizeof(n3));
            long it = to && *to ? catmatch_find_item(set, to) : -1;
            if (it < 0) {
                snprintf(err, errlen,
                         "%s: row %u: map needs map_to, the internal id of an item of the "
                         "NetSuite export (\"%.60s\" is not one)",
                         name, i + 1, to ? to : "");
                return -1;
            }
            item = (size_t)it;
        }
        int rc = catmatch_decide(set, (size_t)p, d, item);
        if (rc == CATMATCH_EINVAL) {
            snprintf(err, errlen,
                     "%s: row %u: product \"%.60s\" has no proposal to accept: map it (decision "
                     "map, map_to the item's internal id) or reject it",
                     name, i + 1, catmatch_product(set, (size_t)p)->id);
            return -1;
        }
        if (rc != CATMATCH_OK) {
            snprintf(err, errlen, "%s: out of memory", name);
            return -1;
        }
        applied++;
    }
    return applied;
}
