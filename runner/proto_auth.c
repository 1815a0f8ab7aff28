/* proto_auth.c — the system token of a call: from the Authorization header, the body's
 * access_token or the query's (decoded as qs does), compared in constant time. */
#include "proto_internal.h"

#include <string.h>

#include "text.h"

#define PROTO_QUERY_PARAMS_MAX 1000 /* qs's parameterLimit */

/* Length of the valid UTF-8 sequence at s (decodeURIComponent's rules), or 0. */
static size_t utf8_valid_at(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

/* qs's decoder: '+' is a space, then decodeURIComponent; on a malformed escape the text with only
 * '+' replaced. Output into the arena. */
static char *qs_decode(struct arena *a, const char *s, size_t len, size_t *outlen)
{
    char *plus = arena_alloc(a, len + 1);
    char *dec = arena_alloc(a, len + 1);
    if (!plus || !dec)
        return NULL;
    for (size_t i = 0; i < len; i++)
        plus[i] = s[i] == '+' ? ' ' : s[i];
    plus[len] = '\0';
    size_t n = 0;
    bool ok = true;
    for (size_t i = 0; i < len && ok;) {
        if (plus[i] != '%') {
            dec[n++] = plus[i++];
            continue;
        }
        int h = i + 2 < len ? text_hexval(plus[i + 1]) : -1;
        int l = i + 2 < len ? text_hexval(plus[i + 2]) : -1;
        if (h < 0 || l < 0) {
            ok = false;
            break;
        }
        dec[n++] = (char)(h << 4 | l);
        i += 3;
    }
    /* The escapes must form valid UTF-8. */
    for (size_t i = 0; ok && i < n;) {
        size_t k = utf8_valid_at((const unsigned char *)dec + i, n - i);
        if (k == 0)
            ok = false;
        i += k;
    }
    if (!ok) {
        *outlen = len;
        return plus;
    }
    dec[n] = '\0';
    *outlen = n;
    return dec;
}

/* The query's access_token as Express's qs parser would give it: a string only when the key
 * appears once, without brackets. */
static bool query_token(struct arena *a, struct strv q, const char **tok, size_t *toklen)
{
    if (!q.p)
        return false;
    int count = 0, parts = 0;
    bool structured = false;
    const char *val = NULL;
    size_t vlen = 0;
    size_t i = 0;
    while (i <= q.len && parts < PROTO_QUERY_PARAMS_MAX) {
        size_t j = i;
        while (j < q.len && q.p[j] != '&')
            j++;
        const char *part = q.p + i;
        size_t plen = j - i;
        parts++;
        if (plen > 0) {
            size_t eq = plen;
            for (size_t k = 0; k + 1 < plen; k++)
                if (part[k] == ']' && part[k + 1] == '=') {
                    eq = k + 1;
                    break;
                }
            if (eq == plen)
                for (size_t k = 0; k < plen; k++)
                    if (part[k] == '=') {
                        eq = k;
                        break;
                    }
            size_t klen;
            char *key = qs_decode(a, part, eq, &klen);
            if (!key)
                return false;
            if (klen == 12 && memcmp(key, STRLIT("access_token")) == 0) {
                count++;
                if (eq < plen) {
                    val = qs_decode(a, part + eq + 1, plen - eq - 1, &vlen);
                    if (!val)
                        return false;
                } else {
                    val = "";
                    vlen = 0;
                }
            } else if (klen > 12 && memcmp(key, STRLIT("access_token[")) == 0 &&
                       memchr(key + 13, ']', klen - 13)) {
                structured = true;
            }
        }
        i = j + 1;
    }
    if (count != 1 || structured || vlen == 0)
        return false;
    *tok = val;
    *toklen = vlen;
    return true;
}

bool proto_tokens_match(const char *const *tokens, size_t ntokens, const char *t, size_t tlen)
{
    bool ok = false;
    for (size_t k = 0; k < ntokens; k++) {
        const char *s = tokens[k];
        if (!s)
            continue;
        size_t slen = strlen(s);
        unsigned char d = (unsigned char)(slen != tlen);
        for (size_t i = 0; i < slen; i++)
            d |= (unsigned char)(s[i] ^ (tlen ? t[i % tlen] : 0));
        ok |= d == 0 && slen > 0;
    }
    return ok;
}

static bool token_matches(const struct proto_config *cfg, const char *t, size_t tlen)
{
    return proto_tokens_match(cfg->tokens, cfg->ntokens, t, tlen);
}

bool proto_bearer(struct strv authorization, const char **t, size_t *tlen)
{
    struct strv auth = proto_trim_ows(authorization);
    if (!auth.p || auth.len == 0)
        return false;
    /* Split on single spaces: exactly two parts, the first "Bearer" in any case. */
    const char *sp = memchr(auth.p, ' ', auth.len);
    if (!sp)
        return false;
    size_t schemelen = (size_t)(sp - auth.p);
    *t = sp + 1;
    *tlen = auth.len - schemelen - 1;
    return !memchr(*t, ' ', *tlen) && text_ieq(auth.p, schemelen, "bearer");
}

bool proto_authorized(const struct proto_config *cfg, const struct proto_request *req,
                      const struct json_value *body, struct arena *a)
{
    struct strv auth = proto_trim_ows(req->authorization);
    if (auth.p && auth.len > 0) {
        /* No other source is consulted when the header is present. */
        const char *t;
        size_t tlen;
        return proto_bearer(auth, &t, &tlen) && token_matches(cfg, t, tlen);
    }
    const struct json_value *bt =
        body->type == JSON_OBJECT ? json_object_get(body, STRLIT("access_token")) : NULL;
    if (bt && json_truthy(bt))
        return bt->type == JSON_STRING && token_matches(cfg, bt->u.str, bt->len);
    const char *qt;
    size_t qlen;
    if (query_token(a, req->query, &qt, &qlen))
        return token_matches(cfg, qt, qlen);
    return false;
}

enum proto_auth proto_auth_headers(const struct proto_config *cfg, const struct proto_request *req,
                                   bool has_body)
{
    struct strv auth = proto_trim_ows(req->authorization);
    if (auth.p && auth.len > 0) {
        /* The header decides alone (no fallback), as in proto_authorized(). */
        const char *t;
        size_t tlen;
        return proto_bearer(auth, &t, &tlen) && token_matches(cfg, t, tlen) ? PROTO_AUTH_OK
                                                                            : PROTO_AUTH_REFUSED;
    }
    if (req->query.p != NULL) {
        struct arena *a = arena_new(4096, 0);
        const char *qt;
        size_t qlen;
        bool ok =
            a != NULL && query_token(a, req->query, &qt, &qlen) && token_matches(cfg, qt, qlen);
        arena_free(a);
        if (ok)
            return PROTO_AUTH_OK;
    }
    /* body-parser reads the body only when there is one and its media type is JSON. */
    char charset[64];
    if (has_body &&
        proto_content_type_json(proto_trim_ows(req->content_type), charset, sizeof(charset)))
        return PROTO_AUTH_BODY;
    return PROTO_AUTH_REFUSED;
}
