/* shared_map.h - one map type used from a C file and a C++ file of the same
 * program (tests/cpp/mixed_c.c and mixed_cpp.cpp): declarations only here;
 * mixed_c.c has the definitions (OHM_DEFINE), with C linkage in both
 * languages. */
#ifndef SHARED_MAP_H
#define SHARED_MAP_H
#include "ohm.h"

#define OHM_NAME shm
#define OHM_KEY uint64_t
#define OHM_VALUE uint32_t
#define OHM_DECLARE
#include "ohm_map.h"

#ifdef __cplusplus
extern "C" {
#endif
/* C: a block with keys 0..n-1 (value key + 1), seeded. */
void *mixed_make_block_in_c(uint32_t n, size_t *size);
/* C: the block checks and holds what the C++ side left. */
int mixed_check_in_c(const void *block, size_t size, uint32_t n);
#ifdef __cplusplus
}
#endif
#endif
