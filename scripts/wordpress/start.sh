#!/usr/bin/env bash
# start.sh - start a throwaway, real WordPress (Debian 12 packages) on 127.0.0.1
# for Folio's integration tests (crates/folio-wp-harness) or for trying Folio by
# hand, then exit and leave it running. See docs/wordpress-harness.md.
#
#   start.sh [--reset] [--no-install]
#
#   --reset       wipe the state dir first (stop.sh --reset), i.e. a brand-new site
#   --no-install  never call apt-get; fail if a package is missing (the test
#                 harness always passes it: `scripts/setup.sh test` installs them)
#
# Environment (all optional):
#   WP_PORT         HTTP port on 127.0.0.1                (default 8089)
#   WP_STATE_DIR    where everything lives (DB, files, logs, pids)
#                   (default ${TMPDIR:-/tmp}/wp-itest-$WP_PORT)
#   WP_PHP_WORKERS  php -S worker processes (PHP_CLI_SERVER_WORKERS) (default 4)
#   WP_PERMALINKS   permalink structure (default /%postname%/; '' = plain)
#   WP_APP_PASSWORDS 0 = WP_ENVIRONMENT_TYPE 'production': Application Passwords
#                   are unavailable over plain http, as on a real site without
#                   TLS (default 1: 'local', where they work over http)
#   WP_DEBUG        1 = WP_DEBUG on, notices/deprecations to logs/wp-debug.log (default 0)
#   WP_EATMYDATA    0 = let MariaDB fsync as usual (default 1: LD_PRELOAD eatmydata)
#   WP_ADMIN_USER / WP_ADMIN_PASSWORD / WP_ADMIN_EMAIL   (admin / random / admin@example.test)
#   WP_AUTHOR_USER / WP_SUBSCRIBER_USER                  (author / subscriber)
#
# What it does (every step is skipped when already done, so re-running is cheap):
#   1. apt-get install the Debian packages if missing (no daemon is auto-started)
#   2. MariaDB: private datadir + unix socket under the state dir, no TCP
#   3. WordPress: copy of /usr/share/wordpress with its own wp-config.php
#   4. wp_install() + users + Application Passwords via setup.php (no wp-cli)
#   5. PHP's built-in web server + router.php (pretty permalinks, /wp-json/)
#   6. smoke test with curl, then print credentials (stdout is shell-sourceable)
#
# Daemons run in their own sessions with all fds redirected, so `$(start.sh)`
# or a CI step does not hang. Stop them with stop.sh (by PID file).

# shellcheck disable=SC2016  # single-quoted PHP/bash snippets are meant literally
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PORT=${WP_PORT:-8089}
STATE=${WP_STATE_DIR:-${TMPDIR:-/tmp}/wp-itest-$PORT}
WORKERS=${WP_PHP_WORKERS:-4}
WP_DEBUG_ON=$([[ ${WP_DEBUG:-0} == 1 ]] && echo true || echo false)
PERMALINKS=${WP_PERMALINKS-/%postname%/}   # used at install time only
# WordPress offers Application Passwords only over https or when the environment
# type is 'local'; 'production' over http is a site where they cannot be used.
if [[ ${WP_APP_PASSWORDS:-1} == 0 ]]; then ENV_TYPE=production; else ENV_TYPE=local; fi
URL="http://127.0.0.1:$PORT"

RUN=$STATE/run      # pid files, socket
LOGS=$STATE/logs
WWW=$STATE/www      # document root (copy of /usr/share/wordpress)
MYCNF=$STATE/my.cnf
SOCK=$RUN/mysqld.sock
DB_PID=$RUN/mariadbd.pid
WEB_PID=$RUN/php-server.pid

# Not 'mariadb-server': its hard dependency libdbi-perl drags in a perl upgrade,
# galera/rsync/socat and a postinst that initialises /var/lib/mysql (~35 s more
# on a fresh image). The -core packages hold mariadbd and mariadb-install-db.
# 'wordpress' itself pulls apache2 + libapache2-mod-php (apache2 | httpd); they
# are installed but never started.
PACKAGES=(
    mariadb-server-core mariadb-client-core # mariadbd, mariadb-install-db, mariadb client
    wordpress                               # WordPress 6.1.x in /usr/share/wordpress
    wordpress-theme-twentytwentythree       # default theme, so front-end pages render
    php-cli php-mysql                       # php -S and mysqli
    php-gd                                  # image thumbnails for media uploads
    php-mbstring php-xml php-curl           # what real hosts have (site health)
    eatmydata                               # no-op fsync for the throwaway DB (4 s -> 0.5 s init)
    curl procps                             # smoke test; ps for pid checks
)
# scripts/setup.sh test installs the same list (keep them in step).

DO_RESET=0
DO_INSTALL=1
for arg in "$@"; do
    case $arg in
        --reset) DO_RESET=1 ;;
        --no-install) DO_INSTALL=0 ;;
        -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "start.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

# ---------------------------------------------------------------- helpers

T_START=$EPOCHREALTIME
TIMINGS=()
log() { printf '[wp-itest %5.1fs] %s\n' "$(elapsed "$T_START")" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
# step NAME: closes the previous step (recording its duration) and opens NAME
STEP_NAME=""; STEP_T=""
step() {
    if [[ -n $STEP_NAME ]]; then TIMINGS+=("$STEP_NAME=$(elapsed "$STEP_T")s"); fi
    STEP_NAME=$1; STEP_T=$EPOCHREALTIME
    [[ -n $1 ]] && log "$1 ..."
    return 0
}

# pid_alive FILE: the pid in FILE is a running process (zombies don't count)
pid_alive() {
    local pid st
    pid=$(cat "$1" 2>/dev/null) && [[ -n $pid ]] &&
        st=$(ps -o stat= -p "$pid" 2>/dev/null) && [[ $st != Z* ]]
}

# port_in_use: something accepts TCP connections on 127.0.0.1:$PORT
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

# random_token N: N random alphanumeric characters
random_token() { LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c "$1" || true; }

# start_daemon PIDFILE LOGFILE CMD...: run CMD detached in its own session
# (setsid => its own process group, so stop.sh can signal the whole group),
# stdin/stdout/stderr away from our caller; the pid is written by the process
# itself right before exec, so it is exactly the daemon's pid.
start_daemon() {
    local pidfile=$1 logfile=$2; shift 2
    rm -f "$pidfile"
    setsid bash -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@" </dev/null >>"$logfile" 2>&1 &
    local _
    for _ in $(seq 50); do [[ -s $pidfile ]] && return 0; sleep 0.05; done
    die "could not start: $*"
}

# wait_until SECONDS PIDFILE DESCRIPTION CMD...: poll CMD every 0.1 s while
# the daemon in PIDFILE is alive
wait_until() {
    local limit=$1 pidfile=$2 what=$3; shift 3
    local deadline=$(( EPOCHSECONDS + limit ))
    until "$@" >/dev/null 2>&1; do
        pid_alive "$pidfile" || die "$what died during start-up (see $LOGS)"
        (( EPOCHSECONDS < deadline )) || die "$what not ready after ${limit}s (see $LOGS)"
        sleep 0.1
    done
}

# On failure: show the relevant logs and stop what *this run* started, so a
# retry is not blocked by half-started daemons.
STARTED=()
OK=0
on_exit() {
    [[ $OK == 1 ]] && return
    log "start failed; log tails follow"
    local f
    for f in "$LOGS"/*.log "$LOGS"/*.err; do
        [[ -s $f ]] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }
    done
    for f in "${STARTED[@]}"; do
        if pid_alive "$f"; then kill -TERM -- "-$(<"$f")" 2>/dev/null || true; fi
    done
    local _ alive
    for _ in $(seq 150); do        # give them up to 15 s to exit cleanly
        alive=0
        for f in "${STARTED[@]}"; do if pid_alive "$f"; then alive=1; fi; done
        (( alive )) || break
        sleep 0.1
    done
}
trap on_exit EXIT

# print_summary: stdout is valid shell (comments + assignments): eval "$(start.sh)"
print_summary() {
    echo "# WordPress $(sed -n "s/^WP_VERSION='\(.*\)'/\1/p" "$STATE/credentials.env") is up at $URL/ (REST: $URL/wp-json/ ; fallback $URL/?rest_route=/)"
    echo "# admin UI: $URL/wp-admin/   state: $STATE   logs: $LOGS"
    echo "# stop: WP_STATE_DIR=$STATE $SCRIPT_DIR/stop.sh   (add --reset to wipe the state dir)"
    echo "# simulate a broken plugin: echo page > $STATE/answer-html   (or notice; rm it to heal)"
    echo "# credentials (also $STATE/credentials.env and credentials.json):"
    grep -v '^#' "$STATE/credentials.env"
    echo "# try: curl -u \"\$WP_ADMIN_USER:\$WP_ADMIN_APP_PASSWORD\" \"\$WP_API/wp/v2/users/me\""
}

# --------------------------------------------------------- 0. short cuts

if [[ $DO_RESET == 1 ]]; then
    step "reset"
    WP_PORT=$PORT WP_STATE_DIR=$STATE "$SCRIPT_DIR/stop.sh" --reset
fi

if pid_alive "$DB_PID" && pid_alive "$WEB_PID" && [[ -s $STATE/credentials.env ]] \
    && curl -fsS -o /dev/null --max-time 5 "$URL/?rest_route=/" 2>/dev/null; then
    log "already running (pids $(<"$DB_PID"), $(<"$WEB_PID"))"
    OK=1
    print_summary
    exit 0
fi

# Fail fast if another program holds the port (before any work is done).
if ! pid_alive "$WEB_PID" && port_in_use; then
    die "port $PORT is already in use by another program (set WP_PORT)"
fi

mkdir -p "$RUN" "$LOGS" "$STATE/tmp"
# A (re)started site answers normally: drop a simulated failure left from a previous run
# (mu-plugins/itest-answer-html.php), or the smoke test below would read HTML.
rm -f "$STATE/answer-html"
(( ${#SOCK} < 100 )) || die "state dir path too long for a unix socket: $SOCK"

# --------------------------------------------------- 1. Debian packages

step "packages"
# One dpkg-query for all of them (one per package cost ~0.3 s of every start).
installed=" $(dpkg-query -W -f='${Package}=${db:Status-Abbrev}\n' "${PACKAGES[@]}" 2>/dev/null |
    sed -n 's/=ii *$//p' | tr '\n' ' ' || true) "
missing=()
for p in "${PACKAGES[@]}"; do
    [[ $installed == *" $p "* ]] || missing+=("$p")
done
if (( ${#missing[@]} )); then
    [[ $DO_INSTALL == 1 ]] || die "missing Debian packages: ${missing[*]} -- run scripts/setup.sh test (it installs them; --no-install given, so start.sh does not)"
    [[ $(id -u) == 0 ]] || die "missing packages and not root: ${missing[*]}"
    log "installing: ${missing[*]} (log: $LOGS/apt.log)"
    # Package scripts must not start the system mariadb/apache2 (apache2 comes in as
    # a dependency of 'wordpress'); Docker images already ship this policy file.
    own_policy=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        own_policy=1
    fi
    apt_rc=0
    {
        apt-get update -q &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            -o DPkg::Lock::Timeout=120 "${missing[@]}"
    } >"$LOGS/apt.log" 2>&1 || apt_rc=$?
    [[ $own_policy == 1 ]] && rm -f /usr/sbin/policy-rc.d
    (( apt_rc == 0 )) || die "apt-get failed (rc=$apt_rc), see $LOGS/apt.log"
fi
[[ -f /usr/share/wordpress/wp-settings.php ]] || die "/usr/share/wordpress missing"

# ------------------------------------------------------------ 2. MariaDB

step "mariadb"
# Secrets are made once per state dir and reused on restarts.
if [[ ! -s $STATE/secrets.env ]]; then
    {
        echo "DB_PASSWORD='$(random_token 24)'"
        for k in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT; do
            echo "$k='$(random_token 64)'"
        done
        echo "ADMIN_PASSWORD='${WP_ADMIN_PASSWORD:-$(random_token 20)}'"
        echo "AUTHOR_PASSWORD='$(random_token 20)'"
        echo "SUBSCRIBER_PASSWORD='$(random_token 20)'"
    } >"$STATE/secrets.env"
    chmod 600 "$STATE/secrets.env"
fi
# shellcheck source=/dev/null
source "$STATE/secrets.env"

# The DB is disposable: skip fsync() (mariadb-install-db does ~1000 of them).
EATMYDATA=()
if [[ ${WP_EATMYDATA:-1} == 1 ]] && command -v eatmydata >/dev/null; then EATMYDATA=(eatmydata); fi

# Private server: only a unix socket (skip-networking), settings for speed not durability.
cat >"$MYCNF" <<EOF
[mariadbd]
user                           = $(id -un)
datadir                        = $STATE/mysql
socket                         = $SOCK
pid-file                       = $DB_PID
log-error                      = $LOGS/mariadb.err
# Temporary tables in this instance's own directory, not the shared /tmp of every other
# instance and process on the machine.
tmpdir                         = $STATE/tmp
skip-networking
skip-name-resolve
character-set-server           = utf8mb4
collation-server               = utf8mb4_unicode_ci
performance_schema             = OFF
innodb_buffer_pool_size        = 128M
innodb_log_file_size           = 48M
innodb_flush_log_at_trx_commit = 2
innodb_doublewrite             = 0
[client]
socket                         = $SOCK
user                           = root
EOF

if [[ ! -d $STATE/mysql/mysql ]]; then
    rm -rf "$STATE/mysql" "$STATE/.wp-installed"
    log "initialising datadir"
    "${EATMYDATA[@]}" mariadb-install-db --defaults-file="$MYCNF" --auth-root-authentication-method=normal \
        --skip-test-db --skip-name-resolve >"$LOGS/mariadb-install.log" 2>&1 \
        || die "mariadb-install-db failed, see $LOGS/mariadb-install.log"
fi

if ! pid_alive "$DB_PID"; then
    rm -f "$SOCK"
    start_daemon "$DB_PID" "$LOGS/mariadb-stdout.log" "${EATMYDATA[@]}" mariadbd --defaults-file="$MYCNF"
    STARTED+=("$DB_PID")
fi
wait_until 60 "$DB_PID" mariadbd mariadb --defaults-file="$MYCNF" -e 'SELECT 1'

# ---------------------------------------------------------- 3. WordPress files

step "wp-files"
if [[ ! -f $WWW/wp-settings.php ]]; then
    rm -rf "$WWW"
    # A real tree (not symlinks): PHP resolves symlinks in __DIR__, and the
    # Debian tree would then load Debian's wp-config.php and /etc/wordpress.
    # wp-admin/ and wp-includes/ (~2,400 of the ~2,500 files) are hard links,
    # not copies: 0.9-1.4 s instead of 5.6-8.7 s for the whole start when the
    # machine is busy with builds. Safe because nothing writes core files here
    # (updates are off) and deleting a link leaves Debian's file alone.
    # wp-content/ (WordPress writes there) and the top-level files (wp-config.php
    # is replaced below) are real copies. Another filesystem: copies throughout.
    mkdir -p "$WWW"
    cp -a /usr/share/wordpress/wp-content "$WWW/"
    if ! cp -al /usr/share/wordpress/wp-admin /usr/share/wordpress/wp-includes "$WWW/" 2>/dev/null; then
        rm -rf "$WWW/wp-admin" "$WWW/wp-includes"   # no copying over half-made links
        cp -a /usr/share/wordpress/wp-admin /usr/share/wordpress/wp-includes "$WWW/"
    fi
    # Top-level files, without .htaccess (a symlink to /etc/wordpress/htaccess, unused here).
    cp -a /usr/share/wordpress/*.php /usr/share/wordpress/*.html "$WWW/"
    rm -f "$WWW/wp-config.php"   # written below; never write through a shared inode
    mkdir -p "$WWW/wp-content/uploads" "$WWW/wp-content/mu-plugins"
fi
cp "$SCRIPT_DIR"/mu-plugins/*.php "$WWW/wp-content/mu-plugins/"
cp "$SCRIPT_DIR/router.php" "$STATE/router.php"

# No MTA here: PHP's mail() pipes each message into this sink instead
# (new-user / password-reset mails end up in logs/mail.log).
mkdir -p "$STATE/bin"
printf '#!/bin/sh\n{ cat; echo; } >>"%s"\n' "$LOGS/mail.log" >"$STATE/bin/sendmail"
chmod 755 "$STATE/bin/sendmail"
PHP_INI=(-d display_errors=0 -d log_errors=1 -d error_log="$LOGS/php-errors.log"
         -d sendmail_path="$STATE/bin/sendmail")

# wp-config.php is regenerated every start (port may change); secrets persist.
{
    echo "<?php"
    echo "// Generated by start.sh - a local throwaway test site."
    echo "define('DB_NAME', 'wordpress');"
    echo "define('DB_USER', 'wp');"
    echo "define('DB_PASSWORD', '$DB_PASSWORD');"
    echo "define('DB_HOST', 'localhost:$SOCK');    // host:/path/to/socket"
    echo "define('DB_CHARSET', 'utf8mb4');"
    echo "define('DB_COLLATE', '');"
    for k in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT; do
        echo "define('$k', '${!k}');"
    done
    cat <<EOF
\$table_prefix = 'wp_';
define('WP_HOME', '$URL');
define('WP_SITEURL', '$URL');
// 'local' makes Application Passwords work over plain HTTP; 'production'
// (WP_APP_PASSWORDS=0) makes them unavailable, as on a real site without TLS.
define('WP_ENVIRONMENT_TYPE', '$ENV_TYPE');
// mu-plugins/itest-answer-html.php corrupts REST answers while this file exists.
define('ITEST_ANSWER_HTML_FILE', '$STATE/answer-html');
// No internet here: refuse outgoing HTTP (update checks, pings, oEmbed);
// requests to the site itself are allowed. mu-plugins/itest-offline.php
// additionally refuses them before WordPress does a DNS lookup.
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('FS_METHOD', 'direct');
// Errors go to log files, never into JSON responses (php -d display_errors=0 too).
define('WP_DEBUG', $WP_DEBUG_ON);
define('WP_DEBUG_DISPLAY', false);
define('WP_DEBUG_LOG', '$LOGS/wp-debug.log');
if (!defined('ABSPATH')) {
    define('ABSPATH', __DIR__ . '/');
}
require_once ABSPATH . 'wp-settings.php';
EOF
} >"$WWW/wp-config.php"

# ------------------------------------------------------ 4. install the site

step "wp-install"
if [[ ! -f $STATE/.wp-installed ]]; then
    # (Re)create the database from scratch: a previous attempt may have died half-way.
    mariadb --defaults-file="$MYCNF" <<EOF
DROP DATABASE IF EXISTS wordpress;
CREATE DATABASE wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'wp'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
ALTER USER 'wp'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON wordpress.* TO 'wp'@'localhost';
EOF
    WP_ROOT=$WWW WP_URL=$URL WP_TITLE="WP integration test" \
    WP_ADMIN_USER=${WP_ADMIN_USER:-admin} WP_ADMIN_PASSWORD=$ADMIN_PASSWORD \
    WP_ADMIN_EMAIL=${WP_ADMIN_EMAIL:-admin@example.test} \
    WP_AUTHOR_USER=${WP_AUTHOR_USER:-author} WP_AUTHOR_PASSWORD=$AUTHOR_PASSWORD \
    WP_SUBSCRIBER_USER=${WP_SUBSCRIBER_USER:-subscriber} WP_SUBSCRIBER_PASSWORD=$SUBSCRIBER_PASSWORD \
    WP_PERMALINKS=$PERMALINKS WP_APP_PASSWORDS=${WP_APP_PASSWORDS:-1} \
        timeout 180 php "${PHP_INI[@]}" -d memory_limit=512M "$SCRIPT_DIR/setup.php" \
        >"$STATE/users.env.tmp" 2>"$LOGS/setup.log" \
        || die "setup.php failed or hung (a crashed MariaDB makes WordPress retry forever), see $LOGS/setup.log and $LOGS/mariadb.err"
    {
        echo "WP_ADMIN_USER='${WP_ADMIN_USER:-admin}'"
        echo "WP_ADMIN_PASSWORD='$ADMIN_PASSWORD'"
        echo "WP_AUTHOR_USER='${WP_AUTHOR_USER:-author}'"
        echo "WP_AUTHOR_PASSWORD='$AUTHOR_PASSWORD'"
        echo "WP_SUBSCRIBER_USER='${WP_SUBSCRIBER_USER:-subscriber}'"
        echo "WP_SUBSCRIBER_PASSWORD='$SUBSCRIBER_PASSWORD'"
        echo "WP_PERMALINK_STRUCTURE='$PERMALINKS'"
        cat "$STATE/users.env.tmp"
    } >"$STATE/users.env"
    rm -f "$STATE/users.env.tmp"
    touch "$STATE/.wp-installed"
fi

# REST base: /wp-json needs pretty permalinks; ?rest_route= works with any setting
# (then query parameters must be appended with '&'). Decided by what was installed.
PERMALINKS=$(sed -n "s/^WP_PERMALINK_STRUCTURE='\(.*\)'$/\1/p" "$STATE/users.env")
if [[ -n $PERMALINKS ]]; then API="$URL/wp-json"; else API="$URL/?rest_route="; fi

# credentials.env / .json: everything a test needs, regenerated each start.
{
    echo "# generated by $SCRIPT_DIR/start.sh"
    echo "WP_URL='$URL'"
    echo "WP_API='$API'"
    cat "$STATE/users.env"
    echo "WP_DB_NAME='wordpress'"
    echo "WP_DB_USER='wp'"
    echo "WP_DB_PASSWORD='$DB_PASSWORD'"
    echo "WP_DB_SOCKET='$SOCK'"
    echo "WP_MYSQL_CLIENT='mariadb --defaults-file=$MYCNF wordpress'"
    echo "WP_STATE_DIR='$STATE'"
    echo "WP_ENVIRONMENT_TYPE='$ENV_TYPE'"
    echo "WP_APP_PASSWORDS='$([[ $ENV_TYPE == local ]] && echo 1 || echo 0)'"
} >"$STATE/credentials.env"
env -i PATH="$PATH" bash -c 'set -a; source "$1"; exec php -r '\''
    $o = array();
    foreach (getenv() as $k => $v) { if (strncmp($k, "WP_", 3) === 0) { $o[$k] = $v; } }
    ksort($o);
    echo json_encode($o, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";'\' _ "$STATE/credentials.env" \
    >"$STATE/credentials.json"
chmod 600 "$STATE/credentials.env" "$STATE/credentials.json"

# ------------------------------------------------------ 5. web server

step "web-server"
if ! pid_alive "$WEB_PID"; then
    port_in_use && die "port $PORT is already in use by another program (set WP_PORT)"
    # php -S: no extra daemon/config; PHP_CLI_SERVER_WORKERS forks N workers
    # sharing the socket, so concurrent clients are served in parallel.
    # (opcache is active under php -S: opcache.enable_cli only gates the 'cli' SAPI.)
    start_daemon "$WEB_PID" "$LOGS/php-server.log" \
        env PHP_CLI_SERVER_WORKERS="$WORKERS" \
        php "${PHP_INI[@]}" -d memory_limit=256M -d upload_max_filesize=64M -d post_max_size=64M \
            -d max_execution_time=120 \
            -S "127.0.0.1:$PORT" -t "$WWW" "$STATE/router.php"
    STARTED+=("$WEB_PID")
fi
wait_until 30 "$WEB_PID" "php -S" curl -fsS -o /dev/null --max-time 5 "$URL/?rest_route=/"

# ------------------------------------------------------ 6. smoke test

step "smoke-test"
# shellcheck source=/dev/null
source "$STATE/credentials.env"
if [[ -n $PERMALINKS ]]; then
    ctype=$(curl -fsS -o /dev/null -w '%{content_type}' --max-time 20 "$URL/wp-json/") || ctype=none
    [[ $ctype == application/json* ]] || die "GET /wp-json/ is not JSON ($ctype): pretty permalinks broken?"
fi
if [[ $ENV_TYPE == local ]]; then
    me=$(curl -fsS --max-time 20 -u "$WP_ADMIN_USER:$WP_ADMIN_APP_PASSWORD" \
         "$URL/?rest_route=/wp/v2/users/me&context=edit") \
        || die "GET users/me with the admin application password failed"
    php -r '$u = json_decode($argv[1], true);
            exit(isset($u["roles"]) && in_array("administrator", $u["roles"], true) ? 0 : 1);' "$me" \
        || die "users/me did not return an administrator: $me"
else
    # The point of WP_APP_PASSWORDS=0: the REST index advertises no authentication
    # and the (existing) application password is refused.
    # (The index is ~100 KB: too big for an argument, so it goes through a file.)
    curl -fsS --max-time 20 -o "$STATE/index.json" "$URL/?rest_route=/" || die "GET the REST index failed"
    php -r '$i = json_decode(file_get_contents($argv[1]), true);
            exit(isset($i["authentication"]) && $i["authentication"] === array() ? 0 : 1);' "$STATE/index.json" \
        || die "WP_APP_PASSWORDS=0 but the REST index still advertises authentication"
    rm -f "$STATE/index.json"
    code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 20 -u "$WP_ADMIN_USER:$WP_ADMIN_APP_PASSWORD" \
         "$URL/?rest_route=/wp/v2/users/me") || code=none
    [[ $code == 401 ]] || die "WP_APP_PASSWORDS=0 but users/me with an application password gave $code, not 401"
fi
step ""

OK=1
log "ready in $(elapsed "$T_START")s (${TIMINGS[*]})"
print_summary
