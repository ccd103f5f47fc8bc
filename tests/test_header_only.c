/* test_header_only.c - the header-only use: this translation unit defines
 * OHM_IMPLEMENTATION and compiles the core itself.
 *
 * The Makefile links build/VARIANT/ohm.o into every test program, and a
 * second definition of the same functions would not link (multiple
 * definition). So this unit's copy of the implementation is compiled
 * under other names (ho_*): every call that the headers make from this
 * unit goes to the copy compiled here, and nothing of ohm.o is used by
 * them. A new external function in ohm.h that is missing from the list
 * below shows up as a duplicate symbol at link time. Afterwards the
 * library's own functions (from ohm.o) are compared with this unit's:
 * the two builds of the core must agree. */
#define ohm_strerror ho_ohm_strerror
#define ohm_assert_fail ho_ohm_assert_fail
#define ohm_layout_for ho_ohm_layout_for
#define ohm_capacity_for ho_ohm_capacity_for
#define ohm_header_init ho_ohm_header_init
#define ohm_header_check ho_ohm_header_check
#define ohm_hash_bytes ho_ohm_hash_bytes
#define ohm__header_read ho_ohm__header_read
#define ohm__sort_high32 ho_ohm__sort_high32
#define ohm__status_name ho_ohm__status_name
#define ohm__debug_checked ho_ohm__debug_checked
#define ohm__note_seed_unused ho_ohm__note_seed_unused
#define ohm__read_wait ho_ohm__read_wait
#define OHM_IMPLEMENTATION
#include "ohm.h"

#define OHM_NAME hmap
#define OHM_KEY uint64_t
#define OHM_VALUE uint32_t
#include "ohm_map.h"

/* A pointer key type needs a typedef: the template writes `const OHM_KEY *`. */
typedef const char *cstr;
#define OHM_NAME hstr /* keys hashed with ohm_hash_bytes */
#define OHM_KEY cstr
#define OHM_HASH(k) ohm_hash_str((k), 0)
#define OHM_EQ(a, b) (strcmp((a), (b)) == 0)
#include "ohm_map.h"

#undef ohm_strerror
#undef ohm_assert_fail
#undef ohm_layout_for
#undef ohm_capacity_for
#undef ohm_header_init
#undef ohm_header_check
#undef ohm_hash_bytes
/* The library's own (ohm.o): ohm.h declared them under the ho_ names. */
const char *ohm_strerror(ohm_status status);
uint32_t ohm_capacity_for(uint32_t entries, unsigned max_load);
uint64_t ohm_hash_bytes(const void *p, size_t len, uint64_t seed);

#include "test.h"
#include "util.h"

static void header_only_map_works(void)
{
    ohm_layout l = hmap_layout(500);
    hmap *m = hmap_init(test_block(hmap_base_align(), l.total_size), l);
    TEST_CHECK(m != NULL);
    for (uint64_t k = 0; k < 500; k++) TEST_STATUS(hmap_put(m, k << 20, (uint32_t)k), OHM_OK);
    for (uint64_t k = 0; k < 500; k += 2) TEST_CHECK(hmap_remove(m, k << 20));
    for (uint64_t k = 0; k < 500; k++) TEST_EQ_U(hmap_contains(m, k << 20), k % 2);
    TEST_STATUS(hmap_check(m), OHM_OK);
    TEST_STATUS(hmap_validate(m, hmap_block_size(m)), OHM_OK); /* ho_ohm_header_check */
    free(m);

    static const char *const words[] = {"", "a", "ohm", "relocatable", "0123456789abcdef0123"};
    ohm_layout sl = hstr_layout(8);
    hstr *s = hstr_init(test_block(hstr_base_align(), sl.total_size), sl);
    for (size_t i = 0; i < 5; i++) TEST_STATUS(hstr_put(s, words[i]), OHM_OK);
    char probe[8] = "ohm";
    TEST_CHECK(hstr_contains(s, probe)); /* equal by strcmp, another pointer */
    TEST_CHECK(!hstr_contains(s, "ohms"));
    free(s);
}

/* This unit's core and the library's (ohm.o, built separately) agree. */
static void header_only_matches_library(void)
{
    for (int st = -20; st <= 2; st++)
        TEST_CHECK(strcmp(ho_ohm_strerror((ohm_status)st), ohm_strerror((ohm_status)st)) == 0);
    unsigned char bytes[100];
    for (size_t i = 0; i < sizeof bytes; i++) bytes[i] = (unsigned char)(i * 37 + 1);
    for (size_t n = 0; n <= sizeof bytes; n++) {
        TEST_EQ_U(ho_ohm_hash_bytes(bytes, n, 0), ohm_hash_bytes(bytes, n, 0));
        TEST_EQ_U(ho_ohm_hash_bytes(bytes, n, 99), ohm_hash_bytes(bytes, n, 99));
    }
    for (uint32_t e = 0; e < 5000; e += 7)
        for (unsigned load = 1; load <= 100; load += 33)
            TEST_EQ_U(ho_ohm_capacity_for(e, load), ohm_capacity_for(e, load));
}

int main(void)
{
    RUN(header_only_map_works);
    RUN(header_only_matches_library);
    return test_finish();
}
