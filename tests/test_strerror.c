/* test_strerror.c - ohm_strerror covers every status: each message is
 * non-NULL, non-empty and distinct, and a value that is not a status gets
 * the one "unknown" message. The list below is every ohm_status; a status
 * added to ohm.h without a message here (or in ohm_strerror) fails. */
#include "test.h"

static const ohm_status all[] = {
    OHM_OK,          OHM_FOUND,      OHM_FULL,         OHM_INVALID,     OHM_CORRUPT,
    OHM_BAD_MAGIC,   OHM_BAD_VERSION, OHM_BAD_ENDIAN,  OHM_BAD_TYPE,    OHM_TOO_SHORT,
    OHM_MISALIGNED,  OHM_BAD_CAPACITY, OHM_BAD_OFFSETS, OHM_BAD_COUNT, OHM_TOO_COSTLY,
    OHM_BUSY,        OHM_ABSENT,
};
#define N_ALL (sizeof all / sizeof all[0])

static void every_status_has_a_distinct_message(void)
{
    for (size_t i = 0; i < N_ALL; i++) {
        const char *s = ohm_strerror(all[i]);
        TEST_CHECK(s != NULL);
        if (!s) continue;
        TEST_CHECK(s[0] != '\0');
        for (size_t j = 0; j < i; j++) {
            const char *t = ohm_strerror(all[j]);
            if (t && strcmp(s, t) == 0) {
                fprintf(stderr, "  statuses %d and %d share \"%s\"\n", (int)all[i], (int)all[j], s);
                TEST_CHECK(strcmp(s, t) != 0);
            }
        }
    }
    /* Successes are 0, 1 and 2 (OHM_ABSENT, last in the list), errors
     * negative. */
    TEST_EQ_U(OHM_OK, 0);
    TEST_EQ_U(OHM_FOUND, 1);
    TEST_EQ_U(OHM_ABSENT, 2);
    for (size_t i = 2; i < N_ALL - 1; i++) TEST_CHECK(all[i] < 0);
}

/* Values that are not statuses get one shared "unknown" message, distinct
 * from every real one; every value in a wide range is one or the other,
 * so a status missing from `all` is caught. */
static void unknown_values(void)
{
    const char *unknown = ohm_strerror((ohm_status)-1000);
    TEST_CHECK(unknown != NULL && unknown[0] != '\0');
    TEST_CHECK(strcmp(ohm_strerror((ohm_status)1000), unknown) == 0);
    for (int v = -200; v <= 200; v++) {
        bool listed = false;
        for (size_t i = 0; i < N_ALL; i++) listed |= (int)all[i] == v;
        const char *s = ohm_strerror((ohm_status)v);
        TEST_CHECK(s != NULL);
        if (!s) continue;
        if (listed) {
            TEST_CHECK(strcmp(s, unknown) != 0);
        } else if (strcmp(s, unknown) != 0) {
            fprintf(stderr, "  %d has its own message \"%s\": add it to `all`\n", v, s);
            TEST_CHECK(!"a status missing from this test's list");
        }
    }
}

/* The messages say what is checked, no more: a block's maximum load is
 * its own and not compared (a 50% block attaches to an 80% type), and the
 * type check compares sizes, alignments, shape and the tag. */
static void messages_say_what_is_compared(void)
{
    const char *t = ohm_strerror(OHM_BAD_TYPE);
    TEST_CHECK(strstr(t, "load") == NULL);
    TEST_CHECK(strstr(t, "size") != NULL && strstr(t, "alignment") != NULL && strstr(t, "tag") != NULL);
    TEST_CHECK(strstr(ohm_strerror(OHM_BAD_MAGIC), "not an ohm block") != NULL);
}

int main(void)
{
    RUN(every_status_has_a_distinct_message);
    RUN(unknown_values);
    RUN(messages_say_what_is_compared);
    return test_finish();
}
