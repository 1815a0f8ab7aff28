/* config_file.c — the JSON config file of `hookstack serve` (--config FILE or HOOKSTACK_CONFIG):
 * one object whose keys are the options' file keys (config_internal.h). A bad key or value is
 * reported as FILE:LINE:COLUMN: key "name": what is wrong. */
#include "config_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "json.h"

#define CONFIG_FILE_MAX (1u << 20)

/* Where each top-level key of a (valid) JSON object text starts: its line and column, for error
 * messages. Keys are matched by their raw bytes between the quotes; the last occurrence wins, as
 * it does for the value. Iterative: the depth of the text does not matter. */
static void file_key_position(const char *text, size_t len, const char *key, uint32_t *line,
                              uint32_t *col)
{
    size_t klen = strlen(key);
    uint32_t ln = 1, cl = 1, best_ln = 1, best_cl = 1;
    int depth = 0;
    bool expect_key = false;
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];
        if (ch == '"') {
            size_t start = i;
            uint32_t sl = ln, sc = cl;
            i++, cl++;
            while (i < len && text[i] != '"') {
                if (text[i] == '\\' && i + 1 < len)
                    i++, cl++;
                if (text[i] == '\n')
                    ln++, cl = 0;
                i++, cl++;
            }
            if (depth == 1 && expect_key && i - start - 1 == klen &&
                memcmp(text + start + 1, key, klen) == 0) {
                best_ln = sl;
                best_cl = sc;
            }
            expect_key = false;
        } else if (ch == '{' || ch == '[') {
            depth++;
            expect_key = ch == '{' && depth == 1;
        } else if (ch == '}' || ch == ']') {
            depth--;
        } else if (ch == ',' && depth == 1) {
            expect_key = true;
        }
        if (ch == '\n')
            ln++, cl = 0;
        cl++;
    }
    *line = best_ln;
    *col = best_cl;
}

/* The value of a file member as option text (numbers as JavaScript prints them). NULL when it
 * is not a string, number or boolean. */
static const char *file_scalar(const struct json_value *v, char num[JSON_NUMBER_MAX])
{
    switch (v->type) {
    case JSON_STRING:
        return strlen(v->u.str) == v->len ? v->u.str : NULL;
    case JSON_NUMBER:
        json_number_format(v->u.num, num);
        return num;
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    default:
        return NULL;
    }
}

/* What a value of o must be, for "expected ..." */
static const char *file_expected(const struct config_option *o)
{
    switch (o->type) {
    case CONFIG_T_DIRS:
    case CONFIG_T_FN_MS:
    case CONFIG_T_TOKENS:
        return "a string or an array of strings";
    case CONFIG_T_BOOL:
        return "true or false";
    case CONFIG_T_PORT:
    case CONFIG_T_INT:
    case CONFIG_T_SIZE:
    case CONFIG_T_U64:
        return "a number";
    default:
        return "a string";
    }
}

int config_file_apply(struct serve_config *c, enum config_level *levels, const char *path,
                      char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        snprintf(err, errlen, "cannot read config file %s: %s", path, strerror(errno));
        return ERR_CONFIG;
    }
    char *text = malloc(CONFIG_FILE_MAX + 1);
    size_t len = text ? fread(text, 1, CONFIG_FILE_MAX + 1, fp) : 0;
    bool read_err = ferror(fp) != 0;
    fclose(fp);
    if (text == NULL || read_err || len > CONFIG_FILE_MAX) {
        snprintf(err, errlen, "cannot read config file %s: %s", path,
                 text == NULL ? "out of memory"
                 : read_err   ? "read error"
                              : "larger than 1 MiB");
        free(text);
        return ERR_CONFIG;
    }
    struct arena *a = arena_new(16 * 1024, 64u * CONFIG_FILE_MAX);
    int rc = ERR_OK;
    struct json_error je;
    memset(&je, 0, sizeof(je));
    struct json_parse_opts po = {.require_container = false, .decode_utf8 = false, .max_depth = 64};
    struct json_value *root = a ? json_parse(a, text, len, &po, &je) : NULL;
    if (root == NULL) {
        snprintf(err, errlen, "%s:%u:%u: %s", path, je.line, je.column,
                 a ? je.message : "out of memory");
        rc = ERR_CONFIG;
        goto out;
    }
    if (root->type != JSON_OBJECT) {
        snprintf(err, errlen, "%s:1:1: the config must be a JSON object", path);
        rc = ERR_CONFIG;
        goto out;
    }
    for (uint32_t m = 0; m < root->len && rc == ERR_OK; m++) {
        const struct json_member *mb = &root->u.members[m];
        uint32_t line = 1, col = 1;
        file_key_position(text, len, mb->key, &line, &col);
        char who[600];
        snprintf(who, sizeof(who), "%s:%u:%u: key \"%.*s\"", path, line, col,
                 (int)(mb->key_len > 64 ? 64 : mb->key_len), mb->key);
        const struct config_option *o = config_option_by_key(mb->key, mb->key_len);
        if (o == NULL) {
            snprintf(err, errlen, "%s: unknown key (see hookstack serve --help)", who);
            rc = ERR_USAGE;
            break;
        }
        const struct json_value *v = mb->value;
        if (v->type == JSON_NULL)
            continue; /* null: the default */
        bool list =
            o->type == CONFIG_T_DIRS || o->type == CONFIG_T_TOKENS || o->type == CONFIG_T_FN_MS;
        if (list && v->type == JSON_ARRAY) {
            for (uint32_t i = 0; i < v->len && rc == ERR_OK; i++) {
                const struct json_value *item = v->u.items[i];
                if (item->type != JSON_STRING || strlen(item->u.str) != item->len) {
                    snprintf(err, errlen, "%s: item %u is not a string", who, i);
                    rc = ERR_USAGE;
                } else {
                    rc = config_opt_apply(c, levels, o, item->u.str, who, CONFIG_L_FILE, err,
                                          errlen);
                }
            }
            continue;
        }
        char num[JSON_NUMBER_MAX];
        const char *s = file_scalar(v, num);
        bool is_bool = v->type == JSON_TRUE || v->type == JSON_FALSE;
        if (s == NULL || (o->type == CONFIG_T_BOOL) != is_bool) {
            snprintf(err, errlen, "%s: expected %s", who, file_expected(o));
            rc = ERR_USAGE;
            break;
        }
        rc = config_opt_apply(c, levels, o, s, who, CONFIG_L_FILE, err, errlen);
    }
out:
    arena_free(a);
    free(text);
    return rc;
}
