#!/bin/sh
# Build the fuzz targets into build/fuzz/ and run each for SECONDS seconds
# (one after the other). Exits non-zero when a target fails to build or
# finds a crash, leak, timeout or broken expectation.
#
# usage: sh fuzz/run.sh SECONDS [TARGET...]
#
# Targets: ops, block, tool (the default), and ops_swar, block_swar: the
# same built with -DOHM_NO_SIMD, so that the portable SWAR group code (a
# 16-slot group as two 64-bit words; used where there is no SSE2 or NEON)
# is fuzzed on this machine too. tool is ohmtool's reading of block files
# (fuzz_tool.c); it starts from the block seeds.
#
# The committed seeds in fuzz/corpus/T/ are copied into build/fuzz/corpus_T/,
# which libFuzzer grows; the committed corpus is never written. Crashing
# inputs land in build/fuzz/artifacts_T/; see fuzz/README.md to replay them.
# FUZZ_OUT=dir puts binaries, corpora, logs and artifacts there instead;
# FUZZ_CC=compiler picks another clang.
set -eu

cd "$(dirname "$0")/.."
secs=${1:-600}
[ $# -gt 0 ] && shift
targets=${*:-ops block tool}

CC=${FUZZ_CC:-clang}
CFLAGS="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -std=c11 -Iinclude -O1 -g
        -Wall -Wextra -Werror -pedantic -Wshadow"
out=${FUZZ_OUT:-build/fuzz}
mkdir -p "$out"

# Per-target options: block inputs are whole blocks (capacity up to ~1024
# slots), ops inputs are operation streams.
opts_ops="-max_len=4096"
opts_block="-max_len=16384"
opts_tool="-max_len=16384"

for t in $targets; do
    base=${t%_swar}
    extra=
    [ "$base" != "$t" ] && extra=-DOHM_NO_SIMD
    echo "== build $out/fuzz_$t"
    # shellcheck disable=SC2086
    $CC $CFLAGS $extra "fuzz/fuzz_$base.c" -o "$out/fuzz_$t"
done

# The committed seeds are generated (gen_corpus.c) from real blocks; after
# a change to the format or the default hash they no longer validate and
# the block target loses its starting points. Say so.
cc -std=c11 -Iinclude -Ifuzz fuzz/gen_corpus.c -o "$out/gen_corpus"
rm -rf "$out/corpus_gen" && mkdir -p "$out/corpus_gen/block" "$out/corpus_gen/ops"
if "$out/gen_corpus" "$out/corpus_gen" && diff -r -q fuzz/corpus "$out/corpus_gen" >/dev/null; then
    :
else
    echo "!! warning: fuzz/corpus differs from what gen_corpus.c writes now: regenerate it (fuzz/README.md)"
fi

status=0
for t in $targets; do
    base=${t%_swar}
    mkdir -p "$out/corpus_$t" "$out/artifacts_$t"
    seeds=$base
    [ "$base" = tool ] && seeds=block
    cp fuzz/corpus/"$seeds"/* "$out/corpus_$t/"
    eval "opts=\$opts_$base"
    echo "== run $out/fuzz_$t for $secs s"
    # shellcheck disable=SC2086
    if ! "$out/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 -timeout=30 \
        -artifact_prefix="$out/artifacts_$t/" $opts "$out/corpus_$t" \
        >"$out/fuzz_$t.log" 2>&1; then
        status=1
        echo "!! fuzz_$t failed: see $out/fuzz_$t.log and $out/artifacts_$t/"
        grep -a -m5 'fuzz:\|ERROR\|runtime error\|SUMMARY\|Test unit written' "$out/fuzz_$t.log" || true
    fi
    grep -a '^stat::\|^Done\|cov:' "$out/fuzz_$t.log" | tail -8
done
[ "$status" -eq 0 ] && echo "fuzz: no findings" || echo "fuzz: FAILED"
exit "$status"
