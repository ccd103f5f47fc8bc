/* main.c - a third file: the map made here, filled by count.c, checked
 * here; the functions themselves live in words.o alone (the Makefile
 * checks with nm). Prints "N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>

#include "words.h"

int main(void)
{
    ohm_layout l = words_layout(100);
    void *b = aligned_alloc(words_base_align(), l.total_size);
    words *m = words_init(b, l);
    uint32_t keys[300];
    for (uint32_t i = 0; i < 300; i++) keys[i] = i % 100;
    int ok = m != NULL && count_into(m, keys, 300) == 100;
    for (uint32_t k = 0; k < 100 && ok; k++) ok = words_get(m, k) && *words_get(m, k) == 3;
    ok = ok && words_check(m) == OHM_OK;
    free(b);
    printf("%s: %d passed, %d failed\n", ok ? "ok" : "FAILED", ok, !ok);
    return !ok;
}
