/* front_route.c — the front's routes: which path is which route, the token checks of the
 * admin and /function routes, and the answers of the routes the front serves itself. */
#include "front_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "log.h"
#include "metrics.h"
#include "text.h"

static const struct {
    const char *path;
    enum route route;
    bool post; /* POST only, else GET (and HEAD) */
} routes[] = {
    {"/", ROUTE_ROOT, false},
    {"/healthCheck", ROUTE_HEALTH, false},
    {"/livez", ROUTE_LIVEZ, false},
    {"/readyz", ROUTE_READYZ, false},
    {"/openConnections", ROUTE_OPEN_CONNECTIONS, false},
    {"/stopServer", ROUTE_STOP_SERVER, false},
    {"/function", ROUTE_FUNCTION, true},
    {"/metrics", ROUTE_METRICS, false},
};

#define FRONT_HOOKS_PREFIX     "/v1/hooks/"
#define FRONT_HOOKS_PREFIX_LEN 10

/* The {function} segment of /v1/hooks/{function} (as received, one trailing slash dropped), or
 * p == NULL when path is not of that form. */
struct strv front_route_hooks_segment(struct strv path)
{
    struct strv seg = {NULL, 0};
    size_t len = path.len;
    if (len > FRONT_HOOKS_PREFIX_LEN + 1 && path.p[len - 1] == '/')
        len--;
    if (len <= FRONT_HOOKS_PREFIX_LEN ||
        strncasecmp(path.p, FRONT_HOOKS_PREFIX, FRONT_HOOKS_PREFIX_LEN) != 0 ||
        memchr(path.p + FRONT_HOOKS_PREFIX_LEN, '/', len - FRONT_HOOKS_PREFIX_LEN) != NULL)
        return seg;
    seg.p = path.p + FRONT_HOOKS_PREFIX_LEN;
    seg.len = len - FRONT_HOOKS_PREFIX_LEN;
    return seg;
}

/* The admin routes take the system token like POST /function: "Bearer T" in Authorization, or,
 * only without that header, access_token in the query. */
static bool conn_authorized(struct conn *c)
{
    struct strv auth = http_req_header(&c->req, HTTP_HDR_AUTHORIZATION);
    if (auth.p != NULL) {
        const char *tok;
        size_t tlen;
        return proto_bearer(auth, &tok, &tlen) &&
               proto_tokens_match((const char *const *)c->f->cfg->tokens, c->f->cfg->ntokens, tok,
                                  tlen);
    }
    struct strv path, query;
    http_url_split(http_req_url(&c->req), &path, &query);
    char tok[CONFIG_TOKEN_MAX + 1];
    int n = query.p ? http_query_param(query, "access_token", tok, sizeof(tok)) : -1;
    bool ok = n >= 0 && proto_tokens_match((const char *const *)c->f->cfg->tokens,
                                           c->f->cfg->ntokens, tok, (size_t)n);
    explicit_bzero(tok, sizeof(tok));
    return ok;
}

/* ---- requests ----------------------------------------------------------------------------- */

enum route front_route_find(struct strv path, bool *post)
{
    /* Like Express's defaults: case-insensitive, one trailing slash allowed. */
    size_t len = path.len;
    if (len > 1 && path.p[len - 1] == '/')
        len--;
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        size_t rl = strlen(routes[i].path);
        if (rl == len && strncasecmp(path.p, routes[i].path, rl) == 0) {
            *post = routes[i].post;
            return routes[i].route;
        }
    }
    if (front_route_hooks_segment(path).p != NULL) {
        *post = true;
        return ROUTE_HOOKS;
    }
    return ROUTE_NONE;
}

/* The token of a POST /function or /v1/hooks request, from its headers alone (proto.h): a
 * refused one is answered by the front before the body is read. */
enum proto_auth conn_token_check(struct conn *c, bool has_body)
{
    const struct proto_config *pcfg = c->f->pcfg;
    struct strv auth = http_req_header(&c->req, HTTP_HDR_AUTHORIZATION);
    if (c->route == ROUTE_HOOKS)
        return proto_step_authorized(pcfg, auth) ? PROTO_AUTH_OK : PROTO_AUTH_REFUSED;
    struct strv path, query;
    http_url_split(http_req_url(&c->req), &path, &query);
    struct proto_request pr = {
        .authorization = auth,
        .query = query,
        .content_type = http_req_header(&c->req, HTTP_HDR_CONTENT_TYPE),
    };
    return proto_auth_headers(pcfg, &pr, has_body);
}

void conn_handle(struct conn *c)
{
    struct front *f = c->f;
    conn_set_state(c, CS_PROCESSING);
    conn_inflight(c, true);
    conn_new_req_id(c);
    struct strv path, query;
    http_url_split(http_req_url(&c->req), &path, &query);
    if (c->early_status == 404) {
        size_t n = conn_error_body(
            c, "not_found", "Cannot %s %.*s", http_req_method(&c->req),
            (int)(path.len > FRONT_PATH_IN_MSG ? FRONT_PATH_IN_MSG : path.len), path.p);
        conn_send(c, 404, NULL, FRONT_CTYPE_JSON, c->small_body, n, NULL);
        return;
    }
    if (c->early_status == 405) {
        bool post = c->route == ROUTE_FUNCTION || c->route == ROUTE_HOOKS;
        size_t n = conn_error_body(
            c, "method_not_allowed", "Cannot %s %.*s", http_req_method(&c->req),
            (int)(path.len > FRONT_PATH_IN_MSG ? FRONT_PATH_IN_MSG : path.len), path.p);
        conn_send(c, 405, post ? "Allow: POST\r\n" : "Allow: GET, HEAD\r\n", FRONT_CTYPE_JSON,
                  c->small_body, n, NULL);
        return;
    }
    static const char success[] = "{\"success\":true}";
    static const char unauthorized[] =
        "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid system token.\"}]}";
    static const char www_auth[] = "WWW-Authenticate: invalid system token\r\n";
    if (c->early_status == 401 && c->route == ROUTE_HOOKS) {
        /* proto_handle_step's answer, byte for byte */
        static const char api_unauthorized[] =
            "{\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid API token.\"}]}";
        conn_send(c, 401, "WWW-Authenticate: Bearer realm=\"hookstack\"\r\n", FRONT_CTYPE_JSON,
                  api_unauthorized, sizeof(api_unauthorized) - 1, NULL);
        return;
    }
    if (c->early_status == 401) {
        /* proto_handle's answer, byte for byte */
        conn_send(c, 401, www_auth, FRONT_CTYPE_JSON, unauthorized, sizeof(unauthorized) - 1, NULL);
        return;
    }
    switch (c->route) {
    case ROUTE_ROOT:
    case ROUTE_HEALTH:
        conn_send(c, 200, NULL, FRONT_CTYPE_JSON, success, sizeof(success) - 1, NULL);
        return;
    case ROUTE_LIVEZ:
    case ROUTE_READYZ:
        if (f->terminating || f->draining)
            conn_send(c, 503, NULL, FRONT_CTYPE_TEXT, STRLIT("Service Unavailable"), NULL);
        else
            conn_send(c, 200, NULL, FRONT_CTYPE_TEXT, STRLIT("OK"), NULL);
        return;
    case ROUTE_OPEN_CONNECTIONS: {
        if (!conn_authorized(c)) {
            conn_send(c, 401, www_auth, FRONT_CTYPE_JSON, unauthorized, sizeof(unauthorized) - 1,
                      NULL);
            return;
        }
        char v[16];
        if (query.p != NULL && http_query_param(query, "terminate", v, sizeof(v)) >= 0 &&
            strcmp(v, "true") == 0 && !f->terminating) {
            f->terminating = true;
            log_msg(LOG_LEVEL_INFO, "terminating",
                    "terminate=true: /livez and /readyz now answer 503");
        }
        size_t n = (size_t)snprintf(c->small_body, sizeof(c->small_body), "%zu", f->nconns - 1);
        conn_send(c, 200, NULL, NULL, c->small_body, n, NULL);
        return;
    }
    case ROUTE_STOP_SERVER: {
        if (!conn_authorized(c)) {
            conn_send(c, 401, www_auth, FRONT_CTYPE_JSON, unauthorized, sizeof(unauthorized) - 1,
                      NULL);
            return;
        }
        size_t others = f->nconns - 1;
        if (others > 1) {
            size_t n = conn_error_body(c, "connections_still_open", "%zu connection(s) still open.",
                                       others);
            conn_send(c, 422, NULL, FRONT_CTYPE_JSON, c->small_body, n, NULL);
            return;
        }
        /* The drain begins before the answer, so the answer says Connection: close (or, with
         * requests pipelined behind it, those are answered first and the last one says it). */
        front_drain(f, "stopServer");
        conn_send(c, 200, NULL, NULL, STRLIT("preparing to shut down."), NULL);
        return;
    }
    case ROUTE_FUNCTION:
    case ROUTE_HOOKS:
        conn_dispatch(c);
        return;
    case ROUTE_METRICS: {
        /* The main port asks for the system token; --metrics-listen's address asks none (it
         * is meant for a private network or loopback). */
        if (!c->metrics_only && !conn_authorized(c)) {
            conn_send(c, 401, www_auth, FRONT_CTYPE_JSON, unauthorized, sizeof(unauthorized) - 1,
                      NULL);
            return;
        }
        metrics_queue_depth(f->metrics, pool_queue_len(&f->pool));
        metrics_workers(f->metrics, (size_t)pool_busy_count(&f->pool), (size_t)pool_size(&f->pool));
        metrics_connections(f->metrics, f->nconns);
        front_bp_refresh(f);
        metrics_front_state(f->metrics, front_bp_total(f), f->npaused, f->max_conns);
        struct json_buf b;
        json_buf_init(&b, 0);
        if (metrics_render(f->metrics, &b) != 0) {
            json_buf_free(&b);
            conn_send_error(c, 503, "Retry-After: 1\r\n", "server_busy", "Out of memory.");
            return;
        }
        c->owned = b.data; /* freed once written */
        conn_send(c, 200, NULL, METRICS_CONTENT_TYPE, b.data, b.len, NULL);
        return;
    }
    case ROUTE_NONE:
        break;
    }
    conn_send_error(c, 404, NULL, "not_found", "Not found.");
}
