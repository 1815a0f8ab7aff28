/* harness_io.h — a fake integrator.io REST API for the tests of `hookstack flows push|pull|diff`
 * (docs/flows.md): a blocking HTTP/1.1 server on a loopback port in a thread of the test, keeping
 * resources in memory. It speaks what the real API does for those commands: bearer-token auth
 * (401 otherwise), GET/POST /v1/TYPE, GET/PUT /v1/TYPE/ID, GET /v1/integrations/ID/TYPE (the
 * registered connections; the exports, imports and flows whose _integrationId is ID), lists cut
 * into pages joined by Link rel="next", 404 and 422 with the {"errors": [...]} shape, and
 * integrator.io's masking: a value marked secret reads as "******", and a PUT that sends "******"
 * there keeps the stored value. It records every call and can be told to answer a given call
 * with a given status. */
#ifndef HS_TEST_HARNESS_IO_H
#define HS_TEST_HARNESS_IO_H

#include <stddef.h>

struct fake_io;

/* Starts the server on 127.0.0.1 (a free port) accepting "Bearer token". NULL on failure. */
struct fake_io *fake_io_start(const char *token);
void fake_io_stop(struct fake_io *f);
int fake_io_port(const struct fake_io *f);
/* "http://127.0.0.1:PORT/v1" */
const char *fake_io_base(const struct fake_io *f);

/* Items per list page (default 2). */
void fake_io_page_size(struct fake_io *f, size_t n);
/* The next `times` calls of method whose path (after /v1, query excluded) equals path (or, with a
 * trailing '*', starts with it) are answered status with body (NULL: an errors array naming the
 * status) and, when retry_after is non-NULL, that Retry-After header. */
void fake_io_fail(struct fake_io *f, const char *method, const char *path, int times, int status,
                  const char *body, const char *retry_after);
/* Like fake_io_fail, with header (a whole "Name: value" line without CRLF) in the answer. */
void fake_io_answer(struct fake_io *f, const char *method, const char *path, int times, int status,
                    const char *body, const char *header);
/* When on, a 401 answer's message echoes the Authorization header it got (a hostile server). */
void fake_io_echo_auth(struct fake_io *f, int on);

/* Calls seen so far whose method matches (NULL: any) and whose path starts with prefix (NULL:
 * any). */
size_t fake_io_count(struct fake_io *f, const char *method, const char *prefix);
/* The body of the i-th call matching like fake_io_count (a copy to free), or NULL. */
char *fake_io_body(struct fake_io *f, const char *method, const char *prefix, size_t i);
/* Forgets the recorded calls. */
void fake_io_clear_log(struct fake_io *f);

/* Sets the stored value at the dotted path of resource TYPE/ID to the string value and marks it
 * secret (as a user typing a password in the UI). 0, or -1 when there is no such resource. */
int fake_io_set_secret(struct fake_io *f, const char *type, const char *id, const char *path,
                       const char *value);
/* The stored (unmasked) string at the dotted path of TYPE/ID, a copy to free, or NULL. */
char *fake_io_get(struct fake_io *f, const char *type, const char *id, const char *path);
/* Resources of TYPE stored. */
size_t fake_io_size(struct fake_io *f, const char *type);

#endif
