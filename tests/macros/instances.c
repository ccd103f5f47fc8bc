/* instances.c - the template's macro clean-up, checked on the whole macro
 * set rather than on a list of names (tests/macros/run.sh). Preprocessed
 * with -dM -E once with OHM_MACROS_STEP 0 (ohm.h and the user's own
 * helpers only) and once for each step 1..OHM_MACROS_STEPS, which adds one
 * instantiation of ohm_map.h more: every step must leave exactly the
 * macros of step 0, with the same definitions. A name the template defines
 * and forgets to #undef shows up here whatever it is called. */
#include "ohm.h"

/* The user's macros named like the template's members and locals, defined
 * between the headers (tests/macros/run.sh writes them): the template must
 * build with them and leave them as they were. */
#include OHM_MACROS_USER

/* The user's own macros, used by the parameters below: they are the
 * user's, defined before and after alike, and the template leaves them. */
#define USER_MIX(x) ohm_hash_u64((uint64_t)(x), 0)
#define USER_SAME(a, b) ((a) == (b))

#define OHM_MACROS_STEPS 7

#if OHM_MACROS_STEP >= 1 /* a map with every optional parameter */
#define OHM_NAME mac_map
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_HASH(k) USER_MIX(k)
#define OHM_EQ(a, b) USER_SAME(a, b)
#define OHM_MAX_LOAD 50
#define OHM_TYPE_TAG 7
#define OHM_INTERLEAVE 0
#define OHM_SHARED 0
#include "ohm_map.h"
#endif

#if OHM_MACROS_STEP >= 2 /* a set, all defaults */
#define OHM_NAME mac_set
#define OHM_KEY uint64_t
#include "ohm_map.h"
#endif

#if OHM_MACROS_STEP >= 3 /* a struct key with the map-aware hash and equality */
typedef struct mac_point {
    int32_t x, y;
} mac_point;
#define OHM_NAME mac_pt
#define OHM_KEY mac_point
#define OHM_VALUE double
#define OHM_HASH_EX(m, k, seed) ((void)(m), ohm_hash_u64(((uint64_t)(uint32_t)(k).x << 32) | (uint32_t)(k).y, (seed)))
#define OHM_EQ_EX(m, a, b) ((void)(m), (a).x == (b).x && (a).y == (b).y)
#include "ohm_map.h"
#endif

#if OHM_MACROS_STEP >= 4 /* the debug checker on */
#define OHM_DEBUG_CHECKS
#define OHM_NAME mac_dbg
#define OHM_KEY uint64_t
#define OHM_VALUE uint16_t
#include "ohm_map.h"
#endif

#if OHM_MACROS_STEP >= 5 /* declarations only, as in a shared header */
#define OHM_DECLARE
#define OHM_NAME mac_shared
#define OHM_KEY uint32_t
#define OHM_VALUE uint64_t
#include "ohm_map.h"
#endif

#if OHM_MACROS_STEP >= 6 /* and their definitions, in the one file that has them */
#define OHM_DEFINE
#define OHM_NAME mac_shared
#define OHM_KEY uint32_t
#define OHM_VALUE uint64_t
#include "ohm_map.h"
#endif

#if OHM_MACROS_STEP >= 7 /* a set of a struct key, declared and defined at once */
#define OHM_NAME mac_ptset
#define OHM_KEY mac_point
#define OHM_HASH(k) USER_MIX((uint64_t)(uint32_t)(k).x << 32 | (uint32_t)(k).y)
#define OHM_EQ(a, b) ((a).x == (b).x && (a).y == (b).y)
#include "ohm_map.h"
#endif
