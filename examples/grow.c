/* grow.c - a map that grows: ohm maps have a fixed capacity, so when put
 * answers OHM_FULL the owner makes a block twice as large, formats it with
 * the same seed and maximum load (N_init_ex), copies the entries over
 * (N_rehash), drops the old block and carries on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ohm.h"

#define OHM_NAME counts
#define OHM_KEY uint64_t
#define OHM_VALUE uint32_t
#include "ohm_map.h"

enum { KEYS = 5000, MAX_LOAD = 80 };

/* A new empty map of `capacity` slots with m's seed and maximum load. */
static counts *bigger(const counts *m, uint32_t capacity, unsigned max_load)
{
    ohm_layout l = counts_layout_for_capacity(capacity);
    if (l.total_size == 0) return NULL; /* past 2^31 slots or size_t */
    size_t a = counts_base_align();
    void *buf = aligned_alloc(a, (l.total_size + a - 1) / a * a);
    return buf ? counts_init_ex(buf, l, m ? counts_seed(m) : 0x9e3779b97f4a7c15u, max_load) : NULL;
}

/* Put, growing first when the map is full. Returns the status of the put
 * (OHM_OK or OHM_FOUND), or OHM_FULL when no bigger block could be made. */
static ohm_status put_growing(counts **mp, uint64_t key, uint32_t value)
{
    ohm_status st = counts_put(*mp, key, value);
    if (st != OHM_FULL) return st;
    counts *old = *mp;
    uint32_t cap = counts_capacity(old) ? 2 * counts_capacity(old) : 8;
    counts *m = bigger(old, cap, MAX_LOAD);
    if (!m) return OHM_FULL;
    ohm_status rs = counts_rehash(old, m);
    printf("  full at %5u entries (capacity %5u, %7zu bytes) -> capacity %5u, %7zu bytes: "
           "rehash %s\n",
           (unsigned)counts_count(old), (unsigned)counts_capacity(old), counts_block_size(old),
           (unsigned)counts_capacity(m), counts_block_size(m), ohm_strerror(rs));
    if (rs != OHM_OK) {
        free(m);
        return OHM_FULL;
    }
    free(old);
    *mp = m;
    return counts_put(m, key, value); /* fits: the new map is half full */
}

int main(void)
{
    printf("grow: put %d keys into a map that starts with 8 slots at %d%% maximum load\n", KEYS,
           MAX_LOAD);
    counts *m = bigger(NULL, 8, MAX_LOAD);
    if (!m) return 1;
    int bad = 0;
    for (uint64_t i = 0; i < KEYS; i++) {
        uint64_t key = i * 0x10001u; /* spread-out keys */
        ohm_status st = put_growing(&m, key, (uint32_t)i);
        bad += st != OHM_OK;
    }
    /* Everything is there, once, with its value, after all the moves. */
    unsigned found = 0;
    for (uint64_t i = 0; i < KEYS; i++) {
        const uint32_t *v = counts_get(m, i * 0x10001u);
        found += v && *v == i;
    }
    ohm_status cs = counts_check(m);
    printf("done: %u entries in %u slots (max load %u), seed %#llx; %u/%d found, check %s\n",
           (unsigned)counts_count(m), (unsigned)counts_capacity(m), (unsigned)counts_max_load(m),
           (unsigned long long)counts_seed(m), found, KEYS, ohm_strerror(cs));
    bad += found != KEYS || counts_count(m) != KEYS || cs != OHM_OK;
    free(m);
    printf("%s\n", bad ? "FAILED" : "ok");
    return bad != 0;
}
