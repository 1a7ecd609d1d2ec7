#!/usr/bin/env bash
# Runs the native consumers under valgrind memcheck: the C timer example,
# the C suites (tests/c/*.c), the C++ GoogleTest suite (tests/cpp), and the
# Rust suites that drive the C ABI hardest: the stress suite
# (tests/tests/stress.rs, 8 threads, contexts created and destroyed,
# destroy from callbacks), the hostile-input suite (tests/tests/hostile.rs)
# and a short run of the fuzz targets (tests/tests/fuzz.rs).
# Fails on invalid reads/writes, uses of uninitialised memory, and
# definitely or indirectly lost blocks. "Possibly lost" and "still
# reachable" blocks (Rust's std, thread-locals, detached threads) are
# allowed.
#
#   scripts/valgrind.sh                    # builds the libraries with cargo first
#   RSFFI_LIB_DIR=target/debug scripts/valgrind.sh   # use libraries already built
#
# Under valgrind the suites shrink their loops (RSFFI_UNDER_VALGRIND=1,
# RSFFI_STRESS_CALLS, RSFFI_FUZZ_INPUTS). Takes about a minute.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -z "${RSFFI_LIB_DIR:-}" ]]; then
    (cd "$ROOT" && cargo build -p timer -p fixture)
    RSFFI_LIB_DIR="$ROOT/target/debug"
fi
LIB_DIR="$(cd "$RSFFI_LIB_DIR" && pwd)"
BUILD="${RSFFI_VALGRIND_BUILD:-$LIB_DIR/e2e-valgrind}"

for tool in valgrind cc cmake; do
    if ! command -v "$tool" >/dev/null; then
        echo "valgrind.sh: '$tool' not found (Debian/Ubuntu: apt-get install valgrind build-essential cmake libgtest-dev)" >&2
        exit 2
    fi
done
mkdir -p "$BUILD"

echo "== building"
make --no-print-directory -s -C "$ROOT/examples/timer/c" BUILD_DIR="$BUILD" RSFFI_LIB_DIR="$LIB_DIR"
for suite in native_test events_test objects_test; do
    cc -std=c11 -Wall -Wextra -pedantic -Werror -g "$ROOT/tests/c/$suite.c" \
        -I "$ROOT/tests/fixture/bindings" -L "$LIB_DIR" -Wl,-rpath,"$LIB_DIR" \
        -lfixture -lpthread -o "$BUILD/$suite"
done
cmake -S "$ROOT/tests/cpp" -B "$BUILD/gtest" -DRSFFI_LIB_DIR="$LIB_DIR" >/dev/null
cmake --build "$BUILD/gtest" --parallel >/dev/null
# The Rust test binaries, as `cargo test` builds them: "name path" lines.
RUST_TESTS="$(cd "$ROOT" && "${CARGO:-cargo}" test -q -p e2e --test stress --test objects_stress --test hostile --test fuzz \
    --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"target":{[^}]*"name":"\([a-z_]*\)".*"executable":"\([^"]*\)".*/\1 \2/p')"
rust_test() {
    local path
    path="$(awk -v n="$1" '$1 == n { print $2 }' <<<"$RUST_TESTS")"
    if [[ -z "$path" ]]; then
        echo "valgrind.sh: test binary '$1' not built" >&2
        exit 2
    fi
    echo "$path"
}
STRESS_BIN="$(rust_test stress)"
OBJECTS_STRESS_BIN="$(rust_test objects_stress)"
HOSTILE_BIN="$(rust_test hostile)"
FUZZ_BIN="$(rust_test fuzz)"

export RSFFI_UNDER_VALGRIND=1
VALGRIND=(valgrind --tool=memcheck --error-exitcode=1 --leak-check=full
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect -q)

failed=()
check() {
    local name="$1"
    shift
    echo "== valgrind $name"
    local start=$SECONDS
    if "${VALGRIND[@]}" "$@" >"$BUILD/$name.out" 2>"$BUILD/$name.valgrind"; then
        echo "   clean ($((SECONDS - start)) s)"
    else
        echo "   FAILED (exit $?): see $BUILD/$name.valgrind"
        grep -E '^==[0-9]+==' "$BUILD/$name.valgrind" | head -40 || true
        failed+=("$name")
    fi
}

check timer_c "$BUILD/timer_c"
check native_test "$BUILD/native_test"
check events_test "$BUILD/events_test"
check objects_test "$BUILD/objects_test"
check fixture_cpp_tests "$BUILD/gtest/fixture_cpp_tests"
RSFFI_STRESS_CALLS=5000 check stress_rs "$STRESS_BIN"
RSFFI_STRESS_CALLS=1000 check objects_stress_rs "$OBJECTS_STRESS_BIN"
check hostile_rs "$HOSTILE_BIN"
RSFFI_FUZZ_INPUTS=10000 check fuzz_rs "$FUZZ_BIN"

if ((${#failed[@]} > 0)); then
    echo "valgrind: failures in ${failed[*]}" >&2
    exit 1
fi
echo "valgrind: all clean"
