/* sdk_redact.c — what a hook's log must never show: the secrets of the invocation's options and
 * their redaction from log text and logged JSON (see sdk_internal.h).
 *
 * Secrets are the values of every `bearerToken` member and everything under every `encrypted`
 * member, anywhere in options. In log text each secret is matched in the forms a hook can print:
 * a string as it is and as a JSON string's inside (quotes and backslashes escaped, as log_json
 * writes it), a number as JavaScript prints it. The longest secret is tried first, so a secret
 * that starts with another is hidden whole. Secrets shorter than SDK_SECRET_MIN bytes, and
 * true/false/null, are not matched in free text (they would hide ordinary words); logged as JSON,
 * a value under `encrypted` or `bearerToken` is hidden whatever its type, by where it lives. */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "sdk_internal.h"
#include "text.h"

#define SDK_SECRETS_MAX      512
#define SDK_SECRET_ROOTS_MAX 64
#define SDK_SECRET_MIN       3 /* shorter values would redact ordinary text */

static bool key_is(const struct json_member *m, const char *k, size_t n)
{
    return m->key_len == n && memcmp(m->key, k, n) == 0;
}

/* bearerToken values and encrypted members are secret, whatever their type. */
static bool member_secret(const struct json_member *m)
{
    return key_is(m, STRLIT("bearerToken")) || key_is(m, STRLIT("encrypted"));
}

static void secret_text(hs_ctx *ctx, const char *p, size_t len)
{
    if (len < SDK_SECRET_MIN || ctx->nsecrets >= SDK_SECRETS_MAX)
        return;
    for (size_t i = 0; i < ctx->nsecrets; i++) {
        if (ctx->secrets[i].len == len && memcmp(ctx->secrets[i].p, p, len) == 0)
            return;
    }
    ctx->secrets[ctx->nsecrets++] = (struct sdk_secret){.p = p, .len = len};
}

/* One scalar found under a secret member: the forms a hook's log text may show it in. */
static void secret_scalar(hs_ctx *ctx, const struct json_value *v)
{
    if (v->type == JSON_NUMBER) {
        char num[JSON_NUMBER_MAX];
        size_t n = json_number_format(v->u.num, num);
        char *t = arena_strndup(ctx->a, num, n);
        if (t)
            secret_text(ctx, t, n);
        return;
    }
    if (v->type != JSON_STRING)
        return;
    secret_text(ctx, v->u.str, v->len);
    /* As log_json writes it: the inside of the JSON string, escapes and all. */
    struct json_buf b;
    json_buf_init(&b, 0);
    if (json_write(&b, v, 0, NULL) == 0 && b.len >= 2 &&
        (b.len - 2 != v->len || memcmp(b.data + 1, v->u.str, v->len) != 0)) {
        char *esc = arena_strndup(ctx->a, b.data + 1, b.len - 2);
        if (esc)
            secret_text(ctx, esc, b.len - 2);
    }
    json_buf_free(&b);
}

/* Visits the tree under root without recursion: calls fn(ctx, node, secret) for every node, with
 * secret telling whether a bearerToken or encrypted member holds it (or an ancestor). Stops early
 * (returning true) when fn does. */
typedef bool (*visit_fn)(hs_ctx *ctx, const struct json_value *v, bool secret, void *arg);

static bool visit(hs_ctx *ctx, const struct json_value *root, bool root_secret, visit_fn fn,
                  void *arg)
{
    struct frame {
        const struct json_value *v;
        bool secret;
    };
    size_t cap = 64, n = 0;
    struct frame *st = arena_alloc(ctx->a, cap * sizeof(*st));
    if (!st)
        return false;
    st[n++] = (struct frame){root, root_secret};
    while (n > 0) {
        struct frame f = st[--n];
        if (fn(ctx, f.v, f.secret, arg))
            return true;
        if (f.v->type != JSON_OBJECT && f.v->type != JSON_ARRAY)
            continue;
        for (uint32_t i = 0; i < f.v->len; i++) {
            const struct json_value *c;
            bool secret = f.secret;
            if (f.v->type == JSON_OBJECT) {
                c = f.v->u.members[i].value;
                secret = secret || member_secret(&f.v->u.members[i]);
            } else {
                c = f.v->u.items[i];
            }
            if (n == cap) {
                struct frame *ns =
                    arena_realloc(ctx->a, st, cap * sizeof(*st), 2 * cap * sizeof(*st));
                if (!ns)
                    return false;
                st = ns;
                cap *= 2;
            }
            st[n++] = (struct frame){c, secret};
        }
    }
    return false;
}

static bool collect_one(hs_ctx *ctx, const struct json_value *v, bool secret, void *arg)
{
    (void)arg;
    if (secret)
        secret_scalar(ctx, v);
    /* Each secret member's value is kept, so log_json can hide any part of it by identity. */
    for (uint32_t i = 0; v->type == JSON_OBJECT && i < v->len; i++) {
        if (member_secret(&v->u.members[i]) && ctx->nsecret_roots < SDK_SECRET_ROOTS_MAX)
            ctx->secret_roots[ctx->nsecret_roots++] = v->u.members[i].value;
    }
    return false;
}

static int longest_first(const void *a, const void *b)
{
    const struct sdk_secret *x = a, *y = b;
    return x->len < y->len ? 1 : x->len > y->len ? -1 : 0;
}

void sdk_secrets_collect(hs_ctx *ctx)
{
    if (ctx->secrets_ready)
        return;
    ctx->secrets_ready = true;
    ctx->secrets = arena_alloc(ctx->a, SDK_SECRETS_MAX * sizeof(*ctx->secrets));
    ctx->secret_roots = arena_alloc(ctx->a, SDK_SECRET_ROOTS_MAX * sizeof(*ctx->secret_roots));
    if (!ctx->secrets || !ctx->secret_roots || !ctx->call->options) {
        ctx->nsecrets = 0;
        return;
    }
    visit(ctx, ctx->call->options, false, collect_one, NULL);
    qsort(ctx->secrets, ctx->nsecrets, sizeof(*ctx->secrets), longest_first);
}

size_t sdk_secret_at(const hs_ctx *ctx, const char *text, size_t len)
{
    for (size_t k = 0; k < ctx->nsecrets; k++) {
        const struct sdk_secret *s = &ctx->secrets[k];
        if (s->len <= len && memcmp(text, s->p, s->len) == 0)
            return s->len;
    }
    return 0;
}

static bool is_node(hs_ctx *ctx, const struct json_value *v, bool secret, void *arg)
{
    (void)ctx;
    (void)secret;
    return v == arg;
}

/* True when v is a secret member's value or lies inside one. */
static bool inside_secret(hs_ctx *ctx, const struct json_value *v)
{
    for (size_t i = 0; i < ctx->nsecret_roots; i++) {
        if (visit(ctx, ctx->secret_roots[i], true, is_node, (void *)v))
            return true;
    }
    return false;
}

struct json_value *sdk_redacted_copy(hs_ctx *ctx, const struct json_value *v)
{
    sdk_secrets_collect(ctx);
    struct json_value *mark = json_new_string(ctx->a, STRLIT("[redacted]"));
    if (!mark)
        return NULL;
    if (inside_secret(ctx, v))
        return mark;
    struct json_value *c = json_clone(ctx->a, v);
    if (!c)
        return NULL;
    size_t cap = 64, n = 0;
    struct json_value **st = arena_alloc(ctx->a, cap * sizeof(*st));
    if (!st)
        return NULL;
    st[n++] = c;
    while (n > 0) {
        struct json_value *x = st[--n];
        if (x->type != JSON_OBJECT && x->type != JSON_ARRAY)
            continue;
        for (uint32_t i = 0; i < x->len; i++) {
            struct json_value **slot;
            if (x->type == JSON_OBJECT) {
                struct json_member *m = &x->u.members[i];
                if (member_secret(m)) {
                    m->value = mark;
                    continue;
                }
                slot = &m->value;
            } else {
                slot = &x->u.items[i];
            }
            if ((*slot)->type != JSON_OBJECT && (*slot)->type != JSON_ARRAY)
                continue;
            if (n == cap) {
                struct json_value **ns =
                    arena_realloc(ctx->a, st, cap * sizeof(*st), 2 * cap * sizeof(*st));
                if (!ns)
                    return NULL;
                st = ns;
                cap *= 2;
            }
            st[n++] = *slot;
        }
    }
    return c;
}
