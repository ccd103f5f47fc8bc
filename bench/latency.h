/* latency.h - the churn-latency report (bench --latency): every remove +
 * put step timed on its own (latency.c says how). */
#ifndef BENCH_LATENCY_H
#define BENCH_LATENCY_H

#include <stddef.h>

#include "options.h"
#include "peers/peer.h"
#include "report.h"

/* Measures, prints and (--csv) writes the report for the nmaps maps of
 * maps[0] (u32) and maps[1] (u64); nonzero when a map answered wrongly. */
int run_latency(const options *o, const meta *mt, const bench_map_ops *const *const maps[2], size_t nmaps);

#endif /* BENCH_LATENCY_H */
