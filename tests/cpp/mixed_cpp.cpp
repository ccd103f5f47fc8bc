// mixed_cpp.cpp - the C++ half: a block made by C code is the same map
// here (attached, validated, changed), and the C code then reads back what
// C++ did. The functions are compiled once, in mixed_c.c.
#include <cstdio>
#include <cstdlib>

#include "shared_map.h"

int main()
{
    const uint32_t n = 3000;
    size_t size = 0;
    void *b = mixed_make_block_in_c(n, &size);
    shm *m = nullptr;
    int ok = shm_attach(b, size, &m) == OHM_OK && shm_validate(b, size) == OHM_OK && shm_seed(m) == 77 &&
             shm_count(m) == n;
    for (uint32_t k = 0; k < n && ok; k++) ok = shm_get(m, k) && *shm_get(m, k) == k + 1;
    shm_iter it = shm_iter_begin(m);
    shm_entry e;
    while (shm_iter_next(&it, &e)) {
        if (*e.key % 2) shm_iter_remove(&it);
        else *e.value *= 2;
    }
    ok = ok && shm_count(m) == n / 2 && mixed_check_in_c(b, size, n);
    std::free(b);
    std::printf("%s: %d passed, %d failed\n", ok ? "ok" : "FAILED", ok ? 1 : 0, ok ? 0 : 1);
    return !ok;
}
