#!/usr/bin/env bash
# The desktop benchmark (DESIGN §7, issue 17's P7 figures): builds the release UI and app, prints
# the UI bundle's gzipped size, then starts the release app (start time, idle memory) and opens
# a 3,000-word article in it (tests/bench_desktop.rs). Prints figures; asserts nothing.
# Needs what scripts/setup.sh test installs (Xvfb, tauri-driver). Takes ~15 minutes cold.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/build-ui.sh release
cargo build --release -p folio-app --features custom-protocol

echo "UI bundle (gzip -9):"
total=0
for f in ui/dist/*; do
  [ -f "$f" ] || continue
  size=$(gzip -9c "$f" | wc -c)
  total=$((total + size))
  printf '  %-28s %8d bytes gz (%d raw)\n' "$(basename "$f")" "$size" "$(wc -c < "$f")"
done
printf '  %-28s %8d bytes gz (%d KB)\n' "total" "$total" "$((total / 1024))"

APP_BINARY="$PWD/target/release/folio-app" scripts/headless.sh \
  cargo run --quiet --release -p folio-e2e --bin bench-desktop
