/* simd_swar.c - the portable (SWAR) probing, for tests/test_simd.c: this
 * unit defines OHM_NO_SIMD before any ohm header, so its maps read a
 * group's 16 metadata bytes as two plain 64-bit words instead of one
 * SSE2/NEON vector, for lookups, writes and iteration alike. It runs the same operation sequences (tests/simd_seq.h). */
#define OHM_NO_SIMD
#include <string.h>

#include "ohm.h"

#define SEQ_PREFIX swar_
#include "simd_types.h"

const char *swar_probing(void) { return OHM__SIMD; }
