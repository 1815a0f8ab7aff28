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

struct tls_config;
struct tls_conn;

enum tls_status {
    TLS_OK = 0,
    TLS_E_WANT_READ = -1, /* needs more ciphertext from the peer */
    TLS_E_CLOSED = -2,    /* the peer sent close_notify */
    TLS_E_PROTOCOL = -3,  /* handshake or record failure: close the connection */
    TLS_E_NOMEM = -4,
    TLS_E_NOT_TLS = -5, /* the first bytes are not a TLS handshake (plain HTTP on the TLS port) */
    TLS_E_CONFIG = -6,  /* certificate or key unusable */
};

/* Loads a PEM certificate chain (leaf first) and its PEM private key. On failure returns NULL and
 * writes one line naming the file and the reason into err. */
struct tls_config *tls_config_load(const char *cert_file, const char *key_file, char *err,
                                   size_t errlen);
void tls_config_ref(struct tls_config *cfg);
void tls_config_unref(struct tls_config *cfg); /* frees with the last reference; NULL allowed */

/* A server-side connection using cfg (takes a reference). NULL when out of memory. */
struct tls_conn *tls_conn_new(struct tls_config *cfg);
void tls_conn_free(struct tls_conn *c);

/* Hands ciphertext read from the socket to the connection (copied). TLS_OK or TLS_E_NOMEM. */
int tls_conn_feed(struct tls_conn *c, const void *data, size_t len);

/* Drives the handshake, then decrypts: returns the number of plaintext bytes (> 0) written to buf,
 * or a negative enum tls_status (TLS_E_WANT_READ: feed more, then call again). Ciphertext to send
 * may be pending afterwards in any case. */
ssize_t tls_conn_read(struct tls_conn *c, void *buf, size_t len);

/* Encrypts all of data into the pending ciphertext. TLS_OK or a negative status. */
int tls_conn_write(struct tls_conn *c, const void *data, size_t len);

/* Queues close_notify. */
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
