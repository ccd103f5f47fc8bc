/* expect: OHM_MAX_LOAD must be a whole percentage from 1 to 100 */
/* errors: 1 */
#include <stdint.h>
#define OHM_NAME bad
#define OHM_KEY uint32_t
#define OHM_MAX_LOAD 0
#include "ohm_map.h"
