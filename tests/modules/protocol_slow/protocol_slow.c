/* protocol_slow.c — test-only module for the protocol suite (tests/integration/test_protocol.c):
 * one DIY function that takes its time, so D11 (an interim "102 Processing" before the final
 * answer) can be checked with a short --processing-interval-ms, and one reachable only at the
 * top level, for D13 (framework 2.0: a request without `type` calls the top-level function).
 *
 *   protocolSlowEcho   waits options.ms milliseconds (0-60000), then returns options
 *                      (group "utilities" and top level)
 *   protocolFlatEcho   returns options (top level only: no group) */
#include <errno.h>
#include <time.h>

#include "hookstack.h"

static const hs_api *api;

static hs_status slow_echo(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    double ms = api->json_number(api->json_get(options, "ms"), 0);
    if (!(ms >= 0 && ms <= 60000))
        return api->fail(ctx, "invalid_ms", "options.ms must be a number from 0 to 60000");
    long whole = (long)ms;
    struct timespec ts = {.tv_sec = whole / 1000, .tv_nsec = (whole % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    *result = options;
    return HS_OK;
}

static hs_status flat_echo(hs_ctx *ctx, hs_json *options, hs_json **result)
{
    (void)ctx;
    *result = options;
    return HS_OK;
}

static hs_status protocol_slow_init(const hs_api *a, hs_module *mod)
{
    api = a;
    hs_fn_opts o = HS_FN_OPTS_INIT;
    o.description = "waits options.ms milliseconds, then returns options (protocol tests)";
    o.diy = HS_DIY_YES;
    hs_status st = api->register_fn(mod, "protocolSlowEcho", HS_KIND_UTILITY, slow_echo, &o);
    if (st != HS_OK)
        return st;
    hs_fn_opts f = HS_FN_OPTS_INIT;
    f.description = "returns options; top level only (protocol tests, framework 2.0)";
    f.diy = HS_DIY_YES;
    f.group = "";
    return api->register_fn(mod, "protocolFlatEcho", HS_KIND_RAW, flat_echo, &f);
}

HS_MODULE("protocol_slow", "1.0.0", protocol_slow_init)
