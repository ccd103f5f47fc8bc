/* The compiled part of ohm (status strings, layout arithmetic, header
 * checks, the byte-string hash), built into libohm.a. A header-only user
 * defines OHM_IMPLEMENTATION in one translation unit instead. */
#define OHM_IMPLEMENTATION
#include "ohm.h"
