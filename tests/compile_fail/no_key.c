/* expect: define OHM_KEY */
/* errors: 1 */
#define OHM_NAME bad
#include "ohm_map.h"
