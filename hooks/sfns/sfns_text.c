/* sfns_text.c — field reading helpers of the sfns module (see sfns_text.h). */
#include "sfns_text.h"

#include <string.h>

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int sfns_streq_nocase(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return 0;
    for (; *a && *b; a++, b++)
        if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
            return 0;
    return *a == *b;
}

hs_json *sfns_field(const hs_json *obj, const char *name)
{
    if (sfns_api->json_type(obj) != HS_JSON_OBJECT)
        return NULL;
    hs_json *v = sfns_api->json_get(obj, name);
    if (v != NULL)
        return v;
    size_t want = strlen(name);
    size_t n = sfns_api->json_len(obj);
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const char *k = sfns_api->json_key_at(obj, i, &len);
        if (len != want)
            continue;
        size_t j = 0;
        while (j < len && ascii_lower((unsigned char)k[j]) == ascii_lower((unsigned char)name[j]))
            j++;
        if (j == len)
            return sfns_api->json_value_at(obj, i);
    }
    return NULL;
}

hs_json *sfns_field_path(const hs_json *obj, const char *path)
{
    char step[256];
    const hs_json *cur = obj;
    while (cur != NULL) {
        const char *dot = strchr(path, '.');
        size_t len = dot ? (size_t)(dot - path) : strlen(path);
        if (len == 0 || len >= sizeof(step))
            return NULL;
        memcpy(step, path, len);
        step[len] = '\0';
        cur = sfns_field(cur, step);
        if (dot == NULL)
            return (hs_json *)cur;
        path = dot + 1;
    }
    return NULL;
}

const char *sfns_trim(hs_ctx *ctx, const char *s, size_t len)
{
    size_t b = 0, e = len;
    while (b < e && is_space(s[b]))
        b++;
    while (e > b && is_space(s[e - 1]))
        e--;
    if (b == 0 && e == len && s[len] == '\0')
        return s;
    char *out = sfns_api->alloc(ctx, e - b + 1);
    if (out == NULL)
        return NULL;
    memcpy(out, s + b, e - b);
    out[e - b] = '\0';
    return out;
}

const char *sfns_concat(hs_ctx *ctx, const char *const *parts, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += parts[i] ? strlen(parts[i]) : 0;
    char *out = sfns_api->alloc(ctx, len + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = parts[i] ? strlen(parts[i]) : 0;
        memcpy(out + o, parts[i] ? parts[i] : "", k);
        o += k;
    }
    out[o] = '\0';
    return out;
}

const char *sfns_key2(char *buf, size_t size, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > size - 1)
        la = size - 1;
    if (lb > size - 1 - la)
        lb = size - 1 - la;
    memcpy(buf, a, la);
    memcpy(buf + la, b, lb);
    buf[la + lb] = '\0';
    return buf;
}

sfns_presence sfns_text(hs_ctx *ctx, const hs_json *v, const char **out)
{
    *out = NULL;
    switch (sfns_api->json_type(v)) {
    case HS_JSON_NULL:
        return SFNS_EMPTY;
    case HS_JSON_STRING: {
        size_t len = 0;
        const char *s = sfns_api->json_string(ctx, v, &len, "");
        const char *t = sfns_trim(ctx, s, len);
        if (t == NULL || t[0] == '\0')
            return SFNS_EMPTY;
        *out = t;
        return SFNS_TEXT;
    }
    case HS_JSON_NUMBER: {
        char buf[HS_NUMBER_MAX];
        sfns_api->json_number_format(sfns_api->json_number(v, 0), buf);
        *out = sfns_api->strdup(ctx, buf);
        return *out ? SFNS_TEXT : SFNS_EMPTY;
    }
    case HS_JSON_BOOL:
        *out = sfns_api->json_bool(v, 0) ? "true" : "false";
        return SFNS_TEXT;
    default:
        return SFNS_ABSENT;
    }
}

sfns_presence sfns_text_field(hs_ctx *ctx, const hs_json *obj, const char *name, const char **out)
{
    hs_json *v = sfns_field(obj, name);
    if (v == NULL) {
        *out = NULL;
        return SFNS_ABSENT;
    }
    sfns_presence p = sfns_text(ctx, v, out);
    return p == SFNS_ABSENT ? SFNS_EMPTY : p;
}

/* The first of names that obj holds as text. */
static const char *first_text(hs_ctx *ctx, const hs_json *obj, const char *const *names)
{
    for (size_t i = 0; names[i] != NULL; i++) {
        const char *t = NULL;
        if (sfns_text_field(ctx, obj, names[i], &t) == SFNS_TEXT)
            return t;
    }
    return NULL;
}

sfns_presence sfns_ref_read(hs_ctx *ctx, const hs_json *v, sfns_ref *out)
{
    static const char *const id_keys[] = {"internalId", "id", "value", NULL};
    static const char *const name_keys[] = {"name", "refName", "text", NULL};
    static const char *const ext_keys[] = {"externalId", NULL};
    memset(out, 0, sizeof(*out));
    hs_json_type t = sfns_api->json_type(v);
    if (t == HS_JSON_ABSENT)
        return SFNS_ABSENT;
    if (t == HS_JSON_OBJECT) {
        out->id = first_text(ctx, v, id_keys);
        out->name = first_text(ctx, v, name_keys);
        out->external_id = first_text(ctx, v, ext_keys);
        return (out->id || out->name || out->external_id) ? SFNS_TEXT : SFNS_EMPTY;
    }
    const char *s = NULL;
    sfns_presence p = sfns_text(ctx, v, &s);
    if (p == SFNS_TEXT)
        out->id = s;
    return p == SFNS_ABSENT ? SFNS_EMPTY : p;
}

int sfns_flag(hs_ctx *ctx, const hs_json *v)
{
    const char *s = NULL;
    switch (sfns_api->json_type(v)) {
    case HS_JSON_ABSENT:
    case HS_JSON_NULL:
        return -1;
    case HS_JSON_STRING:
        if (sfns_text(ctx, v, &s) != SFNS_TEXT)
            return 0;
        if (sfns_streq_nocase(s, "t") || sfns_streq_nocase(s, "true") ||
            sfns_streq_nocase(s, "yes") || sfns_streq_nocase(s, "y"))
            return 1;
        if (sfns_streq_nocase(s, "f") || sfns_streq_nocase(s, "false") ||
            sfns_streq_nocase(s, "no") || sfns_streq_nocase(s, "n"))
            return 0;
        return 1;
    default:
        return sfns_api->json_truthy(v);
    }
}

/* Whether t is written as a decimal number: sign, digits with at most one point, exponent. */
static int looks_numeric(const char *t)
{
    size_t i = 0, digits = 0;
    if (t[i] == '+' || t[i] == '-')
        i++;
    for (int point = 0; (t[i] >= '0' && t[i] <= '9') || (t[i] == '.' && !point); i++) {
        if (t[i] == '.')
            point = 1;
        else
            digits++;
    }
    if (digits == 0)
        return 0;
    if (t[i] == 'e' || t[i] == 'E') {
        i++;
        if (t[i] == '+' || t[i] == '-')
            i++;
        if (t[i] < '0' || t[i] > '9')
            return 0;
        while (t[i] >= '0' && t[i] <= '9')
            i++;
    }
    return t[i] == '\0';
}

const char *sfns_not_decimal(hs_ctx *ctx, const hs_json *v, const char *otherwise)
{
    const char *t = NULL;
    if (sfns_api->json_type(v) == HS_JSON_NUMBER ||
        (sfns_text(ctx, v, &t) == SFNS_TEXT && looks_numeric(t)))
        return "has more digits than an exact amount holds (18 significant digits, at most 18 "
               "after the point)";
    return otherwise;
}
