/* match_set.c — the matcher over two sets of contacts: normalises each contact on entry, puts it
 * under its blocking keys (e-mail, phone digits, two name prefixes), compares only contacts that
 * share a key (never all pairs), groups Salesforce contacts that are one person (union-find) and
 * decides each group: update, create or review (see match.h). Time grows with the input times the
 * block sizes; a block larger than BIG_BLOCK is compared in name order within a sliding window so
 * that one very common key (a switchboard phone, "smi|j") cannot make it quadratic. */
#include <stdlib.h>
#include <string.h>

#include "match_internal.h"

#define BIG_BLOCK  24
#define WINDOW     12
#define POOL_BLOCK (1u << 20)
#define FIELD_MAX  256

struct pool_block {
    struct pool_block *next;
    size_t used;
    char data[];
};

struct edge {
    uint32_t sf, ns;
    uint8_t cls;
    uint8_t phone;
    float score;
    const char *reason;
};

struct group_result {
    enum match_decision decision;
    size_t cand_off, ncand;
    double score;
    const char *reason;
    size_t size;
};

struct entry {
    uint64_t hash;
    uint32_t idx;
    uint8_t side;
};

struct match_set {
    struct match_settings s;
    struct pool_block *pool;
    struct mcontact *c[2];
    size_t n[2], cap[2];
    struct edge *edges;
    size_t nedges, capedges;
    uint32_t *parent; /* union-find over Salesforce contacts */
    size_t *cands;
    size_t ncands;
    struct group_result *groups; /* indexed by the group's first Salesforce contact */
    uint64_t pairs;
    bool ran;
};

static const char *pool_dup(struct match_set *set, const char *s, size_t len)
{
    if (len == 0)
        return "";
    struct pool_block *b = set->pool;
    if (!b || b->used + len + 1 > POOL_BLOCK) {
        size_t size = len + 1 > POOL_BLOCK ? len + 1 : POOL_BLOCK;
        b = malloc(sizeof(*b) + size);
        if (!b)
            return NULL;
        b->next = set->pool;
        b->used = 0;
        set->pool = b;
    }
    char *dst = b->data + b->used;
    memcpy(dst, s, len);
    dst[len] = '\0';
    b->used += len + 1;
    return dst;
}

struct match_set *match_set_new(const struct match_settings *s)
{
    struct match_set *set = calloc(1, sizeof(*set));
    if (!set)
        return NULL;
    if (s)
        set->s = *s;
    else
        match_settings_default(&set->s);
    return set;
}

void match_set_free(struct match_set *set)
{
    if (!set)
        return;
    while (set->pool) {
        struct pool_block *next = set->pool->next;
        free(set->pool);
        set->pool = next;
    }
    free(set->c[0]);
    free(set->c[1]);
    free(set->edges);
    free(set->parent);
    free(set->cands);
    free(set->groups);
    free(set);
}

size_t match_set_count(const struct match_set *set, enum match_side side)
{
    return set->n[side];
}

const char *match_set_id(const struct match_set *set, enum match_side side, size_t i)
{
    return i < set->n[side] ? set->c[side][i].id : NULL;
}

uint64_t match_set_pairs(const struct match_set *set)
{
    return set->pairs;
}

static uint64_t key_hash(char type, const char *a, size_t alen, const char *b, size_t blen)
{
    uint64_t h = 1469598103934665603ull;
    h = (h ^ (unsigned char)type) * 1099511628211ull;
    for (size_t i = 0; i < alen; i++)
        h = (h ^ (unsigned char)a[i]) * 1099511628211ull;
    h = (h ^ '|') * 1099511628211ull;
    for (size_t i = 0; i < blen; i++)
        h = (h ^ (unsigned char)b[i]) * 1099511628211ull;
    h ^= h >> 31;
    return h;
}

static void add_key(struct mcontact *c, uint64_t h)
{
    for (uint8_t i = 0; i < c->nkeys; i++)
        if (c->keys[i] == h)
            return;
    if (c->nkeys < MATCH_MAX_KEYS)
        c->keys[c->nkeys++] = h;
}

static size_t min_len(size_t a, size_t b)
{
    return a < b ? a : b;
}

static void make_keys(struct mcontact *c)
{
    c->nkeys = 0;
    if (c->email[0])
        add_key(c, key_hash('e', c->email, strlen(c->email), "", 0));
    if (c->phone[0])
        add_key(c, key_hash('p', c->phone, strlen(c->phone), "", 0));
    if (c->mobile[0])
        add_key(c, key_hash('p', c->mobile, strlen(c->mobile), "", 0));
    size_t ll = strlen(c->last), fl = strlen(c->first_canon);
    if (ll > 0)
        add_key(c, key_hash('a', c->last, min_len(ll, 3), c->first_canon, min_len(fl, 1)));
    if (ll > 0 && fl > 0)
        add_key(c, key_hash('b', c->first_canon, min_len(fl, 3), c->last, 1));
}

long match_set_add(struct match_set *set, enum match_side side, const struct match_contact *in)
{
    if (!set || !in || (side != MATCH_SF && side != MATCH_NS))
        return MATCH_E_INVALID;
    if (set->ran || set->parent)
        return MATCH_E_STATE;
    if (set->n[side] >= UINT32_MAX - 1)
        return MATCH_E_INVALID;
    if (set->n[side] == set->cap[side]) {
        size_t cap = set->cap[side] ? set->cap[side] * 2 : 64;
        struct mcontact *c = realloc(set->c[side], cap * sizeof(*c));
        if (!c)
            return MATCH_E_NOMEM;
        set->c[side] = c;
        set->cap[side] = cap;
    }
    struct mcontact *c = &set->c[side][set->n[side]];
    memset(c, 0, sizeof(*c));
    char buf[FIELD_MAX];
    size_t len;
#define KEEP(field, text, n)                                                                       \
    do {                                                                                           \
        c->field = pool_dup(set, (text), (n));                                                     \
        if (!c->field)                                                                             \
            return MATCH_E_NOMEM;                                                                  \
    } while (0)
    KEEP(id, in->id ? in->id : "", in->id ? strlen(in->id) : 0);
    len = match_norm_email(in->email, set->s.email_plus, buf, sizeof(buf));
    KEEP(email, buf, len);
    len = match_norm_name(in->first_name, buf, sizeof(buf));
    KEEP(first, buf, len);
    const char *formal = set->s.nicknames ? match_nickname(c->first) : NULL;
    if (formal)
        KEEP(first_canon, formal, strlen(formal));
    else
        c->first_canon = c->first;
    len = match_norm_name(in->last_name, buf, sizeof(buf));
    KEEP(last, buf, len);
    len = match_norm_phone(in->phone, set->s.min_phone_digits, buf, sizeof(buf));
    KEEP(phone, buf, len);
    len = match_norm_phone(in->mobile_phone, set->s.min_phone_digits, buf, sizeof(buf));
    KEEP(mobile, buf, len);
    len = match_norm_sfid(in->company_id, buf, sizeof(buf));
    KEEP(company_id, buf, len);
    len = match_norm_company(in->company_name, buf, sizeof(buf));
    KEEP(company, buf, len);
#undef KEEP
    make_keys(c);
    return (long)set->n[side]++;
}

/* ---- comparing ----------------------------------------------------------------------------- */

static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
    uint32_t r = x;
    while (parent[r] != r)
        r = parent[r];
    while (parent[x] != r) {
        uint32_t next = parent[x];
        parent[x] = r;
        x = next;
    }
    return r;
}

static void uf_union(uint32_t *parent, uint32_t a, uint32_t b)
{
    uint32_t ra = uf_find(parent, a), rb = uf_find(parent, b);
    if (ra < rb)
        parent[rb] = ra;
    else if (rb < ra)
        parent[ra] = rb;
}

static int edge_push(struct match_set *set, const struct edge *e)
{
    if (set->nedges == set->capedges) {
        size_t cap = set->capedges ? set->capedges * 2 : 1024;
        struct edge *n = realloc(set->edges, cap * sizeof(*n));
        if (!n)
            return MATCH_E_NOMEM;
        set->edges = n;
        set->capedges = cap;
    }
    set->edges[set->nedges++] = *e;
    return MATCH_OK;
}

/* The pair is compared in the block of the first key (in x's order) the two contacts share, so a
 * pair that shares several keys is compared once. */
static bool first_shared_key(const struct mcontact *x, const struct mcontact *y, uint64_t h)
{
    for (uint8_t i = 0; i < x->nkeys; i++)
        for (uint8_t j = 0; j < y->nkeys; j++)
            if (x->keys[i] == y->keys[j])
                return x->keys[i] == h;
    return false;
}

static int compare(struct match_set *set, const struct entry *x, const struct entry *y)
{
    if (x->side == MATCH_NS && y->side == MATCH_NS)
        return MATCH_OK;
    if (x->side == MATCH_NS) {
        const struct entry *t = x;
        x = y;
        y = t;
    }
    const struct mcontact *a = &set->c[x->side][x->idx], *b = &set->c[y->side][y->idx];
    if (!first_shared_key(a, b, x->hash))
        return MATCH_OK;
    set->pairs++;
    struct pair_eval ev;
    match_pair_eval(&set->s, a, b, &ev);
    if (ev.cls == MATCH_NONE)
        return MATCH_OK;
    if (y->side == MATCH_SF) {
        if (ev.cls >= MATCH_WEAK)
            uf_union(set->parent, x->idx, y->idx);
        return MATCH_OK;
    }
    struct edge e = {.sf = x->idx,
                     .ns = y->idx,
                     .cls = (uint8_t)ev.cls,
                     .phone = ev.phone_support,
                     .score = (float)ev.score,
                     .reason = ev.reason};
    return edge_push(set, &e);
}

static int entry_cmp(const void *pa, const void *pb)
{
    const struct entry *a = pa, *b = pb;
    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    if (a->side != b->side)
        return a->side < b->side ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* For windowed blocks: name order (last, first), then side and index for a stable result. */
static int name_cmp(const void *pa, const void *pb, void *arg)
{
    const struct match_set *set = arg;
    const struct entry *a = pa, *b = pb;
    const struct mcontact *ca = &set->c[a->side][a->idx], *cb = &set->c[b->side][b->idx];
    int r = strcmp(ca->last, cb->last);
    if (r == 0)
        r = strcmp(ca->first_canon, cb->first_canon);
    return r ? r : entry_cmp(pa, pb);
}

static int compare_block(struct match_set *set, struct entry *b, size_t n)
{
    bool has_sf = false;
    for (size_t i = 0; i < n && !has_sf; i++)
        has_sf = b[i].side == MATCH_SF;
    if (!has_sf)
        return MATCH_OK;
    size_t window = n;
    if (n > BIG_BLOCK) {
        qsort_r(b, n, sizeof(*b), name_cmp, set);
        window = WINDOW;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n && j <= i + window; j++) {
            int rc = compare(set, &b[i], &b[j]);
            if (rc)
                return rc;
        }
    }
    return MATCH_OK;
}

/* ---- deciding ------------------------------------------------------------------------------ */

static int edge_cmp(const void *pa, const void *pb, void *arg)
{
    const uint32_t *group_of = arg;
    const struct edge *a = pa, *b = pb;
    uint32_t ga = group_of[a->sf], gb = group_of[b->sf];
    if (ga != gb)
        return ga < gb ? -1 : 1;
    if (a->ns != b->ns)
        return a->ns < b->ns ? -1 : 1;
    if (a->cls != b->cls)
        return a->cls > b->cls ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return 0;
}

static int cand_cmp(const void *pa, const void *pb)
{
    const struct edge *a = *(const struct edge *const *)pa, *b = *(const struct edge *const *)pb;
    if (a->cls != b->cls)
        return a->cls > b->cls ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->ns < b->ns ? -1 : a->ns > b->ns;
}

/* Decides one group from its best edge per NetSuite contact (best first in c[0..n)). */
static void decide(struct match_set *set, struct group_result *g, const struct edge **c, size_t n)
{
    g->decision = MATCH_CREATE;
    g->score = 0;
    g->reason = "no match";
    g->cand_off = set->ncands;
    g->ncand = 0;
    if (n == 0)
        return;
    enum match_class top = (enum match_class)c[0]->cls;
    size_t ntop = 0, nsupported = 0;
    const struct edge *supported = NULL;
    for (size_t i = 0; i < n && c[i]->cls == top; i++) {
        ntop++;
        if (c[i]->phone && !supported) {
            supported = c[i];
        }
        nsupported += c[i]->phone;
    }
    g->score = c[0]->score;
    const struct edge *chosen = NULL;
    if (top == MATCH_STRONG) {
        if (ntop == 1)
            chosen = c[0];
        else
            g->reason = "several NetSuite contacts have this e-mail";
    } else if (top == MATCH_WEAK) {
        if (ntop == 1)
            chosen = c[0];
        else if (nsupported == 1)
            chosen = supported;
        else
            g->reason = "several NetSuite contacts match by name and company";
        if (chosen && set->s.weak_review) {
            g->reason = "weak match (weakMatch is review)";
            chosen = NULL;
        }
    } else {
        g->reason = c[0]->reason;
    }
    if (chosen) {
        g->decision = MATCH_UPDATE;
        g->reason = chosen->reason;
        g->score = chosen->score;
        set->cands[set->ncands++] = chosen->ns;
        g->ncand = 1;
        return;
    }
    g->decision = MATCH_REVIEW;
    /* Review lists the candidates of the top class and, after them, the rest. */
    for (size_t i = 0; i < n; i++)
        set->cands[set->ncands++] = c[i]->ns;
    g->ncand = n;
}

static int decide_all(struct match_set *set)
{
    size_t nsf = set->n[MATCH_SF];
    uint32_t *group = malloc((nsf ? nsf : 1) * sizeof(*group));
    const struct edge **best = malloc((set->nedges ? set->nedges : 1) * sizeof(*best));
    set->cands = malloc((set->nedges ? set->nedges : 1) * sizeof(*set->cands));
    set->groups = calloc(nsf ? nsf : 1, sizeof(*set->groups));
    if (!group || !best || !set->cands || !set->groups) {
        free(group);
        free(best);
        return MATCH_E_NOMEM;
    }
    for (size_t i = 0; i < nsf; i++) {
        group[i] = uf_find(set->parent, (uint32_t)i);
        set->groups[group[i]].size++;
    }
    if (set->nedges > 1)
        qsort_r(set->edges, set->nedges, sizeof(*set->edges), edge_cmp, group);
    size_t e = 0;
    for (size_t gi = 0; gi < nsf; gi++) {
        if (group[gi] != gi)
            continue;
        /* Edges of this group: sorted by group, and groups are visited in index order. */
        size_t nb = 0;
        while (e < set->nedges && group[set->edges[e].sf] == gi) {
            const struct edge *x = &set->edges[e];
            if (nb == 0 || best[nb - 1]->ns != x->ns)
                best[nb++] = x; /* first edge per NetSuite contact is its best */
            e++;
        }
        if (nb > 1)
            qsort(best, nb, sizeof(*best), cand_cmp);
        decide(set, &set->groups[gi], best, nb);
    }
    free(best);
    if (nsf > 0)
        memcpy(set->parent, group, nsf * sizeof(*group));
    free(group);
    return MATCH_OK;
}

int match_set_run(struct match_set *set, match_progress_fn progress, void *arg)
{
    if (!set)
        return MATCH_E_INVALID;
    if (set->ran || set->parent)
        return MATCH_E_STATE;
    size_t nsf = set->n[MATCH_SF], total = 0;
    set->parent = malloc((nsf ? nsf : 1) * sizeof(*set->parent));
    if (!set->parent)
        return MATCH_E_NOMEM;
    for (size_t i = 0; i < nsf; i++)
        set->parent[i] = (uint32_t)i;
    for (int side = 0; side < 2; side++)
        for (size_t i = 0; i < set->n[side]; i++)
            total += set->c[side][i].nkeys;
    struct entry *entries = malloc((total ? total : 1) * sizeof(*entries));
    if (!entries)
        return MATCH_E_NOMEM;
    size_t k = 0;
    for (int side = 0; side < 2; side++)
        for (size_t i = 0; i < set->n[side]; i++)
            for (uint8_t j = 0; j < set->c[side][i].nkeys; j++)
                entries[k++] = (struct entry){
                    .hash = set->c[side][i].keys[j], .idx = (uint32_t)i, .side = (uint8_t)side};
    if (total > 1)
        qsort(entries, total, sizeof(*entries), entry_cmp);
    int rc = MATCH_OK;
    size_t step = total / 100 + 1, next = step;
    for (size_t i = 0; i < total && rc == MATCH_OK;) {
        size_t j = i + 1;
        while (j < total && entries[j].hash == entries[i].hash)
            j++;
        if (j - i > 1)
            rc = compare_block(set, entries + i, j - i);
        i = j;
        if (progress && i >= next) {
            progress(arg, i, total);
            next = i + step;
        }
    }
    free(entries);
    if (rc == MATCH_OK)
        rc = decide_all(set);
    if (rc == MATCH_OK)
        set->ran = true;
    return rc;
}

int match_set_result(const struct match_set *set, size_t i, struct match_result *out)
{
    if (!set || !out || i >= set->n[MATCH_SF])
        return MATCH_E_INVALID;
    if (!set->ran)
        return MATCH_E_STATE;
    size_t g = set->parent[i];
    const struct group_result *r = &set->groups[g];
    out->decision = r->decision;
    out->candidates = set->cands + r->cand_off;
    out->ncandidates = r->ncand;
    out->score = r->score;
    out->reason = r->reason;
    out->group = g;
    out->group_size = r->size;
    return MATCH_OK;
}
