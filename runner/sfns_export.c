/* sfns_export.c — export files to records, and field lookup by normalised name (sfns_export.h). */
#include "sfns_export.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "text.h"

static char *read_all(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            if (cap >= SFNS_EXPORT_MAX_BYTES) {
                snprintf(err, errlen, "%s: larger than %llu bytes", path,
                         (unsigned long long)SFNS_EXPORT_MAX_BYTES);
                free(buf);
                fclose(f);
                return NULL;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (!buf) {
        snprintf(err, errlen, "%s: out of memory", path);
        fclose(f);
        return NULL;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

static const struct json_value *records_of(const struct json_value *root)
{
    if (root->type == JSON_ARRAY)
        return root;
    if (root->type != JSON_OBJECT)
        return NULL;
    const struct json_value *r = json_object_get(root, STRLIT("records"));
    if (!r)
        r = json_object_get(root, STRLIT("data"));
    return r && r->type == JSON_ARRAY ? r : NULL;
}

struct json_value *sfns_export_read(struct arena *a, const char *path, char *err, size_t errlen)
{
    size_t len = 0;
    char *buf = read_all(path, &len, err, errlen);
    if (!buf)
        return NULL;
    size_t i = 0;
    if (len >= 3 && memcmp(buf, STRLIT("\xef\xbb\xbf")) == 0)
        i = 3;
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    struct json_value *rows = NULL;
    if (i < len && (buf[i] == '[' || buf[i] == '{')) {
        struct json_error je;
        struct json_parse_opts opts = {.decode_utf8 = true};
        struct json_value *root = json_parse(a, buf, len, &opts, &je);
        if (!root) {
            snprintf(err, errlen, "%s:%u:%u: %s", path, je.line, je.column, je.message);
        } else {
            rows = (struct json_value *)records_of(root);
            if (!rows)
                snprintf(err, errlen,
                         "%s: the top level must be an array of records, or an object with a "
                         "\"records\" or \"data\" array",
                         path);
        }
    } else {
        char msg[256];
        rows = csvread_parse(a, buf, len, msg, sizeof(msg));
        if (!rows)
            snprintf(err, errlen, "%s: %s", path, msg);
    }
    free(buf);
    for (size_t k = 0; rows && k < rows->len; k++) {
        if (rows->u.items[k]->type != JSON_OBJECT) {
            snprintf(err, errlen, "%s: record %zu is not an object", path, k + 1);
            rows = NULL;
        }
    }
    return rows;
}

/* Does key, normalised, equal the normalised name want (wlen bytes)? */
static bool key_is(const char *key, size_t klen, const char *want, size_t wlen)
{
    size_t j = 0;
    for (size_t i = 0; i < klen; i++) {
        unsigned char c = (unsigned char)key[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            continue;
        if (j >= wlen || want[j] != (char)c)
            return false;
        j++;
    }
    return j == wlen;
}

static const struct json_value *get1(const struct json_value *obj, const char *name, size_t len)
{
    if (!obj || obj->type != JSON_OBJECT)
        return NULL;
    for (uint32_t i = 0; i < obj->len; i++) {
        const struct json_member *m = &obj->u.members[i];
        if (key_is(m->key, m->key_len, name, len))
            return m->value;
    }
    return NULL;
}

const struct json_value *sfns_export_get(const struct json_value *rec, const char *name)
{
    const struct json_value *v = rec;
    while (v) {
        const char *dot = strchr(name, '.');
        size_t len = dot ? (size_t)(dot - name) : strlen(name);
        v = get1(v, name, len);
        if (!dot)
            return v;
        name = dot + 1;
    }
    return NULL;
}

const char *sfns_export_text(const struct json_value *rec, const char *const *names, char *buf,
                             size_t cap)
{
    for (; *names; names++) {
        const struct json_value *v = sfns_export_get(rec, *names);
        if (!v)
            continue;
        if (v->type == JSON_STRING)
            return v->u.str;
        if (v->type == JSON_NUMBER && cap >= JSON_NUMBER_MAX) {
            json_number_format(v->u.num, buf);
            return buf;
        }
    }
    return NULL;
}

/* ---- string map (open addressing, FNV-1a) -------------------------------------------------- */

struct slot {
    char *key;
    const struct json_value *v;
};

struct sfns_map {
    struct slot *slots;
    size_t cap, n;
};

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

struct sfns_map *sfns_map_new(size_t expected)
{
    struct sfns_map *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->cap = 64;
    while (m->cap < expected * 2)
        m->cap *= 2;
    m->slots = calloc(m->cap, sizeof(*m->slots));
    if (!m->slots) {
        free(m);
        return NULL;
    }
    return m;
}

void sfns_map_free(struct sfns_map *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    free(m);
}

static int grow(struct sfns_map *m)
{
    struct sfns_map bigger = {.cap = m->cap * 2};
    bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
    if (!bigger.slots)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key)
            continue;
        size_t j = hash(m->slots[i].key) & (bigger.cap - 1);
        while (bigger.slots[j].key)
            j = (j + 1) & (bigger.cap - 1);
        bigger.slots[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = bigger.slots;
    m->cap = bigger.cap;
    return 0;
}

int sfns_map_put(struct sfns_map *m, const char *key, const struct json_value *v)
{
    if ((m->n + 1) * 2 > m->cap && grow(m) != 0)
        return -1;
    size_t j = hash(key) & (m->cap - 1);
    while (m->slots[j].key) {
        if (strcmp(m->slots[j].key, key) == 0)
            return 0;
        j = (j + 1) & (m->cap - 1);
    }
    m->slots[j].key = strdup(key);
    if (!m->slots[j].key)
        return -1;
    m->slots[j].v = v;
    m->n++;
    return 0;
}

const struct json_value *sfns_map_get(const struct sfns_map *m, const char *key)
{
    if (!m || !key)
        return NULL;
    size_t j = hash(key) & (m->cap - 1);
    while (m->slots[j].key) {
        if (strcmp(m->slots[j].key, key) == 0)
            return m->slots[j].v;
        j = (j + 1) & (m->cap - 1);
    }
    return NULL;
}
