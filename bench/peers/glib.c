/* glib.c - GLib's GHashTable (Debian libglib2.0-dev).
 *
 * GHashTable stores gpointer keys and values.  Integer keys are packed into
 * the pointer itself (GSIZE_TO_POINTER), the usual idiom, with the default
 * pointer hash g_direct_hash, so no key or value is allocated.  That needs
 * keys that fit in a pointer (true on the 64-bit machines this runs on) and
 * makes g_direct_hash hash only the low 32 bits of a 64-bit key.
 *
 * GHashTable has no way to reserve room (it grows and shrinks by itself,
 * with a prime-sized table) and no copy function: the clone is a rebuild,
 * a new table filled by iterating the old one.  Its slot count is private,
 * so its achieved load is reported as unknown.
 */
#include <stdlib.h>

#include <glib.h>

#include "peer.h"

static inline void *gh_make(const bench_cell *cell)
{
    (void)cell; /* nothing to reserve with */
    return g_hash_table_new(g_direct_hash, g_direct_equal);
}

static inline void gh_drop(void *m) { g_hash_table_destroy((GHashTable *)m); }

static inline void gh_put(void *m, uint64_t k, uint64_t v)
{
    g_hash_table_insert((GHashTable *)m, GSIZE_TO_POINTER(k), GSIZE_TO_POINTER(v));
}

static inline int gh_get(void *m, uint64_t k, uint64_t *v)
{
    gpointer value;
    if (!g_hash_table_lookup_extended((GHashTable *)m, GSIZE_TO_POINTER(k), NULL, &value))
        return 0;
    *v = GPOINTER_TO_SIZE(value);
    return 1;
}

static inline void gh_del(void *m, uint64_t k) { g_hash_table_remove((GHashTable *)m, GSIZE_TO_POINTER(k)); }

static inline uint64_t gh_sum(void *m)
{
    GHashTableIter it;
    gpointer k, v;
    uint64_t s = 0;
    g_hash_table_iter_init(&it, (GHashTable *)m);
    while (g_hash_table_iter_next(&it, &k, &v))
        s += GPOINTER_TO_SIZE(k) + GPOINTER_TO_SIZE(v);
    return s;
}

static inline void *gh_copy(void *m)
{
    GHashTable *c = g_hash_table_new(g_direct_hash, g_direct_equal);
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, (GHashTable *)m);
    while (g_hash_table_iter_next(&it, &k, &v))
        g_hash_table_insert(c, k, v);
    return c;
}

static inline uint32_t gh_count(const void *m) { return g_hash_table_size((GHashTable *)m); }

static inline double gh_load(const void *m)
{
    (void)m;
    return -1.0; /* slot count is private */
}

static inline size_t gh_bytes(const void *m)
{
    (void)m;
    return 0;
}

/* The 32-bit table: keys and values are widened to the pointer before they
 * reach GLib, and narrowed back on the way out. */
static inline void *gh32_make(const bench_cell *cell) { return gh_make(cell); }
static inline void gh32_drop(void *m) { gh_drop(m); }
static inline void gh32_put(void *m, uint32_t k, uint32_t v) { gh_put(m, k, v); }
static inline int gh32_get(void *m, uint32_t k, uint32_t *v)
{
    uint64_t w;
    if (!gh_get(m, k, &w))
        return 0;
    *v = (uint32_t)w;
    return 1;
}
static inline void gh32_del(void *m, uint32_t k) { gh_del(m, k); }
static inline uint64_t gh32_sum(void *m) { return gh_sum(m); }
static inline void *gh32_copy(void *m) { return gh_copy(m); }
static inline uint32_t gh32_count(const void *m) { return gh_count(m); }
static inline double gh32_load(const void *m) { return gh_load(m); }
static inline size_t gh32_bytes(const void *m) { return gh_bytes(m); }

#define GEN_NAME bench_glib_u32
#define GEN_LABEL "glib"
#define GEN_K uint32_t
#define GEN_P(op) gh32_##op
#include "gen.h"

#define GEN_NAME bench_glib_u64
#define GEN_LABEL "glib"
#define GEN_K uint64_t
#define GEN_P(op) gh_##op
#include "gen.h"
