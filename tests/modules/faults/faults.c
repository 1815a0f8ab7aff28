/* faults.c — test-only module of hooks that misbehave on purpose, for the fault, load and reload
 * tests (tests/integration/test_faults*.c) and the failure table in the README. Every function is
 * a DIY hook, reachable with type "hook" and at the top level:
 *
 *   faultSegv     writes to a page it mapped without access (a real SIGSEGV)
 *   faultBus      reads past the end of an empty file it mapped (a real SIGBUS)
 *   faultAbort    abort() (SIGABRT)
 *   faultExit     exit(3): the process ends without answering
 *   faultSpin     loops forever (only a deadline ends it)
 *   faultAlloc    allocates 1 MB blocks without bound, touching every page (only a memory limit
 *                 ends it; if an allocation fails it answers 422 alloc_failed)
 *   faultGarbage  writes binary garbage (NULs, escapes, fake frame heads, invalid UTF-8) to
 *                 stdout and stderr, through stdio and straight to the descriptors, then
 *                 options.lines (default 200, at most 100000) numbered lines to stderr, then
 *                 answers [options] like doSomething
 *   faultSanitizer  in a sanitizer build, reads past a heap block (AddressSanitizer reports it
 *                 and ends the process with status 1); in a plain build, abort()
 *   faultSleep    sleeps options.ms (0-600000), then answers [options]
 *   faultRecords  a per-record preMap: a record whose "crash" is "segv", "bus", "abort", "exit"
 *                 or "sanitizer" faults as the function of that name does; every other record
 *                 is kept as it is
 *   faultTag      sleeps options.ms when given, then answers {"tag":"<8 characters>"}: the tag is
 *                 FAULTS_TAG below, which the reload test patches in a copy of the built file to
 *                 tell an old module from a new one
 *   faultFrameLie writes, on the worker's socket to the front (descriptor 3), the head of a
 *                 response frame claiming 2 GiB, then zeros in 1 MB writes until a write fails
 *                 (a worker whose memory a hook corrupted could do the same) */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "hookstack.h"

/* "faults-tag:" then 8 characters; the test finds this text in the .so and rewrites them. */
static const char faults_tag[] = "faults-tag:AAAAAAAA";

static const hs_api *api;

static hs_status options_in_array(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    hs_json *arr = api->json_new_array(ctx);
    if (arr == NULL || api->json_push(ctx, arr, options) != HS_OK)
        return HS_ERR_NOMEM;
    *result = arr;
    return HS_OK;
}

/* Sleeps options.ms; HS_ERR_FAILED (recorded) when it is not a number from 0 to 600000. */
static hs_status sleep_option(hs_ctx *ctx, hs_json *options, int required)
{
    hs_json *v = api->json_get(options, "ms");
    if (v == NULL && !required)
        return HS_OK;
    double ms = api->json_number(v, -1);
    if (!(ms >= 0 && ms <= 600000))
        return api->fail(ctx, "invalid_ms", "options.ms must be a number from 0 to 600000");
    long whole = (long)ms;
    struct timespec ts = {.tv_sec = whole / 1000, .tv_nsec = (whole % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    return HS_OK;
}

static hs_status fault_segv(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    (void)result;
    volatile char *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED)
        return api->fail(ctx, "mmap_failed", "mmap failed");
    page[0] = 1;
    return HS_OK;
}

static hs_status fault_bus(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    (void)result;
    FILE *f = tmpfile();
    if (f == NULL)
        return api->fail(ctx, "tmpfile_failed", "tmpfile failed");
    volatile char *page = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fileno(f), 0);
    if (page == MAP_FAILED)
        return api->fail(ctx, "mmap_failed", "mmap failed");
    char c = page[0]; /* the file is empty: SIGBUS */
    fclose(f);
    return api->fail(ctx, "no_fault", "read %d", c);
}

static hs_status fault_abort(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)ctx;
    (void)options;
    (void)result;
    abort();
}

static hs_status fault_sanitizer(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)result;
#if defined(__SANITIZE_ADDRESS__)
    /* The index comes from the request, so the compiler cannot see the overflow coming. */
    size_t i = (size_t)api->json_number(api->json_get(options, "index"), 8);
    size_t n = (size_t)api->json_number(api->json_get(options, "size"), 8);
    volatile char *p = calloc(1, n);
    char c = p[i]; /* heap-buffer-overflow */
    free((void *)p);
    return api->fail(ctx, "no_fault", "read %d", c);
#else
    (void)ctx;
    (void)options;
    abort();
#endif
}

static hs_status fault_exit(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)ctx;
    (void)options;
    (void)result;
    exit(3);
}

static hs_status fault_spin(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)ctx;
    (void)options;
    (void)result;
    volatile unsigned long long n = 1;
    while (n != 0) /* 2^64 iterations: forever */
        n++;
    return HS_OK;
}

static hs_status fault_alloc(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    (void)result;
    void **head = NULL;
    for (;;) {
        void **block = malloc((size_t)1 << 20);
        if (block == NULL)
            return api->fail(ctx, "alloc_failed", "malloc returned NULL");
        memset(block, 0x5a, (size_t)1 << 20);
        *block = head; /* every block stays reachable: nothing is freed, nothing is leaked */
        head = block;
    }
}

static hs_status fault_garbage(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    static const unsigned char junk[] = {
        'H',  'S',  'A',  '1',  0xff, 0xff, 0xff, 0x7f, 0,   0,    0,   0, /* a response frame head
                                                                            */
        'H',  'S',  'N',  '1',  8,    0,    0,    0,                       /* a note head */
        0x1b, '[',  '2',  'J',  0x1b, ']',  '0',  ';',  'x', 0x07,         /* terminal escapes */
        0xc3, 0x28, 0xed, 0xa0, 0x80, 0xf8, 0x88, 0x80,                    /* invalid UTF-8 */
        '\r', 'l',  'e',  'v',  'e',  'l',  '=',  'e',  'r', 'r',  'o', 'r',  ' ', 'e',
        'v',  'e',  'n',  't',  '=',  'f',  'a',  'k',  'e', '\n', '"', '\\', 0,   '\n'};
    fwrite(junk, 1, sizeof(junk), stdout);
    fwrite(junk, 1, sizeof(junk), stderr);
    printf("no newline at the end");
    fflush(stdout);
    ssize_t w1 = write(1, junk, sizeof(junk));
    ssize_t w2 = write(2, junk, sizeof(junk));
    (void)w1;
    (void)w2;
    double lines = api->json_number(api->json_get(options, "lines"), 200);
    for (int i = 0; i < (lines >= 0 && lines <= 100000 ? (int)lines : 200); i++)
        fprintf(stderr, "garbage line %d %s\n", i, "\x01\x02\x03");
    return options_in_array(ctx, options, result);
}

static hs_status fault_sleep(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    hs_status st = sleep_option(ctx, options, 1);
    if (st != HS_OK)
        return st;
    return options_in_array(ctx, options, result);
}

static hs_status fault_tag(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    hs_status st = sleep_option(ctx, options, 0);
    if (st != HS_OK)
        return st;
    hs_json *o = api->json_new_object(ctx);
    const char *tag = faults_tag + strlen("faults-tag:");
    if (o == NULL || api->json_set(ctx, o, "tag", api->json_new_stringn(ctx, tag, 8)) != HS_OK)
        return HS_ERR_NOMEM;
    *result = o;
    return HS_OK;
}

static hs_status fault_frame_lie(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)options;
    (void)result;
    /* "HSA1", then the frame length: 2^31 bytes, the largest a frame head may state. */
    static const unsigned char head[8] = {'H', 'S', 'A', '1', 0, 0, 0, 0x80};
    static char zeros[1 << 20];
    if (write(3, head, sizeof(head)) != (ssize_t)sizeof(head))
        return api->fail(ctx, "write_failed", "cannot write to descriptor 3");
    for (;;) {
        if (write(3, zeros, sizeof(zeros)) < 0 && errno != EINTR)
            return api->fail(ctx, "write_failed", "the front stopped reading");
    }
}

static hs_status fault_records(hs_ctx *ctx, hs_record *rec)
{
    const char *how =
        api->json_string(ctx, api->json_get(api->record_data(rec), "crash"), NULL, "");
    static const struct {
        const char *name;
        hs_fn fn;
    } faults[] = {{"segv", fault_segv},
                  {"bus", fault_bus},
                  {"abort", fault_abort},
                  {"exit", fault_exit},
                  {"sanitizer", fault_sanitizer}};
    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
        if (strcmp(how, faults[i].name) == 0) {
            hs_json *result = NULL;
            return faults[i].fn(ctx, api->json_new_object(ctx), &result);
        }
    }
    return HS_OK;
}

static hs_status faults_init(const hs_api *a, hs_module *mod)
{
    api = a;
    static const struct {
        const char *name;
        hs_fn fn;
        const char *what;
    } fns[] = {
        {"faultSegv", fault_segv, "SIGSEGV: writes to a page mapped without access"},
        {"faultBus", fault_bus, "SIGBUS: reads past the end of an empty mapped file"},
        {"faultAbort", fault_abort, "abort()"},
        {"faultExit", fault_exit, "exit(3) without answering"},
        {"faultSanitizer", fault_sanitizer, "a heap overflow under ASan, else abort()"},
        {"faultSpin", fault_spin, "loops forever"},
        {"faultAlloc", fault_alloc, "allocates 1 MB blocks without bound"},
        {"faultGarbage", fault_garbage, "prints garbage on stdout and stderr, answers [options]"},
        {"faultSleep", fault_sleep, "sleeps options.ms, answers [options]"},
        {"faultTag", fault_tag, "answers {\"tag\": the module's tag}"},
        {"faultFrameLie", fault_frame_lie, "a response frame head claiming 2 GiB, then zeros"},
    };
    for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
        hs_fn_opts o = HS_FN_OPTS_INIT;
        o.description = fns[i].what;
        o.diy = HS_DIY_YES;
        o.group = "hooks";
        hs_status st = api->register_fn(mod, fns[i].name, HS_KIND_RAW, fns[i].fn, &o);
        if (st != HS_OK)
            return st;
    }
    hs_fn_opts o = HS_FN_OPTS_INIT;
    o.description = "per-record preMap: faults at the record whose \"crash\" names a fault";
    o.diy = HS_DIY_YES;
    o.group = "hooks";
    return api->register_record_fn(mod, "faultRecords", HS_KIND_PRE_MAP, fault_records, &o);
}

HS_MODULE("faults", "1.0.0", faults_init)
