/* main.c - the benchmark against peer maps: the workload of bench/README.md
 * ("The workload"), for ohm and its peers.
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
 * --latency runs the churn-latency report instead (latency.c).
 *
 * Usage: bench [--full | --latency] [--sizes=16,256] [--loads=0.5,0.97]
 *              [--keys=32,64] [--maps=ohm,absl] [--reps=N] [--csv=PATH] [--list]
 * run.sh is the normal entry point; it builds this and passes the options.
 *
 * The program, a file per concern (bench/README.md, "Files"): this file
 * runs the grid of cells, the maps taking turns; options.c reads the
 * command line; maps.c lists the maps; workload.c draws the keys and
 * prepares each cell; sample.c times and checks one sample; latency.c is
 * the --latency report; report.c prints the tables and writes the CSVs;
 * timing.c has the clocks and medians; util.c the helpers.
 */
#define _GNU_SOURCE /* mallopt, clock_gettime */
#include <malloc.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "latency.h"
#include "maps.h"
#include "options.h"
#include "peers/peer.h"
#include "report.h"
#include "sample.h"
#include "timing.h"
#include "util.h"
#include "workload.h"

int main(int argc, char **argv)
{
    options o = parse_options(argc, argv);
    meta mt = gather_meta();
    check_maps();

    /* Serve every allocation from the heap and never hand memory back, so
     * that (1) mallinfo2 sees every map's allocations, and (2) a map
     * created or cloned in a later repetition reuses pages the process
     * already touched instead of paying fresh page faults, whichever size
     * class glibc would otherwise mmap.  The same for every map. */
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, -1);

    /* The selected maps, in ALL_MAPS's order: [0] u32 -> u32, [1] u64 -> u64. */
    const bench_map_ops **selected[2] = {xcalloc(ALL_MAPS_COUNT, sizeof *selected[0]),
                                         xcalloc(ALL_MAPS_COUNT, sizeof *selected[1])};
    size_t nmaps = 0;
    for (size_t m = 0; m < ALL_MAPS_COUNT; m++)
        if (map_selected(&o, ALL_MAPS[m].ops[0]->name)) {
            selected[0][nmaps] = ALL_MAPS[m].ops[0];
            selected[1][nmaps] = ALL_MAPS[m].ops[1];
            nmaps++;
        }
    const bench_map_ops *const *const maps[2] = {selected[0], selected[1]};
    if (o.latency) {
        int latency_failed = run_latency(&o, &mt, maps, nmaps);
        free(selected[0]);
        free(selected[1]);
        return latency_failed ? 1 : 0;
    }

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
    free(selected[0]);
    free(selected[1]);
    return failed ? 1 : 0;
}
