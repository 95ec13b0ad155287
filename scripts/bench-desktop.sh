#!/usr/bin/env bash
# The desktop benchmark (DESIGN §7, issue 17's P7 figures): builds the release UI and app, prints
# the UI bundle's gzipped size, then starts the release app (start time, idle memory) and opens
# a 3,000-word article in it (tests/bench_desktop.rs). Prints figures; asserts nothing.
# Needs what scripts/setup.sh test installs (Xvfb, tauri-driver). Takes ~15 minutes cold.
#
# `scripts/bench-desktop.sh floor` measures the floor instead: the same shell (the release app,
# its store, WebKit) around a blank page that reports itself drawn at once — what starting the
# shell and WebKit costs on this machine before any of the UI. It leaves the release app built
# with the blank page; the next plain run builds the real one again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = floor ]; then
  floor=$(mktemp -d)
  trap 'rm -rf "$floor"' EXIT
  cat > "$floor/index.html" <<'HTML'
<!doctype html>
<html lang="en"><head><meta charset="utf-8" /><title>Folio (floor)</title>
<script type="module" src="floor.js"></script></head><body><h1>Floor</h1></body></html>
HTML
  # What the real start page does once it is drawn: `app_ready`, and both clocks for the split.
  cat > "$floor/floor.js" <<'JS'
requestAnimationFrame(async () => {
  const readyAt = performance.now();
  const appReadyMs = await window.__TAURI__.core.invoke('app_ready', { args: {} });
  window.folioTimings = { start: { readyAt, appReadyMs } };
});
JS
  TAURI_CONFIG="{\"build\":{\"frontendDist\":\"$floor\"}}" \
    cargo build --release -p folio-app --features custom-protocol
  APP_BINARY="$PWD/target/release/folio-app" FOLIO_BENCH_FLOOR=1 scripts/headless.sh \
    cargo run --quiet --release -p folio-e2e --bin bench-desktop
  exit
fi

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
