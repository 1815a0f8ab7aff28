/* fixture.c — discovery and loading of the fixture cases `hookstack test` runs (see fixture.h). */
#include "fixture.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum file_kind { KIND_REQUEST, KIND_RESPONSE, KIND_STATUS };

static const char *const kind_suffix[] = {
    [KIND_REQUEST] = FIXTURE_SUFFIX_REQUEST,
    [KIND_RESPONSE] = FIXTURE_SUFFIX_RESPONSE,
    [KIND_STATUS] = FIXTURE_SUFFIX_STATUS,
};

struct found {
    const char *stem; /* relative to the root */
    const char *path; /* root-prefixed */
    enum file_kind kind;
};

struct collect {
    struct arena *a;
    struct found *items;
    size_t len, cap;
};

struct pending_dir {
    const char *path; /* root-prefixed */
    const char *rel;  /* relative to the root ("" for the root) */
    int depth;
};

static bool ends_with(const char *s, size_t n, const char *suffix, size_t *stem_len)
{
    size_t k = strlen(suffix);
    if (n <= k || memcmp(s + n - k, suffix, k) != 0)
        return false;
    *stem_len = n - k;
    return true;
}

static int classify(const char *name, size_t n, enum file_kind *kind, size_t *stem_len)
{
    for (int k = KIND_REQUEST; k <= KIND_STATUS; k++) {
        if (ends_with(name, n, kind_suffix[k], stem_len)) {
            *kind = (enum file_kind)k;
            return 0;
        }
    }
    return -1;
}

static char *path_join(struct arena *a, const char *dir, const char *name)
{
    size_t dn = strlen(dir), nn = strlen(name);
    bool slash = dn > 0 && dir[dn - 1] != '/';
    char *p = arena_alloc(a, dn + nn + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, dn);
    if (slash)
        p[dn++] = '/';
    memcpy(p + dn, name, nn + 1);
    return p;
}

static int collect_add(struct collect *c, const char *stem, const char *path, enum file_kind k)
{
    if (c->len == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 64;
        struct found *n = arena_realloc(c->a, c->items, c->cap * sizeof(*n), ncap * sizeof(*n));
        if (!n)
            return -1;
        c->items = n;
        c->cap = ncap;
    }
    c->items[c->len++] = (struct found){.stem = stem, .path = path, .kind = k};
    return 0;
}

static int found_cmp(const void *x, const void *y)
{
    const struct found *a = x, *b = y;
    int c = strcmp(a->stem, b->stem);
    return c ? c : (int)a->kind - (int)b->kind;
}

/* Lists one folder: files with a fixture suffix go to c, sub-folders onto the stack. */
static int scan_dir(struct collect *c, const struct pending_dir *d, struct pending_dir **stack,
                    size_t *slen, size_t *scap, char *err, size_t errlen)
{
    DIR *dir = opendir(d->path);
    if (!dir) {
        snprintf(err, errlen, "%s: %s", d->path, strerror(errno));
        return -1;
    }
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.')
            continue; /* ., .., hidden files and folders */
        char *path = path_join(c->a, d->path, de->d_name);
        char *rel = path ? path_join(c->a, d->rel, de->d_name) : NULL;
        struct stat st;
        if (!rel) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        } else if (lstat(path, &st) != 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            if (d->depth + 1 > FIXTURE_MAX_DEPTH) {
                snprintf(err, errlen, "%s: folders nested deeper than %d levels", path,
                         FIXTURE_MAX_DEPTH);
                rc = -1;
            } else {
                if (*slen == *scap) {
                    size_t ncap = *scap ? *scap * 2 : 16;
                    struct pending_dir *n =
                        arena_realloc(c->a, *stack, *scap * sizeof(*n), ncap * sizeof(*n));
                    if (!n) {
                        snprintf(err, errlen, "out of memory");
                        rc = -1;
                        break;
                    }
                    *stack = n;
                    *scap = ncap;
                }
                (*stack)[(*slen)++] =
                    (struct pending_dir){.path = path, .rel = rel, .depth = d->depth + 1};
            }
        } else {
            /* A regular file, or a link to one (links to folders are not followed). */
            if (S_ISLNK(st.st_mode) && (stat(path, &st) != 0 || !S_ISREG(st.st_mode)))
                continue;
            if (!S_ISREG(st.st_mode))
                continue;
            enum file_kind k;
            size_t stem_len;
            size_t rn = strlen(rel);
            if (classify(rel, rn, &k, &stem_len) != 0)
                continue;
            char *stem = arena_strndup(c->a, rel, stem_len);
            if (!stem || collect_add(c, stem, path, k) != 0) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
            }
        }
    }
    closedir(dir);
    return rc;
}

int fixture_discover(struct arena *a, const char *root, struct fixture_list *out, char *err,
                     size_t errlen)
{
    *out = (struct fixture_list){0};
    struct collect c = {.a = a};
    size_t rn = strlen(root);
    while (rn > 1 && root[rn - 1] == '/')
        rn--;
    char *r = arena_strndup(a, root, rn);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    struct stat st;
    if (stat(r, &st) != 0) {
        snprintf(err, errlen, "%s: %s", r, strerror(errno));
        return -1;
    }
    if (S_ISREG(st.st_mode)) {
        /* One file names its case: any of its three files will do. */
        enum file_kind k;
        size_t stem_len;
        if (classify(r, rn, &k, &stem_len) != 0) {
            snprintf(err, errlen, "%s: not a fixture file (*%s, *%s or *%s)", r,
                     FIXTURE_SUFFIX_REQUEST, FIXTURE_SUFFIX_RESPONSE, FIXTURE_SUFFIX_STATUS);
            return -1;
        }
        const char *base = memrchr(r, '/', stem_len);
        base = base ? base + 1 : r;
        char *stem_path = arena_strndup(a, r, stem_len);
        char *stem = arena_strndup(a, base, stem_len - (size_t)(base - r));
        if (!stem_path || !stem) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        for (int i = KIND_REQUEST; i <= KIND_STATUS; i++) {
            size_t pl = stem_len + strlen(kind_suffix[i]);
            char *p = arena_alloc(a, pl + 1);
            if (!p) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            snprintf(p, pl + 1, "%s%s", stem_path, kind_suffix[i]);
            if (stat(p, &st) == 0 && S_ISREG(st.st_mode) &&
                collect_add(&c, stem, p, (enum file_kind)i) != 0) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
        }
    } else if (S_ISDIR(st.st_mode)) {
        struct pending_dir *stack = NULL;
        size_t slen = 0, scap = 0;
        struct pending_dir first = {.path = r, .rel = "", .depth = 0};
        if (scan_dir(&c, &first, &stack, &slen, &scap, err, errlen) != 0)
            return -1;
        while (slen > 0) {
            struct pending_dir d = stack[--slen];
            if (scan_dir(&c, &d, &stack, &slen, &scap, err, errlen) != 0)
                return -1;
        }
    } else {
        snprintf(err, errlen, "%s: not a folder or a fixture file", r);
        return -1;
    }

    if (c.len == 0)
        return 0;
    qsort(c.items, c.len, sizeof(*c.items), found_cmp);
    out->cases = arena_calloc(a, c.len, sizeof(*out->cases));
    if (!out->cases) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < c.len; i++) {
        const struct found *f = &c.items[i];
        if (out->len == 0 || strcmp(out->cases[out->len - 1].name, f->stem) != 0)
            out->cases[out->len++] = (struct fixture_case){.name = f->stem};
        struct fixture_case *fc = &out->cases[out->len - 1];
        if (f->kind == KIND_REQUEST)
            fc->request_path = f->path;
        else if (f->kind == KIND_RESPONSE)
            fc->response_path = f->path;
        else
            fc->status_path = f->path;
    }
    return 0;
}

char *fixture_file_read(struct arena *a, const char *path, size_t max, size_t *len, char *err,
                        size_t errlen)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    const char *shown = is_stdin ? "standard input" : path;
    if (!f) {
        snprintf(err, errlen, "%s: %s", shown, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = arena_alloc(a, cap);
    for (;;) {
        if (!buf) {
            snprintf(err, errlen, "%s: out of memory", shown);
            break;
        }
        if (n + 1 == cap) {
            char *nb = arena_realloc(a, buf, cap, cap * 2);
            if (!nb) {
                snprintf(err, errlen, "%s: out of memory", shown);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - 1 - n, f);
        n += got;
        if (n > max) {
            snprintf(err, errlen, "%s: larger than %zu bytes", shown, max);
            buf = NULL;
            break;
        }
        if (got == 0) {
            if (ferror(f)) {
                snprintf(err, errlen, "%s: %s", shown, strerror(errno));
                buf = NULL;
            }
            break;
        }
    }
    if (!is_stdin)
        fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    *len = n;
    return buf;
}

struct json_value *fixture_json_parse(struct arena *a, const char *path, const char *text,
                                      size_t len, char *err, size_t errlen)
{
    struct json_parse_opts opts = {.decode_utf8 = true};
    struct json_error je;
    memset(&je, 0, sizeof(je));
    struct json_value *v = json_parse(a, text, len, &opts, &je);
    if (!v)
        snprintf(err, errlen, "%s:%u:%u: %s", path, (unsigned)je.line, (unsigned)je.column,
                 je.message[0] ? je.message : "invalid JSON");
    return v;
}

static bool all_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return false;
    }
    return true;
}

static int status_parse(const char *path, const char *s, size_t n, int *status, char *err,
                        size_t errlen)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    size_t end = n;
    while (end > i &&
           (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\n' || s[end - 1] == '\r'))
        end--;
    int v = 0;
    bool ok = end > i && end - i <= 3;
    for (size_t k = i; ok && k < end; k++) {
        if (s[k] < '0' || s[k] > '9')
            ok = false;
        else
            v = v * 10 + (s[k] - '0');
    }
    if (!ok || v < 100 || v > 599) {
        /* The file's bytes, shown printable only: the message stays one line. */
        char shown[41];
        size_t k = 0;
        for (size_t j = i; j < end && k < sizeof(shown) - 1; j++)
            shown[k++] = (s[j] >= 0x20 && s[j] < 0x7f) ? s[j] : '?';
        shown[k] = '\0';
        snprintf(err, errlen, "%s: expected an HTTP status (100-599), got '%s'", path, shown);
        return -1;
    }
    *status = v;
    return 0;
}

int fixture_load(struct arena *a, const struct fixture_case *c, struct fixture_loaded *out,
                 char *err, size_t errlen)
{
    *out = (struct fixture_loaded){.status = 200};
    if (!c->request_path || !c->response_path) {
        const char *have = c->request_path    ? c->request_path
                           : c->response_path ? c->response_path
                                              : c->status_path;
        const char *slash = strrchr(c->name, '/');
        snprintf(err, errlen, "%s: no %s%s beside it", have, slash ? slash + 1 : c->name,
                 c->request_path ? FIXTURE_SUFFIX_RESPONSE : FIXTURE_SUFFIX_REQUEST);
        return -1;
    }
    size_t n;
    char *text = fixture_file_read(a, c->request_path, FIXTURE_MAX_FILE, &n, err, errlen);
    if (!text)
        return -1;
    out->request = text;
    out->request_len = n;
    out->request_json = fixture_json_parse(a, c->request_path, text, n, err, errlen);
    if (!out->request_json)
        return -1;

    text = fixture_file_read(a, c->response_path, FIXTURE_MAX_FILE, &n, err, errlen);
    if (!text)
        return -1;
    out->response = text;
    out->response_len = n;
    if (!all_space(text, n)) {
        out->response_json = fixture_json_parse(a, c->response_path, text, n, err, errlen);
        if (!out->response_json)
            return -1;
    }

    if (c->status_path) {
        text = fixture_file_read(a, c->status_path, 64, &n, err, errlen);
        if (!text || status_parse(c->status_path, text, n, &out->status, err, errlen) != 0)
            return -1;
    }
    return 0;
}
