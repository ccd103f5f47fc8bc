/* block_types.h - the instantiations fuzz_block.c attacks and
 * gen_corpus.c writes seed blocks for. Their signatures equal those of
 * fuzz_ops.c's maps, so a block from either program seeds fuzz_block.
 *
 *   bm  uint32_t -> uint32_t, default hash (interleaved slots, the default
 *       for this pair)
 *   bs  set of uint64_t, default hash
 *   bc  uint32_t -> uint32_t, the colliding hash, type tag FZ_COLLIDE_TAG,
 *       keys and values in separate arrays (OHM_INTERLEAVE 0)
 */
#ifndef FUZZ_BLOCK_TYPES_H
#define FUZZ_BLOCK_TYPES_H

#include "ohm.h"
#include "fuzz_common.h"

/* Blocks filled to their last slot, as the committed seeds were made:
 * maximum load 100 (the default, 88, stops short). */
#define OHM_NAME bm
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME bs
#define OHM_KEY uint64_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME bc
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_HASH(k) fz_collide_hash(k)
#define OHM_TYPE_TAG FZ_COLLIDE_TAG
#define OHM_INTERLEAVE 0
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#endif
