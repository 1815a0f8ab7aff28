/* regscan.c — finds where module sources register a function name (implements regscan.h): a
 * small C lexer that skips comments and character literals, compares each string literal with
 * the name, and after a match looks ahead through the same call or initializer for HS_KIND_. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "regscan.h"
#include "text.h"

#define REGSCAN_LOOKAHEAD 1024                /* bytes searched for HS_KIND_ after the name */
#define REGSCAN_MAX_FILE  (64u * 1024 * 1024) /* a larger source is an error */
#define REGSCAN_MAX_DEPTH 16                  /* folder levels below dir */

struct lex {
    const char *s;
    size_t len, i;
    unsigned line;
};

static bool is_ident(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static void lex_advance(struct lex *l)
{
    if (l->s[l->i] == '\n')
        l->line++;
    l->i++;
}

/* Skips the comment or the character/string literal starting at l->i, if one does. For a string
 * literal, *str and *slen receive its content (without the quotes). Returns true when it skipped
 * something. */
static bool lex_skip(struct lex *l, const char **str, size_t *slen)
{
    const char *s = l->s;
    size_t n = l->len;
    if (s[l->i] == '/' && l->i + 1 < n && s[l->i + 1] == '/') {
        while (l->i < n && s[l->i] != '\n')
            lex_advance(l);
        return true;
    }
    if (s[l->i] == '/' && l->i + 1 < n && s[l->i + 1] == '*') {
        l->i += 2;
        while (l->i < n && !(s[l->i] == '*' && l->i + 1 < n && s[l->i + 1] == '/'))
            lex_advance(l);
        l->i = l->i + 2 <= n ? l->i + 2 : n;
        return true;
    }
    if (s[l->i] == '"' || s[l->i] == '\'') {
        char q = s[l->i];
        size_t start = ++l->i;
        while (l->i < n && s[l->i] != q && s[l->i] != '\n') {
            if (s[l->i] == '\\' && l->i + 1 < n)
                lex_advance(l);
            lex_advance(l);
        }
        if (q == '"' && str) {
            *str = s + start;
            *slen = l->i - start;
        }
        if (l->i < n && s[l->i] == q)
            l->i++;
        return true;
    }
    return false;
}

/* After a literal equal to the name: is there an HS_KIND_ identifier before the call or
 * initializer ends? */
static bool kind_follows(struct lex l)
{
    size_t end = l.i + REGSCAN_LOOKAHEAD < l.len ? l.i + REGSCAN_LOOKAHEAD : l.len;
    int depth = 0;
    while (l.i < end) {
        if (lex_skip(&l, NULL, NULL))
            continue;
        char c = l.s[l.i];
        if (c == ';' || c == '{' || c == '}')
            return false;
        if (c == '(')
            depth++;
        if (c == ')' && depth-- == 0)
            return false;
        if (is_ident(c)) {
            size_t start = l.i;
            while (l.i < l.len && is_ident(l.s[l.i]))
                l.i++;
            if (l.i - start > 8 && memcmp(l.s + start, STRLIT("HS_KIND_")) == 0)
                return true;
            continue;
        }
        lex_advance(&l);
    }
    return false;
}

int regscan_text(const char *text, size_t len, const char *fn, unsigned *line)
{
    struct lex l = {.s = text, .len = len, .i = 0, .line = 1};
    size_t fnlen = strlen(fn);
    while (l.i < l.len) {
        if (is_ident(l.s[l.i])) {
            while (l.i < l.len && is_ident(l.s[l.i]))
                l.i++;
            continue;
        }
        const char *str = NULL;
        size_t slen = 0;
        unsigned at = l.line;
        if (lex_skip(&l, &str, &slen)) {
            if (str && slen == fnlen && memcmp(str, fn, fnlen) == 0 && kind_follows(l)) {
                *line = at;
                return 1;
            }
            continue;
        }
        lex_advance(&l);
    }
    return 0;
}

static int scan_file(const char *path, const char *fn, char *where, size_t n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(where, n, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;
    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *nb = ncap <= REGSCAN_MAX_FILE ? realloc(buf, ncap) : NULL;
            if (!nb) {
                snprintf(where, n, "%s: too large to read (over %u MB)", path,
                         REGSCAN_MAX_FILE >> 20);
                rc = -1;
                break;
            }
            buf = nb;
            cap = ncap;
        }
        size_t r = fread(buf + len, 1, cap - len, f);
        len += r;
        if (r == 0) {
            if (ferror(f)) {
                snprintf(where, n, "%s: read error", path);
                rc = -1;
            }
            break;
        }
    }
    fclose(f);
    unsigned line = 0;
    if (rc == 0 && regscan_text(buf, len, fn, &line) == 1) {
        snprintf(where, n, "%s:%u", path, line);
        rc = 1;
    }
    free(buf);
    return rc;
}

static bool is_source(const char *name)
{
    size_t n = strlen(name);
    return n > 2 && name[n - 2] == '.' && (name[n - 1] == 'c' || name[n - 1] == 'h');
}

static int scan_dir(const char *dir, const char *fn, char *where, size_t n, int depth)
{
    struct dirent **ents = NULL;
    int count = scandir(dir, &ents, NULL, alphasort);
    if (count < 0) {
        if (errno == ENOENT && depth == 0)
            return 0;
        snprintf(where, n, "%s: %s", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < count; i++) {
        const char *name = ents[i]->d_name;
        char path[4096];
        struct stat st;
        if (rc != 0 || name[0] == '.' ||
            snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
            stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode) && depth < REGSCAN_MAX_DEPTH)
            rc = scan_dir(path, fn, where, n, depth + 1);
        else if (S_ISREG(st.st_mode) && is_source(name))
            rc = scan_file(path, fn, where, n);
    }
    for (int i = 0; i < count; i++)
        free(ents[i]);
    free(ents);
    return rc;
}

int regscan_find(const char *dir, const char *fn, char *where, size_t n)
{
    if (n > 0)
        where[0] = '\0';
    return scan_dir(dir, fn, where, n, 0);
}
