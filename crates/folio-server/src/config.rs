//! What a server is started with. The binary builds this from its command line; tests build it
//! directly (a temporary SQLite file, port 0, cheap password hashing, a mail outbox).

use crate::hashing::HashingBound;
use crate::mail::Mailer;
use crate::rate_limit::RateLimits;
use crate::ServerError;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";
pub const DEFAULT_DATA_DIR: &str = "folio-server-data";
pub const DATABASE_FILE: &str = "folio-server.db";

#[derive(Clone, Debug)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub database: DatabaseUrl,
    /// The plan a newly registered account starts on.
    pub default_plan: PlanId,
    pub password_hashing: PasswordHashing,
    pub token_lifetimes: TokenLifetimes,
    pub mailer: Mailer,
    /// The address people reach this server at, for links in emails; defaults to the bound address.
    pub public_url: Option<String>,
    /// Sync sockets one user may have open at once (each holds documents and a task); the next
    /// upgrade is refused with a `limit` error.
    pub sync_connections_per_user: usize,
    /// Attempts per minute at the password routes, per client address and per email.
    pub rate_limits: RateLimits,
    /// Password hashes running and waiting at once.
    pub hashing_bound: HashingBound,
    /// Take the client's address from `X-Forwarded-For` (its last entry: the one the proxy in
    /// front of this server added). Only behind a reverse proxy that sets it: otherwise any
    /// client could name any address and escape its rate limits. Without it, behind a proxy,
    /// every client shares the proxy's address and budget.
    pub trust_proxy: bool,
}

/// The default of [`ServerConfig::sync_connections_per_user`]: a person's devices, with room for
/// a reconnect overlapping the connection it replaces.
pub const DEFAULT_SYNC_CONNECTIONS_PER_USER: usize = 8;

impl ServerConfig {
    /// Defaults for everything but the database.
    pub fn new(database: DatabaseUrl) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8787)),
            database,
            default_plan: PlanId::Growth,
            password_hashing: PasswordHashing::Default,
            token_lifetimes: TokenLifetimes::default(),
            mailer: Mailer::None,
            public_url: None,
            sync_connections_per_user: DEFAULT_SYNC_CONNECTIONS_PER_USER,
            rate_limits: RateLimits::default(),
            hashing_bound: HashingBound::default(),
            trust_proxy: false,
        }
    }
}

/// Where the server keeps its data.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    /// Scale mode: any number of servers may share one PostgreSQL database. Kept as given (it
    /// may carry a password) and only ever printed redacted.
    Postgres(String),
}

impl DatabaseUrl {
    /// `sqlite:<dir>/folio-server.db`.
    pub fn in_data_dir(dir: &std::path::Path) -> Self {
        Self::Sqlite(dir.join(DATABASE_FILE))
    }
}

impl FromStr for DatabaseUrl {
    type Err = ServerError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(rest) = s.strip_prefix("sqlite:") {
            // sqlite:PATH and sqlite://PATH both name a file; a query string is not supported.
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() || path.contains('?') || path == ":memory:" {
                return Err(ServerError::Config(format!(
                    "database URL {s:?} names no file; use sqlite:PATH, for example sqlite:./folio-server-data/folio-server.db"
                )));
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(Self::Postgres(s.to_owned()));
        }
        Err(ServerError::Config(format!(
            "unsupported database URL {:?}; use sqlite:PATH or postgres://USER@HOST:PORT/DATABASE",
            redact_url(s)
        )))
    }
}

// A Postgres URL may carry a password: never print one.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            Self::Postgres(url) => f.write_str(&redact_url(url)),
        }
    }
}

/// `scheme://user:secret@host/db?password=secret` → `scheme://user:***@host/db?password=***`.
fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest
        .split_once('/')
        .map_or((rest, None), |(a, p)| (a, Some(p)));
    let redacted = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    match path {
        Some(p) => format!("{scheme}://{redacted}/{}", redact_query(p)),
        None => format!("{scheme}://{redacted}"),
    }
}

/// libpq also takes the password as a query parameter.
fn redact_query(path: &str) -> String {
    let Some((before, query)) = path.split_once('?') else {
        return path.to_owned();
    };
    let params: Vec<String> = query
        .split('&')
        .map(|param| match param.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
            _ => param.to_owned(),
        })
        .collect();
    format!("{before}?{}", params.join("&"))
}

/// The built-in plans (seeded by the server's first migration).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PlanId {
    Free,
    Starter,
    Growth,
    Scale,
}

impl PlanId {
    pub const ALL: [PlanId; 4] = [PlanId::Free, PlanId::Starter, PlanId::Growth, PlanId::Scale];

    pub fn as_str(self) -> &'static str {
        match self {
            PlanId::Free => "free",
            PlanId::Starter => "starter",
            PlanId::Growth => "growth",
            PlanId::Scale => "scale",
        }
    }
}

impl fmt::Display for PlanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PlanId {
    type Err = ServerError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PlanId::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                ServerError::Config(format!(
                    "unknown plan {s:?}; use free, starter, growth or scale"
                ))
            })
    }
}

/// How expensive password hashing is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordHashing {
    /// argon2id with the crate's recommended parameters (19 MiB, 2 passes): for real servers.
    Default,
    /// argon2id at its minimum cost: only for tests, which hash hundreds of passwords.
    InsecureFastForTests,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenLifetimes {
    /// An access token; a sync socket opened with it closes when it expires.
    pub access: Duration,
    pub refresh: Duration,
    pub password_reset: Duration,
    pub invite: Duration,
    /// How long a just-rotated refresh token may be presented again and get the same new pair
    /// back: a client whose refresh response was lost retries with the old token, and that must
    /// not look like theft. After this a second use revokes the login.
    pub refresh_grace: Duration,
    /// A login's absolute lifetime, counted from the login itself: refreshing never extends it
    /// past this, after which the person logs in again.
    pub session_max: Duration,
}

impl Default for TokenLifetimes {
    fn default() -> Self {
        Self {
            access: Duration::from_secs(15 * 60),
            refresh: Duration::from_secs(30 * 24 * 3600),
            password_reset: Duration::from_secs(3600),
            invite: Duration::from_secs(7 * 24 * 3600),
            refresh_grace: Duration::from_secs(30),
            session_max: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn database_urls_parse() {
        assert_eq!(
            "sqlite:/tmp/x.db".parse::<DatabaseUrl>().unwrap(),
            DatabaseUrl::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            "sqlite://rel/x.db".parse::<DatabaseUrl>().unwrap(),
            DatabaseUrl::Sqlite("rel/x.db".into())
        );
        assert!("sqlite:".parse::<DatabaseUrl>().is_err());
        assert!("mysql://h/db".parse::<DatabaseUrl>().is_err());
        let pg: DatabaseUrl = "postgres://folio:s3cret@db:5432/folio".parse().unwrap();
        assert_eq!(pg.to_string(), "postgres://folio:***@db:5432/folio");
        assert!(!format!("{pg:?}").contains("s3cret"));
        let pg: DatabaseUrl = "postgresql://folio@db/folio?sslmode=require&password=s3cret"
            .parse()
            .unwrap();
        assert_eq!(
            pg.to_string(),
            "postgresql://folio@db/folio?sslmode=require&password=***"
        );
    }

    #[test]
    fn plans_parse_case_insensitively() {
        assert_eq!("Growth".parse::<PlanId>().unwrap(), PlanId::Growth);
        assert!("enterprise".parse::<PlanId>().is_err());
    }
}
