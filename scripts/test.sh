#!/usr/bin/env bash
# Every check of `make test`, in order, stopping at the first red one, then a one-line summary.
# Expects the machine set up and the web build in pkg/ (the Makefile does both first).
set -uo pipefail
cd "$(dirname "$0")/.."

export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER:-wasm-bindgen-test-runner}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
LOG_DIR=target/test-logs
mkdir -p "$LOG_DIR"

passed=0
failed=0
stages=0

count_cargo() { # sums "test result: ... N passed; M failed" lines of a cargo test log
  awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
       END { printf "%d %d\n", p, f }' "$1"
}
count_node() { # node --test TAP summary
  awk '/^# pass / { p = $3 } /^# fail / { f = $3 } END { printf "%d %d\n", p, f }' "$1"
}

stage() { # stage NAME COUNTER COMMAND...
  local name=$1 counter=$2
  shift 2
  local log="$LOG_DIR/$name.log"
  printf '\033[1;34m==>\033[0m %s: %s\n' "$name" "$*"
  "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  stages=$((stages + 1))
  if [ "$counter" != none ]; then
    read -r p f < <("$counter" "$log")
    passed=$((passed + p))
    failed=$((failed + f))
  fi
  if [ "$status" -ne 0 ]; then
    [ "$failed" -gt 0 ] || failed=$((failed + 1))
    printf '\n\033[1;31mmake test: stage "%s" failed (log: %s)\033[0m\n' "$name" "$log"
    echo "summary: $passed passed, $failed failed"
    exit 1
  fi
}

stage fmt none cargo fmt --all -- --check
stage clippy none cargo clippy --all-targets -- -D warnings
# The facade (src/web/, with the benchmark's entry points) and the wasm tests exist only for wasm32.
stage clippy-wasm none cargo clippy --target wasm32-unknown-unknown --all-features --lib --test web --test web_memory -- -D warnings
# The page's three modules (make web), each with its features alone: the first screen's, the whole
# page's and the digits lab's.
clippy_modules() {
  for features in lab full cnn; do
    cargo clippy --target wasm32-unknown-unknown --no-default-features --features "$features" --lib -- -D warnings || return 1
  done
}
stage clippy-modules none clippy_modules
# The docs, broken links and missing docs included; for wasm32 too, so src/web/ is documented.
stage doc none env RUSTDOCFLAGS="-D warnings" cargo doc --no-deps
stage doc-wasm none env RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --target wasm32-unknown-unknown --all-features
stage native count_cargo cargo test
# The core's own tests with each module's features alone, as the page builds it: what a module
# leaves out (a network's spec read but not built, the digits lab's numbers) is refused, not broken.
native_modules() {
  for features in lab full cnn; do
    cargo test --no-default-features --features "$features" --lib || return 1
  done
}
stage native-modules count_cargo native_modules
stage wasm count_cargo cargo test --target wasm32-unknown-unknown --test web
stage wasm-memory count_cargo env WASM_BINDGEN_TEST_TIMEOUT=300 cargo test --target wasm32-unknown-unknown --test web_memory
# The catalogues of the page's words (www/i18n/): both languages complete, nothing bypassing them.
stage i18n count_node node --test --test-reporter=tap tests/i18n/
stage e2e count_node node --test --test-concurrency=1 --test-reporter=tap tests/e2e/
# Firefox ESR and WebKitGTK; xvfb-run gives WebKit's MiniBrowser an X server (Firefox is headless).
stage engines count_node xvfb-run -a -s "-screen 0 1600x1200x24" node --test --test-reporter=tap tests/engines/

echo
printf '\033[1;32mmake test: all %d stages green\033[0m\n' "$stages"
echo "summary: $passed passed, $failed failed"
