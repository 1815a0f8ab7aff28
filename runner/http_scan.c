/* http_scan.c — strict framing checks on raw request bytes, ahead of http-parser (see
 * http_scan.h). One state per position in the grammar; every state takes any split of the
 * stream. */
#include "http_scan.h"

#include "text.h"

enum {
    SC_START,            /* before the request line: CR and LF skipped */
    SC_REQ_LINE,         /* the request line (its words are http-parser's) */
    SC_REQ_LINE_CR,      /* CR ending the request line seen */
    SC_LINE_START,       /* a field line or the empty line ending the section */
    SC_NAME,             /* a field name */
    SC_VALUE,            /* a field value */
    SC_VALUE_CR,         /* CR ending a field line seen */
    SC_END_CR,           /* CR of the empty line seen */
    SC_HEAD_END,         /* the header section ended; waits for http_scan_body */
    SC_PASS,             /* a Content-Length body or none: http-parser frames it */
    SC_SIZE_START,       /* first digit of a chunk size */
    SC_SIZE,             /* more digits, ';' or CR */
    SC_EXT_NAME_START,   /* after ';' */
    SC_EXT_NAME,         /* an extension's name */
    SC_EXT_VALUE_START,  /* after '=' */
    SC_EXT_TOKEN,        /* a token value */
    SC_EXT_QUOTED,       /* inside a quoted value */
    SC_EXT_QUOTED_PAIR,  /* after a backslash in a quoted value */
    SC_EXT_AFTER_QUOTED, /* after the closing quote */
    SC_SIZE_CR,          /* CR ending the chunk-size line seen */
    SC_DATA,             /* chunk data (not looked at) */
    SC_DATA_CR,          /* CR after the data expected */
    SC_DATA_LF,          /* LF after the data expected */
    SC_DONE,             /* trailers ended: the message is complete */
};

#define CR '\r'
#define LF '\n'

/* A byte allowed inside a field value: VCHAR, obs-text, SP and HTAB. */
static bool value_char(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/* A byte allowed inside a quoted chunk-extension value (qdtext). */
static bool qdtext(unsigned char c)
{
    return c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5b) ||
           (c >= 0x5d && c <= 0x7e) || c >= 0x80;
}

void http_scan_init(struct http_scan *s)
{
    s->state = SC_START;
    s->trailers = false;
    s->chunk = 0;
    s->err = NULL;
}

void http_scan_body(struct http_scan *s, bool chunked)
{
    if (s->state == SC_HEAD_END)
        s->state = chunked ? SC_SIZE_START : SC_PASS;
}

/* The byte at i breaks a rule: stop before it. */
static size_t scan_fail(struct http_scan *s, const char *why, size_t i, enum http_scan_stop *stop)
{
    s->err = why;
    *stop = HTTP_SCAN_ERROR;
    return i;
}

size_t http_scan_run(struct http_scan *s, const char *p, size_t len, enum http_scan_stop *stop)
{
    const unsigned char *b = (const unsigned char *)p;
    size_t i = 0;
    *stop = HTTP_SCAN_MORE;
    if (s->state == SC_PASS)
        return len;
    while (i < len) {
        unsigned char c = b[i];
        switch (s->state) {
        case SC_START:
            if (c != CR && c != LF) {
                s->state = SC_REQ_LINE;
                continue;
            }
            break;
        case SC_REQ_LINE:
            while (i < len && b[i] != CR && b[i] != LF)
                i++;
            if (i == len)
                return len;
            if (b[i] == LF)
                return scan_fail(s, "bare LF in the request line", i, stop);
            s->state = SC_REQ_LINE_CR;
            break;
        case SC_REQ_LINE_CR:
            if (c != LF)
                return scan_fail(s, "CR not followed by LF in the request line", i, stop);
            s->state = SC_LINE_START;
            break;
        case SC_LINE_START:
            if (c == CR) {
                s->state = SC_END_CR;
            } else if (c == ' ' || c == '\t') {
                return scan_fail(s, "obsolete line folding (a field line starts with whitespace)",
                                 i, stop);
            } else if (c == ':') {
                return scan_fail(s, "empty header name", i, stop);
            } else if (text_tchar(c)) {
                s->state = SC_NAME;
            } else {
                return scan_fail(s,
                                 c == LF ? "bare LF in the header section"
                                         : "invalid character in a header name",
                                 i, stop);
            }
            break;
        case SC_NAME:
            while (i < len && text_tchar(b[i]))
                i++;
            if (i == len)
                return len;
            if (b[i] == ' ' || b[i] == '\t')
                return scan_fail(s, "whitespace in a header name or before its colon", i, stop);
            if (b[i] != ':')
                return scan_fail(s, "invalid character in a header name", i, stop);
            s->state = SC_VALUE;
            break;
        case SC_VALUE:
            while (i < len && b[i] != CR && value_char(b[i]))
                i++;
            if (i == len)
                return len;
            if (b[i] != CR)
                return scan_fail(s,
                                 b[i] == LF ? "bare LF in the header section"
                                            : "invalid character in a header value",
                                 i, stop);
            s->state = SC_VALUE_CR;
            break;
        case SC_VALUE_CR:
            if (c != LF)
                return scan_fail(s, "CR not followed by LF in the header section", i, stop);
            s->state = SC_LINE_START;
            break;
        case SC_END_CR:
            if (c != LF)
                return scan_fail(s, "CR not followed by LF in the header section", i, stop);
            if (s->trailers) {
                s->state = SC_DONE;
                *stop = HTTP_SCAN_MSG_END;
            } else {
                s->state = SC_HEAD_END;
                *stop = HTTP_SCAN_HEAD_END;
            }
            return i + 1;
        case SC_HEAD_END:
            *stop = HTTP_SCAN_HEAD_END;
            return i;
        case SC_PASS:
            return len;
        case SC_SIZE_START:
            if (text_hexval((char)c) < 0)
                return scan_fail(s, "invalid chunk size", i, stop);
            s->chunk = (uint64_t)text_hexval((char)c);
            s->state = SC_SIZE;
            break;
        case SC_SIZE:
            if (text_hexval((char)c) >= 0) {
                /* http-parser's own (conservative) limit, so it never meets an overflow first. */
                if (s->chunk > (UINT64_MAX - 16) / 16)
                    return scan_fail(s, "chunk size overflow", i, stop);
                s->chunk = s->chunk * 16 + (uint64_t)text_hexval((char)c);
            } else if (c == ';') {
                s->state = SC_EXT_NAME_START;
            } else if (c == CR) {
                s->state = SC_SIZE_CR;
            } else {
                return scan_fail(
                    s, c == LF ? "bare LF after a chunk size" : "invalid character in a chunk size",
                    i, stop);
            }
            break;
        case SC_EXT_NAME_START:
            if (!text_tchar(c))
                return scan_fail(s, "invalid chunk extension", i, stop);
            s->state = SC_EXT_NAME;
            break;
        case SC_EXT_NAME:
        case SC_EXT_TOKEN:
        case SC_EXT_VALUE_START:
        case SC_EXT_AFTER_QUOTED:
            if (c == ';') {
                s->state = SC_EXT_NAME_START;
            } else if (c == CR) {
                s->state = SC_SIZE_CR;
            } else if (c == '=' && s->state == SC_EXT_NAME) {
                s->state = SC_EXT_VALUE_START;
            } else if (c == '"' && s->state == SC_EXT_VALUE_START) {
                s->state = SC_EXT_QUOTED;
            } else if (text_tchar(c) && s->state != SC_EXT_AFTER_QUOTED) {
                if (s->state == SC_EXT_VALUE_START)
                    s->state = SC_EXT_TOKEN;
            } else {
                return scan_fail(s, "invalid chunk extension", i, stop);
            }
            break;
        case SC_EXT_QUOTED:
            if (c == '"')
                s->state = SC_EXT_AFTER_QUOTED;
            else if (c == '\\')
                s->state = SC_EXT_QUOTED_PAIR;
            else if (!qdtext(c))
                return scan_fail(s, "invalid chunk extension", i, stop);
            break;
        case SC_EXT_QUOTED_PAIR:
            if (c != '\t' && (c < 0x20 || c == 0x7f))
                return scan_fail(s, "invalid chunk extension", i, stop);
            s->state = SC_EXT_QUOTED;
            break;
        case SC_SIZE_CR:
            if (c != LF)
                return scan_fail(s, "CR not followed by LF after a chunk size", i, stop);
            if (s->chunk == 0) {
                s->trailers = true;
                s->state = SC_LINE_START;
            } else {
                s->state = SC_DATA;
            }
            break;
        case SC_DATA: {
            size_t left = len - i;
            if (s->chunk > left) {
                s->chunk -= left;
                return len;
            }
            i += (size_t)s->chunk;
            s->chunk = 0;
            s->state = SC_DATA_CR;
            continue;
        }
        case SC_DATA_CR:
        case SC_DATA_LF:
            if (c != (s->state == SC_DATA_CR ? CR : LF))
                return scan_fail(s, "chunk data not followed by CRLF", i, stop);
            s->state = s->state == SC_DATA_CR ? SC_DATA_LF : SC_SIZE_START;
            break;
        case SC_DONE:
        default:
            *stop = HTTP_SCAN_MSG_END;
            return i;
        }
        i++;
    }
    return len;
}
