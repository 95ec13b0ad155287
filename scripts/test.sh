#!/usr/bin/env bash
# Set up whatever is missing, then run every check: formatting, clippy (native and wasm), the UI's
# wasm build, unit and integration tests, and the end-to-end test of the real window under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# CI keeps a target directory of its own outside the clone so warm runs are fast; it is never the
# working checkout's target/ (build-script outputs of two checkouts would clobber each other).
if [ "${CI:-}" = true ] && [ -z "${CARGO_TARGET_DIR:-}" ]; then
  export CARGO_TARGET_DIR="${FOLIO_CI_TARGET_DIR:-$HOME/.cache/folio-ci/target}"
  # CI builds each commit once: incremental caches only cost disk (10 GB after a few dozen runs)
  # and time to write.
  export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
fi
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

started=$SECONDS
step() {
  local name="$1"; shift
  local t0=$SECONDS
  printf '\n==> %s\n' "$name"
  "$@"
  printf '<== %s (%ss)\n' "$name" "$((SECONDS - t0))"
}

step "format" cargo fmt --all --check
step "ui: wasm build" scripts/build-ui.sh debug
# Every native step selects the whole workspace so cargo unifies features the same way each time
# and no dependency is built twice.
step "clippy (native)" cargo clippy --locked --workspace --all-targets -- -D warnings
step "clippy (ui, wasm32)" cargo clippy --locked -p folio-ui --target wasm32-unknown-unknown -- -D warnings
step "build binaries (the app, the CLI)" cargo build --locked --workspace --bins
# --no-fail-fast: every test binary runs even after one fails, so one failure never hides the
# others; cargo still exits non-zero when any test failed.
step "tests (unit, integration, end-to-end)" \
  scripts/headless.sh cargo test --locked --workspace --no-fail-fast
printf '\nall checks passed in %ss\n' "$((SECONDS - started))"
