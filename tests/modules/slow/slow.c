/* slow.c — test-only module for the server tests (tests/integration/test_server.c,
 * test_hostile.c, test_worker_crash.c): DIY hooks that take their time or kill their worker, so
 * the front's interim "102 Processing", drain, deadlines and crash handling can be exercised.
 *
 *   sleepMs     (type hook) waits options.ms milliseconds (0-600000), then returns [options]
 *   crashNow    (type hook) aborts the worker process (SIGABRT) */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "hookstack.h"

static const hs_api *api;

static hs_status sleep_ms(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    double ms = api->json_number(api->json_get(options, "ms"), 0);
    if (!(ms >= 0 && ms <= 600000))
        return api->fail(ctx, "invalid_ms", "options.ms must be a number from 0 to 600000");
    long whole = (long)ms;
    struct timespec ts = {.tv_sec = whole / 1000, .tv_nsec = (whole % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    hs_json *arr = api->json_new_array(ctx);
    if (arr == NULL || api->json_push(ctx, arr, options) != HS_OK)
        return api->fail(ctx, "out_of_memory", "out of memory");
    *result = arr;
    return HS_OK;
}

static hs_status crash_now(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)ctx;
    (void)options;
    (void)result;
    abort();
}

static hs_status slow_init(const hs_api *a, hs_module *mod)
{
    api = a;
    hs_fn_opts o = HS_FN_OPTS_INIT;
    o.description = "waits options.ms milliseconds, then returns [options] (server tests)";
    o.diy = HS_DIY_YES;
    o.group = "hooks";
    hs_status st = api->register_fn(mod, "sleepMs", HS_KIND_RAW, sleep_ms, &o);
    if (st != HS_OK)
        return st;
    hs_fn_opts c = HS_FN_OPTS_INIT;
    c.description = "aborts its worker process (server tests)";
    c.diy = HS_DIY_YES;
    c.group = "hooks";
    return api->register_fn(mod, "crashNow", HS_KIND_RAW, crash_now, &c);
}

HS_MODULE("slow", "1.0.0", slow_init)
