/* shared_rw.c - one writer and one reader process sharing a map in
 * MAP_SHARED memory: lock-free readers (N_read) against readers that take
 * the writers' lock, a robust process-shared pthread mutex, around each
 * lookup.
 *
 * The map: uint64_t -> uint64_t, 65536 slots, 48000 of 64000 keys present
 * (73%). The writer churns: puts an absent key, removes a present one
 * (one time in three) or overwrites it, one mutation per lock hold, or
 * BATCH (an environment variable, a divisor of 64) per hold (every mode
 * takes the lock, as writers must exclude each other). The
 * reader looks up random keys of the 64000 (three in four present).
 * Each mode runs SECONDS (default 2) with the writer on CPU 0 and the
 * reader on CPU 1 where the machine allows it:
 *   writer alone          mutations a second
 *   lock-free reader alone
 *   writer + lock-free reader
 *   writer + mutex reader
 *   writer + reader of a private copy (the control: the reader does the
 *     same lookups on a copy of the map no writer touches, so what the
 *     writer loses here is the machine's cost, not the map's)
 *   writer + lock-free reader doing other work: WORK steps of
 *     arithmetic (default 256, about 0.5 us here) between lookups, as a
 *     reader that uses its answers would
 *   usage: [BATCH=n] [WORK=w] build/bench/shared_rw [SECONDS]     (make bench-shared)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Laid out for exactly C slots and filled to a load of C, as the
 * workload of bench/README.md: every slot may be filled. */
#define OHM_NAME bmap
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

enum { CAP = 65536, KEYS = 64000, PRESENT = 48000 };

typedef struct ctl {
    pthread_mutex_t lock;
    /* on a line of their own: the paced reader reads `stop` between its
     * lookups, and must not take the lock's line from the writer */
    _Alignas(64) uint32_t stop, go;
    uint64_t reads, hits, writes;
    uint64_t map_off;
} ctl;

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}
static uint64_t key(uint32_t j) { return (uint64_t)j * 0x9e3779b97f4a7c15u + 1; }

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void pin(int cpu)
{
#ifdef __linux__
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    (void)sched_setaffinity(0, sizeof set, &set); /* where allowed */
#else
    (void)cpu;
#endif
}

static void lock(ctl *c)
{
    if (pthread_mutex_lock(&c->lock) == EOWNERDEAD) pthread_mutex_consistent(&c->lock);
}

static int batch = 1; /* mutations a lock hold: a divisor of 64 */

static void writer(ctl *c)
{
    pin(0);
    bmap *m = bmap_at(c, c->map_off);
    uint64_t s = 42, n = 0;
    /* present[j]: kept by the writer alone */
    static uint8_t present[KEYS];
    for (uint32_t j = 0; j < PRESENT; j++) present[j] = 1;
    while (!__atomic_load_n(&c->go, __ATOMIC_ACQUIRE)) {
    }
    while (!__atomic_load_n(&c->stop, __ATOMIC_RELAXED)) {
        for (int i = 0; i < 64; i++, n++) {
            /* an absent key is put; a present one removed one time in
             * three, else overwritten: three in four keys stay present */
            uint64_t r = rnd(&s);
            uint32_t j = (uint32_t)(r % KEYS);
            if (i % batch == 0) lock(c);
            if (!present[j] || (r >> 32) % 3 != 0) {
                bmap_put(m, key(j), r);
                present[j] = 1;
            } else {
                bmap_remove(m, key(j));
                present[j] = 0;
            }
            if (i % batch == batch - 1) pthread_mutex_unlock(&c->lock);
        }
    }
    c->writes = n;
}

static long work = 256; /* the busy reader's steps between lookups */
static volatile uint64_t work_sink;

static void reader(ctl *c, bool locked, bool private_copy, bool paced)
{
    pin(1);
    const bmap *m = bmap_at(c, c->map_off);
    if (private_copy) {
        size_t size = bmap_block_size(m);
        void *copy = aligned_alloc(bmap_base_align(), size);
        if (copy == NULL) exit(1);
        memcpy(copy, m, size);
        m = copy;
    }
    uint64_t s = 7, n = 0, hits = 0, v;
    while (!__atomic_load_n(&c->go, __ATOMIC_ACQUIRE)) {
    }
    while (!__atomic_load_n(&c->stop, __ATOMIC_RELAXED)) {
        if (paced) { /* the other work: arithmetic on the reader's own registers */
            uint64_t w = s;
            for (long i = 0; i < work; i++) w = w * 0x9e3779b97f4a7c15u + (w >> 29);
            work_sink = w;
        }
        for (int i = 0; i < (paced ? 1 : 256); i++) {
            uint64_t k = key((uint32_t)(rnd(&s) % KEYS));
            if (locked) {
                lock(c);
                const uint64_t *p = bmap_get(m, k);
                hits += p != NULL;
                pthread_mutex_unlock(&c->lock);
            } else {
                hits += bmap_read(m, k, &v) == OHM_FOUND;
            }
        }
        n += paced ? 1 : 256;
    }
    c->reads = n;
    c->hits = hits;
}

/* One mode: fork the writer and/or the reader, run, stop, report. */
static void mode(const char *name, ctl *c, bool with_writer, int reader_kind, double secs)
{
    c->stop = c->go = 0;
    c->reads = c->hits = c->writes = 0;
    pid_t w = -1, r = -1;
    fflush(NULL);
    if (with_writer && (w = fork()) == 0) {
        writer(c);
        _exit(0);
    }
    if (reader_kind && (r = fork()) == 0) {
        reader(c, reader_kind == 2, reader_kind == 3, reader_kind == 4);
        _exit(0);
    }
    usleep(100000);
    __atomic_store_n(&c->go, 1, __ATOMIC_RELEASE);
    double t0 = now();
    usleep((useconds_t)(secs * 1e6));
    __atomic_store_n(&c->stop, 1, __ATOMIC_RELAXED);
    if (w > 0) waitpid(w, NULL, 0);
    if (r > 0) waitpid(r, NULL, 0);
    double t = now() - t0;
    printf("%-30s", name);
    if (reader_kind) printf("  reader %7.2f M lookups/s (%.0f%% hits)", (double)c->reads / t / 1e6,
                            c->reads ? 100.0 * (double)c->hits / (double)c->reads : 0.0);
    if (with_writer) printf("  writer %6.2f M mutations/s", (double)c->writes / t / 1e6);
    printf("\n");
    bmap *m = bmap_at(c, c->map_off);
    if (bmap_check(m) != OHM_OK) {
        fprintf(stderr, "the map fails N_check after %s\n", name);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? strtod(argv[1], NULL) : 2.0;
    const char *b = getenv("BATCH");
    if (b) batch = atoi(b);
    if (batch < 1 || 64 % batch != 0) {
        fprintf(stderr, "shared_rw: BATCH must divide 64\n");
        return 2;
    }
    const char *wk = getenv("WORK");
    if (wk) work = atol(wk);
    if (work < 0 || work > 100000000) {
        fprintf(stderr, "shared_rw: WORK must be 0 to 1e8 steps\n");
        return 2;
    }
    ohm_plan p = ohm_plan_init();
    ohm_plan_add(&p, sizeof(ctl), _Alignof(ctl));
    uint64_t map_off = ohm_plan_add_map(&p, bmap_layout_for_capacity(CAP), bmap_base_align());
    size_t size = (size_t)p.size;
    ctl *c = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (c == MAP_FAILED) return 1;
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&c->lock, &a);
    c->map_off = map_off;
    bmap *m = bmap_init(ohm_ptr(c, map_off), bmap_layout_for_capacity(CAP));
    for (uint32_t j = 0; j < PRESENT; j++) bmap_put(m, key(j), j);
    printf("shared map: %d slots, %d of %d keys present; %.1f s a mode; %d mutation%s a lock hold; %ld CPUs online\n", CAP,
           PRESENT, KEYS, secs, batch, batch == 1 ? "" : "s", sysconf(_SC_NPROCESSORS_ONLN));
    mode("writer alone", c, true, 0, secs);
    mode("lock-free reader alone", c, false, 1, secs);
    mode("mutex reader alone", c, false, 2, secs);
    mode("writer + lock-free reader", c, true, 1, secs);
    mode("writer + mutex reader", c, true, 2, secs);
    mode("writer + reader of a private copy", c, true, 3, secs);
    char paced[64];
    snprintf(paced, sizeof paced, "writer + reader, work %ld", work);
    mode(paced, c, true, 4, secs);
    return 0;
}
