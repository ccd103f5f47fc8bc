/* ghostty.c - the reference design ohm started from, written in C for the
 * benchmark: the fixed-capacity, offset-based hash map that the Ghostty
 * terminal keeps inside its pages (a fork of Zig's HashMapUnmanaged), in
 * its newest form.  This is a transliteration of the design, not of its
 * code, and it is no library: it exists so that ohm can be measured
 * against what it replaces.
 *
 * The design, as implemented here:
 *  - one block: a header (capacity, size, offsets of the keys and values
 *    arrays from the block's start), then one metadata byte per slot, then
 *    the keys array, then the values array.  Nothing in it is a pointer,
 *    so the block can be copied to any address and still works: clone is
 *    a malloc + memcpy, exactly like ohm's;
 *  - capacity is a power of two and fixed: the map never grows, and a put
 *    of a new key into a full map fails.  The bench sizes it to exactly
 *    the cell's C slots (maximum load 100 %, the reference's default), as
 *    ohm is sized;
 *  - metadata byte: 0 = free; otherwise bit 7 is the "used" bit and bits
 *    0-6 are a fingerprint, the top 7 bits of the 64-bit hash.  A probe
 *    compares the whole byte, so "used and same fingerprint" is one
 *    compare, and "free" ends the probe;
 *  - home slot = hash & (capacity - 1); collisions go to the next slot
 *    (linear probing, one slot at a time, no SIMD groups);
 *  - removal by backward shift (Knuth vol. 3, 6.4, algorithm R): after
 *    the removed slot, each entry of the cluster that may move back (its
 *    home is not between the hole and itself) moves into the hole, until
 *    a free slot.  No tombstones: the table is left as if the key had
 *    never been put.  Each entry looked at during the shift has its key
 *    hashed again, since no hash is stored;
 *  - integer keys are hashed with Zig's std.hash.int on the key widened
 *    to 64 bits (the reference's context for offset keys does exactly
 *    that, so the fingerprint's high bits carry entropy for u32 keys too).
 *    For a 64-bit integer std.hash.int is the mx3 mixer: three rounds of
 *    x ^= x >> s; x *= 0xbea225f9eb34556d with s = 32, 29, 32, then
 *    x ^= x >> 29.  (Zig's own test vector: int(@as(u64, 1)) =
 *    0x071894de00d9981f; bench_ghostty_hash_ok() checks it.)
 */
#include <stdlib.h>
#include <string.h>

#include "peer.h"

static inline uint64_t zig_hash_int_u64(uint64_t x)
{
    const uint64_t c = 0xbea225f9eb34556dull;
    x = (x ^ (x >> 32)) * c;
    x = (x ^ (x >> 29)) * c;
    x = (x ^ (x >> 32)) * c;
    return x ^ (x >> 29);
}

/* 1 when the mixer gives Zig's documented value for 1. */
int bench_ghostty_hash_ok(void);
int bench_ghostty_hash_ok(void) { return zig_hash_int_u64(1) == 0x071894de00d9981full; }

#define GH_USED 0x80u

/* The block's header; the metadata bytes follow it directly. */
typedef struct gh_header {
    uint32_t capacity; /* slots, a power of two */
    uint32_t size;     /* entries */
    uint32_t keys_at;  /* offset of the keys array from the block's start */
    uint32_t vals_at;  /* offset of the values array */
    uint64_t total;    /* bytes of the whole block */
} gh_header;

static size_t gh_align_up(size_t x, size_t a) { return (x + a - 1) / a * a; }

/* The primitives for one key type K (values are K too): prefix P. */
#define GHOSTTY_MAP(P, K)                                                                   \
    static inline unsigned char *P##_meta(const gh_header *h)                               \
    {                                                                                       \
        return (unsigned char *)(h + 1);                                                    \
    }                                                                                       \
    static inline K *P##_keys(const gh_header *h) { return (K *)((char *)h + h->keys_at); }  \
    static inline K *P##_vals(const gh_header *h) { return (K *)((char *)h + h->vals_at); }  \
    static inline uint64_t P##_hash(K k) { return zig_hash_int_u64((uint64_t)k); }          \
                                                                                            \
    static inline void *P##_make(const bench_cell *cell)                                    \
    {                                                                                       \
        uint32_t cap = cell->capacity;                                                      \
        if (cap == 0 || (cap & (cap - 1)) != 0)                                             \
            return NULL;                                                                    \
        size_t keys_at = gh_align_up(sizeof(gh_header) + cap, sizeof(K));                   \
        size_t vals_at = gh_align_up(keys_at + (size_t)cap * sizeof(K), sizeof(K));         \
        size_t total = vals_at + (size_t)cap * sizeof(K);                                   \
        if (vals_at > UINT32_MAX)                                                           \
            return NULL;                                                                    \
        gh_header *h = (gh_header *)malloc(total);                                          \
        if (h == NULL)                                                                      \
            return NULL;                                                                    \
        h->capacity = cap;                                                                  \
        h->size = 0;                                                                        \
        h->keys_at = (uint32_t)keys_at;                                                     \
        h->vals_at = (uint32_t)vals_at;                                                     \
        h->total = total;                                                                   \
        memset(P##_meta(h), 0, cap);                                                        \
        return h;                                                                           \
    }                                                                                       \
    static inline void P##_drop(void *m) { free(m); }                                       \
                                                                                            \
    /* The slot holding k, or capacity when k is absent. */                                 \
    static inline uint32_t P##_find(const gh_header *h, K k)                                \
    {                                                                                       \
        const unsigned char *meta = P##_meta(h);                                            \
        const K *keys = P##_keys(h);                                                        \
        uint32_t mask = h->capacity - 1;                                                    \
        uint64_t hash = P##_hash(k);                                                        \
        unsigned char want = (unsigned char)(GH_USED | (hash >> 57));                       \
        uint32_t i = (uint32_t)hash & mask;                                                 \
        for (uint32_t limit = h->capacity; limit != 0 && meta[i] != 0; limit--) {           \
            if (meta[i] == want && keys[i] == k)                                            \
                return i;                                                                   \
            i = (i + 1) & mask;                                                             \
        }                                                                                   \
        return h->capacity;                                                                 \
    }                                                                                       \
    static inline int P##_get(void *m, K k, K *v)                                           \
    {                                                                                       \
        const gh_header *h = (const gh_header *)m;                                          \
        uint32_t i = P##_find(h, k);                                                        \
        if (i == h->capacity)                                                               \
            return 0;                                                                       \
        *v = P##_vals(h)[i];                                                                \
        return 1;                                                                           \
    }                                                                                       \
    /* Insert or overwrite: one probe finds the key or the first free slot */              \
    /* (with no tombstones, the first free slot is where a new key goes).  */              \
    /* Returns 0 when the key is new and the map is full. */                                \
    static inline int P##_insert(gh_header *h, K k, K v)                                    \
    {                                                                                       \
        unsigned char *meta = P##_meta(h);                                                  \
        K *keys = P##_keys(h);                                                              \
        uint32_t mask = h->capacity - 1;                                                    \
        uint64_t hash = P##_hash(k);                                                        \
        unsigned char want = (unsigned char)(GH_USED | (hash >> 57));                       \
        uint32_t i = (uint32_t)hash & mask;                                                 \
        for (uint32_t limit = h->capacity; limit != 0 && meta[i] != 0; limit--) {           \
            if (meta[i] == want && keys[i] == k) {                                          \
                P##_vals(h)[i] = v;                                                         \
                return 1;                                                                   \
            }                                                                               \
            i = (i + 1) & mask;                                                             \
        }                                                                                   \
        if (h->size == h->capacity)                                                         \
            return 0;                                                                       \
        meta[i] = want;                                                                     \
        keys[i] = k;                                                                        \
        P##_vals(h)[i] = v;                                                                 \
        h->size++;                                                                          \
        return 1;                                                                           \
    }                                                                                       \
    static inline void P##_put(void *m, K k, K v) { (void)P##_insert((gh_header *)m, k, v); } \
    /* Backward-shift removal. */                                                           \
    static inline void P##_del(void *m, K k)                                                \
    {                                                                                       \
        gh_header *h = (gh_header *)m;                                                      \
        uint32_t hole = P##_find(h, k);                                                     \
        if (hole == h->capacity)                                                            \
            return;                                                                         \
        unsigned char *meta = P##_meta(h);                                                  \
        K *keys = P##_keys(h), *vals = P##_vals(h);                                         \
        uint32_t mask = h->capacity - 1;                                                    \
        meta[hole] = 0;                                                                     \
        h->size--;                                                                          \
        /* The hole is free from here on, so the scan always ends. */                       \
        for (uint32_t j = (hole + 1) & mask; meta[j] != 0; j = (j + 1) & mask) {            \
            uint32_t home = (uint32_t)P##_hash(keys[j]) & mask;                             \
            /* It may move back when its home is not in (hole, j]. */                       \
            if (((j - home) & mask) >= ((j - hole) & mask)) {                               \
                meta[hole] = meta[j];                                                       \
                keys[hole] = keys[j];                                                       \
                vals[hole] = vals[j];                                                       \
                meta[j] = 0;                                                                \
                hole = j;                                                                   \
            }                                                                               \
        }                                                                                   \
    }                                                                                       \
    static inline uint64_t P##_sum(void *m)                                                 \
    {                                                                                       \
        const gh_header *h = (const gh_header *)m;                                          \
        const unsigned char *meta = P##_meta(h);                                            \
        const K *keys = P##_keys(h), *vals = P##_vals(h);                                   \
        uint64_t s = 0;                                                                     \
        for (uint32_t i = 0; i < h->capacity; i++)                                          \
            if (meta[i] & GH_USED)                                                          \
                s += (uint64_t)keys[i] + (uint64_t)vals[i];                                 \
        return s;                                                                           \
    }                                                                                       \
    /* Clone = a fresh block + memcpy: the block holds offsets only. */                     \
    static inline void *P##_copy(void *m)                                                   \
    {                                                                                       \
        const gh_header *h = (const gh_header *)m;                                          \
        void *c = malloc(h->total);                                                         \
        if (c == NULL)                                                                      \
            abort();                                                                        \
        memcpy(c, h, h->total);                                                             \
        return c;                                                                           \
    }                                                                                       \
    static inline uint32_t P##_count(const void *m) { return ((const gh_header *)m)->size; } \
    static inline double P##_load(const void *m)                                            \
    {                                                                                       \
        const gh_header *h = (const gh_header *)m;                                          \
        return (double)h->size / h->capacity;                                               \
    }                                                                                       \
    static inline size_t P##_bytes(const void *m) { return ((const gh_header *)m)->total; }

GHOSTTY_MAP(gh32, uint32_t)
GHOSTTY_MAP(gh64, uint64_t)

#define GEN_NAME bench_ghostty_u32
#define GEN_LABEL "ghostty"
#define GEN_K uint32_t
#define GEN_P(op) gh32_##op
#include "gen.h"

#define GEN_NAME bench_ghostty_u64
#define GEN_LABEL "ghostty"
#define GEN_K uint64_t
#define GEN_P(op) gh64_##op
#include "gen.h"
