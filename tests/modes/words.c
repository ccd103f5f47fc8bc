/* words.c - the one file that defines the functions of words.h's map
 * (OHM_DEFINE, after the declarations, same parameters). */
#include "words.h"

#define OHM_NAME words
#define OHM_KEY uint32_t
#define OHM_VALUE uint32_t
#define OHM_DEFINE
#include "ohm_map.h"
