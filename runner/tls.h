/* tls.h — TLS termination for the front with mbedTLS, over memory buffers (no socket inside).
 *
 * The front owns the sockets and the loop; a tls_conn only turns ciphertext into plaintext and
 * back: the front feeds what it read (tls_conn_feed), pulls plaintext (tls_conn_read, which also
 * drives the handshake), pushes plaintext (tls_conn_write) and sends whatever ciphertext is pending
 * (tls_conn_pending / tls_conn_consume). Nothing here blocks, so a stalled or failed handshake
 * never holds the loop. TLS 1.2 only where the library lacks 1.3 (Debian 12's mbedTLS 2.28), ECDHE
 * with AEAD suites only (AES-GCM, ChaCha20-Poly1305), ALPN http/1.1, session tickets.
 *
 * A tls_config is reference-counted: SIGHUP loads a new one for new connections while existing
 * connections keep the one they started with. */
#ifndef HS_TLS_H
#define HS_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

struct tls_config;
struct tls_conn;

/* Errors are err.h codes; for the calls below they mean:
 *   ERR_AGAIN        needs more ciphertext from the peer (feed more, then call again)
 *   ERR_CLOSED       the peer sent close_notify
 *   ERR_PROTOCOL     handshake or record failure: close the connection (tls_conn_error says why)
 *   ERR_NOMEM        out of memory, or past the connection's buffer limit
 *   ERR_UNSUPPORTED  the first bytes are not a TLS handshake (plain HTTP on the TLS port) */

/* Loads a PEM certificate chain (leaf first) and its PEM private key. On failure returns NULL and
 * writes one line naming the file and the reason into err. */
struct tls_config *tls_config_load(const char *cert_file, const char *key_file, char *err,
                                   size_t errlen);
void tls_config_ref(struct tls_config *cfg);
void tls_config_unref(struct tls_config *cfg); /* frees with the last reference; NULL allowed */

/* A server-side connection using cfg (takes a reference). NULL when out of memory. */
struct tls_conn *tls_conn_new(struct tls_config *cfg);
void tls_conn_free(struct tls_conn *c);

/* Hands ciphertext read from the socket to the connection (copied). 0, ERR_NOMEM, or
 * ERR_UNSUPPORTED when the first bytes are not a TLS handshake. */
int tls_conn_feed(struct tls_conn *c, const void *data, size_t len);

/* Drives the handshake, then decrypts: returns the number of plaintext bytes (> 0) written to buf,
 * or a negative err.h code (ERR_AGAIN: feed more, then call again). Ciphertext to send
 * may be pending afterwards in any case. */
ssize_t tls_conn_read(struct tls_conn *c, void *buf, size_t len);

/* Encrypts all of data into the pending ciphertext. 0 or a negative err.h code. */
int tls_conn_write(struct tls_conn *c, const void *data, size_t len);

/* Queues close_notify. 0 or a negative err.h code. */
int tls_conn_shutdown(struct tls_conn *c);

/* Ciphertext waiting to be sent: *data points into the connection, valid until the next call on it.
 * After sending n bytes, tls_conn_consume(c, n). */
size_t tls_conn_pending(struct tls_conn *c, const uint8_t **data);
void tls_conn_consume(struct tls_conn *c, size_t n);

bool tls_conn_handshake_done(const struct tls_conn *c);
/* The negotiated protocol version and ALPN ("TLSv1.2", "http/1.1"), or NULL before the handshake.
 */
const char *tls_conn_version(const struct tls_conn *c);
const char *tls_conn_alpn(const struct tls_conn *c);
/* The last error as text, for the log ("" when none). */
const char *tls_conn_error(const struct tls_conn *c);

#endif
