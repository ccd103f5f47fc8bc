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
pass=0; fail=0
# macros CC STD LANG STEP: the sorted #define lines, without the step itself
macros() {
    $1 -std=$2 -x $3 -Iinclude -DOHM_MACROS_STEP=$4 -dM -E "$src" | grep -v '^#define OHM_MACROS_STEP ' | LC_ALL=C sort
}
for cc in "$@"; do
    case $cc in
    *++) std=c++17; lang=c++ ;;
    *) std=c11; lang=c ;;
    esac
    macros "$cc" $std $lang 0 >"$tmp/0" || { echo "FAIL $cc: step 0 does not preprocess"; fail=$((fail + 1)); continue; }
    step=1
    while [ "$step" -le "$steps" ]; do
        if ! $cc -std=$std -x $lang -Wall -Wextra -Werror -pedantic -Iinclude -DOHM_MACROS_STEP=$step -fsyntax-only "$src"; then
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
