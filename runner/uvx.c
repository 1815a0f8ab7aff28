/* uvx.c — small additions to libuv (see uvx.h). */
#include "uvx.h"

int uvx_write(uv_write_t *req, uv_stream_t *s, const uv_buf_t *bufs, unsigned n, uv_write_cb cb)
{
    int w = uv_try_write(s, bufs, n);
    if (w < 0 && w != UV_EAGAIN)
        return w;
    size_t done = w > 0 ? (size_t)w : 0;
    uv_buf_t rest[4];
    unsigned k = 0;
    for (unsigned i = 0; i < n; i++) {
        if (done >= bufs[i].len) {
            done -= bufs[i].len;
            continue;
        }
        if (k == 4)
            return UV_EINVAL;
        rest[k] = uv_buf_init(bufs[i].base + done, (unsigned)(bufs[i].len - done));
        done = 0;
        k++;
    }
    if (k == 0)
        return 1;
    int rc = uv_write(req, s, rest, k, cb);
    return rc < 0 ? rc : 0;
}
