/* front_tls.h — TLS on the front's client sockets: the glue between a libuv stream and a tls_conn
 * (tls.h), so that front.c handles plaintext the same way with and without TLS.
 *
 * Reading: the ciphertext the loop read is fed in and every plaintext piece is handed to a
 * callback; handshake messages are sent as they come. Writing: an answer is encrypted in pieces
 * of at most FRONT_TLS_CHUNK bytes, each sent before the next is encrypted, so a large body never
 * sits whole in ciphertext; ciphertext goes out with uv_try_write first, and what the socket does
 * not take at once is copied and queued with uv_write (libuv keeps the order). Nothing blocks: a
 * handshake that stalls simply produces no plaintext, and the front's own timers end it. */
#ifndef HS_FRONT_TLS_H
#define HS_FRONT_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "tls.h"

#define FRONT_TLS_CHUNK (64u * 1024u)

struct front_tls;

/* A TLS layer over stream s using cfg (referenced). NULL when out of memory. */
struct front_tls *front_tls_new(struct tls_config *cfg, uv_stream_t *s);
/* Frees it; only after the stream's close callback (pending writes are done by then). */
void front_tls_free(struct front_tls *t);

/* Called with each plaintext piece; returns false to stop (the connection is closing). */
typedef bool (*front_tls_deliver)(void *arg, const char *data, size_t len);

/* Feeds len bytes of ciphertext, sends what the handshake answers, then decrypts into plain
 * (cap bytes) and calls deliver for each piece. Returns 0 (also when deliver said stop), or an
 * err.h code:
 *   ERR_CLOSED       the client sent close_notify: treat as end of file
 *   ERR_UNSUPPORTED  the first bytes are not a TLS handshake (plain HTTP)
 *   ERR_PROTOCOL     handshake or record failure (its alert is queued: front_tls_flush)
 *   ERR_NOMEM        out of memory
 *   ERR_IO           the socket refused the ciphertext */
int front_tls_on_read(struct front_tls *t, const char *data, size_t len, char *plain, size_t cap,
                      front_tls_deliver deliver, void *arg);

/* Encrypts and sends bufs (n <= 4; they must stay valid until done). Returns 1 when everything
 * was handed to the socket at once (cb is not called), 0 when cb(req, status) will be called once
 * it is written, or a negative libuv error. With allow_sync false, cb is always called. */
int front_tls_write(struct front_tls *t, uv_write_t *req, const uv_buf_t *bufs, unsigned n,
                    uv_write_cb cb, bool allow_sync);

/* Encrypts and sends a short message (an interim 100/102 answer), in order with the rest. */
int front_tls_send(struct front_tls *t, const char *data, size_t len);

/* Queues close_notify and sends it (before the caller's uv_shutdown). */
void front_tls_close_notify(struct front_tls *t);

/* Sends whatever ciphertext is pending (an alert after a failed handshake). */
void front_tls_flush(struct front_tls *t);

/* The protocol and ALPN after the handshake, the last error ("" when none). */
const char *front_tls_version(const struct front_tls *t);
const char *front_tls_alpn(const struct front_tls *t);
const char *front_tls_error(const struct front_tls *t);

#endif
