/* simd_swar.c - the portable (SWAR) probing, for tests/test_simd.c: this
 * unit defines OHM_NO_SIMD before any ohm header, so its maps scan 8
 * metadata bytes at a time in a plain 64-bit word instead of SSE2/NEON
 * groups. It runs the same operation sequences (tests/simd_seq.h). */
#define OHM_NO_SIMD
#include <string.h>

#include "ohm.h"

#define SEQ_PREFIX swar_
#include "simd_types.h"

const char *swar_probing(void) { return OHM__SIMD; }
