// absl.cc - absl::flat_hash_map (Debian libabsl-dev), the SwissTable.
//
// Default hash absl::Hash<K>; one control byte per slot scanned 16 at a
// time; maximum load 7/8; capacity 2^k - 1.  Reserved for n: it picks its
// own capacity, so its load ends wherever reserve(n) puts it (it cannot be
// given the cell's exact C at 0.97).  Clone = copy constructor.
#include <absl/container/flat_hash_map.h>

#include "stdlike.hpp"

namespace bench {

using Absl32 = absl::flat_hash_map<uint32_t, uint32_t>;
using Absl64 = absl::flat_hash_map<uint64_t, uint64_t>;

template <class M> inline void *sl_make(const bench_cell *cell)
{
    M *m = new M();
    m->reserve(cell->n);
    return m;
}

} // namespace bench

using namespace bench;

#define GEN_NAME bench_absl_u32
#define GEN_LABEL "absl"
#define GEN_K uint32_t
#define GEN_P(op) sl_##op<Absl32>
#include "gen.h"

#define GEN_NAME bench_absl_u64
#define GEN_LABEL "absl"
#define GEN_K uint64_t
#define GEN_P(op) sl_##op<Absl64>
#include "gen.h"
