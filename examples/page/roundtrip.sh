#!/bin/sh
# Byte-exact round trips through the page program itself:
#   roundtrip.sh PAGE_PROGRAM WORK_DIR
# The built-in sample and a few more texts go in through a file argument
# and through standard input, at several page sizes; pages saved to a file
# are rendered by a second process with --load; the full demo (clone, move,
# save + map in a child) must report no failed check.
set -eu
page=$1
dir=$2
mkdir -p "$dir"
fail=0
n=0

check() { # name, expected file, actual file
    n=$((n + 1))
    if cmp -s "$2" "$3"; then :; else
        echo "FAIL: $1"
        cmp "$2" "$3" || true
        fail=$((fail + 1))
    fi
}

"$page" --print-sample > "$dir/sample.txt"
esc=$(printf '\033')
printf 'plain\n\n  indented, trailing   \n' > "$dir/plain.txt"
printf '%s[1;31mbold red%s[0m %s]8;;https://ghostty.org%s\\link%s]8;;%s\\ 日本語 e\xcc\x81\n' \
    "$esc" "$esc" "$esc" "$esc" "$esc" "$esc" > "$dir/mixed.txt"
: > "$dir/empty.txt"
# larger than many pages: the sample forty times
i=0; : > "$dir/big.txt"
while [ $i -lt 40 ]; do cat "$dir/sample.txt" >> "$dir/big.txt"; printf '\n' >> "$dir/big.txt"; i=$((i + 1)); done

for f in sample plain mixed empty big; do
    in="$dir/$f.txt"
    for size in "40 8" "2 1" "7 3" "80 24" "200 60"; do
        set -- $size
        "$page" --cols "$1" --rows "$2" --render "$in" > "$dir/out"
        check "$f at $1x$2 (file)" "$in" "$dir/out"
    done
    "$page" --render - < "$in" > "$dir/out"
    check "$f (standard input)" "$in" "$dir/out"
    "$page" --render --save "$dir/$f.pages" "$in" > /dev/null
    "$page" --load "$dir/$f.pages" > "$dir/out"
    check "$f (saved, loaded by another process)" "$in" "$dir/out"
done

# The demo on the sample and on a big file: its own checks must all pass.
for f in sample big; do
    n=$((n + 1))
    if "$page" --quick "$dir/$f.txt" > "$dir/demo.out"; then :; else
        echo "FAIL: demo on $f"; tail -5 "$dir/demo.out"; fail=$((fail + 1))
    fi
done
# A damaged page file is refused.
n=$((n + 1))
head -c 5000 "$dir/sample.pages" > "$dir/cut.pages"
if "$page" --load "$dir/cut.pages" > /dev/null 2>&1; then echo "FAIL: damaged file accepted"; fail=$((fail + 1)); fi

echo "roundtrip.sh: $n checks, $fail failed"
[ "$fail" -eq 0 ]
