/* fuzz_cut.h - a mutation cut short at a store the input picks, as a
 * writer killed there would leave the block (tests/test_crash.c does the
 * same for every store). Include before ohm.h: it defines OHM_STORE_HOOK,
 * which ohm.h calls before every store a mutation makes to a block, the
 * scratch allocator (N_remove_if's scratch is not freed by a call cut
 * short: fz_cut_run frees it) and a reader's wait of 0 ms (N_read of a
 * dead writer's groups answers OHM_BUSY at once).
 *
 *   fz_cut_run(fn, ctx, k)   fn(ctx) with its k-th store cut (the block
 *                            keeps the k stores before it); true when fn
 *                            completed (it made k stores or fewer)
 */
#ifndef FUZZ_CUT_H
#define FUZZ_CUT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

static jmp_buf fz_cut_env;
static long fz_cut_at = -1; /* the store to cut at; -1: none */
static long fz_cut_stores;  /* stores made so far by the armed call */

static inline void fz_cut_hook(void)
{
    if (fz_cut_at < 0) return;
    if (fz_cut_stores == fz_cut_at) longjmp(fz_cut_env, 1);
    fz_cut_stores++;
}

#define FZ_CUT_LIVE 8
static void *fz_cut_live[FZ_CUT_LIVE];
static inline void *fz_cut_malloc(size_t n)
{
    void *p = malloc(n);
    for (int i = 0; p && i < FZ_CUT_LIVE; i++)
        if (!fz_cut_live[i]) {
            fz_cut_live[i] = p;
            break;
        }
    return p;
}
static inline void fz_cut_free(void *p)
{
    for (int i = 0; p && i < FZ_CUT_LIVE; i++)
        if (fz_cut_live[i] == p) fz_cut_live[i] = NULL;
    free(p);
}

typedef void (*fz_cut_fn)(void *ctx);
static inline bool fz_cut_run(fz_cut_fn fn, void *ctx, long k)
{
    fz_cut_stores = 0;
    fz_cut_at = k;
    if (setjmp(fz_cut_env) == 0) {
        fn(ctx);
        fz_cut_at = -1;
        return true;
    }
    fz_cut_at = -1;
    for (int i = 0; i < FZ_CUT_LIVE; i++) {
        free(fz_cut_live[i]);
        fz_cut_live[i] = NULL;
    }
    return false;
}

#define OHM_STORE_HOOK() fz_cut_hook()
#define OHM_MALLOC(n) fz_cut_malloc(n)
#define OHM_FREE(p) fz_cut_free(p)
#define OHM_READ_WAIT_MS 0u

#endif
