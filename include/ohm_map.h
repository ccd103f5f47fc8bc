/* ohm_map.h - the ohm map template: define the parameters, include, get a
 * type-specialised relocatable hash map whose hash and equality are inlined.
 *
 * A map lives in one block of memory that you provide: a header, one
 * metadata byte per slot (a fingerprint, or how far a key lies from its
 * home), one class byte per 16-slot group, then the keys and values (side
 * by side when that adds no padding). Nothing in the block is a pointer,
 * so a memcpy'd, mmap'd or shared copy of the block is the same map at its
 * new address. Capacity is fixed (a power of two); groups of 16 slots
 * probed in order; removal pulls displaced keys back group by group, so
 * the map does not degrade under churn (docs/FORMAT.md, docs/design.md).
 *
 *     #define OHM_NAME imap            // prefix of every generated name
 *     #define OHM_KEY uint32_t
 *     #define OHM_VALUE uint32_t       // leave undefined for a set
 *     #include "ohm_map.h"             // parameters are #undef'd after
 *
 *     ohm_layout l = imap_layout(1000);            // room for 1000 entries
 *     void *buf = aligned_alloc(imap_base_align(), l.total_size);
 *     imap *m = imap_init(buf, l);
 *     imap_put(m, 7, 49);                          // OHM_OK: new entry
 *     uint32_t *v = imap_get(m, 7);                // *v == 49
 *     memcpy(other, buf, l.total_size);            // other is the same map
 *     imap_get((imap *)other, 7);                  // found there too
 *
 * Parameters (defaults in brackets):
 *   OHM_NAME             prefix N of the generated names (required)
 *   OHM_KEY              key type, any assignable complete type (required)
 *   OHM_VALUE            value type [none: the map is a set]
 *   OHM_HASH(key)        uint64_t hash of a key value [ohm_hash_u64 of the
 *                        seed, for integer keys; required for others]
 *   OHM_HASH_EX(m, key, seed)  hash with the map (const N *) and the
 *                        block's seed, for keys that are offsets into the
 *                        map's own block or its owner's [unused]
 *   OHM_EQ(a, b)         key equality on values [(a) == (b)]
 *   OHM_EQ_EX(m, a, b)   equality with the map (const N *) [unused]
 *   OHM_MAX_LOAD         default maximum load in percent, 1..100 [88: a
 *                        table of C slots holds 7C/8; 100, every slot,
 *                        was the default before 0.2.0]
 *   OHM_TYPE_TAG         uint32_t stored in and checked against blocks, to
 *                        tell apart instantiations with equal sizes [0]
 *   OHM_INTERLEAVE       1: each value beside its key; 0: keys and values
 *                        in arrays of their own [1 when that adds no
 *                        padding]
 *   OHM_SHARED           1: every mutation keeps the write order and the
 *                        bookkeeping (sequence, stripe words, journal) that
 *                        lock-free readers (N_read) and N_recover need;
 *                        0: the writers skip it, for maps that no reader
 *                        reads while a write runs and whose writer cannot
 *                        die part way with the block kept (a process's
 *                        own maps). The blocks are the same either way
 *                        [1]
 *
 *   OHM_DEBUG_CHECKS     defined: N_check after mutations, aborting with the
 *                        status it names (every one up to 1024 slots, then
 *                        every capacity/1024th: linear cost; tests)
 *   OHM_DECLARE          defined: declarations only (types and prototypes),
 *                        for a header shared by many files
 *   OHM_DEFINE           defined: the definitions, with external linkage,
 *                        in exactly one file, after the OHM_DECLARE
 *                        instantiation of the same parameters
 *   [neither: every function static inline, the default]
 *
 * Index of the generated functions (N is OHM_NAME; sets lose V):
 *   layout    N_layout N_layout_for_load N_layout_for_capacity
 *             N_layout_for_bytes N_layout_grown N_base_align
 *   create    N_init N_init_seeded N_init_ex N_init_checked N_init_like N_at
 *   size      N_count N_capacity N_max_load N_max_load_percent N_block_size
 *             N_reserve N_reserve_total N_seed N_user N_set_user
 *   lookup    N_get N_get_key N_get_entry N_contains N_get_many
 *   insert    N_put N_put_new N_fetch_put N_get_or_put N_get_or_put_value
 *             N_put_many N_*_assume_capacity
 *   remove    N_remove N_fetch_remove N_remove_at N_remove_if N_clear
 *   iterate   N_iter_begin N_iter_next N_iter_at N_iter_remove
 *   adapted   N_get_adapted N_get_or_put_adapted N_remove_adapted
 *   blocks    N_attach N_attach_const N_validate N_check N_rehash
 *   shared    N_read N_read_begin N_read_end N_snapshot N_recover
 * Each one's contract is at its prototype below ("Declarations").
 *
 * Caveats:
 *   - Pointer stability: insertion never moves entries. Removal (a
 *     group-level backward shift) may move entries of later groups back
 *     towards their homes, so every key or
 *     value pointer obtained before a removal is invalid after it; clear
 *     invalidates everything. Insertion and removal (other than
 *     N_iter_remove) during an iteration invalidate the iterator; debug
 *     builds abort when it goes on.
 *   - Concurrency: no locks. One writer at a time (under the caller's
 *     lock); beside it, any number of lock-free readers through N_read,
 *     N_read_begin/N_read_end and N_snapshot only: the other lookups
 *     racing a writer may see garbage. N_recover repairs a block whose
 *     writer died (docs/concurrency.md).
 *   - What a block may hold: keys and values are copied as bytes, so they
 *     must mean the same at any address and in any process (no pointers),
 *     and their padding bytes are stored as the caller left them. A hash
 *     must be deterministic and stable: the blocks it builds outlive the
 *     process. Blocks are native-endian.
 *   - Capacity is fixed; growing is N_layout_grown + N_init_like +
 *     N_rehash into a new block. Untrusted blocks: N_attach, N_validate.
 *
 * Full reference: docs/map.md. Block format: docs/FORMAT.md.
 */
#include "ohm.h"

/* ========================================================================
 * Parameters and defaults
 * ====================================================================== */
#ifndef OHM_NAME
#error "ohm_map.h: define OHM_NAME (the prefix of every generated name) before including it"
#define OHM__REFUSED
#endif
#ifndef OHM_KEY
#error "ohm_map.h: define OHM_KEY (the key type) before including it"
#define OHM__REFUSED
#endif
#ifndef OHM_MAX_LOAD
#define OHM_MAX_LOAD 88
#endif
#if (OHM_MAX_LOAD) < 1 || (OHM_MAX_LOAD) > 100
#error "ohm_map.h: OHM_MAX_LOAD must be a whole percentage from 1 to 100"
#define OHM__REFUSED
#endif
#ifndef OHM_TYPE_TAG
#define OHM_TYPE_TAG 0
#endif

/* Parameters that contradict each other are refused here, by name, rather
 * than by a confusing error deep in the template. */
#if defined(OHM_HASH) && defined(OHM_HASH_EX)
#error "ohm_map.h: define OHM_HASH or OHM_HASH_EX, not both (OHM_HASH_EX is the one that also receives the map and its seed)"
#define OHM__REFUSED
#endif
#if defined(OHM_EQ) && defined(OHM_EQ_EX)
#error "ohm_map.h: define OHM_EQ or OHM_EQ_EX, not both (OHM_EQ_EX is the one that also receives the map)"
#define OHM__REFUSED
#endif
#if !defined(OHM_VALUE) && defined(OHM_INTERLEAVE)
#error "ohm_map.h: OHM_INTERLEAVE is for maps only: a set (no OHM_VALUE) has no values to place beside its keys, so leave it undefined"
#define OHM__REFUSED
#endif

/* A user's OHM_HASH, OHM_HASH_EX, OHM_EQ and OHM_EQ_EX are expanded in one
 * place each: the two small functions N__hash and N__eq below, whose only
 * names in scope are their parameters (ohm_m, ohm_k, ohm_a, ohm_b). Every
 * other name the template declares starts with ohm_ or the OHM_NAME
 * prefix, so a user's macro or global never meets a template local. */
#if defined(OHM_HASH_EX)
#define OHM__HASH(m, k) OHM__CAST(uint64_t, OHM_HASH_EX((m), (k), (m)->hdr.seed))
#elif defined(OHM_HASH)
#define OHM__HASH(m, k) OHM__CAST(uint64_t, OHM_HASH(k))
#else
#define OHM__HASH(m, k) OHM__HASH_INT((k), (m)->hdr.seed)
#endif

#if defined(OHM_EQ_EX)
#define OHM__EQ(m, a, b) (OHM_EQ_EX((m), (a), (b)))
#elif defined(OHM_EQ)
#define OHM__EQ(m, a, b) (OHM_EQ((a), (b)))
#else
#define OHM__EQ(m, a, b) ((a) == (b))
#endif

/* OHM__MAP_ONLY(x) is x for a map and nothing for a set, so one function
 * body serves both. */
#ifdef OHM_VALUE
#define OHM__MAP_ONLY(...) __VA_ARGS__
#define OHM__SET_ONLY(...)
#define OHM__VAL_SIZE sizeof(OHM_VALUE)
#define OHM__VAL_ALIGN OHM__ALIGNOF(OHM_VALUE)
/* Values beside their keys when that adds no padding: a hit then reads one
 * slot line instead of a key line and a value line (docs/PERFORMANCE.md). */
#ifndef OHM_INTERLEAVE
#define OHM_INTERLEAVE                                                                        \
    (OHM_SLOT_SIZE(sizeof(OHM_KEY), OHM__ALIGNOF(OHM_KEY), sizeof(OHM_VALUE), OHM__ALIGNOF(OHM_VALUE)) == \
     sizeof(OHM_KEY) + sizeof(OHM_VALUE))
#endif
#define OHM__FLAGS ((OHM_INTERLEAVE) ? OHM_FLAG_INTERLEAVED : 0u)
#define OHM__KSTRIDE                                                                          \
    ((OHM_INTERLEAVE) ? OHM_SLOT_SIZE(sizeof(OHM_KEY), OHM__ALIGNOF(OHM_KEY), sizeof(OHM_VALUE),  \
                                      OHM__ALIGNOF(OHM_VALUE))                                    \
                      : sizeof(OHM_KEY))
#define OHM__VSTRIDE ((OHM_INTERLEAVE) ? OHM__KSTRIDE : sizeof(OHM_VALUE))
#else
#define OHM__MAP_ONLY(...)
#define OHM__SET_ONLY(...) __VA_ARGS__
#define OHM__VAL_SIZE 0u
#define OHM__VAL_ALIGN 1u
#define OHM_INTERLEAVE 0
#define OHM__FLAGS OHM_FLAG_SET
#define OHM__KSTRIDE sizeof(OHM_KEY)
#endif

#ifndef OHM_SHARED
#define OHM_SHARED 1
#endif
#if OHM_SHARED != 0 && OHM_SHARED != 1
#error "ohm_map.h: OHM_SHARED is 1 (writers keep the bookkeeping lock-free readers and N_recover need) or 0 (they do not)"
#endif

/* OHM_DEBUG_CHECKS is a parameter like the others: it applies to this
 * instantiation only and is undefined at the end. */
#ifdef OHM_DEBUG_CHECKS
/* N_check after a mutation (in large tables after every capacity / 1024th,
 * see ohm__debug_due); a failure names its status and aborts. */
#define OHM__DEBUG_CHECK(m)                                                                   \
    (ohm__debug_due((m)->hdr.stamp, (m)->hdr.capacity)                                        \
         ? ohm__debug_checked(OHM__F(_check)(m), OHM__STR(OHM_NAME), __FILE__, __LINE__)      \
         : (void)0)
#else
#define OHM__DEBUG_CHECK(m) ((void)0)
#endif

#define OHM__F(suffix) OHM__CAT(OHM_NAME, suffix)
#define OHM__N OHM_NAME
#define OHM__K OHM_KEY
#define OHM__V OHM_VALUE
#define OHM__ENTRY OHM__F(_entry)
#define OHM__KV OHM__F(_kv)
#define OHM__ITER OHM__F(_iter)
#define OHM__EQ_FN OHM__F(_eq_fn)
#define OHM__PRED_FN OHM__F(_pred_fn)

/* Linkage of the generated functions (the private helpers, N__*, are
 * always static inline). */
#if defined(OHM_DECLARE) && defined(OHM_DEFINE)
#error "ohm_map.h: define OHM_DECLARE (in the shared header) or OHM_DEFINE (in the one implementing file), not both"
#define OHM__REFUSED
#endif
#if defined(OHM_DECLARE) || defined(OHM_DEFINE)
#define OHM__API
#else
#define OHM__API static inline
#endif

/* A refused instantiation (an #error above) compiles nothing more, so that
 * its message is the only one. */
#ifndef OHM__REFUSED
#ifdef __cplusplus
extern "C" {
#endif

#ifndef OHM_DEFINE /* types and declarations: not again where OHM_DEFINE follows OHM_DECLARE */

/* ========================================================================
 * Types
 * ====================================================================== */

/* The map: the address of its block. Only the header is a C member; the
 * metadata, keys and values follow at the offsets it records. */
typedef struct OHM__N {
    ohm_header hdr;
} OHM__N;

/* Pointers into the block to one entry; key == NULL when there is none. */
typedef struct OHM__ENTRY {
    OHM__K *key;
    OHM__MAP_ONLY(OHM__V *value;)
} OHM__ENTRY;

/* A copy of one entry (what fetch_put replaced, what fetch_remove took). */
typedef struct OHM__KV {
    OHM__K key;
    OHM__MAP_ONLY(OHM__V value;)
} OHM__KV;

/* Iteration state. Iteration visits the slots in order from `start`, the
 * first slot of a group no probe runs into from the group before it (the
 * group after one with a free slot), so that removal during iteration,
 * which moves entries only towards their homes, never moves an unvisited
 * entry behind the cursor or a visited one ahead of it. */
typedef struct OHM__ITER {
    const OHM__N *map;
    uint32_t start; /* the slot iteration began at; OHM__NONE: from N_iter_at, not settled yet */
    uint32_t pos;   /* position (slots after start) of the group being visited */
    uint32_t used;  /* used slots of that group not visited yet */
    uint32_t last;  /* slot of the entry N_iter_next gave last; OHM__NONE: none, or removed */
    uint32_t stamp; /* the map's stamp when the iterator was made (see N_iter_next) */
    const OHM__K *at; /* N_iter_at's entry, until the iterator is settled (start OHM__NONE) */
} OHM__ITER;

/* Equality of a caller's probe (any type) with a stored key, for the
 * adapted calls. */
typedef bool (*OHM__EQ_FN)(const void *ohm_probe, const OHM__K *ohm_key, void *ohm_ctx);

/* A predicate on an entry, for N_remove_if: true removes it. */
typedef bool (*OHM__PRED_FN)(OHM__ENTRY ohm_e, void *ohm_ctx);

#if !defined(OHM_EQ) && !defined(OHM_EQ_EX) && !defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
/* 12 and 13 are gcc's and clang's type classes of structs and unions. */
OHM__STATIC_ASSERT(__builtin_classify_type(*(OHM__K *)0) != 12 && __builtin_classify_type(*(OHM__K *)0) != 13,
               "ohm_map.h: OHM_KEY is a struct or union, which == cannot compare: define OHM_EQ(a, b) (or OHM_EQ_EX)");
#endif

#ifdef __cplusplus
/* Keys and values are copied, moved and shared as bytes, never constructed
 * or destroyed: a std::string in a block would leak, and its pointers
 * would mean nothing in another copy. */
static_assert(std::is_trivially_copyable<OHM__K>::value,
              "ohm_map.h: OHM_KEY must be trivially copyable: the block is copied as bytes, so a key must not own "
              "memory or hold pointers (for a string, store its offset into an arena in the block)");
#ifdef OHM_VALUE
static_assert(std::is_trivially_copyable<OHM__V>::value,
              "ohm_map.h: OHM_VALUE must be trivially copyable: the block is copied as bytes, so a value must not own "
              "memory or hold pointers (for a string, store its offset into an arena in the block)");
#endif
#endif

/* ========================================================================
 * Declarations: every generated function and its contract (details at the
 * definitions below and in docs/map.md). Out-parameters may be NULL.
 * ====================================================================== */

/* Layout. A layout with total_size == 0 cannot exist. */
OHM__API ohm_layout OHM__F(_layout)(uint32_t ohm_entries); /* smallest block holding entries at OHM_MAX_LOAD */
OHM__API ohm_layout OHM__F(_layout_for_load)(uint32_t ohm_entries, unsigned ohm_max_load); /* at another load (0: OHM_MAX_LOAD) */
OHM__API ohm_layout OHM__F(_layout_for_capacity)(uint32_t ohm_capacity); /* exactly capacity slots (0 or 2^k) */
OHM__API ohm_layout OHM__F(_layout_for_bytes)(size_t ohm_bytes); /* the largest block that fits in bytes */
OHM__API ohm_layout OHM__F(_layout_grown)(const OHM__N *ohm_m); /* the block to grow a full m into */
OHM__API size_t OHM__F(_base_align)(void);                      /* alignment of a block's start */

/* Creation. NULL (nothing written) on a NULL or misaligned buf, a load
 * above 100 or a layout not of this type; N_init_checked says which. */
OHM__API OHM__N *OHM__F(_init)(void *ohm_buf, ohm_layout ohm_lay);
OHM__API OHM__N *OHM__F(_init_seeded)(void *ohm_buf, ohm_layout ohm_lay, uint64_t ohm_seed);
OHM__API OHM__N *OHM__F(_init_ex)(void *ohm_buf, ohm_layout ohm_lay, uint64_t ohm_seed, unsigned ohm_max_load);
OHM__API ohm_status OHM__F(_init_checked)(void *ohm_buf, ohm_layout ohm_lay, uint64_t ohm_seed,
                                          unsigned ohm_max_load, OHM__N **ohm_out);
OHM__API OHM__N *OHM__F(_init_like)(void *ohm_buf, ohm_layout ohm_lay, const OHM__N *ohm_like);
OHM__API OHM__N *OHM__F(_at)(void *ohm_base, size_t ohm_byte_off); /* no checks: see N_attach */

/* Size and state. */
OHM__API uint32_t OHM__F(_count)(const OHM__N *ohm_m);
OHM__API uint32_t OHM__F(_capacity)(const OHM__N *ohm_m);
OHM__API uint32_t OHM__F(_max_load)(const OHM__N *ohm_m);         /* most entries it holds */
OHM__API unsigned OHM__F(_max_load_percent)(const OHM__N *ohm_m); /* its maximum load, 1..100 */
OHM__API size_t OHM__F(_block_size)(const OHM__N *ohm_m);         /* what to copy, write or map */
OHM__API ohm_status OHM__F(_reserve)(OHM__N *ohm_m, uint32_t ohm_additional); /* OHM_OK or OHM_FULL */
OHM__API ohm_status OHM__F(_reserve_total)(OHM__N *ohm_m, uint32_t ohm_total);
OHM__API uint64_t OHM__F(_seed)(const OHM__N *ohm_m);
OHM__API uint64_t OHM__F(_user)(const OHM__N *ohm_m);
OHM__API void OHM__F(_set_user)(OHM__N *ohm_m, uint64_t ohm_user);

/* Lookup. */
#ifdef OHM_VALUE
OHM__API OHM__V *OHM__F(_get)(const OHM__N *ohm_m, OHM__K ohm_key); /* NULL when absent */
#endif
OHM__API OHM__K *OHM__F(_get_key)(const OHM__N *ohm_m, OHM__K ohm_key);
OHM__API OHM__ENTRY OHM__F(_get_entry)(const OHM__N *ohm_m, OHM__K ohm_key); /* .key NULL when absent */
OHM__API bool OHM__F(_contains)(const OHM__N *ohm_m, OHM__K ohm_key);
/* out[i] = N_get_entry(m, keys[i]) for i < n, the lookups overlapped. */
OHM__API void OHM__F(_get_many)(const OHM__N *ohm_m, const OHM__K *ohm_keys, size_t ohm_n, OHM__ENTRY *ohm_out);

/* Insertion (never moves existing entries). OHM_OK made a new entry,
 * OHM_FOUND found the key, OHM_FULL: absent and no room, nothing changed. */
OHM__API ohm_status OHM__F(_put)(OHM__N *ohm_m, OHM__K ohm_key OHM__MAP_ONLY(, OHM__V ohm_value));
/* N_put of keys[i] (and values[i]) for i < n in order, the probes
 * overlapped; stops at the first that is OHM_FULL. Returns how many were
 * put; the map is then as after that many N_put calls. */
OHM__API size_t OHM__F(_put_many)(OHM__N *ohm_m, const OHM__K *ohm_keys OHM__MAP_ONLY(, const OHM__V *ohm_values),
                                  size_t ohm_n);
OHM__API ohm_status OHM__F(_put_new)(OHM__N *ohm_m, OHM__K ohm_key OHM__MAP_ONLY(, OHM__V ohm_value));
OHM__API ohm_status OHM__F(_fetch_put)(OHM__N *ohm_m, OHM__K ohm_key OHM__MAP_ONLY(, OHM__V ohm_value),
                                       OHM__KV *ohm_old);
OHM__API ohm_status OHM__F(_get_or_put)(OHM__N *ohm_m, OHM__K ohm_key, OHM__ENTRY *ohm_out);
OHM__API ohm_status OHM__F(_get_or_put_value)(OHM__N *ohm_m, OHM__K ohm_key OHM__MAP_ONLY(, OHM__V ohm_value),
                                              OHM__ENTRY *ohm_out);
/* The caller guarantees room (N_count < N_max_load) for a new key. */
OHM__API void OHM__F(_put_assume_capacity)(OHM__N *ohm_m, OHM__K ohm_key OHM__MAP_ONLY(, OHM__V ohm_value));
OHM__API void OHM__F(_put_new_assume_capacity)(OHM__N *ohm_m, OHM__K ohm_key OHM__MAP_ONLY(, OHM__V ohm_value));
OHM__API bool OHM__F(_fetch_put_assume_capacity)(OHM__N *ohm_m, OHM__K ohm_key OHM__MAP_ONLY(, OHM__V ohm_value),
                                                 OHM__KV *ohm_old);
OHM__API OHM__ENTRY OHM__F(_get_or_put_assume_capacity)(OHM__N *ohm_m, OHM__K ohm_key, bool *ohm_found);

/* Removal (may move other entries: pointers into the map go stale). */
OHM__API bool OHM__F(_remove)(OHM__N *ohm_m, OHM__K ohm_key);
OHM__API bool OHM__F(_fetch_remove)(OHM__N *ohm_m, OHM__K ohm_key, OHM__KV *ohm_out);
OHM__API void OHM__F(_remove_at)(OHM__N *ohm_m, OHM__K *ohm_key_ptr);
/* Remove every entry for which pred(entry, ctx) is true, calling pred once
 * for each entry; returns how many it removed. O(capacity) in all (may
 * allocate scratch through OHM_MALLOC on tables with long runs of full
 * groups). */
OHM__API size_t OHM__F(_remove_if)(OHM__N *ohm_m, OHM__PRED_FN ohm_pred, void *ohm_ctx);
OHM__API void OHM__F(_clear)(OHM__N *ohm_m);

/* Iteration: every entry once; insertion or removal other than through
 * N_iter_remove invalidates the iterator. */
OHM__API OHM__ITER OHM__F(_iter_begin)(const OHM__N *ohm_m);
OHM__API bool OHM__F(_iter_next)(OHM__ITER *ohm_it, OHM__ENTRY *ohm_out); /* false at the end */
/* An iterator at a found entry: N_iter_next gives the entries after e in
 * N_iter_begin's order, N_iter_remove removes e. O(1); the first step
 * finds e's place in the walk. */
OHM__API OHM__ITER OHM__F(_iter_at)(const OHM__N *ohm_m, OHM__ENTRY ohm_e);
/* Remove the entry N_iter_next last gave; the entry pointers it gave then
 * point at whatever the shift moved into that slot (maybe another entry):
 * read what you need before removing. */
OHM__API bool OHM__F(_iter_remove)(OHM__ITER *ohm_it);

/* Adapted calls: lookup by a probe of another type (hash: as the map
 * hashes the matching key; eq: whether a stored key matches). */
OHM__API OHM__ENTRY OHM__F(_get_adapted)(const OHM__N *ohm_m, uint64_t ohm_hash, const void *ohm_probe,
                                         OHM__EQ_FN ohm_eq, void *ohm_ctx);
OHM__API ohm_status OHM__F(_get_or_put_adapted)(OHM__N *ohm_m, uint64_t ohm_hash, const void *ohm_probe,
                                                OHM__EQ_FN ohm_eq, void *ohm_ctx, OHM__ENTRY *ohm_out);
OHM__API bool OHM__F(_remove_adapted)(OHM__N *ohm_m, uint64_t ohm_hash, const void *ohm_probe,
                                      OHM__EQ_FN ohm_eq, void *ohm_ctx);

/* Blocks: untrusted input, checking, moving. */
OHM__API ohm_status OHM__F(_attach)(void *ohm_buf, size_t ohm_len, OHM__N **ohm_out);
OHM__API ohm_status OHM__F(_attach_const)(const void *ohm_buf, size_t ohm_len, const OHM__N **ohm_out);
OHM__API ohm_status OHM__F(_validate)(const void *ohm_buf, size_t ohm_len);
OHM__API ohm_status OHM__F(_check)(const OHM__N *ohm_m);
OHM__API ohm_status OHM__F(_rehash)(const OHM__N *ohm_src, OHM__N *ohm_dst);

/* Shared blocks (docs/concurrency.md): lookups without a lock while at
 * most one writer (holding the writers' lock) works, and the repair of a
 * block whose writer died. */
/* OHM_FOUND (*value_out, may be NULL, gets a copy of the value as one
 * completed write left it), OHM_ABSENT, or OHM_BUSY when a write to the
 * key's groups stayed unfinished for OHM_READ_WAIT_MS (slow or dead writer). */
OHM__API ohm_status OHM__F(_read)(const OHM__N *ohm_m, OHM__K ohm_key OHM__MAP_ONLY(, OHM__V *ohm_value_out));
/* A section of lock-free reads (N_read, N_snapshot) that must agree:
 * true from N_read_end when no write ran since N_read_begin. */
OHM__API uint32_t OHM__F(_read_begin)(const OHM__N *ohm_m);
OHM__API bool OHM__F(_read_end)(const OHM__N *ohm_m, uint32_t ohm_ticket);
/* A consistent copy of the block into dst (dst_size >= N_block_size,
 * aligned to N_base_align): OHM_OK, OHM_BUSY, OHM_INVALID. */
OHM__API ohm_status OHM__F(_snapshot)(const OHM__N *ohm_m, void *ohm_dst, size_t ohm_dst_size);
/* After a writer died (EOWNERDEAD), under the writers' lock: finish or undo
 * the interrupted mutation. OHM_OK, or OHM_CORRUPT. O(capacity). */
OHM__API ohm_status OHM__F(_recover)(OHM__N *ohm_m);
#endif /* !OHM_DEFINE */

#ifndef OHM_DECLARE /* definitions */

/* The block's hash seed, for computing hashes of adapted probes. Defined
 * before the hash so that OHM_HASH_EX may call it, and N_user. */
OHM__API uint64_t OHM__F(_seed)(const OHM__N *ohm_m) { return ohm_m->hdr.seed; }
/* The owner's word in the header: ohm stores it and never reads it (an
 * OHM_HASH_EX may read it, e.g. to find the owner's string arena). */
OHM__API uint64_t OHM__F(_user)(const OHM__N *ohm_m) { return ohm_m->hdr.user; }
OHM__API void OHM__F(_set_user)(OHM__N *ohm_m, uint64_t ohm_user) { ohm__st64(&ohm_m->hdr.user, ohm_user); }

/* The key's hash: the only place the user's hash macro is expanded. */
static inline uint64_t OHM__F(__hash)(const OHM__N *ohm_m, const OHM__K *ohm_k)
{
    (void)ohm_m;
    return OHM__HASH(ohm_m, *ohm_k);
}

/* Key equality: the only place the user's equality macro is expanded. */
static inline bool OHM__F(__eq)(const OHM__N *ohm_m, const OHM__K *ohm_a, const OHM__K *ohm_b)
{
    (void)ohm_m;
    return OHM__EQ(ohm_m, *ohm_a, *ohm_b);
}


/* ========================================================================
 * Small helpers (private)
 * ====================================================================== */

/* Where the metadata starts: a constant of the value type (docs/FORMAT.md,
 * Placement), so a lookup reads no header field to find it. */
#define OHM__META_START OHM__CAST(size_t, ohm__meta_start(OHM__VAL_SIZE, OHM__VAL_ALIGN))
static inline uint8_t *OHM__F(__meta)(const OHM__N *ohm_m)
{
    return OHM__UNCONST(uint8_t *, ohm_m) + OHM__META_START;
}
/* The class bytes, one per 16-slot group, after the metadata mirror;
 * tables smaller than a group have none. */
static inline uint8_t *OHM__F(__cls)(const OHM__N *ohm_m)
{
    return OHM__F(__meta)(ohm_m) + ohm_m->hdr.capacity + OHM_GROUP_MIRROR;
}

/* Slot s's key and value. Keys (and values) are OHM__KSTRIDE (and
 * OHM__VSTRIDE) bytes apart: their own arrays, or interleaved slots. */
static inline char *OHM__F(__key_base)(const OHM__N *ohm_m)
{
    return OHM__UNCONST(char *, ohm_m) + ohm_m->hdr.keys_start;
}
static inline OHM__K *OHM__F(__key_in)(char *ohm_key_base, uint32_t ohm_s)
{
    return OHM__CAST(OHM__K *, OHM__CAST(void *, ohm_key_base + OHM__CAST(size_t, ohm_s) * OHM__KSTRIDE));
}
static inline OHM__K *OHM__F(__key)(const OHM__N *ohm_m, uint32_t ohm_s)
{
    return OHM__F(__key_in)(OHM__F(__key_base)(ohm_m), ohm_s);
}
/* The sync area after the header, its stripe words, and the journal's
 * value buffer (ohm_sync in ohm.h). */
static inline ohm_sync *OHM__F(__sync)(const OHM__N *ohm_m)
{
    return OHM__CAST(ohm_sync *, OHM__CAST(void *, OHM__UNCONST(char *, ohm_m) + sizeof(ohm_header)));
}
/* The offset of the stripe words, after the slots, of a block of `cap`
 * slots whose keys and values start at the given offsets. */
static inline uint64_t OHM__F(__stripes_at)(uint32_t ohm_cap, uint64_t ohm_keys_start, uint64_t ohm_vals_start)
{
    uint64_t ohm_end = (OHM_INTERLEAVE) ? ohm_keys_start + OHM__CAST(uint64_t, ohm_cap) * OHM__KSTRIDE
                                        : ohm_vals_start + OHM__CAST(uint64_t, ohm_cap) * OHM__VAL_SIZE;
    return OHM__ALIGN_UP(ohm_end, 4u);
}
/* The stripe words, as the sync area places them (checked against the
 * layout by N_check, N_validate and N_recover). */
static inline uint32_t *OHM__F(__stripes)(const OHM__N *ohm_m)
{
    return OHM__CAST(uint32_t *, OHM__CAST(void *, OHM__UNCONST(char *, ohm_m) + ohm_m->hdr.stripes));
}
#ifdef OHM_VALUE
static inline OHM__V *OHM__F(__jval)(const OHM__N *ohm_m)
{
    return OHM__CAST(OHM__V *, OHM__CAST(void *, OHM__UNCONST(char *, ohm_m) + ohm__jval_start(OHM__VAL_ALIGN)));
}
static inline OHM__V *OHM__F(__val)(const OHM__N *ohm_m, uint32_t ohm_s)
{
    return OHM__CAST(OHM__V *, OHM__CAST(void *, OHM__UNCONST(char *, ohm_m) + ohm_m->hdr.vals_start + OHM__CAST(size_t, ohm_s) * OHM__VSTRIDE));
}
#endif

static inline ohm_signature OHM__F(__signature)(void)
{
    ohm_signature ohm_s;
    ohm_s.key_size = OHM__CAST(uint32_t, sizeof(OHM__K));
    ohm_s.key_align = OHM__CAST(uint32_t, OHM__ALIGNOF(OHM__K));
    ohm_s.val_size = OHM__CAST(uint32_t, OHM__VAL_SIZE);
    ohm_s.val_align = OHM__CAST(uint32_t, OHM__VAL_ALIGN);
    ohm_s.type_tag = OHM__CAST(uint32_t, OHM_TYPE_TAG);
    ohm_s.flags = OHM__CAST(uint8_t, OHM__FLAGS);
    return ohm_s;
}

/* Write slot i's metadata byte and its mirror copies after the last slot:
 * mirror byte k (k < OHM_GROUP_MIRROR) copies slot k mod capacity, so slot
 * i has copies at i, i + capacity, ... below the mirror's end (one when
 * the capacity is 16 or more, none for i >= 16: most writes skip the loop). */
static inline void OHM__F(__set_meta)(OHM__N *ohm_m, uint32_t ohm_i, uint8_t ohm_v)
{
    uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    uint32_t ohm_cap = ohm_m->hdr.capacity;
    ohm__st8(ohm_meta + ohm_i, ohm_v);
    for (uint32_t ohm_k = ohm_i; ohm_k < OHM_GROUP_MIRROR; ohm_k += ohm_cap) ohm__st8(ohm_meta + ohm_cap + ohm_k, ohm_v);
}

/* The geometry (docs/FORMAT.md): slots in aligned groups of OHM_GROUP_SLOTS (a
 * table of fewer slots is one group), probed home group first, then the
 * following groups in order, round the end. */
static inline uint32_t OHM__F(__gmask)(const OHM__N *ohm_m)
{
    return ohm_m->hdr.capacity >= OHM_GROUP_SLOTS ? ohm_m->hdr.capacity / OHM_GROUP_SLOTS - 1 : 0;
}
/* The bits of a group mask that are slots of the table. */
static inline uint32_t OHM__F(__gvalid)(const OHM__N *ohm_m)
{
    return ohm_m->hdr.capacity >= OHM_GROUP_SLOTS ? 0xffffu : (1u << ohm_m->hdr.capacity) - 1;
}
static inline uint32_t OHM__F(__home_group)(const OHM__N *ohm_m, uint64_t ohm_hash)
{
    return (OHM__CAST(uint32_t, ohm_hash) & (ohm_m->hdr.capacity - 1)) / OHM_GROUP_SLOTS;
}
/* The first slot of the home group: one AND of the hash on a lookup's
 * critical path. The mask does not depend on the key, so a loop of
 * lookups computes it once; written as (capacity - 1) & ~15, compilers
 * keep two ANDs on the path (measured: 0.1-0.4 ns a hit). */
static inline uint32_t OHM__F(__home_base)(const OHM__N *ohm_m, uint64_t ohm_hash)
{
    uint32_t ohm_cap = ohm_m->hdr.capacity;
    return OHM__CAST(uint32_t, ohm_hash) & (ohm_cap >= OHM_GROUP_SLOTS ? ohm_cap - OHM_GROUP_SLOTS : 0u);
}
/* The geometry of a block of `cap` slots whose keys start `keys_start`
 * bytes in (ohm__geo): the checks of untrusted blocks take these from one
 * reading of the header; N__geo reads them from the live header. */
static inline ohm__geo OHM__F(__geo_of)(const OHM__N *ohm_m, uint32_t ohm_cap, uint64_t ohm_meta_start,
                                        uint64_t ohm_keys_start)
{
    ohm__geo ohm_g;
    ohm_g.cap = ohm_cap;
    ohm_g.mask = ohm_cap ? ohm_cap - 1 : 0;
    ohm_g.gm = ohm_cap >= OHM_GROUP_SLOTS ? ohm_cap / OHM_GROUP_SLOTS - 1 : 0;
    ohm_g.valid = ohm_cap >= OHM_GROUP_SLOTS ? 0xffffu : (1u << ohm_cap) - 1;
    ohm_g.meta = OHM__UNCONST(const uint8_t *, ohm_m) + ohm_meta_start;
    ohm_g.cls = ohm_g.meta + ohm_cap + OHM_GROUP_MIRROR;
    ohm_g.kb = OHM__UNCONST(char *, ohm_m) + ohm_keys_start;
    return ohm_g;
}
static inline ohm__geo OHM__F(__geo)(const OHM__N *ohm_m)
{
    return OHM__F(__geo_of)(ohm_m, ohm_m->hdr.capacity, ohm_m->hdr.meta_start, ohm_m->hdr.keys_start);
}

/* How many groups past its home group the displaced key in slot s lies:
 * its distance code, or from its hash when the code is 15 ("15 or more"). */
static inline uint32_t OHM__F(__dist_in)(const OHM__N *ohm_m, const ohm__geo *ohm_g, uint32_t ohm_s)
{
    uint32_t ohm_code = ohm__dist_code(ohm_g->meta[ohm_s]);
    if (ohm_code < OHM__DMAX) return ohm_code;
    uint64_t ohm_h = OHM__F(__hash)(ohm_m, OHM__F(__key_in)(ohm_g->kb, ohm_s));
    return (ohm_s / OHM_GROUP_SLOTS - (OHM__CAST(uint32_t, ohm_h) & ohm_g->mask) / OHM_GROUP_SLOTS) & ohm_g->gm;
}
/* The same from the live header, for the writers. */
static inline uint32_t OHM__F(__dist)(const OHM__N *ohm_m, uint32_t ohm_s)
{
    uint32_t ohm_code = ohm__dist_code(OHM__F(__meta)(ohm_m)[ohm_s]);
    if (ohm_code < OHM__DMAX) return ohm_code;
    uint64_t ohm_h = OHM__F(__hash)(ohm_m, OHM__F(__key)(ohm_m, ohm_s));
    return (ohm_s / OHM_GROUP_SLOTS - OHM__F(__home_group)(ohm_m, ohm_h)) & OHM__F(__gmask)(ohm_m);
}

/* The probe. Looks for a key in its home group, then, when the home group
 * is full and the key's class bit is set there, in the following groups
 * (among the keys whose byte carries that distance and class) up to the
 * first group with a free slot. Returns the slot holding the key, or
 * OHM__NONE; then *free_slot (when asked) is the slot where the key
 * belongs (the lowest free slot of the first group with one), or
 * OHM__NONE when the table has no free slot. Keys are compared with
 * OHM_EQ, or with `eq` when it is given (adapted calls); `no_eq` skips
 * comparing (put_new). */
OHM__NOINLINE uint32_t OHM__F(__probe_far)(const OHM__N *ohm_m, uint64_t ohm_hash, const OHM__K *ohm_key,
                                           OHM__EQ_FN ohm_eq, const void *ohm_probe, void *ohm_ctx, bool ohm_no_eq,
                                           uint32_t *ohm_free_slot);

OHM__ALWAYS_INLINE uint32_t OHM__F(__probe)(const OHM__N *ohm_m, uint64_t ohm_hash, const OHM__K *ohm_key,
                                            OHM__EQ_FN ohm_eq, const void *ohm_probe, void *ohm_ctx, bool ohm_no_eq,
                                            uint32_t *ohm_free_slot)
{
    if (ohm_m->hdr.capacity == 0) {
        if (ohm_free_slot) *ohm_free_slot = OHM__NONE;
        return OHM__NONE;
    }
    /* The home group: most lookups end here. */
    uint32_t ohm_base = OHM__F(__home_base)(ohm_m, ohm_hash), ohm_valid = OHM__F(__gvalid)(ohm_m);
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    if (!ohm_no_eq) {
        char *ohm_kb = OHM__F(__key_base)(ohm_m);
        for (uint32_t ohm_match = ohm__g16_eq(ohm_meta + ohm_base, ohm__tag(ohm_hash)) & ohm_valid; ohm_match;
             ohm_match &= ohm_match - 1) {
            uint32_t ohm_s = ohm_base + ohm__m16_first(ohm_match);
            const OHM__K *ohm_k = OHM__F(__key_in)(ohm_kb, ohm_s);
            if (ohm_eq ? ohm_eq(ohm_probe, ohm_k, ohm_ctx) : OHM__F(__eq)(ohm_m, ohm_k, ohm_key)) return ohm_s;
        }
    }
    if (!ohm_free_slot) {
        /* A lookup goes on only when its class bit is set and the home
         * group is full. The bit is tested first: at high load whether the
         * home group is full is close to a coin toss for the branch
         * predictor, the bit is mostly clear (a miss at load 0.875, C =
         * 4096: 9.1 ns testing fullness first, 5.1 ns so; one combined
         * branch: 5.5 ns, and slower at load 0.5). */
        if (ohm_m->hdr.capacity < OHM_GROUP_SLOTS ||
            !((OHM__F(__cls)(ohm_m)[ohm_base / OHM_GROUP_SLOTS] >> ohm__class(ohm_hash)) & 1))
            return OHM__NONE;
        if (ohm__g16_free(ohm_meta + ohm_base)) return OHM__NONE;
    } else {
        uint32_t ohm_free = ohm__g16_free(ohm_meta + ohm_base) & ohm_valid;
        if (ohm_free) {
            *ohm_free_slot = ohm_base + ohm__m16_first(ohm_free);
            return OHM__NONE;
        }
    }
    return OHM__F(__probe_far)(ohm_m, ohm_hash, ohm_key, ohm_eq, ohm_probe, ohm_ctx, ohm_no_eq, ohm_free_slot);
}

/* The probe past a full home group. */
OHM__NOINLINE uint32_t OHM__F(__probe_far)(const OHM__N *ohm_m, uint64_t ohm_hash, const OHM__K *ohm_key,
                                           OHM__EQ_FN ohm_eq, const void *ohm_probe, void *ohm_ctx, bool ohm_no_eq,
                                           uint32_t *ohm_free_slot)
{
    if (ohm_free_slot) *ohm_free_slot = OHM__NONE;
    uint32_t ohm_gm = OHM__F(__gmask)(ohm_m), ohm_g = OHM__F(__home_group)(ohm_m, ohm_hash);
    if (ohm_gm == 0) return OHM__NONE;
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    char *ohm_kb = OHM__F(__key_base)(ohm_m);
    /* Keys of its class may lie further on only when its class bit is set
     * (a lookup comes here only then: N__probe tested it; an insert walks
     * on to the first group with room either way). */
    bool ohm_passed = (OHM__F(__cls)(ohm_m)[ohm_g] & ohm__cls_bit(ohm_hash)) != 0;
    for (uint32_t ohm_j = 1; ohm_j <= ohm_gm; ohm_j++) {
        uint32_t ohm_base = ((ohm_g + ohm_j) & ohm_gm) * OHM_GROUP_SLOTS;
        if (!ohm_no_eq && ohm_passed)
            for (uint32_t ohm_match = ohm__g16_eq(ohm_meta + ohm_base, ohm__dtag(ohm_hash, ohm_j)); ohm_match;
                 ohm_match &= ohm_match - 1) {
                uint32_t ohm_s = ohm_base + ohm__m16_first(ohm_match);
                const OHM__K *ohm_k = OHM__F(__key_in)(ohm_kb, ohm_s);
                if (ohm_eq ? ohm_eq(ohm_probe, ohm_k, ohm_ctx) : OHM__F(__eq)(ohm_m, ohm_k, ohm_key)) return ohm_s;
            }
        uint32_t ohm_free = ohm__g16_free(ohm_meta + ohm_base);
        if (ohm_free) {
            if (ohm_free_slot) *ohm_free_slot = ohm_base + ohm__m16_first(ohm_free);
            return OHM__NONE;
        }
    }
    return OHM__NONE;
}

/* ------------------------------------------------------------------------
 * The write order (docs/concurrency.md, docs/FORMAT.md "Writing"). Every
 * mutation runs between N__w_begin and N__w_end: the sequence word is odd
 * meanwhile, and so is the stripe word of every group it changes (marked
 * before the group's first store, in the order the mutation reaches the
 * groups: always forward from its first group, round the end). Lock-free
 * readers that read a group under an odd or changed stripe try again.
 * Every store goes through ohm__st*, an atomic store. The order of the
 * stores is also what makes a mutation recoverable at any of them (a
 * writer killed part way; N_recover):
 *   - a new entry's key and value are stored before its metadata byte,
 *     which publishes it, and its home's class bit before that;
 *   - an overwrite copies the new value into the journal first;
 *   - a removal's shift copies a key and value to the hole, publishes the
 *     hole's byte, then clears the source's; the journal names the hole and
 *     the source at each step;
 *   - the count and class bytes are derived, and N_recover recomputes them.
 * ---------------------------------------------------------------------- */

/* A mutation begins: the sequence word turns odd; the bookkeeping that
 * ohm__w_touch and ohm__w_end (ohm.h) use is read once. */
static inline ohm__wr OHM__F(__w_begin)(OHM__N *ohm_m)
{
    ohm__wr ohm_wr;
    if (!OHM_SHARED) { /* no bookkeeping: the marks below are never read */
        memset(&ohm_wr, 0, sizeof ohm_wr);
        return ohm_wr;
    }
    ohm_wr.seq = &OHM__F(__sync)(ohm_m)->seq;
    ohm_wr.stripes = OHM__F(__stripes)(ohm_m);
    ohm_wr.gm = OHM__F(__gmask)(ohm_m);
    ohm_wr.ns = ohm_m->hdr.smask + 1;
    ohm_wr.lo = 0;
    ohm_wr.n = 0;
    ohm__st32(ohm_wr.seq, *ohm_wr.seq + 1);
    OHM__FENCE_REL();
    return ohm_wr;
}

/* The journal: the slots of the step in progress, in one store. */
static inline void OHM__F(__j_step)(OHM__N *ohm_m, uint32_t ohm_hole, uint32_t ohm_src)
{
    if (!OHM_SHARED) return;
    uint32_t ohm_w[2] = {ohm_hole, ohm_src};
    ohm__st_copy(&OHM__F(__sync)(ohm_m)->hole, ohm_w, sizeof ohm_w, 8);
}
static inline void OHM__F(__j_op)(OHM__N *ohm_m, uint32_t ohm_op)
{
    if (!OHM_SHARED) return;
    ohm__st32(&OHM__F(__sync)(ohm_m)->op, ohm_op);
}
/* N_remove_if: the group its walk starts at. */
static inline void OHM__F(__j_start)(OHM__N *ohm_m, uint32_t ohm_start)
{
    if (!OHM_SHARED) return;
    ohm__st32(&OHM__F(__sync)(ohm_m)->start, ohm_start);
}
#ifdef OHM_VALUE
/* An overwrite: the new value, into the journal's value buffer. */
static inline void OHM__F(__j_value)(OHM__N *ohm_m, const OHM__V *ohm_v)
{
    if (!OHM_SHARED) return;
    ohm__st_copy(OHM__F(__jval)(ohm_m), ohm_v, sizeof(OHM__V), OHM__VAL_ALIGN);
}
#endif

/* The stripe marks (ohm.h), none when OHM_SHARED is 0. */
static inline void OHM__F(__w_touch)(ohm__wr *ohm_wr, uint32_t ohm_g)
{
    if (OHM_SHARED) ohm__w_touch(ohm_wr, ohm_g);
}
static inline void OHM__F(__w_touch_all)(ohm__wr *ohm_wr)
{
    if (OHM_SHARED) ohm__w_touch_all(ohm_wr);
}
static inline void OHM__F(__w_end)(ohm__wr *ohm_wr)
{
    if (OHM_SHARED) ohm__w_end(ohm_wr);
}

/* The writer's counters in the header (lock-free readers may read them). */
static inline void OHM__F(__count_add)(OHM__N *ohm_m, uint32_t ohm_add)
{
    ohm__st32(&ohm_m->hdr.count, ohm_m->hdr.count + ohm_add);
    ohm__st32(&ohm_m->hdr.stamp, ohm_m->hdr.stamp + 1);
}

/* Find the key or make its entry: OHM_FOUND with its slot (nothing
 * written), OHM_OK with a new entry made, OHM_FULL with nothing changed.
 * A new entry gets `store_key` and `store_val` (either may be NULL: the
 * adapted insert's caller stores its key after; get_or_put's caller its
 * value), then its home's class bit when displaced, then its metadata
 * byte, which publishes it, then the count. Never moves an entry. */
static inline ohm_status OHM__F(__claim)(OHM__N *ohm_m, uint64_t ohm_hash, const OHM__K *ohm_key,
                                         OHM__EQ_FN ohm_eq, const void *ohm_probe, void *ohm_ctx,
                                         bool ohm_no_eq, const OHM__K *ohm_store_key, const void *ohm_store_val,
                                         uint32_t *ohm_slot)
{
    uint32_t ohm_free_slot;
    uint32_t ohm_s = OHM__F(__probe)(ohm_m, ohm_hash, ohm_key, ohm_eq, ohm_probe, ohm_ctx, ohm_no_eq, &ohm_free_slot);
    if (ohm_s != OHM__NONE) {
        *ohm_slot = ohm_s;
        return OHM_FOUND;
    }
    if (ohm_m->hdr.count >= ohm_m->hdr.max_entries || ohm_free_slot == OHM__NONE) return OHM_FULL;
    uint32_t ohm_g = OHM__F(__home_group)(ohm_m, ohm_hash), ohm_y = ohm_free_slot / OHM_GROUP_SLOTS;
    uint32_t ohm_d = (ohm_y - ohm_g) & OHM__F(__gmask)(ohm_m);
    ohm__wr ohm_wr = OHM__F(__w_begin)(ohm_m);
    OHM__F(__w_touch)(&ohm_wr, ohm_g);
    OHM__F(__w_touch)(&ohm_wr, ohm_y);
    if (ohm_store_key) ohm__st_copy(OHM__F(__key)(ohm_m, ohm_free_slot), ohm_store_key, sizeof(OHM__K), OHM__ALIGNOF(OHM__K));
#ifdef OHM_VALUE
    if (ohm_store_val) ohm__st_copy(OHM__F(__val)(ohm_m, ohm_free_slot), ohm_store_val, sizeof(OHM__V), OHM__VAL_ALIGN);
#else
    (void)ohm_store_val;
#endif
    if (ohm_d) {
        uint8_t *ohm_c = OHM__F(__cls)(ohm_m) + ohm_g;
        if (!(*ohm_c & ohm__cls_bit(ohm_hash))) ohm__st8(ohm_c, OHM__CAST(uint8_t, *ohm_c | ohm__cls_bit(ohm_hash)));
    }
    OHM__F(__set_meta)(ohm_m, ohm_free_slot, ohm__byte_for(ohm_hash, ohm_d));
    OHM__F(__count_add)(ohm_m, 1);
    OHM__F(__w_end)(&ohm_wr);
    *ohm_slot = ohm_free_slot;
    return OHM_OK;
}

#ifdef OHM_VALUE
/* Overwrite the value of the entry in slot s: the new value goes to the
 * journal first, so that a writer killed while copying it leaves the new
 * value for N_recover to finish (never half of each). */
static inline void OHM__F(__overwrite)(OHM__N *ohm_m, uint32_t ohm_s, const OHM__V *ohm_v)
{
    ohm__wr ohm_wr = OHM__F(__w_begin)(ohm_m);
    OHM__F(__j_value)(ohm_m, ohm_v);
    OHM__F(__j_step)(ohm_m, ohm_s, OHM__NONE);
    OHM__F(__j_op)(ohm_m, OHM__OP_OVERWRITE);
    OHM__F(__w_touch)(&ohm_wr, ohm_s / OHM_GROUP_SLOTS);
    ohm__st_copy(OHM__F(__val)(ohm_m, ohm_s), ohm_v, sizeof(OHM__V), OHM__VAL_ALIGN);
    OHM__F(__j_op)(ohm_m, OHM__OP_NONE);
    OHM__F(__w_end)(&ohm_wr);
}
#endif

/* The slot whose key `key_ptr` points at, or OHM__NONE when it is not a
 * key slot of this map (compared as integers: it may point anywhere). */
static inline uint32_t OHM__F(__slot_of)(const OHM__N *ohm_m, const OHM__K *ohm_key_ptr)
{
    uintptr_t ohm_base = OHM__PTR_CAST(uintptr_t, OHM__F(__key_base)(ohm_m)), ohm_p = OHM__PTR_CAST(uintptr_t, ohm_key_ptr);
    uintptr_t ohm_span = OHM__CAST(uintptr_t, ohm_m->hdr.capacity) * OHM__KSTRIDE;
    if (ohm_p < ohm_base || ohm_p - ohm_base >= ohm_span || (ohm_p - ohm_base) % OHM__KSTRIDE != 0) return OHM__NONE;
    return OHM__CAST(uint32_t, (ohm_p - ohm_base) / OHM__KSTRIDE);
}

static inline OHM__ENTRY OHM__F(__entry_at)(const OHM__N *ohm_m, uint32_t ohm_s)
{
    OHM__ENTRY ohm_e;
    ohm_e.key = ohm_s == OHM__NONE ? OHM__NULL : OHM__F(__key)(ohm_m, ohm_s);
    OHM__MAP_ONLY(ohm_e.value = ohm_s == OHM__NONE ? OHM__NULL : OHM__F(__val)(ohm_m, ohm_s);)
    return ohm_e;
}

static inline OHM__KV OHM__F(__kv_at)(const OHM__N *ohm_m, uint32_t ohm_s)
{
    OHM__KV ohm_kv;
    ohm_kv.key = *OHM__F(__key)(ohm_m, ohm_s);
    OHM__MAP_ONLY(ohm_kv.value = *OHM__F(__val)(ohm_m, ohm_s);)
    return ohm_kv;
}

/* Clear class bit c of home group g unless a key of that home and class
 * is still displaced: such a key lies, by invariant I (docs/FORMAT.md),
 * before the first group after g with a free slot. */
static inline void OHM__F(__recompute)(OHM__N *ohm_m, uint32_t ohm_g, uint32_t ohm_c)
{
    uint32_t ohm_gm = OHM__F(__gmask)(ohm_m);
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    char *ohm_kb = OHM__F(__key_base)(ohm_m);
    for (uint32_t ohm_j = 1; ohm_j <= ohm_gm; ohm_j++) {
        uint32_t ohm_y = (ohm_g + ohm_j) & ohm_gm;
        const uint8_t *ohm_p = ohm_meta + ohm_y * OHM_GROUP_SLOTS;
        OHM__COUNT_READ();
        if (ohm_j < OHM__DMAX) {
            if (ohm__g16_eq(ohm_p, ohm__dist_byte(ohm_j, ohm_c))) return;
        } else {
            for (uint32_t ohm_u = ohm__g16_eq(ohm_p, ohm__dist_byte(OHM__DMAX, ohm_c)); ohm_u; ohm_u &= ohm_u - 1) {
                uint64_t ohm_h = OHM__F(__hash)(ohm_m, OHM__F(__key_in)(ohm_kb, ohm_y * OHM_GROUP_SLOTS + ohm__m16_first(ohm_u)));
                if (OHM__F(__home_group)(ohm_m, ohm_h) == ohm_g) return;
            }
        }
        if (ohm__g16_free(ohm_p)) break;
    }
    uint8_t *ohm_cb = OHM__F(__cls)(ohm_m) + ohm_g;
    if (*ohm_cb & ohm__class_bit(ohm_c)) ohm__st8(ohm_cb, OHM__CAST(uint8_t, *ohm_cb & ~ohm__class_bit(ohm_c)));
}

/* Move the entry in slot `from` back to the free slot `to`, `newd` groups
 * past its home, with the byte that distance gives, and free `from`. Only
 * an entry that goes home (newd 0) is hashed (for its fingerprint): the
 * class is in the old byte, and a distance of 15 or more keeps code 15. */
static inline void OHM__F(__move_back)(OHM__N *ohm_m, uint32_t ohm_from, uint32_t ohm_to, uint32_t ohm_newd)
{
    uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    char *ohm_kb = OHM__F(__key_base)(ohm_m);
    uint8_t ohm_tg = ohm_meta[ohm_from];
    if (ohm_newd == 0)
        ohm_tg = ohm__tag(OHM__F(__hash)(ohm_m, OHM__F(__key_in)(ohm_kb, ohm_from)));
    else if (ohm_newd < OHM__DMAX)
        ohm_tg = ohm__dist_byte(ohm_newd, ohm__byte_class(ohm_tg));
#ifdef OHM__TEST_FREE_BEFORE_COPY /* a wrong order, for tests/test_crash.c to catch (make test-crash-mutant) */
    OHM__F(__set_meta)(ohm_m, ohm_from, 0);
#endif
    ohm__st_copy(OHM__F(__key_in)(ohm_kb, ohm_to), OHM__F(__key_in)(ohm_kb, ohm_from), sizeof(OHM__K), OHM__ALIGNOF(OHM__K));
    OHM__MAP_ONLY(ohm__st_copy(OHM__F(__val)(ohm_m, ohm_to), OHM__F(__val)(ohm_m, ohm_from), sizeof(OHM__V), OHM__VAL_ALIGN);)
    OHM__F(__set_meta)(ohm_m, ohm_to, ohm_tg); /* the copy is published, */
#ifndef OHM__TEST_FREE_BEFORE_COPY
    OHM__F(__set_meta)(ohm_m, ohm_from, 0); /* then the source freed */
#endif
}

/* The class bytes of the groups from `first` up to (not including) `end`,
 * made exact from the keys stored in them and up to `end`: when `end` has
 * a free slot, invariant I puts every displaced key of those homes there.
 * One pass over the groups, whatever their number. */
static inline void OHM__F(__rebuild_classes)(OHM__N *ohm_m, uint32_t ohm_first, uint32_t ohm_end)
{
    ohm__geo ohm_g = OHM__F(__geo)(ohm_m);
    uint8_t *ohm_cls = OHM__F(__cls)(ohm_m);
    uint32_t ohm_span = (ohm_end - ohm_first) & ohm_g.gm; /* groups rebuilt */
    for (uint32_t ohm_q = 0; ohm_q < ohm_span; ohm_q++) {
        uint32_t ohm_y = (ohm_first + ohm_q) & ohm_g.gm;
        if (ohm_cls[ohm_y]) ohm__st8(ohm_cls + ohm_y, 0);
    }
    for (uint32_t ohm_q = 1; ohm_q <= ohm_span; ohm_q++) {
        uint32_t ohm_y = (ohm_first + ohm_q) & ohm_g.gm;
        OHM__COUNT_READ();
        for (uint32_t ohm_u = ohm__g16_ge(ohm_g.meta + ohm_y * OHM_GROUP_SLOTS, OHM__DISPLACED_MIN); ohm_u; ohm_u &= ohm_u - 1) {
            uint32_t ohm_s = ohm_y * OHM_GROUP_SLOTS + ohm__m16_first(ohm_u);
            uint32_t ohm_d = OHM__F(__dist_in)(ohm_m, &ohm_g, ohm_s);
            uint8_t *ohm_cb = ohm_cls + ((ohm_y - ohm_d) & ohm_g.gm), ohm_bit = ohm__class_bit(ohm__byte_class(ohm_g.meta[ohm_s]));
            if (ohm_d <= ohm_q && !(*ohm_cb & ohm_bit)) /* homed at or after first */
                ohm__st8(ohm_cb, OHM__CAST(uint8_t, *ohm_cb | ohm_bit));
        }
    }
}

/* Every class byte, exact from the keys displaced anywhere (N_remove_if,
 * N_recover): O(capacity), hashing only keys of distance code 15. */
static inline void OHM__F(__rebuild_all_classes)(OHM__N *ohm_m)
{
    ohm__geo ohm_g = OHM__F(__geo)(ohm_m);
    if (ohm_g.cap < OHM_GROUP_SLOTS) return;
    uint8_t *ohm_cls = OHM__F(__cls)(ohm_m);
    for (uint32_t ohm_y = 0; ohm_y <= ohm_g.gm; ohm_y++)
        if (ohm_cls[ohm_y]) ohm__st8(ohm_cls + ohm_y, 0);
    for (uint32_t ohm_y = 0; ohm_y <= ohm_g.gm; ohm_y++)
        for (uint32_t ohm_u = ohm__g16_ge(ohm_g.meta + ohm_y * OHM_GROUP_SLOTS, OHM__DISPLACED_MIN); ohm_u; ohm_u &= ohm_u - 1) {
            uint32_t ohm_s = ohm_y * OHM_GROUP_SLOTS + ohm__m16_first(ohm_u);
            uint8_t *ohm_cb = ohm_cls + ((ohm_y - OHM__F(__dist_in)(ohm_m, &ohm_g, ohm_s)) & ohm_g.gm);
            uint8_t ohm_bit = ohm__class_bit(ohm__byte_class(ohm_g.meta[ohm_s]));
            if (!(*ohm_cb & ohm_bit)) ohm__st8(ohm_cb, OHM__CAST(uint8_t, *ohm_cb | ohm_bit));
        }
}

/* After slot s of group x, which was full, became free: a group-level
 * backward shift. The nearest later group holding a key whose probe
 * passes x gives its lowest such key to s; its slot is the next hole,
 * and so on while the group that gave was full. Keeps invariant I: no
 * key's probe passes a group with a free slot. A key that went home may
 * have been the last of its class outside that group; its class bit is
 * recomputed once the shift is done (then the scan stops at the first
 * group with room, which the last hole is at the latest). A recompute at
 * each step would read the rest of the run each time, quadratic in a
 * run of full groups; so past OHM__PULL_RECOMPUTES keys gone home, the
 * class bytes of all the groups the shift walked are rebuilt in one pass
 * instead. On a valid block the shift reads each group of the run once,
 * the upkeep of class bits a few times; bounded by a lap of groups a step
 * and a lap of steps even on a damaged block. */
#define OHM__PULL_RECOMPUTES 4
static inline void OHM__F(__pull)(OHM__N *ohm_m, uint32_t ohm_s, uint32_t ohm_x, ohm__wr *ohm_wr)
{
    uint32_t ohm_gm = OHM__F(__gmask)(ohm_m), ohm_first = ohm_x;
    uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    uint32_t ohm_home[OHM__PULL_RECOMPUTES], ohm_class[OHM__PULL_RECOMPUTES], ohm_gone = 0;
    for (uint32_t ohm_steps = 0; ohm_steps <= ohm_gm; ohm_steps++) {
        uint32_t ohm_t = OHM__NONE, ohm_y = ohm_x, ohm_newd = 0, ohm_yfree = 0;
        for (uint32_t ohm_k = 1; ohm_k <= ohm_gm; ohm_k++) {
            ohm_y = (ohm_x + ohm_k) & ohm_gm;
            const uint8_t *ohm_p = ohm_meta + ohm_y * OHM_GROUP_SLOTS;
            OHM__COUNT_READ();
            ohm_yfree = ohm__g16_free(ohm_p);
            /* a byte of code >= k: its probe passes x */
            for (uint32_t ohm_u = ohm__g16_ge(ohm_p, ohm__code_min(ohm_k)); ohm_u;
                 ohm_u &= ohm_u - 1) {
                uint32_t ohm_c2 = ohm_y * OHM_GROUP_SLOTS + ohm__m16_first(ohm_u);
                uint32_t ohm_d = OHM__F(__dist)(ohm_m, ohm_c2);
                if (ohm_d >= ohm_k) {
                    ohm_t = ohm_c2;
                    ohm_newd = ohm_d - ohm_k;
                    break;
                }
            }
            if (ohm_t != OHM__NONE || ohm_yfree) break; /* nothing passes a group with room */
        }
        if (ohm_t == OHM__NONE) break; /* the hole stays in x */
        if (ohm_newd == 0 && ohm_gone < OHM__PULL_RECOMPUTES) { /* its class, from its byte */
            ohm_home[ohm_gone] = ohm_x;
            ohm_class[ohm_gone] = ohm__byte_class(ohm_meta[ohm_t]);
        }
        ohm_gone += ohm_newd == 0;
        OHM__F(__w_touch)(ohm_wr, ohm_y);
        OHM__F(__j_step)(ohm_m, ohm_s, ohm_t);
        OHM__F(__move_back)(ohm_m, ohm_t, ohm_s, ohm_newd);
        OHM__F(__j_step)(ohm_m, ohm_t, OHM__NONE);
        ohm_s = ohm_t;
        ohm_x = ohm_y;
        if (ohm_yfree) break; /* y had room before: nothing passes it */
    }
    /* x now has the last hole: every key homed in first..x lies there */
    if (ohm_gone > OHM__PULL_RECOMPUTES)
        OHM__F(__rebuild_classes)(ohm_m, ohm_first, ohm_x);
    else
        for (uint32_t ohm_i = 0; ohm_i < ohm_gone; ohm_i++) OHM__F(__recompute)(ohm_m, ohm_home[ohm_i], ohm_class[ohm_i]);
}
#undef OHM__PULL_RECOMPUTES

/* Remove the entry in slot i: its byte is cleared and, when its group was
 * full, keys that passed the group are pulled back (N__pull); then, when
 * the entry was displaced, its home's class bit is recomputed. Entries
 * move only towards their homes. The journal names the hole from the
 * start (N_recover resumes the shift from it). */
static inline void OHM__F(__erase_slot)(OHM__N *ohm_m, uint32_t ohm_i)
{
    uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    uint32_t ohm_gm = OHM__F(__gmask)(ohm_m), ohm_x = ohm_i / OHM_GROUP_SLOTS;
    uint8_t ohm_b = ohm_meta[ohm_i];
    uint64_t ohm_h = 0;
    bool ohm_displaced = ohm_gm != 0 && !ohm__is_home(ohm_b);
    if (ohm_displaced) /* its home's class bit is recomputed below */
        ohm_h = OHM__F(__hash)(ohm_m, OHM__F(__key_in)(OHM__F(__key_base)(ohm_m), ohm_i));
    bool ohm_was_full = ohm_gm != 0 && ohm__g16_free(ohm_meta + ohm_x * OHM_GROUP_SLOTS) == 0;
    ohm__wr ohm_wr = OHM__F(__w_begin)(ohm_m);
    OHM__F(__w_touch)(&ohm_wr, ohm_displaced ? OHM__F(__home_group)(ohm_m, ohm_h) : ohm_x);
    OHM__F(__w_touch)(&ohm_wr, ohm_x);
    OHM__F(__j_step)(ohm_m, ohm_i, OHM__NONE);
    OHM__F(__j_op)(ohm_m, OHM__OP_ERASE);
    OHM__F(__set_meta)(ohm_m, ohm_i, 0);
    OHM__F(__count_add)(ohm_m, UINT32_MAX); /* minus one */
    if (ohm_was_full) OHM__F(__pull)(ohm_m, ohm_i, ohm_x, &ohm_wr);
    if (ohm_displaced) OHM__F(__recompute)(ohm_m, OHM__F(__home_group)(ohm_m, ohm_h), ohm__class(ohm_h));
    OHM__F(__j_op)(ohm_m, OHM__OP_NONE);
    OHM__F(__w_end)(&ohm_wr);
}

/* ========================================================================
 * Layout and creation
 * ====================================================================== */

/* The block for `capacity` raw slots: 0 or a power of two up to 2^31, not
 * scaled by the load. total_size == 0 when impossible. */
OHM__API ohm_layout OHM__F(_layout_for_capacity)(uint32_t ohm_capacity)
{
    return ohm_layout_for(ohm_capacity, sizeof(OHM__K), OHM__ALIGNOF(OHM__K), OHM__VAL_SIZE,
                          OHM__VAL_ALIGN, OHM_INTERLEAVE);
}

/* The smallest block whose maximum load (`max_load` percent; 0 means
 * OHM_MAX_LOAD, as in N_init_ex) holds `entries`; capacity 0 for 0
 * entries; total_size == 0 when no capacity up to 2^31 suffices or
 * max_load is above 100. */
OHM__API ohm_layout OHM__F(_layout_for_load)(uint32_t ohm_entries, unsigned ohm_max_load)
{
    return OHM__F(_layout_for_capacity)(ohm_capacity_for(ohm_entries, ohm_max_load ? ohm_max_load : OHM_MAX_LOAD));
}

/* The smallest block whose maximum load (OHM_MAX_LOAD) holds `entries`. */
OHM__API ohm_layout OHM__F(_layout)(uint32_t ohm_entries)
{
    return OHM__F(_layout_for_load)(ohm_entries, OHM_MAX_LOAD);
}

/* The layout of the block to grow `m` into when it is full: at least
 * twice its capacity (the smallest capacity whose maximum load, at m's
 * percentage, holds one more entry than m has, when that is more), so
 * that N_rehash then a put of a new key succeed. total_size == 0 when m
 * is at the 2^31-slot ceiling or the block would not fit in size_t. */
OHM__API ohm_layout OHM__F(_layout_grown)(const OHM__N *ohm_m)
{
    uint64_t ohm_cap = 2 * OHM__CAST(uint64_t, ohm_m->hdr.capacity); /* count <= 2^31: no overflow below */
    uint32_t ohm_need = ohm_capacity_for(ohm_m->hdr.count + 1, ohm_m->hdr.max_load);
    if (ohm_need == UINT32_MAX || ohm_cap > OHM_MAX_CAPACITY) {
        ohm_layout ohm_none = {0, 0, 0, 0, 0};
        return ohm_none;
    }
    return OHM__F(_layout_for_capacity)(ohm_need > ohm_cap ? ohm_need : OHM__CAST(uint32_t, ohm_cap));
}

/* The largest block (capacity 0 or a power of two) that fits in `bytes`:
 * what a fixed amount of memory buys. total_size == 0 when not even
 * capacity 0 (the header alone) fits. */
OHM__API ohm_layout OHM__F(_layout_for_bytes)(size_t ohm_bytes)
{
    for (uint64_t ohm_cap = OHM_MAX_CAPACITY; ohm_cap >= 1; ohm_cap >>= 1) {
        ohm_layout ohm_l = OHM__F(_layout_for_capacity)(OHM__CAST(uint32_t, ohm_cap));
        if (ohm_l.total_size != 0 && ohm_l.total_size <= ohm_bytes) return ohm_l;
    }
    ohm_layout ohm_zero = OHM__F(_layout_for_capacity)(0);
    if (ohm_zero.total_size <= ohm_bytes) return ohm_zero;
    ohm_zero.total_size = 0;
    return ohm_zero;
}

/* The alignment a block's start must have. */
OHM__API size_t OHM__F(_base_align)(void)
{
    return ohm_base_align_for(OHM__ALIGNOF(OHM__K), OHM__VAL_ALIGN);
}

/* Format `buf` (layout.total_size bytes, aligned to N_base_align()) as an
 * empty map with hash seed `seed` and maximum load `max_load` percent (0:
 * OHM_MAX_LOAD), and say why not when it cannot: OHM_OK with the map in
 * *out; OHM_INVALID when buf or out is NULL, max_load is above 100, or the
 * layout is not what N_layout_for_capacity gives for its capacity (a
 * failed layout has total_size 0); OHM_MISALIGNED when buf is not aligned
 * to N_base_align(). On an error nothing is written and *out is NULL.
 * Every byte of the block is written (zeroed first), so equal operations
 * give byte-identical blocks. */
OHM__API ohm_status OHM__F(_init_checked)(void *ohm_buf, ohm_layout ohm_lay, uint64_t ohm_seed,
                                               unsigned ohm_max_load, OHM__N **ohm_out)
{
    if (ohm_out == OHM__NULL) return OHM_INVALID;
    *ohm_out = OHM__NULL;
    if (ohm_max_load == 0) ohm_max_load = OHM_MAX_LOAD;
    if (ohm_buf == OHM__NULL || ohm_max_load > 100) return OHM_INVALID;
    if ((OHM__PTR_CAST(uintptr_t, ohm_buf) & (OHM__F(_base_align)() - 1)) != 0) return OHM_MISALIGNED;
    ohm_layout ohm_want = OHM__F(_layout_for_capacity)(ohm_lay.capacity);
    if (ohm_want.total_size == 0 || ohm_lay.total_size != ohm_want.total_size ||
        ohm_lay.keys_start != ohm_want.keys_start || ohm_lay.vals_start != ohm_want.vals_start ||
        ohm_lay.meta_start != ohm_want.meta_start)
        return OHM_INVALID;
#if defined(OHM_HASH) && !defined(NDEBUG)
    /* OHM_HASH(key) cannot read the seed: seeding changes nothing */
    if (ohm_seed != 0) ohm__note_seed_unused(OHM__STR(OHM_NAME));
#endif
    ohm_signature ohm_sig = OHM__F(__signature)();
    memset(ohm_buf, 0, ohm_want.total_size);
    OHM__N *ohm_m = OHM__CAST(OHM__N *, ohm_buf);
    ohm_header_init(&ohm_m->hdr, ohm_want, &ohm_sig, ohm_max_load, ohm_seed);
    ohm_m->hdr.smask = ohm__stripes(ohm_want.capacity) - 1;
    ohm_m->hdr.stripes = OHM__F(__stripes_at)(ohm_want.capacity, ohm_want.keys_start, ohm_want.vals_start);
    *ohm_out = ohm_m;
    return OHM_OK;
}

/* N_init_checked returning the map, or NULL (touching nothing) on any of
 * its errors: buf NULL or misaligned, max_load above 100, a layout that is
 * not this map type's. */
OHM__API OHM__N *OHM__F(_init_ex)(void *ohm_buf, ohm_layout ohm_lay, uint64_t ohm_seed,
                                       unsigned ohm_max_load)
{
    OHM__N *ohm_m;
    (void)OHM__F(_init_checked)(ohm_buf, ohm_lay, ohm_seed, ohm_max_load, &ohm_m);
    return ohm_m;
}

/* An empty map in `buf` (of `layout`, any capacity) with the settings of
 * the map `like`: its hash seed, its maximum load percentage and its
 * owner word (N_user), copied as it is. The block to grow into: init it
 * like the old map, then N_rehash the old map into it. When the hash finds
 * something through the owner word that differs for the new block (e.g.
 * the map's offset in its owner's block, which locates a string arena),
 * N_set_user the new value before N_rehash: the rehash hashes with the new
 * map. NULL as N_init_ex. */
OHM__API OHM__N *OHM__F(_init_like)(void *ohm_buf, ohm_layout ohm_lay, const OHM__N *ohm_like)
{
    OHM__N *ohm_m = OHM__F(_init_ex)(ohm_buf, ohm_lay, ohm_like->hdr.seed, ohm_like->hdr.max_load);
    if (ohm_m) ohm_m->hdr.user = ohm_like->hdr.user;
    return ohm_m;
}

/* N_init_ex with seed OHM_SEED_DEFAULT (0) and OHM_MAX_LOAD. */
OHM__API OHM__N *OHM__F(_init)(void *ohm_buf, ohm_layout ohm_lay)
{
    return OHM__F(_init_ex)(ohm_buf, ohm_lay, OHM_SEED_DEFAULT, 0);
}

/* N_init_ex with a hash seed and OHM_MAX_LOAD. Different seeds place keys
 * differently, so keys crafted to collide under one seed do not under
 * another (hash flooding). The seed only affects hashes that use it: the
 * default integer hash and OHM_HASH_EX. */
OHM__API OHM__N *OHM__F(_init_seeded)(void *ohm_buf, ohm_layout ohm_lay, uint64_t ohm_seed)
{
    return OHM__F(_init_ex)(ohm_buf, ohm_lay, ohm_seed, 0);
}

/* The map whose block starts `offset` bytes after `base`. No checks: use
 * N_attach for a block you do not trust. */
OHM__API OHM__N *OHM__F(_at)(void *ohm_base, size_t ohm_byte_off)
{
    return OHM__CAST(OHM__N *, OHM__CAST(void *, OHM__CAST(char *, ohm_base) + ohm_byte_off));
}

/* ========================================================================
 * Size and state
 * ====================================================================== */

OHM__API uint32_t OHM__F(_count)(const OHM__N *ohm_m) { return ohm__ld32(&ohm_m->hdr.count); }
OHM__API uint32_t OHM__F(_capacity)(const OHM__N *ohm_m) { return ohm_m->hdr.capacity; }
/* Most entries it will hold: floor(capacity * max load / 100), maybe 0.
 * (An entry count, as in the reference; the percentage it comes from is
 * N_max_load_percent.) */
OHM__API uint32_t OHM__F(_max_load)(const OHM__N *ohm_m) { return ohm_m->hdr.max_entries; }
/* The maximum load percentage the map was made with, 1..100 (the
 * `max_load` of N_init_ex, or OHM_MAX_LOAD). */
OHM__API unsigned OHM__F(_max_load_percent)(const OHM__N *ohm_m) { return ohm_m->hdr.max_load; }
/* Bytes of the whole block: what to memcpy, write or map. */
OHM__API size_t OHM__F(_block_size)(const OHM__N *ohm_m) { return OHM__CAST(size_t, ohm_m->hdr.total_size); }

/* OHM_OK when `additional` more entries fit, else OHM_FULL. */
OHM__API ohm_status OHM__F(_reserve)(OHM__N *ohm_m, uint32_t ohm_additional)
{
    return OHM__CAST(uint64_t, ohm_m->hdr.count) + ohm_additional <= ohm_m->hdr.max_entries ? OHM_OK : OHM_FULL;
}

/* OHM_OK when `total` entries fit, else OHM_FULL. */
OHM__API ohm_status OHM__F(_reserve_total)(OHM__N *ohm_m, uint32_t ohm_total)
{
    return ohm_total <= ohm_m->hdr.max_entries ? OHM_OK : OHM_FULL;
}

/* ========================================================================
 * Lookup
 * ====================================================================== */

/* Both pointers into the block; .key == NULL when absent. */
OHM__API OHM__ENTRY OHM__F(_get_entry)(const OHM__N *ohm_m, OHM__K ohm_key)
{
    uint64_t ohm_h = OHM__F(__hash)(ohm_m, &ohm_key);
    return OHM__F(__entry_at)(ohm_m, OHM__F(__probe)(ohm_m, ohm_h, &ohm_key, OHM__NULL, OHM__NULL, OHM__NULL, false, OHM__NULL));
}

#ifdef OHM_VALUE
/* Pointer to the value; NULL when absent. */
OHM__API OHM__V *OHM__F(_get)(const OHM__N *ohm_m, OHM__K ohm_key)
{
    return OHM__F(_get_entry)(ohm_m, ohm_key).value;
}
#endif

/* Pointer to the stored key; NULL when absent. */
OHM__API OHM__K *OHM__F(_get_key)(const OHM__N *ohm_m, OHM__K ohm_key)
{
    return OHM__F(_get_entry)(ohm_m, ohm_key).key;
}

OHM__API bool OHM__F(_contains)(const OHM__N *ohm_m, OHM__K ohm_key)
{
    return OHM__F(_get_entry)(ohm_m, ohm_key).key != OHM__NULL;
}

#if defined(__GNUC__) || defined(__clang__)
#define OHM__PREFETCH(p) __builtin_prefetch(p)
#else
#define OHM__PREFETCH(p) ((void)(p))
#endif
/* The batches' look-ahead (N_get_many, N_put_many): a key is hashed and
 * the cache lines of its home group's metadata and class byte and of the
 * first three key lines of its home group (and its value, when values
 * have an array of their own) are prefetched; the hash is kept for the
 * probe. The arrays' places are read from the header once a batch. */
typedef struct OHM__F(__ahead_s) {
    uint32_t mask;
    const uint8_t *meta, *cls;
    char *kb;
} OHM__F(__ahead_s);
static inline OHM__F(__ahead_s) OHM__F(__ahead)(const OHM__N *ohm_m)
{
    OHM__F(__ahead_s) ohm_a;
    ohm_a.mask = ohm_m->hdr.capacity ? ohm_m->hdr.capacity - 1 : 0;
    ohm_a.meta = OHM__F(__meta)(ohm_m);
    ohm_a.cls = OHM__F(__cls)(ohm_m);
    ohm_a.kb = OHM__F(__key_base)(ohm_m);
    return ohm_a;
}
static inline uint64_t OHM__F(__hash_ahead)(const OHM__N *ohm_m, const OHM__K *ohm_key, const OHM__F(__ahead_s) *ohm_a)
{
    uint64_t ohm_hash = OHM__F(__hash)(ohm_m, ohm_key);
    uint32_t ohm_home = OHM__CAST(uint32_t, ohm_hash) & ohm_a->mask & ~(OHM_GROUP_SLOTS - 1); /* its home group's first slot */
    const char *ohm_k = OHM__PTR_CAST(const char *, OHM__F(__key_in)(ohm_a->kb, ohm_home));
    OHM__PREFETCH(ohm_a->meta + ohm_home); /* 16 bytes, aligned: one line */
    OHM__PREFETCH(ohm_a->cls + ohm_home / OHM_GROUP_SLOTS);
    OHM__PREFETCH(ohm_k);
    OHM__PREFETCH(ohm_k + 64);
    OHM__PREFETCH(ohm_k + 128);
#if defined(OHM_VALUE)
    if (!(OHM_INTERLEAVE)) OHM__PREFETCH(OHM__F(__val)(ohm_m, ohm_home));
#endif
    return ohm_hash;
}

/* Lookups in a batch: out[i] = N_get_entry(m, keys[i]) for i < n (keys may
 * repeat; out must not overlap keys). Software-pipelined: key i is hashed
 * and the cache lines of its home group's metadata and class byte and of
 * the first three key lines of its home group (and its value, when values
 * have an array of their own) are prefetched OHM__AHEAD lookups before it is probed, so a
 * big table's cache misses overlap instead of following one another. */
#define OHM__AHEAD 32u
OHM__API void OHM__F(_get_many)(const OHM__N *ohm_m, const OHM__K *ohm_keys, size_t ohm_n, OHM__ENTRY *ohm_out)
{
    OHM__F(__ahead_s) ohm_ahead = OHM__F(__ahead)(ohm_m);
    uint64_t ohm_h[OHM__AHEAD]; /* the hashes of the lookups in flight */
    for (size_t ohm_i = 0; ohm_i < ohm_n + OHM__AHEAD; ohm_i++) {
        if (ohm_i >= OHM__AHEAD) { /* probe lookup i - AHEAD first: its hash's place is reused next */
            size_t ohm_j = ohm_i - OHM__AHEAD;
            ohm_out[ohm_j] = OHM__F(__entry_at)(
                ohm_m, OHM__F(__probe)(ohm_m, ohm_h[ohm_j % OHM__AHEAD], &ohm_keys[ohm_j], OHM__NULL, OHM__NULL, OHM__NULL, false, OHM__NULL));
        }
        if (ohm_i < ohm_n) ohm_h[ohm_i % OHM__AHEAD] = OHM__F(__hash_ahead)(ohm_m, &ohm_keys[ohm_i], &ohm_ahead);
    }
}

/* ========================================================================
 * Insertion
 * ====================================================================== */

/* Find the key or make an entry for it: OHM_FOUND with the existing entry
 * in *out, OHM_OK with a new entry (key stored, value left for the caller
 * to fill: it holds stale bytes), OHM_FULL when absent and the map is at its
 * maximum load. A present key is found even when the map is full. */
OHM__API ohm_status OHM__F(_get_or_put)(OHM__N *ohm_m, OHM__K ohm_key, OHM__ENTRY *ohm_out)
{
    uint32_t ohm_s = OHM__NONE; /* set by __claim unless OHM_FULL; gcc -O1 cannot see it */
    ohm_status ohm_st = OHM__F(__claim)(ohm_m, OHM__F(__hash)(ohm_m, &ohm_key), &ohm_key, OHM__NULL, OHM__NULL, OHM__NULL,
                                        false, &ohm_key, OHM__NULL, &ohm_s);
    if (ohm_out) *ohm_out = OHM__F(__entry_at)(ohm_m, ohm_st == OHM_FULL ? OHM__NONE : ohm_s);
    OHM__DEBUG_CHECK(ohm_m);
    return ohm_st;
}

/* Insert or overwrite: OHM_OK inserted, OHM_FOUND overwrote the value,
 * OHM_FULL absent and no room (nothing changed). An existing key is
 * overwritten even when the map is full. */
/* N_put of a key whose hash is known (N_put, N_put_many). */
static inline ohm_status OHM__F(__put_hashed)(OHM__N *ohm_m, uint64_t ohm_hash, const OHM__K *ohm_key,
                                              const void *ohm_value)
{
    uint32_t ohm_s = OHM__NONE;
    ohm_status ohm_st =
        OHM__F(__claim)(ohm_m, ohm_hash, ohm_key, OHM__NULL, OHM__NULL, OHM__NULL, false, ohm_key, ohm_value, &ohm_s);
    OHM__MAP_ONLY(if (ohm_st == OHM_FOUND) OHM__F(__overwrite)(ohm_m, ohm_s, OHM__CAST(const OHM__V *, ohm_value));)
    OHM__DEBUG_CHECK(ohm_m);
    return ohm_st;
}

OHM__API ohm_status OHM__F(_put)(OHM__N *ohm_m, OHM__K ohm_key OHM__MAP_ONLY(, OHM__V ohm_value))
{
    return OHM__F(__put_hashed)(ohm_m, OHM__F(__hash)(ohm_m, &ohm_key), &ohm_key,
                                OHM__MAP_ONLY(&ohm_value) OHM__SET_ONLY(OHM__NULL));
}

/* Puts in a batch: N_put(m, keys[i], values[i]) for i = 0, 1, ... in
 * order, stopping at the first key that is absent when the map is at its
 * maximum load (N_put's OHM_FULL). Returns how many were put: n, or the
 * index of the key that did not fit; the map is then exactly as after that
 * many N_put calls (present keys overwritten, a key repeated in the batch
 * holding its last value). Software-pipelined like N_get_many: key i is
 * hashed and its home group's lines prefetched OHM__AHEAD puts before it
 * is put; each put probes the map as it is by then (an earlier put of the
 * batch may have taken the slot a later key would take) and writes in
 * N_put's order. keys (and values) may be NULL when n is 0; NULL with n > 0
 * aborts in debug builds and puts nothing (returns 0) in release builds. */
OHM__API size_t OHM__F(_put_many)(OHM__N *ohm_m, const OHM__K *ohm_keys OHM__MAP_ONLY(, const OHM__V *ohm_values),
                                  size_t ohm_n)
{
    bool ohm_args = ohm_n == 0 || (ohm_keys != OHM__NULL OHM__MAP_ONLY(&& ohm_values != OHM__NULL));
    OHM_ASSERT(ohm_args, "put_many: keys (or values) NULL with n > 0");
    if (!ohm_args) return 0;
    OHM__F(__ahead_s) ohm_ahead = OHM__F(__ahead)(ohm_m);
    uint64_t ohm_h[OHM__AHEAD]; /* the hashes of the puts in flight */
    for (size_t ohm_i = 0; ohm_i < ohm_n + OHM__AHEAD; ohm_i++) {
        if (ohm_i >= OHM__AHEAD) { /* put i - AHEAD first: its hash's place is reused next */
            size_t ohm_j = ohm_i - OHM__AHEAD;
            if (OHM__F(__put_hashed)(ohm_m, ohm_h[ohm_j % OHM__AHEAD], &ohm_keys[ohm_j],
                                     OHM__MAP_ONLY(&ohm_values[ohm_j]) OHM__SET_ONLY(OHM__NULL)) == OHM_FULL)
                return ohm_j;
        }
        if (ohm_i < ohm_n) ohm_h[ohm_i % OHM__AHEAD] = OHM__F(__hash_ahead)(ohm_m, &ohm_keys[ohm_i], &ohm_ahead);
    }
    return ohm_n;
}
#undef OHM__AHEAD
#undef OHM__PREFETCH

/* Like put; on OHM_FOUND *old holds the replaced pair. */
OHM__API ohm_status OHM__F(_fetch_put)(OHM__N *ohm_m, OHM__K ohm_key OHM__MAP_ONLY(, OHM__V ohm_value),
                                            OHM__KV *ohm_old)
{
    uint32_t ohm_s = OHM__NONE;
    ohm_status ohm_st = OHM__F(__claim)(ohm_m, OHM__F(__hash)(ohm_m, &ohm_key), &ohm_key, OHM__NULL, OHM__NULL, OHM__NULL,
                                        false, &ohm_key, OHM__MAP_ONLY(&ohm_value) OHM__SET_ONLY(OHM__NULL), &ohm_s);
    if (ohm_st == OHM_FOUND) {
        if (ohm_old) *ohm_old = OHM__F(__kv_at)(ohm_m, ohm_s);
        OHM__MAP_ONLY(OHM__F(__overwrite)(ohm_m, ohm_s, &ohm_value);)
    }
    OHM__DEBUG_CHECK(ohm_m);
    return ohm_st;
}

/* Store `value` only when the key was absent: OHM_OK made it, OHM_FOUND
 * left the existing value, OHM_FULL absent and no room. *out gets the
 * entry. */
OHM__API ohm_status OHM__F(_get_or_put_value)(OHM__N *ohm_m, OHM__K ohm_key
                                                   OHM__MAP_ONLY(, OHM__V ohm_value), OHM__ENTRY *ohm_out)
{
    uint32_t ohm_s = OHM__NONE;
    ohm_status ohm_st = OHM__F(__claim)(ohm_m, OHM__F(__hash)(ohm_m, &ohm_key), &ohm_key, OHM__NULL, OHM__NULL, OHM__NULL,
                                        false, &ohm_key, OHM__MAP_ONLY(&ohm_value) OHM__SET_ONLY(OHM__NULL), &ohm_s);
    if (ohm_out) *ohm_out = OHM__F(__entry_at)(ohm_m, ohm_st == OHM_FULL ? OHM__NONE : ohm_s);
    OHM__DEBUG_CHECK(ohm_m);
    return ohm_st;
}

/* Insert a key the caller knows is absent (debug builds abort when it is
 * present; release builds would store it twice). OHM_OK, or OHM_FULL at
 * the maximum load. Faster than put: no key is compared. */
OHM__API ohm_status OHM__F(_put_new)(OHM__N *ohm_m, OHM__K ohm_key OHM__MAP_ONLY(, OHM__V ohm_value))
{
    OHM_ASSERT(!OHM__F(_contains)(ohm_m, ohm_key), "put_new: the key is already present");
    uint32_t ohm_s;
    ohm_status ohm_st = OHM__F(__claim)(ohm_m, OHM__F(__hash)(ohm_m, &ohm_key), &ohm_key, OHM__NULL, OHM__NULL, OHM__NULL,
                                        true, &ohm_key, OHM__MAP_ONLY(&ohm_value) OHM__SET_ONLY(OHM__NULL), &ohm_s);
    OHM__DEBUG_CHECK(ohm_m);
    return ohm_st;
}

/* Find or make the key's entry; the caller guarantees room for a new key
 * (N_count < N_max_load). Breaking that aborts in debug builds; in release
 * builds a new key is then not stored and .key is NULL. */
OHM__API OHM__ENTRY OHM__F(_get_or_put_assume_capacity)(OHM__N *ohm_m, OHM__K ohm_key, bool *ohm_found)
{
    OHM__ENTRY ohm_e;
    ohm_status ohm_st = OHM__F(_get_or_put)(ohm_m, ohm_key, &ohm_e);
    OHM_ASSERT(ohm_st != OHM_FULL, "get_or_put_assume_capacity: the map is full");
    if (ohm_found) *ohm_found = ohm_st == OHM_FOUND;
    return ohm_e;
}

/* Insert or overwrite; the caller guarantees room (see above). */
OHM__API void OHM__F(_put_assume_capacity)(OHM__N *ohm_m, OHM__K ohm_key OHM__MAP_ONLY(, OHM__V ohm_value))
{
    ohm_status ohm_st = OHM__F(_put)(ohm_m, ohm_key OHM__MAP_ONLY(, ohm_value));
    OHM_ASSERT(ohm_st != OHM_FULL, "put_assume_capacity: the map is full");
    (void)ohm_st;
}

/* Insert an absent key; the caller guarantees both absence and room. */
OHM__API void OHM__F(_put_new_assume_capacity)(OHM__N *ohm_m, OHM__K ohm_key OHM__MAP_ONLY(, OHM__V ohm_value))
{
    ohm_status ohm_st = OHM__F(_put_new)(ohm_m, ohm_key OHM__MAP_ONLY(, ohm_value));
    OHM_ASSERT(ohm_st != OHM_FULL, "put_new_assume_capacity: the map is full");
    (void)ohm_st;
}

/* Insert or overwrite with room guaranteed; true when it replaced, and
 * then *old holds the old pair. */
OHM__API bool OHM__F(_fetch_put_assume_capacity)(OHM__N *ohm_m, OHM__K ohm_key
                                                      OHM__MAP_ONLY(, OHM__V ohm_value), OHM__KV *ohm_old)
{
    ohm_status ohm_st = OHM__F(_fetch_put)(ohm_m, ohm_key OHM__MAP_ONLY(, ohm_value), ohm_old);
    OHM_ASSERT(ohm_st != OHM_FULL, "fetch_put_assume_capacity: the map is full");
    return ohm_st == OHM_FOUND;
}

/* ========================================================================
 * Removal (moves other entries: see pointer stability above)
 * ====================================================================== */

/* True when it removed; *out (when given) then holds the pair. */
OHM__API bool OHM__F(_fetch_remove)(OHM__N *ohm_m, OHM__K ohm_key, OHM__KV *ohm_out)
{
    uint32_t ohm_s = OHM__F(__probe)(ohm_m, OHM__F(__hash)(ohm_m, &ohm_key), &ohm_key, OHM__NULL, OHM__NULL, OHM__NULL, false, OHM__NULL);
    if (ohm_s == OHM__NONE) return false;
    if (ohm_out) *ohm_out = OHM__F(__kv_at)(ohm_m, ohm_s);
    OHM__F(__erase_slot)(ohm_m, ohm_s);
    OHM__DEBUG_CHECK(ohm_m);
    return true;
}

/* True when it removed. */
OHM__API bool OHM__F(_remove)(OHM__N *ohm_m, OHM__K ohm_key)
{
    return OHM__F(_fetch_remove)(ohm_m, ohm_key, OHM__NULL);
}

/* Remove the entry whose stored key `key_ptr` points at (from get_key,
 * get_entry or iteration). A pointer that is not a used key slot of this
 * map aborts in debug builds and changes nothing in release builds. */
OHM__API void OHM__F(_remove_at)(OHM__N *ohm_m, OHM__K *ohm_key_ptr)
{
    uint32_t ohm_s = OHM__F(__slot_of)(ohm_m, ohm_key_ptr);
    bool ohm_ok = ohm_s != OHM__NONE && OHM__F(__meta)(ohm_m)[ohm_s] != 0;
    OHM_ASSERT(ohm_ok, "remove_at: the pointer is not a used key slot of this map");
    if (!ohm_ok) return;
    OHM__F(__erase_slot)(ohm_m, ohm_s);
    OHM__DEBUG_CHECK(ohm_m);
}

/* Every metadata and class byte and the count cleared (N_clear's work, and
 * N_recover's when a clear was cut short). */
static inline void OHM__F(__clear_all)(OHM__N *ohm_m)
{
    ohm__st_zero(OHM__F(__meta)(ohm_m), OHM__CAST(size_t, ohm__meta_len(ohm_m->hdr.capacity)));
    ohm__st32(&ohm_m->hdr.count, 0);
    ohm__st32(&ohm_m->hdr.stamp, ohm_m->hdr.stamp + 1);
}

/* Remove every entry; the block, its seed and capacity stay. Only the
 * metadata (about capacity bytes) is cleared (old key and value bytes stay behind). */
OHM__API void OHM__F(_clear)(OHM__N *ohm_m)
{
    ohm__wr ohm_wr = OHM__F(__w_begin)(ohm_m);
    OHM__F(__w_touch_all)(&ohm_wr);
    OHM__F(__j_op)(ohm_m, OHM__OP_CLEAR);
    OHM__F(__clear_all)(ohm_m);
    OHM__F(__j_op)(ohm_m, OHM__OP_NONE);
    OHM__F(__w_end)(&ohm_wr);
}

/* ========================================================================
 * Iteration and bulk removal
 * ====================================================================== */

/* In a table with no free slot, a group that no key's probe runs into
 * from the group before it: every key at that group or after it, round
 * the table once, has its home there or after. Every full table the
 * library makes has one (the group filled last was crossed by none, and
 * a full table is never written again until a removal frees a slot), and
 * the walks over the whole table, the removal's shift and N_remove_if
 * rely on it; N_check refuses a full table without one. OHM__NONE when
 * there is none. O(capacity): linear group positions p in [0, 2 G), the
 * group at p qualifying when no key at p or later has its home before p. */
static inline uint32_t OHM__F(__uncrossed)(const OHM__N *ohm_m, const ohm__geo *ohm_g)
{
    int64_t ohm_low = INT64_MAX; /* the lowest home position of a key at p or later */
    for (int64_t ohm_p = 2 * (OHM__CAST(int64_t, ohm_g->gm) + 1); ohm_p-- > 0;) {
        uint32_t ohm_y = OHM__CAST(uint32_t, ohm_p) & ohm_g->gm, ohm_maxd = 0;
        for (uint32_t ohm_u = ohm__g16_ge(ohm_g->meta + ohm_y * OHM_GROUP_SLOTS, OHM__DISPLACED_MIN); ohm_u; ohm_u &= ohm_u - 1) {
            uint32_t ohm_d = OHM__F(__dist_in)(ohm_m, ohm_g, ohm_y * OHM_GROUP_SLOTS + ohm__m16_first(ohm_u));
            if (ohm_d > ohm_maxd) ohm_maxd = ohm_d;
        }
        if (ohm_p - ohm_maxd < ohm_low) ohm_low = ohm_p - ohm_maxd;
        if (ohm_p <= OHM__CAST(int64_t, ohm_g->gm) && ohm_low >= ohm_p) return ohm_y;
    }
    return OHM__NONE;
}

/* Where walks over the whole table begin (iteration, N_remove_if): the
 * first slot of a group that no key's probe runs into from the group
 * before it, so a removal, which moves keys only towards their homes,
 * never moves one across the start: the group after one with a free slot
 * (no probe passes a group with room), or in a full table the one
 * N__uncrossed finds (slot 0 on a block N_check would refuse). A table
 * of fewer than 16 slots is one group: slot 0. */
static inline uint32_t OHM__F(__walk_start)(const OHM__N *ohm_m)
{
    ohm__geo ohm_g = OHM__F(__geo)(ohm_m);
    if (ohm_g.cap < OHM_GROUP_SLOTS) return 0;
    for (uint32_t ohm_y = 0; ohm_y <= ohm_g.gm; ohm_y++)
        if (ohm__g16_free(ohm_g.meta + ohm_y * OHM_GROUP_SLOTS)) return ((ohm_y + 1) & ohm_g.gm) * OHM_GROUP_SLOTS;
    uint32_t ohm_y = OHM__F(__uncrossed)(ohm_m, &ohm_g);
    return ohm_y == OHM__NONE ? 0 : ohm_y * OHM_GROUP_SLOTS;
}

/* The used slots among positions pos .. pos + 15 of a walk
 * from `start` (positions past the capacity excluded). */
static inline uint32_t OHM__F(__used_at)(const OHM__N *ohm_m, uint32_t ohm_start, uint32_t ohm_pos)
{
    uint32_t ohm_cap = ohm_m->hdr.capacity;
    /* the mirror lets a group start at any slot */
    uint32_t ohm_used = ohm__g16_used(OHM__F(__meta)(ohm_m) + ((ohm_start + ohm_pos) & (ohm_cap - 1)));
    return ohm_cap - ohm_pos < OHM_GROUP_SLOTS ? ohm_used & ohm__m16_below(ohm_cap - ohm_pos) : ohm_used;
}

/* An iterator whose next entry is the first used slot at position `pos`
 * or later of the walk from `start`. */
static inline OHM__ITER OHM__F(__iter_from)(const OHM__N *ohm_m, uint32_t ohm_start, uint32_t ohm_pos)
{
    OHM__ITER ohm_it;
    ohm_it.map = ohm_m;
    ohm_it.start = ohm_start;
    ohm_it.pos = ohm_pos;
    ohm_it.used = ohm_pos < ohm_m->hdr.capacity ? OHM__F(__used_at)(ohm_m, ohm_start, ohm_pos) : 0;
    ohm_it.last = OHM__NONE;
    ohm_it.stamp = ohm_m->hdr.stamp;
    ohm_it.at = OHM__NULL;
    return ohm_it;
}

/* Where the walk over the whole table starts, as N__walk_start finds it,
 * with the search for a group with a free slot inline: the first groups'
 * metadata, which every such search reads, stays in the cache. */
static inline uint32_t OHM__F(__walk_start_fast)(const OHM__N *ohm_m)
{
    uint32_t ohm_cap = ohm_m->hdr.capacity;
    if (ohm_cap < OHM_GROUP_SLOTS) return 0;
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    for (uint32_t ohm_y = 0; ohm_y < ohm_cap / OHM_GROUP_SLOTS; ohm_y++)
        if (ohm__g16_free(ohm_meta + ohm_y * OHM_GROUP_SLOTS)) return ((ohm_y + 1) * OHM_GROUP_SLOTS) & (ohm_cap - 1);
    return OHM__F(__walk_start)(ohm_m); /* completely full */
}

/* An iterator of N_iter_at, positioned (start OHM__NONE) at the entry in
 * slot `last` only: find the walk's start and e's place in it, reading
 * e's own chunk of metadata, and drop the slots up to e's. Not an entry
 * (its slot free): an iterator at the end. */
static inline void OHM__F(__iter_settle)(OHM__ITER *ohm_it)
{
    const OHM__N *ohm_m = ohm_it->map;
    uint32_t ohm_s = ohm_it->at ? OHM__F(__slot_of)(ohm_m, ohm_it->at) : OHM__NONE, ohm_cap = ohm_m->hdr.capacity;
    if (ohm_s == OHM__NONE || OHM__F(__meta)(ohm_m)[ohm_s] == 0) {
        uint32_t ohm_stamp = ohm_it->stamp;
        *ohm_it = OHM__F(__iter_from)(ohm_m, 0, ohm_cap);
        ohm_it->stamp = ohm_stamp;
        return;
    }
    uint32_t ohm_start = OHM__F(__walk_start_fast)(ohm_m);
    uint32_t ohm_off = (ohm_s - ohm_start) & (ohm_cap - 1), ohm_pos = ohm_off & ~(OHM_GROUP_SLOTS - 1);
    ohm_it->start = ohm_start; /* a multiple of 16: chunks are groups */
    ohm_it->last = ohm_s;
    ohm_it->pos = ohm_pos;
    ohm_it->used = OHM__F(__used_at)(ohm_m, ohm_start, ohm_pos) & ~ohm__m16_below(ohm_off - ohm_pos);
    ohm_it->used &= ohm_it->used - 1; /* e's own slot */
}

/* Every entry once, in slot order from the group after one with a free
 * slot (wrapping round the end): O(groups read to find it); O(C) when the
 * table is completely full. */
OHM__API OHM__ITER OHM__F(_iter_begin)(const OHM__N *ohm_m)
{
    return OHM__F(__iter_from)(ohm_m, OHM__F(__walk_start)(ohm_m), 0);
}

/* The next entry into *out (may be NULL); false at the end. A group's
 * metadata is read once, then its used slots are taken bit by bit. Debug
 * builds abort when an entry was inserted or removed (or the map cleared)
 * other than through N_iter_remove since the iterator was made: such an
 * iteration would skip or repeat entries. */
OHM__API bool OHM__F(_iter_next)(OHM__ITER *ohm_it, OHM__ENTRY *ohm_out)
{
    const OHM__N *ohm_m = ohm_it->map;
    OHM_ASSERT(ohm_it->stamp == ohm_m->hdr.stamp,
               "iter_next: the map had an entry inserted or removed since iter_begin");
    uint32_t ohm_cap = ohm_m->hdr.capacity;
    while (ohm_it->used == 0) {
        if (ohm_it->start == OHM__NONE) { /* from N_iter_at: find its place first */
            OHM__F(__iter_settle)(ohm_it);
            continue;
        }
        if (ohm_cap - ohm_it->pos <= OHM_GROUP_SLOTS) {
            ohm_it->pos = ohm_cap; /* stays at the end */
            ohm_it->last = OHM__NONE; /* the last call gave nothing */
            return false;
        }
        ohm_it->pos += OHM_GROUP_SLOTS;
        ohm_it->used = OHM__F(__used_at)(ohm_m, ohm_it->start, ohm_it->pos);
    }
    uint32_t ohm_s = (ohm_it->start + ohm_it->pos + ohm__m16_first(ohm_it->used)) & (ohm_cap - 1);
    ohm_it->used &= ohm_it->used - 1;
    ohm_it->last = ohm_s;
    if (ohm_out) *ohm_out = OHM__F(__entry_at)(ohm_m, ohm_s);
    return true;
}

/* An iterator at entry e of m (from a lookup or an iteration): N_iter_next
 * goes on with the entries after e in the order N_iter_begin's iteration
 * has, and N_iter_remove removes e. An e that is not an entry of m (.key
 * NULL, or not a used key slot) gives an iterator at the end. O(1) and
 * reads nothing but the header: the walk's start (the group after the
 * first with a free slot, as N_iter_begin finds it) and e's place in it
 * are found by the first N_iter_next or N_iter_remove on the iterator,
 * before anything else it does. */
OHM__API OHM__ITER OHM__F(_iter_at)(const OHM__N *ohm_m, OHM__ENTRY ohm_e)
{
    OHM__ITER ohm_it;
    ohm_it.map = ohm_m;
    ohm_it.start = OHM__NONE; /* settled by N__iter_settle */
    ohm_it.pos = 0;
    ohm_it.used = 0;
    ohm_it.last = OHM__NONE;
    ohm_it.stamp = ohm_m->hdr.stamp;
    ohm_it.at = ohm_e.key;
    return ohm_it;
}

/* Remove the entry that the last N_iter_next on `it` gave (or the entry
 * of N_iter_at); false, doing nothing, when there is none or it was
 * removed already. The iteration then goes on: every entry present when
 * the iterator was made and not removed is still visited exactly once.
 * The iterator must come from a writable map. Pointers into the map go
 * stale as after N_remove, the entry N_iter_next gave last among them: its
 * slot may now hold another entry that the shift moved there (which the
 * iteration still gives in its turn). The entries N_iter_next gives next
 * are right. */
OHM__API bool OHM__F(_iter_remove)(OHM__ITER *ohm_it)
{
    OHM__N *ohm_m = OHM__UNCONST(OHM__N *, ohm_it->map);
    if (ohm_it->start == OHM__NONE) OHM__F(__iter_settle)(ohm_it); /* from N_iter_at: before the removal moves anything */
    uint32_t ohm_s = ohm_it->last;
    if (ohm_s == OHM__NONE || ohm_s >= ohm_m->hdr.capacity || OHM__F(__meta)(ohm_m)[ohm_s] == 0)
        return false;
    OHM_ASSERT(ohm_it->stamp == ohm_m->hdr.stamp,
               "iter_remove: the map had an entry inserted or removed since iter_begin");
    OHM__F(__erase_slot)(ohm_m, ohm_s);
    /* The shift moved entries from later positions back, down to the
     * removed slot at the earliest: resume there. */
    *ohm_it = OHM__F(__iter_from)(ohm_m, ohm_it->start, (ohm_s - ohm_it->start) & (ohm_m->hdr.capacity - 1));
    OHM__DEBUG_CHECK(ohm_m);
    return true;
}

/* Removal marks: during N_remove_if a doomed entry's metadata byte is
 * this value, which no byte of a key (ohm__holds_key) or free byte (0)
 * has. */
#define OHM__DOOMED 0x01u

/* N_remove_if's search for the first group with a free slot at a group
 * position in [from, to) of its walk, which begins at group `start` (a
 * position counts groups from start; every group below `to` has been
 * walked, so it only ever fills up). `next`, when there is scratch, is a
 * union-find in which a walked group that is full points past itself, so
 * no full group is read twice (path halving keeps the finds short).
 * Returns `to` when there is none. */
static inline uint32_t OHM__F(__group_with_room)(const OHM__N *ohm_m, uint32_t ohm_start, uint32_t ohm_from,
                                                  uint32_t ohm_to, uint32_t *ohm_next)
{
    uint32_t ohm_gm = OHM__F(__gmask)(ohm_m);
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    for (uint32_t ohm_q = ohm_from; ohm_q < ohm_to; ohm_q++) {
        if (ohm_next) {
            while (ohm_next[ohm_q] != ohm_q) {
                ohm_next[ohm_q] = ohm_next[ohm_next[ohm_q]];
                ohm_q = ohm_next[ohm_q];
            }
            if (ohm_q >= ohm_to) break;
        }
        if (ohm__g16_free(ohm_meta + ((ohm_start + ohm_q) & ohm_gm) * OHM_GROUP_SLOTS)) return ohm_q;
        if (ohm_next) ohm_next[ohm_q] = ohm_q + 1;
    }
    return ohm_to;
}

/* N_remove_if's second pass, from group `start` (a group no probe runs
 * into from the one before it): walks the groups once, frees the doomed
 * slots of each and moves each displaced key of the group to the first
 * group of its probe with a free slot, if that comes before (as inserting
 * the survivors in order would), so no entry moves more than once; then
 * the class bytes are rebuilt. Each move is journaled (hole, src). Run
 * again from the same start on a pass that was cut short, it finishes it:
 * the groups already walked have no doomed slot and no key with room
 * before it. Finding that group goes through a union-find of the groups
 * found full (4 bytes a group, OHM_MALLOC, freed before returning, made at
 * the first search that passes a full group), so the whole is O(capacity)
 * whatever the layout; without that memory the search reads the groups
 * from the key's home on. */
static inline void OHM__F(__compact)(OHM__N *ohm_m, uint32_t ohm_start)
{
    uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    uint32_t ohm_gm = OHM__F(__gmask)(ohm_m), ohm_valid = OHM__F(__gvalid)(ohm_m);
    uint32_t *ohm_next = OHM__NULL; /* the union-find of __group_with_room, made when first needed */
    bool ohm_asked = false;
    for (uint32_t ohm_q = 0; ohm_q <= ohm_gm; ohm_q++) {
        uint32_t ohm_y = (ohm_start + ohm_q) & ohm_gm, ohm_base = ohm_y * OHM_GROUP_SLOTS;
        for (uint32_t ohm_u = ohm__g16_eq(ohm_meta + ohm_base, OHM__DOOMED) & ohm_valid; ohm_u; ohm_u &= ohm_u - 1)
            OHM__F(__set_meta)(ohm_m, ohm_base + ohm__m16_first(ohm_u), 0);
        if (ohm_gm == 0) break;
        for (uint32_t ohm_u = ohm__g16_ge(ohm_meta + ohm_base, OHM__DISPLACED_MIN); ohm_u; ohm_u &= ohm_u - 1) {
            uint32_t ohm_s = ohm_base + ohm__m16_first(ohm_u);
            uint32_t ohm_d = OHM__F(__dist)(ohm_m, ohm_s);
            uint32_t ohm_hq = ohm_d <= ohm_q ? ohm_q - ohm_d : 0; /* its home's position */
            if (ohm_hq + 1 < ohm_q && !ohm_asked && ohm__g16_free(ohm_meta + ((ohm_start + ohm_hq) & ohm_gm) * OHM_GROUP_SLOTS) == 0) {
                ohm_asked = true;
                size_t ohm_bytes;
                if (ohm__scratch_size(OHM__CAST(uint64_t, ohm_gm) + 2, sizeof(uint32_t), &ohm_bytes))
                    ohm_next = OHM__CAST(uint32_t *, OHM_MALLOC(ohm_bytes));
                for (uint32_t ohm_k = 0; ohm_next && ohm_k <= ohm_gm + 1; ohm_k++) ohm_next[ohm_k] = ohm_k;
            }
            uint32_t ohm_tq = OHM__F(__group_with_room)(ohm_m, ohm_start, ohm_hq, ohm_q, ohm_next);
            if (ohm_tq >= ohm_q) continue; /* none before it: it stays */
            uint32_t ohm_tbase = ((ohm_start + ohm_tq) & ohm_gm) * OHM_GROUP_SLOTS;
            uint32_t ohm_t = ohm_tbase + ohm__m16_first(ohm__g16_free(ohm_meta + ohm_tbase));
            OHM__F(__j_step)(ohm_m, ohm_t, ohm_s);
            OHM__F(__move_back)(ohm_m, ohm_s, ohm_t, ohm_tq - ohm_hq);
            OHM__F(__j_step)(ohm_m, OHM__NONE, OHM__NONE);
        }
    }
    if (ohm_next) OHM_FREE(ohm_next);
    OHM__F(__rebuild_all_classes)(ohm_m);
}

/* Remove every entry for which pred(entry, ctx) returns true; returns how
 * many were removed. pred is called exactly once for each entry present at
 * the call, may read the entry and write its value, and must not call into
 * the map. Two passes: the first asks pred and marks the doomed slots'
 * bytes; the second, N__compact, frees them and moves keys back. O(capacity). */
OHM__API size_t OHM__F(_remove_if)(OHM__N *ohm_m, OHM__PRED_FN ohm_pred, void *ohm_ctx)
{
    uint32_t ohm_cap = ohm_m->hdr.capacity;
    if (ohm_cap == 0 || ohm_m->hdr.count == 0) return 0;
    uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    uint32_t ohm_start = OHM__F(__walk_start)(ohm_m) / OHM_GROUP_SLOTS; /* before marking: a doomed slot is not free */
    size_t ohm_doomed = 0;
    ohm__wr ohm_wr;
    memset(&ohm_wr, 0, sizeof ohm_wr);
    bool ohm_begun = false;
    for (uint32_t ohm_i = 0; ohm_i < ohm_cap; ohm_i++)
        if (ohm_meta[ohm_i] != 0 && ohm_pred(OHM__F(__entry_at)(ohm_m, ohm_i), ohm_ctx)) {
            if (!ohm_begun) { /* the first doomed entry begins the mutation */
                ohm_begun = true;
                ohm_wr = OHM__F(__w_begin)(ohm_m);
                OHM__F(__w_touch_all)(&ohm_wr);
            }
            OHM__F(__set_meta)(ohm_m, ohm_i, OHM__DOOMED);
            ohm_doomed++;
        }
    if (ohm_doomed == 0) return 0;
    /* Every doomed entry is marked: from here on N_recover finishes the
     * removal; before, it undoes the marks (pred was not asked of all). */
    OHM__F(__j_step)(ohm_m, OHM__NONE, OHM__NONE);
    OHM__F(__j_start)(ohm_m, ohm_start);
    OHM__F(__j_op)(ohm_m, OHM__OP_REMOVE_IF);
    OHM__F(__compact)(ohm_m, ohm_start);
    ohm__st32(&ohm_m->hdr.count, ohm_m->hdr.count - OHM__CAST(uint32_t, ohm_doomed));
    ohm__st32(&ohm_m->hdr.stamp, ohm_m->hdr.stamp + 1);
    OHM__F(__j_op)(ohm_m, OHM__OP_NONE);
    OHM__F(__w_end)(&ohm_wr);
    OHM__DEBUG_CHECK(ohm_m);
    return ohm_doomed;
}

/* ========================================================================
 * Adapted calls: lookup by a probe of another type. `hash` must equal the
 * hash the map computes for the matching stored key (with N_seed(m) when
 * the map's hash is seeded); eq(probe, key, ctx) says whether they match.
 * ====================================================================== */

OHM__API OHM__ENTRY OHM__F(_get_adapted)(const OHM__N *ohm_m, uint64_t ohm_hash, const void *ohm_probe,
                                              OHM__EQ_FN ohm_eq, void *ohm_ctx)
{
    return OHM__F(__entry_at)(ohm_m, OHM__F(__probe)(ohm_m, ohm_hash, OHM__NULL, ohm_eq, ohm_probe, ohm_ctx, false, OHM__NULL));
}

/* Like get_or_put; on OHM_OK the caller must store, through out->key, a key
 * whose hash is `hash` and that eq matches to the probe. */
OHM__API ohm_status OHM__F(_get_or_put_adapted)(OHM__N *ohm_m, uint64_t ohm_hash, const void *ohm_probe,
                                                     OHM__EQ_FN ohm_eq, void *ohm_ctx, OHM__ENTRY *ohm_out)
{
    uint32_t ohm_s = OHM__NONE;
    ohm_status ohm_st = OHM__F(__claim)(ohm_m, ohm_hash, OHM__NULL, ohm_eq, ohm_probe, ohm_ctx, false, OHM__NULL, OHM__NULL, &ohm_s);
    if (ohm_out) *ohm_out = OHM__F(__entry_at)(ohm_m, ohm_st == OHM_FULL ? OHM__NONE : ohm_s);
    return ohm_st;
}

OHM__API bool OHM__F(_remove_adapted)(OHM__N *ohm_m, uint64_t ohm_hash, const void *ohm_probe,
                                           OHM__EQ_FN ohm_eq, void *ohm_ctx)
{
    uint32_t ohm_s = OHM__F(__probe)(ohm_m, ohm_hash, OHM__NULL, ohm_eq, ohm_probe, ohm_ctx, false, OHM__NULL);
    if (ohm_s == OHM__NONE) return false;
    OHM__F(__erase_slot)(ohm_m, ohm_s);
    OHM__DEBUG_CHECK(ohm_m);
    return true;
}

/* ========================================================================
 * Lock-free reading (docs/concurrency.md). A reader notes the stripe word
 * of each group it reads (waiting while one is odd), reads with atomic
 * loads, and checks that none of those words changed before it trusts
 * what it read: before comparing a key it copied (so equality never sees a
 * torn key), and before answering. A probe that reads more groups than it
 * can note checks the sequence word instead.
 * ====================================================================== */

#define OHM__READ_NOTES 16
typedef struct OHM__F(__rnotes) {
    uint32_t n;      /* stripes noted */
    bool whole;      /* the sequence word instead (a long probe) */
    uint32_t seq;    /* its value, when whole */
    uint32_t idx[OHM__READ_NOTES], ver[OHM__READ_NOTES];
} OHM__F(__rnotes);

/* Note group g's stripe: false when it is odd or there is no room to note it. */
static inline bool OHM__F(__r_note)(const OHM__N *ohm_m, OHM__F(__rnotes) *ohm_r, uint32_t ohm_g)
{
    if (ohm_r->whole) return true;
    uint32_t ohm_k = ohm_g & ohm_m->hdr.smask;
    for (uint32_t ohm_i = 0; ohm_i < ohm_r->n; ohm_i++)
        if (ohm_r->idx[ohm_i] == ohm_k) return true;
    if (ohm_r->n == OHM__READ_NOTES) return false;
    uint32_t ohm_v = __atomic_load_n(OHM__F(__stripes)(ohm_m) + ohm_k, __ATOMIC_ACQUIRE);
    if (ohm_v & 1) return false;
    ohm_r->idx[ohm_r->n] = ohm_k;
    ohm_r->ver[ohm_r->n++] = ohm_v;
    return true;
}
/* True when no write touched the noted groups since they were noted: what
 * was read meanwhile is what one moment of the map held. */
static inline bool OHM__F(__r_valid)(const OHM__N *ohm_m, const OHM__F(__rnotes) *ohm_r)
{
    OHM__FENCE_ACQ();
    if (ohm_r->whole) return ohm__ld32(&OHM__F(__sync)(ohm_m)->seq) == ohm_r->seq;
    return ohm__stripes_same(OHM__F(__stripes)(ohm_m), ohm_r->idx, ohm_r->ver, ohm_r->n);
}

/* Whether the key in slot s (copied whole) is the one looked for; then the
 * value is copied out. OHM_FOUND, OHM_ABSENT (another key), OHM_BUSY (a
 * write overlapped: try again). */
static inline ohm_status OHM__F(__r_match)(const OHM__N *ohm_m, const OHM__F(__rnotes) *ohm_r, uint32_t ohm_s,
                                           const OHM__K *ohm_key, void *ohm_value_out)
{
    OHM__K ohm_k;
    ohm__ld_copy(&ohm_k, OHM__F(__key)(ohm_m, ohm_s), sizeof ohm_k, OHM__ALIGNOF(OHM__K));
    if (!OHM__F(__r_valid)(ohm_m, ohm_r)) return OHM_BUSY;
    if (!OHM__F(__eq)(ohm_m, &ohm_k, ohm_key)) return OHM_ABSENT;
#ifdef OHM_VALUE
    if (ohm_value_out) {
        ohm__ld_copy(ohm_value_out, OHM__F(__val)(ohm_m, ohm_s), sizeof(OHM__V), OHM__VAL_ALIGN);
        if (!OHM__F(__r_valid)(ohm_m, ohm_r)) return OHM_BUSY;
    }
#else
    (void)ohm_value_out;
#endif
    return OHM_FOUND;
}

/* One attempt of N_read: the probe of N__probe, read racing a writer. */
static inline ohm_status OHM__F(__read_try)(const OHM__N *ohm_m, uint64_t ohm_hash, const OHM__K *ohm_key,
                                            void *ohm_value_out, OHM__F(__rnotes) *ohm_r)
{
    uint32_t ohm_cap = ohm_m->hdr.capacity;
    ohm_r->n = 0;
    if (ohm_r->whole) {
        ohm_r->seq = __atomic_load_n(&OHM__F(__sync)(ohm_m)->seq, __ATOMIC_ACQUIRE);
        if (ohm_r->seq & 1) return OHM_BUSY;
    }
    if (ohm_cap == 0) return OHM_ABSENT;
    uint32_t ohm_base = OHM__F(__home_base)(ohm_m, ohm_hash), ohm_g = ohm_base / OHM_GROUP_SLOTS;
    if (!OHM__F(__r_note)(ohm_m, ohm_r, ohm_g)) return OHM_BUSY;
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    ohm__grp ohm_grp = ohm__grp_load(ohm_meta + ohm_base);
    uint32_t ohm_valid = OHM__F(__gvalid)(ohm_m);
    for (uint32_t ohm_u = ohm__grp_eq(ohm_grp, ohm__tag(ohm_hash)) & ohm_valid; ohm_u; ohm_u &= ohm_u - 1) {
        ohm_status ohm_st = OHM__F(__r_match)(ohm_m, ohm_r, ohm_base + ohm__m16_first(ohm_u), ohm_key, ohm_value_out);
        if (ohm_st != OHM_ABSENT) return ohm_st;
    }
    uint32_t ohm_gm = OHM__F(__gmask)(ohm_m);
    bool ohm_on = ohm_gm != 0 && ((ohm__ld8(OHM__F(__cls)(ohm_m) + ohm_g) >> ohm__class(ohm_hash)) & 1) &&
                  !(ohm__grp_eq(ohm_grp, 0) & ohm_valid);
    for (uint32_t ohm_j = 1; ohm_on && ohm_j <= ohm_gm; ohm_j++) {
        uint32_t ohm_y = (ohm_g + ohm_j) & ohm_gm;
        if (!OHM__F(__r_note)(ohm_m, ohm_r, ohm_y)) {
            if (ohm_r->n == OHM__READ_NOTES) ohm_r->whole = true; /* a long probe: the next attempt checks the sequence */
            return OHM_BUSY;
        }
        ohm_grp = ohm__grp_load(ohm_meta + ohm_y * OHM_GROUP_SLOTS);
        for (uint32_t ohm_u = ohm__grp_eq(ohm_grp, ohm__dtag(ohm_hash, ohm_j)); ohm_u; ohm_u &= ohm_u - 1) {
            ohm_status ohm_st = OHM__F(__r_match)(ohm_m, ohm_r, ohm_y * OHM_GROUP_SLOTS + ohm__m16_first(ohm_u), ohm_key,
                                                  ohm_value_out);
            if (ohm_st != OHM_ABSENT) return ohm_st;
        }
        ohm_on = ohm__grp_eq(ohm_grp, 0) == 0;
    }
    return OHM__F(__r_valid)(ohm_m, ohm_r) ? OHM_ABSENT : OHM_BUSY;
}

/* A key type read by one atomic load (1, 2, 4 or 8 bytes, aligned to its
 * size): its copy cannot be torn, so equality may see it before the
 * stripe is checked again. */
#define OHM__KEY_WHOLE (sizeof(OHM__K) <= 8 && sizeof(OHM__K) == OHM__ALIGNOF(OHM__K))

/* Copies slot s's value out for N_read (nothing for a set or a NULL out). */
static inline void OHM__F(__r_value)(const OHM__N *ohm_m, uint32_t ohm_s, void *ohm_value_out)
{
#ifdef OHM_VALUE
    if (ohm_value_out) ohm__ld_copy(ohm_value_out, OHM__F(__val)(ohm_m, ohm_s), sizeof(OHM__V), OHM__VAL_ALIGN);
#else
    (void)ohm_m, (void)ohm_s, (void)ohm_value_out;
#endif
}

/* The groups N_read's first attempt reads at most: a longer probe is left
 * to the general attempts. */
#define OHM__READ_FAR 4

/* N_read's first attempt past the home group g (stripe k0 noted as v0):
 * the next groups of the probe, each under its stripe, up to
 * OHM__READ_FAR groups in all. */
static inline ohm_status OHM__F(__read_far)(const OHM__N *ohm_m, uint64_t ohm_hash, const OHM__K *ohm_key,
                                            void *ohm_value_out, uint32_t ohm_g, uint32_t ohm_k0, uint32_t ohm_v0)
{
    const uint32_t *ohm_st = OHM__F(__stripes)(ohm_m);
    uint32_t ohm_smask = ohm_m->hdr.smask, ohm_gm = OHM__F(__gmask)(ohm_m);
    uint32_t ohm_k[OHM__READ_FAR], ohm_v[OHM__READ_FAR], ohm_n = 1;
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    ohm_k[0] = ohm_k0;
    ohm_v[0] = ohm_v0;
    for (uint32_t ohm_j = 1; ohm_j <= ohm_gm && ohm_j < OHM__READ_FAR; ohm_j++) {
        uint32_t ohm_y = (ohm_g + ohm_j) & ohm_gm;
        ohm_k[ohm_n] = ohm_y & ohm_smask;
        ohm_v[ohm_n] = __atomic_load_n(ohm_st + ohm_k[ohm_n], __ATOMIC_ACQUIRE);
        if (ohm_v[ohm_n++] & 1) return OHM_BUSY;
        ohm__grp ohm_grp = ohm__grp_load(ohm_meta + ohm_y * OHM_GROUP_SLOTS);
        for (uint32_t ohm_u = ohm__grp_eq(ohm_grp, ohm__dtag(ohm_hash, ohm_j)); ohm_u; ohm_u &= ohm_u - 1) {
            uint32_t ohm_s = ohm_y * OHM_GROUP_SLOTS + ohm__m16_first(ohm_u);
            OHM__K ohm_c;
            ohm__ld_copy(&ohm_c, OHM__F(__key)(ohm_m, ohm_s), sizeof ohm_c, OHM__ALIGNOF(OHM__K));
            if (!OHM__KEY_WHOLE) {
                OHM__FENCE_ACQ();
                for (uint32_t ohm_i = 0; ohm_i < ohm_n; ohm_i++)
                    if (ohm__ld32(ohm_st + ohm_k[ohm_i]) != ohm_v[ohm_i]) return OHM_BUSY;
            }
            if (!OHM__F(__eq)(ohm_m, &ohm_c, ohm_key)) continue;
            OHM__F(__r_value)(ohm_m, ohm_s, ohm_value_out);
            return ohm__stripes_same(ohm_st, ohm_k, ohm_v, ohm_n) ? OHM_FOUND : OHM_BUSY;
        }
        if (ohm__grp_eq(ohm_grp, 0) != 0) /* a free slot ends the probe */
            return ohm__stripes_same(ohm_st, ohm_k, ohm_v, ohm_n) ? OHM_ABSENT : OHM_BUSY;
    }
    return OHM_BUSY;
}

/* N_read's first attempt, for the common case that the home group decides
 * (it holds the key, or the probe ends there), under that group's one
 * stripe. OHM_BUSY: anything else (a write overlapped, a longer probe):
 * the general attempts (N__read_try) decide. */
OHM__ALWAYS_INLINE ohm_status OHM__F(__read_home)(const OHM__N *ohm_m, uint64_t ohm_hash, const OHM__K *ohm_key,
                                             void *ohm_value_out)
{
    uint32_t ohm_cap = ohm_m->hdr.capacity;
    if (ohm_cap == 0) return OHM_ABSENT;
    uint32_t ohm_base = OHM__F(__home_base)(ohm_m, ohm_hash), ohm_g = ohm_base / OHM_GROUP_SLOTS;
    const uint32_t *ohm_sp = OHM__F(__stripes)(ohm_m) + (ohm_g & ohm_m->hdr.smask);
    uint32_t ohm_v = __atomic_load_n(ohm_sp, __ATOMIC_ACQUIRE);
    if (ohm_v & 1) return OHM_BUSY;
    ohm__grp ohm_grp = ohm__grp_load(OHM__F(__meta)(ohm_m) + ohm_base);
    uint32_t ohm_valid = OHM__F(__gvalid)(ohm_m);
    for (uint32_t ohm_u = ohm__grp_eq(ohm_grp, ohm__tag(ohm_hash)) & ohm_valid; ohm_u; ohm_u &= ohm_u - 1) {
        uint32_t ohm_s = ohm_base + ohm__m16_first(ohm_u);
        OHM__K ohm_k;
        ohm__ld_copy(&ohm_k, OHM__F(__key)(ohm_m, ohm_s), sizeof ohm_k, OHM__ALIGNOF(OHM__K));
        if (!OHM__KEY_WHOLE) {
            OHM__FENCE_ACQ();
            if (ohm__ld32(ohm_sp) != ohm_v) return OHM_BUSY;
        }
        if (!OHM__F(__eq)(ohm_m, &ohm_k, ohm_key)) continue;
        OHM__F(__r_value)(ohm_m, ohm_s, ohm_value_out);
        OHM__FENCE_ACQ();
        return ohm__ld32(ohm_sp) == ohm_v ? OHM_FOUND : OHM_BUSY;
    }
    if (OHM__F(__gmask)(ohm_m) != 0 && ((ohm__ld8(OHM__F(__cls)(ohm_m) + ohm_g) >> ohm__class(ohm_hash)) & 1) &&
        !(ohm__grp_eq(ohm_grp, 0) & ohm_valid))
        return OHM__F(__read_far)(ohm_m, ohm_hash, ohm_key, ohm_value_out, ohm_g, ohm_g & ohm_m->hdr.smask,
                                  ohm_v); /* the probe goes on past the home group */
    OHM__FENCE_ACQ();
    return ohm__ld32(ohm_sp) == ohm_v ? OHM_ABSENT : OHM_BUSY;
}

/* N_read when its first attempt could not decide: the general attempts,
 * waiting between them up to OHM_READ_WAIT_MS. Out of line, so that
 * N_read stays small enough to inline. */
OHM__NOINLINE ohm_status OHM__F(__read_slow)(const OHM__N *ohm_m, uint64_t ohm_hash, const OHM__K *ohm_key,
                                             void *ohm_value_out)
{
    OHM__F(__rnotes) ohm_r;
    ohm_r.whole = false;
    ohm_r.seq = 0;
    ohm__wait ohm_w = {0, 0};
    for (;;) {
        ohm_status ohm_st = OHM__F(__read_try)(ohm_m, ohm_hash, ohm_key, ohm_value_out, &ohm_r);
        if (ohm_st != OHM_BUSY) return ohm_st;
        if (!ohm__read_wait(&ohm_w, OHM_READ_WAIT_MS)) return OHM_BUSY;
    }
}

/* A lookup without a lock, safe while one writer works: see the
 * declaration. The key's equality (OHM_EQ, OHM_EQ_EX) sees only whole
 * copies of stored keys, never a key half written; what it reads outside
 * the block through a key (an arena the key is an offset into) is the
 * caller's to keep stable. Never reads outside the block's groups, never
 * loops without bound: OHM_BUSY after OHM_READ_WAIT_MS. */
OHM__API ohm_status OHM__F(_read)(const OHM__N *ohm_m, OHM__K ohm_key OHM__MAP_ONLY(, OHM__V *ohm_value_out))
{
    uint64_t ohm_hash = OHM__F(__hash)(ohm_m, &ohm_key);
    void *ohm_out = OHM__MAP_ONLY(ohm_value_out) OHM__SET_ONLY(OHM__NULL);
    ohm_status ohm_st = OHM__F(__read_home)(ohm_m, ohm_hash, &ohm_key, ohm_out);
    return ohm_st != OHM_BUSY ? ohm_st : OHM__F(__read_slow)(ohm_m, ohm_hash, &ohm_key, ohm_out);
}

/* The ticket of a section of lock-free reads: the sequence word once it is
 * even (no write running), waiting up to OHM_READ_WAIT_MS; an odd ticket
 * (a write stayed unfinished) makes N_read_end false. */
OHM__API uint32_t OHM__F(_read_begin)(const OHM__N *ohm_m)
{
    const uint32_t *ohm_seq = &OHM__F(__sync)(ohm_m)->seq;
    ohm__wait ohm_w = {0, 0};
    uint32_t ohm_t;
    while (((ohm_t = __atomic_load_n(ohm_seq, __ATOMIC_ACQUIRE)) & 1) && ohm__read_wait(&ohm_w, OHM_READ_WAIT_MS)) {
    }
    return ohm_t;
}
OHM__API bool OHM__F(_read_end)(const OHM__N *ohm_m, uint32_t ohm_ticket)
{
    OHM__FENCE_ACQ();
    return !(ohm_ticket & 1) && ohm__ld32(&OHM__F(__sync)(ohm_m)->seq) == ohm_ticket;
}

/* Copy the whole block (N_block_size bytes) into dst while a writer may
 * work: the copy is taken again until no write overlapped it, up to
 * OHM_READ_WAIT_MS (OHM_BUSY: writes never paused that long, or a writer
 * died). The copy is an ordinary map of this type. OHM_INVALID when dst is
 * NULL, misaligned, too small, or overlaps the block. */
OHM__API ohm_status OHM__F(_snapshot)(const OHM__N *ohm_m, void *ohm_dst, size_t ohm_dst_size)
{
    size_t ohm_size = OHM__CAST(size_t, ohm_m->hdr.total_size);
    uintptr_t ohm_d = OHM__PTR_CAST(uintptr_t, ohm_dst), ohm_s = OHM__PTR_CAST(uintptr_t, ohm_m);
    if (ohm_dst == OHM__NULL || ohm_dst_size < ohm_size || (ohm_d & (OHM__F(_base_align)() - 1)) != 0 ||
        (ohm_d < ohm_s + ohm_size && ohm_s < ohm_d + ohm_size))
        return OHM_INVALID;
    ohm__wait ohm_w = {0, 0};
    for (;;) {
        uint32_t ohm_t = __atomic_load_n(&OHM__F(__sync)(ohm_m)->seq, __ATOMIC_ACQUIRE);
        if (!(ohm_t & 1)) {
            ohm__ld_copy(ohm_dst, ohm_m, ohm_size, 8);
            if (OHM__F(_read_end)(ohm_m, ohm_t)) return OHM_OK;
        }
        if (!ohm__read_wait(&ohm_w, OHM_READ_WAIT_MS)) return OHM_BUSY;
    }
}

/* ========================================================================
 * Recovery: a block whose writer died part way through a mutation. The
 * journal says which mutation and where; the store order (see "The write
 * order") makes every cut point one of a few states, each finished here.
 * ====================================================================== */

/* A move from src to hole that was cut short: when the copy was published
 * (the hole's byte set), the source is freed; otherwise the source still
 * holds the entry and the hole is free. */
static inline void OHM__F(__r_settle_move)(OHM__N *ohm_m, uint32_t ohm_hole, uint32_t ohm_src)
{
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    if (ohm_src != OHM__NONE && ohm_hole != OHM__NONE && ohm__holds_key(ohm_meta[ohm_hole]) && ohm__holds_key(ohm_meta[ohm_src]))
        OHM__F(__set_meta)(ohm_m, ohm_src, 0);
}

/* A N_remove_if cut short while it was still asking its predicate (the
 * journal names no mutation): each doomed mark is replaced by the byte its
 * key had, from the key's hash and its group (no entry has moved yet), so
 * that the removal is undone as a whole. */
static inline void OHM__F(__r_undoom)(OHM__N *ohm_m)
{
    uint32_t ohm_cap = ohm_m->hdr.capacity, ohm_gm = OHM__F(__gmask)(ohm_m);
    const uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    for (uint32_t ohm_i = 0; ohm_i < ohm_cap; ohm_i++) {
        if (ohm_meta[ohm_i] != OHM__DOOMED) continue;
        uint64_t ohm_h = OHM__F(__hash)(ohm_m, OHM__F(__key)(ohm_m, ohm_i));
        uint32_t ohm_d = (ohm_i / OHM_GROUP_SLOTS - OHM__F(__home_group)(ohm_m, ohm_h)) & ohm_gm;
        OHM__F(__set_meta)(ohm_m, ohm_i, ohm__byte_for(ohm_h, ohm_d));
    }
}

/* Bring the map back to a valid state after its writer died, under the
 * writers' lock (docs/concurrency.md): a removal's shift is resumed from
 * its hole, an overwrite finished from the journal's copy of the value, a
 * clear finished, a remove_if finished once all its doomed entries were
 * marked (undone when cut while its predicate was still being asked);
 * then the mirror, the class bytes and the count are recomputed, the
 * stripes and sequence made even, and the map
 * checked. Every entry no mutation was changing is kept with its value;
 * the one being changed is as before or as after. On a block without an
 * interrupted mutation it changes nothing but derived bytes. OHM_OK;
 * OHM_CORRUPT for a block no writer of this library could have left (a
 * journal naming slots out of range, or N_check failing after); or
 * N_check's other answers. O(capacity). */
OHM__API ohm_status OHM__F(_recover)(OHM__N *ohm_m)
{
    ohm_sync *ohm_y = OHM__F(__sync)(ohm_m);
    uint32_t ohm_cap = ohm_m->hdr.capacity, ohm_op = ohm_y->op, ohm_hole = ohm_y->hole, ohm_src = ohm_y->src;
    if (ohm_op > OHM__OP_LAST || ohm_m->hdr.smask != ohm__stripes(ohm_cap) - 1 ||
        ohm_m->hdr.stripes != OHM__F(__stripes_at)(ohm_cap, ohm_m->hdr.keys_start, ohm_m->hdr.vals_start))
        return OHM_CORRUPT;
    if (ohm_op != OHM__OP_NONE && ohm_op != OHM__OP_CLEAR &&
        ((ohm_hole != OHM__NONE && ohm_hole >= ohm_cap) || (ohm_src != OHM__NONE && ohm_src >= ohm_cap)))
        return OHM_CORRUPT;
    if ((ohm_op == OHM__OP_ERASE || ohm_op == OHM__OP_OVERWRITE) && ohm_hole == OHM__NONE) return OHM_CORRUPT;
    if (ohm_op == OHM__OP_REMOVE_IF && ohm_y->start > OHM__F(__gmask)(ohm_m)) return OHM_CORRUPT;
    if (ohm_cap == 0) ohm_op = OHM__OP_NONE;
    if (!(ohm_y->seq & 1)) ohm__st32(&ohm_y->seq, ohm_y->seq + 1); /* a write is running: this one */
    OHM__FENCE_REL();
    uint32_t ohm_ns = ohm__stripes(ohm_cap), *ohm_st = OHM__F(__stripes)(ohm_m);
    for (uint32_t ohm_k = 0; ohm_k < ohm_ns; ohm_k++)
        if (!(ohm_st[ohm_k] & 1)) ohm__st32(ohm_st + ohm_k, ohm_st[ohm_k] + 1);
    OHM__FENCE_REL();
    uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    if (ohm_cap != 0) /* the mirror is derived: a cut may have left it stale */
        for (uint32_t ohm_k = 0; ohm_k < OHM_GROUP_MIRROR; ohm_k++)
            if (ohm_meta[ohm_cap + ohm_k] != ohm_meta[ohm_k & (ohm_cap - 1)])
                ohm__st8(ohm_meta + ohm_cap + ohm_k, ohm_meta[ohm_k & (ohm_cap - 1)]);
    ohm__wr ohm_wr; /* for pull: every stripe is odd already, so it marks none */
    ohm_wr.seq = &ohm_y->seq;
    ohm_wr.stripes = ohm_st;
    ohm_wr.gm = OHM__F(__gmask)(ohm_m);
    ohm_wr.ns = ohm_ns;
    ohm_wr.lo = 0;
    ohm_wr.n = ohm_wr.gm + 1;
    switch (ohm_op) {
    case OHM__OP_ERASE:
        /* Cut before the first store of the removal (its byte still set,
         * no move named): nothing happened. Otherwise the move in progress
         * is settled and the shift goes on from the hole. */
        if (ohm_src == OHM__NONE && ohm_meta[ohm_hole] != 0) break;
        if (ohm_src != OHM__NONE && ohm__holds_key(ohm_meta[ohm_hole])) { /* the copy was published */
            OHM__F(__r_settle_move)(ohm_m, ohm_hole, ohm_src);
            ohm_hole = ohm_src;
        }
        if (ohm_meta[ohm_hole] != 0) return OHM_CORRUPT;
        OHM__F(__j_step)(ohm_m, ohm_hole, OHM__NONE);
        if (OHM__F(__gmask)(ohm_m) != 0) OHM__F(__pull)(ohm_m, ohm_hole, ohm_hole / OHM_GROUP_SLOTS, &ohm_wr);
        break;
    case OHM__OP_OVERWRITE:
#ifdef OHM_VALUE
        if (ohm__holds_key(ohm_meta[ohm_hole]))
            ohm__st_copy(OHM__F(__val)(ohm_m, ohm_hole), OHM__F(__jval)(ohm_m), sizeof(OHM__V), OHM__VAL_ALIGN);
#endif
        break;
    case OHM__OP_CLEAR:
        OHM__F(__clear_all)(ohm_m);
        break;
    case OHM__OP_REMOVE_IF:
        OHM__F(__r_settle_move)(ohm_m, ohm_hole, ohm_src);
        OHM__F(__compact)(ohm_m, ohm_y->start);
        break;
    default: /* an insertion, or a remove_if still marking */
        OHM__F(__r_undoom)(ohm_m);
        break;
    }
    /* The derived state: class bytes and count from the slots. */
    uint32_t ohm_used = 0;
    for (uint32_t ohm_i = 0; ohm_i < ohm_cap; ohm_i++) ohm_used += ohm_meta[ohm_i] != 0;
    OHM__F(__rebuild_all_classes)(ohm_m);
    ohm__st32(&ohm_m->hdr.count, ohm_used);
    ohm__st32(&ohm_m->hdr.stamp, ohm_m->hdr.stamp + 1);
    OHM__F(__j_step)(ohm_m, OHM__NONE, OHM__NONE);
    OHM__F(__j_op)(ohm_m, OHM__OP_NONE);
    OHM__FENCE_REL();
    for (uint32_t ohm_k = 0; ohm_k < ohm_ns; ohm_k++) ohm__st32(ohm_st + ohm_k, ohm_st[ohm_k] + 1);
    OHM__FENCE_REL();
    ohm__st32(&ohm_y->seq, ohm_y->seq + 1);
    return OHM__F(_check)(ohm_m);
}

/* ========================================================================
 * Checking and moving blocks
 * ====================================================================== */

/* The search for keys stored twice, without scratch memory: each entry is
 * compared with the slots of its probe (its home group to its own) whose
 * byte a copy of it would have there (N_check has seen that every byte is
 * right for its key and place, so a copy has such a byte; of two copies,
 * the one farther from home has the other on its probe). Costs a group
 * read per group of each probe and a compare per matching byte, bounded
 * here (OHM__CHECK_BUDGET in all, else OHM_TOO_COSTLY). Used only
 * when N__check_dups cannot have its scratch memory. */
static inline ohm_status OHM__F(__check_dups_walk)(const OHM__N *ohm_m, const ohm__geo *ohm_g)
{
    uint64_t ohm_budget = OHM__CHECK_BUDGET(ohm_g->cap);
    for (uint32_t ohm_i = 0; ohm_i < ohm_g->cap; ohm_i++) {
        if (ohm_g->meta[ohm_i] == 0) continue;
        const OHM__K *ohm_key = OHM__F(__key_in)(ohm_g->kb, ohm_i);
        uint64_t ohm_h = OHM__F(__hash)(ohm_m, ohm_key);
        uint32_t ohm_home = (OHM__CAST(uint32_t, ohm_h) & ohm_g->mask) / OHM_GROUP_SLOTS;
        uint32_t ohm_dist = (ohm_i / OHM_GROUP_SLOTS - ohm_home) & ohm_g->gm;
        for (uint32_t ohm_j = 0; ohm_j <= ohm_dist; ohm_j++) {
            uint32_t ohm_base = ((ohm_home + ohm_j) & ohm_g->gm) * OHM_GROUP_SLOTS;
            uint32_t ohm_match =
                ohm__g16_eq(ohm_g->meta + ohm_base, ohm__byte_for(ohm_h, ohm_j)) & ohm_g->valid;
            for (; ohm_match; ohm_match &= ohm_match - 1) {
                if (ohm_budget == 0) return OHM_TOO_COSTLY;
                ohm_budget--;
                uint32_t ohm_s = ohm_base + ohm__m16_first(ohm_match);
                if (ohm_s != ohm_i && OHM__F(__eq)(ohm_m, OHM__F(__key_in)(ohm_g->kb, ohm_s), ohm_key)) return OHM_CORRUPT;
            }
            if (ohm_budget == 0) return OHM_TOO_COSTLY;
            ohm_budget--;
        }
    }
    return OHM_OK;
}

/* Within a range of words (hash half << 32 | slot) sorted by their high
 * halves, compare the keys of each run of equal halves pairwise, drawing
 * on *budget. When `again` is set, a run of two or more is first re-keyed
 * by the other half of its keys' hashes and sorted again, so that only
 * keys whose full 64-bit hashes are equal are compared. */
static inline ohm_status OHM__F(__dup_runs)(const OHM__N *ohm_m, const ohm__geo *ohm_g, uint64_t *ohm_a, size_t ohm_n,
                                            bool ohm_again, uint64_t *ohm_budget)
{
    for (size_t ohm_r = 0; ohm_r < ohm_n;) {
        size_t ohm_end = ohm_r + 1;
        while (ohm_end < ohm_n && (ohm_a[ohm_end] >> 32) == (ohm_a[ohm_r] >> 32)) ohm_end++;
        if (ohm_end - ohm_r > 1 && ohm_again) {
            for (size_t ohm_i = ohm_r; ohm_i < ohm_end; ohm_i++) {
                uint32_t ohm_s = OHM__CAST(uint32_t, ohm_a[ohm_i]);
                ohm_a[ohm_i] = OHM__F(__hash)(ohm_m, OHM__F(__key_in)(ohm_g->kb, ohm_s)) << 32 | ohm_s;
            }
            ohm__sort_high32(ohm_a + ohm_r, ohm_end - ohm_r);
            ohm_status ohm_st = OHM__F(__dup_runs)(ohm_m, ohm_g, ohm_a + ohm_r, ohm_end - ohm_r, false, ohm_budget);
            if (ohm_st != OHM_OK) return ohm_st;
        } else {
            for (size_t ohm_i = ohm_r; ohm_i < ohm_end; ohm_i++)
                for (size_t ohm_j = ohm_i + 1; ohm_j < ohm_end; ohm_j++) {
                    if (*ohm_budget == 0) return OHM_TOO_COSTLY;
                    --*ohm_budget;
                    if (OHM__F(__eq)(ohm_m, OHM__F(__key_in)(ohm_g->kb, OHM__CAST(uint32_t, ohm_a[ohm_i])),
                                     OHM__F(__key_in)(ohm_g->kb, OHM__CAST(uint32_t, ohm_a[ohm_j]))))
                        return OHM_CORRUPT;
                }
        }
        ohm_r = ohm_end;
    }
    return OHM_OK;
}

/* The search for keys stored twice in O(capacity) time, whatever the
 * table's load or the hash's bits: equal keys have equal hashes, so the
 * used slots are sorted by the high 32 bits of their keys' hashes, each
 * run of equal bits again by the low 32, and only keys whose whole hashes
 * are equal are compared, at most OHM__CHECK_BUDGET times (only many keys
 * of one full hash value make that many: a constant or broken hash, or a
 * crafted block). Scratch: 8 bytes an entry (OHM_MALLOC, freed before
 * returning); without it, or when that size does not fit in size_t, the
 * bounded walk above runs instead. `n` is the count of used slots the
 * caller saw; a block that changes under the check (a writer not keeping
 * the protocol) writes no more than n words and gets OHM_CORRUPT. */
static inline ohm_status OHM__F(__check_dups)(const OHM__N *ohm_m, const ohm__geo *ohm_g, uint32_t ohm_n)
{
    if (ohm_n < 2) return OHM_OK;
    size_t ohm_bytes;
    uint64_t *ohm_a = ohm__scratch_size(ohm_n, sizeof(uint64_t), &ohm_bytes) ? OHM__CAST(uint64_t *, OHM_MALLOC(ohm_bytes)) : OHM__NULL;
    if (ohm_a == OHM__NULL) return OHM__F(__check_dups_walk)(ohm_m, ohm_g);
    uint32_t ohm_k = 0;
    ohm_status ohm_st = OHM_OK;
    for (uint32_t ohm_i = 0; ohm_i < ohm_g->cap && ohm_st == OHM_OK; ohm_i++) {
        if (ohm_g->meta[ohm_i] == 0) continue;
        if (ohm_k == ohm_n) ohm_st = OHM_CORRUPT; /* more used slots than a moment ago */
        else ohm_a[ohm_k++] = (OHM__F(__hash)(ohm_m, OHM__F(__key_in)(ohm_g->kb, ohm_i)) & ~OHM__CAST(uint64_t, 0xffffffffu)) | ohm_i;
    }
    if (ohm_st == OHM_OK && ohm_k != ohm_n) ohm_st = OHM_CORRUPT;
    if (ohm_st == OHM_OK) {
        uint64_t ohm_budget = OHM__CHECK_BUDGET(ohm_g->cap);
        ohm__sort_high32(ohm_a, ohm_n);
        ohm_st = OHM__F(__dup_runs)(ohm_m, ohm_g, ohm_a, ohm_n, true, &ohm_budget);
    }
    OHM_FREE(ohm_a);
    return ohm_st;
}

/* The sync area of a block of `cap` slots, read once: OHM_CORRUPT for an
 * unknown mutation or stripe words placed other than the layout says, OHM_BUSY when a write is in
 * progress or was cut short (the sequence or a stripe odd, or the journal
 * naming a mutation): the entries cannot be judged until N_recover. */
static inline ohm_status OHM__F(__check_sync)(const OHM__N *ohm_m, const ohm_header *ohm_h)
{
    uint32_t ohm_cap = ohm_h->capacity;
    ohm_sync ohm_y;
    ohm__ld_copy(&ohm_y, OHM__F(__sync)(ohm_m), sizeof ohm_y, 4);
    uint64_t ohm_at = OHM__F(__stripes_at)(ohm_cap, ohm_h->keys_start, ohm_h->vals_start);
    if (ohm_y.op > OHM__OP_LAST || ohm_h->smask != ohm__stripes(ohm_cap) - 1 || ohm_h->stripes != ohm_at)
        return OHM_CORRUPT;
    if ((ohm_y.seq & 1) || ohm_y.op != OHM__OP_NONE) return OHM_BUSY;
    const uint32_t *ohm_st = OHM__CAST(const uint32_t *, OHM__CAST(const void *, OHM__UNCONST(char *, ohm_m) + ohm_at));
    for (uint32_t ohm_k = 0, ohm_ns = ohm__stripes(ohm_cap); ohm_k < ohm_ns; ohm_k++)
        if (ohm__ld32(ohm_st + ohm_k) & 1) return OHM_BUSY;
    return OHM_OK;
}

/* The full check, with the geometry and the header fields it needs taken
 * once (N_check from the live header, N_validate from the header it
 * checked against the buffer's length). */
static inline ohm_status OHM__F(__check_in)(const OHM__N *ohm_m, const ohm__geo *ohm_g, uint32_t ohm_count,
                                            uint32_t ohm_max_entries)
{
    uint32_t ohm_gm = ohm_g->gm, ohm_valid = ohm_g->valid;
    const uint8_t *ohm_meta = ohm_g->meta;
    if (ohm_g->cap == 0) return ohm_count == 0 ? OHM_OK : OHM_CORRUPT;
    for (uint32_t ohm_k = 0; ohm_k < OHM_GROUP_MIRROR; ohm_k++)
        if (ohm_meta[ohm_g->cap + ohm_k] != ohm_meta[ohm_k & ohm_g->mask]) return OHM_CORRUPT;
    /* Walk the groups from one that no probe runs into from the group
     * before it: the group after a group with a free slot or, in a full
     * table, the one N__uncrossed finds (none: not a table the library
     * makes, and one its walks would get wrong). The position of the last
     * group with room seen is kept (-1: the boundary before the walk's
     * start, which no probe crosses): invariant I says no key's probe
     * passes it. */
    uint32_t ohm_start = OHM__NONE, ohm_used = 0;
    for (uint32_t ohm_y = 0; ohm_y <= ohm_gm && ohm_start == OHM__NONE; ohm_y++)
        if (ohm__g16_free(ohm_meta + ohm_y * OHM_GROUP_SLOTS) & ohm_valid) ohm_start = (ohm_y + 1) & ohm_gm;
    if (ohm_start == OHM__NONE) ohm_start = ohm_gm == 0 ? 0 : OHM__F(__uncrossed)(ohm_m, ohm_g);
    if (ohm_start == OHM__NONE) return OHM_CORRUPT; /* full, and every group boundary crossed */
    int64_t ohm_last_room = -1;
    for (uint32_t ohm_q = 0; ohm_q <= ohm_gm; ohm_q++) {
        uint32_t ohm_y = (ohm_start + ohm_q) & ohm_gm, ohm_base = ohm_y * OHM_GROUP_SLOTS;
        uint32_t ohm_used_here = ~ohm__g16_free(ohm_meta + ohm_base) & ohm_valid;
        for (uint32_t ohm_u = ohm_used_here; ohm_u; ohm_u &= ohm_u - 1) {
            uint32_t ohm_i = ohm_base + ohm__m16_first(ohm_u);
            uint8_t ohm_b = ohm_meta[ohm_i];
            if (!ohm__holds_key(ohm_b)) return OHM_CORRUPT; /* not a byte a slot can hold */
            ohm_used++;
            uint64_t ohm_h = OHM__F(__hash)(ohm_m, OHM__F(__key_in)(ohm_g->kb, ohm_i));
            uint32_t ohm_home = (OHM__CAST(uint32_t, ohm_h) & ohm_g->mask) / OHM_GROUP_SLOTS, ohm_d = (ohm_y - ohm_home) & ohm_gm;
            if (ohm_b != (ohm__byte_for(ohm_h, ohm_d))) return OHM_CORRUPT;
            if (ohm_d == 0) continue;
            if (!(ohm_g->cls[ohm_home] & ohm__cls_bit(ohm_h))) return OHM_CORRUPT; /* a lookup would stop at home */
            if (OHM__CAST(int64_t, ohm_q) - OHM__CAST(int64_t, ohm_d) <= ohm_last_room)
                return OHM_CORRUPT; /* its probe passes a group with room, or the walk's start */
        }
        if (ohm_used_here != ohm_valid) ohm_last_room = ohm_q;
    }
    if (ohm_used != ohm_count || ohm_used > ohm_max_entries) return OHM_CORRUPT;
    return OHM__F(__check_dups)(ohm_m, ohm_g, ohm_used);
}

/* The full invariant check of a map whose header is sound (after
 * N_attach): the mirror matches, every used slot's byte is exactly the one
 * its key's hash and place give (fingerprint at home, distance and class
 * when displaced), every displaced entry's home group has its class bit
 * and no group with a free slot lies on its probe (invariant I), a table
 * with no free slot has a group boundary that no probe crosses, count
 * equals the used slots, and no key is stored twice. OHM_OK or
 * OHM_CORRUPT. Reads only the block. O(capacity) time, hashing each key
 * about twice, with 8 bytes an entry of scratch memory for the search for
 * keys stored twice (see N__check_dups). OHM_TOO_COSTLY only when more
 * than OHM__CHECK_BUDGET key comparisons would be needed: many keys that
 * share one full 64-bit hash value (a constant or broken hash, or a
 * crafted block), or, without the scratch memory, entries very far from
 * home. The header is read once, at the start; a block that another
 * process may rewrite meanwhile is checked with N_validate, which also
 * knows the buffer's length. */
OHM__API ohm_status OHM__F(_check)(const OHM__N *ohm_m)
{
    ohm_header ohm_h = ohm_m->hdr;
    ohm_status ohm_st = OHM__F(__check_sync)(ohm_m, &ohm_h);
    if (ohm_st != OHM_OK) return ohm_st;
    ohm__geo ohm_g = OHM__F(__geo_of)(ohm_m, ohm_h.capacity, ohm_h.meta_start, ohm_h.keys_start);
    return OHM__F(__check_in)(ohm_m, &ohm_g, ohm_h.count, ohm_h.max_entries);
}

/* Check an untrusted block of `len` bytes at `buf` against this map type
 * in O(1) (see ohm_header_check for each failure's status) and return the
 * map in *out on OHM_OK (NULL otherwise). Nothing is written to the block.
 * The type check compares what the block records: key and value sizes and
 * alignments, set or map, interleaving and OHM_TYPE_TAG; two types of the
 * same sizes (uint32_t and float) are told apart only by a type tag. */
OHM__API ohm_status OHM__F(_attach)(void *ohm_buf, size_t ohm_len, OHM__N **ohm_out)
{
    ohm_signature ohm_sig = OHM__F(__signature)();
    ohm_status ohm_st = ohm_header_check(ohm_buf, ohm_len, OHM__F(_base_align)(), &ohm_sig);
    if (ohm_out) *ohm_out = ohm_st == OHM_OK ? OHM__CAST(OHM__N *, ohm_buf) : OHM__NULL;
    return ohm_st;
}

/* N_attach for a block that must not be written (a read-only mapping):
 * the map comes back const, for the lookups, iteration and checks. */
OHM__API ohm_status OHM__F(_attach_const)(const void *ohm_buf, size_t ohm_len, const OHM__N **ohm_out)
{
    OHM__N *ohm_m;
    ohm_status ohm_st = OHM__F(_attach)(OHM__UNCONST(void *, ohm_buf), ohm_len, &ohm_m);
    if (ohm_out) *ohm_out = ohm_m;
    return ohm_st;
}

/* N_attach followed by N_check: the whole block is verified. Never reads
 * outside [buf, buf + len) and never writes. */
OHM__API ohm_status OHM__F(_validate)(const void *ohm_buf, size_t ohm_len)
{
    /* The header is read once, and everything after uses that reading: a
     * process rewriting the block meanwhile may change the answer, never
     * where the check reads. */
    ohm_signature ohm_sig = OHM__F(__signature)();
    ohm_header ohm_h;
    ohm_status ohm_st = ohm__header_read(ohm_buf, ohm_len, OHM__F(_base_align)(), &ohm_sig, &ohm_h);
    if (ohm_st != OHM_OK) return ohm_st;
    const OHM__N *ohm_m = OHM__CAST(const OHM__N *, ohm_buf);
    ohm_st = OHM__F(__check_sync)(ohm_m, &ohm_h);
    if (ohm_st != OHM_OK) return ohm_st;
    ohm__geo ohm_g = OHM__F(__geo_of)(ohm_m, ohm_h.capacity, ohm_h.meta_start, ohm_h.keys_start);
    return OHM__F(__check_in)(ohm_m, &ohm_g, ohm_h.count, ohm_h.max_entries);
}

/* Copy every entry of `src` into `dst`, an empty map of this type in
 * another block (any capacity, maximum load and seed). OHM_OK; OHM_FULL
 * when the entries do not fit, OHM_INVALID when dst is not empty or the
 * blocks overlap; on an error dst is unchanged. This is how a full map
 * grows: init a bigger block, rehash into it, drop the old one. Keys are
 * hashed as dst hashes them: when the hash reads the owner word (N_user),
 * set dst's before rehashing. */
OHM__API ohm_status OHM__F(_rehash)(const OHM__N *ohm_src, OHM__N *ohm_dst)
{
    uintptr_t ohm_s0 = OHM__PTR_CAST(uintptr_t, ohm_src), ohm_s1 = ohm_s0 + OHM__CAST(uintptr_t, ohm_src->hdr.total_size);
    uintptr_t ohm_d0 = OHM__PTR_CAST(uintptr_t, ohm_dst), ohm_d1 = ohm_d0 + OHM__CAST(uintptr_t, ohm_dst->hdr.total_size);
    if (ohm_dst->hdr.count != 0 || (ohm_s0 < ohm_d1 && ohm_d0 < ohm_s1)) return OHM_INVALID;
    if (ohm_src->hdr.count > ohm_dst->hdr.max_entries) return OHM_FULL;
    OHM__ITER ohm_it = OHM__F(_iter_begin)(ohm_src);
    OHM__ENTRY ohm_e;
    while (OHM__F(_iter_next)(&ohm_it, &ohm_e)) {
        uint32_t ohm_s;
        ohm_status ohm_st = OHM__F(__claim)(ohm_dst, OHM__F(__hash)(ohm_dst, ohm_e.key), ohm_e.key, OHM__NULL, OHM__NULL,
                                            OHM__NULL, true, ohm_e.key, OHM__MAP_ONLY(ohm_e.value) OHM__SET_ONLY(OHM__NULL), &ohm_s);
        OHM_ASSERT(ohm_st == OHM_OK, "rehash: the count did not match the entries");
        if (ohm_st != OHM_OK) break;
    }
    OHM__DEBUG_CHECK(ohm_dst);
    return OHM_OK;
}

#endif /* !OHM_DECLARE */

#ifdef __cplusplus
} /* extern "C" */
#endif
#endif /* !OHM__REFUSED */

/* ========================================================================
 * End of the template: every parameter and helper is undefined so that the
 * header can be included again with other parameters.
 * ====================================================================== */
#undef OHM_NAME
#undef OHM_KEY
#undef OHM_VALUE
#undef OHM_HASH
#undef OHM_HASH_EX
#undef OHM_EQ
#undef OHM_EQ_EX
#undef OHM_MAX_LOAD
#undef OHM_TYPE_TAG
#undef OHM_INTERLEAVE
#undef OHM_SHARED
#undef OHM_DEBUG_CHECKS
#undef OHM__KSTRIDE
#undef OHM__VSTRIDE
#undef OHM__HASH
#undef OHM__EQ
#undef OHM__MAP_ONLY
#undef OHM__SET_ONLY
#undef OHM__DOOMED
#undef OHM__READ_NOTES
#undef OHM__KEY_WHOLE
#undef OHM__READ_FAR
#undef OHM__META_START
#undef OHM__VAL_SIZE
#undef OHM__VAL_ALIGN
#undef OHM__FLAGS
#undef OHM__DEBUG_CHECK
#undef OHM__F
#undef OHM__N
#undef OHM__K
#undef OHM__V
#undef OHM__ENTRY
#undef OHM__KV
#undef OHM__ITER
#undef OHM__EQ_FN
#undef OHM__PRED_FN
#undef OHM__API
#undef OHM_DECLARE
#undef OHM_DEFINE
#undef OHM__REFUSED
