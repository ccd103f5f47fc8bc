/* basic.c - the README's example: build a map, copy its block, use the copy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ohm.h"

#define OHM_NAME imap          /* prefix of the generated names */
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t     /* leave it out for a set */
#include "ohm_map.h"

int main(void) {
    ohm_layout l = imap_layout(1000);              /* room for 1000 entries */
    void *a = aligned_alloc(imap_base_align(), l.total_size);
    imap *m = imap_init(a, l);
    for (uint32_t k = 0; k < 1000; k++) imap_put(m, k, k * k);

    void *b = aligned_alloc(imap_base_align(), l.total_size);
    memcpy(b, a, imap_block_size(m));              /* the copy is the same map */
    free(a);
    printf("%u\n", *imap_get((imap *)b, 12));      /* prints 144 */
    free(b);
    return 0;
}
