/* restart.h — why a worker process was replaced: the one vocabulary of the pool, which decides it
 * (pool.h), and of the metrics, which count it (hookstack_worker_restarts_total{cause}). */
#ifndef HS_RESTART_H
#define HS_RESTART_H

enum restart_cause {
    RESTART_CRASH = 0, /* died by a signal or an exit */
    RESTART_TIMEOUT,   /* killed past its deadline */
    RESTART_MEMORY,    /* killed past the memory limit */
    RESTART_RECYCLE,   /* past the memory high-water mark after a call (counted as "memory") */
    RESTART_RELOAD,    /* replaced by a module reload */
    RESTART_COUNT
};

#endif
