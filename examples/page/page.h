/* page.h - one terminal page in one block of memory.
 *
 * A page is what a terminal keeps for a run of screen rows: the grid of
 * cells plus everything a cell can refer to. All of it lives in a single
 * block and refers to itself only by offsets, so a page is cloned, moved,
 * written to a file or mapped into another process as raw bytes.
 *
 *   +---------------------------------------------------------------+
 *   | header: capacities, offsets of every region, arena bump, seed |
 *   | row flags      rows x u8 (PG_ROW_WRAPPED: continues below)    |
 *   | cells          rows x cols x pg_cell {cp, style id, flags}    |
 *   | styles         style id -> pg_style, for rendering            |
 *   | arena          bytes: grapheme codepoints, link strings        |
 *   | grapheme map   cell offset -> {arena offset, count}  (ohm)    |
 *   | style map      pg_style -> {id, refcount}            (ohm)    |
 *   | link map       cell offset -> link string offset     (ohm)    |
 *   | link set       link string offsets, hashed by bytes  (ohm)    |
 *   +---------------------------------------------------------------+
 *
 * Cell keys are byte offsets of the cell from the page start (the header,
 * row flags and cells come first and depend only on rows and columns, so
 * a page that grows keeps them). Arena references are offsets from the
 * arena start. Every map's owner word (N_user) holds the map's own offset
 * in the page, so a hash that must read the arena can find the page.
 */
#ifndef PAGE_H
#define PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ohm.h"

/* ------------------------------------------------------------------------
 * Styles
 * ---------------------------------------------------------------------- */

enum pg_color_kind { PG_COLOR_DEFAULT = 0, PG_COLOR_PALETTE = 1, PG_COLOR_RGB = 2 };

/* A colour: the default, a palette index (in r) or an RGB triple. */
typedef struct pg_color {
    uint8_t kind, r, g, b;
} pg_color;

enum pg_attr {
    PG_BOLD = 1u << 0,
    PG_FAINT = 1u << 1,
    PG_ITALIC = 1u << 2,
    PG_UNDERLINE = 1u << 3,
    PG_BLINK = 1u << 4,
    PG_INVERSE = 1u << 5,
    PG_INVISIBLE = 1u << 6,
    PG_STRIKE = 1u << 7
};

/* What SGR sets: colours for text, background and underline, and the
 * attribute bits. 16 bytes without holes; pad is always zero. The default
 * style is all zeros and has id 0, which no map stores. */
typedef struct pg_style {
    pg_color fg, bg, ul;
    uint8_t attrs;
    uint8_t pad[3];
} pg_style;

static inline bool pg_style_eq(pg_style a, pg_style b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static inline bool pg_style_is_default(pg_style s)
{
    pg_style zero;
    memset(&zero, 0, sizeof zero);
    return pg_style_eq(s, zero);
}

/* Hash of a style value: its 16 bytes as two words. */
static inline uint64_t pg_style_hash(pg_style s, uint64_t seed)
{
    uint64_t a, b;
    memcpy(&a, &s, 8);
    memcpy(&b, (const char *)&s + 8, 8);
    return ohm_hash_u64(a ^ ohm_fold_mul(b ^ seed, 0x9e3779b97f4a7c15u), seed);
}

/* ------------------------------------------------------------------------
 * Cells and rows
 * ---------------------------------------------------------------------- */

enum pg_cell_flag {
    PG_CELL_WIDE = 1u << 0,        /* a two-column cluster; the next cell is its tail */
    PG_CELL_SPACER_TAIL = 1u << 1, /* the right half of a wide cluster */
    PG_CELL_SPACER_HEAD = 1u << 2, /* last column left empty: a wide cluster wrapped */
    PG_CELL_GRAPHEME = 1u << 3,    /* more codepoints in the grapheme map */
    PG_CELL_LINK = 1u << 4         /* a hyperlink in the link map */
};

/* One cell: the first codepoint of its grapheme cluster (0 when empty or a
 * spacer), a style id and flags. A cell with cp 0 and no flags is empty. */
typedef struct pg_cell {
    uint32_t cp;
    uint16_t style;
    uint8_t flags;
    uint8_t pad;
} pg_cell;

enum pg_row_flag { PG_ROW_WRAPPED = 1u << 0 }; /* soft wrap: the line continues */

/* ------------------------------------------------------------------------
 * The page header and its maps
 * ---------------------------------------------------------------------- */

/* What a page holds. graphemes, styles and links are entry counts the maps
 * must hold (rounded up to the map's power-of-two capacity); styles is
 * also the number of style ids (id 0 is the default, never stored); arena
 * is bytes. */
typedef struct pg_caps {
    uint32_t rows, cols;
    uint32_t graphemes, styles, links, arena;
} pg_caps;

#define PG_MAGIC 0x45474150u /* "PAGE" */
#define PG_VERSION 1u

/* The block's first bytes. Offsets are from the page start. */
typedef struct page {
    uint32_t magic, version;
    uint64_t total_size; /* bytes of the whole block */
    pg_caps caps;
    uint64_t seed;        /* hash seed of every map in the page */
    uint32_t rows_used;   /* rows the cursor reached: 1..rows */
    uint32_t arena_used;  /* bump pointer: arena bytes in use */
    uint32_t style_hint;  /* where to look for a free style id */
    uint32_t grows;       /* times this page was rebuilt bigger */
    uint64_t rows_off, cells_off, styles_off, arena_off;
    uint64_t gmap_off, smap_off, lmap_off, lset_off;
} page;

/* A grapheme cluster's codepoints after the first: arena offset, count. */
typedef struct pg_span {
    uint32_t off, len;
} pg_span;

/* A style's entry in the style map. */
typedef struct pg_sref {
    uint16_t id;
    uint16_t pad;
    uint32_t refs; /* cells carrying this style id */
} pg_sref;

/* A link string in the arena: u32 length, then the bytes. */
static inline const char *pg__arena_str(const page *p, uint32_t off, uint32_t *len)
{
    const char *a = (const char *)p + p->arena_off + off;
    uint32_t n;
    memcpy(&n, a, sizeof n);
    if (len) *len = n;
    return a + sizeof n;
}

/* The page that holds a map: the map's owner word is its offset in the page. */
#define PG__PAGE_OF(m) ((const page *)(const void *)((const char *)(m) - (m)->hdr.user))

static inline uint64_t pg__link_hash(const page *p, uint32_t off, uint64_t seed)
{
    uint32_t n;
    const char *s = pg__arena_str(p, off, &n);
    return ohm_hash_bytes(s, n, seed);
}

static inline bool pg__link_eq(const page *p, uint32_t a, uint32_t b)
{
    if (a == b) return true;
    uint32_t na, nb;
    const char *sa = pg__arena_str(p, a, &na), *sb = pg__arena_str(p, b, &nb);
    return na == nb && memcmp(sa, sb, na) == 0;
}

/* grapheme map: cell offset -> the cluster's other codepoints. The
 * reference terminal fills it to 100 % (ohm's default is 88). */
#define OHM_NAME pg_gmap
#define OHM_KEY uint32_t
#define OHM_VALUE pg_span
#define OHM_MAX_LOAD 100
#define OHM_TYPE_TAG 0x4d524750u /* "PGRM" */
#include "ohm_map.h"

/* style map: style value -> {id, refcount}; looked up by value. 100 %,
 * as the reference terminal's. */
#define OHM_NAME pg_smap
#define OHM_KEY pg_style
#define OHM_VALUE pg_sref
#define OHM_HASH_EX(m, k, seed) pg_style_hash((k), (seed))
#define OHM_EQ(a, b) pg_style_eq((a), (b))
#define OHM_MAX_LOAD 100
#define OHM_TYPE_TAG 0x4c545350u /* "PSTL" */
#include "ohm_map.h"

/* link map: cell offset -> link string offset. 80 % load, as the
 * reference terminal's hyperlink map. */
#define OHM_NAME pg_lmap
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_MAX_LOAD 80
#define OHM_TYPE_TAG 0x4b4e4c50u /* "PLNK" */
#include "ohm_map.h"

/* link set: offsets of link strings in the arena, one per distinct string.
 * The hash reads the string's bytes through the page (found from the map's
 * owner word), so a (pointer, length) probe hashes the same and the adapted
 * calls find a string without storing it first. */
#define OHM_NAME pg_lset
#define OHM_KEY uint32_t
#define OHM_HASH_EX(m, k, seed) pg__link_hash(PG__PAGE_OF(m), (k), (seed))
#define OHM_EQ_EX(m, a, b) pg__link_eq(PG__PAGE_OF(m), (a), (b))
#define OHM_TYPE_TAG 0x54534c50u /* "PLST" */
#include "ohm_map.h"

/* ------------------------------------------------------------------------
 * Layout and life cycle
 * ---------------------------------------------------------------------- */

typedef struct pg_layout {
    uint64_t rows_off, cells_off, styles_off, arena_off;
    uint64_t gmap_off, smap_off, lmap_off, lset_off;
    ohm_layout gmap, smap, lmap, lset;
    uint64_t total_size, align;
} pg_layout;

/* Where everything goes for `caps`; false when the caps are impossible
 * (cols < 2, zero rows, a map too big, cells beyond 4 GiB). */
bool page_layout(pg_caps caps, pg_layout *out);

/* Starting capacities for a page of rows x cols: small on purpose, a page
 * grows when one of them runs out. */
pg_caps page_default_caps(uint32_t rows, uint32_t cols);

/* The alignment every page block has (blocks are allocated with it). */
#define PG_ALIGN 64u

/* Format `buf` (`len` bytes, PG_ALIGN-aligned) as an empty page; NULL when
 * it does not fit or the caps are impossible. */
page *page_init(void *buf, size_t len, pg_caps caps, uint64_t seed);
/* A new empty page in its own allocation (free with page_free). */
page *page_new(pg_caps caps, uint64_t seed);
void page_free(page *p);
/* A copy of the page: one allocation and one memcpy. */
page *page_clone(const page *p);
/* A new page with the bigger `caps` (same rows and columns): header, rows,
 * cells, styles and arena copied, every map rehashed into its bigger
 * block. NULL when caps are smaller than the page's contents. */
page *page_grow(const page *p, pg_caps caps);

/* ------------------------------------------------------------------------
 * Access
 * ---------------------------------------------------------------------- */

static inline pg_cell *page_cells(const page *p) { return OHM_AT(pg_cell, p, p->cells_off); }
static inline uint8_t *page_row_flags(const page *p) { return OHM_AT(uint8_t, p, p->rows_off); }
static inline pg_style *page_styles(const page *p) { return OHM_AT(pg_style, p, p->styles_off); }
static inline pg_gmap *page_gmap(const page *p) { return OHM_AT(pg_gmap, p, p->gmap_off); }
static inline pg_smap *page_smap(const page *p) { return OHM_AT(pg_smap, p, p->smap_off); }
static inline pg_lmap *page_lmap(const page *p) { return OHM_AT(pg_lmap, p, p->lmap_off); }
static inline pg_lset *page_lset(const page *p) { return OHM_AT(pg_lset, p, p->lset_off); }

/* The byte offset from the page start of the cell at (row, col): the key
 * of the grapheme and link maps. */
static inline uint32_t page_cell_off(const page *p, uint32_t row, uint32_t col)
{
    return (uint32_t)(p->cells_off + ((uint64_t)row * p->caps.cols + col) * sizeof(pg_cell));
}
static inline pg_cell *page_cell(const page *p, uint32_t row, uint32_t col)
{
    return OHM_AT(pg_cell, p, page_cell_off(p, row, col));
}

/* The style of an id (id 0: the default style). */
const pg_style *page_style(const page *p, uint16_t id);
/* A cell's codepoints after the first (NULL and *n = 0 when none). */
const uint32_t *page_grapheme(const page *p, uint32_t cell_off, uint32_t *n);
/* A cell's link string (OSC 8 "params;uri"); NULL when none. */
const char *page_link(const page *p, uint32_t cell_off, uint32_t *len);
/* The offset of a link string in the arena when the page has it (found
 * with an adapted lookup: no copy of the string is made). */
bool page_find_link(const page *p, const char *s, uint32_t len, uint32_t *off);

/* ------------------------------------------------------------------------
 * Writing
 * ---------------------------------------------------------------------- */

/* What a write may need: the page's room for one of its parts ran out and
 * the caller must grow the page (page_caps_grown, page_grow) and retry. */
typedef enum pg_status {
    PG_OK = 0,
    PG_NEED_GRAPHEMES,
    PG_NEED_STYLES,
    PG_NEED_LINKS,
    PG_NEED_ARENA
} pg_status;

const char *pg_status_name(pg_status st);

/* The caps after growing for `need` (the doubled part; the arena to at
 * least `arena_extra` more bytes than are in use). */
pg_caps page_caps_grown(const page *p, pg_status need, uint32_t arena_extra);

/* Write one grapheme cluster of `n` codepoints, `width` 1 or 2 columns, at
 * (row, col) with a style and a link (link_len 0: none). The cell (and its
 * tail when wide) is cleared first. On a PG_NEED_* nothing is half-written
 * that a retry would not clear: grow the page and call again. */
pg_status page_write(page *p, uint32_t row, uint32_t col, const uint32_t *cps, uint32_t n,
                     unsigned width, const pg_style *style, const char *link, uint32_t link_len);

/* Mark the last column empty because a wide cluster wrapped to the next row. */
void page_write_spacer_head(page *p, uint32_t row, uint32_t col);

/* Clear a cell, releasing its style reference, grapheme and link (and its
 * wide partner). Arena bytes are not reused: the arena is a bump region. */
void page_clear_cell(page *p, uint32_t row, uint32_t col);

/* Take and drop a reference to a style; id 0 for the default style. */
pg_status page_style_acquire(page *p, pg_style s, uint16_t *id);
void page_style_release(page *p, uint16_t id);

/* ------------------------------------------------------------------------
 * Checks and statistics
 * ---------------------------------------------------------------------- */

/* Full validation of an untrusted page block of `len` bytes: header,
 * layout recomputed from the caps, every map attached and checked, every
 * cell's style, grapheme and link, every arena reference in range, every
 * style refcount. Never reads outside [buf, buf + len). NULL when valid,
 * else a sentence saying what is wrong. */
const char *page_validate(const void *buf, size_t len);

typedef struct pg_stats {
    uint32_t rows_used, cells_used;
    uint32_t graphemes, graphemes_max;
    uint32_t styles, styles_max;
    uint32_t links, links_max;
    uint32_t uris, uris_max;
    uint32_t arena_used, arena_cap;
    uint64_t bytes;
} pg_stats;

pg_stats page_stats(const page *p);

/* Every cell, grapheme and link of `a` equal to `b`'s, compared through
 * each page's own maps (not bytes). NULL when equal, else where they
 * differ (a static buffer). */
const char *page_compare(const page *a, const page *b);

#endif /* PAGE_H */
