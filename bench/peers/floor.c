/* floor.c - the memory-copy floor for clone: malloc + memcpy of exactly
 * as many bytes as ohm's block for the same cell.  No map can make an
 * independent copy of itself faster than copying its bytes into fresh
 * memory, and ohm's clone is this plus one lookup, so the ratio of this
 * column shows how close ohm's clone is to the physical limit.
 * It has no other operation; the driver prints "-" for them.
 */
#include <stdlib.h>
#include <string.h>

#include "peer.h"

typedef struct floor_buf {
    size_t size;
    unsigned char bytes[];
} floor_buf;

static void *floor_create(const bench_cell *cell)
{
    floor_buf *b = malloc(sizeof *b + cell->ohm_block_bytes);
    if (b == NULL)
        return NULL;
    b->size = cell->ohm_block_bytes;
    /* Touch every page now so the copy reads memory that exists. */
    memset(b->bytes, 0x5a, b->size);
    return b;
}

static void floor_destroy(void *m) { free(m); }

static void *floor_clone(void *m, const void *probe, uint64_t *value)
{
    const floor_buf *b = m;
    floor_buf *c = malloc(sizeof *c + b->size);
    if (c == NULL)
        abort();
    memcpy(c, b, sizeof *c + b->size);
    (void)probe;
    *value = 0; /* no lookup: this is the bare copy */
    return c;
}

static size_t floor_bytes(const void *m) { return ((const floor_buf *)m)->size; }

#define FLOOR_OPS(NAME, BITS)                                                              \
    const bench_map_ops NAME = {                                                           \
        "memcpy", BITS, floor_create, floor_destroy, NULL, NULL, NULL,                     \
        NULL,     NULL, floor_clone,  NULL,          NULL, floor_bytes, NULL,              \
        NULL,     NULL,                                                                    \
    };

FLOOR_OPS(bench_floor_u32, 32)
FLOOR_OPS(bench_floor_u64, 64)
