/* test_runner.c - the tests' own runner (test.h) counts per case: a case
 * that fails does not make later cases think they are failing (they would
 * skip their work and still count as passed), and a failed case is
 * counted as failed. One case here fails on purpose; its "FAIL" line on
 * stderr is expected. */
#include "test.h"

static int later_case_saw_failing = -1;

static void fails_on_purpose(void)
{
    fprintf(stderr, "(the next FAIL line is expected: test_runner checks the runner)\n");
    TEST_CHECK(1 + 1 == 3);
    TEST_CHECK(test_failing());
}

static void a_later_case(void)
{
    later_case_saw_failing = test_failing();
    TEST_CHECK(!test_failing());
}

int main(void)
{
    RUN(fails_on_purpose);
    int failed_counted = test__cases_failed == 1 && test__cases_passed == 0;
    RUN(a_later_case);
    int later_passed = test__cases_passed == 1 && later_case_saw_failing == 0;
    /* Now judge the runner itself: these are the real results. */
    test__cases_failed = test__cases_passed = 0;
    test__failed_checks = test__failed_before_case = 0;
    test__case = "runner";
    TEST_CHECK(failed_counted);
    TEST_CHECK(later_passed);
    if (test__failed_checks == 0) test__cases_passed++;
    else test__cases_failed++;
    return test_finish();
}
