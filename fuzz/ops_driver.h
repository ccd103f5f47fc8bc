/* ops_driver.h - the operation driver of fuzz_ops.c for one map type.
 * fuzz_ops.c includes it once per instantiation, with these parameters
 * (undefined again at the end of this file):
 *
 *   FZ_N           prefix of the ohm instantiation under test
 *   FZ_K           its key type (uint32_t or uint64_t)
 *   FZ_SET         defined when the instantiation is a set
 *   FZ_HASH(m, k)  the hash the map computes for key k (for adapted calls)
 *
 * It decodes the rest of the input into operations (fuzz_common.h lists
 * them with their parameter bytes), applies each to the map and to the
 * oracle (fz_oracle: a direct-indexed array over the key space), compares
 * every result, and after every operation runs FZ_N_check, FZ_N_validate
 * and a full comparison of the contents by iteration.
 */

#define FZ_F(suffix) FZ_CAT(FZ_N, suffix)
#ifdef FZ_SET
#define FZ_VARG(v)
#define FZ_IF_MAP(...)
#else
#define FZ_VARG(v) , v
#define FZ_IF_MAP(...) __VA_ARGS__
#endif

static FZ_K FZ_F(_fz_key)(uint32_t idx)
{
    return (FZ_K)((uint64_t)idx * FZ_KEY_MUL);
}

/* The key index of a key the map gave back; it must be one we put in. */
static uint32_t FZ_F(_fz_idx)(FZ_K key, const fz_oracle *o)
{
    uint64_t i = sizeof(FZ_K) == 8 ? (uint64_t)key * FZ_KEY_INV
                                   : (uint32_t)((uint32_t)key * (uint32_t)FZ_KEY_INV);
    FZ_REQUIRE(i < o->ks);
    return (uint32_t)i;
}

static bool FZ_F(_fz_eq)(const void *probe, const FZ_K *key, void *ctx)
{
    ++*(unsigned long *)ctx;
    return FZ_F(_fz_key)(((const fz_probe *)probe)->idx) == *key;
}

/* N_remove_if's predicate: removes the entries whose key index has bit
 * (index mod 8) of `bits` set; checks it is asked once about each. */
static bool FZ_F(_fz_pred)(FZ_F(_entry) e, void *vctx)
{
    fz_pred_ctx *c = (fz_pred_ctx *)vctx;
    uint64_t i = sizeof(FZ_K) == 8 ? (uint64_t)*e.key * FZ_KEY_INV
                                   : (uint32_t)((uint32_t)*e.key * (uint32_t)FZ_KEY_INV);
    c->calls++;
    if (i >= c->ks || c->called[i]) {
        c->bad = true;
        return false;
    }
    c->called[i] = 1;
    return (c->bits >> (i % 8)) & 1u;
}

/* Everything the map says must agree with the oracle. */
static void FZ_F(_fz_verify)(const FZ_N *m, const fz_oracle *o)
{
    static uint8_t seen[FZ_KS_MAX];
    FZ_REQUIRE(FZ_F(_check)(m) == OHM_OK);
    FZ_REQUIRE(FZ_F(_validate)(m, FZ_F(_block_size)(m)) == OHM_OK);
    FZ_REQUIRE(FZ_F(_count)(m) == o->count);
    FZ_REQUIRE(FZ_F(_max_load)(m) == o->max);
    FZ_REQUIRE(FZ_F(_user)(m) == o->user);
    memset(seen, 0, o->ks);
    FZ_F(_iter) it = FZ_F(_iter_begin)(m);
    FZ_F(_entry) e;
    uint32_t n = 0;
    while (FZ_F(_iter_next)(&it, &e)) {
        uint32_t i = FZ_F(_fz_idx)(*e.key, o);
        FZ_REQUIRE(o->present[i] && !seen[i]);
        seen[i] = 1;
        FZ_IF_MAP(FZ_REQUIRE(*e.value == o->val[i]);)
        FZ_REQUIRE(++n <= o->count);
    }
    FZ_REQUIRE(n == o->count);
    FZ_REQUIRE(!FZ_F(_iter_next)(&it, NULL));
}

/* Lookups through every read call. */
static void FZ_F(_fz_lookup)(const FZ_N *m, const fz_oracle *o, uint32_t i)
{
    FZ_K k = FZ_F(_fz_key)(i);
    FZ_F(_entry) e = FZ_F(_get_entry)(m, k);
    FZ_K *kp = FZ_F(_get_key)(m, k);
    FZ_REQUIRE(FZ_F(_contains)(m, k) == (o->present[i] != 0));
    FZ_REQUIRE(e.key == kp);
    if (o->present[i]) {
        FZ_REQUIRE(kp != NULL && *kp == k);
        FZ_IF_MAP(FZ_REQUIRE(FZ_F(_get)(m, k) == e.value && *e.value == o->val[i]);)
    } else {
        FZ_REQUIRE(kp == NULL);
        FZ_IF_MAP(FZ_REQUIRE(FZ_F(_get)(m, k) == NULL && e.value == NULL);)
    }
}

static void FZ_F(_fz_add)(fz_oracle *o, uint32_t i, uint32_t v)
{
    FZ_REQUIRE(!o->present[i]);
    o->present[i] = 1;
    o->val[i] = v;
    o->count++;
}

static void FZ_F(_fz_del)(fz_oracle *o, uint32_t i)
{
    FZ_REQUIRE(o->present[i]);
    o->present[i] = 0;
    o->count--;
}

/* What an insertion of key index i must answer. */
static ohm_status FZ_F(_fz_expect_insert)(const fz_oracle *o, uint32_t i)
{
    return o->present[i] ? OHM_FOUND : o->count < o->max ? OHM_OK : OHM_FULL;
}

/* Rehash into a new block of another capacity, maximum load and seed (or
 * exercise the OHM_INVALID cases first). On OHM_OK the map moves there.
 * b1: the capacity (mod 12). b2: bits 0-2 the maximum load; bit 3 a new
 * seed, `new_seed` or, with bit 5, one of fz_weak_seeds (picked by b1 / 12
 * and b2's top two bits, what the other choices leave); bit 4 the
 * OHM_INVALID cases. */
static void FZ_F(_fz_rehash)(void **raw, FZ_N **mp, fz_oracle *o, unsigned b1, unsigned b2,
                             uint64_t new_seed)
{
    FZ_N *m = *mp;
    uint32_t ncap = fz_rehash_caps[b1 % 12u];
    unsigned nload = fz_rehash_loads[b2 % 8u];
    uint64_t nseed = !(b2 & 8u)  ? FZ_F(_seed)(m)
                     : (b2 & 32u) ? fz_weak_seeds[(b1 / 12u * 4u + (b2 >> 6)) % FZ_WEAK_SEEDS]
                                  : new_seed;
    ohm_layout nl = FZ_F(_layout_for_capacity)(ncap);
    FZ_REQUIRE(nl.total_size != 0);
    void *nraw = fz_alloc(nl.total_size);
    FZ_N *d = FZ_F(_init_ex)(nraw, nl, nseed, nload);
    FZ_REQUIRE(d == nraw && FZ_F(_count)(d) == 0 && FZ_F(_seed)(d) == nseed);
    uint32_t nmax = ohm_max_entries(ncap, nload);
    FZ_REQUIRE(FZ_F(_max_load)(d) == nmax);

    size_t src_size = FZ_F(_block_size)(m);
    unsigned char *src_before = fz_alloc(src_size);
    memcpy(src_before, m, src_size);

    if (b2 & 16u) {
        /* The same block, and a destination that is not empty. */
        FZ_REQUIRE(FZ_F(_rehash)(m, m) == OHM_INVALID);
        if (nmax > 0) {
            FZ_REQUIRE(FZ_F(_put)(d, FZ_F(_fz_key)(0) FZ_VARG(7u)) == OHM_OK);
            unsigned char *d_before = fz_alloc(nl.total_size);
            memcpy(d_before, d, nl.total_size);
            FZ_REQUIRE(FZ_F(_rehash)(m, d) == OHM_INVALID);
            FZ_REQUIRE(memcmp(d_before, d, nl.total_size) == 0);
            free(d_before);
            FZ_F(_clear)(d);
        }
        FZ_REQUIRE(memcmp(src_before, m, src_size) == 0);
    }

    unsigned char *dst_before = fz_alloc(nl.total_size);
    memcpy(dst_before, d, nl.total_size);
    ohm_status st = FZ_F(_rehash)(m, d);
    FZ_REQUIRE(memcmp(src_before, m, src_size) == 0); /* the source is only read */
    if (o->count <= nmax) {
        FZ_REQUIRE(st == OHM_OK);
        FZ_REQUIRE(FZ_F(_check)(d) == OHM_OK);
        free(*raw);
        *raw = nraw;
        *mp = d;
        o->max = nmax;
        o->user = FZ_F(_user)(d);
    } else {
        FZ_REQUIRE(st == OHM_FULL);
        FZ_REQUIRE(memcmp(dst_before, d, nl.total_size) == 0);
        free(nraw);
    }
    free(dst_before);
    free(src_before);
}

/* memcpy the block to another address (at an offset inside a new
 * allocation, reached through N_at) and carry on there; the old copy is
 * scribbled over and freed so that nothing can keep using it. */
static void FZ_F(_fz_relocate)(void **raw, FZ_N **mp, unsigned b)
{
    size_t size = FZ_F(_block_size)(*mp);
    size_t off = 8u * (b % 8u);
    unsigned char *nraw = fz_alloc(off + size);
    memcpy(nraw + off, *mp, size);
    memset(*mp, 0xdd, size);
    free(*raw);
    *raw = nraw;
    *mp = FZ_F(_at)(nraw, off);
}

/* FZ_OP_CUT: the call, run by fz_cut_run. */
typedef struct FZ_F(_fz_cut) {
    FZ_N *m;
    unsigned which;
    FZ_K k;
    uint32_t v;
    fz_pred_ctx *pc;
    FZ_K keys[3]; /* put_many: keys i, i + 1, i + 2 */
    uint32_t vals[3];
} FZ_F(_fz_cut);

static void FZ_F(_fz_cut_apply)(void *ctx)
{
    FZ_F(_fz_cut) *c = (FZ_F(_fz_cut) *)ctx;
    FZ_N *m = c->m;
    switch (c->which) {
    case 0: (void)FZ_F(_put)(m, c->k FZ_VARG(c->v)); break;
    case 1: (void)FZ_F(_put_new)(m, c->k FZ_VARG(c->v)); break;
    case 2: (void)FZ_F(_fetch_put)(m, c->k FZ_VARG(c->v), NULL); break;
    case 3: (void)FZ_F(_get_or_put)(m, c->k, NULL); break;
    case 4: (void)FZ_F(_remove)(m, c->k); break;
    case 5: FZ_F(_remove_at)(m, FZ_F(_get_key)(m, c->k)); break;
    case 6: {
        FZ_F(_iter) it = FZ_F(_iter_begin)(m);
        FZ_F(_entry) e;
        while (FZ_F(_iter_next)(&it, &e))
            if (*e.key == c->k) {
                FZ_REQUIRE(FZ_F(_iter_remove)(&it));
                break;
            }
        break;
    }
    case 7: (void)FZ_F(_remove_if)(m, FZ_F(_fz_pred), c->pc); break;
    case 8: FZ_F(_clear)(m); break;
    default: (void)FZ_F(_put_many)(m, c->keys FZ_VARG(c->vals), 3); break;
    }
}

/* A mutation cut at store `at`: the state before (o) and after (o_after,
 * `any`: key index i present with any value), then on a cut N_check
 * (OHM_BUSY once a store was made), N_read of key i (OHM_BUSY while its
 * home group is marked), N_recover, and every key as before or as after
 * (a clear: all of them one way). o becomes what the map holds. */
static void FZ_F(_fz_cut_run)(FZ_N *m, fz_oracle *o, unsigned which, uint32_t i, uint32_t v, long at)
{
    static fz_oracle after;
    static fz_pred_ctx pc;
    bool any = false;
    after = *o;
    memset(&pc, 0, sizeof pc);
    pc.bits = i & 0xffu;
    pc.ks = o->ks;
    FZ_F(_fz_cut) c = {m, which, FZ_F(_fz_key)(i), v, &pc, {0, 0, 0}, {0, 0, 0}};
    bool had = o->present[i] != 0, room = o->count < o->max;
    uint32_t bi[3], o_before_val[3]; /* put_many's key indices, and their states before */
    uint8_t o_before_present[3];
    for (uint32_t j = 0; j < 3; j++) {
        bi[j] = (i + j) % o->ks;
        c.keys[j] = FZ_F(_fz_key)(bi[j]);
        c.vals[j] = v + j;
        o_before_present[j] = o->present[bi[j]];
        o_before_val[j] = o->val[bi[j]];
    }
    (void)o_before_val; /* (a set has no values) */
    switch (which) {
    case 0: /* put */
    case 2: /* fetch_put */
        if (had) after.val[i] = v;
        else if (room) FZ_F(_fz_add)(&after, i, v);
        break;
    case 1: /* put_new: only of an absent key */
        if (had) return;
        if (room) FZ_F(_fz_add)(&after, i, v);
        break;
    case 3: /* get_or_put: a new entry's value is the caller's to store, after */
        if (!had && room) FZ_F(_fz_add)(&after, i, v), any = true;
        break;
    case 4:
        if (had) FZ_F(_fz_del)(&after, i);
        break;
    case 5: /* remove_at, iter_remove: of a present key */
    case 6:
        if (!had) return;
        FZ_F(_fz_del)(&after, i);
        break;
    case 7:
        for (uint32_t j = 0; j < o->ks; j++)
            if (o->present[j] && ((pc.bits >> (j % 8)) & 1u)) FZ_F(_fz_del)(&after, j);
        break;
    case 8:
        memset(after.present, 0, sizeof after.present);
        after.count = 0;
        break;
    default: /* put_many: in order up to the first that does not fit (a small key space may repeat one) */
        for (uint32_t j = 0; j < 3; j++) {
            if (after.present[bi[j]]) after.val[bi[j]] = c.vals[j];
            else if (after.count < after.max) FZ_F(_fz_add)(&after, bi[j], c.vals[j]);
            else break;
        }
        if (bi[1] == bi[0] || bi[2] == bi[0] || bi[2] == bi[1]) return; /* a key twice: states between before and after */
        break;
    }
    if (fz_cut_run(FZ_F(_fz_cut_apply), &c, at)) { /* it completed */
        *o = after;
        if (any) FZ_IF_MAP(*FZ_F(_get)(m, FZ_F(_fz_key)(i)) = v); /* what get_or_put's caller does */
        return;
    }
    bool between = which == 9 && !(FZ_F(__sync)(m)->seq & 1u); /* put_many cut between two puts: a sound block */
    FZ_REQUIRE(FZ_F(_check)(m) == (at == 0 || between ? OHM_OK : OHM_BUSY));
    FZ_IF_MAP(uint32_t rv = 0;)
    ohm_status rs = FZ_F(_read)(m, c.k FZ_VARG(&rv));
    uint32_t home = FZ_F(__home_group)(m, FZ_F(__hash)(m, &c.k));
    if (FZ_F(_capacity)(m) != 0 && (FZ_F(__stripes)(m)[home & (ohm__stripes(FZ_F(_capacity)(m)) - 1)] & 1u))
        FZ_REQUIRE(rs == OHM_BUSY); /* (no slots: nothing to read, always absent) */
    if (rs != OHM_BUSY) { /* the state before or after */
        bool f = rs == OHM_FOUND;
        FZ_REQUIRE(rs == OHM_ABSENT || f);
        FZ_REQUIRE((f == (o->present[i] != 0) FZ_IF_MAP(&& (!f || rv == o->val[i]))) ||
                   (f == (after.present[i] != 0) FZ_IF_MAP(&& (!f || any || rv == after.val[i]))));
    }
    FZ_REQUIRE(FZ_F(_recover)(m) == OHM_OK);
    FZ_REQUIRE(FZ_F(_check)(m) == OHM_OK);
    uint32_t as_before = 0, as_after = 0, count = 0;
    for (uint32_t j = 0; j < o->ks; j++) {
        FZ_K k = FZ_F(_fz_key)(j);
        bool present = FZ_F(_contains)(m, k);
        FZ_IF_MAP(uint32_t val = present ? *FZ_F(_get)(m, k) : 0;)
        bool mb = present == (o->present[j] != 0) FZ_IF_MAP(&& (!present || val == o->val[j]));
        bool ma = present == (after.present[j] != 0) FZ_IF_MAP(&& (!present || (any && j == i) || val == after.val[j]));
        FZ_REQUIRE(mb || ma); /* as before or as after: never lost, doubled, made up or mixed */
        as_before += mb && !ma;
        as_after += ma && !mb;
        if (present) {
            if (any && j == i && !mb) FZ_IF_MAP(*FZ_F(_get)(m, k) = v, val = v); /* the caller's store */
            FZ_IF_MAP(o->val[j] = val;)
        }
        o->present[j] = present;
        count += present;
    }
    if (which == 8) FZ_REQUIRE(!(as_before && as_after)); /* a clear: all or nothing */
    if (which == 9) { /* put_many: the keys done are a prefix of the batch */
        bool undone = false;
        for (uint32_t j = 0; j < 3; j++) {
            FZ_K k = c.keys[j];
            bool present = FZ_F(_contains)(m, k);
            FZ_IF_MAP(uint32_t val = present ? *FZ_F(_get)(m, k) : 0;)
            bool now = present == (after.present[bi[j]] != 0) FZ_IF_MAP(&& (!present || val == after.val[bi[j]]));
            bool was = present == (o_before_present[j] != 0) FZ_IF_MAP(&& (!present || val == o_before_val[j]));
            FZ_REQUIRE(!(now && !was && undone));
            undone |= was && !now;
        }
    }
    o->count = count; /* FZ_F(_fz_verify) then checks it, and that no key is stored twice */
    FZ_REQUIRE(FZ_F(_read)(m, c.k FZ_VARG(&rv)) == (o->present[i] ? OHM_FOUND : OHM_ABSENT));
    FZ_IF_MAP(if (o->present[i]) FZ_REQUIRE(rv == o->val[i]);)
}

static void FZ_F(_fz_run)(fz_in *in, uint32_t cap, unsigned load, uint64_t seed)
{
    fz_oracle *o = &fz_state;
    memset(o, 0, sizeof *o);
    o->ks = cap * 3u / 2u + 4u;
    o->max = ohm_max_entries(cap, load ? load : FZ_DEFAULT_LOAD);
    FZ_REQUIRE(o->ks <= FZ_KS_MAX);

    ohm_layout l = FZ_F(_layout_for_capacity)(cap);
    FZ_REQUIRE(l.total_size != 0 && l.capacity == cap);
    void *raw = fz_alloc(l.total_size);
    /* A refused init touches nothing. */
    memset(raw, 0x5a, l.total_size);
    FZ_REQUIRE(FZ_F(_init_ex)(raw, l, seed, 101) == NULL);
    FZ_REQUIRE(((unsigned char *)raw)[0] == 0x5a &&
               ((unsigned char *)raw)[l.total_size - 1] == 0x5a);
    FZ_N *m = FZ_F(_init_ex)(raw, l, seed, load);
    FZ_REQUIRE(m == raw);
    FZ_REQUIRE(FZ_F(_capacity)(m) == cap && FZ_F(_seed)(m) == seed);
    FZ_REQUIRE(FZ_F(_block_size)(m) == l.total_size);
    FZ_F(_fz_verify)(m, o);

    uint32_t step = 0;
    unsigned long eq_calls = 0;
    while (in->n > 0) {
        int op = fz_op_decode(fz_u8(in));
        step++;
        uint32_t v = step * 2654435761u;
        switch (op) {
        case FZ_OP_PUT: {
            uint32_t i = fz_key_index(in, o);
            ohm_status want = FZ_F(_fz_expect_insert)(o, i);
            FZ_REQUIRE(FZ_F(_put)(m, FZ_F(_fz_key)(i) FZ_VARG(v)) == want);
            if (want == OHM_OK) FZ_F(_fz_add)(o, i, v);
            if (want == OHM_FOUND) o->val[i] = v;
            break;
        }
        case FZ_OP_PUT_NEW: {
            uint32_t i = fz_key_index(in, o);
            if (o->present[i]) { /* put_new's contract: only absent keys */
                FZ_F(_fz_lookup)(m, o, i);
                break;
            }
            ohm_status want = FZ_F(_fz_expect_insert)(o, i);
            FZ_REQUIRE(FZ_F(_put_new)(m, FZ_F(_fz_key)(i) FZ_VARG(v)) == want);
            if (want == OHM_OK) FZ_F(_fz_add)(o, i, v);
            break;
        }
        case FZ_OP_GET:
            FZ_F(_fz_lookup)(m, o, fz_key_index(in, o));
            break;
        case FZ_OP_REMOVE: {
            uint32_t i = fz_key_index(in, o);
            bool had = o->present[i];
            FZ_REQUIRE(FZ_F(_remove)(m, FZ_F(_fz_key)(i)) == had);
            if (had) FZ_F(_fz_del)(o, i);
            break;
        }
        case FZ_OP_FETCH_REMOVE: {
            uint32_t i = fz_key_index(in, o);
            bool null_out = fz_u8(in) & 1u, had = o->present[i];
            FZ_F(_kv) out;
            memset(&out, 0, sizeof out);
            FZ_REQUIRE(FZ_F(_fetch_remove)(m, FZ_F(_fz_key)(i), null_out ? NULL : &out) == had);
            if (had && !null_out) {
                FZ_REQUIRE(out.key == FZ_F(_fz_key)(i));
                FZ_IF_MAP(FZ_REQUIRE(out.value == o->val[i]);)
            }
            if (had) FZ_F(_fz_del)(o, i);
            break;
        }
        case FZ_OP_FETCH_PUT: {
            uint32_t i = fz_key_index(in, o);
            bool null_out = fz_u8(in) & 1u;
            ohm_status want = FZ_F(_fz_expect_insert)(o, i);
            FZ_F(_kv) old;
            memset(&old, 0, sizeof old);
            FZ_REQUIRE(FZ_F(_fetch_put)(m, FZ_F(_fz_key)(i) FZ_VARG(v), null_out ? NULL : &old) ==
                       want);
            if (want == OHM_FOUND && !null_out) {
                FZ_REQUIRE(old.key == FZ_F(_fz_key)(i));
                FZ_IF_MAP(FZ_REQUIRE(old.value == o->val[i]);)
            }
            if (want == OHM_OK) FZ_F(_fz_add)(o, i, v);
            if (want == OHM_FOUND) o->val[i] = v;
            break;
        }
        case FZ_OP_GET_OR_PUT: {
            uint32_t i = fz_key_index(in, o);
            ohm_status want = FZ_F(_fz_expect_insert)(o, i);
            FZ_F(_entry) e;
            FZ_REQUIRE(FZ_F(_get_or_put)(m, FZ_F(_fz_key)(i), &e) == want);
            if (want == OHM_FULL) {
                FZ_REQUIRE(e.key == NULL);
                break;
            }
            FZ_REQUIRE(e.key != NULL && *e.key == FZ_F(_fz_key)(i));
            if (want == OHM_FOUND) {
                FZ_IF_MAP(FZ_REQUIRE(*e.value == o->val[i]);)
            } else {
                FZ_IF_MAP(*e.value = v;)
                FZ_F(_fz_add)(o, i, v);
            }
            break;
        }
        case FZ_OP_GET_OR_PUT_VALUE: {
            uint32_t i = fz_key_index(in, o);
            ohm_status want = FZ_F(_fz_expect_insert)(o, i);
            FZ_F(_entry) e;
            FZ_REQUIRE(FZ_F(_get_or_put_value)(m, FZ_F(_fz_key)(i) FZ_VARG(v), &e) == want);
            if (want == OHM_FULL) {
                FZ_REQUIRE(e.key == NULL);
                break;
            }
            FZ_REQUIRE(e.key != NULL && *e.key == FZ_F(_fz_key)(i));
            if (want == OHM_OK) FZ_F(_fz_add)(o, i, v);
            FZ_IF_MAP(FZ_REQUIRE(*e.value == o->val[i]);) /* found: left as it was */
            break;
        }
        case FZ_OP_ASSUME: {
            uint32_t i = fz_key_index(in, o);
            unsigned which = fz_u8(in) % 4u;
            bool had = o->present[i];
            FZ_K k = FZ_F(_fz_key)(i);
            if (!had && o->count >= o->max) { /* the contract needs room */
                FZ_F(_fz_lookup)(m, o, i);
                break;
            }
            if (which == 0) {
                bool found = !had;
                FZ_F(_entry) e = FZ_F(_get_or_put_assume_capacity)(m, k, &found);
                FZ_REQUIRE(found == had && e.key != NULL && *e.key == k);
                if (had) {
                    FZ_IF_MAP(FZ_REQUIRE(*e.value == o->val[i]);)
                } else {
                    FZ_IF_MAP(*e.value = v;)
                    FZ_F(_fz_add)(o, i, v);
                }
            } else if (which == 1) {
                FZ_F(_put_assume_capacity)(m, k FZ_VARG(v));
                if (had) o->val[i] = v;
                else FZ_F(_fz_add)(o, i, v);
            } else if (which == 2) {
                if (had) break; /* and absence */
                FZ_F(_put_new_assume_capacity)(m, k FZ_VARG(v));
                FZ_F(_fz_add)(o, i, v);
            } else {
                FZ_F(_kv) old;
                memset(&old, 0, sizeof old);
                FZ_REQUIRE(FZ_F(_fetch_put_assume_capacity)(m, k FZ_VARG(v), &old) == had);
                if (had) {
                    FZ_REQUIRE(old.key == k);
                    FZ_IF_MAP(FZ_REQUIRE(old.value == o->val[i]);)
                    o->val[i] = v;
                } else {
                    FZ_F(_fz_add)(o, i, v);
                }
            }
            break;
        }
        case FZ_OP_REMOVE_AT: {
            unsigned b = fz_u8(in);
            if (o->count == 0) break;
            uint32_t j = b % o->count;
            FZ_F(_iter) it = FZ_F(_iter_begin)(m);
            FZ_F(_entry) e;
            for (uint32_t n = 0; n <= j; n++) FZ_REQUIRE(FZ_F(_iter_next)(&it, &e));
            uint32_t i = FZ_F(_fz_idx)(*e.key, o);
            FZ_F(_remove_at)(m, e.key);
            FZ_F(_fz_del)(o, i);
            break;
        }
        case FZ_OP_ITER: {
            unsigned b = fz_u8(in);
            (void)b; /* unused for a set */
            FZ_F(_iter) it = FZ_F(_iter_begin)(m);
            FZ_F(_entry) e;
            uint32_t n = 0;
            while (FZ_F(_iter_next)(&it, &e)) {
                uint32_t i = FZ_F(_fz_idx)(*e.key, o);
                FZ_REQUIRE(o->present[i]);
                /* Values may be written during iteration. */
                FZ_IF_MAP(if (b & 1u) {
                    *e.value ^= b;
                    o->val[i] ^= b;
                })
                n++;
            }
            FZ_REQUIRE(n == o->count);
            break;
        }
        case FZ_OP_REHASH: {
            unsigned b1 = fz_u8(in), b2 = fz_u8(in);
            FZ_F(_fz_rehash)(&raw, &m, o, b1, b2, seed ^ ((uint64_t)step << 32) ^ b1);
            break;
        }
        case FZ_OP_RELOCATE:
            FZ_F(_fz_relocate)(&raw, &m, fz_u8(in));
            break;
        case FZ_OP_GET_ADAPTED: {
            uint32_t i = fz_key_index(in, o);
            fz_probe p = {i};
            FZ_F(_entry) e = FZ_F(_get_adapted)(m, FZ_HASH(m, FZ_F(_fz_key)(i)), &p,
                                                 FZ_F(_fz_eq), &eq_calls);
            FZ_REQUIRE((e.key != NULL) == (o->present[i] != 0));
            if (e.key) {
                FZ_REQUIRE(*e.key == FZ_F(_fz_key)(i));
                FZ_IF_MAP(FZ_REQUIRE(*e.value == o->val[i]);)
            }
            break;
        }
        case FZ_OP_GET_OR_PUT_ADAPTED: {
            uint32_t i = fz_key_index(in, o);
            fz_probe p = {i};
            ohm_status want = FZ_F(_fz_expect_insert)(o, i);
            FZ_F(_entry) e;
            FZ_REQUIRE(FZ_F(_get_or_put_adapted)(m, FZ_HASH(m, FZ_F(_fz_key)(i)), &p,
                                                 FZ_F(_fz_eq), &eq_calls, &e) == want);
            if (want == OHM_FULL) {
                FZ_REQUIRE(e.key == NULL);
            } else if (want == OHM_FOUND) {
                FZ_REQUIRE(*e.key == FZ_F(_fz_key)(i));
                FZ_IF_MAP(FZ_REQUIRE(*e.value == o->val[i]);)
            } else {
                *e.key = FZ_F(_fz_key)(i); /* the caller stores the key */
                FZ_IF_MAP(*e.value = v;)
                FZ_F(_fz_add)(o, i, v);
            }
            break;
        }
        case FZ_OP_REMOVE_ADAPTED: {
            uint32_t i = fz_key_index(in, o);
            fz_probe p = {i};
            bool had = o->present[i];
            FZ_REQUIRE(FZ_F(_remove_adapted)(m, FZ_HASH(m, FZ_F(_fz_key)(i)), &p, FZ_F(_fz_eq),
                                             &eq_calls) == had);
            if (had) FZ_F(_fz_del)(o, i);
            break;
        }
        case FZ_OP_CLEAR:
            if ((fz_u8(in) & 7u) != 0) break;
            FZ_F(_clear)(m);
            memset(o->present, 0, sizeof o->present);
            o->count = 0;
            break;
        case FZ_OP_RESERVE: {
            unsigned b1 = fz_u8(in), b2 = fz_u8(in);
            uint32_t a = b1 | ((b2 & 1u) ? 0xffffff00u : 0u);
            FZ_REQUIRE(FZ_F(_reserve)(m, a) ==
                       ((uint64_t)o->count + a <= o->max ? OHM_OK : OHM_FULL));
            FZ_REQUIRE(FZ_F(_reserve_total)(m, a) == (a <= o->max ? OHM_OK : OHM_FULL));
            break;
        }
        case FZ_OP_USER:
            o->user = fz_u8(in) * 0x0101010101010101u;
            FZ_F(_set_user)(m, o->user);
            break;
        case FZ_OP_ITER_REMOVE: { /* every entry once, the picked ones removed */
            unsigned b = fz_u8(in);
            static uint8_t seen_ir[FZ_KS_MAX];
            uint8_t *seen = seen_ir;
            memset(seen, 0, o->ks);
            uint32_t before = o->count, n = 0;
            FZ_F(_iter) it = FZ_F(_iter_begin)(m);
            FZ_F(_entry) e;
            while (FZ_F(_iter_next)(&it, &e)) {
                uint32_t i = FZ_F(_fz_idx)(*e.key, o);
                FZ_REQUIRE(o->present[i] && !seen[i] && ++n <= before);
                seen[i] = 1;
                if ((b >> (i % 8)) & 1u) {
                    FZ_REQUIRE(FZ_F(_iter_remove)(&it));
                    FZ_REQUIRE(!FZ_F(_iter_remove)(&it));
                    FZ_F(_fz_del)(o, i);
                    FZ_REQUIRE(FZ_F(_check)(m) == OHM_OK);
                }
            }
            FZ_REQUIRE(n == before);
            break;
        }
        case FZ_OP_REMOVE_IF: {
            fz_pred_ctx c;
            memset(&c, 0, sizeof c);
            c.bits = fz_u8(in);
            c.ks = o->ks;
            uint32_t before = o->count, want = 0;
            for (uint32_t i = 0; i < o->ks; i++) want += o->present[i] && ((c.bits >> (i % 8)) & 1u);
            FZ_REQUIRE(FZ_F(_remove_if)(m, FZ_F(_fz_pred), &c) == want);
            FZ_REQUIRE(c.calls == before && !c.bad);
            for (uint32_t i = 0; i < o->ks; i++) {
                FZ_REQUIRE(c.called[i] == o->present[i]);
                if (o->present[i] && ((c.bits >> (i % 8)) & 1u)) FZ_F(_fz_del)(o, i);
            }
            break;
        }
        case FZ_OP_GET_MANY: {
            unsigned b = fz_u8(in) % 48u;
            FZ_K keys[48];
            FZ_F(_entry) got[48];
            for (unsigned j = 0; j < b; j++) keys[j] = FZ_F(_fz_key)((uint32_t)((j * 7919u + b) % o->ks));
            FZ_F(_get_many)(m, keys, b, got);
            for (unsigned j = 0; j < b; j++) {
                FZ_F(_entry) one = FZ_F(_get_entry)(m, keys[j]);
                FZ_REQUIRE(got[j].key == one.key);
                FZ_REQUIRE((one.key != NULL) == (o->present[(j * 7919u + b) % o->ks] != 0));
            }
            break;
        }
        case FZ_OP_PUT_MANY: { /* keys repeat and run into a full map: the oracle takes them in order */
            unsigned b = fz_u8(in) % 48u, b2 = fz_u8(in);
            FZ_K keys[48];
            uint32_t vals[48], idx[48];
            for (unsigned j = 0; j < b; j++) {
                idx[j] = (uint32_t)((j * (2u * b2 + 1u) + b2) % o->ks);
                keys[j] = FZ_F(_fz_key)(idx[j]);
                vals[j] = v + j;
            }
            (void)vals;
            size_t want = 0;
            for (; want < b; want++) {
                uint32_t ij = idx[want];
                if (o->present[ij]) o->val[ij] = vals[want];
                else if (o->count < o->max) FZ_F(_fz_add)(o, ij, vals[want]);
                else break;
            }
            FZ_REQUIRE(FZ_F(_put_many)(m, keys FZ_VARG(vals), b) == want);
            break;
        }
        case FZ_OP_CUT: {
            unsigned which = fz_u8(in) % FZ_CUT_CALLS;
            uint32_t i = fz_key_index(in, o);
            unsigned b1 = fz_u8(in), b2 = fz_u8(in);
            FZ_F(_fz_cut_run)(m, o, which, i, v, (long)(b1 + 256u * (b2 % 4u)));
            break;
        }
        default:
            FZ_REQUIRE(0);
        }
        FZ_F(_fz_verify)(m, o);
    }
    for (uint32_t i = 0; i < o->ks; i++) FZ_F(_fz_lookup)(m, o, i);
    free(raw);
}

#undef FZ_F
#undef FZ_VARG
#undef FZ_IF_MAP
#undef FZ_N
#undef FZ_K
#undef FZ_SET
#undef FZ_HASH
