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

int main(void)
{
    RUN(user_globals_and_functions_are_the_ones_used);
    return test_finish();
}
