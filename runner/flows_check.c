/* flows_check.c — the checks of `hookstack flows validate` (flows_check.h, docs/flows.md). Each
 * finding is located in its file by the path of the value it is about (flows_locate.h). */
#include "flows_check.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hookstack.h"
#include "kind.h"

struct ck {
    struct flows_set *s;
    const struct flows_fns *fns;
    const struct flows_file *f;
    struct flows_path p;
};

/* ---- paths ---------------------------------------------------------------------------------- */

static void push_key(struct ck *c, const char *key)
{
    if (c->p.n < FLOWS_PATH_MAX)
        c->p.seg[c->p.n] = (struct flows_seg){.key = key, .klen = strlen(key)};
    c->p.n++;
}

static void push_keyn(struct ck *c, const char *key, size_t n)
{
    if (c->p.n < FLOWS_PATH_MAX)
        c->p.seg[c->p.n] = (struct flows_seg){.key = key, .klen = n};
    c->p.n++;
}

static void push_idx(struct ck *c, size_t i)
{
    if (c->p.n < FLOWS_PATH_MAX)
        c->p.seg[c->p.n] = (struct flows_seg){.key = NULL, .index = i};
    c->p.n++;
}

static void pop(struct ck *c)
{
    c->p.n--;
}

static void report(struct ck *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(struct ck *c, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    struct flows_path p = c->p;
    if (p.n > FLOWS_PATH_MAX)
        p.n = FLOWS_PATH_MAX;
    flows_report(c->s, c->f, &p, "%s", msg);
}

/* "a.b[2].c" of the current path, for messages. */
static const char *path_text(const struct ck *c, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < c->p.n && i < FLOWS_PATH_MAX && len < n; i++) {
        const struct flows_seg *g = &c->p.seg[i];
        if (g->key)
            len +=
                (size_t)snprintf(out + len, n - len, "%s%.*s", i ? "." : "", (int)g->klen, g->key);
        else
            len += (size_t)snprintf(out + len, n - len, "[%zu]", g->index);
    }
    return out;
}

/* ---- references ----------------------------------------------------------------------------- */

static const struct {
    const char *key;
    enum flows_type type;
} ref_keys[] = {
    {"_connectionId", FLOWS_CONNECTION},
    {"_borrowConcurrencyFromConnectionId", FLOWS_CONNECTION},
    {"_registeredConnectionIds", FLOWS_CONNECTION},
    {"_exportId", FLOWS_EXPORT},
    {"_keepDeltaBehindExportId", FLOWS_EXPORT},
    {"_importId", FLOWS_IMPORT},
    {"_flowId", FLOWS_FLOW},
    {"_runNextFlowIds", FLOWS_FLOW},
    {"_keepDeltaBehindFlowId", FLOWS_FLOW},
    {"_scriptId", FLOWS_SCRIPT},
    {"_stackId", FLOWS_STACK},
};

int flows_ref_key_type(const char *key, size_t n)
{
    for (size_t i = 0; i < sizeof(ref_keys) / sizeof(ref_keys[0]); i++)
        if (strlen(ref_keys[i].key) == n && memcmp(ref_keys[i].key, key, n) == 0)
            return (int)ref_keys[i].type;
    return -1;
}

int flows_ref_parse(const char *v, size_t n, enum flows_type *type, const char **name, size_t *nlen)
{
    if (n < 3 || v[0] != '@')
        return -1;
    const char *slash = memchr(v, '/', n);
    if (!slash)
        return -1;
    int t = flows_type_from_dir(v + 1, (size_t)(slash - v - 1));
    if (t < 0 || t == FLOWS_ENVIRONMENT)
        return -1;
    *type = (enum flows_type)t;
    *name = slash + 1;
    *nlen = n - (size_t)(slash + 1 - v);
    return flows_name_valid(*name, *nlen) ? 0 : -1;
}

/* A reference value v under a key pointing at want: null, or "@TYPE/NAME" of an existing file. */
static void check_ref(struct ck *c, const struct json_value *v, enum flows_type want)
{
    if (v->type == JSON_NULL)
        return;
    char where[512];
    if (v->type != JSON_STRING) {
        report(c, "%s must be a reference \"@%s/NAME\" or null", path_text(c, where, sizeof(where)),
               flows_type_dir(want));
        return;
    }
    enum flows_type t;
    const char *name;
    size_t nlen;
    if (flows_ref_parse(v->u.str, v->len, &t, &name, &nlen) != 0) {
        report(c, "%s is \"%.*s\", not a reference \"@%s/NAME\" (ids live in environments/)",
               path_text(c, where, sizeof(where)), (int)(v->len > 80 ? 80 : v->len), v->u.str,
               flows_type_dir(want));
        return;
    }
    if (t != want) {
        report(c, "%s points at %s/, it must point at %s/", path_text(c, where, sizeof(where)),
               flows_type_dir(t), flows_type_dir(want));
        return;
    }
    if (!flows_set_find(c->s, t, name, nlen))
        report(c, "%s: dangling reference \"%.*s\": there is no %s/%.*s.json",
               path_text(c, where, sizeof(where)), (int)v->len, v->u.str, flows_type_dir(t),
               (int)nlen, name);
}

static void walk_refs(struct ck *c, const struct json_value *v, unsigned depth)
{
    if (depth > 200)
        return;
    if (v->type == JSON_ARRAY) {
        for (size_t i = 0; i < v->len; i++) {
            push_idx(c, i);
            walk_refs(c, v->u.items[i], depth + 1);
            pop(c);
        }
        return;
    }
    if (v->type != JSON_OBJECT)
        return;
    for (size_t i = 0; i < v->len; i++) {
        const struct json_member *m = &v->u.members[i];
        push_keyn(c, m->key, m->key_len);
        int t = flows_ref_key_type(m->key, m->key_len);
        if (t >= 0 && m->value->type == JSON_ARRAY) {
            for (size_t k = 0; k < m->value->len; k++) {
                push_idx(c, k);
                check_ref(c, m->value->u.items[k], (enum flows_type)t);
                pop(c);
            }
        } else if (t >= 0) {
            check_ref(c, m->value, (enum flows_type)t);
        } else {
            walk_refs(c, m->value, depth + 1);
        }
        pop(c);
    }
}

/* ---- required fields ------------------------------------------------------------------------ */

static const struct json_value *get(const struct json_value *o, const char *k)
{
    return o && o->type == JSON_OBJECT ? json_object_get(o, k, strlen(k)) : NULL;
}

static bool is_str(const struct json_value *v)
{
    return v && v->type == JSON_STRING && v->len > 0;
}

/* A non-empty string field k of o (o at the current path). */
static bool need_str(struct ck *c, const struct json_value *o, const char *k, const char *what)
{
    if (is_str(get(o, k)))
        return true;
    char where[512];
    path_text(c, where, sizeof(where));
    if (get(o, k))
        push_key(c, k);
    report(c, "%s%s%s must be a non-empty string (%s)", where, where[0] ? "." : "", k, what);
    if (get(o, k))
        pop(c);
    return false;
}

/* ---- hooks ---------------------------------------------------------------------------------- */

/* The hook block at the current path (value b) for a point that needs want. */
static void check_hook(struct ck *c, const struct json_value *b, const char *point, hs_kind want)
{
    char where[512];
    path_text(c, where, sizeof(where));
    if (b->type != JSON_OBJECT) {
        report(c,
               "%s must be an object {\"_stackId\", \"function\"} or {\"_scriptId\", \"function\"}",
               where);
        return;
    }
    const struct json_value *fn = get(b, "function"), *stack = get(b, "_stackId"),
                            *script = get(b, "_scriptId");
    bool has_stack = stack && stack->type != JSON_NULL;
    bool has_script = script && script->type != JSON_NULL;
    if ((!fn || fn->type == JSON_NULL) && !has_stack && !has_script)
        return; /* an unset hook */
    if (!is_str(fn)) {
        need_str(c, b, "function", "the function the hook calls");
        return;
    }
    if (has_stack == has_script) {
        report(c, "%s names %s: a hook runs on a stack (_stackId) or a script (_scriptId)", where,
               has_stack ? "both _stackId and _scriptId" : "neither _stackId nor _scriptId");
        return;
    }
    if (has_script)
        return; /* JavaScript in integrator.io: not ours to check */
    int k = c->fns->kind_of(c->fns->arg, fn->u.str, fn->len);
    push_key(c, "function");
    if (k < 0)
        report(c, "%s: hook %s names %s, which no loaded module registers", where, point,
               fn->u.str);
    else if (k != (int)want)
        report(c, "%s: hook %s names %s, a %s function; this hook point needs a %s function", where,
               point, fn->u.str, kind_name((hs_kind)k), kind_name(want));
    pop(c);
}

/* hooks of an export or an import: every member is a known point of that resource. */
static void check_hooks(struct ck *c, const struct json_value *hooks, const char *const *points,
                        const hs_kind *kinds, const char *resource)
{
    if (!hooks)
        return;
    push_key(c, "hooks");
    if (hooks->type != JSON_OBJECT) {
        report(c, "hooks must be an object");
        pop(c);
        return;
    }
    for (size_t i = 0; i < hooks->len; i++) {
        const struct json_member *m = &hooks->u.members[i];
        push_keyn(c, m->key, m->key_len);
        size_t k = 0;
        while (points[k] &&
               !(strlen(points[k]) == m->key_len && memcmp(points[k], m->key, m->key_len) == 0))
            k++;
        if (points[k])
            check_hook(c, m->value, points[k], kinds[k]);
        else
            report(c, "hooks.%.*s is not a hook point of %s", (int)m->key_len, m->key, resource);
        pop(c);
    }
    pop(c);
}

/* ---- /v1/hooks/{function} calls ------------------------------------------------------------- */

#define HOOKS_PREFIX "/v1/hooks/"

static void check_uri(struct ck *c, const struct json_value *u)
{
    if (!u || u->type != JSON_STRING)
        return;
    size_t pl = strlen(HOOKS_PREFIX);
    if (u->len < pl || memcmp(u->u.str, HOOKS_PREFIX, pl) != 0)
        return;
    const char *fn = u->u.str + pl;
    size_t n = strcspn(fn, "/?#{");
    if (n == 0) {
        report(c, "%s names no function", u->u.str);
        return;
    }
    int k = c->fns->kind_of(c->fns->arg, fn, n);
    if (k < 0)
        report(c, "HTTP call %s: no loaded module registers %.*s", u->u.str, (int)n, fn);
    else if (k == HS_KIND_WRAPPER || k == HS_KIND_SETTING || k == HS_KIND_INSTALLER ||
             k == HS_KIND_UNINSTALLER || k == HS_KIND_POST_AGGREGATE)
        report(c, "HTTP call %s: %.*s is a %s function, which /v1/hooks does not serve", u->u.str,
               (int)n, fn, kind_name((hs_kind)k));
}

/* http.relativeURI (a string on exports, an array on imports) and the legacy rest block. */
static void check_http(struct ck *c, const struct json_value *r)
{
    static const char *const blocks[] = {"http", "rest", NULL};
    for (size_t b = 0; blocks[b]; b++) {
        const struct json_value *h = get(r, blocks[b]);
        const struct json_value *u = get(h, "relativeURI");
        if (!u)
            continue;
        push_key(c, blocks[b]);
        push_key(c, "relativeURI");
        if (u->type == JSON_ARRAY) {
            for (size_t i = 0; i < u->len; i++) {
                push_idx(c, i);
                check_uri(c, u->u.items[i]);
                pop(c);
            }
        } else {
            check_uri(c, u);
        }
        pop(c);
        pop(c);
    }
}

/* ---- mapping lookups ------------------------------------------------------------------------ */

/* True when some array under a key "lookups" anywhere in v holds an object named name. */
static bool lookup_defined(const struct json_value *v, const struct json_value *name,
                           unsigned depth)
{
    if (depth > 200)
        return false;
    if (v->type == JSON_ARRAY) {
        for (size_t i = 0; i < v->len; i++)
            if (lookup_defined(v->u.items[i], name, depth + 1))
                return true;
        return false;
    }
    if (v->type != JSON_OBJECT)
        return false;
    for (size_t i = 0; i < v->len; i++) {
        const struct json_member *m = &v->u.members[i];
        if (m->key_len == 7 && memcmp(m->key, "lookups", 7) == 0 && m->value->type == JSON_ARRAY) {
            for (size_t k = 0; k < m->value->len; k++)
                if (json_equal(get(m->value->u.items[k], "name"), name))
                    return true;
        } else if (lookup_defined(m->value, name, depth + 1)) {
            return true;
        }
    }
    return false;
}

/* Every "lookupName" of a mapping names a lookup the import defines. */
static void check_lookup_names(struct ck *c, const struct json_value *root,
                               const struct json_value *v, unsigned depth)
{
    if (depth > 200)
        return;
    if (v->type == JSON_ARRAY) {
        for (size_t i = 0; i < v->len; i++) {
            push_idx(c, i);
            check_lookup_names(c, root, v->u.items[i], depth + 1);
            pop(c);
        }
        return;
    }
    if (v->type != JSON_OBJECT)
        return;
    for (size_t i = 0; i < v->len; i++) {
        const struct json_member *m = &v->u.members[i];
        push_keyn(c, m->key, m->key_len);
        if (m->key_len == 10 && memcmp(m->key, "lookupName", 10) == 0) {
            if (m->value->type == JSON_STRING && !lookup_defined(root, m->value, 0))
                report(c, "lookupName \"%.*s\" names no lookup of this import (its \"lookups\")",
                       (int)(m->value->len > 80 ? 80 : m->value->len), m->value->u.str);
        } else {
            check_lookup_names(c, root, m->value, depth + 1);
        }
        pop(c);
    }
}

/* ---- per type ------------------------------------------------------------------------------- */

static void check_export(struct ck *c, const struct json_value *r)
{
    need_str(c, r, "name", "the export's name");
    bool listener = false;
    if (need_str(c, r, "adaptorType", "HTTPExport, NetSuiteExport, SalesforceExport, ...")) {
        const char *t = get(r, "adaptorType")->u.str;
        listener = strcmp(t, "WebhookExport") == 0 || strcmp(t, "SimpleExport") == 0;
    }
    if (!listener)
        need_str(c, r, "_connectionId", "a reference \"@connections/NAME\"");
    static const char *const points[] = {"preSavePage", NULL};
    static const hs_kind kinds[] = {HS_KIND_PRE_SAVE_PAGE};
    check_hooks(c, get(r, "hooks"), points, kinds, "an export");
    check_http(c, r);
}

static void check_import(struct ck *c, const struct json_value *r)
{
    need_str(c, r, "name", "the import's name");
    need_str(c, r, "_connectionId", "a reference \"@connections/NAME\"");
    if (need_str(c, r, "adaptorType",
                 "HTTPImport, NetSuiteDistributedImport, SalesforceImport, ...")) {
        const char *t = get(r, "adaptorType")->u.str;
        const char *block = NULL, *const *req = NULL;
        static const char *const ns[] = {"operation", "recordType", NULL};
        static const char *const sf[] = {"sObjectType", "operation", "api", NULL};
        if (strcmp(t, "NetSuiteDistributedImport") == 0) {
            block = "netsuite_da";
            req = ns;
        } else if (strcmp(t, "SalesforceImport") == 0) {
            block = "salesforce";
            req = sf;
        }
        if (block && get(r, block) && get(r, block)->type == JSON_OBJECT) {
            push_key(c, block);
            for (size_t i = 0; req[i]; i++)
                need_str(c, get(r, block), req[i], "required on this import");
            pop(c);
        } else if (block) {
            report(c, "a %s needs its %s block", t, block);
        }
    }
    if (get(r, "mapping") && get(r, "mappings"))
        report(c, "an import has mapping (Mapper 1.0) or mappings (Mapper 2.0), never both");
    static const char *const points[] = {"preMap", "postMap", "postSubmit", "postAggregate", NULL};
    static const hs_kind kinds[] = {HS_KIND_PRE_MAP, HS_KIND_POST_MAP, HS_KIND_POST_SUBMIT,
                                    HS_KIND_POST_AGGREGATE};
    check_hooks(c, get(r, "hooks"), points, kinds, "an import");
    check_http(c, r);
    check_lookup_names(c, r, r, 0);
}

static void check_processors(struct ck *c, const struct json_value *pps)
{
    if (pps->type != JSON_ARRAY) {
        report(c, "pageProcessors must be an array");
        return;
    }
    for (size_t i = 0; i < pps->len; i++) {
        const struct json_value *pp = pps->u.items[i];
        push_idx(c, i);
        const struct json_value *t = get(pp, "type");
        if (!is_str(t) || (strcmp(t->u.str, "export") != 0 && strcmp(t->u.str, "import") != 0)) {
            report(c, "a page processor's type is \"export\" (a lookup) or \"import\"");
        } else {
            bool imp = strcmp(t->u.str, "import") == 0;
            need_str(c, pp, imp ? "_importId" : "_exportId",
                     imp ? "the import this step runs" : "the lookup this step runs");
        }
        const struct json_value *h = get(pp, "hooks");
        if (h) {
            static const char *const points[] = {"postResponseMap", NULL};
            static const hs_kind kinds[] = {HS_KIND_POST_RESPONSE_MAP};
            check_hooks(c, h, points, kinds, "a page processor");
        }
        pop(c);
    }
}

static void check_routers(struct ck *c, const struct json_value *routers)
{
    if (routers->type != JSON_ARRAY) {
        report(c, "routers must be an array");
        return;
    }
    for (size_t i = 0; i < routers->len; i++) {
        const struct json_value *r = routers->u.items[i];
        push_idx(c, i);
        if (need_str(c, r, "id", "the router's id, unique in the flow")) {
            const struct json_value *id = get(r, "id");
            for (size_t k = 0; k < i; k++) {
                const struct json_value *o = get(routers->u.items[k], "id");
                if (is_str(o) && json_equal(o, id)) {
                    push_key(c, "id");
                    report(c, "router id \"%s\" is already the id of routers[%zu]", id->u.str, k);
                    pop(c);
                }
            }
        }
        const struct json_value *using = get(r, "routeRecordsUsing");
        bool script = is_str(using) && strcmp(using->u.str, "script") == 0;
        if (using && !script && !(is_str(using) && strcmp(using->u.str, "input_filters") == 0)) {
            push_key(c, "routeRecordsUsing");
            report(c, "routeRecordsUsing is \"input_filters\" or \"script\"");
            pop(c);
        }
        const struct json_value *s = get(r, "script");
        if (script && !s)
            report(c, "a router with routeRecordsUsing \"script\" needs script {\"_stackId\", "
                      "\"function\"}");
        if (s && script) {
            push_key(c, "script");
            check_hook(c, s, "branching", HS_KIND_BRANCHING);
            pop(c);
        }
        const struct json_value *branches = get(r, "branches");
        if (!branches || branches->type != JSON_ARRAY || branches->len == 0) {
            report(c, "a router needs branches, a non-empty array");
            pop(c);
            continue;
        }
        push_key(c, "branches");
        for (size_t b = 0; b < branches->len; b++) {
            const struct json_value *br = branches->u.items[b];
            push_idx(c, b);
            const struct json_value *pps = get(br, "pageProcessors");
            if (pps) {
                push_key(c, "pageProcessors");
                check_processors(c, pps);
                pop(c);
            }
            const struct json_value *next = get(br, "nextRouterId");
            if (next && next->type != JSON_NULL) {
                bool found = false;
                for (size_t k = 0; is_str(next) && k < routers->len; k++)
                    found = found || json_equal(get(routers->u.items[k], "id"), next);
                if (!found) {
                    push_key(c, "nextRouterId");
                    report(c, "nextRouterId names no router of this flow");
                    pop(c);
                }
            }
            pop(c);
        }
        pop(c);
        pop(c);
    }
}

static void check_flow(struct ck *c, const struct json_value *r)
{
    need_str(c, r, "name", "the flow's name");
    const struct json_value *pg = get(r, "pageGenerators");
    if (!pg || pg->type != JSON_ARRAY || pg->len == 0) {
        if (pg)
            push_key(c, "pageGenerators");
        report(c, "a flow needs pageGenerators, a non-empty array of {\"_exportId\"}");
        if (pg)
            pop(c);
    } else {
        push_key(c, "pageGenerators");
        for (size_t i = 0; i < pg->len; i++) {
            push_idx(c, i);
            need_str(c, pg->u.items[i], "_exportId", "the export that feeds the flow");
            pop(c);
        }
        pop(c);
    }
    const struct json_value *pps = get(r, "pageProcessors"), *routers = get(r, "routers");
    if (pps && routers) {
        push_key(c, "pageProcessors");
        report(c, "\"pageProcessors\" is not allowed when \"routers\" is present");
        pop(c);
    } else if (!pps && !routers) {
        report(c, "a flow needs pageProcessors or routers");
    }
    if (pps) {
        push_key(c, "pageProcessors");
        check_processors(c, pps);
        pop(c);
    }
    if (routers) {
        push_key(c, "routers");
        check_routers(c, routers);
        pop(c);
    }
}

static void check_stack(struct ck *c, const struct json_value *r)
{
    need_str(c, r, "name", "the stack's name");
    if (need_str(c, r, "type", "\"server\" or \"lambda\"") &&
        strcmp(get(r, "type")->u.str, "server") == 0) {
        if (get(r, "server")) {
            push_key(c, "server");
            need_str(c, get(r, "server"), "hostURI", "the runner's base URL");
            pop(c);
        } else {
            report(c, "a server stack needs server {\"hostURI\"}");
        }
    }
}

static void check_environment(struct ck *c, const struct json_value *r)
{
    need_str(c, r, "name", "the environment's name");
    const struct json_value *region = get(r, "region");
    if (need_str(c, r, "region", "\"US\" or \"EU\"") && strcmp(region->u.str, "US") != 0 &&
        strcmp(region->u.str, "EU") != 0) {
        push_key(c, "region");
        report(c, "region is \"US\" or \"EU\", not \"%s\"", region->u.str);
        pop(c);
    }
    const struct json_value *ids = get(r, "ids");
    if (!ids || ids->type != JSON_OBJECT) {
        report(c, "an environment needs ids, an object {\"@TYPE/NAME\": \"integrator.io id\"}");
        return;
    }
    push_key(c, "ids");
    for (size_t i = 0; i < ids->len; i++) {
        const struct json_member *m = &ids->u.members[i];
        push_keyn(c, m->key, m->key_len);
        enum flows_type t;
        const char *name;
        size_t nlen;
        bool integ = m->key_len == 12 && memcmp(m->key, "@integration", 12) == 0;
        if (!integ && flows_ref_parse(m->key, m->key_len, &t, &name, &nlen) != 0)
            report(c, "ids key \"%.*s\" is not \"@integration\" or a reference \"@TYPE/NAME\"",
                   (int)m->key_len, m->key);
        else if (!integ && !flows_set_find(c->s, t, name, nlen))
            report(c, "ids key \"%.*s\" names no resource of the folder", (int)m->key_len, m->key);
        if (!is_str(m->value))
            report(c, "the id of \"%.*s\" must be a non-empty string", (int)m->key_len, m->key);
        pop(c);
    }
    pop(c);
}

static void check_canonical(struct ck *c)
{
    struct arena *a = arena_new(64 * 1024, 0);
    struct json_buf b;
    json_buf_init(&b, 0);
    struct json_error err = {0};
    if (!a || flows_canon_text(a, c->f->type, c->f->text, c->f->len, &b, &err) != 0) {
        c->s->nomem = c->s->nomem || !a || err.message[0] == '\0';
    } else if (b.len != c->f->len || memcmp(b.data, c->f->text, b.len) != 0) {
        size_t i = 0, n = b.len < c->f->len ? b.len : c->f->len;
        while (i < n && b.data[i] == c->f->text[i])
            i++;
        while (i > 0 && c->f->text[i - 1] != '\n')
            i--; /* report the line, from its start */
        uint32_t line, col;
        flows_offset_pos(c->f->text, c->f->len, i, &line, &col);
        flows_report_at(c->s, c->f->path, line, col,
                        "not in canonical form from this line on (`hookstack flows fmt` rewrites "
                        "it; docs/flows.md)");
    }
    json_buf_free(&b);
    arena_free(a);
}

int flows_check(struct flows_set *s, const struct flows_fns *fns)
{
    for (size_t i = 0; i < s->nfiles; i++) {
        struct ck c = {.s = s, .fns = fns, .f = &s->files[i]};
        const struct json_value *r = c.f->value;
        if (!r)
            continue;
        check_canonical(&c);
        switch (c.f->type) {
        case FLOWS_INTEGRATION:
        case FLOWS_SCRIPT:
            need_str(&c, r, "name", "its name in integrator.io");
            break;
        case FLOWS_CONNECTION:
            need_str(&c, r, "name", "the connection's name");
            need_str(&c, r, "type", "http, netsuite, salesforce, wrapper, ...");
            break;
        case FLOWS_EXPORT:
            check_export(&c, r);
            break;
        case FLOWS_IMPORT:
            check_import(&c, r);
            break;
        case FLOWS_FLOW:
            check_flow(&c, r);
            break;
        case FLOWS_STACK:
            check_stack(&c, r);
            break;
        case FLOWS_ENVIRONMENT:
            check_environment(&c, r);
            break;
        case FLOWS_NTYPES:
            break;
        }
        if (c.f->type != FLOWS_ENVIRONMENT)
            walk_refs(&c, r, 0);
    }
    return s->nomem ? -1 : 0;
}
