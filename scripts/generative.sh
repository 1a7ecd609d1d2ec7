#!/usr/bin/env bash
# The generative test of the generator (ffi-build/tests/generative) with a
# chosen seed and number of random libraries. Every library's Rust glue is
# type-checked with the library (cargo check), its C headers compiled with
# cc -std=c11 -Wall -Wextra -pedantic -Werror, its C++ header with
# c++ -std=c++17 -Wall -Wextra -Werror, and its Go packages checked with
# go vet and gofmt -l.
#
#   scripts/generative.sh                  # the seed and count cargo test runs
#   scripts/generative.sh 42 500           # seed 42, 500 libraries
#   FFI_GEN_RAW_IDENTS=1 scripts/generative.sh 42 100       # also r#type names
#   FFI_GEN_COLLIDING_TYPES=1 scripts/generative.sh 42 100  # also type names
#                                          # the generator does not handle yet
#
# Sources and outputs are left under target/generative (FFI_GEN_DIR to
# change); on failure, the report (also target/generative/report.txt) names
# each library that did not compile and the compiler's messages.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -ge 1 ]]; then export FFI_GEN_SEED="$1"; fi
if [[ $# -ge 2 ]]; then export FFI_GEN_COUNT="$2"; fi
cd "$ROOT"
start=$SECONDS
"${CARGO:-cargo}" test -p ffi-build --test generative -- --nocapture
echo "generative.sh: $((SECONDS - start)) s in all (build included)"
