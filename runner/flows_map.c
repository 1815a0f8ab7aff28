/* flows_map.c — Mapper 1.0 run locally (flows_map.h): fields (extract or hardCodedValue into
 * generate, dotted paths both ways), data types string/number/boolean, static lookup maps with
 * default and allowFailures, discardIfEmpty, the conditions that do not depend on the target
 * system's state, and lists built from an array of the record. Everything else is refused by
 * name, so a run never silently maps differently from integrator.io. */
#include "flows_map.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAP_PATH_MAX 64 /* segments of an extract or generate path */

static int fail(int status, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(int status, char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return status;
}

static bool str_is(const struct json_value *v, const char *s)
{
    return v && v->type == JSON_STRING && v->len == strlen(s) && memcmp(v->u.str, s, v->len) == 0;
}

static const struct json_value *member(const struct json_value *o, const char *key)
{
    return o && o->type == JSON_OBJECT ? json_object_get(o, key, strlen(key)) : NULL;
}

static bool is_empty(const struct json_value *v)
{
    return !v || v->type == JSON_NULL || (v->type == JSON_STRING && v->len == 0);
}

/* ---- extract paths ----------------------------------------------------------------------- */

const struct json_value *flows_map_extract(const struct json_value *v, const char *path, size_t len,
                                           int *bad)
{
    *bad = 0;
    if (len == 0 || memchr(path, '{', len) || memchr(path, '*', len) || path[0] == '$') {
        *bad = -1;
        return NULL;
    }
    size_t i = 0, nseg = 0;
    while (i < len) {
        if (++nseg > MAP_PATH_MAX) {
            *bad = -1;
            return NULL;
        }
        const char *key;
        size_t klen;
        bool index = false;
        size_t idx = 0;
        if (path[i] == '[') {
            const char *close = memchr(path + i + 1, ']', len - i - 1);
            if (!close || close == path + i + 1) {
                *bad = -1;
                return NULL;
            }
            key = path + i + 1;
            klen = (size_t)(close - key);
            index = true;
            for (size_t k = 0; k < klen && index; k++)
                index = isdigit((unsigned char)key[k]) != 0 && klen <= 9;
            if (index)
                idx = (size_t)strtoul(key, NULL, 10);
            i = (size_t)(close - path) + 1;
        } else {
            size_t j = i;
            while (j < len && path[j] != '.' && path[j] != '[' && path[j] != ']')
                j++;
            if (j == i || (j < len && path[j] == ']')) {
                *bad = -1;
                return NULL;
            }
            key = path + i;
            klen = j - i;
            i = j;
        }
        if (i < len) {
            if (path[i] == '.') {
                i++;
                if (i == len) {
                    *bad = -1;
                    return NULL;
                }
            } else if (path[i] != '[') {
                *bad = -1;
                return NULL;
            }
        }
        if (!v)
            continue;
        if (index && v->type == JSON_ARRAY)
            v = json_array_get(v, idx);
        else if (v->type == JSON_OBJECT)
            v = json_object_get(v, key, klen);
        else
            v = NULL;
    }
    return v;
}

/* Sets the dotted path of gen (checked: non-empty segments) in obj to val, making the objects on
 * the way (replacing a non-object there). 0 / FLOWS_MAP_NOMEM. */
static int generate_set(struct arena *a, struct json_value *obj, const char *gen, size_t len,
                        struct json_value *val)
{
    for (;;) {
        const char *dot = memchr(gen, '.', len);
        if (!dot)
            return json_object_set(a, obj, gen, len, val) == 0 ? 0 : FLOWS_MAP_NOMEM;
        size_t klen = (size_t)(dot - gen);
        struct json_value *next = json_object_get(obj, gen, klen);
        if (!next || next->type != JSON_OBJECT) {
            next = json_new_object(a);
            if (!next || json_object_set(a, obj, gen, klen, next) != 0)
                return FLOWS_MAP_NOMEM;
        }
        obj = next;
        len -= klen + 1;
        gen = dot + 1;
    }
}

static bool generate_valid(const struct json_value *g)
{
    if (!g || g->type != JSON_STRING || g->len == 0 || memchr(g->u.str, '\0', g->len))
        return false;
    size_t seg = 0, nseg = 1;
    for (size_t i = 0; i < g->len; i++) {
        char c = g->u.str[i];
        if (c == '[' || c == ']' || c == '*' || c == '{')
            return false;
        if (c == '.') {
            if (seg == 0 || ++nseg > MAP_PATH_MAX)
                return false;
            seg = 0;
        } else {
            seg++;
        }
    }
    return seg > 0;
}

/* ---- checks --------------------------------------------------------------------------------- */

static const char *const field_keys[] = {
    "extract", "hardCodedValue", "generate",  "dataType", "discardIfEmpty", "lookupName",
    "default", "internalId",     "immutable", "isKey",    "conditional",    "description",
};

static const struct json_value *lookup_find(const struct json_value *lookups,
                                            const struct json_value *name)
{
    for (size_t i = 0; lookups && lookups->type == JSON_ARRAY && i < lookups->len; i++) {
        const struct json_value *l = lookups->u.items[i];
        const struct json_value *n = member(l, "name");
        if (n && n->type == JSON_STRING && n->len == name->len &&
            memcmp(n->u.str, name->u.str, n->len) == 0)
            return l;
    }
    return NULL;
}

/* "field 3 (generate \"x\")" or "list \"item\" field 2 (...)" for messages. */
static void field_label(char *out, size_t n, const char *list, size_t idx,
                        const struct json_value *f)
{
    const struct json_value *g = member(f, "generate");
    if (g && g->type == JSON_STRING)
        snprintf(out, n, "%s%sfield %zu (generate \"%.80s\")", list ? list : "", list ? " " : "",
                 idx, g->u.str);
    else
        snprintf(out, n, "%s%sfield %zu", list ? list : "", list ? " " : "", idx);
}

/* strip (strip_len bytes): the "JSONPATH[*]." prefix a list field's extract may start with. */
static int field_check(const struct json_value *f, const struct json_value *lookups,
                       const char *strip, size_t strip_len, const char *label, char *err,
                       size_t errlen)
{
    if (!f || f->type != JSON_OBJECT)
        return fail(FLOWS_MAP_UNSUPPORTED, err, errlen, "mapping %s: is not an object", label);
    for (size_t i = 0; i < f->len; i++) {
        const struct json_member *m = &f->u.members[i];
        bool known = false;
        for (size_t k = 0; k < sizeof(field_keys) / sizeof(field_keys[0]) && !known; k++)
            known = strlen(field_keys[k]) == m->key_len &&
                    memcmp(field_keys[k], m->key, m->key_len) == 0;
        if (!known)
            return fail(FLOWS_MAP_UNSUPPORTED, err, errlen,
                        "mapping %s: \"%.60s\" is not supported by flows run (docs/flows.md)",
                        label, m->key);
    }
    if (!generate_valid(member(f, "generate")))
        return fail(FLOWS_MAP_UNSUPPORTED, err, errlen,
                    "mapping %s: \"generate\" must be a dotted path of field names", label);
    const struct json_value *ex = member(f, "extract"), *hc = member(f, "hardCodedValue");
    if ((ex != NULL) == (hc != NULL))
        return fail(FLOWS_MAP_UNSUPPORTED, err, errlen,
                    "mapping %s: needs exactly one of \"extract\" and \"hardCodedValue\"", label);
    if (ex) {
        int bad = 0;
        size_t skip = ex->type == JSON_STRING && strip_len && ex->len > strip_len &&
                              memcmp(ex->u.str, strip, strip_len) == 0
                          ? strip_len
                          : 0;
        if (ex->type != JSON_STRING ||
            (flows_map_extract(NULL, ex->u.str + skip, ex->len - skip, &bad), bad != 0))
            return fail(FLOWS_MAP_UNSUPPORTED, err, errlen,
                        "mapping %s: extract \"%.80s\" is not a plain field path (handlebars, "
                        "'*' and '$' paths are not supported by flows run)",
                        label, ex->type == JSON_STRING ? ex->u.str : "?");
    }
    if (hc && (hc->type == JSON_ARRAY || hc->type == JSON_OBJECT))
        return fail(FLOWS_MAP_UNSUPPORTED, err, errlen,
                    "mapping %s: \"hardCodedValue\" must be a string, number, boolean or null",
                    label);
    const struct json_value *dt = member(f, "dataType");
    if (dt && !str_is(dt, "string") && !str_is(dt, "number") && !str_is(dt, "boolean"))
        return fail(FLOWS_MAP_UNSUPPORTED, err, errlen,
                    "mapping %s: dataType %.40s is not supported by flows run (string, number, "
                    "boolean)",
                    label, dt->type == JSON_STRING ? dt->u.str : "(not a string)");
    const struct json_value *c = member(f, "conditional");
    if (c) {
        const struct json_value *w = member(c, "when");
        if (c->type != JSON_OBJECT || c->len != 1 || !w ||
            !(str_is(w, "record_created") || str_is(w, "record_updated") ||
              str_is(w, "ignore_if_set") || str_is(w, "extract_not_empty")))
            return fail(FLOWS_MAP_UNSUPPORTED, err, errlen,
                        "mapping %s: this conditional is not supported by flows run "
                        "(record_created, record_updated, ignore_if_set, extract_not_empty)",
                        label);
    }
    const struct json_value *ln = member(f, "lookupName");
    if (ln) {
        const struct json_value *l = ln->type == JSON_STRING ? lookup_find(lookups, ln) : NULL;
        if (!l)
            return fail(FLOWS_MAP_UNSUPPORTED, err, errlen,
                        "mapping %s: lookupName names no lookup of the import", label);
        const struct json_value *map = member(l, "map");
        if (!map || map->type != JSON_OBJECT)
            return fail(FLOWS_MAP_UNSUPPORTED, err, errlen,
                        "mapping %s: lookup \"%.80s\" queries live records; only static lookups "
                        "(a \"map\") run in flows run",
                        label, ln->u.str);
    }
    return FLOWS_MAP_OK;
}

int flows_map_check(const struct json_value *mapping, const struct json_value *lookups, char *err,
                    size_t errlen)
{
    if (!mapping)
        return FLOWS_MAP_OK;
    if (mapping->type != JSON_OBJECT)
        return fail(FLOWS_MAP_UNSUPPORTED, err, errlen, "mapping: is not an object");
    for (size_t i = 0; i < mapping->len; i++) {
        const char *k = mapping->u.members[i].key;
        if (strcmp(k, "fields") != 0 && strcmp(k, "lists") != 0)
            return fail(FLOWS_MAP_UNSUPPORTED, err, errlen,
                        "mapping: \"%.60s\" is not supported by flows run (docs/flows.md)", k);
    }
    const struct json_value *fields = member(mapping, "fields"), *lists = member(mapping, "lists");
    if ((fields && fields->type != JSON_ARRAY) || (lists && lists->type != JSON_ARRAY))
        return fail(FLOWS_MAP_UNSUPPORTED, err, errlen,
                    "mapping: \"fields\" and \"lists\" must be arrays");
    char label[200];
    for (size_t i = 0; fields && i < fields->len; i++) {
        field_label(label, sizeof(label), NULL, i, fields->u.items[i]);
        int rc = field_check(fields->u.items[i], lookups, NULL, 0, label, err, errlen);
        if (rc)
            return rc;
    }
    for (size_t i = 0; lists && i < lists->len; i++) {
        const struct json_value *l = lists->u.items[i];
        char lname[120];
        snprintf(lname, sizeof(lname), "list %zu", i);
        if (!l || l->type != JSON_OBJECT || !generate_valid(member(l, "generate")))
            return fail(FLOWS_MAP_UNSUPPORTED, err, errlen,
                        "mapping %s: needs an object with a \"generate\" path", lname);
        snprintf(lname, sizeof(lname), "list \"%.80s\"", member(l, "generate")->u.str);
        for (size_t k = 0; k < l->len; k++) {
            const char *key = l->u.members[k].key;
            if (strcmp(key, "generate") != 0 && strcmp(key, "jsonPath") != 0 &&
                strcmp(key, "fields") != 0)
                return fail(FLOWS_MAP_UNSUPPORTED, err, errlen,
                            "mapping %s: \"%.60s\" is not supported by flows run", lname, key);
        }
        const struct json_value *jp = member(l, "jsonPath"), *lf = member(l, "fields");
        int bad = 0;
        if (jp && (jp->type != JSON_STRING ||
                   (flows_map_extract(NULL, jp->u.str, jp->len, &bad), bad != 0)))
            return fail(FLOWS_MAP_UNSUPPORTED, err, errlen,
                        "mapping %s: \"jsonPath\" must be a plain field path", lname);
        if (lf && lf->type != JSON_ARRAY)
            return fail(FLOWS_MAP_UNSUPPORTED, err, errlen,
                        "mapping %s: \"fields\" must be an array", lname);
        char strip[200] = "";
        if (jp)
            snprintf(strip, sizeof(strip), "%.180s[*].", jp->u.str);
        for (size_t j = 0; lf && j < lf->len; j++) {
            field_label(label, sizeof(label), lname, j, lf->u.items[j]);
            const struct json_value *f = lf->u.items[j];
            int rc = field_check(f, lookups, strip, strlen(strip), label, err, errlen);
            if (rc)
                return rc;
        }
        for (size_t j = 0; j < i; j++) {
            const struct json_value *g0 = member(lists->u.items[j], "generate");
            if (json_equal(g0, member(l, "generate")))
                return fail(FLOWS_MAP_UNSUPPORTED, err, errlen,
                            "mapping %s: two lists generate the same field", lname);
        }
    }
    return FLOWS_MAP_OK;
}

/* ---- values --------------------------------------------------------------------------------- */

/* The text of a scalar (JavaScript's String()), in buf or pointing into v; NULL for containers. */
static const char *scalar_text(const struct json_value *v, char buf[JSON_NUMBER_MAX], size_t *n)
{
    switch (v->type) {
    case JSON_STRING:
        *n = v->len;
        return v->u.str;
    case JSON_NUMBER:
        *n = json_number_format(v->u.num, buf);
        return buf;
    case JSON_TRUE:
        *n = 4;
        return "true";
    case JSON_FALSE:
        *n = 5;
        return "false";
    default:
        return NULL;
    }
}

static int convert(struct arena *a, const struct json_value *dt, const struct json_value *v,
                   struct json_value **out, const char *label, char *err, size_t errlen)
{
    *out = (struct json_value *)v;
    if (!dt || v->type == JSON_NULL)
        return FLOWS_MAP_OK;
    char buf[JSON_NUMBER_MAX];
    size_t n = 0;
    const char *t = scalar_text(v, buf, &n);
    if (!t)
        return fail(FLOWS_MAP_RECORD, err, errlen, "mapping %s: cannot convert %s to %s", label,
                    v->type == JSON_ARRAY ? "an array" : "an object", dt->u.str);
    if (str_is(dt, "string")) {
        *out = v->type == JSON_STRING ? (struct json_value *)v : json_new_string(a, t, n);
    } else if (str_is(dt, "number")) {
        if (v->type == JSON_NUMBER)
            return FLOWS_MAP_OK;
        if (v->type != JSON_STRING) {
            *out = json_new_number(a, v->type == JSON_TRUE ? 1 : 0);
        } else {
            size_t s = 0, e = n;
            while (s < e && isspace((unsigned char)t[s]))
                s++;
            while (e > s && isspace((unsigned char)t[e - 1]))
                e--;
            char num[64];
            char *end = NULL;
            double d = 0;
            if (e > s && e - s < sizeof(num) && !memchr(t + s, '\0', e - s)) {
                memcpy(num, t + s, e - s);
                num[e - s] = '\0';
                d = strtod(num, &end);
            }
            if (e == s) {
                *out = json_new_null(a);
            } else if (!end || *end != '\0' || !isfinite(d) || isalpha((unsigned char)num[0]) ||
                       (num[0] == '0' && (num[1] == 'x' || num[1] == 'X'))) {
                return fail(FLOWS_MAP_RECORD, err, errlen, "mapping %s: \"%.60s\" is not a number",
                            label, t);
            } else {
                *out = json_new_number(a, d);
            }
        }
    } else {
        bool b;
        if (v->type == JSON_TRUE || v->type == JSON_FALSE)
            return FLOWS_MAP_OK;
        if (v->type == JSON_NUMBER)
            b = v->u.num != 0 && !isnan(v->u.num);
        else if (n == 4 && strncasecmp(t, "true", 4) == 0)
            b = true;
        else if (n == 5 && strncasecmp(t, "false", 5) == 0)
            b = false;
        else if (n == 1 && (t[0] == '1' || t[0] == '0'))
            b = t[0] == '1';
        else if (n == 0)
            return (*out = json_new_null(a)) ? FLOWS_MAP_OK : FLOWS_MAP_NOMEM;
        else
            return fail(FLOWS_MAP_RECORD, err, errlen,
                        "mapping %s: \"%.60s\" is not a boolean (true, false, 1, 0)", label, t);
        *out = json_new_bool(a, b);
    }
    return *out ? FLOWS_MAP_OK : FLOWS_MAP_NOMEM;
}

static int lookup_apply(const struct json_value *l, const struct json_value *v,
                        const struct json_value **out, const char *label, char *err, size_t errlen)
{
    const struct json_value *name = member(l, "name"), *map = member(l, "map");
    char buf[JSON_NUMBER_MAX];
    size_t n = 0;
    const char *t = scalar_text(v, buf, &n);
    if (!t)
        return fail(FLOWS_MAP_RECORD, err, errlen, "mapping %s: lookup \"%.80s\" cannot look up %s",
                    label, name->u.str, v->type == JSON_ARRAY ? "an array" : "an object");
    const struct json_value *hit = json_object_get(map, t, n);
    if (hit) {
        *out = hit;
        return FLOWS_MAP_OK;
    }
    const struct json_value *def = member(l, "default");
    if (def) {
        *out = def;
        return FLOWS_MAP_OK;
    }
    if (json_truthy(member(l, "allowFailures"))) {
        *out = NULL;
        return FLOWS_MAP_OK;
    }
    return fail(FLOWS_MAP_RECORD, err, errlen,
                "mapping %s: lookup \"%.80s\" has no value for \"%.80s\" and no default", label,
                name->u.str, t);
}

/* Maps one field of f from src into obj. */
static int field_run(struct arena *a, const struct json_value *f, const struct json_value *lookups,
                     const struct json_value *src, const char *strip, size_t strip_len,
                     struct json_value *obj, const char *label, char *err, size_t errlen)
{
    int rc = field_check(f, lookups, strip, strip_len, label, err, errlen);
    if (rc)
        return rc;
    const struct json_value *ex = member(f, "extract"), *v;
    if (ex) {
        const char *p = ex->u.str;
        size_t n = ex->len;
        if (strip_len && n > strip_len && memcmp(p, strip, strip_len) == 0) {
            p += strip_len;
            n -= strip_len;
        }
        int bad = 0;
        v = flows_map_extract(src, p, n, &bad);
        if (bad)
            return fail(FLOWS_MAP_UNSUPPORTED, err, errlen,
                        "mapping %s: extract is not a plain field path", label);
    } else {
        v = member(f, "hardCodedValue");
    }
    const struct json_value *c = member(f, "conditional");
    if (c && str_is(member(c, "when"), "extract_not_empty") && is_empty(v))
        return FLOWS_MAP_OK;
    if (is_empty(v) && member(f, "default"))
        v = member(f, "default");
    const struct json_value *ln = member(f, "lookupName");
    if (ln && !is_empty(v)) {
        rc = lookup_apply(lookup_find(lookups, ln), v, &v, label, err, errlen);
        if (rc)
            return rc;
    }
    if (is_empty(v) && json_truthy(member(f, "discardIfEmpty")))
        return FLOWS_MAP_OK;
    if (!v)
        return FLOWS_MAP_OK; /* nothing to extract: the field is not generated */
    struct json_value *outv;
    rc = convert(a, member(f, "dataType"), v, &outv, label, err, errlen);
    if (rc)
        return rc;
    outv = json_clone(a, outv);
    if (!outv)
        return FLOWS_MAP_NOMEM;
    const struct json_value *g = member(f, "generate");
    return generate_set(a, obj, g->u.str, g->len, outv);
}

int flows_map_record(struct arena *a, const struct json_value *mapping,
                     const struct json_value *lookups, const struct json_value *record,
                     struct json_value **out, char *err, size_t errlen)
{
    int rc = flows_map_check(mapping, lookups, err, errlen);
    if (rc)
        return rc;
    struct json_value *obj = json_new_object(a);
    if (!obj)
        return FLOWS_MAP_NOMEM;
    const struct json_value *fields = member(mapping, "fields"), *lists = member(mapping, "lists");
    char label[200];
    for (size_t i = 0; fields && i < fields->len; i++) {
        field_label(label, sizeof(label), NULL, i, fields->u.items[i]);
        rc = field_run(a, fields->u.items[i], lookups, record, NULL, 0, obj, label, err, errlen);
        if (rc)
            return rc;
    }
    for (size_t i = 0; lists && i < lists->len; i++) {
        const struct json_value *l = lists->u.items[i], *jp = member(l, "jsonPath");
        const struct json_value *lf = member(l, "fields"), *g = member(l, "generate");
        const struct json_value *src = record;
        char strip[200] = "";
        if (jp) {
            int bad = 0;
            src = flows_map_extract(record, jp->u.str, jp->len, &bad);
            snprintf(strip, sizeof(strip), "%.180s[*].", jp->u.str);
        }
        if (!src || src->type == JSON_NULL)
            continue;
        size_t nsrc = src->type == JSON_ARRAY ? src->len : 1;
        struct json_value *arr = json_new_array(a);
        if (!arr)
            return FLOWS_MAP_NOMEM;
        char lname[120];
        snprintf(lname, sizeof(lname), "list \"%.80s\"", g->u.str);
        for (size_t k = 0; k < nsrc; k++) {
            const struct json_value *el = src->type == JSON_ARRAY ? src->u.items[k] : src;
            struct json_value *eo = json_new_object(a);
            if (!eo)
                return FLOWS_MAP_NOMEM;
            for (size_t j = 0; lf && j < lf->len; j++) {
                field_label(label, sizeof(label), lname, j, lf->u.items[j]);
                rc = field_run(a, lf->u.items[j], lookups, el, strip, strlen(strip), eo, label, err,
                               errlen);
                if (rc)
                    return rc;
            }
            if (json_array_push(a, arr, eo) != 0)
                return FLOWS_MAP_NOMEM;
        }
        if (arr->len > 0 && generate_set(a, obj, g->u.str, g->len, arr) != 0)
            return FLOWS_MAP_NOMEM;
    }
    *out = obj;
    return FLOWS_MAP_OK;
}
