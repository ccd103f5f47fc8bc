/* pagefile.h - pages saved to a file as their raw blocks, and mapped back.
 *
 * File: a header {magic "OHMPAGES", version, count}, an index of {offset,
 * size} per page, then each page block at a 4096-byte boundary, byte for
 * byte as it was in memory. Opening maps the file read-only and validates
 * every page (page_validate) before handing it out: the pages are used in
 * place, at whatever address the mapping got. */
#ifndef PAGEFILE_H
#define PAGEFILE_H

#include <stddef.h>
#include <stdint.h>

#include "page.h"

#define PAGEFILE_ALIGN 4096u

/* Write pages[0..n) to path. 0 on success, else -1 with errno set. */
int pagefile_save(const char *path, const page *const *pages, size_t n);

typedef struct pagefile {
    void *map;           /* the read-only mapping */
    size_t len;
    size_t n;            /* pages */
    const page **pages;  /* into the mapping */
} pagefile;

/* Map and validate a file. NULL on success, else what is wrong (and pf is
 * left closed). */
const char *pagefile_open(const char *path, pagefile *pf);
void pagefile_close(pagefile *pf);

#endif /* PAGEFILE_H */
