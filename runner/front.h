/* front.h — the front: one libuv loop that owns every socket of `hookstack serve`.
 *
 * It listens, keeps HTTP/1.1 connections (keep-alive, pipelining answered in order, 1,000s of
 * idle ones), parses requests (http.c), answers the health and admin routes itself, hands every
 * POST /function to a worker process (pool.c) and writes the answer back with the interim
 * "102 Processing" when a call runs long. It enforces the limits (body 413, header block 431,
 * malformed 400, timeouts 408) and never runs hook or module code. SIGTERM/SIGINT or GET
 * /stopServer drain it: stop accepting, /readyz answers 503, finish every accepted request, end the
 * workers. */
#ifndef HS_FRONT_H
#define HS_FRONT_H

#include "config.h"
#include "modset.h"

struct front;
struct proto_config;

/* Binds and listens on cfg's host and port (cfg must outlive the front). On failure prints one
 * line on stderr ("hookstack serve: cannot listen on 127.0.0.1:8080: port 8080 is in use") and
 * returns NULL. Done before the modules are loaded, so a taken port fails fast and alone. */
struct front *front_open(const struct serve_config *cfg);

/* Forks the workers, which load the checked module set ms (taken over; modcheck.h) and serve with
 * pcfg's tokens and limits (its reg is ignored: each worker has its own), prints "listening on
 * HOST:PORT" on stdout once they are ready and serves until drained; SIGHUP checks and hands over
 * a new set. Frees f. Returns the process exit code: 0 after a drain, 1 when the workers cannot
 * start. */
int front_run(struct front *f, const struct proto_config *pcfg, struct modset *ms);

/* Releases a front that will not run. */
void front_close(struct front *f);

#endif
