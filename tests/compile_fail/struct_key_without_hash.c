/* expect: define OHM_HASH(key) for this key type */
struct point { int x, y; };
#define OHM_NAME bad
#define OHM_KEY struct point
#define OHM_EQ(a, b) ((a).x == (b).x && (a).y == (b).y)
#include "ohm_map.h"
