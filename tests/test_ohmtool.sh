#!/bin/sh
# ohmtool on real blocks, damaged blocks, garbage and bad command lines.
#
#   usage: tests/test_ohmtool.sh OHMTOOL MKBLOCK FUZZ_TOOL OUTDIR
#
# OHMTOOL is the tool built under ASan and UBSan, MKBLOCK the program
# tests/ohmtool/mkblock.c (blocks written by the library, printing the
# entries it put), FUZZ_TOOL fuzz/fuzz_tool.c built with OHMTOOL_FUZZ_MAIN
# (the tool's functions on mutated blocks, checked against N_attach and
# N_validate), OUTDIR a scratch directory (emptied first). The Makefile's
# test-tool target builds them and runs this. OHMTOOL_FUZZ_ITERATIONS sets
# the number of mutated inputs (default 20000).
#
# Each check prints nothing when it passes and "FAIL: ..." when it does
# not; the last line is "ohmtool: N checks passed, N failed".
set -u
tool=$1 mk=$2 fz=$3 out=$4
iters=${OHMTOOL_FUZZ_ITERATIONS:-20000}
rm -rf "$out" && mkdir -p "$out" || exit 1
# A sanitizer report must not pass for exit status 1 ("problems").
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86:detect_leaks=1"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=87:print_stacktrace=1"

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# run CMD...: stdout in $out/o, stderr in $out/e, exit status in $rc; a
# sanitizer report fails the check whatever the status.
last=""
run() {
    last="$*"
    "$@" >"$out/o" 2>"$out/e"
    rc=$?
    if grep -q 'runtime error\|AddressSanitizer\|LeakSanitizer' "$out/e"; then
        bad "sanitizer report from: $last"
        sed -n 1,20p "$out/e"
    fi
}
# expect STATUS CMD...: run it and want that exit status.
expect() {
    want=$1
    shift
    run "$@"
    if [ "$rc" = "$want" ]; then ok; else bad "exit status $rc, want $want: $last: $(head -c 400 "$out/e")"; fi
}
# has TEXT: the last command's output has TEXT (fixed string).
has() { if grep -qF -- "$1" "$out/o"; then ok; else bad "output of '$last' lacks '$1'"; fi; }
hasnt() { if grep -qF -- "$1" "$out/o"; then bad "output of '$last' has '$1'"; else ok; fi; }
err_has() { if grep -qF -- "$1" "$out/e"; then ok; else bad "standard error of '$last' lacks '$1'"; fi; }
# field LABEL VALUE: info's line for LABEL starts with VALUE.
field() {
    got=$(sed -n "s/^$1  *//p" "$out/o")
    case "$got" in
    "$2"*) ok ;;
    *) bad "info of '$last': $1 is '$got', want '$2...'" ;;
    esac
}
# same A B: two files have the same lines, in any order.
same() {
    sort "$1" >"$out/sa" && sort "$2" >"$out/sb"
    if cmp -s "$out/sa" "$out/sb"; then ok; else bad "$1 and $2 differ: $(diff "$out/sa" "$out/sb" | head -5)"; fi
}
eq() { if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', want '$2'"; fi; }

size() { wc -c <"$1" | tr -d ' '; }
# The machine's byte order, for writing header fields.
le=$(printf '\001\000' | od -An -tu2 | tr -d ' ')
# put FILE OFFSET WIDTH VALUE: write an integer of WIDTH bytes in the
# machine's order at OFFSET; putb FILE OFFSET BYTE: one byte.
putb() { printf "\\$(printf %o "$3")" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null; }
put() {
    i=0
    while [ "$i" -lt "$3" ]; do
        if [ "$le" = 1 ]; then sh=$((8 * i)); else sh=$((8 * ($3 - 1 - i))); fi
        putb "$1" $(($2 + i)) $((($4 >> sh) & 255))
        i=$((i + 1))
    done
}
byte() { od -An -tu1 -j"$2" -N1 "$1" | tr -d ' '; }
# stat's sums: groups in the histogram, used slots in them, keys by distance.
stat_groups() { awk '/^ +[0-9]+ used +[0-9]+ group/ { n += $3 } END { print n + 0 }' "$out/o"; }
stat_slots() { awk '/^ +[0-9]+ used +[0-9]+ group/ { n += $1 * $3 } END { print n + 0 }' "$out/o"; }
stat_keys() { awk '/^  (home|[0-9]+|15\+) +[0-9]+$/ { n += $2 } END { print n + 0 }' "$out/o"; }
stat_dist() { awk -v d="$1" '$1 == d && NF == 2 { print $2 }' "$out/o"; }

format=$("$tool" --version | sed -n 's/.*block format \([0-9]*\).*/\1/p')
[ -n "$format" ] && ok || bad "ohmtool --version names no block format"

# Placement of a u64 -> u64 block of 1024 slots, from docs/FORMAT.md: the
# header (128 bytes) and the writer's line (64), the journal's value buffer
# (8 bytes at 192), the metadata at the next multiple of 16, then 1024 bytes,
# the mirror (16) and the class bytes (64), the 16-byte slots at the next
# multiple of 8, the 64 stripe words after them.
up() { echo $(((($1) + $2 - 1) / $2 * $2)); }
jval=$(up 192 8)
meta=$(up $((jval + 8)) 16)
keys=$(up $((meta + 1024 + 16 + 64)) 8)
stripes=$(up $((keys + 1024 * 16)) 4)

# --- a u64 -> u64 map: 1024 slots, seed 0x5eed, maximum load 90 ----------
"$mk" u64map "$out/a.blk" 1024 900 0x5eed 90 >"$out/a.txt" || bad "mkblock u64map"
n=$(wc -l <"$out/a.txt" | tr -d ' ')
eq "$n" 750 "entries mkblock put"
expect 0 "$tool" info "$out/a.blk"
field status "OHM_OK: ok"
field version "$format "
field kind "map, interleaved: each value beside its key, 16-byte slots"
field key "8 bytes, alignment 8"
field value "8 bytes, alignment 8"
field capacity "1024 slots, 64 groups of 16"
field count "$n"
field load "73.24%, maximum load 90% (max_entries 921)"
field seed "0x0000000000005eed"
field meta_start "$meta: metadata 1024 bytes, mirror 16, class bytes 64"
field keys_start "$keys"
field vals_start "$((keys + 8))"
field total_size "$(size "$out/a.blk"), 0 bytes after it; block alignment 8"
eq "$(size "$out/a.blk")" "$(up $((stripes + 4 * 64)) 8)" "a.blk: total_size from the placement"
field sync "seq "
has "(even), op 0 (none), hole "
field journal "value buffer at $jval, 8 bytes"
field stripes "64 words at $stripes, 0 odd"
field writing "no: seq even, op 0, every stripe even"
expect 0 "$tool" stat "$out/a.blk"
has "$n entries in 1024 slots (64 groups of 16)"
eq "$(stat_groups)" 64 "stat: groups in the histogram"
eq "$(stat_slots)" "$n" "stat: used slots in the histogram"
eq "$(stat_keys)" "$n" "stat: keys by distance"
has "longest run of full groups"
has "lookup, miss:"
has "removal:"
expect 0 "$tool" check "$out/a.blk"
has "a.blk: clean: $n entries in 1024 slots"
expect 0 "$tool" check "$out/a.blk" --int-key
has "no key twice"
expect 0 "$tool" dump "$out/a.blk" --int
same "$out/o" "$out/a.txt"
expect 0 "$tool" dump "$out/a.blk"
cp "$out/o" "$out/a.hex"
eq "$(wc -l <"$out/a.hex" | tr -d ' ')" "$n" "dump --hex: lines"
eq "$(awk -F '\t' 'length($1) != 16 || length($2) != 16' "$out/a.hex" | wc -l | tr -d ' ')" 0 "dump --hex: 8 bytes a field"
expect 0 "$tool" dump --hex "$out/a.blk"
if cmp -s "$out/o" "$out/a.hex"; then ok; else bad "dump --hex differs from dump"; fi
# The same entries put in another order: another block, the same dump once sorted.
expect 0 "$tool" info - <"$out/a.blk"
field status "OHM_OK"
run sh -c "cat '$out/a.blk' | '$tool' check -"
eq "$rc" 0 "check from a pipe"

# --- a set of u32, seed 7 -------------------------------------------------
"$mk" u32set "$out/s.blk" 128 100 7 >"$out/s.txt" || bad "mkblock u32set"
expect 0 "$tool" info "$out/s.blk"
field kind "set (no values)"
field key "4 bytes, alignment 4"
field value "none (size 0, alignment 1)"
field count 100
field capacity "128 slots, 8 groups of 16"
field seed "0x0000000000000007"
expect 0 "$tool" check --int-key "$out/s.blk"
expect 0 "$tool" dump --int "$out/s.blk"
same "$out/o" "$out/s.txt"
hasnt "	"
expect 0 "$tool" stat "$out/s.blk"
eq "$(stat_keys)" 100 "set: keys by distance"

# --- u16 -> a 16-byte struct with padding: separate arrays, a type tag ----
"$mk" struct "$out/st.blk" 64 40 >"$out/st.txt" || bad "mkblock struct"
expect 0 "$tool" info "$out/st.blk"
field kind "map, keys and values in separate arrays (flags 0x00)"
field key "2 bytes, alignment 2"
field value "16 bytes, alignment 8"
field "type tag" "0x52454331"
field count 40
expect 0 "$tool" dump --int "$out/st.blk"
same "$out/o" "$out/st.txt"
expect 0 "$tool" check "$out/st.blk"
expect 0 "$tool" check --int-key "$out/st.blk"
err_has "type tag 0x52454331"

# --- int16_t -> int16_t: signed keys -------------------------------------
"$mk" i16map "$out/i16.blk" 64 50 >"$out/i16.txt" || bad "mkblock i16map"
expect 0 "$tool" check --int-key --signed "$out/i16.blk"
expect 1 "$tool" check --int-key "$out/i16.blk"
err_has "a signed type: --signed"
expect 0 "$tool" dump --int --signed "$out/i16.blk"
same "$out/o" "$out/i16.txt"

# --- string offsets hashed through the owner's arena, at an offset -------
"$mk" strmap "$out/str.blk" >"$out/str.all" || bad "mkblock strmap"
off=$(sed -n 's/^# map at //p' "$out/str.all")
sed 1d "$out/str.all" >"$out/str.txt"
expect 0 "$tool" info "$out/str.blk" --offset "$off"
field file "$out/str.blk, block at offset $off ($(($(size "$out/str.blk") - off)) bytes from there)"
field "type tag" "0x53545231"
field count "$(wc -l <"$out/str.txt" | tr -d ' ')"
field user "$(printf '0x%016x' "$off")"
expect 0 "$tool" info "$out/str.blk" --offset "$(printf '0x%x' "$off")"
expect 0 "$tool" info "$out/str.blk" --offset="$off"
expect 0 "$tool" dump --int "$out/str.blk" --offset "$off"
same "$out/o" "$out/str.txt"
expect 0 "$tool" check "$out/str.blk" --offset "$off"
# Its keys are not hashed by the default integer hash: every byte is wrong.
expect 1 "$tool" check --int-key "$out/str.blk" --offset "$off"
expect 1 "$tool" info "$out/str.blk"
field status "OHM_BAD_MAGIC"
expect 1 "$tool" info "$out/str.blk" --offset $((off + 8))
expect 2 "$tool" info "$out/str.blk" --offset $(($(size "$out/str.blk") + 1))
expect 1 "$tool" info "$out/str.blk" --offset "$(size "$out/str.blk")"
field status "OHM_TOO_SHORT"

# --- keys far from home: distance codes up to 15 -------------------------
"$mk" u64far "$out/far.blk" 512 300 >"$out/far.txt" || bad "mkblock u64far"
expect 0 "$tool" stat "$out/far.blk"
eq "$(stat_dist home)" 16 "far: keys at home"
eq "$(stat_dist 1)" 16 "far: keys 1 group away"
eq "$(stat_dist 14)" 16 "far: keys 14 groups away"
eq "$(stat_dist 15+)" 60 "far: keys 15 or more groups away"
has "longest run of full groups: 18 (round the end)"
has "class bits set: 8 of 256"
expect 0 "$tool" check "$out/far.blk"
expect 0 "$tool" check --int-key "$out/far.blk"
expect 0 "$tool" dump --int "$out/far.blk"
same "$out/o" "$out/far.txt"

# --- a table with every slot used ----------------------------------------
"$mk" u64full "$out/full.blk" 256 >"$out/full.txt" || bad "mkblock u64full"
expect 0 "$tool" stat "$out/full.blk"
has "full groups: 16 of 16; longest run of full groups: 16 (round the end)"
has "the table has no free slot"
eq "$(stat_slots)" 256 "full: used slots"
expect 0 "$tool" check "$out/full.blk"
expect 0 "$tool" check --int-key "$out/full.blk"
expect 0 "$tool" dump --int "$out/full.blk"
same "$out/o" "$out/full.txt"

# --- small tables: capacity 0, and one group of 8 slots ------------------
"$mk" u64map "$out/z.blk" 0 0 0 100 >/dev/null || bad "mkblock capacity 0"
expect 0 "$tool" info "$out/z.blk"
field capacity "0 slots"
expect 0 "$tool" stat "$out/z.blk"
has "no slots"
expect 0 "$tool" check --int-key "$out/z.blk"
expect 0 "$tool" dump "$out/z.blk"
eq "$(size "$out/o")" 0 "dump of capacity 0"
"$mk" u64map "$out/g8.blk" 8 6 3 100 >"$out/g8.txt" || bad "mkblock capacity 8"
expect 0 "$tool" info "$out/g8.blk"
field capacity "8 slots, one group"
field meta_start "$meta: metadata 8 bytes, mirror 16, class bytes 0"
field stripes "1 word at "
expect 0 "$tool" stat "$out/g8.blk"
has "a table of one group"
expect 0 "$tool" check --int-key "$out/g8.blk"
expect 0 "$tool" dump --int "$out/g8.blk"
same "$out/o" "$out/g8.txt"

# --- entries damaged (by mkblock, which knows the hash) ------------------
"$mk" u64map "$out/b.blk" 256 240 0 100 >/dev/null || bad "mkblock b"
"$mk" damage fp "$out/b.blk" "$out/fp.blk" && ok || bad "damage fp"
expect 0 "$tool" check "$out/fp.blk"
expect 1 "$tool" check --int-key "$out/fp.blk"
has "its hash and place give"
has "fp.blk: 1 problem"
"$mk" damage dup "$out/b.blk" "$out/dup.blk" && ok || bad "damage dup"
expect 0 "$tool" check "$out/dup.blk"
expect 1 "$tool" check --int-key "$out/dup.blk"
has "is stored twice"
"$mk" damage class "$out/full.blk" "$out/class.blk" && ok || bad "damage class"
expect 1 "$tool" check "$out/class.blk"
has "a lookup would stop at home"
expect 1 "$tool" check --int-key "$out/class.blk"
has "a lookup would stop at home"
"$mk" damage hole "$out/full.blk" "$out/hole.blk" && ok || bad "damage hole"
expect 1 "$tool" check "$out/hole.blk"
has "has a free slot (invariant I)"
hasnt "count is"
"$mk" crossed "$out/crossed.blk" >/dev/null || bad "mkblock crossed"
expect 1 "$tool" check "$out/crossed.blk"
has "every group boundary is crossed"
has "crossed.blk: 1 problem"
expect 1 "$tool" check --int-key "$out/crossed.blk"
has "(invariant II)"
"$mk" damage swap "$out/b.blk" "$out/swap.blk" && ok || bad "damage swap"
expect 1 "$tool" info "$out/swap.blk"
field status "OHM_BAD_ENDIAN"
field magic '0x4f484d42 "BMHO" (byte-swapped)'
field "byte order" "0x0102: "
has "the other byte order"
field capacity "256 slots, 16 groups of 16"
expect 1 "$tool" check "$out/swap.blk"
has "OHM_BAD_ENDIAN"
for c in stat dump; do
    expect 1 "$tool" $c "$out/swap.blk"
    err_has "OHM_BAD_ENDIAN"
done

# --- bytes damaged here -------------------------------------------------
# A used slot from 16 on (its byte is not mirrored) given byte 0x03.
cp "$out/a.blk" "$out/m3.blk"
s=$(od -An -v -tu1 -j$((meta + 16)) -N1008 "$out/a.blk" | tr -s ' ' '\n' | grep -v '^$' | grep -n -m1 -v '^0$' | cut -d: -f1)
s=$((s - 1 + 16))
putb "$out/m3.blk" $((meta + s)) 3
expect 1 "$tool" check "$out/m3.blk"
has "slot $s: byte 0x03 is never stored"
has "m3.blk: 1 problem"
expect 1 "$tool" check --int-key "$out/m3.blk"
has "slot $s: byte 0x03 is never stored"
expect 0 "$tool" stat "$out/m3.blk"
has "invalid"
# A mirror byte unlike slot 0's.
cp "$out/a.blk" "$out/mirror.blk"
putb "$out/mirror.blk" $((meta + 1024)) $((($(byte "$out/a.blk" "$meta") + 1) % 256))
expect 1 "$tool" check "$out/mirror.blk"
has "mirror byte 0"
# A used slot freed: the count no longer matches (and maybe invariant I).
cp "$out/a.blk" "$out/free.blk"
putb "$out/free.blk" $((meta + s)) 0
expect 1 "$tool" check "$out/free.blk"
has "count is $n but $((n - 1)) slots are used"
# The count one lower.
cp "$out/a.blk" "$out/count.blk"
put "$out/count.blk" 128 4 $((n - 1))
expect 1 "$tool" check "$out/count.blk"
has "count is $((n - 1)) but $n slots are used"

# --- the sync area (docs/FORMAT.md "Sync area") --------------------------
# A write in progress or cut short: seq odd, op set, a stripe word odd.
# check says OHM_BUSY, exit status 3, and judges no entry.
busy() { # busy NAME OFFSET WIDTH VALUE TEXT: a.blk with one sync word changed
    cp "$out/a.blk" "$out/$1.blk"
    put "$out/$1.blk" "$2" "$3" "$4"
    expect 3 "$tool" check "$out/$1.blk"
    has "$1.blk: OHM_BUSY: a write is in progress or was cut short:"
    has "$5"
    hasnt "problem"
    hasnt "clean"
    expect 3 "$tool" check --int-key "$out/$1.blk"
    has "OHM_BUSY"
    expect 0 "$tool" info "$out/$1.blk"
    field writing "yes: a write is in progress or was cut short (OHM_BUSY"
}
seq0=$(od -An -tu4 -j136 -N4 "$out/a.blk" | tr -d ' ')
busy seqodd 136 4 $((seq0 + 1)) "seq $((seq0 + 1)) is odd"
busy op1 140 4 1 "op 1 (a removal's shift)"
busy op4 140 4 4 "op 4 (a bulk removal (remove_if))"
busy stripe5 $((stripes + 20)) 4 1 "1 of 64 stripe words odd (the first: stripe 5)"
field stripes "64 words at $stripes, 1 odd (the first: stripe 5)"
busy stripe63 $((stripes + 252)) 4 3 "(the first: stripe 63)"
# An op above 4, a smask or stripes word other than the placement gives:
# the sync area is invalid (OHM_CORRUPT).
cp "$out/a.blk" "$out/op5.blk"
put "$out/op5.blk" 140 4 5
expect 1 "$tool" check "$out/op5.blk"
has "sync area: op is 5, not a mutation (0..4)"
has "op5.blk: 1 problem"
expect 0 "$tool" info "$out/op5.blk"
field sync "seq $seq0 (even), op 5 (not a mutation: 0..4 are)"
field writing "the sync area is invalid (op above 4): OHM_CORRUPT"
eq "$(od -An -tu4 -j12 -N4 "$out/a.blk" | tr -d ' ')" 63 "a.blk: smask"
field sync "seq $seq0 (even), op 5 (not a mutation: 0..4 are)"
has "smask 63, stripes $stripes"
cp "$out/a.blk" "$out/smask.blk"
put "$out/smask.blk" 12 4 31
expect 1 "$tool" check "$out/smask.blk"
has "header: smask (offset 12) is 31, but the block has 64 stripe words (smask 63)"
hasnt "OHM_BUSY"
expect 0 "$tool" info "$out/smask.blk"
field writing "the sync area is invalid (smask or stripes not what the placement gives)"
for v in $((stripes + 4)) $((stripes - 4)) $((stripes + 0x100000000)); do
    cp "$out/a.blk" "$out/sw.blk"
    put "$out/sw.blk" 56 8 "$v"
    expect 1 "$tool" check "$out/sw.blk"
    has "header: stripes (offset 56) is $v, but the stripe words are at $stripes"
    hasnt "OHM_BUSY"
    expect 0 "$tool" info "$out/sw.blk"
    field writing "the sync area is invalid (smask or stripes not what the placement gives)"
done
# The journal's other fields mean nothing at rest: hole, src and start.
cp "$out/a.blk" "$out/rest.blk"
put "$out/rest.blk" 144 4 7
put "$out/rest.blk" 148 4 9
put "$out/rest.blk" 152 4 3
expect 0 "$tool" check --int-key "$out/rest.blk"
expect 0 "$tool" info "$out/rest.blk"
field sync "seq $seq0 (even), op 0 (none), hole 7, src 9, start 3"

# --- recover: blocks whose writer was stopped part way -------------------
# mkblock cut stops a removal (a shift through 18 groups) or an overwrite
# before its K-th store, through the library's OHM_STORE_HOOK: the block
# is exactly what a killed writer leaves. recover runs N_recover, checks
# with every key hashed, and writes the file only with --write; then the
# block must hold every entry the mutation did not change, and the changed
# one as before or as after.
cut_try() { # cut_try KIND K
    "$mk" cut "$1" "$out/cut.blk" "$2" >"$out/cut.txt" || { bad "mkblock cut $1 $2"; return; }
    cp "$out/cut.blk" "$out/cut.orig"
    if [ "$2" -gt 1 ]; then
        expect 3 "$tool" check --int-key "$out/cut.blk"
        has "OHM_BUSY"
        expect 0 "$tool" recover "$out/cut.blk"
        has "a write is in progress or was cut short"
        has "N_recover: OHM_OK"
        has "not written"
        if cmp -s "$out/cut.blk" "$out/cut.orig"; then ok; else bad "recover without --write changed the file ($1 $2)"; fi
    fi
    expect 0 "$tool" recover --write "$out/cut.blk"
    has "cut.blk: clean:"
    has "cut.blk: written: $(size "$out/cut.blk") bytes at offset 0"
    expect 0 "$tool" check --int-key "$out/cut.blk"
    expect 0 "$tool" info "$out/cut.blk"
    field writing "no: seq even, op 0, every stripe even"
    expect 0 "$tool" dump --int "$out/cut.blk"
    sort "$out/o" >"$out/cut.got"
    grep -v '^#' "$out/cut.txt" >"$out/cut.want"
    set -- $(sed -n 's/^# \(removed\|overwritten\) //p' "$out/cut.txt")
    { cat "$out/cut.want"; printf '%s\t%s\n' "$1" "$2"; } | sort >"$out/cut.before"
    if [ $# = 3 ]; then
        { cat "$out/cut.want"; printf '%s\t%s\n' "$1" "$3"; } | sort >"$out/cut.after"
    else
        sort "$out/cut.want" >"$out/cut.after"
    fi
    if cmp -s "$out/cut.got" "$out/cut.before" || cmp -s "$out/cut.got" "$out/cut.after"; then ok; else
        bad "entries after recover ($(wc -l <"$out/cut.got" | tr -d ' ')) are neither those before nor after the mutation"
    fi
}
for kind in remove put; do
    n_st=$("$mk" cut "$kind" "$out/cut.blk" 0 | sed -n 's/^# stores //p')
    [ "${n_st:-0}" -gt 5 ] && ok || bad "mkblock cut $kind: stores '$n_st'"
    k=1
    while [ "$k" -le "$n_st" ]; do
        cut_try "$kind" "$k"
        if [ "$k" -lt 12 ] || [ "$k" -ge $((n_st - 3)) ]; then k=$((k + 1)); else k=$((k + 9)); fi
    done
    "$mk" cut "$kind" "$out/cut.blk" $((n_st + 1)) >/dev/null 2>&1 && bad "mkblock cut $kind: a cut past the last store" || ok
done
# Blocks cut mid-write for the fuzzing below.
"$mk" cut remove "$out/cut-remove.blk" 60 >/dev/null || bad "mkblock cut remove 60"
"$mk" cut put "$out/cut-put.blk" 6 >/dev/null || bad "mkblock cut put 6"
# A cut removal whose recovery is done: the key is gone.
"$mk" cut remove "$out/cut.blk" 40 >"$out/cut.txt"
expect 0 "$tool" recover "$out/cut.blk" --write
expect 0 "$tool" dump --int "$out/cut.blk"
eq "$(wc -l <"$out/o" | tr -d ' ')" "$(grep -vc '^#' "$out/cut.txt")" "recover: a removal past its first move is finished"
# Signed keys need --signed: without it no key hashes to its byte, the
# check after N_recover fails, and the file is not written.
cp "$out/i16.blk" "$out/ri16.blk"
expect 1 "$tool" recover --write "$out/ri16.blk"
hasnt "written"
if cmp -s "$out/ri16.blk" "$out/i16.blk"; then ok; else bad "recover wrote a block that did not check clean"; fi
expect 0 "$tool" recover --signed --write "$out/ri16.blk"
has "no write was in progress"
expect 0 "$tool" check --int-key --signed "$out/ri16.blk"
# A set of u32; a block at an offset.
cp "$out/s.blk" "$out/rs.blk"
put "$out/rs.blk" 136 4 $(($(od -An -tu4 -j136 -N4 "$out/s.blk" | tr -d ' ') + 1))
expect 3 "$tool" check "$out/rs.blk"
expect 0 "$tool" recover --write "$out/rs.blk"
expect 0 "$tool" check --int-key "$out/rs.blk"
{ printf '0123456789abcdef'; cat "$out/seqodd.blk"; } >"$out/roff.blk"
expect 3 "$tool" check "$out/roff.blk" --offset 16
expect 0 "$tool" recover "$out/roff.blk" --offset 16 --write
has "written: $(size "$out/a.blk") bytes at offset 16"
expect 0 "$tool" check --int-key "$out/roff.blk" --offset 16
eq "$(head -c 16 "$out/roff.blk")" 0123456789abcdef "recover --offset: the bytes before the block"
# An invalid sync area is not recovered.
cp "$out/op5.blk" "$out/rop5.blk"
expect 1 "$tool" recover --write "$out/rop5.blk"
has "N_recover: OHM_CORRUPT"
if cmp -s "$out/rop5.blk" "$out/op5.blk"; then ok; else bad "recover wrote a block it refused"; fi
# Map types the tool cannot hash are refused, and recover reads no pipe
# for --write.
expect 2 "$tool" recover "$out/st.blk"
err_has "is not one the tool can hash"
expect 2 "$tool" recover --offset "$off" "$out/str.blk"
err_has "type tag 0x53545231"
expect 1 "$tool" recover "$out/swap.blk"
has "OHM_BAD_ENDIAN"
expect 2 "$tool" recover - --write <"$out/a.blk"
expect 0 "$tool" recover - <"$out/seqodd.blk"
has "N_recover: OHM_OK"
expect 2 "$tool" recover "$out/a.blk" --int-key
expect 2 "$tool" check "$out/a.blk" --write

# --- headers damaged: the statuses N_attach gives ------------------------
hdr() { # hdr NAME OFFSET WIDTH VALUE STATUS [TEXT]: a.blk with one field changed
    cp "$out/a.blk" "$out/$1.blk"
    put "$out/$1.blk" "$2" "$3" "$4"
    expect 1 "$tool" info "$out/$1.blk"
    field status "$5"
    [ -n "${6:-}" ] && has "$6"
    expect 1 "$tool" check "$out/$1.blk"
    has "$5"
    expect 1 "$tool" dump "$out/$1.blk"
    err_has "$5"
    expect 1 "$tool" stat "$out/$1.blk"
}
cp "$out/a.blk" "$out/magic.blk"
printf 'XXXX' | dd of="$out/magic.blk" conv=notrunc 2>/dev/null
expect 1 "$tool" info "$out/magic.blk"
field status "OHM_BAD_MAGIC: not an ohm block"
field magic '0x58585858 "XXXX" (not an ohm block)'
expect 1 "$tool" check "$out/magic.blk"
has "OHM_BAD_MAGIC"
hdr version 4 2 $((format ^ 1)) OHM_BAD_VERSION "(this ohmtool reads $format)"
hdr older 4 2 $((format - 1)) OHM_BAD_VERSION
hdr bom 6 2 $((0x0201)) OHM_BAD_ENDIAN
hdr cap24 8 4 24 OHM_BAD_CAPACITY
hdr capbig 8 4 $((0x80000000 * 2 - 1)) OHM_BAD_CAPACITY
hdr keys 32 8 $((keys + 8)) OHM_BAD_OFFSETS "$((keys + 8)) (the layout says $keys)"
hdr meta 48 8 96 OHM_BAD_OFFSETS "96 (the layout says $meta)"
hdr total 96 8 $(($(size "$out/a.blk") + 8)) OHM_BAD_OFFSETS
hdr maxent 16 4 1000 OHM_BAD_COUNT "the maximum load gives 921"
hdr over 128 4 922 OHM_BAD_COUNT
hdr load0 20 1 0 OHM_BAD_TYPE "maximum load is not 1..100"
hdr load101 20 1 101 OHM_BAD_TYPE
hdr fp 21 1 8 OHM_BAD_TYPE "fingerprint bits"
hdr mirror 22 1 8 OHM_BAD_TYPE "mirror is not 16"
hdr flags 23 1 6 OHM_BAD_TYPE "flags has bits other than"
hdr setflag 23 1 3 OHM_BAD_TYPE "a set (flag 1) with interleaved values"
hdr ksize0 64 4 0 OHM_BAD_TYPE "key size is 0"
hdr kalign 68 4 3 OHM_BAD_TYPE "key alignment is not a power of two"
hdr kalign0 68 4 0 OHM_BAD_TYPE
hdr kmult 64 4 12 OHM_BAD_TYPE "key size is not a multiple of its alignment"
hdr valign 76 4 8192 OHM_BAD_TYPE "value alignment"
hdr vsize0 72 4 0 OHM_BAD_TYPE "value size 0"
# Another map type whose fields are all possible has its own layout: the
# offsets of this one do not match it.
hdr vsize16 72 4 16 OHM_BAD_OFFSETS
# Cut short at several lengths; extra bytes after the block are fine.
total=$(size "$out/a.blk")
for len in 0 1 3 4 5 50 95 96 97 127 135 136 137 191 $meta "$keys" $((total - 1)); do
    head -c "$len" "$out/a.blk" >"$out/cut.blk"
    expect 1 "$tool" info "$out/cut.blk"
    field status "OHM_TOO_SHORT"
    expect 1 "$tool" check "$out/cut.blk"
    expect 1 "$tool" dump "$out/cut.blk"
    expect 1 "$tool" stat "$out/cut.blk"
done
: >"$out/empty.blk"
expect 1 "$tool" info "$out/empty.blk"
field status "OHM_TOO_SHORT"
{ cat "$out/a.blk"; printf 'trailing'; } >"$out/long.blk"
expect 0 "$tool" info "$out/long.blk"
field total_size "$total, 8 bytes after it"
expect 0 "$tool" check --int-key "$out/long.blk"
# Garbage: random bytes, and random bytes after a real header's first 8
# (magic, version, byte order) or all 136 (the header, count and stamp).
for len in 1 4 96 97 1000 5000 70000; do
    "$mk" garbage "$out/g.blk" "$len" "$len" || bad "mkblock garbage"
    expect 1 "$tool" info "$out/g.blk"
    if [ "$len" -ge 4 ]; then field status "OHM_BAD_MAGIC"; else field status "OHM_TOO_SHORT"; fi
    for c in check dump stat; do expect 1 "$tool" $c "$out/g.blk"; done
    for keep in 8 136; do
        { head -c "$keep" "$out/a.blk"; cat "$out/g.blk"; } >"$out/gh.blk"
        # With the whole header and bytes enough, the header passes.
        want=1
        [ "$keep" = 136 ] && [ $((keep + len)) -ge "$total" ] && want=0
        for c in info dump stat; do expect $want "$tool" $c "$out/gh.blk"; done
        expect 1 "$tool" check "$out/gh.blk"
    done
done
# A real header and sync area over random bytes, the stripe words kept:
# the header passes, the entries do not.
{ head -c "$meta" "$out/a.blk"; head -c $((stripes - meta)) "$out/g.blk"; tail -c $((total - stripes)) "$out/a.blk"; } >"$out/gm.blk"
"$mk" garbage "$out/gmeta" 1024 99 && dd if="$out/gmeta" of="$out/gm.blk" bs=1 seek="$meta" conv=notrunc 2>/dev/null
expect 0 "$tool" info "$out/gm.blk"
expect 1 "$tool" check "$out/gm.blk"
expect 1 "$tool" check --int-key "$out/gm.blk"
expect 0 "$tool" stat "$out/gm.blk"
expect 0 "$tool" dump "$out/gm.blk"

# --- the command line ----------------------------------------------------
expect 2 "$tool"
expect 2 "$tool" frob "$out/a.blk"
expect 2 "$tool" info
expect 2 "$tool" info "$out/a.blk" "$out/s.blk"
expect 2 "$tool" info "$out/nonexistent.blk"
err_has "nonexistent.blk"
expect 2 "$tool" info "$out"
expect 2 "$tool" info "$out/a.blk" --offset
expect 2 "$tool" info "$out/a.blk" --offset -8
expect 2 "$tool" info "$out/a.blk" --offset 12abc
expect 2 "$tool" info "$out/a.blk" --offset 0x
expect 2 "$tool" info "$out/a.blk" --offset 99999999999999999999999
expect 2 "$tool" info "$out/a.blk" --int-key
expect 2 "$tool" dump "$out/a.blk" --int-key
expect 2 "$tool" check "$out/a.blk" --signed
expect 2 "$tool" dump "$out/a.blk" --hex --int
expect 2 "$tool" dump "$out/a.blk" --signed
expect 2 "$tool" stat "$out/a.blk" --frob
expect 0 "$tool" --help
has "usage: ohmtool info"
has "ohmtool recover FILE"
expect 0 "$tool" --version
has "ohmtool "

# --- the tool's parsing fuzzed: mutations of these blocks -----------------
expect 0 "$fz" "$iters" 1 "$out"/a.blk "$out"/s.blk "$out"/st.blk "$out"/i16.blk "$out"/far.blk "$out"/full.blk \
    "$out"/z.blk "$out"/g8.blk "$out"/b.blk "$out"/crossed.blk "$out"/swap.blk "$out"/fp.blk "$out"/dup.blk \
    "$out"/seqodd.blk "$out"/stripe5.blk "$out"/cut-remove.blk "$out"/cut-put.blk
has "no findings"
cat "$out/o"

echo "ohmtool: $pass checks passed, $fail failed"
[ "$fail" -eq 0 ]
