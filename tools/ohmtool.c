/* ohmtool - inspect ohm blocks in files: info, stat, check, dump, and
 * finish a write that was cut short: recover.
 *
 *   ohmtool info    FILE [--offset N]
 *   ohmtool stat    FILE [--offset N]
 *   ohmtool check   FILE [--offset N] [--int-key [--signed]]
 *   ohmtool dump    FILE [--offset N] [--hex | --int [--signed]]
 *   ohmtool recover FILE [--offset N] [--signed] [--write]
 *
 * Reads a block of any instantiation: the map type (key and value sizes
 * and alignments, set or map, interleaving, type tag) is taken from the
 * block's own header, checked with ohm_header_check as N_attach checks it,
 * before anything past the header is read; every offset used afterwards
 * comes from that checked header. The file is read into memory first.
 *
 * The sync area, the stripe words and the metadata's place are read here
 * from docs/FORMAT.md, independently of the library's template (only the
 * header's O(1) check and, for recover, N_recover are the library's).
 *
 * Exit status: 0 for a sound block, 1 for a block that is refused or has
 * problems, 2 for a usage error or a file that cannot be read, 3 for a
 * block whose sync area says a write is in progress or was cut short (the
 * library's OHM_BUSY: not corruption; recover finishes the write).
 * Manual: docs/ohmtool.md. Format: docs/FORMAT.md.
 *
 * Built with OHMTOOL_NO_MAIN, the file gives its functions without main()
 * (fuzz/fuzz_tool.c calls ot_run on blocks in memory).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ohm.h"

#define OT_EXIT_OK 0
#define OT_EXIT_PROBLEMS 1
#define OT_EXIT_USAGE 2
#define OT_EXIT_BUSY 3

/* The largest alignment a block can need (ohm_layout_for refuses larger
 * key or value alignments): the buffer a file is read into has it, so a
 * block's own alignment never fails the check. */
#define OT_BUF_ALIGN 4096u
#define OT_GS 16u /* slots in a group */

/* docs/FORMAT.md, "Sync area": five native-endian 32-bit words at offset
 * 136, on the writer's line that ends at 192; the stripe geometry (`smask`,
 * `stripes`) is in the header; the stripe words after the slots. */
#define OT_SYNC_AT 136u
#define OT_SYNC_WORDS 5u
#define OT_SYNC_END 192u
#define OT_OP_LAST 4u
#define OT_NONE 0xffffffffu
#define OT_STRIPES_MAX 1024u

typedef struct ot_sync {
    uint32_t seq, op, hole, src, start; /* the sync area */
    uint32_t smask;   /* the header's: stripe words - 1 */
    uint64_t stripes; /* the header's: offset of stripe word 0 */
} ot_sync;

/* Where the output goes (the fuzz harness points both elsewhere). */
static FILE *ot_out;
static FILE *ot_err;

/* ------------------------------------------------------------------------
 * The block: its header checked, its geometry taken from that header
 * ---------------------------------------------------------------------- */

typedef struct ot_block {
    const uint8_t *p; /* the bytes from the offset on */
    size_t len;
    ohm_status st;   /* what N_attach of the block's own type would say */
    const char *why; /* for OHM_BAD_TYPE: which field */
    bool whole;      /* len holds a whole header: h is what is there */
    ohm_header h;    /* a copy of the header (valid when whole) */
    /* From here on valid only when st == OHM_OK. */
    uint32_t cap;    /* slots */
    uint32_t groups; /* cap / 16, or 1 for a table of 1..8 slots, 0 for none */
    uint32_t gslots; /* slots a group: 16, or cap below 16 */
    const uint8_t *meta, *cls;
    uint64_t kstride, vstride; /* bytes from one key (value) to the next */
    ot_sync sync;              /* the sync area, as read */
    uint64_t jval;             /* offset of the journal's value buffer */
    uint64_t stripes_at;       /* offset of the first stripe word */
    uint32_t nstripes;         /* stripe words */
} ot_block;

static uint64_t ot_align_up(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

static bool ot_pow2(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

/* Why no instantiation could have written a header with these type
 * fields (NULL: one could). These are the fields N_attach compares with
 * its own type (OHM_BAD_TYPE); a header that passes them has a layout. */
static const char *ot_type_problem(const ohm_header *h)
{
    if (h->flags & ~(unsigned)(OHM_FLAG_SET | OHM_FLAG_INTERLEAVED)) return "flags has bits other than set (1) and interleaved (2)";
    if (h->key_size == 0) return "key size is 0";
    if (!ot_pow2(h->key_align) || h->key_align > OT_BUF_ALIGN) return "key alignment is not a power of two up to 4096";
    if (h->key_size % h->key_align) return "key size is not a multiple of its alignment";
    if (h->flags & OHM_FLAG_SET) {
        if (h->flags & OHM_FLAG_INTERLEAVED) return "a set (flag 1) with interleaved values (flag 2)";
        if (h->val_size != 0 || h->val_align != 1) return "a set (flag 1) with a value size other than 0 or a value alignment other than 1";
    } else {
        if (h->val_size == 0) return "a map (flag 1 clear) with value size 0";
        if (!ot_pow2(h->val_align) || h->val_align > OT_BUF_ALIGN) return "value alignment is not a power of two up to 4096";
        if (h->val_size % h->val_align) return "value size is not a multiple of its alignment";
    }
    if (h->max_load < 1 || h->max_load > 100) return "maximum load is not 1..100";
    if (h->fp_bits != 7) return "fingerprint bits is not 7";
    if (h->mirror != OHM_GROUP_MIRROR) return "mirror is not 16";
    return NULL;
}

static ohm_signature ot_signature_of(const ohm_header *h)
{
    ohm_signature sig;
    memset(&sig, 0, sizeof sig);
    sig.key_size = h->key_size;
    sig.key_align = h->key_align;
    sig.val_size = h->val_size;
    sig.val_align = h->val_align;
    sig.type_tag = h->type_tag;
    sig.flags = h->flags;
    return sig;
}

/* Check the header of the block at p (len bytes, p aligned to
 * OT_BUF_ALIGN) as N_attach of the block's own type would, and on success
 * take its geometry. The signature is built from the header itself, so
 * every type check passes unless no type could have those fields; the
 * statuses and their order are N_attach's (docs/FORMAT.md). */
static ohm_status ot_attach(ot_block *b, const uint8_t *p, size_t len)
{
    memset(b, 0, sizeof *b);
    b->p = p;
    b->len = len;
    ohm_signature sig;
    memset(&sig, 0, sizeof sig);
    size_t base = 8;
    if (len >= sizeof(ohm_header)) {
        b->whole = true;
        memcpy(&b->h, p, sizeof b->h);
        sig = ot_signature_of(&b->h);
        if (ot_type_problem(&b->h) == NULL) base = ohm_base_align_for(b->h.key_align, b->h.val_align);
    }
    ohm_status st = ohm_header_check(p, len, base, &sig);
    /* Past the magic, the byte order and the version, the type comes
     * next: a field no type can have is OHM_BAD_TYPE, as any
     * instantiation's N_attach would say (with the signature taken from
     * the header, ohm_header_check sees a mismatch only in the fixed
     * fields, and reports impossible alignments as a capacity without a
     * layout). */
    if (b->whole && st != OHM_BAD_MAGIC && st != OHM_BAD_ENDIAN && st != OHM_BAD_VERSION && st != OHM_MISALIGNED) {
        b->why = ot_type_problem(&b->h);
        if (b->why) st = OHM_BAD_TYPE;
        else if (st == OHM_BAD_TYPE) b->why = "the fixed fields";
    }
    b->st = st;
    if (st != OHM_OK) return st;
    const ohm_header *h = &b->h;
    b->cap = h->capacity;
    b->groups = b->cap >= OT_GS ? b->cap / OT_GS : (b->cap ? 1 : 0);
    b->gslots = b->cap >= OT_GS ? OT_GS : b->cap;
    b->meta = p + h->meta_start;
    b->cls = b->cap >= OT_GS ? b->meta + b->cap + OHM_GROUP_MIRROR : NULL;
    if (h->flags & OHM_FLAG_INTERLEAVED) {
        b->kstride = OHM_SLOT_SIZE((uint64_t)h->key_size, (uint64_t)h->key_align, (uint64_t)h->val_size,
                                   (uint64_t)h->val_align);
        b->vstride = b->kstride;
    } else {
        b->kstride = h->key_size;
        b->vstride = h->val_size;
    }
    /* The sync area, the journal's value buffer and the stripe words, from
     * FORMAT.md's placement: the header check has compared the offsets with
     * the library's layout, so these lie inside the block too. */
    uint32_t w[OT_SYNC_WORDS];
    memcpy(w, p + OT_SYNC_AT, sizeof w);
    b->sync.seq = w[0];
    b->sync.op = w[1];
    b->sync.hole = w[2];
    b->sync.src = w[3];
    b->sync.start = w[4];
    b->sync.smask = h->smask;
    b->sync.stripes = h->stripes;
    b->jval = ot_align_up(OT_SYNC_END, h->val_align);
    uint64_t end = (h->flags & OHM_FLAG_INTERLEAVED) ? h->keys_start + (uint64_t)b->cap * b->kstride
                                                     : h->vals_start + (uint64_t)b->cap * h->val_size;
    b->stripes_at = ot_align_up(end, 4);
    b->nstripes = b->cap / OT_GS == 0 ? 1 : b->cap / OT_GS < OT_STRIPES_MAX ? b->cap / OT_GS : OT_STRIPES_MAX;
    /* This reading and the library's layout must agree on where the
     * metadata starts (a constant of the value type) and where the block
     * ends (after the stripe words, at the block's alignment); a
     * difference is a bug in one of them, reported as the offsets'. */
    uint64_t meta = ot_align_up(b->jval + h->val_size, 16);
    uint64_t total = ot_align_up(b->stripes_at + 4u * (uint64_t)b->nstripes, ohm_base_align_for(h->key_align, h->val_align));
    if (h->meta_start != meta || h->total_size != total) {
        b->st = st = OHM_BAD_OFFSETS;
        b->why = "the library's layout and this tool's reading of docs/FORMAT.md differ";
    }
    return st;
}

static uint32_t ot_stripe(const ot_block *b, uint32_t k)
{
    uint32_t w;
    memcpy(&w, b->p + b->stripes_at + 4u * (uint64_t)k, 4);
    return w;
}

/* The sync area judged: its invalid fields, and whether it says a write
 * is in progress or was cut short (N_check's OHM_BUSY). */
typedef struct ot_sync_state {
    bool bad_op, bad_smask, bad_stripes; /* OHM_CORRUPT in the library */
    bool busy;                 /* seq odd, op not 0, or a stripe odd */
    uint32_t odd_stripes, first_odd;
} ot_sync_state;

static ot_sync_state ot_sync_judge(const ot_block *b)
{
    ot_sync_state r;
    memset(&r, 0, sizeof r);
    const ot_sync *y = &b->sync;
    r.bad_op = y->op > OT_OP_LAST;
    r.bad_smask = y->smask != b->nstripes - 1;
    r.bad_stripes = y->stripes != b->stripes_at;
    for (uint32_t k = 0; k < b->nstripes; k++)
        if (ot_stripe(b, k) & 1u) {
            if (r.odd_stripes++ == 0) r.first_odd = k;
        }
    r.busy = (y->seq & 1u) || y->op != 0 || r.odd_stripes != 0;
    return r;
}

static const char *ot_op_name(uint32_t op)
{
    switch (op) {
    case 0: return "none";
    case 1: return "a removal's shift";
    case 2: return "a value overwrite";
    case 3: return "a clear";
    case 4: return "a bulk removal (remove_if)";
    default: return "not a mutation: 0..4 are";
    }
}

/* Key and value of slot s (s < cap): inside the block, since the checked
 * offsets are those of the layout and total_size <= len. */
static const uint8_t *ot_key(const ot_block *b, uint32_t s) { return b->p + b->h.keys_start + (uint64_t)s * b->kstride; }
static const uint8_t *ot_val(const ot_block *b, uint32_t s) { return b->p + b->h.vals_start + (uint64_t)s * b->vstride; }

static bool ot_is_set(const ot_block *b) { return (b->h.flags & OHM_FLAG_SET) != 0; }

/* Metadata bytes. */
static unsigned ot_code(uint8_t m) { return (m >> 3) & 15u; }
static unsigned ot_class(uint8_t m) { return m & 7u; }

/* Used slots of group y, and whether it has no free slot. */
static unsigned ot_group_used(const ot_block *b, uint32_t y)
{
    unsigned n = 0;
    const uint8_t *g = b->meta + (uint64_t)y * OT_GS;
    for (unsigned j = 0; j < b->gslots; j++) n += g[j] != 0;
    return n;
}
static bool ot_group_full(const ot_block *b, uint32_t y) { return ot_group_used(b, y) == b->gslots; }

/* The first group with a free slot, or `groups` when there is none. */
static uint32_t ot_first_room(const ot_block *b)
{
    for (uint32_t y = 0; y < b->groups; y++)
        if (!ot_group_full(b, y)) return y;
    return b->groups;
}

/* ------------------------------------------------------------------------
 * Integers in keys and values
 * ---------------------------------------------------------------------- */

static bool ot_int_size(uint64_t n) { return n == 1 || n == 2 || n == 4 || n == 8; }

/* An integer of 1, 2, 4 or 8 bytes in native order, widened as the
 * default integer hash widens it: unsigned types by zero extension,
 * signed ones by sign extension (ohm__hash_signed takes an int64_t). */
static uint64_t ot_widen(const uint8_t *p, uint64_t n, bool is_signed)
{
    switch (n) {
    case 1: {
        uint8_t u;
        memcpy(&u, p, 1);
        return is_signed ? (uint64_t)(int64_t)(int8_t)u : u;
    }
    case 2: {
        uint16_t u;
        memcpy(&u, p, 2);
        return is_signed ? (uint64_t)(int64_t)(int16_t)u : u;
    }
    case 4: {
        uint32_t u;
        memcpy(&u, p, 4);
        return is_signed ? (uint64_t)(int64_t)(int32_t)u : u;
    }
    default: {
        uint64_t u;
        memcpy(&u, p, 8);
        return u;
    }
    }
}

/* Bytes as hex, or (ints, when the size allows) as a decimal integer. */
static void ot_print_field(FILE *f, const uint8_t *p, uint64_t n, bool ints, bool is_signed)
{
    if (ints && ot_int_size(n)) {
        uint64_t v = ot_widen(p, n, is_signed);
        if (is_signed) fprintf(f, "%" PRId64, (int64_t)v);
        else fprintf(f, "%" PRIu64, v);
        return;
    }
    for (uint64_t i = 0; i < n; i++) fprintf(f, "%02x", p[i]);
}

/* ------------------------------------------------------------------------
 * info
 * ---------------------------------------------------------------------- */

static uint16_t ot_bswap16(uint16_t x) { return (uint16_t)((x >> 8) | (x << 8)); }
static uint32_t ot_bswap32(uint32_t x)
{
    return (x >> 24) | ((x >> 8) & 0xff00u) | ((x << 8) & 0xff0000u) | (x << 24);
}
static uint64_t ot_bswap64(uint64_t x) { return ((uint64_t)ot_bswap32((uint32_t)x) << 32) | ot_bswap32((uint32_t)(x >> 32)); }

/* The header as a machine of the other byte order reads it. */
static ohm_header ot_swapped(const ohm_header *h)
{
    ohm_header s = *h;
    s.magic = ot_bswap32(h->magic);
    s.version = ot_bswap16(h->version);
    s.byte_order = ot_bswap16(h->byte_order);
    s.capacity = ot_bswap32(h->capacity);
    s.count = ot_bswap32(h->count);
    s.max_entries = ot_bswap32(h->max_entries);
    s.seed = ot_bswap64(h->seed);
    s.keys_start = ot_bswap64(h->keys_start);
    s.vals_start = ot_bswap64(h->vals_start);
    s.meta_start = ot_bswap64(h->meta_start);
    s.total_size = ot_bswap64(h->total_size);
    s.key_size = ot_bswap32(h->key_size);
    s.key_align = ot_bswap32(h->key_align);
    s.val_size = ot_bswap32(h->val_size);
    s.val_align = ot_bswap32(h->val_align);
    s.type_tag = ot_bswap32(h->type_tag);
    s.stamp = ot_bswap32(h->stamp);
    s.user = ot_bswap64(h->user);
    return s;
}

static bool ot_little_endian(void)
{
    const uint16_t one = 1;
    uint8_t first;
    memcpy(&first, &one, 1);
    return first == 1;
}

static void ot_magic_text(char out[5], uint32_t magic)
{
    memcpy(out, &magic, 4);
    for (int i = 0; i < 4; i++)
        if (out[i] < 0x20 || out[i] > 0x7e) out[i] = '.';
    out[4] = 0;
}

static void ot_label(const char *label) { fprintf(ot_out, "%-12s ", label); }

/* Every field of a header, decoded: h as read or, when `swapped`, as a
 * machine of the other byte order reads it. Offsets that differ from the
 * layout its type fields and capacity give are shown beside it. */
static void ot_print_fields(const ot_block *b, const ohm_header *h, bool swapped)
{
    const char *native = ot_little_endian() ? "little-endian" : "big-endian";
    const char *other = ot_little_endian() ? "big-endian" : "little-endian";
    ot_label("version");
    fprintf(ot_out, "%u (this ohmtool reads %u)\n", h->version, (unsigned)OHM_FORMAT_VERSION);
    ot_label("byte order");
    if (swapped) fprintf(ot_out, "0x%04x: %s, the other byte order (fields below as that machine reads them)\n", h->byte_order, other);
    else if (h->byte_order == OHM_BYTE_ORDER_MARK) fprintf(ot_out, "0x%04x: this machine's (%s)\n", h->byte_order, native);
    else if (h->byte_order == ot_bswap16(OHM_BYTE_ORDER_MARK))
        fprintf(ot_out, "0x%04x: the other byte order's mark, under this machine's magic\n", h->byte_order);
    else fprintf(ot_out, "0x%04x: not a byte-order mark\n", h->byte_order);
    bool set = (h->flags & OHM_FLAG_SET) != 0, inter = (h->flags & OHM_FLAG_INTERLEAVED) != 0;
    ot_label("kind");
    if (set) fprintf(ot_out, "set (no values)");
    else if (inter && ot_type_problem(h) == NULL)
        fprintf(ot_out, "map, interleaved: each value beside its key, %" PRIu64 "-byte slots",
                (uint64_t)OHM_SLOT_SIZE((uint64_t)h->key_size, (uint64_t)h->key_align, (uint64_t)h->val_size,
                                        (uint64_t)h->val_align));
    else if (inter) fprintf(ot_out, "map, interleaved: each value beside its key");
    else fprintf(ot_out, "map, keys and values in separate arrays");
    fprintf(ot_out, " (flags 0x%02x)\n", h->flags);
    ot_label("key");
    fprintf(ot_out, "%" PRIu32 " bytes, alignment %" PRIu32 "\n", h->key_size, h->key_align);
    ot_label("value");
    if (set) fprintf(ot_out, "none (size %" PRIu32 ", alignment %" PRIu32 ")\n", h->val_size, h->val_align);
    else fprintf(ot_out, "%" PRIu32 " bytes, alignment %" PRIu32 "\n", h->val_size, h->val_align);
    ot_label("type tag");
    fprintf(ot_out, "0x%08" PRIx32 "%s\n", h->type_tag, h->type_tag ? "" : " (the default)");
    ot_label("capacity");
    fprintf(ot_out, "%" PRIu32 " slots", h->capacity);
    if (h->capacity >= OT_GS && ot_pow2(h->capacity)) fprintf(ot_out, ", %" PRIu32 " groups of 16", h->capacity / OT_GS);
    else if (h->capacity > 0 && h->capacity < OT_GS && ot_pow2(h->capacity)) fprintf(ot_out, ", one group");
    fprintf(ot_out, "\n");
    ot_label("count");
    fprintf(ot_out, "%" PRIu32 "\n", h->count);
    ot_label("load");
    if (h->capacity) fprintf(ot_out, "%.2f%%", 100.0 * h->count / h->capacity);
    else fprintf(ot_out, "-");
    fprintf(ot_out, ", maximum load %u%% (max_entries %" PRIu32, h->max_load, h->max_entries);
    if (h->max_load >= 1 && h->max_load <= 100 && h->max_entries != ohm_max_entries(h->capacity, h->max_load))
        fprintf(ot_out, "; the maximum load gives %" PRIu32, ohm_max_entries(h->capacity, h->max_load));
    fprintf(ot_out, ")\n");
    ot_label("seed");
    fprintf(ot_out, "0x%016" PRIx64 "%s\n", h->seed, h->seed ? "" : " (the default)");
    ot_label("fixed");
    fprintf(ot_out, "fp_bits %u, mirror %u\n", h->fp_bits, h->mirror);

    /* The layout these type fields and this capacity give, if any. */
    ohm_layout lay;
    memset(&lay, 0, sizeof lay);
    if (ot_type_problem(h) == NULL)
        lay = ohm_layout_for(h->capacity, h->key_size, h->key_align, h->val_size, h->val_align, inter);
    ot_label("meta_start");
    fprintf(ot_out, "%" PRIu64, h->meta_start);
    if (lay.total_size && h->meta_start != lay.meta_start) fprintf(ot_out, " (the layout says %zu)", lay.meta_start);
    if (h->capacity && ot_pow2(h->capacity) && h->capacity <= OHM_MAX_CAPACITY)
        fprintf(ot_out, ": metadata %" PRIu32 " bytes, mirror 16, class bytes %" PRIu32, h->capacity,
                h->capacity >= OT_GS ? h->capacity / OT_GS : 0);
    fprintf(ot_out, "\n");
    ot_label("keys_start");
    fprintf(ot_out, "%" PRIu64, h->keys_start);
    if (lay.total_size && h->keys_start != lay.keys_start) fprintf(ot_out, " (the layout says %zu)", lay.keys_start);
    fprintf(ot_out, "\n");
    ot_label("vals_start");
    fprintf(ot_out, "%" PRIu64, h->vals_start);
    if (lay.total_size && h->vals_start != lay.vals_start) fprintf(ot_out, " (the layout says %zu)", lay.vals_start);
    fprintf(ot_out, "%s\n", set ? " (end of the keys)" : "");
    ot_label("total_size");
    fprintf(ot_out, "%" PRIu64, h->total_size);
    if (lay.total_size && h->total_size != lay.total_size) fprintf(ot_out, " (the layout says %zu)", lay.total_size);
    if (h->total_size <= b->len) fprintf(ot_out, ", %" PRIu64 " bytes after it", (uint64_t)(b->len - h->total_size));
    else fprintf(ot_out, ", but only %zu bytes are there", b->len);
    if (ot_type_problem(h) == NULL) fprintf(ot_out, "; block alignment %zu", ohm_base_align_for(h->key_align, h->val_align));
    fprintf(ot_out, "\n");
    ot_label("stamp");
    fprintf(ot_out, "%" PRIu32 "\n", h->stamp);
    ot_label("user");
    fprintf(ot_out, "0x%016" PRIx64 "\n", h->user);
}

static void ot_print_slot(const char *what, uint32_t v, const char *after)
{
    fprintf(ot_out, "%s ", what);
    if (v == OT_NONE) fprintf(ot_out, "none");
    else fprintf(ot_out, "%" PRIu32, v);
    fprintf(ot_out, "%s", after);
}

/* The sync area, the journal's value buffer and the stripe words (a block
 * whose header passed). */
static void ot_print_sync(const ot_block *b)
{
    const ot_sync *y = &b->sync;
    ot_sync_state r = ot_sync_judge(b);
    ot_label("sync");
    fprintf(ot_out, "seq %" PRIu32 " (%s), op %" PRIu32 " (%s), ", y->seq, y->seq & 1u ? "odd" : "even", y->op, ot_op_name(y->op));
    ot_print_slot("hole", y->hole, ", ");
    ot_print_slot("src", y->src, ", ");
    fprintf(ot_out, "start %" PRIu32 ", smask %" PRIu32 "%s, stripes %" PRIu64 "%s\n", y->start, y->smask,
            r.bad_smask ? " (the placement gives another)" : "", y->stripes, r.bad_stripes ? " (the placement gives another)" : "");
    ot_label("journal");
    if (ot_is_set(b)) fprintf(ot_out, "no value buffer (a set)\n");
    else fprintf(ot_out, "value buffer at %" PRIu64 ", %" PRIu32 " bytes\n", b->jval, b->h.val_size);
    ot_label("stripes");
    fprintf(ot_out, "%" PRIu32 " word%s at %" PRIu64 ", %" PRIu32 " odd", b->nstripes, b->nstripes == 1 ? "" : "s", b->stripes_at,
            r.odd_stripes);
    if (r.odd_stripes) fprintf(ot_out, " (the first: stripe %" PRIu32 ")", r.first_odd);
    fprintf(ot_out, "\n");
    ot_label("writing");
    if (r.bad_op || r.bad_smask || r.bad_stripes)
        fprintf(ot_out, "the sync area is invalid (%s): OHM_CORRUPT\n",
                r.bad_op ? "op above 4" : "smask or stripes not what the placement gives");
    else if (r.busy)
        fprintf(ot_out, "yes: a write is in progress or was cut short (OHM_BUSY; ohmtool recover finishes it)\n");
    else fprintf(ot_out, "no: seq even, op 0, every stripe even\n");
}

static int ot_info(const char *name, uint64_t offset, const ot_block *b)
{
    ot_label("file");
    fprintf(ot_out, "%s, block at offset %" PRIu64 " (%zu bytes from there)\n", name, offset, b->len);
    ot_label("status");
    fprintf(ot_out, "%s: %s", ohm__status_name(b->st), ohm_strerror(b->st));
    if (b->why) fprintf(ot_out, " (%s)", b->why);
    fprintf(ot_out, "\n");
    if (b->len < 4) return b->st == OHM_OK ? OT_EXIT_OK : OT_EXIT_PROBLEMS;
    uint32_t magic;
    memcpy(&magic, b->p, 4);
    char text[5];
    ot_magic_text(text, magic);
    ot_label("magic");
    fprintf(ot_out, "0x%08" PRIx32 " \"%s\"%s\n", magic, text,
            magic == OHM_MAGIC ? "" : magic == ot_bswap32(OHM_MAGIC) ? " (byte-swapped)" : " (not an ohm block)");
    if (b->whole && magic == OHM_MAGIC) {
        ot_print_fields(b, &b->h, false);
    } else if (b->whole && magic == ot_bswap32(OHM_MAGIC)) {
        ohm_header h = ot_swapped(&b->h);
        ot_print_fields(b, &h, true);
    }
    if (b->st == OHM_OK) ot_print_sync(b);
    if (b->st == OHM_OK && offset % ohm_base_align_for(b->h.key_align, b->h.val_align) != 0)
        fprintf(ot_out, "note: offset %" PRIu64 " is not a multiple of the block's alignment %zu: a program must copy the block to an aligned address before attaching it\n",
                offset, ohm_base_align_for(b->h.key_align, b->h.val_align));
    return b->st == OHM_OK ? OT_EXIT_OK : OT_EXIT_PROBLEMS;
}

/* ------------------------------------------------------------------------
 * stat
 * ---------------------------------------------------------------------- */

static int ot_stat(const char *name, const ot_block *b)
{
    uint32_t cap = b->cap, G = b->groups;
    fprintf(ot_out, "%s: %" PRIu32 " entries in %" PRIu32 " slots", name, b->h.count, cap);
    if (cap == 0) {
        fprintf(ot_out, ": no slots, nothing to say\n");
        return OT_EXIT_OK;
    }
    fprintf(ot_out, " (%" PRIu32 " group%s of %" PRIu32 "), load %.2f%%, maximum load %u%% (%" PRIu32 " entries)\n", G,
            G == 1 ? "" : "s", b->gslots, 100.0 * b->h.count / cap, b->h.max_load, b->h.max_entries);

    /* Groups by used slots; keys by distance code. */
    uint64_t by_used[OT_GS + 1] = {0}, by_code[16] = {0}, bad = 0;
    for (uint32_t y = 0; y < G; y++) by_used[ot_group_used(b, y)]++;
    for (uint32_t s = 0; s < cap; s++) {
        uint8_t m = b->meta[s];
        if (m == 0) continue;
        if (m >= 0x80) by_code[0]++;
        else if (m >= 0x08) by_code[ot_code(m)]++;
        else bad++;
    }
    fprintf(ot_out, "groups by used slots:\n");
    for (unsigned u = 0; u <= b->gslots; u++)
        fprintf(ot_out, "  %2u used %10" PRIu64 " group%s\n", u, by_used[u], by_used[u] == 1 ? "" : "s");
    fprintf(ot_out, "keys by distance from their home group (metadata distance code):\n");
    fprintf(ot_out, "  home    %10" PRIu64 "\n", by_code[0]);
    for (unsigned c = 1; c < 15; c++) fprintf(ot_out, "  %-7u %10" PRIu64 "\n", c, by_code[c]);
    fprintf(ot_out, "  15+     %10" PRIu64 "\n", by_code[15]);
    if (bad) fprintf(ot_out, "  invalid %10" PRIu64 " (bytes 0x01..0x07: see ohmtool check)\n", bad);

    /* Class bits. */
    uint64_t bits = 0;
    if (b->cls)
        for (uint32_t y = 0; y < G; y++)
            for (uint8_t c = b->cls[y]; c; c &= (uint8_t)(c - 1)) bits++;
    if (b->cls)
        fprintf(ot_out, "class bits set: %" PRIu64 " of %" PRIu64 " (8 a group)\n", bits, (uint64_t)G * 8);
    else fprintf(ot_out, "class bits: none (fewer than 16 slots)\n");

    /* Runs of full groups, and what a probe that goes on past a full
     * group reads: the groups after it up to the first with a free slot
     * (at most G - 1 more). Two laps from the end backwards, so that each
     * group of the second knows the next group with room round the end. */
    uint64_t full = by_used[b->gslots], longest = 0, run = 0;
    uint32_t room = ot_first_room(b);
    if (room == G) longest = G;
    else
        for (uint32_t q = 0; q < G; q++) {
            uint32_t y = (room + 1 + q) % G;
            run = ot_group_full(b, y) ? run + 1 : 0;
            if (run > longest) longest = run;
        }
    double miss_sum = 0, rm_sum = 0, hit_sum = 0;
    uint64_t rm_keys = 0;
    int64_t next_room = -1; /* position of the nearest group with room after the current one */
    for (int64_t pos = 2 * (int64_t)G - 1; pos >= 0; pos--) {
        uint32_t y = (uint32_t)(pos % G);
        uint64_t after = room == G || next_room < 0 ? G - 1 : (uint64_t)(next_room - pos);
        if (after > G - 1) after = G - 1;
        bool is_full = ot_group_full(b, y);
        if (pos < (int64_t)G) {
            /* A miss homed at y, class c, reads y, and goes on only from a
             * full group of 16 or more slots whose bit c is set. */
            for (unsigned c = 0; c < 8; c++)
                miss_sum += 1 + (is_full && b->cls && (b->cls[y] >> c & 1u) ? (double)after : 0);
            if (is_full && cap >= OT_GS) {
                rm_sum += (double)after * b->gslots;
                rm_keys += b->gslots;
            }
        }
        if (!is_full) next_room = pos;
    }
    for (unsigned c = 0; c < 16; c++) hit_sum += (double)by_code[c] * (c + 1);
    uint64_t keys = 0;
    for (unsigned c = 0; c < 16; c++) keys += by_code[c];

    if (cap >= OT_GS)
        fprintf(ot_out, "full groups: %" PRIu64 " of %" PRIu32 "; longest run of full groups: %" PRIu64 " (round the end)\n", full,
                G, longest);
    else fprintf(ot_out, "full groups: %" PRIu64 " of 1 (a table of one group: no key is ever displaced)\n", full);

    fprintf(ot_out, "what it means:\n");
    if (keys)
        fprintf(ot_out, "  lookup, hit: reads the key's home group and the groups up to the key's: %.3f groups on average%s\n",
                hit_sum / (double)keys, by_code[15] ? " (at least: keys 15 or more groups away counted as 15)" : "");
    fprintf(ot_out, "  lookup, miss: reads the home group; only when that group is full and has the key's class bit set\n"
                    "    does it walk on through the run of full groups after it, up to the first group with a free slot:\n"
                    "    %.3f groups on average over every home group and class, at most %" PRIu64 "\n",
            miss_sum / (8.0 * G), cap >= OT_GS ? (longest + 1 < G ? longest + 1 : G) : 1);
    if (cap >= OT_GS)
        fprintf(ot_out, "  removal: from a group with a free slot moves nothing; from a full group it searches the run of\n"
                        "    full groups after it, up to the first group with a free slot, for keys to move back:\n"
                        "    %" PRIu64 " of %" PRIu64 " keys are in full groups, searching %.3f groups on average, at most %" PRIu64 "\n",
                rm_keys, keys, rm_keys ? rm_sum / (double)rm_keys : 0.0, longest < G ? longest : G - 1);
    else fprintf(ot_out, "  removal: a table of one group moves no other key\n");
    if (G >= 2 && full == G)
        fprintf(ot_out, "  the table has no free slot: every new key is refused (OHM_FULL) until a removal\n");
    return OT_EXIT_OK;
}

/* ------------------------------------------------------------------------
 * check
 * ---------------------------------------------------------------------- */

typedef struct ot_check {
    const char *name;
    const ot_block *b;
    bool hash;      /* --int-key: keys hashed by the default integer hash */
    bool is_signed; /* --signed: their type is signed */
    uint64_t problems;
} ot_check;

static void ot_problem(ot_check *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(ot_out, "%s: ", c->name);
    vfprintf(ot_out, fmt, ap);
    fprintf(ot_out, "\n");
    va_end(ap);
    c->problems++;
}

static uint64_t ot_hash_of(const ot_check *c, uint32_t s)
{
    const ot_block *b = c->b;
    return ohm_hash_u64(ot_widen(ot_key(b, s), b->h.key_size, c->is_signed), b->h.seed);
}

/* What is known of the key in slot s (used): its distance from its home
 * group, exactly or as a lower bound (a distance code of 15 without its
 * hash), and whether its byte is one that some key could have there (a
 * byte no key can have gives no distance). With the hash, a key whose
 * byte is wrong gives the distance its byte claims, if any. */
typedef struct ot_dist {
    bool valid;
    bool exact;
    uint32_t d;
    uint32_t home; /* when exact */
} ot_dist;

static ot_dist ot_dist_of(const ot_check *c, uint32_t s)
{
    const ot_block *b = c->b;
    uint8_t m = b->meta[s];
    uint32_t y = s / OT_GS, G = b->groups;
    ot_dist r = {false, false, 0, 0};
    if (m >= 0x80) {
        r.valid = r.exact = true;
        r.home = b->cap >= OT_GS ? y : 0;
        return r;
    }
    if (m < 0x08 || b->cap < OT_GS) return r;
    unsigned k = ot_code(m);
    if (k < 15 && k >= G) return r;
    if (k == 15 && G < 16) return r;
    if (c->hash) {
        uint64_t h = ot_hash_of(c, s);
        uint32_t home = (uint32_t)(h & (b->cap - 1)) / OT_GS, d = (y - home) & (G - 1);
        uint8_t want = d ? (uint8_t)(((d < 15 ? d : 15u) << 3) | ((h >> 54) & 7u)) : (uint8_t)(0x80u | (h >> 57));
        if (want == m) {
            r.valid = r.exact = true;
            r.d = d;
            r.home = home;
            return r;
        }
    }
    r.valid = true;
    r.d = k;
    r.exact = k < 15;
    r.home = (y - k) & (G - 1);
    return r;
}

/* Every check that reads no key: the mirror, the bytes, the count, and
 * the distance codes against the free slots and the class bits; with the
 * hash, the distances are the keys' own. */
static void ot_check_structure(ot_check *c)
{
    const ot_block *b = c->b;
    uint32_t cap = b->cap, G = b->groups;
    if (cap == 0) {
        if (b->h.count != 0) ot_problem(c, "count is %" PRIu32 " in a table of no slots", b->h.count);
        return;
    }
    for (uint32_t k = 0; k < OHM_GROUP_MIRROR; k++) {
        uint8_t m = b->meta[cap + k], want = b->meta[k & (cap - 1)];
        if (m != want)
            ot_problem(c, "mirror byte %" PRIu32 " (offset %" PRIu64 ") is 0x%02x but slot %" PRIu32 "'s byte is 0x%02x", k,
                       b->h.meta_start + cap + k, m, k & (cap - 1), want);
    }
    uint64_t used = 0;
    for (uint32_t s = 0; s < cap; s++) {
        uint8_t m = b->meta[s];
        if (m == 0) continue;
        used++;
        if (m < 0x08) {
            ot_problem(c, "slot %" PRIu32 ": byte 0x%02x is never stored (0x01..0x07)", s, m);
            continue;
        }
        if (m >= 0x80) continue;
        unsigned k = ot_code(m);
        if (cap < OT_GS)
            ot_problem(c, "slot %" PRIu32 ": byte 0x%02x of a displaced key (distance code %u) in a table of one group", s, m, k);
        else if (k < 15 && k >= G)
            ot_problem(c, "slot %" PRIu32 ": byte 0x%02x: distance code %u, but the table has %" PRIu32 " group%s", s, m, k, G,
                       G == 1 ? "" : "s");
        else if (k == 15 && G < 16)
            ot_problem(c, "slot %" PRIu32 ": byte 0x%02x: distance code 15 (15 groups or more), but the table has %" PRIu32 " groups",
                       s, m, G);
    }
    if (used != b->h.count) ot_problem(c, "count is %" PRIu32 " but %" PRIu64 " slots are used", b->h.count, used);
    if (used > b->h.max_entries)
        ot_problem(c, "%" PRIu64 " slots are used, more than max_entries %" PRIu32, used, b->h.max_entries);
    if (cap < OT_GS) return;

    /* Class bits, and invariant I: the groups are walked from one no
     * probe runs into (the group after one with a free slot); last_room
     * is the position of the last group with a free slot seen (-1: the
     * one before the walk's start). A key at position q, d groups from
     * home, has its probe pass a group with room when q - d <= last_room.
     * In a table with no free slot, no probe passes a group with room. */
    uint32_t room = ot_first_room(b);
    uint32_t start = room == G ? 0 : (room + 1) % G;
    int64_t last_room = room == G ? INT64_MIN : -1;
    for (uint32_t q = 0; q < G; q++) {
        uint32_t y = (start + q) % G;
        for (uint32_t j = 0; j < OT_GS; j++) {
            uint32_t s = y * OT_GS + j;
            uint8_t m = b->meta[s];
            if (m == 0) continue;
            ot_dist r = ot_dist_of(c, s);
            if (!r.valid || r.d == 0) continue;
            unsigned cl = ot_class(m);
            if (r.exact && !(b->cls[r.home] >> cl & 1u))
                ot_problem(c, "slot %" PRIu32 " (group %" PRIu32 "): displaced key of class %u, %" PRIu32 " group%s from its home group %" PRIu32
                              ", whose class bit %u is clear (class byte 0x%02x): a lookup would stop at home",
                           s, y, cl, r.d, r.d == 1 ? "" : "s", r.home, cl, cl, b->cls[r.home]);
            if ((int64_t)q - (int64_t)r.d <= last_room) {
                uint32_t free_y = (uint32_t)((start + (uint64_t)(last_room + (int64_t)G)) % G);
                if (r.exact)
                    ot_problem(c, "slot %" PRIu32 " (group %" PRIu32 "): key %" PRIu32 " group%s from its home group %" PRIu32
                                  ", but group %" PRIu32 " on its way has a free slot (invariant I)",
                               s, y, r.d, r.d == 1 ? "" : "s", r.home, free_y);
                else
                    ot_problem(c, "slot %" PRIu32 " (group %" PRIu32 "): key at least 15 groups from its home group, but group %" PRIu32
                                  " on its way has a free slot (invariant I)",
                               s, y, free_y);
            }
        }
        if (!ot_group_full(b, y)) last_room = q;
    }

    /* Invariant II: with no free slot anywhere, some group boundary is
     * crossed by no probe: a group y such that no key at y or after it
     * (round once) has its home before y. Positions p over two laps; the
     * group at p < G qualifies when every key at p or later has its home
     * at p or later. With distance codes of 15 and no hash, distances are
     * lower bounds: a table refused with them is refused with the real
     * ones; one accepted may still be refused by --int-key. */
    if (room == G && G >= 2) {
        int64_t low = INT64_MAX;
        bool found = false, bounds = false;
        for (int64_t p = 2 * (int64_t)G; p-- > 0 && !found;) {
            uint32_t y = (uint32_t)(p % G), maxd = 0;
            for (uint32_t j = 0; j < OT_GS; j++) {
                ot_dist r = ot_dist_of(c, y * OT_GS + j);
                if (!r.valid) continue;
                if (!r.exact) bounds = true;
                if (r.d > maxd) maxd = r.d;
            }
            if (p - maxd < low) low = p - maxd;
            if (p < (int64_t)G && low >= p) found = true;
        }
        if (!found)
            ot_problem(c, "the table has no free slot and every group boundary is crossed by some key's probe (invariant II)");
        else if (bounds)
            fprintf(ot_out, "%s: note: invariant II checked with distances of 15 for keys 15 or more groups from home (--int-key gives their own)\n",
                    c->name);
    }
}

typedef struct ot_keyslot {
    uint64_t key;
    uint32_t slot;
} ot_keyslot;

static int ot_keyslot_cmp(const void *a, const void *b)
{
    const ot_keyslot *x = (const ot_keyslot *)a, *y = (const ot_keyslot *)b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->slot < y->slot ? -1 : x->slot > y->slot;
}

/* With --int-key: each byte against its key's hash and place, and no
 * key stored twice. Returns false when memory ran out. */
static bool ot_check_hashed(ot_check *c)
{
    const ot_block *b = c->b;
    uint32_t cap = b->cap;
    uint64_t used = 0, wrong = 0;
    for (uint32_t s = 0; s < cap; s++) {
        uint8_t m = b->meta[s];
        if (m == 0) continue;
        used++;
        uint64_t h = ot_hash_of(c, s);
        uint32_t y = s / OT_GS, home = cap >= OT_GS ? (uint32_t)(h & (cap - 1)) / OT_GS : 0;
        uint32_t d = cap >= OT_GS ? (y - home) & (b->groups - 1) : 0;
        uint8_t want = d ? (uint8_t)(((d < 15 ? d : 15u) << 3) | ((h >> 54) & 7u)) : (uint8_t)(0x80u | (h >> 57));
        if (m != want) {
            fprintf(ot_out, "%s: slot %" PRIu32 ": key ", c->name, s);
            ot_print_field(ot_out, ot_key(b, s), b->h.key_size, true, c->is_signed);
            fprintf(ot_out, " (hash 0x%016" PRIx64 ", home group %" PRIu32 ", %" PRIu32 " group%s away): byte 0x%02x, its hash and place give 0x%02x\n",
                    h, home, d, d == 1 ? "" : "s", m, want);
            c->problems++;
            wrong++;
        }
    }
    if (used >= 4 && wrong == used)
        fprintf(ot_err, "ohmtool: note: no key's byte matches its hash: %s\n",
                c->is_signed ? "do the keys have a hash of their own (or an unsigned type: no --signed)?"
                             : "do the keys have a hash of their own (or a signed type: --signed)?");
    if (used < 2) return true;
    ot_keyslot *a = (ot_keyslot *)malloc((size_t)used * sizeof *a);
    if (a == NULL) return false;
    size_t n = 0;
    for (uint32_t s = 0; s < cap; s++)
        if (b->meta[s] != 0) {
            a[n].key = ot_widen(ot_key(b, s), b->h.key_size, c->is_signed);
            a[n++].slot = s;
        }
    qsort(a, n, sizeof *a, ot_keyslot_cmp);
    for (size_t i = 1; i < n; i++)
        if (a[i].key == a[i - 1].key) {
            fprintf(ot_out, "%s: key ", c->name);
            ot_print_field(ot_out, ot_key(b, a[i].slot), b->h.key_size, true, c->is_signed);
            fprintf(ot_out, " is stored twice: slots %" PRIu32 " and %" PRIu32 "\n", a[i - 1].slot, a[i].slot);
            c->problems++;
        }
    free(a);
    return true;
}

static int ot_check_block(const char *name, const ot_block *b, bool hash, bool is_signed)
{
    if (b->st != OHM_OK) {
        fprintf(ot_out, "%s: %s: %s%s%s%s\n", name, ohm__status_name(b->st), ohm_strerror(b->st), b->why ? " (" : "",
                b->why ? b->why : "", b->why ? ")" : "");
        return OT_EXIT_PROBLEMS;
    }
    if (hash && !ot_int_size(b->h.key_size)) {
        fprintf(ot_err, "ohmtool: --int-key: the keys are %" PRIu32 " bytes, not 1, 2, 4 or 8\n", b->h.key_size);
        return OT_EXIT_USAGE;
    }
    if (hash && b->h.type_tag != 0)
        fprintf(ot_err, "ohmtool: note: type tag 0x%08" PRIx32 ": if the map type has a hash of its own, --int-key reports every key\n",
                b->h.type_tag);
    ot_check c = {name, b, hash, is_signed, 0};
    /* The sync area first, as N_check reads it: an invalid one is
     * corruption; one that says a write is in progress or was cut short
     * (OHM_BUSY) leaves the entries unjudged, since their rules hold only
     * between writes. */
    const ot_sync *y = &b->sync;
    ot_sync_state r = ot_sync_judge(b);
    if (r.bad_op) ot_problem(&c, "sync area: op is %" PRIu32 ", not a mutation (0..4)", y->op);
    if (r.bad_smask)
        ot_problem(&c, "header: smask (offset 12) is %" PRIu32 ", but the block has %" PRIu32 " stripe word%s (smask %" PRIu32 ")",
                   y->smask, b->nstripes, b->nstripes == 1 ? "" : "s", b->nstripes - 1);
    if (r.bad_stripes)
        ot_problem(&c, "header: stripes (offset 56) is %" PRIu64 ", but the stripe words are at %" PRIu64, y->stripes,
                   b->stripes_at);
    if (r.busy) {
        fprintf(ot_out, "%s: OHM_BUSY: a write is in progress or was cut short:", name);
        if (y->seq & 1u) fprintf(ot_out, " seq %" PRIu32 " is odd;", y->seq);
        if (y->op != 0) fprintf(ot_out, " op %" PRIu32 " (%s);", y->op, ot_op_name(y->op));
        if (r.odd_stripes)
            fprintf(ot_out, " %" PRIu32 " of %" PRIu32 " stripe words odd (the first: stripe %" PRIu32 ");", r.odd_stripes, b->nstripes,
                    r.first_odd);
        fprintf(ot_out, " the entries are not checked: that is not corruption; the writers' lock and N_recover (ohmtool recover) finish the write\n");
    } else {
        ot_check_structure(&c);
        if (hash && !ot_check_hashed(&c)) {
            fprintf(ot_err, "ohmtool: no memory for the search for keys stored twice\n");
            return OT_EXIT_USAGE;
        }
    }
    if (c.problems) {
        fprintf(ot_out, "%s: %" PRIu64 " problem%s\n", name, c.problems, c.problems == 1 ? "" : "s");
        return OT_EXIT_PROBLEMS;
    }
    if (r.busy) return OT_EXIT_BUSY;
    fprintf(ot_out, "%s: clean: %" PRIu32 " entries in %" PRIu32 " slots; header, sync area, stripes, mirror, bytes, count, class bits, invariants I and II%s\n",
            name, b->h.count, b->cap,
            hash ? ", every byte against its key's hash and place, no key twice"
                 : " checked from the distance codes (keys not hashed: --int-key for integer keys)");
    return OT_EXIT_OK;
}

/* ------------------------------------------------------------------------
 * recover: the library's N_recover, for the map types the tool can hash
 * ---------------------------------------------------------------------- */

/* N_recover moves keys and rehashes some, so it needs the map type's own
 * hash and equality: the tool has them only for keys that are integers of
 * 1, 2, 4 or 8 bytes under the default integer hash (as check --int-key
 * hashes them; --signed for signed key types), with no value or an integer
 * value of 1, 2, 4 or 8 bytes, and the default placement and type tag 0.
 * One instantiation each; the signedness is a flag, since it changes only
 * how a key is widened before it is hashed. */
static bool ot_rec_signed;
static uint64_t ot_rec_hash(uint64_t u, size_t n, uint64_t seed)
{
    if (ot_rec_signed && n < 8 && (u >> (8 * n - 1) & 1u)) u |= ~(((uint64_t)1 << (8 * n)) - 1);
    return ohm_hash_u64(u, seed);
}

/* Each instantiation's recover: attach, then N_recover. */
#define OT_REC_RUN(N)                                                                              \
    static ohm_status N##_run(void *buf, size_t len)                                               \
    {                                                                                              \
        N *m;                                                                                      \
        ohm_status st = N##_attach(buf, len, &m);                                                  \
        return st == OHM_OK ? N##_recover(m) : st;                                                 \
    }

#define OHM_NAME ot_r_k1s
#define OHM_KEY uint8_t
#define OHM_HASH_EX(m, key, seed) ot_rec_hash((uint64_t)(key), sizeof(key), (seed))
#include "ohm_map.h"
OT_REC_RUN(ot_r_k1s)

#define OHM_NAME ot_r_k1v1
#define OHM_KEY uint8_t
#define OHM_VALUE uint8_t
#define OHM_HASH_EX(m, key, seed) ot_rec_hash((uint64_t)(key), sizeof(key), (seed))
#include "ohm_map.h"
OT_REC_RUN(ot_r_k1v1)

#define OHM_NAME ot_r_k1v2
#define OHM_KEY uint8_t
#define OHM_VALUE uint16_t
#define OHM_HASH_EX(m, key, seed) ot_rec_hash((uint64_t)(key), sizeof(key), (seed))
#include "ohm_map.h"
OT_REC_RUN(ot_r_k1v2)

#define OHM_NAME ot_r_k1v4
#define OHM_KEY uint8_t
#define OHM_VALUE uint32_t
#define OHM_HASH_EX(m, key, seed) ot_rec_hash((uint64_t)(key), sizeof(key), (seed))
#include "ohm_map.h"
OT_REC_RUN(ot_r_k1v4)

#define OHM_NAME ot_r_k1v8
#define OHM_KEY uint8_t
#define OHM_VALUE uint64_t
#define OHM_HASH_EX(m, key, seed) ot_rec_hash((uint64_t)(key), sizeof(key), (seed))
#include "ohm_map.h"
OT_REC_RUN(ot_r_k1v8)

#define OHM_NAME ot_r_k2s
#define OHM_KEY uint16_t
#define OHM_HASH_EX(m, key, seed) ot_rec_hash((uint64_t)(key), sizeof(key), (seed))
#include "ohm_map.h"
OT_REC_RUN(ot_r_k2s)

#define OHM_NAME ot_r_k2v1
#define OHM_KEY uint16_t
#define OHM_VALUE uint8_t
#define OHM_HASH_EX(m, key, seed) ot_rec_hash((uint64_t)(key), sizeof(key), (seed))
#include "ohm_map.h"
OT_REC_RUN(ot_r_k2v1)

#define OHM_NAME ot_r_k2v2
#define OHM_KEY uint16_t
#define OHM_VALUE uint16_t
#define OHM_HASH_EX(m, key, seed) ot_rec_hash((uint64_t)(key), sizeof(key), (seed))
#include "ohm_map.h"
OT_REC_RUN(ot_r_k2v2)

#define OHM_NAME ot_r_k2v4
#define OHM_KEY uint16_t
#define OHM_VALUE uint32_t
#define OHM_HASH_EX(m, key, seed) ot_rec_hash((uint64_t)(key), sizeof(key), (seed))
#include "ohm_map.h"
OT_REC_RUN(ot_r_k2v4)

#define OHM_NAME ot_r_k2v8
#define OHM_KEY uint16_t
#define OHM_VALUE uint64_t
#define OHM_HASH_EX(m, key, seed) ot_rec_hash((uint64_t)(key), sizeof(key), (seed))
#include "ohm_map.h"
OT_REC_RUN(ot_r_k2v8)

#define OHM_NAME ot_r_k4s
#define OHM_KEY uint32_t
#define OHM_HASH_EX(m, key, seed) ot_rec_hash((uint64_t)(key), sizeof(key), (seed))
#include "ohm_map.h"
OT_REC_RUN(ot_r_k4s)

#define OHM_NAME ot_r_k4v1
#define OHM_KEY uint32_t
#define OHM_VALUE uint8_t
#define OHM_HASH_EX(m, key, seed) ot_rec_hash((uint64_t)(key), sizeof(key), (seed))
#include "ohm_map.h"
OT_REC_RUN(ot_r_k4v1)

#define OHM_NAME ot_r_k4v2
#define OHM_KEY uint32_t
#define OHM_VALUE uint16_t
#define OHM_HASH_EX(m, key, seed) ot_rec_hash((uint64_t)(key), sizeof(key), (seed))
#include "ohm_map.h"
OT_REC_RUN(ot_r_k4v2)

#define OHM_NAME ot_r_k4v4
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_HASH_EX(m, key, seed) ot_rec_hash((uint64_t)(key), sizeof(key), (seed))
#include "ohm_map.h"
OT_REC_RUN(ot_r_k4v4)

#define OHM_NAME ot_r_k4v8
#define OHM_KEY uint32_t
#define OHM_VALUE uint64_t
#define OHM_HASH_EX(m, key, seed) ot_rec_hash((uint64_t)(key), sizeof(key), (seed))
#include "ohm_map.h"
OT_REC_RUN(ot_r_k4v8)

#define OHM_NAME ot_r_k8s
#define OHM_KEY uint64_t
#define OHM_HASH_EX(m, key, seed) ot_rec_hash((uint64_t)(key), sizeof(key), (seed))
#include "ohm_map.h"
OT_REC_RUN(ot_r_k8s)

#define OHM_NAME ot_r_k8v1
#define OHM_KEY uint64_t
#define OHM_VALUE uint8_t
#define OHM_HASH_EX(m, key, seed) ot_rec_hash((uint64_t)(key), sizeof(key), (seed))
#include "ohm_map.h"
OT_REC_RUN(ot_r_k8v1)

#define OHM_NAME ot_r_k8v2
#define OHM_KEY uint64_t
#define OHM_VALUE uint16_t
#define OHM_HASH_EX(m, key, seed) ot_rec_hash((uint64_t)(key), sizeof(key), (seed))
#include "ohm_map.h"
OT_REC_RUN(ot_r_k8v2)

#define OHM_NAME ot_r_k8v4
#define OHM_KEY uint64_t
#define OHM_VALUE uint32_t
#define OHM_HASH_EX(m, key, seed) ot_rec_hash((uint64_t)(key), sizeof(key), (seed))
#include "ohm_map.h"
OT_REC_RUN(ot_r_k8v4)

#define OHM_NAME ot_r_k8v8
#define OHM_KEY uint64_t
#define OHM_VALUE uint64_t
#define OHM_HASH_EX(m, key, seed) ot_rec_hash((uint64_t)(key), sizeof(key), (seed))
#include "ohm_map.h"
OT_REC_RUN(ot_r_k8v8)
#undef OT_REC_RUN

typedef struct ot_rec_type {
    ohm_signature (*sig)(void);
    ohm_status (*run)(void *buf, size_t len);
} ot_rec_type;

static const ot_rec_type ot_rec_types[] = {
    {ot_r_k1s__signature, ot_r_k1s_run},
    {ot_r_k1v1__signature, ot_r_k1v1_run},
    {ot_r_k1v2__signature, ot_r_k1v2_run},
    {ot_r_k1v4__signature, ot_r_k1v4_run},
    {ot_r_k1v8__signature, ot_r_k1v8_run},
    {ot_r_k2s__signature, ot_r_k2s_run},
    {ot_r_k2v1__signature, ot_r_k2v1_run},
    {ot_r_k2v2__signature, ot_r_k2v2_run},
    {ot_r_k2v4__signature, ot_r_k2v4_run},
    {ot_r_k2v8__signature, ot_r_k2v8_run},
    {ot_r_k4s__signature, ot_r_k4s_run},
    {ot_r_k4v1__signature, ot_r_k4v1_run},
    {ot_r_k4v2__signature, ot_r_k4v2_run},
    {ot_r_k4v4__signature, ot_r_k4v4_run},
    {ot_r_k4v8__signature, ot_r_k4v8_run},
    {ot_r_k8s__signature, ot_r_k8s_run},
    {ot_r_k8v1__signature, ot_r_k8v1_run},
    {ot_r_k8v2__signature, ot_r_k8v2_run},
    {ot_r_k8v4__signature, ot_r_k8v4_run},
    {ot_r_k8v8__signature, ot_r_k8v8_run},
};

/* The instantiation for the block's header, or NULL. */
static const ot_rec_type *ot_rec_find(const ohm_header *h)
{
    for (size_t i = 0; i < sizeof ot_rec_types / sizeof ot_rec_types[0]; i++) {
        ohm_signature g = ot_rec_types[i].sig();
        if (g.key_size == h->key_size && g.key_align == h->key_align && g.val_size == h->val_size &&
            g.val_align == h->val_align && g.flags == h->flags && g.type_tag == h->type_tag)
            return &ot_rec_types[i];
    }
    return NULL;
}

/* Run N_recover on the block at p (changed in place), then check it with
 * every key hashed. OT_EXIT_OK only when both found it sound. */
static int ot_recover(const char *name, const ot_block *b, uint8_t *p, size_t len, bool is_signed)
{
    if (b->st != OHM_OK) {
        fprintf(ot_out, "%s: %s: %s%s%s%s\n", name, ohm__status_name(b->st), ohm_strerror(b->st), b->why ? " (" : "",
                b->why ? b->why : "", b->why ? ")" : "");
        return OT_EXIT_PROBLEMS;
    }
    const ot_rec_type *t = ot_rec_find(&b->h);
    if (t == NULL) {
        fprintf(ot_err, "ohmtool: recover: this map type (keys of %" PRIu32 " bytes, values of %" PRIu32 " bytes, flags 0x%02x, type tag 0x%08" PRIx32
                        ") is not one the tool can hash: recover takes integer keys of 1, 2, 4 or 8 bytes under the default integer hash, "
                        "no value or an integer value of 1, 2, 4 or 8 bytes, type tag 0; other maps are recovered by their own program (N_recover)\n",
                b->h.key_size, b->h.val_size, b->h.flags, b->h.type_tag);
        return OT_EXIT_USAGE;
    }
    const ot_sync *y = &b->sync;
    ot_sync_state r = ot_sync_judge(b);
    fprintf(ot_out, "%s: before: seq %" PRIu32 ", op %" PRIu32 " (%s), ", name, y->seq, y->op, ot_op_name(y->op));
    ot_print_slot("hole", y->hole, ", ");
    ot_print_slot("src", y->src, ", ");
    fprintf(ot_out, "start %" PRIu32 ", %" PRIu32 " odd stripe word%s: %s\n", y->start, r.odd_stripes, r.odd_stripes == 1 ? "" : "s",
            r.bad_op || r.bad_smask || r.bad_stripes ? "the sync area is invalid"
            : r.busy                   ? "a write is in progress or was cut short"
                                       : "no write was in progress (only derived bytes may change)");
    ot_rec_signed = is_signed;
    ohm_status st = t->run(p, len);
    fprintf(ot_out, "%s: N_recover: %s: %s\n", name, ohm__status_name(st), ohm_strerror(st));
    ot_block after;
    ot_attach(&after, p, len);
    int rc = ot_check_block(name, &after, true, is_signed);
    if (rc == OT_EXIT_OK && st != OHM_OK) rc = OT_EXIT_PROBLEMS;
    return rc;
}

/* ------------------------------------------------------------------------
 * dump
 * ---------------------------------------------------------------------- */

static int ot_dump(const ot_block *b, bool ints, bool is_signed)
{
    for (uint32_t s = 0; s < b->cap; s++) {
        if (b->meta[s] == 0) continue;
        ot_print_field(ot_out, ot_key(b, s), b->h.key_size, ints, is_signed);
        if (!ot_is_set(b)) {
            fputc('\t', ot_out);
            ot_print_field(ot_out, ot_val(b, s), b->h.val_size, ints, is_signed);
        }
        fputc('\n', ot_out);
    }
    return OT_EXIT_OK;
}

/* ------------------------------------------------------------------------
 * Command line
 * ---------------------------------------------------------------------- */

typedef enum ot_cmd { OT_INFO, OT_STAT, OT_CHECK, OT_DUMP, OT_RECOVER } ot_cmd;

typedef struct ot_opts {
    ot_cmd cmd;
    const char *file;
    uint64_t offset;
    bool int_key, is_signed, hex, ints;
    bool write; /* recover: write the recovered block back */
} ot_opts;

/* Run a subcommand on the block at p (len bytes from the offset, p
 * aligned to OT_BUF_ALIGN; not NULL). Only recover changes the bytes. */
static int ot_run(const ot_opts *o, uint8_t *p, size_t len)
{
    ot_block b;
    ot_attach(&b, p, len);
    const char *name = o->file ? o->file : "-";
    if (o->cmd == OT_INFO) return ot_info(name, o->offset, &b);
    if (o->cmd == OT_CHECK) return ot_check_block(name, &b, o->int_key, o->is_signed);
    if (o->cmd == OT_RECOVER) return ot_recover(name, &b, p, len, o->is_signed);
    if (b.st != OHM_OK) {
        fprintf(ot_err, "ohmtool: %s: %s: %s%s%s%s\n", name, ohm__status_name(b.st), ohm_strerror(b.st), b.why ? " (" : "",
                b.why ? b.why : "", b.why ? ")" : "");
        return OT_EXIT_PROBLEMS;
    }
    if (o->cmd == OT_STAT) return ot_stat(name, &b);
    return ot_dump(&b, o->ints, o->is_signed);
}

#ifndef OHMTOOL_NO_MAIN

static const char ot_usage_text[] =
    "usage: ohmtool info    FILE [--offset N]\n"
    "       ohmtool stat    FILE [--offset N]\n"
    "       ohmtool check   FILE [--offset N] [--int-key [--signed]]\n"
    "       ohmtool dump    FILE [--offset N] [--hex | --int [--signed]]\n"
    "       ohmtool recover FILE [--offset N] [--signed] [--write]\n"
    "       ohmtool --help | --version\n"
    "FILE is a file holding an ohm block (format %u) at byte N (default 0); - reads standard input.\n"
    "  info   the header and the sync area, decoded, and what N_attach would say of it\n"
    "  stat   how the table is filled: groups by used slots, keys by distance, runs of full groups\n"
    "  check  the sync area (a write in progress or cut short: exit 3) and every invariant that needs no\n"
    "         hash; with --int-key (keys of 1, 2, 4 or 8 bytes hashed by the default integer hash;\n"
    "         --signed for signed key types) every byte and duplicate too\n"
    "  dump   the entries, key<TAB>value a line, in slot order: bytes in hex (--hex, the default), or\n"
    "         with --int fields of 1, 2, 4 or 8 bytes as native-endian integers (--signed: signed)\n"
    "  recover  finish a write that was cut short (the library's N_recover), then check --int-key; integer\n"
    "         keys (--signed: signed) and no or integer values only; the file is written only with --write,\n"
    "         and only when the recovered block checks clean\n"
    "exit status: 0 sound, 1 a block refused or with problems, 2 usage or read error, 3 a write in\n"
    "progress or cut short (check)\n"
    "manual: docs/ohmtool.md\n";

static int ot_usage(const char *msg, const char *arg)
{
    if (msg) fprintf(ot_err, "ohmtool: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    fprintf(ot_err, ot_usage_text, (unsigned)OHM_FORMAT_VERSION);
    return OT_EXIT_USAGE;
}

static bool ot_parse_u64(const char *s, uint64_t *out)
{
    if (*s < '0' || *s > '9') return false; /* no sign, no space */
    int base = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, base);
    if (errno || *end != 0 || end == s + (base == 16 ? 2 : 0)) return false;
    *out = v;
    return true;
}

/* The block's bytes, from `offset` to the end of the file, in a buffer
 * aligned to OT_BUF_ALIGN of exactly that length (*buf is freed by the
 * caller; never NULL on success). A regular file is read from the offset
 * at its size, anything else (a pipe, standard input) to its end. */
static int ot_read(const char *path, uint64_t offset, uint8_t **buf, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL) {
        fprintf(ot_err, "ohmtool: %s: %s\n", path, strerror(errno));
        return OT_EXIT_USAGE;
    }
    uint8_t *all = NULL;
    void *aligned = NULL;
    size_t n = 0, room = 0;
    int rc = OT_EXIT_USAGE;
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode)) {
        uint64_t size = (uint64_t)sb.st_size;
        if (offset > size) {
            fprintf(ot_err, "ohmtool: %s: --offset %" PRIu64 " is past the end of the file (%" PRIu64 " bytes)\n", path,
                    offset, size);
            goto out;
        }
        if (size - offset > SIZE_MAX - 1 || posix_memalign(&aligned, OT_BUF_ALIGN, size - offset ? (size_t)(size - offset) : 1) != 0) {
            fprintf(ot_err, "ohmtool: %s: no memory to read it\n", path);
            goto out;
        }
        n = (size_t)(size - offset);
        if (fseeko(f, (off_t)offset, SEEK_SET) != 0 || fread(aligned, 1, n, f) != n) {
            fprintf(ot_err, "ohmtool: %s: read error, or the file shrank while it was read\n", path);
            goto out;
        }
        *buf = (uint8_t *)aligned;
        *len = n;
        aligned = NULL;
        rc = OT_EXIT_OK;
        goto out;
    }
    for (;;) {
        if (n == room) {
            size_t more = n ? 2 * n : 65536;
            if (more <= n) goto out; /* wrapped */
            uint8_t *bigger = (uint8_t *)realloc(all, more);
            if (bigger == NULL) {
                fprintf(ot_err, "ohmtool: %s: no memory to read it\n", path);
                goto out;
            }
            all = bigger;
            room = more;
        }
        size_t got = fread(all + n, 1, room - n, f);
        n += got;
        if (got == 0) break;
    }
    if (ferror(f)) {
        fprintf(ot_err, "ohmtool: %s: read error\n", path);
        goto out;
    }
    if (offset > n) {
        fprintf(ot_err, "ohmtool: %s: --offset %" PRIu64 " is past the end of the input (%zu bytes)\n", path, offset, n);
        goto out;
    }
    *len = n - (size_t)offset;
    if (posix_memalign(&aligned, OT_BUF_ALIGN, *len ? *len : 1) != 0) {
        fprintf(ot_err, "ohmtool: %s: no memory to read it\n", path);
        goto out;
    }
    if (*len) memcpy(aligned, all + offset, *len);
    *buf = (uint8_t *)aligned;
    aligned = NULL;
    rc = OT_EXIT_OK;
out:
    free(aligned);
    free(all);
    if (f != stdin) fclose(f);
    return rc;
}

/* recover: the recovered block (total_size bytes, a header that passed)
 * back into the file at its offset, with --write; else say it was not. */
static int ot_write_back(const ot_opts *o, const uint8_t *buf)
{
    ohm_header h;
    memcpy(&h, buf, sizeof h);
    if (!o->write) {
        printf("%s: not written (recover --write writes the recovered block back)\n", o->file);
        return OT_EXIT_OK;
    }
    FILE *f = fopen(o->file, "r+b");
    if (f == NULL) {
        fprintf(stderr, "ohmtool: %s: %s\n", o->file, strerror(errno));
        return OT_EXIT_USAGE;
    }
    bool ok = fseeko(f, (off_t)o->offset, SEEK_SET) == 0 && fwrite(buf, 1, (size_t)h.total_size, f) == (size_t)h.total_size;
    if (fclose(f) != 0) ok = false;
    if (!ok) {
        fprintf(stderr, "ohmtool: %s: write error: the file may hold the block half written\n", o->file);
        return OT_EXIT_USAGE;
    }
    printf("%s: written: %" PRIu64 " bytes at offset %" PRIu64 "\n", o->file, h.total_size, o->offset);
    return OT_EXIT_OK;
}

int main(int argc, char **argv)
{
    ot_out = stdout;
    ot_err = stderr;
    if (argc < 2) return ot_usage(NULL, NULL);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        printf(ot_usage_text, (unsigned)OHM_FORMAT_VERSION);
        return OT_EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("ohmtool %s (ohm block format %u)\n", OHM_VERSION_STRING, (unsigned)OHM_FORMAT_VERSION);
        return OT_EXIT_OK;
    }
    ot_opts o;
    memset(&o, 0, sizeof o);
    if (!strcmp(cmd, "info")) o.cmd = OT_INFO;
    else if (!strcmp(cmd, "stat")) o.cmd = OT_STAT;
    else if (!strcmp(cmd, "check")) o.cmd = OT_CHECK;
    else if (!strcmp(cmd, "dump")) o.cmd = OT_DUMP;
    else if (!strcmp(cmd, "recover")) o.cmd = OT_RECOVER;
    else return ot_usage("unknown subcommand", cmd);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--offset") || !strncmp(a, "--offset=", 9)) {
            const char *v = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : NULL);
            if (v == NULL || !ot_parse_u64(v, &o.offset)) return ot_usage("--offset needs a number of bytes", v);
        } else if (!strcmp(a, "--int-key") && o.cmd == OT_CHECK) o.int_key = true;
        else if (!strcmp(a, "--signed") && (o.cmd == OT_CHECK || o.cmd == OT_DUMP || o.cmd == OT_RECOVER)) o.is_signed = true;
        else if (!strcmp(a, "--write") && o.cmd == OT_RECOVER) o.write = true;
        else if (!strcmp(a, "--hex") && o.cmd == OT_DUMP) o.hex = true;
        else if (!strcmp(a, "--int") && o.cmd == OT_DUMP) o.ints = true;
        else if (a[0] == '-' && a[1] != 0) return ot_usage("unknown option for this subcommand", a);
        else if (o.file == NULL) o.file = a;
        else return ot_usage("one file at a time", a);
    }
    if (o.file == NULL) return ot_usage("no file", NULL);
    if (o.hex && o.ints) return ot_usage("--hex or --int, not both", NULL);
    if (o.is_signed && o.cmd == OT_CHECK && !o.int_key) return ot_usage("--signed goes with --int-key", NULL);
    if (o.is_signed && o.cmd == OT_DUMP && !o.ints) return ot_usage("--signed goes with --int", NULL);
    if (o.write && !strcmp(o.file, "-")) return ot_usage("recover --write needs a file, not standard input", NULL);

    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = ot_read(o.file, o.offset, &buf, &len);
    if (rc != OT_EXIT_OK) return rc;
    rc = ot_run(&o, buf, len);
    if (o.cmd == OT_RECOVER && rc == OT_EXIT_OK) rc = ot_write_back(&o, buf);
    free(buf);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "ohmtool: error writing the output\n");
        return OT_EXIT_USAGE;
    }
    return rc;
}
#endif /* OHMTOOL_NO_MAIN */
