/* expect: define OHM_KEY */
#define OHM_NAME bad
#include "ohm_map.h"
