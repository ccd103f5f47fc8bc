/* expect: define OHM_EQ or OHM_EQ_EX, not both */
/* errors: 1 */
#include <stdint.h>
#define OHM_NAME bad
#define OHM_KEY uint32_t
#define OHM_EQ(a, b) ((a) == (b))
#define OHM_EQ_EX(m, a, b) ((a) == (b))
#include "ohm_map.h"
