/* cli_sfns.c — `hookstack sfns`: commands that go with the Salesforce <-> NetSuite hooks (module
 * sfns). `hookstack sfns match` is the go-live duplicate report: it runs the contact matcher of
 * sfnsContactToContact (lib/sfns_match/) over whole exports of both systems and writes one CSV
 * row per Salesforce contact (update / create / review), then a summary. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "cli.h"
#include "cli_local.h"
#include "json.h"
#include "match.h"
#include "sfns_export.h"
#include "text.h"

#define CMD "hookstack sfns match"

static void sfns_usage(FILE *f)
{
    fprintf(f, "usage: hookstack sfns COMMAND [ARGS]\n"
               "\n"
               "Commands that go with the Salesforce <-> NetSuite hooks (module sfns).\n"
               "\n"
               "commands:\n"
               "  match    the go-live contact matching report over whole exports of both "
               "systems\n"
               "  catalog  the catalog workbench: propose and review the Salesforce product to "
               "NetSuite\n"
               "           item mapping, and write the catalog settings the order hooks read\n"
               "\n"
               "'hookstack sfns COMMAND --help' describes each command.\n");
}

static void match_usage(FILE *f)
{
    fprintf(
        f,
        "usage: hookstack sfns match --salesforce CONTACTS --netsuite CONTACTS\n"
        "                            [--salesforce-accounts FILE] [--netsuite-customers FILE]\n"
        "                            [--settings FILE] [--out report.csv]\n"
        "\n"
        "Runs the matcher of sfnsContactToContact over whole exports of both systems and reports,\n"
        "per Salesforce contact, what the live flow would do: update a NetSuite contact, create "
        "one,\n"
        "or hold it for review. Files are JSON (an array of records as the exports produce it, "
        "or an\n"
        "object with a \"records\" or \"data\" array) or CSV with a header row; field names are "
        "read\n"
        "in any case and spacing (FirstName, firstname, \"First Name\").\n"
        "\n"
        "options:\n"
        "  --salesforce FILE           Salesforce Contacts: Id, AccountId, FirstName, LastName, "
        "Email,\n"
        "                              Phone, MobilePhone (Account.Name when the query has it)\n"
        "  --netsuite FILE             NetSuite contacts: internalId (or id), firstName, "
        "lastName,\n"
        "                              email, phone, mobilePhone, company (a reference object or "
        "its\n"
        "                              internal id)\n"
        "  --salesforce-accounts FILE  Salesforce Accounts (Id, Name): company names for the\n"
        "                              Salesforce side\n"
        "  --netsuite-customers FILE   NetSuite customers (internalId, externalId, companyName): "
        "ties\n"
        "                              a contact's company to its Salesforce account (externalId "
        "=\n"
        "                              AccountId) and gives its name\n"
        "  --settings FILE             JSON: the flow's settings ({\"sfns\":{\"contacts\":{...}}}) "
        "or\n"
        "                              just the contacts section; keys as in "
        "docs/sfns-settings.md\n"
        "  --out FILE                  write the CSV there (default: standard output)\n"
        "  -h, --help                  show this help\n"
        "\n"
        "The CSV: salesforce_id,decision,netsuite_id,score,reason,group,group_size,first_name,\n"
        "last_name,email,company. decision is update, create or review; for review netsuite_id "
        "lists\n"
        "the candidates separated by '|'. Salesforce duplicates of one person share a group (the "
        "Id\n"
        "of the group's first contact). The summary goes to the terminal (standard error when "
        "the\n"
        "CSV goes to standard output). Exit status: 0 done, 1 a file could not be read or a "
        "setting\n"
        "is invalid, 2 bad usage.\n");
}

/* ---- settings ------------------------------------------------------------------------------ */

static int settings_lookup(void *arg, const char *key, struct match_value *out)
{
    const struct json_value *sec = arg;
    const struct json_value *v = sec ? json_object_get(sec, key, strlen(key)) : NULL;
    if (!v || v->type == JSON_NULL)
        return -1;
    switch (v->type) {
    case JSON_NUMBER:
        *out = (struct match_value){.type = MATCH_V_NUMBER, .number = v->u.num};
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        *out = (struct match_value){.type = MATCH_V_BOOL, .boolean = v->type == JSON_TRUE};
        break;
    case JSON_STRING:
        *out = (struct match_value){.type = MATCH_V_STRING, .string = v->u.str};
        break;
    default:
        *out = (struct match_value){.type = MATCH_V_OTHER};
    }
    return 0;
}

static int load_settings(struct arena *a, const char *path, struct match_settings *s)
{
    char err[512];
    match_settings_default(s);
    if (!path)
        return 0;
    struct json_value *root = NULL;
    FILE *f = fopen(path, "rb");
    if (f) {
        char *text = malloc(1 << 20);
        size_t n = text ? fread(text, 1, 1 << 20, f) : 0;
        fclose(f);
        if (!text) {
            fprintf(stderr, CMD ": out of memory\n");
            return 1;
        }
        struct json_error je;
        root = json_parse(a, text, n, NULL, &je);
        free(text);
        if (!root) {
            fprintf(stderr, CMD ": %s:%u:%u: %s\n", path, je.line, je.column, je.message);
            return 1;
        }
    } else {
        fprintf(stderr, CMD ": %s: cannot open: ", path);
        perror(NULL);
        return 1;
    }
    const char *prefix = "settings.sfns.contacts";
    const struct json_value *sec = root;
    if (root->type == JSON_OBJECT && json_object_get(root, STRLIT("sfns"))) {
        const struct json_value *sfns = json_object_get(root, STRLIT("sfns"));
        sec = sfns->type == JSON_OBJECT ? json_object_get(sfns, STRLIT("contacts")) : sfns;
        if (sfns->type != JSON_OBJECT) {
            fprintf(stderr, CMD ": %s: settings.sfns: must be an object\n", path);
            return 1;
        }
    }
    if (sec && sec->type == JSON_NULL)
        sec = NULL;
    if (sec && sec->type != JSON_OBJECT) {
        fprintf(stderr, CMD ": %s: %s: must be an object\n", path, prefix);
        return 1;
    }
    for (uint32_t i = 0; sec && i < sec->len; i++) {
        const char *key = sec->u.members[i].key;
        bool known = false;
        for (const char *const *k = match_contact_keys; *k && !known; k++)
            known = strcmp(*k, key) == 0;
        if (!known) {
            fprintf(stderr,
                    CMD ": %s: %s.%s: unknown key (known keys: see docs/sfns-settings.md)\n", path,
                    prefix, key);
            return 1;
        }
    }
    if (match_settings_load(s, prefix, settings_lookup, (void *)sec, err, sizeof(err)) != 0) {
        fprintf(stderr, CMD ": %s: %s\n", path, err);
        return 1;
    }
    return 0;
}

/* ---- reading contacts ---------------------------------------------------------------------- */

static const char *const SF_ID[] = {"id", "attributes.referenceid", NULL};
static const char *const FIRST[] = {"firstname", NULL};
static const char *const LAST[] = {"lastname", NULL};
static const char *const EMAIL[] = {"email", NULL};
static const char *const PHONE[] = {"phone", "officephone", NULL};
static const char *const MOBILE[] = {"mobilephone", NULL};
static const char *const SF_ACCOUNT_ID[] = {"accountid", NULL};
static const char *const SF_ACCOUNT_NAME[] = {"account.name", "accountname", NULL};
static const char *const SF_NAME[] = {"name", NULL};
static const char *const NS_ID[] = {"internalid", "id", NULL};
static const char *const NS_COMPANY_ID[] = {"company.internalid",
                                            "company.id",
                                            "company.value",
                                            "companyinternalid",
                                            "companyid",
                                            "company",
                                            NULL};
static const char *const NS_COMPANY_EXT[] = {"company.externalid", "companyexternalid", NULL};
static const char *const NS_COMPANY_NAME[] = {"company.name", "company.refname", "company.text",
                                              "companyname", NULL};
static const char *const NS_EXTERNAL_ID[] = {"externalid", NULL};
static const char *const NS_CUSTOMER_NAME[] = {"companyname", "altname", "entityid", "name", NULL};

struct progress {
    bool tty;
    const char *phase;
    int last;
};

static void progress_show(struct progress *p, const char *phase, int pct)
{
    if (!p->tty || (phase == p->phase && pct == p->last))
        return;
    p->phase = phase;
    p->last = pct;
    if (pct < 0)
        fprintf(stderr, "\r\033[K" CMD ": %s", phase);
    else
        fprintf(stderr, "\r\033[K" CMD ": %s %d%%", phase, pct);
    fflush(stderr);
}

static void on_progress(void *arg, size_t done, size_t total)
{
    progress_show(arg, "comparing", total ? (int)(done * 100 / total) : 100);
}

static struct json_value *read_export(struct arena *a, const char *path, struct progress *p)
{
    char err[512];
    progress_show(p, path, -1);
    struct json_value *rows = sfns_export_read(a, path, err, sizeof(err));
    if (!rows) {
        if (p->tty)
            fprintf(stderr, "\r\033[K");
        fprintf(stderr, CMD ": %s\n", err);
    }
    return rows;
}

/* An index of records by normalised id (Salesforce Ids to their 18-character form). */
static struct sfns_map *index_by(const struct json_value *rows, const char *const *id_names)
{
    struct sfns_map *m = sfns_map_new(rows->len);
    char num[JSON_NUMBER_MAX], key[64];
    for (uint32_t i = 0; m && i < rows->len; i++) {
        const char *id = sfns_export_text(rows->u.items[i], id_names, num, sizeof(num));
        if (id && *id == '@')
            id++;
        if (!id || match_norm_sfid(id, key, sizeof(key)) == 0)
            continue;
        if (sfns_map_put(m, key, rows->u.items[i]) != 0) {
            sfns_map_free(m);
            return NULL;
        }
    }
    return m;
}

static int add_salesforce(struct match_set *set, const struct json_value *rows,
                          const struct sfns_map *accounts)
{
    char num[JSON_NUMBER_MAX], idbuf[32], key[64];
    for (uint32_t i = 0; i < rows->len; i++) {
        const struct json_value *r = rows->u.items[i];
        struct match_contact c = {0};
        c.id = sfns_export_text(r, SF_ID, num, sizeof(num));
        if (!c.id || !*c.id) {
            snprintf(idbuf, sizeof(idbuf), "#%u", i + 1);
            c.id = idbuf;
        }
        c.first_name = sfns_export_text(r, FIRST, NULL, 0);
        c.last_name = sfns_export_text(r, LAST, NULL, 0);
        c.email = sfns_export_text(r, EMAIL, NULL, 0);
        c.phone = sfns_export_text(r, PHONE, NULL, 0);
        c.mobile_phone = sfns_export_text(r, MOBILE, NULL, 0);
        c.company_id = sfns_export_text(r, SF_ACCOUNT_ID, NULL, 0);
        if (c.company_id && *c.company_id == '@') /* sObject Tree reference "@AccountRef1" */
            c.company_id++;
        c.company_name = sfns_export_text(r, SF_ACCOUNT_NAME, NULL, 0);
        if (!c.company_name && c.company_id && accounts &&
            match_norm_sfid(c.company_id, key, sizeof(key)) > 0) {
            const struct json_value *acct = sfns_map_get(accounts, key);
            if (acct)
                c.company_name = sfns_export_text(acct, SF_NAME, NULL, 0);
        }
        if (match_set_add(set, MATCH_SF, &c) < 0)
            return -1;
    }
    return 0;
}

static int add_netsuite(struct match_set *set, const struct json_value *rows,
                        const struct sfns_map *customers)
{
    char num[JSON_NUMBER_MAX], cnum[JSON_NUMBER_MAX], idbuf[32], key[64];
    for (uint32_t i = 0; i < rows->len; i++) {
        const struct json_value *r = rows->u.items[i];
        struct match_contact c = {0};
        c.id = sfns_export_text(r, NS_ID, num, sizeof(num));
        if (!c.id || !*c.id) {
            snprintf(idbuf, sizeof(idbuf), "#%u", i + 1);
            c.id = idbuf;
        }
        c.first_name = sfns_export_text(r, FIRST, NULL, 0);
        c.last_name = sfns_export_text(r, LAST, NULL, 0);
        c.email = sfns_export_text(r, EMAIL, NULL, 0);
        c.phone = sfns_export_text(r, PHONE, NULL, 0);
        c.mobile_phone = sfns_export_text(r, MOBILE, NULL, 0);
        c.company_id = sfns_export_text(r, NS_COMPANY_EXT, NULL, 0);
        c.company_name = sfns_export_text(r, NS_COMPANY_NAME, NULL, 0);
        const char *cid = sfns_export_text(r, NS_COMPANY_ID, cnum, sizeof(cnum));
        if (cid && customers && (!c.company_id || !c.company_name) &&
            match_norm_sfid(cid, key, sizeof(key)) > 0) {
            const struct json_value *cust = sfns_map_get(customers, key);
            if (cust && !c.company_id)
                c.company_id = sfns_export_text(cust, NS_EXTERNAL_ID, NULL, 0);
            if (cust && !c.company_name)
                c.company_name = sfns_export_text(cust, NS_CUSTOMER_NAME, NULL, 0);
        }
        if (match_set_add(set, MATCH_NS, &c) < 0)
            return -1;
    }
    return 0;
}

/* ---- the report ---------------------------------------------------------------------------- */

/* One CSV field (RFC 4180: quoted when it holds a comma, quote, line break or edge space). */
static void csv_field(FILE *f, const char *s, bool last)
{
    if (!s)
        s = "";
    size_t n = strlen(s);
    bool quote = n > 0 && (strpbrk(s, ",\"\r\n") || s[0] == ' ' || s[n - 1] == ' ');
    if (quote) {
        fputc('"', f);
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                fputc('"', f);
            fputc(*p, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
}

struct counts {
    size_t decision[3];
    size_t groups, grouped;
};

static int write_report(FILE *out, const struct match_set *set, const struct json_value *sf_rows,
                        const struct sfns_map *accounts, struct counts *k)
{
    fputs("salesforce_id,decision,netsuite_id,score,reason,group,group_size,first_name,last_name,"
          "email,company\n",
          out);
    static const char *const names[] = {"create", "update", "review"};
    size_t cap = 256;
    char *ids = malloc(cap);
    if (!ids)
        return -1;
    char score[32], gsize[32], key[64];
    size_t n = match_set_count(set, MATCH_SF);
    for (size_t i = 0; i < n; i++) {
        struct match_result r;
        if (match_set_result(set, i, &r) != MATCH_OK) {
            free(ids);
            return -1;
        }
        k->decision[r.decision]++;
        if (r.group_size > 1) {
            k->grouped++;
            if (r.group == i)
                k->groups++;
        }
        size_t len = 0;
        ids[0] = '\0';
        for (size_t c = 0; c < r.ncandidates; c++) {
            const char *id = match_set_id(set, MATCH_NS, r.candidates[c]);
            size_t need = len + strlen(id) + 2;
            if (need > cap) {
                while (cap < need)
                    cap *= 2;
                char *nb = realloc(ids, cap);
                if (!nb) {
                    free(ids);
                    return -1;
                }
                ids = nb;
            }
            len += (size_t)snprintf(ids + len, cap - len, "%s%s", c ? "|" : "", id);
        }
        snprintf(score, sizeof(score), "%.3f", r.score);
        snprintf(gsize, sizeof(gsize), "%zu", r.group_size);
        const struct json_value *row = sf_rows->u.items[i];
        const char *company = sfns_export_text(row, SF_ACCOUNT_NAME, NULL, 0);
        const char *acct = sfns_export_text(row, SF_ACCOUNT_ID, NULL, 0);
        if (!company && acct && accounts &&
            match_norm_sfid(acct[0] == '@' ? acct + 1 : acct, key, sizeof(key)) > 0) {
            const struct json_value *a = sfns_map_get(accounts, key);
            company = a ? sfns_export_text(a, SF_NAME, NULL, 0) : NULL;
        }
        csv_field(out, match_set_id(set, MATCH_SF, i), false);
        csv_field(out, names[r.decision], false);
        csv_field(out, ids, false);
        csv_field(out, score, false);
        csv_field(out, r.reason, false);
        csv_field(out, match_set_id(set, MATCH_SF, r.group), false);
        csv_field(out, gsize, false);
        csv_field(out, sfns_export_text(row, FIRST, NULL, 0), false);
        csv_field(out, sfns_export_text(row, LAST, NULL, 0), false);
        csv_field(out, sfns_export_text(row, EMAIL, NULL, 0), false);
        csv_field(out, company, true);
    }
    free(ids);
    return ferror(out) ? -1 : 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct match_args {
    const char *salesforce, *netsuite, *accounts, *customers, *settings, *out;
};

static int parse_args(int argc, char **argv, struct match_args *m)
{
    for (int i = 1; i < argc; i++) {
        int r;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            match_usage(stdout);
            return 0;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--salesforce", &m->salesforce, CMD)) ||
            (r = cli_opt_value(argc, argv, &i, "--netsuite", &m->netsuite, CMD)) ||
            (r = cli_opt_value(argc, argv, &i, "--salesforce-accounts", &m->accounts, CMD)) ||
            (r = cli_opt_value(argc, argv, &i, "--netsuite-customers", &m->customers, CMD)) ||
            (r = cli_opt_value(argc, argv, &i, "--settings", &m->settings, CMD)) ||
            (r = cli_opt_value(argc, argv, &i, "--out", &m->out, CMD))) {
            if (r < 0)
                return 2;
            continue;
        }
        fprintf(stderr, CMD ": unknown argument '%s' (see --help)\n", argv[i]);
        return 2;
    }
    if (!m->salesforce || !m->netsuite) {
        fprintf(stderr, CMD ": --salesforce and --netsuite are required (see --help)\n");
        return 2;
    }
    return -1;
}

static int cli_sfns_match(int argc, char **argv)
{
    struct match_args args = {0};
    int rc = parse_args(argc, argv, &args);
    if (rc >= 0)
        return rc;
    double t0 = now_s();
    struct progress prog = {.tty = isatty(STDERR_FILENO) == 1, .last = -2};
    struct arena *sf_arena = arena_new(1 << 20, 0), *tmp = arena_new(1 << 20, 0);
    struct sfns_map *accounts = NULL, *customers = NULL;
    struct match_set *set = NULL;
    struct match_settings s;
    struct json_value *rows = NULL, *sf_rows = NULL, *ns_rows = NULL;
    struct arena *ns_arena = NULL;
    struct counts k = {0};
    FILE *out = NULL;
    int added = 0;
    rc = 1;
    if (!sf_arena || !tmp) {
        fprintf(stderr, CMD ": out of memory\n");
        goto done;
    }
    if (load_settings(tmp, args.settings, &s) != 0)
        goto done;
    set = match_set_new(&s);
    if (!set)
        goto nomem;
    /* Salesforce side: accounts for names, then the contacts (kept for the report). */
    if (args.accounts) {
        if (!(rows = read_export(tmp, args.accounts, &prog)))
            goto done;
        if (!(accounts = index_by(rows, SF_ID)))
            goto nomem;
    }
    sf_rows = read_export(sf_arena, args.salesforce, &prog);
    if (!sf_rows)
        goto done;
    if (add_salesforce(set, sf_rows, accounts) != 0)
        goto nomem;
    /* NetSuite side: customers, then the contacts; neither is needed afterwards. */
    ns_arena = arena_new(1 << 20, 0);
    if (!ns_arena)
        goto nomem;
    if (args.customers) {
        if (!(rows = read_export(ns_arena, args.customers, &prog))) {
            arena_free(ns_arena);
            goto done;
        }
        if (!(customers = index_by(rows, NS_ID))) {
            arena_free(ns_arena);
            goto nomem;
        }
    }
    ns_rows = read_export(ns_arena, args.netsuite, &prog);
    added = ns_rows ? add_netsuite(set, ns_rows, customers) : 0;
    sfns_map_free(customers);
    customers = NULL;
    arena_free(ns_arena);
    if (!ns_rows)
        goto done;
    if (added != 0)
        goto nomem;
    if (match_set_run(set, on_progress, &prog) != MATCH_OK)
        goto nomem;
    if (prog.tty)
        fprintf(stderr, "\r\033[K");
    out = args.out ? fopen(args.out, "w") : stdout;
    if (!out) {
        fprintf(stderr, CMD ": %s: cannot create: ", args.out);
        perror(NULL);
        goto done;
    }
    if (write_report(out, set, sf_rows, accounts, &k) != 0 || fflush(out) != 0) {
        fprintf(stderr, CMD ": %s: write failed\n", args.out ? args.out : "standard output");
        goto done;
    }
    FILE *sum = args.out ? stdout : stderr;
    fprintf(sum,
            "%zu Salesforce contacts, %zu NetSuite contacts, %llu pairs compared, %.1f s\n"
            "  update  %zu\n  create  %zu\n  review  %zu\n"
            "  Salesforce duplicates: %zu groups holding %zu contacts\n",
            match_set_count(set, MATCH_SF), match_set_count(set, MATCH_NS),
            (unsigned long long)match_set_pairs(set), now_s() - t0, k.decision[MATCH_UPDATE],
            k.decision[MATCH_CREATE], k.decision[MATCH_REVIEW], k.groups, k.grouped);
    if (args.out)
        fprintf(sum, "report: %s\n", args.out);
    rc = 0;
    goto done;
nomem:
    if (prog.tty)
        fprintf(stderr, "\r\033[K");
    fprintf(stderr, CMD ": out of memory\n");
done:
    if (out && out != stdout && fclose(out) != 0 && rc == 0) {
        fprintf(stderr, CMD ": %s: write failed\n", args.out);
        rc = 1;
    }
    match_set_free(set);
    sfns_map_free(accounts);
    sfns_map_free(customers);
    arena_free(tmp);
    arena_free(sf_arena);
    return rc;
}

int cli_sfns(int argc, char **argv)
{
    if (argc < 2) {
        sfns_usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        sfns_usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "match") == 0)
        return cli_sfns_match(argc - 1, argv + 1);
    if (strcmp(argv[1], "catalog") == 0)
        return cli_sfns_catalog(argc - 1, argv + 1);
    fprintf(stderr, "hookstack sfns: unknown command '%s'\n", argv[1]);
    sfns_usage(stderr);
    return 2;
}
