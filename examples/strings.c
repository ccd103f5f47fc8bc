/* strings.c - a set of strings kept entirely inside one relocatable block,
 * looked up by (pointer, length) without building a key first.
 *
 * The block is carved with ohm_plan into
 *
 *     [ owner header | string arena | set of uint32_t ]
 *
 * An arena record is a uint32_t length and the bytes. The set stores each
 * record's offset from the block start; that is all a key is. To hash or
 * compare a key the set must read the string, so it is instantiated with
 * OHM_HASH_EX / OHM_EQ_EX, which receive the map: the map's user word
 * (N_set_user) holds its own offset in the owner block, so
 * `map - user` is the owner, wherever the block now is.
 *
 * Questions are asked with the adapted calls: the probe is the caller's
 * (const char *, size_t), hashed with ohm_hash_bytes and the block's seed
 * (N_seed), compared by a callback. Removal uses backward shift, which
 * rehashes moved offsets through OHM_HASH_EX. Then the whole block is
 * memcpy'd elsewhere and keeps working; last, it grows into a bigger
 * block (N_init_like, N_set_user, N_rehash). docs/strings.md explains
 * the whole pattern.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ohm.h"

/* The owner header, at offset 0. */
typedef struct words {
    uint64_t arena_off, arena_cap, arena_used; /* records, bytes */
    uint64_t set_off;                          /* the set's block */
} words;

/* The set's hash and equality need the owner block to read the strings.
 * Declared here, called by the template with the map (a const pointer to
 * a type not yet defined), defined after it, where wordset_user exists. */
static uint64_t key_hash(const void *set, uint32_t key, uint64_t seed);
static bool key_eq(const void *set, uint32_t a, uint32_t b);

#define OHM_NAME wordset
#define OHM_KEY uint32_t
#define OHM_HASH_EX(m, key, seed) key_hash((m), (key), (seed))
#define OHM_EQ_EX(m, a, b) key_eq((m), (a), (b))
#include "ohm_map.h"

/* The owner of a set: the set's user word is its offset in the owner. */
static const words *owner_of(const void *set)
{
    return (const words *)(const void *)((const char *)set - wordset_user((const wordset *)set));
}

/* A record's length and bytes. */
static uint32_t rec_len(const words *w, uint32_t off)
{
    uint32_t n;
    memcpy(&n, ohm_ptr(w, off), sizeof n);
    return n;
}
static const char *rec_bytes(const words *w, uint32_t off) { return OHM_AT(const char, w, off + 4); }

static uint64_t key_hash(const void *set, uint32_t key, uint64_t seed)
{
    const words *w = owner_of(set);
    return ohm_hash_bytes(rec_bytes(w, key), rec_len(w, key), seed);
}

static bool key_eq(const void *set, uint32_t a, uint32_t b)
{
    const words *w = owner_of(set);
    return a == b || (rec_len(w, a) == rec_len(w, b) &&
                      memcmp(rec_bytes(w, a), rec_bytes(w, b), rec_len(w, a)) == 0);
}

/* A probe: the caller's bytes, not a record. */
typedef struct probe {
    const char *s;
    size_t n;
} probe;

static bool probe_eq(const void *p, const uint32_t *key, void *owner)
{
    const probe *q = p;
    const words *w = owner;
    return rec_len(w, *key) == q->n && memcmp(rec_bytes(w, *key), q->s, q->n) == 0;
}

static wordset *set_of(words *w) { return wordset_at(w, w->set_off); }

static uint64_t probe_hash(words *w, probe p)
{
    return ohm_hash_bytes(p.s, p.n, wordset_seed(set_of(w)));
}

/* The record of a string, 0 when absent. */
static uint32_t find(words *w, const char *s, size_t n)
{
    probe p = {s, n};
    wordset_entry e = wordset_get_adapted(set_of(w), probe_hash(w, p), &p, probe_eq, w);
    return e.key ? *e.key : 0;
}

/* Add a string: OHM_OK new, OHM_FOUND present, OHM_FULL no room. */
static ohm_status add(words *w, const char *s, size_t n)
{
    probe p = {s, n};
    size_t rec = (4 + n + 3) & ~(size_t)3;
    if (w->arena_cap - w->arena_used < rec) return find(w, s, n) ? OHM_FOUND : OHM_FULL;
    wordset_entry e;
    ohm_status st = wordset_get_or_put_adapted(set_of(w), probe_hash(w, p), &p, probe_eq, w, &e);
    if (st == OHM_OK) { /* store a key that hashes like the probe: its record */
        uint32_t off = (uint32_t)(w->arena_off + w->arena_used), len = (uint32_t)n;
        memcpy(ohm_ptr(w, off), &len, 4);
        memcpy(ohm_ptr(w, off + 4), s, n);
        w->arena_used += rec;
        *e.key = off;
    }
    return st;
}

static bool del(words *w, const char *s, size_t n)
{
    probe p = {s, n};
    return wordset_remove_adapted(set_of(w), probe_hash(w, p), &p, probe_eq, w);
}

/* A new owner block with an arena of `arena_cap` bytes and a set for
 * `entries` words, holding everything `w` holds: the header and arena are
 * copied (records keep their offsets: the arena starts at the same
 * place), the set is rehashed. The new set's user word must be its own
 * offset before the rehash, because the rehash hashes every key through
 * it; N_init_like copied the old set's. NULL when memory is short. */
static char *grow(const words *w, uint32_t entries, uint64_t arena_cap, size_t *size_out)
{
    ohm_layout l = wordset_layout(entries);
    ohm_plan plan = ohm_plan_init();
    uint64_t hdr = ohm_plan_add(&plan, sizeof(words), _Alignof(words));
    uint64_t arena = ohm_plan_add(&plan, arena_cap, 4);
    uint64_t set = ohm_plan_add_map(&plan, l, wordset_base_align());
    if (plan.failed || hdr != 0 || arena != w->arena_off || arena_cap < w->arena_used) return NULL;
    size_t size = (size_t)((plan.size + plan.align - 1) / plan.align * plan.align);
    char *block = aligned_alloc((size_t)plan.align, size);
    if (!block) return NULL;
    memset(block, 0, size);
    memcpy(block, w, (size_t)(w->arena_off + w->arena_used)); /* header and records */
    words *g = (words *)(void *)block;
    g->arena_cap = arena_cap;
    g->set_off = set;
    const wordset *old = wordset_at((void *)(uintptr_t)w, w->set_off);
    wordset *m = wordset_init_like(ohm_ptr(block, set), l, old); /* old's seed, and its user word */
    if (!m) { free(block); return NULL; }
    wordset_set_user(m, set); /* the new set's own offset: now its hash finds the new arena */
    if (wordset_rehash(old, m) != OHM_OK) { free(block); return NULL; }
    *size_out = size;
    return block;
}

static const char text[] =
    "it was the best of times it was the worst of times it was the age of wisdom "
    "it was the age of foolishness it was the epoch of belief it was the epoch of "
    "incredulity it was the season of light it was the season of darkness";

/* Looks up a few words, prints what it finds; returns the number wrong. */
static int ask(const char *where, words *w, bool darkness)
{
    static const char *const q[] = {"times", "wisdom", "darkness", "it", "dickens", "time"};
    const bool want[] = {true, true, darkness, true, false, false};
    int wrong = 0;
    printf("  %-24s", where);
    for (int i = 0; i < 6; i++) {
        uint32_t off = find(w, q[i], strlen(q[i]));
        printf(" %s:%s", q[i], off ? "yes" : "no");
        wrong += (off != 0) != want[i];
    }
    ohm_status st = wordset_check(set_of(w));
    printf("  (%u words, check %s)\n", (unsigned)wordset_count(set_of(w)), ohm_strerror(st));
    return wrong + (st != OHM_OK);
}

int main(void)
{
    /* Plan one block: header, a 1 KiB arena, a set for 24 words. */
    ohm_layout l = wordset_layout(24);
    ohm_plan plan = ohm_plan_init();
    uint64_t hdr = ohm_plan_add(&plan, sizeof(words), _Alignof(words));
    uint64_t arena = ohm_plan_add(&plan, 1024, 4);
    uint64_t set = ohm_plan_add_map(&plan, l, wordset_base_align());
    if (plan.failed) return 1;
    size_t size = (size_t)((plan.size + plan.align - 1) / plan.align * plan.align);
    printf("block: %zu bytes, align %zu: header at %llu, arena at %llu, set at %llu (%u slots)\n",
           size, (size_t)plan.align, (unsigned long long)hdr, (unsigned long long)arena,
           (unsigned long long)set, l.capacity);

    char *block = aligned_alloc((size_t)plan.align, size);
    if (!block) return 1;
    memset(block, 0, size);
    words *w = OHM_AT(words, block, hdr);
    w->arena_off = arena;
    w->arena_cap = 1024;
    w->set_off = set;
    wordset *m = wordset_init_seeded(ohm_ptr(block, set), l, 0x243f6a8885a308d3u);
    if (!m) return 1;
    wordset_set_user(m, set); /* how the hash finds the owner */

    /* Add every word of the text; repeats are found, not stored again. */
    unsigned added = 0, repeats = 0;
    for (const char *s = text; *s; s += *s == ' ') {
        size_t n = strcspn(s, " "); /* the word is text[s, s + n): no copy */
        ohm_status st = add(w, s, n);
        added += st == OHM_OK;
        repeats += st == OHM_FOUND;
        s += n;
    }
    printf("added %u distinct words, %u repeats found; arena holds %llu bytes\n", added, repeats,
           (unsigned long long)w->arena_used);
    int bad = added != 16 || repeats != 32;
    bad += ask("built:", w, true);

    /* Remove two; backward shift may move others, rehashing their offsets. */
    bad += !del(w, "darkness", 8) + !del(w, "light", 5) + del(w, "light", 5);
    printf("removed \"darkness\" and \"light\"\n");
    bad += ask("after removal:", w, false);

    /* The whole block, memcpy'd to another address; the original wiped. */
    char *raw = aligned_alloc((size_t)plan.align, size + (size_t)plan.align);
    if (!raw) return 1;
    words *c = (words *)(void *)(raw + plan.align);
    memcpy(c, block, size);
    printf("copied the block from %p to %p, wiped the original\n", (void *)block, (void *)c);
    memset(block, 0xEE, size);
    free(block);
    bad += ask("in the copy:", c, false);
    bad += add(c, "darkness", 8) != OHM_OK;
    printf("re-added \"darkness\" in the copy\n");
    /* Every stored word, in slot order, read through offsets. */
    printf("  words:");
    wordset_iter it = wordset_iter_begin(set_of(c));
    wordset_entry e;
    while (wordset_iter_next(&it, &e)) printf(" %.*s", (int)rec_len(c, *e.key), rec_bytes(c, *e.key));
    printf("\n");
    bad += ask("copy, changed:", c, true);

    /* Growing: a new block with twice the arena and a set for 64 words. */
    size_t big_size;
    char *big = grow(c, 64, 2048, &big_size);
    free(raw);
    if (!big) return 1;
    words *g = (words *)(void *)big;
    static const char *const more[] = {"we", "had", "everything", "before", "us", "nothing", "were", "all",
                                       "going", "direct", "to", "heaven", "other", "way", "short", "period",
                                       "so", "far", "like", "present", "some", "its", "noisiest", "authorities"};
    unsigned grown = 0;
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) grown += add(g, more[i], strlen(more[i])) == OHM_OK;
    printf("grown to %u slots; added %u more words\n", (unsigned)wordset_capacity(set_of(g)), grown);
    bad += grown != sizeof more / sizeof more[0];
    bad += ask("grown:", g, true);
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) bad += find(g, more[i], strlen(more[i])) == 0;
    free(big);
    printf("%s\n", bad ? "FAILED" : "ok");
    return bad != 0;
}
