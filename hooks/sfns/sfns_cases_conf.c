/* sfns_cases_conf.c — reads settings.sfns.cases strictly for sfnsCaseToActivity (see
 * docs/sfns-settings.md, "Cases"): whether Service Cloud is on, which NetSuite activity a Case
 * becomes, the status and priority maps (over the built-in maps of each activity, whose values
 * task and phone call restrict to NetSuite's own list), and the billing and warranty flags. */
#include "sfns_cases.h"

#include "sfns_text.h"

#include <string.h>

static const char *const cases_keys[] = {
    "serviceCloud",    "activity",    "statusMap", "defaultStatus", "priorityMap",
    "defaultPriority", "linkContact", "billing",   "warranty",      NULL,
};
static const char *const flag_keys[] = {"field", "types", "flagField", NULL};
static const char *const activities[] = {"supportcase", "task", "phonecall", NULL};

/* A built-in map: Salesforce value -> NetSuite value, NULL-terminated pairs. */
typedef struct pair {
    const char *sf, *ns;
} pair;

/* NetSuite's standard support case statuses (internal ids): 1 Not Started, 2 In Progress,
 * 3 Escalated, 4 Re-Opened, 5 Closed; priorities 1 High, 2 Medium, 3 Low. */
static const pair case_status[] = {
    {"New", "1"}, {"Working", "2"}, {"Escalated", "3"}, {"Closed", "5"}, {NULL, NULL}};
static const pair case_priority[] = {{"High", "1"}, {"Medium", "2"}, {"Low", "3"}, {NULL, NULL}};
/* Task and phone call statuses and priorities are fixed lists (SuiteScript values). */
static const pair task_status[] = {{"New", "NOTSTART"},
                                   {"Working", "PROGRESS"},
                                   {"Escalated", "PROGRESS"},
                                   {"Closed", "COMPLETE"},
                                   {NULL, NULL}};
static const pair call_status[] = {{"New", "SCHEDULED"},
                                   {"Working", "SCHEDULED"},
                                   {"Escalated", "SCHEDULED"},
                                   {"Closed", "COMPLETE"},
                                   {NULL, NULL}};
static const pair activity_priority[] = {
    {"High", "HIGH"}, {"Medium", "MEDIUM"}, {"Low", "LOW"}, {NULL, NULL}};

static const char *const task_statuses[] = {"NOTSTART", "PROGRESS", "COMPLETE", NULL};
static const char *const call_statuses[] = {"SCHEDULED", "COMPLETE", NULL};
static const char *const priorities[] = {"HIGH", "MEDIUM", "LOW", NULL};

static const pair *builtin_status(sfns_activity a)
{
    return a == SFNS_ACTIVITY_TASK        ? task_status
           : a == SFNS_ACTIVITY_PHONECALL ? call_status
                                          : case_status;
}

static const pair *builtin_priority(sfns_activity a)
{
    return a == SFNS_ACTIVITY_SUPPORTCASE ? case_priority : activity_priority;
}

/* The values NetSuite allows for the activity's status (NULL: any internal id). */
static const char *const *allowed_status(sfns_activity a)
{
    return a == SFNS_ACTIVITY_TASK        ? task_statuses
           : a == SFNS_ACTIVITY_PHONECALL ? call_statuses
                                          : NULL;
}

static const char *const *allowed_priority(sfns_activity a)
{
    return a == SFNS_ACTIVITY_SUPPORTCASE ? NULL : priorities;
}

static int in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i] != NULL; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

static const char *list_text(hs_ctx *ctx, const char *const *list)
{
    const char *out = "";
    for (size_t i = 0; list[i] != NULL && out != NULL; i++)
        out = sfns_api->sprintf(ctx, "%s%s\"%s\"", out, i ? ", " : "", list[i]);
    return out ? out : "?";
}

/* A value of a map or a default (`what` says which) must be one NetSuite allows for the
 * activity's `field` ("status" or "priority"). */
static void check_value(sfns_conf *s, const char *key, const char *what, const char *value,
                        const char *field, const char *const *allowed, const char *record_type)
{
    if (allowed == NULL || value == NULL || in_list(allowed, value))
        return;
    sfns_conf_invalid(s, key,
                      "%s\"%s\" is not a %s value NetSuite accepts for a %s (use one of %s)", what,
                      value, field, record_type, list_text(s->ctx, allowed));
}

static const hs_json *read_map(sfns_conf *s, const char *key, const char *field,
                               const char *const *allowed, const char *record_type)
{
    const hs_json *m = sfns_conf_id_map(s, key);
    size_t n = m ? sfns_api->json_len(m) : 0;
    for (size_t i = 0; i < n && s->error == NULL; i++) {
        size_t len = 0;
        const char *k = sfns_api->json_key_at(m, i, &len);
        const char *what = sfns_api->sprintf(s->ctx, "the value of \"%.*s\", ", (int)len, k);
        check_value(s, key, what ? what : "", sfns_id_text(s->ctx, sfns_api->json_value_at(m, i)),
                    field, allowed, record_type);
    }
    return m;
}

static void read_flag(sfns_conf *s, const char *key, const char *def_field, sfns_case_flag *f)
{
    memset(f, 0, sizeof(*f));
    if (sfns_conf_get(s, key) == NULL)
        return;
    sfns_conf g;
    sfns_conf_open_child(&g, s, key, flag_keys);
    f->field = sfns_conf_string(&g, "field", def_field);
    if (g.error == NULL && f->field[0] == '\0')
        sfns_conf_invalid(&g, "field", "must name a NetSuite field (a non-empty string)");
    f->flag_field = sfns_conf_string(&g, "flagField", NULL);
    if (g.error == NULL && f->flag_field != NULL && f->flag_field[0] == '\0')
        sfns_conf_invalid(&g, "flagField",
                          "must name a Salesforce Case field (a non-empty "
                          "string such as \"Billable__c\")");
    const hs_json *types = sfns_conf_typed(&g, "types", HS_JSON_ARRAY);
    size_t n = types ? sfns_api->json_len(types) : 0;
    const char **list = n ? sfns_api->alloc(s->ctx, n * sizeof(*list)) : NULL;
    if (n && list == NULL)
        sfns_conf_invalid(&g, "types", "out of memory");
    for (size_t i = 0; i < n && g.error == NULL; i++) {
        const char *t = NULL;
        if (sfns_text(s->ctx, sfns_api->json_at(types, i), &t) != SFNS_TEXT ||
            sfns_api->json_type(sfns_api->json_at(types, i)) != HS_JSON_STRING)
            sfns_conf_invalid(&g, "types",
                              "element %zu must be a Case Type value (a non-empty string such "
                              "as \"Mechanical\")",
                              i);
        list[i] = t;
    }
    if (g.error == NULL && n == 0 && f->flag_field == NULL)
        sfns_conf_invalid(&g, NULL,
                          "says nothing that sets the flag: give \"types\" (Case Type values) "
                          "or \"flagField\" (a Case checkbox), or remove %s",
                          key);
    f->types = list;
    f->ntypes = n;
    f->on = g.error == NULL;
    sfns_conf_merge(s, &g);
}

hs_status sfns_cases_conf_read(hs_ctx *ctx, sfns_cases_conf *c)
{
    memset(c, 0, sizeof(*c));
    sfns_conf s;
    sfns_conf_open(&s, ctx, "cases", cases_keys);
    c->service_cloud = sfns_conf_bool(&s, "serviceCloud", 0);
    c->record_type = sfns_conf_enum(&s, "activity", activities, "supportcase");
    c->activity = strcmp(c->record_type, "task") == 0        ? SFNS_ACTIVITY_TASK
                  : strcmp(c->record_type, "phonecall") == 0 ? SFNS_ACTIVITY_PHONECALL
                                                             : SFNS_ACTIVITY_SUPPORTCASE;
    c->status_map =
        read_map(&s, "statusMap", "status", allowed_status(c->activity), c->record_type);
    c->default_status = sfns_conf_id(&s, "defaultStatus", NULL);
    check_value(&s, "defaultStatus", "", c->default_status, "status", allowed_status(c->activity),
                c->record_type);
    c->priority_map =
        read_map(&s, "priorityMap", "priority", allowed_priority(c->activity), c->record_type);
    c->default_priority = sfns_conf_id(&s, "defaultPriority", NULL);
    check_value(&s, "defaultPriority", "", c->default_priority, "priority",
                allowed_priority(c->activity), c->record_type);
    c->link_contact = sfns_conf_bool(&s, "linkContact", 1);
    read_flag(&s, "billing", "custevent_sfns_billable", &c->billing);
    read_flag(&s, "warranty", "custevent_sfns_warranty", &c->warranty);
    if (s.error == NULL && c->billing.on && c->warranty.on &&
        strcmp(c->billing.field, c->warranty.field) == 0)
        sfns_conf_invalid(&s, "warranty.field",
                          "is \"%s\", the same field as billing.field: give each flag its own "
                          "NetSuite field",
                          c->warranty.field);
    return sfns_conf_check(&s);
}

/* A map's value for key ignoring ASCII case (exact key first). */
static const char *map_value(hs_ctx *ctx, const hs_json *m, const char *key)
{
    if (m == NULL)
        return NULL;
    const char *v = sfns_map_id(ctx, m, key);
    if (v != NULL)
        return v;
    size_t n = sfns_api->json_len(m);
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const char *k = sfns_api->json_key_at(m, i, &len);
        if (strlen(key) == len) {
            const char *kk = sfns_api->sprintf(ctx, "%.*s", (int)len, k);
            if (kk != NULL && sfns_streq_nocase(kk, key))
                return sfns_id_text(ctx, sfns_api->json_value_at(m, i));
        }
    }
    return NULL;
}

static const char *lookup(hs_ctx *ctx, const hs_json *map, const pair *builtin, const char *def,
                          const char *value, const char *map_name, const char *def_name,
                          const char **via)
{
    const char *out = value ? map_value(ctx, map, value) : NULL;
    if (out != NULL) {
        *via = map_name;
        return out;
    }
    for (size_t i = 0; value != NULL && builtin[i].sf != NULL; i++)
        if (sfns_streq_nocase(builtin[i].sf, value)) {
            *via = "built-in";
            return builtin[i].ns;
        }
    *via = def ? def_name : NULL;
    return def;
}

const char *sfns_cases_status(hs_ctx *ctx, const sfns_cases_conf *c, const char *status,
                              const char **via)
{
    return lookup(ctx, c->status_map, builtin_status(c->activity), c->default_status, status,
                  "statusMap", "defaultStatus", via);
}

const char *sfns_cases_priority(hs_ctx *ctx, const sfns_cases_conf *c, const char *priority,
                                const char **via)
{
    return lookup(ctx, c->priority_map, builtin_priority(c->activity), c->default_priority,
                  priority, "priorityMap", "defaultPriority", via);
}
