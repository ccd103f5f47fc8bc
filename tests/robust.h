/* robust.h - the writers' lock of the tests that share a block between
 * processes: a process-shared robust mutex (its next locker learns that
 * its owner died, EOWNERDEAD). */
#ifndef OHM_TEST_ROBUST_H
#define OHM_TEST_ROBUST_H

#include <pthread.h>
#include <stdbool.h>

/* Initialises *mu in shared memory; false when the system refuses. */
static inline bool test_robust_mutex_init(pthread_mutex_t *mu)
{
    pthread_mutexattr_t a;
    if (pthread_mutexattr_init(&a) != 0) return false;
    bool ok = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED) == 0 &&
              pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST) == 0 && pthread_mutex_init(mu, &a) == 0;
    pthread_mutexattr_destroy(&a);
    return ok;
}

#endif
