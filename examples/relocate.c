/* relocate.c - one map, four places: built in a heap block, copied to
 * another address, written to a file, mapped back from the file. At each
 * place the same map answers the same lookups, because the block holds
 * offsets, never pointers. `make demo` runs this.
 *
 * usage: relocate [FILE]   (default: a temporary file, removed at the end)
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ohm.h"

/* A map from a terminal cell's offset to a colour: the page map's job. */
#define OHM_NAME cellmap
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_MAX_LOAD 80
#include "ohm_map.h"

enum { ENTRIES = 1000 };

static uint32_t colour_of(uint32_t cell) { return 0x102030u * (cell % 7) + cell; }

/* Look up every key and a few absent ones; print one line; 0 when right. */
static int show(const char *where, const cellmap *m)
{
    unsigned found = 0, right = 0, absent = 0;
    for (uint32_t k = 0; k < ENTRIES; k++) {
        const uint32_t *v = cellmap_get(m, k * 3);
        found += v != NULL;
        right += v != NULL && *v == colour_of(k * 3);
    }
    for (uint32_t k = 0; k < 100; k++) absent += !cellmap_contains(m, k * 3 + 1);
    printf("  %-28s at %p: %u entries, %u/%u found, %u right, %u/100 misses, check: %s\n",
           where, (const void *)m, (unsigned)cellmap_count(m), found, ENTRIES, right, absent,
           ohm_strerror(cellmap_check(m)));
    return found == ENTRIES && right == ENTRIES && absent == 100 && cellmap_check(m) == OHM_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    int bad = 0;
    ohm_layout l = cellmap_layout(ENTRIES);
    printf("ohm relocation demo\n");
    printf("  a map for %d entries at 80%% maximum load: capacity %u slots, block %zu bytes\n"
           "  (header %zu, metadata from %zu, keys from %zu, values from %zu)\n\n",
           ENTRIES, l.capacity, l.total_size, sizeof(ohm_header), l.meta_start, l.keys_start,
           l.vals_start);

    /* 1. Build it in a heap block. */
    void *heap = aligned_alloc(cellmap_base_align(), l.total_size);
    cellmap *m = cellmap_init(heap, l);
    if (!m) return 1;
    for (uint32_t k = 0; k < ENTRIES; k++) cellmap_put(m, k * 3, colour_of(k * 3));
    bad |= show("1. built in a heap block", m);

    /* 2. memcpy to another address, 8 bytes off a page boundary; wipe the
     * original so nothing can be read from it by accident. */
    char *raw = aligned_alloc(4096, l.total_size + 4096);
    void *copy = raw + 8;
    memcpy(copy, heap, l.total_size);
    memset(heap, 0xAA, l.total_size);
    free(heap);
    bad |= show("2. memcpy'd elsewhere", (cellmap *)copy);

    /* ... and it is a live map there: change it. */
    cellmap *c = (cellmap *)copy;
    cellmap_remove(c, 0);
    cellmap_put(c, 0, colour_of(0));
    printf("  %-28s removed and re-put key 0 in the copy: %s\n", "", ohm_strerror(cellmap_check(c)));

    /* 3. Write the block to a file. */
    char tmpl[] = "/tmp/ohm-demo-XXXXXX";
    const char *path = argc > 1 ? argv[1] : tmpl;
    int fd = argc > 1 ? open(path, O_RDWR | O_CREAT | O_TRUNC, 0644) : mkstemp(tmpl);
    if (fd < 0 || write(fd, copy, l.total_size) != (ssize_t)l.total_size) {
        perror("write");
        return 1;
    }
    free(raw);
    printf("  %-28s wrote %zu bytes to %s\n", "3. saved", l.total_size, path);

    /* 4. Map the file back; check the untrusted bytes before using them. */
    struct stat st;
    if (fstat(fd, &st) != 0) return 1;
    void *mapped = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (mapped == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    cellmap *f;
    ohm_status vs = cellmap_validate(mapped, (size_t)st.st_size);
    ohm_status as = cellmap_attach(mapped, (size_t)st.st_size, &f);
    printf("  %-28s validate: %s, attach: %s\n", "4. mapped back from the file", ohm_strerror(vs),
           ohm_strerror(as));
    if (as != OHM_OK) return 1;
    bad |= show("   the mapped file", f);

    /* A damaged file is refused with a reason instead of being misread. */
    ohm_status shortst = cellmap_validate(mapped, (size_t)st.st_size - 1);
    printf("  %-28s one byte short: %s\n", "   a truncated file", ohm_strerror(shortst));
    bad |= shortst != OHM_TOO_SHORT;

    munmap(mapped, (size_t)st.st_size);
    close(fd);
    if (argc <= 1) unlink(tmpl);
    printf("\n%s\n", bad ? "FAILED: the map differed somewhere" : "the same map at every place");
    return bad;
}
