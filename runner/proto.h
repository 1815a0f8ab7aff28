/* proto.h — integrator.io's server-stack protocol for POST /function, as a pure function.
 *
 * proto_handle() takes what the front read off the wire (a few headers, the query string and the
 * raw body) and produces the exact status, headers and body Celigo's reference server
 * (express-integrator-extension 0.3.2) would answer: body decoding (gzip/deflate, charset, JSON
 * strict mode), token rules, validation in the reference's order, framework 1.0/2.0 dispatch, the
 * function call through the SDK, result checks (serializable, kind contract, maxResponseSize in
 * UTF-16 units). It runs in a worker process, never on the front's loop; `hookstack invoke` calls
 * the same function, so local runs and served runs cannot drift apart.
 *
 * proto_handle_step() (proto_step.c) serves POST /v1/hooks/{function}: the same registered
 * functions for a flow step that calls the runner as a plain HTTP API (integrator.io's HTTP
 * connector), with its own API tokens and JSON errors (docs/internals/protocol.md). */
#ifndef HS_PROTO_H
#define HS_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "json.h"
#include "registry.h"
#include "text.h"

struct proto_config {
    const struct registry *reg;
    const char *const *tokens; /* accepted system tokens (rotation); compared in constant time */
    size_t ntokens;
    size_t max_body;             /* bytes after inflating; default 50 MB */
    double default_max_response; /* 5242880 */
    /* API tokens of the HTTP-step endpoint (proto_handle_step), separate from the system tokens
     * above; none: every step request answers 401. Compared in constant time. */
    const char *const *api_tokens;
    size_t napi_tokens;
};

struct proto_request {
    struct strv authorization;    /* Authorization header */
    struct strv query;            /* raw query string, without '?' */
    struct strv content_type;     /* Content-Type header */
    struct strv content_encoding; /* Content-Encoding header */
    struct strv trace_id;         /* traceid header (matched case-insensitively by the front) */
    struct strv req_id;           /* _reqId made by the front: ms timestamp + 4 base36 chars */
    struct strv body;             /* raw body bytes as received (chunked already joined) */
    /* POST /v1/hooks/{function}: the raw path segment naming the function (as received,
     * percent-encoded, no trailing slash); p == NULL for POST /function. The worker calls
     * proto_handle_step when it is present; proto_handle ignores it. */
    struct strv step_function;
};

enum proto_resp_flags {
    PROTO_RESP_WWW_AUTHENTICATE = 1u << 0, /* add "WWW-Authenticate: invalid system token" */
    /* add "WWW-Authenticate: Bearer realm=\"hookstack\"" (a 401 of proto_handle_step) */
    PROTO_RESP_WWW_AUTHENTICATE_BEARER = 1u << 1,
};

struct proto_response {
    int status;               /* 200, 400, 401, 404 (step), 413, 415, 422, 500 */
    unsigned flags;           /* enum proto_resp_flags */
    const char *content_type; /* static string, e.g. "application/json; charset=utf-8" */
    struct json_buf body;     /* exact response body (may be empty); malloc-owned */
    struct json_buf log;      /* the hook's log lines, "level message\n" each, secrets redacted */
    /* For the request's log line (arena strings or NULL): what was called, and the ids. */
    const char *function, *type, *connector_id, *integration_id, *flow_id, *export_id, *import_id,
        *connection_id;
};

void proto_response_init(struct proto_response *r);
void proto_response_free(struct proto_response *r);

/* Handles one POST /function request. Memory for the parsed request and the invocation comes from
 * a (reset by the caller afterwards); the response body is malloc-owned by resp. Returns 0, or -1
 * only when no answer could be built at all (out of memory even for an error body). */
int proto_handle(const struct proto_config *cfg, const struct proto_request *req,
                 struct proto_response *resp, struct arena *a);

/* Handles one POST /v1/hooks/{function} request, the HTTP-step endpoint. fn_name is the raw path
 * segment after "/v1/hooks/" (percent-encoded as received, no trailing slash). Only
 * "Authorization: Bearer <token>" with one of cfg->api_tokens is accepted. The body is a JSON
 * array of records or {"data": [...], "settings": {...}, ...}; the function is a DIY function
 * found by name (top level first, then its group). Answers 200 with the kind's result (see
 * include/hookstack.h), or {"errors":[{"code":...,"message":...}]} with 401 (token), 404 (no
 * such function), 400 (body not JSON or of another shape), 413/415 (size, media type, charset,
 * encoding), 422 (the function failed, its result broke its kind's contract, or its kind is not
 * served over HTTP), 500 (out of memory). Same memory rules and return value as proto_handle. */
int proto_handle_step(const struct proto_config *cfg, struct strv fn_name,
                      const struct proto_request *req, struct proto_response *resp,
                      struct arena *a);

/* The token rules, shared with the front's admin routes. */
/* The token of an Authorization header "Bearer <token>" (scheme in any case, exactly two parts
 * separated by one space, surrounding white space ignored): true with *t, *tlen pointing into
 * the header; false when the header is absent or of another form. */
bool proto_bearer(struct strv authorization, const char **t, size_t *tlen);
/* True when t equals one of the (non-empty) tokens; each comparison takes constant time. */
bool proto_tokens_match(const char *const *tokens, size_t ntokens, const char *t, size_t tlen);

/* What the headers alone say about the system token of a POST /function request (req's
 * authorization, query and content_type; has_body: a Content-Length above 0 or chunked), so the
 * front can answer a request that will be refused before reading its body:
 *  - PROTO_AUTH_OK: the Authorization header's token, or without that header the query's
 *    access_token, is a system token (a body access_token still wins over the query's:
 *    proto_handle decides);
 *  - PROTO_AUTH_BODY: no Authorization header and no matching query token, but the body will be
 *    read as JSON (body-parser's rule) and may carry access_token;
 *  - PROTO_AUTH_REFUSED: proto_handle answers 401 whatever the body holds (after any 400/415 the
 *    body itself would cause: the front answers 401 first, a documented deviation). */
enum proto_auth { PROTO_AUTH_OK = 0, PROTO_AUTH_BODY, PROTO_AUTH_REFUSED };
enum proto_auth proto_auth_headers(const struct proto_config *cfg, const struct proto_request *req,
                                   bool has_body);
/* The token rule of POST /v1/hooks/{function}: "Bearer <token>" with one of cfg->api_tokens. */
bool proto_step_authorized(const struct proto_config *cfg, struct strv authorization);

#endif
