/* hygiene_members.c - a user's translation unit for test_hygiene.c whose
 * own macros, defined between ohm.h and the instantiations, are named like
 * members of the headers' structs (ohm_header's count, stamp, seed, the
 * iterator's start). Constants break the build of a template that meets
 * them; a macro that renames one member as another (count as capacity)
 * compiles into a map that reads its capacity as its count, and stamp as
 * capacity into one that writes past its header. ohm_map.h saves,
 * undefines and restores them; the results are checked in test_hygiene.c,
 * and the user's macros must be theirs again after the instantiations. */
#include "ohm.h"

#define capacity 1024u
#define seed 42u
#define mask 0xffu
#define start 0
#define key "key"
#define count capacity
#define stamp capacity

#define OHM_NAME hym
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#include "ohm_map.h"

#define OHM_NAME hymset
#define OHM_KEY uint64_t
#define OHM_MAX_LOAD 50
#include "ohm_map.h"

#include <stdlib.h>
#include <string.h>
#include "hygiene_user.h"

hygiene_members hygiene_members_run(void)
{
    hygiene_members res = {0, 0, 0, 0, 0, 0, OHM_INVALID, OHM_INVALID, capacity, count, seed, mask, 0};
    res.key_is_the_users = strcmp(key, "key") == 0 && start == 0;
    ohm_layout lay = hym_layout_for_capacity(capacity);
    void *raw = aligned_alloc(hym_base_align(), lay.total_size);
    hym *map = raw ? hym_init_seeded(raw, lay, seed) : NULL;
    if (!map) return res;
    for (uint32_t q = 0; q < 900; q++) res.inserted += hym_put(map, q * 3 + 1, q) == OHM_OK;
    for (uint32_t q = 0; q < 900; q++) res.found += hym_get(map, q * 3 + 1) && *hym_get(map, q * 3 + 1) == q;
    res.counted = hym_count(map);
    hym_iter it = hym_iter_begin(map);
    hym_entry en;
    for (; hym_iter_next(&it, &en); res.iterated++) res.value_sum += *en.value; /* en.key: the user's key */
    res.check = hym_check(map);
    free(raw);

    ohm_layout ls = hymset_layout(100);
    raw = aligned_alloc(hymset_base_align(), ls.total_size);
    hymset *set = raw ? hymset_init(raw, ls) : NULL;
    if (!set) return res;
    for (uint64_t q = 0; q < 100; q++) hymset_put(set, q << 40);
    for (uint64_t q = 0; q < 100; q += 2) hymset_remove(set, q << 40);
    res.set_count = hymset_count(set);
    res.set_check = hymset_check(set);
    free(raw);
    return res;
}
