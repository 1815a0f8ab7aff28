/* match_norm.c — the matcher's normalisers: e-mail, person name, company name, phone digits and
 * Salesforce Id (see match.h). Each writes into a caller's buffer and never allocates. */
#include <string.h>

#include "match.h"

/* Appends c when there is room (one byte kept for the NUL). */
static void put(char *out, size_t cap, size_t *n, char c)
{
    if (*n + 1 < cap)
        out[(*n)++] = c;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static char lower(unsigned char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

static int is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* ASCII letters for U+00C0..U+00FF (Latin-1 letters; "" for the two signs in that range). */
static const char *const latin1_fold[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};

/* Splits text into lower-case ASCII words (accents folded; other non-ASCII bytes kept as they
 * are; '&' is its own word "and" when amp is set). Calls word(arg, w, len) for each. */
static void words(const char *in, bool amp, void (*word)(void *, const char *, size_t), void *arg)
{
    char w[256];
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)in;
    for (;; p++) {
        unsigned char c = *p;
        if (c == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF) {
            const char *f = latin1_fold[p[1] - 0x80];
            for (; *f; f++)
                put(w, sizeof(w), &n, *f);
            p++;
            continue;
        }
        if (is_alnum(c) || c >= 0x80) {
            put(w, sizeof(w), &n, lower(c));
            continue;
        }
        /* Apostrophes and dots join the parts of a word ("O'Brien", "J.R."). */
        if (c == '\'' || c == '.')
            continue;
        if (n > 0) {
            w[n] = '\0';
            word(arg, w, n);
            n = 0;
        }
        if (c == '&' && amp)
            word(arg, "and", 3);
        if (c == '\0')
            return;
    }
}

struct joined {
    char *out;
    size_t cap, n;
    const char *last;   /* start of the last word in out */
    size_t last_n;      /* its length */
    size_t before_last; /* out length before it */
    unsigned count;
};

static void join_word(void *arg, const char *w, size_t len)
{
    struct joined *j = arg;
    j->before_last = j->n;
    for (size_t i = 0; i < len; i++)
        put(j->out, j->cap, &j->n, w[i]);
    j->last = j->out + j->before_last;
    j->last_n = j->n - j->before_last;
    j->count++;
}

size_t match_norm_name(const char *in, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    struct joined j = {.out = out, .cap = cap};
    if (in)
        words(in, false, join_word, &j);
    if (j.count > 1) {
        static const char *const gen[] = {"jr", "sr", "ii", "iii", "iv"};
        for (size_t i = 0; i < sizeof(gen) / sizeof(gen[0]); i++) {
            if (j.last_n == strlen(gen[i]) && memcmp(j.last, gen[i], j.last_n) == 0) {
                j.n = j.before_last;
                break;
            }
        }
    }
    out[j.n] = '\0';
    return j.n;
}

/* Legal-form words dropped from company names (sorted for bsearch-free linear scan: short). */
static const char *const company_forms[] = {
    "ab",           "ag",  "bv",      "co",  "company", "corp", "corporation", "gmbh", "inc",
    "incorporated", "kg",  "limited", "llc", "llp",     "lp",   "ltd",         "nv",   "oy",
    "plc",          "pte", "pty",     "sa",  "sarl",    "sas",  "spa",         "srl"};

static int company_form(const char *w, size_t len)
{
    for (size_t i = 0; i < sizeof(company_forms) / sizeof(company_forms[0]); i++)
        if (strlen(company_forms[i]) == len && memcmp(company_forms[i], w, len) == 0)
            return 1;
    return 0;
}

struct company_acc {
    char *out;
    size_t cap, n;
    unsigned count;
};

static void company_word(void *arg, const char *w, size_t len)
{
    struct company_acc *c = arg;
    c->count++;
    if (c->count == 1 && len == 3 && memcmp(w, "the", 3) == 0)
        return;
    if (company_form(w, len))
        return;
    for (size_t i = 0; i < len; i++)
        put(c->out, c->cap, &c->n, w[i]);
}

size_t match_norm_company(const char *in, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    struct company_acc c = {.out = out, .cap = cap};
    if (in)
        words(in, true, company_word, &c);
    out[c.n] = '\0';
    return c.n;
}

size_t match_norm_email(const char *in, bool plus, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    out[0] = '\0';
    if (!in)
        return 0;
    while (is_space((unsigned char)*in))
        in++;
    size_t len = strlen(in);
    while (len > 0 && is_space((unsigned char)in[len - 1]))
        len--;
    const char *at = memchr(in, '@', len);
    if (!at || at == in || at == in + len - 1 || memchr(at + 1, '@', len - (size_t)(at - in) - 1))
        return 0;
    size_t n = 0;
    bool skipping = false;
    for (const char *p = in; p < in + len; p++) {
        unsigned char c = (unsigned char)*p;
        if (is_space(c)) {
            out[0] = '\0';
            return 0; /* whitespace inside an address: not an address */
        }
        if (p < at && plus && c == '+' && p > in)
            skipping = true;
        if (p == at)
            skipping = false;
        if (!skipping)
            put(out, cap, &n, lower(c));
    }
    out[n] = '\0';
    return n;
}

size_t match_norm_phone(const char *in, unsigned min_digits, char *out, size_t cap)
{
    char d[64];
    size_t n = 0;
    if (cap == 0)
        return 0;
    out[0] = '\0';
    if (!in)
        return 0;
    for (const char *p = in; *p; p++) {
        /* An extension ("x123", "ext. 5") is not part of the number. */
        if (*p == 'x' || *p == 'X' || *p == '#')
            break;
        if (*p >= '0' && *p <= '9')
            put(d, sizeof(d), &n, *p);
    }
    const char *s = d;
    if (n >= 2 && s[0] == '0' && s[1] == '0') {
        s += 2;
        n -= 2;
    } else if (n == 11 && s[0] == '1') {
        s += 1;
        n -= 1;
    }
    if (n > 10) {
        s += n - 10;
        n = 10;
    }
    if (n < min_digits || n + 1 > cap)
        return 0;
    memcpy(out, s, n);
    out[n] = '\0';
    return n;
}

size_t match_norm_sfid(const char *in, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    out[0] = '\0';
    if (!in)
        return 0;
    while (is_space((unsigned char)*in))
        in++;
    size_t len = strlen(in);
    while (len > 0 && is_space((unsigned char)in[len - 1]))
        len--;
    bool alnum = true;
    for (size_t i = 0; i < len; i++)
        alnum = alnum && is_alnum((unsigned char)in[i]);
    char id[19];
    const char *src = in;
    if (alnum && len == 15 && cap > 18) {
        /* The checksum: per 5-character chunk, bit i set when character i is upper case. */
        static const char map[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
        memcpy(id, in, 15);
        for (int chunk = 0; chunk < 3; chunk++) {
            unsigned v = 0;
            for (int i = 0; i < 5; i++) {
                char c = in[chunk * 5 + i];
                if (c >= 'A' && c <= 'Z')
                    v |= 1u << i;
            }
            id[15 + chunk] = map[v];
        }
        id[18] = '\0';
        src = id;
        len = 18;
    }
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        put(out, cap, &n, lower((unsigned char)src[i]));
    out[n] = '\0';
    return n;
}
