/* registry.h — the loaded hook modules and the functions they registered, by scope and group.
 *
 * `hookstack serve` loads the modules only in children (reload.h): each worker loads the module
 * set it serves, after a check in a child of its own accepted the set; `hookstack invoke`, `test`
 * and `hooks` load them in their own process. registry.c keeps the table (registration, lookups,
 * the listing), modload.c loads module files into it (registry_load, registry_free), proto.c looks
 * functions up, sdk.c invokes them. A scope is DIY or one connector id; inside a scope a function
 * is reachable at the top level (framework 2.0, no `type`) and/or in a group (framework 1.0: hooks,
 * wrappers, settings, utilities, installer, uninstaller, ...). */
#ifndef HS_REGISTRY_H
#define HS_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct registry;
struct registry_fn; /* one registered function; details in registry internals */

struct registry_load_opts {
    const char *const *dirs; /* folders whose *.so files are loaded, in order */
    size_t ndirs;
    bool no_diy; /* serve no DIY scope (to test "DIY is not configured") */
    /* Module files loaded one by one after the folders, in order (added by the SDK helper: tests
     * load modules meant to be refused this way, so no folder the server reads holds them). */
    const char *const *files;
    size_t nfiles;
    /* With files: what each one stands for in messages, in the registry and as the loaded
     * object's name (backtraces; the original path of a copy); NULL: the path itself. */
    const char *const *labels;
    /* No module_loaded / module_refused log lines (the caller reports). */
    bool quiet;
    /* Called before each module file is opened (folders' files first, then files), with its
     * index in that order. */
    void (*before_file)(void *arg, size_t index);
    void *before_arg;
};

/* Loads every module of every folder (modload.c). On failure returns NULL and writes one line
 * naming the module file and the reason (ABI mismatch, missing entry point, duplicate function,
 * dlopen error) into err. An empty set of folders or of modules is not an error. */
struct registry *registry_load(const struct registry_load_opts *opts, char *err, size_t errlen);
/* Runs every loaded module's cleanup, last loaded first, unloads them and frees the registry
 * (modload.c). */
void registry_free(struct registry *reg);

/* Number of modules and of functions loaded (for the start-up line and `hookstack hooks`). */
size_t registry_module_count(const struct registry *reg);
size_t registry_fn_count(const struct registry *reg);

/* The request `type` that selects a framework 1.0 group: hooks -> hook, wrappers -> wrapper,
 * settings -> setting, utilities -> utility; any other group is its own type. */
const char *registry_group_type(const char *group);

/* A function served for DIY, for the first call a new user tries: the first one registered at the
 * top level (then *type is NULL), else the first in a group (*type: its request type). False when
 * nothing is served for DIY. */
bool registry_first_diy(const struct registry *reg, const char **name, const char **type);

/* Writes one line per function: module, function, kind, scope (diy / connector ids), group or
 * top-level, description; for `hookstack hooks`. Returns 0 or -1 on write error. */
int registry_list(const struct registry *reg, FILE *file);

#endif
