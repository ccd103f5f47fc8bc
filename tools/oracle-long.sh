#!/bin/sh
# tools/oracle-long.sh - the differential test (tests/test_oracle.c) for a
# long run: built at -O2 with assertions on, run for SEEDS seeds (0x1000,
# 0x1001, ...) at OHM_TEST_SCALE=SCALE in JOBS parallel streams; prints the
# oracle-checked operations summed over all seeds and exits non-zero when
# any seed failed (its output is kept in build/oracle-long/seed-N.log).
#   usage: sh tools/oracle-long.sh [SEEDS] [SCALE] [JOBS]   (defaults 172 5 2)
# About 1e9 operations with the defaults; 10-40 minutes on two cores.
set -eu
seeds=${1:-172} scale=${2:-5} jobs=${3:-2}
out=build/oracle-long
rm -rf "$out" && mkdir -p "$out"
cc -std=c11 -O2 -g -Iinclude -Itests tests/test_oracle.c src/ohm.c -o "$out/test_oracle" -lm
start=$(date +%s)
stream() { # stream J: seeds J, J + jobs, ...
    i=$1
    while [ "$i" -lt "$seeds" ]; do
        s=$((0x1000 + i))
        if ! OHM_TEST_SCALE=$scale "$out/test_oracle" "$s" >"$out/seed-$s.log" 2>&1; then
            echo "FAIL seed $s ($out/seed-$s.log)"
        fi
        i=$((i + jobs))
    done
}
j=0
while [ "$j" -lt "$jobs" ]; do
    stream "$j" &
    j=$((j + 1))
done
wait
failed=$(grep -L '^ok:' "$out"/seed-*.log | wc -l)
ops=$(sed -n 's/^total: \([0-9]*\) operations.*/\1/p' "$out"/seed-*.log | awk '{s += $1} END {printf "%d", s}')
echo "oracle-long: $seeds seeds at scale $scale, $ops oracle-checked operations, $failed failed, $(( $(date +%s) - start )) s"
[ "$failed" -eq 0 ]
