/* side.c - one version of ohm behind plain functions, for bench/ab/run.sh.
 *
 * Built twice, once against each version's include/ and src/, with SIDE
 * set to `a` or `b` and every other symbol hidden (the two versions'
 * ohm.c define the same names), so both live in one process.
 */
#include <stdlib.h>
#include <string.h>

#include "ohm.h"

#define OHM_NAME abm
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define AB_CAT2(a, b) a##b
#define AB_CAT(a, b) AB_CAT2(a, b)
#define AB_F(x) AB_CAT(SIDE, x)
/* Exported; flatten: the map's calls are inlined into each loop, as in a
 * program that includes the header. */
#define AB_API __attribute__((visibility("default")))
#define AB_LOOP __attribute__((visibility("default"), flatten))

AB_API void *AB_F(_make)(uint32_t capacity)
{
    ohm_layout layout = abm_layout_for_capacity(capacity);
    if (layout.total_size == 0) return NULL;
    void *block = aligned_alloc(64, (layout.total_size + 63) / 64 * 64);
    if (!block) return NULL;
    memset(block, 0, layout.total_size);
    return abm_init(block, layout);
}
AB_API void AB_F(_clear)(void *m) { abm_clear((abm *)m); }
AB_LOOP void AB_F(_insert)(void *m, const uint64_t *keys, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) abm_put((abm *)m, keys[i], ~keys[i]);
}
AB_LOOP uint64_t AB_F(_hit)(void *m, const uint64_t *keys, const uint32_t *order, uint32_t n)
{
    uint64_t sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        const uint64_t *v = abm_get((abm *)m, keys[order[i]]);
        sum += v ? *v : 1;
    }
    return sum;
}
AB_LOOP uint64_t AB_F(_miss)(void *m, const uint64_t *keys, uint32_t n)
{
    uint64_t found = 0;
    for (uint32_t i = 0; i < n; i++) found += abm_contains((abm *)m, keys[i]);
    return found;
}
/* keys[pick[i]] leaves, fresh[i] takes its place. */
AB_LOOP void AB_F(_churn)(void *m, uint64_t *keys, const uint32_t *pick, const uint64_t *fresh, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        abm_remove((abm *)m, keys[pick[i]]);
        keys[pick[i]] = fresh[i];
        abm_put((abm *)m, fresh[i], ~fresh[i]);
    }
}
AB_LOOP void AB_F(_erase)(void *m, const uint64_t *keys, const uint32_t *order, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) abm_remove((abm *)m, keys[order[i]]);
}
