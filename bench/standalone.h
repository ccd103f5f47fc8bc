/* standalone.h - what the one-file benchmarks bench/read.c and
 * bench/bulk.c share (the peer benchmark's driver has its own, timing.h):
 * a monotonic clock in nanoseconds, a seeded key generator, a shuffle, the
 * median of the per-repetition figures, and an aligned block (exits 1 when
 * there is no memory). Include after <stdio.h>, <stdlib.h>, <time.h> and
 * ohm.h, with _POSIX_C_SOURCE defined for clock_gettime. */
#ifndef OHM_BENCH_STANDALONE_H
#define OHM_BENCH_STANDALONE_H

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void shuffle(uint64_t *a, size_t n, uint64_t *s)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(splitmix(s) % i);
        uint64_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts v. */
static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* `size` bytes aligned to `align` (a power of two), rounded up to it. */
static void *aligned_block(size_t align, size_t size, const char *who)
{
    void *p = aligned_alloc(align, (size + align - 1) / align * align);
    if (!p) {
        fprintf(stderr, "%s: out of memory (%zu bytes)\n", who, size);
        exit(1);
    }
    return p;
}

#endif
