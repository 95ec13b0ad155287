#!/usr/bin/env bash
# Run a command the way the end-to-end tests need: on a private Xvfb display (xvfb-run starts it
# on a free display number and stops it by PID) inside a private D-Bus session (so GTK/WebKit
# helpers such as at-spi do not outlive the run).
# Usage: scripts/headless.sh COMMAND [ARGS...]
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
export GDK_BACKEND=x11 NO_AT_BRIDGE=1
unset WAYLAND_DISPLAY
exec xvfb-run -a --server-args="-screen 0 1280x800x24 -nolisten tcp" \
  dbus-run-session -- "$@"
