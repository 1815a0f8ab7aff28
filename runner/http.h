/* http.h — HTTP/1.1 request parsing for the front, on top of http-parser.
 *
 * One http_req per connection, reused for each request on it. Bytes are fed as they arrive; the
 * parser keeps only what the front needs: the URL, a few headers (Authorization, Content-Type,
 * Content-Encoding, traceid, Expect; the first of duplicates wins) and the body, joined from
 * Content-Length or chunked framing, in a buffer that grows with the bytes received (a declared
 * length reserves nothing). Every size is bounded at init: the request line plus the header block
 * (431), the number of headers (431) and the body (413, checked against Content-Length or a
 * chunk's size before its bytes, and against the running total for chunked bodies). At the end of
 * the headers the caller decides to keep the body, drop it, or refuse the request unread. Parsing
 * stops after each complete request, so pipelined bytes stay with the caller until it has
 * answered.
 *
 * Parsing is as strict as Node 20's (llhttp): http_scan.c refuses the framing forms http-parser
 * lets through (bare LF or CR, obsolete line folding, a space in or before a header name, bad
 * chunk-size lines, chunk data not followed by CRLF) before http-parser sees them, and the
 * callbacks refuse HTTP versions other than 1.0 and 1.1, an HTTP/1.1 request without Host (400)
 * and an Expect other than 100-continue (417). Trailer fields are read but never kept, so they
 * cannot stand in for a header. Kept header values lose their trailing spaces and tabs. */
#ifndef HS_HTTP_H
#define HS_HTTP_H

#include <http_parser.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "http_scan.h"
#include "text.h"

enum http_hdr {
    HTTP_HDR_AUTHORIZATION = 0,
    HTTP_HDR_CONTENT_TYPE,
    HTTP_HDR_CONTENT_ENCODING,
    HTTP_HDR_TRACEID,
    HTTP_HDR_EXPECT,
    HTTP_HDR_COUNT
};

/* What to do with the body, decided by the front once the headers are in. */
enum http_body_mode {
    /* collect it (POST /function); its buffer grows with the bytes received, so nothing is set
     * aside for a length that was only declared */
    HTTP_BODY_KEEP = 0,
    HTTP_BODY_DISCARD, /* read and drop it (the answer does not depend on it) */
    /* do not read it: the request counts as complete at the end of its headers (r->refused), so
     * it can be answered at once; the connection must close after the answer */
    HTTP_BODY_REFUSE,
};

struct http_limits {
    size_t max_header_bytes; /* request line + header block */
    size_t max_headers;
    size_t max_body;
};

struct http_span {
    uint32_t off, len;
    bool present;
};

struct http_req;
typedef enum http_body_mode (*http_headers_cb)(struct http_req *r, void *arg);

struct http_req {
    http_parser parser;
    struct http_scan scan; /* checks each byte before parser sees it */
    const struct http_limits *lim;
    http_headers_cb on_headers;
    void *arg;
    /* URL and kept header values, back to back (offsets stay valid when it grows). */
    char *text;
    size_t text_len, text_cap;
    struct http_span url, hdr[HTTP_HDR_COUNT];
    size_t header_bytes, nheaders;
    bool has_host;
    int cur;       /* header whose value is arriving (enum http_hdr), or -1 */
    bool in_value; /* last callback was a value */
    char name[20]; /* the current header name, lowercased (longer names are not kept) */
    size_t name_len;
    /* body */
    char *body;
    size_t body_len, body_cap;
    size_t body_limit; /* the declared length, or max_body for chunked: where growth stops */
    bool discard;
    /* progress; refused: complete at its headers, the body left unread (HTTP_BODY_REFUSE) */
    bool started, headers_done, complete, refused;
    /* The request's failure (err.h), with the HTTP status it is answered with and a detail:
     *   ERR_INVALID      400  malformed request
     *   ERR_TOO_LARGE    431  request line and headers past max_header_bytes or max_headers
     *   ERR_TOO_LARGE    413  body past max_body
     *   ERR_NOMEM        503  no memory for the request
     *   ERR_UNSUPPORTED  417  an Expect other than 100-continue
     * ERR_OK (and err_status 0) while the request is fine. */
    int err;
    int err_status;
    const char *err_detail;
    size_t bytes_in; /* bytes of this request consumed so far */
};

/* Process-wide: lets http-parser accept header blocks up to our own limit (we check first). */
void http_global_init(size_t max_header_bytes);

void http_req_init(struct http_req *r, const struct http_limits *lim, http_headers_cb cb,
                   void *arg);
/* Forgets the finished request and unpauses for the next one; keeps small buffers for reuse. */
void http_req_next(struct http_req *r);
void http_req_free(struct http_req *r);

/* Parses up to len bytes. Returns how many were consumed: fewer than len when the request
 * completed (r->complete) or failed (r->err). */
size_t http_req_feed(struct http_req *r, const char *data, size_t len);

/* The URL, a kept header (p == NULL when absent), and the body as received. */
struct strv http_req_url(const struct http_req *r);
struct strv http_req_header(const struct http_req *r, enum http_hdr h);
struct strv http_req_body(const struct http_req *r);
bool http_req_keep_alive(const struct http_req *r);
const char *http_req_method(const struct http_req *r);
bool http_req_has_body(const struct http_req *r);
/* Frees the body buffer of a request the front no longer needs (its worker has read it); the
 * request's body reads as empty afterwards. */
void http_req_drop_body(struct http_req *r);

/* The reason phrase of an HTTP status code ("Not Found"); a code not in the table gets the
 * phrase of its class ("OK", "Bad Request", "Internal Server Error"). */
const char *http_status_text(int status);

/* Splits a request target into path and query (query.p == NULL without '?'), like Node's URL
 * parsing: absolute-form ("http://host/path") gives its path, and a fragment is dropped. */
void http_url_split(struct strv url, struct strv *path, struct strv *query);

/* The value of the query parameter name in q, percent-decoded ('+' as a space) into out (cap
 * bytes, NUL-terminated, cut to fit). Returns its length, or -1 when q has no such parameter. */
int http_query_param(struct strv q, const char *name, char *out, size_t cap);

#endif
