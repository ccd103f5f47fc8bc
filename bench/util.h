/* util.h - the bench driver's small helpers: fatal errors and allocation.
 * (bench/README.md, "Files", lists the driver's files.) */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stddef.h>

/* "bench: " and the message on stderr, then exit status 2. */
void die(const char *fmt, ...);
/* calloc that dies when memory runs out (count or size 0 asks for 1). */
void *xcalloc(size_t count, size_t size);

#endif /* BENCH_UTIL_H */
