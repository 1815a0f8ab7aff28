/* sfns_strings.c — lists of strings in settings (see sfns_strings.h). */
#include "sfns_strings.h"

#include "sfns_text.h"

#include <string.h>

const char *sfns_type_name(const hs_json *v)
{
    switch (sfns_api->json_type(v)) {
    case HS_JSON_NULL:
        return "null";
    case HS_JSON_BOOL:
        return "a boolean";
    case HS_JSON_NUMBER:
        return "a number";
    case HS_JSON_STRING:
        return "a string";
    case HS_JSON_ARRAY:
        return "an array";
    case HS_JSON_OBJECT:
        return "an object";
    default:
        return "not plain JSON";
    }
}

sfns_strings sfns_conf_strings(sfns_conf *c, const char *key, const char *const *def, size_t ndef)
{
    sfns_strings out = {def, ndef};
    const hs_json *v = sfns_conf_get(c, key);
    if (v == NULL)
        return out;
    if (sfns_api->json_type(v) != HS_JSON_ARRAY) {
        sfns_conf_invalid(c, key, "must be an array of strings, got %s", sfns_type_name(v));
        return out;
    }
    size_t n = sfns_api->json_len(v);
    const char **list = sfns_api->alloc(c->ctx, (n ? n : 1) * sizeof(*list));
    if (list == NULL) {
        sfns_conf_invalid(c, key, "out of memory");
        return out;
    }
    for (size_t i = 0; i < n; i++) {
        const hs_json *e = sfns_api->json_at(v, i);
        size_t len = 0;
        const char *s = sfns_api->json_type(e) == HS_JSON_STRING
                            ? sfns_api->json_string(c->ctx, e, &len, NULL)
                            : NULL;
        if (s == NULL || len == 0 || strlen(s) != len) {
            sfns_conf_invalid(c, key, "item %zu must be a non-empty string, got %s", i,
                              s ? "an empty string" : sfns_type_name(e));
            return out;
        }
        list[i] = s;
    }
    return (sfns_strings){list, n};
}

int sfns_strings_has(const sfns_strings *l, const char *text)
{
    for (size_t i = 0; text != NULL && i < l->n; i++)
        if (sfns_streq_nocase(l->v[i], text))
            return 1;
    return 0;
}

const char *sfns_strings_text(hs_ctx *ctx, const sfns_strings *l)
{
    if (l->n == 0)
        return "none";
    const char *out = "";
    for (size_t i = 0; i < l->n && out != NULL; i++)
        out = sfns_api->sprintf(ctx, "%s%s\"%s\"", out, i ? ", " : "", l->v[i]);
    return out ? out : "";
}
