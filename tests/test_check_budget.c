/* test_check_budget.c - N_check and N_validate stay O(capacity) on blocks
 * crafted to make the duplicate search quadratic.
 *
 * The search compares each key with the slots from its home up to it, so a
 * full table whose keys all share one home costs capacity^2 / 2 slot
 * visits. A crafted block does that with any hash; here a constant hash
 * builds it honestly. Past 1024 * capacity + 2^20 visits the check stops
 * with OHM_TOO_COSTLY; below, such a table is still checked in full. */
#include "test.h"
#include "util.h"

#define OHM_NAME same /* every key homed in slot 0, same fingerprint */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_HASH(k) ((void)(k), (uint64_t)0)
#include "ohm_map.h"

static same *full_table(uint32_t cap, void **raw)
{
    ohm_layout l = same_layout_for_capacity(cap);
    *raw = aligned_alloc(same_base_align(), l.total_size);
    same *m = same_init(*raw, l);
    TEST_CHECK(m != NULL);
    for (uint32_t k = 0; k < cap && m; k++) same_put_new_assume_capacity(m, k, k);
    return m;
}

static void small_degenerate_table_is_checked_in_full(void)
{
    /* 1024 slots: 523776 visits, under the allowance of 2^20. */
    void *raw;
    same *m = full_table(1024, &raw);
    TEST_STATUS(same_check(m), OHM_OK);
    TEST_STATUS(same_validate(m, same_block_size(m)), OHM_OK);
    /* A duplicate at the far end is still found. */
    *same_get_key(m, 1023) = 0; /* the last key becomes a second 0 */
    TEST_STATUS(same_check(m), OHM_CORRUPT);
    free(raw);
}

static void quadratic_table_is_refused(void)
{
    /* 8192 slots: 33.5M visits, past 1024 * 8192 + 2^20 = 9.4M. */
    void *raw;
    same *m = full_table(8192, &raw);
    TEST_STATUS(same_check(m), OHM_TOO_COSTLY);
    TEST_STATUS(same_validate(m, same_block_size(m)), OHM_TOO_COSTLY);
    /* The map itself still works: the limit is on checking only. */
    TEST_CHECK(same_contains(m, 8191));
    TEST_CHECK(!same_contains(m, 8192));
    free(raw);
}

int main(void)
{
    RUN(small_degenerate_table_is_checked_in_full);
    RUN(quadratic_table_is_refused);
    return test_finish();
}
