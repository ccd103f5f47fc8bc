/* term.h - a minimal terminal that writes text into pages: UTF-8 split
 * into grapheme clusters (utf8proc), SGR styles, OSC 8 hyperlinks, soft
 * wrapping, a ring of pages for scrollback, and rendering back to text.
 * The text format that round-trips exactly is described in README.md. */
#ifndef TERM_H
#define TERM_H

#include <stddef.h>
#include <stdint.h>

#include "page.h"

/* A growable byte buffer; data is allocated by the first put (even of
 * zero bytes). */
typedef struct sbuf {
    char *data;
    size_t len, cap;
} sbuf;

void sbuf_put(sbuf *b, const void *p, size_t n);
void sbuf_puts(sbuf *b, const char *s);
void sbuf_free(sbuf *b);

typedef struct term_stats {
    uint64_t pages;         /* pages created */
    uint64_t evicted;       /* pages dropped from the ring's far end */
    uint64_t grows;         /* pages rebuilt bigger */
    uint64_t grows_by[5];   /* ... indexed by the pg_status that asked */
    uint64_t clusters;      /* grapheme clusters written */
} term_stats;

typedef struct term {
    pg_caps caps;          /* of every new page */
    uint64_t seed;         /* of every page's maps */
    page **ring;           /* pages, oldest at ring[ring_start] */
    uint32_t ring_cap, ring_start, ring_len, max_pages;
    uint32_t row, col;     /* cursor in the newest page; col == cols: wrap pending */
    pg_style style;        /* the current SGR state */
    char *link;            /* the open OSC 8 link ("params;uri"), link_len 0: none */
    uint32_t link_len, link_cap;
    uint32_t *cluster;     /* the grapheme cluster being collected */
    uint32_t cluster_len, cluster_cap;
    int32_t gstate;        /* utf8proc's grapheme break state */
    term_stats stats;
} term;

/* A terminal whose pages start with `caps` (rows, columns and the starting
 * capacities; see page_default_caps) and whose ring keeps at most
 * `max_pages` pages. False when the caps are impossible. */
bool term_init(term *t, pg_caps caps, uint32_t max_pages, uint64_t seed);
void term_free(term *t);

/* Feed text: UTF-8 with SGR and OSC 8 escape sequences. Each call is a
 * complete piece of text: a cluster or an escape sequence does not continue
 * into the next call. Exits with a message only when memory runs out. */
void term_feed(term *t, const char *s, size_t n);

/* The pages, oldest first (i < t->ring_len). */
page *term_page(const term *t, uint32_t i);

/* Render pages back to text (appended to out): the canonical form of what
 * was fed (README.md). Works on any pages, also mapped read-only. */
void pages_render(const page *const *pages, size_t n, sbuf *out);
/* Every page of a terminal. */
void term_render(const term *t, sbuf *out);

/* The width in cells of a grapheme cluster: 1 or 2. */
unsigned cluster_width(const uint32_t *cps, uint32_t n);

#endif /* TERM_H */
