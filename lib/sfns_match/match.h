/* match.h — the contact matcher shared by the sfns module (sfnsContactToContact) and the runner's
 * `hookstack sfns match` report: normalisation, blocking keys, Jaro-Winkler, pair scoring, grouping
 * of Salesforce duplicates and the update / create / review decision.
 *
 * Plain C11 and libc only (no hookstack.h, no runner header), so the same files build into the
 * module and into the runner binary. Everything is malloc-owned by a match_set and released by
 * match_set_free(). Errors are values: negative MATCH_E_* codes.
 *
 * Use: match_set_new(), match_set_add() every Salesforce contact (side MATCH_SF) and every
 * NetSuite contact (MATCH_NS), match_set_run(), then match_set_result() per Salesforce contact.
 *
 * Rules (docs/sfns-settings.md, "sfnsContactToContact", describes them for users):
 *   - strong: the normalised e-mails are equal (case and surrounding whitespace ignored; with
 *     email_plus, "ann+crm@x.com" equals "ann@x.com"), unless the names clearly differ;
 *   - weak: name similarity >= name_threshold and company similarity >= company_threshold, the
 *     phones not contradicting (equal phone digits support it);
 *   - possible: a near miss (see match_pair_eval), only ever a reason for review.
 * Salesforce contacts joined by a strong or weak match form one group (one person); a group's
 * decision is: one strong candidate -> update; several -> review; else one weak candidate (or
 * one phone-supported among several) -> update (or review, when weak_review); several -> review;
 * possible candidates -> review; none -> create. */
#ifndef SFNS_MATCH_H
#define SFNS_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum match_error {
    MATCH_OK = 0,
    MATCH_E_NOMEM = -1,   /* out of memory */
    MATCH_E_INVALID = -2, /* an invalid argument or setting */
    MATCH_E_STATE = -3,   /* call out of order (add after run, result before run) */
};

enum match_side { MATCH_SF = 0, MATCH_NS = 1 };

enum match_decision { MATCH_CREATE = 0, MATCH_UPDATE = 1, MATCH_REVIEW = 2 };

/* The rules, from settings (see match_settings_load for the keys). */
struct match_settings {
    double name_threshold;     /* nameThreshold: 0..1 */
    double company_threshold;  /* companyThreshold: 0..1 */
    double review_threshold;   /* reviewThreshold: 0..name_threshold */
    bool email_plus;           /* emailPlusAddressing: ignore "+tag" in the local part */
    bool nicknames;            /* useNicknames: Bob = Robert, Bill = William, ... */
    bool weak_review;          /* weakMatch "review": weak matches never update on their own */
    unsigned min_phone_digits; /* minPhoneDigits: shorter phones are ignored */
};

/* The documented defaults. */
void match_settings_default(struct match_settings *s);

/* A setting as the caller's settings store sees it (so the module and the CLI share one
 * validation): the lookup callback fills *out for key and returns 0, or returns -1 when the key
 * is absent or null (null means the default). */
enum match_value_type {
    MATCH_V_NUMBER,
    MATCH_V_BOOL,
    MATCH_V_STRING,
    MATCH_V_OTHER /* array, object: always invalid here */
};
struct match_value {
    enum match_value_type type;
    double number;
    bool boolean;
    const char *string;
};
typedef int (*match_lookup_fn)(void *arg, const char *key, struct match_value *out);

/* Reads every matcher key through lookup, over what *s holds (the defaults, usually).
 * MATCH_E_INVALID with a message in err that starts with the key's full path, prefix + "." + key
 * ("settings.sfns.contacts.nameThreshold: must be a number from 0 to 1, got 1.5"). */
int match_settings_load(struct match_settings *s, const char *prefix, match_lookup_fn lookup,
                        void *arg, char *err, size_t errlen);

/* The key names match_settings_load reads, NULL-terminated (for docs tests and unknown-key
 * checks). */
extern const char *const match_settings_keys[];
/* Every key of the settings section "contacts" (settings.sfns.contacts): the matcher's keys plus
 * those only sfnsContactToContact reads (candidatesField), NULL-terminated. A key outside it is
 * an error, so that a misspelt key never falls back to its default silently. */
extern const char *const match_contact_keys[];

/* One contact as the caller read it; strings are copied by match_set_add (NULL or "" = absent). */
struct match_contact {
    const char *id; /* Salesforce Id, or NetSuite internal id */
    const char *first_name;
    const char *last_name;
    const char *email;
    const char *phone;
    const char *mobile_phone;
    const char *company_id;   /* Salesforce AccountId; NetSuite: the customer's external id */
    const char *company_name; /* the account's / customer's name */
};

/* A pair's class, best first. */
enum match_class { MATCH_NONE = 0, MATCH_POSSIBLE = 1, MATCH_WEAK = 2, MATCH_STRONG = 3 };

struct match_result {
    enum match_decision decision;
    /* update: the one NetSuite contact; review: every candidate, best first (indices given by
     * match_set_add on side MATCH_NS); create: none. Owned by the set. */
    const size_t *candidates;
    size_t ncandidates;
    double score;       /* 0..1, the best candidate's pair score (0 for create) */
    const char *reason; /* static text: "email", "name+company+phone", ... */
    /* The group: the index of its first Salesforce contact (== own index when alone or first),
     * and how many Salesforce contacts it has. */
    size_t group;
    size_t group_size;
};

struct match_set;

/* progress(arg, done, total) is called now and then during match_set_run (may be NULL). */
typedef void (*match_progress_fn)(void *arg, size_t done, size_t total);

struct match_set *match_set_new(const struct match_settings *s);
void match_set_free(struct match_set *set);

/* Adds a contact; returns its index on that side (0, 1, ...), or a negative MATCH_E_* code. */
long match_set_add(struct match_set *set, enum match_side side, const struct match_contact *c);
size_t match_set_count(const struct match_set *set, enum match_side side);
/* The id given for contact i of a side (borrowed from the set). */
const char *match_set_id(const struct match_set *set, enum match_side side, size_t i);

/* Compares through blocking keys and decides every Salesforce contact. MATCH_OK or an error. */
int match_set_run(struct match_set *set, match_progress_fn progress, void *arg);

/* The decision for Salesforce contact i (after match_set_run). */
int match_set_result(const struct match_set *set, size_t sf_index, struct match_result *out);

/* How many pairs were compared in match_set_run (for the report and the benchmark). */
uint64_t match_set_pairs(const struct match_set *set);

/* ---- building blocks (tested on their own) -------------------------------------------------- */

/* Jaro-Winkler similarity of two byte strings, 0..1 (1 for two equal strings, 0 when one is
 * empty). Strings longer than 64 bytes are compared on their first 64 bytes. */
double match_jaro_winkler(const char *a, size_t alen, const char *b, size_t blen);

/* Normalisers: write at most cap-1 bytes and a NUL into out, return the length (0: absent). */
/* E-mail: trimmed, lower case; with plus, "+tag" dropped from the local part. 0 unless it has
 * exactly the shape local@domain with both parts non-empty. */
size_t match_norm_email(const char *in, bool plus, char *out, size_t cap);
/* Person name: accents folded (Latin-1), lower case, letters and digits only; a trailing
 * generational suffix (jr, sr, ii, iii, iv) dropped. */
size_t match_norm_name(const char *in, char *out, size_t cap);
/* Company: like a name, "&" read as "and", legal-form words (inc, llc, ltd, gmbh, ...) and a
 * leading "the" dropped. */
size_t match_norm_company(const char *in, char *out, size_t cap);
/* Phone: the digits, a leading international "00" or NANP "1" of an 11-digit number dropped, at
 * most the last 10 kept; 0 when fewer than min_digits remain. */
size_t match_norm_phone(const char *in, unsigned min_digits, char *out, size_t cap);
/* Salesforce Id: a 15-character id gets its 3-character checksum; an 18-character id is kept;
 * both are then lower-cased (18-character ids are case-insensitive). Other text is copied lower
 * case. */
size_t match_norm_sfid(const char *in, char *out, size_t cap);
/* The formal first name of a nickname ("bob" -> "robert"), or NULL; in is a normalised name. */
const char *match_nickname(const char *in);
/* The nickname table: its size and nickname i (for the sortedness test). */
size_t match_nickname_count(void);
const char *match_nickname_at(size_t i);

#endif
