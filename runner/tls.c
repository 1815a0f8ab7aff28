/* tls.c — mbedTLS server connections over memory buffers (see tls.h). */
#include "tls.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ciphersuites.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/x509_crt.h>

/* The largest ciphertext we buffer per direction before refusing (a TLS record is at most ~16 KB;
 * the front stops reading while output is pending, so this bounds memory per connection). */
#define TLS_BUF_MAX (4u * 1024u * 1024u)

struct tls_config {
    int refs;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt chain;
    mbedtls_pk_context key;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ssl_ticket_context tickets;
};

struct tls_buf {
    uint8_t *data;
    size_t off, len, cap; /* unread bytes are data[off, len) */
};

struct tls_conn {
    struct tls_config *cfg;
    mbedtls_ssl_context ssl;
    struct tls_buf in, out;
    bool first_checked;
    bool handshake_done;
    char error[160];
};

static const int suites[] = {
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    0,
};

static const char *alpn_list[] = {"http/1.1", NULL};

/* X25519 first: its key exchange costs a fraction of P-256's in mbedTLS, and handshakes run on
 * the front's loop. */
static const mbedtls_ecp_group_id curves[] = {MBEDTLS_ECP_DP_CURVE25519, MBEDTLS_ECP_DP_SECP256R1,
                                              MBEDTLS_ECP_DP_SECP384R1, MBEDTLS_ECP_DP_NONE};

static void set_err(char *err, size_t errlen, const char *what, const char *file, int rc)
{
    char buf[128];
    mbedtls_strerror(rc, buf, sizeof(buf));
    snprintf(err, errlen, "%s %s: %s", what, file, buf);
}

struct tls_config *tls_config_load(const char *cert_file, const char *key_file, char *err,
                                   size_t errlen)
{
    struct tls_config *cfg = calloc(1, sizeof(*cfg));
    if (cfg == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    cfg->refs = 1;
    mbedtls_ssl_config_init(&cfg->conf);
    mbedtls_x509_crt_init(&cfg->chain);
    mbedtls_pk_init(&cfg->key);
    mbedtls_entropy_init(&cfg->entropy);
    mbedtls_ctr_drbg_init(&cfg->drbg);
    mbedtls_ssl_ticket_init(&cfg->tickets);

    int rc = mbedtls_ctr_drbg_seed(&cfg->drbg, mbedtls_entropy_func, &cfg->entropy,
                                   (const unsigned char *)STRLIT("hookstack-tls"));
    if (rc != 0) {
        set_err(err, errlen, "cannot seed the random generator for", cert_file, rc);
        goto fail;
    }
    rc = mbedtls_x509_crt_parse_file(&cfg->chain, cert_file);
    if (rc != 0) {
        set_err(err, errlen, "cannot load the TLS certificate", cert_file, rc);
        goto fail;
    }
    rc = mbedtls_pk_parse_keyfile(&cfg->key, key_file, NULL);
    if (rc != 0) {
        set_err(err, errlen, "cannot load the TLS key", key_file, rc);
        goto fail;
    }
    rc = mbedtls_pk_check_pair(&cfg->chain.pk, &cfg->key);
    if (rc != 0) {
        set_err(err, errlen, "the TLS key does not match the certificate in", cert_file, rc);
        goto fail;
    }
    rc = mbedtls_ssl_config_defaults(&cfg->conf, MBEDTLS_SSL_IS_SERVER,
                                     MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (rc != 0) {
        set_err(err, errlen, "cannot set up TLS for", cert_file, rc);
        goto fail;
    }
    mbedtls_ssl_conf_rng(&cfg->conf, mbedtls_ctr_drbg_random, &cfg->drbg);
    /* TLS 1.2 and up: 1.0 and 1.1 are compiled into Debian's library but refused here. */
    mbedtls_ssl_conf_min_version(&cfg->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                 MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_ciphersuites(&cfg->conf, suites);
    mbedtls_ssl_conf_curves(&cfg->conf, curves);
    rc = mbedtls_ssl_conf_own_cert(&cfg->conf, &cfg->chain, &cfg->key);
    if (rc == 0)
        rc = mbedtls_ssl_conf_alpn_protocols(&cfg->conf, alpn_list);
    if (rc == 0)
        rc = mbedtls_ssl_ticket_setup(&cfg->tickets, mbedtls_ctr_drbg_random, &cfg->drbg,
                                      MBEDTLS_CIPHER_AES_256_GCM, 86400);
    if (rc != 0) {
        set_err(err, errlen, "cannot configure TLS for", cert_file, rc);
        goto fail;
    }
    mbedtls_ssl_conf_session_tickets_cb(&cfg->conf, mbedtls_ssl_ticket_write,
                                        mbedtls_ssl_ticket_parse, &cfg->tickets);
    mbedtls_ssl_conf_renegotiation(&cfg->conf, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
    return cfg;
fail:
    tls_config_unref(cfg);
    return NULL;
}

void tls_config_ref(struct tls_config *cfg)
{
    cfg->refs++;
}

void tls_config_unref(struct tls_config *cfg)
{
    if (cfg == NULL || --cfg->refs > 0)
        return;
    mbedtls_ssl_ticket_free(&cfg->tickets);
    mbedtls_ssl_config_free(&cfg->conf);
    mbedtls_x509_crt_free(&cfg->chain);
    mbedtls_pk_free(&cfg->key);
    mbedtls_ctr_drbg_free(&cfg->drbg);
    mbedtls_entropy_free(&cfg->entropy);
    free(cfg);
}

/* ---- buffers ------------------------------------------------------------------------------- */

static int buf_append(struct tls_buf *b, const void *p, size_t n)
{
    if (b->off > 0 && b->off == b->len) {
        b->off = b->len = 0;
    }
    if (b->len - b->off + n > TLS_BUF_MAX)
        return ERR_NOMEM;
    if (b->len + n > b->cap) {
        if (b->off > 0) {
            memmove(b->data, b->data + b->off, b->len - b->off);
            b->len -= b->off;
            b->off = 0;
        }
        if (b->len + n > b->cap) {
            size_t cap = b->cap ? b->cap : 4096;
            while (cap < b->len + n)
                cap *= 2;
            uint8_t *d = realloc(b->data, cap);
            if (d == NULL)
                return ERR_NOMEM;
            b->data = d;
            b->cap = cap;
        }
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

static int bio_send(void *ctx, const unsigned char *p, size_t n)
{
    struct tls_conn *c = ctx;
    if (buf_append(&c->out, p, n) != 0)
        return MBEDTLS_ERR_SSL_ALLOC_FAILED;
    return (int)n;
}

static int bio_recv(void *ctx, unsigned char *p, size_t n)
{
    struct tls_conn *c = ctx;
    size_t avail = c->in.len - c->in.off;
    if (avail == 0)
        return MBEDTLS_ERR_SSL_WANT_READ;
    if (n > avail)
        n = avail;
    memcpy(p, c->in.data + c->in.off, n);
    c->in.off += n;
    return (int)n;
}

/* ---- connections --------------------------------------------------------------------------- */

struct tls_conn *tls_conn_new(struct tls_config *cfg)
{
    struct tls_conn *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    mbedtls_ssl_init(&c->ssl);
    if (mbedtls_ssl_setup(&c->ssl, &cfg->conf) != 0) {
        mbedtls_ssl_free(&c->ssl);
        free(c);
        return NULL;
    }
    tls_config_ref(cfg);
    c->cfg = cfg;
    mbedtls_ssl_set_bio(&c->ssl, c, bio_send, bio_recv, NULL);
    return c;
}

void tls_conn_free(struct tls_conn *c)
{
    if (c == NULL)
        return;
    mbedtls_ssl_free(&c->ssl);
    tls_config_unref(c->cfg);
    free(c->in.data);
    free(c->out.data);
    free(c);
}

int tls_conn_feed(struct tls_conn *c, const void *data, size_t len)
{
    if (!c->first_checked && len > 0) {
        /* A TLS connection starts with a handshake record (content type 22). Anything else, such
         * as "GET / HTTP/1.1", is plain text sent to the TLS port. */
        c->first_checked = true;
        if (((const uint8_t *)data)[0] != 0x16) {
            snprintf(c->error, sizeof(c->error),
                     "not a TLS handshake (plain HTTP on the TLS port?)");
            return ERR_UNSUPPORTED;
        }
    }
    return buf_append(&c->in, data, len);
}

static int map_error(struct tls_conn *c, int rc)
{
    if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE)
        return ERR_AGAIN;
    if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
        return ERR_CLOSED;
    if (rc == MBEDTLS_ERR_SSL_ALLOC_FAILED)
        return ERR_NOMEM;
    char buf[128];
    mbedtls_strerror(rc, buf, sizeof(buf));
    snprintf(c->error, sizeof(c->error), "%s", buf);
    return ERR_PROTOCOL;
}

ssize_t tls_conn_read(struct tls_conn *c, void *buf, size_t len)
{
    if (!c->handshake_done) {
        int rc = mbedtls_ssl_handshake(&c->ssl);
        if (rc != 0)
            return map_error(c, rc);
        c->handshake_done = true;
    }
    int rc = mbedtls_ssl_read(&c->ssl, buf, len > INT32_MAX ? INT32_MAX : len);
    if (rc > 0)
        return rc;
    if (rc == 0)
        return ERR_CLOSED;
    return map_error(c, rc);
}

int tls_conn_write(struct tls_conn *c, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len > 0) {
        int rc = mbedtls_ssl_write(&c->ssl, p, len);
        if (rc < 0)
            return map_error(c, rc);
        p += rc;
        len -= (size_t)rc;
    }
    return 0;
}

int tls_conn_shutdown(struct tls_conn *c)
{
    int rc = mbedtls_ssl_close_notify(&c->ssl);
    return rc == 0 ? 0 : map_error(c, rc);
}

size_t tls_conn_pending(struct tls_conn *c, const uint8_t **data)
{
    *data = c->out.data + c->out.off;
    return c->out.len - c->out.off;
}

void tls_conn_consume(struct tls_conn *c, size_t n)
{
    size_t avail = c->out.len - c->out.off;
    c->out.off += n < avail ? n : avail;
    if (c->out.off == c->out.len)
        c->out.off = c->out.len = 0;
}

bool tls_conn_handshake_done(const struct tls_conn *c)
{
    return c->handshake_done;
}

const char *tls_conn_version(const struct tls_conn *c)
{
    return c->handshake_done ? mbedtls_ssl_get_version(&c->ssl) : NULL;
}

const char *tls_conn_alpn(const struct tls_conn *c)
{
    return c->handshake_done ? mbedtls_ssl_get_alpn_protocol(&c->ssl) : NULL;
}

const char *tls_conn_error(const struct tls_conn *c)
{
    return c->error;
}
