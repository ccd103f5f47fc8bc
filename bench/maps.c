/* maps.c - the list of maps (maps.h); the only file of the driver that
 * run.sh compiles with the peers' BENCH_HAVE_<PEER> macros. */
#include "maps.h"

#include "util.h"

/* ------------------------------------------------------------------------
 * The maps.  run.sh defines BENCH_HAVE_<PEER> for each peer it could build;
 * ohm (the baseline) and the memcpy floor are always there.
 * ---------------------------------------------------------------------- */
#define BENCH_DECLARE(p) extern const bench_map_ops bench_##p##_u32, bench_##p##_u64
#define BENCH_ENTRY(p) {{&bench_##p##_u32, &bench_##p##_u64}}

BENCH_DECLARE(ohm);
BENCH_DECLARE(floor);
#ifdef BENCH_HAVE_GHOSTTY
BENCH_DECLARE(ghostty);
int bench_ghostty_hash_ok(void);
#endif
#ifdef BENCH_HAVE_ABSL
BENCH_DECLARE(absl);
#endif
#ifdef BENCH_HAVE_BOOST
BENCH_DECLARE(boost);
#endif
#ifdef BENCH_HAVE_KHASH
BENCH_DECLARE(khash);
#endif
#ifdef BENCH_HAVE_GLIB
BENCH_DECLARE(glib);
#endif
#ifdef BENCH_HAVE_STB
BENCH_DECLARE(stb);
#endif
#ifdef BENCH_HAVE_UTHASH
BENCH_DECLARE(uthash);
#endif
#ifdef BENCH_HAVE_DENSE
BENCH_DECLARE(dense);
BENCH_DECLARE(dense_at_c);
#endif

/* ohm first: it is the baseline every ratio divides by. */
const map_entry ALL_MAPS[] = {
    BENCH_ENTRY(ohm),
#ifdef BENCH_HAVE_GHOSTTY
    BENCH_ENTRY(ghostty),
#endif
#ifdef BENCH_HAVE_ABSL
    BENCH_ENTRY(absl),
#endif
#ifdef BENCH_HAVE_BOOST
    BENCH_ENTRY(boost),
#endif
#ifdef BENCH_HAVE_KHASH
    BENCH_ENTRY(khash),
#endif
#ifdef BENCH_HAVE_GLIB
    BENCH_ENTRY(glib),
#endif
#ifdef BENCH_HAVE_STB
    BENCH_ENTRY(stb),
#endif
#ifdef BENCH_HAVE_UTHASH
    BENCH_ENTRY(uthash),
#endif
#ifdef BENCH_HAVE_DENSE
    BENCH_ENTRY(dense),
    BENCH_ENTRY(dense_at_c),
#endif
    BENCH_ENTRY(floor),
};
const size_t ALL_MAPS_COUNT = sizeof ALL_MAPS / sizeof ALL_MAPS[0];

void check_maps(void)
{
#ifdef BENCH_HAVE_GHOSTTY
    if (!bench_ghostty_hash_ok())
        die("ghostty: the integer hash does not give Zig's std.hash.int value for 1");
#endif
}
