/* test_page.c - tests of the terminal page example: exact round trips,
 * the cells, graphemes, styles and links behind them, clone, move, save +
 * map in a forked child, validation of damaged pages, growth, refcounts,
 * scrollback eviction, and the pointer-based comparison page. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gpage.h"
#include "page.h"
#include "pagefile.h"
#include "sample.h"
#include "term.h"

static int checks, failures;

#define CHECK(cond, ...) \
    do { \
        checks++; \
        if (!(cond)) { \
            failures++; \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__); \
            fputc('\n', stderr); \
        } \
    } while (0)

/* ------------------------------------------------------------------------
 * Helpers
 * ---------------------------------------------------------------------- */

static term *feed_caps(const char *s, size_t n, pg_caps caps, uint32_t max_pages)
{
    term *t = (term *)malloc(sizeof *t);
    if (!t || !term_init(t, caps, max_pages, 0x1234)) abort();
    term_feed(t, s, n);
    return t;
}

static term *feed(const char *s, uint32_t rows, uint32_t cols)
{
    return feed_caps(s, strlen(s), page_default_caps(rows, cols), 1u << 16);
}

static void drop(term *t)
{
    term_free(t);
    free(t);
}

static char *render(const term *t, size_t *len)
{
    sbuf out = {0, 0, 0};
    term_render(t, &out);
    sbuf_put(&out, "", 1);
    if (len) *len = out.len - 1;
    return out.data;
}

/* Printable form of a string for failure messages. */
static const char *show(const char *s, size_t n)
{
    static char buf[4][400];
    static int which;
    char *b = buf[which++ % 4];
    size_t k = 0;
    for (size_t i = 0; i < n && k + 8 < sizeof buf[0]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0x1b) k += (size_t)snprintf(b + k, 8, "\\e");
        else if (c == '\n') k += (size_t)snprintf(b + k, 8, "\\n");
        else if (c < 0x20 || c == 0x7f) k += (size_t)snprintf(b + k, 8, "\\x%02x", c);
        else b[k++] = (char)c;
    }
    b[k] = 0;
    return b;
}

/* Every page of a terminal valid, and equal to its pointer-based copy. */
static void check_pages_sound(const term *t, const char *name)
{
    for (uint32_t i = 0; i < t->ring_len; i++) {
        const page *p = term_page(t, i);
        const char *bad = page_validate(p, (size_t)p->total_size);
        CHECK(bad == NULL, "%s: page %u invalid: %s", name, i, bad);
        gpage *g = gpage_from_page(p);
        bad = gpage_compare(g, p);
        CHECK(bad == NULL, "%s: page %u: pointer-based copy differs: %s", name, i, bad);
        gpage_free(g);
    }
}

/* Rendering gives the input back byte for byte. */
static void expect_roundtrip(const char *name, const char *s, size_t n, uint32_t rows, uint32_t cols)
{
    term *t = feed_caps(s, n, page_default_caps(rows, cols), 1u << 16);
    size_t len;
    char *out = render(t, &len);
    CHECK(len == n && memcmp(out, s, n) == 0, "%s at %ux%u:\n   in  %s\n   out %s", name, cols, rows,
          show(s, n), show(out, len));
    check_pages_sound(t, name);
    free(out);
    drop(t);
}

/* Rendering gives `want`, which renders to itself (canonical). */
static void expect_render(const char *name, const char *in, size_t n, const char *want, uint32_t rows,
                          uint32_t cols)
{
    term *t = feed_caps(in, n, page_default_caps(rows, cols), 1u << 16);
    size_t len;
    char *out = render(t, &len);
    CHECK(len == strlen(want) && memcmp(out, want, len) == 0, "%s:\n   want %s\n   got  %s", name,
          show(want, strlen(want)), show(out, len));
    free(out);
    drop(t);
    expect_roundtrip(name, want, strlen(want), rows, cols);
}

/* The first cell whose cluster is exactly cps[0..n). */
typedef struct found {
    const page *p;
    uint32_t row, col;
    const pg_cell *cell;
} found;

static found find_cluster(const term *t, const uint32_t *cps, uint32_t n)
{
    found f = {NULL, 0, 0, NULL};
    for (uint32_t i = 0; i < t->ring_len; i++) {
        const page *p = term_page(t, i);
        for (uint32_t r = 0; r < p->rows_used; r++)
            for (uint32_t c = 0; c < p->caps.cols; c++) {
                const pg_cell *cell = page_cell(p, r, c);
                if (cell->cp != cps[0]) continue;
                uint32_t ng;
                const uint32_t *g = page_grapheme(p, page_cell_off(p, r, c), &ng);
                if (ng + 1 != n || (ng && memcmp(g, cps + 1, ng * 4) != 0)) continue;
                f.p = p;
                f.row = r;
                f.col = c;
                f.cell = cell;
                return f;
            }
    }
    return f;
}

static uint32_t count_cells(const term *t, unsigned flags)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < t->ring_len; i++) {
        const page *p = term_page(t, i);
        for (uint64_t c = 0; c < (uint64_t)p->caps.rows * p->caps.cols; c++)
            k += (page_cells(p)[c].flags & flags) != 0;
    }
    return k;
}

static uint32_t count_wrapped(const term *t)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < t->ring_len; i++)
        for (uint32_t r = 0; r < term_page(t, i)->rows_used; r++)
            k += (page_row_flags(term_page(t, i))[r] & PG_ROW_WRAPPED) != 0;
    return k;
}

static const page **page_list(const term *t)
{
    const page **v = (const page **)malloc((t->ring_len + 1) * sizeof *v);
    for (uint32_t i = 0; i < t->ring_len; i++) v[i] = term_page(t, i);
    return v;
}

static bool render_is(const page *const *pages, size_t n, const char *s, size_t len)
{
    sbuf out = {0, 0, 0};
    pages_render(pages, n, &out);
    bool eq = out.len == len && memcmp(out.data, s, len) == 0;
    sbuf_free(&out);
    return eq;
}

/* ------------------------------------------------------------------------
 * The built-in sample
 * ---------------------------------------------------------------------- */

static void test_sample(void)
{
    const size_t n = sizeof SAMPLE_TEXT - 1;
    expect_roundtrip("sample", SAMPLE_TEXT, n, SAMPLE_ROWS, SAMPLE_COLS);
    /* Canonical text round-trips at any page size. */
    static const uint32_t sizes[][2] = {{1, 2}, {3, 7}, {2, 13}, {24, 80}, {100, 300}, {5, 41}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        expect_roundtrip("sample", SAMPLE_TEXT, n, sizes[i][0], sizes[i][1]);

    term *t = feed_caps(SAMPLE_TEXT, n, page_default_caps(SAMPLE_ROWS, SAMPLE_COLS), 1u << 16);
    CHECK(t->ring_len == 4, "sample: %u pages", t->ring_len);
    CHECK(count_cells(t, PG_CELL_SPACER_HEAD) == 1, "sample: one spacer head");
    CHECK(count_wrapped(t) >= 8, "sample: %u soft-wrapped rows", count_wrapped(t));
    CHECK(t->stats.grows_by[PG_NEED_GRAPHEMES] >= 1, "sample: the grapheme map grew");
    CHECK(t->stats.grows_by[PG_NEED_LINKS] >= 1, "sample: the link map grew");
    CHECK(t->stats.evicted == 0, "sample: nothing evicted");

    /* The cells behind some clusters. */
    static const uint32_t family[] = {0x1f468, 0x200d, 0x1f469, 0x200d, 0x1f467, 0x200d, 0x1f466};
    found f = find_cluster(t, family, 7);
    CHECK(f.cell && f.cell->flags == (PG_CELL_WIDE | PG_CELL_GRAPHEME), "family: wide grapheme cell");
    CHECK(f.cell && f.cell[1].flags == PG_CELL_SPACER_TAIL && f.cell[1].cp == 0, "family: spacer tail");
    static const uint32_t flag_jp[] = {0x1f1ef, 0x1f1f5};
    f = find_cluster(t, flag_jp, 2);
    CHECK(f.cell && (f.cell->flags & PG_CELL_WIDE), "flag: wide");
    static const uint32_t heart[] = {0x2764, 0xfe0f};
    f = find_cluster(t, heart, 2);
    CHECK(f.cell && (f.cell->flags & PG_CELL_WIDE), "VS16 heart: wide");
    static const uint32_t e_acute[] = {'e', 0x301};
    f = find_cluster(t, e_acute, 2);
    CHECK(f.cell && f.cell->flags == PG_CELL_GRAPHEME && !(f.cell[1].flags & PG_CELL_SPACER_TAIL),
          "e + combining acute: one narrow cell");
    static const uint32_t a_marks[] = {'a', 0x308, 0x323};
    f = find_cluster(t, a_marks, 3);
    CHECK(f.cell != NULL, "a + two marks: one cell");
    static const uint32_t nichi[] = {0x65e5};
    f = find_cluster(t, nichi, 1);
    CHECK(f.cell && f.cell->flags == PG_CELL_WIDE, "CJK: wide, no grapheme");
    /* "Edge: " + 33 dots reaches column 39: 日 goes to the next row. */
    uint32_t heads = 0;
    for (uint32_t i = 0; i < t->ring_len; i++) {
        const page *p = term_page(t, i);
        for (uint32_t r = 0; r < p->rows_used; r++) {
            if (page_cell(p, r, SAMPLE_COLS - 1)->flags != PG_CELL_SPACER_HEAD) continue;
            heads++;
            CHECK(page_cell(p, r, 0)->cp == 'E' && page_cell(p, r, SAMPLE_COLS - 2)->cp == '.',
                  "the Edge line's row");
            CHECK((page_row_flags(p)[r] & PG_ROW_WRAPPED) && r + 1 < p->rows_used, "wraps to a next row");
            CHECK(page_cell(p, r + 1, 0)->cp == 0x65e5 && page_cell(p, r + 1, 0)->flags == PG_CELL_WIDE &&
                      page_cell(p, r + 1, 2)->cp == 0x672c,
                  "日本 starts the next row");
        }
    }
    CHECK(heads == 1, "one spacer head");

    /* Styles: the 'r' of "bold red" is bold and red. */
    int styled = 0;
    for (uint32_t i = 0; i < t->ring_len; i++) {
        const page *p = term_page(t, i);
        for (uint32_t r = 0; r < p->rows_used; r++) {
            const pg_cell *c = page_cell(p, r, 0);
            static const char head[] = "Styles: ";
            bool match = true;
            for (uint32_t k = 0; k < 8; k++) match = match && c[k].cp == (uint32_t)head[k];
            if (!match) continue;
            for (uint32_t col = 0; col + 3 < p->caps.cols; col++)
                if (c[col].cp == 'r' && c[col + 1].cp == 'e' && c[col + 2].cp == 'd') {
                    const pg_style *s = page_style(p, c[col].style);
                    CHECK(s->attrs == PG_BOLD && s->fg.kind == PG_COLOR_PALETTE && s->fg.r == 1,
                          "bold red cell style");
                    const pg_style *b = page_style(p, c[col - 6].style); /* "bold " before it */
                    CHECK(b->attrs == PG_BOLD && b->fg.kind == PG_COLOR_DEFAULT, "bold cell style");
                    styled++;
                }
        }
    }
    CHECK(styled == 1, "found the styled word");

    /* Links: one stored copy per distinct string, shared by every cell. */
    uint32_t link_cells = 0;
    for (uint32_t i = 0; i < t->ring_len; i++) {
        const page *p = term_page(t, i);
        pg_lmap_iter it = pg_lmap_iter_begin(page_lmap(p));
        pg_lmap_entry e;
        uint32_t distinct = 0;
        while (pg_lmap_iter_next(&it, &e)) {
            link_cells++;
            uint32_t len, off = UINT32_MAX;
            const char *s = pg__arena_str(p, *e.value, &len);
            CHECK(page_find_link(p, s, len, &off) && off == *e.value, "link found by adapted lookup");
        }
        pg_lset_iter si = pg_lset_iter_begin(page_lset(p));
        pg_lset_entry se;
        while (pg_lset_iter_next(&si, &se)) distinct++;
        if (pg_lmap_count(page_lmap(p)) > 0) {
            CHECK(distinct == 3, "page %u: 3 distinct link strings, %u stored", i, distinct);
            CHECK(page_find_link(p, ";https://ghostty.org", 20, NULL), "ghostty.org stored");
            CHECK(page_find_link(p, "id=docs;https://example.com/docs", 32, NULL), "docs link with id");
            CHECK(!page_find_link(p, ";https://ghostty.or", 19, NULL), "prefix not found");
            CHECK(!page_find_link(p, "", 0, NULL), "empty not found");
        }
    }
    CHECK(link_cells == strlen("ghostty.orgits sourceghosttythe docs, underlined"), "%u link cells",
          link_cells);
    drop(t);
}

/* ------------------------------------------------------------------------
 * Edge cases that must round-trip exactly
 * ---------------------------------------------------------------------- */

typedef struct edge {
    const char *name, *text;
    uint32_t rows, cols;
} edge;

#define E "\x1b"
#define ST "\x1b\\"

static const edge edges[] = {
    {"empty", "", 4, 10},
    {"one char", "a", 4, 10},
    {"trailing newline", "abc\n", 4, 10},
    {"only newlines", "\n\n\n", 4, 10},
    {"blank line inside", "a\n\nb", 4, 10},
    {"exact fill", "0123456789", 4, 10},
    {"exact fill, newline", "0123456789\n", 4, 10},
    {"exact fill, newline, more", "0123456789\nx", 4, 10},
    {"two full rows", "01234567890123456789", 4, 10},
    {"one past full", "0123456789a", 4, 10},
    {"wide at line end", "012345678日本", 4, 10},
    {"wide fills exactly", "01234567日", 4, 10},
    {"wide fills, newline", "01234567日\nx", 4, 10},
    {"wide rows", "日日日日日日日日日日日", 4, 10},
    {"wide, odd width", "日日日日日日日日日日日", 4, 9},
    {"wide at end of page", "xxxxxxxxx日", 1, 10},
    {"ZWJ at line end", "123456789👨\u200d👩\u200d👧\u200d👦", 4, 10},
    {"combining marks", "e\u0301\u0302\u0303 o\u0308", 4, 10},
    {"combining at line start", "\u0301x", 4, 10},
    {"combining after newline", "a\n\u0301", 4, 10},
    {"combining after a full row", "abcdefghij\u0301k", 4, 10},
    {"ZWJ emoji", "👩🏽\u200d💻 🧑\u200d🚀 🏳\ufe0f\u200d🌈", 4, 10},
    {"flags", "🇯🇵🇫🇷🇺🇦", 4, 10},
    {"odd regional indicators", "🇯🇵🇫", 4, 10},
    {"keycap", "1\ufe0f\u20e3#\ufe0f\u20e3", 4, 10},
    {"Hangul jamo", "\u1100\u1161\u11a8 한", 4, 10},
    {"Devanagari, Thai", "नमस्ते สวัสดี", 4, 10},
    {"trailing spaces", "abc   \n   \n", 4, 10},
    {"styled spaces", E "[44m   " E "[0m", 4, 10},
    {"nested SGR", E "[1mA" E "[3mB" E "[4mC" E "[24mD" E "[23mE" E "[0mF", 4, 10},
    {"bold to faint", E "[1mA" E "[22;2mB" E "[0m", 4, 10},
    {"bold+faint, bold off", E "[1;2mA" E "[22;2mB" E "[0m", 4, 10},
    {"every attribute", E "[1;2;3;4;5;7;8;9mX" E "[0m", 4, 10},
    {"attribute off", E "[3;4mX" E "[24mY" E "[0m", 4, 10},
    {"palette, rgb, underline colour", E "[38;5;200mX" E "[43mY" E "[58;2;1;2;3mZ" E "[0m", 4, 10},
    {"bright colours", E "[91;102mX" E "[0m", 4, 10},
    {"default colours back", E "[31;42mX" E "[39mY" E "[1;49mZ" E "[0m", 4, 10},
    {"style across a soft wrap", E "[31mabcdefghijklmnopqrstuvwxyz" E "[0m", 4, 10},
    {"style on two lines", E "[31mred" E "[0m\n" E "[31mred" E "[0m", 4, 10},
    {"style on a wide char", E "[35m日" E "[0m", 4, 10},
    {"link", E "]8;;http://a" ST "link" E "]8;;" ST " text", 4, 10},
    {"link across a soft wrap", E "]8;;http://a" ST "a long link text" E "]8;;" ST, 4, 10},
    {"link across pages", E "]8;;http://a" ST "a link over three rows." E "]8;;" ST, 1, 10},
    {"link with id", E "]8;id=x;http://a" ST "x" E "]8;;" ST, 4, 10},
    {"adjacent links", E "]8;;A" ST "x" E "]8;;" ST E "]8;;B" ST "y" E "]8;;" ST, 4, 10},
    {"styled link", E "[4;34m" E "]8;;u" ST "docs" E "]8;;" ST E "[0m end", 4, 10},
    {"link on a wide char", E "]8;;u" ST "日本" E "]8;;" ST, 4, 10},
    {"link on graphemes", E "]8;;u" ST "e\u0301🇯🇵" E "]8;;" ST, 4, 10},
    {"same link on two lines", E "]8;;u" ST "a" E "]8;;" ST "\n" E "]8;;u" ST "b" E "]8;;" ST, 4, 10},
};

static void test_edges(void)
{
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        const edge *e = &edges[i];
        expect_roundtrip(e->name, e->text, strlen(e->text), e->rows, e->cols);
        expect_roundtrip(e->name, e->text, strlen(e->text), 1, 2);
        expect_roundtrip(e->name, e->text, strlen(e->text), 3, 7);
        expect_roundtrip(e->name, e->text, strlen(e->text), 24, 80);
    }
    /* Exact structure of a few. */
    term *t = feed("012345678日本", 4, 10);
    const page *p = term_page(t, 0);
    CHECK(p->rows_used == 2 && (page_row_flags(p)[0] & PG_ROW_WRAPPED), "wide wrap: two rows");
    CHECK(page_cell(p, 0, 9)->flags == PG_CELL_SPACER_HEAD, "wide wrap: spacer head");
    CHECK(page_cell(p, 1, 0)->cp == 0x65e5 && page_cell(p, 1, 1)->flags == PG_CELL_SPACER_TAIL &&
              page_cell(p, 1, 2)->cp == 0x672c,
          "wide wrap: 日 at the next row");
    drop(t);
    t = feed("0123456789\n", 4, 10);
    p = term_page(t, 0);
    CHECK(p->rows_used == 2 && page_row_flags(p)[0] == 0, "exact fill + newline: hard break");
    drop(t);
    t = feed("", 4, 10);
    CHECK(t->ring_len == 1 && term_page(t, 0)->rows_used == 1, "empty: one empty row");
    drop(t);
    t = feed("\u0301x", 4, 10);
    p = term_page(t, 0);
    CHECK(page_cell(p, 0, 0)->cp == 0x301 && page_cell(p, 0, 1)->cp == 'x', "lone mark: own cell");
    drop(t);
}

/* ------------------------------------------------------------------------
 * Input larger than one page: scrollback
 * ---------------------------------------------------------------------- */

static void test_scrollback(void)
{
    sbuf in = {0, 0, 0};
    for (int i = 0; i < 300; i++) {
        char line[200];
        int n = snprintf(line, sizeof line,
                         "%d " E "[3%dmline" E "[0m 日本 e\u0301 " E "]8;;http://x/%d" ST "link %d" E
                         "]8;;" ST "%s\n",
                         i, i % 8, i % 5, i, i % 3 ? "" : " and a longer tail that wraps");
        sbuf_put(&in, line, (size_t)n);
    }
    expect_roundtrip("300 lines", in.data, in.len, 5, 20);
    term *t = feed_caps(in.data, in.len, page_default_caps(5, 20), 1u << 16);
    CHECK(t->ring_len > 100 && t->stats.evicted == 0, "scrollback: %u pages", t->ring_len);
    drop(t);

    /* A ring of 3 pages keeps the end: the rendering is a suffix of the
     * input that starts a line. */
    sbuf lines = {0, 0, 0};
    for (int i = 0; i < 100; i++) {
        char line[32];
        int n = snprintf(line, sizeof line, "line %d\n", i);
        sbuf_put(&lines, line, (size_t)n);
    }
    t = feed_caps(lines.data, lines.len, page_default_caps(4, 20), 3);
    size_t len;
    char *out = render(t, &len);
    CHECK(t->ring_len == 3 && t->stats.evicted == t->stats.pages - 3, "ring: 3 pages kept");
    CHECK(len < lines.len && memcmp(out, lines.data + lines.len - len, len) == 0 &&
              lines.data[lines.len - len - 1] == '\n',
          "ring: the rendering is the input's last lines: %s", show(out, len));
    /* 101 rows (the last empty) in pages of 4: pages 23..25 hold rows 92..100 */
    CHECK(len == strlen("line 92\nline 93\nline 94\nline 95\nline 96\nline 97\nline 98\nline 99\n"),
          "ring: 9 rows kept (2 full pages + 1 row)");
    free(out);
    drop(t);
    sbuf_free(&lines);
    sbuf_free(&in);
}

/* ------------------------------------------------------------------------
 * Normalised input
 * ---------------------------------------------------------------------- */

static void test_normalise(void)
{
    static const struct {
        const char *name, *in, *want;
    } cases[] = {
        {"tab", "a\tb", "a       b"},
        {"CRLF", "a\r\nb", "a\nb"},
        {"SGR without parameters", E "[1;31mx" E "[m", E "[1;31mx" E "[0m"},
        {"style open at the end", E "[31mx", E "[31mx" E "[0m"},
        {"style over a newline", E "[31mred\nnext" E "[0m", E "[31mred" E "[0m\n" E "[31mnext" E "[0m"},
        {"BEL-terminated OSC 8", E "]8;;u\ax" E "]8;;\a", E "]8;;u" ST "x" E "]8;;" ST},
        {"link open at the end", E "]8;;u" ST "x", E "]8;;u" ST "x" E "]8;;" ST},
        {"invalid UTF-8", "a\xff" "b\xe2\x82", "a\ufffd" "b\ufffd\ufffd"},
        {"other CSI", "a" E "[2Jb" E "[?25lc" E "[5;3Hd", "abcd"},
        {"other OSC", E "]0;title\ax" E "]2;t" ST "y", "xy"},
        {"palette 1 as 38;5", E "[38;5;1mx" E "[0m", E "[31mx" E "[0m"},
        {"colon colours", E "[38:2::1:2:3;48:5:9mx" E "[0m", E "[38;2;1;2;3;101mx" E "[0m"},
        {"22 back to default", E "[1mx" E "[22my", E "[1mx" E "[0my"},
        {"empty style run", E "[1m" E "[0mx", "x"},
        {"two sequences", E "[1m" E "[31mx" E "[0m", E "[1;31mx" E "[0m"},
        {"underline 4:0", E "[4mx" E "[4:0my", E "[4mx" E "[0my"},
        {"C1 control", "a\xc2\x85" "b", "ab"},
        {"lone ESC at the end", "ab" E, "ab"},
        {"other controls", "a\x01\x7f" "b\a", "ab"},
        {"link split by close then same open", E "]8;;u" ST "a" E "]8;;" ST E "]8;;u" ST "b" E "]8;;" ST,
         E "]8;;u" ST "ab" E "]8;;" ST},
        {"link switch without close", E "]8;;A" ST "x" E "]8;;B" ST "y" E "]8;;" ST,
         E "]8;;A" ST "x" E "]8;;" ST E "]8;;B" ST "y" E "]8;;" ST},
        {"ESC splits a cluster", "e" E "[31m\u0301" E "[0m", "e" E "[31m\u0301" E "[0m"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_render(cases[i].name, cases[i].in, strlen(cases[i].in), cases[i].want, 4, 10);
    /* NUL bytes are controls too (strlen cannot carry them). */
    expect_render("NUL", "a\0b", 3, "ab", 4, 10);
}

/* Random text: the rendering is canonical (rendering it again gives it
 * again) and does not depend on the page size. */
static void test_random(void)
{
    static const char *const pieces[] = {
        "a", "b", " ", "xyz", "日", "本", "é", "e\u0301", "\u0301", "👍🏽", "👨\u200d👩\u200d👧", "🇯🇵",
        "🇫", "❤\ufe0f", "한", "\n", "\n", "\r", E "[1m", E "[3m", E "[0m", E "[31m", E "[22m",
        E "[38;5;100m", E "[48;2;1;2;3m", E "[4;58;5;9m", E "[m", E "]8;;http://a" ST, E "]8;;http://b\a",
        E "]8;id=1;http://a" ST, E "]8;;" ST, E "[2J", "\xff", E};
    const size_t np = sizeof pieces / sizeof pieces[0];
    uint64_t rng = 0x9e3779b97f4a7c15u;
    for (int round = 0; round < 300; round++) {
        sbuf in = {0, 0, 0};
        rng = rng * 6364136223846793005u + 1442695040888963407u;
        int count = (int)(rng >> 58) * 4;
        for (int k = 0; k < count; k++) {
            rng = rng * 6364136223846793005u + 1442695040888963407u;
            const char *pc = pieces[(rng >> 33) % np];
            sbuf_put(&in, pc, strlen(pc));
        }
        uint32_t rows = 1 + (uint32_t)((rng >> 20) % 6), cols = 2 + (uint32_t)((rng >> 40) % 12);
        term *t = feed_caps(in.data, in.len, page_default_caps(rows, cols), 1u << 16);
        size_t len;
        char *once = render(t, &len);
        check_pages_sound(t, "random");
        drop(t);
        term *t2 = feed_caps(once, len, page_default_caps(rows, cols), 1u << 16);
        size_t len2;
        char *twice = render(t2, &len2);
        CHECK(len == len2 && memcmp(once, twice, len) == 0, "random %d: not canonical:\n   in   %s\n   once %s\n   twice %s",
              round, show(in.data, in.len), show(once, len), show(twice, len2));
        /* Other page sizes give the same text. */
        term *t3 = feed_caps(in.data, in.len, page_default_caps(rows + 3, cols + 5), 1u << 16);
        size_t len3;
        char *other = render(t3, &len3);
        CHECK(len3 == len && memcmp(other, once, len) == 0, "random %d: page size changes the text", round);
        free(once);
        free(twice);
        free(other);
        drop(t2);
        drop(t3);
        sbuf_free(&in);
    }
}

/* ------------------------------------------------------------------------
 * Clone, move, save
 * ---------------------------------------------------------------------- */

static void test_clone_move(void)
{
    const size_t n = sizeof SAMPLE_TEXT - 1;
    term *t = feed_caps(SAMPLE_TEXT, n, page_default_caps(SAMPLE_ROWS, SAMPLE_COLS), 16);
    uint32_t np = t->ring_len;
    const page **orig = page_list(t);
    page **clones = (page **)malloc(np * sizeof *clones);
    for (uint32_t i = 0; i < np; i++) {
        clones[i] = page_clone(orig[i]);
        CHECK(clones[i] != orig[i] && memcmp(clones[i], orig[i], (size_t)orig[i]->total_size) == 0,
              "clone %u: same bytes", i);
        const char *bad = page_compare(clones[i], orig[i]);
        CHECK(bad == NULL, "clone %u: %s", i, bad);
        bad = page_validate(clones[i], (size_t)clones[i]->total_size);
        CHECK(bad == NULL, "clone %u invalid: %s", i, bad);
        CHECK(pg_gmap_check(page_gmap(clones[i])) == OHM_OK && pg_lset_check(page_lset(clones[i])) == OHM_OK &&
                  pg_lmap_check(page_lmap(clones[i])) == OHM_OK && pg_smap_check(page_smap(clones[i])) == OHM_OK,
              "clone %u: maps check", i);
    }
    CHECK(render_is((const page *const *)clones, np, SAMPLE_TEXT, n), "clones render the sample");

    /* A change to the original leaves the clone alone. */
    page *p1 = term_page(t, 1);
    uint32_t gr = UINT32_MAX, gc = 0;
    for (uint32_t r = 0; r < p1->rows_used && gr == UINT32_MAX; r++)
        for (uint32_t c = 0; c < p1->caps.cols; c++)
            if (page_cell(p1, r, c)->flags & PG_CELL_GRAPHEME) {
                gr = r;
                gc = c;
                break;
            }
    CHECK(gr != UINT32_MAX, "page 1 has a grapheme");
    uint32_t before = pg_gmap_count(page_gmap(p1));
    page_clear_cell(p1, gr, gc);
    CHECK(pg_gmap_count(page_gmap(p1)) == before - 1, "cleared grapheme removed");
    CHECK(page_compare(p1, clones[1]) != NULL, "original changed");
    CHECK(pg_gmap_count(page_gmap(clones[1])) == before, "clone unchanged");
    CHECK(page_validate(p1, (size_t)p1->total_size) == NULL, "page valid after a clear");

    /* Move: each clone to an odd (but aligned) place in a bigger buffer;
     * the old block is wiped and freed. */
    page **moved = (page **)malloc(np * sizeof *moved);
    void **bufs = (void **)malloc(np * sizeof *bufs);
    page **refs = (page **)malloc(np * sizeof *refs);
    for (uint32_t i = 0; i < np; i++) {
        refs[i] = page_clone(clones[i]);
        size_t sz = (size_t)clones[i]->total_size;
        bufs[i] = aligned_alloc(PG_ALIGN, sz + 4096 + 64 * (i + 1));
        moved[i] = (page *)(void *)((char *)bufs[i] + 64 * (i + 1));
        memcpy(moved[i], clones[i], sz);
        memset(clones[i], 0x5a, sz);
        page_free(clones[i]);
    }
    for (uint32_t i = 0; i < np; i++) {
        const char *bad = page_compare(moved[i], refs[i]);
        CHECK(bad == NULL, "moved %u: %s", i, bad);
        bad = page_validate(moved[i], (size_t)moved[i]->total_size);
        CHECK(bad == NULL, "moved %u invalid: %s", i, bad);
        /* the link set's hash finds the arena through the map's owner word */
        if (pg_lmap_count(page_lmap(moved[i])))
            CHECK(page_find_link(moved[i], ";https://ghostty.org", 20, NULL), "moved %u: link lookup", i);
    }
    CHECK(render_is((const page *const *)moved, np, SAMPLE_TEXT, n), "moved pages render the sample");
    /* A moved page keeps working: write into it. */
    page *m = moved[np - 1];
    uint32_t cps[] = {'Z', 0x301};
    pg_style red = {{PG_COLOR_PALETTE, 1, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, 0, {0, 0, 0}};
    pg_status st = page_write(m, m->rows_used - 1, m->caps.cols - 1, cps, 2, 1, &red, "x;y", 3);
    CHECK(st == PG_OK, "write into a moved page: %s", pg_status_name(st));
    CHECK(page_validate(m, (size_t)m->total_size) == NULL, "moved page valid after a write");
    for (uint32_t i = 0; i < np; i++) {
        free(bufs[i]);
        page_free(refs[i]);
    }
    free(bufs);
    free(refs);
    free(moved);
    free(clones);
    free(orig);
    drop(t);
}

static void test_save_fork(void)
{
    const size_t n = sizeof SAMPLE_TEXT - 1;
    term *t = feed_caps(SAMPLE_TEXT, n, page_default_caps(SAMPLE_ROWS, SAMPLE_COLS), 16);
    const page **pages = page_list(t);
    char path[] = "/tmp/ohm-page-test-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp");
    close(fd);
    CHECK(pagefile_save(path, pages, t->ring_len) == 0, "save");
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        /* The child maps the file and checks it against the parent's pages
         * (its copy of the parent's memory), through the mapped maps. */
        int bad = 0;
        pagefile pf;
        const char *why = pagefile_open(path, &pf);
        if (why) {
            fprintf(stderr, "child: %s\n", why);
            _exit(10);
        }
        if (pf.n != t->ring_len) bad |= 1;
        for (size_t i = 0; i < pf.n && !bad; i++) {
            if ((const void *)pf.pages[i] == (const void *)pages[i]) bad |= 2;
            const char *d = page_compare(pf.pages[i], pages[i]);
            if (d) {
                fprintf(stderr, "child: page %zu: %s\n", i, d);
                bad |= 4;
            }
            /* every grapheme and link through the mapped maps */
            const page *p = pf.pages[i];
            for (uint32_t r = 0; r < p->rows_used; r++)
                for (uint32_t c = 0; c < p->caps.cols; c++) {
                    uint32_t off = page_cell_off(p, r, c), na, nb, la, lb, lo;
                    const uint32_t *ga = page_grapheme(p, off, &na), *gb = page_grapheme(pages[i], off, &nb);
                    if (na != nb || (na && memcmp(ga, gb, na * 4))) bad |= 8;
                    const char *sa = page_link(p, off, &la), *sb = page_link(pages[i], off, &lb);
                    if (la != lb || (la && memcmp(sa, sb, la))) bad |= 16;
                    if (sa && (!page_find_link(p, sa, la, &lo) || lo != *pg_lmap_get(page_lmap(p), off)))
                        bad |= 32;
                }
        }
        if (!render_is(pf.pages, pf.n, SAMPLE_TEXT, n)) bad |= 64;
        pagefile_close(&pf);
        _exit(bad);
    }
    int status = -1;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid, "fork + wait");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child verified the mapped pages (status %d)",
          WIFEXITED(status) ? WEXITSTATUS(status) : -1);

    /* A damaged file is refused, whole. */
    pagefile pf;
    CHECK(pagefile_open("/nonexistent/ohm-pages", &pf) != NULL, "missing file refused");
    FILE *f = fopen(path, "r+b");
    CHECK(f != NULL, "reopen");
    if (f) {
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        CHECK(truncate(path, size - 100) == 0, "truncate");
        fclose(f);
        const char *why = pagefile_open(path, &pf);
        CHECK(why != NULL, "truncated file refused");
        CHECK(truncate(path, 10) == 0, "truncate");
        CHECK(pagefile_open(path, &pf) != NULL, "stub file refused");
    }
    unlink(path);
    free(pages);
    drop(t);
}

/* ------------------------------------------------------------------------
 * Validation of damaged pages
 * ---------------------------------------------------------------------- */

typedef void (*damage_fn)(page *p);

static void d_magic(page *p) { p->magic ^= 1; }
static void d_rows_used(page *p) { p->rows_used = p->caps.rows + 1; }
static void d_offsets(page *p) { p->arena_off += 4; }
static void d_style_range(page *p) { page_cells(p)[0].style = (uint16_t)p->caps.styles; }
static void d_style_free(page *p)
{
    for (uint32_t id = 1; id < p->caps.styles; id++)
        if (pg_style_is_default(page_styles(p)[id])) {
            page_cells(p)[0].style = (uint16_t)id;
            return;
        }
}
static void d_refcount(page *p)
{
    pg_smap_iter it = pg_smap_iter_begin(page_smap(p));
    pg_smap_entry e;
    if (pg_smap_iter_next(&it, &e)) e.value->refs++;
}
static void d_grapheme_span(page *p)
{
    pg_gmap_iter it = pg_gmap_iter_begin(page_gmap(p));
    pg_gmap_entry e;
    if (pg_gmap_iter_next(&it, &e)) e.value->off = p->caps.arena;
}
static void d_grapheme_flag(page *p)
{
    for (uint64_t c = 0;; c++)
        if (page_cells(p)[c].flags & PG_CELL_GRAPHEME) {
            page_cells(p)[c].flags &= (uint8_t)~PG_CELL_GRAPHEME;
            return;
        }
}
static void d_link_string(page *p)
{
    pg_lset_iter it = pg_lset_iter_begin(page_lset(p));
    pg_lset_entry e;
    if (pg_lset_iter_next(&it, &e)) *e.key = 0xfffffff0u;
}
static void d_link_len(page *p)
{
    pg_lset_iter it = pg_lset_iter_begin(page_lset(p));
    pg_lset_entry e;
    if (pg_lset_iter_next(&it, &e)) {
        uint32_t big = 1u << 30;
        memcpy(OHM_AT(char, p, p->arena_off + *e.key), &big, 4);
    }
}
static void d_link_value(page *p)
{
    pg_lmap_iter it = pg_lmap_iter_begin(page_lmap(p));
    pg_lmap_entry e;
    if (pg_lmap_iter_next(&it, &e)) *e.value += 1;
}
static void d_user(page *p) { pg_lset_set_user(page_lset(p), 8); }
static void d_map_count(page *p) { page_gmap(p)->hdr.count++; }
static void d_wide_tail(page *p)
{
    for (uint64_t c = 0;; c++)
        if (page_cells(p)[c].flags & PG_CELL_SPACER_TAIL) {
            page_cells(p)[c].flags = 0;
            return;
        }
}
static void d_cp(page *p)
{
    for (uint64_t c = 0;; c++)
        if (page_cells(p)[c].cp) {
            page_cells(p)[c].cp = 0xd800;
            return;
        }
}

static void test_validate(void)
{
    /* A page with styles, graphemes, wide chars and links. */
    const char *text = E "[31mred" E "[0m e\u0301 日本 " E "]8;;http://a" ST "link" E "]8;;" ST " " E
                         "]8;;http://b" ST "b" E "]8;;" ST E "[1m!" E "[0m";
    term *t = feed(text, 4, 30);
    const page *p = term_page(t, 0);
    size_t sz = (size_t)p->total_size;
    CHECK(page_validate(p, sz) == NULL, "the page is valid");
    CHECK(page_validate(p, sz - 1) != NULL, "a short buffer is refused");
    CHECK(page_validate(p, 10) != NULL, "a header-sized stub is refused");
    CHECK(page_validate((const char *)p + 4, sz - 4) != NULL, "a misaligned page is refused");
    static const struct {
        const char *name;
        damage_fn fn;
    } damages[] = {
        {"magic", d_magic},
        {"rows used", d_rows_used},
        {"offsets", d_offsets},
        {"style id out of range", d_style_range},
        {"style id free", d_style_free},
        {"refcount", d_refcount},
        {"grapheme outside the arena", d_grapheme_span},
        {"grapheme flag", d_grapheme_flag},
        {"link string outside the arena", d_link_string},
        {"link string length", d_link_len},
        {"link value", d_link_value},
        {"owner word", d_user},
        {"map count", d_map_count},
        {"wide without tail", d_wide_tail},
        {"surrogate codepoint", d_cp},
    };
    void *buf = aligned_alloc(PG_ALIGN, sz);
    for (size_t i = 0; i < sizeof damages / sizeof damages[0]; i++) {
        memcpy(buf, p, sz);
        damages[i].fn((page *)buf);
        CHECK(page_validate(buf, sz) != NULL, "damage not detected: %s", damages[i].name);
    }
    /* Random byte damage: validation never reads out of bounds (ASan),
     * and a page it accepts renders safely. */
    uint64_t rng = 42;
    int accepted = 0;
    for (int k = 0; k < 3000; k++) {
        memcpy(buf, p, sz);
        int flips = 1 + k % 3;
        for (int j = 0; j < flips; j++) {
            rng = rng * 6364136223846793005u + 1442695040888963407u;
            ((unsigned char *)buf)[(rng >> 33) % sz] ^= (unsigned char)(1u << ((rng >> 20) % 8));
        }
        if (page_validate(buf, sz) == NULL) {
            accepted++;
            const page *q = (const page *)buf;
            sbuf out = {0, 0, 0};
            pages_render(&q, 1, &out);
            sbuf_free(&out);
        }
    }
    CHECK(accepted < 3000, "random damage is mostly detected (%d accepted)", accepted);
    free(buf);
    drop(t);
}

/* ------------------------------------------------------------------------
 * Growth
 * ---------------------------------------------------------------------- */

static void test_growth(void)
{
    /* 150 two-codepoint clusters on one page that starts with room for 8. */
    sbuf in = {0, 0, 0};
    for (int i = 0; i < 150; i++) sbuf_puts(&in, i % 2 ? "e\u0301" : "a\u0308\u0323");
    pg_caps caps = page_default_caps(10, 20);
    CHECK(caps.graphemes == 8, "starts small");
    term *t = feed_caps(in.data, in.len, caps, 4);
    const page *p = term_page(t, 0);
    CHECK(t->ring_len == 1, "one page");
    CHECK(t->stats.grows_by[PG_NEED_GRAPHEMES] == 5, "grapheme map grew 8 -> 256 (%" PRIu64 " grows)",
          t->stats.grows_by[PG_NEED_GRAPHEMES]);
    CHECK(pg_gmap_count(page_gmap(p)) == 150 && pg_gmap_capacity(page_gmap(p)) == 256, "150 of 256");
    CHECK(p->grows == t->stats.grows, "the page counts its grows");
    CHECK(pg_gmap_check(page_gmap(p)) == OHM_OK, "rehashed map checks");
    for (uint32_t i = 0; i < 150; i++) {
        uint32_t ng;
        const uint32_t *g = page_grapheme(p, page_cell_off(p, i / 20, i % 20), &ng);
        bool ok = i % 2 ? (ng == 1 && g[0] == 0x301) : (ng == 2 && g[0] == 0x308 && g[1] == 0x323);
        CHECK(ok && page_cell(p, i / 20, i % 20)->cp == (i % 2 ? 'e' : 'a'), "grapheme %u after growth", i);
    }
    size_t len;
    char *out = render(t, &len);
    CHECK(len == in.len && memcmp(out, in.data, len) == 0, "grown page renders its input");
    free(out);
    drop(t);
    sbuf_free(&in);

    /* Every part grows: many styles, many distinct links, long clusters. */
    for (int i = 0; i < 200; i++) {
        char s[96];
        int n = snprintf(s, sizeof s, E "[38;2;%d;%d;0m" E "]8;;http://h/%d" ST "%c" E "]8;;" ST, i,
                         255 - i, i, 'a' + i % 26);
        sbuf_put(&in, s, (size_t)n);
    }
    for (int i = 0; i < 60; i++) sbuf_puts(&in, "\u0301");
    sbuf_puts(&in, E "[0m");
    t = feed_caps(in.data, in.len, page_default_caps(10, 40), 4);
    CHECK(t->ring_len == 1, "one page");
    CHECK(t->stats.grows_by[PG_NEED_STYLES] >= 1 && t->stats.grows_by[PG_NEED_LINKS] >= 1 &&
              t->stats.grows_by[PG_NEED_ARENA] >= 1,
          "styles, links and arena grew (%" PRIu64 ", %" PRIu64 ", %" PRIu64 ")",
          t->stats.grows_by[PG_NEED_STYLES], t->stats.grows_by[PG_NEED_LINKS], t->stats.grows_by[PG_NEED_ARENA]);
    p = term_page(t, 0);
    CHECK(pg_smap_count(page_smap(p)) == 200 && pg_lset_count(page_lset(p)) == 200 &&
              pg_lmap_count(page_lmap(p)) == 200,
          "200 styles, 200 strings, 200 link cells");
    out = render(t, &len);
    CHECK(len == in.len && memcmp(out, in.data, len) == 0, "grown page renders its input");
    check_pages_sound(t, "growth");
    free(out);
    drop(t);
    sbuf_free(&in);

    /* The page API directly: a write that needs room says so and changes
     * nothing that a retry after page_grow does not redo. */
    pg_caps c = {2, 8, 1, 2, 1, 16};
    page *pg = page_new(c, 7);
    pg_style none;
    memset(&none, 0, sizeof none);
    uint32_t a[] = {'a', 0x301}, b[] = {'b', 0x302};
    CHECK(page_write(pg, 0, 0, a, 2, 1, &none, NULL, 0) == PG_OK, "first grapheme fits");
    pg_status st = page_write(pg, 0, 1, b, 2, 1, &none, NULL, 0);
    CHECK(st == PG_NEED_GRAPHEMES, "second grapheme needs room: %s", pg_status_name(st));
    page *bigger = page_grow(pg, page_caps_grown(pg, st, 8));
    CHECK(bigger && pg_gmap_capacity(page_gmap(bigger)) == 8, "grown to 8 slots");
    CHECK(page_compare(bigger, pg) == NULL, "growth keeps every cell");
    CHECK(page_write(bigger, 0, 1, b, 2, 1, &none, NULL, 0) == PG_OK, "retry fits");
    CHECK(page_validate(bigger, (size_t)bigger->total_size) == NULL, "grown page valid");
    CHECK(page_grow(bigger, c) == NULL, "cannot shrink below the contents");
    pg_caps wrong = bigger->caps;
    wrong.cols++;
    CHECK(page_grow(bigger, wrong) == NULL, "cannot change the size");
    page_free(pg);
    page_free(bigger);
}

/* ------------------------------------------------------------------------
 * Style references
 * ---------------------------------------------------------------------- */

static void test_styles(void)
{
    pg_caps c = {2, 10, 8, 4, 8, 256};
    page *p = page_new(c, 3);
    p->rows_used = 2;
    pg_style red, blue, green, yellow;
    memset(&red, 0, sizeof red);
    red.fg.kind = PG_COLOR_PALETTE;
    red.fg.r = 1;
    blue = red;
    blue.fg.r = 4;
    green = red;
    green.fg.r = 2;
    yellow = red;
    yellow.fg.r = 3;
    uint32_t x[] = {'x'}, w[] = {0x65e5};
    for (uint32_t col = 0; col < 3; col++) CHECK(page_write(p, 0, col, x, 1, 1, &red, NULL, 0) == PG_OK, "red");
    CHECK(page_write(p, 0, 3, x, 1, 1, &blue, NULL, 0) == PG_OK, "blue");
    CHECK(page_write(p, 0, 4, w, 1, 2, &blue, NULL, 0) == PG_OK, "wide blue");
    uint16_t rid = page_cell(p, 0, 0)->style, bid = page_cell(p, 0, 3)->style;
    CHECK(rid && bid && rid != bid && page_cell(p, 0, 5)->style == bid, "ids, the tail carries the style");
    CHECK(pg_smap_count(page_smap(p)) == 2, "two styles");
    CHECK(pg_smap_get(page_smap(p), red)->refs == 3 && pg_smap_get(page_smap(p), blue)->refs == 3,
          "refcounts 3 and 3 (wide cell + tail)");
    CHECK(page_write(p, 0, 6, x, 1, 1, &green, NULL, 0) == PG_OK, "green");
    CHECK(page_write(p, 0, 7, x, 1, 1, &green, NULL, 0) == PG_OK, "green again: found");
    CHECK(page_write(p, 0, 8, x, 1, 1, &yellow, NULL, 0) == PG_NEED_STYLES, "a fourth style needs room");
    page_clear_cell(p, 0, 7);
    CHECK(page_validate(p, (size_t)p->total_size) == NULL, "valid after a refused write");
    page_clear_cell(p, 0, 6);
    CHECK(page_validate(p, (size_t)p->total_size) == NULL, "valid");
    page_clear_cell(p, 0, 0);
    page_clear_cell(p, 0, 1);
    CHECK(pg_smap_get(page_smap(p), red)->refs == 1, "red down to 1");
    page_clear_cell(p, 0, 2);
    CHECK(pg_smap_get(page_smap(p), red) == NULL && pg_smap_count(page_smap(p)) == 1, "red gone");
    CHECK(pg_style_is_default(page_styles(p)[rid]), "its id is free");
    CHECK(page_write(p, 0, 0, x, 1, 1, &green, NULL, 0) == PG_OK, "green takes a free id");
    CHECK(page_write(p, 1, 0, x, 1, 1, &red, NULL, 0) == PG_OK, "red again takes the other");
    CHECK(page_validate(p, (size_t)p->total_size) == NULL, "valid");
    /* Overwriting the tail of a wide cell clears the whole wide cell. */
    CHECK(page_write(p, 0, 5, x, 1, 1, &red, NULL, 0) == PG_OK, "narrow over a tail");
    CHECK(page_cell(p, 0, 4)->cp == 0 && page_cell(p, 0, 4)->flags == 0, "the wide head is cleared");
    CHECK(pg_smap_get(page_smap(p), blue)->refs == 1, "blue down to its narrow cell");
    CHECK(page_validate(p, (size_t)p->total_size) == NULL, "valid");
    page_free(p);
}

/* ------------------------------------------------------------------------
 * The pointer-based page
 * ---------------------------------------------------------------------- */

static void test_gpage(void)
{
    const size_t n = sizeof SAMPLE_TEXT - 1;
    term *t = feed_caps(SAMPLE_TEXT, n, page_default_caps(SAMPLE_ROWS, SAMPLE_COLS), 16);
    for (uint32_t i = 0; i < t->ring_len; i++) {
        const page *p = term_page(t, i);
        gpage *g = gpage_from_page(p);
        const char *bad = gpage_compare(g, p);
        CHECK(bad == NULL, "gpage %u: %s", i, bad);
        gpage *c = gpage_clone(g);
        bad = gpage_compare(c, p);
        CHECK(bad == NULL && c->cells != g->cells, "gpage clone %u: %s", i, bad);
        pg_cell *spare = (pg_cell *)malloc((size_t)p->caps.rows * p->caps.cols * sizeof(pg_cell));
        pg_cell *old = gpage_move_to(c, spare);
        memset(old, 0xee, (size_t)p->caps.rows * p->caps.cols * sizeof(pg_cell));
        bad = gpage_compare(c, p);
        CHECK(bad == NULL && c->cells == spare, "gpage move %u: %s", i, bad);
        free(old);
        gpage_free(c);
        gpage_free(g);
    }
    drop(t);
}

/* ------------------------------------------------------------------------
 * Layout
 * ---------------------------------------------------------------------- */

static void test_layout(void)
{
    pg_layout L, M;
    CHECK(!page_layout((pg_caps){0, 10, 8, 8, 8, 64}, &L), "zero rows refused");
    CHECK(!page_layout((pg_caps){4, 1, 8, 8, 8, 64}, &L), "one column refused");
    CHECK(!page_layout((pg_caps){4, 10, 8, 0, 8, 64}, &L), "no style ids refused");
    CHECK(!page_layout((pg_caps){4, 10, 8, 70000, 8, 64}, &L), "more than 65536 style ids refused");
    CHECK(!page_layout((pg_caps){65536, 65536, 8, 8, 8, 64}, &L), "cells beyond 4 GiB refused");
    CHECK(page_layout((pg_caps){4, 10, 8, 8, 8, 64}, &L) && page_layout((pg_caps){4, 10, 4096, 8, 512, 1 << 20}, &M),
          "layouts");
    CHECK(L.cells_off == M.cells_off && L.rows_off == M.rows_off, "cells stay put when maps grow");
    CHECK(L.total_size % PG_ALIGN == 0 && M.total_size > L.total_size, "sizes");
    CHECK(L.gmap_off % 8 == 0 && L.lset_off % 8 == 0 && L.arena_off % 4 == 0, "aligned regions");
    term t;
    CHECK(!term_init(&t, (pg_caps){4, 1, 8, 8, 8, 64}, 4, 0), "terminal refuses impossible caps");
    char small[64];
    CHECK(page_init(small, sizeof small, page_default_caps(2, 2), 0) == NULL, "page_init: too small");
}

int main(void)
{
    test_layout();
    test_sample();
    test_edges();
    test_normalise();
    test_scrollback();
    test_random();
    test_clone_move();
    test_save_fork();
    test_validate();
    test_growth();
    test_styles();
    test_gpage();
    printf("test_page: %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
