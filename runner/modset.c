/* modset.c — module sets held as sealed memfds (see modset.h). */
#include "modset.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log.h"

static int modset_filter_so(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return d->d_name[0] != '.' && n > 3 && strcmp(d->d_name + n - 3, ".so") == 0;
}

/* Copies the file at path (following links) into a new sealed memfd. The descriptor, or -1 with
 * errno set. */
static int modset_copy(const char *path, const char *name)
{
    int in = open(path, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -1;
    int out = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (out < 0) {
        int e = errno;
        close(in);
        errno = e;
        return -1;
    }
    char buf[65536];
    int rc = 0;
    for (;;) {
        ssize_t r = read(in, buf, sizeof(buf));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            rc = r < 0 ? -1 : 0;
            break;
        }
        for (ssize_t w = 0; w < r && rc == 0;) {
            ssize_t k = write(out, buf + w, (size_t)(r - w));
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                rc = -1;
            else
                w += k;
        }
        if (rc != 0)
            break;
    }
    if (rc == 0 &&
        fcntl(out, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) != 0)
        rc = -1;
    int e = errno;
    close(in);
    if (rc != 0) {
        close(out);
        errno = e;
        return -1;
    }
    return out;
}

/* Adds dir's *.so files to ms. 0, or -1 with one line in err. */
static int modset_add_dir(struct modset *ms, const char *dir, char *err, size_t errlen)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, modset_filter_so, alphasort);
    if (n < 0) {
        snprintf(err, errlen, "%s: cannot read module folder: %s", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (rc == 0) {
            char path[4096];
            int len = snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
            if (len < 0 || (size_t)len >= sizeof(path)) {
                snprintf(err, errlen, "%s/%s: path too long", dir, names[i]->d_name);
                rc = -1;
            } else if (ms->nfiles == MODSET_MAX_FILES) {
                snprintf(err, errlen, "%s: more than %d modules", path, MODSET_MAX_FILES);
                rc = -1;
            } else {
                ms->labels[ms->nfiles] = strdup(path);
                int fd = ms->labels[ms->nfiles] ? modset_copy(path, names[i]->d_name) : -1;
                if (fd < 0) {
                    snprintf(err, errlen, "%s: cannot read module: %s", path, strerror(errno));
                    free(ms->labels[ms->nfiles]);
                    rc = -1;
                } else {
                    ms->fds[ms->nfiles++] = fd;
                }
            }
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

struct modset *modset_snapshot(const char *const *dirs, size_t ndirs, char *err, size_t errlen)
{
    struct modset *ms = calloc(1, sizeof(*ms));
    if (ms == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    for (size_t k = 0; k < ndirs; k++) {
        if (modset_add_dir(ms, dirs[k], err, errlen) != 0) {
            modset_free(ms);
            return NULL;
        }
    }
    return ms;
}

void modset_free(struct modset *ms)
{
    if (ms == NULL)
        return;
    for (size_t i = 0; i < ms->nfiles; i++) {
        close(ms->fds[i]);
        free(ms->labels[i]);
    }
    for (size_t i = 0; i < ms->nmodules; i++) {
        free(ms->modules[i].name);
        free(ms->modules[i].version);
        free(ms->modules[i].label);
    }
    free(ms->modules);
    for (size_t i = 0; i < ms->nfunctions; i++)
        free(ms->functions[i]);
    free(ms->functions);
    free(ms->try_fn);
    free(ms->try_type);
    free(ms);
}

int modset_add_module(struct modset *ms, const char *name, const char *version, const char *label)
{
    struct modset_module *m = realloc(ms->modules, (ms->nmodules + 1) * sizeof(*m));
    if (m == NULL)
        return -1;
    ms->modules = m;
    m = &ms->modules[ms->nmodules];
    m->name = strdup(name);
    m->version = strdup(version);
    m->label = strdup(label);
    if (m->name == NULL || m->version == NULL || m->label == NULL) {
        free(m->name);
        free(m->version);
        free(m->label);
        return -1;
    }
    ms->nmodules++;
    return 0;
}

int modset_add_function(struct modset *ms, const char *name)
{
    for (size_t i = 0; i < ms->nfunctions; i++) {
        if (strcmp(ms->functions[i], name) == 0)
            return 0;
    }
    char **f = realloc(ms->functions, (ms->nfunctions + 1) * sizeof(*f));
    if (f == NULL)
        return -1;
    ms->functions = f;
    f[ms->nfunctions] = strdup(name);
    if (f[ms->nfunctions] == NULL)
        return -1;
    ms->nfunctions++;
    return 0;
}

void modset_log_modules(const struct modset *ms)
{
    for (size_t i = 0; i < ms->nmodules; i++)
        log_msg(LOG_LEVEL_INFO, "module_loaded", "%s %s from %s", ms->modules[i].name,
                ms->modules[i].version, ms->modules[i].label);
}

struct registry *modset_load(const struct modset *ms, bool no_diy,
                             void (*before)(void *arg, size_t index), void *arg, char *err,
                             size_t errlen)
{
    char paths[MODSET_MAX_FILES][48];
    const char *files[MODSET_MAX_FILES];
    /* The path names this process: a sanitizer's symbolizer, a process of its own, opens it too. */
    long pid = (long)getpid();
    for (size_t i = 0; i < ms->nfiles; i++) {
        snprintf(paths[i], sizeof(paths[i]), "/proc/%ld/fd/%d", pid, CHILD_FD_KEEP + (int)i);
        files[i] = paths[i];
    }
    struct registry_load_opts lo = {
        .no_diy = no_diy,
        .files = files,
        .nfiles = ms->nfiles,
        .labels = (const char *const *)ms->labels,
        .quiet = true,
        .before_file = before,
        .before_arg = arg,
    };
    struct registry *reg = registry_load(&lo, err, errlen);
    for (size_t i = 0; i < ms->nfiles; i++)
        close(CHILD_FD_KEEP + (int)i);
    return reg;
}
