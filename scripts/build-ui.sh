#!/usr/bin/env bash
# Build the Yew UI to ui/dist (embedded into the app at compile time).
# Usage: scripts/build-ui.sh [debug|release]
# Plain cargo + wasm-bindgen-cli: nothing is downloaded (trunk would fetch tools from outside the
# package registries).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-debug}"
case "$mode" in
  debug) profile_args=(); profile_dir=debug ;;
  release) profile_args=(--profile wasm-release); profile_dir=wasm-release ;;
  *) echo "usage: $0 [debug|release]" >&2; exit 2 ;;
esac
target_dir="${CARGO_TARGET_DIR:-target}"
cargo build -p folio-ui --target wasm32-unknown-unknown "${profile_args[@]}"
rm -rf ui/dist.tmp
mkdir -p ui/dist.tmp
wasm-bindgen --target web --no-typescript --out-dir ui/dist.tmp --out-name folio_ui \
  "$target_dir/wasm32-unknown-unknown/$profile_dir/folio-ui.wasm"
cp ui/index.html ui/boot.js ui/style.css ui/dist.tmp/
# A release UI's wasm is shrunk by binaryen's wasm-opt (npm, pinned in ui/editor, installed by
# scripts/setup.sh): about a fifth smaller gzipped, and less for the web view to compile at start.
if [ "$mode" = release ]; then
  wasm_opt=ui/editor/node_modules/.bin/wasm-opt
  if [ ! -x "$wasm_opt" ]; then
    echo "build-ui: $wasm_opt is missing: run scripts/setup.sh (it runs npm ci in ui/editor)" >&2
    exit 1
  fi
  "$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types \
    ui/dist.tmp/folio_ui_bg.wasm -o ui/dist.tmp/folio_ui_bg.wasm
fi
# The article editor engine (ui/editor, npm, installed by scripts/setup.sh): one ES module that
# boot.js loads before the wasm. Bundled here, so nothing is fetched at run time.
esbuild=ui/editor/node_modules/.bin/esbuild
if [ ! -x "$esbuild" ]; then
  echo "build-ui: $esbuild is missing: run scripts/setup.sh (it runs npm ci in ui/editor)" >&2
  exit 1
fi
"$esbuild" ui/editor/src/editor.js --bundle --minify --format=esm --log-level=warning \
  --outfile=ui/dist.tmp/editor.js
# Only touch files whose bytes changed: the app embeds ui/dist and rebuilds when it changes.
mkdir -p ui/dist
for f in ui/dist.tmp/*; do
  cmp -s "$f" "ui/dist/${f##*/}" || cp "$f" "ui/dist/${f##*/}"
done
for f in ui/dist/*; do
  [ -e "ui/dist.tmp/${f##*/}" ] || rm -f "$f"
done
rm -rf ui/dist.tmp
echo "ui built ($mode): $(du -sh ui/dist | cut -f1) in ui/dist"
