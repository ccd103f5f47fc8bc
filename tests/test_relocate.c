/* test_relocate.c - the headline feature: a block is a map wherever its
 * bytes are. A map is built, copied to other addresses (including ones
 * that differ modulo the page size), the original poisoned and freed, and
 * the copy fully checked and then mutated; the block is written to a file
 * and a forked child maps it (MAP_PRIVATE and MAP_SHARED) at whatever
 * address the kernel picks, verifies every entry and changes it; the
 * parent reads the file back and sees exactly the shared change. Lookups
 * also run on a read-only mapping, so they provably write nothing. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "util.h"

#define OHM_NAME rmap
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#include "ohm_map.h"

#define OHM_NAME rset
#define OHM_KEY uint32_t
#include "ohm_map.h"

/* Keys 0..N_KEYS-1 go in, every third comes out again: the block then has
 * moved entries and stale bytes, as a real one would. */
#define CAP 1024u
#define N_KEYS 900u
static uint64_t key_of(uint32_t i) { return (uint64_t)i * 0x9e3779b97f4a7c15u ^ 0x5555; }
static uint64_t val_of(uint32_t i) { return (uint64_t)i * 3 + 1; }
static bool kept(uint32_t i) { return i % 3 != 0; }

static rmap *build_map(void *buf)
{
    ohm_layout l = rmap_layout_for_capacity(CAP);
    rmap *m = rmap_init_ex(buf, l, 0xabcdef, 90);
    for (uint32_t i = 0; i < N_KEYS; i++) TEST_STATUS(rmap_put(m, key_of(i), val_of(i)), OHM_OK);
    for (uint32_t i = 0; i < N_KEYS; i++)
        if (!kept(i)) TEST_CHECK(rmap_remove(m, key_of(i)));
    rmap_set_user(m, 0x0123456789);
    return m;
}

/* Everything a reader can check; returns true when all held. */
static bool verify_map(const rmap *m)
{
    int before = test__failed_checks;
    TEST_STATUS(rmap_check(m), OHM_OK);
    TEST_STATUS(rmap_validate(m, rmap_block_size(m)), OHM_OK);
    TEST_EQ_U(rmap_capacity(m), CAP);
    TEST_EQ_U(rmap_seed(m), 0xabcdef);
    TEST_EQ_U(rmap_user(m), 0x0123456789);
    uint32_t want = 0;
    for (uint32_t i = 0; i < N_KEYS; i++) {
        const uint64_t *v = rmap_get(m, key_of(i));
        TEST_EQ_U(v != NULL, kept(i));
        if (v) TEST_EQ_U(*v, val_of(i));
        want += kept(i);
    }
    for (uint32_t i = N_KEYS; i < N_KEYS + 200; i++) TEST_CHECK(!rmap_contains(m, key_of(i)));
    TEST_EQ_U(rmap_count(m), want);
    rmap_iter it = rmap_iter_begin(m);
    rmap_entry e;
    uint32_t n = 0;
    while (rmap_iter_next(&it, &e)) {
        TEST_CHECK((const char *)e.key > (const char *)m &&
                   (const char *)e.key < (const char *)m + rmap_block_size(m));
        n++;
    }
    TEST_EQ_U(n, want);
    return test__failed_checks == before;
}

/* Changes made to a copy: removals, overwrites, inserts up to the limit. */
static void mutate_and_verify(rmap *m)
{
    for (uint32_t i = 1; i < N_KEYS; i += 3) TEST_CHECK(rmap_remove(m, key_of(i)));
    for (uint32_t i = 2; i < N_KEYS; i += 3) TEST_STATUS(rmap_put(m, key_of(i), 7), OHM_FOUND);
    uint32_t i = N_KEYS;
    while (rmap_count(m) < rmap_max_load(m)) TEST_STATUS(rmap_put(m, key_of(i++), 9), OHM_OK);
    TEST_STATUS(rmap_put(m, key_of(i), 9), OHM_FULL);
    TEST_STATUS(rmap_check(m), OHM_OK);
    for (uint32_t j = 0; j < i; j++) {
        const uint64_t *v = rmap_get(m, key_of(j));
        bool here = j >= N_KEYS || j % 3 == 2;
        TEST_EQ_U(v != NULL, here);
        if (v) TEST_EQ_U(*v, j >= N_KEYS ? 9 : 7);
    }
}

static void memcpy_to_other_addresses(void)
{
    static const size_t offsets[] = {0, 8, 24, 64, 4000, 4096 + 8, 3 * 4096 + 4040};
    size_t size = rmap_layout_for_capacity(CAP).total_size;
    for (size_t o = 0; o < sizeof offsets / sizeof offsets[0]; o++) {
        size_t off = offsets[o];
        TEST_EQ_U(off % rmap_base_align(), 0);
        void *orig_buf = test_block(rmap_base_align(), size);
        rmap *orig = build_map(orig_buf);
        TEST_CHECK(verify_map(orig));
        unsigned char *page = test_block(4096, off + size);
        memcpy(page + off, orig, size);
        /* The original is gone: poisoned, then freed. */
        memset(orig_buf, 0xAA, size);
        free(orig_buf);
        rmap *copy = (rmap *)(void *)(page + off);
        TEST_CHECK(rmap_at(page, off) == copy);
        TEST_CHECK(verify_map(copy));
        mutate_and_verify(copy);
        /* And once more, a copy of the mutated copy. */
        unsigned char *again = test_block(rmap_base_align(), size + 16);
        memcpy(again + 16, copy, size);
        memset(page, 0xAA, off + size);
        TEST_STATUS(rmap_check((rmap *)(void *)(again + 16)), OHM_OK);
        TEST_EQ_U(*rmap_get((rmap *)(void *)(again + 16), key_of(N_KEYS)), 9);
        free(again);
        free(page);
        if (test_failing()) {
            fprintf(stderr, "  at offset %zu\n", off);
            return;
        }
    }
}

/* A set moves the same way; memmove within one buffer (overlapping). */
static void memmove_overlapping(void)
{
    ohm_layout l = rset_layout_for_capacity(256);
    unsigned char *buf = test_block(64, l.total_size + 512);
    rset *s = rset_init(buf, l);
    for (uint32_t k = 0; k < 200; k++) TEST_STATUS(rset_put(s, k * 7919u), OHM_OK);
    for (size_t shift = 8; shift <= 512; shift *= 4) {
        memmove(buf + shift, buf, l.total_size); /* forward, overlapping */
        rset *t = (rset *)(void *)(buf + shift);
        TEST_STATUS(rset_check(t), OHM_OK);
        for (uint32_t k = 0; k < 200; k++) TEST_CHECK(rset_contains(t, k * 7919u));
        memmove(buf, buf + shift, l.total_size); /* and back */
        TEST_STATUS(rset_check((rset *)(void *)buf), OHM_OK);
    }
    free(buf);
}

/* ------------------------------------------------------------------------
 * A file round trip, mapped by a child at an address of the kernel's
 * choosing.
 * ---------------------------------------------------------------------- */

static bool write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w <= 0) return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

static bool read_all(int fd, void *p, size_t n)
{
    char *c = p;
    while (n) {
        ssize_t r = read(fd, c, n);
        if (r <= 0) return false;
        c += r;
        n -= (size_t)r;
    }
    return true;
}

#define SHARED_GONE 1u    /* removed through the MAP_SHARED view */
#define SHARED_NEW 100000u /* inserted through it */
#define PRIVATE_NEW 200000u /* inserted through the MAP_PRIVATE view only */

/* The child: map the file twice, check everything, change both views. */
static int child_maps(const char *path, size_t size)
{
    int fd = open(path, O_RDWR);
    if (fd < 0) return 10;
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) return 11;
    rmap *m = NULL;
    TEST_STATUS(rmap_attach(p, size, &m), OHM_OK);
    if (!m || !verify_map(m)) return 12;
    TEST_STATUS(rmap_put(m, key_of(PRIVATE_NEW), 1), OHM_OK);
    TEST_CHECK(rmap_remove(m, key_of(2)));
    TEST_STATUS(rmap_check(m), OHM_OK);
    munmap(p, size);

    void *q = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (q == MAP_FAILED) return 13;
    m = NULL;
    TEST_STATUS(rmap_attach(q, size, &m), OHM_OK);
    if (!m || !verify_map(m)) return 14; /* the private change is not here */
    TEST_CHECK(rmap_remove(m, key_of(SHARED_GONE)));
    TEST_STATUS(rmap_put(m, key_of(SHARED_NEW), 42), OHM_OK);
    TEST_STATUS(rmap_check(m), OHM_OK);
    if (msync(q, size, MS_SYNC) != 0) return 15;
    munmap(q, size);
    close(fd);
    return test_failing() ? 16 : 0;
}

static void file_round_trip_mmap(void)
{
    size_t size = rmap_layout_for_capacity(CAP).total_size;
    void *buf = test_block(rmap_base_align(), size);
    build_map(buf);
    char path[] = "/tmp/ohm_test_relocate_XXXXXX";
    int fd = mkstemp(path);
    TEST_CHECK(fd >= 0);
    if (fd < 0) {
        free(buf);
        return;
    }
    TEST_CHECK(write_all(fd, buf, size));
    close(fd);
    memset(buf, 0xAA, size);

    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int rc = child_maps(path, size);
        free(buf); /* (valgrind checks the child for leaks too) */
        _exit(rc);
    }
    TEST_CHECK(pid > 0);
    int status = 0;
    TEST_CHECK(waitpid(pid, &status, 0) == pid);
    TEST_CHECK(WIFEXITED(status));
    TEST_EQ_U(WEXITSTATUS(status), 0);

    /* Read back: the shared view's changes are in the file, the private
     * view's are not. */
    fd = open(path, O_RDONLY);
    TEST_CHECK(fd >= 0);
    TEST_CHECK(read_all(fd, buf, size));
    close(fd);
    rmap *m = buf;
    TEST_STATUS(rmap_validate(buf, size), OHM_OK);
    TEST_CHECK(!rmap_contains(m, key_of(SHARED_GONE)));
    TEST_EQ_U(*rmap_get(m, key_of(SHARED_NEW)), 42);
    TEST_CHECK(!rmap_contains(m, key_of(PRIVATE_NEW)));
    TEST_EQ_U(*rmap_get(m, key_of(2)), val_of(2));

    /* A read-only mapping: every lookup works and writes nothing (a write
     * would fault). */
    fd = open(path, O_RDONLY);
    const void *ro = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    TEST_CHECK(ro != MAP_FAILED);
    if (ro != MAP_FAILED) {
        const rmap *r = ro;
        TEST_STATUS(rmap_validate(ro, size), OHM_OK);
        TEST_STATUS(rmap_check(r), OHM_OK);
        TEST_EQ_U(*rmap_get(r, key_of(SHARED_NEW)), 42);
        for (uint32_t i = 3; i < N_KEYS; i++) TEST_EQ_U(rmap_contains(r, key_of(i)), kept(i));
        rmap_iter it = rmap_iter_begin(r);
        uint32_t n = 0;
        while (rmap_iter_next(&it, NULL)) n++;
        TEST_EQ_U(n, rmap_count(r));
        munmap((void *)(uintptr_t)ro, size);
    }
    close(fd);
    unlink(path);
    free(buf);
}

int main(void)
{
    RUN(memcpy_to_other_addresses);
    RUN(memmove_overlapping);
    RUN(file_round_trip_mmap);
    return test_finish();
}
