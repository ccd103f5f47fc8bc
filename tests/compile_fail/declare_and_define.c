/* expect: define OHM_DECLARE (in the shared header) or OHM_DEFINE (in the one implementing file), not both */
/* errors: 1 */
#include <stdint.h>
#define OHM_NAME bad
#define OHM_KEY uint32_t
#define OHM_DECLARE
#define OHM_DEFINE
#include "ohm_map.h"
