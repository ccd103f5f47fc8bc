/* timing.h - clocks and the statistics of what they measure: the monotonic
 * clock of the timed regions, the heap counter of the memory row, the
 * per-call tick clock's calibration (peers/peer.h has bench_ticks()), and
 * medians, ratios and quantiles over repetitions. */
#ifndef BENCH_TIMING_H
#define BENCH_TIMING_H

#include <stddef.h>
#include <stdint.h>
#include <time.h> /* clock_gettime: the file that includes this defines _GNU_SOURCE */

/* The clock of every timed region; inline, as it was when the driver was
 * one file, so a region's two reads cost what they did. */
static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Bytes the process's heap has handed out (timing.c says how it is used). */
size_t heap_in_use(void);

/* Median of the finite values; NAN when there are none. */
double median(const double *v, unsigned count);
/* Median of the per-repetition ratios peer / ohm. */
double median_ratio(const double *peer, const double *base, unsigned count);

/* qsort's comparison of uint64_t values. */
int cmp_u64(const void *a, const void *b);
/* ns per bench_ticks() tick, measured against the monotonic clock. */
double ns_per_tick(void);
/* The tick clock's own cost and its resolution, in ticks. */
void clock_cost(uint64_t *cost, uint64_t *resolution);
/* Nearest-rank quantile q of `count` sorted values. */
uint64_t quantile(const uint64_t *sorted, size_t count, double q);

#endif /* BENCH_TIMING_H */
