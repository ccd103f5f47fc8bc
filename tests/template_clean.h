/* template_clean.h - include after an instantiation of ohm_map.h: fails the
 * build when a template parameter or an internal helper of the template is
 * still defined (ohm_map.h must #undef all of them, so that it can be
 * included again with other parameters). When the template gains a helper
 * macro, add it here; tests/macros/run.sh (make test-template-macros)
 * compares the whole macro set, so it catches a name missing here. */
#if defined(OHM_NAME) || defined(OHM_KEY) || defined(OHM_VALUE)
#error "ohm_map.h left OHM_NAME, OHM_KEY or OHM_VALUE defined"
#endif
#if defined(OHM_HASH) || defined(OHM_HASH_EX) || defined(OHM_EQ) || defined(OHM_EQ_EX)
#error "ohm_map.h left OHM_HASH, OHM_HASH_EX, OHM_EQ or OHM_EQ_EX defined"
#endif
#if defined(OHM_MAX_LOAD) || defined(OHM_TYPE_TAG) || defined(OHM_INTERLEAVE) || defined(OHM_SHARED)
#error "ohm_map.h left OHM_MAX_LOAD, OHM_TYPE_TAG, OHM_INTERLEAVE or OHM_SHARED defined"
#endif
#if defined(OHM_DEBUG_CHECKS)
#error "ohm_map.h left OHM_DEBUG_CHECKS defined: it would leak into the next instantiation"
#endif
#if defined(OHM__F) || defined(OHM__N) || defined(OHM__K) || defined(OHM__V)
#error "ohm_map.h left OHM__F, OHM__N, OHM__K or OHM__V defined"
#endif
#if defined(OHM__HASH) || defined(OHM__EQ) || defined(OHM__MAP_ONLY) || defined(OHM__DEBUG_CHECK)
#error "ohm_map.h left OHM__HASH, OHM__EQ, OHM__MAP_ONLY or OHM__DEBUG_CHECK defined"
#endif
#if defined(OHM__VAL_SIZE) || defined(OHM__VAL_ALIGN) || defined(OHM__FLAGS)
#error "ohm_map.h left OHM__VAL_SIZE, OHM__VAL_ALIGN or OHM__FLAGS defined"
#endif
#if defined(OHM__KSTRIDE) || defined(OHM__VSTRIDE)
#error "ohm_map.h left OHM__KSTRIDE or OHM__VSTRIDE defined"
#endif
#if defined(OHM__ENTRY) || defined(OHM__KV) || defined(OHM__ITER) || defined(OHM__EQ_FN)
#error "ohm_map.h left OHM__ENTRY, OHM__KV, OHM__ITER or OHM__EQ_FN defined"
#endif
#if defined(OHM__GS) || defined(OHM__META_START)
#error "ohm_map.h left OHM__GS or OHM__META_START defined"
#endif
#if defined(OHM__REFUSED)
#error "ohm_map.h left OHM__REFUSED defined: the next instantiation would compile nothing"
#endif
