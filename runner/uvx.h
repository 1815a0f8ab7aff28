/* uvx.h — small additions to libuv shared by the front and the worker pool. */
#ifndef HS_UVX_H
#define HS_UVX_H

#include <uv.h>

/* Writes bufs (at most 4) without waking the loop when the socket takes them at once
 * (uv_try_write), else queues the rest with uv_write. Returns 1 when everything was written (cb
 * will not be called), 0 when cb will be called, or a negative libuv error. (uv_write alone would
 * re-arm the descriptor in epoll for every answer.) */
int uvx_write(uv_write_t *req, uv_stream_t *s, const uv_buf_t *bufs, unsigned n, uv_write_cb cb);

#endif
