/* expect: define OHM_NAME */
/* errors: 1 */
#include <stdint.h>
#define OHM_KEY uint32_t
#include "ohm_map.h"
