/* khash.c - klib's khash as shipped by htslib (Debian libhts-dev).
 *
 * Default integer hashes: identity for 32-bit keys (kh_int_hash_func) and
 * key>>33 ^ key ^ key<<11 for 64-bit keys.  Quadratic probing, tombstones,
 * a fixed maximum load of 0.77 (__ac_HASH_UPPER), so khash can never be
 * sized to the exact C of a 0.875 or 0.97 cell.
 *
 * khash has no copy function.  Its table is a plain struct with three
 * arrays (flags, keys, values), so the clone copies those three arrays:
 * what a C user of khash would write, and the cheapest copy it allows.
 */
#include <stdlib.h>
#include <string.h>

#include <htslib/khash.h>

#include "peer.h"

KHASH_MAP_INIT_INT(b32, uint32_t)
KHASH_MAP_INIT_INT64(b64, uint64_t)

/* Smallest power-of-two bucket count whose upper bound (0.77 x buckets,
 * rounded as khash rounds it) holds n entries without a rehash. */
static khint_t khash_buckets_for(uint32_t n)
{
    khint_t b = 4;
    while ((khint_t)(b * __ac_HASH_UPPER + 0.5) < n)
        b <<= 1;
    return b;
}

#define KHASH_BENCH_PRIMITIVES(P, K)                                                        \
    static inline void *P##_make(const bench_cell *cell)                                    \
    {                                                                                       \
        khash_t(P) *h = kh_init(P);                                                          \
        if (h != NULL && kh_resize(P, h, khash_buckets_for(cell->n)) < 0) {                  \
            kh_destroy(P, h);                                                               \
            return NULL;                                                                    \
        }                                                                                   \
        return h;                                                                           \
    }                                                                                       \
    static inline void P##_drop(void *m) { kh_destroy(P, (khash_t(P) *)m); }                 \
    static inline void P##_put(void *m, K k, K v)                                           \
    {                                                                                       \
        khash_t(P) *h = (khash_t(P) *)m;                                                     \
        int ret;                                                                            \
        khint_t it = kh_put(P, h, k, &ret);                                                 \
        kh_val(h, it) = v;                                                                  \
    }                                                                                       \
    static inline int P##_get(void *m, K k, K *v)                                           \
    {                                                                                       \
        khash_t(P) *h = (khash_t(P) *)m;                                                     \
        khint_t it = kh_get(P, h, k);                                                       \
        if (it == kh_end(h))                                                                \
            return 0;                                                                       \
        *v = kh_val(h, it);                                                                 \
        return 1;                                                                           \
    }                                                                                       \
    static inline void P##_del(void *m, K k)                                                \
    {                                                                                       \
        khash_t(P) *h = (khash_t(P) *)m;                                                     \
        khint_t it = kh_get(P, h, k);                                                       \
        if (it != kh_end(h))                                                                \
            kh_del(P, h, it);                                                               \
    }                                                                                       \
    static inline uint64_t P##_sum(void *m)                                                 \
    {                                                                                       \
        khash_t(P) *h = (khash_t(P) *)m;                                                     \
        uint64_t s = 0;                                                                     \
        for (khint_t i = kh_begin(h); i != kh_end(h); ++i)                                  \
            if (kh_exist(h, i))                                                             \
                s += (uint64_t)kh_key(h, i) + (uint64_t)kh_val(h, i);                       \
        return s;                                                                           \
    }                                                                                       \
    static inline void *P##_copy(void *m)                                                   \
    {                                                                                       \
        const khash_t(P) *h = (const khash_t(P) *)m;                                         \
        khash_t(P) *c = (khash_t(P) *)malloc(sizeof *c);                                     \
        size_t nb = h->n_buckets;                                                           \
        size_t fbytes = __ac_fsize(nb) * sizeof(khint32_t);                                 \
        if (c == NULL)                                                                      \
            abort();                                                                        \
        *c = *h;                                                                            \
        c->flags = (khint32_t *)malloc(fbytes);                                             \
        c->keys = (K *)malloc(nb * sizeof(K));                                              \
        c->vals = (K *)malloc(nb * sizeof(K));                                              \
        if (c->flags == NULL || c->keys == NULL || c->vals == NULL)                         \
            abort();                                                                        \
        memcpy(c->flags, h->flags, fbytes);                                                 \
        memcpy(c->keys, h->keys, nb * sizeof(K));                                           \
        memcpy(c->vals, h->vals, nb * sizeof(K));                                           \
        return c;                                                                           \
    }                                                                                       \
    static inline uint32_t P##_count(const void *m) { return kh_size((const khash_t(P) *)m); } \
    static inline double P##_load(const void *m)                                            \
    {                                                                                       \
        const khash_t(P) *h = (const khash_t(P) *)m;                                         \
        return h->n_buckets ? (double)h->size / h->n_buckets : 0.0;                         \
    }                                                                                       \
    static inline size_t P##_bytes(const void *m)                                           \
    {                                                                                       \
        (void)m;                                                                            \
        return 0;                                                                           \
    }

KHASH_BENCH_PRIMITIVES(b32, uint32_t)
KHASH_BENCH_PRIMITIVES(b64, uint64_t)

#define GEN_NAME bench_khash_u32
#define GEN_LABEL "khash"
#define GEN_K uint32_t
#define GEN_P(op) b32_##op
#include "gen.h"

#define GEN_NAME bench_khash_u64
#define GEN_LABEL "khash"
#define GEN_K uint64_t
#define GEN_P(op) b64_##op
#include "gen.h"
