/* latency.c - the churn-latency report (latency.h). */
#define _GNU_SOURCE /* clock_gettime */
#include "latency.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "timing.h"
#include "util.h"
#include "workload.h"

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
int run_latency(const options *o, const meta *mt, const bench_map_ops *const *const maps[2], size_t nmaps)
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

    latency_clock clk = {clock_name, tick_ns, cost, resolution};
    print_latency(rows, nrows, &clk, o, mt);
    fflush(stdout); /* before the status lines on stderr */
    if (o->csv)
        write_latency_csv(o->csv, rows, nrows, &clk, mt);
    fprintf(stderr, "bench: latency measured in %.1f s%s\n", (double)(now_ns() - t_start) / 1e9,
            failed ? "; SOME MAPS GAVE WRONG ANSWERS (see FAIL lines)" : "");
    free(rows);
    return failed;
}
