#!/usr/bin/env bash
# Runs the native consumers under valgrind memcheck: the C timer example,
# the C suites (tests/c/*.c) and the C++ GoogleTest suite (tests/cpp).
# Fails on invalid reads/writes, uses of uninitialised memory, and
# definitely or indirectly lost blocks. "Possibly lost" and "still
# reachable" blocks (Rust's std, thread-locals, detached threads) are
# allowed.
#
#   scripts/valgrind.sh                    # builds the libraries with cargo first
#   RSFFI_LIB_DIR=target/debug scripts/valgrind.sh   # use libraries already built
#
# Under valgrind the suites shrink their loops (RSFFI_UNDER_VALGRIND=1).
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
for suite in native_test events_test; do
    cc -std=c11 -Wall -Wextra -pedantic -Werror -g "$ROOT/tests/c/$suite.c" \
        -I "$ROOT/tests/fixture/bindings" -L "$LIB_DIR" -Wl,-rpath,"$LIB_DIR" \
        -lfixture -lpthread -o "$BUILD/$suite"
done
cmake -S "$ROOT/tests/cpp" -B "$BUILD/gtest" -DRSFFI_LIB_DIR="$LIB_DIR" >/dev/null
cmake --build "$BUILD/gtest" --parallel >/dev/null

export RSFFI_UNDER_VALGRIND=1
VALGRIND=(valgrind --tool=memcheck --error-exitcode=1 --leak-check=full
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect -q)

failed=()
check() {
    local name="$1"
    shift
    echo "== valgrind $name"
    if "${VALGRIND[@]}" "$@" >"$BUILD/$name.out" 2>"$BUILD/$name.valgrind"; then
        echo "   clean"
    else
        echo "   FAILED (exit $?): see $BUILD/$name.valgrind"
        grep -E '^==[0-9]+==' "$BUILD/$name.valgrind" | head -40 || true
        failed+=("$name")
    fi
}

check timer_c "$BUILD/timer_c"
check native_test "$BUILD/native_test"
check events_test "$BUILD/events_test"
check fixture_cpp_tests "$BUILD/gtest/fixture_cpp_tests"

if ((${#failed[@]} > 0)); then
    echo "valgrind: failures in ${failed[*]}" >&2
    exit 1
fi
echo "valgrind: all clean"
