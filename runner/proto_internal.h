/* proto_internal.h — the pieces of proto.c (POST /function) that proto_step.c (POST
 * /v1/hooks/{function}) reuses, and what proto.c, proto_body.c and proto_auth.c share: error
 * answers, body decoding, token checks. Not an interface for other modules. */
#ifndef HS_PROTO_INTERNAL_H
#define HS_PROTO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "proto.h"

/* {"errors":[{"code":code,"message":msg}]} with status (resp's body replaced). 0, or -1 when
 * out of memory. */
int proto_answer_code_first(struct proto_response *resp, struct arena *a, int status,
                            const char *code, const char *msg, size_t msglen);
/* proto_answer_code_first with a printf-style message (cut at 1 KB). */
int proto_answer_fmt(struct proto_response *resp, struct arena *a, int status, const char *code,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* 500 out_of_memory. 0, or -1 when even that cannot be built. */
int proto_answer_nomem(struct proto_response *resp, struct arena *a);

/* Decodes the body as proto_handle does (Content-Encoding gzip/deflate, charset utf-8/utf-16,
 * cfg->max_body, JSON strict mode: an object or an array) and parses it. json_required false:
 * body-parser's rules (a missing body or a non-JSON Content-Type reads as {}, an empty body as
 * {}). json_required true: a missing Content-Type reads as application/json, another type
 * answers 415 unsupported_media_type, an empty body 400 invalid_body. Returns the value, or NULL
 * with the answer written and *failed 1 (or -1 when not even that was possible). */
struct json_value *proto_body_read(const struct proto_config *cfg, const struct proto_request *req,
                                   struct proto_response *resp, struct arena *a, bool json_required,
                                   int *failed);

/* s without its leading and trailing spaces and tabs (HTTP's optional whitespace). */
struct strv proto_trim_ows(struct strv s);

/* True when the Content-Type ct makes body-parser read the body as JSON (media type
 * application/json, parameters well formed); charset gets its charset parameter (lowercased, ""
 * when absent; cssz bytes). */
bool proto_content_type_json(struct strv ct, char *charset, size_t cssz);

/* Whether a call carries a system token of cfg: the Authorization header alone when present, else
 * the body's access_token, else the query's (a scratches the decoding). */
bool proto_authorized(const struct proto_config *cfg, const struct proto_request *req,
                      const struct json_value *body, struct arena *a);

#endif
