/* front_tls.c — TLS between a libuv stream and a tls_conn for the front (see front_tls.h). */
#include "front_tls.h"

#include <stdlib.h>
#include <string.h>

struct front_tls {
    struct tls_conn *tc;
    uv_stream_t *s;
    /* the answer being encrypted and sent */
    uv_write_t *req;
    uv_write_cb cb;
    uv_buf_t bufs[4];
    unsigned nbufs, bi;
    size_t boff;
};

/* A copy of ciphertext the socket did not take at once. */
struct front_tls_wr {
    uv_write_t w;
    struct front_tls *t;
    bool answer; /* the last piece of the answer sent so far: resume it when written */
    char data[];
};

struct front_tls *front_tls_new(struct tls_config *cfg, uv_stream_t *s)
{
    struct front_tls *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return NULL;
    t->tc = tls_conn_new(cfg);
    if (t->tc == NULL) {
        free(t);
        return NULL;
    }
    t->s = s;
    return t;
}

void front_tls_free(struct front_tls *t)
{
    if (t == NULL)
        return;
    tls_conn_free(t->tc);
    free(t);
}

static void front_tls_answer_resume(struct front_tls *t);

static void front_tls_on_written(uv_write_t *w, int status)
{
    struct front_tls_wr *wr = (struct front_tls_wr *)w;
    struct front_tls *t = wr->t;
    bool answer = wr->answer;
    free(wr);
    if (!answer)
        return;
    if (status < 0) {
        uv_write_cb cb = t->cb;
        t->cb = NULL;
        if (cb != NULL)
            cb(t->req, status);
        return;
    }
    front_tls_answer_resume(t);
}

/* Sends the pending ciphertext. Returns 1 when the socket took it all at once, 0 when a copy was
 * queued (its callback resumes the answer when answer is set), or a negative libuv error. */
static int front_tls_send_pending(struct front_tls *t, bool answer, bool allow_sync)
{
    const uint8_t *p = NULL;
    size_t n = tls_conn_pending(t->tc, &p);
    if (n == 0)
        return 1;
    if (allow_sync) {
        uv_buf_t b = uv_buf_init((char *)p, (unsigned)n);
        int w = uv_try_write(t->s, &b, 1);
        if (w < 0 && w != UV_EAGAIN)
            return w;
        if (w > 0) {
            tls_conn_consume(t->tc, (size_t)w);
            p += w;
            n -= (size_t)w;
        }
        if (n == 0)
            return 1;
    }
    struct front_tls_wr *wr = malloc(sizeof(*wr) + n);
    if (wr == NULL)
        return UV_ENOMEM;
    memcpy(wr->data, p, n);
    tls_conn_consume(t->tc, n);
    wr->t = t;
    wr->answer = answer;
    uv_buf_t b = uv_buf_init(wr->data, (unsigned)n);
    int rc = uv_write(&wr->w, t->s, &b, 1, front_tls_on_written);
    if (rc < 0) {
        free(wr);
        return rc;
    }
    return 0;
}

/* Encrypts and sends the answer piece by piece. 1: all sent at once; 0: waiting for a write;
 * negative: failed. */
static int front_tls_answer_pump(struct front_tls *t, bool allow_sync)
{
    for (;;) {
        while (t->bi < t->nbufs && t->boff >= t->bufs[t->bi].len) {
            t->bi++;
            t->boff = 0;
        }
        if (t->bi >= t->nbufs)
            return 1;
        /* Up to one chunk of plaintext per round, possibly across buffers. */
        size_t budget = FRONT_TLS_CHUNK;
        while (budget > 0 && t->bi < t->nbufs) {
            const uv_buf_t *b = &t->bufs[t->bi];
            size_t take = b->len - t->boff;
            if (take > budget)
                take = budget;
            if (take > 0 && tls_conn_write(t->tc, b->base + t->boff, take) != 0)
                return UV_EPROTO;
            t->boff += take;
            budget -= take;
            if (t->boff >= b->len) {
                t->bi++;
                t->boff = 0;
            }
        }
        int rc = front_tls_send_pending(t, true, allow_sync);
        if (rc <= 0)
            return rc;
        allow_sync = true;
    }
}

static void front_tls_answer_resume(struct front_tls *t)
{
    int rc = front_tls_answer_pump(t, true);
    if (rc == 0)
        return;
    uv_write_cb cb = t->cb;
    t->cb = NULL;
    if (cb != NULL)
        cb(t->req, rc < 0 ? rc : 0);
}

int front_tls_write(struct front_tls *t, uv_write_t *req, const uv_buf_t *bufs, unsigned n,
                    uv_write_cb cb, bool allow_sync)
{
    if (n > 4)
        return UV_EINVAL;
    t->req = req;
    t->cb = cb;
    t->nbufs = n;
    t->bi = 0;
    t->boff = 0;
    for (unsigned i = 0; i < n; i++)
        t->bufs[i] = bufs[i];
    int rc = front_tls_answer_pump(t, allow_sync);
    if (rc != 0)
        t->cb = NULL;
    return rc;
}

int front_tls_send(struct front_tls *t, const char *data, size_t len)
{
    if (tls_conn_write(t->tc, data, len) != 0)
        return UV_EPROTO;
    int rc = front_tls_send_pending(t, false, true);
    return rc < 0 ? rc : 0;
}

void front_tls_close_notify(struct front_tls *t)
{
    if (tls_conn_handshake_done(t->tc) && tls_conn_shutdown(t->tc) == 0)
        front_tls_send_pending(t, false, true);
}

void front_tls_flush(struct front_tls *t)
{
    front_tls_send_pending(t, false, true);
}

int front_tls_on_read(struct front_tls *t, const char *data, size_t len, char *plain, size_t cap,
                      front_tls_deliver deliver, void *arg)
{
    int rc = tls_conn_feed(t->tc, data, len);
    if (rc == ERR_UNSUPPORTED)
        return ERR_UNSUPPORTED;
    if (rc != 0)
        return ERR_NOMEM;
    for (;;) {
        ssize_t n = tls_conn_read(t->tc, plain, cap);
        /* Handshake messages (and alerts) go out as soon as they are made. */
        if (front_tls_send_pending(t, false, true) < 0)
            return ERR_IO;
        if (n > 0) {
            if (!deliver(arg, plain, (size_t)n))
                return 0;
            continue;
        }
        switch (n) {
        case ERR_AGAIN:
            return 0;
        case ERR_CLOSED:
        case ERR_NOMEM:
            return (int)n;
        default:
            return ERR_PROTOCOL;
        }
    }
}

const char *front_tls_version(const struct front_tls *t)
{
    return tls_conn_version(t->tc);
}

const char *front_tls_alpn(const struct front_tls *t)
{
    return tls_conn_alpn(t->tc);
}

const char *front_tls_error(const struct front_tls *t)
{
    return tls_conn_error(t->tc);
}
