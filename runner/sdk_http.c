/* sdk_http.c — outbound HTTP for hooks: the table's http_request, integrator_request and http_*
 * response calls (include/hookstack.h has the contract), on libcurl's easy interface.
 *
 * One curl handle per invocation, made on its first request, reset between requests (so a
 * function paging through an API keeps its connection) and released by a cleanup on the
 * invocation's arena. Everything a response holds — body, headers, parsed JSON — lives in that
 * arena. Limits are enforced while bytes arrive: the body against max_response_bytes (a
 * Content-Length above it is refused before any body byte), the header block against fixed
 * bounds. Only http and https are spoken, redirects are off unless asked for, and a bearer token
 * never leaves the host the request named. Nothing here logs or reports a header or a token: the
 * one log line per request and every error message name the method and the URL without userinfo,
 * query or fragment. */
#include "sdk_internal.h"
#include "text.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "json.h"

#ifndef HS_VERSION
#define HS_VERSION "0"
#endif

#define HTTP_REQ_HEADERS_MAX       100
#define HTTP_REQ_HEADER_NAME_MAX   256
#define HTTP_REQ_HEADER_VALUE_MAX  16384
#define HTTP_RESP_HEADER_BYTES_MAX (64u * 1024u)
#define HTTP_RESP_HEADERS_MAX      256
#define HTTP_METHOD_MAX            32
#define HTTP_URL_MAX               8192
#define HTTP_TOKEN_MAX             16384
#define HTTP_BODY_FIRST_CAP        16384u

static const char ERR_NAME[] = "HttpError";
static const char US_BASE[] = "https://api.integrator.io/v1";
static const char EU_BASE[] = "https://api.eu.integrator.io/v1";

struct sdk_http {
    CURL *curl;
};

struct http_hdr {
    const char *name;
    size_t name_len;
    const char *value;
};

struct hs_http_response {
    struct arena *a;
    int status;
    char *body; /* NUL-terminated when len > 0 or after the transfer */
    size_t len, cap;
    struct http_hdr *hdrs;
    size_t nhdrs, cap_hdrs;
    size_t header_bytes;
    bool json_done;
    hs_status json_status;
    struct json_value *json;
    const char *json_error; /* why the body is not JSON */
};

enum xfer_fault { XFER_OK = 0, XFER_BODY_TOO_LARGE, XFER_HEADERS_TOO_LARGE, XFER_NOMEM };

struct xfer {
    CURL *curl;
    struct hs_http_response *r;
    size_t max;
    enum xfer_fault fault;
};

/* What integrator_request adds to a request. */
struct http_extra {
    const char *url;          /* replaces req->url */
    const char *bearer_token; /* used when req->bearer_token is NULL */
    bool accept_json;         /* "Accept: application/json" unless a header sets Accept */
};

/* ---- small helpers -------------------------------------------------------------------------- */

static bool token_ok(const char *s, size_t max)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (n >= max || !text_tchar((unsigned char)s[n]))
            return false;
    return n > 0;
}

/* A header value or a bearer token: no CR, LF or NUL, within max bytes. */
static bool value_ok(const char *s, size_t max)
{
    for (size_t n = 0; s[n]; n++)
        if (n >= max || s[n] == '\r' || s[n] == '\n')
            return false;
    return true;
}

static char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *s = n >= 0 ? arena_alloc(a, (size_t)n + 1) : NULL;
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* Replaces every occurrence of secret in msg with "[redacted]" (a copy in the arena). */
static const char *scrub(struct arena *a, const char *msg, const char *secret)
{
    size_t sl = secret ? strlen(secret) : 0;
    if (!msg || sl < 3 || !strstr(msg, secret))
        return msg;
    size_t ml = strlen(msg);
    char *out = arena_alloc(a, ml * 10 / 3 + 16);
    if (!out)
        return "(error message withheld)";
    size_t o = 0;
    for (const char *p = msg; *p;) {
        if (strncmp(p, secret, sl) == 0) {
            memcpy(out + o, STRLIT("[redacted]"));
            o += 10;
            p += sl;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    return out;
}

/* Records an HttpError "<METHOD> <url> <what>" on ctx (the token scrubbed) and returns st. */
static hs_status http_fail(hs_ctx *ctx, hs_status st, const char *method, const char *url,
                           const char *token, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static hs_status http_fail(hs_ctx *ctx, hs_status st, const char *method, const char *url,
                           const char *token, const char *fmt, ...)
{
    char what[CURL_ERROR_SIZE + 256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    const char *msg =
        arena_printf(ctx->a, "%s %s %s", method ? method : "request", url ? url : "(no URL)", what);
    msg = scrub(ctx->a, msg, token);
    sdk_ctx_error_set(ctx, st == HS_ERR_NOMEM ? "RangeError" : ERR_NAME, msg);
    if (msg && st != HS_ERR_INVALID && st != HS_ERR_RANGE) {
        char line[1024];
        int n = snprintf(line, sizeof(line), "http %s", msg);
        if (n > 0)
            sdk_ctx_log(ctx, HS_LOG_WARN, line, (size_t)n < sizeof(line) ? (size_t)n : 1023);
    }
    return st;
}

/* ---- URLs ----------------------------------------------------------------------------------- */

struct url_parts {
    const char *scheme; /* "http" or "https" */
    const char *host;   /* as curl gives it (IPv6 in brackets) */
    const char *safe;   /* scheme://host[:port]/path: no userinfo, query or fragment */
    bool has_extra;     /* userinfo, query or fragment present */
};

static char *url_part(CURLU *u, CURLUPart part, struct arena *a)
{
    char *v = NULL;
    if (curl_url_get(u, part, &v, 0) != CURLUE_OK || !v)
        return NULL;
    char *c = arena_strndup(a, v, strlen(v));
    curl_free(v);
    return c;
}

/* Parses an absolute http(s) URL. 0, or -1 with *why (static). */
static int url_parse(struct arena *a, const char *url, struct url_parts *out, const char **why)
{
    memset(out, 0, sizeof(*out));
    if (!url || !url[0]) {
        *why = "no URL given";
        return -1;
    }
    if (strlen(url) > HTTP_URL_MAX) {
        *why = "URL longer than 8192 bytes";
        return -1;
    }
    CURLU *u = curl_url();
    if (!u) {
        *why = "out of memory";
        return -1;
    }
    int rc = -1;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
        *why = "is not a valid absolute URL";
        goto out;
    }
    char *scheme = url_part(u, CURLUPART_SCHEME, a);
    char *host = url_part(u, CURLUPART_HOST, a);
    char *port = url_part(u, CURLUPART_PORT, a);
    char *path = url_part(u, CURLUPART_PATH, a);
    char *user = url_part(u, CURLUPART_USER, a);
    char *query = url_part(u, CURLUPART_QUERY, a);
    char *frag = url_part(u, CURLUPART_FRAGMENT, a);
    if (!scheme || !host || !path) {
        *why = "is not a valid absolute URL";
        goto out;
    }
    if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
        *why = "uses a scheme other than http and https";
        goto out;
    }
    /* Whatever curl did not keep explicitly (a default port) is left out. */
    char *explicit_port = NULL;
    if (port &&
        curl_url_get(u, CURLUPART_PORT, &explicit_port, CURLU_NO_DEFAULT_PORT) == CURLUE_OK &&
        explicit_port) {
        curl_free(explicit_port);
    } else {
        port = NULL;
    }
    out->scheme = scheme;
    out->host = host;
    out->has_extra = user || query || frag;
    out->safe =
        arena_printf(a, "%s://%s%s%s%s", scheme, host, port ? ":" : "", port ? port : "", path);
    if (!out->safe) {
        *why = "out of memory";
        goto out;
    }
    rc = 0;
out:
    curl_url_cleanup(u);
    return rc;
}

static bool host_loopback(const char *host)
{
    return strcmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
           strncmp(host, STRLIT("127.")) == 0;
}

/* ---- the transfer --------------------------------------------------------------------------- */

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    struct xfer *x = arg;
    struct hs_http_response *r = x->r;
    size_t len = size * n;
    if (len > x->max - r->len) {
        x->fault = XFER_BODY_TOO_LARGE;
        return 0;
    }
    if (r->len + len + 1 > r->cap) {
        size_t want = r->len + len + 1;
        size_t ncap = r->cap ? r->cap : HTTP_BODY_FIRST_CAP;
        if (!r->cap) {
            curl_off_t cl = -1;
            if (curl_easy_getinfo(x->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) == CURLE_OK &&
                cl > 0 && (curl_off_t)x->max >= cl)
                ncap = (size_t)cl + 1;
        }
        while (ncap < want)
            ncap = ncap > x->max / 2 ? x->max + 1 : ncap * 2;
        if (ncap > x->max + 1)
            ncap = x->max + 1;
        char *nb = r->body ? arena_realloc(r->a, r->body, r->cap, ncap) : arena_alloc(r->a, ncap);
        if (!nb) {
            x->fault = XFER_NOMEM;
            return 0;
        }
        r->body = nb;
        r->cap = ncap;
    }
    memcpy(r->body + r->len, p, len);
    r->len += len;
    return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
    struct xfer *x = arg;
    struct hs_http_response *r = x->r;
    size_t len = size * n;
    if (len >= 5 && memcmp(p, STRLIT("HTTP/")) == 0) {
        /* A new response (after 100 Continue or a redirect): its headers replace the last. */
        r->nhdrs = 0;
        r->header_bytes = len;
        return len;
    }
    r->header_bytes += len;
    if (r->header_bytes > HTTP_RESP_HEADER_BYTES_MAX) {
        x->fault = XFER_HEADERS_TOO_LARGE;
        return 0;
    }
    size_t end = len;
    while (end > 0 && (p[end - 1] == '\r' || p[end - 1] == '\n'))
        end--;
    const char *colon = end ? memchr(p, ':', end) : NULL;
    if (!colon || colon == p)
        return len; /* the blank line, or an obsolete folded line: nothing to keep */
    size_t nl = (size_t)(colon - p);
    while (nl > 0 && (p[nl - 1] == ' ' || p[nl - 1] == '\t'))
        nl--;
    size_t v = (size_t)(colon - p) + 1;
    while (v < end && (p[v] == ' ' || p[v] == '\t'))
        v++;
    size_t ve = end;
    while (ve > v && (p[ve - 1] == ' ' || p[ve - 1] == '\t'))
        ve--;
    if (r->nhdrs == HTTP_RESP_HEADERS_MAX) {
        x->fault = XFER_HEADERS_TOO_LARGE;
        return 0;
    }
    if (r->nhdrs == r->cap_hdrs) {
        size_t ncap = r->cap_hdrs ? r->cap_hdrs * 2 : 16;
        struct http_hdr *nh =
            r->hdrs ? arena_realloc(r->a, r->hdrs, r->cap_hdrs * sizeof(*nh), ncap * sizeof(*nh))
                    : arena_alloc(r->a, ncap * sizeof(*nh));
        if (!nh) {
            x->fault = XFER_NOMEM;
            return 0;
        }
        r->hdrs = nh;
        r->cap_hdrs = ncap;
    }
    struct http_hdr *h = &r->hdrs[r->nhdrs];
    h->name = arena_strndup(r->a, p, nl);
    h->name_len = nl;
    h->value = arena_strndup(r->a, p + v, ve - v);
    if (!h->name || !h->value) {
        x->fault = XFER_NOMEM;
        return 0;
    }
    r->nhdrs++;
    return len;
}

static void http_handle_free(void *arg)
{
    struct sdk_http *h = arg;
    if (h->curl)
        curl_easy_cleanup(h->curl);
    h->curl = NULL;
}

/* The invocation's handle, made on first use (reset for reuse otherwise). */
static CURL *http_handle(hs_ctx *ctx)
{
    if (ctx->http && ctx->http->curl) {
        curl_easy_reset(ctx->http->curl);
        return ctx->http->curl;
    }
    struct sdk_http *h = arena_calloc(ctx->a, 1, sizeof(*h));
    if (!h)
        return NULL;
    h->curl = curl_easy_init();
    if (!h->curl)
        return NULL;
    if (arena_on_cleanup(ctx->a, http_handle_free, h) != 0) {
        curl_easy_cleanup(h->curl);
        return NULL;
    }
    ctx->http = h;
    return h->curl;
}

static bool has_header(const hs_http_request_v1 *rq, const char *name)
{
    for (size_t i = 0; i < rq->nheaders; i++)
        if (rq->headers[i].name && text_ieq(rq->headers[i].name, strlen(rq->headers[i].name), name))
            return true;
    return false;
}

/* Copies a caller's request (any size it declares) into a zeroed current-size struct. */
static hs_status req_copy(hs_ctx *ctx, const hs_http_request_v1 *req, hs_http_request_v1 *rq)
{
    memset(rq, 0, sizeof(*rq));
    if (!req || req->size < offsetof(hs_http_request_v1, url) + sizeof(req->url)) {
        sdk_ctx_error_set(ctx, "TypeError",
                          "http request: size is not set (start from HS_HTTP_REQUEST_INIT)");
        return HS_ERR_INVALID;
    }
    memcpy(rq, req, req->size < sizeof(*rq) ? req->size : sizeof(*rq));
    return HS_OK;
}

static hs_status http_run(hs_ctx *ctx, const hs_http_request_v1 *rq, const struct http_extra *ex,
                          hs_http_response **resp)
{
    struct arena *a = ctx->a;
    const char *url = ex && ex->url ? ex->url : rq->url;
    const char *token = rq->bearer_token ? rq->bearer_token : ex ? ex->bearer_token : NULL;
    bool has_body = rq->json || rq->body_len > 0;
    const char *method = rq->method ? rq->method : has_body ? "POST" : "GET";

    struct url_parts up;
    const char *why = NULL;
    if (url_parse(a, url, &up, &why) != 0)
        return http_fail(ctx, HS_ERR_INVALID, method, "(URL withheld)", token,
                         "refused: the URL %s", why);
    if (!token_ok(method, HTTP_METHOD_MAX))
        return http_fail(ctx, HS_ERR_INVALID, "request", up.safe, token,
                         "refused: the method is not an HTTP token");
    if (token && (!token[0] || !value_ok(token, HTTP_TOKEN_MAX)))
        return http_fail(ctx, HS_ERR_INVALID, method, up.safe, NULL,
                         "refused: the bearer token is empty, too long or holds a line break");
    if (rq->nheaders > HTTP_REQ_HEADERS_MAX || (rq->nheaders && !rq->headers))
        return http_fail(ctx, HS_ERR_INVALID, method, up.safe, token,
                         "refused: headers must be an array of at most %d", HTTP_REQ_HEADERS_MAX);
    for (size_t i = 0; i < rq->nheaders; i++) {
        const hs_http_header *h = &rq->headers[i];
        if (!h->name || !token_ok(h->name, HTTP_REQ_HEADER_NAME_MAX) || !h->value ||
            !value_ok(h->value, HTTP_REQ_HEADER_VALUE_MAX))
            return http_fail(ctx, HS_ERR_INVALID, method, up.safe, token,
                             "refused: header %zu has an invalid name or value", i);
    }
    if (!rq->json && rq->body_len > 0 && !rq->body)
        return http_fail(ctx, HS_ERR_INVALID, method, up.safe, token,
                         "refused: body_len is set but body is NULL");
    size_t max = rq->max_response_bytes ? rq->max_response_bytes : HS_HTTP_MAX_RESPONSE_DEFAULT;
    if (max > HS_HTTP_MAX_RESPONSE_LIMIT)
        return http_fail(ctx, HS_ERR_RANGE, method, up.safe, token,
                         "refused: max_response_bytes %zu is above the limit of %u", max,
                         HS_HTTP_MAX_RESPONSE_LIMIT);

    /* The body. */
    const char *body = rq->body;
    size_t body_len = rq->body_len;
    if (rq->json) {
        struct json_buf b;
        json_buf_init(&b, 0);
        int rc = json_write(&b, (const struct json_value *)rq->json, 0, NULL);
        char *copy = rc == 0 ? arena_strndup(a, b.data ? b.data : "", b.len) : NULL;
        body_len = b.len;
        json_buf_free(&b);
        if (rc == ERR_UNSERIALIZABLE)
            return http_fail(ctx, HS_ERR_TYPE, method, up.safe, token,
                             "refused: the JSON body holds a Date or is nested too deep");
        if (!copy)
            return http_fail(ctx, HS_ERR_NOMEM, method, up.safe, token,
                             "failed: out of memory for the body");
        body = copy;
    }

    struct hs_http_response *r = arena_calloc(a, 1, sizeof(*r));
    CURL *c = r ? http_handle(ctx) : NULL;
    if (!c)
        return http_fail(ctx, HS_ERR_NOMEM, method, up.safe, token,
                         "failed: out of memory for the transfer");
    r->a = a;

    struct curl_slist *hl = NULL;
    bool hl_ok = true;
#define HL_ADD(text)                                                                               \
    do {                                                                                           \
        struct curl_slist *n_ = curl_slist_append(hl, (text));                                     \
        if (n_)                                                                                    \
            hl = n_;                                                                               \
        else                                                                                       \
            hl_ok = false;                                                                         \
    } while (0)
    for (size_t i = 0; i < rq->nheaders && hl_ok; i++) {
        const hs_http_header *h = &rq->headers[i];
        /* "Name;" sends an empty value (curl drops "Name:" as a removal). */
        char *line = h->value[0] ? arena_printf(a, "%s: %s", h->name, h->value)
                                 : arena_printf(a, "%s;", h->name);
        if (!line)
            hl_ok = false;
        else
            HL_ADD(line);
    }
    if (hl_ok && !has_header(rq, "Content-Type")) {
        if (rq->json)
            HL_ADD("Content-Type: application/json");
        else if (has_body)
            HL_ADD("Content-Type:"); /* no form type by default */
    }
    if (hl_ok && ex && ex->accept_json && !has_header(rq, "Accept"))
        HL_ADD("Accept: application/json");
    if (hl_ok && !has_header(rq, "Expect"))
        HL_ADD("Expect:");
#undef HL_ADD
    if (!hl_ok) {
        curl_slist_free_all(hl);
        return http_fail(ctx, HS_ERR_NOMEM, method, up.safe, token,
                         "failed: out of memory for the headers");
    }

    struct xfer x = {.curl = c, .r = r, .max = max, .fault = XFER_OK};
    char errbuf[CURL_ERROR_SIZE];
    errbuf[0] = '\0';
    unsigned cto = rq->connect_timeout_ms ? rq->connect_timeout_ms : HS_HTTP_CONNECT_TIMEOUT_MS;
    unsigned tto = rq->timeout_ms ? rq->timeout_ms : HS_HTTP_TIMEOUT_MS;
    bool follow = (rq->flags & HS_HTTP_FOLLOW_REDIRECTS) != 0;
    CURLcode set = CURLE_OK;
#define SET(opt, val)                                                                              \
    do {                                                                                           \
        if (set == CURLE_OK)                                                                       \
            set = curl_easy_setopt(c, (opt), (val));                                               \
    } while (0)
    SET(CURLOPT_URL, url);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_ERRORBUFFER, errbuf);
    SET(CURLOPT_CONNECTTIMEOUT_MS, (long)cto);
    SET(CURLOPT_TIMEOUT_MS, (long)tto);
    SET(CURLOPT_FOLLOWLOCATION, follow ? 1L : 0L);
    SET(CURLOPT_MAXREDIRS, (long)HS_HTTP_MAX_REDIRECTS);
    SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
    SET(CURLOPT_ACCEPT_ENCODING, "");
    SET(CURLOPT_USERAGENT, "hookstack/" HS_VERSION);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, &x);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, &x);
    SET(CURLOPT_HTTPHEADER, hl);
    if (token) {
        SET(CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
        SET(CURLOPT_XOAUTH2_BEARER, token);
    }
    if (strcmp(method, "GET") == 0 && !has_body) {
        SET(CURLOPT_HTTPGET, 1L);
    } else if (strcmp(method, "HEAD") == 0 && !has_body) {
        SET(CURLOPT_NOBODY, 1L);
    } else {
        if (strcmp(method, "POST") != 0)
            SET(CURLOPT_CUSTOMREQUEST, method);
        if (has_body || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
            strcmp(method, "PATCH") == 0) {
            SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
            SET(CURLOPT_POSTFIELDS, body ? body : "");
        }
    }
#undef SET
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CURLcode rc = set == CURLE_OK ? curl_easy_perform(c) : set;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
    /* Nothing of this call may be reached from the handle once it returns. */
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, NULL);
    curl_slist_free_all(hl);

    const char *detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    if (rc != CURLE_OK) {
        if (x.fault == XFER_BODY_TOO_LARGE || rc == CURLE_FILESIZE_EXCEEDED)
            return http_fail(ctx, HS_ERR_LIMIT, method, up.safe, token,
                             "failed: the response body exceeds max_response_bytes (%zu bytes)",
                             max);
        if (x.fault == XFER_HEADERS_TOO_LARGE)
            return http_fail(ctx, HS_ERR_LIMIT, method, up.safe, token,
                             "failed: the response headers exceed %u bytes or %d fields",
                             HTTP_RESP_HEADER_BYTES_MAX, HTTP_RESP_HEADERS_MAX);
        if (x.fault == XFER_NOMEM || rc == CURLE_OUT_OF_MEMORY)
            return http_fail(ctx, HS_ERR_NOMEM, method, up.safe, token,
                             "failed: out of memory for the response");
        switch (rc) {
        case CURLE_OPERATION_TIMEDOUT:
            return http_fail(ctx, HS_ERR_TIMEOUT, method, up.safe, token,
                             "timed out after %ld ms (connect timeout %u ms, total %u ms): %s", ms,
                             cto, tto, detail);
        case CURLE_TOO_MANY_REDIRECTS:
            return http_fail(ctx, HS_ERR_LIMIT, method, up.safe, token, "failed: %s", detail);
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL:
            return http_fail(ctx, HS_ERR_INVALID, method, up.safe, token, "refused: %s", detail);
        default:
            return http_fail(ctx, HS_ERR_NETWORK, method, up.safe, token, "failed: %s", detail);
        }
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    r->status = (int)status;
    if (!r->body) {
        r->body = arena_alloc(a, 1);
        if (!r->body)
            return http_fail(ctx, HS_ERR_NOMEM, method, up.safe, token,
                             "failed: out of memory for the response");
    }
    r->body[r->len] = '\0';
    char line[1024];
    int n = snprintf(line, sizeof(line), "http %s %s -> %ld, %zu bytes, %ld ms", method, up.safe,
                     status, r->len, ms);
    if (n > 0)
        sdk_ctx_log(ctx, HS_LOG_DEBUG, line, (size_t)n < sizeof(line) ? (size_t)n : 1023);
    *resp = r;
    return HS_OK;
}

/* ---- the table's calls ---------------------------------------------------------------------- */

hs_status sdk_http_request(hs_ctx *ctx, const hs_http_request_v1 *req, hs_http_response **resp)
{
    if (!ctx || !resp)
        return HS_ERR_INVALID;
    *resp = NULL;
    hs_http_request_v1 rq;
    hs_status st = req_copy(ctx, req, &rq);
    return st == HS_OK ? http_run(ctx, &rq, NULL, resp) : st;
}

static const struct json_value *member(const struct json_value *o, const char *key)
{
    return o && o->type == JSON_OBJECT ? json_object_get(o, key, strlen(key)) : NULL;
}

/* A configured API base: https, or http to loopback; no userinfo, query or fragment. */
static hs_status base_check(struct arena *a, const struct json_value *v, const char *where,
                            const char **base, const char **why)
{
    if (v->type != JSON_STRING || v->len == 0) {
        *why = arena_printf(a, "%s.integratorApiUrl must be a non-empty string", where);
        return HS_ERR_INVALID;
    }
    struct url_parts up;
    const char *pw = NULL;
    if (url_parse(a, v->u.str, &up, &pw) != 0 || up.has_extra ||
        (strcmp(up.scheme, "https") != 0 && !host_loopback(up.host))) {
        *why = arena_printf(a,
                            "%s.integratorApiUrl must be an https URL (or http to a loopback "
                            "address) without credentials, query or fragment",
                            where);
        return HS_ERR_INVALID;
    }
    size_t n = v->len;
    while (n > 0 && v->u.str[n - 1] == '/')
        n--;
    char *b = arena_strndup(a, v->u.str, n);
    if (!b) {
        *why = "out of memory";
        return HS_ERR_NOMEM;
    }
    *base = b;
    return HS_OK;
}

hs_status sdk_http_integrator_base(const struct json_value *options, struct arena *a,
                                   const char **base, const char **why)
{
    const struct json_value *sources[2] = {member(options, "settings"), options};
    const char *names[2] = {"settings", "options"};
    for (int i = 0; i < 2; i++) {
        const struct json_value *src = sources[i];
        if (!src || src->type != JSON_OBJECT)
            continue;
        const struct json_value *u = member(src, "integratorApiUrl");
        if (u)
            return base_check(a, u, names[i], base, why);
        const struct json_value *region = member(src, "integratorRegion");
        if (!region)
            continue;
        if (region->type == JSON_STRING && text_ieq(region->u.str, region->len, "us")) {
            *base = US_BASE;
            return HS_OK;
        }
        if (region->type == JSON_STRING && text_ieq(region->u.str, region->len, "eu")) {
            *base = EU_BASE;
            return HS_OK;
        }
        *why = arena_printf(a, "%s.integratorRegion must be \"us\" or \"eu\"", names[i]);
        return HS_ERR_INVALID;
    }
    *base = US_BASE;
    return HS_OK;
}

hs_status sdk_http_integrator_request(hs_ctx *ctx, const hs_http_request_v1 *req,
                                      hs_http_response **resp)
{
    if (!ctx || !resp)
        return HS_ERR_INVALID;
    *resp = NULL;
    hs_http_request_v1 rq;
    hs_status st = req_copy(ctx, req, &rq);
    if (st != HS_OK)
        return st;
    const char *method = rq.method ? rq.method : (rq.json || rq.body_len) ? "POST" : "GET";
    const char *base = NULL, *why = NULL;
    st = sdk_http_integrator_base(ctx->call->options, ctx->a, &base, &why);
    if (st != HS_OK)
        return http_fail(ctx, st, method, "(integrator.io)", NULL, "refused: %s",
                         why ? why : "out of memory");
    const char *path = rq.url;
    if (!path || path[0] != '/' || path[1] == '/')
        return http_fail(ctx, HS_ERR_INVALID, method, base, NULL,
                         "refused: the path must start with a single '/' (relative to the API "
                         "base)");
    const struct json_value *bt = member(ctx->call->options, "bearerToken");
    const char *token = bt && bt->type == JSON_STRING && bt->len > 0 ? bt->u.str : NULL;
    if (!rq.bearer_token && !token)
        return http_fail(ctx, HS_ERR_INVALID, method, base, NULL,
                         "refused: the options carry no bearerToken and the request gives none");
    char *url = arena_printf(ctx->a, "%s%s", base, path);
    if (!url)
        return http_fail(ctx, HS_ERR_NOMEM, method, base, NULL, "failed: out of memory");
    struct http_extra ex = {.url = url, .bearer_token = token, .accept_json = true};
    return http_run(ctx, &rq, &ex, resp);
}

int sdk_http_status(const hs_http_response *resp)
{
    return resp ? resp->status : 0;
}

const char *sdk_http_header(const hs_http_response *resp, const char *name)
{
    if (!resp || !name)
        return NULL;
    size_t count = 0, total = 0;
    const char *first = NULL;
    for (size_t i = 0; i < resp->nhdrs; i++) {
        const struct http_hdr *h = &resp->hdrs[i];
        if (text_ieq(h->name, h->name_len, name)) {
            if (!first)
                first = h->value;
            count++;
            total += strlen(h->value) + 2;
        }
    }
    if (count <= 1)
        return first;
    char *joined = arena_alloc(resp->a, total + 1);
    if (!joined)
        return first;
    size_t o = 0;
    for (size_t i = 0; i < resp->nhdrs; i++) {
        const struct http_hdr *h = &resp->hdrs[i];
        if (!text_ieq(h->name, h->name_len, name))
            continue;
        if (o) {
            memcpy(joined + o, STRLIT(", "));
            o += 2;
        }
        size_t vl = strlen(h->value);
        memcpy(joined + o, h->value, vl);
        o += vl;
    }
    joined[o] = '\0';
    return joined;
}

const char *sdk_http_body(const hs_http_response *resp, size_t *len)
{
    if (len)
        *len = resp ? resp->len : 0;
    return resp && resp->body ? resp->body : "";
}

hs_status sdk_http_json(hs_ctx *ctx, const hs_http_response *cresp, hs_json **out)
{
    if (!ctx || !cresp || !out)
        return HS_ERR_INVALID;
    struct hs_http_response *resp = (struct hs_http_response *)cresp;
    if (!resp->json_done) {
        resp->json_done = true;
        if (resp->len == 0) {
            resp->json_status = HS_ERR_PARSE;
            resp->json_error = "the response body is empty: Unexpected end of JSON input";
        } else {
            struct json_parse_opts o = {.require_container = false, .decode_utf8 = true};
            struct json_error e;
            memset(&e, 0, sizeof(e));
            resp->json = json_parse(ctx->a, resp->body, resp->len, &o, &e);
            if (resp->json) {
                resp->json_status = HS_OK;
            } else {
                bool nomem = strstr(e.message, "memory") != NULL;
                resp->json_status = nomem ? HS_ERR_NOMEM : HS_ERR_PARSE;
                resp->json_error =
                    nomem ? "out of memory while parsing the response body"
                          : arena_printf(ctx->a,
                                         "the response body is not JSON: %s at line %u column %u",
                                         e.message, (unsigned)e.line, (unsigned)e.column);
            }
        }
    }
    if (resp->json_status != HS_OK)
        sdk_ctx_error_set(ctx, resp->json_status == HS_ERR_NOMEM ? "RangeError" : "SyntaxError",
                          resp->json_error);
    *out = (hs_json *)resp->json;
    return resp->json_status;
}
