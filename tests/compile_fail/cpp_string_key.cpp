/* expect: OHM_KEY must be trivially copyable */
#include <string>
#include "ohm.h"
#define OHM_NAME bad
#define OHM_KEY std::string
#define OHM_VALUE uint32_t
#define OHM_HASH(k) ohm_hash_bytes((k).data(), (k).size(), 0)
#include "ohm_map.h"
