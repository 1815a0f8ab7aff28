/* modload.c — loads hook module files into a registry: dlopen, the ABI checks on the module's
 * record, init (with the hook API table from sdk.c), and unloading (cleanup, dlclose). The table
 * of functions itself, and registration, are registry.c's.
 *
 * A module is refused, with one line naming the file and the reason, when: dlopen fails, the entry
 * point is missing, the record's magic or ABI major differs from the runner's, the build signature
 * (pointer and integer sizes) differs, the record is too small, its name is already loaded, its
 * init fails, or one of its functions clashes with another module's function in the same scope
 * and group (the message names both modules). Every failure branch dlcloses what it opened. */
#include <dirent.h>
#include <dlfcn.h>
#include <link.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "log.h"
#include "registry.h"
#include "registry_internal.h"
#include "sdk.h"
#include "text.h"

static void err_set(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void err_set(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- loading -------------------------------------------------------------------------------- */

void registry_free(struct registry *reg)
{
    if (!reg)
        return;
    for (size_t i = reg->nmodules; i-- > 0;) {
        struct registry_module *m = reg->modules[i];
        if (m->info && m->info->cleanup)
            m->info->cleanup(m->state);
        if (m->handle)
            dlclose(m->handle);
    }
    arena_free(reg->arena);
}

/* Checks the record of a module and runs its init. handle (may be NULL for a static module) is
 * dlclosed by the caller on failure only when it was not yet stored in reg. */
static int module_add(struct registry *reg, const char *path, void *handle,
                      const hs_module_info *(*entry)(void), char *err, size_t errlen)
{
    const hs_module_info *info = entry();
    if (!info) {
        err_set(err, errlen, "%s: %s() returned no module record", path, HS_MODULE_ENTRY_SYMBOL);
        return -1;
    }
    if (info->magic != HS_MODULE_MAGIC) {
        err_set(err, errlen, "%s: not a Hookstack module (bad magic 0x%08x in its record)", path,
                (unsigned)info->magic);
        return -1;
    }
    if (info->abi_major != HS_ABI_MAJOR) {
        err_set(err, errlen,
                "%s: module built for hook ABI %u.%u, this runner provides ABI %u.%u "
                "(the majors must match: rebuild the module against this runner's hookstack.h)",
                path, (unsigned)info->abi_major, (unsigned)info->abi_minor, HS_ABI_MAJOR,
                HS_ABI_MINOR);
        return -1;
    }
    if (info->size < sizeof(hs_module_info_v1)) {
        err_set(err, errlen, "%s: module record is %u bytes, ABI %u.%u needs at least %zu", path,
                (unsigned)info->size, HS_ABI_MAJOR, HS_ABI_MINOR, sizeof(hs_module_info_v1));
        return -1;
    }
    if (info->signature != HS_BUILD_SIGNATURE) {
        err_set(err, errlen,
                "%s: module built for another platform (build signature 0x%08x, runner 0x%08x)",
                path, (unsigned)info->signature, (unsigned)HS_BUILD_SIGNATURE);
        return -1;
    }
    if (!info->init) {
        err_set(err, errlen, "%s: module record has no init function", path);
        return -1;
    }
    if (!registry_name_ok(info->name) || !info->version) {
        err_set(err, errlen, "%s: module record has no valid name or version", path);
        return -1;
    }
    for (size_t i = 0; i < reg->nmodules; i++) {
        if (strcmp(reg->modules[i]->name, info->name) == 0) {
            err_set(err, errlen, "%s: a module named %s is already loaded from %s", path,
                    info->name, reg->modules[i]->path);
            return -1;
        }
    }
    if (reg->nmodules == reg->cap_modules) {
        size_t cap = reg->cap_modules ? reg->cap_modules * 2 : 8;
        struct registry_module **mods = arena_realloc(
            reg->arena, reg->modules, reg->cap_modules * sizeof(*mods), cap * sizeof(*mods));
        if (!mods) {
            err_set(err, errlen, "%s: out of memory", path);
            return -1;
        }
        reg->modules = mods;
        reg->cap_modules = cap;
    }
    size_t idx = reg->nmodules;
    /* Each module record is its own allocation: the hs_module handle inside stays put even if a
     * module keeps it past init. */
    struct registry_module *m = arena_calloc(reg->arena, 1, sizeof(*m));
    if (!m) {
        err_set(err, errlen, "%s: out of memory", path);
        return -1;
    }
    m->path = arena_strndup(reg->arena, path, strlen(path));
    m->name = arena_strndup(reg->arena, info->name, strlen(info->name));
    m->version = arena_strndup(reg->arena, info->version, strnlen(info->version, 128));
    if (!m->path || !m->name || !m->version) {
        err_set(err, errlen, "%s: out of memory", path);
        return -1;
    }
    m->info = info;
    m->mod.reg = reg;
    m->mod.index = idx;
    reg->modules[idx] = m;
    reg->nmodules++; /* visible to register_fn; rolled back below on failure */

    m->mod.in_init = true;
    hs_status st = info->init(sdk_api(), &m->mod);
    m->mod.in_init = false;
    if (m->mod.clash) {
        err_set(err, errlen, "%s: %s", path, m->mod.clash_msg);
        return -1;
    }
    if (st != HS_OK) {
        err_set(err, errlen, "%s: module %s failed to initialise: %s", path, m->name,
                hs_status_name(st));
        return -1;
    }
    m->handle = handle;
    return 0;
}

/* Loads the module at path; label names it in messages and in the registry. */
static int load_file(struct registry *reg, const char *path, const char *label, bool quiet,
                     char *err, size_t errlen)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        size_t pl = strlen(path);
        /* The loader's message starts with the path it opened: say the label instead. */
        if (e && strncmp(e, path, pl) == 0 && strncmp(e + pl, STRLIT(": ")) == 0)
            e += pl + 2;
        err_set(err, errlen, "%s: cannot load module: %s", label, e ? e : "dlopen failed");
        return -1;
    }
    /* A copy (a memfd's /proc path) goes by the label in backtraces and sanitizer reports too:
     * the loader's name of the object is the public link_map's l_name, which it frees at dlclose
     * (so it gets a malloc'd copy). */
    struct link_map *lm = NULL;
    if (strcmp(path, label) != 0 && dlinfo(h, RTLD_DI_LINKMAP, &lm) == 0 && lm != NULL) {
        char *name = strdup(label);
        if (name)
            lm->l_name = name;
    }
    dlerror();
    void *sym = dlsym(h, HS_MODULE_ENTRY_SYMBOL);
    if (!sym) {
        err_set(err, errlen, "%s: no %s() entry point (is it built with HS_MODULE?)", label,
                HS_MODULE_ENTRY_SYMBOL);
        dlclose(h);
        return -1;
    }
    const hs_module_info *(*entry)(void);
    memcpy(&entry, &sym, sizeof(entry)); /* object pointer to function pointer, as POSIX allows */
    size_t before = reg->nmodules;
    if (module_add(reg, label, h, entry, err, errlen) != 0) {
        /* The module may have run init: its functions stay in the registry, which the caller
         * frees as a whole. Its handle was not stored, so close it here, after its cleanup. */
        if (reg->nmodules > before) {
            struct registry_module *m = reg->modules[reg->nmodules - 1];
            if (m->info && m->info->cleanup)
                m->info->cleanup(m->state);
            m->info = NULL;
        }
        dlclose(h);
        return -1;
    }
    if (!quiet)
        log_msg(LOG_LEVEL_INFO, "module_loaded", "%s %s from %s",
                reg->modules[reg->nmodules - 1]->name, reg->modules[reg->nmodules - 1]->version,
                label);
    return 0;
}

int registry_add_static(struct registry *reg, const hs_module_info *(*entry)(void),
                        const char *label, char *err, size_t errlen)
{
    size_t before = reg->nmodules;
    if (module_add(reg, label, NULL, entry, err, errlen) != 0) {
        if (reg->nmodules > before) {
            struct registry_module *m = reg->modules[reg->nmodules - 1];
            if (m->info && m->info->cleanup)
                m->info->cleanup(m->state);
            m->info = NULL;
        }
        return -1;
    }
    return 0;
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n > k && strcmp(s + n - k, suf) == 0;
}

static int filter_so(const struct dirent *d)
{
    return d->d_name[0] != '.' && has_suffix(d->d_name, ".so");
}

static int load_dir(struct registry *reg, const struct registry_load_opts *opts, const char *dir,
                    size_t *index, char *err, size_t errlen)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, filter_so, alphasort);
    if (n < 0) {
        err_set(err, errlen, "%s: cannot read module folder: %s", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (rc == 0) {
            char path[4096];
            int len = snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
            if (len < 0 || (size_t)len >= sizeof(path)) {
                err_set(err, errlen, "%s/%s: path too long", dir, names[i]->d_name);
                rc = -1;
            } else {
                if (opts->before_file)
                    opts->before_file(opts->before_arg, *index);
                (*index)++;
                rc = load_file(reg, path, path, opts->quiet, err, errlen);
            }
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

struct registry *registry_load(const struct registry_load_opts *opts, char *err, size_t errlen)
{
    err_set(err, errlen, "%s", "");
    struct registry *reg = registry_new(opts && opts->no_diy);
    if (!reg) {
        err_set(err, errlen, "out of memory creating the registry");
        return NULL;
    }
    int rc = 0;
    size_t index = 0;
    for (size_t i = 0; opts && rc == 0 && i < opts->ndirs; i++)
        rc = load_dir(reg, opts, opts->dirs[i], &index, err, errlen);
    for (size_t i = 0; opts && rc == 0 && i < opts->nfiles; i++, index++) {
        if (opts->before_file)
            opts->before_file(opts->before_arg, index);
        rc = load_file(reg, opts->files[i], opts->labels ? opts->labels[i] : opts->files[i],
                       opts->quiet, err, errlen);
    }
    if (rc != 0) {
        if (!opts->quiet)
            log_msg(LOG_LEVEL_ERROR, "module_refused", "%s", err ? err : "module refused");
        registry_free(reg);
        return NULL;
    }
    return reg;
}
