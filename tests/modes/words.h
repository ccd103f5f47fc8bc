/* words.h - a project header: one map type, declared once for every file
 * that includes it (OHM_DECLARE). words.c compiles its functions once. */
#ifndef WORDS_H
#define WORDS_H
#include "ohm.h"

#define OHM_NAME words
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_DECLARE
#include "ohm_map.h"

/* count.c's part of the program */
uint32_t count_into(words *m, const uint32_t *keys, size_t n);
#endif
