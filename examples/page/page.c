/* page.c - layout, growth, writing and validation of a terminal page.
 * See page.h for the block's regions. */
#include "page.h"

#include <stdio.h>
#include <stdlib.h>

/* ------------------------------------------------------------------------
 * Layout and life cycle
 * ---------------------------------------------------------------------- */

bool page_layout(pg_caps caps, pg_layout *out)
{
    memset(out, 0, sizeof *out);
    if (caps.rows == 0 || caps.cols < 2 || caps.styles < 1 || caps.styles > 65536u) return false;
    uint64_t ncells = (uint64_t)caps.rows * caps.cols;
    ohm_plan plan = ohm_plan_init();
    ohm_plan_add(&plan, sizeof(page), _Alignof(page));
    out->rows_off = ohm_plan_add(&plan, caps.rows, 1);
    out->cells_off = ohm_plan_add(&plan, ncells * sizeof(pg_cell), _Alignof(pg_cell));
    /* Cell keys are u32 offsets: the cells must end below 4 GiB. */
    if (plan.failed || plan.size > UINT32_MAX) return false;
    out->styles_off = ohm_plan_add(&plan, (uint64_t)caps.styles * sizeof(pg_style), _Alignof(pg_style));
    out->arena_off = ohm_plan_add(&plan, caps.arena, 4);
    out->gmap = pg_gmap_layout(caps.graphemes);
    out->smap = pg_smap_layout(caps.styles);
    out->lmap = pg_lmap_layout(caps.links);
    out->lset = pg_lset_layout(caps.links);
    out->gmap_off = ohm_plan_add_map(&plan, out->gmap, pg_gmap_base_align());
    out->smap_off = ohm_plan_add_map(&plan, out->smap, pg_smap_base_align());
    out->lmap_off = ohm_plan_add_map(&plan, out->lmap, pg_lmap_base_align());
    out->lset_off = ohm_plan_add_map(&plan, out->lset, pg_lset_base_align());
    ohm_plan_add(&plan, 0, PG_ALIGN); /* the block's size is a multiple of its alignment */
    if (plan.failed || plan.size > SIZE_MAX || plan.align > PG_ALIGN) return false;
    out->total_size = plan.size;
    out->align = PG_ALIGN;
    return true;
}

pg_caps page_default_caps(uint32_t rows, uint32_t cols)
{
    pg_caps c = {rows, cols, 8, 16, 8, 512};
    return c;
}

page *page_init(void *buf, size_t len, pg_caps caps, uint64_t seed)
{
    pg_layout L;
    if (buf == NULL || ((uintptr_t)buf & (PG_ALIGN - 1)) != 0 || !page_layout(caps, &L) ||
        len < L.total_size)
        return NULL;
    memset(buf, 0, (size_t)L.total_size);
    page *p = (page *)buf;
    p->magic = PG_MAGIC;
    p->version = PG_VERSION;
    p->total_size = L.total_size;
    p->caps = caps;
    p->seed = seed;
    p->rows_used = 1;
    p->style_hint = 1;
    p->rows_off = L.rows_off;
    p->cells_off = L.cells_off;
    p->styles_off = L.styles_off;
    p->arena_off = L.arena_off;
    p->gmap_off = L.gmap_off;
    p->smap_off = L.smap_off;
    p->lmap_off = L.lmap_off;
    p->lset_off = L.lset_off;
    /* Each map records its own offset in the page: a hash that reads the
     * arena finds the page from the map alone, wherever the page is. */
    pg_gmap *g = pg_gmap_init_ex(ohm_ptr(p, L.gmap_off), L.gmap, seed, 0);
    pg_smap *s = pg_smap_init_ex(ohm_ptr(p, L.smap_off), L.smap, seed, 0);
    pg_lmap *l = pg_lmap_init_ex(ohm_ptr(p, L.lmap_off), L.lmap, seed, 0);
    pg_lset *u = pg_lset_init_ex(ohm_ptr(p, L.lset_off), L.lset, seed, 0);
    if (!g || !s || !l || !u) return NULL;
    pg_gmap_set_user(g, L.gmap_off);
    pg_smap_set_user(s, L.smap_off);
    pg_lmap_set_user(l, L.lmap_off);
    pg_lset_set_user(u, L.lset_off);
    return p;
}

page *page_new(pg_caps caps, uint64_t seed)
{
    pg_layout L;
    if (!page_layout(caps, &L)) return NULL;
    void *buf = aligned_alloc(PG_ALIGN, (size_t)L.total_size);
    if (!buf) return NULL;
    page *p = page_init(buf, (size_t)L.total_size, caps, seed);
    if (!p) free(buf);
    return p;
}

void page_free(page *p) { free(p); }

page *page_clone(const page *p)
{
    void *buf = aligned_alloc(PG_ALIGN, (size_t)p->total_size);
    if (buf) memcpy(buf, p, (size_t)p->total_size);
    return (page *)buf;
}

page *page_grow(const page *p, pg_caps caps)
{
    if (caps.rows != p->caps.rows || caps.cols != p->caps.cols || caps.styles < p->caps.styles ||
        caps.arena < p->arena_used)
        return NULL;
    page *n = page_new(caps, p->seed);
    if (!n) return NULL;
    /* Rows and columns are equal, so the header, row flags and cells sit at
     * the same offsets: every cell key stays valid. */
    OHM_ASSERT(n->cells_off == p->cells_off, "cells moved in a grown page");
    memcpy(page_row_flags(n), page_row_flags(p), p->caps.rows);
    memcpy(page_cells(n), page_cells(p), (size_t)p->caps.rows * p->caps.cols * sizeof(pg_cell));
    memcpy(page_styles(n), page_styles(p), (size_t)p->caps.styles * sizeof(pg_style));
    memcpy(OHM_AT(char, n, n->arena_off), OHM_AT(char, p, p->arena_off), p->arena_used);
    n->rows_used = p->rows_used;
    n->arena_used = p->arena_used;
    n->style_hint = p->style_hint;
    n->grows = p->grows + 1;
    /* The arena is in place before the link set is rehashed: its hash
     * reads the strings through the new page. */
    if (pg_gmap_rehash(page_gmap(p), page_gmap(n)) != OHM_OK ||
        pg_smap_rehash(page_smap(p), page_smap(n)) != OHM_OK ||
        pg_lmap_rehash(page_lmap(p), page_lmap(n)) != OHM_OK ||
        pg_lset_rehash(page_lset(p), page_lset(n)) != OHM_OK) {
        page_free(n);
        return NULL;
    }
    return n;
}

const char *pg_status_name(pg_status st)
{
    switch (st) {
    case PG_OK: return "ok";
    case PG_NEED_GRAPHEMES: return "grapheme map full";
    case PG_NEED_STYLES: return "style set full";
    case PG_NEED_LINKS: return "hyperlink map full";
    case PG_NEED_ARENA: return "arena full";
    }
    return "?";
}

static uint32_t grow_count(uint32_t n) { return n < 4 ? 8 : (n > UINT32_MAX / 2 ? UINT32_MAX : 2 * n); }

pg_caps page_caps_grown(const page *p, pg_status need, uint32_t arena_extra)
{
    pg_caps c = p->caps;
    switch (need) {
    case PG_OK: break;
    case PG_NEED_GRAPHEMES: c.graphemes = grow_count(pg_gmap_max_load(page_gmap(p))); break;
    case PG_NEED_STYLES: c.styles = c.styles >= 32768u ? 65536u : 2 * c.styles; break;
    case PG_NEED_LINKS: c.links = grow_count(c.links); break;
    case PG_NEED_ARENA: {
        uint64_t want = (uint64_t)p->arena_used + arena_extra + 8;
        uint64_t a = c.arena < 64 ? 64 : c.arena;
        while (a < want || a < 2 * (uint64_t)c.arena) a *= 2;
        c.arena = a > UINT32_MAX ? UINT32_MAX : (uint32_t)a;
        break;
    }
    }
    return c;
}

/* ------------------------------------------------------------------------
 * Styles
 * ---------------------------------------------------------------------- */

const pg_style *page_style(const page *p, uint16_t id)
{
    static const pg_style def;
    return id == 0 ? &def : &page_styles(p)[id];
}

pg_status page_style_acquire(page *p, pg_style s, uint16_t *id)
{
    memset(s.pad, 0, sizeof s.pad);
    if (pg_style_is_default(s)) {
        *id = 0;
        return PG_OK;
    }
    pg_smap *m = page_smap(p);
    pg_sref *r = pg_smap_get(m, s);
    if (r) {
        r->refs++;
        *id = r->id;
        return PG_OK;
    }
    if (pg_smap_reserve(m, 1) != OHM_OK) return PG_NEED_STYLES;
    /* A free id has an all-zero styles entry (the default style never
     * takes an id). Ids run 1 .. styles-1, searched from the hint. */
    uint32_t ids = p->caps.styles - 1;
    pg_style *arr = page_styles(p);
    for (uint32_t k = 0; k < ids; k++) {
        uint32_t cand = 1 + (p->style_hint - 1 + k) % ids;
        if (pg_style_is_default(arr[cand])) {
            arr[cand] = s;
            pg_sref ref = {(uint16_t)cand, 0, 1};
            pg_smap_put_new(m, s, ref);
            p->style_hint = cand + 1 > ids ? 1 : cand + 1;
            *id = (uint16_t)cand;
            return PG_OK;
        }
    }
    return PG_NEED_STYLES;
}

void page_style_release(page *p, uint16_t id)
{
    if (id == 0) return;
    pg_smap *m = page_smap(p);
    pg_style s = page_styles(p)[id];
    pg_sref *r = pg_smap_get(m, s);
    OHM_ASSERT(r && r->refs > 0, "release of a style the page does not hold");
    if (!r) return;
    if (--r->refs == 0) {
        pg_smap_remove(m, s);
        memset(&page_styles(p)[id], 0, sizeof(pg_style));
        if (id < p->style_hint) p->style_hint = id;
    }
}

/* ------------------------------------------------------------------------
 * Arena, graphemes and links
 * ---------------------------------------------------------------------- */

static bool arena_alloc(page *p, uint32_t bytes, uint32_t *off)
{
    uint64_t o = ((uint64_t)p->arena_used + 3) & ~(uint64_t)3;
    if (o + bytes > p->caps.arena) return false;
    *off = (uint32_t)o;
    p->arena_used = (uint32_t)(o + bytes);
    return true;
}

const uint32_t *page_grapheme(const page *p, uint32_t cell_off, uint32_t *n)
{
    const pg_span *sp = pg_gmap_get(page_gmap(p), cell_off);
    *n = sp ? sp->len : 0;
    return sp ? OHM_AT(const uint32_t, p, p->arena_off + sp->off) : NULL;
}

const char *page_link(const page *p, uint32_t cell_off, uint32_t *len)
{
    const uint32_t *v = pg_lmap_get(page_lmap(p), cell_off);
    if (!v) {
        *len = 0;
        return NULL;
    }
    return pg__arena_str(p, *v, len);
}

/* The probe of the link set's adapted calls: a string not in the page. */
typedef struct link_probe {
    const char *s;
    uint32_t len;
} link_probe;

static bool link_probe_eq(const void *probe, const uint32_t *key, void *ctx)
{
    const link_probe *pr = (const link_probe *)probe;
    uint32_t n;
    const char *s = pg__arena_str((const page *)ctx, *key, &n);
    return n == pr->len && memcmp(s, pr->s, n) == 0;
}

bool page_find_link(const page *p, const char *s, uint32_t len, uint32_t *off)
{
    const pg_lset *set = page_lset(p);
    link_probe pr = {s, len};
    uint64_t h = ohm_hash_bytes(s, len, pg_lset_seed(set));
    pg_lset_entry e = pg_lset_get_adapted(set, h, &pr, link_probe_eq, (void *)(uintptr_t)p);
    if (e.key && off) *off = *e.key;
    return e.key != NULL;
}

/* The arena offset of the page's copy of a link string, stored on first
 * use: one copy per distinct string. */
static pg_status link_intern(page *p, const char *s, uint32_t len, uint32_t *off)
{
    if (page_find_link(p, s, len, off)) return PG_OK;
    pg_lset *set = page_lset(p);
    if (pg_lset_reserve(set, 1) != OHM_OK) return PG_NEED_LINKS;
    uint32_t o;
    if ((uint64_t)len + 4 > UINT32_MAX || !arena_alloc(p, len + 4, &o)) return PG_NEED_ARENA;
    char *a = OHM_AT(char, p, p->arena_off + o);
    memcpy(a, &len, 4);
    memcpy(a + 4, s, len);
    link_probe pr = {s, len};
    pg_lset_entry e;
    ohm_status st = pg_lset_get_or_put_adapted(set, ohm_hash_bytes(s, len, pg_lset_seed(set)), &pr,
                                               link_probe_eq, p, &e);
    OHM_ASSERT(st == OHM_OK, "link set: reserved room vanished");
    (void)st;
    *e.key = o;
    *off = o;
    return PG_OK;
}

/* ------------------------------------------------------------------------
 * Writing cells
 * ---------------------------------------------------------------------- */

static void clear_one(page *p, uint32_t row, uint32_t col)
{
    pg_cell *c = page_cell(p, row, col);
    uint32_t off = page_cell_off(p, row, col);
    if (c->flags & PG_CELL_GRAPHEME) pg_gmap_remove(page_gmap(p), off);
    if (c->flags & PG_CELL_LINK) pg_lmap_remove(page_lmap(p), off);
    page_style_release(p, c->style);
    memset(c, 0, sizeof *c);
}

void page_clear_cell(page *p, uint32_t row, uint32_t col)
{
    pg_cell *c = page_cell(p, row, col);
    if ((c->flags & PG_CELL_WIDE) && col + 1 < p->caps.cols) clear_one(p, row, col + 1);
    if ((c->flags & PG_CELL_SPACER_TAIL) && col > 0 && (c[-1].flags & PG_CELL_WIDE))
        clear_one(p, row, col - 1);
    clear_one(p, row, col);
}

void page_write_spacer_head(page *p, uint32_t row, uint32_t col)
{
    page_clear_cell(p, row, col);
    page_cell(p, row, col)->flags = PG_CELL_SPACER_HEAD;
}

pg_status page_write(page *p, uint32_t row, uint32_t col, const uint32_t *cps, uint32_t n,
                     unsigned width, const pg_style *style, const char *link, uint32_t link_len)
{
    OHM_ASSERT(n >= 1 && (width == 1 || width == 2) && row < p->caps.rows &&
                   col + width <= p->caps.cols,
               "page_write: bad cluster or position");
    page_clear_cell(p, row, col);
    if (width == 2) page_clear_cell(p, row, col + 1);
    pg_cell *c = page_cell(p, row, col);
    uint32_t off = page_cell_off(p, row, col);
    uint16_t id;
    pg_status st = page_style_acquire(p, *style, &id);
    if (st != PG_OK) return st;
    c->style = id;
    if (width == 2) {
        uint16_t id2;
        page_style_acquire(p, *style, &id2); /* present now: cannot fail */
        c[1].style = id2;
        c[1].flags = PG_CELL_SPACER_TAIL;
    }
    if (n > 1) {
        pg_gmap *g = page_gmap(p);
        uint32_t ao;
        if (pg_gmap_reserve(g, 1) != OHM_OK) return PG_NEED_GRAPHEMES;
        if ((uint64_t)(n - 1) * 4 > UINT32_MAX || !arena_alloc(p, (n - 1) * 4, &ao))
            return PG_NEED_ARENA;
        memcpy(OHM_AT(char, p, p->arena_off + ao), cps + 1, (size_t)(n - 1) * 4);
        pg_span sp = {ao, n - 1};
        pg_gmap_put_new(g, off, sp);
        c->flags |= PG_CELL_GRAPHEME;
    }
    if (link_len > 0) {
        uint32_t lo;
        st = link_intern(p, link, link_len, &lo);
        if (st != PG_OK) return st;
        pg_lmap *l = page_lmap(p);
        if (pg_lmap_reserve(l, 1) != OHM_OK) return PG_NEED_LINKS;
        pg_lmap_put_new(l, off, lo);
        c->flags |= PG_CELL_LINK;
    }
    c->cp = cps[0];
    if (width == 2) c->flags |= PG_CELL_WIDE;
    return PG_OK;
}

/* ------------------------------------------------------------------------
 * Statistics and comparison
 * ---------------------------------------------------------------------- */

pg_stats page_stats(const page *p)
{
    pg_stats s;
    memset(&s, 0, sizeof s);
    s.rows_used = p->rows_used;
    const pg_cell *cells = page_cells(p);
    for (uint64_t i = 0; i < (uint64_t)p->rows_used * p->caps.cols; i++)
        if (cells[i].cp != 0) s.cells_used++;
    s.graphemes = pg_gmap_count(page_gmap(p));
    s.graphemes_max = pg_gmap_max_load(page_gmap(p));
    s.styles = pg_smap_count(page_smap(p));
    s.styles_max = p->caps.styles - 1;
    if (pg_smap_max_load(page_smap(p)) < s.styles_max) s.styles_max = pg_smap_max_load(page_smap(p));
    s.links = pg_lmap_count(page_lmap(p));
    s.links_max = pg_lmap_max_load(page_lmap(p));
    s.uris = pg_lset_count(page_lset(p));
    s.uris_max = pg_lset_max_load(page_lset(p));
    s.arena_used = p->arena_used;
    s.arena_cap = p->caps.arena;
    s.bytes = p->total_size;
    return s;
}

static char cmp_msg[160];

#define CMP_FAIL(...) \
    do { \
        snprintf(cmp_msg, sizeof cmp_msg, __VA_ARGS__); \
        return cmp_msg; \
    } while (0)

const char *page_compare(const page *a, const page *b)
{
    if (a->caps.rows != b->caps.rows || a->caps.cols != b->caps.cols) CMP_FAIL("sizes differ");
    if (a->rows_used != b->rows_used) CMP_FAIL("rows used differ");
    if (pg_gmap_count(page_gmap(a)) != pg_gmap_count(page_gmap(b))) CMP_FAIL("grapheme counts differ");
    if (pg_lmap_count(page_lmap(a)) != pg_lmap_count(page_lmap(b))) CMP_FAIL("link counts differ");
    if (pg_smap_count(page_smap(a)) != pg_smap_count(page_smap(b))) CMP_FAIL("style counts differ");
    for (uint32_t r = 0; r < a->caps.rows; r++) {
        if (page_row_flags(a)[r] != page_row_flags(b)[r]) CMP_FAIL("row %u: flags differ", r);
        for (uint32_t col = 0; col < a->caps.cols; col++) {
            const pg_cell *x = page_cell(a, r, col), *y = page_cell(b, r, col);
            if (x->cp != y->cp || x->flags != y->flags) CMP_FAIL("cell %u,%u differs", r, col);
            if (!pg_style_eq(*page_style(a, x->style), *page_style(b, y->style)))
                CMP_FAIL("cell %u,%u: styles differ", r, col);
            uint32_t na, nb, la, lb;
            const uint32_t *ga = page_grapheme(a, page_cell_off(a, r, col), &na);
            const uint32_t *gb = page_grapheme(b, page_cell_off(b, r, col), &nb);
            if ((ga != NULL) != ((x->flags & PG_CELL_GRAPHEME) != 0) || na != nb ||
                (na && memcmp(ga, gb, na * 4) != 0))
                CMP_FAIL("cell %u,%u: graphemes differ", r, col);
            const char *sa = page_link(a, page_cell_off(a, r, col), &la);
            const char *sb = page_link(b, page_cell_off(b, r, col), &lb);
            if ((sa != NULL) != ((x->flags & PG_CELL_LINK) != 0) || (sa != NULL) != (sb != NULL) ||
                la != lb || (la && memcmp(sa, sb, la) != 0))
                CMP_FAIL("cell %u,%u: links differ", r, col);
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------------
 * Validation of an untrusted block
 * ---------------------------------------------------------------------- */

static bool valid_scalar(uint32_t cp) { return cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff); }

/* A cell key: inside the cells and on a cell boundary. */
static bool valid_cell_off(const page *h, uint32_t off)
{
    uint64_t ncells = (uint64_t)h->caps.rows * h->caps.cols;
    return off >= h->cells_off && (off - h->cells_off) % sizeof(pg_cell) == 0 &&
           (off - h->cells_off) / sizeof(pg_cell) < ncells;
}

/* A link string wholly inside the used arena. */
static bool valid_str(const page *p, uint32_t off)
{
    if (off % 4 != 0 || (uint64_t)off + 4 > p->arena_used) return false;
    uint32_t n;
    pg__arena_str(p, off, &n);
    return (uint64_t)off + 4 + n <= p->arena_used;
}

#define BAD(why) \
    do { \
        result = (why); \
        goto done; \
    } while (0)

const char *page_validate(const void *buf, size_t len)
{
    const char *result = NULL;
    uint32_t *refs = NULL;
    if (buf == NULL || ((uintptr_t)buf & (_Alignof(page) - 1)) != 0) return "misaligned page";
    if (len < sizeof(page)) return "shorter than a page header";
    const page *p = (const page *)buf;
    if (p->magic != PG_MAGIC) return "not a page (bad magic)";
    if (p->version != PG_VERSION) return "page of another version";
    pg_layout L;
    if (!page_layout(p->caps, &L)) return "impossible capacities";
    if (p->total_size != L.total_size || p->rows_off != L.rows_off || p->cells_off != L.cells_off ||
        p->styles_off != L.styles_off || p->arena_off != L.arena_off || p->gmap_off != L.gmap_off ||
        p->smap_off != L.smap_off || p->lmap_off != L.lmap_off || p->lset_off != L.lset_off)
        return "offsets do not match the capacities";
    if (p->total_size > len) return "page longer than its buffer";
    if (p->rows_used < 1 || p->rows_used > p->caps.rows) return "rows used out of range";
    if (p->arena_used > p->caps.arena) return "arena use beyond its end";

    /* The maps: each header checked in O(1), then its owner word and seed. */
    pg_gmap *g;
    pg_smap *s;
    pg_lmap *l;
    pg_lset *u;
    if (pg_gmap_attach(ohm_ptr(p, p->gmap_off), L.gmap.total_size, &g) != OHM_OK ||
        pg_smap_attach(ohm_ptr(p, p->smap_off), L.smap.total_size, &s) != OHM_OK ||
        pg_lmap_attach(ohm_ptr(p, p->lmap_off), L.lmap.total_size, &l) != OHM_OK ||
        pg_lset_attach(ohm_ptr(p, p->lset_off), L.lset.total_size, &u) != OHM_OK)
        return "a map's header is invalid";
    if (pg_gmap_user(g) != p->gmap_off || pg_smap_user(s) != p->smap_off ||
        pg_lmap_user(l) != p->lmap_off || pg_lset_user(u) != p->lset_off)
        return "a map's owner word is not its offset";
    if (pg_gmap_seed(g) != p->seed || pg_smap_seed(s) != p->seed || pg_lmap_seed(l) != p->seed ||
        pg_lset_seed(u) != p->seed)
        return "a map's seed is not the page's";
    if (pg_gmap_capacity(g) != L.gmap.capacity || pg_smap_capacity(s) != L.smap.capacity ||
        pg_lmap_capacity(l) != L.lmap.capacity || pg_lset_capacity(u) != L.lset.capacity)
        return "a map's capacity does not match the page";

    /* Every arena reference in range before any hash reads the arena. */
    pg_lset_iter ui = pg_lset_iter_begin(u);
    pg_lset_entry ue;
    while (pg_lset_iter_next(&ui, &ue))
        if (!valid_str(p, *ue.key)) return "link string outside the arena";
    if (pg_lset_check(u) != OHM_OK) return "link set corrupt";
    pg_gmap_iter gi = pg_gmap_iter_begin(g);
    pg_gmap_entry ge;
    while (pg_gmap_iter_next(&gi, &ge)) {
        if (!valid_cell_off(p, *ge.key)) return "grapheme key is not a cell";
        const pg_span *sp = ge.value;
        if (sp->len == 0 || sp->off % 4 != 0 || (uint64_t)sp->off + (uint64_t)sp->len * 4 > p->arena_used)
            return "grapheme outside the arena";
        const uint32_t *cps = OHM_AT(const uint32_t, p, p->arena_off + sp->off);
        for (uint32_t k = 0; k < sp->len; k++)
            if (!valid_scalar(cps[k])) return "grapheme holds a non-character";
    }
    if (pg_gmap_check(g) != OHM_OK) return "grapheme map corrupt";
    pg_lmap_iter li = pg_lmap_iter_begin(l);
    pg_lmap_entry le;
    while (pg_lmap_iter_next(&li, &le)) {
        if (!valid_cell_off(p, *le.key)) return "link key is not a cell";
        if (!valid_str(p, *le.value) || !pg_lset_contains(u, *le.value))
            return "link does not name a stored string";
    }
    if (pg_lmap_check(l) != OHM_OK) return "link map corrupt";
    if (pg_smap_check(s) != OHM_OK) return "style map corrupt";

    /* Styles: every entry names an id whose array slot holds that style. */
    const pg_style *arr = page_styles(p);
    pg_smap_iter si = pg_smap_iter_begin(s);
    pg_smap_entry se;
    while (pg_smap_iter_next(&si, &se)) {
        uint16_t id = se.value->id;
        if (id == 0 || id >= p->caps.styles || !pg_style_eq(arr[id], *se.key) ||
            pg_style_is_default(*se.key) || se.key->pad[0] || se.key->pad[1] || se.key->pad[2])
            return "style entry does not match its id";
    }
    for (uint32_t id = 1; id < p->caps.styles; id++) {
        if (pg_style_is_default(arr[id])) continue;
        const pg_sref *r = pg_smap_get(s, arr[id]);
        if (!r || r->id != id) return "style slot not in the style map";
    }

    /* Cells: flags, partners, references, and the style refcounts. */
    refs = (uint32_t *)calloc(p->caps.styles, sizeof *refs);
    if (!refs) return "out of memory";
    uint32_t ngraph = 0, nlink = 0;
    const uint8_t known = PG_CELL_WIDE | PG_CELL_SPACER_TAIL | PG_CELL_SPACER_HEAD |
                          PG_CELL_GRAPHEME | PG_CELL_LINK;
    for (uint32_t r = 0; r < p->caps.rows; r++) {
        uint8_t rf = page_row_flags(p)[r];
        if (rf & ~PG_ROW_WRAPPED) BAD("unknown row flag");
        if (r >= p->rows_used && rf) BAD("flags on an unused row");
        /* A wrapped row continues on the next row, or on the next page. */
        if ((rf & PG_ROW_WRAPPED) && r + 1 < p->caps.rows && r + 1 >= p->rows_used)
            BAD("wrapped row without a next row");
        for (uint32_t col = 0; col < p->caps.cols; col++) {
            const pg_cell *c = page_cell(p, r, col);
            uint32_t off = page_cell_off(p, r, col);
            if (r >= p->rows_used && (c->cp || c->flags || c->style)) BAD("content on an unused row");
            if ((c->flags & ~known) || c->pad) BAD("unknown cell flag");
            if (c->style >= p->caps.styles) BAD("style id out of range");
            if (c->style && pg_style_is_default(arr[c->style])) BAD("cell names a free style id");
            refs[c->style]++;
            bool spacer = (c->flags & (PG_CELL_SPACER_TAIL | PG_CELL_SPACER_HEAD)) != 0;
            if (spacer ? c->cp != 0 : (c->cp == 0 ? c->flags != 0 || c->style != 0 : !valid_scalar(c->cp)))
                BAD("bad codepoint for the cell's kind");
            if ((c->flags & PG_CELL_WIDE) &&
                (col + 1 >= p->caps.cols || !(c[1].flags & PG_CELL_SPACER_TAIL)))
                BAD("wide cell without its tail");
            if ((c->flags & PG_CELL_SPACER_TAIL) &&
                (col == 0 || !(c[-1].flags & PG_CELL_WIDE) || c->flags != PG_CELL_SPACER_TAIL))
                BAD("spacer tail without its wide cell");
            if ((c->flags & PG_CELL_SPACER_HEAD) &&
                (c->flags != PG_CELL_SPACER_HEAD || col + 1 != p->caps.cols || !(rf & PG_ROW_WRAPPED)))
                BAD("spacer head not at a wrapped row's end");
            if (((c->flags & PG_CELL_GRAPHEME) != 0) != pg_gmap_contains(g, off))
                BAD("grapheme flag and map disagree");
            if (((c->flags & PG_CELL_LINK) != 0) != pg_lmap_contains(l, off))
                BAD("link flag and map disagree");
            ngraph += (c->flags & PG_CELL_GRAPHEME) != 0;
            nlink += (c->flags & PG_CELL_LINK) != 0;
        }
    }
    if (ngraph != pg_gmap_count(g)) BAD("grapheme map holds cells without the flag");
    if (nlink != pg_lmap_count(l)) BAD("link map holds cells without the flag");
    for (uint32_t id = 1; id < p->caps.styles; id++) {
        if (pg_style_is_default(arr[id])) continue;
        const pg_sref *r = pg_smap_get(s, arr[id]);
        if (r->refs == 0 || r->refs != refs[id]) BAD("style refcount does not match the cells");
    }
done:
    free(refs);
    return result;
}
