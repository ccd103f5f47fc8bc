/* report.h - what the benchmark prints and writes: the run's context, the
 * grid's tables (stdout) and CSV (bench/results/bench.csv, which plot.py
 * draws), and the latency report's table and CSV. */
#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"
#include "peers/peer.h"
#include "sample.h"

/* The run's context, printed above the tables and in the CSVs' '#' lines. */
typedef struct meta {
    char date[32];
    char machine[160];
    long nproc;
    const char *cc, *cxx, *flags;
} meta;
meta gather_meta(void);

/* The grid: one table per key width, ohm's figures and the peers' ratios,
 * then the bulk calls' table and the achieved loads. */
void print_tables(const cell_result *cells, size_t ncells, const bench_map_ops *const *maps,
                  size_t nmaps, const options *o, const meta *mt);
void write_csv(const char *path, const cell_result *cells, size_t ncells,
               const bench_map_ops *const *maps, size_t nmaps, const options *o, const meta *mt);

/* One row of the latency report: one map in one cell. */
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

/* The tick clock the latency report timed each call with. */
typedef struct latency_clock {
    const char *name;
    double tick_ns;               /* ns per tick */
    uint64_t cost, resolution;    /* ticks */
} latency_clock;

void print_latency(const latency_row *rows, size_t nrows, const latency_clock *clk, const options *o,
                   const meta *mt);
void write_latency_csv(const char *path, const latency_row *rows, size_t nrows, const latency_clock *clk,
                       const meta *mt);

#endif /* BENCH_REPORT_H */
