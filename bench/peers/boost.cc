// boost.cc - boost::unordered_flat_map (Debian libboost1.81-dev, header-only).
//
// Default hash boost::hash<K> (the identity for integers), which the map
// post-mixes because it is not marked avalanching; groups of 15 slots with
// a 16-byte metadata word and an overflow byte; maximum load 0.875.
// Reserved for n: it picks its own capacity.  Clone = copy constructor.
#include <boost/unordered/unordered_flat_map.hpp>

#include "stdlike.hpp"

namespace bench {

using Boost32 = boost::unordered_flat_map<uint32_t, uint32_t>;
using Boost64 = boost::unordered_flat_map<uint64_t, uint64_t>;

template <class M> inline void *sl_make(const bench_cell *cell)
{
    M *m = new M();
    m->reserve(cell->n);
    return m;
}

} // namespace bench

using namespace bench;

#define GEN_NAME bench_boost_u32
#define GEN_LABEL "boost"
#define GEN_K uint32_t
#define GEN_P(op) sl_##op<Boost32>
#include "gen.h"

#define GEN_NAME bench_boost_u64
#define GEN_LABEL "boost"
#define GEN_K uint64_t
#define GEN_P(op) sl_##op<Boost64>
#include "gen.h"
