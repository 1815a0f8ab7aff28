/* test_protocol.c — the end-to-end protocol suite: every case file under
 * $HS_SOURCE_DIR/tests/integration/cases (format: cases/README.md; expected bytes recorded from
 * Celigo's reference server, deviations marked) is sent over real HTTP to the real hookstack
 * binary, one server per distinct `server-args:` / `server-group:`, and every mismatch is reported
 * with the case name, the expected and the actual value. A case with a `--- request` section sends
 * those exact bytes on a fresh connection instead (malformed framing, P..), and may require the
 * server to close the connection after its answer or to keep it. D10 (/stopServer while connections
 * are open) needs extra open connections, so it is written here in C. The last test stops every
 * server and checks each exited cleanly (status 0, no sanitizer report in its log).
 *
 * HS_TEST_FILTER=<glob> runs only the matching cases (cmocka test filter). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "integration/harness.h"

#define PC_MAX_HEADERS 32
#define PC_MAX_EXPECT  16
#define PC_MAX_CASES   512
#define PC_MAX_SERVERS 16
#define PC_MARKER      "@REPEAT@"

/* ---- case files --------------------------------------------------------------------------- */

struct pc_header_expect {
    char *name, *value;
};

struct pc_case {
    char *file, *name, *peer, *deviation, *server_args, *server_group, *method, *path, *encode;
    char *expect_interim;
    char *headers[PC_MAX_HEADERS + 1];
    int nheaders;
    int has_repeat;
    char repeat_ch;
    size_t repeat_n;
    long settle_ms, timeout_ms;
    int status;
    struct pc_header_expect eh[PC_MAX_EXPECT];
    int neh;
    char *present[PC_MAX_EXPECT], *absent[PC_MAX_EXPECT];
    int npresent, nabsent;
    char *body, *ebody; /* NULL: no such section */
    size_t body_len, ebody_len;
    char *request; /* raw request bytes (escapes decoded), or NULL */
    size_t request_len;
    int expect_close; /* -1 not checked, 0 the connection stays open, 1 the server closes it */
};

static struct pc_case pc_cases[PC_MAX_CASES];
static int pc_ncases;

static char *pc_strndup(const char *p, size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static char *pc_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static int pc_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* Decodes whitespace-separated hex in place; returns the byte count or -1. */
static long pc_unhex(char *s, size_t len)
{
    size_t w = 0;
    int hi = -1;
    for (size_t i = 0; i < len; i++) {
        if (isspace((unsigned char)s[i]))
            continue;
        int v = pc_hexval((unsigned char)s[i]);
        if (v < 0)
            return -1;
        if (hi < 0) {
            hi = v;
        } else {
            s[w++] = (char)(hi * 16 + v);
            hi = -1;
        }
    }
    return hi < 0 ? (long)w : -1;
}

/* Decodes a `--- request` section in place: \\r \\n \\t \\\\ \\xNN are bytes, the file's own line
 * breaks are not part of the request. Returns the byte count or -1. */
static long pc_unescape(char *s, size_t len)
{
    size_t w = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (ch == '\n')
            continue;
        if (ch != '\\') {
            s[w++] = ch;
            continue;
        }
        if (++i >= len)
            return -1;
        switch (s[i]) {
        case 'r':
            s[w++] = '\r';
            break;
        case 'n':
            s[w++] = '\n';
            break;
        case 't':
            s[w++] = '\t';
            break;
        case '\\':
            s[w++] = '\\';
            break;
        case 'x': {
            int hi = i + 2 < len ? pc_hexval((unsigned char)s[i + 1]) : -1;
            int lo = i + 2 < len ? pc_hexval((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return -1;
            s[w++] = (char)(hi * 16 + lo);
            i += 2;
            break;
        }
        default:
            return -1;
        }
    }
    return (long)w;
}

/* Parses one case file; on error writes a message into err and returns -1. */
static int pc_parse(struct pc_case *c, const char *dir, const char *fname, char *err, size_t el)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, fname);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, el, "%s: %s", fname, strerror(errno));
        return -1;
    }
    char *data = NULL;
    size_t len = 0;
    {
        size_t cap = 0;
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
            if (len + n + 1 > cap) {
                cap = (len + n + 1) * 2;
                data = realloc(data, cap);
                assert_non_null(data);
            }
            memcpy(data + len, chunk, n);
            len += n;
        }
        fclose(f);
        if (data == NULL)
            data = calloc(1, 1);
        data[len] = '\0';
    }
    memset(c, 0, sizeof(*c));
    c->file = strdup(fname);
    c->status = -1;
    c->expect_close = -1;
    char *section = NULL; /* name of the open raw section */
    const char *sec_start = NULL;
    int ended = 0, rc = -1;
    const char *p = data, *end = data + len;
    while (p <= end && !ended) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *le = eol != NULL ? eol : end;
        int marker = (le - p) >= 4 && memcmp(p, "--- ", 4) == 0;
        if (marker || eol == NULL) {
            if (section != NULL) {
                /* Content: from sec_start up to the newline before this marker. */
                const char *ce = p > sec_start ? p - 1 : sec_start;
                if (eol == NULL && !marker)
                    ce = end;
                size_t n = (size_t)(ce - sec_start);
                char *copy = pc_strndup(sec_start, n);
                long blen = (long)n;
                int hex = strstr(section, "-hex") != NULL;
                if (hex && (blen = pc_unhex(copy, n)) < 0) {
                    snprintf(err, el, "%s: bad hex in section %s", fname, section);
                    free(copy);
                    goto out;
                }
                if (strcmp(section, "request") == 0 && (blen = pc_unescape(copy, n)) < 0) {
                    snprintf(err, el, "%s: bad escape in section request", fname);
                    free(copy);
                    goto out;
                }
                if (strcmp(section, "request") == 0 && c->request == NULL) {
                    c->request = copy;
                    c->request_len = (size_t)blen;
                } else if (strncmp(section, "body", 4) == 0 && c->body == NULL) {
                    c->body = copy;
                    c->body_len = (size_t)blen;
                } else if (strncmp(section, "expect-body", 11) == 0 && c->ebody == NULL) {
                    c->ebody = copy;
                    c->ebody_len = (size_t)blen;
                } else {
                    snprintf(err, el, "%s: unknown or repeated section '%s'", fname, section);
                    free(copy);
                    goto out;
                }
                free(section);
                section = NULL;
            }
            if (!marker)
                break;
            char *name = pc_trim(pc_strndup(p + 4, (size_t)(le - p - 4)));
            if (strcmp(name, "end") == 0) {
                ended = 1;
            } else if (strcmp(name, "body") == 0 || strcmp(name, "body-hex") == 0 ||
                       strcmp(name, "expect-body") == 0 || strcmp(name, "expect-body-hex") == 0 ||
                       strcmp(name, "request") == 0) {
                section = strdup(name);
                sec_start = eol != NULL ? eol + 1 : end;
            } else {
                snprintf(err, el, "%s: unknown section '--- %s'", fname, name);
                free(name);
                goto out;
            }
            free(name);
            p = eol != NULL ? eol + 1 : end + 1;
            continue;
        }
        if (section != NULL) {
            p = eol + 1;
            continue;
        }
        char *line = pc_strndup(p, (size_t)(le - p));
        char *t = pc_trim(line);
        p = eol + 1;
        if (*t == '\0' || *t == '#') {
            free(line);
            continue;
        }
        char *colon = strchr(t, ':');
        if (colon == NULL) {
            snprintf(err, el, "%s: not 'key: value': %s", fname, t);
            free(line);
            goto out;
        }
        *colon = '\0';
        char *key = pc_trim(t), *val = pc_trim(colon + 1);
        int bad = 0;
        if (strcmp(key, "header") == 0) {
            bad = c->nheaders >= PC_MAX_HEADERS;
            if (!bad)
                c->headers[c->nheaders++] = strdup(val);
        } else if (strcmp(key, "expect-header") == 0) {
            char *vc = strchr(val, ':');
            bad = vc == NULL || c->neh >= PC_MAX_EXPECT;
            if (!bad) {
                *vc = '\0';
                c->eh[c->neh].name = strdup(pc_trim(val));
                c->eh[c->neh].value = strdup(pc_trim(vc + 1));
                c->neh++;
            }
        } else if (strcmp(key, "expect-header-present") == 0) {
            bad = c->npresent >= PC_MAX_EXPECT;
            if (!bad)
                c->present[c->npresent++] = strdup(val);
        } else if (strcmp(key, "expect-header-absent") == 0) {
            bad = c->nabsent >= PC_MAX_EXPECT;
            if (!bad)
                c->absent[c->nabsent++] = strdup(val);
        } else {
            struct {
                const char *key;
                char **dst;
            } str_keys[] = {
                {"name", &c->name},
                {"peer", &c->peer},
                {"deviation", &c->deviation},
                {"server-args", &c->server_args},
                {"server-group", &c->server_group},
                {"method", &c->method},
                {"path", &c->path},
                {"encode", &c->encode},
                {"expect-interim", &c->expect_interim},
            };
            int known = 0;
            for (size_t i = 0; i < sizeof(str_keys) / sizeof(str_keys[0]); i++) {
                if (strcmp(key, str_keys[i].key) == 0) {
                    known = 1;
                    bad = *str_keys[i].dst != NULL;
                    if (!bad)
                        *str_keys[i].dst = strdup(val);
                }
            }
            if (known) {
            } else if (strcmp(key, "status") == 0) {
                char *e;
                c->status = (int)strtol(val, &e, 10);
                bad = *e != '\0' || c->status < 100 || c->status > 599;
            } else if (strcmp(key, "expect-close") == 0) {
                bad = c->expect_close != -1 || (strcmp(val, "yes") != 0 && strcmp(val, "no") != 0);
                if (!bad)
                    c->expect_close = strcmp(val, "yes") == 0;
            } else if (strcmp(key, "settle-ms") == 0) {
                c->settle_ms = strtol(val, NULL, 10);
            } else if (strcmp(key, "timeout-ms") == 0) {
                c->timeout_ms = strtol(val, NULL, 10);
            } else if (strcmp(key, "repeat") == 0) {
                char *e;
                bad = val[0] == '\0' || val[1] != ' ';
                if (!bad) {
                    c->repeat_ch = val[0];
                    c->repeat_n = (size_t)strtoull(val + 2, &e, 10);
                    c->has_repeat = 1;
                    bad = *e != '\0';
                }
            } else if (strcmp(key, "peer-note") == 0) {
                /* for peer_compare.py only */
            } else {
                snprintf(err, el, "%s: unknown key '%s'", fname, key);
                free(line);
                goto out;
            }
        }
        if (bad) {
            snprintf(err, el, "%s: bad or repeated '%s:'", fname, key);
            free(line);
            goto out;
        }
        free(line);
    }
    if (!ended) {
        snprintf(err, el, "%s: no '--- end' line", fname);
        goto out;
    }
    if (c->request != NULL && (c->method != NULL || c->path != NULL || c->nheaders > 0 ||
                               c->body != NULL || c->encode != NULL || c->has_repeat)) {
        snprintf(err, el, "%s: a raw request takes no method:, path:, header:, body or encoding",
                 fname);
        goto out;
    }
    if (c->name == NULL || c->status < 0 ||
        (c->request == NULL && (c->method == NULL || c->path == NULL))) {
        snprintf(err, el, "%s: needs name:, status: and method: with path: (or --- request)",
                 fname);
        goto out;
    }
    if (c->expect_close != -1 && c->request == NULL) {
        snprintf(err, el, "%s: expect-close: needs a raw request", fname);
        goto out;
    }
    size_t fl = strlen(fname);
    if (fl < 6 || strncmp(fname, c->name, fl - 5) != 0 || c->name[fl - 5] != '\0') {
        snprintf(err, el, "%s: name: %s differs from the file name", fname, c->name);
        goto out;
    }
    if (c->has_repeat && c->encode != NULL) {
        snprintf(err, el, "%s: repeat: and encode: do not mix", fname);
        goto out;
    }
    rc = 0;
out:
    free(section);
    free(data);
    return rc;
}

static void pc_case_free(struct pc_case *c)
{
    char **strs[] = {&c->file,         &c->name,   &c->peer,   &c->deviation, &c->server_args,
                     &c->server_group, &c->method, &c->path,   &c->encode,    &c->expect_interim,
                     &c->body,         &c->ebody,  &c->request};
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        free(*strs[i]);
        *strs[i] = NULL;
    }
    for (int i = 0; i < c->nheaders; i++)
        free(c->headers[i]);
    for (int i = 0; i < c->neh; i++) {
        free(c->eh[i].name);
        free(c->eh[i].value);
    }
    for (int i = 0; i < c->npresent; i++)
        free(c->present[i]);
    for (int i = 0; i < c->nabsent; i++)
        free(c->absent[i]);
}

static int pc_name_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- servers ------------------------------------------------------------------------------ */

struct pc_server {
    char *args, *group;
    struct hst_server srv;
    int state; /* 0 never started, 1 running, -1 failed to start, 2 stopped */
};

static struct pc_server pc_servers[PC_MAX_SERVERS];
static int pc_nservers;

static int pc_passed, pc_failed;
static char pc_failed_names[8192];
static const char *pc_current; /* the case being run, for the summary */

static void pc_note_result(const char *name, int ok)
{
    if (ok) {
        pc_passed++;
        return;
    }
    pc_failed++;
    size_t l = strlen(pc_failed_names);
    snprintf(pc_failed_names + l, sizeof(pc_failed_names) - l, "%s%s", l ? " " : "", name);
}

/* Expands ${NAME} from the environment (unset: empty). Returns malloc'd text. */
static char *pc_expand(const char *s)
{
    size_t cap = strlen(s) + 1024, n = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    for (const char *p = s; *p != '\0';) {
        const char *v = NULL;
        size_t vl = 0, skip = 1;
        if (p[0] == '$' && p[1] == '{' && strchr(p, '}') != NULL) {
            const char *close = strchr(p, '}');
            char name[128];
            snprintf(name, sizeof(name), "%.*s", (int)(close - p - 2), p + 2);
            v = getenv(name);
            vl = v != NULL ? strlen(v) : 0;
            skip = (size_t)(close - p) + 1;
        } else {
            v = p;
            vl = 1;
        }
        if (n + vl + 1 > cap) {
            cap = (n + vl + 1) * 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
        if (vl > 0)
            memcpy(out + n, v, vl);
        n += vl;
        p += skip;
    }
    out[n] = '\0';
    return out;
}

static struct pc_server *pc_server_for(const char *args, const char *group)
{
    args = args != NULL ? args : "";
    group = group != NULL ? group : "";
    for (int i = 0; i < pc_nservers; i++) {
        if (strcmp(pc_servers[i].args, args) == 0 && strcmp(pc_servers[i].group, group) == 0)
            return &pc_servers[i];
    }
    assert_true(pc_nservers < PC_MAX_SERVERS);
    struct pc_server *ps = &pc_servers[pc_nservers++];
    ps->args = strdup(args);
    ps->group = strdup(group);
    return ps;
}

/* Starts the server on first use; fails the calling test with a clear message otherwise. */
static struct hst_server *pc_server_get(struct pc_server *ps)
{
    if (ps->state == 0) {
        char *expanded = pc_expand(ps->args);
        const char *argv[64];
        int argc = 0;
        for (char *tok = strtok(expanded, " \t"); tok != NULL && argc < 63;
             tok = strtok(NULL, " \t"))
            argv[argc++] = tok;
        argv[argc] = NULL;
        int rc = hst_server_start(&ps->srv, argv, NULL);
        free(expanded);
        ps->state = rc == 0 ? 1 : -1;
    }
    if (ps->state != 1) {
        pc_note_result(pc_current, 0);
        fail_msg("no server for server-args '%s' group '%s' (it %s; see above)", ps->args,
                 ps->group, ps->state == -1 ? "failed to start" : "was stopped");
    }
    if (ps->srv.exited == 0 && waitpid(ps->srv.pid, &ps->srv.exit_status, WNOHANG) == ps->srv.pid) {
        ps->srv.exited = 1;
        char *log = hst_server_log(&ps->srv);
        fprintf(stderr, "server (args '%s') died, status 0x%x; log:\n%s\n", ps->args,
                ps->srv.exit_status, log != NULL ? log : "");
        free(log);
        ps->state = -1;
        pc_note_result(pc_current, 0);
        fail_msg("the server for server-args '%s' has died", ps->args);
    }
    return &ps->srv;
}

/* ---- sending ------------------------------------------------------------------------------ */

struct pc_fill {
    const char *pre, *suf;
    size_t pre_len, suf_len, n, pos;
    char ch;
};

static size_t pc_fill_cb(char *buf, size_t max, void *ud)
{
    struct pc_fill *f = ud;
    size_t total = f->pre_len + f->n + f->suf_len, w = 0;
    while (w < max && f->pos < total) {
        size_t at = f->pos;
        size_t k;
        if (at < f->pre_len) {
            k = f->pre_len - at < max - w ? f->pre_len - at : max - w;
            memcpy(buf + w, f->pre + at, k);
        } else if (at < f->pre_len + f->n) {
            size_t left = f->pre_len + f->n - at;
            k = left < max - w ? left : max - w;
            memset(buf + w, f->ch, k);
        } else {
            size_t so = at - f->pre_len - f->n;
            k = f->suf_len - so < max - w ? f->suf_len - so : max - w;
            memcpy(buf + w, f->suf + so, k);
        }
        w += k;
        f->pos += k;
    }
    return w;
}

/* gzip (windowBits 31) or zlib-format deflate of in; malloc'd result. */
static char *pc_compress(const char *in, size_t len, int gzip, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    assert_int_equal(
        deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, gzip ? 31 : 15, 8, Z_DEFAULT_STRATEGY),
        Z_OK);
    size_t cap = deflateBound(&z, len) + 64;
    char *out = malloc(cap);
    assert_non_null(out);
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_len = z.total_out;
    deflateEnd(&z);
    return out;
}

static void pc_sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static int pc_send(const struct pc_case *c, const struct hst_server *s, struct hst_response *r)
{
    const char *const *hdrs = (const char *const *)c->headers;
    if (c->settle_ms > 0)
        pc_sleep_ms(c->settle_ms);
    hst_request_set_timeout(c->timeout_ms > 0 ? c->timeout_ms : 60000);
    int rc;
    const char *marker = c->body != NULL && c->has_repeat
                             ? memmem(c->body, c->body_len, PC_MARKER, strlen(PC_MARKER))
                             : NULL;
    if (c->body == NULL) {
        rc = hst_request(s, c->method, c->path, hdrs, NULL, 0, r);
    } else if (marker != NULL) {
        struct pc_fill f = {.pre = c->body,
                            .pre_len = (size_t)(marker - c->body),
                            .suf = marker + strlen(PC_MARKER),
                            .n = c->repeat_n,
                            .ch = c->repeat_ch};
        f.suf_len = c->body_len - f.pre_len - strlen(PC_MARKER);
        rc = hst_request_stream(s, c->method, c->path, hdrs, pc_fill_cb, &f,
                                f.pre_len + f.n + f.suf_len, r);
    } else if (c->encode != NULL) {
        int gz = strcmp(c->encode, "gzip") == 0;
        if (!gz && strcmp(c->encode, "deflate") != 0)
            fail_msg("case %s: unknown encode: %s", c->name, c->encode);
        size_t zl = 0;
        char *z = pc_compress(c->body, c->body_len, gz, &zl);
        rc = hst_request(s, c->method, c->path, hdrs, z, zl, r);
        free(z);
    } else {
        rc = hst_request(s, c->method, c->path, hdrs, c->body, c->body_len, r);
    }
    hst_request_set_timeout(30000);
    return rc;
}

/* The response of a raw request: 1xx blocks, then the final header block and a Content-Length
 * body, read from bytes as they arrived. Returns 1 once the final response is whole. */
static int pc_raw_parse(const char *buf, size_t len, struct hst_response *r)
{
    size_t at = 0;
    free(r->interim);
    r->interim = NULL;
    for (;;) {
        const char *end = memmem(buf + at, len - at, "\r\n\r\n", 4);
        if (end == NULL)
            return 0;
        size_t hlen = (size_t)(end - (buf + at)) + 4;
        long status = 0;
        if (sscanf(buf + at, "HTTP/1.%*1d %3ld", &status) != 1)
            return 0;
        if (status >= 100 && status < 200) {
            size_t il = r->interim != NULL ? strlen(r->interim) : 0;
            char *ni = realloc(r->interim, il + hlen + 1);
            assert_non_null(ni);
            memcpy(ni + il, buf + at, hlen);
            ni[il + hlen] = '\0';
            r->interim = ni;
            at += hlen;
            continue;
        }
        free(r->headers);
        r->headers = pc_strndup(buf + at, hlen);
        r->status = status;
        char *cl = hst_response_header(r, "Content-Length");
        size_t blen = cl != NULL ? (size_t)strtoull(cl, NULL, 10) : 0;
        free(cl);
        if (len - at - hlen < blen)
            return 0;
        free(r->body);
        r->body = pc_strndup(buf + at + hlen, blen);
        r->body_len = blen;
        return 1;
    }
}

/* Sends the raw request on a fresh connection and reads the answer; *closed tells whether the
 * server ended the connection (waited for only when the case checks it). */
static int pc_send_raw(const struct pc_case *c, const struct hst_server *s, struct hst_response *r,
                       int *closed)
{
    memset(r, 0, sizeof(*r));
    *closed = 0;
    if (c->settle_ms > 0)
        pc_sleep_ms(c->settle_ms);
    int fd = hst_connect(s);
    if (fd < 0)
        return -1;
    /* A server that refuses early may close before it has read everything: not an error. */
    (void)hst_send_all(fd, c->request, c->request_len);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long timeout = c->timeout_ms > 0 ? c->timeout_ms : 10000, waited = 0;
    char *buf = NULL;
    size_t len = 0;
    int whole = 0;
    long after = -1; /* ms since start when the final response was whole */
    for (;;) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        waited = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
        /* Once answered: up to 3 s more for the close, or 300 ms to see it stays open. */
        long limit = !whole ? timeout : after + (c->expect_close == 1 ? 3000 : 300);
        if (whole && c->expect_close == -1)
            break;
        if (waited >= limit)
            break;
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int pr = poll(&pfd, 1, (int)(limit - waited));
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            break;
        char chunk[16384];
        ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            *closed = 1;
            break;
        }
        char *nb = realloc(buf, len + (size_t)n);
        assert_non_null(nb);
        buf = nb;
        memcpy(buf + len, chunk, (size_t)n);
        len += (size_t)n;
        if (!whole && pc_raw_parse(buf, len, r)) {
            whole = 1;
            after = waited;
        }
    }
    close(fd);
    if (!whole && buf != NULL)
        whole = pc_raw_parse(buf, len, r);
    free(buf);
    return whole ? 0 : -1;
}

/* ---- comparing ---------------------------------------------------------------------------- */

struct pc_report {
    char *text;
    size_t len, cap;
    int count;
};

static void pc_report_add(struct pc_report *rep, const char *fmt, ...)
{
    char line[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t ln = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
    if (rep->len + ln + 2 > rep->cap) {
        rep->cap = (rep->len + ln + 2) * 2;
        rep->text = realloc(rep->text, rep->cap);
        assert_non_null(rep->text);
    }
    memcpy(rep->text + rep->len, line, ln);
    rep->len += ln;
    rep->text[rep->len++] = '\n';
    rep->text[rep->len] = '\0';
    rep->count++;
}

/* The expected body as pieces: prefix, a run of one byte, suffix (no run when not repeated). */
struct pc_expected {
    const char *pre, *suf;
    size_t pre_len, n, suf_len;
    char ch;
};

static size_t pc_expected_len(const struct pc_expected *e)
{
    return e->pre_len + e->n + e->suf_len;
}

static unsigned char pc_expected_at(const struct pc_expected *e, size_t i)
{
    if (i < e->pre_len)
        return (unsigned char)e->pre[i];
    if (i < e->pre_len + e->n)
        return (unsigned char)e->ch;
    return (unsigned char)e->suf[i - e->pre_len - e->n];
}

/* Writes bytes [from, to) printable: \n, \r, \t, \" as escapes, others <0x20 or >=0x7f as \xNN. */
static void pc_escape(char *out, size_t size, const unsigned char *src, size_t n,
                      const struct pc_expected *e, size_t from)
{
    size_t w = 0;
    for (size_t i = 0; i < n && w + 5 < size; i++) {
        unsigned char ch = e != NULL ? pc_expected_at(e, from + i) : src[from + i];
        if (ch == '\n')
            w += (size_t)snprintf(out + w, size - w, "\\n");
        else if (ch == '\r')
            w += (size_t)snprintf(out + w, size - w, "\\r");
        else if (ch == '\t')
            w += (size_t)snprintf(out + w, size - w, "\\t");
        else if (ch < 0x20 || ch >= 0x7f)
            w += (size_t)snprintf(out + w, size - w, "\\x%02x", ch);
        else
            out[w++] = (char)ch;
    }
    out[w < size ? w : size - 1] = '\0';
}

static void pc_compare_body(const struct pc_case *c, const struct hst_response *r,
                            struct pc_report *rep)
{
    struct pc_expected e = {.pre = c->ebody, .pre_len = c->ebody_len};
    const char *marker =
        c->has_repeat ? memmem(c->ebody, c->ebody_len, PC_MARKER, strlen(PC_MARKER)) : NULL;
    if (marker != NULL) {
        e.pre_len = (size_t)(marker - c->ebody);
        e.n = c->repeat_n;
        e.ch = c->repeat_ch;
        e.suf = marker + strlen(PC_MARKER);
        e.suf_len = c->ebody_len - e.pre_len - strlen(PC_MARKER);
    }
    size_t el = pc_expected_len(&e), gl = r->body_len, n = el < gl ? el : gl, at = n;
    for (size_t i = 0; i < n; i++) {
        if (pc_expected_at(&e, i) != (unsigned char)r->body[i]) {
            at = i;
            break;
        }
    }
    if (at == n && el == gl)
        return;
    size_t from = at > 60 ? at - 60 : 0;
    char exp_s[1024], got_s[1024];
    size_t en = (el > from ? el - from : 0), gn = (gl > from ? gl - from : 0);
    pc_escape(exp_s, sizeof(exp_s), NULL, en < 140 ? en : 140, &e, from);
    pc_escape(got_s, sizeof(got_s), (const unsigned char *)r->body, gn < 140 ? gn : 140, NULL,
              from);
    pc_report_add(rep,
                  "  body differs at byte %zu (expected %zu bytes, got %zu)\n"
                  "    expected: %s%s\n"
                  "    actual:   %s%s",
                  at, el, gl, from > 0 ? "…" : "", exp_s, from > 0 ? "…" : "", got_s);
}

static void pc_compare(const struct pc_case *c, const struct hst_response *r, struct pc_report *rep)
{
    if (r->status != c->status)
        pc_report_add(rep, "  status: expected %d, got %ld", c->status, r->status);
    for (int i = 0; i < c->neh; i++) {
        char *v = hst_response_header(r, c->eh[i].name);
        if (v == NULL || strcmp(v, c->eh[i].value) != 0)
            pc_report_add(rep, "  header %s: expected \"%s\", got %s%s%s", c->eh[i].name,
                          c->eh[i].value, v ? "\"" : "", v ? v : "(absent)", v ? "\"" : "");
        free(v);
    }
    for (int i = 0; i < c->npresent; i++) {
        char *v = hst_response_header(r, c->present[i]);
        if (v == NULL)
            pc_report_add(rep, "  header %s: expected present, got (absent)", c->present[i]);
        free(v);
    }
    for (int i = 0; i < c->nabsent; i++) {
        char *v = hst_response_header(r, c->absent[i]);
        if (v != NULL)
            pc_report_add(rep, "  header %s: expected absent, got \"%s\"", c->absent[i], v);
        free(v);
    }
    if (c->expect_interim != NULL && strcmp(c->expect_interim, "none") == 0) {
        if (r->interim != NULL)
            pc_report_add(rep, "  interim: expected none, got %s", r->interim);
    } else if (c->expect_interim != NULL) {
        char want[64];
        snprintf(want, sizeof(want), " %s ", c->expect_interim);
        if (r->interim == NULL || strstr(r->interim, want) == NULL)
            pc_report_add(rep, "  interim: expected a %s response before the final one, got %s",
                          c->expect_interim, r->interim != NULL ? r->interim : "(none)");
    }
    if (c->ebody != NULL)
        pc_compare_body(c, r, rep);
}

static void test_case(void **state)
{
    const struct pc_case *c = *state;
    struct pc_server *ps = pc_server_for(c->server_args, c->server_group);
    int ok = 0;
    pc_current = c->name;
    struct hst_server *s = pc_server_get(ps);
    struct hst_response r;
    int closed = 0;
    int rc = c->request != NULL ? pc_send_raw(c, s, &r, &closed) : pc_send(c, s, &r);
    struct pc_report rep = {0};
    if (rc != 0 && r.status == 0 && c->request != NULL) {
        pc_report_add(&rep, "  no whole response to the raw request%s",
                      closed ? " (the server closed the connection)" : "");
    } else if (rc != 0 && r.status == 0) {
        pc_report_add(&rep, "  no response: curl error %d (%s)", r.curl_code,
                      r.curl_code == 28 ? "timeout" : "transfer failed");
    } else {
        pc_compare(c, &r, &rep);
        if (c->expect_close == 1 && !closed)
            pc_report_add(&rep, "  connection: expected the server to close it, it stayed open");
        else if (c->expect_close == 0 && closed)
            pc_report_add(&rep, "  connection: expected it to stay open, the server closed it");
    }
    hst_response_free(&r);
    ok = rep.count == 0;
    pc_note_result(c->name, ok);
    if (!ok) {
        fprintf(stderr, "case %s (%s %s)%s%s:\n%s", c->name, c->method ? c->method : "raw",
                c->path ? c->path : "request",
                c->deviation ? " [a case with a documented deviation" : "", c->deviation ? "]" : "",
                rep.text);
        free(rep.text);
        fail_msg("case %s: %d mismatch(es)", c->name, rep.count);
    }
}

/* ---- D10 in C: /stopServer while other connections are open -------------------------------- */

static const char *const pc_auth[] = {"Authorization: Bearer " HS_TEST_TOKEN, NULL};

static void pc_expect(struct pc_report *rep, const char *what, const struct hst_response *r,
                      long status, const char *ctype, const char *body)
{
    if (r->status != status)
        pc_report_add(rep, "  %s: status expected %ld, got %ld", what, status, r->status);
    char *ct = hst_response_header(r, "Content-Type");
    if ((ctype == NULL) != (ct == NULL) || (ct != NULL && strcmp(ct, ctype) != 0))
        pc_report_add(rep, "  %s: Content-Type expected %s, got %s", what,
                      ctype ? ctype : "(absent)", ct ? ct : "(absent)");
    free(ct);
    if (r->body == NULL || r->body_len != strlen(body) || memcmp(r->body, body, r->body_len) != 0)
        pc_report_add(rep, "  %s: body expected \"%s\", got \"%.*s\"", what, body,
                      (int)(r->body_len < 300 ? r->body_len : 300), r->body ? r->body : "");
}

static void test_d10_stop_server(void **state)
{
    (void)state;
    pc_current = "D10-stop-server";
    struct pc_server *ps = pc_server_for("", "d10-stop-server");
    struct hst_server *s = pc_server_get(ps);
    struct pc_report rep = {0};
    struct hst_response r;

    int fds[2] = {hst_connect(s), hst_connect(s)};
    assert_true(fds[0] >= 0 && fds[1] >= 0);
    pc_sleep_ms(200);
    assert_int_equal(hst_request(s, "GET", "/openConnections", pc_auth, NULL, 0, &r), 0);
    pc_expect(&rep, "GET /openConnections with 2 idle connections open", &r, 200, NULL, "2");
    hst_response_free(&r);
    assert_int_equal(hst_request(s, "GET", "/stopServer", pc_auth, NULL, 0, &r), 0);
    pc_expect(&rep, "GET /stopServer with 2 other connections open", &r, 422,
              "application/json; charset=utf-8",
              "{\"errors\":[{\"code\":\"connections_still_open\","
              "\"message\":\"2 connection(s) still open.\"}]}");
    hst_response_free(&r);
    close(fds[0]);
    close(fds[1]);
    pc_sleep_ms(300);
    assert_int_equal(hst_request(s, "GET", "/stopServer", pc_auth, NULL, 0, &r), 0);
    pc_expect(&rep, "GET /stopServer with no other connection", &r, 200, NULL,
              "preparing to shut down.");
    hst_response_free(&r);
    int st = hst_server_wait(s, 10000);
    if (st == -1)
        pc_report_add(&rep, "  the server was still running 10 s after /stopServer");
    else
        fprintf(stderr, "D10: server exited after /stopServer, status 0x%x (peer: exit code 1)\n",
                st);
    ps->state = 2;
    pc_note_result("D10-stop-server", rep.count == 0);
    if (rep.count > 0) {
        fprintf(stderr, "case D10-stop-server (C):\n%s", rep.text);
        free(rep.text);
        fail_msg("case D10-stop-server: %d mismatch(es)", rep.count);
    }
}

/* ---- the end: every server exits cleanly --------------------------------------------------- */

static void test_servers_exit_cleanly(void **state)
{
    (void)state;
    struct pc_report rep = {0};
    for (int i = 0; i < pc_nservers; i++) {
        struct pc_server *ps = &pc_servers[i];
        if (ps->state != 1 && ps->state != 2)
            continue;
        int st = ps->state == 1 ? hst_server_stop(&ps->srv, SIGTERM, 15000) : ps->srv.exit_status;
        if (ps->state == 1 && (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0))
            pc_report_add(&rep, "  server '%s' group '%s': SIGTERM gave status 0x%x, not exit 0",
                          ps->args, ps->group, st);
        ps->state = 2;
        char *log = hst_server_log(&ps->srv);
        if (log != NULL && (strstr(log, "AddressSanitizer") || strstr(log, "LeakSanitizer") ||
                            strstr(log, "runtime error:"))) {
            pc_report_add(&rep, "  server '%s' group '%s': sanitizer report in its log:\n%s",
                          ps->args, ps->group, log);
        }
        free(log);
    }
    fprintf(stderr, "protocol cases: %d passed, %d failed%s%s\n", pc_passed, pc_failed,
            pc_failed ? ": " : "", pc_failed_names);
    if (rep.count > 0) {
        fprintf(stderr, "%s", rep.text);
        free(rep.text);
        fail_msg("%d server(s) did not exit cleanly", rep.count);
    }
}

/* ---- main --------------------------------------------------------------------------------- */

int main(void)
{
    const char *src = getenv("HS_SOURCE_DIR");
    if (src == NULL) {
        fprintf(stderr, "HS_SOURCE_DIR is not set (run through ctest)\n");
        return 1;
    }
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/tests/integration/cases", src);
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "cannot open %s: %s\n", dir, strerror(errno));
        return 1;
    }
    char *names[PC_MAX_CASES];
    int nnames = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && nnames < PC_MAX_CASES) {
        size_t l = strlen(e->d_name);
        if (l > 5 && strcmp(e->d_name + l - 5, ".case") == 0)
            names[nnames++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)nnames, sizeof(names[0]), pc_name_cmp);
    int bad = 0;
    for (int i = 0; i < nnames; i++) {
        char err[1024];
        if (pc_parse(&pc_cases[pc_ncases], dir, names[i], err, sizeof(err)) != 0) {
            fprintf(stderr, "case file error: %s\n", err);
            pc_case_free(&pc_cases[pc_ncases]);
            bad++;
        } else {
            pc_ncases++;
        }
        free(names[i]);
    }
    if (bad > 0 || pc_ncases == 0) {
        fprintf(stderr, "%d case file(s) could not be read; %d read\n", bad, pc_ncases);
        for (int i = 0; i < pc_ncases; i++)
            pc_case_free(&pc_cases[i]);
        return 1;
    }

    /* Cases sharing a server group run in file order; groups follow the default server's cases
     * (a group changes server state, e.g. terminate). */
    struct CMUnitTest *tests = calloc((size_t)pc_ncases + 2, sizeof(*tests));
    assert_non_null(tests);
    int nt = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < pc_ncases; i++) {
            int grouped = pc_cases[i].server_group != NULL;
            if (grouped != pass)
                continue;
            tests[nt].name = pc_cases[i].name;
            tests[nt].test_func = test_case;
            tests[nt].initial_state = &pc_cases[i];
            nt++;
        }
    }
    tests[nt++] = (struct CMUnitTest){.name = "D10-stop-server", .test_func = test_d10_stop_server};
    tests[nt++] =
        (struct CMUnitTest){.name = "servers-exit-cleanly", .test_func = test_servers_exit_cleanly};
    const char *filter = getenv("HS_TEST_FILTER");
    if (filter != NULL && *filter != '\0')
        cmocka_set_test_filter(filter);
    signal(SIGPIPE, SIG_IGN);
    int failed = _cmocka_run_group_tests("protocol", tests, (size_t)nt, NULL, NULL);

    for (int i = 0; i < pc_nservers; i++) {
        if (pc_servers[i].state == 1)
            hst_server_stop(&pc_servers[i].srv, SIGKILL, 5000);
        free(pc_servers[i].args);
        free(pc_servers[i].group);
    }
    for (int i = 0; i < pc_ncases; i++)
        pc_case_free(&pc_cases[i]);
    free(tests);
    return failed;
}
