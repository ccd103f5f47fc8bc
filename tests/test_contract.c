/* test_contract.c - broken caller promises abort in debug builds (tests
 * are compiled without NDEBUG): put_new of a present key, the
 * *_assume_capacity calls on a full map, remove_at with a pointer that
 * is not a used key slot of the map, put_many with NULL keys or values
 * and n > 0, and iteration over a map that had an
 * entry inserted or removed since N_iter_begin. Each runs in a fork()ed child whose
 * stderr goes to a pipe; the child must die by SIGABRT after printing
 * "ohm: contract violation" and what was violated. A control child that
 * keeps every promise must exit normally. (Release behaviour:
 * tests/test_release.c.) */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "util.h"

#ifdef NDEBUG
#error "test_contract.c tests debug builds: compile it without NDEBUG"
#endif

#define OHM_NAME cmap
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#include "ohm_map.h"

#define OHM_NAME cset
#define OHM_KEY uint64_t
#include "ohm_map.h"

/* The children's blocks stay reachable from here, so that valgrind (which
 * checks each aborting child for leaks too) has nothing to report. */
void *volatile blocks[8];
static size_t n_blocks;

static cmap *full_map(uint32_t cap)
{
    ohm_layout l = cmap_layout_for_capacity(cap);
    cmap *m = cmap_init(test_block(cmap_base_align(), l.total_size), l);
    blocks[n_blocks++ % 8] = m;
    for (uint32_t i = 0; i < cmap_max_load(m); i++) cmap_put(m, i, i);
    return m;
}

/* Run fn in a child with stderr captured; returns the wait status and
 * fills out[] with what the child wrote. */
static int run_child(void (*fn)(void), char *out, size_t out_size)
{
    int fds[2];
    if (pipe(fds) != 0) exit(2);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) exit(2);
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        close(fds[1]);
        fn();
        _exit(0); /* the promise was kept, or the violation went unnoticed */
    }
    close(fds[1]);
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fds[0], out + n, out_size - 1 - n);
        if (r <= 0) break;
        n += (size_t)r;
        if (n == out_size - 1) { /* keep draining so the child never blocks */
            char sink[256];
            while (read(fds[0], sink, sizeof sink) > 0) {}
            break;
        }
    }
    out[n] = '\0';
    close(fds[0]);
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) exit(2);
    return status;
}

/* The child must abort with the contract message naming `what`. */
static void expect_abort(const char *name, void (*fn)(void), const char *what)
{
    char out[8192];
    int status = run_child(fn, out, sizeof out);
    bool aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
    bool said = strstr(out, "ohm: contract violation") != NULL && strstr(out, what) != NULL;
    if (!aborted || !said)
        fprintf(stderr, "  %s: %s, stderr was:\n%s\n", name,
                WIFSIGNALED(status) ? "killed by another signal" : "exited normally", out);
    TEST_CHECK(aborted);
    TEST_CHECK(said);
}
#define EXPECT_ABORT(fn, what) expect_abort(#fn, fn, what)

/* ---- the violations ---------------------------------------------------- */

static void put_new_present(void)
{
    cmap *m = full_map(16);
    cmap_remove(m, 3);
    cmap_put_new(m, 5, 0); /* 5 is present (and there is room) */
}
static void put_new_ac_present(void)
{
    cmap *m = full_map(16);
    cmap_remove(m, 3);
    cmap_put_new_assume_capacity(m, 5, 0);
}
static void set_put_new_present(void)
{
    ohm_layout l = cset_layout_for_capacity(8);
    cset *s = cset_init(test_block(cset_base_align(), l.total_size), l);
    blocks[n_blocks++ % 8] = s;
    cset_put(s, 42);
    cset_put_new(s, 42);
}
static void put_ac_full(void) { cmap_put_assume_capacity(full_map(16), 1000, 0); }
static void put_new_ac_full(void) { cmap_put_new_assume_capacity(full_map(16), 1000, 0); }
static void get_or_put_ac_full(void) { cmap_get_or_put_assume_capacity(full_map(16), 1000, NULL); }
static void fetch_put_ac_full(void) { cmap_fetch_put_assume_capacity(full_map(16), 1000, 0, NULL); }
static void put_ac_capacity_zero(void) { cmap_put_assume_capacity(full_map(0), 1, 1); }

static void remove_at_local(void)
{
    uint32_t local = 5;
    cmap_remove_at(full_map(16), &local);
}
static void remove_at_other_map(void)
{
    cmap *a = full_map(16), *b = full_map(16);
    cmap_remove_at(a, cmap_get_key(b, 5));
}
static void remove_at_free_slot(void)
{
    cmap *m = full_map(16);
    uint32_t *k = cmap_get_key(m, 5);
    cmap_remove(m, 5); /* now k points at a free slot (or a moved entry) */
    cmap_clear(m);     /* certainly free */
    cmap_remove_at(m, k);
}
static void remove_at_misaligned(void)
{
    cmap *m = full_map(16);
    char *k = (char *)cmap_get_key(m, 5);
    cmap_remove_at(m, (uint32_t *)(void *)(k + 1));
}
static void remove_at_null(void) { cmap_remove_at(full_map(16), NULL); }
static void remove_at_past_end(void)
{
    cmap *m = full_map(16);
    cmap_remove_at(m, (uint32_t *)(void *)((char *)m + cmap_block_size(m)));
}

static void put_many_null_keys(void)
{
    const uint32_t v[2] = {1, 2};
    cmap_put_many(full_map(16), NULL, v, 2);
}
static void put_many_null_values(void)
{
    const uint32_t k[2] = {1, 2};
    cmap_put_many(full_map(16), k, NULL, 2);
}
static void set_put_many_null_keys(void)
{
    ohm_layout l = cset_layout_for_capacity(8);
    cset *s = cset_init(test_block(cset_base_align(), l.total_size), l);
    blocks[n_blocks++ % 8] = s;
    cset_put_many(s, NULL, 1);
}

/* Iteration over a map changed behind the iterator: the next step aborts
 * (it would skip or repeat entries). */
static cmap *half_map(void)
{
    ohm_layout l = cmap_layout_for_capacity(64);
    cmap *m = cmap_init(test_block(cmap_base_align(), l.total_size), l);
    blocks[n_blocks++ % 8] = m;
    for (uint32_t i = 0; i < 32; i++) cmap_put(m, i, i);
    return m;
}
static void iterate_while_removing(void)
{
    cmap *m = half_map();
    cmap_iter it = cmap_iter_begin(m);
    cmap_entry e;
    while (cmap_iter_next(&it, &e)) cmap_remove(m, *e.key);
}
static void iterate_while_inserting(void)
{
    cmap *m = half_map();
    cmap_iter it = cmap_iter_begin(m);
    cmap_entry e;
    uint32_t k = 1000;
    while (cmap_iter_next(&it, &e)) cmap_put(m, k++, 0);
}
static void iterate_after_clear(void)
{
    cmap *m = half_map();
    cmap_iter it = cmap_iter_begin(m);
    cmap_iter_next(&it, NULL);
    cmap_clear(m);
    cmap_put(m, 1, 1);
    cmap_iter_next(&it, NULL);
}
static void iterate_after_remove_and_insert(void)
{
    cmap *m = half_map(); /* the count is back where it was: still caught */
    cmap_iter it = cmap_iter_begin(m);
    cmap_iter_next(&it, NULL);
    cmap_remove(m, 5);
    cmap_put(m, 500, 0);
    cmap_iter_next(&it, NULL);
}

static void iterate_from_entry_after_insert(void)
{
    cmap *m = half_map(); /* an iterator of N_iter_at, changed before its first step */
    cmap_iter it = cmap_iter_at(m, cmap_get_entry(m, 5));
    cmap_put(m, 1000, 0);
    cmap_iter_next(&it, NULL);
}

/* A child that keeps every promise: exits normally, says nothing. */
static void all_promises_kept(void)
{
    cmap *m = full_map(16);
    cmap_remove(m, 3);
    cmap_put_new(m, 3, 3);
    cmap_remove(m, 3);
    cmap_put_assume_capacity(m, 3, 3);
    cmap_put_assume_capacity(m, 3, 4); /* present: no room needed */
    cmap_get_or_put_assume_capacity(m, 4, NULL);
    cmap_fetch_put_assume_capacity(m, 4, 1, NULL);
    cmap_remove_at(m, cmap_get_key(m, 7));
    cmap_put_new_assume_capacity(m, 7, 7);
    cmap_put_many(m, NULL, NULL, 0); /* an empty batch may be NULL */
    /* Writing values, overwriting present keys and failed inserts or
     * removals during iteration change no entry: no abort. */
    cmap_iter it = cmap_iter_begin(m);
    cmap_entry e;
    while (cmap_iter_next(&it, &e)) {
        *e.value += 1;
        cmap_put(m, *e.key, 9);
        cmap_put(m, 99999, 0); /* full: OHM_FULL */
        cmap_remove(m, 88888); /* absent */
    }
    /* A new iteration after the changes is fine. */
    cmap_remove(m, 3);
    it = cmap_iter_begin(m);
    while (cmap_iter_next(&it, &e)) {}
}

static void debug_builds_abort(void)
{
    EXPECT_ABORT(put_new_present, "put_new");
    EXPECT_ABORT(put_new_ac_present, "put_new");
    EXPECT_ABORT(set_put_new_present, "put_new");
    EXPECT_ABORT(put_ac_full, "put_assume_capacity");
    EXPECT_ABORT(put_new_ac_full, "put_new_assume_capacity");
    EXPECT_ABORT(get_or_put_ac_full, "get_or_put_assume_capacity");
    EXPECT_ABORT(fetch_put_ac_full, "fetch_put_assume_capacity");
    EXPECT_ABORT(put_ac_capacity_zero, "put_assume_capacity");
    EXPECT_ABORT(remove_at_local, "remove_at");
    EXPECT_ABORT(remove_at_other_map, "remove_at");
    EXPECT_ABORT(remove_at_free_slot, "remove_at");
    EXPECT_ABORT(remove_at_misaligned, "remove_at");
    EXPECT_ABORT(remove_at_null, "remove_at");
    EXPECT_ABORT(remove_at_past_end, "remove_at");
    EXPECT_ABORT(put_many_null_keys, "put_many");
    EXPECT_ABORT(put_many_null_values, "put_many");
    EXPECT_ABORT(set_put_many_null_keys, "put_many");
    EXPECT_ABORT(iterate_while_removing, "iter_next");
    EXPECT_ABORT(iterate_while_inserting, "iter_next");
    EXPECT_ABORT(iterate_after_clear, "iter_next");
    EXPECT_ABORT(iterate_after_remove_and_insert, "iter_next");
    EXPECT_ABORT(iterate_from_entry_after_insert, "iter_next");
}

static void promises_kept_do_not_abort(void)
{
    char out[4096];
    int status = run_child(all_promises_kept, out, sizeof out);
    TEST_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    TEST_CHECK(strstr(out, "contract violation") == NULL);
}

int main(void)
{
    RUN(debug_builds_abort);
    RUN(promises_kept_do_not_abort);
    return test_finish();
}
