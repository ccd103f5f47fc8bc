#!/bin/sh
# Runs test programs, prefixing each with an optional runner (valgrind),
# and prints one closing line "N passed, N failed" over all programs.
# usage: tests/run.sh "RUNNER" PROGRAM...
runner=$1; shift
pass=0; fail=0; failed=""
for t in "$@"; do
    printf '== %s %s\n' "$runner" "$t"
    if $runner "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $t"; fi
done
[ -n "$failed" ] && printf 'failing programs:%s\n' "$failed"
printf 'programs: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
