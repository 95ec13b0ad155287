#!/usr/bin/env bash
# Set up whatever is missing, build the release app and launch it.
# Data lives in the OS app-data directory (~/.local/share/app.folio.desktop on Linux);
# FOLIO_DATA_DIR overrides it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run: no display. Folio is a desktop app; on a headless machine use: xvfb-run -a scripts/run.sh" >&2
  exit 1
fi
scripts/build-ui.sh release
cargo build --release -p folio-app --features custom-protocol
target_dir="${CARGO_TARGET_DIR:-target}"
exec "$target_dir/release/folio-app" "$@"
