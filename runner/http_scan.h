/* http_scan.h — the framing rules of an HTTP/1.1 request that Debian's http-parser (2.9, built
 * without HTTP_PARSER_STRICT) lets through, checked on the raw bytes before http-parser sees them.
 *
 * A proxy in front and this server must split a byte stream into the same requests; the forms
 * below are read differently by different parsers, so each is refused here (as Node 20's llhttp
 * does): a line ending in a bare LF or a CR not followed by LF; obsolete line folding (a header or
 * trailer line that starts with a space or tab); a header name that is not a token (a space
 * before the colon, a space inside); a control character in a field value; a chunk-size line that
 * is not hex digits and well-formed `;name[=token|"quoted"]` extensions, or whose size overflows;
 * chunk data not followed by CRLF.
 *
 * The scanner keeps a few bytes of state, so the stream may arrive in pieces of any size. Bytes
 * before the request line (CR, LF) are skipped as http-parser and llhttp do. After the header
 * section it stops (HTTP_SCAN_HEAD_END) until told the body's framing: a Content-Length body (or
 * none) is left to http-parser; a chunked one is followed to the end of its trailers
 * (HTTP_SCAN_MSG_END). What it does not check (the request line's words, Content-Length and
 * Transfer-Encoding values, limits) http-parser and http.c do. */
#ifndef HS_HTTP_SCAN_H
#define HS_HTTP_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum http_scan_stop {
    HTTP_SCAN_MORE = 0, /* every byte given was scanned; the message goes on */
    HTTP_SCAN_HEAD_END, /* the header section ended with the last byte counted */
    HTTP_SCAN_MSG_END,  /* the chunked body and its trailers ended with the last byte counted */
    HTTP_SCAN_ERROR,    /* the byte after those counted breaks a rule; err says which */
};

struct http_scan {
    uint8_t state;
    bool trailers;  /* the field lines being read are trailers */
    uint64_t chunk; /* the chunk size being read, then its data bytes still to come */
    const char *err;
};

/* Before the first byte of a request. */
void http_scan_init(struct http_scan *s);

/* After HTTP_SCAN_HEAD_END: how the body is framed (chunked, else left to http-parser). */
void http_scan_body(struct http_scan *s, bool chunked);

/* Scans up to len bytes of the stream. Returns how many belong to the current request and are
 * well-formed so far; *stop says why it stopped there. At HTTP_SCAN_HEAD_END (until
 * http_scan_body) and HTTP_SCAN_MSG_END it takes no more bytes. */
size_t http_scan_run(struct http_scan *s, const char *p, size_t len, enum http_scan_stop *stop);

#endif
