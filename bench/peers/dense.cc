// dense.cc - google::dense_hash_map (Debian libsparsehash-dev), two columns.
//
// Default hash std::hash<K> (the identity for integers in libstdc++),
// quadratic probing, tombstones (it needs an "empty" and a "deleted" key,
// here the two largest key values, which the driver never draws).
//
// "dense"   : constructed for n entries at its default maximum load 0.5,
//             as a user would; its load ends between 0.25 and 0.5.
// "dense@C" : its maximum load can be set, so it gets exactly the cell's
//             C slots, as the workload (bench/README.md) asks for a
//             peer whose capacity can be set exactly.  Its tombstones
//             count against that maximum, so the maximum is set halfway
//             between n / C and full: churn then purges tombstones by
//             rehashing in place at C now and then, and the map stays at C.  (Just above n / C, its own rule
//             doubles it to 2C on the first purge; at C - 1 slots, every
//             insert scans nearly the whole table once tombstones fill it:
//             hundreds of microseconds per churn step at C = 2^20.)
//             dense_hash_map wants n < floor(C * max_load) <= C - 1, so the
//             16-slot cell at 0.97 (15 entries) cannot have 16 slots and
//             runs at 32; the load it ran at is reported.
// Clone = copy constructor (which re-inserts every entry).
#include <sparsehash/dense_hash_map>

#include "stdlike.hpp"

namespace bench {

// Two distinct types so that sl_make can tell the two columns apart.
template <class K> struct Dense : google::dense_hash_map<K, K> {
    using google::dense_hash_map<K, K>::dense_hash_map;
    static constexpr bool exact = false;
};
template <class K> struct DenseAtC : google::dense_hash_map<K, K> {
    using google::dense_hash_map<K, K>::dense_hash_map;
    static constexpr bool exact = true;
};

template <class M> inline void *sl_make(const bench_cell *cell)
{
    using K = typename M::key_type;
    // "dense": sized by its constructor for n.  "dense@C": start at the
    // smallest table and let resize() pick C under the raised maximum load.
    M *m = new M(M::exact ? 1 : cell->n);
    m->set_empty_key(static_cast<K>(~K(0)));
    m->set_deleted_key(static_cast<K>(~K(0) - 1));
    if (M::exact && cell->capacity > 0) {
        // floor(C * grow) == lim, halfway from n + 1 to C - 1, and never
        // above C - 1: a table with no empty slot left would make a lookup
        // of an absent key probe forever.
        uint32_t c = cell->capacity, n = cell->n;
        uint32_t lim = n + 2 <= c ? n + 1 + (c - 2 - n) / 2 : c - 1;
        float grow = static_cast<float>((lim + 0.5) / c);
        m->max_load_factor(grow);
        // When a purge is due, dense_hash_map doubles "anyway" unless the
        // live entries sit below twice its minimum load; the highest
        // minimum it accepts (half the maximum) keeps it at C.
        m->min_load_factor(grow / 2);
        m->resize(cell->n);
    }
    return m;
}

} // namespace bench

using namespace bench;

#define GEN_NAME bench_dense_u32
#define GEN_LABEL "dense"
#define GEN_K uint32_t
#define GEN_P(op) sl_##op<Dense<uint32_t>>
#include "gen.h"

#define GEN_NAME bench_dense_u64
#define GEN_LABEL "dense"
#define GEN_K uint64_t
#define GEN_P(op) sl_##op<Dense<uint64_t>>
#include "gen.h"

#define GEN_NAME bench_dense_at_c_u32
#define GEN_LABEL "dense@C"
#define GEN_K uint32_t
#define GEN_P(op) sl_##op<DenseAtC<uint32_t>>
#include "gen.h"

#define GEN_NAME bench_dense_at_c_u64
#define GEN_LABEL "dense@C"
#define GEN_K uint64_t
#define GEN_P(op) sl_##op<DenseAtC<uint64_t>>
#include "gen.h"
