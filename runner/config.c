/* config.c — `hookstack serve` options: defaults, --help, the command line and the HOOKSTACK_*
 * variables read by the table of options (config_opts.c; the config file: config_file.c), then
 * the system and API tokens, and --print-config (see config.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <unistd.h>

#include "arena.h"
#include "config_internal.h"
#include "err.h"
#include "json.h"
#include "text.h"

#define FIELD(c, off) ((void *)((char *)(c) + (off)))

void config_defaults(struct serve_config *c)
{
    memset(c, 0, sizeof(*c));
    char err[128];
    for (size_t i = 0; i < config_noptions; i++) {
        const struct config_option *o = &config_options[i];
        /* The table's defaults are valid values (test_config_forms checks each). */
        if (o->def != NULL)
            (void)config_opt_set(c, o, o->def, "default", CONFIG_L_NONE, false, err, sizeof(err));
        else if (o->type == CONFIG_T_LISTEN)
            *(int *)FIELD(c, o->aux) = -1; /* not set */
    }
    /* Limits of the HTTP reader that are not options. */
    c->max_header_bytes = 65536;
    c->max_headers = 100;
}

/* ---- --help ------------------------------------------------------------------------------- */

#define USAGE_INDENT 30 /* the column where an option's text starts */
#define USAGE_WIDTH  88

/* Writes text word-wrapped from column `at` (the cursor's column) to USAGE_WIDTH; later lines
 * start at USAGE_INDENT. */
static void usage_wrap(FILE *f, const char *text, int at)
{
    const char *p = text;
    while (*p != '\0') {
        size_t word = strcspn(p, " ");
        if (at > USAGE_INDENT && at + 1 + (int)word > USAGE_WIDTH) {
            fprintf(f, "\n%*s", USAGE_INDENT, "");
            at = USAGE_INDENT;
        } else if (at > USAGE_INDENT) {
            fputc(' ', f);
            at++;
        }
        fwrite(p, 1, word, f);
        at += (int)word;
        p += word;
        while (*p == ' ')
            p++;
    }
    fputc('\n', f);
}

/* One option's line(s): the flag and its value, then its help, default and other names. */
static void usage_option(FILE *f, const struct config_option *o)
{
    char left[64], text[1024];
    if (o->type == CONFIG_T_HELP)
        snprintf(left, sizeof(left), "  -h, --%s", o->name);
    else
        snprintf(left, sizeof(left), "  --%s%s%s", o->name, o->arg ? " " : "",
                 o->arg ? o->arg : "");
    size_t n = (size_t)snprintf(text, sizeof(text), "%s", o->help);
    const char *sep = " (";
    if (o->def_text != NULL || o->def != NULL) {
        n += (size_t)snprintf(text + n, sizeof(text) - n, "%sdefault%s%s", sep,
                              o->def_text ? ": " : " ", o->def_text ? o->def_text : o->def);
        sep = "; ";
    }
    for (size_t i = 0; i < config_noptions && n < sizeof(text); i++) {
        const struct config_option *a = &config_options[i];
        if ((a->flags & CONFIG_F_ALIAS) && a != o && a->off == o->off && o->name != NULL) {
            n += (size_t)snprintf(text + n, sizeof(text) - n, "%salias --%s", sep, a->name);
            sep = "; ";
        }
    }
    if (strcmp(sep, "; ") == 0 && n < sizeof(text))
        snprintf(text + n, sizeof(text) - n, ")");
    int at = fprintf(f, "%-*s", USAGE_INDENT, left);
    if (at > USAGE_INDENT) { /* a long flag: its text starts on the next line */
        fprintf(f, "\n%*s", USAGE_INDENT, "");
        at = USAGE_INDENT;
    }
    usage_wrap(f, text, at);
}

void config_usage(FILE *f)
{
    fprintf(f,
            "usage: hookstack serve [OPTIONS]\n"
            "\n"
            "Runs the HTTP server integrator.io calls (POST /function), with hooks in worker "
            "processes.\n"
            "\n"
            "options (each also as an environment variable, HOOKSTACK_ and the name in capitals\n"
            "with '_' for '-', e.g. HOOKSTACK_MAX_BODY_BYTES, and as a key of the --config file\n"
            "in camelCase, e.g. \"maxBodyBytes\"; flags win over the environment, which wins "
            "over\nthe file):\n");
    for (size_t i = 0; i < config_noptions; i++) {
        const struct config_option *o = &config_options[i];
        if (o->name != NULL && !(o->flags & CONFIG_F_ALIAS))
            usage_option(f, o);
    }
    fprintf(f, "\n"
               "Prints 'listening on HOST:PORT' once it accepts connections. SIGTERM or SIGINT\n"
               "stops accepting, finishes every accepted request and exits 0 (a second one exits\n"
               "at once with status 1). SIGHUP reloads the modules: new calls go to new workers,\n"
               "running ones finish on the old set; a set that fails its check (loaded in a "
               "child\nprocess first, the server never runs module code itself) is refused.\n"
               "GET /openConnections and GET /stopServer need the system token, like POST\n"
               "/function.\n");
}

/* ---- environment -------------------------------------------------------------------------- */

static int config_env_apply(struct serve_config *c, enum config_level *levels, char *err,
                            size_t errlen)
{
    for (size_t i = 0; i < config_noptions; i++) {
        const struct config_option *o = &config_options[i];
        const char *v = o->env != NULL && o->type != CONFIG_T_CONFIG ? getenv(o->env) : NULL;
        if (v == NULL)
            continue;
        if (o->type != CONFIG_T_DIRS && o->type != CONFIG_T_FN_MS) {
            int rc = config_opt_apply(c, levels, o, v, o->env, CONFIG_L_ENV, err, errlen);
            if (rc != ERR_OK)
                return rc;
            continue;
        }
        /* DIR:DIR:... like PATH (FN=MS,FN=MS for hook timeouts); empty entries are skipped. */
        char sep = o->type == CONFIG_T_FN_MS ? ',' : ':';
        for (const char *p = v; *p != '\0';) {
            const char *end = strchr(p, sep);
            size_t n = end ? (size_t)(end - p) : strlen(p);
            if (n > 0) {
                char item[4096];
                if (n >= sizeof(item)) {
                    snprintf(err, errlen, "%s: a folder name is too long", o->env);
                    return ERR_USAGE;
                }
                memcpy(item, p, n);
                item[n] = '\0';
                int rc = config_opt_apply(c, levels, o, item, o->env, CONFIG_L_ENV, err, errlen);
                if (rc != ERR_OK)
                    return rc;
            }
            p += n + (end ? 1 : 0);
        }
    }
    return ERR_OK;
}

/* ---- command line ------------------------------------------------------------------------- */

int config_parse(struct serve_config *c, int argc, char **argv, char *err, size_t errlen)
{
    enum config_level levels[CONFIG_OPTIONS_MAX] = {0};
    /* First pass: split "--name value" / "--name=value", check the names, find --help and
     * --config; the values are applied last (flags win). */
    struct flag_arg {
        const struct config_option *o;
        const char *name, *value;
    } *args = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*args));
    if (args == NULL) {
        snprintf(err, errlen, "out of memory");
        return ERR_NOMEM;
    }
    int nargs = 0, rc = ERR_OK;
    char names[64][64];
    const char *config_path = NULL, *config_who = "--config";
    for (int i = 1; i < argc && rc == ERR_OK; i++) {
        const char *a = argv[i];
        const char *v = NULL;
        /* --name=value and --name value both work. */
        const char *eq = strncmp(a, STRLIT("--")) == 0 ? strchr(a, '=') : NULL;
        if (eq != NULL && (size_t)(eq - a) < sizeof(names[0]) && nargs < 64) {
            memcpy(names[nargs], a, (size_t)(eq - a));
            names[nargs][eq - a] = '\0';
            v = eq + 1;
            a = names[nargs];
        }
        const struct config_option *o = config_option_by_flag(a);
        if (o == NULL) {
            snprintf(err, errlen, "unknown option '%s' (see hookstack serve --help)", argv[i]);
            rc = ERR_USAGE;
            break;
        }
        if (o->type == CONFIG_T_HELP) {
            config_usage(stdout);
            free(args);
            return CONFIG_HELP;
        }
        if (o->type == CONFIG_T_PRINT) {
            *(bool *)FIELD(c, o->off) = true;
            continue;
        }
        if (v == NULL && o->type == CONFIG_T_BOOL) {
            v = "true";
        } else if (v == NULL) {
            if (i + 1 >= argc) {
                snprintf(err, errlen, "option %s needs a value", a);
                rc = ERR_USAGE;
                break;
            }
            v = argv[++i];
        }
        if (o->type == CONFIG_T_CONFIG) {
            config_path = v;
            continue;
        }
        args[nargs].o = o;
        args[nargs].name = a;
        args[nargs].value = v;
        nargs++;
    }
    if (rc == ERR_OK && config_path == NULL) {
        const char *e = getenv("HOOKSTACK_CONFIG");
        if (e != NULL && *e != '\0')
            config_path = e;
    }
    if (rc == ERR_OK && config_path != NULL) {
        const struct config_option *o = config_option_by_flag(config_who);
        rc = config_opt_set(c, o, config_path, config_who, CONFIG_L_FLAG, false, err, errlen);
        if (rc == ERR_OK)
            rc = config_file_apply(c, levels, config_path, err, errlen);
    }
    if (rc == ERR_OK)
        rc = config_env_apply(c, levels, err, errlen);
    for (int i = 0; i < nargs && rc == ERR_OK; i++) {
        if (config_opt_apply(c, levels, args[i].o, args[i].value, args[i].name, CONFIG_L_FLAG, err,
                             errlen) != 0)
            rc = ERR_USAGE;
    }
    free(args);
    if (rc != ERR_OK)
        return rc;
    if ((c->tls_cert == NULL) != (c->tls_key == NULL)) {
        snprintf(err, errlen, "%s is set but not %s: a TLS certificate needs its key",
                 c->tls_cert ? "--tls-cert" : "--tls-key",
                 c->tls_cert ? "--tls-key" : "--tls-cert");
        return ERR_USAGE;
    }
    /* Defaults that follow other options, for what was given nowhere. */
    for (size_t i = 0; i < config_noptions; i++) {
        const struct config_option *o = &config_options[i];
        rc = o->derive != NULL && levels[i] == CONFIG_L_NONE ? o->derive(c, err, errlen) : ERR_OK;
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

/* ---- tokens ------------------------------------------------------------------------------- */

/* Adds one token (trimmed of spaces, tabs and CR) to arr; empty ones are skipped. what names the
 * kind of token ("system", "API") in messages. */
int config_add_token(char **arr, size_t *n, const char *what, const char *s, size_t len, char *err,
                     size_t errlen)
{
    while (len > 0 && (*s == ' ' || *s == '\t' || *s == '\r'))
        s++, len--;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
        len--;
    if (len == 0)
        return ERR_OK;
    if (*n >= CONFIG_MAX_TOKENS) {
        snprintf(err, errlen, "at most %d %s tokens", CONFIG_MAX_TOKENS, what);
        return ERR_USAGE;
    }
    if (len > CONFIG_TOKEN_MAX) {
        snprintf(err, errlen, "a%s %s token is longer than %d bytes", what[0] == 'A' ? "n" : "",
                 what, CONFIG_TOKEN_MAX);
        return ERR_USAGE;
    }
    char *t = malloc(len + 1);
    if (t == NULL) {
        snprintf(err, errlen, "out of memory");
        return ERR_NOMEM;
    }
    memcpy(t, s, len);
    t[len] = '\0';
    arr[(*n)++] = t;
    return ERR_OK;
}

/* A token that could not be added, while loading: the configuration is unusable (ERR_CONFIG),
 * unless memory ran out. */
static int load_fail(int rc)
{
    return rc == ERR_NOMEM ? ERR_NOMEM : ERR_CONFIG;
}

static int load_token_file(const char *path, char **arr, size_t *n, const char *what, char *err,
                           size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "cannot read %s token file %s: %s", what, path, strerror(errno));
        return ERR_CONFIG;
    }
    char line[CONFIG_TOKEN_MAX + 8];
    int rc = ERR_OK;
    while (fgets(line, sizeof(line), f) != NULL) {
        size_t len = strlen(line);
        if (len > 0 && line[len - 1] == '\n')
            len--;
        else if (!feof(f)) {
            snprintf(err, errlen, "%s token file %s: a line is longer than %d bytes", what, path,
                     CONFIG_TOKEN_MAX);
            rc = ERR_CONFIG;
            break;
        }
        rc = config_add_token(arr, n, what, line, len, err, errlen);
        if (rc != ERR_OK) {
            rc = load_fail(rc);
            break;
        }
    }
    explicit_bzero(line, sizeof(line));
    fclose(f);
    if (rc == ERR_OK && *n == 0) {
        snprintf(err, errlen, "%s token file %s holds no token", what, path);
        rc = ERR_CONFIG;
    }
    return rc;
}

/* Loads one set of tokens by precedence: a token file given by a flag or the environment, else
 * the comma-separated variable env, else a token file named by the config file, else the config
 * file's list. */
static int load_token_set(const char *file, int file_level, const char *env, char *const *listed,
                          size_t nlisted, char **arr, size_t *n, const char *what, char *err,
                          size_t errlen)
{
    if (file != NULL && file_level >= CONFIG_L_ENV)
        return load_token_file(file, arr, n, what, err, errlen);
    const char *e = getenv(env);
    if (e != NULL && *e != '\0') {
        const char *p = e;
        for (;;) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            int rc = config_add_token(arr, n, what, p, len, err, errlen);
            if (rc != ERR_OK)
                return load_fail(rc);
            if (comma == NULL)
                break;
            p = comma + 1;
        }
        if (*n > 0)
            return ERR_OK;
    }
    if (file != NULL)
        return load_token_file(file, arr, n, what, err, errlen);
    for (size_t i = 0; i < nlisted; i++) {
        int rc = config_add_token(arr, n, what, listed[i], strlen(listed[i]), err, errlen);
        if (rc != ERR_OK)
            return load_fail(rc);
    }
    return ERR_OK;
}

int config_load_tokens(struct serve_config *c, char *err, size_t errlen)
{
    int rc = load_token_set(c->api_token_file, c->api_token_file_level, "HOOKSTACK_API_TOKEN",
                            c->file_api_tokens, c->nfile_api_tokens, c->api_tokens, &c->napi_tokens,
                            "API", err, errlen);
    if (rc != ERR_OK)
        return rc;
    rc =
        load_token_set(c->token_file, c->token_file_level, "HOOKSTACK_SYSTEM_TOKEN", c->file_tokens,
                       c->nfile_tokens, c->tokens, &c->ntokens, "system", err, errlen);
    if (rc != ERR_OK || c->ntokens > 0)
        return rc;
    /* No token configured: a random development token for this run only. */
    unsigned char raw[24];
    size_t got = 0;
    while (got < sizeof(raw)) {
        ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errlen, "cannot generate a development token: %s", strerror(errno));
            return ERR_CONFIG;
        }
        got += (size_t)n;
    }
    static const char digits[] = "0123456789abcdef";
    static const char prefix[] = "dev-";
    const size_t plen = sizeof(prefix) - 1;
    char hex[sizeof(prefix) - 1 + 2 * sizeof(raw)];
    memcpy(hex, prefix, plen);
    for (size_t i = 0; i < sizeof(raw); i++) {
        hex[plen + 2 * i] = digits[raw[i] >> 4];
        hex[plen + 2 * i + 1] = digits[raw[i] & 15];
    }
    rc = config_add_token(c->tokens, &c->ntokens, "system", hex, sizeof(hex), err, errlen);
    if (rc != ERR_OK)
        return load_fail(rc);
    c->dev_token = true;
    return ERR_OK;
}

/* ---- --print-config ----------------------------------------------------------------------- */

static struct json_value *print_str(struct arena *a, const char *s)
{
    return s != NULL ? json_new_string(a, s, strlen(s)) : json_new_null(a);
}

/* Tokens are secrets: only their number shows, each as "******". */
static struct json_value *print_masked(struct arena *a, size_t n)
{
    struct json_value *arr = json_new_array(a);
    for (size_t i = 0; arr != NULL && i < n; i++) {
        if (json_array_push(a, arr, json_new_string(a, STRLIT("******"))) != 0)
            return NULL;
    }
    return arr;
}

/* The value of option o in c as JSON; NULL when out of memory. */
static struct json_value *print_value(struct arena *a, const struct serve_config *c,
                                      const struct config_option *o)
{
    const void *field = (const char *)c + o->off;
    switch (o->type) {
    case CONFIG_T_HOST:
        return print_str(a, field);
    case CONFIG_T_PORT:
    case CONFIG_T_INT:
        return json_new_number(a, *(const int *)field);
    case CONFIG_T_SIZE:
        return json_new_number(a,
                               (double)((o->flags & CONFIG_F_EFFECTIVE) ? config_max_connections(c)
                                                                        : *(const size_t *)field));
    case CONFIG_T_U64:
        return json_new_number(a, (double)*(const uint64_t *)field);
    case CONFIG_T_BOOL:
    case CONFIG_T_PRINT:
        return json_new_bool(a, *(const bool *)field);
    case CONFIG_T_PATH:
    case CONFIG_T_CONFIG:
        return print_str(a, *(char *const *)field);
    case CONFIG_T_LEVEL: {
        int l = *(const int *)field;
        return print_str(a, config_level_names[l >= 0 && l < 4 ? l : 1]);
    }
    case CONFIG_T_LISTEN: {
        int port = *(const int *)((const char *)c + o->aux);
        char listen[300];
        bool v6 = strchr(field, ':') != NULL;
        snprintf(listen, sizeof(listen), "%s%s%s:%d", v6 ? "[" : "", (const char *)field,
                 v6 ? "]" : "", port);
        return print_str(a, port >= 0 ? listen : NULL);
    }
    case CONFIG_T_DIRS:
    case CONFIG_T_FN_MS: {
        size_t n = *(const size_t *)((const char *)c + o->aux);
        struct json_value *arr = json_new_array(a);
        for (size_t i = 0; arr != NULL && i < n; i++) {
            char item[300];
            if (o->type == CONFIG_T_DIRS) {
                if (json_array_push(a, arr, print_str(a, ((const char *const *)field)[i])) != 0)
                    return NULL;
                continue;
            }
            const struct config_hook_timeout *t = &((const struct config_hook_timeout *)field)[i];
            snprintf(item, sizeof(item), "%.256s=%llu", t->function, (unsigned long long)t->ms);
            if (json_array_push(a, arr, print_str(a, item)) != 0)
                return NULL;
        }
        return arr;
    }
    case CONFIG_T_TOKENS:
        /* The tokens in effect (config_load_tokens), not the file's list; a generated
         * development token is not one that was configured. */
        if (o->off == offsetof(struct serve_config, file_tokens))
            return print_masked(a, c->dev_token ? 0 : c->ntokens);
        return print_masked(a, c->napi_tokens);
    case CONFIG_T_HELP:
        break;
    }
    return NULL;
}

int config_print(const struct serve_config *c, FILE *file)
{
    struct arena *a = arena_new(16 * 1024, 0);
    struct json_value *obj = a ? json_new_object(a) : NULL;
    if (obj == NULL) {
        arena_free(a);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < config_noptions && rc == 0; i++) {
        const struct config_option *o = &config_options[i];
        if (o->key == NULL || (o->flags & CONFIG_F_ALIAS))
            continue;
        struct json_value *v = print_value(a, c, o);
        rc = v != NULL ? json_object_set(a, obj, o->key, strlen(o->key), v) : -1;
        if (rc == 0 && o->type == CONFIG_T_TOKENS &&
            o->off == offsetof(struct serve_config, file_tokens))
            rc =
                json_object_set(a, obj, STRLIT("developmentToken"), json_new_bool(a, c->dev_token));
    }
    struct json_buf b;
    json_buf_init(&b, 0);
    if (rc == 0)
        rc = json_write(&b, obj, 0, NULL) == ERR_OK ? json_buf_append(&b, STRLIT("\n")) : -1;
    if (rc == 0) {
        fwrite(b.data, 1, b.len, file);
        fflush(file);
    }
    json_buf_free(&b);
    arena_free(a);
    return rc == 0 ? 0 : -1;
}

size_t config_max_connections(const struct serve_config *c)
{
    if (c->max_connections > 0)
        return c->max_connections;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 1024;
    rlim_t fds = rl.rlim_max == RLIM_INFINITY ? rl.rlim_cur : rl.rlim_max;
    if (fds == RLIM_INFINITY || fds > ((rlim_t)1 << 24))
        fds = (rlim_t)1 << 24;
    size_t reserve = CONFIG_FD_RESERVE + CONFIG_FD_PER_WORKER * (size_t)c->workers;
    return (size_t)fds > reserve ? (size_t)fds - reserve : 1;
}

static void free_tokens(char **arr, size_t *n)
{
    for (size_t i = 0; i < *n; i++) {
        /* Tokens are secrets: clear them before release. */
        explicit_bzero(arr[i], strlen(arr[i]));
        free(arr[i]);
        arr[i] = NULL;
    }
    *n = 0;
}

void config_free(struct serve_config *c)
{
    for (size_t i = 0; i < c->nmodule_dirs; i++)
        free((void *)c->module_dirs[i]);
    c->nmodule_dirs = 0;
    for (size_t i = 0; i < c->nhook_timeouts; i++)
        free(c->hook_timeouts[i].function);
    c->nhook_timeouts = 0;
    free_tokens(c->tokens, &c->ntokens);
    free_tokens(c->api_tokens, &c->napi_tokens);
    free_tokens(c->file_tokens, &c->nfile_tokens);
    free_tokens(c->file_api_tokens, &c->nfile_api_tokens);
    char **owned[] = {&c->token_file, &c->api_token_file, &c->tls_cert, &c->tls_key,
                      &c->config_file};
    for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++) {
        free(*owned[i]);
        *owned[i] = NULL;
    }
}
