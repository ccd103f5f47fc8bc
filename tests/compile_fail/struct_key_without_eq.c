/* expect: OHM_KEY is a struct or union, which == cannot compare: define OHM_EQ(a, b) */
#include <stdint.h>
struct point { int x, y; };
#define OHM_NAME bad
#define OHM_KEY struct point
#define OHM_HASH(k) ((uint64_t)(k).x * 31u + (uint64_t)(k).y)
#include "ohm_map.h"
