//! Logging for the binaries: stderr plus a log file in the data directory, filtered by `RUST_LOG`.

use crate::{paths, CoreError};
use std::path::Path;
use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer};

/// Keeps the background log writer alive; drop it last so buffered lines reach the file.
pub struct LogGuard {
    _file: tracing_appender::non_blocking::WorkerGuard,
}

/// The name of the log file under `<data dir>/logs/`.
pub const LOG_FILE: &str = "folio.log";

/// Install the global subscriber. `stderr_default` is the filter for stderr when `RUST_LOG` is
/// unset (the CLI keeps its output clean with `warn`); the file always gets at least `info`.
pub fn init(data_dir: &Path, stderr_default: &str) -> Result<LogGuard, CoreError> {
    let dir = paths::log_dir(data_dir);
    std::fs::create_dir_all(&dir).map_err(|source| CoreError::DataDir {
        path: dir.clone(),
        source,
    })?;
    let (writer, guard) =
        tracing_appender::non_blocking(tracing_appender::rolling::never(&dir, LOG_FILE));
    let rust_log = std::env::var("RUST_LOG").ok().filter(|v| !v.is_empty());
    let filter = |default: &str| match &rust_log {
        Some(v) => EnvFilter::try_new(v).unwrap_or_else(|_| EnvFilter::new(default)),
        None => EnvFilter::new(default),
    };
    tracing_subscriber::registry()
        .with(
            fmt::layer()
                .with_writer(std::io::stderr)
                // colour codes only for a person at a terminal, never into a pipe or a log file
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .with_filter(filter(stderr_default)),
        )
        .with(
            fmt::layer()
                .with_ansi(false)
                .with_writer(writer)
                .with_filter(filter("info")),
        )
        .try_init()
        .map_err(|e| CoreError::Logging(e.to_string()))?;
    Ok(LogGuard { _file: guard })
}
