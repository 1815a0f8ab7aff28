/* flows_canon.c — the canonical form of a flows/ resource (flows_canon.h, docs/flows.md): what is
 * dropped, what becomes a placeholder, and the pretty writer with its key order. */
#include "flows_canon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct json_parse_opts flows_parse_opts = {.decode_utf8 = true, .max_depth = 256};

static const char *const type_dirs[FLOWS_NTYPES] = {
    [FLOWS_INTEGRATION] = "",   [FLOWS_CONNECTION] = "connections",
    [FLOWS_EXPORT] = "exports", [FLOWS_IMPORT] = "imports",
    [FLOWS_FLOW] = "flows",     [FLOWS_SCRIPT] = "scripts",
    [FLOWS_STACK] = "stacks",   [FLOWS_ENVIRONMENT] = "environments",
};

const char *flows_type_dir(enum flows_type t)
{
    return (unsigned)t < FLOWS_NTYPES ? type_dirs[t] : "";
}

int flows_type_from_dir(const char *s, size_t n)
{
    for (int t = FLOWS_CONNECTION; t < FLOWS_NTYPES; t++)
        if (strlen(type_dirs[t]) == n && memcmp(type_dirs[t], s, n) == 0)
            return t;
    return -1;
}

/* Dropped at the top level of every resource: the account's ids and bookkeeping (the id of a
 * resource lives in environments/<env>.json, the integration is the folder). */
static const char *const drop_top[] = {
    "_id",        "_integrationId", "_userId",          "_sourceId", "apiIdentifier",
    "debugUntil", "sandbox",        "updateInProgress", NULL,
};

/* Dropped at any depth: timestamps and payloads captured by "test connection" and "preview"
 * (docs/protocol.md §10, pain point 10). */
static const char *const drop_any[] = {
    "lastModified", "createdAt",  "lastExecutedAt",     "mockOutput",     "mockResponse",
    "rawData",      "sampleData", "sampleResponseData", "sampleResponse", NULL,
};

/* Keys whose string value is a credential. */
static const char *const secret_keys[] = {
    "password",    "systemToken", "secretAccessKey", "clientSecret", "refreshToken", "accessToken",
    "token",       "apiKey",      "consumerSecret",  "tokenSecret",  "privateKey",   "passphrase",
    "bearerToken", NULL,
};

static bool in_list(const char *const *list, const char *k, size_t n)
{
    for (size_t i = 0; list[i]; i++)
        if (strlen(list[i]) == n && memcmp(list[i], k, n) == 0)
            return true;
    return false;
}

bool flows_secret_key(const char *key, size_t klen)
{
    return in_list(secret_keys, key, klen);
}

static bool is_masked(const struct json_value *v)
{
    return v->type == JSON_STRING && v->len == 6 && memcmp(v->u.str, "******", 6) == 0;
}

/* secret: v is inside an `encrypted` object, where every string is a credential. */
static int canon_walk(struct arena *a, struct json_value *v, bool secret, unsigned depth)
{
    if (depth > 512)
        return 0; /* the writer refuses deeper trees anyway */
    if (v->type == JSON_ARRAY) {
        for (size_t i = 0; i < v->len; i++) {
            struct json_value *e = v->u.items[i];
            if (e->type == JSON_STRING && (secret || is_masked(e))) {
                struct json_value *p = json_new_string(a, FLOWS_SECRET, strlen(FLOWS_SECRET));
                if (!p)
                    return -1;
                v->u.items[i] = p;
            } else if (canon_walk(a, e, secret, depth + 1) != 0) {
                return -1;
            }
        }
        return 0;
    }
    if (v->type != JSON_OBJECT)
        return 0;
    size_t i = 0;
    while (i < v->len) {
        struct json_member *m = &v->u.members[i];
        if (in_list(drop_any, m->key, m->key_len)) {
            json_object_delete(v, m->key, m->key_len);
            continue;
        }
        bool enc = secret || (m->key_len == 9 && memcmp(m->key, "encrypted", 9) == 0);
        if (m->value->type == JSON_STRING &&
            (enc || is_masked(m->value) || flows_secret_key(m->key, m->key_len))) {
            struct json_value *p = json_new_string(a, FLOWS_SECRET, strlen(FLOWS_SECRET));
            if (!p || json_object_set(a, v, m->key, m->key_len, p) != 0)
                return -1;
        } else if (canon_walk(a, m->value, enc, depth + 1) != 0) {
            return -1;
        }
        i++;
    }
    return 0;
}

int flows_canon(struct arena *a, enum flows_type t, struct json_value *v)
{
    if (t == FLOWS_ENVIRONMENT || v->type != JSON_OBJECT)
        return 0;
    for (size_t i = 0; drop_top[i]; i++)
        json_object_delete(v, drop_top[i], strlen(drop_top[i]));
    return canon_walk(a, v, false, 0);
}

/* ---- the writer ----------------------------------------------------------------------------- */

static int key_cmp(const void *x, const void *y)
{
    const struct json_member *a = *(const struct json_member *const *)x;
    const struct json_member *b = *(const struct json_member *const *)y;
    bool an = a->key_len == 4 && memcmp(a->key, "name", 4) == 0;
    bool bn = b->key_len == 4 && memcmp(b->key, "name", 4) == 0;
    if (an != bn)
        return an ? -1 : 1;
    size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int c = memcmp(a->key, b->key, n);
    if (c != 0)
        return c;
    return a->key_len < b->key_len ? -1 : a->key_len > b->key_len ? 1 : 0;
}

static int indent(struct json_buf *out, unsigned level)
{
    static const char spaces[] = "                                ";
    size_t n = (size_t)level * 2;
    while (n > 0) {
        size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
        if (json_buf_append(out, spaces, k) != 0)
            return ERR_NOMEM;
        n -= k;
    }
    return 0;
}

static int put(struct json_buf *out, const char *s)
{
    return json_buf_append(out, s, strlen(s));
}

static int write_value(struct json_buf *out, const struct json_value *v, unsigned level)
{
    if (v->type == JSON_ARRAY || v->type == JSON_OBJECT) {
        bool obj = v->type == JSON_OBJECT;
        if (v->len == 0)
            return put(out, obj ? "{}" : "[]");
        const struct json_member **order = NULL;
        if (obj) {
            order = malloc(v->len * sizeof(*order));
            if (!order)
                return ERR_NOMEM;
            for (size_t i = 0; i < v->len; i++)
                order[i] = &v->u.members[i];
            qsort(order, v->len, sizeof(*order), key_cmp);
        }
        int rc = put(out, obj ? "{\n" : "[\n");
        for (size_t i = 0; rc == 0 && i < v->len; i++) {
            rc = indent(out, level + 1);
            if (rc == 0 && obj) {
                struct json_value key = {
                    .type = JSON_STRING, .len = order[i]->key_len, .u.str = order[i]->key};
                rc = json_write(out, &key, 0, NULL);
                if (rc == 0)
                    rc = put(out, ": ");
            }
            if (rc == 0)
                rc = write_value(out, obj ? order[i]->value : v->u.items[i], level + 1);
            if (rc == 0)
                rc = put(out, i + 1 < v->len ? ",\n" : "\n");
        }
        free(order);
        if (rc == 0)
            rc = indent(out, level);
        if (rc == 0)
            rc = put(out, obj ? "}" : "]");
        return rc;
    }
    return json_write(out, v, 0, NULL) == ERR_OK ? 0 : ERR_NOMEM;
}

int flows_canon_write(struct json_buf *out, const struct json_value *v)
{
    int rc = write_value(out, v, 0);
    return rc == 0 ? put(out, "\n") : rc;
}

int flows_canon_text(struct arena *a, enum flows_type t, const char *text, size_t len,
                     struct json_buf *out, struct json_error *err)
{
    struct json_value *v = json_parse(a, text, len, &flows_parse_opts, err);
    if (!v)
        return -1;
    if (v->type != JSON_OBJECT) {
        err->offset = 0;
        err->line = 1;
        err->column = 1;
        snprintf(err->message, sizeof(err->message), "a resource must be a JSON object");
        return -1;
    }
    if (flows_canon(a, t, v) != 0)
        return -2;
    return flows_canon_write(out, v) == 0 ? 0 : -2;
}
