/* stb.c - stb_ds's hash map (Debian libstb-dev, <stb/stb_ds.h>).
 *
 * stb_ds keeps the entries in a dense array (so iteration is a plain array
 * walk) and a separate hash index of buckets with tombstones.  Its default
 * hash for 4- and 8-byte keys is its own integer mix with a seed that
 * changes per table.  It has no way to reserve room for a hash map (the
 * index grows at 3/4 full) and no copy function: the clone is a rebuild
 * by iterating the dense array.  The achieved load reported is entries /
 * index slots, read from stb_ds's private index struct, which is visible in
 * this file because it defines STB_DS_IMPLEMENTATION.
 */
#include <stdlib.h>

#include "peer.h"

/* stb_ds's put/get macros use `typeof`, which strict -std=c11 spells
 * __typeof__. */
#define typeof __typeof__
#define STB_DS_IMPLEMENTATION
#include <stb/stb_ds.h>

#define STB_BENCH_PRIMITIVES(P, K)                                                          \
    typedef struct P##_kv {                                                                 \
        K key;                                                                              \
        K value;                                                                            \
    } P##_kv;                                                                               \
    /* stb_ds moves the array on growth: the handle holds the current address. */           \
    typedef struct P##_map {                                                                \
        P##_kv *t;                                                                          \
    } P##_map;                                                                              \
    static inline void *P##_make(const bench_cell *cell)                                    \
    {                                                                                       \
        (void)cell; /* nothing to reserve with */                                           \
        return calloc(1, sizeof(P##_map));                                                  \
    }                                                                                       \
    static inline void P##_drop(void *m)                                                    \
    {                                                                                       \
        hmfree(((P##_map *)m)->t);                                                          \
        free(m);                                                                            \
    }                                                                                       \
    static inline void P##_put(void *m, K k, K v) { hmput(((P##_map *)m)->t, k, v); }       \
    static inline int P##_get(void *m, K k, K *v)                                           \
    {                                                                                       \
        P##_map *h = (P##_map *)m;                                                          \
        ptrdiff_t i = hmgeti(h->t, k);                                                      \
        if (i < 0)                                                                          \
            return 0;                                                                       \
        *v = h->t[i].value;                                                                 \
        return 1;                                                                           \
    }                                                                                       \
    static inline void P##_del(void *m, K k) { (void)hmdel(((P##_map *)m)->t, k); }         \
    static inline uint64_t P##_sum(void *m)                                                 \
    {                                                                                       \
        P##_kv *t = ((P##_map *)m)->t;                                                      \
        ptrdiff_t len = hmlen(t);                                                           \
        uint64_t s = 0;                                                                     \
        for (ptrdiff_t i = 0; i < len; i++)                                                 \
            s += (uint64_t)t[i].key + (uint64_t)t[i].value;                                 \
        return s;                                                                           \
    }                                                                                       \
    static inline void *P##_copy(void *m)                                                   \
    {                                                                                       \
        P##_kv *t = ((P##_map *)m)->t;                                                      \
        P##_map *c = (P##_map *)calloc(1, sizeof *c);                                       \
        ptrdiff_t len = hmlen(t);                                                           \
        if (c == NULL)                                                                      \
            abort();                                                                        \
        for (ptrdiff_t i = 0; i < len; i++)                                                 \
            hmput(c->t, t[i].key, t[i].value);                                              \
        return c;                                                                           \
    }                                                                                       \
    static inline uint32_t P##_count(const void *m)                                         \
    {                                                                                       \
        return (uint32_t)hmlen(((const P##_map *)m)->t);                                    \
    }                                                                                       \
    static inline double P##_load(const void *m)                                            \
    {                                                                                       \
        P##_kv *t = ((const P##_map *)m)->t;                                                \
        /* A hash map's header sits before element -1 (the default slot). */                \
        if (t == NULL || stbds_header(t - 1)->hash_table == NULL)                           \
            return 0.0;                                                                     \
        const stbds_hash_index *ix = (const stbds_hash_index *)stbds_header(t - 1)->hash_table; \
        return (double)hmlen(t) / (double)ix->slot_count;                                   \
    }                                                                                       \
    static inline size_t P##_bytes(const void *m)                                           \
    {                                                                                       \
        (void)m;                                                                            \
        return 0;                                                                           \
    }

STB_BENCH_PRIMITIVES(stb32, uint32_t)
STB_BENCH_PRIMITIVES(stb64, uint64_t)

#define GEN_NAME bench_stb_u32
#define GEN_LABEL "stb_ds"
#define GEN_K uint32_t
#define GEN_P(op) stb32_##op
#include "gen.h"

#define GEN_NAME bench_stb_u64
#define GEN_LABEL "stb_ds"
#define GEN_K uint64_t
#define GEN_P(op) stb64_##op
#include "gen.h"
