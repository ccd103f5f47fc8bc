/* maps.h - the maps the benchmark runs: ohm (the baseline), the peers
 * run.sh could build, and the memcpy floor. To add a peer: its adapter in
 * peers/ (bench/README.md, "Files"), its name in run.sh's lists, and its
 * entry in maps.c. */
#ifndef BENCH_MAPS_H
#define BENCH_MAPS_H

#include <stddef.h>

#include "peers/peer.h"

typedef struct map_entry {
    const bench_map_ops *ops[2]; /* [0] u32 -> u32, [1] u64 -> u64 */
} map_entry;

/* Every map built in, ohm first: it is the baseline every ratio divides by. */
extern const map_entry ALL_MAPS[];
extern const size_t ALL_MAPS_COUNT;

/* Dies when a map built in is not the one it claims to be (ghostty's hash). */
void check_maps(void);

#endif /* BENCH_MAPS_H */
