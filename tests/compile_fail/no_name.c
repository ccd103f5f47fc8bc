/* expect: define OHM_NAME */
#include <stdint.h>
#define OHM_KEY uint32_t
#include "ohm_map.h"
