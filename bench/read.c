/* read.c - what the lock-free reads and recovery cost (docs/PERFORMANCE.md,
 * "Shared blocks").
 *
 *   1. N_read against N_get with no writer: u64 -> u64, capacity 4096 and
 *      2^20, loads 0.5 and 0.875, hits (the present keys in another random
 *      order) and misses (absent keys). The two loops run alternately on
 *      the same map and keys, `reps` times; the median of the per-repetition
 *      ratios is reported, so a slow moment of the machine hits both.
 *   2. N_recover and N_check of a 2^24-slot map at load 0.875 (the median
 *      of three runs each; --recover-log2=K for another size).
 *
 * Every lookup's answer is checked (sums of the values found, counts of
 * hits); a wrong answer exits 1.
 *
 * Usage: bench-read [--reps=N] [--recover-log2=K]   (make bench-read)
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ohm.h"

/* Laid out for exactly C slots and filled to a load of C, as the
 * workload of bench/README.md: every slot may be filled. */
#define OHM_NAME rb
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#include "standalone.h"

static void *block_for(ohm_layout l) { return aligned_block(rb_base_align(), l.total_size, "bench-read"); }

/* ns per lookup of one pass; *sum gets the values found, *hits the count. */
static double pass_get(const rb *m, const uint64_t *keys, size_t n, uint64_t *sum, size_t *hits)
{
    uint64_t s = 0;
    size_t h = 0;
    double t0 = now_ns();
    for (size_t i = 0; i < n; i++) {
        const uint64_t *v = rb_get((rb *)(uintptr_t)m, keys[i]);
        if (v) {
            s += *v;
            h++;
        }
    }
    double t = now_ns() - t0;
    *sum = s;
    *hits = h;
    return t / (double)n;
}

static double pass_read(const rb *m, const uint64_t *keys, size_t n, uint64_t *sum, size_t *hits)
{
    uint64_t s = 0;
    size_t h = 0;
    double t0 = now_ns();
    for (size_t i = 0; i < n; i++) {
        uint64_t v;
        ohm_status st = rb_read(m, keys[i], &v);
        if (st == OHM_FOUND) {
            s += v;
            h++;
        } else if (st != OHM_ABSENT) {
            fprintf(stderr, "bench-read: N_read answered %s with no writer\n", ohm_strerror(st));
            exit(1);
        }
    }
    double t = now_ns() - t0;
    *sum = s;
    *hits = h;
    return t / (double)n;
}

static void lookup_cell(uint32_t cap, double load, int reps, uint64_t *seed)
{
    size_t n = (size_t)(load * cap);
    size_t passes = n < 65536 ? (65536 + n - 1) / n : 1; /* at least 64k lookups a timed region */
    ohm_layout l = rb_layout_for_capacity(cap);
    rb *m = rb_init(block_for(l), l);
    uint64_t *hit = malloc(n * passes * sizeof *hit), *miss = malloc(n * passes * sizeof *miss);
    if (!m || !hit || !miss) exit(1);
    uint64_t want = 0;
    for (size_t i = 0; i < n; i++) {
        do hit[i] = splitmix(seed) | 1; /* present keys are odd, absent ones even */
        while (rb_contains(m, hit[i]));
        if (rb_put(m, hit[i], i) != OHM_OK) exit(1);
        want += i;
    }
    for (size_t p = 1; p < passes; p++) memcpy(hit + p * n, hit, n * sizeof *hit);
    for (size_t i = 0; i < n * passes; i++) miss[i] = splitmix(seed) & ~(uint64_t)1;
    shuffle(hit, n * passes, seed);

    double *r_hit = malloc((size_t)reps * sizeof(double)), *r_miss = malloc((size_t)reps * sizeof(double));
    double *g_hit = malloc((size_t)reps * sizeof(double)), *g_miss = malloc((size_t)reps * sizeof(double));
    double *q_hit = malloc((size_t)reps * sizeof(double)), *q_miss = malloc((size_t)reps * sizeof(double));
    if (!r_hit || !r_miss || !g_hit || !g_miss || !q_hit || !q_miss) exit(1);
    for (int r = 0; r < reps; r++) {
        uint64_t s1, s2;
        size_t h1, h2;
        /* Alternate which loop runs first: neither always gets the warm cache. */
        if (r % 2) {
            g_hit[r] = pass_get(m, hit, n * passes, &s1, &h1);
            r_hit[r] = pass_read(m, hit, n * passes, &s2, &h2);
        } else {
            r_hit[r] = pass_read(m, hit, n * passes, &s2, &h2);
            g_hit[r] = pass_get(m, hit, n * passes, &s1, &h1);
        }
        if (s1 != want * passes || s2 != s1 || h1 != n * passes || h2 != h1) {
            fprintf(stderr, "bench-read: hits answered wrongly (C %u)\n", cap);
            exit(1);
        }
        if (r % 2) {
            g_miss[r] = pass_get(m, miss, n * passes, &s1, &h1);
            r_miss[r] = pass_read(m, miss, n * passes, &s2, &h2);
        } else {
            r_miss[r] = pass_read(m, miss, n * passes, &s2, &h2);
            g_miss[r] = pass_get(m, miss, n * passes, &s1, &h1);
        }
        if (h1 != 0 || h2 != 0) {
            fprintf(stderr, "bench-read: an absent key was found (C %u)\n", cap);
            exit(1);
        }
        q_hit[r] = r_hit[r] / g_hit[r];
        q_miss[r] = r_miss[r] / g_miss[r];
    }
    printf("C %8u a %.3f | hit  N_get %6.2f ns  N_read %6.2f ns  N_read / N_get %5.2f\n", cap, load,
           median(g_hit, reps), median(r_hit, reps), median(q_hit, reps));
    printf("C %8u a %.3f | miss N_get %6.2f ns  N_read %6.2f ns  N_read / N_get %5.2f\n", cap, load,
           median(g_miss, reps), median(r_miss, reps), median(q_miss, reps));
    fflush(stdout);
    free(r_hit), free(r_miss), free(g_hit), free(g_miss), free(q_hit), free(q_miss);
    free(hit), free(miss), free(m);
}

static void recover_cell(unsigned log2cap, uint64_t *seed)
{
    uint32_t cap = 1u << log2cap;
    size_t n = (size_t)(0.875 * cap);
    ohm_layout l = rb_layout_for_capacity(cap);
    rb *m = rb_init(block_for(l), l);
    if (!m) exit(1);
    for (size_t i = 0; i < n; i++)
        if (rb_put(m, splitmix(seed), i) == OHM_FULL) break;
    double t_rec[3], t_chk[3];
    for (int r = 0; r < 3; r++) {
        double t0 = now_ns();
        ohm_status st = rb_recover(m);
        t_rec[r] = now_ns() - t0;
        t0 = now_ns();
        ohm_status ck = rb_check(m);
        t_chk[r] = now_ns() - t0;
        if (st != OHM_OK || ck != OHM_OK) {
            fprintf(stderr, "bench-read: N_recover %s, N_check %s\n", ohm_strerror(st), ohm_strerror(ck));
            exit(1);
        }
    }
    printf("C %8u a 0.875 | N_recover %7.1f ms  N_check %7.1f ms  (%" PRIu32 " entries, %.0f MiB)\n", cap,
           median(t_rec, 3) / 1e6, median(t_chk, 3) / 1e6, (uint32_t)rb_count(m), (double)l.total_size / 1048576);
    free(m);
}

int main(int argc, char **argv)
{
    int reps = 9;
    unsigned rec_log2 = 24;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--reps=", 7) == 0) reps = atoi(argv[i] + 7);
        else if (strncmp(argv[i], "--recover-log2=", 15) == 0) rec_log2 = (unsigned)atoi(argv[i] + 15);
        else {
            fprintf(stderr, "usage: bench-read [--reps=N] [--recover-log2=K]\n");
            return 2;
        }
    }
    if (reps < 1 || rec_log2 < 4 || rec_log2 > 30) {
        fprintf(stderr, "bench-read: --reps >= 1, --recover-log2 in 4..30\n");
        return 2;
    }
    uint64_t seed = 12345;
    const uint32_t caps[] = {4096, 1u << 20};
    const double loads[] = {0.5, 0.875};
    for (size_t c = 0; c < 2; c++)
        for (size_t a = 0; a < 2; a++) lookup_cell(caps[c], loads[a], reps, &seed);
    recover_cell(rec_log2, &seed);
    return 0;
}
