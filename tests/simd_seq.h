/* simd_seq.h - one fixed operation sequence, compiled in two translation
 * units: tests/test_simd.c (the default probing: SSE2 on x86-64) and
 * tests/simd_swar.c (OHM_NO_SIMD: the portable SWAR probing). Both must
 * write byte-identical blocks and give identical results.
 *
 * The first part declares what simd_swar.c exports. The second is a
 * template (define the parameters, include): it generates
 *
 *   void SEQ_FN(void *buf, uint32_t cap, unsigned load, uint64_t seed,
 *               uint64_t ops, uint32_t *results)
 *
 * which formats `buf` (N_layout_for_capacity(cap).total_size bytes) as a
 * map of maximum load `load` and hash seed `seed`, runs `ops` operations
 * drawn from `seed`, and writes one result code per operation.
 *
 * Parameters: SEQ_N (the instantiation), SEQ_SET (defined for a set),
 * SEQ_KEY(i) (the key for index i, any integer type), SEQ_FN. */
#ifndef OHM_TEST_SIMD_SEQ_H
#define OHM_TEST_SIMD_SEQ_H
#include <stdint.h>

#include "ohm.h"

/* The map types both units instantiate, by the prefix each uses. */
#define SEQ_TYPES(X) X(u64) X(set) X(con) X(ident)

/* simd_swar.c */
const char *swar_probing(void); /* "swar" */
#define SEQ_DECLARE(T)                                                                     \
    void swar_run_##T(void *buf, uint32_t cap, unsigned load, uint64_t seed, uint64_t ops, \
                      uint32_t *results);                                                  \
    size_t swar_size_##T(uint32_t cap);
SEQ_TYPES(SEQ_DECLARE)
#undef SEQ_DECLARE

#define SEQ__CAT2(a, b) a##b
#define SEQ__CAT(a, b) SEQ__CAT2(a, b)

/* splitmix64, as test_rand in test.h (repeated: simd_swar.c does not
 * include the runner). */
static inline uint64_t seq_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}
#endif /* OHM_TEST_SIMD_SEQ_H */

#ifdef SEQ_N
#define SEQ__F(s) SEQ__CAT(SEQ_N, s)
#ifdef SEQ_SET
#define SEQ__V(...)
#else
#define SEQ__V(...) __VA_ARGS__
#endif

void SEQ_FN(void *buf, uint32_t cap, unsigned load, uint64_t seed, uint64_t ops, uint32_t *results)
{
    ohm_layout l = SEQ__F(_layout_for_capacity)(cap);
    SEQ_N *m = SEQ__F(_init_ex)(buf, l, seed, load);
    uint64_t rng = seed;
    uint32_t max = SEQ__F(_max_load)(m);
    uint32_t nkeys = max + max / 2 + 2;
    for (uint64_t op = 0; op < ops; op++) {
        uint64_t r = seq_rand(&rng);
        uint32_t i = (uint32_t)(r % nkeys);
        uint32_t v = (uint32_t)(r >> 40);
        (void)v; /* (a set has no values) */
        uint32_t res = 0;
        SEQ__F(_entry) e;
        SEQ__F(_kv) kv;
        memset(&kv, 0, sizeof kv);
        unsigned kind = (unsigned)((r >> 32) % 12);
        if ((op / 256) % 3 == 0 && kind >= 5 && kind <= 8) kind = 0; /* fill phases */
        switch (kind) {
        case 0:
        case 1: res = (uint32_t)SEQ__F(_put)(m, SEQ_KEY(i) SEQ__V(, v)); break;
        case 2:
            if (!SEQ__F(_contains)(m, SEQ_KEY(i))) res = 100 + (uint32_t)SEQ__F(_put_new)(m, SEQ_KEY(i) SEQ__V(, v));
            break;
        case 3:
            res = (uint32_t)SEQ__F(_get_or_put)(m, SEQ_KEY(i), &e);
            SEQ__V(if (e.key) *e.value = v;)
            break;
        case 4: res = (uint32_t)SEQ__F(_fetch_put)(m, SEQ_KEY(i) SEQ__V(, v), &kv) * 7 + (uint32_t)kv.key SEQ__V(+ (uint32_t)kv.value); break;
        case 5:
        case 6: res = SEQ__F(_remove)(m, SEQ_KEY(i)); break;
        case 7: res = SEQ__F(_fetch_remove)(m, SEQ_KEY(i), &kv) * 7 + (uint32_t)kv.key SEQ__V(+ (uint32_t)kv.value); break;
        case 8:
            e = SEQ__F(_get_entry)(m, SEQ_KEY(i));
            if (e.key) {
                SEQ__F(_remove_at)(m, e.key);
                res = 1;
            }
            break;
        case 9: {
            e = SEQ__F(_get_entry)(m, SEQ_KEY(i));
            res = e.key ? 1 SEQ__V(+ *e.value) : 0;
            break;
        }
        case 10: { /* the keys in iteration order, folded */
            SEQ__F(_iter) it = SEQ__F(_iter_begin)(m);
            while (SEQ__F(_iter_next)(&it, &e)) res = res * 31 + (uint32_t)*e.key;
            break;
        }
        case 11:
            if (r % 64 == 0) SEQ__F(_clear)(m);
            res = SEQ__F(_count)(m);
            break;
        }
        results[op] = res;
    }
}

#undef SEQ__F
#undef SEQ__V
#undef SEQ_N
#undef SEQ_SET
#undef SEQ_KEY
#undef SEQ_FN
#endif /* SEQ_N */
