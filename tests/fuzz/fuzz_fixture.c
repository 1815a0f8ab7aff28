/* fuzz_fixture.c — fixture files as `hookstack test` loads them (runner/fixture.c): discovery and
 * loading of one case from arbitrary file contents.
 *
 * Input: the request file, a NUL, the response file, then optionally a NUL and the status file
 * (absent without it). They are written as case.request.json, case.response.json and
 * case.status in a private folder, then discovered and loaded; a case must either load (with a
 * status from 100 to 599 and a parsed request) or fail with a one-line message naming a file. */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "fixture.h"

static char fuzzfx_dir[64];
static char fuzzfx_paths[3][128];

static void fuzzfx_cleanup(void)
{
    for (int i = 0; i < 3; i++)
        unlink(fuzzfx_paths[i]);
    rmdir(fuzzfx_dir);
}

static void fuzzfx_setup(void)
{
    if (fuzzfx_dir[0] != '\0')
        return;
    snprintf(fuzzfx_dir, sizeof(fuzzfx_dir), "/tmp/hs-fuzz-fixture-XXXXXX");
    if (mkdtemp(fuzzfx_dir) == NULL)
        abort();
    static const char *const names[3] = {"case.request.json", "case.response.json", "case.status"};
    for (int i = 0; i < 3; i++)
        snprintf(fuzzfx_paths[i], sizeof(fuzzfx_paths[i]), "%s/%s", fuzzfx_dir, names[i]);
    atexit(fuzzfx_cleanup);
}

static void fuzzfx_write(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        abort();
    if (n > 0 && fwrite(p, 1, n, f) != n)
        abort();
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzzfx_setup();
    const uint8_t *end = data + size;
    const uint8_t *nul1 = memchr(data, 0, size);
    const uint8_t *resp = nul1 ? nul1 + 1 : end;
    const uint8_t *nul2 = nul1 ? memchr(resp, 0, (size_t)(end - resp)) : NULL;
    fuzzfx_write(fuzzfx_paths[0], data, (size_t)((nul1 ? nul1 : end) - data));
    fuzzfx_write(fuzzfx_paths[1], resp, (size_t)((nul2 ? nul2 : end) - resp));
    if (nul2 != NULL)
        fuzzfx_write(fuzzfx_paths[2], nul2 + 1, (size_t)(end - nul2 - 1));
    else
        unlink(fuzzfx_paths[2]);

    struct arena *a = arena_new(64 * 1024, (size_t)256 << 20);
    if (a == NULL)
        return 0;
    char err[1024];
    struct fixture_list list;
    if (fixture_discover(a, fuzzfx_dir, &list, err, sizeof(err)) != 0 || list.len != 1)
        abort();
    struct fixture_loaded l;
    err[0] = '\0';
    if (fixture_load(a, &list.cases[0], &l, err, sizeof(err)) == 0) {
        if (l.status < 100 || l.status > 599 || l.request_json == NULL)
            abort();
    } else if (err[0] == '\0' || strchr(err, '\n') != NULL || strstr(err, "case.") == NULL) {
        fprintf(stderr, "fixture_load failed without a proper message: '%s'\n", err);
        abort();
    }
    arena_free(a);
    return 0;
}
