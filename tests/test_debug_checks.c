/* test_debug_checks.c - what debug builds tell a user.
 *
 * OHM_DEBUG_CHECKS: the check after a mutation
 * catches a broken invariant and says which status it got, and a debug
 * build stays usable on a large table with a weak but legal hash (the
 * check's work grows with the mutations, not with the mutations times the
 * table: filling 2^15 slots with a check after every insertion hashed
 * about 4e8 keys).
 *
 * A seed given to a map whose OHM_HASH cannot read it gets a note on
 * standard error (once), since it protects nothing; a map whose hash
 * reads the seed gets none.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

static uint64_t hashes; /* calls of the map's hash */
static uint64_t counted_identity(uint64_t k)
{
    hashes++;
    return k;
}

#define OHM_DEBUG_CHECKS
#define OHM_NAME dbg /* the identity hash: weak, legal, distinct hashes */
#define OHM_KEY uint64_t
#define OHM_VALUE uint32_t
#define OHM_HASH(k) counted_identity(k)
#include "ohm_map.h"

#define OHM_NAME plain /* the default hash: reads the seed */
#define OHM_KEY uint64_t
#include "ohm_map.h"

static dbg *new_dbg(uint32_t cap)
{
    ohm_layout l = dbg_layout_for_capacity(cap);
    return dbg_init(aligned_alloc(dbg_base_align(), l.total_size), l);
}

/* 20,000 sequential keys into 2^15 slots, then as many removals: the
 * checks run (a broken map would abort) at a cost linear in the work. */
static void filling_a_large_table_stays_linear(void)
{
    uint32_t n = 20000;
    dbg *m = new_dbg(1u << 15);
    hashes = 0;
    for (uint32_t k = 0; k < n; k++) TEST_STATUS(dbg_put(m, k, k), OHM_OK);
    for (uint32_t k = 0; k < n; k += 2) TEST_CHECK(dbg_remove(m, k));
    printf("  %u insertions and %u removals hashed %llu keys\n", n, n / 2, (unsigned long long)hashes);
    TEST_CHECK(hashes <= (4 * 1024 + 8) * (uint64_t)(n + n / 2)); /* a bounded cost a mutation */
    TEST_CHECK(hashes > 4 * (uint64_t)n); /* checks did run: each hashes every key */
    TEST_STATUS(dbg_check(m), OHM_OK);
    free(m);
}

/* Run `fn` in a child; its standard error into buf. True when it aborted. */
static bool aborts(void (*fn)(void), char *buf, size_t len)
{
    int fd[2];
    if (pipe(fd) != 0) return false;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 2);
        close(fd[0]);
        fn();
        _exit(0);
    }
    close(fd[1]);
    size_t got = 0;
    ssize_t r;
    while (got + 1 < len && (r = read(fd[0], buf + got, len - 1 - got)) > 0) got += (size_t)r;
    buf[got] = 0;
    close(fd[0]);
    int status;
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

/* A map whose count is wrong, then one insertion. */
static void corrupt_then_put(uint32_t cap)
{
    dbg *m = new_dbg(cap);
    for (uint32_t k = 0; k < 100; k++) dbg_put(m, k, k);
    m->hdr.count -= 1; /* a writer's bug */
    for (uint32_t k = 100; k < 100 + 2 * cap; k++) {
        dbg_remove(m, k - 100); /* mutations, until a check runs */
        dbg_put(m, k, k);
    }
}
static void corrupt_small(void) { corrupt_then_put(256); }
static void corrupt_large(void) { corrupt_then_put(1u << 14); }

static void a_broken_invariant_aborts_naming_the_status(void)
{
    char err[1024];
    TEST_CHECK(aborts(corrupt_small, err, sizeof err));
    TEST_CHECK(strstr(err, "OHM_CORRUPT") != NULL);
    TEST_CHECK(strstr(err, "dbg") != NULL);
    printf("  small table: %s", err);
    TEST_CHECK(aborts(corrupt_large, err, sizeof err));
    TEST_CHECK(strstr(err, "OHM_CORRUPT") != NULL);
}

static void seed_an_ohm_hash_map(void)
{
    ohm_layout l = dbg_layout_for_capacity(64);
    void *buf = aligned_alloc(dbg_base_align(), l.total_size);
    dbg_init_seeded(buf, l, 12345);
    dbg_init_seeded(buf, l, 678); /* noted once */
    free(buf);
}
static void seed_a_default_hash_map(void)
{
    ohm_layout l = plain_layout_for_capacity(64);
    void *buf = aligned_alloc(plain_base_align(), l.total_size);
    plain_init_seeded(buf, l, 12345);
    dbg_init(buf, dbg_layout_for_capacity(16)); /* seed 0: nothing to say */
    free(buf);
}

static void a_seed_the_hash_cannot_read_is_noted(void)
{
    char err[1024];
    TEST_CHECK(!aborts(seed_an_ohm_hash_map, err, sizeof err));
    TEST_CHECK(strstr(err, "dbg: a seed was given") != NULL);
    TEST_CHECK(strstr(err, "OHM_HASH_EX") != NULL);
    const char *first = strstr(err, "a seed was given");
    TEST_CHECK(first && strstr(first + 1, "a seed was given") == NULL); /* once */
    printf("  %s", err);
    TEST_CHECK(!aborts(seed_a_default_hash_map, err, sizeof err));
    TEST_EQ_U(strlen(err), 0);
}

int main(void)
{
    RUN(a_seed_the_hash_cannot_read_is_noted);
    RUN(filling_a_large_table_stays_linear);
    RUN(a_broken_invariant_aborts_naming_the_status);
    return test_finish();
}
