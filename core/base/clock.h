/* clock.h: the two clocks tocsin reads, in milliseconds. The wall clock
 * dates things (queue rows, time intervals, log lines); the monotonic clock
 * measures waits and deadlines, which a wall-clock jump must not move. */
#ifndef TOCSIN_CLOCK_H
#define TOCSIN_CLOCK_H

#include <stdint.h>

/* Unix time in milliseconds (CLOCK_REALTIME). */
int64_t	wall_ms(void);
/* Milliseconds since an arbitrary start (CLOCK_MONOTONIC). */
int64_t	mono_ms(void);

#endif
