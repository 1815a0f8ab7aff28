/* sdk_path.c — dotted paths into JSON values (json_path, json_path_set, json_path_delete: `a.b[2]`
 * and `["quoted key"]` steps) and the settings they read (setting: a path under
 * options.settings). The typed settings readers are in sdk_coerce.c. */
#include <stdint.h>
#include <string.h>

#include "sdk_internal.h"

#define SDK_PATH_KEY_MAX 512

#define J(v) ((struct json_value *)(v))
#define H(v) ((hs_json *)(v))

/* ---- dotted paths --------------------------------------------------------------------------- */

struct path_step {
    bool is_index;
    size_t index;
    const char *key;
    size_t key_len;
};

/* Reads the next step of *pp into st (quoted keys unescaped into buf). Returns 1 for a step, 0 at
 * the end, -1 on a syntax error. */
static int path_next(const char **pp, bool first, struct path_step *st, char *buf, size_t bufsz)
{
    const char *p = *pp;
    if (*p == '\0')
        return 0;
    if (!first && *p == '.')
        p++;
    else if (!first && *p != '[')
        return -1;
    if (*p == '[') {
        p++;
        if (*p == '"') {
            size_t n = 0;
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    p++;
                if (n + 1 >= bufsz)
                    return -1;
                buf[n++] = *p++;
            }
            if (*p != '"' || p[1] != ']')
                return -1;
            buf[n] = '\0';
            st->is_index = false;
            st->key = buf;
            st->key_len = n;
            *pp = p + 2;
            return 1;
        }
        if (*p < '0' || *p > '9')
            return -1;
        size_t idx = 0;
        while (*p >= '0' && *p <= '9') {
            if (idx > (SIZE_MAX - 9) / 10)
                return -1;
            idx = idx * 10 + (size_t)(*p++ - '0');
        }
        if (*p != ']')
            return -1;
        st->is_index = true;
        st->index = idx;
        *pp = p + 1;
        return 1;
    }
    const char *k = p;
    while (*p && *p != '.' && *p != '[')
        p++;
    if (p == k)
        return -1;
    st->is_index = false;
    st->key = k;
    st->key_len = (size_t)(p - k);
    *pp = p;
    return 1;
}

static struct json_value *step_get(const struct json_value *v, const struct path_step *st)
{
    if (!v)
        return NULL;
    if (st->is_index)
        return v->type == JSON_ARRAY ? json_array_get(v, st->index) : NULL;
    return v->type == JSON_OBJECT ? json_object_get(v, st->key, st->key_len) : NULL;
}

hs_json *sdk_json_path(const hs_json *root, const char *path)
{
    if (!root || !path)
        return NULL;
    struct json_value *v = J(root);
    char buf[SDK_PATH_KEY_MAX];
    struct path_step st;
    const char *p = path;
    int r;
    for (bool first = true; (r = path_next(&p, first, &st, buf, sizeof(buf))) == 1; first = false) {
        v = step_get(v, &st);
        if (!v)
            return NULL;
    }
    return r == 0 ? H(v) : NULL;
}

/* Sets parent[st] = v (object key or array index <= length). */
static hs_status step_set(hs_ctx *ctx, struct json_value *parent, const struct path_step *st,
                          struct json_value *v)
{
    if (st->is_index) {
        if (parent->type != JSON_ARRAY)
            return HS_ERR_TYPE;
        if (st->index < parent->len) {
            parent->u.items[st->index] = v;
            return HS_OK;
        }
        if (st->index > parent->len)
            return HS_ERR_RANGE;
        return json_array_push(ctx->a, parent, v) == 0 ? HS_OK : HS_ERR_NOMEM;
    }
    if (parent->type != JSON_OBJECT)
        return HS_ERR_TYPE;
    return json_object_set(ctx->a, parent, st->key, st->key_len, v) == 0 ? HS_OK : HS_ERR_NOMEM;
}

static hs_status path_set(hs_ctx *ctx, hs_json *root, const char *path, hs_json *v)
{
    char buf[2][SDK_PATH_KEY_MAX];
    struct path_step cur, next;
    const char *p = path;
    int r = path_next(&p, true, &cur, buf[0], sizeof(buf[0]));
    if (r != 1) {
        sdk_ctx_errorf(ctx, "SyntaxError", "invalid path \"%s\"", path);
        return HS_ERR_INVALID;
    }
    struct json_value *node = J(root);
    for (int b = 1;; b ^= 1) {
        r = path_next(&p, false, &next, buf[b], sizeof(buf[b]));
        if (r < 0) {
            sdk_ctx_errorf(ctx, "SyntaxError", "invalid path \"%s\"", path);
            return HS_ERR_INVALID;
        }
        if (r == 0) {
            hs_status st = step_set(ctx, node, &cur, J(v));
            if (st == HS_ERR_TYPE)
                sdk_ctx_errorf(ctx, "TypeError", "Cannot set \"%s\": a step is not an %s", path,
                               cur.is_index ? "array" : "object");
            else if (st == HS_ERR_RANGE)
                sdk_ctx_errorf(ctx, "RangeError", "Cannot set \"%s\": index past the array's end",
                               path);
            return st;
        }
        struct json_value *child = step_get(node, &cur);
        if (!child) {
            child = next.is_index ? json_new_array(ctx->a) : json_new_object(ctx->a);
            if (!child)
                return HS_ERR_NOMEM;
            hs_status st = step_set(ctx, node, &cur, child);
            if (st != HS_OK) {
                if (st == HS_ERR_TYPE || st == HS_ERR_RANGE)
                    sdk_ctx_errorf(ctx, "TypeError",
                                   "Cannot set \"%s\": a step does not fit the value", path);
                return st;
            }
        }
        node = child;
        /* cur's key may live in buf[b ^ 1]; next (in buf[b]) becomes cur, and the following step
         * is read into buf[b ^ 1]. */
        cur = next;
    }
}

hs_status sdk_json_path_set(hs_ctx *ctx, hs_json *root, const char *path, hs_json *v)
{
    if (!ctx)
        return HS_ERR_INVALID;
    if (!root || !path || !v)
        return sdk_json_set_missing(ctx, "json_path_set", path, root ? "value" : "root");
    hs_status st = path_set(ctx, root, path, v);
    if (st == HS_ERR_NOMEM)
        sdk_ctx_nomem(ctx);
    else if (st != HS_OK)
        sdk_ctx_keep_last(ctx, st);
    return st;
}

hs_status sdk_json_path_delete(hs_ctx *ctx, hs_json *root, const char *path)
{
    if (!ctx || !root || !path)
        return HS_ERR_INVALID;
    char buf[2][SDK_PATH_KEY_MAX];
    struct path_step cur, next;
    const char *p = path;
    if (path_next(&p, true, &cur, buf[0], sizeof(buf[0])) != 1)
        return HS_ERR_INVALID;
    struct json_value *node = J(root);
    for (int b = 1;; b ^= 1) {
        int r = path_next(&p, false, &next, buf[b], sizeof(buf[b]));
        if (r < 0)
            return HS_ERR_INVALID;
        if (r == 0)
            break;
        node = step_get(node, &cur);
        if (!node)
            return HS_ERR_NOT_FOUND;
        cur = next;
    }
    if (cur.is_index) {
        if (node->type != JSON_ARRAY)
            return HS_ERR_TYPE;
        if (cur.index >= node->len)
            return HS_ERR_NOT_FOUND;
        memmove(&node->u.items[cur.index], &node->u.items[cur.index + 1],
                (node->len - cur.index - 1) * sizeof(node->u.items[0]));
        node->len--;
        return HS_OK;
    }
    if (node->type != JSON_OBJECT)
        return HS_ERR_TYPE;
    return json_object_delete(node, cur.key, cur.key_len) == 0 ? HS_OK : HS_ERR_NOT_FOUND;
}

/* ---- settings ------------------------------------------------------------------------------- */

hs_json *sdk_setting(const hs_ctx *ctx, const char *path)
{
    const struct json_value *s = sdk_obj_get(ctx->call->options, "settings");
    if (!s)
        return NULL;
    if (!path || !path[0])
        return H(s);
    return sdk_json_path(H(s), path);
}

/* The typed readers (setting_string, ...) are in sdk_coerce.c. */
