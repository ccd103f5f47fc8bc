#!/bin/sh
# The tests on other architectures: every tests/test_*.c built by Debian's
# cross compilers as a static arm64 (NEON probing) and s390x (big-endian,
# SWAR probing) program and run under qemu-user; then blocks exchanged
# between this machine (x86-64, SSE2; and its SWAR build) and the two
# (tests/cross/blockio.c):
#   - x86-64, its SWAR build and arm64 write byte-identical blocks for the
#     same operations (compared with cmp); x86-64 and arm64 each read the
#     other's (entries, validation, bytes equal to their own build);
#   - s390x reads its own blocks and refuses x86-64's with OHM_BAD_ENDIAN;
#     x86-64 and arm64 refuse s390x's.
# Prints which probing each architecture ran, and fails unless arm64 ran
# NEON and s390x SWAR. Needs qemu-user, gcc-aarch64-linux-gnu,
# libc6-dev-arm64-cross, gcc-s390x-linux-gnu, libc6-dev-s390x-cross (the
# Makefile's test-cross installs them). Closes with "cross: N passed,
# N failed", one count per test program, probing check and exchange step.
#   usage: tests/cross/run.sh [OUTDIR]   (from the top of the repository;
#          OUTDIR defaults to build/cross and is emptied first)
#
# Scale: the programs run at full size (OHM_TEST_SCALE unset, 1): under
# qemu they all take about 30 s per architecture, so nothing needs
# shrinking; set OHM_TEST_SCALE to run them smaller.
#
# Left out under qemu-user, for reasons of the emulator, not of ohm:
#   test_fork_shared  qemu-user implements neither mremap with old size 0
#                     (a second view of shared pages: ENOMEM, so the
#                     anonymous-mapping case fails) nor set_robust_list
#                     (ENOSYS, so a process that dies holding the robust
#                     mutex never gives EOWNERDEAD and the next lock hangs).
#                     Its file-backed sharing passes under qemu.
EXCLUDED="test_fork_shared"

WARN="-std=c11 -Wall -Wextra -Werror -pedantic -Wshadow"
FLAGS="-O1 -g"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" # native builds only
OUT=${1:-build/cross}
LIMIT=600 # seconds a program may take under qemu before it counts as hung
pass=0; fail=0; failed=""

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); failed="$failed
  $1"; echo "FAIL $1"; }

# Builds one architecture's programs in $OUT/$1 with compiler $2 (static,
# so qemu needs no target libraries): every test, and blockio.
build_arch() {
    d=$OUT/$1; cc=$2
    mkdir -p "$d"
    $cc $WARN $FLAGS -Iinclude -c src/ohm.c -o "$d/ohm.o" || return 1
    for f in tests/test_*.c; do
        t=$(basename "$f" .c)
        case " $EXCLUDED " in *" $t "*) continue ;; esac
        # Extra sources a test links, as the Makefile lists them (NAME_SRCS).
        extra=$(sed -n "s/^${t}_SRCS *:= *//p" Makefile)
        $cc $WARN $FLAGS -static -Iinclude -Itests "$f" $extra "$d/ohm.o" -o "$d/$t" -lm -pthread ||
            echo "$t" >>"$d/build-failures"
    done
    $cc $WARN $FLAGS -static -Iinclude -Itests tests/cross/blockio.c "$d/ohm.o" -o "$d/blockio" ||
        echo blockio >>"$d/build-failures"
}

for a in aarch64 s390x; do
    command -v $a-linux-gnu-gcc >/dev/null && command -v qemu-$a >/dev/null || {
        echo "tests/cross/run.sh: needs $a-linux-gnu-gcc and qemu-$a (make test-cross installs them)" >&2
        exit 1
    }
done

rm -rf "$OUT"
mkdir -p "$OUT/native"
echo "== building for aarch64 and s390x"
# The two cross builds in parallel, the native blockio builds meanwhile.
build_arch aarch64 aarch64-linux-gnu-gcc &
p1=$!
build_arch s390x s390x-linux-gnu-gcc &
p2=$!
gcc $WARN $FLAGS $SAN -Iinclude -Itests tests/cross/blockio.c src/ohm.c -o $OUT/native/blockio ||
    bad "native blockio build"
gcc $WARN $FLAGS $SAN -DOHM_NO_SIMD -Iinclude -Itests tests/cross/blockio.c src/ohm.c -o $OUT/native/blockio-swar ||
    bad "native SWAR blockio build"
wait $p1; wait $p2
for a in aarch64 s390x; do
    [ -f "$OUT/$a/build-failures" ] && bad "$a build: $(tr '\n' ' ' <"$OUT/$a/build-failures")"
done

# blockio for each architecture: how to run it, and its name.
native=$(uname -m)
label() { case $1 in native) echo "$native" ;; swar) echo "$native (SWAR build)" ;; *) echo "$1" ;; esac; }
run_native() { $OUT/native/blockio "$@"; }
run_swar() { $OUT/native/blockio-swar "$@"; }
run_aarch64() { qemu-aarch64 $OUT/aarch64/blockio "$@"; }
run_s390x() { qemu-s390x $OUT/s390x/blockio "$@"; }

echo "== group probing"
nwant=any; [ "$native" = x86_64 ] && nwant=sse2
for w in native:$nwant swar:swar aarch64:neon s390x:swar; do
    a=${w%%:*}; want=${w#*:}
    label=$(label $a)
    if got=$(run_$a info); then
        echo "  $label: $got"
        case "$got" in "$want "*) ok ;; *) [ $want = any ] && ok || bad "$label probes with \"$got\", not $want" ;; esac
    else
        bad "$label: blockio info did not run"
    fi
done

for a in aarch64 s390x; do
    echo "== test programs on $a (qemu-$a)"
    progs=""
    for f in tests/test_*.c; do
        t=$(basename "$f" .c)
        case " $EXCLUDED " in *" $t "*) echo "  left out: $t (see tests/cross/run.sh)"; continue ;; esac
        [ -x "$OUT/$a/$t" ] && progs="$progs $OUT/$a/$t"
    done
    for t in $progs; do
        printf '== qemu-%s %s\n' "$a" "$t"
        if timeout $LIMIT qemu-$a "$t"; then ok; else bad "$a: $t"; fi
    done
done

echo "== blocks exchanged between architectures"
# step DESCRIPTION COMMAND...: one counted check.
step() {
    what=$1; shift
    echo "-- $what"
    if "$@"; then ok; else bad "$what"; fi
}
for a in native swar aarch64 s390x; do
    mkdir -p $OUT/blocks/$a
    step "$(label $a) writes" run_$a write $OUT/blocks/$a
done
same_bytes() {
    for f in $OUT/blocks/$1/*.ohm; do cmp "$f" "$OUT/blocks/$2/${f##*/}" || return 1; done
}
step "$native and aarch64 blocks are byte-identical" same_bytes native aarch64
step "$native and $native (SWAR build) blocks are byte-identical" same_bytes native swar
step "aarch64 reads $native's blocks" run_aarch64 read $OUT/blocks/native
step "$native reads aarch64's blocks" run_native read $OUT/blocks/aarch64
step "$native (SWAR build) reads aarch64's blocks" run_swar read $OUT/blocks/aarch64
step "s390x reads its own blocks" run_s390x read $OUT/blocks/s390x
step "$native refuses s390x's blocks" run_native refuse $OUT/blocks/s390x
step "aarch64 refuses s390x's blocks" run_aarch64 refuse $OUT/blocks/s390x
step "s390x refuses $native's blocks" run_s390x refuse $OUT/blocks/native
step "s390x refuses aarch64's blocks" run_s390x refuse $OUT/blocks/aarch64

[ -n "$failed" ] && printf 'failing:%s\n' "$failed"
printf 'cross: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
