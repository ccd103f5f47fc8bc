/* gen.h - generates a peer's timed loops and its bench_map_ops table from a
 * handful of per-key primitives.  Include once per key type, like ohm_map.h.
 *
 * Parameters (all #undef'd at the end):
 *   GEN_NAME     name of the exported bench_map_ops object (bench_khash_u64)
 *   GEN_LABEL    column label ("khash")
 *   GEN_K        key (and value) type: uint32_t or uint64_t
 *   GEN_P(op)    the peer's primitive for `op`, e.g. kh64_##op, or, in C++,
 *                absl_##op<GEN_K>.  The primitives, all on `void *m`:
 *       void *make(const bench_cell *)     empty map ready for cell->n
 *       void  drop(void *m)
 *       void  put(void *m, K k, K v)       insert or overwrite
 *       int   get(void *m, K k, K *v)      1 and *v when present, else 0
 *       void  del(void *m, K k)
 *       uint64_t sum(void *m)              iterate: sum keys + values
 *       void *copy(void *m)                independent copy
 *       uint32_t count(const void *m)
 *       double load(const void *m)         entries / slots, < 0 unknown
 *       size_t bytes(const void *m)        block size, 0 = measure the heap
 *
 *   GEN_BULK     optional (ohm): the map also has the bulk primitives
 *       uint64_t get_many(void *m, const K *keys, uint32_t n)
 *                                          one batched lookup of n <= BENCH_MANY_KEYS
 *                                          keys; the sum of the values found
 *       uint32_t remove_picked(void *m)    one call removing every entry whose
 *                                          key bench_picked() selects; how many
 *
 * The primitives are static inline in the peer's file, so every loop below
 * is compiled with the map's code inlined into it.
 */
#if !defined(GEN_NAME) || !defined(GEN_LABEL) || !defined(GEN_K) || !defined(GEN_P)
#error "gen.h: define GEN_NAME, GEN_LABEL, GEN_K and GEN_P(op) before including it"
#endif

#define GEN__CAT2(a, b) a##b
#define GEN__CAT(a, b) GEN__CAT2(a, b)
#define GEN__F(x) GEN__CAT(GEN_NAME, _##x)

static void *GEN__F(create)(const bench_cell *cell) { return GEN_P(make)(cell); }

static void GEN__F(destroy)(void *m) { GEN_P(drop)(m); }

static void GEN__F(insert)(void *m, const void *keys, uint32_t n)
{
    const GEN_K *k = (const GEN_K *)keys;
    for (uint32_t i = 0; i < n; i++)
        GEN_P(put)(m, k[i], BENCH_VALUE(GEN_K, k[i]));
}

static uint64_t GEN__F(lookup)(void *m, const void *keys, uint32_t n)
{
    const GEN_K *k = (const GEN_K *)keys;
    uint64_t sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        GEN_K v;
        if (GEN_P(get)(m, k[i], &v))
            sum += v;
    }
    return sum;
}

static void GEN__F(churn)(void *m, const void *del, const void *add, uint32_t n)
{
    const GEN_K *d = (const GEN_K *)del;
    const GEN_K *a = (const GEN_K *)add;
    for (uint32_t i = 0; i < n; i++) {
        GEN_P(del)(m, d[i]);
        GEN_P(put)(m, a[i], BENCH_VALUE(GEN_K, a[i]));
    }
}

static void GEN__F(churn_each)(void *m, const void *del, const void *add, uint32_t n, uint64_t *ticks)
{
    const GEN_K *d = (const GEN_K *)del;
    const GEN_K *a = (const GEN_K *)add;
    /* One clock read per step: each step's time runs from the read that
     * ended the step before. */
    uint64_t t = bench_ticks();
    for (uint32_t i = 0; i < n; i++) {
        GEN_P(del)(m, d[i]);
        GEN_P(put)(m, a[i], BENCH_VALUE(GEN_K, a[i]));
        uint64_t u = bench_ticks();
        ticks[i] = u - t;
        t = u;
    }
}

static void GEN__F(erase)(void *m, const void *keys, uint32_t n)
{
    const GEN_K *k = (const GEN_K *)keys;
    for (uint32_t i = 0; i < n; i++)
        GEN_P(del)(m, k[i]);
}

static uint64_t GEN__F(iterate)(void *m) { return GEN_P(sum)(m); }

static void *GEN__F(clone)(void *m, const void *probe, uint64_t *value)
{
    void *c = GEN_P(copy)(m);
    GEN_K v = 0;
    *value = GEN_P(get)(c, *(const GEN_K *)probe, &v) ? v : 0;
    return c;
}

#ifdef GEN_BULK
/* get-many: the keys in the order given, BENCH_MANY_KEYS to a call. */
static uint64_t GEN__F(lookup_many)(void *m, const void *keys, uint32_t n)
{
    const GEN_K *k = (const GEN_K *)keys;
    uint64_t sum = 0;
    for (uint32_t i = 0; i < n; i += BENCH_MANY_KEYS)
        sum += GEN_P(get_many)(m, k + i, n - i < BENCH_MANY_KEYS ? n - i : BENCH_MANY_KEYS);
    return sum;
}

static uint32_t GEN__F(remove_picked)(void *m) { return GEN_P(remove_picked)(m); }
#define GEN__LOOKUP_MANY GEN__F(lookup_many)
#define GEN__REMOVE_PICKED GEN__F(remove_picked)
#else
#define GEN__LOOKUP_MANY NULL
#define GEN__REMOVE_PICKED NULL
#endif

static uint32_t GEN__F(count)(const void *m) { return GEN_P(count)(m); }

static double GEN__F(load_factor)(const void *m) { return GEN_P(load)(m); }

static size_t GEN__F(block_bytes)(const void *m) { return GEN_P(bytes)(m); }

/* Positional initialiser: C++17 has no designated initialisers. */
BENCH_EXPORT const bench_map_ops GEN_NAME = {
    GEN_LABEL,
    (unsigned)(8 * sizeof(GEN_K)),
    GEN__F(create),
    GEN__F(destroy),
    GEN__F(insert),
    GEN__F(lookup),
    GEN__F(churn),
    GEN__F(erase),
    GEN__F(iterate),
    GEN__F(clone),
    GEN__F(count),
    GEN__F(load_factor),
    GEN__F(block_bytes),
    GEN__F(churn_each),
    GEN__LOOKUP_MANY,
    GEN__REMOVE_PICKED,
};

#undef GEN__LOOKUP_MANY
#undef GEN__REMOVE_PICKED
#undef GEN__F
#undef GEN__CAT
#undef GEN__CAT2
#undef GEN_NAME
#undef GEN_LABEL
#undef GEN_K
#undef GEN_P
#undef GEN_BULK
