/* modset.h — a module set as `hookstack serve` serves it: sealed in-memory copies (memfd) of the
 * *.so files of the module folders, taken at start and on SIGHUP, and what the check of the set
 * found in them (modcheck.h): its modules and the names of its functions.
 *
 * Copies, because a file replaced on disk while workers are forked must not change what they
 * load, and because the dynamic loader hands back the object it already has for a path it knows.
 * In memory, because a memfd goes away with its last descriptor: no copy is ever left on disk,
 * whatever ends a child or the front. Sealed, so nothing can write to one once taken. The front
 * never maps them: a child gets the descriptors (child.h: CHILD_FD_KEEP onwards, in order) and
 * loads /proc/<its pid>/fd/N; every message, backtrace and sanitizer report names the original
 * path (the file's label: modload.c gives the loaded object that name). */
#ifndef HS_MODSET_H
#define HS_MODSET_H

#include <stdbool.h>
#include <stddef.h>

#include "child.h"
#include "registry.h"

#define MODSET_MAX_FILES CHILD_KEEP_MAX

struct modset_module {
    char *name, *version, *label;
};

struct modset {
    size_t nfiles;
    int fds[MODSET_MAX_FILES];      /* sealed memfds, owned */
    char *labels[MODSET_MAX_FILES]; /* "DIR/NAME.so", owned */
    /* From the check's report (modset_add_module / modset_add_function). */
    struct modset_module *modules;
    size_t nmodules;
    char **functions; /* distinct names, in the order first registered */
    size_t nfunctions;
    /* The function the development curl line calls (registry_first_diy), and its framework 1.0
     * type when it is only in a group; both NULL when the set serves no DIY function. Owned. */
    char *try_fn, *try_type;
};

/* Copies every *.so of each folder (in order; files by name) into a new set. NULL with one line
 * in err naming the file or folder when one cannot be read. */
struct modset *modset_snapshot(const char *const *dirs, size_t ndirs, char *err, size_t errlen);

void modset_free(struct modset *ms);

/* Records what the check found. 0, or -1 when out of memory. */
int modset_add_module(struct modset *ms, const char *name, const char *version, const char *label);
int modset_add_function(struct modset *ms, const char *name);

/* One module_loaded log line per module the check found. */
void modset_log_modules(const struct modset *ms);

/* In a child whose descriptors CHILD_FD_KEEP onwards are ms's files: loads them (quietly: no
 * module_loaded lines) and closes those descriptors. before(arg, i) runs before file i is
 * opened. The registry, or NULL with one line in err naming the file and the reason. */
struct registry *modset_load(const struct modset *ms, bool no_diy,
                             void (*before)(void *arg, size_t index), void *arg, char *err,
                             size_t errlen);

#endif
