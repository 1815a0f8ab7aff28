/* flows_run.c — one flow run locally (flows_run.h): the page generator's preSavePage, then the
 * flow's page processors or routers; per import step preMap, mapping, postMap, responses,
 * postSubmit and response mapping, with the hooks' options built as integrator.io builds them
 * (docs/protocol.md §5.1) and the integration's, flow's and step's settings merged. */
#include "flows_run.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "flows_map.h"

#define RUN_ROUTER_HOPS 64 /* routers a record may pass (nextRouterId chains) */

struct run {
    struct arena *a;
    const struct flows_run_opts *o;
    const struct flows_file *flow;
    const char *flow_name;
    struct json_value *imports_out, *errors_out, *records_out;
    struct json_value *used; /* import name -> responses taken so far */
    char *err;
    size_t errlen;
};

static int rfail(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int rfail(struct run *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, r->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static const struct json_value *get(const struct json_value *o, const char *key)
{
    return o && o->type == JSON_OBJECT ? json_object_get(o, key, strlen(key)) : NULL;
}

static int set(struct run *r, struct json_value *o, const char *key, struct json_value *v)
{
    return v && json_object_set(r->a, o, key, strlen(key), v) == 0 ? 0 : -2;
}

static struct json_value *str(struct run *r, const char *s)
{
    return json_new_string(r->a, s, strlen(s));
}

static int push(struct run *r, struct json_value *arr, struct json_value *v)
{
    return v && json_array_push(r->a, arr, v) == 0 ? 0 : -2;
}

/* The file a reference "@FOLDER/NAME" of type t names, or NULL. */
static const struct flows_file *resolve(struct run *r, const struct json_value *ref,
                                        enum flows_type t)
{
    const char *dir = flows_type_dir(t);
    size_t dn = strlen(dir);
    if (!ref || ref->type != JSON_STRING || ref->len < dn + 3 || ref->u.str[0] != '@' ||
        memcmp(ref->u.str + 1, dir, dn) != 0 || ref->u.str[dn + 1] != '/')
        return NULL;
    const struct flows_file *f =
        flows_set_find(r->o->set, t, ref->u.str + dn + 2, ref->len - dn - 2);
    return f && f->value && f->value->type == JSON_OBJECT ? f : NULL;
}

static void trace(struct run *r, const char *stage, const struct json_value *v)
{
    if (!r->o->trace)
        return;
    struct json_buf b;
    json_buf_init(&b, 0);
    if (json_write(&b, v, 0, NULL) == 0)
        fprintf(r->o->trace, "[trace] %s %.*s\n", stage, (int)b.len, b.data);
    json_buf_free(&b);
}

/* ---- settings and hook calls ---------------------------------------------------------------- */

/* Merges src's members into dst (objects member by member, anything else replaced). */
static int merge(struct run *r, struct json_value *dst, const struct json_value *src, int depth)
{
    if (!src || src->type != JSON_OBJECT)
        return 0;
    for (size_t i = 0; i < src->len; i++) {
        const struct json_member *m = &src->u.members[i];
        struct json_value *cur = json_object_get(dst, m->key, m->key_len);
        if (cur && cur->type == JSON_OBJECT && m->value->type == JSON_OBJECT && depth < 64) {
            if (merge(r, cur, m->value, depth + 1))
                return -2;
            continue;
        }
        struct json_value *c = json_clone(r->a, m->value);
        if (!c || json_object_set(r->a, dst, m->key, m->key_len, c) != 0)
            return -2;
    }
    return 0;
}

/* integration, flow, step (may be NULL) and --settings, merged in that order. */
static struct json_value *settings_for(struct run *r, const struct json_value *step)
{
    struct json_value *s = json_new_object(r->a);
    const struct flows_file *integ =
        flows_set_find(r->o->set, FLOWS_INTEGRATION, "integration", strlen("integration"));
    if (!s || merge(r, s, integ ? get(integ->value, "settings") : NULL, 0) ||
        merge(r, s, get(r->flow->value, "settings"), 0) || merge(r, s, get(step, "settings"), 0) ||
        merge(r, s, r->o->settings, 0))
        return NULL;
    return s;
}

/* The options every hook gets: ids (the resources' references: there is no account), settings,
 * testMode. step_key: "_exportId" or "_importId" (NULL for a router). */
static struct json_value *options_base(struct run *r, const char *step_key, const char *step_ref,
                                       const struct json_value *step)
{
    struct json_value *o = json_new_object(r->a);
    char ref[160];
    snprintf(ref, sizeof(ref), "@flows/%s", r->flow_name);
    if (!o || set(r, o, "_flowId", str(r, ref)) ||
        set(r, o, "_integrationId", str(r, "@integration")))
        return NULL;
    if (step_key && set(r, o, step_key, str(r, step_ref)))
        return NULL;
    const struct json_value *conn = get(step, "_connectionId");
    if (conn && conn->type == JSON_STRING && set(r, o, "_connectionId", json_clone(r->a, conn)))
        return NULL;
    if (set(r, o, "settings", settings_for(r, step)) ||
        set(r, o, "testMode", json_new_bool(r->a, false)))
        return NULL;
    return o;
}

/* The function a hook block names with _stackId, or NULL when the block is unset; -1 (message)
 * for a JavaScript hook. */
static int hook_fn(struct run *r, const struct json_value *hook, const char *where, const char **fn)
{
    *fn = NULL;
    if (!hook || hook->type != JSON_OBJECT)
        return 0;
    const struct json_value *f = get(hook, "function");
    const struct json_value *script = get(hook, "_scriptId");
    if (script && script->type != JSON_NULL)
        return rfail(r,
                     "%s: the hook runs integrator.io's JavaScript (_scriptId), which flows run "
                     "does not run",
                     where);
    if (!f || f->type != JSON_STRING || f->len == 0)
        return 0;
    *fn = f->u.str;
    return 0;
}

/* Calls fn with options; *result is the parsed answer of a 200. */
static int hook_call(struct run *r, const char *where, const char *fn, struct json_value *options,
                     struct json_value **result)
{
    struct json_value *body = json_new_object(r->a);
    if (!body || set(r, body, "diy", json_new_bool(r->a, true)) ||
        set(r, body, "function", str(r, fn)) || set(r, body, "options", options))
        return -2;
    struct json_buf b;
    json_buf_init(&b, 0);
    if (json_write(&b, body, 0, NULL) != 0) {
        json_buf_free(&b);
        return -2;
    }
    int status = 0;
    char *resp = NULL;
    size_t resp_len = 0;
    char cerr[512] = "";
    int rc = r->o->call(r->o->call_arg, fn, b.data, b.len, &status, &resp, &resp_len, cerr,
                        sizeof(cerr));
    json_buf_free(&b);
    if (rc != 0)
        return rfail(r, "%s: cannot call %s: %s", where, fn, cerr);
    if (status != 200) {
        rc = rfail(r, "%s: %s failed (HTTP %d): %.*s", where, fn, status,
                   (int)(resp_len > 2000 ? 2000 : resp_len), resp ? resp : "");
        free(resp);
        return rc;
    }
    struct json_error jerr;
    *result = resp_len ? json_parse(r->a, resp, resp_len, NULL, &jerr) : json_new_null(r->a);
    free(resp);
    if (!*result)
        return rfail(r, "%s: %s answered text that is not JSON", where, fn);
    return 0;
}

static int add_error(struct run *r, const char *step, size_t index, const struct json_value *errs)
{
    struct json_value *e = json_new_object(r->a);
    if (!e || set(r, e, "step", str(r, step)) ||
        set(r, e, "record", json_new_number(r->a, (double)index)) ||
        set(r, e, "errors", json_clone(r->a, errs)) || push(r, r->errors_out, e))
        return -2;
    return 0;
}

/* ---- an import step ------------------------------------------------------------------------- */

enum rec_state { REC_SUBMIT = 0, REC_SKIPPED, REC_FAILED };

/* Applies a per-record hook answer (preMap, postMap) of n elements to data and state. */
static int record_answers(struct run *r, const char *where, const char *fn,
                          const struct json_value *ans, struct json_value **data,
                          enum rec_state *state, const size_t *index, size_t n)
{
    if (!ans || ans->type != JSON_ARRAY || ans->len != n)
        return rfail(r, "%s: %s must answer an array of %zu elements, one per record", where, fn,
                     n);
    for (size_t i = 0; i < n; i++) {
        const struct json_value *e = ans->u.items[i];
        if (!e || e->type != JSON_OBJECT)
            return rfail(r, "%s: %s answered element %zu that is not an object", where, fn, i);
        const struct json_value *d = get(e, "data"), *errs = get(e, "errors");
        if (errs && errs->type == JSON_ARRAY && errs->len > 0) {
            int rc = add_error(r, where, index[i], errs);
            if (rc)
                return rc;
            if (!d)
                state[i] = REC_FAILED;
        }
        if (d)
            data[i] = (struct json_value *)d;
        else if (state[i] == REC_SUBMIT)
            state[i] = REC_SKIPPED;
    }
    return 0;
}

static struct json_value *default_response(struct run *r, const char *import, size_t n)
{
    char id[200];
    snprintf(id, sizeof(id), "%s-%zu", import, n + 1);
    struct json_value *resp = json_new_object(r->a), *j = json_new_object(r->a);
    if (!resp || !j || set(r, j, "id", str(r, id)) ||
        set(r, resp, "statusCode", json_new_number(r->a, 200)) || set(r, resp, "id", str(r, id)) ||
        set(r, resp, "ignored", json_new_bool(r->a, false)) ||
        set(r, resp, "errors", json_new_array(r->a)) || set(r, resp, "_json", j))
        return NULL;
    return resp;
}

/* The next response of import: from the responses file in order, else success. */
static int next_response(struct run *r, const char *import, struct json_value **resp)
{
    struct json_value *u = json_object_get(r->used, import, strlen(import));
    size_t n = u ? (size_t)u->u.num : 0;
    if (set(r, r->used, import, json_new_number(r->a, (double)(n + 1))))
        return -2;
    const struct json_value *given = get(r->o->responses, import);
    if (given && given->type == JSON_ARRAY && n < given->len) {
        const struct json_value *g = given->u.items[n];
        const struct json_value *sc = get(g, "statusCode");
        if (!sc || sc->type != JSON_NUMBER)
            return rfail(r, "responses: %s[%zu] has no numeric \"statusCode\"", import, n);
        *resp = json_clone(r->a, g);
        return *resp ? 0 : -2;
    }
    *resp = default_response(r, import, n);
    return *resp ? 0 : -2;
}

static bool response_failed(const struct json_value *resp)
{
    const struct json_value *sc = get(resp, "statusCode"), *errs = get(resp, "errors");
    return !sc || sc->type != JSON_NUMBER || sc->u.num != 200 ||
           (errs && errs->type == JSON_ARRAY && errs->len > 0);
}

/* The step's responseMapping fields applied to a copy of rec from resp. */
static int response_map(struct run *r, const char *where, const struct json_value *rm,
                        const struct json_value *resp, struct json_value **rec)
{
    const struct json_value *fields = get(rm, "fields"), *lists = get(rm, "lists");
    if (lists && lists->type == JSON_ARRAY && lists->len > 0)
        return rfail(r, "%s: response mapping lists are not supported by flows run", where);
    if (!fields || fields->type != JSON_ARRAY || fields->len == 0)
        return 0;
    struct json_value *out = json_clone(r->a, *rec);
    if (!out)
        return -2;
    if (out->type != JSON_OBJECT)
        return rfail(r, "%s: response mapping needs object records", where);
    for (size_t i = 0; i < fields->len; i++) {
        const struct json_value *f = fields->u.items[i];
        const struct json_value *ex = get(f, "extract"), *g = get(f, "generate");
        int bad = 0;
        if (!ex || ex->type != JSON_STRING || !g || g->type != JSON_STRING || g->len == 0 ||
            memchr(g->u.str, '.', g->len))
            return rfail(r,
                         "%s: response mapping field %zu must be {\"extract\", \"generate\"} "
                         "with a plain generate name",
                         where, i);
        const struct json_value *v = flows_map_extract(resp, ex->u.str, ex->len, &bad);
        if (bad)
            return rfail(r, "%s: response mapping extract \"%.80s\" is not a plain field path",
                         where, ex->u.str);
        if (v && json_object_set(r->a, out, g->u.str, g->len, json_clone(r->a, v)) != 0)
            return -2;
    }
    *rec = out;
    return 0;
}

/* Lookups of an import: top level and in its adaptor block, in one array. */
static struct json_value *import_lookups(struct run *r, const struct json_value *imp)
{
    struct json_value *all = json_new_array(r->a);
    const char *blocks[] = {NULL, "netsuite_da", "salesforce", "http", "rest", "wrapper"};
    for (size_t b = 0; all && b < sizeof(blocks) / sizeof(blocks[0]); b++) {
        const struct json_value *l = get(blocks[b] ? get(imp, blocks[b]) : imp, "lookups");
        for (size_t i = 0; l && l->type == JSON_ARRAY && i < l->len; i++)
            if (json_array_push(r->a, all, l->u.items[i]) != 0)
                return NULL;
    }
    return all;
}

static const struct json_value *import_mapping(struct run *r, const char *name,
                                               const struct json_value *imp, int *rc)
{
    *rc = 0;
    if (get(imp, "mappings")) {
        *rc = rfail(r,
                    "imports/%s: Mapper 2.0 (\"mappings\") is not supported by flows run; "
                    "only Mapper 1.0 \"mapping\"",
                    name);
        return NULL;
    }
    const struct json_value *m = get(imp, "mapping");
    if (!m)
        m = get(get(imp, "netsuite_da"), "mapping");
    return m;
}

static int import_step(struct run *r, const struct json_value *pp, const char *path,
                       struct json_value *records, struct json_value **next)
{
    const struct flows_file *f = resolve(r, get(pp, "_importId"), FLOWS_IMPORT);
    if (!f)
        return rfail(r, "%s: the step's _importId names no import of the folder", path);
    const struct json_value *imp = f->value;
    char where[400], stage[460], ref[160];
    snprintf(where, sizeof(where), "%s imports/%s", path, f->name);
    snprintf(ref, sizeof(ref), "@imports/%s", f->name);
    const struct json_value *filt = get(imp, "filter");
    if (filt && filt->type != JSON_NULL && !(filt->type == JSON_OBJECT && filt->len == 0))
        return rfail(r, "%s: import filters are not supported by flows run", where);
    int rc;
    const struct json_value *mapping = import_mapping(r, f->name, imp, &rc);
    if (rc)
        return rc;
    struct json_value *lookups = import_lookups(r, imp);
    if (!lookups)
        return -2;
    if (flows_map_check(mapping, lookups, r->err, r->errlen) != FLOWS_MAP_OK) {
        char m[sizeof(where) + 64];
        snprintf(m, sizeof(m), "%s", r->err);
        return rfail(r, "%s: %s", where, m);
    }
    size_t n = records->len;
    struct json_value **data = arena_calloc(r->a, n + 1, sizeof(*data));
    struct json_value **mapped = arena_calloc(r->a, n + 1, sizeof(*mapped));
    struct json_value **resp = arena_calloc(r->a, n + 1, sizeof(*resp));
    enum rec_state *state = arena_calloc(r->a, n + 1, sizeof(*state));
    size_t *index = arena_calloc(r->a, n + 1, sizeof(*index));
    if (!data || !mapped || !resp || !state || !index)
        return -2;
    for (size_t i = 0; i < n; i++) {
        data[i] = records->u.items[i];
        index[i] = i;
    }
    const char *fn;
    /* preMap */
    snprintf(stage, sizeof(stage), "%s preMap", where);
    if (hook_fn(r, get(get(imp, "hooks"), "preMap"), stage, &fn))
        return -1;
    if (fn && n > 0) {
        struct json_value *opt = options_base(r, "_importId", ref, imp);
        if (!opt || set(r, opt, "data", json_clone(r->a, records)))
            return -2;
        struct json_value *ans;
        if ((rc = hook_call(r, stage, fn, opt, &ans)) ||
            (rc = record_answers(r, stage, fn, ans, data, state, index, n)))
            return rc;
        struct json_value *t = json_new_array(r->a);
        for (size_t i = 0; t && i < n; i++)
            if (state[i] == REC_SUBMIT && push(r, t, data[i]))
                return -2;
        if (!t)
            return -2;
        trace(r, stage, t);
    }
    /* mapping */
    snprintf(stage, sizeof(stage), "%s mapping", where);
    struct json_value *pre = json_new_array(r->a), *post = json_new_array(r->a);
    size_t *sub = arena_calloc(r->a, n + 1, sizeof(*sub)), nsub = 0;
    if (!pre || !post || !sub)
        return -2;
    for (size_t i = 0; i < n; i++) {
        if (state[i] != REC_SUBMIT)
            continue;
        if (mapping) {
            char merr[512];
            int mrc =
                flows_map_record(r->a, mapping, lookups, data[i], &mapped[i], merr, sizeof(merr));
            if (mrc == FLOWS_MAP_NOMEM)
                return -2;
            if (mrc == FLOWS_MAP_UNSUPPORTED)
                return rfail(r, "%s: %s", where, merr);
            if (mrc == FLOWS_MAP_RECORD) {
                struct json_value *errs = json_new_array(r->a), *e = json_new_object(r->a);
                if (!errs || !e || set(r, e, "code", str(r, "mapping_error")) ||
                    set(r, e, "message", str(r, merr)) || push(r, errs, e) ||
                    add_error(r, stage, i, errs))
                    return -2;
                state[i] = REC_FAILED;
                continue;
            }
        } else {
            mapped[i] = data[i];
        }
        sub[nsub++] = i;
        if (push(r, pre, data[i]) || push(r, post, mapped[i]))
            return -2;
    }
    if (nsub == 0 && n == 0)
        return (*next = records, 0);
    trace(r, stage, post);
    /* postMap */
    snprintf(stage, sizeof(stage), "%s postMap", where);
    if (hook_fn(r, get(get(imp, "hooks"), "postMap"), stage, &fn))
        return -1;
    if (fn && nsub > 0) {
        struct json_value *opt = options_base(r, "_importId", ref, imp);
        if (!opt || set(r, opt, "preMapData", json_clone(r->a, pre)) ||
            set(r, opt, "postMapData", json_clone(r->a, post)))
            return -2;
        struct json_value *ans;
        struct json_value **pd = arena_calloc(r->a, nsub + 1, sizeof(*pd));
        enum rec_state *ps = arena_calloc(r->a, nsub + 1, sizeof(*ps));
        size_t *pi = arena_calloc(r->a, nsub + 1, sizeof(*pi));
        if (!pd || !ps || !pi)
            return -2;
        for (size_t k = 0; k < nsub; k++) {
            pd[k] = mapped[sub[k]];
            pi[k] = sub[k];
        }
        if ((rc = hook_call(r, stage, fn, opt, &ans)) ||
            (rc = record_answers(r, stage, fn, ans, pd, ps, pi, nsub)))
            return rc;
        size_t keep = 0;
        pre = json_new_array(r->a);
        post = json_new_array(r->a);
        if (!pre || !post)
            return -2;
        for (size_t k = 0; k < nsub; k++) {
            size_t i = sub[k];
            state[i] = ps[k];
            mapped[i] = pd[k];
            if (ps[k] != REC_SUBMIT)
                continue;
            sub[keep++] = i;
            if (push(r, pre, data[i]) || push(r, post, mapped[i]))
                return -2;
        }
        nsub = keep;
        trace(r, stage, post);
    }
    /* responses */
    snprintf(stage, sizeof(stage), "%s responses", where);
    struct json_value *responses = json_new_array(r->a);
    if (!responses)
        return -2;
    for (size_t k = 0; k < nsub; k++) {
        if ((rc = next_response(r, f->name, &resp[sub[k]])))
            return rc;
        if (push(r, responses, resp[sub[k]]))
            return -2;
    }
    if (nsub > 0)
        trace(r, stage, responses);
    /* postSubmit */
    snprintf(stage, sizeof(stage), "%s postSubmit", where);
    if (hook_fn(r, get(get(imp, "hooks"), "postSubmit"), stage, &fn))
        return -1;
    if (fn && nsub > 0) {
        struct json_value *opt = options_base(r, "_importId", ref, imp);
        if (!opt || set(r, opt, "preMapData", json_clone(r->a, pre)) ||
            set(r, opt, "postMapData", json_clone(r->a, post)) ||
            set(r, opt, "responseData", json_clone(r->a, responses)))
            return -2;
        struct json_value *ans;
        if ((rc = hook_call(r, stage, fn, opt, &ans)))
            return rc;
        if (!ans || ans->type != JSON_ARRAY || ans->len != nsub)
            return rfail(r, "%s: %s must answer the responseData array (%zu elements)", stage, fn,
                         nsub);
        for (size_t k = 0; k < nsub; k++) {
            if (!ans->u.items[k] || ans->u.items[k]->type != JSON_OBJECT)
                return rfail(r, "%s: %s answered element %zu that is not an object", stage, fn, k);
            resp[sub[k]] = ans->u.items[k];
        }
        responses = ans;
        trace(r, stage, responses);
    }
    for (size_t k = 0; k < nsub; k++) {
        const struct json_value *errs = get(resp[sub[k]], "errors");
        if (response_failed(resp[sub[k]])) {
            state[sub[k]] = REC_FAILED;
            if (errs && errs->type == JSON_ARRAY && errs->len > 0 &&
                (rc = add_error(r, stage, sub[k], errs)))
                return rc;
        }
    }
    struct json_value *entry = json_new_object(r->a);
    if (!entry || set(r, entry, "step", str(r, path)) || set(r, entry, "import", str(r, f->name)) ||
        set(r, entry, "postMapData", post) || set(r, entry, "responseData", responses) ||
        push(r, r->imports_out, entry))
        return -2;
    /* response mapping: the records that go on */
    bool proceed = json_truthy(get(pp, "proceedOnFailure"));
    struct json_value *out = json_new_array(r->a);
    if (!out)
        return -2;
    for (size_t i = 0; i < n; i++) {
        struct json_value *rec = records->u.items[i];
        if (state[i] == REC_FAILED && !proceed)
            continue;
        if (resp[i] && (rc = response_map(r, where, get(pp, "responseMapping"), resp[i], &rec)))
            return rc;
        if (push(r, out, rec))
            return -2;
    }
    snprintf(stage, sizeof(stage), "%s responseMapping", where);
    trace(r, stage, out);
    *next = out;
    return 0;
}

/* ---- a lookup step --------------------------------------------------------------------------- */

/* A lookup (export page processor): per record, its answer {"data": [...]} from the responses
 * file under the export's name, in order, else {"data": []}; an answer with errors fails the
 * record. Then the step's response mapping. */
static int lookup_step(struct run *r, const struct json_value *pp, const char *path,
                       struct json_value *records, struct json_value **next)
{
    const struct flows_file *f = resolve(r, get(pp, "_exportId"), FLOWS_EXPORT);
    if (!f)
        return rfail(r, "%s: the step's _exportId names no export of the folder", path);
    char where[400], stage[460];
    snprintf(where, sizeof(where), "%s exports/%s", path, f->name);
    const char *fn;
    if (hook_fn(r, get(get(f->value, "hooks"), "preSavePage"), where, &fn))
        return -1;
    if (fn)
        return rfail(r, "%s: a lookup's preSavePage hook is not run by flows run", where);
    bool proceed = json_truthy(get(pp, "proceedOnFailure"));
    struct json_value *answers = json_new_array(r->a), *out = json_new_array(r->a);
    if (!answers || !out)
        return -2;
    snprintf(stage, sizeof(stage), "%s lookup", where);
    for (size_t i = 0; i < records->len; i++) {
        struct json_value *u = json_object_get(r->used, f->name, strlen(f->name));
        size_t n = u ? (size_t)u->u.num : 0;
        if (set(r, r->used, f->name, json_new_number(r->a, (double)(n + 1))))
            return -2;
        const struct json_value *given = get(r->o->responses, f->name);
        struct json_value *ans;
        if (given && given->type == JSON_ARRAY && n < given->len) {
            ans = json_clone(r->a, given->u.items[n]);
            const struct json_value *d = get(ans, "data");
            if (!ans || ans->type != JSON_OBJECT || (d && d->type != JSON_ARRAY))
                return rfail(r, "responses: %s[%zu] must be {\"data\": [...]} (a lookup's answer)",
                             f->name, n);
        } else {
            ans = json_new_object(r->a);
            if (!ans || set(r, ans, "data", json_new_array(r->a)))
                return -2;
        }
        if (push(r, answers, ans))
            return -2;
        const struct json_value *errs = get(ans, "errors");
        struct json_value *rec = records->u.items[i];
        if (errs && errs->type == JSON_ARRAY && errs->len > 0) {
            int rc = add_error(r, stage, i, errs);
            if (rc)
                return rc;
            if (!proceed)
                continue;
        }
        int rc = response_map(r, where, get(pp, "responseMapping"), ans, &rec);
        if (rc)
            return rc;
        if (push(r, out, rec))
            return -2;
    }
    trace(r, stage, answers);
    snprintf(stage, sizeof(stage), "%s responseMapping", where);
    trace(r, stage, out);
    struct json_value *entry = json_new_object(r->a);
    if (!entry || set(r, entry, "step", str(r, path)) || set(r, entry, "lookup", str(r, f->name)) ||
        set(r, entry, "responseData", answers) || push(r, r->imports_out, entry))
        return -2;
    *next = out;
    return 0;
}

/* ---- page processors and routers ------------------------------------------------------------ */

static int run_router(struct run *r, const struct json_value *routers, const struct json_value *rt,
                      const char *path, struct json_value *records, int hops);

static int run_processors(struct run *r, const struct json_value *pps, const char *path,
                          struct json_value *records, struct json_value **out)
{
    if (pps && pps->type != JSON_ARRAY)
        return rfail(r, "%s: \"pageProcessors\" is not an array", path);
    for (size_t i = 0; pps && i < pps->len; i++) {
        const struct json_value *pp = pps->u.items[i];
        char p[300];
        snprintf(p, sizeof(p), "%s%s%zu", path, *path ? "." : "", i);
        const struct json_value *type = get(pp, "type");
        bool lookup = type && type->type == JSON_STRING && strcmp(type->u.str, "export") == 0;
        if (!get(pp, lookup ? "_exportId" : "_importId"))
            return rfail(r, "step %s: names no %s", p, lookup ? "_exportId" : "_importId");
        const char *fn;
        if (hook_fn(r, get(get(pp, "hooks"), "postResponseMap"), p, &fn))
            return -1;
        if (fn)
            return rfail(r, "step %s: postResponseMap hooks are not run by flows run", p);
        struct json_value *next = NULL;
        int rc = records->len == 0 ? (next = records, 0)
                 : lookup          ? lookup_step(r, pp, p, records, &next)
                                   : import_step(r, pp, p, records, &next);
        if (rc)
            return rc;
        records = next;
    }
    *out = records;
    return 0;
}

static const struct json_value *router_by_id(const struct json_value *routers,
                                             const struct json_value *id)
{
    for (size_t i = 0; routers && routers->type == JSON_ARRAY && i < routers->len; i++)
        if (json_equal(get(routers->u.items[i], "id"), id))
            return routers->u.items[i];
    return NULL;
}

/* The branch indexes a branching function picked for rec (in *idx, *nidx). */
static int branching(struct run *r, const struct json_value *rt, const char *where, const char *fn,
                     const struct json_value *rec, size_t nbranches, size_t *idx, size_t *nidx)
{
    struct json_value *opt = options_base(r, NULL, NULL, NULL);
    if (!opt || set(r, opt, "record", json_clone(r->a, rec)))
        return -2;
    (void)rt;
    struct json_value *ans;
    int rc = hook_call(r, where, fn, opt, &ans);
    if (rc)
        return rc;
    *nidx = 0;
    size_t n = ans->type == JSON_ARRAY ? ans->len : 1;
    for (size_t i = 0; i < n; i++) {
        const struct json_value *v = ans->type == JSON_ARRAY ? ans->u.items[i] : ans;
        if (v->type != JSON_NUMBER || v->u.num < 0 || v->u.num >= (double)nbranches ||
            v->u.num != (double)(size_t)v->u.num)
            return rfail(r, "%s: %s must answer a branch index or an array of them (0 to %zu)",
                         where, fn, nbranches - 1);
        if (*nidx < nbranches)
            idx[(*nidx)++] = (size_t)v->u.num;
    }
    return 0;
}

static int run_router(struct run *r, const struct json_value *routers, const struct json_value *rt,
                      const char *path, struct json_value *records, int hops)
{
    const struct json_value *id = get(rt, "id"), *branches = get(rt, "branches");
    char where[300];
    snprintf(where, sizeof(where), "%s%srouter %s", path, *path ? "/" : "",
             id && id->type == JSON_STRING ? id->u.str : "?");
    if (hops > RUN_ROUTER_HOPS)
        return rfail(r, "%s: routers chain past %d hops (a nextRouterId loop?)", where,
                     RUN_ROUTER_HOPS);
    if (!branches || branches->type != JSON_ARRAY || branches->len == 0)
        return rfail(r, "%s: has no branches", where);
    size_t nb = branches->len;
    const struct json_value *using = get(rt, "routeRecordsUsing"), *to = get(rt, "routeRecordsTo");
    bool script = using && using->type == JSON_STRING && strcmp(using->u.str, "script") == 0;
    bool all = to && to->type == JSON_STRING && strcmp(to->u.str, "all_matching_branches") == 0;
    const char *fn = NULL;
    if (script) {
        if (hook_fn(r, get(rt, "script"), where, &fn))
            return -1;
        if (!fn)
            return rfail(r, "%s: routes by script but names no function", where);
    }
    struct json_value **sets = arena_calloc(r->a, nb, sizeof(*sets));
    size_t *idx = arena_calloc(r->a, nb, sizeof(*idx));
    if (!sets || !idx)
        return -2;
    for (size_t b = 0; b < nb; b++)
        if (!(sets[b] = json_new_array(r->a)))
            return -2;
    for (size_t i = 0; i < records->len; i++) {
        const struct json_value *rec = records->u.items[i];
        size_t nidx = 0;
        if (script) {
            int rc = branching(r, rt, where, fn, rec, nb, idx, &nidx);
            if (rc)
                return rc;
            if (!all && nidx > 1)
                nidx = 1;
        } else {
            for (size_t b = 0; b < nb && (all || nidx == 0); b++) {
                bool match;
                char ferr[400];
                int rc = flows_filter_eval(r->a, get(branches->u.items[b], "inputFilter"), rec,
                                           &match, ferr, sizeof(ferr));
                if (rc == -2)
                    return -2;
                if (rc)
                    return rfail(r, "%s branch %zu: %s", where, b, ferr);
                if (match)
                    idx[nidx++] = b;
            }
        }
        for (size_t k = 0; k < nidx; k++)
            if (push(r, sets[idx[k]], (struct json_value *)rec))
                return -2;
    }
    for (size_t b = 0; b < nb; b++) {
        const struct json_value *br = branches->u.items[b];
        const struct json_value *bn = get(br, "name");
        char p[400], stage[460];
        snprintf(p, sizeof(p), "%s branch %zu", where, b);
        snprintf(stage, sizeof(stage), "%s (%s)", p,
                 bn && bn->type == JSON_STRING ? bn->u.str : "");
        trace(r, stage, sets[b]);
        if (sets[b]->len == 0)
            continue;
        struct json_value *out = NULL;
        int rc = run_processors(r, get(br, "pageProcessors"), p, sets[b], &out);
        if (rc)
            return rc;
        const struct json_value *nx = get(br, "nextRouterId"), *bpp = get(br, "pageProcessors");
        bool drops = (!bpp || (bpp->type == JSON_ARRAY && bpp->len == 0)) &&
                     (!nx || nx->type == JSON_NULL); /* a branch without steps drops its records */
        if (nx && nx->type != JSON_NULL) {
            const struct json_value *next = router_by_id(routers, nx);
            if (!next)
                return rfail(r, "%s: nextRouterId names no router of the flow", p);
            if ((rc = run_router(r, routers, next, p, out, hops + 1)))
                return rc;
            continue;
        }
        for (size_t i = 0; !drops && i < out->len; i++)
            if (push(r, r->records_out, out->u.items[i]))
                return -2;
    }
    return 0;
}

/* ---- the page generator --------------------------------------------------------------------- */

static int export_step(struct run *r, const struct json_value **records)
{
    const struct json_value *pgs = get(r->flow->value, "pageGenerators");
    const struct flows_file *f = NULL;
    for (size_t i = 0; pgs && pgs->type == JSON_ARRAY && i < pgs->len && !f; i++) {
        const struct flows_file *e = resolve(r, get(pgs->u.items[i], "_exportId"), FLOWS_EXPORT);
        if (e && (!r->o->export_name || strcmp(e->name, r->o->export_name) == 0))
            f = e;
    }
    if (!f)
        return r->o->export_name
                   ? rfail(r, "flows/%s: no page generator runs exports/%s", r->flow_name,
                           r->o->export_name)
                   : rfail(r, "flows/%s: has no page generator naming an export of the folder",
                           r->flow_name);
    char where[300], ref[160];
    snprintf(where, sizeof(where), "exports/%s preSavePage", f->name);
    snprintf(ref, sizeof(ref), "@exports/%s", f->name);
    trace(r, "input", *records);
    const char *fn;
    if (hook_fn(r, get(get(f->value, "hooks"), "preSavePage"), where, &fn))
        return -1;
    if (!fn)
        return 0;
    struct json_value *opt = options_base(r, "_exportId", ref, f->value), *ans;
    if (!opt || set(r, opt, "data", json_clone(r->a, *records)) ||
        set(r, opt, "errors", json_new_array(r->a)) ||
        set(r, opt, "pageIndex", json_new_number(r->a, 0)) ||
        (r->o->export_time && set(r, opt, "currentExportDateTime", str(r, r->o->export_time))))
        return -2;
    int rc = hook_call(r, where, fn, opt, &ans);
    if (rc)
        return rc;
    const struct json_value *d = get(ans, "data"), *errs = get(ans, "errors");
    if (!d || d->type != JSON_ARRAY)
        return rfail(r, "%s: %s must answer {\"data\": [...], \"errors\": [...]}", where, fn);
    if (errs && errs->type == JSON_ARRAY && errs->len > 0) {
        struct json_value *e = json_new_object(r->a);
        if (!e || set(r, e, "step", str(r, where)) || set(r, e, "errors", json_clone(r->a, errs)) ||
            push(r, r->errors_out, e))
            return -2;
    }
    /* records the hook took out of the page with their errors (retried in integrator.io) */
    const struct json_value *nr = get(ans, "newErrorsAndRetryData");
    for (size_t i = 0; nr && nr->type == JSON_ARRAY && i < nr->len; i++) {
        const struct json_value *el = nr->u.items[i];
        struct json_value *e = json_new_object(r->a);
        if (!e || set(r, e, "step", str(r, where)) ||
            set(r, e, "retryData",
                json_clone(r->a,
                           get(el, "retryData") ? get(el, "retryData") : json_new_null(r->a))) ||
            set(r, e, "errors",
                json_clone(r->a, get(el, "errors") ? get(el, "errors") : json_new_array(r->a))) ||
            push(r, r->errors_out, e))
            return -2;
    }
    for (size_t i = 0; i < d->len; i++)
        if (d->u.items[i]->type != JSON_OBJECT && d->u.items[i]->type != JSON_ARRAY)
            return rfail(r, "%s: %s answered data[%zu] that is not a record", where, fn, i);
    *records = d;
    trace(r, where, d);
    return 0;
}

/* Every import step of pps can run: its mapping is one the engine runs (checked before any
 * record moves, so a branch that gets no records in this run is checked too). */
static int check_processors(struct run *r, const struct json_value *pps)
{
    for (size_t i = 0; pps && pps->type == JSON_ARRAY && i < pps->len; i++) {
        const struct flows_file *f = resolve(r, get(pps->u.items[i], "_importId"), FLOWS_IMPORT);
        if (!f)
            continue; /* the step reports it when it runs */
        int rc;
        const struct json_value *mapping = import_mapping(r, f->name, f->value, &rc);
        if (rc)
            return rc;
        struct json_value *lookups = import_lookups(r, f->value);
        if (!lookups)
            return -2;
        char merr[512];
        if (flows_map_check(mapping, lookups, merr, sizeof(merr)) != FLOWS_MAP_OK)
            return rfail(r, "imports/%s: %s", f->name, merr);
    }
    return 0;
}

static int check_flow(struct run *r)
{
    const struct json_value *routers = get(r->flow->value, "routers");
    int rc = check_processors(r, get(r->flow->value, "pageProcessors"));
    for (size_t i = 0; rc == 0 && routers && routers->type == JSON_ARRAY && i < routers->len; i++) {
        const struct json_value *br = get(routers->u.items[i], "branches");
        for (size_t b = 0; rc == 0 && br && br->type == JSON_ARRAY && b < br->len; b++)
            rc = check_processors(r, get(br->u.items[b], "pageProcessors"));
    }
    const struct json_value *resp = r->o->responses;
    for (size_t i = 0; rc == 0 && resp && resp->type == JSON_OBJECT && i < resp->len; i++) {
        const struct json_member *m = &resp->u.members[i];
        if (!flows_set_find(r->o->set, FLOWS_IMPORT, m->key, m->key_len) &&
            !flows_set_find(r->o->set, FLOWS_EXPORT, m->key, m->key_len))
            return rfail(r, "responses: \"%.100s\" names no import or export of the folder",
                         m->key);
        if (m->value->type != JSON_ARRAY)
            return rfail(r, "responses: \"%.100s\" must be an array of responses", m->key);
    }
    return rc;
}

int flows_run(struct arena *a, const struct flows_run_opts *o, struct json_value **out, char *err,
              size_t errlen)
{
    struct run r = {.a = a, .o = o, .err = err, .errlen = errlen, .flow_name = o->flow};
    r.flow = flows_set_find(o->set, FLOWS_FLOW, o->flow, strlen(o->flow));
    if (!r.flow || !r.flow->value || r.flow->value->type != JSON_OBJECT)
        return rfail(&r, "flows/%s.json: no such flow in the folder (or not a JSON object)",
                     o->flow);
    if (!o->input || o->input->type != JSON_ARRAY)
        return rfail(&r, "the input is not a JSON array of records");
    for (size_t i = 0; i < o->input->len; i++)
        if (o->input->u.items[i]->type != JSON_OBJECT)
            return rfail(&r, "input record %zu is not a JSON object", i);
    r.imports_out = json_new_array(a);
    r.errors_out = json_new_array(a);
    r.records_out = json_new_array(a);
    r.used = json_new_object(a);
    if (!r.imports_out || !r.errors_out || !r.records_out || !r.used)
        return -2;
    const struct json_value *records = o->input;
    int rc = check_flow(&r);
    if (rc)
        return rc;
    rc = export_step(&r, &records);
    if (rc)
        return rc;
    struct json_value *page = json_clone(a, records);
    if (!page)
        return -2;
    const struct json_value *routers = get(r.flow->value, "routers");
    if (routers && routers->type == JSON_ARRAY && routers->len > 0) {
        rc = run_router(&r, routers, routers->u.items[0], "", page, 0);
    } else {
        struct json_value *outr = NULL;
        rc = run_processors(&r, get(r.flow->value, "pageProcessors"), "", page, &outr);
        for (size_t i = 0; rc == 0 && i < outr->len; i++)
            rc = push(&r, r.records_out, outr->u.items[i]);
    }
    if (rc)
        return rc;
    struct json_value *res = json_new_object(a);
    if (!res || set(&r, res, "flow", str(&r, o->flow)) || set(&r, res, "imports", r.imports_out) ||
        set(&r, res, "errors", r.errors_out) || set(&r, res, "records", r.records_out))
        return -2;
    *out = res;
    return 0;
}
