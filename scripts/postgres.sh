#!/usr/bin/env bash
# A throwaway PostgreSQL for folio-server's scale-mode tests (and for trying scale mode by hand).
#
#   scripts/postgres.sh start DIR   # initdb in DIR, start it, print postgres://folio@127.0.0.1:PORT/folio
#   scripts/postgres.sh stop DIR    # stop the server started in DIR (by its PID); DIR stays
#
# It listens on 127.0.0.1 only, on a free port, with its unix socket inside DIR, and trusts the
# user `folio` (no password): fine for a test machine, never for a real server. Binaries come from
# Debian's `postgresql` package (scripts/setup.sh test installs it); PG_BIN overrides where.
# PostgreSQL refuses to run as root, so under root it runs as the `postgres` system user (or
# `nobody`), and DIR is handed to that user.
set -euo pipefail

usage() { echo "usage: $0 start DIR | stop DIR" >&2; exit 2; }
die() { echo "postgres.sh: $*" >&2; exit 1; }
[ $# -eq 2 ] || usage
action="$1"
dir="$2"

find_bin() {
  if [ -n "${PG_BIN:-}" ]; then
    [ -x "$PG_BIN/initdb" ] || die "PG_BIN=$PG_BIN holds no initdb"
    echo "$PG_BIN"; return
  fi
  local newest
  newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then echo "$newest"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  die "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found. Install Debian's \
postgresql package (scripts/setup.sh test does), or point PG_BIN at their directory"
}

# Run a PostgreSQL binary as a user it accepts.
as_pg=()
if [ "$(id -u)" = 0 ]; then
  if id -u postgres >/dev/null 2>&1; then pg_user=postgres; else pg_user=nobody; fi
  as_pg=(runuser -u "$pg_user" --)
fi

pid_of() {
  [ -f "$dir/data/postmaster.pid" ] && head -n 1 "$dir/data/postmaster.pid"
}

case "$action" in
start)
  bin="$(find_bin)"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  [ -e "$dir/data" ] && die "$dir/data already exists; stop that server and use a fresh directory"
  if [ ${#as_pg[@]} -gt 0 ]; then
    chown "$pg_user" "$dir"
    chmod 700 "$dir"
    "${as_pg[@]}" test -w "$dir" \
      || die "user $pg_user cannot write to $dir: every directory above it must be searchable by $pg_user"
  fi
  "${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U folio --auth=trust -E UTF8 --no-locale \
    >"$dir/initdb.log" 2>&1 || die "initdb failed; see $dir/initdb.log"
  # Ports can be taken between the check and the start (tests start several servers at once),
  # so a failed start tries another port.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 40000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    if "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >/dev/null 2>&1; then
      "${as_pg[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U folio folio \
        || die "createdb failed; see $dir/postgres.log"
      echo "$port" >"$dir/port"
      echo "postgres://folio@127.0.0.1:$port/folio"
      exit 0
    fi
  done
  die "PostgreSQL did not start; see $dir/postgres.log"
  ;;
stop)
  pid="$(pid_of || true)"
  [ -n "$pid" ] || exit 0
  # SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to disconnect.
  kill -INT "$pid" 2>/dev/null || exit 0
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || exit 0
    sleep 0.1
  done
  kill -QUIT "$pid" 2>/dev/null || true
  ;;
*) usage ;;
esac
