/* test_sfns_sfid.c — Salesforce Ids (hooks/sfns/sfns_sfid.c): 15 -> 18 with the checksum, the
 * case an 18-character Id encodes, rejection of wrong lengths, characters and checksums, and
 * every 18-character Id of the real sample records, JSON and CSV (read from ../shared/data at run
 * time). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <cmocka.h>

#include "../../hooks/sfns/sfns_sfid.h"

static sfns_sfid_status to18(const char *in, char out[19])
{
    memset(out, 0, 19);
    return sfns_sfid_to18(in, strlen(in), out);
}

static void test_15_to_18_examples(void **state)
{
    (void)state;
    char out[19];
    assert_int_equal(to18("0019000000B98de", out), SFNS_SFID_OK);
    assert_string_equal(out, "0019000000B98deAAB");
    assert_int_equal(to18("a0D30000001n7Pi", out), SFNS_SFID_OK);
    assert_string_equal(out, "a0D30000001n7PiEAI");
    /* All upper case gives 31 per chunk ("5"), all digits 0 ("A"). */
    assert_int_equal(to18("ABCDEABCDEABCDE", out), SFNS_SFID_OK);
    assert_string_equal(out, "ABCDEABCDEABCDE555");
    assert_int_equal(to18("001000000000000", out), SFNS_SFID_OK);
    assert_string_equal(out, "001000000000000AAA");
    /* Bit i is character i of the chunk: only the last character upper case is 16 ("Q"). */
    assert_int_equal(to18("0000A0000A0000A", out), SFNS_SFID_OK);
    assert_string_equal(out, "0000A0000A0000AQQQ");
}

static void test_18_valid_is_kept(void **state)
{
    (void)state;
    char out[19];
    assert_int_equal(to18("0019000000B98deAAB", out), SFNS_SFID_OK);
    assert_string_equal(out, "0019000000B98deAAB");
    /* The suffix may arrive in lower case: it is given back in upper case. */
    assert_int_equal(to18("a0D30000001n7Pieai", out), SFNS_SFID_OK);
    assert_string_equal(out, "a0D30000001n7PiEAI");
}

static void test_18_case_folded_is_restored(void **state)
{
    (void)state;
    char out[19];
    /* A case-insensitive system lower-cased (or upper-cased) the whole Id: the suffix says
     * which letters are upper case. */
    assert_int_equal(to18("0019000000b98deaab", out), SFNS_SFID_OK);
    assert_string_equal(out, "0019000000B98deAAB");
    assert_int_equal(to18("A0D30000001N7PIEAI", out), SFNS_SFID_OK);
    assert_string_equal(out, "a0D30000001n7PiEAI");
}

static void test_rejects_bad_ids(void **state)
{
    (void)state;
    char out[19];
    assert_int_equal(to18("", out), SFNS_SFID_LENGTH);
    assert_int_equal(to18("001900000B98de", out), SFNS_SFID_LENGTH);    /* 14 */
    assert_int_equal(to18("0019000000B98deA", out), SFNS_SFID_LENGTH);  /* 16 */
    assert_int_equal(to18("0019000000B98deAA", out), SFNS_SFID_LENGTH); /* 17 */
    assert_int_equal(to18("0019000000B98deAABA", out), SFNS_SFID_LENGTH);
    assert_int_equal(sfns_sfid_to18(NULL, 15, out), SFNS_SFID_LENGTH);
    assert_int_equal(to18("0019000000B98-e", out), SFNS_SFID_CHARS);
    assert_int_equal(to18("0019000000B98 eAAB", out), SFNS_SFID_CHARS);
    assert_int_equal(to18("0019000000B98\xc3\xa9", out), SFNS_SFID_CHARS); /* 15 bytes */
    assert_int_equal(to18("0019000000B98\xc3\xa9"
                          "AAB",
                          out),
                     SFNS_SFID_CHARS);
    /* Wrong checksums: a different suffix, a suffix character outside A-Z0-5,
     * a suffix that marks a digit upper case, mixed case that disagrees with
     * the suffix. */
    assert_int_equal(to18("0019000000B98deAAC", out), SFNS_SFID_CHECKSUM);
    assert_int_equal(to18("0019000000B98deAA9", out), SFNS_SFID_CHECKSUM);
    assert_int_equal(to18("0019000000B98deBAB", out), SFNS_SFID_CHECKSUM);
    assert_int_equal(to18("a0D30000001n7PiAAI", out), SFNS_SFID_CHECKSUM);
    assert_int_equal(to18("a0d30000001n7PiEAI", out), SFNS_SFID_CHECKSUM);
    assert_string_equal(sfns_sfid_strerror(SFNS_SFID_LENGTH), "must be 15 or 18 characters");
    assert_non_null(strstr(sfns_sfid_strerror(SFNS_SFID_CHECKSUM), "checksum"));
}

/* Every 15-character prefix round-trips through its 18-character form. */
static void test_round_trip(void **state)
{
    (void)state;
    static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    unsigned seed = 12345;
    for (int n = 0; n < 5000; n++) {
        char id[16], out[19], again[19];
        for (int i = 0; i < 15; i++) {
            seed = seed * 1103515245u + 12345u;
            id[i] = alphabet[(seed >> 16) % 62];
        }
        id[15] = '\0';
        assert_int_equal(sfns_sfid_to18(id, 15, out), SFNS_SFID_OK);
        assert_memory_equal(out, id, 15);
        assert_int_equal(sfns_sfid_to18(out, 18, again), SFNS_SFID_OK);
        assert_string_equal(again, out);
    }
}

/* ---- the real sample records ---------------------------------------------------------------- */

static int ids_checked;

static int looks_like_id_key(const char *k)
{
    size_t n = strlen(k);
    if (strcmp(k, "referenceId") == 0) /* sObject-tree labels such as "PricebookEntryRef1" */
        return 0;
    return (n >= 2 && strcmp(k + n - 2, "Id") == 0) || strcmp(k, "id") == 0;
}

static void check_ids(const cJSON *v, const char *file)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, v)
    {
        if (cJSON_IsString(c) && c->string && looks_like_id_key(c->string) &&
            strlen(c->valuestring) == 18 && c->valuestring[0] != '@') {
            char out[19];
            sfns_sfid_status st = sfns_sfid_to18(c->valuestring, 18, out);
            if (st != SFNS_SFID_OK)
                fail_msg("%s: %s=%s %s", file, c->string, c->valuestring, sfns_sfid_strerror(st));
            assert_string_equal(out, c->valuestring);
            /* Its first 15 characters give the same 18. */
            char again[19];
            assert_int_equal(sfns_sfid_to18(c->valuestring, 15, again), SFNS_SFID_OK);
            assert_string_equal(again, c->valuestring);
            ids_checked++;
        }
        check_ids(c, file);
    }
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = (size_t)n;
    }
    return buf;
}

/* One 18-character value of an Id column. */
static void check_id_text(const char *v, size_t n, const char *file, const char *column)
{
    if (n != 18)
        return;
    for (size_t i = 0; i < n; i++)
        if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'A' && v[i] <= 'Z') ||
              (v[i] >= 'a' && v[i] <= 'z')))
            return;
    char out[19];
    sfns_sfid_status st = sfns_sfid_to18(v, 18, out);
    if (st != SFNS_SFID_OK)
        fail_msg("%s: %s=%.18s %s", file, column, v, sfns_sfid_strerror(st));
    assert_memory_equal(out, v, 18);
    ids_checked++;
}

/* A column named "id", "*Id", "*_id" or "*ID" (any case: "OWNERID"). */
static int is_id_column(const char *name)
{
    size_t n = strlen(name);
    return n >= 2 && (name[n - 2] == 'i' || name[n - 2] == 'I') &&
           (name[n - 1] == 'd' || name[n - 1] == 'D');
}

/* The fields of a CSV text (RFC 4180 quoting), calling check_id_text for Id columns. */
static void check_csv(const char *text, size_t len, const char *file)
{
    char cols[64][64];
    size_t ncols = 0, col = 0;
    int header = 1;
    char field[4096];
    size_t flen = 0;
    for (size_t i = 0; i <= len; i++) {
        int end_field = 0, end_row = 0;
        if (i == len) {
            end_field = end_row = 1;
        } else if (text[i] == '"' && flen == 0) {
            for (i++; i < len; i++) {
                if (text[i] == '"') {
                    if (i + 1 < len && text[i + 1] == '"')
                        i++;
                    else
                        break;
                }
                if (flen < sizeof(field) - 1)
                    field[flen++] = text[i];
            }
            continue;
        } else if (text[i] == ',') {
            end_field = 1;
        } else if (text[i] == '\n') {
            end_field = end_row = 1;
        } else if (text[i] != '\r' && flen < sizeof(field) - 1) {
            field[flen++] = text[i];
        }
        if (end_field) {
            field[flen] = '\0';
            if (header && col < 64) {
                size_t c = flen < sizeof(cols[col]) - 1 ? flen : sizeof(cols[col]) - 1;
                memcpy(cols[col], field, c);
                cols[col][c] = '\0';
                ncols = col + 1;
            } else if (!header && col < ncols && is_id_column(cols[col]))
                check_id_text(field, flen, file, cols[col]);
            flen = 0;
            col++;
        }
        if (end_row) {
            header = 0;
            col = 0;
        }
    }
}

static void walk(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        size_t n = strlen(e->d_name);
        if (e->d_type == DT_DIR) {
            walk(path);
        } else if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0) {
            size_t len = 0;
            char *text = slurp(path, &len);
            assert_non_null(text);
            cJSON *root = cJSON_ParseWithLength(text, len);
            if (root)
                check_ids(root, path);
            cJSON_Delete(root);
            free(text);
        } else if (n > 4 && strcmp(e->d_name + n - 4, ".csv") == 0) {
            size_t len = 0;
            char *text = slurp(path, &len);
            assert_non_null(text);
            check_csv(text, len, path);
            free(text);
        }
    }
    closedir(d);
}

static void test_every_id_of_the_sample_data(void **state)
{
    (void)state;
    const char *shared = getenv("HS_SHARED_DIR");
    assert_non_null(shared);
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/data", shared);
    walk(dir);
    /* The sample records hold well over a hundred distinct 18-character Ids. */
    assert_true(ids_checked > 150);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_15_to_18_examples),
        cmocka_unit_test(test_18_valid_is_kept),
        cmocka_unit_test(test_18_case_folded_is_restored),
        cmocka_unit_test(test_rejects_bad_ids),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_every_id_of_the_sample_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
