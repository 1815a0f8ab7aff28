/* flows_api.c — integrator.io REST calls through libcurl (flows_api.h, docs/flows.md). */
#include "flows_api.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "flows_canon.h"

int flows_api_init(struct flows_api *api, const char *base, const char *token)
{
    memset(api, 0, sizeof(*api));
    api->base = base;
    api->token = token;
    api->backoff_ms = 500;
    api->attempts = FLOWS_API_ATTEMPTS;
    api->retry_after_max_s = 60;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return -1;
    api->curl = curl_easy_init();
    if (!api->curl) {
        curl_global_cleanup();
        return -1;
    }
    return 0;
}

void flows_api_cleanup(struct flows_api *api)
{
    if (api->curl) {
        curl_easy_cleanup(api->curl);
        curl_global_cleanup();
    }
    api->curl = NULL;
}

void flows_api_resp_free(struct flows_api_resp *resp)
{
    json_buf_free(&resp->body);
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    struct json_buf *b = arg;
    return json_buf_append(b, p, size * n) == 0 ? size * n : 0;
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && isspace((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
    struct flows_api_resp *r = arg;
    size_t len = size * n;
    const char *colon = memchr(p, ':', len);
    if (!colon)
        return len;
    size_t klen = (size_t)(colon - p);
    const char *v = colon + 1;
    size_t vlen = len - klen - 1;
    trim(&v, &vlen);
    if (klen == 4 && strncasecmp(p, "link", 4) == 0 && !r->next[0])
        flows_api_link_next(v, vlen, r->next, sizeof(r->next));
    else if (klen == 11 && strncasecmp(p, "retry-after", 11) == 0 && vlen < sizeof(r->retry_after))
        snprintf(r->retry_after, sizeof(r->retry_after), "%.*s", (int)vlen, v);
    return len;
}

int flows_api_link_next(const char *v, size_t n, char *out, size_t cap)
{
    out[0] = '\0';
    size_t i = 0;
    while (i < n) {
        /* one link-value: <URI> *( ";" param ) */
        while (i < n && (isspace((unsigned char)v[i]) || v[i] == ','))
            i++;
        if (i >= n || v[i] != '<')
            return 0;
        size_t us = ++i;
        while (i < n && v[i] != '>')
            i++;
        if (i >= n)
            return 0;
        size_t ue = i++;
        bool next = false;
        while (i < n && v[i] != ',') {
            if (v[i] == ';') {
                i++;
                while (i < n && isspace((unsigned char)v[i]))
                    i++;
                if (n - i >= 3 && strncasecmp(v + i, "rel", 3) == 0) {
                    size_t k = i + 3;
                    while (k < n && isspace((unsigned char)v[k]))
                        k++;
                    if (k < n && v[k] == '=') {
                        k++;
                        while (k < n && isspace((unsigned char)v[k]))
                            k++;
                        bool q = k < n && v[k] == '"';
                        if (q)
                            k++;
                        /* rel may hold several space-separated types */
                        while (k < n && v[k] != '"' && v[k] != ';' && v[k] != ',') {
                            size_t ts = k;
                            while (k < n && !isspace((unsigned char)v[k]) && v[k] != '"' &&
                                   v[k] != ';' && v[k] != ',')
                                k++;
                            if (k - ts == 4 && strncasecmp(v + ts, "next", 4) == 0)
                                next = true;
                            while (k < n && isspace((unsigned char)v[k]) && q)
                                k++;
                            if (!q)
                                break;
                        }
                        if (q && k < n && v[k] == '"')
                            k++; /* the closing quote */
                        i = k;
                        continue;
                    }
                }
                continue;
            }
            if (v[i] == '"') { /* a quoted parameter value may hold ',' or ';' */
                i++;
                while (i < n && v[i] != '"')
                    i++;
            }
            if (i < n)
                i++;
        }
        if (next) {
            size_t len = ue - us;
            if (len == 0 || len + 1 > cap)
                return 0;
            for (size_t k = us; k < ue; k++)
                if ((unsigned char)v[k] <= 0x20 || v[k] == 0x7f)
                    return 0;
            if (!(len > 7 && (strncmp(v + us, "http://", 7) == 0 ||
                              (len > 8 && strncmp(v + us, "https://", 8) == 0))))
                return 0;
            memcpy(out, v + us, len);
            out[len] = '\0';
            return 1;
        }
    }
    return 0;
}

static const char *reason(long status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized (the token is wrong, expired or of another account)";
    case 403:
        return "Forbidden (the token's scope does not allow this)";
    case 404:
        return "Not Found";
    case 409:
        return "Conflict";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    default:
        return status >= 500 ? "server error" : "error";
    }
}

/* Appends the printable text of s (n bytes) to out at *k (control bytes as '?'). */
static void put_clean(char *out, size_t cap, size_t *k, const char *s, size_t n)
{
    for (size_t i = 0; i < n && *k + 1 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        out[(*k)++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    out[*k < cap ? *k : cap - 1] = '\0';
}

static void put_str(char *out, size_t cap, size_t *k, const char *s)
{
    put_clean(out, cap, k, s, strlen(s));
}

static void put_json_str(char *out, size_t cap, size_t *k, const struct json_value *v)
{
    if (v && v->type == JSON_STRING)
        put_clean(out, cap, k, v->u.str, v->len > 300 ? 300 : v->len);
}

void flows_api_error_text(long status, const char *body, size_t len, char *out, size_t cap)
{
    if (cap == 0)
        return;
    size_t k = 0;
    out[0] = '\0';
    char head[64];
    snprintf(head, sizeof(head), "%ld ", status);
    put_str(out, cap, &k, head);
    put_str(out, cap, &k, reason(status));
    struct arena *a = arena_new(16 * 1024, 8u << 20);
    const struct json_value *v = a && body ? flows_api_parse(a, body, len) : NULL;
    const struct json_value *errs =
        v && v->type == JSON_OBJECT ? json_object_get(v, "errors", 6) : NULL;
    const struct json_value *msg =
        v && v->type == JSON_OBJECT ? json_object_get(v, "message", 7) : NULL;
    if (errs && errs->type == JSON_ARRAY && errs->len > 0) {
        put_str(out, cap, &k, ": ");
        for (size_t i = 0; i < errs->len && i < 20; i++) {
            const struct json_value *e = errs->u.items[i];
            if (i > 0)
                put_str(out, cap, &k, "; ");
            if (e->type != JSON_OBJECT) {
                put_json_str(out, cap, &k, e);
                continue;
            }
            const struct json_value *f = json_object_get(e, "field", 5),
                                    *m = json_object_get(e, "message", 7),
                                    *c = json_object_get(e, "code", 4);
            if (f && f->type == JSON_STRING) {
                put_json_str(out, cap, &k, f);
                put_str(out, cap, &k, ": ");
            }
            if (m && m->type == JSON_STRING)
                put_json_str(out, cap, &k, m);
            else
                put_str(out, cap, &k, "(no message)");
            if (c && c->type == JSON_STRING) {
                put_str(out, cap, &k, " (");
                put_json_str(out, cap, &k, c);
                put_str(out, cap, &k, ")");
            }
        }
        if (errs->len > 20)
            put_str(out, cap, &k, "; ...");
    } else if (msg && msg->type == JSON_STRING) {
        put_str(out, cap, &k, ": ");
        put_json_str(out, cap, &k, msg);
    } else if (body && len > 0 && !v) {
        put_str(out, cap, &k, ": ");
        put_clean(out, cap, &k, body, len > 200 ? 200 : len);
    }
    arena_free(a);
}

void flows_api_redact(char *s, size_t cap, const char *secret)
{
    size_t sl = secret ? strlen(secret) : 0;
    if (sl == 0 || cap == 0)
        return;
    static const char rep[] = "[redacted]";
    size_t rl = sizeof(rep) - 1;
    char *p = s;
    while ((p = strstr(p, secret)) != NULL) {
        size_t pos = (size_t)(p - s), tail = strlen(p + sl);
        if (pos + rl + 1 > cap) { /* no room for the marker: cut here */
            *p = '\0';
            break;
        }
        if (pos + rl + tail + 1 > cap)
            tail = cap - pos - rl - 1;
        memmove(p + rl, p + sl, tail);
        p[rl + tail] = '\0';
        memcpy(p, rep, rl);
        p += rl;
    }
    /* a secret that the marker and its neighbours spell again (never a real token): drop it all */
    if (strstr(s, secret))
        snprintf(s, cap, "%s", strstr(rep, secret) ? "" : rep);
}

struct json_value *flows_api_parse(struct arena *a, const char *body, size_t len)
{
    return json_parse(a, body ? body : "", body ? len : 0, &flows_parse_opts, NULL);
}

static void sleep_ms(unsigned long ms)
{
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static bool starts_with(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static int call_once(struct flows_api *api, const char *method, const char *url, const char *body,
                     size_t body_len, struct flows_api_resp *r)
{
    CURL *c = api->curl;
    curl_easy_reset(c);
    json_buf_free(&r->body);
    json_buf_init(&r->body, FLOWS_API_MAX_BODY);
    r->status = 0;
    r->next[0] = r->retry_after[0] = r->err[0] = '\0';
    char auth[4096];
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", api->token);
    struct curl_slist *h = NULL, *h2;
    h = curl_slist_append(h, "Accept: application/json");
    if (h && (h2 = curl_slist_append(h, auth)) != NULL)
        h = h2;
    if (h && body && (h2 = curl_slist_append(h, "Content-Type: application/json")) != NULL)
        h = h2;
    memset(auth, 0, sizeof(auth));
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 300L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L); /* never carry the token elsewhere */
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "hookstack/" HS_VERSION);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    } else if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    CURLcode rc = curl_easy_perform(c);
    api->calls++;
    curl_slist_free_all(h);
    if (rc != CURLE_OK) {
        snprintf(r->err, sizeof(r->err), "%s", curl_easy_strerror(rc));
        return -1;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    return 0;
}

int flows_api_call(struct flows_api *api, const char *method, const char *path, const char *body,
                   size_t body_len, struct flows_api_resp *resp)
{
    memset(resp, 0, sizeof(*resp));
    json_buf_init(&resp->body, FLOWS_API_MAX_BODY);
    char url[4096];
    if (starts_with(path, "http")) {
        /* a next-page link: only ever to the API the token belongs to */
        size_t bl = strlen(api->base);
        if (!starts_with(path, api->base) || (path[bl] != '/' && path[bl] != '?')) {
            snprintf(resp->err, sizeof(resp->err), "refusing to follow a link outside %s",
                     api->base);
            return -1;
        }
        snprintf(url, sizeof(url), "%s", path);
    } else {
        snprintf(url, sizeof(url), "%s%s", api->base, path);
    }
    bool post = strcmp(method, "POST") == 0;
    unsigned attempts = api->attempts ? api->attempts : 1;
    unsigned long delay = api->backoff_ms;
    for (unsigned i = 0;; i++) {
        int rc = call_once(api, method, url, body, body_len, resp);
        bool transient = rc == 0 && (resp->status == 429 || (resp->status >= 500 && !post));
        if (rc == 0 && !transient)
            return 0;
        if (rc != 0 && post) /* the request may have arrived: do not repeat a create */
            return -1;
        if (i + 1 >= attempts)
            return rc;
        unsigned long wait = delay;
        if (rc == 0 && resp->retry_after[0]) {
            char *end;
            unsigned long s = strtoul(resp->retry_after, &end, 10);
            if (end != resp->retry_after && *end == '\0')
                wait = (s > api->retry_after_max_s ? api->retry_after_max_s : s) * 1000ul;
        }
        sleep_ms(wait);
        delay = delay * 2 > 60000 ? 60000 : delay * 2;
    }
}

int flows_api_list(struct flows_api *api, struct arena *a, const char *path, struct json_value *out,
                   long *status, char *err, size_t errlen)
{
    char url[2048];
    snprintf(url, sizeof(url), "%s", path);
    *status = 0;
    for (unsigned page = 0; page < FLOWS_API_MAX_PAGES; page++) {
        struct flows_api_resp r;
        int rc = flows_api_call(api, "GET", url, NULL, 0, &r);
        if (rc != 0) {
            snprintf(err, errlen, "GET %s: %s", path, r.err);
            flows_api_resp_free(&r);
            return -1;
        }
        *status = r.status;
        if (r.status != 200) {
            char t[1024];
            flows_api_error_text(r.status, r.body.data, r.body.len, t, sizeof(t));
            snprintf(err, errlen, "GET %s (page %u): %s", path, page + 1, t);
            flows_api_resp_free(&r);
            return -1;
        }
        struct json_value *v = flows_api_parse(a, r.body.data, r.body.len);
        if (!v || v->type != JSON_ARRAY) {
            snprintf(err, errlen, "GET %s (page %u): the answer is not a JSON array", path,
                     page + 1);
            *status = 0;
            flows_api_resp_free(&r);
            return -1;
        }
        for (size_t i = 0; i < v->len; i++)
            if (json_array_push(a, out, v->u.items[i]) != 0) {
                snprintf(err, errlen, "out of memory");
                flows_api_resp_free(&r);
                return -1;
            }
        bool more = r.next[0] != '\0';
        if (more)
            snprintf(url, sizeof(url), "%s", r.next);
        flows_api_resp_free(&r);
        if (!more)
            return 0;
    }
    snprintf(err, errlen, "GET %s: more than %u pages", path, FLOWS_API_MAX_PAGES);
    return -1;
}
