/* fuzz_http.c — request bytes into the front's parser (runner/http.c with its strict scanner,
 * http_scan.c), fed in pieces whose sizes come from the input's first byte, the way a socket
 * delivers them; pipelined requests are parsed one after another as the front does. Limits are
 * small so every limit path is reachable. The same bytes are then fed whole and one byte at a
 * time: how a stream is cut must never change what it means, so the three runs must agree on
 * every request (URL, kept headers, body) and on the error that ended them. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

static enum http_body_mode fuzz_on_headers(struct http_req *r, void *arg)
{
    (void)arg;
    struct strv url = http_req_url(r);
    /* Exercise every body mode, chosen by the URL like the front's routes and token check. */
    if (url.len > 1 && url.p[1] == 'r')
        return HTTP_BODY_REFUSE;
    return (url.len > 1 && url.p[1] == 'f') ? HTTP_BODY_KEEP : HTTP_BODY_DISCARD;
}

/* What a run saw: a hash of every completed request, how many, and how it ended. */
struct fuzz_run {
    uint64_t hash;
    int requests;
    int err; /* HTTP status of the failure, 0 when none */
    const char *detail;
    size_t consumed;
};

static uint64_t hash_bytes(uint64_t h, const char *p, size_t n)
{
    h ^= n + 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t hash_strv(uint64_t h, struct strv v)
{
    return v.p == NULL ? hash_bytes(h, "\xff", 1) : hash_bytes(h, v.p, v.len);
}

static void run(const uint8_t *data, size_t size, size_t step, struct fuzz_run *out)
{
    static const struct http_limits lim = {
        .max_header_bytes = 2048, .max_headers = 16, .max_body = 4096};
    http_global_init(lim.max_header_bytes);
    struct http_req r;
    http_req_init(&r, &lim, fuzz_on_headers, NULL);
    memset(out, 0, sizeof(*out));
    size_t off = 0;
    while (off < size && out->requests < 64) {
        size_t n = size - off < step ? size - off : step;
        size_t used = http_req_feed(&r, (const char *)data + off, n);
        off += used;
        if (r.err != ERR_OK)
            break;
        if (r.complete && r.refused)
            break; /* answered unread; the front closes the connection */
        if (r.complete) {
            out->hash = hash_strv(out->hash, http_req_url(&r));
            for (int h = 0; h < HTTP_HDR_COUNT; h++)
                out->hash = hash_strv(out->hash, http_req_header(&r, (enum http_hdr)h));
            out->hash = hash_strv(out->hash, http_req_body(&r));
            out->hash = hash_bytes(out->hash, http_req_method(&r), strlen(http_req_method(&r)));
            out->hash ^= http_req_keep_alive(&r) ? 1 : 2;
            http_req_next(&r);
            out->requests++;
            continue;
        }
        if (used < n)
            break;
    }
    out->err = r.err_status;
    out->detail = r.err_detail;
    out->consumed = off;
    http_req_free(&r);
}

static void same_or_abort(const struct fuzz_run *a, const struct fuzz_run *b)
{
    /* After an error, how far each run had read may differ by where a callback ran. */
    if (a->hash != b->hash || a->requests != b->requests || a->err != b->err ||
        (a->err == 0 && a->consumed != b->consumed) || (a->detail == NULL) != (b->detail == NULL) ||
        (a->detail != NULL && strcmp(a->detail, b->detail) != 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t step = (size_t)(data[0] % 64) + 1;
    data++;
    size--;
    struct fuzz_run pieces, whole, bytes;
    run(data, size, step, &pieces);
    run(data, size, size > 0 ? size : 1, &whole);
    run(data, size, 1, &bytes);
    same_or_abort(&pieces, &whole);
    same_or_abort(&pieces, &bytes);
    return 0;
}
