/* flows_api.h — integrator.io's REST API as `hookstack flows push|pull|diff` use it
 * (docs/flows.md, "Talking to integrator.io"): bearer-token calls through libcurl with bounded
 * retries on 429 and 5xx, list calls that follow `Link: rel="next"`, and the parsing of what the
 * API answers (untrusted: tests/fuzz/fuzz_flows_api.c). The token is sent only in the
 * Authorization header and never appears in any text this module returns. */
#ifndef HS_FLOWS_API_H
#define HS_FLOWS_API_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "json.h"

#define FLOWS_API_TOKEN_ENV   "HOOKSTACK_API_TOKEN"
#define FLOWS_API_URL_ENV     "HOOKSTACK_API_URL"
#define FLOWS_API_BACKOFF_ENV "HOOKSTACK_API_BACKOFF_MS"
#define FLOWS_API_US          "https://api.integrator.io/v1"
#define FLOWS_API_EU          "https://api.eu.integrator.io/v1"
#define FLOWS_API_ATTEMPTS    5u          /* calls per request, the first included */
#define FLOWS_API_MAX_BODY    (64u << 20) /* bytes of one response */
#define FLOWS_API_MAX_PAGES   10000u      /* pages of one list */

struct flows_api {
    const char *base;           /* "https://api.integrator.io/v1", no trailing '/' */
    const char *token;          /* bearer token */
    unsigned backoff_ms;        /* first retry delay without Retry-After; doubles per retry */
    unsigned attempts;          /* FLOWS_API_ATTEMPTS unless set */
    unsigned retry_after_max_s; /* Retry-After is honoured up to this many seconds (60) */
    void *curl;                 /* one easy handle reused (connection kept alive) */
    unsigned long calls;        /* HTTP requests made, retries included */
};

/* One answer: the status (0 when no answer came), its body, and the next page's URL. */
struct flows_api_resp {
    long status;
    struct json_buf body;
    char next[2048]; /* Link rel="next" target, "" when none */
    char retry_after[32];
    char err[512]; /* transport failure, "" otherwise */
};

/* Sets up api for base and token (both kept as pointers). 0, or -1 when curl cannot start. */
int flows_api_init(struct flows_api *api, const char *base, const char *token);
void flows_api_cleanup(struct flows_api *api);

/* METHOD base+path (or, for a path starting with "http", that URL: it must start with base)
 * with body (JSON, may be NULL). Retries 429 always and 5xx for GET and PUT (a POST is not
 * repeated after a 5xx: it may have created the resource), waiting Retry-After (capped) or the
 * backoff. resp is initialized here; free it with flows_api_resp_free. 0 when an HTTP answer came
 * (any status), -1 otherwise (resp->err says why). */
int flows_api_call(struct flows_api *api, const char *method, const char *path, const char *body,
                   size_t body_len, struct flows_api_resp *resp);
void flows_api_resp_free(struct flows_api_resp *resp);

/* GETs path and every page its Link rel="next" chain names; appends every item of the JSON
 * arrays to out (an array in a). 0, or -1 with err (one line naming the URL) filled; *status gets
 * the failing call's status (0 for transport or parse failures). */
int flows_api_list(struct flows_api *api, struct arena *a, const char *path, struct json_value *out,
                   long *status, char *err, size_t errlen);

/* The target of the rel="next" link in the n bytes of a Link header value, into out (cap bytes,
 * NUL-terminated). 1 found, 0 none (or too long, or not a URL). */
int flows_api_link_next(const char *v, size_t n, char *out, size_t cap);

/* A one-line description of an error answer of status with body: "401 Unauthorized: message",
 * the 422 errors array as "field: message (code)" items joined by "; ". Control characters are
 * replaced and the text is cut to fit cap. */
void flows_api_error_text(long status, const char *body, size_t len, char *out, size_t cap);

/* Replaces every occurrence of secret (when non-empty) in the NUL-terminated s by "[redacted]",
 * in place within cap bytes. */
void flows_api_redact(char *s, size_t cap, const char *secret);

/* Parses a response body as a JSON value (flows_parse_opts), or NULL. */
struct json_value *flows_api_parse(struct arena *a, const char *body, size_t len);

#endif
