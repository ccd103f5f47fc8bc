/* test_bulk.c - removal while iterating, iterators from a found entry,
 * removal by predicate, batched lookup, batched puts and the capacity a
 * budget buys.
 * (The differential test, tests/oracle.h, runs the first four at random
 * against its oracle too.) */
#include "test.h"
#include "util.h"

/* These tests fill tables to their last slot: maximum load 100, by
 * name (the default, 88, stops short). */
#define OHM_NAME bm /* the default hash */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME bcon /* every key homed in the last slot: one cluster wrapping round the end */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_HASH_EX(m, k, seed) ((void)(k), (void)(seed), (uint64_t)((m)->hdr.capacity - 1))
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME bset
#define OHM_KEY uint64_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME bzero /* every key homed in slot 0: the first groups fill, the walk starts further on */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_HASH(k) (((uint64_t)(k) * UINT64_C(0x9e3779b97f4a7c15)) & ~UINT64_C(0xffffffff))
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

/* A map of `cap` slots holding keys 1..n (value = key * 3); *raw is the
 * block to free. */
#define DEFINE_FILLED(T)                                                                      \
    static T *T##_filled(uint32_t cap, uint32_t n, void **raw)                                \
    {                                                                                         \
        ohm_layout l = T##_layout_for_capacity(cap);                                          \
        *raw = test_block(T##_base_align(), l.total_size);                                    \
        T *m = T##_init(*raw, l);                                                             \
        for (uint32_t k = 1; k <= n; k++) T##_put_new_assume_capacity(m, k, k * 3);           \
        return m;                                                                             \
    }
DEFINE_FILLED(bm)
DEFINE_FILLED(bcon)
DEFINE_FILLED(bzero)
#define FILLED(T, cap, n, rawp) T##_filled((cap), (n), (rawp))

/* Iterating a map while removing, through the iterator, the keys that
 * `doomed` picks: every key is visited exactly once, the doomed ones are
 * gone and the others stay, the map checks after every removal. Written
 * for both map types with a macro. */
#define ITER_REMOVE_CASE(T, cap, n, doomed)                                                   \
    do {                                                                                      \
        void *raw_;                                                                           \
        T *m_ = FILLED(T, cap, n, &raw_);                                                     \
        uint8_t seen_[1100];                                                                  \
        memset(seen_, 0, sizeof seen_);                                                       \
        T##_iter it_ = T##_iter_begin(m_);                                                    \
        T##_entry e_;                                                                         \
        uint32_t visits_ = 0, removed_ = 0;                                                   \
        while (T##_iter_next(&it_, &e_)) {                                                    \
            uint32_t k_ = *e_.key;                                                            \
            TEST_CHECK(k_ >= 1 && k_ <= (n) && !seen_[k_]);                                   \
            if (k_ < 1 || k_ > (n) || seen_[k_]) break;                                       \
            seen_[k_] = 1;                                                                    \
            visits_++;                                                                        \
            TEST_EQ_U(*e_.value, k_ * 3);                                                     \
            if (doomed(k_)) {                                                                 \
                TEST_CHECK(T##_iter_remove(&it_));                                            \
                TEST_CHECK(!T##_iter_remove(&it_));                                           \
                removed_++;                                                                   \
                TEST_STATUS(T##_check(m_), OHM_OK);                                           \
            }                                                                                 \
        }                                                                                     \
        TEST_EQ_U(visits_, (n));                                                              \
        TEST_EQ_U(T##_count(m_), (n) - removed_);                                             \
        for (uint32_t k_ = 1; k_ <= (n); k_++) TEST_EQ_U(T##_contains(m_, k_), !doomed(k_));   \
        TEST_STATUS(T##_check(m_), OHM_OK);                                                   \
        free(raw_);                                                                           \
    } while (0)

static bool every_other(uint32_t k) { return k % 2 == 0; }
static bool every_third(uint32_t k) { return k % 3 == 1; }
static bool all_of_them(uint32_t k) { return k != 0; }
static bool none_of_them(uint32_t k) { return k == 0; }
static bool the_first_few(uint32_t k) { return k <= 5; }

static void remove_while_iterating(void)
{
    bool (*const which[])(uint32_t) = {every_other, every_third, all_of_them, none_of_them, the_first_few};
    for (size_t w = 0; w < sizeof which / sizeof which[0]; w++) {
        ITER_REMOVE_CASE(bm, 64, 40, which[w]);
        ITER_REMOVE_CASE(bm, 64, 64, which[w]); /* completely full */
        ITER_REMOVE_CASE(bm, 1024, 1000, which[w]);
        ITER_REMOVE_CASE(bm, 1024, 1024, which[w]);
        ITER_REMOVE_CASE(bcon, 16, 9, which[w]); /* wraps round the end */
        ITER_REMOVE_CASE(bcon, 16, 16, which[w]);
        ITER_REMOVE_CASE(bcon, 256, 200, which[w]);
        ITER_REMOVE_CASE(bm, 1, 1, which[w]);
    }
    /* Nothing to remove before the first step, nor at the end. */
    void *raw;
    bm *m = FILLED(bm, 16, 3, &raw);
    bm_iter it = bm_iter_begin(m);
    TEST_CHECK(!bm_iter_remove(&it));
    TEST_CHECK(bm_iter_next(&it, NULL));
    TEST_CHECK(bm_iter_remove(&it)); /* the one just given, once */
    TEST_CHECK(!bm_iter_remove(&it));
    while (bm_iter_next(&it, NULL)) {}
    TEST_CHECK(!bm_iter_remove(&it)); /* the last call gave nothing */
    TEST_EQ_U(bm_count(m), 2);
    free(raw);
}

/* N_iter_at: the entries after e in iteration order, and removal of e. */
static void iterate_from_a_found_entry(void)
{
    for (int full = 0; full < 2; full++) {
        void *raw;
        uint32_t n = full ? 256 : 200;
        bm *m = FILLED(bm, 256, n, &raw);
        /* The order of a whole iteration. */
        uint32_t order[256], total = 0;
        bm_iter it = bm_iter_begin(m);
        bm_entry e;
        while (bm_iter_next(&it, &e)) order[total++] = *e.key;
        TEST_EQ_U(total, n);
        const uint32_t at[] = {0, n / 2, n - 1}; /* first, middle, last */
        for (size_t a = 0; a < 3; a++) {
            bm_iter from = bm_iter_at(m, bm_get_entry(m, order[at[a]]));
            uint32_t i = at[a] + 1;
            while (bm_iter_next(&from, &e)) {
                TEST_CHECK(i < total && *e.key == order[i]);
                i++;
            }
            TEST_EQ_U(i, total);
        }
        /* Remove the middle entry through an iterator at it, then go on:
         * every later entry once. */
        uint32_t mid = order[n / 2];
        bm_iter from = bm_iter_at(m, bm_get_entry(m, mid));
        TEST_CHECK(bm_iter_remove(&from));
        TEST_CHECK(!bm_contains(m, mid));
        TEST_STATUS(bm_check(m), OHM_OK);
        uint8_t seen[257] = {0};
        uint32_t later = 0;
        while (bm_iter_next(&from, &e)) {
            TEST_CHECK(!seen[*e.key]);
            seen[*e.key] = 1;
            later++;
        }
        for (uint32_t i = n / 2 + 1; i < total; i++) TEST_CHECK(seen[order[i]]);
        TEST_EQ_U(later, total - n / 2 - 1);
        /* An absent key gives an iterator at the end. */
        bm_iter none = bm_iter_at(m, bm_get_entry(m, 999999));
        TEST_CHECK(!bm_iter_next(&none, NULL));
        TEST_CHECK(!bm_iter_remove(&none));
        free(raw);
    }
}

/* For every entry e of the map: an iterator from N_iter_at(e) gives
 * exactly the entries after e in a whole iteration, in its order. */
#define ITER_AT_TAIL_CASE(T, cap, n)                                                          \
    do {                                                                                      \
        void *raw_;                                                                           \
        T *m_ = FILLED(T, cap, n, &raw_);                                                     \
        static uint32_t order_[1100];                                                         \
        uint32_t total_ = 0;                                                                  \
        T##_iter it_ = T##_iter_begin(m_);                                                    \
        T##_entry e_;                                                                         \
        while (T##_iter_next(&it_, &e_) && total_ < 1100) order_[total_++] = *e_.key;         \
        TEST_EQ_U(total_, (n));                                                               \
        for (uint32_t a_ = 0; a_ < total_; a_++) {                                            \
            T##_iter from_ = T##_iter_at(m_, T##_get_entry(m_, order_[a_]));                  \
            uint32_t i_ = a_ + 1;                                                             \
            while (T##_iter_next(&from_, &e_)) {                                              \
                if (i_ >= total_ || *e_.key != order_[i_]) break;                             \
                i_++;                                                                         \
            }                                                                                 \
            TEST_EQ_U(i_, total_); /* the whole tail, nothing else */                         \
            TEST_CHECK(!T##_iter_next(&from_, NULL));                                         \
            if (test_failing()) {                                                             \
                fprintf(stderr, "  " #T " capacity %u, %u entries, from entry %u\n", (unsigned)(cap), \
                        (unsigned)(n), a_);                                                    \
                break;                                                                        \
            }                                                                                 \
        }                                                                                     \
        free(raw_);                                                                           \
    } while (0)

static void iter_at_gives_the_tail(void)
{
    ITER_AT_TAIL_CASE(bm, 1, 1);
    ITER_AT_TAIL_CASE(bm, 8, 5);
    ITER_AT_TAIL_CASE(bm, 8, 8);
    ITER_AT_TAIL_CASE(bm, 16, 16);
    ITER_AT_TAIL_CASE(bm, 64, 30);
    ITER_AT_TAIL_CASE(bm, 256, 224); /* load 0.875 */
    ITER_AT_TAIL_CASE(bm, 256, 256); /* completely full */
    ITER_AT_TAIL_CASE(bm, 1024, 1000);
    ITER_AT_TAIL_CASE(bm, 1024, 1024);
    ITER_AT_TAIL_CASE(bcon, 16, 9);   /* wraps round the end */
    ITER_AT_TAIL_CASE(bcon, 256, 200);
    ITER_AT_TAIL_CASE(bcon, 256, 256);
    ITER_AT_TAIL_CASE(bzero, 64, 40);  /* groups 0..2 full: the walk starts at group 3 */
    ITER_AT_TAIL_CASE(bzero, 256, 100);
    ITER_AT_TAIL_CASE(bzero, 256, 256);
}

/* N_iter_at at an entry whose removal frees a slot in a group before the
 * walk's start, so that a walk begun after the removal would start
 * elsewhere: group 0 holds exactly the 16 keys homed there (the walk
 * starts at group 2, after group 1, which has room; without one of them,
 * at group 1). N_iter_remove removes the entry and the iteration goes on
 * with the entries after it in the order of the walk it was made in. */
static void iter_at_remove_moves_no_start(void)
{
    ohm_layout l = bm_layout_for_capacity(256);
    void *raw = test_block(bm_base_align(), l.total_size);
    bm *m = bm_init(raw, l);
    uint32_t in0 = 0, in1 = 0;
    for (uint32_t k = 1; in0 < 16 || in1 < 5; k++) {
        uint32_t g = bm__home_group(m, bm__hash(m, &k));
        if (g == 0 && in0 < 16) in0++, bm_put(m, k, k);
        else if (g == 1 && in1 < 5) in1++, bm_put(m, k, k);
        else if (g > 2 && k % 7 == 0) bm_put(m, k, k); /* a few elsewhere */
    }
    uint32_t order[256], total = 0;
    bm_iter it = bm_iter_begin(m);
    bm_entry e;
    while (bm_iter_next(&it, &e)) order[total++] = *e.key;
    /* group 0 comes after groups 2..15: its first entry is at total - 21 */
    uint32_t at = total - 21, k0 = order[at];
    TEST_EQ_U(bm__slot_of(m, bm_get_key(m, k0)), 0);
    bm_iter from = bm_iter_at(m, bm_get_entry(m, k0));
    TEST_CHECK(bm_iter_remove(&from));
    TEST_CHECK(!bm_iter_remove(&from));
    TEST_CHECK(!bm_contains(m, k0));
    TEST_STATUS(bm_check(m), OHM_OK);
    uint32_t later = 0;
    while (bm_iter_next(&from, &e)) {
        TEST_CHECK(at + 1 + later < total && *e.key == order[at + 1 + later]); /* nothing moved: same order */
        later++;
    }
    TEST_EQ_U(later, 20); /* the other 15 of group 0, the 5 of group 1 */
    /* a walk begun now starts at group 1: its last 15 entries are group 0's */
    it = bm_iter_begin(m);
    uint32_t first = 0;
    TEST_CHECK(bm_iter_next(&it, &e));
    first = *e.key;
    TEST_EQ_U(bm__home_group(m, bm__hash(m, &first)), 1);
    free(raw);
}

typedef struct pred_ctx {
    uint32_t calls, mod, rem;
    uint8_t called[1100];
} pred_ctx;

static bool by_mod(bm_entry e, void *vctx)
{
    pred_ctx *c = vctx;
    c->calls++;
    TEST_CHECK(!c->called[*e.key]);
    c->called[*e.key] = 1;
    if (c->mod && *e.key % c->mod == c->rem) return true;
    *e.value = 7; /* survivors may be written */
    return false;
}
static bool by_mod_con(bcon_entry e, void *vctx) { return by_mod((bm_entry){e.key, e.value}, vctx); }

#define REMOVE_IF_CASE(T, fn, cap, n, mod_, rem_)                                             \
    do {                                                                                      \
        void *raw_;                                                                           \
        T *m_ = FILLED(T, cap, n, &raw_);                                                     \
        pred_ctx c_;                                                                          \
        memset(&c_, 0, sizeof c_);                                                            \
        c_.mod = (mod_);                                                                      \
        c_.rem = (rem_);                                                                      \
        uint32_t want_ = 0;                                                                   \
        for (uint32_t k_ = 1; k_ <= (n); k_++) want_ += c_.mod && k_ % c_.mod == c_.rem;      \
        TEST_EQ_U(T##_remove_if(m_, fn, &c_), want_);                                         \
        TEST_EQ_U(c_.calls, (n));                                                             \
        TEST_EQ_U(T##_count(m_), (n) - want_);                                                \
        for (uint32_t k_ = 1; k_ <= (n); k_++) {                                              \
            bool gone_ = c_.mod && k_ % c_.mod == c_.rem;                                     \
            TEST_EQ_U(T##_contains(m_, k_), !gone_);                                          \
            if (!gone_) TEST_EQ_U(*T##_get(m_, k_), 7);                                       \
        }                                                                                     \
        TEST_STATUS(T##_check(m_), OHM_OK);                                                   \
        free(raw_);                                                                           \
    } while (0)

static void remove_by_predicate(void)
{
    /* every entry, none, every other, one in three; at 100% load; under a
     * constant hash that wraps round the end */
    const uint32_t mods[][2] = {{1, 0}, {0, 0}, {2, 0}, {2, 1}, {3, 2}, {7, 3}};
    for (size_t i = 0; i < sizeof mods / sizeof mods[0]; i++) {
        REMOVE_IF_CASE(bm, by_mod, 1024, 1000, mods[i][0], mods[i][1]);
        REMOVE_IF_CASE(bm, by_mod, 1024, 1024, mods[i][0], mods[i][1]);
        REMOVE_IF_CASE(bm, by_mod, 16, 16, mods[i][0], mods[i][1]);
        REMOVE_IF_CASE(bm, by_mod, 1, 1, mods[i][0], mods[i][1]);
        REMOVE_IF_CASE(bcon, by_mod_con, 256, 256, mods[i][0], mods[i][1]);
        REMOVE_IF_CASE(bcon, by_mod_con, 256, 100, mods[i][0], mods[i][1]);
    }
    /* An empty map and capacity 0: pred never called. */
    void *raw;
    bm *m = FILLED(bm, 0, 0, &raw);
    pred_ctx c;
    memset(&c, 0, sizeof c);
    TEST_EQ_U(bm_remove_if(m, by_mod, &c), 0);
    TEST_EQ_U(c.calls, 0);
    free(raw);
}

static void batched_lookup(void)
{
    void *raw;
    bm *m = FILLED(bm, 1024, 900, &raw);
    uint32_t keys[3000];
    bm_entry out[3000];
    uint64_t rng = 5;
    /* present, absent and repeated keys, more than the table holds */
    for (size_t i = 0; i < 3000; i++) keys[i] = (uint32_t)(test_rand(&rng) % 1800);
    for (size_t n = 0; n <= 3000; n = n ? n * 3 : 1) {
        memset(out, 0xab, sizeof out);
        bm_get_many(m, keys, n, out);
        for (size_t i = 0; i < n; i++) {
            bm_entry one = bm_get_entry(m, keys[i]);
            TEST_CHECK(out[i].key == one.key && out[i].value == one.value);
            TEST_EQ_U(out[i].key != NULL, keys[i] >= 1 && keys[i] <= 900);
        }
        /* nothing past n written */
        if (n < 3000) TEST_CHECK(((unsigned char *)&out[n])[0] == 0xab);
    }
    bm_get_many(m, keys, 3000, out);
    free(raw);
    /* tables of less than a group, and exactly one, full */
    static const uint32_t caps[] = {1, 2, 8, 16};
    for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
        m = FILLED(bm, caps[c], caps[c], &raw);
        for (size_t i = 0; i < 40; i++) keys[i] = (uint32_t)i;
        bm_get_many(m, keys, 40, out);
        for (size_t i = 0; i < 40; i++) {
            bm_entry one = bm_get_entry(m, keys[i]);
            TEST_CHECK(out[i].key == one.key && out[i].value == one.value);
            TEST_EQ_U(out[i].key != NULL, keys[i] >= 1 && keys[i] <= caps[c]);
        }
        free(raw);
    }
    /* capacity 0, and a set */
    m = FILLED(bm, 0, 0, &raw);
    bm_get_many(m, keys, 10, out);
    for (size_t i = 0; i < 10; i++) TEST_CHECK(out[i].key == NULL);
    free(raw);
    ohm_layout l = bset_layout(100);
    void *sb = test_block(bset_base_align(), l.total_size);
    bset *s = bset_init(sb, l);
    uint64_t sk[200];
    bset_entry se[200];
    for (uint64_t i = 0; i < 200; i++) {
        sk[i] = i * 11;
        if (i % 2) bset_put(s, sk[i]);
    }
    bset_get_many(s, sk, 200, se);
    for (size_t i = 0; i < 200; i++) TEST_EQ_U(se[i].key != NULL, i % 2);
    free(sb);
}

/* N_put_many against a loop of N_put on a twin block: the same count
 * returned (the loop stops at its first OHM_FULL) and byte-identical
 * blocks after. */
#define PUT_MANY_CASE(T, twin_, m_, keys_, vals_, n_)                                          \
    do {                                                                                      \
        size_t want_ = 0;                                                                     \
        while (want_ < (n_) && T##_put((twin_), (keys_)[want_], (vals_)[want_]) != OHM_FULL) want_++; \
        size_t got_ = T##_put_many((m_), (keys_), (vals_), (n_));                             \
        TEST_EQ_U(got_, want_);                                                               \
        TEST_EQ_U(T##_count(m_), T##_count(twin_));                                           \
        TEST_CHECK(memcmp((m_), (twin_), T##_block_size(m_)) == 0);                           \
        TEST_STATUS(T##_check(m_), OHM_OK);                                                   \
        if (got_ < (n_)) { /* stopped at a key that did not fit: absent, map at its maximum */ \
            TEST_CHECK(!T##_contains((m_), (keys_)[got_]));                                   \
            TEST_EQ_U(T##_count(m_), T##_max_load(m_));                                       \
        }                                                                                     \
    } while (0)

/* Two empty blocks of one layout and maximum load. */
#define TWINS(T, cap, load, m, twin, rawm, rawt)                                              \
    do {                                                                                      \
        ohm_layout l_ = T##_layout_for_capacity(cap);                                         \
        rawm = test_block(T##_base_align(), l_.total_size);                                   \
        rawt = test_block(T##_base_align(), l_.total_size);                                   \
        m = T##_init_ex(rawm, l_, 0, (load));                                                 \
        twin = T##_init_ex(rawt, l_, 0, (load));                                              \
    } while (0)

static void batched_puts(void)
{
    enum { N = 3000 };
    static uint32_t keys[N], vals[N];
    uint64_t rng = 9;
    void *rm, *rt;
    bm *m, *twin;
    /* An empty batch, NULL arrays included: nothing changes. */
    TWINS(bm, 64, 100, m, twin, rm, rt);
    bm_put(m, 1, 1);
    bm_put(twin, 1, 1);
    TEST_EQ_U(bm_put_many(m, NULL, NULL, 0), 0);
    TEST_EQ_U(bm_put_many(m, keys, vals, 0), 0);
    TEST_CHECK(memcmp(m, twin, bm_block_size(m)) == 0);
    free(rm);
    free(rt);
    /* Batches of every length around the pipeline's depth, with keys
     * present before, repeated in the batch (the later value wins) and
     * new; capacities 0, 1, 16, 64 and 1024 at maximum loads 100, 87 and
     * 50, so that most batches run into a full map part way. */
    static const uint32_t caps[] = {0, 1, 16, 64, 1024};
    static const unsigned loads[] = {100, 87, 50};
    static const size_t lens[] = {1, 2, 31, 32, 33, 64, 100, 3000};
    for (size_t c = 0; c < 5; c++)
        for (size_t l = 0; l < 3; l++)
            for (size_t b = 0; b < 8; b++) {
                TWINS(bm, caps[c], loads[l], m, twin, rm, rt);
                uint32_t space = caps[c] + caps[c] / 2 + 2; /* hits, misses and repeats */
                for (uint32_t k = 0; k < space / 3; k++) { /* some present before */
                    uint32_t key = (uint32_t)(test_rand(&rng) % space);
                    bm_put(m, key, 1);
                    bm_put(twin, key, 1);
                }
                for (size_t i = 0; i < lens[b]; i++) {
                    keys[i] = (uint32_t)(test_rand(&rng) % space);
                    vals[i] = (uint32_t)test_rand(&rng);
                }
                PUT_MANY_CASE(bm, twin, m, keys, vals, lens[b]);
                /* every key put holds the value of its last occurrence */
                size_t done = 0;
                while (done < lens[b] && bm_contains(m, keys[done])) done++;
                for (size_t i = 0; i < done; i++) {
                    size_t last = i;
                    for (size_t j = i + 1; j < done; j++)
                        if (keys[j] == keys[i]) last = j;
                    uint32_t *v = bm_get(m, keys[i]);
                    TEST_CHECK(v != NULL && *v == vals[last]);
                    if (test_failing()) break;
                }
                free(rm);
                free(rt);
                if (test_failing()) return;
            }
    /* Every key homed in one slot: each put of the batch takes the slot the
     * next one's prefetch pointed at, so every probe must be done afresh. */
    for (uint32_t cap = 16; cap <= 256; cap *= 4) {
        bcon *cm, *ct;
        TWINS(bcon, cap, 100, cm, ct, rm, rt);
        for (size_t i = 0; i < 400; i++) {
            keys[i] = (uint32_t)(i % 3 == 2 ? i - 1 : i); /* overwrites inside the batch too */
            vals[i] = (uint32_t)i * 5;
        }
        PUT_MANY_CASE(bcon, ct, cm, keys, vals, 400);
        TEST_EQ_U(bcon_count(cm), cap);
        free(rm);
        free(rt);
    }
    /* A batch into a full map: present keys overwritten up to the first
     * absent one. */
    TWINS(bm, 16, 100, m, twin, rm, rt);
    for (uint32_t k = 0; k < 16; k++) {
        bm_put(m, k, 0);
        bm_put(twin, k, 0);
    }
    const uint32_t fk[] = {3, 4, 99, 5}, fv[] = {30, 40, 990, 50};
    PUT_MANY_CASE(bm, twin, m, fk, fv, 4);
    TEST_EQ_U(bm_count(m), 16);
    TEST_EQ_U(*bm_get(m, 3), 30);
    TEST_EQ_U(*bm_get(m, 4), 40);
    TEST_EQ_U(*bm_get(m, 5), 0); /* after the stop: untouched */
    TEST_CHECK(!bm_contains(m, 99));
    TEST_EQ_U(bm_put_many(m, fk, fv, 4), 2);
    free(rm);
    free(rt);
    /* A set: the same without values. */
    static uint64_t skeys[N];
    bset *s, *st;
    TWINS(bset, 128, 87, s, st, rm, rt);
    for (size_t i = 0; i < 200; i++) skeys[i] = test_rand(&rng) % 150;
    size_t want = 0;
    while (want < 200 && bset_put(st, skeys[want]) != OHM_FULL) want++;
    TEST_EQ_U(bset_put_many(s, skeys, 200), want);
    TEST_CHECK(want < 200);
    TEST_EQ_U(bset_count(s), bset_max_load(s));
    TEST_CHECK(memcmp(s, st, bset_block_size(s)) == 0);
    TEST_EQ_U(bset_put_many(s, NULL, 0), 0);
    TEST_CHECK(memcmp(s, st, bset_block_size(s)) == 0);
    free(rm);
    free(rt);
}

static void capacity_for_a_budget(void)
{
    TEST_EQ_U(bm_layout_for_bytes(0).total_size, 0);
    /* the header, the sync area, the value buffer, one stripe word */
    size_t empty = (size_t)test_total_size(0, test_meta_start(0, sizeof(uint32_t), 4), 8);
    TEST_EQ_U(bm_layout_for_bytes(empty - 1).total_size, 0);
    ohm_layout z = bm_layout_for_bytes(empty);
    TEST_EQ_U(z.total_size, empty);
    TEST_EQ_U(z.capacity, 0);
    for (uint32_t cap = 1; cap <= (1u << 20); cap *= 2) {
        ohm_layout l = bm_layout_for_capacity(cap);
        ohm_layout below = bm_layout_for_bytes(l.total_size - 1);
        ohm_layout exact = bm_layout_for_bytes(l.total_size);
        ohm_layout above = bm_layout_for_bytes(l.total_size + 1);
        TEST_EQ_U(below.capacity, cap / 2);
        TEST_EQ_U(exact.capacity, cap);
        TEST_EQ_U(above.capacity, cap);
        TEST_EQ_U(exact.total_size, l.total_size);
        TEST_CHECK(exact.keys_start == l.keys_start && exact.vals_start == l.vals_start);
        TEST_CHECK(below.total_size <= l.total_size - 1);
    }
    ohm_layout all = bm_layout_for_bytes(SIZE_MAX);
    if (SIZE_MAX > UINT32_MAX) TEST_EQ_U(all.capacity, OHM_MAX_CAPACITY);
    TEST_CHECK(all.total_size != 0);
    if (all.capacity < OHM_MAX_CAPACITY) /* 32-bit: the next capacity does not fit */
        TEST_EQ_U(bm_layout_for_capacity(all.capacity * 2).total_size, 0);
    /* a set's blocks are smaller: more slots for the same budget */
    TEST_CHECK(bset_layout_for_bytes(100000).capacity >= bm_layout_for_bytes(100000).capacity);
    /* what the budget buys can be used */
    ohm_layout l = bm_layout_for_bytes(5000);
    void *raw = test_block(bm_base_align(), l.total_size);
    TEST_CHECK(bm_init(raw, l) != NULL);
    free(raw);
}

int main(void)
{
    RUN(remove_while_iterating);
    RUN(iterate_from_a_found_entry);
    RUN(iter_at_gives_the_tail);
    RUN(iter_at_remove_moves_no_start);
    RUN(remove_by_predicate);
    RUN(batched_lookup);
    RUN(batched_puts);
    RUN(capacity_for_a_budget);
    return test_finish();
}
