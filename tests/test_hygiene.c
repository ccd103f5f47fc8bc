/* test_hygiene.c - the template's names never meet the user's.
 *
 * tests/hygiene_user.c is a user's file: globals named like every local
 * and parameter the headers ever had (out, m, e, h, key, meta, ...) come
 * before the headers, so it does not build under -Wshadow -Werror if a
 * header declaration shadows one. Its hash reads a global named `out` and
 * calls a function named `h`; were user macros expanded where a template
 * local of that name is in scope, the local would silently win and the
 * lookups below would miss, or the build would fail. Results are checked
 * here, not only compiled. */
#include "test.h"
#include "hygiene_user.h"

static void user_globals_and_functions_are_the_ones_used(void)
{
    hygiene_result r = hygiene_run();
    TEST_EQ_U(r.inserted, 900);
    TEST_EQ_U(r.found, 900);
    TEST_EQ_U(r.absent_found, 0);
    TEST_EQ_U(r.home_ok, 1);
    TEST_STATUS(r.check, OHM_OK);
    TEST_STATUS(r.check_after_removal, OHM_OK);
    TEST_EQ_U(r.ex_found, 500);
    TEST_STATUS(r.ex_validate, OHM_OK);
    TEST_STATUS(r.ex_check_other_user, OHM_CORRUPT);
}

/* A user's macros named like the headers' struct members, defined between
 * ohm.h and the instantiations, do not reach the template and are the
 * user's again after it (tests/hygiene_members.c). */
static void user_macros_named_like_members_between_the_headers(void)
{
    hygiene_members r = hygiene_members_run();
    /* of 900 keys put, got, counted, iterated; 50 left in the set; then
     * the user's capacity, count, seed and mask macros, and key and start */
    const uint64_t got[] = {r.inserted, r.found, r.counted, r.iterated, r.set_count,
                            r.user_capacity, r.user_count, r.user_seed, r.user_mask, r.key_is_the_users};
    const uint64_t want[] = {900, 900, 900, 900, 50, 1024, 1024, 42, 0xff, 1};
    for (size_t q = 0; q < sizeof want / sizeof want[0]; q++) TEST_EQ_U(got[q], want[q]);
    TEST_EQ_U(r.value_sum, 899u * 900 / 2);
    TEST_STATUS(r.check, OHM_OK);
    TEST_STATUS(r.set_check, OHM_OK);
}

int main(void)
{
    RUN(user_globals_and_functions_are_the_ones_used);
    RUN(user_macros_named_like_members_between_the_headers);
    return test_finish();
}
