/* registry.c — the registry of the functions modules register: by scope (DIY or connector id),
 * group and name, in an open-addressing hash table; the registration calls of the hook API table
 * (register_fn, register_record_fn, register_page_fn, module_state_alloc); lookups for proto.c and
 * the listing for `hookstack hooks` (implements registry.h and registry_internal.h). Loading the
 * module files (dlopen, ABI checks, init) is modload.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "kind.h"
#include "log.h"
#include "registry.h"
#include "registry_internal.h"

#define REGISTRY_NAME_MAX       256        /* bytes of a function or group name */
#define REGISTRY_CONNECTORS_MAX 256        /* connector ids one function may serve */
#define REGISTRY_STATE_MAX      (1u << 30) /* module_state_alloc bound */

/* ---- the hash table ------------------------------------------------------------------------- */

static uint32_t slot_hash(uint32_t scope, const char *group, size_t glen, const char *name,
                          size_t nlen)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < 4; i++) {
        h ^= (scope >> (8 * i)) & 0xFFu;
        h *= 16777619u;
    }
    h ^= group ? 1u : 2u;
    h *= 16777619u;
    for (size_t i = 0; group && i < glen; i++) {
        h ^= (unsigned char)group[i];
        h *= 16777619u;
    }
    h ^= name ? 3u : 4u;
    h *= 16777619u;
    for (size_t i = 0; name && i < nlen; i++) {
        h ^= (unsigned char)name[i];
        h *= 16777619u;
    }
    return h;
}

static bool bytes_eq(const char *a, size_t alen, const char *b, size_t blen)
{
    if (!a || !b)
        return a == b;
    return alen == blen && memcmp(a, b, alen) == 0;
}

static struct registry_slot *slot_find(const struct registry *reg, uint32_t scope,
                                       const char *group, size_t glen, const char *name,
                                       size_t nlen)
{
    if (reg->nslots == 0)
        return NULL;
    uint32_t h = slot_hash(scope, group, glen, name, nlen);
    size_t mask = reg->nslots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct registry_slot *s = &reg->slots[i];
        if (!s->fn && !s->group && !s->name)
            return NULL; /* empty */
        if (s->hash == h && s->scope == scope && bytes_eq(s->group, s->group_len, group, glen) &&
            bytes_eq(s->name, s->name_len, name, nlen))
            return s;
    }
}

static int slots_grow(struct registry *reg)
{
    size_t n = reg->nslots ? reg->nslots * 2 : 64;
    struct registry_slot *slots = arena_calloc(reg->arena, n, sizeof(*slots));
    if (!slots)
        return -1;
    for (size_t i = 0; i < reg->nslots; i++) {
        struct registry_slot *s = &reg->slots[i];
        if (!s->fn && !s->group && !s->name)
            continue;
        size_t j = s->hash & (n - 1);
        while (slots[j].fn || slots[j].group || slots[j].name)
            j = (j + 1) & (n - 1);
        slots[j] = *s;
    }
    reg->slots = slots;
    reg->nslots = n;
    return 0;
}

/* Inserts an entry known to be absent. */
static int slot_insert(struct registry *reg, uint32_t scope, const char *group, const char *name,
                       struct registry_fn *fn)
{
    if ((reg->nused + 1) * 2 > reg->nslots && slots_grow(reg) != 0)
        return -1;
    size_t glen = group ? strlen(group) : 0, nlen = name ? strlen(name) : 0;
    uint32_t h = slot_hash(scope, group, glen, name, nlen);
    size_t mask = reg->nslots - 1, i = h & mask;
    while (reg->slots[i].fn || reg->slots[i].group || reg->slots[i].name)
        i = (i + 1) & mask;
    reg->slots[i] = (struct registry_slot){.hash = h,
                                           .scope = scope,
                                           .group = group,
                                           .group_len = glen,
                                           .name = name,
                                           .name_len = nlen,
                                           .fn = fn};
    reg->nused++;
    return 0;
}

/* ---- scopes --------------------------------------------------------------------------------- */

int registry_scope(const struct registry *reg, const char *id, size_t id_len)
{
    if (!id)
        return REGISTRY_SCOPE_DIY;
    for (size_t i = 1; i < reg->nscopes; i++)
        if (bytes_eq(reg->scopes[i], reg->scope_lens[i], id, id_len))
            return (int)i;
    return -1;
}

static int scope_intern(struct registry *reg, const char *id)
{
    int s = registry_scope(reg, id, strlen(id));
    if (s >= 0)
        return s;
    if (reg->nscopes == reg->cap_scopes) {
        size_t cap = reg->cap_scopes ? reg->cap_scopes * 2 : 8;
        const char **scopes =
            arena_realloc(reg->arena, (void *)reg->scopes, reg->cap_scopes * sizeof(*scopes),
                          cap * sizeof(*scopes));
        if (!scopes)
            return -1;
        reg->scopes = scopes;
        size_t *lens = arena_realloc(reg->arena, reg->scope_lens, reg->cap_scopes * sizeof(*lens),
                                     cap * sizeof(*lens));
        if (!lens)
            return -1;
        reg->scope_lens = lens;
        reg->cap_scopes = cap;
    }
    char *copy = arena_strndup(reg->arena, id, strlen(id));
    if (!copy)
        return -1;
    reg->scopes[reg->nscopes] = copy;
    reg->scope_lens[reg->nscopes] = strlen(id);
    return (int)reg->nscopes++;
}

bool registry_has_diy(const struct registry *reg)
{
    return reg && !reg->no_diy;
}

bool registry_has_connectors(const struct registry *reg)
{
    return reg && reg->nscopes > 1;
}

bool registry_has_group(const struct registry *reg, int scope, const char *group, size_t len)
{
    if (!reg || scope < 0 || !group)
        return false;
    return slot_find(reg, (uint32_t)scope, group, len, NULL, 0) != NULL;
}

const struct registry_fn *registry_find(const struct registry *reg, int scope, const char *group,
                                        size_t group_len, const char *name, size_t name_len)
{
    if (!reg || scope < 0 || !name)
        return NULL;
    struct registry_slot *s = slot_find(reg, (uint32_t)scope, group, group_len, name, name_len);
    return s ? s->fn : NULL;
}

const struct registry_module *registry_fn_module(const struct registry *reg,
                                                 const struct registry_fn *fn)
{
    return reg->modules[fn->module];
}

size_t registry_module_count(const struct registry *reg)
{
    return reg ? reg->nmodules : 0;
}

size_t registry_fn_count(const struct registry *reg)
{
    return reg ? reg->nfns : 0;
}

const char *registry_group_type(const char *group)
{
    static const char *const map[][2] = {{"hooks", "hook"},
                                         {"wrappers", "wrapper"},
                                         {"settings", "setting"},
                                         {"utilities", "utility"}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(group, map[i][0]) == 0)
            return map[i][1];
    }
    return group;
}

bool registry_first_diy(const struct registry *reg, const char **name, const char **type)
{
    const struct registry_fn *grouped = NULL;
    for (size_t i = 0; reg && i < reg->nfns; i++) {
        const struct registry_fn *fn = reg->fns[i];
        if (!fn->diy)
            continue;
        if (fn->top_level) {
            *name = fn->name;
            *type = NULL;
            return true;
        }
        if (!grouped && fn->group)
            grouped = fn;
    }
    if (!grouped)
        return false;
    *name = grouped->name;
    *type = registry_group_type(grouped->group);
    return true;
}

/* ---- registration --------------------------------------------------------------------------- */

bool registry_name_ok(const char *s)
{
    if (!s || !s[0])
        return false;
    return strnlen(s, REGISTRY_NAME_MAX + 1) <= REGISTRY_NAME_MAX;
}

static const char *scope_label(const struct registry *reg, uint32_t scope, char *buf, size_t n)
{
    if (scope == REGISTRY_SCOPE_DIY)
        return "DIY";
    snprintf(buf, n, "connector %s", reg->scopes[scope]);
    return buf;
}

static hs_status register_any(hs_module *mod, const char *name, hs_kind kind,
                              enum registry_form form, hs_fn plain, hs_record_fn record,
                              hs_page_fn page, const hs_fn_opts *opts_in)
{
    if (!mod || !mod->reg)
        return HS_ERR_INVALID;
    struct registry *reg = mod->reg;
    struct registry_module *m = reg->modules[mod->index];
    if (!mod->in_init) {
        log_msg(LOG_LEVEL_WARN, "module_register_refused",
                "module %s registered %s outside its init; refused", m->name,
                registry_name_ok(name) ? name : "(bad name)");
        return HS_ERR_STATE;
    }
    if (!registry_name_ok(name) || !kind_valid((int)kind))
        return HS_ERR_INVALID;
    if ((form == REGISTRY_FORM_PLAIN && !plain) || (form == REGISTRY_FORM_RECORD && !record) ||
        (form == REGISTRY_FORM_PAGE && !page))
        return HS_ERR_INVALID;
    if (form == REGISTRY_FORM_RECORD && !kind_record_array(kind))
        return HS_ERR_INVALID;
    if (form == REGISTRY_FORM_PAGE && kind != HS_KIND_PRE_SAVE_PAGE && kind != HS_KIND_BRANCHING)
        return HS_ERR_INVALID;

    /* Copy the options within the size the module declared (an older, smaller struct reads as
     * zero for the fields it does not have). */
    hs_fn_opts opts;
    memset(&opts, 0, sizeof(opts));
    if (opts_in) {
        if (opts_in->size < sizeof(size_t))
            return HS_ERR_INVALID;
        size_t n = opts_in->size < sizeof(opts) ? opts_in->size : sizeof(opts);
        memcpy(&opts, opts_in, n);
    }

    size_t nconn = 0;
    if (opts.connectors) {
        while (opts.connectors[nconn]) {
            if (!registry_name_ok(opts.connectors[nconn]) || nconn >= REGISTRY_CONNECTORS_MAX)
                return HS_ERR_INVALID;
            nconn++;
        }
    }
    bool diy = opts.diy == HS_DIY_YES || (opts.diy == HS_DIY_DEFAULT && nconn == 0);
    if (opts.diy != HS_DIY_DEFAULT && opts.diy != HS_DIY_YES && opts.diy != HS_DIY_NO)
        return HS_ERR_INVALID;
    if (!diy && nconn == 0)
        return HS_ERR_INVALID; /* reachable from nowhere */
    const char *group = opts.group ? (opts.group[0] ? opts.group : NULL) : kind_default_group(kind);
    if (group && !registry_name_ok(group))
        return HS_ERR_INVALID;
    bool top = !(opts.flags & HS_FN_GROUP_ONLY);
    if (!top && !group)
        return HS_ERR_INVALID;

    /* Every (scope, group/top, name) the function will occupy must be free. */
    int scopes[REGISTRY_CONNECTORS_MAX + 1];
    size_t nscopes = 0;
    if (diy)
        scopes[nscopes++] = REGISTRY_SCOPE_DIY;
    for (size_t i = 0; i < nconn; i++) {
        int s = scope_intern(reg, opts.connectors[i]);
        if (s < 0)
            return HS_ERR_NOMEM;
        bool seen = false;
        for (size_t j = 0; j < nscopes; j++)
            seen = seen || scopes[j] == s;
        if (!seen)
            scopes[nscopes++] = s;
    }
    for (size_t i = 0; i < nscopes; i++) {
        for (int pass = 0; pass < 2; pass++) {
            const char *g = pass == 0 ? group : NULL;
            if ((pass == 0 && !group) || (pass == 1 && !top))
                continue;
            const struct registry_fn *old =
                registry_find(reg, scopes[i], g, g ? strlen(g) : 0, name, strlen(name));
            if (!old)
                continue;
            if (old->module == mod->index)
                return HS_ERR_EXISTS;
            char sb[300];
            const struct registry_module *om = reg->modules[old->module];
            snprintf(mod->clash_msg, sizeof(mod->clash_msg),
                     "function %s (%s%s, %s) is registered by two modules: %s (%s) and %s (%s)",
                     name, g ? "group " : "top level", g ? g : "",
                     scope_label(reg, (uint32_t)scopes[i], sb, sizeof(sb)), om->name, om->path,
                     m->name, m->path);
            mod->clash = true;
            return HS_ERR_EXISTS;
        }
    }

    struct registry_fn *fn = arena_calloc(reg->arena, 1, sizeof(*fn));
    if (!fn)
        return HS_ERR_NOMEM;
    fn->name = arena_strndup(reg->arena, name, strlen(name));
    fn->kind = kind;
    fn->form = form;
    if (form == REGISTRY_FORM_PLAIN)
        fn->u.plain = plain;
    else if (form == REGISTRY_FORM_RECORD)
        fn->u.record = record;
    else
        fn->u.page = page;
    const char *desc = opts.description ? opts.description : "";
    fn->description = arena_strndup(reg->arena, desc, strnlen(desc, 1024));
    fn->group = group ? arena_strndup(reg->arena, group, strlen(group)) : NULL;
    fn->top_level = top;
    fn->diy = diy;
    fn->module = mod->index;
    const char **conns = nconn ? arena_calloc(reg->arena, nconn, sizeof(*conns)) : NULL;
    if (!fn->name || !fn->description || (group && !fn->group) || (nconn && !conns))
        return HS_ERR_NOMEM;
    for (size_t i = 0; i < nconn; i++) {
        int s = registry_scope(reg, opts.connectors[i], strlen(opts.connectors[i]));
        conns[i] = reg->scopes[s];
    }
    fn->connectors = conns;
    fn->nconnectors = nconn;

    if (reg->nfns == reg->cap_fns) {
        size_t cap = reg->cap_fns ? reg->cap_fns * 2 : 32;
        struct registry_fn **fns =
            arena_realloc(reg->arena, reg->fns, reg->cap_fns * sizeof(*fns), cap * sizeof(*fns));
        if (!fns)
            return HS_ERR_NOMEM;
        reg->fns = fns;
        reg->cap_fns = cap;
    }
    reg->fns[reg->nfns++] = fn;

    for (size_t i = 0; i < nscopes; i++) {
        uint32_t s = (uint32_t)scopes[i];
        if (group) {
            if (slot_insert(reg, s, fn->group, fn->name, fn) != 0)
                return HS_ERR_NOMEM;
            if (!slot_find(reg, s, fn->group, strlen(fn->group), NULL, 0) &&
                slot_insert(reg, s, fn->group, NULL, fn) != 0)
                return HS_ERR_NOMEM;
        }
        if (top && slot_insert(reg, s, NULL, fn->name, fn) != 0)
            return HS_ERR_NOMEM;
    }
    return HS_OK;
}

hs_status registry_register_fn(hs_module *mod, const char *name, hs_kind kind, hs_fn fn,
                               const hs_fn_opts *opts)
{
    return register_any(mod, name, kind, REGISTRY_FORM_PLAIN, fn, NULL, NULL, opts);
}

hs_status registry_register_record_fn(hs_module *mod, const char *name, hs_kind kind,
                                      hs_record_fn fn, const hs_fn_opts *opts)
{
    return register_any(mod, name, kind, REGISTRY_FORM_RECORD, NULL, fn, NULL, opts);
}

hs_status registry_register_page_fn(hs_module *mod, const char *name, hs_kind kind, hs_page_fn fn,
                                    const hs_fn_opts *opts)
{
    return register_any(mod, name, kind, REGISTRY_FORM_PAGE, NULL, NULL, fn, opts);
}

void *registry_module_state_alloc(hs_module *mod, size_t size)
{
    if (!mod || !mod->reg || !mod->in_init || size == 0 || size > REGISTRY_STATE_MAX)
        return NULL;
    struct registry_module *m = mod->reg->modules[mod->index];
    if (m->state)
        return size <= m->state_size ? m->state : NULL;
    m->state = arena_calloc(mod->reg->arena, 1, size);
    if (m->state)
        m->state_size = size;
    return m->state;
}

/* ---- the registry as a whole ---------------------------------------------------------------- */

struct registry *registry_new(bool no_diy)
{
    struct arena *a = arena_new(64 * 1024, 0);
    if (!a)
        return NULL;
    struct registry *reg = arena_calloc(a, 1, sizeof(*reg));
    if (!reg) {
        arena_free(a);
        return NULL;
    }
    reg->arena = a;
    reg->no_diy = no_diy;
    if (scope_intern(reg, "") < 0) { /* placeholder for scope 0, replaced below */
        arena_free(a);
        return NULL;
    }
    reg->scopes[0] = NULL;
    reg->scope_lens[0] = 0;
    return reg;
}

static void scopes_print(const struct registry_fn *fn, FILE *f)
{
    const char *sep = "";
    if (fn->diy) {
        fputs("diy", f);
        sep = ",";
    }
    for (size_t i = 0; i < fn->nconnectors; i++) {
        fprintf(f, "%s%s", sep, fn->connectors[i]);
        sep = ",";
    }
}

int registry_list(const struct registry *reg, FILE *f)
{
    for (size_t i = 0; reg && i < reg->nfns; i++) {
        const struct registry_fn *fn = reg->fns[i];
        fprintf(f, "%s\t%s\t%s\t", reg->modules[fn->module]->name, fn->name, kind_name(fn->kind));
        scopes_print(fn, f);
        fprintf(f, "\t%s%s%s\t%s\n", fn->group ? fn->group : "",
                fn->group && fn->top_level ? "," : "", fn->top_level ? "top" : "", fn->description);
    }
    return ferror(f) ? -1 : 0;
}
