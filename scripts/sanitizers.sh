#!/usr/bin/env bash
# Runs the C suites (tests/c/*.c) against the fixture library under
# ThreadSanitizer and AddressSanitizer (with LeakSanitizer), built with
# gcc -fsanitize=thread / -fsanitize=address. The Rust library itself is
# built normally, so:
#   - TSan runs with ignore_noninstrumented_modules=1: the memcpy/malloc
#     calls the uninstrumented library makes are not judged, since TSan
#     cannot see the atomics and futexes that order them;
#   - the ordering the library guarantees at its boundary (a call happens
#     before its callbacks; destroy returns after the callbacks it fails)
#     is declared by the suites themselves (LIB, IN_CALLBACK, AFTER_WAIT in
#     tests/c/check.h). Nothing is suppressed: any race in the suites' own
#     code, between their own threads, is reported and fails the run; a
#     canary (tests/c/race_canary.c) races on purpose and must be reported.
#
#   scripts/sanitizers.sh                    # builds the fixture with cargo first
#   RSFFI_LIB_DIR=target/debug scripts/sanitizers.sh   # use a library already built
#   RSFFI_SANITIZER_CC=clang scripts/sanitizers.sh      # another compiler
#
# A few seconds; `cargo test -p e2e --test sanitizers` runs it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -z "${RSFFI_LIB_DIR:-}" ]]; then
    (cd "$ROOT" && cargo build -p fixture)
    RSFFI_LIB_DIR="$ROOT/target/debug"
fi
LIB_DIR="$(cd "$RSFFI_LIB_DIR" && pwd)"
BUILD="${RSFFI_SANITIZER_BUILD:-$LIB_DIR/e2e-sanitizers}"
CC="${RSFFI_SANITIZER_CC:-gcc}"

if ! command -v "$CC" >/dev/null; then
    echo "sanitizers.sh: '$CC' not found (Debian/Ubuntu: apt-get install build-essential)" >&2
    exit 2
fi
mkdir -p "$BUILD"

SUITES=(native_test events_test objects_test)
SANITIZERS=(thread address)

echo "== building"
for san in "${SANITIZERS[@]}"; do
    for suite in "${SUITES[@]}"; do
        "$CC" -std=c11 -Wall -Wextra -pedantic -Werror -g -O1 -fno-omit-frame-pointer \
            -fsanitize="$san" "$ROOT/tests/c/$suite.c" \
            -I "$ROOT/tests/fixture/bindings" -L "$LIB_DIR" -Wl,-rpath,"$LIB_DIR" \
            -lfixture -lpthread -o "$BUILD/$suite.$san"
    done
done

export TSAN_OPTIONS="ignore_noninstrumented_modules=1 halt_on_error=0 exitcode=66 ${TSAN_OPTIONS:-}"
export ASAN_OPTIONS="detect_leaks=1 exitcode=67 ${ASAN_OPTIONS:-}"
# The fixture's panics print backtraces; they are expected and not errors.
export RUST_BACKTRACE=0

failed=()
for san in "${SANITIZERS[@]}"; do
    for suite in "${SUITES[@]}"; do
        name="$suite.$san"
        echo "== $san $suite"
        start=$SECONDS
        if "$BUILD/$name" >"$BUILD/$name.out" 2>"$BUILD/$name.err" &&
            tail -n 1 "$BUILD/$name.out" | grep -q ' passed, 0 failed$' &&
            ! grep -q -E '^(WARNING: ThreadSanitizer|==[0-9]+==ERROR: (Address|Leak)Sanitizer)' "$BUILD/$name.err"; then
            echo "   clean ($((SECONDS - start)) s): $(tail -n 1 "$BUILD/$name.out")"
        else
            echo "   FAILED: see $BUILD/$name.err"
            grep -E -A 30 '^(WARNING: ThreadSanitizer|==[0-9]+==ERROR)' "$BUILD/$name.err" | head -80 || true
            tail -n 3 "$BUILD/$name.out" || true
            failed+=("$name")
        fi
    done
done

# The canary races on purpose (see tests/c/race_canary.c): TSan must
# report it, at the canary's own lines, or the setup above proves nothing.
echo "== thread race_canary"
"$CC" -std=c11 -Wall -Wextra -pedantic -Werror -g -O1 -fsanitize=thread \
    "$ROOT/tests/c/race_canary.c" -I "$ROOT/tests/fixture/bindings" -L "$LIB_DIR" \
    -Wl,-rpath,"$LIB_DIR" -lfixture -lpthread -o "$BUILD/race_canary.thread"
status=0
"$BUILD/race_canary.thread" >"$BUILD/race_canary.thread.out" 2>"$BUILD/race_canary.thread.err" || status=$?
if ((status == 66)) && grep -q '^WARNING: ThreadSanitizer: data race' "$BUILD/race_canary.thread.err" &&
    grep -q 'race_canary.c' "$BUILD/race_canary.thread.err"; then
    echo "   reported, as it must be"
else
    echo "   NOT reported (exit $status): ThreadSanitizer would miss races; see $BUILD/race_canary.thread.err"
    failed+=(race_canary.thread)
fi

if ((${#failed[@]} > 0)); then
    echo "sanitizers: failures in ${failed[*]}" >&2
    exit 1
fi
echo "sanitizers: all clean"
