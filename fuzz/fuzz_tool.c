/* fuzz_tool.c - libFuzzer target: ohmtool's reading of untrusted files.
 *
 * The input bytes are a file holding a block at offset 0. Every subcommand
 * of tools/ohmtool.c (compiled into this file without its main) runs on
 * them, its output thrown away: info, stat, check (without hashing, and
 * with --int-key unsigned and signed), dump (hex, --int, --int --signed),
 * and recover (unsigned and signed, each on a copy of its own).
 * Any read outside the input is an ASan report: the input is copied into
 * a buffer of exactly its length, aligned as the tool aligns its buffer.
 *
 * And the tool must agree with the library, for the three instantiations
 * of block_types.h (u32 -> u32 map with the default hash, u64 set with the
 * default hash, u32 -> u32 map with a colliding hash and type tag) and two
 * more with the default hash (u64 -> u64, int16_t -> int16_t):
 *  - its header status is what N_attach of such a map returns: the same
 *    status when the header's type fields are that map's, else the same
 *    for a header refused before its type is read, else OHM_BAD_TYPE;
 *  - a problem found by `check` without hashing is one N_validate refuses
 *    (OHM_CORRUPT), and `check` says a write is in progress or was cut
 *    short (exit status 3) exactly when N_validate says OHM_BUSY;
 *  - for the maps with the default integer hash, `check --int-key` (with
 *    --signed for the signed keys) finds no problem exactly when
 *    N_validate returns OHM_OK;
 *  - for those maps, `recover` leaves exactly the bytes the map type's own
 *    N_recover leaves, and succeeds exactly when N_recover returns OHM_OK
 *    and N_validate then does too.
 *
 * Built with -DOHMTOOL_FUZZ_MAIN instead of -fsanitize=fuzzer, it is a
 * standalone program (tests/test_ohmtool.sh runs it under ASan and UBSan):
 *   fuzz_tool ITERATIONS SEED FILE...
 * gives ITERATIONS inputs, each a FILE mutated by a pseudo-random sequence
 * from SEED (header fields set to edge values, sync words and stripe words
 * set, metadata bytes rewritten, bytes and bits changed, the file cut
 * short), to the same function.
 */
#define OHM_IMPLEMENTATION
#define OHMTOOL_NO_MAIN
#include "../tools/ohmtool.c"

#include "fuzz_common.h"
#include "block_types.h"

/* And the types tests/ohmtool/mkblock.c writes with the default hash:
 * u64 -> u64, and int16_t -> int16_t, whose keys the default hash widens
 * with their sign (--int-key --signed). */
#define OHM_NAME ft64
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#include "ohm_map.h"

#define OHM_NAME fti16
#define OHM_KEY int16_t
#define OHM_VALUE int16_t
#include "ohm_map.h"

static FILE *fz_null(void)
{
    static FILE *f;
    if (f == NULL) f = fopen("/dev/null", "w");
    FZ_REQUIRE(f != NULL);
    return f;
}

static bool fz_type_is(const ot_block *b, ohm_signature sig)
{
    const ohm_header *h = &b->h;
    return h->key_size == sig.key_size && h->key_align == sig.key_align && h->val_size == sig.val_size &&
           h->val_align == sig.val_align && h->flags == sig.flags && h->type_tag == sig.type_tag;
}

/* The map type N's answers: validate; the tool's recover on `mine` with
 * --int-key's status `rc` and signedness `sgn`; the library's N_recover
 * on `theirs`, then validate. */
#define FZ_RECOVER_AS(N, rc, sgn)                                                                  \
    do {                                                                                           \
        v = N##_validate(buf, size);                                                               \
        rc_hashed = (rc);                                                                          \
        o.is_signed = (sgn);                                                                       \
        rc_rec = ot_run(&o, mine, size);                                                           \
        N *m_;                                                                                     \
        FZ_REQUIRE(N##_attach(theirs, size, &m_) == OHM_OK);                                       \
        rv = N##_recover(m_);                                                                      \
        rv_valid = N##_validate(theirs, size);                                                     \
    } while (0)

/* The status N_attach of a map whose signature is `sig` returned (`st`)
 * against what the tool said of the same bytes. */
static void fz_same_status(const ot_block *b, ohm_signature sig, ohm_status st)
{
    if (b->whole && fz_type_is(b, sig)) {
        FZ_REQUIRE(st == b->st);
    } else if (!b->whole || b->st == OHM_BAD_MAGIC || b->st == OHM_BAD_ENDIAN || b->st == OHM_BAD_VERSION) {
        FZ_REQUIRE(st == b->st);
    } else {
        FZ_REQUIRE(st == OHM_BAD_TYPE);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    void *mem = NULL;
    FZ_REQUIRE(posix_memalign(&mem, OT_BUF_ALIGN, size ? size : 1) == 0);
    uint8_t *buf = (uint8_t *)mem;
    if (size) memcpy(buf, data, size);
    ot_out = ot_err = fz_null();

    ot_opts o;
    memset(&o, 0, sizeof o);
    o.file = "input";
    static const ot_cmd cmds[] = {OT_INFO, OT_STAT, OT_CHECK, OT_DUMP};
    int rc_plain = -1, rc_int = -1, rc_signed = -1;
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        o.cmd = cmds[i];
        for (int v = 0; v < 3; v++) {
            o.int_key = o.cmd == OT_CHECK && v > 0;
            o.ints = o.cmd == OT_DUMP && v > 0;
            o.is_signed = v == 2;
            int rc = ot_run(&o, buf, size);
            FZ_REQUIRE(rc == OT_EXIT_OK || rc == OT_EXIT_PROBLEMS || rc == OT_EXIT_USAGE ||
                       (o.cmd == OT_CHECK && rc == OT_EXIT_BUSY));
            if (o.cmd == OT_CHECK) *(v == 0 ? &rc_plain : v == 1 ? &rc_int : &rc_signed) = rc;
            if (o.cmd == OT_INFO || o.cmd == OT_STAT) break;
        }
    }
    FZ_REQUIRE(rc_plain != OT_EXIT_USAGE);

    ot_block b;
    ot_attach(&b, buf, size);
    FZ_REQUIRE(b.st != OHM_MISALIGNED && b.st != OHM_INVALID);
    if (b.st != OHM_OK) FZ_REQUIRE(rc_plain == OT_EXIT_PROBLEMS && rc_int == OT_EXIT_PROBLEMS);
    /* A write in progress is said with or without hashing alike (unless
     * --int-key is refused: keys of a size no integer has). */
    FZ_REQUIRE(rc_int == OT_EXIT_USAGE || (rc_plain == OT_EXIT_BUSY) == (rc_int == OT_EXIT_BUSY));

    ohm_status a_bm = bm_attach(buf, size, NULL), a_bs = bs_attach(buf, size, NULL), a_bc = bc_attach(buf, size, NULL);
    fz_same_status(&b, bm__signature(), a_bm);
    fz_same_status(&b, bs__signature(), a_bs);
    fz_same_status(&b, bc__signature(), a_bc);

    fz_same_status(&b, ft64__signature(), ft64_attach(buf, size, NULL));
    fz_same_status(&b, fti16__signature(), fti16_attach(buf, size, NULL));

    if (b.st == OHM_OK) {
        ohm_status v = OHM_OK;
        int rc_hashed = -1; /* what --int-key said, with the key type's signedness */
        bool known = true;
        /* recover on a copy, and the library's own N_recover on another */
        uint8_t *mine = NULL, *theirs = NULL;
        ohm_status rv = OHM_OK, rv_valid = OHM_OK;
        int rc_rec = -1;
        void *m1 = NULL, *m2 = NULL;
        FZ_REQUIRE(posix_memalign(&m1, OT_BUF_ALIGN, size) == 0 && posix_memalign(&m2, OT_BUF_ALIGN, size) == 0);
        mine = (uint8_t *)m1;
        theirs = (uint8_t *)m2;
        memcpy(mine, buf, size);
        memcpy(theirs, buf, size);
        o.cmd = OT_RECOVER;
        o.int_key = o.ints = false;
        if (fz_type_is(&b, bm__signature())) {
            FZ_RECOVER_AS(bm, rc_int, false);
        } else if (fz_type_is(&b, bs__signature())) {
            FZ_RECOVER_AS(bs, rc_int, false);
        } else if (fz_type_is(&b, ft64__signature())) {
            FZ_RECOVER_AS(ft64, rc_int, false);
        } else if (fz_type_is(&b, fti16__signature())) {
            FZ_RECOVER_AS(fti16, rc_signed, true);
        } else if (fz_type_is(&b, bc__signature())) {
            v = bc_validate(buf, size);
        } else {
            known = false;
        }
#undef FZ_RECOVER_AS
        /* Problems without hashing are problems. */
        if (known && rc_plain == OT_EXIT_PROBLEMS) FZ_REQUIRE(v == OHM_CORRUPT);
        /* A write in progress or cut short is the library's OHM_BUSY. */
        if (known) FZ_REQUIRE((rc_plain == OT_EXIT_BUSY) == (v == OHM_BUSY));
        /* recover is the library's N_recover, then the check. */
        if (rc_rec != -1) {
            FZ_REQUIRE(memcmp(mine, theirs, size) == 0);
            if (rv != OHM_TOO_COSTLY && rv_valid != OHM_TOO_COSTLY)
                FZ_REQUIRE((rc_rec == OT_EXIT_OK) == (rv == OHM_OK && rv_valid == OHM_OK));
        }
        free(mine);
        free(theirs);
        /* With the default hash, the tool finds exactly what the library
         * finds. */
        if (rc_hashed != -1) {
            FZ_REQUIRE(rc_hashed != OT_EXIT_USAGE);
            if (v != OHM_TOO_COSTLY) FZ_REQUIRE((rc_hashed == OT_EXIT_OK) == (v == OHM_OK));
        }
    }
    free(buf);
    return 0;
}

#ifdef OHMTOOL_FUZZ_MAIN
/* The standalone driver: pseudo-random mutations of the given files. */
static uint64_t fz_state;
static uint64_t fz_rand(void)
{
    uint64_t z = (fz_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}
static size_t fz_below(size_t n) { return n ? (size_t)(fz_rand() % n) : 0; }

static void fz_put(uint8_t *p, size_t n, size_t at, const void *v, size_t w)
{
    if (at + w <= n) memcpy(p + at, v, w);
}

/* One mutation of the n bytes at p (n may shrink). */
static void fz_mutate(uint8_t *p, size_t *n)
{
    static const uint32_t u32s[] = {0, 1, 2, 3, 4, 7, 8, 15, 16, 17, 32, 96, 100, 4096, 8192, 0x7fffffffu,
                                    0x80000000u, 0xffffffffu};
    static const size_t f32[] = {8, 12, 16, 64, 68, 72, 76, 80, 84, 128, 132};
    static const size_t f64[] = {24, 32, 40, 48, 56, 88, 96};
    static const uint8_t f8v[] = {0, 1, 2, 3, 4, 7, 8, 16, 99, 100, 101, 255};
    switch (fz_below(10)) {
    case 0: { /* a 32-bit header field */
        uint32_t v = u32s[fz_below(sizeof u32s / sizeof u32s[0])];
        fz_put(p, *n, f32[fz_below(sizeof f32 / sizeof f32[0])], &v, 4);
        break;
    }
    case 1: { /* a 64-bit header field: an edge value or a nearby offset */
        uint64_t v = fz_rand() & 1 ? (uint64_t)u32s[fz_below(sizeof u32s / sizeof u32s[0])] : fz_rand();
        size_t at = f64[fz_below(sizeof f64 / sizeof f64[0])];
        if (fz_rand() & 1 && at + 8 <= *n) {
            memcpy(&v, p + at, 8);
            v += (uint64_t)fz_below(17) - 8;
        }
        fz_put(p, *n, at, &v, 8);
        break;
    }
    case 2: { /* a byte-sized header field, the version, the byte order */
        uint8_t v = f8v[fz_below(sizeof f8v)];
        fz_put(p, *n, 4 + fz_below(20), &v, 1);
        break;
    }
    case 3:
    case 4:
    case 5: { /* metadata, mirror and class bytes */
        if (*n <= OT_SYNC_END) break;
        uint8_t v;
        switch (fz_below(4)) {
        case 0: v = 0; break;
        case 1: v = (uint8_t)(1 + fz_below(7)); break;
        case 2: v = (uint8_t)(0x08 + fz_below(0x78)); break;
        default: v = (uint8_t)(0x80 | fz_rand()); break;
        }
        size_t span = *n - OT_SYNC_END < 2048 ? *n - OT_SYNC_END : 2048;
        p[OT_SYNC_END + fz_below(span)] = v;
        break;
    }
    case 6: /* any bit */
        if (*n) p[fz_below(*n)] ^= (uint8_t)(1u << fz_below(8));
        break;
    case 7: /* any byte */
        if (*n) p[fz_below(*n)] = (uint8_t)fz_rand();
        break;
    case 8: { /* a sync word (seq, op, hole, src, start), the header's stripe geometry (smask, stripes' halves), or a stripe word */
        static const uint32_t syncv[] = {0, 1, 2, 3, 4, 5, 7, 16, 0xffffffffu};
        uint32_t v = fz_rand() & 1 ? syncv[fz_below(sizeof syncv / sizeof syncv[0])] : (uint32_t)fz_rand();
        ohm_header h;
        if (fz_rand() & 1 || *n < sizeof h) {
            static const size_t at[] = {OT_SYNC_AT, OT_SYNC_AT + 4, OT_SYNC_AT + 8, OT_SYNC_AT + 12, OT_SYNC_AT + 16,
                                        offsetof(ohm_header, smask), offsetof(ohm_header, stripes),
                                        offsetof(ohm_header, stripes) + 4};
            fz_put(p, *n, at[fz_below(sizeof at / sizeof at[0])], &v, 4);
            break;
        }
        memcpy(&h, p, sizeof h);
        if (h.total_size <= *n && h.total_size >= 4 * (uint64_t)OT_STRIPES_MAX + OT_SYNC_END)
            fz_put(p, *n, (size_t)h.total_size - 4 - 4 * fz_below(OT_STRIPES_MAX / 4), &v, 4);
        else if (h.total_size <= *n && h.total_size >= OT_SYNC_END + 8)
            fz_put(p, *n, (size_t)h.total_size - 8 + 4 * fz_below(2), &v, 4); /* the last words: stripes or padding */
        break;
    }
    default: /* cut short */
        *n = fz_below(*n + 1);
        break;
    }
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: fuzz_tool ITERATIONS SEED FILE...\n");
        return 2;
    }
    unsigned long iters = strtoul(argv[1], NULL, 10);
    fz_state = strtoull(argv[2], NULL, 0);
    int nfiles = argc - 3;
    uint8_t **files = (uint8_t **)calloc((size_t)nfiles, sizeof *files);
    size_t *sizes = (size_t *)calloc((size_t)nfiles, sizeof *sizes), most = 1;
    FZ_REQUIRE(files && sizes);
    for (int i = 0; i < nfiles; i++) {
        FILE *f = fopen(argv[3 + i], "rb");
        FZ_REQUIRE(f != NULL);
        size_t room = 1 << 16;
        files[i] = (uint8_t *)malloc(room);
        FZ_REQUIRE(files[i] != NULL);
        for (size_t got; (got = fread(files[i] + sizes[i], 1, room - sizes[i], f)) > 0;) {
            sizes[i] += got;
            if (sizes[i] == room) {
                files[i] = (uint8_t *)realloc(files[i], room *= 2);
                FZ_REQUIRE(files[i] != NULL);
            }
        }
        fclose(f);
        if (sizes[i] > most) most = sizes[i];
    }
    uint8_t *work = (uint8_t *)malloc(most);
    FZ_REQUIRE(work != NULL);
    for (unsigned long it = 0; it < iters; it++) {
        int i = (int)fz_below((size_t)nfiles);
        size_t n = sizes[i];
        memcpy(work, files[i], n);
        for (size_t m = 1 + fz_below(4); m > 0; m--) fz_mutate(work, &n);
        LLVMFuzzerTestOneInput(work, n);
    }
    for (int i = 0; i < nfiles; i++) LLVMFuzzerTestOneInput(files[i], sizes[i]); /* and the files as they are */
    printf("fuzz_tool: %lu mutated inputs and %d files, no findings\n", iters, nfiles);
    for (int i = 0; i < nfiles; i++) free(files[i]);
    free(files);
    free(sizes);
    free(work);
    return 0;
}
#endif
