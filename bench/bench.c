/* bench.c - the workload of bench/README.md ("The workload"), for ohm and its peers.
 *
 * For every cell (key type x raw capacity C x load a, n = floor(a * C)) and
 * every map, one *sample* is: create B empty maps, then time, each over all
 * B maps in turn,
 *     insert (n new keys, random order) -> memory -> hit (n present keys,
 *     another random order) -> the same lookups again, and for ohm also
 *     get-many (the same keys in the same order, 64 to a batched call),
 *     the two in alternate order -> miss (n absent keys) -> iterate ->
 *     clone (+ one lookup in the copy) -> churn (n x remove a random
 *     present key, insert a new one) -> [n more churn steps, not timed] ->
 *     hit-after-churn (the n present keys, random order) ->
 *     miss-after-churn (n absent keys, random order) -> [a copy of each
 *     map, not timed] -> erase (all keys, random order, timed in two
 *     parts: first the half remove-if picks) -> for ohm, remove-if (that
 *     half, removed from the copy in one call),
 * then destroy the maps.  Samples are repeated `reps` times in this one
 * process, the maps taking turns within each repetition (so slow drifts of
 * the machine hit every map alike), and the median is reported.  Ratios to
 * ohm are the median of the per-repetition ratios: a peer and ohm measured
 * seconds apart in the same repetition form one pair.
 *
 * Why B maps: a 16-slot map holds 8 to 15 entries, tens of nanoseconds of
 * work, below what a clock read resolves.  Each sample therefore runs every
 * operation on B = ceil(1024 / n) maps (B = 1 from C = 2048 up), so a timed
 * region is always at least ~1024 operations.  Mutating operations need a
 * fresh map each time, which is why these are separate maps rather than
 * repeated passes over one.
 *
 * Every result is checked (sums of the values found, counts after each
 * phase); a map that answers wrongly is reported and the run exits 1.
 *
 * --latency runs the churn-latency report instead (see run_latency below).
 *
 * Usage: bench [--full | --latency] [--sizes=16,256] [--loads=0.5,0.97]
 *              [--keys=32,64] [--maps=ohm,absl] [--reps=N] [--csv=PATH] [--list]
 * run.sh is the normal entry point; it builds this and passes the options.
 */
#define _GNU_SOURCE /* mallinfo2, mallopt */
#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "peers/peer.h"

/* ------------------------------------------------------------------------
 * The maps.  run.sh defines BENCH_HAVE_<PEER> for each peer it could build;
 * ohm (the baseline) and the memcpy floor are always there.
 * ---------------------------------------------------------------------- */
#define BENCH_DECLARE(p) extern const bench_map_ops bench_##p##_u32, bench_##p##_u64
#define BENCH_ENTRY(p) {{&bench_##p##_u32, &bench_##p##_u64}}

BENCH_DECLARE(ohm);
BENCH_DECLARE(floor);
#ifdef BENCH_HAVE_GHOSTTY
BENCH_DECLARE(ghostty);
int bench_ghostty_hash_ok(void);
#endif
#ifdef BENCH_HAVE_ABSL
BENCH_DECLARE(absl);
#endif
#ifdef BENCH_HAVE_BOOST
BENCH_DECLARE(boost);
#endif
#ifdef BENCH_HAVE_KHASH
BENCH_DECLARE(khash);
#endif
#ifdef BENCH_HAVE_GLIB
BENCH_DECLARE(glib);
#endif
#ifdef BENCH_HAVE_STB
BENCH_DECLARE(stb);
#endif
#ifdef BENCH_HAVE_UTHASH
BENCH_DECLARE(uthash);
#endif
#ifdef BENCH_HAVE_DENSE
BENCH_DECLARE(dense);
BENCH_DECLARE(dense_at_c);
#endif

typedef struct map_entry {
    const bench_map_ops *ops[2]; /* [0] u32 -> u32, [1] u64 -> u64 */
} map_entry;

/* ohm first: it is the baseline every ratio divides by. */
static const map_entry ALL_MAPS[] = {
    BENCH_ENTRY(ohm),
#ifdef BENCH_HAVE_GHOSTTY
    BENCH_ENTRY(ghostty),
#endif
#ifdef BENCH_HAVE_ABSL
    BENCH_ENTRY(absl),
#endif
#ifdef BENCH_HAVE_BOOST
    BENCH_ENTRY(boost),
#endif
#ifdef BENCH_HAVE_KHASH
    BENCH_ENTRY(khash),
#endif
#ifdef BENCH_HAVE_GLIB
    BENCH_ENTRY(glib),
#endif
#ifdef BENCH_HAVE_STB
    BENCH_ENTRY(stb),
#endif
#ifdef BENCH_HAVE_UTHASH
    BENCH_ENTRY(uthash),
#endif
#ifdef BENCH_HAVE_DENSE
    BENCH_ENTRY(dense),
    BENCH_ENTRY(dense_at_c),
#endif
    BENCH_ENTRY(floor),
};
#define ALL_MAPS_COUNT (sizeof ALL_MAPS / sizeof ALL_MAPS[0])

/* ------------------------------------------------------------------------
 * Operations and results
 * ---------------------------------------------------------------------- */
enum {
    OP_INSERT,
    OP_HIT,
    OP_GET_MANY,
    OP_MISS,
    OP_CHURN,
    OP_HIT_AFTER_CHURN,
    OP_MISS_AFTER_CHURN,
    OP_ERASE,
    OP_REMOVE_IF,
    OP_ITERATE,
    OP_CLONE,
    OP_TIMED,
    OP_MEMORY = OP_TIMED
};
#define OP_ALL (OP_MEMORY + 1)
static const char *const OP_NAMES[OP_ALL] = {
    "insert", "hit",     "get-many", "miss",  "churn",  "hit-after-churn", "miss-after-churn",
    "erase",  "remove-if", "iterate", "clone", "memory",
};

/* The bulk operations (get-many, remove-if) are ohm's own calls.  A map
 * without them gets, in their place, the figure of what it does one key
 * at a time on the same keys in the same order: its hit loop run again
 * beside get-many (`hit_again`) and its erase of the keys remove-if
 * removes (`erase_picked`).  Their ratio to ohm's bulk call is what the
 * table shows in those rows. */
static int is_bulk_op(int op) { return op == OP_GET_MANY || op == OP_REMOVE_IF; }

typedef struct map_result {
    double *ns[OP_TIMED];   /* per repetition, ns per operation; NAN = not run */
    double *hit_again;      /* per repetition, ns per lookup of hit's loop run again (beside get-many) */
    double *erase_picked;   /* per repetition, ns per key of erase's first part: the keys remove-if removes */
    double bytes_per_entry; /* NAN = not applicable */
    double load_insert;     /* achieved load after insert; < 0 unknown, NAN n/a */
    double load_churn;      /* ... and after the two churn turnovers */
    int failed;
} map_result;

typedef struct cell_result {
    unsigned key_bits;
    uint32_t capacity;
    double load;
    uint32_t n;
    unsigned reps;
    unsigned batch;
    map_result *maps; /* one per selected map */
} cell_result;

/* ------------------------------------------------------------------------
 * Small utilities
 * ---------------------------------------------------------------------- */
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p == NULL)
        die("out of memory (%zu x %zu bytes)", count, size);
    return p;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Bytes the process's heap has handed out.  Peers are measured by the
 * growth of this number around create + insert (bench/README.md,
 * "Memory"): it counts every allocation a map makes, including malloc's
 * own per-allocation overhead, which is a real cost of per-item maps such
 * as uthash. */
static size_t heap_in_use(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
#else
    struct mallinfo mi = mallinfo();
    return (size_t)(unsigned)mi.uordblks + (size_t)(unsigned)mi.hblkhd;
#endif
}

/* splitmix64: the fixed-seed generator of the workload's keys. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of the finite values; NAN when there are none. */
static double median(const double *v, unsigned count)
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
static double median_ratio(const double *peer, const double *base, unsigned count)
{
    double r[256];
    unsigned k = 0;
    for (unsigned i = 0; i < count && k < 256; i++)
        r[k++] = (isfinite(peer[i]) && isfinite(base[i]) && base[i] > 0) ? peer[i] / base[i] : NAN;
    return median(r, k);
}

/* ------------------------------------------------------------------------
 * Keys
 * ---------------------------------------------------------------------- */

/* Three disjoint pools of distinct keys of one width, drawn once from one
 * splitmix64 stream and shared by every cell (a cell uses the first n, or
 * 2n, of each): the keys that are inserted and hit, the keys that miss
 * (size each), and the keys churn brings in (2 x size: two turnovers).
 * 0 and the two largest values are never drawn: dense_hash_map reserves
 * the largest two as its empty and deleted keys. */
typedef struct key_pools {
    size_t ksize;           /* 4 or 8 */
    uint32_t size;          /* keys in `present` and in `absent` */
    uint64_t *present, *absent, *fresh;
} key_pools;

static key_pools make_pools(unsigned key_bits, uint32_t size)
{
    key_pools p = {key_bits / 8, size, NULL, NULL, NULL};
    uint64_t mask = key_bits == 64 ? ~(uint64_t)0 : ((uint64_t)1 << key_bits) - 1;
    size_t total = 4 * (size_t)size;
    /* A scratch open-addressing set rejects repeats (only 32-bit draws can
     * repeat in practice, but the check costs little). */
    size_t slots = 16;
    while (slots < 2 * total)
        slots <<= 1;
    uint64_t *seen = xcalloc(slots, sizeof *seen); /* 0 = empty, never a key */
    uint64_t *all = xcalloc(total, sizeof *all);
    uint64_t state = 0x6f686d2d62656e63u; /* "ohm-benc" */
    for (size_t i = 0; i < total;) {
        uint64_t k = splitmix64(&state) & mask;
        if (k == 0 || k == mask || k == mask - 1)
            continue;
        size_t h = (size_t)((k * 0x9e3779b97f4a7c15u) >> 20) & (slots - 1);
        while (seen[h] != 0 && seen[h] != k)
            h = (h + 1) & (slots - 1);
        if (seen[h] == k)
            continue;
        seen[h] = k;
        all[i++] = k;
    }
    free(seen);
    p.present = all;
    p.absent = all + size;
    p.fresh = all + 2 * (size_t)size;
    return p;
}

static void store_key(void *arr, size_t i, uint64_t k, size_t ksize)
{
    if (ksize == 4)
        ((uint32_t *)arr)[i] = (uint32_t)k;
    else
        ((uint64_t *)arr)[i] = k;
}

static void shuffle(uint64_t *v, uint32_t n, uint64_t *rng)
{
    for (uint32_t i = n; i > 1; i--) {
        uint32_t j = (uint32_t)(splitmix64(rng) % i);
        uint64_t t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

/* Everything one cell's samples read, prepared before any timing. */
typedef struct cell_data {
    bench_cell cell;
    size_t ksize;
    void *ins;   /* insert order */
    void *hit;   /* the same keys, another order */
    void *miss;  /* absent keys */
    void *del;   /* churn: key removed at step i (present at that moment), 2n steps */
    void *add;   /* churn: key inserted at step i, 2n steps */
    void *hit2;  /* the keys present after the 2n churn steps, random order */
    void *miss2; /* absent keys, another random order */
    void *erase; /* the keys present after the 2n churn steps, another order: first the
                    `picked` keys bench_picked() selects (remove-if's), then the others */
    uint64_t hit_sum;  /* sum of the values of all present keys */
    uint64_t hit2_sum; /* ... and of those present after churn */
    uint64_t iter_sum; /* sum of keys + values after insert */
    uint64_t probe_value;
    uint32_t picked;        /* keys remove-if removes: the first `picked` of `erase` */
    uint64_t kept_iter_sum; /* sum of keys + values of the others (iterate after remove-if) */
} cell_data;

static uint64_t value_of(uint64_t k, size_t ksize)
{
    return ksize == 4 ? (uint64_t)(uint32_t)~(uint32_t)k : ~k;
}

static cell_data make_cell_data(const key_pools *p, uint32_t capacity, double load, uint32_t n)
{
    cell_data d;
    memset(&d, 0, sizeof d);
    d.cell.capacity = capacity;
    d.cell.n = n;
    d.cell.load = load;
    d.ksize = p->ksize;
    size_t bytes = (size_t)n * p->ksize;
    d.ins = xcalloc(1, bytes);
    d.hit = xcalloc(1, bytes);
    d.miss = xcalloc(1, bytes);
    d.del = xcalloc(2, bytes);
    d.add = xcalloc(2, bytes);
    d.hit2 = xcalloc(1, bytes);
    d.miss2 = xcalloc(1, bytes);
    d.erase = xcalloc(1, bytes);

    uint64_t rng = 0x636875726e000000u ^ ((uint64_t)capacity << 8) ^ (uint64_t)(load * 1000);
    uint64_t *tmp = xcalloc(n, sizeof *tmp);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t k = p->present[i];
        store_key(d.ins, i, k, p->ksize);
        store_key(d.miss, i, p->absent[i], p->ksize);
        d.hit_sum += value_of(k, p->ksize);
        d.iter_sum += k + value_of(k, p->ksize);
        tmp[i] = k;
    }
    d.probe_value = value_of(p->present[0], p->ksize);
    shuffle(tmp, n, &rng);
    for (uint32_t i = 0; i < n; i++)
        store_key(d.hit, i, tmp[i], p->ksize);

    /* Churn: `tmp` mirrors the map; each step removes a random live key
     * and puts a fresh one in its place, so the load stays at n.  Two
     * turnovers: the first n steps are the timed `churn`, the next n bring
     * the map to the state the after-churn lookups measure. */
    for (uint32_t i = 0; i < n; i++)
        tmp[i] = p->present[i];
    for (uint32_t i = 0; i < 2 * n; i++) {
        uint32_t j = (uint32_t)(splitmix64(&rng) % n);
        store_key(d.del, i, tmp[j], p->ksize);
        store_key(d.add, i, p->fresh[i], p->ksize);
        tmp[j] = p->fresh[i];
    }
    /* The lookups after churn visit the live keys in an order unrelated
     * to the order they went in. */
    shuffle(tmp, n, &rng);
    for (uint32_t i = 0; i < n; i++) {
        store_key(d.hit2, i, tmp[i], p->ksize);
        d.hit2_sum += value_of(tmp[i], p->ksize);
    }
    shuffle(tmp, n, &rng);
    /* Erase order: the keys remove-if picks, then the rest, each part in
     * this random order.  bench_picked() is a hash bit unrelated to the
     * order, so this is still a uniformly random order of all n keys, and
     * its first part is exactly the work remove-if does in one call. */
    for (uint32_t i = 0; i < n; i++)
        if (bench_picked(tmp[i]))
            store_key(d.erase, d.picked++, tmp[i], p->ksize);
    for (uint32_t i = 0, j = d.picked; i < n; i++)
        if (!bench_picked(tmp[i])) {
            store_key(d.erase, j++, tmp[i], p->ksize);
            d.kept_iter_sum += tmp[i] + value_of(tmp[i], p->ksize);
        }
    for (uint32_t i = 0; i < n; i++)
        tmp[i] = p->absent[i];
    shuffle(tmp, n, &rng);
    for (uint32_t i = 0; i < n; i++)
        store_key(d.miss2, i, tmp[i], p->ksize);
    free(tmp);
    return d;
}

static void free_cell_data(cell_data *d)
{
    free(d->ins);
    free(d->hit);
    free(d->miss);
    free(d->del);
    free(d->add);
    free(d->hit2);
    free(d->miss2);
    free(d->erase);
}

/* ------------------------------------------------------------------------
 * One sample
 * ---------------------------------------------------------------------- */
static volatile uint64_t sink; /* results land here so no loop is dead code */

typedef struct sample_ctx {
    const bench_map_ops *ops;
    const cell_data *d;
    unsigned batch;
    unsigned rep;
    map_result *res;
} sample_ctx;

static void fail(const sample_ctx *c, const char *what, uint64_t got, uint64_t want)
{
    fprintf(stderr, "\nbench: FAIL %s u%u C=%u a=%.3f: %s (got %llu, want %llu)\n", c->ops->name,
            c->ops->key_bits, c->d->cell.capacity, c->d->cell.load, what, (unsigned long long)got,
            (unsigned long long)want);
    c->res->failed = 1;
}

static void check_count(const sample_ctx *c, void *const *maps, uint32_t want, const char *when)
{
    if (c->ops->count == NULL)
        return;
    for (unsigned b = 0; b < c->batch; b++) {
        uint32_t got = c->ops->count(maps[b]);
        if (got != want) {
            fail(c, when, got, want);
            return;
        }
    }
}

static void run_sample(const sample_ctx *c)
{
    const bench_map_ops *ops = c->ops;
    const cell_data *d = c->d;
    const unsigned B = c->batch;
    const uint32_t n = d->cell.n;
    const double per = (double)B * n; /* operations in one timed region */
    map_result *res = c->res;
    void **maps = xcalloc(B, sizeof *maps);
    void **copies = xcalloc(B, sizeof *copies);
    uint64_t t0, acc;

    size_t heap0 = heap_in_use();
    for (unsigned b = 0; b < B; b++) {
        maps[b] = ops->create(&d->cell);
        if (maps[b] == NULL) {
            fail(c, "create returned NULL", 0, 1);
            goto done;
        }
    }

    if (ops->insert) {
        t0 = now_ns();
        for (unsigned b = 0; b < B; b++)
            ops->insert(maps[b], d->ins, n);
        res->ns[OP_INSERT][c->rep] = (double)(now_ns() - t0) / per;
        if (c->rep == 0) {
            size_t block = ops->block_bytes ? ops->block_bytes(maps[0]) : 0;
            res->bytes_per_entry = block ? (double)block / n : (double)(heap_in_use() - heap0) / B / n;
        }
        check_count(c, maps, n, "count after insert");
        res->load_insert = ops->load_factor ? ops->load_factor(maps[0]) : NAN;
    }

    if (ops->insert && ops->lookup) {
        acc = 0;
        t0 = now_ns();
        for (unsigned b = 0; b < B; b++)
            acc += ops->lookup(maps[b], d->hit, n);
        res->ns[OP_HIT][c->rep] = (double)(now_ns() - t0) / per;
        sink += acc;
        if (acc != d->hit_sum * B)
            fail(c, "hit: sum of values found", acc, d->hit_sum * B);

        /* get-many and what it is compared with: more passes over hit's
         * keys in hit's order, after hit, so that none of them is the
         * first pass after insert.  Every map looks the keys up one at a
         * time again (`hit_again`); ohm also looks them up with its batched
         * call, BENCH_MANY_KEYS keys a call, before or after that pass in
         * alternate repetitions. */
        for (int pass = 0; pass < (ops->lookup_many ? 2 : 1); pass++) {
            int many = ops->lookup_many && (pass == 0) == (c->rep % 2 == 1);
            acc = 0;
            t0 = now_ns();
            for (unsigned b = 0; b < B; b++)
                acc += many ? ops->lookup_many(maps[b], d->hit, n) : ops->lookup(maps[b], d->hit, n);
            double t = (double)(now_ns() - t0) / per;
            sink += acc;
            if (many)
                res->ns[OP_GET_MANY][c->rep] = t;
            else
                res->hit_again[c->rep] = t;
            if (acc != d->hit_sum * B)
                fail(c, many ? "get-many: sum of values found" : "hit, again: sum of values found", acc,
                     d->hit_sum * B);
        }
        if (!ops->lookup_many)
            res->ns[OP_GET_MANY][c->rep] = res->hit_again[c->rep];

        acc = 0;
        t0 = now_ns();
        for (unsigned b = 0; b < B; b++)
            acc += ops->lookup(maps[b], d->miss, n);
        res->ns[OP_MISS][c->rep] = (double)(now_ns() - t0) / per;
        sink += acc;
        if (acc != 0)
            fail(c, "miss: sum of values found for absent keys", acc, 0);
    }

    if (ops->insert && ops->iterate) {
        acc = 0;
        t0 = now_ns();
        for (unsigned b = 0; b < B; b++)
            acc += ops->iterate(maps[b]);
        res->ns[OP_ITERATE][c->rep] = (double)(now_ns() - t0) / per;
        sink += acc;
        if (acc != d->iter_sum * B)
            fail(c, "iterate: sum of keys and values", acc, d->iter_sum * B);
    }

    if (ops->clone) {
        uint64_t found = 0, v;
        t0 = now_ns();
        for (unsigned b = 0; b < B; b++) {
            copies[b] = ops->clone(maps[b], d->ins, &v);
            found += v;
        }
        /* Per entry of the map copied, so the figure is comparable across
         * sizes; README.md says so. */
        res->ns[OP_CLONE][c->rep] = (double)(now_ns() - t0) / per;
        sink += found;
        if (ops->insert && found != d->probe_value * B)
            fail(c, "clone: lookup in the copy", found, d->probe_value * B);
        if (ops->insert && ops->lookup && ops->count && copies[0] &&
            ops->lookup(copies[0], d->hit, n) != d->hit_sum)
            fail(c, "clone: the copy does not hold every entry", 0, 1);
        for (unsigned b = 0; b < B; b++)
            if (copies[b]) {
                ops->destroy(copies[b]);
                copies[b] = NULL;
            }
    }

    if (ops->insert && ops->churn) {
        t0 = now_ns();
        for (unsigned b = 0; b < B; b++)
            ops->churn(maps[b], d->del, d->add, n);
        res->ns[OP_CHURN][c->rep] = (double)(now_ns() - t0) / per;
        check_count(c, maps, n, "count after churn");

        /* The second turnover, not timed: the lookups below see a map
         * that has been through 2n remove + put steps. */
        const char *del2 = (const char *)d->del + (size_t)n * d->ksize;
        const char *add2 = (const char *)d->add + (size_t)n * d->ksize;
        for (unsigned b = 0; b < B; b++)
            ops->churn(maps[b], del2, add2, n);
        check_count(c, maps, n, "count after the second churn turnover");
        res->load_churn = ops->load_factor ? ops->load_factor(maps[0]) : NAN;

        if (ops->lookup) {
            acc = 0;
            t0 = now_ns();
            for (unsigned b = 0; b < B; b++)
                acc += ops->lookup(maps[b], d->hit2, n);
            res->ns[OP_HIT_AFTER_CHURN][c->rep] = (double)(now_ns() - t0) / per;
            sink += acc;
            if (acc != d->hit2_sum * B)
                fail(c, "hit-after-churn: sum of values found", acc, d->hit2_sum * B);

            acc = 0;
            t0 = now_ns();
            for (unsigned b = 0; b < B; b++)
                acc += ops->lookup(maps[b], d->miss2, n);
            res->ns[OP_MISS_AFTER_CHURN][c->rep] = (double)(now_ns() - t0) / per;
            sink += acc;
            if (acc != 0)
                fail(c, "miss-after-churn: sum of values found for absent keys", acc, 0);
        }
    }

    if (ops->insert && ops->erase) {
        /* A copy of each map as erase finds it, made for every map so that
         * every erase starts from the same step (a clone); ohm's remove-if
         * runs on it below. */
        int copied = ops->clone != NULL;
        for (unsigned b = 0; b < B && copied; b++) {
            uint64_t v;
            copies[b] = ops->clone(maps[b], d->ins, &v);
            copied = copies[b] != NULL;
        }
        /* Erase in two timed parts: the keys remove-if removes, then the
         * rest.  The erase row is both parts per key; the first part alone
         * is the one-key-at-a-time cost remove-if is compared with. */
        const uint32_t h = d->picked;
        const char *rest = (const char *)d->erase + (size_t)h * d->ksize;
        t0 = now_ns();
        for (unsigned b = 0; b < B; b++)
            ops->erase(maps[b], d->erase, h);
        uint64_t t1 = now_ns();
        check_count(c, maps, n - h, "count after erasing remove-if's keys");
        uint64_t t2 = now_ns();
        for (unsigned b = 0; b < B; b++)
            ops->erase(maps[b], rest, n - h);
        uint64_t t3 = now_ns();
        res->ns[OP_ERASE][c->rep] = (double)((t1 - t0) + (t3 - t2)) / per;
        res->erase_picked[c->rep] = h ? (double)(t1 - t0) / ((double)B * h) : NAN;
        check_count(c, maps, 0, "count after erase");

        /* remove-if: one call per map removes the same keys from the copy;
         * ns per entry removed. */
        if (ops->remove_picked && copied) {
            uint64_t removed = 0;
            t0 = now_ns();
            for (unsigned b = 0; b < B; b++)
                removed += ops->remove_picked(copies[b]);
            res->ns[OP_REMOVE_IF][c->rep] = h ? (double)(now_ns() - t0) / ((double)B * h) : NAN;
            if (removed != (uint64_t)h * B)
                fail(c, "remove-if: entries removed", removed, (uint64_t)h * B);
            check_count(c, copies, n - h, "count after remove-if");
            if (ops->iterate) {
                acc = 0;
                for (unsigned b = 0; b < B; b++)
                    acc += ops->iterate(copies[b]);
                if (acc != d->kept_iter_sum * B)
                    fail(c, "remove-if: sum of the keys and values left", acc, d->kept_iter_sum * B);
            }
        } else {
            res->ns[OP_REMOVE_IF][c->rep] = res->erase_picked[c->rep];
        }
        for (unsigned b = 0; b < B; b++)
            if (copies[b]) {
                ops->destroy(copies[b]);
                copies[b] = NULL;
            }
    }

done:
    for (unsigned b = 0; b < B; b++)
        if (maps[b])
            ops->destroy(maps[b]);
    free(maps);
    free(copies);
}

/* ------------------------------------------------------------------------
 * Options
 * ---------------------------------------------------------------------- */
#define MAX_LIST 16

typedef struct options {
    int full;
    int latency; /* --latency: the churn-latency report instead of the grid */
    int custom; /* --sizes or --loads given */
    uint32_t sizes[MAX_LIST];
    unsigned nsizes;
    double loads[MAX_LIST];
    unsigned nloads;
    unsigned keys[2];
    unsigned nkeys;
    unsigned reps; /* 0 = by size */
    const char *maps;
    const char *csv;
} options;

/* The latency report's default cells: one large table at the three loads. */
static const uint32_t LATENCY_SIZES[] = {1048576};
/* ...and its default maps (--maps chooses others). */
static const char LATENCY_MAPS[] = "ohm,ghostty,absl,boost";

/* The default subset (about a minute on 2 cores); --full runs the grid. */
static const uint32_t FULL_SIZES[] = {16, 256, 4096, 65536, 1048576};
static const double FULL_LOADS[] = {0.50, 0.875, 0.97};
/* The default leaves out C = 2^20: its cells cost 15-60 s each here (a
 * million entries per map, uthash's million mallocs, ohm's churn at 0.97),
 * which alone would blow the one-minute budget. */
static const uint32_t DEFAULT_SIZES[] = {16, 256, 4096, 65536};
static const double DEFAULT_LOADS[] = {0.50, 0.875, 0.97};

/* Repetitions per cell: many for small cells (cheap and noisy), few for
 * the big ones (each sample builds million-entry maps for every peer). */
static unsigned reps_for(const options *o, uint32_t capacity)
{
    if (o->reps)
        return o->reps;
    if (capacity <= 4096)
        return o->full ? 101 : 41;
    if (capacity <= 65536)
        return o->full ? 21 : 15;
    return 3;
}

static const char *opt_value(const char *arg, const char *name)
{
    size_t len = strlen(name);
    return strncmp(arg, name, len) == 0 && arg[len] == '=' ? arg + len + 1 : NULL;
}

static unsigned parse_list(const char *s, double *out, const char *what)
{
    unsigned k = 0;
    while (*s) {
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (end == s || errno || k == MAX_LIST)
            die("bad %s list near '%s'", what, s);
        out[k++] = v;
        s = *end == ',' ? end + 1 : end;
        if (*end && *end != ',')
            die("bad %s list near '%s'", what, end);
    }
    return k;
}

static void usage(void)
{
    puts("usage: bench [--full | --latency] [--sizes=16,256,...] [--loads=0.5,0.875,...]\n"
         "             [--keys=32,64] [--maps=ohm,absl,...] [--reps=N] [--csv=PATH] [--list]");
}

static options parse_options(int argc, char **argv)
{
    options o;
    memset(&o, 0, sizeof o);
    const char *env_full = getenv("BENCH_FULL");
    o.full = env_full && *env_full && strcmp(env_full, "0") != 0;
    const char *sizes = NULL, *loads = NULL, *keys = NULL, *v;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--full") == 0)
            o.full = 1;
        else if (strcmp(a, "--latency") == 0)
            o.latency = 1;
        else if ((v = opt_value(a, "--sizes")))
            sizes = v, o.custom = 1;
        else if ((v = opt_value(a, "--loads")))
            loads = v, o.custom = 1;
        else if ((v = opt_value(a, "--keys")))
            keys = v;
        else if ((v = opt_value(a, "--maps")))
            o.maps = v;
        else if ((v = opt_value(a, "--reps")))
            o.reps = (unsigned)atoi(v);
        else if ((v = opt_value(a, "--csv")))
            o.csv = v;
        else if (strcmp(a, "--list") == 0) {
            for (size_t m = 0; m < ALL_MAPS_COUNT; m++)
                puts(ALL_MAPS[m].ops[0]->name);
            exit(0);
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage();
            exit(0);
        } else {
            usage();
            die("unknown option '%s'", a);
        }
    }
    double tmp[MAX_LIST];
    if (sizes) {
        o.nsizes = parse_list(sizes, tmp, "size");
        for (unsigned i = 0; i < o.nsizes; i++) {
            o.sizes[i] = (uint32_t)tmp[i];
            if (o.sizes[i] < 2 || (o.sizes[i] & (o.sizes[i] - 1)) || o.sizes[i] > (1u << 30))
                die("size %g is not a power of two from 2 to 2^30", tmp[i]);
        }
    } else if (o.latency) {
        o.nsizes = sizeof LATENCY_SIZES / sizeof LATENCY_SIZES[0];
        memcpy(o.sizes, LATENCY_SIZES, sizeof LATENCY_SIZES);
    } else if (o.full) {
        o.nsizes = sizeof FULL_SIZES / sizeof FULL_SIZES[0];
        memcpy(o.sizes, FULL_SIZES, sizeof FULL_SIZES);
    } else {
        o.nsizes = sizeof DEFAULT_SIZES / sizeof DEFAULT_SIZES[0];
        memcpy(o.sizes, DEFAULT_SIZES, sizeof DEFAULT_SIZES);
    }
    if (loads) {
        o.nloads = parse_list(loads, o.loads, "load");
        for (unsigned i = 0; i < o.nloads; i++)
            if (!(o.loads[i] > 0 && o.loads[i] <= 1))
                die("load %g is not in (0, 1]", o.loads[i]);
    } else if (o.full || o.latency) {
        o.nloads = sizeof FULL_LOADS / sizeof FULL_LOADS[0];
        memcpy(o.loads, FULL_LOADS, sizeof FULL_LOADS);
    } else {
        o.nloads = sizeof DEFAULT_LOADS / sizeof DEFAULT_LOADS[0];
        memcpy(o.loads, DEFAULT_LOADS, sizeof DEFAULT_LOADS);
    }
    if (keys) {
        unsigned k = parse_list(keys, tmp, "key");
        for (unsigned i = 0; i < k && i < 2; i++) {
            if (tmp[i] != 32 && tmp[i] != 64)
                die("key width must be 32 or 64");
            o.keys[o.nkeys++] = (unsigned)tmp[i];
        }
    } else if (o.latency) {
        o.keys[0] = 64;
        o.nkeys = 1;
    } else {
        o.keys[0] = 32;
        o.keys[1] = 64;
        o.nkeys = 2;
    }
    if (o.latency && o.maps == NULL)
        o.maps = LATENCY_MAPS;
    return o;
}

/* Is map `name` selected by --maps?  ohm always is: it is the baseline. */
static int map_selected(const options *o, const char *name)
{
    if (o->maps == NULL || strcmp(name, "ohm") == 0)
        return 1;
    size_t len = strlen(name);
    for (const char *s = o->maps; *s;) {
        const char *e = strchr(s, ',');
        size_t l = e ? (size_t)(e - s) : strlen(s);
        if (l == len && strncmp(s, name, len) == 0)
            return 1;
        s += l + (e != NULL);
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Output
 * ---------------------------------------------------------------------- */
typedef struct meta {
    char date[32];
    char machine[160];
    long nproc;
    const char *cc, *cxx, *flags;
} meta;

static void chomp(char *s)
{
    size_t l = strlen(s);
    while (l && (s[l - 1] == '\n' || s[l - 1] == ' '))
        s[--l] = 0;
}

static meta gather_meta(void)
{
    meta m;
    memset(&m, 0, sizeof m);
    time_t t = time(NULL);
    strftime(m.date, sizeof m.date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    /* run.sh passes lscpu's "Model name"; /proc/cpuinfo is the fallback. */
    const char *env = getenv("BENCH_MACHINE");
    if (env && *env) {
        snprintf(m.machine, sizeof m.machine, "%s", env);
    } else {
        FILE *f = fopen("/proc/cpuinfo", "r");
        char line[256];
        snprintf(m.machine, sizeof m.machine, "unknown");
        while (f && fgets(line, sizeof line, f))
            if (strncmp(line, "model name", 10) == 0 && strchr(line, ':')) {
                snprintf(m.machine, sizeof m.machine, "%s", strchr(line, ':') + 2);
                chomp(m.machine);
                break;
            }
        if (f)
            fclose(f);
    }
    m.nproc = sysconf(_SC_NPROCESSORS_ONLN);
    m.cc = getenv("BENCH_CC_VERSION");
    if (m.cc == NULL || *m.cc == 0)
        m.cc = "cc " __VERSION__;
    m.cxx = getenv("BENCH_CXX_VERSION");
    if (m.cxx == NULL)
        m.cxx = "";
    m.flags = getenv("BENCH_FLAGS");
    if (m.flags == NULL)
        m.flags = "";
    return m;
}

static const char *load_label(double a, char *buf, size_t len)
{
    snprintf(buf, len, "%.3f", a);
    /* 0.500 -> 0.50, 0.875 stays */
    size_t l = strlen(buf);
    if (l > 4 && buf[l - 1] == '0')
        buf[l - 1] = 0;
    return buf;
}

static void print_ns(double v)
{
    if (!isfinite(v))
        printf(" %8s", "-");
    else if (v < 100)
        printf(" %8.2f", v);
    else if (v < 10000)
        printf(" %8.1f", v);
    else
        printf(" %8.0f", v);
}

static void print_ratio(double v)
{
    if (!isfinite(v))
        printf(" %8s", "-");
    else if (v < 100)
        printf(" %8.2f", v);
    else
        printf(" %8.0f", v);
}

/* The ohm value and a peer's ratio for one (cell, op). */
static double ohm_value(const cell_result *c, int op)
{
    if (op == OP_MEMORY)
        return c->maps[0].bytes_per_entry;
    return median(c->maps[0].ns[op], c->reps);
}

static double peer_value(const cell_result *c, size_t m, int op)
{
    if (op == OP_MEMORY)
        return c->maps[m].bytes_per_entry;
    return median(c->maps[m].ns[op], c->reps);
}

static double peer_ratio(const cell_result *c, size_t m, int op)
{
    if (op == OP_MEMORY) {
        double base = c->maps[0].bytes_per_entry;
        return base > 0 ? c->maps[m].bytes_per_entry / base : NAN;
    }
    return median_ratio(c->maps[m].ns[op], c->maps[0].ns[op], c->reps);
}

/* The peer (not ohm, not the memcpy floor) with the lowest median time of
 * the lookup pass beside get-many in a cell; 0 when there is none. */
static size_t best_peer_hit(const cell_result *c, size_t nmaps)
{
    size_t best = 0;
    double best_ns = INFINITY;
    for (size_t m = 1; m < nmaps; m++) {
        double v = median(c->maps[m].hit_again, c->reps);
        if (isfinite(v) && v < best_ns)
            best_ns = v, best = m;
    }
    return best;
}

/* ohm's bulk calls against its own one-key-at-a-time calls on the same
 * keys in the same order, and get-many against the fastest peer's hit. */
static void print_bulk_table(const cell_result *cells, size_t ncells, const bench_map_ops *const *maps,
                             size_t nmaps, unsigned bits)
{
    char lb[16];
    printf("\nu%u ohm's bulk calls against one call per key (same keys, same order, same sample; "
           "ratio: median of the per-repetition ratios, < 1: the bulk call is faster)\n",
           bits);
    printf("%8s %6s %9s %9s %6s %9s %-8s %6s %9s %9s %6s\n", "C", "a", "get-many", "N_get", "ratio",
           "best hit", "(peer)", "ratio", "remove-if", "N_remove", "ratio");
    for (size_t ci = 0; ci < ncells; ci++) {
        const cell_result *c = &cells[ci];
        if (c->key_bits != bits)
            continue;
        const map_result *o = &c->maps[0];
        size_t p = best_peer_hit(c, nmaps);
        printf("%8u %6s", c->capacity, load_label(c->load, lb, sizeof lb));
        print_ns(median(o->ns[OP_GET_MANY], c->reps));
        print_ns(median(o->hit_again, c->reps));
        printf("  %5.2f", median_ratio(o->ns[OP_GET_MANY], o->hit_again, c->reps));
        if (p) {
            print_ns(median(c->maps[p].hit_again, c->reps));
            printf(" %-8.8s  %5.2f", maps[p]->name, median_ratio(o->ns[OP_GET_MANY], c->maps[p].hit_again, c->reps));
        } else {
            printf(" %9s %-8s %6s", "-", "", "-");
        }
        print_ns(median(o->ns[OP_REMOVE_IF], c->reps));
        print_ns(median(o->erase_picked, c->reps));
        printf("  %5.2f\n", median_ratio(o->ns[OP_REMOVE_IF], o->erase_picked, c->reps));
    }
    printf("(ns per lookup and per entry removed.  N_get: the hit loop run again beside get-many; best hit: the\n"
           "fastest peer's same pass; N_remove: erase's first part, the keys remove-if removes, one N_remove each.)\n");
}

static void print_tables(const cell_result *cells, size_t ncells, const bench_map_ops *const *maps,
                         size_t nmaps, const options *o, const meta *mt)
{
    char lb[16];
    printf("\nohm benchmark  %s  %s (nproc %ld)\n", mt->date, mt->machine, mt->nproc);
    printf("compilers: %s | %s   flags: %s\n", mt->cc, mt->cxx, mt->flags);
    for (unsigned ki = 0; ki < o->nkeys; ki++) {
        unsigned bits = o->keys[ki];
        printf("\nu%u -> u%u: ohm column = ns per operation (memory: bytes per entry); "
               "other columns = ratio to ohm (> 1: ohm is faster / smaller)\n",
               bits, bits);
        printf("%-16s %8s %6s %8s", "op", "C", "a", "ohm");
        for (size_t m = 1; m < nmaps; m++)
            printf(" %8.8s", maps[m]->name);
        printf("\n");
        for (int op = 0; op < OP_ALL; op++) {
            for (size_t ci = 0; ci < ncells; ci++) {
                const cell_result *c = &cells[ci];
                if (c->key_bits != bits)
                    continue;
                printf("%-16s %8u %6s", OP_NAMES[op], c->capacity, load_label(c->load, lb, sizeof lb));
                print_ns(ohm_value(c, op));
                for (size_t m = 1; m < nmaps; m++)
                    print_ratio(peer_ratio(c, m, op));
                printf("\n");
            }
        }
        if (maps[0]->lookup_many) {
            printf("(get-many, remove-if: ohm's bulk calls, ns per lookup and per entry removed; a peer's column is\n"
                   " its time one key at a time on the same keys (its hit loop again; its erase of them) / ohm's.)\n");
            print_bulk_table(cells, ncells, maps, nmaps, bits);
        }
        printf("\nu%u achieved load (entries / slots after insert; \"x>y\": y after churn; "
               "? = not exposed; uthash: items per bucket)\n",
               bits);
        printf("%8s %6s", "C", "a");
        for (size_t m = 0; m < nmaps; m++)
            if (maps[m]->load_factor) /* the memcpy floor has none */
                printf(" %10.10s", maps[m]->name);
        printf("\n");
        for (size_t ci = 0; ci < ncells; ci++) {
            const cell_result *c = &cells[ci];
            if (c->key_bits != bits)
                continue;
            printf("%8u %6s", c->capacity, load_label(c->load, lb, sizeof lb));
            for (size_t m = 0; m < nmaps; m++) {
                if (maps[m]->load_factor == NULL)
                    continue;
                double li = c->maps[m].load_insert, lc = c->maps[m].load_churn;
                char buf[32];
                if (!isfinite(li))
                    snprintf(buf, sizeof buf, "-");
                else if (li < 0)
                    snprintf(buf, sizeof buf, "?");
                else if (isfinite(lc) && fabs(lc - li) > 0.005)
                    snprintf(buf, sizeof buf, "%.2f>%.2f", li, lc);
                else
                    snprintf(buf, sizeof buf, "%.3f", li);
                printf(" %10s", buf);
            }
            printf("\n");
        }
    }
}

static void csv_field(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void write_csv(const char *path, const cell_result *cells, size_t ncells,
                      const bench_map_ops *const *maps, size_t nmaps, const options *o, const meta *mt)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "bench: cannot write %s: %s\n", path, strerror(errno));
        return;
    }
    /* '#' lines carry the run's context; CSV readers skip them with a
     * comment option (pandas: comment='#'; bench/plot.py does it). */
    fprintf(f, "# ohm benchmark (workload: bench/README.md)\n");
    fprintf(f, "# date: %s\n# machine: %s\n# nproc: %ld\n", mt->date, mt->machine, mt->nproc);
    fprintf(f, "# cc: %s\n# cxx: %s\n# flags: %s\n# grid: %s\n", mt->cc, mt->cxx, mt->flags,
            o->custom ? "custom" : o->full ? "full" : "default subset");
    fprintf(f, "key_bits,op,capacity,load,n,map,value,unit,ratio_to_ohm,samples,batch,"
               "achieved_load,load_after_churn\n");
    char lb[16];
    for (size_t ci = 0; ci < ncells; ci++) {
        const cell_result *c = &cells[ci];
        for (int op = 0; op < OP_ALL; op++)
            for (size_t m = 0; m < nmaps; m++) {
                /* In the bulk rows ohm gets a second line: its own calls one
                 * key at a time ("ohm N_get", "ohm N_remove"), over ohm's
                 * bulk call. */
                int extra = m == 0 && is_bulk_op(op);
                for (int k = 0; k <= extra; k++) {
                    const double *one = op == OP_GET_MANY ? c->maps[0].hit_again : c->maps[0].erase_picked;
                    double v = k ? median(one, c->reps) : peer_value(c, m, op);
                    if (!isfinite(v))
                        continue;
                    const map_result *r = &c->maps[m];
                    fprintf(f, "%u,%s,%u,%s,%u,", c->key_bits, OP_NAMES[op], c->capacity,
                            load_label(c->load, lb, sizeof lb), c->n);
                    csv_field(f, k ? (op == OP_GET_MANY ? "ohm N_get" : "ohm N_remove") : maps[m]->name);
                    fprintf(f, ",%.4f,%s,", v, op == OP_MEMORY ? "B/entry" : "ns/op");
                    double ratio = k ? median_ratio(one, c->maps[0].ns[op], c->reps)
                                     : m == 0 ? 1.0 : peer_ratio(c, m, op);
                    if (isfinite(ratio))
                        fprintf(f, "%.4f", ratio);
                    fprintf(f, ",%u,%u,", op == OP_MEMORY ? 1 : c->reps, c->batch);
                    if (isfinite(r->load_insert) && r->load_insert >= 0)
                        fprintf(f, "%.4f", r->load_insert);
                    fputc(',', f);
                    if (isfinite(r->load_churn) && r->load_churn >= 0)
                        fprintf(f, "%.4f", r->load_churn);
                    fputc('\n', f);
                }
            }
    }
    fclose(f);
    fprintf(stderr, "bench: wrote %s\n", path);
}

/* ------------------------------------------------------------------------
 * Churn latency (--latency)
 *
 * The grid's churn figure is a mean over n steps; a fixed-capacity map can
 * hide long single steps in it (a removal that shifts a long cluster, an
 * insert that walks one), and a growing map its rehashes.  Here every
 * remove + put step is timed on its own: for each cell and map, a map is
 * filled with n keys (not timed), then 2n churn steps (two turnovers, the
 * same key sequences as the grid's churn) are timed one by one.
 *
 * On a shared machine a step is now and then stretched by something else
 * (an interrupt, another process or the hypervisor taking the CPU for
 * microseconds to milliseconds), far more often than once in a thousand
 * steps.  So each map runs the same 2n steps `reps` times (default 3), one
 * run right after the other, and each step keeps the fastest of its times:
 * a step is long in all runs only if the map made it long.  The runs are
 * the same work: same keys in the same order, and, because nothing else
 * allocates in between, the same addresses (absl mixes the table's address
 * into its probe positions).  The median, p99, p99.9, maximum and mean of
 * these per-step times are reported, with the raw maximum (any run, no
 * filtering) beside them.
 * ---------------------------------------------------------------------- */
static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* ns per bench_ticks() tick, measured against the monotonic clock. */
static double ns_per_tick(void)
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
static void clock_cost(uint64_t *cost, uint64_t *resolution)
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
static uint64_t quantile(const uint64_t *sorted, size_t count, double q)
{
    size_t rank = (size_t)ceil(q * (double)count);
    if (rank < 1)
        rank = 1;
    if (rank > count)
        rank = count;
    return sorted[rank - 1];
}

typedef struct latency_row {
    unsigned key_bits;
    uint32_t capacity, n;
    double load;
    const char *map;
    size_t calls;
    unsigned runs;
    double median, p99, p999, max, mean, raw_max; /* ns per call */
    double load_after;                            /* entries / slots after churn; < 0 unknown */
} latency_row;

static int run_latency(const options *o, const meta *mt, const bench_map_ops *maps[2][ALL_MAPS_COUNT], size_t nmaps)
{
    const double tick_ns = ns_per_tick();
    uint64_t cost, resolution;
    clock_cost(&cost, &resolution);
    const char *clock_name = BENCH_TICKS_ARE_NS ? "timespec_get" : "lfence + rdtsc";
    size_t nrows_max = (size_t)o->nkeys * o->nsizes * o->nloads * nmaps, nrows = 0;
    latency_row *rows = xcalloc(nrows_max, sizeof *rows);
    int failed = 0;
    uint64_t t_start = now_ns();

    for (unsigned ki = 0; ki < o->nkeys; ki++) {
        unsigned bits = o->keys[ki];
        const bench_map_ops *const *ops = maps[bits == 64];
        uint32_t nmax = 1;
        for (unsigned si = 0; si < o->nsizes; si++)
            for (unsigned li = 0; li < o->nloads; li++) {
                uint32_t n = (uint32_t)floor(o->loads[li] * o->sizes[si]);
                nmax = n > nmax ? n : nmax;
            }
        key_pools pools = make_pools(bits, nmax);

        for (unsigned si = 0; si < o->nsizes; si++)
            for (unsigned li = 0; li < o->nloads; li++) {
                uint32_t capacity = o->sizes[si];
                double load = o->loads[li];
                uint32_t n = (uint32_t)floor(load * capacity);
                unsigned runs = o->reps ? o->reps : 3;
                if (n == 0)
                    continue;
                cell_data d = make_cell_data(&pools, capacity, load, n);
                const size_t steps = (size_t)2 * n;
                uint64_t *best = xcalloc(steps, sizeof *best);
                uint64_t *run = xcalloc(steps, sizeof *run);
                fprintf(stderr, "bench: latency u%-2u C=%-7u a=%-5.3f n=%-7u %u runs ", bits, capacity, load, n,
                        runs);
                uint64_t t_cell = now_ns();
                for (size_t m = 0; m < nmaps; m++) {
                    const bench_map_ops *mo = ops[m];
                    if (mo->churn_each == NULL || mo->insert == NULL)
                        continue;
                    uint64_t raw_max = 0;
                    double load_after = -1;
                    int ok = 1;
                    for (unsigned r = 0; r < runs && ok; r++) {
                        void *map = mo->create(&d.cell);
                        if (map == NULL) {
                            fprintf(stderr, "\nbench: FAIL %s latency: create returned NULL\n", mo->name);
                            ok = 0;
                            break;
                        }
                        mo->insert(map, d.ins, n);
                        mo->churn_each(map, d.del, d.add, (uint32_t)steps, run);
                        if (mo->count && mo->count(map) != n) {
                            fprintf(stderr, "\nbench: FAIL %s latency: count after churn %u, want %u\n",
                                    mo->name, mo->count(map), n);
                            ok = 0;
                        }
                        if (mo->lookup && mo->lookup(map, d.hit2, n) != d.hit2_sum) {
                            fprintf(stderr, "\nbench: FAIL %s latency: lookups after churn\n", mo->name);
                            ok = 0;
                        }
                        if (mo->load_factor)
                            load_after = mo->load_factor(map);
                        mo->destroy(map);
                        for (size_t i = 0; i < steps; i++) {
                            raw_max = run[i] > raw_max ? run[i] : raw_max;
                            best[i] = (r == 0 || run[i] < best[i]) ? run[i] : best[i];
                        }
                        fputc('.', stderr);
                    }
                    if (!ok) {
                        failed = 1;
                        continue;
                    }
                    double sum = 0;
                    for (size_t i = 0; i < steps; i++) {
                        best[i] = best[i] > cost ? best[i] - cost : 0;
                        sum += (double)best[i];
                    }
                    qsort(best, steps, sizeof *best, cmp_u64);
                    latency_row *row = &rows[nrows++];
                    row->key_bits = bits;
                    row->capacity = capacity;
                    row->n = n;
                    row->load = load;
                    row->map = mo->name;
                    row->calls = steps;
                    row->runs = runs;
                    row->median = (double)quantile(best, steps, 0.5) * tick_ns;
                    row->p99 = (double)quantile(best, steps, 0.99) * tick_ns;
                    row->p999 = (double)quantile(best, steps, 0.999) * tick_ns;
                    row->max = (double)best[steps - 1] * tick_ns;
                    row->mean = sum / (double)steps * tick_ns;
                    row->raw_max = (double)(raw_max > cost ? raw_max - cost : 0) * tick_ns;
                    row->load_after = load_after;
                }
                fprintf(stderr, " %.1fs\n", (double)(now_ns() - t_cell) / 1e9);
                free(best);
                free(run);
                free_cell_data(&d);
            }
        free(pools.present);
    }

    char lb[16];
    printf("\nohm churn latency  %s  %s (nproc %ld)\n", mt->date, mt->machine, mt->nproc);
    printf("compilers: %s | %s   flags: %s\n", mt->cc, mt->cxx, mt->flags);
    printf("\nns per churn call (remove one present key + put one new key), each call timed on its own:\n"
           "n inserts, then 2n calls (two turnovers), the same calls run %u times; each call keeps its\n"
           "fastest run (\"raw max\": the slowest call of any run, unfiltered).  Clock: %s,\n"
           "resolution %.1f ns, %.1f ns per read (subtracted).\n",
           nrows ? rows[0].runs : 0, clock_name, (double)resolution * tick_ns, (double)cost * tick_ns);
    printf("%-8s %8s %6s %8s %8s %8s %8s %10s %8s %10s %6s\n", "map", "C", "a", "calls", "median", "p99",
           "p99.9", "max", "mean", "raw max", "load");
    for (size_t i = 0; i < nrows; i++) {
        const latency_row *r = &rows[i];
        if (i > 0 && (r->capacity != rows[i - 1].capacity || r->load != rows[i - 1].load ||
                      r->key_bits != rows[i - 1].key_bits))
            printf("\n");
        char lf[16];
        if (isfinite(r->load_after) && r->load_after >= 0)
            snprintf(lf, sizeof lf, "%.3f", r->load_after);
        else
            snprintf(lf, sizeof lf, "?");
        printf("%-8.8s %8u %6s %8zu %8.0f %8.0f %8.0f %10.0f %8.1f %10.0f %6s%s\n", r->map, r->capacity,
               load_label(r->load, lb, sizeof lb), r->calls, r->median, r->p99, r->p999, r->max, r->mean,
               r->raw_max, lf, o->nkeys > 1 ? (r->key_bits == 64 ? "  u64" : "  u32") : "");
    }
    printf("(load: entries / slots after churn; absl and boost choose their own size.)\n");
    fflush(stdout); /* before the status lines on stderr */

    if (o->csv) {
        FILE *f = fopen(o->csv, "w");
        if (f == NULL) {
            fprintf(stderr, "bench: cannot write %s: %s\n", o->csv, strerror(errno));
        } else {
            fprintf(f, "# ohm churn latency (bench --latency; see bench/README.md)\n");
            fprintf(f, "# date: %s\n# machine: %s\n# nproc: %ld\n", mt->date, mt->machine, mt->nproc);
            fprintf(f, "# cc: %s\n# cxx: %s\n# flags: %s\n", mt->cc, mt->cxx, mt->flags);
            fprintf(f, "# clock: %s, resolution %.2f ns, %.2f ns per read (subtracted from every call)\n",
                    clock_name, (double)resolution * tick_ns, (double)cost * tick_ns);
            fprintf(f, "key_bits,capacity,load,n,map,calls,runs,median_ns,p99_ns,p999_ns,max_ns,mean_ns,"
                       "raw_max_ns,load_after_churn\n");
            for (size_t i = 0; i < nrows; i++) {
                const latency_row *r = &rows[i];
                fprintf(f, "%u,%u,%s,%u,", r->key_bits, r->capacity, load_label(r->load, lb, sizeof lb), r->n);
                csv_field(f, r->map);
                fprintf(f, ",%zu,%u,%.1f,%.1f,%.1f,%.1f,%.2f,%.1f,", r->calls, r->runs, r->median, r->p99, r->p999,
                        r->max, r->mean, r->raw_max);
                if (isfinite(r->load_after) && r->load_after >= 0)
                    fprintf(f, "%.4f", r->load_after);
                fputc('\n', f);
            }
            fclose(f);
            fprintf(stderr, "bench: wrote %s\n", o->csv);
        }
    }
    fprintf(stderr, "bench: latency measured in %.1f s%s\n", (double)(now_ns() - t_start) / 1e9,
            failed ? "; SOME MAPS GAVE WRONG ANSWERS (see FAIL lines)" : "");
    free(rows);
    return failed;
}

/* ------------------------------------------------------------------------
 * Main
 * ---------------------------------------------------------------------- */
int main(int argc, char **argv)
{
    options o = parse_options(argc, argv);
    meta mt = gather_meta();
#ifdef BENCH_HAVE_GHOSTTY
    if (!bench_ghostty_hash_ok())
        die("ghostty: the integer hash does not give Zig's std.hash.int value for 1");
#endif

    /* Serve every allocation from the heap and never hand memory back, so
     * that (1) mallinfo2 sees every map's allocations, and (2) a map
     * created or cloned in a later repetition reuses pages the process
     * already touched instead of paying fresh page faults, whichever size
     * class glibc would otherwise mmap.  The same for every map. */
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, -1);

    const bench_map_ops *maps[2][ALL_MAPS_COUNT];
    size_t nmaps = 0;
    for (size_t m = 0; m < ALL_MAPS_COUNT; m++)
        if (map_selected(&o, ALL_MAPS[m].ops[0]->name)) {
            maps[0][nmaps] = ALL_MAPS[m].ops[0];
            maps[1][nmaps] = ALL_MAPS[m].ops[1];
            nmaps++;
        }
    if (o.latency)
        return run_latency(&o, &mt, maps, nmaps) ? 1 : 0;

    size_t ncells = (size_t)o.nkeys * o.nsizes * o.nloads;
    cell_result *cells = xcalloc(ncells, sizeof *cells);
    uint64_t t_start = now_ns();
    int failed = 0;
    size_t ci = 0;

    for (unsigned ki = 0; ki < o.nkeys; ki++) {
        unsigned bits = o.keys[ki];
        const bench_map_ops *const *ops = maps[bits == 64];
        uint32_t nmax = 1;
        for (unsigned si = 0; si < o.nsizes; si++)
            for (unsigned li = 0; li < o.nloads; li++) {
                uint32_t n = (uint32_t)floor(o.loads[li] * o.sizes[si]);
                nmax = n > nmax ? n : nmax;
            }
        key_pools pools = make_pools(bits, nmax);

        for (unsigned si = 0; si < o.nsizes; si++)
            for (unsigned li = 0; li < o.nloads; li++, ci++) {
                cell_result *c = &cells[ci];
                c->key_bits = bits;
                c->capacity = o.sizes[si];
                c->load = o.loads[li];
                c->n = (uint32_t)floor(c->load * c->capacity);
                c->reps = reps_for(&o, c->capacity);
                if (c->reps > 256)
                    c->reps = 256;
                c->batch = c->n ? (1024 + c->n - 1) / c->n : 1;
                c->maps = xcalloc(nmaps, sizeof *c->maps);
                for (size_t m = 0; m < nmaps; m++) {
                    for (int op = 0; op < OP_TIMED; op++) {
                        c->maps[m].ns[op] = xcalloc(c->reps, sizeof(double));
                        for (unsigned r = 0; r < c->reps; r++)
                            c->maps[m].ns[op][r] = NAN;
                    }
                    c->maps[m].hit_again = xcalloc(c->reps, sizeof(double));
                    c->maps[m].erase_picked = xcalloc(c->reps, sizeof(double));
                    for (unsigned r = 0; r < c->reps; r++)
                        c->maps[m].hit_again[r] = c->maps[m].erase_picked[r] = NAN;
                    c->maps[m].bytes_per_entry = NAN;
                    c->maps[m].load_insert = NAN;
                    c->maps[m].load_churn = NAN;
                }
                if (c->n == 0)
                    continue;

                cell_data d = make_cell_data(&pools, c->capacity, c->load, c->n);
                /* The floor copies as many bytes as ohm's block. */
                void *probe = ops[0]->create(&d.cell);
                if (probe == NULL)
                    die("ohm cannot lay out capacity %u", c->capacity);
                d.cell.ohm_block_bytes = ops[0]->block_bytes(probe);
                ops[0]->destroy(probe);

                fprintf(stderr, "bench: u%-2u C=%-7u a=%-5.3f n=%-7u x%u maps, %u reps ", bits,
                        c->capacity, c->load, c->n, c->batch, c->reps);
                uint64_t t_cell = now_ns(), slowest_ns = 0;
                size_t slowest = 0;
                uint64_t *spent = xcalloc(nmaps, sizeof *spent);
                for (unsigned r = 0; r < c->reps; r++) {
                    /* Rotate who goes first, so no map always runs right
                     * after the same neighbour. */
                    for (size_t k = 0; k < nmaps; k++) {
                        size_t m = (k + r) % nmaps;
                        sample_ctx sc = {ops[m], &d, c->batch, r, &c->maps[m]};
                        uint64_t t0 = now_ns();
                        run_sample(&sc);
                        spent[m] += now_ns() - t0;
                    }
                    fputc('.', stderr);
                }
                for (size_t m = 0; m < nmaps; m++)
                    if (spent[m] > slowest_ns)
                        slowest_ns = spent[m], slowest = m;
                free(spent);
                fprintf(stderr, " %.1fs (slowest: %s %.1fs)\n", (double)(now_ns() - t_cell) / 1e9,
                        ops[slowest]->name, (double)slowest_ns / 1e9);
                for (size_t m = 0; m < nmaps; m++)
                    failed |= c->maps[m].failed;
                free_cell_data(&d);
            }
        free(pools.present);
    }

    print_tables(cells, ncells, maps[o.nkeys == 1 && o.keys[0] == 64], nmaps, &o, &mt);
    /* The tables go to stdout, the status lines to stderr.  When stdout is
     * a pipe it is fully buffered, so without this flush the lines below
     * would land in the middle of a table. */
    fflush(stdout);
    if (o.csv)
        write_csv(o.csv, cells, ncells, maps[0], nmaps, &o, &mt);
    fprintf(stderr, "bench: measured in %.1f s%s\n", (double)(now_ns() - t_start) / 1e9,
            failed ? "; SOME MAPS GAVE WRONG ANSWERS (see FAIL lines)" : "");

    for (size_t i = 0; i < ncells; i++) {
        for (size_t m = 0; m < nmaps; m++)
        {
            for (int op = 0; op < OP_TIMED; op++)
                free(cells[i].maps[m].ns[op]);
            free(cells[i].maps[m].hit_again);
            free(cells[i].maps[m].erase_picked);
        }
        free(cells[i].maps);
    }
    free(cells);
    return failed ? 1 : 0;
}
