/* structure.c - a whole relocatable structure: an array of records and two
 * maps indexing it, all in one block planned with ohm_plan. The block is
 * built, memcpy'd to another address, written to a file and read back into
 * fresh memory; at each place the same questions get the same answers,
 * because everything inside refers to everything else by offsets from the
 * block's start.
 *
 *     [ header | cities[] | by_id: id -> index | by_cell: grid cell -> count ]
 *
 * usage: structure [FILE]   (default: a temporary file, removed at the end)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ohm.h"

#define OHM_NAME by_id /* city id -> index in cities[] */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_MAX_LOAD 80
#include "ohm_map.h"

#define OHM_NAME by_cell /* grid cell (x / 100, y / 100) -> cities in it */
#define OHM_KEY uint64_t
#define OHM_VALUE uint32_t
#define OHM_MAX_LOAD 80
#include "ohm_map.h"

typedef struct city {
    uint32_t id, population;
    int32_t x, y; /* km */
    char name[16];
} city;

/* The block's own header: what it is and where its parts are. */
#define ATLAS_MAGIC 0x53414c54u /* "TLAS" */
typedef struct atlas {
    uint32_t magic, count, cap, pad;
    uint64_t total;                           /* bytes of the whole block */
    uint64_t cities_off, by_id_off, by_cell_off; /* from the block start */
} atlas;

static city *cities(atlas *a) { return OHM_AT(city, a, a->cities_off); }
static by_id *ids(atlas *a) { return by_id_at(a, a->by_id_off); }
static by_cell *cells(atlas *a) { return by_cell_at(a, a->by_cell_off); }

static uint64_t cell_of(int32_t x, int32_t y)
{
    return ((uint64_t)(uint32_t)(x / 100) << 32) | (uint32_t)(y / 100);
}

/* Plans the block for `cap` cities; returns its size and alignment. */
static ohm_plan plan_atlas(uint32_t cap, atlas *layout)
{
    ohm_plan p = ohm_plan_init();
    ohm_plan_add(&p, sizeof(atlas), _Alignof(atlas));
    layout->cities_off = ohm_plan_add(&p, (uint64_t)cap * sizeof(city), _Alignof(city));
    layout->by_id_off = ohm_plan_add_map(&p, by_id_layout(cap), by_id_base_align());
    layout->by_cell_off = ohm_plan_add_map(&p, by_cell_layout(cap), by_cell_base_align());
    p.size = (p.size + p.align - 1) / p.align * p.align;
    layout->total = p.size;
    layout->cap = cap;
    return p;
}

static atlas *atlas_new(uint32_t cap)
{
    atlas l;
    ohm_plan p = plan_atlas(cap, &l);
    if (p.failed) return NULL;
    atlas *a = aligned_alloc((size_t)p.align, (size_t)p.size);
    if (!a) return NULL;
    memset(a, 0, (size_t)p.size);
    *a = l;
    a->magic = ATLAS_MAGIC;
    a->count = 0;
    if (!by_id_init(ohm_ptr(a, a->by_id_off), by_id_layout(cap)) ||
        !by_cell_init(ohm_ptr(a, a->by_cell_off), by_cell_layout(cap))) {
        free(a);
        return NULL;
    }
    return a;
}

static int atlas_add(atlas *a, uint32_t id, uint32_t pop, int32_t x, int32_t y, const char *name)
{
    if (a->count == a->cap || by_id_contains(ids(a), id)) return -1;
    city *c = &cities(a)[a->count];
    c->id = id;
    c->population = pop;
    c->x = x;
    c->y = y;
    snprintf(c->name, sizeof c->name, "%s", name);
    by_id_put(ids(a), id, a->count);
    by_cell_entry e;
    if (by_cell_get_or_put(cells(a), cell_of(x, y), &e) == OHM_OK) *e.value = 0;
    (*e.value)++;
    a->count++;
    return 0;
}

/* Checks a block of `len` bytes read from somewhere untrusted. */
static const char *atlas_validate(const void *buf, size_t len)
{
    const atlas *a = buf;
    atlas l;
    if (len < sizeof *a || a->magic != ATLAS_MAGIC) return "not an atlas";
    ohm_plan p = plan_atlas(a->cap, &l);
    if (p.failed || a->total != l.total || a->total > len || a->count > a->cap ||
        a->cities_off != l.cities_off || a->by_id_off != l.by_id_off ||
        a->by_cell_off != l.by_cell_off)
        return "bad atlas header";
    if (by_id_validate(ohm_ptr(a, a->by_id_off), a->by_cell_off - a->by_id_off) != OHM_OK ||
        by_cell_validate(ohm_ptr(a, a->by_cell_off), a->total - a->by_cell_off) != OHM_OK)
        return "bad map";
    return NULL;
}

/* Asks the same questions at every place; returns the number of wrong
 * answers, and prints one line. */
static int tour(const char *where, atlas *a)
{
    int bad = 0;
    /* Every city is found by id, every cell count adds up. */
    uint32_t in_cells = 0;
    by_cell_iter it = by_cell_iter_begin(cells(a));
    by_cell_entry e;
    while (by_cell_iter_next(&it, &e)) in_cells += *e.value;
    for (uint32_t i = 0; i < a->count; i++) {
        const uint32_t *at = by_id_get(ids(a), cities(a)[i].id);
        bad += !at || *at != i;
    }
    bad += in_cells != a->count;
    const uint32_t *p = by_id_get(ids(a), 75);
    const city *c = p ? &cities(a)[*p] : NULL;
    const uint32_t *near = by_cell_get(cells(a), cell_of(250, 250));
    printf("  %-22s block at %p: %u cities; id 75 is %s (pop %u); %u in cell (2,2); "
           "checks %s/%s\n",
           where, (void *)a, (unsigned)a->count, c ? c->name : "?", c ? (unsigned)c->population : 0,
           near ? (unsigned)*near : 0, ohm_strerror(by_id_check(ids(a))),
           ohm_strerror(by_cell_check(cells(a))));
    bad += !c || strcmp(c->name, "city-75") != 0 || !near;
    bad += by_id_check(ids(a)) != OHM_OK || by_cell_check(cells(a)) != OHM_OK;
    return bad;
}

int main(int argc, char **argv)
{
    enum { CAP = 500 };
    int bad = 0;
    atlas *a = atlas_new(CAP);
    if (!a) return 1;
    printf("structure: one block of %llu bytes: cities[%u] at %llu, by_id at %llu, by_cell at %llu\n",
           (unsigned long long)a->total, CAP, (unsigned long long)a->cities_off,
           (unsigned long long)a->by_id_off, (unsigned long long)a->by_cell_off);

    /* 1. Build it. */
    uint64_t st = 1;
    for (uint32_t i = 0; i < 400; i++) {
        st = st * 6364136223846793005u + 1442695040888963407u;
        char name[16];
        snprintf(name, sizeof name, "city-%u", i * 3);
        bad += atlas_add(a, i * 3, (uint32_t)(st >> 44), (int32_t)(st >> 33) % 1000,
                         (int32_t)((st >> 13) % 1000), name) != 0;
    }
    bad += atlas_add(a, 1200, 7, 210, 260, "near") != 0;
    bad += tour("1. built:", a);

    /* 2. memcpy it to another address and wipe the original. */
    atlas l;
    size_t size = (size_t)a->total, align = (size_t)plan_atlas(CAP, &l).align;
    char *raw = aligned_alloc(align, size + align);
    if (!raw) return 1;
    atlas *b = (atlas *)(void *)(raw + align);
    memcpy(b, a, size);
    memset(a, 0xEE, size);
    free(a);
    bad += tour("2. memcpy'd:", b);
    bad += atlas_add(b, 1201, 5, 250, 250, "late") != 0; /* and it is live */

    /* 3. Write it to a file. */
    char tmpl[] = "/tmp/ohm-structure-XXXXXX";
    const char *path = argc > 1 ? argv[1] : tmpl;
    FILE *f = NULL;
    if (argc > 1) {
        f = fopen(path, "wb");
    } else {
        int fd = mkstemp(tmpl);
        f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    }
    if (!f || fwrite(b, 1, size, f) != size || fclose(f) != 0) {
        perror(path);
        return 1;
    }
    printf("  %-22s %zu bytes to %s\n", "3. written:", size, path);

    /* 4. Read it back into fresh memory; validate before use. */
    f = fopen(path, "rb");
    void *back = aligned_alloc(align, (size + align - 1) / align * align);
    if (!f || !back || fread(back, 1, size, f) != size) {
        perror(path);
        return 1;
    }
    fclose(f);
    if (argc <= 1) unlink(tmpl);
    free(raw); /* only now, so that the copy read back cannot reuse its address */
    const char *why = atlas_validate(back, size);
    printf("  %-22s validation: %s\n", "4. read back:", why ? why : "ok");
    if (why) return 1;
    bad += tour("   in fresh memory:", back);
    const char *trunc = atlas_validate(back, size - 1);
    printf("  %-22s validation: %s\n", "   one byte short:", trunc ? trunc : "ok (wrong!)");
    bad += trunc == NULL;
    free(back);

    printf("%s\n", bad ? "FAILED" : "the same structure at every place");
    return bad != 0;
}
