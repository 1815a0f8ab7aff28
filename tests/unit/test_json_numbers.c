/* test_json_numbers.c — numbers against JavaScript itself: at least 1,000,000 doubles of every kind
 * (uniform bit patterns, [0,1) values, integers around 2^53, big integers, powers of two and ten
 * and their neighbours, subnormals, extremes, short decimals at the layout boundaries) printed by
 * json_write / json_number_format and by `node` (String(x), one process for all of them) must be
 * identical, and parse(print(x)) must give x back bit for bit. Parsing is also checked against
 * glibc's correctly rounded strtod_l (C locale) on random decimal literals of every shape.
 * When node is not installed the JavaScript comparison is skipped with a printed message (the
 * round-trip and strtod checks still run). */
#include <errno.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "json.h"

extern char **environ;

/* Values in the plain build; the same count under ASan (it stays well under the time budget). */
#define N_VALUES 1000000u

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double from_bits(uint64_t b)
{
    double d;
    memcpy(&d, &b, 8);
    return d;
}

static uint64_t to_bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, 8);
    return b;
}

static double c_strtod(const char *s)
{
    static locale_t c_loc;
    if (c_loc == (locale_t)0)
        c_loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    return strtod_l(s, NULL, c_loc);
}

/* Fills v with N_VALUES doubles of all the kinds named in the file comment. */
static size_t make_values(double *v)
{
    size_t n = 0;
    /* extremes and specials */
    const double fixed[] = {0.0,
                            -0.0,
                            DBL_MAX,
                            -DBL_MAX,
                            DBL_MIN,
                            -DBL_MIN,
                            5e-324,
                            -5e-324,
                            DBL_EPSILON,
                            1.0,
                            -1.0,
                            0.1,
                            0.1 + 0.2,
                            1.2000000000000002,
                            9007199254740991.0,
                            9007199254740992.0,
                            9007199254740993.0,
                            1e21,
                            1e-7,
                            1e-6,
                            999999999999999900000.0,
                            123456789012345680000.0,
                            2.2250738585072009e-308,
                            2.225073858507201e-308,
                            1.7976931348623157e308,
                            4.94065645841247e-324,
                            0.000001,
                            0.0000009999999999999999,
                            576460752303423488.0,
                            1e20};
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        v[n++] = fixed[i];
    /* powers of two and their neighbours, both signs */
    for (int e = -1074; e <= 1023; e++) {
        double p = ldexp(1.0, e);
        v[n++] = p;
        v[n++] = -p;
        v[n++] = nextafter(p, 0);
        v[n++] = nextafter(p, INFINITY);
    }
    /* powers of ten and their neighbours */
    for (int e = -324; e <= 308; e++) {
        char s[16];
        snprintf(s, sizeof(s), "1e%d", e);
        double p = c_strtod(s);
        v[n++] = p;
        v[n++] = nextafter(p, 0);
        v[n++] = nextafter(p, INFINITY);
        v[n++] = -p;
    }
    /* integers around 2^53 and big integers */
    for (int k = -30000; k <= 30000; k++)
        v[n++] = 9007199254740992.0 + (double)k * (k > 0 ? 2.0 : 1.0);
    for (int i = 0; i < 60000; i++)
        v[n++] = (double)(int64_t)(rng() >> 11) * ((i & 1) ? 1 : -1); /* |x| < 2^53 */
    for (int i = 0; i < 60000; i++)
        v[n++] = (double)(rng() % 100000000000ull); /* money-sized ints */
    for (int i = 0; i < 60000; i++)
        v[n++] = ldexp((double)(rng() >> 11), 20 + (int)(rng() % 40)); /* 1e15..1e25 */
    /* short decimals at the layout boundaries: d.ddd * 10^k for k in -9..23 */
    for (int i = 0; i < 100000; i++) {
        char s[48];
        int digits = 1 + (int)(rng() % 17);
        uint64_t m = rng() % 100000000000000000ull;
        int e = (int)(rng() % 33) - 9;
        snprintf(s, sizeof(s), "%llue%d", (unsigned long long)(m % (uint64_t)pow(10, digits)),
                 e - digits + 1);
        v[n++] = c_strtod(s);
    }
    /* money-like */
    for (int i = 0; i < 40000; i++) {
        char s[48];
        snprintf(s, sizeof(s), "%llu.%02u", (unsigned long long)(rng() % 1000000),
                 (unsigned)(rng() % 100));
        v[n++] = c_strtod(s);
    }
    /* subnormals */
    for (int i = 0; i < 80000; i++)
        v[n++] = from_bits((rng() & 0x000FFFFFFFFFFFFFull) | (rng() & 0x8000000000000000ull));
    /* [0,1) like Math.random() and float-derived values */
    for (int i = 0; i < 200000; i++)
        v[n++] = (double)(rng() >> 11) * 0x1.0p-53;
    for (int i = 0; i < 40000; i++)
        v[n++] = (double)(float)((double)(rng() >> 11) * 0x1.0p-53 * 1000);
    /* the rest: uniform 64-bit patterns (NaN and infinities included) */
    while (n < N_VALUES)
        v[n++] = from_bits(rng());
    return n;
}

/* The writer's text of d (null for non-finite). */
static size_t write_number(struct arena *a, double d, char *out, size_t cap)
{
    struct json_buf b;
    json_buf_init(&b, 0);
    struct json_value *v = json_new_number(a, d);
    assert_int_equal(json_write(&b, v, 0, NULL), 0);
    assert_true(b.len < cap);
    memcpy(out, b.data, b.len);
    out[b.len] = '\0';
    size_t n = b.len;
    json_buf_free(&b);
    return n;
}

static double parse_number(struct arena *a, const char *s, size_t len)
{
    char buf[64];
    assert_true(len + 2 < sizeof(buf));
    buf[0] = '[';
    memcpy(buf + 1, s, len);
    buf[len + 1] = ']';
    struct json_error e;
    struct json_value *v = json_parse(a, buf, len + 2, NULL, &e);
    if (v == NULL)
        fail_msg("parse of '%s' failed: %s", s, e.message);
    assert_int_equal(v->type, JSON_ARRAY);
    assert_int_equal(v->u.items[0]->type, JSON_NUMBER);
    return v->u.items[0]->u.num;
}

static const char *find_node(char *path, size_t cap)
{
    const char *env = getenv("PATH");
    if (env == NULL)
        return NULL;
    const char *p = env;
    while (*p != '\0') {
        const char *c = strchr(p, ':');
        size_t l = c ? (size_t)(c - p) : strlen(p);
        if (l != 0 && l + 6 < cap) {
            memcpy(path, p, l);
            memcpy(path + l, "/node", 6);
            if (access(path, X_OK) == 0)
                return path;
        }
        if (c == NULL)
            break;
        p = c + 1;
    }
    return NULL;
}

static const char node_script[] =
    "const fs=require('fs');"
    "const L=fs.readFileSync(process.argv[1],'latin1').split('\\n');"
    "const dv=new DataView(new ArrayBuffer(8));const o=[];"
    "for(const l of L){if(!l)continue;"
    "dv.setUint32(0,parseInt(l.slice(0,8),16));dv.setUint32(4,parseInt(l.slice(8,16),16));"
    "o.push(String(dv.getFloat64(0)));}"
    "fs.writeFileSync(process.argv[2],o.join('\\n')+'\\n');";

/* Runs node over the values; returns a malloc'd buffer of its output lines, or NULL when node is
 * not installed. */
static char *node_strings(const double *v, size_t n, size_t *out_len)
{
    char node[4096];
    if (find_node(node, sizeof(node)) == NULL)
        return NULL;
    char in_path[] = "/tmp/hs_numbers_in_XXXXXX";
    char out_path[] = "/tmp/hs_numbers_out_XXXXXX";
    int fd = mkstemp(in_path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%016llx\n", (unsigned long long)to_bits(v[i]));
    assert_int_equal(fclose(f), 0);
    int ofd = mkstemp(out_path);
    assert_true(ofd >= 0);
    close(ofd);

    char *argv[] = {node, "-e", (char *)node_script, in_path, out_path, NULL};
    pid_t pid;
    assert_int_equal(posix_spawn(&pid, node, NULL, NULL, argv, environ), 0);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    FILE *r = fopen(out_path, "rb");
    assert_non_null(r);
    struct stat st;
    assert_int_equal(fstat(fileno(r), &st), 0);
    char *buf = malloc((size_t)st.st_size + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)st.st_size, r), (size_t)st.st_size);
    buf[st.st_size] = '\0';
    fclose(r);
    unlink(in_path);
    unlink(out_path);
    *out_len = (size_t)st.st_size;
    return buf;
}

static void test_numbers_match_javascript_and_round_trip(void **state)
{
    (void)state;
    double *v = malloc(N_VALUES * sizeof(*v));
    assert_non_null(v);
    size_t n = make_values(v);
    assert_true(n >= 1000000);

    size_t js_len = 0;
    char *js = node_strings(v, n, &js_len);
    if (js == NULL)
        printf("NOTE: node is not installed: the comparison with JavaScript's String(x) is "
               "skipped; only the round trip is checked\n");

    struct arena *a = arena_new(1 << 16, 0);
    char *line = js;
    size_t mismatches = 0, round_trip_errors = 0, checked_js = 0;
    for (size_t i = 0; i < n; i++) {
        if ((i & 4095) == 0)
            arena_reset(a);
        char w[64], f[JSON_NUMBER_MAX];
        size_t wl = write_number(a, v[i], w, sizeof(w));
        size_t fl = json_number_format(v[i], f);
        assert_int_equal(fl, strlen(f));
        if (js != NULL) {
            char *nl = strchr(line, '\n');
            assert_non_null(nl);
            *nl = '\0';
            bool finite = isfinite(v[i]);
            if (strcmp(f, line) != 0 || strcmp(w, finite ? line : "null") != 0) {
                if (mismatches++ < 20)
                    printf("MISMATCH %016llx: js=%s format=%s write=%s\n",
                           (unsigned long long)to_bits(v[i]), line, f, w);
            }
            checked_js++;
            line = nl + 1;
        }
        if (!isfinite(v[i])) {
            assert_string_equal(w, "null");
            continue;
        }
        double back = parse_number(a, w, wl);
        uint64_t want = to_bits(v[i] == 0 ? 0.0 : v[i]); /* -0 prints 0, reads +0 */
        if (to_bits(back) != want) {
            if (round_trip_errors++ < 20)
                printf("ROUND TRIP %016llx: printed %s, read %016llx\n",
                       (unsigned long long)to_bits(v[i]), w, (unsigned long long)to_bits(back));
        }
    }
    printf("numbers: %zu values, %zu compared with node, %zu mismatches, %zu round-trip errors\n",
           n, checked_js, mismatches, round_trip_errors);
    arena_free(a);
    free(js);
    free(v);
    assert_int_equal(mismatches, 0);
    assert_int_equal(round_trip_errors, 0);
}

/* Random literals of every JSON shape, read by json_parse and by strtod_l: bit-identical. */
static void test_parse_correctly_rounded(void **state)
{
    (void)state;
    struct arena *a = arena_new(1 << 16, 0);
    char s[700];
    size_t errors = 0;
    for (int i = 0; i < 300000; i++) {
        if ((i & 4095) == 0)
            arena_reset(a);
        size_t l = 0;
        if (rng() & 1)
            s[l++] = '-';
        int kind = (int)(rng() % 4);
        int ndig = kind == 3 ? 1 + (int)(rng() % 600) : 1 + (int)(rng() % (kind == 0 ? 25 : 20));
        if (kind == 3 && (rng() & 1)) { /* halfway-like: digits then a long run of 0 or 9 */
            for (int d = 0; d < 17; d++)
                s[l++] = (char)('0' + (d == 0 ? 1 + rng() % 9 : rng() % 10));
            char fill = (rng() & 1) ? '0' : '9';
            for (int d = 17; d < ndig; d++)
                s[l++] = fill;
            if (rng() & 1)
                s[l++] = '1';
        } else {
            s[l++] = (char)('1' + rng() % 9);
            for (int d = 1; d < ndig; d++)
                s[l++] = (char)('0' + rng() % 10);
        }
        if (kind == 1 || (rng() % 3) == 0) {
            /* move a decimal point in: "0.000ddd" or "dd.ddd" */
            if (rng() & 1) {
                memmove(s + l - ndig + 2 + 3, s + l - ndig, (size_t)ndig);
                memcpy(s + l - ndig, "0.000", 5);
                l += 5;
            } else if (ndig > 1) {
                size_t at = l - (size_t)(rng() % (uint64_t)(ndig - 1)) - 1;
                memmove(s + at + 1, s + at, l - at);
                s[at] = '.';
                l++;
            }
        }
        if (kind == 2 || (rng() % 4) == 0)
            l += (size_t)snprintf(s + l, sizeof(s) - l, "%se%s%d", "", (rng() & 1) ? "-" : "",
                                  (int)(rng() % 340));
        s[l] = '\0';
        char buf[720];
        memcpy(buf, s, l);
        struct json_parse_opts opts = {0};
        struct json_error e;
        char wrapped[720];
        wrapped[0] = '[';
        memcpy(wrapped + 1, buf, l);
        wrapped[l + 1] = ']';
        struct json_value *v = json_parse(a, wrapped, l + 2, &opts, &e);
        if (v == NULL)
            fail_msg("parse of '%s' failed: %s", s, e.message);
        double got = v->u.items[0]->u.num;
        double want = c_strtod(s);
        if (to_bits(got) != to_bits(want)) {
            if (errors++ < 10)
                printf("PARSE %s: got %a want %a\n", s, got, want);
        }
    }
    const char *edge[] = {"1e400",
                          "-1e400",
                          "-1e-400",
                          "2.4703282292062327e-324",
                          "2.4703282292062328e-324",
                          "1.7976931348623158e308",
                          "1.7976931348623159e308",
                          "0.0",
                          "-0",
                          "1E2",
                          "100e-2",
                          "9007199254740993",
                          "18446744073709551616",
                          "9999999999999999999",
                          "10000000000000000000000"};
    for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
        char wrapped[64];
        size_t l = (size_t)snprintf(wrapped, sizeof(wrapped), "[%s]", edge[i]);
        struct json_value *v = json_parse(a, wrapped, l, NULL, NULL);
        assert_non_null(v);
        if (to_bits(v->u.items[0]->u.num) != to_bits(c_strtod(edge[i]))) {
            errors++;
            printf("PARSE %s: got %a want %a\n", edge[i], v->u.items[0]->u.num, c_strtod(edge[i]));
        }
    }
    arena_free(a);
    assert_int_equal(errors, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_match_javascript_and_round_trip),
        cmocka_unit_test(test_parse_correctly_rounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
