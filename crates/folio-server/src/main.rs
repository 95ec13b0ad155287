//! `folio-server`: the sync server binary. Prints `listening on http://ADDR` once bound (tests
//! start it on port 0 and read the address from that line) and stops cleanly on Ctrl-C or
//! SIGTERM.

use clap::{Parser, ValueEnum};
use folio_server::config::{DEFAULT_DATA_DIR, DEFAULT_LISTEN, DEFAULT_SYNC_CONNECTIONS_PER_USER};
use folio_server::hashing::HashingBound;
use folio_server::mail::{Mailer, SmtpConfig};
use folio_server::rate_limit::RateLimits;
use folio_server::{DatabaseUrl, PlanId, ServerConfig};
use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "folio-server", version, about = "Folio's sync server")]
struct Cli {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, env = "FOLIO_SERVER_LISTEN", default_value = DEFAULT_LISTEN)]
    listen: SocketAddr,

    /// Database URL: sqlite:PATH (default: sqlite:<data dir>/folio-server.db), or
    /// postgres://USER[:PASSWORD]@HOST:PORT/DATABASE for scale mode (several servers, one database).
    #[arg(long, env = "FOLIO_SERVER_DATABASE")]
    database: Option<String>,

    /// Where the default SQLite database lives.
    #[arg(long, env = "FOLIO_SERVER_DATA", default_value = DEFAULT_DATA_DIR)]
    data_dir: PathBuf,

    /// The plan new accounts start on.
    #[arg(long, env = "FOLIO_SERVER_DEFAULT_PLAN", value_enum, default_value_t = Plan::Growth)]
    default_plan: Plan,

    /// The address people reach this server at, used in emailed links (default: the bound one).
    #[arg(long, env = "FOLIO_SERVER_PUBLIC_URL")]
    public_url: Option<String>,

    /// Behind a reverse proxy: take the client's address from the last X-Forwarded-For entry
    /// (for rate limits). Never without a proxy that sets that header: clients could forge it.
    #[arg(long, env = "FOLIO_SERVER_TRUST_PROXY")]
    trust_proxy: bool,

    /// Attempts per minute from one client address at each of login, register, password reset
    /// and invite acceptance.
    #[arg(long, env = "FOLIO_SERVER_RATE_PER_ADDRESS", default_value_t = RateLimits::default().per_address_per_minute)]
    rate_per_address: u32,

    /// Attempts per minute naming one email address (login, register, password reset).
    #[arg(long, env = "FOLIO_SERVER_RATE_PER_EMAIL", default_value_t = RateLimits::default().per_email_per_minute)]
    rate_per_email: u32,

    /// Password hashes running at once (each takes 19 MiB); default: the number of cores.
    #[arg(long, env = "FOLIO_SERVER_HASHING_CONCURRENCY")]
    hashing_concurrency: Option<usize>,

    /// Password checks that may wait for a turn; past that, 503 with Retry-After.
    #[arg(long, env = "FOLIO_SERVER_HASHING_QUEUE")]
    hashing_queue: Option<usize>,

    /// SMTP relay for password-reset and invite mail. Without it, those answer
    /// `mail_not_configured` and admins create invite links instead.
    #[arg(long, env = "FOLIO_SERVER_SMTP_HOST")]
    smtp_host: Option<String>,

    /// SMTP port (default: 587 for starttls, 465 for tls, 25 for none).
    #[arg(long, env = "FOLIO_SERVER_SMTP_PORT")]
    smtp_port: Option<u16>,

    /// SMTP user name; its password is read from the variable --smtp-password-env names.
    #[arg(long, env = "FOLIO_SERVER_SMTP_USER")]
    smtp_user: Option<String>,

    /// The environment variable holding the SMTP password (never a flag: flags show in `ps`).
    #[arg(long, default_value = "FOLIO_SERVER_SMTP_PASSWORD")]
    smtp_password_env: String,

    /// The sender of emails, e.g. "Folio <folio@example.com>".
    #[arg(long, env = "FOLIO_SERVER_SMTP_FROM")]
    smtp_from: Option<String>,

    /// starttls (default), tls, or none (only to a relay on 127.0.0.1/::1/localhost).
    #[arg(long, env = "FOLIO_SERVER_SMTP_TLS", default_value = "starttls")]
    smtp_tls: String,

    /// Sync connections one user may have open at once.
    #[arg(long, env = "FOLIO_SERVER_SYNC_CONNECTIONS_PER_USER", default_value_t = DEFAULT_SYNC_CONNECTIONS_PER_USER)]
    sync_connections_per_user: usize,
}

#[derive(Clone, Copy, ValueEnum)]
enum Plan {
    Free,
    Starter,
    Growth,
    Scale,
}

impl From<Plan> for PlanId {
    fn from(p: Plan) -> Self {
        match p {
            Plan::Free => PlanId::Free,
            Plan::Starter => PlanId::Starter,
            Plan::Growth => PlanId::Growth,
            Plan::Scale => PlanId::Scale,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        // Colour only for a person at a terminal; log files and pipes get plain text.
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), folio_server::ServerError> {
    let database = match cli.database {
        Some(url) => url.parse::<DatabaseUrl>()?,
        None => DatabaseUrl::in_data_dir(&cli.data_dir),
    };
    let mut config = ServerConfig::new(database);
    config.listen = cli.listen;
    config.default_plan = cli.default_plan.into();
    config.public_url = cli.public_url;
    config.trust_proxy = cli.trust_proxy;
    config.rate_limits = RateLimits {
        per_address_per_minute: cli.rate_per_address,
        per_email_per_minute: cli.rate_per_email,
    };
    let defaults = HashingBound::default();
    config.hashing_bound = HashingBound {
        concurrent: cli.hashing_concurrency.unwrap_or(defaults.concurrent),
        queue: cli.hashing_queue.unwrap_or(defaults.queue),
    };
    config.sync_connections_per_user = cli.sync_connections_per_user;
    if let Some(host) = cli.smtp_host {
        let from = cli.smtp_from.ok_or_else(|| {
            folio_server::ServerError::Config(
                "--smtp-host needs --smtp-from, the address emails are sent from".into(),
            )
        })?;
        config.mailer = Mailer::smtp(&SmtpConfig {
            host,
            port: cli.smtp_port,
            username: cli.smtp_user,
            password: std::env::var(&cli.smtp_password_env)
                .ok()
                .filter(|p| !p.is_empty()),
            from,
            tls: cli.smtp_tls.parse()?,
        })?;
    }
    let server = folio_server::serve(config).await?;
    println!("listening on {}", server.url());
    // stdout may be a pipe (tests read it); make sure the line leaves now.
    let _ = std::io::stdout().flush();
    server.run_until(stop_signal()).await
}

/// Ctrl-C, or SIGTERM on Unix (what `kill PID` and service managers send).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot watch for SIGTERM; stop with Ctrl-C");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
