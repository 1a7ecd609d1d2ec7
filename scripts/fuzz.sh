#!/usr/bin/env bash
# The long fuzz run: the three targets of tests/tests/fuzz.rs (the CBOR
# decoder for every fixture and timer type, the CBOR ABI's request path
# through the fixture's C exports, and the IPC frame reader on chunked,
# lying streams) with 1,000,000 inputs each, in release mode. Each target
# prints its inputs, duration, inputs/s and crashes (must be 0).
#
#   scripts/fuzz.sh                       # 1,000,000 inputs per target
#   scripts/fuzz.sh 5000000               # more
#   RSFFI_FUZZ_SEED=123 scripts/fuzz.sh   # replay a reported seed
#
# `cargo test` runs the same targets with 100,000 inputs each (debug).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export RSFFI_FUZZ_INPUTS="${1:-${RSFFI_FUZZ_INPUTS:-1000000}}"
cd "$ROOT"
start=$SECONDS
"${CARGO:-cargo}" test --release -p e2e --test fuzz -- --nocapture --test-threads=1
echo "fuzz.sh: $RSFFI_FUZZ_INPUTS inputs per target, $((SECONDS - start)) s in all (build included)"
