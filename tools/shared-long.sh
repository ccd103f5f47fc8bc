#!/bin/sh
# A long run of the lock-free readers' test (tests/test_stress_read.c):
# every map and mode until the readers have made LOOKUPS checked lookups
# in all (default 1e9), built with -O2 and no sanitizer (as a user builds
# it). Prints the lookups, the writer's mutations and the time; exits
# non-zero on any wrong answer.
#   usage: tools/shared-long.sh [LOOKUPS [SEED]]   (from the top of the repository)
set -e
lookups=${1:-1e9}
seed=${2:-$(date +%s)}
out=build/long
mkdir -p $out
${CC:-gcc} -std=c11 -Wall -Wextra -Werror -pedantic -Wshadow -O2 -g -Iinclude -Itests \
    tests/test_stress_read.c src/ohm.c -o $out/test_stress_read -lm -pthread
start=$(date +%s)
OHM_READ_LOOKUPS=$lookups OHM_READ_MS=0 $out/test_stress_read "$seed"
echo "shared-long: $lookups lookups asked, $(($(date +%s) - start)) s wall time"
