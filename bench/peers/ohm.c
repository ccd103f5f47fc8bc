/* ohm.c - ohm as a benchmark peer: the map every other column is divided by.
 *
 * Sized as the workload says (bench/README.md): N_layout_for_capacity(C)
 * with OHM_MAX_LOAD 100, so the map's load is exactly the cell's load `a`.
 * Only the public API of include/ohm_map.h is used, so the adapter keeps
 * compiling while the internals change.
 */
#include <stdlib.h>
#include <string.h>

#include "peer.h"

/* The header-only use: exactly one translation unit of the program defines
 * OHM_IMPLEMENTATION, and this is it. */
#define OHM_IMPLEMENTATION
#include "ohm.h"

/* OHM_SHARED is a template parameter, undefined after each instantiation,
 * so a -DOHM_SHARED=0 on the command line would reach the first one only.
 * bench/run.sh passes OHM_BENCH_SHARED (BENCH_OHM_SHARED=0 in its
 * environment: the writers without the bookkeeping), and each
 * instantiation takes it. */
#ifndef OHM_BENCH_SHARED
#define OHM_BENCH_SHARED 1
#endif

#define OHM_NAME om32
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_MAX_LOAD 100
#define OHM_SHARED OHM_BENCH_SHARED
#include "ohm_map.h"

#define OHM_NAME om64
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#define OHM_MAX_LOAD 100
#define OHM_SHARED OHM_BENCH_SHARED
#include "ohm_map.h"

/* aligned_alloc wants a size that is a multiple of the alignment. */
static size_t round_up(size_t size, size_t align) { return (size + align - 1) / align * align; }

/* The primitives for both key types are the same text with a different
 * prefix; one macro writes them so the two cannot drift apart. */
#define OHM_BENCH_PRIMITIVES(B, P, K)                                                       \
    static inline void *B##_make(const bench_cell *cell)                                    \
    {                                                                                       \
        ohm_layout layout = P##_layout_for_capacity(cell->capacity);                        \
        if (layout.total_size == 0)                                                         \
            return NULL;                                                                    \
        size_t align = P##_base_align();                                                    \
        void *buf = aligned_alloc(align, round_up(layout.total_size, align));               \
        if (buf == NULL)                                                                    \
            return NULL;                                                                    \
        P *m = P##_init(buf, layout);                                                       \
        if (m == NULL)                                                                      \
            free(buf);                                                                      \
        return m;                                                                           \
    }                                                                                       \
    /* The map is the block: freeing the block frees the map. */                            \
    static inline void B##_drop(void *m) { free(m); }                                       \
    static inline void B##_put(void *m, K k, K v) { (void)P##_put((P *)m, k, v); }          \
    static inline int B##_get(void *m, K k, K *v)                                           \
    {                                                                                       \
        K *p = P##_get((const P *)m, k);                                                    \
        if (p == NULL)                                                                      \
            return 0;                                                                       \
        *v = *p;                                                                            \
        return 1;                                                                           \
    }                                                                                       \
    static inline void B##_del(void *m, K k) { (void)P##_remove((P *)m, k); }               \
    static inline uint64_t B##_sum(void *m)                                                 \
    {                                                                                       \
        uint64_t s = 0;                                                                     \
        P##_iter it = P##_iter_begin((const P *)m);                                         \
        P##_entry e;                                                                        \
        while (P##_iter_next(&it, &e))                                                      \
            s += (uint64_t)*e.key + (uint64_t)*e.value;                                     \
        return s;                                                                           \
    }                                                                                       \
    /* Clone = a fresh block + memcpy.  The copy's map is the copy's address. */            \
    static inline void *B##_copy(void *m)                                                   \
    {                                                                                       \
        ohm_layout layout = P##_layout_for_capacity(P##_capacity((const P *)m));            \
        size_t align = P##_base_align();                                                    \
        void *buf = aligned_alloc(align, round_up(layout.total_size, align));               \
        if (buf == NULL)                                                                    \
            abort();                                                                        \
        memcpy(buf, m, layout.total_size);                                                  \
        return (P *)buf;                                                                    \
    }                                                                                       \
    static inline uint32_t B##_count(const void *m) { return P##_count((const P *)m); }     \
    static inline double B##_load(const void *m)                                            \
    {                                                                                       \
        const P *map = (const P *)m;                                                        \
        return P##_capacity(map) ? (double)P##_count(map) / P##_capacity(map) : 0.0;        \
    }                                                                                       \
    static inline size_t B##_bytes(const void *m)                                           \
    {                                                                                       \
        return P##_layout_for_capacity(P##_capacity((const P *)m)).total_size;              \
    }                                                                                       \
    /* One N_get_many call for n <= BENCH_MANY_KEYS keys, summing what it found. */        \
    static inline uint64_t B##_get_many(void *m, const K *keys, uint32_t n)                 \
    {                                                                                       \
        P##_entry out[BENCH_MANY_KEYS];                                                     \
        P##_get_many((const P *)m, keys, n, out);                                           \
        uint64_t s = 0;                                                                     \
        for (uint32_t i = 0; i < n; i++)                                                    \
            if (out[i].key != NULL)                                                         \
                s += *out[i].value;                                                         \
        return s;                                                                           \
    }                                                                                       \
    static bool B##_picked(P##_entry e, void *ctx)                                          \
    {                                                                                       \
        (void)ctx;                                                                          \
        return bench_picked((uint64_t)*e.key);                                              \
    }                                                                                       \
    static inline uint32_t B##_remove_picked(void *m)                                       \
    {                                                                                       \
        return (uint32_t)P##_remove_if((P *)m, B##_picked, NULL);                           \
    }

OHM_BENCH_PRIMITIVES(bohm32, om32, uint32_t)
OHM_BENCH_PRIMITIVES(bohm64, om64, uint64_t)

#define GEN_NAME bench_ohm_u32
#define GEN_LABEL "ohm"
#define GEN_K uint32_t
#define GEN_P(op) bohm32_##op
#define GEN_BULK 1
#include "gen.h"

#define GEN_NAME bench_ohm_u64
#define GEN_LABEL "ohm"
#define GEN_K uint64_t
#define GEN_P(op) bohm64_##op
#define GEN_BULK 1
#include "gen.h"
