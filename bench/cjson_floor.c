/* cjson_floor.c — the JSON floor of the load benchmark: what one POST /function doSomething call
 * costs in pure JSON work with cJSON, with no HTTP, no process hop and no validation.
 *
 * For each body file (built by bench/make_pages.py), in one process and a tight loop:
 * cJSON_Parse the body, detach "options", set "function":"doSomething" on it, wrap it in a
 * one-element array (the doSomething answer) and cJSON_PrintUnformatted it, then free everything.
 * Each iteration is timed on CLOCK_MONOTONIC; the loop runs at least --min-seconds and at least
 * --min-iters iterations after a short warm-up. Prints one line per body:
 *   records  body_bytes  answer_bytes  iterations  median_us  min_us  ceiling_2core_rps
 * where ceiling = 2e6 / median_us (two cores each doing nothing but this).
 *
 * Usage: cjson_floor [--min-seconds S] [--min-iters N] body.json...   Exit 0, or 1 on any error. */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c11 */
#endif
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { FLOOR_OK = 0, FLOOR_ERR = -1 };

static volatile size_t floor_sink; /* keeps the printed length observable */

static double floor_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Reads a whole file into a NUL-terminated buffer; NULL on error. */
static char *floor_read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    long n = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    if (n >= 0 && fseek(f, 0, SEEK_SET) == 0)
        buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    *len_out = (size_t)n;
    return buf;
}

/* One doSomething call: parse, build [options + function], print. Returns the answer's length in
 * bytes, or FLOOR_ERR. When records_out is not NULL it receives the length of options.data. */
static long floor_one(const char *body, int *records_out)
{
    cJSON *root = cJSON_Parse(body);
    if (!root)
        return FLOOR_ERR;
    cJSON *opts = cJSON_DetachItemFromObjectCaseSensitive(root, "options");
    cJSON_Delete(root);
    if (!cJSON_IsObject(opts)) {
        cJSON_Delete(opts);
        return FLOOR_ERR;
    }
    if (records_out)
        *records_out = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(opts, "data"));
    cJSON *fn = cJSON_CreateString("doSomething");
    cJSON_bool ok = cJSON_HasObjectItem(opts, "function")
                        ? cJSON_ReplaceItemInObjectCaseSensitive(opts, "function", fn)
                        : cJSON_AddItemToObject(opts, "function", fn);
    cJSON *answer = cJSON_CreateArray();
    if (!ok || !answer || !cJSON_AddItemToArray(answer, opts)) {
        cJSON_Delete(answer);
        cJSON_Delete(opts);
        return FLOOR_ERR;
    }
    char *out = cJSON_PrintUnformatted(answer);
    cJSON_Delete(answer);
    if (!out)
        return FLOOR_ERR;
    size_t n = strlen(out);
    floor_sink += n;
    cJSON_free(out);
    return (long)n;
}

static int floor_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Times one body; prints its result line. */
static int floor_bench(const char *path, double min_seconds, long min_iters)
{
    size_t len = 0;
    char *body = floor_read_file(path, &len);
    if (!body) {
        fprintf(stderr, "cjson_floor: cannot read %s\n", path);
        return FLOOR_ERR;
    }
    int records = 0;
    long out_len = floor_one(body, &records);
    if (out_len < 0) {
        fprintf(stderr, "cjson_floor: %s is not a POST /function body with an options object\n",
                path);
        free(body);
        return FLOOR_ERR;
    }
    for (int i = 0; i < 5; i++)
        floor_one(body, NULL); /* warm-up: caches, allocator */

    size_t cap = 1024, n = 0;
    double *samples = malloc(cap * sizeof *samples);
    double start = floor_now_us(), end = start;
    int rc = FLOOR_OK;
    while (samples && ((end - start) < min_seconds * 1e6 || (long)n < min_iters)) {
        double t0 = floor_now_us();
        if (floor_one(body, NULL) != out_len) {
            rc = FLOOR_ERR;
            break;
        }
        end = floor_now_us();
        if (n == cap) {
            double *grown = realloc(samples, 2 * cap * sizeof *samples);
            if (!grown)
                break;
            samples = grown;
            cap *= 2;
        }
        samples[n++] = end - t0;
    }
    if (!samples || n == 0 || rc != FLOOR_OK) {
        fprintf(stderr, "cjson_floor: %s: timing loop failed\n", path);
        free(samples);
        free(body);
        return FLOOR_ERR;
    }
    qsort(samples, n, sizeof *samples, floor_cmp_double);
    double median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
    printf("%d\t%zu\t%ld\t%zu\t%.2f\t%.2f\t%.0f\n", records, len, out_len, n, median, samples[0],
           2e6 / median);
    fflush(stdout);
    free(samples);
    free(body);
    return FLOOR_OK;
}

int main(int argc, char **argv)
{
    double min_seconds = 2.0;
    long min_iters = 50;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--min-seconds") == 0 && i + 1 < argc) {
            min_seconds = strtod(argv[++i], NULL);
        } else if (strcmp(argv[i], "--min-iters") == 0 && i + 1 < argc) {
            min_iters = strtol(argv[++i], NULL, 10);
        } else {
            fprintf(stderr, "usage: cjson_floor [--min-seconds S] [--min-iters N] body.json...\n");
            return strcmp(argv[i], "--help") == 0 ? 0 : 2;
        }
    }
    if (i == argc) {
        fprintf(stderr, "usage: cjson_floor [--min-seconds S] [--min-iters N] body.json...\n");
        return 2;
    }
    printf("records\tbody_bytes\tanswer_bytes\titerations\tmedian_us\tmin_us\tceiling_2core_rps\n");
    for (; i < argc; i++)
        if (floor_bench(argv[i], min_seconds, min_iters) != FLOOR_OK)
            return 1;
    return 0;
}
