/* expect: duplicate member */
/* A user's macro named like a member of ohm.h's structs and defined before
 * ohm.h rewrites the struct itself, which no header after can undo: here
 * ohm_header's count becomes a second capacity. The build fails, as
 * docs/map.md says; between ohm.h and ohm_map.h the macro would be
 * harmless (tests/hygiene_members.c). */
#include <stdint.h>
#define count capacity
#include "ohm.h"
#define OHM_NAME bad
#define OHM_KEY uint32_t
#include "ohm_map.h"
