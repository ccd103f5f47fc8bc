/* oracle.h - a differential test driver, written once and instantiated for
 * each map type under test (a template, like ohm_map.h: define the
 * parameters, include, and it #undefs them).
 *
 * The oracle is a direct-indexed array over a small key space (about 1.5x
 * the map's maximum load), so hits, misses, re-inserts and the full map all
 * happen often. Every operation's result is compared with the oracle, and
 * N_check runs after every operation.
 *
 * Parameters (the map type must already be instantiated):
 *   ORC_N          the ohm instantiation's prefix
 *   ORC_K          its key type
 *   ORC_SET        defined when the instantiation is a set
 *   ORC_KEY(i)     the key for oracle index i (i < 2^20), an ORC_K value
 *   ORC_INDEX(k)   the inverse of ORC_KEY, for keys it made
 *   ORC_KEQ(a, b)  key equality [(a) == (b)]
 *   ORC_RUN        name of the generated function
 * Map values are uint64_t.
 *
 *   uint64_t ORC_RUN(uint32_t cap, unsigned max_load, uint64_t seed, uint64_t ops)
 *
 * runs `ops` random operations on a map of `cap` raw slots at `max_load`
 * percent (0: the instantiation's default), with hash seed and random
 * stream from `seed`; returns the number of operations run (fewer only
 * when a check failed).
 */
#ifndef OHM_TEST_ORACLE_H
#define OHM_TEST_ORACLE_H

#include "test.h"
#include "util.h"

/* What one run of operations touched, summed over all runs (printed). */
typedef struct orc_totals {
    uint64_t ops, full, found, inserted, removed, clears, iters, iter_removed, removed_if, many, put_many;
} orc_totals;
static orc_totals orc_total;

/* The kinds of operation. */
enum {
    ORC_PUT, ORC_PUT_NEW, ORC_GET_OR_PUT, ORC_GET_OR_PUT_VALUE, ORC_FETCH_PUT,
    ORC_PUT_AC, ORC_PUT_NEW_AC, ORC_GET_OR_PUT_AC, ORC_FETCH_PUT_AC,
    ORC_N_INSERTS, /* the kinds above insert */
    ORC_REMOVE = ORC_N_INSERTS, ORC_FETCH_REMOVE, ORC_REMOVE_AT,
    ORC_N_REMOVALS_END
};

/* N_remove_if's predicate: removes the keys whose index has bit (index mod 64)
 * of `mask` set (a random subset), and writes every survivor's value. */
typedef struct orc_pred_ctx {
    uint64_t mask, newval;
    uint32_t nkeys, calls, bad;
    uint8_t *called;
} orc_pred_ctx;

#define ORC__CAT2(a, b) a##b
#define ORC__CAT(a, b) ORC__CAT2(a, b)
#define ORC__STR2(x) #x
#define ORC__STR(x) ORC__STR2(x)
#endif /* OHM_TEST_ORACLE_H */

#define ORC__F(s) ORC__CAT(ORC_N, s)
#ifndef ORC_KEQ
#define ORC_KEQ(a, b) ((a) == (b))
#endif
#ifdef ORC_SET
#define ORC__MAP_ONLY(...)
#else
#define ORC__MAP_ONLY(...) __VA_ARGS__
#endif

/* Compare the whole map with the oracle. */
static void ORC__F(_orc_compare)(const ORC_N *m, uint32_t nkeys, const uint8_t *present,
                                 const uint64_t *vals)
{
    (void)vals;
    for (uint32_t i = 0; i < nkeys; i++) {
        ORC_K key = ORC_KEY(i);
        ORC__F(_entry) e = ORC__F(_get_entry)(m, key);
        TEST_EQ_U(e.key != NULL, present[i]);
        TEST_EQ_U(ORC__F(_contains)(m, key), present[i]);
        TEST_EQ_U(ORC__F(_get_key)(m, key) != NULL, present[i]);
        if (e.key) TEST_CHECK(ORC_KEQ(*e.key, key));
        ORC__MAP_ONLY(
            TEST_EQ_U(ORC__F(_get)(m, key) != NULL, present[i]);
            if (e.key) {
                TEST_CHECK(e.value == ORC__F(_get)(m, key));
                TEST_EQ_U(*e.value, vals[i]);
            })
        if (test_failing()) return;
    }
}

/* Iteration visits each entry exactly once and nothing else; an iterator
 * from N_iter_at at the first, a middle and the last entry gives the rest
 * of that order. */
static void ORC__F(_orc_iterate)(const ORC_N *m, uint32_t nkeys, const uint8_t *present,
                                 const uint64_t *vals, uint32_t count, uint8_t *seen)
{
    (void)vals;
    memset(seen, 0, nkeys);
    uint32_t *order = malloc(((size_t)count + 1) * sizeof *order);
    if (!order) exit(2);
    ORC__F(_iter) it = ORC__F(_iter_begin)(m);
    ORC__F(_entry) e;
    uint32_t visits = 0;
    while (ORC__F(_iter_next)(&it, &e)) {
        uint64_t i = ORC_INDEX(*e.key);
        visits++;
        if (i >= nkeys || !present[i] || seen[i] || visits > count) {
            TEST_CHECK(i < nkeys && present[i] && !seen[i] && visits <= count);
            free(order);
            return;
        }
        seen[i] = 1;
        order[visits - 1] = (uint32_t)i;
        ORC__MAP_ONLY(TEST_EQ_U(*e.value, vals[i]);)
    }
    TEST_EQ_U(visits, count);
    TEST_CHECK(!ORC__F(_iter_next)(&it, NULL)); /* stays at the end */
    const uint32_t from[3] = {0, count / 2, count ? count - 1 : 0};
    for (uint32_t f = 0; f < 3 && visits == count && count > 0; f++) {
        ORC__F(_iter) at = ORC__F(_iter_at)(m, ORC__F(_get_entry)(m, ORC_KEY(order[from[f]])));
        uint32_t next = from[f] + 1;
        bool more;
        while ((more = ORC__F(_iter_next)(&at, &e)) && next < count && ORC_INDEX(*e.key) == order[next]) next++;
        TEST_EQ_U(next, count); /* the whole tail, */
        TEST_CHECK(!more);      /* and nothing more */
    }
    free(order);
}

/* Iterate, removing a random subset through the iterator: every entry
 * present at the start is visited exactly once (removed or not), the map
 * stays sound after each removal, and the oracle follows. */
static uint32_t ORC__F(_orc_iterate_remove)(ORC_N *m, uint32_t nkeys, uint8_t *present, uint32_t count,
                                            uint8_t *seen, uint64_t *rng)
{
    memset(seen, 0, nkeys);
    unsigned rate = (unsigned)(test_rand(rng) % 101); /* percent removed */
    ORC__F(_iter) it = ORC__F(_iter_begin)(m);
    ORC__F(_entry) e;
    uint32_t visits = 0, removed = 0, before = count;
    while (ORC__F(_iter_next)(&it, &e)) {
        uint64_t i = ORC_INDEX(*e.key);
        visits++;
        if (i >= nkeys || !present[i] || seen[i] || visits > before) {
            TEST_CHECK(i < nkeys && present[i] && !seen[i] && visits <= before);
            return count;
        }
        seen[i] = 1;
        if (test_rand(rng) % 100 < rate) {
            TEST_CHECK(ORC__F(_iter_remove)(&it));
            TEST_CHECK(!ORC__F(_iter_remove)(&it)); /* once */
            present[i] = 0;
            count--;
            removed++;
            TEST_STATUS(ORC__F(_check)(m), OHM_OK);
            if (test_failing()) return count;
        }
    }
    TEST_EQ_U(visits, before);
    TEST_EQ_U(ORC__F(_count)(m), count);
    orc_total.iter_removed += removed;
    return count;
}

static bool ORC__F(_orc_pred)(ORC__F(_entry) e, void *vctx)
{
    orc_pred_ctx *c = (orc_pred_ctx *)vctx;
    uint64_t i = ORC_INDEX(*e.key);
    c->calls++;
    if (i >= c->nkeys || c->called[i]) {
        c->bad++;
        return false;
    }
    c->called[i] = 1;
    if ((c->mask >> (i % 64)) & 1) return true;
    ORC__MAP_ONLY(*e.value = c->newval;)
    return false;
}

static uint64_t ORC_RUN(uint32_t cap, unsigned max_load, uint64_t seed, uint64_t ops)
{
    ohm_layout l = ORC__F(_layout_for_capacity)(cap);
    TEST_CHECK(l.total_size != 0);
    void *buf = test_block(ORC__F(_base_align)(), l.total_size);
    ORC_N *m = ORC__F(_init_ex)(buf, l, seed, max_load);
    TEST_CHECK(m != NULL);
    if (m == NULL) {
        free(buf);
        return 0;
    }
    const uint32_t most = ORC__F(_max_load)(m);
    const uint32_t nkeys = most + most / 2 + 2;
    uint8_t *present = calloc(nkeys, 1), *seen = calloc(nkeys, 1);
    uint64_t *vals = calloc(nkeys, sizeof *vals);
    if (!present || !seen || !vals) exit(2);
    uint32_t count = 0;
    uint64_t rng = seed ^ 0x6f7261636c65u;
    unsigned ins = 50, rem = 30; /* percent of operations in this phase */
    const uint64_t phase_len = 2 * (uint64_t)nkeys + 16;
    uint64_t op;

    for (op = 0; op < ops && !test_failing(); op++) {
        if (op % phase_len == 0) {
            /* Fill, drain or churn for a while: the map passes through
             * every load from empty to full. */
            static const unsigned phases[][2] = {{80, 10}, {50, 30}, {45, 45}, {15, 75}, {60, 35}};
            unsigned p = (unsigned)(test_rand(&rng) % 5);
            ins = phases[p][0];
            rem = phases[p][1];
        }
        uint64_t r = test_rand(&rng);
        uint32_t i = (uint32_t)(r % nkeys);
        unsigned dice = (unsigned)((r >> 32) % 100);
        uint64_t v = test_rand(&rng);
        ORC_K key = ORC_KEY(i);
        bool room = count < most, here = present[i] != 0;
        (void)v;

        if ((r >> 40) % (4 * (uint64_t)nkeys + 64) == 0) {
            ORC__F(_clear)(m);
            memset(present, 0, nkeys);
            count = 0;
            orc_total.clears++;
            TEST_EQ_U(ORC__F(_count)(m), 0);
            TEST_EQ_U(ORC__F(_capacity)(m), cap);
        } else if (((r >> 52) & 31) == 0) {
            ORC__F(_orc_iterate)(m, nkeys, present, vals, count, seen);
            orc_total.iters++;
        } else if (((r >> 52) & 63) == 1) {
            count = ORC__F(_orc_iterate_remove)(m, nkeys, present, count, seen, &rng);
        } else if (((r >> 52) & 63) == 2) {
            /* remove_if: none, all, or a random subset by index bits */
            orc_pred_ctx c = {0, v, nkeys, 0, 0, seen};
            unsigned how = (unsigned)(v % 8);
            c.mask = how == 0 ? 0 : how == 1 ? UINT64_MAX : test_rand(&rng);
            memset(seen, 0, nkeys);
            uint32_t want = 0;
            for (uint32_t j = 0; j < nkeys; j++) want += present[j] && ((c.mask >> (j % 64)) & 1);
            TEST_EQ_U(ORC__F(_remove_if)(m, ORC__F(_orc_pred), &c), want);
            TEST_EQ_U(c.calls, count);
            TEST_EQ_U(c.bad, 0);
            for (uint32_t j = 0; j < nkeys; j++) {
                TEST_EQ_U(seen[j], present[j]); /* called once for each entry, none else */
                if (!present[j]) continue;
                if ((c.mask >> (j % 64)) & 1) present[j] = 0;
                else vals[j] = v;
            }
            count -= want;
            orc_total.removed_if += want;
        } else if (((r >> 52) & 63) == 3) {
            /* get_many over random keys, repeats and misses included */
            ORC_K ks[40];
            ORC__F(_entry) es[40];
            size_t n = (size_t)(v % 41);
            for (size_t j = 0; j < n; j++) ks[j] = ORC_KEY((uint32_t)(test_rand(&rng) % nkeys));
            ORC__F(_get_many)(m, ks, n, es);
            for (size_t j = 0; j < n; j++) {
                ORC__F(_entry) one = ORC__F(_get_entry)(m, ks[j]);
                TEST_CHECK(es[j].key == one.key);
                ORC__MAP_ONLY(TEST_CHECK(es[j].value == one.value);)
                TEST_EQ_U(es[j].key != NULL, present[ORC_INDEX(ks[j])]);
            }
            orc_total.many += n;
        } else if (((r >> 52) & 63) == 4) {
            /* put_many over random keys (present, absent, repeated): the
             * oracle takes them in order up to the first that does not fit */
            ORC_K ks[40];
            uint64_t vs[40];
            size_t n = (size_t)(v % 41), want = 0;
            uint32_t idx[40];
            for (size_t j = 0; j < n; j++) {
                idx[j] = (uint32_t)(test_rand(&rng) % nkeys);
                ks[j] = ORC_KEY(idx[j]);
                vs[j] = test_rand(&rng);
            }
            (void)vs;
            for (; want < n; want++) {
                uint32_t ij = idx[want];
                if (!present[ij]) {
                    if (count >= most) break;
                    present[ij] = 1;
                    count++;
                }
                vals[ij] = vs[want];
            }
            TEST_EQ_U(ORC__F(_put_many)(m, ks ORC__MAP_ONLY(, vs), n), want);
            orc_total.put_many += want;
        } else if (dice < ins) {
            unsigned kind = (unsigned)((r >> 20) % ORC_N_INSERTS);
            /* The *_assume_capacity calls only when the promise holds,
             * put_new only for an absent key. */
            if ((kind == ORC_PUT_NEW || kind == ORC_PUT_NEW_AC) && here) kind = ORC_PUT;
            if (kind >= ORC_PUT_AC && !room && !(here && kind != ORC_PUT_NEW_AC)) kind = ORC_PUT;
            ohm_status want = here ? OHM_FOUND : room ? OHM_OK : OHM_FULL;
            ORC__F(_entry) e;
            ORC__F(_kv) old;
            bool found = false;
            uint64_t stored = v; /* the value the map must now hold */
            switch (kind) {
            case ORC_PUT:
                TEST_STATUS(ORC__F(_put)(m, key ORC__MAP_ONLY(, v)), want);
                break;
            case ORC_PUT_NEW:
                TEST_STATUS(ORC__F(_put_new)(m, key ORC__MAP_ONLY(, v)), want);
                break;
            case ORC_GET_OR_PUT:
                TEST_STATUS(ORC__F(_get_or_put)(m, key, &e), want);
                if (want == OHM_FULL) {
                    TEST_CHECK(e.key == NULL);
                } else {
                    TEST_CHECK(e.key != NULL && ORC_KEQ(*e.key, key));
                    ORC__MAP_ONLY(if (here) TEST_EQ_U(*e.value, vals[i]);
                                  *e.value = v;)
                }
                break;
            case ORC_GET_OR_PUT_VALUE:
                if (r & (1u << 18)) {
                    TEST_STATUS(ORC__F(_get_or_put_value)(m, key ORC__MAP_ONLY(, v), NULL), want);
                } else {
                    TEST_STATUS(ORC__F(_get_or_put_value)(m, key ORC__MAP_ONLY(, v), &e), want);
                    TEST_CHECK((e.key == NULL) == (want == OHM_FULL));
                    if (e.key) TEST_CHECK(ORC_KEQ(*e.key, key));
                    ORC__MAP_ONLY(if (e.key) TEST_EQ_U(*e.value, here ? vals[i] : v);)
                }
                if (here) stored = vals[i]; /* a present key keeps its value */
                break;
            case ORC_FETCH_PUT:
                memset(&old, 0, sizeof old);
                TEST_STATUS(ORC__F(_fetch_put)(m, key ORC__MAP_ONLY(, v), (r & (1u << 18)) ? NULL : &old), want);
                if (here && !(r & (1u << 18))) {
                    TEST_CHECK(ORC_KEQ(old.key, key));
                    ORC__MAP_ONLY(TEST_EQ_U(old.value, vals[i]);)
                }
                break;
            case ORC_PUT_AC:
                ORC__F(_put_assume_capacity)(m, key ORC__MAP_ONLY(, v));
                break;
            case ORC_PUT_NEW_AC:
                ORC__F(_put_new_assume_capacity)(m, key ORC__MAP_ONLY(, v));
                break;
            case ORC_GET_OR_PUT_AC:
                e = ORC__F(_get_or_put_assume_capacity)(m, key, (r & (1u << 18)) ? NULL : &found);
                TEST_CHECK(e.key != NULL && ORC_KEQ(*e.key, key));
                if (!(r & (1u << 18))) TEST_EQ_U(found, here);
                ORC__MAP_ONLY(if (here) TEST_EQ_U(*e.value, vals[i]);
                              if (e.key) *e.value = v;)
                break;
            case ORC_FETCH_PUT_AC:
                memset(&old, 0, sizeof old);
                TEST_EQ_U(ORC__F(_fetch_put_assume_capacity)(m, key ORC__MAP_ONLY(, v), &old), here);
                if (here) {
                    TEST_CHECK(ORC_KEQ(old.key, key));
                    ORC__MAP_ONLY(TEST_EQ_U(old.value, vals[i]);)
                }
                break;
            }
            if (want == OHM_FULL) {
                orc_total.full++;
            } else {
                if (want == OHM_OK) count++, orc_total.inserted++;
                else orc_total.found++;
                present[i] = 1;
                vals[i] = stored;
            }
        } else if (dice < ins + rem) {
            unsigned kind = ORC_REMOVE + (unsigned)((r >> 20) % (ORC_N_REMOVALS_END - ORC_REMOVE));
            ORC__F(_kv) out;
            memset(&out, 0, sizeof out);
            switch (kind) {
            case ORC_REMOVE:
                TEST_EQ_U(ORC__F(_remove)(m, key), here);
                break;
            case ORC_FETCH_REMOVE:
                if (r & (1u << 18)) {
                    TEST_EQ_U(ORC__F(_fetch_remove)(m, key, NULL), here);
                } else {
                    TEST_EQ_U(ORC__F(_fetch_remove)(m, key, &out), here);
                    if (here) {
                        TEST_CHECK(ORC_KEQ(out.key, key));
                        ORC__MAP_ONLY(TEST_EQ_U(out.value, vals[i]);)
                    }
                }
                break;
            case ORC_REMOVE_AT: {
                /* A pointer from get_key, get_entry or an iteration. */
                ORC_K *p = (r & (1u << 18)) ? ORC__F(_get_key)(m, key) : ORC__F(_get_entry)(m, key).key;
                TEST_EQ_U(p != NULL, here);
                if (p) ORC__F(_remove_at)(m, p);
                break;
            }
            }
            if (here) {
                present[i] = 0;
                count--;
                orc_total.removed++;
            }
        } else if (dice < ins + rem + 3) {
            uint32_t a = (uint32_t)(v % (most + 3u));
            TEST_STATUS(ORC__F(_reserve)(m, a), count + a <= most ? OHM_OK : OHM_FULL);
            TEST_STATUS(ORC__F(_reserve_total)(m, a), a <= most ? OHM_OK : OHM_FULL);
        } else {
            ORC__F(_entry) e = ORC__F(_get_entry)(m, key);
            TEST_EQ_U(e.key != NULL, here);
            TEST_EQ_U(ORC__F(_contains)(m, key), here);
            ORC__MAP_ONLY(
                uint64_t *p = ORC__F(_get)(m, key);
                TEST_EQ_U(p != NULL, here);
                if (p) TEST_EQ_U(*p, vals[i]);)
        }
        TEST_EQ_U(ORC__F(_count)(m), count);
        TEST_STATUS(ORC__F(_check)(m), OHM_OK);
        if ((op & 63) == 63) ORC__F(_orc_compare)(m, nkeys, present, vals);
    }
    if (!test_failing()) {
        ORC__F(_orc_compare)(m, nkeys, present, vals);
        ORC__F(_orc_iterate)(m, nkeys, present, vals, count, seen);
    }
    if (test_failing())
        fprintf(stderr, "  in %s: capacity %u, max load %u, seed %" PRIu64 ", operation %" PRIu64 "\n",
                ORC__STR(ORC_N), cap, max_load, seed, op);
    orc_total.ops += op;
    free(present);
    free(seen);
    free(vals);
    free(buf);
    return op;
}

#undef ORC__F
#undef ORC__MAP_ONLY
#undef ORC_N
#undef ORC_K
#undef ORC_SET
#undef ORC_KEY
#undef ORC_INDEX
#undef ORC_KEQ
#undef ORC_RUN
