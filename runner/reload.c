/* reload.c — module sets and their reload from disk (see reload.h). */
#include "reload.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct reload_set *reload_set_new(const struct serve_config *cfg, const struct proto_config *base,
                                  struct registry *reg, int own_reg)
{
    struct reload_set *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        if (own_reg)
            registry_free(reg);
        return NULL;
    }
    s->reg = own_reg ? reg : NULL;
    s->pc = *base;
    s->pc.reg = reg;
    size_t n = cfg->nhook_timeouts < CONFIG_MAX_HOOK_TIMEOUTS ? cfg->nhook_timeouts
                                                              : CONFIG_MAX_HOOK_TIMEOUTS;
    for (size_t i = 0; i < n; i++) {
        s->deadlines[i].function = cfg->hook_timeouts[i].function;
        s->deadlines[i].ms = cfg->hook_timeouts[i].ms;
    }
    s->wo.pcfg = &s->pc;
    s->wo.deadlines = s->deadlines;
    s->wo.ndeadlines = n;
    s->wo.recycle_bytes = cfg->worker_recycle_mb << 20;
    s->wo.max_response_bytes = cfg->max_response_bytes;
    return s;
}

void reload_set_free(struct reload_set *s)
{
    if (s == NULL)
        return;
    if (s->reg != NULL)
        registry_free(s->reg);
    free(s);
}

static int reload_filter_so(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return d->d_name[0] != '.' && n > 3 && strcmp(d->d_name + n - 3, ".so") == 0;
}

/* Copies the file at src (following links) to dst. 0, or -1 with errno set. */
static int reload_copy(const char *src, const char *dst)
{
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -1;
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
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
        for (ssize_t w = 0; w < r;) {
            ssize_t k = write(out, buf + w, (size_t)(r - w));
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0) {
                rc = -1;
                break;
            }
            w += k;
        }
        if (rc != 0)
            break;
    }
    int e = errno;
    close(in);
    if (close(out) != 0 && rc == 0) {
        e = errno;
        rc = -1;
    }
    errno = e;
    return rc;
}

/* Copies every *.so of dir into snap (created). 0, or -1 with one line in err. */
static int reload_snapshot_dir(const char *dir, const char *snap, char *err, size_t errlen)
{
    if (mkdir(snap, 0700) != 0) {
        snprintf(err, errlen, "cannot create %s: %s", snap, strerror(errno));
        return -1;
    }
    struct dirent **names = NULL;
    int n = scandir(dir, &names, reload_filter_so, alphasort);
    if (n < 0) {
        snprintf(err, errlen, "%s: cannot read module folder: %s", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char src[4096], dst[4096];
        if (rc == 0) {
            int a = snprintf(src, sizeof(src), "%s/%s", dir, names[i]->d_name);
            int b = snprintf(dst, sizeof(dst), "%s/%s", snap, names[i]->d_name);
            if (a < 0 || b < 0 || (size_t)a >= sizeof(src) || (size_t)b >= sizeof(dst)) {
                snprintf(err, errlen, "%s/%s: path too long", dir, names[i]->d_name);
                rc = -1;
            } else if (reload_copy(src, dst) != 0) {
                snprintf(err, errlen, "%s: cannot read module: %s", src, strerror(errno));
                rc = -1;
            }
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

/* Removes the snapshot folder and what it holds (two levels: root/N/file.so). */
static void reload_snapshot_remove(const char *root, size_t ndirs)
{
    for (size_t k = 0; k < ndirs; k++) {
        char sub[4096];
        snprintf(sub, sizeof(sub), "%s/%zu", root, k);
        DIR *d = opendir(sub);
        if (d != NULL) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (e->d_name[0] == '.')
                    continue;
                char path[4400];
                snprintf(path, sizeof(path), "%s/%s", sub, e->d_name);
                unlink(path);
            }
            closedir(d);
        }
        rmdir(sub);
    }
    rmdir(root);
}

/* Writes s into err with every snapshot folder prefix replaced by the folder it was copied from. */
static void reload_err_unmap(char *err, size_t errlen, const char *root,
                             const struct serve_config *cfg)
{
    char out[2048];
    size_t o = 0, rl = strlen(root);
    const char *p = err;
    while (*p != '\0' && o + 1 < sizeof(out)) {
        if (strncmp(p, root, rl) == 0 && p[rl] == '/') {
            char *end = NULL;
            unsigned long k = strtoul(p + rl + 1, &end, 10);
            if (end != p + rl + 1 && k < cfg->nmodule_dirs) {
                int w = snprintf(out + o, sizeof(out) - o, "%s", cfg->module_dirs[k]);
                o += w > 0 ? (size_t)w : 0;
                if (o >= sizeof(out))
                    o = sizeof(out) - 1;
                p = end;
                continue;
            }
        }
        out[o++] = *p++;
    }
    out[o] = '\0';
    snprintf(err, errlen, "%s", out);
}

struct registry *reload_load(const struct serve_config *cfg, char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    char root[512];
    snprintf(root, sizeof(root), "%s/hookstack-reload-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(root) == NULL) {
        snprintf(err, errlen, "cannot create a folder for the new modules under %s: %s",
                 tmp && *tmp ? tmp : "/tmp", strerror(errno));
        return NULL;
    }
    char snaps[CONFIG_MAX_MODULE_DIRS][600];
    const char *dirs[CONFIG_MAX_MODULE_DIRS];
    size_t n =
        cfg->nmodule_dirs < CONFIG_MAX_MODULE_DIRS ? cfg->nmodule_dirs : CONFIG_MAX_MODULE_DIRS;
    struct registry *reg = NULL;
    int rc = 0;
    for (size_t k = 0; k < n && rc == 0; k++) {
        snprintf(snaps[k], sizeof(snaps[k]), "%s/%zu", root, k);
        dirs[k] = snaps[k];
        rc = reload_snapshot_dir(cfg->module_dirs[k], snaps[k], err, errlen);
    }
    if (rc == 0) {
        struct registry_load_opts lo = {.dirs = dirs, .ndirs = n, .no_diy = cfg->no_diy};
        err[0] = '\0';
        reg = registry_load(&lo, err, errlen);
        if (reg == NULL) {
            if (err[0] == '\0')
                snprintf(err, errlen, "cannot load the modules");
            reload_err_unmap(err, errlen, root, cfg);
        }
    }
    reload_snapshot_remove(root, n);
    return reg;
}
