/* registry_internal.h — the registry's tables, shared by registry.c (keeps them: registration,
 * lookups), modload.c (loads modules into them), sdk.c (invokes functions), proto.c (looks
 * functions up) and kind.c. Not part of the hook API.
 *
 * A scope is DIY (scope 0) or one connector id (1..n). Inside a scope a function is reachable at
 * the top level (framework 2.0, request without `type`) and/or in its group (framework 1.0). */
#ifndef HS_REGISTRY_INTERNAL_H
#define HS_REGISTRY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hookstack.h"
#include "registry.h"

struct arena;

/* The handle a module's init receives; it stays valid (and refuses registration) afterwards. */
struct hs_module {
    struct registry *reg;
    size_t index;        /* into reg->modules */
    bool in_init;        /* registration allowed */
    bool clash;          /* a function clashed with another module's: the load fails */
    char clash_msg[512]; /* the line naming both modules */
};

struct registry_module {
    char *path;    /* file loaded (registry arena) */
    char *name;    /* info->name copied */
    char *version; /* info->version copied */
    void *handle;  /* dlopen handle */
    const hs_module_info *info;
    void *state; /* module_state_alloc block (malloc), freed after info->cleanup */
    size_t state_size;
    struct hs_module mod;
};

enum registry_form {
    REGISTRY_FORM_PLAIN = 0, /* hs_fn */
    REGISTRY_FORM_RECORD,    /* hs_record_fn, the SDK walks the page */
    REGISTRY_FORM_PAGE       /* hs_page_fn, the SDK assembles the page answer */
};

struct registry_fn {
    const char *name;
    hs_kind kind;
    enum registry_form form;
    union {
        hs_fn plain;
        hs_record_fn record;
        hs_page_fn page;
    } u;
    const char *description; /* "" when none */
    const char *group;       /* NULL: no group */
    bool top_level;
    bool diy;
    const char *const *connectors; /* nconnectors ids */
    size_t nconnectors;
    size_t module; /* index into reg->modules */
};

struct registry_slot {
    uint32_t hash;
    uint32_t scope;
    const char *group; /* NULL: top level */
    size_t group_len;
    const char *name; /* NULL: marks that `group` exists in `scope` */
    size_t name_len;
    struct registry_fn *fn;
};

struct registry {
    struct arena *arena;              /* every table and string below */
    struct registry_module **modules; /* each its own allocation */
    size_t nmodules, cap_modules;
    struct registry_fn **fns;
    size_t nfns, cap_fns;
    const char **scopes; /* scopes[0] = NULL (DIY), then connector ids */
    size_t *scope_lens;
    size_t nscopes, cap_scopes;
    struct registry_slot *slots; /* open addressing, power-of-two size */
    size_t nslots, nused;
    bool no_diy;
};

/* The DIY scope. */
#define REGISTRY_SCOPE_DIY 0

/* Scope of a request: REGISTRY_SCOPE_DIY when id is NULL, the connector's scope, or -1 when the id
 * is not served. */
int registry_scope(const struct registry *reg, const char *id, size_t id_len);
/* True when DIY is served (not switched off by no_diy). */
bool registry_has_diy(const struct registry *reg);
/* True when at least one connector id is served. */
bool registry_has_connectors(const struct registry *reg);
/* True when `group` holds at least one function in scope. */
bool registry_has_group(const struct registry *reg, int scope, const char *group, size_t len);
/* A function by scope, group (NULL: top level) and name; NULL when absent. */
const struct registry_fn *registry_find(const struct registry *reg, int scope, const char *group,
                                        size_t group_len, const char *name, size_t name_len);
/* The module a function belongs to. */
const struct registry_module *registry_fn_module(const struct registry *reg,
                                                 const struct registry_fn *fn);

/* True for a function, group, connector or module name the registry accepts: not empty, at most
 * 256 bytes. */
bool registry_name_ok(const char *s);

/* Registration entry points of the API table (sdk.c puts them there; registry.c). */
hs_status registry_register_fn(hs_module *mod, const char *name, hs_kind kind, hs_fn fn,
                               const hs_fn_opts *opts);
hs_status registry_register_record_fn(hs_module *mod, const char *name, hs_kind kind,
                                      hs_record_fn fn, const hs_fn_opts *opts);
hs_status registry_register_page_fn(hs_module *mod, const char *name, hs_kind kind, hs_page_fn fn,
                                    const hs_fn_opts *opts);
void *registry_module_state_alloc(hs_module *mod, size_t size);

/* Loads one module from an entry function already in this process (a module source built with
 * HS_MODULE_STATIC and linked into a test or tool); `label` stands for the file name in messages.
 * Returns 0, or -1 with one line in err (modload.c). */
int registry_add_static(struct registry *reg, const hs_module_info *(*entry)(void),
                        const char *label, char *err, size_t errlen);
/* An empty registry, for registry_add_static (registry.c). NULL when out of memory. */
struct registry *registry_new(bool no_diy);

#endif
