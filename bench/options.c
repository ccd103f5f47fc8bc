/* options.c - the command line (options.h). */
#include "options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maps.h"
#include "util.h"

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
/* A default list into an option's array and its count. */
#define SET_LIST(array, count, list) ((count) = sizeof list / sizeof list[0], memcpy((array), list, sizeof list))

/* Repetitions per cell: many for small cells (cheap and noisy), few for
 * the big ones (each sample builds million-entry maps for every peer). */
unsigned reps_for(const options *o, uint32_t capacity)
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

options parse_options(int argc, char **argv)
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
        SET_LIST(o.sizes, o.nsizes, LATENCY_SIZES);
    } else if (o.full) {
        SET_LIST(o.sizes, o.nsizes, FULL_SIZES);
    } else {
        SET_LIST(o.sizes, o.nsizes, DEFAULT_SIZES);
    }
    if (loads) {
        o.nloads = parse_list(loads, o.loads, "load");
        for (unsigned i = 0; i < o.nloads; i++)
            if (!(o.loads[i] > 0 && o.loads[i] <= 1))
                die("load %g is not in (0, 1]", o.loads[i]);
    } else if (o.full || o.latency) {
        SET_LIST(o.loads, o.nloads, FULL_LOADS);
    } else {
        SET_LIST(o.loads, o.nloads, DEFAULT_LOADS);
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
int map_selected(const options *o, const char *name)
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
