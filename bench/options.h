/* options.h - the command line (bench --help), the default grids and the
 * repetitions per cell. */
#ifndef BENCH_OPTIONS_H
#define BENCH_OPTIONS_H

#include <stdint.h>

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

/* The options of argv (and BENCH_FULL); --list and --help print and exit,
 * a bad option dies. */
options parse_options(int argc, char **argv);
/* Repetitions of the cells of this capacity. */
unsigned reps_for(const options *o, uint32_t capacity);
/* Is map `name` selected by --maps?  ohm always is: it is the baseline. */
int map_selected(const options *o, const char *name);

#endif /* BENCH_OPTIONS_H */
