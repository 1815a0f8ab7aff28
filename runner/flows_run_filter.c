/* flows_run_filter.c — router branch input filters (filter rules version 1: prefix expressions
 * such as ["equals", ["string", ["extract", "status"]], "open"]) evaluated on one record, for
 * `hookstack flows run` (flows_run.h). Comparisons, empty checks, and/or/not, extract and the
 * string/number/boolean casts; anything else is refused by name. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flows_map.h"
#include "flows_run.h"

#define FILTER_DEPTH_MAX 64

struct feval {
    struct arena *a;
    const struct json_value *record;
    char *err;
    size_t errlen;
};

static int ffail(struct feval *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int ffail(struct feval *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->err, e->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static bool op_is(const struct json_value *op, const char *s)
{
    return op->len == strlen(s) && memcmp(op->u.str, s, op->len) == 0;
}

/* String() of a value into a (NULL, arrays and objects: empty string / JSON text is not needed:
 * they compare as "" here). */
static const char *text_of(struct arena *a, const struct json_value *v, size_t *n)
{
    char buf[JSON_NUMBER_MAX];
    *n = 0;
    if (!v)
        return "";
    switch (v->type) {
    case JSON_STRING:
        *n = v->len;
        return v->u.str;
    case JSON_NUMBER:
        *n = json_number_format(v->u.num, buf);
        return arena_strndup(a, buf, *n);
    case JSON_TRUE:
        *n = 4;
        return "true";
    case JSON_FALSE:
        *n = 5;
        return "false";
    default:
        return "";
    }
}

static double number_of(const struct json_value *v)
{
    if (!v)
        return NAN;
    if (v->type == JSON_NUMBER)
        return v->u.num;
    if (v->type == JSON_TRUE || v->type == JSON_FALSE)
        return v->type == JSON_TRUE;
    if (v->type == JSON_STRING && v->len > 0 && v->len < 64) {
        char b[64], *end;
        memcpy(b, v->u.str, v->len);
        b[v->len] = '\0';
        double d = strtod(b, &end);
        return *end == '\0' ? d : NAN;
    }
    return NAN;
}

static int value(struct feval *e, const struct json_value *x, int depth,
                 const struct json_value **out);

static int truth(struct feval *e, const struct json_value *x, int depth, bool *out);

static int compare(struct feval *e, const struct json_value *op, const struct json_value *x,
                   int depth, bool *out)
{
    if (x->len != 3)
        return ffail(e, "filter: \"%.40s\" takes two operands", op->u.str);
    const struct json_value *l, *r;
    if (value(e, x->u.items[1], depth, &l) || value(e, x->u.items[2], depth, &r))
        return -1;
    bool numeric = l && r && (l->type == JSON_NUMBER || r->type == JSON_NUMBER);
    int c;
    if (numeric) {
        double a = number_of(l), b = number_of(r);
        if (isnan(a) || isnan(b)) {
            *out = op_is(op, "notequals");
            if (op_is(op, "equals") || op_is(op, "notequals") || op_is(op, "greaterthan") ||
                op_is(op, "greaterthanequals") || op_is(op, "lessthan") ||
                op_is(op, "lessthanequals"))
                return 0;
        }
        c = a < b ? -1 : a > b;
    } else {
        size_t ln, rn;
        const char *ls = text_of(e->a, l, &ln), *rs = text_of(e->a, r, &rn);
        if (!ls || !rs)
            return -2;
        if (op_is(op, "startswith")) {
            *out = rn <= ln && memcmp(ls, rs, rn) == 0;
            return 0;
        }
        if (op_is(op, "endswith")) {
            *out = rn <= ln && memcmp(ls + ln - rn, rs, rn) == 0;
            return 0;
        }
        if (op_is(op, "contains") || op_is(op, "doesnotcontain")) {
            bool found = rn == 0;
            for (size_t i = 0; !found && i + rn <= ln; i++)
                found = memcmp(ls + i, rs, rn) == 0;
            *out = op_is(op, "contains") ? found : !found;
            return 0;
        }
        int m = memcmp(ls, rs, ln < rn ? ln : rn);
        c = m ? (m < 0 ? -1 : 1) : (ln < rn ? -1 : ln > rn);
    }
    if (op_is(op, "equals"))
        *out = c == 0;
    else if (op_is(op, "notequals"))
        *out = c != 0;
    else if (op_is(op, "greaterthan"))
        *out = c > 0;
    else if (op_is(op, "greaterthanequals"))
        *out = c >= 0;
    else if (op_is(op, "lessthan"))
        *out = c < 0;
    else if (op_is(op, "lessthanequals"))
        *out = c <= 0;
    else
        return ffail(e, "filter: \"%.40s\" cannot compare numbers", op->u.str);
    return 0;
}

static int value(struct feval *e, const struct json_value *x, int depth,
                 const struct json_value **out)
{
    if (depth > FILTER_DEPTH_MAX)
        return ffail(e, "filter: nested too deeply");
    if (x->type != JSON_ARRAY) {
        if (x->type == JSON_OBJECT)
            return ffail(e, "filter: an object is not an operand");
        *out = x;
        return 0;
    }
    const struct json_value *op = x->len ? x->u.items[0] : NULL;
    if (!op || op->type != JSON_STRING)
        return ffail(e, "filter: an expression must start with its operator's name");
    if (op_is(op, "extract")) {
        const struct json_value *p = x->len == 2 ? x->u.items[1] : NULL;
        int bad = 0;
        if (!p || p->type != JSON_STRING)
            return ffail(e, "filter: \"extract\" takes one field path");
        *out = flows_map_extract(e->record, p->u.str, p->len, &bad);
        if (bad)
            return ffail(e, "filter: extract \"%.80s\" is not a plain field path", p->u.str);
        return 0;
    }
    if (op_is(op, "string") || op_is(op, "number") || op_is(op, "boolean")) {
        if (x->len != 2)
            return ffail(e, "filter: \"%.20s\" takes one operand", op->u.str);
        const struct json_value *v;
        if (value(e, x->u.items[1], depth + 1, &v))
            return -1;
        struct json_value *r;
        if (op_is(op, "string")) {
            size_t n;
            const char *t = text_of(e->a, v, &n);
            r = t ? json_new_string(e->a, t, n) : NULL;
        } else if (op_is(op, "number")) {
            double d = number_of(v);
            r = isnan(d) ? json_new_null(e->a) : json_new_number(e->a, d);
        } else {
            r = json_new_bool(e->a, json_truthy(v) && !(v->type == JSON_STRING && v->len == 5 &&
                                                        memcmp(v->u.str, "false", 5) == 0));
        }
        if (!r)
            return -2;
        *out = r;
        return 0;
    }
    bool b;
    int rc = truth(e, x, depth + 1, &b);
    if (rc)
        return rc;
    *out = json_new_bool(e->a, b);
    return *out ? 0 : -2;
}

static int truth(struct feval *e, const struct json_value *x, int depth, bool *out)
{
    if (depth > FILTER_DEPTH_MAX)
        return ffail(e, "filter: nested too deeply");
    const struct json_value *op = x->type == JSON_ARRAY && x->len ? x->u.items[0] : NULL;
    if (!op || op->type != JSON_STRING) {
        *out = json_truthy(x);
        return 0;
    }
    if (op_is(op, "and") || op_is(op, "or")) {
        bool and = op_is(op, "and");
        *out = and;
        for (size_t i = 1; i < x->len; i++) {
            bool b;
            int rc = truth(e, x->u.items[i], depth + 1, &b);
            if (rc)
                return rc;
            if (and? !b : b) {
                *out = b;
                return 0;
            }
        }
        return 0;
    }
    if (op_is(op, "not")) {
        if (x->len != 2)
            return ffail(e, "filter: \"not\" takes one operand");
        int rc = truth(e, x->u.items[1], depth + 1, out);
        *out = !*out;
        return rc;
    }
    if (op_is(op, "empty") || op_is(op, "isempty") || op_is(op, "notempty") ||
        op_is(op, "isnotempty")) {
        if (x->len != 2)
            return ffail(e, "filter: \"%.20s\" takes one operand", op->u.str);
        const struct json_value *v;
        if (value(e, x->u.items[1], depth + 1, &v))
            return -1;
        bool empty = !v || v->type == JSON_NULL || (v->type == JSON_STRING && v->len == 0) ||
                     (v->type == JSON_ARRAY && v->len == 0);
        *out = (op_is(op, "empty") || op_is(op, "isempty")) ? empty : !empty;
        return 0;
    }
    static const char *const cmp[] = {
        "equals",         "notequals",  "greaterthan", "greaterthanequals", "lessthan",
        "lessthanequals", "startswith", "endswith",    "contains",          "doesnotcontain"};
    for (size_t i = 0; i < sizeof(cmp) / sizeof(cmp[0]); i++)
        if (op_is(op, cmp[i]))
            return compare(e, op, x, depth + 1, out);
    if (op_is(op, "extract") || op_is(op, "string") || op_is(op, "number") ||
        op_is(op, "boolean")) {
        const struct json_value *v;
        if (value(e, x, depth + 1, &v))
            return -1;
        *out = json_truthy(v);
        return 0;
    }
    return ffail(e, "filter: the operator \"%.40s\" is not supported by flows run", op->u.str);
}

int flows_filter_eval(struct arena *a, const struct json_value *filter,
                      const struct json_value *record, bool *match, char *err, size_t errlen)
{
    struct feval e = {.a = a, .record = record, .err = err, .errlen = errlen};
    *match = true;
    if (!filter || filter->type == JSON_NULL)
        return 0;
    if (filter->type != JSON_OBJECT)
        return ffail(&e, "filter: is not an object");
    const struct json_value *t = json_object_get(filter, "type", 4);
    if (t) {
        if (t->type != JSON_STRING || !op_is(t, "expression"))
            return ffail(&e, "filter: only expression filters run locally (a script filter "
                             "runs integrator.io's JavaScript)");
        filter = json_object_get(filter, "expression", 10);
        if (!filter || filter->type != JSON_OBJECT)
            return ffail(&e, "filter: \"expression\" is not an object");
    }
    const struct json_value *v = json_object_get(filter, "version", 7);
    if (v && !(v->type == JSON_STRING && op_is(v, "1")))
        return ffail(&e, "filter: only rules version \"1\" are supported");
    const struct json_value *rules = json_object_get(filter, "rules", 5);
    if (!rules || (rules->type == JSON_ARRAY && rules->len == 0))
        return 0;
    return truth(&e, rules, 0, match);
}
