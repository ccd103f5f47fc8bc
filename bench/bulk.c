/* bulk.c - the bulk calls against one call per key (docs/PERFORMANCE.md,
 * "2026-12-06: bulk calls").
 *
 * u64 -> u64 maps of C = 2^20 and 2^23 slots at loads 0.5 and 0.875; in
 * each cell, side by side on the same keys in the same order:
 *   put    N_put_many of all the keys against a loop of N_put, each side
 *          into a freshly initialised block (N_init is not timed);
 *   hit    N_get_many in batches of 64 against a loop of N_get, present
 *          keys in another random order;
 *   miss   the same with absent keys;
 *   iter   N_get_entry then N_iter_at against N_get_entry alone, present
 *          keys (what turning a found entry into an iterator adds); and,
 *          as a control, N_get_entry keeping the entry it found (stored
 *          as the iterator is) against N_get_entry alone;
 *   next   the same, and one N_iter_next from each iterator (the entry
 *          after the one found).
 * The two sides of a row alternate which runs first, `reps` times; the
 * figure is the median of the per-repetition ratios (bulk / one by one),
 * so a slow moment of the machine hits both sides.
 *
 * Every answer is checked (sums of the values found, counts of hits, the
 * blocks the two put sides build compared byte for byte); a wrong answer
 * exits 1.
 *
 * Usage: bench-bulk [--reps=N] [--log2=K,...] [--rows=put,hit,miss,iter,next]
 *        (make bench-bulk; the defaults: 5 repetitions, 20,23, every row)
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
#define OHM_NAME bb
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#include "standalone.h"

static void *block_for(size_t size) { return aligned_block(bb_base_align(), size, "bench-bulk"); }

static void fail(const char *what, uint32_t cap)
{
    fprintf(stderr, "bench-bulk: %s (C %u)\n", what, cap);
    exit(1);
}

/* ---- the timed passes: ns per key --------------------------------------- */

static double pass_put(bb *m, const uint64_t *keys, const uint64_t *vals, size_t n)
{
    double t0 = now_ns();
    for (size_t i = 0; i < n; i++)
        if (bb_put(m, keys[i], vals[i]) == OHM_FULL) fail("N_put refused a key", bb_capacity(m));
    return (now_ns() - t0) / (double)n;
}

static double pass_put_many(bb *m, const uint64_t *keys, const uint64_t *vals, size_t n)
{
    double t0 = now_ns();
    if (bb_put_many(m, keys, vals, n) != n) fail("N_put_many stopped short", bb_capacity(m));
    return (now_ns() - t0) / (double)n;
}

static double pass_get(const bb *m, const uint64_t *keys, size_t n, uint64_t *sum, size_t *hits)
{
    uint64_t s = 0;
    size_t h = 0;
    double t0 = now_ns();
    for (size_t i = 0; i < n; i++) {
        const uint64_t *v = bb_get(m, keys[i]);
        if (v) s += *v, h++;
    }
    double t = now_ns() - t0;
    *sum = s;
    *hits = h;
    return t / (double)n;
}

#define BATCH 64
static double pass_get_many(const bb *m, const uint64_t *keys, size_t n, uint64_t *sum, size_t *hits)
{
    bb_entry out[BATCH];
    uint64_t s = 0;
    size_t h = 0;
    double t0 = now_ns();
    for (size_t i = 0; i < n; i += BATCH) {
        size_t b = n - i < BATCH ? n - i : BATCH;
        bb_get_many(m, keys + i, b, out);
        for (size_t j = 0; j < b; j++)
            if (out[j].key) s += *out[j].value, h++;
    }
    double t = now_ns() - t0;
    *sum = s;
    *hits = h;
    return t / (double)n;
}

static double pass_entry(const bb *m, const uint64_t *keys, size_t n, uint64_t *sum)
{
    uint64_t s = 0;
    double t0 = now_ns();
    for (size_t i = 0; i < n; i++) {
        bb_entry e = bb_get_entry(m, keys[i]);
        s += *e.value;
    }
    double t = now_ns() - t0;
    *sum = s;
    return t / (double)n;
}

/* The iterators are stored (the whole of each, so that none of N_iter_at's
 * work can be left out); pass_entry_next also takes the entry after each.
 * pass_entry_keep stores the entry found the same way: what keeping any
 * result of each lookup costs in this loop, N_iter_at's control. */
static bb_iter iter_sink[64];
static bb_entry entry_sink[64];
static double pass_entry_keep(const bb *m, const uint64_t *keys, size_t n, uint64_t *sum, uint64_t *where)
{
    uint64_t s = 0;
    double t0 = now_ns();
    for (size_t i = 0; i < n; i++) {
        bb_entry e = bb_get_entry(m, keys[i]);
        s += *e.value;
        entry_sink[i % 64] = e;
    }
    double t = now_ns() - t0;
    *sum = s;
    *where = entry_sink[0].key != NULL;
    return t / (double)n;
}
static double pass_entry_at(const bb *m, const uint64_t *keys, size_t n, uint64_t *sum, uint64_t *where)
{
    uint64_t s = 0;
    double t0 = now_ns();
    for (size_t i = 0; i < n; i++) {
        bb_entry e = bb_get_entry(m, keys[i]);
        s += *e.value;
        iter_sink[i % 64] = bb_iter_at(m, e);
    }
    double t = now_ns() - t0;
    *sum = s;
    *where = iter_sink[0].map == m;
    return t / (double)n;
}

static double pass_entry_next(const bb *m, const uint64_t *keys, size_t n, uint64_t *sum, uint64_t *where)
{
    uint64_t s = 0, w = 0;
    double t0 = now_ns();
    for (size_t i = 0; i < n; i++) {
        bb_entry e = bb_get_entry(m, keys[i]);
        s += *e.value;
        bb_iter *it = &iter_sink[i % 64];
        *it = bb_iter_at(m, e);
        bb_entry after;
        if (bb_iter_next(it, &after)) w += *after.key;
    }
    double t = now_ns() - t0;
    *sum = s;
    *where = w;
    return t / (double)n;
}

/* ---- one cell: capacity and load ----------------------------------------- */

enum { ROW_PUT = 1, ROW_HIT = 2, ROW_MISS = 4, ROW_ITER = 8, ROW_NEXT = 16 };

static void cell(uint32_t cap, double load, int reps, unsigned rows, uint64_t *seed)
{
    size_t n = (size_t)(load * cap);
    ohm_layout l = bb_layout_for_capacity(cap);
    void *buf_a = block_for(l.total_size), *buf_b = block_for(l.total_size);
    uint64_t *keys = malloc(n * sizeof *keys), *vals = malloc(n * sizeof *vals);
    uint64_t *hit = malloc(n * sizeof *hit), *miss = malloc(n * sizeof *miss);
    double *one = malloc((size_t)reps * sizeof(double)), *bulk = malloc((size_t)reps * sizeof(double));
    double *q = malloc((size_t)reps * sizeof(double));
    if (!keys || !vals || !hit || !miss || !one || !bulk || !q) fail("out of memory", cap);
    /* distinct present keys (odd) and absent ones (even) */
    bb *m = bb_init(buf_a, l);
    uint64_t want = 0;
    for (size_t i = 0; i < n; i++) {
        do keys[i] = splitmix(seed) | 1;
        while (bb_contains(m, keys[i]));
        vals[i] = i;
        if (bb_put(m, keys[i], vals[i]) != OHM_OK) fail("building the key set", cap);
        want += i;
    }
    memcpy(hit, keys, n * sizeof *hit);
    shuffle(hit, n, seed);
    for (size_t i = 0; i < n; i++) miss[i] = splitmix(seed) & ~(uint64_t)1;
    char name[8];
    unsigned lg = 0;
    while ((1u << lg) < cap) lg++;
    snprintf(name, sizeof name, "2^%u", lg);

    if (rows & ROW_PUT) {
        for (int r = 0; r < reps; r++) {
            for (int side = 0; side < 2; side++) {
                bool bulk_side = (side == 0) == (r % 2 == 0); /* alternate which runs first */
                if (bulk_side) {
                    bb *x = bb_init(buf_b, l);
                    bulk[r] = pass_put_many(x, keys, vals, n);
                } else {
                    bb *x = bb_init(buf_a, l);
                    one[r] = pass_put(x, keys, vals, n);
                }
            }
            if (memcmp(buf_a, buf_b, l.total_size) != 0) fail("N_put_many built another block than N_put", cap);
            q[r] = bulk[r] / one[r];
        }
        printf("C %-5s a %.3f | put   N_put %7.2f ns  N_put_many %7.2f ns  ratio %5.2f\n", name, load,
               median(one, reps), median(bulk, reps), median(q, reps));
        fflush(stdout);
    }
    /* buf_a holds the keys (built above or by the last N_put pass) */
    m = (bb *)buf_a;
    for (int which = 0; which < 2; which++) {
        if (!(rows & (which ? ROW_MISS : ROW_HIT))) continue;
        const uint64_t *ks = which ? miss : hit;
        for (int r = 0; r < reps; r++) {
            uint64_t s1 = 0, s2 = 0;
            size_t h1 = 0, h2 = 0;
            if (r % 2) {
                one[r] = pass_get(m, ks, n, &s1, &h1);
                bulk[r] = pass_get_many(m, ks, n, &s2, &h2);
            } else {
                bulk[r] = pass_get_many(m, ks, n, &s2, &h2);
                one[r] = pass_get(m, ks, n, &s1, &h1);
            }
            if (s1 != s2 || h1 != h2 || h1 != (which ? 0 : n) || (!which && s1 != want)) fail("lookups answered wrongly", cap);
            q[r] = bulk[r] / one[r];
        }
        printf("C %-5s a %.3f | %s  N_get %7.2f ns  N_get_many %7.2f ns  ratio %5.2f\n", name, load,
               which ? "miss" : "hit ", median(one, reps), median(bulk, reps), median(q, reps));
        fflush(stdout);
    }
    /* v: 0 iter, 1 keep (iter's control), 2 next */
    static const char *const what[3] = {"iter", "keep", "next"};
    static const char *const added[3] = {"N_iter_at", "keep the entry", "N_iter_at + N_iter_next"};
    double (*const pass[3])(const bb *, const uint64_t *, size_t, uint64_t *, uint64_t *) = {
        pass_entry_at, pass_entry_keep, pass_entry_next};
    for (int v = 0; v < 3; v++) {
        if (!(rows & (v == 2 ? ROW_NEXT : ROW_ITER))) continue;
        for (int r = 0; r < reps; r++) {
            uint64_t s1 = 0, s2 = 0, w = 0;
            if (r % 2) {
                one[r] = pass_entry(m, hit, n, &s1);
                bulk[r] = pass[v](m, hit, n, &s2, &w);
            } else {
                bulk[r] = pass[v](m, hit, n, &s2, &w);
                one[r] = pass_entry(m, hit, n, &s1);
            }
            if (s1 != want || s2 != want || w == 0) fail("N_get_entry answered wrongly", cap);
            q[r] = bulk[r] / one[r];
        }
        printf("C %-5s a %.3f | %s  N_get_entry %7.2f ns  + %s %7.2f ns  ratio %5.2f\n", name, load, what[v],
               median(one, reps), added[v], median(bulk, reps), median(q, reps));
        fflush(stdout);
    }
    free(keys), free(vals), free(hit), free(miss), free(one), free(bulk), free(q);
    free(buf_a), free(buf_b);
}

int main(int argc, char **argv)
{
    int reps = 5;
    unsigned rows = ROW_PUT | ROW_HIT | ROW_MISS | ROW_ITER | ROW_NEXT;
    unsigned log2s[8] = {20, 23}, nlog2 = 2;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--reps=", 7) == 0) {
            reps = atoi(argv[i] + 7);
        } else if (strncmp(argv[i], "--log2=", 7) == 0) {
            nlog2 = 0;
            for (char *p = argv[i] + 7; *p && nlog2 < 8;) {
                log2s[nlog2++] = (unsigned)strtoul(p, &p, 10);
                if (*p == ',') p++;
                else if (*p) nlog2 = 0, p += strlen(p);
            }
        } else if (strncmp(argv[i], "--rows=", 7) == 0) {
            rows = 0;
            rows |= strstr(argv[i], "put") ? ROW_PUT : 0;
            rows |= strstr(argv[i], "hit") ? ROW_HIT : 0;
            rows |= strstr(argv[i], "miss") ? ROW_MISS : 0;
            rows |= strstr(argv[i], "iter") ? ROW_ITER : 0;
            rows |= strstr(argv[i], "next") ? ROW_NEXT : 0;
        } else {
            nlog2 = 0;
            break;
        }
    }
    bool ok = reps >= 1 && nlog2 > 0 && rows != 0;
    for (unsigned i = 0; i < nlog2; i++) ok = ok && log2s[i] >= 4 && log2s[i] <= 28;
    if (!ok) {
        fprintf(stderr, "usage: bench-bulk [--reps=N] [--log2=K,...] [--rows=put,hit,miss,iter,next] (K in 4..28)\n");
        return 2;
    }
    uint64_t seed = 2026;
    const double loads[] = {0.5, 0.875};
    for (unsigned c = 0; c < nlog2; c++)
        for (size_t a = 0; a < 2; a++) cell(1u << log2s[c], loads[a], reps, rows, &seed);
    return 0;
}
