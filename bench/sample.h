/* sample.h - one sample (bench/README.md, "The workload"): every timed
 * operation on B maps of one kind for one cell, each answer checked; the
 * operations (the rows of the tables and the CSV) and where their figures
 * are kept. To add an operation: an OP_ entry here, its name in OP_NAMES
 * and its timed step in run_sample (sample.c). */
#ifndef BENCH_SAMPLE_H
#define BENCH_SAMPLE_H

#include <stdint.h>

#include "peers/peer.h"
#include "workload.h"

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
extern const char *const OP_NAMES[OP_ALL];

/* The bulk operations (get-many, remove-if) are ohm's own calls.  A map
 * without them gets, in their place, the figure of what it does one key
 * at a time on the same keys in the same order: its hit loop run again
 * beside get-many (`hit_again`) and its erase of the keys remove-if
 * removes (`erase_picked`).  Their ratio to ohm's bulk call is what the
 * table shows in those rows. */
static inline int is_bulk_op(int op) { return op == OP_GET_MANY || op == OP_REMOVE_IF; }

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

typedef struct sample_ctx {
    const bench_map_ops *ops;
    const cell_data *d;
    unsigned batch;
    unsigned rep;
    map_result *res;
} sample_ctx;

/* Runs c->ops's operations on c->batch maps for cell c->d and stores the
 * figures of repetition c->rep in c->res (c->res->failed on a wrong answer). */
void run_sample(const sample_ctx *c);

#endif /* BENCH_SAMPLE_H */
