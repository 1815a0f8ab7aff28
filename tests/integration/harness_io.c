/* harness_io.c — the fake integrator.io REST API of the flows push/pull/diff tests
 * (harness_io.h). One request per connection ("Connection: close"), served by one thread. */
#include "harness_io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "flows_canon.h"
#include "flows_check.h"
#include "json.h"

#define MASK "******"

struct item {
    char type[32];
    char id[32];
    struct json_value *doc; /* stored, unmasked */
    char **secrets;         /* dotted paths */
    size_t nsecrets;
};

struct call {
    char method[8];
    char *path;
    char *body;
};

struct rule {
    char method[8];
    char *path;
    int times, status;
    char *body, *retry_after, *header;
};

struct fake_io {
    int fd, port;
    char token[512];
    char base[64];
    pthread_t th;
    pthread_mutex_t mu;
    volatile int stop;
    struct arena *a;
    struct item *items;
    size_t nitems, cap_items;
    struct call *calls;
    size_t ncalls, cap_calls;
    struct rule *rules;
    size_t nrules;
    size_t page;
    unsigned next_id;
    int echo_auth;
};

static void clear_log(struct fake_io *f);

/* ---- documents ------------------------------------------------------------------------------ */

static struct json_value **path_slot(struct json_value *doc, const char *path, bool create,
                                     struct arena *a)
{
    struct json_value *cur = doc;
    const char *p = path;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (cur->type != JSON_OBJECT)
            return NULL;
        struct json_value *next = json_object_get(cur, p, n);
        if (!dot) {
            if (!next) {
                if (!create)
                    return NULL;
                if (json_object_set(a, cur, p, n, json_new_null(a)) != 0)
                    return NULL;
            }
            for (size_t i = 0; i < cur->len; i++)
                if (cur->u.members[i].key_len == n && memcmp(cur->u.members[i].key, p, n) == 0)
                    return &cur->u.members[i].value;
            return NULL;
        }
        if (!next) {
            if (!create)
                return NULL;
            next = json_new_object(a);
            if (!next || json_object_set(a, cur, p, n, next) != 0)
                return NULL;
        }
        cur = next;
        p = dot + 1;
    }
}

static struct item *find(struct fake_io *f, const char *type, const char *id, size_t idlen)
{
    for (size_t i = 0; i < f->nitems; i++)
        if (strcmp(f->items[i].type, type) == 0 && strlen(f->items[i].id) == idlen &&
            memcmp(f->items[i].id, id, idlen) == 0)
            return &f->items[i];
    return NULL;
}

static struct json_value *masked(struct fake_io *f, const struct item *it)
{
    struct json_value *v = json_clone(f->a, it->doc);
    for (size_t i = 0; v && i < it->nsecrets; i++) {
        struct json_value **s = path_slot(v, it->secrets[i], false, f->a);
        if (s)
            *s = json_new_string(f->a, MASK, strlen(MASK));
    }
    return v;
}

static const char *type_of_ref(int t)
{
    return t == FLOWS_INTEGRATION ? "integrations" : flows_type_dir((enum flows_type)t);
}

/* The first reference key of v whose id names no stored resource, or NULL. */
static const char *bad_ref(struct fake_io *f, const struct json_value *v, unsigned depth)
{
    if (depth > 64)
        return NULL;
    if (v->type == JSON_ARRAY) {
        for (size_t i = 0; i < v->len; i++) {
            const char *b = bad_ref(f, v->u.items[i], depth + 1);
            if (b)
                return b;
        }
        return NULL;
    }
    if (v->type != JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < v->len; i++) {
        const struct json_member *m = &v->u.members[i];
        int t = flows_ref_key_type(m->key, m->key_len);
        if (t >= 0) {
            const struct json_value *x = m->value;
            for (size_t k = 0; x->type == JSON_ARRAY ? k < x->len : k < 1; k++) {
                const struct json_value *s = x->type == JSON_ARRAY ? x->u.items[k] : x;
                if (s->type == JSON_STRING && s->len > 0 &&
                    !find(f, type_of_ref(t), s->u.str, s->len))
                    return m->key;
            }
            continue;
        }
        const char *b = bad_ref(f, m->value, depth + 1);
        if (b)
            return b;
    }
    return NULL;
}

/* ---- HTTP ----------------------------------------------------------------------------------- */

static const char *status_text(int s)
{
    switch (s) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    default:
        return s >= 500 ? "Internal Server Error" : "Error";
    }
}

static void send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void reply(int fd, int status, const char *body, const char *extra)
{
    char head[2048];
    size_t bl = body ? strlen(body) : 0;
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: "
                     "%zu\r\nConnection: close\r\n%s\r\n",
                     status, status_text(status), bl, extra ? extra : "");
    send_all(fd, head, (size_t)n);
    if (bl)
        send_all(fd, body, bl);
}

static void reply_json(struct fake_io *f, int fd, int status, const struct json_value *v,
                       const char *extra)
{
    struct json_buf b;
    json_buf_init(&b, 0);
    json_write(&b, v, 0, NULL);
    json_buf_append(&b, "", 1);
    (void)f;
    reply(fd, status, b.data, extra);
    json_buf_free(&b);
}

static void reply_error(int fd, int status, const char *code, const char *message,
                        const char *field)
{
    char body[2048];
    if (field)
        snprintf(body, sizeof(body),
                 "{\"errors\":[{\"code\":\"%s\",\"message\":\"%s\",\"field\":\"%s\"}]}", code,
                 message, field);
    else
        snprintf(body, sizeof(body), "{\"errors\":[{\"code\":\"%s\",\"message\":\"%s\"}]}", code,
                 message);
    reply(fd, status, body, NULL);
}

static bool is_type(const char *s, size_t n)
{
    static const char *const t[] = {"integrations", "connections", "exports", "imports",
                                    "flows",        "scripts",     "stacks"};
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (strlen(t[i]) == n && memcmp(t[i], s, n) == 0)
            return true;
    return false;
}

/* Sends page `page` (1-based) of list as an array, with a Link to the next one. */
static void reply_list(struct fake_io *f, int fd, const char *path, struct json_value *list,
                       size_t page)
{
    size_t per = f->page ? f->page : 1000, from = (page - 1) * per;
    struct json_value *out = json_new_array(f->a);
    for (size_t i = from; i < list->len && i < from + per; i++)
        json_array_push(f->a, out, list->u.items[i]);
    char link[1024] = "";
    if (from + per < list->len)
        snprintf(link, sizeof(link), "Link: <%s%s?page=%zu>; rel=\"next\"\r\n", f->base, path,
                 page + 1);
    reply_json(f, fd, 200, out, link);
}

static void serve(struct fake_io *f, int fd, const char *method, const char *target,
                  const char *auth, const char *body, size_t blen)
{
    char path[1024];
    const char *q = strchr(target, '?');
    size_t pl = q ? (size_t)(q - target) : strlen(target);
    snprintf(path, sizeof(path), "%.*s", (int)pl, target);
    size_t page = 1;
    if (q && strncmp(q, "?page=", 6) == 0)
        page = strtoul(q + 6, NULL, 10);
    if (page == 0)
        page = 1;
    const char *p = strncmp(path, "/v1/", 4) == 0 ? path + 3 : NULL;
    /* the log */
    if (f->ncalls == f->cap_calls) {
        f->cap_calls = f->cap_calls ? f->cap_calls * 2 : 64;
        f->calls = realloc(f->calls, f->cap_calls * sizeof(*f->calls));
    }
    struct call *c = &f->calls[f->ncalls++];
    snprintf(c->method, sizeof(c->method), "%s", method);
    c->path = strdup(p ? p : path);
    c->body = strndup(body ? body : "", blen);
    char want[600];
    snprintf(want, sizeof(want), "Bearer %s", f->token);
    if (!auth || strcmp(auth, want) != 0) {
        char msg[1024];
        snprintf(msg, sizeof(msg), "Unauthorized%s%.700s", f->echo_auth ? ": you sent " : "",
                 f->echo_auth && auth ? auth : "");
        reply_error(fd, 401, "unauthorized", msg, NULL);
        return;
    }
    for (size_t i = 0; i < f->nrules; i++) {
        struct rule *r = &f->rules[i];
        size_t rl = strlen(r->path);
        bool prefix = rl > 0 && r->path[rl - 1] == '*';
        bool match = p && strcmp(r->method, method) == 0 &&
                     (prefix ? strncmp(p, r->path, rl - 1) == 0 : strcmp(p, r->path) == 0);
        if (!match || r->times <= 0)
            continue;
        r->times--;
        char extra[1024] = "";
        if (r->retry_after)
            snprintf(extra, sizeof(extra), "Retry-After: %s\r\n", r->retry_after);
        else if (r->header)
            snprintf(extra, sizeof(extra), "%s\r\n", r->header);
        if (r->body) {
            reply(fd, r->status, r->body, extra);
        } else {
            char b[256];
            snprintf(b, sizeof(b),
                     "{\"errors\":[{\"code\":\"fake_%d\",\"message\":\"told to fail\"}]}",
                     r->status);
            reply(fd, r->status, b, extra);
        }
        return;
    }
    if (!p) {
        reply_error(fd, 404, "not_found", "no such endpoint", NULL);
        return;
    }
    /* /TYPE, /TYPE/ID, /integrations/ID/TYPE */
    const char *s1 = p + 1, *e1 = strchr(s1, '/');
    size_t n1 = e1 ? (size_t)(e1 - s1) : strlen(s1);
    if (!is_type(s1, n1)) {
        reply_error(fd, 404, "not_found", "no such endpoint", NULL);
        return;
    }
    char type[32];
    snprintf(type, sizeof(type), "%.*s", (int)n1, s1);
    const char *id = e1 ? e1 + 1 : NULL;
    const char *e2 = id ? strchr(id, '/') : NULL;
    size_t idn = id ? (e2 ? (size_t)(e2 - id) : strlen(id)) : 0;
    if (!id && strcmp(method, "GET") == 0) {
        struct json_value *l = json_new_array(f->a);
        for (size_t i = 0; i < f->nitems; i++)
            if (strcmp(f->items[i].type, type) == 0)
                json_array_push(f->a, l, masked(f, &f->items[i]));
        reply_list(f, fd, p, l, page);
        return;
    }
    if (!id && strcmp(method, "POST") == 0) {
        struct json_value *v = json_parse(f->a, body ? body : "", blen, NULL, NULL);
        if (!v || v->type != JSON_OBJECT) {
            reply_error(fd, 422, "invalid_json", "the body is not a JSON object", NULL);
            return;
        }
        const char *bad = bad_ref(f, v, 0);
        if (bad) {
            char m[128];
            snprintf(m, sizeof(m), "Invalid reference: %s", bad);
            reply_error(fd, 422, "invalid_ref", m, bad);
            return;
        }
        if (f->nitems == f->cap_items) {
            f->cap_items = f->cap_items ? f->cap_items * 2 : 64;
            f->items = realloc(f->items, f->cap_items * sizeof(*f->items));
        }
        struct item *it = &f->items[f->nitems++];
        memset(it, 0, sizeof(*it));
        snprintf(it->type, sizeof(it->type), "%s", type);
        snprintf(it->id, sizeof(it->id), "65f0000000000000%08x", ++f->next_id);
        json_object_set(f->a, v, "_id", 3, json_new_string(f->a, it->id, strlen(it->id)));
        json_object_set(f->a, v, "lastModified", 12,
                        json_new_string(f->a, "2026-12-03T10:00:00.000Z", 24));
        it->doc = v;
        reply_json(f, fd, 201, masked(f, it), NULL);
        return;
    }
    struct item *it = find(f, type, id, idn);
    if (e2 && strcmp(type, "integrations") == 0 && strcmp(method, "GET") == 0 && it) {
        const char *sub = e2 + 1;
        struct json_value *l = json_new_array(f->a);
        if (strcmp(sub, "connections") == 0) {
            const struct json_value *reg = json_object_get(it->doc, "_registeredConnectionIds", 24);
            for (size_t k = 0; reg && reg->type == JSON_ARRAY && k < reg->len; k++) {
                const struct json_value *cid = reg->u.items[k];
                struct item *ci =
                    cid->type == JSON_STRING ? find(f, "connections", cid->u.str, cid->len) : NULL;
                if (ci)
                    json_array_push(f->a, l, masked(f, ci));
            }
        } else if (strcmp(sub, "exports") == 0 || strcmp(sub, "imports") == 0 ||
                   strcmp(sub, "flows") == 0) {
            for (size_t i = 0; i < f->nitems; i++) {
                const struct json_value *ii =
                    json_object_get(f->items[i].doc, "_integrationId", 14);
                if (strcmp(f->items[i].type, sub) == 0 && ii && ii->type == JSON_STRING &&
                    strcmp(ii->u.str, it->id) == 0)
                    json_array_push(f->a, l, masked(f, &f->items[i]));
            }
        } else {
            reply_error(fd, 404, "not_found", "no such endpoint", NULL);
            return;
        }
        reply_list(f, fd, p, l, page);
        return;
    }
    if (!it || e2) {
        reply_error(fd, 404, "not_found", "Object not found", NULL);
        return;
    }
    if (strcmp(method, "GET") == 0) {
        reply_json(f, fd, 200, masked(f, it), NULL);
        return;
    }
    if (strcmp(method, "PUT") == 0) {
        struct json_value *v = json_parse(f->a, body ? body : "", blen, NULL, NULL);
        if (!v || v->type != JSON_OBJECT) {
            reply_error(fd, 422, "invalid_json", "the body is not a JSON object", NULL);
            return;
        }
        const char *bad = bad_ref(f, v, 0);
        if (bad) {
            char m[128];
            snprintf(m, sizeof(m), "Invalid reference: %s", bad);
            reply_error(fd, 422, "invalid_ref", m, bad);
            return;
        }
        /* the document is replaced; a masked secret sent back keeps its stored value */
        size_t keep = 0;
        for (size_t i = 0; i < it->nsecrets; i++) {
            struct json_value **ns = path_slot(v, it->secrets[i], false, f->a);
            struct json_value **os = path_slot(it->doc, it->secrets[i], false, f->a);
            if (ns && (*ns)->type == JSON_STRING && strcmp((*ns)->u.str, MASK) == 0 && os) {
                *ns = *os;
                it->secrets[keep++] = it->secrets[i];
            } else if (ns) {
                it->secrets[keep++] = it->secrets[i]; /* overwritten with what was sent */
            } else {
                free(it->secrets[i]); /* erased */
            }
        }
        it->nsecrets = keep;
        json_object_set(f->a, v, "_id", 3, json_new_string(f->a, it->id, strlen(it->id)));
        it->doc = v;
        reply_json(f, fd, 200, masked(f, it), NULL);
        return;
    }
    reply_error(fd, 404, "not_found", "no such endpoint", NULL);
}

static void handle(struct fake_io *f, int fd)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    char *hend = NULL;
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    while (!hend) {
        if (poll(&pfd, 1, 5000) <= 0)
            goto out;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
        }
        ssize_t r = recv(fd, buf + n, cap - n, 0);
        if (r <= 0)
            goto out;
        n += (size_t)r;
        buf[n] = '\0';
        hend = strstr(buf, "\r\n\r\n");
    }
    size_t hlen = (size_t)(hend - buf) + 4, clen = 0;
    char auth[1024] = "";
    bool has_auth = false;
    for (char *line = strstr(buf, "\r\n") + 2; line < hend; line = strstr(line, "\r\n") + 2) {
        if (strncasecmp(line, "content-length:", 15) == 0)
            clen = strtoul(line + 15, NULL, 10);
        if (strncasecmp(line, "authorization:", 14) == 0) {
            const char *v = line + 14;
            while (*v == ' ')
                v++;
            const char *e = strstr(v, "\r\n");
            snprintf(auth, sizeof(auth), "%.*s", (int)(e - v), v);
            has_auth = true;
        }
    }
    while (n < hlen + clen) {
        if (poll(&pfd, 1, 5000) <= 0)
            goto out;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
        }
        ssize_t r = recv(fd, buf + n, cap - n, 0);
        if (r <= 0)
            goto out;
        n += (size_t)r;
    }
    buf[n] = '\0';
    char method[8] = "", target[1024] = "";
    if (sscanf(buf, "%7s %1023s", method, target) != 2)
        goto out;
    pthread_mutex_lock(&f->mu);
    serve(f, fd, method, target, has_auth ? auth : NULL, buf + hlen, clen);
    pthread_mutex_unlock(&f->mu);
out:
    free(buf);
}

static void *run(void *arg)
{
    struct fake_io *f = arg;
    while (!f->stop) {
        struct pollfd pfd = {.fd = f->fd, .events = POLLIN};
        if (poll(&pfd, 1, 50) <= 0)
            continue;
        int c = accept(f->fd, NULL, NULL);
        if (c < 0)
            continue;
        handle(f, c);
        close(c);
    }
    return NULL;
}

struct fake_io *fake_io_start(const char *token)
{
    struct fake_io *f = calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    snprintf(f->token, sizeof(f->token), "%s", token);
    f->page = 2;
    f->a = arena_new(1 << 20, 0);
    pthread_mutex_init(&f->mu, NULL);
    f->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof(sa);
    if (f->fd < 0 || bind(f->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        listen(f->fd, 16) != 0 || getsockname(f->fd, (struct sockaddr *)&sa, &sl) != 0) {
        if (f->fd >= 0)
            close(f->fd);
        arena_free(f->a);
        free(f);
        return NULL;
    }
    f->port = ntohs(sa.sin_port);
    snprintf(f->base, sizeof(f->base), "http://127.0.0.1:%d/v1", f->port);
    if (pthread_create(&f->th, NULL, run, f) != 0) {
        close(f->fd);
        arena_free(f->a);
        free(f);
        return NULL;
    }
    return f;
}

void fake_io_stop(struct fake_io *f)
{
    if (!f)
        return;
    f->stop = 1;
    pthread_join(f->th, NULL);
    close(f->fd);
    for (size_t i = 0; i < f->nitems; i++) {
        for (size_t k = 0; k < f->items[i].nsecrets; k++)
            free(f->items[i].secrets[k]);
        free(f->items[i].secrets);
    }
    free(f->items);
    clear_log(f);
    free(f->calls);
    for (size_t i = 0; i < f->nrules; i++) {
        free(f->rules[i].path);
        free(f->rules[i].body);
        free(f->rules[i].retry_after);
        free(f->rules[i].header);
    }
    free(f->rules);
    pthread_mutex_destroy(&f->mu);
    arena_free(f->a);
    free(f);
}

int fake_io_port(const struct fake_io *f)
{
    return f->port;
}

const char *fake_io_base(const struct fake_io *f)
{
    return f->base;
}

void fake_io_page_size(struct fake_io *f, size_t n)
{
    pthread_mutex_lock(&f->mu);
    f->page = n;
    pthread_mutex_unlock(&f->mu);
}

void fake_io_fail(struct fake_io *f, const char *method, const char *path, int times, int status,
                  const char *body, const char *retry_after)
{
    pthread_mutex_lock(&f->mu);
    f->rules = realloc(f->rules, (f->nrules + 1) * sizeof(*f->rules));
    struct rule *r = &f->rules[f->nrules++];
    memset(r, 0, sizeof(*r));
    snprintf(r->method, sizeof(r->method), "%s", method);
    r->path = strdup(path);
    r->times = times;
    r->status = status;
    r->body = body ? strdup(body) : NULL;
    r->retry_after = retry_after ? strdup(retry_after) : NULL;
    pthread_mutex_unlock(&f->mu);
}

void fake_io_answer(struct fake_io *f, const char *method, const char *path, int times, int status,
                    const char *body, const char *header)
{
    fake_io_fail(f, method, path, times, status, body, NULL);
    pthread_mutex_lock(&f->mu);
    f->rules[f->nrules - 1].header = strdup(header);
    pthread_mutex_unlock(&f->mu);
}

void fake_io_echo_auth(struct fake_io *f, int on)
{
    pthread_mutex_lock(&f->mu);
    f->echo_auth = on;
    pthread_mutex_unlock(&f->mu);
}

static bool call_matches(const struct call *c, const char *method, const char *prefix)
{
    return (!method || strcmp(c->method, method) == 0) &&
           (!prefix || strncmp(c->path, prefix, strlen(prefix)) == 0);
}

size_t fake_io_count(struct fake_io *f, const char *method, const char *prefix)
{
    pthread_mutex_lock(&f->mu);
    size_t n = 0;
    for (size_t i = 0; i < f->ncalls; i++)
        n += call_matches(&f->calls[i], method, prefix);
    pthread_mutex_unlock(&f->mu);
    return n;
}

char *fake_io_body(struct fake_io *f, const char *method, const char *prefix, size_t i)
{
    pthread_mutex_lock(&f->mu);
    char *out = NULL;
    for (size_t k = 0, n = 0; k < f->ncalls && !out; k++)
        if (call_matches(&f->calls[k], method, prefix) && n++ == i)
            out = strdup(f->calls[k].body);
    pthread_mutex_unlock(&f->mu);
    return out;
}

static void clear_log(struct fake_io *f)
{
    for (size_t i = 0; i < f->ncalls; i++) {
        free(f->calls[i].path);
        free(f->calls[i].body);
    }
    f->ncalls = 0;
}

void fake_io_clear_log(struct fake_io *f)
{
    pthread_mutex_lock(&f->mu);
    clear_log(f);
    pthread_mutex_unlock(&f->mu);
}

int fake_io_set_secret(struct fake_io *f, const char *type, const char *id, const char *path,
                       const char *value)
{
    pthread_mutex_lock(&f->mu);
    struct item *it = find(f, type, id, strlen(id));
    struct json_value **s = it ? path_slot(it->doc, path, true, f->a) : NULL;
    int rc = -1;
    if (s) {
        *s = json_new_string(f->a, value, strlen(value));
        bool known = false;
        for (size_t i = 0; i < it->nsecrets && !known; i++)
            known = strcmp(it->secrets[i], path) == 0;
        if (!known) {
            it->secrets = realloc(it->secrets, (it->nsecrets + 1) * sizeof(char *));
            it->secrets[it->nsecrets++] = strdup(path);
        }
        rc = 0;
    }
    pthread_mutex_unlock(&f->mu);
    return rc;
}

char *fake_io_get(struct fake_io *f, const char *type, const char *id, const char *path)
{
    pthread_mutex_lock(&f->mu);
    struct item *it = find(f, type, id, strlen(id));
    struct json_value **s = it ? path_slot(it->doc, path, false, f->a) : NULL;
    char *out = s && (*s)->type == JSON_STRING ? strdup((*s)->u.str) : NULL;
    pthread_mutex_unlock(&f->mu);
    return out;
}

size_t fake_io_size(struct fake_io *f, const char *type)
{
    pthread_mutex_lock(&f->mu);
    size_t n = 0;
    for (size_t i = 0; i < f->nitems; i++)
        n += strcmp(f->items[i].type, type) == 0;
    pthread_mutex_unlock(&f->mu);
    return n;
}
