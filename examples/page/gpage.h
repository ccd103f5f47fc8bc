/* gpage.h - the same page content on a pointer-based design, for the
 * comparison run: a malloc'd cells array and GLib hash tables keyed by
 * cell pointers, grapheme codepoints and link strings in their own
 * allocations. Cloning it means allocating and re-keying everything;
 * moving its cells to another address means rebuilding every table keyed
 * by a cell pointer. */
#ifndef GPAGE_H
#define GPAGE_H

#include <glib.h>

#include "page.h"

typedef struct gpage {
    uint32_t rows, cols, rows_used;
    uint8_t *row_flags;
    pg_cell *cells;          /* same cell struct as the ohm page */
    GHashTable *graphemes;   /* pg_cell * -> gcluster * (owned) */
    GHashTable *styles;      /* pg_style * (owned) -> pg_sref * (owned) */
    GPtrArray *style_by_id;  /* id -> pg_style * (the styles table's key) */
    GHashTable *links;       /* pg_cell * -> char * (interned in uris) */
    GHashTable *uris;        /* char * (owned) -> refcount */
} gpage;

/* A cluster's codepoints after the first. */
typedef struct gcluster {
    uint32_t len;
    uint32_t cp[];
} gcluster;

/* The ohm page's content on the pointer-based design. */
gpage *gpage_from_page(const page *p);
/* A deep copy: new cells, every table rebuilt with the new cell pointers. */
gpage *gpage_clone(const gpage *g);
/* Move the cells to `dst` (rows * cols cells): every entry of the tables
 * keyed by cell pointers is re-keyed. Returns the old cells array, now
 * the caller's. */
pg_cell *gpage_move_to(gpage *g, pg_cell *dst);
void gpage_free(gpage *g);
/* NULL when every cell, grapheme and link equals the ohm page's. */
const char *gpage_compare(const gpage *g, const page *p);

#endif /* GPAGE_H */
