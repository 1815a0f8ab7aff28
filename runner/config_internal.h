/* config_internal.h — the table of `hookstack serve` options (config_opts.c) and what config.c and
 * config_file.c do with it. Not an interface for other modules.
 *
 * One row per option names it in its three forms (flag, HOOKSTACK_* variable, config file key)
 * and says where its value lives in struct serve_config, its type and range, its default, and its
 * --help text. Defaults, the three parsers, range checks, --help and --print-config all read the
 * rows; adding an option is one row here plus its line in README.md's options table (a test
 * compares the two). */
#ifndef HS_CONFIG_INTERNAL_H
#define HS_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* What a value is, and so how it is parsed, checked, stored at its offset and printed. */
enum config_type {
    CONFIG_T_HOST,   /* char[max] holding an address */
    CONFIG_T_PORT,   /* int, 0..65535 */
    CONFIG_T_INT,    /* int, min..max */
    CONFIG_T_SIZE,   /* size_t, 0..max, at least min */
    CONFIG_T_U64,    /* uint64_t (milliseconds), 0..max, at least min */
    CONFIG_T_BOOL,   /* bool: 1/0, true/false, yes/no, on/off */
    CONFIG_T_PATH,   /* char * (owned), not empty */
    CONFIG_T_LEVEL,  /* int: debug, info, warn, error (enum log_level) */
    CONFIG_T_LISTEN, /* HOST:PORT into char[256] at off and the int at aux */
    CONFIG_T_DIRS,   /* repeatable: const char *[] at off (owned), its count (size_t) at aux */
    CONFIG_T_FN_MS,  /* repeatable FUNCTION=MS: struct config_hook_timeout[] at off, count at aux */
    CONFIG_T_TOKENS, /* file only: char *[] at off (owned), count at aux; arg names the kind */
    CONFIG_T_CONFIG, /* --config: read before the others (char * at off) */
    CONFIG_T_PRINT,  /* --print-config: a flag without value (bool at off) */
    CONFIG_T_HELP,   /* -h, --help */
};

enum {
    CONFIG_F_ALIAS = 1, /* another name of the option with the same off, listed just before it */
    CONFIG_F_LEVEL = 2, /* CONFIG_T_PATH: the level it came from goes into the int at aux */
    CONFIG_F_EFFECTIVE = 4, /* --print-config shows config_max_connections(), not the field */
};

/* Where a value came from, by precedence. */
enum config_level { CONFIG_L_NONE = 0, CONFIG_L_FILE, CONFIG_L_ENV, CONFIG_L_FLAG };

struct config_option {
    const char *name; /* the flag without "--"; NULL: config file only */
    const char *env;  /* the variable; NULL: none */
    const char *key;  /* the config file key (and --print-config's); NULL: none */
    enum config_type type;
    size_t off, aux;   /* offsetof(struct serve_config, ...) of the value (and see the types) */
    uint64_t min, max; /* the range of numbers; the size of the CONFIG_T_HOST buffer */
    const char *def;   /* the default, as a user would write it; NULL: zero, or see derive */
    /* The default when the option was given nowhere, from other options or the system: called
     * once everything was read, in table order. ERR_OK, or ERR_NOMEM with err filled. */
    int (*derive)(struct serve_config *c, char *err, size_t errlen);
    const char *arg;      /* --help: the value's placeholder ("N", "FILE"); tokens: their kind */
    const char *help;     /* --help: what it does */
    const char *def_text; /* --help, README: the default in words when def does not say it */
    unsigned flags;       /* CONFIG_F_* */
};

/* The table, and its length (at most CONFIG_OPTIONS_MAX). */
#define CONFIG_OPTIONS_MAX 64
extern const struct config_option config_options[];
extern const size_t config_noptions;

/* The row of flag ("--port", or "-h"), of key, or NULL. */
const struct config_option *config_option_by_flag(const char *flag);
const struct config_option *config_option_by_key(const char *key, size_t len);

/* Applies one value v of option o coming from who ("--port", "HOOKSTACK_PORT" or
 * "FILE:LINE:COLUMN: key \"port\"") at level lvl; replace: the first value of a list from this
 * level, which drops what lower levels gave. ERR_OK, or ERR_USAGE with one line in err naming
 * who, or ERR_NOMEM. */
int config_opt_set(struct serve_config *c, const struct config_option *o, const char *v,
                   const char *who, enum config_level lvl, bool replace, char *err, size_t errlen);

/* config_opt_set for a value from level lvl, with levels[] (one per row) saying which level each
 * option was last given at (a list's first value from a higher level replaces). */
int config_opt_apply(struct serve_config *c, enum config_level *levels,
                     const struct config_option *o, const char *v, const char *who,
                     enum config_level lvl, char *err, size_t errlen);

/* Reads the JSON config file at path into c (levels: one per row, updated). ERR_OK, ERR_USAGE
 * for a bad key or value, ERR_CONFIG when the file cannot be read or parsed. */
int config_file_apply(struct serve_config *c, enum config_level *levels, const char *path,
                      char *err, size_t errlen);

/* Adds one token (trimmed of spaces, tabs and CR; an empty one is skipped) to arr; what names the
 * kind ("system", "API") in messages. ERR_OK, or ERR_USAGE (too many, too long) or ERR_NOMEM
 * with err filled. */
int config_add_token(char **arr, size_t *n, const char *what, const char *s, size_t len, char *err,
                     size_t errlen);

/* The names of the log levels, by enum log_level. */
extern const char *const config_level_names[4];

#endif
