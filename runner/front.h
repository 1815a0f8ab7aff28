/* front.h — the front: one libuv loop that owns every socket of `hookstack serve`.
 *
 * It listens, keeps HTTP/1.1 connections (keep-alive, pipelining answered in order, 1,000s of
 * idle ones), parses requests (http.c), answers the health and admin routes itself, hands every
 * POST /function to a worker process (pool.c) and writes the answer back with the interim
 * "102 Processing" when a call runs long. It enforces the limits (body 413, header block 431,
 * malformed 400, timeouts 408) and never runs hook code. SIGTERM/SIGINT or GET /stopServer drain
 * it: stop accepting, /readyz answers 503, finish every accepted request, end the workers. */
#ifndef HS_FRONT_H
#define HS_FRONT_H

#include "config.h"
#include "proto.h"

/* Runs the server until it is drained. pcfg is what the workers hand to proto_handle() (they
 * inherit it across fork). Prints "listening on HOST:PORT" on stdout once it accepts. Returns the
 * process exit code: 0 after a drain, 1 when it cannot start (one line on stderr). */
int front_run(const struct serve_config *cfg, const struct proto_config *pcfg);

#endif
