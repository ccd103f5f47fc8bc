/* hygiene_user.h - what hygiene_user.c computes, for test_hygiene.c. */
#ifndef HYGIENE_USER_H
#define HYGIENE_USER_H
#include "ohm.h"

typedef struct hygiene_result {
    unsigned inserted, found, absent_found, home_ok; /* of 900 keys */
    ohm_status check, check_after_removal;
    ohm_status ex_validate, ex_check_other_user;     /* OHM_HASH_EX map */
    unsigned ex_found;                              /* of 500 keys */
} hygiene_result;

hygiene_result hygiene_run(void);
#endif
