#!/bin/sh
# Each file here must fail to compile, and the compiler's message must
# contain the sentence on its first line after "expect: ", so that a bad
# template parameter is refused with a message that names the fix. C files
# (*.c) are compiled as C11 by the C compilers, C++ files (*.cpp) as C++17
# by the C++ compilers (those whose name ends in ++). A second line
# "/* errors: N */" also requires exactly N diagnostics that say "error:",
# so that a refused parameter gives its one message and no cascade.
#   usage: tests/compile_fail/run.sh COMPILER...
pass=0; fail=0
for cc in "$@"; do
    case $cc in
    *++) std=c++17; ext=cpp ;;
    *) std=c11; ext=c ;;
    esac
    for f in tests/compile_fail/*.$ext; do
        want=$(sed -n '1s|^/\* expect: \(.*\) \*/$|\1|p' "$f")
        errors=$(sed -n '2s|^/\* errors: \([0-9]*\) \*/$|\1|p' "$f")
        if out=$($cc -std=$std -Iinclude -fsyntax-only "$f" 2>&1); then
            echo "FAIL $cc $f: compiled, but must not"; fail=$((fail + 1))
        elif ! printf '%s\n' "$out" | grep -qF "$want"; then
            echo "FAIL $cc $f: no \"$want\" in:"; printf '%s\n' "$out" | head -5; fail=$((fail + 1))
        elif [ -n "$errors" ] && [ "$(printf '%s\n' "$out" | grep -c 'error:')" -ne "$errors" ]; then
            echo "FAIL $cc $f: not exactly $errors error(s):"; printf '%s\n' "$out" | grep 'error:' | head -5
            fail=$((fail + 1))
        else
            pass=$((pass + 1))
        fi
    done
done
echo "compile-fail: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
