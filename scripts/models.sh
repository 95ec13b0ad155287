#!/usr/bin/env bash
# Install the offline embedding model folio-embed loads (idempotent; a second run only checks).
#
# potion-base-2M (model2vec static embeddings, 64 dimensions, MIT, by Minish Lab) comes from the
# crates.io package `yantrikdb` 0.23.4 (Apache-2.0), which ships it under assets/. Only the
# registry is contacted: the .crate is fetched from the registry's download URL (its index's
# config.json), checked against the checksum the index publishes, and the four model files are
# checked against the checksums pinned here. Nothing is fetched from a model hub, at setup or at
# run time. Files go to $FOLIO_MODELS_DIR (default ~/.cache/folio/models)/potion-base-2M.
set -euo pipefail

say() { printf 'models: %s\n' "$*" >&2; }

dir="${FOLIO_MODELS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/folio/models}/potion-base-2M"
crate=yantrikdb
version=0.23.4
crate_sha=4563469dda349e5e9fd103b885351ca61e0f73454e25e4c0b14d9358b632120a
files="config.json model.safetensors modules.json tokenizer.json"
declare -A sha=(
  [config.json]=b2a89173391ca774c2d7323090a993a9a1553faa5b40eb37bb7cec6685fbea47
  [model.safetensors]=f95ffde02ad06f63ae38eb9d400038cd5ccaf8411ec3cb650c6025113f96cbb8
  [modules.json]=a68dcbed0429dcdd5bfdca92b0b03cc30d09122c0a3fcf4758787d4b244e45b2
  [tokenizer.json]=e67e803f624fb4d67dea1c730d06e1067e1b14d830e2c2202569e3ef0f70bb50
)

installed() {
  for f in $files; do
    [ -f "$dir/$f" ] || return 1
    [ "$(sha256sum "$dir/$f" | cut -d' ' -f1)" = "${sha[$f]}" ] || return 1
  done
}

if installed; then exit 0; fi

say "installing potion-base-2M from the crates.io package $crate $version (9 MB, once)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dl=$(curl -fsS --retry 3 https://index.crates.io/config.json \
  | sed -n 's/.*"dl": *"\([^"]*\)".*/\1/p')
if [ -z "$dl" ]; then say "cannot read the registry's download URL"; exit 1; fi
case "$dl" in
  *'{crate}'*) url=${dl//\{crate\}/$crate}; url=${url//\{version\}/$version} ;;
  *) url="$dl/$crate/$version/download" ;;
esac
curl -fsSL --retry 3 -o "$tmp/pkg.crate" "$url"
got=$(sha256sum "$tmp/pkg.crate" | cut -d' ' -f1)
if [ "$got" != "$crate_sha" ]; then
  say "the downloaded $crate $version does not match its registry checksum ($got)"; exit 1
fi
tar -xzf "$tmp/pkg.crate" -C "$tmp" "$crate-$version/assets/potion-base-2M"
mkdir -p "$dir"
for f in $files; do
  src="$tmp/$crate-$version/assets/potion-base-2M/$f"
  if [ "$(sha256sum "$src" | cut -d' ' -f1)" != "${sha[$f]}" ]; then
    say "$f in $crate $version is not the pinned file"; exit 1
  fi
  # Replaced whole, so an interrupted install never leaves a half-written file in place.
  cp "$src" "$dir/.$f.part" && mv "$dir/.$f.part" "$dir/$f"
done
say "potion-base-2M installed in $dir"
