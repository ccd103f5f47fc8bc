/* expect: OHM_VALUE must be trivially copyable */
#include <string>
#include "ohm.h"
#define OHM_NAME bad
#define OHM_KEY uint32_t
#define OHM_VALUE std::string
#include "ohm_map.h"
