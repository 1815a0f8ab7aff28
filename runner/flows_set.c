/* flows_set.c — reading a flows/ folder into a flows_set, and the findings list (flows_set.h). */
#include "flows_set.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FLOWS_FILE_MAX (64u << 20) /* bytes of one resource file */

struct flows_set *flows_set_new(void)
{
    struct flows_set *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->arena = arena_new(64 * 1024, 0);
    if (!s->arena) {
        free(s);
        return NULL;
    }
    return s;
}

void flows_set_free(struct flows_set *s)
{
    if (!s)
        return;
    arena_free(s->arena);
    free(s->files);
    free(s->findings);
    free(s);
}

static void report_v(struct flows_set *s, const char *file, uint32_t line, uint32_t col,
                     const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (s->nfindings == s->cap_findings) {
        size_t cap = s->cap_findings ? s->cap_findings * 2 : 16;
        struct flows_finding *f = realloc(s->findings, cap * sizeof(*f));
        if (!f) {
            s->nomem = true;
            return;
        }
        s->findings = f;
        s->cap_findings = cap;
    }
    const char *p = arena_strndup(s->arena, file, strlen(file));
    const char *m = arena_strndup(s->arena, msg, strlen(msg));
    if (!p || !m) {
        s->nomem = true;
        return;
    }
    s->findings[s->nfindings++] =
        (struct flows_finding){.path = p, .line = line, .col = col, .message = m};
}

void flows_report_at(struct flows_set *s, const char *file, uint32_t line, uint32_t col,
                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report_v(s, file, line, col, fmt, ap);
    va_end(ap);
}

void flows_report(struct flows_set *s, const struct flows_file *f, const struct flows_path *path,
                  const char *fmt, ...)
{
    uint32_t line = 1, col = 1;
    if (f && path)
        flows_locate(f->text, f->len, path, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    report_v(s, f ? f->path : "?", line, col, fmt, ap);
    va_end(ap);
}

bool flows_name_valid(const char *s, size_t n)
{
    if (n == 0 || n > 100 || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && s[i - 1] != '-');
        if (!ok)
            return false;
    }
    return true;
}

struct flows_file *flows_set_find(const struct flows_set *s, enum flows_type type, const char *name,
                                  size_t n)
{
    for (size_t i = 0; i < s->nfiles; i++) {
        struct flows_file *f = &s->files[i];
        if (f->type == type && strlen(f->name) == n && memcmp(f->name, name, n) == 0)
            return f;
    }
    return NULL;
}

struct flows_file *flows_set_add(struct flows_set *s, enum flows_type type, const char *name,
                                 const char *path, const char *text, size_t len)
{
    if (s->nfiles == s->cap_files) {
        size_t cap = s->cap_files ? s->cap_files * 2 : 32;
        struct flows_file *f = realloc(s->files, cap * sizeof(*f));
        if (!f)
            return NULL;
        s->files = f;
        s->cap_files = cap;
    }
    struct flows_file *f = &s->files[s->nfiles];
    memset(f, 0, sizeof(*f));
    f->type = type;
    f->name = arena_strndup(s->arena, name, strlen(name));
    f->path = arena_strndup(s->arena, path, strlen(path));
    f->text = arena_strndup(s->arena, text, len);
    f->len = len;
    if (!f->name || !f->path || !f->text)
        return NULL;
    s->nfiles++;
    struct json_error err = {0};
    f->value = json_parse(s->arena, f->text, len, &flows_parse_opts, &err);
    if (!f->value) {
        if (strstr(err.message, "out of memory"))
            return NULL;
        flows_report_at(s, f->path, err.line, err.column, "invalid JSON: %s", err.message);
    } else if (f->value->type != JSON_OBJECT) {
        flows_report_at(s, f->path, 1, 1, "a resource file holds one JSON object");
        f->value = NULL;
    }
    return f;
}

/* Reads path whole into a malloc'd buffer. 0; -1 with errno (EFBIG past FLOWS_FILE_MAX). */
static int read_file(const char *path, char **out, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8192;
            if (cap > FLOWS_FILE_MAX + 1) {
                free(buf);
                fclose(fp);
                errno = EFBIG;
                return -1;
            }
            char *b = realloc(buf, cap);
            if (!b) {
                free(buf);
                fclose(fp);
                errno = ENOMEM;
                return -1;
            }
            buf = b;
        }
        size_t r = fread(buf + n, 1, cap - n, fp);
        n += r;
        if (r == 0)
            break;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        errno = EIO;
        return -1;
    }
    *out = buf;
    *len = n;
    return 0;
}

static int add_path(struct flows_set *s, enum flows_type type, const char *name, const char *path)
{
    char *text;
    size_t len;
    if (read_file(path, &text, &len) != 0) {
        flows_report_at(s, path, 1, 1, "cannot read the file: %s", strerror(errno));
        return 0;
    }
    struct flows_file *f = flows_set_add(s, type, name, path, text, len);
    free(text);
    return f ? 0 : -1;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int load_type(struct flows_set *s, const char *dir, enum flows_type t)
{
    char sub[4096];
    snprintf(sub, sizeof(sub), "%s/%s", dir, flows_type_dir(t));
    struct dirent **ents = NULL;
    int n = scandir(sub, &ents, NULL, alphasort);
    if (n < 0)
        return 0; /* an absent folder is an empty one */
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const char *fn = ents[i]->d_name;
        char path[8192];
        snprintf(path, sizeof(path), "%s/%s", sub, fn);
        if (fn[0] == '.' || rc != 0)
            continue;
        size_t stem = strlen(fn);
        if (ends_with(fn, ".json"))
            stem -= 5;
        else if (t == FLOWS_SCRIPT && ends_with(fn, ".js")) {
            char json[8192];
            snprintf(json, sizeof(json), "%s/%.*s.json", sub, (int)(strlen(fn) - 3), fn);
            if (access(json, F_OK) != 0)
                flows_report_at(s, path, 1, 1, "a script's code needs its %.*s.json beside it",
                                (int)(strlen(fn) - 3), fn);
            continue; /* read with its NAME.json */
        } else
            stem = 0;
        if (stem == 0) {
            flows_report_at(s, path, 1, 1, "not a resource file: %s/ holds NAME.json files%s",
                            flows_type_dir(t), t == FLOWS_SCRIPT ? " and their NAME.js" : "");
            continue;
        }
        char name[256];
        snprintf(name, sizeof(name), "%.*s", (int)stem, fn);
        if (!flows_name_valid(fn, stem))
            flows_report_at(s, path, 1, 1,
                            "'%s' is not a local name (lowercase letters and digits, words joined "
                            "by '-')",
                            name);
        rc = add_path(s, t, name, path);
        if (rc == 0 && t == FLOWS_SCRIPT) {
            char js[8192];
            snprintf(js, sizeof(js), "%s/%s.js", sub, name);
            char *text;
            size_t len;
            if (read_file(js, &text, &len) == 0) {
                struct flows_file *f = &s->files[s->nfiles - 1];
                f->js = arena_strndup(s->arena, text, len);
                f->js_len = len;
                free(text);
                if (!f->js)
                    rc = -1;
            }
        }
    }
    for (int i = 0; i < n; i++)
        free(ents[i]);
    free(ents);
    return rc;
}

int flows_set_load(struct flows_set *s, const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        flows_report_at(s, dir, 1, 1, "not a folder");
        return s->nomem ? -1 : 0;
    }
    char path[4096];
    snprintf(path, sizeof(path), "%s/integration.json", dir);
    if (access(path, F_OK) != 0)
        flows_report_at(s, path, 1, 1, "missing: a flows folder describes one integration");
    else if (add_path(s, FLOWS_INTEGRATION, "integration", path) != 0)
        return -1;
    struct dirent **ents = NULL;
    int n = scandir(dir, &ents, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        const char *fn = ents[i]->d_name;
        snprintf(path, sizeof(path), "%s/%s", dir, fn);
        if (fn[0] != '.' && strcmp(fn, "integration.json") != 0 &&
            flows_type_from_dir(fn, strlen(fn)) < 0)
            flows_report_at(s, path, 1, 1,
                            "unknown entry: a flows folder holds integration.json and the folders "
                            "connections, exports, imports, flows, scripts, stacks, environments");
        free(ents[i]);
    }
    free(ents);
    for (int t = FLOWS_CONNECTION; t < FLOWS_NTYPES; t++)
        if (load_type(s, dir, (enum flows_type)t) != 0)
            return -1;
    return s->nomem ? -1 : 0;
}
