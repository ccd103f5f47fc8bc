/* count.c - a second file using words.h's map through its declarations. */
#include "words.h"

uint32_t count_into(words *m, const uint32_t *keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        words_entry e;
        ohm_status st = words_get_or_put(m, keys[i], &e);
        if (st == OHM_FULL) return 0;
        *e.value = st == OHM_OK ? 1 : *e.value + 1;
    }
    return words_count(m);
}
