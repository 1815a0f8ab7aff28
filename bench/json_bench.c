/* json_bench.c — the JSON engine against cJSON on Salesforce Account pages, in one process.
 *
 * Builds request bodies of 1, 100 and 1,000 Account records (~1 KB each, the shape of a
 * Salesforce REST query) at run time from the shared sample data (apex-recipes/Accounts.json and
 * dcarroll-data-import-test-org/Account.json, records repeated and varied per index), then times:
 *   read:  json_parse (+ arena_reset)            vs cJSON_Parse (+ cJSON_Delete)
 *   write: json_write into a fresh json_buf (+ free) vs cJSON_PrintUnformatted (+ free)
 * where the written tree is the doSomething answer [options] with "function" set. Runs are
 * batches of repeated calls (each batch >= ~200 us), the two libraries interleaved batch by batch;
 * the result is the median time per call over all batches. After every batch an untimed
 * malloc/free of 64 KB makes glibc consolidate the small chunks that batch freed, so one library's
 * deferred free work (cJSON_Delete leaves tens of thousands of fast-bin chunks) is not charged to
 * the batch that runs next. Prints a Markdown table.
 *
 * Usage: json_bench [--data-dir DIR] [--seconds S] [--dump-body N FILE]
 * (DIR default: $HS_SHARED_DIR/data, else HS_SOURCE_DIR/../shared/data; --dump-body writes the
 * N-record body to FILE and exits, for profiling). Exit 0, or 1 on any error. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b == NULL || fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        fclose(f);
        return NULL;
    }
    b[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return b;
}

static struct json_value *load_records(struct arena *a, const char *dir, const char *file)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    size_t n;
    char *text = read_file(path, &n);
    if (text == NULL) {
        fprintf(stderr, "json_bench: cannot read %s\n", path);
        return NULL;
    }
    struct json_error e;
    struct json_value *v = json_parse(a, text, n, NULL, &e);
    free(text);
    if (v == NULL) {
        fprintf(stderr, "json_bench: %s: %s\n", path, e.message);
        return NULL;
    }
    struct json_value *r = json_object_get(v, "records", 7);
    if (r == NULL || r->type != JSON_ARRAY || r->len == 0) {
        fprintf(stderr, "json_bench: %s has no records\n", path);
        return NULL;
    }
    return r;
}

static struct json_value *str(struct arena *a, const char *s)
{
    return json_new_string(a, s, strlen(s));
}

static void put(struct arena *a, struct json_value *o, const char *k, struct json_value *v)
{
    json_object_set(a, o, k, strlen(k), v);
}

/* Copies field `from` of src (or null) as `to`. */
static void copy(struct arena *a, struct json_value *o, const char *to,
                 const struct json_value *src, const char *from)
{
    struct json_value *v = json_object_get(src, from, strlen(from));
    put(a, o, to, v != NULL ? json_clone(a, v) : json_new_null(a));
}

static void sf_id(char out[19], const char *prefix, unsigned long long n)
{
    static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    unsigned long long v = (n + 1) * 0x9E3779B97F4A7C15ull;
    memcpy(out, prefix, 3);
    memcpy(out + 3, "5g0", 3);
    for (int i = 17; i >= 6; i--) {
        out[i] = b62[v % 62];
        v /= 62;
    }
    out[18] = '\0';
}

/* Account number i, the way a REST query returns it. */
static struct json_value *account(struct arena *a, int i, const struct json_value *x,
                                  const struct json_value *c)
{
    struct json_value *o = json_new_object(a);
    char id[19], buf[256];
    sf_id(id, "001", (unsigned long long)i);
    struct json_value *attr = json_new_object(a);
    put(a, attr, "type", str(a, "Account"));
    snprintf(buf, sizeof(buf), "/services/data/v58.0/sobjects/Account/%s", id);
    put(a, attr, "url", str(a, buf));
    put(a, o, "attributes", attr);
    put(a, o, "Id", str(a, id));
    put(a, o, "IsDeleted", json_new_bool(a, false));
    put(a, o, "ParentId", json_new_null(a));
    struct json_value *name = json_object_get(x, "name", 4);
    snprintf(buf, sizeof(buf), "%s %d", name ? name->u.str : "Account", i);
    put(a, o, "Name", str(a, buf));
    copy(a, o, "Type", x, "type");
    struct json_value *an = json_object_get(c, "AccountNumber", 13);
    snprintf(buf, sizeof(buf), "%s-%04d", an ? an->u.str : "AN", i % 10000);
    put(a, o, "AccountNumber", str(a, buf));
    copy(a, o, "Industry", x, "industry");
    copy(a, o, "Phone", x, "phone");
    copy(a, o, "Fax", x, "fax");
    copy(a, o, "Website", x, "website");
    struct json_value *ne = json_object_get(x, "NumberOfEmployees", 17);
    put(a, o, "NumberOfEmployees", json_new_number(a, (ne ? ne->u.num : 0) + i));
    copy(a, o, "AnnualRevenue", x, "annualrevenue");
    copy(a, o, "Ownership", c, "Ownership");
    copy(a, o, "Rating", c, "Rating");
    copy(a, o, "Sic", c, "Sic");
    copy(a, o, "TickerSymbol", c, "TickerSymbol");
    copy(a, o, "Description", c, "Description");
    copy(a, o, "BillingStreet", x, "billingstreet");
    copy(a, o, "BillingCity", x, "billingcity");
    copy(a, o, "BillingState", x, "billingstate");
    copy(a, o, "BillingPostalCode", x, "billingpostalcode");
    copy(a, o, "BillingCountry", x, "billingcountry");
    copy(a, o, "ShippingStreet", x, "shippingstreet");
    copy(a, o, "ShippingCity", x, "shippingcity");
    copy(a, o, "ShippingState", x, "shippingstate");
    copy(a, o, "ShippingPostalCode", x, "shippingpostalcode");
    copy(a, o, "ShippingCountry", x, "billingcountry");
    sf_id(id, "005", (unsigned long long)(i % 7));
    put(a, o, "OwnerId", str(a, id));
    int d = i % 28 + 1, s = i * 37;
    snprintf(buf, sizeof(buf), "2023-%02d-%02dT%02d:%02d:%02d.000+0000", i % 12 + 1, d,
             (s / 3600) % 24, (s / 60) % 60, s % 60);
    put(a, o, "CreatedDate", str(a, buf));
    put(a, o, "LastModifiedDate", str(a, buf));
    put(a, o, "SystemModstamp", str(a, buf));
    copy(a, o, "CleanStatus", c, "CleanStatus");
    return o;
}

static char *make_body(const char *dir, int n, size_t *len)
{
    struct arena *a = arena_new(1 << 20, 0);
    struct json_value *x = load_records(a, dir, "apex-recipes/Accounts.json");
    struct json_value *c = load_records(a, dir, "dcarroll-data-import-test-org/Account.json");
    if (x == NULL || c == NULL) {
        arena_free(a);
        return NULL;
    }
    struct json_value *data = json_new_array(a);
    for (int i = 0; i < n; i++)
        json_array_push(a, data, account(a, i, x->u.items[i % x->len], c->u.items[i % c->len]));
    struct json_value *opts = json_new_object(a), *body = json_new_object(a);
    put(a, opts, "data", data);
    put(a, opts, "_importId", str(a, "65aa00000000000000000001"));
    put(a, opts, "bearerToken", str(a, "ott5eed0000000000000000000000000001"));
    put(a, body, "diy", json_new_bool(a, true));
    put(a, body, "type", str(a, "hook"));
    put(a, body, "function", str(a, "doSomething"));
    put(a, body, "options", opts);
    struct json_buf b;
    json_buf_init(&b, 0);
    int rc = json_write(&b, body, 0, NULL);
    arena_free(a);
    if (rc != 0) {
        json_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return b.data;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static volatile size_t sink;

/* A large-bin request makes glibc consolidate pending fast-bin chunks now, untimed. */
static void settle(void)
{
    void *p = malloc(1 << 16);
    sink += (size_t)(p != NULL);
    free(p);
}

enum op { HS_READ, CJ_READ, HS_WRITE, CJ_WRITE, N_OPS };

struct ctx {
    const char *body;
    size_t len;
    struct arena *a;
    struct json_value *answer; /* hs tree of [options] */
    cJSON *cj_answer;
};

static int run_op(struct ctx *c, enum op op, int reps)
{
    for (int r = 0; r < reps; r++) {
        switch (op) {
        case HS_READ: {
            struct json_value *v = json_parse(c->a, c->body, c->len, NULL, NULL);
            if (v == NULL)
                return -1;
            sink += v->len;
            arena_reset(c->a);
            break;
        }
        case CJ_READ: {
            cJSON *v = cJSON_Parse(c->body);
            if (v == NULL)
                return -1;
            sink += (size_t)v->type;
            cJSON_Delete(v);
            break;
        }
        case HS_WRITE: {
            struct json_buf b;
            json_buf_init(&b, 0);
            if (json_write(&b, c->answer, 0, NULL) != 0)
                return -1;
            sink += b.len;
            json_buf_free(&b);
            break;
        }
        case CJ_WRITE: {
            char *s = cJSON_PrintUnformatted(c->cj_answer);
            if (s == NULL)
                return -1;
            sink += strlen(s);
            free(s);
            break;
        }
        default:
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    double seconds = 3.0;
    int dump_n = 0;
    const char *dump_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--dump-body") == 0 && i + 2 < argc) {
            dump_n = atoi(argv[++i]);
            dump_path = argv[++i];
        } else {
            fprintf(stderr, "usage: json_bench [--data-dir DIR] [--seconds S] "
                            "[--dump-body N FILE]\n");
            return 1;
        }
    }
    char dbuf[4096];
    if (dir == NULL) {
        const char *sh = getenv("HS_SHARED_DIR");
        if (sh != NULL)
            snprintf(dbuf, sizeof(dbuf), "%s/data", sh);
        else
            snprintf(dbuf, sizeof(dbuf), "%s/../shared/data", HS_SOURCE_DIR);
        dir = dbuf;
    }
    if (dump_path != NULL) {
        size_t len;
        char *body = make_body(dir, dump_n, &len);
        FILE *f = body != NULL ? fopen(dump_path, "wb") : NULL;
        if (f == NULL || fwrite(body, 1, len, f) != len || fclose(f) != 0) {
            fprintf(stderr, "json_bench: cannot write %s\n", dump_path);
            return 1;
        }
        free(body);
        return 0;
    }
    const int sizes[] = {1, 100, 1000};
    printf("| records | body bytes | read µs (hs) | read µs (cJSON) | hs/cJSON | write µs (hs) | "
           "write µs (cJSON) | hs/cJSON |\n|---|---|---|---|---|---|---|---|\n");
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        struct ctx c = {0};
        char *body = make_body(dir, sizes[s], &c.len);
        if (body == NULL)
            return 1;
        c.body = body;
        c.a = arena_new(1 << 16, 0);
        struct arena *keep = arena_new(1 << 16, 0);
        struct json_value *root = json_parse(keep, body, c.len, NULL, NULL);
        struct json_value *opts = json_object_get(root, "options", 7);
        json_object_set(keep, opts, "function", 8, json_new_string(keep, "doSomething", 11));
        c.answer = json_new_array(keep);
        json_array_push(keep, c.answer, opts);
        cJSON *cr = cJSON_Parse(body);
        cJSON *co = cJSON_DetachItemFromObject(cr, "options");
        cJSON_ReplaceItemInObject(co, "function", cJSON_CreateString("doSomething"));
        if (cJSON_GetObjectItem(co, "function") == NULL)
            cJSON_AddStringToObject(co, "function", "doSomething");
        c.cj_answer = cJSON_CreateArray();
        cJSON_AddItemToArray(c.cj_answer, co);
        cJSON_Delete(cr);

        /* batch size: about 200 us of the slowest op */
        int reps[N_OPS];
        for (int op = 0; op < N_OPS; op++) {
            double t0 = now_us();
            int n = 0;
            while (now_us() - t0 < 20000) {
                if (run_op(&c, (enum op)op, 1) != 0) {
                    fprintf(stderr, "json_bench: op %d failed\n", op);
                    return 1;
                }
                n++;
            }
            double per = (now_us() - t0) / n;
            reps[op] = per >= 200 ? 1 : (int)(200 / per) + 1;
        }
        size_t cap = 100000, nb = 0;
        double *t[N_OPS];
        for (int op = 0; op < N_OPS; op++)
            t[op] = malloc(cap * sizeof(double));
        double start = now_us();
        while ((now_us() - start < seconds * 1e6 || nb < 50) && nb < cap) {
            for (int op = 0; op < N_OPS; op++) {
                double t0 = now_us();
                run_op(&c, (enum op)op, reps[op]);
                t[op][nb] = (now_us() - t0) / reps[op];
                settle();
            }
            nb++;
        }
        double med[N_OPS];
        for (int op = 0; op < N_OPS; op++) {
            qsort(t[op], nb, sizeof(double), cmp_double);
            med[op] = t[op][nb / 2];
            free(t[op]);
        }
        printf("| %d | %zu | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n", sizes[s], c.len,
               med[HS_READ], med[CJ_READ], med[HS_READ] / med[CJ_READ], med[HS_WRITE],
               med[CJ_WRITE], med[HS_WRITE] / med[CJ_WRITE]);
        fflush(stdout);
        cJSON_Delete(c.cj_answer);
        arena_free(keep);
        arena_free(c.a);
        free(body);
    }
    return 0;
}
