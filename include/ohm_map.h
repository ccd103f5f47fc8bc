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
 *
 * Files: this header has the parameters, types, declarations and the
 * API's bodies. ohm_core.h (private, included below) has the format's
 * core: geometry, the probe, insertion, removal's shift, where walks
 * start, N_remove_if's compaction. ohm_check.h (private) has N_check,
 * N_attach and N_validate. ohm.h has what every instantiation shares: the
 * metadata byte, the group scans, the header, the hashes. docs/design.md,
 * "Where each concern lives", maps them.
 */

/* The names that follow "." or "->" in the template are the members of
 * its structs and of ohm.h's. A user's macro of such a name defined since
 * ohm.h (#define count ...) would rewrite them, and may still compile into
 * wrong code (docs/design.md, "Names that cannot collide"): each is saved,
 * undefined here and restored at the end. Macros defined before ohm.h
 * reach its structs and cannot be helped (docs/map.md). tests/macros/run.sh
 * checks this list. */
#pragma push_macro("at")
#undef at
#pragma push_macro("cap")
#undef cap
#pragma push_macro("capacity")
#undef capacity
#pragma push_macro("cls")
#undef cls
#pragma push_macro("count")
#undef count
#pragma push_macro("flags")
#undef flags
#pragma push_macro("gm")
#undef gm
#pragma push_macro("hdr")
#undef hdr
#pragma push_macro("home_mask")
#undef home_mask
#pragma push_macro("hole")
#undef hole
#pragma push_macro("idx")
#undef idx
#pragma push_macro("kb")
#undef kb
#pragma push_macro("key")
#undef key
#pragma push_macro("key_align")
#undef key_align
#pragma push_macro("key_size")
#undef key_size
#pragma push_macro("keys_start")
#undef keys_start
#pragma push_macro("last")
#undef last
#pragma push_macro("lo")
#undef lo
#pragma push_macro("map")
#undef map
#pragma push_macro("mask")
#undef mask
#pragma push_macro("max_entries")
#undef max_entries
#pragma push_macro("max_load")
#undef max_load
#pragma push_macro("meta")
#undef meta
#pragma push_macro("meta_start")
#undef meta_start
#pragma push_macro("n")
#undef n
#pragma push_macro("ns")
#undef ns
#pragma push_macro("op")
#undef op
#pragma push_macro("pos")
#undef pos
#pragma push_macro("seed")
#undef seed
#pragma push_macro("seq")
#undef seq
#pragma push_macro("smask")
#undef smask
#pragma push_macro("src")
#undef src
#pragma push_macro("stamp")
#undef stamp
#pragma push_macro("start")
#undef start
#pragma push_macro("stripes")
#undef stripes
#pragma push_macro("total_size")
#undef total_size
#pragma push_macro("type_tag")
#undef type_tag
#pragma push_macro("used")
#undef used
#pragma push_macro("user")
#undef user
#pragma push_macro("val_align")
#undef val_align
#pragma push_macro("val_size")
#undef val_size
#pragma push_macro("valid")
#undef valid
#pragma push_macro("vals_start")
#undef vals_start
#pragma push_macro("value")
#undef value
#pragma push_macro("ver")
#undef ver
#pragma push_macro("whole")
#undef whole
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
 * place each: the two small functions N__hash and N__eq (ohm_core.h),
 * whose only names in scope are their parameters (ohm_m, ohm_k, ohm_a,
 * ohm_b). Every other name the template declares starts with ohm_ or the
 * OHM_NAME prefix, so a user's macro or global never meets a template
 * local. */
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
/* Every store to the block goes through these: atomic and in the write
 * order when lock-free readers or N_recover may depend on it, plain
 * otherwise (ohm.h). */
#if OHM_SHARED
#define OHM__ST8 ohm__st8
#define OHM__ST32 ohm__st32
#define OHM__ST64 ohm__st64
#define OHM__ST_COPY ohm__st_copy
#define OHM__ST_ZERO ohm__st_zero
#else
#define OHM__ST8 ohm__st8_plain
#define OHM__ST32 ohm__st32_plain
#define OHM__ST64 ohm__st64_plain
#define OHM__ST_COPY ohm__st_copy_plain
#define OHM__ST_ZERO ohm__st_zero_plain
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
OHM__API void OHM__F(_set_user)(OHM__N *ohm_m, uint64_t ohm_user) { OHM__ST64(&ohm_m->hdr.user, ohm_user); }

#include "ohm_core.h" /* the core, private: geometry, probe, write order,
                          insertion, shift, walk start, compaction; the
                          API's bodies below are written over it */

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
    return OHM__F(__entry_at)(ohm_m, OHM__F(__find)(ohm_m, ohm_h, &ohm_key, OHM__NULL, OHM__NULL, OHM__NULL));
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

/* Lookups in a batch: out[i] = N_get_entry(m, keys[i]) for i < n (keys may
 * repeat; out must not overlap keys). Software-pipelined in two stages so
 * that a big table's cache misses overlap instead of following one another
 * and no line is fetched that the lookup will not read: key i is hashed
 * and its home group's metadata and class byte prefetched OHM__AHEAD
 * lookups before it is probed; OHM__NEAR lookups before, its metadata
 * (in cache by then) is matched against its fingerprint, and the key (and
 * value) line of the first match is prefetched. A miss, whose metadata
 * mostly matches nothing, fetches no key line at all. */
#define OHM__AHEAD 32u
#define OHM__NEAR 16u
OHM__API void OHM__F(_get_many)(const OHM__N *ohm_m, const OHM__K *ohm_keys, size_t ohm_n, OHM__ENTRY *ohm_out)
{
    OHM__F(__ahead_s) ohm_a = OHM__F(__ahead)(ohm_m);
    uint32_t ohm_valid = OHM__F(__gvalid)(ohm_m);
    uint64_t ohm_h[OHM__AHEAD]; /* the hashes of the lookups in flight */
    for (size_t ohm_i = 0; ohm_i < ohm_n + OHM__AHEAD; ohm_i++) {
        if (ohm_i >= OHM__AHEAD) { /* probe lookup i - AHEAD first: its hash's place is reused next */
            size_t ohm_j = ohm_i - OHM__AHEAD;
            ohm_out[ohm_j] = OHM__F(__entry_at)(
                ohm_m, OHM__F(__find)(ohm_m, ohm_h[ohm_j % OHM__AHEAD], &ohm_keys[ohm_j], OHM__NULL, OHM__NULL, OHM__NULL));
        }
        if (ohm_valid && ohm_i >= OHM__NEAR && ohm_i - OHM__NEAR < ohm_n) { /* lookup i - NEAR: the key line it reads */
            uint64_t ohm_hash = ohm_h[(ohm_i - OHM__NEAR) % OHM__AHEAD];
            uint32_t ohm_home = OHM__CAST(uint32_t, ohm_hash) & ohm_a.home_mask;
            uint32_t ohm_match = ohm__g16_eq(ohm_a.meta + ohm_home, ohm__tag(ohm_hash)) & ohm_valid;
            if (ohm_match) {
                uint32_t ohm_s = ohm_home + ohm__m16_first(ohm_match);
                OHM__PREFETCH(OHM__F(__key_in)(ohm_a.kb, ohm_s));
#if defined(OHM_VALUE)
                if (!(OHM_INTERLEAVE)) OHM__PREFETCH(OHM__F(__val)(ohm_m, ohm_s));
#endif
            }
        }
        if (ohm_i < ohm_n) { /* lookup i: its hash, its metadata and class byte */
            uint64_t ohm_hash = OHM__F(__hash)(ohm_m, &ohm_keys[ohm_i]);
            (void)OHM__F(__ahead_home)(&ohm_a, ohm_hash);
            ohm_h[ohm_i % OHM__AHEAD] = ohm_hash;
        }
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
                                        &ohm_key, OHM__NULL, &ohm_s);
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
        OHM__F(__claim)(ohm_m, ohm_hash, ohm_key, OHM__NULL, OHM__NULL, OHM__NULL, ohm_key, ohm_value, &ohm_s);
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
#undef OHM__NEAR

/* Like put; on OHM_FOUND *old holds the replaced pair. */
OHM__API ohm_status OHM__F(_fetch_put)(OHM__N *ohm_m, OHM__K ohm_key OHM__MAP_ONLY(, OHM__V ohm_value),
                                            OHM__KV *ohm_old)
{
    uint32_t ohm_s = OHM__NONE;
    ohm_status ohm_st = OHM__F(__claim)(ohm_m, OHM__F(__hash)(ohm_m, &ohm_key), &ohm_key, OHM__NULL, OHM__NULL, OHM__NULL,
                                        &ohm_key, OHM__MAP_ONLY(&ohm_value) OHM__SET_ONLY(OHM__NULL), &ohm_s);
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
                                        &ohm_key, OHM__MAP_ONLY(&ohm_value) OHM__SET_ONLY(OHM__NULL), &ohm_s);
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
    uint64_t ohm_h = OHM__F(__hash)(ohm_m, &ohm_key);
    ohm_status ohm_st = OHM__F(__place)(ohm_m, ohm_h, OHM__F(__room)(ohm_m, ohm_h), &ohm_key,
                                        OHM__MAP_ONLY(&ohm_value) OHM__SET_ONLY(OHM__NULL), &ohm_s);
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
 * Removal (moves other entries: see pointer stability above): by key,
 * by pointer, all, by predicate
 * ====================================================================== */

/* True when it removed; *out (when given) then holds the pair. */
OHM__API bool OHM__F(_fetch_remove)(OHM__N *ohm_m, OHM__K ohm_key, OHM__KV *ohm_out)
{
    uint32_t ohm_s = OHM__F(__find)(ohm_m, OHM__F(__hash)(ohm_m, &ohm_key), &ohm_key, OHM__NULL, OHM__NULL, OHM__NULL);
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
    OHM__ST32(&ohm_m->hdr.count, ohm_m->hdr.count - OHM__CAST(uint32_t, ohm_doomed));
    OHM__ST32(&ohm_m->hdr.stamp, ohm_m->hdr.stamp + 1);
    OHM__F(__j_op)(ohm_m, OHM__OP_NONE);
    OHM__F(__w_end)(&ohm_wr);
    OHM__DEBUG_CHECK(ohm_m);
    return ohm_doomed;
}

/* ========================================================================
 * Iteration
 * ====================================================================== */

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
    /* Read on every call, not only when there is an entry to give: in a
     * loop of calls the compiler can then read them once. */
    char *ohm_kb = OHM__F(__key_base)(ohm_m);
    OHM__MAP_ONLY(char *ohm_vb = OHM__F(__val_base)(ohm_m);)
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
    if (ohm_out) {
        ohm_out->key = OHM__F(__key_in)(ohm_kb, ohm_s);
        OHM__MAP_ONLY(ohm_out->value = OHM__F(__val_in)(ohm_vb, ohm_s);)
    }
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

/* ========================================================================
 * Adapted calls: lookup by a probe of another type. `hash` must equal the
 * hash the map computes for the matching stored key (with N_seed(m) when
 * the map's hash is seeded); eq(probe, key, ctx) says whether they match.
 * ====================================================================== */

OHM__API OHM__ENTRY OHM__F(_get_adapted)(const OHM__N *ohm_m, uint64_t ohm_hash, const void *ohm_probe,
                                              OHM__EQ_FN ohm_eq, void *ohm_ctx)
{
    return OHM__F(__entry_at)(ohm_m, OHM__F(__find)(ohm_m, ohm_hash, OHM__NULL, ohm_eq, ohm_probe, ohm_ctx));
}

/* Like get_or_put; on OHM_OK the caller must store, through out->key, a key
 * whose hash is `hash` and that eq matches to the probe. */
OHM__API ohm_status OHM__F(_get_or_put_adapted)(OHM__N *ohm_m, uint64_t ohm_hash, const void *ohm_probe,
                                                     OHM__EQ_FN ohm_eq, void *ohm_ctx, OHM__ENTRY *ohm_out)
{
    uint32_t ohm_s = OHM__NONE;
    ohm_status ohm_st = OHM__F(__claim)(ohm_m, ohm_hash, OHM__NULL, ohm_eq, ohm_probe, ohm_ctx, OHM__NULL, OHM__NULL, &ohm_s);
    if (ohm_out) *ohm_out = OHM__F(__entry_at)(ohm_m, ohm_st == OHM_FULL ? OHM__NONE : ohm_s);
    return ohm_st;
}

OHM__API bool OHM__F(_remove_adapted)(OHM__N *ohm_m, uint64_t ohm_hash, const void *ohm_probe,
                                           OHM__EQ_FN ohm_eq, void *ohm_ctx)
{
    uint32_t ohm_s = OHM__F(__find)(ohm_m, ohm_hash, OHM__NULL, ohm_eq, ohm_probe, ohm_ctx);
    if (ohm_s == OHM__NONE) return false;
    OHM__F(__erase_slot)(ohm_m, ohm_s);
    OHM__DEBUG_CHECK(ohm_m);
    return true;
}

/* ========================================================================
 * Lock-free reading (docs/concurrency.md): N_read over the probe above,
 * sections of reads, snapshots
 * ====================================================================== */

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
 * Recovery (docs/concurrency.md)
 * ====================================================================== */

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
    if (!(ohm_y->seq & 1)) OHM__ST32(&ohm_y->seq, ohm_y->seq + 1); /* a write is running: this one */
    OHM__FENCE_REL();
    uint32_t ohm_ns = ohm__stripes(ohm_cap), *ohm_st = OHM__F(__stripes)(ohm_m);
    for (uint32_t ohm_k = 0; ohm_k < ohm_ns; ohm_k++)
        if (!(ohm_st[ohm_k] & 1)) OHM__ST32(ohm_st + ohm_k, ohm_st[ohm_k] + 1);
    OHM__FENCE_REL();
    uint8_t *ohm_meta = OHM__F(__meta)(ohm_m);
    if (ohm_cap != 0) /* the mirror is derived: a cut may have left it stale */
        for (uint32_t ohm_k = 0; ohm_k < OHM_GROUP_MIRROR; ohm_k++)
            if (ohm_meta[ohm_cap + ohm_k] != ohm_meta[ohm_k & (ohm_cap - 1)])
                OHM__ST8(ohm_meta + ohm_cap + ohm_k, ohm_meta[ohm_k & (ohm_cap - 1)]);
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
            OHM__ST_COPY(OHM__F(__val)(ohm_m, ohm_hole), OHM__F(__jval)(ohm_m), sizeof(OHM__V), OHM__VAL_ALIGN);
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
    OHM__ST32(&ohm_m->hdr.count, ohm_used);
    OHM__ST32(&ohm_m->hdr.stamp, ohm_m->hdr.stamp + 1);
    OHM__F(__j_step)(ohm_m, OHM__NONE, OHM__NONE);
    OHM__F(__j_op)(ohm_m, OHM__OP_NONE);
    OHM__FENCE_REL();
    for (uint32_t ohm_k = 0; ohm_k < ohm_ns; ohm_k++) OHM__ST32(ohm_st + ohm_k, ohm_st[ohm_k] + 1);
    OHM__FENCE_REL();
    OHM__ST32(&ohm_y->seq, ohm_y->seq + 1);
    return OHM__F(_check)(ohm_m);
}

/* ========================================================================
 * Growing: copying every entry into a new block
 * ====================================================================== */

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
        uint64_t ohm_h = OHM__F(__hash)(ohm_dst, ohm_e.key);
        ohm_status ohm_st = OHM__F(__place)(ohm_dst, ohm_h, OHM__F(__room)(ohm_dst, ohm_h), ohm_e.key,
                                            OHM__MAP_ONLY(ohm_e.value) OHM__SET_ONLY(OHM__NULL), &ohm_s);
        OHM_ASSERT(ohm_st == OHM_OK, "rehash: the count did not match the entries");
        if (ohm_st != OHM_OK) break;
    }
    OHM__DEBUG_CHECK(ohm_dst);
    return OHM_OK;
}

#include "ohm_check.h" /* the checks, private: N_check, the search for
                           duplicates, N_attach, N_validate */

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
#undef OHM__ST8
#undef OHM__ST32
#undef OHM__ST64
#undef OHM__ST_COPY
#undef OHM__ST_ZERO
#undef OHM_DEBUG_CHECKS
#undef OHM__KSTRIDE
#undef OHM__VSTRIDE
#undef OHM__HASH
#undef OHM__EQ
#undef OHM__MAP_ONLY
#undef OHM__SET_ONLY
#undef OHM__DOOMED
#undef OHM__PREFETCH
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

/* The user's macros named like the members, as they were. */
#pragma pop_macro("at")
#pragma pop_macro("cap")
#pragma pop_macro("capacity")
#pragma pop_macro("cls")
#pragma pop_macro("count")
#pragma pop_macro("flags")
#pragma pop_macro("gm")
#pragma pop_macro("hdr")
#pragma pop_macro("home_mask")
#pragma pop_macro("hole")
#pragma pop_macro("idx")
#pragma pop_macro("kb")
#pragma pop_macro("key")
#pragma pop_macro("key_align")
#pragma pop_macro("key_size")
#pragma pop_macro("keys_start")
#pragma pop_macro("last")
#pragma pop_macro("lo")
#pragma pop_macro("map")
#pragma pop_macro("mask")
#pragma pop_macro("max_entries")
#pragma pop_macro("max_load")
#pragma pop_macro("meta")
#pragma pop_macro("meta_start")
#pragma pop_macro("n")
#pragma pop_macro("ns")
#pragma pop_macro("op")
#pragma pop_macro("pos")
#pragma pop_macro("seed")
#pragma pop_macro("seq")
#pragma pop_macro("smask")
#pragma pop_macro("src")
#pragma pop_macro("stamp")
#pragma pop_macro("start")
#pragma pop_macro("stripes")
#pragma pop_macro("total_size")
#pragma pop_macro("type_tag")
#pragma pop_macro("used")
#pragma pop_macro("user")
#pragma pop_macro("val_align")
#pragma pop_macro("val_size")
#pragma pop_macro("valid")
#pragma pop_macro("vals_start")
#pragma pop_macro("value")
#pragma pop_macro("ver")
#pragma pop_macro("whole")
