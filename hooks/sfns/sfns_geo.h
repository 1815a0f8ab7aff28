/* sfns_geo.h — countries (ISO 3166-1) and the states of the US and provinces of Canada
 * (ISO 3166-2): lookup by code or everyday name. Pure C on the generated tables of
 * sfns_geo_data.c (gen_geo_data.py); no hook API, so unit tests link it directly. */
#ifndef SFNS_GEO_H
#define SFNS_GEO_H

#include <stddef.h>

struct sfns_country {
    char alpha2[3];
    char alpha3[4];
    const char *name; /* ISO's common name where it has one ("Bolivia"), else its short name */
};

struct sfns_state {
    char country[3]; /* "US" or "CA" */
    char code[4];    /* "NY", "QC" */
    const char *name;
};

/* A normalised name and the index of what it names. */
struct sfns_geo_key {
    const char *key;
    unsigned short index;
};

extern const size_t sfns_country_count;
extern const struct sfns_country sfns_countries[];
extern const size_t sfns_country_key_count;
extern const struct sfns_geo_key sfns_country_keys[];
extern const size_t sfns_state_count;
extern const struct sfns_state sfns_states[];
extern const size_t sfns_state_key_count;
extern const struct sfns_geo_key sfns_state_keys[];

/* Longest normalised key looked up; longer text names nothing. */
#define SFNS_GEO_KEY_MAX 96

/* Normalises len bytes of UTF-8 text into out (NUL-terminated): Latin-1 accents folded, ASCII
 * lower case, dots and apostrophes dropped, "&" read as "and", other runs of punctuation and
 * space one space, a leading "the" dropped. Returns the key's length, or -1 when it does not fit
 * (or the text is empty after normalising). */
int sfns_geo_key(const char *text, size_t len, char out[SFNS_GEO_KEY_MAX + 1]);

/* The country text names (alpha-2, alpha-3, ISO or everyday name, any case), or NULL. */
const struct sfns_country *sfns_country_find(const char *text, size_t len);
/* The country of an alpha-2 code (exact, upper case), or NULL. */
const struct sfns_country *sfns_country_by_alpha2(const char *alpha2);

/* Whether state names of this country (alpha-2) are turned into codes: US and CA. */
int sfns_state_has_codes(const char *alpha2);
/* The state or province of `country` (alpha-2) that text names (code, "US-NY", name, any case),
 * or NULL. */
const struct sfns_state *sfns_state_find(const char *country, const char *text, size_t len);

#endif
