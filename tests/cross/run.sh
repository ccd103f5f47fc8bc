#!/bin/sh
# The tests on other architectures: every tests/test_*.c built by Debian's
# cross compilers as a static program for arm64 (NEON probing), s390x
# (big-endian, SWAR probing) and 32-bit x86 (i686: 32-bit size_t and
# pointers, SWAR probing on a little-endian machine), run under qemu-user
# (i686 natively when the kernel runs 32-bit programs); then blocks
# exchanged between this machine (x86-64, SSE2; and its SWAR build) and the
# three (tests/cross/blockio.c):
#   - x86-64, its SWAR build and arm64 write byte-identical blocks for the
#     same operations (compared with cmp); x86-64 and arm64 each read the
#     other's (entries, validation, bytes equal to their own build);
#   - i686 writes set blocks (uint32_t keys) byte-identical to x86-64's and
#     each reads the other's; its map blocks (uint64_t keys and values)
#     differ from x86-64's only in the recorded key and value alignment
#     (_Alignof(uint64_t) is 4 on i386, 8 on x86-64; at other capacities
#     the keys' offset can differ too), so each refuses the other's with
#     OHM_BAD_TYPE;
#   - s390x reads its own blocks and refuses x86-64's and i686's with
#     OHM_BAD_ENDIAN; x86-64, arm64 and i686 refuse s390x's.
# Prints which probing each architecture ran, and fails unless arm64 ran
# NEON and s390x and i686 SWAR. Needs qemu-user, gcc-aarch64-linux-gnu,
# libc6-dev-arm64-cross, gcc-s390x-linux-gnu, libc6-dev-s390x-cross,
# gcc-i686-linux-gnu, libc6-dev-i386-cross (the Makefile's test-cross
# installs them). Closes with "cross: N passed, N failed", one count per
# test program, probing check and exchange step.
#   usage: tests/cross/run.sh [OUTDIR]   (from the top of the repository;
#          OUTDIR defaults to build/cross and is emptied first)
#
# i686 is built without -msse2 (gcc's i686 default has no SSE2), so it runs
# the SWAR probing, which elsewhere runs only on big-endian s390x and in
# x86-64's SWAR build: here on a little-endian machine with 32-bit size_t,
# pointers and registers. The SSE2 path is the same code on 32 and 64 bits
# and is covered by the x86-64 builds. Static i386 programs run directly on
# an x86-64 kernel with 32-bit emulation (faster than qemu, and the left-out
# test below runs too); where the kernel refuses them (ia32_emulation=off,
# "Exec format error") they run under qemu-i386. Which one is printed.
#
# Scale: the programs run at full size (OHM_TEST_SCALE unset, 1): under
# qemu they all take about 30 s per architecture (i686 about 70 s, half
# of it test_check_budget), so nothing needs shrinking; set
# OHM_TEST_SCALE to run them smaller.
#
# test_stress_read (lock-free readers beside a writer, threads and forked
# processes) runs on each architecture too: on arm64 it is built with the
# acquire loads and fences (ldar, dmb) the weaker memory model needs.
# qemu-user runs the guest's threads on the host's cores, so an x86-64 host
# shows it little of arm64's reordering; the arm64 run checks the code
# arm64 compilers emit, not the hardware's ordering.
#
# Left out under qemu-user, for reasons of the emulator, not of ohm (and
# run on i686 when it runs natively):
#   test_fork_shared  qemu-user implements neither mremap with old size 0
#                     (a second view of shared pages: ENOMEM, so the
#                     anonymous-mapping case fails) nor set_robust_list
#                     (ENOSYS, so a process that dies holding the robust
#                     mutex never gives EOWNERDEAD and the next lock hangs).
#                     Its file-backed sharing passes under qemu.
#   test_stress_kill  writers killed holding a robust mutex: without
#                     set_robust_list the next locker waits for ever.
EXCLUDED="test_fork_shared test_stress_kill"

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
# so qemu needs no target libraries): every test, and blockio. The tests
# left out under qemu are built only for i686, which may run natively.
build_arch() {
    d=$OUT/$1; cc=$2
    mkdir -p "$d"
    $cc $WARN $FLAGS -Iinclude -c src/ohm.c -o "$d/ohm.o" || return 1
    for f in tests/test_*.c; do
        t=$(basename "$f" .c)
        case "$1 $EXCLUDED " in i686*) ;; *" $t "*) continue ;; esac
        # Extra sources a test links, as the Makefile lists them (NAME_SRCS).
        extra=$(sed -n "s/^${t}_SRCS *:= *//p" Makefile)
        $cc $WARN $FLAGS -static -Iinclude -Itests "$f" $extra "$d/ohm.o" -o "$d/$t" -lm -pthread ||
            echo "$t" >>"$d/build-failures"
    done
    $cc $WARN $FLAGS -static -Iinclude -Itests tests/cross/blockio.c "$d/ohm.o" -o "$d/blockio" ||
        echo blockio >>"$d/build-failures"
}

# The cross architectures, as Debian's compilers name them; qemu_ARCH is
# the emulator that runs its programs (set for i686 below).
ARCHS="aarch64 s390x i686"
qemu_aarch64=qemu-aarch64
qemu_s390x=qemu-s390x
qemu_i686=qemu-i386
for a in $ARCHS; do
    eval "q=\$qemu_$a"
    command -v $a-linux-gnu-gcc >/dev/null && command -v $q >/dev/null || {
        echo "tests/cross/run.sh: needs $a-linux-gnu-gcc and $q (make test-cross installs them)" >&2
        exit 1
    }
done

rm -rf "$OUT"
mkdir -p "$OUT/native"
echo "== building for $ARCHS"
# The cross builds in parallel, the native blockio builds meanwhile.
pids=""
for a in $ARCHS; do
    build_arch $a $a-linux-gnu-gcc &
    pids="$pids $!"
done
gcc $WARN $FLAGS $SAN -Iinclude -Itests tests/cross/blockio.c src/ohm.c -o $OUT/native/blockio ||
    bad "native blockio build"
gcc $WARN $FLAGS $SAN -DOHM_NO_SIMD -Iinclude -Itests tests/cross/blockio.c src/ohm.c -o $OUT/native/blockio-swar ||
    bad "native SWAR blockio build"
for p in $pids; do wait $p; done
for a in $ARCHS; do
    [ -f "$OUT/$a/build-failures" ] && bad "$a build: $(tr '\n' ' ' <"$OUT/$a/build-failures")"
done

# i686 natively when the kernel runs its programs, else under qemu-i386.
if [ -x $OUT/i686/blockio ] && $OUT/i686/blockio info >/dev/null 2>&1; then
    qemu_i686=""
    echo "== i686 programs run natively"
else
    echo "== i686 programs run under qemu-i386 (this kernel does not run them)"
fi
# how ARCH: "qemu-ARCH", or "natively".
how() { eval "q=\$qemu_$1"; echo "${q:-natively}"; }

# blockio for each architecture: how to run it, and its name.
native=$(uname -m)
label() { case $1 in native) echo "$native" ;; swar) echo "$native (SWAR build)" ;; *) echo "$1" ;; esac; }
run_native() { $OUT/native/blockio "$@"; }
run_swar() { $OUT/native/blockio-swar "$@"; }
run_aarch64() { qemu-aarch64 $OUT/aarch64/blockio "$@"; }
run_s390x() { qemu-s390x $OUT/s390x/blockio "$@"; }
run_i686() { $qemu_i686 $OUT/i686/blockio "$@"; }

echo "== group probing"
nwant=any; [ "$native" = x86_64 ] && nwant=sse2
for w in native:$nwant swar:swar aarch64:neon s390x:swar i686:swar; do
    a=${w%%:*}; want=${w#*:}
    label=$(label $a)
    if got=$(run_$a info); then
        echo "  $label: $got"
        case "$got" in "$want "*) ok ;; *) [ $want = any ] && ok || bad "$label probes with \"$got\", not $want" ;; esac
    else
        bad "$label: blockio info did not run"
    fi
done

for a in $ARCHS; do
    eval "q=\$qemu_$a"
    echo "== test programs on $a ($(how $a))"
    progs=""
    for f in tests/test_*.c; do
        t=$(basename "$f" .c)
        case "$q $EXCLUDED " in qemu*" $t "*) echo "  left out: $t (see tests/cross/run.sh)"; continue ;; esac
        [ -x "$OUT/$a/$t" ] && progs="$progs $OUT/$a/$t"
    done
    for t in $progs; do
        printf '== %s %s\n' "${q:-$a:}" "$t"
        if timeout $LIMIT $q "$t"; then ok; else bad "$a: $t"; fi
    done
done

echo "== blocks exchanged between architectures"
# step DESCRIPTION COMMAND...: one counted check.
step() {
    what=$1; shift
    echo "-- $what"
    if "$@"; then ok; else bad "$what"; fi
}
for a in native swar aarch64 s390x i686; do
    mkdir -p $OUT/blocks/$a
    step "$(label $a) writes" run_$a write $OUT/blocks/$a
done
# same_bytes A B [GLOB]: A's blocks (those matching GLOB) equal B's.
same_bytes() {
    for f in $OUT/blocks/$1/${3:-*}.ohm; do cmp "$f" "$OUT/blocks/$2/${f##*/}" || return 1; done
}
# only_alignments A B GLOB: A's blocks matching GLOB differ from B's in the
# key_align and val_align fields alone (offsets 68 and 76, docs/FORMAT.md;
# cmp -l counts from 1).
only_alignments() {
    for f in $OUT/blocks/$1/$3.ohm; do
        d=$(cmp -l "$f" "$OUT/blocks/$2/${f##*/}" | awk '{ printf "%s ", $1 }')
        [ "$d" = "69 77 " ] || { echo "${f##*/}: bytes $d differ"; return 1; }
    done
}
SETS="set-u32 set-u32-seeded"
MAPS="map-u64 map-u64-seeded"
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
step "$native and i686 set blocks are byte-identical" same_bytes native i686 'set-*'
step "$native and i686 map blocks differ only in key_align and val_align" only_alignments native i686 'map-*'
step "i686 reads $native's set blocks" run_i686 read $OUT/blocks/native $SETS
step "$native reads i686's set blocks" run_native read $OUT/blocks/i686 $SETS
step "i686 refuses $native's map blocks as another type" run_i686 mistyped $OUT/blocks/native $MAPS
step "$native refuses i686's map blocks as another type" run_native mistyped $OUT/blocks/i686 $MAPS
step "i686 refuses s390x's blocks" run_i686 refuse $OUT/blocks/s390x
step "s390x refuses i686's blocks" run_s390x refuse $OUT/blocks/i686

[ -n "$failed" ] && printf 'failing:%s\n' "$failed"
printf 'cross: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
