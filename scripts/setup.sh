#!/usr/bin/env bash
# Install whatever Folio needs that is missing; a second run changes nothing and takes seconds.
# Usage: scripts/setup.sh [run|test]   (run: build and launch the app; test: also the test tools)
# Everything comes from the package registries (Debian, crates.io, npm) and rustup.
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-test}"
case "$purpose" in run|test) ;; *) echo "usage: $0 [run|test]" >&2; exit 2 ;; esac

export DEBIAN_FRONTEND=noninteractive
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
say() { printf 'setup: %s\n' "$*" >&2; }

# --- Debian packages -------------------------------------------------------------------------
apt_pkgs=(
  build-essential pkg-config curl file
  libwebkit2gtk-4.1-dev      # Tauri's webview (pulls in GTK 3, libsoup 3, JavaScriptCore, D-Bus)
  libdbus-1-dev              # the keyring crate's Secret Service client (libdbus-sys, via pkg-config)
)
if [ "$purpose" = test ]; then
  apt_pkgs+=(
    libssl-dev               # the WebDriver client's TLS stack
    xvfb xauth               # a headless X display for the real window
    webkit2gtk-driver        # WebKitWebDriver, driven through tauri-driver
    dbus dbus-daemon         # dbus-run-session: a private session bus per test run
    dbus-bin                 # dbus-send: headless.sh finds the keyring daemon's PID on that bus
    gnome-keyring libsecret-tools keyutils   # the OS keychain, headless
    postgresql               # folio-server's scale-mode tests (scripts/postgres.sh)
  )
fi
command -v npm >/dev/null 2>&1 || apt_pkgs+=(nodejs npm)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Rust: the wasm target for the UI --------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1; then
  say "cargo is missing: this machine kind ships Rust through rustup; install it, then rerun"; exit 1
fi
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# --- wasm-bindgen-cli at exactly the version in Cargo.lock -----------------------------------
wb_ver=$(awk '$0=="name = \"wasm-bindgen\"" {getline; gsub(/"/,"",$3); print $3}' Cargo.lock)
if [ -z "$wb_ver" ]; then say "cannot read wasm-bindgen's version from Cargo.lock"; exit 1; fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wb_ver" ]; then
  say "installing wasm-bindgen-cli $wb_ver (a few minutes, once)"
  # --locked can fail when the registry lacks a locked transitive version; retry unlocked.
  cargo install wasm-bindgen-cli --version "=$wb_ver" --locked --quiet \
    || cargo install wasm-bindgen-cli --version "=$wb_ver" --quiet
fi

# --- the tauri CLI (tauri dev, .deb bundles), prebuilt from npm ------------------------------
if [ ! -x node_modules/.bin/tauri ]; then
  say "installing the tauri CLI (npm @tauri-apps/cli 2.x)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# --- tauri-driver for the end-to-end tests ---------------------------------------------------
if [ "$purpose" = test ] && ! tauri-driver --help >/dev/null 2>&1; then
  say "installing tauri-driver 2.x (about a minute, once)"
  cargo install tauri-driver --version "^2" --locked --quiet
fi

say "ok ($purpose): $(wasm-bindgen --version), tauri CLI $(node_modules/.bin/tauri --version 2>/dev/null | awk '{print $2}')"
