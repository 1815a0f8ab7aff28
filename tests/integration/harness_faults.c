/* harness_faults.c — helpers of the fault, reload, drain and load tests (see harness_faults.h). */
#include "integration/harness_faults.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HSF_MAX_DIRS 8

static pthread_mutex_t hsf_lock = PTHREAD_MUTEX_INITIALIZER;
static char hsf_dirs[HSF_MAX_DIRS][128];
static int hsf_ndirs;
static char hsf_mod_dir[128];

long long hsf_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void hsf_sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void hsf_cleanup(void)
{
    for (int i = 0; i < hsf_ndirs; i++) {
        DIR *d = opendir(hsf_dirs[i]);
        if (d != NULL) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || e->d_name[1] == '.'))
                    continue;
                char p[512];
                snprintf(p, sizeof(p), "%.200s/%.255s", hsf_dirs[i], e->d_name);
                unlink(p);
            }
            closedir(d);
        }
        rmdir(hsf_dirs[i]);
    }
    hsf_ndirs = 0;
}

const char *hsf_temp_dir(void)
{
    pthread_mutex_lock(&hsf_lock);
    const char *out = NULL;
    if (hsf_ndirs < HSF_MAX_DIRS) {
        if (hsf_ndirs == 0)
            atexit(hsf_cleanup);
        char *d = hsf_dirs[hsf_ndirs];
        snprintf(d, sizeof(hsf_dirs[0]), "/tmp/hs-faults-XXXXXX");
        if (mkdtemp(d) != NULL) {
            hsf_ndirs++;
            out = d;
        }
    }
    pthread_mutex_unlock(&hsf_lock);
    return out;
}

static void hsf_built_module(char *out, size_t cap)
{
    const char *m = getenv("HS_TEST_MODULES_DIR");
    snprintf(out, cap, "%s/faults.so", m ? m : "build/test-modules");
}

const char *hsf_module_dir(void)
{
    if (hsf_mod_dir[0] != '\0')
        return hsf_mod_dir;
    const char *d = hsf_temp_dir();
    assert_non_null(d);
    char target[512], real[4096], link[256];
    hsf_built_module(target, sizeof(target));
    assert_non_null(realpath(target, real));
    snprintf(link, sizeof(link), "%s/faults.so", d);
    assert_int_equal(symlink(real, link), 0);
    snprintf(hsf_mod_dir, sizeof(hsf_mod_dir), "%s", d);
    return hsf_mod_dir;
}

static char *hsf_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n < cap)
            break;
        char *nb = realloc(buf, cap * 2);
        if (nb == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Writes len bytes to dir/faults.so through dir/.faults.so.tmp renamed over it. */
static int hsf_install_bytes(const char *dir, const char *bytes, size_t len)
{
    char tmp[512], dst[512];
    snprintf(tmp, sizeof(tmp), "%s/.faults.so.tmp", dir);
    snprintf(dst, sizeof(dst), "%s/faults.so", dir);
    FILE *f = fopen(tmp, "wb");
    if (f == NULL)
        return -1;
    int rc = fwrite(bytes, 1, len, f) == len ? 0 : -1;
    if (fclose(f) != 0)
        rc = -1;
    if (rc == 0)
        rc = rename(tmp, dst);
    return rc;
}

int hsf_install_module(const char *dir, const char *tag)
{
    char src[512];
    hsf_built_module(src, sizeof(src));
    size_t len = 0;
    char *bytes = hsf_slurp(src, &len);
    if (bytes == NULL || strlen(tag) != 8) {
        free(bytes);
        return -1;
    }
    static const char mark[] = "faults-tag:";
    int found = 0;
    for (char *p = bytes; p != NULL && p + sizeof(mark) - 1 + 8 <= bytes + len;) {
        p = memmem(p, (size_t)(bytes + len - p), mark, sizeof(mark) - 1);
        if (p == NULL)
            break;
        memcpy(p + sizeof(mark) - 1, tag, 8);
        found++;
        p += sizeof(mark) - 1 + 8;
    }
    int rc = found == 1 ? hsf_install_bytes(dir, bytes, len) : -1;
    free(bytes);
    return rc;
}

int hsf_install_garbage(const char *dir)
{
    static const char junk[] = "\x7f"
                               "ELF this is not a shared object, only a broken deployment\n";
    return hsf_install_bytes(dir, junk, sizeof(junk) - 1);
}

long hsf_rss_kb(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    long kb = -1;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kb = strtol(line + 6, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kb;
}

pid_t hsf_wait_busy(const struct hst_server *s, int timeout_ms)
{
    return hst_server_wait_busy(s, timeout_ms);
}

int hsf_wait_workers(const struct hst_server *s, int n, pid_t *pids, int max, int timeout_ms)
{
    long long end = hsf_now_ms() + timeout_ms;
    int got = 0;
    do {
        got = hst_server_workers(s, pids, max);
        if (got >= n)
            break;
        hsf_sleep_ms(20);
    } while (hsf_now_ms() < end);
    return got;
}

int hsf_log_count(const struct hst_server *s, const char *needle)
{
    char *log = hst_server_log(s);
    int n = 0;
    for (const char *p = log; p != NULL && (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    free(log);
    return n;
}

int hsf_wait_log(const struct hst_server *s, const char *needle, int count, int timeout_ms)
{
    long long end = hsf_now_ms() + timeout_ms;
    do {
        if (hsf_log_count(s, needle) >= count)
            return 1;
        hsf_sleep_ms(20);
    } while (hsf_now_ms() < end);
    return 0;
}

const char *hsf_body(char *buf, size_t cap, const char *fn, const char *opts, int top_level)
{
    snprintf(buf, cap, "{\"diy\":true,%s\"function\":\"%s\",\"options\":%s}",
             top_level ? "" : "\"type\":\"hook\",", fn, opts ? opts : "{}");
    return buf;
}

const char *const *hsf_small_quarantine_env(void)
{
    static char asan[1024];
    static const char *env[2];
    const char *cur = getenv("ASAN_OPTIONS");
    snprintf(asan, sizeof(asan), "ASAN_OPTIONS=%.900s%squarantine_size_mb=8", cur ? cur : "",
             cur && *cur ? ":" : "");
    env[0] = asan;
    env[1] = NULL;
    return env;
}
