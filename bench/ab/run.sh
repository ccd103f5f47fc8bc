#!/usr/bin/env bash
# bench/ab/run.sh - two versions of ohm timed side by side in one process.
#
#   bash bench/ab/run.sh A [B] [--sizes=4096,65536] [--loads=0.5,0.875] [--reps=N]
#
# A and B are git revisions (B defaults to the working tree's include/ and
# src/). Each is compiled with its own headers and library into one
# relocatable object whose symbols are hidden but for a handful of entry
# points (bench/ab/side.c), and bench/ab/drive.c runs both on the same keys,
# alternating, pinned to one CPU. One line per cell: for each operation,
# A's and B's best ns per key and B / A (below 1: B is faster).
#
# Why: on a shared virtual machine two runs minutes apart can differ by more
# than the change being measured (docs/PERFORMANCE.md measured the two vCPUs
# of its machine 1.7x apart on memory-bound work). Side by side, both see
# the same machine. u64 -> u64 only; the full workload is bench/run.sh's.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$here/build"
CC="${CC:-gcc}"
say() { printf 'ab: %s\n' "$*" >&2; }

revs=() sizes=4096,65536,1048576 loads=0.5,0.875,0.97 reps=
for arg in "$@"; do
    case "$arg" in
    --sizes=*) sizes="${arg#*=}" ;;
    --loads=*) loads="${arg#*=}" ;;
    --reps=*) reps="${arg#*=}" ;;
    -*) say "unknown option $arg"; exit 2 ;;
    *) revs+=("$arg") ;;
    esac
done
if [ ${#revs[@]} -lt 1 ] || [ ${#revs[@]} -gt 2 ]; then
    say "usage: bash bench/ab/run.sh A [B] [--sizes=...] [--loads=...] [--reps=N]"
    exit 2
fi

rm -rf "$build"
mkdir -p "$build"
# A version's tree: a revision's include/ and src/, or the working tree's.
tree() {
    local rev="$1" dir="$build/$2"
    mkdir -p "$dir"
    if [ "$rev" = . ]; then
        cp -r "$root/include" "$root/src" "$dir/"
    else
        git -C "$root" archive "$rev" include src | tar -x -C "$dir" || { say "no revision $rev"; exit 2; }
    fi
}
# One version as one object: side.c and its ohm.c, only the entry points left global.
side() {
    local name="$1" dir="$build/$1"
    local flags=(-std=c11 -O2 -DNDEBUG -fvisibility=hidden "-I$dir/include")
    "$CC" "${flags[@]}" "-DSIDE=$name" -c "$here/side.c" -o "$dir/side.o"
    "$CC" "${flags[@]}" -c "$dir/src/ohm.c" -o "$dir/ohm.o"
    ld -r -o "$dir/$name.o" "$dir/side.o" "$dir/ohm.o"
    objcopy --localize-hidden "$dir/$name.o"
}
tree "${revs[0]}" a
tree "${revs[1]:-.}" b
side a
side b
"$CC" -std=c11 -O2 -Wall -Wextra "$here/drive.c" "$build/a/a.o" "$build/b/b.o" -o "$build/drive"

pin=()
if command -v taskset >/dev/null; then
    cpu="$(($(nproc) - 1))"
    taskset -c "$cpu" true 2>/dev/null && pin=(taskset -c "$cpu")
fi
say "A = ${revs[0]}, B = ${revs[1]:-working tree}"
IFS=, read -r -a size_list <<<"$sizes"
IFS=, read -r -a load_list <<<"$loads"
for c in "${size_list[@]}"; do
    for a in "${load_list[@]}"; do
        r="${reps:-$([ "$c" -ge 1048576 ] && echo 5 || echo 15)}"
        "${pin[@]}" "$build/drive" "$c" "$a" "$r"
    done
done
