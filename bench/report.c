/* report.c - tables and CSVs (report.h). */
#define _GNU_SOURCE /* sysconf */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "timing.h"

static void chomp(char *s)
{
    size_t l = strlen(s);
    while (l && (s[l - 1] == '\n' || s[l - 1] == ' '))
        s[--l] = 0;
}

meta gather_meta(void)
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

void print_tables(const cell_result *cells, size_t ncells, const bench_map_ops *const *maps, size_t nmaps,
                  const options *o, const meta *mt)
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

/* A CSV file for writing, its first '#' lines written: the title and the
 * run's context.  '#' lines carry the run's context; CSV readers skip them
 * with a comment option (pandas: comment='#'; bench/plot.py does it).
 * NULL, said on stderr, when it cannot be written. */
static FILE *csv_open(const char *path, const char *title, const meta *mt)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "bench: cannot write %s: %s\n", path, strerror(errno));
        return NULL;
    }
    fprintf(f, "# %s\n", title);
    fprintf(f, "# date: %s\n# machine: %s\n# nproc: %ld\n", mt->date, mt->machine, mt->nproc);
    fprintf(f, "# cc: %s\n# cxx: %s\n# flags: %s\n", mt->cc, mt->cxx, mt->flags);
    return f;
}

void write_csv(const char *path, const cell_result *cells, size_t ncells, const bench_map_ops *const *maps,
               size_t nmaps, const options *o, const meta *mt)
{
    FILE *f = csv_open(path, "ohm benchmark (workload: bench/README.md)", mt);
    if (f == NULL)
        return;
    fprintf(f, "# grid: %s\n", o->custom ? "custom" : o->full ? "full" : "default subset");
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

void print_latency(const latency_row *rows, size_t nrows, const latency_clock *clk, const options *o,
                   const meta *mt)
{
    char lb[16];
    printf("\nohm churn latency  %s  %s (nproc %ld)\n", mt->date, mt->machine, mt->nproc);
    printf("compilers: %s | %s   flags: %s\n", mt->cc, mt->cxx, mt->flags);
    printf("\nns per churn call (remove one present key + put one new key), each call timed on its own:\n"
           "n inserts, then 2n calls (two turnovers), the same calls run %u times; each call keeps its\n"
           "fastest run (\"raw max\": the slowest call of any run, unfiltered).  Clock: %s,\n"
           "resolution %.1f ns, %.1f ns per read (subtracted).\n",
           nrows ? rows[0].runs : 0, clk->name, (double)clk->resolution * clk->tick_ns,
           (double)clk->cost * clk->tick_ns);
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
}

void write_latency_csv(const char *path, const latency_row *rows, size_t nrows, const latency_clock *clk,
                       const meta *mt)
{
    char lb[16];
    FILE *f = csv_open(path, "ohm churn latency (bench --latency; see bench/README.md)", mt);
    if (f == NULL)
        return;
    fprintf(f, "# clock: %s, resolution %.2f ns, %.2f ns per read (subtracted from every call)\n",
            clk->name, (double)clk->resolution * clk->tick_ns, (double)clk->cost * clk->tick_ns);
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
    fprintf(stderr, "bench: wrote %s\n", path);
}
