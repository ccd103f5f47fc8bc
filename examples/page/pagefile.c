/* pagefile.c - save pages as raw blocks, map them back anywhere. */
#include "pagefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct file_header {
    char magic[8]; /* "OHMPAGES" */
    uint32_t version, count;
} file_header;

typedef struct file_entry {
    uint64_t off, size;
} file_entry;

static uint64_t align_up(uint64_t x) { return (x + PAGEFILE_ALIGN - 1) & ~(uint64_t)(PAGEFILE_ALIGN - 1); }

static int write_all(int fd, const void *p, size_t n, uint64_t at)
{
    const char *c = (const char *)p;
    while (n > 0) {
        ssize_t k = pwrite(fd, c, n, (off_t)at);
        if (k < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        c += k;
        n -= (size_t)k;
        at += (uint64_t)k;
    }
    return 0;
}

int pagefile_save(const char *path, const page *const *pages, size_t n)
{
    if (n > UINT32_MAX) {
        errno = EINVAL;
        return -1;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return -1;
    file_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, "OHMPAGES", 8);
    h.version = 1;
    h.count = (uint32_t)n;
    int rc = write_all(fd, &h, sizeof h, 0);
    uint64_t at = align_up(sizeof h + n * sizeof(file_entry)), end = at;
    for (size_t i = 0; i < n && rc == 0; i++) {
        file_entry e = {at, pages[i]->total_size};
        rc = write_all(fd, &e, sizeof e, sizeof h + i * sizeof e);
        if (rc == 0) rc = write_all(fd, pages[i], (size_t)e.size, at);
        end = at + e.size;
        at = align_up(end);
    }
    if (rc == 0 && ftruncate(fd, (off_t)end) != 0) rc = -1;
    int saved = errno;
    if (close(fd) != 0 && rc == 0) return -1;
    errno = saved;
    return rc;
}

static char open_msg[200];

const char *pagefile_open(const char *path, pagefile *pf)
{
    memset(pf, 0, sizeof *pf);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(open_msg, sizeof open_msg, "%s: %s", path, strerror(errno));
        return open_msg;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < (off_t)sizeof(file_header)) {
        close(fd);
        return "not a page file (too short)";
    }
    size_t len = (size_t)st.st_size;
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) {
        snprintf(open_msg, sizeof open_msg, "mmap: %s", strerror(errno));
        return open_msg;
    }
    const char *why = NULL;
    file_header h;
    memcpy(&h, map, sizeof h);
    if (memcmp(h.magic, "OHMPAGES", 8) != 0 || h.version != 1) why = "not a page file (bad magic)";
    else if ((len - sizeof h) / sizeof(file_entry) < h.count) why = "page index beyond the file";
    const page **pages = NULL;
    if (!why) {
        pages = (const page **)calloc(h.count ? h.count : 1, sizeof *pages);
        if (!pages) why = "out of memory";
    }
    for (uint32_t i = 0; !why && i < h.count; i++) {
        file_entry e;
        memcpy(&e, (const char *)map + sizeof h + i * sizeof e, sizeof e);
        if (e.off % PAGEFILE_ALIGN != 0 || e.off > len || e.size > len - e.off) {
            why = "page outside the file";
            break;
        }
        const char *bad = page_validate((const char *)map + e.off, (size_t)e.size);
        if (bad) {
            snprintf(open_msg, sizeof open_msg, "page %u: %s", i, bad);
            why = open_msg;
            break;
        }
        pages[i] = (const page *)(const void *)((const char *)map + e.off);
    }
    if (why) {
        free(pages);
        munmap(map, len);
        return why;
    }
    pf->map = map;
    pf->len = len;
    pf->n = h.count;
    pf->pages = pages;
    return NULL;
}

void pagefile_close(pagefile *pf)
{
    if (pf->map) munmap(pf->map, pf->len);
    free(pf->pages);
    memset(pf, 0, sizeof *pf);
}
