/* proto_body.c — reading a POST /function (or /v1/hooks) body as body-parser does: the
 * Content-Type and its charset, Content-Encoding (gzip, deflate), UTF-16, the size limit and JSON
 * strict mode (proto_body_read, proto_internal.h). */
#include "proto_internal.h"

#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "text.h"

#define PROTO_DEFAULT_MAX_BODY (50u * 1024u * 1024u)

struct strv proto_trim_ows(struct strv s)
{
    if (!s.p)
        return s;
    while (s.len && (s.p[0] == ' ' || s.p[0] == '\t')) {
        s.p++;
        s.len--;
    }
    while (s.len && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t'))
        s.len--;
    return s;
}

/* ---- Content-Type -----------------------------------------------------------------------------
 */

/* Parses the parameters after the first ';' the way media-typer / content-type do: a run of
 * `; *token *= *(token|"quoted") *` that must reach the end. On success fills the charset
 * (lowercased, unquoted) into cs (empty when absent). */
static bool params_parse(const char *s, size_t len, size_t i, char *cs, size_t cssz)
{
    cs[0] = '\0';
    while (i < len) {
        if (s[i] != ';')
            return false;
        i++;
        while (i < len && s[i] == ' ')
            i++;
        size_t k = i;
        while (i < len && text_tchar((unsigned char)s[i]))
            i++;
        if (i == k)
            return false;
        size_t klen = i - k;
        while (i < len && s[i] == ' ')
            i++;
        if (i >= len || s[i] != '=')
            return false;
        i++;
        while (i < len && s[i] == ' ')
            i++;
        char val[128];
        size_t vn = 0;
        bool over = false;
        if (i < len && s[i] == '"') {
            i++;
            for (;;) {
                if (i >= len)
                    return false;
                unsigned char c = (unsigned char)s[i];
                if (c == '"') {
                    i++;
                    break;
                }
                if (c == '\\') {
                    if (i + 1 >= len || (unsigned char)s[i + 1] < 0x20 ||
                        (unsigned char)s[i + 1] == 0x7f)
                        return false;
                    c = (unsigned char)s[i + 1];
                    i += 2;
                } else if ((c < 0x20 && c != 0x0b) || c == 0x7f) {
                    return false;
                } else {
                    i++;
                }
                if (vn + 1 < sizeof(val))
                    val[vn++] = (char)c;
                else
                    over = true;
            }
        } else {
            size_t v = i;
            while (i < len && text_tchar((unsigned char)s[i]))
                i++;
            if (i == v)
                return false;
            for (size_t j = v; j < i; j++) {
                if (vn + 1 < sizeof(val))
                    val[vn++] = s[j];
                else
                    over = true;
            }
        }
        while (i < len && s[i] == ' ')
            i++;
        if (text_ieq(s + k, klen, "charset")) {
            if (over || vn + 1 > cssz)
                vn = cssz - 1; /* an absurdly long charset is unsupported anyway */
            for (size_t j = 0; j < vn; j++) {
                char c = val[j];
                cs[j] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
            }
            cs[vn] = '\0';
        }
    }
    return true;
}

/* True when the header makes body-parser read the body as JSON (media type application/json,
 * parameters well formed); *charset gets the charset parameter (lowercased, "" when absent). */
bool proto_content_type_json(struct strv ct, char *charset, size_t cssz)
{
    charset[0] = '\0';
    if (!ct.p || ct.len == 0)
        return false;
    const char *s = ct.p;
    size_t len = ct.len;
    size_t semi = 0;
    while (semi < len && s[semi] != ';')
        semi++;
    size_t b = 0, e = semi;
    while (b < e && s[b] == ' ')
        b++;
    while (e > b && s[e - 1] == ' ')
        e--;
    /* type "/" subtype, where a subtype ending in a bare "+" (empty suffix) still reads "json". */
    const char *want = "application/json";
    size_t wl = strlen(want);
    size_t tl = e - b;
    bool match = (tl == wl && text_ieq(s + b, tl, want)) ||
                 (tl == wl + 1 && text_ieq(s + b, wl, want) && s[b + wl] == '+');
    if (!match)
        return false;
    return params_parse(s, len, semi, charset, cssz);
}

/* ---- body decoding --------------------------------------------------------------------------- */

/* Inflates gzip (windowBits 15+16, concatenated members allowed) or zlib deflate. Returns 0, 413
 * when the output passes max, 400 on corrupt data (msg set). */
static int inflate_body(struct arena *a, const char *in, size_t inlen, bool gzip, size_t max,
                        char **out, size_t *outlen, const char **msg)
{
    size_t cap = inlen * 4 + 1024;
    if (cap > max + 1)
        cap = max + 1;
    char *buf = arena_alloc(a, cap);
    if (!buf) {
        *msg = "out of memory";
        return 500;
    }
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, gzip ? 15 + 16 : 15) != Z_OK) {
        *msg = "cannot start the decompressor";
        return 500;
    }
    size_t pos = 0;
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)inlen;
    int rc = Z_OK;
    for (;;) {
        if (pos == cap) {
            if (cap > max) {
                inflateEnd(&zs);
                return 413;
            }
            size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            char *nb = arena_realloc(a, buf, cap, ncap);
            if (!nb) {
                inflateEnd(&zs);
                *msg = "out of memory";
                return 500;
            }
            buf = nb;
            cap = ncap;
        }
        zs.next_out = (Bytef *)buf + pos;
        zs.avail_out = (uInt)(cap - pos);
        rc = inflate(&zs, Z_NO_FLUSH);
        pos = cap - zs.avail_out;
        if (pos > max) {
            inflateEnd(&zs);
            return 413;
        }
        if (rc == Z_STREAM_END) {
            if (gzip && zs.avail_in > 0) {
                /* Another gzip member follows, as Node's gunzip accepts. */
                if (inflateReset(&zs) != Z_OK)
                    break;
                continue;
            }
            break;
        }
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
            rc = Z_DATA_ERROR;
            *msg = "unexpected end of file";
            break;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            *msg = zs.msg ? zs.msg : "invalid compressed data";
            break;
        }
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END)
        return 400;
    *out = buf;
    *outlen = pos;
    return 0;
}

static size_t utf8_put(char *o, uint32_t c)
{
    if (c < 0x80) {
        o[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (char)(0xC0 | (c >> 6));
        o[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (char)(0xE0 | (c >> 12));
        o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (c >> 18));
    o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    o[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* UTF-16 to UTF-8, as iconv-lite decodes: a BOM picks the byte order and is dropped; without one
 * the charset's order, else a guess from where the zero bytes sit (little-endian by default).
 * Lone surrogates become U+FFFD. Returns 0 or -1 (out of memory). */
static int utf16_to_utf8(struct arena *a, const unsigned char *in, size_t len,
                         int order /* 0 guess, 1 LE, 2 BE */, char **out, size_t *outlen)
{
    bool be = order == 2;
    if (len >= 2 && ((in[0] == 0xFF && in[1] == 0xFE) || (in[0] == 0xFE && in[1] == 0xFF))) {
        if (order == 0)
            be = in[0] == 0xFE;
    } else if (order == 0) {
        size_t le_hits = 0, be_hits = 0;
        for (size_t k = 0; k + 1 < len && k < 100; k += 2) {
            if (in[k] != 0 && in[k + 1] == 0)
                le_hits++;
            if (in[k] == 0 && in[k + 1] != 0)
                be_hits++;
        }
        be = be_hits > le_hits;
    }
    char *o = arena_alloc(a, (len / 2) * 3 + 4);
    if (!o)
        return -1;
    size_t n = 0, i = 0;
    bool first = true;
    while (i + 2 <= len) {
        uint32_t c = be ? (uint32_t)(in[i] << 8 | in[i + 1]) : (uint32_t)(in[i + 1] << 8 | in[i]);
        i += 2;
        if (c >= 0xD800 && c <= 0xDBFF && i + 2 <= len) {
            uint32_t d =
                be ? (uint32_t)(in[i] << 8 | in[i + 1]) : (uint32_t)(in[i + 1] << 8 | in[i]);
            if (d >= 0xDC00 && d <= 0xDFFF) {
                c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
                i += 2;
            }
        }
        if (c >= 0xD800 && c <= 0xDFFF)
            c = 0xFFFD;
        if (first && c == 0xFEFF) { /* the BOM */
            first = false;
            continue;
        }
        first = false;
        n += utf8_put(o + n, c);
    }
    *out = o;
    *outlen = n;
    return 0;
}

/* Which decoder a charset (lowercased) names, as iconv-lite canonicalises names (letters and
 * digits only). 8: UTF-8; 16: UTF-16 with *order; 0: unsupported (the reference's iconv-lite
 * has no UTF-32 either; it does decode UTF-7, which is not supported here). */
static int charset_kind(const char *cs, int *order)
{
    char c[64];
    size_t n = 0;
    for (const char *p = cs; *p && n + 1 < sizeof(c); p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
            c[n++] = *p;
    c[n] = '\0';
    *order = 0;
    if (strcmp(c, "utf8") == 0)
        return 8;
    if (strcmp(c, "utf16le") == 0 || strcmp(c, "utf16be") == 0 || strcmp(c, "utf16") == 0) {
        *order = c[5] == 'l' ? 1 : c[5] == 'b' ? 2 : 0;
        return 16;
    }
    return 0;
}

/* Decodes and parses the body. Returns the parsed value, or NULL after writing the error answer:
 * *failed is then 1 (answer written) or -1 (not even that was possible). json_required: see
 * proto_body_read in proto_internal.h. */
struct json_value *proto_body_read(const struct proto_config *cfg, const struct proto_request *req,
                                   struct proto_response *resp, struct arena *a, bool json_required,
                                   int *failed)
{
    *failed = 0;
    char charset[64];
    struct strv ct = proto_trim_ows(req->content_type);
    bool is_json = proto_content_type_json(ct, charset, sizeof(charset));
    if (json_required && ct.p && ct.len > 0 && !is_json) {
        int n = (int)(ct.len > 100 ? 100 : ct.len);
        *failed =
            proto_answer_fmt(resp, a, 415, "unsupported_media_type",
                             "Content-Type must be application/json, not \"%.*s\"", n, ct.p) == 0
                ? 1
                : -1;
        return NULL;
    }
    if (!json_required && (!req->body.p || !is_json))
        return json_new_object(a); /* not parsed: req.body is {} */
    if (charset[0] == '\0')
        snprintf(charset, sizeof(charset), "utf-8");
    if (strncmp(charset, STRLIT("utf-")) != 0) {
        char up[64];
        size_t i = 0;
        for (; charset[i] && i + 1 < sizeof(up); i++)
            up[i] = (charset[i] >= 'a' && charset[i] <= 'z') ? (char)(charset[i] - 32) : charset[i];
        up[i] = '\0';
        *failed = proto_answer_fmt(resp, a, 415, "unsupported_charset",
                                   "unsupported charset \"%s\"", up) == 0
                      ? 1
                      : -1;
        return NULL;
    }
    size_t max = cfg->max_body ? cfg->max_body : PROTO_DEFAULT_MAX_BODY;
    struct strv enc = proto_trim_ows(req->content_encoding);
    const char *data = req->body.p;
    size_t len = req->body.len;
    if (enc.p && enc.len && !text_ieq(enc.p, enc.len, "identity")) {
        bool gz = text_ieq(enc.p, enc.len, "gzip");
        if (!gz && !text_ieq(enc.p, enc.len, "deflate")) {
            char e[64];
            size_t n = enc.len < sizeof(e) - 1 ? enc.len : sizeof(e) - 1;
            for (size_t i = 0; i < n; i++)
                e[i] = (enc.p[i] >= 'A' && enc.p[i] <= 'Z') ? (char)(enc.p[i] + 32) : enc.p[i];
            e[n] = '\0';
            *failed = proto_answer_fmt(resp, a, 415, "unsupported_content_encoding",
                                       "unsupported content encoding \"%s\"", e) == 0
                          ? 1
                          : -1;
            return NULL;
        }
        int order;
        if (charset_kind(charset, &order) == 0) {
            *failed = proto_answer_fmt(resp, a, 415, "unsupported_charset",
                                       "unsupported charset \"%s\"", charset) == 0
                          ? 1
                          : -1;
            return NULL;
        }
        char *out = NULL;
        size_t outlen = 0;
        const char *msg = "invalid compressed data";
        int rc = inflate_body(a, data, len, gz, max, &out, &outlen, &msg);
        if (rc == 413) {
            *failed = proto_answer_fmt(resp, a, 413, "request_entity_too_large",
                                       "request entity too large (limit %zu bytes)", max) == 0
                          ? 1
                          : -1;
            return NULL;
        }
        if (rc != 0) {
            *failed = (rc == 500 ? proto_answer_nomem(resp, a)
                                 : proto_answer_fmt(resp, a, 400, "invalid_body",
                                                    "cannot decompress the %s body: %s",
                                                    gz ? "gzip" : "deflate", msg)) == 0
                          ? 1
                          : -1;
            return NULL;
        }
        data = out;
        len = outlen;
    }
    int order;
    int kind = charset_kind(charset, &order);
    if (kind == 0) {
        char up[64];
        size_t i = 0;
        for (; charset[i] && i + 1 < sizeof(up); i++)
            up[i] = (charset[i] >= 'a' && charset[i] <= 'z') ? (char)(charset[i] - 32) : charset[i];
        up[i] = '\0';
        *failed = proto_answer_fmt(resp, a, 415, "unsupported_charset",
                                   "unsupported charset \"%s\"", up) == 0
                      ? 1
                      : -1;
        return NULL;
    }
    if (len > max) {
        *failed = proto_answer_fmt(resp, a, 413, "request_entity_too_large",
                                   "request entity too large (limit %zu bytes)", max) == 0
                      ? 1
                      : -1;
        return NULL;
    }
    if (kind != 8) {
        char *out;
        size_t outlen;
        if (utf16_to_utf8(a, (const unsigned char *)data, len, order, &out, &outlen) != 0) {
            *failed = proto_answer_nomem(resp, a) == 0 ? 1 : -1;
            return NULL;
        }
        data = out;
        len = outlen;
    }
    /* Empty (after a BOM, for UTF-8 as for the wide forms) is {}. */
    if (len == 0 || (kind == 8 && len == 3 && memcmp(data, STRLIT("\xEF\xBB\xBF")) == 0)) {
        if (!json_required)
            return json_new_object(a);
        static const char m[] = "The request body is empty.";
        *failed =
            proto_answer_code_first(resp, a, 400, "invalid_body", m, sizeof(m) - 1) == 0 ? 1 : -1;
        return NULL;
    }
    struct json_parse_opts po = {.require_container = true, .decode_utf8 = true, .max_depth = 0};
    struct json_error je;
    memset(&je, 0, sizeof(je));
    struct json_value *v = json_parse(a, data, len, &po, &je);
    if (!v) {
        *failed = (strstr(je.message, "memory")
                       ? proto_answer_nomem(resp, a)
                       : proto_answer_fmt(resp, a, 400, "invalid_json",
                                          "Invalid JSON: %s at line %u column %u", je.message,
                                          (unsigned)je.line, (unsigned)je.column)) == 0
                      ? 1
                      : -1;
        return NULL;
    }
    return v;
}
