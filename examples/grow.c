/* grow.c - a map that grows. ohm maps have a fixed capacity, so when a put
 * answers OHM_FULL the owner makes a bigger block (N_layout_grown), formats
 * it with the old map's seed, maximum load and owner word (N_init_like),
 * copies the entries over (N_rehash), drops the old block and puts again.
 * put_growing below is the recipe of docs/map.md, with every failure
 * handled: the 2^31-slot ceiling, a failed allocation and a failed rehash
 * each leave the old map as it was and return OHM_FULL or the error, and
 * the final put's status is returned, never dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ohm.h"

#define OHM_NAME counts
#define OHM_KEY uint64_t
#define OHM_VALUE uint32_t
#include "ohm_map.h"

/* The allocator; the demo makes one allocation fail on purpose. */
static int fail_next_alloc;
static void *alloc_block(size_t align, size_t size)
{
    if (fail_next_alloc) {
        fail_next_alloc = 0;
        return NULL;
    }
    return aligned_alloc(align, size); /* sizes are multiples of the alignment */
}

/* Put, growing first when the map is full. OHM_OK or OHM_FOUND as
 * counts_put says; OHM_FULL when no bigger block can be had (ceiling or
 * memory), with *mp unchanged; another error from the rehash. */
static ohm_status put_growing(counts **mp, uint64_t key, uint32_t value)
{
    ohm_status st = counts_put(*mp, key, value);
    if (st != OHM_FULL) return st;
    ohm_layout l = counts_layout_grown(*mp);
    if (l.total_size == 0) return OHM_FULL; /* at the 2^31-slot ceiling */
    void *buf = alloc_block(counts_base_align(), l.total_size);
    if (buf == NULL) return OHM_FULL; /* out of memory: the old map is intact */
    counts *bigger = counts_init_like(buf, l, *mp);
    st = bigger ? counts_rehash(*mp, bigger) : OHM_INVALID;
    if (st != OHM_OK) {
        free(buf);
        return st;
    }
    printf("  full at %5u entries in %5u slots -> %5u slots (%7zu bytes)\n",
           (unsigned)counts_count(*mp), (unsigned)counts_capacity(*mp),
           (unsigned)counts_capacity(bigger), counts_block_size(bigger));
    free(*mp);
    *mp = bigger;
    return counts_put(bigger, key, value);
}

enum { KEYS = 5000, MAX_LOAD = 50 };

int main(void)
{
    printf("grow: %d keys into a map of capacity 0 at %d%% maximum load\n", KEYS, MAX_LOAD);
    ohm_layout l0 = counts_layout_for_capacity(0);
    counts *m = counts_init_ex(alloc_block(counts_base_align(), l0.total_size), l0,
                               0x9e3779b97f4a7c15u, MAX_LOAD);
    if (!m) return 1;
    counts_set_user(m, 42); /* an owner word, carried along */
    int bad = 0;
    for (uint64_t i = 0; i < KEYS; i++) {
        if (i == 1000) fail_next_alloc = 1; /* the growth at the next full fails */
        ohm_status st = put_growing(&m, i * 0x10001u, (uint32_t)i);
        if (st == OHM_FULL && i >= 1000) { /* the failed allocation: nothing lost, retry */
            printf("  allocation failed at key %u: the map is unchanged (%u entries); retrying\n",
                   (unsigned)i, (unsigned)counts_count(m));
            bad += counts_count(m) != i || counts_contains(m, i * 0x10001u);
            st = put_growing(&m, i * 0x10001u, (uint32_t)i);
        }
        bad += st != OHM_OK;
    }
    /* Everything is there, once, with its value, after all the moves, and
     * the settings came along. */
    unsigned found = 0;
    for (uint64_t i = 0; i < KEYS; i++) {
        const uint32_t *v = counts_get(m, i * 0x10001u);
        found += v && *v == i;
    }
    ohm_status cs = counts_check(m);
    printf("done: %u entries in %u slots, max load %u%%, seed %#llx, owner word %llu; "
           "%u/%d found, check %s\n",
           (unsigned)counts_count(m), (unsigned)counts_capacity(m), counts_max_load_percent(m),
           (unsigned long long)counts_seed(m), (unsigned long long)counts_user(m), found, KEYS,
           ohm_strerror(cs));
    bad += found != KEYS || counts_count(m) != KEYS || cs != OHM_OK;
    bad += counts_max_load_percent(m) != MAX_LOAD || counts_seed(m) != 0x9e3779b97f4a7c15u ||
           counts_user(m) != 42;
    free(m);
    printf("%s\n", bad ? "FAILED" : "ok");
    return bad != 0;
}
