/* test_adapted.c - heterogeneous ("adapted") lookup and the offset helpers:
 * a set of strings that lives entirely in its owner's block.
 *
 * One block, carved with ohm_plan, holds
 *
 *     [ owner header | string arena | set of uint32_t offsets ]
 *
 * Each arena record is a uint32_t length followed by the bytes. The set's
 * keys are the records' offsets from the owner block's start, so the set
 * cannot hash a key by itself: its OHM_HASH_EX finds the owner block from
 * the map's own address and its user word (the map's offset inside the
 * owner, set with N_set_user), then hashes the string bytes with the
 * block's seed. Lookups by a (const char *, size_t) probe go through the
 * adapted calls with hash = ohm_hash_bytes(s, n, N_seed(m)), so no record
 * is made to ask a question. Removal shifts entries back and rehashes their
 * stored offsets through OHM_HASH_EX. The whole block is memcpy'd and keeps
 * working, because nothing in it is a pointer.
 */
#include <stddef.h>

#include "test.h"

/* The owner header, at offset 0 of the block. */
typedef struct strtab {
    uint64_t arena_off;  /* arena start: first record */
    uint64_t arena_cap;  /* arena bytes */
    uint64_t arena_used; /* bytes of records so far */
    uint64_t set_off;    /* the set's block */
    uint64_t total;      /* bytes of the whole owner block */
} strtab;

/* The string a key (a record offset) names, or {NULL, 0} when the offset
 * is not a whole record inside the arena's used part: the hash and the
 * equality below never read outside the arena, even in a damaged block. */
typedef struct str_ref {
    const char *s;
    size_t n;
    bool ok;
} str_ref;

static str_ref strtab_str(const strtab *t, uint64_t off)
{
    str_ref r = {NULL, 0, false};
    uint32_t len;
    if (off < t->arena_off || off % 4 != 0 || t->arena_used > t->arena_cap ||
        off + 4 > t->arena_off + t->arena_used)
        return r;
    memcpy(&len, ohm_ptr(t, off), sizeof len);
    if (len > t->arena_off + t->arena_used - off - 4) return r;
    r.s = OHM_AT(const char, t, off + 4);
    r.n = len;
    r.ok = true;
    return r;
}

/* The set's hash and equality read the strings, so they need the owner
 * block. They are declared before the template (which calls them with the
 * map, as a const pointer to a type it has not defined yet) and defined
 * after it, where they can use strset_user. */
static uint64_t str_key_hash(const void *map, uint32_t key, uint64_t seed);
static bool str_key_eq(const void *map, uint32_t a, uint32_t b);

#define OHM_NAME strset
#define OHM_KEY uint32_t
#define OHM_HASH_EX(m, key, seed) str_key_hash((m), (key), (seed))
#define OHM_EQ_EX(m, a, b) str_key_eq((m), (a), (b))
#define OHM_TYPE_TAG 0x53545231u /* "STR1": keys are record offsets */
#include "ohm_map.h"

/* The owner of a map: the map's user word is its offset in the owner. */
static const strtab *owner_of(const void *map)
{
    const strset *m = map;
    return (const strtab *)(const void *)((const char *)map - strset_user(m));
}

static uint64_t str_key_hash(const void *map, uint32_t key, uint64_t seed)
{
    str_ref r = strtab_str(owner_of(map), key);
    return r.ok ? ohm_hash_bytes(r.s, r.n, seed) : 0;
}

static bool str_key_eq(const void *map, uint32_t a, uint32_t b)
{
    if (a == b) return true;
    const strtab *t = owner_of(map);
    str_ref x = strtab_str(t, a), y = strtab_str(t, b);
    return x.ok && y.ok && x.n == y.n && memcmp(x.s, y.s, x.n) == 0;
}

/* ------------------------------------------------------------------------
 * The owner's operations, all by (pointer, length) probes.
 * ---------------------------------------------------------------------- */

typedef struct probe {
    const char *s;
    size_t n;
} probe;

/* Adapted equality: ctx is the owner block. */
static bool probe_eq(const void *pv, const uint32_t *key, void *ctx)
{
    const probe *p = pv;
    str_ref r = strtab_str(ctx, *key);
    return r.ok && r.n == p->n && memcmp(r.s, p->s, p->n) == 0;
}

static strset *strtab_set(strtab *t) { return strset_at(t, t->set_off); }

static size_t record_size(size_t n) { return (4 + n + 3) & ~(size_t)3; }

/* Plans and formats an owner block for `strings` strings and `arena`
 * bytes of records at `max_load` percent; *size gets the block's size. */
static strtab *strtab_create(uint32_t strings, size_t arena, unsigned max_load, uint64_t seed,
                             size_t *size)
{
    ohm_layout l = strset_layout_for_load(strings, max_load);
    ohm_plan p = ohm_plan_init();
    uint64_t hdr = ohm_plan_add(&p, sizeof(strtab), _Alignof(strtab));
    uint64_t arena_off = ohm_plan_add(&p, arena, 4);
    uint64_t set_off = ohm_plan_add_map(&p, l, strset_base_align());
    if (p.failed || p.size > UINT32_MAX) return NULL;
    size_t total = (size_t)((p.size + p.align - 1) / p.align * p.align);
    void *block = aligned_alloc((size_t)p.align, total);
    if (!block) return NULL;
    memset(block, 0, total);
    strtab *t = OHM_AT(strtab, block, hdr);
    t->arena_off = arena_off;
    t->arena_cap = arena;
    t->arena_used = 0;
    t->set_off = set_off;
    t->total = total;
    strset *m = strset_init_ex(ohm_ptr(block, set_off), l, seed, max_load);
    TEST_CHECK(m != NULL);
    if (!m) {
        free(block);
        return NULL;
    }
    strset_set_user(m, set_off);
    *size = total;
    return t;
}

/* The offset of the string's record, 0 when absent. */
static uint32_t strtab_find(strtab *t, const char *s, size_t n)
{
    strset *m = strtab_set(t);
    probe p = {s, n};
    strset_entry e = strset_get_adapted(m, ohm_hash_bytes(s, n, strset_seed(m)), &p, probe_eq, t);
    return e.key ? *e.key : 0;
}

/* Add the string: OHM_OK (new record), OHM_FOUND (already there; nothing
 * written), OHM_FULL (the set or the arena has no room). *off gets the
 * record's offset on OHM_OK and OHM_FOUND. */
static ohm_status strtab_intern(strtab *t, const char *s, size_t n, uint32_t *off)
{
    strset *m = strtab_set(t);
    uint64_t h = ohm_hash_bytes(s, n, strset_seed(m));
    probe p = {s, n};
    strset_entry e;
    if (n > UINT32_MAX || t->arena_cap - t->arena_used < record_size(n)) {
        /* No room for a record: only an existing string can succeed. */
        e = strset_get_adapted(m, h, &p, probe_eq, t);
        if (e.key && off) *off = *e.key;
        return e.key ? OHM_FOUND : OHM_FULL;
    }
    ohm_status st = strset_get_or_put_adapted(m, h, &p, probe_eq, t, &e);
    if (st == OHM_OK) {
        uint64_t rec = t->arena_off + t->arena_used;
        uint32_t len = (uint32_t)n;
        memcpy(ohm_ptr(t, rec), &len, sizeof len);
        if (n) memcpy(ohm_ptr(t, rec + 4), s, n);
        t->arena_used += record_size(n);
        *e.key = (uint32_t)rec; /* its hash is h: the record holds s */
    }
    if (st != OHM_FULL && off) *off = *e.key;
    return st;
}

/* Remove the string from the set (its record stays in the arena). */
static bool strtab_remove(strtab *t, const char *s, size_t n)
{
    strset *m = strtab_set(t);
    probe p = {s, n};
    return strset_remove_adapted(m, ohm_hash_bytes(s, n, strset_seed(m)), &p, probe_eq, t);
}

/* Validate an untrusted owner block of `len` bytes: the owner header, the
 * set's block (O(1)), every key naming a record inside the arena, then the
 * set's full check (which hashes every key). */
static ohm_status strtab_validate(const void *block, size_t len)
{
    const strtab *t = block;
    if (len < sizeof *t || t->total > len || t->arena_off < sizeof *t ||
        t->arena_cap > len || t->arena_off > len - t->arena_cap || t->arena_used > t->arena_cap ||
        t->set_off < t->arena_off + t->arena_cap || t->set_off > len)
        return OHM_CORRUPT;
    strset *m;
    ohm_status st = strset_attach(ohm_ptr(block, t->set_off), len - t->set_off, &m);
    if (st != OHM_OK) return st;
    if (strset_user(m) != t->set_off) return OHM_CORRUPT;
    strset_iter it = strset_iter_begin(m);
    strset_entry e;
    while (strset_iter_next(&it, &e))
        if (!strtab_str(t, *e.key).ok) return OHM_CORRUPT;
    return strset_check(m);
}

/* ------------------------------------------------------------------------
 * Test data: N distinct strings cut out of one text buffer, so that no
 * probe is NUL-terminated: string 0 is empty, every other one starts with
 * two bytes that encode its index (so they are distinct) and has 2 to 47
 * bytes, some of them NUL.
 * ---------------------------------------------------------------------- */

enum { N = 3000 };
static char text[N * 52];
static size_t str_at[N], str_len[N];

static void make_strings(void)
{
    size_t pos = 0;
    uint64_t st = 7;
    for (uint32_t i = 0; i < N; i++) {
        size_t n = i == 0 ? 0 : 2 + (size_t)(test_rand(&st) % 46);
        str_at[i] = pos;
        for (size_t j = 0; j < n; j++)
            text[pos + j] = j == 0   ? (char)(i & 0xff)
                            : j == 1 ? (char)(i >> 8)
                            : j % 11 == 5 ? '\0'
                                          : (char)('a' + test_rand(&st) % 26);
        str_len[i] = n;
        memset(text + pos + n, 'X', 1 + i % 3); /* what follows is not NUL */
        pos += n + 1 + i % 3;
    }
}

/* Whether some test string is these bytes. */
static bool is_test_string(const char *s, size_t n)
{
    for (uint32_t j = 0; j < N; j++)
        if (str_len[j] == n && memcmp(text + str_at[j], s, n) == 0) return true;
    return false;
}

/* How many of the test strings are distinct (all of them, by design). */
static uint32_t distinct_strings(void)
{
    uint32_t d = 0;
    for (uint32_t i = 0; i < N; i++) {
        bool dup = false;
        for (uint32_t j = 0; j < i && !dup; j++)
            dup = str_len[j] == str_len[i] && memcmp(text + str_at[i], text + str_at[j], str_len[i]) == 0;
        d += !dup;
    }
    return d;
}

/* Interns every test string; returns how many were new. */
static uint32_t intern_all(strtab *t, uint32_t *offs)
{
    uint32_t fresh = 0;
    for (uint32_t i = 0; i < N; i++) {
        ohm_status st = strtab_intern(t, text + str_at[i], str_len[i], &offs[i]);
        TEST_CHECK(st == OHM_OK || st == OHM_FOUND);
        fresh += st == OHM_OK;
    }
    return fresh;
}

static size_t arena_for_all(void)
{
    size_t a = 0;
    for (uint32_t i = 0; i < N; i++) a += record_size(str_len[i]);
    return a;
}

/* ------------------------------------------------------------------------
 * Cases
 * ---------------------------------------------------------------------- */

static void plan_and_offset_helpers(void)
{
    ohm_plan p = ohm_plan_init();
    TEST_EQ_U(ohm_plan_add(&p, 3, 1), 0);
    TEST_EQ_U(ohm_plan_add(&p, 10, 8), 8);
    ohm_layout l = strset_layout(100);
    uint64_t at = ohm_plan_add_map(&p, l, strset_base_align());
    TEST_EQ_U(at % strset_base_align(), 0);
    TEST_EQ_U(p.size, at + l.total_size);
    TEST_EQ_U(p.align, strset_base_align() > 8 ? strset_base_align() : 8);
    TEST_CHECK(!p.failed);
    ohm_plan q = ohm_plan_init();
    ohm_plan_add(&q, 8, 3); /* not a power of two */
    TEST_CHECK(q.failed);
    ohm_plan r = ohm_plan_init();
    ohm_plan_add(&r, UINT64_MAX - 2, 1);
    ohm_plan_add(&r, 8, 8); /* overflows */
    TEST_CHECK(r.failed);
    ohm_plan bad = ohm_plan_init();
    ohm_plan_add_map(&bad, strset_layout_for_capacity(3), strset_base_align());
    TEST_CHECK(bad.failed);

    char block[64];
    TEST_CHECK(ohm_ptr(block, 40) == block + 40);
    TEST_EQ_U(ohm_offset(block, block + 40), 40);
    TEST_CHECK(OHM_AT(char, block, 7) == block + 7);
}

static void lookup_by_probe(void)
{
    uint32_t distinct = distinct_strings();
    TEST_EQ_U(distinct, N);
    size_t size;
    strtab *t = strtab_create(N, arena_for_all(), 90, 0x5151u, &size);
    if (!t) return;
    strset *m = strtab_set(t);
    TEST_EQ_U(strset_user(m), t->set_off);
    TEST_EQ_U(strset_seed(m), 0x5151u);
    static uint32_t offs[N], again[N];
    TEST_EQ_U(intern_all(t, offs), N);
    TEST_EQ_U(strset_count(m), N);
    TEST_EQ_U(t->arena_used, arena_for_all());
    TEST_STATUS(strset_check(m), OHM_OK);
    TEST_STATUS(strtab_validate(t, size), OHM_OK);

    /* Every string is found by its bytes, at its record. */
    unsigned found = 0, right_bytes = 0;
    for (uint32_t i = 0; i < N; i++) {
        uint32_t off = strtab_find(t, text + str_at[i], str_len[i]);
        found += off == offs[i];
        str_ref r = strtab_str(t, off);
        right_bytes += r.ok && r.n == str_len[i] && memcmp(r.s, text + str_at[i], r.n) == 0;
    }
    TEST_EQ_U(found, N);
    TEST_EQ_U(right_bytes, N);

    /* Interning again finds them and writes nothing. */
    uint64_t used = t->arena_used;
    TEST_EQ_U(intern_all(t, again), 0);
    TEST_CHECK(memcmp(offs, again, sizeof offs) == 0);
    TEST_EQ_U(t->arena_used, used);

    /* Near misses: one byte longer, one byte shorter, one byte changed. */
    unsigned misses = 0, tried = 0;
    for (uint32_t i = 1; i < N; i += 7) {
        const char *s = text + str_at[i];
        size_t n = str_len[i];
        char buf[64];
        memcpy(buf, s, n);
        buf[n] = 'X';
        tried += 3;
        misses += is_test_string(buf, n + 1) || strtab_find(t, buf, n + 1) == 0;
        misses += is_test_string(s, n - 1) || strtab_find(t, s, n - 1) == 0;
        buf[n - 1] ^= 0x20;
        misses += is_test_string(buf, n) || strtab_find(t, buf, n) == 0;
    }
    TEST_EQ_U(misses, tried);
    TEST_EQ_U(strtab_find(t, "", 0), offs[0]); /* the empty string is a string */

    /* The map's own hash (OHM_HASH_EX on a stored offset) agrees with the
     * probe hash: the plain calls, given a record offset, find the same
     * slot as the adapted ones given the bytes. */
    unsigned same = 0;
    for (uint32_t i = 0; i < N; i++) {
        uint32_t *a = strset_get_key(m, offs[i]);
        probe p = {text + str_at[i], str_len[i]};
        strset_entry e = strset_get_adapted(m, ohm_hash_bytes(p.s, p.n, strset_seed(m)), &p,
                                            probe_eq, t);
        same += a != NULL && a == e.key;
    }
    TEST_EQ_U(same, N);

    /* The seed matters: a probe hashed with another seed mostly misses. */
    unsigned wrong_seed_hits = 0;
    for (uint32_t i = 0; i < N; i++) {
        probe p = {text + str_at[i], str_len[i]};
        wrong_seed_hits += strset_get_adapted(m, ohm_hash_bytes(p.s, p.n, strset_seed(m) + 1), &p,
                                              probe_eq, t).key != NULL;
    }
    printf("  probes hashed with the wrong seed: %u of %u found (by chance)\n", wrong_seed_hits, N);
    TEST_CHECK(wrong_seed_hits < N / 4);
    free(t);
}

/* Removal through the adapted call: backward shift moves entries and
 * rehashes their stored offsets through OHM_HASH_EX. */
static void removal_shifts_offsets(void)
{
    size_t size;
    strtab *t = strtab_create(N, arena_for_all(), 100, 0xabcdefu, &size);
    if (!t) return;
    strset *m = strtab_set(t);
    static uint32_t offs[N];
    TEST_EQ_U(intern_all(t, offs), N);
    printf("  %u strings in %u slots (load %.0f%%)\n", (unsigned)strset_count(m),
           (unsigned)strset_capacity(m), 100.0 * strset_count(m) / strset_capacity(m));

    /* Where every key sits now, to count the moves removals cause. */
    static uint32_t slot_before[N];
    for (uint32_t i = 0; i < N; i++) slot_before[i] = strset__slot_of(m, strset_get_key(m, offs[i]));

    unsigned removed = 0, checks_ok = 0, checks = 0;
    for (uint32_t i = 0; i < N; i += 3) {
        TEST_CHECK(strtab_remove(t, text + str_at[i], str_len[i]));
        TEST_CHECK(!strtab_remove(t, text + str_at[i], str_len[i]));
        removed++;
        if (i % 30 == 0) {
            checks++;
            checks_ok += strset_check(m) == OHM_OK;
        }
    }
    TEST_EQ_U(checks_ok, checks);
    TEST_EQ_U(strset_count(m), N - removed);
    unsigned moved = 0, found = 0, gone = 0;
    for (uint32_t i = 0; i < N; i++) {
        uint32_t off = strtab_find(t, text + str_at[i], str_len[i]);
        if (i % 3 == 0) {
            gone += off == 0;
            continue;
        }
        found += off == offs[i];
        moved += strset__slot_of(m, strset_get_key(m, offs[i])) != slot_before[i];
    }
    printf("  removed %u; %u of the remaining entries were shifted back\n", removed, moved);
    TEST_EQ_U(found, N - removed);
    TEST_EQ_U(gone, removed);
    TEST_CHECK(moved > 0);
    TEST_STATUS(strtab_validate(t, size), OHM_OK);

    /* Removing by a stored offset (the plain call) works too. */
    TEST_CHECK(strset_remove(m, offs[1]));
    TEST_EQ_U(strtab_find(t, text + str_at[1], str_len[1]), 0);
    /* Re-adding a removed string makes a new record (the arena only grows:
     * arena_for_all() was exact, so there is no room now). */
    uint32_t off;
    TEST_STATUS(strtab_intern(t, text + str_at[1], str_len[1], &off), OHM_FULL);
    TEST_STATUS(strtab_intern(t, text + str_at[2], str_len[2], &off), OHM_FOUND);
    TEST_EQ_U(off, offs[2]);
    TEST_STATUS(strset_check(m), OHM_OK);
    free(t);
}

/* A set at its maximum load: new strings get OHM_FULL without touching
 * the arena, existing ones are still found. */
static void full_set(void)
{
    size_t size;
    strtab *t = strtab_create(64, arena_for_all(), 100, 1, &size);
    if (!t) return;
    strset *m = strtab_set(t);
    uint32_t cap = strset_max_load(m), i, off;
    for (i = 0; i < cap; i++) TEST_STATUS(strtab_intern(t, text + str_at[i], str_len[i], &off), OHM_OK);
    uint64_t used = t->arena_used;
    TEST_STATUS(strtab_intern(t, text + str_at[i], str_len[i], &off), OHM_FULL);
    TEST_EQ_U(t->arena_used, used);
    TEST_STATUS(strtab_intern(t, text + str_at[5], str_len[5], &off), OHM_FOUND);
    probe p = {text + str_at[i], str_len[i]};
    strset_entry e;
    TEST_STATUS(strset_get_or_put_adapted(m, ohm_hash_bytes(p.s, p.n, strset_seed(m)), &p,
                                          probe_eq, t, &e),
                OHM_FULL);
    TEST_CHECK(e.key == NULL);
    TEST_STATUS(strset_check(m), OHM_OK);
    free(t);
}

/* The whole owner block, copied to another address: everything works
 * there, found through offsets only; the original is wiped first. */
static void whole_block_relocates(void)
{
    size_t size;
    strtab *t = strtab_create(N, arena_for_all() * 2, 80, 0x0ddba11u, &size);
    if (!t) return;
    static uint32_t offs[N];
    TEST_EQ_U(intern_all(t, offs), N);
    for (uint32_t i = 0; i < N; i += 5) TEST_CHECK(strtab_remove(t, text + str_at[i], str_len[i]));

    /* Into a buffer whose address differs in every low bit that matters. */
    size_t align = (size_t)strset_base_align() > _Alignof(strtab) ? strset_base_align() : _Alignof(strtab);
    char *raw = aligned_alloc(4096, (size + align + 4095) / 4096 * 4096);
    TEST_CHECK(raw != NULL);
    if (!raw) return;
    strtab *c = (strtab *)(void *)(raw + align);
    memcpy(c, t, size);
    memset(t, 0xEE, size);
    free(t);

    TEST_STATUS(strtab_validate(c, size), OHM_OK);
    strset *m = strtab_set(c);
    TEST_CHECK((char *)m == (char *)c + c->set_off);
    unsigned found = 0, gone = 0;
    for (uint32_t i = 0; i < N; i++) {
        uint32_t off = strtab_find(c, text + str_at[i], str_len[i]);
        if (i % 5 == 0) gone += off == 0;
        else found += off == offs[i];
    }
    TEST_EQ_U(found, N - N / 5);
    TEST_EQ_U(gone, N / 5);
    /* Live there: re-add the removed ones (new records), remove others. */
    for (uint32_t i = 0; i < N; i += 5) {
        uint32_t off;
        TEST_STATUS(strtab_intern(c, text + str_at[i], str_len[i], &off), OHM_OK);
        TEST_CHECK(off != offs[i]); /* a new record further on */
    }
    for (uint32_t i = 1; i < N; i += 5) TEST_CHECK(strtab_remove(c, text + str_at[i], str_len[i]));
    TEST_EQ_U(strset_count(m), N - N / 5);
    TEST_STATUS(strtab_validate(c, size), OHM_OK);

    /* And a copy of the copy, at yet another place, equals it byte for
     * byte and answers the same. */
    void *again = aligned_alloc(align, (size + align - 1) / align * align);
    TEST_CHECK(again != NULL);
    if (again) {
        memcpy(again, c, size);
        TEST_STATUS(strtab_validate(again, size), OHM_OK);
        unsigned agree = 0;
        for (uint32_t i = 0; i < N; i++)
            agree += strtab_find(again, text + str_at[i], str_len[i]) ==
                     strtab_find(c, text + str_at[i], str_len[i]);
        TEST_EQ_U(agree, N);
        free(again);
    }
    free(raw);
}

/* A damaged owner block is refused, and checking it reads nothing
 * outside the block (the sanitizers would say so). */
static void damaged_block_refused(void)
{
    size_t size;
    strtab *t = strtab_create(200, 200 * 52, 90, 3, &size);
    if (!t) return;
    for (uint32_t i = 0; i < 200; i++) strtab_intern(t, text + str_at[i], str_len[i], NULL);
    TEST_STATUS(strtab_validate(t, size), OHM_OK);
    strset *m = strtab_set(t);
    strset_iter it = strset_iter_begin(m);
    strset_entry e = {NULL};
    TEST_CHECK(strset_iter_next(&it, &e));
    if (!e.key) {
        free(t);
        return;
    }
    uint32_t saved = *e.key;

    *e.key = (uint32_t)size + 64; /* past the block */
    TEST_STATUS(strtab_validate(t, size), OHM_CORRUPT);
    *e.key = (uint32_t)t->arena_off + 2; /* not a record boundary */
    TEST_STATUS(strtab_validate(t, size), OHM_CORRUPT);
    *e.key = saved;
    TEST_STATUS(strtab_validate(t, size), OHM_OK);

    uint32_t len_at_key;
    memcpy(&len_at_key, ohm_ptr(t, saved), 4);
    uint32_t huge = 0x7fffffffu; /* a record claiming to run past the arena */
    memcpy(ohm_ptr(t, saved), &huge, 4);
    TEST_STATUS(strtab_validate(t, size), OHM_CORRUPT);
    memcpy(ohm_ptr(t, saved), &len_at_key, 4);

    strset_set_user(m, 8); /* the map no longer finds its owner */
    TEST_STATUS(strtab_validate(t, size), OHM_CORRUPT);
    strset_set_user(m, t->set_off);
    TEST_STATUS(strtab_validate(t, size), OHM_OK);
    t->arena_used = t->arena_cap + 1;
    TEST_STATUS(strtab_validate(t, size), OHM_CORRUPT);
    free(t);
}

int main(void)
{
    make_strings();
    RUN(plan_and_offset_helpers);
    RUN(lookup_by_probe);
    RUN(removal_shifts_offsets);
    RUN(full_set);
    RUN(whole_block_relocates);
    RUN(damaged_block_refused);
    return test_finish();
}
