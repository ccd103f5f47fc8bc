#!/bin/sh
# The template leaks no macro: tests/macros/instances.c preprocessed with
# -dM -E at step 0 (ohm.h and the user's helpers) and at each step that adds
# one more instantiation of ohm_map.h must give the same macro set, each
# with the same definition. Every step is also compiled (-fsyntax-only) so
# that the instantiations are real ones. C compilers preprocess it as C11,
# C++ compilers (name ending in ++) as C++17.
#   usage: tests/macros/run.sh COMPILER...
src=tests/macros/instances.c
steps=$(sed -n 's/^#define OHM_MACROS_STEPS \([0-9]*\)$/\1/p' "$src")
[ -n "$steps" ] || { echo "macros: no OHM_MACROS_STEPS in $src"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# The user's macros between the headers, one for every lower-case name the
# template's code (ohm_map.h and its private ohm_core.h and ohm_check.h)
# and ohm.h's macros use bare (members, macro parameters;
# not keywords nor the standard library's): ohm_map.h must save, undefine
# and restore the members' (its list at its top), so every step compiles
# with them and ends with them as they were. gcc -fpreprocessed drops the
# comments, the seds the numbers and strings.
{ for h in include/ohm_map.h include/ohm_core.h include/ohm_check.h; do gcc -fpreprocessed -dD -E -P "$h"; done
  gcc -fpreprocessed -dD -E -P include/ohm.h | grep '^#define'
} 2>/dev/null | sed 's/\b[0-9][0-9A-Za-z_.]*//g; s/"\([^"\\]\|\\.\)*"//g' | grep -o '[A-Za-z_][A-Za-z0-9_]*' |
    grep -x '[a-z][a-z0-9_]*' | grep -v '^ohm_\|_t$' | LC_ALL=C sort -u |
    grep -vxE 'if|else|for|while|do|return|break|continue|switch|case|default|sizeof|typedef|struct|union|enum|static|inline|extern|const|volatile|void|char|short|int|long|unsigned|signed|float|double|bool|true|false|define|defined|undef|ifdef|ifndef|elif|endif|error|include|pragma|alignof|nullptr|static_cast|reinterpret_cast|static_assert|std|is_trivially_copyable|memset|memcpy|abort|malloc|free|fprintf|stderr|sched_yield' |
    sed 's/.*/#define & &_is_a_user_macro/' >"$tmp/user.h"
[ "$(grep -c 'define count ' "$tmp/user.h")" -eq 1 ] || { echo "macros: no member names found in the headers"; exit 1; }
pass=0; fail=0
# macros CC STD LANG STEP: the sorted #define lines, without the step itself
macros() {
    $1 -std=$2 -x $3 -Iinclude -DOHM_MACROS_STEP=$4 -DOHM_MACROS_USER=\"$tmp/user.h\" -dM -E "$src" | grep -v '^#define OHM_MACROS_STEP ' | LC_ALL=C sort
}
for cc in "$@"; do
    case $cc in
    *++) std=c++17; lang=c++ ;;
    *) std=c11; lang=c ;;
    esac
    macros "$cc" $std $lang 0 >"$tmp/0" || { echo "FAIL $cc: step 0 does not preprocess"; fail=$((fail + 1)); continue; }
    step=1
    while [ "$step" -le "$steps" ]; do
        if ! $cc -std=$std -x $lang -Wall -Wextra -Werror -pedantic -Iinclude -DOHM_MACROS_STEP=$step -DOHM_MACROS_USER=\"$tmp/user.h\" -fsyntax-only "$src"; then
            echo "FAIL $cc step $step: does not compile"; fail=$((fail + 1))
        elif ! macros "$cc" $std $lang $step >"$tmp/$step"; then
            echo "FAIL $cc step $step: does not preprocess"; fail=$((fail + 1))
        elif ! LC_ALL=C comm -3 "$tmp/0" "$tmp/$step" >"$tmp/diff" || [ -s "$tmp/diff" ]; then
            echo "FAIL $cc step $step: the macros differ from step 0 (left: before, right: after the instantiations):"
            sed 's/^/    /' "$tmp/diff"; fail=$((fail + 1))
        else
            pass=$((pass + 1))
        fi
        step=$((step + 1))
    done
done
echo "template macros: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
