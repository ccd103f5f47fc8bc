/* expect: define OHM_HASH or OHM_HASH_EX, not both */
/* errors: 1 */
#include <stdint.h>
#define OHM_NAME bad
#define OHM_KEY uint32_t
#define OHM_HASH(k) ((uint64_t)(k))
#define OHM_HASH_EX(m, k, seed) ((uint64_t)(k) ^ (seed))
#include "ohm_map.h"
