//! Automation schedules while the app is open: core's daemon loop (`Folio::automation_daemon`)
//! runs each active site's schedule; a slot missed while the app was closed runs once now. A
//! run the app's quitting cuts short stays resumable (its row says where it was).

use crate::state::AppState;
use folio_core::CancellationToken;
use tauri::{AppHandle, Manager, Runtime};

/// Start the schedule loop for the open data directory (no-op when it could not be opened).
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let Ok(folio) = app.state::<AppState>().folio() else {
        return;
    };
    tauri::async_runtime::spawn(async move {
        folio.automation_daemon(CancellationToken::new()).await;
    });
}
