/* workload.h - what the benchmark asks of every map (bench/README.md, "The
 * workload"): the pools of keys, drawn once per key width, and each cell's
 * key sequences and expected answers, prepared before any timing. */
#ifndef BENCH_WORKLOAD_H
#define BENCH_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "peers/peer.h"

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

key_pools make_pools(unsigned key_bits, uint32_t size);

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

/* The keys, orders and sums of one cell (capacity, load, n entries) from
 * the pools; free_cell_data() releases them. */
cell_data make_cell_data(const key_pools *p, uint32_t capacity, double load, uint32_t n);
void free_cell_data(cell_data *d);

#endif /* BENCH_WORKLOAD_H */
