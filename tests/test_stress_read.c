/* test_stress_read.c - lock-free readers (N_read, N_read_begin/N_read_end,
 * N_snapshot) beside one writer churning the map, every answer checked.
 *
 * The writer puts, overwrites and removes keys, now and then removes a
 * fifth of them with N_remove_if, and rarely clears the map and puts the
 * stable keys back. Every value it stores encodes its key, the
 * generation (the count of operations on that key so far) and a checksum,
 * for 8-byte values and for 48-byte ones. Before each operation on a key
 * the writer publishes the key's new state as pending (generation,
 * present before, present after) and, after it, as done; a clear phase is
 * bracketed by an epoch counter (odd meanwhile).
 *
 * A reader loads the key's state before and after its N_read. The answer
 * must be one the key held between the two: when no operation overlapped
 * (both states equal and done), exactly that state (found with that
 * generation, or absent); otherwise found with a generation from the last
 * one done to the newest one begun (never one whose state was absent), or
 * absent only when one of those states was. Moreover: every value found is
 * well-formed (key, checksum); keys never inserted are never found; the
 * stable keys are found outside clear phases; the generations a reader
 * sees of one key never go back. A section (N_read_begin .. N_read_end
 * true) reads keys 0 and 1, which the writer overwrites as a pair (0, then
 * 1): within one moment gen(0) - gen(1) is 0 or 1. A section reads its keys
 * twice and must get the same answers. N_snapshot copies pass N_check,
 * hold the stable keys outside clear phases and pass the same per-key
 * judgement for every key.
 *
 * Maps: u64 -> u64, capacity 4096 (92% full at most); u64 -> 48-byte
 * values, capacity 1024; a hash that sends every key to 4 of 64 groups
 * (probes past 16 groups: the readers' sequence-word mode, distance code
 * 15); capacity 8 (one partial group, the mirror). Threads (one reader
 * through a second mapping of the block, at another address), then
 * processes: readers forked over an anonymous MAP_SHARED block (same
 * address), and readers that map a memfd themselves (another address).
 * Under ThreadSanitizer only the threads run.
 *
 * Time: OHM_READ_MS per map and mode (default test_scale(300)), or with
 * OHM_READ_LOOKUPS=N until the readers made N lookups in all (the long
 * run, tools/shared-long.sh). No check depends on timing: OHM_BUSY answers
 * are counted, not judged (after the writer stopped, none may occur).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

typedef struct wval {
    uint64_t key;
    uint32_t j, gen;
    uint64_t w[3];
    uint64_t sum;
} wval;

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}
/* Key j: j in the high half (remove_if's predicate reads it back). */
static uint64_t keyof(uint32_t j) { return (uint64_t)j << 32 | (uint32_t)mix(j + 0x51u); }

static uint64_t enc8(uint32_t j, uint32_t gen)
{
    return (uint64_t)j << 44 | (uint64_t)(gen & 0xfffffffu) << 16 | (mix((uint64_t)j << 32 | gen) >> 48);
}
static bool dec8(uint64_t v, uint32_t j, uint32_t *gen)
{
    *gen = (uint32_t)(v >> 16) & 0xfffffffu;
    return (uint32_t)(v >> 44) == j && (v & 0xffffu) == mix((uint64_t)j << 32 | *gen) >> 48;
}
static wval encw(uint32_t j, uint32_t gen)
{
    wval v;
    v.key = keyof(j);
    v.j = j;
    v.gen = gen;
    for (int i = 0; i < 3; i++) v.w[i] = mix(v.key + (uint64_t)gen * (uint64_t)(i + 1));
    v.sum = mix(v.key ^ v.w[0] ^ v.w[1] ^ v.w[2] ^ gen);
    return v;
}
static bool decw(wval v, uint32_t j, uint32_t *gen)
{
    *gen = v.gen;
    wval want = encw(j, v.gen);
    return v.key == want.key && v.j == j && memcmp(v.w, want.w, sizeof v.w) == 0 && v.sum == want.sum;
}

/* Every key's home in groups 0..3 of the table (4 * 16 slots), the
 * fingerprint and class bits from a good mix: long displacements. */
static uint64_t clus_hash(uint64_t k)
{
    uint64_t h = mix(k);
    return (h & ~(uint64_t)0xffffffffu) | (h & 63u);
}

/* These tests fill tables to their last slot: maximum load 100, by
 * name (the default, 88, stops short). */
#define OHM_NAME nmap
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME wmap
#define OHM_KEY uint64_t
#define OHM_VALUE wval
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

#define OHM_NAME cmap
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#define OHM_HASH(k) clus_hash(k)
#define OHM_TYPE_TAG 7
#define OHM_MAX_LOAD 100
#include "ohm_map.h"

/* What the scenario needs of a map type. */
typedef struct mops {
    const char *name;
    ohm_layout (*layout)(uint32_t cap);
    size_t (*base_align)(void);
    bool (*init)(void *buf, ohm_layout l);
    ohm_status (*insert)(void *m, uint32_t j, uint32_t gen, unsigned how);
    ohm_status (*overwrite)(void *m, uint32_t j, uint32_t gen, unsigned how);
    bool (*remove)(void *m, uint32_t j, unsigned how);
    size_t (*remove_fifth)(void *m, uint32_t stable, uint32_t r);
    void (*clear)(void *m);
    uint32_t (*count)(const void *m);
    ohm_status (*check)(const void *m);
    /* N_read, the value decoded: *gen, *wf (well-formed). */
    ohm_status (*read)(const void *m, uint32_t j, uint32_t *gen, bool *wf);
    uint32_t (*read_begin)(const void *m);
    bool (*read_end)(const void *m, uint32_t t);
    ohm_status (*snapshot)(const void *m, void *dst, size_t n);
    /* N_get on a private map: 1 found, 0 absent. */
    int (*get)(const void *m, uint32_t j, uint32_t *gen, bool *wf);
    /* Every entry: key == keyof(j) with j < limit and a well-formed value;
     * returns the entries, or -1 at the first that is not. */
    long (*scan)(const void *m, uint32_t limit);
} mops;

typedef struct fifth {
    uint32_t stable, r;
} fifth;

#define MAP_OPS(N, V, ENC, DEC)                                                                      \
    static ohm_layout N##_o_layout(uint32_t cap) { return N##_layout_for_capacity(cap); }            \
    static size_t N##_o_align(void) { return N##_base_align(); }                                     \
    static bool N##_o_init(void *buf, ohm_layout l) { return N##_init(buf, l) != NULL; }             \
    static ohm_status N##_o_insert(void *m, uint32_t j, uint32_t gen, unsigned how)                  \
    {                                                                                                \
        N##_entry e;                                                                                 \
        return how % 3 == 0   ? N##_put(m, keyof(j), ENC(j, gen))                                    \
               : how % 3 == 1 ? N##_put_new(m, keyof(j), ENC(j, gen))                                \
                              : N##_get_or_put_value(m, keyof(j), ENC(j, gen), &e);                  \
    }                                                                                                \
    static ohm_status N##_o_overwrite(void *m, uint32_t j, uint32_t gen, unsigned how)               \
    {                                                                                                \
        N##_kv old;                                                                                  \
        return how % 2 ? N##_put(m, keyof(j), ENC(j, gen)) : N##_fetch_put(m, keyof(j), ENC(j, gen), &old); \
    }                                                                                                \
    static bool N##_o_remove(void *m, uint32_t j, unsigned how)                                      \
    {                                                                                                \
        N##_kv old;                                                                                  \
        return how % 2 ? N##_remove(m, keyof(j)) : N##_fetch_remove(m, keyof(j), &old);              \
    }                                                                                                \
    static bool N##_o_pred(N##_entry e, void *ctx)                                                   \
    {                                                                                                \
        const fifth *f = ctx;                                                                        \
        uint32_t j = (uint32_t)(*e.key >> 32);                                                       \
        return j >= f->stable && (j + f->r) % 5 == 0;                                                \
    }                                                                                                \
    static size_t N##_o_remove_fifth(void *m, uint32_t stable, uint32_t r)                           \
    {                                                                                                \
        fifth f = {stable, r};                                                                       \
        return N##_remove_if(m, N##_o_pred, &f);                                                     \
    }                                                                                                \
    static void N##_o_clear(void *m) { N##_clear(m); }                                               \
    static uint32_t N##_o_count(const void *m) { return N##_count(m); }                              \
    static ohm_status N##_o_check(const void *m) { return N##_check(m); }                            \
    static ohm_status N##_o_read(const void *m, uint32_t j, uint32_t *gen, bool *wf)                 \
    {                                                                                                \
        V v;                                                                                         \
        memset(&v, 0, sizeof v);                                                                     \
        ohm_status st = N##_read(m, keyof(j), &v);                                                   \
        *wf = st == OHM_FOUND && DEC(v, j, gen);                                                     \
        return st;                                                                                   \
    }                                                                                                \
    static uint32_t N##_o_read_begin(const void *m) { return N##_read_begin(m); }                    \
    static bool N##_o_read_end(const void *m, uint32_t t) { return N##_read_end(m, t); }             \
    static ohm_status N##_o_snapshot(const void *m, void *d, size_t n) { return N##_snapshot(m, d, n); } \
    static int N##_o_get(const void *m, uint32_t j, uint32_t *gen, bool *wf)                         \
    {                                                                                                \
        const V *v = N##_get(m, keyof(j));                                                           \
        *wf = v && DEC(*v, j, gen);                                                                  \
        return v != NULL;                                                                            \
    }                                                                                                \
    static long N##_o_scan(const void *m, uint32_t limit)                                            \
    {                                                                                                \
        long n = 0;                                                                                  \
        N##_iter it = N##_iter_begin(m);                                                             \
        N##_entry e;                                                                                 \
        uint32_t gen;                                                                                \
        while (N##_iter_next(&it, &e)) {                                                             \
            uint32_t j = (uint32_t)(*e.key >> 32);                                                   \
            if (j >= limit || *e.key != keyof(j) || !DEC(*e.value, j, &gen)) return -1;             \
            n++;                                                                                     \
        }                                                                                            \
        return n;                                                                                    \
    }                                                                                                \
    static const mops N##_ops = {#N,         N##_o_layout,    N##_o_align,       N##_o_init,          \
                                 N##_o_insert, N##_o_overwrite, N##_o_remove,   N##_o_remove_fifth,  \
                                 N##_o_clear, N##_o_count,     N##_o_check,       N##_o_read,          \
                                 N##_o_read_begin, N##_o_read_end, N##_o_snapshot, N##_o_get,      \
                                 N##_o_scan};

MAP_OPS(nmap, uint64_t, enc8, dec8)
MAP_OPS(wmap, wval, encw, decw)
MAP_OPS(cmap, uint64_t, enc8, dec8)

/* A run: a map type, its capacity and its key sets (stable keys 0 ..
 * stable-1, churned keys up to inserted-1, never-inserted keys up to
 * total-1). */
typedef struct config {
    const mops *ops;
    const char *what;
    uint32_t cap, stable, churn, ghosts;
} config;

enum { MAX_READERS = 4, NOTE_EVERY = 256 };

/* A reader's report (in the shared block). */
typedef struct report {
    uint64_t lookups; /* published while running (relaxed atomics) */
    uint64_t busy, fails, sections, sections_ok, snapshots, snapshots_ok, found, absent;
    uint64_t view; /* the address it read the block at */
    uint32_t done;
} report;

/* The shared block: this control part, the key states, the map. */
typedef struct ctl {
    uint32_t stop;  /* set by the writer at the end */
    uint32_t epoch; /* odd during a clear phase */
    report rep[MAX_READERS];
    uint64_t states_off, map_off, size;
} ctl;

/* A key's state: gen << 3 | present before << 2 | present after << 1 |
 * pending. */
#define S_GEN(s) ((s) >> 3)
#define S_BEFORE(s) (((s) >> 2) & 1u)
#define S_NOW(s) (((s) >> 1) & 1u)
#define S_PENDING(s) ((s) & 1u)

static uint32_t ld(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static void st(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Whether an answer (found with generation gen and well-formedness wf, or
 * absent) is one the key held between its states s0 (before) and s1
 * (after): NULL, or what is wrong. */
static const char *judge(uint32_t s0, uint32_t s1, bool found, uint32_t gen, bool wf)
{
    uint32_t prior_gen = S_GEN(s0) - S_PENDING(s0);
    uint32_t prior_present = S_PENDING(s0) ? S_BEFORE(s0) : S_NOW(s0);
    uint32_t last_gen = S_GEN(s1), last_present = S_NOW(s1);
    if (last_gen < prior_gen) return "the key's state went back (test error)";
    if (!found) {
        if (prior_present && last_present && last_gen - prior_gen < 2) return "absent, but present throughout";
        return NULL;
    }
    if (!wf) return "found with a malformed value (torn, or another key's)";
    if ((gen == prior_gen && prior_present) || (gen == last_gen && last_present) || (prior_gen < gen && gen < last_gen))
        return NULL;
    if (gen < prior_gen || gen > last_gen) return "found with a value of another time";
    return "found, but absent throughout";
}

typedef struct run {
    const config *cf;
    ctl *c;           /* the writer's view */
    double deadline;  /* 0: none */
    uint64_t target;  /* lookups; 0: none */
    int readers;
    uint64_t seed;
    uint64_t writer_ops, writer_fails;
} run;

static uint32_t *states_of(ctl *c) { return OHM_AT(uint32_t, c, c->states_off); }
static void *map_of(ctl *c) { return ohm_ptr(c, c->map_off); }

/* ------------------------------------------------------------------------
 * The reader.
 * ---------------------------------------------------------------------- */
typedef struct reader {
    const config *cf;
    ctl *c;
    int idx;
    uint64_t rng;
    uint32_t *last; /* the newest generation seen of each key */
    void *snap;     /* N_snapshot's buffer */
    uint32_t *s0, *s1;
    report r;
} reader;

static void failed(reader *rd, const char *what, uint32_t j, uint32_t s0, uint32_t s1, uint32_t gen)
{
    if (rd->r.fails++ < 5)
        fprintf(stderr, "  %s %s reader %d: key %u: %s (states %u:%u%u%u .. %u:%u%u%u, value generation %u)\n",
                rd->cf->ops->name, rd->cf->what, rd->idx, (unsigned)j, what, (unsigned)S_GEN(s0),
                (unsigned)S_BEFORE(s0), (unsigned)S_NOW(s0), (unsigned)S_PENDING(s0), (unsigned)S_GEN(s1),
                (unsigned)S_BEFORE(s1), (unsigned)S_NOW(s1), (unsigned)S_PENDING(s1), (unsigned)gen);
}

/* One checked N_read; its answer for the section checks: -1 busy, 0
 * absent, 1 found (*gen_out). */
static int checked_read(reader *rd, uint32_t j, uint32_t *gen_out)
{
    const config *cf = rd->cf;
    uint32_t *states = states_of(rd->c);
    const void *m = map_of(rd->c);
    uint32_t e0 = ld(&rd->c->epoch), s0 = ld(states + j), gen = 0;
    bool wf = false;
    ohm_status sts = cf->ops->read(m, j, &gen, &wf);
    uint32_t s1 = ld(states + j), e1 = ld(&rd->c->epoch);
    rd->r.lookups++;
    if (sts == OHM_BUSY) {
        rd->r.busy++;
        return -1;
    }
    if (sts != OHM_FOUND && sts != OHM_ABSENT) {
        failed(rd, "N_read answered neither found, absent nor busy", j, s0, s1, 0);
        return -1;
    }
    bool found = sts == OHM_FOUND;
    found ? rd->r.found++ : rd->r.absent++;
    const char *why = judge(s0, s1, found, gen, wf);
    if (why) failed(rd, why, j, s0, s1, gen);
    if (j >= cf->stable + cf->churn && found) failed(rd, "a key never inserted was found", j, s0, s1, gen);
    if (j < cf->stable && e0 == e1 && !(e0 & 1) && !found) failed(rd, "a stable key was not found", j, s0, s1, 0);
    if (found && wf) {
        if (gen < rd->last[j]) failed(rd, "an older value after a newer one", j, s0, s1, gen);
        else rd->last[j] = gen;
    }
    *gen_out = gen;
    return found;
}

/* A section: keys 0 and 1 (the pair), and a few others, each read twice. */
static void section(reader *rd)
{
    enum { K = 6 };
    const config *cf = rd->cf;
    const void *m = map_of(rd->c);
    uint32_t keys[K], gens[2][K];
    int ans[2][K];
    keys[0] = 0;
    keys[1] = cf->stable > 1 ? 1 : 0;
    for (int i = 2; i < K; i++) keys[i] = (uint32_t)(test_rand(&rd->rng) % (cf->stable + cf->churn));
    uint32_t t = cf->ops->read_begin(m);
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < K; i++) ans[pass][i] = checked_read(rd, keys[i], &gens[pass][i]);
    rd->r.sections++;
    if (!cf->ops->read_end(m, t)) return;
    rd->r.sections_ok++;
    for (int i = 0; i < K; i++)
        if (ans[0][i] != ans[1][i] || (ans[0][i] == 1 && gens[0][i] != gens[1][i]))
            failed(rd, "a section read the key twice with different answers", keys[i], 0, 0, gens[1][i]);
    if (keys[1] == 1 && ans[0][0] == 1 && ans[0][1] == 1 && gens[0][0] - gens[0][1] > 1)
        failed(rd, "a section saw keys 0 and 1 from different moments", 1, gens[0][0], gens[0][1], gens[0][1]);
}

static void snapshot_check(reader *rd)
{
    const config *cf = rd->cf;
    uint32_t n = cf->stable + cf->churn + cf->ghosts, *states = states_of(rd->c);
    const void *m = map_of(rd->c);
    uint32_t e0 = ld(&rd->c->epoch);
    for (uint32_t j = 0; j < n; j++) rd->s0[j] = ld(states + j);
    ohm_layout l = cf->ops->layout(cf->cap);
    ohm_status sts = cf->ops->snapshot(m, rd->snap, (size_t)l.total_size);
    for (uint32_t j = 0; j < n; j++) rd->s1[j] = ld(states + j);
    uint32_t e1 = ld(&rd->c->epoch);
    rd->r.snapshots++;
    if (sts == OHM_BUSY) return;
    if (sts != OHM_OK) {
        failed(rd, "N_snapshot failed", 0, 0, 0, 0);
        return;
    }
    rd->r.snapshots_ok++;
    if (cf->ops->check(rd->snap) != OHM_OK) failed(rd, "a snapshot fails N_check", 0, 0, 0, 0);
    long entries = cf->ops->scan(rd->snap, cf->stable + cf->churn);
    if (entries < 0 || (uint32_t)entries != cf->ops->count(rd->snap))
        failed(rd, "a snapshot holds a foreign key or a malformed value", 0, 0, 0, 0);
    uint32_t pair[2] = {0, 0};
    int pair_found = 0;
    for (uint32_t j = 0; j < n; j++) {
        uint32_t gen = 0;
        bool wf = false;
        int found = cf->ops->get(rd->snap, j, &gen, &wf);
        const char *why = judge(rd->s0[j], rd->s1[j], found, gen, wf);
        if (why) failed(rd, why, j, rd->s0[j], rd->s1[j], gen);
        if (j < cf->stable && e0 == e1 && !(e0 & 1) && !found) failed(rd, "a snapshot lacks a stable key", j, 0, 0, 0);
        if (j < 2 && found) pair[j] = gen, pair_found++;
    }
    if (cf->stable > 1 && pair_found == 2 && pair[0] - pair[1] > 1)
        failed(rd, "a snapshot holds keys 0 and 1 from different moments", 1, pair[0], pair[1], pair[1]);
}

static void reader_loop(reader *rd)
{
    const config *cf = rd->cf;
    uint32_t n = cf->stable + cf->churn + cf->ghosts;
    rd->last = calloc(n, sizeof *rd->last);
    rd->s0 = calloc(n, sizeof *rd->s0);
    rd->s1 = calloc(n, sizeof *rd->s1);
    ohm_layout l = cf->ops->layout(cf->cap);
    rd->snap = aligned_alloc(cf->ops->base_align(), (size_t)l.total_size);
    if (!rd->last || !rd->s0 || !rd->s1 || !rd->snap) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    report *pub = &rd->c->rep[rd->idx];
    for (uint64_t round = 0; !__atomic_load_n(&rd->c->stop, __ATOMIC_RELAXED); round++) {
        uint32_t gen;
        for (int i = 0; i < NOTE_EVERY; i++) checked_read(rd, (uint32_t)(test_rand(&rd->rng) % n), &gen);
        section(rd);
        if (round % 64 == 63) snapshot_check(rd);
        __atomic_store_n(&pub->lookups, rd->r.lookups, __ATOMIC_RELAXED);
    }
    free(rd->last);
    free(rd->s0);
    free(rd->s1);
    free(rd->snap);
    rd->r.done = 1;
    rd->r.view = (uint64_t)(uintptr_t)rd->c;
    *pub = rd->r;
}

/* ------------------------------------------------------------------------
 * The writer.
 * ---------------------------------------------------------------------- */
typedef struct writer {
    run *rn;
    uint32_t *states;
    void *m;
    uint64_t rng;
    bool *present;
} writer;

static void wfail(writer *w, const char *what, uint32_t j)
{
    if (w->rn->writer_fails++ < 5) fprintf(stderr, "  writer: key %u: %s\n", (unsigned)j, what);
}

/* The key's state before an operation that leaves it present or not. */
static uint32_t begin_key(writer *w, uint32_t j, bool now_present)
{
    uint32_t s = __atomic_load_n(w->states + j, __ATOMIC_RELAXED);
    uint32_t gen = S_GEN(s) + 1;
    st(w->states + j, gen << 3 | S_NOW(s) << 2 | (uint32_t)now_present << 1 | 1u);
    w->present[j] = now_present;
    return gen;
}
static void end_key(writer *w, uint32_t j)
{
    st(w->states + j, __atomic_load_n(w->states + j, __ATOMIC_RELAXED) & ~1u);
}

static void w_insert(writer *w, uint32_t j)
{
    uint32_t gen = begin_key(w, j, true);
    if (w->rn->cf->ops->insert(w->m, j, gen, (unsigned)test_rand(&w->rng)) != OHM_OK) wfail(w, "insert failed", j);
    end_key(w, j);
}
static void w_overwrite(writer *w, uint32_t j)
{
    uint32_t gen = begin_key(w, j, true);
    if (w->rn->cf->ops->overwrite(w->m, j, gen, (unsigned)test_rand(&w->rng)) != OHM_FOUND)
        wfail(w, "overwrite did not find the key", j);
    end_key(w, j);
}
static void w_remove(writer *w, uint32_t j)
{
    begin_key(w, j, false);
    if (!w->rn->cf->ops->remove(w->m, j, (unsigned)test_rand(&w->rng))) wfail(w, "remove did not find the key", j);
    end_key(w, j);
}

static void w_clear_phase(writer *w)
{
    const config *cf = w->rn->cf;
    ctl *c = w->rn->c;
    uint32_t inserted = cf->stable + cf->churn;
    st(&c->epoch, c->epoch + 1);
    bool *was = calloc(inserted, 1);
    for (uint32_t j = 0; j < inserted; j++)
        if (w->present[j]) was[j] = true, begin_key(w, j, false);
    cf->ops->clear(w->m);
    for (uint32_t j = 0; j < inserted; j++)
        if (was[j]) end_key(w, j);
    free(was);
    if (cf->ops->count(w->m) != 0) wfail(w, "clear left entries", 0);
    for (uint32_t j = 0; j < cf->stable; j++) w_insert(w, j);
    st(&c->epoch, c->epoch + 1);
}

static void w_remove_fifth(writer *w)
{
    const config *cf = w->rn->cf;
    uint32_t r = (uint32_t)(test_rand(&w->rng) % 5), inserted = cf->stable + cf->churn, want = 0;
    bool *doomed = calloc(inserted, 1);
    for (uint32_t j = cf->stable; j < inserted; j++)
        if (w->present[j] && (j + r) % 5 == 0) doomed[j] = true, want++, begin_key(w, j, false);
    size_t got = cf->ops->remove_fifth(w->m, cf->stable, r);
    for (uint32_t j = cf->stable; j < inserted; j++)
        if (doomed[j]) end_key(w, j);
    free(doomed);
    if (got != want) wfail(w, "remove_if removed another number of entries", want);
}

static uint64_t lookups_so_far(run *rn)
{
    uint64_t t = 0;
    for (int i = 0; i < rn->readers; i++) t += __atomic_load_n(&rn->c->rep[i].lookups, __ATOMIC_RELAXED);
    return t;
}

static void writer_loop(run *rn)
{
    const config *cf = rn->cf;
    writer w = {rn, states_of(rn->c), map_of(rn->c), rn->seed ^ 0x77, NULL};
    uint32_t inserted = cf->stable + cf->churn;
    w.present = calloc(inserted, 1);
    for (uint32_t j = 0; j < cf->stable; j++) w_insert(&w, j);
    st(&rn->c->epoch, 2); /* the stable keys are in (setup made the epoch odd) */
    uint64_t ops = 0;
    bool fill = true;
    for (;; ops++) {
        if (ops % 1024 == 0) {
            if ((rn->deadline > 0 && now() >= rn->deadline) || (rn->target && lookups_so_far(rn) >= rn->target)) break;
            if (ops % 8192 == 0) fill = !fill;
        }
        uint64_t r = test_rand(&w.rng);
        if (r % 20000 == 0) {
            w_clear_phase(&w);
        } else if (r % 2000 == 1) {
            w_remove_fifth(&w);
        } else if (r % 16 == 2) { /* the pair, in order */
            w_overwrite(&w, 0);
            if (cf->stable > 1) w_overwrite(&w, 1);
        } else if (r % 16 == 3 && cf->stable > 2) { /* another stable key */
            w_overwrite(&w, 2 + (uint32_t)((r >> 8) % (cf->stable - 2)));
        } else {
            uint32_t j = cf->stable + (uint32_t)((r >> 8) % cf->churn);
            uint32_t u = (uint32_t)(r >> 40) % 10;
            if (!w.present[j]) {
                if (fill || u < 3) w_insert(&w, j);
            } else if (u < 4) {
                w_overwrite(&w, j);
            } else if (!fill || u < 6) {
                w_remove(&w, j);
            }
        }
    }
    rn->writer_ops = ops;
    free(w.present);
    __atomic_store_n(&rn->c->stop, 1, __ATOMIC_RELAXED);
}

/* After the readers stopped: the map is what the states say, every
 * answer exact, no OHM_BUSY. */
static void final_check(run *rn)
{
    const config *cf = rn->cf;
    const void *m = map_of(rn->c);
    uint32_t *states = states_of(rn->c), n = cf->stable + cf->churn + cf->ghosts, want = 0;
    TEST_STATUS(cf->ops->check(m), OHM_OK);
    for (uint32_t j = 0; j < n; j++) {
        uint32_t s = states[j], gen = 0;
        bool wf = false;
        ohm_status sts = cf->ops->read(m, j, &gen, &wf);
        TEST_CHECK(!S_PENDING(s));
        if (S_NOW(s)) {
            want++;
            TEST_STATUS(sts, OHM_FOUND);
            TEST_CHECK(wf && gen == S_GEN(s));
        } else {
            TEST_STATUS(sts, OHM_ABSENT);
        }
    }
    TEST_EQ_U(cf->ops->count(m), want);
}

/* The shared block for a config: control, states, map. */
static size_t block_size(const config *cf, uint64_t *states_off, uint64_t *map_off)
{
    ohm_plan p = ohm_plan_init();
    ohm_plan_add(&p, sizeof(ctl), _Alignof(ctl));
    *states_off = ohm_plan_add(&p, sizeof(uint32_t) * (cf->stable + cf->churn + cf->ghosts), 4);
    *map_off = ohm_plan_add_map(&p, cf->ops->layout(cf->cap), cf->ops->base_align());
    return (size_t)((p.size + 4095) & ~(uint64_t)4095);
}

static void setup(ctl *c, const config *cf, size_t size, uint64_t states_off, uint64_t map_off)
{
    memset(c, 0, size);
    c->states_off = states_off;
    c->map_off = map_off;
    c->size = size;
    c->epoch = 1; /* until the writer has put the stable keys */
    TEST_CHECK(cf->ops->init(map_of(c), cf->ops->layout(cf->cap)));
}

/* A memfd (or, where there is none, a temporary file) of size bytes. */
static int shared_fd(size_t size)
{
    int fd = memfd_create("ohm-read", 0);
    if (fd < 0) {
        FILE *f = tmpfile();
        fd = f ? dup(fileno(f)) : -1;
        if (f) fclose(f);
    }
    if (fd >= 0 && ftruncate(fd, (off_t)size) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static uint64_t total_lookups, total_ops;
static double total_seconds;

static void summary(run *rn, double secs, report *reps)
{
    uint64_t l = 0, busy = 0, fails = 0, sec = 0, secok = 0, sn = 0, snok = 0, fo = 0;
    for (int i = 0; i < rn->readers; i++) {
        report *r = reps + i;
        TEST_CHECK(r->done);
        l += r->lookups, busy += r->busy, fails += r->fails, sec += r->sections, secok += r->sections_ok;
        sn += r->snapshots, snok += r->snapshots_ok, fo += r->found;
    }
    printf("  %s %-22s %9" PRIu64 " lookups (%" PRIu64 " found, %" PRIu64 " busy), sections %" PRIu64 "/%" PRIu64
           ", snapshots %" PRIu64 "/%" PRIu64 ", %" PRIu64 " writes, %.2f s\n",
           rn->cf->ops->name, rn->cf->what, l, fo, busy, secok, sec, snok, sn, rn->writer_ops, secs);
    TEST_EQ_U(fails, 0);
    TEST_EQ_U(rn->writer_fails, 0);
    total_lookups += l;
    total_ops += rn->writer_ops;
    total_seconds += secs;
}

static double run_ms;
static uint64_t run_target;
static uint64_t seed;

static void start_run(run *rn, const config *cf, ctl *c, int readers)
{
    memset(rn, 0, sizeof *rn);
    rn->cf = cf;
    rn->c = c;
    rn->readers = readers;
    rn->seed = seed ^ mix(cf->cap * 31u + cf->stable);
    rn->target = run_target;
    rn->deadline = run_target && run_ms <= 0 ? 0 : now() + (run_ms > 0 ? run_ms : test_scale(300)) / 1000.0;
}

/* ------------------------------------------------------------------------
 * Threads: reader 0 reads through the writer's view, the others through a
 * second mapping of the same memfd (another address).
 * ---------------------------------------------------------------------- */
static void *reader_thread(void *arg)
{
    reader_loop(arg);
    return NULL;
}

static void run_threads(const config *cf)
{
    enum { READERS = 2 };
    uint64_t states_off, map_off;
    size_t size = block_size(cf, &states_off, &map_off);
    int fd = shared_fd(size);
    TEST_CHECK(fd >= 0);
    if (fd < 0) return;
    ctl *c = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ctl *c2 = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    TEST_CHECK(c != MAP_FAILED && c2 != MAP_FAILED);
    if (c == MAP_FAILED || c2 == MAP_FAILED) return;
    setup(c, cf, size, states_off, map_off);
    TEST_CHECK(c2->map_off == map_off); /* the same bytes */
    run rn;
    start_run(&rn, cf, c, READERS);
    reader rds[READERS];
    pthread_t th[READERS];
    double t0 = now();
    for (int i = 0; i < READERS; i++) {
        memset(&rds[i], 0, sizeof rds[i]);
        rds[i].cf = cf;
        rds[i].c = i == 0 ? c : c2;
        rds[i].idx = i;
        rds[i].rng = rn.seed + (uint64_t)i * 1000003u;
        TEST_CHECK(pthread_create(&th[i], NULL, reader_thread, &rds[i]) == 0);
    }
    writer_loop(&rn);
    for (int i = 0; i < READERS; i++) pthread_join(th[i], NULL);
    double secs = now() - t0;
    final_check(&rn);
    TEST_CHECK(c->rep[1].view == (uint64_t)(uintptr_t)c2 && c2 != c);
    summary(&rn, secs, c->rep);
    munmap(c, size);
    munmap(c2, size);
}

/* ------------------------------------------------------------------------
 * Processes: the parent writes, forked children read. ANON: the block is
 * an anonymous MAP_SHARED mapping inherited at the same address. MEMFD:
 * each child maps the memfd itself (a new address), then drops the
 * inherited view.
 * ---------------------------------------------------------------------- */
enum kind { ANON, MEMFD };

static void run_processes(const config *cf, enum kind kind)
{
    enum { READERS = 2 };
    uint64_t states_off, map_off;
    size_t size = block_size(cf, &states_off, &map_off);
    int fd = -1;
    ctl *c;
    if (kind == ANON) {
        c = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    } else {
        fd = shared_fd(size);
        TEST_CHECK(fd >= 0);
        if (fd < 0) return;
        c = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    }
    TEST_CHECK(c != MAP_FAILED);
    if (c == MAP_FAILED) return;
    setup(c, cf, size, states_off, map_off);
    run rn;
    start_run(&rn, cf, c, READERS);
    pid_t pids[READERS];
    double t0 = now();
    for (int i = 0; i < READERS; i++) {
        fflush(NULL);
        pids[i] = fork();
        TEST_CHECK(pids[i] >= 0);
        if (pids[i] == 0) {
            ctl *v = c;
            if (kind == MEMFD) {
                v = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
                if (v == MAP_FAILED) _exit(3);
                munmap(c, size);
            }
            reader rd;
            memset(&rd, 0, sizeof rd);
            rd.cf = cf;
            rd.c = v;
            rd.idx = i;
            rd.rng = rn.seed + (uint64_t)i * 1000003u;
            reader_loop(&rd);
            _exit(rd.r.fails ? 1 : 0);
        }
    }
    writer_loop(&rn);
    for (int i = 0; i < READERS; i++) {
        int status = 0;
        if (pids[i] > 0) TEST_CHECK(waitpid(pids[i], &status, 0) == pids[i] && WIFEXITED(status) && WEXITSTATUS(status) == 0);
        TEST_CHECK(kind == ANON ? c->rep[i].view == (uint64_t)(uintptr_t)c : c->rep[i].view != (uint64_t)(uintptr_t)c);
    }
    double secs = now() - t0;
    final_check(&rn);
    summary(&rn, secs, c->rep);
    if (fd >= 0) close(fd);
    munmap(c, size);
}

static const config configs[] = {
    {&nmap_ops, "cap 4096", 4096, 256, 3500, 300},
    {&wmap_ops, "48-byte values", 1024, 64, 850, 100},
    {&cmap_ops, "4 home groups of 64", 1024, 32, 800, 100},
    {&nmap_ops, "cap 8", 8, 2, 6, 4},
};
enum { NCONFIGS = sizeof configs / sizeof configs[0] };

static void threads(void)
{
    for (int i = 0; i < NCONFIGS; i++) run_threads(&configs[i]);
}

static void processes(void)
{
#ifdef OHM__TSAN
    bool tsan = true; /* it sees no process but its own */
#else
    bool tsan = false;
#endif
    if (tsan) {
        printf("  (processes left out under ThreadSanitizer)\n");
        return;
    }
    run_processes(&configs[0], ANON);
    run_processes(&configs[1], MEMFD);
    run_processes(&configs[2], MEMFD);
    run_processes(&configs[3], ANON);
}

int main(int argc, char **argv)
{
    seed = test_seed(argc, argv, 20261206);
    const char *ms = getenv("OHM_READ_MS"), *target = getenv("OHM_READ_LOOKUPS");
    run_ms = ms ? strtod(ms, NULL) : 0;
    run_target = target ? (uint64_t)strtod(target, NULL) / (2 * NCONFIGS) : 0;
    RUN(threads);
    RUN(processes);
    printf("readers: %" PRIu64 " lookups checked in %.1f s (%.3g a second), writer: %" PRIu64 " mutations\n",
           total_lookups, total_seconds, total_seconds > 0 ? (double)total_lookups / total_seconds : 0.0, total_ops);
    return test_finish();
}
