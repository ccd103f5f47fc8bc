// stdlike.hpp - the primitives gen.h needs, for any map with the standard
// C++ unordered-map interface (absl, boost, sparsehash), as templates over
// the map type M.  A peer's file adds only sl_make<M>: how the map is
// created and sized, the one thing that differs between them.
#ifndef BENCH_STDLIKE_HPP
#define BENCH_STDLIKE_HPP

#include <cstddef>
#include <cstdint>

#include "peer.h"

namespace bench {

template <class M> inline void sl_drop(void *m) { delete static_cast<M *>(m); }

// Insert or overwrite, the contract of ohm's put.  operator[] rather than
// insert_or_assign because dense_hash_map predates the latter; for integer
// values the two compile to the same work.
template <class M> inline void sl_put(void *m, typename M::key_type k, typename M::mapped_type v)
{
    (*static_cast<M *>(m))[k] = v;
}

template <class M> inline int sl_get(void *m, typename M::key_type k, typename M::mapped_type *v)
{
    const M &map = *static_cast<const M *>(m);
    auto it = map.find(k);
    if (it == map.end())
        return 0;
    *v = it->second;
    return 1;
}

template <class M> inline void sl_del(void *m, typename M::key_type k) { static_cast<M *>(m)->erase(k); }

template <class M> inline uint64_t sl_sum(void *m)
{
    uint64_t s = 0;
    for (const auto &kv : *static_cast<const M *>(m))
        s += static_cast<uint64_t>(kv.first) + static_cast<uint64_t>(kv.second);
    return s;
}

// The copy constructor: each of these maps' own way to make a copy.
template <class M> inline void *sl_copy(void *m) { return new M(*static_cast<const M *>(m)); }

template <class M> inline uint32_t sl_count(const void *m)
{
    return static_cast<uint32_t>(static_cast<const M *>(m)->size());
}

template <class M> inline double sl_load(const void *m)
{
    const M &map = *static_cast<const M *>(m);
    return map.bucket_count() ? static_cast<double>(map.size()) / static_cast<double>(map.bucket_count())
                              : 0.0;
}

// Several allocations: the driver measures the heap.
template <class M> inline size_t sl_bytes(const void *) { return 0; }

} // namespace bench

#endif // BENCH_STDLIKE_HPP
