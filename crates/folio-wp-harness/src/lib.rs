//! A throwaway, real WordPress per test.
//!
//! [`WordPress::start`] runs `scripts/wordpress/start.sh --no-install` on a free port of
//! 127.0.0.1 with a fresh state directory (MariaDB datadir, a copy of Debian's WordPress, logs,
//! PID files), reads the credentials it wrote, and hands back the site's URLs and three users
//! with Application Passwords. Dropping the value stops both daemons by their PID files and
//! deletes the state directory (`stop.sh --reset`), also when the test failed.
//!
//! The API is blocking on purpose: a start takes a few seconds of shell work, and async tests
//! can afford to block their thread that long. Packages are never installed from here:
//! `scripts/setup.sh test` does that, and a missing package is a [`HarnessError::MissingPackages`]
//! naming it. See docs/wordpress-harness.md.

use serde::Deserialize;
use std::collections::HashMap;
use std::fmt;
use std::io;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Environment variable naming the directory under which state directories are created
/// (default: the system temporary directory, i.e. `$TMPDIR` or `/tmp`). MariaDB's unix socket
/// lives inside the state directory and its path must stay under ~100 bytes, so a long
/// `$TMPDIR` needs this.
pub const TMP_ROOT_ENV: &str = "FOLIO_WP_TMPDIR";

/// Environment variable: when set to `1`, a stopped instance's state directory (logs, database)
/// is kept for a post-mortem instead of being deleted. The daemons are stopped either way.
pub const KEEP_ENV: &str = "FOLIO_WP_KEEP";

/// MariaDB's socket path (`<state>/run/mysqld.sock`) must fit in `sun_path` (108 bytes); start.sh
/// refuses anything from 100 on. Checked here first so the error says how to fix it.
const MAX_STATE_DIR_LEN: usize = 100 - "/run/mysqld.sock".len() - 1;

/// How many times a start is retried with another port when the chosen one was taken between
/// picking it and php -S binding it (tests start instances concurrently).
const PORT_ATTEMPTS: u32 = 3;

/// Lines of start.sh's stderr kept in errors: enough for its log tails, short enough to read.
const STDERR_TAIL_LINES: usize = 60;

/// The permalink structure the site is installed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Permalinks {
    /// `/%postname%/`: the REST API lives at `/wp-json/`.
    #[default]
    Pretty,
    /// Plain `?p=123` links: `/wp-json/` is an HTML page, the REST API is only at `?rest_route=`,
    /// as on a fresh WordPress whose owner never visited the permalink settings.
    Plain,
}

/// How the site is set up; each test picks what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub permalinks: Permalinks,
    /// `false` installs the site as `WP_ENVIRONMENT_TYPE = 'production'` over plain http, where
    /// WordPress refuses Application Passwords (the REST index's `authentication` is `[]`). The
    /// users still get one each, so a test can show that a valid-looking password is refused.
    pub app_passwords: bool,
    /// php -S worker processes: requests served in parallel. At least 2 are used: WordPress
    /// requests itself (the WP-Cron spawn, its https self-check), and with a single worker such a
    /// request waits out its timeout (a start took 17 s instead of 5).
    pub workers: u32,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            permalinks: Permalinks::Pretty,
            app_passwords: true,
            workers: 4,
        }
    }
}

/// A WordPress account created by the installer.
#[derive(Clone, PartialEq, Eq)]
pub struct WpUser {
    pub id: i64,
    pub login: String,
    /// The wp-admin login password; WordPress refuses it for REST Basic auth.
    pub password: String,
    /// An Application Password (`xxxx xxxx xxxx xxxx xxxx xxxx`), the REST API's credential.
    pub app_password: String,
}

// Passwords stay out of test output (assertion messages print `Debug`).
impl fmt::Debug for WpUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WpUser")
            .field("id", &self.id)
            .field("login", &self.login)
            .finish_non_exhaustive()
    }
}

/// How [`WordPress::set_answer_html`] corrupts REST answers (mu-plugins/itest-answer-html.php).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HtmlMode {
    /// Every REST request gets a 200 `text/html` critical-error / maintenance page, and nothing
    /// is dispatched (no post is created).
    Page,
    /// A PHP warning in HTML (`<br />\n<b>Warning</b>: …<br />`) precedes the normal JSON; status
    /// and `Content-Type: application/json` are unchanged.
    Notice,
}

impl HtmlMode {
    fn as_str(self) -> &'static str {
        match self {
            Self::Page => "page",
            Self::Notice => "notice",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    #[error(
        "the WordPress test harness needs Debian packages that are not installed; run \
         `scripts/setup.sh test` (tests never install packages themselves). start.sh said:\n{stderr_tail}"
    )]
    MissingPackages { stderr_tail: String },
    #[error("WordPress did not start ({script} exited with {status}). It said:\n{stderr_tail}")]
    Start {
        script: PathBuf,
        status: String,
        stderr_tail: String,
    },
    #[error(
        "state directory {path} is {len} bytes long; MariaDB's socket inside it must stay under \
         100 bytes. Point {TMP_ROOT_ENV} at a shorter directory (for example /tmp)"
    )]
    StateDirTooLong { path: PathBuf, len: usize },
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: io::Error,
    },
    #[error("{path} is not the credentials start.sh writes: {reason}")]
    Credentials { path: PathBuf, reason: String },
    #[error("SQL `{query}` failed ({status}): {stderr}")]
    Sql {
        query: String,
        status: String,
        stderr: String,
    },
    #[error("stop.sh failed ({status}): {stderr_tail}")]
    Stop { status: String, stderr_tail: String },
}

impl HarnessError {
    fn io(what: impl Into<String>, source: io::Error) -> Self {
        Self::Io {
            what: what.into(),
            source,
        }
    }
}

/// A running WordPress. Dropping it stops the daemons and deletes its state directory.
#[derive(Debug)]
pub struct WordPress {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub url: String,
    /// The REST root: `…/wp-json` with pretty permalinks, `…/?rest_route=` with plain ones.
    /// [`WordPress::rest`] joins a route onto it correctly for both.
    pub api: String,
    pub admin: WpUser,
    pub author: WpUser,
    pub subscriber: WpUser,
    pub port: u16,
    pub state_dir: PathBuf,
    /// WordPress' version, e.g. `6.1.9`.
    pub version: String,
    pub options: Options,
    /// How long [`WordPress::start`] took, for the record in test output.
    pub start_time: Duration,
    guard: StateGuard,
}

/// Owns the state directory from before start.sh runs, so a start that fails half-way is
/// cleaned up too.
#[derive(Debug)]
struct StateGuard {
    dir: PathBuf,
    stopped: bool,
}

impl StateGuard {
    fn stop(&mut self) -> Result<(), HarnessError> {
        if self.stopped {
            return Ok(());
        }
        self.stopped = true;
        let keep = std::env::var(KEEP_ENV).is_ok_and(|v| v == "1");
        let mut cmd = Command::new("bash");
        cmd.arg(scripts_dir().join("stop.sh"));
        // --reset also SIGKILLs at once: the data is thrown away, so MariaDB's ~2 s clean
        // shutdown buys nothing.
        if !keep {
            cmd.arg("--reset");
        }
        let out = clean_env(&mut cmd)
            .env("WP_STATE_DIR", &self.dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| HarnessError::io("could not run scripts/wordpress/stop.sh", e))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(HarnessError::Stop {
                status: out.status.to_string(),
                stderr_tail: tail(&out.stderr),
            })
        }
    }
}

impl Drop for StateGuard {
    fn drop(&mut self) {
        // Never panic in drop (it may run while a failed test unwinds); a failure to stop is
        // reported on stderr, where the test output shows it.
        if let Err(e) = self.stop() {
            eprintln!(
                "folio-wp-harness: stopping WordPress in {}: {e}",
                self.dir.display()
            );
        }
    }
}

/// `scripts/wordpress/` of this checkout.
pub fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/wordpress")
}

impl WordPress {
    /// Start a brand-new site (about 3–5 s). Each call is an independent instance: its own
    /// port, database, files and users.
    pub fn start(options: Options) -> Result<WordPress, HarnessError> {
        let started = Instant::now();
        // MariaDB 10.11 has been seen to crash (signal 11 in an Aria temp table's cleanup)
        // while WordPress installs, about once in a hundred starts; a second, fresh instance is
        // cheaper than a red test run. Anything that fails twice is reported.
        let (guard, port) = match Self::start_fresh(&options) {
            Err(HarnessError::Start { .. }) => Self::start_fresh(&options)?,
            other => other?,
        };
        let creds = Credentials::read(&guard.dir.join("credentials.json"))?;
        Ok(WordPress {
            url: creds.get("WP_URL")?,
            api: creds.get("WP_API")?,
            admin: creds.user("ADMIN")?,
            author: creds.user("AUTHOR")?,
            subscriber: creds.user("SUBSCRIBER")?,
            port,
            state_dir: guard.dir.clone(),
            version: creds.get("WP_VERSION")?,
            options,
            start_time: started.elapsed(),
            guard,
        })
    }

    /// One instance in a new state directory, on a free port (retried when another process
    /// took the port first). A failed start stops what it started and removes the directory.
    fn start_fresh(options: &Options) -> Result<(StateGuard, u16), HarnessError> {
        let mut guard = StateGuard {
            dir: new_state_dir()?,
            stopped: false,
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let port = free_port()?;
            match run_start(&guard.dir, port, options) {
                Ok(()) => return Ok((guard, port)),
                // Another process took the port between free_port() and php -S binding it.
                // start.sh is idempotent, so the retry reuses the database it just set up.
                Err(HarnessError::Start { stderr_tail, .. })
                    if attempt < PORT_ATTEMPTS && port_clash(&stderr_tail) =>
                {
                    continue
                }
                Err(e) => {
                    // The test gets start.sh's error; the guard's stop would only add noise.
                    let _ = guard.stop();
                    return Err(e);
                }
            }
        }
    }

    /// The URL of a REST route such as `/wp/v2/posts?per_page=1`, for either permalink
    /// setting: with plain permalinks the route goes into `?rest_route=` and its own query
    /// string must follow with `&`.
    pub fn rest(&self, route: &str) -> String {
        if self.api.ends_with("?rest_route=") {
            format!("{}{}", self.api, route.replacen('?', "&", 1))
        } else {
            format!("{}{}", self.api, route)
        }
    }

    /// Run SQL against the site's database (`wordpress`, tables prefixed `wp_`) with the mariadb
    /// client, for assertions such as counting posts. Returns the rows tab-separated, one per
    /// line, without column names, and without the final newline.
    pub fn sql(&self, query: &str) -> Result<String, HarnessError> {
        let out = Command::new("mariadb")
            .arg(format!(
                "--defaults-file={}",
                self.state_dir.join("my.cnf").display()
            ))
            .args(["--batch", "--skip-column-names", "wordpress", "-e", query])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| HarnessError::io("could not run the mariadb client", e))?;
        if !out.status.success() {
            return Err(HarnessError::Sql {
                query: query.to_owned(),
                status: out.status.to_string(),
                stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            });
        }
        let mut rows = String::from_utf8_lossy(&out.stdout).into_owned();
        while rows.ends_with('\n') {
            rows.pop();
        }
        Ok(rows)
    }

    /// Make every following REST answer broken the way `mode` says, or healthy again with
    /// `None`. Takes effect with the next request (the mu-plugin reads a flag file each time).
    pub fn set_answer_html(&self, mode: Option<HtmlMode>) -> Result<(), HarnessError> {
        let flag = self.state_dir.join("answer-html");
        match mode {
            Some(mode) => std::fs::write(&flag, mode.as_str())
                .map_err(|e| HarnessError::io(format!("writing {}", flag.display()), e)),
            None => match std::fs::remove_file(&flag) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    Err(HarnessError::io(format!("removing {}", flag.display()), e))
                }
                _ => Ok(()),
            },
        }
    }

    /// The PIDs of the two daemons (php -S, mariadbd); each leads its own process group.
    pub fn pids(&self) -> Result<Vec<u32>, HarnessError> {
        ["php-server.pid", "mariadbd.pid"]
            .iter()
            .map(|name| {
                let path = self.state_dir.join("run").join(name);
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| HarnessError::io(format!("reading {}", path.display()), e))?;
                text.trim().parse().map_err(|_| HarnessError::Credentials {
                    path: path.clone(),
                    reason: format!("not a PID: {text:?}"),
                })
            })
            .collect()
    }

    /// The directory with the daemons' logs (php-server.log, php-errors.log, mariadb.err,
    /// mail.log, …), worth a look when a test fails.
    pub fn logs_dir(&self) -> PathBuf {
        self.state_dir.join("logs")
    }

    /// Stop the daemons and delete the state directory (dropping does the same, ignoring errors).
    pub fn stop(mut self) -> Result<(), HarnessError> {
        self.guard.stop()
    }
}

/// Whether a process is still running; a zombie is not (an orphaned daemon killed with SIGKILL
/// stays a zombie until init reaps it). For tests that check a stop.
pub fn process_running(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state is the field after the parenthesised command name.
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}

fn run_start(dir: &Path, port: u16, options: &Options) -> Result<(), HarnessError> {
    let script = scripts_dir().join("start.sh");
    let mut cmd = Command::new("bash");
    cmd.arg(&script).arg("--no-install");
    let out = clean_env(&mut cmd)
        .env("WP_PORT", port.to_string())
        .env("WP_STATE_DIR", dir)
        .env(
            "WP_PERMALINKS",
            match options.permalinks {
                Permalinks::Pretty => "/%postname%/",
                Permalinks::Plain => "",
            },
        )
        .env(
            "WP_APP_PASSWORDS",
            if options.app_passwords { "1" } else { "0" },
        )
        .env("WP_PHP_WORKERS", options.workers.max(2).to_string())
        .stdin(Stdio::null())
        // The same values are in credentials.json; the daemons never hold this pipe (start.sh
        // redirects their fds), so output() returns when start.sh exits.
        .stdout(Stdio::null())
        .output()
        .map_err(|e| HarnessError::io(format!("could not run {}", script.display()), e))?;
    if out.status.success() {
        return Ok(());
    }
    let stderr_tail = tail(&out.stderr);
    if stderr_tail.contains("missing Debian packages") {
        return Err(HarnessError::MissingPackages { stderr_tail });
    }
    Err(HarnessError::Start {
        script,
        status: out.status.to_string(),
        stderr_tail,
    })
}

fn port_clash(stderr: &str) -> bool {
    stderr.contains("already in use") || stderr.contains("Address already in use")
}

/// The caller's `WP_*` variables (say, from an `eval "$(start.sh)"` in the same shell) must not
/// leak into a test's instance: start.sh reads several of them.
fn clean_env(cmd: &mut Command) -> &mut Command {
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("WP_") {
            cmd.env_remove(key);
        }
    }
    cmd
}

/// A port that was free a moment ago (the kernel's choice for port 0).
fn free_port() -> Result<u16, HarnessError> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| HarnessError::io("could not find a free port on 127.0.0.1", e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| HarnessError::io("could not find a free port on 127.0.0.1", e))?;
    Ok(addr.port())
}

/// A new, empty, short-named directory: `<root>/wp-<pid>-<n>-<time>`.
fn new_state_dir() -> Result<PathBuf, HarnessError> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let root = std::env::var_os(TMP_ROOT_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    std::fs::create_dir_all(&root)
        .map_err(|e| HarnessError::io(format!("creating {}", root.display()), e))?;
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let salt = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_micros())
            .unwrap_or(0);
        let dir = root.join(format!("wp-{}-{n}-{salt:x}", std::process::id()));
        let len = dir.as_os_str().len();
        if len > MAX_STATE_DIR_LEN {
            return Err(HarnessError::StateDirTooLong { path: dir, len });
        }
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            // Left over from an earlier run with the same PID: pick another name.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(HarnessError::io(format!("creating {}", dir.display()), e)),
        }
    }
}

fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(STDERR_TAIL_LINES)..].join("\n")
}

/// credentials.json: a flat object of `WP_*` strings (start.sh writes every value as a string).
#[derive(Deserialize)]
struct Credentials {
    #[serde(skip)]
    path: PathBuf,
    #[serde(flatten)]
    values: HashMap<String, String>,
}

impl Credentials {
    fn read(path: &Path) -> Result<Self, HarnessError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| HarnessError::io(format!("reading {}", path.display()), e))?;
        let mut creds: Credentials =
            serde_json::from_str(&text).map_err(|e| HarnessError::Credentials {
                path: path.to_owned(),
                reason: e.to_string(),
            })?;
        creds.path = path.to_owned();
        Ok(creds)
    }

    fn get(&self, key: &str) -> Result<String, HarnessError> {
        self.values
            .get(key)
            .cloned()
            .ok_or_else(|| HarnessError::Credentials {
                path: self.path.clone(),
                reason: format!("{key} is missing"),
            })
    }

    fn user(&self, role: &str) -> Result<WpUser, HarnessError> {
        let id = self.get(&format!("WP_{role}_ID"))?;
        Ok(WpUser {
            id: id.parse().map_err(|_| HarnessError::Credentials {
                path: self.path.clone(),
                reason: format!("WP_{role}_ID is not a number: {id:?}"),
            })?,
            login: self.get(&format!("WP_{role}_USER"))?,
            password: self.get(&format!("WP_{role}_PASSWORD"))?,
            app_password: self.get(&format!("WP_{role}_APP_PASSWORD"))?,
        })
    }
}
