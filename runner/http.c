/* http.c — http-parser glue: one bounded request at a time per connection (see http.h). */
#include "http.h"

#include "text.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HTTP_TEXT_INITIAL 1024u
/* The first allocation of a kept body (it doubles as the bytes arrive). */
#define HTTP_BODY_FIRST (4u * 1024u)
/* Buffers bigger than this are released between requests instead of kept for reuse. */
#define HTTP_KEEP_BODY (64u * 1024u)
/* Per header line, the ": " and CRLF around name and value count towards the limit too. */
#define HTTP_LINE_OVERHEAD 4u

static const char *const hdr_names[HTTP_HDR_COUNT] = {
    [HTTP_HDR_AUTHORIZATION] = "authorization",
    [HTTP_HDR_CONTENT_TYPE] = "content-type",
    [HTTP_HDR_CONTENT_ENCODING] = "content-encoding",
    [HTTP_HDR_TRACEID] = "traceid",
    [HTTP_HDR_EXPECT] = "expect",
};

static struct http_req *req_of(http_parser *p)
{
    return p->data;
}

/* Fails r with code (err.h), answered with HTTP status; the first failure stays. */
static int fail(struct http_req *r, int code, int status, const char *detail)
{
    if (r->err == ERR_OK) {
        r->err = code;
        r->err_status = status;
        r->err_detail = detail;
    }
    return -1;
}

/* Counts header-block bytes against the limit. */
static int count_header_bytes(struct http_req *r, size_t n)
{
    r->header_bytes += n;
    if (r->header_bytes > r->lim->max_header_bytes)
        return fail(r, ERR_TOO_LARGE, 431, "request header fields too large");
    return 0;
}

static int text_append(struct http_req *r, struct http_span *s, const char *at, size_t n)
{
    if (r->text_cap - r->text_len < n) {
        size_t cap = r->text_cap ? r->text_cap : HTTP_TEXT_INITIAL;
        while (cap - r->text_len < n)
            cap *= 2;
        char *t = realloc(r->text, cap);
        if (t == NULL)
            return fail(r, ERR_NOMEM, 503, "out of memory");
        r->text = t;
        r->text_cap = cap;
    }
    if (!s->present) {
        s->present = true;
        s->off = (uint32_t)r->text_len;
        s->len = 0;
    }
    /* A span always ends the text when it grows: spans are filled one after another. */
    memcpy(r->text + r->text_len, at, n);
    r->text_len += n;
    s->len += (uint32_t)n;
    return 0;
}

static int on_message_begin(http_parser *p)
{
    req_of(p)->started = true;
    return 0;
}

static int on_url(http_parser *p, const char *at, size_t n)
{
    struct http_req *r = req_of(p);
    if (count_header_bytes(r, n) != 0)
        return -1;
    return text_append(r, &r->url, at, n);
}

static int on_header_field(http_parser *p, const char *at, size_t n)
{
    struct http_req *r = req_of(p);
    if (count_header_bytes(r, n) != 0)
        return -1;
    if (r->in_value || r->nheaders == 0) {
        /* A new header line starts. */
        r->in_value = false;
        r->name_len = 0;
        r->cur = -1;
        if (++r->nheaders > r->lim->max_headers)
            return fail(r, ERR_TOO_LARGE, 431, "too many header fields");
        if (count_header_bytes(r, HTTP_LINE_OVERHEAD) != 0)
            return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (r->name_len < sizeof(r->name))
            r->name[r->name_len] = (char)((at[i] >= 'A' && at[i] <= 'Z') ? at[i] + 32 : at[i]);
        r->name_len++;
    }
    return 0;
}

static int on_header_value(http_parser *p, const char *at, size_t n)
{
    struct http_req *r = req_of(p);
    if (count_header_bytes(r, n) != 0)
        return -1;
    if (!r->in_value) {
        r->in_value = true;
        r->cur = -1;
        /* Trailer fields (after the header section) are counted, never kept. */
        if (r->headers_done)
            return 0;
        if (r->name_len == 4 && memcmp(r->name, STRLIT("host")) == 0)
            r->has_host = true;
        for (int h = 0; h < HTTP_HDR_COUNT && r->name_len <= sizeof(r->name); h++) {
            size_t hl = strlen(hdr_names[h]);
            if (hl == r->name_len && memcmp(r->name, hdr_names[h], hl) == 0) {
                /* The first of duplicates wins; an empty value still counts as present. */
                if (!r->hdr[h].present) {
                    r->cur = h;
                    if (text_append(r, &r->hdr[h], at, 0) != 0)
                        return -1;
                }
                break;
            }
        }
    }
    if (r->cur >= 0 && n > 0)
        return text_append(r, &r->hdr[r->cur], at, n);
    return 0;
}

/* Field values end without the spaces and tabs before their CRLF (leading ones http-parser
 * skips). */
static void trim_values(struct http_req *r)
{
    for (int h = 0; h < HTTP_HDR_COUNT; h++) {
        struct http_span *s = &r->hdr[h];
        while (s->present && s->len > 0 &&
               (r->text[s->off + s->len - 1] == ' ' || r->text[s->off + s->len - 1] == '\t'))
            s->len--;
    }
}

/* What Node 20 refuses once the header section is in: a version other than 1.0 and 1.1,
 * HTTP/1.1 without Host, and (HTTP/1.1) an expectation other than 100-continue. */
static int check_head(struct http_req *r, const http_parser *p)
{
    if (p->http_major != 1 || p->http_minor > 1)
        return fail(r, ERR_INVALID, 400, "unsupported HTTP version");
    if (p->http_minor == 1 && !r->has_host)
        return fail(r, ERR_INVALID, 400, "HTTP/1.1 request without a Host header");
    struct strv expect = http_req_header(r, HTTP_HDR_EXPECT);
    if (p->http_minor == 1 && expect.p != NULL && !text_ieq(expect.p, expect.len, "100-continue"))
        return fail(r, ERR_UNSUPPORTED, 417, "only the expectation 100-continue is supported");
    return 0;
}

static int on_headers_complete(http_parser *p)
{
    struct http_req *r = req_of(p);
    r->headers_done = true;
    trim_values(r);
    if (check_head(r, p) != 0)
        return -1;
    bool chunked = (p->flags & F_CHUNKED) != 0;
    uint64_t cl = p->content_length;
    bool has_cl = cl != ULLONG_MAX && cl > 0;
    if (has_cl && cl > r->lim->max_body)
        return fail(r, ERR_TOO_LARGE, 413, "request body too large");
    enum http_body_mode mode = r->on_headers ? r->on_headers(r, r->arg) : HTTP_BODY_KEEP;
    if (r->err != ERR_OK)
        return -1;
    if (mode == HTTP_BODY_REFUSE) {
        /* Answered without its body: parsing stops here for good (the connection closes). */
        r->refused = r->complete = true;
        r->discard = true;
        http_parser_pause(p, 1);
        return 0;
    }
    r->discard = mode == HTTP_BODY_DISCARD;
    /* Nothing is allocated for a declared length: on_body grows the buffer with the bytes that
     * arrive, doubling up to the declared length (chunked: the body limit). */
    r->body_limit = has_cl ? (size_t)cl : chunked ? r->lim->max_body : 0;
    return 0;
}

/* A chunk that cannot fit is refused at its size line, before its bytes. */
static int on_chunk_header(http_parser *p)
{
    struct http_req *r = req_of(p);
    if (p->content_length > r->lim->max_body - r->body_len)
        return fail(r, ERR_TOO_LARGE, 413, "request body too large");
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t n)
{
    struct http_req *r = req_of(p);
    if (n > r->lim->max_body - r->body_len)
        return fail(r, ERR_TOO_LARGE, 413, "request body too large");
    if (r->discard) {
        r->body_len += n;
        return 0;
    }
    if (r->body_cap - r->body_len < n) {
        size_t cap = r->body_cap ? r->body_cap : HTTP_BODY_FIRST;
        size_t limit = r->body_limit > r->body_len + n ? r->body_limit : r->body_len + n;
        while (cap - r->body_len < n)
            cap = cap > limit / 2 ? limit : cap * 2;
        char *b = realloc(r->body, cap);
        if (b == NULL)
            return fail(r, ERR_NOMEM, 503, "out of memory for the request body");
        r->body = b;
        r->body_cap = cap;
    }
    memcpy(r->body + r->body_len, at, n);
    r->body_len += n;
    return 0;
}

static int on_message_complete(http_parser *p)
{
    struct http_req *r = req_of(p);
    r->complete = true;
    http_parser_pause(p, 1);
    return 0;
}

static const http_parser_settings settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_chunk_header = on_chunk_header,
    .on_message_complete = on_message_complete,
};

void http_global_init(size_t max_header_bytes)
{
    /* Our own count (in the callbacks) is the one that answers 431; http-parser's is a backstop. */
    size_t lim = max_header_bytes + 8192;
    http_parser_set_max_header_size((uint32_t)(lim > 0x7fffffff ? 0x7fffffff : lim));
}

static void reset_fields(struct http_req *r)
{
    r->text_len = 0;
    memset(&r->url, 0, sizeof(r->url));
    memset(r->hdr, 0, sizeof(r->hdr));
    r->header_bytes = 0;
    r->nheaders = 0;
    r->has_host = false;
    r->cur = -1;
    r->in_value = false;
    r->name_len = 0;
    r->body_len = 0;
    r->discard = false;
    r->body_limit = 0;
    r->started = r->headers_done = r->complete = r->refused = false;
    r->err = ERR_OK;
    r->err_status = 0;
    r->err_detail = NULL;
    r->bytes_in = 0;
    http_scan_init(&r->scan);
}

void http_req_init(struct http_req *r, const struct http_limits *lim, http_headers_cb cb, void *arg)
{
    memset(r, 0, sizeof(*r));
    http_parser_init(&r->parser, HTTP_REQUEST);
    r->parser.data = r;
    r->lim = lim;
    r->on_headers = cb;
    r->arg = arg;
    reset_fields(r);
}

void http_req_next(struct http_req *r)
{
    http_parser_pause(&r->parser, 0);
    if (r->body_cap > HTTP_KEEP_BODY) {
        free(r->body);
        r->body = NULL;
        r->body_cap = 0;
    }
    if (r->text_cap > 4 * HTTP_TEXT_INITIAL) {
        free(r->text);
        r->text = NULL;
        r->text_cap = 0;
    }
    reset_fields(r);
}

void http_req_free(struct http_req *r)
{
    free(r->text);
    free(r->body);
    r->text = r->body = NULL;
    r->text_cap = r->body_cap = 0;
}

/* Gives n bytes the scanner accepted to http-parser; returns how many it consumed. */
static size_t parse(struct http_req *r, const char *data, size_t n)
{
    size_t used = http_parser_execute(&r->parser, &settings, data, n);
    enum http_errno e = HTTP_PARSER_ERRNO(&r->parser);
    if (e != HPE_OK && e != HPE_PAUSED && r->err == ERR_OK) {
        if (e == HPE_HEADER_OVERFLOW)
            fail(r, ERR_TOO_LARGE, 431, "request header fields too large");
        else
            fail(r, ERR_INVALID, 400, http_errno_description(e));
    }
    return used;
}

/* The scanner and http-parser must agree on where the header section and a chunked message
 * end (in_body: the header section had ended before these bytes); a request they would read
 * differently is refused. */
static void check_agree(struct http_req *r, enum http_scan_stop stop, size_t ok, size_t used,
                        bool in_body)
{
    /* A refused request stops at its headers (both agreed they ended); its body is never read. */
    if (r->err != ERR_OK || r->refused)
        return;
    bool same;
    if (!r->complete)
        same = used == ok && stop != HTTP_SCAN_MSG_END &&
               (stop != HTTP_SCAN_HEAD_END || r->headers_done);
    else if ((r->parser.flags & F_CHUNKED) != 0)
        same = used == ok && stop == HTTP_SCAN_MSG_END;
    else if (stop == HTTP_SCAN_HEAD_END)
        same = used == ok; /* a request without a body */
    else
        same = in_body; /* a Content-Length body ends where http-parser says */
    if (!same)
        fail(r, ERR_INVALID, 400, "ambiguous message framing");
}

size_t http_req_feed(struct http_req *r, const char *data, size_t len)
{
    size_t total = 0;
    while (total < len && !r->complete && r->err == ERR_OK) {
        enum http_scan_stop stop;
        bool in_body = r->headers_done;
        size_t ok = http_scan_run(&r->scan, data + total, len - total, &stop);
        size_t used = ok > 0 ? parse(r, data + total, ok) : 0;
        total += used;
        check_agree(r, stop, ok, used, in_body);
        if (r->err != ERR_OK || r->complete)
            break;
        if (stop == HTTP_SCAN_ERROR)
            fail(r, ERR_INVALID, 400, r->scan.err);
        else if (stop == HTTP_SCAN_HEAD_END)
            http_scan_body(&r->scan, (r->parser.flags & F_CHUNKED) != 0);
    }
    r->bytes_in += total;
    return total;
}

static struct strv span(const struct http_req *r, const struct http_span *s)
{
    struct strv v = {.p = NULL, .len = 0};
    if (s->present) {
        v.p = r->text ? r->text + s->off : "";
        v.len = s->len;
    }
    return v;
}

struct strv http_req_url(const struct http_req *r)
{
    struct strv v = span(r, &r->url);
    if (v.p == NULL)
        v.p = "";
    return v;
}

struct strv http_req_header(const struct http_req *r, enum http_hdr h)
{
    return span(r, &r->hdr[h]);
}

struct strv http_req_body(const struct http_req *r)
{
    struct strv v = {.p = r->body ? r->body : "", .len = r->discard ? 0 : r->body_len};
    return v;
}

bool http_req_keep_alive(const struct http_req *r)
{
    return http_should_keep_alive(&r->parser) != 0;
}

const char *http_req_method(const struct http_req *r)
{
    return http_method_str((enum http_method)r->parser.method);
}

bool http_req_has_body(const struct http_req *r)
{
    return (r->parser.flags & F_CHUNKED) != 0 ||
           (r->parser.content_length != ULLONG_MAX && r->parser.content_length > 0);
}

void http_req_drop_body(struct http_req *r)
{
    free(r->body);
    r->body = NULL;
    r->body_cap = 0;
    r->body_len = 0;
}

const char *http_status_text(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 102:
        return "Processing";
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 417:
        return "Expectation Failed";
    case 422:
        return "Unprocessable Entity";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return status < 300 ? "OK" : status < 500 ? "Bad Request" : "Internal Server Error";
    }
}
