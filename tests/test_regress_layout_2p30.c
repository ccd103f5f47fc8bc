/* test_regress_layout_2p30.c - regression: a 2^30-slot layout of 8-byte
 * keys must not overflow.
 *
 * What broke upstream (ghostty issue #9862): layoutForCapacity multiplied
 * the 32-bit capacity by sizeof(K) before widening, so 2^30 * 8 =
 * 0x2_0000_0000 wrapped to 0 and the "block size" was a few bytes. ohm
 * computes every offset in 64-bit arithmetic; these checks pin that. Layout
 * arithmetic only: nothing this large is allocated. */
#include "test.h"

#define OHM_NAME big64
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#include "ohm_map.h"

#define OHM_NAME bigset
#define OHM_KEY uint64_t
#include "ohm_map.h"

#define OHM_NAME big32
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#include "ohm_map.h"

static void layout_2p30_u64_does_not_wrap(void)
{
    if (SIZE_MAX <= UINT32_MAX) {
        /* A 32-bit size_t cannot describe 16 GiB: the request is refused. */
        TEST_EQ_U(big64_layout_for_capacity(1u << 30).total_size, 0);
        return;
    }
    const uint64_t cap = 1u << 30;
    ohm_layout l = big64_layout_for_capacity((uint32_t)cap);
    TEST_EQ_U(l.capacity, cap);
    TEST_CHECK(l.keys_start > 0);
    TEST_CHECK(l.keys_start >= l.meta_start + cap); /* a metadata byte per slot */
    /* Interleaved 16-byte slots: the value is 8 bytes after its key. */
    TEST_EQ_U(l.vals_start, l.keys_start + 8);
    TEST_EQ_U(l.total_size, test_total_size(cap, l.keys_start + cap * 16, 8));
    TEST_CHECK(l.total_size >= cap * (8 + 8)); /* 16 GiB; the bug gave a few bytes */

    ohm_layout s = bigset_layout_for_capacity((uint32_t)cap);
    TEST_EQ_U(s.vals_start, s.keys_start + cap * 8);
    TEST_EQ_U(s.total_size, test_total_size(cap, s.vals_start, 8));

    /* The same through N_layout_for_load: 2^30 entries at 100% load. */
    ohm_layout n = big64_layout_for_load(1u << 30, 100);
    TEST_EQ_U(n.capacity, cap);
    TEST_EQ_U(n.total_size, l.total_size);
}

static void layout_2p31_does_not_wrap(void)
{
    if (SIZE_MAX <= UINT32_MAX) return;
    const uint64_t cap = OHM_MAX_CAPACITY; /* 2^31 * 4 wraps 32 bits too */
    ohm_layout l = big32_layout_for_capacity((uint32_t)cap);
    /* Both maps interleave (a key and its value in one 8- or 16-byte slot). */
    TEST_EQ_U(l.vals_start, l.keys_start + 4);
    TEST_EQ_U(l.total_size, test_total_size(cap, l.keys_start + cap * 8, 8));
    ohm_layout w = big64_layout_for_capacity((uint32_t)cap);
    TEST_EQ_U(w.total_size, test_total_size(cap, w.keys_start + cap * 16, 8));
    TEST_CHECK(w.total_size >= cap * 16);
}

int main(void)
{
    RUN(layout_2p30_u64_does_not_wrap);
    RUN(layout_2p31_does_not_wrap);
    return test_finish();
}
