/* alloc_count.h - an allocator for ohm's scratch memory that a test can
 * make fail (alloc_fails) and whose calls it can count (allocs, and
 * alloc_last, the size asked last). Include
 * before anything that includes ohm.h. */
#ifndef OHM_TEST_ALLOC_COUNT_H
#define OHM_TEST_ALLOC_COUNT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

static bool alloc_fails;
static size_t allocs, alloc_last; /* calls, and the size the last one asked */
static void *test_malloc(size_t n)
{
    allocs++;
    alloc_last = n;
    return alloc_fails ? NULL : malloc(n);
}
#define OHM_MALLOC(n) test_malloc(n)
#define OHM_FREE(p) free(p)
#endif
