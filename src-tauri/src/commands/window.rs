//! The window's own facts: how long the start took, for the log and the desktop benchmark
//! (`scripts/bench-desktop.sh`, DESIGN §7's P7 figures); and its close, once the page has saved
//! (`crate::closing`).

use folio_model::ipc::NoArgs;
use folio_model::ErrorDto;
use std::sync::OnceLock;
use std::time::Instant;
use tauri::AppHandle;

/// When `main` began (set first thing there).
pub static STARTED: OnceLock<Instant> = OnceLock::new();
/// The first `app_ready`'s figure: a page drawn again later is not a start.
static READY_MS: OnceLock<u64> = OnceLock::new();

/// Where the benchmark wants the figure (a path; nothing is written without it).
const READY_FILE_ENV: &str = "FOLIO_READY_FILE";

pub async fn app_ready(_app: AppHandle, _args: NoArgs) -> Result<u64, ErrorDto> {
    let mut first = false;
    let ms = *READY_MS.get_or_init(|| {
        first = true;
        STARTED.get().map_or(0, |t| {
            u64::try_from(t.elapsed().as_millis()).unwrap_or(u64::MAX)
        })
    });
    if first {
        tracing::info!(ready_ms = ms, "the start page is drawn and interactive");
        if let Some(path) = std::env::var_os(READY_FILE_ENV).filter(|p| !p.is_empty()) {
            // Written whole to a temporary name, then renamed: the benchmark never reads half.
            let tmp = std::path::PathBuf::from(&path).with_extension("tmp");
            let written = std::fs::write(&tmp, format!("{{\"ready_ms\":{ms}}}\n"))
                .and_then(|()| std::fs::rename(&tmp, &path));
            if let Err(e) = written {
                tracing::warn!(error = %e, "cannot write {READY_FILE_ENV}");
            }
        }
    }
    Ok(ms)
}

/// The page has saved what it held after `window-close-requested`: close the window.
pub async fn window_close(app: AppHandle, _args: NoArgs) -> Result<(), ErrorDto> {
    crate::closing::close_now(&app);
    Ok(())
}
