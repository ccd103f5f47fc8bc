/* main.c - the terminal page demo.
 *
 *   page                  the built-in sample: render, statistics, clone,
 *                         move, save + map in a child, timing comparison
 *   page FILE | -         the same for other text (- reads standard input)
 *   page --render [FILE]  only the text rendered back from the pages
 *   page --save OUT [FILE]  also write the pages to OUT
 *   page --load OUT       map saved pages (any process) and render them
 *   page --print-sample   the built-in sample's bytes
 *   --quick               no timing run
 *   --cols N --rows N     page size (default 40 x 8); --pages N ring size
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gpage.h"
#include "page.h"
#include "pagefile.h"
#include "sample.h"
#include "term.h"

static void die(const char *what)
{
    fprintf(stderr, "page: %s\n", what);
    exit(1);
}

static char *read_all(FILE *f, size_t *len)
{
    sbuf b = {0, 0, 0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) sbuf_put(&b, chunk, n);
    if (ferror(f)) die("read error");
    sbuf_put(&b, "", 1);
    *len = b.len - 1;
    return b.data;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t make_seed(void)
{
    return ohm_hash_u64((uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32), 0x5eed);
}

/* ------------------------------------------------------------------------
 * Printing
 * ---------------------------------------------------------------------- */

#define WIDTH 78

static void rule(const char *title)
{
    size_t k = 0;
    if (*title) k = (size_t)printf("== %s ", title);
    for (; k < WIDTH; k++) putchar('=');
    putchar('\n');
}

static void print_cluster(const page *p, uint32_t r, uint32_t c)
{
    const pg_cell *cell = page_cell(p, r, c);
    char out[4 * 1024 + 8];
    size_t n = 0;
    uint32_t ng = 0;
    const uint32_t *g = page_grapheme(p, page_cell_off(p, r, c), &ng);
    uint32_t cps[1 + 1024];
    cps[0] = cell->cp;
    for (uint32_t k = 0; k < ng && k < 1024; k++) cps[1 + k] = g[k];
    for (uint32_t k = 0; k < 1 + (ng < 1024 ? ng : 1024); k++) {
        uint32_t cp = cps[k];
        if (cp < 0x80) out[n++] = (char)cp;
        else if (cp < 0x800) {
            out[n++] = (char)(0xc0 | cp >> 6);
            out[n++] = (char)(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out[n++] = (char)(0xe0 | cp >> 12);
            out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            out[n++] = (char)(0x80 | (cp & 0x3f));
        } else {
            out[n++] = (char)(0xf0 | cp >> 18);
            out[n++] = (char)(0x80 | ((cp >> 12) & 0x3f));
            out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            out[n++] = (char)(0x80 | (cp & 0x3f));
        }
    }
    fwrite(out, 1, n, stdout);
}

/* The grid of one page: each row between bars, '.' for an empty cell,
 * '>' for a spacer head; a row that wraps ends in '+'. */
static void print_grid(const page *p, uint32_t index)
{
    printf("page %u, cell by cell ('.' empty, '>' spacer head, '+' the row wraps):\n", index);
    for (uint32_t r = 0; r < p->rows_used; r++) {
        printf("  %2u |", r);
        for (uint32_t c = 0; c < p->caps.cols; c++) {
            const pg_cell *cell = page_cell(p, r, c);
            if (cell->flags & PG_CELL_SPACER_TAIL) continue;
            if (cell->flags & PG_CELL_SPACER_HEAD) putchar('>');
            else if (cell->cp == 0) putchar('.');
            else print_cluster(p, r, c);
        }
        printf("|%s\n", page_row_flags(p)[r] & PG_ROW_WRAPPED ? "+" : "");
    }
}

/* "used/max load%" in 12 columns. */
static void print_load(uint32_t used, uint32_t max)
{
    char b[32];
    snprintf(b, sizeof b, "%u/%u", used, max);
    printf(" %6s%4u%%", b, max ? (unsigned)(100.0 * used / max + 0.5) : 0u);
}

static void print_page_stats(const char *label, const page *p)
{
    pg_stats s = page_stats(p);
    printf("%4s %5u", label, s.cells_used);
    print_load(s.graphemes, s.graphemes_max);
    print_load(s.styles, s.styles_max);
    print_load(s.links, s.links_max);
    print_load(s.uris, s.uris_max);
    char arena[32];
    snprintf(arena, sizeof arena, "%u/%u", s.arena_used, s.arena_cap);
    printf(" %8s %6" PRIu64 " %5u\n", arena, s.bytes, p->grows);
}

static void print_stats(const term *t)
{
    printf("%4s %5s%12s%12s%12s%12s %8s %6s %5s\n", "page", "cells", "graphemes", "styles", "links",
           "URIs", "arena", "bytes", "grows");
    pg_stats tot;
    memset(&tot, 0, sizeof tot);
    uint32_t grows = 0;
    for (uint32_t i = 0; i < t->ring_len; i++) {
        const page *p = term_page(t, i);
        char label[16];
        snprintf(label, sizeof label, "%u", i);
        if (t->ring_len <= 8 || i < 3 || i + 3 >= t->ring_len) print_page_stats(label, p);
        else if (i == 3) printf("%4s\n", "...");
        pg_stats s = page_stats(p);
        tot.cells_used += s.cells_used;
        tot.graphemes += s.graphemes;
        tot.styles += s.styles;
        tot.links += s.links;
        tot.uris += s.uris;
        tot.arena_used += s.arena_used;
        tot.bytes += s.bytes;
        grows += p->grows;
    }
    printf("%4s %5u %6u%5s %6u%5s %6u%5s %6u%5s %8u %6" PRIu64 " %5u\n", "all", tot.cells_used,
           tot.graphemes, "", tot.styles, "", tot.links, "", tot.uris, "", tot.arena_used, tot.bytes, grows);
    printf("x/y n%%: entries / the most the map holds, and its load (the grapheme map fills\n"
           "to 100 %%, the link map to 80 %%). A page whose map or arena runs out is rebuilt\n"
           "in a bigger block with its maps rehashed: %" PRIu64 " times here (%" PRIu64
           " for graphemes,\n%" PRIu64 " for styles, %" PRIu64 " for links, %" PRIu64 " for the arena).\n",
           t->stats.grows, t->stats.grows_by[PG_NEED_GRAPHEMES], t->stats.grows_by[PG_NEED_STYLES],
           t->stats.grows_by[PG_NEED_LINKS], t->stats.grows_by[PG_NEED_ARENA]);
}

/* ------------------------------------------------------------------------
 * Checks
 * ---------------------------------------------------------------------- */

static bool render_equals(const page *const *pages, size_t n, const char *text, size_t len)
{
    sbuf out = {0, 0, 0};
    pages_render(pages, n, &out);
    bool eq = out.len == len && memcmp(out.data, text, len) == 0;
    sbuf_free(&out);
    return eq;
}

/* Every page equal, cell by cell through the maps, and valid. */
static const char *check_pages(const page *const *got, const page *const *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *bad = page_validate(got[i], (size_t)got[i]->total_size);
        if (!bad) bad = page_compare(got[i], want[i]);
        if (bad) return bad;
    }
    return NULL;
}

static uint64_t count_flag(const page *const *pages, size_t n, unsigned flag)
{
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (uint64_t c = 0; c < (uint64_t)pages[i]->caps.rows * pages[i]->caps.cols; c++)
            k += (page_cells(pages[i])[c].flags & flag) != 0;
    return k;
}

/* ------------------------------------------------------------------------
 * Timing
 * ---------------------------------------------------------------------- */

/* Best per-operation time, in microseconds, over a few batches. */
#define TIME_US(result, setup, op, teardown) \
    do { \
        double best_ = 1e30; \
        long iters_ = 1; \
        for (int batch_ = 0; batch_ < 5; batch_++) { \
            setup; \
            double t0_ = now(); \
            for (long i_ = 0; i_ < iters_; i_++) { op; } \
            double dt_ = now() - t0_; \
            teardown; \
            if (dt_ < 0.004 && iters_ < (1L << 24)) { iters_ *= 4; batch_--; continue; } \
            if (dt_ / iters_ < best_) best_ = dt_ / iters_; \
        } \
        (result) = best_ * 1e6; \
    } while (0)

typedef struct timing {
    double ohm_clone, g_clone, ohm_move, g_move;
} timing;

static timing time_pages(page **pages, size_t n)
{
    timing tm;
    gpage **g = (gpage **)malloc(n * sizeof *g);
    if (!g) die("out of memory");
    for (size_t i = 0; i < n; i++) {
        g[i] = gpage_from_page(pages[i]);
        if (gpage_compare(g[i], pages[i])) die("pointer-based page differs");
    }
    /* clone: a new block, then free it (both designs pay the allocation) */
    TIME_US(tm.ohm_clone, (void)0, {
        for (size_t k = 0; k < n; k++) page_free(page_clone(pages[k]));
    }, (void)0);
    TIME_US(tm.g_clone, (void)0, {
        for (size_t k = 0; k < n; k++) gpage_free(gpage_clone(g[k]));
    }, (void)0);
    /* move: the page's memory to another address (two buffers in turn,
     * so that the allocator is not timed): ohm copies the block, the
     * pointer-based page copies its cells and re-keys its tables */
    page **spare = (page **)malloc(n * sizeof *spare);
    pg_cell **gspare = (pg_cell **)malloc(n * sizeof *gspare);
    if (!spare || !gspare) die("out of memory");
    for (size_t i = 0; i < n; i++) {
        spare[i] = page_clone(pages[i]);
        gspare[i] = (pg_cell *)malloc((size_t)pages[i]->caps.rows * pages[i]->caps.cols * sizeof(pg_cell));
        if (!spare[i] || !gspare[i]) die("out of memory");
    }
    TIME_US(tm.ohm_move, (void)0, {
        for (size_t k = 0; k < n; k++) {
            page *from = pages[k];
            memcpy(spare[k], from, (size_t)from->total_size);
            pages[k] = spare[k];
            spare[k] = from;
        }
    }, (void)0);
    TIME_US(tm.g_move, (void)0, {
        for (size_t k = 0; k < n; k++) gspare[k] = gpage_move_to(g[k], gspare[k]);
    }, (void)0);
    for (size_t i = 0; i < n; i++) {
        page_free(spare[i]);
        free(gspare[i]);
    }
    free(spare);
    free(gspare);
    for (size_t i = 0; i < n; i++) {
        if (gpage_compare(g[i], pages[i])) die("pointer-based page differs after moves");
        gpage_free(g[i]);
    }
    free(g);
    tm.ohm_clone /= (double)n;
    tm.g_clone /= (double)n;
    tm.ohm_move /= (double)n;
    tm.g_move /= (double)n;
    return tm;
}

static void print_timing_row(const char *what, timing tm)
{
    printf("%-22s %9.2f %11.2f %5.0fx %9.2f %10.2f %5.0fx\n", what, tm.ohm_clone, tm.g_clone,
           tm.g_clone / tm.ohm_clone, tm.ohm_move, tm.g_move, tm.g_move / tm.ohm_move);
}

/* ------------------------------------------------------------------------
 * The demo
 * ---------------------------------------------------------------------- */

static int demo(const char *text, size_t len, const char *name, pg_caps caps, uint32_t max_pages,
                const char *save_path, bool quick)
{
    term t;
    if (!term_init(&t, caps, max_pages, make_seed())) die("impossible page size");
    term_feed(&t, text, len);
    size_t n = t.ring_len;
    page **pages = (page **)malloc(n * sizeof *pages);
    if (!pages) die("out of memory");
    for (size_t i = 0; i < n; i++) pages[i] = term_page(&t, (uint32_t)i);
    const page *const *cpages = (const page *const *)pages;

    size_t lines = 1;
    for (size_t i = 0; i < len; i++) lines += text[i] == '\n';
    printf("ohm terminal page demo\n");
    printf("input: %s, %zu bytes, %zu lines; pages of %u columns x %u rows; %zu pages%s\n", name, len,
           lines, caps.cols, caps.rows, n, t.stats.evicted ? " (older ones dropped)" : "");

    putchar('\n');
    rule("the text rendered back from the pages");
    sbuf out = {0, 0, 0};
    pages_render(cpages, n, &out);
    fwrite(out.data, 1, out.len, stdout);
    if (out.len == 0 || out.data[out.len - 1] != '\n') putchar('\n');
    rule("");
    size_t same = 0;
    while (same < out.len && same < len && out.data[same] == text[same]) same++;
    bool exact = out.len == len && same == len;
    if (exact)
        printf("round trip: the rendering equals the input, all %zu bytes\n", len);
    else
        printf("round trip: the rendering is the canonical form of the input (README.md):\n"
               "  %zu bytes rendered, %zu input bytes, first difference at byte %zu\n",
               out.len, len, same);

    putchar('\n');
    rule("pages");
    print_stats(&t);
    size_t grid = 0;
    for (size_t i = 0; i < n; i++)
        if (count_flag(cpages + i, 1, PG_CELL_SPACER_HEAD)) {
            grid = i;
            break;
        }
    putchar('\n');
    print_grid(pages[grid], (uint32_t)grid);

    putchar('\n');
    rule("clone, move, save");
    uint64_t cells = 0, graphemes = 0, links = 0, bytes = 0;
    for (size_t i = 0; i < n; i++) {
        pg_stats s = page_stats(pages[i]);
        cells += s.cells_used;
        graphemes += s.graphemes;
        links += s.links;
        bytes += s.bytes;
    }
    char what[160];
    snprintf(what, sizeof what, "%" PRIu64 " cells, %" PRIu64 " graphemes, %" PRIu64 " links equal",
             cells, graphemes, links);
    /* clone: memcpy of each block */
    page **clones = (page **)malloc(n * sizeof *clones);
    if (!clones) die("out of memory");
    for (size_t i = 0; i < n; i++)
        if (!(clones[i] = page_clone(pages[i]))) die("out of memory");
    const char *bad = check_pages((const page *const *)clones, cpages, n);
    bool rend = render_equals((const page *const *)clones, n, out.data, out.len);
    printf("clone: %zu pages by memcpy (%" PRIu64 " bytes)\n       %s; valid; %s\n", n, bytes,
           bad ? bad : what, rend ? "renders the same text" : "TEXT DIFFERS");
    int failures = (bad != NULL) + !rend;
    /* move: each page to a new block, the old one freed */
    for (size_t i = 0; i < n; i++) {
        page *m = page_clone(pages[i]);
        if (!m) die("out of memory");
        memset(pages[i], 0xdb, (size_t)pages[i]->total_size);
        page_free(pages[i]);
        pages[i] = m;
        t.ring[(t.ring_start + i) % t.ring_cap] = m;
    }
    bad = check_pages(cpages, (const page *const *)clones, n);
    rend = render_equals(cpages, n, out.data, out.len);
    printf("move:  %zu pages to new blocks, the old ones wiped and freed\n       %s; valid; %s\n", n,
           bad ? bad : "every cell, grapheme and link equal", rend ? "renders the same text" : "TEXT DIFFERS");
    failures += (bad != NULL) + !rend;
    /* save, then map the file in a child process */
    char tmp[] = "/tmp/ohm-pages-XXXXXX";
    const char *path = save_path;
    if (!path) {
        int fd = mkstemp(tmp);
        if (fd < 0) die("mkstemp failed");
        close(fd);
        path = tmp;
    }
    if (pagefile_save(path, cpages, n) != 0) die("cannot write the page file");
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) die("fork failed");
    if (pid == 0) {
        pagefile pf;
        const char *why = pagefile_open(path, &pf);
        if (!why && pf.n != n) why = "wrong page count";
        if (!why) why = check_pages(pf.pages, (const page *const *)clones, n);
        if (!why && !render_equals(pf.pages, pf.n, out.data, out.len)) why = "text differs";
        printf("save:  %zu pages to %s (%zu bytes); child process %d\n       mapped the file at %p: %s\n",
               n, path, pf.len, (int)getpid(), pf.map,
               why ? why : "valid; all equal; renders the same text");
        fflush(stdout);
        _exit(why ? 1 : 0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    failures += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (!save_path) unlink(tmp);

    putchar('\n');
    rule("clone and move: ohm page (memcpy) vs pointer-based page (GHashTable)");
    if (quick) {
        printf("(skipped)\n");
    } else {
        printf("%-22s %9s %11s %6s %9s %10s %6s\n", "us per page", "ohm clone", "GHash clone",
               "ratio", "ohm move", "GHash move", "ratio");
        timing tm = time_pages(pages, n);
        for (size_t i = 0; i < n; i++) t.ring[(t.ring_start + i) % t.ring_cap] = pages[i];
        char label[64];
        snprintf(label, sizeof label, "%ux%u, the %zu above", caps.cols, caps.rows, n);
        print_timing_row(label, tm);
        /* A full screen: the same text repeated into one 160 x 50 page. */
        term big;
        if (!term_init(&big, page_default_caps(50, 160), 2, 1)) die("impossible page size");
        while (len > 0 && big.stats.pages < 2) {
            term_feed(&big, text, len);
            term_feed(&big, "\n", 1);
        }
        page *bp = term_page(&big, 0);
        pg_stats bs = page_stats(bp);
        tm = time_pages(&bp, 1);
        big.ring[big.ring_start] = bp;
        snprintf(label, sizeof label, "160x50, the text again");
        print_timing_row(label, tm);
        printf("(the 160x50 page: %u cells, %u graphemes, %u styles, %u links; %" PRIu64 " bytes)\n"
               "clone: allocate, copy, free the copy. move: the page's memory to another\n"
               "address; ohm copies the block, the pointer-based page copies its cells and\n"
               "re-keys every table keyed by a cell pointer. Best of 5 timed batches.\n",
               bs.cells_used, bs.graphemes, bs.styles, bs.links, bs.bytes);
        term_free(&big);
    }

    for (size_t i = 0; i < n; i++) page_free(clones[i]);
    free(clones);
    free(pages);
    sbuf_free(&out);
    term_free(&t);
    if (failures) printf("\n%d CHECKS FAILED\n", failures);
    return failures ? 1 : 0;
}

static int load(const char *path)
{
    pagefile pf;
    const char *why = pagefile_open(path, &pf);
    if (why) {
        fprintf(stderr, "page: %s\n", why);
        return 1;
    }
    sbuf out = {0, 0, 0};
    pages_render(pf.pages, pf.n, &out);
    fwrite(out.data, 1, out.len, stdout);
    sbuf_free(&out);
    pagefile_close(&pf);
    return 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: page [--cols N] [--rows N] [--pages N] [--render] [--quick] [--save OUT] [FILE | -]\n"
            "       page --load OUT\n"
            "       page --print-sample\n"
            "With no FILE the built-in sample is used; - reads standard input.\n");
    exit(2);
}

static uint32_t number(const char *s, uint32_t lo, uint32_t hi)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi) usage();
    return (uint32_t)v;
}

int main(int argc, char **argv)
{
    uint32_t rows = SAMPLE_ROWS, cols = SAMPLE_COLS, max_pages = 1u << 20;
    bool render_only = false, quick = false;
    const char *save = NULL, *loadp = NULL, *file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "--cols") && more) cols = number(argv[++i], 2, 65535);
        else if (!strcmp(a, "--rows") && more) rows = number(argv[++i], 1, 65535);
        else if (!strcmp(a, "--pages") && more) max_pages = number(argv[++i], 1, 1u << 24);
        else if (!strcmp(a, "--save") && more) save = argv[++i];
        else if (!strcmp(a, "--load") && more) loadp = argv[++i];
        else if (!strcmp(a, "--render")) render_only = true;
        else if (!strcmp(a, "--quick")) quick = true;
        else if (!strcmp(a, "--print-sample")) {
            fwrite(SAMPLE_TEXT, 1, sizeof SAMPLE_TEXT - 1, stdout);
            return 0;
        }
        else if (a[0] == '-' && a[1] == '-') usage();
        else if (!file) file = a;
        else usage();
    }
    if (loadp) return load(loadp);

    char *text = NULL;
    size_t len;
    const char *name = "built-in sample";
    if (!file) {
        len = sizeof SAMPLE_TEXT - 1;
    } else if (!strcmp(file, "-")) {
        text = read_all(stdin, &len);
        name = "standard input";
    } else {
        FILE *f = fopen(file, "rb");
        if (!f) {
            fprintf(stderr, "page: %s: %s\n", file, strerror(errno));
            return 1;
        }
        text = read_all(f, &len);
        fclose(f);
        name = file;
    }
    const char *input = text ? text : SAMPLE_TEXT;
    pg_caps caps = page_default_caps(rows, cols);
    int rc = 0;
    if (render_only) {
        term t;
        if (!term_init(&t, caps, max_pages, make_seed())) die("impossible page size");
        term_feed(&t, input, len);
        if (save) {
            const page **pages = (const page **)malloc(t.ring_len * sizeof *pages);
            if (!pages) die("out of memory");
            for (uint32_t i = 0; i < t.ring_len; i++) pages[i] = term_page(&t, i);
            if (pagefile_save(save, pages, t.ring_len) != 0) die("cannot write the page file");
            free(pages);
        }
        sbuf out = {0, 0, 0};
        term_render(&t, &out);
        fwrite(out.data, 1, out.len, stdout);
        sbuf_free(&out);
        term_free(&t);
        free(text);
        return 0;
    }
    rc = demo(input, len, name, caps, max_pages, save, quick);
    free(text);
    return rc;
}
