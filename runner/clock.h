/* clock.h — time helpers shared by the front, the workers and the logs. */
#ifndef HS_CLOCK_H
#define HS_CLOCK_H

#include <stdint.h>

/* Monotonic time in nanoseconds (CLOCK_MONOTONIC), for durations and deadlines. */
uint64_t clock_mono_ns(void);

/* Wall-clock milliseconds since the epoch (CLOCK_REALTIME), for _reqId and log timestamps. */
uint64_t clock_wall_ms(void);

#endif
