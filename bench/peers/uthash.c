/* uthash.c - uthash (Debian uthash-dev), the intrusive chained map.
 *
 * uthash does not own storage: the user allocates each item (key, value
 * and a 56-byte UT_hash_handle) and links it in.  So every insert here is
 * one malloc and every removal one free, as in any real uthash program;
 * the memory column counts those items.  Default hash: Jenkins (HASH_JEN)
 * over the key bytes.  Buckets grow by uthash's own policy (no reserve);
 * the "load" reported is items per bucket of its chained table.  No copy
 * function: the clone is a rebuild (a new item per entry).
 */
#include <stdlib.h>

#include <uthash.h>

#include "peer.h"

#define UT_BENCH_PRIMITIVES(P, K)                                                           \
    typedef struct P##_item {                                                               \
        K key;                                                                              \
        K value;                                                                            \
        UT_hash_handle hh;                                                                  \
    } P##_item;                                                                             \
    /* The table is reached through its head item, which changes: keep a handle. */         \
    typedef struct P##_map {                                                                \
        P##_item *head;                                                                     \
    } P##_map;                                                                              \
    static inline void *P##_make(const bench_cell *cell)                                    \
    {                                                                                       \
        (void)cell; /* nothing to reserve with */                                           \
        return calloc(1, sizeof(P##_map));                                                  \
    }                                                                                       \
    static inline void P##_drop(void *m)                                                    \
    {                                                                                       \
        P##_map *h = (P##_map *)m;                                                          \
        P##_item *it, *tmp;                                                                 \
        HASH_ITER(hh, h->head, it, tmp) {                                                   \
            HASH_DEL(h->head, it);                                                          \
            free(it);                                                                       \
        }                                                                                   \
        free(h);                                                                            \
    }                                                                                       \
    static inline void P##_put(void *m, K k, K v)                                           \
    {                                                                                       \
        P##_map *h = (P##_map *)m;                                                          \
        P##_item *it;                                                                       \
        HASH_FIND(hh, h->head, &k, sizeof(K), it);                                          \
        if (it == NULL) {                                                                   \
            it = (P##_item *)malloc(sizeof *it);                                            \
            if (it == NULL)                                                                 \
                abort();                                                                    \
            it->key = k;                                                                    \
            HASH_ADD(hh, h->head, key, sizeof(K), it);                                      \
        }                                                                                   \
        it->value = v;                                                                      \
    }                                                                                       \
    static inline int P##_get(void *m, K k, K *v)                                           \
    {                                                                                       \
        P##_item *it;                                                                       \
        HASH_FIND(hh, ((P##_map *)m)->head, &k, sizeof(K), it);                             \
        if (it == NULL)                                                                     \
            return 0;                                                                       \
        *v = it->value;                                                                     \
        return 1;                                                                           \
    }                                                                                       \
    static inline void P##_del(void *m, K k)                                                \
    {                                                                                       \
        P##_map *h = (P##_map *)m;                                                          \
        P##_item *it;                                                                       \
        HASH_FIND(hh, h->head, &k, sizeof(K), it);                                          \
        if (it != NULL) {                                                                   \
            HASH_DEL(h->head, it);                                                          \
            free(it);                                                                       \
        }                                                                                   \
    }                                                                                       \
    static inline uint64_t P##_sum(void *m)                                                 \
    {                                                                                       \
        uint64_t s = 0;                                                                     \
        for (P##_item *it = ((P##_map *)m)->head; it != NULL; it = (P##_item *)it->hh.next)  \
            s += (uint64_t)it->key + (uint64_t)it->value;                                   \
        return s;                                                                           \
    }                                                                                       \
    static inline void *P##_copy(void *m)                                                   \
    {                                                                                       \
        P##_map *c = (P##_map *)calloc(1, sizeof *c);                                       \
        if (c == NULL)                                                                      \
            abort();                                                                        \
        for (P##_item *it = ((P##_map *)m)->head; it != NULL; it = (P##_item *)it->hh.next) { \
            P##_item *n = (P##_item *)malloc(sizeof *n);                                    \
            if (n == NULL)                                                                  \
                abort();                                                                    \
            n->key = it->key;                                                               \
            n->value = it->value;                                                           \
            HASH_ADD(hh, c->head, key, sizeof(K), n);                                       \
        }                                                                                   \
        return c;                                                                           \
    }                                                                                       \
    static inline uint32_t P##_count(const void *m)                                         \
    {                                                                                       \
        return (uint32_t)HASH_COUNT(((const P##_map *)m)->head);                            \
    }                                                                                       \
    static inline double P##_load(const void *m)                                            \
    {                                                                                       \
        const P##_item *head = ((const P##_map *)m)->head;                                  \
        return head ? (double)HASH_COUNT(head) / head->hh.tbl->num_buckets : 0.0;           \
    }                                                                                       \
    static inline size_t P##_bytes(const void *m)                                           \
    {                                                                                       \
        (void)m;                                                                            \
        return 0;                                                                           \
    }

UT_BENCH_PRIMITIVES(ut32, uint32_t)
UT_BENCH_PRIMITIVES(ut64, uint64_t)

#define GEN_NAME bench_uthash_u32
#define GEN_LABEL "uthash"
#define GEN_K uint32_t
#define GEN_P(op) ut32_##op
#include "gen.h"

#define GEN_NAME bench_uthash_u64
#define GEN_LABEL "uthash"
#define GEN_K uint64_t
#define GEN_P(op) ut64_##op
#include "gen.h"
