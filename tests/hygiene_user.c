/* hygiene_user.c - a user's translation unit for test_hygiene.c: globals
 * named like every local and parameter the headers ever had, declared
 * before the headers, under -Wshadow -Werror; a hash that reads them.
 *
 * The test's own helpers (test.h) are kept out of this file: they have
 * locals of these names too. test_hygiene.c checks what it computes. */
#include <stdint.h>

/* Every short name that the template used for its own locals. */
uint64_t out = 0x1234, m = 1, s = 2, e = 3, i = 4, key = 5, meta = 6, value = 7, cap = 8,
         mask = 9, pos = 10, tag = 11, kb = 12, home = 13, seed = 14, hash = 15, p = 16, n = 17,
         k = 18, v = 19, a = 20, b = 21, c = 22, d = 23, g = 24, j = 25, r = 26, w = 27, x = 28,
         len = 29, buf = 30, size = 31, slot = 32, used = 33, st = 34, it = 35, old = 36,
         found = 37, probe = 38, ctx = 39, eq = 40, layout = 41, offset = 42, base = 43, src = 44,
         dst = 45, total = 46, entries = 47, capacity = 48, start = 49, end = 50, step = 51,
         run = 52, left = 53, width = 54, match = 55, empty = 56, budget = 57, dist = 58,
         want = 59, sig = 60, span = 61, last = 62, runs = 63, seen = 64, ovf = 65, ok = 66,
         at = 67, additional = 68, kv = 69, tracks = 70, has_free = 71, free_slot = 72,
         free_bits = 73, run_left = 74, no_eq = 75, key_ptr = 76, key_base = 77, max_load = 78,
         align = 79, data = 80, lo = 81, hi = 82, mid = 83, off = 84, line = 85, file = 86,
         what = 87, interleaved = 88, keys = 89, vals = 90, l = 91, u = 92;

/* A hash function named h: a template local named h would hide it. */
static uint64_t h(uint64_t word) { return word * 0x9e3779b97f4a7c15u ^ (word >> 29); }

#include "ohm.h"

/* The hash and equality read globals named like template locals. */
#define OHM_NAME hyg
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#define OHM_HASH(k_) h((k_) ^ out)
#define OHM_EQ(a_, b_) ((a_) + key == (b_) + key)
#include "ohm_map.h"

/* The map-aware forms, reading the owner word through N_user (which must
 * be declared before the hash is expanded). */
#define OHM_NAME hyx
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_HASH_EX(m_, k_, seed_) h((uint64_t)(k_) ^ hyx_user(m_) ^ (seed_) ^ e)
#define OHM_EQ_EX(m_, a_, b_) ((void)(m_), (a_) == (b_))
#include "ohm_map.h"

#include <stdlib.h>
#include "hygiene_user.h"

hygiene_result hygiene_run(void)
{
    hygiene_result res = {0, 0, 0, 0, OHM_INVALID, OHM_INVALID, OHM_INVALID, OHM_INVALID, 0};
    ohm_layout lay = hyg_layout_for_capacity(1024);
    void *raw = aligned_alloc(hyg_base_align(), lay.total_size);
    hyg *map = hyg_init(raw, lay);
    if (!map) return res;
    for (uint64_t q = 0; q < 900; q++) res.inserted += hyg_put(map, q * 7, q) == OHM_OK;
    for (uint64_t q = 0; q < 900; q++) {
        uint64_t *got = hyg_get(map, q * 7);
        res.found += got && *got == q;
    }
    res.absent_found = hyg_contains(map, 1);
    res.check = hyg_check(map);
    /* Every key sits on the probe path of the home that h(key ^ out)
     * gives: every group from that home's group up to the key's is full. */
    res.home_ok = 1;
    for (uint64_t q = 0; q < 900; q++) {
        uint32_t want_home = (uint32_t)h(q * 7 ^ out) & 1023;
        hyg_entry en = hyg_get_entry(map, q * 7);
        if (!en.key) {
            res.home_ok = 0;
            break;
        }
        uint32_t at_slot = hyg__slot_of(map, en.key);
        for (uint32_t gr = want_home / 16; gr != at_slot / 16; gr = (gr + 1) & 63)
            for (uint32_t sl = gr * 16; sl < gr * 16 + 16; sl++)
                if (hyg__meta(map)[sl] == 0) res.home_ok = 0;
    }
    for (uint64_t q = 0; q < 900; q += 2) hyg_remove(map, q * 7);
    res.check_after_removal = hyg_check(map);
    free(raw);

    ohm_layout lx = hyx_layout(500);
    raw = aligned_alloc(hyx_base_align(), lx.total_size);
    hyx *mx = hyx_init_seeded(raw, lx, 77);
    if (!mx) return res;
    hyx_set_user(mx, 0xabcdef);
    for (uint32_t q = 0; q < 500; q++) hyx_put(mx, q, q + 1);
    for (uint32_t q = 0; q < 500; q++) res.ex_found += hyx_get(mx, q) && *hyx_get(mx, q) == q + 1;
    res.ex_validate = hyx_validate(raw, lx.total_size);
    hyx_set_user(mx, 1); /* another owner word is another hash */
    res.ex_check_other_user = hyx_check(mx);
    free(raw);
    return res;
}
