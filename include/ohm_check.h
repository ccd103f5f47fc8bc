/* ohm_check.h - the checks of the ohm map template (private): N_check, the
 * search for keys stored twice, N_attach and N_validate. ohm_map.h includes
 * it inside each instantiation, after the API bodies; it is not a header
 * of its own, and follows the template's naming rules.
 *
 * A second reader of docs/FORMAT.md: it recomputes each slot's byte from
 * its key's hash and place and checks invariant I from the bytes, rather
 * than going through the probe of ohm_core.h, so a mistake in the probe is
 * not repeated here. It shares only the block access and geometry helpers
 * (N__geo_of, N__dist_in, N__uncrossed) with the core.
 */
#ifndef OHM__F
#error "ohm_check.h is part of the ohm_map.h template: include ohm_map.h"
#endif

/* ========================================================================
 * Checking blocks: N_check, the search for duplicates, N_attach and
 * N_validate. A second reader of docs/FORMAT.md: it verifies each
 * byte from the key's hash and place rather than through the probe.
 * ====================================================================== */

/* The search for keys stored twice, without scratch memory: each entry is
 * compared with the slots of its probe (its home group to its own) whose
 * byte a copy of it would have there (N_check has seen that every byte is
 * right for its key and place, so a copy has such a byte; of two copies,
 * the one farther from home has the other on its probe). Costs a group
 * read per group of each probe and a compare per matching byte, bounded
 * here (OHM__CHECK_BUDGET in all, else OHM_TOO_COSTLY). Used only
 * when N__check_dups cannot have its scratch memory. */
static inline ohm_status OHM__F(__check_dups_walk)(const OHM__N *ohm_m, const ohm__geo *ohm_g)
{
    uint64_t ohm_budget = OHM__CHECK_BUDGET(ohm_g->cap);
    for (uint32_t ohm_i = 0; ohm_i < ohm_g->cap; ohm_i++) {
        if (ohm_g->meta[ohm_i] == 0) continue;
        const OHM__K *ohm_key = OHM__F(__key_in)(ohm_g->kb, ohm_i);
        uint64_t ohm_h = OHM__F(__hash)(ohm_m, ohm_key);
        uint32_t ohm_home = (OHM__CAST(uint32_t, ohm_h) & ohm_g->mask) / OHM_GROUP_SLOTS;
        uint32_t ohm_dist = (ohm_i / OHM_GROUP_SLOTS - ohm_home) & ohm_g->gm;
        for (uint32_t ohm_j = 0; ohm_j <= ohm_dist; ohm_j++) {
            uint32_t ohm_base = ((ohm_home + ohm_j) & ohm_g->gm) * OHM_GROUP_SLOTS;
            uint32_t ohm_match =
                ohm__g16_eq(ohm_g->meta + ohm_base, ohm__byte_for(ohm_h, ohm_j)) & ohm_g->valid;
            for (; ohm_match; ohm_match &= ohm_match - 1) {
                if (ohm_budget == 0) return OHM_TOO_COSTLY;
                ohm_budget--;
                uint32_t ohm_s = ohm_base + ohm__m16_first(ohm_match);
                if (ohm_s != ohm_i && OHM__F(__eq)(ohm_m, OHM__F(__key_in)(ohm_g->kb, ohm_s), ohm_key)) return OHM_CORRUPT;
            }
            if (ohm_budget == 0) return OHM_TOO_COSTLY;
            ohm_budget--;
        }
    }
    return OHM_OK;
}

/* Within a range of words (hash half << 32 | slot) sorted by their high
 * halves, compare the keys of each run of equal halves pairwise, drawing
 * on *budget. When `again` is set, a run of two or more is first re-keyed
 * by the other half of its keys' hashes and sorted again, so that only
 * keys whose full 64-bit hashes are equal are compared. */
static inline ohm_status OHM__F(__dup_runs)(const OHM__N *ohm_m, const ohm__geo *ohm_g, uint64_t *ohm_a, size_t ohm_n,
                                            bool ohm_again, uint64_t *ohm_budget)
{
    for (size_t ohm_r = 0; ohm_r < ohm_n;) {
        size_t ohm_end = ohm_r + 1;
        while (ohm_end < ohm_n && (ohm_a[ohm_end] >> 32) == (ohm_a[ohm_r] >> 32)) ohm_end++;
        if (ohm_end - ohm_r > 1 && ohm_again) {
            for (size_t ohm_i = ohm_r; ohm_i < ohm_end; ohm_i++) {
                uint32_t ohm_s = OHM__CAST(uint32_t, ohm_a[ohm_i]);
                ohm_a[ohm_i] = OHM__F(__hash)(ohm_m, OHM__F(__key_in)(ohm_g->kb, ohm_s)) << 32 | ohm_s;
            }
            ohm__sort_high32(ohm_a + ohm_r, ohm_end - ohm_r);
            ohm_status ohm_st = OHM__F(__dup_runs)(ohm_m, ohm_g, ohm_a + ohm_r, ohm_end - ohm_r, false, ohm_budget);
            if (ohm_st != OHM_OK) return ohm_st;
        } else {
            for (size_t ohm_i = ohm_r; ohm_i < ohm_end; ohm_i++)
                for (size_t ohm_j = ohm_i + 1; ohm_j < ohm_end; ohm_j++) {
                    if (*ohm_budget == 0) return OHM_TOO_COSTLY;
                    --*ohm_budget;
                    if (OHM__F(__eq)(ohm_m, OHM__F(__key_in)(ohm_g->kb, OHM__CAST(uint32_t, ohm_a[ohm_i])),
                                     OHM__F(__key_in)(ohm_g->kb, OHM__CAST(uint32_t, ohm_a[ohm_j]))))
                        return OHM_CORRUPT;
                }
        }
        ohm_r = ohm_end;
    }
    return OHM_OK;
}

/* The search for keys stored twice in O(capacity) time, whatever the
 * table's load or the hash's bits: equal keys have equal hashes, so the
 * used slots are sorted by the high 32 bits of their keys' hashes, each
 * run of equal bits again by the low 32, and only keys whose whole hashes
 * are equal are compared, at most OHM__CHECK_BUDGET times (only many keys
 * of one full hash value make that many: a constant or broken hash, or a
 * crafted block). Scratch: 8 bytes an entry (OHM_MALLOC, freed before
 * returning); without it, or when that size does not fit in size_t, the
 * bounded walk above runs instead. `n` is the count of used slots the
 * caller saw; a block that changes under the check (a writer not keeping
 * the protocol) writes no more than n words and gets OHM_CORRUPT. */
static inline ohm_status OHM__F(__check_dups)(const OHM__N *ohm_m, const ohm__geo *ohm_g, uint32_t ohm_n)
{
    if (ohm_n < 2) return OHM_OK;
    size_t ohm_bytes;
    uint64_t *ohm_a = ohm__scratch_size(ohm_n, sizeof(uint64_t), &ohm_bytes) ? OHM__CAST(uint64_t *, OHM_MALLOC(ohm_bytes)) : OHM__NULL;
    if (ohm_a == OHM__NULL) return OHM__F(__check_dups_walk)(ohm_m, ohm_g);
    uint32_t ohm_k = 0;
    ohm_status ohm_st = OHM_OK;
    for (uint32_t ohm_i = 0; ohm_i < ohm_g->cap && ohm_st == OHM_OK; ohm_i++) {
        if (ohm_g->meta[ohm_i] == 0) continue;
        if (ohm_k == ohm_n) ohm_st = OHM_CORRUPT; /* more used slots than a moment ago */
        else ohm_a[ohm_k++] = (OHM__F(__hash)(ohm_m, OHM__F(__key_in)(ohm_g->kb, ohm_i)) & ~OHM__CAST(uint64_t, 0xffffffffu)) | ohm_i;
    }
    if (ohm_st == OHM_OK && ohm_k != ohm_n) ohm_st = OHM_CORRUPT;
    if (ohm_st == OHM_OK) {
        uint64_t ohm_budget = OHM__CHECK_BUDGET(ohm_g->cap);
        ohm__sort_high32(ohm_a, ohm_n);
        ohm_st = OHM__F(__dup_runs)(ohm_m, ohm_g, ohm_a, ohm_n, true, &ohm_budget);
    }
    OHM_FREE(ohm_a);
    return ohm_st;
}

/* The sync area of a block of `cap` slots, read once: OHM_CORRUPT for an
 * unknown mutation or stripe words placed other than the layout says, OHM_BUSY when a write is in
 * progress or was cut short (the sequence or a stripe odd, or the journal
 * naming a mutation): the entries cannot be judged until N_recover. */
static inline ohm_status OHM__F(__check_sync)(const OHM__N *ohm_m, const ohm_header *ohm_h)
{
    uint32_t ohm_cap = ohm_h->capacity;
    ohm_sync ohm_y;
    ohm__ld_copy(&ohm_y, OHM__F(__sync)(ohm_m), sizeof ohm_y, 4);
    uint64_t ohm_at = OHM__F(__stripes_at)(ohm_cap, ohm_h->keys_start, ohm_h->vals_start);
    if (ohm_y.op > OHM__OP_LAST || ohm_h->smask != ohm__stripes(ohm_cap) - 1 || ohm_h->stripes != ohm_at)
        return OHM_CORRUPT;
    if ((ohm_y.seq & 1) || ohm_y.op != OHM__OP_NONE) return OHM_BUSY;
    const uint32_t *ohm_st = OHM__CAST(const uint32_t *, OHM__CAST(const void *, OHM__UNCONST(char *, ohm_m) + ohm_at));
    for (uint32_t ohm_k = 0, ohm_ns = ohm__stripes(ohm_cap); ohm_k < ohm_ns; ohm_k++)
        if (ohm__ld32(ohm_st + ohm_k) & 1) return OHM_BUSY;
    return OHM_OK;
}

/* The full check, with the geometry and the header fields it needs taken
 * once (N_check from the live header, N_validate from the header it
 * checked against the buffer's length). */
static inline ohm_status OHM__F(__check_in)(const OHM__N *ohm_m, const ohm__geo *ohm_g, uint32_t ohm_count,
                                            uint32_t ohm_max_entries)
{
    uint32_t ohm_gm = ohm_g->gm, ohm_valid = ohm_g->valid;
    const uint8_t *ohm_meta = ohm_g->meta;
    if (ohm_g->cap == 0) return ohm_count == 0 ? OHM_OK : OHM_CORRUPT;
    for (uint32_t ohm_k = 0; ohm_k < OHM_GROUP_MIRROR; ohm_k++)
        if (ohm_meta[ohm_g->cap + ohm_k] != ohm_meta[ohm_k & ohm_g->mask]) return OHM_CORRUPT;
    /* Walk the groups from one that no probe runs into from the group
     * before it: the group after a group with a free slot or, in a full
     * table, the one N__uncrossed finds (none: not a table the library
     * makes, and one its walks would get wrong). The position of the last
     * group with room seen is kept (-1: the boundary before the walk's
     * start, which no probe crosses): invariant I says no key's probe
     * passes it. */
    uint32_t ohm_start = OHM__NONE, ohm_used = 0;
    for (uint32_t ohm_y = 0; ohm_y <= ohm_gm && ohm_start == OHM__NONE; ohm_y++)
        if (ohm__g16_free(ohm_meta + ohm_y * OHM_GROUP_SLOTS) & ohm_valid) ohm_start = (ohm_y + 1) & ohm_gm;
    if (ohm_start == OHM__NONE) ohm_start = ohm_gm == 0 ? 0 : OHM__F(__uncrossed)(ohm_m, ohm_g);
    if (ohm_start == OHM__NONE) return OHM_CORRUPT; /* full, and every group boundary crossed */
    int64_t ohm_last_room = -1;
    for (uint32_t ohm_q = 0; ohm_q <= ohm_gm; ohm_q++) {
        uint32_t ohm_y = (ohm_start + ohm_q) & ohm_gm, ohm_base = ohm_y * OHM_GROUP_SLOTS;
        uint32_t ohm_used_here = ~ohm__g16_free(ohm_meta + ohm_base) & ohm_valid;
        for (uint32_t ohm_u = ohm_used_here; ohm_u; ohm_u &= ohm_u - 1) {
            uint32_t ohm_i = ohm_base + ohm__m16_first(ohm_u);
            uint8_t ohm_b = ohm_meta[ohm_i];
            if (!ohm__holds_key(ohm_b)) return OHM_CORRUPT; /* not a byte a slot can hold */
            ohm_used++;
            uint64_t ohm_h = OHM__F(__hash)(ohm_m, OHM__F(__key_in)(ohm_g->kb, ohm_i));
            uint32_t ohm_home = (OHM__CAST(uint32_t, ohm_h) & ohm_g->mask) / OHM_GROUP_SLOTS, ohm_d = (ohm_y - ohm_home) & ohm_gm;
            if (ohm_b != (ohm__byte_for(ohm_h, ohm_d))) return OHM_CORRUPT;
            if (ohm_d == 0) continue;
            if (!(ohm_g->cls[ohm_home] & ohm__cls_bit(ohm_h))) return OHM_CORRUPT; /* a lookup would stop at home */
            if (OHM__CAST(int64_t, ohm_q) - OHM__CAST(int64_t, ohm_d) <= ohm_last_room)
                return OHM_CORRUPT; /* its probe passes a group with room, or the walk's start */
        }
        if (ohm_used_here != ohm_valid) ohm_last_room = ohm_q;
    }
    if (ohm_used != ohm_count || ohm_used > ohm_max_entries) return OHM_CORRUPT;
    return OHM__F(__check_dups)(ohm_m, ohm_g, ohm_used);
}

/* The full invariant check of a map whose header is sound (after
 * N_attach): the mirror matches, every used slot's byte is exactly the one
 * its key's hash and place give (fingerprint at home, distance and class
 * when displaced), every displaced entry's home group has its class bit
 * and no group with a free slot lies on its probe (invariant I), a table
 * with no free slot has a group boundary that no probe crosses, count
 * equals the used slots, and no key is stored twice. OHM_OK or
 * OHM_CORRUPT. Reads only the block. O(capacity) time, hashing each key
 * about twice, with 8 bytes an entry of scratch memory for the search for
 * keys stored twice (see N__check_dups). OHM_TOO_COSTLY only when more
 * than OHM__CHECK_BUDGET key comparisons would be needed: many keys that
 * share one full 64-bit hash value (a constant or broken hash, or a
 * crafted block), or, without the scratch memory, entries very far from
 * home. The header is read once, at the start; a block that another
 * process may rewrite meanwhile is checked with N_validate, which also
 * knows the buffer's length. */
OHM__API ohm_status OHM__F(_check)(const OHM__N *ohm_m)
{
    ohm_header ohm_h = ohm_m->hdr;
    ohm_status ohm_st = OHM__F(__check_sync)(ohm_m, &ohm_h);
    if (ohm_st != OHM_OK) return ohm_st;
    ohm__geo ohm_g = OHM__F(__geo_of)(ohm_m, ohm_h.capacity, ohm_h.meta_start, ohm_h.keys_start);
    return OHM__F(__check_in)(ohm_m, &ohm_g, ohm_h.count, ohm_h.max_entries);
}

/* Check an untrusted block of `len` bytes at `buf` against this map type
 * in O(1) (see ohm_header_check for each failure's status) and return the
 * map in *out on OHM_OK (NULL otherwise). Nothing is written to the block.
 * The type check compares what the block records: key and value sizes and
 * alignments, set or map, interleaving and OHM_TYPE_TAG; two types of the
 * same sizes (uint32_t and float) are told apart only by a type tag. */
OHM__API ohm_status OHM__F(_attach)(void *ohm_buf, size_t ohm_len, OHM__N **ohm_out)
{
    ohm_signature ohm_sig = OHM__F(__signature)();
    ohm_status ohm_st = ohm_header_check(ohm_buf, ohm_len, OHM__F(_base_align)(), &ohm_sig);
    if (ohm_out) *ohm_out = ohm_st == OHM_OK ? OHM__CAST(OHM__N *, ohm_buf) : OHM__NULL;
    return ohm_st;
}

/* N_attach for a block that must not be written (a read-only mapping):
 * the map comes back const, for the lookups, iteration and checks. */
OHM__API ohm_status OHM__F(_attach_const)(const void *ohm_buf, size_t ohm_len, const OHM__N **ohm_out)
{
    OHM__N *ohm_m;
    ohm_status ohm_st = OHM__F(_attach)(OHM__UNCONST(void *, ohm_buf), ohm_len, &ohm_m);
    if (ohm_out) *ohm_out = ohm_m;
    return ohm_st;
}

/* N_attach followed by N_check: the whole block is verified. Never reads
 * outside [buf, buf + len) and never writes. */
OHM__API ohm_status OHM__F(_validate)(const void *ohm_buf, size_t ohm_len)
{
    /* The header is read once, and everything after uses that reading: a
     * process rewriting the block meanwhile may change the answer, never
     * where the check reads. */
    ohm_signature ohm_sig = OHM__F(__signature)();
    ohm_header ohm_h;
    ohm_status ohm_st = ohm__header_read(ohm_buf, ohm_len, OHM__F(_base_align)(), &ohm_sig, &ohm_h);
    if (ohm_st != OHM_OK) return ohm_st;
    const OHM__N *ohm_m = OHM__CAST(const OHM__N *, ohm_buf);
    ohm_st = OHM__F(__check_sync)(ohm_m, &ohm_h);
    if (ohm_st != OHM_OK) return ohm_st;
    ohm__geo ohm_g = OHM__F(__geo_of)(ohm_m, ohm_h.capacity, ohm_h.meta_start, ohm_h.keys_start);
    return OHM__F(__check_in)(ohm_m, &ohm_g, ohm_h.count, ohm_h.max_entries);
}
