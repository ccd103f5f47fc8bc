/* shared_lock.c - several processes inserting into one map under a lock
 * that lives in the same shared block, just before the map.
 *
 * ohm has no locking of its own (docs/concurrency.md): any mutation needs
 * exclusive access. Between processes that is a pthread mutex with the
 * PTHREAD_PROCESS_SHARED attribute, placed in the shared memory itself; it
 * is also robust, so a process that dies holding it does not block the
 * others forever (the next locker is told, and checks the map).
 *
 *     [ header | pthread_mutex_t | map: key -> value ]    (planned with ohm_plan)
 *
 * The map is relocatable; the mutex is not. Its bytes are only a mutex
 * while they stay in the shared mapping where pthread_mutex_init made
 * them; a memcpy'd copy or a block read back from a file holds stale mutex
 * bytes, which must be initialised again before anyone locks them. The
 * example does this at each move: a private copy, then a file mapped
 * shared again for a second round of processes. Last, a process exits
 * holding the lock, and the next locker recovers.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS (glibc) */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ohm.h"

#define OHM_NAME table
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#include "ohm_map.h"

enum { WORKERS = 4, PER_WORKER = 500, TOTAL_KEY = 0 };

typedef struct shared {
    uint64_t lock_off; /* the pthread_mutex_t */
    uint64_t map_off;  /* the map */
    uint64_t size;     /* bytes of the whole block */
} shared;

static pthread_mutex_t *lock_of(shared *s) { return OHM_AT(pthread_mutex_t, s, s->lock_off); }
static table *map_of(shared *s) { return table_at(s, s->map_off); }

/* (Re)initialise the mutex in place: when the block is first made, and
 * whenever it has been moved (memcpy, file) into a new shared mapping. */
static int init_lock(shared *s, int pshared)
{
    pthread_mutexattr_t a;
    int rc = pthread_mutexattr_init(&a);
    if (rc == 0) rc = pthread_mutexattr_setpshared(&a, pshared);
    if (rc == 0) rc = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    if (rc == 0) rc = pthread_mutex_init(lock_of(s), &a);
    pthread_mutexattr_destroy(&a);
    return rc;
}

/* Lock; when the previous owner died holding the lock, the map may be
 * half-changed: check it, and if it is broken start it over empty (a real
 * program would rebuild it from its source of truth). */
static int lock(shared *s)
{
    int rc = pthread_mutex_lock(lock_of(s));
    if (rc == EOWNERDEAD) {
        ohm_status st = table_check(map_of(s));
        printf("  the previous lock owner died holding it; map check: %s\n", ohm_strerror(st));
        if (st != OHM_OK) table_clear(map_of(s));
        rc = pthread_mutex_consistent(lock_of(s));
    }
    return rc;
}

static void unlock(shared *s) { pthread_mutex_unlock(lock_of(s)); }

static uint64_t key_of(int round, int w, int i) { return (uint64_t)round << 32 | (uint64_t)(w + 1) << 16 | (uint64_t)i; }

/* One worker process: its own keys, and a shared running total. */
static int work(shared *s, int round, int w)
{
    for (int i = 0; i < PER_WORKER; i++) {
        if (lock(s) != 0) return 1;
        table *m = map_of(s);
        ohm_status st = table_put(m, key_of(round, w, i), (uint64_t)getpid());
        if (st == OHM_OK) { /* read-modify-write: safe only under the lock */
            table_entry e;
            ohm_status t = table_get_or_put(m, TOTAL_KEY, &e);
            if (t == OHM_OK) *e.value = 0;
            if (t != OHM_FULL) (*e.value)++;
        }
        unlock(s);
        if (st != OHM_OK) return 2;
    }
    return 0;
}

/* Runs `workers` processes on the block; 0 when all succeeded. */
static int run_round(shared *s, int round, int workers)
{
    pid_t pid[WORKERS];
    for (int w = 0; w < workers; w++) {
        fflush(NULL);
        pid[w] = fork();
        if (pid[w] == 0) _exit(work(s, round, w));
    }
    int bad = 0;
    for (int w = 0; w < workers; w++) {
        int st = 1;
        if (pid[w] < 0 || waitpid(pid[w], &st, 0) != pid[w] || !WIFEXITED(st) || WEXITSTATUS(st))
            bad++;
    }
    return bad;
}

/* Counts what is in the map; returns the number of problems. */
static int report(const char *where, shared *s, int rounds)
{
    table *m = map_of(s);
    unsigned mine = 0;
    for (int r = 0; r < rounds; r++)
        for (int w = 0; w < WORKERS; w++)
            for (int i = 0; i < PER_WORKER; i++) mine += table_contains(m, key_of(r, w, i));
    const uint64_t *total = table_get(m, TOTAL_KEY);
    ohm_status st = table_check(m);
    printf("  %-30s %u entries: %u worker keys, running total %llu, check %s\n", where,
           (unsigned)table_count(m), mine, total ? (unsigned long long)*total : 0ull,
           ohm_strerror(st));
    unsigned want = 0;
    for (int r = 0; r < rounds; r++) want += (r == 0 ? WORKERS : 2) * PER_WORKER;
    return (mine != want) + (!total || *total != want) + (st != OHM_OK);
}

int main(void)
{
    /* Plan: header, the mutex (aligned for its type), then the map. */
    ohm_layout l = table_layout(WORKERS * PER_WORKER * 2 + 1);
    ohm_plan p = ohm_plan_init();
    ohm_plan_add(&p, sizeof(shared), _Alignof(shared));
    uint64_t lock_off = ohm_plan_add(&p, sizeof(pthread_mutex_t), _Alignof(pthread_mutex_t));
    uint64_t map_off = ohm_plan_add_map(&p, l, table_base_align());
    size_t size = (size_t)((p.size + 4095) & ~(uint64_t)4095);
    if (p.failed) return 1;
    printf("shared block: %zu bytes; mutex at %llu (%zu bytes), map at %llu (%u slots)\n", size,
           (unsigned long long)lock_off, sizeof(pthread_mutex_t), (unsigned long long)map_off,
           l.capacity);

    /* 1. An anonymous shared mapping, inherited by the workers. */
    shared *s = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (s == MAP_FAILED) return 1;
    s->lock_off = lock_off;
    s->map_off = map_off;
    s->size = size;
    if (init_lock(s, PTHREAD_PROCESS_SHARED) != 0 || !table_init(ohm_ptr(s, map_off), l)) return 1;
    int bad = run_round(s, 0, WORKERS);
    printf("1. %d processes inserted %d keys each under the shared lock\n", WORKERS, PER_WORKER);
    bad += report("in the shared mapping:", s, 1);

    /* 2. A private copy: the map moves, the mutex does not. Its bytes are
     * a copy of a mutex, not a mutex: initialise it again (private now). */
    void *copy = aligned_alloc(4096, size);
    if (!copy) return 1;
    memcpy(copy, s, size);
    munmap(s, size);
    shared *c = copy;
    if (init_lock(c, PTHREAD_PROCESS_PRIVATE) != 0) return 1;
    printf("2. memcpy'd to private memory at %p; mutex initialised again\n", copy);
    if (lock(c) != 0) return 1;
    bad += report("in the private copy:", c, 1);
    unlock(c);
    pthread_mutex_destroy(lock_of(c));

    /* 3. Saved to a file, mapped shared again (another address): the
     * mutex bytes are stale; the process that maps it first initialises
     * them before any other process may lock. Then a second round. */
    char path[] = "/tmp/ohm-shared-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, copy, size) != (ssize_t)size) return 1;
    free(copy);
    s = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    unlink(path);
    if (s == MAP_FAILED) return 1;
    table *m;
    ohm_status as = table_attach(ohm_ptr(s, s->map_off), size - s->map_off, &m);
    printf("3. saved to %s and mapped shared at %p: attach %s; mutex initialised again\n", path,
           (void *)s, ohm_strerror(as));
    if (as != OHM_OK || init_lock(s, PTHREAD_PROCESS_SHARED) != 0) return 1;
    bad += run_round(s, 1, 2);
    printf("   2 more processes inserted %d keys each\n", PER_WORKER);
    bad += report("in the file mapping:", s, 2);

    /* 4. A process dies holding the lock: the robust mutex tells the next
     * locker (EOWNERDEAD) instead of blocking it forever. */
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        lock(s);
        _exit(0); /* "crashes" without unlocking */
    }
    waitpid(pid, NULL, 0);
    printf("4. a process exited holding the lock; the next lock:\n");
    if (lock(s) != 0) return 1;
    unlock(s);
    bad += report("after recovery:", s, 2);
    pthread_mutex_destroy(lock_of(s));
    munmap(s, size);
    printf("%s\n", bad ? "FAILED" : "ok");
    return bad != 0;
}
