#!/usr/bin/env bash
# Run a command the way the end-to-end tests need: on a private Xvfb display (xvfb-run starts it
# on a free display number and stops it by PID) inside a private D-Bus session (so GTK/WebKit
# helpers such as at-spi do not outlive the run), with an unlocked throwaway OS keychain (a
# gnome-keyring Secret Service on that bus) for the keychain tests and the app.
# Usage: scripts/headless.sh COMMAND [ARGS...]
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

if [ "$1" != --inside-session ]; then
  command -v gnome-keyring-daemon >/dev/null 2>&1 && command -v dbus-send >/dev/null 2>&1 || {
    echo "$0: gnome-keyring-daemon or dbus-send is missing: run scripts/setup.sh test" >&2; exit 1; }
  export GDK_BACKEND=x11 NO_AT_BRIDGE=1
  unset WAYLAND_DISPLAY
  exec xvfb-run -a --server-args="-screen 0 1280x800x24 -nolisten tcp" \
    dbus-run-session -- "${BASH:-bash}" "$0" --inside-session "$@"
fi
shift

# From here on we run inside the private session bus, before the command.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/folio-headless.XXXXXX")
keyring_pid=""
stop_keyring() {
  # The daemon forks away from us, so it is stopped by the PID the bus reports for it. Once the
  # bus ends it exits by itself too, but it must not outlive the run while writing into $scratch.
  if [ -n "$keyring_pid" ] && kill -0 "$keyring_pid" 2>/dev/null; then
    kill -TERM "$keyring_pid" 2>/dev/null || true
    for _ in $(seq 20); do
      # A zombie (state Z) has exited already; its reaper is init, not us.
      state=$(awk '{print $3}' "/proc/$keyring_pid/stat" 2>/dev/null || true)
      [ -z "$state" ] || [ "$state" = Z ] && break
      sleep 0.1
    done
    [ -z "$state" ] || [ "$state" = Z ] || kill -KILL "$keyring_pid" 2>/dev/null || true
  fi
  rm -rf "$scratch"
}
trap stop_keyring EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Only the daemon gets the private XDG dirs: its control socket goes to XDG_RUNTIME_DIR and the
# keyring files to $XDG_DATA_HOME/keyrings, so the user's real keyrings under HOME are never
# touched, while HOME (where cargo and rustup live) stays as it is for the command.
# --unlock (not --start) creates the login collection unlocked from the password on stdin;
# otherwise every access would need an interactive prompt (NoStorageAccess headless).
mkdir -m 700 "$scratch/run" "$scratch/data"
keyring_env=$(printf 'folio-headless' \
  | XDG_RUNTIME_DIR="$scratch/run" XDG_DATA_HOME="$scratch/data" \
    gnome-keyring-daemon --unlock --components=secrets)
# With only the secrets component it usually prints nothing; export whatever NAME=value it prints.
while IFS= read -r line; do
  case "$line" in [A-Za-z_]*=*) export "${line?}" ;; esac
done <<<"$keyring_env"
# The daemon claims its bus name shortly after the launcher returns. Asking the bus for the name's
# owner must not auto-start it: D-Bus activation would start a second, locked daemon.
for _ in $(seq 50); do
  keyring_pid=$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus \
    /org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID \
    string:org.freedesktop.secrets 2>/dev/null | awk '{print $2}') || true
  [ -z "$keyring_pid" ] || break
  sleep 0.1
done
if [ -z "$keyring_pid" ]; then
  echo "$0: gnome-keyring-daemon started but no Secret Service appeared on the session bus" >&2
  exit 1
fi

status=0
"$@" || status=$?
exit "$status"
