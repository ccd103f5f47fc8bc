#!/usr/bin/env bash
# bench/run.sh - build and run ohm's benchmark (the workload of bench/README.md).
#
#   bash bench/run.sh              default subset, about a minute on 2 cores
#   BENCH_FULL=1 bash bench/run.sh the full grid (sizes 16..2^20, loads 0.5/0.875/0.97)
#   bash bench/run.sh --sizes=256 --loads=0.97 --maps=absl,boost   any bench option
#   bash bench/run.sh --latency    per-call churn latency at C = 2^20 (u64)
#
# Environment: CC / CXX (default gcc / g++: one compiler family for every
# peer), BENCH_OHM_SHARED=0 (ohm's writers without the bookkeeping shared
# blocks need: OHM_SHARED 0), BENCH_NO_INSTALL=1 (never call apt-get), BENCH_PIN=0 (do not pin
# to one CPU), PYTHON (for the SVG chart; default python3).
#
# The root Makefile's `make bench` calls this script.  It
#  1. looks for each peer's Debian package and, when it is root and apt-get
#     exists, installs the missing ones; otherwise it says which are missing,
#  2. compiles ohm's adapter and every peer it can (a peer that does not
#     compile is reported and left out: the run goes on without it),
#  3. runs bench/build/bench, which prints one table per key type and writes
#     bench/results/bench.csv,
#  4. draws bench/results/bench-*.svg from the CSV with bench/plot.py.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="$here/build"
results="$here/results"
cd "$root"

CC="${CC:-gcc}"
CXX="${CXX:-g++}"
PYTHON="${PYTHON:-python3}"
# Release flags, the same for every translation unit.
OPT=(-O2 -DNDEBUG)
WARN=(-Wall -Wextra)

say() { printf 'bench: %s\n' "$*" >&2; }

if [ ! -f include/ohm.h ] || [ ! -f include/ohm_map.h ]; then
    say "include/ohm.h and include/ohm_map.h are needed: ohm is the baseline of every ratio"
    exit 1
fi
command -v "$CC" >/dev/null || { say "no C compiler '$CC'"; exit 1; }
command -v "$CXX" >/dev/null || { say "no C++ compiler '$CXX'"; exit 1; }

# ---------------------------------------------------------------------------
# 1. Peer packages.  Each peer: name, Debian package, a header that proves it
#    is installed.
# ---------------------------------------------------------------------------
peers=(absl boost khash glib stb uthash dense)
declare -A pkg=(
    [absl]=libabsl-dev [boost]=libboost1.81-dev [khash]=libhts-dev [glib]=libglib2.0-dev
    [stb]=libstb-dev [uthash]=uthash-dev [dense]=libsparsehash-dev
)
declare -A header=(
    [absl]=/usr/include/absl/container/flat_hash_map.h
    [boost]=/usr/include/boost/unordered/unordered_flat_map.hpp
    [khash]=/usr/include/htslib/khash.h
    [glib]=/usr/include/glib-2.0/glib.h
    [stb]=/usr/include/stb/stb_ds.h
    [uthash]=/usr/include/uthash.h
    [dense]=/usr/include/sparsehash/dense_hash_map
)

missing_pkgs() {
    local p out=()
    for p in "${peers[@]}"; do
        [ -f "${header[$p]}" ] || out+=("${pkg[$p]}")
    done
    # pkg-config finds absl's and glib's link flags.
    command -v pkg-config >/dev/null || out+=(pkg-config)
    echo "${out[@]:-}"
}

missing="$(missing_pkgs)"
if [ -n "$missing" ]; then
    if [ "${BENCH_NO_INSTALL:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing missing peer packages: $missing"
        read -r -a to_install <<<"$missing"
        mkdir -p "$build"
        apt_log="$build/apt.log"
        export DEBIAN_FRONTEND=noninteractive
        if ! apt-get install -y -qq "${to_install[@]}" >"$apt_log" 2>&1; then
            say "apt-get install failed; refreshing the package lists and trying again"
            apt-get update -qq >>"$apt_log" 2>&1 || true
            apt-get install -y -qq "${to_install[@]}" >>"$apt_log" 2>&1 ||
                say "could not install: $missing (see $apt_log)"
        fi
        missing="$(missing_pkgs)"
    fi
    [ -z "$missing" ] || say "missing packages (their peers are left out): $missing"
fi

# ---------------------------------------------------------------------------
# 2. Build.  One object per peer; a peer that fails to build is left out.
# ---------------------------------------------------------------------------
mkdir -p "$build" "$results"
objs=()
defs=()
skipped=()

# An object is reused while it is newer than its source, every header it
# may include and this script, and was built by the same command with the
# same compiler version (maps.o's command holds the list of peers).
cc_id="$("$CC" --version | head -n 1) / $("$CXX" --version | head -n 1)"

compile() { # compile NAME SOURCE EXTRA-FLAGS...
    local name="$1" src="$2"
    shift 2
    local obj="$build/$name.o" log="$build/$name.log"
    case "$src" in
    *.c) set -- "$CC" -std=c11 "${OPT[@]}" "${WARN[@]}" "$@" -Ibench/peers -c "$src" -o "$obj" ;;
    *) set -- "$CXX" -std=c++17 "${OPT[@]}" "${WARN[@]}" "$@" -Ibench/peers -c "$src" -o "$obj" ;;
    esac
    local cmd="$cc_id: $*"
    if [ -f "$obj" ] && [ "$(cat "$obj.cmd" 2>/dev/null)" = "$cmd" ] &&
        [ -z "$(find "$src" include bench/peers bench/run.sh bench/*.h -newer "$obj" -print -quit)" ]; then
        objs+=("$obj")
        return 0
    fi
    rm -f "$obj.cmd"
    if "$@" >"$log" 2>&1; then
        printf '%s\n' "$cmd" >"$obj.cmd"
        [ -s "$log" ] && { say "warnings building $name:"; cat "$log" >&2; }
        objs+=("$obj")
        return 0
    fi
    say "cannot build peer '$name' (see $log):"
    head -n 5 "$log" >&2
    return 1
}

# BENCH_OHM_SHARED=0: ohm's writers without the bookkeeping that lock-free
# readers and N_recover need (OHM_SHARED 0), as a map never shared would be
# built; the default, 1, is the library's default.
ohm_shared="${BENCH_OHM_SHARED:-1}"
case "$ohm_shared" in
0 | 1) ;;
*) say "BENCH_OHM_SHARED is 0 or 1, not '$ohm_shared'"; exit 2 ;;
esac
[ "$ohm_shared" = 0 ] && say "ohm built with OHM_SHARED 0 (BENCH_OHM_SHARED=0)"
compile ohm bench/peers/ohm.c -Iinclude -DOHM_BENCH_SHARED="$ohm_shared" || { say "ohm's adapter must build"; exit 1; }
compile floor bench/peers/floor.c || exit 1
# The reference design, written in C in bench/peers/: no package to find.
if compile ghostty bench/peers/ghostty.c; then
    defs+=(-DBENCH_HAVE_GHOSTTY)
else
    skipped+=("ghostty (build failed)")
fi

libs=()
for p in "${peers[@]}"; do
    if [ ! -f "${header[$p]}" ]; then
        skipped+=("$p (no ${pkg[$p]})")
        continue
    fi
    extra=()
    case "$p" in
    absl)
        src=bench/peers/absl.cc
        read -r -a plibs <<<"$(pkg-config --libs absl_flat_hash_map absl_hash 2>/dev/null || echo MISSING)"
        ;;
    glib)
        src=bench/peers/glib.c
        read -r -a extra <<<"$(pkg-config --cflags glib-2.0 2>/dev/null || true)"
        read -r -a plibs <<<"$(pkg-config --libs glib-2.0 2>/dev/null || echo MISSING)"
        ;;
    boost | dense)
        src="bench/peers/$p.cc"
        plibs=()
        ;;
    *)
        src="bench/peers/$p.c"
        plibs=()
        ;;
    esac
    if [ "${plibs[*]:-}" = MISSING ]; then
        skipped+=("$p (pkg-config does not know it)")
        continue
    fi
    if compile "$p" "$src" "${extra[@]}"; then
        defs+=("-DBENCH_HAVE_$(echo "$p" | tr '[:lower:]' '[:upper:]')")
        libs+=("${plibs[@]}")
    else
        skipped+=("$p (build failed)")
    fi
done

# The driver, a file per concern (bench/README.md, "Files"). Only maps.c,
# the list of maps, needs to know which peers were built.
for f in main options workload sample latency report timing util; do
    compile "driver-$f" "bench/$f.c" -Ibench || exit 1
done
compile driver-maps bench/maps.c "${defs[@]}" -Ibench || exit 1
# C++ peers are linked in, so the C++ driver links the program.
"$CXX" -o "$build/bench" "${objs[@]}" "${libs[@]}" -lm
[ ${#skipped[@]} -eq 0 ] || say "left out: ${skipped[*]}"

# ---------------------------------------------------------------------------
# 3. Run.  Context for the CSV header comes from here.
# ---------------------------------------------------------------------------
BENCH_MACHINE="$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)"
BENCH_CC_VERSION="$("$CC" --version | head -n 1)"
BENCH_CXX_VERSION="$("$CXX" --version | head -n 1)"
BENCH_FLAGS="${OPT[*]} (C: -std=c11, C++: -std=c++17)"
[ "$ohm_shared" = 0 ] && BENCH_FLAGS="$BENCH_FLAGS; ohm: OHM_SHARED 0"
export BENCH_MACHINE BENCH_CC_VERSION BENCH_CXX_VERSION BENCH_FLAGS

# One CPU for the whole run: no migrations between the maps' turns.
pin=()
if [ "${BENCH_PIN:-1}" != 0 ] && command -v taskset >/dev/null; then
    cpu="$(($(nproc) - 1))"
    taskset -c "$cpu" true 2>/dev/null && pin=(taskset -c "$cpu")
fi

full=()
[ "${BENCH_FULL:-0}" != 0 ] && full=(--full)
# --latency: the churn-latency report, with a CSV of its own and no chart.
csv="$results/bench.csv"
latency=0
for a in "$@"; do
    [ "$a" = --latency ] && latency=1
done
[ "$latency" = 1 ] && csv="$results/latency.csv" && full=()
status=0
"${pin[@]}" "$build/bench" "${full[@]}" --csv="$csv" "$@" || status=$?
[ "$latency" = 1 ] && exit "$status"

# ---------------------------------------------------------------------------
# 4. Chart.
# ---------------------------------------------------------------------------
if [ -s "$results/bench.csv" ]; then
    if command -v "$PYTHON" >/dev/null; then
        "$PYTHON" bench/plot.py "$results/bench.csv" "$results" || say "plot.py failed; the CSV is fine"
    else
        say "no $PYTHON: skipping the SVG chart (the CSV is written)"
    fi
fi
exit "$status"
