/* sfns_gen.c — test data and scoring for `hookstack sfns match` (the contact matching report).
 *
 *   sfns_gen generate --count N [--seed S] [--ns-format json|csv] --dir DIR
 *       writes DIR/sf_contacts.json, sf_accounts.json, ns_contacts.json (or .csv),
 *       ns_customers.json and truth.csv: N Salesforce and N NetSuite contacts of generated people
 *       with planted duplicates (see below), and which person each record is.
 *   sfns_gen score --truth DIR/truth.csv --report report.csv [--min-precision P]
 *       [--min-recall R]
 *       reads the report and prints precision and recall of the NetSuite matches (update to the
 *       same person) and of the Salesforce duplicate groups (pairs); exit 1 when a minimum is
 *       missed, 2 on bad usage or unreadable files.
 *
 * Planted duplicates (deterministic for a seed): about half of the NetSuite contacts are copies
 * of Salesforce people, 4% of the Salesforce contacts are a second copy of a Salesforce person,
 * 1% of the NetSuite people appear twice in NetSuite (those Salesforce contacts should go to
 * review, and are left out of the recall). Copies vary the way real data does: e-mail case,
 * "+tag", surrounding spaces or no e-mail at all; nicknames and one-letter typos in names; phone
 * formats, a missing phone or one moved to the mobile field; company legal-form variants
 * ("Acme Corp" / "ACME, Inc."), and 10% of NetSuite customers without the external id that
 * links them to their Salesforce account (the company is then compared by name). Hard
 * negatives: relatives (same surname, company and switchboard, another first name) and common
 * names shared by different people of other companies. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "csvread.h"
#include "json.h"

/* ---- random -------------------------------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static unsigned below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

static bool chance(double p)
{
    return (double)(rnd() >> 11) / 9007199254740992.0 < p;
}

#define PICK(arr) (arr[below(sizeof(arr) / sizeof(arr[0]))])

/* ---- name material ------------------------------------------------------------------------- */

/* Formal first names with a common nickname (nickname list of the matcher). */
static const char *const formal[][2] = {
    {"Robert", "Bob"},        {"William", "Bill"},   {"Richard", "Dick"}, {"James", "Jim"},
    {"John", "Jack"},         {"Michael", "Mike"},   {"Thomas", "Tom"},   {"Elizabeth", "Liz"},
    {"Margaret", "Peggy"},    {"Katherine", "Kate"}, {"Jennifer", "Jen"}, {"Patricia", "Pat"},
    {"Joseph", "Joe"},        {"Daniel", "Dan"},     {"Matthew", "Matt"}, {"Anthony", "Tony"},
    {"Steven", "Steve"},      {"Edward", "Ed"},      {"Samuel", "Sam"},   {"Benjamin", "Ben"},
    {"Christopher", "Chris"}, {"Nicholas", "Nick"},  {"Timothy", "Tim"},  {"Susan", "Sue"},
    {"Deborah", "Debbie"},    {"Gregory", "Greg"},   {"Kenneth", "Ken"},  {"Ronald", "Ron"},
    {"Donald", "Don"},        {"Andrew", "Andy"},    {"Pamela", "Pam"},   {"Victor", "Vic"},
    {"Zachary", "Zach"},      {"Abigail", "Abby"},   {"Douglas", "Doug"}, {"Lawrence", "Larry"},
};

static const char *const plain_first[] = {
    "Aaliyah", "Adrian", "Aisha", "Alba",    "Amara",  "Ana",    "Anders", "Anika",   "Arjun",
    "Astrid",  "Aurora", "Bao",   "Beatriz", "Bjorn",  "Camila", "Carmen", "Chen",    "Chiara",
    "Clara",   "Dalia",  "Dario", "Diego",   "Dmitri", "Elena",  "Elif",   "Emeka",   "Emil",
    "Esther",  "Fatima", "Felix", "Freya",   "Gita",   "Hana",   "Hugo",   "Ibrahim", "Ines",
    "Ingrid",  "Isaac",  "Ivan",  "Jamal",   "Javier", "Jia",    "Jonas",  "Julia",   "Kai",
    "Kenji",   "Keira",  "Lars",  "Layla",   "Leila",  "Lena",   "Liam",   "Lucia",   "Luis",
    "Maya",    "Mei",    "Mila",  "Mohamed", "Nadia",  "Naomi",  "Nia",    "Nikolai", "Noor",
    "Olga",    "Omar",   "Oscar", "Paolo",   "Priya",  "Rafael", "Rania",  "Ravi",    "Rosa",
    "Ruth",    "Sakura", "Selin", "Sofia",   "Tariq",  "Tomas",  "Uma",    "Vera",    "Wei",
    "Yara",    "Yusuf",  "Zara",  "Zoe",     "Amelia", "Grace",  "Hannah", "Laura",   "Olivia",
    "Emma",    "Chloe",  "Lucas", "Ethan",   "Noah",   "Owen",
};

static const char *const surnames[] = {
    "Smith",    "Johnson",   "Williams",  "Brown",     "Jones",    "Garcia",   "Miller",
    "Davis",    "Rodriguez", "Martinez",  "Hernandez", "Lopez",    "Gonzalez", "Wilson",
    "Anderson", "Thomas",    "Taylor",    "Moore",     "Jackson",  "Martin",   "Lee",
    "Perez",    "Thompson",  "White",     "Harris",    "Sanchez",  "Clark",    "Ramirez",
    "Lewis",    "Robinson",  "Walker",    "Young",     "Allen",    "King",     "Wright",
    "Scott",    "Torres",    "Nguyen",    "Hill",      "Flores",   "Green",    "Adams",
    "Nelson",   "Baker",     "Hall",      "Rivera",    "Campbell", "Mitchell", "Carter",
    "Roberts",  "Muller",    "Schmidt",   "Schneider", "Fischer",  "Weber",    "Meyer",
    "Wagner",   "Becker",    "Dubois",    "Moreau",    "Laurent",  "Bernard",  "Rossi",
    "Russo",    "Ferrari",   "Esposito",  "Bianchi",   "Kowalski", "Nowak",    "Novak",
    "Horvat",   "Jansen",    "De Vries",  "Van Dijk",  "Bakker",   "Visser",   "Larsen",
    "Hansen",   "Nielsen",   "Johansson", "Lindqvist", "Virtanen", "Korhonen", "Tanaka",
    "Suzuki",   "Sato",      "Watanabe",  "Kim",       "Park",     "Choi",     "Wang",
    "Li",       "Zhang",     "Liu",       "Chen",      "Singh",    "Kumar",    "Patel",
    "Shah",     "Khan",      "Ali",       "Hassan",    "O'Brien",  "O'Connor", "Murphy",
    "Kelly",    "Byrne",     "Walsh",     "Okafor",    "Adeyemi",  "Mensah",   "Silva",
    "Santos",   "Oliveira",  "Pereira",   "Costa",     "Alves",    "Ivanov",   "Petrov",
};

static const char *const syl[] = {"bar", "ken", "lo",  "ma",  "ri",  "sto", "van", "del",
                                  "mor", "tes", "qui", "ran", "sel", "dor", "wen", "fal",
                                  "gor", "hin", "jas", "kel", "lun", "nev", "pra", "tor"};

static const char *const co_adj[] = {
    "Blue",     "Silver",  "North",     "Bright",   "Rapid",    "Summit",    "Pioneer", "Golden",
    "Harbor",   "Cedar",   "Iron",      "Coastal",  "Prime",    "Vertex",    "Atlas",   "Orbit",
    "Granite",  "Crimson", "Evergreen", "Sterling", "Lakeside", "Redwood",   "Beacon",  "Falcon",
    "Meridian", "Nova",    "Oak",       "Pacific",  "Quantum",  "Riverside", "Sunrise", "Trident",
    "Union",    "Valley",  "Western",   "Zenith",   "Alpine",   "Bay",       "Central", "Delta"};
static const char *const co_noun[] = {
    "Ridge",   "Stone",  "Point",    "Bridge", "Field",  "Gate",   "Wave",   "Peak",
    "Forge",   "Works",  "Labs",     "Path",   "Crest",  "Line",   "Port",   "Mill",
    "Grove",   "Hill",   "Light",    "Star",   "Rock",   "Wind",   "Spring", "Shore",
    "Brook",   "Hollow", "Mesa",     "Arc",    "Key",    "Tower",  "Square", "Vale",
    "Harbour", "Reach",  "Crossing", "Anchor", "Summit", "Meadow", "Haven",  "Point"};
static const char *const co_trade[] = {
    "Logistics", "Hotels",   "Foods",        "Energy", "Systems", "Software",  "Health",
    "Capital",   "Partners", "Construction", "Media",  "Motors",  "Textiles",  "Pharma",
    "Analytics", "Marine",   "Aerospace",    "Retail", "Studios", "Outfitters"};
static const char *const forms_sf[] = {"Inc.",  "Inc", "LLC",  "Ltd", "Corporation",
                                       "Corp.", "Co.", "GmbH", "plc", ""};
static const char *const forms_ns[] = {", Inc.",   " Incorporated", " L.L.C.", " Limited", " Corp",
                                       " Company", " GMBH",         " PLC",    ""};

/* ---- the model ----------------------------------------------------------------------------- */

struct company {
    char sf_id[19];
    char base[96]; /* "Blue Ridge Logistics" */
    char sf_name[128];
    char ns_name[128];
    char domain[96];
    unsigned ns_id;
    bool linked; /* the NetSuite customer has externalid = the Salesforce account id */
    char area[4], exch[4];
};

struct person {
    char first[32];
    const char *nick; /* another form of the first name, or NULL */
    char last[40];
    unsigned company;
    char email[256];
    char phone[16];  /* 10 digits */
    char mobile[16]; /* 10 digits or "" */
    char title[40];
};

static void sfid(char out[19], const char *prefix)
{
    static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static const char map[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    memcpy(out, prefix, 3);
    memcpy(out + 3, "5g0000", 6);
    for (int i = 9; i < 15; i++)
        out[i] = b62[below(62)];
    for (int c = 0; c < 3; c++) {
        unsigned v = 0;
        for (int i = 0; i < 5; i++)
            if (out[c * 5 + i] >= 'A' && out[c * 5 + i] <= 'Z')
                v |= 1u << i;
        out[15 + c] = map[v];
    }
    out[18] = '\0';
}

static void lower_alnum(char *out, size_t cap, const char *in)
{
    size_t n = 0;
    for (; *in && n + 1 < cap; in++) {
        char c = *in;
        if (c >= 'A' && c <= 'Z')
            out[n++] = (char)(c + 32);
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            out[n++] = c;
    }
    out[n] = '\0';
}

/* A set of strings (exact), for unique e-mails. */
struct strset {
    char **slot;
    size_t cap, n;
};

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static bool strset_add(struct strset *s, const char *k)
{
    if ((s->n + 1) * 2 > s->cap) {
        struct strset b = {.cap = s->cap ? s->cap * 2 : 1024};
        b.slot = calloc(b.cap, sizeof(char *));
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->slot[i])
                continue;
            size_t j = fnv(s->slot[i]) & (b.cap - 1);
            while (b.slot[j])
                j = (j + 1) & (b.cap - 1);
            b.slot[j] = s->slot[i];
        }
        free(s->slot);
        s->slot = b.slot;
        s->cap = b.cap;
    }
    size_t j = fnv(k) & (s->cap - 1);
    while (s->slot[j]) {
        if (strcmp(s->slot[j], k) == 0)
            return false;
        j = (j + 1) & (s->cap - 1);
    }
    s->slot[j] = strdup(k);
    s->n++;
    return true;
}

static void strset_free(struct strset *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->slot[i]);
    free(s->slot);
}

static void make_company(struct company *c, unsigned i, struct strset *names)
{
    char base[96];
    do {
        snprintf(base, sizeof(base), "%s %s %s", PICK(co_adj), PICK(co_noun), PICK(co_trade));
        if (!strset_add(names, base))
            snprintf(base + strlen(base), sizeof(base) - strlen(base), " %u", i);
    } while (0);
    snprintf(c->base, sizeof(c->base), "%s", base);
    const char *f = PICK(forms_sf);
    snprintf(c->sf_name, sizeof(c->sf_name), "%s%s%s", base, *f ? " " : "", f);
    /* NetSuite's spelling of the same company: another legal form, sometimes in capitals. */
    snprintf(c->ns_name, sizeof(c->ns_name), "%s%s", base, PICK(forms_ns));
    if (chance(0.2))
        for (char *p = c->ns_name; *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - 32);
    char d[64];
    lower_alnum(d, sizeof(d), base);
    snprintf(c->domain, sizeof(c->domain), "%s.example", d);
    sfid(c->sf_id, "001");
    c->ns_id = 1000 + i;
    c->linked = chance(0.9);
    snprintf(c->area, sizeof(c->area), "%u", 201 + below(780));
    snprintf(c->exch, sizeof(c->exch), "%u", 200 + below(790));
}

static void synth_surname(char *out, size_t cap)
{
    char s[40];
    snprintf(s, sizeof(s), "%s%s%s", PICK(syl), PICK(syl), chance(0.5) ? PICK(syl) : "");
    s[0] = (char)(s[0] - 32);
    snprintf(out, cap, "%s", s);
}

static void make_person(struct person *p, unsigned ncompanies, const struct company *cos,
                        struct strset *emails)
{
    if (chance(0.4)) {
        unsigned k = below(sizeof(formal) / sizeof(formal[0]));
        bool nick = chance(0.3);
        snprintf(p->first, sizeof(p->first), "%s", formal[k][nick]);
        p->nick = formal[k][!nick];
    } else {
        snprintf(p->first, sizeof(p->first), "%s", PICK(plain_first));
        p->nick = NULL;
    }
    if (chance(0.6))
        snprintf(p->last, sizeof(p->last), "%s", PICK(surnames));
    else
        synth_surname(p->last, sizeof(p->last));
    p->company = below(ncompanies);
    const struct company *c = &cos[p->company];
    char f[32], l[40], local[96];
    lower_alnum(f, sizeof(f), p->first);
    lower_alnum(l, sizeof(l), p->last);
    switch (below(4)) {
    case 0:
        snprintf(local, sizeof(local), "%s.%s", f, l);
        break;
    case 1:
        snprintf(local, sizeof(local), "%c%s", f[0], l);
        break;
    case 2:
        snprintf(local, sizeof(local), "%s_%s", l, f);
        break;
    default:
        snprintf(local, sizeof(local), "%s%c", f, l[0]);
    }
    snprintf(p->email, sizeof(p->email), "%s@%s", local, c->domain);
    for (unsigned n = 2; !strset_add(emails, p->email); n++)
        snprintf(p->email, sizeof(p->email), "%s%u@%s", local, n, c->domain);
    snprintf(p->phone, sizeof(p->phone), "%s%s%04u", c->area, c->exch, below(10000));
    if (chance(0.3))
        snprintf(p->mobile, sizeof(p->mobile), "%u%07u", 201 + below(780), below(10000000));
    else
        p->mobile[0] = '\0';
    static const char *const titles[] = {"CFO",      "Buyer",          "Controller", "VP Sales",
                                         "Engineer", "Office Manager", "Director",   "Analyst"};
    snprintf(p->title, sizeof(p->title), "%s", PICK(titles));
}

/* One typo in s (length >= 4): substitution, transposition, deletion or a doubled letter. */
static void typo(char *s, size_t cap)
{
    size_t n = strlen(s);
    if (n < 4)
        return;
    size_t i = 1 + below((unsigned)(n - 2));
    switch (below(4)) {
    case 0:
        s[i] = (char)('a' + below(26));
        break;
    case 1: {
        char t = s[i];
        s[i] = s[i + 1];
        s[i + 1] = t;
        break;
    }
    case 2:
        memmove(s + i, s + i + 1, n - i);
        break;
    default:
        if (n + 1 < cap) {
            memmove(s + i + 1, s + i, n - i + 1);
        }
    }
}

static void phone_format(char *out, size_t cap, const char *d)
{
    if (!*d) {
        out[0] = '\0';
        return;
    }
    switch (below(5)) {
    case 0:
        snprintf(out, cap, "(%.3s) %.3s-%.4s", d, d + 3, d + 6);
        break;
    case 1:
        snprintf(out, cap, "%.3s.%.3s.%.4s", d, d + 3, d + 6);
        break;
    case 2:
        snprintf(out, cap, "+1 %.3s %.3s %.4s", d, d + 3, d + 6);
        break;
    case 3:
        snprintf(out, cap, "%.3s-%.3s-%.4s", d, d + 3, d + 6);
        break;
    default:
        snprintf(out, cap, "%s", d);
    }
}

/* A record of a person as one system holds it. */
struct copy {
    char first[32], last[40], email[320], phone[24], mobile[24];
};

static void make_copy(struct copy *c, const struct person *p, bool vary)
{
    snprintf(c->first, sizeof(c->first), "%s", p->first);
    snprintf(c->last, sizeof(c->last), "%s", p->last);
    snprintf(c->email, sizeof(c->email), "%s", p->email);
    phone_format(c->phone, sizeof(c->phone), p->phone);
    phone_format(c->mobile, sizeof(c->mobile), p->mobile);
    if (!vary)
        return;
    /* E-mail. */
    if (chance(0.25)) {
        c->email[0] = '\0';
    } else {
        if (chance(0.3))
            for (char *q = c->email; *q && *q != '@'; q++)
                if (chance(0.5) && *q >= 'a' && *q <= 'z')
                    *q = (char)(*q - 32);
        if (chance(0.2)) {
            char *at = strchr(c->email, '@');
            char tmp[400];
            snprintf(tmp, sizeof(tmp), "%.*s+%s%s", (int)(at - c->email), c->email,
                     chance(0.5) ? "crm" : "old", at);
            memcpy(c->email, tmp, sizeof(c->email) - 1);
            c->email[sizeof(c->email) - 1] = '\0';
        }
        if (chance(0.1)) {
            char tmp[400];
            snprintf(tmp, sizeof(tmp), " %s ", c->email);
            memcpy(c->email, tmp, sizeof(c->email) - 1);
            c->email[sizeof(c->email) - 1] = '\0';
        }
    }
    /* Names. */
    if (p->nick && chance(0.3))
        snprintf(c->first, sizeof(c->first), "%s", p->nick);
    if (chance(0.1))
        typo(c->first, sizeof(c->first));
    else if (chance(0.12))
        typo(c->last, sizeof(c->last));
    /* Phones. */
    if (chance(0.15))
        c->phone[0] = '\0';
    else if (chance(0.1) && !c->mobile[0]) {
        memcpy(c->mobile, c->phone, sizeof(c->mobile));
        c->phone[0] = '\0';
    }
}

/* ---- writing ------------------------------------------------------------------------------- */

static void json_str(FILE *f, const char *s)
{
    if (!s || !*s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static FILE *open_out(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    return f;
}

static int generate(unsigned n, uint64_t seed, bool ns_csv, const char *dir)
{
    rng_state = seed;
    unsigned ncos = n / 8 > 10 ? n / 8 : 10;
    struct company *cos = calloc(ncos, sizeof(*cos));
    /* People: enough for both systems. */
    unsigned npeople = 2 * n;
    struct person *people = calloc(npeople, sizeof(*people));
    struct strset emails = {0}, conames = {0};
    if (!cos || !people)
        return 2;
    for (unsigned i = 0; i < ncos; i++)
        make_company(&cos[i], i, &conames);
    for (unsigned i = 0; i < npeople; i++)
        make_person(&people[i], ncos, cos, &emails);
    /* Relatives: 2% of the people share surname, company and switchboard with an earlier one. */
    for (unsigned i = 1; i < npeople; i++) {
        if (!chance(0.02))
            continue;
        const struct person *rel = &people[below(i)];
        struct person *p = &people[i];
        snprintf(p->last, sizeof(p->last), "%s", rel->last);
        p->company = rel->company;
        char f[32], l[40];
        lower_alnum(f, sizeof(f), p->first);
        lower_alnum(l, sizeof(l), p->last);
        snprintf(p->email, sizeof(p->email), "%s.%s@%s", f, l, cos[p->company].domain);
        for (unsigned k = 2; !strset_add(&emails, p->email); k++)
            snprintf(p->email, sizeof(p->email), "%s.%s%u@%s", f, l, k, cos[p->company].domain);
        memcpy(p->phone, rel->phone, sizeof(p->phone));
        p->mobile[0] = '\0';
    }

    FILE *truth = open_out(dir, "truth.csv");
    fputs("system,id,person\n", truth);

    /* Salesforce: people 0..n-1, 4% of the records a second copy of an earlier one. */
    FILE *sf = open_out(dir, "sf_contacts.json");
    fputs("[\n", sf);
    unsigned next_person = 0;
    for (unsigned i = 0; i < n; i++) {
        unsigned who;
        bool dup = i > 10 && chance(0.04);
        who = dup ? below(next_person) : next_person++;
        const struct person *p = &people[who];
        struct copy c;
        make_copy(&c, p, dup);
        char id[19];
        sfid(id, "003");
        fprintf(sf,
                "%s{\"attributes\":{\"type\":\"Contact\",\"url\":\"/services/data/v58.0/sobjects/"
                "Contact/%s\"},\"Id\":\"%s\",\"AccountId\":\"%s\",\"FirstName\":",
                i ? ",\n" : "", id, id, cos[p->company].sf_id);
        json_str(sf, c.first);
        fputs(",\"LastName\":", sf);
        json_str(sf, c.last);
        fputs(",\"Email\":", sf);
        json_str(sf, c.email);
        fputs(",\"Phone\":", sf);
        json_str(sf, c.phone);
        fputs(",\"MobilePhone\":", sf);
        json_str(sf, c.mobile);
        fputs(",\"Title\":", sf);
        json_str(sf, p->title);
        fputs("}", sf);
        fprintf(truth, "sf,%s,%u\n", id, who);
    }
    fputs("\n]\n", sf);
    fclose(sf);
    unsigned sf_people = next_person;

    /* NetSuite: half copies of Salesforce people (each at most once, plus 1% twice), the rest
     * people of their own. */
    FILE *ns = open_out(dir, ns_csv ? "ns_contacts.csv" : "ns_contacts.json");
    if (ns_csv)
        fputs("Internal ID,First Name,Last Name,Email,Phone,Mobile Phone,Company : Internal ID,"
              "Company : Name\n",
              ns);
    else
        fputs("[\n", ns);
    unsigned *order = malloc(sf_people * sizeof(*order));
    for (unsigned i = 0; i < sf_people; i++)
        order[i] = i;
    for (unsigned i = sf_people; i > 1; i--) {
        unsigned j = below(i), t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    unsigned copies = n / 2 < sf_people ? n / 2 : sf_people, own = sf_people;
    unsigned last_copy = 0;
    for (unsigned i = 0; i < n; i++) {
        unsigned who;
        bool vary;
        if (i < copies) {
            who = order[i];
            vary = true;
            last_copy = who;
        } else if (i > copies && chance(0.01)) {
            who = order[below(copies)];
            vary = true;
        } else {
            who = own < npeople ? own++ : below(npeople);
            vary = false;
        }
        (void)last_copy;
        const struct person *p = &people[who];
        const struct company *co = &cos[p->company];
        struct copy c;
        make_copy(&c, p, vary);
        unsigned id = 50000 + i;
        if (ns_csv) {
            fprintf(ns, "%u,%s,\"%s\",\"%s\",%s,%s,%u,\"%s\"\n", id, c.first, c.last, c.email,
                    c.phone, c.mobile, co->ns_id, co->ns_name);
        } else {
            fprintf(ns, "%s{\"internalId\":\"%u\",\"firstName\":", i ? ",\n" : "", id);
            json_str(ns, c.first);
            fputs(",\"lastName\":", ns);
            json_str(ns, c.last);
            fputs(",\"email\":", ns);
            json_str(ns, c.email);
            fputs(",\"phone\":", ns);
            json_str(ns, c.phone);
            fputs(",\"mobilePhone\":", ns);
            json_str(ns, c.mobile);
            fprintf(ns, ",\"company\":{\"internalId\":\"%u\",\"name\":", co->ns_id);
            json_str(ns, co->ns_name);
            fputs("}}", ns);
        }
        fprintf(truth, "ns,%u,%u\n", id, who);
    }
    if (!ns_csv)
        fputs("\n]\n", ns);
    fclose(ns);
    fclose(truth);

    FILE *acc = open_out(dir, "sf_accounts.json");
    FILE *cus = open_out(dir, "ns_customers.json");
    fputs("[\n", acc);
    fputs("[\n", cus);
    for (unsigned i = 0; i < ncos; i++) {
        const struct company *c = &cos[i];
        fprintf(acc,
                "%s{\"attributes\":{\"type\":\"Account\",\"url\":\"/services/data/v58.0/sobjects/"
                "Account/%s\"},\"Id\":\"%s\",\"Name\":",
                i ? ",\n" : "", c->sf_id, c->sf_id);
        json_str(acc, c->sf_name);
        fputs("}", acc);
        fprintf(cus, "%s{\"internalId\":\"%u\",\"externalId\":", i ? ",\n" : "", c->ns_id);
        json_str(cus, c->linked ? c->sf_id : NULL);
        fputs(",\"companyName\":", cus);
        json_str(cus, c->ns_name);
        fputs("}", cus);
    }
    fputs("\n]\n", acc);
    fputs("\n]\n", cus);
    fclose(acc);
    fclose(cus);
    free(order);
    free(cos);
    free(people);
    strset_free(&emails);
    strset_free(&conames);
    return 0;
}

/* ---- scoring ------------------------------------------------------------------------------- */

static struct json_value *read_csv(struct arena *a, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return NULL;
    }
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (!buf)
        return NULL;
    char err[256];
    struct json_value *rows = csvread_parse(a, buf, n, err, sizeof(err));
    free(buf);
    if (!rows)
        fprintf(stderr, "%s: %s\n", path, err);
    return rows;
}

static const char *col(const struct json_value *row, const char *name)
{
    const struct json_value *v = json_object_get(row, name, strlen(name));
    return v && v->type == JSON_STRING ? v->u.str : "";
}

/* Open addressing: id -> person. */
struct idmap {
    const char **key;
    long *val;
    size_t cap;
};

static void idmap_put(struct idmap *m, const char *k, long v)
{
    size_t j = fnv(k) & (m->cap - 1);
    while (m->key[j] && strcmp(m->key[j], k) != 0)
        j = (j + 1) & (m->cap - 1);
    m->key[j] = k;
    m->val[j] = v;
}

static long idmap_get(const struct idmap *m, const char *k)
{
    size_t j = fnv(k) & (m->cap - 1);
    while (m->key[j]) {
        if (strcmp(m->key[j], k) == 0)
            return m->val[j];
        j = (j + 1) & (m->cap - 1);
    }
    return -1;
}

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 1.0;
}

static int cmp_long2(const void *pa, const void *pb)
{
    const long *a = pa, *b = pb;
    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    return a[1] < b[1] ? -1 : a[1] > b[1];
}

/* Pairs C(k,2) summed over runs of equal keys in a sorted array of (key, key2) pairs. */
static size_t pairs_by(long *kv, size_t n, bool both)
{
    size_t total = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && kv[2 * j] == kv[2 * i] && (!both || kv[2 * j + 1] == kv[2 * i + 1]))
            j++;
        total += (j - i) * (j - i - 1) / 2;
        i = j;
    }
    return total;
}

static int score(const char *truth_path, const char *report_path, double min_p, double min_r)
{
    struct arena *a = arena_new(1 << 20, 0);
    struct json_value *truth = read_csv(a, truth_path), *report = read_csv(a, report_path);
    if (!truth || !report) {
        arena_free(a);
        return 2;
    }
    size_t nt = truth->len;
    struct idmap sfm = {0}, nsm = {0};
    sfm.cap = nsm.cap = 64;
    while (sfm.cap < nt * 2)
        sfm.cap *= 2;
    nsm.cap = sfm.cap;
    sfm.key = calloc(sfm.cap, sizeof(char *));
    sfm.val = calloc(sfm.cap, sizeof(long));
    nsm.key = calloc(nsm.cap, sizeof(char *));
    nsm.val = calloc(nsm.cap, sizeof(long));
    long maxp = 0;
    for (size_t i = 0; i < nt; i++) {
        const struct json_value *r = truth->u.items[i];
        long person = atol(col(r, "person"));
        maxp = person > maxp ? person : maxp;
        idmap_put(strcmp(col(r, "system"), "sf") == 0 ? &sfm : &nsm, col(r, "id"), person);
    }
    unsigned *ns_count = calloc((size_t)maxp + 1, sizeof(unsigned));
    for (size_t i = 0; i < nt; i++) {
        const struct json_value *r = truth->u.items[i];
        if (strcmp(col(r, "system"), "ns") == 0)
            ns_count[atol(col(r, "person"))]++;
    }
    size_t updates = 0, correct = 0, positives = 0, found = 0, creates = 0, reviews = 0;
    size_t ambiguous = 0, ambiguous_review = 0, wrong_create = 0, neg = 0, neg_update = 0;
    size_t nr = report->len;
    long *group_person = malloc(2 * (nr ? nr : 1) * sizeof(long));
    long *person_only = malloc(2 * (nr ? nr : 1) * sizeof(long));
    long *group_only = malloc(2 * (nr ? nr : 1) * sizeof(long));
    struct idmap groups = {.cap = sfm.cap};
    groups.key = calloc(groups.cap, sizeof(char *));
    groups.val = calloc(groups.cap, sizeof(long));
    long ngroups = 0;
    for (size_t i = 0; i < nr; i++) {
        const struct json_value *r = report->u.items[i];
        long person = idmap_get(&sfm, col(r, "salesforce_id"));
        if (person < 0) {
            fprintf(stderr, "score: %s is not in the truth file\n", col(r, "salesforce_id"));
            arena_free(a);
            return 2;
        }
        const char *decision = col(r, "decision");
        unsigned copies = ns_count[person];
        if (copies == 1)
            positives++;
        if (copies == 0)
            neg++;
        if (copies > 1)
            ambiguous++;
        if (strcmp(decision, "update") == 0) {
            updates++;
            long target = idmap_get(&nsm, col(r, "netsuite_id"));
            if (target == person) {
                correct++;
                if (copies == 1)
                    found++;
            }
            if (copies == 0)
                neg_update++;
        } else if (strcmp(decision, "create") == 0) {
            creates++;
            if (copies > 0)
                wrong_create++;
        } else {
            reviews++;
            if (copies > 1)
                ambiguous_review++;
        }
        long g = idmap_get(&groups, col(r, "group"));
        if (g < 0) {
            g = ngroups++;
            idmap_put(&groups, col(r, "group"), g);
        }
        group_person[2 * i] = g;
        group_person[2 * i + 1] = person;
        person_only[2 * i] = person;
        person_only[2 * i + 1] = 0;
        group_only[2 * i] = g;
        group_only[2 * i + 1] = 0;
    }
    qsort(group_person, nr, 2 * sizeof(long), cmp_long2);
    qsort(person_only, nr, 2 * sizeof(long), cmp_long2);
    qsort(group_only, nr, 2 * sizeof(long), cmp_long2);
    size_t tp_pairs = pairs_by(group_person, nr, true);
    size_t true_pairs = pairs_by(person_only, nr, false);
    size_t pred_pairs = pairs_by(group_only, nr, false);
    double p = ratio(correct, updates), r = ratio(found, positives);
    double gp = ratio(tp_pairs, pred_pairs), gr = ratio(tp_pairs, true_pairs);
    printf("netsuite matches: precision %.4f (%zu of %zu updates), recall %.4f (%zu of %zu "
           "planted)\n",
           p, correct, updates, r, found, positives);
    printf("salesforce duplicates: precision %.4f (%zu of %zu pairs), recall %.4f (%zu of %zu "
           "planted pairs)\n",
           gp, tp_pairs, pred_pairs, gr, tp_pairs, true_pairs);
    printf("decisions: update %zu, create %zu, review %zu; no NetSuite copy: %zu (updated by "
           "mistake %zu); planted but created: %zu; person twice in NetSuite: %zu (review %zu)\n",
           updates, creates, reviews, neg, neg_update, wrong_create, ambiguous, ambiguous_review);
    int rc = 0;
    if (p < min_p || gp < min_p) {
        printf("FAIL: precision below %.2f\n", min_p);
        rc = 1;
    }
    if (r < min_r || gr < min_r) {
        printf("FAIL: recall below %.2f\n", min_r);
        rc = 1;
    }
    free(sfm.key);
    free(sfm.val);
    free(nsm.key);
    free(nsm.val);
    free(groups.key);
    free(groups.val);
    free(ns_count);
    free(group_person);
    free(person_only);
    free(group_only);
    arena_free(a);
    return rc;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: sfns_gen generate --count N [--seed S] [--ns-format json|csv] --dir DIR\n"
               "       sfns_gen score --truth FILE --report FILE [--min-precision P] "
               "[--min-recall R]\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    unsigned count = 0;
    uint64_t seed = 1;
    bool csv = false;
    const char *dir = NULL, *truth = NULL, *report = NULL;
    double min_p = 0, min_r = 0;
    for (int i = 2; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            usage(stderr);
            return 2;
        }
        if (strcmp(argv[i], "--count") == 0)
            count = (unsigned)strtoul(v, NULL, 10);
        else if (strcmp(argv[i], "--seed") == 0)
            seed = strtoull(v, NULL, 10);
        else if (strcmp(argv[i], "--ns-format") == 0)
            csv = strcmp(v, "csv") == 0;
        else if (strcmp(argv[i], "--dir") == 0)
            dir = v;
        else if (strcmp(argv[i], "--truth") == 0)
            truth = v;
        else if (strcmp(argv[i], "--report") == 0)
            report = v;
        else if (strcmp(argv[i], "--min-precision") == 0)
            min_p = strtod(v, NULL);
        else if (strcmp(argv[i], "--min-recall") == 0)
            min_r = strtod(v, NULL);
        else {
            usage(stderr);
            return 2;
        }
        i++;
    }
    if (strcmp(argv[1], "generate") == 0 && count > 0 && dir)
        return generate(count, seed, csv, dir);
    if (strcmp(argv[1], "score") == 0 && truth && report)
        return score(truth, report, min_p, min_r);
    usage(stderr);
    return 2;
}
