/* proto.c — POST /function as a pure function (see proto.h): what Celigo's reference server
 * (express-integrator-extension 0.3.2 on integrator-extension 0.3.12, body-parser 1.20.3, Node 20)
 * answers, byte for byte where the reference answers JSON.
 *
 * Order, as on the reference: body (Content-Type, charset, Content-Encoding, size, JSON strict
 * mode) -> token -> validation (all errors, in order) -> object and function lookup -> export
 * dates turned into Dates -> the call -> result checks (plain JSON, then the kind's contract, then
 * maxResponseSize in UTF-16 units) -> 200.
 *
 * Documented deviations (the reference answers an HTML error page or never answers):
 *   - 400/413/415 from body handling answer JSON {"errors":[{"code":...,"message":...}]}.
 *   - A TypeError the reference would throw (a hook failing without fail(), String() of an object
 *     with an own "toString" key, an invalid date given to toISOString) answers 500 JSON
 *     {"errors":[{"message":...,"code":"TypeError"}]} instead of Express's HTML page.
 *   - A function name or `type` that names an inherited JavaScript property (constructor,
 *     toString, __proto__, ...) answers invalid_function; the reference calls the inherited
 *     method, which never calls back, and the request hangs.
 *   - charset utf-7 answers 415 (the reference decodes it); lone surrogates in a UTF-16 body
 *     become U+FFFD (the reference keeps them). */
#include "proto.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "jsval.h"
#include "kind.h"
#include "proto_internal.h"
#include "text.h"
#include "registry_internal.h"
#include "sdk.h"

#define PROTO_JSON_TYPE            "application/json; charset=utf-8"
#define PROTO_DEFAULT_MAX_BODY     (50u * 1024u * 1024u)
#define PROTO_DEFAULT_MAX_RESPONSE 5242880.0
#define PROTO_QUERY_PARAMS_MAX     1000 /* qs's parameterLimit */

static const char MSG_NEED_DIY_OR_CONNECTOR[] =
    "Need to set either the diy or _connectorId field in extension options.";
static const char MSG_DIY_MISSING[] = "DIY is not configured in the extension configuration.";
static const char MSG_CONNECTOR_UNKNOWN[] =
    "The _connectorId set in the extension options does't match any of the _connectorId's "
    "present in extension configuration.";
static const char MSG_FUNCTION_MISSING[] =
    "Missing required field function in the extension options.";
static const char MSG_FUNCTION_NOT_STRING[] =
    "The function field in the extension options must be of type string.";
static const char MSG_OPTIONS_MISSING[] = "Function options haven't been provided.";
static const char MSG_INCORRECT_FUNCTION[] =
    "The function passed in the extension options doesn't map to a function.";
static const char MSG_NOT_SERIALIZABLE[] = "Extension response is not serializable.";

/* Properties every plain JavaScript object inherits: as a group or function name they are
 * "found" on the reference (and are not hook functions). */
static const char *const inherited_names[] = {
    "constructor",          "__proto__",        "hasOwnProperty",   "isPrototypeOf",
    "propertyIsEnumerable", "toString",         "valueOf",          "toLocaleString",
    "__defineGetter__",     "__defineSetter__", "__lookupGetter__", "__lookupSetter__",
};

static bool is_inherited(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof(inherited_names) / sizeof(inherited_names[0]); i++)
        if (strlen(inherited_names[i]) == len && memcmp(inherited_names[i], s, len) == 0)
            return true;
    return false;
}

void proto_response_init(struct proto_response *r)
{
    memset(r, 0, sizeof(*r));
    json_buf_init(&r->body, 0);
    json_buf_init(&r->log, 0);
}

void proto_response_free(struct proto_response *r)
{
    json_buf_free(&r->body);
    json_buf_free(&r->log);
}

/* ---- answers -------------------------------------------------------------------------------- */

struct err_item {
    const char *k1, *v1;
    size_t v1len;
    const char *k2, *v2; /* k2 NULL: one field */
    size_t v2len;
};

/* {"errors":[{k1:v1,k2:v2},...]} with the JSON engine's escaping. Returns 0 or -1. */
static int answer_errors(struct proto_response *resp, struct arena *a, int status,
                         const struct err_item *items, size_t n)
{
    struct json_value *root = json_new_object(a);
    struct json_value *list = json_new_array(a);
    if (!root || !list || json_object_set(a, root, "errors", 6, list) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        struct json_value *e = json_new_object(a);
        struct json_value *v1 = json_new_string(a, items[i].v1, items[i].v1len);
        if (!e || !v1 || json_object_set(a, e, items[i].k1, strlen(items[i].k1), v1) != 0)
            return -1;
        if (items[i].k2) {
            struct json_value *v2 = json_new_string(a, items[i].v2, items[i].v2len);
            if (!v2 || json_object_set(a, e, items[i].k2, strlen(items[i].k2), v2) != 0)
                return -1;
        }
        if (json_array_push(a, list, e) != 0)
            return -1;
    }
    resp->status = status;
    resp->content_type = PROTO_JSON_TYPE;
    resp->body.len = 0;
    return json_write(&resp->body, root, 0, NULL) == 0 ? 0 : -1;
}

/* One error with "code" first (validation, 401, body errors). */
static int answer_code_first(struct proto_response *resp, struct arena *a, int status,
                             const char *code, const char *msg, size_t msglen)
{
    struct err_item it = {.k1 = "code",
                          .v1 = code,
                          .v1len = strlen(code),
                          .k2 = "message",
                          .v2 = msg,
                          .v2len = msglen};
    return answer_errors(resp, a, status, &it, 1);
}

/* One error with "message" first (function errors, lookup and response errors). */
static int answer_message_first(struct proto_response *resp, struct arena *a, int status,
                                const char *msg, size_t msglen, const char *code)
{
    struct err_item it = {.k1 = "message",
                          .v1 = msg,
                          .v1len = msglen,
                          .k2 = code ? "code" : NULL,
                          .v2 = code,
                          .v2len = code ? strlen(code) : 0};
    return answer_errors(resp, a, status, &it, 1);
}

static int answer_type_error(struct proto_response *resp, struct arena *a)
{
    return answer_message_first(resp, a, 500, JSVAL_TYPE_ERROR_MESSAGE,
                                strlen(JSVAL_TYPE_ERROR_MESSAGE), "TypeError");
}

static int answer_nomem(struct proto_response *resp, struct arena *a)
{
    static const char m[] = "out of memory while handling the request";
    return answer_code_first(resp, a, 500, "out_of_memory", m, sizeof(m) - 1);
}

int proto_answer_fmt(struct proto_response *resp, struct arena *a, int status, const char *code,
                     const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(msg))
        n = (int)sizeof(msg) - 1;
    return answer_code_first(resp, a, status, code, msg, (size_t)n);
}

/* ---- small string helpers ------------------------------------------------------------------- */

static struct strv trim_ows(struct strv s)
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
static bool content_type_json(struct strv ct, char *charset, size_t cssz)
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
static struct json_value *body_read(const struct proto_config *cfg, const struct proto_request *req,
                                    struct proto_response *resp, struct arena *a,
                                    bool json_required, int *failed)
{
    *failed = 0;
    char charset[64];
    struct strv ct = trim_ows(req->content_type);
    bool is_json = content_type_json(ct, charset, sizeof(charset));
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
    if (strncmp(charset, "utf-", 4) != 0) {
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
    struct strv enc = trim_ows(req->content_encoding);
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
            *failed = (rc == 500 ? answer_nomem(resp, a)
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
            *failed = answer_nomem(resp, a) == 0 ? 1 : -1;
            return NULL;
        }
        data = out;
        len = outlen;
    }
    /* Empty (after a BOM, for UTF-8 as for the wide forms) is {}. */
    if (len == 0 || (kind == 8 && len == 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)) {
        if (!json_required)
            return json_new_object(a);
        static const char m[] = "The request body is empty.";
        *failed = answer_code_first(resp, a, 400, "invalid_body", m, sizeof(m) - 1) == 0 ? 1 : -1;
        return NULL;
    }
    struct json_parse_opts po = {.require_container = true, .decode_utf8 = true, .max_depth = 0};
    struct json_error je;
    memset(&je, 0, sizeof(je));
    struct json_value *v = json_parse(a, data, len, &po, &je);
    if (!v) {
        *failed = (strstr(je.message, "memory")
                       ? answer_nomem(resp, a)
                       : proto_answer_fmt(resp, a, 400, "invalid_json",
                                          "Invalid JSON: %s at line %u column %u", je.message,
                                          (unsigned)je.line, (unsigned)je.column)) == 0
                      ? 1
                      : -1;
        return NULL;
    }
    return v;
}

/* ---- the token ------------------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (decodeURIComponent's rules), or 0. */
static size_t utf8_valid_at(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

/* qs's decoder: '+' is a space, then decodeURIComponent; on a malformed escape the text with only
 * '+' replaced. Output into the arena. */
static char *qs_decode(struct arena *a, const char *s, size_t len, size_t *outlen)
{
    char *plus = arena_alloc(a, len + 1);
    char *dec = arena_alloc(a, len + 1);
    if (!plus || !dec)
        return NULL;
    for (size_t i = 0; i < len; i++)
        plus[i] = s[i] == '+' ? ' ' : s[i];
    plus[len] = '\0';
    size_t n = 0;
    bool ok = true;
    for (size_t i = 0; i < len && ok;) {
        if (plus[i] != '%') {
            dec[n++] = plus[i++];
            continue;
        }
        int h = i + 2 < len ? text_hexval(plus[i + 1]) : -1;
        int l = i + 2 < len ? text_hexval(plus[i + 2]) : -1;
        if (h < 0 || l < 0) {
            ok = false;
            break;
        }
        dec[n++] = (char)(h << 4 | l);
        i += 3;
    }
    /* The escapes must form valid UTF-8. */
    for (size_t i = 0; ok && i < n;) {
        size_t k = utf8_valid_at((const unsigned char *)dec + i, n - i);
        if (k == 0)
            ok = false;
        i += k;
    }
    if (!ok) {
        *outlen = len;
        return plus;
    }
    dec[n] = '\0';
    *outlen = n;
    return dec;
}

/* The query's access_token as Express's qs parser would give it: a string only when the key
 * appears once, without brackets. */
static bool query_token(struct arena *a, struct strv q, const char **tok, size_t *toklen)
{
    if (!q.p)
        return false;
    int count = 0, parts = 0;
    bool structured = false;
    const char *val = NULL;
    size_t vlen = 0;
    size_t i = 0;
    while (i <= q.len && parts < PROTO_QUERY_PARAMS_MAX) {
        size_t j = i;
        while (j < q.len && q.p[j] != '&')
            j++;
        const char *part = q.p + i;
        size_t plen = j - i;
        parts++;
        if (plen > 0) {
            size_t eq = plen;
            for (size_t k = 0; k + 1 < plen; k++)
                if (part[k] == ']' && part[k + 1] == '=') {
                    eq = k + 1;
                    break;
                }
            if (eq == plen)
                for (size_t k = 0; k < plen; k++)
                    if (part[k] == '=') {
                        eq = k;
                        break;
                    }
            size_t klen;
            char *key = qs_decode(a, part, eq, &klen);
            if (!key)
                return false;
            if (klen == 12 && memcmp(key, "access_token", 12) == 0) {
                count++;
                if (eq < plen) {
                    val = qs_decode(a, part + eq + 1, plen - eq - 1, &vlen);
                    if (!val)
                        return false;
                } else {
                    val = "";
                    vlen = 0;
                }
            } else if (klen > 12 && memcmp(key, "access_token[", 13) == 0 &&
                       memchr(key + 13, ']', klen - 13)) {
                structured = true;
            }
        }
        i = j + 1;
    }
    if (count != 1 || structured || vlen == 0)
        return false;
    *tok = val;
    *toklen = vlen;
    return true;
}

bool proto_tokens_match(const char *const *tokens, size_t ntokens, const char *t, size_t tlen)
{
    bool ok = false;
    for (size_t k = 0; k < ntokens; k++) {
        const char *s = tokens[k];
        if (!s)
            continue;
        size_t slen = strlen(s);
        unsigned char d = (unsigned char)(slen != tlen);
        for (size_t i = 0; i < slen; i++)
            d |= (unsigned char)(s[i] ^ (tlen ? t[i % tlen] : 0));
        ok |= d == 0 && slen > 0;
    }
    return ok;
}

static bool token_matches(const struct proto_config *cfg, const char *t, size_t tlen)
{
    return proto_tokens_match(cfg->tokens, cfg->ntokens, t, tlen);
}

bool proto_bearer(struct strv authorization, const char **t, size_t *tlen)
{
    struct strv auth = trim_ows(authorization);
    if (!auth.p || auth.len == 0)
        return false;
    /* Split on single spaces: exactly two parts, the first "Bearer" in any case. */
    const char *sp = memchr(auth.p, ' ', auth.len);
    if (!sp)
        return false;
    size_t schemelen = (size_t)(sp - auth.p);
    *t = sp + 1;
    *tlen = auth.len - schemelen - 1;
    return !memchr(*t, ' ', *tlen) && text_ieq(auth.p, schemelen, "bearer");
}

static bool authorized(const struct proto_config *cfg, const struct proto_request *req,
                       const struct json_value *body, struct arena *a)
{
    struct strv auth = trim_ows(req->authorization);
    if (auth.p && auth.len > 0) {
        /* No other source is consulted when the header is present. */
        const char *t;
        size_t tlen;
        return proto_bearer(auth, &t, &tlen) && token_matches(cfg, t, tlen);
    }
    const struct json_value *bt =
        body->type == JSON_OBJECT ? json_object_get(body, "access_token", 12) : NULL;
    if (bt && json_truthy(bt))
        return bt->type == JSON_STRING && token_matches(cfg, bt->u.str, bt->len);
    const char *qt;
    size_t qlen;
    if (query_token(a, req->query, &qt, &qlen))
        return token_matches(cfg, qt, qlen);
    return false;
}

enum proto_auth proto_auth_headers(const struct proto_config *cfg, const struct proto_request *req,
                                   bool has_body)
{
    struct strv auth = trim_ows(req->authorization);
    if (auth.p && auth.len > 0) {
        /* The header decides alone (no fallback), as in authorized(). */
        const char *t;
        size_t tlen;
        return proto_bearer(auth, &t, &tlen) && token_matches(cfg, t, tlen) ? PROTO_AUTH_OK
                                                                            : PROTO_AUTH_REFUSED;
    }
    if (req->query.p != NULL) {
        struct arena *a = arena_new(4096, 0);
        const char *qt;
        size_t qlen;
        bool ok =
            a != NULL && query_token(a, req->query, &qt, &qlen) && token_matches(cfg, qt, qlen);
        arena_free(a);
        if (ok)
            return PROTO_AUTH_OK;
    }
    /* body-parser reads the body only when there is one and its media type is JSON. */
    char charset[64];
    if (has_body && content_type_json(trim_ows(req->content_type), charset, sizeof(charset)))
        return PROTO_AUTH_BODY;
    return PROTO_AUTH_REFUSED;
}

/* ---- the call ------------------------------------------------------------------------------- */

static const struct json_value *field(const struct json_value *body, const char *name)
{
    if (!body || body->type != JSON_OBJECT)
        return NULL;
    return json_object_get(body, name, strlen(name));
}

static bool truthy(const struct json_value *v)
{
    return v && json_truthy(v);
}

static const char *str_or_null(const struct json_value *v)
{
    return v && v->type == JSON_STRING ? v->u.str : NULL;
}

static void log_fields(struct proto_response *resp, const struct json_value *body,
                       const struct json_value *options)
{
    resp->function = str_or_null(field(body, "function"));
    resp->type = str_or_null(field(body, "type"));
    resp->connector_id = str_or_null(field(body, "_connectorId"));
    resp->integration_id = str_or_null(field(options, "_integrationId"));
    resp->flow_id = str_or_null(field(options, "_flowId"));
    resp->export_id = str_or_null(field(options, "_exportId"));
    resp->import_id = str_or_null(field(options, "_importId"));
    resp->connection_id = str_or_null(field(options, "_connectionId"));
    if (resp->type && strcmp(resp->type, "wrapper") == 0) {
        const char *c = str_or_null(field(field(options, "connection"), "_id"));
        if (c)
            resp->connection_id = c;
    }
}

/* `new Date(options[key])` when truthy. Returns 0, or ERR_TYPE / ERR_NOMEM. */
static int date_field(struct arena *a, struct json_value *options, const char *key)
{
    struct json_value *v = json_object_get(options, key, strlen(key));
    if (!truthy(v))
        return 0;
    double ms;
    int rc = jsval_date_from_value(a, v, &ms);
    if (rc != 0)
        return rc;
    struct json_value *d = json_new_date(a, ms);
    if (!d || json_object_set(a, options, key, strlen(key), d) != 0)
        return ERR_NOMEM;
    return 0;
}

/* The maxResponseSize rule: `size > (maxResponseSize || default)` with JavaScript's comparison.
 * Returns 1 (exceeded; *text is the limit as JavaScript prints it), 0, or an ERR_* code. */
static int size_exceeded(struct arena *a, const struct json_value *ms, double def, size_t size,
                         const char **text, size_t *textlen)
{
    if (!truthy(ms)) {
        if ((double)size > def) {
            char *defbuf = arena_alloc(a, JSON_NUMBER_MAX);
            if (!defbuf)
                return ERR_NOMEM;
            *textlen = json_number_format(def, defbuf);
            *text = defbuf;
            return 1;
        }
        return 0;
    }
    double limit;
    int rc = jsval_to_number(a, ms, &limit);
    if (rc != 0)
        return rc;
    if (!((double)size > limit))
        return 0;
    rc = jsval_to_string(a, ms, text, textlen);
    return rc != 0 ? rc : 1;
}

int proto_handle(const struct proto_config *cfg, const struct proto_request *req,
                 struct proto_response *resp, struct arena *a)
{
    resp->status = 200;
    resp->flags = 0;
    resp->content_type = PROTO_JSON_TYPE;
    resp->body.len = 0;

    int failed = 0;
    struct json_value *body = body_read(cfg, req, resp, a, false, &failed);
    if (failed)
        return failed > 0 ? 0 : -1;
    if (!body)
        return answer_nomem(resp, a);

    if (!authorized(cfg, req, body, a)) {
        resp->flags |= PROTO_RESP_WWW_AUTHENTICATE;
        static const char m[] = "Invalid system token.";
        return answer_code_first(resp, a, 401, "unauthorized", m, sizeof(m) - 1);
    }

    const struct registry *reg = cfg->reg;
    const struct json_value *diy = field(body, "diy");
    const struct json_value *cid = field(body, "_connectorId");
    const struct json_value *fname = field(body, "function");
    struct json_value *options = (struct json_value *)field(body, "options");
    log_fields(resp, body, options);

    /* Validation: every error, in the reference's order. */
    struct err_item errs[3];
    size_t nerr = 0;
    int scope = -1;
    bool inherited_scope = false;
    const char *cid_text = NULL;
    if (truthy(diy)) {
        if (!registry_has_diy(reg))
            errs[nerr++] =
                (struct err_item){"code",    "missing_required_field", 22,
                                  "message", MSG_DIY_MISSING,          sizeof(MSG_DIY_MISSING) - 1};
        else
            scope = REGISTRY_SCOPE_DIY;
    } else if (truthy(cid)) {
        size_t cidlen = 0;
        if (registry_has_connectors(reg)) {
            if (jsval_to_string(a, cid, &cid_text, &cidlen) == ERR_TYPE)
                return answer_type_error(resp, a);
            if (!cid_text)
                return answer_nomem(resp, a);
            scope = registry_scope(reg, cid_text, cidlen);
            inherited_scope = scope < 0 && is_inherited(cid_text, cidlen);
        }
        if (scope < 0 && !inherited_scope)
            errs[nerr++] = (struct err_item){
                "code",    "invalid_field",       13,
                "message", MSG_CONNECTOR_UNKNOWN, sizeof(MSG_CONNECTOR_UNKNOWN) - 1};
        else if (scope >= 0)
            resp->connector_id = reg->scopes[scope];
    } else {
        errs[nerr++] = (struct err_item){
            "code",    "missing_required_field",  22,
            "message", MSG_NEED_DIY_OR_CONNECTOR, sizeof(MSG_NEED_DIY_OR_CONNECTOR) - 1};
    }
    if (!truthy(fname))
        errs[nerr++] = (struct err_item){
            "code",    "missing_required_field", 22,
            "message", MSG_FUNCTION_MISSING,     sizeof(MSG_FUNCTION_MISSING) - 1};
    else if (fname->type != JSON_STRING)
        errs[nerr++] = (struct err_item){
            "code",    "invalid_field",         13,
            "message", MSG_FUNCTION_NOT_STRING, sizeof(MSG_FUNCTION_NOT_STRING) - 1};
    if (!truthy(options))
        errs[nerr++] =
            (struct err_item){"code",    "missing_required_field", 22,
                              "message", MSG_OPTIONS_MISSING,      sizeof(MSG_OPTIONS_MISSING) - 1};
    if (nerr > 0)
        return answer_errors(resp, a, 422, errs, nerr) == 0 ? 0 : answer_nomem(resp, a);

    /* The object: a group when `type` is truthy, else the module's top level. */
    const struct json_value *type = field(body, "type");
    const struct registry_fn *fn = NULL;
    if (truthy(type)) {
        const char *key = NULL;
        size_t keylen = 0;
        if (jsval_to_string(a, type, &key, &keylen) == ERR_TYPE)
            return answer_type_error(resp, a);
        if (!key)
            return answer_nomem(resp, a);
        const char *tstr = key; /* String(type), for the message */
        size_t tlen = keylen;
        if (type->type == JSON_STRING) {
            static const char *const map[][2] = {{"hook", "hooks"},
                                                 {"wrapper", "wrappers"},
                                                 {"setting", "settings"},
                                                 {"utility", "utilities"}};
            for (size_t i = 0; i < 4; i++)
                if (keylen == strlen(map[i][0]) && memcmp(key, map[i][0], keylen) == 0) {
                    key = map[i][1];
                    keylen = strlen(key);
                }
        }
        bool group = !inherited_scope && registry_has_group(reg, scope, key, keylen);
        bool found = group || is_inherited(key, keylen) ||
                     (!inherited_scope && registry_find(reg, scope, NULL, 0, key, keylen));
        if (!found) {
            char *msg = arena_alloc(a, tlen + 64);
            if (!msg)
                return answer_nomem(resp, a);
            memcpy(msg, "The object ", 11);
            memcpy(msg + 11, tstr, tlen);
            memcpy(msg + 11 + tlen, " doesn't exist in the module.", 29);
            return answer_message_first(resp, a, 422, msg, tlen + 40, "object_not_found");
        }
        if (group)
            fn = registry_find(reg, scope, key, keylen, fname->u.str, fname->len);
    } else if (!inherited_scope) {
        fn = registry_find(reg, scope, NULL, 0, fname->u.str, fname->len);
    }
    if (!fn)
        return answer_message_first(resp, a, 422, MSG_INCORRECT_FUNCTION,
                                    sizeof(MSG_INCORRECT_FUNCTION) - 1, "invalid_function");

    /* The export dates become Dates (new Date(x)); a conversion that throws is reported like a
     * function error whose code is undefined. */
    if (options->type == JSON_OBJECT) {
        int rc = date_field(a, options, "lastExportDateTime");
        if (rc == 0)
            rc = date_field(a, options, "currentExportDateTime");
        if (rc == ERR_TYPE)
            return answer_message_first(resp, a, 422, JSVAL_TYPE_ERROR_MESSAGE,
                                        strlen(JSVAL_TYPE_ERROR_MESSAGE), NULL);
        if (rc != 0)
            return answer_nomem(resp, a);
    }

    struct sdk_call call = {.reg = reg,
                            .fn = fn,
                            .arena = a,
                            .options = options,
                            .connector_id = scope > 0 ? reg->scopes[scope] : NULL,
                            .log = &resp->log};
    hs_status st = sdk_invoke(&call);
    if (st != HS_OK) {
        if (call.fail_code)
            return answer_message_first(resp, a, 422, call.fail_message, strlen(call.fail_message),
                                        call.fail_code);
        if (call.error_name)
            return answer_message_first(resp, a, 500, call.error_message,
                                        strlen(call.error_message), call.error_name);
        char m[512];
        int n = snprintf(
            m, sizeof(m), "The function %s failed with %s%s%s without giving a reason.", fn->name,
            hs_status_name(st), call.where ? " at " : "", call.where ? call.where : "");
        if (n >= (int)sizeof(m))
            n = (int)sizeof(m) - 1;
        return answer_message_first(resp, a, 500, m, (size_t)(n > 0 ? n : 0), "internal_error");
    }

    /* Plain JSON only (no Date, no own "hasOwnProperty", not too deep); the size in UTF-16
     * units comes with the text. */
    size_t size = 0;
    resp->body.len = 0;
    if (call.result) {
        int rc = json_write(&resp->body, call.result, JSON_WRITE_REJECT_HASOWNPROPERTY, &size);
        if (rc == ERR_UNSERIALIZABLE)
            return answer_message_first(resp, a, 422, MSG_NOT_SERIALIZABLE,
                                        sizeof(MSG_NOT_SERIALIZABLE) - 1,
                                        "invalid_extension_response");
        if (rc != 0)
            return answer_nomem(resp, a);
    }
    char kmsg[512];
    if (kind_check(fn->kind, fn->name, options, call.result, kmsg, sizeof(kmsg)) != 0)
        return answer_message_first(resp, a, 422, kmsg, strlen(kmsg), "invalid_hook_result");

    const char *limit_text = NULL;
    size_t limit_len = 0;
    double def =
        cfg->default_max_response > 0 ? cfg->default_max_response : PROTO_DEFAULT_MAX_RESPONSE;
    int ex = size_exceeded(a, field(body, "maxResponseSize"), def, size, &limit_text, &limit_len);
    if (ex == ERR_TYPE)
        return answer_type_error(resp, a);
    if (ex < 0)
        return answer_nomem(resp, a);
    if (ex == 1) {
        char *msg = arena_alloc(a, limit_len + 64);
        if (!msg)
            return answer_nomem(resp, a);
        int n = snprintf(msg, limit_len + 64, "response stream exceeded limit of ");
        memcpy(msg + n, limit_text, limit_len);
        memcpy(msg + n + limit_len, " bytes.", 7);
        return answer_message_first(resp, a, 422, msg, (size_t)n + limit_len + 7,
                                    "response_size_exceeded");
    }
    resp->status = 200;
    resp->content_type = PROTO_JSON_TYPE;
    return 0;
}

/* ---- shared with proto_step.c (proto_internal.h) ------------------------------------------- */

int proto_answer_code_first(struct proto_response *resp, struct arena *a, int status,
                            const char *code, const char *msg, size_t msglen)
{
    return answer_code_first(resp, a, status, code, msg, msglen);
}

int proto_answer_nomem(struct proto_response *resp, struct arena *a)
{
    return answer_nomem(resp, a);
}

struct json_value *proto_body_read(const struct proto_config *cfg, const struct proto_request *req,
                                   struct proto_response *resp, struct arena *a, bool json_required,
                                   int *failed)
{
    return body_read(cfg, req, resp, a, json_required, failed);
}
