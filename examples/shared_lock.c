/* shared_lock.c - one map shared by processes: writers take a robust
 * mutex, readers take nothing, and a writer that dies is repaired after.
 *
 *     [ the mutex | map: key -> value ]   one MAP_SHARED block (ohm_plan)
 *
 * The protocol (docs/concurrency.md):
 *   - one writer at a time, under a process-shared robust mutex;
 *   - any number of readers, without the lock: N_read copies a value out
 *     (OHM_FOUND / OHM_ABSENT), N_read_begin / N_read_end tell a group of
 *     reads that no write came between;
 *   - a writer that dies holding the mutex: the next locker gets
 *     EOWNERDEAD, calls N_recover, then pthread_mutex_consistent;
 *   - a reader that gets OHM_BUSY (a write stayed unfinished for
 *     OHM_READ_WAIT_MS) takes the lock, which recovers the map if its
 *     writer died, and reads again.
 *
 * Two accounts, keys 1 and 2, sum to 1000; a writer moves money between
 * them (two puts a transfer) while two readers check what a section of
 * reads promises. Then a writer dies in the
 * middle of a bulk removal, and a reader finds out and repairs the map.
 * The output does not depend on timing.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE                /* MAP_ANONYMOUS (glibc) */
#define OHM_READ_WAIT_MS 50u           /* how long a reader waits for a writer: short here */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ohm.h"

#define OHM_NAME table
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#include "ohm_map.h"

enum { KEYS = 1000, TRANSFERS = 20000, READERS = 2 };

typedef struct shared {
    pthread_mutex_t lock; /* robust, process-shared: the writers' lock */
    uint64_t map_off;
    uint32_t done;        /* the writer finished (readers stop) */
} shared;

static table *map_of(shared *s) { return table_at(s, s->map_off); }

/* The writers' lock. A dead owner may have left a write half done:
 * N_recover finishes or undoes it, then the mutex is usable again. */
static void lock(shared *s)
{
    if (pthread_mutex_lock(&s->lock) == EOWNERDEAD) {
        ohm_status st = table_recover(map_of(s));
        printf("   the lock's owner died; N_recover: %s\n", ohm_strerror(st));
        pthread_mutex_consistent(&s->lock);
    }
}
static void unlock(shared *s) { pthread_mutex_unlock(&s->lock); }

/* A lock-free read that waits out a dead writer: on OHM_BUSY, take the
 * lock (which recovers the map) and read again. */
static ohm_status read_key(shared *s, uint64_t key, uint64_t *value)
{
    ohm_status st = table_read(map_of(s), key, value);
    if (st == OHM_BUSY) {
        printf("   reader: N_read(%llu) gave OHM_BUSY: taking the lock\n", (unsigned long long)key);
        lock(s);
        unlock(s);
        st = table_read(map_of(s), key, value);
    }
    return st;
}

/* A writer: moves money between the accounts, one transfer per lock. */
static int writer(shared *s)
{
    for (uint64_t i = 0; i < TRANSFERS; i++) {
        lock(s);
        table *m = map_of(s);
        uint64_t a = *table_get(m, 1), amount = i % 7; /* N_get is safe under the lock */
        if (a >= amount) {
            table_put(m, 1, a - amount);
            table_put(m, 2, *table_get(m, 2) + amount);
        }
        unlock(s);
    }
    __atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
    return 0;
}

/* A reader: both accounts, and the first again, in one section. When no
 * write came between (N_read_end true), the two reads of account 1 agree.
 * A transfer is two writes (two puts), and a section may fall between
 * them: the sum is 1000, or short by the amount in flight (under 7).
 * Returns the answers that break this. */
static int reader(shared *s)
{
    int bad = 0;
    while (!__atomic_load_n(&s->done, __ATOMIC_ACQUIRE)) {
        uint64_t a = 0, b = 0, a2 = 0;
        uint32_t t = table_read_begin(map_of(s));
        ohm_status sa = table_read(map_of(s), 1, &a), sb = table_read(map_of(s), 2, &b);
        ohm_status sa2 = table_read(map_of(s), 1, &a2);
        if (table_read_end(map_of(s), t)) /* else a write came between: try again */
            bad += sa != OHM_FOUND || sb != OHM_FOUND || sa2 != OHM_FOUND || a2 != a || a + b > 1000 ||
                   a + b < 1000 - 6;
    }
    return bad;
}

/* A remove_if predicate that dies half way: the writer "crashes". */
static bool dies_half_way(table_entry e, void *ctx)
{
    int *seen = ctx;
    if (*e.key > 2 && *e.key % 2 == 0 && ++*seen == 100) _exit(0); /* holding the lock */
    return *e.key > 2 && *e.key % 2 == 0;
}

static int wait_all(pid_t *pid, int n)
{
    int bad = 0;
    for (int i = 0; i < n; i++) {
        int st = 1;
        bad += waitpid(pid[i], &st, 0) != pid[i] || !WIFEXITED(st) || WEXITSTATUS(st) != 0;
    }
    return bad;
}

int main(void)
{
    ohm_layout l = table_layout(KEYS + 2);
    ohm_plan p = ohm_plan_init();
    ohm_plan_add(&p, sizeof(shared), _Alignof(shared));
    uint64_t map_off = ohm_plan_add_map(&p, l, table_base_align());
    if (p.failed) return 1;
    shared *s = mmap(NULL, (size_t)p.size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (s == MAP_FAILED) return 1;
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    if (pthread_mutex_init(&s->lock, &a) != 0) return 1;
    pthread_mutexattr_destroy(&a);
    s->map_off = map_off;
    table *m = table_init(ohm_ptr(s, map_off), l);
    if (!m) return 1;
    table_put(m, 1, 1000);
    table_put(m, 2, 0);
    for (uint64_t k = 3; k < KEYS + 3; k++) table_put(m, k, 10 * k);
    printf("a shared block of %llu bytes: a robust mutex, then a map of %u slots\n", (unsigned long long)p.size,
           table_capacity(m));

    /* 1. One writer under the lock, readers without it. */
    pid_t pid[1 + READERS];
    fflush(NULL);
    for (int i = 0; i < 1 + READERS; i++)
        if ((pid[i] = fork()) == 0) _exit(i == 0 ? writer(s) : reader(s) != 0);
    int bad = wait_all(pid, 1 + READERS);
    uint64_t x = 0, y = 0;
    table_read(m, 1, &x);
    table_read(m, 2, &y);
    printf("1. %d transfers under the lock, %d lock-free readers: every section agreed (%s); "
           "now %llu + %llu\n", TRANSFERS, READERS, bad ? "NO" : "yes", (unsigned long long)x,
           (unsigned long long)y);

    /* 2. A writer dies in the middle of a bulk removal, holding the lock. */
    fflush(NULL);
    if ((pid[0] = fork()) == 0) {
        int seen = 0;
        lock(s);
        table_remove_if(map_of(s), dies_half_way, &seen);
        _exit(1); /* not reached */
    }
    bad += wait_all(pid, 1);
    printf("2. a writer died inside N_remove_if; N_check now says %s\n", ohm_strerror(table_check(m)));

    /* 3. A reader notices (OHM_BUSY), takes the lock, which recovers. */
    uint64_t v = 0;
    ohm_status st = read_key(s, 4, &v);
    printf("3. reader: N_read(4): %s, %llu\n", st == OHM_FOUND ? "found" : ohm_strerror(st), (unsigned long long)v);
    printf("   the removal was undone whole: %u entries, N_check %s\n", table_count(m),
           ohm_strerror(table_check(m)));
    bad += st != OHM_FOUND || v != 40 || table_count(m) != KEYS + 2 || table_check(m) != OHM_OK;

    pthread_mutex_destroy(&s->lock);
    munmap(s, (size_t)p.size);
    printf("%s\n", bad ? "FAILED" : "ok");
    return bad != 0;
}
