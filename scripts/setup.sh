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
    # A real WordPress per test (crates/folio-wp-harness, scripts/wordpress/start.sh). The -core
    # MariaDB packages, not mariadb-server: that one drags in a perl upgrade, galera and a postinst
    # that initialises /var/lib/mysql (~35 s more). `wordpress` pulls apache2 + mod_php, which are
    # installed but never started (see the policy-rc.d guard below).
    mariadb-server-core mariadb-client-core   # mariadbd, mariadb-install-db, the mariadb client
    wordpress wordpress-theme-twentytwentythree   # WordPress 6.1.x in /usr/share/wordpress
    php-cli php-mysql php-gd                  # php -S, mysqli, thumbnails for media uploads
    php-mbstring php-xml php-curl             # what real hosts have
    eatmydata                                 # no fsync for the throwaway DB (init 4 s -> 0.5 s)
    procps                                    # ps: the WordPress scripts check daemons by PID
  )
fi
command -v npm >/dev/null 2>&1 || apt_pkgs+=(nodejs npm)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  # Package scripts must never start system daemons (mariadb, and apache2 which `wordpress`
  # pulls in): tests run their own. Docker images ship this policy file; elsewhere it exists
  # only for the duration of the install.
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  apt_rc=0
  $SUDO apt-get update -qq && \
    $SUDO apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 \
      "${missing[@]}" >/dev/null || apt_rc=$?
  if [ $own_policy = 1 ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
  if [ $apt_rc != 0 ]; then say "apt-get failed (exit $apt_rc)"; exit $apt_rc; fi
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

# --- the article editor engine (ProseMirror + esbuild, exact versions from ui/editor's lock) ---
# Installed again only when the lock file is newer than what is installed.
if [ ! -d ui/editor/node_modules ] || [ ui/editor/package-lock.json -nt ui/editor/node_modules ]; then
  say "installing the article editor's packages (npm ci in ui/editor)"
  (cd ui/editor && npm ci --no-audit --no-fund --loglevel=error)
  touch ui/editor/node_modules
fi

# --- tauri-driver for the end-to-end tests ---------------------------------------------------
if [ "$purpose" = test ] && ! tauri-driver --help >/dev/null 2>&1; then
  say "installing tauri-driver 2.x (about a minute, once)"
  cargo install tauri-driver --version "^2" --locked --quiet
fi

# --- the offline clustering model (from a crates.io package, checksummed) ----------------------
scripts/models.sh

say "ok ($purpose): $(wasm-bindgen --version), tauri CLI $(node_modules/.bin/tauri --version 2>/dev/null | awk '{print $2}')"
