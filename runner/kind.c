/* kind.c — the contract of each hook kind, checked on every result before the runner answers
 * (see kind.h). The contracts come from docs/protocol.md §5 and §6 (branching):
 *
 *   preSavePage      {data:[...], errors?:[{...}], abort?:bool, newErrorsAndRetryData?:[{...}]}
 *   preMap           array, options.data.length elements, each {}, {data}, {errors} or both
 *   postMap          the same, options.postMapData.length elements
 *   postSubmit       array of objects, options.responseData.length elements
 *   postResponseMap  array of objects, options.postResponseMapData.length elements
 *   postAggregate    no value (or null)
 *   branching        a 0-based branch index, or an array of them; each below the length of
 *                    settings.branches when the options carry that array (R-BR-1)
 *   wrapper, setting, installer, uninstaller, utility, raw: free form (plain JSON only).
 *
 * Before the call, kind_check_input checks what the kinds that read records are given:
 * preSavePage and preMap options.data, postMap options.postMapData, postSubmit
 * options.responseData, postResponseMap options.postResponseMapData (each an array), branching
 * options.record (an object or an array). docs/hook-kinds.md describes every kind. */
#include "kind.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "crash.h"
#include "text.h"

static const char *const kind_names[] = {
    [HS_KIND_PRE_SAVE_PAGE] = "preSavePage",
    [HS_KIND_PRE_MAP] = "preMap",
    [HS_KIND_POST_MAP] = "postMap",
    [HS_KIND_POST_SUBMIT] = "postSubmit",
    [HS_KIND_POST_RESPONSE_MAP] = "postResponseMap",
    [HS_KIND_POST_AGGREGATE] = "postAggregate",
    [HS_KIND_BRANCHING] = "branching",
    [HS_KIND_WRAPPER] = "wrapper",
    [HS_KIND_SETTING] = "setting",
    [HS_KIND_INSTALLER] = "installer",
    [HS_KIND_UNINSTALLER] = "uninstaller",
    [HS_KIND_UTILITY] = "utility",
    [HS_KIND_RAW] = "raw",
};

bool kind_valid(int kind)
{
    return kind >= HS_KIND_PRE_SAVE_PAGE && kind <= HS_KIND_RAW;
}

const char *kind_name(hs_kind kind)
{
    return kind_valid((int)kind) ? kind_names[kind] : "unknown";
}

const char *kind_default_group(hs_kind kind)
{
    switch (kind) {
    case HS_KIND_PRE_SAVE_PAGE:
    case HS_KIND_PRE_MAP:
    case HS_KIND_POST_MAP:
    case HS_KIND_POST_SUBMIT:
    case HS_KIND_POST_RESPONSE_MAP:
    case HS_KIND_POST_AGGREGATE:
    case HS_KIND_BRANCHING:
        return "hooks";
    case HS_KIND_WRAPPER:
        return "wrappers";
    case HS_KIND_SETTING:
        return "settings";
    case HS_KIND_UTILITY:
        return "utilities";
    case HS_KIND_INSTALLER:
        return "installer";
    case HS_KIND_UNINSTALLER:
        return "uninstaller";
    default:
        return NULL;
    }
}

const char *kind_record_array(hs_kind kind)
{
    switch (kind) {
    case HS_KIND_PRE_MAP:
        return "data";
    case HS_KIND_POST_MAP:
        return "postMapData";
    case HS_KIND_POST_SUBMIT:
        return "responseData";
    case HS_KIND_POST_RESPONSE_MAP:
        return "postResponseMapData";
    default:
        return NULL;
    }
}

/* "a string", "an array of 3 elements", ... for messages. */
static const char *describe(const struct json_value *v, char *buf, size_t n)
{
    if (!v)
        return "no value";
    switch (v->type) {
    case JSON_NULL:
        return "null";
    case JSON_FALSE:
    case JSON_TRUE:
        return "a boolean";
    case JSON_NUMBER:
        return "a number";
    case JSON_STRING:
        return "a string";
    case JSON_ARRAY:
        snprintf(buf, n, "an array of %u element%s", (unsigned)v->len, v->len == 1 ? "" : "s");
        return buf;
    case JSON_OBJECT:
        return "an object";
    case JSON_DATE:
        return "a Date";
    default:
        return "an unknown value";
    }
}

static int fail(char *msg, size_t msglen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *msg, size_t msglen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msglen, fmt, ap);
    va_end(ap);
    return -1;
}

static size_t input_len(const struct json_value *options, const char *key)
{
    if (!options || options->type != JSON_OBJECT)
        return 0;
    const struct json_value *arr = json_object_get(options, key, strlen(key));
    return arr && arr->type == JSON_ARRAY ? arr->len : 0;
}

/* Each element of an errors array must be an object. Returns the bad index or -1. */
static long bad_error_item(const struct json_value *errors)
{
    for (uint32_t i = 0; i < errors->len; i++)
        if (errors->u.items[i]->type != JSON_OBJECT)
            return (long)i;
    return -1;
}

static int check_pre_save_page(const char *fn, const struct json_value *r, char *msg, size_t n)
{
    char b[64];
    const char *k = "preSavePage";
    if (!r || r->type != JSON_OBJECT)
        return fail(msg, n,
                    "%s function %s must return an object {data, errors, abort, "
                    "newErrorsAndRetryData}; it returned %s.",
                    k, fn, describe(r, b, sizeof(b)));
    for (uint32_t i = 0; i < r->len; i++) {
        const struct json_member *m = &r->u.members[i];
        const struct json_value *v = m->value;
        if (m->key_len == 4 && memcmp(m->key, STRLIT("data")) == 0) {
            if (v->type != JSON_ARRAY)
                return fail(msg, n, "%s function %s returned data that is %s, not an array.", k, fn,
                            describe(v, b, sizeof(b)));
        } else if (m->key_len == 6 && memcmp(m->key, STRLIT("errors")) == 0) {
            if (v->type != JSON_ARRAY)
                return fail(msg, n, "%s function %s returned errors that is %s, not an array.", k,
                            fn, describe(v, b, sizeof(b)));
            long bad = bad_error_item(v);
            if (bad >= 0)
                return fail(msg, n, "%s function %s returned errors[%ld] that is not an object.", k,
                            fn, bad);
        } else if (m->key_len == 5 && memcmp(m->key, STRLIT("abort")) == 0) {
            if (v->type != JSON_TRUE && v->type != JSON_FALSE)
                return fail(msg, n, "%s function %s returned abort that is %s, not a boolean.", k,
                            fn, describe(v, b, sizeof(b)));
        } else if (m->key_len == 21 && memcmp(m->key, STRLIT("newErrorsAndRetryData")) == 0) {
            if (v->type != JSON_ARRAY)
                return fail(msg, n,
                            "%s function %s returned newErrorsAndRetryData that is %s, not an "
                            "array.",
                            k, fn, describe(v, b, sizeof(b)));
            for (uint32_t j = 0; j < v->len; j++) {
                const struct json_value *e = v->u.items[j];
                const struct json_value *errs =
                    e->type == JSON_OBJECT ? json_object_get(e, STRLIT("errors")) : NULL;
                if (e->type != JSON_OBJECT || !json_object_get(e, STRLIT("retryData")) || !errs ||
                    errs->type != JSON_ARRAY)
                    return fail(msg, n,
                                "%s function %s returned newErrorsAndRetryData[%u] that is not "
                                "{retryData, errors:[...]}.",
                                k, fn, (unsigned)j);
            }
        } else {
            return fail(msg, n,
                        "%s function %s returned an unknown field \"%.*s\" (allowed: data, "
                        "errors, abort, newErrorsAndRetryData).",
                        k, fn, (int)(m->key_len > 64 ? 64 : m->key_len), m->key);
        }
    }
    if (!json_object_get(r, STRLIT("data")))
        return fail(msg, n, "%s function %s returned no data array.", k, fn);
    return 0;
}

/* "record 3 of 20, id 001C" for element i of the options' record array (crash.h). */
static const char *record_where(const struct json_value *options, const char *key, size_t i,
                                size_t count, char *buf, size_t n)
{
    const struct json_value *arr =
        options && options->type == JSON_OBJECT ? json_object_get(options, key, strlen(key)) : NULL;
    const struct json_value *rec = arr && arr->type == JSON_ARRAY ? json_array_get(arr, i) : NULL;
    crash_where_format(buf, n, i, count, crash_record_id(rec));
    return buf;
}

static int check_array_len(hs_kind kind, const char *fn, const struct json_value *options,
                           const struct json_value *r, char *msg, size_t n)
{
    char b[64], w[CRASH_WHERE_MAX];
    const char *key = kind_record_array(kind);
    size_t want = input_len(options, key);
    if (!r || r->type != JSON_ARRAY)
        return fail(msg, n,
                    "%s function %s must return an array of %zu element%s (one per record of "
                    "options.%s); it returned %s.",
                    kind_name(kind), fn, want, want == 1 ? "" : "s", key,
                    describe(r, b, sizeof(b)));
    if (r->len != want)
        return fail(msg, n,
                    "%s function %s must return an array of %zu element%s (one per record of "
                    "options.%s); it returned %u.",
                    kind_name(kind), fn, want, want == 1 ? "" : "s", key, (unsigned)r->len);
    for (uint32_t i = 0; i < r->len; i++) {
        const struct json_value *e = r->u.items[i];
        if (e->type != JSON_OBJECT)
            return fail(msg, n, "%s function %s returned %s, not an object, for %s.",
                        kind_name(kind), fn, describe(e, b, sizeof(b)),
                        record_where(options, key, i, want, w, sizeof(w)));
        if (kind != HS_KIND_PRE_MAP && kind != HS_KIND_POST_MAP)
            continue;
        for (uint32_t j = 0; j < e->len; j++) {
            const struct json_member *m = &e->u.members[j];
            if (m->key_len == 4 && memcmp(m->key, STRLIT("data")) == 0)
                continue;
            if (m->key_len == 6 && memcmp(m->key, STRLIT("errors")) == 0) {
                if (m->value->type != JSON_ARRAY || bad_error_item(m->value) >= 0)
                    return fail(msg, n,
                                "%s function %s returned errors that is not an array of error "
                                "objects for %s.",
                                kind_name(kind), fn,
                                record_where(options, key, i, want, w, sizeof(w)));
                continue;
            }
            return fail(msg, n,
                        "%s function %s returned an unknown field \"%.*s\" (each element is "
                        "{data}, {errors}, {data, errors} or {} to skip) for %s.",
                        kind_name(kind), fn, (int)(m->key_len > 64 ? 64 : m->key_len), m->key,
                        record_where(options, key, i, want, w, sizeof(w)));
        }
    }
    return 0;
}

/* What each kind that reads records needs in its options: the key, and what it holds (*what).
 * NULL for the other kinds. */
static const char *input_key(hs_kind kind, const char **what)
{
    switch (kind) {
    case HS_KIND_PRE_SAVE_PAGE:
        *what = "the page's records";
        return "data";
    case HS_KIND_PRE_MAP:
        *what = "the page's records";
        break;
    case HS_KIND_POST_MAP:
        *what = "the records after mapping";
        break;
    case HS_KIND_POST_SUBMIT:
        *what = "the import's response for each record";
        break;
    case HS_KIND_POST_RESPONSE_MAP:
        *what = "the records after response mapping";
        break;
    case HS_KIND_BRANCHING:
        *what = "the record to route, an object or an array";
        return "record";
    default:
        return NULL;
    }
    return kind_record_array(kind);
}

int kind_check_input(hs_kind kind, const char *fn, const struct json_value *options,
                     const char **code, char *msg, size_t msglen)
{
    char b[64];
    if (msglen)
        msg[0] = '\0';
    *code = NULL;
    const char *what = NULL;
    const char *key = input_key(kind, &what);
    if (!key)
        return 0;
    bool branching = kind == HS_KIND_BRANCHING;
    const char *shape = branching ? "" : "an array of ";
    if (!options || options->type != JSON_OBJECT) {
        *code = "invalid_field";
        return fail(msg, msglen,
                    "%s function %s needs options.%s (%s%s); the options are %s, not "
                    "an object.",
                    kind_name(kind), fn, key, shape, what, describe(options, b, sizeof(b)));
    }
    const struct json_value *v = json_object_get(options, key, strlen(key));
    if (!v) {
        *code = "missing_required_field";
        return fail(msg, msglen,
                    "%s function %s needs options.%s (%s%s); the request has no "
                    "options.%s.",
                    kind_name(kind), fn, key, shape, what, key);
    }
    bool ok = branching ? v->type == JSON_OBJECT || v->type == JSON_ARRAY : v->type == JSON_ARRAY;
    if (!ok) {
        *code = "invalid_field";
        return fail(msg, msglen, "%s function %s needs options.%s (%s%s); options.%s is %s.",
                    kind_name(kind), fn, key, shape, what, key, describe(v, b, sizeof(b)));
    }
    return 0;
}

static bool branch_index(const struct json_value *v)
{
    return v->type == JSON_NUMBER && v->u.num >= 0 && v->u.num <= 2147483647.0 &&
           floor(v->u.num) == v->u.num;
}

static const struct json_value *branches_of(const struct json_value *options)
{
    if (!options || options->type != JSON_OBJECT)
        return NULL;
    const struct json_value *s = json_object_get(options, STRLIT("settings"));
    const struct json_value *b =
        s && s->type == JSON_OBJECT ? json_object_get(s, STRLIT("branches")) : NULL;
    return b && b->type == JSON_ARRAY ? b : NULL;
}

long kind_branch_count(const struct json_value *options)
{
    const struct json_value *b = branches_of(options);
    return b ? (long)b->len : -1;
}

const char *kind_branch_name(const struct json_value *options, size_t index, size_t *len)
{
    const struct json_value *b = branches_of(options);
    const struct json_value *e = b ? json_array_get(b, index) : NULL;
    if (e && e->type == JSON_OBJECT)
        e = json_object_get(e, STRLIT("name"));
    if (!e || e->type != JSON_STRING)
        return NULL;
    if (len)
        *len = e->len;
    return e->u.str;
}

long kind_branch_index(const struct json_value *options, const char *name, size_t len)
{
    const struct json_value *b = branches_of(options);
    for (uint32_t i = 0; b && name && i < b->len; i++) {
        size_t n = 0;
        const char *s = kind_branch_name(options, i, &n);
        if (s && n == len && memcmp(s, name, len) == 0)
            return (long)i;
    }
    return -1;
}

/* A branch index past settings.branches (when the options list the branches). */
static int branch_out_of_range(const char *fn, const struct json_value *options,
                               const struct json_value *v, char *msg, size_t n)
{
    long count = kind_branch_count(options);
    if (count < 0 || v->u.num < (double)count)
        return 0;
    return fail(msg, n,
                "branching function %s returned branch %.0f; settings.branches lists %ld "
                "branch%s (0 to %ld).",
                fn, v->u.num, count, count == 1 ? "" : "es", count - 1);
}

int kind_check(hs_kind kind, const char *fn_name, const struct json_value *options,
               const struct json_value *result, char *msg, size_t msglen)
{
    char b[64];
    if (msglen)
        msg[0] = '\0';
    switch (kind) {
    case HS_KIND_PRE_SAVE_PAGE:
        return check_pre_save_page(fn_name, result, msg, msglen);
    case HS_KIND_PRE_MAP:
    case HS_KIND_POST_MAP:
    case HS_KIND_POST_SUBMIT:
    case HS_KIND_POST_RESPONSE_MAP:
        return check_array_len(kind, fn_name, options, result, msg, msglen);
    case HS_KIND_POST_AGGREGATE:
        if (result && result->type != JSON_NULL)
            return fail(msg, msglen,
                        "postAggregate function %s must return no value; it returned %s.", fn_name,
                        describe(result, b, sizeof(b)));
        return 0;
    case HS_KIND_BRANCHING:
        if (result && branch_index(result))
            return branch_out_of_range(fn_name, options, result, msg, msglen);
        if (result && result->type == JSON_ARRAY) {
            for (uint32_t i = 0; i < result->len; i++) {
                if (!branch_index(result->u.items[i]))
                    return fail(msg, msglen,
                                "branching function %s returned element %u that is not a "
                                "0-based branch index.",
                                fn_name, (unsigned)i);
                if (branch_out_of_range(fn_name, options, result->u.items[i], msg, msglen))
                    return -1;
            }
            return 0;
        }
        return fail(msg, msglen,
                    "branching function %s must return a 0-based branch index or an array of "
                    "them; it returned %s.",
                    fn_name, describe(result, b, sizeof(b)));
    default:
        return 0;
    }
}
