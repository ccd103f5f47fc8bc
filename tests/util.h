/* util.h - helpers the tests share: aligned blocks, blocks with guard
 * bytes around them, and a fill pattern that shows which bytes init wrote.
 *
 *   test_block(align, size)          aligned, filled with 0xA5; free() it
 *   guarded g = guarded_new(a, n)    block of n bytes at g.block, aligned to
 *                                    a, GUARD_BYTES of 0x5C on each side
 *   guarded_intact(&g)               true while no guard byte has changed
 *   guarded_free(&g)
 */
#ifndef OHM_TEST_UTIL_H
#define OHM_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline size_t test_round_up(size_t n, size_t align) { return (n + align - 1) / align * align; }

/* aligned_alloc wants a size that is a multiple of the alignment. The bytes
 * are set to a pattern so that a test can see that init wrote all of them. */
static inline void *test_block(size_t align, size_t size)
{
    if (align < sizeof(void *)) align = sizeof(void *);
    size_t n = test_round_up(size ? size : 1, align);
    void *p = aligned_alloc(align, n);
    if (p == NULL) {
        fprintf(stderr, "out of memory (%zu bytes)\n", n);
        exit(2);
    }
    memset(p, 0xA5, n);
    return p;
}

#define GUARD_BYTES 256u
#define GUARD_FILL 0x5C

typedef struct guarded {
    unsigned char *raw; /* the whole allocation */
    void *block;        /* raw + GUARD_BYTES */
    size_t size;        /* bytes of the block */
} guarded;

static inline guarded guarded_new(size_t align, size_t size)
{
    guarded g;
    if (align > GUARD_BYTES) {
        fprintf(stderr, "guarded_new: alignment %zu above %u\n", align, GUARD_BYTES);
        exit(2);
    }
    g.size = size;
    g.raw = (unsigned char *)test_block(GUARD_BYTES, size + 2 * GUARD_BYTES);
    memset(g.raw, GUARD_FILL, size + 2 * GUARD_BYTES);
    g.block = g.raw + GUARD_BYTES;
    return g;
}

static inline bool guarded_intact(const guarded *g)
{
    for (size_t i = 0; i < GUARD_BYTES; i++)
        if (g->raw[i] != GUARD_FILL || g->raw[GUARD_BYTES + g->size + i] != GUARD_FILL) return false;
    return true;
}

static inline void guarded_free(guarded *g)
{
    free(g->raw);
    g->raw = NULL;
    g->block = NULL;
}

#endif
