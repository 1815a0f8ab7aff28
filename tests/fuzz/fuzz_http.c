/* fuzz_http.c — request bytes into the front's parser (runner/http.c), fed in pieces whose sizes
 * come from the input's first byte, the way a socket delivers them; pipelined requests are parsed
 * one after another as the front does. Limits are small so every limit path is reachable. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http.h"

static enum http_body_mode fuzz_on_headers(struct http_req *r, void *arg)
{
    (void)arg;
    struct strv url = http_req_url(r);
    /* Exercise both body modes, chosen by the URL like the front's routes. */
    return (url.len > 1 && url.p[1] == 'f') ? HTTP_BODY_KEEP : HTTP_BODY_DISCARD;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct http_limits lim = {
        .max_header_bytes = 2048, .max_headers = 16, .max_body = 4096};
    if (size == 0)
        return 0;
    size_t step = (size_t)(data[0] % 64) + 1;
    data++;
    size--;
    http_global_init(lim.max_header_bytes);
    struct http_req r;
    http_req_init(&r, &lim, fuzz_on_headers, NULL);
    size_t off = 0;
    int requests = 0;
    while (off < size && requests < 64) {
        size_t n = size - off < step ? size - off : step;
        size_t used = http_req_feed(&r, (const char *)data + off, n);
        off += used;
        if (r.err != HTTP_OK)
            break;
        if (r.complete) {
            struct strv b = http_req_body(&r);
            volatile char sink = b.len > 0 ? b.p[b.len - 1] : 0;
            (void)sink;
            for (int h = 0; h < HTTP_HDR_COUNT; h++) {
                struct strv v = http_req_header(&r, (enum http_hdr)h);
                if (v.p != NULL && v.len > 0)
                    sink = v.p[0];
            }
            http_req_next(&r);
            requests++;
            continue;
        }
        if (used < n)
            break;
    }
    http_req_free(&r);
    return 0;
}
