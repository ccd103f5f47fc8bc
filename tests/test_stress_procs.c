/* test_stress_procs.c - several processes mutating one shared map under a
 * process-shared lock for a bounded time, then "nothing was lost".
 *
 * PROCS child processes share one MAP_SHARED block:
 *
 *     [ control: robust process-shared mutex | reports[PROCS] | map ]
 *
 * Each child owns a key range and keeps, in its own private memory, what
 * it expects of that range (present or not, and the value). Until the
 * deadline it takes the lock, does a few random operations on its keys
 * (put, fetch_put, put_new, get_or_put, fetch_remove, remove_at, get) and
 * checks every result against its expectation, releases the lock, and
 * repeats. The phases alternate between mostly-insert and mostly-remove,
 * so the table swings between about 30% and 90% full and the children's
 * clusters interleave: one child's removal shifts back other children's
 * entries, which is where an error would lose or duplicate someone else's
 * key. Every so often a child checks the whole map (N_check) and its whole
 * range. At the end each child writes its expectations into its report.
 *
 * The parent then checks, alone: N_check, every key each child reported
 * present is there with the right value, every key reported absent is not,
 * and the map holds nothing else.
 *
 * Bounded time: test_scale(6000) ms per child (OHM_TEST_SCALE); no
 * assertion depends on how many operations fit in that time.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "robust.h"
#include "test.h"

/* 4000 keys in 4096 slots must never be refused: every slot may be
 * filled (the default maximum load, 88, would refuse some). */
#define OHM_NAME pmap
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

enum {
    PROCS = 4,
    RANGE = 1000,       /* keys per process */
    CAPACITY = 4096,    /* PROCS * RANGE keys could fill 98% of it */
    PHASE_OPS = 3000,   /* operations per insert-heavy or remove-heavy phase */
    FULL_CHECK_EVERY = 1000,
};

typedef struct report {
    uint64_t ops, full_checks, mismatches;
    uint32_t done, present_count;
    uint8_t present[RANGE];
    uint64_t value[RANGE];
} report;

typedef struct ctl {
    pthread_mutex_t lock; /* process-shared, robust; guards the map */
    uint32_t owner_died;  /* set when a locker got EOWNERDEAD */
    uint32_t max_count;   /* the fullest the map was seen */
    int32_t last_holder;  /* the child that held the lock last */
    uint64_t handoffs;    /* times the lock went to another child */
    uint64_t reports_off, map_off;
} ctl;

static pmap *map_of(ctl *c) { return pmap_at(c, c->map_off); }
static report *report_of(ctl *c, int i) { return OHM_AT(report, c, c->reports_off) + i; }

/* Process p's key j: the process in the high bits, so that the ranges
 * interleave in the table only through hashing. */
static uint64_t key(int p, uint32_t j) { return (uint64_t)(p + 1) << 40 | j; }

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static bool lock(ctl *c)
{
    int rc = pthread_mutex_lock(&c->lock);
    if (rc == EOWNERDEAD) { /* a child died mid-operation: the run fails */
        c->owner_died = 1;
        pthread_mutex_consistent(&c->lock);
        return true;
    }
    return rc == 0;
}

static void unlock(ctl *c) { pthread_mutex_unlock(&c->lock); }

/* ------------------------------------------------------------------------
 * One child: random operations on its own keys, each result checked
 * against the private expectation.
 * ---------------------------------------------------------------------- */

typedef struct child {
    int id;
    uint64_t rng;
    bool present[RANGE]; /* private: what this process expects */
    uint64_t value[RANGE];
    uint32_t count;
    uint64_t ops, mismatches, full_checks;
} child;

static void expect(child *ch, bool ok, const char *what, uint32_t j)
{
    if (ok) return;
    if (ch->mismatches++ < 5)
        fprintf(stderr, "  child %d: %s wrong for key %u (op %llu)\n", ch->id, what, (unsigned)j,
                (unsigned long long)ch->ops);
}

/* One random operation on key j; the caller holds the lock. */
static void one_op(child *ch, pmap *m, bool insert_phase)
{
    uint64_t r = test_rand(&ch->rng);
    uint32_t j = (uint32_t)(r % RANGE);
    uint64_t k = key(ch->id, j), v = test_rand(&ch->rng);
    bool had = ch->present[j];
    unsigned kind = (unsigned)(r >> 32) % 16, variant = (unsigned)(r >> 40);
    /* insert-heavy: 15 of 16 insert; remove-heavy: 15 of 16 remove */
    bool insert = insert_phase ? kind < 15 : kind == 15;
    if (insert) {
        switch (variant % 4) {
        case 0: {
            ohm_status st = pmap_put(m, k, v);
            expect(ch, st == (had ? OHM_FOUND : OHM_OK), "put", j);
            break;
        }
        case 1: {
            pmap_kv old = {0, 0};
            ohm_status st = pmap_fetch_put(m, k, v, &old);
            expect(ch, st == (had ? OHM_FOUND : OHM_OK), "fetch_put status", j);
            if (had) expect(ch, old.key == k && old.value == ch->value[j], "fetch_put old", j);
            break;
        }
        case 2: {
            pmap_entry e;
            ohm_status st = pmap_get_or_put(m, k, &e);
            expect(ch, st == (had ? OHM_FOUND : OHM_OK) && e.key && *e.key == k, "get_or_put", j);
            if (st == OHM_FOUND) expect(ch, *e.value == ch->value[j], "get_or_put value", j);
            if (e.value) *e.value = v;
            break;
        }
        default:
            if (had) {
                ohm_status st = pmap_put(m, k, v);
                expect(ch, st == OHM_FOUND, "put (overwrite)", j);
            } else {
                expect(ch, pmap_put_new(m, k, v) == OHM_OK, "put_new", j);
            }
        }
        if (!had) ch->count++;
        ch->present[j] = true;
        ch->value[j] = v;
    } else {
        switch (variant % 3) {
        case 0: {
            pmap_kv old = {0, 0};
            bool removed = pmap_fetch_remove(m, k, &old);
            expect(ch, removed == had, "fetch_remove", j);
            if (had && removed) expect(ch, old.key == k && old.value == ch->value[j], "fetch_remove old", j);
            break;
        }
        case 1: {
            uint64_t *kp = pmap_get_key(m, k);
            expect(ch, (kp != NULL) == had, "get_key", j);
            if (kp) pmap_remove_at(m, kp);
            break;
        }
        default: {
            const uint64_t *got = pmap_get(m, k);
            expect(ch, (got != NULL) == had && (!got || *got == ch->value[j]), "get", j);
            if (had) expect(ch, pmap_remove(m, k), "remove", j);
        }
        }
        if (had) ch->count--;
        ch->present[j] = false;
    }
    ch->ops++;
}

/* The whole map sound, and the whole range as expected; under the lock. */
static void full_check(child *ch, pmap *m)
{
    expect(ch, pmap_check(m) == OHM_OK, "check", 0);
    for (uint32_t j = 0; j < RANGE; j++) {
        const uint64_t *v = pmap_get(m, key(ch->id, j));
        expect(ch, (v != NULL) == ch->present[j] && (!v || *v == ch->value[j]), "range", j);
    }
    ch->full_checks++;
}

static int run_child(ctl *c, int id, uint64_t seed, double seconds)
{
    static child ch; /* private memory: this process's copy */
    memset(&ch, 0, sizeof ch);
    ch.id = id;
    ch.rng = seed * 0x9e3779b97f4a7c15u + (uint64_t)id;
    pmap *m = map_of(c);
    double end = now() + seconds;
    uint64_t next_full = FULL_CHECK_EVERY;
    while (now() < end) {
        if (!lock(c)) return 9;
        if (c->last_holder != id) {
            c->handoffs++;
            c->last_holder = id;
        }
        unsigned batch = 1 + (unsigned)(test_rand(&ch.rng) % 8); /* hold it a varying time */
        for (unsigned b = 0; b < batch; b++) one_op(&ch, m, (ch.ops / PHASE_OPS) % 2 == 0);
        if (pmap_count(m) > c->max_count) c->max_count = pmap_count(m);
        if (ch.ops >= next_full) {
            full_check(&ch, m);
            next_full += FULL_CHECK_EVERY;
        }
        unlock(c);
    }
    if (!lock(c)) return 9;
    full_check(&ch, m); /* the last word on this range, under the lock */
    unlock(c);
    /* The report: this process's expectations, for the parent to check. */
    report *r = report_of(c, id);
    for (uint32_t j = 0; j < RANGE; j++) {
        r->present[j] = ch.present[j];
        r->value[j] = ch.value[j];
    }
    r->present_count = ch.count;
    r->ops = ch.ops;
    r->full_checks = ch.full_checks;
    r->mismatches = ch.mismatches;
    r->done = 1;
    return ch.mismatches ? 1 : 0;
}

/* ------------------------------------------------------------------------
 * The parent.
 * ---------------------------------------------------------------------- */

static uint64_t run_seed = 1;

static void procs_lose_nothing(void)
{
    ohm_layout l = pmap_layout_for_capacity(CAPACITY);
    ohm_plan p = ohm_plan_init();
    ohm_plan_add(&p, sizeof(ctl), _Alignof(ctl));
    uint64_t reports_off = ohm_plan_add(&p, PROCS * sizeof(report), _Alignof(report));
    uint64_t map_off = ohm_plan_add_map(&p, l, pmap_base_align());
    size_t size = (size_t)((p.size + 4095) & ~(uint64_t)4095);
    TEST_CHECK(!p.failed);
    ctl *c = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    TEST_CHECK(c != MAP_FAILED);
    if (c == MAP_FAILED) return;
    c->reports_off = reports_off;
    c->map_off = map_off;
    c->last_holder = -1;
    TEST_CHECK(test_robust_mutex_init(&c->lock));
    pmap *m = pmap_init_seeded(ohm_ptr(c, map_off), l, run_seed);
    TEST_CHECK(m != NULL);
    if (!m) return;

    double seconds = (double)test_scale(6000) / 1000.0;
    printf("  %d processes, %d keys each, %u slots, %.1f s each\n", PROCS, RANGE,
           (unsigned)CAPACITY, seconds);
    pid_t pid[PROCS];
    for (int i = 0; i < PROCS; i++) {
        fflush(NULL);
        pid[i] = fork();
        TEST_CHECK(pid[i] >= 0);
        if (pid[i] == 0) _exit(run_child(c, i, run_seed, seconds));
    }
    /* Wait, but not forever: a deadlocked child is killed (by its pid). */
    double give_up = now() + seconds + 120;
    int exited_ok = 0;
    for (int i = 0; i < PROCS; i++) {
        int st = -1;
        pid_t w = 0;
        while (pid[i] > 0 && (w = waitpid(pid[i], &st, WNOHANG)) == 0 && now() < give_up) {
            struct timespec t = {0, 20 * 1000 * 1000};
            nanosleep(&t, NULL);
        }
        if (pid[i] > 0 && w == 0) {
            fprintf(stderr, "  child %d did not finish: killed\n", i);
            kill(pid[i], SIGKILL);
            waitpid(pid[i], &st, 0);
        }
        bool ok = w == pid[i] && WIFEXITED(st) && WEXITSTATUS(st) == 0;
        if (!ok) fprintf(stderr, "  child %d: status %#x\n", i, (unsigned)st);
        exited_ok += ok;
    }
    TEST_EQ_U(exited_ok, PROCS);
    TEST_EQ_U(c->owner_died, 0);

    /* Alone now: the map against every child's report. */
    TEST_STATUS(pmap_check(m), OHM_OK);
    uint64_t total_ops = 0, expected = 0, found_right = 0, absent_right = 0, checks = 0;
    for (int i = 0; i < PROCS; i++) {
        const report *r = report_of(c, i);
        TEST_EQ_U(r->done, 1);
        TEST_EQ_U(r->mismatches, 0);
        printf("  child %d: %llu operations, %llu full checks, %u keys present at the end\n", i,
               (unsigned long long)r->ops, (unsigned long long)r->full_checks,
               (unsigned)r->present_count);
        total_ops += r->ops;
        checks += r->full_checks;
        uint32_t n = 0;
        for (uint32_t j = 0; j < RANGE; j++) {
            const uint64_t *v = pmap_get(m, key(i, j));
            if (r->present[j]) {
                n++;
                found_right += v != NULL && *v == r->value[j];
            } else {
                absent_right += v == NULL;
            }
        }
        TEST_EQ_U(n, r->present_count);
        expected += n;
    }
    TEST_EQ_U(found_right, expected);
    TEST_EQ_U(absent_right, (uint64_t)PROCS * RANGE - expected);
    TEST_EQ_U(pmap_count(m), expected);
    /* Nothing extra: every entry is some child's key, reported present. */
    unsigned strays = 0, entries = 0;
    pmap_iter it = pmap_iter_begin(m);
    pmap_entry e;
    while (pmap_iter_next(&it, &e)) {
        entries++;
        uint64_t owner = *e.key >> 40, j = *e.key & ((1ull << 40) - 1);
        strays += owner < 1 || owner > PROCS || j >= RANGE || !report_of(c, (int)owner - 1)->present[j];
    }
    TEST_EQ_U(strays, 0);
    TEST_EQ_U(entries, expected);
    printf("  %llu operations in all, %llu full checks, the lock changed hands %llu times; "
           "the map peaked at %u entries (%.0f%%) and ends with %llu, all accounted for\n",
           (unsigned long long)total_ops, (unsigned long long)checks,
           (unsigned long long)c->handoffs, (unsigned)c->max_count,
           100.0 * c->max_count / CAPACITY, (unsigned long long)expected);
    pthread_mutex_destroy(&c->lock);
    munmap(c, size);
}

int main(int argc, char **argv)
{
    run_seed = test_seed(argc, argv, 1);
    RUN(procs_lose_nothing);
    return test_finish();
}
