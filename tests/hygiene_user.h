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

/* What hygiene_members.c computes under its macros named like members. */
typedef struct hygiene_members {
    unsigned inserted, found, counted, iterated; /* of 900 keys */
    uint64_t value_sum;                          /* of the values iterated */
    unsigned set_count;                          /* of 50 keys left in the set */
    ohm_status check, set_check;
    unsigned user_capacity, user_count, user_seed, user_mask; /* the macros, after */
    unsigned key_is_the_users;
} hygiene_members;

hygiene_members hygiene_members_run(void);
#endif
