/* term.c - text in, pages out, text back. */
#include "term.h"

#include <stdio.h>
#include <stdlib.h>
#include <utf8proc.h>

static void die_oom(void)
{
    fprintf(stderr, "page: out of memory\n");
    exit(2);
}

/* ------------------------------------------------------------------------
 * Byte buffer
 * ---------------------------------------------------------------------- */

void sbuf_put(sbuf *b, const void *p, size_t n)
{
    if (n == 0 && b->data) return;
    if (b->len + n > b->cap || !b->data) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n) cap *= 2;
        char *d = (char *)realloc(b->data, cap);
        if (!d) die_oom();
        b->data = d;
        b->cap = cap;
    }
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
}

void sbuf_puts(sbuf *b, const char *s) { sbuf_put(b, s, strlen(s)); }

void sbuf_free(sbuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* ------------------------------------------------------------------------
 * Ring of pages
 * ---------------------------------------------------------------------- */

page *term_page(const term *t, uint32_t i) { return t->ring[(t->ring_start + i) % t->ring_cap]; }

static page *active(const term *t) { return term_page(t, t->ring_len - 1); }

static void set_active(term *t, page *p) { t->ring[(t->ring_start + t->ring_len - 1) % t->ring_cap] = p; }

/* A new page at the ring's near end. The ring's array grows up to
 * max_pages; after that the farthest page is dropped. */
static void push_page(term *t)
{
    page *p = page_new(t->caps, t->seed);
    if (!p) die_oom();
    if (t->ring_len == t->ring_cap && t->ring_cap < t->max_pages) {
        uint32_t cap = t->ring_cap > t->max_pages / 2 ? t->max_pages : 2 * t->ring_cap;
        page **r = (page **)malloc((size_t)cap * sizeof *r);
        if (!r) die_oom();
        for (uint32_t i = 0; i < t->ring_len; i++) r[i] = term_page(t, i);
        free(t->ring);
        t->ring = r;
        t->ring_cap = cap;
        t->ring_start = 0;
    }
    if (t->ring_len == t->ring_cap) {
        page_free(t->ring[t->ring_start]);
        t->ring_start = (t->ring_start + 1) % t->ring_cap;
        t->ring_len--;
        t->stats.evicted++;
    }
    t->ring[(t->ring_start + t->ring_len) % t->ring_cap] = p;
    t->ring_len++;
    t->stats.pages++;
}

bool term_init(term *t, pg_caps caps, uint32_t max_pages, uint64_t seed)
{
    pg_layout L;
    memset(t, 0, sizeof *t);
    if (max_pages == 0 || !page_layout(caps, &L)) return false;
    t->caps = caps;
    t->seed = seed;
    t->max_pages = max_pages;
    t->ring_cap = max_pages < 8 ? max_pages : 8;
    t->ring = (page **)calloc(t->ring_cap, sizeof *t->ring);
    if (!t->ring) die_oom();
    push_page(t);
    return true;
}

void term_free(term *t)
{
    for (uint32_t i = 0; i < t->ring_len; i++) page_free(term_page(t, i));
    free(t->ring);
    free(t->link);
    free(t->cluster);
    memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------------------
 * Printing clusters
 * ---------------------------------------------------------------------- */

static bool is_regional_indicator(uint32_t cp) { return cp >= 0x1f1e6 && cp <= 0x1f1ff; }

unsigned cluster_width(const uint32_t *cps, uint32_t n)
{
    int w = utf8proc_charwidth((utf8proc_int32_t)cps[0]);
    /* A flag (two regional indicators) and anything asking for emoji
     * presentation (VS16) takes two cells. */
    if (n >= 2 && is_regional_indicator(cps[0]) && is_regional_indicator(cps[1])) w = 2;
    for (uint32_t i = 1; i < n; i++)
        if (cps[i] == 0xfe0f) w = 2;
    /* A cluster that starts with a zero-width codepoint (a lone combining
     * mark, a format character) still gets a cell of its own. */
    return w < 1 ? 1 : w > 2 ? 2 : (unsigned)w;
}

static void next_row(term *t)
{
    t->col = 0;
    if (t->row + 1 >= t->caps.rows) {
        push_page(t);
        t->row = 0;
    } else {
        t->row++;
        active(t)->rows_used = t->row + 1;
    }
}

static void soft_wrap(term *t)
{
    page_row_flags(active(t))[t->row] |= PG_ROW_WRAPPED;
    next_row(t);
}

static void print_cluster(term *t, const uint32_t *cps, uint32_t n)
{
    unsigned w = cluster_width(cps, n);
    uint32_t cols = t->caps.cols;
    if (t->col >= cols) {
        soft_wrap(t);
    } else if (w == 2 && t->col == cols - 1) {
        /* A wide cluster does not fit in the last column: leave a spacer
         * head there and continue on the next row. */
        page_write_spacer_head(active(t), t->row, t->col);
        soft_wrap(t);
    }
    uint32_t extra = (n - 1) * 4 + t->link_len + 8;
    for (;;) {
        page *p = active(t);
        pg_status st = page_write(p, t->row, t->col, cps, n, w, &t->style, t->link, t->link_len);
        if (st == PG_OK) break;
        /* The page is full in one of its parts: rebuild it bigger (maps
         * rehashed into the new block) and write again. */
        pg_caps caps = page_caps_grown(p, st, extra);
        page *np = memcmp(&caps, &p->caps, sizeof caps) ? page_grow(p, caps) : NULL;
        if (!np) {
            fprintf(stderr, "page: cannot grow the page (%s)\n", pg_status_name(st));
            exit(2);
        }
        set_active(t, np);
        page_free(p);
        t->stats.grows++;
        t->stats.grows_by[st]++;
    }
    t->col += w;
    t->stats.clusters++;
}

/* ------------------------------------------------------------------------
 * Grapheme clusters
 * ---------------------------------------------------------------------- */

#define CLUSTER_MAX 1024 /* longer clusters are split: rendering is unchanged */

static void flush_cluster(term *t)
{
    if (t->cluster_len) print_cluster(t, t->cluster, t->cluster_len);
    t->cluster_len = 0;
}

/* Text is split at controls and escape sequences: a cluster never spans them. */
static void break_cluster(term *t)
{
    flush_cluster(t);
    t->gstate = 0;
}

static void add_codepoint(term *t, uint32_t cp)
{
    if (t->cluster_len > 0 &&
        (t->cluster_len >= CLUSTER_MAX ||
         utf8proc_grapheme_break_stateful((utf8proc_int32_t)t->cluster[t->cluster_len - 1],
                                          (utf8proc_int32_t)cp, &t->gstate)))
        flush_cluster(t);
    if (t->cluster_len == t->cluster_cap) {
        uint32_t cap = t->cluster_cap ? 2 * t->cluster_cap : 16;
        uint32_t *c = (uint32_t *)realloc(t->cluster, cap * sizeof *c);
        if (!c) die_oom();
        t->cluster = c;
        t->cluster_cap = cap;
    }
    t->cluster[t->cluster_len++] = cp;
}

/* ------------------------------------------------------------------------
 * Escape sequences
 * ---------------------------------------------------------------------- */

/* One SGR parameter and its ':' sub-parameters; -1 when missing. */
typedef struct sgr_param {
    int v[8];
    int n;
} sgr_param;

static int sub(const sgr_param *p, int i) { return i < p->n && p->v[i] >= 0 ? p->v[i] : -1; }

static bool set_color(pg_color *c, int kind, int a, int b, int d)
{
    if (kind == 5 && a >= 0 && a <= 255) {
        pg_color x = {PG_COLOR_PALETTE, (uint8_t)a, 0, 0};
        *c = x;
        return true;
    }
    if (kind == 2 && a >= 0 && a <= 255 && b >= 0 && b <= 255 && d >= 0 && d <= 255) {
        pg_color x = {PG_COLOR_RGB, (uint8_t)a, (uint8_t)b, (uint8_t)d};
        *c = x;
        return true;
    }
    return false;
}

/* 38/48/58: "38;5;n", "38;2;r;g;b", or the ':' forms "38:5:n",
 * "38:2:r:g:b", "38:2:cs:r:g:b". Returns the parameters consumed. */
static int parse_color(pg_color *c, const sgr_param *ps, int i, int np)
{
    const sgr_param *p = &ps[i];
    if (p->n > 1) {
        int kind = sub(p, 1);
        if (kind == 2 && p->n >= 6) set_color(c, 2, sub(p, 3), sub(p, 4), sub(p, 5));
        else set_color(c, kind, sub(p, 2), sub(p, 3), sub(p, 4));
        return 1;
    }
    int kind = i + 1 < np ? ps[i + 1].v[0] : -1;
    if (kind == 5 && i + 2 < np) {
        set_color(c, 5, ps[i + 2].v[0], 0, 0);
        return 3;
    }
    if (kind == 2 && i + 4 < np) {
        set_color(c, 2, ps[i + 2].v[0], ps[i + 3].v[0], ps[i + 4].v[0]);
        return 5;
    }
    return np - i; /* malformed: the rest of the sequence is ignored */
}

static void palette(pg_color *c, int n)
{
    pg_color x = {PG_COLOR_PALETTE, (uint8_t)n, 0, 0};
    *c = x;
}

static void sgr_apply(pg_style *s, const char *q, size_t n)
{
    sgr_param ps[32];
    int np = 0;
    size_t i = 0;
    /* Split into parameters (';') and sub-parameters (':'). */
    for (;;) {
        if (np == 32) break;
        sgr_param *p = &ps[np++];
        p->n = 0;
        for (;;) {
            long v = -1;
            while (i < n && q[i] >= '0' && q[i] <= '9') {
                v = (v < 0 ? 0 : v) * 10 + (q[i] - '0');
                if (v > 100000) v = 100000;
                i++;
            }
            if (p->n < 8) p->v[p->n++] = (int)v;
            if (i < n && q[i] == ':') {
                i++;
                continue;
            }
            break;
        }
        if (i < n && q[i] == ';') {
            i++;
            continue;
        }
        break;
    }
    static const pg_color def;
    for (int k = 0; k < np; k++) {
        int code = ps[k].v[0] < 0 ? 0 : ps[k].v[0];
        switch (code) {
        case 0: memset(s, 0, sizeof *s); break;
        case 1: s->attrs |= PG_BOLD; break;
        case 2: s->attrs |= PG_FAINT; break;
        case 3: s->attrs |= PG_ITALIC; break;
        case 4:
            if (sub(&ps[k], 1) == 0) s->attrs &= (uint8_t)~PG_UNDERLINE;
            else s->attrs |= PG_UNDERLINE;
            break;
        case 5: case 6: s->attrs |= PG_BLINK; break;
        case 7: s->attrs |= PG_INVERSE; break;
        case 8: s->attrs |= PG_INVISIBLE; break;
        case 9: s->attrs |= PG_STRIKE; break;
        case 22: s->attrs &= (uint8_t)~(PG_BOLD | PG_FAINT); break;
        case 23: s->attrs &= (uint8_t)~PG_ITALIC; break;
        case 24: s->attrs &= (uint8_t)~PG_UNDERLINE; break;
        case 25: s->attrs &= (uint8_t)~PG_BLINK; break;
        case 27: s->attrs &= (uint8_t)~PG_INVERSE; break;
        case 28: s->attrs &= (uint8_t)~PG_INVISIBLE; break;
        case 29: s->attrs &= (uint8_t)~PG_STRIKE; break;
        case 38: k += parse_color(&s->fg, ps, k, np) - 1; break;
        case 39: s->fg = def; break;
        case 48: k += parse_color(&s->bg, ps, k, np) - 1; break;
        case 49: s->bg = def; break;
        case 58: k += parse_color(&s->ul, ps, k, np) - 1; break;
        case 59: s->ul = def; break;
        default:
            if (code >= 30 && code <= 37) palette(&s->fg, code - 30);
            else if (code >= 40 && code <= 47) palette(&s->bg, code - 40);
            else if (code >= 90 && code <= 97) palette(&s->fg, code - 90 + 8);
            else if (code >= 100 && code <= 107) palette(&s->bg, code - 100 + 8);
            break; /* anything else is ignored */
        }
    }
}

#define LINK_MAX 8192 /* longer OSC 8 payloads are ignored */

/* OSC 8 ; params ; uri. An empty uri closes the link. */
static void osc(term *t, const uint8_t *q, size_t n)
{
    if (n < 2 || q[0] != '8' || q[1] != ';') return;
    q += 2;
    n -= 2;
    const uint8_t *semi = memchr(q, ';', n);
    if (!semi || n > LINK_MAX) return;
    for (size_t i = 0; i < n; i++)
        if (q[i] < 0x20 || q[i] == 0x7f) return;
    if (semi + 1 == q + n) {
        t->link_len = 0;
        return;
    }
    if (n > t->link_cap) {
        char *l = (char *)realloc(t->link, n);
        if (!l) die_oom();
        t->link = l;
        t->link_cap = (uint32_t)n;
    }
    memcpy(t->link, q, n);
    t->link_len = (uint32_t)n;
}

/* The escape sequence at s[i] == ESC; returns the index after it. Only
 * SGR and OSC 8 act; other sequences are skipped; an unfinished one at the
 * end of the text is dropped. */
static size_t escape(term *t, const uint8_t *s, size_t len, size_t i)
{
    if (i + 1 >= len) return len;
    uint8_t c = s[i + 1];
    if (c == '[') { /* CSI: parameters, intermediates, final byte */
        size_t j = i + 2;
        while (j < len && s[j] >= 0x30 && s[j] <= 0x3f) j++;
        size_t pend = j;
        while (j < len && s[j] >= 0x20 && s[j] <= 0x2f) j++;
        if (j >= len) return len;
        if (s[j] < 0x40 || s[j] > 0x7e) return j; /* malformed: resume at that byte */
        bool plain = pend == i + 2 || s[i + 2] <= ';'; /* no private marker */
        if (s[j] == 'm' && pend == j && plain) sgr_apply(&t->style, (const char *)s + i + 2, pend - i - 2);
        return j + 1;
    }
    if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') { /* strings up to ST or BEL */
        size_t j = i + 2;
        while (j < len && s[j] != 0x07 && s[j] != 0x1b) j++;
        if (j >= len) return len;
        if (s[j] == 0x07) {
            if (c == ']') osc(t, s + i + 2, j - i - 2);
            return j + 1;
        }
        if (j + 1 < len && s[j + 1] == '\\') {
            if (c == ']') osc(t, s + i + 2, j - i - 2);
            return j + 2;
        }
        return j; /* ESC without '\': the string is abandoned there */
    }
    size_t j = i + 1; /* ESC, intermediates, final byte */
    while (j < len && s[j] >= 0x20 && s[j] <= 0x2f) j++;
    return j < len ? j + 1 : len;
}

/* ------------------------------------------------------------------------
 * Feeding text
 * ---------------------------------------------------------------------- */

static void control(term *t, uint8_t b)
{
    if (b == '\n') {
        next_row(t);
    } else if (b == '\t') { /* spaces to the next multiple of 8 */
        uint32_t sp = ' ';
        do print_cluster(t, &sp, 1);
        while (t->col % 8 != 0 && t->col < t->caps.cols);
    }
    /* CR and every other control are dropped. */
}

void term_feed(term *t, const char *text, size_t len)
{
    const uint8_t *s = (const uint8_t *)text;
    size_t i = 0;
    while (i < len) {
        uint8_t b = s[i];
        if (b == 0x1b) {
            break_cluster(t);
            i = escape(t, s, len, i);
            continue;
        }
        if (b < 0x20 || b == 0x7f) {
            break_cluster(t);
            control(t, b);
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0) { /* each byte of an invalid sequence becomes U+FFFD */
            cp = 0xfffd;
            k = 1;
        }
        i += (size_t)k;
        if (cp >= 0x80 && cp < 0xa0) { /* C1 controls are dropped */
            break_cluster(t);
            continue;
        }
        add_codepoint(t, (uint32_t)cp);
    }
    break_cluster(t);
}

/* ------------------------------------------------------------------------
 * Rendering
 * ---------------------------------------------------------------------- */

static void put_num(sbuf *o, unsigned v)
{
    char b[16];
    int n = snprintf(b, sizeof b, "%u", v);
    sbuf_put(o, b, (size_t)n);
}

/* One SGR parameter, after a ';' when it is not the first. */
static void param(sbuf *o, bool *first, unsigned v)
{
    if (!*first) sbuf_put(o, ";", 1);
    *first = false;
    put_num(o, v);
}

/* base 30 (text), 40 (background) or 50 (underline colour). */
static void color_params(sbuf *o, bool *first, unsigned base, pg_color c)
{
    if (c.kind == PG_COLOR_DEFAULT) {
        param(o, first, base + 9);
    } else if (c.kind == PG_COLOR_PALETTE && base != 50 && c.r < 8) {
        param(o, first, base + c.r);
    } else if (c.kind == PG_COLOR_PALETTE && base != 50 && c.r < 16) {
        param(o, first, base + 60 + c.r - 8);
    } else if (c.kind == PG_COLOR_PALETTE) {
        param(o, first, base + 8);
        param(o, first, 5);
        param(o, first, c.r);
    } else {
        param(o, first, base + 8);
        param(o, first, 2);
        param(o, first, c.r);
        param(o, first, c.g);
        param(o, first, c.b);
    }
}

static bool color_eq(pg_color a, pg_color b) { return memcmp(&a, &b, sizeof a) == 0; }

/* The canonical SGR from style a to style b (they differ): "ESC[0m" when
 * b is the default, otherwise only what changed, in a fixed order:
 * bold/faint, italic, underline, blink, inverse, invisible, strike, then
 * text, background and underline colours. */
static void sgr_diff(sbuf *o, const pg_style *a, const pg_style *b)
{
    sbuf_put(o, "\x1b[", 2);
    bool first = true;
    if (pg_style_is_default(*b)) {
        param(o, &first, 0);
    } else {
        unsigned on = b->attrs & ~a->attrs, off = a->attrs & ~b->attrs;
        if (off & (PG_BOLD | PG_FAINT)) {
            /* 22 clears both: set again whichever stays */
            param(o, &first, 22);
            on |= b->attrs & (PG_BOLD | PG_FAINT);
        }
        static const struct { unsigned bit, set, reset; } attrs[] = {
            {PG_BOLD, 1, 0},       {PG_FAINT, 2, 0},     {PG_ITALIC, 3, 23},
            {PG_UNDERLINE, 4, 24}, {PG_BLINK, 5, 25},    {PG_INVERSE, 7, 27},
            {PG_INVISIBLE, 8, 28}, {PG_STRIKE, 9, 29},
        };
        for (size_t k = 0; k < sizeof attrs / sizeof attrs[0]; k++) {
            if (on & attrs[k].bit) param(o, &first, attrs[k].set);
            else if ((off & attrs[k].bit) && attrs[k].reset) param(o, &first, attrs[k].reset);
        }
        if (!color_eq(a->fg, b->fg)) color_params(o, &first, 30, b->fg);
        if (!color_eq(a->bg, b->bg)) color_params(o, &first, 40, b->bg);
        if (!color_eq(a->ul, b->ul)) color_params(o, &first, 50, b->ul);
    }
    sbuf_put(o, "m", 1);
}

typedef struct render_state {
    pg_style style;
    const char *link;
    uint32_t link_len;
} render_state;

/* Move from the current style and link to the next cell's: close the link
 * when it changes, then the SGR difference, then open the new link. */
static void transition(sbuf *o, render_state *rs, const pg_style *style, const char *link,
                       uint32_t link_len)
{
    bool link_changes = rs->link_len != link_len ||
                        (link_len && memcmp(rs->link, link, link_len) != 0);
    if (link_changes && rs->link_len) sbuf_put(o, "\x1b]8;;\x1b\\", 7);
    if (!pg_style_eq(rs->style, *style)) {
        sgr_diff(o, &rs->style, style);
        rs->style = *style;
    }
    if (link_changes && link_len) {
        sbuf_put(o, "\x1b]8;", 4);
        sbuf_put(o, link, link_len);
        sbuf_put(o, "\x1b\\", 2);
    }
    rs->link = link;
    rs->link_len = link_len;
}

static void put_cp(sbuf *o, uint32_t cp)
{
    utf8proc_uint8_t b[4];
    utf8proc_ssize_t n = utf8proc_encode_char((utf8proc_int32_t)cp, b);
    sbuf_put(o, b, (size_t)n);
}

void pages_render(const page *const *pages, size_t n, sbuf *out)
{
    static const pg_style def;
    render_state rs;
    memset(&rs, 0, sizeof rs);
    sbuf_put(out, "", 0); /* out->data is never NULL afterwards */
    for (size_t pi = 0; pi < n; pi++) {
        const page *p = pages[pi];
        uint32_t cols = p->caps.cols;
        for (uint32_t r = 0; r < p->rows_used; r++) {
            const pg_cell *row = page_cell(p, r, 0);
            uint32_t end = cols;
            while (end > 0 && row[end - 1].cp == 0) end--;
            for (uint32_t c = 0; c < end; c++) {
                const pg_cell *cell = &row[c];
                if (cell->flags & (PG_CELL_SPACER_TAIL | PG_CELL_SPACER_HEAD)) continue;
                if (cell->cp == 0) { /* an empty cell before content: a space */
                    transition(out, &rs, &def, NULL, 0);
                    sbuf_put(out, " ", 1);
                    continue;
                }
                uint32_t off = page_cell_off(p, r, c), link_len = 0, ng = 0;
                const char *link = cell->flags & PG_CELL_LINK ? page_link(p, off, &link_len) : NULL;
                transition(out, &rs, page_style(p, cell->style), link, link_len);
                put_cp(out, cell->cp);
                const uint32_t *g = cell->flags & PG_CELL_GRAPHEME ? page_grapheme(p, off, &ng) : NULL;
                for (uint32_t k = 0; k < ng; k++) put_cp(out, g[k]);
            }
            bool last = pi + 1 == n && r + 1 == p->rows_used;
            if ((page_row_flags(p)[r] & PG_ROW_WRAPPED) && !last) continue;
            /* A line ends: links and styles are closed, then the newline. */
            transition(out, &rs, &def, NULL, 0);
            if (!last) sbuf_put(out, "\n", 1);
        }
    }
}

void term_render(const term *t, sbuf *out)
{
    const page **pages = (const page **)malloc((t->ring_len ? t->ring_len : 1) * sizeof *pages);
    if (!pages) die_oom();
    for (uint32_t i = 0; i < t->ring_len; i++) pages[i] = term_page(t, i);
    pages_render(pages, t->ring_len, out);
    free(pages);
}
