/* catmatch_bundle.c — the bundle pass of the catalog matcher: a Salesforce bundle (a product
 * whose components are other products) matched to a NetSuite kit or item group is checked member
 * by member; one that matched no item, and whose components all did, becomes a catalog bundle
 * (settings.sfns.catalog.bundles) proposal. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "catmatch_internal.h"

#define CONF_BUNDLE 0.85

/* The item a component product is proposed (-1 for none). */
static long component_item(const struct catmatch_set *s, size_t product)
{
    return s->products[product].prop.item;
}

static void check_members(struct catmatch_set *s, struct cm_product *p, const struct cm_item *kit)
{
    int bad = 0;
    for (size_t c = 0; c < p->ncomponents; c++) {
        const struct cm_product *cp = &s->products[p->components[c].component];
        long it = component_item(s, p->components[c].component);
        if (it < 0) {
            cm_buf_printf(&p->conflicts,
                          "bundle_mismatch: component \"%s\" has no NetSuite item, so it cannot "
                          "be checked against the members of %s\n",
                          cm_product_label(cp), kit->it.id);
            bad = 1;
            continue;
        }
        double want = 0;
        for (size_t k = 0; k < p->ncomponents; k++)
            if (component_item(s, p->components[k].component) == it)
                want += p->components[k].quantity;
        double have = 0;
        int found = 0;
        for (size_t m = 0; m < kit->it.nmembers; m++)
            if (strcmp(kit->it.members[m].item, s->items[it].it.id) == 0) {
                have += kit->it.members[m].quantity;
                found = 1;
            }
        if (!found) {
            cm_buf_printf(&p->conflicts,
                          "bundle_mismatch: component \"%s\" (item %s) is not a member of "
                          "NetSuite %s %s\n",
                          cm_product_label(cp), s->items[it].it.id,
                          kit->it.type == CATMATCH_ITEM_GROUP ? "item group" : "kit", kit->it.id);
            bad = 1;
        } else if (fabs(want - have) > 1e-9) {
            cm_buf_printf(&p->conflicts,
                          "bundle_mismatch: component \"%s\" (item %s): quantity %.15g in "
                          "Salesforce, %.15g in NetSuite %s\n",
                          cm_product_label(cp), s->items[it].it.id, want, have, kit->it.id);
            bad = 1;
        }
    }
    for (size_t m = 0; m < kit->it.nmembers; m++) {
        long mi = catmatch_find_item(s, kit->it.members[m].item);
        int found = 0;
        for (size_t c = 0; c < p->ncomponents && !found; c++)
            found = mi >= 0 && component_item(s, p->components[c].component) == mi;
        if (!found) {
            cm_buf_printf(&p->conflicts,
                          "bundle_mismatch: member %s of NetSuite %s is not in the Salesforce "
                          "bundle\n",
                          kit->it.members[m].item, kit->it.id);
            bad = 1;
        }
    }
    if (bad)
        p->prop.conflicts |= CATMATCH_C_BUNDLE;
    else
        cm_buf_printf(&p->evidence, "bundle: its %zu components are the members of %s\n",
                      p->ncomponents, kit->it.id);
}

/* A catalog bundle from the components: weights are the components' list prices in the
 * bundle's first currency times their quantity (1 each when any lacks that price). */
static int propose_bundle(struct catmatch_set *s, struct cm_product *p)
{
    for (size_t c = 0; c < p->ncomponents; c++)
        if (component_item(s, p->components[c].component) < 0) {
            cm_buf_printf(&p->evidence,
                          "bundle: component \"%s\" has no NetSuite item, so no catalog bundle "
                          "is proposed\n",
                          cm_product_label(&s->products[p->components[c].component]));
            return CATMATCH_OK;
        }
    struct catmatch_bundle_part *parts = cm_pool_alloc(&s->pool, p->ncomponents * sizeof(*parts));
    if (!parts)
        return CATMATCH_ENOMEM;
    const char *cur = p->p.nprices ? p->p.prices[0].currency : NULL;
    int priced = cur != NULL;
    for (size_t c = 0; c < p->ncomponents; c++) {
        const struct cm_product *cp = &s->products[p->components[c].component];
        parts[c].item = (size_t)component_item(s, p->components[c].component);
        parts[c].quantity = p->components[c].quantity;
        parts[c].weight = 0;
        int has = 0;
        for (size_t k = 0; cur && k < cp->p.nprices && !has; k++)
            if (strncmp(cp->p.prices[k].currency, cur, 4) == 0) {
                parts[c].weight = cp->p.prices[k].amount * parts[c].quantity;
                has = parts[c].weight >= 0;
            }
        priced &= has;
    }
    double total = 0;
    for (size_t c = 0; c < p->ncomponents; c++) {
        if (!priced)
            parts[c].weight = 1;
        total += parts[c].weight;
    }
    if (!(total > 0))
        for (size_t c = 0; c < p->ncomponents; c++)
            parts[c].weight = 1;
    p->prop.parts = parts;
    p->prop.nparts = p->ncomponents;
    p->prop.method = CATMATCH_M_BUNDLE;
    p->prop.confidence = CONF_BUNDLE;
    cm_buf_printf(&p->evidence,
                  "bundle components: no NetSuite item matches the bundle, and its %zu components "
                  "all map; weights from %s\n",
                  p->ncomponents,
                  priced ? "the components' list prices"
                         : "equal shares (a list price is missing)");
    return CATMATCH_OK;
}

int cm_bundles(struct catmatch_set *s)
{
    for (size_t i = 0; i < s->nproducts; i++) {
        struct cm_product *p = &s->products[i];
        if (p->ncomponents == 0)
            continue;
        if (p->prop.item >= 0) {
            const struct cm_item *it = &s->items[p->prop.item];
            if (it->it.type == CATMATCH_ITEM_KIT || it->it.type == CATMATCH_ITEM_GROUP)
                check_members(s, p, it);
            else
                cm_buf_printf(&p->evidence,
                              "bundle: the Salesforce bundle of %zu components maps to one item "
                              "that is not a kit or an item group\n",
                              p->ncomponents);
        } else if (propose_bundle(s, p) != CATMATCH_OK) {
            return CATMATCH_ENOMEM;
        }
    }
    return CATMATCH_OK;
}
