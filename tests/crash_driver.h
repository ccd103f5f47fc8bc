/* crash_driver.h - the body of tests/test_crash.c, a template instantiated
 * once per map type under test (define the parameters, include; it
 * #undefs them). test_crash.c defines what it uses before the first
 * include: the store hook and crash_run, the keys (crash_key, crash_id),
 * the operation kinds, crash_fail, crash_shape and the victims.
 *
 * Parameters (the map type must already be instantiated, with uint64_t
 * keys made by crash_key and a value type without padding bytes):
 *   CD_N              the instantiation's prefix
 *   CD_V              its value type
 *   CD_VAL(id, g, p)  stores the value of key `id`, generation `g`, at p
 *   CD_NAME           a string naming the instantiation in messages
 *
 * For one block and one mutating call, every cut point k (the call's
 * k-th store, from 0 until the call completes) is tried on a fresh copy
 * of the block: the cut block, then N_recover, N_check, the contents
 * against the oracle, and N_read before and after the recovery.
 */
#define CD__CAT2(a, b) a##b
#define CD__CAT(a, b) CD__CAT2(a, b)
#define CD__F(s) CD__CAT(CD_N, s)

/* The oracle of one case: each key id's state before and after the call. */
typedef struct CD__F(_orc) {
    uint8_t bp, ap;   /* present before, after */
    uint8_t aany;     /* after: present with any value (get_or_put's new entry) */
    CD_V bv, av;      /* the values before, after */
} CD__F(_orc);

/* One case: the block before the call, the call, and the oracle. */
typedef struct CD__F(_case) {
    const char *scn;      /* the scenario's name */
    int op;               /* CRASH_OP_* */
    uint32_t id;          /* the key the call changes (for clear and remove_if: the first doomed) */
    uint32_t other;       /* a key the call does not change (UINT32_MAX: none) */
    uint32_t nu;          /* key ids 0..nu-1 */
    uint32_t cap;
    uint64_t key;         /* the call's key */
    CD_V val;             /* its value */
    const uint8_t *doomed; /* remove_if: by key id */
    const CD_N *before;   /* the block before the call */
    CD_N *m;              /* the block the call runs on */
    size_t size;
    CD__F(_orc) * orc;
    uint8_t *seen;
    uint32_t batch[3];    /* put_many: the key ids of the batch, in order */
    uint32_t nbatch;
} CD__F(_case);

static bool CD__F(_pred)(CD__F(_entry) e, void *ctx)
{
    const CD__F(_case) *c = (const CD__F(_case) *)ctx;
    uint32_t id = crash_id(*e.key);
    return id < c->nu && c->doomed[id];
}

/* The call, run by crash_run. */
static void CD__F(_apply)(void *ctx)
{
    CD__F(_case) *c = (CD__F(_case) *)ctx;
    CD_N *m = c->m;
    switch (c->op) {
    case CRASH_OP_PUT: (void)CD__F(_put)(m, c->key, c->val); break;
    case CRASH_OP_PUT_NEW: (void)CD__F(_put_new)(m, c->key, c->val); break;
    case CRASH_OP_FETCH_PUT: {
        CD__F(_kv) old;
        (void)CD__F(_fetch_put)(m, c->key, c->val, &old);
        break;
    }
    case CRASH_OP_GET_OR_PUT: {
        CD__F(_entry) e;
        (void)CD__F(_get_or_put)(m, c->key, &e);
        break;
    }
    case CRASH_OP_REMOVE: (void)CD__F(_remove)(m, c->key); break;
    case CRASH_OP_REMOVE_AT: CD__F(_remove_at)(m, CD__F(_get_key)(m, c->key)); break;
    case CRASH_OP_ITER_REMOVE: {
        CD__F(_iter) it = CD__F(_iter_begin)(m);
        CD__F(_entry) e;
        while (CD__F(_iter_next)(&it, &e))
            if (*e.key == c->key) {
                (void)CD__F(_iter_remove)(&it);
                break;
            }
        break;
    }
    case CRASH_OP_REMOVE_IF: (void)CD__F(_remove_if)(m, CD__F(_pred), c); break;
    case CRASH_OP_CLEAR: CD__F(_clear)(m); break;
    case CRASH_OP_PUT_MANY: {
        uint64_t keys[3];
        CD_V vals[3];
        for (uint32_t j = 0; j < c->nbatch; j++) {
            keys[j] = crash_key_of(c->cap, c->batch[j]);
            CD_VAL(c->batch[j], 1, &vals[j]);
        }
        (void)CD__F(_put_many)(m, keys, vals, c->nbatch);
        break;
    }
    default: break;
    }
}

static bool CD__F(_veq)(const CD_V *a, const CD_V *b) { return memcmp(a, b, sizeof(CD_V)) == 0; }

/* Whether group g's stripe word is odd (a write marked it and did not end). */
static bool CD__F(_stripe_odd)(const CD_N *m, uint32_t g)
{
    uint32_t ns = ohm__stripes(m->hdr.capacity);
    return (CD__F(__stripes)(m)[g & (ns - 1)] & 1u) != 0;
}

/* The slot of key id in map m, UINT32_MAX when absent. */
static uint32_t CD__F(_slot)(const CD_N *m, uint64_t key)
{
    const uint64_t *k = CD__F(_get_key)(m, key);
    return k ? CD__F(__slot_of)(m, k) : UINT32_MAX;
}

/* A lock-free read of key id on the cut block, before N_recover: OHM_BUSY
 * when its home group's stripe is odd (a reader reads that group first;
 * the writer marks it before its first store there and clears the mark
 * after its last store to the block); otherwise OHM_BUSY or an answer of
 * the state before or after (the groups after the home are read only as
 * far as the probe goes: a removal that has cleared its home's mark may
 * leave later groups marked, which the reader need not reach). */
static void CD__F(_read_cut)(CD__F(_case) *c, uint32_t id, long k, uint64_t *busy)
{
    const CD__F(_orc) *o = &c->orc[id];
    uint64_t key = crash_key_of(c->cap, id);
    uint32_t home = CD__F(__home_group)(c->m, CD__F(__hash)(c->m, &key));
    bool must_busy = CD__F(_stripe_odd)(c->m, home);
    CD_V v;
    memset(&v, 0, sizeof v);
    ohm_status st = CD__F(_read)(c->m, key, &v);
    if (st == OHM_BUSY) {
        (*busy)++;
        return;
    }
    if (must_busy) {
        crash_fail(CD_NAME, c->scn, c->op, k, id, "N_read answered on a group a cut writer left marked busy");
        return;
    }
    bool found = st == OHM_FOUND;
    bool mb = found == (o->bp != 0) && (!found || CD__F(_veq)(&v, &o->bv));
    bool ma = found == (o->ap != 0) && (!found || o->aany || CD__F(_veq)(&v, &o->av));
    if (!(st == OHM_FOUND || st == OHM_ABSENT) || !(mb || ma))
        crash_fail(CD_NAME, c->scn, c->op, k, id, "N_read on the cut block: neither the state before nor after");
}

/* After N_recover: N_read agrees with N_get. */
static void CD__F(_read_after)(CD__F(_case) *c, uint32_t id, long k)
{
    uint64_t key = crash_key_of(c->cap, id);
    CD_V v;
    memset(&v, 0, sizeof v);
    ohm_status st = CD__F(_read)(c->m, key, &v);
    const CD_V *g = CD__F(_get)(c->m, key);
    if (st != (g ? OHM_FOUND : OHM_ABSENT) || (g && !CD__F(_veq)(g, &v)))
        crash_fail(CD_NAME, c->scn, c->op, k, id, "N_read after N_recover disagrees with N_get");
}

/* The map against the oracle: `done` (the call completed): exactly the
 * state after; else every key as before or as after (an entry the call
 * does not change is then intact), never twice, and for N_clear all as
 * before or all as after. The count is the number of entries. */
static void CD__F(_verify)(CD__F(_case) *c, long k, bool done)
{
    CD_N *m = c->m;
    memset(c->seen, 0, c->nu);
    uint32_t visits = 0;
    CD__F(_iter) it = CD__F(_iter_begin)(m);
    CD__F(_entry) e;
    while (CD__F(_iter_next)(&it, &e)) {
        uint32_t id = crash_id(*e.key);
        if (++visits > c->cap) break;
        if (id >= c->nu || *e.key != crash_key_of(c->cap, id)) {
            crash_fail(CD_NAME, c->scn, c->op, k, id, "a key no call stored");
            continue;
        }
        if (c->seen[id]) crash_fail(CD_NAME, c->scn, c->op, k, id, "a key stored twice");
        c->seen[id] = 1;
    }
    if (visits != CD__F(_count)(m)) crash_fail(CD_NAME, c->scn, c->op, k, UINT32_MAX, "the count is not the number of entries");
    uint32_t as_before = 0, as_after = 0;
    for (uint32_t id = 0; id < c->nu; id++) {
        const CD__F(_orc) *o = &c->orc[id];
        uint64_t key = crash_key_of(c->cap, id);
        const CD_V *v = CD__F(_get)(m, key);
        bool present = v != NULL;
        if (present != (c->seen[id] != 0)) crash_fail(CD_NAME, c->scn, c->op, k, id, "N_get and iteration disagree");
        bool mb = present == (o->bp != 0) && (!present || CD__F(_veq)(v, &o->bv));
        bool ma = present == (o->ap != 0) && (!present || o->aany || CD__F(_veq)(v, &o->av));
        as_before += mb && !ma;
        as_after += ma && !mb;
        if (done ? ma : (mb || ma)) continue;
        const char *what = o->bp && o->ap && !present ? "a key lost"
                         : !o->bp && !o->ap && present ? "a key from nowhere"
                         : o->bp && o->ap && present ? "a value neither the old nor the new (mixed or damaged)"
                         : done ? "not the state after the completed call"
                                : "a key neither as before nor as after";
        crash_fail(CD_NAME, c->scn, c->op, k, id, what);
    }
    if (c->op == CRASH_OP_CLEAR && as_before && as_after)
        crash_fail(CD_NAME, c->scn, c->op, k, UINT32_MAX, "a clear half done after recovery");
}

/* put_many after a cut and N_recover: the batch's keys done are a prefix
 * of the batch (the puts run in order, each one recovered whole or not at
 * all). */
static void CD__F(_verify_prefix)(CD__F(_case) *c, long k)
{
    bool undone = false; /* a key of the batch seen as before */
    for (uint32_t j = 0; j < c->nbatch; j++) {
        const CD__F(_orc) *o = &c->orc[c->batch[j]];
        const CD_V *v = CD__F(_get)(c->m, crash_key_of(c->cap, c->batch[j]));
        bool present = v != NULL;
        bool mb = present == (o->bp != 0) && (!present || CD__F(_veq)(v, &o->bv));
        bool ma = present == (o->ap != 0) && (!present || CD__F(_veq)(v, &o->av));
        if (ma && !mb && undone)
            crash_fail(CD_NAME, c->scn, c->op, k, c->batch[j], "put_many: a later key of the batch done, an earlier not");
        undone |= mb && !ma;
    }
}

/* Every cut point of one call on one block. */
static void CD__F(_run_case)(CD__F(_case) *c)
{
    uint64_t busy = 0;
    crash_stat.cases++;
    crash_fails_in_case = 0;
    for (long k = 0;; k++) {
        memcpy(c->m, c->before, c->size);
        bool done = crash_run(CD__F(_apply), c, k);
        if (done) { /* no cut: the call completed with k stores or fewer */
            if (CD__F(_check)(c->m) != OHM_OK) crash_fail(CD_NAME, c->scn, c->op, k, UINT32_MAX, "N_check after the call");
            CD__F(_verify)(c, k, true);
            crash_stat.stores += (uint64_t)crash_stores;
            break;
        }
        crash_stat.cuts++;
        /* the cut block: busy from the first store on */
        ohm_status want = k == 0 ? OHM_OK : OHM_BUSY;
        if (c->op == CRASH_OP_PUT_MANY && !(CD__F(__sync)(c->m)->seq & 1u))
            want = OHM_OK; /* cut between two puts of the batch: no write in progress, a sound block */
        if (CD__F(_check)(c->m) != want)
            crash_fail(CD_NAME, c->scn, c->op, k, UINT32_MAX, "N_check on the cut block: not OHM_BUSY (OHM_OK at k 0)");
        CD__F(_read_cut)(c, c->id, k, &busy); /* the key the call changes, and another */
        if (c->other != UINT32_MAX) CD__F(_read_cut)(c, c->other, k, &busy);
        ohm_status st = CD__F(_recover)(c->m);
        if (st != OHM_OK) {
            crash_fail(CD_NAME, c->scn, c->op, k, UINT32_MAX, "N_recover did not return OHM_OK");
            fprintf(stderr, "    N_recover: %s\n", ohm_strerror(st));
        }
        if (CD__F(_check)(c->m) != OHM_OK) crash_fail(CD_NAME, c->scn, c->op, k, UINT32_MAX, "N_check after N_recover");
        CD__F(_verify)(c, k, false);
        if (c->op == CRASH_OP_PUT_MANY) CD__F(_verify_prefix)(c, k);
        CD__F(_read_after)(c, c->id, k);
        if (c->other != UINT32_MAX) CD__F(_read_after)(c, c->other, k);
        if (k > 1000000) {
            crash_fail(CD_NAME, c->scn, c->op, k, UINT32_MAX, "the call never completes");
            break;
        }
        if (crash_fails_in_case > 40) break; /* enough said */
    }
    crash_stat.busy += busy;
}

/* Build the scenario's block: key ids 0..n-1 with the homes crash_shape
 * gave, generation-0 values, inserted in order; then every call on it. */
static void CD__F(_scenario)(const char *scn, uint32_t cap, int shape, uint64_t seed)
{
    static uint32_t homes[CRASH_MAXU];
    uint32_t n = crash_shape(shape, cap, homes, seed);
    ohm_layout lay = CD__F(_layout_for_capacity)(cap);
    size_t align = CD__F(_base_align)();
    void *bbuf = test_block(align, lay.total_size), *wbuf = test_block(align, lay.total_size);
    CD_N *b = CD__F(_init_ex)(bbuf, lay, 0, 100); /* the hash reads no seed */
    TEST_CHECK(b != NULL);
    if (!b) return;
    for (uint32_t i = 0; i < n; i++) {
        CD_V v;
        CD_VAL(i, 0, &v);
        ohm_status st = CD__F(_put)(b, crash_key(i, homes[i]), v);
        if (st != OHM_OK) {
            crash_fail(CD_NAME, scn, -1, -1, i, "building the block: put refused");
            break;
        }
    }
    TEST_STATUS(CD__F(_check)(b), OHM_OK);
    crash_home_of = homes;
    crash_home_n = n;
    static CD__F(_orc) orc[CRASH_MAXU];
    static uint8_t seen[CRASH_MAXU], doomed[CRASH_MAXU];
    uint32_t nu = n + 2; /* two new keys: ids n and n + 1 */
    homes[n] = n ? homes[n - 1] : 0; /* where the crowd is */
    homes[n + 1] = (uint32_t)(test_rand(&seed) % (cap ? cap : 1));
    /* the victims: by slot (see crash_victims) */
    uint32_t slot_id[CRASH_MAXU];
    for (uint32_t s = 0; s < cap; s++) slot_id[s] = UINT32_MAX;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t s = CD__F(_slot)(b, crash_key(i, homes[i]));
        if (s < cap) slot_id[s] = i;
    }
    uint32_t vict[CRASH_NVICT];
    uint32_t g0 = 0; /* the crowd's home group: that of the last key inserted */
    if (n) {
        uint64_t last = crash_key(n - 1, homes[n - 1]);
        g0 = CD__F(__home_group)(b, CD__F(__hash)(b, &last));
    }
    uint32_t nv = crash_victims(cap, n, g0, slot_id, vict, seed);
    uint32_t other = n > 1 ? (uint32_t)(test_rand(&seed) % n) : UINT32_MAX;

    CD__F(_case) c;
    memset(&c, 0, sizeof c);
    c.scn = scn;
    c.nu = nu;
    c.cap = cap;
    c.before = b;
    c.m = CD__F(_at)(wbuf, 0);
    c.size = lay.total_size;
    c.orc = orc;
    c.seen = seen;
    c.doomed = doomed;
    /* (op, key id) pairs: new keys, overwrites, removals */
    struct {
        int op;
        uint32_t id;
    } calls[64];
    uint32_t nc = 0;
    calls[nc].op = CRASH_OP_PUT, calls[nc++].id = n;
    calls[nc].op = CRASH_OP_PUT, calls[nc++].id = n + 1;
    calls[nc].op = CRASH_OP_PUT_NEW, calls[nc++].id = n;
    calls[nc].op = CRASH_OP_FETCH_PUT, calls[nc++].id = n + 1;
    calls[nc].op = CRASH_OP_GET_OR_PUT, calls[nc++].id = n;
    for (uint32_t j = 0; j < nv && j < 2; j++) {
        calls[nc].op = CRASH_OP_PUT, calls[nc++].id = vict[j]; /* overwrite */
        calls[nc].op = CRASH_OP_FETCH_PUT, calls[nc++].id = vict[nv - 1 - j];
    }
    if (nv) calls[nc].op = CRASH_OP_GET_OR_PUT, calls[nc++].id = vict[0]; /* found: no store */
    for (uint32_t j = 0; j < nv; j++) calls[nc].op = CRASH_OP_REMOVE, calls[nc++].id = vict[j];
    if (nv) calls[nc].op = CRASH_OP_REMOVE_AT, calls[nc++].id = vict[0];
    if (nv) calls[nc].op = CRASH_OP_ITER_REMOVE, calls[nc++].id = vict[nv > 1 ? 1 : 0];
    if (n) calls[nc].op = CRASH_OP_REMOVE_IF, calls[nc++].id = nv ? vict[0] : 0;
    calls[nc].op = CRASH_OP_CLEAR, calls[nc++].id = 0;
    calls[nc].op = CRASH_OP_PUT_MANY, calls[nc++].id = n; /* a victim overwritten, then both new keys */

    for (uint32_t ci = 0; ci < nc; ci++) {
        int op = calls[ci].op;
        uint32_t id = calls[ci].id;
        if (crash_only_op >= 0 && op != crash_only_op) continue;
        c.op = op;
        c.id = id;
        c.other = other != id ? other : UINT32_MAX;
        c.key = crash_key(id, homes[id]);
        for (uint32_t u = 0; u < nu; u++) {
            CD__F(_orc) *o = &orc[u];
            memset(o, 0, sizeof *o);
            o->bp = o->ap = u < n;
            CD_VAL(u, 0, &o->bv);
            o->av = o->bv;
        }
        CD_V newv;
        CD_VAL(id, 1, &newv);
        c.val = newv;
        bool full = n >= cap;
        memset(doomed, 0, nu);
        switch (op) {
        case CRASH_OP_PUT:
        case CRASH_OP_FETCH_PUT:
            if (orc[id].bp || !full) orc[id].ap = 1, orc[id].av = newv;
            break;
        case CRASH_OP_PUT_NEW:
            if (!full) orc[id].ap = 1, orc[id].av = newv;
            break;
        case CRASH_OP_GET_OR_PUT:
            if (!orc[id].bp && !full) orc[id].ap = 1, orc[id].aany = 1;
            break;
        case CRASH_OP_REMOVE:
        case CRASH_OP_REMOVE_AT:
        case CRASH_OP_ITER_REMOVE: orc[id].ap = 0; break;
        case CRASH_OP_REMOVE_IF: /* several doomed: every third key, and the victim */
            for (uint32_t u = 0; u < n; u++)
                if (u % 3 == 1 || u == id) doomed[u] = 1, orc[u].ap = 0;
            break;
        case CRASH_OP_CLEAR:
            for (uint32_t u = 0; u < n; u++) orc[u].ap = 0;
            break;
        case CRASH_OP_PUT_MANY: { /* in order, up to the first key that does not fit */
            c.nbatch = 0;
            if (nv) c.batch[c.nbatch++] = vict[0];
            c.batch[c.nbatch++] = n;
            c.batch[c.nbatch++] = n + 1;
            uint32_t room = cap - n;
            for (uint32_t j = 0; j < c.nbatch; j++) {
                CD__F(_orc) *o = &orc[c.batch[j]];
                if (!o->bp && room == 0) break;
                if (!o->bp) room--;
                o->ap = 1;
                CD_VAL(c.batch[j], 1, &o->av);
            }
            break;
        }
        default: break;
        }
        CD__F(_run_case)(&c);
        if (test_failing() && crash_fails_in_case > 40) break;
    }
    free(bbuf);
    free(wbuf);
}

#undef CD__F
#undef CD__CAT
#undef CD__CAT2
#undef CD_N
#undef CD_V
#undef CD_VAL
#undef CD_NAME
