/* test_stress_kill.c - writers killed with SIGKILL at random moments, the
 * map repaired by the next locker, and checked against an oracle that
 * knows what every completed operation did.
 *
 * One MAP_SHARED block holds a robust process-shared mutex, an intent log,
 * an oracle and the map (uint64_t keys, 40-byte values: an overwrite or a
 * move is five 8-byte stores). Child processes take the mutex and churn the
 * map: put, put_new, fetch_put, get_or_put_value, remove, fetch_remove,
 * remove_at, remove_if, clear. Every value is the key, a generation (the
 * operation's number) and words derived from both, so a torn value, a value
 * under the wrong key or an old value where a new one belongs is seen.
 *
 * The intent log says what the lock holder is doing, one word at a time:
 *
 *   IDLE    the map is exactly the oracle;
 *   FLIGHT  the operation in the log has been started on the map: the map
 *           is the oracle, or the oracle with that operation applied;
 *   APPLY   the operation is done on the map and is being applied to the
 *           oracle: the map is the oracle with the operation applied (the
 *           application is idempotent, so a half-applied oracle with the
 *           operation applied once more is the whole of it).
 *
 * The operation's fields are written while the log is IDLE; the state word
 * is one atomic store, so a kill anywhere leaves one of these three. The
 * parent kills the lock holder (now and then another child) after a random
 * amount of progress plus a random spin; every 50th kill is aimed into a
 * remove_if predicate (below). The next locker, a child or the
 * parent, gets EOWNERDEAD and heals: N_check (OHM_OK, or OHM_BUSY when the
 * writer was cut mid-write), N_recover (must be OHM_OK),
 * pthread_mutex_consistent, N_check (OHM_OK), then the map against the
 * oracle: every key's presence and value, the values intact, a walk that
 * meets no key twice and nothing outside the key set, the count, N_read
 * agreeing with N_get. A healer may itself be killed: the log and the
 * journal in the block make that one more cut to heal.
 *
 * The second case runs lock-free readers (processes calling N_read, and
 * N_read_begin/N_read_end sections) beside one writer that is killed
 * again and again. Keys of three kinds: stable (inserted first, never
 * changed: found with their value, or OHM_BUSY), never inserted (absent,
 * or OHM_BUSY) and churned (found with an intact value of their own, absent,
 * or OHM_BUSY). After each kill the parent holds the lock without
 * recovering and has the readers read a sample of keys in the frozen
 * block: an answer must be OHM_BUSY when the key's home group's stripe was
 * left odd, and otherwise right (the key in flight: before or after); then
 * it recovers and the same reads must all be right and none OHM_BUSY.
 * Every fourth kill is aimed: the writer stalls in a remove_if predicate
 * after dooming an entry, so the kill lands with every stripe odd.
 *
 * Sizes: OHM_KILLS (or the second argument) kills in the first case,
 * default 300; the reader case makes max(24, kills / 50). No assertion
 * depends on time; OHM_READ_WAIT_MS is made short only so that reads of a
 * dead writer's groups give up quickly.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#define _POSIX_C_SOURCE 200809L
#define OHM_READ_WAIT_MS 5u
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "robust.h"
#include "test.h"

typedef struct val {
    uint64_t key, gen, a, b, sum;
} val;

/* These tests fill tables to their last slot: maximum load 100, by
 * name (the default, 88, stops short). */
#define OHM_NAME kmap
#define OHM_KEY uint64_t
#define OHM_VALUE val
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

enum {
    CAPACITY = 512,     /* 32 groups, 32 stripes */
    NKEYS = 600,        /* keys the writers use: more than fit */
    NEVER = 64,         /* keys after them, never inserted */
    NALL = NKEYS + NEVER,
    NCHILD = 2,         /* writers in the first case */
    NREADERS = 2,       /* readers in the second */
    NSAMPLE = 40,       /* keys read in a frozen block */
    DEADLINE_S = 120,   /* no progress for this long: the run fails */
};

/* ------------------------------------------------------------------------
 * Keys, values, the oracle's words
 * ---------------------------------------------------------------------- */

static uint64_t key_of(uint32_t i) { return (uint64_t)(i + 1) << 24 | 0xabcu; }
/* The index of a key, or NALL for a word that is no key of the test. */
static uint32_t index_of(uint64_t k)
{
    uint64_t i = (k >> 24) - 1;
    return (k & 0xffffffu) == 0xabcu && (k >> 24) >= 1 && i < NALL ? (uint32_t)i : NALL;
}
static bool is_stable(uint32_t i) { return i < NKEYS && i % 4 == 0; }

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}
static val make_val(uint64_t k, uint64_t gen)
{
    val v;
    v.key = k;
    v.gen = gen;
    v.a = mix(k ^ gen * 0x9e3779b97f4a7c15u);
    v.b = mix(v.a + gen);
    v.sum = mix(k + 3 * gen + 5 * v.a + 7 * v.b);
    return v;
}
/* A whole value of key k as one write left it. */
static bool intact(const val *v, uint64_t k)
{
    val w = make_val(k, v->gen);
    return v->key == k && v->a == w.a && v->b == w.b && v->sum == w.sum;
}

/* An oracle word: gen << 1 | present (0: absent). One store. */
static uint64_t word_of(bool present, uint64_t gen) { return present ? gen << 1 | 1u : 0; }

/* ------------------------------------------------------------------------
 * The shared block
 * ---------------------------------------------------------------------- */

enum { ST_IDLE, ST_FLIGHT, ST_APPLY };
enum { OP_NONE, OP_PUT, OP_PUT_NEW, OP_FETCH_PUT, OP_GET_OR_PUT_VALUE, OP_REMOVE, OP_FETCH_REMOVE, OP_REMOVE_AT,
       OP_REMOVE_IF, OP_CLEAR, OP_COUNT };
static const char *const op_name[OP_COUNT] = {"none", "put", "put_new", "fetch_put", "get_or_put_value", "remove",
                                              "fetch_remove", "remove_at", "remove_if", "clear"};

typedef struct intent {
    uint32_t state;  /* ST_*, one atomic store */
    uint32_t op;     /* OP_* */
    uint32_t idx;    /* the key's index */
    uint32_t full;   /* the oracle held max_entries keys: an insertion gets OHM_FULL */
    uint32_t mod, rem, keep_stable; /* remove_if: index % mod == rem, stable keys excepted when keep_stable */
    uint32_t pad;
    uint64_t gen;    /* the new value's generation */
} intent;

typedef struct stats {
    uint64_t kills, heals, heals_done, owner_dead, mid_write, parent_heals, aimed;
    uint64_t at_state[3];
    uint64_t flight_before[OP_COUNT], flight_after[OP_COUNT], flight_same[OP_COUNT];
    uint64_t ops[OP_COUNT];
    uint64_t full_tables;
    uint64_t frozen_reads, frozen_busy, frozen_odd, after_reads;
} stats;

typedef struct reader_report {
    uint64_t reads, busy, found, absent, sections, sections_ok, wrong, torn;
    uint64_t ack;                 /* the frozen request it answered last */
    uint32_t ans[NSAMPLE];        /* its answers to it: status */
    uint64_t ans_word[NSAMPLE];   /* and the oracle word they give */
} reader_report;

typedef struct ctl {
    pthread_mutex_t lock;  /* robust, process-shared: the writers' lock */
    intent in;             /* guarded by the lock */
    uint64_t next_gen;     /* guarded by the lock */
    uint32_t fill;         /* the churn's phase: filling or draining */
    uint32_t readers_mode; /* the second case: churn keys only, no clear */
    uint64_t oracle[NALL]; /* guarded by the lock: word_of(present, gen) */
    stats st;              /* guarded by the lock (the parent reads it alone) */
    /* Between processes without the lock (atomics): */
    uint64_t ops_done;     /* operations completed, all writers */
    int32_t holder;        /* the pid holding the lock, 0 none */
    uint32_t stop;         /* the children finish */
    uint32_t failures;     /* checks that failed, any process */
    uint32_t stall;        /* 1: the next remove_if stalls in its predicate; 2: one does */
    uint32_t in_pred;      /* it does now */
    uint64_t request;      /* a frozen-read request's number */
    uint32_t sample[NSAMPLE];
    reader_report rep[NREADERS];
    uint64_t seed;
    uint64_t map_off;
} ctl;

static kmap *map_of(ctl *c) { return kmap_at(c, c->map_off); }

static uint64_t ld64(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
static uint32_t ld32(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
static void st64(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }
static void st32(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }

static const char *who = "parent";
static bool is_parent = true;
static uint64_t kill_no; /* in the parent: kills so far (for messages) */

/* A failed check, from any process: counted in the block, printed. */
static void fail(ctl *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL (%s, pid %d, seed %llu, after kill %llu): ", who, (int)getpid(),
            (unsigned long long)c->seed, (unsigned long long)kill_no);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    __atomic_add_fetch(&c->failures, 1, __ATOMIC_SEQ_CST);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void nap(long us)
{
    struct timespec t = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&t, NULL);
}

/* ------------------------------------------------------------------------
 * The oracle
 * ---------------------------------------------------------------------- */

static bool doomed(const intent *in, uint32_t i)
{
    return i % in->mod == in->rem && !(in->keep_stable && is_stable(i));
}

/* Key i's oracle word after the operation `in`, from its word w before.
 * Applying it twice is applying it once. */
static uint64_t after_of(const intent *in, uint32_t i, uint64_t w)
{
    bool present = w & 1;
    switch (in->op) {
    case OP_PUT:
    case OP_FETCH_PUT:
        return i == in->idx && (present || !in->full) ? word_of(true, in->gen) : w;
    case OP_PUT_NEW:
        return i == in->idx && !in->full ? word_of(true, in->gen) : w;
    case OP_GET_OR_PUT_VALUE:
        return i == in->idx && !present && !in->full ? word_of(true, in->gen) : w;
    case OP_REMOVE:
    case OP_FETCH_REMOVE:
    case OP_REMOVE_AT:
        return i == in->idx ? 0 : w;
    case OP_REMOVE_IF:
        return doomed(in, i) ? 0 : w;
    case OP_CLEAR:
        return 0;
    default:
        return w;
    }
}

static void apply_to_oracle(ctl *c)
{
    if (c->in.op != OP_REMOVE_IF && c->in.op != OP_CLEAR) { /* one key */
        uint64_t w = ld64(&c->oracle[c->in.idx]), a = after_of(&c->in, c->in.idx, w);
        if (a != w) st64(&c->oracle[c->in.idx], a);
        return;
    }
    for (uint32_t i = 0; i < NALL; i++) {
        uint64_t w = ld64(&c->oracle[i]), a = after_of(&c->in, i, w);
        if (a != w) st64(&c->oracle[i], a);
    }
}

static uint32_t oracle_count(ctl *c)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < NALL; i++) n += (uint32_t)(ld64(&c->oracle[i]) & 1);
    return n;
}

/* ------------------------------------------------------------------------
 * The map against the oracle (the caller holds the lock, no write runs)
 * ---------------------------------------------------------------------- */

/* Key i's word in the map, or UINT64_MAX (after a failure) for a torn value. */
static uint64_t map_word(ctl *c, kmap *m, uint32_t i)
{
    const val *v = kmap_get(m, key_of(i));
    if (!v) return 0;
    if (!intact(v, key_of(i))) {
        fail(c, "key %u: value not intact (gen %llu)", (unsigned)i, (unsigned long long)v->gen);
        return UINT64_MAX;
    }
    return word_of(true, v->gen);
}

enum { SAME = 1, BEFORE = 2, AFTER = 4 };
/* Compares the map with the oracle and with the oracle after the logged
 * operation, whole-map (both only while in flight): returns which of
 * BEFORE and AFTER it equals (SAME: both, the operation changed nothing),
 * 0 (after a failure) when neither. Also: no key twice, nothing else in
 * the map, the count, and N_read's answers. */
static int compare(ctl *c, kmap *m, bool allow_before, bool allow_after)
{
    bool can_before = allow_before, can_after = allow_after;
    uint32_t present = 0, first_bad = NALL;
    for (uint32_t i = 0; i < NALL; i++) {
        uint64_t got = map_word(c, m, i), bef = ld64(&c->oracle[i]), aft = after_of(&c->in, i, bef);
        if (got != bef) can_before = false;
        if (got != aft) can_after = false;
        if (got != bef && got != aft && first_bad == NALL) first_bad = i;
        if (!can_before && !can_after && first_bad == NALL) first_bad = i;
        present += got != 0;
        val v;
        ohm_status rs = kmap_read(m, key_of(i), &v);
        if (rs != (got ? OHM_FOUND : OHM_ABSENT) || (rs == OHM_FOUND && (!intact(&v, key_of(i)) || word_of(true, v.gen) != got)))
            fail(c, "key %u: N_read gave %s, N_get %s", (unsigned)i, ohm_strerror(rs), got ? "found" : "absent");
    }
    if (!can_before && !can_after) {
        uint64_t bef = ld64(&c->oracle[first_bad]);
        fail(c, "map is neither before nor after %s (state %u, key %u, gen %llu): key %u is %llx, before %llx, after %llx",
             op_name[c->in.op], (unsigned)c->in.state, (unsigned)c->in.idx, (unsigned long long)c->in.gen,
             (unsigned)first_bad, (unsigned long long)map_word(c, m, first_bad), (unsigned long long)bef,
             (unsigned long long)after_of(&c->in, first_bad, bef));
        return 0;
    }
    /* The walk: every entry a key of the test, once, intact. */
    static uint8_t seen[NALL];
    memset(seen, 0, sizeof seen);
    uint32_t walked = 0;
    kmap_iter it = kmap_iter_begin(m);
    kmap_entry e;
    while (kmap_iter_next(&it, &e)) {
        uint32_t i = index_of(*e.key);
        walked++;
        if (i == NALL) fail(c, "a stray key %llx in the map", (unsigned long long)*e.key);
        else if (seen[i]++) fail(c, "key %u twice in the map", (unsigned)i);
        else if (!intact(e.value, *e.key)) fail(c, "key %u: value not intact in the walk", (unsigned)i);
        if (walked > CAPACITY) break;
    }
    if (walked != present || kmap_count(m) != present)
        fail(c, "count %u, walk %u, keys found %u", (unsigned)kmap_count(m), (unsigned)walked, (unsigned)present);
    return can_before && can_after ? SAME : can_before ? BEFORE : AFTER;
}

/* ------------------------------------------------------------------------
 * Locking and healing
 * ---------------------------------------------------------------------- */

/* The lock is held and its owner died: repair the map, make the mutex
 * consistent, check the map against the oracle and settle the log. */
static void heal(ctl *c, kmap *m)
{
    c->st.heals++;
    c->st.parent_heals += is_parent;
    ohm_status before = kmap_check(m);
    if (before == OHM_BUSY) c->st.mid_write++;
    else if (before != OHM_OK) fail(c, "N_check before N_recover: %s", ohm_strerror(before));
    ohm_status r = kmap_recover(m);
    if (r != OHM_OK) fail(c, "N_recover: %s (log: %s, state %u)", ohm_strerror(r), op_name[c->in.op], (unsigned)c->in.state);
    if (pthread_mutex_consistent(&c->lock) != 0) fail(c, "pthread_mutex_consistent");
    ohm_status after = kmap_check(m);
    if (after != OHM_OK) fail(c, "N_check after N_recover: %s", ohm_strerror(after));
    uint32_t state = ld32(&c->in.state);
    if (state < 3) c->st.at_state[state]++;
    if (state == ST_IDLE) {
        c->in.op = OP_NONE;
        compare(c, m, true, false);
    } else if (state == ST_FLIGHT) {
        int how = compare(c, m, true, true);
        uint32_t op = c->in.op < OP_COUNT ? c->in.op : OP_NONE;
        if (how == SAME) c->st.flight_same[op]++;
        if (how == BEFORE) c->st.flight_before[op]++;
        if (how == AFTER) c->st.flight_after[op]++;
        if (how == AFTER || how == SAME) {
            st32(&c->in.state, ST_APPLY);
            apply_to_oracle(c);
        }
    } else if (state == ST_APPLY) {
        compare(c, m, false, true);
        apply_to_oracle(c);
    } else {
        fail(c, "log state %u", (unsigned)state);
    }
    st32(&c->in.state, ST_IDLE);
    c->st.heals_done++;
}

/* Takes the writers' lock; heals when its owner died. */
static bool lock(ctl *c)
{
    int rc = pthread_mutex_lock(&c->lock);
    if (rc == 0 || rc == EOWNERDEAD) /* a healer is a holder too: it may be killed */
        __atomic_store_n(&c->holder, (int32_t)getpid(), __ATOMIC_SEQ_CST);
    if (rc == EOWNERDEAD) {
        c->st.owner_dead++;
        heal(c, map_of(c));
        rc = 0;
    }
    if (rc != 0) {
        fail(c, "pthread_mutex_lock: %d", rc);
        return false;
    }
    if (ld32(&c->in.state) != ST_IDLE) fail(c, "the lock was free with the log in state %u", (unsigned)c->in.state);
    return true;
}

static void unlock(ctl *c)
{
    __atomic_store_n(&c->holder, 0, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&c->lock);
}

/* ------------------------------------------------------------------------
 * The writers
 * ---------------------------------------------------------------------- */

typedef struct pred_ctx {
    ctl *c;
    uint32_t doomed_seen;
} pred_ctx;

static bool pred(kmap_entry e, void *ctx_)
{
    pred_ctx *p = ctx_;
    uint32_t i = index_of(*e.key);
    bool d = i < NALL && doomed(&p->c->in, i);
    uint32_t one = 1; /* the stall is claimed by one writer: the others go on */
    if (d && p->doomed_seen++ >= 1 &&
        __atomic_compare_exchange_n(&p->c->stall, &one, 2, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        /* inside the mutation: wait to be killed */
        st32(&p->c->in_pred, 1);
        for (;;) nap(1000);
    }
    return d;
}

/* Chooses the next operation into the log (state IDLE). */
static void choose(ctl *c, kmap *m, uint64_t *rng)
{
    intent *in = &c->in;
    uint32_t n = kmap_count(m), max = CAPACITY; /* the oracle's count: the log is idle */
    if (c->fill && n == max && test_rand(rng) % 8 == 0) c->fill = 0;
    if (!c->fill && n <= CAPACITY / 3) c->fill = 1;
    uint64_t r = test_rand(rng);
    uint32_t i;
    for (int tries = 0; tries < 8; tries++) { /* filling: look for an absent key, so that the table fills */
        do i = (uint32_t)(test_rand(rng) % NKEYS); while (c->readers_mode && is_stable(i));
        if (!c->fill || !(ld64(&c->oracle[i]) & 1)) break;
    }
    bool present = ld64(&c->oracle[i]) & 1;
    uint32_t pick = (uint32_t)(r % 10000);
    in->idx = i;
    in->full = n >= max;
    in->gen = ++c->next_gen;
    in->mod = 2 + (uint32_t)(r >> 32) % 7;
    in->rem = (uint32_t)(r >> 40) % in->mod;
    in->keep_stable = c->readers_mode;
    uint32_t odd = 0; /* keys an aimed remove_if would doom */
    for (uint32_t j = 1; j < NKEYS && ld32(&c->stall) == 1; j += 2) odd += (uint32_t)(ld64(&c->oracle[j]) & 1);
    if (odd >= 2) { /* aimed: the predicate stalls at the second doomed entry */
        in->op = OP_REMOVE_IF;
        in->mod = 2;
        in->rem = 1;
    } else if (pick < 5 && !c->readers_mode) { /* rare enough that the table fills up */
        in->op = OP_CLEAR;
    } else if (pick < 25) {
        in->op = OP_REMOVE_IF;
    } else if ((pick < 8000) == (bool)c->fill) { /* filling: about 80% inserts; draining: 20% */
        switch ((r >> 48) % 4) {
        case 0: in->op = OP_PUT; break;
        case 1: in->op = present ? OP_FETCH_PUT : OP_PUT_NEW; break;
        case 2: in->op = OP_GET_OR_PUT_VALUE; break;
        default: in->op = present ? OP_PUT : OP_PUT_NEW; break;
        }
        if (in->op == OP_PUT_NEW && in->full) in->op = OP_PUT;
    } else {
        in->op = present ? OP_REMOVE + (uint32_t)((r >> 48) % 3) : OP_REMOVE;
    }
}

/* One operation: logged, done, checked, applied to the oracle. */
static void one_op(ctl *c, kmap *m, uint64_t *rng)
{
    choose(c, m, rng);
    intent *in = &c->in;
    uint32_t i = in->idx;
    uint64_t k = key_of(i), w = ld64(&c->oracle[i]);
    bool present = w & 1;
    val v = make_val(k, in->gen);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    st32(&in->state, ST_FLIGHT);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    bool ok = true;
    switch (in->op) {
    case OP_PUT:
        ok = kmap_put(m, k, v) == (present ? OHM_FOUND : in->full ? OHM_FULL : OHM_OK);
        break;
    case OP_PUT_NEW:
        ok = kmap_put_new(m, k, v) == OHM_OK;
        break;
    case OP_FETCH_PUT: {
        kmap_kv old;
        ok = kmap_fetch_put(m, k, v, &old) == OHM_FOUND && old.key == k && intact(&old.value, k) &&
             word_of(true, old.value.gen) == w;
        break;
    }
    case OP_GET_OR_PUT_VALUE: {
        kmap_entry e;
        ohm_status s = kmap_get_or_put_value(m, k, v, &e);
        ok = s == (present ? OHM_FOUND : in->full ? OHM_FULL : OHM_OK) &&
             (s == OHM_FULL || (e.key && *e.key == k && word_of(true, e.value->gen) == (present ? w : word_of(true, in->gen))));
        break;
    }
    case OP_REMOVE:
        ok = kmap_remove(m, k) == present;
        break;
    case OP_FETCH_REMOVE: {
        kmap_kv old;
        ok = kmap_fetch_remove(m, k, &old) && word_of(true, old.value.gen) == w;
        break;
    }
    case OP_REMOVE_AT: {
        uint64_t *kp = kmap_get_key(m, k);
        ok = kp != NULL;
        if (kp) kmap_remove_at(m, kp);
        break;
    }
    case OP_REMOVE_IF: {
        uint32_t want = 0;
        for (uint32_t j = 0; j < NALL; j++) want += (ld64(&c->oracle[j]) & 1) && doomed(in, j);
        pred_ctx p = {c, 0};
        ok = kmap_remove_if(m, pred, &p) == want;
        break;
    }
    case OP_CLEAR:
        kmap_clear(m);
        break;
    default:
        ok = false;
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    st32(&in->state, ST_APPLY);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!ok) fail(c, "%s of key %u (present %d, full %u) answered wrong", op_name[in->op], (unsigned)i, (int)present,
                  (unsigned)in->full);
    apply_to_oracle(c);
    if (kmap_count(m) == CAPACITY) c->st.full_tables++;
    c->st.ops[in->op]++;
    st32(&in->state, ST_IDLE);
    __atomic_add_fetch(&c->ops_done, 1, __ATOMIC_SEQ_CST);
}

static int writer(ctl *c, uint64_t seed)
{
    who = "writer";
    is_parent = false;
    uint64_t rng = seed;
    kmap *m = map_of(c);
    while (!ld32(&c->stop)) {
        if (!lock(c)) return 2;
        unsigned batch = 1 + (unsigned)(test_rand(&rng) % 16);
        for (unsigned b = 0; b < batch && !ld32(&c->failures); b++) one_op(c, m, &rng);
        unlock(c);
        if (ld32(&c->failures)) return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * The readers (second case): N_read without the lock
 * ---------------------------------------------------------------------- */

/* One lock-free read of key i, judged by what any moment of the churn may
 * give; returns the status, and the oracle word of the answer in *word. */
static ohm_status read_one(ctl *c, kmap *m, reader_report *rp, uint32_t i, uint64_t *word)
{
    val v;
    ohm_status s = kmap_read(m, key_of(i), &v);
    rp->reads++;
    *word = 0;
    if (s == OHM_BUSY) {
        rp->busy++;
    } else if (s == OHM_FOUND) {
        rp->found++;
        if (!intact(&v, key_of(i))) {
            rp->torn++;
            fail(c, "N_read of key %u: a value not intact (gen %llu)", (unsigned)i, (unsigned long long)v.gen);
        }
        *word = word_of(true, v.gen);
        if (i >= NKEYS) {
            rp->wrong++;
            fail(c, "N_read found key %u, never inserted", (unsigned)i);
        }
    } else if (s == OHM_ABSENT) {
        rp->absent++;
        if (is_stable(i)) {
            rp->wrong++;
            fail(c, "N_read did not find the stable key %u", (unsigned)i);
        }
    } else {
        rp->wrong++;
        fail(c, "N_read of key %u: %s", (unsigned)i, ohm_strerror(s));
    }
    /* a stable key's value never changes: its first generation */
    if (s == OHM_FOUND && is_stable(i) && v.gen != i + 1) {
        rp->wrong++;
        fail(c, "N_read of the stable key %u: generation %llu", (unsigned)i, (unsigned long long)v.gen);
    }
    return s;
}

static int reader(ctl *c, int r, uint64_t seed)
{
    who = "reader";
    is_parent = false;
    reader_report *rp = &c->rep[r];
    kmap *m = map_of(c);
    uint64_t rng = seed;
    while (!ld32(&c->stop) && !ld32(&c->failures)) {
        uint64_t req = ld64(&c->request);
        if (req != rp->ack) { /* the parent asks for a pass over the sample */
            for (uint32_t j = 0; j < NSAMPLE; j++)
                rp->ans[j] = (uint32_t)read_one(c, m, rp, c->sample[j], &rp->ans_word[j]);
            st64(&rp->ack, req);
            continue;
        }
        uint32_t i = (uint32_t)(test_rand(&rng) % NALL);
        uint64_t w1, w2;
        if (test_rand(&rng) % 16 == 0) { /* a section: two reads no write came between agree */
            uint32_t t = kmap_read_begin(m);
            ohm_status s1 = read_one(c, m, rp, i, &w1), s2 = read_one(c, m, rp, i, &w2);
            rp->sections++;
            if (kmap_read_end(m, t)) {
                rp->sections_ok++;
                if (s1 == OHM_BUSY || s1 != s2 || w1 != w2) {
                    rp->wrong++;
                    fail(c, "a read section with no write in it gave %s %llx then %s %llx for key %u", ohm_strerror(s1),
                         (unsigned long long)w1, ohm_strerror(s2), (unsigned long long)w2, (unsigned)i);
                }
            }
        } else {
            read_one(c, m, rp, i, &w1);
        }
    }
    return ld32(&c->failures) ? 1 : 0;
}

/* ------------------------------------------------------------------------
 * The parent
 * ---------------------------------------------------------------------- */

typedef struct run {
    ctl *c;
    size_t size;
    uint64_t rng;
    pid_t writers[NCHILD];
    pid_t readers[NREADERS];
    int nwriters;
} run;

static bool setup(run *R, uint64_t seed, bool readers_mode)
{
    ohm_layout l = kmap_layout_for_capacity(CAPACITY);
    ohm_plan p = ohm_plan_init();
    ohm_plan_add(&p, sizeof(ctl), _Alignof(ctl));
    uint64_t map_off = ohm_plan_add_map(&p, l, kmap_base_align());
    TEST_CHECK(!p.failed);
    R->size = (size_t)((p.size + 4095) & ~(uint64_t)4095);
    R->c = mmap(NULL, R->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    TEST_CHECK(R->c != MAP_FAILED);
    if (R->c == MAP_FAILED) return false;
    ctl *c = R->c;
    c->map_off = map_off;
    c->seed = seed;
    c->fill = 1;
    c->readers_mode = readers_mode;
    R->rng = seed * 0x9e3779b97f4a7c15u + (readers_mode ? 7 : 3);
    TEST_CHECK(test_robust_mutex_init(&c->lock));
    kmap *m = kmap_init_seeded(ohm_ptr(c, map_off), l, seed);
    TEST_CHECK(m != NULL);
    if (!m) return false;
    c->next_gen = NALL + 1;
    if (readers_mode) /* the stable keys, generation i + 1, never changed */
        for (uint32_t i = 0; i < NKEYS; i++)
            if (is_stable(i)) {
                TEST_STATUS(kmap_put(m, key_of(i), make_val(key_of(i), i + 1)), OHM_OK);
                c->oracle[i] = word_of(true, i + 1);
            }
    return true;
}

static pid_t spawn_writer(run *R)
{
    uint64_t s = test_rand(&R->rng);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) _exit(writer(R->c, s));
    TEST_CHECK(pid > 0);
    return pid;
}

static pid_t spawn_reader(run *R, int r)
{
    uint64_t s = test_rand(&R->rng);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) _exit(reader(R->c, r, s));
    TEST_CHECK(pid > 0);
    return pid;
}

/* Waits until the writers completed `n` more operations (or a writer
 * stalled in a predicate, when aimed); false when nothing moved for
 * DEADLINE_S or a check failed. */
static bool await_progress(run *R, uint64_t n, bool aimed)
{
    ctl *c = R->c;
    uint64_t target = ld64(&c->ops_done) + n, last = ld64(&c->ops_done);
    double give_up = now() + DEADLINE_S;
    while (aimed ? !ld32(&c->in_pred) : ld64(&c->ops_done) < target) {
        if (ld32(&c->failures)) return false;
        uint64_t d = ld64(&c->ops_done);
        if (d != last) {
            last = d;
            give_up = now() + DEADLINE_S;
        }
        if (now() > give_up) {
            fail(c, "no progress for %d s", DEADLINE_S);
            return false;
        }
        sched_yield();
    }
    return true;
}

/* The kill: the lock holder (one time in eight, or when none, a writer at
 * random; always the holder when aimed), after a random spin. Returns the index of the writer killed. */
static int kill_one(run *R, bool aimed)
{
    ctl *c = R->c;
    volatile uint64_t spin = 0;
    for (uint64_t s = test_rand(&R->rng) % 20000; s > 0; s--) spin++;
    pid_t h = (pid_t)__atomic_load_n(&c->holder, __ATOMIC_SEQ_CST);
    int v = (int)(test_rand(&R->rng) % (uint64_t)R->nwriters);
    if (aimed || test_rand(&R->rng) % 8 != 0) /* the stalled writer holds the lock */
        for (int w = 0; w < R->nwriters; w++)
            if (R->writers[w] == h) v = w;
    kill(R->writers[v], SIGKILL);
    int st;
    waitpid(R->writers[v], &st, 0);
    R->writers[v] = 0;
    kill_no++;
    return v;
}

static void stop_all(run *R)
{
    ctl *c = R->c;
    st32(&c->stop, 1);
    if (ld32(&c->failures)) /* a writer may be stalled, or waiting: end them now */
        for (int w = 0; w < R->nwriters; w++)
            if (R->writers[w] > 0) kill(R->writers[w], SIGKILL);
    for (int w = 0; w < R->nwriters; w++) {
        if (R->writers[w] <= 0) continue;
        int st = 0;
        double give_up = now() + DEADLINE_S;
        pid_t got;
        while ((got = waitpid(R->writers[w], &st, WNOHANG)) == 0 && now() < give_up) nap(1000);
        if (got == 0) {
            fail(c, "writer %d did not stop", w);
            kill(R->writers[w], SIGKILL);
            waitpid(R->writers[w], &st, 0);
        } else if (!ld32(&c->failures) && (!WIFEXITED(st) || WEXITSTATUS(st) != 0)) {
            fail(c, "writer %d: exit status %#x", w, (unsigned)st);
        }
        R->writers[w] = 0;
    }
    for (int r = 0; r < NREADERS; r++) {
        if (R->readers[r] <= 0) continue;
        int st = 0;
        waitpid(R->readers[r], &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) fail(c, "reader %d: exit status %#x", r, (unsigned)st);
        R->readers[r] = 0;
    }
}

/* The parent's own last word: under the lock (healing if need be), the map
 * is the oracle and validates. */
static void final_check(run *R)
{
    ctl *c = R->c;
    if (!lock(c)) return;
    TEST_EQ_U(c->in.state, ST_IDLE);
    c->in.op = OP_NONE;
    TEST_CHECK(compare(c, map_of(c), true, false) != 0);
    TEST_STATUS(kmap_check(map_of(c)), OHM_OK);
    TEST_STATUS(kmap_validate(map_of(c), R->size - c->map_off), OHM_OK);
    TEST_EQ_U(kmap_count(map_of(c)), oracle_count(c));
    unlock(c);
}

static void print_stats(const stats *s, double seconds)
{
    printf("  %llu kills in %.1f s: the next locker found the owner dead %llu times (%llu by the parent), "
           "%llu of them mid-write (N_check OHM_BUSY); %llu heals began, %llu finished (the rest were killed)\n",
           (unsigned long long)s->kills, seconds, (unsigned long long)s->owner_dead, (unsigned long long)s->parent_heals,
           (unsigned long long)s->mid_write, (unsigned long long)s->heals, (unsigned long long)s->heals_done);
    printf("  log at the heal: idle %llu, in flight %llu, applying %llu; aimed kills %llu; full tables seen %llu\n",
           (unsigned long long)s->at_state[ST_IDLE], (unsigned long long)s->at_state[ST_FLIGHT],
           (unsigned long long)s->at_state[ST_APPLY], (unsigned long long)s->aimed, (unsigned long long)s->full_tables);
    printf("  in flight when killed (before / after / no change either way), and operations done:\n");
    for (int op = 1; op < OP_COUNT; op++)
        printf("    %-17s %5llu / %5llu / %5llu   %9llu\n", op_name[op], (unsigned long long)s->flight_before[op],
               (unsigned long long)s->flight_after[op], (unsigned long long)s->flight_same[op],
               (unsigned long long)s->ops[op]);
}

static uint64_t run_seed = 1, kills_wanted = 300;

/* The first case: writers killed, the next locker heals. */
static void killed_writers_heal(void)
{
    run R;
    memset(&R, 0, sizeof R);
    if (!setup(&R, run_seed, false)) return;
    ctl *c = R.c;
    R.nwriters = NCHILD;
    for (int w = 0; w < NCHILD; w++) R.writers[w] = spawn_writer(&R);
    uint64_t kills = 0, aimed_kills = 0;
    double t0 = now();
    for (uint64_t k = 0; k < kills_wanted && !ld32(&c->failures); k++) {
        bool aimed = k % 50 == 49; /* now and then: in a remove_if, every stripe odd */
        if (aimed) st32(&c->stall, 1);
        aimed_kills += aimed;
        /* sometimes no progress at all: the kill may land in a heal */
        if (!await_progress(&R, test_rand(&R.rng) % 48, aimed)) break;
        int v = kill_one(&R, aimed);
        kills++;
        if (!aimed && test_rand(&R.rng) % 6 == 0) { /* at once the next holder too: maybe a healer */
            volatile uint64_t spin = 0;
            for (uint64_t s = test_rand(&R.rng) % 5000; s > 0; s--) spin++;
            pid_t h = (pid_t)__atomic_load_n(&c->holder, __ATOMIC_SEQ_CST);
            for (int w = 0; w < NCHILD; w++)
                if (h > 0 && R.writers[w] == h) {
                    kill(h, SIGKILL);
                    int st;
                    waitpid(h, &st, 0);
                    kill_no++;
                    kills++;
                    k++;
                    R.writers[w] = spawn_writer(&R);
                }
        }
        if (aimed) {
            st32(&c->stall, 0);
            st32(&c->in_pred, 0);
        }
        if (test_rand(&R.rng) % 3 == 0) { /* the parent races the other writer to the lock */
            if (!lock(c)) break;
            unlock(c);
        }
        R.writers[v] = spawn_writer(&R);
    }
    double secs = now() - t0;
    stop_all(&R);
    final_check(&R);
    c->st.kills = kills;
    c->st.aimed = aimed_kills;
    print_stats(&c->st, secs);
    TEST_EQ_U(c->failures, 0);
    TEST_CHECK(kills >= kills_wanted);
    pthread_mutex_destroy(&c->lock);
    munmap(c, R.size);
}

/* Key i's home stripe is odd in the frozen block: N_read must say BUSY. */
static bool home_stripe_odd(kmap *m, uint32_t i)
{
    uint64_t k = key_of(i);
    uint32_t g = kmap__home_group(m, kmap__hash(m, &k));
    return __atomic_load_n(kmap__stripes(m) + (g & (ohm__stripes(CAPACITY) - 1)), __ATOMIC_SEQ_CST) & 1;
}

/* Asks the readers to read the sample, waits for their answers and judges
 * them; `frozen`: the writer is dead and nothing recovered yet. */
static void sample_reads(run *R, bool frozen, uint64_t *req)
{
    ctl *c = R->c;
    kmap *m = map_of(c);
    for (uint32_t j = 0; j < NSAMPLE; j++) {
        uint32_t i = j == 0 && c->in.state != ST_IDLE ? c->in.idx : (uint32_t)(test_rand(&R->rng) % NALL);
        c->sample[j] = i;
    }
    st64(&c->request, ++*req);
    double give_up = now() + DEADLINE_S;
    for (int r = 0; r < NREADERS; r++)
        while (ld64(&c->rep[r].ack) != *req) {
            if (now() > give_up || ld32(&c->failures)) {
                if (!ld32(&c->failures)) fail(c, "reader %d did not answer", r);
                return;
            }
            nap(100);
        }
    uint32_t state = c->in.state;
    for (int r = 0; r < NREADERS; r++)
        for (uint32_t j = 0; j < NSAMPLE; j++) {
            uint32_t i = c->sample[j];
            ohm_status s = (ohm_status)c->rep[r].ans[j];
            uint64_t got = c->rep[r].ans_word[j], o = c->oracle[i];
            uint64_t bef = state == ST_APPLY ? after_of(&c->in, i, o) : o;
            uint64_t aft = state == ST_IDLE ? o : after_of(&c->in, i, o);
            bool odd = frozen && home_stripe_odd(m, i);
            if (frozen) {
                c->st.frozen_reads++;
                c->st.frozen_busy += s == OHM_BUSY;
                c->st.frozen_odd += odd;
            } else {
                c->st.after_reads++;
            }
            if (odd && s != OHM_BUSY)
                fail(c, "key %u: its home stripe is odd in the frozen block, yet N_read gave %s", (unsigned)i,
                     ohm_strerror(s));
            else if (!frozen && s == OHM_BUSY)
                fail(c, "key %u: N_read gave OHM_BUSY after recovery", (unsigned)i);
            else if (s != OHM_BUSY && got != bef && got != aft)
                fail(c, "key %u: N_read gave %s %llx, the oracle says %llx (or %llx)", (unsigned)i,
                     ohm_strerror(s), (unsigned long long)got, (unsigned long long)bef,
                     (unsigned long long)aft);
        }
}

/* The second case: lock-free readers while the writer is killed. */
static void readers_see_busy_not_wrong(void)
{
    run R;
    memset(&R, 0, sizeof R);
    if (!setup(&R, run_seed + 1000, true)) return;
    ctl *c = R.c;
    kmap *m = map_of(c);
    R.nwriters = 1;
    for (int r = 0; r < NREADERS; r++) R.readers[r] = spawn_reader(&R, r);
    R.writers[0] = spawn_writer(&R);
    uint64_t kills = kills_wanted / 50 > 24 ? kills_wanted / 50 : 24, req = 0;
    uint64_t whole_busy = 0, ticket_false = 0, snap_busy = 0;
    double t0 = now();
    for (uint64_t k = 0; k < kills && !ld32(&c->failures); k++) {
        bool aimed = k % 4 == 3;
        if (aimed) st32(&c->stall, 1);
        if (!await_progress(&R, 1 + test_rand(&R.rng) % 200, aimed)) break;
        kill_one(&R, aimed);
        /* The lock, without healing yet: the block as the writer left it. */
        int rc = pthread_mutex_lock(&c->lock);
        if (rc != 0 && rc != EOWNERDEAD) {
            fail(c, "pthread_mutex_lock: %d", rc);
            break;
        }
        c->st.kills++;
        c->st.aimed += aimed;
        bool busy = kmap_check(m) == OHM_BUSY;
        if (aimed && !busy) fail(c, "killed in a remove_if predicate, yet N_check does not say OHM_BUSY");
        uint32_t t = kmap_read_begin(m);
        bool ended = kmap_read_end(m, t);
        if (busy == ended) fail(c, "N_read_end gave %d on a block %s", (int)ended, busy ? "left mid-write" : "at rest");
        ticket_false += !ended;
        void *snap = aligned_alloc(kmap_base_align(), (kmap_block_size(m) + 63) / 64 * 64);
        ohm_status ss = kmap_snapshot(m, snap, kmap_block_size(m));
        if (ss != (busy ? OHM_BUSY : OHM_OK)) fail(c, "N_snapshot gave %s", ohm_strerror(ss));
        snap_busy += ss == OHM_BUSY;
        bool all_odd = true;
        for (uint32_t s = 0; s < ohm__stripes(CAPACITY); s++)
            all_odd = all_odd && (__atomic_load_n(kmap__stripes(m) + s, __ATOMIC_SEQ_CST) & 1);
        if (aimed && !all_odd) fail(c, "killed in a remove_if predicate, yet a stripe is even");
        whole_busy += all_odd;
        sample_reads(&R, true, &req);
        if (rc == EOWNERDEAD) {
            c->st.owner_dead++;
            heal(c, m);
        }
        if (aimed) {
            st32(&c->stall, 0);
            st32(&c->in_pred, 0);
        }
        sample_reads(&R, false, &req);
        ss = kmap_snapshot(m, snap, kmap_block_size(m));
        if (ss != OHM_OK || kmap_check((kmap *)snap) != OHM_OK) fail(c, "N_snapshot after recovery: %s", ohm_strerror(ss));
        free(snap);
        __atomic_store_n(&c->holder, 0, __ATOMIC_SEQ_CST);
        pthread_mutex_unlock(&c->lock);
        R.writers[0] = spawn_writer(&R);
    }
    double secs = now() - t0;
    stop_all(&R);
    final_check(&R);
    uint64_t reads = 0, busy = 0, found = 0, absent = 0, sections = 0, sections_ok = 0, wrong = 0;
    for (int r = 0; r < NREADERS; r++) {
        const reader_report *rp = &c->rep[r];
        reads += rp->reads;
        busy += rp->busy;
        found += rp->found;
        absent += rp->absent;
        sections += rp->sections;
        sections_ok += rp->sections_ok;
        wrong += rp->wrong + rp->torn;
    }
    printf("  %llu kills of the writer in %.1f s (%llu aimed into remove_if; %llu left every stripe odd), "
           "%llu of them mid-write\n",
           (unsigned long long)c->st.kills, secs, (unsigned long long)c->st.aimed, (unsigned long long)whole_busy,
           (unsigned long long)c->st.mid_write);
    printf("  readers: %llu reads (%llu found, %llu absent, %llu OHM_BUSY), %llu sections (%llu with no write in them), "
           "%llu wrong\n",
           (unsigned long long)reads, (unsigned long long)found, (unsigned long long)absent, (unsigned long long)busy,
           (unsigned long long)sections, (unsigned long long)sections_ok, (unsigned long long)wrong);
    printf("  frozen blocks: %llu sample reads, %llu OHM_BUSY (%llu of keys whose home stripe was odd), "
           "N_read_end false %llu times, N_snapshot OHM_BUSY %llu times; after recovery %llu reads, none busy\n",
           (unsigned long long)c->st.frozen_reads, (unsigned long long)c->st.frozen_busy,
           (unsigned long long)c->st.frozen_odd, (unsigned long long)ticket_false, (unsigned long long)snap_busy,
           (unsigned long long)c->st.after_reads);
    TEST_EQ_U(c->failures, 0);
    TEST_EQ_U(wrong, 0);
    TEST_EQ_U(c->st.kills, kills);
    TEST_CHECK(whole_busy >= c->st.aimed); /* every aimed kill left the whole block busy */
    pthread_mutex_destroy(&c->lock);
    munmap(c, R.size);
}

int main(int argc, char **argv)
{
    run_seed = test_seed(argc, argv, 1);
    const char *k = argc > 2 ? argv[2] : getenv("OHM_KILLS");
    if (k) kills_wanted = strtoull(k, NULL, 0);
    if (kills_wanted == 0) kills_wanted = 1;
    printf("%llu kills (OHM_KILLS or the second argument)\n", (unsigned long long)kills_wanted);
    RUN(killed_writers_heal);
    RUN(readers_see_busy_not_wrong);
    return test_finish();
}
