//! Where Folio keeps its data.
//!
//! The desktop app and the CLI must agree on the default so that `folio site list` shows what the
//! app created: both resolve through [`resolve_data_dir`].

use crate::CoreError;
use std::path::PathBuf;

/// The app identifier; also the directory name under the OS data directory
/// (`~/.local/share/app.folio.desktop` on Linux, `~/Library/Application Support/...` on macOS).
/// Keep in sync with `identifier` in tauri.conf.json.
pub const APP_IDENTIFIER: &str = "app.folio.desktop";

/// The environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "FOLIO_DATA_DIR";

/// An explicit directory wins, then `FOLIO_DATA_DIR`, then the OS app-data directory.
pub fn resolve_data_dir(explicit: Option<PathBuf>) -> Result<PathBuf, CoreError> {
    if let Some(dir) = explicit {
        return Ok(dir);
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir()
        .map(|d| d.join(APP_IDENTIFIER))
        .ok_or(CoreError::NoDataDir)
}

/// The SQLite database inside a data directory.
pub fn database_path(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("folio.db")
}

/// The log directory inside a data directory.
pub fn log_dir(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("logs")
}

/// The job lock files inside a data directory (see `folio_core::jobs`).
pub fn jobs_dir(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("jobs")
}
