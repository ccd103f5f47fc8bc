/* mixed_c.c - the C half of a program that shares one block between a C
 * and a C++ translation unit (see mixed_cpp.cpp). */
#include <stdlib.h>

#include "shared_map.h"

#define OHM_NAME shm /* the definitions of shared_map.h's declarations */
#define OHM_KEY uint64_t
#define OHM_VALUE uint32_t
#define OHM_DEFINE
#include "ohm_map.h"

void *mixed_make_block_in_c(uint32_t n, size_t *size)
{
    ohm_layout l = shm_layout(n);
    void *b = aligned_alloc(shm_base_align(), l.total_size);
    shm *m = shm_init_seeded(b, l, 77);
    for (uint32_t k = 0; k < n; k++) shm_put(m, k, k + 1);
    *size = l.total_size;
    return b;
}

int mixed_check_in_c(const void *block, size_t size, uint32_t n)
{
    const shm *m;
    if (shm_attach_const(block, size, &m) != OHM_OK || shm_check(m) != OHM_OK) return 0;
    /* the C++ side removed the odd keys and doubled the values of the rest */
    for (uint32_t k = 0; k < n; k++) {
        const uint32_t *v = shm_get(m, k);
        if ((k % 2 == 1) != (v == NULL)) return 0;
        if (v && *v != 2 * (k + 1)) return 0;
    }
    return 1;
}
