/* simd_types.h - the map types of the SIMD/SWAR comparison, instantiated
 * identically in tests/test_simd.c and tests/simd_swar.c, each with its
 * sequence function SEQ_PREFIX##T and block size SEQ_PREFIX##size_##T
 * (T in u64, set, con, ident; see simd_seq.h). Include once per unit,
 * after defining SEQ_PREFIX. */
#include "simd_seq.h"

#define SEQ_SIZE_FN(T)                                                                     \
    size_t SEQ__CAT(SEQ_PREFIX, size_##T)(uint32_t cap)                                   \
    {                                                                                      \
        return SEQ__CAT(m_, T##_layout_for_capacity)(cap).total_size;                      \
    }

/* The default integer hash, 8-byte keys and values. */
#define OHM_NAME m_u64
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#include "ohm_map.h"
#define SEQ_N m_u64
#define SEQ_KEY(i) ((uint64_t)(i) * 0x9e3779b97f4a7c15u + 1)
#define SEQ_FN SEQ__CAT(SEQ_PREFIX, run_u64)
#include "simd_seq.h"
SEQ_SIZE_FN(u64)

/* A set. */
#define OHM_NAME m_set
#define OHM_KEY uint32_t
#include "ohm_map.h"
#define SEQ_N m_set
#define SEQ_SET
#define SEQ_KEY(i) ((uint32_t)(i) * 2654435761u)
#define SEQ_FN SEQ__CAT(SEQ_PREFIX, run_set)
#include "simd_seq.h"
SEQ_SIZE_FN(set)

/* A constant hash: every slot's fingerprint matches every probe, so the
 * group scans report many matches and the key compares decide. */
#define OHM_NAME m_con
#define OHM_KEY uint32_t
#define OHM_VALUE uint16_t
#define OHM_HASH(k) ((void)(k), UINT64_C(0x7700000000000009))
#include "ohm_map.h"
#define SEQ_N m_con
#define SEQ_KEY(i) ((uint32_t)(i))
#define SEQ_FN SEQ__CAT(SEQ_PREFIX, run_con)
#include "simd_seq.h"
SEQ_SIZE_FN(con)

/* The identity hash with sequential keys. */
#define OHM_NAME m_ident
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_HASH(k) ((uint64_t)(k))
#include "ohm_map.h"
#define SEQ_N m_ident
#define SEQ_KEY(i) ((uint32_t)(i))
#define SEQ_FN SEQ__CAT(SEQ_PREFIX, run_ident)
#include "simd_seq.h"
SEQ_SIZE_FN(ident)

#undef SEQ_SIZE_FN
