/* expect: OHM_INTERLEAVE is for maps only */
/* errors: 1 */
#include <stdint.h>
#define OHM_NAME bad
#define OHM_KEY uint32_t
#define OHM_INTERLEAVE 1
#include "ohm_map.h"
