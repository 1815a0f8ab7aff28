/* catmatch_run.c — the proposal pass of the catalog matcher: per product, the first way that
 * finds an item (stored id, settings map, exact code, normalisation rules, name similarity), the
 * price evidence, then the conflicts across products; and a reviewer's decisions (catmatch.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "catmatch_internal.h"

/* Confidence of each method before the price evidence. */
#define CONF_STORED        1.0
#define CONF_MAP           1.0
#define CONF_EXACT         0.98
#define CONF_RULES         0.95
#define CONF_PRICE_AGREES  0.04
#define CONF_PRICE_DIFFERS 0.15
/* A name match scores 0.40 + 0.45 x similarity: at most 0.89 with agreeing prices, below the
 * default acceptance (0.9), so a product found by its name alone is always reviewed. */
#define CONF_NAME_BASE 0.40
#define CONF_NAME_SPAN 0.45
/* Name matching: tokens are read from the rarest; their items are gathered until this many have
 * been seen (so a common word never makes a product compare with the whole catalog), and the best
 * NAME_TOP by the partial score are scored exactly. */
#define NAME_POSTINGS 4000
#define NAME_TOP      16
#define NAME_TIE      0.02

static int price_cmp(const struct catmatch_price *a, const char *cur)
{
    return strncmp(a->currency, cur, sizeof(a->currency));
}

void cm_prices(struct catmatch_set *s, struct cm_product *p, const struct cm_item *it)
{
    int compared = 0, differs = 0;
    struct cm_buf gaps = {0};
    for (size_t i = 0; i < p->p.nprices; i++) {
        const struct catmatch_price *sp = &p->p.prices[i];
        const struct catmatch_price *np = NULL;
        for (size_t j = 0; j < it->it.nprices && !np; j++)
            if (price_cmp(&it->it.prices[j], sp->currency) == 0)
                np = &it->it.prices[j];
        if (!np) {
            if (it->it.nprices > 0)
                cm_buf_printf(&gaps, "%s%.3s", gaps.len ? ", " : "", sp->currency);
            continue;
        }
        compared++;
        double hi = fmax(fabs(sp->amount), fabs(np->amount));
        double diff = fabs(sp->amount - np->amount);
        if (diff > s->o.price_tolerance * hi + 1e-9) {
            differs++;
            cm_buf_printf(&p->evidence,
                          "price differs in %.3s: %.15g (Salesforce) vs %.15g (NetSuite), %.1f%% "
                          "apart\n",
                          sp->currency, sp->amount, np->amount, hi > 0 ? diff * 100 / hi : 0.0);
            cm_buf_printf(&p->conflicts,
                          "price_mismatch: %.3s %.15g in Salesforce, %.15g in NetSuite item %s "
                          "(%.1f%% apart; tolerance %.15g%%)\n",
                          sp->currency, sp->amount, np->amount, it->it.id,
                          hi > 0 ? diff * 100 / hi : 0.0, s->o.price_tolerance * 100);
        } else {
            cm_buf_printf(&p->evidence,
                          "price agrees in %.3s: %.15g (Salesforce), %.15g "
                          "(NetSuite)\n",
                          sp->currency, sp->amount, np->amount);
        }
    }
    if (differs) {
        p->price_state = -1;
        p->prop.conflicts |= CATMATCH_C_PRICE;
    } else {
        p->price_state = compared ? 1 : 0;
    }
    if (gaps.len) {
        p->prop.conflicts |= CATMATCH_C_CURRENCY;
        cm_buf_printf(&p->conflicts,
                      "currency_gap: Salesforce prices it in %s, NetSuite item %s has no price in "
                      "%s\n",
                      gaps.data, it->it.id, strchr(gaps.data, ',') ? "those" : "it");
    }
    free(gaps.data);
}

/* Does item j's price agree with the product's (without touching its evidence)? */
static int price_agrees(const struct catmatch_set *s, const struct cm_product *p,
                        const struct cm_item *it)
{
    int compared = 0;
    for (size_t i = 0; i < p->p.nprices; i++)
        for (size_t j = 0; j < it->it.nprices; j++) {
            const struct catmatch_price *a = &p->p.prices[i], *b = &it->it.prices[j];
            if (price_cmp(b, a->currency) != 0)
                continue;
            double hi = fmax(fabs(a->amount), fabs(b->amount));
            if (fabs(a->amount - b->amount) > s->o.price_tolerance * hi + 1e-9)
                return 0;
            compared++;
        }
    return compared > 0;
}

/* Several items fit: the proposal is the first whose price agrees (else the first); all are
 * candidates. Returns the chosen item. */
static uint32_t choose(struct catmatch_set *s, struct cm_product *p, const struct cm_multi *m,
                       const struct cm_slot *sl)
{
    uint32_t best = m->vals[sl->head];
    int agreeing = 0;
    for (uint32_t e = sl->head; e != CM_NONE; e = m->next[e])
        if (price_agrees(s, p, &s->items[m->vals[e]])) {
            if (!agreeing++)
                best = m->vals[e];
        }
    if (sl->count > 1 && agreeing != 1) {
        size_t *c = cm_pool_alloc(&s->pool, sl->count * sizeof(*c));
        if (c) {
            size_t n = 0;
            c[n++] = best;
            for (uint32_t e = sl->head; e != CM_NONE; e = m->next[e])
                if (m->vals[e] != best)
                    c[n++] = m->vals[e];
            p->prop.candidates = c;
            p->prop.ncandidates = n;
        }
        p->prop.conflicts |= CATMATCH_C_SEVERAL;
        struct cm_buf ids = {0};
        for (uint32_t e = sl->head; e != CM_NONE; e = m->next[e])
            cm_buf_printf(&ids, "%s%s (\"%s\")", ids.len ? ", " : "", s->items[m->vals[e]].it.id,
                          cm_item_label(&s->items[m->vals[e]]));
        cm_buf_printf(&p->conflicts,
                      "several_candidates: %u NetSuite items fit equally well: %s%s\n", sl->count,
                      ids.data ? ids.data : "",
                      agreeing ? "; more than one agrees on price" : "; none agrees on price");
        free(ids.data);
    } else if (sl->count > 1) {
        cm_buf_printf(&p->evidence,
                      "%u NetSuite items fit the code; only item %s agrees on price\n", sl->count,
                      s->items[best].it.id);
    }
    return best;
}

struct name_scratch {
    double *acc;
    uint32_t *touched;
    size_t ntouched;
};

static int by_df(const void *a, const void *b)
{
    const struct cm_slot *x = *(const struct cm_slot *const *)a,
                         *y = *(const struct cm_slot *const *)b;
    return x->count < y->count ? -1 : x->count > y->count;
}

/* The best item by name similarity (weighted Dice over name tokens), -1 for none above the
 * threshold. *sim its similarity; *tie another item within NAME_TIE of it (or -1). */
static long by_name(struct catmatch_set *s, struct cm_product *p, struct name_scratch *ns,
                    double *sim, long *tie)
{
    *tie = -1;
    if (!p->p.name || s->nitems == 0)
        return -1;
    const char **toks = cm_tokens(&s->pool, p->p.name, NULL);
    if (!toks)
        return -1;
    const struct cm_slot *sl[64];
    size_t n = 0;
    double wp = 0;
    for (const char **t = toks; *t; t++) {
        const struct cm_slot *x = cm_multi_find(&s->item_by_token, *t);
        double w = cm_token_weight(x ? x->count : 0, s->nitems);
        wp += w;
        if (x && n < sizeof(sl) / sizeof(*sl))
            sl[n++] = x;
    }
    if (n == 0)
        return -1;
    qsort(sl, n, sizeof(*sl), by_df);
    size_t seen = 0;
    for (size_t k = 0; k < n && (k == 0 || seen + sl[k]->count <= NAME_POSTINGS); k++) {
        double w = cm_token_weight(sl[k]->count, s->nitems);
        const struct cm_multi *m = &s->item_by_token;
        for (uint32_t e = sl[k]->head; e != CM_NONE; e = m->next[e]) {
            uint32_t it = m->vals[e];
            if (ns->acc[it] == 0)
                ns->touched[ns->ntouched++] = it;
            ns->acc[it] += w;
        }
        seen += sl[k]->count;
    }
    /* The NAME_TOP best by the partial similarity (the shared weight seen so far over both
     * names' weights: ranking by the shared weight alone would prefer long names sharing common
     * words over a short one sharing the rare word), scored exactly. */
    for (size_t i = 0; i < ns->ntouched; i++) {
        uint32_t it = ns->touched[i];
        ns->acc[it] = ns->acc[it] / (wp + s->items[it].weight);
    }
    uint32_t top[NAME_TOP];
    size_t ntop = 0;
    for (size_t i = 0; i < ns->ntouched; i++) {
        uint32_t it = ns->touched[i];
        if (ntop < NAME_TOP) {
            top[ntop++] = it;
            continue;
        }
        size_t lo = 0;
        for (size_t k = 1; k < ntop; k++)
            if (ns->acc[top[k]] < ns->acc[top[lo]])
                lo = k;
        if (ns->acc[it] > ns->acc[top[lo]])
            top[lo] = it;
    }
    for (size_t i = 0; i < ns->ntouched; i++)
        ns->acc[ns->touched[i]] = 0;
    ns->ntouched = 0;
    long best = -1;
    double bs = 0, second = 0;
    long second_i = -1;
    for (size_t k = 0; k < ntop; k++) {
        const struct cm_item *it = &s->items[top[k]];
        double shared = 0;
        for (const char **t = toks; *t; t++) {
            const struct cm_slot *x = cm_multi_find(&s->item_by_token, *t);
            if (!x)
                continue;
            for (const char **u = it->tokens; *u; u++)
                if (*u == x->key) {
                    shared += cm_token_weight(x->count, s->nitems);
                    break;
                }
        }
        double sc = wp + it->weight > 0 ? 2 * shared / (wp + it->weight) : 0;
        if (sc > bs || (sc == bs && best >= 0 && top[k] < (uint32_t)best)) {
            second = bs;
            second_i = best;
            bs = sc;
            best = top[k];
        } else if (sc > second) {
            second = sc;
            second_i = top[k];
        }
    }
    if (best < 0 || bs < s->o.name_threshold)
        return -1;
    *sim = bs;
    if (second_i >= 0 && bs - second <= NAME_TIE)
        *tie = second_i;
    return best;
}

static void propose(struct catmatch_set *s, struct cm_product *p, struct name_scratch *ns)
{
    struct catmatch_proposal *pr = &p->prop;
    const struct cm_slot *sl;
    const char *cf = "ProductCode";
    if (p->p.stored_item && (sl = cm_multi_find(&s->item_by_id, p->p.stored_item)) != NULL) {
        pr->item = s->item_by_id.vals[sl->head];
        pr->method = CATMATCH_M_STORED_ID;
        pr->confidence = CONF_STORED;
        cm_buf_printf(&p->evidence, "stored NetSuite id: the product holds item %s\n",
                      p->p.stored_item);
    } else if (p->key && (sl = cm_multi_find(&s->map, p->key)) != NULL) {
        const char *id = s->map_ids[s->map.vals[sl->head]];
        long it = catmatch_find_item(s, id);
        if (it >= 0) {
            pr->item = it;
            pr->method = CATMATCH_M_SETTINGS_MAP;
            pr->confidence = CONF_MAP;
            cm_buf_printf(&p->evidence, "settings map: \"%s\" is mapped to item %s\n", p->p.code,
                          id);
        } else {
            cm_buf_printf(&p->evidence,
                          "settings map: \"%s\" is mapped to item %s, which the NetSuite export "
                          "does not hold\n",
                          p->p.code, id);
        }
    }
    if (p->p.stored_item && pr->method != CATMATCH_M_STORED_ID)
        cm_buf_printf(&p->evidence,
                      "stored NetSuite id %s: the NetSuite export holds no such item\n",
                      p->p.stored_item);
    if (pr->method == CATMATCH_M_NONE && p->p.code &&
        (sl = cm_multi_find(&s->item_by_leaf, p->p.code)) != NULL) {
        pr->item = choose(s, p, &s->item_by_leaf, sl);
        pr->method = CATMATCH_M_EXACT;
        pr->confidence = CONF_EXACT;
        cm_buf_printf(
            &p->evidence, "exact code: %s \"%s\" is the item name \"%s\"\n", cf, p->p.code,
            cm_item_label(&s->items[pr->item])); /* Other items whose names normalise to the code's
                                                  * key are candidates too: NetSuite holds the item
                                                  * twice unless price tells the exact one apart. */
        const struct cm_slot *ks = p->key ? cm_multi_find(&s->item_by_key, p->key) : NULL;
        if (ks && ks->count > 1) {
            long exact = pr->item;
            uint32_t other = choose(s, p, &s->item_by_key, ks);
            if (!(pr->conflicts & CATMATCH_C_SEVERAL) && other != (uint32_t)exact) {
                /* price picked another item: that disagrees with the exact name */
                pr->conflicts |= CATMATCH_C_SEVERAL;
                cm_buf_printf(&p->conflicts,
                              "several_candidates: item %s has the exact name, item %s the "
                              "agreeing price\n",
                              s->items[exact].it.id, s->items[other].it.id);
            }
            pr->item = exact;
            if (pr->ncandidates > 1 && pr->candidates[0] != (size_t)exact) {
                size_t *c = (size_t *)pr->candidates;
                for (size_t k = 1; k < pr->ncandidates; k++)
                    if (c[k] == (size_t)exact) {
                        c[k] = c[0];
                        c[0] = (size_t)exact;
                    }
            }
        }
    }
    if (pr->method == CATMATCH_M_NONE && p->key &&
        (sl = cm_multi_find(&s->item_by_key, p->key)) != NULL) {
        pr->item = choose(s, p, &s->item_by_key, sl);
        pr->method = CATMATCH_M_RULES;
        pr->confidence = CONF_RULES;
        cm_buf_printf(&p->evidence,
                      "normalisation rule: %s \"%s\" and item name \"%s\" both normalise to "
                      "\"%s\"\n",
                      cf, p->p.code, cm_item_label(&s->items[pr->item]), p->key);
    }
    if (pr->method == CATMATCH_M_NONE) {
        double sim = 0;
        long tie = -1;
        long it = by_name(s, p, ns, &sim, &tie);
        if (it >= 0) {
            pr->item = it;
            pr->method = CATMATCH_M_NAME;
            pr->confidence = CONF_NAME_BASE + CONF_NAME_SPAN * sim;
            const struct cm_item *x = &s->items[it];
            cm_buf_printf(&p->evidence,
                          "name similarity %.2f: \"%s\" and item \"%s\"%s%s%s (no item has the "
                          "code%s%s)\n",
                          sim, p->p.name, x->it.name ? x->it.name : cm_item_label(x),
                          x->it.name && x->it.itemid ? " (" : "",
                          x->it.name && x->it.itemid ? x->it.itemid : "",
                          x->it.name && x->it.itemid ? ")" : "", p->p.code ? " " : "",
                          p->p.code ? p->p.code : "");
            if (tie >= 0) {
                size_t *c = cm_pool_alloc(&s->pool, 2 * sizeof(*c));
                if (c) {
                    c[0] = (size_t)it;
                    c[1] = (size_t)tie;
                    pr->candidates = c;
                    pr->ncandidates = 2;
                }
                pr->conflicts |= CATMATCH_C_SEVERAL;
                cm_buf_printf(&p->conflicts,
                              "several_candidates: items %s (\"%s\") and %s (\"%s\") have names "
                              "about as similar\n",
                              x->it.id, cm_item_label(x), s->items[tie].it.id,
                              cm_item_label(&s->items[tie]));
            }
        }
    }
    if (pr->item < 0)
        return;
    const struct cm_item *it = &s->items[pr->item];
    cm_prices(s, p, it);
    if (p->price_state > 0)
        pr->confidence += CONF_PRICE_AGREES;
    else if (p->price_state < 0)
        pr->confidence -= CONF_PRICE_DIFFERS;
    if (pr->confidence > 1)
        pr->confidence = 1;
    if (it->it.inactive) {
        pr->conflicts |= CATMATCH_C_INACTIVE;
        cm_buf_printf(&p->conflicts, "inactive_item: NetSuite item %s (\"%s\") is inactive\n",
                      it->it.id, cm_item_label(it));
    }
}

/* Two products with one normalised code; two products given one item. */
static int cross_conflicts(struct catmatch_set *s)
{
    for (size_t i = 0; i < s->nproducts; i++) {
        struct cm_product *p = &s->products[i];
        const struct cm_slot *sl = p->key ? cm_multi_find(&s->product_by_key, p->key) : NULL;
        if (!sl || sl->count < 2)
            continue;
        p->prop.conflicts |= CATMATCH_C_DUPLICATE_CODE;
        struct cm_buf others = {0};
        for (uint32_t e = sl->head; e != CM_NONE; e = s->product_by_key.next[e]) {
            const struct cm_product *o = &s->products[s->product_by_key.vals[e]];
            if (o != p)
                cm_buf_printf(&others, "%s%s (\"%s\")", others.len ? ", " : "",
                              o->p.id ? o->p.id : "?", o->p.code);
        }
        cm_buf_printf(&p->conflicts,
                      "duplicate_code: \"%s\" normalises to \"%s\" like product(s) %s: the order "
                      "hooks cannot tell them apart\n",
                      p->p.code, p->key, others.data ? others.data : "");
        free(others.data);
    }
    uint32_t *first = malloc((s->nitems ? s->nitems : 1) * sizeof(*first));
    uint32_t *count = calloc(s->nitems ? s->nitems : 1, sizeof(*count));
    if (!first || !count) {
        free(first);
        free(count);
        return CATMATCH_ENOMEM;
    }
    for (size_t i = 0; i < s->nproducts; i++) {
        long it = s->products[i].prop.item;
        if (it >= 0 && count[it]++ == 0)
            first[it] = (uint32_t)i;
    }
    /* Second walk: name the other products of each shared item (the first one for all but the
     * first, the second one for the first). */
    uint32_t *second = malloc((s->nitems ? s->nitems : 1) * sizeof(*second));
    if (!second) {
        free(first);
        free(count);
        return CATMATCH_ENOMEM;
    }
    for (size_t i = 0; i < s->nitems; i++)
        second[i] = CM_NONE;
    for (size_t i = 0; i < s->nproducts; i++) {
        long it = s->products[i].prop.item;
        if (it >= 0 && count[it] > 1 && first[it] != i && second[it] == CM_NONE)
            second[it] = (uint32_t)i;
    }
    for (size_t i = 0; i < s->nproducts; i++) {
        struct cm_product *p = &s->products[i];
        long it = p->prop.item;
        if (it < 0 || count[it] < 2)
            continue;
        const struct cm_product *o = &s->products[first[it] == i ? second[it] : first[it]];
        p->prop.conflicts |= CATMATCH_C_SHARED_ITEM;
        cm_buf_printf(&p->conflicts,
                      "shared_item: NetSuite item %s (\"%s\") is proposed for %u products, also "
                      "%s (\"%s\")\n",
                      s->items[it].it.id, cm_item_label(&s->items[it]), count[it],
                      o->p.id ? o->p.id : "?", cm_product_label(o));
    }
    free(first);
    free(second);
    free(count);
    return CATMATCH_OK;
}

int catmatch_run(struct catmatch_set *s, void (*progress)(void *, size_t, size_t), void *arg)
{
    if (s->ran)
        return CATMATCH_EINVAL;
    s->ran = 1;
    for (size_t i = 0; i < s->nitems; i++) {
        struct cm_item *it = &s->items[i];
        it->weight = 0;
        for (const char **t = it->tokens; *t; t++)
            it->weight += cm_token_weight(cm_multi_find(&s->item_by_token, *t)->count, s->nitems);
    }
    struct name_scratch ns = {0};
    ns.acc = calloc(s->nitems ? s->nitems : 1, sizeof(*ns.acc));
    ns.touched = malloc((s->nitems ? s->nitems : 1) * sizeof(*ns.touched));
    if (!ns.acc || !ns.touched) {
        free(ns.acc);
        free(ns.touched);
        return CATMATCH_ENOMEM;
    }
    for (size_t i = 0; i < s->nproducts; i++) {
        propose(s, &s->products[i], &ns);
        if (progress && (i % 1024 == 0))
            progress(arg, i, s->nproducts);
    }
    free(ns.acc);
    free(ns.touched);
    int rc = cm_bundles(s);
    if (rc == CATMATCH_OK)
        rc = cross_conflicts(s);
    for (size_t i = 0; i < s->nproducts; i++) {
        struct cm_product *p = &s->products[i];
        struct catmatch_proposal *pr = &p->prop;
        if (p->evidence.failed || p->conflicts.failed)
            rc = CATMATCH_ENOMEM;
        if (pr->item < 0 && pr->nparts == 0)
            pr->status = CATMATCH_UNMATCHED;
        else if (pr->conflicts == 0 && pr->confidence >= s->o.accept_at)
            pr->status = CATMATCH_ACCEPTED;
        else
            pr->status = CATMATCH_REVIEW;
        if (pr->status == CATMATCH_UNMATCHED && !p->evidence.len)
            cm_buf_printf(&p->evidence, "%s\n",
                          p->p.code ? "no NetSuite item has this code, its normalised form or a "
                                      "similar name"
                                    : "the product has no code, and no item has a similar name");
    }
    if (progress)
        progress(arg, s->nproducts, s->nproducts);
    return rc;
}

int catmatch_decide(struct catmatch_set *s, size_t product, enum catmatch_decision d, size_t item)
{
    if (!s->ran || product >= s->nproducts)
        return CATMATCH_EINVAL;
    struct cm_product *p = &s->products[product];
    struct catmatch_proposal *pr = &p->prop;
    switch (d) {
    case CATMATCH_DECIDE_ACCEPT:
        if (pr->item < 0 && pr->nparts == 0)
            return CATMATCH_EINVAL;
        pr->status = CATMATCH_ACCEPTED;
        cm_buf_printf(&p->evidence, "decision: a reviewer accepted the proposal\n");
        break;
    case CATMATCH_DECIDE_REJECT:
        pr->status = CATMATCH_REJECTED;
        cm_buf_printf(&p->evidence, "decision: a reviewer rejected the mapping\n");
        break;
    case CATMATCH_DECIDE_MAP:
        if (item >= s->nitems)
            return CATMATCH_EINVAL;
        pr->item = (long)item;
        pr->method = CATMATCH_M_DECIDED;
        pr->parts = NULL;
        pr->nparts = 0;
        pr->confidence = 1;
        pr->status = CATMATCH_ACCEPTED;
        cm_buf_printf(&p->evidence, "decision: a reviewer mapped it to item %s (\"%s\")\n",
                      s->items[item].it.id, cm_item_label(&s->items[item]));
        break;
    default:
        return CATMATCH_EINVAL;
    }
    pr->decided = 1;
    return p->evidence.failed ? CATMATCH_ENOMEM : CATMATCH_OK;
}
