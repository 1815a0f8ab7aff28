/* test_tls.c — TLS termination over memory buffers: handshakes against an mbedTLS client, data both
 * ways, refused protocol versions, plain text on the TLS port, stalled handshakes, bad key files.
 * Certificates are generated at test time with the openssl command. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "tls.h"

struct fixture {
    char dir[64];
    char cert[128], key[128], other_key[128];
};

static int sh(const char *cmd)
{
    int rc = system(cmd);
    return rc;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/hs-tls-XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->cert, sizeof(f->cert), "%s/cert.pem", f->dir);
    snprintf(f->key, sizeof(f->key), "%s/key.pem", f->dir);
    snprintf(f->other_key, sizeof(f->other_key), "%s/other.pem", f->dir);
    char cmd[1024];
    snprintf(
        cmd, sizeof(cmd),
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
        "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 "
        "-keyout %s -out %s >/dev/null 2>&1 && "
        "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out %s >/dev/null 2>&1",
        f->key, f->cert, f->other_key);
    if (sh(cmd) != 0) {
        fprintf(stderr, "openssl failed: %s\n", cmd);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    sh(cmd);
    free(f);
    return 0;
}

/* ---- an in-memory mbedTLS client ------------------------------------------------------------ */

struct pipe_buf {
    uint8_t data[1 << 16];
    size_t len;
};

struct client {
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt ca;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    struct pipe_buf to_server, from_server;
};

static int cli_send(void *ctx, const unsigned char *p, size_t n)
{
    struct client *c = ctx;
    if (c->to_server.len + n > sizeof(c->to_server.data))
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    memcpy(c->to_server.data + c->to_server.len, p, n);
    c->to_server.len += n;
    return (int)n;
}

static int cli_recv(void *ctx, unsigned char *p, size_t n)
{
    struct client *c = ctx;
    if (c->from_server.len == 0)
        return MBEDTLS_ERR_SSL_WANT_READ;
    if (n > c->from_server.len)
        n = c->from_server.len;
    memcpy(p, c->from_server.data, n);
    memmove(c->from_server.data, c->from_server.data + n, c->from_server.len - n);
    c->from_server.len -= n;
    return (int)n;
}

static void client_init(struct client *c, const char *ca_file, const char *hostname, int max_minor)
{
    memset(c, 0, sizeof(*c));
    mbedtls_ssl_init(&c->ssl);
    mbedtls_ssl_config_init(&c->conf);
    mbedtls_x509_crt_init(&c->ca);
    mbedtls_entropy_init(&c->entropy);
    mbedtls_ctr_drbg_init(&c->drbg);
    assert_int_equal(mbedtls_ctr_drbg_seed(&c->drbg, mbedtls_entropy_func, &c->entropy, NULL, 0),
                     0);
    assert_int_equal(mbedtls_x509_crt_parse_file(&c->ca, ca_file), 0);
    assert_int_equal(mbedtls_ssl_config_defaults(&c->conf, MBEDTLS_SSL_IS_CLIENT,
                                                 MBEDTLS_SSL_TRANSPORT_STREAM,
                                                 MBEDTLS_SSL_PRESET_DEFAULT),
                     0);
    mbedtls_ssl_conf_rng(&c->conf, mbedtls_ctr_drbg_random, &c->drbg);
    mbedtls_ssl_conf_ca_chain(&c->conf, &c->ca, NULL);
    mbedtls_ssl_conf_authmode(&c->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    static const char *alpn[] = {"h2", "http/1.1", NULL};
    mbedtls_ssl_conf_alpn_protocols(&c->conf, alpn);
    if (max_minor > 0) {
        mbedtls_ssl_conf_min_version(&c->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                     MBEDTLS_SSL_MINOR_VERSION_1);
        mbedtls_ssl_conf_max_version(&c->conf, MBEDTLS_SSL_MAJOR_VERSION_3, max_minor);
    }
    assert_int_equal(mbedtls_ssl_setup(&c->ssl, &c->conf), 0);
    assert_int_equal(mbedtls_ssl_set_hostname(&c->ssl, hostname), 0);
    mbedtls_ssl_set_bio(&c->ssl, c, cli_send, cli_recv, NULL);
}

static void client_free(struct client *c)
{
    mbedtls_ssl_free(&c->ssl);
    mbedtls_ssl_config_free(&c->conf);
    mbedtls_x509_crt_free(&c->ca);
    mbedtls_ctr_drbg_free(&c->drbg);
    mbedtls_entropy_free(&c->entropy);
}

/* Moves bytes both ways until the client's handshake finishes or fails; returns the client's
 * final handshake code and the server's last status in *srv. */
static int pump_handshake(struct client *c, struct tls_conn *s, int *srv)
{
    int crc = MBEDTLS_ERR_SSL_WANT_READ;
    *srv = ERR_AGAIN;
    for (int round = 0; round < 50; round++) {
        crc = mbedtls_ssl_handshake(&c->ssl);
        if (c->to_server.len > 0) {
            assert_int_equal(tls_conn_feed(s, c->to_server.data, c->to_server.len), ERR_OK);
            c->to_server.len = 0;
        }
        uint8_t plain[256];
        ssize_t n = tls_conn_read(s, plain, sizeof(plain));
        *srv = n < 0 ? (int)n : ERR_OK;
        const uint8_t *out;
        size_t olen = tls_conn_pending(s, &out);
        if (olen > 0) {
            memcpy(c->from_server.data + c->from_server.len, out, olen);
            c->from_server.len += olen;
            tls_conn_consume(s, olen);
        }
        if (crc == 0 || (crc != MBEDTLS_ERR_SSL_WANT_READ && crc != MBEDTLS_ERR_SSL_WANT_WRITE))
            break;
        if (*srv != ERR_AGAIN && *srv != ERR_OK)
            break;
    }
    return crc;
}

static void test_handshake_and_data_both_ways(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    struct tls_config *cfg = tls_config_load(f->cert, f->key, err, sizeof(err));
    assert_non_null(cfg);
    struct tls_conn *s = tls_conn_new(cfg);
    tls_config_unref(cfg); /* the connection keeps its own reference */
    struct client c;
    client_init(&c, f->cert, "localhost", 0);
    int srv;
    assert_int_equal(pump_handshake(&c, s, &srv), 0);
    assert_true(tls_conn_handshake_done(s));
    assert_string_equal(tls_conn_version(s), "TLSv1.2");
    assert_string_equal(tls_conn_alpn(s), "http/1.1");
    const char *suite = mbedtls_ssl_get_ciphersuite(&c.ssl);
    assert_true(strstr(suite, "GCM") != NULL || strstr(suite, "CHACHA20") != NULL);
    assert_true(strstr(suite, "ECDHE") != NULL);

    const char *req = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    assert_int_equal(mbedtls_ssl_write(&c.ssl, (const unsigned char *)req, strlen(req)),
                     (int)strlen(req));
    assert_int_equal(tls_conn_feed(s, c.to_server.data, c.to_server.len), ERR_OK);
    c.to_server.len = 0;
    char plain[256];
    ssize_t n = tls_conn_read(s, plain, sizeof(plain));
    assert_int_equal(n, (ssize_t)strlen(req));
    assert_memory_equal(plain, req, strlen(req));
    assert_int_equal(tls_conn_read(s, plain, sizeof(plain)), ERR_AGAIN);

    const char *resp = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    assert_int_equal(tls_conn_write(s, resp, strlen(resp)), ERR_OK);
    const uint8_t *out;
    size_t olen = tls_conn_pending(s, &out);
    assert_true(olen > strlen(resp)); /* encrypted: record header and tag added */
    memcpy(c.from_server.data, out, olen);
    c.from_server.len = olen;
    tls_conn_consume(s, olen);
    unsigned char got[256];
    assert_int_equal(mbedtls_ssl_read(&c.ssl, got, sizeof(got)), (int)strlen(resp));
    assert_memory_equal(got, resp, strlen(resp));

    assert_int_equal(mbedtls_ssl_close_notify(&c.ssl), 0);
    assert_int_equal(tls_conn_feed(s, c.to_server.data, c.to_server.len), ERR_OK);
    assert_int_equal(tls_conn_read(s, plain, sizeof(plain)), ERR_CLOSED);
    client_free(&c);
    tls_conn_free(s);
}

static void test_old_protocol_versions_refused(void **state)
{
    struct fixture *f = *state;
    char err[256];
    struct tls_config *cfg = tls_config_load(f->cert, f->key, err, sizeof(err));
    assert_non_null(cfg);
    const int minors[] = {MBEDTLS_SSL_MINOR_VERSION_1, MBEDTLS_SSL_MINOR_VERSION_2};
    for (size_t i = 0; i < 2; i++) {
        struct tls_conn *s = tls_conn_new(cfg);
        struct client c;
        client_init(&c, f->cert, "localhost", minors[i]);
        int srv;
        int crc = pump_handshake(&c, s, &srv);
        assert_int_not_equal(crc, 0);
        assert_int_equal(srv, ERR_PROTOCOL);
        assert_false(tls_conn_handshake_done(s));
        assert_true(strlen(tls_conn_error(s)) > 0);
        client_free(&c);
        tls_conn_free(s);
    }
    tls_config_unref(cfg);
}

static void test_wrong_hostname_fails_on_the_client(void **state)
{
    struct fixture *f = *state;
    char err[256];
    struct tls_config *cfg = tls_config_load(f->cert, f->key, err, sizeof(err));
    struct tls_conn *s = tls_conn_new(cfg);
    struct client c;
    client_init(&c, f->cert, "hooks.example.com", 0);
    int srv;
    assert_int_equal(pump_handshake(&c, s, &srv), MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
    client_free(&c);
    tls_conn_free(s);
    tls_config_unref(cfg);
}

static void test_plain_http_on_tls_port(void **state)
{
    struct fixture *f = *state;
    char err[256];
    struct tls_config *cfg = tls_config_load(f->cert, f->key, err, sizeof(err));
    struct tls_conn *s = tls_conn_new(cfg);
    const char *req = "GET / HTTP/1.1\r\n\r\n";
    assert_int_equal(tls_conn_feed(s, req, strlen(req)), ERR_UNSUPPORTED);
    assert_non_null(strstr(tls_conn_error(s), "not a TLS handshake"));
    tls_conn_free(s);
    tls_config_unref(cfg);
}

static void test_stalled_handshake_never_blocks(void **state)
{
    struct fixture *f = *state;
    char err[256];
    struct tls_config *cfg = tls_config_load(f->cert, f->key, err, sizeof(err));
    struct tls_conn *s = tls_conn_new(cfg);
    struct client c;
    client_init(&c, f->cert, "localhost", 0);
    assert_int_equal(mbedtls_ssl_handshake(&c.ssl), MBEDTLS_ERR_SSL_WANT_READ);
    /* Only half of the ClientHello arrives; the server asks for more and returns at once. */
    assert_true(c.to_server.len > 10);
    assert_int_equal(tls_conn_feed(s, c.to_server.data, c.to_server.len / 2), ERR_OK);
    char plain[64];
    assert_int_equal(tls_conn_read(s, plain, sizeof(plain)), ERR_AGAIN);
    assert_int_equal(tls_conn_read(s, plain, sizeof(plain)), ERR_AGAIN);
    assert_false(tls_conn_handshake_done(s));
    client_free(&c);
    tls_conn_free(s);
    tls_config_unref(cfg);
}

static void test_config_errors_name_the_file(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    assert_null(tls_config_load("/nonexistent/cert.pem", f->key, err, sizeof(err)));
    assert_non_null(strstr(err, "/nonexistent/cert.pem"));
    assert_null(tls_config_load(f->cert, "/nonexistent/key.pem", err, sizeof(err)));
    assert_non_null(strstr(err, "/nonexistent/key.pem"));
    assert_null(tls_config_load(f->cert, f->other_key, err, sizeof(err)));
    assert_non_null(strstr(err, "does not match"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handshake_and_data_both_ways),
        cmocka_unit_test(test_old_protocol_versions_refused),
        cmocka_unit_test(test_wrong_hostname_fails_on_the_client),
        cmocka_unit_test(test_plain_http_on_tls_port),
        cmocka_unit_test(test_stalled_handshake_never_blocks),
        cmocka_unit_test(test_config_errors_name_the_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
