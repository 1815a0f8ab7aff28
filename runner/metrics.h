/* metrics.h — the front's counters, gauges and latency histograms, rendered in Prometheus text
 * format for GET /metrics.
 *
 * Owned by the front's loop thread (no locking). Label sets are bounded: only the functions of
 * the module set get a label (metrics_set_functions; a name a client made up counts as "other",
 * so it can neither grow memory nor take a real function's label), and at most METRICS_MAX_FNS of
 * them are tracked (later ones count as "other" too). */
#ifndef HS_METRICS_H
#define HS_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "restart.h"

#define METRICS_MAX_FNS 256

enum metrics_route {
    METRICS_ROUTE_FUNCTION = 0, /* POST /function */
    METRICS_ROUTE_HOOKS,        /* POST /v1/hooks/{function} */
    METRICS_ROUTE_HEALTH,       /* /, /healthCheck, /livez, /readyz */
    METRICS_ROUTE_ADMIN,        /* /openConnections, /stopServer, /metrics */
    METRICS_ROUTE_OTHER,        /* unknown paths */
    METRICS_ROUTE_COUNT
};

struct metrics;

struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);

/* One finished request: its route, status, duration and bytes. */
void metrics_request(struct metrics *m, enum metrics_route route, int status, double dur_ms,
                     uint64_t bytes_in, uint64_t bytes_out);
/* The function names that may get a label from now on (copied; a later call replaces the list,
 * labels already made stay). Before the first call every name may. 0, or -1 when out of memory
 * (the previous list then stays). */
int metrics_set_functions(struct metrics *m, const char *const *names, size_t n);
/* Latency of one function invocation (fn may be NULL: not counted). */
void metrics_function(struct metrics *m, const char *fn, double dur_ms);
void metrics_inflight_add(struct metrics *m, int delta);
void metrics_queue_depth(struct metrics *m, size_t depth);
void metrics_workers(struct metrics *m, size_t busy, size_t total);
/* One worker replaced, by cause; rendered as crash, timeout, memory (RESTART_MEMORY and
 * RESTART_RECYCLE) and reload. */
void metrics_worker_restart(struct metrics *m, enum restart_cause cause);
void metrics_connections(struct metrics *m, size_t open);

/* The front's own pressure: body memory held (--max-buffered-mb) and the connections whose body
 * reading is paused now, with the --max-connections limit; set before rendering. */
void metrics_front_state(struct metrics *m, size_t body_bytes, size_t body_paused,
                         size_t max_connections);
/* One more pause of a connection's body reading. */
void metrics_body_paused(struct metrics *m);
/* One more connection refused at --max-connections. */
void metrics_connection_refused(struct metrics *m);

/* Appends the Prometheus text exposition (version 0.0.4) to out. 0, or ERR_NOMEM. */
int metrics_render(const struct metrics *m, struct json_buf *out);

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

#endif
