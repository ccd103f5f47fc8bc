/* timing.c - clocks and statistics of the bench driver (timing.h). */
#define _GNU_SOURCE /* mallinfo2, clock_gettime */
#include "timing.h"

#include <malloc.h>
#include <math.h>
#include <stdlib.h>

#include "peers/peer.h"
#include "util.h"

/* Bytes the process's heap has handed out.  Peers are measured by the
 * growth of this number around create + insert (bench/README.md,
 * "Memory"): it counts every allocation a map makes, including malloc's
 * own per-allocation overhead, which is a real cost of per-item maps such
 * as uthash. */
size_t heap_in_use(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
#else
    struct mallinfo mi = mallinfo();
    return (size_t)(unsigned)mi.uordblks + (size_t)(unsigned)mi.hblkhd;
#endif
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of the finite values; NAN when there are none. */
double median(const double *v, unsigned count)
{
    double tmp[256];
    unsigned k = 0;
    for (unsigned i = 0; i < count && k < 256; i++)
        if (isfinite(v[i]))
            tmp[k++] = v[i];
    if (k == 0)
        return NAN;
    qsort(tmp, k, sizeof tmp[0], cmp_double);
    return k % 2 ? tmp[k / 2] : 0.5 * (tmp[k / 2 - 1] + tmp[k / 2]);
}

/* Median of the per-repetition ratios peer / ohm. */
double median_ratio(const double *peer, const double *base, unsigned count)
{
    double r[256];
    unsigned k = 0;
    for (unsigned i = 0; i < count && k < 256; i++)
        r[k++] = (isfinite(peer[i]) && isfinite(base[i]) && base[i] > 0) ? peer[i] / base[i] : NAN;
    return median(r, k);
}

int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* ns per bench_ticks() tick, measured against the monotonic clock. */
double ns_per_tick(void)
{
    if (BENCH_TICKS_ARE_NS)
        return 1.0;
    uint64_t n0 = now_ns(), k0 = bench_ticks();
    while (now_ns() - n0 < 100000000u) /* 0.1 s */
        ;
    uint64_t n1 = now_ns(), k1 = bench_ticks();
    return (double)(n1 - n0) / (double)(k1 - k0);
}

/* The clock's own cost (median ticks between two back-to-back reads; each
 * step's time includes one read, so it is subtracted) and its resolution
 * (the smallest non-zero difference). */
void clock_cost(uint64_t *cost, uint64_t *resolution)
{
    enum { READS = 10001 };
    uint64_t *d = xcalloc(READS, sizeof *d);
    uint64_t t = bench_ticks();
    for (int i = 0; i < READS; i++) {
        uint64_t u = bench_ticks();
        d[i] = u - t;
        t = u;
    }
    qsort(d, READS, sizeof d[0], cmp_u64);
    *cost = d[READS / 2];
    *resolution = 0;
    for (int i = 0; i < READS && *resolution == 0; i++)
        *resolution = d[i];
    uint64_t a = bench_ticks(), b;
    while ((b = bench_ticks()) == a)
        ;
    if (b - a < *resolution || *resolution == 0)
        *resolution = b - a;
    free(d);
}

/* Nearest-rank quantile q of `count` sorted values. */
uint64_t quantile(const uint64_t *sorted, size_t count, double q)
{
    size_t rank = (size_t)ceil(q * (double)count);
    if (rank < 1)
        rank = 1;
    if (rank > count)
        rank = count;
    return sorted[rank - 1];
}
