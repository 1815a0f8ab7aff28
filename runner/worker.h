/* worker.h — the worker process: reads request frames, runs proto_handle(), writes responses.
 *
 * A worker is forked by the front (pool.c) after the modules are loaded, so it shares their code
 * and the registry. It runs one invocation at a time with plain blocking I/O on its end of a
 * socketpair, and exits when the front closes that end. Hook code runs only here, never in the
 * front. */
#ifndef HS_WORKER_H
#define HS_WORKER_H

#include "proto.h"

/* Serves frames on fd until end of file; returns the process exit code (0 on a clean end). */
int worker_main(int fd, const struct proto_config *cfg);

#endif
