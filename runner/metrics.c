/* metrics.c — counters and histograms for GET /metrics, Prometheus text format (see metrics.h). */
#include "metrics.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Latency buckets in milliseconds (upper bounds); +Inf is implicit. */
static const double buckets_ms[] = {1,   2.5,  5,    10,   25,    50,    100,   250,
                                    500, 1000, 2500, 5000, 10000, 30000, 60000, 300000};
#define NBUCKETS (sizeof(buckets_ms) / sizeof(buckets_ms[0]))

/* Status classes tracked per route: each exact status seen, up to a bound. */
#define MAX_STATUSES 24

struct status_count {
    int status;
    uint64_t count;
};

struct histogram {
    uint64_t counts[NBUCKETS + 1];
    uint64_t total;
    double sum_ms;
};

struct fn_stats {
    char *name;
    struct histogram h;
};

struct metrics {
    struct status_count statuses[METRICS_ROUTE_COUNT][MAX_STATUSES];
    uint64_t other_status[METRICS_ROUTE_COUNT];
    struct histogram request_latency;
    uint64_t bytes_in, bytes_out;
    struct fn_stats fns[METRICS_MAX_FNS];
    size_t nfns;
    /* The names that may get a label, sorted (known_set false: any name may). */
    char **known;
    size_t nknown;
    bool known_set;
    struct histogram other_fn;
    long inflight;
    size_t queue_depth;
    size_t workers_busy, workers_total;
    size_t connections;
    uint64_t restarts[RESTART_COUNT];
    /* the front's pressure (metrics_front_state and the two counters after it) */
    size_t body_bytes, body_paused, max_connections;
    uint64_t body_pauses, connections_refused;
};

static const char *const route_names[METRICS_ROUTE_COUNT] = {"function", "hooks", "health", "admin",
                                                             "other"};
/* The causes' labels, in the order rendered (a recycled worker counts as "memory"). */
static const struct {
    const char *label;
    enum restart_cause cause, also;
} restart_labels[] = {
    {"crash", RESTART_CRASH, RESTART_CRASH},
    {"timeout", RESTART_TIMEOUT, RESTART_TIMEOUT},
    {"memory", RESTART_MEMORY, RESTART_RECYCLE},
    {"reload", RESTART_RELOAD, RESTART_RELOAD},
};

struct metrics *metrics_new(void)
{
    return calloc(1, sizeof(struct metrics));
}

void metrics_free(struct metrics *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->nfns; i++)
        free(m->fns[i].name);
    for (size_t i = 0; i < m->nknown; i++)
        free(m->known[i]);
    free(m->known);
    free(m);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int metrics_set_functions(struct metrics *m, const char *const *names, size_t n)
{
    char **known = calloc(n ? n : 1, sizeof(*known));
    if (known == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        known[i] = strdup(names[i]);
        if (known[i] == NULL) {
            for (size_t k = 0; k < i; k++)
                free(known[k]);
            free(known);
            return -1;
        }
    }
    qsort(known, n, sizeof(*known), name_cmp);
    for (size_t i = 0; i < m->nknown; i++)
        free(m->known[i]);
    free(m->known);
    m->known = known;
    m->nknown = n;
    m->known_set = true;
    return 0;
}

static bool known_function(const struct metrics *m, const char *fn)
{
    return !m->known_set || bsearch(&fn, m->known, m->nknown, sizeof(*m->known), name_cmp) != NULL;
}

static void observe(struct histogram *h, double ms)
{
    size_t i = 0;
    while (i < NBUCKETS && ms > buckets_ms[i])
        i++;
    h->counts[i]++;
    h->total++;
    h->sum_ms += ms;
}

void metrics_request(struct metrics *m, enum metrics_route route, int status, double dur_ms,
                     uint64_t bytes_in, uint64_t bytes_out)
{
    if ((unsigned)route >= METRICS_ROUTE_COUNT)
        route = METRICS_ROUTE_OTHER;
    struct status_count *sc = m->statuses[route];
    size_t i = 0;
    for (; i < MAX_STATUSES && sc[i].status != 0; i++) {
        if (sc[i].status == status)
            break;
    }
    if (i < MAX_STATUSES) {
        sc[i].status = status;
        sc[i].count++;
    } else {
        m->other_status[route]++;
    }
    observe(&m->request_latency, dur_ms);
    m->bytes_in += bytes_in;
    m->bytes_out += bytes_out;
}

void metrics_function(struct metrics *m, const char *fn, double dur_ms)
{
    if (fn == NULL)
        return;
    for (size_t i = 0; i < m->nfns; i++) {
        if (strcmp(m->fns[i].name, fn) == 0) {
            observe(&m->fns[i].h, dur_ms);
            return;
        }
    }
    if (m->nfns < METRICS_MAX_FNS && known_function(m, fn)) {
        char *name = strdup(fn);
        if (name != NULL) {
            m->fns[m->nfns].name = name;
            memset(&m->fns[m->nfns].h, 0, sizeof(struct histogram));
            observe(&m->fns[m->nfns].h, dur_ms);
            m->nfns++;
            return;
        }
    }
    observe(&m->other_fn, dur_ms);
}

void metrics_inflight_add(struct metrics *m, int delta)
{
    m->inflight += delta;
}

void metrics_queue_depth(struct metrics *m, size_t depth)
{
    m->queue_depth = depth;
}

void metrics_workers(struct metrics *m, size_t busy, size_t total)
{
    m->workers_busy = busy;
    m->workers_total = total;
}

void metrics_worker_restart(struct metrics *m, enum restart_cause cause)
{
    if ((unsigned)cause < RESTART_COUNT)
        m->restarts[cause]++;
}

void metrics_connections(struct metrics *m, size_t open)
{
    m->connections = open;
}

void metrics_front_state(struct metrics *m, size_t body_bytes, size_t body_paused,
                         size_t max_connections)
{
    m->body_bytes = body_bytes;
    m->body_paused = body_paused;
    m->max_connections = max_connections;
}

void metrics_body_paused(struct metrics *m)
{
    m->body_pauses++;
}

void metrics_connection_refused(struct metrics *m)
{
    m->connections_refused++;
}

/* ---- rendering ----------------------------------------------------------------------------- */

struct out {
    struct json_buf *b;
    int rc;
};

__attribute__((format(printf, 2, 3))) static void emit(struct out *o, const char *fmt, ...)
{
    if (o->rc != 0)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(line))
        n = sizeof(line) - 1;
    o->rc = json_buf_append(o->b, line, (size_t)n);
}

/* A label value: escape backslash, quote and newline as the exposition format requires. */
static void label_value(const char *in, char *out, size_t outlen)
{
    size_t j = 0;
    for (size_t i = 0; in[i] != '\0' && j + 3 < outlen; i++) {
        char c = in[i];
        if (c == '\\' || c == '"') {
            out[j++] = '\\';
            out[j++] = c;
        } else if (c == '\n') {
            out[j++] = '\\';
            out[j++] = 'n';
        } else {
            out[j++] = c;
        }
    }
    out[j] = '\0';
}

static void emit_histogram(struct out *o, const char *name, const char *labels,
                           const struct histogram *h)
{
    uint64_t cum = 0;
    const char *sep = labels[0] ? "," : "";
    for (size_t i = 0; i < NBUCKETS; i++) {
        cum += h->counts[i];
        emit(o, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels, sep, buckets_ms[i] / 1000.0,
             (unsigned long long)cum);
    }
    cum += h->counts[NBUCKETS];
    emit(o, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, sep, (unsigned long long)cum);
    if (labels[0]) {
        emit(o, "%s_sum{%s} %.6f\n", name, labels, h->sum_ms / 1000.0);
        emit(o, "%s_count{%s} %llu\n", name, labels, (unsigned long long)h->total);
    } else {
        emit(o, "%s_sum %.6f\n", name, h->sum_ms / 1000.0);
        emit(o, "%s_count %llu\n", name, (unsigned long long)h->total);
    }
}

int metrics_render(const struct metrics *m, struct json_buf *b)
{
    struct out o = {.b = b, .rc = 0};
    emit(&o, "# HELP hookstack_requests_total HTTP requests answered, by route and status.\n");
    emit(&o, "# TYPE hookstack_requests_total counter\n");
    for (int r = 0; r < METRICS_ROUTE_COUNT; r++) {
        for (size_t i = 0; i < MAX_STATUSES && m->statuses[r][i].status != 0; i++)
            emit(&o, "hookstack_requests_total{route=\"%s\",status=\"%d\"} %llu\n", route_names[r],
                 m->statuses[r][i].status, (unsigned long long)m->statuses[r][i].count);
        if (m->other_status[r])
            emit(&o, "hookstack_requests_total{route=\"%s\",status=\"other\"} %llu\n",
                 route_names[r], (unsigned long long)m->other_status[r]);
    }
    emit(&o, "# HELP hookstack_request_duration_seconds Time from request to response.\n");
    emit(&o, "# TYPE hookstack_request_duration_seconds histogram\n");
    emit_histogram(&o, "hookstack_request_duration_seconds", "", &m->request_latency);

    emit(&o, "# HELP hookstack_function_duration_seconds Invocation time per function.\n");
    emit(&o, "# TYPE hookstack_function_duration_seconds histogram\n");
    for (size_t i = 0; i < m->nfns; i++) {
        char v[300], labels[320];
        label_value(m->fns[i].name, v, sizeof(v));
        snprintf(labels, sizeof(labels), "function=\"%s\"", v);
        emit_histogram(&o, "hookstack_function_duration_seconds", labels, &m->fns[i].h);
    }
    if (m->other_fn.total)
        emit_histogram(&o, "hookstack_function_duration_seconds", "function=\"other\"",
                       &m->other_fn);

    emit(&o, "# HELP hookstack_bytes_received_total Request bytes read (headers and body).\n");
    emit(&o, "# TYPE hookstack_bytes_received_total counter\n");
    emit(&o, "hookstack_bytes_received_total %llu\n", (unsigned long long)m->bytes_in);
    emit(&o, "# HELP hookstack_bytes_sent_total Response bytes written.\n");
    emit(&o, "# TYPE hookstack_bytes_sent_total counter\n");
    emit(&o, "hookstack_bytes_sent_total %llu\n", (unsigned long long)m->bytes_out);
    emit(&o, "# HELP hookstack_inflight_requests Requests accepted and not yet answered.\n");
    emit(&o, "# TYPE hookstack_inflight_requests gauge\n");
    emit(&o, "hookstack_inflight_requests %ld\n", m->inflight);
    emit(&o, "# HELP hookstack_queue_depth Invocations waiting for a free worker.\n");
    emit(&o, "# TYPE hookstack_queue_depth gauge\n");
    emit(&o, "hookstack_queue_depth %zu\n", m->queue_depth);
    emit(&o, "# HELP hookstack_workers Worker processes, by state.\n");
    emit(&o, "# TYPE hookstack_workers gauge\n");
    emit(&o, "hookstack_workers{state=\"busy\"} %zu\n", m->workers_busy);
    emit(&o, "hookstack_workers{state=\"idle\"} %zu\n",
         m->workers_total >= m->workers_busy ? m->workers_total - m->workers_busy : 0);
    emit(&o, "# HELP hookstack_worker_restarts_total Worker processes replaced, by cause.\n");
    emit(&o, "# TYPE hookstack_worker_restarts_total counter\n");
    for (size_t i = 0; i < sizeof(restart_labels) / sizeof(restart_labels[0]); i++) {
        uint64_t n = m->restarts[restart_labels[i].cause];
        if (restart_labels[i].also != restart_labels[i].cause)
            n += m->restarts[restart_labels[i].also];
        emit(&o, "hookstack_worker_restarts_total{cause=\"%s\"} %llu\n", restart_labels[i].label,
             (unsigned long long)n);
    }
    emit(&o, "# HELP hookstack_open_connections Client connections open now.\n");
    emit(&o, "# TYPE hookstack_open_connections gauge\n");
    emit(&o, "hookstack_open_connections %zu\n", m->connections);
    emit(&o, "# HELP hookstack_max_connections Client connections served at once "
             "(--max-connections).\n");
    emit(&o, "# TYPE hookstack_max_connections gauge\n");
    emit(&o, "hookstack_max_connections %zu\n", m->max_connections);
    emit(&o, "# HELP hookstack_connections_refused_total Connections answered 503 and closed at "
             "--max-connections.\n");
    emit(&o, "# TYPE hookstack_connections_refused_total counter\n");
    emit(&o, "hookstack_connections_refused_total %llu\n",
         (unsigned long long)m->connections_refused);
    emit(&o, "# HELP hookstack_body_buffered_bytes Request body bytes held for requests no worker "
             "has taken yet.\n");
    emit(&o, "# TYPE hookstack_body_buffered_bytes gauge\n");
    emit(&o, "hookstack_body_buffered_bytes %zu\n", m->body_bytes);
    emit(&o, "# HELP hookstack_body_reads_paused Connections whose body reading waits for memory "
             "(--max-buffered-mb).\n");
    emit(&o, "# TYPE hookstack_body_reads_paused gauge\n");
    emit(&o, "hookstack_body_reads_paused %zu\n", m->body_paused);
    emit(&o, "# HELP hookstack_body_pauses_total Times a body's reading was paused for memory.\n");
    emit(&o, "# TYPE hookstack_body_pauses_total counter\n");
    emit(&o, "hookstack_body_pauses_total %llu\n", (unsigned long long)m->body_pauses);
    return o.rc;
}
