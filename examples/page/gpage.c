/* gpage.c - the pointer-based page used as the comparison. */
#include "gpage.h"

#include <stdio.h>

static guint style_ghash(gconstpointer k) { return (guint)pg_style_hash(*(const pg_style *)k, 0); }

static gboolean style_gequal(gconstpointer a, gconstpointer b)
{
    return pg_style_eq(*(const pg_style *)a, *(const pg_style *)b);
}

static gpage *gpage_empty(uint32_t rows, uint32_t cols, uint32_t nstyles)
{
    gpage *g = g_new0(gpage, 1);
    g->rows = rows;
    g->cols = cols;
    g->graphemes = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    g->styles = g_hash_table_new_full(style_ghash, style_gequal, g_free, g_free);
    g->style_by_id = g_ptr_array_sized_new(nstyles);
    g_ptr_array_set_size(g->style_by_id, (gint)nstyles);
    g->links = g_hash_table_new(g_direct_hash, g_direct_equal);
    g->uris = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return g;
}

/* The table's copy of a link string, made on first use, with a refcount. */
static const char *intern(GHashTable *uris, const char *s)
{
    gpointer key, val;
    if (g_hash_table_lookup_extended(uris, s, &key, &val)) {
        (*(guint *)val)++;
        return (const char *)key;
    }
    char *k = g_strdup(s);
    guint *rc = g_new(guint, 1);
    *rc = 1;
    g_hash_table_insert(uris, k, rc);
    return k;
}

static void add_style(gpage *g, const pg_style *s, const pg_sref *r)
{
    pg_style *k = g_memdup2(s, sizeof *s);
    g_hash_table_insert(g->styles, k, g_memdup2(r, sizeof *r));
    g_ptr_array_index(g->style_by_id, r->id) = k;
}

gpage *gpage_from_page(const page *p)
{
    size_t ncells = (size_t)p->caps.rows * p->caps.cols;
    gpage *g = gpage_empty(p->caps.rows, p->caps.cols, p->caps.styles);
    g->rows_used = p->rows_used;
    g->row_flags = g_memdup2(page_row_flags(p), p->caps.rows);
    g->cells = g_memdup2(page_cells(p), ncells * sizeof(pg_cell));

    pg_gmap_iter gi = pg_gmap_iter_begin(page_gmap(p));
    pg_gmap_entry ge;
    while (pg_gmap_iter_next(&gi, &ge)) {
        size_t idx = (*ge.key - p->cells_off) / sizeof(pg_cell);
        gcluster *c = g_malloc(sizeof *c + ge.value->len * sizeof(uint32_t));
        c->len = ge.value->len;
        memcpy(c->cp, OHM_AT(const uint32_t, p, p->arena_off + ge.value->off), c->len * 4);
        g_hash_table_insert(g->graphemes, &g->cells[idx], c);
    }
    pg_smap_iter si = pg_smap_iter_begin(page_smap(p));
    pg_smap_entry se;
    while (pg_smap_iter_next(&si, &se)) add_style(g, se.key, se.value);
    pg_lmap_iter li = pg_lmap_iter_begin(page_lmap(p));
    pg_lmap_entry le;
    while (pg_lmap_iter_next(&li, &le)) {
        size_t idx = (*le.key - p->cells_off) / sizeof(pg_cell);
        uint32_t n;
        const char *s = pg__arena_str(p, *le.value, &n);
        char *z = g_strndup(s, n);
        g_hash_table_insert(g->links, &g->cells[idx], (gpointer)intern(g->uris, z));
        g_free(z);
    }
    return g;
}

gpage *gpage_clone(const gpage *g)
{
    size_t ncells = (size_t)g->rows * g->cols;
    gpage *n = gpage_empty(g->rows, g->cols, g->style_by_id->len);
    n->rows_used = g->rows_used;
    n->row_flags = g_memdup2(g->row_flags, g->rows);
    n->cells = g_memdup2(g->cells, ncells * sizeof(pg_cell));
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, g->graphemes);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        const gcluster *c = v;
        g_hash_table_insert(n->graphemes, n->cells + ((pg_cell *)k - g->cells),
                            g_memdup2(c, sizeof *c + c->len * sizeof(uint32_t)));
    }
    g_hash_table_iter_init(&it, g->styles);
    while (g_hash_table_iter_next(&it, &k, &v)) add_style(n, k, v);
    g_hash_table_iter_init(&it, g->links);
    while (g_hash_table_iter_next(&it, &k, &v))
        g_hash_table_insert(n->links, n->cells + ((pg_cell *)k - g->cells), (gpointer)intern(n->uris, v));
    return n;
}

/* Re-key a table keyed by cell pointers for cells now at `to`: every
 * entry is taken out and put back under its new key. */
static void rekey(GHashTable *t, const pg_cell *from, pg_cell *to)
{
    guint n = g_hash_table_size(t), i = 0;
    gpointer *kv = g_new(gpointer, 2 * (gsize)n + 1);
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, t);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        kv[2 * i] = to + ((pg_cell *)k - from);
        kv[2 * i + 1] = v;
        i++;
    }
    g_hash_table_steal_all(t);
    for (i = 0; i < n; i++) g_hash_table_insert(t, kv[2 * i], kv[2 * i + 1]);
    g_free(kv);
}

pg_cell *gpage_move_to(gpage *g, pg_cell *dst)
{
    memcpy(dst, g->cells, (size_t)g->rows * g->cols * sizeof(pg_cell));
    rekey(g->graphemes, g->cells, dst);
    rekey(g->links, g->cells, dst);
    pg_cell *old = g->cells;
    g->cells = dst;
    return old;
}

void gpage_free(gpage *g)
{
    if (!g) return;
    g_hash_table_unref(g->graphemes);
    g_hash_table_unref(g->links);
    g_hash_table_unref(g->uris);
    g_ptr_array_unref(g->style_by_id);
    g_hash_table_unref(g->styles);
    g_free(g->cells);
    g_free(g->row_flags);
    g_free(g);
}

static char msg[120];

const char *gpage_compare(const gpage *g, const page *p)
{
    if (g->rows != p->caps.rows || g->cols != p->caps.cols || g->rows_used != p->rows_used)
        return "sizes differ";
    if (g_hash_table_size(g->graphemes) != pg_gmap_count(page_gmap(p)) ||
        g_hash_table_size(g->links) != pg_lmap_count(page_lmap(p)) ||
        g_hash_table_size(g->styles) != pg_smap_count(page_smap(p)) ||
        g_hash_table_size(g->uris) != pg_lset_count(page_lset(p)))
        return "table sizes differ";
    for (uint32_t r = 0; r < g->rows; r++) {
        if (g->row_flags[r] != page_row_flags(p)[r]) return "row flags differ";
        for (uint32_t c = 0; c < g->cols; c++) {
            pg_cell *gc = &g->cells[(size_t)r * g->cols + c];
            const pg_cell *pc = page_cell(p, r, c);
            uint32_t off = page_cell_off(p, r, c), n, len;
            snprintf(msg, sizeof msg, "cell %u,%u differs", r, c);
            if (gc->cp != pc->cp || gc->flags != pc->flags || gc->style != pc->style) return msg;
            const pg_style *gs = gc->style ? g_ptr_array_index(g->style_by_id, gc->style) : NULL;
            if (gc->style && (!gs || !pg_style_eq(*gs, *page_style(p, pc->style)))) return msg;
            const gcluster *cl = g_hash_table_lookup(g->graphemes, gc);
            const uint32_t *cps = page_grapheme(p, off, &n);
            if ((cl != NULL) != (cps != NULL) || (cl && (cl->len != n || memcmp(cl->cp, cps, n * 4))))
                return msg;
            const char *gl = g_hash_table_lookup(g->links, gc);
            const char *pl = page_link(p, off, &len);
            if ((gl != NULL) != (pl != NULL) || (gl && (strlen(gl) != len || memcmp(gl, pl, len))))
                return msg;
        }
    }
    return NULL;
}
